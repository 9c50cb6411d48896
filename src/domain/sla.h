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
/*
 * Working days left ("sisa SLA") on today_day: the working days after today
 * up to and including the due day; 0 on the due day, negative when past
 * (-1 on the first working day after it).  0 also on a weekend or holiday
 * right after the due day: lateness is sla_is_late()'s question.
 */
int sla_days_left(struct calendar *c, int32_t due_day, int32_t today_day);

/* What lateness depends on; days are WIB days (calendar_day_of). */
struct sla_ticket {
	enum ticket_kind kind;
	enum ticket_status status;  /* now */
	int32_t due_day;            /* after any extension */
	int32_t first_response_day; /* the PUJK's first record on it, or SLA_NO_DAY */
	int32_t proposal_day;       /* its first ResolutionProposal, or SLA_NO_DAY */
};

/*
 * SPEC §6 late: the first PUJK response or the resolution proposal came
 * after the due day, or the ticket still waits for the PUJK after the due
 * day (status BARU, DIAMBIL_ALIH or DITINDAKLANJUTI for a complaint, BARU
 * for an indication).  A ticket waiting for OJK (USULAN_SELESAI,
 * DIKEMBALIKAN, an answered indication) or finished is not made late by
 * OJK's time.
 */
int sla_is_late(const struct sla_ticket *t, int32_t today_day);

#endif
