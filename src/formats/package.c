/*
 * package - ZIP packages read with libarchive into the attachment store,
 * matched against the payload, and written for dispatches; see package.h
 * for the contract.
 *
 * Why these libarchive choices (3.6.2):
 *   - archive_read_support_format_zip_seekable alone: one reader, no format
 *     bidding, no filters.  It reads the central directory, the only place
 *     that carries the Unix mode bits, so symlinks, devices and directories
 *     are seen as such; the streamable reader sees only local headers and
 *     would hand a symlink over as a regular file.  (3.6.2 reports a fifo
 *     mode as a regular file; ZIP has no hard-link type and libarchive
 *     ignores the PKWARE Unix field's link target: such entries arrive as
 *     plain bytes, judged by name, size and hash, never followed.)
 *   - libarchive offers no per-entry compressed size.  The compressed bytes
 *     of an entry are measured as the growth of archive_filter_bytes(a, -1)
 *     (raw bytes consumed) while its data is read, and the ratio is checked
 *     as each chunk is inflated, once an entry passes RATIO_GRACE bytes: the
 *     raw stream is consumed a chunk behind the data for stored entries, and
 *     below the grace the package limit bounds the damage anyway.
 *   - libarchive rewrites '\' as '/' in ZIP entry names before we see them
 *     (`attachments\a.pdf` would arrive as `attachments/a.pdf`), and the
 *     seekable reader loads the whole central directory before the first
 *     entry.  So cd_prescan walks the central directory first, with bounded
 *     reads: more entries declared than max_package_entries is refused
 *     before libarchive allocates anything for them, and a raw name with a
 *     backslash is refused.  Nothing else is taken from that walk: the
 *     entries are judged on what libarchive reads, and counted again.
 *   - archive_read_data into our own fixed buffer: memory does not depend on
 *     what the archive declares.
 */
#include "formats/package.h"
#include "util/hex.h"
#include "util/digest.h"
#include "util/safefile.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAYLOAD_NAME "payload.xml"
#define ATTACHMENTS_DIR "attachments/"
#define CHUNK (64 * 1024)
#define RATIO_GRACE (1024 * 1024)

/* State of one package_read. */
struct reader {
	struct archive *a;
	const char *zip_path;
	const char *store_dir;
	const struct config *c;
	struct package *pkg;
	size_t cap;            /* allocated pkg->entries */
	int64_t total;         /* inflated bytes of the whole package */
	long n_seen;           /* entries seen, directories included */
	unsigned char buf[CHUNK];
};

/* Per-entry accounting of inflated bytes against the limits. */
struct meter {
	const char *name;
	int64_t declared;      /* -1 when the archive does not say */
	int64_t max;           /* this entry's own limit */
	int64_t raw_start;     /* archive_filter_bytes when its data began */
	int64_t got;
};

/* An entry name fit for a message: printable ASCII, cut at 200 bytes. */
static const char *shown(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size && i < 200; i++)
		buf[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? name[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > PACKAGE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		int alnum = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			    (ch >= '0' && ch <= '9');
		if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != '-')))
			return 0;
	}
	return 1;
}

static int hex64_ok(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[64] == '\0';
}

static int has_dotdot(const char *p)
{
	for (const char *s = p; *s != '\0';) {
		size_t len = strcspn(s, "/");
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		s += len;
		if (*s == '/')
			s++;
	}
	return 0;
}

