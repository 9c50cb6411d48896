#!/bin/sh
test_description='daily statements: one per active PUJK and ended day, as of its end, signed and pushed'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

# The hub's clock runs for real, but one run is moved a day ahead with
# faketime (so that a take-over is recorded on the next day) and the
# statement clock is set with SLKTX_NOW: T is the real time the script started.
command -v faketime >/dev/null 2>&1 || {
	echo "1..0 # SKIP faketime is not installed (scripts/install-deps)"
	exit 0
}
T=$(date +%s)
D=86400
CB=CB_OJK_20261127
RSP=RSP_BANKA_20261128

# wib SECONDS: the WIB day of a UTC instant, YYYY-MM-DD; ymd: YYYYMMDD
wib() {
	date -u -d "@$(($1 + 25200))" +%Y-%m-%d
}
ymd() {
	wib "$1" | tr -d -
}
R=$(wib $T)
stm() {
	echo "exchange/pujk/$1/download/STM_$1_$(ymd $2)_000001.xml"
}
# tkt ATTR TICKET FILE: an attribute of a ticket of a statement
tkt() {
	xpath "$3" "string(//*[local-name()='Ticket'][*[local-name()='TicketNo']='$2']/@$1)"
}
# cnt BY KEY KIND WHAT FILE: a count of the summary (BY Day|Month|Year, KEY its date)
cnt() {
	xpath "$5" "string(//*[local-name()='$1'][@*='$2']/*[@kind='$3']/@$4)"
}

test_expect_success 'set up: BANKA and ASURB active, BANKC without officers, four tickets' '
	setup_hub &&
	slktx pujk add BANKC --name "PUJK BANKC" --sector BANK >/dev/null &&
	mkdir -p exchange/pujk/BANKC/upload exchange/pujk/BANKC/download &&
	{ new_ticket r1 PGD-2026-000301 BANKA 2026-11-20T09:00:00+07:00
	  new_ticket r2 IND-2026-000302 BANKA 2026-11-25T09:00:00+07:00
	  new_ticket r3 PGD-2026-000303 ASURB 2026-11-26T09:00:00+07:00
	  new_ticket r4 PGD-2026-000304 BANKA 2026-10-01T09:00:00+07:00; } | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	test "$(ledger "SELECT count(*) FROM ticket")" = 4
'

