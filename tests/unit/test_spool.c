#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spool/spool.h"

struct fixture {
	char top[PATH_MAX];   /* the mkdtemp directory */
	char dir[PATH_MAX + 16]; /* top/var/spool */
	struct spool *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	snprintf(f->top, sizeof(f->top), "%s/test_spool.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(f->top) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/var/spool", f->top);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[PATH_MAX + 16];

	spool_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* open and lock the fixture's spool */
static struct spool *locked(struct fixture *f)
{
	struct err e;

	assert_int_equal(spool_open(&f->s, f->dir, &e), 0);
	assert_int_equal(spool_lock(f->s, &e), 0);
	return f->s;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *slurp(const char *dir, const char *rel)
{
	static char buf[4096];
	char path[PATH_MAX * 2];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int exists(const char *dir, const char *rel)
{
	char path[PATH_MAX * 3];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return lstat(path, &st) == 0;
}

/* a file in tmp/ holding text, committed to dest/name */
static int commit_text(struct spool *s, const char *dest, const char *name, const char *text,
		       char tmpname[SPOOL_NAME_MAX], struct err *e)
{
	int fd = spool_tmp_create(s, tmpname, e);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return spool_tmp_commit(s, fd, tmpname, dest, name, e);
}

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };

	return (int64_t)timegm(&tm);
}

static void test_tree_is_owner_only_whatever_the_umask(void **state)
{
	static const char *const dirs[] = { "", "/tmp", "/inbox", "/archive", "/quarantine",
					    "/outbox", "/sent", "/attachments", "/reports" };
	struct fixture *f = *state;
	mode_t old = umask(0277); /* would leave r-x------ without the chmod */
	struct err e;
	int rc = spool_open(&f->s, f->dir, &e);

	umask(old);
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[PATH_MAX * 2];
		struct stat st;

		snprintf(path, sizeof(path), "%s%s", f->dir, dirs[i]);
		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0700);
	}
	assert_string_equal(spool_dir(f->s), f->dir);
}

static void test_lock_cleans_tmp_leftovers(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX * 2];
	struct err e;

	assert_int_equal(spool_open(&f->s, f->dir, &e), 0);
	put(f->dir, "tmp/t1-1-1", "half a file");
	put(f->dir, "tmp/t1-1-2", "");
	snprintf(path, sizeof(path), "%s/tmp/dir", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/tmp/link", f->dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	put(f->dir, "inbox/keep.xml", "kept");
	/* the leftovers belong to whoever holds the lock: opening alone removes nothing */
	assert_true(exists(f->dir, "tmp/t1-1-1"));
	assert_int_equal(spool_lock(f->s, &e), 0);
	assert_int_equal(spool_tmp_cleaned(f->s), 3);
	assert_false(exists(f->dir, "tmp/t1-1-1"));
	assert_false(exists(f->dir, "tmp/t1-1-2"));
	assert_false(exists(f->dir, "tmp/link"));
	assert_true(exists(f->dir, "tmp/dir"));
	assert_true(exists(f->dir, "inbox/keep.xml"));
	assert_true(exists("/etc", "passwd"));
}

static void test_second_lock_is_transient(void **state)
{
	struct fixture *f = *state;
	struct spool *other;
	struct err e;

	locked(f);
	assert_int_equal(spool_open(&other, f->dir, &e), 0);
	assert_int_equal(spool_lock(other, &e), -1);
	assert_int_equal(e.code, ERR_TRANSIENT);
	assert_non_null(strstr(e.msg, "another slktx run holds the lock on '"));
	spool_close(other);
	/* released with the spool */
	spool_close(f->s);
	f->s = NULL;
	assert_int_equal(spool_open(&other, f->dir, &e), 0);
	assert_int_equal(spool_lock(other, &e), 0);
	spool_close(other);
}

