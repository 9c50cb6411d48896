/*
 * audit - the ledger's tables against its events and row logs; see audit.h.
 *
 * The replay reads the events ordered by ticket, then seq (the event_ticket
 * index holds seq as its row id, so no sort), and the ticket rows by number
 * (the table's own order), and walks both at once like a merge: one
 * ticket's state is all it keeps.  It reads the columns it needs and no
 * JSON: a FollowUp's action and a Decision's outcome are found in the
 * detail as the apply stage wrote it (see record_of).
 */
#include "ledger/audit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/sla.h"
#include "domain/statemachine.h"
#include "util/digest.h"
#include "util/hex.h"

void audit_finding(struct auditor *a, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	a->c->findings++;
	a->found(a->ctx, text);
}

const char *audit_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

int audit_prepare(struct ledger *l, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, st, NULL) != SQLITE_OK)
		return ledger_err(l, e, "cannot read the ledger for the audit");
	return 0;
}

int audit_begin(struct ledger *l, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	/* BEGIN is deferred: the snapshot is taken by the first read, here */
	if (audit_prepare(l, "BEGIN", &st, e) < 0)
		return -1;
	if (sqlite3_step(st) != SQLITE_DONE) {
		ledger_err(l, e, "cannot begin the audit's read");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (audit_prepare(l, "SELECT count(*) FROM sqlite_master", &st, e) < 0)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		ledger_err(l, e, "cannot begin the audit's read");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc < 0)
		audit_end(l);
	return rc;
}

void audit_end(struct ledger *l)
{
	sqlite3_stmt *st = NULL;

	/* a read: nothing to keep or lose, whatever COMMIT answers */
	if (!sqlite3_get_autocommit(ledger_db(l)) &&
	    sqlite3_prepare_v2(ledger_db(l), "COMMIT", -1, &st, NULL) == SQLITE_OK)
		sqlite3_step(st);
	sqlite3_finalize(st);
}

/* ---- the tickets ---- */

/* One ticket as its events make it. */
struct replay {
	char no[64];
	int64_t events;
	int broken; /* no NewTicket first, or an unknown record: the rest is not replayed */
	enum ticket_kind kind;
	enum ticket_status status;
	char pujk[16];
	int64_t received_at, assigned_at, first_response_at, proposal_at, closed_at;
	int32_t due_day;
	int extended;
	int64_t created_seq, updated_seq;
	char *subject;                 /* the NewTicket's */
	int64_t row_created, row_updated; /* the row's, when there is one */
	int row_created_seen, row_updated_seen;
};

struct tickets_audit {
	struct auditor a;
	struct calendar *cal;
	const struct config *cfg;
	/* the last due day worked out, as apply.c keeps it */
	int32_t memo_start, memo_due;
	int memo_days;
};

enum ev_col { EV_SEQ, EV_NO, EV_PUJK, EV_PRIOR, EV_RECORD, EV_AT, EV_BEFORE, EV_AFTER, EV_DETAIL,
	      EV_SUBJECT };
enum tk_col { TK_NO, TK_KIND, TK_PUJK, TK_STATUS, TK_RECEIVED, TK_ASSIGNED, TK_DUE, TK_EXTENDED,
	      TK_FIRST, TK_PROPOSAL, TK_CLOSED, TK_CREATED, TK_UPDATED, TK_SUBJECT, TK_DAY };

static int32_t due_day(struct tickets_audit *t, enum ticket_kind kind, int64_t at)
{
	int days = kind == KIND_PGD ? t->cfg->sla.pengaduan_days : t->cfg->sla.indikasi_days;
	int32_t start = calendar_day_of(at);

	if (t->memo_days != days || t->memo_start != start) {
		t->memo_due = sla_due_day(t->cal, days, at);
		t->memo_start = start;
		t->memo_days = days;
	}
	return t->memo_due;
}

/*
 * The record type of an event.  The detail is the apply stage's canonical
 * JSON (apply.c detail_json): top-level keys in a fixed order, values as
 * JSON strings, in which a '"' is always escaped.  So the bytes
 * "action":"EXTENSION" can only be that key and value, never text inside a
 * note, and no key of a nested object (consumer, attachments) is called so.
 */
static enum record_type record_of(const char *name, const char *detail, int *extension)
{
	*extension = 0;
	if (strcmp(name, "Decision") == 0) {
		if (strstr(detail, "\"outcome\":\"ACCEPTED\""))
			return REC_DECISION_ACCEPTED;
		return strstr(detail, "\"outcome\":\"REJECTED\"") ? REC_DECISION_REJECTED : 0;
	}
	if (strcmp(name, "FollowUp") == 0)
		*extension = strstr(detail, "\"action\":\"EXTENSION\"") != NULL;
	for (int r = REC_NEW_TICKET; r < REC_COUNT; r++)
		if (r != REC_DECISION_ACCEPTED && r != REC_DECISION_REJECTED &&
		    strcmp(statemachine_record_name((enum record_type)r), name) == 0)
			return (enum record_type)r;
	return 0;
}

