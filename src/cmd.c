/*
 * cmd - what every command shares: exit statuses and error output.
 */
#include "cmd.h"

#include <stdio.h>

int cmd_exit_status(const struct err *e)
{
	switch (e->code) {
	case ERR_NONE:
		return EX_OK;
	case ERR_USAGE:
		return EX_USAGE;
	case ERR_CONFIG:
		return EX_CONFIG;
	case ERR_TRANSIENT:
		return EX_TEMPFAIL;
	case ERR_IO:
	case ERR_INTERNAL:
		return EX_SOFTWARE;
	default:
		return EX_DATAERR;
	}
}

void cmd_print_err(const struct err *e)
{
	char buf[3072];

	err_format(e, buf, sizeof(buf));
	fprintf(stderr, "slktx: %s\n", buf);
}
