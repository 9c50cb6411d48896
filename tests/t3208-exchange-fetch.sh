#!/bin/sh
test_description='the fetch stage: size limits before the bytes, entries that are not files, a failure that is one file s, a spool the hub cannot write'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
OUT=exchange/slkt/outbound
UP=exchange/pujk/BANKA/upload

json_get() {
	python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <json
}

# run a command as root without the capabilities that let root past file
# modes (as any other user, chmod then binds it)
no_dac() {
	setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search,-fowner "$@"
}

test_expect_success 'set up the hub' 'setup_hub'

test_expect_success 'a sparse 3 GB batch: refused before its bytes are read, LIMIT_EXCEEDED, nothing big kept' '
	new_ticket r1 PGD-2026-000001 BANKA | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	truncate -s 3G $OUT/${CB}_000001.xml &&
	slktx run --json >json 2>err &&
	test "$(json_get exit)" = 0 &&
	test "$(json_get quarantined)" = 1 &&
	test "$(file_error ${CB}_000001)" = LIMIT_EXCEEDED &&
	test "$(file_status ${CB}_000001)" = REJECTED &&
	xpath $(ack_for ${CB}_000001) "string(//*[local-name()=\"FileError\"])" >text &&
	grep "has 3221225472 bytes, over the limit of 2147483648" text &&
	test "$(xpath $(ack_for ${CB}_000001) "string(//*[local-name()=\"OriginalFile\"]/@size)")" = 3221225472 &&
	ack_ok ${CB}_000001 &&
	test ! -e $OUT/${CB}_000001.xml && test ! -e $OUT/${CB}_000001.xml.p7s &&
	test "$(stat -c %s spool/quarantine/${CB}_000001.xml)" = 65536 &&
	grep "LIMIT_EXCEEDED: .*${CB}_000001.xml. has 3221225472 bytes" spool/quarantine/${CB}_000001.xml.reason &&
	test -z "$(find spool -type f -size +1M)" &&
	test -z "$(status_of PGD-2026-000001)"
'

test_expect_success 'the real file sent after a refusal for size is taken: a refused file takes no batch id' '
	new_ticket r1 PGD-2026-000001 BANKA | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000001)" = ACCEPTED &&
	test "$(status_of PGD-2026-000001)" = BARU
'

test_expect_success 'a response over a smaller limit with a garbage .p7s: only the heads are fetched' '
	take_over t1 PGD-2026-000001 | rsp RSP_BANKA_20261128_000001 &&
	head -c 300000 /dev/zero >>RSP_BANKA_20261128_000001.xml &&
	head -c 2000000 /dev/urandom >RSP_BANKA_20261128_000001.xml.p7s &&
	mv RSP_BANKA_20261128_000001.xml RSP_BANKA_20261128_000001.xml.p7s $UP/ &&
	printf "[limits]\nmax_file_size = 100000\n" >small.conf &&
	slktx --config small.conf run 2>err &&
	test "$(file_error RSP_BANKA_20261128_000001)" = LIMIT_EXCEEDED &&
	test "$(stat -c %s spool/quarantine/RSP_BANKA_20261128_000001.xml)" = 65536 &&
	test "$(stat -c %s spool/quarantine/RSP_BANKA_20261128_000001.xml.p7s)" = 65536 &&
	test -z "$(ls $UP)" &&
	test "$(status_of PGD-2026-000001)" = BARU
'

test_expect_success 'a signature over 1 MiB refuses its pair, however small the data' '
	take_over t1 PGD-2026-000001 | rsp RSP_BANKA_20261128_000002 &&
	head -c 2000000 /dev/urandom >RSP_BANKA_20261128_000002.xml.p7s &&
	mv RSP_BANKA_20261128_000002.xml RSP_BANKA_20261128_000002.xml.p7s $UP/ &&
	slktx run 2>err &&
	test "$(file_error RSP_BANKA_20261128_000002)" = LIMIT_EXCEEDED &&
	xpath $(ack_for RSP_BANKA_20261128_000002) "string(//*[local-name()=\"FileError\"])" >text &&
	grep "its signature .RSP_BANKA_20261128_000002.xml.p7s. is over the limit of 1048576" text &&
	test "$(status_of PGD-2026-000001)" = BARU
'

