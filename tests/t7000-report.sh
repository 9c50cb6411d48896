#!/bin/sh
test_description='slktx report: the figures of SPEC §9 against hand-computed values'
. "$(dirname "$0")/lib.sh"

# The ledger of tests/samples/report/october.fixture: October 2026 has no
# holiday, so every working day below is counted on a plain Mon-Fri calendar.
# The due day is the 10th working day after the start day (1 Oct -> 15 Oct,
# 2 Oct -> 16 Oct, 5 Oct -> 19 Oct, 7 Oct -> 21 Oct, 19 Oct -> 2 Nov,
# 26 Oct -> 9 Nov; the extension adds 10 more: 19 Oct -> 2 Nov).  AsOf is
# 31 Oct 23:59:59 WIB (a Saturday), the ages count working days from the
# start day to 31 Oct (1 Oct: 21, 2 Oct: 20, 5 Oct: 19, 7 Oct: 17, 19 Oct: 9,
# 26 Oct: 4).
mkdir spool &&
ledger-fixture spool/ledger.sqlite <"$SAMPLES/report/october.fixture" || exit 1

report() {
	slktx report --from 2026-10-01 --to 2026-10-31 "$@"
}

# csv FILE: the CSV without its byte order mark and CRs
csv() {
	sed "1s/^\xef\xbb\xbf//" "$1" | tr -d "\r"
}

test_expect_success 'report writes the XML, the HTML and six CSV files' '
	report --out out >printed &&
	cat >expect <<-\EOT &&
	out/report.xml
	out/report.html
	out/report-pujk.csv
	out/report-total.csv
	out/report-tickets.csv
	out/report-overdue.csv
	out/report-daily.csv
	out/report-monthly.csv
	EOT
	test_cmp expect printed &&
	test -s out/report.html
'

test_expect_success 'report.xml is valid against xsd/report.xsd' '
	xmllint --noout --schema "$XSD/report.xsd" out/report.xml
'

# Per PUJK, worked out by hand from the fixture:
# BANKA: T1 PGD (taken over 2 Oct = 1 wd, follow-up, proposed 7 Oct = 4 wd,
#   rejected, proposed again, accepted: SELESAI), T2 PGD (taken over 20 Oct =
#   12 wd, after its due day 16 Oct: late; age 20), T3 IND (BARU, due 9 Nov:
#   not late; age 4), T4 PGD (taken over 6 Oct = 1 wd, extended to 2 Nov;
#   its proposal was recorded on 2 Nov, after AsOf: not counted; age 19).
#   T7 left BANKA by the Reassign: it is BANKB's.
#   answered 3, on time 2 (T1, T4) = 66.7%; median of 1 1 12 = 1; proposal 4.
# BANKB: T5 PGD closed by OJK; T6 IND answered 9 Oct = 2 wd (age 17); T7 PGD
#   reassigned 5 Oct, BARU past 19 Oct: late (age 19; BANKA's Misrouted is no
#   response of BANKB's); T10 PGD taken over 14 Oct = 9 wd, on time, still
#   DIAMBIL_ALIH past 15 Oct: late (age 21); T11 IND BARU, due 2 Nov (age 9).
#   answered 2, both on time = 100.0%; median of 2 and 9 = 5.5; no proposal.
# BANKC: registered, no ticket.  The two tickets a minute outside the period
# count nowhere.
test_expect_success 'every figure per PUJK; the total in a file of its own' '
	cat >expect <<-\EOT &&
	pujk_code,pujk_name,received,received_pgd,received_ind,taken_over,followed_up,proposed,accepted,rejected,closed,open,late,answered,answered_on_time,on_time_share_pct,median_days_to_first_response,median_days_to_proposal,open_age_0_5,open_age_6_10,open_age_11_20,open_age_over_20
	BANKA,Bank Andalan,4,3,1,3,2,1,1,1,1,3,1,3,2,66.7,1,4,1,0,2,0
	BANKB,"Bank ""Bersama"", Tbk",5,3,2,1,1,0,0,0,1,4,2,2,2,100.0,5.5,,0,1,2,1
	BANKC,Bank Cahaya,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,0,0,0,0
	EOT
	csv out/report-pujk.csv >actual &&
	test_cmp expect actual &&
	head -n 1 expect >expect.total &&
	echo ",TOTAL,9,6,3,4,3,1,1,1,2,7,3,5,4,80.0,2,4,1,1,4,1" >>expect.total &&
	csv out/report-total.csv >actual &&
	test_cmp expect.total actual
