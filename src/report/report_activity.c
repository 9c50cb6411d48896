/*
 * report_activity - the day's activity in the daily archive (SPEC §9): the
 * files processed on the day, the records by type and outcome, the events
 * recorded on it.  Part of the report module (report.h); report_archive.c
 * puts what this writes into the archive.
 *
 * Each list is a CSV (util/csv: every cell by csv_cell, times by
 * csv_time_wib in WIB, CRLF, CSV_BOM first), described in
 * docs/DESIGN.md "The daily archive".  files/SHA256SUMS lists each data
 * file's SHA-256 in sha256sum format under its path in the hub's spool, so
 * that an auditor holding the file checks it with `sha256sum -c`; the data
 * file itself is never read here: its digest and size are the ledger's,
 * taken when it was fetched.
 *
 * Errors: ERR_IO (the ledger), ERR_INTERNAL (out of memory).
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "util/csv.h"

/* ------------------------------------------------------------ files */

static void copy_text(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

static void fill_file(sqlite3_stmt *st, struct report_day_file *f)
{
	const char *dot;

	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, 0);
	copy_text(st, 1, f->name, sizeof(f->name));
	copy_text(st, 2, f->kind, sizeof(f->kind));
	copy_text(st, 3, f->sender, sizeof(f->sender));
	f->size = sqlite3_column_int64(st, 4);
	copy_text(st, 5, f->sha256, sizeof(f->sha256));
	f->fetched_at = sqlite3_column_int64(st, 6);
	f->processed_at = sqlite3_column_int64(st, 7);
	copy_text(st, 8, f->status, sizeof(f->status));
	copy_text(st, 9, f->error_code, sizeof(f->error_code));
	copy_text(st, 10, f->batch_id, sizeof(f->batch_id));
	copy_text(st, 11, f->signer, sizeof(f->signer));
	copy_text(st, 12, f->officer_role, sizeof(f->officer_role));
	f->received = (long)sqlite3_column_int64(st, 13);
	f->accepted = (long)sqlite3_column_int64(st, 14);
	f->rejected = (long)sqlite3_column_int64(st, 15);
	f->duplicate = (long)sqlite3_column_int64(st, 16);
	copy_text(st, 18, f->archive_dir, sizeof(f->archive_dir));
	snprintf(f->spool_name[0], sizeof(f->spool_name[0]), "%s.p7s", f->name);
	if (sqlite3_column_type(st, 17) != SQLITE_NULL) {
		copy_text(st, 17, f->spool_name[1], sizeof(f->spool_name[1]));
	} else { /* rows written before acknowledgements had names of their own */
		dot = strrchr(f->name, '.');
		snprintf(f->spool_name[1], sizeof(f->spool_name[1]), "ACK_%.*s.xml",
			 (int)(dot ? dot - f->name : (long)strlen(f->name)), f->name);
	}
	snprintf(f->spool_name[2], sizeof(f->spool_name[2]), "%.270s.p7s", f->spool_name[1]);
	/* the data file of these went to quarantine/ (keep.c, stage_fetch.c) */
	f->data_quarantined = strcmp(f->error_code, "SIGNATURE_MISSING") == 0 ||
			      (strcmp(f->error_code, "LIMIT_EXCEEDED") == 0 &&
			       sqlite3_column_type(st, 11) == SQLITE_NULL);
}

int report_day_files(struct ledger *l, int32_t day, struct report_day_file **out, size_t *n,
		     struct err *e)
{
	static const char sql[] =
		"SELECT id, name, kind, sender, size, sha256, fetched_at, processed_at, status,"
		" error_code, batch_id, signer_subject, officer_role, received, accepted,"
		" rejected, duplicate, ack_name, archive_dir FROM file WHERE state = 'PROCESSED'"
		" AND processed_at >= ?1 AND processed_at < ?2 ORDER BY id";
	struct report_day_file *v = NULL, *nv;
	sqlite3_stmt *st = NULL;
	size_t cnt = 0, cap = 0;
	int step, rc = -1;

	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, calendar_day_start(day)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, calendar_day_start(day + 1)) != SQLITE_OK) {
		ledger_err(l, e, "cannot list the day's files");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				err_set(e, ERR_INTERNAL, "out of memory");
				goto out;
			}
			v = nv;
		}
		fill_file(st, &v[cnt++]);
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot list the day's files");
		goto out;
	}
	*out = v;
	*n = cnt;
	v = NULL;
	rc = 0;
out:
	free(v);
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------- CSV */

static void add_str(struct report_buf *b, const char *s)
{
	report_buf_add(b, s, strlen(s));
}

static void cell(struct report_buf *b, const char *text, int first)
{
	if (!first)
		add_str(b, ",");
	report_csv_field(b, text);
}

static void cell_int(struct report_buf *b, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	cell(b, num, 0);
}

static void cell_time(struct report_buf *b, int64_t utc)
{
	char t[20];

	csv_time_wib(utc, t);
	cell(b, t, 0);
}

