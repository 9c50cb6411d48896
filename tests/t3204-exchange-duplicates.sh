#!/bin/sh
test_description='duplicate files, batch ids and records: nothing applies twice'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
INBOUND=exchange/slkt/inbound

test_expect_success 'set up the hub; a first batch is applied, a copy of it kept' '
	setup_hub &&
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r2 IND-2026-000002 ASURB; } |
		cb ${CB}_000001 &&
	slktx sign --cert pki/intake.crt --key pki/intake.key ${CB}_000001.xml >/dev/null &&
	mkdir keep && cp ${CB}_000001.xml ${CB}_000001.xml.p7s keep/ &&
	mv ${CB}_000001.xml ${CB}_000001.xml.p7s exchange/slkt/outbound/ &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000001)" = ACCEPTED &&
	cp $INBOUND/ACK_${CB}_000001.xml first-ack.xml
'

test_expect_success 'the same bytes again, the first answer not taken yet: a second answer, exit 0' '
	ledger_counts >ledger.before &&
	cp keep/* exchange/slkt/outbound/ &&
	slktx run 2>err &&
	test_cmp first-ack.xml $INBOUND/ACK_${CB}_000001.xml &&
	test "$(ack_for ${CB}_000001)" = $INBOUND/ACK_${CB}_000001_2.xml &&
	rejected_whole ${CB}_000001 DUPLICATE_FILE &&
	test "$(xpath $INBOUND/ACK_${CB}_000001_2.xml \
		"string(//*[local-name()=\"AckId\"])")" = ACK_${CB}_000001_2 &&
	test "$(xpath $INBOUND/ACK_${CB}_000001_2.xml \
		"string(//*[local-name()=\"DuplicateOf\"])")" = ACK_${CB}_000001.xml &&
	test ! -e exchange/slkt/outbound/${CB}_000001.xml &&
	test -z "$(find spool/outbox -type f)"
'

test_expect_success 'once the intake took the answers, the next is the third, naming the first' '
	ledger_counts >ledger.before &&
	rm $INBOUND/ACK_${CB}_000001* &&
	cp keep/* exchange/slkt/outbound/ &&
	slktx run 2>err &&
	test "$(ack_for ${CB}_000001)" = $INBOUND/ACK_${CB}_000001_3.xml &&
	rejected_whole ${CB}_000001 DUPLICATE_FILE &&
	test "$(xpath $INBOUND/ACK_${CB}_000001_3.xml \
		"string(//*[local-name()=\"DuplicateOf\"])")" = ACK_${CB}_000001.xml &&
	test "$(status_of PGD-2026-000001)" = BARU &&
	test "$(ledger "SELECT count(*) FROM file WHERE name = '"'"'${CB}_000001.xml'"'"'")" = 3
'

test_expect_success 'the same name with other bytes is DUPLICATE_BATCH_ID' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000003 BANKA | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000001 DUPLICATE_BATCH_ID &&
	test -z "$(status_of PGD-2026-000003)"
'

test_expect_success 'a record resent in a new file is DUPLICATE, the file ACCEPTED' '
	ledger_counts >ledger.before &&
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r9 PGD-2026-000009 BANKA; } |
		cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000002)" = ACCEPTED &&
	test "$(result ${CB}_000002 r1)" = DUPLICATE &&
	test "$(result ${CB}_000002 r9)" = ACCEPTED &&
	a=$(ack_for ${CB}_000002) &&
	test "$(xpath $a "string(//*[local-name()=\"Counts\"]/@duplicate)")" = 1 &&
	test "$(xpath $a "string(//*[local-name()=\"Counts\"]/@accepted)")" = 1 &&
	test "$(ledger "SELECT count(*) FROM event WHERE ticket_no = '"'"'PGD-2026-000001'"'"'")" = 1 &&
	ack_ok ${CB}_000002
'

test_expect_success 'the same ticket number with other fields is TICKET_EXISTS' '
	new_ticket r1 PGD-2026-000001 ASURB | cb ${CB}_000003 &&
	drop_cb ${CB}_000003.xml &&
	slktx run 2>err &&
	test "$(result ${CB}_000003 r1)" = "REJECTED TICKET_EXISTS" &&
	test "$(file_status ${CB}_000003)" = REJECTED &&
	test "$(ledger "SELECT pujk_code FROM ticket WHERE no = '"'"'PGD-2026-000001'"'"'")" = BANKA
'

test_expect_success 'the archive keeps each input sent again, its signature and answer' '
	find spool/archive spool/sent -name "*${CB}_000001.xml*" | sort >kept &&
	test "$(grep -c "/${CB}_000001.xml$" kept)" = 4 &&
	test "$(grep -c "/${CB}_000001.xml.p7s$" kept)" = 4 &&
	find spool/archive spool/sent -name "ACK_${CB}_000001*" | sort >answers &&
	for n in "" _2 _3 _4; do
		test "$(grep -c "archive/.*/ACK_${CB}_000001$n.xml$" answers)" = 1 &&
		test "$(grep -c "archive/.*/ACK_${CB}_000001$n.xml.p7s$" answers)" = 1 &&
		test "$(grep -c "sent/.*/ACK_${CB}_000001$n.xml$" answers)" = 1 || return 1
	done &&
	for a in $(grep "ACK_.*xml$" answers); do ack_ok $a || return 1; done &&
	test "$(sha256sum $(grep "archive/.*/${CB}_000001.xml$" kept) | cut -c1-64 | sort -u | wc -l)" = 2
