/*
 * The SPEC §4 table, written out here a second time by hand, against every
 * kind x status (ST_NONE too) x record type the enums allow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/statemachine.h"

struct allowed {
	enum ticket_kind kind;
	enum record_type rec;
	enum ticket_status from;
	enum ticket_status to;
};

/* every allowed transition, one line each */
static const struct allowed allowed[] = {
	{ KIND_PGD, REC_NEW_TICKET, ST_NONE, ST_BARU },
	{ KIND_IND, REC_NEW_TICKET, ST_NONE, ST_BARU },

	{ KIND_PGD, REC_TAKE_OVER, ST_BARU, ST_DIAMBIL_ALIH },

	{ KIND_PGD, REC_FOLLOW_UP, ST_DIAMBIL_ALIH, ST_DITINDAKLANJUTI },
	{ KIND_PGD, REC_FOLLOW_UP, ST_DITINDAKLANJUTI, ST_DITINDAKLANJUTI },
	{ KIND_IND, REC_FOLLOW_UP, ST_BARU, ST_DITANGGAPI },
	{ KIND_IND, REC_FOLLOW_UP, ST_DITANGGAPI, ST_DITANGGAPI },

	{ KIND_PGD, REC_RESOLUTION_PROPOSAL, ST_DITINDAKLANJUTI, ST_USULAN_SELESAI },
	{ KIND_PGD, REC_DECISION_ACCEPTED, ST_USULAN_SELESAI, ST_SELESAI },
	{ KIND_PGD, REC_DECISION_REJECTED, ST_USULAN_SELESAI, ST_DITINDAKLANJUTI },

	{ KIND_PGD, REC_MISROUTED, ST_BARU, ST_DIKEMBALIKAN },
	{ KIND_PGD, REC_MISROUTED, ST_DIAMBIL_ALIH, ST_DIKEMBALIKAN },
	{ KIND_PGD, REC_MISROUTED, ST_DITANGGAPI, ST_DIKEMBALIKAN },
	{ KIND_IND, REC_MISROUTED, ST_BARU, ST_DIKEMBALIKAN },
	{ KIND_IND, REC_MISROUTED, ST_DIAMBIL_ALIH, ST_DIKEMBALIKAN },
	{ KIND_IND, REC_MISROUTED, ST_DITANGGAPI, ST_DIKEMBALIKAN },

	{ KIND_PGD, REC_REASSIGN, ST_BARU, ST_BARU },
	{ KIND_PGD, REC_REASSIGN, ST_DIAMBIL_ALIH, ST_BARU },
	{ KIND_PGD, REC_REASSIGN, ST_DITINDAKLANJUTI, ST_BARU },
	{ KIND_PGD, REC_REASSIGN, ST_DITANGGAPI, ST_BARU },
	{ KIND_PGD, REC_REASSIGN, ST_USULAN_SELESAI, ST_BARU },
	{ KIND_PGD, REC_REASSIGN, ST_DIKEMBALIKAN, ST_BARU },
	{ KIND_IND, REC_REASSIGN, ST_BARU, ST_BARU },
	{ KIND_IND, REC_REASSIGN, ST_DIAMBIL_ALIH, ST_BARU },
	{ KIND_IND, REC_REASSIGN, ST_DITINDAKLANJUTI, ST_BARU },
	{ KIND_IND, REC_REASSIGN, ST_DITANGGAPI, ST_BARU },
	{ KIND_IND, REC_REASSIGN, ST_USULAN_SELESAI, ST_BARU },
	{ KIND_IND, REC_REASSIGN, ST_DIKEMBALIKAN, ST_BARU },

	{ KIND_PGD, REC_CLOSURE, ST_BARU, ST_DITUTUP },
	{ KIND_PGD, REC_CLOSURE, ST_DIAMBIL_ALIH, ST_DITUTUP },
	{ KIND_PGD, REC_CLOSURE, ST_DITINDAKLANJUTI, ST_DITUTUP },
	{ KIND_PGD, REC_CLOSURE, ST_DITANGGAPI, ST_DITUTUP },
	{ KIND_PGD, REC_CLOSURE, ST_USULAN_SELESAI, ST_DITUTUP },
	{ KIND_PGD, REC_CLOSURE, ST_DIKEMBALIKAN, ST_DITUTUP },
	{ KIND_IND, REC_CLOSURE, ST_BARU, ST_DITUTUP },
	{ KIND_IND, REC_CLOSURE, ST_DIAMBIL_ALIH, ST_DITUTUP },
	{ KIND_IND, REC_CLOSURE, ST_DITINDAKLANJUTI, ST_DITUTUP },
	{ KIND_IND, REC_CLOSURE, ST_DITANGGAPI, ST_DITUTUP },
	{ KIND_IND, REC_CLOSURE, ST_USULAN_SELESAI, ST_DITUTUP },
	{ KIND_IND, REC_CLOSURE, ST_DIKEMBALIKAN, ST_DITUTUP },

	{ KIND_PGD, REC_OJK_NOTE, ST_BARU, ST_BARU },
	{ KIND_PGD, REC_OJK_NOTE, ST_DIAMBIL_ALIH, ST_DIAMBIL_ALIH },
	{ KIND_PGD, REC_OJK_NOTE, ST_DITINDAKLANJUTI, ST_DITINDAKLANJUTI },
	{ KIND_PGD, REC_OJK_NOTE, ST_DITANGGAPI, ST_DITANGGAPI },
	{ KIND_PGD, REC_OJK_NOTE, ST_USULAN_SELESAI, ST_USULAN_SELESAI },
	{ KIND_PGD, REC_OJK_NOTE, ST_DIKEMBALIKAN, ST_DIKEMBALIKAN },
	{ KIND_IND, REC_OJK_NOTE, ST_BARU, ST_BARU },
	{ KIND_IND, REC_OJK_NOTE, ST_DIAMBIL_ALIH, ST_DIAMBIL_ALIH },
	{ KIND_IND, REC_OJK_NOTE, ST_DITINDAKLANJUTI, ST_DITINDAKLANJUTI },
	{ KIND_IND, REC_OJK_NOTE, ST_DITANGGAPI, ST_DITANGGAPI },
	{ KIND_IND, REC_OJK_NOTE, ST_USULAN_SELESAI, ST_USULAN_SELESAI },
	{ KIND_IND, REC_OJK_NOTE, ST_DIKEMBALIKAN, ST_DIKEMBALIKAN },

	/* any status, both kinds, the status unchanged */
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_BARU, ST_BARU },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_DIAMBIL_ALIH, ST_DIAMBIL_ALIH },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_DITINDAKLANJUTI, ST_DITINDAKLANJUTI },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_DITANGGAPI, ST_DITANGGAPI },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_USULAN_SELESAI, ST_USULAN_SELESAI },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_SELESAI, ST_SELESAI },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_DIKEMBALIKAN, ST_DIKEMBALIKAN },
	{ KIND_PGD, REC_HISTORY_REQUEST, ST_DITUTUP, ST_DITUTUP },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_BARU, ST_BARU },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_DIAMBIL_ALIH, ST_DIAMBIL_ALIH },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_DITINDAKLANJUTI, ST_DITINDAKLANJUTI },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_DITANGGAPI, ST_DITANGGAPI },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_USULAN_SELESAI, ST_USULAN_SELESAI },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_SELESAI, ST_SELESAI },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_DIKEMBALIKAN, ST_DIKEMBALIKAN },
	{ KIND_IND, REC_HISTORY_REQUEST, ST_DITUTUP, ST_DITUTUP },
};

