#!/bin/sh
test_description='a crash at every fault point, then a rerun: every file applied, acknowledged and dispatched exactly once'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

# statements are made for days that ended: the statement clock two days ahead
# makes two per PUJK in every run of the scenario
SLKTX_NOW=$(($(date +%s) + 2 * 86400))
export SLKTX_NOW

# scenario: a batch with tickets for both PUJK, a response file on one of
# them (processed after the batch in the same run), and a second batch
scenario() {
	setup_hub || return 1
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r2 IND-2026-000002 ASURB
	  new_ticket r3 PGD-2026-000003 BANKA; } | cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	new_ticket r1 PGD-2026-000004 ASURB | cb CB_OJK_20261127_000002 &&
	drop_cb CB_OJK_20261127_000002.xml &&
	rsp RSP_BANKA_20261127_000001 <<-REC &&
	<TakeOver id="t1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	<FollowUp id="f1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-22T10:00:00+07:00</At><Action>CONTACTED_CONSUMER</Action><Note>Dihubungi.</Note></FollowUp>
	<HistoryRequest id="h1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-22T11:00:00+07:00</At></HistoryRequest>
	REC
	drop_rsp RSP_BANKA_20261127_000001.xml SERVICE
}

# what must hold after the work is done, whatever happened on the way
state() {
	{
		echo "files:"
		sqlite3 spool/ledger.sqlite "SELECT name, state, status, count(*) FROM file GROUP BY name ORDER BY name"
		echo "tickets:"
		sqlite3 spool/ledger.sqlite "SELECT no, pujk_code, status FROM ticket ORDER BY no"
		echo "events:"
		sqlite3 spool/ledger.sqlite "SELECT ticket_no, record FROM event ORDER BY seq"
		echo "server:"
		# statements apart: how many depends on the day the scenario began
		(cd exchange && find . -type f ! -name "STM_*" | sed "s/_2026[0-9]*_/_DATE_/" | sort)
		echo "acks:"
		for a in exchange/slkt/inbound/ACK_*.xml exchange/pujk/*/download/ACK_*.xml; do
			echo "$(basename "$a"): $(xpath "$a" "string(//*[local-name()='FileStatus'])")"
		done
		echo "statements, each day once, each pushed once:"
		sqlite3 spool/ledger.sqlite "SELECT pujk_code, count(*) = count(DISTINCT day) FROM statement GROUP BY pujk_code"
		sqlite3 spool/ledger.sqlite "SELECT count(*) = count(DISTINCT name) FROM outfile WHERE kind = 'STM'"
		test "$(find exchange -name "STM_*.xml" | wc -l)" = "$(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM statement")" &&
		test "$(find exchange -name "STM_*.xml.p7s" | wc -l)" = "$(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM statement")" &&
		echo "pushed: each statement and its signature"
		echo "dispatched events:"
		cat exchange/pujk/*/download/DSP_*.xml | sed -n "s/^    <.* eventSeq=\"\([0-9]*\)\".*/\1/p" | sort -n
		echo "ticket histories:"
		cat exchange/pujk/*/download/DSP_*.xml | sed -n "s/^    <TicketHistory id=\"\([^\"]*\)\".*/\1/p"
		echo "intake dispatched events:"
		cat exchange/slkt/inbound/DSP_*.xml |
			sed -n "s/^ *<\([A-Za-z]*\) .* eventSeq=\"\([0-9]*\)\".* pujkCode=\"\([A-Z0-9]*\)\".*/\2 \1 \3/p" | sort -n
		echo "archive:"
		(cd spool/archive && find . -type f | sed "s|^\./[0-9/]*/||" | sort)
		echo "left behind:"
		find spool/inbox spool/tmp spool/outbox -type f | sort
	} >"$1"
}

