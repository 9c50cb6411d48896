/*
 * cmd_audit - `slktx audit verify`: say whether the ledger was altered after
 * it was written (SPEC §4).  SQLite's quick_check, the hash chain with what
 * the events say of the rows outside it (audit_chain), the tables against
 * the events and the row logs (audit_tickets, audit_rows), and the chain's end against the
 * CHAIN_HEAD of the latest signed daily archive; docs/DESIGN.md "audit
 * verify".  The ledger is opened for reading only: a missing one is exit 66
 * and nothing is created.
 */
#include "cmd/cmd.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/calendar.h"
#include "ledger/audit.h"
#include "ledger/audit_chain.h"
#include "ledger/history.h"
#include "ledger/tickets.h"
#include "report/report.h"
#include "trust/sig.h"

#define VERIFY_SYNOPSIS "audit verify"
#define ARCHIVE_PREFIX "slktx-report-"

static void print_finding(void *ctx, const char *text)
{
	long *n = ctx;

	(*n)++;
	fprintf(stderr, "slktx: %s\n", cmd_shown(text));
}

/* dir's entry that sorts last among those of len characters matching pattern
 * (digits where pattern has '9'), or "" */
static void last_entry(const char *dir, const char *pattern, char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t len = strlen(pattern);

	out[0] = '\0';
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t i;

		if (strlen(de->d_name) != len)
			continue;
		for (i = 0; i < len; i++)
			if (pattern[i] == '9' ? (de->d_name[i] < '0' || de->d_name[i] > '9')
					      : de->d_name[i] != pattern[i])
				break;
		if (i == len && len < size && strcmp(de->d_name, out) > 0)
			memcpy(out, de->d_name, len + 1);
	}
	closedir(d);
}

/* The latest daily archive: report.dir/YYYY/MM/slktx-report-YYYYMMDD.tar.gz,
 * by its day; "" when there is none.  A month without one is looked past. */
static void latest_archive(const struct config *cfg, char *path, size_t size)
{
	char year[8], month[8], name[64], dir[PATH_MAX], best[64] = "";
	DIR *d;
	struct dirent *de;

	path[0] = '\0';
	/* every year and month: archives are few (one a day) */
	d = opendir(cfg->report.dir);
	while (d != NULL && (de = readdir(d)) != NULL) {
		DIR *y;
		struct dirent *me;

		snprintf(year, sizeof(year), "%.7s", de->d_name);
		if (strlen(de->d_name) != 4 || strspn(de->d_name, "0123456789") != 4)
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", cfg->report.dir, year) >= (int)sizeof(dir))
			continue;
		y = opendir(dir);
		while (y != NULL && (me = readdir(y)) != NULL) {
			if (strlen(me->d_name) != 2 || strspn(me->d_name, "0123456789") != 2)
				continue;
			snprintf(month, sizeof(month), "%.2s", me->d_name);
			if (snprintf(dir, sizeof(dir), "%s/%s/%s", cfg->report.dir, year,
				     month) >= (int)sizeof(dir))
				continue;
			last_entry(dir, ARCHIVE_PREFIX "99999999.tar.gz", name, sizeof(name));
			if (name[0] != '\0' && strcmp(name, best) > 0 &&
			    snprintf(path, size, "%s/%s", dir, name) < (int)size)
				snprintf(best, sizeof(best), "%s", name);
		}
		if (y != NULL)
			closedir(y);
	}
	if (d != NULL)
		closedir(d);
}

struct hub {
	struct sig_trust *t;
	struct sig_cert cert;
	unsigned char *der;
	int64_t now;
	struct err why;
};

struct archive_ctx {
	const char *path;
	long *findings;
};

static void archive_problem(void *ctx, const struct err *pe)
{
	struct archive_ctx *a = ctx;

	(*a->findings)++;
	fprintf(stderr, "slktx: %s: %s: %s\n", cmd_shown(a->path), err_code_name(pe->code),
		cmd_shown(pe->msg));
}

/*
 * The cut at the end: the latest archive's manifest is checked with the
 * hub's trust (else its CHAIN_HEAD means nothing), then its CHAIN_HEAD must
 * be an event of the ledger with that hash (report_verify_archive), so that
 * events removed from the end are found.  Prints what it pinned.
 */
static int check_archive(const struct config *cfg, struct ledger *l, const struct hub *h,
			 long *findings, char *said, size_t said_size)
{
	char path[PATH_MAX];
	struct sig_signer signer;
	struct archive_ctx ctx = { path, findings };
	long before = *findings;
	struct err e;

	err_clear(&e);
	latest_archive(cfg, path, sizeof(path));
	if (path[0] == '\0') {
		snprintf(said, said_size, "archive: none yet in '%s': the chain's end is not "
			 "pinned by one", cmd_shown(cfg->report.dir));
		return 0;
	}
	if (h->t == NULL) {
		/* a manifest nobody checked pins nothing */
		cmd_print_err(&h->why);
		return cmd_exit_status(&h->why);
	}
	memset(&signer, 0, sizeof(signer));
	if (report_verify_archive(path, h->t, &h->cert, 1, l, h->now, &signer, archive_problem,
				  &ctx, &e) < 0 && *findings == before) {
		cmd_print_err(&e);
		return cmd_exit_status(&e);
	}
	if (*findings == before)
		snprintf(said, said_size, "archive: %s is the hub's, its chain head is in "
			 "the ledger", cmd_shown(path));
	return 0;
}

