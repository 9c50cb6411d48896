/*
 * cmd - what every command shares: exit statuses and error output.
 */
#include "cmd/cmd.h"
#include "ledger/tickets.h"
#include "util/textesc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int cmd_exit_status(const struct err *e)
{
	switch (e->code) {
	case ERR_NONE:
		return EX_OK;
	case ERR_USAGE:
		return EX_USAGE;
	case ERR_CONFIG:
		return EX_CONFIG;
	case ERR_TRANSIENT:
		return EX_TEMPFAIL;
	case ERR_IO:
	case ERR_INTERNAL:
		return EX_SOFTWARE;
	default:
		return EX_DATAERR;
	}
}

void cmd_print_err(const struct err *e)
{
	char buf[3072], esc[6 * 3072]; /* an escape is at most 6 bytes a byte */

	err_format(e, buf, sizeof(buf));
	text_escape(esc, sizeof(esc), buf, 0);
	fprintf(stderr, "slktx: %s\n", esc);
}

const char *cmd_shown(const char *s)
{
	static char buf[4][3072];
	static unsigned next;
	char *b = buf[next++ % 4];

	text_escape(b, sizeof(buf[0]), s, 0);
	return b;
}

int cmd_parse(int argc, char **argv, const struct cmd_opt *opts, const char **positional,
	      int npos, const char *synopsis)
{
	int got = 0;
	size_t len;

	for (int i = 0; opts[i].name != NULL; i++)
		*opts[i].value = NULL;
	for (int a = 0; a < argc; a++) {
		const char *arg = argv[a];
		int matched = 0;

		if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "--") == 0) {
			if (strcmp(arg, "--") == 0 && a + 1 < argc)
				arg = argv[++a];
			if (got >= npos) {
				fprintf(stderr, "slktx: unexpected argument '%s'\nusage: slktx %s\n",
					arg, synopsis);
				return EX_USAGE;
			}
			positional[got++] = arg;
			continue;
		}
		for (int i = 0; opts[i].name != NULL && !matched; i++) {
			len = strlen(opts[i].name);
			if (strncmp(arg, opts[i].name, len) != 0)
				continue;
			if (arg[len] == '=') {
				*opts[i].value = arg + len + 1;
				matched = 1;
			} else if (arg[len] == '\0' && a + 1 < argc) {
				*opts[i].value = argv[++a];
				matched = 1;
			} else if (arg[len] == '\0') {
				fprintf(stderr, "slktx: option '%s' needs a value\nusage: slktx %s\n",
					arg, synopsis);
				return EX_USAGE;
			}
		}
		if (!matched) {
			fprintf(stderr, "slktx: unknown option '%s'\nusage: slktx %s\n", arg,
				synopsis);
			return EX_USAGE;
		}
	}
	if (got < npos) {
		fprintf(stderr, "slktx: missing argument\nusage: slktx %s\n", synopsis);
		return EX_USAGE;
	}
	for (int i = 0; opts[i].name != NULL; i++) {
		if (opts[i].required && *opts[i].value == NULL) {
			fprintf(stderr, "slktx: missing option '%s'\nusage: slktx %s\n",
				opts[i].name, synopsis);
			return EX_USAGE;
		}
	}
	return 0;
}

/* the files looked for after --config and $SLKTX_CONFIG, in order */
static const char *const config_places[] = { "config/slktx.conf", "/etc/slktx/slktx.conf" };

const char *cmd_config_path(const struct cmd_globals *g)
{
	const char *env = getenv("SLKTX_CONFIG");
	struct stat st;

	if (g->config_path != NULL)
		return g->config_path;
	if (env != NULL && env[0] != '\0')
		return env;
	/* a file that exists but cannot be read is still the one meant: load it to say why */
	for (size_t i = 0; i < sizeof(config_places) / sizeof(config_places[0]); i++)
		if (stat(config_places[i], &st) == 0 || errno != ENOENT)
			return config_places[i];
	return NULL;
}

