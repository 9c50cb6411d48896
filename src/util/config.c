/*
 * config - the INI configuration of SPEC §10, read with libinih.
 *
 * Offers config_defaults and config_load (see config.h).  Every key is one
 * row of the table below: its section, its name (the struct field's name),
 * its kind and its bounds; the parser knows nothing else.  Every failure is
 * an ERR_CONFIG naming the file, the line and the key; a given file that
 * cannot be read is an ERR_CONFIG naming the file.  A file's relative paths
 * are resolved against the file's own directory.
 *
 * libinih reads lines of at most INI_MAX_LINE - 1 (199) bytes; a longer line is
 * refused rather than silently split.  A value may go on over indented
 * continuation lines only for the lists (trust_anchors, crls, certs).
 */
#include "util/config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum key_kind {
	KEY_PATH,     /* a local path, resolved against the file's directory */
	KEY_STRING,   /* taken as written */
	KEY_CHOICE,   /* one of choices[] */
	KEY_LIST,     /* comma- or whitespace-separated local paths */
	KEY_INT,      /* a decimal number */
	KEY_SIZE,     /* bytes, with K M G T suffixes (powers of 1024) */
	KEY_SECONDS,  /* a duration in seconds, with s m h d suffixes */
	KEY_MILLIS,   /* a duration in milliseconds, with ms s m h d suffixes */
	KEY_BOOL,     /* yes no true false on off 1 0 */
};

