#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/calendar.h"
#include "ledger/tickets.h"

static int32_t day(const char *s)
{
	int32_t d = 0;

	assert_int_equal(calendar_parse_day(s, &d), 0);
	return d;
}

static int period(const char *date, const char *month, const char *year, const char *from,
		  const char *to, struct tickets_filter *f)
{
	struct err e;

	err_clear(&e);
	if (tickets_period(date, month, year, from, to, f, &e) == 0)
		return 0;
	assert_int_equal(e.code, ERR_USAGE);
	return -1;
}

static void test_periods(void **state)
{
	struct tickets_filter f;

	(void)state;
	assert_int_equal(period(NULL, NULL, NULL, NULL, NULL, &f), 0);
	assert_int_equal(f.from_day, INT32_MIN);
	assert_int_equal(f.to_day, INT32_MAX);
	assert_int_equal(period("2026-03-13", NULL, NULL, NULL, NULL, &f), 0);
	assert_int_equal(f.from_day, day("2026-03-13"));
	assert_int_equal(f.to_day, day("2026-03-13"));
	assert_int_equal(period(NULL, "2024-02", NULL, NULL, NULL, &f), 0);
	assert_int_equal(f.from_day, day("2024-02-01"));
	assert_int_equal(f.to_day, day("2024-02-29"));
	assert_int_equal(period(NULL, "2026-12", NULL, NULL, NULL, &f), 0);
	assert_int_equal(f.to_day, day("2026-12-31"));
	assert_int_equal(period(NULL, NULL, "2025", NULL, NULL, &f), 0);
	assert_int_equal(f.from_day, day("2025-01-01"));
	assert_int_equal(f.to_day, day("2025-12-31"));
	assert_int_equal(period(NULL, NULL, NULL, "2026-01-05", NULL, &f), 0);
	assert_int_equal(f.from_day, day("2026-01-05"));
	assert_int_equal(f.to_day, INT32_MAX);
	assert_int_equal(period(NULL, NULL, NULL, "2026-01-05", "2026-01-05", &f), 0);
}

static void test_bad_periods(void **state)
{
	struct tickets_filter f;

	(void)state;
	assert_int_equal(period("2026-02-29", NULL, NULL, NULL, NULL, &f), -1);
	assert_int_equal(period("2026-3-1", NULL, NULL, NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, "2026-00", NULL, NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, "2026-1", NULL, NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, "202-01", NULL, NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, "2026-011", NULL, NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, "", NULL, NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, NULL, "20266", NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, NULL, "0000", NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, NULL, "-202", NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, NULL, NULL, "2026-02-02", "2026-02-01", &f), -1);
	assert_int_equal(period("2026-01-01", NULL, "2026", NULL, NULL, &f), -1);
	assert_int_equal(period(NULL, "2026-01", NULL, NULL, "2026-02-01", &f), -1);
}

static void test_filter_check(void **state)
{
	struct tickets_filter f = { INT32_MIN, INT32_MAX, "BANKA", "PGD", "DITANGGAPI" };
	struct err e;

	(void)state;
	assert_int_equal(tickets_filter_check(&f, &e), 0);
	f.pujk = "BANK-A";
	assert_int_equal(tickets_filter_check(&f, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	f.pujk = "ABCDEFGHIJKLM";
	assert_int_equal(tickets_filter_check(&f, &e), -1);
	f.pujk = NULL;
	f.kind = "pgd";
	assert_int_equal(tickets_filter_check(&f, &e), -1);
	f.kind = NULL;
	f.status = "NONE";
	assert_int_equal(tickets_filter_check(&f, &e), -1);
}

static void test_now(void **state)
{
	int64_t now = 0;
	struct err e;

	(void)state;
	assert_int_equal(tickets_parse_now("1773712800", 5, &now, &e), 0);
	assert_int_equal(now, 1773712800);
	assert_int_equal(tickets_parse_now("2026-03-17T09:00:00+07:00", 5, &now, &e), 0);
	assert_int_equal(now, 1773712800);
	assert_int_equal(tickets_parse_now("2026-03-17", 5, &now, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_int_equal(tickets_parse_now("99999999999999999999999", 5, &now, &e), -1);
	assert_int_equal(tickets_parse_now(NULL, 1700000001, &now, &e), 0);
	assert_int_equal(now, 1700000001);
	assert_int_equal(tickets_parse_now("", 1700000002, &now, &e), 0);
	assert_int_equal(now, 1700000002);
}

static void test_sla(void **state)
{
	struct tickets_ticket t = { .due_day = 0 };
	struct calendar *c = NULL;
	struct sla_view v;
	struct err e;

	(void)state;
	assert_int_equal(calendar_load(&c, NULL, &e), 0);
	t.due_day = day("2026-04-06");
	snprintf(t.kind, sizeof(t.kind), "PGD");
	snprintf(t.status, sizeof(t.status), "DITINDAKLANJUTI");
	v = tickets_sla(c, &t, day("2026-03-17"));
	assert_true(v.running);
	assert_int_equal(v.days_left, 8);
	assert_false(v.late);
	v = tickets_sla(c, &t, day("2026-04-07"));
	assert_int_equal(v.days_left, -1);
	assert_true(v.late);
	/* waiting for OJK: no sisa SLA; a late first response stays late */
	snprintf(t.status, sizeof(t.status), "USULAN_SELESAI");
	v = tickets_sla(c, &t, day("2026-03-17"));
	assert_false(v.running);
	assert_false(v.late);
	t.first_response_at = 1775606400; /* 2026-04-08T00:00:00Z */
	assert_true(tickets_sla(c, &t, day("2026-04-09")).late);
	snprintf(t.status, sizeof(t.status), "DITUTUP");
	assert_false(tickets_sla(c, &t, day("2026-03-17")).running);
	/* an answered indication waits for OJK */
	snprintf(t.kind, sizeof(t.kind), "IND");
	snprintf(t.status, sizeof(t.status), "DITANGGAPI");
	t.first_response_at = 0;
	assert_false(tickets_sla(c, &t, day("2026-04-09")).running);
	assert_int_equal(calendar_missing_year(c), 0);
	calendar_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_bad_periods),
		cmocka_unit_test(test_filter_check),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_sla),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
