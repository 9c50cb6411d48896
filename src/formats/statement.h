/*
 * statement - a PUJK's daily statement (SPEC 1.1 §3 "Statement"): its
 * tickets as they stood at the end of one WIB day, counted by day (the
 * last 31), month (the last 12) and year, by kind, with how many are open
 * and late, and listed one by one when open or changed in the last 31 days.
 *
 * As of the day's end: only events recorded by AsOf count (tickets_as_of),
 * so a statement made days later in a catch-up is the one the PUJK would
 * have had the morning after.  Sisa SLA and lateness come from tickets_sla
 * (sla_view_of) with AsOf's day as today.  No consumer data (name, NIK,
 * telephone, e-mail): the statement is a list; the detail is in dispatches.
 * Written with libxml2's writer.  Errors: ERR_IO / ERR_INTERNAL.
 */
#ifndef SLKTX_STATEMENT_H
#define SLKTX_STATEMENT_H

#include <stdint.h>

#include "domain/calendar.h"
#include "ledger/ledger.h"
#include "util/err.h"

/* How many days back the summary by day and the ticket list reach (D included). */
#define STATEMENT_DAYS 31
/* How many months the summary by month covers (D's month included). */
#define STATEMENT_MONTHS 12

struct statement_request {
	const char *pujk_code;
	const char *statement_id;   /* the base name STM_<PUJK>_<YYYYMMDD>_<SEQ6> */
	int32_t day;                /* the WIB day described */
	int64_t created_at;
	int pengaduan_days, indikasi_days, extension_days; /* [sla] */
};

/* The end of WIB day `day` (23:59:59 WIB): the statement's AsOf. */
int64_t statement_as_of(int32_t day);

/* Write the statement to fd (not closed); *tickets is how many Ticket elements. */
int statement_write_fd(struct ledger *l, struct calendar *cal, const struct statement_request *r,
		       int fd, long *tickets, struct err *e);

#endif
