#!/bin/sh
test_description='deadlines, the one extension, and what dispatches carry, exactly once'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
RSP=RSP_BANKA_20261128

# An independent reckoning of SPEC 6 from the holiday files themselves:
#   days due START N     the N-th working day after START
#   days left DUE TODAY  working days after TODAY up to DUE (negative past it)
cat >days.py <<'PY'
import datetime, glob, os, re, sys
hol = set()
for f in glob.glob(os.environ["SRC"] + "/config/holidays/*.txt"):
    for line in open(f):
        m = re.match(r"(\d{4}-\d{2}-\d{2})\b", line)
        if m:
            hol.add(m.group(1))
day = datetime.timedelta(days=1)
def work(d):
    return d.weekday() < 5 and d.isoformat() not in hol
def date(s):
    return datetime.date.fromisoformat(s)
if sys.argv[1] == "due":
    d, n = date(sys.argv[2]), int(sys.argv[3])
    while n > 0:
        d += day
        n -= work(d)
    print(d)
else:
    due, today = date(sys.argv[2]), date(sys.argv[3])
    lo, hi, sign = (today, due, 1) if due >= today else (due, today, -1)
    print(sign * sum(work(lo + i * day) for i in range(1, (hi - lo).days + 1)))
PY
days() {
	python3 days.py "$@"
}

# item ATTR TICKET RECORD DSP: an attribute of that ticket's item in a dispatch
item() {
	xpath "$4" "string(//*[local-name()=\"$3\"][*[local-name()=\"TicketNo\"]=\"$2\"]/@$1)"
}

# the WIB day a dispatch was made
made_on() {
	xpath "$1" "substring(//*[local-name()=\"CreatedAt\"], 1, 10)"
}

latest_dsp() {
	ls exchange/pujk/$1/download/DSP_*.xml | tail -n 1
}

test_expect_success 'the reckoning itself: Independence Day and Maulid are not working days' '
	test "$(days due 2026-08-14 10)" = 2026-09-01 &&
	test "$(days due 2026-09-01 10)" = 2026-09-15 &&
	test "$(days due 2026-11-20 10)" = 2026-12-04 &&
	test "$(days left 2026-12-04 2026-12-04)" = 0 &&
	test "$(days left 2026-12-04 2026-12-05)" = 0 &&
	test "$(days left 2026-12-04 2026-12-07)" = -1 &&
	test "$(days left 2026-12-04 2026-11-28)" = 5
'

test_expect_success 'set up the hub; new tickets are dispatched with their due date and days left' '
	setup_hub &&
	{ new_ticket r1 PGD-2026-000201 BANKA 2026-08-14T09:00:00+07:00
	  new_ticket r2 PGD-2026-000202 BANKA
	  new_ticket r3 IND-2026-000203 ASURB 2026-11-20T23:30:00+07:00; } | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	d=$(latest_dsp BANKA) && today=$(made_on $d) &&
	slktx validate $d &&
	test "$(item dueDate PGD-2026-000201 NewTicket $d)" = 2026-09-01 &&
	test "$(item slaDaysLeft PGD-2026-000201 NewTicket $d)" = "$(days left 2026-09-01 $today)" &&
	test "$(item dueDate PGD-2026-000202 NewTicket $d)" = 2026-12-04 &&
	test "$(item slaDaysLeft PGD-2026-000202 NewTicket $d)" = "$(days left 2026-12-04 $today)" &&
	test "$(item status PGD-2026-000202 NewTicket $d)" = BARU &&
	d=$(latest_dsp ASURB) &&
	test "$(item dueDate IND-2026-000203 NewTicket $d)" = "$(days due 2026-11-20 10)"
'

test_expect_success 'FollowUp EXTENSION moves the due date by 10 working days, once' '
	{ take_over t1 PGD-2026-000201 2026-08-17T10:00:00+07:00
	  follow_up e1 PGD-2026-000201 2026-08-18T10:00:00+07:00 EXTENSION; } | rsp ${RSP}_000001 &&
	drop_rsp ${RSP}_000001.xml SERVICE &&
	slktx run 2>err &&
	test "$(file_status ${RSP}_000001)" = ACCEPTED &&
	test "$(ledger "SELECT extended FROM ticket WHERE no = '"'"'PGD-2026-000201'"'"'")" = 1 &&
	ojk_note n1 PGD-2026-000201 2026-08-19T10:00:00+07:00 | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	slktx run 2>err &&
	d=$(latest_dsp BANKA) && today=$(made_on $d) &&
	test "$(item dueDate PGD-2026-000201 OjkNote $d)" = 2026-09-15 &&
	test "$(item slaDaysLeft PGD-2026-000201 OjkNote $d)" = "$(days left 2026-09-15 $today)" &&
	test "$(item status PGD-2026-000201 OjkNote $d)" = DITINDAKLANJUTI
'

