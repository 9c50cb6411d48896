/*
 * report_render - the report's files made from its figures: report.xml
 * (libxml2's writer into one buffer, checked against report.xsd by the
 * streaming reader), report.html (the embedded report.xsl over a smaller
 * copy of the XML without the full ticket list, with every file and network
 * access forbidden) and the CSV files through util/csv.  report.c reads the
 * ledger and folds the figures into struct report_data; this writes them.
 * The request, the file names and the byte buffer live here, below report.h,
 * which includes this header.
 *
 * Errors: ERR_INTERNAL when the report fails its own schema or the
 * stylesheet fails (a bug, never the data's fault), or memory runs out.
 */
#ifndef SLKTX_REPORT_RENDER_H
#define SLKTX_REPORT_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "domain/calendar.h"
#include "domain/sla.h"
#include "util/config.h"
#include "util/err.h"

/* the files of a report, in a directory and in an archive */
#define REPORT_XML "report.xml"
#define REPORT_HTML "report.html"
#define REPORT_CSV_PUJK "report-pujk.csv"         /* one row per PUJK */
#define REPORT_CSV_TOTAL "report-total.csv"       /* the total, apart from the PUJK rows */
#define REPORT_CSV_TICKETS "report-tickets.csv"   /* every ticket row */
#define REPORT_CSV_OVERDUE "report-overdue.csv"   /* negative sisa SLA, most late first */
#define REPORT_CSV_DAILY "report-daily.csv"       /* received and closed per day */
#define REPORT_CSV_MONTHLY "report-monthly.csv"   /* received and closed per month */
#define REPORT_FILE_COUNT 8

/* The HTML page lists at most this many overdue and this many urgent tickets. */
#define REPORT_PAGE_ROWS 200

struct report_request {
	int32_t from_day;   /* WIB days (calendar.h), both included */
	int32_t to_day;
	const char *pujk;   /* one PUJK, or NULL for all */
	int64_t now;        /* the time of the report (UTC seconds) */
	/*
	 * Also every ticket open at AsOf, whatever the day it was received:
	 * the daily archive's view of the backlog (SPEC §9).
	 */
	int open_at_as_of;
};

/* A growing byte buffer, NUL-terminated after len bytes. */
struct report_buf {
	unsigned char *data;
	size_t len, cap;
	int failed; /* out of memory once: everything after is dropped */
};
void report_buf_add(struct report_buf *b, const char *s, size_t n);
/* The median of n values (sorted here) in halves: 2 * median; -1 when n is 0. */
long report_median2(int *values, size_t n);
/* Append one CSV field by csv_cell (neutralised, RFC 4180 quoted). */
void report_csv_field(struct report_buf *b, const char *field);

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
	C_COUNT
};

struct figures {
	long n[C_COUNT];
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
	unsigned extended : 1, took : 1, followed : 1, proposed : 1, accepted : 1,
		rejected : 1, in_period : 1,
		on_page : 1; /* in the page's overdue or urgent rows */
	char nik[17];   /* masked, "" when none */
	char *subject;  /* "" when none */
	int32_t due_day;
	struct sla_view sla;
};

/* received and closed in one day or month of a trend */
struct trend {
	int32_t first_day; /* the day, or the month's first day */
	long received, closed;
};

#define MONTHS 12

struct report_data {
	int64_t as_of;
	int32_t as_of_day;
	int64_t head_seq;
	char head_hash[65];
	struct pujk_row *pujk;
	size_t n_pujk;
	struct ticket_row *tickets;
	size_t n_tickets, cap_tickets;
	size_t *overdue, n_overdue; /* indexes into tickets, most late first */
	size_t *urgent, n_urgent;   /* running, not overdue, least sisa SLA first */
	struct figures total;
	struct trend *daily;
	size_t n_daily;
	struct trend monthly[MONTHS];
};

/*
 * The report's files into out[REPORT_FILE_COUNT], in the order of the
 * REPORT_* names: report.xml (checked), report.html, then the CSV files.
 * A buffer whose memory ran out has its failed flag set.
 */
int report_render(const struct config *cfg, const struct report_request *r,
		  struct report_data *d, struct calendar *cal, struct report_buf *out,
		  struct err *e);

#endif
