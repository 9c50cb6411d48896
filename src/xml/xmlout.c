/*
 * xmlout - writing exchange documents; see xmlout.h.
 */
#include "xml/xmlout.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/xmlwriter.h>

#include "xml/schema.h"

struct xmlout {
	xmlTextWriterPtr w;
	int failed;
};

struct xmlout *xmlout_open(int fd, const char *root, struct err *e)
{
	struct xmlout *w = calloc(1, sizeof(*w));
	xmlOutputBufferPtr out = xmlOutputBufferCreateFd(fd, NULL);

	if (w == NULL || out == NULL || (w->w = xmlNewTextWriter(out)) == NULL) {
		if (out)
			xmlOutputBufferClose(out);
		free(w);
		err_set(e, ERR_INTERNAL, "cannot create an XML writer");
		return NULL;
	}
	xmlTextWriterSetIndent(w->w, 1);
	xmlTextWriterSetIndentString(w->w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w->w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w->w, NULL, BAD_CAST root, BAD_CAST SCHEMA_NS) < 0)
		w->failed = 1;
	xmlout_attr(w, "schemaVersion", "1.0");
	return w;
}

void xmlout_start(struct xmlout *w, const char *name)
{
	if (!w->failed && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
		w->failed = 1;
}

void xmlout_end(struct xmlout *w)
{
	if (!w->failed && xmlTextWriterEndElement(w->w) < 0)
		w->failed = 1;
}

void xmlout_attr(struct xmlout *w, const char *name, const char *value)
{
	if (!w->failed && value &&
	    xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST value) < 0)
		w->failed = 1;
}

void xmlout_attr_int(struct xmlout *w, const char *name, int64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, value);
	xmlout_attr(w, name, buf);
}

void xmlout_text(struct xmlout *w, const char *s)
{
	if (!w->failed && s && *s && xmlTextWriterWriteString(w->w, BAD_CAST s) < 0)
		w->failed = 1;
}

void xmlout_element(struct xmlout *w, const char *name, const char *value)
{
	if (value == NULL)
		return;
	xmlout_start(w, name);
	xmlout_text(w, value);
	xmlout_end(w);
}

int xmlout_close(struct xmlout *w, const char *what, struct err *e)
{
	int failed;

	if (!w->failed && (xmlTextWriterEndDocument(w->w) < 0 || xmlTextWriterFlush(w->w) < 0))
		w->failed = 1;
	failed = w->failed;
	xmlFreeTextWriter(w->w); /* closes the output buffer, not the fd */
	free(w);
	if (failed)
		return err_set(e, ERR_INTERNAL, "cannot write %s", what);
	return 0;
}
