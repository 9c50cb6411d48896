#!/bin/sh
test_description='audit verify: the hash chain catches an altered, removed or forged event'
. "$(dirname "$0")/lib.sh"

cat >slktx.conf <<CONF
[spool]
dir = spool
CONF
SLKTX_CONFIG=$TRASH/slktx.conf
export SLKTX_CONFIG

mkdir spool &&
ledger-fixture spool/ledger.sqlite <"$SAMPLES/ledger/tickets.fixture" &&
cp spool/ledger.sqlite pristine.sqlite || exit 1

# a fresh copy of the sample ledger (its WAL was checkpointed on close)
fresh() {
	rm -f spool/ledger.sqlite spool/ledger.sqlite-wal spool/ledger.sqlite-shm &&
	cp pristine.sqlite spool/ledger.sqlite
}

# as an attacker would: drop the append-only triggers, change the rows, and
# put the triggers back as they were (a missing trigger is a finding itself)
triggers=$(sqlite3 spool/ledger.sqlite "SELECT sql || ';' FROM sqlite_master
	WHERE name IN ('event_append_only_update', 'event_append_only_delete')")
tamper() {
	sqlite3 spool/ledger.sqlite "DROP TRIGGER event_append_only_update;
		DROP TRIGGER event_append_only_delete; $1; $triggers"
}

test_expect_success 'an empty ledger is intact' '
	mkdir empty &&
	printf "[spool]\ndir = empty\n" >empty.conf &&
	SLKTX_CONFIG=$TRASH/empty.conf slktx pujk list >/dev/null &&
	SLKTX_CONFIG=$TRASH/empty.conf slktx audit verify >out &&
	cat >expect <<-EOF &&
	ledger intact: 0 events, 0 tickets, 0 officers, 0 files
	chain head: none
	acknowledgements: 0 checked against the file rows
	archive: none yet in '\''$TRASH/empty/reports'\'': the chain'\''s end is not pinned by one
	EOF
	test_cmp expect out
'

test_expect_success 'the sample ledger is intact and its head is the last hash' '
	head=$(sqlite3 spool/ledger.sqlite "SELECT hash FROM event ORDER BY seq DESC LIMIT 1") &&
	test ${#head} = 64 &&
	slktx audit verify >out 2>err &&
	cat >expect <<-EOF &&
	ledger intact: 16 events, 6 tickets, 6 officers, 8 files
	chain head: $head
	acknowledgements: 0 checked against the file rows
	archive: none yet in '\''$TRASH/spool/reports'\'': the chain'\''s end is not pinned by one
	EOF
	test_cmp expect out &&
	test_must_fail test -s err
'

test_expect_success 'the triggers refuse an update or delete that keeps them' '
	test_must_fail sqlite3 spool/ledger.sqlite \
		"UPDATE event SET detail = '\''{}'\'' WHERE seq = 13" 2>err &&
	grep "events are append-only" err &&
	test_must_fail sqlite3 spool/ledger.sqlite "DELETE FROM event WHERE seq = 13" &&
	slktx audit verify
'

test_expect_success 'an altered detail names exactly that event' '
	tamper "UPDATE event SET detail = replace(detail, '\''mutasi rekening'\'', '\''apa saja'\'')
		WHERE seq = 13" &&
	test_expect_code 65 slktx audit verify >out 2>err &&
	test_must_fail test -s out &&
	cat >expect <<-\EOF &&
	slktx: event 13 (ticket PGD-2026-000002, FollowUp) does not match its hash: altered after it was recorded
	slktx: the ledger differs from its history: 1 finding
	EOF
	test_cmp expect err
'

test_expect_success 'an altered status, time, actor or hash is caught too' '
	fresh &&
	tamper "UPDATE event SET status_after = '\''SELESAI'\'' WHERE seq = 4" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: event 4 (ticket PGD-2025-000001, ResolutionProposal) does not match" err &&
	fresh &&
	tamper "UPDATE event SET happened_at = happened_at - 86400 WHERE seq = 9" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: event 9 (ticket IND-2026-000001, FollowUp) does not match" err &&
	fresh &&
	tamper "UPDATE event SET officer_id = 3 WHERE seq = 2" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: event 2 (ticket PGD-2025-000001, TakeOver) does not match" err &&
	fresh &&
	tamper "UPDATE event SET hash = (SELECT hash FROM event WHERE seq = 15) WHERE seq = 16" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: event 16 (ticket PGD-2026-000003, Reassign) does not match" err
'

test_expect_success 'a deleted event is a gap' '
	fresh &&
	tamper "DELETE FROM event WHERE seq = 5" &&
	test_expect_code 65 slktx audit verify >out 2>err &&
	grep -x "slktx: event 6 follows event 4: the chain has a gap" err &&
	fresh &&
	tamper "DELETE FROM event WHERE seq = 1" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep -x "slktx: event 2 follows event 0: the chain has a gap" err &&
	grep -x "slktx: ticket PGD-2025-000001: its first event 2 is a TakeOver, not a NewTicket: events were removed" err
'

test_expect_success 'a deleted last event is caught by the ticket it changed' '
	fresh &&
	tamper "DELETE FROM event WHERE seq = 16" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: ticket PGD-2026-000003 refers to event 16, which the chain does not hold" err &&
	fresh &&
	tamper "DELETE FROM event WHERE seq = 13;
		DELETE FROM event WHERE seq IN (14, 15, 16);
		DELETE FROM ticket WHERE no = '\''PGD-2026-000003'\''" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: ticket PGD-2026-000002 refers to event 13" err
'

test_expect_success 'the attachment rows must be the ones the events recorded' '
	fresh &&
	sqlite3 spool/ledger.sqlite "UPDATE attachment SET sha256 = (SELECT sha256 FROM
		attachment WHERE event_seq = 13) WHERE name = '\''bukti-bayar.pdf'\''" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep -x "slktx: attachment '\''bukti-bayar.pdf'\'' of event 11 is not the one the event recorded: altered after it was recorded" err &&
	fresh &&
	sqlite3 spool/ledger.sqlite "UPDATE attachment SET size = 48 WHERE event_seq = 13" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "attachment .surat-permintaan.txt. of event 13 is not the one" err &&
	fresh &&
	sqlite3 spool/ledger.sqlite "DELETE FROM attachment WHERE event_seq = 13" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep -x "slktx: attachment '\''surat-permintaan.txt'\'' of event 13 has no attachment row: removed" err &&
	fresh &&
	sqlite3 spool/ledger.sqlite "INSERT INTO attachment VALUES (12, '\''x.pdf'\'',
		'\''00'\'', 1, '\''application/pdf'\'')" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "attachment .x.pdf. of event 12 is not the one the event recorded" err &&
	fresh &&
	sqlite3 spool/ledger.sqlite "INSERT INTO attachment VALUES (99, '\''x.pdf'\'',
		'\''00'\'', 1, '\''application/pdf'\'')" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: an attachment belongs to event 99, which the chain does not hold" err
