/*
 * transport - how the hub reaches the exchange's remote folders (SPEC §8).
 *
 * The pipeline sees only this interface; `local` maps the remote layout onto
 * a directory, `sftp` reaches an OpenSSH server with libssh2.  Remote paths
 * are absolute in the SPEC §8 layout ("/pujk/BANKA/upload").  Names handed
 * out by list() are plain base names already checked against a strict
 * pattern (remote_name_ok); anything else in a folder (another type of
 * file, an unsafe name) is handed out in the list's `ignored` part, for the
 * run summary to report, and never touched.  Every failure of the connection
 * is ERR_TRANSIENT: the run stops, keeps its finished work, and the next run
 * resumes.  A remote folder or name that fails remote_dir_ok /
 * remote_name_ok is ERR_NAME_INVALID before anything is asked of the
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
#include "transport/remote.h"

struct transport;

struct transport_ops {
	/* out is filled from empty; free it with remote_list_free, also after a failure */
	int (*list)(struct transport *t, const char *dir, struct remote_list *out, struct err *e);
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
int transport_local_open(struct transport **out, const struct config *cfg, struct err *e);
int transport_sftp_open(struct transport **out, const struct config *cfg, struct err *e);

#endif