/* What the apply stage counts as the PUJK's response (apply.c is_pujk_record). */
static int is_pujk_record(enum record_type t)
{
	return t == REC_TAKE_OVER || t == REC_FOLLOW_UP || t == REC_RESOLUTION_PROPOSAL ||
	       t == REC_MISROUTED;
}

static void replay_new(struct tickets_audit *t, struct replay *r, sqlite3_stmt *ev)
{
	int64_t seq = sqlite3_column_int64(ev, EV_SEQ);
	const char *record = audit_text(ev, EV_RECORD);
	enum ticket_status to = ST_NONE;

	r->created_seq = seq;
	if (strcmp(record, "NewTicket") != 0) {
		audit_finding(&t->a, "ticket %s: its first event %" PRId64 " is a %s, not a NewTicket: "
			"events were removed", r->no, seq, record);
		r->broken = 1;
		return;
	}
	if (strncmp(r->no, "PGD-", 4) == 0)
		r->kind = KIND_PGD;
	else if (strncmp(r->no, "IND-", 4) == 0)
		r->kind = KIND_IND;
	else {
		audit_finding(&t->a, "ticket %s: the number names no kind (PGD- or IND-)", r->no);
		r->broken = 1;
		return;
	}
	statemachine_next(r->kind, ST_NONE, REC_NEW_TICKET, &to);
	r->status = to;
	r->subject = strdup(audit_text(ev, EV_SUBJECT));
	snprintf(r->pujk, sizeof(r->pujk), "%s", audit_text(ev, EV_PUJK));
	r->received_at = r->assigned_at = sqlite3_column_int64(ev, EV_AT);
	r->due_day = due_day(t, r->kind, r->received_at);
	if (strcmp(audit_text(ev, EV_AFTER), statemachine_status_name(to)) != 0)
		audit_finding(&t->a, "ticket %s: event %" PRId64 " (NewTicket) says status %s, the state "
			"machine says %s", r->no, seq, audit_text(ev, EV_AFTER),
			statemachine_status_name(to));
}

/* The checks apply.c made before it accepted the record, as far as the event shows them. */
static void replay_check(struct tickets_audit *t, struct replay *r, sqlite3_stmt *ev,
			 enum record_type type, int extension, int64_t at)
{
	int64_t seq = sqlite3_column_int64(ev, EV_SEQ);
	const char *pujk = audit_text(ev, EV_PUJK), *prior = audit_text(ev, EV_PRIOR);

	if (strcmp(audit_text(ev, EV_BEFORE), statemachine_status_name(r->status)) != 0)
		audit_finding(&t->a, "ticket %s: event %" PRId64 " (%s) says the status before was %s, "
			"the events before it say %s", r->no, seq, audit_text(ev, EV_RECORD),
			audit_text(ev, EV_BEFORE), statemachine_status_name(r->status));
	if (type == REC_REASSIGN && (strcmp(prior, r->pujk) != 0 || strcmp(pujk, r->pujk) == 0))
		audit_finding(&t->a, "ticket %s: event %" PRId64 " (Reassign) moves it from '%s' to '%s',"
			" the events before it say it was at '%s'", r->no, seq, prior, pujk, r->pujk);
	if (type != REC_REASSIGN && strcmp(pujk, r->pujk) != 0)
		audit_finding(&t->a, "ticket %s: event %" PRId64 " (%s) names PUJK '%s', the events "
			"before it say '%s'", r->no, seq, audit_text(ev, EV_RECORD), pujk, r->pujk);
	if (extension && r->extended)
		audit_finding(&t->a, "ticket %s: event %" PRId64 " is a second extension", r->no, seq);
	else if (extension && calendar_day_of(at) > r->due_day)
		audit_finding(&t->a, "ticket %s: event %" PRId64 " extends it after its due day", r->no,
			seq);
}

