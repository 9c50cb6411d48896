/*
 * tagscan: markup followed chunk by chunk; attributes, namespace
 * declarations and start-tag bytes counted only where they are, and the
 * same verdict however the bytes are cut into chunks.  Small limits (2
 * attributes, 64 bytes) keep the cases short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xml/tagscan.h"

#define MAX_ATTRS 2
#define MAX_TAG 64
#define LONG "0123456789012345678901234567890123456789012345678901234567890123456789"

struct scan_case {
	const char *what;
	const char *in;
	int found;
	long line, col;   /* of the offending tag's '<' */
	size_t before;    /* bytes before it: passed on when fed in one chunk */
	const char *msg;
};

static const struct scan_case cases[] = {
	{ "two attributes", "<a x=\"1\" y=\"2\">text</a>", 0, 0, 0, 0, NULL },
	{ "three attributes", "<a x=\"1\" y=\"2\" z=\"3\">", 1, 1, 1, 0,
	  "more than 2 attributes or namespaces on one element" },
	{ "at its place", "<r>\n  <a x=\"1\" y=\"2\" z=\"3\">", 1, 2, 3, 6, "more than 2" },
	{ "after other tags", "<a x=\"1\"/><b y=\"2\" z=\"3\"/><c p=\"1\" q=\"2\" r=\"3\"/>", 1, 1,
	  27, 26, "more than 2" },
	{ "= and > in values", "<a x=\"=>\" y='=='>", 0, 0, 0, 0, NULL },
	{ "> in a value does not end the tag", "<a x=\"a>b\" y=\"c\" z=\"d\">", 1, 1, 1, 0,
	  "more than 2" },
	{ "namespaces apart", "<a x=\"1\" xmlns=\"u\" xmlns:p=\"v\" y=\"2\">", 0, 0, 0, 0, NULL },
	{ "three namespaces", "<a xmlns:p=\"1\" xmlns:q=\"2\" xmlns=\"3\">", 1, 1, 1, 0,
	  "more than 2" },
	{ "xmlnsx is an attribute", "<a xmlnsx=\"1\" y=\"2\" z=\"3\">", 1, 1, 1, 0, "more than 2" },
	{ "spread over lines", "<a x = \"1\"\n   y\n=\n\"2\" z=\"3\"/>", 1, 1, 1, 0, "more than 2" },
	{ "a comment", "<!-- <a x=1 y=2 z=3> --><b/>", 0, 0, 0, 0, NULL },
	{ "a comment opened with <!-->", "<!--> <a x=1 y=2 z=3> --><b/>", 0, 0, 0, 0, NULL },
	{ "CDATA", "<r><![CDATA[ <a x=1 y=2 z=3> ]]></r>", 0, 0, 0, 0, NULL },
	{ "CDATA with a ]> inside", "<r><![CDATA[ ]> <a x=1 y=2 z=3> ]]></r>", 0, 0, 0, 0, NULL },
	{ "a processing instruction", "<?pi <a x=1 y=2 z=3> ?><b/>", 0, 0, 0, 0, NULL },
	{ "an end tag", "</a x=1 y=2 z=3>", 0, 0, 0, 0, NULL },
	{ "text", "<a>x=1 y=2 z=3 " LONG "</a>", 0, 0, 0, 0, NULL },
	{ "a long start tag", "<r>\n<a x=\"" LONG "\">", 1, 2, 1, 4,
	  "a start tag longer than 64 bytes" },
	{ "a long name", "<a" LONG ">", 1, 1, 1, 0, "a start tag longer than 64 bytes" },
	{ "a long comment", "<!--" LONG "--><a/>", 0, 0, 0, 0, NULL },
};

/* Feed s in chunks of step bytes; the bytes passed on, and t's verdict. */
static size_t feed(struct tagscan *t, const char *s, size_t step)
{
	size_t len = strlen(s), passed = 0;

	tagscan_init(t, MAX_ATTRS, MAX_TAG);
	for (size_t i = 0; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;
		size_t ok = tagscan_feed(t, (const unsigned char *)s + i, n);

		passed += ok;
		if (ok < n)
			break;
	}
	return passed;
}

static void test_cases(void **state)
{
	static const size_t steps[] = { 1000, 1, 2, 3, 7 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scan_case *c = &cases[i];

		print_message("# %s\n", c->what);
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			struct tagscan t;
			size_t passed = feed(&t, c->in, steps[k]);

			assert_int_equal(t.found, c->found);
			if (!c->found) {
				assert_int_equal(passed, strlen(c->in));
				continue;
			}
			/* chunks before the one that shows the tag too big went whole */
			if (steps[k] >= strlen(c->in))
				assert_int_equal(passed, c->before);
			else
				assert_true(passed >= c->before);
			assert_int_equal(t.tag_line, c->line);
			assert_int_equal(t.tag_col, c->col);
			assert_non_null(strstr(t.msg, c->msg));
		}
	}
}

/* Once found, nothing more is passed on. */
static void test_nothing_after_a_finding(void **state)
{
	struct tagscan t;
	const unsigned char more[] = "<b/>";

	(void)state;
	feed(&t, "<a x=\"1\" y=\"2\" z=\"3\">", 1000);
	assert_true(t.found);
	assert_int_equal(tagscan_feed(&t, more, sizeof(more) - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_nothing_after_a_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
