/*
 * records - the records of complaint batches and response files (SPEC §3),
 * the rules on them that need no ledger, and their timestamps.
 *
 * A struct record borrows its strings (and its attachments) from whoever
 * built it: the parser's typing (xml/records_xml.h) points it into the
 * record's tree, valid only during the parser's record callback.  A record
 * that outlives that, or crosses to another thread, is copied whole with
 * records_copy_size/records_copy_to, the only way to do it.
 */
#ifndef SLKTX_RECORDS_H
#define SLKTX_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "domain/statemachine.h"

#define RECORDS_MAX_ATTACHMENTS 100

/* Every string of an attachment is in the union: records_copy copies them all. */
#define RECORDS_ATT_STRINGS 3
struct attachment_ref {
	union {
		struct {
			const char *name;
			const char *sha256;     /* hex */
			const char *media_type;
		};
		const char *strings[RECORDS_ATT_STRINGS];
	};
	int64_t size;
	long line, col;
};

/*
 * Every string of a record is in the union, and nowhere else: records_copy
 * copies strings[], so a string field outside it would dangle in a copy
 * (records.c checks the union's size against RECORDS_STRINGS).
 */
#define RECORDS_STRINGS 20
struct record {
	enum record_type type;
	enum ticket_kind kind;
	long line, col;
	int64_t at;             /* UTC seconds: At, or ReceivedAt for NewTicket */
	union {
		struct {
			const char *element;    /* "NewTicket", "Decision", ... */
			const char *id;
			const char *ticket_no;
			const char *at_text;
			const char *pujk_code;  /* NewTicket, Reassign */
			const char *channel, *product, *subject, *description;
			const char *consumer_name, *nik, *phone, *email;
			const char *amount, *currency; /* ClaimAmount, or a proposal's Amount */
			const char *note;       /* Note, or a proposal's Summary */
			const char *reason;     /* Closure */
			const char *action;     /* FollowUp */
			const char *resolution; /* ResolutionProposal */
			const char *outcome;    /* Decision */
		};
		const char *strings[RECORDS_STRINGS];
	};
	const struct attachment_ref *att; /* n_att of them, in document order */
	int n_att;
};

/* Bytes a copy of r needs beyond its struct record: attachments and strings. */
size_t records_copy_size(const struct record *r);
/*
 * Copy r into dst, its attachments and every string into tail, which has
 * records_copy_size(r) bytes and is aligned for a pointer.  The copy needs
 * nothing of r once this returns.
 */
void records_copy_to(struct record *dst, void *tail, const struct record *r);

/* The record type an element names; -1 when it names none. */
int records_type_of(const char *element, enum record_type *type);

/*
 * The rules the XSD cannot say, on a record just typed: its TicketNo names
 * its kind, a REJECTED Decision is its own type, an amount without a
 * currency is in IDR, and a MONETARY_RELIEF proposal needs an Amount
 * (ERR_SCHEMA_INVALID, file-level, at the record).
 */
int records_settle(struct record *r, const char *file, struct err *e);

/* No exchange time lies before 2000-01-01T00:00:00Z: an earlier one is a mistake. */
#define RECORDS_EARLIEST ((int64_t)946684800)
/* A header's CreatedAt may run ahead of the hub's clock by this, beside the skew. */
#define RECORDS_CREATED_AHEAD ((int64_t)86400)

/*
 * The record-level rules that need no ledger: an At (ReceivedAt) before
 * RECORDS_EARLIEST or in the future (beyond skew seconds past now) is
 * ERR_TIME_INVALID.  Returns ERR_NONE or the code, with e describing it.
 */
enum err_code records_check(const struct record *r, const char *file, int64_t now,
			    long skew, struct err *e);

/*
 * A header's CreatedAt (text, at line:col of file): before RECORDS_EARLIEST,
 * or later than now + RECORDS_CREATED_AHEAD + skew, is a file-level
 * ERR_SCHEMA_INVALID (a rule the XSD cannot say: TIME_INVALID is a record's
 * code).  Returns ERR_NONE or the code, with e describing it.
 */
enum err_code records_check_created(const char *text, const char *file, long line, long col,
				    int64_t now, long skew, struct err *e);

/* xs:dateTime with an explicit offset to UTC seconds; -1 when malformed. */
int records_parse_time(const char *s, int64_t *out);
/* UTC seconds as "2026-11-27T09:15:00+07:00" (WIB). */
void records_format_wib(int64_t t, char buf[32]);
/* UTC seconds as "2026-11-27T02:15:00Z". */
void records_format_utc(int64_t t, char buf[32]);

#endif
