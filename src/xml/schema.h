/*
 * schema - the exchange schemas of xsd/, compiled once and kept for the run.
 *
 * The schemas are compiled into the binary (embedded.h) and served to
 * libxml2 by an external entity loader that knows only them: nothing is ever
 * read from the network or from a path named in a document.  Each root type
 * (ComplaintBatch, ResponseFile, Acknowledgement, Dispatch, Report) has its
 * schema; schema_for() compiles it on first use.
 */
#ifndef SLKTX_SCHEMA_H
#define SLKTX_SCHEMA_H

#include <libxml/xmlschemas.h>

#include "util/err.h"

#define SCHEMA_NS "urn:slktx:exchange:1"

enum schema_root {
	ROOT_UNKNOWN = 0,
	ROOT_COMPLAINT_BATCH,
	ROOT_RESPONSE_FILE,
	ROOT_ACKNOWLEDGEMENT,
	ROOT_DISPATCH,
	ROOT_REPORT,
	ROOT_COUNT
};

struct schema_set;

int schema_set_new(struct schema_set **out, struct err *e);
void schema_set_free(struct schema_set *s);

/* The compiled schema for a root, compiled on first use. */
xmlSchemaPtr schema_for(struct schema_set *s, enum schema_root root, struct err *e);

/* ROOT_UNKNOWN when the local name is none of ours. */
enum schema_root schema_root_from_name(const char *local_name);
const char *schema_root_name(enum schema_root root);
const char *schema_file(enum schema_root root); /* "complaint-batch.xsd" */

/* Install the entity loader that serves only the embedded files (idempotent). */
void schema_install_loader(void);

#endif
