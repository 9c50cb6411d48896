#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/config.h"

static char dir[PATH_MAX];
static char file[PATH_MAX + 16];

static int setup(void **state)
{
	char tmpl[] = "/tmp/test_config.XXXXXX";

	(void)state;
	if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL)
		return -1;
	snprintf(file, sizeof(file), "%s/slktx.conf", dir);
	unsetenv("SLKTX_CONFIG");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void write_conf(const char *text)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Loading text fails with an ERR_CONFIG at line, naming the file, with want in the message. */
static void expect_error(const char *text, long line, const char *want)
{
	struct config c;
	struct err e;

	write_conf(text);
	err_clear(&e);
	assert_int_equal(config_load(&c, file, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_string_equal(e.file, file);
	assert_int_equal(e.line, line);
	if (strstr(e.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, want);
}

static void test_defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.source, "");
	assert_string_equal(c.spool.dir, "spool");
	assert_string_equal(c.ledger.path, "spool/ledger.sqlite");
	assert_int_equal(c.ledger.busy_timeout_ms, 10000);
	assert_int_equal(c.hub.trust_anchors.n, 1);
	assert_string_equal(c.hub.trust_anchors.v[0], "pki/ca.crt");
	assert_int_equal(c.hub.crls.n, 0);
	assert_string_equal(c.transport.type, "local");
	assert_string_equal(c.transport.after_fetch, "delete");
	assert_int_equal(c.transport.port, 22);
	assert_string_equal(c.intake.sender, "OJK");
	assert_int_equal(c.limits.max_file_size, 2LL << 30);
	assert_int_equal(c.limits.max_attachment_size, 10LL << 20);
	assert_int_equal(c.sla.pengaduan_days, 10);
	assert_string_equal(c.calendar.timezone, "Asia/Jakarta");
	assert_string_equal(c.report.dir, "spool/reports");
}

static void test_no_file_gives_defaults(void **state)
{
	char cwd[PATH_MAX];
	struct config c;
	struct err e;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0); /* no config/slktx.conf here */
	err_clear(&e);
	assert_int_equal(config_load(&c, NULL, &e), 0);
	assert_string_equal(c.source, "");
	assert_string_equal(c.spool.dir, "spool");
	assert_int_equal(chdir(cwd), 0);
}

static void test_example_loads(void **state)
{
	/* tests/run starts every test in the repository's root */
	const char *path = "config/slktx.conf.example";
	struct config c, d;
	struct err e;

	(void)state;
	err_clear(&e);
	if (config_load(&c, path, &e) < 0)
		fail_msg("%s:%ld: %s", e.file, e.line, e.msg);
	assert_string_equal(c.source, path);
	/* every value the example shows is the default, only made absolute */
	config_defaults(&d);
	assert_int_equal(c.ledger.busy_timeout_ms, d.ledger.busy_timeout_ms);
	assert_int_equal(c.limits.max_file_size, d.limits.max_file_size);
	assert_int_equal(c.limits.max_text_length, d.limits.max_text_length);
	assert_int_equal(c.limits.max_package_size, d.limits.max_package_size);
	assert_int_equal(c.limits.orphan_after_s, d.limits.orphan_after_s);
	assert_int_equal(c.limits.clock_skew_s, d.limits.clock_skew_s);
	assert_int_equal(c.transport.run_timeout_s, d.transport.run_timeout_s);
	assert_int_equal(c.transport.connections, d.transport.connections);
	assert_int_equal(c.report.csv_bom, 0);
	assert_int_equal(c.hub.crls.n, 0);
	assert_int_equal(c.hub.trust_anchors.n, 1);
	assert_non_null(strstr(c.hub.trust_anchors.v[0], "/config/pki/ca.crt"));
	assert_true(c.spool.dir[0] == '/');
	assert_string_equal(c.calendar.dir, "");
	assert_string_equal(c.transport.intake_outbound, "/slkt/outbound");
}

