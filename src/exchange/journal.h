/*
 * journal - the exchange's own tables: every data file fetched and what
 * became of it (file), every signed file in the outbox (outfile), the
 * dispatches made (dispatch), how far each addressee has been sent
 * (dispatch_cursor), and the daily statements made (statement).  The stages say what happened; this module alone
 * knows the SQL.
 *
 * Every write joins the caller's transaction when one is open (the process
 * and dispatch stages commit a file's outcome with its records); otherwise
 * it is a statement of its own.  Errors: ERR_IO from the ledger.
 */
#ifndef SLKTX_JOURNAL_H
#define SLKTX_JOURNAL_H

#include <limits.h>
#include <stdint.h>

#include "ledger/ledger.h"
#include "spool/spool.h"
#include "util/err.h"

/* One data file as the file table holds it. */
struct journal_file {
	int64_t id;
	char name[SPOOL_NAME_MAX];
	char kind[4];            /* CB or RSP */
	char sender[16];
	char remote_dir[PATH_MAX];
	char sha256[65];
	int64_t size;
	char sig_sha256[65];     /* "" when its signature never arrived */
	char status[24];         /* ACCEPTED, PARTIALLY_ACCEPTED, REJECTED once processed */
	char error_code[32];
	char ack_name[SPOOL_NAME_MAX];
	char archive_dir[SPOOL_PATH_MAX];
	int64_t fetched_at;      /* a former officer's grace counts from the change to this */
};

/* What processing found, recorded with the file's acknowledgement. */
struct journal_outcome {
	const char *batch_id, *signer_subject, *signer_serial, *officer_role;
	int64_t officer_id, signing_time;   /* 0: none */
	long received, accepted, rejected, duplicate;
	const char *ack_name, *ack_destination, *ack_sha256;
	int64_t ack_size;
};

/* One outbox file not delivered yet. */
struct journal_outfile {
	int64_t id;
	char name[SPOOL_NAME_MAX];
	char destination[SPOOL_NAME_MAX];
};

/* A fetched file enters the table in state FETCHED; *id is its row.
 * refused (NULL: none) is a verdict the fetch reached already
 * (LIMIT_EXCEEDED), for the process stage to acknowledge. */
int journal_file_fetched(struct ledger *l, const char *name, const char *kind, const char *sender,
			 const char *remote_dir, const char *sha256, int64_t size,
			 const char *sig_sha256, const char *refused, int64_t now, int64_t *id,
			 struct err *e);
/* The newest row of remote_dir/name (of that size; -1: any) whose removal from
 * the server is not recorded, or *id = 0. */
int journal_file_unremoved(struct ledger *l, const char *remote_dir, const char *name,
			   int64_t size, int64_t *id, struct err *e);
int journal_file_removed(struct ledger *l, int64_t id, int64_t now, struct err *e);
/* The SHA-256 (hex) the row id recorded of its file. */
int journal_file_sha(struct ledger *l, int64_t id, char sha[65], struct err *e);
/* A file of that name fetched and not processed yet: *id is its row, or 0. */
int journal_file_waiting(struct ledger *l, const char *name, int64_t *id, struct err *e);
/* Every file waiting to be processed, by name then arrival; free *out. */
int journal_files_fetched(struct ledger *l, struct journal_file **out, size_t *n, struct err *e);
/* The newest file of that name when it is processed: *found 1 and *f filled. */
int journal_file_processed(struct ledger *l, const char *name, struct journal_file *f,
			   int *found, struct err *e);
/*
 * The acknowledgement of an earlier file that counts as received (see
 * journal.c) and holds these bytes, or this batch (base name with .xml or
 * .zip); *found 0 when none.  The file itself (id) never counts.
 */
int journal_received_bytes(struct ledger *l, const char *sha256, int64_t id, char *ack_name,
			   size_t size, int *found, struct err *e);
int journal_received_batch(struct ledger *l, const char *base, int64_t id, char *ack_name,
			   size_t size, int *found, struct err *e);
/* The file is processed: its verdict (f->status, f->error_code, f->ack_name,
 * f->archive_dir), what it held, and its acknowledgement's outfile row. */
int journal_file_outcome(struct ledger *l, const struct journal_file *f,
			 const struct journal_outcome *o, int64_t now, struct err *e);

/* What the outfile table says of the newest file dest/name: known, pushed,
 * and its SHA-256 into sha (65 bytes) when sha is not NULL. */
int journal_outfile_state(struct ledger *l, const char *dest, const char *name, int *known,
			  int *pushed, char *sha, struct err *e);
/* How many acknowledgements of this base (ACK_<base>, without .xml) went
 * to dest so far: ACK_<base>.xml and every ACK_<base>_<n>.xml. */
int journal_answers(struct ledger *l, const char *dest, const char *ack_base, long *count,
		    struct err *e);
/* Every outbox file not delivered yet, in the order made; free *out. */
int journal_outfiles_unpushed(struct ledger *l, struct journal_outfile **out, size_t *n,
			      struct err *e);
int journal_outfile_pushed(struct ledger *l, int64_t id, int64_t now, struct err *e);

/* The last event sequence number dispatched to code (0: none yet). */
int journal_dispatch_cursor(struct ledger *l, const char *code, int64_t *seq, struct err *e);
/* How many dispatches are named with this prefix (DSP_<CODE>_<YYYYMMDD>_). */
int journal_dispatch_count(struct ledger *l, const char *prefix, long *count, struct err *e);
/* A dispatch is made: its row, its outfile row, and the cursor moved to last_seq. */
int journal_dispatch_made(struct ledger *l, const char *base, const char *code,
			  int64_t first_seq, int64_t last_seq, long items, const char *file_name,
			  const char *dest, const char *sha256, int64_t size, int64_t now,
			  struct err *e);

/* The last WIB day code has a statement of (*found 0: none yet). */
int journal_statement_last_day(struct ledger *l, const char *code, int32_t *day, int *found,
			       struct err *e);
/* A statement of code's day is made: its row and its outfile row (kind STM). */
int journal_statement_made(struct ledger *l, const char *code, int32_t day, const char *base,
			   long tickets, const char *file_name, const char *dest,
			   const char *sha256, int64_t size, int64_t now, struct err *e);

#endif