static void replay_event(struct tickets_audit *t, struct replay *r, sqlite3_stmt *ev)
{
	int64_t seq = sqlite3_column_int64(ev, EV_SEQ), at = sqlite3_column_int64(ev, EV_AT);
	const char *record = audit_text(ev, EV_RECORD), *after = audit_text(ev, EV_AFTER);
	enum ticket_status to = ST_NONE;
	enum record_type type;
	enum err_code verdict;
	int extension;

	r->row_created_seen |= seq == r->row_created;
	r->row_updated_seen |= seq == r->row_updated;
	if (r->events++ == 0) {
		r->updated_seq = seq;
		replay_new(t, r, ev);
		return;
	}
	if (r->broken)
		return;
	/* SPEC 1.1 §4: a HistoryRequest, from any status, changes neither the
	 * status nor the ticket's row (its updated_seq included) */
	if (strcmp(record, "HistoryRequest") == 0) {
		if (strcmp(audit_text(ev, EV_BEFORE), statemachine_status_name(r->status)) != 0 ||
		    strcmp(after, statemachine_status_name(r->status)) != 0)
			audit_finding(&t->a, "ticket %s: event %" PRId64 " (HistoryRequest) says status "
				"%s to %s, the events before it say %s", r->no, seq,
				audit_text(ev, EV_BEFORE), after, statemachine_status_name(r->status));
		return;
	}
	r->updated_seq = seq;
	type = record_of(record, audit_text(ev, EV_DETAIL), &extension);
	if (type == 0 || type == REC_NEW_TICKET) {
		audit_finding(&t->a, "ticket %s: event %" PRId64 " is a %s, which cannot follow its "
			"NewTicket", r->no, seq, record);
		r->broken = 1;
		return;
	}
	replay_check(t, r, ev, type, extension, at);
	verdict = statemachine_next(r->kind, r->status, type, &to);
	if (verdict != ERR_NONE) {
		audit_finding(&t->a, "ticket %s: event %" PRId64 " (%s) is not allowed on a %s ticket "
			"in status %s", r->no, seq, record, r->kind == KIND_PGD ? "PGD" : "IND",
			statemachine_status_name(r->status));
		to = statemachine_status_from_name(after); /* go on from the event's word */
	} else if (strcmp(after, statemachine_status_name(to)) != 0) {
		audit_finding(&t->a, "ticket %s: event %" PRId64 " (%s) says status %s, the state "
			"machine says %s", r->no, seq, record, after, statemachine_status_name(to));
	}
	/* what apply.c advance_ticket changes in the row */
	if (type == REC_REASSIGN) {
		snprintf(r->pujk, sizeof(r->pujk), "%s", audit_text(ev, EV_PUJK));
		r->assigned_at = at;
		r->due_day = due_day(t, r->kind, at);
		r->extended = 0;
		r->first_response_at = r->proposal_at = 0;
	}
	if (extension && !r->extended) {
		r->due_day = sla_extend(t->cal, r->due_day, t->cfg->sla.extension_days);
		r->extended = 1;
	}
	if (is_pujk_record(type) && r->first_response_at == 0)
		r->first_response_at = at;
	if (type == REC_RESOLUTION_PROPOSAL && r->proposal_at == 0)
		r->proposal_at = at;
	if ((to == ST_SELESAI || to == ST_DITUTUP) && r->closed_at == 0)
		r->closed_at = at;
	r->status = to;
}

