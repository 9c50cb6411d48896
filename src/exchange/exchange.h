/*
 * exchange - the nightly run's stages (SPEC §1, §7, §8): fetch, process,
 * dispatch, statement, push, each safe to kill at any point and run again.
 *
 * The rules that make a crash harmless:
 * - a fetched pair is recorded in the ledger before the server's copy is
 *   removed, and a pair the ledger already holds is only removed again;
 * - a file is applied in one transaction together with its row, its
 *   acknowledgement's outfile row and the acknowledgement itself, written
 *   into the outbox before the commit; on start, outbox files no committed
 *   row speaks for are leftovers of a rolled-back attempt and go;
 * - a dispatch moves its PUJK's cursor in the transaction that records it;
 * - a statement is recorded (PUJK, day) in the transaction of its outfile row;
 * - a push is repeated until recorded, and the server takes the same bytes
 *   under the same name as already delivered.
 *
 * Progress and per-file lines go to the caller's log function; the module
 * itself never prints.  Errors: ERR_TRANSIENT (lock held, server away, CRL
 * stale: the work waits for the next run), ERR_CONFIG, ERR_IO, ERR_INTERNAL.
 */
#ifndef SLKTX_EXCHANGE_H
#define SLKTX_EXCHANGE_H

#include <stdint.h>

#include "exchange/summary.h"
#include "util/config.h"
#include "util/err.h"

struct exchange;

/*
 * Lock the spool, open the ledger and what the stages share, then recover
 * what an interrupted run left.  now (UTC seconds) is the run's one instant:
 * every stage dates what it does with it.
 */
int exchange_open(struct exchange **out, const struct config *cfg, int64_t now,
		  exchange_log_fn *log, void *log_ctx, struct err *e);
void exchange_close(struct exchange *x);
/* Be told of a long file's progress (see exchange_progress_fn). */
void exchange_on_progress(struct exchange *x, exchange_progress_fn *fn);

int exchange_fetch(struct exchange *x, struct err *e);
int exchange_process(struct exchange *x, struct err *e);
int exchange_dispatch(struct exchange *x, struct err *e);
/* The daily statements of the days that ended before the views' clock. */
int exchange_statement(struct exchange *x, struct err *e);
/* The views' clock, which says which days have ended (statements, the daily
 * archive): the command layer's now (SLKTX_NOW in the tests), the run's
 * instant unless set. */
void exchange_set_view_now(struct exchange *x, int64_t now);
int exchange_push(struct exchange *x, struct err *e);
/* The last stage of a run: the signed report archive of every ended WIB day
 * that has none yet (report_archive_due); the last path made in
 * exchange_archive_path. */
int exchange_archive(struct exchange *x, struct err *e);
const char *exchange_archive_path(const struct exchange *x);

enum exchange_stage {
	EXCHANGE_FETCH = 1,
	EXCHANGE_PROCESS = 2,
	EXCHANGE_DISPATCH = 4,
	EXCHANGE_PUSH = 8,
	EXCHANGE_ARCHIVE = 16,
	EXCHANGE_STATEMENT = 32,
};
#define EXCHANGE_ALL 63u

/* Told the outcome of each stage run (rc 0, or -1 with e); returns 0 to go
 * on with the next stage, -1 to stop the run there. */
typedef int exchange_stage_fn(void *ctx, enum exchange_stage stage, int rc, const struct err *e);

/* Run the stages in the set, in the fixed order fetch, process, dispatch,
 * statement, push, archive; -1 when done stopped it. */
int exchange_run(struct exchange *x, unsigned stages, exchange_stage_fn *done, void *ctx);

const struct exchange_summary *exchange_summary(const struct exchange *x);

#endif
