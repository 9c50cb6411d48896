/*
 * cmd_validate - `slktx validate [--max-errors N] FILE...`: the schema and
 * the rules that need no ledger, for back offices checking a file before
 * they drop it: every problem with its place, a name the hub would leave
 * unread on the server, a verdict per file listing every code found, and a
 * total when there are several files.  Exit 0 when every file is valid, 65
 * otherwise.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "util/config.h"
#include "domain/names.h"
#include "formats/filecheck.h"
#include "xml/schema.h"
#include "xml/xmlstream.h"
#include "util/textesc.h"

/* The scratch store: <dir>/<aa>/<sha256> files and .tmp leftovers. */
static void remove_tree(const char *dir)
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
			remove_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static const char validate_usage[] = "usage: slktx validate [--max-errors N] FILE...\n";

static void print_errs(const struct err *v, size_t n)
{
	char line[3072], esc[6 * 3072]; /* an escape is at most 6 bytes a byte */

	for (size_t i = 0; i < n; i++) {
		err_format(&v[i], line, sizeof(line));
		text_escape(esc, sizeof(esc), line, 0);
		printf("%s\n", esc);
	}
}

/*
 * A package is read into a scratch store that goes with the check: validate
 * keeps nothing.  Each attachment's verdict becomes a record-level problem.
 */
static int check_package(struct schema_set *schemas, const struct config *cfg, const char *path,
			 struct filecheck *fc, struct xmlstream_result *res, struct err *e)
{
	const char *tmpdir = getenv("TMPDIR");
	char store[PATH_MAX];
	enum err_code *verdicts = NULL;
	struct package pkg;
	int rc;

	if (snprintf(store, sizeof(store), "%s/slktx-validate.XXXXXX",
		     tmpdir && *tmpdir ? tmpdir : "/tmp") >= (int)sizeof(store))
		return err_set(e, ERR_IO, "TMPDIR '%s' is too long", tmpdir);
	if (mkdtemp(store) == NULL)
		return err_sys(e, ERR_IO, "cannot make a scratch directory");
	rc = filecheck_package(schemas, cfg, path, path, store, time(NULL), &pkg, &verdicts, fc,
			       res, e);
	for (size_t i = 0; rc == 0 && verdicts && i < fc->n_atts; i++) {
		struct err f;
		struct err *v;

		if (verdicts[i] == ERR_NONE)
			continue;
		err_set_at(&f, verdicts[i], path, fc->atts[i].line, fc->atts[i].col,
			   "record '%s': attachment '%s' %s", fc->atts[i].record, fc->atts[i].name,
			   verdicts[i] == ERR_ATTACHMENT_MISSING ? "is not in the package"
								 : "differs in size or sha256");
		v = realloc(fc->record_problems, (fc->n_record_problems + 1) * sizeof(*v));
		if (v == NULL)
			break;
		fc->record_problems = v;
		v[fc->n_record_problems++] = f;
	}
	free(verdicts);
	package_free(&pkg);
	remove_tree(store);
	return rc;
}

/* Add code to the verdict's list of codes, once. */
static void code_add(enum err_code *codes, size_t *n, size_t max, enum err_code code)
{
	for (size_t i = 0; i < *n; i++)
		if (codes[i] == code)
			return;
	if (*n < max)
		codes[(*n)++] = code;
}

/* The hub fetches only exchange names (names.h): anything else stays on the
 * server unread and unanswered, however valid its content. */
static int name_fetched(const char *path)
{
	const char *base = strrchr(path, '/');
	struct exchange_name name;

	return names_parse(base ? base + 1 : path, &name) == 0 && !name.signature;
}

static int validate_one(struct schema_set *schemas, const struct config *cfg, const char *path,
			struct err *e)
{
	struct xmlstream_result res;
	struct filecheck fc;
	enum err_code codes[ERR_CODE_COUNT];
	size_t n = strlen(path), ncodes = 0, problems;
	int rc, name_ok = name_fetched(path);