/* A time as the auditor reads it: WIB, or "none". */
static void shown_time(int64_t t, char buf[40])
{
	time_t wib = (time_t)(t + 7 * 3600);
	struct tm tm;

	if (t == 0 || gmtime_r(&wib, &tm) == NULL)
		snprintf(buf, 40, t == 0 ? "none" : "%" PRId64, t);
	else
		strftime(buf, 40, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

enum shown { AS_INT, AS_TIME, AS_DAY };

static void compare_int(struct tickets_audit *t, const struct replay *r, sqlite3_stmt *tk,
			int col, int64_t want, enum shown how)
{
	int64_t got = sqlite3_column_int64(tk, col);
	char w[40], g[40];

	if (sqlite3_column_type(tk, col) == SQLITE_NULL)
		got = 0;
	if (got == want && (how == AS_TIME || sqlite3_column_type(tk, col) == SQLITE_INTEGER))
		return;
	if (how == AS_TIME) {
		shown_time(want, w);
		shown_time(got, g);
	} else if (how == AS_DAY) {
		calendar_format_day((int32_t)want, w);
		calendar_format_day((int32_t)got, g);
	} else {
		snprintf(w, sizeof(w), "%" PRId64, want);
		snprintf(g, sizeof(g), "%s", audit_text(tk, col));
	}
	audit_finding(&t->a, "ticket %s: %s: the events say %s, the table says %s", r->no,
		sqlite3_column_name(tk, col), w, g);
}

static void compare_text(struct tickets_audit *t, const struct replay *r, sqlite3_stmt *tk,
			 int col, const char *want)
{
	if (sqlite3_column_type(tk, col) != SQLITE_TEXT || strcmp(audit_text(tk, col), want) != 0)
		audit_finding(&t->a, "ticket %s: %s: the events say %s, the table says %s", r->no,
			sqlite3_column_name(tk, col), want,
			sqlite3_column_type(tk, col) == SQLITE_NULL ? "NULL" : audit_text(tk, col));
}

/*
 * Events removed from the chain's end leave no gap: the ticket row still
 * names them.  Then the columns kept for reading (migration 5): the subject
 * is the NewTicket's, received_day the WIB day of received_at.
 */
static void compare_ticket(struct tickets_audit *t, const struct replay *r, sqlite3_stmt *tk)
{
	int32_t day = calendar_day_of(sqlite3_column_int64(tk, TK_RECEIVED));

	if (!r->row_created_seen)
		audit_finding(&t->a, "ticket %s refers to event %" PRId64 ", which the chain does not "
			"hold for it: events were removed", r->no, r->row_created);
	if (!r->row_updated_seen && r->row_updated != r->row_created)
		audit_finding(&t->a, "ticket %s refers to event %" PRId64 ", which the chain does not "
			"hold for it: events were removed", r->no, r->row_updated);
	if (sqlite3_column_int64(tk, TK_DAY) != day) {
		char want[11], got[11];

		calendar_format_day(day, want);
		calendar_format_day((int32_t)sqlite3_column_int64(tk, TK_DAY), got);
		audit_finding(&t->a, "ticket %s: received_day: its received_at says %s, the table says %s",
			r->no, want, got);
	}
	if (r->broken)
		return;
	if (r->subject != NULL && strcmp(r->subject, audit_text(tk, TK_SUBJECT)) != 0)
		audit_finding(&t->a, "ticket %s: subject: the NewTicket says '%.200s', the table says "
			"'%.200s'", r->no, r->subject, audit_text(tk, TK_SUBJECT));
	compare_text(t, r, tk, TK_KIND, r->kind == KIND_PGD ? "PGD" : "IND");
	compare_text(t, r, tk, TK_PUJK, r->pujk);
	compare_text(t, r, tk, TK_STATUS, statemachine_status_name(r->status));
	compare_int(t, r, tk, TK_RECEIVED, r->received_at, AS_TIME);
	compare_int(t, r, tk, TK_ASSIGNED, r->assigned_at, AS_TIME);
	compare_int(t, r, tk, TK_DUE, r->due_day, AS_DAY);
	compare_int(t, r, tk, TK_EXTENDED, r->extended, AS_INT);
	compare_int(t, r, tk, TK_FIRST, r->first_response_at, AS_TIME);
	compare_int(t, r, tk, TK_PROPOSAL, r->proposal_at, AS_TIME);
	compare_int(t, r, tk, TK_CLOSED, r->closed_at, AS_TIME);
	compare_int(t, r, tk, TK_CREATED, r->created_seq, AS_INT);
	compare_int(t, r, tk, TK_UPDATED, r->updated_seq, AS_INT);
}

/* The merge of the events (by ticket, seq) and the ticket rows (by number). */
static int merge(struct tickets_audit *t, sqlite3_stmt *ev, sqlite3_stmt *tk)
{
	int ev_rc = sqlite3_step(ev), tk_rc = sqlite3_step(tk);
	struct replay r;

	while (ev_rc == SQLITE_ROW || tk_rc == SQLITE_ROW) {
		const char *eno = ev_rc == SQLITE_ROW ? audit_text(ev, EV_NO) : NULL;
		const char *tno = tk_rc == SQLITE_ROW ? audit_text(tk, TK_NO) : NULL;
		int cmp = eno == NULL ? 1 : tno == NULL ? -1 : strcmp(eno, tno);

		t->a.c->tickets++;
		if (cmp > 0) {
			audit_finding(&t->a, "ticket %s: a row in the ticket table, but no event", tno);
			tk_rc = sqlite3_step(tk);
			continue;
		}
		memset(&r, 0, sizeof(r));
		snprintf(r.no, sizeof(r.no), "%s", eno);
		r.row_created = r.row_updated = -1;
		if (cmp == 0) {
			r.row_created = sqlite3_column_int64(tk, TK_CREATED);
			r.row_updated = sqlite3_column_int64(tk, TK_UPDATED);
		}
		do {
			replay_event(t, &r, ev);
			t->a.c->events++;
			ev_rc = sqlite3_step(ev);
		} while (ev_rc == SQLITE_ROW && strcmp(audit_text(ev, EV_NO), r.no) == 0);
		if (cmp < 0) {
			audit_finding(&t->a, "ticket %s: %" PRId64 " event%s from event %" PRId64
				", but no row in the ticket table", r.no, r.events,
				r.events == 1 ? "" : "s", r.created_seq);
			free(r.subject);
			continue;
		}
		compare_ticket(t, &r, tk);
		free(r.subject);
		tk_rc = sqlite3_step(tk);
	}
	return ev_rc == SQLITE_DONE && tk_rc == SQLITE_DONE ? 0 : -1;
}

int audit_tickets(struct ledger *l, struct calendar *cal, const struct config *cfg,
		  audit_found_fn *found, void *ctx, struct audit_counts *c, struct err *e)
{
	struct tickets_audit t = { .a = { found, ctx, c }, .cal = cal, .cfg = cfg };
	sqlite3_stmt *ev = NULL, *tk = NULL;
	int rc = -1;

	/* the detail only where the record's kind depends on it */
	if (audit_prepare(l, "SELECT seq, ticket_no, pujk_code, prior_pujk, record, happened_at,"
		       " status_before, status_after,"
		       " CASE WHEN record IN ('FollowUp', 'Decision') THEN detail END,"
		       " CASE WHEN record = 'NewTicket' THEN"
		       "  coalesce(json_extract(detail, '$.subject'), '') END"
		       " FROM event ORDER BY ticket_no, seq", &ev, e) < 0 ||
	    audit_prepare(l, "SELECT no, kind, pujk_code, status, received_at, assigned_at, due_day,"
		       " extended, first_response_at, proposal_at, closed_at, created_seq,"
		       " updated_seq, subject, received_day FROM ticket ORDER BY no", &tk, e) < 0)
		goto out;
	if (merge(&t, ev, tk) < 0) {
		ledger_err(l, e, "cannot read the events and tickets");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(tk);
	sqlite3_finalize(ev);
	return rc;
}

/* ---- the registry and the files ---- */

/*
 * One table against its log.  The statement gives, for each row: its key,
 * a label, whether the log has it (0/1), whether it was logged as found by
 * the migration, then n columns as the table holds them and the same n
 * columns as the log says they must be.
 */
struct rows_check {
	const char *what;  /* "officer" */
	const char *sql;
	int n;
};

static const struct rows_check rows_checks[] = {
	{ "PUJK",
	  "SELECT x.code, x.name, f.log_seq IS NOT NULL, f.log_op = 'M',"
	  " x.name, x.sector, x.created_at, f.name, f.sector, f.created_at"
	  " FROM pujk x LEFT JOIN pujk_log f ON f.log_seq ="
	  "  (SELECT min(log_seq) FROM pujk_log WHERE code = x.code) ORDER BY x.code", 3 },
	{ "officer",
	  "SELECT x.id, x.pujk_code || ' ' || x.role, f.log_seq IS NOT NULL, f.log_op = 'M',"
	  " x.pujk_code, x.role, x.name, x.cert_der, x.cert_sha256, x.subject, x.serial,"
	  " x.not_before, x.not_after, x.active_from, x.active_to,"
	  " f.pujk_code, f.role, f.name, f.cert_der, f.cert_sha256, f.subject, f.serial,"
	  " f.not_before, f.not_after, f.active_from,"
	  " (SELECT active_to FROM officer_log WHERE id = x.id AND active_to IS NOT NULL"
	  "  ORDER BY log_seq LIMIT 1)"
	  " FROM officer x LEFT JOIN officer_log f ON f.log_seq ="
	  "  (SELECT min(log_seq) FROM officer_log WHERE id = x.id) ORDER BY x.id", 11 },
	/* what the fetch wrote; its removal; the outcome as first processed */
	{ "file",
	  "SELECT x.id, x.name, f.log_seq IS NOT NULL, f.log_op = 'M',"
	  " x.name, x.kind, x.sender, x.remote_dir, x.sha256, x.size, x.sig_sha256,"
	  " x.fetched_at, x.remote_removed_at, x.state, x.processed_at, x.status,"
	  " x.error_code, x.batch_id, x.signer_subject, x.signer_serial, x.officer_id,"
	  " x.officer_role, x.signing_time, x.received, x.accepted, x.rejected, x.duplicate,"
	  " x.ack_name, x.archive_dir,"
	  " f.name, f.kind, f.sender, f.remote_dir, f.sha256, f.size, f.sig_sha256,"
	  " f.fetched_at,"
	  " (SELECT remote_removed_at FROM file_log WHERE id = x.id"
	  "  AND remote_removed_at IS NOT NULL ORDER BY log_seq LIMIT 1),"
	  " p.state, p.processed_at, p.status, p.error_code, p.batch_id, p.signer_subject,"
	  " p.signer_serial, p.officer_id, p.officer_role, p.signing_time, p.received,"
	  " p.accepted, p.rejected, p.duplicate, p.ack_name, p.archive_dir"
	  " FROM file x LEFT JOIN file_log f ON f.log_seq ="
	  "  (SELECT min(log_seq) FROM file_log WHERE id = x.id)"
	  " LEFT JOIN file_log p ON p.log_seq = coalesce((SELECT min(log_seq) FROM file_log"
	  "  WHERE id = x.id AND state = 'PROCESSED'), f.log_seq)"
	  " ORDER BY x.id", 25 },
};

static int same_value(sqlite3_stmt *st, int a, int b)
{
	int type = sqlite3_column_type(st, a);

	if (type != sqlite3_column_type(st, b))
		return 0;
	switch (type) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_INTEGER:
		return sqlite3_column_int64(st, a) == sqlite3_column_int64(st, b);
	case SQLITE_FLOAT:
		return sqlite3_column_double(st, a) == sqlite3_column_double(st, b);
	default: {
		const void *pa = type == SQLITE_BLOB ? sqlite3_column_blob(st, a)
						     : (const void *)sqlite3_column_text(st, a);
		const void *pb = type == SQLITE_BLOB ? sqlite3_column_blob(st, b)
						     : (const void *)sqlite3_column_text(st, b);
		int na = sqlite3_column_bytes(st, a), nb = sqlite3_column_bytes(st, b);

		return na == nb && (na == 0 || memcmp(pa, pb, (size_t)na) == 0);
	}
	}
}

/* A value for a message: text cut short, a blob by its size and SHA-256. */
static void shown_value(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	unsigned char d[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1];

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		snprintf(buf, size, "NULL");
		break;
	case SQLITE_BLOB:
		if (digest_buf(sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col),
			       d, NULL) < 0) {
			snprintf(buf, size, "%d bytes", sqlite3_column_bytes(st, col));
			break;
		}
		hex_encode(d, DIGEST_LEN, hex);
		snprintf(buf, size, "%d bytes with sha256 %s", sqlite3_column_bytes(st, col), hex);
		break;
	case SQLITE_INTEGER:
		snprintf(buf, size, "%lld", (long long)sqlite3_column_int64(st, col));
		break;
	default:
		snprintf(buf, size, "'%.200s'", audit_text(st, col));
	}
}

