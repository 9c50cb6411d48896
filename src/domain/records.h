/*
 * records - the records of complaint batches and response files (SPEC §3),
 * typed from the parser's trees, and the rules on them that need no ledger.
 *
 * A struct record points into the parser's tree: it is valid only during the
 * xmlstream record callback that produced it.
 */
#ifndef SLKTX_RECORDS_H
#define SLKTX_RECORDS_H

#include <stdint.h>

#include "util/err.h"
#include "domain/statemachine.h"
#include "xml/xmlstream.h"

#define RECORDS_MAX_ATTACHMENTS 100

struct attachment_ref {
	const char *name;
	const char *sha256;     /* hex */
	const char *media_type;
	int64_t size;
	long line, col;
};

struct record {
	enum record_type type;
	const char *element;    /* "NewTicket", "Decision", ... */
	const char *id;
	const char *ticket_no;
	enum ticket_kind kind;
	long line, col;
	int64_t at;             /* UTC seconds: At, or ReceivedAt for NewTicket */
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
	struct attachment_ref att[RECORDS_MAX_ATTACHMENTS];
	int n_att;
	const struct xml_node *node;
};

/*
 * Type a validated record.  Fails with ERR_SCHEMA_INVALID (a rule the XSD
 * cannot say: Amount for MONETARY_RELIEF) or ERR_LIMIT_EXCEEDED (too many
 * attachments), both file-level, with the record's place.
 */
int records_from_node(const struct xml_node *n, const char *file, struct record *r,
		      struct err *e);

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
