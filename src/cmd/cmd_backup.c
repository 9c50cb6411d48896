/*
 * cmd_backup - `slktx backup FILE`: a consistent copy of the ledger (SQLite's
 * online backup, so a run holding the lock does not stand in the way), then
 * the copy checked as a restore would need it: SQLite's integrity check
 * (ledger_check_integrity) and the hash chain of every event
 * (history_verify).  Exit 0 with the count of events, 65 when the copy fails
 * its checks, 78 without a configuration, 70 when the disk refuses.  The
 * restore procedure is in the man page (EXAMPLES) and the README.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "ledger/history.h"

static const char backup_synopsis[] = "backup FILE";

int cmd_backup(int argc, char **argv, const struct cmd_globals *g)
{
	static const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct ledger *l = NULL, *copy = NULL;
	int64_t events = 0, bad_seq = 0;
	const char *file = NULL;
	struct config cfg;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc - 1, argv + 1, opts, &file, 1, backup_synopsis);
	if (rc != 0)
		return rc;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		return rc;
	if (ledger_backup(l, file, &e) < 0)
		goto fail;
	ledger_close(l);
	l = NULL;
	if (ledger_open(&copy, file, cfg.ledger.busy_timeout_ms, &e) < 0 ||
	    ledger_check_integrity(copy, LEDGER_CHECK_FULL, &e) < 0 ||
	    history_verify(copy, NULL, NULL, &events, &bad_seq, &e) < 0) {
		fprintf(stderr, "slktx: backup '%s' fails its check: %s\n", file, e.msg);
		rc = EX_DATAERR;
		goto out;
	}
	printf("%s: ledger copied and checked: integrity ok, chain intact, %" PRId64 " event%s\n",
	       file, events, events == 1 ? "" : "s");
	rc = EX_OK;
	goto out;
fail:
	cmd_print_err(&e);
	rc = cmd_exit_status(&e);
out:
	ledger_close(copy);
	ledger_close(l);
	return rc;
}
