/*
 * registry - the PUJK and their three officers (SPEC §5), in the ledger.
 *
 * Offers registry_pujk_add/get/all, registry_officer_add/replace/renew,
 * registry_active_officers, registry_officer_history, and for the verify
 * step registry_signer_candidates and registry_signer_find (see
 * registry.h).  Every change runs in one ledger transaction and checks
 * everything before it writes, so that bad input leaves the ledger as it
 * was.
 *
 * Errors: a malformed code, role, sector or name is ERR_NAME_INVALID; an
 * unknown PUJK or unreadable certificate is ERR_NOT_FOUND; a certificate
 * that is not X.509, is a CA's, or does not chain to the trust anchors
 * carries sig's code (CERT_UNTRUSTED, CERT_EXPIRED...); a duplicate PUJK, a
 * filled or empty role, the hub's or the intake's certificate, or a
 * certificate registered before is ERR_INVALID_STATE; a signer that is no
 * officer (any more) is ERR_SIGNER_NOT_REGISTERED; the database failing is
 * ERR_IO (ERR_TRANSIENT when locked).
 */
#include "ledger/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

const char *const registry_roles[REGISTRY_ROLES] = { "PRODUCT", "SERVICE", "DECISION" };

const char *const registry_sectors[] = {
	"BANK", "SECURITIES", "INSURANCE", "PENSION", "FINANCE", "PAWNSHOP",
	"GUARANTEE", "VENTURE", "MICROFINANCE", "FINTECH", "OTHER", NULL
};

