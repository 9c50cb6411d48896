/*
 * sftp_session - the SFTP transport's connections; see sftp_session.h.
 */
#include "transport/sftp_session.h"

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
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>


static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_libssh2(void)
{
	init_rc = libssh2_init(0);
}

int sftp_session_init(void)
{
	pthread_once(&init_once, init_libssh2);
	return init_rc;
}

double sftp_session_clock(void)
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
long sftp_session_status(struct conn *c)
{
	if (libssh2_session_last_errno(c->ssh) != LIBSSH2_ERROR_SFTP_PROTOCOL)
		return -1;
	return (long)libssh2_sftp_last_error(c->sftp);
}

/* Describe the failure of the last libssh2 call on c: "cannot WHAT 'PATH': ...". */
int sftp_session_fail(struct sftp *s, struct conn *c, struct err *e, const char *what,
		     const char *path)
{
	char *msg = NULL;
	int rc = libssh2_session_last_error(c->ssh, &msg, NULL, 0);
	long st = sftp_session_status(c);

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
	if (rc == LIBSSH2_ERROR_TIMEOUT && sftp_session_clock() >= s->deadline)
		return err_set(e, ERR_TRANSIENT, "cannot %s '%s': run time limit of %ld s reached",
			       what, path, s->cfg->transport.run_timeout_s);
	if (rc == LIBSSH2_ERROR_TIMEOUT)
		return err_set(e, ERR_TRANSIENT, "cannot %s '%s': no answer from %s within %ld s",
			       what, path, s->where, c->timeout_s);
	return err_set(e, ERR_TRANSIENT, "cannot %s '%s': connection to %s lost: %s", what, path,
		       s->where, msg != NULL && msg[0] != '\0' ? msg : "unknown libssh2 error");
}

/* Bound the next libssh2 call by the operation timeout and the run deadline. */
int sftp_session_arm(struct sftp *s, struct conn *c, long timeout_s, struct err *e)
{
	double left = s->deadline - sftp_session_clock();
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

			left = s->deadline - sftp_session_clock();
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
		return sftp_session_fail(s, c, e, "log in as", user);
	}
}

void sftp_session_close(struct conn *c)
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

int sftp_session_open(struct sftp *s, struct conn *c, struct err *e)
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
	if (set_methods(s, c, e) < 0 || sftp_session_arm(s, c, timeout_s, e) < 0)
		goto fail;
	if (libssh2_session_handshake(c->ssh, c->fd) != 0) {
		rc = libssh2_session_last_error(c->ssh, &msg, NULL, 0);
		if (rc == LIBSSH2_ERROR_KEX_FAILURE || rc == LIBSSH2_ERROR_METHOD_NOT_SUPPORTED) {
			err_set(e, ERR_CONFIG, "no algorithms in common with %s (host_key_type '%s', "
				"ciphers '%s', macs '%s'): %s", s->where, s->cfg->transport.host_key_type,
				s->cfg->transport.ciphers, s->cfg->transport.macs, msg);
			goto fail;
		}
		sftp_session_fail(s, c, e, "start ssh with", s->where);
		goto fail;
	}
	/* the host key is checked before anything about us is sent */
	if (check_host_key(s, c, e) < 0 || authenticate(s, c, e) < 0)
		goto fail;
	c->sftp = libssh2_sftp_init(c->ssh);
	if (c->sftp == NULL) {
		sftp_session_fail(s, c, e, "start sftp on", s->where);
		goto fail;
	}
	return 0;
fail:
	c->dead = 1;
	sftp_session_close(c);
	return -1;
}

/* The main connection, ready for one operation; opened again after sftp_idle. */
struct conn *sftp_session_ready(struct sftp *s, struct err *e)
{
	struct conn *c = &s->conns[0];

	if (c->ssh == NULL && sftp_session_open(s, c, e) < 0)
		return NULL;
	return sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0 ? NULL : c;
}
