#!/bin/sh
test_description='the PUJK registry and their officers'
. "$(dirname "$0")/lib.sh"

make-test-pki "$TRASH/pki" >/dev/null 2>&1 || exit 1
cat >slktx.conf <<CONF
[spool]
dir = spool
[hub]
trust_anchors = pki/ca.crt
CONF
SLKTX_CONFIG=$TRASH/slktx.conf
export SLKTX_CONFIG

# the whole ledger as SQL, to show that a refused change wrote nothing
dump() {
	sqlite3 spool/ledger.sqlite .dump >"$1"
}

# CMD... must exit 65, say WANT on stderr, and leave the ledger as it was
refused() {
	msg=$1
	shift
	dump before &&
	test_expect_code 65 slktx "$@" 2>err &&
	cat err &&
	grep "$msg" err &&
	dump after &&
	test_cmp before after
}

test_expect_success 'register BANKA' '
	slktx pujk add BANKA --name "Bank A" --sector BANK >out &&
	grep "registered PUJK BANKA" out &&
	slktx pujk list >out &&
	grep "^BANKA  *BANK  *no " out
'

test_expect_success 'a new PUJK is not active and says which roles are missing' '
	slktx pujk show BANKA >out &&
	grep "not active: no PRODUCT, SERVICE, DECISION officer" out
'

test_expect_success 'a missing role keeps it inactive and is named' '
	slktx officer add BANKA --role PRODUCT --name "Ani Wijaya" --cert pki/BANKA-product.crt &&
	slktx officer add BANKA --role SERVICE --name "Sari Dewi" --cert pki/BANKA-service.crt &&
	slktx pujk show BANKA >out &&
	grep "exchange: *not active: no DECISION officer" out &&
	grep "^PRODUCT  *Ani Wijaya " out &&
	grep "^SERVICE  *Sari Dewi " out &&
	! grep "^DECISION" out
'

test_expect_success 'all three officers make it active' '
	slktx officer add BANKA --role DECISION --name "Budi Santoso" --cert pki/BANKA-decision.crt &&
	slktx pujk show BANKA >out &&
	grep "exchange: *active$" out &&
	grep "^DECISION  *Budi Santoso  *20[0-9-]* [0-9:]* +07:00 " out &&
	slktx pujk list >out &&
	grep "^BANKA  *BANK  *yes  *20[0-9-]* [0-9:]* +07:00  Bank A$" out
'

test_expect_success 'the registry keeps the certificates and their validity' '
	test "$(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM officer WHERE length(cert_der) > 100
		AND length(cert_sha256) = 64 AND not_after > not_before AND active_to IS NULL")" = 3 &&
	openssl x509 -in pki/BANKA-decision.crt -outform DER | sha256sum | cut -c1-64 >want &&
	sqlite3 spool/ledger.sqlite "SELECT cert_sha256 FROM officer WHERE role = '\''DECISION'\''" >got &&
	test_cmp want got
'

test_expect_success 'replace keeps the former officer in the history with dates' '
	slktx officer replace BANKA --role DECISION --name "Citra Lestari" --cert pki/BANKA-decision2.crt >out &&
	grep "replaced the DECISION officer of BANKA" out &&
	slktx officer list BANKA >out &&
	cat out &&
	grep "^DECISION  *former  *20[0-9-]* [0-9:]* +07:00  *20[0-9-]* [0-9:]* +07:00 .*Budi Santoso$" out &&
	grep "^DECISION  *active  *20[0-9-]* [0-9:]* +07:00  *-  .*Citra Lestari$" out &&
	test $(grep -c " active " out) = 3 &&
	slktx pujk show BANKA >out &&
	grep "exchange: *active$" out &&
	grep "^DECISION  *Citra Lestari " out &&
	! grep "Budi Santoso" out
'

test_expect_success 'the table columns line up' '
	slktx officer list BANKA >out &&
	awk "{ print index(\$0, \"20\") }" out | sed 1d | sort -u >cols &&
	test $(wc -l <cols) = 1
'

test_expect_success 'an unknown role is refused' '
	refused "unknown role .AUDIT." officer add BANKA --role AUDIT --name X --cert pki/unregistered.crt
'

test_expect_success 'an unreadable certificate is refused' '
	refused "cannot read certificate .pki/nope.crt." \
		officer replace BANKA --role PRODUCT --name X --cert pki/nope.crt &&
	refused "cannot read certificate .pki.: not a regular file" \
		officer replace BANKA --role PRODUCT --name X --cert pki
'

test_expect_success 'a file that is not X.509 is refused' '
	refused "not an X.509 certificate" \
		officer replace BANKA --role PRODUCT --name X --cert slktx.conf &&
	refused "not an X.509 certificate" \
		officer replace BANKA --role PRODUCT --name X --cert pki/BANKA-product.key
'

test_expect_success 'a certificate from another CA is refused' '
	refused "CERT_UNTRUSTED" officer replace BANKA --role PRODUCT --name X --cert pki/foreign.crt &&
	refused "CERT_UNTRUSTED" officer replace BANKA --role PRODUCT --name X --cert pki/rogue.crt &&
	refused "CERT_UNTRUSTED" officer replace BANKA --role PRODUCT --name X --cert pki/otherca.crt
'

