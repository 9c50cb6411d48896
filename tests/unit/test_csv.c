/*
 * test_csv - every CSV cell slktx writes: RFC 4180 quoting, OWASP's formula
 * neutralising (and the plain numbers it leaves alone), and WIB times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/csv.h"

struct sink {
	char text[256];
	size_t len;
};

static void put(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;

	assert_true(k->len + n < sizeof(k->text));
	memcpy(k->text + k->len, s, n);
	k->len += n;
	k->text[k->len] = '\0';
}

static const struct {
	const char *in, *out;
} cases[] = {
	{ "", "" },
	{ "Kartu ATM tertelan", "Kartu ATM tertelan" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "two\r\nlines", "\"two\r\nlines\"" },
	/* formulas become text */
	{ "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
	{ "+1+1", "'+1+1" },
	{ "-2+3", "'-2+3" },
	{ "@SUM(A1)", "'@SUM(A1)" },
	{ "\tx", "'\tx" },
	{ "\rx", "\"'\rx\"" },
	{ "=1,2", "\"'=1,2\"" },
	{ "=\"a\"", "\"'=\"\"a\"\"\"" },
	{ "-", "'-" },
	{ "-.", "'-." },
	/* plain numbers stay numbers */
	{ "-3", "-3" },
	{ "-12.5", "-12.5" },
	{ "92.2", "92.2" },
	{ "0", "0" },
	/* only the first character matters */
	{ "a=b", "a=b" },
	{ " =x", " =x" },
};

static void test_cells(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sink k = { "", 0 };

		csv_cell(cases[i].in, put, &k);
		if (strcmp(k.text, cases[i].out) != 0)
			fail_msg("case %zu: '%s' gave '%s', want '%s'", i, cases[i].in, k.text,
				 cases[i].out);
	}
}

static void test_time_wib(void **state)
{
	char out[20];

	(void)state;
	csv_time_wib(1764173624, out); /* 2025-11-26T16:13:44Z */
	assert_string_equal(out, "2025-11-26 23:13:44");
	csv_time_wib(1764176400, out); /* 17:00Z is the next WIB day */
	assert_string_equal(out, "2025-11-27 00:00:00");
	csv_time_wib(0, out);
	assert_string_equal(out, "1970-01-01 07:00:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_time_wib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
