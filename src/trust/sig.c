/*
 * sig - detached CMS signatures (SPEC §2) with OpenSSL 3; see sig.h.
 *
 * Offers: the trust anchors and CRLs of a run (sig_trust_load), the
 * verification of a data file against its .p7s (sig_verify_mem,
 * sig_verify_file), the hub's own signing into memory (sig_sign,
 * sig_sign_mem: the caller commits the bytes), and the reading of a
 * certificate to register (sig_cert_load).
 *
 * Error contract: a file that fails verification gets a SPEC code
 * (SIGNATURE_MISSING, SIGNATURE_INVALID, CERT_UNTRUSTED, CERT_EXPIRED,
 * CERT_NOT_YET_VALID, CERT_REVOKED, SIGNER_NOT_REGISTERED).  A configured CRL
 * that is missing, unreadable or past its nextUpdate is ERR_TRANSIENT naming
 * it, at load time and again at each verification, and so is one whose
 * signature does not hold; a bad trust anchor, a CRL issued by no anchor or
 * an unsafe key file is ERR_CONFIG; the hub's own disk failing is ERR_IO; an
 * OpenSSL failure that is none of these is ERR_INTERNAL.
 *
 * The signer's chain is checked by us (X509_STORE_CTX at `now`) before
 * CMS_verify, so that each failure gets its own code: CMS_verify alone says
 * only "verify error".  CMS_verify then checks the chain again, the CAdES
 * signing-certificate-v2 attribute and the digest of the exact bytes.
 * A sig_trust is not used by two threads at once: each verification sets the
 * store's check time.
 */
#include "trust/sig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "util/hex.h"
#include "util/safefile.h"

/* a .p7s carries one signer and a certificate or two: anything larger is not ours */
#define P7S_MAX (1024 * 1024)
#define CERT_MAX (1024 * 1024)

struct sig_crl {
	char path[PATH_MAX];
	X509_CRL *crl;
};

struct sig_trust {
	X509_STORE *store;
	int n_crls;
	struct sig_crl crls[CONFIG_LIST_MAX];
};

/* The first OpenSSL error's reason, or "unknown error"; the queue is cleared. */
static const char *ssl_reason(void)
{
	unsigned long code = ERR_peek_last_error();
	const char *r = code ? ERR_reason_error_string(code) : NULL;

	ERR_clear_error();
	return r ? r : "unknown error";
}

/*
 * Read a whole small file (at most max bytes) into *buf.  ERR_NOT_FOUND or
 * ERR_IO when it cannot be read; bad (the caller's code for a bad file) when
 * it is no regular file or is too large.
 */
static int read_small(const char *path, size_t max, const char *what, enum err_code bad,
		      unsigned char **buf, size_t *len, struct err *e)
{
	unsigned char *p = NULL;
	size_t n = 0;
	struct stat st;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_sys(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
			       "cannot open %s '%s'", what, path);
	if (fstat(fd, &st) < 0) {
		err_sys(e, ERR_IO, "cannot stat %s '%s'", what, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, bad, "%s '%s' is not a regular file", what, path);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err_set(e, bad, "%s '%s' is larger than %zu bytes", what, path, max);
		goto out;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		err_sys(e, ERR_INTERNAL, "cannot allocate %lld bytes", (long long)st.st_size);
		goto out;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, p + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_sys(e, ERR_IO, "cannot read %s '%s'", what, path);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	free(p);
	close(fd);
	return rc;
}

/* A certificate from PEM or DER bytes, or NULL. */
static X509 *cert_parse(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf;
	X509 *x = NULL;
	BIO *b;

	if (len > INT_MAX)
		return NULL;
	b = BIO_new_mem_buf(buf, (int)len);
	if (b) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	if (!x)
		x = d2i_X509(NULL, &p, (long)len);
	ERR_clear_error();
	return x;
}

static X509_CRL *crl_parse(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf;
	X509_CRL *c = NULL;
	BIO *b;

	if (len > INT_MAX)
		return NULL;
	b = BIO_new_mem_buf(buf, (int)len);
	if (b) {
		c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	if (!c)
		c = d2i_X509_CRL(NULL, &p, (long)len);
	ERR_clear_error();
	return c;
}

/* A configured CRL is usable only up to its nextUpdate: after that, fail closed. */
static int crl_fresh(const struct sig_crl *c, time_t now, struct err *e)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(c->crl);
	const ASN1_TIME *last = X509_CRL_get0_lastUpdate(c->crl);

	if (!next)
		return err_set(e, ERR_TRANSIENT, "CRL '%s' has no nextUpdate", c->path);
	if (X509_cmp_time(next, &now) <= 0)
		return err_set(e, ERR_TRANSIENT, "CRL '%s' is stale: its nextUpdate has passed",
			       c->path);
	if (last && X509_cmp_time(last, &now) > 0)
		return err_set(e, ERR_TRANSIENT, "CRL '%s' is not valid yet", c->path);
	return 0;
}

static int anchors_add(X509_STORE *store, const char *path, struct err *e)
{
	STACK_OF(X509_INFO) *infos = NULL;
	int added = 0, rc = -1;
	BIO *b;

	b = BIO_new_file(path, "r");
	if (!b) {
		ERR_clear_error();
		return err_sys(e, ERR_CONFIG, "cannot open trust anchor file '%s'", path);
	}
	infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
	for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);
		if (!xi->x509)
			continue;
		if (!X509_STORE_add_cert(store, xi->x509)) {
			err_set(e, ERR_INTERNAL, "cannot add trust anchor from '%s': %s", path,
				ssl_reason());
			goto out;
		}
		added++;
	}
	if (added == 0) {
		err_set(e, ERR_CONFIG, "no PEM certificate in trust anchor file '%s'", path);
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(b);
	return rc;
}

