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

test_expect_success 'report writes the XML, the HTML and two CSV files' '
	report --out out >printed &&
	cat >expect <<-\EOT &&
	out/report.xml
	out/report.html
	out/report-pujk.csv
	out/report-tickets.csv
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
test_expect_success 'every figure per PUJK and in total' '
	cat >expect <<-\EOT &&
	pujk_code,pujk_name,received,received_pgd,received_ind,taken_over,followed_up,proposed,accepted,rejected,closed,open,late,answered,answered_on_time,on_time_share_pct,median_days_to_first_response,median_days_to_proposal,open_age_0_5,open_age_6_10,open_age_11_20,open_age_over_20
	BANKA,Bank Andalan,4,3,1,3,2,1,1,1,1,3,1,3,2,66.7,1,4,1,0,2,0
	BANKB,"Bank ""Bersama"", Tbk",5,3,2,1,1,0,0,0,1,4,2,2,2,100.0,5.5,,0,1,2,1
	BANKC,Bank Cahaya,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,0,0,0,0
	,TOTAL,9,6,3,4,3,1,1,1,2,7,3,5,4,80.0,2,4,1,1,4,1
	EOT
	tr -d "\r" <out/report-pujk.csv >actual &&
	test_cmp expect actual
'

test_expect_success 'one row per ticket: status, due day, responses, lateness, masked NIK' '
	cat >expect <<-\EOT &&
	ticket_no,kind,pujk_code,status,received_at,due_date,first_response_at,proposal_at,late,nik_masked
	IND-2026-000101,IND,BANKA,BARU,2026-10-26T08:00:00+07:00,2026-11-09,,,no,************0002
	IND-2026-000201,IND,BANKB,DITANGGAPI,2026-10-07T10:00:00+07:00,2026-10-21,2026-10-09T11:00:00+07:00,,no,
	IND-2026-000202,IND,BANKB,BARU,2026-10-19T09:00:00+07:00,2026-11-02,,,no,
	PGD-2026-000101,PGD,BANKA,SELESAI,2026-10-01T10:00:00+07:00,2026-10-15,2026-10-02T09:00:00+07:00,2026-10-07T14:00:00+07:00,no,************0001
	PGD-2026-000102,PGD,BANKA,DIAMBIL_ALIH,2026-10-02T16:00:00+07:00,2026-10-16,2026-10-20T09:00:00+07:00,,yes,
	PGD-2026-000103,PGD,BANKA,DITINDAKLANJUTI,2026-10-05T09:00:00+07:00,2026-11-02,2026-10-06T09:00:00+07:00,,no,
	PGD-2026-000201,PGD,BANKB,DITUTUP,2026-10-01T00:30:00+07:00,2026-10-15,,,no,
	PGD-2026-000202,PGD,BANKB,BARU,2026-10-01T12:00:00+07:00,2026-10-19,,,yes,
	PGD-2026-000204,PGD,BANKB,DIAMBIL_ALIH,2026-10-01T09:00:00+07:00,2026-10-15,2026-10-14T10:00:00+07:00,,yes,
	EOT
	tr -d "\r" <out/report-tickets.csv >actual &&
	test_cmp expect actual
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
	test $(grep -c "<Ticket>" out/report.xml) = 9
'

test_expect_success 'report.xsd refuses a full NIK, a consumer name, a bad share' '
	sed "s|<Nik>\*\*\*\*\*\*\*\*\*\*\*\*0001</Nik>|<Nik>3174011203850001</Nik>|" out/report.xml >nik.xml &&
	! cmp -s nik.xml out/report.xml &&
	test_must_fail xmllint --noout --schema "$XSD/report.xsd" nik.xml 2>err &&
	grep "Nik" err &&
	sed "s|<Late>yes</Late>|<Late>true</Late><Name>Rina</Name>|;s|</Nik>|</Nik><Name>Rina Marlina</Name>|" out/report.xml >name.xml &&
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