struct key {
	const char *section;
	const char *name;
	enum key_kind kind;
	size_t off;  /* offsetof(struct config, field) */
	size_t size; /* sizeof the field */
	long long min, max;
	const char *const *choices;
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define DAY (24LL * 3600)

static const char *const transport_types[] = { "local", "sftp", NULL };
static const char *const after_fetch_modes[] = { "delete", "move", NULL };
static const char *const host_key_types[] = {
	"", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", NULL
};

static const struct key keys[] = {
	{ "spool", "dir", KEY_PATH, FIELD(spool.dir), 0, 0, NULL },
	{ "ledger", "path", KEY_PATH, FIELD(ledger.path), 0, 0, NULL },
	{ "ledger", "busy_timeout_ms", KEY_MILLIS, FIELD(ledger.busy_timeout_ms), 0, 600000, NULL },
	{ "hub", "cert", KEY_PATH, FIELD(hub.cert), 0, 0, NULL },
	{ "hub", "key", KEY_PATH, FIELD(hub.key), 0, 0, NULL },
	{ "hub", "trust_anchors", KEY_LIST, FIELD(hub.trust_anchors), 0, 0, NULL },
	{ "hub", "crls", KEY_LIST, FIELD(hub.crls), 0, 0, NULL },
	{ "transport", "type", KEY_CHOICE, FIELD(transport.type), 0, 0, transport_types },
	{ "transport", "root", KEY_PATH, FIELD(transport.root), 0, 0, NULL },
	{ "transport", "intake_outbound", KEY_STRING, FIELD(transport.intake_outbound), 1, 0, NULL },
	{ "transport", "intake_inbound", KEY_STRING, FIELD(transport.intake_inbound), 1, 0, NULL },
	{ "transport", "pujk_root", KEY_STRING, FIELD(transport.pujk_root), 1, 0, NULL },
	{ "transport", "after_fetch", KEY_CHOICE, FIELD(transport.after_fetch), 0, 0, after_fetch_modes },
	{ "transport", "move_to", KEY_STRING, FIELD(transport.move_to), 1, 0, NULL },
	{ "transport", "host", KEY_STRING, FIELD(transport.host), 0, 0, NULL },
	{ "transport", "port", KEY_INT, FIELD(transport.port), 1, 65535, NULL },
	{ "transport", "user", KEY_STRING, FIELD(transport.user), 0, 0, NULL },
	{ "transport", "identity", KEY_PATH, FIELD(transport.identity), 0, 0, NULL },
	{ "transport", "passphrase_file", KEY_PATH, FIELD(transport.passphrase_file), 0, 0, NULL },
	{ "transport", "known_hosts", KEY_PATH, FIELD(transport.known_hosts), 0, 0, NULL },
	{ "transport", "host_key_type", KEY_CHOICE, FIELD(transport.host_key_type), 0, 0, host_key_types },
	{ "transport", "connect_timeout_s", KEY_SECONDS, FIELD(transport.connect_timeout_s), 1, DAY, NULL },
	{ "transport", "op_timeout_s", KEY_SECONDS, FIELD(transport.op_timeout_s), 1, DAY, NULL },
	{ "transport", "run_timeout_s", KEY_SECONDS, FIELD(transport.run_timeout_s), 1, 7 * DAY, NULL },
	{ "transport", "connections", KEY_INT, FIELD(transport.connections), 1, 16, NULL },
	{ "transport", "ciphers", KEY_STRING, FIELD(transport.ciphers), 0, 0, NULL },
	{ "transport", "macs", KEY_STRING, FIELD(transport.macs), 0, 0, NULL },
	{ "intake", "sender", KEY_STRING, FIELD(intake.sender), 1, 0, NULL },
	{ "intake", "certs", KEY_LIST, FIELD(intake.certs), 0, 0, NULL },
	{ "registry", "grace_hours", KEY_INT, FIELD(registry.grace_hours), 0, 24 * 366, NULL },
	{ "limits", "max_file_size", KEY_SIZE, FIELD(limits.max_file_size), 1, 1LL << 40, NULL },
	{ "limits", "max_depth", KEY_INT, FIELD(limits.max_depth), 1, 256, NULL },
	{ "limits", "max_text_length", KEY_SIZE, FIELD(limits.max_text_length), 1, 1LL << 30, NULL },
	{ "limits", "max_records", KEY_INT, FIELD(limits.max_records), 1, 100000000, NULL },
	{ "limits", "max_errors", KEY_INT, FIELD(limits.max_errors), 1, 1000000, NULL },
	{ "limits", "max_attachment_size", KEY_SIZE, FIELD(limits.max_attachment_size), 1, 1LL << 40, NULL },
	{ "limits", "max_package_size", KEY_SIZE, FIELD(limits.max_package_size), 1, 1LL << 40, NULL },
	{ "limits", "max_compression_ratio", KEY_INT, FIELD(limits.max_compression_ratio), 1, 100000, NULL },
	{ "limits", "max_package_entries", KEY_INT, FIELD(limits.max_package_entries), 1, 1000000, NULL },
	{ "limits", "orphan_after_s", KEY_SECONDS, FIELD(limits.orphan_after_s), 1, 365 * DAY, NULL },
	{ "limits", "clock_skew_s", KEY_SECONDS, FIELD(limits.clock_skew_s), 0, DAY, NULL },
	{ "sla", "pengaduan_days", KEY_INT, FIELD(sla.pengaduan_days), 1, 365, NULL },
	{ "sla", "indikasi_days", KEY_INT, FIELD(sla.indikasi_days), 1, 365, NULL },
	{ "sla", "extension_days", KEY_INT, FIELD(sla.extension_days), 0, 365, NULL },
	{ "calendar", "dir", KEY_PATH, FIELD(calendar.dir), 0, 0, NULL },
	{ "calendar", "timezone", KEY_STRING, FIELD(calendar.timezone), 1, 0, NULL },
	{ "report", "dir", KEY_PATH, FIELD(report.dir), 0, 0, NULL },
	{ "report", "csv_bom", KEY_BOOL, FIELD(report.csv_bom), 0, 1, NULL },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	copy(c->spool.dir, sizeof(c->spool.dir), "spool");
	copy(c->ledger.path, sizeof(c->ledger.path), "spool/ledger.sqlite");
	c->ledger.busy_timeout_ms = 10000;
	copy(c->hub.cert, sizeof(c->hub.cert), "pki/hub.crt");
	copy(c->hub.key, sizeof(c->hub.key), "pki/hub.key");
	c->hub.trust_anchors.n = 1;
	copy(c->hub.trust_anchors.v[0], PATH_MAX, "pki/ca.crt");
	copy(c->transport.type, sizeof(c->transport.type), "local");
	copy(c->transport.root, sizeof(c->transport.root), "exchange");
	copy(c->transport.intake_outbound, sizeof(c->transport.intake_outbound), "/slkt/outbound");
	copy(c->transport.intake_inbound, sizeof(c->transport.intake_inbound), "/slkt/inbound");
	copy(c->transport.pujk_root, sizeof(c->transport.pujk_root), "/pujk");
	copy(c->transport.after_fetch, sizeof(c->transport.after_fetch), "delete");
	copy(c->transport.move_to, sizeof(c->transport.move_to), "/processed");
	c->transport.port = 22;
	c->transport.connect_timeout_s = 15;
	c->transport.op_timeout_s = 60;
	c->transport.run_timeout_s = 3600;
	c->transport.connections = 4;
	copy(c->intake.sender, sizeof(c->intake.sender), "OJK");
	c->intake.certs.n = 1;
	copy(c->intake.certs.v[0], PATH_MAX, "pki/intake.crt");
	c->registry.grace_hours = 72;
	c->limits.max_file_size = 2LL << 30;
	c->limits.max_depth = 16;
	c->limits.max_text_length = 65536;
	c->limits.max_records = 1000000;
	c->limits.max_errors = 100;
	c->limits.max_attachment_size = 10LL << 20;
	c->limits.max_package_size = 200LL << 20;
	c->limits.max_compression_ratio = 100;
	c->limits.max_package_entries = 1000;
	c->limits.orphan_after_s = 86400;
	c->limits.clock_skew_s = 300;
	c->sla.pengaduan_days = 10;
	c->sla.indikasi_days = 10;
	c->sla.extension_days = 10;
	copy(c->calendar.timezone, sizeof(c->calendar.timezone), "Asia/Jakarta");
	copy(c->report.dir, sizeof(c->report.dir), "spool/reports");
	c->report.csv_bom = 0;
}

struct parse {
	struct config *c;
	const char *file;     /* as given, for messages */
	char base[PATH_MAX];  /* the file's directory, absolute */
	FILE *f;
	long lineno;          /* the line the reader handed out last */
	int continuation;     /* that line is an indented continuation */
	int seen[NKEYS];
	const struct key *prev; /* the key of the previous handler call */
	const char *section, *name; /* of the line being handled, for problems */
	config_problem_fn *fn;  /* config_check_file: every problem, not just the first */
	void *fn_ctx;
	int problems;
	struct err *e;
	int failed;
};

/* Keep the first error in the file: libinih reports only the first line. */
static int fail(struct parse *p, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct parse *p, long line, const char *fmt, ...)
{
	char msg[sizeof(p->e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->fn != NULL) {
		struct config_problem pr = { p->file, line, p->section, p->name, msg };

		p->fn(p->fn_ctx, &pr);
		p->problems++;
	}
	if (p->failed && p->e->line <= line)
		return 0;
	err_set_at(p->e, ERR_CONFIG, p->file, line, 0, "%s", msg);
	p->failed = 1;
	return 0;
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *s;
	int ch;

	if (fgets(str, num, p->f) == NULL)
		return NULL;
	p->lineno++;
	/* a line that filled str: fine if it ends right there, too long if not */
	if (strchr(str, '\n') == NULL && (ch = fgetc(p->f)) != EOF && ch != '\n') {
		fail(p, p->lineno, "line longer than %d characters", num - 1);
		while ((ch = fgetc(p->f)) != EOF && ch != '\n')
			;
	}
	s = str + strspn(str, " \t");
	p->continuation = s > str && *s != '\0' && *s != '\n' && *s != '\r' &&
			  *s != ';' && *s != '#';
	return str;
}

/* A decimal number with an optional unit from units[] (multipliers in mult[]). */
static int parse_number(const char *v, const char *const *units, const long long *mult,
			long long *out)
{
	char *end;
	long long n;

	errno = 0;
	if (*v < '0' || *v > '9')
		return -1;
	n = strtoll(v, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == '\0') {
		*out = n * mult[0];
		return n > LLONG_MAX / mult[0] ? -1 : 0;
	}
	for (int i = 1; units[i] != NULL; i++) {
		if (strcmp(end, units[i]) == 0) {
			if (n > LLONG_MAX / mult[i])
				return -1;
			*out = n * mult[i];
			return 0;
		}
	}
	return -1;
}

static const char *const int_units[] = { "", NULL };
static const long long int_mult[] = { 1 };
static const char *const size_units[] = { "", "K", "M", "G", "T", NULL };
static const long long size_mult[] = { 1, 1LL << 10, 1LL << 20, 1LL << 30, 1LL << 40 };
static const char *const sec_units[] = { "", "s", "m", "h", "d", NULL };
static const long long sec_mult[] = { 1, 1, 60, 3600, 86400 };
static const char *const ms_units[] = { "", "ms", "s", "m", "h", "d", NULL };
static const long long ms_mult[] = { 1, 1, 1000, 60000, 3600000, 86400000 };

static void store_int(void *field, size_t size, long long v)
{
	if (size == sizeof(int))
		*(int *)field = (int)v;
	else
		*(int64_t *)field = v; /* long and int64_t are both 64 bits here */
}

_Static_assert(sizeof(long) == sizeof(int64_t), "long fields stored as int64_t");

static int resolve(struct parse *p, const char *v, char *dst, size_t size)
{
	int n;

	if (v[0] == '/' || v[0] == '\0')
		n = snprintf(dst, size, "%s", v);
	else
		n = snprintf(dst, size, "%s/%s", p->base, v);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int set_list(struct parse *p, const struct key *k, struct config_list *l,
		    const char *v)
{
	const char *sep = ", \t";
	char item[PATH_MAX];
	size_t len;

	for (v += strspn(v, sep); *v != '\0'; v += strspn(v, sep)) {
		len = strcspn(v, sep);
		if (len >= sizeof(item))
			return fail(p, p->lineno, "path too long in '%s' in [%s]", k->name,
				    k->section);
		memcpy(item, v, len);
		item[len] = '\0';
		if (l->n >= CONFIG_LIST_MAX)
			return fail(p, p->lineno, "too many entries for '%s' in [%s] (at most %d)",
				    k->name, k->section, CONFIG_LIST_MAX);
		if (resolve(p, item, l->v[l->n], sizeof(l->v[0])) < 0)
			return fail(p, p->lineno, "path too long in '%s' in [%s]", k->name,
				    k->section);
		l->n++;
		v += len;
	}
	return 1;
}

static int fail_choice(struct parse *p, const struct key *k, const char *v)
{
	char list[256] = "";
	size_t len = 0;

	for (int i = 0; k->choices[i] != NULL && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
				k->choices[i][0] ? k->choices[i] : "(empty)");
	return fail(p, p->lineno, "invalid value '%s' for '%s' in [%s] (valid: %s)", v, k->name,
		    k->section, list);
}

static int set_value(struct parse *p, const struct key *k, const char *v)
{
	void *field = (char *)p->c + k->off;
	long long n;
	int rc;

	switch (k->kind) {
	case KEY_PATH:
		if (resolve(p, v, field, k->size) < 0)
			return fail(p, p->lineno, "path too long for '%s' in [%s]", k->name,
				    k->section);
		return 1;
	case KEY_STRING:
		if (strlen(v) < (size_t)k->min)
			return fail(p, p->lineno, "empty value for '%s' in [%s]", k->name,
				    k->section);
		if (strlen(v) >= k->size)
			return fail(p, p->lineno, "value too long for '%s' in [%s] (at most %zu)",
				    k->name, k->section, k->size - 1);
		copy(field, k->size, v);
		return 1;
	case KEY_CHOICE:
		for (int i = 0; k->choices[i] != NULL; i++) {
			if (strcmp(v, k->choices[i]) == 0) {
				copy(field, k->size, v);
				return 1;
			}
		}
		return fail_choice(p, k, v);
	case KEY_LIST:
		((struct config_list *)field)->n = 0;
		return set_list(p, k, field, v);
	case KEY_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
			n = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") ||
			 !strcmp(v, "0"))
			n = 0;
		else
			return fail(p, p->lineno, "invalid value '%s' for '%s' in [%s]: not a boolean",
				    v, k->name, k->section);
		store_int(field, k->size, n);
		return 1;
	case KEY_INT:
		rc = parse_number(v, int_units, int_mult, &n);
		break;
	case KEY_SIZE:
		rc = parse_number(v, size_units, size_mult, &n);
		break;
	case KEY_SECONDS:
		rc = parse_number(v, sec_units, sec_mult, &n);
		break;
	case KEY_MILLIS:
		rc = parse_number(v, ms_units, ms_mult, &n);
		break;
	default:
		return fail(p, p->lineno, "internal: unknown kind for '%s'", k->name);
	}
	if (rc < 0)
		return fail(p, p->lineno, "invalid value '%s' for '%s' in [%s]", v, k->name,
			    k->section);
	if (n < k->min || n > k->max)
		return fail(p, p->lineno, "value %s for '%s' in [%s] out of range (%lld to %lld)",
			    v, k->name, k->section, k->min, k->max);
	store_int(field, k->size, n);
	return 1;
}

/* Edit distance (insertions, deletions, substitutions) of two short names. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], diag, up;

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* Close enough to be a typo: two edits (a swap of letters is two), or a
 * third of a long name's letters. */
static int near(size_t d, const char *name)
{
	return d <= 2 || d <= strlen(name) / 3;
}

/* An unknown section or key, with the nearest known one when it looks like a typo. */
static int fail_unknown(struct parse *p, const char *section, const char *name)
{
	const struct key *best = NULL, *elsewhere = NULL;
	size_t d, best_d = (size_t)-1;
	int known_section = 0;

	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) == 0) {
			known_section = 1;
			d = distance(name, keys[i].name);
			if (d < best_d) {
				best_d = d;
				best = &keys[i];
			}
		} else if (strcmp(keys[i].name, name) == 0 && elsewhere == NULL) {
			elsewhere = &keys[i];
		}
	}
	if (known_section && best != NULL && near(best_d, name))
		return fail(p, p->lineno, "unknown key '%s' in [%s]; did you mean '%s'?", name,
			    section, best->name);
	if (known_section && elsewhere != NULL)
		return fail(p, p->lineno, "unknown key '%s' in [%s]; did you mean '%s' in [%s]?",
			    name, section, name, elsewhere->section);
	if (known_section)
		return fail(p, p->lineno, "unknown key '%s' in [%s]", name, section);
	best_d = (size_t)-1;
	for (size_t i = 0; i < NKEYS; i++) {
		d = distance(section, keys[i].section);
		if (d < best_d) {
			best_d = d;
			best = &keys[i];
		}
	}
	if (near(best_d, section))
		return fail(p, p->lineno, "unknown section [%s] (key '%s'); did you mean [%s]?",
			    section, name, best->section);
	return fail(p, p->lineno, "unknown section [%s] (key '%s')", section, name);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct key *k = NULL;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0) {
			k = &keys[i];
			break;
		}
	}
	p->section = section;
	p->name = name;
	if (k == NULL)
		return fail_unknown(p, section, name);
	if (p->continuation && k == p->prev) {
		if (k->kind != KEY_LIST)
			return fail(p, p->lineno, "continuation line for '%s' in [%s]: only lists may go on",
				    name, section);
		return set_list(p, k, (struct config_list *)((char *)p->c + k->off), value);
	}
	p->prev = k;
	if (p->seen[i])
		return fail(p, p->lineno, "duplicate key '%s' in [%s]", name, section);
	p->seen[i] = 1;
	p->c->key_line[i] = p->lineno;
	return set_value(p, k, value);
}

