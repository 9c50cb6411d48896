#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ledger/ledger.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_ledger.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* a subdirectory the ledger has to create */
	snprintf(path, sizeof(path), "%s/spool/ledger.sqlite", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void open_ok(struct ledger **l)
{
	struct err e;

	err_clear(&e);
	if (ledger_open(l, path, 1000, &e) < 0)
		fail_msg("ledger_open: %s: %s", e.file, e.msg);
}

static const char *text_of(struct ledger *l, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static void set_user_version(int v)
{
	sqlite3 *db;
	char sql[64];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_new_ledger(void **state)
{
	struct ledger *l;
	struct stat st;
	char buf[64], sub[160];
	mode_t old = umask(0);

	(void)state;
	open_ok(&l);
	umask(old);
	assert_string_equal(text_of(l, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
	assert_string_equal(text_of(l, "PRAGMA synchronous", buf, sizeof(buf)), "2"); /* FULL */
	assert_string_equal(text_of(l, "PRAGMA foreign_keys", buf, sizeof(buf)), "1");
	assert_true(ledger_schema_version(l) >= 1);
	assert_string_equal(text_of(l, "SELECT count(*) FROM sqlite_master WHERE name IN"
				    " ('pujk', 'officer', 'officer_active', 'officer_cert')",
				    buf, sizeof(buf)), "4");
	/* owner-only even with umask 0, and its new directory too */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(sub, sizeof(sub), "%s/spool", dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* SQLite gives the WAL the database file's mode */
	snprintf(sub, sizeof(sub), "%s-wal", path);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	ledger_close(l);
}

static void test_reopen_is_idempotent(void **state)
{
	struct ledger *l;
	struct err e;
	int version;

	(void)state;
	open_ok(&l);
	version = ledger_schema_version(l);
	err_clear(&e);
	assert_int_equal(ledger_begin(l, &e), 0);
	assert_int_equal(sqlite3_exec(ledger_db(l),
				      "INSERT INTO pujk VALUES ('BANKA', 'Bank A', 'BANK', 1)",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ledger_commit(l, &e), 0);
	ledger_close(l);
	open_ok(&l);
	assert_int_equal(ledger_schema_version(l), version);
	ledger_close(l);
	open_ok(&l);
	assert_int_equal(ledger_schema_version(l), version);
	assert_int_equal(sqlite3_exec(ledger_db(l), "SELECT code FROM pujk WHERE code = 'BANKA'",
				      NULL, NULL, NULL), SQLITE_OK);
	ledger_close(l);
}

static void test_rollback_discards(void **state)
{
	struct ledger *l;
	struct err e;
	char buf[16];

	(void)state;
	open_ok(&l);
	err_clear(&e);
	assert_int_equal(ledger_begin(l, &e), 0);
	assert_int_equal(sqlite3_exec(ledger_db(l),
				      "INSERT INTO pujk VALUES ('BANKB', 'Bank B', 'BANK', 1)",
				      NULL, NULL, NULL), SQLITE_OK);
	ledger_rollback(l);
	assert_string_equal(text_of(l, "SELECT count(*) FROM pujk WHERE code = 'BANKB'", buf,
				    sizeof(buf)), "0");
	/* foreign keys hold: an officer of an unknown PUJK is refused */
	assert_int_not_equal(sqlite3_exec(ledger_db(l),
					  "INSERT INTO officer(pujk_code, role, name, cert_der,"
					  " cert_sha256, subject, serial, active_from) VALUES"
					  " ('NOPE', 'PRODUCT', 'x', x'00', 'h', 's', '1', 1)",
					  NULL, NULL, NULL), SQLITE_OK);
	ledger_close(l);
}

static void test_newer_ledger_refused(void **state)
{
	struct ledger *l;
	struct err e;

	(void)state;
	open_ok(&l);
	ledger_close(l);
	set_user_version(999);
	err_clear(&e);
	assert_int_equal(ledger_open(&l, path, 1000, &e), -1);
	assert_null(l);
	assert_int_equal(e.code, ERR_IO);
	assert_string_equal(e.file, path);
	assert_non_null(strstr(e.msg, "newer"));
}

static void test_corrupt_ledger_found(void **state)
{
	struct ledger *l;
	struct stat st;
	struct err e;
	char junk[512];
	FILE *f;

	(void)state;
	open_ok(&l);
	/* enough rows for the table and its index to span many pages */
	assert_int_equal(sqlite3_exec(ledger_db(l),
				      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
				      " WHERE i < 5000) INSERT INTO pujk SELECT 'P' || i,"
				      " 'Some institution name ' || i, 'BANK', i FROM n",
				      NULL, NULL, NULL), SQLITE_OK);
	ledger_close(l); /* the last close checkpoints the WAL into the file */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 20 * 4096);
	memset(junk, 0xa5, sizeof(junk));
	f = fopen(path, "r+b");
	assert_non_null(f);
	/* the start of a page in the middle: its b-tree page header */
	assert_int_equal(fseek(f, (st.st_size / 4096 / 2) * 4096, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	assert_int_equal(fclose(f), 0);
	/* opening reads no more than it needs: the check is asked for, by
	 * audit verify (quick) and backup (full) */
	err_clear(&e);
	if (ledger_open(&l, path, 1000, &e) == 0) {
		for (int how = LEDGER_CHECK_QUICK; how <= LEDGER_CHECK_FULL; how++) {
			err_clear(&e);
			assert_int_equal(ledger_check_integrity(l, how, &e), -1);
			assert_int_equal(e.code, ERR_IO);
			assert_string_equal(e.file, path);
			assert_true(strstr(e.msg, "integrity") != NULL ||
				    strstr(e.msg, "malformed") != NULL);
		}
		ledger_close(l);
		return;
	}
	assert_null(l);
	assert_int_equal(e.code, ERR_IO);
	assert_string_equal(e.file, path);
	assert_true(strstr(e.msg, "malformed") != NULL);
}

static void test_not_a_database_refused(void **state)
{
	struct ledger *l;
	struct err e;
	char sub[128];
	FILE *f;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/spool", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not an SQLite database, but it is long enough to have a header......\n", f);
	assert_int_equal(fclose(f), 0);
	err_clear(&e);
	assert_int_equal(ledger_open(&l, path, 1000, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_string_equal(e.file, path);
}

int main(void)
{
	/* each test gets a fresh directory */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_ledger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_discards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_ledger_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_ledger_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
