/*
 * recordq - a bounded queue of records between the thread that parses a
 * file and the thread that applies its records to the ledger, so that
 * parsing the next records and writing the last ones overlap on two cores.
 *
 * Records are copied on the way in (records_copy_to, one block per item):
 * the parser's tree is gone once its callback returns.  The queue keeps document order.  Errors: ERR_INTERNAL
 * (out of memory) from push; a push after recordq_abort fails with the
 * consumer's error already recorded by the caller.
 */
#ifndef SLKTX_RECORDQ_H
#define SLKTX_RECORDQ_H

#include "util/err.h"
#include "domain/records.h"

struct recordq_item {
	struct record r;               /* its attachments and strings live in the item */
	long index;
	enum err_code pre;             /* the ledger-free check's verdict */
	const struct err *why;         /* ... and its reason, in the item; NULL when none */
	const enum err_code *att;      /* the package's verdicts for r's attachments */
};

struct recordq;

int recordq_new(struct recordq **out, size_t capacity, struct err *e);
void recordq_free(struct recordq *q);

/* Copy and enqueue; waits while the queue is full.  -1 once aborted. */
int recordq_push(struct recordq *q, const struct record *r, long index, enum err_code pre,
		 const struct err *why, const enum err_code *att, struct err *e);
/* The next item in order, or NULL when the producer has finished. */
struct recordq_item *recordq_pop(struct recordq *q);
void recordq_item_free(struct recordq_item *it);

/* The producer is done: pop returns NULL once the queue is drained. */
void recordq_finish(struct recordq *q);
/* The consumer gave up: pushes fail from now on. */
void recordq_abort(struct recordq *q);

#endif
