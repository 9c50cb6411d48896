/*
 * audit_chain - the walk along the hash chain of `audit verify`; see
 * audit_chain.h.  The file and officer rows are few (one per data file,
 * three per PUJK) and are held, sorted by id; the attachment rows are read
 * alongside the events, in the same order, so nothing is looked up per event.
 */
#include "ledger/audit_chain.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/history.h"
#include "util/vec.h"

/* What the walk checks each event against: the file and officer rows are
 * few (one per data file, three per PUJK) and held; the attachment rows are
 * read alongside the events, in the same order. */
struct walk_file {
	int64_t id;
	int64_t accepted; /* -1 for NULL */
	int processed;
	int64_t events;
};

struct walk_officer {
	int64_t id;
	char pujk[16];
	char role[16];
};

struct walk_attachment {
	char *name, *media_type, *sha256;
	int64_t size;
	int matched;
};

struct walk {
	struct auditor a;
	struct ledger *l;
	struct walk_file *files;
	size_t n_files;
	struct walk_officer *officers;
	size_t n_officers;
	sqlite3_stmt *att;    /* the attachment rows by event, name */
	int att_rc;           /* SQLITE_ROW while att is on a row */
	int64_t att_orphan;   /* the last event named as gone from under its rows */
	sqlite3_stmt *listed; /* the attachments an event's detail lists */
	struct walk_attachment *rows;
	size_t n_rows, cap_rows;
	int failed;           /* a read failed: e says why */
	struct err e;
};

static int by_id(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int walk_load(struct walk *w, struct err *e)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, result = -1;

	if (audit_prepare(w->l, "SELECT id, coalesce(accepted, -1), state = 'PROCESSED' FROM file"
			  " ORDER BY id", &st, e) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vec_grow((void **)&w->files, w->n_files, &cap, sizeof(*w->files)) < 0)
			goto oom;
		w->files[w->n_files++] = (struct walk_file){ sqlite3_column_int64(st, 0),
			sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2), 0 };
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	cap = 0;
	if (audit_prepare(w->l, "SELECT id, pujk_code, role FROM officer ORDER BY id", &st, e) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct walk_officer *o;

		if (vec_grow((void **)&w->officers, w->n_officers, &cap, sizeof(*o)) < 0)
			goto oom;
		o = &w->officers[w->n_officers++];
		o->id = sqlite3_column_int64(st, 0);
		snprintf(o->pujk, sizeof(o->pujk), "%s", audit_text(st, 1));
		snprintf(o->role, sizeof(o->role), "%s", audit_text(st, 2));
	}
	if (rc != SQLITE_DONE)
		goto fail;
	if (audit_prepare(w->l, "SELECT event_seq, name, media_type, sha256, size FROM attachment"
			  " ORDER BY event_seq, name", &w->att, e) < 0 ||
	    audit_prepare(w->l, "SELECT json_extract(value, '$.name'), json_extract(value,"
			  " '$.mediaType'), json_extract(value, '$.sha256'),"
			  " json_extract(value, '$.size') FROM json_each(?1, '$.attachments')",
		    &w->listed, e) < 0)
		goto out;
	w->att_rc = sqlite3_step(w->att);
	result = 0;
	goto out;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
	goto out;
fail:
	ledger_err(w->l, e, "cannot read the ledger for the audit");
out:
	sqlite3_finalize(st);
	return result;
}

static void walk_fail(struct walk *w, const char *what)
{
	if (!w->failed)
		ledger_err(w->l, &w->e, what);
	w->failed = 1;
}

static void walk_rows_clear(struct walk *w)
{
	for (size_t i = 0; i < w->n_rows; i++) {
		free(w->rows[i].name);
		free(w->rows[i].media_type);
		free(w->rows[i].sha256);
	}
	w->n_rows = 0;
}

/* The attachment rows before event seq have no event: those events were removed. */
static void walk_orphans(struct walk *w, int64_t seq)
{
	while (w->att_rc == SQLITE_ROW && sqlite3_column_int64(w->att, 0) < seq) {
		int64_t gone = sqlite3_column_int64(w->att, 0);

		if (gone != w->att_orphan)
			audit_finding(&w->a, "an attachment belongs to event %" PRId64 ", which the "
				"chain does not hold: events were removed", gone);
		w->att_orphan = gone;
		w->att_rc = sqlite3_step(w->att);
	}
	if (w->att_rc != SQLITE_ROW && w->att_rc != SQLITE_DONE)
		walk_fail(w, "cannot read the attachments");
}

/*
 * The attachment rows are outside the chain: each must be one the event's
 * hashed detail lists, with the same hash, size and type, and each one the
 * detail lists must have its row.  Only a FollowUp's detail lists any.
 */
