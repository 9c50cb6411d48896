/*
 * calendar: WIB days, dates, working days over the shipped 2025-2026
 * calendars (the 2027 file is provisional, so no expectation rests on it),
 * a missing year, and holiday files good and bad in a scratch directory.
 * Every expected day below was counted by hand on a printed calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain/calendar.h"

static int32_t D(const char *s)
{
	int32_t day;

	assert_int_equal(calendar_parse_day(s, &day), 0);
	return day;
}

static void assert_day(int32_t day, const char *want)
{
	char buf[11];

	calendar_format_day(day, buf);
	assert_string_equal(buf, want);
}

/* a scratch directory of holiday files, removed by teardown */
static char scratch[64];

static int make_scratch(void **state)
{
	(void)state;
	snprintf(scratch, sizeof(scratch), "/tmp/slktx-cal-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int remove_scratch(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void test_parse_and_format(void **state)
{
	static const char *const bad[] = { "2026-02-29", "2026-13-01", "2026-00-10",
					   "2026-04-31", "2026-1-01", "2026-01-011",
					   "", "abcd-ef-gh", "0000-01-01", "2026/01/01",
					   " 2026-01-01", "1900-02-29" };
	int32_t day;

	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("1969-12-31"), -1);
	assert_int_equal(D("2000-03-01"), 11017);
	assert_int_equal(D("2025-03-27"), 20174);
	assert_int_equal(D("2026-11-28"), 20785);
	assert_int_equal(D("0001-01-01"), -719162);
	assert_int_equal(D("9999-12-31"), 2932896);
	assert_int_equal(D("2024-02-29"), D("2024-02-28") + 1);
	assert_int_equal(D("2000-02-29"), D("2000-03-01") - 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(calendar_parse_day(bad[i], &day), -1);
	assert_day(20785, "2026-11-28");
	assert_day(-1, "1969-12-31");
	for (int32_t d = D("1999-12-25"); d < D("2001-01-10"); d++) {
		char buf[11];

		calendar_format_day(d, buf);
		assert_int_equal(D(buf), d);
	}
}

static void test_wib_day_boundary(void **state)
{
	(void)state;
	/* 17:00 UTC is midnight in Jakarta */
	assert_day(calendar_day_of(1795625999), "2026-11-25"); /* 2026-11-25T16:59:59Z */
	assert_day(calendar_day_of(1795626000), "2026-11-26"); /* 2026-11-25T17:00:00Z */
	assert_int_equal(calendar_day_of(0), 0);
	assert_int_equal(calendar_day_of(61199), 0);
	assert_int_equal(calendar_day_of(61200), 1);
	assert_int_equal(calendar_day_of(-25200), 0);
	assert_int_equal(calendar_day_of(-25201), -1);
	/* the first second of a WIB day, both sides of the epoch */
	assert_int_equal(calendar_day_start(calendar_day_of(1795626000)), 1795626000);
	assert_int_equal(calendar_day_start(0), -25200);
	assert_int_equal(calendar_day_start(1), 61200);
	assert_int_equal(calendar_day_start(-1), -25200 - 86400);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(calendar_weekday(0), 4); /* Thursday */
	assert_int_equal(calendar_weekday(-1), 3);
	assert_int_equal(calendar_weekday(D("2026-11-28")), 6);
	assert_int_equal(calendar_weekday(D("2026-11-29")), 0);
	assert_int_equal(calendar_weekday(D("2026-11-30")), 1);
	assert_int_equal(calendar_weekday(D("1969-12-28")), 0);
}

static void test_embedded_working_days(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	assert_int_equal(calendar_load(&c, NULL, &e), 0);
	assert_true(calendar_is_working_day(c, D("2025-03-27")));
	assert_false(calendar_is_working_day(c, D("2025-03-28"))); /* cuti bersama Nyepi */
	assert_false(calendar_is_working_day(c, D("2025-03-29"))); /* Saturday */
	assert_false(calendar_is_working_day(c, D("2025-03-31"))); /* Idul Fitri */
	assert_false(calendar_is_working_day(c, D("2025-04-07"))); /* cuti bersama */
	assert_true(calendar_is_working_day(c, D("2025-04-08")));
	assert_false(calendar_is_working_day(c, D("2025-08-18"))); /* the 2025 amendment */
	assert_false(calendar_is_working_day(c, D("2026-03-24")));
	assert_true(calendar_is_working_day(c, D("2026-03-25")));
	assert_false(calendar_is_working_day(c, D("2026-12-24")));
	assert_int_equal(calendar_missing_year(c), 0);

	/* a whole year: 261 weekdays less the weekday holidays of the decree */
	assert_int_equal(calendar_working_days_between(c, D("2024-12-31"), D("2025-12-31")), 237);
	assert_int_equal(calendar_working_days_between(c, D("2025-12-31"), D("2026-12-31")), 240);
	/* 2024-12-31 itself is not counted, so 2024 is not touched */
	assert_int_equal(calendar_missing_year(c), 0);

	/* 2027 ships provisional: its days count, and it is reported */
	assert_false(calendar_is_working_day(c, D("2027-01-01")));
	assert_int_equal(calendar_missing_year(c), 2027);
	assert_int_equal(calendar_year_status(c, 2025), CALENDAR_YEAR_KNOWN);
	assert_int_equal(calendar_year_status(c, 2026), CALENDAR_YEAR_KNOWN);
	assert_int_equal(calendar_year_status(c, 2027), CALENDAR_YEAR_PROVISIONAL);
	assert_int_equal(calendar_year_status(c, 2028), CALENDAR_YEAR_MISSING);
	calendar_free(c);
}

static void test_idul_fitri_2025(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	assert_int_equal(calendar_load(&c, "", &e), 0);
	/* Thu 27 March; then 28 Mar to 7 Apr are holidays, leave and a weekend */
	assert_day(calendar_add_working_days(c, D("2025-03-27"), 1), "2025-04-08");
	/* Apr 8 9 10 11 14 15 16 17, Good Friday 18, 21 22 */
	assert_day(calendar_add_working_days(c, D("2025-03-27"), 10), "2025-04-22");
	assert_day(calendar_add_working_days(c, D("2025-03-29"), 0), "2025-03-29");
	assert_day(calendar_add_working_days(c, D("2025-03-29"), -3), "2025-03-29");
	assert_int_equal(calendar_working_days_between(c, D("2025-03-27"), D("2025-04-22")), 10);
	assert_int_equal(calendar_working_days_between(c, D("2025-04-22"), D("2025-03-27")), -10);
	assert_int_equal(calendar_working_days_between(c, D("2025-03-28"), D("2025-04-07")), 0);
	assert_int_equal(calendar_working_days_between(c, D("2025-04-08"), D("2025-04-08")), 0);
	assert_int_equal(calendar_missing_year(c), 0);
	calendar_free(c);
}

static void test_year_boundary(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	assert_int_equal(calendar_load(&c, NULL, &e), 0);
	/* Wed 24 Dec 2025; Christmas, its leave day, a weekend; Dec 29 30 31 */
	assert_day(calendar_add_working_days(c, D("2025-12-24"), 3), "2025-12-31");
	/* New Year's Day, then Fri 2 Jan and Mon 5 Jan */
	assert_day(calendar_add_working_days(c, D("2025-12-24"), 5), "2026-01-05");
	assert_int_equal(calendar_working_days_between(c, D("2025-12-24"), D("2026-01-05")), 5);
	assert_int_equal(calendar_missing_year(c), 0);
	calendar_free(c);
}

static void test_missing_year(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	write_file("2026.txt", "2026-12-24 cuti bersama Natal\n2026-12-25 Natal\n");
	assert_int_equal(calendar_load(&c, scratch, &e), 0);
	assert_int_equal(calendar_missing_year(c), 0);
	/* Wed 30 Dec 2026: Thu 31; 2027 has no file, so Fri 1 Jan counts; Mon 4 */
	assert_day(calendar_add_working_days(c, D("2026-12-30"), 3), "2027-01-04");
	assert_int_equal(calendar_missing_year(c), 2027);
	calendar_clear_missing(c);
	assert_day(calendar_add_working_days(c, D("2026-12-22"), 3), "2026-12-29");
	assert_int_equal(calendar_missing_year(c), 0);
	/* the earliest year is reported, whatever the order of the calls */
	assert_true(calendar_is_working_day(c, D("2030-06-03")));
	assert_true(calendar_is_working_day(c, D("2028-06-05")));
	assert_false(calendar_is_working_day(c, D("2029-06-02"))); /* a Saturday */
	assert_int_equal(calendar_missing_year(c), 2028);
	assert_int_equal(calendar_working_days_between(c, D("2024-12-31"), D("2025-01-06")), 4);
	assert_int_equal(calendar_missing_year(c), 2025);
	calendar_free(c);
}

/* The arithmetic count of between() against a day-by-day count. */
static void test_between_matches_walk(void **state)
{
	struct calendar *c;
	struct err e;
	int32_t first = D("2024-11-01"), last = D("2028-02-29");
	int n = last - first + 1;
	int *prefix = calloc((size_t)n, sizeof(*prefix)); /* working days in (first, first+i] */

	(void)state;
	assert_non_null(prefix);
	assert_int_equal(calendar_load(&c, NULL, &e), 0);
	for (int i = 1; i < n; i++)
		prefix[i] = prefix[i - 1] + calendar_is_working_day(c, first + i);
	for (int i = 0; i < n; i += 3)
		for (int j = 0; j < n; j += 5)
			assert_int_equal(calendar_working_days_between(c, first + i, first + j),
					 prefix[j] - prefix[i]);
	for (int i = 0; i < n; i += 11)
		for (int k = 0; k <= 30; k++) {
			int32_t to = calendar_add_working_days(c, first + i, k);

			assert_true(k == 0 || calendar_is_working_day(c, to));
			/* and the first such day */
			assert_true(k == 0 ||
				    calendar_working_days_between(c, first + i, to - 1) == k - 1);
			assert_int_equal(calendar_working_days_between(c, first + i, to), k);
			assert_int_equal(calendar_working_days_between(c, to, first + i), -k);
		}
	free(prefix);
	calendar_free(c);
}

static void test_directory_file(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	write_file("2030.txt", "# a comment\n\n   # an indented comment\n"
			       "2030-01-01 Tahun Baru\r\n2030-01-02\n2030-01-03\tthird day\n");
	write_file("README", "not a calendar\n");
	write_file("2031.txt.orig", "junk\n");
	assert_int_equal(calendar_load(&c, scratch, &e), 0);
	assert_false(calendar_is_working_day(c, D("2030-01-01")));
	assert_false(calendar_is_working_day(c, D("2030-01-02")));
	assert_false(calendar_is_working_day(c, D("2030-01-03")));
	assert_true(calendar_is_working_day(c, D("2030-01-04")));
	assert_int_equal(calendar_missing_year(c), 0);
	/* the embedded 2025 file is not consulted when a directory is */
	assert_true(calendar_is_working_day(c, D("2025-04-02")));
	assert_int_equal(calendar_missing_year(c), 2025);
	calendar_free(c);
}

/* a year with no holiday at all (comments only): no array to sort (qsort(NULL, 0) is UB) */
static void test_year_without_holidays(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	write_file("2030.txt", "# no holiday decreed\n");
	assert_int_equal(calendar_load(&c, scratch, &e), 0);
	assert_int_equal(calendar_year_status(c, 2030), CALENDAR_YEAR_KNOWN);
	assert_true(calendar_is_working_day(c, D("2030-01-01")));
	assert_false(calendar_is_working_day(c, D("2030-01-05"))); /* a Saturday */
	assert_int_equal(calendar_missing_year(c), 0);
	calendar_free(c);
}

static void test_provisional_file(void **state)
{
	struct calendar *c;
	struct err e;

	(void)state;
	write_file("2030.txt", "# estimates\nprovisional\n2030-01-01\n");
	write_file("2031.txt", "2031-01-01\n");
	assert_int_equal(calendar_load(&c, scratch, &e), 0);
	assert_int_equal(calendar_year_status(c, 2030), CALENDAR_YEAR_PROVISIONAL);
	assert_int_equal(calendar_year_status(c, 2031), CALENDAR_YEAR_KNOWN);
	assert_false(calendar_is_working_day(c, D("2031-01-01")));
	assert_int_equal(calendar_missing_year(c), 0);
	/* the start day is not counted, so only 2030 is touched */
	assert_day(calendar_add_working_days(c, D("2029-12-31"), 1), "2030-01-02");
	assert_int_equal(calendar_missing_year(c), 2030);
	calendar_clear_missing(c);
	assert_true(calendar_is_working_day(c, D("2029-12-31")));
	assert_int_equal(calendar_missing_year(c), 2029);
	calendar_free(c);
}

static void expect_bad(const char *text, long line, const char *msg_part)
{
	struct calendar *c = (struct calendar *)&c; /* not NULL: load must clear it */
	struct err e;
	char path[256];

	write_file("2030.txt", text);
	snprintf(path, sizeof(path), "%s/2030.txt", scratch);
	assert_int_equal(calendar_load(&c, scratch, &e), -1);
	assert_null(c);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_string_equal(e.file, path);
	assert_int_equal(e.line, line);
	assert_non_null(strstr(e.msg, msg_part));
}

static void test_bad_lines(void **state)
{
	(void)state;
	expect_bad("2030-01-01\n2030-02-30 no such day\n", 2, "expected a date");
	expect_bad("# x\n2030-01-01x\n", 2, "expected a date");
	expect_bad("Tahun Baru 2030-01-01\n", 1, "expected a date");
	expect_bad("\n\n 2030-01-01\n", 3, "expected a date");
	expect_bad("2030-1-1\n", 1, "expected a date");
	expect_bad("2030-01-01\n2031-01-01\n", 2, "is not in 2030");
	expect_bad("2030-01-01\n2030-01-01 again\n", 2, "listed twice");
	expect_bad("2030-01-01\n2030-01-0", 2, "expected a date");
	expect_bad("2030-01-01\n provisional\n", 2, "expected a date");
	expect_bad("provisional 2030\n", 1, "expected a date");
}

static void test_bad_directories(void **state)
{
	struct calendar *c;
	struct err e;
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/nonexistent", scratch);
	assert_int_equal(calendar_load(&c, path, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	/* a directory without any YYYY.txt is a mistake, not an empty calendar */
	write_file("README", "x\n");
	assert_int_equal(calendar_load(&c, scratch, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_non_null(strstr(e.msg, "no holiday file"));
	/* a link is not followed */
	write_file("target", "2030-01-01\n");
	snprintf(path, sizeof(path), "%s/2030.txt", scratch);
	assert_int_equal(symlink("target", path), 0);
	assert_int_equal(calendar_load(&c, scratch, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_wib_day_boundary),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_embedded_working_days),
		cmocka_unit_test(test_idul_fitri_2025),
		cmocka_unit_test(test_year_boundary),
		cmocka_unit_test_setup_teardown(test_missing_year, make_scratch, remove_scratch),
		cmocka_unit_test(test_between_matches_walk),
		cmocka_unit_test_setup_teardown(test_directory_file, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_year_without_holidays, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_provisional_file, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_bad_lines, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_bad_directories, make_scratch, remove_scratch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
