#!/bin/sh
test_description='slktx archive and verify-archive: the signed daily archive, checked with and without slktx'
. "$(dirname "$0")/lib.sh"

# The default configuration (no file): spool/, spool/ledger.sqlite,
# spool/reports, the hub's pki/hub.crt and pki/hub.key, trust pki/ca.crt.
make-test-pki pki >/dev/null &&
mkdir spool &&
ledger-fixture spool/ledger.sqlite <"$SAMPLES/report/october.fixture" || exit 1

A=spool/reports/2026/10/slktx-report-20261005.tar.gz
TOP=slktx-report-20261005

at() { date -u -d "$1" +%s; }
ossl_sign() { # CERT FILE
	openssl cms -sign -binary -cades -md sha256 -outform DER -signer "pki/$1.crt" \
		-inkey "pki/$1.key" -in "$2" -out "$2.p7s"
}
ossl_verify() { # DIR (an unpacked archive's top directory)
	openssl cms -verify -binary -inform DER -content "$1/MANIFEST.sha256" \
		-in "$1/MANIFEST.sha256.p7s" -CAfile pki/ca.crt -purpose any -out /dev/null
}
# put_input DAYDIR NAME ACK: an archived input, its signature, its acknowledgement
put_input() {
	mkdir -p "spool/$1" &&
	echo "<data name=\"$2\"/>" >"spool/$1/$2" && ossl_sign intake "spool/$1/$2" &&
	echo "<ack of=\"$2\"/>" >"spool/$1/$3" && ossl_sign hub "spool/$1/$3"
}
repack() { # DIR OUT: tar an unpacked archive again, as an auditor's tar would
	tar czf "$2" -C "$1" "$TOP"
}

test_expect_success 'setup: three processed inputs, two of them on 5 October (WIB)' '
	put_input archive/2026/10/05 CB_OJK_20261005_000001.xml ACK_CB_OJK_20261005_000001.xml &&
	put_input archive/2026/10/05 RSP_BANKB_20261002_000001.xml ACK_RSP_BANKB_20261002_000001.xml &&
	put_input archive/2026/10/01 CB_OJK_20261001_000001.xml ACK_CB_OJK_20261001_000001.xml &&
	sqlite3 spool/ledger.sqlite "
		UPDATE file SET processed_at = $(at 2026-10-05T10:00:00+07:00),
			archive_dir = '\''archive/2026/10/05'\'',
			ack_name = '\''ACK_CB_OJK_20261005_000001.xml'\'' WHERE id = 4;
		UPDATE file SET processed_at = $(at 2026-10-05T00:10:00+07:00),
			archive_dir = '\''archive/2026/10/05'\'' WHERE id = 3;
		UPDATE file SET processed_at = $(at 2026-10-04T23:50:00+07:00),
			archive_dir = '\''archive/2026/10/01'\'',
			ack_name = '\''ACK_CB_OJK_20261001_000001.xml'\'' WHERE id = 1;"
'

test_expect_success 'archive writes reports/YYYY/MM/slktx-report-YYYYMMDD.tar.gz' '
	slktx archive --date 2026-10-05 >out &&
	echo "$TRASH/$A" >expect && test_cmp expect out &&
	test -f "$A" &&
	ls -a spool/reports/2026/10 >actual &&
	printf ".\n..\nslktx-report-20261005.tar.gz\n" >expect && test_cmp expect actual
'

test_expect_success 'it holds the report, the day'\''s inputs with signatures and acks, the chain head, the manifest' '
	tar tzf "$A" | sort >actual &&
	sed "s|^|$TOP/|" >expect <<-\EOT &&
	CHAIN_HEAD
	MANIFEST.sha256
	MANIFEST.sha256.p7s
	inputs/ACK_CB_OJK_20261005_000001.xml
	inputs/ACK_CB_OJK_20261005_000001.xml.p7s
	inputs/ACK_RSP_BANKB_20261002_000001.xml
	inputs/ACK_RSP_BANKB_20261002_000001.xml.p7s
	inputs/CB_OJK_20261005_000001.xml
	inputs/CB_OJK_20261005_000001.xml.p7s
	inputs/RSP_BANKB_20261002_000001.xml
	inputs/RSP_BANKB_20261002_000001.xml.p7s
	report-daily.csv
	report-monthly.csv
	report-overdue.csv
	report-pujk.csv
	report-tickets.csv
	report-total.csv
	report.html
	report.xml
	EOT
	test_cmp expect actual &&
	gzip -t "$A"
