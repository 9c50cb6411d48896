/*
 * cmd_report - `slktx report`, `slktx archive` and `slktx verify-archive`
 * (SPEC §9, §10): the report files of a period, the signed daily archive,
 * and its check for auditors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "domain/calendar.h"
#include "cmd/cmd.h"
#include "report/report.h"
#include "spool/spool.h"
#include "ledger/tickets.h"

static const char report_synopsis[] =
	"report --from YYYY-MM-DD --to YYYY-MM-DD [--pujk CODE] [--backlog] --out DIR";
static const char archive_synopsis[] = "archive [--date YYYY-MM-DD]";
static const char verify_synopsis[] = "verify-archive FILE [--cafile CA]";

static void warn_missing_year(int year)
{
	if (year != 0)
		fprintf(stderr, "slktx: warning: the calendar has no decreed holidays for %d: "
			"working days in it are estimated (see docs/DESIGN.md \"Holiday files\")\n",
			year);
}

static int parse_day(const char *opt, const char *s, int32_t *day)
{
	if (calendar_parse_day(s, day) < 0) {
		fprintf(stderr, "slktx: %s wants a date YYYY-MM-DD, not '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

/* Take --backlog (the one flag without a value) out of argv; 1 when it was there. */
static int take_backlog(int *argc, char **argv)
{
	int found = 0, out = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--backlog") == 0)
			found = 1;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	return found;
}

int cmd_report(int argc, char **argv, const struct cmd_globals *g)
{
	const char *from = NULL, *to = NULL, *pujk = NULL, *out = NULL;
	const struct cmd_opt opts[] = {
		{ "--from", &from, 1 }, { "--to", &to, 1 }, { "--pujk", &pujk, 0 },
		{ "--out", &out, 1 }, { NULL, NULL, 0 },
	};
	struct report_request req = { 0 };
	struct report_files files;
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;
	int rc;

	memset(&files, 0, sizeof(files));
	err_clear(&e);
	/* the daily archive's view: also every ticket open at AsOf */
	req.open_at_as_of = take_backlog(&argc, argv);
	rc = cmd_parse(argc - 1, argv + 1, opts, NULL, 0, report_synopsis);
	if (rc != 0)
		goto done;
	if (parse_day("--from", from, &req.from_day) < 0 || parse_day("--to", to, &req.to_day) < 0) {
		rc = EX_USAGE;
		goto done;
	}
	req.pujk = pujk;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto done;
	if (cmd_now(&req.now, &e) < 0) {
		cmd_print_err(&e);
		rc = cmd_exit_status(&e);
		goto done;
	}
	if (report_make(&cfg, l, &req, &files, &e) < 0 || report_files_write(&files, out, &e) < 0) {
		cmd_print_err(&e);
		rc = cmd_exit_status(&e);
		goto done;
	}
	warn_missing_year(files.missing_year);
	for (int i = 0; i < REPORT_FILE_COUNT; i++)
		printf("%s/%s\n", out, files.name[i]);
	rc = EX_OK;
done:
	report_files_free(&files);
	ledger_close(l);
	return rc;
}

static void warn_archive(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "slktx: warning: archive: %s\n", msg);
}

/*
 * `slktx archive --date D`: D's archive, made again when it exists (D must
 * have ended); `slktx archive`: every ended day without one, as the run's
 * last stage does.  Each path made is printed.
 */
