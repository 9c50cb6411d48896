/*
 * spool-lock - a test helper for tests/t3000-spool-lock.sh: opens and locks
 * a spool the way a run does, optionally commits files into inbox/ through
 * the fault point "mid-fetch", and holds the lock.
 *
 *   spool-lock DIR [-c COUNT] [-w SECONDS]
 *
 * Prints "locked, N leftovers removed" once it holds the lock.  -c commits
 * COUNT files inbox/file-1... (each written half, then fault_point
 * ("mid-fetch"), then the rest).  -w holds the lock until stdin closes or
 * SECONDS pass.  Exit status: 0, 75 when another process holds the lock,
 * 70 on any other failure, 64 on a bad command line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fault.h"
#include "spool/spool.h"

static int fail(const struct err *e)
{
	char buf[2048];

	err_format(e, buf, sizeof(buf));
	fprintf(stderr, "spool-lock: %s\n", buf);
	return e->code == ERR_TRANSIENT ? 75 : 70;
}

static int commit_one(struct spool *s, int i, struct err *e)
{
	char tmpname[SPOOL_NAME_MAX], name[64], text[64];
	int fd, len, half;

	fd = spool_tmp_create(s, tmpname, e);
	if (fd < 0)
		return -1;
	snprintf(name, sizeof(name), "file-%d", i);
	len = snprintf(text, sizeof(text), "the content of file %d\n", i);
	half = len / 2;
	if (write(fd, text, (size_t)half) != half) {
		spool_tmp_abandon(s, fd, tmpname);
		return err_sys(e, ERR_IO, "cannot write");
	}
	fault_point("mid-fetch");
	if (write(fd, text + half, (size_t)(len - half)) != len - half) {
		spool_tmp_abandon(s, fd, tmpname);
		return err_sys(e, ERR_IO, "cannot write");
	}
	return spool_tmp_commit(s, fd, tmpname, SPOOL_INBOX, name, e);
}

/* until stdin reaches its end, or seconds pass */
static void hold(long seconds)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char buf[256];

	while (poll(&p, 1, (int)(seconds * 1000)) > 0)
		if (read(0, buf, sizeof(buf)) <= 0)
			break;
}

int main(int argc, char **argv)
{
	struct spool *s = NULL;
	struct err e;
	long count = 0, seconds = -1;
	int opt, rc = 0;

	fault_arm(getenv("SLKTX_FAULT"));
	while ((opt = getopt(argc, argv, "c:w:")) != -1) {
		if (opt == 'c')
			count = strtol(optarg, NULL, 10);
		else if (opt == 'w')
			seconds = strtol(optarg, NULL, 10);
		else
			return 64;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: spool-lock DIR [-c COUNT] [-w SECONDS]\n");
		return 64;
	}
	if (spool_open(&s, argv[optind], &e) < 0 || spool_lock(s, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	printf("locked, %d leftovers removed\n", spool_tmp_cleaned(s));
	fflush(stdout);
	for (long i = 1; i <= count; i++) {
		if (commit_one(s, (int)i, &e) < 0) {
			rc = fail(&e);
			goto out;
		}
	}
	if (seconds >= 0)
		hold(seconds);
out:
	spool_close(s);
	return rc;
}
