/*
 * schema - compiled exchange schemas and the only entity loader libxml2
 * gets.  Errors: ERR_INTERNAL when an embedded schema does not compile
 * (a build defect, never the input's fault).
 */
#include "xml/schema.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>

#include "util/embedded.h"

static const struct {
	const char *root;
	const char *file;
} roots[ROOT_COUNT] = {
	[ROOT_COMPLAINT_BATCH] = { "ComplaintBatch", "complaint-batch.xsd" },
	[ROOT_RESPONSE_FILE] = { "ResponseFile", "response-file.xsd" },
	[ROOT_ACKNOWLEDGEMENT] = { "Acknowledgement", "acknowledgement.xsd" },
	[ROOT_DISPATCH] = { "Dispatch", "dispatch.xsd" },
	[ROOT_REPORT] = { "Report", "report.xsd" },
};

struct schema_set {
	xmlSchemaPtr compiled[ROOT_COUNT];
};

static const char *base_name(const char *url)
{
	const char *slash = strrchr(url, '/');

	return slash ? slash + 1 : url;
}

/*
 * The schemas include each other by relative name ("common.xsd"); whatever
 * base libxml2 resolved that against, only the base name of an embedded
 * schema is served.  Every other load - a DTD, an entity, a schemaLocation
 * hint - fails here, before any I/O.
 */
static xmlParserInputPtr embedded_loader(const char *url, const char *id,
					 xmlParserCtxtPtr ctxt)
{
	const struct embedded_file *f;
	xmlParserInputBufferPtr buf;
	xmlParserInputPtr in;

	(void)id;
	if (url == NULL || ctxt == NULL)
		return NULL;
	f = embedded_find(base_name(url));
	if (f == NULL || strstr(f->name, ".xsd") == NULL)
		return NULL;
	buf = xmlParserInputBufferCreateMem((const char *)f->data, (int)f->size,
					    XML_CHAR_ENCODING_NONE);
	if (buf == NULL)
		return NULL;
	in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
	if (in == NULL) {
		xmlFreeParserInputBuffer(buf);
		return NULL;
	}
	in->filename = (char *)xmlStrdup((const xmlChar *)f->name);
	return in;
}

void schema_install_loader(void)
{
	xmlSetExternalEntityLoader(embedded_loader);
}

int schema_set_new(struct schema_set **out, struct err *e)
{
	struct schema_set *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	schema_install_loader();
	*out = s;
	return 0;
}

void schema_set_free(struct schema_set *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ROOT_COUNT; i++)
		if (s->compiled[i])
			xmlSchemaFree(s->compiled[i]);
	free(s);
}

static void ignore_schema_error(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

xmlSchemaPtr schema_for(struct schema_set *s, enum schema_root root, struct err *e)
{
	const struct embedded_file *f;
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaPtr schema = NULL;

	if (root <= ROOT_UNKNOWN || root >= ROOT_COUNT) {
		err_set(e, ERR_INTERNAL, "no schema for root %d", (int)root);
		return NULL;
	}
	if (s->compiled[root])
		return s->compiled[root];
	f = embedded_find(roots[root].file);
	if (f == NULL) {
		err_set(e, ERR_INTERNAL, "schema '%s' is not built in", roots[root].file);
		return NULL;
	}
	pctxt = xmlSchemaNewMemParserCtxt((const char *)f->data, (int)f->size);
	if (pctxt == NULL) {
		err_set(e, ERR_INTERNAL, "cannot read schema '%s'", f->name);
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, ignore_schema_error, NULL);
	schema = xmlSchemaParse(pctxt);
	if (schema == NULL)
		err_set(e, ERR_INTERNAL, "schema '%s' does not compile", f->name);
	s->compiled[root] = schema;
out:
	if (pctxt)
		xmlSchemaFreeParserCtxt(pctxt);
	return schema;
}

enum schema_root schema_root_from_name(const char *local_name)
{
	for (int i = 1; i < ROOT_COUNT; i++)
		if (strcmp(roots[i].root, local_name) == 0)
			return (enum schema_root)i;
	return ROOT_UNKNOWN;
}

const char *schema_root_name(enum schema_root root)
{
	if (root <= ROOT_UNKNOWN || root >= ROOT_COUNT)
		return "unknown";
	return roots[root].root;
}

const char *schema_file(enum schema_root root)
{
	if (root <= ROOT_UNKNOWN || root >= ROOT_COUNT)
		return NULL;
	return roots[root].file;
}
