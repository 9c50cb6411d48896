/*
 * digest - SHA-256, the exchange's one digest, over memory, an open file or
 * a file copied while it is hashed.  Every module that hashes a stream uses
 * these, so that a digest is computed, checked and reported one way.
 *
 * Errors: ERR_IO (a read or write failed, errno kept in the message),
 * ERR_INTERNAL (OpenSSL failed).  A short write is reported as ENOSPC.
 */
#ifndef SLKTX_DIGEST_H
#define SLKTX_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define DIGEST_LEN 32

/* A digest being computed over pieces; digest_final frees it. */
struct digest;

int digest_new(struct digest **out, struct err *e);
int digest_update(struct digest *d, const void *p, size_t n, struct err *e);
/* The digest into out (DIGEST_LEN bytes); d is freed, also on failure. */
int digest_final(struct digest *d, unsigned char out[DIGEST_LEN], struct err *e);
/* Free a digest abandoned before its end (NULL is fine). */
void digest_free(struct digest *d);

/* The digest of n bytes at p. */
int digest_buf(const void *p, size_t n, unsigned char out[DIGEST_LEN], struct err *e);
/* The digest of what fd holds from its current offset to its end; *size
 * (may be NULL) gets the bytes read; shown names the file in errors. */
int digest_fd(int fd, const char *shown, unsigned char out[DIGEST_LEN], int64_t *size,
	      struct err *e);
/* The same for the regular file at path, opened without following a link. */
int digest_file(const char *path, unsigned char out[DIGEST_LEN], int64_t *size, struct err *e);
/*
 * Copy in to out (from their offsets to in's end) and hash what passed; out
 * may be -1 (hash only), sha and size NULL.  With max >= 0 the copy stops
 * after the read that passes max bytes: *size > max then tells the caller
 * (a file growing while fetched, or over a size limit).  Nothing is synced:
 * the caller commits the copy.
 */
int digest_copy_fd(int in, int out, const char *shown, int64_t max,
		   unsigned char sha[DIGEST_LEN], int64_t *size, struct err *e);

#endif
