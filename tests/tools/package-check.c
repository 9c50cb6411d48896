/*
 * package-check - read a ZIP package into a store and match its entries
 * against the <Attachment> elements of its payload.xml, for the tests.
 *
 * usage: package-check [-s max_attachment_size] [-p max_package_size]
 *                      [-r max_compression_ratio] [-n max_package_entries]
 *                      ZIP STORE_DIR
 *
 * Prints one line per outcome: "CODE: message" for a rejected package,
 * "ATTACHMENT_MISSING: record R name N" (or _MISMATCH) per bad element, or
 * "OK n" (n elements, all matched).  Exits 0 ok, 65 rejected, 70 broken,
 * 64 usage.  The payload is read with a minimal libxml2 reader (no DTD, no
 * network); the hub's own XML parser replaces it in the pipeline.
 */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/package.h"

#define NS "urn:slktx:exchange:1"
#define DEPTH_MAX 64

struct elements {
	size_t n, cap;
	struct package_attachment *v;
};

static char *attr(xmlTextReaderPtr r, const char *name)
{
	return (char *)xmlTextReaderGetAttribute(r, (const xmlChar *)name);
}

/* Collect the Attachment elements; -1 on malformed XML or a DOCTYPE. */
static int parse(const struct package *pkg, struct elements *els)
{
	char *ids[DEPTH_MAX] = { 0 };
	xmlTextReaderPtr r;
	int st, rc = -1;

	r = xmlReaderForMemory(pkg->payload, (int)pkg->payload_size, "payload.xml",
			       NULL, XML_PARSE_NONET);
	if (r == NULL)
		return -1;
	while ((st = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);
		const xmlChar *local = xmlTextReaderConstLocalName(r);

		if (type == XML_READER_TYPE_DOCUMENT_TYPE || depth >= DEPTH_MAX)
			goto out;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		free(ids[depth]);
		ids[depth] = attr(r, "id");
		if (ns == NULL || strcmp((const char *)ns, NS) != 0 ||
		    strcmp((const char *)local, "Attachment") != 0)
			continue;
		if (els->n == els->cap) {
			els->cap = els->cap ? els->cap * 2 : 16;
			els->v = realloc(els->v, els->cap * sizeof(*els->v));
			if (els->v == NULL)
				goto out;
		}
		struct package_attachment *a = &els->v[els->n++];
		char *size = attr(r, "size");
		a->record = strdup(depth > 0 && ids[depth - 1] ? ids[depth - 1] : "?");
		a->name = attr(r, "name");
		a->sha256 = attr(r, "sha256");
		a->size = size ? strtoll(size, NULL, 10) : -1;
		free(size);
		if (a->name == NULL || a->sha256 == NULL)
			goto out;
	}
	rc = st == 0 ? 0 : -1;
out:
	for (int i = 0; i < DEPTH_MAX; i++)
		free(ids[i]);
	xmlFreeTextReader(r);
	return rc;
}

int main(int argc, char **argv)
{
	struct config c;
	struct package pkg = { 0 };
	struct elements els = { 0 };
	enum err_code *results = NULL;
	struct err e;
	int opt, status = 70, bad = 0;

	memset(&c, 0, sizeof(c));
	c.limits.max_attachment_size = 10 << 20;
	c.limits.max_package_size = 200 << 20;
	c.limits.max_compression_ratio = 100;
	c.limits.max_package_entries = 1000;
	while ((opt = getopt(argc, argv, "s:p:r:n:")) != -1) {
		switch (opt) {
		case 's': c.limits.max_attachment_size = strtoll(optarg, NULL, 10); break;
		case 'p': c.limits.max_package_size = strtoll(optarg, NULL, 10); break;
		case 'r': c.limits.max_compression_ratio = strtol(optarg, NULL, 10); break;
		case 'n': c.limits.max_package_entries = strtol(optarg, NULL, 10); break;
		default: return 64;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: package-check [-s N] [-p N] [-r N] [-n N] ZIP STORE_DIR\n");
		return 64;
	}
	if (package_read(argv[optind], argv[optind + 1], &c, &pkg, &e) < 0 ||
	    (parse(&pkg, &els) < 0 &&
	     err_set(&e, ERR_XML_MALFORMED, "payload.xml is not well-formed")) ||
	    ((results = calloc(els.n + 1, sizeof(*results))) == NULL &&
	     err_set(&e, ERR_INTERNAL, "out of memory")) ||
	    package_match(&pkg, els.v, els.n, results, &e) < 0) {
		printf("%s: %s\n", err_code_name(e.code), e.msg);
		status = err_code_level(e.code) ? 65 : 70;
		goto out;
	}
	for (size_t i = 0; i < els.n; i++)
		if (results[i] != ERR_NONE) {
			printf("%s: record %s name %s\n", err_code_name(results[i]),
			       els.v[i].record, els.v[i].name);
			bad = 1;
		}
	if (!bad)
		printf("OK %zu\n", els.n);
	status = bad ? 65 : 0;
out:
	for (size_t i = 0; i < els.n; i++) {
		free((char *)els.v[i].record);
		free((char *)els.v[i].name);
		free((char *)els.v[i].sha256);
	}
	free(els.v);
	free(results);
	package_free(&pkg);
	return status;
}
