/*
 * stage_process - judge every fetched file, one at a time in name order:
 * the gate (process_gate.c), the records (process_ingest.c) and the answer
 * (process_answer.c) in one ledger transaction, committed with the
 * acknowledgement already in the outbox; then the input is archived.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exchange/exchange.h"
#include "exchange/process.h"
#include "util/fault.h"

static void job_free(struct process_job *j)
{
	process_writer_stop(j, 0, NULL);
	if (j->results)
		fclose(j->results);
	if (j->results_tmp[0])
		spool_tmp_abandon(j->x->spool, -1, j->results_tmp);
	free(j->att_verdicts);
	package_free(&j->pkg);
	filecheck_free(&j->fc);
	xmlstream_result_free(&j->res);
	registry_officers_free(&j->officers);
}

/*
 * Every answer has a name of its own (SPEC §3): the first to a base name is
 * ACK_<base>.xml, the n-th ACK_<base>_<n>.xml, so that no answer waits for
 * the sender to collect an earlier one.  The count is of committed outfile
 * rows, so a rerun after a crash picks the same name.
 */
static int ack_name_of(struct exchange *x, const char *dest, const char *file_name,
		       char ack_name[SPOOL_NAME_MAX], struct err *e)
{
	char ack_base[SPOOL_NAME_MAX];
	long earlier;

	stage_fmt(ack_base, sizeof(ack_base), "ACK_%.*s", (int)strlen(file_name) - 4, file_name);
	if (journal_answers(x->ledger, dest, ack_base, &earlier, e) != 0)
		return -1;
	if ((earlier == 0 ? stage_fmt(ack_name, SPOOL_NAME_MAX, "%s.xml", ack_base)
			  : stage_fmt(ack_name, SPOOL_NAME_MAX, "%s_%ld.xml", ack_base,
				      earlier + 1)) != 0)
		return err_set(e, ERR_INTERNAL, "acknowledgement name too long for '%s'",
			       file_name);
	return 0;
}

/* Set the job up: its archive slot, its actor, its results file. */
static int job_start(struct process_job *j, const char *ack_name, struct err *e)
{
	struct exchange *x = j->x;
	char archive[SPOOL_PATH_MAX], sig[SPOOL_NAME_MAX + 8], ack_sig[SPOOL_NAME_MAX + 8];
	const char *kept[4] = { j->f.name, sig, ack_name, ack_sig };
	int fd;

	spool_dated_dir(archive, SPOOL_ARCHIVE, x->now);
	stage_fmt(sig, sizeof(sig), "%s.p7s", j->f.name);
	stage_fmt(ack_sig, sizeof(ack_sig), "%s.p7s", ack_name);
	if (stage_free_slot(x, archive, kept, 4, j->f.archive_dir, e) != 0)
		return -1;
	j->actor.intake = j->en.kind == NAME_CB;
	j->actor.pujk_code = j->en.code;
	j->actor.role = j->officer_role;
	fd = spool_tmp_create(x->spool, j->results_tmp, e);
	if (fd < 0)
		return -1;
	j->results = fdopen(fd, "w");
	if (j->results == NULL) {
		close(fd);
		return err_sys(e, ERR_IO, "cannot write the results of '%s'", j->f.name);
	}
	return 0;
}

/*
 * Inside the transaction: the records of a file that passed the gate and
 * its signature.  A file-level error rejects the whole file: its records
 * are rolled back and the transaction begun again for the answer alone.
 */
static int judge(struct process_job *j, int *in_tx, struct err *e)
{
	struct exchange *x = j->x;

	if (j->n_errors == 0 && process_ingest(j, e) != 0)
		return -1;
	if (j->n_errors == 0)
		return 0;
	ledger_rollback(x->ledger);
	*in_tx = 0;
	if (history_reload(x->history, e) != 0 || ledger_begin(x->ledger, e) != 0)
		return -1;
	*in_tx = 1;
	j->rejected = j->received;
	j->accepted = j->duplicate = 0;
	return 0;
}

static void count_and_tell(struct process_job *j)
{
	struct exchange *x = j->x;

	x->sum.processed++;
	x->sum.records_accepted += j->accepted;
	x->sum.records_rejected += j->rejected;
	x->sum.records_duplicate += j->duplicate;
	if (strcmp(j->f.status, "ACCEPTED") == 0)
		x->sum.files_accepted++;
	else if (strcmp(j->f.status, "REJECTED") == 0)
		x->sum.files_rejected++;
	else
		x->sum.files_partial++;
	if (j->n_errors)
		stage_say(x, EXCHANGE_INFO, "%s: REJECTED %s: %s", j->f.name,
			  err_code_name(j->errors[0].code), j->errors[0].msg);
	else
		stage_say(x, EXCHANGE_INFO, "%s: %s, %ld records: %ld accepted, %ld rejected, "
			  "%ld duplicate", j->f.name, j->f.status, j->received, j->accepted,
			  j->rejected, j->duplicate);
}

static int process_one(struct exchange *x, const struct journal_file *row, struct err *e)
{
	struct process_job *j = calloc(1, sizeof(*j));
	char dest[SPOOL_NAME_MAX], ack_name[SPOOL_NAME_MAX];
	int in_tx = 0, rc = -1;

	if (j == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	j->x = x;
	j->f = *row;
	names_parse(j->f.name, &j->en);
	if (stage_ack_destination(x, &j->f, dest, e) != 0 ||
	    ack_name_of(x, dest, j->f.name, ack_name, e) != 0)
		goto out;
	/* the signature is checked outside the transaction: hashing a big
	 * file must not hold the ledger's write lock */
	if (job_start(j, ack_name, e) != 0 || process_precheck(j, e) != 0 ||
	    (j->n_errors == 0 && process_verify(j, e) != 0) ||
	    ledger_begin(x->ledger, e) != 0)
		goto out;
	in_tx = 1;
	if (judge(j, &in_tx, e) != 0 || process_answer(j, dest, ack_name, e) != 0)
		goto out;
	fault_point("after-ack");
	if (ledger_commit(x->ledger, e) != 0)
		goto out;
	in_tx = 0;
	fault_point("after-commit");
	count_and_tell(j);
	if (stage_keep_input(x, &j->f, e) != 0)
		goto out;
	fault_point("after-archive");
	rc = 0;
out:
	if (in_tx) {
		ledger_rollback(x->ledger);
		history_reload(x->history, NULL);
	}
	if (rc != 0 && e->code == ERR_TRANSIENT) {
		x->sum.waiting++;
		stage_say(x, EXCHANGE_WARNING, "%s: left for the next run: %s", row->name, e->msg);
	}
	job_free(j);
	free(j);
	return rc;
}

int exchange_process(struct exchange *x, struct err *e)
{
	struct journal_file *rows = NULL;
	size_t n = 0;
	int rc = -1, transient = 0;

	if (journal_files_fetched(x->ledger, &rows, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (process_one(x, &rows[i], e) == 0)
			continue;
		if (e->code != ERR_TRANSIENT)
			goto out;
		transient = 1;
	}
	stage_warn_calendar(x);
	if (transient) {
		rc = err_set(e, ERR_TRANSIENT, "%ld files wait for the next run", x->sum.waiting);
		goto out;
	}
	rc = 0;
out:
	free(rows);
	return rc;
}
