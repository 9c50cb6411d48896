/*
 * tickets - the ticket queries; see tickets.h for the contract.
 *
 * A ticket's complaint (channel, consumer, description...) is not copied into
 * the ticket table: it is read from its NewTicket event's JSON detail with
 * SQLite's json_extract, so that the history stays the one record of it.
 * Only the subject is copied (and the received WIB day), for the list.
 */
#include "ledger/tickets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/records.h"
#include "domain/sla.h"
#include "domain/statemachine.h"
#include "util/vec.h"


int tickets_parse_now(const char *s, int64_t clock, int64_t *now, struct err *e)
{
	char *end;

	if (s == NULL || *s == '\0') {
		*now = clock;
		return 0;
	}
	if (strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		*now = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return 0;
	} else if (records_parse_time(s, now) == 0) {
		return 0;
	}
	return err_set(e, ERR_CONFIG,
		       "SLKTX_NOW '%s' is neither UTC seconds nor a time like "
		       "2026-03-17T09:00:00+07:00", s);
}

static int parse_year(const char *s, int *y)
{
	if (strlen(s) != 4 || strspn(s, "0123456789") != 4 || strcmp(s, "0000") == 0)
		return -1;
	*y = atoi(s);
	return 0;
}

static int32_t first_day_of(int y, int m)
{
	char buf[32];
	int32_t day = 0;

	snprintf(buf, sizeof(buf), "%04d-%02d-01", y % 10000, m % 100);
	calendar_parse_day(buf, &day);
	return day;
}

int tickets_period(const char *date, const char *month, const char *year, const char *from,
		   const char *to, struct tickets_filter *f, struct err *e)
{
	int given = (date != NULL) + (month != NULL) + (year != NULL) + (from || to);
	char ybuf[5];
	int y, m;

	f->from_day = INT32_MIN;
	f->to_day = INT32_MAX;
	if (given > 1)
		return err_set(e, ERR_USAGE,
			       "give one period: --date, --month, --year, or --from/--to");
	if (date != NULL) {
		if (calendar_parse_day(date, &f->from_day) < 0)
			return err_set(e, ERR_USAGE, "bad date '%s': expected YYYY-MM-DD", date);
		f->to_day = f->from_day;
	} else if (month != NULL) {
		ybuf[0] = '\0';
		m = 0;
		if (strlen(month) == 7 && month[4] == '-' && strspn(month + 5, "0123456789") == 2) {
			snprintf(ybuf, sizeof(ybuf), "%.4s", month);
			m = atoi(month + 5);
		}
		if (parse_year(ybuf, &y) < 0 || m < 1 || m > 12)
			return err_set(e, ERR_USAGE, "bad month '%s': expected YYYY-MM", month);
		f->from_day = first_day_of(y, m);
		f->to_day = (m == 12 ? first_day_of(y + 1, 1) : first_day_of(y, m + 1)) - 1;
	} else if (year != NULL) {
		if (parse_year(year, &y) < 0)
			return err_set(e, ERR_USAGE, "bad year '%s': expected YYYY", year);
		f->from_day = first_day_of(y, 1);
		f->to_day = first_day_of(y + 1, 1) - 1;
	} else {
		if (from != NULL && calendar_parse_day(from, &f->from_day) < 0)
			return err_set(e, ERR_USAGE, "bad date '%s': expected YYYY-MM-DD", from);
		if (to != NULL && calendar_parse_day(to, &f->to_day) < 0)
			return err_set(e, ERR_USAGE, "bad date '%s': expected YYYY-MM-DD", to);
		if (f->from_day > f->to_day)
			return err_set(e, ERR_USAGE, "--from %s is after --to %s", from, to);
	}
	return 0;
}

static int pujk_code_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && n <= 12 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

int tickets_filter_check(const struct tickets_filter *f, struct err *e)
{
	if (f->pujk != NULL && !pujk_code_ok(f->pujk))
		return err_set(e, ERR_USAGE, "bad PUJK code '%s': expected [A-Z0-9]{3,12}",
			       f->pujk);
	if (f->kind != NULL && strcmp(f->kind, "PGD") != 0 && strcmp(f->kind, "IND") != 0)
		return err_set(e, ERR_USAGE, "bad kind '%s': expected PGD or IND", f->kind);
	if (f->status != NULL && statemachine_status_from_name(f->status) == ST_NONE)
		return err_set(e, ERR_USAGE,
			       "bad status '%s': expected BARU, DIAMBIL_ALIH, DITINDAKLANJUTI, "
			       "DITANGGAPI, USULAN_SELESAI, SELESAI, DIKEMBALIKAN or DITUTUP",
			       f->status);
	return 0;
}