static int check_one_table(struct ledger *l, struct auditor *a, const struct rows_check *rc,
			   int64_t *rows, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int step, result = -1;

	if (audit_prepare(l, rc->sql, &st, e) < 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = audit_text(st, 0);
		char label[300], want[200], got[200];

		(*rows)++;
		snprintf(label, sizeof(label), "%s %s (%s)", rc->what, key, audit_text(st, 1));
		if (strcmp(rc->what, "PUJK") == 0)
			snprintf(label, sizeof(label), "PUJK %s", key);
		if (!sqlite3_column_int(st, 2)) {
			audit_finding(a, "%s: not in its log (%s_log): written with the triggers dropped",
				label, strcmp(rc->what, "PUJK") == 0 ? "pujk" : rc->what);
			continue;
		}
		if (sqlite3_column_int(st, 3))
			a->c->as_found++;
		for (int i = 0; i < rc->n; i++) {
			if (same_value(st, 4 + i, 4 + rc->n + i))
				continue;
			shown_value(st, 4 + rc->n + i, want, sizeof(want));
			shown_value(st, 4 + i, got, sizeof(got));
			audit_finding(a, "%s: %s: recorded %s, the table says %s", label,
				sqlite3_column_name(st, 4 + i) + 0, want, got);
		}
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the ledger for the audit");
		goto out;
	}
	result = 0;
out:
	sqlite3_finalize(st);
	return result;
}

