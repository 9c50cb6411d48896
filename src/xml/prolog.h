/*
 * prolog - the scan of a file's first bytes before libxml2 sees any of them
 * (SPEC §3): a BOM or an XML declaration naming anything but UTF-8 is
 * ERR_XML_MALFORMED, a DOCTYPE or any other declaration ERR_XML_FORBIDDEN.
 * Pure code over a byte buffer: no libxml2, no I/O.
 */
#ifndef SLKTX_PROLOG_H
#define SLKTX_PROLOG_H

#include <stddef.h>

#include "util/err.h"

/* The prolog (XML declaration, comments) must end within this many bytes. */
#define PROLOG_MAX (64 * 1024)

struct prolog {
	enum err_code code;  /* the finding, when prolog_scan fails */
	long line, col;
	char msg[256];
	char root[64];       /* the root's qualified name, cut to fit */
};

/*
 * Walk the prolog of buf (the file's first len bytes, at most PROLOG_MAX):
 * BOM, XML declaration, comments, processing instructions and white space,
 * up to the root's start tag.  Returns 0 with pr->root, or -1 with the
 * finding in pr.
 */
int prolog_scan(const unsigned char *buf, size_t len, struct prolog *pr);

#endif
