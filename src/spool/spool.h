/*
 * spool - the hub's spool on disk (SPEC §7), kept the way Postfix keeps its
 * queue: fixed directories declared here, files that enter only by
 * write-to-tmp + fsync + rename + fsync of the directory, and move between
 * directories only by rename.  Nothing is ever deleted except leftovers in
 * tmp/ from a crashed run; a file that cannot be handled is moved aside to
 * quarantine/ with a reason file beside it.
 *
 * Paths handed to these functions are relative to the spool ("inbox",
 * "archive/2026/11/28", "inbox/CB_OJK_20261128_000001.xml"): one or more
 * safe names (safefile_name_ok: [A-Za-z0-9._-], no leading '.') joined by
 * '/'.  Directories are walked without following symlinks and created 0700
 * whatever the umask.
 *
 * The lock: every function that changes the spool (tmp_create, tmp_commit,
 * move, quarantine) needs spool_lock() first, and returns ERR_INTERNAL
 * without it.  Reading (list, open_read) needs no lock, so that `ticket`
 * commands can read the attachment store while a run is going.  spool_lock
 * also removes the leftovers in tmp/: only the lock holder may, because
 * another run's in-flight files live there.
 *
 * Threads: once spool_lock has returned, the functions below it may be
 * called from several threads at once (the fetch stage's connections);
 * spool_open, spool_lock and spool_close may not.
 *
 * Error contract: -1 with struct err filled: ERR_TRANSIENT when another
 * process holds the lock, ERR_NAME_INVALID for an unsafe name, ERR_NOT_FOUND
 * for a missing file, ERR_IO for everything the disk refused (the message
 * names the step and the file; errno is kept), ERR_INTERNAL for misuse.
 * Where a run first writes (the lock, a new file in tmp/), a spool the hub
 * may not write (EACCES, EPERM, EROFS) is ERR_CONFIG and a full one
 * (ENOSPC, EDQUOT) ERR_TRANSIENT.
 */
#ifndef SLKTX_SPOOL_H
#define SLKTX_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util/err.h"

/* the spool's directories (SPEC §7) and the lock file */
#define SPOOL_TMP "tmp"
#define SPOOL_INBOX "inbox"
#define SPOOL_ARCHIVE "archive"         /* archive/YYYY/MM/DD/ (WIB) */
#define SPOOL_QUARANTINE "quarantine"   /* NAME and NAME.reason */
#define SPOOL_OUTBOX "outbox"           /* outbox/<destination>/, see spool_outbox_dest */
#define SPOOL_SENT "sent"               /* sent/YYYY/MM/DD/ (WIB) */
#define SPOOL_ATTACHMENTS "attachments"
#define SPOOL_REPORTS "reports"         /* reports/YYYY/MM/ (WIB) */
#define SPOOL_LOCK "lock"

/* room for a relative path in the spool */
#define SPOOL_PATH_MAX 1024
/* room for a name (safefile's limit) */
#define SPOOL_NAME_MAX 256

struct spool;

/*
 * Open the spool at dir: create it (and missing parents) and its fixed
 * directories, mode 0700, and keep their fds.
 */
int spool_open(struct spool **out, const char *dir, struct err *e);
/* Close the directories and release the lock. NULL is fine. */
void spool_close(struct spool *s);
/* The spool directory as given to spool_open. */
const char *spool_dir(const struct spool *s);

/*
 * Take the run lock: an exclusive, non-blocking flock on <spool>/lock held
 * until spool_close (or the process's end).  Held by another process:
 * ERR_TRANSIENT "another slktx run holds the lock on '<spool>/lock'".
 * Then remove leftovers in tmp/; spool_tmp_cleaned tells how many.
 */
int spool_lock(struct spool *s, struct err *e);
/* Files removed from tmp/ by spool_lock (to be logged by the caller). */
int spool_tmp_cleaned(const struct spool *s);

/*
 * Create a new file in tmp/ (O_CREAT|O_EXCL|O_NOFOLLOW, 0600) under a fresh
 * unique name written into name.  Returns its fd, or -1.
 */
int spool_tmp_create(struct spool *s, char name[SPOOL_NAME_MAX], struct err *e);
/*
 * A fresh unique name in tmp/ for a file someone else creates exclusively
 * (the transport's fetch); nothing is created.
 */
