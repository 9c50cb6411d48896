/*
 * fuzz_prolog - the input as a file's first bytes, scanned by prolog_scan
 * before libxml2 would see any of them (at most PROLOG_MAX, as the parser
 * hands it).
 */
#include <string.h>

#include "fuzz.h"
#include "xml/prolog.h"
#include "util/err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prolog pr;
	struct err e;
	int rc;

	memset(&pr, 0, sizeof(pr));
	rc = prolog_scan(data, size < PROLOG_MAX ? size : PROLOG_MAX, &pr);
	err_clear(&e);
	if (rc != 0) {
		e.code = pr.code;
		e.line = pr.line;
		e.col = pr.col;
		memcpy(e.msg, pr.msg, sizeof(pr.msg) < sizeof(e.msg) ? sizeof(pr.msg) : sizeof(e.msg));
		e.msg[sizeof(e.msg) - 1] = '\0';
	}
	fuzz_note(rc, &e);
	return 0;
}
