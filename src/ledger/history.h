/*
 * history - the tickets' append-only, hash-chained event log (SPEC §4).
 *
 * Each event's hash is SHA-256 over the previous event's hash (hex; 64 zeros
 * before the first) and the event's own columns, so that altering, removing
 * or inserting a row afterwards breaks the chain from that row on.  Triggers
 * refuse UPDATE and DELETE; history_verify walks the chain.
 */
#ifndef SLKTX_HISTORY_H
#define SLKTX_HISTORY_H

#include <stdint.h>

#include "util/err.h"
#include "ledger/ledger.h"

struct history_event {
	int64_t seq;              /* filled by history_append */
	const char *ticket_no;
	const char *pujk_code;    /* whose ticket it is after the event */
	const char *prior_pujk;   /* Reassign: the PUJK it left; else NULL */
	const char *record;       /* "NewTicket", "TakeOver", ... */
	const char *actor;        /* "INTAKE", or the officer's role */
	int64_t officer_id;       /* 0 for the intake */
	int64_t happened_at;
	int64_t recorded_at;
	int64_t file_id;
	const char *record_id;
	const char *status_before; /* NULL for NewTicket */
	const char *status_after;
	const char *detail;       /* canonical JSON of the record's fields */
	char hash[65];            /* filled by history_append */
};

struct history;

/* Prepare statements and read the chain head; one per ledger connection. */
int history_open(struct history **out, struct ledger *l, struct err *e);
void history_close(struct history *h);
/* The chain's last event as the ledger holds it: its seq and hex hash, or 0
 * and "" when the chain is empty. */
int history_read_head(struct ledger *l, int64_t *seq, char hash[65], struct err *e);

/* Re-read the chain head after a rollback. */
int history_reload(struct history *h, struct err *e);

/* Append inside the caller's transaction; fills ev->seq and ev->hash. */
int history_append(struct history *h, struct history_event *ev, struct err *e);

/* The hex head of the chain ("" when empty) and its seq. */
const char *history_head(const struct history *h, int64_t *seq);

/*
 * Walk the whole chain.  0 when intact (*events = how many); -1 with e
 * describing the first event whose stored hash does not match (or a gap in
 * the numbering) as ERR_INVALID_STATE, *bad_seq set.  each (when not NULL)
 * is handed every event whose hash matched, in order, as it is read: what
 * else looks at every event (audit verify) needs no walk of its own.
 */
typedef void history_each_fn(void *ctx, const struct history_event *ev);
int history_verify(struct ledger *l, history_each_fn *each, void *ctx, int64_t *events,
		   int64_t *bad_seq, struct err *e);

#endif
