/*
 * cmd_sign - `slktx sign --cert CERT --key KEY FILE...`: write FILE.p7s, a
 * detached CAdES-BES CMS signature (SPEC §2), next to each FILE.  sig signs
 * into memory; the signature is written here under a temporary name and
 * renamed into place, so that a reader never sees half of one (SPEC §2: the
 * .p7s comes last and whole).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "trust/sig.h"
#include "util/safefile.h"

static int usage(void)
{
	fprintf(stderr, "usage: slktx sign --cert CERT --key KEY FILE...\n");
	return EX_USAGE;
}

int cmd_sign(int argc, char **argv, const struct cmd_globals *g)
{
	const char *cert = NULL, *key = NULL;
	unsigned char *p7s = NULL;
	size_t len = 0;
	char out[4096];
	struct err e;
	int i, rc;

	(void)g;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc)
			cert = argv[++i];
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			return usage();
	}
	if (!cert || !key || i >= argc)
		return usage();
	for (; i < argc; i++) {
		if (snprintf(out, sizeof(out), "%s.p7s", argv[i]) >= (int)sizeof(out)) {
			err_set(&e, ERR_USAGE, "file name '%s' is too long", argv[i]);
			cmd_print_err(&e);
			return EX_USAGE;
		}
		rc = sig_sign(cert, key, argv[i], &p7s, &len, &e);
		if (rc == 0)
			rc = safefile_write_file(out, p7s, len, 0644, &e);
		free(p7s);
		p7s = NULL;
		if (rc < 0) {
			cmd_print_err(&e);
			return cmd_exit_status(&e);
		}
		printf("%s\n", out);
	}
	return EX_OK;
}
