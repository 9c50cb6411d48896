/*
 * fuzz_sig - the input as the DER CMS signature of a fixed file (the valid
 * complaint batch of the samples), checked by sig_verify_mem against the
 * fixture's trust anchor with its intake certificate registered, at the
 * fixed FUZZ_NOW.  The seeds are real signatures by the fixture's keys.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "trust/sig.h"
#include "util/config.h"

static struct sig_trust *trust;
static unsigned char *signed_data, *intake_der;
static size_t signed_len, intake_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trust = fuzz_trust("intake.crt", &intake_der, &intake_len);
	signed_data = fuzz_read(fuzz_fixture("signed.xml"), &signed_len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_cert reg = { intake_der, intake_len };
	struct sig_signer signer;
	struct err e;

	/* the last byte's parity chooses whether the signer must be registered */
	int rc = sig_verify_mem(trust, signed_data, signed_len, data, size, &reg,
			     size > 0 && (data[size - 1] & 1), FUZZ_NOW, &signer, &e);

	fuzz_note(rc, &e);
	return 0;
}
