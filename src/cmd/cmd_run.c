/*
 * cmd_run - `slktx run` and its stages `fetch`, `process`, `dispatch`,
 * `statement`, `push`: what cron runs every night.  One line per file and a closing
 * summary on stderr (and syslog with --syslog); --json prints the summary
 * as JSON on stdout for monitoring; --quiet prints nothing on stderr but
 * errors and failed stages, so that cron mails the operator only when
 * something went wrong (syslog still gets every line).  The summary says
 * how long the run took; the JSON adds the version, start, end, duration,
 * exit status and the first error.  Exit 0 done, 75 when work waits for the
 * next run, 78 configuration, 70 internal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "util/config.h"
#include "exchange/exchange.h"
#include "util/textesc.h"

struct run_output {
	int syslog;
	int status;     /* the worst exit status of the stages so far */
	int quiet;
	struct err first; /* the first failure, for --json */
	/* the progress of a long file, told from the validating thread */
	char progress_file[256];
	double progress_t0, progress_last;  /* monotonic seconds */
	double progress_every;              /* 10 s; SLKTX_PROGRESS_S in the tests */
	long progress_n0;
};

/* failed: the line says a stage failed, shown even under --quiet */
static void emit(struct run_output *o, enum exchange_log_level level, const char *line,
		 int failed)
{
	char esc[16384]; /* a line holds at most a few messages of 1024 bytes */

	text_escape(esc, sizeof(esc), line, 0);
	if (!o->quiet || failed || level == EXCHANGE_ERROR)
		fprintf(stderr, "slktx: %s\n", esc);
	if (o->syslog)
		syslog(level == EXCHANGE_ERROR	   ? LOG_ERR
		       : level == EXCHANGE_WARNING ? LOG_WARNING
						   : LOG_INFO,
		       "%s", esc);
}

static void log_line(void *ctx, enum exchange_log_level level, const char *line)
{
	emit(ctx, level, line, 0);
}

static void summary_line(const char *stage, const struct exchange_summary *s, char *buf,
			 size_t size)
{
	snprintf(buf, size,
		 "%s: %ld files fetched, %ld processed (%ld accepted, %ld partially accepted, "
		 "%ld rejected); records: %ld accepted, %ld rejected, %ld duplicate; "
		 "%ld acknowledgements, %ld dispatches (%ld items), %ld statements, "
		 "%ld files delivered; "
		 "%ld waiting for their signature, %ld names ignored, %ld left for the next run",
		 stage, s->fetched, s->processed, s->files_accepted, s->files_partial,
		 s->files_rejected, s->records_accepted, s->records_rejected,
		 s->records_duplicate, s->acks, s->dispatches, s->dispatch_items, s->statements,
		 s->pushed,
		 s->in_transit, s->ignored, s->waiting);
}

/* s as a JSON string: the messages quote file names, which may hold anything */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void iso_time(time_t t, char buf[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "-");
}

struct run_times {
	time_t started, finished;
	double duration_s; /* monotonic: a clock set back does not make it negative */
};

static void print_json(const char *stage, const struct exchange_summary *s, int status,
		       const char *archive, const struct run_times *t, const struct err *first)
{
	char started[32], finished[32];

	iso_time(t->started, started);
	iso_time(t->finished, finished);
	printf("{\"stage\":\"%s\",\"version\":\"%s\",\"started_at\":\"%s\","
	       "\"finished_at\":\"%s\",\"duration_s\":%.3f,",
	       stage, SLKTX_VERSION, started, finished, t->duration_s);
	printf("\"exit\":%d,\"fetched\":%ld,\"in_transit\":%ld,"
	       "\"ignored\":%ld,\"processed\":%ld,\"files_accepted\":%ld,"
	       "\"files_partially_accepted\":%ld,\"files_rejected\":%ld,"
	       "\"records_accepted\":%ld,\"records_rejected\":%ld,\"records_duplicate\":%ld,"
	       "\"acknowledgements\":%ld,\"dispatches\":%ld,\"dispatch_items\":%ld,"
	       "\"statements\":%ld,\"delivered\":%ld,\"quarantined\":%ld,\"waiting\":%ld,"
	       "\"tmp_cleaned\":%ld",
	       status, s->fetched, s->in_transit, s->ignored, s->processed,
	       s->files_accepted, s->files_partial, s->files_rejected, s->records_accepted,
	       s->records_rejected, s->records_duplicate, s->acks, s->dispatches,
	       s->dispatch_items, s->statements, s->pushed, s->quarantined, s->waiting,
	       s->tmp_cleaned);
	if (archive && *archive) {
		/* the path is ours (spool + YYYY/MM + fixed name): no escaping needed */
		printf(",\"archive\":\"%s\"", archive);
	}
	if (first->code != ERR_NONE) {
		printf(",\"error\":{\"code\":\"%s\",\"message\":", err_code_name(first->code));
		json_string(first->msg);
		printf("}");
	} else {
		printf(",\"error\":null");
	}
	printf("}\n");
}

