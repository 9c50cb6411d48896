/*
 * preflight - the checks of a configuration's files before a run (see
 * preflight.h).  Each check_* function looks at one key or one group of
 * keys and adds what it finds to the report; none stops the others, so that
 * one `config check` lists every problem at once.
 */
#include "exchange/preflight.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/calendar.h"
#include "transport/transport.h"
#include "trust/sig.h"

#define DAY (24 * 3600)
/* a CRL or a certificate this close to its end is worth a warning */
#define SOON (7 * DAY)

struct ctx {
	const struct config *cfg;
	struct preflight_report *r;
	int64_t now;
	uid_t uid;
	int nomem;
	int transient; /* the problems being added are transient */
};

int preflight_add(struct preflight_report *r, enum preflight_level level, const char *file,
		  long line, const char *section, const char *key, const char *fmt, ...)
{
	struct preflight_problem *p, *v;
	va_list ap;

	v = realloc(r->v, (r->n + 1) * sizeof(*r->v));
	if (v == NULL)
		return -1;
	r->v = v;
	p = &r->v[r->n++];
	memset(p, 0, sizeof(*p));
	p->level = level;
	snprintf(p->file, sizeof(p->file), "%s", file ? file : "");
	p->line = line;
	if (section != NULL && key != NULL)
		snprintf(p->key, sizeof(p->key), "[%s] %s", section, key);
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	if (level == PREFLIGHT_ERROR)
		r->errors++;
	else
		r->warnings++;
	return 0;
}