int registry_code_valid(const char *code)
{
	size_t n = strlen(code);

	return n >= 3 && n <= 12 && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

int registry_role_valid(const char *role)
{
	for (int i = 0; i < REGISTRY_ROLES; i++)
		if (strcmp(role, registry_roles[i]) == 0)
			return 1;
	return 0;
}

static int sector_valid(const char *sector)
{
	for (int i = 0; registry_sectors[i] != NULL; i++)
		if (strcmp(sector, registry_sectors[i]) == 0)
			return 1;
	return 0;
}

/* A person's or institution's name: 1..max bytes, no control characters. */
static int name_valid(const char *name, size_t max)
{
	size_t n = strlen(name);

	if (n == 0 || n > max || name[strspn(name, " ")] == '\0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return 1;
}

static int check_code(const char *code, struct err *e)
{
	if (!registry_code_valid(code))
		return err_set(e, ERR_NAME_INVALID,
			       "invalid PUJK code '%s': 3 to 12 characters A-Z and 0-9", code);
	return 0;
}

int registry_pujk_add(struct ledger *l, const char *code, const char *name, const char *sector,
		      int64_t now, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct registry_pujk existing;
	struct err lookup;
	int rc = -1;

	if (check_code(code, e) < 0)
		return -1;
	if (!name_valid(name, sizeof(existing.name) - 1))
		return err_set(e, ERR_NAME_INVALID,
			       "invalid PUJK name: 1 to %zu characters, no control characters",
			       sizeof(existing.name) - 1);
	if (!sector_valid(sector))
		return err_set(e, ERR_NAME_INVALID,
			       "unknown sector '%s': BANK SECURITIES INSURANCE PENSION FINANCE "
			       "PAWNSHOP GUARANTEE VENTURE MICROFINANCE FINTECH OTHER", sector);
	if (ledger_begin(l, e) < 0)
		return -1;
	if (registry_pujk_get(l, code, &existing, &lookup) == 0) {
		err_set(e, ERR_INVALID_STATE, "PUJK '%s' is already registered", code);
		goto out;
	}
	if (lookup.code != ERR_NOT_FOUND) {
		*e = lookup;
		goto out;
	}
	if (sqlite3_prepare_v2(ledger_db(l),
			       "INSERT INTO pujk(code, name, sector, created_at) VALUES (?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, sector, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, now) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		ledger_err(l, e, "cannot add PUJK");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = ledger_commit(l, e);
out:
	sqlite3_finalize(st);
	if (rc < 0)
		ledger_rollback(l);
	return rc;
}

static void text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

/* The roles filled now: bit i for registry_roles[i]. */
static int filled_roles(struct ledger *l, const char *code, unsigned *mask, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	*mask = 0;
	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT role FROM officer WHERE pujk_code = ? AND active_to IS NULL",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC) != SQLITE_OK) {
		ledger_err(l, e, "cannot read officers");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		for (int i = 0; i < REGISTRY_ROLES; i++)
			if (strcmp((const char *)sqlite3_column_text(st, 0), registry_roles[i]) == 0)
				*mask |= 1u << i;
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read officers");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int fill_pujk(struct ledger *l, sqlite3_stmt *st, struct registry_pujk *p, struct err *e)
{
	unsigned mask;

	memset(p, 0, sizeof(*p));
	text(p->code, sizeof(p->code), st, 0);
	text(p->name, sizeof(p->name), st, 1);
	text(p->sector, sizeof(p->sector), st, 2);
	p->created_at = sqlite3_column_int64(st, 3);
	if (filled_roles(l, p->code, &mask, e) < 0)
		return -1;
	p->active = mask == (1u << REGISTRY_ROLES) - 1;
	p->missing_roles = ~mask & ((1u << REGISTRY_ROLES) - 1);
	return 0;
}

int registry_pujk_get(struct ledger *l, const char *code, struct registry_pujk *out,
		      struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT code, name, sector, created_at FROM pujk WHERE code = ?",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC) != SQLITE_OK) {
		ledger_err(l, e, "cannot read PUJK");
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_set(e, ERR_NOT_FOUND, "no PUJK '%s' is registered", code);
		goto out;
	}
	if (step != SQLITE_ROW) {
		ledger_err(l, e, "cannot read PUJK");
		goto out;
	}
	rc = fill_pujk(l, st, out, e);
out:
	sqlite3_finalize(st);
	return rc;
}

int registry_pujk_all(struct ledger *l, struct registry_pujk **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct registry_pujk *v = NULL, *grown;
	size_t count = 0, cap = 0;
	int rc = -1, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT code, name, sector, created_at FROM pujk ORDER BY code",
			       -1, &st, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot list PUJK");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(v, cap * sizeof(*v));
			if (grown == NULL) {
				err_sys(e, ERR_INTERNAL, "cannot allocate");
				goto out;
			}
			v = grown;
		}
		if (fill_pujk(l, st, &v[count], e) < 0)
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot list PUJK");
		goto out;
	}
	*out = v;
	*n = count;
	v = NULL;
	rc = 0;
out:
	sqlite3_finalize(st);
	free(v);
	return rc;
}

void registry_officers_free(struct registry_officers *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].cert_der);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

/* The rows sql selects (OFFICER_COLUMNS), binding code and, when not NULL, arg. */
static int read_officers(struct ledger *l, const char *sql, const char *code, const char *arg,
			 struct registry_officers *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct registry_officers got = { NULL, 0 };
	struct registry_officer *o, *grown;
	size_t cap = 0, len;
	int rc = -1, step;

	out->v = NULL;
	out->n = 0;
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (arg && sqlite3_bind_text(st, 2, arg, -1, SQLITE_STATIC) != SQLITE_OK)) {
		ledger_err(l, e, "cannot read officers");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (got.n == cap) {
			cap = cap ? cap * 2 : 4;
			grown = realloc(got.v, cap * sizeof(*grown));
			if (grown == NULL) {
				err_sys(e, ERR_INTERNAL, "cannot allocate");
				goto out;
			}
			got.v = grown;
		}
		o = &got.v[got.n];
		memset(o, 0, sizeof(*o));
		o->id = (long)sqlite3_column_int64(st, 0);
		text(o->pujk_code, sizeof(o->pujk_code), st, 1);
		text(o->role, sizeof(o->role), st, 2);
		text(o->name, sizeof(o->name), st, 3);
		len = (size_t)sqlite3_column_bytes(st, 4);
		o->cert_der = malloc(len ? len : 1);
		if (o->cert_der == NULL) {
			err_sys(e, ERR_INTERNAL, "cannot allocate");
			goto out;
		}
		got.n++;
		if (len)
			memcpy(o->cert_der, sqlite3_column_blob(st, 4), len);
		o->cert_len = len;
		text(o->cert_sha256, sizeof(o->cert_sha256), st, 5);
		text(o->subject, sizeof(o->subject), st, 6);
		text(o->serial, sizeof(o->serial), st, 7);
		o->not_before = sqlite3_column_int64(st, 8);
		o->not_after = sqlite3_column_int64(st, 9);
		o->active_from = sqlite3_column_int64(st, 10);
		o->active_to = sqlite3_column_int64(st, 11);
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read officers");
		goto out;
	}
	*out = got;
	got.v = NULL;
	got.n = 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	registry_officers_free(&got);
	return rc;
}

#define OFFICER_COLUMNS \
	"SELECT id, pujk_code, role, name, cert_der, cert_sha256, subject, serial," \
	" not_before, not_after, active_from, active_to FROM officer WHERE pujk_code = ?"
