/*
 * dispatch_history - notes and ticket histories in dispatches; see dispatch_history.h.
 */
#include "formats/dispatch_history.h"

#include <stdio.h>
#include <string.h>

#include "domain/records.h"

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return err_set(e, ERR_IO, "cannot read a ticket's history: %s", sqlite3_errmsg(db));
	return 0;
}

static int done(sqlite3 *db, int rc, struct err *e)
{
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_IO, "cannot read a ticket's history: %s", sqlite3_errmsg(db));
	return 0;
}

int dispatch_history_notes(sqlite3 *db, struct xmlout *w, const char *ticket_no,
			   int64_t reassign_seq, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	if (prepare(db,
		    "SELECT seq, record, json_extract(detail, '$.at'),"
		    " json_extract(detail, '$.note') FROM event WHERE ticket_no = ?1"
		    " AND seq <= ?2 AND record IN ('OjkNote', 'Reassign') ORDER BY seq",
		    &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, ticket_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, reassign_seq);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0)
			xmlout_start(w, "OjkNotes");
		xmlout_start(w, "OjkNote");
		xmlout_attr_int(w, "eventSeq", sqlite3_column_int64(st, 0));
		xmlout_attr(w, "record", col(st, 1));
		xmlout_element(w, "At", col(st, 2));
		xmlout_element(w, "Note", col(st, 3));
		xmlout_end(w);
	}
	if (n > 0)
		xmlout_end(w);
	sqlite3_finalize(st);
	return done(db, rc, e);
}

int dispatch_history_attachments(sqlite3_stmt *atts, struct xmlout *w, int64_t seq,
				 dispatch_history_attach_fn *attach, void *ctx, struct err *e)
{
	int rc;

	sqlite3_bind_int64(atts, 1, seq);
	while ((rc = sqlite3_step(atts)) == SQLITE_ROW) {
		const char *entry = attach(ctx, col(atts, 0), col(atts, 1));

		if (entry == NULL) {
			sqlite3_reset(atts);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		xmlout_start(w, "Attachment");
		xmlout_attr(w, "name", entry);
		xmlout_attr(w, "sha256", col(atts, 1));
		xmlout_attr_int(w, "size", sqlite3_column_int64(atts, 2));
		xmlout_attr(w, "mediaType", col(atts, 3));
		xmlout_end(w);
	}
	sqlite3_reset(atts);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_IO, "cannot read attachments: %s",
			       sqlite3_errmsg(sqlite3_db_handle(atts)));
	return 0;
}

/* The <Attachment> elements of event seq, each handed to attach. */
static int attachments(sqlite3 *db, struct xmlout *w, int64_t seq,
		       dispatch_history_attach_fn *attach, void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prepare(db, DISPATCH_HISTORY_ATTACHMENTS_SQL, &st, e) != 0)
		return -1;
	rc = dispatch_history_attachments(st, w, seq, attach, ctx, e);
	sqlite3_finalize(st);
	return rc;
}

/* the request, the assignment it falls in, and the ticket's NewTicket */
struct request {
	char ticket_no[32], pujk_code[16], at[64];
	int64_t assign_seq, created_seq;
	char assign_record[32], assign_id[72];
};

