/*
 * apply: the SPEC 1.1 rules of issue #12 on a real ledger: HistoryRequest
 * (any status, status unchanged, the officer as actor, no response for the
 * deadline, another PUJK's ticket worded as an unknown one) and
 * PUJK_NOT_ACTIVE (a NewTicket or Reassign to a PUJK without its three
 * officers stores nothing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "domain/calendar.h"
#include "domain/records.h"
#include "ledger/apply.h"
#include "ledger/history.h"
#include "ledger/ledger.h"
#include "util/config.h"

#define NOW ((int64_t)1764547200) /* 2025-12-01T00:00:00Z */

static char dir[64];

struct fx {
	struct ledger *l;
	struct history *h;
	struct calendar *cal;
	struct config cfg;
	struct apply *a;
};

static const struct apply_actor intake = { .intake = 1 };
static const struct apply_actor banka = { .pujk_code = "BANKA", .role = "SERVICE",
					  .officer_id = 2 };
static const struct apply_actor asurb = { .pujk_code = "ASURB", .role = "PRODUCT",
					  .officer_id = 4 };

static void sql(struct fx *f, const char *s)
{
	char *msg = NULL;

	if (sqlite3_exec(ledger_db(f->l), s, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", s, msg);
}

static long long count(struct fx *f, const char *s)
{
	sqlite3_stmt *st;
	long long n;

	assert_int_equal(sqlite3_prepare_v2(ledger_db(f->l), s, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* BANKA and ASURB with three officers each, BANKC with two (no DECISION) */
static const char registry_sql[] =
	"INSERT INTO pujk VALUES ('BANKA','A','BANK',0), ('ASURB','B','INSURANCE',0),"
	" ('BANKC','C','BANK',0);"
	"INSERT INTO officer(id, pujk_code, role, name, cert_der, cert_sha256, subject, serial,"
	" active_from) VALUES"
	" (1,'BANKA','PRODUCT','a1',x'00','1','s','1',0),"
	" (2,'BANKA','SERVICE','a2',x'00','2','s','2',0),"
	" (3,'BANKA','DECISION','a3',x'00','3','s','3',0),"
	" (4,'ASURB','PRODUCT','b1',x'00','4','s','4',0),"
	" (5,'ASURB','SERVICE','b2',x'00','5','s','5',0),"
	" (6,'ASURB','DECISION','b3',x'00','6','s','6',0),"
	" (7,'BANKC','PRODUCT','c1',x'00','7','s','7',0),"
	" (8,'BANKC','SERVICE','c2',x'00','8','s','8',0);"
	/* a former DECISION officer of BANKC does not make it active */
	"INSERT INTO officer(id, pujk_code, role, name, cert_der, cert_sha256, subject, serial,"
	" active_from, active_to) VALUES (9,'BANKC','DECISION','c3',x'00','9','s','9',0,10)";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[128];
	struct err e;

	snprintf(dir, sizeof(dir), "/tmp/test_apply.XXXXXX");
	if (f == NULL || mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/ledger.sqlite", dir);
	config_defaults(&f->cfg);
	err_clear(&e);
	if (ledger_open(&f->l, path, 1000, &e) < 0 || history_open(&f->h, f->l, &e) < 0 ||
	    calendar_load(&f->cal, NULL, &e) < 0 ||
	    apply_open(&f->a, f->l, f->h, f->cal, &f->cfg, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	sql(f, registry_sql);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	apply_close(f->a);
	history_close(f->h);
	calendar_free(f->cal);
	ledger_close(f->l);
	free(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* a record of type, on ticket, at "2025-11-DDT10:00:00+07:00" */
static struct record rec(enum record_type type, const char *id, const char *ticket,
			 const char *at_text)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.element = type == REC_DECISION_REJECTED ? "Decision" : statemachine_record_name(type);
	r.id = id;
	r.ticket_no = ticket;
	r.kind = strncmp(ticket, "PGD-", 4) == 0 ? KIND_PGD : KIND_IND;
	r.at_text = at_text;
	assert_int_equal(records_parse_time(at_text, &r.at), 0);
	return r;
}

static struct apply_result apply(struct fx *f, const struct apply_actor *who,
				 const struct record *r)
{
	struct apply_result res;
	struct err e;

	err_clear(&e);
	if (apply_record(f->a, who, 1, NOW, r, ERR_NONE, &e, NULL, &res, &e) != 0)
		fail_msg("apply_record: %s", e.msg);
	return res;
}

static void new_ticket(struct fx *f, const char *no, const char *pujk,
		       enum apply_status want, enum err_code code)
{
	struct record r = rec(REC_NEW_TICKET, "n", no, "2025-11-20T09:00:00+07:00");
	struct apply_result res;

	r.pujk_code = pujk;
	r.channel = "WEB";
	r.product = "Kartu Kredit";
	r.consumer_name = "Budi";
	r.subject = "Transaksi";
	r.description = "Tidak dikenal.";
	res = apply(f, &intake, &r);
	assert_int_equal(res.status, want);
	assert_int_equal(res.code, code);
}

static void ok(struct fx *f, const struct apply_actor *who, enum record_type type,
	       const char *ticket, const char *at, const char *note)
{
	struct record r = rec(type, "x", ticket, at);
	struct apply_result res;

	r.note = note;
	if (type == REC_FOLLOW_UP)
		r.action = "INVESTIGATING";
	if (type == REC_DECISION_REJECTED)
		r.outcome = "REJECTED";
	if (type == REC_CLOSURE)
		r.reason = "OTHER";
	if (type == REC_RESOLUTION_PROPOSAL)
		r.resolution = "EXPLANATION";
	res = apply(f, who, &r);
	if (res.status != APPLY_ACCEPTED)
		fail_msg("%s on %s: %s %s", r.element, ticket, err_code_name(res.code), res.msg);
}

static void test_pujk_not_active(void **state)
{
	struct fx *f = *state;
	struct record r;
	struct apply_result res;

	new_ticket(f, "PGD-2025-000001", "BANKC", APPLY_REJECTED, ERR_PUJK_NOT_ACTIVE);
	new_ticket(f, "PGD-2025-000002", "NOSUCH", APPLY_REJECTED, ERR_PUJK_UNKNOWN);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM event"), 0);

	new_ticket(f, "PGD-2025-000003", "BANKA", APPLY_ACCEPTED, ERR_NONE);
	r = rec(REC_REASSIGN, "re", "PGD-2025-000003", "2025-11-21T09:00:00+07:00");
	r.pujk_code = "BANKC";
	r.note = "Dialihkan.";
	res = apply(f, &intake, &r);
	assert_int_equal(res.status, APPLY_REJECTED);
	assert_int_equal(res.code, ERR_PUJK_NOT_ACTIVE);
	assert_non_null(strstr(res.msg, "'BANKC'"));
	assert_int_equal(count(f, "SELECT count(*) FROM event"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket WHERE pujk_code = 'BANKA'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM event WHERE pujk_code = 'BANKC'"
				  " OR prior_pujk = 'BANKC'"), 0);

	/* the third officer makes it active: the same records now go through */
	sql(f, "INSERT INTO officer(id, pujk_code, role, name, cert_der, cert_sha256, subject,"
	       " serial, active_from) VALUES (10,'BANKC','DECISION','c4',x'00','10','s','10',20)");
	res = apply(f, &intake, &r);
	assert_int_equal(res.status, APPLY_ACCEPTED);
	new_ticket(f, "PGD-2025-000001", "BANKC", APPLY_ACCEPTED, ERR_NONE);
}

/* the ticket row as text, to see that a HistoryRequest leaves it alone */
static void ticket_row(struct fx *f, const char *no, char *buf, size_t size)
{
	sqlite3_stmt *st;
	char q[256];

	snprintf(q, sizeof(q),
		 "SELECT pujk_code || status || assigned_at || due_day || extended ||"
		 " coalesce(first_response_at, '-') || coalesce(proposal_at, '-') ||"
		 " coalesce(closed_at, '-') || updated_seq FROM ticket WHERE no = '%s'", no);
	assert_int_equal(sqlite3_prepare_v2(ledger_db(f->l), q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* a HistoryRequest by BANKA's SERVICE officer on no: accepted, status unchanged */
static void request_ok(struct fx *f, const char *no, const char *at, const char *status)
{
	struct record r = rec(REC_HISTORY_REQUEST, "h", no, at);
	struct apply_result res;
	char before[256], after[256], q[256];

	ticket_row(f, no, before, sizeof(before));
	res = apply(f, &banka, &r);
	if (res.status != APPLY_ACCEPTED)
		fail_msg("HistoryRequest on %s in %s: %s %s", no, status, err_code_name(res.code),
			 res.msg);
	assert_string_equal(res.status_after, status);
	ticket_row(f, no, after, sizeof(after));
	assert_string_equal(after, before);
	snprintf(q, sizeof(q),
		 "SELECT count(*) FROM event WHERE seq = %lld AND record = 'HistoryRequest'"
		 " AND actor = 'SERVICE' AND officer_id = 2 AND pujk_code = 'BANKA'"
		 " AND status_before = '%s' AND status_after = '%s'",
		 (long long)res.event_seq, status, status);
	assert_int_equal(count(f, q), 1);
}

static void test_history_request_every_status(void **state)
{
	struct fx *f = *state;
	const char *pgd = "PGD-2025-000010", *ind = "IND-2025-000011";

	new_ticket(f, pgd, "BANKA", APPLY_ACCEPTED, ERR_NONE);
	new_ticket(f, ind, "BANKA", APPLY_ACCEPTED, ERR_NONE);
	request_ok(f, pgd, "2025-11-20T10:00:00+07:00", "BARU");
	request_ok(f, ind, "2025-11-20T10:00:00+07:00", "BARU");
	ok(f, &banka, REC_TAKE_OVER, pgd, "2025-11-21T10:00:00+07:00", NULL);
	request_ok(f, pgd, "2025-11-21T10:01:00+07:00", "DIAMBIL_ALIH");
	ok(f, &banka, REC_FOLLOW_UP, pgd, "2025-11-21T11:00:00+07:00", "n");
	ok(f, &banka, REC_FOLLOW_UP, ind, "2025-11-21T11:00:00+07:00", "n");
	request_ok(f, pgd, "2025-11-21T11:01:00+07:00", "DITINDAKLANJUTI");
	request_ok(f, ind, "2025-11-21T11:01:00+07:00", "DITANGGAPI");
	{
		struct apply_actor decision = banka;

		decision.role = "DECISION";
		decision.officer_id = 3;
		ok(f, &decision, REC_RESOLUTION_PROPOSAL, pgd, "2025-11-21T12:00:00+07:00", "s");
	}
	request_ok(f, pgd, "2025-11-21T12:01:00+07:00", "USULAN_SELESAI");
	ok(f, &intake, REC_DECISION_ACCEPTED, pgd, "2025-11-21T13:00:00+07:00", NULL);
	request_ok(f, pgd, "2025-11-21T13:01:00+07:00", "SELESAI");
	ok(f, &banka, REC_MISROUTED, ind, "2025-11-21T14:00:00+07:00", "bukan");
	request_ok(f, ind, "2025-11-21T14:01:00+07:00", "DIKEMBALIKAN");
	ok(f, &intake, REC_CLOSURE, ind, "2025-11-21T15:00:00+07:00", "tutup");
	request_ok(f, ind, "2025-11-21T15:01:00+07:00", "DITUTUP");
}

static void test_history_request_no_response(void **state)
{
	struct fx *f = *state;
	const char *no = "PGD-2025-000020";
	struct record r = rec(REC_HISTORY_REQUEST, "h", no, "2025-11-20T10:00:00+07:00");
	struct apply_result res;

	new_ticket(f, no, "BANKA", APPLY_ACCEPTED, ERR_NONE);
	request_ok(f, no, "2025-11-20T10:00:00+07:00", "BARU");
	assert_int_equal(count(f, "SELECT count(*) FROM ticket WHERE no = 'PGD-2025-000020'"
				  " AND first_response_at IS NULL AND updated_seq = created_seq"),
			 1);
	/* the same request again is a duplicate: answered once */
	res = apply(f, &banka, &r);
	assert_int_equal(res.status, APPLY_DUPLICATE);
	/* before the ticket was received: TIME_INVALID */
	r = rec(REC_HISTORY_REQUEST, "h2", no, "2025-11-19T10:00:00+07:00");
	res = apply(f, &banka, &r);
	assert_int_equal(res.status, APPLY_REJECTED);
	assert_int_equal(res.code, ERR_TIME_INVALID);
}

static void test_history_request_other_pujk(void **state)
{
	struct fx *f = *state;
	struct record mine = rec(REC_HISTORY_REQUEST, "h", "PGD-2025-000030",
				 "2025-11-20T10:00:00+07:00");
	struct record none = rec(REC_HISTORY_REQUEST, "h", "PGD-2025-000031",
				 "2025-11-20T10:00:00+07:00");
	struct apply_result other, unknown;
	char want[320];

	new_ticket(f, "PGD-2025-000030", "BANKA", APPLY_ACCEPTED, ERR_NONE);
	other = apply(f, &asurb, &mine);
	unknown = apply(f, &asurb, &none);
	assert_int_equal(other.status, APPLY_REJECTED);
	assert_int_equal(other.code, ERR_TICKET_UNKNOWN);
	assert_int_equal(unknown.code, ERR_TICKET_UNKNOWN);
	/* the same words but for the number: nothing tells that it exists */
	snprintf(want, sizeof(want), "%s", unknown.msg);
	memcpy(strstr(want, "PGD-2025-000031"), "PGD-2025-000030", 15);
	assert_string_equal(other.msg, want);
	assert_int_equal(count(f, "SELECT count(*) FROM event WHERE record = 'HistoryRequest'"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pujk_not_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_request_every_status, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_history_request_no_response, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_history_request_other_pujk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
