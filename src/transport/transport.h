/*
 * transport - how the hub reaches the exchange's remote folders (SPEC §8).
 *
 * The pipeline sees only this interface; `local` maps the remote layout onto
 * a directory, `sftp` reaches an OpenSSH server with libssh2.  Both keep the
 * one contract written here, operation by operation, so that the pipeline
 * behaves the same on either (tests/unit/test_transport_local.c and
 * tests/t5000-sftp-transport.sh check the same rules).
 *
 * Remote paths are absolute in the SPEC §8 layout ("/pujk/BANKA/upload").
 * A folder or name that fails remote_dir_ok / remote_name_ok is
 * ERR_NAME_INVALID before anything is asked of the server or the disk.
 *
 * Error codes, the same for every operation of both transports:
 *   ERR_TRANSIENT   the connection failed, stalled or outlived the run's time
 *                   limit: nothing more can be asked in this run (the sftp
 *                   transport refuses further work; close it).  The run
 *                   stops and the next one resumes.
 *   ERR_NOT_FOUND   the remote folder or file is not there.
 *   ERR_LIMIT_EXCEEDED  fetch: the file holds more than the caller's max.
 *   ERR_IO          anything else refused about this one remote file or
 *                   folder (permissions, a file that is not regular or that
 *                   changed while fetched, other bytes under a pushed name),
 *                   or a failure of the local file the caller named.  It is
 *                   that file's problem: the caller reports it and goes on
 *                   with the others.
 *   ERR_CONFIG      settings, host key, identity: an operator must act.
 *   ERR_INTERNAL    out of memory, a thread that cannot start.
 *
 * The local transport (transport_local.c) maps a remote path onto
 * <transport.root>/<path> and never follows a symlink on the way.  It
 * creates a missing folder only where the hub itself owns the layout: a
 * push destination below transport.pujk_root (the PUJK's download folders,
 * which on a single machine nobody else sets up) and the after-fetch
 * move_to folder.  Any other missing folder is ERR_NOT_FOUND.  An SFTP
 * server's folders are its administrator's: a missing one is ERR_NOT_FOUND.
 */
#ifndef SLKTX_TRANSPORT_H
#define SLKTX_TRANSPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "util/config.h"
#include "util/err.h"
#include "transport/remote.h"

struct transport;

/* What fetch keeps of a file over its limit: enough to see what it was. */
#define TRANSPORT_HEAD 65536
/* after_fetch = move: name.1 ... name.999, then the move fails */
#define TRANSPORT_MOVE_SUFFIX_MAX 1000

struct transport_ops {
	/* The entries of dir.  out->v: regular files with safe names, sorted;
	 * out->ignored: everything else (its type said, its name as the server
	 * gave it), never touched.  out is filled from empty; free it with
	 * remote_list_free, also after a failure. */
	int (*list)(struct transport *t, const char *dir, struct remote_list *out, struct err *e);
	/*
	 * Copy dir/name into the local file local_path (created exclusively,
	 * 0600), fsync it, and fill sha256 (32 bytes) and *size with what was
	 * received.  No more than max bytes are ever read: a file larger than
	 * max when opened is ERR_LIMIT_EXCEEDED at once, with *size its size on
	 * the server and local_path holding its first bytes (at most
	 * TRANSPORT_HEAD, for the caller to quarantine or remove).  A file whose
	 * size or mtime moves during the copy is fetched once more, then
	 * ERR_IO "changed while fetched" (the sender is still writing it).  On
	 * any other failure local_path is removed.
	 */
	int (*fetch)(struct transport *t, const char *dir, const char *name, const char *local_path,
		     int64_t max, unsigned char sha256[32], int64_t *size, struct err *e);
	/* Upload local_path as dir/name: written as dir/.name.part (a stale one
	 * of ours is started over), synced, renamed without replacing.  A name
	 * already there with the same bytes counts as delivered; with other
	 * bytes it is ERR_IO and nothing is replaced. */
	int (*push)(struct transport *t, const char *local_path, const char *dir, const char *name,
		    struct err *e);
	/* Remove dir/name, or with after_fetch = move rename it into move_to:
	 * as name, or when that is taken as name.1, name.2 ... (never replacing
	 * anything there).  Gone already is success. */
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
