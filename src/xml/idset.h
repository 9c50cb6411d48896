/*
 * idset - the record ids of one file, to find one used twice.
 *
 * Ids are kept as 64-bit hashes, not strings, so that a million-record
 * file stays within its memory budget; two distinct ids would have to
 * collide in 64 bits (about 1 in 10^7 for a file of a million records) to
 * be reported as duplicates.  The table is sized once for the configured
 * record limit: its pages are touched within the first few thousand
 * records, so memory is flat in the file's size, and it never rehashes
 * unless the limit is above 4M records.  Out of memory is a -1.
 */
#ifndef SLKTX_IDSET_H
#define SLKTX_IDSET_H

#include <stddef.h>
#include <stdint.h>

struct idset {
	uint64_t *v;       /* 0 marks a free slot */
	size_t cap, n;
	long expect;       /* the record limit the table is sized for */
};

/* An empty set for up to expect ids; nothing is allocated yet. */
void idset_init(struct idset *s, long expect);
void idset_free(struct idset *s);

/* The hash of an id; never 0. */
uint64_t idset_hash(const char *id, size_t n);
/* Allocate the table on first use, and fetch h's slot into the caches. */
int idset_prefetch(struct idset *s, uint64_t h);
/* Insert h: 1 when it was there already, 0 when new, -1 out of memory. */
int idset_add(struct idset *s, uint64_t h);

#endif
