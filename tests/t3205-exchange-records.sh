#!/bin/sh
test_description='record-level codes and the ticket state machine, through real files'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
RSP=RSP_BANKA_20261128

# run, then the acknowledgement of BASE validates and verifies
run_ok() {
	slktx run 2>err && ack_ok "$1"
}

events_of() {
	ledger "SELECT count(*) FROM event WHERE ticket_no = '$1'"
}

test_expect_success 'set up the hub' 'setup_hub'

test_expect_success 'a NewTicket for an unregistered PUJK is PUJK_UNKNOWN; the others apply' '
	{ new_ticket r1 PGD-2026-000101 BANKA; new_ticket r2 PGD-2026-000102 BANKA
	  new_ticket r3 IND-2026-000103 BANKA; new_ticket r4 PGD-2026-000104 BANKA
	  new_ticket r5 PGD-2026-000105 BANKA; new_ticket r6 PGD-2026-000106 NOPE1; } |
		cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	run_ok ${CB}_000001 &&
	test "$(result ${CB}_000001 r6)" = "REJECTED PUJK_UNKNOWN" &&
	test "$(result ${CB}_000001 r5)" = ACCEPTED &&
	test "$(file_status ${CB}_000001)" = PARTIALLY_ACCEPTED &&
	test "$(n_results ${CB}_000001)" = 6 &&
	test -z "$(status_of PGD-2026-000106)" &&
	test "$(status_of PGD-2026-000105)" = BARU
'

test_expect_success 'records apply in document order: a follow-up before its take-over is INVALID_STATE' '
	{ follow_up f0 PGD-2026-000102; take_over t1 PGD-2026-000101
	  follow_up f1 PGD-2026-000101; take_over t2 PGD-2026-000102
	  take_over x1 PGD-2026-999999; } | rsp ${RSP}_000001 &&
	drop_rsp ${RSP}_000001.xml SERVICE &&
	run_ok ${RSP}_000001 &&
	test "$(result ${RSP}_000001 f0)" = "REJECTED INVALID_STATE" &&
	test "$(result ${RSP}_000001 t1)" = ACCEPTED &&
	test "$(result ${RSP}_000001 f1)" = ACCEPTED &&
	test "$(result ${RSP}_000001 t2)" = ACCEPTED &&
	test "$(result ${RSP}_000001 x1)" = "REJECTED TICKET_UNKNOWN" &&
	test "$(file_status ${RSP}_000001)" = PARTIALLY_ACCEPTED &&
	a=$(ack_for ${RSP}_000001) &&
	grep -o "recordId=\"[a-z0-9]*\"" $a | cut -d\" -f2 >order &&
	printf "f0\nt1\nf1\nt2\nx1\n" >expect && test_cmp expect order &&
	t1=$(xpath $a "string(//*[@recordId=\"t1\"]/@eventSeq)") &&
	f1=$(xpath $a "string(//*[@recordId=\"f1\"]/@eventSeq)") &&
	t2=$(xpath $a "string(//*[@recordId=\"t2\"]/@eventSeq)") &&
	test $t1 -lt $f1 && test $f1 -lt $t2 &&
	test "$(status_of PGD-2026-000101)" = DITINDAKLANJUTI &&
	test "$(status_of PGD-2026-000102)" = DIAMBIL_ALIH
'

test_expect_success 'a second TakeOver of a ticket is INVALID_STATE' '
	take_over t1 PGD-2026-000101 2026-11-26T10:00:00+07:00 | rsp ${RSP}_000002 &&
	drop_rsp ${RSP}_000002.xml PRODUCT &&
	run_ok ${RSP}_000002 &&
	test "$(result ${RSP}_000002 t1)" = "REJECTED INVALID_STATE" &&
	test "$(file_status ${RSP}_000002)" = REJECTED &&
	test "$(status_of PGD-2026-000101)" = DITINDAKLANJUTI
'

test_expect_success 'the same TakeOver resent byte for byte is DUPLICATE, not INVALID_STATE' '
	n=$(events_of PGD-2026-000101) &&
	take_over t9 PGD-2026-000101 | rsp ${RSP}_000003 &&
	drop_rsp ${RSP}_000003.xml PRODUCT &&
	run_ok ${RSP}_000003 &&
	test "$(result ${RSP}_000003 t9)" = DUPLICATE &&
	test "$(file_status ${RSP}_000003)" = ACCEPTED &&
	test "$(events_of PGD-2026-000101)" = $n &&
	test "$(status_of PGD-2026-000101)" = DITINDAKLANJUTI
