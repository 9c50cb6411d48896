/*
 * recordq - the parser-to-ledger queue; see recordq.h.
 */
#include "exchange/recordq.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct recordq {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct recordq_item **ring;
	size_t capacity, head, count;
	int finished, aborted;
	int producer_waits, consumer_waits;
};

/*
 * A waiting side is woken only once the other has made room for, or
 * queued, a good part of the queue: waking it for every record makes the
 * two threads trade places at each one, a context switch per record.
 */
#define WAKE_CONSUMER_AT(q) ((q)->capacity / 4)
#define WAKE_PRODUCER_AT(q) ((q)->capacity / 2)

int recordq_new(struct recordq **out, size_t capacity, struct err *e)
{
	struct recordq *q = calloc(1, sizeof(*q));

	if (q == NULL || (q->ring = calloc(capacity, sizeof(*q->ring))) == NULL) {
		free(q);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	q->capacity = capacity;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	*out = q;
	return 0;
}

void recordq_free(struct recordq *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->count; i++)
		recordq_item_free(q->ring[(q->head + i) % q->capacity]);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

/*
 * One block per item: the item, the reason when there is one (rare: a
 * struct err is 2 KB), then the record's attachments and strings.
 */
int recordq_push(struct recordq *q, const struct record *r, long index, enum err_code pre,
		 const struct err *why, const enum err_code *att, struct err *e)
{
	size_t reason = pre != ERR_NONE ? sizeof(struct err) : 0;
	struct recordq_item *it;
	char *tail;

	it = malloc(sizeof(*it) + reason + records_copy_size(r));
	if (it == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	tail = (char *)(it + 1);
	it->why = NULL;
	if (pre != ERR_NONE) {
		memcpy(tail, why, sizeof(*why));
		it->why = (const struct err *)tail;
		tail += reason;
	}
	records_copy_to(&it->r, tail, r);
	it->index = index;
	it->pre = pre;
	it->att = att;

	pthread_mutex_lock(&q->lock);
	while (q->count == q->capacity && !q->aborted) {
		q->producer_waits = 1;
		pthread_cond_wait(&q->not_full, &q->lock);
	}
	q->producer_waits = 0;
	if (q->aborted) {
		pthread_mutex_unlock(&q->lock);
		free(it);
		return -1;
	}
	q->ring[(q->head + q->count) % q->capacity] = it;
	q->count++;
	if (q->consumer_waits && q->count >= WAKE_CONSUMER_AT(q))
		pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

struct recordq_item *recordq_pop(struct recordq *q)
{
	struct recordq_item *it = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->finished && !q->aborted) {
		q->consumer_waits = 1;
		pthread_cond_wait(&q->not_empty, &q->lock);
	}
	q->consumer_waits = 0;
	if (q->count > 0 && !q->aborted) {
		it = q->ring[q->head];
		q->head = (q->head + 1) % q->capacity;
		q->count--;
		if (q->producer_waits && q->count <= WAKE_PRODUCER_AT(q))
			pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->lock);
	return it;
}

void recordq_item_free(struct recordq_item *it)
{
	free(it);
}

void recordq_finish(struct recordq *q)
{
	pthread_mutex_lock(&q->lock);
	q->finished = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

void recordq_abort(struct recordq *q)
{
	pthread_mutex_lock(&q->lock);
	q->aborted = 1;
	pthread_cond_broadcast(&q->not_full);
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}
