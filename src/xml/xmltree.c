/*
 * xmltree - one element's tree from SAX events; see xmltree.h.
 */
#include "xml/xmltree.h"

#include <stdlib.h>
#include <string.h>

void xmltree_init(struct xmltree *t)
{
	memset(t, 0, sizeof(*t));
}

void xmltree_free(struct xmltree *t)
{
	free(t->text);
	arena_free(&t->arena);
	xmltree_init(t);
}

void xmltree_reset(struct xmltree *t)
{
	arena_reset(&t->arena);
}

static struct xml_node *new_node(struct xmltree *t, const xmlChar *localname, int nb_attributes,
				 const xmlChar **attributes, long line, long col)
{
	struct xml_node *n = arena_alloc(&t->arena, sizeof(*n));
	struct xml_attr *attrs = NULL;

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->name = (const char *)localname;
	n->text = "";
	if (nb_attributes > 0) {
		attrs = arena_alloc(&t->arena, (size_t)nb_attributes * sizeof(*attrs));
		if (attrs == NULL)
			return NULL;
		for (int i = 0; i < nb_attributes; i++) {
			const xmlChar **a = attributes + 5 * i;

			attrs[i].name = (const char *)a[0];
			attrs[i].value = arena_strndup(&t->arena, (const char *)a[3],
						       (size_t)(a[4] - a[3]));
			if (attrs[i].value == NULL)
				return NULL;
		}
	}
	n->attrs = attrs;
	n->n_attrs = nb_attributes;
	n->line = line;
	n->col = col;
	return n;
}

int xmltree_open(struct xmltree *t, const xmlChar *localname, int nb_attributes,
		 const xmlChar **attributes, long line, long col)
{
	struct xml_node *n;

	if (t->depth >= XMLTREE_MAX_DEPTH) {
		t->skipped++;
		return 0;
	}
	n = new_node(t, localname, nb_attributes, attributes, line, col);
	if (n == NULL)
		return -1;
	if (t->depth > 0) {
		struct xml_node **last = &t->last_child[t->depth - 1];

		if (*last)
			(*last)->next = n;
		else
			t->stack[t->depth - 1]->first_child = n;
		*last = n;
	}
	t->last_child[t->depth] = NULL;
	t->stack[t->depth++] = n;
	t->text_len = 0;
	return 0;
}

int xmltree_text(struct xmltree *t, const char *s, size_t n)
{
	if (t->text_len + n + 1 > t->text_cap) {
		size_t cap = t->text_cap ? t->text_cap : 256;
		char *grown;

		while (cap < t->text_len + n + 1)
			cap *= 2;
		grown = realloc(t->text, cap);
		if (grown == NULL)
			return -1;
		t->text = grown;
		t->text_cap = cap;
	}
	memcpy(t->text + t->text_len, s, n);
	t->text_len += n;
	return 0;
}

int xmltree_close(struct xmltree *t, struct xml_node **closed)
{
	struct xml_node *n;

	*closed = NULL;
	if (t->skipped > 0) {
		t->skipped--;
		return 0;
	}
	n = t->stack[--t->depth];
	*closed = n;
	if (n->first_child == NULL) {
		char *text = arena_strndup(&t->arena, t->text ? t->text : "", t->text_len);

		if (text == NULL)
			return -1;
		n->text = text;
		n->text_len = t->text_len;
	}
	t->text_len = 0;
	return 0;
}
