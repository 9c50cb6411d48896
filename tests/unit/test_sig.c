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

#include "trust/sig.h"
#include "util/safefile.h"

/* sig_sign, and the signature written durably to out, as slktx sign does */
static int sign_to_file(const char *crt, const char *key, const char *data, const char *out,
			struct err *e)
{
	unsigned char *p7s = NULL;
	size_t len = 0;
	int rc = sig_sign(crt, key, data, &p7s, &len, e);

	if (rc == 0)
		rc = safefile_write_file(out, p7s, len, 0644, e);
	free(p7s);
	return rc;
}

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
	assert_int_equal(sig_trust_load(&t, &anchors, &crls, time(NULL), &e), 0);
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
	if (sig_trust_load(&t, &anchors, &crls, time(NULL), &e) == 0) {
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
	assert_int_equal(cert_code(t, "weak.crt"), ERR_CERT_UNTRUSTED);
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

struct der {
	unsigned char *p;
	size_t len;
};

static struct der der_of(const char *name)
{
	struct sig_signer info;
	struct der d = { 0 };
	struct err e;

	assert_int_equal(sig_cert_load(NULL, at(name), time(NULL), &d.p, &d.len, &info, &e), 0);
	return d;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Verify data.txt against data.txt.p7s with the named registered certificates. */
static enum err_code verify_with(struct sig_trust *t, time_t now, const char *const *names,
				 size_t n, struct sig_signer *signer)
{
	struct sig_cert reg[4];
	struct der d[4];
	struct err e;
	int rc;

	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++) {
		d[i] = der_of(names[i]);
		reg[i].der = d[i].p;
		reg[i].len = d[i].len;
	}
	rc = sig_verify_file(t, at("data.txt"), at("data.txt.p7s"), reg, n, now, signer, &e);
	for (size_t i = 0; i < n; i++)
		free(d[i].p);
	return rc == 0 ? ERR_NONE : e.code;
}

static void sign_as(const char *name)
{
	char crt[512], key[512];
	struct err e;

	snprintf(crt, sizeof(crt), "%s.crt", at(name));
	snprintf(key, sizeof(key), "%s.key", at(name));
	write_file(at("data.txt"), "<ResponseBatch/>\n");
	assert_int_equal(sign_to_file(crt, key, at("data.txt"), at("data.txt.p7s"), &e), 0);
}

static void test_registered_pinning(void **state)
{
	static const char *const decision[] = { "BANKA-decision.crt" };
	static const char *const officers[] = { "BANKA-product.crt", "BANKA-service.crt",
						"BANKA-decision.crt" };
	static const char *const others[] = { "BANKA-product.crt", "BANKA-service.crt",
					      "BANKA-decision2.crt" };
	struct sig_trust *t = trust(NULL);
	struct sig_signer s, reg;
	unsigned char *der;
	size_t len;
	struct err e;

	(void)state;
	sign_as("BANKA-decision");
	assert_int_equal(verify_with(t, time(NULL), decision, 1, &s), ERR_NONE);
	assert_int_equal(sig_cert_load(t, at("BANKA-decision.crt"), time(NULL), &der, &len, &reg,
				       &e), 0);
	free(der);
	assert_memory_equal(s.cert_sha256, reg.cert_sha256, 32);
	assert_string_equal(s.subject, reg.subject);
	assert_true(s.signing_time > time(NULL) - 600 && s.signing_time <= time(NULL) + 5);

	assert_int_equal(verify_with(t, time(NULL), officers, 3, &s), ERR_NONE);
	/* replaced: the former officer's certificate is no longer in the list */
	assert_int_equal(verify_with(t, time(NULL), others, 3, &s), ERR_SIGNER_NOT_REGISTERED);
	/* the anchors alone accept it */
	assert_int_equal(verify_with(t, time(NULL), NULL, 0, &s), ERR_NONE);

	/* valid, from the CA, but registered nowhere */
	sign_as("unregistered");
	assert_int_equal(verify_with(t, time(NULL), officers, 3, &s), ERR_SIGNER_NOT_REGISTERED);
	assert_int_equal(verify_with(t, time(NULL), NULL, 0, &s), ERR_NONE);

	/* the rogue carries the officer's subject, but not the officer's certificate */
	sign_as("rogue");
	assert_int_equal(verify_with(t, time(NULL), officers, 3, &s), ERR_CERT_UNTRUSTED);
	sig_trust_free(t);
}

/* A signature that does not carry its certificate verifies only against the registered one. */
static void test_registered_not_carried(void **state)
{
	static const char *const decision[] = { "BANKA-decision.crt" };
	static const char *const product[] = { "BANKA-product.crt" };
	struct sig_trust *t = trust(NULL);
	struct sig_signer s;
	char cmd[2048];

	(void)state;
	write_file(at("data.txt"), "<ResponseBatch/>\n");
	snprintf(cmd, sizeof(cmd),
		 "openssl cms -sign -binary -cades -md sha256 -outform DER -nocerts "
		 "-signer '%s' -inkey '%s' -in '%s' -out '%s'", at("BANKA-decision.crt"),
		 at("BANKA-decision.key"), at("data.txt"), at("data.txt.p7s"));
	assert_int_equal(system(cmd), 0);
	assert_int_equal(verify_with(t, time(NULL), decision, 1, &s), ERR_NONE);
	assert_string_equal(s.subject, "CN=Budi Santoso,OU=DECISION,O=Bank A,C=ID");
	assert_int_equal(verify_with(t, time(NULL), product, 1, &s), ERR_SIGNER_NOT_REGISTERED);
	assert_int_equal(verify_with(t, time(NULL), NULL, 0, &s), ERR_SIGNATURE_INVALID);
	sig_trust_free(t);
}

/* The time of the check is the one given, for the chain and for the CRL. */
static void test_verify_time(void **state)
{
	static const char *const decision[] = { "BANKA-decision.crt" };
	struct sig_trust *t = trust(NULL), *tc = trust("crl.pem");
	struct sig_signer s;
	time_t now = time(NULL);

	(void)state;
	sign_as("BANKA-decision");
	assert_int_equal(verify_with(t, now + 3L * 365 * 86400, decision, 1, &s), ERR_CERT_EXPIRED);
	assert_int_equal(verify_with(t, now - 86400, decision, 1, &s), ERR_CERT_NOT_YET_VALID);
	assert_int_equal(verify_with(tc, now, decision, 1, &s), ERR_NONE);
	/* the CRL was fresh when loaded, and is stale at the time of this check */
	assert_int_equal(verify_with(tc, now + 40L * 86400, decision, 1, &s), ERR_TRANSIENT);
	sig_trust_free(tc);
	sig_trust_free(t);
}

static void test_verify_mem(void **state)
{
	static const char data[] = "<ResponseBatch/>\n";
	struct sig_trust *t = trust(NULL);
	struct sig_cert reg;
	struct sig_signer s;
	struct der d, p7s;
	struct err e;
	FILE *f;

	(void)state;
	sign_as("ASURB-service");
	d = der_of("ASURB-service.crt");
	f = fopen(at("data.txt.p7s"), "rb");
	assert_non_null(f);
	p7s.p = malloc(65536);
	p7s.len = fread(p7s.p, 1, 65536, f);
	fclose(f);
	reg.der = d.p;
	reg.len = d.len;
	assert_int_equal(sig_verify_mem(t, (const unsigned char *)data, strlen(data), p7s.p,
					p7s.len, &reg, 1, time(NULL), &s, &e), 0);
	assert_string_equal(s.subject, "CN=Maya Lestari,OU=SERVICE,O=Asuransi B,C=ID");
	assert_int_equal(sig_verify_mem(t, (const unsigned char *)data, strlen(data) - 1, p7s.p,
					p7s.len, &reg, 1, time(NULL), &s, &e), -1);
	assert_int_equal(e.code, ERR_SIGNATURE_INVALID);
	free(p7s.p);
	free(d.p);
	sig_trust_free(t);
}

/* Signed in memory, verified in memory: the DER comes back to the caller, no file is written. */
static void test_sign_mem(void **state)
{
	static const char data[] = "<Statement/>\n";
	struct sig_trust *t = trust(NULL);
	unsigned char *p7s = NULL;
	size_t len = 0;
	struct der hub;
	struct sig_cert reg;
	struct sig_signer s;
	struct err e;

	(void)state;
	assert_int_equal(sig_sign_mem(at("hub.crt"), at("hub.key"), (const unsigned char *)data,
				      strlen(data), &p7s, &len, &e), 0);
	assert_true(len > 500);
	hub = der_of("hub.crt");
	reg.der = hub.p;
	reg.len = hub.len;
	assert_int_equal(sig_verify_mem(t, (const unsigned char *)data, strlen(data), p7s, len,
					&reg, 1, time(NULL), &s, &e), 0);
	assert_string_equal(s.subject, "CN=slktx hub,O=SLKTX Hub,C=ID");
	assert_true(s.signing_time > time(NULL) - 600);
	free(p7s);
	/* and the file form, the same bytes signed from disk */
	write_file(at("data.txt"), data);
	assert_int_equal(sig_sign(at("hub.crt"), at("hub.key"), at("data.txt"), &p7s, &len, &e), 0);
	assert_int_equal(sig_verify_mem(t, (const unsigned char *)data, strlen(data), p7s, len,
					&reg, 1, time(NULL), &s, &e), 0);
	free(p7s);
	assert_int_equal(sig_sign(at("hub.crt"), at("hub.key"), at("no-such-data"), &p7s, &len, &e),
			 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_null(p7s);
	free(hub.p);
	sig_trust_free(t);
}

/* A CRL is judged at the now the caller gives, also when the trust is loaded. */
static void test_trust_load_now(void **state)
{
	struct config_list anchors = { 0 }, crls = { 0 };
	struct sig_trust *t = NULL;
	struct err e;

	(void)state;
	anchors.n = 1;
	snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", at("ca.crt"));
	crls.n = 1;
	snprintf(crls.v[0], sizeof(crls.v[0]), "%s", at("crl.pem"));
	assert_int_equal(sig_trust_load(&t, &anchors, &crls, time(NULL) + 40L * 86400, &e), -1);
	assert_int_equal(e.code, ERR_TRANSIENT);
	assert_non_null(strstr(e.msg, "stale"));
	assert_int_equal(sig_trust_load(&t, &anchors, &crls, time(NULL), &e), 0);
	sig_trust_free(t);
}

static void test_sign_errors(void **state)
{
	struct err e;
	char key[512];

	(void)state;
	assert_int_equal(sign_to_file(at("hub.crt"), at("hub.key"), at("no-such-data"),
				       at("no-such-data.p7s"), &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(access(at("no-such-data.p7s"), F_OK), -1);
	snprintf(key, sizeof(key), "%s", at("hub.key"));
	assert_int_equal(chmod(key, 0604), 0);
	assert_int_equal(sign_to_file(at("hub.crt"), key, at("data.txt"), at("x.p7s"), &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_non_null(strstr(e.msg, key));
	assert_int_equal(chmod(key, 0600), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trust_load),
		cmocka_unit_test(test_cert_load),
		cmocka_unit_test(test_cert_load_der),
		cmocka_unit_test(test_registered_pinning),
		cmocka_unit_test(test_registered_not_carried),
		cmocka_unit_test(test_verify_time),
		cmocka_unit_test(test_verify_mem),
		cmocka_unit_test(test_sign_mem),
		cmocka_unit_test(test_trust_load_now),
		cmocka_unit_test(test_sign_errors),
	};
	return cmocka_run_group_tests(tests, setup_pki, teardown_pki);
}
