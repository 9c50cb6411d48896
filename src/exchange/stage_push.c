/*
 * stage_push - deliver every outbox file not delivered yet, with its .p7s,
 * in the order made; record the delivery, then move both to sent/.  A
 * failure on one file is that file's: the others still go, and the run
 * ends transient so that the file is tried again next time.
 */
#include <stdlib.h>

#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "util/fault.h"

/* -1 with *refused 1 when the server refused the file, 0 for any other failure. */
static int push_one(struct exchange *x, const struct journal_outfile *o, int *refused,
		    struct err *e)
{
	char remote[PATH_MAX], rel[SPOOL_PATH_MAX], path[PATH_MAX], sig_path[PATH_MAX];
	char sig_name[SPOOL_NAME_MAX + 8];

	if (stage_fmt(sig_name, sizeof(sig_name), "%s.p7s", o->name) != 0 ||
	    stage_fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, o->destination, o->name) != 0)
		return err_set(e, ERR_INTERNAL, "outbox name too long '%s'", o->name);
	if (spool_outbox_remote(o->destination, remote, sizeof(remote), e) != 0 ||
	    spool_path(x->spool, rel, path, sizeof(path), e) != 0)
		return -1;
	if (stage_fmt(sig_path, sizeof(sig_path), "%s.p7s", path) != 0)
		return err_set(e, ERR_INTERNAL, "outbox path too long '%s'", path);
	if (x->transport->ops->push(x->transport, path, remote, o->name, e) != 0 ||
	    x->transport->ops->push(x->transport, sig_path, remote, sig_name, e) != 0) {
		*refused = e->code != ERR_TRANSIENT;
		return -1;
	}
	fault_point("after-push");
	if (journal_outfile_pushed(x->ledger, o->id, x->now, e) != 0 ||
	    stage_keep_sent(x, o->destination, o->name, e) != 0)
		return -1;
	x->sum.pushed++;
	stage_say(x, EXCHANGE_INFO, "%s: delivered to %s", o->name, remote);
	return 0;
}

int exchange_push(struct exchange *x, struct err *e)
{
	struct journal_outfile *out = NULL;
	size_t n = 0;
	int rc = -1, failures = 0;

	if (stage_transport(x, e) != 0 || journal_outfiles_unpushed(x->ledger, &out, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int refused = 0;

		if (push_one(x, &out[i], &refused, e) == 0)
			continue;
		/* the server is away, or the spool or the ledger failed: stop here */
		if (!refused)
			goto out;
		stage_say_err(x, e);
		failures++;
	}
	if (failures) {
		err_set(e, ERR_TRANSIENT, "%d files could not be delivered; they stay in the outbox",
			failures);
		goto out;
	}
	rc = 0;
out:
	free(out);
	return rc;
}
