#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ledger/registry.h"

/* A real ledger and a real test PKI (scripts/make-test-pki), made once. */
static char dir[64];
static struct ledger *l;
static struct sig_trust *trust;
static time_t now;

static const char *pki(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/pki/%s", dir, name);
	return buf[i];
}

static int setup(void **state)
{
	struct config_list anchors = { 1, { "" } }, crls = { 0, { "" } };
	char cmd[256], path[128];
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_registry.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* tests/run starts every test in the repository's root */
	snprintf(cmd, sizeof(cmd), "scripts/make-test-pki '%s/pki' >/dev/null 2>&1", dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", pki("ca.crt"));
	snprintf(path, sizeof(path), "%s/ledger.sqlite", dir);
	now = time(NULL);
	err_clear(&e);
	if (sig_trust_load(&trust, &anchors, &crls, now, &e) < 0 ||
	    ledger_open(&l, path, 1000, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	ledger_close(l);
	sig_trust_free(trust);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_patterns(void **state)
{
	(void)state;
	assert_true(registry_code_valid("BANKA"));
	assert_true(registry_code_valid("B1C"));
	assert_true(registry_code_valid("ABCDEFGHIJKL"));
	assert_false(registry_code_valid("AB"));
	assert_false(registry_code_valid("ABCDEFGHIJKLM"));
	assert_false(registry_code_valid("banka"));
	assert_false(registry_code_valid("BANK/A"));
	assert_false(registry_code_valid(""));
	assert_true(registry_role_valid("DECISION"));
	assert_false(registry_role_valid("decision"));
	assert_false(registry_role_valid("AUDIT"));
}

static void test_pujk_lifecycle(void **state)
{
	struct registry_officers o = { NULL, 0 };
	struct registry_pujk p, *all;
	size_t n;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(registry_pujk_get(l, "BANKA", &p, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(registry_pujk_add(l, "BANKA", "Bank A", "BANK", now, &e), 0);
	assert_int_equal(registry_pujk_add(l, "BANKA", "Bank A", "BANK", now, &e), -1);
	assert_int_equal(e.code, ERR_INVALID_STATE);
	assert_int_equal(registry_pujk_add(l, "ASURB", "Asuransi B", "SHOP", now, &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);

	assert_int_equal(registry_pujk_get(l, "BANKA", &p, &e), 0);
	assert_string_equal(p.name, "Bank A");
	assert_false(p.active);
	assert_int_equal(p.missing_roles, 7);

	/* added out of order, handed back PRODUCT, SERVICE, DECISION */
	assert_int_equal(registry_officer_add(l, trust, NULL, "BANKA", "DECISION", "Budi",
					      pki("BANKA-decision.crt"), now, &e), 0);
	assert_int_equal(registry_pujk_get(l, "BANKA", &p, &e), 0);
	assert_int_equal(p.missing_roles, 3);
	assert_int_equal(registry_officer_add(l, trust, NULL, "BANKA", "SERVICE", "Sari",
					      pki("BANKA-service.crt"), now, &e), 0);
	assert_int_equal(registry_officer_add(l, trust, NULL, "BANKA", "PRODUCT", "Ani",
					      pki("BANKA-product.crt"), now, &e), 0);
	assert_int_equal(registry_pujk_get(l, "BANKA", &p, &e), 0);
	assert_true(p.active);
	assert_int_equal(p.missing_roles, 0);

	assert_int_equal(registry_active_officers(l, "BANKA", &o, &e), 0);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.v[0].role, "PRODUCT");
	assert_string_equal(o.v[1].role, "SERVICE");
	assert_string_equal(o.v[2].role, "DECISION");
	assert_string_equal(o.v[2].name, "Budi");
	assert_true(o.v[2].cert_len > 100);
	assert_int_equal(strlen(o.v[2].cert_sha256), 64);
	assert_int_equal(o.v[2].active_to, 0);
	assert_int_equal(o.v[2].active_from, now);
	assert_true(o.v[2].not_before < now && o.v[2].not_after > now);
	registry_officers_free(&o);

	assert_int_equal(registry_officer_replace(l, trust, NULL, "BANKA", "DECISION", "Citra",
						  pki("BANKA-decision2.crt"), now + 60, &e), 0);
	assert_int_equal(registry_active_officers(l, "BANKA", &o, &e), 0);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.v[2].name, "Citra");
	registry_officers_free(&o);
	assert_int_equal(registry_officer_history(l, "BANKA", &o, &e), 0);
	assert_int_equal(o.n, 4);
	assert_string_equal(o.v[2].name, "Budi");
	assert_int_equal(o.v[2].active_to, now + 60);
	assert_string_equal(o.v[3].name, "Citra");
	assert_int_equal(o.v[3].active_from, now + 60);
	registry_officers_free(&o);

	/* an unknown PUJK has no officers (the caller asks registry_pujk_get first) */
	assert_int_equal(registry_active_officers(l, "NOPE", &o, &e), 0);
	assert_int_equal(o.n, 0);

	assert_int_equal(registry_pujk_add(l, "ASURB", "Asuransi B", "INSURANCE", now, &e), 0);
	assert_int_equal(registry_pujk_all(l, &all, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].code, "ASURB");
	assert_false(all[0].active);
	assert_string_equal(all[1].code, "BANKA");
	assert_true(all[1].active);
	free(all);
}

static void test_refusals_write_nothing(void **state)
{
	struct registry_officers o = { NULL, 0 };
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(registry_officer_add(l, trust, NULL, "ASURB", "PRODUCT", "X",
					      pki("foreign.crt"), now, &e), -1);
	assert_int_equal(e.code, ERR_CERT_UNTRUSTED);
	assert_int_equal(registry_officer_add(l, trust, NULL, "ASURB", "PRODUCT", "X",
					      pki("ca.key"), now, &e), -1);
	assert_int_equal(e.code, ERR_CERT_UNTRUSTED);
	assert_int_equal(registry_officer_add(l, trust, NULL, "ASURB", "PRODUCT", "X",
					      pki("nope.crt"), now, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(registry_officer_add(l, trust, NULL, "ASURB", "BOSS", "X",
					      pki("ASURB-product.crt"), now, &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	/* a certificate in office for BANKA */
	assert_int_equal(registry_officer_add(l, trust, NULL, "ASURB", "PRODUCT", "X",
					      pki("BANKA-product.crt"), now, &e), -1);
	assert_int_equal(e.code, ERR_INVALID_STATE);
	/* a replace that fails after ending the former term rolls the end back */
	assert_int_equal(registry_officer_replace(l, trust, NULL, "BANKA", "PRODUCT", "X",
						  pki("BANKA-service.crt"), now, &e), -1);
	assert_int_equal(e.code, ERR_INVALID_STATE);
	assert_int_equal(registry_active_officers(l, "BANKA", &o, &e), 0);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.v[0].name, "Ani");
	registry_officers_free(&o);
	assert_int_equal(registry_active_officers(l, "ASURB", &o, &e), 0);
	assert_int_equal(o.n, 0);
	registry_officers_free(&o);
}

/* SPEC §5's grace, at its edges: Budi's certificate was DECISION from now to now + 60. */
static void test_signer_find(void **state)
{
	struct registry_officer o;
	struct sig_signer s;
	unsigned char *der = NULL;
	size_t len = 0;
	struct err e;
	const int64_t end = now + 60, grace = 3600;

	(void)state;
	err_clear(&e);
	assert_int_equal(sig_cert_load(NULL, pki("BANKA-decision.crt"), now, &der, &len, &s, &e), 0);
	free(der);
	s.signing_time = now;
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end + grace, grace, &o, &e), 0);
	assert_string_equal(o.name, "Budi");
	assert_string_equal(o.role, "DECISION");
	assert_null(o.cert_der);
	s.signing_time = end - 1;
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end, grace, NULL, &e), 0);
	/* fetched one second after the grace */
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end + grace + 1, grace, NULL, &e), -1);
	assert_int_equal(e.code, ERR_SIGNER_NOT_REGISTERED);
	assert_non_null(strstr(e.msg, "hours of grace"));
	/* signed at the change, or before the term began, or with no signingTime */
	s.signing_time = end;
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end, grace, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "outside that term"));
	s.signing_time = now - 1;
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end, grace, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "outside that term"));
	s.signing_time = 0;
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end, grace, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "no signingTime"));
	/* the certificate of another PUJK's officer is no officer of this one */
	s.signing_time = now;
	assert_int_equal(registry_signer_find(l, "ASURB", &s, end, grace, NULL, &e), -1);
	assert_int_equal(e.code, ERR_SIGNER_NOT_REGISTERED);
	assert_non_null(strstr(e.msg, "not a registered certificate of PUJK 'ASURB'"));
	/* the one in office signs whatever its signingTime says */
	assert_int_equal(sig_cert_load(NULL, pki("BANKA-decision2.crt"), now, &der, &len, &s, &e), 0);
	free(der);
	s.signing_time = 0;
	assert_int_equal(registry_signer_find(l, "BANKA", &s, end + 10 * grace, grace, &o, &e), 0);
	assert_string_equal(o.name, "Citra");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_pujk_lifecycle),
		cmocka_unit_test(test_refusals_write_nothing),
		cmocka_unit_test(test_signer_find),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
