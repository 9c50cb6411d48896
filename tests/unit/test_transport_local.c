#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/transport.h"

struct fixture {
	char top[PATH_MAX];
	struct config cfg;
	struct transport *t;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	snprintf(f->top, sizeof(f->top), "%s/test_transport_local.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(f->top) == NULL)
		return -1;
	strcpy(f->cfg.transport.type, "local");
	snprintf(f->cfg.transport.root, sizeof(f->cfg.transport.root), "%.4000s/exchange", f->top);
	strcpy(f->cfg.transport.intake_outbound, "/slkt/outbound");
	strcpy(f->cfg.transport.intake_inbound, "/slkt/inbound");
	strcpy(f->cfg.transport.pujk_root, "/pujk");
	strcpy(f->cfg.transport.after_fetch, "delete");
	strcpy(f->cfg.transport.move_to, "/processed");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[PATH_MAX + 16];

	transport_close(f->t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static struct transport *opened(struct fixture *f)
{
	struct err e;

	assert_int_equal(transport_open(&f->t, &f->cfg, &e), 0);
	return f->t;
}

/* path of rel below the top directory */
static const char *at(struct fixture *f, const char *rel)
{
	static char buf[4][PATH_MAX * 2];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", f->top, rel);
	return buf[i];
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void test_open_picks_the_type(void **state)
{
	struct fixture *f = *state;
	struct transport *t;
	struct err e;

	strcpy(f->cfg.transport.type, "sftp");
	assert_int_equal(transport_open(&t, &f->cfg, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	strcpy(f->cfg.transport.type, "ftp");
	assert_int_equal(transport_open(&t, &f->cfg, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_non_null(strstr(e.msg, "'ftp'"));
	strcpy(f->cfg.transport.type, "local");
	strcpy(f->cfg.transport.after_fetch, "keep");
	assert_int_equal(transport_open(&t, &f->cfg, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	strcpy(f->cfg.transport.after_fetch, "move");
	strcpy(f->cfg.transport.move_to, "/../x");
	assert_int_equal(transport_open(&t, &f->cfg, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	strcpy(f->cfg.transport.after_fetch, "delete");
	opened(f);
	assert_true(exists(at(f, "exchange")));
}

static void test_names_are_checked_before_the_disk(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	unsigned char sha[32];
	struct remote_list l;
	int64_t size;
	struct err e;

	assert_true(remote_name_ok("RSP_BANKA_20261128_000001.xml.p7s"));
	assert_false(remote_name_ok(".RSP.part"));
	assert_false(remote_name_ok("a/b"));
	assert_false(remote_name_ok(".."));
	assert_false(remote_name_ok("a b"));
	assert_false(remote_name_ok(""));
	assert_true(remote_dir_ok("/pujk/BANKA/upload"));
	assert_false(remote_dir_ok("pujk/BANKA/upload"));
	assert_false(remote_dir_ok("/pujk/../../etc"));
	assert_false(remote_dir_ok("/pujk//upload"));
	assert_false(remote_dir_ok("/"));

	assert_int_equal(t->ops->list(t, "/pujk/../..", &l, &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	remote_list_free(&l);
	assert_int_equal(t->ops->fetch(t, "/pujk/BANKA/upload", "../../../etc/passwd",
				       at(f, "got"), INT64_MAX, sha, &size, &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	assert_false(exists(at(f, "got")));
	put(at(f, "out.xml"), "x");
	assert_int_equal(t->ops->push(t, at(f, "out.xml"), "/pujk/BANKA/download", "../up.xml", &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	assert_int_equal(t->ops->remove(t, "/pujk/BANKA/upload", "a/../../b", &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
}

static void test_list_gives_regular_files_and_reports_the_rest(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	struct remote_list l;
	struct err e;

	/* a folder of the layout is laid out on first use */
	assert_int_equal(t->ops->list(t, "/pujk/BANKA/upload", &l, &e), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.n_ignored, 0);
	remote_list_free(&l);

	put(at(f, "exchange/pujk/BANKA/upload/RSP_BANKA_20261128_000002.xml"), "two");
	put(at(f, "exchange/pujk/BANKA/upload/RSP_BANKA_20261128_000001.xml"), "first");
	put(at(f, "exchange/pujk/BANKA/upload/.RSP_BANKA_20261128_000003.xml.part"), "in transit");
	put(at(f, "exchange/pujk/BANKA/upload/bad name.xml"), "n");
	assert_int_equal(symlink("/etc/passwd", at(f, "exchange/pujk/BANKA/upload/RSP_BANKA_20261128_000009.xml")), 0);
	assert_int_equal(mkdir(at(f, "exchange/pujk/BANKA/upload/sub"), 0700), 0);
	assert_int_equal(mkfifo(at(f, "exchange/pujk/BANKA/upload/fifo.xml"), 0600), 0);

	assert_int_equal(t->ops->list(t, "/pujk/BANKA/upload", &l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "RSP_BANKA_20261128_000001.xml");
	assert_int_equal(l.v[0].size, 5);
	assert_true(l.v[0].mtime > 1700000000);
	assert_int_equal(l.v[0].type, REMOTE_FILE);
	assert_string_equal(l.v[1].name, "RSP_BANKA_20261128_000002.xml");
	assert_int_equal(l.n_ignored, 5);
	assert_string_equal(l.ignored[0].name, ".RSP_BANKA_20261128_000003.xml.part");
	assert_int_equal(l.ignored[0].type, REMOTE_FILE);
	assert_string_equal(l.ignored[1].name, "RSP_BANKA_20261128_000009.xml");
	assert_int_equal(l.ignored[1].type, REMOTE_LINK);
	assert_string_equal(remote_type_name(l.ignored[1].type), "a symbolic link");
	assert_string_equal(l.ignored[2].name, "bad name.xml");
	assert_string_equal(l.ignored[3].name, "fifo.xml");
	assert_int_equal(l.ignored[3].type, REMOTE_FIFO);
	assert_string_equal(l.ignored[4].name, "sub");
	assert_int_equal(l.ignored[4].type, REMOTE_DIR);
	assert_string_equal(remote_type_name(l.ignored[4].type), "a directory");
	remote_list_free(&l);

	/* outside the layout nothing is created */
	assert_int_equal(t->ops->list(t, "/elsewhere", &l, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	remote_list_free(&l);
	assert_false(exists(at(f, "exchange/elsewhere")));
	assert_int_equal(t->ops->list(t, "/pujk/BANKA/other", &l, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	remote_list_free(&l);
}

static void test_fetch_copies_and_hashes(void **state)
{
	/* sha256 of "hello\n" */
	static const unsigned char want[32] = {
		0x58, 0x91, 0xb5, 0xb5, 0x22, 0xd5, 0xdf, 0x08, 0x6d, 0x0f, 0xf0, 0xb1, 0x10, 0xfb, 0xd9, 0xd2,
		0x1b, 0xb4, 0xfc, 0x71, 0x63, 0xaf, 0x34, 0xd0, 0x82, 0x86, 0xa2, 0xe8, 0x46, 0xf6, 0xbe, 0x03,
	};
	struct fixture *f = *state;
	struct transport *t = opened(f);
	struct remote_list l;
	unsigned char sha[32];
	struct stat st;
	int64_t size = -1;
	struct err e;

	assert_int_equal(t->ops->list(t, "/slkt/outbound", &l, &e), 0);
	remote_list_free(&l);
	put(at(f, "exchange/slkt/outbound/CB_OJK_20261128_000001.xml"), "hello\n");
	assert_int_equal(t->ops->fetch(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml",
				       at(f, "got.xml"), INT64_MAX, sha, &size, &e), 0);
	assert_int_equal(size, 6);
	assert_memory_equal(sha, want, 32);
	assert_string_equal(slurp(at(f, "got.xml")), "hello\n");
	assert_int_equal(stat(at(f, "got.xml"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the source stays until remove */
	assert_true(exists(at(f, "exchange/slkt/outbound/CB_OJK_20261128_000001.xml")));

	/* the local file is created exclusively: never written over */
	put(at(f, "taken.xml"), "mine");
	assert_int_equal(t->ops->fetch(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml",
				       at(f, "taken.xml"), INT64_MAX, sha, &size, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_string_equal(slurp(at(f, "taken.xml")), "mine");

	assert_int_equal(t->ops->fetch(t, "/slkt/outbound", "CB_OJK_20261128_000002.xml",
				       at(f, "none.xml"), INT64_MAX, sha, &size, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_false(exists(at(f, "none.xml")));
}

static void test_fetch_never_follows_a_symlink(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	struct remote_list l;
	unsigned char sha[32];
	int64_t size;
	struct err e;

	assert_int_equal(t->ops->list(t, "/pujk/BANKA/upload", &l, &e), 0);
	remote_list_free(&l);
	put(at(f, "secret"), "do not read");
	assert_int_equal(symlink(at(f, "secret"), at(f, "exchange/pujk/BANKA/upload/RSP_BANKA_20261128_000001.xml")), 0);
	assert_int_equal(t->ops->fetch(t, "/pujk/BANKA/upload", "RSP_BANKA_20261128_000001.xml",
				       at(f, "got.xml"), INT64_MAX, sha, &size, &e), -1);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_false(exists(at(f, "got.xml")));

	/* nor a symlinked folder on the way */
	assert_int_equal(mkdir(at(f, "elsewhere"), 0700), 0);
	assert_int_equal(mkdir(at(f, "exchange/pujk/BANKB"), 0700), 0);
	assert_int_equal(symlink(at(f, "elsewhere"), at(f, "exchange/pujk/BANKB/upload")), 0);
	put(at(f, "elsewhere/RSP_BANKB_20261128_000001.xml"), "x");
	assert_int_equal(t->ops->fetch(t, "/pujk/BANKB/upload", "RSP_BANKB_20261128_000001.xml",
				       at(f, "got.xml"), INT64_MAX, sha, &size, &e), -1);
	assert_non_null(strstr(e.msg, "not a directory"));
	assert_false(exists(at(f, "got.xml")));
}

/* A sparse 3 GB file over a 1 MiB limit: refused at once, 64 KiB kept. */
static void test_fetch_over_max_keeps_only_its_head(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	const char *src = at(f, "exchange/slkt/outbound/CB_OJK_20261128_000001.xml");
	struct remote_list l;
	unsigned char sha[32];
	struct stat st;
	int64_t size = 0;
	struct err e;
	int fd;

	assert_int_equal(t->ops->list(t, "/slkt/outbound", &l, &e), 0);
	remote_list_free(&l);
	fd = open(src, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "<?xml", 5), 5);
	assert_int_equal(ftruncate(fd, (off_t)3 << 30), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(t->ops->fetch(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml",
				       at(f, "got.xml"), 1 << 20, sha, &size, &e), -1);
	assert_int_equal(e.code, ERR_LIMIT_EXCEEDED);
	assert_int_equal(size, (int64_t)3 << 30);
	assert_int_equal(stat(at(f, "got.xml"), &st), 0);
	assert_int_equal(st.st_size, TRANSPORT_HEAD);
	/* at the limit exactly is within it */
	assert_int_equal(truncate(src, 1 << 20), 0);
	assert_int_equal(t->ops->fetch(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml",
				       at(f, "whole.xml"), 1 << 20, sha, &size, &e), 0);
	assert_int_equal(size, 1 << 20);
}

struct grower {
	const char *path;
	volatile int stop;
};

static void *grow(void *arg)
{
	struct grower *g = arg;
	char block[4096];
	int fd = open(g->path, O_WRONLY | O_APPEND);

	memset(block, 'g', sizeof(block));
	while (fd >= 0 && !g->stop)
		if (write(fd, block, sizeof(block)) < 0)
			break;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void test_fetch_of_a_growing_file_fails(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	const char *src = at(f, "exchange/slkt/outbound/CB_OJK_20261128_000001.xml");
	struct remote_list l;
	unsigned char sha[32];
	char local[64];
	int64_t size;
	struct err e;
	int changed = 0;

	assert_int_equal(t->ops->list(t, "/slkt/outbound", &l, &e), 0);
	remote_list_free(&l);
	{
		/* large enough that the copy takes a while */
		FILE *fp = fopen(src, "w");
		static char block[1 << 16];

		assert_non_null(fp);
		for (int i = 0; i < 128; i++)
			assert_int_equal(fwrite(block, 1, sizeof(block), fp), sizeof(block));
		assert_int_equal(fclose(fp), 0);
	}
	/* the sender is still writing while the hub fetches: try a few times,
	 * since a scheduler may in principle let one fetch slip between writes */
	for (int attempt = 0; attempt < 10 && !changed; attempt++) {
		struct grower g = { .path = src, .stop = 0 };
		struct stat st0, st;
		pthread_t th;
		int rc;

		assert_int_equal(stat(src, &st0), 0);
		assert_int_equal(pthread_create(&th, NULL, grow, &g), 0);
		do
			assert_int_equal(stat(src, &st), 0);
		while (st.st_size == st0.st_size);
		snprintf(local, sizeof(local), "got-%d.xml", attempt);
		rc = t->ops->fetch(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", at(f, local), INT64_MAX, sha,
				   &size, &e);
		g.stop = 1;
		assert_int_equal(pthread_join(th, NULL), 0);
		if (rc < 0) {
			assert_int_equal(e.code, ERR_IO);
			assert_non_null(strstr(e.msg, "changed while fetched"));
			assert_false(exists(at(f, local)));
			changed = 1;
		}
	}
	assert_true(changed);
}

static void test_push_delivers_once(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	const char *remote = at(f, "exchange/pujk/BANKA/download/DSP_BANKA_20261128_000001.xml");
	struct stat st;
	struct err e;

	put(at(f, "dsp.xml"), "dispatch");
	/* the PUJK's download folder is laid out by the local transport */
	assert_int_equal(t->ops->push(t, at(f, "dsp.xml"), "/pujk/BANKA/download",
				      "DSP_BANKA_20261128_000001.xml", &e), 0);
	assert_string_equal(slurp(remote), "dispatch");
	assert_int_equal(stat(remote, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_false(exists(at(f, "exchange/pujk/BANKA/download/.DSP_BANKA_20261128_000001.xml.part")));

	/* the same bytes again: delivered already */
	assert_int_equal(t->ops->push(t, at(f, "dsp.xml"), "/pujk/BANKA/download",
				      "DSP_BANKA_20261128_000001.xml", &e), 0);
	/* other bytes under that name: never replaced */
	put(at(f, "other.xml"), "something else");
	assert_int_equal(t->ops->push(t, at(f, "other.xml"), "/pujk/BANKA/download",
				      "DSP_BANKA_20261128_000001.xml", &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "DSP_BANKA_20261128_000001.xml"));
	assert_non_null(strstr(e.msg, "other content"));
	assert_string_equal(slurp(remote), "dispatch");
	assert_false(exists(at(f, "exchange/pujk/BANKA/download/.DSP_BANKA_20261128_000001.xml.part")));

	/* a .part left by a push that crashed is started again */
	put(at(f, "exchange/pujk/BANKA/download/.DSP_BANKA_20261128_000002.xml.part"), "half");
	assert_int_equal(t->ops->push(t, at(f, "other.xml"), "/pujk/BANKA/download",
				      "DSP_BANKA_20261128_000002.xml", &e), 0);
	assert_string_equal(slurp(at(f, "exchange/pujk/BANKA/download/DSP_BANKA_20261128_000002.xml")),
			    "something else");
	assert_false(exists(at(f, "exchange/pujk/BANKA/download/.DSP_BANKA_20261128_000002.xml.part")));

	/* a folder outside the layout is not made up */
	assert_int_equal(t->ops->push(t, at(f, "dsp.xml"), "/nowhere", "DSP_BANKA_20261128_000001.xml", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_false(exists(at(f, "exchange/nowhere")));
	/* and the local side must be a regular file */
	assert_int_equal(symlink(at(f, "dsp.xml"), at(f, "link.xml")), 0);
	assert_int_equal(t->ops->push(t, at(f, "link.xml"), "/pujk/BANKA/download",
				      "DSP_BANKA_20261128_000003.xml", &e), -1);
	assert_false(exists(at(f, "exchange/pujk/BANKA/download/DSP_BANKA_20261128_000003.xml")));
}

static void test_remove_deletes(void **state)
{
	struct fixture *f = *state;
	struct transport *t = opened(f);
	const char *src = at(f, "exchange/slkt/outbound/CB_OJK_20261128_000001.xml");
	struct remote_list l;
	struct err e;

	assert_int_equal(t->ops->list(t, "/slkt/outbound", &l, &e), 0);
	remote_list_free(&l);
	put(src, "x");
	assert_int_equal(t->ops->remove(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", &e), 0);
	assert_false(exists(src));
	/* gone already */
	assert_int_equal(t->ops->remove(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", &e), 0);
	assert_false(exists(at(f, "exchange/processed")));
}

static void test_remove_moves_with_after_fetch_move(void **state)
{
	struct fixture *f = *state;
	struct transport *t;
	const char *src = at(f, "exchange/slkt/outbound/CB_OJK_20261128_000001.xml");
	struct remote_list l;
	struct err e;

	strcpy(f->cfg.transport.after_fetch, "move");
	t = opened(f);
	assert_int_equal(t->ops->list(t, "/slkt/outbound", &l, &e), 0);
	remote_list_free(&l);
	put(src, "first");
	assert_int_equal(t->ops->remove(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", &e), 0);
	assert_false(exists(src));
	assert_string_equal(slurp(at(f, "exchange/processed/CB_OJK_20261128_000001.xml")), "first");
	/* the same name sent again is kept beside the first */
	put(src, "again");
	assert_int_equal(t->ops->remove(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", &e), 0);
	assert_false(exists(src));
	assert_string_equal(slurp(at(f, "exchange/processed/CB_OJK_20261128_000001.xml")), "first");
	assert_string_equal(slurp(at(f, "exchange/processed/CB_OJK_20261128_000001.xml.1")), "again");
	put(src, "third");
	assert_int_equal(t->ops->remove(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", &e), 0);
	assert_string_equal(slurp(at(f, "exchange/processed/CB_OJK_20261128_000001.xml.2")), "third");
	assert_int_equal(t->ops->remove(t, "/slkt/outbound", "CB_OJK_20261128_000001.xml", &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_picks_the_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_are_checked_before_the_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_gives_regular_files_and_reports_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_copies_and_hashes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_never_follows_a_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_over_max_keeps_only_its_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_of_a_growing_file_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_delivers_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_moves_with_after_fetch_move, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