void preflight_report_free(struct preflight_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* A problem with [section] key, placed at the line that set it. */
static void problem(struct ctx *c, enum preflight_level level, const char *section,
		    const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(struct ctx *c, enum preflight_level level, const char *section,
		    const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (preflight_add(c->r, level, c->cfg->source, config_key_line(c->cfg, section, key),
			  section, key, "%s", msg) < 0)
		c->nomem = 1;
	else
		c->r->v[c->r->n - 1].transient = c->transient;
}

static void problem_err(struct ctx *c, const char *section, const char *key,
			const struct err *e)
{
	int was = c->transient;

	c->transient = was || e->code == ERR_TRANSIENT;
	problem(c, PREFLIGHT_ERROR, section, key, "%s", e->msg);
	c->transient = was;
}

/* The hub's key: the user that runs slktx owns it, nobody else may read it. */
static void check_hub_key(struct ctx *c)
{
	const char *path = c->cfg->hub.key;
	struct stat st;
	struct err e;

	if (lstat(path, &st) < 0) {
		problem(c, PREFLIGHT_ERROR, "hub", "key", "cannot read the hub's key '%s': %s", path,
			strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		problem(c, PREFLIGHT_ERROR, "hub", "key", "the hub's key '%s' is not a regular file",
			path);
		return;
	}
	if (st.st_uid != c->uid)
		problem(c, PREFLIGHT_ERROR, "hub", "key",
			"the hub's key '%s' belongs to uid %ld, not to uid %ld that runs slktx: "
			"chown it", path, (long)st.st_uid, (long)c->uid);
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		problem(c, PREFLIGHT_ERROR, "hub", "key",
			"the hub's key '%s' is open to group or others (mode %04o): chmod 600 it",
			path, (unsigned)(st.st_mode & 07777));
		return;
	}
	err_clear(&e);
	if (sig_pair_check(c->cfg->hub.cert, path, &e) < 0)
		problem_err(c, "hub", strcmp(e.file, c->cfg->hub.cert) == 0 ? "cert" : "key", &e);
}

static void check_expiry(struct ctx *c, const char *section, const char *key, const char *path,
			 const char *what)
{
	int64_t end;
	struct err e;

	err_clear(&e);
	if (sig_cert_not_after(path, &end, &e) < 0) {
		problem_err(c, section, key, &e);
		return;
	}
	if (end <= c->now)
		problem(c, PREFLIGHT_ERROR, section, key, "%s '%s' has expired", what, path);
	else if (end - c->now < SOON)
		problem(c, PREFLIGHT_WARNING, section, key, "%s '%s' expires in %lld days", what,
			path, (long long)((end - c->now) / DAY));
}

/* The trust anchors, the CRLs (fresh, and for how long), and the certificates
 * that must chain to them. */
static void check_trust(struct ctx *c)
{
	const struct config *cfg = c->cfg;
	struct sig_trust *t = NULL;
	struct sig_signer info;
	unsigned char *der = NULL;
	size_t len;
	int64_t next;
	struct err e;

	if (cfg->hub.trust_anchors.n == 0)
		problem(c, PREFLIGHT_ERROR, "hub", "trust_anchors", "no trust anchor is configured");
	for (int i = 0; i < cfg->hub.trust_anchors.n; i++)
		check_expiry(c, "hub", "trust_anchors", cfg->hub.trust_anchors.v[i], "trust anchor");
	for (int i = 0; i < cfg->hub.crls.n; i++) {
		c->transient = 1; /* a stale CRL makes the run wait, with exit 75 */
		err_clear(&e);
		if (sig_crl_next_update(cfg->hub.crls.v[i], &next, &e) < 0)
			problem_err(c, "hub", "crls", &e);
		else if (next <= c->now)
			problem(c, PREFLIGHT_ERROR, "hub", "crls",
				"CRL '%s' is stale: its next update was due %lld hours ago",
				cfg->hub.crls.v[i], (long long)((c->now - next) / 3600));
		else if (next - c->now < 2 * DAY)
			problem(c, PREFLIGHT_WARNING, "hub", "crls",
				"CRL '%s' must be renewed within %lld hours (its next update)",
				cfg->hub.crls.v[i], (long long)((next - c->now) / 3600));
		c->transient = 0;
	}
	err_clear(&e);
	if (sig_trust_load(&t, &cfg->hub.trust_anchors, &cfg->hub.crls, (time_t)c->now, &e) < 0) {
		if (e.code != ERR_TRANSIENT || cfg->hub.crls.n == 0)
			problem_err(c, "hub", strstr(e.msg, "CRL") ? "crls" : "trust_anchors", &e);
		return;
	}
	err_clear(&e);
	if (sig_cert_load(t, cfg->hub.cert, (time_t)c->now, &der, &len, &info, &e) < 0)
		problem_err(c, "hub", "cert", &e);
	free(der);
	check_expiry(c, "hub", "cert", cfg->hub.cert, "the hub's certificate");
	if (cfg->intake.certs.n == 0)
		problem(c, PREFLIGHT_ERROR, "intake", "certs", "no intake certificate is configured");
	for (int i = 0; i < cfg->intake.certs.n; i++) {
		der = NULL;
		err_clear(&e);
		if (sig_cert_load(t, cfg->intake.certs.v[i], (time_t)c->now, &der, &len, &info,
				  &e) < 0)
			problem_err(c, "intake", "certs", &e);
		free(der);
	}
	sig_trust_free(t);
}

/* Deadlines are counted in working days: every year the next 60 days touch
 * needs its holiday file. */
static void check_calendar(struct ctx *c)
{
	struct calendar *cal = NULL;
	int32_t today = calendar_day_of(c->now);
	char day[11];
	struct err e;
	int last = 0;

	err_clear(&e);
	if (calendar_load(&cal, c->cfg->calendar.dir, &e) < 0) {
		problem_err(c, "calendar", "dir", &e);
		return;
	}
	/* a run counts a missing year as Monday to Friday, and says so */
	c->transient = 1;
	for (int32_t d = today; d <= today + PREFLIGHT_CALENDAR_DAYS; d++) {
		int year;

		calendar_format_day(d, day);
		year = atoi(day);
		if (year == last)
			continue;
		last = year;
		switch (calendar_year_status(cal, year)) {
		case CALENDAR_YEAR_MISSING:
			problem(c, PREFLIGHT_ERROR, "calendar", "dir",
				"no holiday calendar for %d, which the next %d days reach: add %d.txt",
				year, PREFLIGHT_CALENDAR_DAYS, year);
			break;
		case CALENDAR_YEAR_PROVISIONAL:
			problem(c, PREFLIGHT_WARNING, "calendar", "dir",
				"the holiday calendar for %d is provisional", year);
			break;
		case CALENDAR_YEAR_KNOWN:
			break;
		}
	}
	c->transient = 0;
	calendar_free(cal);
}

/* A directory slktx writes to, or the nearest existing parent it will be created in. */
static int check_writable(struct ctx *c, const char *section, const char *key,
			  const char *path, int is_file)
{
	size_t before = c->r->errors;
	char dir[PATH_MAX], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	if (is_file && (slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else if (is_file)
		snprintf(dir, sizeof(dir), ".");
	while (stat(dir, &st) < 0) {
		if (errno != ENOENT || (slash = strrchr(dir, '/')) == NULL || slash == dir) {
			problem(c, PREFLIGHT_ERROR, section, key, "cannot reach '%s': %s", path,
				strerror(errno));
			return -1;
		}
		*slash = '\0';
	}
	if (!S_ISDIR(st.st_mode))
		problem(c, PREFLIGHT_ERROR, section, key, "'%s' is not a directory", dir);
	else if (access(dir, W_OK | X_OK) < 0)
		problem(c, PREFLIGHT_ERROR, section, key, "'%s' is not writable: %s", dir,
			strerror(errno));
	return c->r->errors > before ? -1 : 0;
}

static void check_private_file(struct ctx *c, const char *key, const char *path)
{
	struct stat st;

	if (path[0] == '\0')
		return;
	if (stat(path, &st) < 0)
		problem(c, PREFLIGHT_ERROR, "transport", key, "cannot read '%s': %s", path,
			strerror(errno));
	else if (access(path, R_OK) < 0)
		problem(c, PREFLIGHT_ERROR, "transport", key, "'%s' is not readable: %s", path,
			strerror(errno));
	else if (strcmp(key, "known_hosts") != 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
		problem(c, PREFLIGHT_ERROR, "transport", key,
			"'%s' is open to group or others (mode %04o): chmod 600 it", path,
			(unsigned)(st.st_mode & 07777));
}

static void check_transport(struct ctx *c, int flags)
{
	const struct config *cfg = c->cfg;
	struct transport *t = NULL;
	struct remote_list l;
	struct stat st;
	struct err e;

	if (strcmp(cfg->transport.type, "local") == 0) {
		if (stat(cfg->transport.root, &st) < 0 || !S_ISDIR(st.st_mode))
			problem(c, PREFLIGHT_ERROR, "transport", "root",
				"the local exchange folder '%s' is not a directory",
				cfg->transport.root);
		return;
	}
	if (cfg->transport.host[0] == '\0')
		problem(c, PREFLIGHT_ERROR, "transport", "host", "sftp needs a host");
	if (cfg->transport.user[0] == '\0')
		problem(c, PREFLIGHT_ERROR, "transport", "user", "sftp needs a user");
	if (cfg->transport.identity[0] == '\0')
		problem(c, PREFLIGHT_ERROR, "transport", "identity", "sftp needs an identity (key file)");
	if (cfg->transport.known_hosts[0] == '\0')
		problem(c, PREFLIGHT_ERROR, "transport", "known_hosts",
			"sftp needs known_hosts: the server's host key is never taken on trust");
	check_private_file(c, "identity", cfg->transport.identity);
	check_private_file(c, "passphrase_file", cfg->transport.passphrase_file);
	check_private_file(c, "known_hosts", cfg->transport.known_hosts);
	if (!(flags & PREFLIGHT_CONNECT) || c->r->errors > 0)
		return;
	/* the listing makes the transport connect: host key, then login */
	memset(&l, 0, sizeof(l));
	err_clear(&e);
	if (transport_open(&t, cfg, &e) < 0 ||
	    t->ops->list(t, cfg->transport.intake_outbound, &l, &e) < 0)
		problem(c, PREFLIGHT_ERROR, "transport", "host", "cannot connect to '%s': %s",
			cfg->transport.host, e.msg);
	remote_list_free(&l);
	transport_close(t);
}

int preflight_run(const struct config *cfg, int64_t now, uid_t uid, int flags,
		  struct preflight_report *r, struct err *e)
{
	struct ctx c = { .cfg = cfg, .r = r, .now = now, .uid = uid };

	check_hub_key(&c);
	check_trust(&c);
	check_calendar(&c);
	/* the ledger and the reports follow the spool unless set: one problem, said once */
	if (check_writable(&c, "spool", "dir", cfg->spool.dir, 0) == 0 ||
	    config_key_line(cfg, "ledger", "path") > 0)
		check_writable(&c, "ledger", "path", cfg->ledger.path, 1);
	if (config_key_line(cfg, "report", "dir") > 0 || c.r->errors == 0)
		check_writable(&c, "report", "dir", cfg->report.dir, 0);
	check_transport(&c, flags);
	if (c.nomem)
		return err_set(e, ERR_INTERNAL, "out of memory");
	return 0;
}
