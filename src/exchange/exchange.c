/*
 * exchange - the stages of the nightly run; see exchange.h for the rules
 * that make each of them safe to interrupt.
 */
#include "exchange/exchange.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "exchange/ack.h"
#include "ledger/apply.h"
#include "domain/calendar.h"
#include "exchange/dispatch.h"
#include "util/fault.h"
#include "exchange/filecheck.h"
#include "util/hex.h"
#include "ledger/history.h"
#include "ledger/ledger.h"
#include "domain/names.h"
#include "exchange/package.h"
#include "exchange/recordq.h"
#include "ledger/registry.h"
#include "report/report.h"
#include "xml/schema.h"
#include "trust/sig.h"
#include "spool/spool.h"
#include "transport/transport.h"

#define MAX_FILE_ERRORS 100

struct exchange {
	const struct config *cfg;
	exchange_log_fn *log;
	void *log_ctx;
	struct spool *spool;
	struct ledger *ledger;
	struct history *history;
	struct calendar *cal;
	struct sig_trust *trust;
	struct schema_set *schemas;
	struct apply *apply;
	struct transport *transport;
	unsigned char *intake_der[CONFIG_LIST_MAX];
	struct sig_cert intake_certs[CONFIG_LIST_MAX];
	size_t n_intake;
	struct exchange_summary sum;
	int64_t now;
};

static void say(struct exchange *x, enum exchange_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct exchange *x, enum exchange_log_level level, const char *format, ...)
{
	char line[2048];
	va_list ap;

	if (x->log == NULL)
		return;
	va_start(ap, format);
	vsnprintf(line, sizeof(line), format, ap);
	va_end(ap);
	x->log(x->log_ctx, level, line);
}

static void say_err(struct exchange *x, const struct err *e)
{
	char line[3072];

	err_format(e, line, sizeof(line));
	say(x, EXCHANGE_ERROR, "%s", line);
}

const struct exchange_summary *exchange_summary(const struct exchange *x)
{
	return &x->sum;
}

/* ---- small helpers ---- */

/*
 * snprintf for paths and names built from bounded parts; a result that
 * would not fit is cut and reported by the return value (the spool then
 * refuses the cut name rather than touching another file).
 */
static int fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

static int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int file_sha256(const char *path, char out[65], int64_t *size, struct err *e)
{
	unsigned char buf[65536], digest[32];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;
	int rc = -1;

	*size = 0;
	if (md == NULL || fd < 0 || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		err_sys(e, ERR_IO, "cannot read '%s'", path);
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)n);
		*size += n;
	}
	if (n < 0) {
		err_sys(e, ERR_IO, "cannot read '%s'", path);
		goto out;
	}
	EVP_DigestFinal_ex(md, digest, NULL);
	hex_encode(digest, 32, out);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	return rc;
}

static int prepare(struct exchange *x, sqlite3_stmt **st, const char *sql, struct err *e)
{
	if (sqlite3_prepare_v2(ledger_db(x->ledger), sql, -1, st, NULL) != SQLITE_OK)
		return ledger_err(x->ledger, e, "cannot prepare a ledger statement");
	return 0;
}

