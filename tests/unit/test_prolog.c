/*
 * prolog: the scan before libxml2, case by case: what passes (with the
 * root's name) and what is refused (with its code, line, column, message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xml/prolog.h"

struct scan_case {
	const char *what;
	const char *in;
	size_t len;          /* 0: strlen(in) */
	enum err_code code;  /* ERR_NONE: passes */
	long line, col;
	const char *out;     /* the root when it passes, else a part of the message */
};

static const struct scan_case cases[] = {
	{ "a bare root", "<ComplaintBatch>", 0, ERR_NONE, 0, 0, "ComplaintBatch" },
	{ "a prefixed root", "<x:Dispatch xmlns:x='u'>", 0, ERR_NONE, 0, 0, "x:Dispatch" },
	{ "the declaration", "<?xml version=\"1.0\"?>\n<Root/>", 0, ERR_NONE, 0, 0, "Root" },
	{ "UTF-8 named", "<?xml version='1.0' encoding='utf-8'?><Root>", 0, ERR_NONE, 0, 0, "Root" },
	{ "a BOM", "\xEF\xBB\xBF<Root>", 0, ERR_NONE, 0, 0, "Root" },
	{ "comments, PIs, space", "<!-- a -->\n<?pi x?>\n \t<Root\n>", 0, ERR_NONE, 0, 0, "Root" },
	{ "a comment with markup", "<!-- <!DOCTYPE x> -->\n<Root>", 0, ERR_NONE, 0, 0, "Root" },
	{ "a root name cut to fit",
	  "<AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA>", 0,
	  ERR_NONE, 0, 0, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },

	{ "a DOCTYPE", "<?xml version=\"1.0\"?>\n<!DOCTYPE Root [<!ENTITY a 'b'>]>\n<Root/>", 0,
	  ERR_XML_FORBIDDEN, 2, 1, "a DOCTYPE is not allowed" },
	{ "another declaration", "<!ELEMENT Root ANY>", 0, ERR_XML_FORBIDDEN, 1, 1,
	  "a declaration is not allowed" },
	{ "UTF-16 big-endian BOM", "\xFE\xFF\0<", 4, ERR_XML_MALFORMED, 1, 1, "UTF-16" },
	{ "UTF-16 little-endian BOM", "\xFF\xFE<\0", 4, ERR_XML_MALFORMED, 1, 1, "UTF-16" },
	{ "UTF-16 without a BOM", "<\0?\0", 4, ERR_XML_MALFORMED, 1, 1, "UTF-32" },
	{ "XML 1.1 declared", "<?xml version=\"1.1\"?>\n<Root/>", 0, ERR_XML_MALFORMED, 1, 7,
	  "XML version '1.1' is not accepted" },
	{ "a version without quotes", "<?xml version=1.0?><Root/>", 0, ERR_XML_MALFORMED, 1, 7,
	  "XML version '' is not accepted" },
	{ "Latin-1 named", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Root/>", 0,
	  ERR_XML_MALFORMED, 1, 21, "encoding 'ISO-8859-1' is not accepted" },
	{ "an encoding without quotes", "<?xml version=\"1.0\" encoding=UTF-8?><Root/>", 0,
	  ERR_XML_MALFORMED, 1, 21, "bad encoding declaration" },
	{ "an unterminated declaration", "<?xml version=\"1.0\"", 0, ERR_XML_MALFORMED, 1, 1,
	  "unterminated XML declaration" },
	{ "a file that is only '<?xml' (read past its end once)", "<?xml", 0, ERR_XML_MALFORMED,
	  1, 1, "unterminated processing instruction" },
	{ "an unterminated PI", "<?pi", 0, ERR_XML_MALFORMED, 1, 1,
	  "unterminated processing instruction" },
	{ "an unterminated comment", "\n  <!-- x", 0, ERR_XML_MALFORMED, 2, 3,
	  "unterminated comment" },
	{ "text before the root", "hello <Root/>", 0, ERR_XML_MALFORMED, 1, 1,
	  "content before the root element" },
	{ "not a name", "<1Root/>", 0, ERR_XML_MALFORMED, 1, 1, "not XML" },
	{ "nothing", "", 0, ERR_XML_MALFORMED, 1, 1, "no root element" },
	{ "only white space", " \n\n ", 0, ERR_XML_MALFORMED, 3, 2, "no root element" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scan_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		struct prolog pr;
		int rc = prolog_scan((const unsigned char *)c->in, len, &pr);

		print_message("# %s\n", c->what);
		if (c->code == ERR_NONE) {
			assert_int_equal(rc, 0);
			assert_string_equal(pr.root, c->out);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(pr.code, c->code);
		assert_int_equal(pr.line, c->line);
		assert_int_equal(pr.col, c->col);
		assert_non_null(strstr(pr.msg, c->out));
	}
}

/* The whole first chunk without a root: said so, with the limit. */
static void test_no_root_in_the_first_chunk(void **state)
{
	unsigned char *buf = malloc(PROLOG_MAX);
	struct prolog pr;

	(void)state;
	assert_non_null(buf);
	memset(buf, ' ', PROLOG_MAX);
	assert_int_equal(prolog_scan(buf, PROLOG_MAX, &pr), -1);
	assert_int_equal(pr.code, ERR_XML_MALFORMED);
	assert_string_equal(pr.msg, "no root element in the first 64 KiB");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_no_root_in_the_first_chunk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
