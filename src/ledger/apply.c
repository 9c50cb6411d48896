/*
 * apply - records to ledger events by SPEC §4; see apply.h.
 *
 * The order of the checks decides which code a record gets when several
 * apply.  A response on a ticket that is not the sender's is TICKET_UNKNOWN
 * before anything else, with the same words as for a ticket that does not
 * exist, so that an answer never reveals another PUJK's ticket.
 */
#include "ledger/apply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/sla.h"
#include "domain/statemachine.h"

#define PUJK_CACHE 64

struct buf {
	char *v;
	size_t len, cap;
	int failed;
};

struct apply {
	struct ledger *l;
	struct history *h;
	struct calendar *cal;
	const struct config *cfg;
	sqlite3_stmt *get_ticket, *put_ticket, *set_ticket, *get_pujk, *get_same, *get_detail,
		*put_attachment;
	/* active PUJK codes already looked up: a batch names few, a million times;
	 * only active ones, since no officer is ever removed without a successor */
	char known[PUJK_CACHE][16];
	int n_known;
	struct buf json; /* the current record's detail, reused */
	/* the last due day worked out: a batch's records fall on few days */
	int32_t memo_start, memo_due;
	int memo_days;
};

struct ticket_row {
	int found;
	enum ticket_kind kind;
	char pujk_code[16];
	enum ticket_status status;
	int64_t received_at, assigned_at;
	int32_t due_day;
	int extended;
	int64_t first_response_at, proposal_at, closed_at; /* 0 when not yet */
	int64_t created_seq;
};

static const char *const statements[] = {
	"SELECT kind, pujk_code, status, received_at, assigned_at, due_day, extended,"
	" first_response_at, proposal_at, closed_at, created_seq FROM ticket WHERE no = ?",
	"INSERT INTO ticket(no, kind, pujk_code, status, received_at, assigned_at, due_day,"
	" extended, created_seq, updated_seq, subject, received_day)"
	" VALUES (?,?,?,?,?,?,?,0,?,?,?,?)",
	"UPDATE ticket SET pujk_code = ?, status = ?, assigned_at = ?, due_day = ?, extended = ?,"
	" first_response_at = ?, proposal_at = ?, closed_at = ?, updated_seq = ? WHERE no = ?",
	"SELECT (SELECT count(DISTINCT o.role) FROM officer o WHERE o.pujk_code = p.code"
	" AND o.active_to IS NULL) FROM pujk p WHERE p.code = ?",
	"SELECT seq FROM event WHERE ticket_no = ? AND record = ? AND happened_at = ?"
	" AND detail = ?",
	"SELECT detail FROM event WHERE seq = ?",
	"INSERT INTO attachment(event_seq, name, sha256, size, media_type) VALUES (?,?,?,?,?)",
};

int apply_open(struct apply **out, struct ledger *l, struct history *h, struct calendar *cal,
	       const struct config *cfg, struct err *e)
{
	struct apply *a = calloc(1, sizeof(*a));
	sqlite3_stmt **slots[] = { &a->get_ticket, &a->put_ticket, &a->set_ticket, &a->get_pujk,
				   &a->get_same, &a->get_detail, &a->put_attachment };

	if (a == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	a->l = l;
	a->h = h;
	a->cal = cal;
	a->cfg = cfg;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (sqlite3_prepare_v3(ledger_db(l), statements[i], -1, SQLITE_PREPARE_PERSISTENT,
				       slots[i], NULL) != SQLITE_OK) {
			ledger_err(l, e, "cannot prepare the ledger statements");
			apply_close(a);
			return -1;
		}
	}
	*out = a;
	return 0;
}

void apply_close(struct apply *a)
{
	if (a == NULL)
		return;
	sqlite3_finalize(a->put_attachment);
	sqlite3_finalize(a->get_detail);
	sqlite3_finalize(a->get_same);
	sqlite3_finalize(a->get_pujk);
	sqlite3_finalize(a->set_ticket);
	sqlite3_finalize(a->put_ticket);
	sqlite3_finalize(a->get_ticket);
	free(a->json.v);
	free(a);
}

