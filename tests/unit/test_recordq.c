/*
 * recordq: the parser-to-ledger queue keeps document order and loses nothing
 * across the batched wake-ups, whatever the capacity; finish drains what is
 * left; abort frees a producer stuck on a full queue; an item is a whole
 * copy that needs nothing of the record it was made from.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exchange/recordq.h"

struct producer {
	struct recordq *q;
	long n;
	long pushed;
	int rc;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct record r;
	char id[32];
	struct err e;

	memset(&r, 0, sizeof(r));
	r.id = id;
	for (long i = 0; i < p->n; i++) {
		snprintf(id, sizeof(id), "r-%ld", i);
		if (recordq_push(p->q, &r, i, ERR_NONE, NULL, NULL, &e) != 0) {
			p->rc = -1;
			return NULL;
		}
		/* read by the test while this thread runs */
		__atomic_store_n(&p->pushed, i + 1, __ATOMIC_SEQ_CST);
	}
	recordq_finish(p->q);
	return NULL;
}

/* Every record arrives once, in order, with its strings copied. */
static void drain_in_order(size_t capacity, long n)
{
	struct producer p = { .n = n };
	struct recordq_item *it;
	pthread_t t;
	struct err e;
	char want[32];
	long got = 0;

	assert_int_equal(recordq_new(&p.q, capacity, &e), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	while ((it = recordq_pop(p.q)) != NULL) {
		assert_int_equal(it->index, got);
		snprintf(want, sizeof(want), "r-%ld", got);
		assert_string_equal(it->r.id, want);
		recordq_item_free(it);
		got++;
	}
	pthread_join(t, NULL);
	assert_int_equal(p.rc, 0);
	assert_int_equal(got, n);
	recordq_free(p.q);
}

static void test_order_across_capacities(void **state)
{
	static const size_t capacities[] = { 1, 2, 3, 4, 7, 64, 1024 };

	(void)state;
	for (size_t i = 0; i < sizeof(capacities) / sizeof(capacities[0]); i++)
		drain_in_order(capacities[i], 20000);
}

/* Fewer records than would wake a waiting consumer: finish hands them over. */
static void test_finish_drains_a_short_tail(void **state)
{
	(void)state;
	drain_in_order(1024, 3);
	drain_in_order(1024, 0);
}

static void test_abort_frees_a_blocked_producer(void **state)
{
	struct producer p = { .n = 100 };
	pthread_t t;
	struct err e;
	struct record r;

	(void)state;
	assert_int_equal(recordq_new(&p.q, 4, &e), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	/* let the producer fill the queue and wait on it */
	while (__atomic_load_n(&p.pushed, __ATOMIC_SEQ_CST) < 4)
		usleep(1000);
	usleep(20000);
	recordq_abort(p.q);
	pthread_join(t, NULL);
	assert_int_equal(p.rc, -1);
	assert_true(p.pushed < p.n);
	assert_null(recordq_pop(p.q));
	memset(&r, 0, sizeof(r));
	assert_int_equal(recordq_push(p.q, &r, 0, ERR_NONE, NULL, NULL, &e), -1);
	recordq_free(p.q);
}

/* Every string field and attachment set, from malloc'd strings freed after the push. */
static void test_copy_outlives_its_source(void **state)
{
	struct attachment_ref att[3];
	struct record r;
	struct recordq *q;
	struct recordq_item *it;
	struct err e, why;
	char want[32];

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(att, 0, sizeof(att));
	r.type = REC_FOLLOW_UP;
	r.line = 7;
	r.at = 1234;
	for (int i = 0; i < RECORDS_STRINGS; i++) {
		snprintf(want, sizeof(want), "field-%d", i);
		r.strings[i] = strdup(want);
	}
	for (int a = 0; a < 3; a++) {
		att[a].size = a;
		for (int i = 0; i < RECORDS_ATT_STRINGS; i++) {
			snprintf(want, sizeof(want), "att-%d-%d", a, i);
			att[a].strings[i] = strdup(want);
		}
	}
	r.att = att;
	r.n_att = 3;
	err_set(&why, ERR_TIME_INVALID, "record 'x' lies in the future");
	assert_int_equal(recordq_new(&q, 4, &e), 0);
	assert_int_equal(recordq_push(q, &r, 5, ERR_TIME_INVALID, &why, NULL, &e), 0);
	for (int i = 0; i < RECORDS_STRINGS; i++)
		free((char *)r.strings[i]);
	for (int a = 0; a < 3; a++)
		for (int i = 0; i < RECORDS_ATT_STRINGS; i++)
			free((char *)att[a].strings[i]);
	memset(&r, 0xa5, sizeof(r));
	memset(att, 0xa5, sizeof(att));
	memset(&why, 0, sizeof(why));

	recordq_finish(q);
	it = recordq_pop(q);
	assert_non_null(it);
	assert_int_equal(it->index, 5);
	assert_int_equal(it->r.type, REC_FOLLOW_UP);
	assert_int_equal(it->r.line, 7);
	assert_int_equal(it->r.at, 1234);
	for (int i = 0; i < RECORDS_STRINGS; i++) {
		snprintf(want, sizeof(want), "field-%d", i);
		assert_string_equal(it->r.strings[i], want);
	}
	assert_int_equal(it->r.n_att, 3);
	for (int a = 0; a < 3; a++) {
		assert_int_equal(it->r.att[a].size, a);
		for (int i = 0; i < RECORDS_ATT_STRINGS; i++) {
			snprintf(want, sizeof(want), "att-%d-%d", a, i);
			assert_string_equal(it->r.att[a].strings[i], want);
		}
	}
	assert_int_equal(it->pre, ERR_TIME_INVALID);
	assert_non_null(it->why);
	assert_string_equal(it->why->msg, "record 'x' lies in the future");
	recordq_item_free(it);
	assert_null(recordq_pop(q));
	recordq_free(q);
}

/* A record without strings, attachments or reason is one small block. */
static void test_copy_of_an_empty_record(void **state)
{
	struct record r;
	struct recordq *q;
	struct recordq_item *it;
	struct err e;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(records_copy_size(&r), 0);
	assert_int_equal(recordq_new(&q, 1, &e), 0);
	assert_int_equal(recordq_push(q, &r, 0, ERR_NONE, NULL, NULL, &e), 0);
	recordq_finish(q);
	it = recordq_pop(q);
	assert_non_null(it);
	assert_null(it->r.id);
	assert_null(it->r.att);
	assert_null(it->why);
	recordq_item_free(it);
	recordq_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_across_capacities),
		cmocka_unit_test(test_finish_drains_a_short_tail),
		cmocka_unit_test(test_abort_frees_a_blocked_producer),
		cmocka_unit_test(test_copy_outlives_its_source),
		cmocka_unit_test(test_copy_of_an_empty_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
