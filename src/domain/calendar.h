/*
 * calendar - working days in Asia/Jakarta (SPEC §6).
 *
 * A working day is Monday to Friday, not a national holiday or collective
 * leave day of the calendar files.  A calendar file is named YYYY.txt and
 * holds one date a line: "YYYY-MM-DD", optionally followed by blanks and a
 * text naming the day; blank lines and lines starting with '#' are comments.
 * A line "provisional" marks a file written before the year's decree was
 * known (estimated dates, no collective leave): its days count, and the year
 * is reported like a missing one.
 * The files come from a configured directory, or, when none is configured,
 * from the copies of the files in config/holidays compiled into the binary.
 *
 * A date in a year with no file is counted as if the year had no holidays
 * (Monday to Friday only), and calendar_missing_year() tells the caller, who
 * must warn loudly (calendar_year_status() says whether the file is missing
 * or provisional).  That is why the counting functions take a non-const
 * calendar: they record the years they touch that have no decreed file.
 *
 * Dates are days since 1970-01-01 in WIB.  WIB is UTC+7 all year (Indonesia
 * has no daylight saving), so a WIB day is computed arithmetically from UTC
 * seconds: nothing depends on TZ or on the system's tzdata.
 *
 * Errors: calendar_load() fails with ERR_CONFIG (a bad line, with file and
 * line; a directory without YYYY.txt files), ERR_IO (a file that cannot be
 * read) or ERR_INTERNAL (out of memory).  The other functions cannot fail.
 */
#ifndef SLKTX_CALENDAR_H
#define SLKTX_CALENDAR_H

#include <stdint.h>

#include "util/err.h"

struct calendar;

/* dir: a directory of YYYY.txt files, or NULL/"" for the embedded calendar. */
int calendar_load(struct calendar **out, const char *dir, struct err *e);
void calendar_free(struct calendar *c);

/* WIB calendar day of a UTC instant (seconds since the epoch). */
int32_t calendar_day_of(int64_t utc_seconds);
/* The UTC instant at which WIB day `day` begins: the first second s with
 * calendar_day_of(s) == day. */
int64_t calendar_day_start(int32_t day);
/* 0 Sunday .. 6 Saturday */
int calendar_weekday(int32_t day);
int calendar_is_working_day(struct calendar *c, int32_t day);
/*
 * The day that is n working days after from_day (from_day itself never
 * counted, working or not); from_day itself for n <= 0.
 */
int32_t calendar_add_working_days(struct calendar *c, int32_t from_day, int n);
/* Working days after `from` up to and including `to`; negative when to < from. */
int calendar_working_days_between(struct calendar *c, int32_t from_day, int32_t to_day);
/*
 * The earliest year without a calendar file, or with a provisional one, that
 * a call since calendar_load() or calendar_clear_missing() has touched, or 0.
 */
int calendar_missing_year(const struct calendar *c);
enum calendar_year_status {
	CALENDAR_YEAR_MISSING,
	CALENDAR_YEAR_PROVISIONAL,
	CALENDAR_YEAR_KNOWN
};
enum calendar_year_status calendar_year_status(const struct calendar *c, int year);
void calendar_clear_missing(struct calendar *c);
/* "2026-11-28" */
void calendar_format_day(int32_t day, char buf[11]);
/* Exactly "YYYY-MM-DD", a real date of years 0001 to 9999; -1 otherwise. */
int calendar_parse_day(const char *s, int32_t *day);

#endif
