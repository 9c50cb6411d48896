/*
 * report - the reports of SPEC §9 and the signed daily archives for auditors.
 *
 * report.c computes the figures over the ledger (counts and grouping in SQL,
 * working days by calendar.c and sla.c; every figure is defined in
 * docs/DESIGN.md "Reports") and makes the report's files: report.xml
 * (xsd/report.xsd, validated before it is written), report.html (made from
 * the XML by the embedded xsd/report.xsl with libxslt) and the CSV files
 * below (util/csv: UTF-8 with a byte order mark, RFC 4180, CRLF, formulas
 * neutralised, WIB times "YYYY-MM-DD HH:MM:SS").  report_archive.c
 * packs a day as of its end (reports, activity, signatures; no data file) into
 * <report.dir>/YYYY/MM/slktx-report-YYYYMMDD.tar.gz, and checks one.
 *
 * Errors: ERR_USAGE (a bad period, a day not ended), ERR_NOT_FOUND (an unknown
 * PUJK), ERR_IO (the disk or the ledger), ERR_CONFIG (the calendar,
 * the hub's key), ERR_INTERNAL (a report that fails its own schema: a bug).
 * Checking an archive reports each problem found as a SPEC code
 * (SIGNATURE_INVALID, CERT_*, PACKAGE_INVALID for a member, INVALID_STATE for
 * a chain head the ledger does not have).
 */
#ifndef SLKTX_REPORT_H
#define SLKTX_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "util/config.h"
#include "util/err.h"
#include "ledger/ledger.h"
#include "trust/sig.h"
#include "report/report_render.h"

/* archive members beside the report files and the inputs */
#define REPORT_MANIFEST "MANIFEST.sha256"
#define REPORT_MANIFEST_SIG "MANIFEST.sha256.p7s"
#define REPORT_CHAIN_HEAD "CHAIN_HEAD"


/* A report's files in memory, in the order of the REPORT_* names above. */
struct report_files {
	const char *name[REPORT_FILE_COUNT];
	unsigned char *data[REPORT_FILE_COUNT];
	size_t size[REPORT_FILE_COUNT];
	int missing_year; /* calendar_missing_year() after counting: warn when not 0 */
};

/*
 * Compute the report and make its files in memory.  The ledger is read
 * under a savepoint: the caller may be inside its own transaction or not.
 */
int report_make(const struct config *cfg, struct ledger *l, const struct report_request *r,
		struct report_files *out, struct err *e);
void report_files_free(struct report_files *f);

/* Write the files into dir (created when missing), each by tmp + fsync + rename. */
int report_files_write(const struct report_files *f, const char *dir, struct err *e);

/* archive members of the day's activity (report_activity.c) and its year */
#define REPORT_YEAR_DIR "year"
#define REPORT_FILES_DIR "files"
#define REPORT_ACTIVITY_FILES "activity-files.csv"
#define REPORT_ACTIVITY_RECORDS "activity-records.csv"
#define REPORT_ACTIVITY_EVENTS "activity-events.csv"
#define REPORT_FILES_SUMS "files/SHA256SUMS"
/* the most days one run (or one `slktx archive`) archives: the rest wait */
#define REPORT_ARCHIVE_CATCH_UP 31
/* how far back the catch-up looks: older days only by `slktx archive --date` */
#define REPORT_ARCHIVE_LOOKBACK 366

/* Told of what an archive lacks but is made without (a spool file gone). */
typedef void report_warn_fn(void *ctx, const char *msg);

/*
 * The daily archive of wib_day (SPEC §9): day D as of its end.  D's month
 * so far (open_at_as_of: every ticket open at the end of D) and, under
 * year/, D's year so far, each made by report_make; the day's activity
 * (report_activity.c); for each file processed on D its sender's .p7s,
 * its acknowledgement and the acknowledgement's .p7s under files/ as
 * "<file id>-<name>" (never the data file: its name, size and SHA-256 are
 * in activity-files.csv and files/SHA256SUMS); CHAIN_HEAD ("SEQ HASH\n" of
 * the ledger when the archive is made, "0 -\n" while the history is
 * empty); MANIFEST.sha256 over every other member and MANIFEST.sha256.p7s
 * by the hub.  Members live under "slktx-report-YYYYMMDD/".  A spool file
 * that is missing is named in the activity and passed to warn; the archive
 * is made all the same.  An archive made again for the same day replaces
 * the earlier one.  The day is recorded as archived (archive_day) once the
 * archive is in place; the path written is put into out_path.  now is the
 * instant of making (UTC seconds): D must have ended by then.
 */
