/*
 * statemachine - the ticket transitions of SPEC §4 as one table.
 *
 * Offers statemachine_next() and the status and record names.  Pure code: no
 * I/O, no allocation, no clock.  Error contract: statemachine_next() returns
 * a code instead of filling a struct err, because its answer is a record
 * result (INVALID_STATE, NOT_APPLICABLE) the caller writes into an
 * acknowledgement; values outside the enums are ERR_INTERNAL (a caller bug).
 *
 * The table holds one row per (record, kind) the SPEC allows.  A record with
 * no row for the kind is NOT_APPLICABLE whatever the status; a record with a
 * row is INVALID_STATE from any status outside the row's set.  Whether the
 * ticket exists is the caller's question first (TICKET_UNKNOWN,
 * TICKET_EXISTS): here only NewTicket leaves ST_NONE, and NewTicket from an
 * existing ticket is INVALID_STATE.
 */
#include "domain/statemachine.h"

#include <string.h>

#define BIT(s) (1u << (s))
/* "any but SELESAI, DITUTUP": every status of an existing ticket but those */
#define ST_ANY_OPEN                                                            \
	(BIT(ST_BARU) | BIT(ST_DIAMBIL_ALIH) | BIT(ST_DITINDAKLANJUTI) |       \
	 BIT(ST_DITANGGAPI) | BIT(ST_USULAN_SELESAI) | BIT(ST_DIKEMBALIKAN))
/* "any": every status of an existing ticket, SELESAI and DITUTUP too */
#define ST_ANY (ST_ANY_OPEN | BIT(ST_SELESAI) | BIT(ST_DITUTUP))
#define KIND_BOTH (BIT(KIND_PGD) | BIT(KIND_IND))
/* OjkNote and HistoryRequest add to the history and leave the status as it was */
#define ST_UNCHANGED ST_COUNT

struct transition {
	enum record_type rec;
	unsigned kinds; /* BIT(KIND_...) */
	unsigned from;  /* BIT(ST_...) */
	enum ticket_status to;
};

static const struct transition transitions[] = {
	{ REC_NEW_TICKET, KIND_BOTH, BIT(ST_NONE), ST_BARU },
	{ REC_TAKE_OVER, BIT(KIND_PGD), BIT(ST_BARU), ST_DIAMBIL_ALIH },
	{ REC_FOLLOW_UP, BIT(KIND_PGD), BIT(ST_DIAMBIL_ALIH) | BIT(ST_DITINDAKLANJUTI),
	  ST_DITINDAKLANJUTI },
	{ REC_FOLLOW_UP, BIT(KIND_IND), BIT(ST_BARU) | BIT(ST_DITANGGAPI), ST_DITANGGAPI },
	{ REC_RESOLUTION_PROPOSAL, BIT(KIND_PGD), BIT(ST_DITINDAKLANJUTI), ST_USULAN_SELESAI },
	{ REC_DECISION_ACCEPTED, BIT(KIND_PGD), BIT(ST_USULAN_SELESAI), ST_SELESAI },
	{ REC_DECISION_REJECTED, BIT(KIND_PGD), BIT(ST_USULAN_SELESAI), ST_DITINDAKLANJUTI },
	{ REC_MISROUTED, KIND_BOTH, BIT(ST_BARU) | BIT(ST_DIAMBIL_ALIH) | BIT(ST_DITANGGAPI),
	  ST_DIKEMBALIKAN },
	/* BARU at the new PUJK: moving the ticket is the caller's part */
	{ REC_REASSIGN, KIND_BOTH, ST_ANY_OPEN, ST_BARU },
	{ REC_CLOSURE, KIND_BOTH, ST_ANY_OPEN, ST_DITUTUP },
	{ REC_OJK_NOTE, KIND_BOTH, ST_ANY_OPEN, ST_UNCHANGED },
	{ REC_HISTORY_REQUEST, KIND_BOTH, ST_ANY, ST_UNCHANGED },
};

static const char *const status_names[ST_COUNT] = {
	[ST_NONE] = "NONE",
	[ST_BARU] = "BARU",
	[ST_DIAMBIL_ALIH] = "DIAMBIL_ALIH",
	[ST_DITINDAKLANJUTI] = "DITINDAKLANJUTI",
	[ST_DITANGGAPI] = "DITANGGAPI",
	[ST_USULAN_SELESAI] = "USULAN_SELESAI",
	[ST_SELESAI] = "SELESAI",
	[ST_DIKEMBALIKAN] = "DIKEMBALIKAN",
	[ST_DITUTUP] = "DITUTUP",
};

static const char *const record_names[REC_COUNT] = {
	[REC_NEW_TICKET] = "NewTicket",
	[REC_TAKE_OVER] = "TakeOver",
	[REC_FOLLOW_UP] = "FollowUp",
	[REC_RESOLUTION_PROPOSAL] = "ResolutionProposal",
	[REC_DECISION_ACCEPTED] = "Decision",
	[REC_DECISION_REJECTED] = "Decision",
	[REC_MISROUTED] = "Misrouted",
	[REC_REASSIGN] = "Reassign",
	[REC_CLOSURE] = "Closure",
	[REC_OJK_NOTE] = "OjkNote",
	[REC_HISTORY_REQUEST] = "HistoryRequest",
};

enum err_code statemachine_next(enum ticket_kind kind, enum ticket_status from,
				enum record_type rec, enum ticket_status *to)
{
	int applicable = 0;

	if ((kind != KIND_PGD && kind != KIND_IND) || (unsigned)from >= ST_COUNT ||
	    rec < REC_NEW_TICKET || rec >= REC_COUNT)
		return ERR_INTERNAL;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		const struct transition *t = &transitions[i];

		if (t->rec != rec || !(t->kinds & BIT(kind)))
			continue;
		applicable = 1;
		if (t->from & BIT(from)) {
			*to = t->to == ST_UNCHANGED ? from : t->to;
			return ERR_NONE;
		}
	}
	return applicable ? ERR_INVALID_STATE : ERR_NOT_APPLICABLE;
}

const char *statemachine_status_name(enum ticket_status s)
{
	if ((unsigned)s >= ST_COUNT)
		return "?";
	return status_names[s];
}

enum ticket_status statemachine_status_from_name(const char *name)
{
	for (int s = ST_BARU; s < ST_COUNT; s++)
		if (strcmp(status_names[s], name) == 0)
			return (enum ticket_status)s;
	return ST_NONE;
}

const char *statemachine_record_name(enum record_type r)
{
	if (r < REC_NEW_TICKET || r >= REC_COUNT)
		return "?";
	return record_names[r];
}

int statemachine_is_open(enum ticket_status s)
{
	return (unsigned)s < ST_COUNT && (BIT(s) & ST_ANY_OPEN) != 0;
}