/* An officer's certificate must hash to its cert_sha256, the registry's key for it. */
static int check_certificates(struct ledger *l, struct auditor *a, struct err *e)
{
	sqlite3_stmt *st = NULL;
	unsigned char d[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1];
	int step, result = -1;

	if (audit_prepare(l, "SELECT id, pujk_code || ' ' || role, cert_der, cert_sha256 FROM officer"
		       " ORDER BY id", &st, e) < 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (digest_buf(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), d,
			       e) < 0)
			goto out;
		hex_encode(d, DIGEST_LEN, hex);
		if (strcmp(hex, audit_text(st, 3)) != 0)
			audit_finding(a, "officer %s (%s): cert_sha256 is '%s', but its certificate "
				"(cert_der) hashes to %s", audit_text(st, 0), audit_text(st, 1),
				audit_text(st, 3), hex);
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the officers");
		goto out;
	}
	result = 0;
out:
	sqlite3_finalize(st);
	return result;
}

/*
 * What the rows say of each other: kind 1, a row a log knows that the
 * table lost; 5, a trigger that keeps the logs or the chain missing.  What
 * the events say of the rows (their files and officers, a file's accepted
 * count) is checked on the walk along the chain (audit_events).
 */
static const char *const links_sql =
	"SELECT 1, 'officer ' || id FROM (SELECT DISTINCT id FROM officer_log"
	"  WHERE id NOT IN (SELECT id FROM officer))"
	" UNION ALL SELECT 1, 'file ' || id FROM (SELECT DISTINCT id FROM file_log"
	"  WHERE id NOT IN (SELECT id FROM file))"
	" UNION ALL SELECT 1, 'PUJK ' || code FROM (SELECT DISTINCT code FROM pujk_log"
	"  WHERE code NOT IN (SELECT code FROM pujk))"
	" UNION ALL SELECT 5, t.name FROM (SELECT 'event_append_only_update' AS name"
	"  UNION ALL SELECT 'event_append_only_delete'"
	"  UNION ALL SELECT 'pujk_log_insert' UNION ALL SELECT 'pujk_log_update'"
	"  UNION ALL SELECT 'pujk_log_delete' UNION ALL SELECT 'pujk_log_append_only_update'"
	"  UNION ALL SELECT 'pujk_log_append_only_delete'"
	"  UNION ALL SELECT 'officer_log_insert' UNION ALL SELECT 'officer_log_update'"
	"  UNION ALL SELECT 'officer_log_delete' UNION ALL SELECT 'officer_log_append_only_update'"
	"  UNION ALL SELECT 'officer_log_append_only_delete'"
	"  UNION ALL SELECT 'file_log_insert' UNION ALL SELECT 'file_log_update'"
	"  UNION ALL SELECT 'file_log_delete' UNION ALL SELECT 'file_log_append_only_update'"
	"  UNION ALL SELECT 'file_log_append_only_delete') t"
	"  WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'trigger'"
	"  AND m.name = t.name)";

