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

static size_t len(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* Every string of the record, in one block after the item. */
static size_t strings_size(const struct record *r)
{
	size_t n = len(r->element) + len(r->id) + len(r->ticket_no) + len(r->at_text) +
		   len(r->pujk_code) + len(r->channel) + len(r->product) + len(r->subject) +
		   len(r->description) + len(r->consumer_name) + len(r->nik) + len(r->phone) +
		   len(r->email) + len(r->amount) + len(r->currency) + len(r->note) +
		   len(r->reason) + len(r->action) + len(r->resolution) + len(r->outcome);

	for (int i = 0; i < r->n_att; i++)
		n += len(r->att[i].name) + len(r->att[i].sha256) + len(r->att[i].media_type);
	return n;
}

static const char *copy(char **dst, const char *s)
{
	size_t n;
	char *d = *dst;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*dst += n;
	return d;
}

int recordq_push(struct recordq *q, const struct record *r, long index, enum err_code pre,
		 const struct err *why, const enum err_code *att, struct err *e)
{
	size_t base = sizeof(struct recordq_item);
	struct recordq_item *it;
	char *s;

	it = malloc(base + strings_size(r));
	if (it == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	memcpy(&it->r, r, offsetof(struct record, att));
	s = (char *)it + base;
	it->r.element = copy(&s, r->element);
	it->r.id = copy(&s, r->id);
	it->r.ticket_no = copy(&s, r->ticket_no);
	it->r.at_text = copy(&s, r->at_text);
	it->r.pujk_code = copy(&s, r->pujk_code);
	it->r.channel = copy(&s, r->channel);
	it->r.product = copy(&s, r->product);
	it->r.subject = copy(&s, r->subject);
	it->r.description = copy(&s, r->description);
	it->r.consumer_name = copy(&s, r->consumer_name);
	it->r.nik = copy(&s, r->nik);
	it->r.phone = copy(&s, r->phone);
	it->r.email = copy(&s, r->email);
	it->r.amount = copy(&s, r->amount);
	it->r.currency = copy(&s, r->currency);
	it->r.note = copy(&s, r->note);
	it->r.reason = copy(&s, r->reason);
	it->r.action = copy(&s, r->action);
	it->r.resolution = copy(&s, r->resolution);
	it->r.outcome = copy(&s, r->outcome);
	it->r.n_att = r->n_att;
	for (int i = 0; i < r->n_att; i++) {
		it->r.att[i] = r->att[i];
		it->r.att[i].name = copy(&s, r->att[i].name);
		it->r.att[i].sha256 = copy(&s, r->att[i].sha256);
		it->r.att[i].media_type = copy(&s, r->att[i].media_type);
	}
	it->r.node = NULL;
	it->index = index;
	it->pre = pre;
	it->why.code = pre;
	if (pre != ERR_NONE)
		it->why = *why;
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
