/*
 * statemachine - the ticket states and transitions of SPEC §4, as a table.
 * Pure code: no I/O, no allocation, no clock.
 */
#ifndef SLKTX_STATEMACHINE_H
#define SLKTX_STATEMACHINE_H

#include "util/err.h"

enum ticket_kind { KIND_PGD = 1, KIND_IND = 2 };

enum ticket_status {
	ST_NONE = 0, /* the ticket does not exist yet */
	ST_BARU,
	ST_DIAMBIL_ALIH,
	ST_DITINDAKLANJUTI,
	ST_DITANGGAPI,
	ST_USULAN_SELESAI,
	ST_SELESAI,
	ST_DIKEMBALIKAN,
	ST_DITUTUP,
	ST_COUNT
};

enum record_type {
	REC_NEW_TICKET = 1,
	REC_TAKE_OVER,
	REC_FOLLOW_UP,
	REC_RESOLUTION_PROPOSAL,
	REC_DECISION_ACCEPTED,
	REC_DECISION_REJECTED,
	REC_MISROUTED,
	REC_REASSIGN,
	REC_CLOSURE,
	REC_OJK_NOTE,
	REC_HISTORY_REQUEST, /* a PUJK asks for the ticket's history again (SPEC 1.1) */
	REC_COUNT
};

/*
 * The status after applying rec to a ticket of that kind in status from.
 * Returns ERR_NONE and sets *to, or ERR_INVALID_STATE (the record fits the
 * kind, not the status) or ERR_NOT_APPLICABLE (the record never fits the kind).
 * For REC_NEW_TICKET, from is ST_NONE.
 */
enum err_code statemachine_next(enum ticket_kind kind, enum ticket_status from,
				enum record_type rec, enum ticket_status *to);

/* "BARU"; "NONE" for ST_NONE, "?" for a value outside the enum */
const char *statemachine_status_name(enum ticket_status s);
enum ticket_status statemachine_status_from_name(const char *name); /* ST_NONE if unknown */
const char *statemachine_record_name(enum record_type r); /* "TakeOver", "Decision" for both */
/* The ticket exists and is not SELESAI or DITUTUP (ST_NONE is not open). */
int statemachine_is_open(enum ticket_status s);

#endif