/* A copy of column i, "" for NULL; NULL (and *oom set) when out of memory. */
static char *col_dup(sqlite3_stmt *st, int i, int *oom)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	char *d = strdup(s ? s : "");

	if (d == NULL)
		*oom = 1;
	return d;
}

/* Column i into buf, cut to size - 1 bytes ("" for NULL); once per cell of a list. */
static void col_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n > size - 1)
		n = size - 1;
	memcpy(buf, s ? s : "", n);
	buf[n] = '\0';
}

#define TICKET_COLUMNS \
	"SELECT t.no, t.kind, t.pujk_code, t.status, t.received_at, t.assigned_at, t.due_day," \
	" t.extended, coalesce(t.first_response_at, 0), coalesce(t.proposal_at, 0)," \
	" coalesce(t.closed_at, 0), t.created_seq, t.updated_seq," \
	" json_extract(e.detail, '$.channel'), json_extract(e.detail, '$.product')," \
	" json_extract(e.detail, '$.subject'), json_extract(e.detail, '$.description')," \
	" json_extract(e.detail, '$.consumer.name'), json_extract(e.detail, '$.consumer.nik')," \
	" json_extract(e.detail, '$.consumer.phone'), json_extract(e.detail, '$.consumer.email')," \
	" json_extract(e.detail, '$.claimAmount'), json_extract(e.detail, '$.currency')" \
	" FROM ticket t LEFT JOIN event e ON e.seq = t.created_seq"

static int read_ticket(sqlite3_stmt *st, struct tickets_ticket *t)
{
	int oom = 0;

	col_copy(st, 0, t->no, sizeof(t->no));
	col_copy(st, 1, t->kind, sizeof(t->kind));
	col_copy(st, 2, t->pujk_code, sizeof(t->pujk_code));
	col_copy(st, 3, t->status, sizeof(t->status));
	t->received_at = sqlite3_column_int64(st, 4);
	t->assigned_at = sqlite3_column_int64(st, 5);
	t->due_day = sqlite3_column_int(st, 6);
	t->extended = sqlite3_column_int(st, 7);
	t->first_response_at = sqlite3_column_int64(st, 8);
	t->proposal_at = sqlite3_column_int64(st, 9);
	t->closed_at = sqlite3_column_int64(st, 10);
	t->created_seq = sqlite3_column_int64(st, 11);
	t->updated_seq = sqlite3_column_int64(st, 12);
	t->channel = col_dup(st, 13, &oom);
	t->product = col_dup(st, 14, &oom);
	t->subject = col_dup(st, 15, &oom);
	t->description = col_dup(st, 16, &oom);
	t->consumer_name = col_dup(st, 17, &oom);
	t->nik = col_dup(st, 18, &oom);
	t->phone = col_dup(st, 19, &oom);
	t->email = col_dup(st, 20, &oom);
	t->claim_amount = col_dup(st, 21, &oom);
	t->currency = col_dup(st, 22, &oom);
	return oom ? -1 : 0;
}

void tickets_ticket_clear(struct tickets_ticket *t)
{
	free(t->channel);
	free(t->product);
	free(t->subject);
	free(t->description);
	free(t->consumer_name);
	free(t->nik);
	free(t->phone);
	free(t->email);
	free(t->claim_amount);
	free(t->currency);
	memset(t, 0, sizeof(*t));
}

/*
 * The list reads the ticket's typed columns only (subject and received_day
 * are copied there by apply, migration 5 for older ledgers): no JSON is
 * parsed.  Every column it reads is in the ticket_day index: a period is one
 * range of it, without a look-up of the ticket's row.  The index is by day
 * and number (so that applying a batch appends to it), the list by day,
 * received time and number: each day's rows are gathered in order of number
 * and put in order of their second of the day by a counting sort, which is
 * stable, so ties stay by number (docs/DESIGN.md, "Reading a big ledger").
 * A day too big to hold in EACH_DAY_BYTES is read again from SQLite sorted,
 * whatever its size.
 */