'

test_expect_success 'a TakeOver of an indication (IND) is NOT_APPLICABLE' '
	{ take_over t1 IND-2026-000103; proposal p1 IND-2026-000103; } | rsp ${RSP}_000004 &&
	drop_rsp ${RSP}_000004.xml DECISION &&
	run_ok ${RSP}_000004 &&
	test "$(result ${RSP}_000004 t1)" = "REJECTED NOT_APPLICABLE" &&
	test "$(result ${RSP}_000004 p1)" = "REJECTED NOT_APPLICABLE" &&
	test "$(status_of IND-2026-000103)" = BARU
'

test_expect_success 'a proposal signed by the PRODUCT officer is ROLE_NOT_AUTHORIZED' '
	proposal p1 PGD-2026-000101 | rsp ${RSP}_000005 &&
	drop_rsp ${RSP}_000005.xml PRODUCT &&
	run_ok ${RSP}_000005 &&
	test "$(result ${RSP}_000005 p1)" = "REJECTED ROLE_NOT_AUTHORIZED" &&
	test "$(status_of PGD-2026-000101)" = DITINDAKLANJUTI
'

test_expect_success 'an At in the future or before ReceivedAt is TIME_INVALID; within the skew is not' '
	n=$(events_of PGD-2026-000102) &&
	{ follow_up f1 PGD-2026-000102 "$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%S+00:00)"
	  follow_up f2 PGD-2026-000102 2026-11-19T10:00:00+07:00
	  follow_up f3 PGD-2026-000102 "$(date -u -d "+60 seconds" +%Y-%m-%dT%H:%M:%S+00:00)"; } |
		rsp ${RSP}_000006 &&
	drop_rsp ${RSP}_000006.xml SERVICE &&
	run_ok ${RSP}_000006 &&
	test "$(result ${RSP}_000006 f1)" = "REJECTED TIME_INVALID" &&
	test "$(result ${RSP}_000006 f2)" = "REJECTED TIME_INVALID" &&
	test "$(result ${RSP}_000006 f3)" = ACCEPTED &&
	test "$(events_of PGD-2026-000102)" = $((n + 1)) &&
	test "$(status_of PGD-2026-000102)" = DITINDAKLANJUTI
'

test_expect_success 'proposals by the DECISION officer: both tickets USULAN_SELESAI' '
	{ proposal p1 PGD-2026-000101; proposal p2 PGD-2026-000102; } | rsp ${RSP}_000007 &&
	drop_rsp ${RSP}_000007.xml DECISION &&
	run_ok ${RSP}_000007 &&
	test "$(file_status ${RSP}_000007)" = ACCEPTED &&
	test "$(status_of PGD-2026-000101)" = USULAN_SELESAI &&
	test "$(status_of PGD-2026-000102)" = USULAN_SELESAI
'

test_expect_success 'Decision ACCEPTED ends in SELESAI, REJECTED goes back to DITINDAKLANJUTI' '
	{ decision d1 PGD-2026-000101 ACCEPTED; decision d2 PGD-2026-000102 REJECTED
	  decision d3 PGD-2026-000104 ACCEPTED; decision d4 PGD-2026-999999 ACCEPTED; } |
		cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	run_ok ${CB}_000002 &&
	test "$(result ${CB}_000002 d1)" = ACCEPTED &&
	test "$(result ${CB}_000002 d2)" = ACCEPTED &&
	test "$(result ${CB}_000002 d3)" = "REJECTED INVALID_STATE" &&
	test "$(result ${CB}_000002 d4)" = "REJECTED TICKET_UNKNOWN" &&
	test "$(status_of PGD-2026-000101)" = SELESAI &&
	test "$(status_of PGD-2026-000102)" = DITINDAKLANJUTI &&
	test "$(status_of PGD-2026-000104)" = BARU
'

