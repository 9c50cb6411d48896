/*
 * sig - detached CMS signatures (SPEC §2) with OpenSSL 3; see sig.h.
 *
 * Offers: the trust anchors and CRLs of a run (sig_trust_load), the
 * verification of a data file against its .p7s (sig_verify_mem,
 * sig_verify_file), the hub's own signing (sig_sign_file), and the reading
 * of a certificate to register (sig_cert_load).
 *
 * Error contract: a file that fails verification gets a SPEC code
 * (SIGNATURE_MISSING, SIGNATURE_INVALID, CERT_UNTRUSTED, CERT_EXPIRED,
 * CERT_NOT_YET_VALID, CERT_REVOKED, SIGNER_NOT_REGISTERED).  A configured CRL
 * that is missing, unreadable or past its nextUpdate is ERR_TRANSIENT naming
 * it, at load time and again at each verification; a bad trust anchor or an
 * unsafe key file is ERR_CONFIG; the hub's own disk failing is ERR_IO; an
 * OpenSSL failure that is none of these is ERR_INTERNAL.
 *
 * The signer's chain is checked by us (X509_STORE_CTX at `now`) before
 * CMS_verify, so that each failure gets its own code: CMS_verify alone says
 * only "verify error".  CMS_verify then checks the chain again, the CAdES
 * signing-certificate-v2 attribute and the digest of the exact bytes.
 * A sig_trust is not used by two threads at once: each verification sets the
 * store's check time.
 */
#include "sig.h"

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
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

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

/* Read a whole small file (at most max bytes) into *buf. */
static int read_small(const char *path, size_t max, const char *what, unsigned char **buf,
		      size_t *len, struct err *e)
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
		err_set(e, ERR_IO, "%s '%s' is not a regular file", what, path);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err_set(e, ERR_IO, "%s '%s' is larger than %zu bytes", what, path, max);
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

static int crl_add(struct sig_trust *t, const char *path, struct err *e)
{
	struct sig_crl *c = &t->crls[t->n_crls];
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (read_small(path, 64 * 1024 * 1024, "CRL", &buf, &len, e) < 0) {
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
	if (crl_fresh(c, time(NULL), e) < 0)
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
		   const struct config_list *crls, struct err *e)
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
		if (crl_add(t, crls->v[i], e) < 0)
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

static int signer_describe(X509 *x, struct sig_signer *s, struct err *e)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	unsigned char *der = NULL;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	int len, rc = -1;

	memset(s, 0, sizeof(*s));
	name_oneline(X509_get_subject_name(x), s->subject, sizeof(s->subject));
	name_oneline(X509_get_issuer_name(x), s->issuer, sizeof(s->issuer));
	bn = ASN1_INTEGER_to_BN(serial, NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	len = i2d_X509(x, &der);
	if (!hex || len <= 0) {
		err_set(e, ERR_INTERNAL, "cannot describe a certificate: %s", ssl_reason());
		goto out;
	}
	snprintf(s->serial, sizeof(s->serial), "%s", hex);
	if (!EVP_Digest(der, (size_t)len, s->cert_sha256, NULL, EVP_sha256(), NULL)) {
		err_set(e, ERR_INTERNAL, "cannot hash a certificate: %s", ssl_reason());
		goto out;
	}
	for (int i = 0; i < 32; i++)
		snprintf(s->cert_sha256_hex + 2 * i, 3, "%02x", s->cert_sha256[i]);
	rc = 0;
out:
	OPENSSL_free(der);
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

int sig_cert_load(struct sig_trust *t, const char *path, time_t now, unsigned char **der,
		  size_t *der_len, struct sig_signer *info, struct err *e)
{
	unsigned char *buf = NULL, *out = NULL;
	X509 *x = NULL;
	size_t len = 0;
	int n, rc = -1;

	*der = NULL;
	*der_len = 0;
	if (read_small(path, CERT_MAX, "certificate", &buf, &len, e) < 0)
		goto out;
	x = cert_parse(buf, len);
	if (!x) {
		err_set(e, ERR_CONFIG, "'%s' is not an X.509 certificate (PEM or DER)", path);
		goto out;
	}
	if (signer_describe(x, info, e) < 0)
		goto out;
	if (t && chain_check(t, x, NULL, now, e) < 0) {
		snprintf(e->file, sizeof(e->file), "%s", path);
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
