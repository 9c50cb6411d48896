#!/bin/sh
test_description='PUJK_NOT_ACTIVE: no ticket goes to a PUJK registered without its three officers'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127

# officer_cert NAME ROLE: a P-256 certificate from the test CA for a BANKC officer
officer_cert() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out pki/$1.key &&
	openssl req -new -config pki/ca-db/ca.cnf -key pki/$1.key \
		-subj "/C=ID/O=Bank C/OU=$2/CN=$1" -out $1.csr &&
	openssl ca -batch -notext -config pki/ca-db/ca.cnf -extensions leaf -in $1.csr \
		-out pki/$1.crt -startdate "$(date -u -d "-1 day" +%Y%m%d%H%M%SZ)" \
		-enddate "$(date -u -d "+700 days" +%Y%m%d%H%M%SZ)" 2>/dev/null
}

# nothing of BANKC anywhere: its folder, the ledger's events, tickets and dispatches
nothing_for_bankc() {
	test -z "$(find exchange/pujk/BANKC -type f)" &&
	test "$(ledger "SELECT count(*) FROM ticket WHERE pujk_code = '"'"'BANKC'"'"'")" = 0 &&
	test "$(ledger "SELECT count(*) FROM event WHERE pujk_code = '"'"'BANKC'"'"'
		OR prior_pujk = '"'"'BANKC'"'"' OR detail LIKE '"'"'%BANKC%'"'"'")" = 0 &&
	test "$(ledger "SELECT count(*) FROM dispatch WHERE pujk_code = '"'"'BANKC'"'"'")" = 0 &&
	test "$(ledger "SELECT count(*) FROM dispatch_cursor WHERE pujk_code = '"'"'BANKC'"'"'
		AND last_seq > 0")" = 0 &&
	test "$(ledger "SELECT count(*) FROM outfile WHERE destination LIKE '"'"'%BANKC%'"'"'")" = 0 &&
	test -z "$(find spool/outbox -path "*BANKC*" -type f)"
}

test_expect_success 'set up: BANKC registered with two officers of three' '
	setup_hub &&
	slktx pujk add BANKC --name "PUJK BANKC" --sector BANK >/dev/null &&
	officer_cert BANKC-product PRODUCT && officer_cert BANKC-service SERVICE &&
	officer_cert BANKC-decision DECISION &&
	slktx officer add BANKC --role PRODUCT --name "BANKC product officer" \
		--cert pki/BANKC-product.crt >/dev/null &&
	slktx officer add BANKC --role SERVICE --name "BANKC service officer" \
		--cert pki/BANKC-service.crt >/dev/null &&
	mkdir -p exchange/pujk/BANKC/upload exchange/pujk/BANKC/download &&
	slktx pujk list >list && grep BANKC list
'

test_expect_success 'a NewTicket to it is PUJK_NOT_ACTIVE; to an unregistered one PUJK_UNKNOWN' '
	{ new_ticket r1 PGD-2026-000301 BANKC
	  new_ticket r2 PGD-2026-000302 NOSUCH
	  new_ticket r3 PGD-2026-000303 BANKA; } | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml && slktx run 2>err &&
	test "$(result ${CB}_000001 r1)" = "REJECTED PUJK_NOT_ACTIVE" &&
	test "$(result ${CB}_000001 r2)" = "REJECTED PUJK_UNKNOWN" &&
	test "$(result ${CB}_000001 r3)" = ACCEPTED &&
	test "$(file_status ${CB}_000001)" = PARTIALLY_ACCEPTED &&
	xpath $(ack_for ${CB}_000001) "string(//*[local-name()=\"Result\"][@recordId=\"r1\"])" >why &&
	grep "BANKC" why && ack_ok ${CB}_000001 &&
	test -z "$(status_of PGD-2026-000301)" &&
	nothing_for_bankc
'

test_expect_success 'a Reassign to it is PUJK_NOT_ACTIVE: the ticket stays where it was' '
	take_over t1 PGD-2026-000303 | rsp RSP_BANKA_20261128_000001 &&
	drop_rsp RSP_BANKA_20261128_000001.xml SERVICE &&
	reassign ra PGD-2026-000303 BANKC | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml && slktx run 2>err &&
	test "$(result ${CB}_000002 ra)" = "REJECTED PUJK_NOT_ACTIVE" &&
	test "$(ledger "SELECT pujk_code, status FROM ticket WHERE no = '"'"'PGD-2026-000303'"'"'")" = \
		"BANKA|DIAMBIL_ALIH" &&
	test "$(ledger "SELECT count(*) FROM event WHERE record = '"'"'Reassign'"'"'")" = 0 &&
	nothing_for_bankc &&
	slktx run 2>err && nothing_for_bankc
'

test_expect_success 'with its third officer it is active: the same records now go through' '
	slktx officer add BANKC --role DECISION --name "BANKC decision officer" \
		--cert pki/BANKC-decision.crt >/dev/null &&
	{ new_ticket r1 PGD-2026-000301 BANKC
	  reassign ra PGD-2026-000303 BANKC; } | cb ${CB}_000003 &&
	drop_cb ${CB}_000003.xml && slktx run 2>err &&
	test "$(result ${CB}_000003 r1)" = ACCEPTED &&
	test "$(result ${CB}_000003 ra)" = ACCEPTED &&
	d=$(ls exchange/pujk/BANKC/download/DSP_BANKC_*.xml) &&
	xmllint --noout --schema "$XSD/dispatch.xsd" $d &&
	openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
		-content $d -in $d.p7s -out /dev/null 2>/dev/null &&
	test "$(xpath $d "count(//*[local-name()=\"Items\"]/*[local-name()=\"NewTicket\"])")" = 2
'

test_done
