/*
 * arena - a bump allocator in 64 KiB blocks, reset at once: the parser's
 * trees are built in one and dropped after each record, so that memory
 * does not grow with the file.  Out of memory is a NULL from arena_alloc.
 */
#ifndef SLKTX_ARENA_H
#define SLKTX_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;  /* {NULL}: an empty arena */
};

/* n bytes aligned for any scalar, or NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* s[0..n) and a NUL, or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Forget every allocation; the newest block is kept for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