/*
 * A CRL must come from one of the anchors (else ERR_CONFIG: it could never
 * apply) and its signature must hold (else ERR_TRANSIENT: a damaged copy).
 */
static int crl_issuer_check(X509_STORE *store, const struct sig_crl *c, struct err *e)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	const X509_NAME *issuer = X509_CRL_get_issuer(c->crl);

	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509_OBJECT *o = sk_X509_OBJECT_value(objs, i);
		X509 *a = X509_OBJECT_get_type(o) == X509_LU_X509 ? X509_OBJECT_get0_X509(o) : NULL;
		EVP_PKEY *k = a ? X509_get0_pubkey(a) : NULL;

		if (!a || X509_NAME_cmp(X509_get_subject_name(a), issuer) != 0)
			continue;
		if (k && X509_CRL_verify(c->crl, k) == 1)
			return 0;
	}
	ERR_clear_error();
	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509_OBJECT *o = sk_X509_OBJECT_value(objs, i);
		X509 *a = X509_OBJECT_get_type(o) == X509_LU_X509 ? X509_OBJECT_get0_X509(o) : NULL;

		if (a && X509_NAME_cmp(X509_get_subject_name(a), issuer) == 0)
			return err_set(e, ERR_TRANSIENT, "CRL '%s': its signature does not verify",
				       c->path);
	}
	return err_set(e, ERR_CONFIG, "CRL '%s' is not issued by a trust anchor", c->path);
}

