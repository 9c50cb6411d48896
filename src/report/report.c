/*
 * report - the figures of SPEC §9 over the ledger and the report's files.
 *
 * Offers report_make (figures, XML, HTML, CSV in memory), report_files_write
 * and the small pieces the unit tests call (masking, median, CSV quoting);
 * see report.h.  The ledger is read in one transaction so that the figures
 * and the ticket rows agree.  Which tickets count and how is defined in
 * docs/DESIGN.md "Reports": the SQL below gathers one row per ticket as of
 * the report's AsOf instant and counts them per PUJK; the working-day
 * figures (due day, lateness, medians, ages) are computed here with sla.c.
 *
 * Errors: ERR_USAGE for a period that ends before it starts, ERR_NOT_FOUND
 * for a PUJK the ledger does not know, ERR_IO for the ledger and the disk,
 * ERR_CONFIG for the calendar, ERR_INTERNAL when the report fails its own
 * schema or the stylesheet fails (a bug, never the data's fault).
 */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "domain/calendar.h"
#include "util/embedded.h"
#include "util/csv.h"
#include "ledger/history.h"
#include "domain/records.h"
#include "util/safefile.h"
#include "xml/schema.h"
#include "domain/sla.h"
#include "domain/statemachine.h"


/*
 * One row per ticket received in the period, as the ledger knew it at ?1
 * (AsOf): only events recorded by then count.  "Since the assignment" is
 * after the last NewTicket or Reassign event: what the PUJK now responsible
 * did.  ?2 and ?3 bound ReceivedAt (UTC instants of the period's WIB days),
 * ?4 is the one PUJK or NULL.  k is not materialized, so that each lookup
 * in it uses event's ticket index.
 */
#define SCOPE_SQL                                                                        \
	"WITH k AS NOT MATERIALIZED (SELECT * FROM event WHERE recorded_at <= ?1),"                       \
	" t0 AS (SELECT t.no, t.kind, t.received_at, t.created_seq,"                     \
	"  (SELECT MAX(seq) FROM k WHERE k.ticket_no = t.no"                             \
	"   AND k.record IN ('NewTicket', 'Reassign')) AS aseq,"                         \
	"  (SELECT MAX(seq) FROM k WHERE k.ticket_no = t.no) AS lseq"                    \
	"  FROM ticket t WHERE t.received_at >= ?2 AND t.received_at < ?3),"             \
	" s AS (SELECT t0.no AS no, t0.kind AS kind, t0.received_at AS received_at,"     \
	"  l.pujk_code AS pujk, l.status_after AS status,"                               \
	"  CASE a.record WHEN 'Reassign' THEN a.happened_at ELSE t0.received_at END"     \
	"   AS start_at,"                                                                \
	"  (SELECT MIN(happened_at) FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq" \
	"   AND k.actor <> 'INTAKE' AND k.record <> 'HistoryRequest') AS first_at,"      \
	"  (SELECT MIN(happened_at) FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq" \
	"   AND k.record = 'ResolutionProposal') AS proposal_at,"                        \
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"        \
	"   AND k.record = 'FollowUp'"                                                   \
	"   AND json_extract(k.detail, '$.action') = 'EXTENSION') AS extended,"          \
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"        \
	"   AND k.record = 'TakeOver') AS took,"                                         \
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"        \
	"   AND k.record = 'FollowUp') AS followed,"                                     \
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"        \
	"   AND k.record = 'ResolutionProposal') AS proposed,"                           \
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"        \
	"   AND k.record = 'Decision'"                                                   \
	"   AND json_extract(k.detail, '$.outcome') = 'ACCEPTED') AS accepted,"          \
	"  EXISTS (SELECT 1 FROM k WHERE k.ticket_no = t0.no AND k.seq > t0.aseq"        \
	"   AND k.record = 'Decision'"                                                   \
	"   AND json_extract(k.detail, '$.outcome') = 'REJECTED') AS rejected,"          \
	"  (SELECT json_extract(e.detail, '$.consumer.nik') FROM event e"                \
	"   WHERE e.seq = t0.created_seq) AS nik"                                        \
	"  FROM t0 JOIN k l ON l.seq = t0.lseq JOIN k a ON a.seq = t0.aseq"              \
	"  WHERE ?4 IS NULL OR l.pujk_code = ?4)"

