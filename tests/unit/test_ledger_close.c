/*
 * test_ledger_close - a ledger created where closing the directory after its
 * fsync fails (as on a network file system reporting a late write error)
 * must fail with a described ERR_IO, not -1 with an empty error.
 *
 * This binary defines close() itself: the definition in the executable is
 * the one libslktx.a and the libraries it loads call.  Armed, it fails for
 * a directory's descriptor (after closing it, as Linux does).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "ledger/ledger.h"

static int fail_dir_close;

int close(int fd)
{
	struct stat st;
	int dir = fail_dir_close && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);

	if (syscall(SYS_close, fd) != 0)
		return -1;
	if (dir) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static void test_close_error_is_described(void **state)
{
	char dir[] = "/tmp/slktx-ledger-close.XXXXXX", path[64];
	struct ledger *l = NULL;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ledger.sqlite", dir);
	err_clear(&e);
	fail_dir_close = 1;
	assert_int_equal(ledger_open(&l, path, 1000, &e), -1);
	fail_dir_close = 0;
	assert_null(l);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "ledger.sqlite"));
	assert_non_null(strstr(e.msg, "Input/output error"));
	/* unarmed, the same path opens: the file made before is reused */
	assert_int_equal(ledger_open(&l, path, 1000, &e), 0);
	ledger_close(l);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_error_is_described),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
