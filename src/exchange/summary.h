/*
 * summary - what a run tells its caller: its counts and its log lines.
 * Apart from exchange.h so that the stages' shared context (stage.h) can
 * hold them without including the pipeline's public face.
 */
#ifndef SLKTX_SUMMARY_H
#define SLKTX_SUMMARY_H

struct exchange_summary {
	long fetched;           /* pairs taken from the server */
	long in_transit;        /* data files whose signature has not arrived */
	long ignored;           /* names that fit no pattern, left alone */
	long processed;         /* files judged */
	long files_accepted, files_partial, files_rejected;
	long records_accepted, records_rejected, records_duplicate;
	long acks;              /* acknowledgements written */
	long dispatches, dispatch_items;
	long statements;        /* daily statements made */
	long pushed;            /* files delivered to the server */
	long quarantined;
	long waiting;           /* files left for the next run by a transient failure */
	long tmp_cleaned;       /* leftovers of a crashed run removed */
};

enum exchange_log_level { EXCHANGE_INFO, EXCHANGE_WARNING, EXCHANGE_ERROR };
typedef void exchange_log_fn(void *ctx, enum exchange_log_level level, const char *line);
/*
 * Told every EXCHANGE_PROGRESS_EVERY records of a file being processed, with
 * the log's ctx, on the thread that validates (not the caller's): the caller
 * decides from its clock whether to show a line.
 */
typedef void exchange_progress_fn(void *ctx, const char *file, long records);
#define EXCHANGE_PROGRESS_EVERY 4096

#endif