	memset(&fc, 0, sizeof(fc));
	if (n > 4 && strcmp(path + n - 4, ".zip") == 0)
		rc = check_package(schemas, cfg, path, &fc, &res, e);
	else
		rc = filecheck_run(schemas, cfg, path, path, time(NULL), &fc, &res, e);
	if (rc != 0)
		return -1;
	print_errs(res.errors, res.n_errors);
	if (res.n_unlisted > 0)
		printf("%s: ... and %zu more problems not listed\n", path, res.n_unlisted);
	if (res.n_errors == 0)
		print_errs(fc.record_problems, fc.n_record_problems);
	if (!name_ok)
		printf("%s: %s: not an exchange name (CB_, RSP_ or DSP_<CODE>_<YYYYMMDD>_<SEQ6>.xml "
		       "or .zip, ACK_<name>[_<n>].xml): the hub would leave it on the server unread\n",
		       path, err_code_name(ERR_NAME_INVALID));
	/* the code that decides the file's fate first, as the hub's acknowledgement gives it */
	if (res.n_errors > 0)
		code_add(codes, &ncodes, ERR_CODE_COUNT, xmlstream_verdict(&res));
	for (size_t i = 0; i < res.n_errors; i++)
		code_add(codes, &ncodes, ERR_CODE_COUNT, res.errors[i].code);
	for (size_t i = 0; res.n_errors == 0 && i < fc.n_record_problems; i++)
		code_add(codes, &ncodes, ERR_CODE_COUNT, fc.record_problems[i].code);
	if (!name_ok)
		code_add(codes, &ncodes, ERR_CODE_COUNT, ERR_NAME_INVALID);
	if (ncodes == 0) {
		printf("%s: valid %s, %ld %s\n", path, res.root_name, res.records,
		       res.root == ROOT_ACKNOWLEDGEMENT ? "results"
		       : res.root == ROOT_DISPATCH	? "items"
							: "records");
		rc = 0;
	} else {
		printf("%s: invalid (", path);
		for (size_t i = 0; i < ncodes; i++)
			printf("%s, ", err_code_name(codes[i]));
		if (res.n_errors == 0 && fc.n_record_problems > 0) {
			printf("%zu %s)\n", fc.n_record_problems,
			       fc.n_record_problems == 1 ? "record would be rejected"
							 : "records would be rejected");
		} else {
			problems = res.n_errors + res.n_unlisted + !name_ok;
			printf("%zu %s)\n", problems, problems == 1 ? "problem" : "problems");
		}
		rc = 1;
	}
	filecheck_free(&fc);
	xmlstream_result_free(&res);
	return rc;
}

int cmd_validate(int argc, char **argv, const struct cmd_globals *g)
{
	struct schema_set *schemas = NULL;
	struct config cfg;
	struct err e;
	int i = 1, first, invalid = 0, status = EX_OK;

	err_clear(&e);
	status = cmd_load_config(g, &cfg, 0);
	if (status != 0)
		return status;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--max-errors") == 0 && i + 1 < argc) {
			char *end;

			cfg.limits.max_errors = strtol(argv[++i], &end, 10);
			if (*end != '\0' || cfg.limits.max_errors < 1) {
				fprintf(stderr, "slktx validate: bad --max-errors '%s'\n", argv[i]);
				return EX_USAGE;
			}
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "slktx validate: unknown option '%s'\n%s", argv[i],
				validate_usage);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		fputs(validate_usage, stderr);
		return EX_USAGE;
	}
	if (schema_set_new(&schemas, &e) != 0) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	first = i;
	for (; i < argc; i++) {
		int rc = validate_one(schemas, &cfg, argv[i], &e);

		if (rc < 0) {
			cmd_print_err(&e);
			if (e.code == ERR_INTERNAL) {
				status = EX_SOFTWARE;
				break;
			}
			printf("%s: invalid (%s)\n", argv[i], err_code_name(e.code));
			invalid++;
		} else if (rc > 0) {
			invalid++;
		}
	}
	if (argc - first > 1 && status == EX_OK)
		printf("%d files: %d valid, %d invalid\n", argc - first, argc - first - invalid,
		       invalid);
	schema_set_free(schemas);
	if (status == EX_OK && invalid)
		status = EX_DATAERR;
	return status;
}