static int fsync_dir(const char *dir, struct err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot open directory '%s'", dir);
	if (fsync(fd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync directory '%s'", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int package_store_path(const char *store_dir, const char *sha256, char *buf,
		       size_t size, struct err *e)
{
	int n;

	if (!hex64_ok(sha256))
		return err_set(e, ERR_INTERNAL, "'%.70s' is not a sha-256 in hex", sha256);
	n = snprintf(buf, size, "%s/%.2s/%s", store_dir, sha256, sha256);
	if (n < 0 || (size_t)n >= size)
		return err_set(e, ERR_INTERNAL, "store path too long under '%s'", store_dir);
	return 0;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t got = off > INT64_MAX ? -1 : pread(fd, buf, n, (off_t)off);

	return got == (ssize_t)n ? 0 : -1;
}

/* See the top of this file: the declared entry count and the raw names. */
static int cd_prescan(int fd, uint64_t size, const char *zip_path,
		      const struct config *c, struct err *e)
{
	enum { EOCD = 22, EOCD64 = 56, LOC64 = 20, CDH = 46 };
	size_t tail = size < EOCD + 65535 ? (size_t)size : EOCD + 65535;
	unsigned char *buf = NULL, h[EOCD64];
	uint64_t entries, cd_off, pos;
	long eocd = -1;
	char name[256], nb[256];
	int rc = -1;

	buf = malloc(tail > 65536 ? tail : 65536);
	if (buf == NULL) {
		err_sys(e, ERR_INTERNAL, "cannot allocate a read buffer");
		goto out;
	}
	if (tail < EOCD || pread_all(fd, buf, tail, size - tail) < 0)
		goto corrupt;
	/* the last signature, as libarchive takes it; it must end the file
	 * with its comment, so that a signature planted in the comment makes
	 * the package corrupt instead of two readers seeing two archives */
	for (long i = (long)tail - EOCD; i >= 0 && eocd < 0; i--)
		if (memcmp(buf + i, "PK\5\6", 4) == 0)
			eocd = i;
	if (eocd < 0 || (size_t)eocd + EOCD + le(buf + eocd + 20, 2) != tail)
		goto corrupt;
	entries = le(buf + eocd + 10, 2);
	cd_off = le(buf + eocd + 16, 4);
	if (entries == 0xffff || cd_off == 0xffffffff) {
		/* zip64: the locator just before points to the real record */
		uint64_t at = size - tail + (uint64_t)eocd;
		if (at < LOC64 || pread_all(fd, h, LOC64, at - LOC64) < 0 ||
		    memcmp(h, "PK\6\7", 4) != 0)
			goto corrupt;
		if (pread_all(fd, h, EOCD64, le(h + 8, 8)) < 0 || memcmp(h, "PK\6\6", 4) != 0)
			goto corrupt;
		entries = le(h + 32, 8);
		cd_off = le(h + 48, 8);
	}
	if (entries > (uint64_t)c->limits.max_package_entries) {
		err_set_at(e, ERR_LIMIT_EXCEEDED, zip_path, 0, 0,
			   "package declares %llu entries, more than %ld",
			   (unsigned long long)entries, c->limits.max_package_entries);
		goto out;
	}
	pos = cd_off;
	for (uint64_t k = 0; k < entries; k++) {
		size_t nlen;
		if (pread_all(fd, h, CDH, pos) < 0 || memcmp(h, "PK\1\2", 4) != 0)
			goto corrupt;
		nlen = (size_t)le(h + 28, 2);
		if (pread_all(fd, buf, nlen, pos + CDH) < 0)
			goto corrupt;
		if (memchr(buf, '\\', nlen) != NULL) {
			size_t n = nlen < sizeof(name) - 1 ? nlen : sizeof(name) - 1;
			memcpy(name, buf, n);
			name[n] = '\0';
			err_set_at(e, ERR_PACKAGE_INVALID, zip_path, 0, 0,
				   "entry '%s' has a backslash in its name",
				   shown(name, nb, sizeof(nb)));
			goto out;
		}
		pos += CDH + nlen + le(h + 30, 2) + le(h + 32, 2);
	}
	/* libarchive reads the central directory to its end, whatever the
	 * count says: a count that hides entries is a lie */
	if (pread_all(fd, h, 4, pos) == 0 && memcmp(h, "PK\1\2", 4) == 0) {
		err_set_at(e, ERR_PACKAGE_INVALID, zip_path, 0, 0,
			   "central directory holds more entries than the %llu declared",
			   (unsigned long long)entries);
		goto out;
	}
	rc = 0;
	goto out;
corrupt:
	err_set_at(e, ERR_PACKAGE_INVALID, zip_path, 0, 0,
		   "not a readable zip: truncated or corrupt central directory");
out:
	free(buf);
	return rc;
}

/* Limits on one chunk just inflated; -1 stops reading at once. */
static int meter_add(struct reader *r, struct meter *m, size_t n, struct err *e)
{
	const struct config *c = r->c;
	char nb[256];
	int64_t raw;

	m->got += (int64_t)n;
	r->total += (int64_t)n;
	if (m->declared >= 0 && m->got > m->declared)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' declares %lld bytes but holds more",
				  shown(m->name, nb, sizeof(nb)), (long long)m->declared);
	if (m->got > m->max)
		return err_set_at(e, ERR_LIMIT_EXCEEDED, r->zip_path, 0, 0,
				  "entry '%s' exceeds %lld bytes",
				  shown(m->name, nb, sizeof(nb)), (long long)m->max);
	if (r->total > c->limits.max_package_size)
		return err_set_at(e, ERR_LIMIT_EXCEEDED, r->zip_path, 0, 0,
				  "package exceeds %lld bytes uncompressed at entry '%s'",
				  (long long)c->limits.max_package_size,
				  shown(m->name, nb, sizeof(nb)));
	raw = archive_filter_bytes(r->a, -1) - m->raw_start;
	if (m->got > RATIO_GRACE &&
	    m->got > (int64_t)c->limits.max_compression_ratio * (raw > 0 ? raw : 1))
		return err_set_at(e, ERR_LIMIT_EXCEEDED, r->zip_path, 0, 0,
				  "entry '%s' inflates more than %ld times",
				  shown(m->name, nb, sizeof(nb)), c->limits.max_compression_ratio);
	return 0;
}

/*
 * Read the current entry's data, handing each chunk to sink (NULL: the
 * payload buffer).  Fails on any libarchive error and on any limit.
 */
static int read_data(struct reader *r, struct meter *m,
		     int (*sink)(void *, const void *, size_t, struct err *),
		     void *arg, struct err *e)
{
	char nb[256];

	m->raw_start = archive_filter_bytes(r->a, -1);
	for (;;) {
		la_ssize_t n = archive_read_data(r->a, r->buf, sizeof(r->buf));
		if (n == 0)
			break;
		if (n < 0) /* ARCHIVE_WARN (bad CRC, wrong size), RETRY, FAILED, FATAL */
			return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
					  "entry '%s' cannot be read: %s",
					  shown(m->name, nb, sizeof(nb)),
					  archive_error_string(r->a) ? archive_error_string(r->a) : "corrupt data");
		if (meter_add(r, m, (size_t)n, e) < 0)
			return -1;
		if (sink(arg, r->buf, (size_t)n, e) < 0)
			return -1;
	}
	if (m->declared >= 0 && m->got != m->declared)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' declares %lld bytes but holds %lld",
				  shown(m->name, nb, sizeof(nb)), (long long)m->declared,
				  (long long)m->got);
	return 0;
}

