/*
 * report - the figures of SPEC §9 over the ledger and the report's files.
 *
 * Offers report_make (figures, XML, HTML, CSV in memory), report_files_write
 * and the small pieces the unit tests call (masking, median, CSV quoting);
 * see report.h.  Which tickets count and how is defined in docs/DESIGN.md
 * "Reports".  The ledger is read in one transaction: one statement returns
 * the events recorded by AsOf of every ticket in the report, ordered by
 * ticket, and each ticket is folded here as its rows go by (status, PUJK,
 * responses since the assignment); its sisa SLA and lateness come from
 * sla_view_of, as for every view.  A second statement counts the trends.
 *
 * Made to hold 100,000 tickets in a few seconds and a bounded memory: the
 * ticket rows are small structs, and report_render writes the files from
 * them without a tree of every ticket.
 *
 * Errors: ERR_USAGE for a period that ends before it starts, ERR_NOT_FOUND
 * for a PUJK the ledger does not know, ERR_IO for the ledger and the disk,
 * ERR_CONFIG for the calendar, and report_render's errors.
 */
#include "report/report.h"
#include "report/report_render.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain/calendar.h"
#include "ledger/history.h"
#include "domain/records.h"
#include "util/safefile.h"
#include "domain/sla.h"
#include "domain/statemachine.h"

/*
 * The events recorded by AsOf (?1) of every ticket in the report, in ticket
 * then ledger order: the tickets received in the period ([?2, ?3) in UTC),
 * and with ?4 = 1 also those received before it that may be open at AsOf
 * (open now, or changed after AsOf: a PK lookup of the last event), whose
 * state at AsOf the fold decides.  The JSON is read only where it matters:
 * the NewTicket's NIK and subject, a FollowUp's action, a Decision's outcome.
 * The ticket table is scanned in its key order and event_ticket's index
 * keeps each ticket's events in seq order, so nothing is sorted.
 */
static const char events_sql[] =
	"SELECT t.no, t.kind, t.received_at, t.received_at >= ?2, e.record, e.actor,"
	" e.pujk_code, e.happened_at, e.status_after,"
	" CASE WHEN e.record = 'NewTicket' THEN json_extract(e.detail, '$.consumer.nik') END,"
	" CASE WHEN e.record = 'NewTicket' THEN json_extract(e.detail, '$.subject') END,"
	" CASE e.record WHEN 'FollowUp' THEN json_extract(e.detail, '$.action')"
	"  WHEN 'Decision' THEN json_extract(e.detail, '$.outcome') END"
	" FROM ticket t JOIN event e ON e.ticket_no = t.no"
	" WHERE e.recorded_at <= ?1 AND t.received_at < ?3 AND (t.received_at >= ?2"
	"  OR (?4 AND (t.status NOT IN ('SELESAI', 'DITUTUP')"
	"   OR (SELECT u.recorded_at FROM event u WHERE u.seq = t.updated_seq) > ?1)))"
	" ORDER BY t.no, e.seq";

/*
 * The trends: tickets received (a NewTicket; for one PUJK also a Reassign
 * to it) and closed (an event leaving the ticket SELESAI or DITUTUP) by the
 * WIB day they happened in [?2, ?3), recorded by AsOf (?1), of the PUJK ?4
 * (the event's PUJK) or of any.
 */
static const char trends_sql[] =
	"SELECT e.happened_at, e.status_after IN ('SELESAI', 'DITUTUP'),"
	" e.record = 'NewTicket' OR (?4 IS NOT NULL AND e.record = 'Reassign')"
	" FROM event e WHERE e.recorded_at <= ?1 AND e.happened_at >= ?2"
	" AND e.happened_at < ?3 AND (?4 IS NULL OR e.pujk_code = ?4)"
	" AND (e.record IN ('NewTicket', 'Reassign') OR e.status_after IN ('SELESAI', 'DITUTUP'))";

static const char pujk_sql[] =
	"SELECT code, name FROM pujk WHERE ?1 IS NULL OR code = ?1 ORDER BY code";

/* ------------------------------------------------------------ pieces */

