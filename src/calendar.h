/*
 * calendar - working days in Asia/Jakarta (SPEC §6).
 *
 * A working day is Monday to Friday, not a national holiday or collective
 * leave day of the configured calendar files (YYYY.txt, one YYYY-MM-DD a line,
 * '#' comments; the 2025-2027 files ship in config/holidays and are embedded).
 * A date in a year with no file is counted as if it had no holidays, and
 * calendar_missing_year() tells the caller to warn loudly.
 * Dates are days since 1970-01-01 in WIB (UTC+7, no daylight saving).
 */
#ifndef SLKTX_CALENDAR_H
#define SLKTX_CALENDAR_H

#include <stdint.h>

#include "err.h"

struct calendar;

/* dir: a directory of YYYY.txt files, or NULL/"" for the embedded calendar. */
int calendar_load(struct calendar **out, const char *dir, struct err *e);
void calendar_free(struct calendar *c);

/* WIB calendar day of a UTC instant (seconds since the epoch). */
int32_t calendar_day_of(int64_t utc_seconds);
int calendar_is_working_day(const struct calendar *c, int32_t day);
/* The day that is n working days after the day of `from` (the day itself not counted). */
int32_t calendar_add_working_days(const struct calendar *c, int32_t from_day, int n);
/* Working days after `from` up to and including `to`; negative when to < from. */
int calendar_working_days_between(const struct calendar *c, int32_t from_day, int32_t to_day);
/* The first year touched by the last calls that had no calendar file, or 0. */
int calendar_missing_year(const struct calendar *c);
/* "2026-11-28" */
void calendar_format_day(int32_t day, char buf[11]);
int calendar_parse_day(const char *s, int32_t *day);

#endif
