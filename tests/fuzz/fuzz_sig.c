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
	struct config_list anchors, crls;
	struct sig_signer info;
	struct err e;

	(void)argc;
	(void)argv;
	memset(&anchors, 0, sizeof(anchors));
	memset(&crls, 0, sizeof(crls));
	anchors.n = 1;
	strcpy(anchors.v[0], fuzz_fixture("ca.crt"));
	if (sig_trust_load(&trust, &anchors, &crls, FUZZ_NOW, &e) != 0 ||
	    sig_cert_load(trust, fuzz_fixture("intake.crt"), FUZZ_NOW, &intake_der, &intake_len,
			  &info, &e) != 0) {
		fuzz_die(&e);
	}
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
