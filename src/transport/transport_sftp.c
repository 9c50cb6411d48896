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
#include "transport/sftp_session.h"
#include "transport/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>
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
/*
 * Writeback of what has landed is started every this many bytes, so that
 * the fsync that makes a fetched file durable finds little left to write:
 * on 1 GiB it took 0.37 s after the last byte without, 0.02 s with.
 */
#define WRITEBACK_EVERY ((int64_t)8 * 1024 * 1024)

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
	c = sftp_session_ready(s, e);
	if (c == NULL)
		goto out;
	h = libssh2_sftp_opendir(c->sftp, dir);
	if (h == NULL) {
		sftp_session_fail(s, c, e, "open folder", dir);
		goto out;
	}
	for (;;) {
		if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			goto out;
		n = libssh2_sftp_readdir_ex(h, name, sizeof(name), NULL, 0, &a);
		if (n == 0)
			break;
		if (n < 0) {
			sftp_session_fail(s, c, e, "read folder", dir);
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

	if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		return -1;
	if (libssh2_sftp_fstat(h, &a) != 0)
		return sftp_session_fail(s, c, e, "stat", path);
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

		if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			goto out;
		n = libssh2_sftp_read(h, buf, want);
		if (n < 0) {
			sftp_session_fail(s, c, e, "read", path);
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
	if (w->c->ssh == NULL && sftp_session_open(s, w->c, &e) < 0)
		goto fail;
	if (h == NULL) {
		if (sftp_session_arm(s, w->c, s->cfg->transport.op_timeout_s, &e) < 0)
			goto fail;
		h = libssh2_sftp_open(w->c->sftp, j->path, LIBSSH2_FXF_READ, 0);
		if (h == NULL) {
			sftp_session_fail(s, w->c, &e, "open", j->path);
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
	struct range_worker w[SFTP_CONNECTIONS_MAX];
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
		sftp_session_close(&s->conns[i]);
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
	c = sftp_session_ready(s, e);
	if (c == NULL || digest_new(&hash, e) < 0)
		goto out;
	h = libssh2_sftp_open(c->sftp, path, LIBSSH2_FXF_READ, 0);
	if (h == NULL) {
		sftp_session_fail(s, c, e, "open", path);
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
		rc = sftp_session_fail(s, c, e, "close", path);
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
	if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		goto out;
	h = libssh2_sftp_open(c->sftp, path, LIBSSH2_FXF_READ, 0);
	if (h == NULL) {
		sftp_session_fail(s, c, e, "open", path);
		goto out;
	}
	if (remote_stat(s, c, h, path, &rst, e) < 0)
		goto out;
	rc = rst.size == size;
	while (rc == 1 && off < size) {
		size_t want = size - off < READ_BIG ? (size_t)(size - off) : READ_BIG;
		ssize_t n, m;

		if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0) {
			rc = -1;
			break;
		}
		n = libssh2_sftp_read(h, rbuf, want);
		if (n < 0) {
			rc = sftp_session_fail(s, c, e, "read", path);
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
			if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
				goto out;
			w = libssh2_sftp_write(h, buf + done, (size_t)n - done);
			if (w < 0) {
				sftp_session_fail(s, c, e, "write", part);
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
		if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			return NULL;
		h = libssh2_sftp_open(c->sftp, part, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
				      LIBSSH2_FXF_EXCL, 0640);
		if (h != NULL)
			break;
		if (tries > 0 || sftp_session_status(c) != (long)LIBSSH2_FX_FAILURE ||
		    libssh2_sftp_unlink(c->sftp, part) != 0) {
			sftp_session_fail(s, c, e, "create", part);
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
		if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			goto fail;
		if (libssh2_sftp_fsync(h) != 0) {
			if (sftp_session_status(c) != (long)LIBSSH2_FX_OP_UNSUPPORTED) {
				sftp_session_fail(s, c, e, "fsync", part);
				goto fail;
			}
			s->has_fsync = 0;
		}
	}
	if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		goto fail;
	if (libssh2_sftp_close_handle(h) != 0)
		return sftp_session_fail(s, c, e, "close", part);
	if (libssh2_sftp_lstat(c->sftp, part, &a) != 0)
		return sftp_session_fail(s, c, e, "stat", part);
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
	c = sftp_session_ready(s, e);
	if (c == NULL)
		goto out;
	/* a rerun after a lost connection finds the file delivered */
	if (libssh2_sftp_lstat(c->sftp, path, &a) == 0) {
		rc = already_there(s, c, path, fd, (int64_t)st.st_size, e);
		goto out;
	}
	status = sftp_session_status(c);
	if (status != (long)LIBSSH2_FX_NO_SUCH_FILE && status != (long)LIBSSH2_FX_NO_SUCH_PATH) {
		sftp_session_fail(s, c, e, "stat", path);
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
		if (sftp_session_status(c) < 0 || libssh2_sftp_lstat(c->sftp, path, &a) != 0) {
			sftp_session_fail(s, c, e, "rename to", path);
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

	if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
		return -1;
	if (libssh2_sftp_lstat(c->sftp, path, &a) == 0)
		return 1;
	status = sftp_session_status(c);
	if (status == (long)LIBSSH2_FX_NO_SUCH_FILE || status == (long)LIBSSH2_FX_NO_SUCH_PATH)
		return 0;
	return sftp_session_fail(s, c, e, "stat", path);
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
		if (sftp_session_arm(s, c, s->cfg->transport.op_timeout_s, e) < 0)
			return -1;
		if (libssh2_sftp_rename_ex(c->sftp, path, (unsigned)strlen(path), dest,
					   (unsigned)strlen(dest), LIBSSH2_SFTP_RENAME_ATOMIC) == 0)
			return 0;
		if (sftp_session_status(c) < 0)
			return sftp_session_fail(s, c, e, "move", path);
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
	c = sftp_session_ready(s, e);
	if (c == NULL)
		return -1;
	if (strcmp(cfg->transport.after_fetch, "move") == 0)
		return move_away(s, c, path, name, e);
	if (libssh2_sftp_unlink(c->sftp, path) == 0)
		return 0;
	status = sftp_session_status(c);
	if (status == (long)LIBSSH2_FX_NO_SUCH_FILE || status == (long)LIBSSH2_FX_NO_SUCH_PATH)
		return 0;
	return sftp_session_fail(s, c, e, "remove", path);
}

static void sftp_idle(struct transport *t)
{
	struct sftp *s = t->impl;

	/* a lost connection stays lost: the run has failed and must stop */
	for (int i = s->nconns - 1; i >= 0; i--)
		if (s->conns[i].ssh != NULL && !s->conns[i].dead)
			sftp_session_close(&s->conns[i]);
}

static void sftp_close(struct transport *t)
{
	struct sftp *s;

	if (t == NULL)
		return;
	s = t->impl;
	for (int i = s->nconns - 1; i >= 0; i--)
		sftp_session_close(&s->conns[i]);
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
	if (sftp_session_init() != 0)
		return err_set(e, ERR_INTERNAL, "cannot initialise libssh2");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	s->cfg = cfg;
	snprintf(s->where, sizeof(s->where), "%s:%d", cfg->transport.host, cfg->transport.port);
	s->deadline = sftp_session_clock() + (run > 0 ? (double)run : 1e9);
	s->has_fsync = 1;
	s->nconns = cfg->transport.connections < 1 ? 1 : cfg->transport.connections;
	if (s->nconns > SFTP_CONNECTIONS_MAX)
		s->nconns = SFTP_CONNECTIONS_MAX;
	for (int i = 0; i < SFTP_CONNECTIONS_MAX; i++)
		s->conns[i].fd = -1;
	if (sftp_session_open(s, &s->conns[0], e) < 0) {
		free(s);
		return -1;
	}
	s->t.ops = &sftp_ops;
	s->t.cfg = cfg;
	s->t.impl = s;
	*out = &s->t;
	return 0;
}
