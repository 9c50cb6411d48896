/*
 * journal - the file, outfile, dispatch and dispatch_cursor tables; see
 * journal.h.
 */
#include "exchange/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int prepare(struct ledger *l, sqlite3_stmt **st, const char *sql, struct err *e)
{
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, st, NULL) != SQLITE_OK)
		return ledger_err(l, e, "cannot prepare a ledger statement");
	return 0;
}

/* Step a write (or a read whose row is not wanted) and finalize it. */
static int step_done(struct ledger *l, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ledger_err(l, e, "cannot update the ledger");
	return 0;
}

static void copy_col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", s ? s : "");
}

/*
 * Step a query of one optional row: *found says whether it had one, and
 * the text of its first column goes to out (when not NULL).  Finalizes.
 */
static int step_one(struct ledger *l, sqlite3_stmt *st, char *out, size_t size, int *found,
		    struct err *e)
{
	int rc = sqlite3_step(st);

	*found = rc == SQLITE_ROW;
	if (out)
		out[0] = '\0';
	if (rc == SQLITE_ROW && out)
		copy_col(st, 0, out, size);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(l, e, "cannot read the exchange journal");
	return 0;
}

/* The same, for an integer first column (0 when there is no row). */
static int step_int(struct ledger *l, sqlite3_stmt *st, int64_t *out, struct err *e)
{
	int rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(l, e, "cannot read the exchange journal");
	return 0;
}

/* rows (count used of *cap, each size bytes) with room for one more: the
 * same or a grown block, or NULL with e when out of memory (rows is then
 * still the caller's to free). */
static void *room_for_one(void *rows, size_t count, size_t *cap, size_t size, struct err *e)
{
	size_t grown;
	void *v;

	if (rows != NULL && count < *cap)
		return rows;
	grown = *cap ? *cap * 2 : 16;
	v = realloc(rows, grown * size);
	if (v == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	*cap = grown;
	return v;
}

/* ---- file ---- */

#define FILE_COLUMNS \
	"SELECT id, name, kind, sender, remote_dir, sha256, size, sig_sha256, status," \
	" error_code, ack_name, archive_dir, fetched_at FROM file"

static void read_file(sqlite3_stmt *st, struct journal_file *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, f->name, sizeof(f->name));
	copy_col(st, 2, f->kind, sizeof(f->kind));
	copy_col(st, 3, f->sender, sizeof(f->sender));
	copy_col(st, 4, f->remote_dir, sizeof(f->remote_dir));
	copy_col(st, 5, f->sha256, sizeof(f->sha256));
	f->size = sqlite3_column_int64(st, 6);
	copy_col(st, 7, f->sig_sha256, sizeof(f->sig_sha256));
	copy_col(st, 8, f->status, sizeof(f->status));
	copy_col(st, 9, f->error_code, sizeof(f->error_code));
	copy_col(st, 10, f->ack_name, sizeof(f->ack_name));
	copy_col(st, 11, f->archive_dir, sizeof(f->archive_dir));
	f->fetched_at = sqlite3_column_int64(st, 12);
}