static int crl_add(struct sig_trust *t, const char *path, time_t now, struct err *e)
{
	struct sig_crl *c = &t->crls[t->n_crls];
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (read_small(path, 64 * 1024 * 1024, "CRL", ERR_TRANSIENT, &buf, &len, e) < 0) {
		e->code = ERR_TRANSIENT;
		goto out;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->crl = crl_parse(buf, len);
	if (!c->crl) {
		err_set(e, ERR_TRANSIENT, "cannot read CRL '%s': not a PEM or DER CRL", path);
		goto out;
	}
	t->n_crls++;
	if (crl_issuer_check(t->store, c, e) < 0 || crl_fresh(c, now, e) < 0)
		goto out;
	if (!X509_STORE_add_crl(t->store, c->crl)) {
		err_set(e, ERR_INTERNAL, "cannot add CRL '%s': %s", path, ssl_reason());
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int sig_trust_load(struct sig_trust **out, const struct config_list *anchors,
		   const struct config_list *crls, time_t now, struct err *e)
{
	struct sig_trust *t;

	*out = NULL;
	if (!anchors || anchors->n == 0)
		return err_set(e, ERR_CONFIG, "no trust anchor configured");
	t = calloc(1, sizeof(*t));
	if (!t)
		return err_sys(e, ERR_INTERNAL, "cannot allocate the trust store");
	t->store = X509_STORE_new();
	if (!t->store) {
		err_set(e, ERR_INTERNAL, "cannot create an X509 store: %s", ssl_reason());
		goto fail;
	}
	for (int i = 0; i < anchors->n; i++)
		if (anchors_add(t->store, anchors->v[i], e) < 0)
			goto fail;
	for (int i = 0; crls && i < crls->n; i++)
		if (crl_add(t, crls->v[i], now, e) < 0)
			goto fail;
	if (t->n_crls > 0)
		X509_STORE_set_flags(t->store, X509_V_FLAG_CRL_CHECK);
	*out = t;
	return 0;
fail:
	sig_trust_free(t);
	return -1;
}

void sig_trust_free(struct sig_trust *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n_crls; i++)
		X509_CRL_free(t->crls[i].crl);
	X509_STORE_free(t->store);
	free(t);
}

static void name_oneline(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	buf[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

static int der_sha256(X509 *x, unsigned char md[32])
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), ok;

	ok = len > 0 && EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ok ? 0 : -1;
}

static int signer_describe(X509 *x, struct sig_signer *s, struct err *e)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	name_oneline(X509_get_subject_name(x), s->subject, sizeof(s->subject));
	name_oneline(X509_get_issuer_name(x), s->issuer, sizeof(s->issuer));
	if (!hex || der_sha256(x, s->cert_sha256) < 0) {
		err_set(e, ERR_INTERNAL, "cannot describe a certificate: %s", ssl_reason());
		goto out;
	}
	snprintf(s->serial, sizeof(s->serial), "%s", hex);
	hex_encode(s->cert_sha256, 32, s->cert_sha256_hex);
	rc = 0;
out:
	OPENSSL_free(hex);
	BN_free(bn);
	return rc;
}

/*
 * Check that cert chains to an anchor, is valid and not revoked at now.
 * The verification stops at its first error, which OpenSSL finds in this
 * order: chain, extensions and purpose, revocation, then signatures and
 * validity times.
 */
static int chain_check(struct sig_trust *t, X509 *cert, STACK_OF(X509) *untrusted, time_t now,
		       struct err *e)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	char subject[512];
	int rc = -1, err;

	name_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, cert, untrusted) ||
	    !X509_STORE_CTX_set_default(ctx, "smime_sign")) {
		err_set(e, ERR_INTERNAL, "cannot set up a certificate check: %s", ssl_reason());
		goto out;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	if (X509_verify_cert(ctx) > 0) {
		rc = 0;
		goto out;
	}
	err = X509_STORE_CTX_get_error(ctx);
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		err_set(e, ERR_CERT_EXPIRED, "certificate '%s' has expired", subject);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		err_set(e, ERR_CERT_NOT_YET_VALID, "certificate '%s' is not valid yet", subject);
		break;
	case X509_V_ERR_CERT_REVOKED:
		err_set(e, ERR_CERT_REVOKED, "certificate '%s' is revoked", subject);
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
		/* fail closed, but the file is not at fault: retry with a good CRL */
		err_set(e, ERR_TRANSIENT, "cannot check revocation of '%s': %s", subject,
			X509_verify_cert_error_string(err));
		break;
	default:
		err_set(e, ERR_CERT_UNTRUSTED, "certificate '%s' is not trusted: %s", subject,
			X509_verify_cert_error_string(err));
		break;
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	return rc;
}

/* SPEC §2 allows RSA of at least 2048 bits and ECDSA on P-256; desc says what x has. */
static int key_allowed(X509 *x, char *desc, size_t size)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	char group[64];
	size_t glen = 0;

	if (!k) {
		ERR_clear_error();
		snprintf(desc, size, "an unreadable key");
		return 0;
	}
	if (EVP_PKEY_is_a(k, "RSA")) {
		snprintf(desc, size, "RSA %d", EVP_PKEY_get_bits(k));
		return EVP_PKEY_get_bits(k) >= 2048;
	}
	if (EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					   &glen)) {
		snprintf(desc, size, "ECDSA %.48s", group);
		return strcmp(group, SN_X9_62_prime256v1) == 0;
	}
	ERR_clear_error();
	snprintf(desc, size, "%s", EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "an unknown key");
	return 0;
}

/*
 * A signer's certificate is an end entity's (SPEC §5): a CA certificate
 * (basicConstraints CA:TRUE, a key for certificate signing, a v1 root) or a
 * trust anchor itself could otherwise sign as an officer.
 */
