/*
 * stage_archive - the last stage of a run: the signed report archive of
 * the run's WIB day (src/report), its path kept for the summary.
 */
#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "report/report.h"

int exchange_archive(struct exchange *x, struct err *e)
{
	if (report_archive_day(x->cfg, x->ledger, calendar_day_of(x->now), x->now, x->archive_path,
			       sizeof(x->archive_path), e) != 0)
		return -1;
	stage_say(x, EXCHANGE_INFO, "the day's signed report archive: %s", x->archive_path);
	return 0;
}

const char *exchange_archive_path(const struct exchange *x)
{
	return x->archive_path;
}
