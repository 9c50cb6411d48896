/*
 * tickets - reading tickets, their history and attachments from the ledger
 * (SPEC §4, §6, §10): the queries behind `ticket list|show|attachment`,
 * shared with the reports.
 *
 * Everything returned is owned by the caller and freed with the matching
 * _free function; strings are never NULL ("" when the column or the JSON
 * key is absent).  Nothing here writes to the ledger.
 *
 * The clock: the command layer reads it once, with SLKTX_NOW, which replaces
 * the current time for the tests (UTC seconds, or an xs:dateTime with an
 * offset such as 2026-03-17T09:00:00+07:00), parsed by tickets_parse_now.
 *
 * Errors: a ticket or attachment that does not exist is ERR_NOT_FOUND; a bad
 * filter or period (tickets_period, tickets_filter_check) is ERR_USAGE; a bad
 * SLKTX_NOW is ERR_CONFIG; the database failing is ERR_IO (ledger_err).
 */
#ifndef SLKTX_TICKETS_H
#define SLKTX_TICKETS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/calendar.h"
#include "domain/sla.h"
#include "util/err.h"
#include "ledger/ledger.h"

/* Which tickets: received (WIB day) in [from_day, to_day]; NULL means any. */
struct tickets_filter {
	int32_t from_day;     /* INT32_MIN: no lower bound */
	int32_t to_day;       /* INT32_MAX: no upper bound */
	const char *pujk;     /* current PUJK */
	const char *kind;     /* "PGD" or "IND" */
	const char *status;   /* "BARU", ... */
};

/* A ticket row and what its NewTicket says. */
struct tickets_ticket {
	char no[32];
	char kind[4];
	char pujk_code[16];
	char status[24];
	int64_t received_at, assigned_at;
	int32_t due_day;
	int extended;
	int64_t first_response_at, proposal_at, closed_at; /* 0 when not yet */
	int64_t created_seq, updated_seq;
	/* from the NewTicket event's detail (subject: the ticket's copy) */
	char *channel, *product, *subject, *description;
	char *consumer_name, *nik, *phone, *email;
	char *claim_amount, *currency;
};

/* One event of a ticket's history ("riwayat"). */
struct tickets_event {
	int64_t seq;
	int64_t happened_at, recorded_at;
	char *record, *actor;
	char *officer_name;   /* "" for the intake */
	char *pujk_code, *prior_pujk;
	char *status_before;  /* "" for NewTicket */
	char *status_after;
	char *file_name;      /* the data file that brought it */
	char *record_id;
	/* from the detail */
	char *outcome, *reason, *action, *resolution, *amount, *currency, *note;
	char *attachments;    /* the names of the attachments it brought, ", " between */
	char *detail;         /* the JSON as stored */
};

struct tickets_attachment {
	char *name, *media_type;
	char sha256[65];
	int64_t size;
	int64_t event_seq;
	char *record;         /* the event that brought it */
};

/* The run's instant: the value of SLKTX_NOW (s) when set and not empty,
 * else clock (the command layer's time()). */
int tickets_parse_now(const char *s, int64_t clock, int64_t *now, struct err *e);

/*
 * The period of `ticket list`: at most one of date (YYYY-MM-DD), month
 * (YYYY-MM), year (YYYY), or from/to (YYYY-MM-DD each, either may be NULL);
 * none given is every day.  Fills f->from_day and f->to_day.
 */
int tickets_period(const char *date, const char *month, const char *year, const char *from,
		   const char *to, struct tickets_filter *f, struct err *e);
/* Check f's pujk ([A-Z0-9]{3,12}), kind and status names. */
int tickets_filter_check(const struct tickets_filter *f, struct err *e);

/*
 * fn(ctx, t, e) for each ticket matching f, ordered by received_at, then
 * number, as the rows are read (nothing is held: any number of tickets in
 * constant memory).  t and its strings are valid during the call only; only
 * what the list shows is filled: number, kind, PUJK, status, received_at,
 * due_day, first_response_at, proposal_at (what tickets_sla needs) and
 * subject; the rest is 0 or "" (tickets_get has it all).  A non-zero return from fn stops
 * the walk and is returned (-1), e filled by fn.
 */
typedef int tickets_each_fn(void *ctx, const struct tickets_ticket *t, struct err *e);
int tickets_each(struct ledger *l, const struct tickets_filter *f, tickets_each_fn *fn,
		 void *ctx, struct err *e);

/* One ticket; ERR_NOT_FOUND "ticket 'X' not found".  Free with tickets_ticket_clear. */
int tickets_get(struct ledger *l, const char *no, struct tickets_ticket *t, struct err *e);
void tickets_ticket_clear(struct tickets_ticket *t);

/* The ticket's events in order (seq). */
int tickets_history(struct ledger *l, const char *no, struct tickets_event **out, size_t *n,
		    struct err *e);
void tickets_history_free(struct tickets_event *v, size_t n);

/* The ticket's attachments, by event then name. */
int tickets_attachments(struct ledger *l, const char *no, struct tickets_attachment **out,
			size_t *n, struct err *e);
void tickets_attachments_free(struct tickets_attachment *v, size_t n);

/*
 * A PUJK's tickets as the ledger knew them at as_of (UTC seconds): only
 * events recorded by then count (SPEC 1.1 §3 Statement, made late in a
 * catch-up).  t.status and t.pujk_code are those after the last such event;
 * t.assigned_at is the start of the deadline (ReceivedAt, or the last
 * Reassign's At); t.first_response_at, t.proposal_at and t.extended count
 * since that assignment; t.updated_seq is the last event's seq; only
 * t.subject of the complaint is read (no consumer data).  t.due_day is left
 * 0 for the caller, who knows the configured days.  By ReceivedAt, then
 * number.
 */
struct tickets_as_of {
	struct tickets_ticket t;
	int64_t changed_at;   /* recorded_at of the last event */
};
int tickets_as_of(struct ledger *l, const char *pujk, int64_t as_of, struct tickets_as_of **out,
		  size_t *n, struct err *e);
void tickets_as_of_free(struct tickets_as_of *v, size_t n);

/*
 * Sisa SLA and lateness of t on today, by sla_view_of (SPEC §6).  The caller
 * checks calendar_missing_year() afterwards.
 */
struct sla_view tickets_sla(struct calendar *c, const struct tickets_ticket *t, int32_t today);


#endif
