/*
 * preflight - everything a configuration names, checked before a run
 * touches the server, and by `slktx config check` (as `postfix check` and
 * `nginx -t` do): the hub's certificate and its key (the key owner-only and
 * owned by the user that runs slktx, and belonging to the certificate), the
 * trust anchors, the CRLs and their next update, the intake's certificates,
 * the holiday calendar for the next 60 days, the spool and ledger writable,
 * the transport's folders and keys, and with PREFLIGHT_CONNECT the SFTP
 * server's host key and login.
 *
 * Every problem found is added to a list (nothing is printed, nothing is
 * created): an error stops a run before it touches the server, unless it
 * is transient (the stages deal with it); a warning never does.  Each names the
 * configuration file, the line and the key it comes from (line 0 when the key
 * kept its default).  preflight_run returns -1 only when it cannot check at
 * all (out of memory): problems are not failures of the check.
 */
#ifndef SLKTX_PREFLIGHT_H
#define SLKTX_PREFLIGHT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/config.h"
#include "util/err.h"

enum preflight_level { PREFLIGHT_ERROR, PREFLIGHT_WARNING };

struct preflight_problem {
	enum preflight_level level;
	char file[PATH_MAX]; /* the configuration file, "" for the embedded defaults */
	long line;           /* of the key; 0 when it kept its default */
	char key[64];        /* "[hub] key", "" when no key is at fault */
	char msg[1024];
	int transient;       /* the run's own stages handle it (a stale CRL waits, a
				missing calendar year warns): it does not stop a run */
};

struct preflight_report {
	size_t n, errors, warnings;
	struct preflight_problem *v;
};

#define PREFLIGHT_CONNECT 1 /* log in to the SFTP server too */
#define PREFLIGHT_CALENDAR_DAYS 60

/* Add a problem (for the configuration file's own, found while parsing). */
int preflight_add(struct preflight_report *r, enum preflight_level level, const char *file,
		  long line, const char *section, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Check cfg as the user uid would run it at time now. */
int preflight_run(const struct config *cfg, int64_t now, uid_t uid, int flags,
		  struct preflight_report *r, struct err *e);
void preflight_report_free(struct preflight_report *r);

#endif
