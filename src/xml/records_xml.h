/*
 * records_xml - the parser's record trees (xmlstream.h) typed as struct
 * record (records.h): the parser produces records, the domain knows nothing
 * of XML.
 */
#ifndef SLKTX_RECORDS_XML_H
#define SLKTX_RECORDS_XML_H

#include "util/err.h"
#include "domain/records.h"
#include "xml/xmlstream.h"

/* A typed record, with room for its attachments. */
struct records_xml {
	struct record r;
	struct attachment_ref att[RECORDS_MAX_ATTACHMENTS];
};

/*
 * Type a validated record's tree into t.  t->r points into the tree: it is
 * valid only during the xmlstream record callback that handed the tree out.
 * Fails with ERR_SCHEMA_INVALID (not a timestamp, a rule the XSD cannot
 * say: records_settle) or ERR_LIMIT_EXCEEDED (too many attachments), both
 * file-level, with the place.  A dispatch's TicketHistory is typed as the
 * HistoryRequest it answers, with every Attachment below it (SPEC 1.1), so
 * that a package check sees them all.
 */
int records_xml_type(struct records_xml *t, const struct xml_node *n, const char *file,
		     struct err *e);

#endif