static void files_csv(struct report_buf *b, const struct report_day_file *f, size_t n)
{
	static const char *const what[3] = { "signature", "acknowledgement",
					     "acknowledgement_signature" };

	add_str(b, "file_id,name,kind,sender,size,sha256,fetched_at,processed_at,status,"
		   "error_code,batch_id,signer,officer_role,received,accepted,rejected,duplicate,"
		   "ack_name,spool_dir,data_file");
	for (int i = 0; i < 3; i++) {
		add_str(b, ",");
		add_str(b, what[i]);
	}
	add_str(b, "\r\n");
	for (size_t i = 0; i < n; i++) {
		char id[24];

		snprintf(id, sizeof(id), "%" PRId64, f[i].id);
		cell(b, id, 1);
		cell(b, f[i].name, 0);
		cell(b, f[i].kind, 0);
		cell(b, f[i].sender, 0);
		cell_int(b, f[i].size);
		cell(b, f[i].sha256, 0);
		cell_time(b, f[i].fetched_at);
		cell_time(b, f[i].processed_at);
		cell(b, f[i].status, 0);
		cell(b, f[i].error_code, 0);
		cell(b, f[i].batch_id, 0);
		cell(b, f[i].signer, 0);
		cell(b, f[i].officer_role, 0);
		cell_int(b, f[i].received);
		cell_int(b, f[i].accepted);
		cell_int(b, f[i].rejected);
		cell_int(b, f[i].duplicate);
		cell(b, f[i].spool_name[1], 0);
		cell(b, f[i].archive_dir, 0);
		cell(b, f[i].data_quarantined ? "quarantined" : "kept in the spool", 0);
		for (int k = 0; k < 3; k++)
			cell(b, f[i].member[k][0] ? f[i].member[k] : f[i].kept[k], 0);
		add_str(b, "\r\n");
	}
}

/* The data files' digests in sha256sum format, by their path in the spool. */
static void sums(struct report_buf *b, const struct report_day_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(f[i].sha256) != 64)
			continue;
		add_str(b, f[i].sha256);
		add_str(b, "  ");
		add_str(b, f[i].data_quarantined ? "quarantine" : f[i].archive_dir);
		add_str(b, "/");
		add_str(b, f[i].name);
		add_str(b, "\n");
	}
}

/*
 * Records by type and outcome: the totals of the day's files by outcome
 * (the acknowledgements' counts), then the records applied, by type, from
 * the events recorded on the day.  An acknowledgement does not name a
 * rejected record's type, so rejected and duplicate records are counted
 * by outcome only (record "ALL").
 */
static int records_csv(struct ledger *l, int32_t day, struct report_buf *b,
		       const struct report_day_file *f, size_t n, struct err *e)
{
	static const char sql[] = "SELECT record, count(*) FROM event WHERE recorded_at >= ?1"
				  " AND recorded_at < ?2 GROUP BY record ORDER BY record";
	long tot[4] = { 0 };
	static const char *const outcome[4] = { "RECEIVED", "ACCEPTED", "REJECTED",
						"DUPLICATE" };
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	for (size_t i = 0; i < n; i++) {
		tot[0] += f[i].received;
		tot[1] += f[i].accepted;
		tot[2] += f[i].rejected;
		tot[3] += f[i].duplicate;
	}
	add_str(b, "record,outcome,count\r\n");
	for (int i = 0; i < 4; i++) {
		cell(b, "ALL", 1);
		cell(b, outcome[i], 0);
		cell_int(b, tot[i]);
		add_str(b, "\r\n");
	}
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, calendar_day_start(day)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, calendar_day_start(day + 1)) != SQLITE_OK) {
		ledger_err(l, e, "cannot count the day's events");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		cell(b, (const char *)sqlite3_column_text(st, 0), 1);
		cell(b, "ACCEPTED", 0);
		cell_int(b, sqlite3_column_int64(st, 1));
		add_str(b, "\r\n");
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot count the day's events");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The events recorded on day, in ledger order; no detail (consumer data). */
static int events_csv(struct ledger *l, int32_t day, struct report_buf *b, struct err *e)
{
	static const char sql[] =
		"SELECT seq, ticket_no, pujk_code, record, actor, officer_id, happened_at,"
		" recorded_at, file_id, record_id, status_before, status_after FROM event"
		" WHERE recorded_at >= ?1 AND recorded_at < ?2 ORDER BY seq";
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	add_str(b, "seq,ticket_no,pujk_code,record,actor,officer_id,happened_at,recorded_at,"
		   "file_id,record_id,status_before,status_after\r\n");
	if (sqlite3_prepare_v2(ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, calendar_day_start(day)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, calendar_day_start(day + 1)) != SQLITE_OK) {
		ledger_err(l, e, "cannot list the day's events");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t;

		cell(b, (const char *)sqlite3_column_text(st, 0), 1);
		for (int c = 1; c <= 11; c++) {
			if (c == 6 || c == 7) {
				cell_time(b, sqlite3_column_int64(st, c));
				continue;
			}
			t = (const char *)sqlite3_column_text(st, c);
			cell(b, t ? t : "", 0);
		}
		add_str(b, "\r\n");
	}
	if (step != SQLITE_DONE) {
		ledger_err(l, e, "cannot list the day's events");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int report_day_activity(struct ledger *l, int32_t day, const struct report_day_file *f,
			size_t n, struct report_buf out[4], struct err *e)
{
	memset(out, 0, 4 * sizeof(*out));
	for (int i = 0; i < 3; i++)
		add_str(&out[i], CSV_BOM);
	files_csv(&out[0], f, n);
	if (records_csv(l, day, &out[1], f, n, e) < 0 || events_csv(l, day, &out[2], e) < 0)
		return -1;
	sums(&out[3], f, n);
	for (int i = 0; i < 4; i++)
		if (out[i].failed)
			return err_set(e, ERR_INTERNAL, "out of memory");
	return 0;
}
