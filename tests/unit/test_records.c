/*
 * test_records - the ledger-free time rules: a record's At or ReceivedAt,
 * and a header's CreatedAt, between 2000-01-01 and now (plus the skew; a
 * day more for CreatedAt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/records.h"

/* 2026-11-27T18:00:00+07:00, the samples' day */
#define NOW ((int64_t)1795777200)
#define SKEW 300L

static const struct {
	const char *at;
	enum err_code record, created;
} cases[] = {
	{ "2026-11-27T18:00:00+07:00", ERR_NONE, ERR_NONE },              /* now */
	{ "2026-11-27T11:05:00Z", ERR_NONE, ERR_NONE },                   /* within the skew */
	{ "2026-11-27T11:05:01Z", ERR_TIME_INVALID, ERR_NONE },           /* past it */
	{ "2026-11-28T11:05:00Z", ERR_TIME_INVALID, ERR_NONE },           /* a day and the skew */
	{ "2026-11-28T11:05:01Z", ERR_TIME_INVALID, ERR_SCHEMA_INVALID }, /* past them */
	{ "9999-12-31T23:59:59+07:00", ERR_TIME_INVALID, ERR_SCHEMA_INVALID },
	{ "2000-01-01T00:00:00Z", ERR_NONE, ERR_NONE },
	{ "2000-01-01T07:00:00+07:00", ERR_NONE, ERR_NONE },
	{ "1999-12-31T23:59:59Z", ERR_TIME_INVALID, ERR_SCHEMA_INVALID },
	{ "2000-01-01T06:59:59+07:00", ERR_TIME_INVALID, ERR_SCHEMA_INVALID },
	{ "1970-01-01T00:00:00Z", ERR_TIME_INVALID, ERR_SCHEMA_INVALID },
	{ "1900-01-01T00:00:00+07:00", ERR_TIME_INVALID, ERR_SCHEMA_INVALID },
	{ "0001-01-01T00:00:00+07:00", ERR_TIME_INVALID, ERR_SCHEMA_INVALID },
};

static void test_times(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct record r;
		struct err e;

		memset(&r, 0, sizeof(r));
		r.id = "r1";
		r.at_text = cases[i].at;
		r.line = 7, r.col = 5;
		assert_int_equal(records_parse_time(cases[i].at, &r.at), 0);
		err_clear(&e);
		assert_int_equal(records_check(&r, "f.xml", NOW, SKEW, &e), cases[i].record);
		if (cases[i].record != ERR_NONE) {
			assert_int_equal(e.code, ERR_TIME_INVALID);
			assert_int_equal(e.line, 7);
			assert_non_null(strstr(e.msg, cases[i].at));
		}
		err_clear(&e);
		assert_int_equal(records_check_created(cases[i].at, "f.xml", 4, 5, NOW, SKEW, &e),
				 cases[i].created);
		if (cases[i].created != ERR_NONE) {
			assert_int_equal(e.line, 4);
			assert_non_null(strstr(e.msg, cases[i].at));
		}
	}
}

static void test_messages(void **state)
{
	struct record r;
	struct err e;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.id = "r1";
	r.at_text = "1900-01-01T00:00:00+07:00";
	assert_int_equal(records_parse_time(r.at_text, &r.at), 0);
	records_check(&r, "f.xml", NOW, SKEW, &e);
	assert_string_equal(e.msg, "record 'r1': 1900-01-01T00:00:00+07:00 lies before 2000-01-01");
	records_check_created("9999-01-01T00:00:00Z", "f.xml", 4, 5, NOW, SKEW, &e);
	assert_string_equal(e.msg,
			    "CreatedAt '9999-01-01T00:00:00Z' lies more than a day in the future");
	assert_int_equal(records_check_created("yesterday", "f.xml", 4, 5, NOW, SKEW, &e),
			 ERR_SCHEMA_INVALID);
	assert_int_equal(records_check_created(NULL, "f.xml", 4, 5, NOW, SKEW, &e),
			 ERR_SCHEMA_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
