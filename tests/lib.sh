# lib.sh - the end-to-end test harness, sourced by every tests/tNNNN-*.sh.
#
# Each script runs in its own scratch directory ($TRASH, also the working
# directory when a test body starts) and prints TAP.  Bodies are shell
# snippets chained with &&; a body fails when its last command does.
#
#   test_expect_success 'title' 'body'
#   test_skip 'title' 'why it cannot run here'
#   test_must_fail CMD...     CMD exits non-zero without dying of a signal
#   test_expect_code N CMD... CMD exits with status N
#   test_cmp EXPECT ACTUAL    files equal (diff shown when not)
#   test_done                 plan line and exit status
#
#   write_test_config [DIR]   DIR/config/slktx.conf on DIR's spool, pki, exchange
#
# Variables: SRC (repo root), BUILD (build dir, on PATH with its tools/),
# SLKTX (the binary), XSD, SAMPLES, TRASH.

SRC=$(cd "$(dirname "$0")/.." && pwd)
# make asan builds into build-asan/ and says so here
: "${SLKTX_BUILD:=build}"
BUILD=$SRC/$SLKTX_BUILD
: "${SLKTX:=$BUILD/slktx}"
XSD=$SRC/xsd
SAMPLES=$SRC/tests/samples
PATH=$BUILD:$BUILD/tools:$SRC/scripts:$PATH
TZ=UTC LC_ALL=C
export SRC BUILD SLKTX XSD SAMPLES PATH TZ LC_ALL
unset SLKTX_CONFIG SLKTX_FAULT

test_name=$(basename "$0" .sh)
TRASH=${TMPDIR:-/tmp}/slktx-test.$test_name.$$
rm -rf "$TRASH" && mkdir -p "$TRASH" || exit 1
export TRASH
trap '[ -n "$KEEP_TRASH" ] || rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 1
# write_test_config [DIR]: DIR/config/slktx.conf, the embedded defaults as a
# file with DIR's absolute paths (slktx keeps a ledger only where a
# configuration says).  Every script starts with one in $TRASH.
write_test_config() {
	"$SRC/scripts/local-config" "${1:-.}"
}
write_test_config "$TRASH" || exit 1

test_count=0
test_failed=0
test_skipped=0

test_expect_success() {
	test_count=$((test_count + 1))
	cd "$TRASH"
	if (eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out" | tail -n 40
	fi
	cd "$TRASH"
}

test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

test_must_fail() {
	"$@"
	_tmf_status=$?
	if [ $_tmf_status -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $_tmf_status -gt 128 ]; then
		echo "test_must_fail: '$*' died of signal $((_tmf_status - 128))" >&2
		return 1
	fi
	return 0
}

test_expect_code() {
	_tec_want=$1
	shift
	"$@"
	_tec_status=$?
	[ $_tec_status -eq "$_tec_want" ] && return 0
	echo "test_expect_code: '$*' exited $_tec_status, wanted $_tec_want" >&2
	return 1
}

test_cmp() {
	diff -u "$1" "$2"
}

test_done() {
	echo "1..$test_count"
	[ $test_failed -eq 0 ]
}

# ledger_to_schema_3 DB: take a ledger back to the schema of the previous
# release (3), its rows kept: every table, index and trigger a later
# migration made is dropped, and the tables later migrations changed get
# their version-3 form again, in 4 KiB pages as that release made them.
# The events are untouched.
ledger_to_schema_3() {
	sqlite3 "$1" "SELECT 'DROP ' || type || ' ' || name || ';' FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'index', 'trigger')
		AND name NOT IN ('pujk', 'officer', 'officer_active', 'officer_cert', 'file',
		'file_name', 'file_sha', 'ticket', 'event', 'event_ticket',
		'event_append_only_update', 'event_append_only_delete', 'attachment',
		'dispatch_cursor', 'dispatch', 'outfile', 'outfile_name')
		ORDER BY type = 'table'" >"$1.drop" &&
	sqlite3 "$1" <<-SQL
	BEGIN;
	$(cat "$1.drop")
	CREATE TABLE ticket_v3(no TEXT PRIMARY KEY, kind TEXT NOT NULL,
	 pujk_code TEXT NOT NULL, status TEXT NOT NULL, received_at INTEGER NOT NULL,
	 assigned_at INTEGER NOT NULL, due_day INTEGER NOT NULL,
	 extended INTEGER NOT NULL DEFAULT 0, first_response_at INTEGER,
	 proposal_at INTEGER, closed_at INTEGER, created_seq INTEGER NOT NULL,
	 updated_seq INTEGER NOT NULL) WITHOUT ROWID;
	INSERT INTO ticket_v3 SELECT no, kind, pujk_code, status, received_at, assigned_at,
	 due_day, extended, first_response_at, proposal_at, closed_at, created_seq,
	 updated_seq FROM ticket;
	DROP TABLE ticket;
	ALTER TABLE ticket_v3 RENAME TO ticket;
	CREATE TABLE outfile_v3(id INTEGER PRIMARY KEY, name TEXT NOT NULL,
	 destination TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('ACK','DSP')),
	 sha256 TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL,
	 pushed_at INTEGER, file_id INTEGER);
	INSERT INTO outfile_v3 SELECT id, name, destination, kind, sha256, size, created_at,
	 pushed_at, file_id FROM outfile WHERE kind IN ('ACK', 'DSP');
	DROP TABLE outfile;
	ALTER TABLE outfile_v3 RENAME TO outfile;
	CREATE INDEX outfile_name ON outfile(destination, name);
	PRAGMA user_version = 3;
	COMMIT;
	PRAGMA journal_mode = DELETE;
	PRAGMA page_size = 4096;
	VACUUM;
	PRAGMA journal_mode = WAL;
	SQL
}
