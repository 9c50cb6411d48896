/*
 * stage_archive - the last stage of a run: the signed report archive of
 * each WIB day that has ended and has none yet (src/report), oldest first
 * and at most REPORT_ARCHIVE_CATCH_UP of them a run; never the current day,
 * which the views' clock (SLKTX_NOW in the tests) says.  The last path made
 * is kept for the summary.  A spool file an archive lacks is a warning: the
 * archive is made without it, and the run goes on.
 */

#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "report/report.h"

static void warn(void *ctx, const char *msg)
{
	stage_say(ctx, EXCHANGE_WARNING, "warning: archive: %s", msg);
}

int exchange_archive(struct exchange *x, struct err *e)
{
	int32_t days[REPORT_ARCHIVE_CATCH_UP];
	size_t n;
	long more;

	if (report_archive_due(x->ledger, calendar_day_of(x->view_now), days,
			       REPORT_ARCHIVE_CATCH_UP, &n, &more, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (report_archive_day(x->cfg, x->ledger, days[i], x->view_now, warn, x,
				       x->archive_path, sizeof(x->archive_path), e) != 0)
			return -1;
		stage_say(x, EXCHANGE_INFO, "the day's signed report archive: %s", x->archive_path);
	}
	if (more > 0)
		stage_say(x, EXCHANGE_WARNING, "archive: %ld more ended days wait for their "
			  "archive: the next runs make them, %d a run", more,
			  REPORT_ARCHIVE_CATCH_UP);
	return 0;
}

const char *exchange_archive_path(const struct exchange *x)
{
	return x->archive_path;
}
