/*
 * cmd_ticket - `slktx ticket list|show|attachment`: the tickets as the
 * leaflet's traceable facility shows them (daftar by day, month and year;
 * detail, Riwayat, Lampiran), read from the ledger.
 *
 * Working days left ("sisa SLA") count from today, which SLKTX_NOW replaces
 * in the tests (cmd_now).  Text from outside (subjects, notes, names) is
 * printed with its control characters replaced by blanks, so that a
 * complaint cannot drive the terminal.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/csv.h"
#include "util/digest.h"

#include "domain/calendar.h"
#include "util/hex.h"
#include "formats/package.h"
#include "domain/records.h"
#include "util/safefile.h"
#include "spool/spool.h"
#include "ledger/tickets.h"
#include "util/textesc.h"

#define LIST_SYNOPSIS                                                                  \
	"ticket list [--date YYYY-MM-DD | --month YYYY-MM | --year YYYY | --from D --to D]" \
	" [--pujk CODE] [--kind PGD|IND] [--status STATUS] [--csv]"
#define SHOW_SYNOPSIS "ticket show N [--history] [--attachments]"
#define ATTACHMENT_SYNOPSIS "ticket attachment N NAME -o FILE"
#define LIST_COLUMNS 8
#define LABEL_WIDTH 16

static int fail(const struct err *e)
{
	cmd_print_err(e);
	return cmd_exit_status(e);
}

/* Remove every argument equal to flag; 1 when there was one. */
static int take_flag(int *argc, char **argv, const char *flag)
{
	int found = 0, out = 0;

	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], flag) == 0)
			found = 1;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	return found;
}

/* A copy of s on one line: controls and bidi (newlines too) escaped (textesc.h). */
static char *one_line(const char *s)
{
	return text_escape_dup(s, 0);
}

/* "label:" padded, then s; its lines indented under the first, controls and bidi escaped. */
static void print_field(const char *label, const char *s)
{
	int col = printf("%s:", label);
	char *esc;

	printf("%*s", col < LABEL_WIDTH ? LABEL_WIDTH - col : 1, "");
	if (s == NULL || *s == '\0')
		s = "-";
	esc = text_escape_dup(s, TEXT_ESCAPE_KEEP_NEWLINES);
	for (s = esc ? esc : "(out of memory)"; *s != '\0'; s++) {
		if (*s == '\n')
			printf("\n%*s", LABEL_WIDTH, "");
		else
			putchar(*s);
	}
	putchar('\n');
	free(esc);
}

/* The calendar, and today's WIB day (SLKTX_NOW in the tests). */
static int open_calendar(const struct config *cfg, struct calendar **cal, int32_t *today,
			 struct err *e)
{
	int64_t now;

	if (cmd_now(&now, e) < 0 || calendar_load(cal, cfg->calendar.dir, e) < 0)
		return -1;
	*today = calendar_day_of(now);
	return 0;
}

/* SPEC §6: a year missing from the calendar is a loud warning, once. */
static void warn_calendar(const struct calendar *cal)
{
	int year = calendar_missing_year(cal);

	if (year == 0)
		return;
	if (calendar_year_status(cal, year) == CALENDAR_YEAR_PROVISIONAL)
		fprintf(stderr,
			"slktx: WARNING: the holiday calendar for %d is provisional (estimated "
			"dates): working days left may be wrong until its decree is in the "
			"calendar\n", year);
	else
		fprintf(stderr,
			"slktx: WARNING: the holiday calendar has no file for %d: its working days "
			"are counted Monday to Friday only, working days left may be wrong\n",
			year);
}

static void put_stdout(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}

static void csv_field(const char *s, int last)
{
	csv_cell(s, put_stdout, stdout);
	fputs(last ? "\r\n" : ",", stdout);
}

/* The header and one row per ticket, in cells; text and subjects hold what
 * the cells point to.  -1 when out of memory. */