'

test_expect_success 'an auditor checks it with tar, sha256sum -c and openssl cms alone' '
	mkdir u && tar xzf "$A" -C u &&
	(cd "u/$TOP" && sha256sum -c MANIFEST.sha256) >check &&
	test $(grep -c ": OK$" check) = 17 &&
	ossl_verify "u/$TOP" &&
	cmp "u/$TOP/inputs/CB_OJK_20261005_000001.xml" spool/archive/2026/10/05/CB_OJK_20261005_000001.xml
'

test_expect_success 'CHAIN_HEAD is the ledger'\''s last event; the report is the day'\''s' '
	sqlite3 spool/ledger.sqlite "SELECT seq || '\'' '\'' || hash FROM event ORDER BY seq DESC LIMIT 1" >expect &&
	test_cmp expect "u/$TOP/CHAIN_HEAD" &&
	xmllint --noout --schema "$XSD/report.xsd" "u/$TOP/report.xml" &&
	grep "<PeriodFrom>2026-10-05</PeriodFrom>" "u/$TOP/report.xml" &&
	grep "<TicketNo>PGD-2026-000103</TicketNo>" "u/$TOP/report.xml" &&
	grep "<Tickets count=\"1\">" "u/$TOP/report.xml"
'

test_expect_success 'verify-archive: good with the configuration (signer pinned, chain head checked)' '
	slktx verify-archive "$A" >out &&
	grep "^$A: OK$" out &&
	grep "^signer: .*CN=" out &&
	grep "^chain head: matches the ledger$" out
'

test_expect_success 'verify-archive --cafile: good without a configuration' '
	mkdir elsewhere && cp "$A" pki/ca.crt elsewhere/ &&
	(cd elsewhere && slktx verify-archive slktx-report-20261005.tar.gz --cafile ca.crt) >out &&
	grep "OK$" out && grep "^chain head: not checked" out
'

test_expect_success 'a repack with tar alone still verifies (the checks below fail for their change)' '
	repack u same.tar.gz &&
	slktx verify-archive same.tar.gz >out && grep ": OK$" out
'

test_expect_success 'one byte changed in a member: sha256sum -c and verify-archive fail' '
	cp -R u u1 &&
	printf X | dd of="u1/$TOP/report.xml" bs=1 seek=60 conv=notrunc 2>/dev/null &&
	test_must_fail sh -c "cd u1/$TOP && sha256sum -c MANIFEST.sha256" >check 2>&1 &&
	grep "report.xml: FAILED" check &&
	repack u1 byte.tar.gz &&
	test_expect_code 65 slktx verify-archive byte.tar.gz 2>err &&
	grep "byte.tar.gz: PACKAGE_INVALID: .report.xml. does not match the manifest" err &&
	test $(wc -l <err) = 1
'

test_expect_success 'an input changed in the archive is named' '
	cp -R u u2 &&
	echo "<data forged=\"1\"/>" >"u2/$TOP/inputs/CB_OJK_20261005_000001.xml" &&
	repack u2 input.tar.gz &&
	test_expect_code 65 slktx verify-archive input.tar.gz 2>err &&
	grep "inputs/CB_OJK_20261005_000001.xml. does not match the manifest" err
'

test_expect_success 'the manifest changed: openssl and verify-archive refuse the signature' '
	cp -R u u3 &&
	sed -i "1s/^0/X/;1s/^[1-9a-f]/0/;1s/^X/1/" "u3/$TOP/MANIFEST.sha256" &&
	! cmp -s "u/$TOP/MANIFEST.sha256" "u3/$TOP/MANIFEST.sha256" &&
	test_must_fail ossl_verify "u3/$TOP" 2>/dev/null &&
	repack u3 manifest.tar.gz &&
	test_expect_code 65 slktx verify-archive manifest.tar.gz 2>err &&
	grep "manifest.tar.gz: SIGNATURE_INVALID: MANIFEST.sha256.p7s" err
'

test_expect_success 'a member not in the manifest, a listed member missing' '
	cp -R u u4 && echo extra >"u4/$TOP/inputs/extra.xml" &&
	repack u4 extra.tar.gz &&
	test_expect_code 65 slktx verify-archive extra.tar.gz 2>err &&
	grep ".inputs/extra.xml. is in the archive but not in the manifest" err &&
	cp -R u u5 && rm "u5/$TOP/report.html" &&
	repack u5 missing.tar.gz &&
	test_expect_code 65 slktx verify-archive missing.tar.gz 2>err &&
	grep ".report.html. is in the manifest but not in the archive" err
