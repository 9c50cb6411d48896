/*
 * stage - what the run's stages share: the run's context (struct exchange,
 * opened by exchange.c), its log, and the few spool steps more than one
 * stage takes.  Internal to src/exchange; the world sees exchange.h.
 */
#ifndef SLKTX_STAGE_H
#define SLKTX_STAGE_H

#include <stdint.h>

#include "domain/calendar.h"
#include "exchange/summary.h"
#include "exchange/journal.h"
#include "ledger/apply.h"
#include "ledger/history.h"
#include "ledger/ledger.h"
#include "spool/spool.h"
#include "transport/transport.h"
#include "trust/sig.h"
#include "util/config.h"
#include "xml/schema.h"

struct exchange {
	const struct config *cfg;
	exchange_log_fn *log;
	exchange_progress_fn *progress;    /* may be NULL */
	void *log_ctx;
	struct spool *spool;
	struct ledger *ledger;
	struct history *history;
	struct calendar *cal;
	struct sig_trust *trust;
	struct schema_set *schemas;
	struct apply *apply;
	struct transport *transport;       /* opened by the first stage that needs it */
	unsigned char *intake_der[CONFIG_LIST_MAX];
	struct sig_cert intake_certs[CONFIG_LIST_MAX];
	size_t n_intake;
	struct exchange_summary sum;
	long remote_failures;              /* fetch: remote files and folders that failed */
	int64_t now;                       /* the run's one instant (UTC seconds) */
	int64_t view_now;                  /* statements: which days have ended (SLKTX_NOW) */
	char archive_path[PATH_MAX];       /* the day's report archive, once made */
};

void stage_say(struct exchange *x, enum exchange_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void stage_say_err(struct exchange *x, const struct err *e);

/*
 * snprintf for paths and names built from bounded parts; a result that
 * would not fit is cut and reported by the return value (the spool then
 * refuses the cut name rather than touching another file).
 */
int stage_fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* The transport, opened on first use. */
int stage_transport(struct exchange *x, struct err *e);
/* Warn once about a year the holiday calendar lacks, if deadlines needed it. */
void stage_warn_calendar(struct exchange *x);

/* <pujk_root>/<code>/<leaf> */
void stage_pujk_dir(const struct config *c, const char *code, const char *leaf, char *buf,
		    size_t size);
/* The PUJK code of a "<pujk_root>/<CODE>/upload" folder, or "" for the intake's. */
void stage_folder_code(const struct config *c, const char *dir, char code[16]);
/* Where a file's acknowledgement goes: back to the folder family it came from. */
int stage_ack_destination(struct exchange *x, const struct journal_file *f,
			  char dest[SPOOL_NAME_MAX], struct err *e);

/*
 * Sign the outbox file dir/name with the hub's key, commit its .p7s beside
 * it through the spool, and give the file's SHA-256 (hex) and size for its
 * outfile row.
 */
int stage_sign_outfile(struct exchange *x, const char *dir, const char *name, char sha[65],
		       int64_t *size, struct err *e);

/* keep.c: where finished files are kept */
int stage_keep_input(struct exchange *x, const struct journal_file *f, struct err *e);
int stage_keep_sent(struct exchange *x, const char *dest, const char *name, struct err *e);
int stage_free_slot(struct exchange *x, const char *top, const char *const *names, size_t n,
		    char dir[SPOOL_PATH_MAX], struct err *e);

/* stage_fetch.c: the most a remote file may weigh, by its name: a .p7s 1 MiB,
 * a .zip limits.max_package_size, anything else limits.max_file_size */
int64_t stage_fetch_limit(const struct exchange *x, const char *name);

/* stage_recover.c: on open, after the spool is locked and the ledger open */
int stage_recover(struct exchange *x, struct err *e);

#endif