test_expect_success 'no statement for a day that has not ended' '
	! ls exchange/pujk/*/download/STM_* 2>/dev/null &&
	test "$(ledger "SELECT count(*) FROM statement")" = 0
'

test_expect_success 'the next day: one statement per active PUJK for the day before, as it ended' '
	take_over t1 PGD-2026-000301 | rsp ${RSP}_000001 &&
	drop_rsp ${RSP}_000001.xml SERVICE &&
	faketime "@$((T + D))" slktx run --json >json 2>err &&
	grep "\"statements\":2" json &&
	test "$(status_of PGD-2026-000301)" = DIAMBIL_ALIH &&
	ls exchange/pujk/*/download/STM_* >list &&
	cat >expect <<-EOF &&
	$(stm ASURB $T)
	$(stm ASURB $T).p7s
	$(stm BANKA $T)
	$(stm BANKA $T).p7s
	EOF
	test_cmp expect list &&
	f=$(stm BANKA $T) &&
	test "$(xpath $f "string(//*[local-name()=\"AsOf\"])")" = "${R}T23:59:59+07:00" &&
	test "$(xpath $f "string(//*[local-name()=\"StatementId\"])")" = "$(basename $f .xml)" &&
	test "$(tkt status PGD-2026-000301 $f)" = BARU &&
	test "$(tkt waitsFor PGD-2026-000301 $f)" = PUJK
'

test_expect_success 'catch-up: each missing day once, oldest first; none for today' '
	SLKTX_NOW=$((T + 3 * D)) slktx run --json >json 2>err &&
	grep "\"statements\":4" json &&
	for p in BANKA ASURB; do
		for n in 0 1 2; do test -f $(stm $p $((T + n * D))) || return 1; done &&
		! test -f $(stm $p $((T + 3 * D))) || return 1
	done &&
	test "$(ledger "SELECT count(*) FROM statement")" = 6 &&
	test "$(ledger "SELECT group_concat(name, \" \") FROM (SELECT name FROM outfile
		WHERE kind = '"'"'STM'"'"' AND name LIKE '"'"'STM_BANKA%'"'"' ORDER BY id)")" = \
		"$(for n in 0 1 2; do basename $(stm BANKA $((T + n * D))); done | paste -sd " ")" &&
	f=$(stm BANKA $((T + D))) &&
	test "$(tkt status PGD-2026-000301 $f)" = DIAMBIL_ALIH
'

test_expect_success 'a second run makes none' '
	SLKTX_NOW=$((T + 3 * D)) slktx run --json >json 2>err &&
	grep "\"statements\":0" json &&
	test "$(ledger "SELECT count(*) FROM statement")" = 6
'

test_expect_success 'none for a PUJK without its three officers' '
	! ls exchange/pujk/BANKC/download/STM_* 2>/dev/null &&
	test "$(ledger "SELECT count(*) FROM statement WHERE pujk_code = '"'"'BANKC'"'"'")" = 0
'

test_expect_success 'each statement validates against statement.xsd and its .p7s verifies' '
	for f in exchange/pujk/*/download/STM_*.xml; do
		xmllint --noout --schema "$XSD/statement.xsd" "$f" 2>>schema.err &&
		openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
			-content "$f" -in "$f.p7s" -out /dev/null 2>/dev/null || return 1
	done &&
	f=$(stm BANKA $T) &&
	cp $f forged.xml && sed -i "s/BARU/SELESAI/" forged.xml &&
	! openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
		-content forged.xml -in "$f.p7s" -out /dev/null 2>/dev/null
'

test_expect_success 'the summary counts by day, month and year, open and late' '
	f=$(stm BANKA $((T + 2 * D))) &&
	test $(xpath $f "count(//*[local-name()=\"Day\"])") = 31 &&
	test $(xpath $f "count(//*[local-name()=\"Month\"])") = 12 &&
	test "$(cnt Day 2026-11-20 PGD received $f)" = 1 &&
	test "$(cnt Day 2026-11-25 IND received $f)" = 1 &&
	test "$(cnt Day 2026-11-25 PGD received $f)" = 0 &&
	test "$(cnt Month 2026-10 PGD received $f)" = 1 &&
	test "$(cnt Month 2026-10 PGD late $f)" = 1 &&
	test "$(cnt Month 2026-11 PGD received $f)" = 1 &&
	test "$(cnt Month 2026-11 IND open $f)" = 1 &&
	test "$(cnt Year 2026 PGD received $f)" = 2 &&
	test "$(cnt Year 2026 PGD open $f)" = 2 &&
	test "$(cnt Year 2026 IND received $f)" = 1 &&
	test "$(cnt Year 2026 PGD received $(stm ASURB $((T + 2 * D))))" = 1
'

test_expect_success 'tickets: status, due date, sisa SLA and late agree with ticket list' '
	f=$(stm BANKA $((T + 2 * D))) &&
	test $(xpath $f "count(//*[local-name()=\"Ticket\"])") = 3 &&
	SLKTX_NOW=$(xpath $f "string(//*[local-name()=\"AsOf\"])") \
		slktx ticket list --pujk BANKA --csv >list.csv &&
	for t in PGD-2026-000301 IND-2026-000302 PGD-2026-000304; do
		line=$(grep "^$t," list.csv) &&
		test "$(echo "$line" | cut -d, -f4)" = "$(tkt status $t $f)" &&
		test "$(echo "$line" | cut -d, -f6)" = "$(tkt dueDate $t $f)" &&
		test "$(echo "$line" | cut -d, -f7)" = "$(tkt slaDaysLeft $t $f)" || return 1
	done &&
	test "$(tkt late PGD-2026-000304 $f)" = true &&
	test "$(tkt late PGD-2026-000301 $f)" = false &&
	test "$(tkt eventSeq PGD-2026-000301 $f)" = \
		"$(ledger "SELECT updated_seq FROM ticket WHERE no = '"'"'PGD-2026-000301'"'"'")"
'

test_expect_success 'no consumer data in a statement' '
	! grep -E "Budi|3174051203850007|Consumer|Nik|Phone|Email" exchange/pujk/*/download/STM_*.xml
'

test_expect_success 'a finished ticket stays listed 31 days, then leaves the list' '
	closure c1 PGD-2026-000303 2026-11-27T10:00:00+07:00 | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	SLKTX_NOW=$((T + 3 * D)) slktx run 2>err &&
	test "$(status_of PGD-2026-000303)" = DITUTUP &&
	SLKTX_NOW=$((T + 4 * D)) slktx run 2>err &&
	f=$(stm ASURB $((T + 3 * D))) &&
	test "$(tkt status PGD-2026-000303 $f)" = DITUTUP &&
	test "$(tkt waitsFor PGD-2026-000303 $f)" = NONE &&
	test -z "$(tkt slaDaysLeft PGD-2026-000303 $f)" &&
	test "$(cnt Year 2026 PGD open $f)" = 0 &&
	SLKTX_NOW=$((T + 35 * D)) slktx run 2>err &&
	test "$(tkt status PGD-2026-000303 $(stm ASURB $((T + 30 * D))))" = DITUTUP &&
	test -z "$(tkt status PGD-2026-000303 $(stm ASURB $((T + 31 * D))))" &&
	test "$(cnt Year 2026 PGD received $(stm ASURB $((T + 34 * D))))" = 1
'

test_expect_success 'slktx statement alone makes the day'\''s statements; push delivers them' '
	SLKTX_NOW=$((T + 37 * D)) slktx statement 2>err &&
	grep "STM_BANKA_$(ymd $((T + 36 * D)))_000001.xml: 3 tickets for BANKA" err &&
	! test -f $(stm BANKA $((T + 36 * D))) &&
	ls spool/outbox/pujk-BANKA-download/STM_BANKA_$(ymd $((T + 36 * D)))_000001.xml &&
	slktx push 2>err &&
	test -f $(stm BANKA $((T + 36 * D))) &&
	test -f $(stm BANKA $((T + 36 * D))).p7s &&
	test "$(ledger "SELECT count(*) FROM outfile WHERE kind = '"'"'STM'"'"' AND pushed_at IS NULL")" = 0
'

test_expect_success 'a catch-up reaches back 31 days at most, and says so' '
	SLKTX_NOW=$((T + 77 * D)) slktx statement 2>err &&
	grep "BANKA: no statement is made for $(wib $((T + 37 * D))) to $(wib $((T + 45 * D)))" err &&
	test "$(ledger "SELECT count(*) FROM statement WHERE pujk_code = '"'"'BANKA'"'"'")" = $((37 + 31))
'

test_done
