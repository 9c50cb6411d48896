#!/bin/sh
test_description='slktx sign and verify interoperate with the openssl CLI'
. "$(dirname "$0")/lib.sh"

ossl_sign() { # NAME FILE: sign FILE as pki/NAME with the openssl CLI
	openssl cms -sign -binary -cades -md sha256 -outform DER \
		-signer "pki/$1.crt" -inkey "pki/$1.key" -in "$2" -out "$2.p7s"
}
ossl_verify() { # FILE
	openssl cms -verify -binary -cades -inform DER -content "$1" -in "$1.p7s" \
		-CAfile pki/ca.crt -out /dev/null
}

make-test-pki "$TRASH/pki" >/dev/null || exit 1
# bytes that a text-mode signer would mangle: CRLF, a lone CR, NUL, no final newline
printf 'line one\r\nline two\rthree\000four' >"$TRASH/binary.dat"
head -c 3000000 /dev/urandom >"$TRASH/big.dat"

test_expect_success 'openssl-signed file (ECDSA P-256) verifies with slktx' '
	echo "<ComplaintBatch/>" >CB_OJK_20261128_000001.xml &&
	ossl_sign BANKA-decision CB_OJK_20261128_000001.xml &&
	slktx verify CB_OJK_20261128_000001.xml --cafile pki/ca.crt >out &&
	grep "^CB_OJK_20261128_000001.xml: OK" out &&
	grep "^subject: CN=Budi Santoso,OU=DECISION,O=Bank A,C=ID$" out &&
	grep "^serial: [0-9A-F][0-9A-F]*$" out &&
	grep "^signingTime: 20[0-9-]*T[0-9:]*Z" out
'

test_expect_success 'openssl-signed file (RSA 2048) verifies with slktx' '
	cp binary.dat rsa.dat &&
	ossl_sign ASURB-product rsa.dat &&
	slktx verify rsa.dat --cafile pki/ca.crt >out &&
	grep "^subject: CN=Dedi Kurniawan,OU=PRODUCT,O=Asuransi B,C=ID$" out
'

test_expect_success 'slktx-signed file (ECDSA P-256) verifies with openssl, with and without -cades' '
	cp binary.dat ec.dat &&
	slktx sign --cert pki/hub.crt --key pki/hub.key ec.dat >out &&
	echo ec.dat.p7s >expect && test_cmp expect out &&
	ossl_verify ec.dat &&
	openssl cms -verify -binary -inform DER -content ec.dat -in ec.dat.p7s \
		-CAfile pki/ca.crt -out /dev/null &&
	openssl cms -cmsout -print -inform DER -in ec.dat.p7s >dump &&
	grep "signingCertificateV2" dump && grep "sha256" dump
'

test_expect_success 'slktx-signed file (RSA 2048) verifies with openssl and slktx' '
	cp binary.dat rsa2.dat &&
	slktx sign --cert pki/ASURB-decision.crt --key pki/ASURB-decision.key rsa2.dat &&
	ossl_verify rsa2.dat &&
	slktx verify rsa2.dat --cafile pki/ca.crt >out &&
	grep "^subject: CN=Agus Pratama,OU=DECISION,O=Asuransi B,C=ID$" out
'

test_expect_success 'a changed byte fails both verifiers (the positive tests can fail)' '
	cp ec.dat changed.dat && cp ec.dat.p7s changed.dat.p7s &&
	printf X | dd of=changed.dat bs=1 seek=3 conv=notrunc 2>/dev/null &&
	test_must_fail ossl_verify changed.dat 2>/dev/null &&
	test_expect_code 65 slktx verify changed.dat --cafile pki/ca.crt 2>err &&
	grep "changed.dat: SIGNATURE_INVALID" err
'

test_expect_success 'a large file is signed and verified both ways' '
	slktx sign --cert pki/BANKA-product.crt --key pki/BANKA-product.key big.dat &&
	ossl_verify big.dat &&
	slktx verify big.dat --cafile pki/ca.crt >/dev/null &&
	ossl_sign BANKA-service big.dat &&
	slktx verify big.dat --cafile pki/ca.crt >out &&
	grep "CN=Sari Dewi" out
'

test_expect_success 'signing again replaces the .p7s and leaves no temporary file' '
	echo again >again.dat &&
	slktx sign --cert pki/hub.crt --key pki/hub.key again.dat &&
	slktx sign --cert pki/BANKA-product.crt --key pki/BANKA-product.key again.dat &&
	slktx verify again.dat --cafile pki/ca.crt >out &&
	grep "CN=Ani Wijaya" out &&
	ls >files && ! grep tmp files
'

test_expect_success 'a key file readable by others is refused, naming it' '
	cp pki/hub.key open.key && chmod 0644 open.key &&
	echo data >k.dat &&
	test_expect_code 78 slktx sign --cert pki/hub.crt --key open.key k.dat 2>err &&
	grep "CONFIG: key file .open.key. is open to group or others (mode 0644)" err &&
	test ! -e k.dat.p7s &&
	chmod 0640 open.key &&
	test_expect_code 78 slktx sign --cert pki/hub.crt --key open.key k.dat 2>err &&
	chmod 0600 open.key &&
	slktx sign --cert pki/hub.crt --key open.key k.dat
'

test_expect_success 'a key that does not match the certificate is refused' '
	echo data >m.dat &&
	test_expect_code 78 slktx sign --cert pki/hub.crt --key pki/intake.key m.dat 2>err &&
	grep "does not belong to certificate" err &&
	test ! -e m.dat.p7s
'

test_expect_success 'a symlinked key file is refused' '
	ln -s pki/hub.key link.key && echo data >l.dat &&
	test_expect_code 78 slktx sign --cert pki/hub.crt --key link.key l.dat 2>err &&
	grep "link.key" err
'

test_expect_success 'a certificate with an RSA 1024 key is refused for signing' '
	cp pki/weak.key weak.key && echo data >w.dat &&
	test_expect_code 78 slktx sign --cert pki/weak.crt --key weak.key w.dat 2>err &&
	grep "RSA 1024" err &&
	test ! -e w.dat.p7s
'

test_expect_success 'an anchor file may hold several CA certificates' '
	cat pki/otherca.crt pki/ca.crt >anchors.pem &&
	echo data >multi.dat &&
	ossl_sign foreign multi.dat &&
	test_expect_code 65 slktx verify multi.dat --cafile pki/ca.crt 2>err &&
	grep CERT_UNTRUSTED err &&
	slktx verify multi.dat --cafile anchors.pem >out &&
	grep "issuer: CN=Other Test Root CA" out &&
	ossl_sign BANKA-decision multi.dat &&
	slktx verify multi.dat --cafile anchors.pem >out &&
	grep "issuer: CN=SLKTX Test Root CA" out
'

test_expect_success 'a missing or empty anchor file is a configuration error (exit 78)' '
	test_expect_code 78 slktx verify multi.dat --cafile pki/none.crt 2>err &&
	grep "CONFIG: cannot open trust anchor file .pki/none.crt." err &&
	: >empty.pem &&
	test_expect_code 78 slktx verify multi.dat --cafile empty.pem 2>err &&
	grep "no PEM certificate in trust anchor file .empty.pem." err
'

test_expect_success 'sign and verify usage errors' '
	test_expect_code 64 slktx sign --cert pki/hub.crt k.dat &&
	test_expect_code 64 slktx verify &&
	test_expect_code 64 slktx verify a b --cafile pki/ca.crt
'

test_done
