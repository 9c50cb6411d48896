/*
 * digest - SHA-256 over memory, files and copies; see digest.h.
 */
#include "util/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/safefile.h"

struct digest {
	EVP_MD_CTX *md;
};

int digest_new(struct digest **out, struct err *e)
{
	struct digest *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (d == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	d->md = EVP_MD_CTX_new();
	if (d->md == NULL || EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) != 1) {
		digest_free(d);
		return err_set(e, ERR_INTERNAL, "cannot start SHA-256");
	}
	*out = d;
	return 0;
}

int digest_update(struct digest *d, const void *p, size_t n, struct err *e)
{
	if (n > 0 && EVP_DigestUpdate(d->md, p, n) != 1)
		return err_set(e, ERR_INTERNAL, "cannot compute SHA-256");
	return 0;
}

int digest_final(struct digest *d, unsigned char out[DIGEST_LEN], struct err *e)
{
	unsigned int len = 0;
	int ok = EVP_DigestFinal_ex(d->md, out, &len) == 1 && len == DIGEST_LEN;

	digest_free(d);
	if (!ok)
		return err_set(e, ERR_INTERNAL, "cannot compute SHA-256");
	return 0;
}

void digest_free(struct digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->md);
	free(d);
}

int digest_buf(const void *p, size_t n, unsigned char out[DIGEST_LEN], struct err *e)
{
	unsigned int len = 0;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1 || len != DIGEST_LEN)
		return err_set(e, ERR_INTERNAL, "cannot compute SHA-256");
	return 0;
}

int digest_copy_fd(int in, int out, const char *shown, int64_t max,
		   unsigned char sha[DIGEST_LEN], int64_t *size, struct err *e)
{
	unsigned char buf[65536];
	struct digest *d = NULL;
	int64_t total = 0;
	ssize_t n;

	if (sha && digest_new(&d, e) != 0)
		return -1;
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot read '%s'", shown);
			goto fail;
		}
		if (n == 0)
			break;
		if (d && digest_update(d, buf, (size_t)n, e) != 0)
			goto fail;
		if (out >= 0 && safefile_write_all(out, buf, (size_t)n) != 0) {
			err_sys(e, ERR_IO, "cannot write the copy of '%s'", shown);
			goto fail;
		}
		total += n;
		if (max >= 0 && total > max)
			break;
	}
	if (size)
		*size = total;
	if (d)
		return digest_final(d, sha, e);
	return 0;
fail:
	digest_free(d);
	return -1;
}

int digest_fd(int fd, const char *shown, unsigned char out[DIGEST_LEN], int64_t *size,
	      struct err *e)
{
	return digest_copy_fd(fd, -1, shown, -1, out, size, e);
}

int digest_file(const char *path, unsigned char out[DIGEST_LEN], int64_t *size, struct err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot read '%s'", path);
	rc = digest_fd(fd, path, out, size, e);
	close(fd);
	return rc;
}
