/*
 * sla - ticket deadlines in working days (SPEC §6).
 *
 * The counting rule: the day of the start (ReceivedAt, or the Reassign's At
 * for a reassigned ticket, taken as a WIB day) is never counted, working day
 * or not; the first counted day is the first working day after it, and the
 * due day is the n-th working day after the start day.  So a ticket received
 * on a Friday, a Saturday, a Sunday, or on the holidays that follow, is due
 * on the same day: n working days from the next working day on.  A response
 * is on time at any hour of the due day (WIB).  The defaults are 10 working
 * days and an extension of 10 (POJK 22/2023), see docs/DESIGN.md.
 *
 * The functions cannot fail.  They count on the calendar given, which
 * records any year without a calendar file it had to touch
 * (calendar_missing_year): the caller must check it and warn.
 */
#ifndef SLKTX_SLA_H
#define SLKTX_SLA_H

#include <stdint.h>

#include "domain/calendar.h"
#include "domain/statemachine.h"

/* No such event yet (a day field of struct sla_ticket). */
#define SLA_NO_DAY INT32_MIN

/* The due day: kind_days working days after the WIB day of start_utc. */
int32_t sla_due_day(struct calendar *c, int kind_days, int64_t start_utc);
/*
 * The due day after the one extension of SPEC §6: extension_days working
 * days after the current due day.  Granting it once is the caller's part.
 */
int32_t sla_extend(struct calendar *c, int32_t due_day, int extension_days);

/* What lateness depends on; days are WIB days (calendar_day_of). */
struct sla_ticket {
	enum ticket_kind kind;
	enum ticket_status status;  /* as the view shows it */
	int32_t due_day;            /* after any extension */
	int32_t first_response_day; /* the PUJK's first record on it, or SLA_NO_DAY */
	int32_t proposal_day;       /* its first ResolutionProposal, or SLA_NO_DAY */
};

/* A ticket's deadline as every view shows it (SPEC §6). */
struct sla_view {
	int running;   /* the ticket waits for the PUJK, so sisa SLA exists */
	int days_left; /* sisa SLA when running, else 0 */
	int late;
};

/*
 * The one definition of "sisa SLA" and lateness: ticket list, ticket show,
 * dispatches, statements and reports all call this, so they agree.
 *
 * Sisa SLA runs while the ticket waits for the PUJK (a complaint in BARU,
 * DIAMBIL_ALIH or DITINDAKLANJUTI, an indication in BARU).  Before the due
 * day it is the working days after today up to and including the due day;
 * on the due day 0; after it negative and never 0, on a weekend or holiday
 * too: the working days after the due day up to today, at least one (the
 * Saturday after a Friday due day is -1, and so is the Monday).
 *
 * Late: the first PUJK response or the resolution proposal came after the
 * due day, or sisa SLA is negative.  A ticket waiting for OJK or finished is
 * not made late by OJK's time.
 */
struct sla_view sla_view_of(struct calendar *c, const struct sla_ticket *t, int32_t today_day);

#endif
