/*
 * sftp-cli - drives the sftp transport for tests/t5000-sftp-transport.sh and
 * scripts/bench-sftp, with the configuration filled from flags (no config
 * file).  Prints what it got; exits 0, 75 transient, 78 configuration, 65 a
 * missing file, 70 else, with the error on stderr.
 *
 * usage: sftp-cli [--host H] --port N --user U --identity F --known-hosts F
 *                 [--passphrase-file F] [--host-key-type T] [--connect-timeout S]
 *                 [--op-timeout S] [--run-timeout S] [--connections N]
 *                 [--after-fetch delete|move] [--move-to DIR] [--ciphers L] [--macs L]
 *                 [--max BYTES]
 *                 list DIR | fetch DIR NAME LOCAL | push LOCAL DIR NAME |
 *                 remove DIR NAME | fetch-all DIR LOCALDIR | idle-list DIR WAITFILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "util/fault.h"
#include "util/config.h"
#include "transport/transport.h"

static void usage(void)
{
	fprintf(stderr, "usage: sftp-cli [--OPTION VALUE]... list DIR | fetch DIR NAME LOCAL | "
		"push LOCAL DIR NAME | remove DIR NAME | fetch-all DIR LOCALDIR | "
		"idle-list DIR WAITFILE\n");
	exit(EX_USAGE);
}

static void set(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		usage();
	memcpy(dst, v, strlen(v) + 1);
}

#define SET(field, v) set((field), sizeof(field), (v))

static void hex(const unsigned char *h, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

/* bytes outside printable ASCII, and the backslash, as \ooo */
static void print_escaped(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			printf("\\%03o", *p);
		else
			putchar(*p);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fetch_all(struct transport *t, const char *dir, const char *localdir, struct err *e)
{
	struct remote_list l = { 0 };
	unsigned char sha[32];
	char local[8192];
	int64_t size, total = 0;
	double start = now(), secs;
	int rc = -1;

	if (t->ops->list(t, dir, &l, e) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++) {
		snprintf(local, sizeof(local), "%s/%s", localdir, l.v[i].name);
		if (t->ops->fetch(t, dir, l.v[i].name, local, INT64_MAX, sha, &size, e) < 0)
			goto out;
		total += size;
	}
	secs = now() - start;
	printf("%zu files %lld bytes %.3f s\n", l.n, (long long)total, secs);
	rc = 0;
out:
	free(l.v);
	free(l.ignored);
	return rc;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	struct transport *t = NULL;
	struct err e;
	int64_t max = INT64_MAX;
	int i, rc = -1;

	err_clear(&e);
	fault_arm(getenv("SLKTX_FAULT"));
	SET(cfg.transport.type, "sftp");
	SET(cfg.transport.host, "127.0.0.1");
	cfg.transport.port = 22;
	SET(cfg.transport.after_fetch, "delete");
	SET(cfg.transport.move_to, "/processed");
	cfg.transport.connect_timeout_s = 15;
	cfg.transport.op_timeout_s = 60;
	cfg.transport.run_timeout_s = 3600;
	cfg.transport.connections = 4;
	for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *k = argv[i] + 2, *v = argv[i + 1];

		if (strcmp(k, "host") == 0) SET(cfg.transport.host, v);
		else if (strcmp(k, "port") == 0) cfg.transport.port = atoi(v);
		else if (strcmp(k, "user") == 0) SET(cfg.transport.user, v);
		else if (strcmp(k, "identity") == 0) SET(cfg.transport.identity, v);
		else if (strcmp(k, "passphrase-file") == 0) SET(cfg.transport.passphrase_file, v);
		else if (strcmp(k, "known-hosts") == 0) SET(cfg.transport.known_hosts, v);
		else if (strcmp(k, "host-key-type") == 0) SET(cfg.transport.host_key_type, v);
		else if (strcmp(k, "connect-timeout") == 0) cfg.transport.connect_timeout_s = atol(v);
		else if (strcmp(k, "op-timeout") == 0) cfg.transport.op_timeout_s = atol(v);
		else if (strcmp(k, "run-timeout") == 0) cfg.transport.run_timeout_s = atol(v);
		else if (strcmp(k, "connections") == 0) cfg.transport.connections = atoi(v);
		else if (strcmp(k, "after-fetch") == 0) SET(cfg.transport.after_fetch, v);
		else if (strcmp(k, "move-to") == 0) SET(cfg.transport.move_to, v);
		else if (strcmp(k, "ciphers") == 0) SET(cfg.transport.ciphers, v);
		else if (strcmp(k, "macs") == 0) SET(cfg.transport.macs, v);
		else if (strcmp(k, "max") == 0) max = atoll(v);
		else usage();
	}
	argc -= i;
	argv += i;
	if (argc < 1)
		usage();
	if (transport_sftp_open(&t, &cfg, &e) < 0)
		goto out;
	if (strcmp(argv[0], "list") == 0 && argc == 2) {
		struct remote_list l = { 0 };

		rc = t->ops->list(t, argv[1], &l, &e);
		for (size_t k = 0; rc == 0 && k < l.n; k++)
			printf("%s %lld %lld\n", l.v[k].name, (long long)l.v[k].size,
			       (long long)l.v[k].mtime);
		for (size_t k = 0; rc == 0 && k < l.n_ignored; k++) {
			fputs("ignored ", stdout);
			print_escaped(l.ignored[k].name);
			printf(" (%s)\n", remote_type_name(l.ignored[k].type));
		}
		free(l.v);
		free(l.ignored);
	} else if (strcmp(argv[0], "fetch") == 0 && argc == 4) {
		unsigned char sha[32];
		char h[65];
		int64_t size;

		rc = t->ops->fetch(t, argv[1], argv[2], argv[3], max, sha, &size, &e);
		if (rc == 0) {
			hex(sha, h);
			printf("%s %lld\n", h, (long long)size);
		} else if (e.code == ERR_LIMIT_EXCEEDED) {
			printf("over %lld\n", (long long)size);
		}
	} else if (strcmp(argv[0], "push") == 0 && argc == 4) {
		rc = t->ops->push(t, argv[1], argv[2], argv[3], &e);
	} else if (strcmp(argv[0], "remove") == 0 && argc == 3) {
		rc = t->ops->remove(t, argv[1], argv[2], &e);
	} else if (strcmp(argv[0], "idle-list") == 0 && argc == 3) {
		/* list, go idle, say so, wait for the file argv[2], list again */
		struct remote_list l = { 0 };

		rc = t->ops->list(t, argv[1], &l, &e);
		remote_list_free(&l);
		if (rc == 0) {
			t->ops->idle(t);
			printf("idle\n");
			fflush(stdout);
			for (int k = 0; k < 600 && access(argv[2], F_OK) != 0; k++)
				usleep(50000);
			rc = t->ops->list(t, argv[1], &l, &e);
			printf("listed %zu\n", l.n);
			remote_list_free(&l);
		}
	} else if (strcmp(argv[0], "fetch-all") == 0 && argc == 3) {
		rc = fetch_all(t, argv[1], argv[2], &e);
	} else {
		t->ops->close(t);
		usage();
	}
out:
	if (t != NULL)
		t->ops->close(t);
	if (rc < 0) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	return 0;
}
