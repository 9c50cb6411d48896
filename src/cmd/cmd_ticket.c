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

/*
 * The list is printed as the ledger hands the rows over, so that its memory
 * does not grow with the tickets.  The first LIST_HELD rows are held so that
 * a short list is aligned on its widest cells, as every other table; past
 * them the columns keep the widths the held rows and LIST_WIDTHS give, and a
 * wider cell pushes its row out.
 */
#define LIST_HELD 1000
static const size_t LIST_WIDTHS[LIST_COLUMNS] = { 19, 4, 5, 15, 25, 10, 8, 0 };

struct list_memo {
	int valid;
	int32_t due, first, proposal;
	char kind[4], status[24];
	char due_text[11], left[16];
};

struct list_out {
	int csv;
	struct calendar *cal;
	int32_t today;
	size_t n;
	/* the held rows: their cells' offsets into text, made cells at the end */
	size_t *off;
	const char **cells;
	char *text;
	size_t text_len, text_cap;
	size_t width[LIST_COLUMNS];
	int streaming;
	/* the cells the last rows worked out, and what they depend on (list_cells):
	 * the last day's date, and the due day and SLA of the last ticket of
	 * each kind (a batch alternates PGD and IND) */
	int day_valid;
	int32_t day;
	char day_text[40];
	struct list_memo memo[2];
};

static const char *const LIST_HEADER[2][LIST_COLUMNS] = {
	{ "TICKET", "KIND", "PUJK", "STATUS", "RECEIVED", "DUE", "SISA SLA", "SUBJECT" },
	{ "ticket", "kind", "pujk", "status", "received", "due", "sisa_sla", "subject" },
};

/* Keep the row's cells (copied) among the held ones; -1 when out of memory. */
static int list_hold(struct list_out *o, const char *const *row)
{
	size_t need = 0, at;

	for (int c = 0; c < LIST_COLUMNS; c++)
		need += strlen(row[c]) + 1;
	if (o->text_len + need > o->text_cap) {
		size_t cap = o->text_cap ? o->text_cap : 65536;
		char *t;

		while (cap < o->text_len + need)
			cap *= 2;
		t = realloc(o->text, cap);
		if (t == NULL)
			return -1;
		o->text = t;
		o->text_cap = cap;
	}
	for (int c = 0; c < LIST_COLUMNS; c++) {
		at = o->text_len;
		o->off[o->n * LIST_COLUMNS + c] = at;
		memcpy(o->text + at, row[c], strlen(row[c]) + 1);
		o->text_len += strlen(row[c]) + 1;
	}
	o->n++;
	return 0;
}

/* The held rows' offsets made pointers, the header in front. */
static void list_release(struct list_out *o)
{
	for (int c = 0; c < LIST_COLUMNS; c++)
		o->cells[c] = LIST_HEADER[0][c];
	for (size_t i = 0; i < o->n * LIST_COLUMNS; i++)
		o->cells[LIST_COLUMNS + i] = o->text + o->off[i];
}

/* More rows than are held: print the held ones and stream the rest. */
static void list_start_streaming(struct list_out *o)
{
	list_release(o);
	memcpy(o->width, LIST_WIDTHS, sizeof(o->width));
	cmd_table_widths(LIST_COLUMNS, o->n + 1, o->cells, o->width);
	for (size_t r = 0; r < o->n + 1; r++)
		cmd_table_row(stdout, LIST_COLUMNS, o->cells + r * LIST_COLUMNS, o->width);
	o->streaming = 1;
}

/* Is s printable ASCII throughout, so that escaping it would change nothing? */
static int plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * The cells of one row that are worked out, not read: the received time,
 * the due day and sisa SLA.  A list comes in received order, so that the
 * rows of a day share their date and, kind by kind, mostly their due day
 * and SLA: each is made again only when what it depends on changes.
 */
