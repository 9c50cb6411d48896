/*
 * cmd_verify - `slktx verify FILE [--as SENDER] [--cafile CA [--crl CRL]...]`:
 * check FILE.p7s against FILE (SPEC §2) and say who signed it.
 *
 * With --cafile the signer must chain to that anchor (and pass the CRLs given
 * with --crl); no configuration and no registry are read.  Without it the
 * configuration gives the anchors and CRLs, and the signer must be registered
 * for the sender: the intake's certificates (intake.certs) for the intake's
 * sender code, an officer in office for a PUJK.  The sender is --as, or the
 * code in the file name (CB_<SENDER>_..., RSP_<PUJK>_...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd/cmd.h"
#include "util/config.h"
#include "ledger/ledger.h"
#include "ledger/registry.h"
#include "trust/sig.h"

static const char synopsis[] = "usage: slktx verify FILE [--as SENDER] [--cafile CA [--crl CRL]...]\n";

static void print_signer(const char *file, const struct sig_signer *s, const char *officer)
{
	printf("%s: OK\n", file);
	printf("subject: %s\n", cmd_shown(s->subject));
	printf("serial: %s\n", s->serial);
	printf("issuer: %s\n", cmd_shown(s->issuer));
	printf("certificate sha256: %s\n", s->cert_sha256_hex);
	if (officer)
		printf("registered as: %s\n", officer);
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

/* The sender code of CB_<SENDER>_... or RSP_<PUJK>_..., or -1. */
static int sender_from_name(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/'), *end;

	base = base ? base + 1 : path;
	if (strncmp(base, "CB_", 3) == 0)
		base += 3;
	else if (strncmp(base, "RSP_", 4) == 0)
		base += 4;
	else
		return -1;
	end = strchr(base, '_');
	if (!end || (size_t)(end - base) >= size)
		return -1;
	snprintf(out, size, "%.*s", (int)(end - base), base);
	return registry_code_valid(out) ? 0 : -1;
}

/* A sender's registered certificates, and what holds their bytes. */
struct registered {
	struct sig_cert v[CONFIG_LIST_MAX];
	size_t n;
	unsigned char *intake_der[CONFIG_LIST_MAX];
	struct registry_officers officers;
};

static void registered_free(struct registered *r)
{
	for (size_t i = 0; i < CONFIG_LIST_MAX; i++)
		free(r->intake_der[i]);
	registry_officers_free(&r->officers);
}

/* The intake's configured certificates, or the officers in office of a PUJK. */
static int registered_load(const struct config *cfg, const char *sender, struct registered *r,
			   struct err *e)
{
	struct registry_pujk pujk;
	struct ledger *l = NULL;
	struct stat st;
	int rc = -1;

	if (strcmp(sender, cfg->intake.sender) == 0) {
		for (int i = 0; i < cfg->intake.certs.n; i++) {
			struct sig_signer info;
			size_t len;
			/* only parsed here: the chain is checked when verifying */
			if (sig_cert_load(NULL, cfg->intake.certs.v[i], time(NULL), &r->intake_der[i],
					  &len, &info, e) < 0)
				return -1;
			r->v[r->n].der = r->intake_der[i];
			r->v[r->n++].len = len;
		}
		if (r->n == 0)
			return err_set(e, ERR_CONFIG, "no intake certificate is configured (intake.certs)");
		return 0;
	}
	/* a check reads the registry: it never creates a ledger */
	if (stat(cfg->ledger.path, &st) < 0)
		return err_set_at(e, ERR_CONFIG, cfg->ledger.path, 0, 0,
				  "no ledger, so no registry to check '%s' against: pass --cafile CA",
				  sender);
	if (ledger_open(&l, cfg->ledger.path, cfg->ledger.busy_timeout_ms, e) < 0)
		return -1;
	if (registry_pujk_get(l, sender, &pujk, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			e->code = ERR_SENDER_NOT_ACTIVE;
		goto out;
	}
	if (!pujk.active) {
		err_set(e, ERR_SENDER_NOT_ACTIVE, "PUJK '%s' does not have its three officers", sender);
		goto out;
	}
	if (registry_active_officers(l, sender, &r->officers, e) < 0)
		goto out;
	for (size_t i = 0; i < r->officers.n && r->n < CONFIG_LIST_MAX; i++) {
		r->v[r->n].der = r->officers.v[i].cert_der;
		r->v[r->n++].len = r->officers.v[i].cert_len;
	}
	if (r->n == 0) {
		err_set(e, ERR_SENDER_NOT_ACTIVE, "PUJK '%s' has no officer in office", sender);
		goto out;
	}
	rc = 0;
out:
	ledger_close(l);
	return rc;
}

/* FILE [--as SENDER] [--cafile CA [--crl CRL]...]; -1 on a usage error. */
static int parse_args(int argc, char **argv, const char **file, const char **cafile,
		      const char **as, struct config_list *crls)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--cafile") == 0 && i + 1 < argc)
			*cafile = argv[++i];
		else if (strcmp(a, "--as") == 0 && i + 1 < argc)
			*as = argv[++i];
		else if (strcmp(a, "--crl") == 0 && i + 1 < argc && crls->n < CONFIG_LIST_MAX)
			snprintf(crls->v[crls->n++], sizeof(crls->v[0]), "%s", argv[++i]);
		else if (a[0] == '-' || *file)
			return -1;
		else
			*file = a;
	}
	if (*file == NULL)
		return -1;
	if (*cafile && *as) {
		fprintf(stderr, "slktx: verify: --as needs the registry: not with --cafile\n");
		return -1;
	}
	if (!*cafile && crls->n > 0) {
		fprintf(stderr, "slktx: verify: --crl goes with --cafile (else hub.crls applies)\n");
		return -1;
	}
	return 0;
}

