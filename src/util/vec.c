/*
 * vec - room in a growing array; see vec.h.
 */
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

int vec_grow(void **v, size_t n, size_t *cap, size_t sz)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 16;
	p = realloc(*v, c * sz);
	if (p == NULL)
		return -1;
	memset((char *)p + n * sz, 0, (c - n) * sz);
	*v = p;
	*cap = c;
	return 0;
}