static int fill_rows(const struct tickets_ticket *v, size_t n, struct calendar *cal,
		     int32_t today, int csv, const char **cells, char (*text)[3][40],
		     char **subjects)
{
	cells[0] = csv ? "ticket" : "TICKET", cells[1] = csv ? "kind" : "KIND";
	cells[2] = csv ? "pujk" : "PUJK", cells[3] = csv ? "status" : "STATUS";
	cells[4] = csv ? "received" : "RECEIVED", cells[5] = csv ? "due" : "DUE";
	cells[6] = csv ? "sisa_sla" : "SISA SLA", cells[7] = csv ? "subject" : "SUBJECT";
	for (size_t i = 0; i < n; i++) {
		const char **row = cells + (i + 1) * LIST_COLUMNS;
		struct sla_view sla = tickets_sla(cal, &v[i], today);

		if (csv)
			csv_time_wib(v[i].received_at, text[i][0]);
		else
			cmd_time_wib(v[i].received_at, text[i][0], sizeof(text[i][0]));
		calendar_format_day(v[i].due_day, text[i][1]);
		if (sla.running)
			snprintf(text[i][2], sizeof(text[i][2]), "%d", sla.days_left);
		subjects[i] = csv ? strdup(v[i].subject) : one_line(v[i].subject);
		if (subjects[i] == NULL)
			return -1;
		row[0] = v[i].no, row[1] = v[i].kind, row[2] = v[i].pujk_code;
		row[3] = v[i].status, row[4] = text[i][0], row[5] = text[i][1];
		row[6] = text[i][2], row[7] = subjects[i];
	}
	return 0;
}