'

# Sisa SLA on 31 Oct (a Saturday, AsOf's day): the working days after it up
# to the due day (2 Nov: 1; 9 Nov: 6), or after the due day up to it,
# negative (15 Oct: -11; 16 Oct: -10; 19 Oct: -9); empty when the ticket
# does not wait for the PUJK.
test_expect_success 'one row per ticket: ticket list'\''s columns, sisa SLA, then the report'\''s' '
	cat >expect <<-\EOT &&
	ticket,kind,pujk,status,received,due,sisa_sla,subject,first_response,proposal,late,nik_masked,received_in_period
	IND-2026-000101,IND,BANKA,BARU,2026-10-26 08:00:00,2026-11-09,6,Saldo,,,no,************0002,yes
	IND-2026-000201,IND,BANKB,DITANGGAPI,2026-10-07 10:00:00,2026-10-21,,Keluhan,2026-10-09 11:00:00,,no,,yes
	IND-2026-000202,IND,BANKB,BARU,2026-10-19 09:00:00,2026-11-02,1,ATM,,,no,,yes
	PGD-2026-000101,PGD,BANKA,SELESAI,2026-10-01 10:00:00,2026-10-15,,Tagihan ganda,2026-10-02 09:00:00,2026-10-07 14:00:00,no,************0001,yes
	PGD-2026-000102,PGD,BANKA,DIAMBIL_ALIH,2026-10-02 16:00:00,2026-10-16,-10,Bunga,2026-10-20 09:00:00,,yes,,yes
	PGD-2026-000103,PGD,BANKA,DITINDAKLANJUTI,2026-10-05 09:00:00,2026-11-02,1,Denda,2026-10-06 09:00:00,,no,,yes
	PGD-2026-000201,PGD,BANKB,DITUTUP,2026-10-01 00:30:00,2026-10-15,,Klaim,,,no,,yes
	PGD-2026-000202,PGD,BANKB,BARU,2026-10-01 12:00:00,2026-10-19,-9,Cek,,,yes,,yes
	PGD-2026-000204,PGD,BANKB,DIAMBIL_ALIH,2026-10-01 09:00:00,2026-10-15,-11,Kredit,2026-10-14 10:00:00,,yes,,yes
	EOT
	csv out/report-tickets.csv >actual &&
	test_cmp expect actual &&
	grep "<SisaSla>-11</SisaSla>" out/report.xml &&
	grep "<Subject>Tagihan ganda</Subject>" out/report.xml
'

test_expect_success 'the overdue list: negative sisa SLA, most late first, no consumer data in its CSV' '
	cat >expect <<-\EOT &&
	ticket,kind,pujk,status,received,due,sisa_sla,subject
	PGD-2026-000204,PGD,BANKB,DIAMBIL_ALIH,2026-10-01 09:00:00,2026-10-15,-11,Kredit
	PGD-2026-000102,PGD,BANKA,DIAMBIL_ALIH,2026-10-02 16:00:00,2026-10-16,-10,Bunga
	PGD-2026-000202,PGD,BANKB,BARU,2026-10-01 12:00:00,2026-10-19,-9,Cek
	EOT
	csv out/report-overdue.csv >actual &&
	test_cmp expect actual &&
	xmllint --xpath "//*[local-name()='\''Overdue'\'']/@count" out/report.xml >count &&
	grep "count=\"3\"" count &&
	grep "<TicketRef no=\"PGD-2026-000204\" sisaSla=\"-11\"/>" out/report.xml &&
	xmllint --xpath "//*[local-name()='\''Overdue'\'']/*/@no" out/report.xml >order &&
	printf " no=\"PGD-2026-000204\"\n no=\"PGD-2026-000102\"\n no=\"PGD-2026-000202\"\n" >expect &&
	test_cmp expect order
'

