/*
 * apply - one record of a complaint batch or response file applied to the
 * ledger by the rules of SPEC §4: who may do what to which ticket, in which
 * state, at which time.  Runs inside the caller's per-file transaction; an
 * accepted record becomes an event in the history and a new ticket state.
 *
 * A refused record is not an error of this module: it fills the result
 * (REJECTED and its SPEC code, or DUPLICATE for a record already applied)
 * and returns 0.  Only the ledger failing is -1.
 */
#ifndef SLKTX_APPLY_H
#define SLKTX_APPLY_H

#include <stdint.h>

#include "domain/calendar.h"
#include "util/config.h"
#include "util/err.h"
#include "ledger/history.h"
#include "ledger/ledger.h"
#include "domain/records.h"

enum apply_status { APPLY_ACCEPTED, APPLY_REJECTED, APPLY_DUPLICATE };

struct apply_result {
	enum apply_status status;
	enum err_code code;        /* ERR_NONE when accepted or duplicate */
	char msg[320];
	int64_t event_seq;         /* the event it became, when accepted */
	const char *status_after;  /* the ticket's status name after it, when accepted */
};

/* Who sent the file: the intake, or one officer of one PUJK. */
struct apply_actor {
	int intake;
	const char *pujk_code;     /* the PUJK (response files) */
	const char *role;          /* the signing officer's role */
	int64_t officer_id;
};

struct apply;

int apply_open(struct apply **out, struct ledger *l, struct history *h, struct calendar *cal,
	       const struct config *cfg, struct err *e);
void apply_close(struct apply *a);

/*
 * Apply r (from file file_id, recorded at now).  pre is the ledger-free
 * check's verdict (records_check) with why; att, when not NULL, holds the
 * package check's verdict for each of r's attachments (ERR_NONE,
 * ATTACHMENT_MISSING, ATTACHMENT_MISMATCH).
 */
int apply_record(struct apply *a, const struct apply_actor *who, int64_t file_id, int64_t now,
		 const struct record *r, enum err_code pre, const struct err *why,
		 const enum err_code *att, struct apply_result *res, struct err *e);

/* The canonical JSON of a record's fields, as stored in event.detail. */
int apply_detail_json(const struct record *r, char **out, size_t *len);

#endif
