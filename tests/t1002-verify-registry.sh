#!/bin/sh
test_description='slktx verify pins the signer to the registered certificates'
. "$(dirname "$0")/lib.sh"

ossl_sign() { # NAME FILE: sign FILE as pki/NAME with the openssl CLI
	openssl cms -sign -binary -cades -md sha256 -outform DER \
		-signer "pki/$1.crt" -inkey "pki/$1.key" -in "$2" -out "$2.p7s"
}
# the embedded defaults apply: pki/ca.crt, pki/intake.crt, spool/ledger.sqlite
make-test-pki "$TRASH/pki" >/dev/null || exit 1
rsp=RSP_BANKA_20261128_000001.xml
cb=CB_OJK_20261128_000001.xml

test_expect_success 'setup: BANKA with its three officers' '
	slktx pujk add BANKA --name "Bank A" --sector BANK &&
	slktx officer add BANKA --role PRODUCT --name "Ani Wijaya" --cert pki/BANKA-product.crt &&
	slktx officer add BANKA --role SERVICE --name "Sari Dewi" --cert pki/BANKA-service.crt &&
	slktx officer add BANKA --role DECISION --name "Budi Santoso" --cert pki/BANKA-decision.crt &&
	echo "<ResponseBatch/>" >$rsp
'

test_expect_success 'a response signed by an officer of its PUJK verifies' '
	ossl_sign BANKA-decision $rsp &&
	slktx verify $rsp >out &&
	grep "^$rsp: OK" out &&
	grep "^registered as: BANKA DECISION Budi Santoso$" out
'

test_expect_success 'a valid certificate registered nowhere: SIGNER_NOT_REGISTERED' '
	ossl_sign unregistered $rsp &&
	test_expect_code 65 slktx verify $rsp 2>err &&
	grep "^slktx: $rsp: SIGNER_NOT_REGISTERED: " err
'

test_expect_success 'an officer of another PUJK: SIGNER_NOT_REGISTERED' '
	ossl_sign ASURB-decision $rsp &&
	test_expect_code 65 slktx verify $rsp 2>err &&
	grep "SIGNER_NOT_REGISTERED" err
'

test_expect_success 'the rogue with the officer subject: CERT_UNTRUSTED' '
	ossl_sign rogue $rsp &&
	test_expect_code 65 slktx verify $rsp 2>err &&
	grep "CERT_UNTRUSTED" err
'

test_expect_success 'after a replacement the former officer is no longer registered' '
	ossl_sign BANKA-decision $rsp &&
	slktx officer replace BANKA --role DECISION --name "Rina Hartono" \
		--cert pki/BANKA-decision2.crt &&
	test_expect_code 65 slktx verify $rsp 2>err &&
	grep "SIGNER_NOT_REGISTERED" err &&
	ossl_sign BANKA-decision2 $rsp &&
	slktx verify $rsp >out &&
	grep "^registered as: BANKA DECISION Rina Hartono$" out
'

test_expect_success 'a complaint batch must be signed by the intake certificate' '
	echo "<ComplaintBatch/>" >$cb &&
	ossl_sign intake $cb &&
	slktx verify $cb >out &&
	grep "^registered as: intake OJK$" out &&
	ossl_sign BANKA-decision2 $cb &&
	test_expect_code 65 slktx verify $cb 2>err &&
	grep "SIGNER_NOT_REGISTERED" err
'

test_expect_success '--as names the sender of a file whose name does not' '
	echo data >response.xml &&
	ossl_sign BANKA-product response.xml &&
	test_expect_code 64 slktx verify response.xml 2>err &&
	grep "give --as SENDER" err &&
	slktx verify response.xml --as BANKA >out &&
	grep "registered as: BANKA PRODUCT Ani Wijaya" out &&
	test_expect_code 65 slktx verify response.xml --as OJK 2>err &&
	grep "SIGNER_NOT_REGISTERED" err
'

test_expect_success 'a PUJK without its three officers: SENDER_NOT_ACTIVE' '
	slktx pujk add ASURB --name "Asuransi B" --sector INSURANCE &&
	slktx officer add ASURB --role DECISION --name "Agus Pratama" --cert pki/ASURB-decision.crt &&
	echo data >RSP_ASURB_20261128_000001.xml &&
	ossl_sign ASURB-decision RSP_ASURB_20261128_000001.xml &&
	test_expect_code 65 slktx verify RSP_ASURB_20261128_000001.xml 2>err &&
	grep "SENDER_NOT_ACTIVE" err &&
	echo data >RSP_NOSUCH_20261128_000001.xml &&
	ossl_sign BANKA-product RSP_NOSUCH_20261128_000001.xml &&
	test_expect_code 65 slktx verify RSP_NOSUCH_20261128_000001.xml 2>err &&
	grep "SENDER_NOT_ACTIVE" err
'

test_expect_success 'configured CRLs apply: revoked, stale, missing' '
	mkdir conf &&
	cat >conf/slktx.conf <<-EOF &&
	[spool]
	dir = ../spool
	[hub]
	trust_anchors = ../pki/ca.crt
	crls = ../pki/crl.pem
	[intake]
	certs = ../pki/intake.crt, ../pki/revoked.crt
	EOF
	ossl_sign intake $cb &&
	slktx --config conf/slktx.conf verify $cb >out &&
	ossl_sign revoked $cb &&
	test_expect_code 65 slktx --config conf/slktx.conf verify $cb 2>err &&
	grep "CERT_REVOKED" err &&
	sed -i "s|crl.pem|stale-crl.pem|" conf/slktx.conf &&
	test_expect_code 75 slktx --config conf/slktx.conf verify $cb 2>err &&
	grep "stale-crl.pem" err &&
	sed -i "s|stale-crl.pem|gone.pem|" conf/slktx.conf &&
	test_expect_code 75 slktx --config conf/slktx.conf verify $cb 2>err &&
	grep "gone.pem" err
'

test_expect_success '--crl and --as go only where they belong' '
	test_expect_code 64 slktx verify $cb --crl pki/crl.pem &&
	test_expect_code 64 slktx verify $cb --as OJK --cafile pki/ca.crt
'

test_done
