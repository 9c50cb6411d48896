#!/bin/sh
test_description='slktx verify gives each bad signature its own reason code'
. "$(dirname "$0")/lib.sh"

ossl_sign() { # NAME FILE [openssl cms options]: sign FILE as pki/NAME with the openssl CLI
	name=$1 file=$2
	shift 2
	openssl cms -sign -binary -cades -md sha256 -outform DER \
		-signer "pki/$name.crt" -inkey "pki/$name.key" -in "$file" -out "$file.p7s" "$@"
}
# expect_reason CODE STATUS FILE [options]: slktx verify FILE exits STATUS, saying FILE: CODE
expect_reason() {
	code=$1 status=$2 file=$3
	shift 3
	test_expect_code "$status" slktx verify "$file" --cafile pki/ca.crt "$@" >out 2>err &&
	cat err &&
	grep "^slktx: $file: $code: " err &&
	test ! -s out
}

make-test-pki "$TRASH/pki" >/dev/null || exit 1

test_expect_success 'control: a good signature verifies, also with a fresh CRL' '
	echo good >good.xml &&
	ossl_sign BANKA-decision good.xml &&
	slktx verify good.xml --cafile pki/ca.crt --crl pki/crl.pem >out &&
	grep "good.xml: OK" out
'

test_expect_success 'one byte of content changed: SIGNATURE_INVALID' '
	echo "<Batch>100</Batch>" >changed.xml &&
	ossl_sign BANKA-decision changed.xml &&
	echo "<Batch>900</Batch>" >changed.xml &&
	expect_reason SIGNATURE_INVALID 65 changed.xml
'

test_expect_success 'rogue self-signed certificate with the officer subject: CERT_UNTRUSTED' '
	echo data >rogue.xml &&
	ossl_sign rogue rogue.xml &&
	expect_reason CERT_UNTRUSTED 65 rogue.xml &&
	grep "CN=Budi Santoso" err
'

test_expect_success 'certificate from another CA: CERT_UNTRUSTED' '
	echo data >foreign.xml &&
	ossl_sign foreign foreign.xml &&
	expect_reason CERT_UNTRUSTED 65 foreign.xml
'

test_expect_success 'revoked certificate with the CRL: CERT_REVOKED' '
	echo data >revoked.xml &&
	ossl_sign revoked revoked.xml &&
	expect_reason CERT_REVOKED 65 revoked.xml --crl pki/crl.pem &&
	slktx verify revoked.xml --cafile pki/ca.crt >out &&
	grep "revoked.xml: OK" out
'

test_expect_success 'CRL configured but missing: transient, exit 75, naming it' '
	test_expect_code 75 slktx verify good.xml --cafile pki/ca.crt --crl pki/gone.pem 2>err &&
	grep "TRANSIENT: cannot open CRL .pki/gone.pem." err
'

test_expect_success 'CRL configured but unreadable garbage: transient, exit 75' '
	echo "not a crl" >junk.pem &&
	test_expect_code 75 slktx verify good.xml --cafile pki/ca.crt --crl junk.pem 2>err &&
	grep "TRANSIENT: cannot read CRL .junk.pem." err
'

test_expect_success 'stale CRL: transient, exit 75, naming it' '
	test_expect_code 75 slktx verify good.xml --cafile pki/ca.crt --crl pki/stale-crl.pem 2>err &&
	grep "TRANSIENT: CRL .pki/stale-crl.pem. is stale" err
'

test_expect_success 'a CRL from no trust anchor is a configuration error (exit 78)' '
	openssl ca -batch -config pki/otherca-db/ca.cnf -gencrl -out other-crl.pem 2>/dev/null &&
	test_expect_code 78 slktx verify good.xml --cafile pki/ca.crt --crl other-crl.pem 2>err &&
	grep "CONFIG: CRL .other-crl.pem. is not issued by a trust anchor" err
'