#ifndef EACH_DAY_BYTES /* tests/unit/test_tickets_each.c makes it small */
#define EACH_DAY_BYTES (16u << 20)
#endif

#define EACH_COLUMNS                                                                          \
	"SELECT no, kind, pujk_code, status, received_at, due_day,"                           \
	" coalesce(first_response_at, 0), coalesce(proposal_at, 0), subject, received_day" \
	" FROM ticket WHERE received_day >= ?1 AND received_day <= ?2"                        \
	" AND (?3 IS NULL OR pujk_code = ?3) AND (?4 IS NULL OR kind = ?4)"                   \
	" AND (?5 IS NULL OR status = ?5)"

enum each_col { EACH_NO, EACH_KIND, EACH_PUJK, EACH_STATUS, EACH_RECEIVED, EACH_DUE,
		EACH_FIRST, EACH_PROPOSAL, EACH_SUBJECT, EACH_DAY };

/* One row of the day being gathered; its texts are in the day's arena. */
struct each_row {
	int64_t received_at, first_response_at, proposal_at;
	int32_t due_day;
	uint32_t no, kind, pujk_code, status, subject; /* offsets in the arena */
};

#define DAY_SECONDS 86400

struct each_day {
	int32_t day;
	struct each_row *rows;
	size_t n, cap;
	char *text;
	size_t used, size;
	uint32_t *order;   /* cap: the rows' indexes by received time */
	uint32_t *seconds; /* DAY_SECONDS + 1: the counting sort's */
};

static int each_prepare(struct ledger *l, const char *order, const struct tickets_filter *f,
			int32_t from, int32_t to, sqlite3_stmt **st, struct err *e)
{
	char sql[sizeof(EACH_COLUMNS) + 64];

	snprintf(sql, sizeof(sql), "%s ORDER BY %s", EACH_COLUMNS, order);
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, st, NULL) != SQLITE_OK)
		return ledger_err(l, e, "cannot list the tickets");
	sqlite3_bind_int(*st, 1, from);
	sqlite3_bind_int(*st, 2, to);
	ledger_bind_text_or_null(*st, 3, f->pujk);
	ledger_bind_text_or_null(*st, 4, f->kind);
	ledger_bind_text_or_null(*st, 5, f->status);
	return 0;
}

/* The row st is on, handed to fn. */
static int each_emit_column_row(sqlite3_stmt *st, struct tickets_ticket *t, tickets_each_fn *fn,
				void *ctx, struct err *e)
{
	const char *subject = (const char *)sqlite3_column_text(st, EACH_SUBJECT);

	col_copy(st, EACH_NO, t->no, sizeof(t->no));
	col_copy(st, EACH_KIND, t->kind, sizeof(t->kind));
	col_copy(st, EACH_PUJK, t->pujk_code, sizeof(t->pujk_code));
	col_copy(st, EACH_STATUS, t->status, sizeof(t->status));
	t->received_at = sqlite3_column_int64(st, EACH_RECEIVED);
	t->due_day = sqlite3_column_int(st, EACH_DUE);
	t->first_response_at = sqlite3_column_int64(st, EACH_FIRST);
	t->proposal_at = sqlite3_column_int64(st, EACH_PROPOSAL);
	/* borrowed from the statement until the next step */
	t->subject = (char *)(subject ? subject : "");
	return fn(ctx, t, e);
}

/* Column i appended to the day's arena (its offset in *at); -1 when the day is full. */
static int each_keep_text(struct each_day *d, sqlite3_stmt *st, int i, size_t max,
			  uint32_t *at)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n > max)
		n = max;
	if (d->used + n + 1 > d->size) {
		size_t size = d->size ? 2 * d->size : EACH_DAY_BYTES / 16;
		char *p;

		while (size < d->used + n + 1)
			size *= 2;
		if (size > EACH_DAY_BYTES || (p = realloc(d->text, size)) == NULL)
			return -1;
		d->text = p;
		d->size = size;
	}
	memcpy(d->text + d->used, s ? s : "", n);
	d->text[d->used + n] = '\0';
	*at = (uint32_t)d->used;
	d->used += n + 1;
	return 0;
}

