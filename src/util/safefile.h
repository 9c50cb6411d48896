/*
 * safefile - the few file-system steps the spool and the local transport
 * share: safe names, directory walks that never follow a symlink, opening a
 * file for reading only when it is a regular file, renaming without ever
 * replacing, and comparing two files' bytes.
 *
 * Error contract: functions that take a struct err fill it (ERR_IO, or
 * ERR_NAME_INVALID for a name that fails the pattern) and return -1 with
 * errno kept from the failing call.  safefile_rename_noreplace is the one
 * that reports by errno alone (EEXIST when the target exists), because its
 * callers each decide what an existing target means.
 */
#ifndef SLKTX_SAFEFILE_H
#define SLKTX_SAFEFILE_H

#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/err.h"

#define SAFEFILE_NAME_MAX 255

/*
 * 1 when name is 1..255 characters of [A-Za-z0-9._-] and does not start
 * with '.': no "..", no '/', no hidden or temporary names.
 */
int safefile_name_ok(const char *name);

/*
 * 1 when rel is one or more safe names joined by single '/' (no leading or
 * trailing '/', no empty component).
 */
int safefile_rel_ok(const char *rel);

/*
 * Open the directory rel (see safefile_rel_ok) below the directory base,
 * one component at a time with O_NOFOLLOW: a symlink anywhere is refused.
 * With create_mode != 0 missing components are created with exactly that
 * mode (whatever the umask) and their parent is fsynced.  shown names base
 * in messages.  Returns the directory's fd, or -1.
 */
int safefile_open_dir(int base, const char *shown, const char *rel, mode_t create_mode,
		      struct err *e);

/*
 * Open name in dir for reading: O_NOFOLLOW, and refused unless fstat says
 * it is a regular file.  st (may be NULL) receives the fstat.  Returns the
 * fd, or -1.
 */
int safefile_open_read(int dir, const char *shown, const char *name, struct stat *st,
		       struct err *e);

/*
 * rename(2) that never replaces: renameat2 RENAME_NOREPLACE, or link +
 * unlink where the file system lacks it.  0, or -1 with errno (EEXIST when
 * newname exists).
 */
int safefile_rename_noreplace(int olddir, const char *oldname, int newdir, const char *newname);

/*
 * The one way a file becomes durable and visible: fsync fd (fd < 0: open
 * tmp to sync it), close it, rename tmp_dir/tmp to dest_dir/final (never
 * replacing unless replace), fsync dest_dir.  fd is always closed.  -1 with
 * e naming the step; errno EEXIST when !replace and final exists (tmp is
 * then left, synced, for the caller to compare or remove).  The shown names
 * are the directories' paths, for messages.
 */
int safefile_commit(int fd, int tmp_dir, const char *tmp, int dest_dir, const char *final,
		    int replace, const char *tmp_shown, const char *dest_shown, struct err *e);
int safefile_sync_dir(int dir, const char *shown, struct err *e);
/*
 * safefile_commit by paths, replacing: tmp and final may be in different
 * directories of one file system.  tmp is left for the caller on failure.
 */
int safefile_publish(int fd, const char *tmp, const char *final, struct err *e);
/* Create a temporary file beside final (".<name>.XXXXXX"), mode exactly;
 * its path into tmp.  Returns the fd, or -1. */
int safefile_create_beside(const char *final, mode_t mode, char tmp[PATH_MAX], struct err *e);
/* n bytes at data durably as final (replacing), through a file beside it. */
int safefile_write_file(const char *final, const void *data, size_t n, mode_t mode,
			struct err *e);
/* mkdir -p; what it creates gets exactly mode; a non-directory in the way is ERR_IO. */
int safefile_mkdirs(const char *path, mode_t mode, struct err *e);

/* Write all n bytes, retrying short writes and EINTR: 0, or -1 with errno
 * (ENOSPC when the system wrote nothing and said nothing). */
int safefile_write_all(int fd, const void *p, size_t n);

/*
 * Compare the bytes of two open files (read from offset 0 with pread).
 * 1 same, 0 different, -1 error (e filled, shown names the files).
 */
int safefile_same_bytes(int fd1, int fd2, const char *shown1, const char *shown2, struct err *e);

#endif
