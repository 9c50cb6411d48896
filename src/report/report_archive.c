/*
 * report_archive - the signed daily archive of SPEC §9 and its check; part
 * of the report module (report.h), in a file of its own because it is the
 * part that touches the spool, libarchive and the hub's key.
 *
 * The archive is a gzip-compressed POSIX (pax) tar.  Every member is a
 * regular file under one top directory, "slktx-report-YYYYMMDD/": the
 * report of the day's month so far with every ticket open at the end of the
 * day, the same files of its year so far under year/, the day's activity
 * (report_activity.c), files/<id>-<name> for each processed file's
 * signature, acknowledgement and acknowledgement's signature (never the
 * data file: raw consumer data stays in the spool), CHAIN_HEAD, then
 * MANIFEST.sha256 (sha256sum format, paths relative to the top directory,
 * over every member before it) and MANIFEST.sha256.p7s (the hub's detached
 * CMS signature).  The members are hashed as they are written, so the
 * manifest describes the bytes in the archive.  The file id makes every
 * name unique, also on a day a name was sent twice.  An auditor checks it
 * with the commands of docs/DESIGN.md "The daily archive".
 *
 * Errors: see report.h.  Problems found in an archive being checked are
 * SIGNATURE_MISSING / SIGNATURE_INVALID / CERT_* for the manifest's
 * signature, PACKAGE_INVALID for a member (hash, listing, type, name), and
 * INVALID_STATE for a chain head the ledger contradicts.
 */
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "domain/calendar.h"
#include "util/digest.h"
#include "util/hex.h"
#include "ledger/history.h"
#include "util/safefile.h"
#include "spool/spool.h"
#include "ledger/tickets.h"

#define TOP_PREFIX "slktx-report-"
/* MANIFEST, its signature and CHAIN_HEAD are read into memory: at most this */
#define SMALL_MEMBER_MAX (16 * 1024 * 1024)

/* --------------------------------------------------------- writing */

struct writer {
	struct archive *a;
	const char *top;     /* "slktx-report-YYYYMMDD" */
	int64_t mtime;
	struct report_buf manifest;
	const char *shown;   /* the archive's path, for messages */
};

static int archive_fail(struct writer *w, struct err *e, const char *what)
{
	return err_set(e, ERR_IO, "cannot write '%s': %s: %s", w->shown, what,
		       archive_error_string(w->a) ? archive_error_string(w->a) : "unknown error");
}

