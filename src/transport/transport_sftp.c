/*
 * transport_sftp - the exchange's remote folders (SPEC §8) on an OpenSSH
 * server, through libssh2 1.10.
 *
 * Offers transport_sftp_open(), which connects, checks the server's host key
 * and authenticates before it returns, and the transport_ops of transport.h.
 *
 * Host keys are checked against the configured known_hosts file (OpenSSH
 * format, hashed or not, "[host]:port" for a port other than 22), with the
 * key type pinned when host_key_type is set; only an exact match proceeds.
 * An unknown or changed key stops the connection before authentication.
 *
 * Big files are fetched over several connections at once, each reading
 * ranges of the file (transport.connections); small ones with one read
 * sized to the file, because libssh2 reads ahead four times what it is
 * asked for and a large buffer on a small file costs requests past its end.
 *
 * idle() closes the connections; the next call opens one again, with the
 * host key checked again, within the same run time limit.
 *
 * list() hands out regular files whose names pass the strict pattern
 * ([A-Za-z0-9._-], no leading dot); everything else goes to the list's
 * ignored part, with its type, and is never touched.  remove() with
 * after_fetch = move takes NAME.1, NAME.2 ... in move_to when NAME is
 * there, as the local transport does.  A folder or name that is not plain is
 * ERR_NAME_INVALID before the server is asked anything.
 *
 * Error contract (transport.h's, the same as the local transport's): an
 * unknown or changed host key, a refused key, a missing setting or an
 * unreadable key file is ERR_CONFIG (an operator must act); a connection
 * that cannot be made, drops, stalls past op_timeout_s or outlives
 * run_timeout_s is ERR_TRANSIENT, and after it the transport refuses
 * further work: close it.  A remote file or folder that is missing is
 * ERR_NOT_FOUND; a file over the caller's max is ERR_LIMIT_EXCEEDED with
 * only its head read; a file whose size or mtime moves while it is fetched
 * (twice: it is fetched once more first), other refusals of the server and
 * failures of the local disk are ERR_IO, that one file's problem.
 */
#define _GNU_SOURCE /* sync_file_range */
#include "util/digest.h"
#include "util/fault.h"
#include "transport/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/*
 * Read sizes, measured with scripts/bench-sftp: libssh2 keeps four times the
 * asked size in flight, in requests of at most 30,000 bytes.  On 1 GB, 128
 * KiB, 256 KiB and 1 MiB gave the same speed within the machine's noise; on
 * 2 KB files a fixed 256 KiB sends 35 requests past the end, so a file is
 * asked for no more than what is left of it (one request for a small file).
 */
#define READ_BIG (256 * 1024)
#define WRITE_BUF (256 * 1024)
/* from this size on a file is fetched in ranges over several connections */
#define PARALLEL_MIN ((int64_t)64 * 1024 * 1024)
#define RANGE_MIN ((int64_t)16 * 1024 * 1024)
#define CONNECTIONS_MAX 16
/*
 * Writeback of what has landed is started every this many bytes, so that
 * the fsync that makes a fetched file durable finds little left to write:
 * on 1 GiB it took 0.37 s after the last byte without, 0.02 s with.
 */
#define WRITEBACK_EVERY ((int64_t)8 * 1024 * 1024)

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
	struct conn conns[CONNECTIONS_MAX]; /* [0] carries everything but range reads */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_libssh2(void)
{
	init_rc = libssh2_init(0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A peer that went away must not kill the process with SIGPIPE. */
static LIBSSH2_SEND_FUNC(send_nosignal)
{
	ssize_t n;

	(void)abstract;
	n = send(socket, buffer, length, flags | MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}

/* dir/prefix+name+suffix, dir and name checked before the server sees them. */
static int remote_path(char *buf, size_t size, const char *dir, const char *prefix,
		       const char *name, const char *suffix, struct err *e)
{
	int n;

	if (!remote_dir_ok(dir))
		return err_set(e, ERR_NAME_INVALID, "refusing remote folder '%s'", dir);
	if (!remote_name_ok(name))
		return err_set(e, ERR_NAME_INVALID, "refusing remote name '%s'", name);
	n = snprintf(buf, size, "%s/%s%s%s", dir, prefix, name, suffix);
	if (n < 0 || (size_t)n >= size)
		return err_set(e, ERR_CONFIG, "remote path '%s/%s' too long", dir, name);
	return 0;
}

static const char *sftp_status_text(unsigned long st)
{
	switch (st) {
	case LIBSSH2_FX_EOF: return "end of file";
	case LIBSSH2_FX_NO_SUCH_FILE: return "no such file";
	case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
	case LIBSSH2_FX_FAILURE: return "failure";
	case LIBSSH2_FX_BAD_MESSAGE: return "bad message";
	case LIBSSH2_FX_OP_UNSUPPORTED: return "operation unsupported";
	case LIBSSH2_FX_NO_SUCH_PATH: return "no such path";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file already exists";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space on the server";
	case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded";
	default: return "sftp error";
	}
}

/* The status of the last SFTP request, or -1 when the session itself failed. */
static long sftp_status(struct conn *c)
{
	if (libssh2_session_last_errno(c->ssh) != LIBSSH2_ERROR_SFTP_PROTOCOL)
		return -1;
	return (long)libssh2_sftp_last_error(c->sftp);
}

/* Describe the failure of the last libssh2 call on c: "cannot WHAT 'PATH': ...". */
static int conn_fail(struct sftp *s, struct conn *c, struct err *e, const char *what,
		     const char *path)
{
	char *msg = NULL;
	int rc = libssh2_session_last_error(c->ssh, &msg, NULL, 0);
	long st = sftp_status(c);

	if (st >= 0) {
		enum err_code code = ERR_IO;

		if (st == (long)LIBSSH2_FX_NO_SUCH_FILE || st == (long)LIBSSH2_FX_NO_SUCH_PATH)
			code = ERR_NOT_FOUND;
		return err_set(e, code, "cannot %s '%s' on %s: %s", what, path, s->where,
			       sftp_status_text((unsigned long)st));
	}
	/* a dead peer gets no more waits: every later call on c fails at once */
	c->dead = 1;
	shutdown(c->fd, SHUT_RDWR);
	if (rc == LIBSSH2_ERROR_TIMEOUT && now() >= s->deadline)
		return err_set(e, ERR_TRANSIENT, "cannot %s '%s': run time limit of %ld s reached",
			       what, path, s->cfg->transport.run_timeout_s);
	if (rc == LIBSSH2_ERROR_TIMEOUT)
		return err_set(e, ERR_TRANSIENT, "cannot %s '%s': no answer from %s within %ld s",
			       what, path, s->where, c->timeout_s);
	return err_set(e, ERR_TRANSIENT, "cannot %s '%s': connection to %s lost: %s", what, path,
		       s->where, msg != NULL && msg[0] != '\0' ? msg : "unknown libssh2 error");
}

/* Bound the next libssh2 call by the operation timeout and the run deadline. */
static int arm(struct sftp *s, struct conn *c, long timeout_s, struct err *e)
{
	double left = s->deadline - now();
	long ms = timeout_s * 1000;

	if (c->dead)
		return err_set(e, ERR_TRANSIENT, "connection to %s lost earlier in this run", s->where);
	if (left <= 0)
		return err_set(e, ERR_TRANSIENT, "run time limit of %ld s reached",
			       s->cfg->transport.run_timeout_s);
	if (ms <= 0 || left * 1000 < (double)ms)
		ms = (long)(left * 1000) + 1;
	c->timeout_s = timeout_s;
	libssh2_session_set_timeout(c->ssh, ms);
	return 0;
}

static int tcp_connect(struct sftp *s, struct conn *c, struct err *e)
{
	const struct config *cfg = s->cfg;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res = NULL, *ai;
	char port[16];
	int rc, saved = 0, one = 1;
	double left;

	snprintf(port, sizeof(port), "%d", cfg->transport.port);
	rc = getaddrinfo(cfg->transport.host, port, &hints, &res);
	if (rc != 0)
		return err_set(e, rc == EAI_AGAIN ? ERR_TRANSIENT : ERR_CONFIG,
			       "cannot resolve '%s': %s", cfg->transport.host, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			saved = errno;
			continue;
		}
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		if (saved == EINPROGRESS) {
			struct pollfd p = { .fd = c->fd, .events = POLLOUT };
			socklen_t len = sizeof(saved);

			left = s->deadline - now();
			if (left > (double)cfg->transport.connect_timeout_s)
				left = (double)cfg->transport.connect_timeout_s;
			do
				rc = poll(&p, 1, left > 0 ? (int)(left * 1000) : 0);
			while (rc < 0 && errno == EINTR);
			if (rc == 0)
				saved = ETIMEDOUT;
			else if (rc < 0)
				saved = errno;
			else if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &saved, &len) < 0)
				saved = errno;
			if (saved == 0)
				break;
		}
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		errno = saved;
		if (saved == ETIMEDOUT)
			return err_set(e, ERR_TRANSIENT, "cannot connect to %s: no answer within %ld s",
				       s->where, cfg->transport.connect_timeout_s);
		return err_sys(e, ERR_TRANSIENT, "cannot connect to %s", s->where);
	}
	/* libssh2 works on a blocking socket and bounds its waits itself */
	if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
	    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return err_sys(e, ERR_INTERNAL, "cannot set up the socket to %s", s->where);
	return 0;
}

