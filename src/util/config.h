/*
 * config - the INI configuration of SPEC §10, read with libinih.
 *
 * The command layer finds the file (--config, $SLKTX_CONFIG,
 * ./config/slktx.conf, /etc/slktx/slktx.conf) and hands its path here; with
 * none, the embedded defaults (config_defaults) serve the commands that need
 * no ledger.  A named file that is missing, an unknown section or key (with
 * the nearest known one when it looks like a typo), or a bad value (with the
 * valid ones for a key that takes a choice) is an ERR_CONFIG naming the
 * file, line and key: never a silent default.  Relative paths in a file are taken
 * relative to that file's directory; the defaults relative to the working
 * directory.  config/slktx.conf.example documents every key.  Each key is
 * named as its field below, in the section of its struct ([limits]
 * clock_skew_s, [ledger] busy_timeout_ms); ledger.path and report.dir, when
 * absent, follow spool.dir.
 */
#ifndef SLKTX_CONFIG_H
#define SLKTX_CONFIG_H

#include <limits.h>
#include <stdint.h>

#include "util/err.h"

#define CONFIG_LIST_MAX 16
#define CONFIG_KEYS_MAX 64

struct config_list {
	int n;
	char v[CONFIG_LIST_MAX][PATH_MAX];
};

struct config {
	char source[PATH_MAX]; /* the file read, or "" for the embedded defaults */
	long key_line[CONFIG_KEYS_MAX]; /* where each key was set (config_key_line) */

	struct {
		char dir[PATH_MAX];          /* spool, default "spool" */
	} spool;
	struct {
		char path[PATH_MAX];         /* default <spool.dir>/ledger.sqlite */
		long busy_timeout_ms;        /* default 10000 */
	} ledger;
	struct {
		char cert[PATH_MAX];         /* the hub's signing certificate, default pki/hub.crt */
		char key[PATH_MAX];          /* its key (owner-only), default pki/hub.key */
		struct config_list trust_anchors; /* default pki/ca.crt */
		struct config_list crls;     /* default none; each must be fresh when configured */
	} hub;
	struct {
		char type[16];               /* local | sftp, default local */
		char root[PATH_MAX];         /* local: the directory holding the remote layout, default "exchange" */
		char intake_outbound[PATH_MAX]; /* default /slkt/outbound */
		char intake_inbound[PATH_MAX];  /* default /slkt/inbound */
		char pujk_root[PATH_MAX];    /* default /pujk: <root>/<CODE>/upload and /download */
		char after_fetch[16];        /* delete | move, default delete */
		char move_to[PATH_MAX];      /* with after_fetch = move: remote folder, default /processed */
		/* sftp */
		char host[256];
		int port;                    /* default 22 */
		char user[128];
		char identity[PATH_MAX];     /* private key file (Ed25519 or ECDSA) */
		char passphrase_file[PATH_MAX];
		char known_hosts[PATH_MAX];
		char host_key_type[32];      /* pinned: ssh-ed25519, ecdsa-sha2-nistp256, ...; "" = whatever known_hosts has */
		long connect_timeout_s;      /* default 15 */
		long op_timeout_s;           /* default 60 */
		long run_timeout_s;          /* default 3600 */
		int connections;             /* parallel connections for fetch, default 4 */
		char ciphers[256];           /* comma list in preference order, "" = libssh2's default */
		char macs[256];              /* comma list in preference order, "" = libssh2's default */
	} transport;
	struct {
		char sender[16];             /* the intake's sender code, default OJK */
		struct config_list certs;    /* the intake's registered signing certificates, default pki/intake.crt */
	} intake;
	struct {
		long grace_hours;            /* a former officer certificate's files in transit, default 72 (SPEC §5) */
	} registry;
	struct {
		int64_t max_file_size;       /* default 2 GiB */
		long max_depth;              /* default 16 */
		long max_text_length;        /* default 65536 bytes of one text node */
		long max_records;            /* default 1000000 */
		long max_errors;             /* errors listed per file, default 100 */
		int64_t max_attachment_size; /* default 10 MiB */
		int64_t max_package_size;    /* default 200 MiB uncompressed */
		long max_compression_ratio;  /* default 100 */
		long max_package_entries;    /* default 1000 */
		long orphan_after_s;         /* a data file with no .p7s, default 86400 */
		long clock_skew_s;           /* default 300 */
	} limits;
	struct {
		int pengaduan_days;          /* default 10 (POJK 22/2023) */
		int indikasi_days;           /* default 10 */
		int extension_days;          /* default 10 */
	} sla;
	struct {
		char dir[PATH_MAX];          /* holiday files YYYY.txt; "" = the embedded calendar */
		char timezone[64];           /* default Asia/Jakarta */
	} calendar;
	struct {
		char dir[PATH_MAX];          /* default <spool.dir>/reports */
		int csv_bom;                 /* default 0 */
	} report;
};

/* Fill c with the embedded defaults (paths relative to the working directory). */
void config_defaults(struct config *c);

/* Load the file at path, or the embedded defaults when path is NULL. */
int config_load(struct config *c, const char *path, struct err *e);

/* One problem in a configuration file: section and key are NULL for a line
 * that is not a key (a syntax error, a line too long). */
struct config_problem {
	const char *file;
	long line;
	const char *section;
	const char *key;
	const char *msg;
};
typedef void config_problem_fn(void *ctx, const struct config_problem *p);

/*
 * Read path as config_load does, but go on after a problem and hand every
 * one to fn (for `slktx config check`).  Returns 0 when the file is good, 1
 * when fn was given problems, -1 when the file could not be read (e says why).
 */
int config_check_file(struct config *c, const char *path, config_problem_fn *fn, void *ctx,
		      struct err *e);

/* The line that set [section] name in the file c was loaded from; 0 when the
 * key kept its default. */
long config_key_line(const struct config *c, const char *section, const char *name);

#endif
