#!/bin/sh
test_description='one exchange on the local transport: batch in, answers out'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

test_expect_success 'set up the hub' 'setup_hub'

test_expect_success 'a complaint batch is fetched, applied and acknowledged' '
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r2 IND-2026-000002 ASURB; } |
		cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	slktx run 2>err &&
	test "$(file_status CB_OJK_20261127_000001)" = ACCEPTED &&
	test "$(result CB_OJK_20261127_000001 r1)" = ACCEPTED &&
	slktx validate "$(ack_for CB_OJK_20261127_000001)" &&
	openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
		-content "$(ack_for CB_OJK_20261127_000001)" \
		-in "$(ack_for CB_OJK_20261127_000001).p7s" -out /dev/null
'

test_expect_success 'the fetched pair is gone from the server, kept in the archive' '
	test ! -e exchange/slkt/outbound/CB_OJK_20261127_000001.xml &&
	test ! -e exchange/slkt/outbound/CB_OJK_20261127_000001.xml.p7s &&
	ls spool/archive/*/*/*/CB_OJK_20261127_000001.xml.p7s &&
	ls spool/archive/*/*/*/ACK_CB_OJK_20261127_000001.xml.p7s
'

test_expect_success 'each PUJK gets a signed, valid dispatch with its own ticket only' '
	ls exchange/pujk/BANKA/download/DSP_BANKA_*_000001.xml.p7s &&
	d=$(ls exchange/pujk/BANKA/download/DSP_BANKA_*.xml) &&
	slktx validate "$d" &&
	grep -q PGD-2026-000001 "$d" && ! grep -q IND-2026-000002 "$d" &&
	d=$(ls exchange/pujk/ASURB/download/DSP_ASURB_*.xml) &&
	grep -q IND-2026-000002 "$d" && ! grep -q PGD-2026-000001 "$d"
'

test_expect_success 'a second run finds nothing to do' '
	slktx run --json >json 2>err &&
	grep "\"processed\":0" json && grep "\"dispatches\":0" json && grep "\"delivered\":0" json
'

test_expect_success 'a take-over, a follow-up and a proposal by the DECISION officer apply in order' '
	rsp RSP_BANKA_20261128_000001 <<-REC &&
	<TakeOver id="t1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	<FollowUp id="f1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-22T10:00:00+07:00</At><Action>CONTACTED_CONSUMER</Action><Note>Konsumen dihubungi.</Note></FollowUp>
	<ResolutionProposal id="p1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-23T10:00:00+07:00</At><Resolution>EXPLANATION</Resolution><Summary>Transaksi sah.</Summary></ResolutionProposal>
	REC
	drop_rsp RSP_BANKA_20261128_000001.xml DECISION &&
	slktx run 2>err &&
	test "$(file_status RSP_BANKA_20261128_000001)" = ACCEPTED &&
	test "$(result RSP_BANKA_20261128_000001 p1)" = ACCEPTED
'

test_expect_success 'a proposal signed by the SERVICE officer is ROLE_NOT_AUTHORIZED' '
	rsp RSP_ASURB_20261128_000001 <<-REC &&
	<FollowUp id="f1"><TicketNo>IND-2026-000002</TicketNo><At>2026-11-22T10:00:00+07:00</At><Action>EXPLANATION_GIVEN</Action><Note>Sudah dijelaskan.</Note></FollowUp>
	<ResolutionProposal id="p1"><TicketNo>IND-2026-000002</TicketNo><At>2026-11-23T10:00:00+07:00</At><Resolution>EXPLANATION</Resolution><Summary>x</Summary></ResolutionProposal>
	REC
	drop_rsp RSP_ASURB_20261128_000001.xml SERVICE &&
	slktx run 2>err &&
	test "$(result RSP_ASURB_20261128_000001 f1)" = ACCEPTED &&
	test "$(result RSP_ASURB_20261128_000001 p1)" = "REJECTED ROLE_NOT_AUTHORIZED" &&
	test "$(file_status RSP_ASURB_20261128_000001)" = PARTIALLY_ACCEPTED
'

test_expect_success 'another PUJK ticket is TICKET_UNKNOWN, with no trace of it in the answer' '
	rsp RSP_ASURB_20261128_000002 <<-REC &&
	<TakeOver id="x1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	<TakeOver id="x2"><TicketNo>PGD-2026-999999</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	REC
	drop_rsp RSP_ASURB_20261128_000002.xml PRODUCT &&
	slktx run 2>err &&
	test "$(result RSP_ASURB_20261128_000002 x1)" = "REJECTED TICKET_UNKNOWN" &&
	test "$(result RSP_ASURB_20261128_000002 x2)" = "REJECTED TICKET_UNKNOWN" &&
	a=$(ack_for RSP_ASURB_20261128_000002) &&
	sed -n "s/.*recordId=\"x1\"[^>]*>\(.*\)<.*/\1/p" "$a" | sed s/000001/999999/ >one &&
	sed -n "s/.*recordId=\"x2\"[^>]*>\(.*\)<.*/\1/p" "$a" >two &&
	test_cmp one two &&
	! grep -q BANKA "$a"
'

test_done
