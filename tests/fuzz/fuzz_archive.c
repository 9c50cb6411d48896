/*
 * fuzz_archive - the input as a daily archive (.tar.gz) checked the way
 * `slktx verify-archive` checks it without a ledger: the manifest's
 * signature against the fixture's trust anchor and hub certificate, every
 * member's hash, names and types (report_verify_archive).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "report/report.h"
#include "trust/sig.h"
#include "util/config.h"

static struct sig_trust *trust;
static unsigned char *hub_der;
static size_t hub_len;
static char path[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trust = fuzz_trust("hub.crt", &hub_der, &hub_len);
	snprintf(path, sizeof(path), "%s/slktx-report-20261005.tar.gz", fuzz_scratch());
	return 0;
}

static void ignore(void *ctx, const struct err *e)
{
	(void)ctx;
	(void)e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_cert hub = { hub_der, hub_len };
	struct sig_signer signer;
	struct err e;

	fuzz_write(path, data, size);
	fuzz_note(report_verify_archive(path, trust, &hub, 1, NULL, FUZZ_NOW, &signer, ignore,
					NULL, &e),
		  &e);
	return 0;
}
