#!/bin/sh
test_description='one sisa SLA and one lateness: ticket list, ticket show, the dispatch, the statement and the report agree through a due Friday, the weekend and the Monday after'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

# received on Friday 13 November 2026: ten working days later is Friday 27
T=PGD-2026-000500
DUE=2026-11-27

test_expect_success 'setup: a complaint received on Friday 13 November, due Friday 27' '
	test -n "$FAKETIME_LIB" &&
	{ test -f config/slktx.conf || write_test_config .; } &&
	on "2026-11-13 08:00" make-test-pki pki >/dev/null &&
	on "2026-11-13 08:00" slktx pujk add BANKA --name "Bank A" --sector BANK >/dev/null &&
	for r in product service decision; do
		on "2026-11-13 08:00" slktx officer add BANKA --role $(echo $r | tr a-z A-Z) \
			--name "BANKA $r" --cert pki/BANKA-$r.crt >/dev/null || return 1
	done &&
	mkdir -p exchange/slkt/outbound exchange/slkt/inbound \
		exchange/pujk/BANKA/upload exchange/pujk/BANKA/download &&
	new_ticket n1 $T BANKA 2026-11-13T09:00:00+07:00 | cb CB_OJK_20261113_000001 &&
	created CB_OJK_20261113_000001.xml 2026-11-13T09:30:00+07:00 &&
	on "2026-11-13 09:40" drop_cb CB_OJK_20261113_000001.xml &&
	on "2026-11-13 10:00" slktx run 2>err &&
	on "2026-11-13 10:00" slktx ticket show $T >show &&
	grep "^due date: *$DUE$" show &&
	test "$(date -d $DUE +%A)" = Friday
'

# view DAY: on DAY, OJK notes the ticket (so that a dispatch item is written
# that day) and the run makes the dispatch and the statement of the day
# before; then each view's sisa SLA and lateness, one line each
view() {
	day=$1 && compact=$(echo $1 | tr -d -) &&
	ojk_note o$compact $T ${day}T09:00:00+07:00 | cb CB_OJK_${compact}_000001 &&
	created CB_OJK_${compact}_000001.xml ${day}T09:10:00+07:00 &&
	on "$day 09:20" drop_cb CB_OJK_${compact}_000001.xml &&
	on "$day 10:00" slktx run 2>err &&
	test "$(file_status CB_OJK_${compact}_000001)" = ACCEPTED &&
	on "$day 10:00" slktx ticket list --csv >list.csv &&
	on "$day 10:00" slktx ticket show $T >show &&
	dsp=$(ls exchange/pujk/BANKA/download/DSP_BANKA_${compact}_*.xml | grep -v p7s | tail -n 1) &&
	rm -rf rep && on "$day 10:00" slktx report --from 2026-11-01 --to $day --out rep >/dev/null &&
	{
		echo "list: $(awk -F, -v t=$T "\$1 == t { print \$7 }" list.csv)"
		echo "show: $(sed -n "s/^sisa SLA: *\([-0-9]*\) .*/\1/p" show)" \
			"late $(sed -n "s/^late: *//p" show)"
		echo "dispatch: $(xpath $dsp "string(//*[local-name()=\"OjkNote\"]/@slaDaysLeft)")"
		echo "report: $(xpath rep/report.xml "string(//*[local-name()=\"Ticket\"][*[local-name()=\"TicketNo\"]=\"$T\"]/*[local-name()=\"SisaSla\"])")" \
			"late $(xpath rep/report.xml "string(//*[local-name()=\"Ticket\"][*[local-name()=\"TicketNo\"]=\"$T\"]/*[local-name()=\"Late\"])")"
	} >actual
}

# the statement of DAY (made by the next day's run): sisa SLA and lateness
statement_of() {
	stm=exchange/pujk/BANKA/download/STM_BANKA_$(echo $1 | tr -d -)_000001.xml &&
	xmllint --noout --schema "$XSD/statement.xsd" $stm 2>/dev/null &&
	echo "statement: $(xpath $stm "string(//*[local-name()=\"Ticket\"][*[local-name()=\"TicketNo\"]=\"$T\"]/@slaDaysLeft)")" \
		"late $(xpath $stm "string(//*[local-name()=\"Ticket\"][*[local-name()=\"TicketNo\"]=\"$T\"]/@late)")"
}

# expect SISA LATE: what every view must say
expect() {
	if [ "$2" = late ]; then yes=yes; bool=true; else yes=no; bool=false; fi
	printf "list: %s\nshow: %s late %s\ndispatch: %s\nreport: %s late %s\n" \
		"$1" "$1" $yes "$1" "$1" $bool >expect
	echo "statement: $1 late $bool" >expect.statement
}

test_expect_success 'Thursday 26: one working day left, not late' '
	view 2026-11-26 && expect 1 on-time && test_cmp expect actual
'

test_expect_success 'Friday 27, the due day: 0, not late; the statement of Thursday said 1' '
	view 2026-11-27 && expect 0 on-time && test_cmp expect actual &&
	expect 1 on-time && statement_of 2026-11-26 >actual.statement &&
	test_cmp expect.statement actual.statement
'

test_expect_success 'Saturday 28: -1 and late in every view, never 0; Friday'\''s statement said 0' '
	view 2026-11-28 && expect -1 late && test_cmp expect actual &&
	expect 0 on-time && statement_of 2026-11-27 >actual.statement &&
	test_cmp expect.statement actual.statement
'

test_expect_success 'Sunday 29: still -1 and late; Saturday'\''s statement said -1, late' '
	view 2026-11-29 && expect -1 late && test_cmp expect actual &&
	expect -1 late && statement_of 2026-11-28 >actual.statement &&
	test_cmp expect.statement actual.statement
'

test_expect_success 'Monday 30, the first working day after: -1 and late; Sunday'\''s statement too' '
	view 2026-11-30 && expect -1 late && test_cmp expect actual &&
	expect -1 late && statement_of 2026-11-29 >actual.statement &&
	test_cmp expect.statement actual.statement
'

test_expect_success 'Tuesday 1 December: -2; Monday'\''s statement said -1' '
	view 2026-12-01 && expect -2 late && test_cmp expect actual &&
	expect -1 late && statement_of 2026-11-30 >actual.statement &&
	test_cmp expect.statement actual.statement
'

test_expect_success 'taken over on the Tuesday, past the due day: the clock still runs and the ticket stays late' '
	take_over t1 $T 2026-12-01T11:00:00+07:00 | rsp RSP_BANKA_20261201_000001 &&
	created RSP_BANKA_20261201_000001.xml 2026-12-01T11:10:00+07:00 &&
	on "2026-12-01 11:20" drop_rsp RSP_BANKA_20261201_000001.xml SERVICE &&
	on "2026-12-01 12:00" slktx run 2>err &&
	on "2026-12-01 12:00" slktx ticket show $T >show &&
	grep "^status: *DIAMBIL_ALIH$" show &&
	grep "^sisa SLA: *-2 working days (past the due date)$" show &&
	grep "^late: *yes$" show
'

test_done
