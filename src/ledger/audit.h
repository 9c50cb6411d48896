/*
 * audit - what `audit verify` checks beyond the hash chain (history_verify,
 * walked by audit_chain): that the ledger's tables say what its events and
 * row logs say.
 *
 * audit_tickets replays the events ticket by ticket, in seq order, through
 * the state machine (statemachine_next) and the deadline arithmetic
 * (sla_due_day, sla_extend, with the configured calendar and SLA days) and
 * compares the result with each ticket row, field by field; a row without
 * events and events without a row are findings too, and so are a subject or
 * received_day (the columns kept for reading) that its events do not say.  It streams: one
 * ticket's state in memory, whatever the ledger's size.
 *
 * audit_rows compares the registry (pujk, officer) and the journal's file
 * rows with their logs (pujk_log, officer_log, file_log: one row per
 * insert, update and delete, written by triggers, see ledger.c migration
 * 4): what was recorded first may never change, what the exchange sets
 * later (an officer's end of term, a file's outcome, its removal from the
 * server) is taken from the first log row that set it.  It also checks each
 * officer's certificate against its cert_sha256, and that the triggers are
 * all there.
 *
 * Each discrepancy is handed to found(ctx, text) as one line naming what
 * differs ("ticket PGD-2026-000001: status: the events say BARU, the table
 * says SELESAI"); the functions return 0 when they could look at everything
 * (whether or not they found something), -1 with e (ERR_IO from the ledger,
 * ERR_INTERNAL) when they could not.  Nothing here writes.
 */
#ifndef SLKTX_AUDIT_H
#define SLKTX_AUDIT_H

#include <stdint.h>

#include "domain/calendar.h"
#include "util/config.h"
#include "util/err.h"
#include "ledger/ledger.h"
#include "trust/sig.h"

typedef void audit_found_fn(void *ctx, const char *text);

struct audit_counts {
	int64_t events;     /* replayed */
	int64_t tickets;    /* ticket rows and tickets with events, each once */
	int64_t officers, files, pujk;
	int64_t as_found;   /* rows logged as found by migration 6, not as written */
	int64_t acks, acks_gone; /* acknowledgements compared; no longer in the spool */
	long findings;
};

/* Where a check says what it found: each finding is counted in c->findings
 * and handed to found(ctx, text). */
struct auditor {
	audit_found_fn *found;
	void *ctx;
	struct audit_counts *c;
};

void audit_finding(struct auditor *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Column i as text, "" for NULL. */
const char *audit_text(sqlite3_stmt *st, int i);
/* sql prepared on the ledger's connection; ERR_IO naming the audit otherwise. */
int audit_prepare(struct ledger *l, const char *sql, sqlite3_stmt **st, struct err *e);

/*
 * One read transaction around the whole audit: every check sees the same
 * commit, also while a run writes (WAL).  audit_end ends it.
 */
int audit_begin(struct ledger *l, struct err *e);
void audit_end(struct ledger *l);

int audit_tickets(struct ledger *l, struct calendar *cal, const struct config *cfg,
		  audit_found_fn *found, void *ctx, struct audit_counts *c, struct err *e);

int audit_rows(struct ledger *l, audit_found_fn *found, void *ctx, struct audit_counts *c,
	       struct err *e);

/*
 * The file rows against the hub's signed acknowledgements in the spool's
 * archive (file.archive_dir under spool_dir, file.ack_name): the
 * acknowledgement's signature must be the hub's (t, hub, at now), and its
 * header must say what the row says: OriginalFile name, size and sha256,
 * FileStatus, Counts, AckId, and the Signer's subject and serial (also the
 * officer row's).  An acknowledgement no longer there (retention) is counted
 * in acks_gone, not a finding.  t NULL (no trust could be loaded) is
 * ERR_CONFIG at the first acknowledgement found.
 */
int audit_acks(struct ledger *l, const char *spool_dir, struct sig_trust *t,
	       const struct sig_cert *hub, int64_t now, audit_found_fn *found, void *ctx,
	       struct audit_counts *c, struct err *e);

#endif
