/*
 * spool - the hub's spool directories; see spool.h for the contract.
 */
#include "spool/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "util/digest.h"
#include "util/safefile.h"

#define WIB_OFFSET (7 * 3600)

enum fixed { FIXED_TMP, FIXED_INBOX, FIXED_ARCHIVE, FIXED_QUARANTINE, FIXED_OUTBOX,
	     FIXED_SENT, FIXED_ATTACHMENTS, FIXED_REPORTS, FIXED_COUNT };

static const char *const fixed_dirs[FIXED_COUNT] = {
	[FIXED_TMP] = SPOOL_TMP,
	[FIXED_INBOX] = SPOOL_INBOX,
	[FIXED_ARCHIVE] = SPOOL_ARCHIVE,
	[FIXED_QUARANTINE] = SPOOL_QUARANTINE,
	[FIXED_OUTBOX] = SPOOL_OUTBOX,
	[FIXED_SENT] = SPOOL_SENT,
	[FIXED_ATTACHMENTS] = SPOOL_ATTACHMENTS,
	[FIXED_REPORTS] = SPOOL_REPORTS,
};

struct spool {
	char dir[PATH_MAX];
	int root;
	int fixed[FIXED_COUNT]; /* fds of fixed_dirs */
	int lock_fd;            /* -1 until spool_lock */
	int cleaned;
	unsigned long counter;  /* for unique tmp names */
};

static void close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* "a/b" into buf for messages; a path cut short there is still readable */
static void show_join(char *buf, size_t size, const char *a, const char *b)
{
	if (snprintf(buf, size, "%s/%s", a, b) >= (int)size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

/* The path comes from the configuration, so it may be absolute and hold "..". */
static int make_root(const char *dir, struct err *e)
{
	if (dir[0] == '\0')
		return err_set(e, ERR_CONFIG, "bad spool directory '%s'", dir);
	return safefile_mkdirs(dir, 0700, e);
}

int spool_open(struct spool **out, const char *dir, struct err *e)
{
	struct spool *s;
	int rc = -1;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_sys(e, ERR_INTERNAL, "cannot allocate the spool");
	s->root = -1;
	s->lock_fd = -1;
	for (int i = 0; i < FIXED_COUNT; i++)
		s->fixed[i] = -1;
	if (strlen(dir) >= sizeof(s->dir)) {
		err_set(e, ERR_CONFIG, "spool directory name too long");
		goto out;
	}
	strcpy(s->dir, dir);
	if (make_root(dir, e) < 0)
		goto out;
	s->root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0) {
		err_sys(e, ERR_IO, "cannot open spool directory '%s'", dir);
		goto out;
	}
	for (int i = 0; i < FIXED_COUNT; i++) {
		s->fixed[i] = safefile_open_dir(s->root, s->dir, fixed_dirs[i], 0700, e);
		if (s->fixed[i] < 0)
			goto out;
	}
	*out = s;
	rc = 0;
out:
	if (rc < 0)
		spool_close(s);
	return rc;
}

void spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the flock */
	for (int i = FIXED_COUNT; i-- > 0;)
		if (s->fixed[i] >= 0)
			close(s->fixed[i]);
	if (s->root >= 0)
		close(s->root);
	free(s);
}

const char *spool_dir(const struct spool *s)
{
	return s->dir;
}

int spool_tmp_cleaned(const struct spool *s)
{
	return s->cleaned;
}

static int need_lock(const struct spool *s, struct err *e)
{
	if (s->lock_fd < 0)
		return err_set(e, ERR_INTERNAL, "the spool '%s' is changed without its lock", s->dir);
	return 0;
}

/* Remove what a crashed run left in tmp/ (files and links; a directory there
 * was not made by the hub and is left alone). */