/* The hub's certificate and trust, for the archive and the acknowledgements;
 * h->t stays NULL (and h->why says why) when they cannot be loaded. */
static void hub_load(const struct config *cfg, struct hub *h)
{
	struct sig_signer info;

	err_clear(&h->why);
	h->now = (int64_t)time(NULL);
	if (sig_cert_load(NULL, cfg->hub.cert, (time_t)h->now, &h->der, &h->cert.len, &info,
			  &h->why) < 0 ||
	    sig_trust_load(&h->t, &cfg->hub.trust_anchors, &cfg->hub.crls, (time_t)h->now,
			   &h->why) < 0) {
		h->t = NULL;
		return;
	}
	h->cert.der = h->der;
}

static void print_intact(struct ledger *l, const struct audit_counts *c, const char *archive)
{
	int64_t seq = 0;
	char hash[65] = "";
	struct err e;

	printf("ledger intact: %" PRId64 " event%s, %" PRId64 " ticket%s, %" PRId64
	       " officer%s, %" PRId64 " file%s\n",
	       c->events, c->events == 1 ? "" : "s", c->tickets, c->tickets == 1 ? "" : "s",
	       c->officers, c->officers == 1 ? "" : "s", c->files, c->files == 1 ? "" : "s");
	if (history_read_head(l, &seq, hash, &e) == 0)
		printf("chain head: %s\n", seq ? hash : "none");
	printf("acknowledgements: %" PRId64 " checked against the file rows", c->acks);
	if (c->acks_gone)
		printf("; %" PRId64 " no longer in the spool's archive", c->acks_gone);
	printf("\n%s\n", archive);
	if (c->as_found)
		printf("note: %" PRId64 " registry and file row%s predate the row logs (a ledger "
		       "from before them, migrated): taken as they stood then\n",
		       c->as_found, c->as_found == 1 ? "" : "s");
}

static int audit_verify(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct audit_counts counts;
	struct calendar *cal = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	char archive[PATH_MAX + 100] = "";
	struct hub hub = { NULL, { NULL, 0 }, NULL, 0, { 0 } };
	long findings = 0;
	int rc, migrated_from = 0;
	struct err e;

	err_clear(&e);
	memset(&counts, 0, sizeof(counts));
	rc = cmd_parse(argc, argv, opts, NULL, 0, VERIFY_SYNOPSIS);
	if (rc == 0)
		rc = cmd_load_config(g, &cfg, 1);
	if (rc != 0)
		return rc;
	if (ledger_open_readonly(&l, cfg.ledger.path, cfg.ledger.busy_timeout_ms, &migrated_from,
				 &e) < 0) {
		cmd_print_err(&e);
		rc = e.code == ERR_NOT_FOUND ? EX_NOINPUT : cmd_exit_status(&e);
		goto out;
	}
	if (migrated_from)
		fprintf(stderr, "slktx: the ledger had schema %d: migrated\n", migrated_from);
	if (calendar_load(&cal, cfg.calendar.dir, &e) < 0 || audit_begin(l, &e) < 0 ||
	    ledger_check_integrity(l, LEDGER_CHECK_QUICK, &e) < 0 ||
	    audit_chain(l, print_finding, &findings, &counts, &e) < 0 ||
	    audit_tickets(l, cal, &cfg, print_finding, &findings, &counts, &e) < 0 ||
	    audit_rows(l, print_finding, &findings, &counts, &e) < 0)
		goto fail;
	if (calendar_missing_year(cal))
		fprintf(stderr, "slktx: WARNING: the holiday calendar lacks %d, or it is "
				"provisional: the due days replayed count on it as it is\n",
			calendar_missing_year(cal));
	hub_load(&cfg, &hub);
	if (audit_acks(l, cfg.spool.dir, hub.t, &hub.cert, hub.now, print_finding, &findings,
		       &counts, &e) < 0) {
		if (e.code == ERR_CONFIG && hub.t == NULL)
			cmd_print_err(&hub.why);
		goto fail;
	}
	rc = check_archive(&cfg, l, &hub, &findings, archive, sizeof(archive));
	if (rc != 0)
		goto out;
	if (findings) {
		fprintf(stderr, "slktx: the ledger differs from its history: %ld finding%s\n",
			findings, findings == 1 ? "" : "s");
		rc = EX_DATAERR;
		goto out;
	}
	print_intact(l, &counts, archive);
	rc = EX_OK;
	goto out;
fail:
	cmd_print_err(&e);
	rc = cmd_exit_status(&e);
out:
	sig_trust_free(hub.t);
	free(hub.der);
	calendar_free(cal);
	if (l != NULL)
		audit_end(l);
	ledger_close(l);
	return rc;
}

int cmd_audit(int argc, char **argv, const struct cmd_globals *g)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(argc - 2, argv + 2, g);
	fprintf(stderr, "usage: slktx %s\n", VERIFY_SYNOPSIS);
	return EX_USAGE;
}