static void base64_nopad(char *out, const unsigned char *in, int len)
{
	int n = EVP_EncodeBlock((unsigned char *)out, in, len);

	while (n > 0 && out[n - 1] == '=')
		out[--n] = '\0';
}

static int knownhost_type(int hostkey_type, const char **name)
{
	switch (hostkey_type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA: *name = "ssh-rsa"; return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case LIBSSH2_HOSTKEY_TYPE_DSS: *name = "ssh-dss"; return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: *name = "ecdsa-sha2-nistp256"; return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: *name = "ecdsa-sha2-nistp384"; return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: *name = "ecdsa-sha2-nistp521"; return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case LIBSSH2_HOSTKEY_TYPE_ED25519: *name = "ssh-ed25519"; return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default: *name = "unknown"; return -1;
	}
}

static int check_host_key(struct sftp *s, struct conn *c, struct err *e)
{
	const struct config *cfg = s->cfg;
	const char *file = cfg->transport.known_hosts, *type_name;
	LIBSSH2_KNOWNHOSTS *kh = NULL;
	const unsigned char *hash;
	const char *key;
	char fp[64] = "SHA256:", host[300];
	size_t len;
	int type, mask, rc = -1;

	key = libssh2_session_hostkey(c->ssh, &len, &type);
	hash = (const unsigned char *)libssh2_hostkey_hash(c->ssh, LIBSSH2_HOSTKEY_HASH_SHA256);
	if (key == NULL || hash == NULL) {
		err_set(e, ERR_TRANSIENT, "%s sent no host key", s->where);
		goto out;
	}
	base64_nopad(fp + 7, hash, 32);
	mask = knownhost_type(type, &type_name);
	if (mask < 0) {
		err_set(e, ERR_CONFIG, "host key of %s is of a type libssh2 cannot check (%s)",
			s->where, fp);
		goto out;
	}
	if (cfg->transport.host_key_type[0] != '\0' &&
	    strcmp(cfg->transport.host_key_type, type_name) != 0) {
		err_set(e, ERR_CONFIG, "host key of %s is %s %s, not of the pinned type '%s'",
			s->where, type_name, fp, cfg->transport.host_key_type);
		goto out;
	}
	kh = libssh2_knownhost_init(c->ssh);
	if (kh == NULL) {
		err_set(e, ERR_INTERNAL, "cannot set up the known hosts check");
		goto out;
	}
	if (libssh2_knownhost_readfile(kh, file, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		char *msg = NULL;

		libssh2_session_last_error(c->ssh, &msg, NULL, 0);
		err_set(e, ERR_CONFIG, "cannot read known hosts '%s': %s", file,
			msg != NULL ? msg : "unreadable");
		goto out;
	}
	/* OpenSSH names a host on another port than 22 "[host]:port" and only so */
	if (cfg->transport.port == 22)
		snprintf(host, sizeof(host), "%s", cfg->transport.host);
	else
		snprintf(host, sizeof(host), "[%s]:%d", cfg->transport.host, cfg->transport.port);
	switch (libssh2_knownhost_checkp(kh, host, -1, key, len,
					 LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | mask,
					 NULL)) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		rc = 0;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		err_set(e, ERR_CONFIG,
			"host key of %s changed: it offers %s %s, which known hosts '%s' does not have for '%s'",
			s->where, type_name, fp, file, host);
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		err_set(e, ERR_CONFIG,
			"host key of %s is unknown: it offers %s %s, and known hosts '%s' has no %s key for '%s'",
			s->where, type_name, fp, file, type_name, host);
		break;
	default:
		err_set(e, ERR_CONFIG, "cannot check the host key of %s against '%s'", s->where, file);
		break;
	}
out:
	if (kh != NULL)
		libssh2_knownhost_free(kh);
	return rc;
}