static int entry_header(struct writer *w, const char *rel, int64_t size, struct err *e)
{
	struct archive_entry *en = archive_entry_new();
	char path[PATH_MAX];
	int rc = 0;

	if (en == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	snprintf(path, sizeof(path), "%s/%s", w->top, rel);
	archive_entry_set_pathname(en, path);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_size(en, size);
	archive_entry_set_mtime(en, (time_t)w->mtime, 0);
	if (archive_write_header(w->a, en) != ARCHIVE_OK)
		rc = archive_fail(w, e, path);
	archive_entry_free(en);
	return rc;
}

static void manifest_line(struct writer *w, const unsigned char digest[32], const char *rel)
{
	char h[65];

	hex_encode(digest, 32, h);
	report_buf_add(&w->manifest, h, 64);
	report_buf_add(&w->manifest, "  ", 2);
	report_buf_add(&w->manifest, rel, strlen(rel));
	report_buf_add(&w->manifest, "\n", 1);
}

static int add_mem(struct writer *w, const char *rel, const unsigned char *data, size_t size,
		   int listed, struct err *e)
{
	unsigned char digest[32];

	if (entry_header(w, rel, (int64_t)size, e) < 0)
		return -1;
	if (size > 0 && archive_write_data(w->a, data, size) != (la_ssize_t)size)
		return archive_fail(w, e, rel);
	if (listed) {
		if (digest_buf(data, size, digest, e) != 0)
			return -1;
		manifest_line(w, digest, rel);
	}
	return 0;
}

/* A file of the spool, hashed while it is copied into the archive as member. */
static int add_spool_file(struct writer *w, struct spool *s, const char *rel,
			  const char *member, struct err *e)
{
	unsigned char buf[65536], digest[DIGEST_LEN];
	struct digest *md = NULL;
	struct stat st;
	int64_t left;
	int fd = -1, rc = -1, done;

	fd = spool_open_read(s, rel, &st, e);
	if (fd < 0)
		goto out;
	if (digest_new(&md, e) < 0)
		goto out;
	if (entry_header(w, member, (int64_t)st.st_size, e) < 0)
		goto out;
	for (left = (int64_t)st.st_size; left > 0;) {
		ssize_t n = read(fd, buf, left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot read '%s/%s'", spool_dir(s), rel);
			goto out;
		}
		if (n == 0) {
			err_set(e, ERR_IO, "'%s/%s' shrank while archived", spool_dir(s), rel);
			goto out;
		}
		if (archive_write_data(w->a, buf, (size_t)n) != n) {
			archive_fail(w, e, member);
			goto out;
		}
		if (digest_update(md, buf, (size_t)n, e) < 0)
			goto out;
		left -= n;
	}
	done = digest_final(md, digest, e);
	md = NULL;
	if (done < 0)
		goto out;
	manifest_line(w, digest, member);
	rc = 0;
out:
	digest_free(md);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Each file's signature, acknowledgement and acknowledgement's signature
 * that the spool holds, as files/<id>-<name>; what it lacks is noted in the
 * file's row and told to warn, and the archive goes on without it.
 */
static int add_day_files(struct writer *w, const struct config *cfg,
			 struct report_day_file *f, size_t n, report_warn_fn *warn,
			 void *warn_ctx, struct err *e)
{
	struct spool *s = NULL;
	char rel[SPOOL_PATH_MAX], msg[1024], member[sizeof(f->member[0])];
	int rc = -1;

	if (spool_open(&s, cfg->spool.dir, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++) {
			f[i].kept[k] = "missing";
			if (k == 0 && strcmp(f[i].error_code, "SIGNATURE_MISSING") == 0) {
				f[i].kept[k] = "none";
				continue;
			}
			if (k == 0 && f[i].data_quarantined) {
				f[i].kept[k] = "quarantined";
				continue;
			}
			if (!safefile_rel_ok(f[i].archive_dir) ||
			    !safefile_name_ok(f[i].spool_name[k]) ||
			    snprintf(rel, sizeof(rel), "%s/%s", f[i].archive_dir,
				     f[i].spool_name[k]) >= (int)sizeof(rel) ||
			    !spool_exists(s, rel)) {
				snprintf(msg, sizeof(msg), "file %" PRId64 " '%s': '%s/%s' is not "
					 "in the spool: archived without it", f[i].id, f[i].name,
					 f[i].archive_dir, f[i].spool_name[k]);
				if (warn)
					warn(warn_ctx, msg);
				continue;
			}
			/* through a buffer of its own: the name is in the same struct */
			snprintf(member, sizeof(member), REPORT_FILES_DIR "/%" PRId64 "-%s",
				 f[i].id, f[i].spool_name[k]);
			memcpy(f[i].member[k], member, sizeof(member));
			if (add_spool_file(w, s, rel, f[i].member[k], e) < 0)
				goto out;
			f[i].kept[k] = "";
		}
	}
	rc = 0;
out:
	spool_close(s);
	return rc;
}

static int chain_head(struct ledger *l, char *buf, size_t size, struct err *e)
{
	char hash[65];
	int64_t seq;

	if (history_read_head(l, &seq, hash, e) < 0)
		return -1;
	snprintf(buf, size, "%" PRId64 " %s\n", seq, seq ? hash : "-");
	return 0;
}

/*
 * Leftovers of an archive interrupted by a crash: its temporary archive
 * (".<top>.tar.gz.XXXXXX") and the manifest's signing directory
 * (".manifest.XXXXXX", which versions that signed through a file left;
 * the manifest is now signed in memory).  Archiving runs under the spool
 * lock, so nothing else writes them now.
 */
static void remove_leftovers(const char *month_dir, const char *top)
{
	char prefix[128], path[PATH_MAX];
	DIR *d = opendir(month_dir);
	struct dirent *ent;

	if (d == NULL)
		return;
	snprintf(prefix, sizeof(prefix), ".%s.tar.gz.", top);
	while ((ent = readdir(d)) != NULL) {
		int manifest = strncmp(ent->d_name, ".manifest.", 10) == 0;

		if (!manifest && strncmp(ent->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", month_dir, ent->d_name) >=
		    (int)sizeof(path))
			continue;
		if (manifest) {
			char member[PATH_MAX + 32];

			snprintf(member, sizeof(member), "%s/%s", path, REPORT_MANIFEST);
			unlink(member);
			snprintf(member, sizeof(member), "%s/%s", path, REPORT_MANIFEST_SIG);
			unlink(member);
			rmdir(path);
		} else {
			unlink(path);
		}
	}
	closedir(d);
}

/* The day's report (its month so far, every open ticket) and its year's. */
static int make_reports(const struct config *cfg, struct ledger *l, int32_t day, int64_t now,
			struct report_files *month, struct report_files *year, struct err *e)
{
	struct report_request req = { .to_day = day, .now = now, .open_at_as_of = 1 };
	char d[11], first[11];

	calendar_format_day(day, d);
	snprintf(first, sizeof(first), "%.8s01", d);
	if (calendar_parse_day(first, &req.from_day) < 0)
		return err_set(e, ERR_INTERNAL, "cannot compute the month of '%s'", d);
	if (report_make(cfg, l, &req, month, e) < 0)
		return -1;
	snprintf(first, sizeof(first), "%.4s-01-01", d);
	req.open_at_as_of = 0;
	if (calendar_parse_day(first, &req.from_day) < 0)
		return err_set(e, ERR_INTERNAL, "cannot compute the year of '%s'", d);
	return report_make(cfg, l, &req, year, e);
}

static int record_day(struct ledger *l, int32_t day, int64_t now, const char *path,
		      struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(ledger_db(l), "INSERT OR REPLACE INTO archive_day(day, made_at,"
			       " path) VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int(st, 1, day) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = ledger_err(l, e, "cannot record the archive of the day");
	sqlite3_finalize(st);
	return rc;
}

/* Every member but the manifest and its signature, in the archive's order. */
static int add_members(struct writer *w, const struct config *cfg, struct ledger *l,
		       int32_t day, const struct report_files *month,
		       const struct report_files *year, report_warn_fn *warn, void *warn_ctx,
		       struct err *e)
{
	static const char *const activity[4] = { REPORT_ACTIVITY_FILES, REPORT_ACTIVITY_RECORDS,
						  REPORT_ACTIVITY_EVENTS, REPORT_FILES_SUMS };
	struct report_day_file *f = NULL;
	struct report_buf act[4];
	char rel[PATH_MAX], head[128];
	size_t n = 0;
	int rc = -1;

	memset(act, 0, sizeof(act));
	for (int i = 0; i < REPORT_FILE_COUNT; i++)
		if (add_mem(w, month->name[i], month->data[i], month->size[i], 1, e) < 0)
			goto out;
	for (int i = 0; i < REPORT_FILE_COUNT; i++) {
		snprintf(rel, sizeof(rel), REPORT_YEAR_DIR "/%s", year->name[i]);
		if (add_mem(w, rel, year->data[i], year->size[i], 1, e) < 0)
			goto out;
	}
	/* the spool files first: the activity says which of them are missing */
	if (report_day_files(l, day, &f, &n, e) < 0 ||
	    add_day_files(w, cfg, f, n, warn, warn_ctx, e) < 0 ||
	    report_day_activity(l, day, f, n, act, e) < 0)
		goto out;
	for (int i = 0; i < 4; i++)
		if (add_mem(w, activity[i], act[i].data, act[i].len, 1, e) < 0)
			goto out;
	if (chain_head(l, head, sizeof(head), e) < 0 ||
	    add_mem(w, REPORT_CHAIN_HEAD, (const unsigned char *)head, strlen(head), 1, e) < 0)
		goto out;
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		free(act[i].data);
	free(f);
	return rc;
}

int report_archive_day(const struct config *cfg, struct ledger *l, int32_t wib_day,
		       int64_t now, report_warn_fn *warn, void *warn_ctx, char *out_path,
		       size_t size, struct err *e)
{
	struct report_files month, year;
	struct writer w = { 0 };
	char day[11], top[64], month_dir[PATH_MAX], tmp[PATH_MAX] = "", final[PATH_MAX];
	unsigned char *p7s = NULL;
	size_t p7s_len = 0;
	int fd = -1, rc = -1, published;

	memset(&month, 0, sizeof(month));
	memset(&year, 0, sizeof(year));
	calendar_format_day(wib_day, day); /* YYYY-MM-DD */
	if (wib_day >= calendar_day_of(now))
		return err_set(e, ERR_USAGE, "the day '%s' has not ended yet (WIB)", day);
	snprintf(top, sizeof(top), TOP_PREFIX "%.4s%.2s%.2s", day, day + 5, day + 8);
	if (snprintf(month_dir, sizeof(month_dir), "%s/%.4s/%.2s", cfg->report.dir, day,
		     day + 5) >= (int)sizeof(month_dir) ||
	    snprintf(final, sizeof(final), "%s/%s.tar.gz", month_dir, top) >= (int)sizeof(final))
		return err_set(e, ERR_CONFIG, "report.dir '%s' is too long", cfg->report.dir);

	if (make_reports(cfg, l, wib_day, now, &month, &year, e) < 0 ||
	    report_make_dirs(month_dir, e) < 0)
		goto out;
	remove_leftovers(month_dir, top);
	/* ".<top>.tar.gz.XXXXXX", the name remove_leftovers looks for */
	fd = safefile_create_beside(final, 0640, tmp, e);
	if (fd < 0) {
		tmp[0] = '\0';
		goto out;
	}
	w.a = archive_write_new();
	w.top = top;
	w.mtime = calendar_day_start(wib_day + 1) - 1; /* as of the end of the day */
	w.shown = final;
	if (w.a == NULL || archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(w.a) != ARCHIVE_OK ||
	    archive_write_open_fd(w.a, fd) != ARCHIVE_OK) {
		err_set(e, ERR_INTERNAL, "cannot set up the archive writer");
		goto out;
	}
	if (add_members(&w, cfg, l, wib_day, &month, &year, warn, warn_ctx, e) < 0)
		goto out;
	if (w.manifest.failed) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* signed in memory: the archive, not a file, holds the signature */
	if (sig_sign_mem(cfg->hub.cert, cfg->hub.key, w.manifest.data, w.manifest.len, &p7s,
			 &p7s_len, e) < 0 ||
	    add_mem(&w, REPORT_MANIFEST, w.manifest.data, w.manifest.len, 0, e) < 0 ||
	    add_mem(&w, REPORT_MANIFEST_SIG, p7s, p7s_len, 0, e) < 0)
		goto out;
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		archive_fail(&w, e, "closing");
		goto out;
	}
	published = safefile_publish(fd, tmp, final, e);
	fd = -1;
	if (published != 0)
		goto out;
	tmp[0] = '\0';
	/* after the rename: a crash between the two makes the day again, never loses it */
	if (record_day(l, wib_day, now, final, e) < 0)
		goto out;
	snprintf(out_path, size, "%s", final);
	rc = 0;
out:
	if (w.a)
		archive_write_free(w.a);
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0' && rc < 0)
		unlink(tmp);
	free(p7s);
	free(w.manifest.data);
	report_files_free(&year);
	report_files_free(&month);
	return rc;
}

/* The WIB day of the ledger's first file or event; 0 with *none when empty. */
static int first_day(struct ledger *l, int32_t *day, int *none, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ledger_db(l), "SELECT min(t) FROM (SELECT min(fetched_at) AS t"
			       " FROM file UNION ALL SELECT min(recorded_at) FROM event)", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ledger_err(l, e, "cannot read the ledger's first day");
		goto out;
	}
	*none = sqlite3_column_type(st, 0) == SQLITE_NULL;
	*day = *none ? 0 : calendar_day_of(sqlite3_column_int64(st, 0));
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int report_archive_due(struct ledger *l, int32_t today, int32_t *days, size_t max, size_t *n,
		       long *more, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int32_t day, next_done;
	int none, step = SQLITE_DONE, rc = -1;

	*n = 0;
	*more = 0;
	if (first_day(l, &day, &none, e) < 0)
		return -1;
	if (none)
		return 0;
	if (day < today - REPORT_ARCHIVE_LOOKBACK)
		day = today - REPORT_ARCHIVE_LOOKBACK;
	if (sqlite3_prepare_v2(ledger_db(l), "SELECT day FROM archive_day WHERE day >= ?1"
			       " AND day < ?2 ORDER BY day", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int(st, 1, day) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, today) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the archived days");
		goto out;
	}
	/* a merge of the days since the first with the archived ones */
	step = sqlite3_step(st);
	next_done = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : INT32_MAX;
	for (; day < today; day++) {
		if (day == next_done) {
			step = sqlite3_step(st);
			next_done = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : INT32_MAX;
			continue;
		}
		if (*n < max)
			days[(*n)++] = day;
		else
			(*more)++;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		ledger_err(l, e, "cannot read the archived days");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* -------------------------------------------------------- checking */

struct member {
	char *rel;           /* relative to the top directory */
	char sha256[65];
	int listed;
};

struct checker {
	const char *path;
	report_problem_fn *problem;
	void *ctx;
	struct err *first;
	int problems;
	struct member *m;
	size_t n;
	unsigned char *manifest, *sig, *head;
	size_t manifest_len, sig_len, head_len;
	int have_manifest, have_sig, have_head;
};

static void problem(struct checker *c, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct checker *c, enum err_code code, const char *fmt, ...)
{
	struct err e;
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set_at(&e, code, c->path, 0, 0, "%s", msg);
	if (c->problems++ == 0 && c->first)
		*c->first = e;
	if (c->problem)
		c->problem(c->ctx, &e);
}

/* "slktx-report-YYYYMMDD/" and a safe relative path after it; rel points into path. */
static int split_member(const char *path, char top[32], const char **rel)
{
	const char *slash = strchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash == NULL || n != strlen(TOP_PREFIX) + 8 ||
	    strncmp(path, TOP_PREFIX, strlen(TOP_PREFIX)) != 0 ||
	    strspn(path + strlen(TOP_PREFIX), "0123456789") < 8)
		return -1;
	memcpy(top, path, n);
	top[n] = '\0';
	*rel = slash + 1;
	return safefile_rel_ok(*rel) ? 0 : -1;
}

/* The top directory or one below it, as `tar` writes them ("x/" or "x"). */
static int dir_entry_ok(const char *path)
{
	char buf[PATH_MAX], top[32];
	const char *rel;
	size_t n = strlen(path);

	if (n > 0 && path[n - 1] == '/')
		n--;
	if (n == 0 || n + sizeof("/x") > sizeof(buf))
		return 0;
	memcpy(buf, path, n);
	buf[n] = '\0';
	if (strchr(buf, '/') == NULL) /* the top alone: check its name with a child */
		strcat(buf, "/x");
	return split_member(buf, top, &rel) == 0;
}

static int read_member(struct checker *c, struct archive *a, const char *rel, int keep,
		       unsigned char **data, size_t *len, char sha[65])
{
	struct digest *md = NULL;
	struct report_buf b = { 0 };
	unsigned char buf[65536], digest[DIGEST_LEN];
	struct err e;
	la_ssize_t n;
	int rc = -1, done;

	if (digest_new(&md, &e) < 0) {
		problem(c, e.code, "%s", e.msg);
		goto out;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (digest_update(md, buf, (size_t)n, &e) < 0) {
			problem(c, e.code, "%s", e.msg);
			goto out;
		}
		if (keep) {
			if (b.len + (size_t)n > SMALL_MEMBER_MAX) {
				problem(c, ERR_PACKAGE_INVALID, "member '%s' is too large", rel);
				goto out;
			}
			report_buf_add(&b, (const char *)buf, (size_t)n);
		}
	}
	if (n < 0) {
		problem(c, ERR_PACKAGE_INVALID, "cannot read member '%s': %s", rel,
			archive_error_string(a) ? archive_error_string(a) : "unknown error");
		goto out;
	}
	if (b.failed)
		goto out;
	done = digest_final(md, digest, &e);
	md = NULL;
	if (done < 0) {
		problem(c, e.code, "%s", e.msg);
		goto out;
	}
	hex_encode(digest, DIGEST_LEN, sha);
	if (keep) {
		*data = b.data ? b.data : calloc(1, 1);
		*len = b.len;
		b.data = NULL;
	}
	rc = 0;
out:
	free(b.data);
	digest_free(md);
	return rc;
}

/* Read the member rel, keeping the manifest, its signature and the chain
 * head whole, and note its digest; -1 when the archive cannot be read on. */
static int take_member(struct checker *c, struct archive *a, const char *rel)
{
	unsigned char **keep = NULL;
	size_t *keep_len = NULL;
	struct member *m;
	char sha[65];

	if (strcmp(rel, REPORT_MANIFEST) == 0 && !c->have_manifest)
		keep = &c->manifest, keep_len = &c->manifest_len, c->have_manifest = 1;
	else if (strcmp(rel, REPORT_MANIFEST_SIG) == 0 && !c->have_sig)
		keep = &c->sig, keep_len = &c->sig_len, c->have_sig = 1;
	else if (strcmp(rel, REPORT_CHAIN_HEAD) == 0 && !c->have_head)
		keep = &c->head, keep_len = &c->head_len, c->have_head = 1;
	if (read_member(c, a, rel, keep != NULL, keep, keep_len, sha) < 0)
		return -1;
	m = realloc(c->m, (c->n + 1) * sizeof(*m));
	if (m == NULL) {
		problem(c, ERR_INTERNAL, "out of memory");
		return -1;
	}
	c->m = m;
	m = &c->m[c->n];
	m->rel = strdup(rel);
	if (m->rel == NULL) {
		problem(c, ERR_INTERNAL, "out of memory");
		return -1;
	}
	memcpy(m->sha256, sha, sizeof(sha));
	m->listed = strcmp(rel, REPORT_MANIFEST) == 0 || strcmp(rel, REPORT_MANIFEST_SIG) == 0;
	c->n++;
	return 0;
}

/* Read every member; 0 when the archive could be read to its end. */
static int read_archive(struct checker *c)
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	char top[32] = "", this_top[32];
	int st, rc = -1;

	if (a == NULL || archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK) {
		problem(c, ERR_INTERNAL, "cannot set up the archive reader");
		goto out;
	}
	if (archive_read_open_filename(a, c->path, 65536) != ARCHIVE_OK) {
		problem(c, ERR_PACKAGE_INVALID, "not a readable tar.gz archive: %s",
			archive_error_string(a) ? archive_error_string(a) : "unknown error");
		goto out;
	}
	while ((st = archive_read_next_header(a, &en)) != ARCHIVE_EOF) {
		const char *path = archive_entry_pathname(en), *rel;

		if (st == ARCHIVE_WARN) {
			problem(c, ERR_PACKAGE_INVALID, "member '%s': %s", path ? path : "?",
				archive_error_string(a));
		} else if (st != ARCHIVE_OK) {
			problem(c, ERR_PACKAGE_INVALID, "not a readable tar.gz archive: %s",
				archive_error_string(a) ? archive_error_string(a) : "unknown error");
			goto out;
		}
		if (path != NULL && archive_entry_filetype(en) == AE_IFDIR &&
		    dir_entry_ok(path)) {
			/* `tar czf` of an unpacked archive adds its directories */
			archive_read_data_skip(a);
			continue;
		}
		if (path == NULL || split_member(path, this_top, &rel) < 0) {
			problem(c, ERR_PACKAGE_INVALID,
				"member '%s' is not a safe name under slktx-report-YYYYMMDD/",
				path ? path : "?");
			continue;
		}
		if (top[0] == '\0')
			memcpy(top, this_top, sizeof(top));
		else if (strcmp(top, this_top) != 0)
			problem(c, ERR_PACKAGE_INVALID, "member '%s' is outside '%s/'", path, top);
		if (archive_entry_filetype(en) != AE_IFREG) {
			problem(c, ERR_PACKAGE_INVALID, "member '%s' is not a regular file", rel);
			continue;
		}
		for (size_t i = 0; i < c->n; i++)
			if (strcmp(c->m[i].rel, rel) == 0)
				problem(c, ERR_PACKAGE_INVALID, "member '%s' appears twice", rel);
		if (take_member(c, a, rel) < 0)
			goto out;
	}
	rc = 0;
out:
	if (a)
		archive_read_free(a);
	return rc;
}

/* Each manifest line against the members; then the members it does not list. */
static void check_manifest(struct checker *c)
{
	char *text = (char *)c->manifest, *line, *next;
	long lineno = 0;

	if (memchr(c->manifest, '\0', c->manifest_len) != NULL) {
		problem(c, ERR_PACKAGE_INVALID, "MANIFEST.sha256 holds a NUL byte");
		return;
	}
	for (line = text; line < text + c->manifest_len && *line != '\0'; line = next) {
		const char *name;
		struct member *m = NULL;

		lineno++;
		next = strchr(line, '\n');
		if (next == NULL) {
			problem(c, ERR_PACKAGE_INVALID, "MANIFEST.sha256 line %ld has no end", lineno);
			return;
		}
		*next++ = '\0';
		if (strlen(line) < 67 || strspn(line, "0123456789abcdef") != 64 ||
		    line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) {
			problem(c, ERR_PACKAGE_INVALID, "MANIFEST.sha256 line %ld is not sha256sum format",
				lineno);
			continue;
		}
		name = line + 66;
		for (size_t i = 0; i < c->n; i++)
			if (strcmp(c->m[i].rel, name) == 0)
				m = &c->m[i];
		if (m == NULL) {
			problem(c, ERR_PACKAGE_INVALID, "'%s' is in the manifest but not in the archive",
				name);
			continue;
		}
		if (m->listed) {
			problem(c, ERR_PACKAGE_INVALID, "'%s' is listed twice or lists the manifest",
				name);
			continue;
		}
		m->listed = 1;
		if (strncmp(line, m->sha256, 64) != 0)
			problem(c, ERR_PACKAGE_INVALID,
				"'%s' does not match the manifest: sha256 %s, manifest %.64s", name,
				m->sha256, line);
	}
	for (size_t i = 0; i < c->n; i++)
		if (!c->m[i].listed)
			problem(c, ERR_PACKAGE_INVALID, "'%s' is in the archive but not in the manifest",
				c->m[i].rel);
}

/*
 * The archive is untrusted until its chain head is compared: exactly what
 * chain_head() writes, a decimal without sign or leading zero that fits an
 * int64, one space, 64 lower-case hex digits, one newline; nothing else.
 */
int report_parse_chain_head(const unsigned char *text, size_t len, int64_t *seq,
			    char hash[65], const char **why)
{
	size_t i = 0;
	int64_t v = 0;

	*seq = 0;
	hash[0] = '\0';
	if (len == 4 && memcmp(text, "0 -\n", 4) == 0)
		return 0;
	if (len == 0 || text[0] < '1' || text[0] > '9') {
		*why = "does not start with a sequence number from 1";
		return -1;
	}
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
		if (v > (INT64_MAX - (text[i] - '0')) / 10) {
			*why = "has a sequence number too large";
			return -1;
		}
		v = v * 10 + (text[i] - '0');
	}
	if (len - i != 1 + 64 + 1 || text[i] != ' ' || text[len - 1] != '\n') {
		*why = "is not 'SEQ HASH' and a newline";
		return -1;
	}
	for (size_t j = 0; j < 64; j++) {
		unsigned char ch = text[i + 1 + j];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
			*why = "has a hash that is not 64 lower-case hex digits";
			return -1;
		}
		hash[j] = (char)ch;
	}
	hash[64] = '\0';
	*seq = v;
	return 0;
}

static void check_chain(struct checker *c, struct ledger *l)
{
	char hash[65];
	const char *why = NULL;
	int64_t seq;
	sqlite3_stmt *st = NULL;
	int step;

	if (!c->have_head) {
		problem(c, ERR_PACKAGE_INVALID, "the archive has no CHAIN_HEAD");
		return;
	}
	if (report_parse_chain_head(c->head, c->head_len, &seq, hash, &why) != 0) {
		problem(c, ERR_PACKAGE_INVALID, "CHAIN_HEAD %s", why);
		return;
	}
	if (l == NULL || seq == 0)
		return;
	if (sqlite3_prepare_v2(ledger_db(l), "SELECT hash FROM event WHERE seq = ?1", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, seq) != SQLITE_OK) {
		problem(c, ERR_IO, "cannot read the ledger's event %lld: %s", (long long)seq,
			sqlite3_errmsg(ledger_db(l)));
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		problem(c, ERR_INVALID_STATE, "the ledger has no event %lld (CHAIN_HEAD)",
			(long long)seq);
	else if (step != SQLITE_ROW)
		problem(c, ERR_IO, "cannot read the ledger's event %lld: %s", (long long)seq,
			sqlite3_errmsg(ledger_db(l)));
	else if (strcmp((const char *)sqlite3_column_text(st, 0), hash) != 0)
		problem(c, ERR_INVALID_STATE,
			"the ledger's event %lld has hash %s, CHAIN_HEAD says %s", (long long)seq,
			(const char *)sqlite3_column_text(st, 0), hash);
out:
	sqlite3_finalize(st);
}

int report_verify_archive(const char *path, struct sig_trust *t, const struct sig_cert *hub,
			  size_t n_hub, struct ledger *l, int64_t now, struct sig_signer *signer,
			  report_problem_fn *problem_fn, void *ctx, struct err *e)
{
	struct checker c = { .path = path, .problem = problem_fn, .ctx = ctx, .first = e };
	struct err se;

	if (read_archive(&c) < 0) {
		if (c.problems == 0)
			problem(&c, ERR_INTERNAL, "cannot read the archive: out of memory");
		goto out;
	}
	if (!c.have_manifest) {
		problem(&c, ERR_PACKAGE_INVALID, "the archive has no MANIFEST.sha256");
		goto out;
	}
	if (!c.have_sig) {
		problem(&c, ERR_SIGNATURE_MISSING, "the archive has no MANIFEST.sha256.p7s");
	} else if (sig_verify_mem(t, c.manifest, c.manifest_len, c.sig, c.sig_len, hub, n_hub,
				  (time_t)now, signer, &se) < 0) {
		problem(&c, se.code, "MANIFEST.sha256.p7s: %s", se.msg);
	}
	check_manifest(&c);
	check_chain(&c, l);
out:
	for (size_t i = 0; i < c.n; i++)
		free(c.m[i].rel);
	free(c.m);
	free(c.manifest);
	free(c.sig);
	free(c.head);
	return c.problems ? -1 : 0;
}
