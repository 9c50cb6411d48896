/*
 * sftp_session - the SFTP transport's connections: TCP with timeouts, the
 * SSH handshake, the host key checked against known_hosts, public key
 * authentication, and the run's deadline.  transport_sftp.c does the file
 * operations over them.  Internal to src/transport.
 *
 * Every failure of a connection marks it dead and is ERR_TRANSIENT (the
 * next call opens another); an unknown or changed host key, a refused key
 * or an unreadable key file is ERR_CONFIG.  The only clock read outside the
 * command layer is here: CLOCK_MONOTONIC, for the network's timeouts and
 * the run's time limit, never for a date the exchange records.
 */
#ifndef SLKTX_SFTP_SESSION_H
#define SLKTX_SFTP_SESSION_H

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "transport/transport.h"
#include "util/err.h"

#define SFTP_CONNECTIONS_MAX 16

struct conn {
	int fd;
	LIBSSH2_SESSION *ssh;
	LIBSSH2_SFTP *sftp;
	int dead;       /* the connection failed: no more requests on it */
	long timeout_s; /* what the last arm() allowed, for the message */
};

struct sftp {
	struct transport t;
	const struct config *cfg;
	char where[300]; /* "host:port" for messages */
	double deadline; /* CLOCK_MONOTONIC seconds: the end of the run */
	int has_fsync;   /* the server answers fsync@openssh.com */
	int nconns;
	struct conn conns[SFTP_CONNECTIONS_MAX]; /* [0] carries everything but range reads */
};

/* libssh2 initialised once per process: 0, or its error. */
int sftp_session_init(void);
/* CLOCK_MONOTONIC seconds. */
double sftp_session_clock(void);
/* Open c: connect, handshake, check the host key, authenticate. */
int sftp_session_open(struct sftp *s, struct conn *c, struct err *e);
void sftp_session_close(struct conn *c);
/* The first connection, opened when needed and armed with op_timeout_s. */
struct conn *sftp_session_ready(struct sftp *s, struct err *e);
/* Set c's timeout for the next operation: op timeout or what is left of the run. */
int sftp_session_arm(struct sftp *s, struct conn *c, long timeout_s, struct err *e);
/* The SFTP status of c's last failure (-1 when the session failed). */
long sftp_session_status(struct conn *c);
/* c failed at what on path: mark it dead and say why (ERR_TRANSIENT, ERR_IO...); -1. */
int sftp_session_fail(struct sftp *s, struct conn *c, struct err *e, const char *what,
		      const char *path);

#endif