static void test_full_file(void **state)
{
	struct config c;
	struct err e;

	(void)state;
	write_conf("; a comment\n"
		   "[spool]\ndir = /var/spool/slktx\n"
		   "[ledger]\nbusy_timeout_ms = 250ms\n"
		   "[hub]\ncert = /etc/slktx/hub.crt\nkey = keys/hub.key\n"
		   "trust_anchors = a.crt, b.crt /abs/c.crt\n"
		   "crls = crl1.pem\n  crl2.pem,crl3.pem\n"
		   "[transport]\ntype = sftp\nhost = sftp.example.id\nport = 2222\n"
		   "user = hub\nafter_fetch = move\nhost_key_type = ssh-ed25519\n"
		   "connect_timeout_s = 2m\nrun_timeout_s = 1d\n"
		   "[intake]\nsender = OJK\ncerts = i1.crt i2.crt\n"
		   "[limits]\nmax_file_size = 512K\nmax_package_size = 1G\n"
		   "max_attachment_size = 3G\nclock_skew_s = 90\norphan_after_s = 2h\n"
		   "[sla]\npengaduan_days = 20\nextension_days = 0\n"
		   "[report]\ncsv_bom = yes\n");
	err_clear(&e);
	if (config_load(&c, file, &e) < 0)
		fail_msg("%s:%ld: %s", e.file, e.line, e.msg);
	assert_string_equal(c.spool.dir, "/var/spool/slktx");
	/* derived from spool.dir when absent */
	assert_string_equal(c.ledger.path, "/var/spool/slktx/ledger.sqlite");
	assert_string_equal(c.report.dir, "/var/spool/slktx/reports");
	assert_int_equal(c.ledger.busy_timeout_ms, 250);
	assert_string_equal(c.hub.cert, "/etc/slktx/hub.crt");
	assert_int_equal(c.hub.trust_anchors.n, 3);
	assert_string_equal(c.hub.trust_anchors.v[2], "/abs/c.crt");
	assert_int_equal(c.hub.crls.n, 3);
	assert_string_equal(c.transport.type, "sftp");
	assert_int_equal(c.transport.port, 2222);
	assert_string_equal(c.transport.after_fetch, "move");
	assert_int_equal(c.transport.connect_timeout_s, 120);
	assert_int_equal(c.transport.run_timeout_s, 86400);
	assert_int_equal(c.transport.op_timeout_s, 60); /* untouched default */
	assert_int_equal(c.intake.certs.n, 2);
	assert_int_equal(c.limits.max_file_size, 512 * 1024);
	assert_int_equal(c.limits.max_package_size, 1LL << 30);
	assert_int_equal(c.limits.max_attachment_size, 3LL << 30);
	assert_int_equal(c.limits.clock_skew_s, 90);
	assert_int_equal(c.limits.orphan_after_s, 7200);
	assert_int_equal(c.sla.pengaduan_days, 20);
	assert_int_equal(c.sla.extension_days, 0);
	assert_int_equal(c.report.csv_bom, 1);
}

static void test_relative_paths(void **state)
{
	char want[PATH_MAX * 2];
	struct config c;
	struct err e;

	(void)state;
	write_conf("[spool]\ndir = sp\n[hub]\ncert = pki/hub.crt\ntrust_anchors = ca1.crt ../ca2.crt\n"
		   "[ledger]\npath = /abs/ledger.sqlite\n");
	err_clear(&e);
	assert_int_equal(config_load(&c, file, &e), 0);
	snprintf(want, sizeof(want), "%s/sp", dir);
	assert_string_equal(c.spool.dir, want);
	snprintf(want, sizeof(want), "%s/pki/hub.crt", dir);
	assert_string_equal(c.hub.cert, want);
	snprintf(want, sizeof(want), "%s/ca1.crt", dir);
	assert_string_equal(c.hub.trust_anchors.v[0], want);
	snprintf(want, sizeof(want), "%s/../ca2.crt", dir);
	assert_string_equal(c.hub.trust_anchors.v[1], want);
	assert_string_equal(c.ledger.path, "/abs/ledger.sqlite");
	snprintf(want, sizeof(want), "%s/sp/reports", dir);
	assert_string_equal(c.report.dir, want);
	/* remote folders are not local paths */
	assert_string_equal(c.transport.pujk_root, "/pujk");
}