static int find_request(sqlite3 *db, int64_t request_seq, struct request *q, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(q, 0, sizeof(*q));
	/* the assignment: the ticket's NewTicket, or the latest Reassign to this PUJK */
	if (prepare(db,
		    "SELECT r.ticket_no, r.pujk_code, json_extract(r.detail, '$.at'),"
		    " a.seq, a.record, a.record_id, t.created_seq"
		    " FROM event r JOIN ticket t ON t.no = r.ticket_no"
		    " JOIN event a ON a.seq = (SELECT max(seq) FROM event x"
		    "  WHERE x.ticket_no = r.ticket_no AND x.seq <= r.seq"
		    "  AND (x.record = 'NewTicket' OR (x.record = 'Reassign'"
		    "  AND x.pujk_code = r.pujk_code)))"
		    " WHERE r.seq = ?",
		    &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, request_seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(q->ticket_no, sizeof(q->ticket_no), "%s", col(st, 0));
		snprintf(q->pujk_code, sizeof(q->pujk_code), "%s", col(st, 1));
		snprintf(q->at, sizeof(q->at), "%s", col(st, 2) ? col(st, 2) : "");
		q->assign_seq = sqlite3_column_int64(st, 3);
		snprintf(q->assign_record, sizeof(q->assign_record), "%s", col(st, 4));
		snprintf(q->assign_id, sizeof(q->assign_id), "%s", col(st, 5));
		q->created_seq = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return err_set(e, ERR_INTERNAL, "event %lld is no history request on a ticket",
			       (long long)request_seq);
	return rc == SQLITE_ROW ? 0 : done(db, rc, e);
}

/* <Complaint>: the NewTicket as this PUJK received it, with OJK's notes when reassigned */
static int complaint(sqlite3 *db, struct xmlout *w, const struct request *q,
		     dispatch_history_attach_fn *attach, void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prepare(db,
		    "SELECT json_extract(detail, '$.receivedAt'), json_extract(detail, '$.channel'),"
		    " json_extract(detail, '$.product'), json_extract(detail, '$.consumer.name'),"
		    " json_extract(detail, '$.consumer.nik'), json_extract(detail, '$.consumer.phone'),"
		    " json_extract(detail, '$.consumer.email'), json_extract(detail, '$.subject'),"
		    " json_extract(detail, '$.description'), json_extract(detail, '$.claimAmount'),"
		    " json_extract(detail, '$.currency') FROM event WHERE seq = ?",
		    &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, q->created_seq);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? err_set(e, ERR_INTERNAL, "ticket '%s' has no NewTicket",
						   q->ticket_no)
					 : done(db, rc, e);
	}
	xmlout_start(w, "Complaint");
	xmlout_attr(w, "id", q->assign_id);
	xmlout_attr_int(w, "eventSeq", q->assign_seq);
	xmlout_element(w, "TicketNo", q->ticket_no);
	xmlout_element(w, "PujkCode", q->pujk_code);
	xmlout_element(w, "ReceivedAt", col(st, 0));
	xmlout_element(w, "Channel", col(st, 1));
	xmlout_element(w, "Product", col(st, 2));
	xmlout_start(w, "Consumer");
	xmlout_element(w, "Name", col(st, 3));
	xmlout_element(w, "Nik", col(st, 4));
	xmlout_element(w, "Phone", col(st, 5));
	xmlout_element(w, "Email", col(st, 6));
	xmlout_end(w);
	xmlout_element(w, "Subject", col(st, 7));
	xmlout_element(w, "Description", col(st, 8));
	if (col(st, 9)) {
		xmlout_start(w, "ClaimAmount");
		xmlout_attr(w, "currency", col(st, 10) ? col(st, 10) : "IDR");
		xmlout_text(w, col(st, 9));
		xmlout_end(w);
	}
	sqlite3_finalize(st);
	if (attachments(db, w, q->created_seq, attach, ctx, e) != 0)
		return -1;
	if (strcmp(q->assign_record, "Reassign") == 0 &&
	    dispatch_history_notes(db, w, q->ticket_no, q->assign_seq, e) != 0)
		return -1;
	xmlout_end(w);
	return 0;
}

/* the event columns: the event, then its detail's fields */
enum {
	E_SEQ, E_RECORD, E_ID, E_STATUS, E_ACTOR, E_OFFICER, E_RECORDED, E_AT, E_OUTCOME,
	E_REASON, E_ACTION, E_RESOLUTION, E_AMOUNT, E_CURRENCY, E_NOTE,
};

/* The record element of one event, as the element of the file it came in. */
static int record(sqlite3 *db, struct xmlout *w, sqlite3_stmt *ev, const char *ticket_no,
		  dispatch_history_attach_fn *attach, void *ctx, struct err *e)
{
	const char *name = col(ev, E_RECORD);

	if (strcmp(name, "TakeOver") != 0 && strcmp(name, "FollowUp") != 0 &&
	    strcmp(name, "ResolutionProposal") != 0 && strcmp(name, "Misrouted") != 0 &&
	    strcmp(name, "HistoryRequest") != 0 && strcmp(name, "Decision") != 0 &&
	    strcmp(name, "Closure") != 0 && strcmp(name, "OjkNote") != 0)
		return err_set(e, ERR_INTERNAL, "event %lld (%s) has no place in the history of '%s'",
			       (long long)sqlite3_column_int64(ev, E_SEQ), name, ticket_no);
	xmlout_start(w, name);
	xmlout_attr(w, "id", col(ev, E_ID));
	xmlout_element(w, "TicketNo", ticket_no);
	/* each element's children in its schema's order; absent fields write nothing */
	xmlout_element(w, "Outcome", col(ev, E_OUTCOME));
	xmlout_element(w, "Reason", col(ev, E_REASON));
	xmlout_element(w, "At", col(ev, E_AT));
	xmlout_element(w, "Action", col(ev, E_ACTION));
	xmlout_element(w, "Resolution", col(ev, E_RESOLUTION));
	if (col(ev, E_AMOUNT)) {
		xmlout_start(w, "Amount");
		xmlout_attr(w, "currency", col(ev, E_CURRENCY) ? col(ev, E_CURRENCY) : "IDR");
		xmlout_text(w, col(ev, E_AMOUNT));
		xmlout_end(w);
	}
	xmlout_element(w, strcmp(name, "ResolutionProposal") == 0 ? "Summary" : "Note",
		       col(ev, E_NOTE));
	if (attachments(db, w, sqlite3_column_int64(ev, E_SEQ), attach, ctx, e) != 0)
		return -1;
	xmlout_end(w);
	return 0;
}

int dispatch_history_write(sqlite3 *db, struct xmlout *w, int64_t request_seq,
			   dispatch_history_attach_fn *attach, void *ctx, struct err *e)
{
	struct request q;
	sqlite3_stmt *ev = NULL;
	char when[32];
	int rc;

	if (find_request(db, request_seq, &q, e) != 0)
		return -1;
	xmlout_element(w, "RequestedAt", q.at);
	if (complaint(db, w, &q, attach, ctx, e) != 0 ||
	    prepare(db,
		    "SELECT e.seq, e.record, e.record_id, e.status_after, e.actor,"
		    " (SELECT o.name FROM officer o WHERE o.id = e.officer_id), e.recorded_at,"
		    " json_extract(e.detail, '$.at'), json_extract(e.detail, '$.outcome'),"
		    " json_extract(e.detail, '$.reason'), json_extract(e.detail, '$.action'),"
		    " json_extract(e.detail, '$.resolution'), json_extract(e.detail, '$.amount'),"
		    " json_extract(e.detail, '$.currency'), json_extract(e.detail, '$.note')"
		    " FROM event e WHERE e.ticket_no = ?1 AND e.seq > ?2 AND e.seq <= ?3"
		    " ORDER BY e.seq",
		    &ev, e) != 0)
		return -1;
	sqlite3_bind_text(ev, 1, q.ticket_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ev, 2, q.assign_seq);
	sqlite3_bind_int64(ev, 3, request_seq);
	while ((rc = sqlite3_step(ev)) == SQLITE_ROW) {
		int intake = strcmp(col(ev, E_ACTOR), "INTAKE") == 0;

		xmlout_start(w, "Event");
		xmlout_attr_int(w, "eventSeq", sqlite3_column_int64(ev, E_SEQ));
		xmlout_attr(w, "status", col(ev, E_STATUS));
		records_format_wib(sqlite3_column_int64(ev, E_RECORDED), when);
		xmlout_attr(w, "recordedAt", when);
		xmlout_attr(w, "actor", intake ? "INTAKE" : "PUJK");
		if (!intake) {
			xmlout_attr(w, "role", col(ev, E_ACTOR));
			xmlout_attr(w, "officer", col(ev, E_OFFICER));
		}
		if (record(db, w, ev, q.ticket_no, attach, ctx, e) != 0) {
			sqlite3_finalize(ev);
			return -1;
		}
		xmlout_end(w);
	}
	sqlite3_finalize(ev);
	return done(db, rc, e);
}
