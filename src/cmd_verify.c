/*
 * cmd_verify - `slktx verify FILE [--as SENDER] [--cafile CA [--crl CRL]...]`:
 * check FILE.p7s against FILE (SPEC §2) and say who signed it.
 *
 * With --cafile the signer must chain to that anchor (and pass the CRLs given
 * with --crl); no configuration and no registry are read.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "sig.h"

static int usage(void)
{
	fprintf(stderr, "usage: slktx verify FILE [--as SENDER] [--cafile CA [--crl CRL]...]\n");
	return EX_USAGE;
}

static void print_signer(const char *file, const struct sig_signer *s)
{
	printf("%s: OK\n", file);
	printf("subject: %s\n", s->subject);
	printf("serial: %s\n", s->serial);
	printf("issuer: %s\n", s->issuer);
	printf("certificate sha256: %s\n", s->cert_sha256_hex);
	if (s->signing_time) {
		time_t t = (time_t)s->signing_time;
		struct tm tm;
		char buf[32];

		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("signingTime: %s (as claimed by the signer)\n", buf);
	} else {
		printf("signingTime: none\n");
	}
}

int cmd_verify(int argc, char **argv, const struct cmd_globals *g)
{
	struct config_list anchors = { 0 }, crls = { 0 };
	const char *file = NULL, *cafile = NULL, *as = NULL;
	struct sig_trust *t = NULL;
	struct sig_signer signer;
	char p7s[4096];
	struct err e;
	int rc;

	(void)g;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--cafile") == 0 && i + 1 < argc)
			cafile = argv[++i];
		else if (strcmp(a, "--as") == 0 && i + 1 < argc)
			as = argv[++i];
		else if (strcmp(a, "--crl") == 0 && i + 1 < argc) {
			if (crls.n == CONFIG_LIST_MAX)
				return usage();
			snprintf(crls.v[crls.n++], sizeof(crls.v[0]), "%s", argv[++i]);
		} else if (a[0] == '-' || file)
			return usage();
		else
			file = a;
	}
	if (!file)
		return usage();
	if (snprintf(p7s, sizeof(p7s), "%s.p7s", file) >= (int)sizeof(p7s))
		return usage();
	if (!cafile) {
		err_set(&e, ERR_CONFIG, "verifying against the registry is not built yet: give --cafile");
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	(void)as;
	anchors.n = 1;
	snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", cafile);
	if (sig_trust_load(&t, &anchors, &crls, &e) < 0) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	rc = sig_verify_file(t, file, p7s, NULL, 0, time(NULL), &signer, &e);
	sig_trust_free(t);
	if (rc < 0) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	print_signer(file, &signer);
	return EX_OK;
}