int journal_file_fetched(struct ledger *l, const char *name, const char *kind, const char *sender,
			 const char *remote_dir, const char *sha256, int64_t size,
			 const char *sig_sha256, const char *refused, int64_t now, int64_t *id,
			 struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "INSERT INTO file(name, kind, sender, remote_dir, sha256, size,"
			    " sig_sha256, fetched_at, error_code, state)"
			    " VALUES (?,?,?,?,?,?,?,?,?,'FETCHED')", e) != 0)
		return -1;
	ledger_bind_text_or_null(st, 9, refused);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, remote_dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, size);
	sqlite3_bind_text(st, 7, sig_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	if (step_done(l, st, e) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(ledger_db(l));
	return 0;
}

int journal_file_unremoved(struct ledger *l, const char *remote_dir, const char *name,
			   int64_t size, int64_t *id, struct err *e)
{
	sqlite3_stmt *st = NULL;

	*id = 0;
	if (prepare(l, &st, "SELECT id FROM file WHERE remote_dir = ? AND name = ?"
			    " AND (size = ?3 OR ?3 < 0) AND remote_removed_at IS NULL"
			    " ORDER BY id DESC LIMIT 1", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, remote_dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, size);
	return step_int(l, st, id, e);
}

int journal_file_removed(struct ledger *l, int64_t id, int64_t now, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "UPDATE file SET remote_removed_at = ? WHERE id = ?", e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return step_done(l, st, e);
}

int journal_file_sha(struct ledger *l, int64_t id, char sha[65], struct err *e)
{
	sqlite3_stmt *st = NULL;
	int found;

	if (prepare(l, &st, "SELECT sha256 FROM file WHERE id = ?", e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (step_one(l, st, sha, 65, &found, e) != 0)
		return -1;
	return found ? 0 : err_set(e, ERR_INTERNAL, "no file row %lld", (long long)id);
}

int journal_file_waiting(struct ledger *l, const char *name, int64_t *id, struct err *e)
{
	sqlite3_stmt *st = NULL;

	*id = 0;
	if (prepare(l, &st, "SELECT id FROM file WHERE name = ? AND state = 'FETCHED' LIMIT 1",
		    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return step_int(l, st, id, e);
}

int journal_files_fetched(struct ledger *l, struct journal_file **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct journal_file *rows = NULL;
	size_t count = 0, cap = 0;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (prepare(l, &st, FILE_COLUMNS " WHERE state = 'FETCHED' ORDER BY name, id", e) != 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct journal_file *v = room_for_one(rows, count, &cap, sizeof(*rows), e);

		if (v == NULL)
			goto out;
		rows = v;
		read_file(st, &rows[count++]);
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the files to process");
		goto out;
	}
	*out = rows;
	*n = count;
	rows = NULL;
	rc = 0;
out:
	free(rows);
	sqlite3_finalize(st);
	return rc;
}

int journal_file_processed(struct ledger *l, const char *name, struct journal_file *f,
			   int *found, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int step;

	*found = 0;
	/* only the newest file of a name: the same name may come again (DUPLICATE_*) */
	if (prepare(l, &st, FILE_COLUMNS " WHERE id = (SELECT max(id) FROM file WHERE name = ?1)"
					 " AND state = 'PROCESSED'", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		read_file(st, f);
		*found = 1;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return ledger_err(l, e, "cannot read the files");
	return 0;
}

/*
 * Earlier files count as received only when they were known to be their
 * sender's: a file refused for one of these codes takes no batch id, so that
 * a forged or incomplete file cannot keep the real one out.
 */
#define RECEIVED_BEFORE \
	" AND state = 'PROCESSED' AND (error_code IS NULL OR (error_code NOT IN (" \
	"'SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'CERT_UNTRUSTED', 'CERT_EXPIRED'," \
	" 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'SIGNER_NOT_REGISTERED', 'SENDER_NOT_ACTIVE'," \
	" 'SENDER_MISMATCH', 'NAME_INVALID', 'DUPLICATE_FILE', 'DUPLICATE_BATCH_ID')" \
	/* over a size limit at the fetch: never received whole, its signer unknown */ \
	" AND NOT (error_code = 'LIMIT_EXCEEDED' AND signer_subject IS NULL)))"

int journal_received_bytes(struct ledger *l, const char *sha256, int64_t id, char *ack_name,
			   size_t size, int *found, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "SELECT ack_name FROM file WHERE sha256 = ?1" RECEIVED_BEFORE
			    " AND id <> ?2 ORDER BY id LIMIT 1", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_one(l, st, ack_name, size, found, e);
}

int journal_received_batch(struct ledger *l, const char *base, int64_t id, char *ack_name,
			   size_t size, int *found, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "SELECT ack_name FROM file WHERE id <> ?2" RECEIVED_BEFORE
			    " AND (name = ?1 || '.xml' OR name = ?1 || '.zip') ORDER BY id LIMIT 1",
		    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_one(l, st, ack_name, size, found, e);
}

static int outfile_add(struct ledger *l, const char *name, const char *dest, const char *kind,
		       const char *sha256, int64_t size, int64_t now, int64_t file_id,
		       struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "INSERT INTO outfile(name, destination, kind, sha256, size, created_at,"
			    " file_id) VALUES (?,?,?,?,?,?,?)", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, size);
	sqlite3_bind_int64(st, 6, now);
	if (file_id)
		sqlite3_bind_int64(st, 7, file_id);
	return step_done(l, st, e);
}

int journal_file_outcome(struct ledger *l, const struct journal_file *f,
			 const struct journal_outcome *o, int64_t now, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "UPDATE file SET state = 'PROCESSED', processed_at = ?, status = ?,"
			    " error_code = ?, batch_id = ?, signer_subject = ?, signer_serial = ?,"
			    " officer_id = ?, officer_role = ?, signing_time = ?, received = ?,"
			    " accepted = ?, rejected = ?, duplicate = ?, ack_name = ?,"
			    " archive_dir = ? WHERE id = ?",
		    e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	ledger_bind_text_or_null(st, 2, f->status);
	ledger_bind_text_or_null(st, 3, f->error_code[0] ? f->error_code : NULL);
	ledger_bind_text_or_null(st, 4, o->batch_id && *o->batch_id ? o->batch_id : NULL);
	ledger_bind_text_or_null(st, 5, o->signer_subject && *o->signer_subject
						? o->signer_subject : NULL);
	ledger_bind_text_or_null(st, 6, o->signer_serial && *o->signer_serial
						? o->signer_serial : NULL);
	if (o->officer_id)
		sqlite3_bind_int64(st, 7, o->officer_id);
	ledger_bind_text_or_null(st, 8, o->officer_role && *o->officer_role ? o->officer_role
									   : NULL);
	if (o->signing_time)
		sqlite3_bind_int64(st, 9, o->signing_time);
	sqlite3_bind_int64(st, 10, o->received);
	sqlite3_bind_int64(st, 11, o->accepted);
	sqlite3_bind_int64(st, 12, o->rejected);
	sqlite3_bind_int64(st, 13, o->duplicate);
	ledger_bind_text_or_null(st, 14, f->ack_name);
	ledger_bind_text_or_null(st, 15, f->archive_dir);
	sqlite3_bind_int64(st, 16, f->id);
	if (step_done(l, st, e) != 0)
		return -1;
	return outfile_add(l, o->ack_name, o->ack_destination, "ACK", o->ack_sha256, o->ack_size,
			   now, f->id, e);
}

/* ---- outfile ---- */

int journal_outfile_state(struct ledger *l, const char *dest, const char *name, int *known,
			  int *pushed, char *sha, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prepare(l, &st, "SELECT pushed_at IS NOT NULL, sha256 FROM outfile WHERE destination = ?"
			    " AND name = ? ORDER BY id DESC LIMIT 1", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*known = rc == SQLITE_ROW;
	*pushed = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	if (sha && rc == SQLITE_ROW)
		copy_col(st, 1, sha, 65);
	else if (sha)
		sha[0] = '\0';
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(l, e, "cannot read the outbox records");
	return 0;
}

int journal_answers(struct ledger *l, const char *dest, const char *ack_base, long *count,
		    struct err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	/* ack_base is ACK_ and a base name: [A-Z0-9_] only, nothing GLOB reads */
	if (prepare(l, &st, "SELECT count(*) FROM outfile WHERE destination = ?1 AND kind = 'ACK'"
			    " AND (name = ?2 || '.xml' OR name GLOB ?2 || '_[1-9]*.xml')", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ack_base, -1, SQLITE_STATIC);
	if (step_int(l, st, &n, e) != 0)
		return -1;
	*count = (long)n;
	return 0;
}

int journal_outfiles_unpushed(struct ledger *l, struct journal_outfile **out, size_t *n,
			      struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct journal_outfile *rows = NULL;
	size_t count = 0, cap = 0;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (prepare(l, &st, "SELECT id, name, destination FROM outfile WHERE pushed_at IS NULL"
			    " ORDER BY id", e) != 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct journal_outfile *v = room_for_one(rows, count, &cap, sizeof(*rows), e);

		if (v == NULL)
			goto out;
		rows = v;
		rows[count].id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, rows[count].name, sizeof(rows[count].name));
		copy_col(st, 2, rows[count].destination, sizeof(rows[count].destination));
		count++;
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the outbox records");
		goto out;
	}
	*out = rows;
	*n = count;
	rows = NULL;
	rc = 0;
out:
	free(rows);
	sqlite3_finalize(st);
	return rc;
}

int journal_outfile_pushed(struct ledger *l, int64_t id, int64_t now, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "UPDATE outfile SET pushed_at = ? WHERE id = ?", e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return step_done(l, st, e);
}

/* ---- dispatch, dispatch_cursor ---- */

int journal_dispatch_cursor(struct ledger *l, const char *code, int64_t *seq, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "SELECT last_seq FROM dispatch_cursor WHERE pujk_code = ?", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	return step_int(l, st, seq, e);
}

int journal_dispatch_count(struct ledger *l, const char *prefix, long *count, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	/* the prefix is DSP_<CODE>_<YYYYMMDD>_: no LIKE wildcard can be in it */
	if (prepare(l, &st, "SELECT count(*) FROM dispatch WHERE name LIKE ?1 || '%'", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	if (step_int(l, st, &n, e) != 0)
		return -1;
	*count = (long)n;
	return 0;
}

int journal_dispatch_made(struct ledger *l, const char *base, const char *code,
			  int64_t first_seq, int64_t last_seq, long items, const char *file_name,
			  const char *dest, const char *sha256, int64_t size, int64_t now,
			  struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "INSERT INTO dispatch(name, pujk_code, created_at, first_seq, last_seq,"
			    " items) VALUES (?,?,?,?,?,?)", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, first_seq);
	sqlite3_bind_int64(st, 5, last_seq);
	sqlite3_bind_int64(st, 6, items);
	if (step_done(l, st, e) != 0 ||
	    outfile_add(l, file_name, dest, "DSP", sha256, size, now, 0, e) != 0 ||
	    prepare(l, &st, "INSERT INTO dispatch_cursor(pujk_code, last_seq) VALUES (?, ?)"
			    " ON CONFLICT(pujk_code) DO UPDATE SET last_seq = excluded.last_seq",
		    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last_seq);
	return step_done(l, st, e);
}

/* ---- statement ---- */

int journal_statement_last_day(struct ledger *l, const char *code, int32_t *day, int *found,
			       struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prepare(l, &st, "SELECT MAX(day) FROM statement WHERE pujk_code = ?", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	*day = *found ? (int32_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ledger_err(l, e, "cannot read the statements made");
	return 0;
}

int journal_statement_made(struct ledger *l, const char *code, int32_t day, const char *base,
			   long tickets, const char *file_name, const char *dest,
			   const char *sha256, int64_t size, int64_t now, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (prepare(l, &st, "INSERT INTO statement(pujk_code, day, name, created_at, tickets)"
			    " VALUES (?,?,?,?,?)", e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, day);
	sqlite3_bind_text(st, 3, base, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, tickets);
	if (step_done(l, st, e) != 0)
		return -1;
	return outfile_add(l, file_name, dest, "STM", sha256, size, now, 0, e);
}
