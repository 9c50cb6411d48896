/*
 * ledger-fixture - build a ledger for the tests from a small script, the way
 * the exchange would have filled it: migrations run (ledger_open), events
 * appended through history_append so that the hash chain is real, and the
 * ticket rows kept as the apply stage keeps them.
 *
 * usage: ledger-fixture [-c CALENDAR_DIR] LEDGER <SCRIPT
 *
 * The whole script runs in one transaction: a bad line prints
 * "ledger-fixture: line N: message" and leaves the ledger as it was (exit 65;
 * 64 usage, 70 when the ledger itself fails).  An existing ledger is added to.
 *
 * The script has one directive a line; blank lines and lines starting with
 * '#' are skipped.  Fields are separated by blanks; the last field of each
 * directive (NAME, DETAIL) is the rest of the line, taken as it is.  Times
 * (AT, RECORDED) are xs:dateTime with an offset ("2026-03-02T09:00:00+07:00");
 * RECORDED may be "-" for the same as AT.
 *
 *   pujk CODE SECTOR NAME
 *       a PUJK (created_at 0).
 *   officer CODE ROLE NAME
 *       an active officer of CODE for ROLE (PRODUCT, SERVICE, DECISION),
 *       with a dummy certificate; an officer already active in that role is
 *       retired first (active_to = 1).  Ids are given 1, 2, 3... in order.
 *   file ID NAME
 *       a data file row with id ID (events name it by ID); its kind and
 *       sender come from NAME (CB_OJK_..., RSP_BANKA_...).  At the end of the
 *       script it is processed, ACCEPTED, with as many records received and
 *       accepted as it has events.
 *   new AT RECORDED FILE RECID NO PUJK DETAIL
 *       a NewTicket event and its ticket row: kind from NO's prefix, status
 *       BARU, received_at = assigned_at = AT, due day = 10 working days after
 *       AT's WIB day on the calendar; DETAIL is the event's JSON, and each
 *       element of its "attachments" array becomes an attachment row.
 *   event AT RECORDED FILE RECID NO RECORD ACTOR STATUS DETAIL
 *       any other event on ticket NO: RECORD (TakeOver, FollowUp, ...),
 *       ACTOR INTAKE or an officer role (the officer is the one active for the
 *       ticket's PUJK in that role), STATUS the status after it (the status
 *       before is the ticket's).  The ticket row follows: status, updated_seq;
 *       first_response_at on the first non-INTAKE event; proposal_at on the
 *       first ResolutionProposal; closed_at on SELESAI or DITUTUP; a FollowUp
 *       whose DETAIL has "action":"EXTENSION" extends the due day once by 10
 *       working days; a Reassign moves the ticket to DETAIL's "pujkCode"
 *       (prior_pujk set), assigned_at = AT, a new due day from AT, and
 *       first_response_at and proposal_at cleared: the new PUJK starts afresh.
 *   due NO YYYY-MM-DD
 *       overrides ticket NO's due day.
 *
 * The attachment blobs themselves are not written: a test puts them at
 * <spool>/attachments/<aa>/<sha256> when it needs them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "domain/calendar.h"
#include "util/digest.h"
#include "util/hex.h"
#include "ledger/history.h"
#include "ledger/ledger.h"
#include "domain/records.h"
#include "domain/sla.h"

#define SLA_DAYS 10
#define LINE_MAX_LEN 65536
#define FIELDS_MAX 10

struct fixture {
	struct ledger *l;
	struct history *h;
	struct calendar *cal;
};

/* Split line into n fields, the n-th taking the rest of the line. */
static int split(char *line, char **f, int n)
{
	char *p = line;

	for (int i = 0; i < n; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return -1;
		f[i] = p;
		if (i == n - 1)
			break;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	return 0;
}

/*
 * Run one statement; fmt says how to bind the arguments: 't' text (NULL
 * binds NULL), 'i' int64, 'b' blob of the text's length.
 */
static int exec(struct fixture *fx, struct err *e, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int rc;

	if (sqlite3_prepare_v2(ledger_db(fx->l), sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_err(fx->l, e, sql);
	va_start(ap, fmt);
	for (int i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		} else {
			const char *s = va_arg(ap, const char *);

			if (s == NULL)
				sqlite3_bind_null(st, i + 1);
			else if (fmt[i] == 'b')
				sqlite3_bind_blob(st, i + 1, s, (int)strlen(s), SQLITE_TRANSIENT);
			else
				sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
		}
	}
	va_end(ap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_err(fx->l, e, sql);
	return 0;
}

/* The ticket's columns the next event needs. */
struct ticket_now {
	char pujk[32];
	char status[32];
	int64_t first_response_at, proposal_at;
	int32_t due_day;
	int extended;
};

static int ticket_get(struct fixture *fx, const char *no, struct ticket_now *t, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ledger_db(fx->l),
			       "SELECT pujk_code, status, coalesce(first_response_at, 0),"
			       " coalesce(proposal_at, 0), due_day, extended FROM ticket WHERE no = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return ledger_err(fx->l, e, "cannot read a ticket");
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err_set(e, ERR_NOT_FOUND, "no ticket '%s'", no);
		goto out;
	}
	snprintf(t->pujk, sizeof(t->pujk), "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(t->status, sizeof(t->status), "%s", (const char *)sqlite3_column_text(st, 1));
	t->first_response_at = sqlite3_column_int64(st, 2);
	t->proposal_at = sqlite3_column_int64(st, 3);
	t->due_day = sqlite3_column_int(st, 4);
	t->extended = sqlite3_column_int(st, 5);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* A text query with one text argument: the first column of the first row into buf ("" none). */
static int query_text(struct fixture *fx, const char *sql, const char *arg, const char *arg2,
		      char *buf, size_t size, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(ledger_db(fx->l), sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_err(fx->l, e, sql);
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (arg2)
		sqlite3_bind_text(st, 2, arg2, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(fx->l, e, sql);
	return 0;
}

static int parse_times(const char *at_s, const char *rec_s, int64_t *at, int64_t *recorded,
		       struct err *e)
{
	if (records_parse_time(at_s, at) != 0)
		return err_set(e, ERR_USAGE, "bad time '%s'", at_s);
	if (strcmp(rec_s, "-") == 0)
		*recorded = *at;
	else if (records_parse_time(rec_s, recorded) != 0)
		return err_set(e, ERR_USAGE, "bad time '%s'", rec_s);
	return 0;
}

static int add_attachments(struct fixture *fx, int64_t seq, const char *detail, struct err *e)
{
	return exec(fx, e,
		    "INSERT INTO attachment(event_seq, name, sha256, size, media_type)"
		    " SELECT ?, json_extract(value, '$.name'), json_extract(value, '$.sha256'),"
		    " json_extract(value, '$.size'), json_extract(value, '$.mediaType')"
		    " FROM json_each(?, '$.attachments')",
		    "it", seq, detail);
}

static int do_new(struct fixture *fx, char *rest, struct err *e)
{
	char *f[7];
	int64_t at, recorded;
	struct history_event ev = { 0 };

	if (split(rest, f, 7) < 0)
		return err_set(e, ERR_USAGE, "new AT RECORDED FILE RECID NO PUJK DETAIL");
	if (parse_times(f[0], f[1], &at, &recorded, e) < 0)
		return -1;
	if (strncmp(f[4], "PGD-", 4) != 0 && strncmp(f[4], "IND-", 4) != 0)
		return err_set(e, ERR_USAGE, "ticket '%s' is neither PGD- nor IND-", f[4]);
	ev.ticket_no = f[4];
	ev.pujk_code = f[5];
	ev.record = "NewTicket";
	ev.actor = "INTAKE";
	ev.happened_at = at;
	ev.recorded_at = recorded;
	ev.file_id = strtoll(f[2], NULL, 10);
	ev.record_id = f[3];
	ev.status_after = "BARU";
	ev.detail = f[6];
	if (history_append(fx->h, &ev, e) < 0)
		return -1;
	if (exec(fx, e,
		 "INSERT INTO ticket(no, kind, pujk_code, status, received_at, assigned_at, due_day,"
		 " created_seq, updated_seq, subject, received_day)"
		 " VALUES (?, substr(?, 1, 3), ?, 'BARU', ?, ?, ?, ?, ?,"
		 " coalesce(json_extract(?, '$.subject'), ''), ?)",
		 "tttiiiiiti", f[4], f[4], f[5], at, at,
		 (int64_t)sla_due_day(fx->cal, SLA_DAYS, at), ev.seq, ev.seq, f[6],
		 (int64_t)calendar_day_of(at)) < 0)
		return -1;
	return add_attachments(fx, ev.seq, f[6], e);
}

static int do_event(struct fixture *fx, char *rest, struct err *e)
{
	char *f[9], officer[32], new_pujk[32];
	struct history_event ev = { 0 };
	struct ticket_now t;
	int64_t at, recorded;
	int32_t due;

	if (split(rest, f, 9) < 0)
		return err_set(e, ERR_USAGE,
			       "event AT RECORDED FILE RECID NO RECORD ACTOR STATUS DETAIL");
	if (parse_times(f[0], f[1], &at, &recorded, e) < 0 || ticket_get(fx, f[4], &t, e) < 0)
		return -1;
	ev.ticket_no = f[4];
	ev.pujk_code = t.pujk;
	ev.record = f[5];
	ev.actor = f[6];
	ev.happened_at = at;
	ev.recorded_at = recorded;
	ev.file_id = strtoll(f[2], NULL, 10);
	ev.record_id = f[3];
	ev.status_before = t.status;
	ev.status_after = f[7];
	ev.detail = f[8];
	due = t.due_day;
	if (strcmp(f[6], "INTAKE") != 0) {
		if (query_text(fx, "SELECT id FROM officer WHERE pujk_code = ? AND role = ?"
				   " AND active_to IS NULL", t.pujk, f[6], officer,
			       sizeof(officer), e) < 0)
			return -1;
		if (officer[0] == '\0')
			return err_set(e, ERR_USAGE, "no %s officer at %s", f[6], t.pujk);
		ev.officer_id = strtoll(officer, NULL, 10);
	}
	if (strcmp(f[5], "Reassign") == 0) {
		if (query_text(fx, "SELECT json_extract(?, '$.pujkCode')", f[8], NULL, new_pujk,
			       sizeof(new_pujk), e) < 0)
			return -1;
		if (new_pujk[0] == '\0')
			return err_set(e, ERR_USAGE, "a Reassign needs \"pujkCode\" in its detail");
		ev.prior_pujk = t.pujk;
		ev.pujk_code = new_pujk;
		due = sla_due_day(fx->cal, SLA_DAYS, at);
	}
	if (strcmp(f[5], "FollowUp") == 0 && !t.extended && strstr(f[8], "\"EXTENSION\"")) {
		due = sla_extend(fx->cal, due, SLA_DAYS);
		t.extended = 1;
	}
	if (history_append(fx->h, &ev, e) < 0)
		return -1;
	if (exec(fx, e,
		 "UPDATE ticket SET pujk_code = ?, status = ?, due_day = ?, extended = ?,"
		 " updated_seq = ?,"
		 " assigned_at = CASE WHEN ? THEN ? ELSE assigned_at END,"
		 " first_response_at = CASE WHEN ?6 THEN NULL WHEN first_response_at IS NULL"
		 "  AND ? <> 'INTAKE' THEN ? ELSE first_response_at END,"
		 " proposal_at = CASE WHEN ?6 THEN NULL WHEN proposal_at IS NULL"
		 "  AND ? = 'ResolutionProposal' THEN ? ELSE proposal_at END,"
		 " closed_at = CASE WHEN ? IN ('SELESAI', 'DITUTUP') THEN ? ELSE closed_at END"
		 " WHERE no = ?",
		 "ttiiiiitititit", ev.pujk_code, f[7], (int64_t)due, (int64_t)t.extended, ev.seq,
		 (int64_t)(ev.prior_pujk != NULL), at, f[6], at, f[5], at, f[7], at, f[4]) < 0)
		return -1;
	return add_attachments(fx, ev.seq, f[8], e);
}

static int do_line(struct fixture *fx, char *line, struct err *e)
{
	char *f[4];
	char kind[8], sender[32], der[512], sha[2 * DIGEST_LEN + 1];
	unsigned char digest[DIGEST_LEN];
	int32_t day;

	if (strncmp(line, "pujk ", 5) == 0) {
		if (split(line + 5, f, 3) < 0)
			return err_set(e, ERR_USAGE, "pujk CODE SECTOR NAME");
		return exec(fx, e, "INSERT INTO pujk(code, name, sector, created_at) VALUES (?,?,?,0)",
			    "ttt", f[0], f[2], f[1]);
	}
	if (strncmp(line, "officer ", 8) == 0) {
		if (split(line + 8, f, 3) < 0)
			return err_set(e, ERR_USAGE, "officer CODE ROLE NAME");
		if (exec(fx, e, "UPDATE officer SET active_to = 1 WHERE pujk_code = ? AND role = ?"
			 " AND active_to IS NULL", "tt", f[0], f[1]) < 0)
			return -1;
		/* a dummy certificate, one each, and its true hash (audit verify checks it) */
		snprintf(der, sizeof(der), "dummy certificate of %s %s %s", f[0], f[1], f[2]);
		if (digest_buf(der, strlen(der), digest, e) < 0)
			return -1;
		hex_encode(digest, DIGEST_LEN, sha);
		return exec(fx, e,
			    "INSERT INTO officer(pujk_code, role, name, cert_der, cert_sha256,"
			    " subject, serial, active_from) VALUES (?, ?, ?, ?, ?, 'CN=' || ?3,"
			    " '01', 0)",
			    "tttbt", f[0], f[1], f[2], der, sha);
	}
	if (strncmp(line, "file ", 5) == 0) {
		if (split(line + 5, f, 2) < 0 ||
		    sscanf(f[1], "%7[A-Z]_%31[A-Z0-9]_", kind, sender) != 2)
			return err_set(e, ERR_USAGE, "file ID CB_SENDER_...|RSP_PUJK_...");
		return exec(fx, e,
			    "INSERT INTO file(id, name, kind, sender, remote_dir, sha256, size,"
			    " sig_sha256, fetched_at, state) VALUES (?, ?, ?, ?, '/', '', 0, '', 0,"
			    " 'FETCHED')",
			    "itttt", strtoll(f[0], NULL, 10), f[1], kind, sender);
	}
	if (strncmp(line, "new ", 4) == 0)
		return do_new(fx, line + 4, e);
	if (strncmp(line, "event ", 6) == 0)
		return do_event(fx, line + 6, e);
	if (strncmp(line, "due ", 4) == 0) {
		if (split(line + 4, f, 2) < 0 || calendar_parse_day(f[1], &day) < 0)
			return err_set(e, ERR_USAGE, "due NO YYYY-MM-DD");
		return exec(fx, e, "UPDATE ticket SET due_day = ? WHERE no = ?", "it", (int64_t)day,
			    f[0]);
	}
	return err_set(e, ERR_USAGE, "unknown directive");
}

int main(int argc, char **argv)
{
	struct fixture fx = { NULL, NULL, NULL };
	const char *caldir = NULL;
	char *line = NULL;
	long lineno = 0;
	struct err e;
	int opt, rc = EX_SOFTWARE;

	err_clear(&e);
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c')
			goto usage;
		caldir = optarg;
	}
	if (optind + 1 != argc)
		goto usage;
	line = malloc(LINE_MAX_LEN);
	if (line == NULL)
		goto out;
	if (calendar_load(&fx.cal, caldir, &e) < 0 ||
	    ledger_open(&fx.l, argv[optind], 10000, &e) < 0 || history_open(&fx.h, fx.l, &e) < 0 ||
	    ledger_begin(fx.l, &e) < 0) {
		fprintf(stderr, "ledger-fixture: %s\n", e.msg);
		goto out;
	}
	while (fgets(line, LINE_MAX_LEN, stdin) != NULL) {
		size_t len = strlen(line);

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (do_line(&fx, line, &e) < 0) {
			fprintf(stderr, "ledger-fixture: line %ld: %s\n", lineno, e.msg);
			ledger_rollback(fx.l);
			rc = EX_DATAERR;
			goto out;
		}
	}
	/* the files are processed now: each accepted record is one of its events */
	if (exec(&fx, &e, "UPDATE file SET state = 'PROCESSED',"
		 " status = 'ACCEPTED', received = (SELECT count(*) FROM event"
		 " WHERE file_id = file.id), accepted = (SELECT count(*) FROM event"
		 " WHERE file_id = file.id), rejected = 0, duplicate = 0 WHERE state = 'FETCHED'",
		 "") < 0 ||
	    ledger_commit(fx.l, &e) < 0) {
		fprintf(stderr, "ledger-fixture: %s\n", e.msg);
		goto out;
	}
	rc = EX_OK;
	goto out;
usage:
	fprintf(stderr, "usage: ledger-fixture [-c CALENDAR_DIR] LEDGER <SCRIPT\n");
	rc = EX_USAGE;
out:
	history_close(fx.h);
	ledger_close(fx.l);
	calendar_free(fx.cal);
	free(line);
	return rc;
}
