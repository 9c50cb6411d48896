#!/bin/sh
test_description='the spool lock, tmp leftovers, and fault points that crash for real'
. "$(dirname "$0")/lib.sh"

TOOL=$SRC/${SLKTX_BUILD:-build}/tools/spool-lock

# wait (boundedly, not timed) until FILE has a line matching PATTERN
wait_for() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

test_expect_success 'a first run takes the lock on a fresh spool' '
	"$TOOL" spool >out &&
	echo "locked, 0 leftovers removed" >expect &&
	test_cmp expect out &&
	test -f spool/lock &&
	test "$(stat -c %a spool spool/tmp spool/inbox | sort -u)" = 700
'

test_expect_success 'a second run while the first holds the lock exits 75' '
	mkfifo hold &&
	{ "$TOOL" spool -w 60 <hold >holder.out & holder=$!; } &&
	exec 3>hold &&
	wait_for holder.out "^locked" &&
	test_expect_code 75 "$TOOL" spool >second.out 2>second.err &&
	grep "TRANSIENT: another slktx run holds the lock on .spool/lock. (pid $holder)" second.err &&
	test ! -s second.out &&
	exec 3>&- &&
	wait $holder &&
	"$TOOL" spool >third.out &&
	grep "^locked" third.out
'

test_expect_success 'SLKTX_FAULT kills the process at the named point with SIGKILL' '
	test_expect_code 137 env SLKTX_FAULT=mid-fetch:2 "$TOOL" spool -c 3 >out 2>err &&
	ls spool/inbox >inbox &&
	echo file-1 >expect &&
	test_cmp expect inbox &&
	test "$(ls spool/tmp | wc -l)" -eq 1
'

test_expect_success 'the next run removes the leftover and finishes the work' '
	"$TOOL" spool >out &&
	echo "locked, 1 leftovers removed" >expect &&
	test_cmp expect out &&
	test "$(ls spool/tmp | wc -l)" -eq 0 &&
	"$TOOL" spool -c 3 &&
	printf "file-1\nfile-2\nfile-3\n" >expect &&
	ls spool/inbox >inbox &&
	test_cmp expect inbox &&
	echo "the content of file 2" >expect &&
	test_cmp expect spool/inbox/file-2
'

test_expect_success 'without a count the first arrival fires; other points never do' '
	test_expect_code 137 env SLKTX_FAULT=mid-fetch "$TOOL" other -c 2 &&
	test "$(ls other/inbox | wc -l)" -eq 0 &&
	env SLKTX_FAULT=after-ack "$TOOL" other -c 2 >out &&
	grep "1 leftovers removed" out &&
	test "$(ls other/inbox | wc -l)" -eq 2 &&
	env SLKTX_FAULT=mid-fetch:junk "$TOOL" third -c 1 &&
	test -f third/inbox/file-1
'

test_done