static void list_cells(struct list_out *o, const struct tickets_ticket *t, char received[40],
		       char due[11], char left[16])
{
	int32_t day = calendar_day_of(t->received_at);
	int64_t sec = t->received_at - calendar_day_start(day);
	int32_t first = t->first_response_at ? calendar_day_of(t->first_response_at) : 0;
	int32_t proposal = t->proposal_at ? calendar_day_of(t->proposal_at) : 0;
	struct list_memo *m = &o->memo[t->kind[0] == 'P'];

	if (o->csv) {
		csv_time_wib(t->received_at, received);
	} else {
		/* "YYYY-MM-DD HH:MM:SS +07:00": the day once, the time each row */
		if (!o->day_valid || day != o->day)
			cmd_time_wib(t->received_at, o->day_text, sizeof(o->day_text));
		memcpy(received, o->day_text, sizeof(o->day_text));
		if (strlen(received) == 26) {
			received[11] = (char)('0' + sec / 36000), received[12] = (char)('0' + sec / 3600 % 10);
			received[14] = (char)('0' + sec % 3600 / 600), received[15] = (char)('0' + sec % 600 / 60);
			received[17] = (char)('0' + sec % 60 / 10), received[18] = (char)('0' + sec % 10);
		}
		o->day = day;
		o->day_valid = 1;
	}
	if (!m->valid || t->due_day != m->due || first != m->first || proposal != m->proposal ||
	    strcmp(t->kind, m->kind) != 0 || strcmp(t->status, m->status) != 0) {
		struct sla_view sla = tickets_sla(o->cal, t, o->today);

		calendar_format_day(t->due_day, m->due_text);
		m->left[0] = '\0';
		if (sla.running)
			snprintf(m->left, sizeof(m->left), "%d", sla.days_left);
		m->due = t->due_day, m->first = first, m->proposal = proposal;
		snprintf(m->kind, sizeof(m->kind), "%s", t->kind);
		snprintf(m->status, sizeof(m->status), "%s", t->status);
		m->valid = 1;
	}
	memcpy(due, m->due_text, 11);
	memcpy(left, m->left, 16);
}

static int list_row(void *ctx, const struct tickets_ticket *t, struct err *e)
{
	struct list_out *o = ctx;
	char received[40], due[11], left[16], shown[512];
	char *long_subject = NULL;
	const char *row[LIST_COLUMNS], *subject = t->subject;
	int rc = 0;

	list_cells(o, t, received, due, left);
	if (!o->csv && !plain_ascii(subject)) {
		if (text_escape(shown, sizeof(shown), subject, 0) < sizeof(shown)) {
			subject = shown;
		} else if ((long_subject = one_line(subject)) != NULL) {
			subject = long_subject;
		} else {
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
	}
	row[0] = t->no, row[1] = t->kind, row[2] = t->pujk_code, row[3] = t->status;
	row[4] = received, row[5] = due, row[6] = left, row[7] = subject;
	if (o->csv) {
		for (int c = 0; c < LIST_COLUMNS; c++)
			csv_field(row[c], c == LIST_COLUMNS - 1);
		o->n++;
	} else if (o->streaming) {
		cmd_table_row(stdout, LIST_COLUMNS, row, o->width);
		o->n++;
	} else if (list_hold(o, row) < 0) {
		rc = err_set(e, ERR_INTERNAL, "out of memory");
	} else if (o->n == LIST_HELD) {
		list_start_streaming(o);
	}
	free(long_subject);
	return rc;
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
	struct list_out o = { 0 };
	struct ledger *l = NULL;
	struct config cfg;
	int rc;
	struct err e;

	err_clear(&e);
	o.csv = take_flag(&argc, argv, "--csv");
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
	o.cells = calloc((LIST_HELD + 1) * LIST_COLUMNS, sizeof(*o.cells));
	o.off = calloc(LIST_HELD * LIST_COLUMNS, sizeof(*o.off));
	if (o.cells == NULL || o.off == NULL) {
		err_set(&e, ERR_INTERNAL, "out of memory");
		rc = fail(&e);
		goto out;
	}
	/* big writes: a list may be a million lines */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (o.csv) {
		fputs(CSV_BOM, stdout);
		for (int c = 0; c < LIST_COLUMNS; c++)
			csv_field(LIST_HEADER[1][c], c == LIST_COLUMNS - 1);
	}
	if (open_calendar(&cfg, &o.cal, &o.today, &e) < 0 || tickets_each(l, &f, list_row, &o, &e) < 0) {
		fflush(stdout);
		rc = fail(&e);
		goto out;
	}
	if (!o.csv && !o.streaming && o.n > 0) {
		list_release(&o);
		cmd_table(stdout, LIST_COLUMNS, o.n + 1, o.cells);
	}
	/* the warning follows the rows: it is known once they are counted */
	warn_calendar(o.cal);
	if (o.n == 0)
		fprintf(stderr, "slktx: no ticket matches\n");
	rc = EX_OK;
out:
	free(o.text);
	free(o.off);
	free(o.cells);
	calendar_free(o.cal);
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