test_expect_success 'links, FIFOs and folders on the exchange are told for what they are, and left alone' '
	ln -s /etc/passwd $OUT/${CB}_000009.xml &&
	mkfifo $OUT/${CB}_000010.xml &&
	mkdir $OUT/${CB}_000011.xml &&
	printf x >"$OUT/odd name.xml" &&
	slktx run --json >json 2>err &&
	test "$(json_get exit)" = 0 && test "$(json_get ignored)" = 4 &&
	grep "outbound/${CB}_000009.xml: a symbolic link, left alone" err &&
	grep "outbound/${CB}_000010.xml: a FIFO, left alone" err &&
	grep "outbound/${CB}_000011.xml: a directory, left alone" err &&
	grep "outbound/odd\\\\040name.xml: a name the exchange never uses" err &&
	! grep "fits no pattern" err &&
	test -L $OUT/${CB}_000009.xml && test -p $OUT/${CB}_000010.xml && test -d $OUT/${CB}_000011.xml &&
	rm -r $OUT/*
'

test_expect_success 'a remote file the hub cannot remove is that file s problem: the others go, exit 75, then 0' '
	take_over t1 PGD-2026-000001 | rsp RSP_BANKA_20261128_000003 &&
	drop_rsp RSP_BANKA_20261128_000003.xml PRODUCT &&
	new_ticket r1 PGD-2026-000004 ASURB | cb ${CB}_000004 &&
	drop_cb ${CB}_000004.xml &&
	chmod a-w $UP &&
	test_expect_code 75 no_dac slktx run --json >json 2>err; status=$?
	chmod u+w $UP &&
	test $status = 0 &&
	grep "cannot remove .*RSP_BANKA_20261128_000003.xml" err &&
	test "$(json_get fetched)" = 2 && test "$(json_get waiting)" = 1 &&
	test "$(file_status ${CB}_000004)" = ACCEPTED &&
	test "$(file_status RSP_BANKA_20261128_000003)" = ACCEPTED &&
	slktx run --json >json 2>err &&
	test "$(json_get exit)" = 0 && test "$(json_get fetched)" = 0 &&
	test -z "$(ls $UP)" &&
	test $(ledger "SELECT count(*) FROM file WHERE name = '"'"'RSP_BANKA_20261128_000003.xml'"'"'") = 1
'

test_expect_success 'a file left on the server and replaced by the sender with other bytes of the same size is fetched, not removed unseen' '
	take_over t1 PGD-2026-000001 | rsp RSP_BANKA_20261128_000006 &&
	drop_rsp RSP_BANKA_20261128_000006.xml PRODUCT &&
	chmod a-w $UP &&
	test_expect_code 75 no_dac slktx run 2>err; status=$?
	chmod u+w $UP &&
	test $status = 0 &&
	size=$(stat -c %s $UP/RSP_BANKA_20261128_000006.xml) &&
	take_over t9 PGD-2026-000001 | rsp RSP_BANKA_20261128_000006 &&
	test "$(stat -c %s RSP_BANKA_20261128_000006.xml)" = $size &&
	drop_rsp RSP_BANKA_20261128_000006.xml PRODUCT &&
	slktx run 2>err &&
	grep "RSP_BANKA_20261128_000006.xml: replaced by the sender since it was fetched" err &&
	test -z "$(ls $UP)" &&
	test $(ledger "SELECT count(*) FROM file WHERE name = '"'"'RSP_BANKA_20261128_000006.xml'"'"' AND state = '"'"'PROCESSED'"'"'") = 2 &&
	test "$(file_error RSP_BANKA_20261128_000006)" = DUPLICATE_BATCH_ID
'

test_expect_success 'a spool the hub may not write: exit 78 naming it, nothing fetched' '
	new_ticket r1 PGD-2026-000005 BANKA | cb ${CB}_000005 &&
	drop_cb ${CB}_000005.xml &&
	chmod -R a-w spool &&
	test_expect_code 78 no_dac slktx run 2>err; status=$?
	chmod -R u+w spool &&
	test $status = 0 &&
	grep "error: \\[spool\\] dir: .*spool. is not writable" err &&
	test -f $OUT/${CB}_000005.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000005)" = ACCEPTED
'

test_expect_success 'after_fetch = move, one name sent three times: each kept beside the last, every run exits 0' '
	printf "[transport]\nafter_fetch = move\nmove_to = /processed\n" >move.conf &&
	for i in 1 2 3; do
		new_ticket r1 PGD-2026-00001$i BANKA | cb ${CB}_000012 &&
		drop_cb ${CB}_000012.xml &&
		slktx --config move.conf run 2>err || return 1
	done &&
	test -f exchange/processed/${CB}_000012.xml &&
	test -f exchange/processed/${CB}_000012.xml.1 &&
	test -f exchange/processed/${CB}_000012.xml.2 && test -f exchange/processed/${CB}_000012.xml.p7s.2 &&
	test -z "$(ls $OUT)" &&
	test $(ledger "SELECT count(*) FROM file WHERE name = '"'"'${CB}_000012.xml'"'"'") = 3
'

test_done
