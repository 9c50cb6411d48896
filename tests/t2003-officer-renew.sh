#!/bin/sh
test_description='officers renewed or replaced: files in transit signed with the former certificate (SPEC 5)'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

# The hub's clock runs for real; the changes of officer are dated in the past
# with SLKTX_NOW, and the signatures with faketime (openssl cms -sign puts the
# clock it reads into signingTime).  T is the real time the script started.
command -v faketime >/dev/null 2>&1 || {
	echo "1..0 # SKIP faketime is not installed (scripts/install-deps)"
	exit 0
}
T=$(date +%s)
H=3600
RSP=RSP_BANKA_20261128
CB=CB_OJK_20261127

# sign_at SECONDS-AGO WHO FILE: sign FILE as pki/WHO (or ./WHO) at T - SECONDS-AGO
sign_at() {
	crt=pki/$2.crt key=pki/$2.key
	test -f "$crt" || crt=$2.crt key=$2.key
	faketime "@$((T - $1))" openssl cms -sign -binary -cades -md sha256 -outform DER \
		-signer "$crt" -inkey "$key" -in "$3" -out "$3.p7s"
}

# at SECONDS-AGO slktx ...: a command whose clock reads T - SECONDS-AGO
at() {
	ago=$1
	shift
	SLKTX_NOW=$((T - ago)) "$@"
}

# new_cert NAME SUBJECT: a fresh officer certificate from the test CA, valid since yesterday
new_cert() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" &&
	chmod 600 "$1.key" &&
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" &&
	printf "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n" >"$1.ext" &&
	faketime "@$((T - 24 * H))" openssl x509 -req -in "$1.csr" -CA pki/ca.crt \
		-CAkey pki/ca.key -set_serial "0x$(openssl rand -hex 8)" -days 365 \
		-extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

take_over_file() { # NAME TICKET
	take_over t1 "$2" | rsp "$1"
}

# drop FILE: put a signed response in BANKA's upload folder
drop() {
	mv "$1" "$1.p7s" exchange/pujk/BANKA/upload/
}

signer_officer() {
	xpath "$(ack_for "$1")" "concat(//*[local-name()='Signer']/@officer, ' ', //*[local-name()='Signer']/@role)"
}

first_error_text() {
	xpath "$(ack_for "$1")" "string((//*[local-name()='FileError'])[1])"
}

test_expect_success 'setup: BANKA with three officers since 20 hours ago, four tickets' '
	# the CA as of two days ago, so that it was valid when the officers came
	faketime "@$((T - 48 * H))" make-test-pki pki >/dev/null 2>&1 &&
	openssl x509 -in pki/ca.crt -noout -startdate &&
	slktx pujk add BANKA --name "Bank A" --sector BANK >/dev/null &&
	at $((20 * H)) slktx officer add BANKA --role PRODUCT --name "Ani Wijaya" \
		--cert pki/BANKA-product.crt >/dev/null &&
	at $((20 * H)) slktx officer add BANKA --role SERVICE --name "Sari Dewi" \
		--cert pki/BANKA-service.crt >/dev/null &&
	at $((20 * H)) slktx officer add BANKA --role DECISION --name "Budi Santoso" \
		--cert pki/BANKA-decision.crt >/dev/null &&
	mkdir -p exchange/slkt/outbound exchange/slkt/inbound exchange/pujk/BANKA/upload \
		exchange/pujk/BANKA/download &&
	{
		new_ticket r1 PGD-2026-000001 BANKA &&
		new_ticket r2 PGD-2026-000002 BANKA &&
		new_ticket r3 PGD-2026-000003 BANKA &&
		new_ticket r4 PGD-2026-000004 BANKA &&
		new_ticket r5 PGD-2026-000005 BANKA
	} | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000001)" = ACCEPTED
'

test_expect_success 'renew keeps the name, and the former certificate stays in the list' '
	new_cert budi2 "/C=ID/O=Bank A/OU=DECISION/CN=Budi Santoso" &&
	take_over_file ${RSP}_000001 PGD-2026-000001 &&
	sign_at $((3 * H)) BANKA-decision ${RSP}_000001.xml &&
	at $((2 * H)) slktx officer renew BANKA --role DECISION --cert budi2.crt >out &&
	grep "renewed the certificate of the DECISION officer of BANKA" out &&
	slktx officer list BANKA >list &&
	cat list &&
	test "$(grep -c "^DECISION .*Budi Santoso$" list)" = 2 &&
	grep "^DECISION  *former .*Budi Santoso$" list &&
	grep "^DECISION  *active .*Budi Santoso$" list &&
	slktx pujk show BANKA >out &&
	grep "exchange: *active$" out
'

test_expect_success 'signed before the change, fetched within the grace: accepted as the officer' '
	drop ${RSP}_000001.xml &&
	slktx run 2>err &&
	test "$(file_status ${RSP}_000001)" = ACCEPTED &&
	test "$(result ${RSP}_000001 t1)" = ACCEPTED &&
	test "$(signer_officer ${RSP}_000001)" = "Budi Santoso DECISION" &&
	test "$(status_of PGD-2026-000001)" = DIAMBIL_ALIH
'

test_expect_success 'the new certificate signs too' '
	take_over_file ${RSP}_000002 PGD-2026-000002 &&
	sign_at 60 budi2 ${RSP}_000002.xml &&
	drop ${RSP}_000002.xml &&
	slktx run 2>err &&
	test "$(file_status ${RSP}_000002)" = ACCEPTED &&
	test "$(signer_officer ${RSP}_000002)" = "Budi Santoso DECISION"
'