static int be32(const unsigned char *p)
{
	return (int)((unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]);
}

/*
 * The key type of a private key file: "ssh-rsa" for a PEM RSA key, the
 * public key's type for an OpenSSH-format key, "" when it cannot be told.
 */
static void identity_type(const char *path, char *type, size_t size)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const char magic[] = "openssh-key-v1";
	char text[16384], b64[16384];
	unsigned char bin[12288];
	const unsigned char *p, *end;
	size_t n = 0, m = 0;
	int len, i;
	FILE *f;
	char *s;

	type[0] = '\0';
	f = fopen(path, "re");
	if (f == NULL)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (strstr(text, "-----BEGIN RSA PRIVATE KEY-----") != NULL) {
		snprintf(type, size, "ssh-rsa");
		goto out;
	}
	s = strstr(text, begin);
	if (s == NULL)
		goto out;
	for (s += sizeof(begin) - 1; *s != '\0' && *s != '-' && m < sizeof(b64) - 1; s++)
		if (*s != '\n' && *s != '\r' && *s != ' ')
			b64[m++] = *s;
	m -= m % 4;
	b64[m] = '\0';
	len = EVP_DecodeBlock(bin, (const unsigned char *)b64, (int)m);
	if (len < (int)sizeof(magic))
		goto out;
	if (memcmp(bin, magic, sizeof(magic)) != 0)
		goto out;
	p = bin + sizeof(magic);
	end = bin + len;
	/* cipher, kdf name, kdf options, then the key count */
	for (i = 0; i < 3; i++) {
		if (end - p < 4 || be32(p) < 0 || end - p - 4 < be32(p))
			goto out;
		p += 4 + be32(p);
	}
	p += 4;
	/* the first public key: a string holding the string of its type */
	if (end - p < 8 || be32(p + 4) < 0 || end - p - 8 < be32(p + 4))
		goto out;
	snprintf(type, size, "%.*s", be32(p + 4), (const char *)p + 8);
out:
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(b64, sizeof(b64));
	OPENSSL_cleanse(bin, sizeof(bin));
}

static int read_passphrase(const char *path, char *buf, size_t size, struct err *e)
{
	FILE *f;
	size_t n;

	buf[0] = '\0';
	if (path[0] == '\0')
		return 0;
	f = fopen(path, "re");
	if (f == NULL)
		return err_sys(e, ERR_CONFIG, "cannot open passphrase file '%s'", path);
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int authenticate(struct sftp *s, struct conn *c, struct err *e)
{
	const struct config *cfg = s->cfg;
	const char *user = cfg->transport.user, *identity = cfg->transport.identity;
	char pass[1024], type[64], *msg = NULL;
	int rc;

	if (read_passphrase(cfg->transport.passphrase_file, pass, sizeof(pass), e) < 0)
		return -1;
	rc = libssh2_userauth_publickey_fromfile_ex(c->ssh, user, (unsigned)strlen(user), NULL,
						   identity, pass[0] != '\0' ? pass : NULL);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rc == 0)
		return 0;
	rc = libssh2_session_last_error(c->ssh, &msg, NULL, 0);
	identity_type(identity, type, sizeof(type));
	if (strcmp(type, "ssh-rsa") == 0)
		return err_set(e, ERR_CONFIG,
			       "cannot log in to %s as '%s' with '%s': it is an rsa key, and libssh2 1.10 "
			       "signs only with ssh-rsa (sha-1), which OpenSSH 8.8 and later refuse; "
			       "use an ed25519 or ecdsa key", s->where, user, identity);
	switch (rc) {
	case LIBSSH2_ERROR_FILE:
	case LIBSSH2_ERROR_KEYFILE_AUTH_FAILED:
		return err_set(e, ERR_CONFIG, "cannot load identity '%s' (wrong passphrase, or a key "
			       "type libssh2 cannot read): %s", identity, msg);
	case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
	case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
	case LIBSSH2_ERROR_METHOD_NOT_SUPPORTED:
		return err_set(e, ERR_CONFIG, "%s refused the key '%s'%s%s for user '%s'", s->where,
			       identity, type[0] != '\0' ? " of type " : "", type, user);
	default:
		return conn_fail(s, c, e, "log in as", user);
	}
}