static int clean_tmp(struct spool *s, struct err *e)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = -1;

	fd = openat(s->fixed[FIXED_TMP], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot read directory '%s/%s'", s->dir, SPOOL_TMP);
	d = fdopendir(fd);
	if (d == NULL) {
		err_sys(e, ERR_IO, "cannot read directory '%s/%s'", s->dir, SPOOL_TMP);
		close_keep_errno(fd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(s->fixed[FIXED_TMP], de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (unlinkat(s->fixed[FIXED_TMP], de->d_name, 0) < 0) {
			err_sys(e, ERR_IO, "cannot remove '%s/%s/%s'", s->dir, SPOOL_TMP, de->d_name);
			goto out;
		}
		s->cleaned++;
	}
	if (errno != 0) {
		err_sys(e, ERR_IO, "cannot read directory '%s/%s'", s->dir, SPOOL_TMP);
		goto out;
	}
	if (s->cleaned > 0 && fsync(s->fixed[FIXED_TMP]) < 0) {
		err_sys(e, ERR_IO, "cannot fsync directory '%s/%s'", s->dir, SPOOL_TMP);
		goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

/*
 * The disk refused to create a file in the spool: a spool the hub may not
 * write (modes, a read-only mount) is ERR_CONFIG, for an operator to put
 * right; a full one ERR_TRANSIENT, worth a retry; anything else ERR_IO.
 */
static int refused(struct err *e, const char *what, const char *dir, const char *name)
{
	enum err_code code = ERR_IO;

	if (errno == EACCES || errno == EPERM || errno == EROFS)
		code = ERR_CONFIG;
	else if (errno == ENOSPC || errno == EDQUOT)
		code = ERR_TRANSIENT;
	return err_sys(e, code, "cannot %s '%s/%s' (the spool must be writable by the hub)", what,
		       dir, name);
}

int spool_lock(struct spool *s, struct err *e)
{
	char pid[32];
	int fd, n;

	if (s->lock_fd >= 0)
		return 0;
	fd = openat(s->root, SPOOL_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return refused(e, "open the lock", s->dir, SPOOL_LOCK);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			/* the holder wrote its pid: name it, it helps whoever reads the log */
			ssize_t got = pread(fd, pid, sizeof(pid) - 1, 0);

			pid[got > 0 ? got : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			err_set(e, ERR_TRANSIENT, "another slktx run holds the lock on '%s/%s'%s%s%s",
				s->dir, SPOOL_LOCK, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		} else {
			err_sys(e, ERR_IO, "cannot lock '%s/%s'", s->dir, SPOOL_LOCK);
		}
		close_keep_errno(fd);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		err_sys(e, ERR_IO, "cannot write the lock '%s/%s'", s->dir, SPOOL_LOCK);
		close_keep_errno(fd);
		return -1;
	}
	s->lock_fd = fd;
	return clean_tmp(s, e);
}

/* Open the spool directory rel ("outbox/slkt-inbound"): its first component
 * must be one of the fixed directories, whose fd we hold. */
static int open_rel_dir(struct spool *s, const char *rel, int create, struct err *e)
{
	char top[SPOOL_NAME_MAX];
	const char *slash;
	size_t len;
	int fd;

	if (!safefile_rel_ok(rel))
		return err_set(e, ERR_NAME_INVALID, "unsafe spool path '%s'", rel);
	slash = strchr(rel, '/');
	len = slash ? (size_t)(slash - rel) : strlen(rel);
	memcpy(top, rel, len);
	top[len] = '\0';
	for (int i = 0; i < FIXED_COUNT; i++) {
		char shown[PATH_MAX];

		if (strcmp(top, fixed_dirs[i]) != 0)
			continue;
		if (slash == NULL) {
			/* a new open file description: readdir offsets are not shared */
			fd = openat(s->fixed[i], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				return err_sys(e, ERR_IO, "cannot open directory '%s/%s'", s->dir, top);
			return fd;
		}
		show_join(shown, sizeof(shown), s->dir, top);
		return safefile_open_dir(s->fixed[i], shown, slash + 1, create ? 0700 : 0, e);
	}
	return err_set(e, ERR_INTERNAL, "'%s' is not in a spool directory", rel);
}

/* "inbox/x.xml" -> dir "inbox", name "x.xml" */
static int split_rel(const char *rel, char dir[SPOOL_PATH_MAX], char name[SPOOL_NAME_MAX],
		     struct err *e)
{
	const char *slash = strrchr(rel, '/');

	if (!safefile_rel_ok(rel) || slash == NULL || (size_t)(slash - rel) >= SPOOL_PATH_MAX)
		return err_set(e, ERR_NAME_INVALID, "unsafe spool path '%s'", rel);
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	snprintf(name, SPOOL_NAME_MAX, "%s", slash + 1);
	return 0;
}

void spool_tmp_name(struct spool *s, char name[SPOOL_NAME_MAX])
{
	/* unique among the lock holder's files; a crashed run's were removed by spool_lock */
	snprintf(name, SPOOL_NAME_MAX, "t%ld-%lu", (long)getpid(),
		 __atomic_add_fetch(&s->counter, 1, __ATOMIC_RELAXED));
}

int spool_tmp_create(struct spool *s, char name[SPOOL_NAME_MAX], struct err *e)
{
	if (need_lock(s, e) < 0)
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		spool_tmp_name(s, name);
		fd = openat(s->fixed[FIXED_TMP], name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			char rel[SPOOL_NAME_MAX + 8];

			snprintf(rel, sizeof(rel), "%s/%s", SPOOL_TMP, name);
			return refused(e, "create", s->dir, rel);
		}
		if (fchmod(fd, 0600) < 0) {
			err_sys(e, ERR_IO, "cannot chmod '%s/%s/%s'", s->dir, SPOOL_TMP, name);
			close_keep_errno(fd);
			unlinkat(s->fixed[FIXED_TMP], name, 0);
			return -1;
		}
		return fd;
	}
	errno = EEXIST;
	return err_sys(e, ERR_IO, "cannot find a free name in '%s/%s'", s->dir, SPOOL_TMP);
}

void spool_tmp_abandon(struct spool *s, int fd, const char *tmpname)
{
	if (fd >= 0)
		close(fd);
	if (safefile_name_ok(tmpname))
		unlinkat(s->fixed[FIXED_TMP], tmpname, 0);
}

/* 1 when dir1/name1 and dir2/name2 hold the same bytes, 0 when not, -1 on error. */
static int same_file(int dir1, const char *shown1, const char *name1, int dir2,
		     const char *shown2, const char *name2, struct err *e)
{
	char p1[PATH_MAX], p2[PATH_MAX];
	int fd1, fd2 = -1, rc = -1;

	show_join(p1, sizeof(p1), shown1, name1);
	show_join(p2, sizeof(p2), shown2, name2);
	fd1 = safefile_open_read(dir1, shown1, name1, NULL, e);
	if (fd1 < 0)
		goto out;
	fd2 = safefile_open_read(dir2, shown2, name2, NULL, e);
	if (fd2 < 0)
		goto out;
	rc = safefile_same_bytes(fd1, fd2, p1, p2, e);
out:
	if (fd2 >= 0)
		close_keep_errno(fd2);
	if (fd1 >= 0)
		close_keep_errno(fd1);
	return rc;
}

int spool_tmp_commit(struct spool *s, int fd, const char *tmpname, const char *dest_dir,
		     const char *final_name, struct err *e)
{
	char tmpshown[PATH_MAX], destshown[PATH_MAX];
	int dfd = -1, rc = -1, same;

	show_join(tmpshown, sizeof(tmpshown), s->dir, SPOOL_TMP);
	show_join(destshown, sizeof(destshown), s->dir, dest_dir);
	if (need_lock(s, e) < 0)
		goto out;
	if (!safefile_name_ok(tmpname) || !safefile_name_ok(final_name)) {
		err_set(e, ERR_NAME_INVALID, "unsafe file name '%s'",
			safefile_name_ok(tmpname) ? final_name : tmpname);
		goto out;
	}
	dfd = open_rel_dir(s, dest_dir, 1, e);
	if (dfd < 0)
		goto out;
	rc = safefile_commit(fd, s->fixed[FIXED_TMP], tmpname, dfd, final_name, 0, tmpshown,
			     destshown, e);
	fd = -1;
	if (rc < 0 && errno == EEXIST) {
		/* a commit made before a crash: the same bytes there are success */
		same = same_file(s->fixed[FIXED_TMP], tmpshown, tmpname, dfd, destshown, final_name,
				 e);
		if (same < 0)
			goto out;
		if (same == 0) {
			errno = EEXIST;
			err_sys(e, ERR_IO, "cannot rename '%s/%s' to '%s/%s': other content is "
				"already there", tmpshown, tmpname, destshown, final_name);
			goto out;
		}
		if (unlinkat(s->fixed[FIXED_TMP], tmpname, 0) < 0) {
			err_sys(e, ERR_IO, "cannot remove '%s/%s'", tmpshown, tmpname);
			goto out;
		}
		rc = safefile_sync_dir(dfd, destshown, e);
	}
	if (rc == 0)
		rc = safefile_sync_dir(s->fixed[FIXED_TMP], tmpshown, e);
out:
	if (dfd >= 0)
		close_keep_errno(dfd);
	if (fd >= 0)
		close_keep_errno(fd);
	return rc;
}

static int same_dir(int fd1, int fd2)
{
	struct stat s1, s2;

	return fstat(fd1, &s1) == 0 && fstat(fd2, &s2) == 0 && s1.st_dev == s2.st_dev &&
	       s1.st_ino == s2.st_ino;
}

/* Rename fromdir/name to todir/newname, never replacing, and fsync both. */
static int move_file(struct spool *s, const char *from_dir, const char *name, const char *to_dir,
		     const char *newname, struct err *e)
{
	char fromshown[PATH_MAX], toshown[PATH_MAX];
	int ffd, tfd = -1, rc = -1;

	show_join(fromshown, sizeof(fromshown), s->dir, from_dir);
	show_join(toshown, sizeof(toshown), s->dir, to_dir);
	ffd = open_rel_dir(s, from_dir, 0, e);
	if (ffd < 0)
		goto out;
	tfd = open_rel_dir(s, to_dir, 1, e);
	if (tfd < 0)
		goto out;
	if (same_dir(ffd, tfd) && strcmp(name, newname) == 0) {
		/* it is where it should be: the link-half-made repair below must not
		 * mistake it for its own second name */
		rc = 0;
		goto out;
	}
	if (safefile_rename_noreplace(ffd, name, tfd, newname) < 0) {
		struct stat from, to;
		int had_from, had_to;

		if (errno != EEXIST && errno != ENOENT) {
			err_sys(e, ERR_IO, "cannot rename '%s/%s' to '%s/%s'", fromshown, name, toshown,
				newname);
			goto out;
		}
		had_from = fstatat(ffd, name, &from, AT_SYMLINK_NOFOLLOW) == 0;
		had_to = fstatat(tfd, newname, &to, AT_SYMLINK_NOFOLLOW) == 0;
		if (!had_from && had_to) {
			/* the move was made before a crash: nothing left to do but sync */
		} else if (had_from && had_to && from.st_dev == to.st_dev && from.st_ino == to.st_ino) {
			/* link + unlink stopped half-way: finish it */
			if (unlinkat(ffd, name, 0) < 0) {
				err_sys(e, ERR_IO, "cannot remove '%s/%s'", fromshown, name);
				goto out;
			}
		} else if (!had_from) {
			errno = ENOENT;
			err_sys(e, ERR_NOT_FOUND, "cannot move '%s/%s'", fromshown, name);
			goto out;
		} else {
			errno = EEXIST;
			err_sys(e, ERR_IO, "cannot rename '%s/%s' to '%s/%s': another file is already there",
				fromshown, name, toshown, newname);
			goto out;
		}
	}
	if (fsync(tfd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync directory '%s'", toshown);
		goto out;
	}
	if (fsync(ffd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync directory '%s'", fromshown);
		goto out;
	}
	rc = 0;
out:
	if (tfd >= 0)
		close_keep_errno(tfd);
	if (ffd >= 0)
		close_keep_errno(ffd);
	return rc;
}

int spool_move(struct spool *s, const char *from_rel, const char *to_dir, struct err *e)
{
	char dir[SPOOL_PATH_MAX], name[SPOOL_NAME_MAX];

	if (need_lock(s, e) < 0 || split_rel(from_rel, dir, name, e) < 0)
		return -1;
	if (!safefile_rel_ok(to_dir))
		return err_set(e, ERR_NAME_INVALID, "unsafe spool path '%s'", to_dir);
	return move_file(s, dir, name, to_dir, name, e);
}

/* 0 when dir/name exists (whatever it is, never followed), -1 and e filled when not */
static int file_exists(struct spool *s, const char *dir, const char *name, struct err *e)
{
	struct stat st;
	int dfd = open_rel_dir(s, dir, 0, e);
	int rc;

	if (dfd < 0)
		return -1;
	rc = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
	if (rc < 0)
		err_sys(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "cannot find '%s/%s/%s'", s->dir,
			dir, name);
	close_keep_errno(dfd);
	return rc < 0 ? -1 : 0;
}

int spool_quarantine(struct spool *s, const char *rel, const char *reason,
		     char out_rel[SPOOL_PATH_MAX], struct err *e)
{
	char dir[SPOOL_PATH_MAX], name[SPOOL_NAME_MAX], qname[SPOOL_NAME_MAX];
	char rname[SPOOL_NAME_MAX], tmpname[SPOOL_NAME_MAX];
	const int qfd = s->fixed[FIXED_QUARANTINE];
	int fd = -1, found = 0;
	size_t len;
	char *line = NULL;
	int rc = -1;

	if (need_lock(s, e) < 0 || split_rel(rel, dir, name, e) < 0)
		goto out;
	/* room for ".999.reason" within the name limit */
	if (strlen(name) > SAFEFILE_NAME_MAX - 11) {
		err_set(e, ERR_NAME_INVALID, "name too long to quarantine '%s'", rel);
		goto out;
	}
	/* no reason file for a file that is not there */
	if (file_exists(s, dir, name, e) < 0)
		goto out;
	for (int i = 0; i < 1000 && !found; i++) {
		struct stat st;

		/* the length was checked above: neither name is cut */
		if (snprintf(qname, sizeof(qname), i ? "%s.%d" : "%s", name, i) >= (int)sizeof(qname) ||
		    snprintf(rname, sizeof(rname), "%s.reason", qname) >= (int)sizeof(rname))
			break;
		found = fstatat(qfd, qname, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT &&
			fstatat(qfd, rname, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
	}
	if (!found) {
		errno = EEXIST;
		err_sys(e, ERR_IO, "cannot find a free name for '%s' in '%s/%s'", name, s->dir,
			SPOOL_QUARANTINE);
		goto out;
	}
	/* one line, whatever the caller's message held */
	len = strlen(reason);
	line = malloc(len + 2);
	if (line == NULL) {
		err_sys(e, ERR_INTERNAL, "cannot allocate the reason");
		goto out;
	}
	for (size_t i = 0; i < len; i++)
		line[i] = (reason[i] == '\n' || reason[i] == '\r') ? ' ' : reason[i];
	line[len] = '\n';
	line[len + 1] = '\0';
	fd = spool_tmp_create(s, tmpname, e);
	if (fd < 0)
		goto out;
	for (size_t off = 0; off < len + 1;) {
		ssize_t n = write(fd, line + off, len + 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot write '%s/%s/%s'", s->dir, SPOOL_TMP, tmpname);
			spool_tmp_abandon(s, fd, tmpname);
			fd = -1;
			goto out;
		}
		off += (size_t)n;
	}
	rc = spool_tmp_commit(s, fd, tmpname, SPOOL_QUARANTINE, rname, e);
	fd = -1;
	if (rc < 0)
		goto out;
	rc = move_file(s, dir, name, SPOOL_QUARANTINE, qname, e);
	if (rc == 0 && out_rel)
		snprintf(out_rel, SPOOL_PATH_MAX, "%s/%s", SPOOL_QUARANTINE, qname);
out:
	free(line);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_name(char ***v, size_t *n, const char *name, struct err *e)
{
	char **grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (grown == NULL)
		return err_sys(e, ERR_INTERNAL, "cannot allocate a listing");
	*v = grown;
	grown[*n] = strdup(name);
	if (grown[*n] == NULL)
		return err_sys(e, ERR_INTERNAL, "cannot allocate a listing");
	(*n)++;
	return 0;
}

static int list_dir(struct spool *s, const char *rel, int want_dirs, struct spool_list *out,
		    struct err *e)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = -1;

	memset(out, 0, sizeof(*out));
	fd = open_rel_dir(s, rel, 0, e);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (d == NULL) {
		err_sys(e, ERR_IO, "cannot read directory '%s/%s'", s->dir, rel);
		close_keep_errno(fd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct stat st;
		int wanted;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* gone since readdir */
			err_sys(e, ERR_IO, "cannot stat '%s/%s/%s'", s->dir, rel, de->d_name);
			goto out;
		}
		wanted = want_dirs ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
		if (wanted && safefile_name_ok(de->d_name)) {
			if (push_name(&out->names, &out->n, de->d_name, e) < 0)
				goto out;
		} else if (push_name(&out->ignored, &out->n_ignored, de->d_name, e) < 0) {
			goto out;
		}
	}
	if (errno != 0) {
		err_sys(e, ERR_IO, "cannot read directory '%s/%s'", s->dir, rel);
		goto out;
	}
	if (out->n > 0)
		qsort(out->names, out->n, sizeof(*out->names), cmp_names);
	if (out->n_ignored > 0)
		qsort(out->ignored, out->n_ignored, sizeof(*out->ignored), cmp_names);
	rc = 0;
out:
	closedir(d);
	if (rc < 0)
		spool_list_free(out);
	return rc;
}

int spool_list(struct spool *s, const char *dir, struct spool_list *out, struct err *e)
{
	return list_dir(s, dir, 0, out, e);
}

int spool_list_dirs(struct spool *s, const char *dir, struct spool_list *out, struct err *e)
{
	return list_dir(s, dir, 1, out, e);
}

void spool_list_free(struct spool_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	for (size_t i = 0; i < l->n_ignored; i++)
		free(l->ignored[i]);
	free(l->names);
	free(l->ignored);
	memset(l, 0, sizeof(*l));
}

int spool_open_read(struct spool *s, const char *rel, struct stat *st, struct err *e)
{
	char dir[SPOOL_PATH_MAX], name[SPOOL_NAME_MAX], shown[PATH_MAX];
	int dfd, fd;

	if (split_rel(rel, dir, name, e) < 0)
		return -1;
	dfd = open_rel_dir(s, dir, 0, e);
	if (dfd < 0)
		return -1;
	show_join(shown, sizeof(shown), s->dir, dir);
	fd = safefile_open_read(dfd, shown, name, st, e);
	close_keep_errno(dfd);
	return fd;
}

int spool_path(const struct spool *s, const char *rel, char *buf, size_t size, struct err *e)
{
	if (!safefile_rel_ok(rel))
		return err_set(e, ERR_NAME_INVALID, "unsafe spool path '%s'", rel);
	if ((size_t)snprintf(buf, size, "%s/%s", s->dir, rel) >= size)
		return err_set(e, ERR_INTERNAL, "spool path too long '%s/%s'", s->dir, rel);
	return 0;
}

int spool_exists(const struct spool *s, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	if (spool_path(s, rel, path, sizeof(path), NULL) != 0)
		return 0;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int spool_remove(struct spool *s, const char *rel, struct err *e)
{
	char path[PATH_MAX];

	if (need_lock(s, e) < 0 || spool_path(s, rel, path, sizeof(path), e) != 0)
		return -1;
	if (unlink(path) != 0 && errno != ENOENT)
		return err_sys(e, ERR_IO, "cannot remove '%s'", path);
	return 0;
}

int spool_copy(struct spool *s, const char *from_rel, const char *to_dir, const char *name,
	       struct err *e)
{
	char tmp[SPOOL_NAME_MAX];
	int in, out, rc = -1;

	in = spool_open_read(s, from_rel, NULL, e);
	if (in < 0)
		return -1;
	out = spool_tmp_create(s, tmp, e);
	if (out < 0)
		goto out;
	if (digest_copy_fd(in, out, from_rel, -1, NULL, NULL, e) != 0) {
		spool_tmp_abandon(s, out, tmp);
		goto out;
	}
	rc = spool_tmp_commit(s, out, tmp, to_dir, name, e);
out:
	close(in);
	return rc;
}

int spool_write(struct spool *s, const char *to_dir, const char *name, const void *data,
		size_t len, struct err *e)
{
	char tmp[SPOOL_NAME_MAX];
	int fd = spool_tmp_create(s, tmp, e);

	if (fd < 0)
		return -1;
	if (safefile_write_all(fd, data, len) != 0) {
		err_sys(e, ERR_IO, "cannot write '%s/%s/%s'", s->dir, SPOOL_TMP, tmp);
		spool_tmp_abandon(s, fd, tmp);
		return -1;
	}
	return spool_tmp_commit(s, fd, tmp, to_dir, name, e);
}

static void wib_tm(int64_t utc, struct tm *tm)
{
	time_t t = (time_t)(utc + WIB_OFFSET);

	gmtime_r(&t, tm);
}

void spool_dated_dir(char buf[SPOOL_PATH_MAX], const char *top, int64_t utc)
{
	struct tm tm;

	wib_tm(utc, &tm);
	snprintf(buf, SPOOL_PATH_MAX, "%s/%04d/%02d/%02d", top, tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
}

void spool_reports_dir(char buf[SPOOL_PATH_MAX], int64_t utc)
{
	struct tm tm;

	wib_tm(utc, &tm);
	snprintf(buf, SPOOL_PATH_MAX, "%s/%04d/%02d", SPOOL_REPORTS, tm.tm_year + 1900,
		 tm.tm_mon + 1);
}

static int dest_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_';
}

int spool_outbox_dest(const char *remote_dir, char dest[SPOOL_NAME_MAX], struct err *e)
{
	size_t n = 0;
	const char *p;

	if (remote_dir[0] != '/')
		goto bad;
	for (p = remote_dir + 1; *p; p++) {
		if (*p == '/') {
			/* a trailing '/' is tolerated, an empty component is not */
			if (p[-1] == '/')
				goto bad;
			if (p[1] == '\0')
				break;
			dest[n++] = '-';
		} else {
			if (!dest_char_ok(*p) || (*p == '.' && p[-1] == '/'))
				goto bad;
			dest[n++] = *p;
		}
		if (n >= SPOOL_NAME_MAX - 1)
			goto bad;
	}
	dest[n] = '\0';
	if (n == 0)
		goto bad;
	return 0;
bad:
	dest[0] = '\0';
	return err_set(e, ERR_CONFIG,
		       "remote folder '%s' cannot name an outbox: components of [A-Za-z0-9._] "
		       "joined by '/' expected",
		       remote_dir);
}

int spool_outbox_remote(const char *dest, char *remote_dir, size_t size, struct err *e)
{
	size_t len = strlen(dest);

	if (!safefile_name_ok(dest) || dest[len - 1] == '-' || strstr(dest, "--") ||
	    strstr(dest, "-.") || len + 2 > size)
		return err_set(e, ERR_NAME_INVALID, "'%s' is not an outbox destination", dest);
	remote_dir[0] = '/';
	for (size_t i = 0; i <= len; i++)
		remote_dir[i + 1] = dest[i] == '-' ? '/' : dest[i];
	return 0;
}
