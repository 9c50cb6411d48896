#!/bin/sh
test_description='report.html in a real browser: headless Chromium shows the fixture'\''s figures'
. "$(dirname "$0")/lib.sh"

# Chromium is a dependency of the test suite (scripts/install-deps): when it
# is missing this script fails, it does not skip.
chrome() {
	HOME=$TRASH chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TRASH/chromium" "$@" 2>>"$TRASH/chromium.log"
}
# cell ROW-ID N: the text of the N-th cell of a row of the page Chromium built
cell() {
	xmllint --html --xpath "normalize-space(//tr[@id='$1']/td[$2])" dom.html 2>/dev/null
}

# shot NAME HTML HEIGHT: a screenshot NAME.png of the page's top HEIGHT
# pixels, kept in the scratch directory and copied to build/screenshots/
shot() {
	chrome --screenshot="$TRASH/$1.png" --window-size=1280,$3 "file://$2" >/dev/null &&
	test "$(head -c 8 $1.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
	test $(wc -c <$1.png) -gt 20000 &&
	mkdir -p "$BUILD/screenshots" && cp $1.png "$BUILD/screenshots/t7002-$1.png"
}
# month DIR N: a ledger in DIR/spool of N tickets in November 2026 (five
# PUJK; tests/samples/report/month.sql) and its report in DIR/out, made on
# 1 Dec; the PUJK and files come from month.awk through ledger-fixture
month() {
	mkdir -p $1/spool &&
	awk -v n=0 -f "$SAMPLES/report/month.awk" | ledger-fixture $1/spool/ledger.sqlite &&
	sed "s/@N@/$2/g; s/@START@/$(date -u -d 2026-10-31T17:00:00Z +%s)/g; s/@DAYS@/30/g" \
		"$SAMPLES/report/month.sql" | sqlite3 $1/spool/ledger.sqlite &&
	printf "[spool]\ndir = $TRASH/$1/spool\n" >$1/slktx.conf &&
	SLKTX_NOW=2026-12-01T08:00:00+07:00 slktx --config $1/slktx.conf report \
		--from 2026-11-01 --to 2026-11-30 --out $1/out >/dev/null
}
# dom_n XPATH: a number or text from the page Chromium built
dom_n() {
	xmllint --html --xpath "$1" dom.html 2>/dev/null
}

mkdir spool &&
ledger-fixture spool/ledger.sqlite <"$SAMPLES/report/october.fixture" &&
slktx report --from 2026-10-01 --to 2026-10-31 --out out >/dev/null || exit 1

test_expect_success 'chromium is installed' '
	command -v chromium
'

test_expect_success 'Chromium loads report.html and builds the page' '
	chrome --dump-dom "file://$TRASH/out/report.html" >dom.html &&
	grep "<title>Laporan Pengaduan SLKT 2026-10-01 s.d. 2026-10-31</title>" dom.html
'

test_expect_success 'the summary cards show the fixture'\''s totals' '
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-received'\''])" dom.html 2>/dev/null)" = 9 &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-open'\''])" dom.html 2>/dev/null)" = 7 &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-late'\''])" dom.html 2>/dev/null)" = 3 &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-ontime'\''])" dom.html 2>/dev/null)" = "80,0%" &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-overdue'\''])" dom.html 2>/dev/null)" = 3 &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-median'\''])" dom.html 2>/dev/null)" = 2
'

test_expect_success 'the per-PUJK table shows BANKA'\''s and BANKB'\''s figures' '
	test "$(cell pujk-BANKA 2)" = 4 &&       # received
	test "$(cell pujk-BANKA 5)" = 3 &&       # taken over
	test "$(cell pujk-BANKA 9)" = 1 &&       # rejected
	test "$(cell pujk-BANKA 12)" = 1 &&      # late
	test "$(cell pujk-BANKA 13)" = "66,7%" &&
	test "$(cell pujk-BANKB 14)" = 5,5 &&    # median days to first response
	test "$(cell pujk-BANKB 15)" = "–" &&    # no proposal
	test "$(cell pujk-BANKB 19)" = 1 &&      # open > 20 working days
	test "$(cell pujk-BANKC 2)" = 0 &&
	test "$(cell pujk-total 2)" = 9
'

test_expect_success 'the ticket table: one row a ticket, sisa SLA, late ones marked, NIK masked' '
	test $(grep -o "<tr id=\"ticket-" dom.html | wc -l) = 9 &&
	test "$(cell ticket-PGD-2026-000102 7)" = -10 &&
	test "$(cell ticket-PGD-2026-000101 7)" = "–" &&
	test "$(cell ticket-PGD-2026-000102 10)" = Ya &&
	test "$(cell ticket-PGD-2026-000101 10)" = Tidak &&
	test "$(cell ticket-PGD-2026-000101 11)" = "************0001" &&
	test "$(cell ticket-PGD-2026-000101 6)" = "15 Okt 2026" &&
	test "$(cell ticket-PGD-2026-000202 4)" = Baru &&
	test "$(cell ticket-PGD-2026-000202 3)" = BANKB
