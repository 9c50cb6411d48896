/*
 * process_ingest - an input's records from the parser to the ledger.  The
 * parser (with the validator) runs on this thread and hands each record
 * through a bounded queue to the ledger writer's thread, which applies it
 * inside the file's transaction and writes its result for the
 * acknowledgement.  A package is read twice: first for its attachments'
 * verdicts, then its payload is parsed like a plain file.
 */
#include <stdlib.h>
#include <string.h>

#include "exchange/process.h"
#include "formats/ack.h"
#include "util/fault.h"

/* Apply one record and write its result: on the ledger writer's thread. */
static int apply_one(struct process_job *j, const struct record *r, enum err_code pre,
		     const struct err *why, const enum err_code *att, struct err *e)
{
	struct exchange *x = j->x;
	struct apply_result res;
	struct ack_result out;

	fault_point("mid-apply");
	if (apply_record(x->apply, &j->actor, j->f.id, x->now, r, pre, why, att, &res, e) != 0)
		return -1;
	j->received++;
	out.record_id = r->id;
	out.ticket_no = r->ticket_no;
	out.event_seq = res.event_seq;
	out.code = res.code != ERR_NONE ? err_code_name(res.code) : NULL;
	out.text = res.msg[0] ? res.msg : NULL;
	switch (res.status) {
	case APPLY_ACCEPTED:
		j->accepted++;
		out.status = "ACCEPTED";
		break;
	case APPLY_DUPLICATE:
		j->duplicate++;
		out.status = "DUPLICATE";
		break;
	default:
		j->rejected++;
		out.status = "REJECTED";
		break;
	}
	return ack_result_put(j->results, &out, e);
}

static int on_record(void *ctx, const struct record *r, long index, enum err_code pre,
		     const struct err *why, struct err *e)
{
	struct process_job *j = ctx;
	const enum err_code *att = NULL;

	if (j->x->progress && index > 0 && index % EXCHANGE_PROGRESS_EVERY == 0)
		j->x->progress(j->x->log_ctx, j->f.name, index);
	if (j->is_package && r->n_att > 0) {
		if (j->att_cursor + (size_t)r->n_att > j->n_att)
			return err_set(e, ERR_INTERNAL, "the payload changed between its two readings");
		att = j->att_verdicts + j->att_cursor;
		j->att_cursor += (size_t)r->n_att;
	}
	if (j->queue == NULL)
		return apply_one(j, r, pre, why, att, e);
	if (recordq_push(j->queue, r, index, pre, why, att, e) == 0)
		return 0;
	if (j->writer_failed)
		*e = j->writer_err;
	return -1;
}

/* The ledger writer's loop: apply each record as the parser hands it over. */
static void *writer_thread(void *arg)
{
	struct process_job *j = arg;
	struct recordq_item *it;

	while ((it = recordq_pop(j->queue)) != NULL) {
		int rc = apply_one(j, &it->r, it->pre, it->why, it->att, &j->writer_err);

		recordq_item_free(it);
		if (rc != 0) {
			j->writer_failed = 1;
			recordq_abort(j->queue);
			break;
		}
	}
	return NULL;
}

static int writer_start(struct process_job *j, struct err *e)
{
	if (recordq_new(&j->queue, 1024, e) != 0)
		return -1;
	if (pthread_create(&j->writer, NULL, writer_thread, j) != 0) {
		recordq_free(j->queue);
		j->queue = NULL;
		return err_sys(e, ERR_INTERNAL, "cannot start the ledger writer");
	}
	j->writer_started = 1;
	return 0;
}

int process_writer_stop(struct process_job *j, int drain, struct err *e)
{
	if (!j->writer_started)
		return 0;
	if (drain)
		recordq_finish(j->queue);
	else
		recordq_abort(j->queue);
	pthread_join(j->writer, NULL);
	j->writer_started = 0;
	recordq_free(j->queue);
	j->queue = NULL;
	if (j->writer_failed) {
		if (e)
			*e = j->writer_err;
		return -1;
	}
	return 0;
}

/* A package's first pass: the attachments into the store, their verdicts,
 * and the payload to parse; *findings 1 when the package itself failed. */
static int read_package(struct process_job *j, const char *path, int *findings, struct err *e)
{
	struct exchange *x = j->x;
	char store[PATH_MAX];

	*findings = 0;
	if (spool_path(x->spool, SPOOL_ATTACHMENTS, store, sizeof(store), e) != 0)
		return -1;
	j->is_package = 1;
	if (filecheck_package(x->schemas, x->cfg, path, j->f.name, store, x->now, &j->pkg,
			      &j->att_verdicts, &j->fc, &j->res, e) != 0)
		return -1;
	j->n_att = j->fc.n_atts;
	if (j->res.n_errors > 0) {
		*findings = 1;
		return 0;
	}
	filecheck_free(&j->fc);
	xmlstream_result_free(&j->res);
	j->fc.in_package = 1;
	return 0;
}

/* What the parse found becomes file errors; the code that ended it first. */
static void take_findings(struct process_job *j)
{
	for (size_t i = 0; i < j->res.n_errors; i++)
		process_file_error(j, j->res.errors[i].code, j->res.errors[i].line,
				   j->res.errors[i].col, "%s", j->res.errors[i].msg);
	if (j->res.n_errors == 0 || j->res.stopped == ERR_NONE)
		return;
	for (size_t i = 0; i < j->n_errors; i++)
		if (j->errors[i].code == j->res.stopped) {
			process_verdict_first(j, i);
			return;
		}
}

int process_ingest(struct process_job *j, struct err *e)
{
	static const struct filecheck_hooks hooks = { NULL, on_record };
	struct exchange *x = j->x;
	char path[PATH_MAX];
	const unsigned char *data = NULL;
	size_t len = 0;
	int rc, findings = 0;

	if (spool_path(x->spool, SPOOL_INBOX, path, sizeof(path), e) != 0)
		return -1;
	stage_fmt(path + strlen(path), sizeof(path) - strlen(path), "/%s", j->f.name);
	if (strcmp(j->en.ext, "zip") == 0) {
		if (read_package(j, path, &findings, e) != 0)
			return -1;
		data = (const unsigned char *)j->pkg.payload;
		len = j->pkg.payload_size;
	}
	if (!findings) {
		if (writer_start(j, e) != 0)
			return -1;
		rc = filecheck_run_hooks(x->schemas, x->cfg, path, data, len, j->f.name, x->now,
					 &hooks, j, &j->fc, &j->res, e);
		if (process_writer_stop(j, rc == 0, e) != 0 || rc != 0)
			return -1;
	}
	take_findings(j);
	return 0;
}