test_expect_success 'the urgent list: sisa SLA not yet negative, least first' '
	xmllint --xpath "//*[local-name()='\''Urgent'\'']/*/@no" out/report.xml >order &&
	printf " no=\"IND-2026-000202\"\n no=\"PGD-2026-000103\"\n no=\"IND-2026-000101\"\n" >expect &&
	test_cmp expect order
'

# The fixture's events happen on 1 Oct (4 NewTicket), 2 Oct (1 NewTicket,
# the Closure), 5, 7, 19 and 26 Oct (one NewTicket each), 12 Oct (the
# accepting Decision); T0 on 30 Sep.  The Reassign is not a receipt.
test_expect_success 'trends: received and closed per day and per month' '
	csv out/report-daily.csv | grep -v ",0,0\$" >actual &&
	cat >expect <<-\EOT &&
	day,received,closed
	2026-10-01,4,0
	2026-10-02,1,1
	2026-10-05,1,0
	2026-10-07,1,0
	2026-10-12,0,1
	2026-10-19,1,0
	2026-10-26,1,0
	EOT
	test_cmp expect actual &&
	test $(csv out/report-daily.csv | wc -l) = 32 &&
	csv out/report-monthly.csv >actual &&
	cat >expect <<-\EOT &&
	month,received,closed
	2025-11,0,0
	2025-12,0,0
	2026-01,0,0
	2026-02,0,0
	2026-03,0,0
	2026-04,0,0
	2026-05,0,0
	2026-06,0,0
	2026-07,0,0
	2026-08,0,0
	2026-09,1,0
	2026-10,9,2
	EOT
	test_cmp expect actual &&
	grep "<Day date=\"2026-10-01\" received=\"4\" closed=\"0\"/>" out/report.xml &&
	grep "<Month month=\"2026-10\" received=\"9\" closed=\"2\"/>" out/report.xml
'

xfig() { # FILE PUJK|Total ELEMENT: one figure from report.xml
	if [ "$2" = Total ]; then
		sel="//*[local-name()='Total']"
	else
		sel="//*[local-name()='Pujk'][@code='$2']"
	fi
	xmllint --xpath "string($sel/*[local-name()='$3'])" "$1"
}

test_expect_success 'the XML carries the same figures as the CSV' '
	test "$(xfig out/report.xml BANKA Received)" = 4 &&
	test "$(xfig out/report.xml BANKB MedianDaysToFirstResponse)" = 5.5 &&
	test "$(xfig out/report.xml Total OnTimeShare)" = 80.0 &&
	test "$(xfig out/report.xml BANKB MedianDaysToProposal)" = "" &&
	test "$(xfig out/report.xml BANKC OnTimeShare)" = "" &&
	grep "<AsOf>2026-10-31T23:59:59+07:00</AsOf>" out/report.xml &&
	grep "<OpenByAge upTo5=\"0\" from6To10=\"1\" from11To20=\"2\" over20=\"1\"/>" out/report.xml &&
	test $(xmllint --xpath "count(//*[local-name()='\''Tickets'\'']/*)" out/report.xml) = 9 &&
	grep "<Tickets count=\"9\">" out/report.xml
'

test_expect_success 'report.xsd refuses a full NIK, a consumer name, a bad share' '
	sed "s|<Nik>\*\*\*\*\*\*\*\*\*\*\*\*0001</Nik>|<Nik>3174011203850001</Nik>|" out/report.xml >nik.xml &&
	! cmp -s nik.xml out/report.xml &&
	test_must_fail xmllint --noout --schema "$XSD/report.xsd" nik.xml 2>err &&
	grep "Nik" err &&
	sed "s|</Nik>|</Nik><Name>Rina Marlina</Name>|" out/report.xml >name.xml &&
	! cmp -s name.xml out/report.xml &&
	test_must_fail xmllint --noout --schema "$XSD/report.xsd" name.xml 2>/dev/null &&
	sed "s|<OnTimeShare>80.0</OnTimeShare>|<OnTimeShare>80</OnTimeShare>|" out/report.xml >share.xml &&
	! cmp -s share.xml out/report.xml &&
	test_must_fail xmllint --noout --schema "$XSD/report.xsd" share.xml 2>/dev/null
'

