/*
 * cmd_pujk - `slktx pujk add|list|show`: register PUJK and look at them.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/registry.h"

#define ADD_SYNOPSIS "pujk add CODE --name NAME --sector SECTOR"
#define LIST_SYNOPSIS "pujk list"
#define SHOW_SYNOPSIS "pujk show CODE"

static int fail(const struct err *e)
{
	cmd_print_err(e);
	return cmd_exit_status(e);
}

static int pujk_add(int argc, char **argv, const struct cmd_globals *g)
{
	const char *code, *name, *sector;
	const struct cmd_opt opts[] = {
		{ "--name", &name, 1 }, { "--sector", &sector, 1 }, { NULL, NULL, 0 }
	};
	struct ledger *l = NULL;
	struct config cfg;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc, argv, opts, &code, 1, ADD_SYNOPSIS);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	/* the intake's dispatches are keyed by its sender code, as a PUJK's by its code */
	if (strcmp(code, cfg.intake.sender) == 0) {
		err_set(&e, ERR_INVALID_STATE, "PUJK code '%s' is the intake's sender code "
			"([intake] sender): a PUJK needs another code", code);
		rc = fail(&e);
		goto out;
	}
	if (registry_pujk_add(l, code, name, sector, time(NULL), &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	printf("registered PUJK %s (%s, %s): not active until it has PRODUCT, SERVICE and "
	       "DECISION officers\n", code, name, sector);
	rc = EX_OK;
out:
	ledger_close(l);
	return rc;
}

static int pujk_list(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct registry_pujk *v = NULL;
	const char **cells = NULL;
	char (*created)[40] = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	size_t n = 0;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc, argv, opts, NULL, 0, LIST_SYNOPSIS);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (registry_pujk_all(l, &v, &n, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	cells = calloc((n + 1) * 5, sizeof(*cells));
	created = calloc(n + 1, sizeof(*created));
	if (cells == NULL || created == NULL) {
		err_sys(&e, ERR_INTERNAL, "cannot allocate");
		rc = fail(&e);
		goto out;
	}
	cells[0] = "CODE", cells[1] = "SECTOR", cells[2] = "ACTIVE", cells[3] = "REGISTERED";
	cells[4] = "NAME";
	for (size_t i = 0; i < n; i++) {
		const char **row = cells + (i + 1) * 5;

		cmd_time_wib(v[i].created_at, created[i], sizeof(created[i]));
		row[0] = v[i].code;
		row[1] = v[i].sector;
		row[2] = v[i].active ? "yes" : "no";
		row[3] = created[i];
		row[4] = v[i].name;
	}
	cmd_table(stdout, 5, n + 1, cells);
	rc = EX_OK;
out:
	free(created);
	free(cells);
	free(v);
	ledger_close(l);
	return rc;
}

static void print_missing(unsigned missing)
{
	const char *sep = "";

	printf("exchange:    not active: no ");
	for (int i = 0; i < REGISTRY_ROLES; i++) {
		if (missing & (1u << i)) {
			printf("%s%s", sep, registry_roles[i]);
			sep = ", ";
		}
	}
	printf(" officer\n");
}

static int pujk_show(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct registry_officers officers = { NULL, 0 };
	const char *code, *cells[(REGISTRY_ROLES + 1) * 5];
	char created[40], since[REGISTRY_ROLES][40];
	struct registry_pujk p;
	struct ledger *l = NULL;
	struct config cfg;
	size_t rows;
	struct err e;
	int rc;

	err_clear(&e);
	rc = cmd_parse(argc, argv, opts, &code, 1, SHOW_SYNOPSIS);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (registry_pujk_get(l, code, &p, &e) < 0 ||
	    registry_active_officers(l, code, &officers, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	cmd_time_wib(p.created_at, created, sizeof(created));
	printf("code:        %s\nname:        %s\nsector:      %s\nregistered:  %s\n", p.code,
	       p.name, p.sector, created);
	if (p.active)
		printf("exchange:    active\n");
	else
		print_missing(p.missing_roles);
	printf("\n");
	cells[0] = "ROLE", cells[1] = "NAME", cells[2] = "SINCE", cells[3] = "SERIAL";
	cells[4] = "SUBJECT";
	rows = officers.n < REGISTRY_ROLES ? officers.n : REGISTRY_ROLES;
	for (size_t i = 0; i < rows; i++) {
		const char **row = cells + (i + 1) * 5;

		cmd_time_wib(officers.v[i].active_from, since[i], sizeof(since[i]));
		row[0] = officers.v[i].role;
		row[1] = officers.v[i].name;
		row[2] = since[i];
		row[3] = officers.v[i].serial;
		row[4] = officers.v[i].subject;
	}
	cmd_table(stdout, 5, rows + 1, cells);
	rc = EX_OK;
out:
	registry_officers_free(&officers);
	ledger_close(l);
	return rc;
}

int cmd_pujk(int argc, char **argv, const struct cmd_globals *g)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return pujk_add(argc - 2, argv + 2, g);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return pujk_list(argc - 2, argv + 2, g);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return pujk_show(argc - 2, argv + 2, g);
	fprintf(stderr, "usage: slktx %s\n       slktx %s\n       slktx %s\n", ADD_SYNOPSIS,
		LIST_SYNOPSIS, SHOW_SYNOPSIS);
	return EX_USAGE;
}
