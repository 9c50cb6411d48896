/*
 * xmlstream - the secure streaming parser and validator (SPEC §3).
 *
 * One pass over a file or buffer: SAX parsing with libxml2's push parser and
 * the compiled schema plugged into it, so memory stays flat however large
 * the file.  Before libxml2 sees a byte, the prolog is scanned: anything but
 * UTF-8, or a DOCTYPE, ends the file (XML_MALFORMED, XML_FORBIDDEN) before
 * anything in it is parsed.  No entity substitution, DTD loading or lifted
 * size limits, ever; always NONET; xsi:schemaLocation is ignored (the schema
 * is chosen by the root).
 *
 * The header and then each record are handed to the caller as a small tree,
 * one record at a time and only once the validator has accepted it, in
 * document order.  Records after the first error are not handed out, but
 * parsing goes on to list further errors (up to limits.max_errors).  The
 * callbacks run on a thread of the parser's own (the validating thread),
 * one at a time, while the calling thread reads ahead; they are done when
 * xmlstream_parse_* returns.
 *
 * File-level findings (the SPEC reason codes XML_MALFORMED, XML_FORBIDDEN,
 * SCHEMA_INVALID, COUNT_MISMATCH, DUPLICATE_RECORD_ID, LIMIT_EXCEEDED) go into
 * the result's error list with line and column; the function itself fails
 * only when it could not do its work (ERR_IO, ERR_INTERNAL) or a callback
 * failed.
 */
#ifndef SLKTX_XMLSTREAM_H
#define SLKTX_XMLSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "xml/schema.h"
#include "xml/xmltree.h"

struct xmlstream_limits {
	int64_t max_file_size;
	long max_depth;
	long max_text_length;
	long max_records;
	long max_errors;
};

/* Defaults of config.h's [limits], for callers without a configuration. */
void xmlstream_default_limits(struct xmlstream_limits *l);

/* struct xml_node, struct xml_attr: xmltree.h */
const struct xml_node *xmlstream_child(const struct xml_node *n, const char *name);
/* The child's text, or NULL when there is no such child. */
const char *xmlstream_child_text(const struct xml_node *n, const char *name);
const char *xmlstream_attr(const struct xml_node *n, const char *name);

struct xmlstream_callbacks {
	/* The validated Header. */
	int (*header)(void *ctx, const struct xml_node *header, struct err *e);
	/* One validated record; index counts from 0 in document order. */
	int (*record)(void *ctx, const struct xml_node *record, long index, struct err *e);
};

struct xmlstream_result {
	enum schema_root root;
	long records;          /* counted, valid or not */
	int64_t size;          /* bytes read */
	struct err *errors;    /* file-level findings, in the order met */
	size_t n_errors;
	size_t n_unlisted;     /* findings past limits.max_errors */
	enum err_code stopped; /* a limit or a forbidden construct ended the parse */
	char root_name[64];
};

/* The code that ended the parse, else the first finding's; ERR_NONE when valid. */
enum err_code xmlstream_verdict(const struct xmlstream_result *r);
void xmlstream_result_free(struct xmlstream_result *r);

/*
 * Parse and validate the file at path; display is the name used in
 * findings.  cb may be NULL (validate only).  Returns 0 when the file was
 * read to its verdict, -1 with e filled when the work could not be done.
 */
int xmlstream_parse_file(struct schema_set *schemas, const char *path, const char *display,
			 const struct xmlstream_limits *limits,
			 const struct xmlstream_callbacks *cb, void *ctx,
			 struct xmlstream_result *res, struct err *e);
int xmlstream_parse_mem(struct schema_set *schemas, const unsigned char *data, size_t len,
			const char *display, const struct xmlstream_limits *limits,
			const struct xmlstream_callbacks *cb, void *ctx,
			struct xmlstream_result *res, struct err *e);

#endif