'

test_expect_success 'an event forged onto the end does not chain' '
	fresh &&
	tamper "INSERT INTO event SELECT 17, ticket_no, pujk_code, prior_pujk, record, actor,
		officer_id, happened_at, recorded_at, file_id, record_id, status_before,
		status_after, detail, hash FROM event WHERE seq = 16" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep "^slktx: event 17 (ticket PGD-2026-000003, Reassign) does not match its hash" err
'

test_expect_success 'a restored ledger verifies again' '
	fresh &&
	slktx audit verify >out &&
	grep -x "ledger intact: 16 events, 6 tickets, 6 officers, 8 files" out &&
	grep -x "chain head: [0-9a-f]\{64\}" out
'

test_expect_success 'a HistoryRequest changes neither status nor ticket row (SPEC 1.1)' '
	fresh &&
	before=$(sqlite3 spool/ledger.sqlite "SELECT updated_seq FROM ticket
		WHERE no = '\''PGD-2026-000002'\''") &&
	printf "%s\n" "file 9 RSP_BANKA_20260317_000001.xml" \
		"event 2026-03-17T09:00:00+07:00 - 9 h1 PGD-2026-000002 HistoryRequest SERVICE DITINDAKLANJUTI {\"at\":\"2026-03-17T09:00:00+07:00\"}" |
	ledger-fixture spool/ledger.sqlite &&
	sqlite3 spool/ledger.sqlite "UPDATE ticket SET updated_seq = $before
		WHERE no = '\''PGD-2026-000002'\''" &&
	slktx audit verify >out 2>err &&
	grep -x "ledger intact: 17 events, 6 tickets, 6 officers, 9 files" out &&
	sqlite3 spool/ledger.sqlite "UPDATE ticket SET updated_seq = 17
		WHERE no = '\''PGD-2026-000002'\''" &&
	test_expect_code 65 slktx audit verify 2>err &&
	grep -x "slktx: ticket PGD-2026-000002: updated_seq: the events say $before, the table says 17" err
'

test_expect_success 'audit needs its subcommand' '
	test_expect_code 64 slktx audit 2>err &&
	grep "usage: slktx audit verify" err &&
	test_expect_code 64 slktx audit verify --all
'

test_done