static const char tickets_sql[] =
	SCOPE_SQL
	" SELECT no, kind, pujk, status, received_at, start_at, first_at, proposal_at,"
	" extended, nik FROM s ORDER BY no";

/* Every registered PUJK (or the one asked for), also without tickets. */
static const char counts_sql[] =
	SCOPE_SQL
	", codes AS (SELECT code FROM pujk WHERE ?4 IS NULL OR code = ?4"
	"  UNION SELECT pujk FROM s)"
	" SELECT c.code, COALESCE(p.name, ''), COUNT(s.no),"
	" COUNT(CASE WHEN s.kind = 'PGD' THEN 1 END),"
	" COUNT(CASE WHEN s.kind = 'IND' THEN 1 END),"
	" COUNT(CASE WHEN s.took THEN 1 END),"
	" COUNT(CASE WHEN s.followed THEN 1 END),"
	" COUNT(CASE WHEN s.proposed THEN 1 END),"
	" COUNT(CASE WHEN s.accepted THEN 1 END),"
	" COUNT(CASE WHEN s.rejected THEN 1 END),"
	" COUNT(CASE WHEN s.status IN ('SELESAI', 'DITUTUP') THEN 1 END),"
	" COUNT(CASE WHEN s.status NOT IN ('SELESAI', 'DITUTUP') THEN 1 END)"
	" FROM codes c LEFT JOIN pujk p ON p.code = c.code LEFT JOIN s ON s.pujk = c.code"
	" GROUP BY c.code ORDER BY c.code";

enum count_col {
	C_RECEIVED,
	C_PGD,
	C_IND,
	C_TAKEN_OVER,
	C_FOLLOWED_UP,
	C_PROPOSED,
	C_ACCEPTED,
	C_REJECTED,
	C_CLOSED,
	C_OPEN,
	C_SQL_COUNT
};

struct figures {
	long n[C_SQL_COUNT];
	long late, answered, on_time;
	long age[4];          /* <= 5, 6-10, 11-20, > 20 working days */
	int *to_first, *to_proposal; /* working days, one per answered / proposed ticket */
	size_t n_first, n_proposal;
};

struct pujk_row {
	char code[16];
	char *name;
	struct figures f;
};

struct ticket_row {
	char no[32];
	char kind[4];
	char pujk[16];
	char status[24];
	int64_t received_at, start_at, first_at, proposal_at; /* 0: none */
	int extended;
	char nik[17];   /* masked, "" when none */
	int32_t due_day;
	int late;
};

struct report_data {
	int64_t as_of;
	int32_t as_of_day;
	int64_t head_seq;
	char head_hash[65];
	struct pujk_row *pujk;
	size_t n_pujk;
	struct ticket_row *tickets;
	size_t n_tickets;
	struct figures total;
};

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

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

long report_median2(int *values, size_t n)
{
	if (n == 0)
		return -1;
	qsort(values, n, sizeof(values[0]), cmp_int);
	if (n % 2 == 1)
		return 2L * values[n / 2];
	return (long)values[n / 2 - 1] + values[n / 2];
}

void report_buf_add(struct report_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		if (p == NULL) {
			b->failed = 1;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void buf_str(struct report_buf *b, const char *s)
{
	report_buf_add(b, s, strlen(s));
}

static void put_buf(void *ctx, const char *s, size_t n)
{
	report_buf_add(ctx, s, n);
}

void report_csv_field(struct report_buf *b, const char *field)
{
	csv_cell(field, put_buf, b);
}

/* ---------------------------------------------------------- figures */

static int bind_scope(sqlite3_stmt *st, const struct report_request *r, int64_t as_of)
{
	int64_t from = calendar_day_start(r->from_day);
	int64_t to = calendar_day_start(r->to_day + 1);

	if (sqlite3_bind_int64(st, 1, as_of) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, from) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, to) != SQLITE_OK)
		return -1;
	if (r->pujk)
		return sqlite3_bind_text(st, 4, r->pujk, -1, SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
	return sqlite3_bind_null(st, 4) == SQLITE_OK ? 0 : -1;
}

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", s ? (const char *)s : "");
}

