/*
 * dispatch - writing dispatches from the ledger; see dispatch.h.
 */
#include "formats/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "domain/records.h"
#include "formats/dispatch_history.h"
#include "xml/xmlout.h"
#include "domain/sla.h"

static const char events_for[] =
	" FROM event e JOIN ticket t ON t.no = e.ticket_no"
	" JOIN event n ON n.seq = t.created_seq"
	" WHERE e.seq > ?1 AND e.seq <= ?2 AND ((e.actor = 'INTAKE'"
	" AND (e.pujk_code = ?3 OR e.prior_pujk = ?3))"
	/* SPEC 1.1: its HistoryRequests, each answered by a TicketHistory item */
	" OR (e.record = 'HistoryRequest' AND e.pujk_code = ?3))";

/* the intake's: every event an officer of a PUJK brought, whatever its record */
static const char events_for_intake[] =
	" FROM event e JOIN ticket t ON t.no = e.ticket_no"
	" LEFT JOIN officer o ON o.id = e.officer_id"
	" WHERE e.seq > ?1 AND e.seq <= ?2 AND e.actor <> 'INTAKE'";

static const char *events_of(const struct dispatch_plan *p)
{
	return p->intake ? events_for_intake : events_for;
}

static int bind_plan(sqlite3_stmt *st, const struct dispatch_plan *p)
{
	sqlite3_bind_int64(st, 1, p->after_seq);
	sqlite3_bind_int64(st, 2, p->upto_seq);
	if (!p->intake)
		sqlite3_bind_text(st, 3, p->pujk_code, -1, SQLITE_STATIC);
	return 0;
}

int dispatch_count(struct ledger *l, struct dispatch_plan *p, struct err *e)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*)%s", events_of(p));
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_err(l, e, "cannot count a dispatch");
	bind_plan(st, p);
	rc = sqlite3_step(st);
	p->items = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ledger_err(l, e, "cannot count a dispatch");
	return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* the item columns: the event's own fields, then its ticket's NewTicket fields */
enum {
	C_SEQ, C_TICKET, C_RECORD, C_RECORD_ID, C_STATUS, C_PUJK, C_DUE, C_CREATED, C_KIND,
	C_AT, C_OUTCOME, C_NOTE, C_REASON, C_TO_PUJK,
	C_RECEIVED, C_CHANNEL, C_PRODUCT, C_NAME, C_NIK, C_PHONE, C_EMAIL, C_SUBJECT,
	C_DESCRIPTION, C_CLAIM, C_CURRENCY,
};

static const char item_columns[] =
	"SELECT e.seq, e.ticket_no, e.record, e.record_id, e.status_after, e.pujk_code,"
	" t.due_day, t.created_seq, t.kind,"
	" json_extract(e.detail, '$.at'), json_extract(e.detail, '$.outcome'),"
	" json_extract(e.detail, '$.note'), json_extract(e.detail, '$.reason'),"
	" json_extract(e.detail, '$.pujkCode'),"
	" json_extract(n.detail, '$.receivedAt'), json_extract(n.detail, '$.channel'),"
	" json_extract(n.detail, '$.product'), json_extract(n.detail, '$.consumer.name'),"
	" json_extract(n.detail, '$.consumer.nik'), json_extract(n.detail, '$.consumer.phone'),"
	" json_extract(n.detail, '$.consumer.email'), json_extract(n.detail, '$.subject'),"
	" json_extract(n.detail, '$.description'), json_extract(n.detail, '$.claimAmount'),"
	" json_extract(n.detail, '$.currency')";

/*
 * The entry of an attachment in the dispatch's package, and so the name its
 * element carries: its own name, or, when another content already has that
 * name in this dispatch (two letters "surat.pdf" in one ticket history), the
 * name after the first 8, then 16, then 64 hex digits of its SHA-256, since a
 * package's entries are unique (SPEC §2).  NULL when out of memory.
 */
