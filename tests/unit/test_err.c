#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int c = ERR_SIGNATURE_MISSING; c < ERR_CODE_COUNT; c++)
		assert_int_equal(err_code_from_name(err_code_name(c)), c);
	assert_int_equal(err_code_from_name("NO_SUCH_CODE"), ERR_NONE);
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(err_code_level(ERR_SIGNATURE_MISSING), 1);
	assert_int_equal(err_code_level(ERR_LIMIT_EXCEEDED), 1);
	assert_int_equal(err_code_level(ERR_TICKET_UNKNOWN), 2);
	assert_int_equal(err_code_level(ERR_TIME_INVALID), 2);
	assert_int_equal(err_code_level(ERR_CONFIG), 0);
}

static void test_format_with_place(void **state)
{
	struct err e;
	char buf[256];

	(void)state;
	assert_int_equal(err_set_at(&e, ERR_SCHEMA_INVALID, "a.xml", 3, 7, "bad '%s'", "x"), -1);
	err_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "a.xml:3:7: SCHEMA_INVALID: bad 'x'");
	err_set(&e, ERR_CONFIG, "no file");
	err_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "CONFIG: no file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_format_with_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
