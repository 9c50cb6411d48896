/*
 * sla - ticket deadlines in working days; see sla.h for the counting rule.
 * Pure arithmetic over the calendar: no I/O, no clock, no failure.
 */
#include "domain/sla.h"

int32_t sla_due_day(struct calendar *c, int kind_days, int64_t start_utc)
{
	return calendar_add_working_days(c, calendar_day_of(start_utc), kind_days);
}

int32_t sla_extend(struct calendar *c, int32_t due_day, int extension_days)
{
	return calendar_add_working_days(c, due_day, extension_days);
}

int sla_days_left(struct calendar *c, int32_t due_day, int32_t today_day)
{
	return calendar_working_days_between(c, today_day, due_day);
}

static int waits_for_pujk(enum ticket_kind kind, enum ticket_status s)
{
	if (kind == KIND_IND)
		return s == ST_BARU;
	return s == ST_BARU || s == ST_DIAMBIL_ALIH || s == ST_DITINDAKLANJUTI;
}

int sla_is_late(const struct sla_ticket *t, int32_t today_day)
{
	if (t->first_response_day != SLA_NO_DAY && t->first_response_day > t->due_day)
		return 1;
	if (t->proposal_day != SLA_NO_DAY && t->proposal_day > t->due_day)
		return 1;
	return waits_for_pujk(t->kind, t->status) && today_day > t->due_day;
}