int report_archive_day(const struct config *cfg, struct ledger *l, int32_t wib_day,
		       int64_t now, report_warn_fn *warn, void *warn_ctx, char *out_path,
		       size_t size, struct err *e);

/*
 * The ended days that have no archive yet, oldest first: every WIB day from
 * the day of the ledger's first file or event (at most REPORT_ARCHIVE_LOOKBACK
 * days back) up to the day before today that archive_day does not list; at most max of them in days (n of them),
 * and in *more how many others wait for a later run.
 */
int report_archive_due(struct ledger *l, int32_t today, int32_t *days, size_t max, size_t *n,
		       long *more, struct err *e);

/*
 * Check an archive: the manifest's signature (chaining to t; signed by one
 * of hub when n_hub > 0), every member's hash, every member listed and every
 * listed member present, no member but regular files with safe relative
 * names, and, with l, that the ledger's event at CHAIN_HEAD's seq has that
 * hash.  Each problem is passed to problem(ctx, e) as it is found; returns 0
 * when there was none, -1 otherwise (e holds the first).  An archive that
 * cannot be read at all is one problem.  signer describes the manifest's
 * signer once it is known.
 */
typedef void report_problem_fn(void *ctx, const struct err *e);
int report_verify_archive(const char *path, struct sig_trust *t, const struct sig_cert *hub,
			  size_t n_hub, struct ledger *l, int64_t now, struct sig_signer *signer,
			  report_problem_fn *problem, void *ctx, struct err *e);

/* --- pieces, exported for the unit tests --- */

/* "************1234" from a 16-digit NIK; "" for anything else. */
void report_mask_nik(const char *nik, char out[17]);
/*
 * Parse a CHAIN_HEAD member: "0 -\n", or "SEQ HASH\n" with SEQ in 1 ..
 * INT64_MAX and HASH 64 lower-case hex digits, nothing more.  0 with *seq (0
 * for "0 -") and hash filled; -1 with *why saying what is wrong.
 */
int report_parse_chain_head(const unsigned char *text, size_t len, int64_t *seq,
			    char hash[65], const char **why);

/* --- shared by report.c, report_archive.c and report_activity.c --- */

/*
 * One file processed on the archive's day, as report_activity reads it and
 * report_archive fills in what became of its spool files: for each of its
 * sender's signature, its acknowledgement and that one's signature, the
 * member name in the archive ("files/<id>-<name>"), or "" with kept[i]
 * saying why not ("missing": not in the spool; "none": it never had one;
 * "quarantined": it went to quarantine/ at the fetch).
 */
struct report_day_file {
	int64_t id, size, fetched_at, processed_at;
	long received, accepted, rejected, duplicate;
	char name[256], kind[8], sender[16], sha256[65], status[24], error_code[32];
	char batch_id[256], signer[512], officer_role[16], archive_dir[256];
	char spool_name[3][280];  /* sender .p7s, acknowledgement, its .p7s */
	char member[3][300];
	const char *kept[3];
	int data_quarantined;     /* the data file went to quarantine/, not archive/ */
};

/* The files processed (state PROCESSED) on day, in the order of their ids. */
int report_day_files(struct ledger *l, int32_t day, struct report_day_file **out, size_t *n,
		     struct err *e);
/* activity-files.csv, activity-records.csv, activity-events.csv and
 * files/SHA256SUMS of day, in the order of those names. */
int report_day_activity(struct ledger *l, int32_t day, const struct report_day_file *f,
			size_t n, struct report_buf out[4], struct err *e);


/* mkdir -p (0750). */
int report_make_dirs(const char *dir, struct err *e);
/* dir/name by tmp + fsync + rename + fsync of dir; an older file is replaced. */
int report_write_file(const char *dir, const char *name, const unsigned char *data,
		      size_t size, struct err *e);

#endif