/* The row st is on, kept in the day; -1 when the day outgrows EACH_DAY_BYTES. */
static int each_keep(struct each_day *d, sqlite3_stmt *st)
{
	struct each_row *r;

	if ((d->n + 1) * (sizeof(*r) + sizeof(*d->order)) + d->used > EACH_DAY_BYTES)
		return -1;
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 1024;
		struct each_row *rows = realloc(d->rows, cap * sizeof(*rows));
		uint32_t *order = rows ? realloc(d->order, cap * sizeof(*order)) : NULL;

		if (rows != NULL)
			d->rows = rows;
		if (order == NULL)
			return -1;
		d->order = order;
		d->cap = cap;
	}
	r = &d->rows[d->n];
	if (each_keep_text(d, st, EACH_NO, sizeof(((struct tickets_ticket *)0)->no) - 1, &r->no) <
		    0 ||
	    each_keep_text(d, st, EACH_KIND, sizeof(((struct tickets_ticket *)0)->kind) - 1,
			   &r->kind) < 0 ||
	    each_keep_text(d, st, EACH_PUJK, sizeof(((struct tickets_ticket *)0)->pujk_code) - 1,
			   &r->pujk_code) < 0 ||
	    each_keep_text(d, st, EACH_STATUS, sizeof(((struct tickets_ticket *)0)->status) - 1,
			   &r->status) < 0 ||
	    each_keep_text(d, st, EACH_SUBJECT, SIZE_MAX, &r->subject) < 0)
		return -1;
	r->received_at = sqlite3_column_int64(st, EACH_RECEIVED);
	r->due_day = sqlite3_column_int(st, EACH_DUE);
	r->first_response_at = sqlite3_column_int64(st, EACH_FIRST);
	r->proposal_at = sqlite3_column_int64(st, EACH_PROPOSAL);
	d->n++;
	return 0;
}

/* Its second of the day d (WIB); a time outside the day (a row at odds
 * with itself, which audit verify names) is listed at its start or end. */
static uint32_t each_second(const struct each_day *d, int64_t at)
{
	int64_t s = at + 7 * 3600 - (int64_t)d->day * DAY_SECONDS;

	return s < 0 ? 0 : s >= DAY_SECONDS ? DAY_SECONDS - 1 : (uint32_t)s;
}

/* d->order: the rows by received time, those of one second by number (as read). */
static void each_sort(struct each_day *d)
{
	uint32_t *first = d->seconds, at = 0;

	memset(first, 0, (DAY_SECONDS + 1) * sizeof(*first));
	for (size_t i = 0; i < d->n; i++)
		first[each_second(d, d->rows[i].received_at) + 1]++;
	for (size_t s = 1; s <= DAY_SECONDS; s++)
		first[s] = at += first[s];
	for (size_t i = 0; i < d->n; i++)
		d->order[first[each_second(d, d->rows[i].received_at)]++] = (uint32_t)i;
}

/* The day's rows, sorted, handed to fn; the day is emptied. */
static int each_flush(struct each_day *d, struct tickets_ticket *t, tickets_each_fn *fn,
		      void *ctx, struct err *e)
{
	int rc = 0;

	each_sort(d);
	for (size_t i = 0; i < d->n && rc == 0; i++) {
		const struct each_row *r = &d->rows[d->order[i]];

		/* the rows are visited out of the order they were kept in */
		if (i + 8 < d->n)
			__builtin_prefetch(d->text + d->rows[d->order[i + 8]].no);

		/* each_keep cut them to fit */
		strcpy(t->no, d->text + r->no);
		strcpy(t->kind, d->text + r->kind);
		strcpy(t->pujk_code, d->text + r->pujk_code);
		strcpy(t->status, d->text + r->status);
		t->received_at = r->received_at;
		t->due_day = r->due_day;
		t->first_response_at = r->first_response_at;
		t->proposal_at = r->proposal_at;
		t->subject = d->text + r->subject;
		rc = fn(ctx, t, e);
	}
	d->n = 0;
	d->used = 0;
	return rc;
}

/* One day too big to gather, read again sorted by SQLite. */
static int each_big_day(struct ledger *l, const struct tickets_filter *f, int32_t day,
			struct tickets_ticket *t, tickets_each_fn *fn, void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, result = -1;

	if (each_prepare(l, "received_at, no", f, day, day, &st, e) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (each_emit_column_row(st, t, fn, ctx, e) != 0)
			goto out;
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot list the tickets");
		goto out;
	}
	result = 0;
out:
	sqlite3_finalize(st);
	return result;
}