test_expect_success 'an OjkNote keeps the status; on a SELESAI ticket it is INVALID_STATE' '
	n=$(events_of PGD-2026-000102) &&
	{ ojk_note n1 PGD-2026-000102; ojk_note n2 PGD-2026-000101; } | cb ${CB}_000003 &&
	drop_cb ${CB}_000003.xml &&
	run_ok ${CB}_000003 &&
	test "$(result ${CB}_000003 n1)" = ACCEPTED &&
	test "$(result ${CB}_000003 n2)" = "REJECTED INVALID_STATE" &&
	test "$(events_of PGD-2026-000102)" = $((n + 1)) &&
	test "$(status_of PGD-2026-000102)" = DITINDAKLANJUTI &&
	test "$(status_of PGD-2026-000101)" = SELESAI
'

test_expect_success 'a follow-up on a SELESAI ticket is INVALID_STATE' '
	follow_up f1 PGD-2026-000101 2026-11-26T10:00:00+07:00 | rsp ${RSP}_000008 &&
	drop_rsp ${RSP}_000008.xml SERVICE &&
	run_ok ${RSP}_000008 &&
	test "$(result ${RSP}_000008 f1)" = "REJECTED INVALID_STATE"
'

test_expect_success 'a Closure ends in DITUTUP; a second one and a TakeOver are INVALID_STATE' '
	{ closure c1 PGD-2026-000104; closure c2 PGD-2026-000104 2026-11-25T10:00:00+07:00; } |
		cb ${CB}_000004 &&
	drop_cb ${CB}_000004.xml &&
	run_ok ${CB}_000004 &&
	test "$(result ${CB}_000004 c1)" = ACCEPTED &&
	test "$(result ${CB}_000004 c2)" = "REJECTED INVALID_STATE" &&
	test "$(status_of PGD-2026-000104)" = DITUTUP &&
	take_over t1 PGD-2026-000104 | rsp ${RSP}_000009 &&
	drop_rsp ${RSP}_000009.xml SERVICE &&
	run_ok ${RSP}_000009 &&
	test "$(result ${RSP}_000009 t1)" = "REJECTED INVALID_STATE"
'

test_expect_success 'Misrouted sends the ticket back: DIKEMBALIKAN; a TakeOver after it is INVALID_STATE' '
	{ misrouted m1 PGD-2026-000105; take_over t1 PGD-2026-000105; } | rsp ${RSP}_000010 &&
	drop_rsp ${RSP}_000010.xml SERVICE &&
	run_ok ${RSP}_000010 &&
	test "$(result ${RSP}_000010 m1)" = ACCEPTED &&
	test "$(result ${RSP}_000010 t1)" = "REJECTED INVALID_STATE" &&
	test "$(status_of PGD-2026-000105)" = DIKEMBALIKAN
'

test_expect_success 'Reassign to an unknown PUJK is PUJK_UNKNOWN, to the same one INVALID_STATE' '
	{ reassign a1 PGD-2026-000102 NOPE1; reassign a2 PGD-2026-000102 BANKA; } |
		cb ${CB}_000005 &&
	drop_cb ${CB}_000005.xml &&
	run_ok ${CB}_000005 &&
	test "$(result ${CB}_000005 a1)" = "REJECTED PUJK_UNKNOWN" &&
	test "$(result ${CB}_000005 a2)" = "REJECTED INVALID_STATE" &&
	test "$(ledger "SELECT pujk_code FROM ticket WHERE no = '"'"'PGD-2026-000102'"'"'")" = BANKA
'

test_expect_success 'Reassign moves the ticket to ASURB: BARU there' '
	reassign a1 PGD-2026-000105 ASURB | cb ${CB}_000006 &&
	drop_cb ${CB}_000006.xml &&
	run_ok ${CB}_000006 &&
	test "$(result ${CB}_000006 a1)" = ACCEPTED &&
	test "$(status_of PGD-2026-000105)" = BARU &&
	test "$(ledger "SELECT pujk_code FROM ticket WHERE no = '"'"'PGD-2026-000105'"'"'")" = ASURB
'

