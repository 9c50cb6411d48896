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
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-ontime'\''])" dom.html 2>/dev/null)" = "80.0%" &&
	test "$(xmllint --html --xpath "normalize-space(//*[@id='\''total-median'\''])" dom.html 2>/dev/null)" = 2
'

test_expect_success 'the per-PUJK table shows BANKA'\''s and BANKB'\''s figures' '
	test "$(cell pujk-BANKA 2)" = 4 &&       # received
	test "$(cell pujk-BANKA 5)" = 3 &&       # taken over
	test "$(cell pujk-BANKA 9)" = 1 &&       # rejected
	test "$(cell pujk-BANKA 12)" = 1 &&      # late
	test "$(cell pujk-BANKA 13)" = "66.7%" &&
	test "$(cell pujk-BANKB 14)" = 5.5 &&    # median days to first response
	test "$(cell pujk-BANKB 15)" = "–" &&    # no proposal
	test "$(cell pujk-BANKB 19)" = 1 &&      # open > 20 working days
	test "$(cell pujk-BANKC 2)" = 0 &&
	test "$(cell pujk-total 2)" = 9
'

test_expect_success 'the ticket table: one row a ticket, late ones marked, NIK masked' '
	test $(grep -o "<tr id=\"ticket-" dom.html | wc -l) = 9 &&
	test "$(cell ticket-PGD-2026-000102 9)" = Ya &&
	test "$(cell ticket-PGD-2026-000101 9)" = Tidak &&
	test "$(cell ticket-PGD-2026-000101 10)" = "************0001" &&
	test "$(cell ticket-PGD-2026-000202 4)" = Baru &&
	test "$(cell ticket-PGD-2026-000202 3)" = BANKB
'

test_expect_success 'the three charts are inline SVG with a bar per PUJK' '
	test $(grep -o "<svg" dom.html | wc -l) = 3 &&
	for id in chart-status chart-ontime chart-age; do grep "id=\"$id\"" dom.html || exit 1; done &&
	xmllint --html --xpath "count(//*[@id='\''chart-ontime'\'']//*[local-name()='\''rect'\''][@fill='\''#1b9e77'\''])" dom.html 2>/dev/null >n &&
	echo 2 >expect && test_cmp expect n
'

test_expect_success 'a screenshot of the page (report.png; a copy in build/test-results)' '
	chrome --screenshot="$TRASH/report.png" --window-size=1280,2000 \
		"file://$TRASH/out/report.html" >/dev/null &&
	test "$(head -c 8 report.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
	test $(wc -c <report.png) -gt 20000 &&
	if test -d "$BUILD/test-results"; then cp report.png "$BUILD/test-results/t7002-report.png"; fi
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