struct payload_sink {
	struct package *pkg;
	size_t cap;
};

static int payload_put(void *arg, const void *data, size_t n, struct err *e)
{
	struct payload_sink *s = arg;
	struct package *pkg = s->pkg;

	if (pkg->payload_size + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : CHUNK;
		char *p;
		while (pkg->payload_size + n + 1 > cap)
			cap *= 2;
		p = realloc(pkg->payload, cap);
		if (p == NULL)
			return err_sys(e, ERR_INTERNAL, "cannot grow the payload buffer");
		pkg->payload = p;
		s->cap = cap;
	}
	memcpy(pkg->payload + pkg->payload_size, data, n);
	pkg->payload_size += n;
	pkg->payload[pkg->payload_size] = '\0';
	return 0;
}

struct blob_sink {
	int fd;
	const char *tmp;
	struct digest *d;
};

static int blob_put(void *arg, const void *data, size_t n, struct err *e)
{
	struct blob_sink *s = arg;

	if (digest_update(s->d, data, n, e) < 0)
		return -1;
	if (safefile_write_all(s->fd, data, n) < 0)
		return err_sys(e, ERR_IO, "cannot write '%s'", s->tmp);
	return 0;
}

/* Stream the current entry into the store; fill ent's hash and size. */
static int read_attachment(struct reader *r, struct meter *m,
			   struct package_entry *ent, struct err *e)
{
	char tmp[PATH_MAX], dir[PATH_MAX], final[PATH_MAX];
	unsigned char digest[DIGEST_LEN];
	struct blob_sink s = { .fd = -1, .tmp = tmp, .d = NULL };
	struct stat st;
	int rc = -1, n;

