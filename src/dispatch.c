/*
 * dispatch - writing dispatches from the ledger; see dispatch.h.
 */
#include "dispatch.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "records.h"
#include "schema.h"
#include "sla.h"

static const char events_for[] =
	" FROM event e JOIN ticket t ON t.no = e.ticket_no"
	" JOIN event n ON n.seq = t.created_seq"
	" WHERE e.seq > ?1 AND e.seq <= ?2 AND e.actor = 'INTAKE'"
	" AND (e.pujk_code = ?3 OR e.prior_pujk = ?3)";

static int bind_plan(sqlite3_stmt *st, const struct dispatch_plan *p)
{
	sqlite3_bind_int64(st, 1, p->after_seq);
	sqlite3_bind_int64(st, 2, p->upto_seq);
	sqlite3_bind_text(st, 3, p->pujk_code, -1, SQLITE_STATIC);
	return 0;
}

int dispatch_count(struct ledger *l, struct dispatch_plan *p, struct err *e)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*)%s", events_for);
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

struct writer {
	xmlTextWriterPtr w;
	int failed;
};

static void start(struct writer *w, const char *name)
{
	if (!w->failed && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
		w->failed = 1;
}

static void end(struct writer *w)
{
	if (!w->failed && xmlTextWriterEndElement(w->w) < 0)
		w->failed = 1;
}

static void attr(struct writer *w, const char *name, const char *value)
{
	if (!w->failed && value && xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST value) < 0)
		w->failed = 1;
}

static void attr_int(struct writer *w, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	attr(w, name, buf);
}

