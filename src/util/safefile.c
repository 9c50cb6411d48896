/*
 * safefile - shared file-system steps; see safefile.h for the contract.
 */
#define _GNU_SOURCE /* renameat2 */
#include "util/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int safefile_name_ok(const char *name)
{
	size_t n = 0;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return 0;
	for (const char *p = name; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return n <= SAFEFILE_NAME_MAX;
}

int safefile_rel_ok(const char *rel)
{
	char part[SAFEFILE_NAME_MAX + 1];
	const char *p = rel;

	if (rel == NULL || rel[0] == '\0')
		return 0;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0 || len > SAFEFILE_NAME_MAX)
			return 0;
		memcpy(part, p, len);
		part[len] = '\0';
		if (!safefile_name_ok(part))
			return 0;
		if (slash == NULL)
			return 1;
		p = slash + 1;
	}
}

static void close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* Open (or create, then open) one component below dir. */
static int open_component(int dir, const char *shown, const char *name, mode_t create_mode,
			  struct err *e)
{
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create_mode != 0) {
		if (mkdirat(dir, name, create_mode) < 0 && errno != EEXIST)
			return err_sys(e, ERR_IO, "cannot create directory '%s/%s'", shown, name);
		fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* the umask may have taken bits away, and the new entry must be durable */
		if (fd >= 0 && (fchmod(fd, create_mode) < 0 || fsync(dir) < 0)) {
			err_sys(e, ERR_IO, "cannot set up directory '%s/%s'", shown, name);
			close_keep_errno(fd);
			return -1;
		}
	}
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return err_sys(e, ERR_IO, "refusing '%s/%s': not a directory", shown, name);
		return err_sys(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
			       "cannot open directory '%s/%s'", shown, name);
	}
	return fd;
}

int safefile_open_dir(int base, const char *shown, const char *rel, mode_t create_mode,
		      struct err *e)
{
	char path[4096];
	char name[SAFEFILE_NAME_MAX + 1];
	const char *p = rel;
	int fd = -1;

	if (!safefile_rel_ok(rel))
		return err_set(e, ERR_NAME_INVALID, "unsafe directory name '%s'", rel);
	snprintf(path, sizeof(path), "%s", shown);
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		int next;

		memcpy(name, p, len);
		name[len] = '\0';
		next = open_component(fd < 0 ? base : fd, path, name, create_mode, e);
		if (fd >= 0)
			close_keep_errno(fd);
		if (next < 0)
			return -1;
		fd = next;
		if (strlen(path) + 1 + len < sizeof(path)) {
			strcat(path, "/");
			strcat(path, name);
		}
		if (slash == NULL)
			return fd;
		p = slash + 1;
	}
}

int safefile_open_read(int dir, const char *shown, const char *name, struct stat *st,
		       struct err *e)
{
	struct stat sb;
	int fd;

	/* O_NONBLOCK: opening a fifo must not hang the run before fstat refuses it */
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			return err_sys(e, ERR_IO, "refusing '%s/%s': a symbolic link", shown, name);
		return err_sys(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "cannot open '%s/%s'",
			       shown, name);
	}
	if (fstat(fd, &sb) < 0) {
		err_sys(e, ERR_IO, "cannot stat '%s/%s'", shown, name);
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		errno = EINVAL;
		err_set(e, ERR_IO, "refusing '%s/%s': not a regular file", shown, name);
		goto fail;
	}
	if (st)
		*st = sb;
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

int safefile_rename_noreplace(int olddir, const char *oldname, int newdir, const char *newname)
{
	if (renameat2(olddir, oldname, newdir, newname, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	/* a file system without RENAME_NOREPLACE: link refuses an existing name too */
	if (linkat(olddir, oldname, newdir, newname, 0) < 0)
		return -1;
	return unlinkat(olddir, oldname, 0);
}

int safefile_same_bytes(int fd1, int fd2, const char *shown1, const char *shown2, struct err *e)
{
	unsigned char b1[65536], b2[65536];
	struct stat s1, s2;
	off_t off = 0;

	if (fstat(fd1, &s1) < 0)
		return err_sys(e, ERR_IO, "cannot stat '%s'", shown1);
	if (fstat(fd2, &s2) < 0)
		return err_sys(e, ERR_IO, "cannot stat '%s'", shown2);
	if (s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino)
		return 1;
	if (s1.st_size != s2.st_size)
		return 0;
	for (;;) {
		ssize_t n1 = pread(fd1, b1, sizeof(b1), off);
		ssize_t n2;

		if (n1 < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, ERR_IO, "cannot read '%s'", shown1);
		}
		if (n1 == 0) {
			/* the first file ended: the same only if the second did too */
			do
				n2 = pread(fd2, b2, 1, off);
			while (n2 < 0 && errno == EINTR);
			if (n2 < 0)
				return err_sys(e, ERR_IO, "cannot read '%s'", shown2);
			return n2 == 0;
		}
		for (ssize_t got = 0; got < n1;) {
			n2 = pread(fd2, b2 + got, (size_t)(n1 - got), off + got);
			if (n2 < 0 && errno == EINTR)
				continue;
			if (n2 < 0)
				return err_sys(e, ERR_IO, "cannot read '%s'", shown2);
			if (n2 == 0)
				return 0;
			got += n2;
		}
		if (memcmp(b1, b2, (size_t)n1) != 0)
			return 0;
		off += n1;
	}
}

/* The directory part of path ("." or "/" when it has none). */
static int dir_of(const char *path, char dir[PATH_MAX], struct err *e)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, PATH_MAX, ".");
	else if (slash == path)
		snprintf(dir, PATH_MAX, "/");
	else if ((size_t)(slash - path) < PATH_MAX)
		snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
	else
		return err_set(e, ERR_IO, "path '%s' is too long", path);
	return 0;
}