	n = snprintf(tmp, sizeof(tmp), "%s/.tmp.XXXXXX", r->store_dir);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		tmp[0] = '\0';
		err_set(e, ERR_IO, "store path too long: '%s'", r->store_dir);
		goto out;
	}
	s.fd = mkstemp(tmp);
	if (s.fd < 0) {
		err_sys(e, ERR_IO, "cannot create '%s'", tmp);
		tmp[0] = '\0';
		goto out;
	}
	if (digest_new(&s.d, e) < 0)
		goto out;
	if (read_data(r, m, blob_put, &s, e) < 0)
		goto out;
	n = digest_final(s.d, digest, e);
	s.d = NULL;
	if (n < 0)
		goto out;
	hex_encode(digest, DIGEST_LEN, ent->sha256);
	ent->size = m->got;
	if (package_store_path(r->store_dir, ent->sha256, final, sizeof(final), e) < 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/%.2s", r->store_dir, ent->sha256);
	if (lstat(final, &st) == 0) {
		rc = 0; /* the same bytes are already stored */
		goto out;
	}
	if (mkdir(dir, 0750) == 0) {
		if (fsync_dir(r->store_dir, e) < 0)
			goto out;
	} else if (errno != EEXIST) {
		err_sys(e, ERR_IO, "cannot create directory '%s'", dir);
		goto out;
	}
	n = safefile_publish(s.fd, tmp, final, e);
	s.fd = -1;
	if (n < 0)
		goto out;
	tmp[0] = '\0';
	rc = 0;
out:
	if (s.fd >= 0)
		close(s.fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	digest_free(s.d);
	return rc;
}

static const char *type_name(mode_t type)
{
	switch (type) {
	case AE_IFLNK: return "a symbolic link";
	case AE_IFDIR: return "a directory";
	case AE_IFCHR: return "a character device";
	case AE_IFBLK: return "a block device";
	case AE_IFIFO: return "a fifo";
	case AE_IFSOCK: return "a socket";
	default: return "not a regular file";
	}
}

/* Judge one entry header; 1 = handled, 0 = its data is to be read. */
static int check_entry(struct reader *r, struct archive_entry *en,
		       const char *path, struct err *e)
{
	char nb[256];
	mode_t type = archive_entry_filetype(en);

	shown(path, nb, sizeof(nb));
	if (strchr(path, '\\') != NULL)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' has a backslash in its name", nb);
	if (path[0] == '/')
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' has an absolute path", nb);
	if (has_dotdot(path))
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' has a '..' path component", nb);
	if (archive_entry_hardlink(en) != NULL)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' is a hard link", nb);
	if (type == AE_IFDIR && strcmp(path, ATTACHMENTS_DIR) == 0)
		return 1;
	if (type != AE_IFREG)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' is %s", nb, type_name(type));
	if (archive_entry_is_encrypted(en))
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' is encrypted", nb);
	return 0;
}

/* The payload entry: once, within max_package_size, into memory. */
static int take_payload(struct reader *r, struct meter *m, const char *nb,
			struct payload_sink *ps, struct err *e)
{
	if (r->pkg->payload != NULL)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' appears twice", nb);
	m->max = r->c->limits.max_package_size;
	if (m->declared > m->max)
		return err_set_at(e, ERR_LIMIT_EXCEEDED, r->zip_path, 0, 0,
				  "entry '%s' declares more than %lld bytes", nb, (long long)m->max);
	/* an empty payload still needs its buffer, so that a second one is recognised */
	if (payload_put(ps, "", 0, e) < 0 || read_data(r, m, payload_put, ps, e) < 0)
		return -1;
	return 0;
}

/* An attachments/NAME entry: a safe name, once, within max_attachment_size,
 * into the store. */
static int take_attachment(struct reader *r, struct meter *m, const char *path, const char *nb,
			   struct err *e)
{
	struct package *pkg = r->pkg;
	const char *name;
	struct package_entry *ent;

	if (strncmp(path, ATTACHMENTS_DIR, strlen(ATTACHMENTS_DIR)) != 0 ||
	    !name_ok(name = path + strlen(ATTACHMENTS_DIR)))
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "entry '%s' is neither %s nor %sNAME", nb, PAYLOAD_NAME,
				  ATTACHMENTS_DIR);
	for (size_t i = 0; i < pkg->n_entries; i++)
		if (strcmp(pkg->entries[i].name, name) == 0)
			return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
					  "entry '%s' appears twice", nb);
	m->max = r->c->limits.max_attachment_size;
	if (m->declared > m->max)
		return err_set_at(e, ERR_LIMIT_EXCEEDED, r->zip_path, 0, 0,
				  "entry '%s' declares more than %lld bytes", nb, (long long)m->max);
	if (pkg->n_entries == r->cap) {
		/* bounded: n_entries < max_package_entries */
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct package_entry *p = realloc(pkg->entries, cap * sizeof(*p));

		if (p == NULL)
			return err_sys(e, ERR_INTERNAL, "cannot grow the entry list");
		pkg->entries = p;
		r->cap = cap;
	}
	ent = &pkg->entries[pkg->n_entries];
	memset(ent, 0, sizeof(*ent));
	strcpy(ent->name, name);
	if (read_attachment(r, m, ent, e) < 0)
		return -1;
	pkg->n_entries++;
	return 0;
}

