/*
 * sig - detached CMS signatures (SPEC §2) with OpenSSL 3.
 *
 * Verification checks, in this order, and returns the first failure as a
 * SPEC reason code:
 *  1. the configured CRLs are fresh at `now` (else ERR_TRANSIENT, naming the CRL);
 *  2. the .p7s is one DER CMS SignedData, detached, of content type id-data,
 *     with exactly one signer, signed attributes, digest SHA-256, and a
 *     certificate carried or registered (SIGNATURE_INVALID; a missing .p7s
 *     is SIGNATURE_MISSING, an empty one SIGNATURE_INVALID);
 *  3. the signer certificate chains to a trust anchor for S/MIME signing
 *     (CERT_UNTRUSTED: also a self-signed certificate with an officer's
 *     subject), is within its validity (CERT_EXPIRED, CERT_NOT_YET_VALID), is
 *     not revoked by a configured CRL (CERT_REVOKED; no usable CRL for its
 *     issuer is ERR_TRANSIENT), and has an RSA >= 2048 or ECDSA P-256 key
 *     (SIGNATURE_INVALID);
 *  4. when registered certificates are given, the signer is one of them,
 *     compared by the SHA-256 of the DER (SIGNER_NOT_REGISTERED);
 *  5. exactly one CAdES signing-certificate-v2 attribute, naming the signer
 *     (SIGNATURE_INVALID);
 *  6. CMS_verify (CMS_NOINTERN with the registered certificates): the digest
 *     covers the exact bytes (SIGNATURE_INVALID).
 * signingTime is reported (signer->signing_time), never checked here: the
 * registry decides what it means for a former officer's certificate.  The signer is described as soon as
 * it is known, also when a later check fails (for the acknowledgement).
 * A sig_trust must not be used by two threads at once.
 */
#ifndef SLKTX_SIG_H
#define SLKTX_SIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/config.h"
#include "util/err.h"

struct sig_trust; /* trust anchors and CRLs, loaded once per run */

struct sig_signer {
	char subject[512];       /* one-line RFC 2253 subject */
	char serial[128];        /* hex */
	char issuer[512];
	unsigned char cert_sha256[32]; /* over the DER certificate: the registry's key */
	char cert_sha256_hex[65];
	int64_t signing_time;    /* from the signed attributes, 0 when absent */
};

/* Anchors: PEM files, several certificates each (ERR_CONFIG when missing or
 * empty).  CRLs: PEM or DER, each issued by an anchor (else ERR_CONFIG);
 * missing, unreadable, badly signed or stale at now is ERR_TRANSIENT naming it.
 * With any CRL, the signer's revocation is checked (fail closed: an issuer
 * without a CRL then fails as ERR_TRANSIENT). */
int sig_trust_load(struct sig_trust **out, const struct config_list *anchors,
		   const struct config_list *crls, time_t now, struct err *e);
void sig_trust_free(struct sig_trust *t);

/*
 * Verify data (data_len bytes, the exact file) against the DER CMS in p7s.
 * registered: DER certificates the signer must be one of (n_registered may be
 * 0 to check against the trust anchors alone).  now: the time of the check,
 * for the certificates and the CRLs.
 */
struct sig_cert {
	const unsigned char *der;
	size_t len;
};
int sig_verify_mem(struct sig_trust *t, const unsigned char *data, size_t data_len,
		   const unsigned char *p7s, size_t p7s_len,
		   const struct sig_cert *registered, size_t n_registered, time_t now,
		   struct sig_signer *signer, struct err *e);
/* The same over files; data is streamed, never read whole into memory.
 * e->file is data_path.  Unreadable data is ERR_NOT_FOUND or ERR_IO. */
int sig_verify_file(struct sig_trust *t, const char *data_path, const char *p7s_path,
		    const struct sig_cert *registered, size_t n_registered, time_t now,
		    struct sig_signer *signer, struct err *e);

/*
 * Sign the file data_path (streamed) into *p7s, a malloc'd DER buffer of
 * *p7s_len bytes: detached, SHA-256, CAdES-BES (signing-certificate-v2 and
 * signingTime among the signed attributes).  The caller writes the bytes
 * where they belong (the spool, an archive).  The key file (unencrypted PEM,
 * RSA >= 2048 or ECDSA P-256) must be a regular file only its owner can
 * read or write: else ERR_CONFIG naming it.
 */
int sig_sign(const char *cert_path, const char *key_path, const char *data_path,
	     unsigned char **p7s, size_t *p7s_len, struct err *e);
/* The same over data_len bytes in memory. */
int sig_sign_mem(const char *cert_path, const char *key_path, const unsigned char *data,
		 size_t data_len, unsigned char **p7s, size_t *p7s_len, struct err *e);
/* Read a PEM or DER certificate (t NULL: parse only); with t, one to
 * register as a signer: an end entity's (not a CA certificate, not a trust
 * anchor) that chains to the trust anchors now. Fills the DER bytes
 * (malloc'd) and the signer description.  ERR_NOT_FOUND / ERR_IO when
 * unreadable, ERR_CONFIG when not an X.509 certificate, CERT_UNTRUSTED /
 * CERT_EXPIRED / CERT_NOT_YET_VALID / CERT_REVOKED (e->file = path) when it
 * is a CA's or does not pass the trust anchors. */
int sig_cert_load(struct sig_trust *t, const char *path, time_t now, unsigned char **der,
		  size_t *der_len, struct sig_signer *info, struct err *e);

/* The hub's signing pair as sig_sign_file would use it: the key file is
 * owner-only, unencrypted, and belongs to the certificate, whose key type is
 * allowed.  ERR_CONFIG naming the file at fault. */
int sig_pair_check(const char *cert_path, const char *key_path, struct err *e);
/* A certificate's notAfter, in seconds since the epoch (ERR_CONFIG if unreadable). */
int sig_cert_not_after(const char *path, int64_t *not_after, struct err *e);
/* A CRL's nextUpdate, in seconds since the epoch (ERR_CONFIG if unreadable or none). */
int sig_crl_next_update(const char *path, int64_t *next, struct err *e);

#endif
