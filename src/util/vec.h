/*
 * vec - room in a growing array: the one way an array of rows read from
 * the ledger grows (doubling, new slots zeroed).
 */
#ifndef SLKTX_VEC_H
#define SLKTX_VEC_H

#include <stddef.h>

/* Room for one more element of size sz in *v (n used, *cap allocated);
 * -1 when out of memory, *v then unchanged. */
int vec_grow(void **v, size_t n, size_t *cap, size_t sz);

#endif