static const char *add_attachment(struct dispatch_plan *p, const char *name, const char *sha256)
{
	static const int prefix[] = { 0, 8, 16, 64 };
	struct dispatch_attachment *v;
	char entry[sizeof(v->name)];

	for (size_t k = 0; k < sizeof(prefix) / sizeof(prefix[0]); k++) {
		size_t len = strlen(name), keep = sizeof(entry) - 1 - (size_t)prefix[k] - 1;
		int taken = 0;

		if (prefix[k] == 0)
			snprintf(entry, sizeof(entry), "%s", name);
		else /* the name's end: it keeps its extension */
			snprintf(entry, sizeof(entry), "%.*s-%s", prefix[k], sha256,
				 len > keep ? name + len - keep : name);
		for (size_t i = 0; i < p->n_attachments && !taken; i++) {
			if (strcmp(p->attachments[i].name, entry) != 0)
				continue;
			if (strcmp(p->attachments[i].sha256, sha256) == 0)
				return p->attachments[i].name;
			taken = 1;
		}
		if (taken)
			continue;
		v = realloc(p->attachments, (p->n_attachments + 1) * sizeof(*v));
		if (v == NULL)
			return NULL;
		p->attachments = v;
		snprintf(v[p->n_attachments].name, sizeof(v->name), "%s", entry);
		snprintf(v[p->n_attachments].sha256, sizeof(v->sha256), "%s", sha256);
		return v[p->n_attachments++].name;
	}
	return NULL; /* a full SHA-256 taken by another content cannot be */
}

static const char *attach(void *ctx, const char *name, const char *sha256)
{
	return add_attachment(ctx, name, sha256);
}

/* The <Attachment> elements of event seq, each collected for the package. */
static int event_attachments(struct xmlout *w, sqlite3_stmt *atts, int64_t seq,
			     struct dispatch_plan *p, struct err *e)
{
	return dispatch_history_attachments(atts, w, seq, attach, p, e);
}

/* eventSeq, status, dueDate and, while the PUJK's clock runs, slaDaysLeft */
static void write_event_attrs(struct xmlout *w, struct calendar *cal,
			      const struct dispatch_plan *p, int64_t seq, const char *status,
			      const char *kind, int32_t due)
{
	struct sla_ticket ticket = {
		.kind = strcmp(kind, "PGD") == 0 ? KIND_PGD : KIND_IND,
		.status = statemachine_status_from_name(status),
		.due_day = due,
		.first_response_day = SLA_NO_DAY,
		.proposal_day = SLA_NO_DAY,
	};
	/* only sisa SLA is shown, and it does not depend on the response days */
	struct sla_view sla = sla_view_of(cal, &ticket, calendar_day_of(p->today_utc));
	char due_text[11];

	calendar_format_day(due, due_text);
	xmlout_attr_int(w, "eventSeq", seq);
	xmlout_attr(w, "status", status);
	xmlout_attr(w, "dueDate", due_text);
	if (sla.running)
		xmlout_attr_int(w, "slaDaysLeft", sla.days_left);
}

static int write_item(struct xmlout *w, sqlite3_stmt *row, sqlite3_stmt *atts,
		      struct calendar *cal, struct dispatch_plan *p, struct err *e)
{
	const char *record = col(row, C_RECORD);
	int reassigned_here = strcmp(record, "Reassign") == 0 &&
			      strcmp(col(row, C_PUJK), p->pujk_code) == 0;

