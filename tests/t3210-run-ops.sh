#!/bin/sh
test_description='run for an operator: --quiet for cron, the lock holder named, a backup during a run'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127

# wait (boundedly) until process $1 is stopped (state T in /proc/PID/stat)
wait_stopped() {
	i=0
	until [ "$(sed "s/.*) //" /proc/$1/stat 2>/dev/null | cut -c1)" = T ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || return 1
		sleep 0.1
	done
}

# let a paused process ($1, which stops at every arrival at its pause point) run to its end
run_to_end() {
	i=0
	while st=$(sed "s/.*) //" /proc/$1/stat 2>/dev/null | cut -c1) && [ -n "$st" ] && [ "$st" != Z ]; do
		kill -CONT $1 2>/dev/null
		i=$((i + 1))
		[ $i -lt 600 ] || return 1
		sleep 0.1
	done
	wait $1
}

test_expect_success 'set up the hub' 'setup_hub'

test_expect_success 'run --quiet prints nothing when all is well' '
	new_ticket r1 PGD-2026-000001 BANKA | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run --quiet >out 2>err &&
	test ! -s err && test ! -s out &&
	test "$(file_status ${CB}_000001)" = ACCEPTED
'

test_expect_success 'run --quiet still says why a run failed' '
	mv pki/hub.key hub.key.away &&
	test_expect_code 78 slktx run --quiet 2>err &&
	grep "hub.s key" err &&
	mv hub.key.away pki/hub.key
'

json_get() {
	python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(json.dumps(v) if isinstance(v, (dict, type(None))) else v)' "$1" <json
}

test_expect_success 'run --json says version, start, end, duration, exit and error' '
	slktx run --json >json 2>err &&
	test "$(json_get version)" = "$(slktx --version | cut -d" " -f2)" &&
	json_get started_at | grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" &&
	json_get finished_at | grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" &&
	json_get duration_s | grep -E "^[0-9]+(\.[0-9]+)?$" &&
	test "$(json_get exit)" = 0 &&
	test "$(json_get error)" = null &&
	grep "^slktx: run: .*left for the next run; [0-9]*\.[0-9] s$" err
'

test_expect_success 'run --json names the first error' '
	mv pki/hub.key hub.key.away &&
	test_expect_code 78 slktx run --json >json 2>err;
	mv hub.key.away pki/hub.key &&
	test "$(json_get exit)" = 78 &&
	json_get error | grep "\"code\": \"CONFIG\"" &&
	json_get error | grep "configuration errors: nothing done"
'

if test -S /dev/log; then
	test_skip 'run --syslog warns once when syslog is unreachable' 'a syslog daemon listens on /dev/log here'
else
	test_expect_success 'run --syslog warns once when syslog is unreachable' '
		slktx run --syslog 2>err &&
		test "$(grep -c "syslog is unreachable at ./dev/log." err)" = 1
	'
fi

test_expect_success 'a backup taken while a run holds the lock mid-apply has every committed event' '
	slktx backup before.sqlite >out &&
	n0=$(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM event") &&
	test "$n0" -gt 0 &&
	{ new_ticket r1 PGD-2026-000002 BANKA; new_ticket r2 PGD-2026-000003 ASURB; } |
		cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	{ SLKTX_FAULT=mid-apply:pause slktx run 2>run.err & } &&
	pid=$! &&
	wait_stopped $pid &&
	slktx backup during.sqlite >out 2>err;
	status=$?;
	slktx run 2>lock.err;
	lock_status=$?;
	run_to_end $pid &&
	test $status = 0 &&
	test $lock_status = 75 &&
	grep "another slktx run holds the lock on .*lock. (pid $pid)" lock.err &&
	grep "during.sqlite: ledger copied and checked: integrity ok, chain intact, $n0 event" out &&
	test "$(sqlite3 during.sqlite "SELECT count(*) FROM event")" = "$n0" &&
	test "$(stat -c %a during.sqlite)" = 600 &&
	n1=$(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM event") &&
	test "$n1" -gt "$n0"
'

test_expect_success 'restore: the backup in place of the ledger, every event found' '
	slktx backup after.sqlite >out &&
	sqlite3 spool/ledger.sqlite "SELECT seq, hash FROM event ORDER BY seq" >events.live &&
	mv spool/ledger.sqlite ledger.bad && rm -f spool/ledger.sqlite-wal spool/ledger.sqlite-shm &&
	cp after.sqlite spool/ledger.sqlite && chmod 600 spool/ledger.sqlite &&
	slktx audit verify >out &&
	grep "^ledger intact: " out &&
	sqlite3 spool/ledger.sqlite "SELECT seq, hash FROM event ORDER BY seq" >events.restored &&
	test_cmp events.live events.restored &&
	slktx run 2>err
'

test_expect_success 'backup never overwrites a file' '
	test_expect_code 70 slktx backup after.sqlite 2>err &&
	grep "cannot create the backup .after.sqlite.: File exists" err
'

test_expect_success 'a long file tells its progress: records done and the rate' '
	genbatch -n 10000 -p BANKA,ASURB -q 90 -o CB_OJK_20261127_000090.xml &&
	drop_cb CB_OJK_20261127_000090.xml &&
	SLKTX_PROGRESS_S=0 slktx run 2>err &&
	grep "^slktx: CB_OJK_20261127_000090.xml: 8192 records so far, [0-9]* a second$" err &&
	test "$(grep -c "records so far" err)" = 1 &&
	genbatch -n 10000 -d 20251127 -p BANKA,ASURB -q 91 -o CB_OJK_20251127_000091.xml &&
	drop_cb CB_OJK_20251127_000091.xml &&
	SLKTX_PROGRESS_S=0 slktx run --quiet 2>err &&
	! grep "records so far" err &&
	test "$(file_status CB_OJK_20251127_000091)" = ACCEPTED
'

test_done
