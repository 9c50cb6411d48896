#include "cmd.h"
#include <stdio.h>
int cmd_validate(int argc, char **argv, const struct cmd_globals *g)
{
	(void)argc; (void)argv; (void)g;
	fprintf(stderr, "slktx: validate: not built yet\n");
	return EX_SOFTWARE;
}
