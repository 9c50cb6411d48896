/*
 * statement - writing a daily statement from the ledger; see statement.h.
 */
#include "formats/statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/records.h"
#include "domain/sla.h"
#include "domain/statemachine.h"
#include "ledger/tickets.h"
#include "xml/xmlout.h"

/* received, still open and late at AsOf, of one kind */
struct count {
	long received, open, late;
};

/* the summary: [bucket][0 PGD, 1 IND] */
struct summary {
	struct count days[STATEMENT_DAYS][2];
	struct count months[STATEMENT_MONTHS][2];
	struct count (*years)[2];
	int first_year, n_years;
};

int64_t statement_as_of(int32_t day)
{
	return calendar_day_start(day + 1) - 1;
}

static void year_month(int32_t day, int *y, int *m)
{
	char text[11];

	calendar_format_day(day, text);
	*y = atoi(text);
	*m = atoi(text + 5);
}

static void add(struct count *c, int open, int late)
{
	c->received++;
	c->open += open;
	c->late += late;
}

/* One ticket into the buckets its received day falls in. */
static void count_ticket(struct summary *s, int32_t d, int32_t received, int kind, int open,
			 int late)
{
	int dy, dm, y, m, months;

	if (received > d)
		return;
	year_month(d, &dy, &dm);
	year_month(received, &y, &m);
	if (d - received < STATEMENT_DAYS)
		add(&s->days[STATEMENT_DAYS - 1 - (d - received)][kind], open, late);
	months = (dy * 12 + dm) - (y * 12 + m);
	if (months < STATEMENT_MONTHS)
		add(&s->months[STATEMENT_MONTHS - 1 - months][kind], open, late);
	if (y >= s->first_year)
		add(&s->years[y - s->first_year][kind], open, late);
}

static void write_counts(struct xmlout *w, const struct count c[2])
{
	static const char *const kinds[2] = { "PGD", "IND" };

	for (int k = 0; k < 2; k++) {
		xmlout_start(w, "Count");
		xmlout_attr(w, "kind", kinds[k]);
		xmlout_attr_int(w, "received", c[k].received);
		xmlout_attr_int(w, "open", c[k].open);
		xmlout_attr_int(w, "late", c[k].late);
		xmlout_end(w);
	}
}

static void write_summary(struct xmlout *w, const struct summary *s, int32_t d)
{
	char text[16];
	int dy, dm;

	year_month(d, &dy, &dm);
	xmlout_start(w, "Summary");
	xmlout_start(w, "ByDay");
	for (int i = 0; i < STATEMENT_DAYS; i++) {
		calendar_format_day(d - (STATEMENT_DAYS - 1 - i), text);
		xmlout_start(w, "Day");
		xmlout_attr(w, "date", text);
		write_counts(w, s->days[i]);
		xmlout_end(w);
	}
	xmlout_end(w);
	xmlout_start(w, "ByMonth");
	for (int i = 0; i < STATEMENT_MONTHS; i++) {
		int k = dy * 12 + (dm - 1) - (STATEMENT_MONTHS - 1 - i);

		snprintf(text, sizeof(text), "%04d-%02d", (k / 12) % 10000, k % 12 + 1);
		xmlout_start(w, "Month");
		xmlout_attr(w, "month", text);
		write_counts(w, s->months[i]);
		xmlout_end(w);
	}
	xmlout_end(w);
	xmlout_start(w, "ByYear");
	for (int i = 0; i < s->n_years; i++) {
		snprintf(text, sizeof(text), "%04d", (s->first_year + i) % 10000);
		xmlout_start(w, "Year");
		xmlout_attr(w, "year", text);
		write_counts(w, s->years[i]);
		xmlout_end(w);
	}
	xmlout_end(w);
	xmlout_end(w);
}

