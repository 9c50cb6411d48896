/*
 * history - appending to and verifying the event chain; see history.h.
 */
#include "ledger/history.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/hex.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct history {
	struct ledger *l;
	sqlite3_stmt *insert;
	char head[65];
	int64_t head_seq;
	EVP_MD_CTX *md;
};

static void add_text(EVP_MD_CTX *md, const char *s)
{
	static const char sep = '\x1f';

	if (s)
		EVP_DigestUpdate(md, s, strlen(s));
	else
		EVP_DigestUpdate(md, "\x1e", 1); /* NULL differs from "" */
	EVP_DigestUpdate(md, &sep, 1);
}

/* decimal, as "%" PRId64 would print it: called five times an event */
static void add_int(EVP_MD_CTX *md, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf) - 1;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	add_text(md, p);
}

/* The chain link: previous hash, then every column in table order. */
static int event_hash(EVP_MD_CTX *md, const char *prev, const struct history_event *ev,
		      char out[65])
{
	unsigned char digest[32];
	unsigned int len = 0;

	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		return -1;
	add_text(md, prev);
	add_int(md, ev->seq);
	add_text(md, ev->ticket_no);
	add_text(md, ev->pujk_code);
	add_text(md, ev->prior_pujk);
	add_text(md, ev->record);
	add_text(md, ev->actor);
	add_int(md, ev->officer_id);
	add_int(md, ev->happened_at);
	add_int(md, ev->recorded_at);
	add_int(md, ev->file_id);
	add_text(md, ev->record_id);
	add_text(md, ev->status_before);
	add_text(md, ev->status_after);
	add_text(md, ev->detail);
	if (EVP_DigestFinal_ex(md, digest, &len) != 1 || len != 32)
		return -1;
	hex_encode(digest, 32, out);
	return 0;
}

int history_read_head(struct ledger *l, int64_t *seq, char hash[65], struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(ledger_db(l), "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return ledger_err(l, e, "cannot read the chain head");
	rc = sqlite3_step(st);
	/* on a failure the caller's head stays as it was */
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (rc == SQLITE_DONE) {
		*seq = 0;
		hash[0] = '\0';
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ledger_err(l, e, "cannot read the chain head");
	return 0;
}

int history_reload(struct history *h, struct err *e)
{
	return history_read_head(h->l, &h->head_seq, h->head, e);
}

int history_open(struct history **out, struct ledger *l, struct err *e)
{
	struct history *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	h->l = l;
	h->md = EVP_MD_CTX_new();
	if (h->md == NULL) {
		free(h);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	if (sqlite3_prepare_v3(ledger_db(l),
			       "INSERT INTO event(seq, ticket_no, pujk_code, prior_pujk, record, actor,"
			       " officer_id, happened_at, recorded_at, file_id, record_id,"
			       " status_before, status_after, detail, hash)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, SQLITE_PREPARE_PERSISTENT, &h->insert, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot prepare the event insert");
		history_close(h);
		return -1;
	}
	if (history_reload(h, e) != 0) {
		history_close(h);
		return -1;
	}
	*out = h;
	return 0;
}

void history_close(struct history *h)
{
	if (h == NULL)
		return;
	sqlite3_finalize(h->insert);
	EVP_MD_CTX_free(h->md);
	free(h);
}

int history_append(struct history *h, struct history_event *ev, struct err *e)
{
	sqlite3_stmt *st = h->insert;
	int rc;

	ev->seq = h->head_seq + 1;
	if (event_hash(h->md, h->head[0] ? h->head : ZERO_HASH, ev, ev->hash) != 0)
		return err_set(e, ERR_INTERNAL, "cannot hash event %" PRId64, ev->seq);
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ev->seq);
	sqlite3_bind_text(st, 2, ev->ticket_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->pujk_code, -1, SQLITE_STATIC);
	ledger_bind_text_or_null(st, 4, ev->prior_pujk);
	sqlite3_bind_text(st, 5, ev->record, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev->actor, -1, SQLITE_STATIC);
	if (ev->officer_id)
		sqlite3_bind_int64(st, 7, ev->officer_id);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 8, ev->happened_at);
	sqlite3_bind_int64(st, 9, ev->recorded_at);
	sqlite3_bind_int64(st, 10, ev->file_id);
	sqlite3_bind_text(st, 11, ev->record_id, -1, SQLITE_STATIC);
	ledger_bind_text_or_null(st, 12, ev->status_before);
	sqlite3_bind_text(st, 13, ev->status_after, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, ev->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, ev->hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return ledger_err(h->l, e, "cannot append an event");
	h->head_seq = ev->seq;
	memcpy(h->head, ev->hash, sizeof(h->head));
	return 0;
}

const char *history_head(const struct history *h, int64_t *seq)
{
	if (seq)
		*seq = h->head_seq;
	return h->head;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int history_verify(struct ledger *l, history_each_fn *each, void *ctx, int64_t *events,
		   int64_t *bad_seq, struct err *e)
{
	sqlite3_stmt *st = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char prev[65] = ZERO_HASH, want[65];
	int64_t expected_seq = 1, n = 0;
	int rc, result = -1;

	*bad_seq = 0;
	if (md == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (sqlite3_prepare_v2(ledger_db(l),
			       "SELECT seq, ticket_no, pujk_code, prior_pujk, record, actor, officer_id,"
			       " happened_at, recorded_at, file_id, record_id, status_before,"
			       " status_after, detail, hash FROM event ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK) {
		ledger_err(l, e, "cannot read the events");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct history_event ev = {
			.seq = sqlite3_column_int64(st, 0),
			.ticket_no = col_text(st, 1),
			.pujk_code = col_text(st, 2),
			.prior_pujk = col_text(st, 3),
			.record = col_text(st, 4),
			.actor = col_text(st, 5),
			.officer_id = sqlite3_column_int64(st, 6),
			.happened_at = sqlite3_column_int64(st, 7),
			.recorded_at = sqlite3_column_int64(st, 8),
			.file_id = sqlite3_column_int64(st, 9),
			.record_id = col_text(st, 10),
			.status_before = col_text(st, 11),
			.status_after = col_text(st, 12),
			.detail = col_text(st, 13),
		};
		const char *stored = col_text(st, 14);

		if (ev.seq != expected_seq) {
			*bad_seq = ev.seq;
			err_set(e, ERR_INVALID_STATE,
				"event %" PRId64 " follows event %" PRId64 ": the chain has a gap",
				ev.seq, expected_seq - 1);
			goto out;
		}
		if (event_hash(md, prev, &ev, want) != 0) {
			err_set(e, ERR_INTERNAL, "cannot hash event %" PRId64, ev.seq);
			goto out;
		}
		if (stored == NULL || strcmp(stored, want) != 0) {
			*bad_seq = ev.seq;
			err_set(e, ERR_INVALID_STATE,
				"event %" PRId64 " (ticket %s, %s) does not match its hash: altered "
				"after it was recorded",
				ev.seq, ev.ticket_no ? ev.ticket_no : "?", ev.record ? ev.record : "?");
			goto out;
		}
		memcpy(prev, stored, sizeof(prev));
		if (each != NULL)
			each(ctx, &ev);
		expected_seq++;
		n++;
	}
	if (rc != SQLITE_DONE) {
		ledger_err(l, e, "cannot read the events");
		goto out;
	}
	*events = n;
	result = 0;
out:
	sqlite3_finalize(st);
	EVP_MD_CTX_free(md);
	return result;
}
