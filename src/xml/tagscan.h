/*
 * tagscan - bounded work per start tag: a scan of the bytes on their way
 * to the parser that finds a start tag with too many attributes, or too
 * many bytes, before the parser has read it.
 *
 * libxml2 (2.9) reads a start tag whole before it hands it out, and checks
 * its attributes for duplicates in quadratic time: one tag of 400,000
 * attributes costs minutes.  The scan follows markup (text, start and end
 * tags, quoted values, comments, CDATA, processing instructions) and
 * counts, in the tag being read, attributes and namespace declarations
 * apart, and its bytes.  Pure code over byte chunks, no libxml2; where it
 * is unsure (malformed markup) it counts as a start tag would, and the
 * parser will have found the markup malformed before the tag ends.
 */
#ifndef SLKTX_TAGSCAN_H
#define SLKTX_TAGSCAN_H

#include <stddef.h>
#include <stdint.h>

struct tagscan {
	/* limits */
	int max_attrs;          /* attributes, and namespace declarations, per tag */
	size_t max_tag_bytes;   /* bytes of one start tag, '<' to '>' */
	/* where the scan is */
	int state;
	unsigned char quote;    /* the quote of the value being read */
	unsigned char term;     /* '-', ']' or '?': what ends a comment, CDATA, a PI */
	size_t term_len;        /* ... twice, or once, before the '>' */
	uint64_t body_pos;      /* where the comment, CDATA or PI's content starts */
	unsigned char prev[2];  /* the two bytes before, for "-->", "?>", "]]>" */
	uint64_t pos;           /* bytes scanned before this chunk */
	long line;              /* the line at pos */
	uint64_t line_start;    /* and the position of its first byte */
	/* the tag being read */
	uint64_t tag_pos;
	long tag_line, tag_col;
	size_t tag_bytes;
	int attrs, namespaces;
	int in_name;            /* within a name token */
	size_t name_len;
	char name[6];           /* the token's first bytes: "xmlns:" is a namespace */
	/* the finding, once found is set */
	int found;
	char msg[128];
};

void tagscan_init(struct tagscan *t, int max_attrs, size_t max_tag_bytes);

/*
 * Scan the next n bytes of the document.  Returns n when they keep the
 * limits; else t->found is set, with the tag's line and column (of its
 * '<', column in bytes) and a message, and the return is how many of these
 * bytes come before the tag (0 when it began in an earlier chunk): the
 * parser is fed those and nothing after.
 */
size_t tagscan_feed(struct tagscan *t, const unsigned char *buf, size_t n);

#endif