'

test_expect_success 'a symlink member, a member outside the top directory' '
	cp -R u u6 && ln -s /etc/passwd "u6/$TOP/inputs/link" &&
	repack u6 link.tar.gz &&
	test_expect_code 65 slktx verify-archive link.tar.gz 2>err &&
	grep ".inputs/link. is not a regular file" err &&
	cp -R u u7 && echo x >u7/stray.txt &&
	tar czf stray.tar.gz -C u7 "$TOP" stray.txt &&
	test_expect_code 65 slktx verify-archive stray.tar.gz 2>err &&
	grep ".stray.txt. is not a safe name under slktx-report-YYYYMMDD/" err
'

test_expect_success 'no signature, not an archive' '
	cp -R u u8 && rm "u8/$TOP/MANIFEST.sha256.p7s" &&
	repack u8 nosig.tar.gz &&
	test_expect_code 65 slktx verify-archive nosig.tar.gz 2>err &&
	grep "SIGNATURE_MISSING" err &&
	echo "not a tar" >junk.tar.gz &&
	test_expect_code 65 slktx verify-archive junk.tar.gz 2>err &&
	grep "junk.tar.gz: PACKAGE_INVALID: " err
'

test_expect_success 'a manifest signed by another certificate of the CA: not the hub' '
	cp -R u u9 &&
	openssl cms -sign -binary -cades -md sha256 -outform DER -signer pki/BANKA-decision.crt \
		-inkey pki/BANKA-decision.key -in "u9/$TOP/MANIFEST.sha256" \
		-out "u9/$TOP/MANIFEST.sha256.p7s" &&
	repack u9 officer.tar.gz &&
	test_expect_code 65 slktx verify-archive officer.tar.gz 2>err &&
	grep "SIGNER_NOT_REGISTERED" err &&
	slktx verify-archive officer.tar.gz --cafile pki/ca.crt >out &&
	grep "^signer: CN=Budi Santoso,OU=DECISION" out
'

test_expect_success 'an archive checked against another CA: CERT_UNTRUSTED' '
	test_expect_code 65 slktx verify-archive "$A" --cafile pki/otherca.crt 2>err &&
	grep "CERT_UNTRUSTED" err
'

# resign_head DIR TEXT: CHAIN_HEAD replaced, the manifest hashed and signed again by the hub
resign_head() {
	printf "$2" >"$1/$TOP/CHAIN_HEAD" &&
	sum=$(sha256sum "$1/$TOP/CHAIN_HEAD" | cut -d" " -f1) &&
	sed -i "s/^[0-9a-f]*  CHAIN_HEAD\$/$sum  CHAIN_HEAD/" "$1/$TOP/MANIFEST.sha256" &&
	ossl_sign hub "$1/$TOP/MANIFEST.sha256"
}

test_expect_success 'a signed CHAIN_HEAD that overflows or has garbage after its hash is refused' '
	h=$(cut -d" " -f2 "u/$TOP/CHAIN_HEAD") &&
	cp -R u u10 && resign_head u10 "99999999999999999999999 $h" &&
	repack u10 overflow.tar.gz &&
	test_expect_code 65 slktx verify-archive overflow.tar.gz 2>err &&
	grep "overflow.tar.gz: PACKAGE_INVALID: CHAIN_HEAD has a sequence number too large" err &&
	cp -R u u11 && resign_head u11 "26 ${h}XYZ\\n" &&
	repack u11 garbage.tar.gz &&
	test_expect_code 65 slktx verify-archive garbage.tar.gz 2>err &&
	grep "garbage.tar.gz: PACKAGE_INVALID: CHAIN_HEAD is not .SEQ HASH. and a newline" err &&
	test_expect_code 65 slktx verify-archive garbage.tar.gz --cafile pki/ca.crt 2>err &&
	grep "CHAIN_HEAD is not" err
'

test_expect_success 'a ledger whose history differs at the chain head: INVALID_STATE' '
	sed "s/Dicabut\./Ditarik./" "$SAMPLES/report/october.fixture" >other.fixture &&
	mkdir other && ledger-fixture other/ledger.sqlite <other.fixture &&
	printf "[ledger]\npath = other/ledger.sqlite\n" >other.conf &&
	test_expect_code 65 slktx --config other.conf verify-archive "$A" 2>err &&
	grep "INVALID_STATE: the ledger.s event [0-9]* has hash [0-9a-f]*, CHAIN_HEAD says" err &&
	mkdir short && ledger-fixture short/ledger.sqlite <"$SAMPLES/ledger/tickets.fixture" &&
	printf "[ledger]\npath = short/ledger.sqlite\n" >short.conf &&
	test_expect_code 65 slktx --config short.conf verify-archive "$A" 2>err &&
	grep "INVALID_STATE: the ledger has no event" err