static int check_links(struct ledger *l, struct auditor *a, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int step, result = -1;

	if (audit_prepare(l, links_sql, &st, e) < 0)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *what = audit_text(st, 1);

		if (sqlite3_column_int(st, 0) == 1)
			audit_finding(a, "%s: in its log, but no longer in the table: removed", what);
		else
			audit_finding(a, "trigger '%s' is missing: the ledger was changed outside slktx",
				what);
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the ledger for the audit");
		goto out;
	}
	result = 0;
out:
	sqlite3_finalize(st);
	return result;
}

int audit_rows(struct ledger *l, audit_found_fn *found, void *ctx, struct audit_counts *c,
	       struct err *e)
{
	struct auditor a = { found, ctx, c };

	if (check_one_table(l, &a, &rows_checks[0], &c->pujk, e) < 0 ||
	    check_one_table(l, &a, &rows_checks[1], &c->officers, e) < 0 ||
	    check_one_table(l, &a, &rows_checks[2], &c->files, e) < 0 ||
	    check_certificates(l, &a, e) < 0 || check_links(l, &a, e) < 0)
		return -1;
	return 0;
}

/* ---- the files against their signed acknowledgements ---- */

/* The header of an acknowledgement is in its first bytes (ack.c writes it first). */
#define ACK_HEAD 65536

/* XML's five entities undone (xmlout escapes no others in attributes). */
static void unescape(const char *v, size_t n, char *out, size_t size)
{
	static const struct { const char *ent; char ch; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size;) {
		size_t k;

		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
			size_t len = strlen(ents[k].ent);

			if (v[i] == '&' && i + len <= n && memcmp(v + i, ents[k].ent, len) == 0) {
				out[o++] = ents[k].ch;
				i += len;
				break;
			}
		}
		if (k == sizeof(ents) / sizeof(ents[0]))
			out[o++] = v[i++];
	}
	out[o] = '\0';
}

/* attr of the first <elem ...> in head, or "" */
static void ack_attr(const char *head, const char *elem, const char *attr, char *out,
		     size_t size)
{
	char open[32], key[32];
	const char *p, *end, *v, *q;

	out[0] = '\0';
	snprintf(open, sizeof(open), "<%s ", elem);
	snprintf(key, sizeof(key), " %s=\"", attr);
	p = strstr(head, open);
	end = p ? strchr(p, '>') : NULL;
	v = end ? strstr(p, key) : NULL;
	if (v == NULL || v > end)
		return;
	v += strlen(key);
	q = memchr(v, '"', (size_t)(end - v));
	if (q != NULL)
		unescape(v, (size_t)(q - v), out, size);
}

/* the text of the first <elem>...</elem> in head, or "" */
static void ack_text(const char *head, const char *elem, char *out, size_t size)
{
	char open[32], close[32];
	const char *p, *q;

	out[0] = '\0';
	snprintf(open, sizeof(open), "<%s>", elem);
	snprintf(close, sizeof(close), "</%s>", elem);
	p = strstr(head, open);
	q = p ? strstr(p, close) : NULL;
	if (q != NULL)
		unescape(p + strlen(open), (size_t)(q - p - strlen(open)), out, size);
}

/* a serial as ack.c writes it: its hex digits, upper case */
static void serial_norm(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		if (isxdigit((unsigned char)*in))
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

/* Read the head of the acknowledgement: 1 read, 0 gone, -1 with e. */
static int ack_head(const char *path, char *buf, size_t size, struct err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t got = 0;
	char *end;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_sys(e, ERR_IO, "cannot read '%s'", path);
	}
	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	end = strstr(buf, "</Header>");
	if (end != NULL)
		*end = '\0';
	return 1;
}

enum { F_ID, F_NAME, F_SHA, F_SIZE, F_STATUS, F_RECEIVED, F_ACCEPTED, F_REJECTED, F_DUPLICATE,
       F_ACK, F_DIR, F_SUBJECT, F_SERIAL, F_OFFICER, F_O_SUBJECT, F_O_SERIAL };

static void ack_differs(struct auditor *a, sqlite3_stmt *st, const char *field,
			const char *ack, const char *row)
{
	if (strcmp(ack, row) != 0)
		audit_finding(a, "file %s (%s): %s: its acknowledgement says '%.200s', the table says "
			"'%.200s'", audit_text(st, F_ID), audit_text(st, F_NAME), field, ack, row);
}

