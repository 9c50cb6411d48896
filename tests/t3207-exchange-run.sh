#!/bin/sh
test_description='slktx run: stages, strangers on the server, the lock, --json and exit codes'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
OUT=exchange/slkt/outbound

json_get() {
	python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <json
}

# wait (boundedly, not timed) until FILE has a line matching PATTERN
wait_for() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

test_expect_success 'set up the hub' 'setup_hub'

test_expect_success 'each stage alone does its part of the work' '
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r2 PGD-2026-000002 NOPE1; } |
		cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx fetch 2>err &&
	test ! -e $OUT/${CB}_000001.xml && test -f spool/inbox/${CB}_000001.xml &&
	test -f spool/inbox/${CB}_000001.xml.p7s &&
	test -z "$(ls spool/outbox/* 2>/dev/null)" &&
	slktx process 2>err &&
	test -f spool/outbox/slkt-inbound/ACK_${CB}_000001.xml &&
	test ! -e spool/inbox/${CB}_000001.xml &&
	test ! -e "$(ack_for ${CB}_000001)" &&
	slktx dispatch 2>err &&
	ls spool/outbox/pujk-BANKA-download/DSP_BANKA_*_000001.xml &&
	test -z "$(ls exchange/pujk/BANKA/download)" &&
	slktx push 2>err &&
	test "$(file_status ${CB}_000001)" = PARTIALLY_ACCEPTED &&
	ls exchange/pujk/BANKA/download/DSP_BANKA_*_000001.xml.p7s &&
	test -z "$(find spool/outbox -type f)"
'

test_expect_success 'names that fit no pattern are left alone on the server and reported' '
	echo hello >$OUT/notes.txt &&
	echo x >$OUT/CB_OJK_2026_1.xml &&
	echo x >$OUT/CB_OJK_20261331_000001.xml &&
	echo x >$OUT/.hidden &&
	mkdir $OUT/subdir &&
	echo x >exchange/pujk/BANKA/upload/DSP_BANKA_20261127_000001.xml &&
	ls -a $OUT exchange/pujk/BANKA/upload >before &&
	slktx run --json >json 2>err &&
	ls -a $OUT exchange/pujk/BANKA/upload >after &&
	test_cmp before after &&
	test "$(json_get ignored)" = 6 &&
	test "$(json_get fetched)" = 0 &&
	test "$(json_get exit)" = 0 &&
	grep "notes.txt: name fits no exchange pattern, left alone" err &&
	grep "DSP_BANKA_20261127_000001.xml: name fits no exchange pattern" err &&
	grep "6 names ignored" err &&
	rm -r $OUT/notes.txt $OUT/CB_OJK_* $OUT/.hidden $OUT/subdir exchange/pujk/BANKA/upload/*
'

test_expect_success '--json parses and counts a run with rejected records and a rejected file' '
	{ take_over t1 PGD-2026-000001; take_over t2 PGD-2026-000404; } |
		rsp RSP_BANKA_20261128_000001 &&
	drop_rsp RSP_BANKA_20261128_000001.xml PRODUCT &&
	{ new_ticket r1 PGD-2026-000003 BANKA; new_ticket r2 IND-2026-000004 ASURB
	  new_ticket r3 PGD-2026-000001 BANKA; } | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	new_ticket r1 PGD-2026-000005 BANKA | cb ${CB}_000003 &&
	drop_as unregistered ${CB}_000003.xml slkt/outbound &&
	new_ticket r1 PGD-2026-000006 BANKA | cb ${CB}_000004 &&
	mv ${CB}_000004.xml $OUT/ &&
	slktx run --json >json 2>err &&
	for k in exit:0 fetched:3 in_transit:1 ignored:0 processed:3 files_accepted:1 \
		files_partially_accepted:1 files_rejected:1 records_accepted:3 \
		records_rejected:1 records_duplicate:1 acknowledgements:3 dispatches:3 \
		dispatch_items:3 delivered:6 quarantined:0 waiting:0; do
		test "$(json_get ${k%:*})" = ${k#*:} || { echo "$k: $(json_get ${k%:*})"; return 1; }
	done
'

test_expect_success 'a second run while the lock is held exits 75, --json says so' '
	mkfifo hold &&
	{ spool-lock spool -w 60 <hold >holder.out & holder=$!; } &&
	exec 3>hold &&
	wait_for holder.out "^locked" &&
	test_expect_code 75 slktx run --json >json 2>err &&
	grep "another slktx run holds the lock" err &&
	test "$(json_get exit)" = 75 &&
	test_expect_code 75 slktx fetch 2>err &&
	exec 3>&- &&
	wait $holder &&
	slktx run 2>err
'

test_expect_success 'a configuration error exits 78 and touches nothing' '
	new_ticket r1 PGD-2026-000007 BANKA | cb ${CB}_000005 &&
	drop_cb ${CB}_000005.xml &&
	printf "[limits]\nno_such_key = 1\n" >bad.conf &&
	test_expect_code 78 slktx --config bad.conf run --json >json 2>err &&
	grep "no_such_key" err &&
	test "$(json_get exit)" = 78 && test "$(json_get processed)" = 0 &&
	test_expect_code 78 slktx --config missing.conf run 2>err &&
	printf "[hub]\ntrust_anchors = pki/nothing.crt\n" >anchor.conf &&
	test_expect_code 78 slktx --config anchor.conf run 2>err &&
	test -f $OUT/${CB}_000005.xml &&
	test -z "$(status_of PGD-2026-000007)"
'

test_expect_success 'the work left behind is done by the next good run, which exits 0' '
	test_expect_code 0 slktx run --json >json 2>err &&
	test "$(json_get processed)" = 1 &&
	test "$(file_status ${CB}_000005)" = ACCEPTED
'

test_done
