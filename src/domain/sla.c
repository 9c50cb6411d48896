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

static int waits_for_pujk(enum ticket_kind kind, enum ticket_status s)
{
	if (kind == KIND_IND)
		return s == ST_BARU;
	return s == ST_BARU || s == ST_DIAMBIL_ALIH || s == ST_DITINDAKLANJUTI;
}

static int came_late(int32_t day, int32_t due_day)
{
	return day != SLA_NO_DAY && day > due_day;
}

struct sla_view sla_view_of(struct calendar *c, const struct sla_ticket *t, int32_t today_day)
{
	struct sla_view v = { 0, 0, 0 };

	if (waits_for_pujk(t->kind, t->status)) {
		v.running = 1;
		v.days_left = calendar_working_days_between(c, today_day, t->due_day);
		/* past the due day on a day off: still late, so never 0 */
		if (today_day > t->due_day && v.days_left == 0)
			v.days_left = -1;
	}
	v.late = came_late(t->first_response_day, t->due_day) ||
		 came_late(t->proposal_day, t->due_day) || (v.running && v.days_left < 0);
	return v;
}