test_expect_success 'the chain head in the header is the ledger'\''s last event' '
	sqlite3 spool/ledger.sqlite "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1" >head &&
	seq=$(cut -d"|" -f1 head) && hash=$(cut -d"|" -f2 head) &&
	grep "<ChainHead seq=\"$seq\" hash=\"$hash\"/>" out/report.xml
'

test_expect_success 'no consumer name, phone, e-mail or full NIK in any report file' '
	for f in out/*; do
		for word in Rina Marlina Joko Lina Hartati "Maya Sari" 6281234567890 \
			6285600011122 rina@example.id lina@example.id 3174011203850001 \
			3273015507900002 Sebelum Sesudah; do
			if grep -F "$word" "$f"; then echo "$word in $f"; exit 1; fi
		done
	done &&
	grep -F "************0001" out/report.html
'

test_expect_success 'the same ledger with the full NIK: the check above can fail' '
	sqlite3 spool/ledger.sqlite "SELECT detail FROM event WHERE seq = 1" >detail &&
	grep -F 3174011203850001 detail
'

test_expect_success 'every CSV: a UTF-8 byte order mark, CRLF line ends' '
	for f in out/*.csv; do
		test "$(head -c 3 $f | od -An -tx1 | tr -d " ")" = "efbbbf" || exit 1
		test $(grep -c "$(printf "\r")\$" $f) = $(wc -l <$f) || exit 1
	done &&
	test_expect_code 64 report --bom --out bom 2>err &&
	grep "usage" err
'

test_expect_success '[report] csv_bom, obsolete, is still read, and the BOM is always there' '
	printf "[spool]\ndir = spool\n[report]\ncsv_bom = no\n" >bom.conf &&
	slktx --config bom.conf report --from 2026-10-01 --to 2026-10-31 --out cbom >/dev/null &&
	test "$(head -c 3 cbom/report-pujk.csv | od -An -tx1 | tr -d " ")" = "efbbbf"
'

test_expect_success '--pujk restricts the report to one PUJK' '
	report --pujk BANKA --out a >/dev/null &&
	echo "BANKA,Bank Andalan,4,3,1,3,2,1,1,1,1,3,1,3,2,66.7,1,4,1,0,2,0" >expect &&
	csv a/report-pujk.csv | tail -n +2 >actual &&
	test_cmp expect actual &&
	echo ",TOTAL,4,3,1,3,2,1,1,1,1,3,1,3,2,66.7,1,4,1,0,2,0" >expect &&
	csv a/report-total.csv | tail -n +2 >actual &&
	test_cmp expect actual &&
	test $(csv a/report-tickets.csv | grep -c ",BANKA,") = 4 &&
	! grep BANKB a/report-tickets.csv &&
	grep "<PujkCode>BANKA</PujkCode>" a/report.xml
'

test_expect_success 'a one-day period counts the tickets received that day (WIB)' '
	slktx report --from 2026-10-01 --to 2026-10-01 --out d1 >/dev/null &&
	csv d1/report-tickets.csv | tail -n +2 | cut -d, -f1 >actual &&
	cat >expect <<-\EOT &&
	PGD-2026-000101
	PGD-2026-000201
	PGD-2026-000202
	PGD-2026-000204
	EOT
	test_cmp expect actual &&
	grep "<AsOf>2026-10-01T23:59:59+07:00</AsOf>" d1/report.xml
'

test_expect_success 'as of an earlier day, later events do not count' '
	slktx report --from 2026-10-01 --to 2026-10-05 --out d5 >/dev/null &&
	csv d5/report-tickets.csv | grep "^PGD-2026-000101," >actual &&
	echo "PGD-2026-000101,PGD,BANKA,DITINDAKLANJUTI,2026-10-01 10:00:00,2026-10-15,8,Tagihan ganda,2026-10-02 09:00:00,,no,************0001,yes" >expect &&
	test_cmp expect actual &&
	csv d5/report-tickets.csv | grep "^PGD-2026-000202," >actual &&
	echo "PGD-2026-000202,PGD,BANKB,BARU,2026-10-01 12:00:00,2026-10-19,10,Cek,,,no,,yes" >expect &&
	test_cmp expect actual
'

test_expect_success 'a period that goes on past now: AsOf is now (SLKTX_NOW)' '
	SLKTX_NOW=2026-10-20T12:00:00+07:00 report --out now >/dev/null &&
	grep "<CreatedAt>2026-10-20T12:00:00+07:00</CreatedAt>" now/report.xml &&
	grep "<AsOf>2026-10-20T12:00:00+07:00</AsOf>" now/report.xml &&
	csv now/report-tickets.csv | cut -d, -f1,7 >actual &&
	cat >expect <<-\EOT &&
	ticket,sisa_sla
	IND-2026-000201,
	IND-2026-000202,9
	PGD-2026-000101,
	PGD-2026-000102,-2
	PGD-2026-000103,9
	PGD-2026-000201,
	PGD-2026-000202,-1
	PGD-2026-000204,-3
	EOT
	test_cmp expect actual
'

test_expect_success 'the HTML page is in Indonesian and carries the figures' '
	grep "<html lang=\"id\">" out/report.html &&
	grep "Laporan Penanganan Pengaduan Konsumen" out/report.html &&
	grep "id=\"total-received\">9<" out/report.html &&
	grep "Bank &quot;Bersama&quot;, Tbk\|Bank \"Bersama\", Tbk" out/report.html &&
	test $(grep -o "<svg" out/report.html | wc -l) = 5 &&
	for id in chart-daily chart-monthly chart-status chart-ontime chart-age; do
		grep "<svg id=\"$id\"" out/report.html || exit 1
	done &&
	grep "@media print" out/report.html &&
	! grep -i "<script\|<link\|src=\"http\|href=\"http" out/report.html
'

test_expect_success 'xsltproc with xsd/report.xsl makes the same page (the XML is the source)' '
	xsltproc --nonet "$XSD/report.xsl" out/report.xml >xslt.html &&
	test_cmp xslt.html out/report.html
'

test_expect_success 'an unknown PUJK, a period backwards, a bad date' '
	test_expect_code 65 report --pujk NOBANK --out x 2>err &&
	grep "unknown PUJK .NOBANK." err &&
	test_expect_code 64 slktx report --from 2026-10-31 --to 2026-10-01 --out x 2>err &&
	grep "ends before it starts" err &&
	test_expect_code 64 slktx report --from 2026-10-32 --to 2026-10-31 --out x 2>err &&
	grep "YYYY-MM-DD" err &&
	test_expect_code 64 slktx report --from 2026-10-01 --to 2026-10-31 2>err &&
	grep "missing option .--out." err &&
	test ! -e x
'

test_expect_success 'the page writes numbers and days the Indonesian way' '
	grep "id=\"total-ontime\">80,0%<" out/report.html &&
	grep "66,7%" out/report.html &&
	grep ">5,5<" out/report.html &&
	! grep "80\.0%\|66\.7%" out/report.html &&
	grep "id=\"period\">1 Okt 2026 s.d. 31 Okt 2026" out/report.html &&
	grep "id=\"asof\">31 Okt 2026 23:59 WIB" out/report.html &&
	grep "15 Okt 2026" out/report.html
'

test_expect_success 'the page shows the overdue and urgent lists and every ticket (9 <= 200)' '
	test $(grep -c "<tr id=\"overdue-" out/report.html) = 3 &&
	test $(grep -c "<tr id=\"urgent-" out/report.html) = 3 &&
	test $(grep -c "<tr id=\"ticket-" out/report.html) = 9 &&
	! grep "id=\"tickets-more\"" out/report.html
'

at3nov() {
	SLKTX_NOW=2026-11-03T12:00:00+07:00 "$@"
}

# ticket list computes sisa SLA from the ticket table, the report from the
# events as of AsOf: on a day after every event was recorded they must agree
# row for row, and the report's Late count must be the tickets ticket list
# shows with a negative sisa SLA or ticket show says are late.
test_expect_success 'the report reconciles with ticket list and ticket show on the same day' '
	at3nov slktx report --from 2026-10-01 --to 2026-11-03 --out rec >/dev/null &&
	at3nov slktx ticket list --from 2026-10-01 --to 2026-11-03 --csv >list.csv &&
	csv list.csv | sort >expect &&
	csv rec/report-tickets.csv | cut -d, -f1-8 | sort >actual &&
	test_cmp expect actual &&
	for p in BANKA BANKB; do
		at3nov slktx ticket list --from 2026-10-01 --to 2026-11-03 --pujk $p --csv >l.csv &&
		late=0 &&
		for no in $(csv l.csv | tail -n +2 | cut -d, -f1); do
			if at3nov slktx ticket show $no | grep -q "^late: *yes"; then late=$((late + 1)); fi
		done &&
		neg=$(csv l.csv | tail -n +2 | awk -F, "\$7 < 0 && \$7 != \"\"" | wc -l) &&
		test "$(xfig rec/report.xml $p Late)" = $late &&
		test $neg -le $late || exit 1
	done &&
	test "$(xfig rec/report.xml BANKB Late)" = 3
'

test_expect_success 'a formula as a subject and as a PUJK name is text in every CSV' '
	cp spool/ledger.sqlite evil.sqlite &&
	mkdir espool && mv evil.sqlite espool/ledger.sqlite &&
	printf "[spool]\ndir = espool\n" >evil.conf &&
	slktx --config evil.conf pujk add EVIL --name "=cmd|'\'' /C calc'\''!A0" --sector BANK >/dev/null &&
	cat >evil.fixture <<-\EOT &&
	new 2026-10-06T09:00:00+07:00 - 1 e1 PGD-2026-000901 EVIL {"pujkCode":"EVIL","receivedAt":"2026-10-06T09:00:00+07:00","channel":"WEB","product":"X","consumer":{"name":"N"},"subject":"=cmd|'"'"' /C calc'"'"'!A0","description":"D"}
	EOT
	ledger-fixture espool/ledger.sqlite <evil.fixture &&
	slktx --config evil.conf report --from 2026-10-01 --to 2026-10-31 --out evil >/dev/null &&
	grep -F "EVIL,'"'"'=cmd|'"'"' /C calc'"'"'!A0,1," evil/report-pujk.csv &&
	grep -F ",'"'"'=cmd|'"'"' /C calc'"'"'!A0," evil/report-tickets.csv &&
	grep -F ",'"'"'=cmd|'"'"' /C calc'"'"'!A0" evil/report-overdue.csv &&
	for f in evil/*.csv; do
		if grep -n "\(^\|,\)=" $f; then echo "a live formula in $f"; exit 1; fi
	done
'

# With the backlog (the daily archive's view), a report on 20-31 Oct also
# lists the tickets received before 20 Oct and open at AsOf, marked, while
# the figures count only the period's.
test_expect_success '--backlog: every ticket open at AsOf is listed, the figures stay the period'\''s' '
	report --out full >/dev/null &&
	slktx report --from 2026-10-20 --to 2026-10-31 --backlog --out bl >/dev/null &&
	xmllint --noout --schema "$XSD/report.xsd" bl/report.xml &&
	grep "<OpenAtAsOf>true</OpenAtAsOf>" bl/report.xml &&
	csv bl/report-tickets.csv | cut -d, -f1,13 >actual &&
	cat >expect <<-\EOT &&
	ticket,received_in_period
	IND-2026-000101,yes
	IND-2026-000201,no
	IND-2026-000202,no
	PGD-2026-000102,no
	PGD-2026-000103,no
	PGD-2026-000202,no
	PGD-2026-000204,no
	PGD-2026-000205,no
	EOT
	test_cmp expect actual &&
	test "$(xfig bl/report.xml Total Received)" = 1 &&
	test $(grep -o "<Ticket backlog=\"true\">" bl/report.xml | wc -l) -ge 7 &&
	csv bl/report-overdue.csv | cut -d, -f1,7 >actual &&
	cat >expect <<-\EOT &&
	ticket,sisa_sla
	PGD-2026-000205,-12
	PGD-2026-000204,-11
	PGD-2026-000102,-10
	PGD-2026-000202,-9
	EOT
	test_cmp expect actual &&
	slktx report --from 2026-10-20 --to 2026-10-31 --out nobl >/dev/null &&
	test "$(csv nobl/report-tickets.csv | wc -l)" = 2 &&
	xsltproc --nonet "$XSD/report.xsl" bl/report.xml >bl.html &&
	test_cmp bl.html bl/report.html
'

test_done
