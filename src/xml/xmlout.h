/*
 * xmlout - the hub's XML documents written with libxml2's writer, never by
 * string formatting: an exchange root in urn:slktx:exchange:1 with its
 * schemaVersion, indented, to a file descriptor.  Errors are sticky: the
 * first failure makes every later call a no-op and xmlout_close report it.
 */
#ifndef SLKTX_XMLOUT_H
#define SLKTX_XMLOUT_H

#include <stdint.h>

#include "util/err.h"

struct xmlout;

/* Start a document on fd (not closed at the end) with the given root. */
struct xmlout *xmlout_open(int fd, const char *root, struct err *e);
void xmlout_start(struct xmlout *w, const char *name);
void xmlout_end(struct xmlout *w);
/* An attribute; nothing when value is NULL. */
void xmlout_attr(struct xmlout *w, const char *name, const char *value);
void xmlout_attr_int(struct xmlout *w, const char *name, int64_t value);
void xmlout_text(struct xmlout *w, const char *s);
/* <name>value</name>; nothing when value is NULL. */
void xmlout_element(struct xmlout *w, const char *name, const char *value);
/* End the document, flush and free; -1 (ERR_INTERNAL naming what) when anything failed. */
int xmlout_close(struct xmlout *w, const char *what, struct err *e);

#endif
