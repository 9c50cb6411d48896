/*
 * ledger - the SQLite ledger: opening, migrations, transactions.
 *
 * Offers ledger_open/close, ledger_begin/commit/rollback and ledger_err (see
 * ledger.h).  Opening creates the file owner-only (and its directory 0700
 * when missing), sets WAL, synchronous=FULL, foreign keys and the busy
 * timeout, refuses a ledger newer than this program, and applies the
 * missing migrations, each in its own transaction.  The integrity check is
 * ledger_check_integrity, made by `audit verify` and `backup`, not by every
 * open: it reads every page (seconds on a big ledger).
 *
 * Errors: a file that cannot be created or opened, or that fails its
 * integrity check, is ERR_IO naming the file; a ledger from a newer slktx is
 * ERR_IO; a lock held past the busy timeout is ERR_TRANSIENT.
 */
#include "ledger/ledger.h"
#include "util/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ledger {
	sqlite3 *db;
	char path[PATH_MAX];
};

/*
 * The schema, one forward migration per version.  To change the schema,
 * append one MIGRATION line; never edit one that has shipped.  Each runs in
 * its own transaction together with the user_version it brings the file to.
 */
struct migration {
	int version;
	const char *sql;
};
#define MIGRATION(n, sql) { n, sql "; PRAGMA user_version = " #n ";" }