static int step_done(struct exchange *x, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ledger_err(x->ledger, e, "cannot update the ledger");
	return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static void pujk_dir(const struct config *c, const char *code, const char *leaf, char *buf,
		     size_t size)
{
	fmt(buf, size, "%s/%s/%s", c->transport.pujk_root, code, leaf);
}

/* The PUJK code of a "<pujk_root>/<CODE>/upload" folder, or "" for the intake's. */
static void folder_code(const struct config *c, const char *dir, char code[16])
{
	size_t n = strlen(c->transport.pujk_root);
	const char *slash;

	code[0] = '\0';
	if (strncmp(dir, c->transport.pujk_root, n) != 0 || dir[n] != '/')
		return;
	slash = strchr(dir + n + 1, '/');
	if (slash && (size_t)(slash - dir - n - 1) < 16)
		fmt(code, 16, "%.*s", (int)(slash - dir - n - 1), dir + n + 1);
}

static int unlink_rel(struct exchange *x, const char *rel, struct err *e)
{
	char path[PATH_MAX];

	if (spool_path(x->spool, rel, path, sizeof(path), e) != 0)
		return -1;
	if (unlink(path) != 0 && errno != ENOENT)
		return err_sys(e, ERR_IO, "cannot remove '%s'", path);
	return 0;
}

/* Copy spool file from_rel to to_dir/name, crash-safe (same bytes there = done). */
static int copy_rel(struct exchange *x, const char *from_rel, const char *to_dir, const char *name,
		    struct err *e)
{
	char tmp[SPOOL_NAME_MAX], buf[65536];
	int in, out;
	ssize_t n;

	in = spool_open_read(x->spool, from_rel, NULL, e);
	if (in < 0)
		return -1;
	out = spool_tmp_create(x->spool, tmp, e);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (n < 0) {
		err_sys(e, ERR_IO, "cannot copy '%s'", from_rel);
		spool_tmp_abandon(x->spool, out, tmp);
		return -1;
	}
	return spool_tmp_commit(x->spool, out, tmp, to_dir, name, e);
}

static int exists_rel(struct exchange *x, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	if (spool_path(x->spool, rel, path, sizeof(path), NULL) != 0)
		return 0;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- open, close, recover ---- */

static int load_intake_certs(struct exchange *x, struct err *e)
{
	for (int i = 0; i < x->cfg->intake.certs.n; i++) {
		struct sig_signer info;
		size_t len = 0;

		if (sig_cert_load(NULL, x->cfg->intake.certs.v[i], x->now, &x->intake_der[i], &len,
				  &info, e) != 0)
			return -1;
		x->intake_certs[i].der = x->intake_der[i];
		x->intake_certs[i].len = len;
		x->n_intake++;
	}
	return 0;
}

/* The destination of an outbox name: what the outfile table says of it
 * (of the newest file of that name; sha, when not NULL, gets its SHA-256). */
static int outfile_state(struct exchange *x, const char *dest, const char *name, int *known,
			 int *pushed, char *sha, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prepare(x, &st, "SELECT pushed_at IS NOT NULL, sha256 FROM outfile WHERE destination = ?"
			    " AND name = ? ORDER BY id DESC LIMIT 1", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*known = rc == SQLITE_ROW;
	*pushed = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	if (sha)
		fmt(sha, 65, "%s", rc == SQLITE_ROW ? col(st, 1) : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(x->ledger, e, "cannot read the outbox records");
	return 0;
}

/*
 * The directory under top (archive/ or sent/ of the day) where none of the
 * names is taken: top itself, else top/1, top/2...  A file sent again under
 * its name is answered under the same acknowledgement name (SPEC §2), so a
 * day may see one name several times.  Files of one name fill the slots in
 * the same order, so a repeated call after a crash picks the same slot.
 */
static int free_slot(struct exchange *x, const char *top, const char *const *names, size_t n,
		     char dir[SPOOL_PATH_MAX], struct err *e)
{
	char rel[SPOOL_PATH_MAX];

	fmt(dir, SPOOL_PATH_MAX, "%s", top);
	for (int slot = 1; slot < 1000; slot++) {
		int taken = 0;

		for (size_t i = 0; i < n && !taken; i++)
			taken = fmt(rel, sizeof(rel), "%s/%s", dir, names[i]) != 0 || exists_rel(x, rel);
		if (!taken)
			return 0;
		fmt(dir, SPOOL_PATH_MAX, "%s/%d", top, slot);
	}
	return err_set(e, ERR_IO, "'%s' has a thousand files named '%s'", top, names[0]);
}

static int move_to_sent(struct exchange *x, const char *dest, const char *name, struct err *e)
{
	char rel[SPOOL_PATH_MAX], sent[SPOOL_PATH_MAX], dir[SPOOL_PATH_MAX], sig[SPOOL_NAME_MAX + 8];
	const char *one[1];

	spool_dated_dir(sent, SPOOL_SENT, x->now);
	fmt(sig, sizeof(sig), "%s.p7s", name);
	fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, name);
	one[0] = name;
	if (exists_rel(x, rel) && (free_slot(x, sent, one, 1, dir, e) != 0 ||
				   spool_move(x->spool, rel, dir, e) != 0))
		return -1;
	fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, sig);
	one[0] = sig;
	if (exists_rel(x, rel) && (free_slot(x, sent, one, 1, dir, e) != 0 ||
				   spool_move(x->spool, rel, dir, e) != 0))
		return -1;
	return 0;
}

/* Outbox files no committed row speaks for are an interrupted attempt's. */
static int recover_outbox(struct exchange *x, struct err *e)
{
	struct spool_list dests = { 0 };
	int rc = -1;

	if (spool_list_dirs(x->spool, SPOOL_OUTBOX, &dests, e) != 0)
		return -1;
	for (size_t d = 0; d < dests.n; d++) {
		struct spool_list files = { 0 };
		char dir[SPOOL_PATH_MAX], rel[SPOOL_PATH_MAX];

		fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dests.names[d]);
		if (spool_list(x->spool, dir, &files, e) != 0)
			goto out;
		for (size_t i = 0; i < files.n; i++) {
			char base[SPOOL_NAME_MAX], row_sha[65];
			size_t len = strlen(files.names[i]);
			int known, pushed;

			fmt(base, sizeof(base), "%s", files.names[i]);
			if (len > 4 && strcmp(base + len - 4, ".p7s") == 0)
				base[len - 4] = '\0';
			if (outfile_state(x, dests.names[d], base, &known, &pushed, row_sha, e) != 0) {
				spool_list_free(&files);
				goto out;
			}
			fmt(rel, sizeof(rel), "%s/%s", dir, files.names[i]);
			if (known && pushed && strcmp(base, files.names[i]) == 0) {
				/* the name was delivered before: these bytes are another
				 * file's answer, left by an attempt that rolled back */
				char path[PATH_MAX], sha[65];
				int64_t size;

				if (spool_path(x->spool, rel, path, sizeof(path), e) != 0 ||
				    file_sha256(path, sha, &size, e) != 0) {
					spool_list_free(&files);
					goto out;
				}
				known = strcmp(sha, row_sha) == 0;
				if (!known) {
					char sig[SPOOL_PATH_MAX];

					/* the signature first: a lone one would pass for delivered */
					fmt(sig, sizeof(sig), "%s.p7s", rel);
					if (unlink_rel(x, sig, e) != 0) {
						spool_list_free(&files);
						goto out;
					}
				}
			}
			if (!known) {
				say(x, EXCHANGE_INFO, "removing '%s', left by an interrupted run", rel);
				if (unlink_rel(x, rel, e) != 0) {
					spool_list_free(&files);
					goto out;
				}
			} else if (pushed && move_to_sent(x, dests.names[d], base, e) != 0) {
				spool_list_free(&files);
				goto out;
			}
		}
		/* the signer's and the writer's temporary names start with a dot */
		for (size_t i = 0; i < files.n_ignored; i++) {
			fmt(rel, sizeof(rel), "%s/%s", dir, files.ignored[i]);
			if (files.ignored[i][0] == '.' && strchr(files.ignored[i], '/') == NULL) {
				char path[PATH_MAX];

				if (spool_path(x->spool, dir, path, sizeof(path), NULL) == 0) {
					size_t n = strlen(path);

					fmt(path + n, sizeof(path) - n, "/%s", files.ignored[i]);
					unlink(path);
				}
			}
		}
		spool_list_free(&files);
	}
	rc = 0;
out:
	spool_list_free(&dests);
	return rc;
}

struct file_row {
	int64_t id;
	char name[SPOOL_NAME_MAX];
	char kind[4];
	char sender[16];
	char remote_dir[PATH_MAX];
	char sha256[65];
	int64_t size;
	char sig_sha256[65];
	char status[24];
	char error_code[32];
	char ack_name[SPOOL_NAME_MAX];
	char archive_dir[SPOOL_PATH_MAX];
	int64_t fetched_at; /* registry_signer_find's grace counts from the change to this */
};

static const char file_columns[] =
	"SELECT id, name, kind, sender, remote_dir, sha256, size, sig_sha256, status,"
	" error_code, ack_name, archive_dir, fetched_at FROM file";

static void read_file_row(sqlite3_stmt *st, struct file_row *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, 0);
	fmt(f->name, sizeof(f->name), "%s", col(st, 1));
	fmt(f->kind, sizeof(f->kind), "%s", col(st, 2));
	fmt(f->sender, sizeof(f->sender), "%s", col(st, 3));
	fmt(f->remote_dir, sizeof(f->remote_dir), "%s", col(st, 4));
	fmt(f->sha256, sizeof(f->sha256), "%s", col(st, 5));
	f->size = sqlite3_column_int64(st, 6);
	fmt(f->sig_sha256, sizeof(f->sig_sha256), "%s", col(st, 7));
	fmt(f->status, sizeof(f->status), "%s", col(st, 8));
	fmt(f->error_code, sizeof(f->error_code), "%s", col(st, 9));
	fmt(f->ack_name, sizeof(f->ack_name), "%s", col(st, 10));
	fmt(f->archive_dir, sizeof(f->archive_dir), "%s", col(st, 11));
	f->fetched_at = sqlite3_column_int64(st, 12);
}

/* Where a file's acknowledgement goes: back to the folder family it came from. */
static int ack_destination(struct exchange *x, const struct file_row *f, char dest[SPOOL_NAME_MAX],
			   struct err *e)
{
	char code[16], dir[PATH_MAX];

	folder_code(x->cfg, f->remote_dir, code);
	if (code[0])
		pujk_dir(x->cfg, code, "download", dir, sizeof(dir));
	else
		fmt(dir, sizeof(dir), "%s", x->cfg->transport.intake_inbound);
	return spool_outbox_dest(dir, dest, e);
}

/*
 * Keep a processed input with its signature and acknowledgement: the
 * acknowledgement is copied first, so that an input still in inbox/ always
 * means "not archived yet".  An input whose signature never came goes to
 * quarantine/.
 */
static int archive_file(struct exchange *x, const struct file_row *f, struct err *e)
{
	char dest[SPOOL_NAME_MAX], rel[SPOOL_PATH_MAX], sig[SPOOL_NAME_MAX + 8];

	if (ack_destination(x, f, dest, e) != 0)
		return -1;
	fmt(sig, sizeof(sig), "%s.p7s", f->ack_name);
	fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, f->ack_name);
	if (exists_rel(x, rel) && copy_rel(x, rel, f->archive_dir, f->ack_name, e) != 0)
		return -1;
	fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, sig);
	if (exists_rel(x, rel) && copy_rel(x, rel, f->archive_dir, sig, e) != 0)
		return -1;
	fmt(sig, sizeof(sig), "%s.p7s", f->name);
	fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, sig);
	if (exists_rel(x, rel) && spool_move(x->spool, rel, f->archive_dir, e) != 0)
		return -1;
	fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, f->name);
	if (!exists_rel(x, rel))
		return 0;
	if (strcmp(f->error_code, "SIGNATURE_MISSING") == 0) {
		x->sum.quarantined++;
		return spool_quarantine(x->spool, rel, "SIGNATURE_MISSING: no signature arrived",
					NULL, e);
	}
	return spool_move(x->spool, rel, f->archive_dir, e);
}

static int recover_inbox(struct exchange *x, struct err *e)
{
	struct spool_list files = { 0 };
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc = -1;

	if (spool_list(x->spool, SPOOL_INBOX, &files, e) != 0)
		return -1;
	/* only the newest file of a name: the same name may come again (DUPLICATE_*) */
	fmt(sql, sizeof(sql), "%s WHERE id = (SELECT max(id) FROM file WHERE name = ?1)"
		 " AND state = 'PROCESSED'", file_columns);
	if (prepare(x, &st, sql, e) != 0)
		goto out;
	for (size_t i = 0; i < files.n; i++) {
		struct file_row f;
		int step;

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, files.names[i], -1, SQLITE_STATIC);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			read_file_row(st, &f);
			sqlite3_reset(st);
			if (archive_file(x, &f, e) != 0)
				goto out;
		} else if (step != SQLITE_DONE) {
			ledger_err(x->ledger, e, "cannot read the files");
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	spool_list_free(&files);
	return rc;
}