static int read_entries(struct reader *r, struct err *e)
{
	const struct config *c = r->c;
	struct package *pkg = r->pkg;
	struct payload_sink ps = { .pkg = pkg, .cap = 0 };
	struct archive_entry *en;
	char nb[256];
	int st;

	/* ARCHIVE_EOF ends the loop; ARCHIVE_OK is an entry to judge; the rest
	 * reject the package, a hostile one gets no benefit of the doubt:
	 * ARCHIVE_WARN (a name that does not convert, local header and central
	 * directory that disagree), ARCHIVE_RETRY (a damaged header bsdtar
	 * would skip), ARCHIVE_FAILED and ARCHIVE_FATAL (truncated, corrupt) */
	while ((st = archive_read_next_header(r->a, &en)) != ARCHIVE_EOF) {
		struct meter m = { 0 };
		const char *path;

		if (st != ARCHIVE_OK)
			return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
					  "entry %ld cannot be read: %s", r->n_seen + 1,
					  archive_error_string(r->a) ? archive_error_string(r->a) : "corrupt header");
		if (++r->n_seen > c->limits.max_package_entries)
			return err_set_at(e, ERR_LIMIT_EXCEEDED, r->zip_path, 0, 0,
					  "package has more than %ld entries",
					  c->limits.max_package_entries);
		path = archive_entry_pathname(en);
		if (path == NULL)
			return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
					  "entry %ld has no usable name", r->n_seen);
		st = check_entry(r, en, path, e);
		if (st < 0)
			return -1;
		if (st > 0)
			continue;
		shown(path, nb, sizeof(nb));
		m.name = path;
		m.declared = archive_entry_size_is_set(en) ? archive_entry_size(en) : -1;
		if ((strcmp(path, PAYLOAD_NAME) == 0 ? take_payload(r, &m, nb, &ps, e)
						     : take_attachment(r, &m, path, nb, e)) < 0)
			return -1;
	}
	if (archive_read_has_encrypted_entries(r->a) > 0)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "package has encrypted entries");
	if (pkg->payload == NULL)
		return err_set_at(e, ERR_PACKAGE_INVALID, r->zip_path, 0, 0,
				  "package has no %s", PAYLOAD_NAME);
	return 0;
}