static const struct migration migrations[] = {
	MIGRATION(1,
		  "CREATE TABLE pujk(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
		  " sector TEXT NOT NULL, created_at INTEGER NOT NULL);"
		  "CREATE TABLE officer(id INTEGER PRIMARY KEY,"
		  " pujk_code TEXT NOT NULL REFERENCES pujk(code),"
		  " role TEXT NOT NULL CHECK (role IN ('PRODUCT','SERVICE','DECISION')),"
		  " name TEXT NOT NULL, cert_der BLOB NOT NULL, cert_sha256 TEXT NOT NULL,"
		  " subject TEXT NOT NULL, serial TEXT NOT NULL, not_before INTEGER,"
		  " not_after INTEGER, active_from INTEGER NOT NULL, active_to INTEGER);"
		  "CREATE UNIQUE INDEX officer_active ON officer(pujk_code, role)"
		  " WHERE active_to IS NULL;"
		  "CREATE INDEX officer_cert ON officer(cert_sha256)"),
	MIGRATION(2,
		  /* every data file fetched, and what became of it */
		  "CREATE TABLE file(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
		  " kind TEXT NOT NULL CHECK (kind IN ('CB','RSP')), sender TEXT NOT NULL,"
		  " remote_dir TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
		  " sig_sha256 TEXT NOT NULL, fetched_at INTEGER NOT NULL,"
		  " remote_removed_at INTEGER,"
		  " state TEXT NOT NULL CHECK (state IN ('FETCHED','PROCESSED')),"
		  " processed_at INTEGER, status TEXT, error_code TEXT, batch_id TEXT,"
		  " signer_subject TEXT, signer_serial TEXT, officer_id INTEGER, officer_role TEXT,"
		  " signing_time INTEGER, received INTEGER, accepted INTEGER, rejected INTEGER,"
		  " duplicate INTEGER, ack_name TEXT, archive_dir TEXT);"
		  "CREATE INDEX file_name ON file(name);"
		  "CREATE INDEX file_sha ON file(sha256);"
		  /* the current state of each ticket; its complaint is in its NewTicket event */
		  "CREATE TABLE ticket(no TEXT PRIMARY KEY, kind TEXT NOT NULL,"
		  " pujk_code TEXT NOT NULL, status TEXT NOT NULL, received_at INTEGER NOT NULL,"
		  " assigned_at INTEGER NOT NULL, due_day INTEGER NOT NULL,"
		  " extended INTEGER NOT NULL DEFAULT 0, first_response_at INTEGER,"
		  " proposal_at INTEGER, closed_at INTEGER, created_seq INTEGER NOT NULL,"
		  " updated_seq INTEGER NOT NULL) WITHOUT ROWID;"
		  /* the append-only, hash-chained history (riwayat) */
		  "CREATE TABLE event(seq INTEGER PRIMARY KEY, ticket_no TEXT NOT NULL,"
		  " pujk_code TEXT NOT NULL, prior_pujk TEXT, record TEXT NOT NULL,"
		  " actor TEXT NOT NULL, officer_id INTEGER, happened_at INTEGER NOT NULL,"
		  " recorded_at INTEGER NOT NULL, file_id INTEGER NOT NULL,"
		  " record_id TEXT NOT NULL, status_before TEXT, status_after TEXT NOT NULL,"
		  " detail TEXT NOT NULL, hash TEXT NOT NULL);"
		  "CREATE INDEX event_ticket ON event(ticket_no);"
		  "CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event"
		  " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
		  "CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event"
		  " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
		  "CREATE TABLE attachment(event_seq INTEGER NOT NULL, name TEXT NOT NULL,"
		  " sha256 TEXT NOT NULL, size INTEGER NOT NULL, media_type TEXT NOT NULL,"
		  " PRIMARY KEY (event_seq, name)) WITHOUT ROWID;"
		  /* what each PUJK has been sent: events up to last_seq */
		  "CREATE TABLE dispatch_cursor(pujk_code TEXT PRIMARY KEY,"
		  " last_seq INTEGER NOT NULL) WITHOUT ROWID;"
		  "CREATE TABLE dispatch(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
		  " pujk_code TEXT NOT NULL, created_at INTEGER NOT NULL,"
		  " first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, items INTEGER NOT NULL);"
		  /* signed files in the outbox, committed with the work that made them */
		  "CREATE TABLE outfile(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
		  " destination TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('ACK','DSP')),"
		  " sha256 TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL,"
		  " pushed_at INTEGER, file_id INTEGER, UNIQUE (destination, name))"),
	MIGRATION(3,
		  /* a file sent again under its name is answered under the same
		   * acknowledgement name (SPEC §2): one name, several outfiles */
		  "CREATE TABLE outfile_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
		  " destination TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('ACK','DSP')),"
		  " sha256 TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL,"
		  " pushed_at INTEGER, file_id INTEGER);"
		  "INSERT INTO outfile_new SELECT id, name, destination, kind, sha256, size,"
		  " created_at, pushed_at, file_id FROM outfile;"
		  "DROP TABLE outfile;"
		  "ALTER TABLE outfile_new RENAME TO outfile;"
		  "CREATE INDEX outfile_name ON outfile(destination, name)"),
	MIGRATION(4,
		  /* the WIB days whose signed daily archive was made (SPEC §9) */
		  "CREATE TABLE archive_day(day INTEGER PRIMARY KEY, made_at INTEGER NOT NULL,"
		  " path TEXT NOT NULL)"),
	MIGRATION(5,
		  /* what `ticket list` and the reports filter and show, typed on the
		   * ticket (the NewTicket event keeps the complaint, untouched: the
		   * chain is not recomputed); received_day is the WIB day of
		   * received_at (calendar_day_of), the ticket's period */
		  "ALTER TABLE ticket ADD COLUMN subject TEXT NOT NULL DEFAULT '';"
		  "ALTER TABLE ticket ADD COLUMN received_day INTEGER NOT NULL DEFAULT 0;"
		  "UPDATE ticket SET received_day = (received_at + 25200) / 86400"
		  " - ((received_at + 25200) % 86400 < 0),"
		  " subject = coalesce((SELECT json_extract(e.detail, '$.subject') FROM event e"
		  "  WHERE e.seq = ticket.created_seq), '');"
		  /* a period of ticket list read from the index alone, every column
		   * it shows in it; by day and number, so that a batch's tickets
		   * are appended to it, not scattered by their received times */
		  "CREATE INDEX ticket_day ON ticket(received_day, no, received_at, pujk_code,"
		  " kind, status, due_day, first_response_at, proposal_at, subject)"),
	MIGRATION(6,
		  /* the registry's and the journal's rows as they were written, one log
		   * row per insert, update or delete, kept by triggers whatever the writer:
		   * audit verify compares each row with what its log says it may be
		   * (docs/DESIGN.md, "audit verify").  The rows already there are logged
		   * as found (log_op 'M'): a ledger of schema 3 is taken as it stood. */
		  "CREATE TABLE pujk_log(log_seq INTEGER PRIMARY KEY, log_op TEXT NOT NULL,"
		  " code, name, sector, created_at);"
		  "CREATE INDEX pujk_log_key ON pujk_log(code, log_seq);"
		  "INSERT INTO pujk_log(code, name, sector, created_at, log_op) SELECT"
		  " code, name, sector, created_at, 'M' FROM pujk ORDER BY code;"
		  "CREATE TRIGGER pujk_log_insert AFTER INSERT ON pujk BEGIN"
		  " INSERT INTO pujk_log(log_op, code, name, sector, created_at) VALUES"
		  " ('I', NEW.code, NEW.name, NEW.sector, NEW.created_at); END;"
		  "CREATE TRIGGER pujk_log_update AFTER UPDATE ON pujk BEGIN"
		  " INSERT INTO pujk_log(log_op, code, name, sector, created_at) VALUES"
		  " ('U', NEW.code, NEW.name, NEW.sector, NEW.created_at); END;"
		  "CREATE TRIGGER pujk_log_delete AFTER DELETE ON pujk BEGIN"
		  " INSERT INTO pujk_log(log_op, code, name, sector, created_at) VALUES"
		  " ('D', OLD.code, NULL, NULL, NULL); END;"
		  "CREATE TRIGGER pujk_log_append_only_update BEFORE UPDATE ON pujk_log"
		  " BEGIN SELECT RAISE(ABORT, 'the row logs are append-only'); END;"
		  "CREATE TRIGGER pujk_log_append_only_delete BEFORE DELETE ON pujk_log"
		  " BEGIN SELECT RAISE(ABORT, 'the row logs are append-only'); END;"
		  "CREATE TABLE officer_log(log_seq INTEGER PRIMARY KEY, log_op TEXT NOT NULL,"
		  " id, pujk_code, role, name, cert_der, cert_sha256, subject, serial,"
		  " not_before, not_after, active_from, active_to);"
		  "CREATE INDEX officer_log_key ON officer_log(id, log_seq);"
		  "INSERT INTO officer_log(id, pujk_code, role, name, cert_der,"
		  " cert_sha256, subject, serial, not_before, not_after, active_from,"
		  " active_to, log_op) SELECT id, pujk_code, role, name, cert_der,"
		  " cert_sha256, subject, serial, not_before, not_after, active_from,"
		  " active_to, 'M' FROM officer ORDER BY id;"
		  "CREATE TRIGGER officer_log_insert AFTER INSERT ON officer BEGIN"
		  " INSERT INTO officer_log(log_op, id, pujk_code, role, name, cert_der,"
		  " cert_sha256, subject, serial, not_before, not_after, active_from,"
		  " active_to) VALUES ('I', NEW.id, NEW.pujk_code, NEW.role, NEW.name,"
		  " NEW.cert_der, NEW.cert_sha256, NEW.subject, NEW.serial, NEW.not_before,"
		  " NEW.not_after, NEW.active_from, NEW.active_to); END;"
		  "CREATE TRIGGER officer_log_update AFTER UPDATE ON officer BEGIN"
		  " INSERT INTO officer_log(log_op, id, pujk_code, role, name, cert_der,"
		  " cert_sha256, subject, serial, not_before, not_after, active_from,"
		  " active_to) VALUES ('U', NEW.id, NEW.pujk_code, NEW.role, NEW.name,"
		  " NEW.cert_der, NEW.cert_sha256, NEW.subject, NEW.serial, NEW.not_before,"
		  " NEW.not_after, NEW.active_from, NEW.active_to); END;"
		  "CREATE TRIGGER officer_log_delete AFTER DELETE ON officer BEGIN"
		  " INSERT INTO officer_log(log_op, id, pujk_code, role, name, cert_der,"
		  " cert_sha256, subject, serial, not_before, not_after, active_from,"
		  " active_to) VALUES ('D', OLD.id, NULL, NULL, NULL, NULL, NULL, NULL,"
		  " NULL, NULL, NULL, NULL, NULL); END;"
		  "CREATE TRIGGER officer_log_append_only_update BEFORE UPDATE ON officer_log"
		  " BEGIN SELECT RAISE(ABORT, 'the row logs are append-only'); END;"
		  "CREATE TRIGGER officer_log_append_only_delete BEFORE DELETE ON officer_log"
		  " BEGIN SELECT RAISE(ABORT, 'the row logs are append-only'); END;"
		  "CREATE TABLE file_log(log_seq INTEGER PRIMARY KEY, log_op TEXT NOT NULL,"
		  " id, name, kind, sender, remote_dir, sha256, size, sig_sha256,"
		  " fetched_at, remote_removed_at, state, processed_at, status, error_code,"
		  " batch_id, signer_subject, signer_serial, officer_id, officer_role,"
		  " signing_time, received, accepted, rejected, duplicate, ack_name,"
		  " archive_dir);"
		  "CREATE INDEX file_log_key ON file_log(id, log_seq);"
		  "INSERT INTO file_log(id, name, kind, sender, remote_dir, sha256, size,"
		  " sig_sha256, fetched_at, remote_removed_at, state, processed_at, status,"
		  " error_code, batch_id, signer_subject, signer_serial, officer_id,"
		  " officer_role, signing_time, received, accepted, rejected, duplicate,"
		  " ack_name, archive_dir, log_op) SELECT id, name, kind, sender,"
		  " remote_dir, sha256, size, sig_sha256, fetched_at, remote_removed_at,"
		  " state, processed_at, status, error_code, batch_id, signer_subject,"
		  " signer_serial, officer_id, officer_role, signing_time, received,"
		  " accepted, rejected, duplicate, ack_name, archive_dir, 'M' FROM file"
		  " ORDER BY id;"
		  "CREATE TRIGGER file_log_insert AFTER INSERT ON file BEGIN"
		  " INSERT INTO file_log(log_op, id, name, kind, sender, remote_dir,"
		  " sha256, size, sig_sha256, fetched_at, remote_removed_at, state,"
		  " processed_at, status, error_code, batch_id, signer_subject,"
		  " signer_serial, officer_id, officer_role, signing_time, received,"
		  " accepted, rejected, duplicate, ack_name, archive_dir) VALUES ('I',"
		  " NEW.id, NEW.name, NEW.kind, NEW.sender, NEW.remote_dir, NEW.sha256,"
		  " NEW.size, NEW.sig_sha256, NEW.fetched_at, NEW.remote_removed_at,"
		  " NEW.state, NEW.processed_at, NEW.status, NEW.error_code, NEW.batch_id,"
		  " NEW.signer_subject, NEW.signer_serial, NEW.officer_id,"
		  " NEW.officer_role, NEW.signing_time, NEW.received, NEW.accepted,"
		  " NEW.rejected, NEW.duplicate, NEW.ack_name, NEW.archive_dir); END;"
		  "CREATE TRIGGER file_log_update AFTER UPDATE ON file BEGIN"
		  " INSERT INTO file_log(log_op, id, name, kind, sender, remote_dir,"
		  " sha256, size, sig_sha256, fetched_at, remote_removed_at, state,"
		  " processed_at, status, error_code, batch_id, signer_subject,"
		  " signer_serial, officer_id, officer_role, signing_time, received,"
		  " accepted, rejected, duplicate, ack_name, archive_dir) VALUES ('U',"
		  " NEW.id, NEW.name, NEW.kind, NEW.sender, NEW.remote_dir, NEW.sha256,"
		  " NEW.size, NEW.sig_sha256, NEW.fetched_at, NEW.remote_removed_at,"
		  " NEW.state, NEW.processed_at, NEW.status, NEW.error_code, NEW.batch_id,"
		  " NEW.signer_subject, NEW.signer_serial, NEW.officer_id,"
		  " NEW.officer_role, NEW.signing_time, NEW.received, NEW.accepted,"
		  " NEW.rejected, NEW.duplicate, NEW.ack_name, NEW.archive_dir); END;"
		  "CREATE TRIGGER file_log_delete AFTER DELETE ON file BEGIN"
		  " INSERT INTO file_log(log_op, id, name, kind, sender, remote_dir,"
		  " sha256, size, sig_sha256, fetched_at, remote_removed_at, state,"
		  " processed_at, status, error_code, batch_id, signer_subject,"
		  " signer_serial, officer_id, officer_role, signing_time, received,"
		  " accepted, rejected, duplicate, ack_name, archive_dir) VALUES ('D',"
		  " OLD.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
		  " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
		  " NULL, NULL, NULL); END;"
		  "CREATE TRIGGER file_log_append_only_update BEFORE UPDATE ON file_log"
		  " BEGIN SELECT RAISE(ABORT, 'the row logs are append-only'); END;"
		  "CREATE TRIGGER file_log_append_only_delete BEFORE DELETE ON file_log"
		  " BEGIN SELECT RAISE(ABORT, 'the row logs are append-only'); END"),
	MIGRATION(7,
		  /* daily statements (SPEC 1.1 §2, §3): one per PUJK and WIB day,
		   * made with their outfile row (kind STM) in one transaction */
		  "CREATE TABLE statement(pujk_code TEXT NOT NULL, day INTEGER NOT NULL,"
		  " name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,"
		  " tickets INTEGER NOT NULL, PRIMARY KEY (pujk_code, day)) WITHOUT ROWID;"
		  "CREATE TABLE outfile_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
		  " destination TEXT NOT NULL,"
		  " kind TEXT NOT NULL CHECK (kind IN ('ACK','DSP','STM')),"
		  " sha256 TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL,"
		  " pushed_at INTEGER, file_id INTEGER);"
		  "INSERT INTO outfile_new SELECT id, name, destination, kind, sha256, size,"
		  " created_at, pushed_at, file_id FROM outfile;"
		  "DROP TABLE outfile;"
		  "ALTER TABLE outfile_new RENAME TO outfile;"
		  "CREATE INDEX outfile_name ON outfile(destination, name)"),
};