/* The header of one acknowledgement against its file row and the row's officer. */
static void ack_compare(struct auditor *a, sqlite3_stmt *st, const char *head)
{
	static const struct { int col; const char *elem, *attr, *field; } fields[] = {
		{ F_NAME, "OriginalFile", "name", "name" },
		{ F_SIZE, "OriginalFile", "size", "size" },
		{ F_SHA, "OriginalFile", "sha256", "sha256" },
		{ F_RECEIVED, "Counts", "received", "received" },
		{ F_ACCEPTED, "Counts", "accepted", "accepted" },
		{ F_REJECTED, "Counts", "rejected", "rejected" },
		{ F_DUPLICATE, "Counts", "duplicate", "duplicate" },
		{ F_SUBJECT, "Signer", "subject", "signer_subject" },
	};
	char v[600], id[300], sa[128], sb[128];

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		ack_attr(head, fields[i].elem, fields[i].attr, v, sizeof(v));
		ack_differs(a, st, fields[i].field, v, audit_text(st, fields[i].col));
	}
	ack_text(head, "FileStatus", v, sizeof(v));
	ack_differs(a, st, "status", v, audit_text(st, F_STATUS));
	ack_text(head, "AckId", id, sizeof(id));
	snprintf(v, sizeof(v), "%s.xml", id);
	ack_differs(a, st, "ack_name", v, audit_text(st, F_ACK));
	ack_attr(head, "Signer", "serial", v, sizeof(v));
	serial_norm(v, sa, sizeof(sa));
	serial_norm(audit_text(st, F_SERIAL), sb, sizeof(sb));
	ack_differs(a, st, "signer_serial", sa, sb);
	if (sqlite3_column_type(st, F_OFFICER) == SQLITE_NULL)
		return;
	/* the officer who signed: the certificate the hub saw then */
	ack_attr(head, "Signer", "subject", v, sizeof(v));
	serial_norm(audit_text(st, F_O_SERIAL), sb, sizeof(sb));
	if (strcmp(v, audit_text(st, F_O_SUBJECT)) != 0 || strcmp(sa, sb) != 0)
		audit_finding(a, "officer %s: signed file %s (%s) as '%.200s' serial %s, the officer "
			"table says '%.200s' serial %s", audit_text(st, F_OFFICER),
			audit_text(st, F_ID), audit_text(st, F_NAME), v, sa, audit_text(st, F_O_SUBJECT),
			sb);
}

/* One processed file: its acknowledgement found, the hub's, and saying what the row says. */
static int ack_check(struct auditor *a, sqlite3_stmt *st, const char *spool_dir,
		     struct sig_trust *t, const struct sig_cert *hub, int64_t now, char *head,
		     struct err *e)
{
	char path[PATH_MAX], p7s[PATH_MAX + 8];
	struct sig_signer signer;
	struct err se;
	int got;

	if (snprintf(path, sizeof(path), "%s/%s/%s", spool_dir, audit_text(st, F_DIR),
		     audit_text(st, F_ACK)) >= (int)sizeof(path))
		return err_set(e, ERR_IO, "path too long for file %s", audit_text(st, F_ID));
	snprintf(p7s, sizeof(p7s), "%s.p7s", path);
	got = ack_head(path, head, ACK_HEAD, e);
	if (got <= 0) {
		a->c->acks_gone += got == 0;
		return got;
	}
	if (t == NULL)
		return err_set(e, ERR_CONFIG, "the acknowledgements cannot be checked without the "
			       "hub's certificate and trust anchors");
	err_clear(&se);
	if (sig_verify_file(t, path, p7s, hub, 1, (time_t)now, &signer, &se) < 0) {
		audit_finding(a, "file %s (%s): its acknowledgement '%s' is not the hub's: %s",
			audit_text(st, F_ID), audit_text(st, F_NAME), path, se.msg);
		return 0;
	}
	a->c->acks++;
	ack_compare(a, st, head);
	return 0;
}

int audit_acks(struct ledger *l, const char *spool_dir, struct sig_trust *t,
	       const struct sig_cert *hub, int64_t now, audit_found_fn *found, void *ctx,
	       struct audit_counts *c, struct err *e)
{
	struct auditor a = { found, ctx, c };
	sqlite3_stmt *st = NULL;
	char *head = malloc(ACK_HEAD);
	int step, result = -1;

	if (head == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (audit_prepare(l, "SELECT f.id, f.name, f.sha256, f.size, f.status, f.received, f.accepted,"
		       " f.rejected, f.duplicate, f.ack_name, f.archive_dir,"
		       " coalesce(f.signer_subject, ''), coalesce(f.signer_serial, ''),"
		       " f.officer_id, o.subject, o.serial"
		       " FROM file f LEFT JOIN officer o ON o.id = f.officer_id"
		       " WHERE f.state = 'PROCESSED' AND f.ack_name IS NOT NULL"
		       " AND f.archive_dir IS NOT NULL ORDER BY f.id", &st, e) < 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (ack_check(&a, st, spool_dir, t, hub, now, head, e) < 0)
			goto out;
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the files");
		goto out;
	}
	result = 0;
out:
	sqlite3_finalize(st);
	free(head);
	return result;
}