/* PRODUCT, SERVICE, DECISION in that order, as the users read them */
#define ROLE_ORDER \
	" ORDER BY CASE role WHEN 'PRODUCT' THEN 1 WHEN 'SERVICE' THEN 2 ELSE 3 END"

int registry_active_officers(struct ledger *l, const char *pujk_code,
			     struct registry_officers *out, struct err *e)
{
	return read_officers(l, OFFICER_COLUMNS " AND active_to IS NULL" ROLE_ORDER, pujk_code,
			     NULL, out, e);
}

int registry_officer_history(struct ledger *l, const char *pujk_code,
			     struct registry_officers *out, struct err *e)
{
	return read_officers(l, OFFICER_COLUMNS ROLE_ORDER ", active_from, id", pujk_code, NULL,
			     out, e);
}

int registry_signer_candidates(struct ledger *l, const char *pujk_code,
			       struct registry_officers *out, struct err *e)
{
	return read_officers(l, OFFICER_COLUMNS " ORDER BY active_to IS NOT NULL, active_to DESC, id",
			     pujk_code, NULL, out, e);
}

/* t as 2026-11-29T10:00:00Z, for messages */
static void utc(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/*
 * SPEC §5's grace for files in transit: a former certificate still signs
 * for its officer when the signature says it was made during the
 * certificate's term and the file was fetched within grace_s of the term's
 * end.  signingTime is the signer's own claim: the grace bounds how long a
 * former key can be used with a backdated one.
 */
static int former_ok(const struct registry_officer *o, const struct sig_signer *s,
		     int64_t fetched_at, int64_t grace_s, struct err *e)
{
	char end[32], when[32], got[32];

	utc(o->active_to, end, sizeof(end));
	if (s->signing_time == 0)
		return err_set(e, ERR_SIGNER_NOT_REGISTERED,
			       "signer '%s' is the former certificate of %s %s (until %s) and the "
			       "signature has no signingTime", s->subject, o->pujk_code, o->role, end);
	utc(s->signing_time, when, sizeof(when));
	if (s->signing_time >= o->active_to || s->signing_time < o->active_from) {
		utc(o->active_from, got, sizeof(got));
		return err_set(e, ERR_SIGNER_NOT_REGISTERED,
			       "signer '%s' was the certificate of %s %s from %s until %s: the file "
			       "was signed at %s, outside that term", s->subject, o->pujk_code,
			       o->role, got, end, when);
	}
	if (fetched_at > o->active_to + grace_s) {
		utc(fetched_at, got, sizeof(got));
		return err_set(e, ERR_SIGNER_NOT_REGISTERED,
			       "signer '%s' was the certificate of %s %s until %s: the file was "
			       "fetched at %s, after the %lld hours of grace", s->subject,
			       o->pujk_code, o->role, end, got, (long long)(grace_s / 3600));
	}
	return 0;
}

int registry_signer_find(struct ledger *l, const char *pujk_code, const struct sig_signer *signer,
			 int64_t fetched_at, int64_t grace_s, struct registry_officer *officer,
			 struct err *e)
{
	struct registry_officers o = { NULL, 0 };
	struct err why;
	int rc = -1;

	err_clear(&why);
	err_set(&why, ERR_SIGNER_NOT_REGISTERED,
		"signer '%s' (serial %s) is not a registered certificate of PUJK '%s'",
		signer->subject, signer->serial, pujk_code);
	if (read_officers(l, OFFICER_COLUMNS " AND cert_sha256 = ?2 ORDER BY active_to IS NOT NULL,"
			  " active_to DESC, id", pujk_code, signer->cert_sha256_hex, &o, e) < 0)
		return -1;
	/* one certificate, one officer: more than one row only in a ledger older than that rule */
	for (size_t i = 0; i < o.n; i++) {
		if (o.v[i].active_to != 0 &&
		    former_ok(&o.v[i], signer, fetched_at, grace_s, &why) < 0)
			continue;
		if (officer) {
			*officer = o.v[i];
			officer->cert_der = NULL;
			officer->cert_len = 0;
		}
		rc = 0;
		break;
	}
	if (rc < 0)
		*e = why;
	registry_officers_free(&o);
	return rc;
}

/* Refuse a path that is not a readable regular file before OpenSSL sees it. */
static int check_readable(const char *path, struct err *e)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return err_sys(e, ERR_NOT_FOUND, "cannot read certificate '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_NOT_FOUND, "cannot read certificate '%s': not a regular file",
			       path);
	}
	close(fd);
	return 0;
}

