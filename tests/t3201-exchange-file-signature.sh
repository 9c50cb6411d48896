#!/bin/sh
test_description='file-level codes of signatures and certificates: the whole file is refused'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
RSP=RSP_BANKA_20261128

# a response whose TakeOver would add an event, were it applied
take_over_file() {
	rsp $1 <<-REC
	<TakeOver id="t1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	REC
}

test_expect_success 'set up the hub with one ticket of BANKA' '
	setup_hub &&
	new_ticket r1 PGD-2026-000001 BANKA | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000001)" = ACCEPTED &&
	test "$(status_of PGD-2026-000001)" = BARU
'

test_expect_success 'a data file without its .p7s is left alone while young' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000010 BANKA | cb ${CB}_000010 &&
	mv ${CB}_000010.xml exchange/slkt/outbound/ &&
	touch -d "-2 hours" exchange/slkt/outbound/${CB}_000010.xml &&
	slktx run --json >json 2>err &&
	grep "${CB}_000010.xml: waiting for its signature" err &&
	grep "\"in_transit\":1" json && grep "\"fetched\":0" json &&
	test -f exchange/slkt/outbound/${CB}_000010.xml &&
	test ! -e "$(ack_for ${CB}_000010)" &&
	ledger_counts >ledger.now && test_cmp ledger.before ledger.now
'

test_expect_success 'after orphan_after_s it is quarantined and acknowledged SIGNATURE_MISSING' '
	printf "[limits]\norphan_after_s = 1h\n" >conf &&
	slktx --config conf run --json >json 2>err &&
	grep "\"quarantined\":1" json &&
	test ! -e exchange/slkt/outbound/${CB}_000010.xml &&
	test -f spool/quarantine/${CB}_000010.xml &&
	grep SIGNATURE_MISSING spool/quarantine/${CB}_000010.xml.reason &&
	rejected_whole ${CB}_000010 SIGNATURE_MISSING
'

test_expect_success 'content changed after signing is SIGNATURE_INVALID' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000011 BANKA | cb ${CB}_000011 &&
	sign_as intake ${CB}_000011.xml &&
	sed -i s/Budi/Bude/ ${CB}_000011.xml &&
	mv ${CB}_000011.xml ${CB}_000011.xml.p7s exchange/slkt/outbound/ &&
	slktx run 2>err &&
	rejected_whole ${CB}_000011 SIGNATURE_INVALID
'

test_expect_success 'a .p7s of garbage is SIGNATURE_INVALID' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000012 BANKA | cb ${CB}_000012 &&
	head -c 700 /dev/urandom >${CB}_000012.xml.p7s &&
	mv ${CB}_000012.xml ${CB}_000012.xml.p7s exchange/slkt/outbound/ &&
	slktx run 2>err &&
	rejected_whole ${CB}_000012 SIGNATURE_INVALID
'

test_expect_success 'a garbage .p7s on malformed XML: the signature is the only finding, the content is never parsed' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000013 BANKA | cb ${CB}_000013 &&
	sed -i "s|</Records>|</Recs>|" ${CB}_000013.xml &&
	test_must_fail slktx validate ${CB}_000013.xml >verr 2>&1 && grep XML_MALFORMED verr &&
	head -c 700 /dev/urandom >${CB}_000013.xml.p7s &&
	mv ${CB}_000013.xml ${CB}_000013.xml.p7s exchange/slkt/outbound/ &&
	slktx run 2>err &&
	rejected_whole ${CB}_000013 SIGNATURE_INVALID &&
	xpath $(ack_for ${CB}_000013) "//*[local-name()=\"FileError\"]/@code" >codes &&
	echo " code=\"SIGNATURE_INVALID\"" >expect && test_cmp expect codes &&
	! grep XML_MALFORMED err
'

test_expect_success 'a self-signed look-alike of an officer is CERT_UNTRUSTED' '
	ledger_counts >ledger.before &&
	take_over_file ${RSP}_000001 &&
	drop_as rogue ${RSP}_000001.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	rejected_whole ${RSP}_000001 CERT_UNTRUSTED
'

test_expect_success 'a certificate of a CA nobody trusts is CERT_UNTRUSTED' '
	ledger_counts >ledger.before &&
	take_over_file ${RSP}_000002 &&
	drop_as foreign ${RSP}_000002.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	rejected_whole ${RSP}_000002 CERT_UNTRUSTED
