/*
 * xmlevents - libxml2's SAX events, recorded on the thread that runs the
 * parser and replayed, in document order, on another.
 *
 * Events go into a ring of batches of bytes: the recording thread fills
 * one while the replaying thread drains another, and waits when the ring
 * is full, so memory is bounded.  Names are the parser dictionary's
 * pointers (they outlive the parse); text and attribute values are copied,
 * with a NUL after them: libxml2's validator reads the byte after the text
 * it is given, which in the parser's own buffer always exists.  Errors
 * travel as events too, so findings keep document order whatever the
 * threads' timing.  Recording fails (-1) only out of memory, and then
 * xmlevents_failed says so for good.
 */
#ifndef SLKTX_XMLEVENTS_H
#define SLKTX_XMLEVENTS_H

#include <libxml/xmlstring.h>

#include "util/err.h"

/* The attributes, and the namespaces, one element may have. */
#define XMLEVENTS_MAX_ATTRS 32

struct xmlevents;

/* What replay calls, with the place each event was recorded at. */
struct xmlevents_sink {
	void (*start)(void *ctx, long line, long col, const xmlChar *localname,
		      const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
		      const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
		      const xmlChar **attributes);
	void (*end)(void *ctx, long line, long col, const xmlChar *localname,
		    const xmlChar *prefix, const xmlChar *uri);
	void (*text)(void *ctx, long line, long col, const xmlChar *ch, int len);
	void (*error)(void *ctx, enum err_code code, long line, long col, const char *msg);
};

int xmlevents_new(struct xmlevents **out);
void xmlevents_free(struct xmlevents *q);

/* The recording side: libxml2's SAX2 arguments, as the parser gives them. */
int xmlevents_start(struct xmlevents *q, long line, long col, const xmlChar *localname,
		    const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
		    const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
		    const xmlChar **attributes);
int xmlevents_end(struct xmlevents *q, long line, long col, const xmlChar *localname,
		  const xmlChar *prefix, const xmlChar *uri);
int xmlevents_text(struct xmlevents *q, long line, long col, const xmlChar *ch, int len);
int xmlevents_error(struct xmlevents *q, enum err_code code, long line, long col,
		    const char *msg);
/* The last event is recorded: replay ends once it has drained the ring. */
void xmlevents_close(struct xmlevents *q);
int xmlevents_failed(const struct xmlevents *q);

/*
 * The replaying side: every event, in order, into sink, until the recorder
 * has closed the ring.  An element with more than XMLEVENTS_MAX_ATTRS
 * attributes or namespaces is replayed as an ERR_LIMIT_EXCEEDED error.
 */
void xmlevents_replay(struct xmlevents *q, const struct xmlevents_sink *sink, void *ctx);

#endif
