/*
 * test_textesc - what reaches a terminal or a log: each control, bidi and
 * malformed case, the line-keeping mode, and truncation like snprintf's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/textesc.h"

static const struct {
	const char *in, *out;
} cases[] = {
	{ "", "" },
	{ "Kartu ATM tertelan", "Kartu ATM tertelan" },
	{ "Putu \xc3\x81yu \xe2\x82\xac 5", "Putu \xc3\x81yu \xe2\x82\xac 5" }, /* kept UTF-8 */
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },                           /* 4 bytes */
	{ "a\\b", "a\\b" },                                                    /* kept */
	/* C0 and DEL */
	{ "a\rb", "a\\rb" },
	{ "a\nb", "a\\nb" },
	{ "a\r\nb", "a\\r\\nb" },
	{ "a\tb", "a\\tb" },
	{ "\x1b[2J", "\\u001b[2J" },
	{ "\x01\x07\x08\x1f", "\\u0001\\u0007\\u0008\\u001f" },
	{ "\x7f", "\\u007f" },
	/* C1, as characters */
	{ "\xc2\x80", "\\u0080" },
	{ "x\xc2\x85y", "x\\u0085y" }, /* NEL */
	{ "\xc2\x9b" "31m", "\\u009b31m" }, /* CSI */
	{ "\xc2\x9f", "\\u009f" },
	{ "\xc2\xa0", "\xc2\xa0" }, /* NBSP: not a control */
	/* bidi */
	{ "abc\xe2\x80\xae" "fdp.exe", "abc\\u202efdp.exe" },
	{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d" },
	{ "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069" },
	{ "\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f" },
	{ "\xd8\x9c", "\\u061c" },
	{ "\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029" },
	{ "\xe2\x80\x8d", "\xe2\x80\x8d" }, /* ZWJ: kept */
	{ "\xe2\x81\xaa", "\xe2\x81\xaa" }, /* U+206A: kept */
	/* not UTF-8 */
	{ "\x85", "\\x85" },           /* a bare C1 byte */
	{ "\x9b" "31m", "\\x9b31m" },
	{ "\xc0\x8d", "\\xc0\\x8d" },   /* overlong CR */
	{ "\xe0\x80\x8d", "\\xe0\\x80\\x8d" },
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80" }, /* a surrogate */
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* past U+10FFFF */
	{ "\xe2\x80", "\\xe2\\x80" },   /* cut short at the end */
	{ "\xe2\x80" "a", "\\xe2\\x80a" },
	{ "\xff\xfe", "\\xff\\xfe" },
};

static void test_table(void **state)
{
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = text_escape_dup(cases[i].in, 0);

		assert_int_equal(text_escape(buf, sizeof(buf), cases[i].in, 0),
				 strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
		assert_non_null(d);
		assert_string_equal(d, cases[i].out);
		free(d);
	}
}

static void test_keep_newlines(void **state)
{
	char buf[64];

	(void)state;
	text_escape(buf, sizeof(buf), "one\ntwo\r\nthree\rfour", TEXT_ESCAPE_KEEP_NEWLINES);
	assert_string_equal(buf, "one\ntwo\nthree\\rfour");
	text_escape(buf, sizeof(buf), "\xc2\x85\n\xe2\x80\xae", TEXT_ESCAPE_KEEP_NEWLINES);
	assert_string_equal(buf, "\\u0085\n\\u202e");
}

/* like snprintf: the whole length back, what fits written, never half an escape */
static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(text_escape(buf, sizeof(buf), "ab\rcdef", 0), 8);
	assert_string_equal(buf, "ab\\rcde");
	assert_int_equal(text_escape(buf, 6, "abc\xe2\x80\xae", 0), 9);
	assert_string_equal(buf, "abc");          /* not "abc\\u" */
	assert_int_equal(text_escape(buf, 5, "abc\xe2\x82\xac", 0), 6);
	assert_string_equal(buf, "abc");          /* not half a euro sign */
	assert_int_equal(text_escape(buf, 1, "abc", 0), 3);
	assert_string_equal(buf, "");
	assert_int_equal(text_escape(NULL, 0, "a\x1b", 0), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_keep_newlines),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