test_expect_success 'a CRL whose signature is damaged: transient, exit 75' '
	openssl crl -in pki/crl.pem -outform DER -out crl.der &&
	slktx verify good.xml --cafile pki/ca.crt --crl crl.der >/dev/null &&
	size=$(wc -c <crl.der) &&
	b=$(od -An -tu1 -j $((size - 3)) -N1 crl.der | tr -d " ") &&
	printf "\\$(printf %03o $(((b + 1) % 256)))" | dd of=crl.der bs=1 seek=$((size - 3)) conv=notrunc 2>/dev/null &&
	test_expect_code 75 slktx verify good.xml --cafile pki/ca.crt --crl crl.der 2>err &&
	grep "TRANSIENT: CRL .crl.der.: its signature does not verify" err
'

test_expect_success 'CRLs configured, none for the signer issuer: transient, exit 75' '
	cat pki/ca.crt pki/otherca.crt >anchors.pem &&
	echo data >foreign2.xml &&
	ossl_sign foreign foreign2.xml &&
	slktx verify foreign2.xml --cafile anchors.pem >/dev/null &&
	test_expect_code 75 slktx verify foreign2.xml --cafile anchors.pem --crl pki/crl.pem 2>err &&
	grep "TRANSIENT: cannot check revocation of .CN=Budi Santoso" err
'

test_expect_success 'expired certificate: CERT_EXPIRED' '
	echo data >expired.xml &&
	ossl_sign expired expired.xml &&
	expect_reason CERT_EXPIRED 65 expired.xml
'

test_expect_success 'certificate not yet valid: CERT_NOT_YET_VALID' '
	echo data >notyet.xml &&
	ossl_sign notyet notyet.xml &&
	expect_reason CERT_NOT_YET_VALID 65 notyet.xml
'

test_expect_success 'content embedded in the signature: SIGNATURE_INVALID' '
	echo data >embedded.xml &&
	ossl_sign BANKA-decision embedded.xml -nodetach &&
	expect_reason SIGNATURE_INVALID 65 embedded.xml &&
	grep "detached" err
'

test_expect_success 'garbage .p7s: SIGNATURE_INVALID' '
	echo data >garbage.xml &&
	head -c 512 /dev/urandom >garbage.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 garbage.xml
'

test_expect_success 'good .p7s with trailing bytes: SIGNATURE_INVALID' '
	cp good.xml trailing.xml && cp good.xml.p7s trailing.xml.p7s &&
	echo junk >>trailing.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 trailing.xml
'

test_expect_success 'CMS that is not SignedData: SIGNATURE_INVALID' '
	echo data >notsigned.xml &&
	openssl cms -data_create -in notsigned.xml -outform DER -out notsigned.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 notsigned.xml &&
	grep "not CMS SignedData" err
'

test_expect_success 'two signers: SIGNATURE_INVALID' '
	echo data >two.xml &&
	openssl cms -sign -binary -cades -md sha256 -outform DER -in two.xml -out two.xml.p7s \
		-signer pki/BANKA-decision.crt -inkey pki/BANKA-decision.key \
		-signer pki/BANKA-product.crt -inkey pki/BANKA-product.key &&
	expect_reason SIGNATURE_INVALID 65 two.xml &&
	grep "2 signers" err
'

test_expect_success 'no signer (a certificates-only SignedData): SIGNATURE_INVALID' '
	echo data >zero.xml &&
	openssl crl2pkcs7 -nocrl -certfile pki/BANKA-decision.crt -outform DER -out zero.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 zero.xml &&
	grep "0 signers" err
'

test_expect_success 'no CAdES signing-certificate-v2 attribute: SIGNATURE_INVALID' '
	echo data >nocades.xml &&
	openssl cms -sign -binary -md sha256 -outform DER -in nocades.xml -out nocades.xml.p7s \
		-signer pki/BANKA-decision.crt -inkey pki/BANKA-decision.key &&
	expect_reason SIGNATURE_INVALID 65 nocades.xml &&
	grep "no single signing-certificate-v2 attribute" err
'