static int key_seen(const struct parse *p, const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return p->seen[i];
	return 0;
}

static int derive(struct parse *p, const char *section, const char *name, char *dst,
		  size_t size, const char *leaf)
{
	int n;

	if (key_seen(p, section, name))
		return 0;
	n = snprintf(dst, size, "%s/%s", p->c->spool.dir, leaf);
	if (n < 0 || (size_t)n >= size)
		return err_set_at(p->e, ERR_CONFIG, p->file, 0, 0,
				  "path too long for '%s' in [%s] derived from [spool] dir",
				  name, section);
	return 0;
}

static int load_file(struct config *c, const char *path, config_problem_fn *fn, void *ctx,
		     struct err *e)
{
	struct parse p = { .c = c, .file = path, .e = e, .fn = fn, .fn_ctx = ctx };
	char real[PATH_MAX];
	struct stat st;
	char *slash;
	int rc = -1, ret;

	config_defaults(c);
	p.f = fopen(path, "re");
	if (p.f == NULL) {
		err_sys(e, ERR_CONFIG, "cannot open configuration");
		goto out_named;
	}
	if (fstat(fileno(p.f), &st) < 0) {
		err_sys(e, ERR_CONFIG, "cannot stat configuration");
		goto out_named;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, ERR_CONFIG, "configuration is not a regular file");
		goto out_named;
	}
	if (realpath(path, real) == NULL) {
		err_sys(e, ERR_CONFIG, "cannot resolve configuration path");
		goto out_named;
	}
	copy(c->source, sizeof(c->source), path); /* for the problems found further on */
	slash = strrchr(real, '/');
	*(slash == real ? slash + 1 : slash) = '\0';
	copy(p.base, sizeof(p.base), real);

	ret = ini_parse_stream(reader, &p, handler, &p);
	if (ret < 0) {
		err_set_at(e, ERR_CONFIG, path, 0, 0, "cannot read configuration");
		goto out;
	}
	if (ret > 0 && (!p.failed || ret < e->line)) {
		p.section = p.name = NULL;
		fail(&p, ret, "syntax error: expected '[section]' or 'key = value'");
	}
	if (p.failed || ferror(p.f)) {
		if (!p.failed)
			err_sys(e, ERR_CONFIG, "cannot read configuration '%s'", path);
		/* config_check_file goes on with what was read: the derived paths too */
		if (fn != NULL) {
			struct err ignored;

			p.e = &ignored;
			derive(&p, "ledger", "path", c->ledger.path, sizeof(c->ledger.path),
			       "ledger.sqlite");
			derive(&p, "report", "dir", c->report.dir, sizeof(c->report.dir), "reports");
		}
		goto out;
	}
	if (derive(&p, "ledger", "path", c->ledger.path, sizeof(c->ledger.path),
		   "ledger.sqlite") < 0 ||
	    derive(&p, "report", "dir", c->report.dir, sizeof(c->report.dir), "reports") < 0)
		goto out;
	copy(c->source, sizeof(c->source), path);
	rc = 0;
	goto out;
out_named:
	copy(e->file, sizeof(e->file), path);
out:
	if (p.f != NULL)
		fclose(p.f);
	return rc;
}

_Static_assert(NKEYS <= CONFIG_KEYS_MAX, "key_line has room for every key");

int config_load(struct config *c, const char *path, struct err *e)
{
	if (path == NULL) {
		config_defaults(c);
		return 0;
	}
	return load_file(c, path, NULL, NULL, e);
}

int config_check_file(struct config *c, const char *path, config_problem_fn *fn, void *ctx,
		      struct err *e)
{
	int rc = load_file(c, path, fn, ctx, e);

	if (rc == 0)
		return 0;
	/* a file that could not be opened reached no line: the caller reports e */
	return e->line > 0 ? 1 : -1;
}

long config_key_line(const struct config *c, const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return c->key_line[i];
	return 0;
}