static int leaf_check(struct sig_trust *t, X509 *x, struct err *e)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(t->store);
	char subject[512];

	name_oneline(X509_get_subject_name(x), subject, sizeof(subject));
	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509_OBJECT *o = sk_X509_OBJECT_value(objs, i);
		X509 *a = X509_OBJECT_get_type(o) == X509_LU_X509 ? X509_OBJECT_get0_X509(o) : NULL;

		if (a && X509_cmp(a, x) == 0)
			return err_set(e, ERR_CERT_UNTRUSTED,
				       "certificate '%s' is a trust anchor: a signer needs a certificate of its own",
				       subject);
	}
	if (X509_check_ca(x) != 0) {
		ERR_clear_error();
		return err_set(e, ERR_CERT_UNTRUSTED,
			       "certificate '%s' is a CA certificate: a signer needs an end-entity certificate",
			       subject);
	}
	return 0;
}

int sig_cert_load(struct sig_trust *t, const char *path, time_t now, unsigned char **der,
		  size_t *der_len, struct sig_signer *info, struct err *e)
{
	unsigned char *buf = NULL, *out = NULL;
	char keydesc[96];
	X509 *x = NULL;
	size_t len = 0;
	int n, rc = -1;

	*der = NULL;
	*der_len = 0;
	if (read_small(path, CERT_MAX, "certificate", ERR_CONFIG, &buf, &len, e) < 0)
		goto out;
	x = cert_parse(buf, len);
	if (!x) {
		err_set(e, ERR_CONFIG, "'%s' is not an X.509 certificate (PEM or DER)", path);
		goto out;
	}
	if (signer_describe(x, info, e) < 0)
		goto out;
	if (t && leaf_check(t, x, e) < 0) {
		snprintf(e->file, sizeof(e->file), "%s", path);
		goto out;
	}
	if (t && chain_check(t, x, NULL, now, e) < 0) {
		snprintf(e->file, sizeof(e->file), "%s", path);
		goto out;
	}
	if (!key_allowed(x, keydesc, sizeof(keydesc))) {
		err_set_at(e, ERR_CERT_UNTRUSTED, path, 0, 0,
			   "the certificate's key is %s: RSA of 2048 bits or more or ECDSA P-256 is needed",
			   keydesc);
		goto out;
	}
	n = i2d_X509(x, &out);
	if (n <= 0) {
		err_set(e, ERR_INTERNAL, "cannot encode '%s': %s", path, ssl_reason());
		goto out;
	}
	*der = malloc((size_t)n);
	if (!*der) {
		err_sys(e, ERR_INTERNAL, "cannot allocate %d bytes", n);
		goto out;
	}
	memcpy(*der, out, (size_t)n);
	*der_len = (size_t)n;
	rc = 0;
out:
	OPENSSL_free(out);
	X509_free(x);
	free(buf);
	return rc;
}

static int64_t signing_time(CMS_SignerInfo *si)
{
	int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *attr = idx >= 0 ? CMS_signed_get_attr(si, idx) : NULL;
	ASN1_TYPE *v = attr ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
	struct tm tm;

	if (!v || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME))
		return 0;
	if (!ASN1_TIME_to_tm((const ASN1_TIME *)v->value.asn1_string, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

/*
 * CAdES-BES: exactly one signing-certificate-v2 attribute, naming cert as
 * the signer.  Checked here rather than left to CMS_verify's CMS_CADES,
 * which says only "verify error" and checks nothing for a signature without
 * signed attributes (openssl cms -sign -noattr).
 */
static int signing_cert_check(CMS_SignerInfo *si, X509 *cert, struct err *e)
{
	const ASN1_STRING *v;
	const unsigned char *p;
	ESS_SIGNING_CERT_V2 *ssv2 = NULL;
	STACK_OF(X509) *chain = NULL;
	long len;
	int rc = -1;

	v = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2),
					-3, V_ASN1_SEQUENCE);
	if (!v) {
		err_set(e, ERR_SIGNATURE_INVALID,
			"the signature has no single signing-certificate-v2 attribute (CAdES-BES: "
			"sign with 'openssl cms -sign -cades')");
		goto out;
	}
	p = ASN1_STRING_get0_data(v);
	len = ASN1_STRING_length(v);
	ssv2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, len);
	if (!ssv2 || p != ASN1_STRING_get0_data(v) + len) {
		err_set(e, ERR_SIGNATURE_INVALID, "the signing-certificate-v2 attribute does not parse");
		goto out;
	}
	chain = sk_X509_new_null();
	if (!chain || !sk_X509_push(chain, cert)) {
		err_set(e, ERR_INTERNAL, "cannot allocate a certificate list: %s", ssl_reason());
		goto out;
	}
	if (OSSL_ESS_check_signing_certs(NULL, ssv2, chain, 1) != 1) {
		err_set(e, ERR_SIGNATURE_INVALID,
			"the signing-certificate-v2 attribute does not name the signer's certificate");
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	sk_X509_free(chain);
	ESS_SIGNING_CERT_V2_free(ssv2);
	return rc;
}

