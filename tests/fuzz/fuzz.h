/*
 * fuzz.h - what the harnesses share: the libFuzzer entry points, a scratch
 * directory per process and the fixtures (test certificates) they load.
 *
 * Each harness defines LLVMFuzzerTestOneInput.  Under clang it is linked
 * with -fsanitize=fuzzer; under `make check` with replay.c, a plain driver
 * that passes every corpus file to the same function, so that the
 * harnesses and their corpora are built and run on every check.
 */
#ifndef SLKTX_FUZZ_H
#define SLKTX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct err;
struct sig_trust;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The time of every check (2026-11-29 19:00 UTC, an hour after the fixtures
 * were made): within the
 * test certificates' validity, so that a check never depends on the clock.
 */
#define FUZZ_NOW ((time_t)1795978800)

/* A fresh scratch directory under $TMPDIR, removed at exit; aborts on failure. */
const char *fuzz_scratch(void);
/* Remove everything inside dir (not dir itself). */
void fuzz_empty_dir(const char *dir);
/* Write data to path; aborts on failure. */
void fuzz_write(const char *path, const uint8_t *data, size_t size);
/* $SLKTX_FUZZ_FIXTURES/name, default tests/fuzz/fixtures/name. */
const char *fuzz_fixture(const char *name);
/* Read a whole file; aborts on failure. */
unsigned char *fuzz_read(const char *path, size_t *size);
/* Set by the replay driver's -v: each harness then prints its verdict on each
 * input with fuzz_note, for the corpus test to check the seeds' verdicts. */
extern int fuzz_verbose;
void fuzz_note(int rc, const struct err *e);
/* The fixtures' trust anchor (ca.crt) at FUZZ_NOW, and the certificate
 * fixtures/cert checked against it (its DER into *der, *len); aborts on
 * failure. */
struct sig_trust *fuzz_trust(const char *cert, unsigned char **der, size_t *len);
/* Print why a harness cannot start, and abort. */
void fuzz_die(const struct err *e);

#endif
