/*
 * transport - how the hub reaches the exchange's remote folders (SPEC §8).
 *
 * The pipeline sees only this interface; `local` maps the remote layout onto
 * a directory, `sftp` reaches an OpenSSH server with libssh2.  Remote paths
 * are absolute in the SPEC §8 layout ("/pujk/BANKA/upload").  Names handed
 * out by list() are plain base names already checked against a strict
 * pattern; a name that fits no pattern is reported by the caller, never
 * touched.  Every failure of the connection is ERR_TRANSIENT: the run stops,
 * keeps its finished work, and the next run resumes.
 */
#ifndef SLKTX_TRANSPORT_H
#define SLKTX_TRANSPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "err.h"

struct transport_entry {
	char name[256];
	int64_t size;
	int64_t mtime;  /* seconds since the epoch */
	int regular;    /* 1 for a regular file; anything else is never fetched */
};

struct transport_list {
	struct transport_entry *v;
	size_t n;
};

struct transport;

struct transport_ops {
	int (*list)(struct transport *t, const char *dir, struct transport_list *out, struct err *e);
	/* Copy dir/name into the local file local_path (created exclusively),
	 * fsync it, and fill sha256 (32 bytes) and *size with what was received. */
	int (*fetch)(struct transport *t, const char *dir, const char *name, const char *local_path,
		     unsigned char sha256[32], int64_t *size, struct err *e);
	/* Upload local_path as dir/name: written as dir/.name.part, synced, renamed.
	 * A name already there with the same bytes counts as delivered; with other
	 * bytes it is an error. */
	int (*push)(struct transport *t, const char *local_path, const char *dir, const char *name,
		    struct err *e);
	/* Remove dir/name, or move it to the configured folder. Gone already is success. */
	int (*remove)(struct transport *t, const char *dir, const char *name, struct err *e);
	void (*close)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	const struct config *cfg;
	void *impl;
};

/* Open the transport the configuration selects. */
int transport_open(struct transport **out, const struct config *cfg, struct err *e);
void transport_close(struct transport *t);
void transport_list_free(struct transport_list *l);

int transport_local_open(struct transport **out, const struct config *cfg, struct err *e);
int transport_sftp_open(struct transport **out, const struct config *cfg, struct err *e);

#endif