/* The registered certificates, parsed; NULL with e filled on failure. */
static STACK_OF(X509) *registered_stack(const struct sig_cert *registered, size_t n,
					struct err *e)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	if (!sk) {
		err_set(e, ERR_INTERNAL, "cannot allocate a certificate list: %s", ssl_reason());
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = registered[i].der;
		X509 *x = d2i_X509(NULL, &p, (long)registered[i].len);
		if (!x || !sk_X509_push(sk, x)) {
			X509_free(x);
			err_set(e, ERR_INTERNAL, "registered certificate %zu does not parse: %s", i,
				ssl_reason());
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
	}
	return sk;
}

/*
 * What the signature must be before any certificate is looked at: one
 * detached SignedData over id-data, one signer with signed attributes (the
 * CAdES-BES ones are checked once the signer is known), digest SHA-256.
 * The signer, or NULL with e filled (SIGNATURE_INVALID).
 */
static CMS_SignerInfo *structure_check(CMS_ContentInfo *cms, struct err *e)
{
	STACK_OF(CMS_SignerInfo) *infos;
	const ASN1_OBJECT *digest_oid;
	CMS_SignerInfo *si;
	X509_ALGOR *digest;
	char oid[80];

	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		err_set(e, ERR_SIGNATURE_INVALID, "the signature is not CMS SignedData");
		return NULL;
	}
	if (CMS_is_detached(cms) != 1) {
		err_set(e, ERR_SIGNATURE_INVALID, "the signature embeds its content: it must be detached");
		return NULL;
	}
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		OBJ_obj2txt(oid, sizeof(oid), CMS_get0_eContentType(cms), 1);
		err_set(e, ERR_SIGNATURE_INVALID,
			"the signed content type is %s: it must be id-data (1.2.840.113549.1.7.1)",
			oid);
		return NULL;
	}
	infos = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(infos) != 1) {
		err_set(e, ERR_SIGNATURE_INVALID, "the signature has %d signers: it must have one",
			sk_CMS_SignerInfo_num(infos));
		return NULL;
	}
	si = sk_CMS_SignerInfo_value(infos, 0);
	if (CMS_signed_get_attr_count(si) <= 0) {
		err_set(e, ERR_SIGNATURE_INVALID,
			"the signature has no signed attributes: CAdES-BES needs them "
			"(sign with 'openssl cms -sign -cades', not -noattr)");
		return NULL;
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &digest, NULL);
	X509_ALGOR_get0(&digest_oid, NULL, NULL, digest);
	if (OBJ_obj2nid(digest_oid) != NID_sha256) {
		err_set(e, ERR_SIGNATURE_INVALID, "the digest is %s: it must be SHA-256",
			OBJ_nid2sn(OBJ_obj2nid(digest_oid)));
		return NULL;
	}
	return si;
}

/*
 * The heart of verification, over data read from a BIO.  Order: structure,
 * the signer's chain (time, revocation), registration, signing-certificate-v2,
 * then the signed bytes: so that a rogue certificate is CERT_UNTRUSTED, not a
 * digest mismatch.  Kept in one function (about 100 lines) because that order
 * decides each file's reason code and should read top to bottom.
 */
static int verify_bio(struct sig_trust *t, BIO *data, const unsigned char *p7s, size_t p7s_len,
		      const struct sig_cert *registered, size_t n_registered, time_t now,
		      struct sig_signer *signer, struct err *e)
{
	STACK_OF(X509) *carried = NULL, *reg = NULL;
	const unsigned char *p = p7s;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	X509 *cert = NULL;
	unsigned char md[32];
	char keydesc[96];
	unsigned int flags = CMS_BINARY | CMS_CADES;
	int rc = -1;