void report_mask_nik(const char *nik, char out[17])
{
	out[0] = '\0';
	if (nik == NULL || strlen(nik) != 16 || strspn(nik, "0123456789") != 16)
		return;
	memset(out, '*', 12);
	memcpy(out + 12, nik + 12, 4);
	out[16] = '\0';
}



/* ---------------------------------------------------------- reading */

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", s ? (const char *)s : "");
}

static int cmp_pujk(const void *key, const void *row)
{
	return strcmp(key, ((const struct pujk_row *)row)->code);
}

static int cmp_pujk_rows(const void *a, const void *b)
{
	return strcmp(((const struct pujk_row *)a)->code, ((const struct pujk_row *)b)->code);
}

/* The row of code; one is added (without a name) for a PUJK not registered. */
static struct pujk_row *pujk_of(struct report_data *d, const char *code)
{
	struct pujk_row *p = bsearch(code, d->pujk, d->n_pujk, sizeof(d->pujk[0]), cmp_pujk);

	if (p != NULL)
		return p;
	p = realloc(d->pujk, (d->n_pujk + 1) * sizeof(*p));
	if (p == NULL)
		return NULL;
	d->pujk = p;
	p = &d->pujk[d->n_pujk++];
	memset(p, 0, sizeof(*p));
	snprintf(p->code, sizeof(p->code), "%s", code);
	if ((p->name = strdup("")) == NULL)
		return NULL;
	qsort(d->pujk, d->n_pujk, sizeof(d->pujk[0]), cmp_pujk_rows);
	return bsearch(code, d->pujk, d->n_pujk, sizeof(d->pujk[0]), cmp_pujk);
}

/* Every registered PUJK (or the one asked for), also those without tickets. */
static int read_pujk(struct ledger *l, const struct report_request *r, struct report_data *d,
		     struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ledger_db(l), pujk_sql, -1, &st, NULL) != SQLITE_OK ||
	    (r->pujk ? sqlite3_bind_text(st, 1, r->pujk, -1, SQLITE_STATIC)
		     : sqlite3_bind_null(st, 1)) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the PUJK");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct pujk_row *p = realloc(d->pujk, (d->n_pujk + 1) * sizeof(*p));

		if (p == NULL)
			goto oom;
		d->pujk = p;
		p = &d->pujk[d->n_pujk++];
		memset(p, 0, sizeof(*p));
		copy_col(p->code, sizeof(p->code), st, 0);
		p->name = strdup(sqlite3_column_text(st, 1)
					 ? (const char *)sqlite3_column_text(st, 1) : "");
		if (p->name == NULL)
			goto oom;
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the PUJK");
		goto out;
	}
	if (r->pujk && d->n_pujk == 0) {
		err_set(e, ERR_NOT_FOUND, "unknown PUJK '%s'", r->pujk);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
out:
	sqlite3_finalize(st);
	return rc;
}

static int col_is(sqlite3_stmt *st, int col, const char *s)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return v != NULL && strcmp((const char *)v, s) == 0;
}

/* A new ticket row from the first event row of its ticket. */
static struct ticket_row *ticket_begin(struct report_data *d, sqlite3_stmt *st)
{
	struct ticket_row *t;

	if (d->n_tickets == d->cap_tickets) {
		size_t cap = d->cap_tickets ? d->cap_tickets * 2 : 256;

		t = realloc(d->tickets, cap * sizeof(*t));
		if (t == NULL)
			return NULL;
		d->tickets = t;
		d->cap_tickets = cap;
	}
	t = &d->tickets[d->n_tickets++];
	memset(t, 0, sizeof(*t));
	copy_col(t->no, sizeof(t->no), st, 0);
	copy_col(t->kind, sizeof(t->kind), st, 1);
	t->received_at = sqlite3_column_int64(st, 2);
	t->start_at = t->received_at;
	t->in_period = sqlite3_column_int(st, 3) != 0;
	return t;
}

/*
 * Fold one event into its ticket.  "Since the assignment" restarts at a
 * NewTicket or a Reassign: what the PUJK now responsible did (DESIGN
 * "Reports").  Columns as in events_sql.
 */