int cmd_verify(int argc, char **argv, const struct cmd_globals *g)
{
	struct config_list anchors = { 0 }, crls = { 0 };
	const char *file = NULL, *cafile = NULL, *as = NULL;
	struct registered reg;
	struct sig_trust *t = NULL;
	struct sig_signer signer;
	struct config cfg;
	char p7s[4096], sender[16], officer[512];
	const char *officer_desc = NULL;
	struct err e;
	time_t now;
	int rc;

	memset(&reg, 0, sizeof(reg));
	err_clear(&e);
	if (parse_args(argc, argv, &file, &cafile, &as, &crls) < 0 ||
	    snprintf(p7s, sizeof(p7s), "%s.p7s", file) >= (int)sizeof(p7s))
		goto usage;

	if (cafile) {
		anchors.n = 1;
		snprintf(anchors.v[0], sizeof(anchors.v[0]), "%s", cafile);
	} else {
		if (as)
			snprintf(sender, sizeof(sender), "%s", as);
		else if (sender_from_name(file, sender, sizeof(sender)) < 0) {
			fprintf(stderr, "slktx: verify: cannot tell the sender from the name '%s': "
				"give --as SENDER\n", file);
			goto usage;
		}
		if (cmd_config_path(g) == NULL) {
			fprintf(stderr, "slktx: verify: no configuration found, so no registry: "
					"pass --cafile CA\n");
			registered_free(&reg);
			return EX_CONFIG;
		}
		rc = cmd_load_config(g, &cfg, 1);
		if (rc != 0) {
			registered_free(&reg);
			return rc;
		}
		if (registered_load(&cfg, sender, &reg, &e) < 0)
			goto fail;
		anchors = cfg.hub.trust_anchors;
		crls = cfg.hub.crls;
	}
	now = time(NULL);
	if (sig_trust_load(&t, &anchors, &crls, now, &e) < 0)
		goto fail;
	rc = sig_verify_file(t, file, p7s, reg.v, reg.n, now, &signer, &e);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < reg.officers.n; i++)
		if (strcmp(reg.officers.v[i].cert_sha256, signer.cert_sha256_hex) == 0) {
			snprintf(officer, sizeof(officer), "%s %s %s", reg.officers.v[i].pujk_code,
				 reg.officers.v[i].role, reg.officers.v[i].name);
			officer_desc = officer;
		}
	if (!cafile && !officer_desc) {
		snprintf(officer, sizeof(officer), "intake %s", sender);
		officer_desc = officer;
	}
	print_signer(file, &signer, officer_desc);
	sig_trust_free(t);
	registered_free(&reg);
	return EX_OK;
fail:
	if (!e.file[0] && e.code < ERR_USAGE)
		snprintf(e.file, sizeof(e.file), "%s", file);
	cmd_print_err(&e);
	sig_trust_free(t);
	registered_free(&reg);
	return cmd_exit_status(&e);
usage:
	fputs(synopsis, stderr);
	return EX_USAGE;
}
