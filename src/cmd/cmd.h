/*
 * cmd - the commands of the slktx command line, one cmd_*.c file each.
 *
 * A command parses its own arguments, calls the modules, prints what the
 * user asked for and the errors it met, and returns an exit status from
 * <sysexits.h> (SPEC §10).  main.c picks the command and ends the process.
 */
#ifndef SLKTX_CMD_H
#define SLKTX_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "util/config.h"
#include "util/err.h"
#include "ledger/ledger.h"

#define SLKTX_VERSION "0.1.0"

struct cmd_globals {
	const char *config_path; /* --config, or NULL: see cmd_config_path */
	const char *progname;
};

typedef int cmd_fn(int argc, char **argv, const struct cmd_globals *g);

/* The exit status for an error: 64 usage, 78 config, 75 transient, 65 data, 70 else. */
int cmd_exit_status(const struct err *e);
/* Print an error as "slktx: FILE:LINE:COL: CODE: message" on stderr, escaped (textesc.h). */
void cmd_print_err(const struct err *e);
/*
 * Text from outside (a file, a certificate, the ledger) as it may be shown on
 * a terminal: escaped by text_escape into one of four static buffers (so up
 * to four in one printf), cut at 3072 bytes of escaped text.
 */
const char *cmd_shown(const char *s);

/*
 * Options of a command: "--name VALUE" or "--name=VALUE" fill *value; the
 * other arguments fill positional[0..npos-1], all of which are required.
 * Prints the problem and returns EX_USAGE, or 0.
 */
struct cmd_opt {
	const char *name; /* "--name" */
	const char **value;
	int required;
};
int cmd_parse(int argc, char **argv, const struct cmd_opt *opts, const char **positional,
	      int npos, const char *synopsis);

/* The configuration file: --config, $SLKTX_CONFIG, ./config/slktx.conf,
 * /etc/slktx/slktx.conf, the first given or present; NULL when none is. */
const char *cmd_config_path(const struct cmd_globals *g);
/* Load it into cfg; with none, the embedded defaults, unless need_file (the
 * commands that keep a ledger): then say so and return EX_CONFIG.  Prints
 * the error and returns its exit status, or 0. */
int cmd_load_config(const struct cmd_globals *g, struct config *cfg, int need_file);

/* Load the configuration (a file is needed) and open the ledger (the spool directory created
 * 0700 when missing).  Prints the error and returns its exit status, or 0. */
int cmd_open_ledger(const struct cmd_globals *g, struct config *cfg, struct ledger **l);

/* The command's instant for ticket views and reports: SLKTX_NOW when set
 * (the tests' clock), else the clock; read once per process. */
int cmd_now(int64_t *now, struct err *e);

/* "2026-01-31 14:05:09 +07:00": a UTC time shown in WIB; "-" for 0. */
void cmd_time_wib(int64_t t, char *buf, size_t size);

/* Print rows (row-major, the first one the header) in aligned columns. */
void cmd_table(FILE *out, size_t ncols, size_t nrows, const char *const *cells);
/* The pieces of cmd_table, for a table printed as its rows come: widen
 * width[ncols] to the cells' (in characters), and print one row padded to it
 * (a wider cell pushes the row out, never cut). */
void cmd_table_widths(size_t ncols, size_t nrows, const char *const *cells, size_t *width);
void cmd_table_row(FILE *out, size_t ncols, const char *const *cells, const size_t *width);

/*
 * The checks of `config check` (preflight.h) on a loaded configuration,
 * problems printed to out (NULL: not printed).  With CMD_PREFLIGHT_RUN, as
 * `run` makes them: only errors, and not the transient ones its stages
 * report themselves.  *errors counts them.  Returns 0, or an exit status
 * when the checks could not be made.
 */
#define CMD_PREFLIGHT_RUN 0x100
int cmd_preflight(const struct config *cfg, int flags, FILE *out, int *errors);

cmd_fn cmd_config;
cmd_fn cmd_run;
cmd_fn cmd_fetch;
cmd_fn cmd_process;
cmd_fn cmd_dispatch;
cmd_fn cmd_statement;
cmd_fn cmd_push;
cmd_fn cmd_validate;
cmd_fn cmd_sign;
cmd_fn cmd_verify;
cmd_fn cmd_pujk;
cmd_fn cmd_officer;
cmd_fn cmd_ticket;
cmd_fn cmd_audit;
cmd_fn cmd_report;
cmd_fn cmd_archive;
cmd_fn cmd_verify_archive;
cmd_fn cmd_backup;

#endif
