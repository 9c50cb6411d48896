/*
 * xmlevents - SAX events from one thread to another; see xmlevents.h.
 */
#include "xml/xmlevents.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BYTES (128 * 1024)
#define BATCHES 4

enum ev_type { EV_START = 1, EV_END, EV_TEXT, EV_ERROR };

struct batch {
	size_t used, cap;
	unsigned char *data;
};

/* A ring of batches: the recorder fills one while the replayer drains another. */
struct xmlevents {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch ring[BATCHES];
	int head, count; /* batches published, waiting for the replayer */
	int filling;     /* the batch the recorder writes into */
	int closed;      /* the recorder has published its last batch */
	int failed;      /* out of memory in the recorder */
};

struct ev_head {
	int type;
	long line, col;
	size_t len; /* bytes that follow */
};

int xmlevents_new(struct xmlevents **out)
{
	struct xmlevents *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return -1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	*out = q;
	return 0;
}

void xmlevents_free(struct xmlevents *q)
{
	if (q == NULL)
		return;
	for (int i = 0; i < BATCHES; i++)
		free(q->ring[i].data);
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

int xmlevents_failed(const struct xmlevents *q)
{
	return q->failed;
}

/* Hand the batch being filled to the replayer; wait for a free one. */
static void publish(struct xmlevents *q)
{
	pthread_mutex_lock(&q->lock);
	q->count++;
	pthread_cond_broadcast(&q->changed);
	while (q->count == BATCHES)
		pthread_cond_wait(&q->changed, &q->lock);
	q->filling = (q->head + q->count) % BATCHES;
	q->ring[q->filling].used = 0;
	pthread_mutex_unlock(&q->lock);
}

/*
 * The last batch, handed over without waiting for room after it; once the
 * replayer has drained the ring it ends.  publish always leaves a free
 * slot, so the count cannot overflow.
 */
void xmlevents_close(struct xmlevents *q)
{
	pthread_mutex_lock(&q->lock);
	q->count++;
	q->closed = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* Room for n more bytes in the batch being filled, or NULL. */
static unsigned char *room(struct xmlevents *q, size_t n)
{
	struct batch *b = &q->ring[q->filling];

	if (b->used > 0 && b->used + n > BATCH_BYTES) {
		publish(q);
		b = &q->ring[q->filling];
	}
	if (b->used + n > b->cap) {
		size_t cap = n > BATCH_BYTES ? n : BATCH_BYTES;
		unsigned char *d = realloc(b->data, cap);

		if (d == NULL) {
			q->failed = 1;
			return NULL;
		}
		b->data = d;
		b->cap = cap;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void put_bytes(unsigned char **w, const void *v, size_t n)
{
	if (n > 0) /* an element without namespaces passes NULL */
		memcpy(*w, v, n);
	*w += n;
}

static void get_bytes(const unsigned char **r, void *v, size_t n)
{
	memcpy(v, *r, n);
	*r += n;
}

/* An event's head, and room for len bytes after it; NULL out of memory. */
static unsigned char *event(struct xmlevents *q, int type, long line, long col, size_t len)
{
	struct ev_head h = { type, line, col, len };
	unsigned char *w = room(q, sizeof(h) + len);

	if (w != NULL)
		put_bytes(&w, &h, sizeof(h));
	return w;
}

int xmlevents_start(struct xmlevents *q, long line, long col, const xmlChar *localname,
		    const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
		    const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
		    const xmlChar **attributes)
{
	size_t len = 3 * sizeof(void *) + 3 * sizeof(int) +
		     (size_t)nb_namespaces * 2 * sizeof(void *);
	unsigned char *w;

	for (int i = 0; i < nb_attributes; i++)
		len += 3 * sizeof(void *) + sizeof(size_t) + 1 +
		       (size_t)(attributes[5 * i + 4] - attributes[5 * i + 3]);
	w = event(q, EV_START, line, col, len);
	if (w == NULL)
		return -1;
	put_bytes(&w, &localname, sizeof(void *));
	put_bytes(&w, &prefix, sizeof(void *));
	put_bytes(&w, &uri, sizeof(void *));
	put_bytes(&w, &nb_namespaces, sizeof(int));
	put_bytes(&w, &nb_attributes, sizeof(int));
	put_bytes(&w, &nb_defaulted, sizeof(int));
	put_bytes(&w, namespaces, (size_t)nb_namespaces * 2 * sizeof(void *));
	for (int i = 0; i < nb_attributes; i++) {
		const xmlChar **a = attributes + 5 * i;
		size_t n = (size_t)(a[4] - a[3]);

		put_bytes(&w, &a[0], 3 * sizeof(void *));
		put_bytes(&w, &n, sizeof(n));
		put_bytes(&w, a[3], n);
		*w++ = '\0';
	}
	return 0;
}

int xmlevents_end(struct xmlevents *q, long line, long col, const xmlChar *localname,
		  const xmlChar *prefix, const xmlChar *uri)
{
	unsigned char *w = event(q, EV_END, line, col, 3 * sizeof(void *));

	if (w == NULL)
		return -1;
	put_bytes(&w, &localname, sizeof(void *));
	put_bytes(&w, &prefix, sizeof(void *));
	put_bytes(&w, &uri, sizeof(void *));
	return 0;
}

int xmlevents_text(struct xmlevents *q, long line, long col, const xmlChar *ch, int len)
{
	unsigned char *w = event(q, EV_TEXT, line, col, (size_t)len + 1);

	if (w == NULL)
		return -1;
	put_bytes(&w, ch, (size_t)len);
	*w = '\0';
	return 0;
}

int xmlevents_error(struct xmlevents *q, enum err_code code, long line, long col,
		    const char *msg)
{
	size_t n = strlen(msg) + 1;
	unsigned char *w = event(q, EV_ERROR, line, col, sizeof(int) + n);

	if (w == NULL)
		return -1;
	put_bytes(&w, &code, sizeof(int));
	put_bytes(&w, msg, n);
	return 0;
}

/* A start event at r (past its head h) into the sink; r is moved past it. */
static void replay_start(const unsigned char **r, const struct ev_head *h,
			 const struct xmlevents_sink *sink, void *ctx)
{
	const xmlChar *localname, *prefix, *uri, *ns[2 * XMLEVENTS_MAX_ATTRS];
	const xmlChar *attrs[5 * XMLEVENTS_MAX_ATTRS];
	int nb_ns, nb_attr, nb_def;

	get_bytes(r, &localname, sizeof(void *));
	get_bytes(r, &prefix, sizeof(void *));
	get_bytes(r, &uri, sizeof(void *));
	get_bytes(r, &nb_ns, sizeof(int));
	get_bytes(r, &nb_attr, sizeof(int));
	get_bytes(r, &nb_def, sizeof(int));
	if (nb_ns > XMLEVENTS_MAX_ATTRS || nb_attr > XMLEVENTS_MAX_ATTRS) {
		*r += h->len - 3 * sizeof(void *) - 3 * sizeof(int);
		sink->error(ctx, ERR_LIMIT_EXCEEDED, h->line, h->col,
			    "more than 32 attributes or namespaces on one element");
		return;
	}
	get_bytes(r, ns, (size_t)nb_ns * 2 * sizeof(void *));
	for (int i = 0; i < nb_attr; i++) {
		size_t n;

		get_bytes(r, &attrs[5 * i], 3 * sizeof(void *));
		get_bytes(r, &n, sizeof(n));
		attrs[5 * i + 3] = *r;
		attrs[5 * i + 4] = *r + n;
		*r += n + 1;
	}
	sink->start(ctx, h->line, h->col, localname, prefix, uri, nb_ns, ns, nb_attr, nb_def,
		    attrs);
}

static void replay_batch(const struct batch *b, const struct xmlevents_sink *sink, void *ctx)
{
	const unsigned char *r = b->data, *end = b->data + b->used;

	while (r < end) {
		struct ev_head h;

		get_bytes(&r, &h, sizeof(h));
		if (h.type == EV_START) {
			replay_start(&r, &h, sink, ctx);
		} else if (h.type == EV_END) {
			const xmlChar *localname, *prefix, *uri;

			get_bytes(&r, &localname, sizeof(void *));
			get_bytes(&r, &prefix, sizeof(void *));
			get_bytes(&r, &uri, sizeof(void *));
			sink->end(ctx, h.line, h.col, localname, prefix, uri);
		} else if (h.type == EV_TEXT) {
			sink->text(ctx, h.line, h.col, r, (int)h.len - 1);
			r += h.len;
		} else {
			int code;

			get_bytes(&r, &code, sizeof(int));
			sink->error(ctx, (enum err_code)code, h.line, h.col, (const char *)r);
			r += h.len - sizeof(int);
		}
	}
}

void xmlevents_replay(struct xmlevents *q, const struct xmlevents_sink *sink, void *ctx)
{
	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&q->lock);
		while (q->count == 0 && !q->closed)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->count == 0) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		b = &q->ring[q->head];
		pthread_mutex_unlock(&q->lock);
		replay_batch(b, sink, ctx);
		pthread_mutex_lock(&q->lock);
		q->head = (q->head + 1) % BATCHES;
		q->count--;
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
	}
}
