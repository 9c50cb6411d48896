/*
 * sig - detached CMS signatures (SPEC §2) with OpenSSL 3.
 *
 * Verification checks, in this order, and returns the first failure as a
 * SPEC reason code: the .p7s parses as DER SignedData, detached, with exactly
 * one signer (SIGNATURE_INVALID; a missing or empty .p7s is SIGNATURE_MISSING
 * or SIGNATURE_INVALID); the signer certificate chains to a trust anchor
 * (CERT_UNTRUSTED), is within its validity (CERT_EXPIRED,
 * CERT_NOT_YET_VALID), is not revoked by a configured CRL (CERT_REVOKED); the
 * signature covers the exact bytes (SIGNATURE_INVALID); and, when registered
 * certificates are given, the signer is one of them (SIGNER_NOT_REGISTERED).
 * A configured CRL that is missing or past its nextUpdate is ERR_TRANSIENT:
 * the file waits for the next run.  signingTime is reported, never trusted.
 */
#ifndef SLKTX_SIG_H
#define SLKTX_SIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "err.h"

struct sig_trust; /* trust anchors and CRLs, loaded once per run */

struct sig_signer {
	char subject[512];       /* one-line RFC 2253 subject */
	char serial[128];        /* hex */
	char issuer[512];
	unsigned char cert_sha256[32]; /* over the DER certificate: the registry's key */
	char cert_sha256_hex[65];
	int64_t signing_time;    /* from the signed attributes, 0 when absent; logged only */
};

/* Anchors: PEM files, several certificates each (ERR_CONFIG when missing or
 * empty).  CRLs: PEM or DER; with any, revocation is checked (fail closed). */
int sig_trust_load(struct sig_trust **out, const struct config_list *anchors,
		   const struct config_list *crls, struct err *e);
void sig_trust_free(struct sig_trust *t);

/*
 * Verify data (data_len bytes, the exact file) against the DER CMS in p7s.
 * registered: DER certificates the signer must be one of (n_registered may be
 * 0 to check against the trust anchors alone).  now: the time of the check.
 */
struct sig_cert {
	const unsigned char *der;
	size_t len;
};
int sig_verify_mem(struct sig_trust *t, const unsigned char *data, size_t data_len,
		   const unsigned char *p7s, size_t p7s_len,
		   const struct sig_cert *registered, size_t n_registered, time_t now,
		   struct sig_signer *signer, struct err *e);
/* The same over files; data is streamed, never read whole into memory. */
int sig_verify_file(struct sig_trust *t, const char *data_path, const char *p7s_path,
		    const struct sig_cert *registered, size_t n_registered, time_t now,
		    struct sig_signer *signer, struct err *e);

/* Sign data_path into out_path (DER, detached, SHA-256, CAdES-BES), written
 * under a temporary name, fsynced, renamed.  The key file must be owner-only. */
int sig_sign_file(const char *cert_path, const char *key_path, const char *data_path,
		  const char *out_path, struct err *e);

/* Read a PEM or DER certificate; check that it chains to the trust anchors
 * now (t NULL: parse only). Fills the DER bytes (malloc'd) and the signer
 * description.  ERR_NOT_FOUND / ERR_IO when unreadable, ERR_CONFIG when not
 * an X.509 certificate, CERT_UNTRUSTED / CERT_EXPIRED / CERT_NOT_YET_VALID /
 * CERT_REVOKED (e->file = path) when it does not pass the trust anchors. */
int sig_cert_load(struct sig_trust *t, const char *path, time_t now, unsigned char **der,
		  size_t *der_len, struct sig_signer *info, struct err *e);

#endif
