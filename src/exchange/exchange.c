/*
 * exchange - the run's context and the order of its stages; see exchange.h
 * for the rules that make each stage safe to interrupt, and stage.h for
 * what the stages share.  Each stage has a file of its own: stage_fetch.c,
 * stage_process.c, stage_dispatch.c, stage_statement.c, stage_push.c,
 * stage_archive.c, and
 * stage_recover.c for what a crashed run left.
 */
#include "exchange/exchange.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/stage.h"
#include "util/digest.h"
#include "util/hex.h"

void stage_say(struct exchange *x, enum exchange_log_level level, const char *format, ...)
{
	char line[2048];
	va_list ap;

	if (x->log == NULL)
		return;
	va_start(ap, format);
	vsnprintf(line, sizeof(line), format, ap);
	va_end(ap);
	x->log(x->log_ctx, level, line);
}

void stage_say_err(struct exchange *x, const struct err *e)
{
	char line[3072];

	err_format(e, line, sizeof(line));
	stage_say(x, EXCHANGE_ERROR, "%s", line);
}

int stage_fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void stage_pujk_dir(const struct config *c, const char *code, const char *leaf, char *buf,
		    size_t size)
{
	stage_fmt(buf, size, "%s/%s/%s", c->transport.pujk_root, code, leaf);
}

void stage_folder_code(const struct config *c, const char *dir, char code[16])
{
	size_t n = strlen(c->transport.pujk_root);
	const char *slash;

	code[0] = '\0';
	if (strncmp(dir, c->transport.pujk_root, n) != 0 || dir[n] != '/')
		return;
	slash = strchr(dir + n + 1, '/');
	if (slash && (size_t)(slash - dir - n - 1) < 16)
		stage_fmt(code, 16, "%.*s", (int)(slash - dir - n - 1), dir + n + 1);
}

int stage_ack_destination(struct exchange *x, const struct journal_file *f,
			  char dest[SPOOL_NAME_MAX], struct err *e)
{
	char code[16], dir[PATH_MAX];

	stage_folder_code(x->cfg, f->remote_dir, code);
	if (code[0])
		stage_pujk_dir(x->cfg, code, "download", dir, sizeof(dir));
	else
		stage_fmt(dir, sizeof(dir), "%s", x->cfg->transport.intake_inbound);
	return spool_outbox_dest(dir, dest, e);
}

int stage_transport(struct exchange *x, struct err *e)
{
	if (x->transport)
		return 0;
	return transport_open(&x->transport, x->cfg, e);
}

void stage_warn_calendar(struct exchange *x)
{
	int year = calendar_missing_year(x->cal);

	if (year)
		stage_say(x, EXCHANGE_WARNING,
			  "WARNING: the holiday calendar has no confirmed file for %d: deadlines "
			  "in %d count Monday to Friday only (or provisional dates); add "
			  "config/holidays/%d.txt",
			  year, year, year);
	calendar_clear_missing(x->cal);
}

int stage_sign_outfile(struct exchange *x, const char *dir, const char *name, char sha[65],
		       int64_t *size, struct err *e)
{
	char rel[SPOOL_PATH_MAX], path[PATH_MAX], sig[SPOOL_NAME_MAX + 8];
	unsigned char digest[DIGEST_LEN], *der = NULL;
	size_t len = 0;
	int rc = -1;

	if (stage_fmt(rel, sizeof(rel), "%s/%s", dir, name) != 0 ||
	    stage_fmt(sig, sizeof(sig), "%s.p7s", name) != 0) {
		err_set(e, ERR_INTERNAL, "outbox name too long '%s'", name);
		goto out;
	}
	if (spool_path(x->spool, rel, path, sizeof(path), e) != 0 ||
	    sig_sign(x->cfg->hub.cert, x->cfg->hub.key, path, &der, &len, e) != 0 ||
	    spool_write(x->spool, dir, sig, der, len, e) != 0 ||
	    digest_file(path, digest, size, e) != 0)
		goto out;
	hex_encode(digest, DIGEST_LEN, sha);
	rc = 0;
out:
	free(der);
	return rc;
}

const struct exchange_summary *exchange_summary(const struct exchange *x)
{
	return &x->sum;
}