int tickets_each(struct ledger *l, const struct tickets_filter *f, tickets_each_fn *fn,
		 void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct tickets_ticket t;
	struct each_day d = { 0 };
	int64_t day = INT64_MIN, big_day = INT64_MIN;
	int rc, result = -1;

	d.seconds = malloc((DAY_SECONDS + 1) * sizeof(*d.seconds));
	if (d.seconds == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (each_prepare(l, "received_day, no", f, f->from_day, f->to_day, &st, e) < 0)
		goto out;
	memset(&t, 0, sizeof(t));
	t.channel = t.product = t.description = t.consumer_name = t.nik = t.phone = t.email =
		t.claim_amount = t.currency = (char *)"";
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t row_day = sqlite3_column_int64(st, EACH_DAY);

		if (row_day == big_day)
			continue;
		if (row_day != day && each_flush(&d, &t, fn, ctx, e) != 0)
			goto out;
		day = d.day = (int32_t)row_day;
		if (each_keep(&d, st) == 0)
			continue;
		d.n = d.used = 0;
		big_day = day;
		if (each_big_day(l, f, (int32_t)day, &t, fn, ctx, e) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot list the tickets");
		goto out;
	}
	if (each_flush(&d, &t, fn, ctx, e) != 0)
		goto out;
	result = 0;
out:
	sqlite3_finalize(st);
	free(d.seconds);
	free(d.order);
	free(d.text);
	free(d.rows);
	return result;
}

int tickets_get(struct ledger *l, const char *no, struct tickets_ticket *t, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, result = -1;

	memset(t, 0, sizeof(*t));
	if (sqlite3_prepare_v2(ledger_db(l), TICKET_COLUMNS " WHERE t.no = ?", -1, &st, NULL) !=
	    SQLITE_OK) {
		ledger_err(l, e, "cannot read the ticket");
		goto out;
	}
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err_set(e, ERR_NOT_FOUND, "ticket '%s' not found", no);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ledger_err(l, e, "cannot read the ticket");
		goto out;
	}
	if (read_ticket(st, t) < 0) {
		tickets_ticket_clear(t);
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	result = 0;
out:
	sqlite3_finalize(st);
	return result;
}

/* ERR_NOT_FOUND unless the ticket exists, so that an unknown one is not an empty history. */
static int ticket_exists(struct ledger *l, const char *no, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(ledger_db(l), "SELECT 1 FROM ticket WHERE no = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return ledger_err(l, e, "cannot read the ticket");
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return err_set(e, ERR_NOT_FOUND, "ticket '%s' not found", no);
	return ledger_err(l, e, "cannot read the ticket");
}

static void event_clear(struct tickets_event *ev)
{
	free(ev->record);
	free(ev->actor);
	free(ev->officer_name);
	free(ev->pujk_code);
	free(ev->prior_pujk);
	free(ev->status_before);
	free(ev->status_after);
	free(ev->file_name);
	free(ev->record_id);
	free(ev->outcome);
	free(ev->reason);
	free(ev->action);
	free(ev->resolution);
	free(ev->amount);
	free(ev->currency);
	free(ev->note);
	free(ev->attachments);
	free(ev->detail);
}

void tickets_history_free(struct tickets_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		event_clear(&v[i]);
	free(v);
}

static int read_event(sqlite3_stmt *st, struct tickets_event *ev)
{
	int oom = 0;

	ev->seq = sqlite3_column_int64(st, 0);
	ev->happened_at = sqlite3_column_int64(st, 1);
	ev->recorded_at = sqlite3_column_int64(st, 2);
	ev->record = col_dup(st, 3, &oom);
	ev->actor = col_dup(st, 4, &oom);
	ev->officer_name = col_dup(st, 5, &oom);
	ev->pujk_code = col_dup(st, 6, &oom);
	ev->prior_pujk = col_dup(st, 7, &oom);
	ev->status_before = col_dup(st, 8, &oom);
	ev->status_after = col_dup(st, 9, &oom);
	ev->file_name = col_dup(st, 10, &oom);
	ev->record_id = col_dup(st, 11, &oom);
	ev->outcome = col_dup(st, 12, &oom);
	ev->reason = col_dup(st, 13, &oom);
	ev->action = col_dup(st, 14, &oom);
	ev->resolution = col_dup(st, 15, &oom);
	ev->amount = col_dup(st, 16, &oom);
	ev->currency = col_dup(st, 17, &oom);
	ev->note = col_dup(st, 18, &oom);
	ev->attachments = col_dup(st, 19, &oom);
	ev->detail = col_dup(st, 20, &oom);
	return oom ? -1 : 0;
}

int tickets_history(struct ledger *l, const char *no, struct tickets_event **out, size_t *n,
		    struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct tickets_event *v = NULL;
	size_t used = 0, cap = 0;
	int rc, result = -1;

	if (ticket_exists(l, no, e) < 0)
		goto out;
	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT e.seq, e.happened_at, e.recorded_at, e.record, e.actor, o.name,"
			       " e.pujk_code, e.prior_pujk, e.status_before, e.status_after, f.name,"
			       " e.record_id, json_extract(e.detail, '$.outcome'),"
			       " json_extract(e.detail, '$.reason'), json_extract(e.detail, '$.action'),"
			       " json_extract(e.detail, '$.resolution'),"
			       " json_extract(e.detail, '$.amount'), json_extract(e.detail, '$.currency'),"
			       " json_extract(e.detail, '$.note'),"
			       " (SELECT group_concat(a.name, ', ') FROM (SELECT name FROM attachment"
			       "  WHERE event_seq = e.seq ORDER BY name) a), e.detail"
			       " FROM event e LEFT JOIN officer o ON o.id = e.officer_id"
			       " LEFT JOIN file f ON f.id = e.file_id"
			       " WHERE e.ticket_no = ? ORDER BY e.seq",
			       -1, &st, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the history");
		goto out;
	}
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vec_grow((void **)&v, used, &cap, sizeof(*v)) < 0 || read_event(st, &v[used++]) < 0) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the history");
		goto out;
	}
	*out = v;
	*n = used;
	v = NULL;
	used = 0;
	result = 0;
