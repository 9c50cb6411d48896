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