static void conn_close(struct conn *c)
{
	if (c->sftp != NULL)
		libssh2_sftp_shutdown(c->sftp);
	if (c->ssh != NULL) {
		if (!c->dead)
			libssh2_session_disconnect(c->ssh, "done");
		libssh2_session_free(c->ssh);
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->ssh = NULL;
	c->sftp = NULL;
	c->dead = 0;
}

static int set_methods(struct sftp *s, struct conn *c, struct err *e)
{
	const struct config *cfg = s->cfg;
	const struct {
		int type;
		const char *prefs, *key;
	} m[] = {
		{ LIBSSH2_METHOD_HOSTKEY, cfg->transport.host_key_type, "host_key_type" },
		{ LIBSSH2_METHOD_CRYPT_CS, cfg->transport.ciphers, "ciphers" },
		{ LIBSSH2_METHOD_CRYPT_SC, cfg->transport.ciphers, "ciphers" },
		{ LIBSSH2_METHOD_MAC_CS, cfg->transport.macs, "macs" },
		{ LIBSSH2_METHOD_MAC_SC, cfg->transport.macs, "macs" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (m[i].prefs[0] != '\0' && libssh2_session_method_pref(c->ssh, m[i].type, m[i].prefs) != 0)
			return err_set(e, ERR_CONFIG, "transport %s '%s': libssh2 supports none of these",
				       m[i].key, m[i].prefs);
	return 0;
}

static int conn_open(struct sftp *s, struct conn *c, struct err *e)
{
	long timeout_s = s->cfg->transport.connect_timeout_s;
	char *msg = NULL;
	int rc;

	c->fd = -1;
	c->dead = 0;
	if (tcp_connect(s, c, e) < 0)
		goto fail;
	c->ssh = libssh2_session_init();
	if (c->ssh == NULL) {
		err_set(e, ERR_INTERNAL, "cannot start an ssh session");
		goto fail;
	}
	libssh2_session_callback_set(c->ssh, LIBSSH2_CALLBACK_SEND, (void *)send_nosignal);
	libssh2_session_set_blocking(c->ssh, 1);
	if (set_methods(s, c, e) < 0 || arm(s, c, timeout_s, e) < 0)
		goto fail;
	if (libssh2_session_handshake(c->ssh, c->fd) != 0) {
		rc = libssh2_session_last_error(c->ssh, &msg, NULL, 0);
		if (rc == LIBSSH2_ERROR_KEX_FAILURE || rc == LIBSSH2_ERROR_METHOD_NOT_SUPPORTED) {
			err_set(e, ERR_CONFIG, "no algorithms in common with %s (host_key_type '%s', "
				"ciphers '%s', macs '%s'): %s", s->where, s->cfg->transport.host_key_type,
				s->cfg->transport.ciphers, s->cfg->transport.macs, msg);
			goto fail;
		}
		conn_fail(s, c, e, "start ssh with", s->where);
		goto fail;
	}
	/* the host key is checked before anything about us is sent */
	if (check_host_key(s, c, e) < 0 || authenticate(s, c, e) < 0)
		goto fail;
	c->sftp = libssh2_sftp_init(c->ssh);
	if (c->sftp == NULL) {
		conn_fail(s, c, e, "start sftp on", s->where);
		goto fail;
	}
	return 0;
fail:
	c->dead = 1;
	conn_close(c);
	return -1;
}

/* The main connection, ready for one operation; opened again after sftp_idle. */
static struct conn *ready(struct sftp *s, struct err *e)
{
	struct conn *c = &s->conns[0];

	if (c->ssh == NULL && conn_open(s, c, e) < 0)
		return NULL;
	return arm(s, c, s->cfg->transport.op_timeout_s, e) < 0 ? NULL : c;
}

static int write_all(int fd, const char *buf, size_t len, int64_t off)
{
	while (len > 0) {
		ssize_t n = off < 0 ? write(fd, buf, len) : pwrite(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

/* What the server says an entry is (lstat: a link is a link). */
static enum remote_type entry_type(const LIBSSH2_SFTP_ATTRIBUTES *a)
{
	unsigned long m = a->permissions;

	if (!(a->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS))
		return REMOTE_UNKNOWN;
	if (LIBSSH2_SFTP_S_ISREG(m))
		return REMOTE_FILE;
	if (LIBSSH2_SFTP_S_ISDIR(m))
		return REMOTE_DIR;
	if (LIBSSH2_SFTP_S_ISLNK(m))
		return REMOTE_LINK;
	if (LIBSSH2_SFTP_S_ISFIFO(m))
		return REMOTE_FIFO;
	if (LIBSSH2_SFTP_S_ISSOCK(m))
		return REMOTE_SOCKET;
	if (LIBSSH2_SFTP_S_ISCHR(m) || LIBSSH2_SFTP_S_ISBLK(m))
		return REMOTE_DEVICE;
	return REMOTE_UNKNOWN;
}

static int list_add(struct remote_list *l, int ignored, const char *name,
		    const LIBSSH2_SFTP_ATTRIBUTES *a, enum remote_type type)
{
	struct remote_entry x;

	memset(&x, 0, sizeof(x));
	/* an unsafe name is kept as the server gave it, cut to fit */
	snprintf(x.name, sizeof(x.name), "%.*s", (int)sizeof(x.name) - 1, name);
	x.size = (a->flags & LIBSSH2_SFTP_ATTR_SIZE) ? (int64_t)a->filesize : -1;
	x.mtime = (a->flags & LIBSSH2_SFTP_ATTR_ACMODTIME) ? (int64_t)a->mtime : 0;
	x.type = type;
	return remote_list_add(l, ignored, &x);
}

static int sftp_list(struct transport *t, const char *dir, struct remote_list *out,
		     struct err *e)
{
	struct sftp *s = t->impl;
	LIBSSH2_SFTP_HANDLE *h = NULL;
	LIBSSH2_SFTP_ATTRIBUTES a;
	struct conn *c = NULL;
	char name[1024];
	enum remote_type type;
	int rc = -1, n;

	memset(out, 0, sizeof(*out));
	if (!remote_dir_ok(dir))
		return err_set(e, ERR_NAME_INVALID, "refusing remote folder '%s'", dir);
	c = ready(s, e);
	if (c == NULL)
		goto out;
	h = libssh2_sftp_opendir(c->sftp, dir);
	if (h == NULL) {
		conn_fail(s, c, e, "open folder", dir);
		goto out;
	}
	for (;;) {
		if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			goto out;
		n = libssh2_sftp_readdir_ex(h, name, sizeof(name), NULL, 0, &a);
		if (n == 0)
			break;
		if (n < 0) {
			conn_fail(s, c, e, "read folder", dir);
			goto out;
		}
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		type = entry_type(&a);
		/* names with shell or path characters, dot files and anything
		 * not a plain file are only reported, never touched */
		if (list_add(out, !(type == REMOTE_FILE && remote_name_ok(name)), name, &a, type) < 0) {
			err_set(e, ERR_INTERNAL, "out of memory listing '%s'", dir);
			goto out;
		}
	}
	remote_list_sort(out);
	rc = 0;
out:
	if (h != NULL)
		libssh2_sftp_closedir(h);
	if (rc < 0)
		remote_list_free(out);
	return rc;
}

struct remote_state {
	int64_t size, mtime;
};

/* Size and mtime of an open remote file; a file that is not regular is refused. */
static int remote_stat(struct sftp *s, struct conn *c, LIBSSH2_SFTP_HANDLE *h, const char *path,
		       struct remote_state *st, struct err *e)
{
	LIBSSH2_SFTP_ATTRIBUTES a;

	if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		return -1;
	if (libssh2_sftp_fstat(h, &a) != 0)
		return conn_fail(s, c, e, "stat", path);
	if (!(a.flags & LIBSSH2_SFTP_ATTR_SIZE) || !(a.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS))
		return err_set(e, ERR_IO, "%s gives no size for '%s'", s->where, path);
	if (!LIBSSH2_SFTP_S_ISREG(a.permissions))
		return err_set(e, ERR_IO, "'%s' on %s is not a regular file", path, s->where);
	st->size = (int64_t)a.filesize;
	st->mtime = (a.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) ? (int64_t)a.mtime : 0;
	return 0;
}

/* Read [off, end) of h into fd at the same offsets (or appended when
 * hash is set, hashing as it goes); *got counts the bytes received. */
static int read_range(struct sftp *s, struct conn *c, LIBSSH2_SFTP_HANDLE *h, const char *path,
		      int64_t off, int64_t end, int fd, const char *local, struct digest *hash,
		      int64_t *got, struct err *e)
{
	char *buf;
	size_t bufsize = READ_BIG;
	int64_t writeback_from;
	int rc = -1;

	if (end - off < (int64_t)bufsize)
		bufsize = end - off > 0 ? (size_t)(end - off) : 1;
	buf = malloc(bufsize);
	if (buf == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory fetching '%s'", path);
	libssh2_sftp_seek64(h, (libssh2_uint64_t)off);
	writeback_from = off;
	while (off < end) {
		/* asking for no more than is left keeps libssh2's read-ahead
		 * from requesting much past the end */
		size_t want = end - off < (int64_t)bufsize ? (size_t)(end - off) : bufsize;
		ssize_t n;

		if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			goto out;
		n = libssh2_sftp_read(h, buf, want);
		if (n < 0) {
			conn_fail(s, c, e, "read", path);
			goto out;
		}
		if (n == 0)
			break; /* shorter than it was: the caller sees the size differ */
		if (write_all(fd, buf, (size_t)n, hash != NULL ? -1 : off) < 0) {
			err_sys(e, ERR_IO, "cannot write '%s'", local);
			goto out;
		}
		if (hash != NULL && digest_update(hash, buf, (size_t)n, e) < 0)
			goto out;
		off += n;
		*got += n;
		if (off - writeback_from >= WRITEBACK_EVERY) {
			/* advisory: the caller's fsync reports any failure */
			sync_file_range(fd, writeback_from, off - writeback_from, SYNC_FILE_RANGE_WRITE);
			writeback_from = off;
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

struct range_job {
	struct sftp *s;
	const char *path, *local;
	int fd;
	int64_t size, range, nranges;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t next;        /* the next range to hand out */
	unsigned char *done; /* per range: 1 when written */
	int64_t got;         /* bytes received over all ranges */
	int stop;            /* a failure or a short read: no more ranges */
	int failed;
	struct err err;      /* the first failure */
};

struct range_worker {
	struct range_job *j;
	struct conn *c;
	LIBSSH2_SFTP_HANDLE *h; /* the caller's handle on the main connection, else NULL */
	pthread_t thread;
};

static void *range_worker_run(void *arg)
{
	struct range_worker *w = arg;
	struct range_job *j = w->j;
	struct sftp *s = j->s;
	LIBSSH2_SFTP_HANDLE *h = w->h;
	struct err e;
	int64_t k, off, end, got;

	err_clear(&e);
	if (w->c->ssh == NULL && conn_open(s, w->c, &e) < 0)
		goto fail;
	if (h == NULL) {
		if (arm(s, w->c, s->cfg->transport.op_timeout_s, &e) < 0)
			goto fail;
		h = libssh2_sftp_open(w->c->sftp, j->path, LIBSSH2_FXF_READ, 0);
		if (h == NULL) {
			conn_fail(s, w->c, &e, "open", j->path);
			goto fail;
		}
	}
	for (;;) {
		pthread_mutex_lock(&j->mu);
		k = j->stop || j->next >= j->nranges ? -1 : j->next++;
		pthread_mutex_unlock(&j->mu);
		if (k < 0)
			break;
		off = k * j->range;
		end = off + j->range < j->size ? off + j->range : j->size;
		got = 0;
		if (read_range(s, w->c, h, j->path, off, end, j->fd, j->local, NULL, &got, &e) < 0)
			goto fail;
		pthread_mutex_lock(&j->mu);
		j->got += got;
		j->done[k] = 1;
		if (got != end - off)
			j->stop = 1;
		pthread_cond_broadcast(&j->cv);
		pthread_mutex_unlock(&j->mu);
	}
	goto out;
fail:
	pthread_mutex_lock(&j->mu);
	if (!j->failed)
		j->err = e;
	j->failed = j->stop = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
out:
	if (h != NULL && h != w->h)
		libssh2_sftp_close_handle(h);
	return NULL;
}

/*
 * Fetch a big file in ranges, one thread per connection (the main one with
 * the caller's handle); this thread hashes the ranges in order as they land.
 */
static int fetch_ranges(struct sftp *s, LIBSSH2_SFTP_HANDLE *h, const char *path, int64_t size,
			int fd, const char *local, struct digest *hash, int64_t *got, struct err *e)
{
	struct range_worker w[CONNECTIONS_MAX];
	struct range_job j = { .s = s, .path = path, .local = local, .fd = fd, .size = size };
	void *map;
	int64_t k, off, len;
	int i, n = s->nconns, started = 0, hashed, rc = -1;

	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	/* a few ranges per connection, so that a slow one holds up little;
	 * whole MiBs, so that a range can be mapped for hashing */
	j.range = (size / (n * 4) + (1 << 20) - 1) & ~(int64_t)((1 << 20) - 1);
	if (j.range < RANGE_MIN)
		j.range = RANGE_MIN;
	j.nranges = (size + j.range - 1) / j.range;
	if (n > j.nranges)
		n = (int)j.nranges;
	j.done = calloc((size_t)j.nranges, 1);
	if (j.done == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory fetching '%s'", path);
		goto out;
	}
	for (i = 0; i < n; i++) {
		w[i] = (struct range_worker){ .j = &j, .c = &s->conns[i], .h = i == 0 ? h : NULL };
		if (pthread_create(&w[i].thread, NULL, range_worker_run, &w[i]) != 0) {
			pthread_mutex_lock(&j.mu);
			j.stop = 1;
			pthread_mutex_unlock(&j.mu);
			break;
		}
		started++;
	}
	for (k = 0; k < j.nranges; k++) {
		pthread_mutex_lock(&j.mu);
		while (!j.done[k] && !j.stop)
			pthread_cond_wait(&j.cv, &j.mu);
		pthread_mutex_unlock(&j.mu);
		if (!j.done[k])
			break;
		/* the range is in the page cache: mapping it hashes it without a copy */
		off = k * j.range;
		len = size - off < j.range ? size - off : j.range;
		map = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, (off_t)off);
		if (map == MAP_FAILED) {
			err_sys(e, ERR_IO, "cannot map '%s' to hash it", local);
			goto join;
		}
		hashed = digest_update(hash, map, (size_t)len, e);
		munmap(map, (size_t)len);
		if (hashed < 0)
			goto join;
	}
	rc = 0;
join:
	pthread_mutex_lock(&j.mu);
	j.stop = 1;
	pthread_mutex_unlock(&j.mu);
	for (i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	/* the extra connections are not kept: an idle one might be dropped by
	 * the server before the next big file, and a handshake is cheap next to
	 * the transfer */
	for (i = 1; i < started; i++)
		conn_close(&s->conns[i]);
	if (rc == 0 && j.failed) {
		*e = j.err;
		rc = -1;
	} else if (rc == 0 && started < n && j.got != size) {
		rc = err_set(e, ERR_INTERNAL, "cannot start a thread fetching '%s'", path);
	}
	*got = j.got;
out:
	free(j.done);
	pthread_cond_destroy(&j.cv);
	pthread_mutex_destroy(&j.mu);
	return rc;
}

/* One pass: open, size, read, size again.  The caller compares the sizes.
 * A file over max has only its head read: ERR_LIMIT_EXCEEDED, *over set. */
static int fetch_once(struct sftp *s, const char *path, int fd, const char *local, int64_t max,
		      unsigned char sha256[32], int64_t *got, struct remote_state *before,
		      struct remote_state *after, int *over, struct err *e)
{
	struct conn *c;
	LIBSSH2_SFTP_HANDLE *h = NULL;
	struct digest *hash = NULL;
	int rc = -1, done;

	*got = 0;
	c = ready(s, e);
	if (c == NULL || digest_new(&hash, e) < 0)
		goto out;
	h = libssh2_sftp_open(c->sftp, path, LIBSSH2_FXF_READ, 0);
	if (h == NULL) {
		conn_fail(s, c, e, "open", path);
		goto out;
	}
	if (remote_stat(s, c, h, path, before, e) < 0)
		goto out;
	fault_point("fetch-started");
	if (before->size > max) {
		*over = 1;
		if (read_range(s, c, h, path, 0, before->size < TRANSPORT_HEAD ? before->size
					: TRANSPORT_HEAD, fd, local, NULL, got, e) == 0)
			err_set(e, ERR_LIMIT_EXCEEDED, "'%s' on %s has %lld bytes, over the limit of "
				"%lld", path, s->where, (long long)before->size, (long long)max);
		goto out;
	}
	if (before->size >= PARALLEL_MIN && s->nconns > 1) {
		if (fetch_ranges(s, h, path, before->size, fd, local, hash, got, e) < 0)
			goto out;
	} else if (read_range(s, c, h, path, 0, before->size, fd, local, hash, got, e) < 0) {
		goto out;
	}
	if (remote_stat(s, c, h, path, after, e) < 0)
		goto out;
	done = digest_final(hash, sha256, e);
	hash = NULL;
	if (done < 0)
		goto out;
	rc = 0;
out:
	if (h != NULL && libssh2_sftp_close_handle(h) != 0 && rc == 0)
		rc = conn_fail(s, c, e, "close", path);
	digest_free(hash);
	return rc;
}

static int sftp_fetch(struct transport *t, const char *dir, const char *name,
		      const char *local_path, int64_t max, unsigned char sha256[32],
		      int64_t *size, struct err *e)
{
	struct sftp *s = t->impl;
	char path[PATH_MAX];
	struct remote_state before, after;
	int64_t got = 0;
	int fd = -1, attempt, over = 0;

	if (remote_path(path, sizeof(path), dir, "", name, "", e) < 0)
		return -1;
	fd = open(local_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot create '%s'", local_path);
	for (attempt = 0;; attempt++) {
		if (fetch_once(s, path, fd, local_path, max, sha256, &got, &before, &after, &over,
			       e) < 0)
			goto fail;
		if (got == before.size && before.size == after.size && before.mtime == after.mtime)
			break;
		if (attempt == 1) {
			err_set(e, ERR_IO, "'%s' on %s changed while fetched (%lld bytes, then "
				"%lld, %lld received; mtime %lld, then %lld): still being written?",
				path, s->where, (long long)before.size, (long long)after.size,
				(long long)got, (long long)before.mtime, (long long)after.mtime);
			goto fail;
		}
		if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
			err_sys(e, ERR_IO, "cannot truncate '%s'", local_path);
			goto fail;
		}
	}
	fault_point("mid-fetch");
	if (fsync(fd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync '%s'", local_path);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_sys(e, ERR_IO, "cannot close '%s'", local_path);
		goto fail;
	}
	*size = got;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (over)
		*size = before.size; /* the head stays for the caller */
	else
		unlink(local_path);
	return -1;
}

/* 1 when the remote file path holds exactly the bytes of fd (size bytes), 0 when not. */
static int same_content(struct sftp *s, struct conn *c, const char *path, int fd, int64_t size,
			struct err *e)
{
	LIBSSH2_SFTP_HANDLE *h = NULL;
	char *rbuf = malloc(READ_BIG), *lbuf = malloc(READ_BIG);
	struct remote_state rst;
	int64_t off = 0;
	int rc = -1;

	if (rbuf == NULL || lbuf == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory comparing '%s'", path);
		goto out;
	}
	if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		goto out;
	h = libssh2_sftp_open(c->sftp, path, LIBSSH2_FXF_READ, 0);
	if (h == NULL) {
		conn_fail(s, c, e, "open", path);
		goto out;
	}
	if (remote_stat(s, c, h, path, &rst, e) < 0)
		goto out;
	rc = rst.size == size;
	while (rc == 1 && off < size) {
		size_t want = size - off < READ_BIG ? (size_t)(size - off) : READ_BIG;
		ssize_t n, m;

		if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0) {
			rc = -1;
			break;
		}
		n = libssh2_sftp_read(h, rbuf, want);
		if (n < 0) {
			rc = conn_fail(s, c, e, "read", path);
			break;
		}
		if (n == 0) {
			rc = 0;
			break;
		}
		m = pread(fd, lbuf, (size_t)n, (off_t)off);
		if (m < 0) {
			rc = err_sys(e, ERR_IO, "cannot read local copy of '%s'", path);
			break;
		}
		rc = m == n && memcmp(rbuf, lbuf, (size_t)n) == 0;
		off += n;
	}
out:
	if (h != NULL)
		libssh2_sftp_close_handle(h);
	free(lbuf);
	free(rbuf);
	return rc;
}

/* path is already on the server: delivered when its bytes are ours. */
static int already_there(struct sftp *s, struct conn *c, const char *path, int fd, int64_t size,
			 struct err *e)
{
	int same = same_content(s, c, path, fd, size, e);

	if (same < 0)
		return -1;
	if (same == 0)
		return err_set(e, ERR_IO, "'%s' already exists on %s with other content", path,
			       s->where);
	return 0;
}

static int upload(struct sftp *s, struct conn *c, LIBSSH2_SFTP_HANDLE *h, int fd,
		  const char *local, const char *part, struct err *e)
{
	char *buf = malloc(WRITE_BUF);
	ssize_t n, w;
	size_t done;
	int rc = -1;

	if (buf == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory uploading '%s'", local);
	for (;;) {
		n = read(fd, buf, WRITE_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot read '%s'", local);
			goto out;
		}
		if (n == 0)
			break;
		for (done = 0; done < (size_t)n; done += (size_t)w) {
			if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
				goto out;
			w = libssh2_sftp_write(h, buf + done, (size_t)n - done);
			if (w < 0) {
				conn_fail(s, c, e, "write", part);
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Create the remote .part exclusively; one left by an interrupted run is ours to replace, once. */
static LIBSSH2_SFTP_HANDLE *open_part(struct sftp *s, struct conn *c, const char *part,
				      struct err *e)
{
	LIBSSH2_SFTP_HANDLE *h = NULL;

	for (int tries = 0; h == NULL; tries++) {
		if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			return NULL;
		h = libssh2_sftp_open(c->sftp, part, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
				      LIBSSH2_FXF_EXCL, 0640);
		if (h != NULL)
			break;
		if (tries > 0 || sftp_status(c) != (long)LIBSSH2_FX_FAILURE ||
		    libssh2_sftp_unlink(c->sftp, part) != 0) {
			conn_fail(s, c, e, "create", part);
			return NULL;
		}
	}
	return h;
}

/* Sync (where the server can) and close the uploaded .part (h is closed
 * whatever happens), then check it holds all size bytes. */
static int close_part(struct sftp *s, struct conn *c, LIBSSH2_SFTP_HANDLE *h, const char *part,
		      int64_t size, struct err *e)
{
	LIBSSH2_SFTP_ATTRIBUTES a;

	if (s->has_fsync) {
		if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			goto fail;
		if (libssh2_sftp_fsync(h) != 0) {
			if (sftp_status(c) != (long)LIBSSH2_FX_OP_UNSUPPORTED) {
				conn_fail(s, c, e, "fsync", part);
				goto fail;
			}
			s->has_fsync = 0;
		}
	}
	if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		goto fail;
	if (libssh2_sftp_close_handle(h) != 0)
		return conn_fail(s, c, e, "close", part);
	if (libssh2_sftp_lstat(c->sftp, part, &a) != 0)
		return conn_fail(s, c, e, "stat", part);
	if (!(a.flags & LIBSSH2_SFTP_ATTR_SIZE) || (int64_t)a.filesize != size)
		return err_set(e, ERR_IO, "'%s' has %llu bytes on %s, %lld were sent", part,
			       (unsigned long long)a.filesize, s->where, (long long)size);
	return 0;
fail:
	libssh2_sftp_close_handle(h);
	return -1;
}

static int sftp_push(struct transport *t, const char *local_path, const char *dir,
		     const char *name, struct err *e)
{
	struct sftp *s = t->impl;
	struct conn *c = NULL;
	LIBSSH2_SFTP_HANDLE *h = NULL;
	LIBSSH2_SFTP_ATTRIBUTES a;
	char path[PATH_MAX], part[PATH_MAX];
	struct stat st;
	int fd = -1, rc = -1, part_made = 0;
	long status;

	if (remote_path(path, sizeof(path), dir, "", name, "", e) < 0 ||
	    remote_path(part, sizeof(part), dir, ".", name, ".part", e) < 0)
		return -1;
	fd = open(local_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot open '%s'", local_path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, ERR_IO, "'%s' is not a regular file", local_path);
		goto out;
	}
	c = ready(s, e);
	if (c == NULL)
		goto out;
	/* a rerun after a lost connection finds the file delivered */
	if (libssh2_sftp_lstat(c->sftp, path, &a) == 0) {
		rc = already_there(s, c, path, fd, (int64_t)st.st_size, e);
		goto out;
	}
	status = sftp_status(c);
	if (status != (long)LIBSSH2_FX_NO_SUCH_FILE && status != (long)LIBSSH2_FX_NO_SUCH_PATH) {
		conn_fail(s, c, e, "stat", path);
		goto out;
	}
	h = open_part(s, c, part, e);
	if (h == NULL)
		goto out;
	part_made = 1;
	if (upload(s, c, h, fd, local_path, part, e) < 0)
		goto out;
	rc = close_part(s, c, h, part, (int64_t)st.st_size, e);
	h = NULL;
	if (rc < 0)
		goto out;
	rc = -1;
	fault_point("mid-push");
	/* SSH_FXP_RENAME (protocol 3) never replaces: OpenSSH refuses an existing name */
	if (libssh2_sftp_rename_ex(c->sftp, part, (unsigned)strlen(part), path,
				   (unsigned)strlen(path), LIBSSH2_SFTP_RENAME_ATOMIC) != 0) {
		if (sftp_status(c) < 0 || libssh2_sftp_lstat(c->sftp, path, &a) != 0) {
			conn_fail(s, c, e, "rename to", path);
			goto out;
		}
		rc = already_there(s, c, path, fd, (int64_t)st.st_size, e);
		goto out;
	}
	part_made = 0;
	rc = 0;
out:
	if (h != NULL)
		libssh2_sftp_close_handle(h);
	if (part_made && !c->dead)
		libssh2_sftp_unlink(c->sftp, part);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* 1 when path exists on the server, 0 when not, -1 on failure. */
static int remote_exists(struct sftp *s, struct conn *c, const char *path, struct err *e)
{
	LIBSSH2_SFTP_ATTRIBUTES a;
	long status;

	if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		return -1;
	if (libssh2_sftp_lstat(c->sftp, path, &a) == 0)
		return 1;
	status = sftp_status(c);
	if (status == (long)LIBSSH2_FX_NO_SUCH_FILE || status == (long)LIBSSH2_FX_NO_SUCH_PATH)
		return 0;
	return conn_fail(s, c, e, "stat", path);
}

/*
 * Rename path into move_to as name, or name.1, name.2 ... when taken.  The
 * server's rename (SSH_FXP_RENAME of protocol 3, link + unlink in OpenSSH)
 * never replaces, and answers a missing source and a taken target alike:
 * each refusal is looked into, the source first.
 */
static int move_away(struct sftp *s, struct conn *c, const char *path, const char *name,
		     struct err *e)
{
	const char *move_to = s->cfg->transport.move_to;
	char dest[PATH_MAX], suffix[16] = "";
	int there;

	for (int i = 0; i < TRANSPORT_MOVE_SUFFIX_MAX; i++) {
		if (i > 0)
			snprintf(suffix, sizeof(suffix), ".%d", i);
		if (remote_path(dest, sizeof(dest), move_to, "", name, suffix, e) < 0)
			return -1;
		if (arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			return -1;
		if (libssh2_sftp_rename_ex(c->sftp, path, (unsigned)strlen(path), dest,
					   (unsigned)strlen(dest), LIBSSH2_SFTP_RENAME_ATOMIC) == 0)
			return 0;
		if (sftp_status(c) < 0)
			return conn_fail(s, c, e, "move", path);
		there = remote_exists(s, c, path, e);
		if (there <= 0)
			return there; /* gone already, or the connection failed */
		there = remote_exists(s, c, dest, e);
		if (there < 0)
			return -1;
		if (there == 0)
			return err_set(e, ERR_IO, "cannot move '%s' to '%s' on %s: refused", path, dest,
				       s->where);
	}
	return err_set(e, ERR_IO, "cannot move '%s' to '%s' on %s: %d files of that name are there",
		       path, move_to, s->where, TRANSPORT_MOVE_SUFFIX_MAX);
}

static int sftp_remove(struct transport *t, const char *dir, const char *name, struct err *e)
{
	struct sftp *s = t->impl;
	const struct config *cfg = s->cfg;
	struct conn *c;
	char path[PATH_MAX];
	long status;

	if (remote_path(path, sizeof(path), dir, "", name, "", e) < 0)
		return -1;
	c = ready(s, e);
	if (c == NULL)
		return -1;
	if (strcmp(cfg->transport.after_fetch, "move") == 0)
		return move_away(s, c, path, name, e);
	if (libssh2_sftp_unlink(c->sftp, path) == 0)
		return 0;
	status = sftp_status(c);
	if (status == (long)LIBSSH2_FX_NO_SUCH_FILE || status == (long)LIBSSH2_FX_NO_SUCH_PATH)
		return 0;
	return conn_fail(s, c, e, "remove", path);
}

static void sftp_idle(struct transport *t)
{
	struct sftp *s = t->impl;

	/* a lost connection stays lost: the run has failed and must stop */
	for (int i = s->nconns - 1; i >= 0; i--)
		if (s->conns[i].ssh != NULL && !s->conns[i].dead)
			conn_close(&s->conns[i]);
}

static void sftp_close(struct transport *t)
{
	struct sftp *s;

	if (t == NULL)
		return;
	s = t->impl;
	for (int i = s->nconns - 1; i >= 0; i--)
		conn_close(&s->conns[i]);
	free(s);
}

static const struct transport_ops sftp_ops = {
	.list = sftp_list,
	.fetch = sftp_fetch,
	.push = sftp_push,
	.remove = sftp_remove,
	.idle = sftp_idle,
	.close = sftp_close,
};

static int check_config(const struct config *cfg, struct err *e)
{
	const struct {
		const char *value, *key;
	} need[] = {
		{ cfg->transport.host, "host" },
		{ cfg->transport.user, "user" },
		{ cfg->transport.identity, "identity" },
		{ cfg->transport.known_hosts, "known_hosts" },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (need[i].value[0] == '\0')
			return err_set(e, ERR_CONFIG, "transport '%s' must be set for sftp", need[i].key);
	if (cfg->transport.port < 1 || cfg->transport.port > 65535)
		return err_set(e, ERR_CONFIG, "transport port %d out of range", cfg->transport.port);
	if (strcmp(cfg->transport.after_fetch, "move") == 0 && cfg->transport.move_to[0] == '\0')
		return err_set(e, ERR_CONFIG, "transport after_fetch = move needs move_to");
	return 0;
}

int transport_sftp_open(struct transport **out, const struct config *cfg, struct err *e)
{
	struct sftp *s;
	long run = cfg->transport.run_timeout_s;

	*out = NULL;
	if (check_config(cfg, e) < 0)
		return -1;
	pthread_once(&init_once, init_libssh2);
	if (init_rc != 0)
		return err_set(e, ERR_INTERNAL, "cannot initialise libssh2");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	s->cfg = cfg;
	snprintf(s->where, sizeof(s->where), "%s:%d", cfg->transport.host, cfg->transport.port);
	s->deadline = now() + (run > 0 ? (double)run : 1e9);
	s->has_fsync = 1;
	s->nconns = cfg->transport.connections < 1 ? 1 : cfg->transport.connections;
	if (s->nconns > CONNECTIONS_MAX)
		s->nconns = CONNECTIONS_MAX;
	for (int i = 0; i < CONNECTIONS_MAX; i++)
		s->conns[i].fd = -1;
	if (conn_open(s, &s->conns[0], e) < 0) {
		free(s);
		return -1;
	}
	s->t.ops = &sftp_ops;
	s->t.cfg = cfg;
	s->t.impl = s;
	*out = &s->t;
	return 0;
}
