/*
 * idset - the record ids of one file; see idset.h.
 */
#include "xml/idset.h"

#include <stdlib.h>

void idset_init(struct idset *s, long expect)
{
	s->v = NULL;
	s->cap = s->n = 0;
	s->expect = expect;
}

void idset_free(struct idset *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = s->n = 0;
}

uint64_t idset_hash(const char *id, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * 0x100000001b3ULL;
	/* splitmix64 finalizer: FNV alone clusters on short similar ids */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* The first size: room for the expected ids at half load, up to 8M slots. */
static size_t first_size(const struct idset *s)
{
	size_t want = (size_t)s->expect * 2, cap = 4096;

	while (cap < want && cap < ((size_t)1 << 23))
		cap *= 2;
	return cap;
}

static int grow(struct idset *s)
{
	size_t cap = s->cap ? s->cap * 2 : first_size(s), i;
	uint64_t *v = calloc(cap, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t k = 0; k < s->cap; k++) {
		if (s->v[k] == 0)
			continue;
		for (i = s->v[k] & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
			;
		v[i] = s->v[k];
	}
	free(s->v);
	s->v = v;
	s->cap = cap;
	return 0;
}

int idset_prefetch(struct idset *s, uint64_t h)
{
	if (s->cap == 0 && grow(s) != 0)
		return -1;
	__builtin_prefetch(&s->v[h & (s->cap - 1)]);
	return 0;
}

int idset_add(struct idset *s, uint64_t h)
{
	size_t i;

	if (s->n * 2 >= s->cap && grow(s) != 0)
		return -1;
	for (i = h & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == h)
			return 1;
	s->v[i] = h;
	s->n++;
	return 0;
}
