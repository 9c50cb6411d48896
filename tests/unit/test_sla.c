/*
 * sla: due days, extension, days left and lateness, counted by hand over
 * the shipped 2025-2026 calendars and a scratch calendar with a missing year.
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

#include "domain/sla.h"

static int32_t D(const char *s)
{
	int32_t day;

	assert_int_equal(calendar_parse_day(s, &day), 0);
	return day;
}

/* UTC seconds of a WIB wall-clock time */
static int64_t wib(const char *date, int h, int m, int s)
{
	return (int64_t)D(date) * 86400 + h * 3600 + m * 60 + s - 7 * 3600;
}

static void assert_day(int32_t day, const char *want)
{
	char buf[11];

	calendar_format_day(day, buf);
	assert_string_equal(buf, want);
}

static int load_embedded(void **state)
{
	struct err e;

	return calendar_load((struct calendar **)state, NULL, &e);
}

static int free_calendar(void **state)
{
	calendar_free(*state);
	return 0;
}

static void test_due_over_idul_fitri_2025(void **state)
{
	struct calendar *c = *state;

	/* Thu 27 Mar 2025, 10:00 WIB: Apr 8 9 10 11 14 15 16 17, Good Friday, 21 22 */
	assert_day(sla_due_day(c, 10, wib("2025-03-27", 10, 0, 0)), "2025-04-22");
	assert_int_equal(sla_due_day(c, 10, 1743044400), D("2025-04-22")); /* 03:00Z */
	assert_day(sla_due_day(c, 1, wib("2025-03-27", 10, 0, 0)), "2025-04-08");
	assert_int_equal(calendar_missing_year(c), 0);
}

static void test_day_of_receipt_not_counted(void **state)
{
	struct calendar *c = *state;

	/* Wed 25 Nov 2026 23:59:59 WIB: Nov 26 27 30, Dec 1 2 3 4 7 8 9 */
	assert_day(sla_due_day(c, 10, wib("2026-11-25", 23, 59, 59)), "2026-12-09");
	/* one second later it is Thursday in Jakarta (17:00 UTC) */
	assert_int_equal(wib("2026-11-26", 0, 0, 0), 1795626000);
	assert_day(sla_due_day(c, 10, 1795625999), "2026-12-09");
	assert_day(sla_due_day(c, 10, 1795626000), "2026-12-10");
	assert_day(sla_due_day(c, 10, wib("2026-11-25", 0, 0, 0)), "2026-12-09");
}

static void test_received_on_weekend_or_holiday(void **state)
{
	struct calendar *c = *state;

	/* Fri, Sat and Sun: counting starts Mon 30 Nov 2026, due Fri 11 Dec */
	assert_day(sla_due_day(c, 10, wib("2026-11-27", 9, 0, 0)), "2026-12-11");
	assert_day(sla_due_day(c, 10, wib("2026-11-28", 9, 0, 0)), "2026-12-11");
	assert_day(sla_due_day(c, 10, wib("2026-11-29", 23, 0, 0)), "2026-12-11");
	assert_day(sla_due_day(c, 10, wib("2026-11-30", 0, 0, 0)), "2026-12-14");
	/*
	 * Idul Fitri 2026: Tue 17 Mar, then leave 18, Nyepi 19, leave 20,
	 * Idul Fitri 21-22, leave 23 24; Mar 25 26 27 30 31, Apr 1 2,
	 * Good Friday 3, Apr 6 7 8
	 */
	assert_day(sla_due_day(c, 10, wib("2026-03-17", 8, 0, 0)), "2026-04-08");
	assert_day(sla_due_day(c, 10, wib("2026-03-19", 8, 0, 0)), "2026-04-08");
	assert_day(sla_due_day(c, 10, wib("2026-03-21", 8, 0, 0)), "2026-04-08");
	assert_day(sla_due_day(c, 10, wib("2026-03-16", 8, 0, 0)), "2026-04-07");
}

