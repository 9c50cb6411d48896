#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "formats/package.h"

struct fixture {
	char dir[64];
	char store[128];
	char payload[128];
	char out[128];
	struct config c;
};


/* package_write_fd into a new file at path, as the dispatch stage does through the spool */
static int write_package(const char *path, const char *payload, const char *store,
			 const struct package_attachment *atts, size_t n, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return err_sys(e, ERR_IO, "cannot create '%s'", path);
	rc = package_write_fd(fd, path, payload, store, atts, n, e);
	close(fd);
	if (rc != 0)
		unlink(path);
	return rc;
}

static const char payload_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<ComplaintBatch xmlns=\"urn:slktx:exchange:1\" schemaVersion=\"1.0\"/>\n";
static const char blob_a[] = "%PDF-1.4\n%%EOF\n";
static const unsigned char blob_b[] = { 0x89, 'P', 'N', 'G', 0, 1, 2, 3, 0 };

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Put data into the store by hand, as a previous package_read would. */
static void put_blob(const char *store, const void *data, size_t n, char sha[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	char path[256];

	assert_int_equal(EVP_Digest(data, n, md, &len, EVP_sha256(), NULL), 1);
	for (int i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", md[i]);
	snprintf(path, sizeof(path), "%s/%.2s", store, sha);
	mkdir(path, 0750);
	assert_int_equal(package_store_path(store, sha, path, sizeof(path), NULL), 0);
	write_file(path, data, n);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_package.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->store, sizeof(f->store), "%s/store", f->dir);
	snprintf(f->payload, sizeof(f->payload), "%s/payload.xml", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/out.zip", f->dir);
	assert_int_equal(mkdir(f->store, 0750), 0);
	write_file(f->payload, payload_xml, strlen(payload_xml));
	f->c.limits.max_attachment_size = 10 << 20;
	f->c.limits.max_package_size = 200 << 20;
	f->c.limits.max_compression_ratio = 100;
	f->c.limits.max_package_entries = 1000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* How many names dir holds, hidden ones included. */
static int count_files(const char *dir)
{
	char cmd[256];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void test_write_read_round_trip(void **state)
{
	struct fixture *f = *state;
	char sha_a[65], sha_b[65], store2[160];
	struct package_attachment atts[2] = {
		{ .record = "r1", .name = "surat.pdf", .sha256 = sha_a, .size = sizeof(blob_a) - 1 },
		{ .record = "r2", .name = "foto.png", .sha256 = sha_b, .size = sizeof(blob_b) },
	};
	enum err_code results[2];
	struct package pkg;
	struct archive *a;
	struct archive_entry *en;
	struct err e;

	put_blob(f->store, blob_a, sizeof(blob_a) - 1, sha_a);
	put_blob(f->store, blob_b, sizeof(blob_b), sha_b);
	assert_int_equal(write_package(f->out, f->payload, f->store, atts, 2, &e), 0);
	assert_int_equal(count_files(f->dir), 3); /* store, payload.xml, out.zip */

	/* payload.xml comes first */
	a = archive_read_new();
	archive_read_support_format_zip_seekable(a);
	assert_int_equal(archive_read_open_filename(a, f->out, 4096), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &en), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(en), "payload.xml");
	archive_read_free(a);

	/* read back into a fresh store: same bytes, same hashes */
	snprintf(store2, sizeof(store2), "%s/store2", f->dir);
	assert_int_equal(mkdir(store2, 0750), 0);
	assert_int_equal(package_read(f->out, store2, &f->c, &pkg, &e), 0);
	assert_int_equal(pkg.payload_size, strlen(payload_xml));
	assert_memory_equal(pkg.payload, payload_xml, pkg.payload_size);
	assert_int_equal(pkg.n_entries, 2);
	assert_string_equal(pkg.entries[0].name, "surat.pdf");
	assert_string_equal(pkg.entries[0].sha256, sha_a);
	assert_int_equal(pkg.entries[0].size, sizeof(blob_a) - 1);
	assert_string_equal(pkg.entries[1].name, "foto.png");
	assert_string_equal(pkg.entries[1].sha256, sha_b);
	assert_int_equal(package_match(&pkg, atts, 2, results, &e), 0);
	assert_int_equal(results[0], ERR_NONE);
	assert_int_equal(results[1], ERR_NONE);

	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cmp '%s/%.2s/%s' '%s/%.2s/%s' && cmp '%s/%.2s/%s' '%s/%.2s/%s'",
		 f->store, sha_a, sha_a, store2, sha_a, sha_a,
		 f->store, sha_b, sha_b, store2, sha_b, sha_b);
	assert_int_equal(system(cmd), 0);
	package_free(&pkg);
}

static void test_match_results(void **state)
{
	struct fixture *f = *state;
	char sha_a[65], sha_b[65], wrong[65];
	struct package_attachment one = { .record = "r1", .name = "surat.pdf", .sha256 = sha_a,
					  .size = sizeof(blob_a) - 1 };
	struct package_attachment atts[3];
	enum err_code results[3];
	struct package pkg;
	struct err e;

	put_blob(f->store, blob_a, sizeof(blob_a) - 1, sha_a);
	put_blob(f->store, blob_b, sizeof(blob_b), sha_b);
	assert_int_equal(write_package(f->out, f->payload, f->store, &one, 1, &e), 0);
	assert_int_equal(package_read(f->out, f->store, &f->c, &pkg, &e), 0);

	memset(wrong, 'a', 64);
	wrong[64] = '\0';
	atts[0] = one;
	atts[1] = (struct package_attachment){ .record = "r2", .name = "foto.png",
					       .sha256 = sha_b, .size = sizeof(blob_b) };
	atts[2] = (struct package_attachment){ .record = "r3", .name = "surat.pdf",
					       .sha256 = wrong, .size = sizeof(blob_a) - 1 };
	assert_int_equal(package_match(&pkg, atts, 3, results, &e), 0);
	assert_int_equal(results[0], ERR_NONE);
	assert_int_equal(results[1], ERR_ATTACHMENT_MISSING);
	assert_int_equal(results[2], ERR_ATTACHMENT_MISMATCH);
	atts[2].sha256 = sha_a;
	atts[2].size++;
	assert_int_equal(package_match(&pkg, atts, 3, results, &e), 0);
	assert_int_equal(results[2], ERR_ATTACHMENT_MISMATCH);

	/* an entry no element names rejects the whole package */
	assert_int_equal(package_match(&pkg, atts + 1, 1, results, &e), -1);
	assert_int_equal(e.code, ERR_PACKAGE_INVALID);
	assert_non_null(strstr(e.msg, "attachments/surat.pdf"));
	package_free(&pkg);
}

static void test_write_failures_leave_nothing(void **state)
{
	struct fixture *f = *state;
	char sha_a[65];
	struct package_attachment bad = { .name = "../x.pdf", .sha256 = sha_a };
	struct package_attachment absent = { .name = "x.pdf",
		.sha256 = "0000000000000000000000000000000000000000000000000000000000000000" };
	struct err e;

	put_blob(f->store, blob_a, sizeof(blob_a) - 1, sha_a);
	assert_int_equal(write_package(f->out, f->payload, f->store, &bad, 1, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_int_equal(write_package(f->out, f->payload, f->store, &absent, 1, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "cannot open"));
	assert_int_equal(count_files(f->dir), 2); /* store, payload.xml: no out.zip, no temp */

	/* a damaged blob is not sent */
	char path[256];
	struct package_attachment damaged = { .name = "surat.pdf", .sha256 = sha_a };
	assert_int_equal(package_store_path(f->store, sha_a, path, sizeof(path), &e), 0);
	write_file(path, "tampered", 8);
	assert_int_equal(write_package(f->out, f->payload, f->store, &damaged, 1, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "does not hash"));
	assert_int_equal(count_files(f->dir), 2);
}

static void test_read_refuses_non_zip(void **state)
{
	struct fixture *f = *state;
	struct package pkg;
	struct err e;

	assert_int_equal(package_read(f->payload, f->store, &f->c, &pkg, &e), -1);
	assert_int_equal(e.code, ERR_PACKAGE_INVALID);
	assert_null(pkg.payload);
	assert_int_equal(package_read(f->store, f->store, &f->c, &pkg, &e), -1);
	assert_int_equal(e.code, ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failures_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_refuses_non_zip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