test_expect_success 'a run with no fault sets the expected state' '
	mkdir ref && (cd ref && scenario && slktx run 2>err && state ../expect) &&
	grep "PGD-2026-000001|BANKA|DITINDAKLANJUTI" expect &&
	test $(sed -n "/^dispatched events:/,/^ticket histories:/p" expect | grep -c "^[0-9]") = 5 &&
	test "$(sed -n "/^ticket histories:/,/^intake dispatched events:/p" expect | grep -c "^h1$")" = 1 &&
	sed -n "/^intake dispatched events:/,/^archive:/p" expect | grep "^[0-9]" >intake &&
	(cd ref && ledger "SELECT seq || '"'"' '"'"' || record || '"'"' BANKA'"'"' FROM event
		WHERE actor <> '"'"'INTAKE'"'"' ORDER BY seq") >want &&
	test $(wc -l <want) = 3 && test_cmp want intake &&
	grep -x "BANKA|1" expect && grep -x "ASURB|1" expect && grep -x "pushed: each statement and its signature" expect &&
	test "$(cd ref && ledger "SELECT count(*) FROM statement")" -ge 2
'

for point in after-fetch:1 after-fetch:3 mid-fetch:2 before-remote-remove:2 after-remote-remove:1 \
	mid-apply:1 mid-apply:4 after-ack:1 after-ack:3 after-commit:1 after-commit:2 \
	after-archive:1 mid-dispatch:1 mid-dispatch:2 mid-statement:1 mid-statement:3 \
	mid-push:1 mid-push:4 after-push:2 after-push:5 after-push:8 \
	mid-dispatch:3 after-dispatch:1 after-dispatch:2 after-dispatch:3 mid-push:11 mid-push:12 \
	after-push:6
do
	test_expect_success "killed at $point, then rerun: everything exactly once" "
		mkdir '$point' && cd '$point' && scenario &&
		test_expect_code 137 env SLKTX_FAULT=$point slktx run 2>err &&
		slktx run 2>err2 && slktx run 2>err3 &&
		state actual && test_cmp ../expect actual
	"
done

test_expect_success 'two faults in a row, then a clean run' '
	mkdir twice && cd twice && scenario &&
	test_expect_code 137 env SLKTX_FAULT=mid-apply:2 slktx run 2>err &&
	test_expect_code 137 env SLKTX_FAULT=mid-push:2 slktx run 2>err &&
	slktx run 2>err && state actual && test_cmp ../expect actual
'

# killed between the fetch's commit into inbox/ and its journal row, then
# the sender replaces the server's file: what inbox/ holds is an orphan
test_expect_success 'killed at after-fetch, the server file then replaced: the new one processed once, the orphan quarantined' '
	mkdir orphan && cd orphan && setup_hub &&
	new_ticket r1 PGD-2026-000001 BANKA | cb CB_OJK_20261127_000001 &&
	cp CB_OJK_20261127_000001.xml first.xml &&
	drop_cb CB_OJK_20261127_000001.xml &&
	test_expect_code 137 env SLKTX_FAULT=after-fetch:1 slktx run 2>err &&
	test -f spool/inbox/CB_OJK_20261127_000001.xml &&
	test "$(ledger "SELECT count(*) FROM file")" = 0 &&
	new_ticket r1 PGD-2026-000002 BANKA | cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	slktx run 2>err && slktx run 2>err2 &&
	test "$(file_status CB_OJK_20261127_000001)" = ACCEPTED &&
	test "$(status_of PGD-2026-000002)" = BARU && test -z "$(status_of PGD-2026-000001)" &&
	test "$(ledger "SELECT count(*) FROM file")" = 1 &&
	test "$(ledger "SELECT count(*) FROM event")" = 1 &&
	cmp first.xml spool/quarantine/CB_OJK_20261127_000001.xml &&
	grep "interrupted before it was recorded" spool/quarantine/CB_OJK_20261127_000001.xml.reason &&
	test -f spool/quarantine/CB_OJK_20261127_000001.xml.p7s &&
	test -z "$(find spool/inbox spool/tmp -type f)" && test -z "$(ls exchange/slkt/outbound)"
'

test_expect_success 'a name processed before, sent again and killed at after-fetch: the rerun takes it, exit 0' '
	mkdir again && cd again && setup_hub &&
	new_ticket r1 PGD-2026-000001 BANKA | cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	slktx run 2>err &&
	new_ticket r1 PGD-2026-000002 BANKA | cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	test_expect_code 137 env SLKTX_FAULT=after-fetch:1 slktx run 2>err &&
	slktx run 2>err && slktx run 2>err2 &&
	test "$(ledger "SELECT count(*) FROM file WHERE state = '"'"'PROCESSED'"'"'")" = 2 &&
	test "$(file_error CB_OJK_20261127_000001)" = DUPLICATE_BATCH_ID &&
	test -z "$(find spool/inbox spool/tmp -type f)" && test -z "$(ls exchange/slkt/outbound)"
'

test_done