	for (int i = 0; i < t->n_crls; i++)
		if (crl_fresh(&t->crls[i], now, e) < 0)
			return -1;
	if (p7s_len == 0)
		return err_set(e, ERR_SIGNATURE_INVALID, "the signature file is empty");
	if (p7s_len > P7S_MAX)
		return err_set(e, ERR_SIGNATURE_INVALID, "the signature file is larger than %d bytes",
			       P7S_MAX);
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)p7s_len);
	if (!cms || p != p7s + p7s_len) {
		err_set(e, ERR_SIGNATURE_INVALID, "the signature is not one DER CMS structure");
		goto out;
	}
	if (!(si = structure_check(cms, e)))
		goto out;
	carried = CMS_get1_certs(cms);
	if (n_registered > 0 && !(reg = registered_stack(registered, n_registered, e)))
		goto out;

	/* the signer's certificate as carried, or else as registered */
	for (int i = 0; carried && !cert && i < sk_X509_num(carried); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(carried, i)) == 0)
			cert = sk_X509_value(carried, i);
	for (int i = 0; reg && !cert && i < sk_X509_num(reg); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(reg, i)) == 0)
			cert = sk_X509_value(reg, i);
	if (!cert) {
		if (reg)
			err_set(e, ERR_SIGNER_NOT_REGISTERED,
				"the signer's certificate is neither in the signature nor registered");
		else
			err_set(e, ERR_SIGNATURE_INVALID,
				"the signature does not carry the signer's certificate");
		goto out;
	}
	if (signer_describe(cert, signer, e) < 0)
		goto out;
	signer->signing_time = signing_time(si);
	if (chain_check(t, cert, carried, now, e) < 0)
		goto out;
	if (!key_allowed(cert, keydesc, sizeof(keydesc))) {
		err_set(e, ERR_SIGNATURE_INVALID,
			"the signer's key is %s: RSA of 2048 bits or more or ECDSA P-256 is needed",
			keydesc);
		goto out;
	}

	if (reg) {
		int found = 0;
		for (int i = 0; !found && i < sk_X509_num(reg); i++)
			found = der_sha256(sk_X509_value(reg, i), md) == 0 &&
				memcmp(md, signer->cert_sha256, sizeof(md)) == 0;
		if (!found) {
			err_set(e, ERR_SIGNER_NOT_REGISTERED,
				"signer '%s' (serial %s) is not a registered certificate",
				signer->subject, signer->serial);
			goto out;
		}
		/* from here the signer can only be one of the registered */
		flags |= CMS_NOINTERN;
	}

	if (signing_cert_check(si, cert, e) < 0)
		goto out;
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(t->store), now);
	if (CMS_verify(cms, reg, t->store, data, NULL, flags) != 1) {
		unsigned long code = ERR_peek_last_error();
		if (ERR_GET_LIB(code) == ERR_LIB_SYS || ERR_GET_LIB(code) == ERR_LIB_BIO)
			err_set(e, ERR_IO, "cannot read the signed data: %s", ssl_reason());
		else if (ERR_GET_LIB(code) == ERR_LIB_CMS &&
			 ERR_GET_REASON(code) == CMS_R_CONTENT_VERIFY_ERROR)
			err_set(e, ERR_SIGNATURE_INVALID,
				"the data is not what was signed (digest mismatch)");
		else
			err_set(e, ERR_SIGNATURE_INVALID, "the signature does not verify: %s",
				ssl_reason());
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	sk_X509_pop_free(reg, X509_free);
	sk_X509_pop_free(carried, X509_free);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* A BIO streaming a regular file, opened without following a final symlink. */
static BIO *data_open(const char *path, struct err *e)
{
	struct stat st;
	BIO *b;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err_sys(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "cannot open '%s'", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		err_sys(e, ERR_IO, "cannot stat '%s'", path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, ERR_IO, "'%s' is not a regular file", path);
		close(fd);
		return NULL;
	}
	b = BIO_new_fd(fd, BIO_CLOSE);
	if (!b) {
		close(fd);
		err_set(e, ERR_INTERNAL, "cannot allocate a BIO: %s", ssl_reason());
	}
	return b;
}

int sig_verify_mem(struct sig_trust *t, const unsigned char *data, size_t data_len,
		   const unsigned char *p7s, size_t p7s_len,
		   const struct sig_cert *registered, size_t n_registered, time_t now,
		   struct sig_signer *signer, struct err *e)
{
	BIO *b;
	int rc;

	memset(signer, 0, sizeof(*signer));
	if (data_len > INT_MAX)
		return err_set(e, ERR_INTERNAL, "data of %zu bytes is too large to verify in memory",
			       data_len);
	b = BIO_new_mem_buf(data_len ? data : (const unsigned char *)"", (int)data_len);
	if (!b)
		return err_set(e, ERR_INTERNAL, "cannot allocate a buffer: %s", ssl_reason());
	rc = verify_bio(t, b, p7s, p7s_len, registered, n_registered, now, signer, e);
	BIO_free(b);
	return rc;
}

int sig_verify_file(struct sig_trust *t, const char *data_path, const char *p7s_path,
		    const struct sig_cert *registered, size_t n_registered, time_t now,
		    struct sig_signer *signer, struct err *e)
{
	unsigned char *p7s = NULL;
	size_t p7s_len = 0;
	BIO *data = NULL;
	int rc = -1;

	memset(signer, 0, sizeof(*signer));
	if (read_small(p7s_path, P7S_MAX, "signature", ERR_SIGNATURE_INVALID, &p7s, &p7s_len, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			e->code = ERR_SIGNATURE_MISSING;
		snprintf(e->file, sizeof(e->file), "%s", data_path);
		goto out;
	}
	if (!(data = data_open(data_path, e)))
		goto out;
	rc = verify_bio(t, data, p7s, p7s_len, registered, n_registered, now, signer, e);
	if (rc < 0 && !e->file[0])
		snprintf(e->file, sizeof(e->file), "%s", data_path);
out:
	BIO_free(data);
	free(p7s);
	return rc;
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf; (void)size; (void)rwflag; (void)u;
	return -1;
}

/* The private key, from a regular file that only its owner can read or write. */
static EVP_PKEY *key_load(const char *path, struct err *e)
{
	EVP_PKEY *pkey = NULL;
	struct stat st;
	BIO *b = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err_sys(e, ERR_CONFIG, "cannot open key file '%s'", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		err_sys(e, ERR_CONFIG, "cannot stat key file '%s'", path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, ERR_CONFIG, "key file '%s' is not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		err_set(e, ERR_CONFIG,
			"key file '%s' is open to group or others (mode %04o): chmod 600 it", path,
			(unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	b = BIO_new_fd(fd, BIO_CLOSE);
	if (!b) {
		close(fd);
		err_set(e, ERR_INTERNAL, "cannot allocate a BIO: %s", ssl_reason());
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	if (!pkey)
		err_set(e, ERR_CONFIG, "key file '%s' holds no unencrypted PEM private key: %s", path,
			ssl_reason());
	BIO_free(b);
	return pkey;
}

static int cert_read(const char *path, X509 **out, struct err *e)
{
	unsigned char *buf = NULL;
	size_t len = 0;

	if (read_small(path, CERT_MAX, "certificate", ERR_CONFIG, &buf, &len, e) < 0) {
		e->code = ERR_CONFIG;
		return -1;
	}
	*out = cert_parse(buf, len);
	free(buf);
	if (!*out)
		return err_set(e, ERR_CONFIG, "'%s' is not an X.509 certificate (PEM or DER)", path);
	return 0;
}

/*
 * Sign what data yields with the hub's key (CMS_PARTIAL then CMS_final, so
 * that CMS_CADES adds the signing-certificate-v2 attribute) into a malloc'd
 * DER buffer.  shown names the data in messages.
 */
static int sign_bio(const char *cert_path, const char *key_path, BIO *data, const char *shown,
		    unsigned char **p7s, size_t *p7s_len, struct err *e)
{
	const unsigned int flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_CADES;
	CMS_ContentInfo *cms = NULL;
	unsigned char *der = NULL;
	EVP_PKEY *pkey = NULL;
	char keydesc[96];
	X509 *cert = NULL;
	int len, rc = -1;

	*p7s = NULL;
	*p7s_len = 0;
	if (!(pkey = key_load(key_path, e)) || cert_read(cert_path, &cert, e) < 0)
		goto out;
	if (!key_allowed(cert, keydesc, sizeof(keydesc))) {
		err_set(e, ERR_CONFIG,
			"certificate '%s' has %s: RSA of 2048 bits or more or ECDSA P-256 is needed",
			cert_path, keydesc);
		goto out;
	}
	if (X509_check_private_key(cert, pkey) != 1) {
		err_set(e, ERR_CONFIG, "key '%s' does not belong to certificate '%s'", key_path,
			cert_path);
		goto out;
	}
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (!cms || !CMS_add1_signer(cms, cert, pkey, EVP_sha256(), flags)) {
		err_set(e, ERR_INTERNAL, "cannot set up the signature: %s", ssl_reason());
		goto out;
	}
	if (CMS_final(cms, data, NULL, flags) != 1) {
		unsigned long code = ERR_peek_last_error();
		err_set(e, ERR_GET_LIB(code) == ERR_LIB_SYS || ERR_GET_LIB(code) == ERR_LIB_BIO ?
			ERR_IO : ERR_INTERNAL, "cannot sign '%s': %s", shown, ssl_reason());
		goto out;
	}
	len = i2d_CMS_ContentInfo(cms, &der);
	if (len <= 0) {
		err_set(e, ERR_INTERNAL, "cannot encode the signature: %s", ssl_reason());
		goto out;
	}
	*p7s = malloc((size_t)len);
	if (!*p7s) {
		err_sys(e, ERR_INTERNAL, "cannot allocate %d bytes", len);
		goto out;
	}
	memcpy(*p7s, der, (size_t)len);
	*p7s_len = (size_t)len;
	rc = 0;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	return rc;
}

int sig_sign(const char *cert_path, const char *key_path, const char *data_path,
	     unsigned char **p7s, size_t *p7s_len, struct err *e)
{
	BIO *data;
	int rc;

	*p7s = NULL;
	*p7s_len = 0;
	if (!(data = data_open(data_path, e)))
		return -1;
	rc = sign_bio(cert_path, key_path, data, data_path, p7s, p7s_len, e);
	BIO_free(data);
	return rc;
}

int sig_sign_mem(const char *cert_path, const char *key_path, const unsigned char *data,
		 size_t data_len, unsigned char **p7s, size_t *p7s_len, struct err *e)
{
	BIO *b;
	int rc;

	*p7s = NULL;
	*p7s_len = 0;
	if (data_len > INT_MAX)
		return err_set(e, ERR_INTERNAL, "data of %zu bytes is too large to sign in memory",
			       data_len);
	b = BIO_new_mem_buf(data_len ? data : (const unsigned char *)"", (int)data_len);
	if (!b)
		return err_set(e, ERR_INTERNAL, "cannot allocate a buffer: %s", ssl_reason());
	rc = sign_bio(cert_path, key_path, b, "the data", p7s, p7s_len, e);
	BIO_free(b);
	return rc;
}

int sig_pair_check(const char *cert_path, const char *key_path, struct err *e)
{
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	char keydesc[96];
	int rc = -1;

	if (cert_read(cert_path, &cert, e) < 0) {
		snprintf(e->file, sizeof(e->file), "%s", cert_path);
		goto out;
	}
	if (!(pkey = key_load(key_path, e))) {
		snprintf(e->file, sizeof(e->file), "%s", key_path);
		goto out;
	}
	if (!key_allowed(cert, keydesc, sizeof(keydesc))) {
		err_set(e, ERR_CONFIG,
			"certificate '%s' has %s: RSA of 2048 bits or more or ECDSA P-256 is needed",
			cert_path, keydesc);
		goto out;
	}
	if (X509_check_private_key(cert, pkey) != 1) {
		ERR_clear_error();
		err_set(e, ERR_CONFIG, "key '%s' does not belong to certificate '%s'", key_path,
			cert_path);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	X509_free(cert);
	return rc;
}

static int asn1_seconds(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int sig_cert_not_after(const char *path, int64_t *not_after, struct err *e)
{
	X509 *cert = NULL;
	int rc;

	if (cert_read(path, &cert, e) < 0)
		return -1;
	rc = asn1_seconds(X509_get0_notAfter(cert), not_after);
	X509_free(cert);
	if (rc < 0)
		return err_set(e, ERR_CONFIG, "certificate '%s' has an unreadable notAfter", path);
	return 0;
}

int sig_crl_next_update(const char *path, int64_t *next, struct err *e)
{
	unsigned char *buf = NULL;
	X509_CRL *crl;
	size_t len = 0;
	int rc;

	if (read_small(path, CERT_MAX * 64, "CRL", ERR_CONFIG, &buf, &len, e) < 0) {
		e->code = ERR_CONFIG;
		return -1;
	}
	crl = crl_parse(buf, len);
	free(buf);
	if (!crl)
		return err_set(e, ERR_CONFIG, "'%s' is not a CRL (PEM or DER)", path);
	rc = asn1_seconds(X509_CRL_get0_nextUpdate(crl), next);
	X509_CRL_free(crl);
	if (rc < 0)
		return err_set(e, ERR_CONFIG, "CRL '%s' has no nextUpdate", path);
	return 0;
}
