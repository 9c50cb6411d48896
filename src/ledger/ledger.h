/*
 * ledger - the SQLite ledger: opening, migrations, transactions.
 *
 * WAL mode, synchronous=FULL, a busy timeout, foreign keys on.  Every write
 * runs inside ledger_begin (BEGIN IMMEDIATE) ... ledger_commit /
 * ledger_rollback.  The schema is versioned by user_version
 * and brought forward by the migrations in ledger.c, one transaction each.
 * The file is created owner-only (0600).  Other modules prepare their own
 * statements on ledger_db(); nothing is ever built by string formatting.
 */
#ifndef SLKTX_LEDGER_H
#define SLKTX_LEDGER_H

#include <sqlite3.h>

#include "util/err.h"

struct ledger;

/*
 * Once, before any other call to SQLite in the process (main): SQLite
 * without its memory statistics, whose global mutex every allocation took
 * (a few per row written or read).
 */
void ledger_setup(void);

int ledger_open(struct ledger **out, const char *path, long busy_timeout_ms, struct err *e);
/* An existing ledger for reading only (ERR_NOT_FOUND when missing: nothing is
 * created); one of an older schema is migrated first, *migrated_from = its
 * version (else 0). */
int ledger_open_readonly(struct ledger **out, const char *path, long busy_timeout_ms,
			 int *migrated_from, struct err *e);
void ledger_close(struct ledger *l);
sqlite3 *ledger_db(struct ledger *l);
int ledger_schema_version(struct ledger *l);

/*
 * SQLite's check of the whole file (every page: seconds on a big ledger, so
 * not made on open): ERR_IO naming the first problem.  LEDGER_CHECK_FULL is
 * PRAGMA integrity_check; LEDGER_CHECK_QUICK is PRAGMA quick_check, the same
 * checks of every page, B-tree and record but for the match of each index
 * entry with its row (and UNIQUE), about ten times faster: what audit verify
 * makes before its own walk of the rows.
 */
enum ledger_check { LEDGER_CHECK_QUICK, LEDGER_CHECK_FULL };
int ledger_check_integrity(struct ledger *l, enum ledger_check how, struct err *e);

int ledger_begin(struct ledger *l, struct err *e);
int ledger_commit(struct ledger *l, struct err *e);
void ledger_rollback(struct ledger *l);

/*
 * The WAL and the file.  ledger_defer_checkpoints keeps this connection's
 * commits from copying the WAL into the file (wal_autocheckpoint 0, nor at
 * the last close), so that a big transaction is done when its WAL is synced;
 * the owner calls ledger_checkpoint when it suits, which copies the whole WAL
 * into the file and empties it (SQLite's TRUNCATE checkpoint); readers still
 * on the WAL leave it for the next one (not an error).
 */
void ledger_defer_checkpoints(struct ledger *l);
int ledger_checkpoint(struct ledger *l, struct err *e);

/* Bind s (kept by the caller until the step), or NULL when s is NULL. */
void ledger_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/*
 * Copy the ledger into dest, a new file (created 0600, never overwritten),
 * with SQLite's online backup: one consistent snapshot, the last commit,
 * even while another process holds a write transaction; then fsync dest
 * and its directory.  On failure dest is removed.  The copy is not checked
 * here: open it with ledger_open, ledger_check_integrity and history_verify.
 */
int ledger_backup(struct ledger *l, const char *dest, struct err *e);

/* Fill e from the database's last error; returns -1. */
int ledger_err(struct ledger *l, struct err *e, const char *what);

#endif
