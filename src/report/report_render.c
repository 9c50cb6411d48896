/*
 * report_render - the report's XML, HTML and CSV from its figures; see
 * report_render.h.
 */
#include "report/report_render.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "util/csv.h"
#include "util/embedded.h"
#include "domain/records.h"
#include "xml/schema.h"

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

/* libxml2's writer into a report_buf; errors are sticky (failed) */
struct xw {
	xmlTextWriterPtr w;
	int failed;
};

static int xw_write(void *ctx, const char *s, int len)
{
	struct report_buf *b = ctx;

	report_buf_add(b, s, (size_t)len);
	return b->failed ? -1 : len;
}

static int xw_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void xw_check(struct xw *x, int rc)
{
	if (rc < 0)
		x->failed = 1;
}

static void el(struct xw *x, const char *name, const char *text)
{
	xw_check(x, xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST text));
}

static void el_num(struct xw *x, const char *name, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	el(x, name, buf);
}

static void start(struct xw *x, const char *name)
{
	xw_check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

static void end(struct xw *x)
{
	xw_check(x, xmlTextWriterEndElement(x->w));
}

static void attr(struct xw *x, const char *name, const char *v)
{
	xw_check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v));
}

static void attr_num(struct xw *x, const char *name, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	attr(x, name, buf);
}

static void el_time(struct xw *x, const char *name, int64_t t)
{
	char buf[32];

	records_format_wib(t, buf);
	el(x, name, buf);
}

static void el_day(struct xw *x, const char *name, int32_t day)
{
	char buf[11];

	calendar_format_day(day, buf);
	el(x, name, buf);
}

static const char *const count_names[C_COUNT] = {
	"Received", "ReceivedPgd", "ReceivedInd", "TakenOver", "FollowedUp",
	"Proposed", "Accepted", "Rejected", "Closed", "Open",
};

static void write_figures(struct xw *x, struct figures *f)
{
	char buf[32];
	long m2;

	for (int c = 0; c < C_COUNT; c++)
		el_num(x, count_names[c], f->n[c]);
	el_num(x, "Late", f->late);
	el_num(x, "Answered", f->answered);
	el_num(x, "AnsweredOnTime", f->on_time);
	if (f->answered > 0) {
		format_share(f->on_time, f->answered, buf);
		el(x, "OnTimeShare", buf);
	}
	if ((m2 = report_median2(f->to_first, f->n_first)) >= 0) {
		format_median(m2, buf);
		el(x, "MedianDaysToFirstResponse", buf);
	}
	if ((m2 = report_median2(f->to_proposal, f->n_proposal)) >= 0) {
		format_median(m2, buf);
		el(x, "MedianDaysToProposal", buf);
	}
	start(x, "OpenByAge");
	attr_num(x, "upTo5", f->age[0]);
	attr_num(x, "from6To10", f->age[1]);
	attr_num(x, "from11To20", f->age[2]);
	attr_num(x, "over20", f->age[3]);
	end(x);
}

static void write_header(struct xw *x, const struct config *cfg,
			 const struct report_request *r, struct report_data *d,
			 struct calendar *cal)
{
	start(x, "Header");
	el_time(x, "CreatedAt", r->now);
	el_day(x, "PeriodFrom", r->from_day);
	el_day(x, "PeriodTo", r->to_day);
	el_time(x, "AsOf", d->as_of);
	if (r->pujk)
		el(x, "PujkCode", r->pujk);
	if (r->open_at_as_of)
		el(x, "OpenAtAsOf", "true");
	start(x, "Sla");
	attr_num(x, "pengaduanDays", cfg->sla.pengaduan_days);
	attr_num(x, "indikasiDays", cfg->sla.indikasi_days);
	attr_num(x, "extensionDays", cfg->sla.extension_days);
	end(x);
	if (d->head_seq > 0) {
		start(x, "ChainHead");
		attr_num(x, "seq", (long)d->head_seq);
		attr(x, "hash", d->head_hash);
		end(x);
	}
	if (calendar_missing_year(cal) != 0)
		el_num(x, "CalendarWarning", calendar_missing_year(cal));
	end(x);
}

/*
 * One ticket, on a line of its own (the lists are written without the
 * writer's indentation: a Ticket a line is as readable, greps well, and
 * gives the validator one whitespace node a ticket instead of a dozen).
 */
