/*
 * package - ZIP packages (SPEC §2 "ZIP packages") read with libarchive into
 * the content-addressed attachment store, matched against the payload's
 * <Attachment> elements, and written for dispatches.
 *
 * A package holds exactly `payload.xml` at its root and one entry
 * `attachments/NAME` per <Attachment> element (NAME matching
 * [A-Za-z0-9][A-Za-z0-9._-]{0,127}); an `attachments/` directory entry is
 * tolerated.  Nothing is ever extracted by path: the payload is read into
 * memory (bounded by limits.max_package_size) and each attachment is
 * streamed, while hashed, into the store as
 * <store_dir>/<first two hex digits>/<sha256 hex>.
 *
 * The store: store_dir must exist.  A blob is written to
 * <store_dir>/.tmp.XXXXXX, fsynced, renamed to its final name and the
 * directory fsynced; a blob already present is left alone.  A rejected
 * package leaves no temporary file, but blobs it stored completely before
 * the rejection stay (they are content-addressed and unreferenced).
 *
 * Error contract (package_read):
 *   ERR_PACKAGE_INVALID  the archive breaks a rule (message names the entry):
 *                        not a ZIP, truncated or corrupt (bytes after the end
 *                        record, a central directory holding more entries
 *                        than it declares), a bad or duplicate name, a link,
 *                        device or directory, encryption, no or two
 *                        payload.xml, declared size != actual size
 *   ERR_LIMIT_EXCEEDED   limits.max_attachment_size, max_package_size (all
 *                        inflated bytes), max_compression_ratio (per entry),
 *                        max_package_entries: checked on the bytes actually
 *                        inflated, reading stops at once
 *   ERR_IO               the package or the store could not be read/written
 *   ERR_INTERNAL         libarchive or OpenSSL could not be set up
 */
#ifndef SLKTX_PACKAGE_H
#define SLKTX_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util/config.h"
#include "util/err.h"

#define PACKAGE_NAME_MAX 128 /* an attachment name, without "attachments/" */

/* One attachment entry as read and stored. */
struct package_entry {
	char name[PACKAGE_NAME_MAX + 1];
	char sha256[65]; /* lower-case hex of the bytes read */
	int64_t size;    /* bytes read */
};

/* What package_read found; release with package_free. */
struct package {
	char *payload;          /* payload.xml, NUL-terminated (the NUL not counted) */
	size_t payload_size;
	size_t n_entries;       /* attachment entries, in archive order */
	struct package_entry *entries;
};

/*
 * One <Attachment> element of the payload.  For package_write only name and
 * sha256 (the blob in the store) are used.
 */
struct package_attachment {
	const char *record; /* id of the record the element belongs to */
	const char *name;
	const char *sha256; /* hex */
	int64_t size;
	long line, col;     /* the element's place in the payload, 0 when unknown */
};

/*
 * Read the ZIP at zip_path under c->limits, storing every attachment in
 * store_dir.  On success fill *pkg and return 0; on failure return -1 with
 * *pkg empty (nothing to free).
 */
int package_read(const char *zip_path, const char *store_dir,
		 const struct config *c, struct package *pkg, struct err *e);
void package_free(struct package *pkg);

/*
 * Match the entries read against the payload's n <Attachment> elements.
 * An entry named by no element is a file-level ERR_PACKAGE_INVALID (-1).
 * Otherwise return 0 with results[i] set for element i: ERR_NONE, or the
 * record-level ERR_ATTACHMENT_MISSING (no entry of that name) or
 * ERR_ATTACHMENT_MISMATCH (size or SHA-256 differ), so that the caller
 * rejects just that record.  Several elements may name the same entry.
 */
int package_match(const struct package *pkg,
		  const struct package_attachment *atts, size_t n,
		  enum err_code *results, struct err *e);

/* "<store_dir>/<aa>/<sha256>" into buf; -1 (ERR_INTERNAL) when sha256 is not
 * 64 hex digits or buf is too small. */
int package_store_path(const char *store_dir, const char *sha256, char *buf,
		       size_t size, struct err *e);

/*
 * Write a package into the open file fd (not synced, not closed; shown names
 * it in errors): payload_path as payload.xml first, then each attachment as
 * attachments/<name> from its blob in store_dir, deflated.  The caller makes
 * the file durable and visible.  ERR_IO on the file system or a blob that
 * does not hash to its name, ERR_INTERNAL on a bad attachment name or a
 * libarchive failure.
 */
int package_write_fd(int fd, const char *shown, const char *payload_path,
		     const char *store_dir, const struct package_attachment *atts, size_t n,
		     struct err *e);

#endif
