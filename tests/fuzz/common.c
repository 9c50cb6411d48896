/*
 * fuzz_common - the scratch directory and fixture helpers of fuzz.h, linked
 * into every harness.  Test code: it may read the environment and abort.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "trust/sig.h"
#include "util/config.h"
#include "util/err.h"

static char scratch[PATH_MAX];

static void remove_tree(const char *dir, int self)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	char path[PATH_MAX];

	while (d && (ent = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path, 1);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	if (self)
		rmdir(dir);
}

static void remove_scratch(void)
{
	if (scratch[0])
		remove_tree(scratch, 1);
}

const char *fuzz_scratch(void)
{
	const char *tmp = getenv("TMPDIR");

	if (scratch[0])
		return scratch;
	snprintf(scratch, sizeof(scratch), "%s/slktx-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(remove_scratch);
	return scratch;
}

void fuzz_empty_dir(const char *dir)
{
	remove_tree(dir, 0);
}

void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

const char *fuzz_fixture(const char *name)
{
	static char path[4][PATH_MAX];
	static int next;
	const char *dir = getenv("SLKTX_FUZZ_FIXTURES");
	char *p = path[next++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", dir && *dir ? dir : "tests/fuzz/fixtures", name);
	return p;
}

unsigned char *fuzz_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		abort();
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

void fuzz_die(const struct err *e)
{
	char line[3072];

	err_format(e, line, sizeof(line));
	fprintf(stderr, "fuzz: cannot start: %s\n", line);
	abort();
}

int fuzz_verbose;

void fuzz_note(int rc, const struct err *e)
{
	if (!fuzz_verbose)
		return;
	/* no file name: a harness's scratch paths differ from run to run */
	if (rc == 0)
		printf("verdict: ok\n");
	else
		printf("verdict: %s: %s\n", err_code_name(e->code), e->msg);
}

struct sig_trust *fuzz_trust(const char *cert, unsigned char **der, size_t *len)
{
	struct config_list anchors, crls;
	struct sig_trust *trust = NULL;
	struct sig_signer info;
	struct err e;

	memset(&anchors, 0, sizeof(anchors));
	memset(&crls, 0, sizeof(crls));
	anchors.n = 1;
	snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", fuzz_fixture("ca.crt"));
	if (sig_trust_load(&trust, &anchors, &crls, FUZZ_NOW, &e) != 0 ||
	    sig_cert_load(trust, fuzz_fixture(cert), FUZZ_NOW, der, len, &info, &e) != 0)
		fuzz_die(&e);
	return trust;
}