test_expect_success 'CSV: CRLF line ends, no BOM by default, BOM with --bom' '
	test "$(head -c 3 out/report-pujk.csv | od -An -tx1 | tr -d " ")" = "70756a" &&
	test $(grep -c "$(printf "\r")\$" out/report-tickets.csv) = 10 &&
	report --bom --out bom >/dev/null &&
	test "$(head -c 3 bom/report-pujk.csv | od -An -tx1 | tr -d " ")" = "efbbbf" &&
	test "$(head -c 3 bom/report-tickets.csv | od -An -tx1 | tr -d " ")" = "efbbbf"
'

test_expect_success '[report] csv_bom = 1 in the configuration adds the BOM' '
	printf "[spool]\ndir = spool\n[report]\ncsv_bom = 1\n" >bom.conf &&
	slktx --config bom.conf report --from 2026-10-01 --to 2026-10-31 --out cbom >/dev/null &&
	test "$(head -c 3 cbom/report-pujk.csv | od -An -tx1 | tr -d " ")" = "efbbbf"
'

test_expect_success '--pujk restricts the report to one PUJK' '
	report --pujk BANKA --out a >/dev/null &&
	cat >expect <<-\EOT &&
	BANKA,Bank Andalan,4,3,1,3,2,1,1,1,1,3,1,3,2,66.7,1,4,1,0,2,0
	,TOTAL,4,3,1,3,2,1,1,1,1,3,1,3,2,66.7,1,4,1,0,2,0
	EOT
	tr -d "\r" <a/report-pujk.csv | tail -n +2 >actual &&
	test_cmp expect actual &&
	test $(tr -d "\r" <a/report-tickets.csv | grep -c ",BANKA,") = 4 &&
	! grep BANKB a/report-tickets.csv &&
	grep "<PujkCode>BANKA</PujkCode>" a/report.xml
'

test_expect_success 'a one-day period counts the tickets received that day (WIB)' '
	slktx report --from 2026-10-01 --to 2026-10-01 --out d1 >/dev/null &&
	tr -d "\r" <d1/report-tickets.csv | tail -n +2 | cut -d, -f1 >actual &&
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
	tr -d "\r" <d5/report-tickets.csv | grep "^PGD-2026-000101," >actual &&
	echo "PGD-2026-000101,PGD,BANKA,DITINDAKLANJUTI,2026-10-01T10:00:00+07:00,2026-10-15,2026-10-02T09:00:00+07:00,,no,************0001" >expect &&
	test_cmp expect actual &&
	tr -d "\r" <d5/report-tickets.csv | grep "^PGD-2026-000202," >actual &&
	echo "PGD-2026-000202,PGD,BANKB,BARU,2026-10-01T12:00:00+07:00,2026-10-19,,,no," >expect &&
	test_cmp expect actual
'

test_expect_success 'a period that goes on past now: AsOf is now (SLKTX_NOW)' '
	SLKTX_NOW=2026-10-20T12:00:00+07:00 report --out now >/dev/null &&
	grep "<CreatedAt>2026-10-20T12:00:00+07:00</CreatedAt>" now/report.xml &&
	grep "<AsOf>2026-10-20T12:00:00+07:00</AsOf>" now/report.xml &&
	tr -d "\r" <out/report-tickets.csv | grep -v "^IND-2026-000101," >expect &&
	tr -d "\r" <now/report-tickets.csv >actual &&
	test_cmp expect actual
'

test_expect_success 'the HTML page is in Indonesian and carries the figures' '
	grep "<html lang=\"id\">" out/report.html &&
	grep "Laporan Penanganan Pengaduan Konsumen" out/report.html &&
	grep "id=\"total-received\">9<" out/report.html &&
	grep "Bank &quot;Bersama&quot;, Tbk\|Bank \"Bersama\", Tbk" out/report.html &&
	test $(grep -o "<svg" out/report.html | wc -l) = 3 &&
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

test_done