'

test_expect_success 'sent again, fetched by one command and judged by the next: DUPLICATE_FILE' '
	ledger_counts >ledger.before &&
	rm -f $INBOUND/ACK_${CB}_000001* &&
	cp keep/* exchange/slkt/outbound/ &&
	slktx fetch 2>err &&
	test -f spool/inbox/${CB}_000001.xml &&
	slktx process 2>err &&
	test ! -e spool/inbox/${CB}_000001.xml &&
	slktx push 2>err &&
	rejected_whole ${CB}_000001 DUPLICATE_FILE
'

test_expect_success 'sent again, the run killed before its commit: the answer sent is the committed one' '
	ledger_counts >ledger.before &&
	rm -f $INBOUND/ACK_${CB}_000001* &&
	cp keep/* exchange/slkt/outbound/ &&
	# CreatedAt counts seconds: the killed attempt answers unlike the last one
	sleep 1 &&
	test_expect_code 137 env SLKTX_FAULT=after-ack slktx run 2>err &&
	slktx run 2>err &&
	grep "left by an interrupted run" err &&
	rejected_whole ${CB}_000001 DUPLICATE_FILE &&
	test -z "$(find spool/outbox -type f)" &&
	ledger "SELECT sha256 FROM outfile WHERE kind = '"'"'ACK'"'"' ORDER BY id" >want &&
	for f in $(find spool/sent -name "ACK_*.xml"); do sha256sum <$f | cut -c1-64; done |
		sort >got &&
	sort want >want.sorted && test_cmp want.sorted got
'

test_expect_success 'sent again before the first was judged: it waits, then is DUPLICATE_FILE' '
	ledger_counts >ledger.before &&
	rm -f $INBOUND/ACK_${CB}_000001* &&
	new_ticket r1 PGD-2026-000020 BANKA | cb ${CB}_000020 &&
	slktx sign --cert pki/intake.crt --key pki/intake.key ${CB}_000020.xml >/dev/null &&
	cp ${CB}_000020.xml ${CB}_000020.xml.p7s keep/ &&
	mv ${CB}_000020.xml ${CB}_000020.xml.p7s exchange/slkt/outbound/ &&
	slktx fetch 2>err &&
	cp keep/${CB}_000020.xml* exchange/slkt/outbound/ &&
	slktx fetch 2>err &&
	grep "${CB}_000020.xml: waits until the earlier file of that name is processed" err &&
	test -f exchange/slkt/outbound/${CB}_000020.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000020)" = ACCEPTED &&
	test -f exchange/slkt/outbound/${CB}_000020.xml &&
	rm $INBOUND/ACK_${CB}_000020.xml* &&
	slktx run 2>err &&
	test "$(file_error ${CB}_000020)" = DUPLICATE_FILE &&
	test "$(status_of PGD-2026-000020)" = BARU &&
	test "$(ledger "SELECT count(*) FROM event WHERE ticket_no = '"'"'PGD-2026-000020'"'"'")" = 1
'

test_expect_success 'a forged file takes no batch id: the real one that follows applies' '
	new_ticket r1 PGD-2026-000030 BANKA | cb ${CB}_000030 &&
	cp ${CB}_000030.xml real.xml &&
	sed -i s/Budi/Mallory/ ${CB}_000030.xml &&
	head -c 300 /dev/urandom >${CB}_000030.xml.p7s &&
	mv ${CB}_000030.xml ${CB}_000030.xml.p7s exchange/slkt/outbound/ &&
	slktx run 2>err &&
	test "$(file_error ${CB}_000030)" = SIGNATURE_INVALID &&
	rm $INBOUND/ACK_${CB}_000030.xml* &&
	mv real.xml ${CB}_000030.xml &&
	drop_cb ${CB}_000030.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000030)" = ACCEPTED &&
	test "$(status_of PGD-2026-000030)" = BARU
'

test_expect_success 'an unsigned file with a bad schema too: only the signature is judged, never the content' '
	new_ticket r1 PGD-2026-000031 BANKA | cb ${CB}_000031 &&
	cp ${CB}_000031.xml real.xml &&
	sed -i "s|<Channel>WEB|<Channel>FAX|" ${CB}_000031.xml &&
	drop_as unregistered ${CB}_000031.xml slkt/outbound &&
	slktx run 2>err &&
	test "$(file_error ${CB}_000031)" = SIGNER_NOT_REGISTERED &&
	xpath $(ack_for ${CB}_000031) "//*[local-name()=\"FileError\"]/@code" >codes &&
	echo " code=\"SIGNER_NOT_REGISTERED\"" >expect && test_cmp expect codes &&
	test -z "$(xpath $(ack_for ${CB}_000031) "string(//*[local-name()=\"OriginalBatchId\"])")" &&
	rm $INBOUND/ACK_${CB}_000031.xml* &&
	mv real.xml ${CB}_000031.xml &&
	drop_cb ${CB}_000031.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000031)" = ACCEPTED
'

test_expect_success 'a file whose signature never came takes no batch id either' '
	new_ticket r1 PGD-2026-000032 BANKA | cb ${CB}_000032 &&
	slktx sign --cert pki/intake.crt --key pki/intake.key ${CB}_000032.xml >/dev/null &&
	cp ${CB}_000032.xml exchange/slkt/outbound/ &&
	touch -d "-2 days" exchange/slkt/outbound/${CB}_000032.xml &&
	slktx run 2>err &&
	test "$(file_error ${CB}_000032)" = SIGNATURE_MISSING &&
	rm $INBOUND/ACK_${CB}_000032.xml* &&
	mv ${CB}_000032.xml ${CB}_000032.xml.p7s exchange/slkt/outbound/ &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000032)" = ACCEPTED &&
	test "$(status_of PGD-2026-000032)" = BARU
'

test_expect_success 'one name sent four ways in one night: each answer has its own name, every run exits 0' '
	B=${CB}_000040 &&
	new_ticket r1 PGD-2026-000040 BANKA | cb $B &&
	cp $B.xml four.xml &&
	drop_cb $B.xml &&
	slktx run 2>err &&
	test "$(file_status $B)" = ACCEPTED &&
	cp four.xml $B.xml && drop_cb $B.xml &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $INBOUND/ACK_${B}_2.xml &&
	test "$(file_error $B)" = DUPLICATE_FILE &&
	sed s/Budi/Badu/ four.xml >$B.xml && drop_cb $B.xml &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $INBOUND/ACK_${B}_3.xml &&
	test "$(file_error $B)" = DUPLICATE_BATCH_ID &&
	mkdir pkg40 && cp four.xml pkg40/payload.xml &&
	(cd pkg40 && zip -q -X ../$B.zip payload.xml) &&
	drop_cb $B.zip &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $INBOUND/ACK_${B}_4.xml &&
	test "$(file_error $B)" = DUPLICATE_BATCH_ID &&
	for n in "" _2 _3 _4; do
		ack_ok $INBOUND/ACK_$B$n.xml &&
		test "$(xpath $INBOUND/ACK_$B$n.xml "string(//*[local-name()=\"AckId\"])")" = ACK_$B$n ||
		return 1
	done &&
	rm $INBOUND/ACK_${B}* &&
	cp four.xml $B.xml && drop_cb $B.xml &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $INBOUND/ACK_${B}_5.xml &&
	test "$(file_error $B)" = DUPLICATE_FILE &&
	ack_ok $B &&
	test "$(ledger "SELECT count(*) FROM event WHERE ticket_no = '"'"'PGD-2026-000040'"'"'")" = 1 &&
	test -z "$(find spool/outbox -type f)"
'

test_done