static void element(struct writer *w, const char *name, const char *value)
{
	if (value == NULL)
		return;
	start(w, name);
	if (!w->failed && *value && xmlTextWriterWriteString(w->w, BAD_CAST value) < 0)
		w->failed = 1;
	end(w);
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* the item columns: the event's own fields, then its ticket's NewTicket fields */
enum {
	C_SEQ, C_TICKET, C_RECORD, C_RECORD_ID, C_STATUS, C_PUJK, C_DUE, C_CREATED,
	C_AT, C_OUTCOME, C_NOTE, C_REASON, C_TO_PUJK,
	C_RECEIVED, C_CHANNEL, C_PRODUCT, C_NAME, C_NIK, C_PHONE, C_EMAIL, C_SUBJECT,
	C_DESCRIPTION, C_CLAIM, C_CURRENCY,
};

static const char item_columns[] =
	"SELECT e.seq, e.ticket_no, e.record, e.record_id, e.status_after, e.pujk_code,"
	" t.due_day, t.created_seq,"
	" json_extract(e.detail, '$.at'), json_extract(e.detail, '$.outcome'),"
	" json_extract(e.detail, '$.note'), json_extract(e.detail, '$.reason'),"
	" json_extract(e.detail, '$.pujkCode'),"
	" json_extract(n.detail, '$.receivedAt'), json_extract(n.detail, '$.channel'),"
	" json_extract(n.detail, '$.product'), json_extract(n.detail, '$.consumer.name'),"
	" json_extract(n.detail, '$.consumer.nik'), json_extract(n.detail, '$.consumer.phone'),"
	" json_extract(n.detail, '$.consumer.email'), json_extract(n.detail, '$.subject'),"
	" json_extract(n.detail, '$.description'), json_extract(n.detail, '$.claimAmount'),"
	" json_extract(n.detail, '$.currency')";

static int add_attachment(struct dispatch_plan *p, const char *name, const char *sha256)
{
	struct dispatch_attachment *v;

	for (size_t i = 0; i < p->n_attachments; i++)
		if (strcmp(p->attachments[i].name, name) == 0 &&
		    strcmp(p->attachments[i].sha256, sha256) == 0)
			return 0;
	v = realloc(p->attachments, (p->n_attachments + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	p->attachments = v;
	snprintf(v[p->n_attachments].name, sizeof(v->name), "%s", name);
	snprintf(v[p->n_attachments].sha256, sizeof(v->sha256), "%s", sha256);
	p->n_attachments++;
	return 0;
}

static int write_item(struct writer *w, sqlite3_stmt *row, sqlite3_stmt *atts,
		      struct calendar *cal, struct dispatch_plan *p, struct err *e)
{
	const char *record = col(row, C_RECORD);
	int reassigned_here = strcmp(record, "Reassign") == 0 &&
			      strcmp(col(row, C_PUJK), p->pujk_code) == 0;
	int32_t due = sqlite3_column_int(row, C_DUE);
	char due_text[11];
	int rc;

	calendar_format_day(due, due_text);
	start(w, reassigned_here ? "NewTicket" : strcmp(record, "Decision") == 0 ? "Decision"
						 : record);
	attr(w, "id", col(row, C_RECORD_ID));
	attr_int(w, "eventSeq", sqlite3_column_int64(row, C_SEQ));
	attr(w, "status", col(row, C_STATUS));
	attr(w, "dueDate", due_text);
	attr_int(w, "slaDaysLeft", sla_days_left(cal, due, calendar_day_of(p->today_utc)));
	element(w, "TicketNo", col(row, C_TICKET));
	if (reassigned_here || strcmp(record, "NewTicket") == 0) {
		element(w, "PujkCode", col(row, C_PUJK));
		element(w, "ReceivedAt", col(row, C_RECEIVED));
		element(w, "Channel", col(row, C_CHANNEL));
		element(w, "Product", col(row, C_PRODUCT));
		start(w, "Consumer");
		element(w, "Name", col(row, C_NAME));
		element(w, "Nik", col(row, C_NIK));
		element(w, "Phone", col(row, C_PHONE));
		element(w, "Email", col(row, C_EMAIL));
		end(w);
		element(w, "Subject", col(row, C_SUBJECT));
		element(w, "Description", col(row, C_DESCRIPTION));
		if (col(row, C_CLAIM)) {
			start(w, "ClaimAmount");
			attr(w, "currency", col(row, C_CURRENCY) ? col(row, C_CURRENCY) : "IDR");
			if (!w->failed && xmlTextWriterWriteString(w->w, BAD_CAST col(row, C_CLAIM)) < 0)
				w->failed = 1;
			end(w);
		}
		sqlite3_bind_int64(atts, 1, sqlite3_column_int64(row, C_CREATED));
		while ((rc = sqlite3_step(atts)) == SQLITE_ROW) {
			start(w, "Attachment");
			attr(w, "name", col(atts, 0));
			attr(w, "sha256", col(atts, 1));
			attr_int(w, "size", sqlite3_column_int64(atts, 2));
			attr(w, "mediaType", col(atts, 3));
			end(w);
			if (add_attachment(p, col(atts, 0), col(atts, 1)) != 0) {
				sqlite3_reset(atts);
				return err_set(e, ERR_INTERNAL, "out of memory");
			}
		}
		sqlite3_reset(atts);
		if (rc != SQLITE_DONE)
			return err_set(e, ERR_IO, "cannot read attachments");
	} else if (strcmp(record, "Decision") == 0) {
		element(w, "Outcome", col(row, C_OUTCOME));
		element(w, "At", col(row, C_AT));
		element(w, "Note", col(row, C_NOTE));
	} else if (strcmp(record, "Closure") == 0) {
		element(w, "Reason", col(row, C_REASON));
		element(w, "At", col(row, C_AT));
		element(w, "Note", col(row, C_NOTE));
	} else if (strcmp(record, "Reassign") == 0) {
		element(w, "PujkCode", col(row, C_TO_PUJK));
		element(w, "At", col(row, C_AT));
		element(w, "Note", col(row, C_NOTE));
	} else {
		element(w, "At", col(row, C_AT));
		element(w, "Note", col(row, C_NOTE));
	}
	end(w);
	return 0;
}

int dispatch_write_fd(struct ledger *l, struct calendar *cal, struct dispatch_plan *p,
		      const char *dispatch_id, int64_t created_at, int fd, struct err *e)
{
	xmlOutputBufferPtr out = NULL;
	struct writer w = { NULL, 0 };
	sqlite3_stmt *rows = NULL, *atts = NULL;
	char sql[2048], when[32];
	int rc = SQLITE_DONE, result = -1;

	snprintf(sql, sizeof(sql), "%s%s ORDER BY e.seq", item_columns, events_for);
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &rows, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ledger_db(l),
			       "SELECT name, sha256, size, media_type FROM attachment"
			       " WHERE event_seq = ? ORDER BY name",
			       -1, &atts, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the events to dispatch");
		goto out;
	}
	bind_plan(rows, p);
	out = xmlOutputBufferCreateFd(fd, NULL);
	if (out == NULL || (w.w = xmlNewTextWriter(out)) == NULL) {
		err_set(e, ERR_INTERNAL, "cannot create an XML writer");
		goto out;
	}
	out = NULL; /* owned by the writer now */
	xmlTextWriterSetIndent(w.w, 1);
	xmlTextWriterSetIndentString(w.w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w.w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w.w, NULL, BAD_CAST "Dispatch", BAD_CAST SCHEMA_NS) < 0)
		w.failed = 1;
	attr(&w, "schemaVersion", "1.0");
	start(&w, "Header");
	element(&w, "DispatchId", dispatch_id);
	element(&w, "PujkCode", p->pujk_code);
	records_format_wib(created_at, when);
	element(&w, "CreatedAt", when);
	start(&w, "ItemCount");
	if (!w.failed && xmlTextWriterWriteFormatString(w.w, "%ld", p->items) < 0)
		w.failed = 1;
	end(&w);
	end(&w);
	start(&w, "Items");
	while (!w.failed && (rc = sqlite3_step(rows)) == SQLITE_ROW)
		if (write_item(&w, rows, atts, cal, p, e) != 0)
			goto out;
	if (!w.failed && rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the events to dispatch");
		goto out;
	}
	end(&w);
	if (!w.failed && (xmlTextWriterEndDocument(w.w) < 0 || xmlTextWriterFlush(w.w) < 0))
		w.failed = 1;
	if (w.failed) {
		err_set(e, ERR_INTERNAL, "cannot write dispatch '%s'", dispatch_id);
		goto out;
	}
	result = 0;
out:
	if (w.w)
		xmlFreeTextWriter(w.w);
	if (out)
		xmlOutputBufferClose(out);
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
