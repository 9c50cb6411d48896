#!/bin/sh
test_description='a ledger at schema version 3 is migrated on open: typed ticket columns, same tickets, chain intact'
. "$(dirname "$0")/lib.sh"

cat >slktx.conf <<CONF
[spool]
dir = spool
CONF
SLKTX_CONFIG=$TRASH/slktx.conf
SLKTX_NOW=2026-03-17T09:00:00+07:00
export SLKTX_CONFIG SLKTX_NOW

# The sample ledger as this slktx writes it, then taken back to version 3:
# the ticket table as migration 2 made it (no subject, no received_day, no
# index), the events untouched.  One ticket is received at 01:00 WIB on
# 1 February (31 January in UTC), whose day must be February's.
mkdir spool && {
	cat "$SAMPLES/ledger/tickets.fixture" &&
	echo 'file 9 CB_OJK_20260201_000001.xml' &&
	echo 'new 2026-01-31T18:00:00Z - 9 n7 IND-2026-000003 BANKB {"pujkCode":"BANKB","receivedAt":"2026-02-01T01:00:00+07:00","channel":"WALK_IN","product":"Tabungan","consumer":{"name":"Putu Ayu"},"subject":"Kartu ATM tertelan","description":"Kartu tertelan di mesin ATM."}'
} | ledger-fixture spool/ledger.sqlite || exit 1

test_expect_success 'the current ledger lists and verifies' '
	slktx ticket list >list.v4 &&
	slktx ticket list --csv >csv.v4 &&
	slktx ticket show PGD-2026-000002 --history >show.v4 &&
	slktx audit verify >verify.v4 &&
	sqlite3 spool/ledger.sqlite "SELECT no, subject, received_day FROM ticket ORDER BY no" >typed.v4 &&
	sqlite3 spool/ledger.sqlite "SELECT seq, hash FROM event ORDER BY seq" >events.v4 &&
	sqlite3 spool/ledger.sqlite "PRAGMA user_version" >version.now &&
	test "$(cat version.now)" -gt 3 &&
	test "$(sqlite3 spool/ledger.sqlite "PRAGMA page_size")" = 16384
'

test_expect_success 'taken back to version 3' '
	ledger_to_schema_3 spool/ledger.sqlite &&
	sqlite3 spool/ledger.sqlite "PRAGMA table_info(ticket)" >columns &&
	test_must_fail grep -q subject columns &&
	test "$(sqlite3 spool/ledger.sqlite "PRAGMA user_version")" = 3 &&
	test "$(sqlite3 spool/ledger.sqlite "PRAGMA page_size")" = 4096
'

test_expect_success 'the first open migrates it and lists the same tickets' '
	slktx ticket list >list.v3 &&
	test_cmp list.v4 list.v3 &&
	sqlite3 spool/ledger.sqlite "PRAGMA user_version" >version.migrated &&
	test_cmp version.now version.migrated &&
	slktx ticket list --csv >csv.v3 &&
	test_cmp csv.v4 csv.v3 &&
	slktx ticket show PGD-2026-000002 --history >show.v3 &&
	test_cmp show.v4 show.v3 &&
	test "$(sqlite3 spool/ledger.sqlite "PRAGMA page_size")" = 4096
'

test_expect_success 'the typed columns are filled from the NewTicket events' '
	sqlite3 spool/ledger.sqlite "SELECT no, subject, received_day FROM ticket ORDER BY no" >typed.v3 &&
	test_cmp typed.v4 typed.v3 &&
	test "$(sqlite3 spool/ledger.sqlite \
		"SELECT received_day FROM ticket WHERE no = '\''IND-2026-000003'\''")" = \
		"$(sqlite3 spool/ledger.sqlite "SELECT CAST(julianday('\''2026-02-01'\'') - julianday('\''1970-01-01'\'') AS INTEGER)")"
'

test_expect_success 'the list reads the ticket table through its index, without a sort' '
	sqlite3 spool/ledger.sqlite "EXPLAIN QUERY PLAN SELECT no, kind, pujk_code, status,
		received_at, due_day, first_response_at, proposal_at, subject, received_day
		FROM ticket WHERE received_day >= 0 AND received_day <= 1
		AND (NULL IS NULL OR pujk_code = NULL) ORDER BY received_day, no" >plan &&
	grep "USING COVERING INDEX ticket_day (received_day>? AND received_day<?)" plan &&
	test_must_fail grep "TEMP B-TREE" plan
'

test_expect_success 'the events are untouched and the chain verifies' '
	sqlite3 spool/ledger.sqlite "SELECT seq, hash FROM event ORDER BY seq" >events.v3 &&
	test_cmp events.v4 events.v3 &&
	slktx audit verify >verify.v3 &&
	# rows older than the registry and file logs are said to be taken as found
	grep "^note: .* predate the row logs" verify.v3 &&
	grep -v "^note: " verify.v3 >verify.v3.checks &&
	test_cmp verify.v4 verify.v3.checks
'

test_expect_success 'an open of the migrated ledger leaves it as it is' '
	cp spool/ledger.sqlite before.sqlite &&
	slktx ticket list >/dev/null &&
	sqlite3 spool/ledger.sqlite "PRAGMA user_version" >version.again &&
	test_cmp version.now version.again &&
	sqlite3 spool/ledger.sqlite "SELECT no, subject, received_day FROM ticket ORDER BY no" >typed.again &&
	test_cmp typed.v4 typed.again
'

test_done