	xmlout_start(w, reassigned_here ? "NewTicket"
		     : strcmp(record, "HistoryRequest") == 0 ? "TicketHistory" : record);
	xmlout_attr(w, "id", col(row, C_RECORD_ID));
	write_event_attrs(w, cal, p, sqlite3_column_int64(row, C_SEQ), col(row, C_STATUS),
			  col(row, C_KIND), sqlite3_column_int(row, C_DUE));
	xmlout_element(w, "TicketNo", col(row, C_TICKET));
	if (reassigned_here || strcmp(record, "NewTicket") == 0) {
		xmlout_element(w, "PujkCode", col(row, C_PUJK));
		xmlout_element(w, "ReceivedAt", col(row, C_RECEIVED));
		xmlout_element(w, "Channel", col(row, C_CHANNEL));
		xmlout_element(w, "Product", col(row, C_PRODUCT));
		xmlout_start(w, "Consumer");
		xmlout_element(w, "Name", col(row, C_NAME));
		xmlout_element(w, "Nik", col(row, C_NIK));
		xmlout_element(w, "Phone", col(row, C_PHONE));
		xmlout_element(w, "Email", col(row, C_EMAIL));
		xmlout_end(w);
		xmlout_element(w, "Subject", col(row, C_SUBJECT));
		xmlout_element(w, "Description", col(row, C_DESCRIPTION));
		if (col(row, C_CLAIM)) {
			xmlout_start(w, "ClaimAmount");
			xmlout_attr(w, "currency", col(row, C_CURRENCY) ? col(row, C_CURRENCY) : "IDR");
			xmlout_text(w, col(row, C_CLAIM));
			xmlout_end(w);
		}
		if (event_attachments(w, atts, sqlite3_column_int64(row, C_CREATED), p, e) != 0)
			return -1;
		/* SPEC 1.1: a reassigned ticket comes with OJK's notes so far */
		if (reassigned_here &&
		    dispatch_history_notes(sqlite3_db_handle(row), w, col(row, C_TICKET),
					   sqlite3_column_int64(row, C_SEQ), e) != 0)
			return -1;
	} else if (strcmp(record, "HistoryRequest") == 0) {
		if (dispatch_history_write(sqlite3_db_handle(row), w, sqlite3_column_int64(row, C_SEQ),
					   attach, p, e) != 0)
			return -1;
	} else if (strcmp(record, "Decision") == 0) {
		xmlout_element(w, "Outcome", col(row, C_OUTCOME));
		xmlout_element(w, "At", col(row, C_AT));
		xmlout_element(w, "Note", col(row, C_NOTE));
	} else if (strcmp(record, "Closure") == 0) {
		xmlout_element(w, "Reason", col(row, C_REASON));
		xmlout_element(w, "At", col(row, C_AT));
		xmlout_element(w, "Note", col(row, C_NOTE));
	} else if (strcmp(record, "Reassign") == 0) {
		xmlout_element(w, "PujkCode", col(row, C_TO_PUJK));
		xmlout_element(w, "At", col(row, C_AT));
		xmlout_element(w, "Note", col(row, C_NOTE));
	} else {
		xmlout_element(w, "At", col(row, C_AT));
		xmlout_element(w, "Note", col(row, C_NOTE));
	}
	xmlout_end(w);
	return 0;
}

/* the intake's item columns: the event, its ticket, its officer, its detail */
enum {
	I_SEQ, I_TICKET, I_RECORD, I_RECORD_ID, I_STATUS, I_PUJK, I_DUE, I_KIND, I_ROLE,
	I_OFFICER, I_AT, I_ACTION, I_RESOLUTION, I_AMOUNT, I_CURRENCY, I_NOTE,
};

static const char intake_columns[] =
	"SELECT e.seq, e.ticket_no, e.record, e.record_id, e.status_after, e.pujk_code,"
	" t.due_day, t.kind, e.actor, o.name,"
	" json_extract(e.detail, '$.at'), json_extract(e.detail, '$.action'),"
	" json_extract(e.detail, '$.resolution'), json_extract(e.detail, '$.amount'),"
	" json_extract(e.detail, '$.currency'), json_extract(e.detail, '$.note')";

/*
 * A PUJK's record as the intake receives it: the response file's element,
 * its children in the order every response record type keeps (TicketNo, At,
 * Action, Resolution, Amount, Note, Attachment), each only when the event's
 * detail has it, so that a record type added later travels without a change
 * here.  The one name that differs: a proposal's note is its Summary.
 */