void package_free(struct package *pkg)
{
	if (pkg == NULL)
		return;
	free(pkg->entries);
	free(pkg->payload);
	memset(pkg, 0, sizeof(*pkg));
}

int package_read(const char *zip_path, const char *store_dir,
		 const struct config *c, struct package *pkg, struct err *e)
{
	struct reader *r = NULL;
	struct stat st;
	int fd = -1, rc = -1;

	memset(pkg, 0, sizeof(*pkg));
	fd = open(zip_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, ERR_IO, "cannot open '%s'", zip_path);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		err_sys(e, ERR_IO, "cannot stat '%s'", zip_path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, ERR_IO, "'%s' is not a regular file", zip_path);
		goto out;
	}
	if (cd_prescan(fd, (uint64_t)st.st_size, zip_path, c, e) < 0)
		goto out;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		err_sys(e, ERR_INTERNAL, "cannot allocate a package reader");
		goto out;
	}
	r->zip_path = zip_path;
	r->store_dir = store_dir;
	r->c = c;
	r->pkg = pkg;
	r->a = archive_read_new();
	if (r->a == NULL || archive_read_support_format_zip_seekable(r->a) != ARCHIVE_OK) {
		err_set(e, ERR_INTERNAL, "cannot set up libarchive");
		goto out;
	}
	if (archive_read_open_fd(r->a, fd, CHUNK) != ARCHIVE_OK) {
		err_set_at(e, ERR_PACKAGE_INVALID, zip_path, 0, 0, "not a readable zip: %s",
			   archive_error_string(r->a) ? archive_error_string(r->a) : "unknown error");
		goto out;
	}
	if (read_entries(r, e) < 0)
		goto out;
	rc = 0;
out:
	if (r != NULL) {
		if (r->a != NULL) {
			archive_read_close(r->a);
			archive_read_free(r->a);
		}
		free(r);
	}
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		package_free(pkg);
	return rc;
}

int package_match(const struct package *pkg,
		  const struct package_attachment *atts, size_t n,
		  enum err_code *results, struct err *e)
{
	char nb[256];

	for (size_t i = 0; i < pkg->n_entries; i++) {
		size_t j;
		for (j = 0; j < n; j++)
			if (strcmp(atts[j].name, pkg->entries[i].name) == 0)
				break;
		if (j == n)
			return err_set(e, ERR_PACKAGE_INVALID,
				       "entry 'attachments/%s' is named by no Attachment element",
				       shown(pkg->entries[i].name, nb, sizeof(nb)));
	}
	for (size_t j = 0; j < n; j++) {
		const struct package_entry *ent = NULL;
		for (size_t i = 0; i < pkg->n_entries; i++)
			if (strcmp(atts[j].name, pkg->entries[i].name) == 0)
				ent = &pkg->entries[i];
		if (ent == NULL)
			results[j] = ERR_ATTACHMENT_MISSING;
		else if (ent->size != atts[j].size || strcasecmp(ent->sha256, atts[j].sha256) != 0)
			results[j] = ERR_ATTACHMENT_MISMATCH;
		else
			results[j] = ERR_NONE;
	}
	return 0;
}