static int load_intake_certs(struct exchange *x, struct err *e)
{
	for (int i = 0; i < x->cfg->intake.certs.n; i++) {
		struct sig_signer info;
		size_t len = 0;

		if (sig_cert_load(NULL, x->cfg->intake.certs.v[i], x->now, &x->intake_der[i], &len,
				  &info, e) != 0)
			return -1;
		x->intake_certs[i].der = x->intake_der[i];
		x->intake_certs[i].len = len;
		x->n_intake++;
	}
	return 0;
}

/*
 * The exchange's connection copies the WAL into the ledger file itself, after
 * each stage but process (exchange_run), never inside a commit: a million
 * records' file is committed, durable and acknowledged once its WAL is
 * synced, and the copy (seconds for a big file) is made by the stage after
 * it, or first thing by the next command of the exchange, here.  A crash
 * before or during a copy loses nothing: SQLite replays the WAL on open.
 */
static int open_ledger_wal(struct exchange *x, struct err *e)
{
	ledger_defer_checkpoints(x->ledger);
	return ledger_checkpoint(x->ledger, e);
}

int exchange_open(struct exchange **out, const struct config *cfg, int64_t now,
		  exchange_log_fn *log, void *log_ctx, struct err *e)
{
	struct exchange *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (x == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	x->cfg = cfg;
	x->log = log;
	x->log_ctx = log_ctx;
	x->now = now;
	x->view_now = now;
	if (spool_open(&x->spool, cfg->spool.dir, e) != 0 || spool_lock(x->spool, e) != 0)
		goto fail;
	x->sum.tmp_cleaned = spool_tmp_cleaned(x->spool);
	if (x->sum.tmp_cleaned)
		stage_say(x, EXCHANGE_INFO, "removed %ld leftover files of an interrupted run "
			  "from tmp/", x->sum.tmp_cleaned);
	if (ledger_open(&x->ledger, cfg->ledger.path, cfg->ledger.busy_timeout_ms, e) != 0 ||
	    open_ledger_wal(x, e) != 0 ||
	    history_open(&x->history, x->ledger, e) != 0 ||
	    calendar_load(&x->cal, cfg->calendar.dir, e) != 0 ||
	    sig_trust_load(&x->trust, &cfg->hub.trust_anchors, &cfg->hub.crls, x->now, e) != 0 ||
	    schema_set_new(&x->schemas, e) != 0 ||
	    apply_open(&x->apply, x->ledger, x->history, x->cal, cfg, e) != 0 ||
	    load_intake_certs(x, e) != 0 || stage_recover(x, e) != 0)
		goto fail;
	*out = x;
	return 0;
fail:
	exchange_close(x);
	return -1;
}

void exchange_close(struct exchange *x)
{
	if (x == NULL)
		return;
	transport_close(x->transport);
	for (size_t i = 0; i < x->n_intake; i++)
		free(x->intake_der[i]);
	apply_close(x->apply);
	schema_set_free(x->schemas);
	sig_trust_free(x->trust);
	calendar_free(x->cal);
	history_close(x->history);
	ledger_close(x->ledger);
	spool_close(x->spool);
	free(x);
}

void exchange_set_view_now(struct exchange *x, int64_t now)
{
	x->view_now = now;
}

void exchange_on_progress(struct exchange *x, exchange_progress_fn *fn)
{
	x->progress = fn;
}

int exchange_run(struct exchange *x, unsigned stages, exchange_stage_fn *done, void *ctx)
{
	static const struct {
		enum exchange_stage stage;
		int (*fn)(struct exchange *, struct err *);
	} order[] = {
		{ EXCHANGE_FETCH, exchange_fetch },
		{ EXCHANGE_PROCESS, exchange_process },
		{ EXCHANGE_DISPATCH, exchange_dispatch },
		{ EXCHANGE_STATEMENT, exchange_statement },
		{ EXCHANGE_PUSH, exchange_push },
		{ EXCHANGE_ARCHIVE, exchange_archive },
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct err e;
		int rc;

		if (!(stages & order[i].stage))
			continue;
		err_clear(&e);
		rc = order[i].fn(x, &e);
		/* the process stage's WAL waits for the next stage (open_ledger_wal) */
		if (rc == 0 && order[i].stage != EXCHANGE_PROCESS)
			rc = ledger_checkpoint(x->ledger, &e);
		if (done(ctx, order[i].stage, rc, &e) != 0)
			return -1;
	}
	return 0;
}