static int ticket_list(int argc, char **argv, const struct cmd_globals *g)
{
	const char *date, *month, *year, *from, *to;
	struct tickets_filter f;
	const struct cmd_opt opts[] = {
		{ "--date", &date, 0 }, { "--month", &month, 0 }, { "--year", &year, 0 },
		{ "--from", &from, 0 }, { "--to", &to, 0 }, { "--pujk", &f.pujk, 0 },
		{ "--kind", &f.kind, 0 }, { "--status", &f.status, 0 }, { NULL, NULL, 0 }
	};
	struct tickets_ticket *v = NULL;
	struct calendar *cal = NULL;
	const char **cells = NULL;
	char (*text)[3][40] = NULL;
	char **subjects = NULL;
	struct ledger *l = NULL;
	struct config cfg;
	size_t n = 0;
	int32_t today;
	int csv, rc;
	struct err e;

	err_clear(&e);
	csv = take_flag(&argc, argv, "--csv");
	rc = cmd_parse(argc, argv, opts, NULL, 0, LIST_SYNOPSIS);
	if (rc != 0)
		goto out;
	if (tickets_period(date, month, year, from, to, &f, &e) < 0 ||
	    tickets_filter_check(&f, &e) < 0) {
		fprintf(stderr, "slktx: %s\nusage: slktx %s\n", e.msg, LIST_SYNOPSIS);
		rc = EX_USAGE;
		goto out;
	}
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (open_calendar(&cfg, &cal, &today, &e) < 0 || tickets_list(l, &f, &v, &n, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	cells = calloc((n + 1) * LIST_COLUMNS, sizeof(*cells));
	text = calloc(n + 1, sizeof(*text));
	subjects = calloc(n + 1, sizeof(*subjects));
	if (cells == NULL || text == NULL || subjects == NULL) {
		err_set(&e, ERR_INTERNAL, "out of memory");
		rc = fail(&e);
		goto out;
	}
	if (fill_rows(v, n, cal, today, csv, cells, text, subjects) < 0) {
		err_set(&e, ERR_INTERNAL, "out of memory");
		rc = fail(&e);
		goto out;
	}
	warn_calendar(cal);
	if (csv) {
		fputs(CSV_BOM, stdout);
		for (size_t i = 0; i < (n + 1) * LIST_COLUMNS; i++)
			csv_field(cells[i], i % LIST_COLUMNS == LIST_COLUMNS - 1);
	} else if (n > 0) {
		cmd_table(stdout, LIST_COLUMNS, n + 1, cells);
	}
	if (n == 0)
		fprintf(stderr, "slktx: no ticket matches\n");
	rc = EX_OK;
out:
	for (size_t i = 0; subjects != NULL && i < n; i++)
		free(subjects[i]);
	free(subjects);
	free(text);
	free(cells);
	tickets_list_free(v, n);
	calendar_free(cal);
	ledger_close(l);
	return rc;
}

static void print_ticket(const struct tickets_ticket *t, struct calendar *cal, int32_t today)
{
	struct sla_view sla = tickets_sla(cal, t, today);
	char buf[64], due[11];

	print_field("ticket", t->no);
	print_field("kind", strcmp(t->kind, "PGD") == 0 ? "PGD (pengaduan)"
							: "IND (indikasi pengaduan)");
	print_field("PUJK", t->pujk_code);
	print_field("status", t->status);
	cmd_time_wib(t->received_at, buf, sizeof(buf));
	print_field("received", buf);
	if (t->assigned_at != t->received_at) {
		cmd_time_wib(t->assigned_at, buf, sizeof(buf));
		print_field("reassigned", buf);
	}
	calendar_format_day(t->due_day, due);
	print_field("due date", due);
	if (sla.running)
		snprintf(buf, sizeof(buf), "%d working day%s%s", sla.days_left,
			 sla.days_left == 1 || sla.days_left == -1 ? "" : "s",
			 sla.days_left < 0 ? " (past the due date)" : "");
	else
		snprintf(buf, sizeof(buf), "-");
	print_field("sisa SLA", buf);
	print_field("late", sla.late ? "yes" : "no");
	print_field("extended", t->extended ? "yes" : "no");
	if (t->first_response_at) {
		cmd_time_wib(t->first_response_at, buf, sizeof(buf));
		print_field("first response", buf);
	}
	if (t->proposal_at) {
		cmd_time_wib(t->proposal_at, buf, sizeof(buf));
		print_field("proposal", buf);
	}
	if (t->closed_at) {
		cmd_time_wib(t->closed_at, buf, sizeof(buf));
		print_field("closed", buf);
	}
	print_field("channel", t->channel);
	print_field("product", t->product);
	print_field("consumer", t->consumer_name);
	print_field("NIK", t->nik);
	print_field("phone", t->phone);
	print_field("email", t->email);
	print_field("subject", t->subject);
	print_field("description", t->description);
	if (t->claim_amount[0] != '\0')
		snprintf(buf, sizeof(buf), "%.30s %.8s", t->claim_amount,
			 t->currency[0] ? t->currency : "IDR");
	else
		snprintf(buf, sizeof(buf), "-");
	print_field("claim", buf);
}

static void print_event(const struct tickets_event *ev)
{
	char buf[160];

	printf("\n#%lld %s: %s -> %s\n", (long long)ev->seq, ev->record,
	       ev->status_before[0] ? ev->status_before : "-", ev->status_after);
	cmd_time_wib(ev->happened_at, buf, sizeof(buf));
	print_field("  happened", buf);
	cmd_time_wib(ev->recorded_at, buf, sizeof(buf));
	print_field("  recorded", buf);
	if (ev->officer_name[0])
		snprintf(buf, sizeof(buf), "%s %.120s", ev->actor, ev->officer_name);
	else
		snprintf(buf, sizeof(buf), "%s", ev->actor);
	print_field("  by", buf);
	snprintf(buf, sizeof(buf), "%.100s, record %.50s", ev->file_name[0] ? ev->file_name : "?",
		 ev->record_id);
	print_field("  source", buf);
	if (ev->prior_pujk[0]) {
		snprintf(buf, sizeof(buf), "%s -> %s", ev->prior_pujk, ev->pujk_code);
		print_field("  PUJK", buf);
	}
	if (ev->outcome[0])
		print_field("  outcome", ev->outcome);
	if (ev->reason[0])
		print_field("  reason", ev->reason);
	if (ev->action[0])
		print_field("  action", ev->action);
	if (ev->resolution[0])
		print_field("  resolution", ev->resolution);
	if (ev->amount[0]) {
		snprintf(buf, sizeof(buf), "%.30s %.8s", ev->amount,
			 ev->currency[0] ? ev->currency : "IDR");
		print_field("  amount", buf);
	}
	if (ev->note[0])
		print_field(strcmp(ev->record, "ResolutionProposal") == 0 ? "  summary" : "  note",
			    ev->note);
	if (ev->attachments[0])
		print_field("  attachments", ev->attachments);
}

static int print_attachments(const struct tickets_attachment *v, size_t n)
{
	const char **cells = calloc((n + 1) * 5, sizeof(*cells));
	char (*text)[2][48] = calloc(n + 1, sizeof(*text));
	char **names = calloc(n + 1, sizeof(*names));
	int rc = -1;

	if (cells == NULL || text == NULL || names == NULL)
		goto out;
	printf("\nLampiran (attachments):\n");
	if (n == 0) {
		printf("none\n");
		rc = 0;
		goto out;
	}
	cells[0] = "NAME", cells[1] = "TYPE", cells[2] = "SIZE", cells[3] = "SHA-256";
	cells[4] = "EVENT";
	for (size_t i = 0; i < n; i++) {
		const char **row = cells + (i + 1) * 5;

		names[i] = one_line(v[i].name);
		if (names[i] == NULL)
			goto out;
		snprintf(text[i][0], sizeof(text[i][0]), "%lld", (long long)v[i].size);
		snprintf(text[i][1], sizeof(text[i][1]), "#%lld %.30s", (long long)v[i].event_seq,
			 v[i].record);
		row[0] = names[i], row[1] = v[i].media_type, row[2] = text[i][0];
		row[3] = v[i].sha256, row[4] = text[i][1];
	}
	cmd_table(stdout, 5, n + 1, cells);
	rc = 0;
out:
	for (size_t i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
	free(text);
	free(cells);
	return rc;
}

static int ticket_show(int argc, char **argv, const struct cmd_globals *g)
{
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	struct tickets_attachment *att = NULL;
	struct tickets_event *events = NULL;
	struct tickets_ticket t = { 0 };
	struct calendar *cal = NULL;
	size_t nevents = 0, natt = 0;
	struct ledger *l = NULL;
	int history, attachments, rc;
	struct config cfg;
	const char *no;
	int32_t today;
	struct err e;

	err_clear(&e);
	history = take_flag(&argc, argv, "--history");
	attachments = take_flag(&argc, argv, "--attachments");
	rc = cmd_parse(argc, argv, opts, &no, 1, SHOW_SYNOPSIS);
	if (rc != 0)
		goto out;
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (open_calendar(&cfg, &cal, &today, &e) < 0 || tickets_get(l, no, &t, &e) < 0 ||
	    (history && tickets_history(l, no, &events, &nevents, &e) < 0) ||
	    (attachments && tickets_attachments(l, no, &att, &natt, &e) < 0)) {
		rc = fail(&e);
		goto out;
	}
	print_ticket(&t, cal, today);
	warn_calendar(cal);
	if (history) {
		printf("\nRiwayat (history): %zu event%s\n", nevents, nevents == 1 ? "" : "s");
		for (size_t i = 0; i < nevents; i++)
			print_event(&events[i]);
	}
	if (attachments && print_attachments(att, natt) < 0) {
		err_set(&e, ERR_INTERNAL, "out of memory");
		rc = fail(&e);
		goto out;
	}
	rc = EX_OK;
out:
	tickets_attachments_free(att, natt);
	tickets_history_free(events, nevents);
	tickets_ticket_clear(&t);
	calendar_free(cal);
	ledger_close(l);
	return rc;
}

/* Copy the stored blob fd to out (-1: only check it) and check it is what
 * the ledger recorded: size and SHA-256. */
static int copy_verified(int fd, int out, const struct tickets_attachment *a, struct err *e)
{
	unsigned char digest[DIGEST_LEN];
	char hex[65];
	int64_t total = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return err_sys(e, ERR_IO, "cannot rewind the stored attachment '%s'", a->name);
	if (digest_copy_fd(fd, out, a->name, -1, digest, &total, e) < 0)
		return -1;
	hex_encode(digest, DIGEST_LEN, hex);
	if (total != a->size || strcmp(hex, a->sha256) != 0)
		return err_set(e, ERR_ATTACHMENT_MISMATCH,
			       "the stored attachment '%s' is %lld bytes with SHA-256 %s, not the "
			       "%lld bytes with SHA-256 %s recorded: the attachment store is damaged",
			       a->name, (long long)total, hex, (long long)a->size, a->sha256);
	return 0;
}

/* Write the verified blob to path: a 0600 temporary file beside it, then a rename that never replaces. */
static int write_out(int fd, const char *path, const struct tickets_attachment *a,
		     struct err *e)
{
	char dir[PATH_MAX], tmp[PATH_MAX] = "";
	const char *base;
	int out, dirfd = -1, rc = -1;
	struct stat st;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return err_set(e, ERR_USAGE, "output path too long");
	base = strrchr(path, '/');
	if (base == NULL) {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		dir[base - path == 0 ? 1 : base - path] = '\0';
		base++;
	}
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return err_set(e, ERR_USAGE, "'%s' does not name a file", path);
	if (lstat(path, &st) == 0)
		return err_set(e, ERR_USAGE, "'%s' exists: not replaced", path);
	out = safefile_create_beside(path, 0600, tmp, e);
	if (out < 0) {
		tmp[0] = '\0';
		goto out;
	}
	if (copy_verified(fd, out, a, e) < 0) {
		close(out);
		goto out;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		err_sys(e, ERR_IO, "cannot open directory '%s'", dir);
		close(out);
		goto out;
	}
	if (safefile_commit(out, dirfd, strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : tmp, dirfd,
			    base, 0, dir, dir, e) < 0) {
		if (errno == EEXIST)
			err_set(e, ERR_USAGE, "'%s' exists: not replaced", path);
		goto out;
	}
	tmp[0] = '\0';
	rc = 0;
out:
	if (tmp[0] != '\0')
		unlink(tmp);
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}

/* The last attachment of that name on the ticket (a later one supersedes). */
static const struct tickets_attachment *find_attachment(const struct tickets_attachment *v,
							size_t n, const char *name)
{
	const struct tickets_attachment *found = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			found = &v[i];
	return found;
}

static int ticket_attachment(int argc, char **argv, const struct cmd_globals *g)
{
	const char *positional[2], *output = NULL;
	const struct cmd_opt opts[] = { { NULL, NULL, 0 } };
	const struct tickets_attachment *a;
	struct tickets_attachment *att = NULL;
	char store[PATH_MAX + 16], blob[PATH_MAX + 96];
	struct ledger *l = NULL;
	struct config cfg;
	struct stat st;
	size_t natt = 0;
	int fd = -1, rc, out = 0;
	struct err e;

	err_clear(&e);
	/* "-o FILE" is the synopsis; cmd_parse knows only long options */
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0) {
			if (i + 1 == argc)
				break;
			output = argv[i + 1];
			memmove(argv + i, argv + i + 2, (size_t)(argc - i - 2) * sizeof(*argv));
			argc -= 2;
			break;
		}
	}
	rc = cmd_parse(argc, argv, opts, positional, 2, ATTACHMENT_SYNOPSIS);
	if (rc != 0)
		goto out;
	if (output == NULL) {
		fprintf(stderr, "slktx: option '-o' needs a file ('-' for stdout)\nusage: slktx %s\n", ATTACHMENT_SYNOPSIS);
		rc = EX_USAGE;
		goto out;
	}
	rc = cmd_open_ledger(g, &cfg, &l);
	if (rc != 0)
		goto out;
	if (tickets_attachments(l, positional[0], &att, &natt, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	a = find_attachment(att, natt, positional[1]);
	if (a == NULL) {
		err_set(&e, ERR_NOT_FOUND, "ticket '%s' has no attachment '%s'", positional[0],
			positional[1]);
		rc = fail(&e);
		goto out;
	}
	snprintf(store, sizeof(store), "%s/%s", cfg.spool.dir, SPOOL_ATTACHMENTS);
	if (package_store_path(store, a->sha256, blob, sizeof(blob), &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	fd = open(blob, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			errno = EINVAL;
		err_sys(&e, ERR_IO, "cannot read the stored attachment '%s' ('%s')", a->name, blob);
		rc = fail(&e);
		goto out;
	}
	if (strcmp(output, "-") == 0) {
		/* the bytes go out as they are read: check them all first */
		out = copy_verified(fd, -1, a, &e) < 0 || copy_verified(fd, 1, a, &e) < 0;
	} else {
		out = write_out(fd, output, a, &e) < 0;
	}
	rc = out ? fail(&e) : EX_OK;
out:
	if (fd >= 0)
		close(fd);
	tickets_attachments_free(att, natt);
	ledger_close(l);
	return rc;
}

int cmd_ticket(int argc, char **argv, const struct cmd_globals *g)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return ticket_list(argc - 2, argv + 2, g);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return ticket_show(argc - 2, argv + 2, g);
	if (argc >= 2 && strcmp(argv[1], "attachment") == 0)
		return ticket_attachment(argc - 2, argv + 2, g);
	fprintf(stderr, "usage: slktx %s\n       slktx %s\n       slktx %s\n", LIST_SYNOPSIS,
		SHOW_SYNOPSIS, ATTACHMENT_SYNOPSIS);
	return EX_USAGE;
}