static int ticket_event(struct ticket_row *t, sqlite3_stmt *st)
{
	int64_t at = sqlite3_column_int64(st, 7);
	int is_new = col_is(st, 4, "NewTicket"), reassign = col_is(st, 4, "Reassign");

	copy_col(t->pujk, sizeof(t->pujk), st, 6);
	copy_col(t->status, sizeof(t->status), st, 8);
	if (is_new || reassign) {
		t->first_at = t->proposal_at = 0;
		t->extended = t->took = t->followed = t->proposed = 0;
		t->accepted = t->rejected = 0;
		t->start_at = reassign ? at : t->received_at;
	}
	if (is_new) {
		report_mask_nik((const char *)sqlite3_column_text(st, 9), t->nik);
		free(t->subject);
		t->subject = strdup(sqlite3_column_text(st, 10)
					    ? (const char *)sqlite3_column_text(st, 10) : "");
		if (t->subject == NULL)
			return -1;
		return 0;
	}
	/* a HistoryRequest asks, it does not answer: not a first response */
	if (!col_is(st, 5, "INTAKE") && !col_is(st, 4, "HistoryRequest") &&
	    (t->first_at == 0 || at < t->first_at))
		t->first_at = at;
	if (col_is(st, 4, "TakeOver")) {
		t->took = 1;
	} else if (col_is(st, 4, "FollowUp")) {
		t->followed = 1;
		if (col_is(st, 11, "EXTENSION"))
			t->extended = 1;
	} else if (col_is(st, 4, "ResolutionProposal")) {
		t->proposed = 1;
		if (t->proposal_at == 0 || at < t->proposal_at)
			t->proposal_at = at;
	} else if (col_is(st, 4, "Decision")) {
		if (col_is(st, 11, "ACCEPTED"))
			t->accepted = 1;
		else if (col_is(st, 11, "REJECTED"))
			t->rejected = 1;
	}
	return 0;
}

static int add_value(int **arr, size_t *n, int v)
{
	int *p = realloc(*arr, (*n + 1) * sizeof(int));

	if (p == NULL)
		return -1;
	p[(*n)++] = v;
	*arr = p;
	return 0;
}

/* Fold one ticket into f: the counts and the working-day figures. */
static int count_ticket(struct figures *f, struct calendar *cal, const struct ticket_row *t,
			int32_t as_of_day)
{
	int32_t start_day = calendar_day_of(t->start_at);
	enum ticket_status status = statemachine_status_from_name(t->status);
	int closed = !statemachine_is_open(status);

	f->n[C_RECEIVED]++;
	f->n[strcmp(t->kind, "PGD") == 0 ? C_PGD : C_IND]++;
	f->n[C_TAKEN_OVER] += t->took;
	f->n[C_FOLLOWED_UP] += t->followed;
	f->n[C_PROPOSED] += t->proposed;
	f->n[C_ACCEPTED] += t->accepted;
	f->n[C_REJECTED] += t->rejected;
	f->n[closed ? C_CLOSED : C_OPEN]++;
	if (t->first_at != 0) {
		int days = calendar_working_days_between(cal, start_day, calendar_day_of(t->first_at));

		f->answered++;
		if (calendar_day_of(t->first_at) <= t->due_day)
			f->on_time++;
		if (add_value(&f->to_first, &f->n_first, days < 0 ? 0 : days) < 0)
			return -1;
	}
	if (t->proposal_at != 0) {
		int days = calendar_working_days_between(cal, start_day,
							 calendar_day_of(t->proposal_at));

		if (add_value(&f->to_proposal, &f->n_proposal, days < 0 ? 0 : days) < 0)
			return -1;
	}
	if (t->sla.late)
		f->late++;
	if (!closed) {
		int age = calendar_working_days_between(cal, start_day, as_of_day);

		f->age[age <= 5 ? 0 : age <= 10 ? 1 : age <= 20 ? 2 : 3]++;
	}
	return 0;
}

/*
 * A ticket's events are all folded: keep it or drop it (another PUJK at
 * AsOf; received before the period and no longer open), and give it its
 * due day, sisa SLA and lateness by sla_view_of, the one definition.
 */
