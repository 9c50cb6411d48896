#!/bin/sh
test_description='sender consistency: name, header, folder and signer must agree'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

take_over_file() {
	rsp $1 <<-REC
	<TakeOver id="t1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	REC
}

test_expect_success 'set up the hub, and BANKC with two officers only' '
	setup_hub &&
	new_ticket r1 PGD-2026-000001 BANKA | cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	slktx run 2>err &&
	test "$(file_status CB_OJK_20261127_000001)" = ACCEPTED &&
	for r in product service; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout pki/BANKC-$r.key -out pki/BANKC-$r.crt -subj "/CN=BANKC $r" \
			-CA pki/ca.crt -CAkey pki/ca.key -days 30 \
			-addext basicConstraints=critical,CA:FALSE \
			-addext keyUsage=critical,digitalSignature 2>/dev/null || return 1
	done &&
	slktx pujk add BANKC --name "PUJK BANKC" --sector BANK >/dev/null &&
	slktx officer add BANKC --role PRODUCT --name "BANKC product" --cert pki/BANKC-product.crt &&
	slktx officer add BANKC --role SERVICE --name "BANKC service" --cert pki/BANKC-service.crt &&
	mkdir -p exchange/pujk/BANKC/upload exchange/pujk/BANKC/download
'

test_expect_success 'a PUJK with two of its three officers is SENDER_NOT_ACTIVE' '
	ledger_counts >ledger.before &&
	take_over_file RSP_BANKC_20261128_000001 &&
	drop_as BANKC-service RSP_BANKC_20261128_000001.xml pujk/BANKC/upload &&
	slktx run 2>err &&
	rejected_whole RSP_BANKC_20261128_000001 SENDER_NOT_ACTIVE
'

test_expect_success 'a response of ASURB in the upload folder of BANKA is SENDER_MISMATCH' '
	ledger_counts >ledger.before &&
	take_over_file RSP_ASURB_20261128_000001 &&
	drop_as ASURB-service RSP_ASURB_20261128_000001.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	a=exchange/pujk/BANKA/download/ACK_RSP_ASURB_20261128_000001.xml &&
	rejected_whole $a SENDER_MISMATCH &&
	test ! -e exchange/pujk/ASURB/download/ACK_RSP_ASURB_20261128_000001.xml
'

test_expect_success 'a header PujkCode other than the name is SENDER_MISMATCH at its line' '
	ledger_counts >ledger.before &&
	take_over_file RSP_BANKA_20261128_000001 &&
	sed -i "s|<PujkCode>BANKA</PujkCode>|<PujkCode>ASURB</PujkCode>|" \
		RSP_BANKA_20261128_000001.xml &&
	drop_rsp RSP_BANKA_20261128_000001.xml SERVICE &&
	slktx run 2>err &&
	rejected_whole RSP_BANKA_20261128_000001 SENDER_MISMATCH &&
	set -- $(file_error_at RSP_BANKA_20261128_000001) &&
	test "$2" = 5
'

test_expect_success 'a response named RSP_BANKA signed by an officer of ASURB is SENDER_MISMATCH' '
	ledger_counts >ledger.before &&
	take_over_file RSP_BANKA_20261128_000002 &&
	drop_as ASURB-decision RSP_BANKA_20261128_000002.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	rejected_whole RSP_BANKA_20261128_000002 SENDER_MISMATCH
'

test_expect_success 'a complaint batch signed by an officer of a PUJK is SENDER_MISMATCH' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000002 BANKA | cb CB_OJK_20261127_000002 &&
	drop_as BANKA-decision CB_OJK_20261127_000002.xml slkt/outbound &&
	slktx run 2>err &&
	rejected_whole CB_OJK_20261127_000002 SENDER_MISMATCH
'

test_expect_success 'a header Sender other than the name is SENDER_MISMATCH' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000003 BANKA | cb CB_OJK_20261127_000003 &&
	sed -i "s|<Sender>OJK</Sender>|<Sender>SLKT</Sender>|" CB_OJK_20261127_000003.xml &&
	drop_cb CB_OJK_20261127_000003.xml &&
	slktx run 2>err &&
	rejected_whole CB_OJK_20261127_000003 SENDER_MISMATCH