/* ---- the detail JSON ---- */

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *v;

		while (cap < b->len + n + 1)
			cap *= 2;
		v = realloc(b->v, cap);
		if (v == NULL) {
			b->failed = 1;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	memcpy(b->v + b->len, s, n);
	b->len += n;
	b->v[b->len] = '\0';
}

static void put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* 1 for the bytes a JSON string cannot carry as they are */
static const unsigned char json_escaped[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static void put_json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(b, "\"", 1);
	for (;;) {
		const unsigned char *run = p;
		char esc[8];

		while (!json_escaped[*p])
			p++;
		put(b, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(b, esc, 2);
		} else if (*p == '\n') {
			put(b, "\\n", 2);
		} else if (*p == '\t') {
			put(b, "\\t", 2);
		} else if (*p == '\r') {
			put(b, "\\r", 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put(b, esc, 6);
		}
		p++;
	}
	put(b, "\"", 1);
}

/* ,"key":"value" when value is not NULL; the first field has no comma */
static void field(struct buf *b, int *first, const char *key, const char *value)
{
	if (value == NULL)
		return;
	if (!*first)
		put(b, ",", 1);
	*first = 0;
	/* keys are our own constants: nothing in them needs escaping */
	put(b, "\"", 1);
	put_str(b, key);
	put(b, "\":", 2);
	put_json_string(b, value);
}

static void detail_json(const struct record *r, struct buf *b)
{
	int first = 1;

	b->len = 0;
	b->failed = 0;
	put(b, "{", 1);
	if (r->type == REC_NEW_TICKET) {
		field(b, &first, "pujkCode", r->pujk_code);
		field(b, &first, "receivedAt", r->at_text);
		field(b, &first, "channel", r->channel);
		field(b, &first, "product", r->product);
		if (r->consumer_name) {
			int inner = 1;

			put_str(b, first ? "\"consumer\":{" : ",\"consumer\":{");
			first = 0;
			field(b, &inner, "name", r->consumer_name);
			field(b, &inner, "nik", r->nik);
			field(b, &inner, "phone", r->phone);
			field(b, &inner, "email", r->email);
			put(b, "}", 1);
		}
		field(b, &first, "subject", r->subject);
		field(b, &first, "description", r->description);
		field(b, &first, "claimAmount", r->amount);
		if (r->amount)
			field(b, &first, "currency", r->currency);
	} else {
		field(b, &first, "at", r->at_text);
		field(b, &first, "pujkCode", r->pujk_code);
		field(b, &first, "outcome", r->outcome);
		field(b, &first, "reason", r->reason);
		field(b, &first, "action", r->action);
		field(b, &first, "resolution", r->resolution);
		field(b, &first, "amount", r->amount);
		if (r->amount)
			field(b, &first, "currency", r->currency);
		field(b, &first, "note", r->note);
	}
	if (r->n_att > 0) {
		put_str(b, first ? "\"attachments\":[" : ",\"attachments\":[");
		for (int i = 0; i < r->n_att; i++) {
			const struct attachment_ref *at = &r->att[i];
			char size[24];
			int inner = 1;

			snprintf(size, sizeof(size), "%lld", (long long)at->size);
			put_str(b, i ? ",{" : "{");
			field(b, &inner, "name", at->name);
			field(b, &inner, "sha256", at->sha256);
			put_str(b, ",\"size\":");
			put_str(b, size);
			field(b, &inner, "mediaType", at->media_type);
			put(b, "}", 1);
		}
		put(b, "]", 1);
	}
	put(b, "}", 1);
}

int apply_detail_json(const struct record *r, char **out, size_t *len)
{
	struct buf b = { 0 };

	detail_json(r, &b);
	if (b.failed) {
		free(b.v);
		return -1;
	}
	*out = b.v;
	*len = b.len;
	return 0;
}

/* ---- ledger access ---- */

static int refuse(struct apply_result *res, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int64_t col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static int load_ticket(struct apply *a, const char *no, struct ticket_row *t, struct err *e)
{
	sqlite3_stmt *st = a->get_ticket;
	int rc;

	memset(t, 0, sizeof(*t));
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->found = 1;
		t->kind = strcmp((const char *)sqlite3_column_text(st, 0), "PGD") == 0 ? KIND_PGD
										      : KIND_IND;
		snprintf(t->pujk_code, sizeof(t->pujk_code), "%s", sqlite3_column_text(st, 1));
		t->status = statemachine_status_from_name((const char *)sqlite3_column_text(st, 2));
		t->received_at = sqlite3_column_int64(st, 3);
		t->assigned_at = sqlite3_column_int64(st, 4);
		t->due_day = sqlite3_column_int(st, 5);
		t->extended = sqlite3_column_int(st, 6);
		t->first_response_at = col_time(st, 7);
		t->proposal_at = col_time(st, 8);
		t->closed_at = col_time(st, 9);
		t->created_seq = sqlite3_column_int64(st, 10);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(a->l, e, "cannot read a ticket");
	return 0;
}

/*
 * Whether a ticket may go to the PUJK code: ERR_NONE when it is registered
 * with all three roles filled (SPEC §5), else PUJK_UNKNOWN or PUJK_NOT_ACTIVE
 * in *verdict, with res filled.
 */
static int pujk_check(struct apply *a, const char *code, enum err_code *verdict,
		      struct apply_result *res, struct err *e)
{
	sqlite3_stmt *st = a->get_pujk;
	int rc, roles = 0;

	*verdict = ERR_NONE;
	for (int i = 0; i < a->n_known; i++)
		if (strcmp(a->known[i], code) == 0)
			return 0;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		roles = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(a->l, e, "cannot read the registry");
	if (rc == SQLITE_DONE) {
		*verdict = ERR_PUJK_UNKNOWN;
		return refuse(res, *verdict, "PUJK '%s' is not registered", code);
	}
	if (roles < 3) {
		*verdict = ERR_PUJK_NOT_ACTIVE;
		return refuse(res, *verdict, "PUJK '%s' is registered without its three officers: "
			      "no ticket goes to it", code);
	}
	if (a->n_known < PUJK_CACHE)
		snprintf(a->known[a->n_known++], sizeof(a->known[0]), "%s", code);
	return 0;
}

/* The seq of an event with the same ticket, record, time and fields, or 0. */
static int same_event(struct apply *a, const struct record *r, const char *record_name,
		      const char *detail, int64_t *seq, struct err *e)
{
	sqlite3_stmt *st = a->get_same;
	int rc;

	sqlite3_bind_text(st, 1, r->ticket_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, record_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->at);
	sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(a->l, e, "cannot read the history");
	return 0;
}

static int new_ticket_detail_is(struct apply *a, int64_t seq, const char *detail, int *same,
				struct err *e)
{
	sqlite3_stmt *st = a->get_detail;
	int rc;

	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	*same = rc == SQLITE_ROW &&
		strcmp((const char *)sqlite3_column_text(st, 0), detail) == 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(a->l, e, "cannot read the history");
	return 0;
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(struct apply *a, sqlite3_stmt *st, const char *what, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return ledger_err(a->l, e, what);
	return 0;
}

static int insert_ticket(struct apply *a, const struct record *r, int32_t due_day, int64_t seq,
			 struct err *e)
{
	sqlite3_stmt *st = a->put_ticket;

	sqlite3_bind_text(st, 1, r->ticket_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->kind == KIND_PGD ? "PGD" : "IND", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->pujk_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, statemachine_status_name(ST_BARU), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->at);
	sqlite3_bind_int64(st, 6, r->at);
	sqlite3_bind_int(st, 7, due_day);
	sqlite3_bind_int64(st, 8, seq);
	sqlite3_bind_int64(st, 9, seq);
	sqlite3_bind_text(st, 10, r->subject ? r->subject : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, calendar_day_of(r->at));
	return step_done(a, st, "cannot record a ticket", e);
}

static int update_ticket(struct apply *a, const char *no, const struct ticket_row *t,
			 int64_t seq, struct err *e)
{
	sqlite3_stmt *st = a->set_ticket;

	sqlite3_bind_text(st, 1, t->pujk_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, statemachine_status_name(t->status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->assigned_at);
	sqlite3_bind_int(st, 4, t->due_day);
	sqlite3_bind_int(st, 5, t->extended);
	bind_time(st, 6, t->first_response_at);
	bind_time(st, 7, t->proposal_at);
	bind_time(st, 8, t->closed_at);
	sqlite3_bind_int64(st, 9, seq);
	sqlite3_bind_text(st, 10, no, -1, SQLITE_STATIC);
	return step_done(a, st, "cannot update a ticket", e);
}

static int insert_attachments(struct apply *a, const struct record *r, int64_t seq,
			      struct err *e)
{
	sqlite3_stmt *st = a->put_attachment;

	for (int i = 0; i < r->n_att; i++) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_text(st, 2, r->att[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->att[i].sha256, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, r->att[i].size);
		sqlite3_bind_text(st, 5, r->att[i].media_type, -1, SQLITE_STATIC);
		if (step_done(a, st, "cannot record an attachment", e) != 0)
			return -1;
	}
	return 0;
}

/* ---- the rules ---- */

static int refuse(struct apply_result *res, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	res->status = APPLY_REJECTED;
	res->code = code;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static int kind_days(const struct apply *a, enum ticket_kind kind)
{
	return kind == KIND_PGD ? a->cfg->sla.pengaduan_days : a->cfg->sla.indikasi_days;
}

/* The due day of a ticket of that kind started at `at`. */
static int32_t due_day(struct apply *a, enum ticket_kind kind, int64_t at)
{
	int32_t start = calendar_day_of(at);
	int days = kind_days(a, kind);

	if (a->memo_days != days || a->memo_start != start) {
		a->memo_due = sla_due_day(a->cal, days, at);
		a->memo_start = start;
		a->memo_days = days;
	}
	return a->memo_due;
}

static int is_pujk_record(enum record_type t)
{
	return t == REC_TAKE_OVER || t == REC_FOLLOW_UP || t == REC_RESOLUTION_PROPOSAL ||
	       t == REC_MISROUTED;
}

static const char *record_name(enum record_type t)
{
	return statemachine_record_name(t);
}

/* The attachments' verdicts, when the record is otherwise acceptable. */
static int is_extension(const struct record *r)
{
	return r->type == REC_FOLLOW_UP && r->action && strcmp(r->action, "EXTENSION") == 0;
}

static int attachments_refused(const struct record *r, const enum err_code *att,
			       struct apply_result *res)
{
	for (int i = 0; att && i < r->n_att; i++) {
		if (att[i] == ERR_ATTACHMENT_MISSING)
			return refuse(res, att[i], "attachment '%s' is not in the package",
				      r->att[i].name) + 1;
		if (att[i] != ERR_NONE)
			return refuse(res, att[i],
				      "attachment '%s' differs from its element's size or sha256",
				      r->att[i].name) + 1;
	}
	return 0;
}

static int apply_new_ticket(struct apply *a, const struct apply_actor *who, int64_t file_id,
			    int64_t now, const struct record *r, const char *detail,
			    const enum err_code *att, struct apply_result *res, struct err *e)
{
	struct ticket_row t;
	struct history_event ev;
	enum err_code verdict;
	int same;
	int32_t due;

	if (load_ticket(a, r->ticket_no, &t, e) != 0)
		return -1;
	if (t.found) {
		if (new_ticket_detail_is(a, t.created_seq, detail, &same, e) != 0)
			return -1;
		if (same) {
			res->status = APPLY_DUPLICATE;
			res->event_seq = t.created_seq;
			snprintf(res->msg, sizeof(res->msg), "already recorded as event %lld",
				 (long long)t.created_seq);
			return 0;
		}
		return refuse(res, ERR_TICKET_EXISTS, "ticket '%s' already exists", r->ticket_no);
	}
	if (pujk_check(a, r->pujk_code, &verdict, res, e) != 0)
		return -1;
	if (verdict != ERR_NONE)
		return 0;
	if (attachments_refused(r, att, res))
		return 0;
	due = due_day(a, r->kind, r->at);
	memset(&ev, 0, sizeof(ev));
	ev.ticket_no = r->ticket_no;
	ev.pujk_code = r->pujk_code;
	ev.record = "NewTicket";
	ev.actor = "INTAKE";
	ev.officer_id = who->officer_id;
	ev.happened_at = r->at;
	ev.recorded_at = now;
	ev.file_id = file_id;
	ev.record_id = r->id;
	ev.status_after = statemachine_status_name(ST_BARU);
	ev.detail = detail;
	if (history_append(a->h, &ev, e) != 0 || insert_ticket(a, r, due, ev.seq, e) != 0 ||
	    insert_attachments(a, r, ev.seq, e) != 0)
		return -1;
	res->status = APPLY_ACCEPTED;
	res->event_seq = ev.seq;
	res->status_after = ev.status_after;
	return 0;
}

/*
 * The SPEC §4 checks of a record on an existing ticket t, in the order the
 * acknowledgement reports them; a refusal fills res and returns 0, with
 * res->status set.  *after is the status the record leads to.
 */
static int check_record(struct apply *a, const struct apply_actor *who, const struct record *r,
			const struct ticket_row *t, const enum err_code *att,
			enum ticket_status *after, struct apply_result *res, struct err *e)
{
	enum err_code verdict;

	if (r->type == REC_RESOLUTION_PROPOSAL && strcmp(who->role, "DECISION") != 0)
		return refuse(res, ERR_ROLE_NOT_AUTHORIZED,
			      "a resolution proposal must be signed by the DECISION officer, not "
			      "the %s officer",
			      who->role);
	verdict = statemachine_next(t->kind, t->status, r->type, after);
	if (verdict == ERR_NOT_APPLICABLE)
		return refuse(res, verdict, "%s does not apply to a %s ticket", r->element,
			      t->kind == KIND_PGD ? "PGD" : "IND");
	if (verdict != ERR_NONE)
		return refuse(res, verdict, "%s is not allowed on a ticket in status %s",
			      r->element, statemachine_status_name(t->status));
	if (r->type == REC_REASSIGN) {
		enum err_code known;

		if (pujk_check(a, r->pujk_code, &known, res, e) != 0)
			return -1;
		if (known != ERR_NONE)
			return 0;
		if (strcmp(r->pujk_code, t->pujk_code) == 0)
			return refuse(res, ERR_INVALID_STATE, "ticket '%s' is already at '%s'",
				      r->ticket_no, r->pujk_code);
	}
	if (is_extension(r) && t->extended)
		return refuse(res, ERR_INVALID_STATE, "ticket '%s' was already extended once",
			      r->ticket_no);
	if (is_extension(r) && calendar_day_of(r->at) > t->due_day) {
		char due[11];

		/* POJK 22/2023: the consumer is told of an extension before the deadline */
		calendar_format_day(t->due_day, due);
		return refuse(res, ERR_INVALID_STATE, "an extension must come on or before the due "
			      "day %s: this one is dated %s, after it", due, r->at_text);
	}
	attachments_refused(r, att, res);
	return 0;
}

/* What an accepted record changes in the ticket's row; prior gets the PUJK
 * a reassignment takes the ticket from. */
static void advance_ticket(struct apply *a, const struct record *r, enum ticket_status after,
			   struct ticket_row *t, char prior[16])
{
	if (r->type == REC_REASSIGN) {
		snprintf(prior, 16, "%s", t->pujk_code);
		snprintf(t->pujk_code, sizeof(t->pujk_code), "%s", r->pujk_code);
		t->assigned_at = r->at;
		t->due_day = due_day(a, t->kind, r->at);
		t->extended = 0;
		t->first_response_at = 0;
		t->proposal_at = 0;
	}
	if (is_extension(r)) {
		t->due_day = sla_extend(a->cal, t->due_day, a->cfg->sla.extension_days);
		t->extended = 1;
	}
	if (is_pujk_record(r->type) && t->first_response_at == 0)
		t->first_response_at = r->at;
	if (r->type == REC_RESOLUTION_PROPOSAL && t->proposal_at == 0)
		t->proposal_at = r->at;
	if ((after == ST_SELESAI || after == ST_DITUTUP) && t->closed_at == 0)
		t->closed_at = r->at;
	t->status = after;
}

int apply_record(struct apply *a, const struct apply_actor *who, int64_t file_id, int64_t now,
		 const struct record *r, enum err_code pre, const struct err *why,
		 const enum err_code *att, struct apply_result *res, struct err *e)
{
	struct ticket_row t;
	struct history_event ev;
	enum ticket_status before, after;
	const char *name = record_name(r->type);
	char prior[16] = "";
	int64_t same_seq;
	struct buf *json = &a->json;

	memset(res, 0, sizeof(*res));
	detail_json(r, json);
	if (json->failed)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (r->type == REC_NEW_TICKET) {
		if (pre != ERR_NONE)
			return refuse(res, pre, "%s", why->msg);
		return apply_new_ticket(a, who, file_id, now, r, json->v, att, res, e);
	}
	if (load_ticket(a, r->ticket_no, &t, e) != 0)
		return -1;
	if (!t.found || (!who->intake && strcmp(t.pujk_code, who->pujk_code) != 0))
		return refuse(res, ERR_TICKET_UNKNOWN, "ticket '%s' is not known", r->ticket_no);
	if (pre != ERR_NONE)
		return refuse(res, pre, "%s", why->msg);
	if (r->at < t.received_at)
		return refuse(res, ERR_TIME_INVALID, "record '%s': %s is before the ticket was received",
			      r->id, r->at_text);
	if (same_event(a, r, name, json->v, &same_seq, e) != 0)
		return -1;
	if (same_seq) {
		res->status = APPLY_DUPLICATE;
		res->event_seq = same_seq;
		snprintf(res->msg, sizeof(res->msg), "already recorded as event %lld",
			 (long long)same_seq);
		return 0;
	}
	if (check_record(a, who, r, &t, att, &after, res, e) != 0)
		return -1;
	if (res->status == APPLY_REJECTED)
		return 0;
	before = t.status;
	advance_ticket(a, r, after, &t, prior);

	memset(&ev, 0, sizeof(ev));
	ev.ticket_no = r->ticket_no;
	ev.pujk_code = t.pujk_code;
	ev.prior_pujk = prior[0] ? prior : NULL;
	ev.record = name;
	ev.actor = who->intake ? "INTAKE" : who->role;
	ev.officer_id = who->officer_id;
	ev.happened_at = r->at;
	ev.recorded_at = now;
	ev.file_id = file_id;
	ev.record_id = r->id;
	ev.status_before = statemachine_status_name(before);
	ev.status_after = statemachine_status_name(after);
	ev.detail = json->v;
	if (history_append(a->h, &ev, e) != 0)
		return -1;
	/* a HistoryRequest is in the history only: the ticket's row, its updated_seq
	 * included, stays as it was (it is no response for the deadline either) */
	if (r->type != REC_HISTORY_REQUEST &&
	    (update_ticket(a, r->ticket_no, &t, ev.seq, e) != 0 ||
	     insert_attachments(a, r, ev.seq, e) != 0))
		return -1;
	res->status = APPLY_ACCEPTED;
	res->event_seq = ev.seq;
	res->status_after = ev.status_after;
	return 0;
}