static int ticket_end(const struct config *cfg, struct calendar *cal,
		      const struct report_request *r, struct report_data *d, struct err *e)
{
	struct ticket_row *t = &d->tickets[d->n_tickets - 1];
	int is_pgd = strcmp(t->kind, "PGD") == 0;
	struct sla_ticket s = {
		.kind = is_pgd ? KIND_PGD : KIND_IND,
		.status = statemachine_status_from_name(t->status),
		.first_response_day = t->first_at ? calendar_day_of(t->first_at) : SLA_NO_DAY,
		.proposal_day = t->proposal_at ? calendar_day_of(t->proposal_at) : SLA_NO_DAY,
	};
	struct pujk_row *p;

	if ((r->pujk && strcmp(t->pujk, r->pujk) != 0) ||
	    (!t->in_period && !statemachine_is_open(s.status))) {
		free(t->subject);
		d->n_tickets--;
		return 0;
	}
	t->due_day = sla_due_day(cal, is_pgd ? cfg->sla.pengaduan_days : cfg->sla.indikasi_days,
				 t->start_at);
	if (t->extended)
		t->due_day = sla_extend(cal, t->due_day, cfg->sla.extension_days);
	s.due_day = t->due_day;
	t->sla = sla_view_of(cal, &s, d->as_of_day);
	if (!t->in_period)
		return 0; /* the backlog: listed, not counted */
	if ((p = pujk_of(d, t->pujk)) == NULL || count_ticket(&p->f, cal, t, d->as_of_day) < 0 ||
	    count_ticket(&d->total, cal, t, d->as_of_day) < 0)
		return err_set(e, ERR_INTERNAL, "out of memory");
	return 0;
}

static int bind_events(sqlite3_stmt *st, const struct report_request *r, int64_t as_of)
{
	return sqlite3_bind_int64(st, 1, as_of) != SQLITE_OK ||
	       sqlite3_bind_int64(st, 2, calendar_day_start(r->from_day)) != SQLITE_OK ||
	       sqlite3_bind_int64(st, 3, calendar_day_start(r->to_day + 1)) != SQLITE_OK ||
	       sqlite3_bind_int(st, 4, r->open_at_as_of != 0) != SQLITE_OK ? -1 : 0;
}

/* Every ticket of the report, folded from its events as they come. */
static int read_tickets(const struct config *cfg, struct calendar *cal, struct ledger *l,
			const struct report_request *r, struct report_data *d, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct ticket_row *t = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ledger_db(l), events_sql, -1, &st, NULL) != SQLITE_OK ||
	    bind_events(st, r, d->as_of) < 0) {
		ledger_err(l, e, "cannot read the report's tickets");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *no = sqlite3_column_text(st, 0);

		if (t == NULL || no == NULL || strcmp(t->no, (const char *)no) != 0) {
			if (t != NULL && ticket_end(cfg, cal, r, d, e) < 0)
				goto out;
			if ((t = ticket_begin(d, st)) == NULL)
				goto oom;
		}
		if (ticket_event(t, st) < 0)
			goto oom;
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the report's tickets");
		goto out;
	}
	if (t != NULL && ticket_end(cfg, cal, r, d, e) < 0)
		goto out;
	rc = 0;
	goto out;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
out:
	sqlite3_finalize(st);
	return rc;
}

/* Month arithmetic on WIB days: the first day of the month of day, moved by delta months. */
static int32_t month_start(int32_t day, int delta)
{
	char buf[11];
	int y, m;
	int32_t out;

	calendar_format_day(day, buf);
	y = atoi(buf);
	m = atoi(buf + 5) - 1 + delta;
	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m = ((m % 12) + 12) % 12;
	snprintf(buf, sizeof(buf), "%04d-%02d-01", y, m + 1);
	return calendar_parse_day(buf, &out) < 0 ? day : out;
}

