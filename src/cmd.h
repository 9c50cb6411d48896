/*
 * cmd - the commands of the slktx command line, one cmd_*.c file each.
 *
 * A command parses its own arguments, calls the modules, prints what the
 * user asked for and the errors it met, and returns an exit status from
 * <sysexits.h> (SPEC §10).  main.c picks the command and ends the process.
 */
#ifndef SLKTX_CMD_H
#define SLKTX_CMD_H

#include <sysexits.h>

#include "err.h"

struct cmd_globals {
	const char *config_path; /* --config, or NULL: $SLKTX_CONFIG, then config/slktx.conf */
	const char *progname;
};

typedef int cmd_fn(int argc, char **argv, const struct cmd_globals *g);

/* The exit status for an error: 64 usage, 78 config, 75 transient, 65 data, 70 else. */
int cmd_exit_status(const struct err *e);
/* Print an error as "slktx: FILE:LINE:COL: CODE: message" on stderr. */
void cmd_print_err(const struct err *e);

cmd_fn cmd_validate;
cmd_fn cmd_sign;
cmd_fn cmd_verify;

#endif