int exchange_open(struct exchange **out, const struct config *cfg, exchange_log_fn *log,
		  void *log_ctx, struct err *e)
{
	struct exchange *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	x->cfg = cfg;
	x->log = log;
	x->log_ctx = log_ctx;
	x->now = time(NULL);
	if (spool_open(&x->spool, cfg->spool.dir, e) != 0 || spool_lock(x->spool, e) != 0)
		goto fail;
	x->sum.tmp_cleaned = spool_tmp_cleaned(x->spool);
	if (x->sum.tmp_cleaned)
		say(x, EXCHANGE_INFO, "removed %ld leftover files of an interrupted run from tmp/",
		    x->sum.tmp_cleaned);
	if (ledger_open(&x->ledger, cfg->ledger.path, cfg->ledger.busy_timeout_ms, e) != 0 ||
	    history_open(&x->history, x->ledger, e) != 0 ||
	    calendar_load(&x->cal, cfg->calendar.dir, e) != 0 ||
	    sig_trust_load(&x->trust, &cfg->hub.trust_anchors, &cfg->hub.crls, x->now, e) != 0 ||
	    schema_set_new(&x->schemas, e) != 0 ||
	    apply_open(&x->apply, x->ledger, x->history, x->cal, cfg, e) != 0 ||
	    load_intake_certs(x, e) != 0)
		goto fail;
	if (recover_outbox(x, e) != 0 || recover_inbox(x, e) != 0)
		goto fail;
	*out = x;
	return 0;
fail:
	exchange_close(x);
	return -1;
}

void exchange_close(struct exchange *x)
{
	if (x == NULL)
		return;
	transport_close(x->transport);
	for (size_t i = 0; i < x->n_intake; i++)
		free(x->intake_der[i]);
	apply_close(x->apply);
	schema_set_free(x->schemas);
	sig_trust_free(x->trust);
	calendar_free(x->cal);
	history_close(x->history);
	ledger_close(x->ledger);
	spool_close(x->spool);
	free(x);
}

static int warn_calendar(struct exchange *x)
{
	int year = calendar_missing_year(x->cal);

	if (year)
		say(x, EXCHANGE_WARNING,
		    "WARNING: the holiday calendar has no confirmed file for %d: deadlines in "
		    "%d count Monday to Friday only (or provisional dates); add "
		    "config/holidays/%d.txt",
		    year, year, year);
	calendar_clear_missing(x->cal);
	return 0;
}

static int need_transport(struct exchange *x, struct err *e)
{
	if (x->transport)
		return 0;
	return transport_open(&x->transport, x->cfg, e);
}

/* ---- fetch ---- */

/* A pair the ledger holds whose removal from the server did not happen
 * (size -1: whatever its size). */