int cmd_archive(int argc, char **argv, const struct cmd_globals *g)
{
	const char *date = NULL;
	const struct cmd_opt opts[] = { { "--date", &date, 0 }, { NULL, NULL, 0 } };
	struct spool *s = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;
	char path[4096];
	int32_t days[REPORT_ARCHIVE_CATCH_UP];
	size_t n = 0;
	long more = 0;
	int64_t now;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc - 1, argv + 1, opts, NULL, 0, archive_synopsis);
	if (rc != 0)
		return rc;
	if (cmd_now(&now, &e) < 0) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	if (date != NULL) {
		if (parse_day("--date", date, &days[0]) < 0)
			return EX_USAGE;
		if (days[0] >= calendar_day_of(now)) {
			fprintf(stderr, "slktx: archive: the day '%s' has not ended yet (WIB): "
					"a day is archived once it is over\n", date);
			return EX_USAGE;
		}
		n = 1;
	}
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		return rc;
	/* the run's lock: an archive made beside a running run could miss its files */
	if (spool_open(&s, cfg.spool.dir, &e) < 0 || spool_lock(s, &e) < 0 ||
	    (date == NULL && report_archive_due(l, calendar_day_of(now), days,
						REPORT_ARCHIVE_CATCH_UP, &n, &more, &e) < 0))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (report_archive_day(&cfg, l, days[i], now, warn_archive, NULL, path,
				       sizeof(path), &e) < 0)
			goto fail;
		printf("%s\n", path);
	}
	if (more > 0)
		fprintf(stderr, "slktx: archive: %ld more ended days wait for their archive: "
				"run slktx archive again\n", more);
	rc = EX_OK;
	goto out;
fail:
	cmd_print_err(&e);
	rc = cmd_exit_status(&e);
out:
	spool_close(s);
	ledger_close(l);
	return rc;
}

static void print_problem(void *ctx, const struct err *e)
{
	(void)ctx;
	cmd_print_err(e);
}

int cmd_verify_archive(int argc, char **argv, const struct cmd_globals *g)
{
	const char *cafile = NULL, *file = NULL;
	const struct cmd_opt opts[] = { { "--cafile", &cafile, 0 }, { NULL, NULL, 0 } };
	struct config_list anchors = { 0 }, crls = { 0 };
	struct sig_trust *t = NULL;
	struct sig_signer signer, hub_info;
	struct sig_cert hub = { NULL, 0 };
	unsigned char *hub_der = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	struct stat st;
	struct err e;
	time_t now = time(NULL);
	int rc;

	err_clear(&e);
	memset(&signer, 0, sizeof(signer));
	rc = cmd_parse(argc - 1, argv + 1, opts, &file, 1, verify_synopsis);
	if (rc != 0)
		return rc;
	if (cafile) {
		/* an auditor's check: the CA alone, no configuration, no ledger */
		anchors.n = 1;
		snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", cafile);
	} else {
		if (cmd_config_path(g) == NULL) {
			fprintf(stderr, "slktx: verify-archive: no configuration found: "
					"pass --cafile CA\n");
			return EX_CONFIG;
		}
		rc = cmd_load_config(g, &cfg, 1);
		if (rc != 0)
			return rc;
		anchors = cfg.hub.trust_anchors;
		crls = cfg.hub.crls;
		if (sig_cert_load(NULL, cfg.hub.cert, now, &hub_der, &hub.len, &hub_info, &e) < 0)
			goto fail;
		hub.der = hub_der;
		/* the chain head is checked when the configured ledger exists */
		if (stat(cfg.ledger.path, &st) == 0 &&
		    ledger_open(&l, cfg.ledger.path, cfg.ledger.busy_timeout_ms, &e) < 0)
			goto fail;
	}
	if (sig_trust_load(&t, &anchors, &crls, now, &e) < 0)
		goto fail;
	if (report_verify_archive(file, t, hub.der ? &hub : NULL, hub.der ? 1 : 0, l,
				  (int64_t)now, &signer, print_problem, NULL, &e) < 0) {
		rc = cmd_exit_status(&e) == EX_SOFTWARE ? EX_SOFTWARE : EX_DATAERR;
		goto out;
	}
	printf("%s: OK\nsigner: %s\n", file, cmd_shown(signer.subject));
	if (l == NULL)
		printf("chain head: not checked (no ledger)\n");
	else
		printf("chain head: matches the ledger\n");
	rc = EX_OK;
	goto out;
fail:
	cmd_print_err(&e);
	rc = cmd_exit_status(&e);
out:
	sig_trust_free(t);
	free(hub_der);
	ledger_close(l);
	return rc;
}
