/*
 * cmd_officer - `slktx officer add|replace|renew|list`: a PUJK's three
 * officers.  replace puts another person in a role, renew gives the same
 * person a new certificate; both keep the former certificate in the history,
 * where files in transit signed with it still count for registry.grace_hours
 * (SPEC §5).  The hub's and the intake's certificates are read here and
 * handed to the registry, which refuses them as an officer's.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/registry.h"
#include "ledger/tickets.h"
#include "trust/sig.h"

#define ADD_SYNOPSIS "officer add CODE --role ROLE --name NAME --cert FILE"
#define REPLACE_SYNOPSIS "officer replace CODE --role ROLE --name NAME --cert FILE"
#define RENEW_SYNOPSIS "officer renew CODE --role ROLE --cert FILE"
#define LIST_SYNOPSIS "officer list CODE"

enum change { ADD, REPLACE, RENEW };

static int fail(const struct err *e)
{
	cmd_print_err(e);
	return cmd_exit_status(e);
}

/* The certificates no officer may hold: the hub's and each of the intake's. */
struct reserved {
	struct registry_reserved_cert v[1 + CONFIG_LIST_MAX];
	unsigned char *der[1 + CONFIG_LIST_MAX];
	char what[1 + CONFIG_LIST_MAX][64];
	struct registry_reserved list;
};

static int reserved_load(const struct config *cfg, struct reserved *r, time_t now,
			 struct err *e)
{
	struct sig_signer info;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	for (int i = -1; i < cfg->intake.certs.n; i++) {
		const char *path = i < 0 ? cfg->hub.cert : cfg->intake.certs.v[i];

		if (i < 0)
			snprintf(r->what[n], sizeof(r->what[n]), "the hub");
		else
			snprintf(r->what[n], sizeof(r->what[n]), "the intake '%s'",
				 cfg->intake.sender);
		if (sig_cert_load(NULL, path, now, &r->der[n], &r->v[n].cert.len, &info, e) < 0) {
			/* unable to tell an officer's certificate from the hub's: refuse */
			e->code = ERR_CONFIG;
			return -1;
		}
		r->v[n].what = r->what[n];
		r->v[n].cert.der = r->der[n];
		n++;
	}
	r->list.v = r->v;
	r->list.n = n;
	return 0;
}

static void reserved_free(struct reserved *r)
{
	for (size_t i = 0; i < sizeof(r->der) / sizeof(r->der[0]); i++)
		free(r->der[i]);
}