'

test_expect_success 'a batch of another sender code in the intake folder is SENDER_MISMATCH' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000004 BANKA | cb CB_SLKT_20261127_000001 &&
	drop_cb CB_SLKT_20261127_000001.xml &&
	slktx run 2>err &&
	rejected_whole CB_SLKT_20261127_000001 SENDER_MISMATCH
'

test_expect_success 'a CB_ file dropped in a PUJK upload folder is NAME_INVALID, answered there' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000005 BANKA | cb CB_OJK_20261127_000005 &&
	drop_as intake CB_OJK_20261127_000005.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	rejected_whole exchange/pujk/BANKA/download/ACK_CB_OJK_20261127_000005.xml NAME_INVALID &&
	test ! -e "$(ack_for CB_OJK_20261127_000005)"
'

test_expect_success 'an RSP_ file in the intake folder is NAME_INVALID' '
	ledger_counts >ledger.before &&
	take_over_file RSP_BANKA_20261128_000003 &&
	drop_as BANKA-service RSP_BANKA_20261128_000003.xml slkt/outbound &&
	slktx run 2>err &&
	rejected_whole exchange/slkt/inbound/ACK_RSP_BANKA_20261128_000003.xml NAME_INVALID
'

test_expect_success 'a BatchId other than the name is NAME_INVALID at its line' '
	ledger_counts >ledger.before &&
	take_over_file RSP_BANKA_20261128_000004 &&
	sed -i "s|<BatchId>RSP_BANKA_20261128_000004<|<BatchId>RSP_BANKA_20261128_000009<|" \
		RSP_BANKA_20261128_000004.xml &&
	drop_rsp RSP_BANKA_20261128_000004.xml SERVICE &&
	slktx run 2>err &&
	rejected_whole RSP_BANKA_20261128_000004 NAME_INVALID &&
	set -- $(file_error_at RSP_BANKA_20261128_000004) &&
	test "$2" = 4
'

test_expect_success 'the names, header and signer agreeing, the take-over applies (the control)' '
	take_over_file RSP_BANKA_20261128_000005 &&
	drop_rsp RSP_BANKA_20261128_000005.xml PRODUCT &&
	slktx run 2>err &&
	test "$(file_status RSP_BANKA_20261128_000005)" = ACCEPTED &&
	test "$(xpath "$(ack_for RSP_BANKA_20261128_000005)" \
		"string(//*[local-name()=\"Signer\"]/@role)")" = PRODUCT &&
	test "$(status_of PGD-2026-000001)" = DIAMBIL_ALIH
'

test_expect_success 'a replaced officer may no longer sign; the new one may' '
	slktx officer replace BANKA --role DECISION --name "BANKA decision officer 2" \
		--cert pki/BANKA-decision2.crt >/dev/null &&
	ledger_counts >ledger.before &&
	rsp RSP_BANKA_20261128_000006 <<-REC &&
	<FollowUp id="f1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-22T10:00:00+07:00</At><Action>INVESTIGATING</Action><Note>Diperiksa.</Note></FollowUp>
	REC
	cp RSP_BANKA_20261128_000006.xml RSP_BANKA_20261128_000007.xml &&
	sed -i s/_000006/_000007/ RSP_BANKA_20261128_000007.xml &&
	drop_rsp RSP_BANKA_20261128_000006.xml DECISION &&
	slktx run 2>err &&
	rejected_whole RSP_BANKA_20261128_000006 SIGNER_NOT_REGISTERED &&
	drop_as BANKA-decision2 RSP_BANKA_20261128_000007.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	test "$(result RSP_BANKA_20261128_000007 f1)" = ACCEPTED &&
	a=$(ack_for RSP_BANKA_20261128_000007) &&
	test "$(xpath $a "string(//*[local-name()=\"Signer\"]/@officer)")" = "BANKA decision officer 2" &&
	test "$(xpath $a "string(//*[local-name()=\"Signer\"]/@role)")" = DECISION &&
	test "$(ledger "SELECT count(*) FROM officer WHERE pujk_code = '"'"'BANKA'"'"'")" = 4
'

test_done