test_expect_success 'signed with the former certificate after the change: SIGNER_NOT_REGISTERED' '
	ledger_counts >ledger.before &&
	take_over_file ${RSP}_000003 PGD-2026-000003 &&
	sign_at $((1 * H)) BANKA-decision ${RSP}_000003.xml &&
	drop ${RSP}_000003.xml &&
	slktx run 2>err &&
	rejected_whole ${RSP}_000003 SIGNER_NOT_REGISTERED &&
	first_error_text ${RSP}_000003 >text &&
	cat text &&
	grep "signed at .*, outside that term" text
'

test_expect_success 'in transit, the former DECISION certificate may still propose a resolution' '
	{
		take_over t1 PGD-2026-000003 &&
		follow_up f1 PGD-2026-000003 &&
		proposal p1 PGD-2026-000003
	} | rsp ${RSP}_000007 &&
	sign_at $((3 * H)) BANKA-decision ${RSP}_000007.xml &&
	drop ${RSP}_000007.xml &&
	slktx run 2>err &&
	test "$(file_status ${RSP}_000007)" = ACCEPTED &&
	test "$(result ${RSP}_000007 p1)" = ACCEPTED &&
	test "$(status_of PGD-2026-000003)" = USULAN_SELESAI
'

test_expect_success 'signed before the change, fetched after the grace: SIGNER_NOT_REGISTERED' '
	ledger_counts >ledger.before &&
	new_cert sari2 "/C=ID/O=Bank A/OU=SERVICE/CN=Sari Dewi" &&
	take_over_file ${RSP}_000004 PGD-2026-000004 &&
	sign_at $((5 * H)) BANKA-service ${RSP}_000004.xml &&
	at $((4 * H)) slktx officer renew BANKA --role SERVICE --cert sari2.crt >/dev/null &&
	drop ${RSP}_000004.xml &&
	printf "[registry]\ngrace_hours = 3\n" >conf3 &&
	slktx --config conf3 run 2>err &&
	rejected_whole ${RSP}_000004 SIGNER_NOT_REGISTERED &&
	first_error_text ${RSP}_000004 >text &&
	cat text &&
	grep "fetched at .*, after the 3 hours of grace" text
'

test_expect_success 'replace: the former person signs in transit too, under their own name' '
	new_cert ani2 "/C=ID/O=Bank A/OU=PRODUCT/CN=Dewi Lestari" &&
	take_over_file ${RSP}_000005 PGD-2026-000005 &&
	sign_at $((3 * H)) BANKA-product ${RSP}_000005.xml &&
	at $((2 * H)) slktx officer replace BANKA --role PRODUCT --name "Dewi Lestari" \
		--cert ani2.crt >/dev/null &&
	drop ${RSP}_000005.xml &&
	slktx run 2>err &&
	test "$(file_status ${RSP}_000005)" = ACCEPTED &&
	test "$(signer_officer ${RSP}_000005)" = "Ani Wijaya PRODUCT"
'

test_expect_success 'grace_hours = 0 refuses every former certificate' '
	take_over_file ${RSP}_000006 PGD-2026-000005 &&
	sign_at $((3 * H)) BANKA-product ${RSP}_000006.xml &&
	drop ${RSP}_000006.xml &&
	printf "[registry]\ngrace_hours = 0\n" >conf0 &&
	slktx --config conf0 run 2>err &&
	test "$(file_error ${RSP}_000006)" = SIGNER_NOT_REGISTERED
'

test_expect_success 'a certificate registered before is refused, current or former' '
	dump() { sqlite3 spool/ledger.sqlite "SELECT * FROM officer" >"$1"; } &&
	dump before &&
	test_expect_code 65 slktx officer renew BANKA --role DECISION --cert budi2.crt 2>err &&
	grep "INVALID_STATE: this certificate is already registered to BANKA DECISION (Budi Santoso)" err &&
	test_expect_code 65 slktx officer renew BANKA --role DECISION --cert pki/BANKA-decision.crt 2>err &&
	grep "already registered to BANKA DECISION (Budi Santoso), formerly" err &&
	test_expect_code 65 slktx officer replace BANKA --role SERVICE --name X --cert pki/BANKA-product.crt 2>err &&
	grep "already registered to BANKA PRODUCT (Ani Wijaya), formerly" err &&
	dump after &&
	test_cmp before after
'

test_expect_success 'renew takes no --name and needs a held role' '
	test_expect_code 64 slktx officer renew BANKA --role DECISION --name X --cert budi2.crt 2>err &&
	slktx pujk add ASURB --name "Asuransi B" --sector INSURANCE >/dev/null &&
	new_cert asurb1 "/C=ID/O=Asuransi B/CN=Agus" &&
	test_expect_code 65 slktx officer renew ASURB --role DECISION --cert asurb1.crt 2>err &&
	grep "role DECISION of PUJK .ASURB. is vacant; use .officer add." err
'

test_expect_success 'officer list shows each certificate: its term and its validity' '
	slktx officer list BANKA >list &&
	cat list &&
	head -1 list | grep "^ROLE  *STATUS  *FROM  *UNTIL  *CERT-NOT-BEFORE  *CERT-NOT-AFTER  *CERT-SHA256  *SERIAL  *NAME$" &&
	test $(wc -l <list) = 7 &&
	test $(grep -c " active " list) = 3 &&
	test $(grep -c " former " list) = 3 &&
	grep "^PRODUCT  *former .*Ani Wijaya$" list &&
	grep "^PRODUCT  *active .*Dewi Lestari$" list &&
	openssl x509 -in pki/BANKA-decision.crt -noout -enddate | sed "s/.*=//" >end &&
	TZ=Asia/Jakarta date -d "$(cat end)" "+%Y-%m-%d %H:%M:%S +07:00" >want &&
	grep "^DECISION  *former .*$(cat want)" list
'

test_done
