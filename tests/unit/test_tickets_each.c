/*
 * test_tickets_each - tickets_each hands the rows over in the list's order
 * (received day, time, number), whether a day is gathered and sorted in
 * memory or, too big for it, read again sorted by SQLite.  tickets.c is
 * built here with a day of 4 KiB, so that a few hundred rows make a big day.
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

#define EACH_DAY_BYTES 4096u
#include "ledger/tickets.c"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_tickets_each.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/ledger.sqlite", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* ticket rows: days of 40, 300 (more than 4 KiB) and 25 tickets; received
 * times of few distinct seconds, so that many tie; numbers not in time order */
static void fill(struct ledger *l)
{
	static const int per_day[] = { 40, 300, 25 };
	sqlite3_stmt *st;
	unsigned seed = 7;
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(ledger_db(l),
					    "INSERT INTO ticket(no, kind, pujk_code, status, received_at,"
					    " assigned_at, due_day, created_seq, updated_seq, subject,"
					    " received_day) VALUES (?1, 'PGD', ?2, 'BARU', ?3, ?3, ?4 + 14,"
					    " 1, 1, ?5, ?4)", -1, &st, NULL),
			 SQLITE_OK);
	for (int d = 0; d < 3; d++) {
		int32_t day = 20400 + d;

		for (int i = 0; i < per_day[d]; i++, n++) {
			char no[32], subject[64];
			/* WIB midnight of day, then one of 7 seconds spread over it */
			int64_t at = (int64_t)day * 86400 - 7 * 3600 + (seed = seed * 1103515245u + 12345u) % 7 * 9000;

			snprintf(no, sizeof(no), "PGD-2025-%06u", (seed >> 8) % 900000 + 100000 + n);
			snprintf(subject, sizeof(subject), "Pengaduan %d%.*s", n, (int)(seed % 30),
				 "..............................");
			sqlite3_bind_text(st, 1, no, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, n % 3 ? "BANKA" : "ASURB", -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, at);
			sqlite3_bind_int(st, 4, day);
			sqlite3_bind_text(st, 5, subject, -1, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
}

struct seen {
	char (*no)[32];
	size_t n;
};

static int keep(void *ctx, const struct tickets_ticket *t, struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	assert_true(s->n < 400);
	assert_true(strncmp(t->subject, "Pengaduan ", 10) == 0);
	snprintf(s->no[s->n++], sizeof(s->no[0]), "%s", t->no);
	return 0;
}

/* tickets_each's numbers against SQLite's ORDER BY, for the filter */
static void same_order(struct ledger *l, const struct tickets_filter *f, size_t want)
{
	struct seen s = { calloc(400, sizeof(*s.no)), 0 };
	sqlite3_stmt *st;
	size_t i = 0;
	struct err e;

	err_clear(&e);
	assert_int_equal(tickets_each(l, f, keep, &s, &e), 0);
	assert_int_equal(s.n, want);
	assert_int_equal(sqlite3_prepare_v2(ledger_db(l),
					    "SELECT no FROM ticket WHERE received_day BETWEEN ?1 AND ?2"
					    " AND (?3 IS NULL OR pujk_code = ?3)"
					    " ORDER BY received_day, received_at, no", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(st, 1, f->from_day);
	sqlite3_bind_int(st, 2, f->to_day);
	ledger_bind_text_or_null(st, 3, f->pujk);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(i < s.n);
		assert_string_equal(s.no[i], (const char *)sqlite3_column_text(st, 0));
		i++;
	}
	assert_int_equal(i, s.n);
	sqlite3_finalize(st);
	free(s.no);
}

static void test_order(void **state)
{
	struct tickets_filter all = { 20400, 20402, NULL, NULL, NULL };
	struct tickets_filter big = { 20401, 20401, NULL, NULL, NULL };
	struct tickets_filter banka = { 20400, 20402, "BANKA", NULL, NULL };
	struct tickets_filter small = { 20402, 20402, NULL, NULL, NULL };
	struct ledger *l = NULL;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(ledger_open(&l, path, 1000, &e), 0);
	fill(l);
	same_order(l, &all, 365);
	same_order(l, &big, 300);
	same_order(l, &small, 25);
	same_order(l, &banka, 243);
	ledger_close(l);
}

/* a stop asked by the callback stops the walk, in a held day or a big one */
static int stop_at_third(void *ctx, const struct tickets_ticket *t, struct err *e)
{
	int *n = ctx;

	(void)t;
	return ++*n == 3 ? err_set(e, ERR_INTERNAL, "enough") : 0;
}

static void test_stop(void **state)
{
	struct tickets_filter held = { 20400, 20400, NULL, NULL, NULL };
	struct tickets_filter big = { 20401, 20401, NULL, NULL, NULL };
	struct ledger *l = NULL;
	struct err e;
	int n = 0;

	(void)state;
	err_clear(&e);
	assert_int_equal(ledger_open(&l, path, 1000, &e), 0);
	assert_int_equal(tickets_each(l, &held, stop_at_third, &n, &e), -1);
	assert_int_equal(n, 3);
	assert_string_equal(e.msg, "enough");
	n = 0;
	assert_int_equal(tickets_each(l, &big, stop_at_third, &n, &e), -1);
	assert_int_equal(n, 3);
	ledger_close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_stop),
	};
	int rc;

	if (setup(NULL) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	return teardown(NULL) != 0 ? 1 : rc;
}