/* The trend a day falls in: a day of the period, or one of the 12 months. */
static void trend_count(struct report_data *d, int32_t day, int received, int closed)
{
	struct trend *m = NULL;

	if (day >= d->daily[0].first_day && (size_t)(day - d->daily[0].first_day) < d->n_daily) {
		d->daily[day - d->daily[0].first_day].received += received;
		d->daily[day - d->daily[0].first_day].closed += closed;
	}
	for (int i = MONTHS - 1; i >= 0 && m == NULL; i--)
		if (day >= d->monthly[i].first_day)
			m = &d->monthly[i];
	if (m != NULL) {
		m->received += received;
		m->closed += closed;
	}
}

/* Received and closed per day of the period and per month of the 12 ending with it. */
static int read_trends(struct ledger *l, const struct report_request *r, struct report_data *d,
		       struct err *e)
{
	sqlite3_stmt *st = NULL;
	int32_t from, to = r->to_day + 1;
	int rc = -1, step;

	d->n_daily = (size_t)(r->to_day - r->from_day + 1);
	if ((d->daily = calloc(d->n_daily, sizeof(d->daily[0]))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < d->n_daily; i++)
		d->daily[i].first_day = r->from_day + (int32_t)i;
	for (int i = 0; i < MONTHS; i++)
		d->monthly[i].first_day = month_start(r->to_day, i - (MONTHS - 1));
	from = d->monthly[0].first_day < r->from_day ? d->monthly[0].first_day : r->from_day;
	if (sqlite3_prepare_v2(ledger_db(l), trends_sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, d->as_of) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, calendar_day_start(from)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, calendar_day_start(to)) != SQLITE_OK ||
	    (r->pujk ? sqlite3_bind_text(st, 4, r->pujk, -1, SQLITE_STATIC)
		     : sqlite3_bind_null(st, 4)) != SQLITE_OK) {
		ledger_err(l, e, "cannot count the report's trends");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		trend_count(d, calendar_day_of(sqlite3_column_int64(st, 0)),
			    sqlite3_column_int(st, 2), sqlite3_column_int(st, 1));
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot count the report's trends");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * For qsort over indexes (qsort passes no context; a report is made on one
 * thread): least sisa SLA first, then by number.
 */
static const struct ticket_row *sort_rows;

static int cmp_urgency(const void *a, const void *b)
{
	const struct ticket_row *x = &sort_rows[*(const size_t *)a];
	const struct ticket_row *y = &sort_rows[*(const size_t *)b];

	if (x->sla.days_left != y->sla.days_left)
		return x->sla.days_left < y->sla.days_left ? -1 : 1;
	return strcmp(x->no, y->no);
}

/*
 * The overdue list (sisa SLA negative, most late first) and the urgent one
 * (sisa SLA running, not negative, least first; the page shows the first
 * REPORT_PAGE_ROWS of each).
 */
static int order_lists(struct report_data *d, struct err *e)
{
	d->overdue = malloc((d->n_tickets + 1) * sizeof(size_t));
	d->urgent = malloc((d->n_tickets + 1) * sizeof(size_t));
	if (d->overdue == NULL || d->urgent == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < d->n_tickets; i++) {
		const struct sla_view *v = &d->tickets[i].sla;

		if (v->running && v->days_left < 0)
			d->overdue[d->n_overdue++] = i;
		else if (v->running)
			d->urgent[d->n_urgent++] = i;
	}
	sort_rows = d->tickets;
	qsort(d->overdue, d->n_overdue, sizeof(size_t), cmp_urgency);
	qsort(d->urgent, d->n_urgent, sizeof(size_t), cmp_urgency);
	sort_rows = NULL;
	return 0;
}

static void figures_free(struct figures *f)
{
	free(f->to_first);
	free(f->to_proposal);
}

static void data_free(struct report_data *d)
{
	for (size_t i = 0; i < d->n_pujk; i++) {
		free(d->pujk[i].name);
		figures_free(&d->pujk[i].f);
	}
	free(d->pujk);
	for (size_t i = 0; i < d->n_tickets; i++)
		free(d->tickets[i].subject);
	free(d->tickets);
	free(d->overdue);
	free(d->urgent);
	free(d->daily);
	figures_free(&d->total);
}

/* ------------------------------------------------------------ make */

/* One constant statement without rows (a savepoint's steps). */
static int run_sql(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/*
 * The PUJK, tickets, trends and chain head in one read transaction, so
 * that they see the same ledger; a savepoint, so that a caller inside its
 * own transaction (the run's last stage) may call this too.
 */
static int read_period(const struct config *cfg, struct calendar *cal, struct ledger *l,
		       const struct report_request *r, struct report_data *d, struct err *e)
{
	if (run_sql(l, "SAVEPOINT report_read") < 0)
		return ledger_err(l, e, "cannot begin reading the ledger");
	if (read_pujk(l, r, d, e) < 0 || read_tickets(cfg, cal, l, r, d, e) < 0 ||
	    read_trends(l, r, d, e) < 0 ||
	    history_read_head(l, &d->head_seq, d->head_hash, e) < 0) {
		if (run_sql(l, "ROLLBACK TO report_read") == 0)
			run_sql(l, "RELEASE report_read");
		return -1;
	}
	if (run_sql(l, "RELEASE report_read") < 0)
		return ledger_err(l, e, "cannot end reading the ledger");
	/* the page cache is not read again: its memory serves the files instead */
	sqlite3_db_release_memory(ledger_db(l));
	return 0;
}

int report_make(const struct config *cfg, struct ledger *l, const struct report_request *r,
		struct report_files *out, struct err *e)
{
	static const char *const names[REPORT_FILE_COUNT] = {
		REPORT_XML, REPORT_HTML, REPORT_CSV_PUJK, REPORT_CSV_TOTAL,
		REPORT_CSV_TICKETS, REPORT_CSV_OVERDUE, REPORT_CSV_DAILY, REPORT_CSV_MONTHLY,
	};
	struct report_buf files[REPORT_FILE_COUNT];
	struct report_data d;
	struct calendar *cal = NULL;
	int rc = -1;
	int64_t period_end = calendar_day_start(r->to_day + 1) - 1;

	memset(&d, 0, sizeof(d));
	memset(files, 0, sizeof(files));
	memset(out, 0, sizeof(*out));
	if (r->to_day < r->from_day)
		return err_set(e, ERR_USAGE, "the period ends before it starts");
	d.as_of = r->now < period_end ? r->now : period_end;
	d.as_of_day = calendar_day_of(d.as_of);
	if (calendar_load(&cal, cfg->calendar.dir, e) < 0)
		goto out;
	if (read_period(cfg, cal, l, r, &d, e) < 0 || order_lists(&d, e) < 0 ||
	    report_render(cfg, r, &d, cal, files, e) < 0)
		goto out;
	for (int i = 0; i < REPORT_FILE_COUNT; i++) {
		if (files[i].failed) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		out->name[i] = names[i];
		out->data[i] = files[i].data;
		out->size[i] = files[i].len;
		files[i].data = NULL;
	}
	out->missing_year = calendar_missing_year(cal);
	rc = 0;
out:
	if (rc < 0)
		report_files_free(out);
	for (int i = 0; i < REPORT_FILE_COUNT; i++)
		free(files[i].data);
	data_free(&d);
	calendar_free(cal);
	return rc;
}

void report_files_free(struct report_files *f)
{
	for (int i = 0; i < REPORT_FILE_COUNT; i++) {
		free(f->data[i]);
		f->data[i] = NULL;
	}
}

/* ------------------------------------------------------------ write */

int report_make_dirs(const char *dir, struct err *e)
{
	return safefile_mkdirs(dir, 0750, e);
}

int report_write_file(const char *dir, const char *name, const unsigned char *data,
		      size_t size, struct err *e)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return err_set(e, ERR_IO, "path too long in '%s'", dir);
	return safefile_write_file(path, data, size, 0640, e);
}

int report_files_write(const struct report_files *f, const char *dir, struct err *e)
{
	if (report_make_dirs(dir, e) < 0)
		return -1;
	for (int i = 0; i < REPORT_FILE_COUNT; i++)
		if (report_write_file(dir, f->name[i], f->data[i], f->size[i], e) < 0)
			return -1;
	return 0;
}