test_expect_success 'no signed attributes at all (-noattr): SIGNATURE_INVALID' '
	echo data >noattr.xml &&
	openssl cms -sign -binary -noattr -md sha256 -outform DER -in noattr.xml \
		-out noattr.xml.p7s -signer pki/BANKA-decision.crt -inkey pki/BANKA-decision.key &&
	openssl cms -verify -binary -inform DER -content noattr.xml -in noattr.xml.p7s \
		-CAfile pki/ca.crt -out /dev/null 2>/dev/null &&
	expect_reason SIGNATURE_INVALID 65 noattr.xml &&
	grep "the signature has no signed attributes" err
'

test_expect_success 'a content type other than id-data: SIGNATURE_INVALID' '
	echo data >econtent.xml &&
	ossl_sign BANKA-decision econtent.xml -econtent_type 1.2.840.113549.1.9.16.1.4 &&
	openssl cms -verify -binary -inform DER -content econtent.xml -in econtent.xml.p7s \
		-CAfile pki/ca.crt -out /dev/null 2>/dev/null &&
	expect_reason SIGNATURE_INVALID 65 econtent.xml &&
	grep "the signed content type is 1.2.840.113549.1.9.16.1.4: it must be id-data" err
'

# A second certificate from the CA for the officer's own key has the same
# subjectKeyIdentifier: a signature naming its signer by that identifier
# (-keyid) fits both, and only signing-certificate-v2 says which one signed.
test_expect_success 'signing-certificate-v2 naming another certificate: SIGNATURE_INVALID' '
	openssl req -new -key pki/BANKA-decision.key -subj "/O=Bank A/CN=Budi twin" -out twin.csr &&
	printf "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n" >twin.ext &&
	openssl x509 -req -in twin.csr -CA pki/ca.crt -CAkey pki/ca.key -set_serial 0x7777 \
		-days 30 -extfile twin.ext -out twin.crt 2>/dev/null &&
	echo data >twin.xml &&
	openssl cms -sign -binary -cades -md sha256 -outform DER -keyid -nocerts \
		-certfile pki/BANKA-decision.crt -signer twin.crt -inkey pki/BANKA-decision.key \
		-in twin.xml -out twin.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 twin.xml &&
	grep "signing-certificate-v2 attribute does not name the signer" err
'

test_expect_success 'signer certificate left out of the signature: SIGNATURE_INVALID' '
	echo data >nocerts.xml &&
	ossl_sign BANKA-decision nocerts.xml -nocerts &&
	expect_reason SIGNATURE_INVALID 65 nocerts.xml
'

test_expect_success 'a digest other than SHA-256: SIGNATURE_INVALID' '
	echo data >sha512.xml &&
	openssl cms -sign -binary -cades -md sha512 -outform DER -in sha512.xml -out sha512.xml.p7s \
		-signer pki/BANKA-decision.crt -inkey pki/BANKA-decision.key &&
	expect_reason SIGNATURE_INVALID 65 sha512.xml &&
	grep "SHA-256" err
'

test_expect_success 'an RSA 1024 signer: SIGNATURE_INVALID' '
	echo data >weak.xml &&
	ossl_sign weak weak.xml &&
	openssl cms -verify -binary -inform DER -content weak.xml -in weak.xml.p7s \
		-CAfile pki/ca.crt -out /dev/null 2>/dev/null &&
	expect_reason SIGNATURE_INVALID 65 weak.xml &&
	grep "RSA 1024" err
'

test_expect_success 'a .p7s that is no regular file: SIGNATURE_INVALID' '
	echo data >dir.xml && mkdir dir.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 dir.xml
'

test_expect_success 'empty .p7s: SIGNATURE_INVALID' '
	echo data >empty.xml && : >empty.xml.p7s &&
	expect_reason SIGNATURE_INVALID 65 empty.xml &&
	grep "empty" err
'

test_expect_success 'missing .p7s: SIGNATURE_MISSING' '
	echo data >missing.xml &&
	expect_reason SIGNATURE_MISSING 65 missing.xml
'

test_done