void spool_tmp_name(struct spool *s, char name[SPOOL_NAME_MAX]);
/*
 * Make tmp/tmpname durable and visible as dest_dir/final_name: fsync the
 * file, close it, rename it into place without ever replacing a file, fsync
 * the destination directory and tmp/.  fd is the open file (always closed
 * here), or -1 when the file is not open (it is then opened to be synced).
 * dest_dir is created when missing.  A file already at the destination with
 * the same bytes is success (the tmp file is removed); with other bytes it
 * is an ERR_IO naming it.
 */
int spool_tmp_commit(struct spool *s, int fd, const char *tmpname, const char *dest_dir,
		     const char *final_name, struct err *e);
/* Give up a tmp file: close fd (when >= 0) and remove tmp/tmpname. */
void spool_tmp_abandon(struct spool *s, int fd, const char *tmpname);

/*
 * Move the file from_rel into the directory to_dir (created when missing),
 * keeping its name, never replacing; fsync both directories.  from_rel
 * already gone with the same file in to_dir is success (a move that was
 * made before a crash).  A different file of that name in to_dir is ERR_IO.
 */
int spool_move(struct spool *s, const char *from_rel, const char *to_dir, struct err *e);

/*
 * Move the file rel into quarantine/ and write <name>.reason beside it (one
 * line: reason).  The reason file is written first, so a crash never leaves
 * a quarantined file without its reason.  When quarantine/ already has that
 * name the file becomes <name>.1, <name>.2...: nothing is overwritten.  The
 * path it got is written into out_rel (may be NULL).
 */
int spool_quarantine(struct spool *s, const char *rel, const char *reason,
		     char out_rel[SPOOL_PATH_MAX], struct err *e);

struct spool_list {
	char **names;    /* sorted by name (strcmp) */
	size_t n;
	char **ignored;  /* entries of another type or with an unsafe name, sorted */
	size_t n_ignored;
};

/*
 * The regular files in dir (lstat semantics: a symlink is never followed),
 * whose names are safe.  Everything else goes into ignored.  A missing dir
 * is ERR_NOT_FOUND.
 */
int spool_list(struct spool *s, const char *dir, struct spool_list *out, struct err *e);
/* The same for subdirectories (outbox/ destinations, archive years...). */
int spool_list_dirs(struct spool *s, const char *dir, struct spool_list *out, struct err *e);
void spool_list_free(struct spool_list *l);

/*
 * Open rel for reading: O_NOFOLLOW all the way, refused unless a regular
 * file.  st (may be NULL) receives its fstat.  Returns the fd, or -1.
 */
int spool_open_read(struct spool *s, const char *rel, struct stat *st, struct err *e);

/* 1 when rel is a regular file (never following a link), else 0. */
int spool_exists(const struct spool *s, const char *rel);
/* Remove the file rel; one already gone is success. */
int spool_remove(struct spool *s, const char *rel, struct err *e);
/*
 * Copy the file from_rel to to_dir/name through tmp/ and spool_tmp_commit:
 * crash-safe, and the same bytes already there are success.
 */
int spool_copy(struct spool *s, const char *from_rel, const char *to_dir, const char *name,
	       struct err *e);
/* Enter len bytes as to_dir/name through tmp/ and spool_tmp_commit. */
int spool_write(struct spool *s, const char *to_dir, const char *name, const void *data,
		size_t len, struct err *e);

/* "<spool dir>/<rel>" for libraries that want a path (libxml2, libarchive). */
int spool_path(const struct spool *s, const char *rel, char *buf, size_t size, struct err *e);

/*
 * "<top>/YYYY/MM/DD" for the WIB (UTC+7) day of the UTC instant utc:
 * archive and sent.  23:30 UTC is already the next day.
 */
void spool_dated_dir(char buf[SPOOL_PATH_MAX], const char *top, int64_t utc);
/* "reports/YYYY/MM" for the WIB month of utc. */
void spool_reports_dir(char buf[SPOOL_PATH_MAX], int64_t utc);

/*
 * The outbox destination of a remote folder (SPEC §8): the folder's
 * components joined by '-' ("/slkt/inbound" -> "slkt-inbound",
 * "/pujk/BANKA/download" -> "pujk-BANKA-download").  So that the mapping
 * can be undone, a component may hold only [A-Za-z0-9._] (no '-') and must
 * not start with '.': any other folder is ERR_CONFIG.
 */
int spool_outbox_dest(const char *remote_dir, char dest[SPOOL_NAME_MAX], struct err *e);
/* The remote folder of an outbox destination ("pujk-BANKA-download" -> "/pujk/BANKA/download"). */
int spool_outbox_remote(const char *dest, char *remote_dir, size_t size, struct err *e);

#endif