static int recorded_unremoved(struct exchange *x, const char *dir, const char *name, int64_t size,
			      int64_t *id, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*id = 0;
	if (prepare(x, &st, "SELECT id FROM file WHERE remote_dir = ? AND name = ?"
			    " AND (size = ?3 OR ?3 < 0) AND remote_removed_at IS NULL"
			    " ORDER BY id DESC LIMIT 1", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(x->ledger, e, "cannot read the files");
	return 0;
}

/* A file of that name fetched and not processed yet: *id is its row, or 0. */
static int inbox_holds(struct exchange *x, const char *name, int64_t *id, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*id = 0;
	if (prepare(x, &st, "SELECT id FROM file WHERE name = ? AND state = 'FETCHED' LIMIT 1",
		    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(x->ledger, e, "cannot read the files");
	return 0;
}

static int mark_removed(struct exchange *x, int64_t id, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(x, &st, "UPDATE file SET remote_removed_at = ? WHERE id = ?", e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, x->now);
	sqlite3_bind_int64(st, 2, id);
	return step_done(x, st, e);
}

/* The data file first: a signature left alone on the server is never taken. */
static int remove_remote(struct exchange *x, const char *dir, const char *name, int64_t id,
			 int with_sig, struct err *e)
{
	char sig[SPOOL_NAME_MAX + 8];

	fault_point("before-remote-remove");
	if (x->transport->ops->remove(x->transport, dir, name, e) != 0)
		return -1;
	fmt(sig, sizeof(sig), "%s.p7s", name);
	if (with_sig && x->transport->ops->remove(x->transport, dir, sig, e) != 0)
		return -1;
	fault_point("after-remote-remove");
	return mark_removed(x, id, e);
}

static int fetch_one(struct exchange *x, const char *dir, const char *name,
		     const char *sig_name, struct err *e)
{
	char tmp[SPOOL_NAME_MAX], tmp_sig[SPOOL_NAME_MAX], path[PATH_MAX];
	unsigned char digest[32], sig_digest[32];
	char sha[65], sig_sha[65] = "";
	int64_t size = 0, sig_size = 0;
	struct exchange_name en;
	sqlite3_stmt *st = NULL;
	int64_t id;

	spool_tmp_name(x->spool, tmp);
	fmt(path, sizeof(path), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, tmp);
	if (x->transport->ops->fetch(x->transport, dir, name, path, digest, &size, e) != 0)
		return -1;
	if (sig_name) {
		spool_tmp_name(x->spool, tmp_sig);
		fmt(path, sizeof(path), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, tmp_sig);
		if (x->transport->ops->fetch(x->transport, dir, sig_name, path, sig_digest,
					     &sig_size, e) != 0) {
			spool_tmp_abandon(x->spool, -1, tmp);
			return -1;
		}
		hex_encode(sig_digest, 32, sig_sha);
	}
	hex_encode(digest, 32, sha);
	if (spool_tmp_commit(x->spool, -1, tmp, SPOOL_INBOX, name, e) != 0 ||
	    (sig_name && spool_tmp_commit(x->spool, -1, tmp_sig, SPOOL_INBOX, sig_name, e) != 0))
		return -1;
	fault_point("after-fetch");
	names_parse(name, &en);
	if (prepare(x, &st, "INSERT INTO file(name, kind, sender, remote_dir, sha256, size,"
			    " sig_sha256, fetched_at, state) VALUES (?,?,?,?,?,?,?,?,'FETCHED')",
		    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, en.kind == NAME_RSP ? "RSP" : "CB", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, en.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, size);
	sqlite3_bind_text(st, 7, sig_sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, x->now);
	if (step_done(x, st, e) != 0)
		return -1;
	id = sqlite3_last_insert_rowid(ledger_db(x->ledger));
	x->sum.fetched++;
	say(x, EXCHANGE_INFO, "%s: fetched from %s (%" PRId64 " bytes)%s", name, dir, size,
	    sig_name ? "" : ", its signature never arrived");
	return remove_remote(x, dir, name, id, sig_name != NULL, e);
}

static int fetch_folder(struct exchange *x, const char *dir, struct err *e)
{
	struct transport_list l = { 0 };
	int rc = -1;

	if (x->transport->ops->list(x->transport, dir, &l, e) != 0)
		return -1;
	for (size_t i = 0; i < l.n_ignored; i++) {
		x->sum.ignored++;
		say(x, EXCHANGE_WARNING, "%s: ignored an entry whose name fits no pattern", dir);
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct transport_entry *ent = &l.v[i], *sig;
		struct exchange_name en;
		char sig_name[SPOOL_NAME_MAX + 8];
		int64_t id;

		if (!ent->regular || names_parse(ent->name, &en) != 0 ||
		    (en.kind != NAME_CB && en.kind != NAME_RSP)) {
			x->sum.ignored++;
			say(x, EXCHANGE_WARNING, "%s/%s: name fits no exchange pattern, left alone",
			    dir, ent->name);
			continue;
		}
		if (en.signature) {
			char data[SPOOL_NAME_MAX];

			/* a lone signature whose data file we took already */
			fmt(data, sizeof(data), "%.*s", (int)strlen(ent->name) - 4, ent->name);
			if (transport_list_find(&l, data) != NULL)
				continue;
			if (recorded_unremoved(x, dir, data, -1, &id, e) != 0)
				goto out;
			if (id && (x->transport->ops->remove(x->transport, dir, ent->name, e) != 0 ||
				   mark_removed(x, id, e) != 0))
				goto out;
			if (!id) {
				/* its data file may still come, or was lost by the
				 * sender: either way nothing to fetch, only to tell */
				x->sum.ignored++;
				say(x, EXCHANGE_WARNING, "%s/%s: a signature without its data file, "
				    "left alone", dir, ent->name);
			}
			continue;
		}
		fmt(sig_name, sizeof(sig_name), "%s.p7s", ent->name);
		sig = transport_list_find(&l, sig_name);
		if (recorded_unremoved(x, dir, ent->name, ent->size, &id, e) != 0)
			goto out;
		if (id) {
			if (remove_remote(x, dir, ent->name, id, sig != NULL, e) != 0)
				goto out;
			continue;
		}
		if (inbox_holds(x, ent->name, &id, e) != 0)
			goto out;
		if (id) {
			/* sent again before the first was judged: one inbox name, one file */
			x->sum.waiting++;
			say(x, EXCHANGE_WARNING, "%s/%s: waits until the earlier file of that name is "
			    "processed", dir, ent->name);
			continue;
		}
		if (sig == NULL && x->now - ent->mtime < x->cfg->limits.orphan_after_s) {
			x->sum.in_transit++;
			say(x, EXCHANGE_INFO, "%s/%s: waiting for its signature", dir,
			    ent->name);
			continue;
		}
		if (fetch_one(x, dir, ent->name, sig ? sig_name : NULL, e) != 0) {
			if (e->code == ERR_TRANSIENT)
				goto out;
			say_err(x, e);
			continue;
		}
	}
	rc = 0;
out:
	transport_list_free(&l);
	return rc;
}

int exchange_fetch(struct exchange *x, struct err *e)
{
	struct registry_pujk *pujk = NULL;
	char dir[PATH_MAX];
	size_t n = 0;
	int rc = -1;

	if (need_transport(x, e) != 0)
		return -1;
	if (registry_pujk_all(x->ledger, &pujk, &n, e) != 0)
		return -1;
	if (fetch_folder(x, x->cfg->transport.intake_outbound, e) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		pujk_dir(x->cfg, pujk[i].code, "upload", dir, sizeof(dir));
		if (fetch_folder(x, dir, e) != 0)
			goto out;
	}
	x->transport->ops->idle(x->transport);
	rc = 0;
out:
	free(pujk);
	return rc;
}

/* ---- process ---- */

struct verify_job {
	pthread_t thread;
	int started;
	struct sig_trust *trust;
	char data[PATH_MAX], sig[PATH_MAX];
	const struct sig_cert *certs;
	size_t n_certs;
	time_t now;
	struct sig_signer signer;
	struct err err;
	int rc;
};

static void *verify_thread(void *arg)
{
	struct verify_job *j = arg;

	j->rc = sig_verify_file(j->trust, j->data, j->sig, j->certs, j->n_certs, j->now,
				&j->signer, &j->err);
	return NULL;
}

struct job {
	struct exchange *x;
	struct file_row f;
	struct exchange_name en;
	char folder_code[16];
	struct err errors[MAX_FILE_ERRORS];
	size_t n_errors;
	char duplicate_of[SPOOL_NAME_MAX];
	struct registry_officers officers;
	struct sig_cert certs[8];
	size_t n_certs;
	struct verify_job verify;
	struct apply_actor actor;
	char officer_name[256], officer_role[16];
	struct filecheck fc;
	struct xmlstream_result res;
	long received, accepted, rejected, duplicate;
	FILE *results;
	char results_tmp[SPOOL_NAME_MAX];
	/* packages: the attachments' verdicts, in document order */
	struct package pkg;
	int is_package;
	enum err_code *att_verdicts;   /* one per Attachment element, document order */
	size_t n_att, att_cursor;
	/* the ledger writer: records cross to it through the queue */
	struct recordq *queue;
	pthread_t writer;
	int writer_started, writer_failed;
	struct err writer_err;
};

static void file_error(struct job *j, enum err_code code, long line, long col, const char *format, ...)
	__attribute__((format(printf, 5, 6)));

static void file_error(struct job *j, enum err_code code, long line, long col, const char *format, ...)
{
	struct err *f;
	va_list ap;

	if (j->n_errors == MAX_FILE_ERRORS)
		return;
	f = &j->errors[j->n_errors++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	fmt(f->file, sizeof(f->file), "%s", j->f.name);
	f->line = line;
	f->col = col;
	va_start(ap, format);
	vsnprintf(f->msg, sizeof(f->msg), format, ap);
	va_end(ap);
}

static int lookup_one(struct exchange *x, const char *sql, const char *a, int64_t b, char *out,
		      size_t size, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	if (prepare(x, &st, sql, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fmt(out, size, "%s", col(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(x->ledger, e, "cannot read the files");
	return rc == SQLITE_ROW;
}

/*
 * Earlier files count as received only when they were known to be their
 * sender's: a file refused for one of these codes takes no batch id, so that
 * a forged or incomplete file cannot keep the real one out.
 */
#define RECEIVED_BEFORE \
	" AND state = 'PROCESSED' AND (error_code IS NULL OR error_code NOT IN (" \
	"'SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'CERT_UNTRUSTED', 'CERT_EXPIRED'," \
	" 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'SIGNER_NOT_REGISTERED', 'SENDER_NOT_ACTIVE'," \
	" 'SENDER_MISMATCH', 'NAME_INVALID', 'DUPLICATE_FILE', 'DUPLICATE_BATCH_ID'))"

/* The checks that need neither the signature nor the content. */
static int precheck(struct job *j, struct err *e)
{
	struct exchange *x = j->x;
	char found[SPOOL_NAME_MAX], sig_rel[SPOOL_PATH_MAX];
	int rc;

	folder_code(x->cfg, j->f.remote_dir, j->folder_code);
	if (names_parse(j->f.name, &j->en) != 0 ||
	    (j->en.kind == NAME_CB) != (j->folder_code[0] == '\0')) {
		file_error(j, ERR_NAME_INVALID, 0, 0, "'%s' does not belong in '%s'", j->f.name,
			   j->f.remote_dir);
		return 0;
	}
	if (strcmp(j->en.code, j->folder_code[0] ? j->folder_code : x->cfg->intake.sender) != 0) {
		file_error(j, ERR_SENDER_MISMATCH, 0, 0, "a file of '%s' dropped in '%s'",
			   j->en.code, j->f.remote_dir);
		return 0;
	}
	fmt(sig_rel, sizeof(sig_rel), "%s/%s.p7s", SPOOL_INBOX, j->f.name);
	if (j->f.sig_sha256[0] == '\0' || !exists_rel(x, sig_rel)) {
		file_error(j, ERR_SIGNATURE_MISSING, 0, 0, "no signature arrived for '%s'",
			   j->f.name);
		return 0;
	}
	rc = lookup_one(x, "SELECT ack_name FROM file WHERE sha256 = ?" RECEIVED_BEFORE
			   " AND id <> ? ORDER BY id LIMIT 1",
			j->f.sha256, j->f.id, found, sizeof(found), e);
	if (rc < 0)
		return -1;
	if (rc) {
		fmt(j->duplicate_of, sizeof(j->duplicate_of), "%s", found);
		file_error(j, ERR_DUPLICATE_FILE, 0, 0,
			   "these bytes were received before and acknowledged in '%s'", found);
		return 0;
	}
	rc = lookup_one(x, "SELECT ack_name FROM file WHERE id <> ?2" RECEIVED_BEFORE
			   " AND (name = ?1 || '.xml' OR name = ?1 || '.zip') ORDER BY id LIMIT 1",
			j->en.base, j->f.id, found, sizeof(found), e);
	if (rc < 0)
		return -1;
	if (rc) {
		file_error(j, ERR_DUPLICATE_BATCH_ID, 0, 0,
			   "batch '%s' was received before with other bytes (acknowledged in '%s')",
			   j->en.base, found);
		return 0;
	}
	if (j->en.kind == NAME_RSP) {
		struct registry_pujk p;

		if (registry_pujk_get(x->ledger, j->en.code, &p, e) != 0) {
			if (e->code != ERR_NOT_FOUND)
				return -1;
			file_error(j, ERR_SENDER_NOT_ACTIVE, 0, 0, "PUJK '%s' is not registered",
				   j->en.code);
			return 0;
		}
		if (!p.active) {
			file_error(j, ERR_SENDER_NOT_ACTIVE, 0, 0,
				   "PUJK '%s' does not have all three officers registered",
				   j->en.code);
			return 0;
		}
	}
	return 0;
}

/* Start checking the signature beside the parse: both read the whole file. */
static int start_verify(struct job *j, struct err *e)
{
	struct exchange *x = j->x;
	struct verify_job *v = &j->verify;

	if (j->en.kind == NAME_RSP) {
		/* in office, then former ones: registry_signer_find decides (SPEC §5) */
		if (registry_signer_candidates(x->ledger, j->en.code, &j->officers, e) != 0)
			return -1;
		for (size_t i = 0; i < j->officers.n && i < 8; i++) {
			j->certs[i].der = j->officers.v[i].cert_der;
			j->certs[i].len = j->officers.v[i].cert_len;
			j->n_certs++;
		}
		v->certs = j->certs;
		v->n_certs = j->n_certs;
	} else {
		v->certs = x->intake_certs;
		v->n_certs = x->n_intake;
	}
	v->trust = x->trust;
	v->now = x->now;
	if (spool_path(x->spool, SPOOL_INBOX, v->data, sizeof(v->data), e) != 0)
		return -1;
	fmt(v->sig, sizeof(v->sig), "%s/%s.p7s", v->data, j->f.name);
	fmt(v->data + strlen(v->data), sizeof(v->data) - strlen(v->data), "/%s", j->f.name);
	if (pthread_create(&v->thread, NULL, verify_thread, v) != 0)
		return err_sys(e, ERR_INTERNAL, "cannot start the signature check");
	v->started = 1;
	return 0;
}

/* Is this certificate registered to someone other than the file's sender? */
static int registered_elsewhere(struct job *j, int *elsewhere, struct err *e)
{
	struct exchange *x = j->x;
	char found[32];
	int rc;

	*elsewhere = 0;
	rc = lookup_one(x, "SELECT pujk_code FROM officer WHERE cert_sha256 = ?"
			   " AND active_to IS NULL LIMIT 1",
			j->verify.signer.cert_sha256_hex, 0, found, sizeof(found), e);
	if (rc < 0)
		return -1;
	if (rc && strcmp(found, j->en.code) != 0)
		*elsewhere = 1;
	for (size_t i = 0; j->en.kind == NAME_RSP && i < x->n_intake; i++) {
		unsigned char d[32];
		unsigned int n = 0;

		EVP_Digest(x->intake_certs[i].der, x->intake_certs[i].len, d, &n, EVP_sha256(), NULL);
		if (memcmp(d, j->verify.signer.cert_sha256, 32) == 0)
			*elsewhere = 1;
	}
	return 0;
}

static int finish_verify(struct job *j, struct err *e)
{
	struct verify_job *v = &j->verify;
	struct registry_officer officer;
	int elsewhere = 0;

	if (!v->started)
		return 0;
	pthread_join(v->thread, NULL);
	v->started = 0;
	/* which officer signed; a former certificate signs only what it signed in
	 * office, fetched within the grace (SPEC §5) */
	if (v->rc == 0 && j->en.kind == NAME_RSP)
		v->rc = registry_signer_find(j->x->ledger, j->en.code, &v->signer, j->f.fetched_at,
					     j->x->cfg->registry.grace_hours * 3600, &officer, &v->err);
	if (v->rc == 0) {
		if (j->en.kind == NAME_RSP) {
			j->actor.officer_id = officer.id;
			fmt(j->officer_role, sizeof(j->officer_role), "%s", officer.role);
			fmt(j->officer_name, sizeof(j->officer_name), "%s", officer.name);
		}
		return 0;
	}
	if (v->err.code == ERR_TRANSIENT || v->err.code == ERR_CONFIG || v->err.code == ERR_IO ||
	    v->err.code == ERR_INTERNAL) {
		*e = v->err;
		return -1;
	}
	if (v->err.code == ERR_SIGNER_NOT_REGISTERED &&
	    registered_elsewhere(j, &elsewhere, e) != 0)
		return -1;
	/* why the file is not trusted is its verdict (and what keeps its name
	 * from counting as received): it comes before what the parse found */
	if (j->n_errors == MAX_FILE_ERRORS)
		j->n_errors--;
	if (v->err.code == ERR_SIGNER_NOT_REGISTERED && elsewhere)
		file_error(j, ERR_SENDER_MISMATCH, 0, 0,
			   "signed by '%s', who is registered for another sender", v->signer.subject);
	else
		file_error(j, v->err.code, 0, 0, "%s", v->err.msg);
	if (j->n_errors > 1) {
		struct err verdict = j->errors[j->n_errors - 1];

		memmove(&j->errors[1], &j->errors[0], (j->n_errors - 1) * sizeof(verdict));
		j->errors[0] = verdict;
	}
	return 0;
}

/* Apply one record and write its result: on the ledger writer's thread. */
static int apply_one(struct job *j, const struct record *r, enum err_code pre,
		     const struct err *why, const enum err_code *att, struct err *e)
{
	struct exchange *x = j->x;
	struct apply_result res;
	struct ack_result out;

	fault_point("mid-apply");
	if (apply_record(x->apply, &j->actor, j->f.id, x->now, r, pre, why, att, &res, e) != 0)
		return -1;
	j->received++;
	out.record_id = r->id;
	out.ticket_no = r->ticket_no;
	out.event_seq = res.event_seq;
	out.code = res.code != ERR_NONE ? err_code_name(res.code) : NULL;
	out.text = res.msg[0] ? res.msg : NULL;
	switch (res.status) {
	case APPLY_ACCEPTED:
		j->accepted++;
		out.status = "ACCEPTED";
		break;
	case APPLY_DUPLICATE:
		j->duplicate++;
		out.status = "DUPLICATE";
		break;
	default:
		j->rejected++;
		out.status = "REJECTED";
		break;
	}
	return ack_result_put(j->results, &out, e);
}

static int on_record(void *ctx, const struct record *r, long index, enum err_code pre,
		     const struct err *why, struct err *e)
{
	struct job *j = ctx;
	const enum err_code *att = NULL;

	if (j->is_package && r->n_att > 0) {
		if (j->att_cursor + (size_t)r->n_att > j->n_att)
			return err_set(e, ERR_INTERNAL, "the payload changed between its two readings");
		att = j->att_verdicts + j->att_cursor;
		j->att_cursor += (size_t)r->n_att;
	}
	if (j->queue == NULL)
		return apply_one(j, r, pre, why, att, e);
	if (recordq_push(j->queue, r, index, pre, why, att, e) == 0)
		return 0;
	if (j->writer_failed)
		*e = j->writer_err;
	return -1;
}

/* The ledger writer's loop: apply each record as the parser hands it over. */
static void *writer_thread(void *arg)
{
	struct job *j = arg;
	struct recordq_item *it;

	while ((it = recordq_pop(j->queue)) != NULL) {
		int rc = apply_one(j, &it->r, it->pre, &it->why, it->att, &j->writer_err);

		recordq_item_free(it);
		if (rc != 0) {
			j->writer_failed = 1;
			recordq_abort(j->queue);
			break;
		}
	}
	return NULL;
}

static int start_writer(struct job *j, struct err *e)
{
	if (recordq_new(&j->queue, 1024, e) != 0)
		return -1;
	if (pthread_create(&j->writer, NULL, writer_thread, j) != 0) {
		recordq_free(j->queue);
		j->queue = NULL;
		return err_sys(e, ERR_INTERNAL, "cannot start the ledger writer");
	}
	j->writer_started = 1;
	return 0;
}

/* Let the writer drain the queue (or abandon it) and join it. */
static int stop_writer(struct job *j, int drain, struct err *e)
{
	if (!j->writer_started)
		return 0;
	if (drain)
		recordq_finish(j->queue);
	else
		recordq_abort(j->queue);
	pthread_join(j->writer, NULL);
	j->writer_started = 0;
	recordq_free(j->queue);
	j->queue = NULL;
	if (j->writer_failed) {
		if (e)
			*e = j->writer_err;
		return -1;
	}
	return 0;
}

static int parse_and_apply(struct job *j, struct err *e)
{
	static const struct filecheck_hooks hooks = { NULL, on_record };
	struct exchange *x = j->x;
	char path[PATH_MAX], store[PATH_MAX];
	const unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	if (spool_path(x->spool, SPOOL_INBOX, path, sizeof(path), e) != 0)
		return -1;
	fmt(path + strlen(path), sizeof(path) - strlen(path), "/%s", j->f.name);
	if (strcmp(j->en.ext, "zip") == 0) {
		/* first pass: the package and its payload's Attachment elements */
		if (spool_path(x->spool, SPOOL_ATTACHMENTS, store, sizeof(store), e) != 0)
			return -1;
		j->is_package = 1;
		if (filecheck_package(x->schemas, x->cfg, path, j->f.name, store, x->now, &j->pkg,
				      &j->att_verdicts, &j->fc, &j->res, e) != 0)
			return -1;
		j->n_att = j->fc.n_atts;
		if (j->res.n_errors > 0)
			goto findings;
		data = (const unsigned char *)j->pkg.payload;
		len = j->pkg.payload_size;
		filecheck_free(&j->fc);
		xmlstream_result_free(&j->res);
		j->fc.in_package = 1;
	}
	if (start_writer(j, e) != 0)
		return -1;
	rc = filecheck_run_hooks(x->schemas, x->cfg, path, data, len, j->f.name, x->now, &hooks, j,
				 &j->fc, &j->res, e);
	if (stop_writer(j, rc == 0, e) != 0 || rc != 0)
		return -1;
findings:
	for (size_t i = 0; i < j->res.n_errors; i++)
		file_error(j, j->res.errors[i].code, j->res.errors[i].line, j->res.errors[i].col,
			   "%s", j->res.errors[i].msg);
	if (j->res.n_errors > 0 && j->res.stopped != ERR_NONE && j->n_errors > 1) {
		/* the code that ended the parse is the file's verdict: list it first */
		for (size_t i = 0; i < j->n_errors; i++)
			if (j->errors[i].code == j->res.stopped) {
				struct err first = j->errors[i];

				memmove(&j->errors[1], &j->errors[0], i * sizeof(first));
				j->errors[0] = first;
				break;
			}
	}
	return 0;
}

static int write_ack(struct job *j, const char *dest, const char *ack_name, char sha[65],
		     int64_t *size, struct err *e)
{
	struct exchange *x = j->x;
	char tmp[SPOOL_NAME_MAX], dir[SPOOL_PATH_MAX], path[PATH_MAX], sig[PATH_MAX];
	struct ack_info info;
	FILE *results = NULL;
	int fd, rc = -1;

	memset(&info, 0, sizeof(info));
	info.created_at = x->now;
	info.original_name = j->f.name;
	info.original_size = j->f.size;
	info.original_sha256 = j->f.sha256;
	info.original_batch_id = j->fc.batch_id[0] ? j->fc.batch_id : NULL;
	info.sender = j->en.code[0] ? j->en.code : NULL;
	info.signer = j->verify.signer.subject[0] ? &j->verify.signer : NULL;
	info.officer_name = j->officer_name[0] ? j->officer_name : NULL;
	info.officer_role = j->officer_role[0] ? j->officer_role : NULL;
	info.file_status = j->f.status;
	info.received = j->received;
	info.accepted = j->accepted;
	info.rejected = j->rejected;
	info.duplicate = j->duplicate;
	info.duplicate_of = j->duplicate_of[0] ? j->duplicate_of : NULL;
	info.file_errors = j->errors;
	info.n_file_errors = j->n_errors;
	if (j->results && j->n_errors == 0) {
		char rel[SPOOL_PATH_MAX];

		fmt(rel, sizeof(rel), "%s/%s", SPOOL_TMP, j->results_tmp);
		if (fflush(j->results) != 0 || spool_path(x->spool, rel, path, sizeof(path), e) != 0 ||
		    (results = fopen(path, "r")) == NULL)
			return err_sys(e, ERR_IO, "cannot read back the results of '%s'", j->f.name);
		info.results = results;
	}
	fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dest);
	/* the .xml extension is part of the acknowledgement's name, not of AckId */
	char ack_id[SPOOL_NAME_MAX];
	fmt(ack_id, sizeof(ack_id), "%.*s", (int)strlen(ack_name) - 4, ack_name);
	info.ack_id = ack_id;
	fd = spool_tmp_create(x->spool, tmp, e);
	if (fd < 0)
		goto out;
	if (ack_write_fd(fd, &info, e) != 0) {
		spool_tmp_abandon(x->spool, fd, tmp);
		goto out;
	}
	if (spool_tmp_commit(x->spool, fd, tmp, dir, ack_name, e) != 0)
		goto out;
	fmt(tmp, sizeof(tmp), "%s/%s", dir, ack_name);
	if (spool_path(x->spool, tmp, path, sizeof(path), e) != 0)
		goto out;
	fmt(sig, sizeof(sig), "%s.p7s", path);
	if (sig_sign_file(x->cfg->hub.cert, x->cfg->hub.key, path, sig, e) != 0 ||
	    file_sha256(path, sha, size, e) != 0)
		goto out;
	x->sum.acks++;
	rc = 0;
out:
	if (results)
		fclose(results);
	return rc;
}

static const char *file_status(const struct job *j)
{
	if (j->n_errors > 0)
		return "REJECTED";
	if (j->rejected == 0)
		return "ACCEPTED";
	if (j->accepted == 0 && j->duplicate == 0)
		return "REJECTED";
	return "PARTIALLY_ACCEPTED";
}

static int record_outcome(struct job *j, const char *dest, const char *ack_name,
			  const char *ack_sha, int64_t ack_size, struct err *e)
{
	struct exchange *x = j->x;
	sqlite3_stmt *st = NULL;

	if (prepare(x, &st, "UPDATE file SET state = 'PROCESSED', processed_at = ?, status = ?,"
			    " error_code = ?, batch_id = ?, signer_subject = ?, signer_serial = ?,"
			    " officer_id = ?, officer_role = ?, signing_time = ?, received = ?,"
			    " accepted = ?, rejected = ?, duplicate = ?, ack_name = ?,"
			    " archive_dir = ? WHERE id = ?",
		    e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, x->now);
	bind_text(st, 2, j->f.status);
	bind_text(st, 3, j->n_errors ? err_code_name(j->errors[0].code) : NULL);
	bind_text(st, 4, j->fc.batch_id);
	bind_text(st, 5, j->verify.signer.subject);
	bind_text(st, 6, j->verify.signer.serial);
	if (j->actor.officer_id)
		sqlite3_bind_int64(st, 7, j->actor.officer_id);
	bind_text(st, 8, j->officer_role);
	if (j->verify.signer.signing_time)
		sqlite3_bind_int64(st, 9, j->verify.signer.signing_time);
	sqlite3_bind_int64(st, 10, j->received);
	sqlite3_bind_int64(st, 11, j->accepted);
	sqlite3_bind_int64(st, 12, j->rejected);
	sqlite3_bind_int64(st, 13, j->duplicate);
	bind_text(st, 14, ack_name);
	bind_text(st, 15, j->f.archive_dir);
	sqlite3_bind_int64(st, 16, j->f.id);
	if (step_done(x, st, e) != 0)
		return -1;
	if (prepare(x, &st, "INSERT INTO outfile(name, destination, kind, sha256, size, created_at,"
			    " file_id) VALUES (?,?,'ACK',?,?,?,?)",
		    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, ack_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ack_sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ack_size);
	sqlite3_bind_int64(st, 5, x->now);
	sqlite3_bind_int64(st, 6, j->f.id);
	return step_done(x, st, e);
}

/* An acknowledgement of that name still waits in the outbox: wait for it. */
static int ack_name_busy(struct exchange *x, const char *dest, const char *ack_name, int *busy,
			 struct err *e)
{
	int known, pushed;

	if (outfile_state(x, dest, ack_name, &known, &pushed, NULL, e) != 0)
		return -1;
	*busy = known && !pushed;
	return 0;
}

static void job_free(struct job *j)
{
	stop_writer(j, 0, NULL);
	if (j->verify.started)
		pthread_join(j->verify.thread, NULL);
	if (j->results)
		fclose(j->results);
	if (j->results_tmp[0])
		spool_tmp_abandon(j->x->spool, -1, j->results_tmp);
	free(j->att_verdicts);
	package_free(&j->pkg);
	filecheck_free(&j->fc);
	xmlstream_result_free(&j->res);
	registry_officers_free(&j->officers);
}

static int process_one(struct exchange *x, const struct file_row *row, struct err *e)
{
	struct job *j = calloc(1, sizeof(*j));
	char dest[SPOOL_NAME_MAX], ack_name[SPOOL_NAME_MAX], ack_sha[65];
	char archive[SPOOL_PATH_MAX], sig[SPOOL_NAME_MAX + 8], ack_sig[SPOOL_NAME_MAX + 8];
	const char *kept[4] = { row->name, sig, ack_name, ack_sig };
	int64_t ack_size = 0;
	int busy, fd, in_tx = 0, rc = -1;

	if (j == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	j->x = x;
	j->f = *row;
	if (ack_destination(x, &j->f, dest, e) != 0)
		goto out;
	names_parse(j->f.name, &j->en);
	fmt(ack_name, sizeof(ack_name), "ACK_%.*s.xml",
		 (int)(strlen(j->f.name) - 4), j->f.name);
	if (ack_name_busy(x, dest, ack_name, &busy, e) != 0)
		goto out;
	if (busy) {
		x->sum.waiting++;
		say(x, EXCHANGE_WARNING, "%s: waits until '%s' of an earlier file is delivered",
		    j->f.name, ack_name);
		rc = 0;
		goto out;
	}
	spool_dated_dir(archive, SPOOL_ARCHIVE, x->now);
	fmt(sig, sizeof(sig), "%s.p7s", j->f.name);
	fmt(ack_sig, sizeof(ack_sig), "%s.p7s", ack_name);
	if (free_slot(x, archive, kept, 4, j->f.archive_dir, e) != 0)
		goto out;
	j->actor.intake = j->en.kind == NAME_CB;
	j->actor.pujk_code = j->en.code;
	j->actor.role = j->officer_role;
	fd = spool_tmp_create(x->spool, j->results_tmp, e);
	if (fd < 0)
		goto out;
	j->results = fdopen(fd, "w");
	if (j->results == NULL) {
		err_sys(e, ERR_IO, "cannot write the results of '%s'", j->f.name);
		close(fd);
		goto out;
	}
	if (precheck(j, e) != 0)
		goto out;
	if (j->n_errors == 0 && start_verify(j, e) != 0)
		goto out;
	if (ledger_begin(x->ledger, e) != 0)
		goto out;
	in_tx = 1;
	if (j->n_errors == 0) {
		/* the signer's role decides what the records may do: know it first */
		if (j->en.kind == NAME_RSP && finish_verify(j, e) != 0)
			goto out;
		if (j->n_errors == 0 && parse_and_apply(j, e) != 0)
			goto out;
		if (finish_verify(j, e) != 0)
			goto out;
	}
	if (j->n_errors > 0) {
		/* a file-level error rejects the whole file: nothing of it applies */
		ledger_rollback(x->ledger);
		in_tx = 0;
		if (history_reload(x->history, e) != 0 || ledger_begin(x->ledger, e) != 0)
			goto out;
		in_tx = 1;
		j->rejected = j->received;
		j->accepted = j->duplicate = 0;
	}
	fmt(j->f.status, sizeof(j->f.status), "%s", file_status(j));
	if (j->n_errors)
		fmt(j->f.error_code, sizeof(j->f.error_code), "%s",
			 err_code_name(j->errors[0].code));
	fmt(j->f.ack_name, sizeof(j->f.ack_name), "%s", ack_name);
	if (write_ack(j, dest, ack_name, ack_sha, &ack_size, e) != 0 ||
	    record_outcome(j, dest, ack_name, ack_sha, ack_size, e) != 0)
		goto out;
	fault_point("after-ack");
	if (ledger_commit(x->ledger, e) != 0)
		goto out;
	in_tx = 0;
	fault_point("after-commit");
	x->sum.processed++;
	x->sum.records_accepted += j->accepted;
	x->sum.records_rejected += j->rejected;
	x->sum.records_duplicate += j->duplicate;
	if (strcmp(j->f.status, "ACCEPTED") == 0)
		x->sum.files_accepted++;
	else if (strcmp(j->f.status, "REJECTED") == 0)
		x->sum.files_rejected++;
	else
		x->sum.files_partial++;
	if (j->n_errors)
		say(x, EXCHANGE_INFO, "%s: REJECTED %s: %s", j->f.name,
		    err_code_name(j->errors[0].code), j->errors[0].msg);
	else
		say(x, EXCHANGE_INFO, "%s: %s, %ld records: %ld accepted, %ld rejected, %ld duplicate",
		    j->f.name, j->f.status, j->received, j->accepted, j->rejected, j->duplicate);
	if (archive_file(x, &j->f, e) != 0)
		goto out;
	fault_point("after-archive");
	rc = 0;
out:
	if (in_tx) {
		ledger_rollback(x->ledger);
		history_reload(x->history, NULL);
	}
	if (rc != 0 && e->code == ERR_TRANSIENT) {
		x->sum.waiting++;
		say(x, EXCHANGE_WARNING, "%s: left for the next run: %s", row->name, e->msg);
	}
	job_free(j);
	free(j);
	return rc;
}

int exchange_process(struct exchange *x, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct file_row *rows = NULL;
	size_t n = 0;
	char sql[512];
	int step, rc = -1, transient = 0;

	fmt(sql, sizeof(sql), "%s WHERE state = 'FETCHED' ORDER BY name, id", file_columns);
	if (prepare(x, &st, sql, e) != 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct file_row *v = realloc(rows, (n + 1) * sizeof(*v));

		if (v == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		rows = v;
		read_file_row(st, &rows[n++]);
	}
	if (step != SQLITE_DONE) {
		ledger_err(x->ledger, e, "cannot read the files to process");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (process_one(x, &rows[i], e) == 0)
			continue;
		if (e->code != ERR_TRANSIENT)
			goto out;
		transient = 1;
	}
	warn_calendar(x);
	if (transient) {
		rc = err_set(e, ERR_TRANSIENT, "%ld files wait for the next run", x->sum.waiting);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	free(rows);
	return rc;
}

/* ---- dispatch ---- */

static int dispatch_name(struct exchange *x, const char *code, char *name, size_t size,
			 struct err *e)
{
	char day[11], date[9], like[64], count[24];
	int rc;

	calendar_format_day(calendar_day_of(x->now), day);
	fmt(date, sizeof(date), "%.4s%.2s%.2s", day, day + 5, day + 8);
	fmt(like, sizeof(like), "DSP_%s_%s_%%", code, date);
	rc = lookup_one(x, "SELECT count(*) FROM dispatch WHERE name LIKE ?", like, 0,
			count, sizeof(count), e);
	if (rc < 0)
		return -1;
	fmt(name, size, "DSP_%s_%s_%06ld", code, date, atol(count) + 1);
	return 0;
}

static int cursor_of(struct exchange *x, const char *code, int64_t *cursor, struct err *e)
{
	char found[24];
	int rc = lookup_one(x, "SELECT last_seq FROM dispatch_cursor WHERE pujk_code = ?",
			    code, 0, found, sizeof(found), e);

	if (rc < 0)
		return -1;
	*cursor = rc ? atoll(found) : 0;
	return 0;
}

static int dispatch_one(struct exchange *x, const char *code, int64_t head, struct err *e)
{
	struct dispatch_plan p;
	char base[64], name[SPOOL_NAME_MAX], dest[SPOOL_NAME_MAX], dir[SPOOL_PATH_MAX];
	char remote[PATH_MAX], tmp[SPOOL_NAME_MAX], path[PATH_MAX], sig[PATH_MAX], sha[65];
	char store[PATH_MAX], payload[PATH_MAX], zip_tmp[SPOOL_NAME_MAX];
	sqlite3_stmt *st = NULL;
	int64_t cursor, size;
	int fd, in_tx = 0, rc = -1;

	memset(&p, 0, sizeof(p));
	if (cursor_of(x, code, &cursor, e) != 0)
		return -1;
	p.pujk_code = code;
	p.after_seq = cursor;
	p.upto_seq = head;
	p.today_utc = x->now;
	if (cursor >= head) {
		rc = 0;
		goto out;
	}
	if (dispatch_count(x->ledger, &p, e) != 0)
		goto out;
	if (p.items == 0) {
		rc = 0;
		goto out;
	}
	if (dispatch_name(x, code, base, sizeof(base), e) != 0)
		goto out;
	pujk_dir(x->cfg, code, "download", remote, sizeof(remote));
	if (spool_outbox_dest(remote, dest, e) != 0 || ledger_begin(x->ledger, e) != 0)
		goto out;
	in_tx = 1;
	fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dest);
	fd = spool_tmp_create(x->spool, tmp, e);
	if (fd < 0)
		goto out;
	if (dispatch_write_fd(x->ledger, x->cal, &p, base, x->now, fd, e) != 0) {
		spool_tmp_abandon(x->spool, fd, tmp);
		goto out;
	}
	fault_point("mid-dispatch");
	if (p.n_attachments == 0) {
		fmt(name, sizeof(name), "%s.xml", base);
		if (spool_tmp_commit(x->spool, fd, tmp, dir, name, e) != 0)
			goto out;
	} else {
		/* attachments travel in a package beside the payload */
		struct package_attachment *atts = calloc(p.n_attachments, sizeof(*atts));
		int written;

		fmt(name, sizeof(name), "%s.zip", base);
		if (atts == NULL || fsync(fd) != 0) {
			free(atts);
			spool_tmp_abandon(x->spool, fd, tmp);
			err_set(e, ERR_IO, "cannot write dispatch '%s'", name);
			goto out;
		}
		close(fd);
		for (size_t i = 0; i < p.n_attachments; i++) {
			atts[i].name = p.attachments[i].name;
			atts[i].sha256 = p.attachments[i].sha256;
		}
		fmt(payload, sizeof(payload), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, tmp);
		spool_tmp_name(x->spool, zip_tmp);
		fmt(path, sizeof(path), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, zip_tmp);
		if (spool_path(x->spool, SPOOL_ATTACHMENTS, store, sizeof(store), e) != 0) {
			free(atts);
			spool_tmp_abandon(x->spool, -1, tmp);
			goto out;
		}
		written = package_write(path, payload, store, atts, p.n_attachments, e);
		free(atts);
		spool_tmp_abandon(x->spool, -1, tmp);
		if (written != 0 || spool_tmp_commit(x->spool, -1, zip_tmp, dir, name, e) != 0)
			goto out;
	}
	fmt(tmp, sizeof(tmp), "%s/%s", dir, name);
	if (spool_path(x->spool, tmp, path, sizeof(path), e) != 0)
		goto out;
	fmt(sig, sizeof(sig), "%s.p7s", path);
	if (sig_sign_file(x->cfg->hub.cert, x->cfg->hub.key, path, sig, e) != 0 ||
	    file_sha256(path, sha, &size, e) != 0)
		goto out;
	if (prepare(x, &st, "INSERT INTO dispatch(name, pujk_code, created_at, first_seq, last_seq,"
			    " items) VALUES (?,?,?,?,?,?)", e) != 0)
		goto out;
	sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, x->now);
	sqlite3_bind_int64(st, 4, cursor + 1);
	sqlite3_bind_int64(st, 5, head);
	sqlite3_bind_int64(st, 6, p.items);
	if (step_done(x, st, e) != 0 ||
	    prepare(x, &st, "INSERT INTO outfile(name, destination, kind, sha256, size, created_at)"
			    " VALUES (?,?,'DSP',?,?,?)", e) != 0)
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, size);
	sqlite3_bind_int64(st, 5, x->now);
	if (step_done(x, st, e) != 0 ||
	    prepare(x, &st, "INSERT INTO dispatch_cursor(pujk_code, last_seq) VALUES (?, ?)"
			    " ON CONFLICT(pujk_code) DO UPDATE SET last_seq = excluded.last_seq",
		    e) != 0)
		goto out;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, head);
	if (step_done(x, st, e) != 0 || ledger_commit(x->ledger, e) != 0)
		goto out;
	in_tx = 0;
	x->sum.dispatches++;
	x->sum.dispatch_items += p.items;
	say(x, EXCHANGE_INFO, "%s: %ld items for %s", name, p.items, code);
	rc = 0;
out:
	if (in_tx)
		ledger_rollback(x->ledger);
	dispatch_plan_free(&p);
	return rc;
}

int exchange_dispatch(struct exchange *x, struct err *e)
{
	struct registry_pujk *pujk = NULL;
	size_t n = 0;
	int64_t head;
	int rc = -1;

	if (history_reload(x->history, e) != 0)
		return -1;
	history_head(x->history, &head);
	if (registry_pujk_all(x->ledger, &pujk, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (dispatch_one(x, pujk[i].code, head, e) != 0)
			goto out;
	warn_calendar(x);
	rc = 0;
out:
	free(pujk);
	return rc;
}

/* ---- push ---- */

int exchange_push(struct exchange *x, struct err *e)
{
	sqlite3_stmt *st = NULL, *done = NULL;
	int step, rc = -1, failures = 0;

	if (need_transport(x, e) != 0)
		return -1;
	if (prepare(x, &st, "SELECT id, name, destination FROM outfile WHERE pushed_at IS NULL"
			    " ORDER BY id", e) != 0 ||
	    prepare(x, &done, "UPDATE outfile SET pushed_at = ? WHERE id = ?", e) != 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		char name[SPOOL_NAME_MAX], dest[SPOOL_NAME_MAX], remote[PATH_MAX];
		char rel[SPOOL_PATH_MAX], path[PATH_MAX], sig_name[SPOOL_NAME_MAX + 8];

		fmt(name, sizeof(name), "%s", col(st, 1));
		fmt(dest, sizeof(dest), "%s", col(st, 2));
		fmt(sig_name, sizeof(sig_name), "%s.p7s", name);
		if (spool_outbox_remote(dest, remote, sizeof(remote), e) != 0)
			goto out;
		fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, name);
		if (spool_path(x->spool, rel, path, sizeof(path), e) != 0)
			goto out;
		if (x->transport->ops->push(x->transport, path, remote, name, e) != 0 ||
		    (strcat(path, ".p7s"),
		     x->transport->ops->push(x->transport, path, remote, sig_name, e) != 0)) {
			if (e->code == ERR_TRANSIENT)
				goto out;
			say_err(x, e);
			failures++;
			continue;
		}
		fault_point("after-push");
		sqlite3_reset(done);
		sqlite3_bind_int64(done, 1, x->now);
		sqlite3_bind_int64(done, 2, id);
		if (sqlite3_step(done) != SQLITE_DONE) {
			ledger_err(x->ledger, e, "cannot record a delivery");
			goto out;
		}
		if (move_to_sent(x, dest, name, e) != 0)
			goto out;
		x->sum.pushed++;
		say(x, EXCHANGE_INFO, "%s: delivered to %s", name, remote);
	}
	if (step != SQLITE_DONE) {
		ledger_err(x->ledger, e, "cannot read the outbox records");
		goto out;
	}
	if (failures) {
		err_set(e, ERR_TRANSIENT, "%d files could not be delivered; they stay in the outbox",
			failures);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(done);
	sqlite3_finalize(st);
	return rc;
}

/* ---- the day's report archive ---- */

int exchange_archive(struct exchange *x, char *out_path, size_t size, struct err *e)
{
	int rc = report_archive_day(x->cfg, x->ledger, calendar_day_of(x->now), out_path, size, e);

	if (rc == 0)
		say(x, EXCHANGE_INFO, "the day's signed report archive: %s", out_path);
	return rc;
}