out:
	tickets_history_free(v, used);
	sqlite3_finalize(st);
	return result;
}

void tickets_attachments_free(struct tickets_attachment *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].media_type);
		free(v[i].record);
	}
	free(v);
}

int tickets_attachments(struct ledger *l, const char *no, struct tickets_attachment **out,
			size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct tickets_attachment *v = NULL;
	size_t used = 0, cap = 0;
	int rc, result = -1;

	if (ticket_exists(l, no, e) < 0)
		goto out;
	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT a.name, a.media_type, a.sha256, a.size, a.event_seq, e.record"
			       " FROM attachment a JOIN event e ON e.seq = a.event_seq"
			       " WHERE e.ticket_no = ? ORDER BY a.event_seq, a.name",
			       -1, &st, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the attachments");
		goto out;
	}
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tickets_attachment *a;
		int oom = 0;

		if (vec_grow((void **)&v, used, &cap, sizeof(*v)) < 0) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		a = &v[used++];
		a->name = col_dup(st, 0, &oom);
		a->media_type = col_dup(st, 1, &oom);
		col_copy(st, 2, a->sha256, sizeof(a->sha256));
		a->size = sqlite3_column_int64(st, 3);
		a->event_seq = sqlite3_column_int64(st, 4);
		a->record = col_dup(st, 5, &oom);
		if (oom) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the attachments");
		goto out;
	}
	*out = v;
	*n = used;
	v = NULL;
	used = 0;
	result = 0;
out:
	tickets_attachments_free(v, used);
	sqlite3_finalize(st);
	return result;
}

static int32_t day_or_none(int64_t at)
{
	return at ? calendar_day_of(at) : SLA_NO_DAY;
}

struct sla_view tickets_sla(struct calendar *c, const struct tickets_ticket *t, int32_t today)
{
	struct sla_ticket s = {
		.kind = strcmp(t->kind, "PGD") == 0 ? KIND_PGD : KIND_IND,
		.status = statemachine_status_from_name(t->status),
		.due_day = t->due_day,
		.first_response_day = day_or_none(t->first_response_at),
		.proposal_day = day_or_none(t->proposal_at),
	};

	return sla_view_of(c, &s, today);
}