test_expect_success 'an expired or not yet valid certificate is refused' '
	refused "CERT_EXPIRED" officer replace BANKA --role PRODUCT --name X --cert pki/expired.crt &&
	refused "CERT_NOT_YET_VALID" officer replace BANKA --role PRODUCT --name X --cert pki/notyet.crt
'

test_expect_success 'a revoked certificate is refused when a CRL is configured' '
	printf "[spool]\ndir = spool\n[hub]\ntrust_anchors = pki/ca.crt\ncrls = pki/crl.pem\n" >crl.conf &&
	SLKTX_CONFIG=$TRASH/crl.conf refused "CERT_REVOKED" \
		officer replace BANKA --role PRODUCT --name X --cert pki/revoked.crt
'

test_expect_success 'a duplicate PUJK code is refused' '
	refused "PUJK .BANKA. is already registered" pujk add BANKA --name "Bank A again" --sector BANK
'

test_expect_success 'a bad PUJK code is refused' '
	refused "invalid PUJK code .banka." pujk add banka --name "Bank" --sector BANK &&
	refused "invalid PUJK code .AB." pujk add AB --name "Bank" --sector BANK &&
	refused "invalid PUJK code .ABCDEFGHIJKLM." pujk add ABCDEFGHIJKLM --name "Bank" --sector BANK &&
	refused "invalid PUJK code .BANK-A." pujk add BANK-A --name "Bank" --sector BANK &&
	refused "invalid PUJK code .\.\./X." officer add ../X --role PRODUCT --name X --cert pki/unregistered.crt
'

test_expect_success 'an unknown sector or an empty name is refused' '
	refused "unknown sector .BANKING." pujk add BANKB --name "Bank B" --sector BANKING &&
	refused "invalid PUJK name" pujk add BANKB --name "" --sector BANK &&
	refused "invalid officer name" officer replace BANKA --role PRODUCT --name " " --cert pki/unregistered.crt
'

test_expect_success 'a second officer on a filled role is refused' '
	refused "role PRODUCT of PUJK .BANKA. is already held; use .officer replace." \
		officer add BANKA --role PRODUCT --name X --cert pki/unregistered.crt
'

test_expect_success 'replacing a vacant role is refused' '
	slktx pujk add ASURB --name "Asuransi B" --sector INSURANCE &&
	refused "role DECISION of PUJK .ASURB. is vacant; use .officer add." \
		officer replace ASURB --role DECISION --name X --cert pki/ASURB-decision.crt
'

test_expect_success 'a certificate in office cannot serve a second officer' '
	refused "already registered to BANKA SERVICE" \
		officer add ASURB --role SERVICE --name X --cert pki/BANKA-service.crt &&
	refused "already registered to BANKA PRODUCT" \
		officer replace BANKA --role SERVICE --name X --cert pki/BANKA-product.crt
'

test_expect_success 'neither the hub nor the intake certificate can be an officer' '
	refused "pki/hub.crt: INVALID_STATE: this is the certificate of the hub:" \
		officer replace BANKA --role DECISION --name X --cert pki/hub.crt &&
	refused "pki/intake.crt: INVALID_STATE: this is the certificate of the intake .OJK.:" \
		officer replace BANKA --role DECISION --name X --cert pki/intake.crt &&
	refused "pki/intake.crt: INVALID_STATE: this is the certificate of the intake" \
		officer renew BANKA --role DECISION --cert pki/intake.crt
'

test_expect_success 'no CA certificate can be an officer' '
	refused "pki/ca.crt: CERT_UNTRUSTED: .* is a trust anchor" \
		officer replace BANKA --role DECISION --name X --cert pki/ca.crt &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out subca.key &&
	openssl req -new -key subca.key -subj "/O=Bank A/CN=Bank A Sub CA" -out subca.csr &&
	printf "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=emailProtection\n" >subca.ext &&
	openssl x509 -req -in subca.csr -CA pki/ca.crt -CAkey pki/ca.key -set_serial 0x5151 \
		-days 30 -extfile subca.ext -out subca.crt 2>/dev/null &&
	refused "subca.crt: CERT_UNTRUSTED: .* is a CA certificate" \
		officer replace BANKA --role DECISION --name X --cert subca.crt
'

test_expect_success 'an officer for an unknown PUJK is refused' '
	refused "no PUJK .NOPE. is registered" \
		officer add NOPE --role PRODUCT --name X --cert pki/unregistered.crt &&
	test_expect_code 65 slktx pujk show NOPE 2>err &&
	grep "no PUJK .NOPE." err
'

test_expect_success 'bad command lines exit 64 and change nothing' '
	dump before &&
	test_expect_code 64 slktx pujk add BANKC --name "Bank C" &&
	test_expect_code 64 slktx pujk add --name "Bank C" --sector BANK &&
	test_expect_code 64 slktx officer add BANKA --role PRODUCT --name X --cert &&
	test_expect_code 64 slktx officer add BANKA --role PRODUCT --name X --cert c --color &&
	test_expect_code 64 slktx officer fire BANKA &&
	test_expect_code 64 slktx pujk &&
	dump after &&
	test_cmp before after
'

test_expect_success 'a bad trust anchor in the configuration exits 78' '
	printf "[spool]\ndir = spool\n[hub]\ntrust_anchors = pki/nope.crt\n" >badca.conf &&
	test_expect_code 78 slktx --config badca.conf officer replace BANKA --role PRODUCT \
		--name X --cert pki/unregistered.crt
'

test_done