static void test_changes_need_the_lock(void **state)
{
	struct fixture *f = *state;
	char name[SPOOL_NAME_MAX];
	struct err e;

	assert_int_equal(spool_open(&f->s, f->dir, &e), 0);
	put(f->dir, "inbox/a.xml", "a");
	assert_int_equal(spool_tmp_create(f->s, name, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_int_equal(spool_move(f->s, "inbox/a.xml", "archive", &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_int_equal(spool_quarantine(f->s, "inbox/a.xml", "x", NULL, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_true(exists(f->dir, "inbox/a.xml"));
}

static void test_commit_makes_the_file_visible_once(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	char tmpname[SPOOL_NAME_MAX], path[PATH_MAX * 2];
	struct spool_list l;
	struct stat st;
	struct err e;

	assert_int_equal(commit_text(s, "inbox", "CB_OJK_20261128_000001.xml", "<a/>", tmpname, &e), 0);
	assert_string_equal(slurp(f->dir, "inbox/CB_OJK_20261128_000001.xml"), "<a/>");
	snprintf(path, sizeof(path), "%s/inbox/CB_OJK_20261128_000001.xml", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(spool_list(s, "tmp", &l, &e), 0);
	assert_int_equal(l.n, 0);
	spool_list_free(&l);

	/* the same bytes again: delivered already, the tmp file goes */
	assert_int_equal(commit_text(s, "inbox", "CB_OJK_20261128_000001.xml", "<a/>", tmpname, &e), 0);
	assert_int_equal(spool_list(s, "tmp", &l, &e), 0);
	assert_int_equal(l.n, 0);
	spool_list_free(&l);

	/* other bytes: never replaced, the caller keeps its tmp file */
	assert_int_equal(commit_text(s, "inbox", "CB_OJK_20261128_000001.xml", "<b/>", tmpname, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "other content is already there"));
	assert_non_null(strstr(e.msg, "CB_OJK_20261128_000001.xml"));
	assert_string_equal(slurp(f->dir, "inbox/CB_OJK_20261128_000001.xml"), "<a/>");
	assert_int_equal(spool_list(s, "tmp", &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.names[0], tmpname);
	spool_list_free(&l);
	spool_tmp_abandon(s, -1, tmpname);
	assert_int_equal(spool_list(s, "tmp", &l, &e), 0);
	assert_int_equal(l.n, 0);
	spool_list_free(&l);
}

static void test_commit_creates_dated_dirs_and_refuses_unsafe_names(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	char tmpname[SPOOL_NAME_MAX], dated[SPOOL_PATH_MAX];
	struct err e;
	int fd;

	spool_dated_dir(dated, SPOOL_SENT, utc(2026, 11, 28, 10, 0));
	assert_int_equal(commit_text(s, dated, "DSP_BANKA_20261128_000001.xml", "x", tmpname, &e), 0);
	assert_true(exists(f->dir, "sent/2026/11/28/DSP_BANKA_20261128_000001.xml"));

	fd = spool_tmp_create(s, tmpname, &e);
	assert_true(fd >= 0);
	assert_int_equal(spool_tmp_commit(s, fd, tmpname, "inbox", "../escape", &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	fd = spool_tmp_create(s, tmpname, &e);
	assert_int_equal(spool_tmp_commit(s, fd, tmpname, "inbox/../..", "x", &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	fd = spool_tmp_create(s, tmpname, &e);
	assert_int_equal(spool_tmp_commit(s, fd, tmpname, "elsewhere", "x", &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	fd = spool_tmp_create(s, tmpname, &e);
	assert_int_equal(spool_tmp_commit(s, fd, tmpname, "inbox", ".hidden", &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
	assert_false(exists(f->top, "escape"));
}

static void test_symlinked_dirs_are_never_followed(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	char tmpname[SPOOL_NAME_MAX], path[PATH_MAX * 2], outside[PATH_MAX * 2];
	struct err e;

	snprintf(outside, sizeof(outside), "%s/outside", f->top);
	assert_int_equal(mkdir(outside, 0700), 0);
	snprintf(path, sizeof(path), "%s/archive/2026", f->dir);
	assert_int_equal(symlink(outside, path), 0);
	assert_int_equal(commit_text(s, "archive/2026/11/28", "a.xml", "x", tmpname, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "not a directory"));
	assert_false(exists(outside, "11"));
}

static void test_move_and_its_replay(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	struct err e;

	put(f->dir, "inbox/RSP_BANKA_20261128_000001.xml", "r");
	assert_int_equal(spool_move(s, "inbox/RSP_BANKA_20261128_000001.xml", "archive/2026/11/28", &e), 0);
	assert_false(exists(f->dir, "inbox/RSP_BANKA_20261128_000001.xml"));
	assert_string_equal(slurp(f->dir, "archive/2026/11/28/RSP_BANKA_20261128_000001.xml"), "r");
	/* a run that crashed after the rename makes it again: done already */
	assert_int_equal(spool_move(s, "inbox/RSP_BANKA_20261128_000001.xml", "archive/2026/11/28", &e), 0);
	/* never there at all */
	assert_int_equal(spool_move(s, "inbox/nothing.xml", "archive/2026/11/28", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* another file of that name is never replaced */
	put(f->dir, "inbox/RSP_BANKA_20261128_000001.xml", "other");
	assert_int_equal(spool_move(s, "inbox/RSP_BANKA_20261128_000001.xml", "archive/2026/11/28", &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "another file is already there"));
	assert_string_equal(slurp(f->dir, "archive/2026/11/28/RSP_BANKA_20261128_000001.xml"), "r");
	assert_string_equal(slurp(f->dir, "inbox/RSP_BANKA_20261128_000001.xml"), "other");
	/* a move onto itself leaves the file alone */
	assert_int_equal(spool_move(s, "inbox/RSP_BANKA_20261128_000001.xml", "inbox", &e), 0);
	assert_string_equal(slurp(f->dir, "inbox/RSP_BANKA_20261128_000001.xml"), "other");
	assert_int_equal(spool_move(s, "inbox/../lock", "archive", &e), -1);
	assert_int_equal(e.code, ERR_NAME_INVALID);
}

static void test_quarantine_writes_the_reason(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	char where[SPOOL_PATH_MAX];
	struct err e;

	put(f->dir, "inbox/bad.xml", "first");
	assert_int_equal(spool_quarantine(s, "inbox/bad.xml", "SCHEMA_INVALID: broken\nsecond line", where, &e), 0);
	assert_string_equal(where, "quarantine/bad.xml");
	assert_false(exists(f->dir, "inbox/bad.xml"));
	assert_string_equal(slurp(f->dir, "quarantine/bad.xml"), "first");
	assert_string_equal(slurp(f->dir, "quarantine/bad.xml.reason"), "SCHEMA_INVALID: broken second line\n");

	/* the same name again: both kept */
	put(f->dir, "inbox/bad.xml", "second");
	assert_int_equal(spool_quarantine(s, "inbox/bad.xml", "again", where, &e), 0);
	assert_string_equal(where, "quarantine/bad.xml.1");
	assert_string_equal(slurp(f->dir, "quarantine/bad.xml"), "first");
	assert_string_equal(slurp(f->dir, "quarantine/bad.xml.1"), "second");
	assert_string_equal(slurp(f->dir, "quarantine/bad.xml.1.reason"), "again\n");

	assert_int_equal(spool_quarantine(s, "inbox/gone.xml", "x", where, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_false(exists(f->dir, "quarantine/gone.xml.reason"));
}

static void test_list_takes_regular_files_with_safe_names(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	char path[PATH_MAX * 2];
	struct spool_list l;
	struct err e;

	put(f->dir, "inbox/b.xml", "b");
	put(f->dir, "inbox/a.xml", "a");
	put(f->dir, "inbox/a.xml.p7s", "s");
	put(f->dir, "inbox/.hidden", "h");
	put(f->dir, "inbox/bad name", "n");
	snprintf(path, sizeof(path), "%s/inbox/link.xml", f->dir);
	assert_int_equal(symlink("a.xml", path), 0);
	snprintf(path, sizeof(path), "%s/inbox/dir.xml", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/inbox/fifo.xml", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);

	assert_int_equal(spool_list(s, "inbox", &l, &e), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.names[0], "a.xml");
	assert_string_equal(l.names[1], "a.xml.p7s");
	assert_string_equal(l.names[2], "b.xml");
	assert_int_equal(l.n_ignored, 5);
	assert_string_equal(l.ignored[0], ".hidden");
	assert_string_equal(l.ignored[1], "bad name");
	assert_string_equal(l.ignored[2], "dir.xml");
	assert_string_equal(l.ignored[3], "fifo.xml");
	assert_string_equal(l.ignored[4], "link.xml");
	spool_list_free(&l);

	assert_int_equal(spool_list_dirs(s, "inbox", &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.names[0], "dir.xml");
	spool_list_free(&l);

	assert_int_equal(spool_list(s, "archive/1999", &l, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_open_read_refuses_what_is_not_a_file(void **state)
{
	struct fixture *f = *state;
	struct spool *s = locked(f);
	char path[PATH_MAX * 2], buf[8];
	struct stat st;
	struct err e;
	int fd;

	put(f->dir, "inbox/a.xml", "abc");
	snprintf(path, sizeof(path), "%s/inbox/link.xml", f->dir);
	assert_int_equal(symlink("a.xml", path), 0);
	snprintf(path, sizeof(path), "%s/inbox/fifo.xml", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/inbox/dir.xml", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);

	fd = spool_open_read(s, "inbox/a.xml", &st, &e);
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(read(fd, buf, sizeof(buf)), 3);
	close(fd);
	assert_int_equal(spool_open_read(s, "inbox/link.xml", &st, &e), -1);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_int_equal(spool_open_read(s, "inbox/fifo.xml", &st, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(spool_open_read(s, "inbox/dir.xml", &st, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(spool_open_read(s, "inbox/none.xml", &st, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(spool_path(s, "inbox/a.xml", path, sizeof(path), &e), 0);
	assert_non_null(strstr(path, "/var/spool/inbox/a.xml"));
	assert_int_equal(spool_path(s, "inbox/../../x", path, sizeof(path), &e), -1);
}

static void test_dated_dirs_are_wib_days(void **state)
{
	char buf[SPOOL_PATH_MAX];

	(void)state;
	spool_dated_dir(buf, SPOOL_ARCHIVE, utc(2026, 11, 28, 16, 59));
	assert_string_equal(buf, "archive/2026/11/28");
	/* 23:30 UTC is 06:30 the next morning in Jakarta */
	spool_dated_dir(buf, SPOOL_ARCHIVE, utc(2026, 11, 28, 23, 30));
	assert_string_equal(buf, "archive/2026/11/29");
	spool_dated_dir(buf, SPOOL_SENT, utc(2026, 11, 28, 17, 0));
	assert_string_equal(buf, "sent/2026/11/29");
	spool_reports_dir(buf, utc(2026, 12, 31, 17, 0));
	assert_string_equal(buf, "reports/2027/01");
	spool_reports_dir(buf, utc(2026, 12, 31, 16, 59));
	assert_string_equal(buf, "reports/2026/12");
}

static void test_outbox_destinations(void **state)
{
	char dest[SPOOL_NAME_MAX], remote[PATH_MAX];
	struct err e;

	(void)state;
	assert_int_equal(spool_outbox_dest("/slkt/inbound", dest, &e), 0);
	assert_string_equal(dest, "slkt-inbound");
	assert_int_equal(spool_outbox_dest("/pujk/BANKA/download/", dest, &e), 0);
	assert_string_equal(dest, "pujk-BANKA-download");
	assert_int_equal(spool_outbox_remote(dest, remote, sizeof(remote), &e), 0);
	assert_string_equal(remote, "/pujk/BANKA/download");

	assert_int_equal(spool_outbox_dest("/slkt-x/inbound", dest, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_int_equal(spool_outbox_dest("slkt/inbound", dest, &e), -1);
	assert_int_equal(spool_outbox_dest("/slkt//inbound", dest, &e), -1);
	assert_int_equal(spool_outbox_dest("/slkt/../etc", dest, &e), -1);
	assert_int_equal(spool_outbox_dest("/", dest, &e), -1);
	assert_int_equal(spool_outbox_remote("a--b", remote, sizeof(remote), &e), -1);
	assert_int_equal(spool_outbox_remote("../x", remote, sizeof(remote), &e), -1);
	assert_int_equal(spool_outbox_remote("a-", remote, sizeof(remote), &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree_is_owner_only_whatever_the_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_cleans_tmp_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_lock_is_transient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_need_the_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_makes_the_file_visible_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_creates_dated_dirs_and_refuses_unsafe_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinked_dirs_are_never_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_and_its_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quarantine_writes_the_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_takes_regular_files_with_safe_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_read_refuses_what_is_not_a_file, setup, teardown),
		cmocka_unit_test(test_dated_dirs_are_wib_days),
		cmocka_unit_test(test_outbox_destinations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