static int officer_change(int argc, char **argv, const struct cmd_globals *g, enum change how)
{
	const char *code, *role = NULL, *name = NULL, *cert = NULL;
	const struct cmd_opt opts[] = {
		{ "--role", &role, 1 }, { "--name", &name, 1 }, { "--cert", &cert, 1 },
		{ NULL, NULL, 0 }
	};
	const struct cmd_opt renew_opts[] = {
		{ "--role", &role, 1 }, { "--cert", &cert, 1 }, { NULL, NULL, 0 }
	};
	static const char *const synopsis[] = { ADD_SYNOPSIS, REPLACE_SYNOPSIS, RENEW_SYNOPSIS };
	struct reserved reserved;
	struct sig_trust *trust = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;
	int64_t now;
	int rc;

	err_clear(&e);
	memset(&reserved, 0, sizeof(reserved));
	rc = cmd_parse(argc, argv, how == RENEW ? renew_opts : opts, &code, 1, synopsis[how]);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (cmd_now(&now, &e) < 0 ||
	    sig_trust_load(&trust, &cfg.hub.trust_anchors, &cfg.hub.crls, (time_t)now, &e) < 0 ||
	    reserved_load(&cfg, &reserved, (time_t)now, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	if (how == ADD)
		rc = registry_officer_add(l, trust, &reserved.list, code, role, name, cert, now, &e);
	else if (how == REPLACE)
		rc = registry_officer_replace(l, trust, &reserved.list, code, role, name, cert, now,
					      &e);
	else
		rc = registry_officer_renew(l, trust, &reserved.list, code, role, cert, now, &e);
	if (rc < 0) {
		rc = fail(&e);
		goto out;
	}
	if (how == RENEW)
		printf("renewed the certificate of the %s officer of %s\n", role, code);
	else
		printf("%s %s officer of %s: %s\n", how == REPLACE ? "replaced the" : "added the",
		       role, code, name);
	rc = EX_OK;
out:
	reserved_free(&reserved);
	sig_trust_free(trust);
	ledger_close(l);
	return rc;
}

#define LIST_COLUMNS 9

/* Every certificate the PUJK's officers have had: its term in office and its validity. */
static int officer_list(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct registry_officers o = { NULL, 0 };
	struct registry_pujk p;
	const char *code, **cells = NULL;
	char (*dates)[4][40] = NULL;
	char (*fingerprint)[17] = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc, argv, opts, &code, 1, LIST_SYNOPSIS);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (registry_pujk_get(l, code, &p, &e) < 0 ||
	    registry_officer_history(l, code, &o, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	cells = calloc((o.n + 1) * LIST_COLUMNS, sizeof(*cells));
	dates = calloc(o.n + 1, sizeof(*dates));
	fingerprint = calloc(o.n + 1, sizeof(*fingerprint));
	if (cells == NULL || dates == NULL || fingerprint == NULL) {
		err_sys(&e, ERR_INTERNAL, "cannot allocate");
		rc = fail(&e);
		goto out;
	}
	cells[0] = "ROLE", cells[1] = "STATUS", cells[2] = "FROM", cells[3] = "UNTIL";
	cells[4] = "CERT-NOT-BEFORE", cells[5] = "CERT-NOT-AFTER", cells[6] = "CERT-SHA256";
	cells[7] = "SERIAL", cells[8] = "NAME";
	for (size_t i = 0; i < o.n; i++) {
		const char **row = cells + (i + 1) * LIST_COLUMNS;

		cmd_time_wib(o.v[i].active_from, dates[i][0], sizeof(dates[i][0]));
		cmd_time_wib(o.v[i].active_to, dates[i][1], sizeof(dates[i][1]));
		cmd_time_wib(o.v[i].not_before, dates[i][2], sizeof(dates[i][2]));
		cmd_time_wib(o.v[i].not_after, dates[i][3], sizeof(dates[i][3]));
		snprintf(fingerprint[i], sizeof(fingerprint[i]), "%.16s", o.v[i].cert_sha256);
		row[0] = o.v[i].role;
		row[1] = o.v[i].active_to == 0 ? "active" : "former";
		row[2] = dates[i][0];
		row[3] = dates[i][1];
		row[4] = dates[i][2];
		row[5] = dates[i][3];
		row[6] = fingerprint[i];
		row[7] = o.v[i].serial;
		row[8] = o.v[i].name;
	}
	cmd_table(stdout, LIST_COLUMNS, o.n + 1, cells);
	rc = EX_OK;
out:
	free(fingerprint);
	free(dates);
	free(cells);
	registry_officers_free(&o);
	ledger_close(l);
	return rc;
}

int cmd_officer(int argc, char **argv, const struct cmd_globals *g)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return officer_change(argc - 2, argv + 2, g, ADD);
	if (argc >= 2 && strcmp(argv[1], "replace") == 0)
		return officer_change(argc - 2, argv + 2, g, REPLACE);
	if (argc >= 2 && strcmp(argv[1], "renew") == 0)
		return officer_change(argc - 2, argv + 2, g, RENEW);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return officer_list(argc - 2, argv + 2, g);
	fprintf(stderr, "usage: slktx %s\n       slktx %s\n       slktx %s\n       slktx %s\n",
		ADD_SYNOPSIS, REPLACE_SYNOPSIS, RENEW_SYNOPSIS, LIST_SYNOPSIS);
	return EX_USAGE;
}
