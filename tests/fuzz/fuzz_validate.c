/*
 * fuzz_validate - the input as an exchange file checked the way `slktx
 * validate` checks it: the prolog scan, the streaming parse with the schema
 * chosen by the root, and the ledger-free rules (filecheck.h), under the
 * default limits.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "fuzz.h"
#include "formats/filecheck.h"
#include "util/config.h"
#include "xml/schema.h"
#include "xml/xmlstream.h"

static struct schema_set *schemas;
static struct config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;

	(void)argc;
	(void)argv;
	config_defaults(&cfg);
	if (schema_set_new(&schemas, &e) != 0)
		__builtin_trap();
	return 0;
}

/*
 * A name that fits the root the input seems to have, so that the checks
 * past the name's are reached: the first root element named in it.
 */
static const char *name_for(const uint8_t *data, size_t size)
{
	static const struct {
		const char *tag, *name;
	} names[] = {
		{ "<ResponseFile", "RSP_BANKA_20261127_000001.xml" },
		{ "<Acknowledgement", "ACK_RSP_BANKA_20261127_000001.xml" },
		{ "<Dispatch", "DSP_BANKA_20261127_000001.xml" },
	};
	const uint8_t *best = NULL;
	const char *name = "CB_OJK_20261127_000001.xml";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const uint8_t *p = memmem(data, size, names[i].tag, strlen(names[i].tag));

		if (p && (best == NULL || p < best)) {
			best = p;
			name = names[i].name;
		}
	}
	return name;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = name_for(data, size);
	struct xmlstream_result res;
	struct filecheck fc;
	struct err e;

	memset(&fc, 0, sizeof(fc));
	memset(&res, 0, sizeof(res));
	/* a NULL data would mean "read the file": an empty input is one byte of nothing */
	if (filecheck_run_hooks(schemas, &cfg, name, size ? data : (const uint8_t *)"", size,
				name, FUZZ_NOW, NULL, NULL, &fc, &res, &e) != 0)
		fuzz_note(-1, &e);
	else if (xmlstream_verdict(&res) != ERR_NONE)
		fuzz_note(-1, &res.errors[0]);
	else if (fc.n_record_problems > 0)
		fuzz_note(-1, &fc.record_problems[0]);
	else
		fuzz_note(0, NULL);
	filecheck_free(&fc);
	xmlstream_result_free(&res);
	return 0;
}