/* SPEC §5: one certificate, one officer of one PUJK, ever.  1 and who, 0, or -1. */
static int cert_registered(struct ledger *l, const char *sha256, char *holder, size_t size,
			   struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT pujk_code || ' ' || role || ' (' || name || ')'"
			       " || CASE WHEN active_to IS NULL THEN '' ELSE ', formerly' END"
			       " FROM officer WHERE cert_sha256 = ? ORDER BY active_to IS NOT NULL, id"
			       " LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC) != SQLITE_OK) {
		ledger_err(l, e, "cannot read officers");
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		text(holder, size, st, 0);
		rc = 1;
	} else if (step == SQLITE_DONE) {
		rc = 0;
	} else {
		ledger_err(l, e, "cannot read officers");
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The hub's and the intake's certificates sign as themselves, never as an officer. */
static int cert_reserved(const struct registry_reserved *r, const struct sig_signer *info,
			 const char *cert_path, struct err *e)
{
	unsigned char md[32];
	unsigned int n = 0;

	for (size_t i = 0; r && i < r->n; i++) {
		if (EVP_Digest(r->v[i].cert.der, r->v[i].cert.len, md, &n, EVP_sha256(), NULL) != 1)
			return err_set(e, ERR_INTERNAL, "cannot hash a certificate");
		if (memcmp(md, info->cert_sha256, sizeof(md)) == 0)
			return err_set_at(e, ERR_INVALID_STATE, cert_path, 0, 0,
					  "this is the certificate of %s: an officer needs one of their own",
					  r->v[i].what);
	}
	return 0;
}

static int end_term(struct ledger *l, const char *code, const char *role, int64_t now,
		    struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ledger_db(l),
			       "UPDATE officer SET active_to = ? WHERE pujk_code = ? AND role = ?"
			       " AND active_to IS NULL",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, now) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		ledger_err(l, e, "cannot end the officer's term");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The certificate's notBefore (which 0) or notAfter (1) as a column, NULL when unreadable. */
static int bind_cert_time(sqlite3_stmt *st, int col, const unsigned char *der, size_t der_len,
			  int which)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)der_len);
	const ASN1_TIME *t;
	struct tm tm;
	int rc;

	if (x == NULL)
		return sqlite3_bind_null(st, col);
	t = which ? X509_get0_notAfter(x) : X509_get0_notBefore(x);
	if (ASN1_TIME_to_tm(t, &tm) == 1)
		rc = sqlite3_bind_int64(st, col, (sqlite3_int64)timegm(&tm));
	else
		rc = sqlite3_bind_null(st, col);
	X509_free(x);
	return rc;
}

static int insert_officer(struct ledger *l, const char *code, const char *role,
			  const char *name, const unsigned char *der, size_t der_len,
			  const struct sig_signer *info, int64_t now, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ledger_db(l),
			       "INSERT INTO officer(pujk_code, role, name, cert_der, cert_sha256,"
			       " subject, serial, not_before, not_after, active_from, active_to)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 4, der, (int)der_len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 5, info->cert_sha256_hex, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 6, info->subject, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 7, info->serial, -1, SQLITE_STATIC) != SQLITE_OK ||
	    bind_cert_time(st, 8, der, der_len, 0) != SQLITE_OK ||
	    bind_cert_time(st, 9, der, der_len, 1) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 10, now) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		ledger_err(l, e, "cannot add officer");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

#define OFFICER_NAME_MAX ((int)sizeof(((struct registry_officer *)0)->name) - 1)

enum change { CHANGE_ADD, CHANGE_REPLACE, CHANGE_RENEW };

/* The name of the officer holding role now, for a renewal. */
static int holder_name(struct ledger *l, const char *code, const char *role, char *name,
		       size_t size, struct err *e)
{
	struct registry_officers o = { NULL, 0 };

	if (registry_active_officers(l, code, &o, e) < 0)
		return -1;
	name[0] = '\0';
	for (size_t i = 0; i < o.n; i++)
		if (strcmp(o.v[i].role, role) == 0)
			snprintf(name, size, "%s", o.v[i].name);
	registry_officers_free(&o);
	return 0;
}

/*
 * add, replace and renew: the same checks in the same order, then end the
 * holder's term (replace, renew) and start the new one at the same second,
 * so that a signingTime falls in exactly one term.
 */
