/*
 * cmd_run - `slktx run` and its stages `fetch`, `process`, `dispatch`,
 * `push`: what cron runs every night.  One line per file and a closing
 * summary on stderr (and syslog with --syslog); --json prints the summary
 * as JSON on stdout for monitoring.  Exit 0 done, 75 when work waits for the
 * next run, 78 configuration, 70 internal.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <syslog.h>

#include "cmd/cmd.h"
#include "util/config.h"
#include "exchange/exchange.h"
#include "util/textesc.h"

struct run_output {
	int syslog;
	int status;     /* the worst exit status of the stages so far */
};

static void log_line(void *ctx, enum exchange_log_level level, const char *line)
{
	struct run_output *o = ctx;
	char esc[16384]; /* a line holds at most a few messages of 1024 bytes */

	text_escape(esc, sizeof(esc), line, 0);
	fprintf(stderr, "slktx: %s\n", esc);
	if (o->syslog)
		syslog(level == EXCHANGE_ERROR	   ? LOG_ERR
		       : level == EXCHANGE_WARNING ? LOG_WARNING
						   : LOG_INFO,
		       "%s", esc);
}

static void summary_line(const char *stage, const struct exchange_summary *s, char *buf,
			 size_t size)
{
	snprintf(buf, size,
		 "%s: %ld files fetched, %ld processed (%ld accepted, %ld partially accepted, "
		 "%ld rejected); records: %ld accepted, %ld rejected, %ld duplicate; "
		 "%ld acknowledgements, %ld dispatches (%ld items), %ld files delivered; "
		 "%ld waiting for their signature, %ld names ignored, %ld left for the next run",
		 stage, s->fetched, s->processed, s->files_accepted, s->files_partial,
		 s->files_rejected, s->records_accepted, s->records_rejected,
		 s->records_duplicate, s->acks, s->dispatches, s->dispatch_items, s->pushed,
		 s->in_transit, s->ignored, s->waiting);
}

static void print_json(const char *stage, const struct exchange_summary *s, int status,
		       const char *archive)
{
	printf("{\"stage\":\"%s\",\"exit\":%d,\"fetched\":%ld,\"in_transit\":%ld,"
	       "\"ignored\":%ld,\"processed\":%ld,\"files_accepted\":%ld,"
	       "\"files_partially_accepted\":%ld,\"files_rejected\":%ld,"
	       "\"records_accepted\":%ld,\"records_rejected\":%ld,\"records_duplicate\":%ld,"
	       "\"acknowledgements\":%ld,\"dispatches\":%ld,\"dispatch_items\":%ld,"
	       "\"delivered\":%ld,\"quarantined\":%ld,\"waiting\":%ld,\"tmp_cleaned\":%ld",
	       stage, status, s->fetched, s->in_transit, s->ignored, s->processed,
	       s->files_accepted, s->files_partial, s->files_rejected, s->records_accepted,
	       s->records_rejected, s->records_duplicate, s->acks, s->dispatches,
	       s->dispatch_items, s->pushed, s->quarantined, s->waiting, s->tmp_cleaned);
	if (archive && *archive) {
		/* the path is ours (spool + YYYY/MM + fixed name): no escaping needed */
		printf(",\"archive\":\"%s\"", archive);
	}
	printf("}\n");
}

/* The worse of two exit statuses: internal > config > transient > ok. */
static int worse(int a, int b)
{
	static const int order[] = { EX_OK, EX_TEMPFAIL, EX_DATAERR, EX_CONFIG, EX_SOFTWARE };
	int ra = 0, rb = 0;

	for (int i = 0; i < 5; i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

static int stage_status(struct run_output *o, int rc, const struct err *e)
{
	char line[3072];

	if (rc == 0)
		return EX_OK;
	err_format(e, line, sizeof(line));
	log_line(o, e->code == ERR_TRANSIENT ? EXCHANGE_WARNING : EXCHANGE_ERROR, line);
	return cmd_exit_status(e) == EX_DATAERR ? EX_SOFTWARE : cmd_exit_status(e);
}

/* After each stage: log its failure, keep the worst status; an internal
 * error ends the run. */
static int stage_done(void *ctx, enum exchange_stage stage, int rc, const struct err *e)
{
	struct run_output *o = ctx;

	(void)stage;
	o->status = worse(o->status, stage_status(o, rc, e));
	return o->status == EX_SOFTWARE ? -1 : 0;
}

static int run_stages(const char *stage, unsigned stages, int argc, char **argv,
		      const struct cmd_globals *g)
{
	struct run_output o = { 0 };
	struct exchange *x = NULL;
	struct config cfg;
	struct err e;
	char line[1024], archive[4096] = "";
	int json = 0, status = EX_OK, all = stages == EXCHANGE_ALL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--syslog") == 0) {
			o.syslog = 1;
		} else {
			fprintf(stderr, "usage: slktx %s [--json] [--syslog]\n", stage);
			return EX_USAGE;
		}
	}
	if (o.syslog)
		openlog("slktx", LOG_PID, LOG_DAEMON);
	err_clear(&e);
	if (config_load(&cfg, g->config_path, &e) != 0 ||
	    exchange_open(&x, &cfg, (int64_t)time(NULL), log_line, &o, &e) != 0) {
		status = stage_status(&o, -1, &e);
		goto out;
	}
	exchange_run(x, stages, stage_done, &o);
	status = o.status;
	if (all)
		snprintf(archive, sizeof(archive), "%s", exchange_archive_path(x));
	summary_line(stage, exchange_summary(x), line, sizeof(line));
	log_line(&o, EXCHANGE_INFO, line);
out:
	if (json) {
		static const struct exchange_summary none;

		print_json(stage, x ? exchange_summary(x) : &none, status, archive);
	}
	exchange_close(x);
	if (o.syslog)
		closelog();
	return status;
}

int cmd_run(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("run", EXCHANGE_ALL, argc, argv, g);
}

int cmd_fetch(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("fetch", EXCHANGE_FETCH, argc, argv, g);
}

int cmd_process(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("process", EXCHANGE_PROCESS, argc, argv, g);
}

int cmd_dispatch(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("dispatch", EXCHANGE_DISPATCH, argc, argv, g);
}

int cmd_push(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("push", EXCHANGE_PUSH, argc, argv, g);
}
