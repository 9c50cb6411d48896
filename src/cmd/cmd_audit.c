/*
 * cmd_audit - `slktx audit verify`: walk the hash-chained history (SPEC §4)
 * and say whether the ledger was altered after the events were recorded.
 */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/history.h"
#include "ledger/tickets.h"

#define VERIFY_SYNOPSIS "audit verify"

static int audit_verify(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct history *h = NULL;
	struct ledger *l = NULL;
	int64_t events = 0, bad_seq = 0;
	struct config cfg;
	const char *head;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc, argv, opts, NULL, 0, VERIFY_SYNOPSIS);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (ledger_check_integrity(l, LEDGER_CHECK_QUICK, &e) < 0 ||
	    history_verify(l, &events, &bad_seq, &e) < 0 || tickets_check_references(l, &e) < 0) {
		/* the chain's own words ("event 17 (ticket ..., FollowUp) does not match ...") */
		if (e.code == ERR_INVALID_STATE) {
			fprintf(stderr, "slktx: %s\n", e.msg);
			rc = EX_DATAERR;
		} else {
			cmd_print_err(&e);
			rc = cmd_exit_status(&e);
		}
		goto out;
	}
	if (history_open(&h, l, &e) < 0) {
		cmd_print_err(&e);
		rc = cmd_exit_status(&e);
		goto out;
	}
	head = history_head(h, NULL);
	printf("chain intact: %" PRId64 " event%s, head %s\n", events, events == 1 ? "" : "s",
	       head[0] ? head : "none");
	rc = EX_OK;
out:
	history_close(h);
	ledger_close(l);
	return rc;
}

int cmd_audit(int argc, char **argv, const struct cmd_globals *g)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(argc - 2, argv + 2, g);
	fprintf(stderr, "usage: slktx %s\n", VERIFY_SYNOPSIS);
	return EX_USAGE;
}