/* openlog() says nothing when no syslog daemon listens: try its socket once,
 * so that an operator counting on --syslog hears that nothing gets there. */
static void syslog_check(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", _PATH_LOG);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		close(fd);
		return;
	}
	fprintf(stderr, "slktx: warning: syslog is unreachable at '%s' (%s): lines go to "
			"stderr only\n", _PATH_LOG, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* A line at most every 10 s on a long file: records done and the rate.  The
 * first call (after EXCHANGE_PROGRESS_EVERY records) starts the clock. */
static void progress(void *ctx, const char *file, long records)
{
	struct run_output *o = ctx;
	double now = monotonic();
	char line[512];

	if (strcmp(o->progress_file, file) != 0) {
		snprintf(o->progress_file, sizeof(o->progress_file), "%s", file);
		o->progress_t0 = o->progress_last = now;
		o->progress_n0 = records;
		return;
	}
	if (now - o->progress_last < o->progress_every)
		return;
	o->progress_last = now;
	snprintf(line, sizeof(line), "%s: %ld records so far, %.0f a second", file, records,
		 (double)(records - o->progress_n0) / (now - o->progress_t0));
	emit(o, EXCHANGE_INFO, line, 0);
}

static int stage_status(struct run_output *o, int rc, const struct err *e)
{
	char line[3072];

	if (rc == 0)
		return EX_OK;
	if (o->first.code == ERR_NONE)
		o->first = *e;
	err_format(e, line, sizeof(line));
	emit(o, e->code == ERR_TRANSIENT ? EXCHANGE_WARNING : EXCHANGE_ERROR, line, 1);
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
	char line[1200], archive[4096] = "";
	struct run_times t = { .started = time(NULL) };
	double t0 = monotonic();
	int64_t view_now;
	int json = 0, status = EX_OK, errors = 0, all = stages == EXCHANGE_ALL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--syslog") == 0) {
			o.syslog = 1;
		} else if (strcmp(argv[i], "--quiet") == 0) {
			o.quiet = 1;
		} else {
			fprintf(stderr, "slktx: %s '%s'\nusage: slktx %s [--json] [--syslog] [--quiet]\n",
				argv[i][0] == '-' ? "unknown option" : "unexpected argument",
				argv[i], stage);
			return EX_USAGE;
		}
	}
	if (o.syslog) {
		syslog_check();
		openlog("slktx", LOG_PID, LOG_DAEMON);
	}
	err_clear(&e);
	err_clear(&o.first);
	status = cmd_load_config(g, &cfg, 1);
	if (status != 0) {
		err_set(&o.first, ERR_CONFIG, "no usable configuration");
		goto out;
	}
	/* what config check would refuse stops the run before it touches the server */
	status = cmd_preflight(&cfg, CMD_PREFLIGHT_RUN, stderr, &errors);
	if (status == 0 && errors > 0) {
		fprintf(stderr, "slktx: %s: %d configuration errors: nothing done "
				"(slktx config check lists them all)\n", stage, errors);
		err_set(&o.first, ERR_CONFIG, "%d configuration errors: nothing done", errors);
		status = EX_CONFIG;
	}
	if (status != 0)
		goto out;
	if (exchange_open(&x, &cfg, (int64_t)t.started, log_line, &o, &e) != 0) {
		status = stage_status(&o, -1, &e);
		goto out;
	}
	/* which days have ended is the views' clock: SLKTX_NOW in the tests */
	if (cmd_now(&view_now, &e) != 0) {
		status = stage_status(&o, -1, &e);
		goto out;
	}
	exchange_set_view_now(x, view_now);
	o.progress_every = getenv("SLKTX_PROGRESS_S") ? atof(getenv("SLKTX_PROGRESS_S")) : 10;
	exchange_on_progress(x, progress);
	exchange_run(x, stages, stage_done, &o);
	status = o.status;
	if (all)
		snprintf(archive, sizeof(archive), "%s", exchange_archive_path(x));
	summary_line(stage, exchange_summary(x), line, sizeof(line));
	snprintf(line + strlen(line), sizeof(line) - strlen(line), "; %.1f s",
		 monotonic() - t0);
	log_line(&o, EXCHANGE_INFO, line);
out:
	if (json) {
		static const struct exchange_summary none;

		t.finished = time(NULL);
		t.duration_s = monotonic() - t0;
		print_json(stage, x ? exchange_summary(x) : &none, status, archive, &t, &o.first);
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

int cmd_statement(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("statement", EXCHANGE_STATEMENT, argc, argv, g);
}

int cmd_push(int argc, char **argv, const struct cmd_globals *g)
{
	return run_stages("push", EXCHANGE_PUSH, argc, argv, g);
}
