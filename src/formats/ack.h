/*
 * ack - acknowledgements (SPEC §3 "Acknowledgement"), written with libxml2's
 * writer, never by string formatting.
 *
 * Per-record results are streamed to a results file while the records are
 * applied (a million-record batch has a million results), and copied into
 * the acknowledgement once the file's counts are known.  Errors: ERR_IO
 * when the disk refuses, ERR_INTERNAL when libxml2 does.
 */
#ifndef SLKTX_ACK_H
#define SLKTX_ACK_H

#include <stdint.h>
#include <stdio.h>

#include "util/err.h"
#include "trust/sig.h"

struct ack_result {
	const char *record_id;
	const char *ticket_no;  /* may be NULL */
	const char *status;     /* ACCEPTED | REJECTED | DUPLICATE */
	const char *code;       /* SPEC record-level code, or NULL */
	int64_t event_seq;      /* 0 when none */
	const char *text;       /* may be NULL */
};

/* Append one result to a results file (tab-separated, one line). */
int ack_result_put(FILE *results, const struct ack_result *r, struct err *e);

struct ack_info {
	const char *ack_id;         /* ACK_<base name> */
	int64_t created_at;
	const char *original_name;
	int64_t original_size;
	const char *original_sha256;
	const char *original_batch_id; /* NULL when it could not be read */
	const char *sender;         /* NULL when unknown */
	const struct sig_signer *signer; /* NULL when not verified */
	const char *officer_name;   /* NULL for the intake */
	const char *officer_role;
	const char *file_status;    /* ACCEPTED | PARTIALLY_ACCEPTED | REJECTED */
	long received, accepted, rejected, duplicate;
	const char *duplicate_of;   /* the first acknowledgement, for DUPLICATE_FILE */
	const struct err *file_errors;
	size_t n_file_errors;
	FILE *results;              /* results file rewound, or NULL: no Results */
};

/* Write the acknowledgement to the open file descriptor fd (not closed). */
int ack_write_fd(int fd, const struct ack_info *info, struct err *e);

#endif
