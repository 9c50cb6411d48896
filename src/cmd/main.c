/*
 * main - the slktx command line: global options, the command table, and the
 * one place that decides how the process ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "ledger/ledger.h"
#include "util/fault.h"

/* Each command's synopsis, one line per form: `slktx --help`, `slktx help
 * COMMAND` and `slktx COMMAND --help` print them, and the man page's
 * SYNOPSIS and the README's list the same commands (t0004 compares them). */
static const struct command {
	const char *name;
	cmd_fn *fn;
	const char *synopsis;
} commands[] = {
	{ "run", cmd_run, "run [--json] [--syslog] [--quiet]" },
	{ "fetch", cmd_fetch, "fetch [--json] [--syslog] [--quiet]" },
	{ "process", cmd_process, "process [--json] [--syslog] [--quiet]" },
	{ "dispatch", cmd_dispatch, "dispatch [--json] [--syslog] [--quiet]" },
	{ "statement", cmd_statement, "statement [--json] [--syslog] [--quiet]" },
	{ "push", cmd_push, "push [--json] [--syslog] [--quiet]" },
	{ "config", cmd_config, "config check [--connect]" },
	{ "validate", cmd_validate, "validate [--max-errors N] FILE..." },
	{ "sign", cmd_sign, "sign --cert CERT --key KEY FILE..." },
	{ "verify", cmd_verify, "verify FILE [--as SENDER] [--cafile CA [--crl CRL]...]" },
	{ "pujk", cmd_pujk,
	  "pujk add CODE --name NAME --sector SECTOR\n"
	  "pujk list\n"
	  "pujk show CODE" },
	{ "officer", cmd_officer,
	  "officer add|replace CODE --role ROLE --name NAME --cert FILE\n"
	  "officer renew CODE --role ROLE --cert FILE\n"
	  "officer list CODE" },
	{ "ticket", cmd_ticket,
	  "ticket list [--date YYYY-MM-DD | --month YYYY-MM | --year YYYY | --from D --to D]\n"
	  "             [--pujk CODE] [--kind PGD|IND] [--status STATUS] [--csv]\n"
	  "ticket show N [--history] [--attachments]\n"
	  "ticket attachment N NAME -o FILE" },
	{ "audit", cmd_audit, "audit verify" },
	{ "report", cmd_report,
	  "report --from YYYY-MM-DD --to YYYY-MM-DD [--pujk CODE] [--backlog] --out DIR" },
	{ "archive", cmd_archive, "archive [--date YYYY-MM-DD]" },
	{ "verify-archive", cmd_verify_archive, "verify-archive FILE [--cafile CA]" },
	{ "backup", cmd_backup, "backup FILE" },
	{ "help", NULL, "help [COMMAND]" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Lines of one synopsis, each after "slktx " (a continuation line, which
 * starts with blanks, after as many blanks). */
static void print_synopsis(FILE *out, const char *prefix, const char *synopsis)
{
	const char *s = synopsis, *nl;

	for (; *s != '\0'; s = *nl ? nl + 1 : nl) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		if (*s == ' ')
			fprintf(out, "%*s      %.*s\n", (int)strlen(prefix), "", (int)(nl - s), s);
		else
			fprintf(out, "%sslktx %.*s\n", prefix, (int)(nl - s), s);
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: slktx [--config FILE] COMMAND [ARGS...]\n");
	fprintf(out, "       slktx --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		print_synopsis(out, "  ", commands[i].synopsis);
	fprintf(out, "\n`slktx help COMMAND` or `slktx COMMAND --help` for one command; "
		     "man slktx for all.\n");
}

static const struct command *command_find(const char *name)
{
	for (size_t c = 0; c < NCOMMANDS; c++)
		if (strcmp(name, commands[c].name) == 0)
			return &commands[c];
	return NULL;
}

static int help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stdout);
		return EX_OK;
	}
	c = command_find(argv[1]);
	if (c == NULL || argc > 2) {
		fprintf(stderr, "slktx: help: %s '%s'\n", c ? "unexpected argument" : "unknown command",
			c ? argv[2] : argv[1]);
		usage(stderr);
		return EX_USAGE;
	}
	print_synopsis(stdout, "usage: ", c->synopsis);
	return EX_OK;
}

int main(int argc, char **argv)
{
	struct cmd_globals g = { .config_path = NULL, .progname = "slktx" };
	const struct command *c;
	int i = 1;

	ledger_setup();
	fault_arm(getenv("SLKTX_FAULT"));
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			g.config_path = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--config") == 0) {
			fprintf(stderr, "slktx: option '--config' needs a value (a file)\n");
			usage(stderr);
			return EX_USAGE;
		} else if (strncmp(argv[i], "--config=", 9) == 0 && argv[i][9] != '\0') {
			g.config_path = argv[i] + 9;
			i++;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EX_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("slktx %s\n", SLKTX_VERSION);
			return EX_OK;
		} else {
			fprintf(stderr, "slktx: %s '%s'\n",
				strcmp(argv[i], "--config=") == 0 ? "option needs a value"
								  : "unknown option",
				argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "slktx: missing command\n");
		usage(stderr);
		return EX_USAGE;
	}
	c = command_find(argv[i]);
	if (c == NULL) {
		fprintf(stderr, "slktx: unknown command '%s'\n", argv[i]);
		usage(stderr);
		return EX_USAGE;
	}
	/* every command answers --help the same way, before it parses anything */
	for (int a = i + 1; a < argc; a++) {
		if (strcmp(argv[a], "--") == 0)
			break;
		if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
			print_synopsis(stdout, "usage: ", c->synopsis);
			return EX_OK;
		}
	}
	if (c->fn == NULL)
		return help(argc - i, argv + i);
	return c->fn(argc - i, argv + i, &g);
}