/*
 * Copy the file at path into the archive as entry name; with sha256, the
 * bytes copied must hash to it (a damaged store blob is not sent).
 */
static int write_entry(struct archive *a, const char *name, const char *path,
		       const char *sha256, unsigned char *buf, size_t bufsize,
		       struct err *e)
{
	struct archive_entry *en = NULL;
	struct digest *md = NULL;
	unsigned char digest[DIGEST_LEN];
	char hex[65];
	struct stat st;
	int fd, rc = -1, done;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		err_sys(e, ERR_IO, "cannot stat '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, ERR_IO, "'%s' is not a regular file", path);
		goto out;
	}
	en = archive_entry_new();
	if (en == NULL) {
		err_set(e, ERR_INTERNAL, "cannot allocate an archive entry");
		goto out;
	}
	if (digest_new(&md, e) < 0)
		goto out;
	archive_entry_set_pathname(en, name);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_size(en, st.st_size);
	archive_entry_set_mtime(en, st.st_mtime, 0);
	if (archive_write_header(a, en) != ARCHIVE_OK) {
		err_set(e, ERR_INTERNAL, "cannot write zip entry '%s': %s", name,
			archive_error_string(a));
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf, bufsize);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_sys(e, ERR_IO, "cannot read '%s'", path);
			goto out;
		}
		if (got == 0)
			break;
		if (digest_update(md, buf, (size_t)got, e) < 0)
			goto out;
		if (archive_write_data(a, buf, (size_t)got) != got) {
			err_set(e, ERR_INTERNAL, "cannot write zip entry '%s': %s", name,
				archive_error_string(a));
			goto out;
		}
	}
	done = digest_final(md, digest, e);
	md = NULL;
	if (done < 0)
		goto out;
	hex_encode(digest, DIGEST_LEN, hex);
	if (sha256 != NULL && strcasecmp(hex, sha256) != 0) {
		err_set(e, ERR_IO, "store blob '%s' does not hash to its name", path);
		goto out;
	}
	if (archive_write_finish_entry(a) != ARCHIVE_OK) {
		err_set(e, ERR_INTERNAL, "cannot finish zip entry '%s': %s", name,
			archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	digest_free(md);
	archive_entry_free(en);
	close(fd);
	return rc;
}

int package_write_fd(int fd, const char *shown, const char *payload_path,
		     const char *store_dir, const struct package_attachment *atts, size_t n,
		     struct err *e)
{
	char blob[PATH_MAX], name[PATH_MAX];
	struct archive *a = NULL;
	unsigned char *buf = NULL;
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		if (!name_ok(atts[i].name)) {
			err_set(e, ERR_INTERNAL, "'%.200s' is not an attachment name", atts[i].name);
			goto out;
		}
	buf = malloc(CHUNK);
	if (buf == NULL) {
		err_sys(e, ERR_INTERNAL, "cannot allocate a copy buffer");
		goto out;
	}
	a = archive_write_new();
	if (a == NULL || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_zip_set_compression_deflate(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		err_set(e, ERR_INTERNAL, "cannot set up the zip writer: %s",
			a ? archive_error_string(a) : "out of memory");
		goto out;
	}
	if (write_entry(a, PAYLOAD_NAME, payload_path, NULL, buf, CHUNK, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (package_store_path(store_dir, atts[i].sha256, blob, sizeof(blob), e) < 0)
			goto out;
		snprintf(name, sizeof(name), "%s%s", ATTACHMENTS_DIR, atts[i].name);
		if (write_entry(a, name, blob, atts[i].sha256, buf, CHUNK, e) < 0)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		err_set(e, ERR_IO, "cannot finish '%s': %s", shown, archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	if (a != NULL)
		archive_write_free(a);
	free(buf);
	return rc;
}
