/*
 * main - the slktx command line: global options, the command table, and the
 * one place that decides how the process ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/fault.h"

#define SLKTX_VERSION "0.1.0"

static const struct command {
	const char *name;
	cmd_fn *fn;
	const char *synopsis;
} commands[] = {
	{ "run", cmd_run, "run [--json] [--syslog]" },
	{ "fetch", cmd_fetch, "fetch [--json] [--syslog]" },
	{ "process", cmd_process, "process [--json] [--syslog]" },
	{ "dispatch", cmd_dispatch, "dispatch [--json] [--syslog]" },
	{ "push", cmd_push, "push [--json] [--syslog]" },
	{ "validate", cmd_validate, "validate [--max-errors N] FILE..." },
	{ "sign", cmd_sign, "sign --cert CERT --key KEY FILE..." },
	{ "verify", cmd_verify, "verify FILE [--as SENDER] [--cafile CA [--crl CRL]...]" },
	{ "pujk", cmd_pujk, "pujk add CODE --name NAME --sector SECTOR | list | show CODE" },
	{ "officer", cmd_officer,
	  "officer add|replace CODE --role ROLE --name NAME --cert FILE | renew CODE --role ROLE --cert FILE | list CODE" },
	{ "ticket", cmd_ticket,
	  "ticket list [--date YYYY-MM-DD | --month YYYY-MM | --year YYYY | --from D --to D]\n"
	  "               [--pujk CODE] [--kind PGD|IND] [--status STATUS] [--csv]\n"
	  "  slktx ticket show N [--history] [--attachments]\n"
	  "  slktx ticket attachment N NAME -o FILE" },
	{ "audit", cmd_audit, "audit verify" },
	{ "report", cmd_report,
	  "report --from YYYY-MM-DD --to YYYY-MM-DD [--pujk CODE] [--bom] --out DIR" },
	{ "archive", cmd_archive, "archive [--date YYYY-MM-DD]" },
	{ "verify-archive", cmd_verify_archive, "verify-archive FILE [--cafile CA]" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: slktx [--config FILE] COMMAND [ARGS...]\n");
	fprintf(out, "       slktx --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  slktx %s\n", commands[i].synopsis);
}

int main(int argc, char **argv)
{
	struct cmd_globals g = { .config_path = NULL, .progname = "slktx" };
	int i = 1;

	fault_arm(getenv("SLKTX_FAULT"));
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			g.config_path = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			g.config_path = argv[i] + 9;
			i++;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EX_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("slktx %s\n", SLKTX_VERSION);
			return EX_OK;
		} else {
			fprintf(stderr, "slktx: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].fn(argc - i, argv + i, &g);
	fprintf(stderr, "slktx: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return EX_USAGE;
}
