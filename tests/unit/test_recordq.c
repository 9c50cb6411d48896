/*
 * recordq: the parser-to-ledger queue keeps document order and loses nothing
 * across the batched wake-ups, whatever the capacity; finish drains what is
 * left; abort frees a producer stuck on a full queue.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_across_capacities),
		cmocka_unit_test(test_finish_drains_a_short_tail),
		cmocka_unit_test(test_abort_frees_a_blocked_producer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