int cmd_load_config(const struct cmd_globals *g, struct config *cfg, int need_file)
{
	const char *path = cmd_config_path(g);
	struct err e;

	err_clear(&e);
	if (path == NULL && need_file) {
		fprintf(stderr, "slktx: no configuration found (--config FILE, $SLKTX_CONFIG, "
				"config/slktx.conf, /etc/slktx/slktx.conf): copy "
				"config/slktx.conf.example there\n");
		return EX_CONFIG;
	}
	if (config_load(cfg, path, &e) < 0) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	return 0;
}

int cmd_open_ledger(const struct cmd_globals *g, struct config *cfg, struct ledger **l)
{
	struct err e;
	int rc;

	err_clear(&e);
	*l = NULL;
	rc = cmd_load_config(g, cfg, 1);
	if (rc != 0)
		return rc;
	if (mkdir(cfg->spool.dir, 0700) == 0) {
		if (chmod(cfg->spool.dir, 0700) < 0) {
			err_sys(&e, ERR_IO, "cannot set the mode of '%s'", cfg->spool.dir);
			goto fail;
		}
	} else if (errno != EEXIST) {
		err_sys(&e, ERR_IO, "cannot create the spool directory '%s'", cfg->spool.dir);
		goto fail;
	}
	if (ledger_open(l, cfg->ledger.path, cfg->ledger.busy_timeout_ms, &e) < 0)
		goto fail;
	return 0;
fail:
	cmd_print_err(&e);
	return cmd_exit_status(&e);
}

void cmd_time_wib(int64_t t, char *buf, size_t size)
{
	time_t wib = (time_t)(t + 7 * 3600);
	struct tm tm;

	if (t == 0 || gmtime_r(&wib, &tm) == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	strftime(buf, size, "%Y-%m-%d %H:%M:%S +07:00", &tm);
}

/* Columns are as wide as their widest cell in characters, not bytes (UTF-8
 * names); *bytes (when not NULL) is its length in bytes, from the same pass. */
static size_t display_width(const char *s, size_t *bytes)
{
	size_t len = strlen(s), n = len;

	/* a loop of known length, which the compiler makes wide */
	for (size_t i = 0; i < len; i++)
		n -= ((unsigned char)s[i] & 0xc0) == 0x80;
	if (bytes != NULL)
		*bytes = len;
	return n;
}

void cmd_table_widths(size_t ncols, size_t nrows, const char *const *cells, size_t *width)
{
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++)
			if (display_width(cells[r * ncols + c], NULL) > width[c])
				width[c] = display_width(cells[r * ncols + c], NULL);
}

/* The row made in memory and written at once, not fprintf'd cell by cell:
 * a list of a million tickets is printed here. */
void cmd_table_row(FILE *out, size_t ncols, const char *const *cells, const size_t *width)
{
	char line[2048];
	size_t len = 0;

	for (size_t c = 0; c < ncols; c++) {
		size_t n, w = display_width(cells[c], &n);
		size_t pad = c + 1 == ncols ? 0 : (width[c] > w ? width[c] - w : 0) + 2;

		if (len + n + pad + 1 > sizeof(line)) {
			fwrite(line, 1, len, out);
			len = 0;
			if (n + pad + 1 > sizeof(line)) {
				fputs(cells[c], out);
				n = 0;
			}
		}
		memcpy(line + len, cells[c], n);
		len += n;
		memset(line + len, ' ', pad > sizeof(line) - len - 1 ? sizeof(line) - len - 1 : pad);
		len += pad > sizeof(line) - len - 1 ? sizeof(line) - len - 1 : pad;
	}
	line[len++] = '\n';
	fwrite(line, 1, len, out);
}

void cmd_table(FILE *out, size_t ncols, size_t nrows, const char *const *cells)
{
	size_t width[16] = { 0 };

	if (ncols > sizeof(width) / sizeof(width[0]))
		ncols = sizeof(width) / sizeof(width[0]);
	cmd_table_widths(ncols, nrows, cells, width);
	for (size_t r = 0; r < nrows; r++)
		cmd_table_row(out, ncols, cells + r * ncols, width);
}

int cmd_now(int64_t *now, struct err *e)
{
	static int64_t cached;
	static int known;

	if (!known) {
		if (tickets_parse_now(getenv("SLKTX_NOW"), (int64_t)time(NULL), &cached, e) < 0)
			return -1;
		known = 1;
	}
	*now = cached;
	return 0;
}
