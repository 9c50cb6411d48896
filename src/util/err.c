/*
 * err - error objects; see err.h for the contract.
 */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const code_names[ERR_CODE_COUNT] = {
	[ERR_NONE] = "OK",
	[ERR_SIGNATURE_MISSING] = "SIGNATURE_MISSING",
	[ERR_SIGNATURE_INVALID] = "SIGNATURE_INVALID",
	[ERR_CERT_UNTRUSTED] = "CERT_UNTRUSTED",
	[ERR_CERT_EXPIRED] = "CERT_EXPIRED",
	[ERR_CERT_NOT_YET_VALID] = "CERT_NOT_YET_VALID",
	[ERR_CERT_REVOKED] = "CERT_REVOKED",
	[ERR_SIGNER_NOT_REGISTERED] = "SIGNER_NOT_REGISTERED",
	[ERR_SENDER_NOT_ACTIVE] = "SENDER_NOT_ACTIVE",
	[ERR_SENDER_MISMATCH] = "SENDER_MISMATCH",
	[ERR_NAME_INVALID] = "NAME_INVALID",
	[ERR_XML_MALFORMED] = "XML_MALFORMED",
	[ERR_XML_FORBIDDEN] = "XML_FORBIDDEN",
	[ERR_SCHEMA_INVALID] = "SCHEMA_INVALID",
	[ERR_COUNT_MISMATCH] = "COUNT_MISMATCH",
	[ERR_DUPLICATE_RECORD_ID] = "DUPLICATE_RECORD_ID",
	[ERR_DUPLICATE_FILE] = "DUPLICATE_FILE",
	[ERR_DUPLICATE_BATCH_ID] = "DUPLICATE_BATCH_ID",
	[ERR_PACKAGE_INVALID] = "PACKAGE_INVALID",
	[ERR_LIMIT_EXCEEDED] = "LIMIT_EXCEEDED",
	[ERR_TICKET_UNKNOWN] = "TICKET_UNKNOWN",
	[ERR_TICKET_EXISTS] = "TICKET_EXISTS",
	[ERR_PUJK_UNKNOWN] = "PUJK_UNKNOWN",
	[ERR_PUJK_NOT_ACTIVE] = "PUJK_NOT_ACTIVE",
	[ERR_INVALID_STATE] = "INVALID_STATE",
	[ERR_NOT_APPLICABLE] = "NOT_APPLICABLE",
	[ERR_ROLE_NOT_AUTHORIZED] = "ROLE_NOT_AUTHORIZED",
	[ERR_ATTACHMENT_MISSING] = "ATTACHMENT_MISSING",
	[ERR_ATTACHMENT_MISMATCH] = "ATTACHMENT_MISMATCH",
	[ERR_TIME_INVALID] = "TIME_INVALID",
	[ERR_USAGE] = "USAGE",
	[ERR_CONFIG] = "CONFIG",
	[ERR_TRANSIENT] = "TRANSIENT",
	[ERR_IO] = "IO",
	[ERR_NOT_FOUND] = "NOT_FOUND",
	[ERR_INTERNAL] = "INTERNAL",
};

static void fill(struct err *e, enum err_code code, const char *file, long line,
		 long col, const char *fmt, va_list ap)
{
	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	fill(e, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int err_set_at(struct err *e, enum err_code code, const char *file, long line,
	       long col, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	fill(e, code, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int err_sys(struct err *e, enum err_code code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t len;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	fill(e, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

const char *err_code_name(enum err_code code)
{
	if ((int)code < 0 || code >= ERR_CODE_COUNT)
		return "INTERNAL";
	return code_names[code];
}

enum err_code err_code_from_name(const char *name)
{
	for (int i = 1; i < ERR_CODE_COUNT; i++)
		if (strcmp(code_names[i], name) == 0)
			return (enum err_code)i;
	return ERR_NONE;
}

int err_code_level(enum err_code code)
{
	if (code >= ERR_SIGNATURE_MISSING && code <= ERR_LIMIT_EXCEEDED)
		return 1;
	if (code >= ERR_TICKET_UNKNOWN && code <= ERR_TIME_INVALID)
		return 2;
	return 0;
}

void err_format(const struct err *e, char *buf, size_t size)
{
	if (e->file[0] != '\0' && e->line > 0 && e->col == 0) /* a line, no column known */
		snprintf(buf, size, "%s:%ld: %s: %s", e->file, e->line, err_code_name(e->code),
			 e->msg);
	else if (e->file[0] != '\0' && e->line > 0)
		snprintf(buf, size, "%s:%ld:%ld: %s: %s", e->file, e->line,
			 e->col, err_code_name(e->code), e->msg);
	else if (e->file[0] != '\0')
		snprintf(buf, size, "%s: %s: %s", e->file,
			 err_code_name(e->code), e->msg);
	else
		snprintf(buf, size, "%s: %s", err_code_name(e->code), e->msg);
}