static void write_ticket(struct xw *x, const struct ticket_row *t)
{
	xw_check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST "\n  "));
	start(x, "Ticket");
	if (!t->in_period)
		attr(x, "backlog", "true");
	el(x, "TicketNo", t->no);
	el(x, "Kind", t->kind);
	el(x, "PujkCode", t->pujk);
	el(x, "Status", t->status);
	el_time(x, "ReceivedAt", t->received_at);
	el_day(x, "DueDate", t->due_day);
	if (t->sla.running)
		el_num(x, "SisaSla", t->sla.days_left);
	if (t->first_at)
		el_time(x, "FirstResponseAt", t->first_at);
	if (t->proposal_at)
		el_time(x, "ProposalAt", t->proposal_at);
	el(x, "Late", t->sla.late ? "true" : "false");
	if (t->nik[0])
		el(x, "Nik", t->nik);
	el(x, "Subject", t->subject ? t->subject : "");
	end(x);
}

static void write_trend(struct xw *x, const char *name, const char *attr_name,
			const struct trend *v, size_t n, int month)
{
	char buf[11];

	start(x, name);
	for (size_t i = 0; i < n; i++) {
		start(x, month ? "Month" : "Day");
		calendar_format_day(v[i].first_day, buf);
		if (month)
			buf[7] = '\0';
		attr(x, attr_name, buf);
		attr_num(x, "received", v[i].received);
		attr_num(x, "closed", v[i].closed);
		end(x);
	}
	end(x);
}

/*
 * The list of indexes idx (n of them) as element name with its count, a
 * TicketRef (number and sisa SLA) a ticket in the list's order: the row
 * itself is in Tickets once, so that the overdue list does not hold a
 * second copy of up to every ticket.  With limit > 0 only the first limit.
 */
static void write_list(struct xw *x, const char *name, const struct report_data *d,
		       const size_t *idx, size_t n, size_t limit, const char *lead)
{
	xw_check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST lead));
	start(x, name);
	attr_num(x, "count", (long)n);
	for (size_t i = 0; i < n && (limit == 0 || i < limit); i++) {
		xw_check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST "\n  "));
		start(x, "TicketRef");
		attr(x, "no", d->tickets[idx[i]].no);
		attr_num(x, "sisaSla", d->tickets[idx[i]].sla.days_left);
		end(x);
	}
	if (n > 0)
		xw_check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST "\n "));
	end(x);
}

/*
 * report.xml (page 0) or the page's XML (page 1): the same document, the
 * page's without the rows the page does not show (the overdue list past
 * REPORT_PAGE_ROWS; when there are more tickets than that, every ticket
 * but those its overdue and urgent rows name), so that xsltproc on
 * report.xml makes the same page.
 */
static int write_xml(const struct config *cfg, const struct report_request *r,
		     struct report_data *d, struct calendar *cal, int page, struct report_buf *b)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(xw_write, xw_close, b, NULL);
	struct xw x = { NULL, 0 };

	if (ob == NULL || (x.w = xmlNewTextWriter(ob)) == NULL) {
		xmlOutputBufferClose(ob);
		return -1;
	}
	xw_check(&x, xmlTextWriterSetIndent(x.w, 1));
	xw_check(&x, xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL));
	xw_check(&x, xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "Report",
						 BAD_CAST SCHEMA_NS));
	attr(&x, "schemaVersion", "1.0");
	write_header(&x, cfg, r, d, cal);
	start(&x, "Summary");
	for (size_t i = 0; i < d->n_pujk; i++) {
		start(&x, "Pujk");
		attr(&x, "code", d->pujk[i].code);
		attr(&x, "name", d->pujk[i].name);
		write_figures(&x, &d->pujk[i].f);
		end(&x);
	}
	start(&x, "Total");
	write_figures(&x, &d->total);
	end(&x);
	end(&x);
	start(&x, "Trends");
	write_trend(&x, "Daily", "date", d->daily, d->n_daily, 0);
	write_trend(&x, "Monthly", "month", d->monthly, MONTHS, 1);
	end(&x);
	xw_check(&x, xmlTextWriterSetIndent(x.w, 0));
	for (size_t i = 0; i < d->n_tickets; i++)
		d->tickets[i].on_page = 0;
	for (size_t i = 0; i < d->n_overdue && i < REPORT_PAGE_ROWS; i++)
		d->tickets[d->overdue[i]].on_page = 1;
	for (size_t i = 0; i < d->n_urgent && i < REPORT_PAGE_ROWS; i++)
		d->tickets[d->urgent[i]].on_page = 1;
	/* the writer ended </Trends> with its newline: one space to indent */
	write_list(&x, "Overdue", d, d->overdue, d->n_overdue, page ? REPORT_PAGE_ROWS : 0, " ");
	write_list(&x, "Urgent", d, d->urgent, d->n_urgent, REPORT_PAGE_ROWS, "\n ");
	xw_check(&x, xmlTextWriterWriteRaw(x.w, BAD_CAST "\n "));
	start(&x, "Tickets");
	attr_num(&x, "count", (long)d->n_tickets);
	for (size_t i = 0; i < d->n_tickets; i++)
		if (!page || d->n_tickets <= REPORT_PAGE_ROWS || d->tickets[i].on_page)
			write_ticket(&x, &d->tickets[i]);
	if (d->n_tickets > 0)
		xw_check(&x, xmlTextWriterWriteRaw(x.w, BAD_CAST "\n "));
	end(&x);
	xw_check(&x, xmlTextWriterWriteRaw(x.w, BAD_CAST "\n"));
	xw_check(&x, xmlTextWriterEndDocument(x.w));
	xmlFreeTextWriter(x.w); /* closes ob */
	return x.failed || b->failed ? -1 : 0;
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

