#!/bin/sh
test_description='a daily statement rendered by xsltproc with statement.xsl, read in headless Chromium'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

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
byid() {
	xmllint --html --xpath "normalize-space(//*[@id='$1'])" dom.html 2>/dev/null
}

T=$(date +%s)
CB=CB_OJK_20261127
RSP=RSP_BANKA_20261128

# Tickets in every state a clerk meets: late, due soon, waiting for OJK, finished.
test_expect_success 'set up a hub with BANKA'\''s tickets and make its statement' '
	setup_hub &&
	{ new_ticket r1 PGD-2026-000401 BANKA 2026-10-01T09:00:00+07:00
	  new_ticket r2 PGD-2026-000402 BANKA 2026-11-17T09:00:00+07:00
	  new_ticket r3 IND-2026-000403 BANKA 2026-11-25T09:00:00+07:00
	  new_ticket r4 PGD-2026-000404 BANKA 2026-11-18T09:00:00+07:00
	  new_ticket r5 PGD-2026-000405 BANKA 2026-11-19T09:00:00+07:00; } | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	{ take_over t4 PGD-2026-000404 2026-11-19T10:00:00+07:00
	  follow_up f4 PGD-2026-000404 2026-11-20T10:00:00+07:00
	  proposal p4 PGD-2026-000404 2026-11-21T10:00:00+07:00
	  follow_up f3 IND-2026-000403 2026-11-26T10:00:00+07:00; } | rsp ${RSP}_000001 &&
	drop_rsp ${RSP}_000001.xml DECISION &&
	closure c5 PGD-2026-000405 2026-11-20T10:00:00+07:00 | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	slktx run 2>err &&
	SLKTX_NOW=$((T + 86400)) slktx run 2>err &&
	stm=$(ls exchange/pujk/BANKA/download/STM_BANKA_*.xml) &&
	test $(echo "$stm" | wc -l) = 1 &&
	cp "$stm" statement.xml
'

test_expect_success 'xsltproc turns it into one self-contained page' '
	xsltproc "$XSD/statement.xsl" statement.xml >page.html &&
	grep "<title>Laporan Harian Pengaduan BANKA " page.html &&
	! grep -iE "<(script|link|img)|src=|https?://" page.html
'

test_expect_success 'chromium is installed' '
	command -v chromium
'

test_expect_success 'Chromium loads the page: cards, ticket list, sisa SLA and lateness' '
	chrome --dump-dom "file://$TRASH/page.html" >dom.html &&
	grep "<h1>Laporan Harian Pengaduan</h1>" dom.html &&
	test "$(byid pujk)" = BANKA &&
	test "$(byid total-open)" = 4 &&
	test "$(byid total-late)" = 1 &&
	test "$(byid total-received)" = 5 &&
	test "$(byid total-ojk)" = 2 &&
	test $(grep -o "<tr id=\"ticket-" dom.html | wc -l) = 5 &&
	test "$(cell ticket-PGD-2026-000401 4)" = Baru &&
	test "$(cell ticket-PGD-2026-000401 5)" = "1 Okt 2026" &&
	test "$(cell ticket-PGD-2026-000401 8)" = Ya &&
	xmllint --html --xpath "string(//tr[@id='\''ticket-PGD-2026-000401'\'']/@class)" dom.html 2>/dev/null | grep -q is-late &&
	test "$(cell ticket-PGD-2026-000404 4)" = "Usulan selesai" &&
	test "$(cell ticket-PGD-2026-000404 7)" = "–" &&
	test "$(cell ticket-PGD-2026-000404 9)" = OJK &&
	test "$(cell ticket-PGD-2026-000405 4)" = Ditutup &&
	test "$(cell ticket-IND-2026-000403 4)" = Ditanggapi
'

test_expect_success 'the page shows what the statement says of sisa SLA' '
	want=$(xmllint --xpath "string(//*[local-name()='\''Ticket'\''][*[local-name()='\''TicketNo'\'']='\''PGD-2026-000402'\'']/@slaDaysLeft)" statement.xml) &&
	test -n "$want" &&
	test "$(cell ticket-PGD-2026-000402 7)" = "$want" &&
	test "$(cell year-2026 2)" = 4 &&
	test "$(cell year-2026 5)" = 1 &&
	test "$(cell month-2026-10 4)" = 1
'

test_expect_success 'numbers are written the Indonesian way' '
	sed "s/received=\"4\"/received=\"1234\"/" statement.xml >big.xml &&
	xsltproc "$XSD/statement.xsl" big.xml >big.html &&
	grep ">1.234<" big.html
'

test_expect_success 'a screenshot of the page (statement.png; a copy in build/screenshots)' '
	chrome --screenshot="$TRASH/statement.png" --window-size=1400,1800 \
		"file://$TRASH/page.html" >/dev/null &&
	test "$(head -c 8 statement.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
	test $(wc -c <statement.png) -gt 20000 &&
	mkdir -p "$BUILD/screenshots" &&
	cp statement.png "$BUILD/screenshots/t3421-statement.png"
'

test_expect_success 'the page checks can fail: a page with another count' '
	sed "s/id=\"total-open\">4</id=\"total-open\">3</" page.html >wrong.html &&
	chrome --dump-dom "file://$TRASH/wrong.html" >dom.html &&
	test "$(byid total-open)" = 3
'

test_done
