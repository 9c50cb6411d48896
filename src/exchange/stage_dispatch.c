/*
 * stage_dispatch - for each PUJK, the events after its cursor up to the
 * chain head as one signed dispatch (DSP_<CODE>_<YYYYMMDD>_<SEQ6>, a .zip
 * when attachments travel with it), committed in the transaction that moves
 * the cursor: a crash makes it again, never twice.  Then the same for the
 * intake (DSP_<SENDER>_..., to its inbound folder): every PUJK record since
 * its cursor, the dispatch_cursor row keyed by its sender code, which no
 * PUJK code may equal.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "formats/dispatch.h"
#include "formats/package.h"
#include "ledger/registry.h"
#include "util/fault.h"

/* DSP_<CODE>_<YYYYMMDD>_<SEQ6>: the next number of the WIB day. */
static int dispatch_name(struct exchange *x, const char *code, char *name, size_t size,
			 struct err *e)
{
	char day[11], prefix[64];
	long count;

	calendar_format_day(calendar_day_of(x->now), day);
	stage_fmt(prefix, sizeof(prefix), "DSP_%s_%.4s%.2s%.2s_", code, day, day + 5, day + 8);
	if (journal_dispatch_count(x->ledger, prefix, &count, e) != 0)
		return -1;
	return stage_fmt(name, size, "%s%06ld", prefix, count + 1) == 0
		       ? 0 : err_set(e, ERR_INTERNAL, "dispatch name too long for '%s'", code);
}

/* Attachments travel in a package beside the payload written in tmp/tmp. */
static int commit_package(struct exchange *x, const struct dispatch_plan *p, const char *tmp,
			  const char *dir, const char *name, struct err *e)
{
	struct package_attachment *atts = calloc(p->n_attachments, sizeof(*atts));
	char payload[PATH_MAX], store[PATH_MAX], zip_tmp[SPOOL_NAME_MAX];
	int fd = -1, rc = -1;

	if (atts == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->n_attachments; i++) {
		atts[i].name = p->attachments[i].name;
		atts[i].sha256 = p->attachments[i].sha256;
	}
	stage_fmt(payload, sizeof(payload), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, tmp);
	if (spool_path(x->spool, SPOOL_ATTACHMENTS, store, sizeof(store), e) != 0)
		goto out;
	fd = spool_tmp_create(x->spool, zip_tmp, e);
	if (fd < 0)
		goto out;
	if (package_write_fd(fd, name, payload, store, atts, p->n_attachments, e) != 0) {
		spool_tmp_abandon(x->spool, fd, zip_tmp);
		goto out;
	}
	rc = spool_tmp_commit(x->spool, fd, zip_tmp, dir, name, e);
out:
	free(atts);
	return rc;
}

/* Write the dispatch document and commit it (as .xml, or in a .zip) into dir. */
static int write_dispatch(struct exchange *x, struct dispatch_plan *p, const char *base,
			  const char *dir, char *name, size_t size, struct err *e)
{
	char tmp[SPOOL_NAME_MAX];
	int fd, rc;

	fd = spool_tmp_create(x->spool, tmp, e);
	if (fd < 0)
		return -1;
	if (dispatch_write_fd(x->ledger, x->cal, p, base, x->now, fd, e) != 0) {
		spool_tmp_abandon(x->spool, fd, tmp);
		return -1;
	}
	fault_point("mid-dispatch");
	stage_fmt(name, size, "%s.%s", base, p->n_attachments ? "zip" : "xml");
	if (p->n_attachments == 0)
		return spool_tmp_commit(x->spool, fd, tmp, dir, name, e);
	close(fd);
	rc = commit_package(x, p, tmp, dir, name, e);
	spool_tmp_abandon(x->spool, -1, tmp);
	return rc;
}

/* One recipient's dispatch: a PUJK's, or with intake set the intake's. */
static int dispatch_one(struct exchange *x, const char *code, int intake, const char *remote,
			int64_t head, struct err *e)
{
	struct dispatch_plan p;
	char base[64], name[SPOOL_NAME_MAX], dest[SPOOL_NAME_MAX], dir[SPOOL_PATH_MAX];
	char sha[65];
	int64_t cursor, size;
	int in_tx = 0, rc = -1;

	memset(&p, 0, sizeof(p));
	if (journal_dispatch_cursor(x->ledger, code, &cursor, e) != 0)
		return -1;
	p.pujk_code = code;
	p.intake = intake;
	p.after_seq = cursor;
	p.upto_seq = head;
	p.today_utc = x->now;
	if (cursor >= head || dispatch_count(x->ledger, &p, e) != 0 || p.items == 0) {
		rc = cursor >= head || p.items == 0 ? 0 : -1;
		goto out;
	}
	if (dispatch_name(x, code, base, sizeof(base), e) != 0 ||
	    spool_outbox_dest(remote, dest, e) != 0 || ledger_begin(x->ledger, e) != 0)
		goto out;
	in_tx = 1;
	stage_fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dest);
	if (write_dispatch(x, &p, base, dir, name, sizeof(name), e) != 0 ||
	    stage_sign_outfile(x, dir, name, sha, &size, e) != 0 ||
	    journal_dispatch_made(x->ledger, base, code, cursor + 1, head, p.items, name, dest,
				  sha, size, x->now, e) != 0 ||
	    ledger_commit(x->ledger, e) != 0)
		goto out;
	in_tx = 0;
	fault_point("after-dispatch");
	x->sum.dispatches++;
	x->sum.dispatch_items += p.items;
	stage_say(x, EXCHANGE_INFO, "%s: %ld items for %s", name, p.items, code);
	rc = 0;
out:
	if (in_tx)
		ledger_rollback(x->ledger);
	dispatch_plan_free(&p);
	return rc;
}

int exchange_dispatch(struct exchange *x, struct err *e)
{
	struct registry_pujk *pujk = NULL;
	const char *intake = x->cfg->intake.sender;
	char remote[PATH_MAX];
	size_t n = 0;
	int64_t head;
	int rc = -1;

	if (history_reload(x->history, e) != 0)
		return -1;
	history_head(x->history, &head);
	if (registry_pujk_all(x->ledger, &pujk, &n, e) != 0)
		return -1;
	/* registered before `pujk add` refused it, or the sender changed since */
	for (size_t i = 0; i < n; i++)
		if (strcmp(pujk[i].code, intake) == 0) {
			err_set(e, ERR_CONFIG, "PUJK '%s' has the intake's sender code ([intake] "
				"sender): the two would share one dispatch cursor", intake);
			goto out;
		}
	for (size_t i = 0; i < n; i++) {
		stage_pujk_dir(x->cfg, pujk[i].code, "download", remote, sizeof(remote));
		if (dispatch_one(x, pujk[i].code, 0, remote, head, e) != 0)
			goto out;
	}
	if (dispatch_one(x, intake, 1, x->cfg->transport.intake_inbound, head, e) != 0)
		goto out;
	stage_warn_calendar(x);
	rc = 0;
out:
	free(pujk);
	return rc;
}