static void write_ticket(struct xmlout *w, const struct tickets_ticket *t,
			 const struct sla_view *v)
{
	char text[32];
	int open = statemachine_is_open(statemachine_status_from_name(t->status));

	xmlout_start(w, "Ticket");
	xmlout_attr_int(w, "eventSeq", t->updated_seq);
	xmlout_attr(w, "status", t->status);
	calendar_format_day(t->due_day, text);
	xmlout_attr(w, "dueDate", text);
	if (v->running)
		xmlout_attr_int(w, "slaDaysLeft", v->days_left);
	xmlout_attr(w, "late", v->late ? "true" : "false");
	/* sisa SLA runs exactly while the ticket waits for the PUJK (SPEC §6) */
	xmlout_attr(w, "waitsFor", v->running ? "PUJK" : open ? "OJK" : "NONE");
	xmlout_element(w, "TicketNo", t->no);
	xmlout_element(w, "Kind", t->kind);
	records_format_wib(t->received_at, text);
	xmlout_element(w, "ReceivedAt", text);
	xmlout_element(w, "Subject", t->subject);
	xmlout_end(w);
}

/* Due days and views at d, the summary's buckets; views[i] for v[i]. */
static int reckon(struct calendar *cal, const struct statement_request *r,
		  struct tickets_as_of *v, size_t n, struct sla_view *views, struct summary *s)
{
	int dy, dm, y, m;

	year_month(r->day, &dy, &dm);
	s->first_year = dy;
	for (size_t i = 0; i < n; i++) {
		year_month(calendar_day_of(v[i].t.received_at), &y, &m);
		if (y < s->first_year)
			s->first_year = y;
	}
	s->n_years = dy - s->first_year + 1;
	s->years = calloc((size_t)s->n_years, sizeof(*s->years));
	if (s->years == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tickets_ticket *t = &v[i].t;
		int pgd = strcmp(t->kind, "PGD") == 0;

		t->due_day = sla_due_day(cal, pgd ? r->pengaduan_days : r->indikasi_days,
					 t->assigned_at);
		if (t->extended)
			t->due_day = sla_extend(cal, t->due_day, r->extension_days);
		views[i] = tickets_sla(cal, t, r->day);
		count_ticket(s, r->day, calendar_day_of(t->received_at), pgd ? 0 : 1,
			     statemachine_is_open(statemachine_status_from_name(t->status)),
			     views[i].late);
	}
	return 0;
}

static int listed(const struct tickets_as_of *a, int32_t d)
{
	return statemachine_is_open(statemachine_status_from_name(a->t.status)) ||
	       d - calendar_day_of(a->changed_at) < STATEMENT_DAYS;
}

int statement_write_fd(struct ledger *l, struct calendar *cal, const struct statement_request *r,
		       int fd, long *tickets, struct err *e)
{
	struct tickets_as_of *v = NULL;
	struct sla_view *views = NULL;
	struct summary s;
	struct xmlout *w = NULL;
	char when[32], what[128];
	size_t n = 0;
	int result = -1;

	memset(&s, 0, sizeof(s));
	*tickets = 0;
	if (tickets_as_of(l, r->pujk_code, statement_as_of(r->day), &v, &n, e) != 0)
		goto out;
	views = calloc(n ? n : 1, sizeof(*views));
	if (views == NULL || reckon(cal, r, v, n, views, &s) != 0) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	w = xmlout_open(fd, "Statement", e);
	if (w == NULL)
		goto out;
	xmlout_start(w, "Header");
	xmlout_element(w, "StatementId", r->statement_id);
	xmlout_element(w, "PujkCode", r->pujk_code);
	records_format_wib(r->created_at, when);
	xmlout_element(w, "CreatedAt", when);
	records_format_wib(statement_as_of(r->day), when);
	xmlout_element(w, "AsOf", when);
	xmlout_end(w);
	write_summary(w, &s, r->day);
	xmlout_start(w, "Tickets");
	for (size_t i = 0; i < n; i++) {
		if (!listed(&v[i], r->day))
			continue;
		write_ticket(w, &v[i].t, &views[i]);
		(*tickets)++;
	}
	xmlout_end(w);
	snprintf(what, sizeof(what), "statement '%s'", r->statement_id);
	result = xmlout_close(w, what, e);
	w = NULL;
out:
	if (w)
		xmlout_close(w, "a statement", NULL);
	free(s.years);
	free(views);
	tickets_as_of_free(v, n);
	return result;
}