'

test_expect_success 'an expired certificate is CERT_EXPIRED' '
	ledger_counts >ledger.before &&
	take_over_file ${RSP}_000003 &&
	drop_as expired ${RSP}_000003.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	rejected_whole ${RSP}_000003 CERT_EXPIRED
'

test_expect_success 'a certificate not valid yet is CERT_NOT_YET_VALID' '
	ledger_counts >ledger.before &&
	take_over_file ${RSP}_000004 &&
	drop_as notyet ${RSP}_000004.xml pujk/BANKA/upload &&
	slktx run 2>err &&
	rejected_whole ${RSP}_000004 CERT_NOT_YET_VALID
'

test_expect_success 'a revoked certificate is CERT_REVOKED when the CRL is configured' '
	ledger_counts >ledger.before &&
	printf "[hub]\ncrls = pki/crl.pem\n" >crl.conf &&
	take_over_file ${RSP}_000005 &&
	drop_as revoked ${RSP}_000005.xml pujk/BANKA/upload &&
	slktx --config crl.conf run 2>err &&
	rejected_whole ${RSP}_000005 CERT_REVOKED
'

test_expect_success 'a valid certificate registered nowhere is SIGNER_NOT_REGISTERED' '
	ledger_counts >ledger.before &&
	take_over_file ${RSP}_000006 &&
	drop_as unregistered ${RSP}_000006.xml pujk/BANKA/upload &&
	slktx --config crl.conf run 2>err &&
	rejected_whole ${RSP}_000006 SIGNER_NOT_REGISTERED
'

test_expect_success 'a batch signed by a certificate that is not the intake one is SIGNER_NOT_REGISTERED' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000013 BANKA | cb ${CB}_000013 &&
	drop_as unregistered ${CB}_000013.xml slkt/outbound &&
	slktx run 2>err &&
	rejected_whole ${CB}_000013 SIGNER_NOT_REGISTERED
'

test_expect_success 'the same take-over signed by a registered officer is accepted (the control)' '
	take_over_file ${RSP}_000007 &&
	drop_rsp ${RSP}_000007.xml SERVICE &&
	slktx --config crl.conf run 2>err &&
	test "$(file_status ${RSP}_000007)" = ACCEPTED &&
	test "$(result ${RSP}_000007 t1)" = ACCEPTED &&
	test "$(n_results ${RSP}_000007)" = 1 &&
	test "$(status_of PGD-2026-000001)" = DIAMBIL_ALIH &&
	ack_ok ${RSP}_000007
'

test_expect_success 'a stale CRL stops the run with 75 and leaves the file for the next run' '
	printf "[hub]\ncrls = pki/stale-crl.pem\n" >stale.conf &&
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000014 BANKA | cb ${CB}_000014 &&
	drop_cb ${CB}_000014.xml &&
	test_expect_code 75 slktx --config stale.conf run 2>err &&
	grep -i "stale" err &&
	test -f exchange/slkt/outbound/${CB}_000014.xml &&
	test -f exchange/slkt/outbound/${CB}_000014.xml.p7s &&
	test ! -e "$(ack_for ${CB}_000014)" &&
	ledger_counts >ledger.now && test_cmp ledger.before ledger.now &&
	slktx --config crl.conf run 2>err &&
	test "$(file_status ${CB}_000014)" = ACCEPTED &&
	test "$(status_of PGD-2026-000014)" = BARU
'

test_expect_success 'a .p7s without its data file is left alone and reported' '
	ledger_counts >ledger.before &&
	new_ticket r1 PGD-2026-000020 BANKA | cb ${CB}_000020 &&
	sign_as intake ${CB}_000020.xml &&
	mv ${CB}_000020.xml.p7s exchange/slkt/outbound/ &&
	slktx run --json >json 2>err &&
	grep "${CB}_000020.xml.p7s: a signature without its data file, left alone" err &&
	grep "\"ignored\":1" json && grep "\"fetched\":0" json &&
	test -f exchange/slkt/outbound/${CB}_000020.xml.p7s &&
	ledger_counts >ledger.now && test_cmp ledger.before ledger.now
'

test_expect_success 'when the data file follows, the pair is taken' '
	mv ${CB}_000020.xml exchange/slkt/outbound/ &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000020)" = ACCEPTED &&
	test ! -e exchange/slkt/outbound/${CB}_000020.xml.p7s
'

test_done