static void walk_attachments(struct walk *w, const struct history_event *ev)
{
	int rc;

	walk_orphans(w, ev->seq);
	while (w->att_rc == SQLITE_ROW && sqlite3_column_int64(w->att, 0) == ev->seq) {
		struct walk_attachment *r;

		if (vec_grow((void **)&w->rows, w->n_rows, &w->cap_rows, sizeof(*r)) < 0) {
			err_set(&w->e, ERR_INTERNAL, "out of memory");
			w->failed = 1;
			return;
		}
		r = &w->rows[w->n_rows++];
		r->name = strdup(audit_text(w->att, 1));
		r->media_type = strdup(audit_text(w->att, 2));
		r->sha256 = strdup(audit_text(w->att, 3));
		r->size = sqlite3_column_int64(w->att, 4);
		r->matched = 0;
		if (r->name == NULL || r->media_type == NULL || r->sha256 == NULL) {
			err_set(&w->e, ERR_INTERNAL, "out of memory");
			w->failed = 1;
			walk_rows_clear(w);
			return;
		}
		w->att_rc = sqlite3_step(w->att);
	}
	if (w->n_rows == 0 && (ev->detail == NULL || strstr(ev->detail, "\"attachments\"") == NULL))
		return;
	sqlite3_bind_text(w->listed, 1, ev->detail, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(w->listed)) == SQLITE_ROW) {
		const char *name = audit_text(w->listed, 0);
		size_t i;

		for (i = 0; i < w->n_rows && strcmp(w->rows[i].name, name) != 0; i++)
			;
		if (i == w->n_rows) {
			audit_finding(&w->a, "attachment '%s' of event %" PRId64 " has no attachment row: "
				"removed", name, ev->seq);
			continue;
		}
		w->rows[i].matched = strcmp(w->rows[i].media_type, audit_text(w->listed, 1)) == 0 &&
				     strcmp(w->rows[i].sha256, audit_text(w->listed, 2)) == 0 &&
				     w->rows[i].size == sqlite3_column_int64(w->listed, 3);
	}
	if (rc != SQLITE_DONE)
		walk_fail(w, "cannot read an event's attachments");
	sqlite3_reset(w->listed);
	for (size_t i = 0; i < w->n_rows; i++)
		if (!w->rows[i].matched)
			audit_finding(&w->a, "attachment '%s' of event %" PRId64 " is not the one the "
				"event recorded: altered after it was recorded", w->rows[i].name,
				ev->seq);
	walk_rows_clear(w);
}

/* The event's file and officer must be rows of their tables (the officer
 * with the event's role and PUJK); the file's events are counted. */
static void walk_links(struct walk *w, const struct history_event *ev)
{
	struct walk_file *f = bsearch(&ev->file_id, w->files, w->n_files, sizeof(*f), by_id);

	if (f == NULL)
		audit_finding(&w->a, "event %" PRId64 ": brought by file %" PRId64 ", which the file "
			"table does not hold", ev->seq, ev->file_id);
	else
		f->events++;
	if (ev->officer_id != 0) {
		const struct walk_officer *o = bsearch(&ev->officer_id, w->officers,
						       w->n_officers, sizeof(*o), by_id);
		/* a column of a rewritten table may be NULL (its hash may still match) */
		const char *actor = ev->actor ? ev->actor : "";
		const char *pujk = ev->pujk_code ? ev->pujk_code : "";

		if (o == NULL || strcmp(o->role, actor) != 0 || strcmp(o->pujk, pujk) != 0)
			audit_finding(&w->a, "event %" PRId64 ": made by officer %" PRId64 " (%s %s), "
				      "which the officer table does not hold as such", ev->seq,
				      ev->officer_id, pujk, actor);
	}
}

static void walk_event(void *ctx, const struct history_event *ev)
{
	struct walk *w = ctx;

	if (w->failed)
		return;
	walk_links(w, ev);
	walk_attachments(w, ev);
}

/* Every accepted record is one event: a processed file's accepted count is its events. */
static int walk_files_end(struct walk *w, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int result = -1;

	if (audit_prepare(w->l, "SELECT name FROM file WHERE id = ?", &st, e) < 0)
		return -1;
	for (size_t i = 0; i < w->n_files; i++) {
		const struct walk_file *f = &w->files[i];
		char accepted[24];

		if (!f->processed || f->accepted == f->events)
			continue;
		sqlite3_bind_int64(st, 1, f->id);
		if (sqlite3_step(st) != SQLITE_ROW) {
			ledger_err(w->l, e, "cannot read the files");
			goto out;
		}
		snprintf(accepted, sizeof(accepted), f->accepted < 0 ? "NULL" : "%" PRId64,
			 f->accepted);
		audit_finding(&w->a, "file %" PRId64 " (%s): accepted: the table says %s, its events are "
			"%" PRId64, f->id, audit_text(st, 0), accepted, f->events);
		sqlite3_reset(st);
	}
	result = 0;
out:
	sqlite3_finalize(st);
	return result;
}

int audit_chain(struct ledger *l, audit_found_fn *found, void *ctx, struct audit_counts *c,
		 struct err *e)
{
	struct walk w = { .a = { found, ctx, c }, .l = l };
	int64_t events = 0, bad_seq = 0;
	int rc = -1, intact;

	err_clear(&w.e);
	if (walk_load(&w, e) < 0)
		goto out;
	intact = history_verify(l, walk_event, &w, &events, &bad_seq, e) == 0;
	if (w.failed) {
		*e = w.e;
		goto out;
	}
	if (!intact) {
		if (e->code != ERR_INVALID_STATE)
			goto out;
		audit_finding(&w.a, "%s", e->msg);
		err_clear(e);
	} else {
		/* what a broken chain left unread is not named as missing */
		walk_orphans(&w, INT64_MAX);
		if (w.failed) {
			*e = w.e;
			goto out;
		}
		if (walk_files_end(&w, e) < 0)
			goto out;
	}
	rc = 0;
out:
	walk_rows_clear(&w);
	free(w.rows);
	sqlite3_finalize(w.listed);
	sqlite3_finalize(w.att);
	free(w.officers);
	free(w.files);
	return rc;
}