static int write_intake_item(struct xmlout *w, sqlite3_stmt *row, sqlite3_stmt *atts,
			     struct calendar *cal, struct dispatch_plan *p, struct err *e)
{
	const char *record = col(row, I_RECORD);
	int64_t seq = sqlite3_column_int64(row, I_SEQ);

	if (col(row, I_OFFICER) == NULL)
		return err_set(e, ERR_INTERNAL, "event %lld ('%s') names no registered officer",
			       (long long)seq, record);
	xmlout_start(w, record);
	xmlout_attr(w, "id", col(row, I_RECORD_ID));
	write_event_attrs(w, cal, p, seq, col(row, I_STATUS), col(row, I_KIND),
			  sqlite3_column_int(row, I_DUE));
	xmlout_attr(w, "pujkCode", col(row, I_PUJK));
	xmlout_attr(w, "officer", col(row, I_OFFICER));
	xmlout_attr(w, "role", col(row, I_ROLE));
	xmlout_element(w, "TicketNo", col(row, I_TICKET));
	xmlout_element(w, "At", col(row, I_AT));
	xmlout_element(w, "Action", col(row, I_ACTION));
	xmlout_element(w, "Resolution", col(row, I_RESOLUTION));
	if (col(row, I_AMOUNT)) {
		xmlout_start(w, "Amount");
		xmlout_attr(w, "currency", col(row, I_CURRENCY) ? col(row, I_CURRENCY) : "IDR");
		xmlout_text(w, col(row, I_AMOUNT));
		xmlout_end(w);
	}
	xmlout_element(w, strcmp(record, "ResolutionProposal") == 0 ? "Summary" : "Note",
		       col(row, I_NOTE));
	if (event_attachments(w, atts, seq, p, e) != 0)
		return -1;
	xmlout_end(w);
	return 0;
}

int dispatch_write_fd(struct ledger *l, struct calendar *cal, struct dispatch_plan *p,
		      const char *dispatch_id, int64_t created_at, int fd, struct err *e)
{
	struct xmlout *w = NULL;
	sqlite3_stmt *rows = NULL, *atts = NULL;
	char sql[2048], when[32], what[128];
	int rc, result = -1;

	snprintf(sql, sizeof(sql), "%s%s ORDER BY e.seq", p->intake ? intake_columns : item_columns,
		 events_of(p));
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &rows, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ledger_db(l),
			       DISPATCH_HISTORY_ATTACHMENTS_SQL, -1, &atts, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the events to dispatch");
		goto out;
	}
	bind_plan(rows, p);
	w = xmlout_open(fd, "Dispatch", e);
	if (w == NULL)
		goto out;
	xmlout_start(w, "Header");
	xmlout_element(w, "DispatchId", dispatch_id);
	xmlout_element(w, p->intake ? "Recipient" : "PujkCode", p->pujk_code);
	records_format_wib(created_at, when);
	xmlout_element(w, "CreatedAt", when);
	snprintf(what, sizeof(what), "%ld", p->items);
	xmlout_element(w, "ItemCount", what);
	xmlout_end(w);
	xmlout_start(w, "Items");
	while ((rc = sqlite3_step(rows)) == SQLITE_ROW)
		if ((p->intake ? write_intake_item : write_item)(w, rows, atts, cal, p, e) != 0)
			goto out;
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the events to dispatch");
		goto out;
	}
	xmlout_end(w);
	snprintf(what, sizeof(what), "dispatch '%s'", dispatch_id);
	result = xmlout_close(w, what, e);
	w = NULL;
out:
	if (w)
		xmlout_close(w, "a dispatch", NULL);
	sqlite3_finalize(atts);
	sqlite3_finalize(rows);
	return result;
}

void dispatch_plan_free(struct dispatch_plan *p)
{
	free(p->attachments);
	p->attachments = NULL;
	p->n_attachments = 0;
}
