/*
 * xmltree: a record's tree as SAX events build it: children in order,
 * text only on leaves, attribute values copied; elements too deep to keep
 * are skipped on the way in and on the way out alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xml/xmltree.h"

static const xmlChar *name(const char *s)
{
	return (const xmlChar *)s;
}

static void test_a_record(void **state)
{
	struct xmltree t;
	struct xml_node *closed, *rec;
	char value[] = "r-1 and more";
	/* SAX2's five pointers per attribute: local name, prefix, URI, value, its end */
	const xmlChar *attrs[5] = { name("id"), NULL, NULL, name(value), name(value + 3) };

	(void)state;
	xmltree_init(&t);
	assert_int_equal(xmltree_open(&t, name("Note"), 1, attrs, 10, 5), 0);
	assert_int_equal(xmltree_text(&t, "\n  ", 3), 0);
	assert_int_equal(xmltree_open(&t, name("TicketNo"), 0, NULL, 11, 7), 0);
	assert_int_equal(xmltree_text(&t, "PGD-", 4), 0);
	assert_int_equal(xmltree_text(&t, "1", 1), 0);
	assert_int_equal(xmltree_close(&t, &closed), 0);
	assert_string_equal(closed->text, "PGD-1");
	assert_int_equal(xmltree_open(&t, name("At"), 0, NULL, 12, 7), 0);
	assert_int_equal(xmltree_close(&t, &closed), 0);
	assert_string_equal(closed->text, "");
	assert_int_equal(xmltree_close(&t, &rec), 0);
	assert_int_equal(t.depth, 0);
	memset(value, 'x', sizeof(value) - 1);

	assert_string_equal(rec->name, "Note");
	assert_string_equal(rec->text, ""); /* not a leaf: its white space is not kept */
	assert_int_equal(rec->n_attrs, 1);
	assert_string_equal(rec->attrs[0].value, "r-1");
	assert_int_equal(rec->line, 10);
	assert_int_equal(rec->col, 5);
	assert_string_equal(rec->first_child->name, "TicketNo");
	assert_string_equal(rec->first_child->next->name, "At");
	assert_null(rec->first_child->next->next);
	xmltree_reset(&t);
	xmltree_free(&t);
}

/* A depth limit configured above the tree's: nothing is popped that was not pushed. */
static void test_deeper_than_kept(void **state)
{
	struct xmltree t;
	struct xml_node *closed;
	int depth = XMLTREE_MAX_DEPTH + 36;

	(void)state;
	xmltree_init(&t);
	for (int i = 0; i < depth; i++)
		assert_int_equal(xmltree_open(&t, name(i == 0 ? "Note" : "d"), 0, NULL, i + 1, 1),
				 0);
	assert_int_equal(t.depth, XMLTREE_MAX_DEPTH);
	for (int i = depth - 1; i >= 0; i--) {
		assert_int_equal(xmltree_close(&t, &closed), 0);
		if (i >= XMLTREE_MAX_DEPTH)
			assert_null(closed);
		else
			assert_int_equal(closed->line, i + 1);
	}
	assert_int_equal(t.depth, 0);
	assert_string_equal(closed->name, "Note");
	xmltree_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_record),
		cmocka_unit_test(test_deeper_than_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
