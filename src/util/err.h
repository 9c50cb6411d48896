/*
 * err - the error object every module fills and main.c reports.
 *
 * A module that fails returns -1 (or NULL) and describes the failure in a
 * struct err: a code (one of SPEC §3's reason codes, or one of the hub's own
 * kinds below), a message, and where in which file it happened when the
 * failure has a place.  Modules never print and never exit; main.c turns an
 * err into "FILE:LINE:COL: CODE: message" and an exit status.
 */
#ifndef SLKTX_ERR_H
#define SLKTX_ERR_H

#include <stddef.h>

enum err_code {
	ERR_NONE = 0,
	/* SPEC §3 file-level reason codes */
	ERR_SIGNATURE_MISSING,
	ERR_SIGNATURE_INVALID,
	ERR_CERT_UNTRUSTED,
	ERR_CERT_EXPIRED,
	ERR_CERT_NOT_YET_VALID,
	ERR_CERT_REVOKED,
	ERR_SIGNER_NOT_REGISTERED,
	ERR_SENDER_NOT_ACTIVE,
	ERR_SENDER_MISMATCH,
	ERR_NAME_INVALID,
	ERR_XML_MALFORMED,
	ERR_XML_FORBIDDEN,
	ERR_SCHEMA_INVALID,
	ERR_COUNT_MISMATCH,
	ERR_DUPLICATE_RECORD_ID,
	ERR_DUPLICATE_FILE,
	ERR_DUPLICATE_BATCH_ID,
	ERR_PACKAGE_INVALID,
	ERR_LIMIT_EXCEEDED,
	/* SPEC §3 record-level reason codes */
	ERR_TICKET_UNKNOWN,
	ERR_TICKET_EXISTS,
	ERR_PUJK_UNKNOWN,
	ERR_PUJK_NOT_ACTIVE,
	ERR_INVALID_STATE,
	ERR_NOT_APPLICABLE,
	ERR_ROLE_NOT_AUTHORIZED,
	ERR_ATTACHMENT_MISSING,
	ERR_ATTACHMENT_MISMATCH,
	ERR_TIME_INVALID,
	/* the hub's own kinds: not reason codes, never written into a file */
	ERR_USAGE,     /* bad command line (exit 64) */
	ERR_CONFIG,    /* bad or missing configuration (exit 78) */
	ERR_TRANSIENT, /* worth retrying: lock held, server away, CRL stale (exit 75) */
	ERR_IO,        /* the hub's own disk or database failed (exit 70) */
	ERR_NOT_FOUND, /* a named thing does not exist (exit 65 or 64 by command) */
	ERR_INTERNAL,  /* a bug or a library failure (exit 70) */
	ERR_CODE_COUNT
};

struct err {
	enum err_code code;
	char file[1024]; /* "" when the error has no file */
	long line;       /* 0 when unknown */
	long col;        /* 0 when unknown */
	char msg[1024];
};

/* Fill e (when not NULL) and return -1, so that "return err_set(...)" reads well. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_set_at(struct err *e, enum err_code code, const char *file, long line,
	       long col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Like err_set, with ": strerror(errno)" appended; errno is preserved. */
int err_sys(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void err_clear(struct err *e);

/* The SPEC name of a code ("SIGNATURE_INVALID"), or the hub's own name. */
const char *err_code_name(enum err_code code);
/* The code for a SPEC name, or ERR_NONE when the name is unknown. */
enum err_code err_code_from_name(const char *name);
/* 1 for SPEC file-level codes, 2 for record-level codes, 0 for the hub's own. */
int err_code_level(enum err_code code);

/* "FILE:LINE:COL: CODE: message" (parts without a value left out) into buf. */
void err_format(const struct err *e, char *buf, size_t size);

#endif
