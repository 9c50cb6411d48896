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

/* Publish the signature as out: temporary name beside it, fsync, rename. */
static int write_p7s(const char *out, const unsigned char *p7s, size_t len, struct err *e)
{
	char tmp[PATH_MAX];
	size_t done = 0;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", out) >= (int)sizeof(tmp))
		return err_set(e, ERR_USAGE, "file name '%s' is too long", out);
	fd = mkstemp(tmp);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot create '%s'", tmp);
	if (fchmod(fd, 0644) < 0) {
		err_sys(e, ERR_IO, "cannot set the mode of '%s'", tmp);
		goto fail;
	}
	while (done < len) {
		ssize_t n = write(fd, p7s + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot write '%s'", tmp);
			goto fail;
		}
		done += (size_t)n;
	}
	if (safefile_publish(fd, tmp, out, e) == 0)
		return 0;
	fd = -1;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
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
			rc = write_p7s(out, p7s, len, &e);
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