static int read_counts(struct ledger *l, const struct report_request *r,
		       struct report_data *d, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ledger_db(l), counts_sql, -1, &st, NULL) != SQLITE_OK ||
	    bind_scope(st, r, d->as_of) < 0) {
		ledger_err(l, e, "cannot count the report's tickets");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct pujk_row *p = realloc(d->pujk, (d->n_pujk + 1) * sizeof(*p));

		if (p == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		d->pujk = p;
		p = &d->pujk[d->n_pujk];
		memset(p, 0, sizeof(*p));
		d->n_pujk++;
		copy_col(p->code, sizeof(p->code), st, 0);
		p->name = strdup(sqlite3_column_text(st, 1)
					 ? (const char *)sqlite3_column_text(st, 1) : "");
		if (p->name == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (int c = 0; c < C_SQL_COUNT; c++) {
			p->f.n[c] = (long)sqlite3_column_int64(st, 2 + c);
			d->total.n[c] += p->f.n[c];
		}
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot count the report's tickets");
		goto out;
	}
	if (r->pujk && d->n_pujk == 0) {
		err_set(e, ERR_NOT_FOUND, "unknown PUJK '%s'", r->pujk);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int read_tickets(struct ledger *l, const struct report_request *r,
			struct report_data *d, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ledger_db(l), tickets_sql, -1, &st, NULL) != SQLITE_OK ||
	    bind_scope(st, r, d->as_of) < 0) {
		ledger_err(l, e, "cannot read the report's tickets");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ticket_row *t = realloc(d->tickets, (d->n_tickets + 1) * sizeof(*t));

		if (t == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		d->tickets = t;
		t = &d->tickets[d->n_tickets++];
		memset(t, 0, sizeof(*t));
		copy_col(t->no, sizeof(t->no), st, 0);
		copy_col(t->kind, sizeof(t->kind), st, 1);
		copy_col(t->pujk, sizeof(t->pujk), st, 2);
		copy_col(t->status, sizeof(t->status), st, 3);
		t->received_at = sqlite3_column_int64(st, 4);
		t->start_at = sqlite3_column_int64(st, 5);
		t->first_at = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 6);
		t->proposal_at = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0
									    : sqlite3_column_int64(st, 7);
		t->extended = sqlite3_column_int(st, 8);
		report_mask_nik((const char *)sqlite3_column_text(st, 9), t->nik);
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the report's tickets");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int cmp_pujk(const void *key, const void *row)
{
	return strcmp(key, ((const struct pujk_row *)row)->code);
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

/* Fold one ticket's working-day figures into f. */
static int count_ticket(struct figures *f, struct calendar *cal, const struct ticket_row *t,
			int32_t as_of_day)
{
	int32_t start_day = calendar_day_of(t->start_at);
	enum ticket_status status = statemachine_status_from_name(t->status);

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
	if (t->late)
		f->late++;
	if (statemachine_is_open(status)) {
		int age = calendar_working_days_between(cal, start_day, as_of_day);

		f->age[age <= 5 ? 0 : age <= 10 ? 1 : age <= 20 ? 2 : 3]++;
	}
	return 0;
}

static int compute(const struct config *cfg, struct calendar *cal, struct report_data *d,
		   struct err *e)
{
	for (size_t i = 0; i < d->n_tickets; i++) {
		struct ticket_row *t = &d->tickets[i];
		int is_pgd = strcmp(t->kind, "PGD") == 0;
		struct sla_ticket s = {
			.kind = is_pgd ? KIND_PGD : KIND_IND,
			.status = statemachine_status_from_name(t->status),
			.first_response_day = t->first_at ? calendar_day_of(t->first_at) : SLA_NO_DAY,
			.proposal_day = t->proposal_at ? calendar_day_of(t->proposal_at) : SLA_NO_DAY,
		};
		struct pujk_row *p = bsearch(t->pujk, d->pujk, d->n_pujk, sizeof(d->pujk[0]),
					     cmp_pujk);

		t->due_day = sla_due_day(cal, is_pgd ? cfg->sla.pengaduan_days
						     : cfg->sla.indikasi_days, t->start_at);
		if (t->extended)
			t->due_day = sla_extend(cal, t->due_day, cfg->sla.extension_days);
		s.due_day = t->due_day;
		t->late = sla_view_of(cal, &s, d->as_of_day).late;
		if (p == NULL)
			return err_set(e, ERR_INTERNAL, "ticket '%s' of PUJK '%s' was not counted",
				       t->no, t->pujk);
		if (count_ticket(&p->f, cal, t, d->as_of_day) < 0 ||
		    count_ticket(&d->total, cal, t, d->as_of_day) < 0)
			return err_set(e, ERR_INTERNAL, "out of memory");
	}
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
	free(d->tickets);
	figures_free(&d->total);
}

/* -------------------------------------------------------------- XML */

static void format_median(long m2, char buf[32])
{
	snprintf(buf, 32, "%ld%s", m2 / 2, m2 % 2 ? ".5" : "");
}

/* tenths of a percent, rounded half up */
static void format_share(long part, long whole, char buf[32])
{
	long tenths = (part * 1000 + whole / 2) / whole;

	snprintf(buf, 32, "%ld.%ld", tenths / 10, tenths % 10);
}

static xmlNodePtr add_el(xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
}

static void add_num(xmlNodePtr parent, const char *name, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	add_el(parent, name, buf);
}

static void num_attr(xmlNodePtr node, const char *name, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	xmlNewProp(node, BAD_CAST name, BAD_CAST buf);
}

static const char *const count_names[C_SQL_COUNT] = {
	"Received", "ReceivedPgd", "ReceivedInd", "TakenOver", "FollowedUp",
	"Proposed", "Accepted", "Rejected", "Closed", "Open",
};

static void add_figures(xmlNodePtr node, struct figures *f)
{
	char buf[32];
	xmlNodePtr age;
	long m2;

	for (int c = 0; c < C_SQL_COUNT; c++)
		add_num(node, count_names[c], f->n[c]);
	add_num(node, "Late", f->late);
	add_num(node, "Answered", f->answered);
	add_num(node, "AnsweredOnTime", f->on_time);
	if (f->answered > 0) {
		format_share(f->on_time, f->answered, buf);
		add_el(node, "OnTimeShare", buf);
	}
	if ((m2 = report_median2(f->to_first, f->n_first)) >= 0) {
		format_median(m2, buf);
		add_el(node, "MedianDaysToFirstResponse", buf);
	}
	if ((m2 = report_median2(f->to_proposal, f->n_proposal)) >= 0) {
		format_median(m2, buf);
		add_el(node, "MedianDaysToProposal", buf);
	}
	age = add_el(node, "OpenByAge", NULL);
	num_attr(age, "upTo5", f->age[0]);
	num_attr(age, "from6To10", f->age[1]);
	num_attr(age, "from11To20", f->age[2]);
	num_attr(age, "over20", f->age[3]);
}

static xmlDocPtr build_xml(const struct config *cfg, const struct report_request *r,
			   struct report_data *d, struct calendar *cal)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root, hdr, sla, sum, tickets, node;
	char buf[64];

	if (doc == NULL)
		return NULL;
	root = xmlNewDocNode(doc, NULL, BAD_CAST "Report", NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, BAD_CAST SCHEMA_NS, NULL));
	xmlNewProp(root, BAD_CAST "schemaVersion", BAD_CAST "1.0");

	hdr = add_el(root, "Header", NULL);
	records_format_wib(r->now, buf);
	add_el(hdr, "CreatedAt", buf);
	calendar_format_day(r->from_day, buf);
	add_el(hdr, "PeriodFrom", buf);
	calendar_format_day(r->to_day, buf);
	add_el(hdr, "PeriodTo", buf);
	records_format_wib(d->as_of, buf);
	add_el(hdr, "AsOf", buf);
	if (r->pujk)
		add_el(hdr, "PujkCode", r->pujk);
	sla = add_el(hdr, "Sla", NULL);
	num_attr(sla, "pengaduanDays", cfg->sla.pengaduan_days);
	num_attr(sla, "indikasiDays", cfg->sla.indikasi_days);
	num_attr(sla, "extensionDays", cfg->sla.extension_days);
	if (d->head_seq > 0) {
		node = add_el(hdr, "ChainHead", NULL);
		num_attr(node, "seq", (long)d->head_seq);
		xmlNewProp(node, BAD_CAST "hash", BAD_CAST d->head_hash);
	}
	if (calendar_missing_year(cal) != 0)
		add_num(hdr, "CalendarWarning", calendar_missing_year(cal));

	sum = add_el(root, "Summary", NULL);
	for (size_t i = 0; i < d->n_pujk; i++) {
		node = add_el(sum, "Pujk", NULL);
		xmlNewProp(node, BAD_CAST "code", BAD_CAST d->pujk[i].code);
		xmlNewProp(node, BAD_CAST "name", BAD_CAST d->pujk[i].name);
		add_figures(node, &d->pujk[i].f);
	}
	add_figures(add_el(sum, "Total", NULL), &d->total);

	tickets = add_el(root, "Tickets", NULL);
	for (size_t i = 0; i < d->n_tickets; i++) {
		const struct ticket_row *t = &d->tickets[i];

		node = add_el(tickets, "Ticket", NULL);
		add_el(node, "TicketNo", t->no);
		add_el(node, "Kind", t->kind);
		add_el(node, "PujkCode", t->pujk);
		add_el(node, "Status", t->status);
		records_format_wib(t->received_at, buf);
		add_el(node, "ReceivedAt", buf);
		calendar_format_day(t->due_day, buf);
		add_el(node, "DueDate", buf);
		if (t->first_at) {
			records_format_wib(t->first_at, buf);
			add_el(node, "FirstResponseAt", buf);
		}
		if (t->proposal_at) {
			records_format_wib(t->proposal_at, buf);
			add_el(node, "ProposalAt", buf);
		}
		add_el(node, "Late", t->late ? "true" : "false");
		if (t->nik[0])
			add_el(node, "Nik", t->nik);
	}
	return doc;
}

static void collect_schema_error(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void collect_schema_error(void *ctx, const char *fmt, ...)
{
	char *msg = ctx;
	size_t len = strlen(msg);
	va_list ap;

	if (len > 0)
		return; /* the first error is the one that matters */
	va_start(ap, fmt);
	vsnprintf(msg, 512, fmt, ap);
	va_end(ap);
}

static int validate(xmlDocPtr doc, struct err *e)
{
	struct schema_set *set = NULL;
	xmlSchemaValidCtxtPtr v = NULL;
	xmlSchemaPtr schema;
	char msg[512] = "";
	int rc = -1;

	if (schema_set_new(&set, e) < 0)
		goto out;
	schema = schema_for(set, ROOT_REPORT, e);
	if (schema == NULL)
		goto out;
	v = xmlSchemaNewValidCtxt(schema);
	if (v == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	xmlSchemaSetValidErrors(v, collect_schema_error, collect_schema_error, msg);
	if (xmlSchemaValidateDoc(v, doc) != 0) {
		msg[strcspn(msg, "\n")] = '\0';
		err_set(e, ERR_INTERNAL, "the report fails report.xsd: %s", msg);
		goto out;
	}
	rc = 0;
out:
	xmlSchemaFreeValidCtxt(v);
	schema_set_free(set);
	return rc;
}

/* ------------------------------------------------------------- HTML */

/*
 * The stylesheet is the embedded xsd/report.xsl.  It may read nothing and
 * write nothing: the security preferences forbid every file and network
 * access (document(), xsl:import of a path, exsl:document).
 */
static int transform(xmlDocPtr doc, unsigned char **out, size_t *out_len, struct err *e)
{
	const struct embedded_file *f = embedded_find("report.xsl");
	xsltSecurityPrefsPtr prefs = NULL;
	xsltTransformContextPtr ctxt = NULL;
	xsltStylesheetPtr style = NULL;
	xmlDocPtr xsl = NULL, html = NULL;
	xmlChar *buf = NULL;
	int len = 0, rc = -1;

	if (f == NULL)
		return err_set(e, ERR_INTERNAL, "report.xsl is not embedded");
	xsl = xmlReadMemory((const char *)f->data, (int)f->size, "report.xsl", NULL,
			    XML_PARSE_NONET);
	if (xsl == NULL || (style = xsltParseStylesheetDoc(xsl)) == NULL) {
		err_set(e, ERR_INTERNAL, "report.xsl does not compile");
		goto out;
	}
	xsl = NULL; /* owned by style now */
	prefs = xsltNewSecurityPrefs();
	ctxt = xsltNewTransformContext(style, doc);
	if (prefs == NULL || ctxt == NULL ||
	    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid) != 0 ||
	    xsltSetCtxtSecurityPrefs(prefs, ctxt) != 0) {
		err_set(e, ERR_INTERNAL, "cannot set up the report stylesheet");
		goto out;
	}
	html = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, ctxt);
	if (html == NULL || ctxt->state != XSLT_STATE_OK) {
		err_set(e, ERR_INTERNAL, "report.xsl failed on the report");
		goto out;
	}
	if (xsltSaveResultToString(&buf, &len, html, style) != 0 || buf == NULL) {
		err_set(e, ERR_INTERNAL, "cannot serialize the report page");
		goto out;
	}
	*out = malloc((size_t)len + 1);
	if (*out == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	memcpy(*out, buf, (size_t)len);
	(*out)[len] = '\0';
	*out_len = (size_t)len;
	rc = 0;
out:
	xmlFree(buf);
	xmlFreeDoc(html);
	xsltFreeTransformContext(ctxt);
	xsltFreeSecurityPrefs(prefs);
	xsltFreeStylesheet(style);
	xmlFreeDoc(xsl);
	return rc;
}

/* -------------------------------------------------------------- CSV */

static void csv_num(struct report_buf *b, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	buf_str(b, ",");
	buf_str(b, buf);
}

static void csv_figures(struct report_buf *b, const char *code, const char *name,
			struct figures *f)
{
	char buf[32] = "";
	long m2;

	report_csv_field(b, code);
	buf_str(b, ",");
	report_csv_field(b, name);
	for (int c = 0; c < C_SQL_COUNT; c++)
		csv_num(b, f->n[c]);
	csv_num(b, f->late);
	csv_num(b, f->answered);
	csv_num(b, f->on_time);
	buf[0] = '\0';
	if (f->answered > 0)
		format_share(f->on_time, f->answered, buf);
	buf_str(b, ",");
	buf_str(b, buf);
	buf[0] = '\0';
	if ((m2 = report_median2(f->to_first, f->n_first)) >= 0)
		format_median(m2, buf);
	buf_str(b, ",");
	buf_str(b, buf);
	buf[0] = '\0';
	if ((m2 = report_median2(f->to_proposal, f->n_proposal)) >= 0)
		format_median(m2, buf);
	buf_str(b, ",");
	buf_str(b, buf);
	for (int a = 0; a < 4; a++)
		csv_num(b, f->age[a]);
	buf_str(b, "\r\n");
}

static void make_csv(const struct report_request *r, struct report_data *d,
		     struct report_buf *pujk, struct report_buf *tickets)
{
	static const char bom[] = "\xef\xbb\xbf";
	char buf[32];

	if (r->csv_bom) {
		buf_str(pujk, bom);
		buf_str(tickets, bom);
	}
	buf_str(pujk, "pujk_code,pujk_name,received,received_pgd,received_ind,taken_over,"
		      "followed_up,proposed,accepted,rejected,closed,open,late,answered,"
		      "answered_on_time,on_time_share_pct,median_days_to_first_response,"
		      "median_days_to_proposal,open_age_0_5,open_age_6_10,open_age_11_20,"
		      "open_age_over_20\r\n");
	for (size_t i = 0; i < d->n_pujk; i++)
		csv_figures(pujk, d->pujk[i].code, d->pujk[i].name, &d->pujk[i].f);
	csv_figures(pujk, "", "TOTAL", &d->total);

	buf_str(tickets, "ticket_no,kind,pujk_code,status,received_at,due_date,"
			 "first_response_at,proposal_at,late,nik_masked\r\n");
	for (size_t i = 0; i < d->n_tickets; i++) {
		const struct ticket_row *t = &d->tickets[i];

		report_csv_field(tickets, t->no);
		buf_str(tickets, ",");
		report_csv_field(tickets, t->kind);
		buf_str(tickets, ",");
		report_csv_field(tickets, t->pujk);
		buf_str(tickets, ",");
		report_csv_field(tickets, t->status);
		buf_str(tickets, ",");
		records_format_wib(t->received_at, buf);
		buf_str(tickets, buf);
		buf_str(tickets, ",");
		calendar_format_day(t->due_day, buf);
		buf_str(tickets, buf);
		buf_str(tickets, ",");
		if (t->first_at) {
			records_format_wib(t->first_at, buf);
			buf_str(tickets, buf);
		}
		buf_str(tickets, ",");
		if (t->proposal_at) {
			records_format_wib(t->proposal_at, buf);
			buf_str(tickets, buf);
		}
		buf_str(tickets, t->late ? ",yes," : ",no,");
		buf_str(tickets, t->nik);
		buf_str(tickets, "\r\n");
	}
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
 * The period's counts, tickets and chain head in one read transaction, so
 * that they see the same ledger; a savepoint, so that a caller inside its
 * own transaction (the run's last stage) may call this too.
 */
static int read_period(struct ledger *l, const struct report_request *r, struct report_data *d,
		       struct err *e)
{
	if (run_sql(l, "SAVEPOINT report_read") < 0)
		return ledger_err(l, e, "cannot begin reading the ledger");
	if (read_counts(l, r, d, e) < 0 || read_tickets(l, r, d, e) < 0 ||
	    history_read_head(l, &d->head_seq, d->head_hash, e) < 0) {
		if (run_sql(l, "ROLLBACK TO report_read") == 0)
			run_sql(l, "RELEASE report_read");
		return -1;
	}
	if (run_sql(l, "RELEASE report_read") < 0)
		return ledger_err(l, e, "cannot end reading the ledger");
	return 0;
}

int report_make(const struct config *cfg, struct ledger *l, const struct report_request *r,
		struct report_files *out, struct err *e)
{
	struct report_data d;
	struct calendar *cal = NULL;
	struct report_buf csv_pujk = { 0 }, csv_tickets = { 0 };
	xmlDocPtr doc = NULL;
	xmlChar *xml = NULL;
	int xml_len = 0, rc = -1;
	int64_t period_end = calendar_day_start(r->to_day + 1) - 1;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	if (r->to_day < r->from_day)
		return err_set(e, ERR_USAGE, "the period ends before it starts");
	d.as_of = r->now < period_end ? r->now : period_end;
	d.as_of_day = calendar_day_of(d.as_of);
	if (calendar_load(&cal, cfg->calendar.dir, e) < 0)
		goto out;
	if (read_period(l, r, &d, e) < 0 || compute(cfg, cal, &d, e) < 0)
		goto out;

	doc = build_xml(cfg, r, &d, cal);
	if (doc == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (validate(doc, e) < 0)
		goto out;
	xmlDocDumpFormatMemoryEnc(doc, &xml, &xml_len, "UTF-8", 1);
	if (xml == NULL) {
		err_set(e, ERR_INTERNAL, "cannot serialize the report");
		goto out;
	}
	out->name[0] = REPORT_XML;
	out->data[0] = malloc((size_t)xml_len + 1);
	if (out->data[0] == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	memcpy(out->data[0], xml, (size_t)xml_len + 1);
	out->size[0] = (size_t)xml_len;
	out->name[1] = REPORT_HTML;
	if (transform(doc, &out->data[1], &out->size[1], e) < 0)
		goto out;
	make_csv(r, &d, &csv_pujk, &csv_tickets);
	if (csv_pujk.failed || csv_tickets.failed) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	out->name[2] = REPORT_CSV_PUJK;
	out->data[2] = csv_pujk.data;
	out->size[2] = csv_pujk.len;
	csv_pujk.data = NULL;
	out->name[3] = REPORT_CSV_TICKETS;
	out->data[3] = csv_tickets.data;
	out->size[3] = csv_tickets.len;
	csv_tickets.data = NULL;
	out->missing_year = calendar_missing_year(cal);
	rc = 0;
out:
	if (rc < 0)
		report_files_free(out);
	free(csv_tickets.data);
	free(csv_pujk.data);
	xmlFree(xml);
	xmlFreeDoc(doc);
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
