#!/bin/sh
test_description='the daily archive of a day a name was sent four times and junk was uploaded: every name unique, only named'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261125_000001
BIG=CB_OJK_20261125_000002
ORPHAN=RSP_ASURB_20261124_000001
JUNK=RSP_BANKA_20261125_000009.xml
A=spool/reports/2026/11/slktx-report-20261125.tar.gz
TOP=slktx-report-20261125

test_expect_success 'setup: the hub, on 18 November' '
	on "2026-11-18 10:00" setup_hub
'

test_expect_success '25 November: a batch, 5 MiB of junk signed over other bytes, 3 GB refused at the fetch, an orphan' '
	new_ticket t1 PGD-2026-000101 BANKA 2026-11-24T09:00:00+07:00 | cb $CB &&
	created $CB.xml 2026-11-25T08:00:00+07:00 &&
	mkdir keep && cp $CB.xml keep/ &&
	on "2026-11-25 09:00" drop_cb $CB.xml &&
	cp keep/$CB.xml again.xml && on "2026-11-25 09:00" slktx sign --cert pki/intake.crt \
		--key pki/intake.key again.xml >/dev/null && cp again.xml.p7s keep/$CB.xml.p7s &&
	yes SAMPAH-BUKAN-DATA | head -c 5242880 >$JUNK &&
	echo other >other && on "2026-11-25 09:00" sign_as BANKA-service other &&
	mv other.p7s $JUNK.p7s && mv $JUNK $JUNK.p7s exchange/pujk/BANKA/upload/ &&
	new_ticket t2 PGD-2026-000102 BANKA 2026-11-24T09:00:00+07:00 | cb $BIG &&
	created $BIG.xml 2026-11-25T08:00:00+07:00 &&
	on "2026-11-25 09:00" drop_cb $BIG.xml &&
	truncate -s 3G exchange/slkt/outbound/$BIG.xml &&
	take_over a1 PGD-2026-000101 2026-11-24T10:00:00+07:00 | rsp $ORPHAN &&
	created $ORPHAN.xml 2026-11-24T08:00:00+07:00 &&
	mv $ORPHAN.xml exchange/pujk/ASURB/upload/ &&
	touch -d "2026-11-24 09:00 +0700" exchange/pujk/ASURB/upload/$ORPHAN.xml &&
	on "2026-11-25 10:00" slktx run 2>err &&
	test "$(file_status $CB)" = ACCEPTED &&
	test "$(file_error RSP_BANKA_20261125_000009)" = SIGNATURE_INVALID &&
	test "$(file_error $BIG)" = LIMIT_EXCEEDED &&
	test "$(file_error $ORPHAN)" = SIGNATURE_MISSING
'

test_expect_success 'the same name three times more that day: DUPLICATE_FILE, DUPLICATE_BATCH_ID, a .zip' '
	cp keep/$CB.xml keep/$CB.xml.p7s exchange/slkt/outbound/ &&
	on "2026-11-25 11:00" slktx run 2>err &&
	test "$(file_error $CB)" = DUPLICATE_FILE &&
	sed "s|<Subject>Transaksi tidak dikenal</Subject>|<Subject>Lain</Subject>|" keep/$CB.xml >$CB.xml &&
	on "2026-11-25 12:00" drop_cb $CB.xml &&
	on "2026-11-25 12:00" slktx run 2>err &&
	test "$(file_error $CB)" = DUPLICATE_BATCH_ID &&
	mkdir pkg && cp keep/$CB.xml pkg/payload.xml && (cd pkg && zip -q -X ../$CB.zip payload.xml) &&
	on "2026-11-25 13:00" drop_cb $CB.zip &&
	on "2026-11-25 13:00" slktx run 2>err &&
	test "$(ls exchange/slkt/inbound/ACK_${CB}*.xml | wc -l)" = 4
'

test_expect_success 'the first run of 26 November archives the day: no name twice, and it verifies three ways' '
	on "2026-11-26 01:15" slktx run 2>err &&
	test -f $A &&
	tar tzf $A >list &&
	sort list | uniq -d >twice && test ! -s twice &&
	test $(grep -c "/files/[0-9]*-ACK_$CB" list) = 8 &&
	test $(grep -c "/files/[0-9]*-$CB\.xml\.p7s$" list) = 3 &&
	grep "/files/[0-9]*-$CB\.zip\.p7s$" list &&
	mkdir x && tar xzf $A -C x &&
	(cd x/$TOP && sha256sum -c --quiet MANIFEST.sha256) &&
	openssl cms -verify -binary -inform DER -content x/$TOP/MANIFEST.sha256 \
		-in x/$TOP/MANIFEST.sha256.p7s -CAfile pki/ca.crt -purpose any -out /dev/null &&
	slktx verify-archive $A >out && grep ": OK$" out &&
	slktx verify-archive $A --cafile pki/ca.crt >out && grep ": OK$" out
'

test_expect_success 'activity: the seven files with their statuses; each data file checks from the spool' '
	f=x/$TOP/activity-files.csv &&
	test $(wc -l <$f) = 8 &&
	grep ",$CB.xml,CB,OJK,.*,ACCEPTED,,.*,ACK_$CB.xml," $f &&
	grep ",$CB.xml,CB,OJK,.*,REJECTED,DUPLICATE_FILE,.*,ACK_${CB}_2.xml," $f &&
	grep ",$CB.xml,CB,OJK,.*,REJECTED,DUPLICATE_BATCH_ID,.*,ACK_${CB}_3.xml," $f &&
	grep ",$CB.zip,CB,OJK,.*,REJECTED,DUPLICATE_BATCH_ID,.*,ACK_${CB}_4.xml," $f &&
	(cd spool && sha256sum -c "$TRASH/x/$TOP/files/SHA256SUMS") >check &&
	test $(grep -c ": OK$" check) = 7
'

test_expect_success 'refused at the fetch (3 GB) and never signed (an orphan): only named, their data in quarantine/' '
	f=x/$TOP/activity-files.csv &&
	grep "^[0-9]*,$BIG.xml,CB,OJK,3221225472,[0-9a-f]*,.*,REJECTED,LIMIT_EXCEEDED,.*,ACK_$BIG.xml,archive/2026/11/25,quarantined,quarantined,files/[0-9]*-ACK_$BIG.xml,files/" $f &&
	grep "^[0-9]*,$ORPHAN.xml,RSP,ASURB,.*,REJECTED,SIGNATURE_MISSING,.*,ACK_$ORPHAN.xml,archive/2026/11/25,quarantined,none,files/[0-9]*-ACK_$ORPHAN.xml,files/" $f &&
	grep "  quarantine/$BIG.xml$" x/$TOP/files/SHA256SUMS &&
	grep "  quarantine/$ORPHAN.xml$" x/$TOP/files/SHA256SUMS &&
	! grep -e "files/[0-9]*-$BIG.xml.p7s" -e "files/[0-9]*-$ORPHAN.xml.p7s" list
'

test_expect_success 'the junk upload is only named: name, size, SHA-256; its bytes are not in the archive' '
	sha=$(sha256sum exchange/../spool/archive/2026/11/25/$JUNK | cut -c1-64) &&
	grep "^[0-9]*,$JUNK,RSP,BANKA,5242880,$sha,.*,REJECTED,SIGNATURE_INVALID," x/$TOP/activity-files.csv &&
	! zcat $A | grep -a -q SAMPAH-BUKAN-DATA &&
	test $(stat -c %s $A) -lt 1000000 &&
	test -z "$(find spool/reports -size +1M)" &&
	! grep -r -l 3174051203850007 x
'

test_done
