/*
 * xmltree - the small tree of one element (the Header, or one record)
 * built from the parser's SAX events, in an arena that is dropped once the
 * tree has been handed out, so that memory does not grow with the file.
 * Names are the parser dictionary's (they live as long as the parse); text
 * and attribute values are copied.  Out of memory is a -1.
 */
#ifndef SLKTX_XMLTREE_H
#define SLKTX_XMLTREE_H

#include <stddef.h>

#include <libxml/xmlstring.h>

#include "util/arena.h"

#define XMLTREE_MAX_DEPTH 64

struct xml_attr {
	const char *name;  /* local name */
	const char *value;
};

struct xml_node {
	const char *name;  /* local name */
	const char *text;  /* the element's own text, "" when none */
	size_t text_len;
	const struct xml_attr *attrs;
	int n_attrs;
	struct xml_node *first_child;
	struct xml_node *next;
	long line, col;    /* of the start tag */
};

struct xmltree {
	int depth;         /* open elements kept; 0: no tree is being built */
	int skipped;       /* open elements too deep to keep */
	struct arena arena;
	struct xml_node *stack[XMLTREE_MAX_DEPTH];
	struct xml_node *last_child[XMLTREE_MAX_DEPTH];
	char *text;        /* the innermost element's text so far */
	size_t text_len, text_cap;
};

/* A tree of nothing; zeroed memory is one too. */
void xmltree_init(struct xmltree *t);
void xmltree_free(struct xmltree *t);

/*
 * A start tag, with libxml2's SAX2 attributes (5 pointers each): the root
 * of a new tree when depth is 0, else the last child of the innermost open
 * element.  Elements deeper than XMLTREE_MAX_DEPTH are not kept (the
 * configured depth limit may be higher; the schema refuses them anyway).
 */
int xmltree_open(struct xmltree *t, const xmlChar *localname, int nb_attributes,
		 const xmlChar **attributes, long line, long col);
/* Text of the innermost open element. */
int xmltree_text(struct xmltree *t, const char *s, size_t n);
/*
 * The end tag of the innermost open element, set in *closed (NULL when it
 * was too deep to keep); an element without children keeps its text.  The
 * tree is whole when depth is 0.
 */
int xmltree_close(struct xmltree *t, struct xml_node **closed);
/* Drop every tree built so far (their nodes are gone). */
void xmltree_reset(struct xmltree *t);

#endif