#define LEDGER_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

void ledger_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

sqlite3 *ledger_db(struct ledger *l)
{
	return l->db;
}

void ledger_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int ledger_err(struct ledger *l, struct err *e, const char *what)
{
	int rc = sqlite3_extended_errcode(l->db);
	int primary = rc & 0xff;
	enum err_code code = primary == SQLITE_BUSY || primary == SQLITE_LOCKED
				     ? ERR_TRANSIENT : ERR_IO;

	return err_set_at(e, code, l->path, 0, 0, "%s: %s", what, sqlite3_errmsg(l->db));
}

/* Run every statement of sql, each prepared in turn (no string is ever formatted). */
static int exec_script(struct ledger *l, const char *sql, const char *what, struct err *e)
{
	sqlite3_stmt *st = NULL;
	const char *tail = sql;
	int rc;

	while (*tail != '\0') {
		if (sqlite3_prepare_v2(l->db, tail, -1, &st, &tail) != SQLITE_OK)
			return ledger_err(l, e, what);
		if (st == NULL) /* only whitespace or comments were left */
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_DONE)
			return ledger_err(l, e, what);
	}
	return 0;
}

/* The first column of the first row of a one-statement query, as an integer. */
static int query_int(struct ledger *l, const char *sql, int *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ledger_err(l, e, sql);
		goto out;
	}
	*out = sqlite3_column_int(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int ledger_schema_version(struct ledger *l)
{
	int v = -1;

	query_int(l, "PRAGMA user_version", &v, NULL);
	return v;
}

int ledger_begin(struct ledger *l, struct err *e)
{
	return exec_script(l, "BEGIN IMMEDIATE", "cannot begin a transaction", e);
}

int ledger_commit(struct ledger *l, struct err *e)
{
	if (exec_script(l, "COMMIT", "cannot commit", e) < 0) {
		ledger_rollback(l);
		return -1;
	}
	return 0;
}

void ledger_rollback(struct ledger *l)
{
	if (!sqlite3_get_autocommit(l->db))
		exec_script(l, "ROLLBACK", "cannot roll back", NULL);
}

/* Create the file owner-only before SQLite sees it; an existing file is left be. */
static int create_file(const char *path, struct err *e)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (safefile_mkdirs(dir, 0700, e) < 0)
			return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return err_sys(e, ERR_IO, "cannot create ledger '%s'", path);
	}
	if (fchmod(fd, 0600) < 0 || fsync(fd) < 0) {
		err_sys(e, ERR_IO, "cannot create ledger '%s'", path);
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return err_sys(e, ERR_IO, "cannot create ledger '%s'", path);
	/* the new name itself must survive a crash */
	fd = open(slash == NULL ? "." : slash == dir ? "/" : dir,
		  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		err_sys(e, ERR_IO, "cannot sync the directory of '%s'", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return err_sys(e, ERR_IO, "cannot sync the directory of '%s'", path);
	return 0;
}

int ledger_check_integrity(struct ledger *l, enum ledger_check how, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, how == LEDGER_CHECK_QUICK ? "PRAGMA quick_check"
								: "PRAGMA integrity_check",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ledger_err(l, e, "integrity check failed");
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		err_set_at(e, ERR_IO, l->path, 0, 0, "integrity check failed: %s",
			   (const char *)sqlite3_column_text(st, 0));
		/* SQLite's report spans lines; an error message is one */
		for (char *p = e ? e->msg : NULL; p != NULL && *p != '\0'; p++)
			if (*p == '\n')
				*p = ' ';
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int set_wal(struct ledger *l, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ledger_err(l, e, "cannot switch the ledger to WAL");
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
		err_set_at(e, ERR_IO, l->path, 0, 0, "ledger refuses WAL mode (journal mode %s)",
			   (const char *)sqlite3_column_text(st, 0));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int migrate(struct ledger *l, struct err *e)
{
	int version;

	if (query_int(l, "PRAGMA user_version", &version, e) < 0)
		return -1;
	if (version > LEDGER_VERSION)
		return err_set_at(e, ERR_IO, l->path, 0, 0,
				  "ledger schema version %d is newer than this slktx knows (%d)",
				  version, LEDGER_VERSION);
	for (int i = version; i < LEDGER_VERSION; i++) {
		if (migrations[i].version != i + 1)
			return err_set(e, ERR_INTERNAL, "migration %d out of order", i + 1);
		if (ledger_begin(l, e) < 0)
			return -1;
		/* another process may have migrated while we waited for the lock */
		if (query_int(l, "PRAGMA user_version", &version, e) < 0)
			goto fail;
		if (version <= i &&
		    exec_script(l, migrations[i].sql, "cannot migrate the ledger", e) < 0)
			goto fail;
		if (ledger_commit(l, e) < 0)
			return -1;
	}
	return 0;
fail:
	ledger_rollback(l);
	return -1;
}

/*
 * The connection to l->path, an existing file (never created here), with
 * extended result codes and the busy timeout.  Without SQLite's mutex
 * (NOMUTEX): a connection is used by one thread at a time (the process
 * stage hands it to its writer thread and takes it back with
 * pthread_create and pthread_join), and the mutex taken on every call cost
 * a listing of a million tickets a sixth of its time.
 */
static int open_connection(struct ledger *l, long busy_timeout_ms, struct err *e)
{
	int rc = sqlite3_open_v2(l->path, &l->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc != SQLITE_OK) {
		if (l->db == NULL)
			return err_set_at(e, ERR_IO, l->path, 0, 0, "cannot open ledger: %s",
					  sqlite3_errstr(rc));
		return ledger_err(l, e, "cannot open ledger");
	}
	sqlite3_extended_result_codes(l->db, 1);
	if (sqlite3_busy_timeout(l->db, (int)busy_timeout_ms) != SQLITE_OK)
		return ledger_err(l, e, "cannot set the busy timeout");
	return 0;
}

int ledger_open(struct ledger **out, const char *path, long busy_timeout_ms, struct err *e)
{
	struct ledger *l;
	struct stat st;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return err_sys(e, ERR_INTERNAL, "cannot allocate");
	if (snprintf(l->path, sizeof(l->path), "%s", path) >= (int)sizeof(l->path)) {
		err_set(e, ERR_IO, "ledger path too long");
		goto fail;
	}
	if (create_file(path, e) < 0)
		goto fail;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set_at(e, ERR_IO, path, 0, 0, "ledger is not a regular file");
		goto fail;
	}
	if (open_connection(l, busy_timeout_ms, e) < 0)
		goto fail;
	/* page_size counts only in a new, empty ledger (before WAL): 16 KiB pages
	 * took a sixth off the CPU of applying a batch (fewer pages to split,
	 * find in the WAL and write) and make the WAL 7% smaller; a ledger made
	 * with 4 KiB pages keeps them (docs/DESIGN.md, "Reading a big ledger") */
	if (exec_script(l, "PRAGMA page_size = 16384; PRAGMA foreign_keys = ON;"
			   " PRAGMA synchronous = FULL; PRAGMA cache_size = -16384;",
			"cannot configure the ledger", e) < 0 ||
	    set_wal(l, e) < 0 ||
	    migrate(l, e) < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	ledger_close(l);
	return -1;
}

/*
 * A big transaction would otherwise be folded into the file (checkpointed)
 * inside its own COMMIT: SQLite checkpoints when the WAL passes
 * wal_autocheckpoint pages.  The commit is durable once the WAL is synced;
 * the copy into the file can wait, and a crash before or during it loses
 * nothing (the next open replays the WAL).
 */
void ledger_defer_checkpoints(struct ledger *l)
{
	exec_script(l, "PRAGMA wal_autocheckpoint = 0", "cannot set the checkpoint", NULL);
	sqlite3_db_config(l->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

int ledger_checkpoint(struct ledger *l, struct err *e)
{
	int rc = sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	/* a reader still on the WAL: the next checkpoint finishes the work */
	if (rc == SQLITE_OK || rc == SQLITE_BUSY)
		return 0;
	return ledger_err(l, e, "cannot checkpoint the ledger");
}

/*
 * For audit verify: an existing ledger, opened for reading only, so that a
 * missing one is reported and nothing (file, directory) is created.  A ledger
 * of an older schema is brought forward first by ledger_open, as any command
 * would; *migrated_from then says from which version (else 0).
 */
int ledger_open_readonly(struct ledger **out, const char *path, long busy_timeout_ms,
			 int *migrated_from, struct err *e)
{
	struct ledger *l;
	struct stat st;
	int version = 0;

	*out = NULL;
	*migrated_from = 0;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return err_set_at(e, ERR_NOT_FOUND, path, 0, 0, "ledger does not exist");
		return err_sys(e, ERR_IO, "cannot read ledger '%s'", path);
	}
	if (!S_ISREG(st.st_mode))
		return err_set_at(e, ERR_IO, path, 0, 0, "ledger is not a regular file");
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return err_sys(e, ERR_INTERNAL, "cannot allocate");
	snprintf(l->path, sizeof(l->path), "%s", path);
	/* read-write without CREATE (open_connection), then query_only: a read-only
	 * connection could not remove the -wal and -shm files it makes when it
	 * closes */
	if (open_connection(l, busy_timeout_ms, e) < 0)
		goto fail;
	/* the audit reads every event several times: the cache of a writing open */
	if (exec_script(l, "PRAGMA query_only = ON; PRAGMA cache_size = -16384;",
			"cannot configure the ledger", e) < 0 ||
	    query_int(l, "PRAGMA user_version", &version, e) < 0)
		goto fail;
	if (version > LEDGER_VERSION) {
		err_set_at(e, ERR_IO, l->path, 0, 0,
			   "ledger schema version %d is newer than this slktx knows (%d)",
			   version, LEDGER_VERSION);
		goto fail;
	}
	if (version < LEDGER_VERSION) {
		ledger_close(l);
		*migrated_from = version;
		return ledger_open(out, path, busy_timeout_ms, e);
	}
	*out = l;
	return 0;
fail:
	ledger_close(l);
	return -1;
}

void ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	sqlite3_close(l->db);
	free(l);
}

/* fsync path (a file or a directory), keeping errno for the message */
static int sync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), rc, saved;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int ledger_backup(struct ledger *l, const char *dest, struct err *e)
{
	char dir[PATH_MAX], *slash;
	sqlite3_backup *b = NULL;
	sqlite3 *to = NULL;
	int fd, rc = -1, step;

	/* a new file, never one that is there (a former backup, or worse) */
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot create the backup '%s'", dest);
	close(fd);
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set(e, ERR_IO, "cannot open the backup '%s': %s", dest,
			to ? sqlite3_errmsg(to) : "out of memory");
		goto out;
	}
	b = sqlite3_backup_init(to, "main", l->db, "main");
	if (b == NULL) {
		err_set(e, ERR_IO, "cannot start the backup to '%s': %s", dest, sqlite3_errmsg(to));
		goto out;
	}
	/* all pages in one step: one read transaction, so one consistent snapshot
	 * (WAL lets it read the last commit while a run holds the write lock) */
	while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED)
		sqlite3_sleep(100);
	if (step != SQLITE_DONE) {
		err_set(e, ERR_IO, "backup to '%s' failed: %s", dest, sqlite3_errstr(step));
		goto out;
	}
	rc = 0;
out:
	if (b != NULL && sqlite3_backup_finish(b) != SQLITE_OK && rc == 0)
		rc = err_set(e, ERR_IO, "backup to '%s' failed: %s", dest, sqlite3_errmsg(to));
	if (to != NULL && sqlite3_close(to) != SQLITE_OK && rc == 0)
		rc = err_set(e, ERR_IO, "cannot close the backup '%s'", dest);
	if (rc == 0 && sync_path(dest, O_RDONLY) < 0)
		rc = err_sys(e, ERR_IO, "cannot fsync the backup '%s'", dest);
	snprintf(dir, sizeof(dir), "%s", dest);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (rc == 0 && sync_path(dir, O_RDONLY | O_DIRECTORY) < 0)
		rc = err_sys(e, ERR_IO, "cannot fsync the directory of the backup '%s'", dest);
	if (rc < 0)
		unlink(dest);
	return rc;
}
