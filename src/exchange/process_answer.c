/*
 * process_answer - what an input gets back: its status, its signed
 * acknowledgement in the outbox and its journal row.  Both are made inside
 * the file's transaction: an acknowledgement that no committed row speaks
 * for is removed on the next start (stage_recover.c).
 */
#include <string.h>

#include "exchange/process.h"
#include "formats/ack.h"

const char *process_file_status(const struct process_job *j)
{
	if (j->n_errors > 0)
		return "REJECTED";
	if (j->rejected == 0)
		return "ACCEPTED";
	if (j->accepted == 0 && j->duplicate == 0)
		return "REJECTED";
	return "PARTIALLY_ACCEPTED";
}

static void describe(const struct process_job *j, const char *ack_id, struct ack_info *info)
{
	memset(info, 0, sizeof(*info));
	info->ack_id = ack_id;
	info->created_at = j->x->now;
	info->original_name = j->f.name;
	info->original_size = j->f.size;
	info->original_sha256 = j->f.sha256;
	info->original_batch_id = j->fc.batch_id[0] ? j->fc.batch_id : NULL;
	info->sender = j->en.code[0] ? j->en.code : NULL;
	info->signer = j->verify.signer.subject[0] ? &j->verify.signer : NULL;
	info->officer_name = j->officer_name[0] ? j->officer_name : NULL;
	info->officer_role = j->officer_role[0] ? j->officer_role : NULL;
	info->file_status = j->f.status;
	info->received = j->received;
	info->accepted = j->accepted;
	info->rejected = j->rejected;
	info->duplicate = j->duplicate;
	info->duplicate_of = j->duplicate_of[0] ? j->duplicate_of : NULL;
	info->file_errors = j->errors;
	info->n_file_errors = j->n_errors;
}

/* Write the acknowledgement into outbox/dest/ack_name and sign it. */
static int write_ack(struct process_job *j, const char *dest, const char *ack_name, char sha[65],
		     int64_t *size, struct err *e)
{
	struct exchange *x = j->x;
	char tmp[SPOOL_NAME_MAX], dir[SPOOL_PATH_MAX], path[PATH_MAX], ack_id[SPOOL_NAME_MAX];
	struct ack_info info;
	FILE *results = NULL;
	int fd, rc = -1;

	/* the .xml extension is part of the acknowledgement's name, not of AckId */
	stage_fmt(ack_id, sizeof(ack_id), "%.*s", (int)strlen(ack_name) - 4, ack_name);
	describe(j, ack_id, &info);
	if (j->results && j->n_errors == 0) {
		char rel[SPOOL_PATH_MAX];

		stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_TMP, j->results_tmp);
		if (fflush(j->results) != 0 || spool_path(x->spool, rel, path, sizeof(path), e) != 0 ||
		    (results = fopen(path, "r")) == NULL)
			return err_sys(e, ERR_IO, "cannot read back the results of '%s'", j->f.name);
		info.results = results;
	}
	stage_fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dest);
	fd = spool_tmp_create(x->spool, tmp, e);
	if (fd < 0)
		goto out;
	if (ack_write_fd(fd, &info, e) != 0) {
		spool_tmp_abandon(x->spool, fd, tmp);
		goto out;
	}
	if (spool_tmp_commit(x->spool, fd, tmp, dir, ack_name, e) != 0 ||
	    stage_sign_outfile(x, dir, ack_name, sha, size, e) != 0)
		goto out;
	x->sum.acks++;
	rc = 0;
out:
	if (results)
		fclose(results);
	return rc;
}

int process_answer(struct process_job *j, const char *dest, const char *ack_name,
		   struct err *e)
{
	struct journal_outcome o;
	char ack_sha[65];
	int64_t ack_size = 0;

	stage_fmt(j->f.status, sizeof(j->f.status), "%s", process_file_status(j));
	if (j->n_errors)
		stage_fmt(j->f.error_code, sizeof(j->f.error_code), "%s",
			  err_code_name(j->errors[0].code));
	stage_fmt(j->f.ack_name, sizeof(j->f.ack_name), "%s", ack_name);
	if (write_ack(j, dest, ack_name, ack_sha, &ack_size, e) != 0)
		return -1;
	memset(&o, 0, sizeof(o));
	o.batch_id = j->fc.batch_id;
	o.signer_subject = j->verify.signer.subject;
	o.signer_serial = j->verify.signer.serial;
	o.officer_id = j->actor.officer_id;
	o.officer_role = j->officer_role;
	o.signing_time = j->verify.signer.signing_time;
	o.received = j->received;
	o.accepted = j->accepted;
	o.rejected = j->rejected;
	o.duplicate = j->duplicate;
	o.ack_name = ack_name;
	o.ack_destination = dest;
	o.ack_sha256 = ack_sha;
	o.ack_size = ack_size;
	return journal_file_outcome(j->x->ledger, &j->f, &o, j->x->now, e);
}