/* report.xml against report.xsd, by the streaming reader: no tree of it is built. */
static int validate(const struct report_buf *xml, struct err *e)
{
	struct schema_set *set = NULL;
	xmlSchemaValidCtxtPtr v = NULL;
	xmlTextReaderPtr reader = NULL;
	xmlSchemaPtr schema;
	char msg[512] = "";
	int rc = -1, step;

	if (schema_set_new(&set, e) < 0)
		goto out;
	schema = schema_for(set, ROOT_REPORT, e);
	if (schema == NULL)
		goto out;
	v = xmlSchemaNewValidCtxt(schema);
	reader = xmlReaderForMemory((const char *)xml->data, (int)xml->len, "report.xml", NULL,
				    XML_PARSE_NONET);
	if (v == NULL || reader == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	xmlSchemaSetValidErrors(v, collect_schema_error, collect_schema_error, msg);
	if (xmlTextReaderSchemaValidateCtxt(reader, v, 0) != 0) {
		err_set(e, ERR_INTERNAL, "cannot validate the report");
		goto out;
	}
	while ((step = xmlTextReaderRead(reader)) == 1)
		;
	if (step != 0 || xmlTextReaderIsValid(reader) != 1) {
		msg[strcspn(msg, "\n")] = '\0';
		err_set(e, ERR_INTERNAL, "the report fails report.xsd: %s", msg);
		goto out;
	}
	rc = 0;
out:
	xmlFreeTextReader(reader);
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

static void csv_text(struct report_buf *b, const char *s, int last)
{
	report_csv_field(b, s);
	buf_str(b, last ? "\r\n" : ",");
}

static void csv_num(struct report_buf *b, long v, int last)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	csv_text(b, buf, last);
}

static void csv_time(struct report_buf *b, int64_t t, int last)
{
	char buf[20] = "";

	if (t != 0)
		csv_time_wib(t, buf);
	csv_text(b, buf, last);
}

static void csv_day(struct report_buf *b, int32_t day, int last)
{
	char buf[11];

	calendar_format_day(day, buf);
	csv_text(b, buf, last);
}

static const char figures_head[] =
	CSV_BOM "pujk_code,pujk_name,received,received_pgd,received_ind,taken_over,"
	"followed_up,proposed,accepted,rejected,closed,open,late,answered,"
	"answered_on_time,on_time_share_pct,median_days_to_first_response,"
	"median_days_to_proposal,open_age_0_5,open_age_6_10,open_age_11_20,"
	"open_age_over_20\r\n";

static void csv_figures(struct report_buf *b, const char *code, const char *name,
			struct figures *f)
{
	char buf[32];
	long m2;

	csv_text(b, code, 0);
	csv_text(b, name, 0);
	for (int c = 0; c < C_COUNT; c++)
		csv_num(b, f->n[c], 0);
	csv_num(b, f->late, 0);
	csv_num(b, f->answered, 0);
	csv_num(b, f->on_time, 0);
	buf[0] = '\0';
	if (f->answered > 0)
		format_share(f->on_time, f->answered, buf);
	csv_text(b, buf, 0);
	buf[0] = '\0';
	if ((m2 = report_median2(f->to_first, f->n_first)) >= 0)
		format_median(m2, buf);
	csv_text(b, buf, 0);
	buf[0] = '\0';
	if ((m2 = report_median2(f->to_proposal, f->n_proposal)) >= 0)
		format_median(m2, buf);
	csv_text(b, buf, 0);
	for (int a = 0; a < 4; a++)
		csv_num(b, f->age[a], a == 3);
}

/* the columns of `ticket list --csv`, the same names, in the same order */
#define TICKET_LIST_HEAD "ticket,kind,pujk,status,received,due,sisa_sla,subject"

/* A ticket row: ticket list's columns; with extra, the report's after them. */
static void csv_ticket(struct report_buf *b, const struct ticket_row *t, int extra)
{
	csv_text(b, t->no, 0);
	csv_text(b, t->kind, 0);
	csv_text(b, t->pujk, 0);
	csv_text(b, t->status, 0);
	csv_time(b, t->received_at, 0);
	csv_day(b, t->due_day, 0);
	if (t->sla.running)
		csv_num(b, t->sla.days_left, 0);
	else
		csv_text(b, "", 0);
	csv_text(b, t->subject ? t->subject : "", !extra);
	if (!extra)
		return;
	csv_time(b, t->first_at, 0);
	csv_time(b, t->proposal_at, 0);
	csv_text(b, t->sla.late ? "yes" : "no", 0);
	csv_text(b, t->nik, 0);
	csv_text(b, t->in_period ? "yes" : "no", 1);
}

static void csv_trend(struct report_buf *b, const char *head, const struct trend *v, size_t n,
		      int month)
{
	char buf[11];

	buf_str(b, head);
	for (size_t i = 0; i < n; i++) {
		calendar_format_day(v[i].first_day, buf);
		if (month)
			buf[7] = '\0';
		csv_text(b, buf, 0);
		csv_num(b, v[i].received, 0);
		csv_num(b, v[i].closed, 1);
	}
}

/* Every CSV of the report, in out[2..] in the order of report.h's names. */
static void make_csv(struct report_data *d, struct report_buf *out)
{
	struct report_buf *pujk = &out[2], *total = &out[3], *tickets = &out[4];
	struct report_buf *overdue = &out[5];

	buf_str(pujk, figures_head);
	for (size_t i = 0; i < d->n_pujk; i++)
		csv_figures(pujk, d->pujk[i].code, d->pujk[i].name, &d->pujk[i].f);
	buf_str(total, figures_head);
	csv_figures(total, "", "TOTAL", &d->total);
	buf_str(tickets, CSV_BOM TICKET_LIST_HEAD
		",first_response,proposal,late,nik_masked,received_in_period\r\n");
	for (size_t i = 0; i < d->n_tickets; i++)
		csv_ticket(tickets, &d->tickets[i], 1);
	buf_str(overdue, CSV_BOM TICKET_LIST_HEAD "\r\n");
	for (size_t i = 0; i < d->n_overdue; i++)
		csv_ticket(overdue, &d->tickets[d->overdue[i]], 0);
	csv_trend(&out[6], CSV_BOM "day,received,closed\r\n", d->daily, d->n_daily, 0);
	csv_trend(&out[7], CSV_BOM "month,received,closed\r\n", d->monthly, MONTHS, 1);
}

/* report.xml, checked, and the page made from its smaller copy. */
static int make_xml_html(const struct config *cfg, const struct report_request *r,
			 struct report_data *d, struct calendar *cal, struct report_buf *out,
			 struct err *e)
{
	struct report_buf page = { 0 };
	xmlDocPtr doc = NULL;
	int rc = -1;

	if (write_xml(cfg, r, d, cal, 0, &out[0]) < 0 || write_xml(cfg, r, d, cal, 1, &page) < 0) {
		err_set(e, ERR_INTERNAL, "cannot write the report's XML");
		goto out;
	}
	if (validate(&out[0], e) < 0)
		goto out;
	doc = xmlReadMemory((const char *)page.data, (int)page.len, "report.xml", NULL,
			    XML_PARSE_NONET);
	if (doc == NULL) {
		err_set(e, ERR_INTERNAL, "cannot read the report page's XML");
		goto out;
	}
	rc = transform(doc, &out[1].data, &out[1].len, e);
out:
	xmlFreeDoc(doc);
	free(page.data);
	return rc;
}

int report_render(const struct config *cfg, const struct report_request *r,
		  struct report_data *d, struct calendar *cal, struct report_buf *out,
		  struct err *e)
{
	if (make_xml_html(cfg, r, d, cal, out, e) < 0)
		return -1;
	make_csv(d, out);
	return 0;
}
