/*
 * dispatch - what a PUJK is sent (SPEC §3 "Dispatch"): the intake's events
 * on its tickets since its last dispatch, each once, in ledger order, with
 * the ticket's status after the event, its due date and working days left.
 *
 * A Reassign reaches both PUJK: the one the ticket left gets the Reassign,
 * the one it went to gets the ticket as a NewTicket (SPEC §3 "receives it as
 * new").
 *
 * What the intake is sent (SPEC 1.1 §1, §3; plan.intake set): every event a
 * PUJK's officer brought (actor not INTAKE), whatever its record, written
 * from the event's detail as the element of the response file, with the
 * same attributes and pujkCode, officer (name) and role; its header names
 * the intake as Recipient.  Written with libxml2's writer.  Errors: ERR_IO /
 * ERR_INTERNAL.
 */
#ifndef SLKTX_DISPATCH_H
#define SLKTX_DISPATCH_H

#include <stdint.h>

#include "domain/calendar.h"
#include "util/err.h"
#include "ledger/ledger.h"

struct dispatch_attachment {
	char name[129];
	char sha256[65];
};

struct dispatch_plan {
	const char *pujk_code;  /* the recipient: a PUJK, or the intake's sender code */
	int intake;             /* 1: the intake's dispatch, of the PUJK's events */
	int64_t after_seq;     /* the PUJK's cursor */
	int64_t upto_seq;      /* the chain head when the stage began */
	int64_t today_utc;     /* for working days left */
	long items;            /* filled by dispatch_count */
	struct dispatch_attachment *attachments; /* filled by dispatch_write_fd */
	size_t n_attachments;
};

/* How many items the plan holds. */
int dispatch_count(struct ledger *l, struct dispatch_plan *p, struct err *e);

/* Write the dispatch document to fd (not closed); collects the attachments. */
int dispatch_write_fd(struct ledger *l, struct calendar *cal, struct dispatch_plan *p,
		      const char *dispatch_id, int64_t created_at, int fd, struct err *e);

void dispatch_plan_free(struct dispatch_plan *p);

#endif