test_expect_success 'ASURB receives it as a NewTicket due 10 working days after the reassignment' '
	d=$(grep -l PGD-2026-000105 exchange/pujk/ASURB/download/DSP_*.xml) &&
	test $(echo "$d" | wc -l) = 1 &&
	slktx validate $d &&
	it="//*[local-name()=\"NewTicket\"][*[local-name()=\"TicketNo\"]=\"PGD-2026-000105\"]" &&
	test "$(xpath $d "count($it)")" = 1 &&
	test "$(xpath $d "count(//*[local-name()=\"Items\"]/*)")" = 1 &&
	test "$(xpath $d "string($it/@status)")" = BARU &&
	test "$(xpath $d "string($it/@dueDate)")" = 2026-12-09 &&
	test "$(xpath $d "string($it/*[local-name()=\"PujkCode\"])")" = ASURB &&
	test "$(xpath $d "string($it/*[local-name()=\"Subject\"])")" = "Transaksi tidak dikenal" &&
	test "$(xpath $d "string($it/*[local-name()=\"ReceivedAt\"])")" = 2026-11-20T09:00:00+07:00
'

test_expect_success 'BANKA receives the Reassign; its later records on the ticket are TICKET_UNKNOWN' '
	d=$(grep -l "<Reassign" exchange/pujk/BANKA/download/DSP_*.xml) &&
	test $(echo "$d" | wc -l) = 1 &&
	it="//*[local-name()=\"Reassign\"]" &&
	test "$(xpath $d "string($it/*[local-name()=\"TicketNo\"])")" = PGD-2026-000105 &&
	test "$(xpath $d "string($it/*[local-name()=\"PujkCode\"])")" = ASURB &&
	misrouted m1 PGD-2026-000105 2026-11-26T10:00:00+07:00 | rsp ${RSP}_000011 &&
	drop_rsp ${RSP}_000011.xml SERVICE &&
	run_ok ${RSP}_000011 &&
	test "$(result ${RSP}_000011 m1)" = "REJECTED TICKET_UNKNOWN" &&
	take_over t1 PGD-2026-000105 2026-11-26T10:00:00+07:00 | rsp RSP_ASURB_20261128_000001 &&
	drop_rsp RSP_ASURB_20261128_000001.xml SERVICE &&
	run_ok RSP_ASURB_20261128_000001 &&
	test "$(result RSP_ASURB_20261128_000001 t1)" = ACCEPTED &&
	test "$(status_of PGD-2026-000105)" = DIAMBIL_ALIH
'

test_expect_success 'OJK records on the ticket after the reassignment reach ASURB only' '
	ls exchange/pujk/BANKA/download/DSP_*.xml >banka.before &&
	ojk_note n1 PGD-2026-000105 2026-11-26T11:00:00+07:00 | cb ${CB}_000007 &&
	drop_cb ${CB}_000007.xml &&
	run_ok ${CB}_000007 &&
	test "$(result ${CB}_000007 n1)" = ACCEPTED &&
	ls exchange/pujk/BANKA/download/DSP_*.xml >banka.after &&
	test_cmp banka.before banka.after &&
	d=$(ls exchange/pujk/ASURB/download/DSP_*.xml | tail -n 1) &&
	test "$(xpath $d "string(//*[local-name()=\"OjkNote\"]/@status)")" = DIAMBIL_ALIH
'

test_expect_success 'an indication: FollowUp answers it, Decision is NOT_APPLICABLE, Misrouted returns it' '
	{ new_ticket r1 IND-2026-000107 BANKA
	  new_ticket r2 PGD-2026-000108 BANKA "$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%S+00:00)"
	  decision d1 IND-2026-000107 ACCEPTED; } | cb ${CB}_000008 &&
	drop_cb ${CB}_000008.xml &&
	run_ok ${CB}_000008 &&
	test "$(result ${CB}_000008 r1)" = ACCEPTED &&
	test "$(result ${CB}_000008 r2)" = "REJECTED TIME_INVALID" &&
	test "$(result ${CB}_000008 d1)" = "REJECTED NOT_APPLICABLE" &&
	{ follow_up f1 IND-2026-000107; follow_up f2 IND-2026-000107 2026-11-23T10:00:00+07:00; } |
		rsp ${RSP}_000012 &&
	drop_rsp ${RSP}_000012.xml SERVICE &&
	run_ok ${RSP}_000012 &&
	test "$(result ${RSP}_000012 f2)" = ACCEPTED &&
	test "$(status_of IND-2026-000107)" = DITANGGAPI &&
	misrouted m1 IND-2026-000107 2026-11-24T10:00:00+07:00 | rsp ${RSP}_000013 &&
	drop_rsp ${RSP}_000013.xml SERVICE &&
	run_ok ${RSP}_000013 &&
	test "$(result ${RSP}_000013 m1)" = ACCEPTED &&
	test "$(status_of IND-2026-000107)" = DIKEMBALIKAN
'

test_expect_success 'a ReceivedAt or an At before 2000-01-01 is TIME_INVALID; 2000-01-01 is not' '
	{ new_ticket r1 PGD-2026-000109 BANKA 0001-01-01T00:00:00+07:00
	  new_ticket r2 PGD-2026-000110 BANKA 1900-01-01T00:00:00+07:00
	  new_ticket r3 PGD-2026-000111 BANKA 1999-12-31T23:59:59Z
	  ojk_note n1 PGD-2026-000105 1999-12-31T23:59:59Z; } | cb ${CB}_000009 &&
	test_expect_code 65 slktx validate ${CB}_000009.xml >out &&
	grep "TIME_INVALID: record .r2.: 1900-01-01T00:00:00+07:00 lies before 2000-01-01" out &&
	drop_cb ${CB}_000009.xml &&
	run_ok ${CB}_000009 &&
	for r in r1 r2 r3 n1; do
		test "$(result ${CB}_000009 $r)" = "REJECTED TIME_INVALID" || exit 1
	done &&
	test -z "$(status_of PGD-2026-000109)" && test -z "$(status_of PGD-2026-000110)" &&
	slktx ticket list >out &&
	! grep -e PGD-2026-000109 -e PGD-2026-000110 -e PGD-2026-000111 out &&
	new_ticket r1 PGD-2026-000112 BANKA 2000-01-01T00:00:00Z | cb ${CB}_000099 &&
	slktx validate ${CB}_000099.xml
'

test_expect_success 'a header CreatedAt before 2000 or more than a day ahead rejects the file' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000113 BANKA | cb ${CB}_000010 &&
	sed -i "s|<CreatedAt>[^<]*<|<CreatedAt>9999-12-31T23:59:59+07:00<|" ${CB}_000010.xml &&
	test_expect_code 65 slktx validate ${CB}_000010.xml >out &&
	grep "SCHEMA_INVALID: CreatedAt .9999-12-31T23:59:59+07:00. lies more than a day in the future" out &&
	drop_cb ${CB}_000010.xml &&
	run_ok ${CB}_000010 &&
	rejected_whole ${CB}_000010 SCHEMA_INVALID &&
	new_ticket r1 PGD-2026-000113 BANKA | cb ${CB}_000011 &&
	sed -i "s|<CreatedAt>[^<]*<|<CreatedAt>1900-01-01T00:00:00+07:00<|" ${CB}_000011.xml &&
	test_expect_code 65 slktx validate ${CB}_000011.xml >out &&
	grep "SCHEMA_INVALID: CreatedAt .1900-01-01T00:00:00+07:00. lies before 2000-01-01" out &&
	new_ticket r1 PGD-2026-000113 BANKA | cb ${CB}_000012 &&
	sed -i "s|<CreatedAt>[^<]*<|<CreatedAt>$(date -u -d "+23 hours" +%Y-%m-%dT%H:%M:%SZ)<|" \
		${CB}_000012.xml &&
	slktx validate ${CB}_000012.xml
'

test_expect_success 'every accepted record is one event in the history, nothing else is' '
	test "$(ledger "SELECT count(*) FROM event")" = \
		"$(ledger "SELECT sum(accepted) FROM file WHERE state = '"'"'PROCESSED'"'"'")"
'

test_expect_success 'every event went to its PUJK once; the former PUJK got the Reassign too' '
	for p in BANKA ASURB; do
		dsp_seqs $p | sort -n >got.$p &&
		test "$(uniq -d got.$p)" = "" &&
		ledger "SELECT seq FROM event WHERE actor = '"'"'INTAKE'"'"'
			AND (pujk_code = '"'"'$p'"'"' OR prior_pujk = '"'"'$p'"'"') ORDER BY seq" >want.$p &&
		test_cmp want.$p got.$p || return 1
	done &&
	reassign=$(ledger "SELECT seq FROM event WHERE record = '"'"'Reassign'"'"'") &&
	grep -x $reassign got.BANKA && grep -x $reassign got.ASURB &&
	test "$(ledger "SELECT count(*) FROM event WHERE actor = '"'"'INTAKE'"'"'")" = 12 &&
	test $(cat got.BANKA got.ASURB | wc -l) = 13
'

test_expect_success 'every acknowledgement and dispatch validates and verifies' '
	for f in exchange/slkt/inbound/*.xml exchange/pujk/*/download/*.xml; do
		ack_ok $f || return 1
	done
'

test_done
