/*
 * stage_statement - for each active PUJK, one signed daily statement
 * (STM_<CODE>_<YYYYMMDD>_000001.xml, YYYYMMDD the WIB day described) for each
 * day that has ended and has none yet, oldest first, committed with its
 * statement and outfile rows in one transaction: a crash makes it again,
 * never twice (the statement table's key is the PUJK and the day).
 *
 * The days: from the later of the PUJK's registration day and the day after
 * its last statement, up to yesterday (WIB) of the statement clock; a
 * catch-up reaches back STATEMENT_DAYS days at most, older days are skipped
 * with a warning (their tickets are in the later statements' lists and
 * counts).  A PUJK without its three officers gets none (SPEC §3, §5).
 */
#include <stdlib.h>
#include <string.h>

#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "formats/statement.h"
#include "ledger/registry.h"
#include "util/fault.h"

static int statement_one(struct exchange *x, const char *code, int32_t day, struct err *e)
{
	struct statement_request r = {
		.pujk_code = code,
		.day = day,
		.created_at = x->view_now,
		.pengaduan_days = x->cfg->sla.pengaduan_days,
		.indikasi_days = x->cfg->sla.indikasi_days,
		.extension_days = x->cfg->sla.extension_days,
	};
	char text[11], base[64], name[SPOOL_NAME_MAX], dest[SPOOL_NAME_MAX];
	char dir[SPOOL_PATH_MAX], remote[PATH_MAX], sha[65], tmp[SPOOL_NAME_MAX];
	int64_t size;
	long tickets = 0;
	int fd, in_tx = 0, rc = -1;

	calendar_format_day(day, text);
	if (stage_fmt(base, sizeof(base), "STM_%s_%.4s%.2s%.2s_000001", code, text, text + 5,
		      text + 8) != 0 ||
	    stage_fmt(name, sizeof(name), "%s.xml", base) != 0)
		return err_set(e, ERR_INTERNAL, "statement name too long for '%s'", code);
	r.statement_id = base;
	stage_pujk_dir(x->cfg, code, "download", remote, sizeof(remote));
	if (spool_outbox_dest(remote, dest, e) != 0 || ledger_begin(x->ledger, e) != 0)
		return -1;
	in_tx = 1;
	stage_fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dest);
	fd = spool_tmp_create(x->spool, tmp, e);
	if (fd < 0)
		goto out;
	if (statement_write_fd(x->ledger, x->cal, &r, fd, &tickets, e) != 0) {
		spool_tmp_abandon(x->spool, fd, tmp);
		goto out;
	}
	if (spool_tmp_commit(x->spool, fd, tmp, dir, name, e) != 0 ||
	    stage_sign_outfile(x, dir, name, sha, &size, e) != 0)
		goto out;
	/* signed in the outbox, not recorded: recovery removes it, the rerun makes it again */
	fault_point("mid-statement");
	if (journal_statement_made(x->ledger, code, day, base, tickets, name, dest, sha, size,
				   x->view_now, e) != 0 ||
	    ledger_commit(x->ledger, e) != 0)
		goto out;
	in_tx = 0;
	x->sum.statements++;
	stage_say(x, EXCHANGE_INFO, "%s: %ld ticket%s for %s as of the end of %s", name, tickets,
		  tickets == 1 ? "" : "s", code, text);
	rc = 0;
out:
	if (in_tx)
		ledger_rollback(x->ledger);
	return rc;
}

static int statement_pujk(struct exchange *x, const struct registry_pujk *p, struct err *e)
{
	int32_t last = calendar_day_of(x->view_now) - 1, first = calendar_day_of(p->created_at);
	int32_t made;
	int found;
	char from[11], to[11];

	if (journal_statement_last_day(x->ledger, p->code, &made, &found, e) != 0)
		return -1;
	if (found && made + 1 > first)
		first = made + 1;
	if (first <= last - STATEMENT_DAYS) {
		calendar_format_day(first, from);
		calendar_format_day(last - STATEMENT_DAYS, to);
		stage_say(x, EXCHANGE_WARNING,
			  "%s: no statement is made for %s to %s: a catch-up reaches back %d days",
			  p->code, from, to, STATEMENT_DAYS);
		first = last - STATEMENT_DAYS + 1;
	}
	for (int32_t day = first; day <= last; day++)
		if (statement_one(x, p->code, day, e) != 0)
			return -1;
	return 0;
}

int exchange_statement(struct exchange *x, struct err *e)
{
	struct registry_pujk *pujk = NULL;
	size_t n = 0;
	int rc = -1;

	if (registry_pujk_all(x->ledger, &pujk, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (pujk[i].active && statement_pujk(x, &pujk[i], e) != 0)
			goto out;
	stage_warn_calendar(x);
	rc = 0;
out:
	free(pujk);
	return rc;
}