static void test_given_file(void **state)
{
	struct config c;
	struct err e;

	(void)state;
	write_conf("[sla]\nindikasi_days = 7\n");
	err_clear(&e);
	assert_int_equal(config_load(&c, file, &e), 0);
	assert_int_equal(c.sla.indikasi_days, 7);
	assert_string_equal(c.source, file);
	assert_int_equal(config_key_line(&c, "sla", "indikasi_days"), 2);
	assert_int_equal(config_key_line(&c, "sla", "pengaduan_days"), 0);
	/* a named file that is missing is an error, not the defaults */
	assert_int_equal(config_load(&c, "/nonexistent/slktx.conf", &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_string_equal(e.file, "/nonexistent/slktx.conf");
	assert_int_equal(config_load(&c, dir, &e), -1); /* a directory */
	assert_int_equal(e.code, ERR_CONFIG);
	assert_string_equal(e.file, dir);
}

static void count_problem(void *ctx, const struct config_problem *p)
{
	char (*msgs)[512] = ctx;

	for (int i = 0; i < 8; i++) {
		if (msgs[i][0] == '\0') {
			snprintf(msgs[i], sizeof(msgs[i]), "%ld %s %s", p->line,
				 p->key ? p->key : "-", p->msg);
			return;
		}
	}
}

static void test_check_file_reports_every_problem(void **state)
{
	char msgs[8][512];
	struct config c;
	struct err e;

	(void)state;
	memset(msgs, 0, sizeof(msgs));
	write_conf("[spool]\ndri = x\n[transport]\ntype = ftp\n[hub]\ncert = a\n"
		   "[limits]\nmax_depth = 0\n[sla]\nconnections = 2\n[lmits]\nmax_depth = 1\n");
	err_clear(&e);
	assert_int_equal(config_check_file(&c, file, count_problem, msgs, &e), 1);
	assert_string_equal(msgs[0], "2 dri unknown key 'dri' in [spool]; did you mean 'dir'?");
	assert_string_equal(msgs[1], "4 type invalid value 'ftp' for 'type' in [transport] "
				     "(valid: local, sftp)");
	assert_string_equal(msgs[2], "8 max_depth value 0 for 'max_depth' in [limits] out of "
				     "range (1 to 256)");
	assert_string_equal(msgs[3], "10 connections unknown key 'connections' in [sla]; "
				     "did you mean 'connections' in [transport]?");
	assert_string_equal(msgs[4], "12 max_depth unknown section [lmits] (key 'max_depth'); "
				     "did you mean [limits]?");
	assert_string_equal(msgs[5], "");
	/* the first problem is the error config_load reports */
	assert_int_equal(e.line, 2);
}

static void test_errors_name_file_line_key(void **state)
{
	char longline[400];
	struct config c;
	struct err e;

	(void)state;
	expect_error("[spool]\ndir = x\nfoo = 1\n", 3, "unknown key 'foo' in [spool]");
	expect_error("[spool]\ndir = x\n[nosuch]\ndir = y\n", 4, "unknown section [nosuch]");
	expect_error("dir = x\n", 1, "unknown section [] (key 'dir')");
	expect_error("[spool]\ndir = a\n\n[ledger]\n[spool]\ndir = b\n", 6,
		     "duplicate key 'dir' in [spool]");
	expect_error("[transport]\ntype = ftp\n", 2, "invalid value 'ftp' for 'type' in [transport]");
	expect_error("[transport]\nport = 70000\n", 2, "'port' in [transport] out of range");
	expect_error("[transport]\nport = 22x\n", 2, "invalid value '22x' for 'port'");
	expect_error("[transport]\nport = -1\n", 2, "invalid value '-1' for 'port'");
	expect_error("[transport]\nport =\n", 2, "invalid value '' for 'port'");
	expect_error("[limits]\nmax_file_size = 10Q\n", 2, "'max_file_size' in [limits]");
	expect_error("[limits]\nmax_depth = 10K\n", 2, "invalid value '10K' for 'max_depth'");
	expect_error("[limits]\nmax_file_size = 99999999999999999999\n", 2, "'max_file_size'");
	expect_error("[limits]\nmax_file_size = 9000000T\n", 2, "'max_file_size'");
	expect_error("[limits]\nclock_skew_s = 5w\n", 2, "'clock_skew_s' in [limits]");
	expect_error("[sla]\npengaduan_days = 0\n", 2, "'pengaduan_days' in [sla] out of range");
	expect_error("[report]\ncsv_bom = maybe\n", 2, "not a boolean");
	expect_error("[intake]\nsender =\n", 2, "empty value for 'sender' in [intake]");
	expect_error("[intake]\nsender = ABCDEFGHIJKLMNOPQRST\n", 2, "value too long for 'sender'");
	expect_error("[hub]\ncrls = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 2,
		     "too many entries for 'crls' in [hub]");
	expect_error("[spool]\ndir = a\n  b\n", 3, "continuation line for 'dir' in [spool]");
	expect_error("[spool]\nthis line has no equals sign\n", 2, "syntax error");
	expect_error("[spool\n", 1, "syntax error");
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "[spool]\ndir = ", 14);
	strcpy(longline + sizeof(longline) - 2, "\n");
	expect_error(longline, 2, "line longer than");
	/* the longest line that fits, with and without its newline */
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "[spool]\ndir = /", 15);
	strcpy(longline + 8 + 199, "\n");
	write_conf(longline);
	assert_int_equal(config_load(&c, file, &e), 0);
	assert_int_equal(strlen(c.spool.dir), 199 - 6);
	longline[8 + 199] = '\0';
	write_conf(longline);
	assert_int_equal(config_load(&c, file, &e), 0);
	assert_int_equal(strlen(c.spool.dir), 199 - 6);
	/* the first error is the one reported */
	expect_error("[spool]\nbad = 1\n[limits]\nmax_depth = x\n", 2, "unknown key 'bad'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_no_file_gives_defaults),
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_given_file),
		cmocka_unit_test(test_check_file_reports_every_problem),
		cmocka_unit_test(test_errors_name_file_line_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