/* the records that never fit an indication: answered NOT_APPLICABLE */
static int never_applies(enum ticket_kind kind, enum record_type rec)
{
	return kind == KIND_IND &&
	       (rec == REC_TAKE_OVER || rec == REC_RESOLUTION_PROPOSAL ||
		rec == REC_DECISION_ACCEPTED || rec == REC_DECISION_REJECTED);
}

static const struct allowed *find_allowed(enum ticket_kind kind, enum record_type rec,
					  enum ticket_status from)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].kind == kind && allowed[i].rec == rec && allowed[i].from == from)
			return &allowed[i];
	return NULL;
}

static void describe(char *buf, size_t size, enum ticket_kind kind, enum ticket_status from,
		     enum record_type rec, enum err_code code, enum ticket_status to)
{
	snprintf(buf, size, "%s %s %d(%s) -> %s %s", kind == KIND_PGD ? "PGD" : "IND",
		 statemachine_status_name(from), rec, statemachine_record_name(rec),
		 err_code_name(code), to == ST_COUNT ? "-" : statemachine_status_name(to));
}

static void test_every_combination(void **state)
{
	static const enum ticket_kind kinds[] = { KIND_PGD, KIND_IND };
	int n_allowed = 0, n_invalid = 0, n_not_applicable = 0;

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		for (int from = ST_NONE; from < ST_COUNT; from++) {
			for (int rec = REC_NEW_TICKET; rec < REC_COUNT; rec++) {
				const struct allowed *a = find_allowed(kinds[k], rec, from);
				enum ticket_status to = ST_COUNT;
				enum err_code got = statemachine_next(kinds[k], from, rec, &to);
				enum err_code want_code;
				enum ticket_status want_to = ST_COUNT; /* untouched on refusal */
				char want[128], have[128];

				if (a) {
					want_code = ERR_NONE;
					want_to = a->to;
					n_allowed++;
				} else if (never_applies(kinds[k], rec)) {
					want_code = ERR_NOT_APPLICABLE;
					n_not_applicable++;
				} else {
					want_code = ERR_INVALID_STATE;
					n_invalid++;
				}
				/* the combination is in the message, so a failure names it */
				describe(want, sizeof(want), kinds[k], from, rec, want_code, want_to);
				describe(have, sizeof(have), kinds[k], from, rec, got, to);
				assert_string_equal(have, want);
			}
		}
	}
	/* 2 kinds x 9 statuses x 11 records, every one of them checked */
	assert_int_equal(n_allowed + n_invalid + n_not_applicable, 2 * 9 * 11);
	assert_int_equal(n_allowed, (int)(sizeof(allowed) / sizeof(allowed[0])));
	assert_int_equal(n_not_applicable, 4 * 9);
}