'

test_expect_success 'archive again: the day'\''s archive is replaced, nothing else is left' '
	cp "$A" first.tar.gz &&
	slktx archive --date 2026-10-05 >/dev/null &&
	ls -a spool/reports/2026/10 >actual &&
	printf ".\n..\nslktx-report-20261005.tar.gz\n" >expect && test_cmp expect actual &&
	slktx verify-archive "$A" >/dev/null
'

test_expect_success 'a file the ledger lists twice that day is archived once' '
	sqlite3 spool/ledger.sqlite "INSERT INTO file(id, name, kind, sender, remote_dir, sha256,
		size, sig_sha256, fetched_at, state, processed_at, archive_dir, ack_name)
		SELECT 99, name, kind, sender, remote_dir, sha256, size, sig_sha256, fetched_at,
		state, processed_at + 60, archive_dir, ack_name FROM file WHERE id = 4" &&
	slktx archive --date 2026-10-05 >/dev/null &&
	test $(tar tzf "$A" | grep -c "inputs/CB_OJK_20261005_000001.xml$") = 1 &&
	slktx verify-archive "$A" >/dev/null
'

test_expect_success 'an archived input missing: no archive, no temporary file' '
	mv spool/archive/2026/10/05/ACK_RSP_BANKB_20261002_000001.xml.p7s saved.p7s &&
	sqlite3 spool/ledger.sqlite "UPDATE file SET processed_at = $(at 2026-10-06T10:00:00+07:00) WHERE id = 3" &&
	test_expect_code 65 slktx archive --date 2026-10-06 2>err &&
	grep "ACK_RSP_BANKB_20261002_000001.xml.p7s" err &&
	ls -a spool/reports/2026/10 >actual &&
	printf ".\n..\nslktx-report-20261005.tar.gz\n" >expect && test_cmp expect actual &&
	mv saved.p7s spool/archive/2026/10/05/ACK_RSP_BANKB_20261002_000001.xml.p7s
'

test_expect_success 'a day with no input still gets a signed archive of its report' '
	slktx archive --date 2026-10-20 >out &&
	tar tzf spool/reports/2026/10/slktx-report-20261020.tar.gz >list &&
	! grep inputs/ list && grep MANIFEST.sha256.p7s list &&
	slktx verify-archive spool/reports/2026/10/slktx-report-20261020.tar.gz >/dev/null
'

test_expect_success 'archive without --date is today in WIB (SLKTX_NOW)' '
	SLKTX_NOW=2026-10-20T23:30:00+07:00 slktx archive >out &&
	echo "$TRASH/spool/reports/2026/10/slktx-report-20261020.tar.gz" >expect && test_cmp expect out &&
	SLKTX_NOW=2026-10-20T17:30:00Z slktx archive >out &&
	echo "$TRASH/spool/reports/2026/10/slktx-report-20261021.tar.gz" >expect && test_cmp expect out
'

test_expect_success 'archive waits for no run: a held lock is EX_TEMPFAIL' '
	mkfifo hold &&
	{ spool-lock spool -w 30 <hold >locked & } &&
	exec 9>hold &&
	for i in $(seq 100); do test -s locked && break; sleep 0.1; done &&
	{ test_expect_code 75 slktx archive --date 2026-10-05 2>err; status=$?; }
	exec 9>&-
	wait
	test "$status" = 0 && grep "holds the lock" err
'

test_expect_success 'leftovers of an archive killed half way are removed by the next' '
	: >spool/reports/2026/10/.slktx-report-20261005.tar.gz.AbC123 &&
	mkdir spool/reports/2026/10/.manifest.XyZ789 &&
	: >spool/reports/2026/10/.manifest.XyZ789/MANIFEST.sha256 &&
	slktx archive --date 2026-10-05 >/dev/null &&
	test ! -e spool/reports/2026/10/.slktx-report-20261005.tar.gz.AbC123 &&
	test ! -e spool/reports/2026/10/.manifest.XyZ789 &&
	slktx verify-archive --cafile pki/ca.crt $A
'

test_done
