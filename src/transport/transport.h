/*
 * transport - how the hub reaches the exchange's remote folders (SPEC §8).
 *
 * The pipeline sees only this interface; `local` maps the remote layout onto
 * a directory, `sftp` reaches an OpenSSH server with libssh2.  Remote paths
 * are absolute in the SPEC §8 layout ("/pujk/BANKA/upload").  Names handed
 * out by list() are plain base names already checked against a strict
 * pattern (transport_name_ok); anything else in a folder (another type of
 * file, an unsafe name) is handed out in the list's `ignored` part, for the
 * run summary to report, and never touched.  Every failure of the connection
 * is ERR_TRANSIENT: the run stops, keeps its finished work, and the next run
 * resumes.  A remote folder or name that fails transport_dir_ok /
 * transport_name_ok is ERR_NAME_INVALID before anything is asked of the
 * server; a missing remote folder is ERR_NOT_FOUND.
 *
 * The local transport (transport_local.c) maps a remote path onto
 * <transport.root>/<path> and never follows a symlink on the way.  It
 * creates a missing folder only where the hub itself owns the layout: a
 * push destination below transport.pujk_root (the PUJK's download folders,
 * which on a single machine nobody else sets up) and the after-fetch
 * move_to folder.  Any other missing folder is ERR_NOT_FOUND.
 */
#ifndef SLKTX_TRANSPORT_H
#define SLKTX_TRANSPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "util/config.h"
#include "util/err.h"

struct transport_entry {
	char name[256];
	int64_t size;
	int64_t mtime;  /* seconds since the epoch */
	int regular;    /* 1 for a regular file; anything else is never fetched */
};

struct transport_list {
	struct transport_entry *v;       /* regular files with safe names, sorted by name */
	size_t n;
	/* everything else in the folder, sorted: not regular (regular = 0), or
	 * a name that fails transport_name_ok (its bytes as the server gave
	 * them, truncated to 255: escape before printing) */
	struct transport_entry *ignored;
	size_t n_ignored;
	size_t cap, cap_ignored; /* room in v and ignored, grown by transport_list_add */
};

struct transport;

struct transport_ops {
	/* out is filled from empty; free it with transport_list_free, also after a failure */
	int (*list)(struct transport *t, const char *dir, struct transport_list *out, struct err *e);
	/* Copy dir/name into the local file local_path (created exclusively),
	 * fsync it, and fill sha256 (32 bytes) and *size with what was received.
	 * A file whose size or mtime moves during the copy is ERR_TRANSIENT
	 * "changed while fetched" (the sender is still writing it).  On any
	 * failure local_path is removed. */
	int (*fetch)(struct transport *t, const char *dir, const char *name, const char *local_path,
		     unsigned char sha256[32], int64_t *size, struct err *e);
	/* Upload local_path as dir/name: written as dir/.name.part, synced, renamed.
	 * A name already there with the same bytes counts as delivered; with other
	 * bytes it is an error. */
	int (*push)(struct transport *t, const char *local_path, const char *dir, const char *name,
		    struct err *e);
	/* Remove dir/name, or move it to the configured folder. Gone already is success. */
	int (*remove)(struct transport *t, const char *dir, const char *name, struct err *e);
	/* Nothing will be asked for a while (the local work between fetch and
	 * push): let go of network connections, which a server or a firewall
	 * may drop when idle.  The next call connects again. */
	void (*idle)(struct transport *t);
	void (*close)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	const struct config *cfg;
	void *impl;
};

/* Open the transport the configuration selects (transport.type). */
int transport_open(struct transport **out, const struct config *cfg, struct err *e);
void transport_close(struct transport *t);
void transport_list_free(struct transport_list *l);
/* For the transports: add ent to the list's files, or to its ignored part;
 * -1 when out of memory.  Then sort both parts, as list() hands them out. */
int transport_list_add(struct transport_list *l, int ignored, const struct transport_entry *ent);
void transport_list_sort(struct transport_list *l);
/* The file of that name in a list from list(), or NULL. */
const struct transport_entry *transport_list_find(const struct transport_list *l,
						  const char *name);

/* 1 when name is 1..255 of [A-Za-z0-9._-] and does not start with '.'. */
int transport_name_ok(const char *name);
/* 1 when dir is absolute and each component passes transport_name_ok
 * ("/pujk/BANKA/upload"; no "..", no "//", no trailing '/'). */
int transport_dir_ok(const char *dir);

int transport_local_open(struct transport **out, const struct config *cfg, struct err *e);
int transport_sftp_open(struct transport **out, const struct config *cfg, struct err *e);

#endif
