/*
 * fuzz_package - the input as a ZIP package read by package_read into a
 * scratch attachment store under the default limits, then matched against
 * two <Attachment> elements (one of them naming an entry of the seeds).
 */
#include <limits.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "formats/package.h"
#include "util/config.h"

static struct config cfg;
static char zip_path[PATH_MAX], store[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_scratch();

	(void)argc;
	(void)argv;
	config_defaults(&cfg);
	snprintf(zip_path, sizeof(zip_path), "%s/in.zip", dir);
	snprintf(store, sizeof(store), "%s/store", dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct package_attachment atts[] = {
		{ "C-1", "surat.pdf",
		  "0000000000000000000000000000000000000000000000000000000000000000", 193, 1, 1 },
		{ "C-2", "missing.txt",
		  "1111111111111111111111111111111111111111111111111111111111111111", 1, 2, 1 },
	};
	enum err_code verdicts[2];
	struct package pkg;
	struct err e;

	fuzz_write(zip_path, data, size);
	fuzz_empty_dir(store);
	if (mkdir(store, 0700) != 0 && errno != EEXIST)
		__builtin_trap();
	if (package_read(zip_path, store, &cfg, &pkg, &e) != 0) {
		fuzz_note(-1, &e);
		return 0;
	}
	fuzz_note(package_match(&pkg, atts, 2, verdicts, &e), &e);
	package_free(&pkg);
	return 0;
}
