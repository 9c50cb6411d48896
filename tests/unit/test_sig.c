/*
 * test_sig - the trust store, certificate loading and the pinning of signers
 * to registered certificates, over a PKI made by scripts/make-test-pki.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sig.h"

static char pki[256];

static const char *at(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", pki, name);
	return buf[i];
}

static int setup_pki(void **state)
{
	char cmd[1024];
	const char *src = getenv("SRC");

	(void)state;
	snprintf(pki, sizeof(pki), "%s/slktx-test-sig.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(pki))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/scripts/make-test-pki -f '%s/p' >/dev/null 2>&1",
		 src ? src : ".", pki);
	if (system(cmd) != 0)
		return -1;
	strcat(pki, "/p");
	return 0;
}

static int teardown_pki(void **state)
{
	char cmd[1024];

	(void)state;
	pki[strlen(pki) - 2] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pki);
	return system(cmd) == 0 ? 0 : -1;
}

static struct sig_trust *trust(const char *crl)
{
	struct config_list anchors = { 0 }, crls = { 0 };
	struct sig_trust *t = NULL;
	struct err e;

	anchors.n = 1;
	snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", at("ca.crt"));
	if (crl) {
		crls.n = 1;
		snprintf(crls.v[0], sizeof(crls.v[0]), "%s", at(crl));
	}
	assert_int_equal(sig_trust_load(&t, &anchors, &crls, &e), 0);
	return t;
}

static enum err_code trust_load_code(const char *anchor, const char *crl)
{
	struct config_list anchors = { 0 }, crls = { 0 };
	struct sig_trust *t = NULL;
	struct err e;

	anchors.n = 1;
	snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", at(anchor));
	if (crl) {
		crls.n = 1;
		snprintf(crls.v[0], sizeof(crls.v[0]), "%s", at(crl));
	}
	if (sig_trust_load(&t, &anchors, &crls, &e) == 0) {
		sig_trust_free(t);
		return ERR_NONE;
	}
	assert_null(t);
	return e.code;
}

static void test_trust_load(void **state)
{
	(void)state;
	assert_int_equal(trust_load_code("ca.crt", NULL), ERR_NONE);
	assert_int_equal(trust_load_code("ca.crt", "crl.pem"), ERR_NONE);
	assert_int_equal(trust_load_code("ca.crt", "stale-crl.pem"), ERR_TRANSIENT);
	assert_int_equal(trust_load_code("ca.crt", "no-such-crl.pem"), ERR_TRANSIENT);
	assert_int_equal(trust_load_code("ca.crt", "ca.crt"), ERR_TRANSIENT);
	assert_int_equal(trust_load_code("no-such-ca.crt", NULL), ERR_CONFIG);
	assert_int_equal(trust_load_code("crl.pem", NULL), ERR_CONFIG);
}

static enum err_code cert_code(struct sig_trust *t, const char *name)
{
	struct sig_signer info;
	unsigned char *der = NULL;
	size_t len = 0;
	struct err e;
	int rc;

	rc = sig_cert_load(t, at(name), time(NULL), &der, &len, &info, &e);
	if (rc == 0) {
		assert_non_null(der);
		assert_true(len > 100);
		free(der);
		return ERR_NONE;
	}
	assert_null(der);
	return e.code;
}

static void test_cert_load(void **state)
{
	struct sig_trust *t = trust(NULL), *tc = trust("crl.pem");
	struct sig_signer info;
	unsigned char *der = NULL;
	size_t len = 0;
	struct err e;

	(void)state;
	assert_int_equal(sig_cert_load(t, at("BANKA-decision.crt"), time(NULL), &der, &len, &info,
				       &e), 0);
	assert_string_equal(info.subject, "CN=Budi Santoso,OU=DECISION,O=Bank A,C=ID");
	assert_string_equal(info.issuer, "CN=SLKTX Test Root CA,O=SLKTX Test,C=ID");
	assert_int_equal(strlen(info.cert_sha256_hex), 64);
	assert_true(strlen(info.serial) > 0);
	free(der);

	assert_int_equal(cert_code(t, "ASURB-decision.crt"), ERR_NONE);
	assert_int_equal(cert_code(t, "rogue.crt"), ERR_CERT_UNTRUSTED);
	assert_int_equal(cert_code(t, "foreign.crt"), ERR_CERT_UNTRUSTED);
	assert_int_equal(cert_code(t, "expired.crt"), ERR_CERT_EXPIRED);
	assert_int_equal(cert_code(t, "notyet.crt"), ERR_CERT_NOT_YET_VALID);
	assert_int_equal(cert_code(t, "revoked.crt"), ERR_NONE);
	assert_int_equal(cert_code(tc, "revoked.crt"), ERR_CERT_REVOKED);
	assert_int_equal(cert_code(tc, "BANKA-service.crt"), ERR_NONE);
	assert_int_equal(cert_code(t, "no-such.crt"), ERR_NOT_FOUND);
	assert_int_equal(cert_code(t, "BANKA-decision.key"), ERR_CONFIG);
	/* without a store, only the parsing */
	assert_int_equal(cert_code(NULL, "rogue.crt"), ERR_NONE);
	sig_trust_free(tc);
	sig_trust_free(t);
}

static void test_cert_load_der(void **state)
{
	struct sig_trust *t = trust(NULL);
	char cmd[2048];

	(void)state;
	snprintf(cmd, sizeof(cmd), "openssl x509 -in '%s' -outform DER -out '%s'",
		 at("BANKA-product.crt"), at("BANKA-product.der"));
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cert_code(t, "BANKA-product.der"), ERR_NONE);
	sig_trust_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trust_load),
		cmocka_unit_test(test_cert_load),
		cmocka_unit_test(test_cert_load_der),
	};
	return cmocka_run_group_tests(tests, setup_pki, teardown_pki);
}