test_expect_success 'a second EXTENSION is INVALID_STATE and leaves the due date' '
	{ follow_up e2 PGD-2026-000201 2026-08-20T10:00:00+07:00 EXTENSION
	  follow_up f3 PGD-2026-000201 2026-08-21T10:00:00+07:00 INVESTIGATING; } |
		rsp ${RSP}_000002 &&
	drop_rsp ${RSP}_000002.xml SERVICE &&
	slktx run 2>err &&
	test "$(result ${RSP}_000002 e2)" = "REJECTED INVALID_STATE" &&
	test "$(result ${RSP}_000002 f3)" = ACCEPTED &&
	ojk_note n2 PGD-2026-000201 2026-08-24T10:00:00+07:00 | cb ${CB}_000003 &&
	drop_cb ${CB}_000003.xml &&
	slktx run 2>err &&
	test "$(item dueDate PGD-2026-000201 OjkNote $(latest_dsp BANKA))" = 2026-09-15
'

test_expect_success 'a run with nothing new makes no dispatch' '
	ls exchange/pujk/*/download/DSP_*.xml >before &&
	slktx run --json >json 2>err &&
	grep "\"dispatches\":0" json &&
	ls exchange/pujk/*/download/DSP_*.xml >after &&
	test_cmp before after
'

test_expect_success 'a run killed while writing a dispatch, and one killed after a push' '
	{ ojk_note n3 PGD-2026-000202; ojk_note n4 IND-2026-000203; } | cb ${CB}_000004 &&
	drop_cb ${CB}_000004.xml &&
	test_expect_code 137 env SLKTX_FAULT=mid-dispatch slktx run 2>err &&
	{ ojk_note n5 PGD-2026-000202 2026-11-24T12:00:00+07:00; } | cb ${CB}_000005 &&
	drop_cb ${CB}_000005.xml &&
	test_expect_code 137 env SLKTX_FAULT=after-push:2 slktx run 2>err &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000005)" = ACCEPTED
'

test_expect_success 'each intake event reached its PUJK exactly once, and nothing else did' '
	for p in BANKA ASURB; do
		dsp_seqs $p | sort -n >got.$p &&
		test "$(uniq -d got.$p)" = "" &&
		ledger "SELECT e.seq FROM event e JOIN ticket t ON t.no = e.ticket_no
			WHERE e.actor = '"'"'INTAKE'"'"' AND t.pujk_code = '"'"'$p'"'"'
			ORDER BY e.seq" >want.$p &&
		test_cmp want.$p got.$p || return 1
	done &&
	test "$(wc -l <got.BANKA)" = 6 && test "$(wc -l <got.ASURB)" = 2
'

test_expect_success 'every dispatch validates, verifies, and counts and names itself right' '
	for d in exchange/pujk/*/download/DSP_*.xml; do
		slktx validate $d >/dev/null &&
		openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
			-content $d -in $d.p7s -out /dev/null 2>/dev/null &&
		test "$(xpath $d "string(//*[local-name()=\"DispatchId\"])")" = "$(basename $d .xml)" &&
		test "$(xpath $d "string(//*[local-name()=\"ItemCount\"])")" = \
			"$(xpath $d "count(//*[local-name()=\"Items\"]/*)")" || return 1
	done &&
	ls exchange/pujk/BANKA/download/DSP_*.xml | sed "s/.*_//" >seqs &&
	seq -f %06g.xml $(wc -l <seqs) >expect && test_cmp expect seqs
'

test_expect_success 'every acknowledgement validates and verifies' '
	for a in exchange/slkt/inbound/ACK_*.xml exchange/pujk/*/download/ACK_*.xml; do
		ack_ok $a || return 1
	done
'

test_expect_success 'an EXTENSION on the due day is accepted; on the next working day it is INVALID_STATE' '
	due=$(days due 2026-08-20 10) && next=$(days due $due 1) &&
	{ new_ticket r1 PGD-2026-000220 BANKA 2026-08-20T09:00:00+07:00
	  new_ticket r2 PGD-2026-000221 BANKA 2026-08-20T09:00:00+07:00; } | cb ${CB}_000020 &&
	drop_cb ${CB}_000020.xml &&
	slktx run 2>err &&
	{ take_over t1 PGD-2026-000220 2026-08-21T10:00:00+07:00
	  take_over t2 PGD-2026-000221 2026-08-21T10:00:00+07:00
	  follow_up x1 PGD-2026-000220 ${due}T23:30:00+07:00 EXTENSION
	  follow_up x2 PGD-2026-000221 ${next}T08:00:00+07:00 EXTENSION; } | rsp ${RSP}_000020 &&
	drop_rsp ${RSP}_000020.xml SERVICE &&
	slktx run 2>err &&
	test "$(result ${RSP}_000020 x1)" = ACCEPTED &&
	test "$(result ${RSP}_000020 x2)" = "REJECTED INVALID_STATE" &&
	xpath $(ack_for ${RSP}_000020) "string(//*[local-name()=\"Result\"][@recordId=\"x2\"])" >why &&
	grep "an extension must come on or before the due day $due" why &&
	test "$(ledger "SELECT extended FROM ticket WHERE no = '"'"'PGD-2026-000220'"'"'")" = 1 &&
	test "$(ledger "SELECT extended FROM ticket WHERE no = '"'"'PGD-2026-000221'"'"'")" = 0
'

test_done
