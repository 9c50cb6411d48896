/*
 * cmd_officer - `slktx officer add|replace|list`: a PUJK's three officers.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/registry.h"
#include "trust/sig.h"

#define ADD_SYNOPSIS "officer add CODE --role ROLE --name NAME --cert FILE"
#define REPLACE_SYNOPSIS "officer replace CODE --role ROLE --name NAME --cert FILE"
#define LIST_SYNOPSIS "officer list CODE"

static int fail(const struct err *e)
{
	cmd_print_err(e);
	return cmd_exit_status(e);
}

static int officer_change(int argc, char **argv, const struct cmd_globals *g, int replace)
{
	const char *code, *role, *name, *cert;
	const struct cmd_opt opts[] = {
		{ "--role", &role, 1 }, { "--name", &name, 1 }, { "--cert", &cert, 1 },
		{ NULL, NULL, 0 }
	};
	const char *synopsis = replace ? REPLACE_SYNOPSIS : ADD_SYNOPSIS;
	struct sig_trust *trust = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc, argv, opts, &code, 1, synopsis);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (sig_trust_load(&trust, &cfg.hub.trust_anchors, &cfg.hub.crls, &e) < 0 ||
	    (replace ? registry_officer_replace : registry_officer_add)(l, trust, code, role, name,
									  cert, time(NULL), &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	printf("%s %s officer of %s: %s\n", replace ? "replaced the" : "added the", role, code,
	       name);
	rc = EX_OK;
out:
	sig_trust_free(trust);
	ledger_close(l);
	return rc;
}

static int officer_list(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct registry_officers o = { NULL, 0 };
	struct registry_pujk p;
	const char *code, **cells = NULL;
	char (*dates)[2][40] = NULL;
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
	cells = calloc((o.n + 1) * 7, sizeof(*cells));
	dates = calloc(o.n + 1, sizeof(*dates));
	fingerprint = calloc(o.n + 1, sizeof(*fingerprint));
	if (cells == NULL || dates == NULL || fingerprint == NULL) {
		err_sys(&e, ERR_INTERNAL, "cannot allocate");
		rc = fail(&e);
		goto out;
	}
	cells[0] = "ROLE", cells[1] = "STATUS", cells[2] = "FROM", cells[3] = "TO";
	cells[4] = "CERT-SHA256", cells[5] = "SERIAL", cells[6] = "NAME";
	for (size_t i = 0; i < o.n; i++) {
		const char **row = cells + (i + 1) * 7;

		cmd_time_wib(o.v[i].active_from, dates[i][0], sizeof(dates[i][0]));
		cmd_time_wib(o.v[i].active_to, dates[i][1], sizeof(dates[i][1]));
		snprintf(fingerprint[i], sizeof(fingerprint[i]), "%.16s", o.v[i].cert_sha256);
		row[0] = o.v[i].role;
		row[1] = o.v[i].active_to == 0 ? "active" : "former";
		row[2] = dates[i][0];
		row[3] = dates[i][1];
		row[4] = fingerprint[i];
		row[5] = o.v[i].serial;
		row[6] = o.v[i].name;
	}
	cmd_table(stdout, 7, o.n + 1, cells);
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
		return officer_change(argc - 2, argv + 2, g, 0);
	if (argc >= 2 && strcmp(argv[1], "replace") == 0)
		return officer_change(argc - 2, argv + 2, g, 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return officer_list(argc - 2, argv + 2, g);
	fprintf(stderr, "usage: slktx %s\n       slktx %s\n       slktx %s\n", ADD_SYNOPSIS,
		REPLACE_SYNOPSIS, LIST_SYNOPSIS);
	return EX_USAGE;
}