'

test_expect_success 'the overdue list, most late first, and the urgent list' '
	dom_n "//table[@id='\''overdue'\'']//tr/td[1]/text()" >actual &&
	printf "PGD-2026-000204\nPGD-2026-000102\nPGD-2026-000202\n" >expect &&
	test_cmp expect actual &&
	test "$(cell overdue-PGD-2026-000204 7)" = -11 &&
	test "$(cell overdue-PGD-2026-000204 8)" = Kredit &&
	test $(grep -o "<tr id=\"urgent-" dom.html | wc -l) = 3
'

test_expect_success 'five charts are inline SVG: two trends, three per PUJK' '
	test $(grep -o "<svg" dom.html | wc -l) = 5 &&
	for id in chart-daily chart-monthly chart-status chart-ontime chart-age; do grep "id=\"$id\"" dom.html || exit 1; done &&
	test "$(dom_n "count(//*[@id='\''chart-daily'\'']/*[local-name()='\''rect'\''])")" = 62 &&
	test "$(dom_n "count(//*[@id='\''chart-monthly'\'']/*[local-name()='\''rect'\''])")" = 24 &&
	xmllint --html --xpath "count(//*[@id='\''chart-ontime'\'']//*[local-name()='\''rect'\''][@fill='\''#1b9e77'\''])" dom.html 2>/dev/null >n &&
	echo 2 >expect && test_cmp expect n
'

test_expect_success 'a screenshot of the October page (build/screenshots/t7002-october.png)' '
	shot october "$TRASH/out/report.html" 3000
'

test_expect_success 'a month of 50 tickets: the page and its screenshot (t7002-report-50.png)' '
	month m50 50 &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-received'\''])" m50/out/report.html 2>/dev/null)" = 50 &&
	test $(grep -o "<tr id=\"ticket-" m50/out/report.html | wc -l) = 50 &&
	shot report-50 "$TRASH/m50/out/report.html" 3000
'

# The page of 100,000 tickets shows the first 200 overdue and the 200 most
# urgent, says how many more the CSV files hold, and lists no other ticket:
# it stays small (the CSV has every row).
test_expect_success 'a month of 100,000 tickets: a page of 400 rows, every row in the CSV (t7002-report-100000.png)' '
	month m100k 100000 &&
	test $(wc -c <m100k/out/report.html) -lt 1000000 &&
	test $(wc -l <m100k/out/report-tickets.csv) = 100001 &&
	chrome --dump-dom "file://$TRASH/m100k/out/report.html" >dom.html &&
	test "$(dom_n "normalize-space(//*[@id='\''total-received'\''])")" = 100.000 &&
	overdue=$(xmllint --xpath "string(//*[local-name()='\''Overdue'\'']/@count)" m100k/out/report.xml) &&
	test $overdue -gt 200 &&
	test $(wc -l <m100k/out/report-overdue.csv) = $((overdue + 1)) &&
	test $(grep -o "<tr id=\"overdue-" dom.html | wc -l) = 200 &&
	test $(grep -o "<tr id=\"urgent-" dom.html | wc -l) = 200 &&
	test $(grep -o "<tr id=\"ticket-" dom.html | wc -l) = 0 &&
	more=$(printf "%d" $((overdue - 200)) | sed ":a;s/\B[0-9]\{3\}\>/.&/;ta") &&
	dom_n "normalize-space(//*[@id='\''overdue-more'\''])" >actual &&
	echo "$more tiket lainnya ada di report-overdue.csv." >expect &&
	test_cmp expect actual &&
	grep "Daftar lengkap 100.000 tiket ada di report-tickets.csv" dom.html &&
	shot report-100000 "$TRASH/m100k/out/report.html" 3000
'

test_expect_success 'past 200 rows xsltproc on report.xml still makes the same page' '
	month m3000 3000 &&
	test $(xmllint --xpath "string(//*[local-name()='\''Overdue'\'']/@count)" m3000/out/report.xml) -gt 200 &&
	xsltproc --nonet "$XSD/report.xsl" m3000/out/report.xml >m3000.html &&
	test_cmp m3000.html m3000/out/report.html
'

test_expect_success 'it prints: Chromium makes a PDF of it with the print style' '
	chrome --print-to-pdf="$TRASH/report.pdf" --no-pdf-header-footer \
		"file://$TRASH/out/report.html" >/dev/null &&
	test "$(head -c 5 report.pdf)" = "%PDF-"
'

test_expect_success 'the page checks can fail: a page without the figures' '
	sed "s/id=\"total-received\">9</id=\"total-received\">8</" out/report.html >wrong.html &&
	chrome --dump-dom "file://$TRASH/wrong.html" >dom.html &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-received'\''])" dom.html 2>/dev/null)" = 8
'

test_done
