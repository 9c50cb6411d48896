/*
 * cmd_config - `slktx config check [--connect]`: the configuration file read
 * to the end (every unknown key, bad value and syntax error, not just the
 * first), then every file and folder it names (preflight.h), like `postfix
 * check` or `nginx -t`.  One line per problem, "FILE:LINE: error: [section]
 * key: message", then a count.  Exit 0 when there is no error (warnings
 * allowed), 78 otherwise.  Also the printing half of the check `run` makes
 * before it touches the server (cmd_preflight).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "exchange/preflight.h"

static const char config_synopsis[] = "config check [--connect]";

static void print_problem(FILE *out, const struct preflight_problem *p)
{
	const char *level = p->level == PREFLIGHT_ERROR ? "error" : "warning";
	const char *file = p->file[0] ? p->file : "(defaults)";

	if (p->line > 0)
		fprintf(out, "%s:%ld: %s: ", file, p->line, level);
	else
		fprintf(out, "%s: %s: ", file, level);
	if (p->key[0])
		fprintf(out, "%s: ", p->key);
	fprintf(out, "%s\n", p->msg);
}

static void add_config_problem(void *ctx, const struct config_problem *p)
{
	/* a failed allocation loses one line, the count of errors still says "bad" */
	(void)preflight_add(ctx, PREFLIGHT_ERROR, p->file, p->line, p->section, p->key, "%s",
			    p->msg);
}

int cmd_preflight(const struct config *cfg, int flags, FILE *out, int *errors)
{
	struct preflight_report r = { 0 };
	struct err e;
	int rc;

	err_clear(&e);
	*errors = 0;
	rc = preflight_run(cfg, (int64_t)time(NULL), getuid(), flags, &r, &e);
	if (rc < 0) {
		cmd_print_err(&e);
		preflight_report_free(&r);
		return EX_SOFTWARE;
	}
	for (size_t i = 0; i < r.n; i++) {
		/* the run's own stages report the transient ones in their words */
		if (flags & CMD_PREFLIGHT_RUN && r.v[i].transient)
			continue;
		if (r.v[i].level == PREFLIGHT_ERROR)
			(*errors)++;
		if (out != NULL && (!(flags & CMD_PREFLIGHT_RUN) || r.v[i].level == PREFLIGHT_ERROR)) {
			fprintf(out, "slktx: ");
			print_problem(out, &r.v[i]);
		}
	}
	preflight_report_free(&r);
	return 0;
}

static int config_check(int argc, char **argv, const struct cmd_globals *g)
{
	struct preflight_report r = { 0 };
	const char *path = cmd_config_path(g);
	int flags = 0, rc, errors = 0;
	struct config cfg;
	struct err e;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--connect") == 0) {
			flags |= PREFLIGHT_CONNECT;
		} else {
			fprintf(stderr, "slktx: %s '%s'\nusage: slktx %s\n",
				argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i],
				config_synopsis);
			return EX_USAGE;
		}
	}
	if (path == NULL)
		return cmd_load_config(g, &cfg, 1);
	err_clear(&e);
	rc = config_check_file(&cfg, path, add_config_problem, &r, &e);
	if (rc < 0) {
		cmd_print_err(&e);
		preflight_report_free(&r);
		return cmd_exit_status(&e);
	}
	for (size_t i = 0; i < r.n; i++)
		print_problem(stdout, &r.v[i]);
	errors = (int)r.errors;
	preflight_report_free(&r);
	err_clear(&e);
	rc = preflight_run(&cfg, (int64_t)time(NULL), getuid(), flags, &r, &e);
	if (rc < 0) {
		cmd_print_err(&e);
		preflight_report_free(&r);
		return EX_SOFTWARE;
	}
	for (size_t i = 0; i < r.n; i++)
		print_problem(stdout, &r.v[i]);
	errors += (int)r.errors;
	if (errors == 0)
		printf("%s: configuration good (%zu warning%s)%s\n", path, r.warnings,
		       r.warnings == 1 ? "" : "s",
		       flags & PREFLIGHT_CONNECT ? ", the server answers" : "");
	else
		printf("%s: %d error%s, %zu warning%s\n", path, errors, errors == 1 ? "" : "s",
		       r.warnings, r.warnings == 1 ? "" : "s");
	preflight_report_free(&r);
	return errors ? EX_CONFIG : EX_OK;
}

int cmd_config(int argc, char **argv, const struct cmd_globals *g)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return config_check(argc - 1, argv + 1, g);
	if (argc < 2)
		fprintf(stderr, "slktx: config: missing subcommand\nusage: slktx %s\n",
			config_synopsis);
	else
		fprintf(stderr, "slktx: config: unknown subcommand '%s'\nusage: slktx %s\n", argv[1],
			config_synopsis);
	return EX_USAGE;
}