/*
 * The tickets of one PUJK as the ledger knew them at ?1: only events recorded
 * by then count, so that a statement made late (a catch-up) describes its day
 * as it ended.  The PUJK and status are those of the last such event; "since
 * the assignment" is after the last NewTicket or Reassign (the report's rule,
 * docs/DESIGN.md "Reports").  The candidates are the tickets the PUJK holds
 * now or held before a later Reassign; k is not materialized so that each
 * lookup in it uses the event table's ticket index.
 */
static const char as_of_sql[] =
	"WITH k AS NOT MATERIALIZED (SELECT * FROM event WHERE recorded_at <= ?1),"
	" t0 AS (SELECT t.no, t.kind, t.received_at, t.created_seq,"
	"  (SELECT MAX(seq) FROM k WHERE k.ticket_no = t.no"
	"   AND k.record IN ('NewTicket', 'Reassign')) AS aseq,"
	"  (SELECT MAX(seq) FROM k WHERE k.ticket_no = t.no) AS lseq"
	"  FROM ticket t WHERE t.pujk_code = ?2 OR EXISTS (SELECT 1 FROM event r"
	"   WHERE r.ticket_no = t.no AND r.record = 'Reassign' AND r.prior_pujk = ?2))"
	" SELECT t0.no, t0.kind, l.status_after, t0.received_at,"
	"  CASE a.record WHEN 'Reassign' THEN a.happened_at ELSE t0.received_at END,"
	"  coalesce((SELECT MIN(happened_at) FROM k WHERE k.ticket_no = t0.no"
	"   AND k.seq > t0.aseq AND k.record IN"
	"   ('TakeOver', 'FollowUp', 'ResolutionProposal', 'Misrouted')), 0),"
	"  coalesce((SELECT MIN(happened_at) FROM k WHERE k.ticket_no = t0.no"
	"   AND k.seq > t0.aseq AND k.record = 'ResolutionProposal'), 0),"
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"
	"   AND k.record = 'FollowUp' AND json_extract(k.detail, '$.action') = 'EXTENSION'),"
	"  l.seq, l.recorded_at, t0.created_seq,"
	"  (SELECT json_extract(n.detail, '$.subject') FROM event n WHERE n.seq = t0.created_seq)"
	" FROM t0 JOIN k l ON l.seq = t0.lseq JOIN k a ON a.seq = t0.aseq"
	" WHERE l.pujk_code = ?2 ORDER BY t0.received_at, t0.no";

static int read_as_of(sqlite3_stmt *st, const char *pujk, struct tickets_as_of *r)
{
	struct tickets_ticket *t = &r->t;
	int oom = 0;

	col_copy(st, 0, t->no, sizeof(t->no));
	col_copy(st, 1, t->kind, sizeof(t->kind));
	snprintf(t->pujk_code, sizeof(t->pujk_code), "%s", pujk);
	col_copy(st, 2, t->status, sizeof(t->status));
	t->received_at = sqlite3_column_int64(st, 3);
	t->assigned_at = sqlite3_column_int64(st, 4);
	t->first_response_at = sqlite3_column_int64(st, 5);
	t->proposal_at = sqlite3_column_int64(st, 6);
	t->extended = sqlite3_column_int(st, 7);
	t->updated_seq = sqlite3_column_int64(st, 8);
	r->changed_at = sqlite3_column_int64(st, 9);
	t->created_seq = sqlite3_column_int64(st, 10);
	t->subject = col_dup(st, 11, &oom);
	return oom ? -1 : 0;
}

int tickets_as_of(struct ledger *l, const char *pujk, int64_t as_of, struct tickets_as_of **out,
		  size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct tickets_as_of *v = NULL;
	size_t used = 0, cap = 0;
	int rc, result = -1;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ledger_db(l), as_of_sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the tickets");
		goto out;
	}
	sqlite3_bind_int64(st, 1, as_of);
	sqlite3_bind_text(st, 2, pujk, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vec_grow((void **)&v, used, &cap, sizeof(*v)) < 0 ||
		    read_as_of(st, pujk, &v[used++]) < 0) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the tickets");
		goto out;
	}
	*out = v;
	*n = used;
	v = NULL;
	used = 0;
	result = 0;
out:
	tickets_as_of_free(v, used);
	sqlite3_finalize(st);
	return result;
}

void tickets_as_of_free(struct tickets_as_of *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tickets_ticket_clear(&v[i].t);
	free(v);
}