int safefile_sync_dir(int dir, const char *shown, struct err *e)
{
	if (fsync(dir) < 0)
		return err_sys(e, ERR_IO, "cannot fsync directory '%s'", shown);
	return 0;
}

int safefile_commit(int fd, int tmp_dir, const char *tmp, int dest_dir, const char *final,
		    int replace, const char *tmp_shown, const char *dest_shown, struct err *e)
{
	int saved;

	if (fd < 0) {
		fd = openat(tmp_dir, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return err_sys(e, ERR_IO, "cannot open '%s/%s'", tmp_shown, tmp);
	}
	if (fsync(fd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync '%s/%s'", tmp_shown, tmp);
		close_keep_errno(fd);
		return -1;
	}
	if (close(fd) < 0)
		return err_sys(e, ERR_IO, "cannot close '%s/%s'", tmp_shown, tmp);
	if ((replace ? renameat(tmp_dir, tmp, dest_dir, final)
		     : safefile_rename_noreplace(tmp_dir, tmp, dest_dir, final)) < 0) {
		saved = errno;
		err_sys(e, ERR_IO, "cannot rename '%s/%s' to '%s/%s'", tmp_shown, tmp, dest_shown,
			final);
		errno = saved;
		return -1;
	}
	if (safefile_sync_dir(dest_dir, dest_shown, e) < 0)
		return -1;
	return 0;
}

int safefile_publish(int fd, const char *tmp, const char *final, struct err *e)
{
	char tmp_dir[PATH_MAX], dest_dir[PATH_MAX];
	const char *tmp_base = strrchr(tmp, '/'), *final_base = strrchr(final, '/');
	int td = -1, dd = -1, rc = -1;

	if (dir_of(tmp, tmp_dir, e) < 0 || dir_of(final, dest_dir, e) < 0) {
		close(fd);
		return -1;
	}
	td = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (td < 0 || dd < 0) {
		err_sys(e, ERR_IO, "cannot open directory '%s'", td < 0 ? tmp_dir : dest_dir);
		close_keep_errno(fd);
		goto out;
	}
	rc = safefile_commit(fd, td, tmp_base ? tmp_base + 1 : tmp, dd,
			     final_base ? final_base + 1 : final, 1, tmp_dir, dest_dir, e);
out:
	if (dd >= 0)
		close_keep_errno(dd);
	if (td >= 0)
		close_keep_errno(td);
	return rc;
}

int safefile_create_beside(const char *final, mode_t mode, char tmp[PATH_MAX], struct err *e)
{
	const char *slash = strrchr(final, '/');
	int fd, n;

	n = slash ? snprintf(tmp, PATH_MAX, "%.*s/.%s.XXXXXX", (int)(slash - final), final,
			     slash + 1)
		  : snprintf(tmp, PATH_MAX, ".%s.XXXXXX", final);
	if (n < 0 || n >= PATH_MAX)
		return err_set(e, ERR_IO, "path '%s' is too long", final);
	fd = mkstemp(tmp);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot create a file beside '%s'", final);
	if (fchmod(fd, mode) < 0) {
		err_sys(e, ERR_IO, "cannot set the mode of '%s'", tmp);
		close_keep_errno(fd);
		unlink(tmp);
		return -1;
	}
	return fd;
}

int safefile_write_file(const char *final, const void *data, size_t n, mode_t mode,
			struct err *e)
{
	char tmp[PATH_MAX];
	int fd = safefile_create_beside(final, mode, tmp, e);

	if (fd < 0)
		return -1;
	if (safefile_write_all(fd, data, n) < 0) {
		err_sys(e, ERR_IO, "cannot write '%s'", tmp);
		close_keep_errno(fd);
		goto fail;
	}
	if (safefile_publish(fd, tmp, final, e) == 0)
		return 0;
fail:
	{
		int saved = errno;

		unlink(tmp);
		errno = saved;
	}
	return -1;
}

int safefile_mkdirs(const char *path, mode_t mode, struct err *e)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return err_set(e, ERR_IO, "bad directory '%s'", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		char saved;

		if (*p != '/' && *p != '\0')
			continue;
		saved = *p;
		*p = '\0';
		if (mkdir(buf, mode) == 0) {
			/* exactly mode, whatever the umask took away */
			if (chmod(buf, mode) < 0)
				return err_sys(e, ERR_IO, "cannot chmod directory '%s'", buf);
		} else if (errno != EEXIST) {
			return err_sys(e, ERR_IO, "cannot create directory '%s'", buf);
		} else if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
			return err_set(e, ERR_IO, "'%s' is not a directory", buf);
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

int safefile_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}