static void test_out_of_range_is_internal(void **state)
{
	enum ticket_status to = ST_COUNT;

	(void)state;
	assert_int_equal(statemachine_next(0, ST_NONE, REC_NEW_TICKET, &to), ERR_INTERNAL);
	assert_int_equal(statemachine_next(3, ST_NONE, REC_NEW_TICKET, &to), ERR_INTERNAL);
	assert_int_equal(statemachine_next(KIND_PGD, ST_COUNT, REC_CLOSURE, &to), ERR_INTERNAL);
	assert_int_equal(statemachine_next(KIND_PGD, ST_BARU, 0, &to), ERR_INTERNAL);
	assert_int_equal(statemachine_next(KIND_PGD, ST_BARU, REC_COUNT, &to), ERR_INTERNAL);
	assert_int_equal(to, ST_COUNT);
}

static void test_status_names(void **state)
{
	static const char *const names[] = { "BARU", "DIAMBIL_ALIH", "DITINDAKLANJUTI",
					     "DITANGGAPI", "USULAN_SELESAI", "SELESAI",
					     "DIKEMBALIKAN", "DITUTUP" };

	(void)state;
	for (int s = ST_BARU; s < ST_COUNT; s++) {
		assert_string_equal(statemachine_status_name(s), names[s - ST_BARU]);
		assert_int_equal(statemachine_status_from_name(names[s - ST_BARU]), s);
	}
	assert_string_equal(statemachine_status_name(ST_NONE), "NONE");
	assert_string_equal(statemachine_status_name(ST_COUNT), "?");
	assert_int_equal(statemachine_status_from_name("baru"), ST_NONE);
	assert_int_equal(statemachine_status_from_name(""), ST_NONE);
	assert_int_equal(statemachine_status_from_name("NONE"), ST_NONE);
}

static void test_record_names(void **state)
{
	(void)state;
	assert_string_equal(statemachine_record_name(REC_NEW_TICKET), "NewTicket");
	assert_string_equal(statemachine_record_name(REC_TAKE_OVER), "TakeOver");
	assert_string_equal(statemachine_record_name(REC_FOLLOW_UP), "FollowUp");
	assert_string_equal(statemachine_record_name(REC_RESOLUTION_PROPOSAL), "ResolutionProposal");
	assert_string_equal(statemachine_record_name(REC_DECISION_ACCEPTED), "Decision");
	assert_string_equal(statemachine_record_name(REC_DECISION_REJECTED), "Decision");
	assert_string_equal(statemachine_record_name(REC_MISROUTED), "Misrouted");
	assert_string_equal(statemachine_record_name(REC_REASSIGN), "Reassign");
	assert_string_equal(statemachine_record_name(REC_CLOSURE), "Closure");
	assert_string_equal(statemachine_record_name(REC_OJK_NOTE), "OjkNote");
	assert_string_equal(statemachine_record_name(REC_HISTORY_REQUEST), "HistoryRequest");
	assert_string_equal(statemachine_record_name(0), "?");
	assert_string_equal(statemachine_record_name(REC_COUNT), "?");
}

static void test_is_open(void **state)
{
	(void)state;
	assert_false(statemachine_is_open(ST_NONE));
	assert_true(statemachine_is_open(ST_BARU));
	assert_true(statemachine_is_open(ST_DIAMBIL_ALIH));
	assert_true(statemachine_is_open(ST_DITINDAKLANJUTI));
	assert_true(statemachine_is_open(ST_DITANGGAPI));
	assert_true(statemachine_is_open(ST_USULAN_SELESAI));
	assert_false(statemachine_is_open(ST_SELESAI));
	assert_true(statemachine_is_open(ST_DIKEMBALIKAN));
	assert_false(statemachine_is_open(ST_DITUTUP));
	assert_false(statemachine_is_open(ST_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_out_of_range_is_internal),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_record_names),
		cmocka_unit_test(test_is_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
