/*
 * hex - bytes as lower-case hexadecimal, the form every SHA-256 takes in
 * the ledger, the manifests and the exchange files.  Cannot fail.
 */
#ifndef SLKTX_HEX_H
#define SLKTX_HEX_H

#include <stddef.h>

/* n bytes into 2n digits and a NUL: out has room for 2n + 1. */
void hex_encode(const unsigned char *d, size_t n, char *out);

#endif
