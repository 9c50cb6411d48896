#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report/report.h"

static void test_mask_nik(void **state)
{
	char out[17];

	(void)state;
	report_mask_nik("3174011203851234", out);
	assert_string_equal(out, "************1234");
	report_mask_nik("0000000000000000", out);
	assert_string_equal(out, "************0000");
	/* anything but 16 digits is left out, never shown as it is */
	report_mask_nik("317401120385123", out);
	assert_string_equal(out, "");
	report_mask_nik("31740112038512345", out);
	assert_string_equal(out, "");
	report_mask_nik("31740112038512a4", out);
	assert_string_equal(out, "");
	report_mask_nik("", out);
	assert_string_equal(out, "");
	report_mask_nik(NULL, out);
	assert_string_equal(out, "");
}

static void test_median(void **state)
{
	int none[1] = { 0 };
	int one[] = { 7 };
	int odd[] = { 12, 1, 1 };
	int even[] = { 9, 2 };
	int even4[] = { 4, 1, 3, 10 };
	int same[] = { 5, 5, 5, 5 };

	(void)state;
	assert_int_equal(report_median2(none, 0), -1);
	assert_int_equal(report_median2(one, 1), 14);
	assert_int_equal(report_median2(odd, 3), 2);    /* 1 */
	assert_int_equal(report_median2(even, 2), 11);  /* 5.5 */
	assert_int_equal(report_median2(even4, 4), 7);  /* (3 + 4) / 2 = 3.5 */
	assert_int_equal(report_median2(same, 4), 10);
}

static char *csv(const char *field)
{
	struct report_buf b = { 0 };

	report_csv_field(&b, field);
	assert_false(b.failed);
	return b.data ? (char *)b.data : calloc(1, 1);
}

/* CHAIN_HEAD of an untrusted archive: exactly "SEQ HASH\n" or "0 -\n" */
static void test_chain_head(void **state)
{
	static const char h[] = "5e95d9f604e4d8595a12f49c1da8d81a6f64cc4039012e676ffa9ce9808f6ced";
	static const struct {
		const char *text;
		int rc;
		int64_t seq;
	} cases[] = {
		{ "0 -\n", 0, 0 },
		{ "26 %s\n", 0, 26 },
		{ "9223372036854775807 %s\n", 0, INT64_MAX },
		{ "9223372036854775808 %s\n", -1, 0 },    /* one past INT64_MAX */
		{ "99999999999999999999999 %s\n", -1, 0 }, /* sscanf would clamp it */
		{ "26 %sXYZ\n", -1, 0 },                   /* garbage after the hash */
		{ "26 %s\ntrailing", -1, 0 },
		{ "26 %s", -1, 0 },                         /* no newline */
		{ "-5 %s\n", -1, 0 },
		{ "+5 %s\n", -1, 0 },
		{ "05 %s\n", -1, 0 },
		{ "0 %s\n", -1, 0 },
		{ " 26 %s\n", -1, 0 },
		{ "26  %s\n", -1, 0 },
		{ "26\t%s\n", -1, 0 },
		{ "0 -", -1, 0 },
		{ "", -1, 0 },
	};
	char text[256], hash[65];
	const char *why;
	int64_t seq;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), cases[i].text, h);
		why = NULL;
		assert_int_equal(report_parse_chain_head((const unsigned char *)text, strlen(text),
							 &seq, hash, &why),
				 cases[i].rc);
		if (cases[i].rc == 0) {
			assert_true(seq == cases[i].seq);
			assert_string_equal(hash, seq ? h : "");
		} else {
			assert_non_null(why);
		}
	}
	/* a hash in upper case, or one digit short */
	snprintf(text, sizeof(text), "26 %.63sA\n", h);
	assert_int_equal(report_parse_chain_head((const unsigned char *)text, strlen(text), &seq,
						 hash, &why),
			 -1);
	snprintf(text, sizeof(text), "26 %.63s\n", h);
	assert_int_equal(report_parse_chain_head((const unsigned char *)text, strlen(text), &seq,
						 hash, &why),
			 -1);
}

static void test_csv_quoting(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "line\nbreak", "\"line\nbreak\"" },
		{ "cr\rhere", "\"cr\rhere\"" },
		{ "Bank \"Bersama\", Tbk", "\"Bank \"\"Bersama\"\", Tbk\"" },
		{ "semi;colon 'single'", "semi;colon 'single'" },
		{ "Rp 1.250.000", "Rp 1.250.000" },
		{ "ünïcode, ok", "\"ünïcode, ok\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = csv(cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_buf_grows(void **state)
{
	struct report_buf b = { 0 };

	(void)state;
	for (int i = 0; i < 10000; i++)
		report_buf_add(&b, "0123456789", 10);
	assert_false(b.failed);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data + 99990, "0123456789", 10);
	free(b.data);
}

/* The run calls the report inside its own transaction: a savepoint nests. */
static void test_make_inside_a_transaction(void **state)
{
	char dir[] = "/tmp/test_report.XXXXXX", path[64];
	struct report_request r = { .from_day = 20757, .to_day = 20757, .now = 1793000000 };
	struct report_files f;
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ledger.sqlite", dir);
	config_defaults(&cfg);
	assert_int_equal(ledger_open(&l, path, 1000, &e), 0);
	assert_int_equal(ledger_begin(l, &e), 0);
	assert_int_equal(report_make(&cfg, l, &r, &f, &e), 0);
	assert_non_null(strstr((const char *)f.data[0], "<Received>0</Received>"));
	assert_int_equal(ledger_commit(l, &e), 0);
	report_files_free(&f);
	/* and outside one; a period backwards is the caller's mistake */
	assert_int_equal(report_make(&cfg, l, &r, &f, &e), 0);
	report_files_free(&f);
	r.to_day = r.from_day - 1;
	assert_int_equal(report_make(&cfg, l, &r, &f, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	ledger_close(l);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ledger.sqlite-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ledger.sqlite-shm", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_nik),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_chain_head),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_buf_grows),
		cmocka_unit_test(test_make_inside_a_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