static int officer_change(struct ledger *l, struct sig_trust *t,
			  const struct registry_reserved *reserved, const char *code,
			  const char *role, const char *name, const char *cert_path,
			  int64_t now, enum change change, struct err *e)
{
	struct registry_pujk pujk;
	struct sig_signer info;
	unsigned char *der = NULL;
	size_t der_len = 0;
	unsigned filled;
	char holder[512], kept[256];
	int bit = -1, registered, rc = -1, began = 0;
	int replace = change != CHANGE_ADD;

	if (check_code(code, e) < 0)
		goto out;
	for (int i = 0; i < REGISTRY_ROLES; i++)
		if (strcmp(role, registry_roles[i]) == 0)
			bit = i;
	if (bit < 0) {
		err_set(e, ERR_NAME_INVALID, "unknown role '%s': PRODUCT, SERVICE or DECISION", role);
		goto out;
	}
	if (change != CHANGE_RENEW && !name_valid(name, OFFICER_NAME_MAX)) {
		err_set(e, ERR_NAME_INVALID,
			"invalid officer name: 1 to %d characters, no control characters",
			OFFICER_NAME_MAX);
		goto out;
	}
	if (check_readable(cert_path, e) < 0)
		goto out;
	if (sig_cert_load(t, cert_path, (time_t)now, &der, &der_len, &info, e) < 0) {
		/* sig calls a file that is no certificate a configuration error (a
		 * trust anchor); here it is the user's input */
		if (e->code == ERR_CONFIG)
			e->code = ERR_CERT_UNTRUSTED;
		goto out;
	}
	if (cert_reserved(reserved, &info, cert_path, e) < 0)
		goto out;

	if (ledger_begin(l, e) < 0)
		goto out;
	began = 1;
	if (registry_pujk_get(l, code, &pujk, e) < 0 || filled_roles(l, code, &filled, e) < 0)
		goto out;
	if (!replace && (filled & (1u << bit))) {
		err_set(e, ERR_INVALID_STATE,
			"role %s of PUJK '%s' is already held; use 'officer replace' or 'officer renew'",
			role, code);
		goto out;
	}
	if (replace && !(filled & (1u << bit))) {
		err_set(e, ERR_INVALID_STATE,
			"role %s of PUJK '%s' is vacant; use 'officer add'", role, code);
		goto out;
	}
	registered = cert_registered(l, info.cert_sha256_hex, holder, sizeof(holder), e);
	if (registered < 0)
		goto out;
	if (registered) {
		err_set_at(e, ERR_INVALID_STATE, cert_path, 0, 0,
			   "this certificate is already registered to %s: one certificate serves "
			   "one officer", holder);
		goto out;
	}
	if (change == CHANGE_RENEW) {
		if (holder_name(l, code, role, kept, sizeof(kept), e) < 0)
			goto out;
		name = kept;
	}
	if (replace && end_term(l, code, role, now, e) < 0)
		goto out;
	if (insert_officer(l, code, role, name, der, der_len, &info, now, e) < 0)
		goto out;
	rc = ledger_commit(l, e);
	began = 0;
out:
	if (began)
		ledger_rollback(l);
	free(der);
	return rc;
}

int registry_officer_add(struct ledger *l, struct sig_trust *t,
			 const struct registry_reserved *reserved, const char *pujk_code,
			 const char *role, const char *name, const char *cert_path, int64_t now,
			 struct err *e)
{
	return officer_change(l, t, reserved, pujk_code, role, name, cert_path, now, CHANGE_ADD,
			      e);
}

int registry_officer_replace(struct ledger *l, struct sig_trust *t,
			     const struct registry_reserved *reserved, const char *pujk_code,
			     const char *role, const char *name, const char *cert_path,
			     int64_t now, struct err *e)
{
	return officer_change(l, t, reserved, pujk_code, role, name, cert_path, now,
			      CHANGE_REPLACE, e);
}

int registry_officer_renew(struct ledger *l, struct sig_trust *t,
			   const struct registry_reserved *reserved, const char *pujk_code,
			   const char *role, const char *cert_path, int64_t now, struct err *e)
{
	return officer_change(l, t, reserved, pujk_code, role, NULL, cert_path, now,
			      CHANGE_RENEW, e);
}

int registry_cert_holder(struct ledger *l, const char *cert_sha256_hex, char *holder,
			 size_t size, int *found, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int step;

	*found = 0;
	holder[0] = '\0';
	if (sqlite3_prepare_v2(ledger_db(l), "SELECT pujk_code FROM officer WHERE cert_sha256 = ?"
			       " AND active_to IS NULL LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return ledger_err(l, e, "cannot read the officers");
	sqlite3_bind_text(st, 1, cert_sha256_hex, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		snprintf(holder, size, "%s", (const char *)sqlite3_column_text(st, 0));
		*found = 1;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return ledger_err(l, e, "cannot read the officers");
	return 0;
}
