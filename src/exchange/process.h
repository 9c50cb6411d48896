/*
 * process - one input file on its way through the process stage: what the
 * gate (name, sender, duplicates, signature), the ingest (parse, validate,
 * apply on the ledger writer's thread) and the answer (acknowledgement and
 * journal row) share.  Internal to src/exchange.
 */
#ifndef SLKTX_PROCESS_H
#define SLKTX_PROCESS_H

#include <pthread.h>
#include <stdio.h>

#include "domain/names.h"
#include "exchange/recordq.h"
#include "exchange/stage.h"
#include "formats/filecheck.h"
#include "formats/package.h"
#include "ledger/registry.h"

#define PROCESS_MAX_ERRORS 100

/* The signature check and who it found. */
struct process_verify {
	struct sig_signer signer;
};

struct process_job {
	struct exchange *x;
	struct journal_file f;
	struct exchange_name en;
	char folder_code[16];
	struct err errors[PROCESS_MAX_ERRORS];   /* file-level: the first is the verdict */
	size_t n_errors;
	char duplicate_of[SPOOL_NAME_MAX];
	struct registry_officers officers;
	struct sig_cert certs[8];
	size_t n_certs;
	struct process_verify verify;
	struct apply_actor actor;
	char officer_name[256], officer_role[16];
	struct filecheck fc;
	struct xmlstream_result res;
	long received, accepted, rejected, duplicate;
	FILE *results;                           /* each record's result, for the ack */
	char results_tmp[SPOOL_NAME_MAX];
	/* packages: the attachments' verdicts, in document order */
	struct package pkg;
	int is_package;
	enum err_code *att_verdicts;
	size_t n_att, att_cursor;
	/* the ledger writer: records cross to it through the queue */
	struct recordq *queue;
	pthread_t writer;
	int writer_started, writer_failed;
	struct err writer_err;
};

/* A file-level finding; the first one found is the file's verdict. */
void process_file_error(struct process_job *j, enum err_code code, long line, long col,
			const char *format, ...) __attribute__((format(printf, 5, 6)));
/* Move the finding at index i to the front: it is the verdict. */
void process_verdict_first(struct process_job *j, size_t i);

/* process_gate.c: the checks that need neither the signature nor the content */
int process_precheck(struct process_job *j, struct err *e);
/* Check the signature before anything reads the content: its refusal is
 * the file's verdict, and a file refused so is never parsed. */
int process_verify(struct process_job *j, struct err *e);

/* process_ingest.c: parse, validate and apply the records (a package's
 * attachments first); findings become file errors. */
int process_ingest(struct process_job *j, struct err *e);
/* Stop the ledger writer: drain its queue (drain 1) or abandon it. */
int process_writer_stop(struct process_job *j, int drain, struct err *e);

/* process_answer.c: the file's status, its acknowledgement in the outbox and
 * its journal row, all inside the file's transaction */
const char *process_file_status(const struct process_job *j);
int process_answer(struct process_job *j, const char *dest, const char *ack_name,
		   struct err *e);

#endif