static void test_year_boundary(void **state)
{
	struct calendar *c = *state;

	/* Fri 19 Dec 2025: 22 23 24, Christmas, leave 26, 29 30 31, New Year, Jan 2 5 6 7 */
	assert_day(sla_due_day(c, 10, wib("2025-12-19", 14, 0, 0)), "2026-01-07");
	assert_int_equal(calendar_missing_year(c), 0);
}

static void test_missing_year(void **state)
{
	char dir[] = "/tmp/slktx-sla-XXXXXX", path[64], cmd[96];
	struct calendar *c;
	struct err e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/2026.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("2026-12-24 cuti bersama Natal\n2026-12-25 Natal\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(calendar_load(&c, dir, &e), 0);
	/* Tue 22 Dec 2026: 23, 28 29 30 31; 2027 unknown: Fri 1 Jan counts; 4 5 6 7 */
	assert_day(sla_due_day(c, 10, wib("2026-12-22", 9, 0, 0)), "2027-01-07");
	assert_int_equal(calendar_missing_year(c), 2027);
	calendar_free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_extension(void **state)
{
	struct calendar *c = *state;

	/* Apr 9 10 13 14 15 16 17 20 21 22 */
	assert_day(sla_extend(c, D("2026-04-08"), 10), "2026-04-22");
	/* Tue 12 May 2026: 13, Ascension 14, leave 15, 18-22, 25 26, Idul Adha 27,
	 * leave 28, 29, Pancasila 1 Jun, 2 Jun */
	assert_day(sla_extend(c, D("2026-05-12"), 10), "2026-06-02");
	assert_day(sla_extend(c, D("2026-05-12"), 0), "2026-05-12");
	/* a received-to-extended deadline: 10 + 10 from Tue 17 Mar 2026 */
	assert_day(sla_extend(c, sla_due_day(c, 10, wib("2026-03-17", 8, 0, 0)), 10),
		   "2026-04-22");
	assert_day(sla_due_day(c, 20, wib("2026-03-17", 8, 0, 0)), "2026-04-22");
}

/* a running complaint (DITINDAKLANJUTI) due on Wednesday 8 April 2026 */
static int left(struct calendar *c, int32_t due, int32_t today)
{
	struct sla_ticket t = { KIND_PGD, ST_DITINDAKLANJUTI, due, SLA_NO_DAY, SLA_NO_DAY };
	struct sla_view v = sla_view_of(c, &t, today);

	assert_true(v.running);
	assert_int_equal(v.late, v.days_left < 0);
	return v.days_left;
}

static void test_days_left(void **state)
{
	struct calendar *c = *state;
	int32_t due = D("2026-04-08"); /* a Wednesday */

	assert_int_equal(left(c, due, D("2026-04-08")), 0);
	assert_int_equal(left(c, due, D("2026-04-07")), 1);
	assert_int_equal(left(c, due, D("2026-04-03")), 3); /* Good Friday: 6 7 8 */
	assert_int_equal(left(c, due, D("2026-03-20")), 10);
	assert_int_equal(left(c, due, D("2026-03-17")), 10);
	assert_int_equal(left(c, due, D("2026-04-09")), -1);
	assert_int_equal(left(c, due, D("2026-04-10")), -2);
	assert_int_equal(left(c, due, D("2026-04-11")), -2); /* Saturday */
	assert_int_equal(left(c, due, D("2026-04-13")), -3);
	/* Apr 9 10, 13-17, 20-24, 27-30, May Day, 4-8, 11 12 13, Ascension, leave */
	assert_int_equal(left(c, due, D("2026-05-15")), -24);
	/* Fri 10 Apr due: -1 on the Saturday and the Sunday after, never 0, and on Monday */
	assert_int_equal(left(c, D("2026-04-10"), D("2026-04-10")), 0);
	assert_int_equal(left(c, D("2026-04-10"), D("2026-04-11")), -1);
	assert_int_equal(left(c, D("2026-04-10"), D("2026-04-12")), -1);
	assert_int_equal(left(c, D("2026-04-10"), D("2026-04-13")), -1);
	assert_int_equal(left(c, D("2026-04-10"), D("2026-04-14")), -2);
	/* due Wed 1 Apr 2026: Thu 2, Good Friday 3 off, the weekend, then Mon 6 */
	assert_int_equal(left(c, D("2026-04-01"), D("2026-04-03")), -1);
	assert_int_equal(left(c, D("2026-04-01"), D("2026-04-06")), -2);
}

#define NO SLA_NO_DAY
static const struct view_case {
	enum ticket_kind kind;
	enum ticket_status status;
	const char *first, *proposal, *today; /* NULL: no such day */
	int running, days_left, late;
} view_cases[] = {
	/* due Friday 10 April 2026; waiting for the PUJK */
	{ KIND_PGD, ST_BARU, NULL, NULL, "2026-04-10", 1, 0, 0 },
	{ KIND_PGD, ST_BARU, NULL, NULL, "2026-04-11", 1, -1, 1 },
	{ KIND_PGD, ST_DIAMBIL_ALIH, "2026-04-10", NULL, "2026-04-10", 1, 0, 0 },
	{ KIND_PGD, ST_DIAMBIL_ALIH, "2026-04-10", NULL, "2026-04-12", 1, -1, 1 },
	{ KIND_PGD, ST_DITINDAKLANJUTI, "2026-04-10", NULL, "2026-04-13", 1, -1, 1 },
	/* waiting for OJK: no sisa SLA, and OJK's time is not the PUJK's delay */
	{ KIND_PGD, ST_USULAN_SELESAI, "2026-04-10", "2026-04-10", "2026-06-01", 0, 0, 0 },
	{ KIND_PGD, ST_SELESAI, "2026-04-10", "2026-04-10", "2026-06-01", 0, 0, 0 },
	{ KIND_PGD, ST_DIKEMBALIKAN, "2026-04-10", NULL, "2026-06-01", 0, 0, 0 },
	{ KIND_PGD, ST_DITUTUP, NULL, NULL, "2026-06-01", 0, 0, 0 },
	/* a first response or a proposal after the due day stays late for ever */
	{ KIND_PGD, ST_SELESAI, "2026-04-11", "2026-04-11", "2026-06-01", 0, 0, 1 },
	{ KIND_PGD, ST_USULAN_SELESAI, "2026-04-10", "2026-04-13", "2026-06-01", 0, 0, 1 },
	{ KIND_PGD, ST_DITINDAKLANJUTI, "2026-04-11", NULL, "2026-04-09", 1, 1, 1 },
	/* an indication is answered by its follow-up */
	{ KIND_IND, ST_BARU, NULL, NULL, "2026-04-10", 1, 0, 0 },
	{ KIND_IND, ST_BARU, NULL, NULL, "2026-04-11", 1, -1, 1 },
	{ KIND_IND, ST_DITANGGAPI, "2026-04-10", NULL, "2026-06-01", 0, 0, 0 },
	{ KIND_IND, ST_DITANGGAPI, "2026-04-11", NULL, "2026-06-01", 0, 0, 1 },
	{ KIND_IND, ST_DIKEMBALIKAN, NULL, NULL, "2026-06-01", 0, 0, 0 },
};

static void test_view(void **state)
{
	struct calendar *c = *state;

	for (size_t i = 0; i < sizeof(view_cases) / sizeof(view_cases[0]); i++) {
		const struct view_case *k = &view_cases[i];
		struct sla_ticket t = { k->kind, k->status, D("2026-04-10"),
					k->first ? D(k->first) : NO,
					k->proposal ? D(k->proposal) : NO };
		struct sla_view v = sla_view_of(c, &t, D(k->today));

		if (v.running != k->running || v.days_left != k->days_left || v.late != k->late)
			fail_msg("case %zu: running %d left %d late %d, want %d %d %d", i,
				 v.running, v.days_left, v.late, k->running, k->days_left, k->late);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_over_idul_fitri_2025),
		cmocka_unit_test(test_day_of_receipt_not_counted),
		cmocka_unit_test(test_received_on_weekend_or_holiday),
		cmocka_unit_test(test_year_boundary),
		cmocka_unit_test(test_missing_year),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_days_left),
		cmocka_unit_test(test_view),
	};
	return cmocka_run_group_tests(tests, load_embedded, free_calendar);
}
