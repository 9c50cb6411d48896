#!/bin/sh
test_description='HistoryRequest: accepted in every status, answered once by a TicketHistory with the current assignment only'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
RSP=RSP_BANKA_20261128

history_request() {
	echo "<HistoryRequest id=\"$1\"><TicketNo>$2</TicketNo><At>${3:-2026-11-26T10:00:00+07:00}</At></HistoryRequest>"
}

# payload DSP: the XML of a delivered dispatch (a .zip's payload.xml, unpacked in unz/)
payload() {
	case $1 in
	*.zip) u=unz/$(basename "$1") && rm -rf "$u" && mkdir -p "$u" &&
		(cd "$u" && unzip -q "$TRASH/$1") && echo "$u/payload.xml" ;;
	*) echo "$1" ;;
	esac
}

# all_payloads PUJK: every dispatch delivered to PUJK, as XML paths
all_payloads() {
	for d in exchange/pujk/$1/download/DSP_*.xml exchange/pujk/$1/download/DSP_*.zip; do
		test -f "$d" && payload "$d"
	done
}

# the TicketHistory items answering record ID, over every dispatch of PUJK
histories() {
	for x in $(all_payloads $2); do
		xpath "$x" "count(//*[local-name()='Items']/*[local-name()='TicketHistory'][@id='$1'])"
		echo
	done | awk '{ n += $1 } END { print n + 0 }'
}

# the payload holding the TicketHistory for ID
history_of() {
	for x in $(all_payloads $2); do
		test "$(xpath "$x" "count(//*[local-name()='TicketHistory'][@id='$1'])")" = 1 &&
			{ echo "$x"; return 0; }
	done
	return 1
}

# events X ID: "seq record actor role status" of each Event of that TicketHistory
events() {
	n=$(xpath "$1" "count(//*[local-name()='TicketHistory'][@id='$2']/*[local-name()='Event'])")
	i=1
	while test $i -le "$n"; do
		ev="(//*[local-name()='TicketHistory'][@id='$2']/*[local-name()='Event'])[$i]"
		echo "$(xpath "$1" "string($ev/@eventSeq)") $(xpath "$1" "local-name($ev/*)")" \
			"$(xpath "$1" "string($ev/@actor)") $(xpath "$1" "string($ev/@role)")" \
			"$(xpath "$1" "string($ev/@status)")"
		i=$((i + 1))
	done
}

# every delivered dispatch validates with xmllint and its .p7s verifies with openssl
dispatches_ok() {
	for d in exchange/pujk/*/download/DSP_*.xml exchange/pujk/*/download/DSP_*.zip; do
		test -f "$d" || continue
		xmllint --noout --schema "$XSD/dispatch.xsd" "$(payload "$d")" 2>err &&
		openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
			-content "$d" -in "$d.p7s" -out /dev/null 2>/dev/null &&
		slktx validate "$d" >/dev/null || { echo "$d"; cat err; return 1; }
	done
}

test_expect_success 'set up: tickets of both kinds brought into every status they can have' '
	setup_hub &&
	{ for n in 1 2 3 4 5 6 7; do new_ticket p$n PGD-2026-00010$n BANKA; done
	  for n in 1 2 3 4; do new_ticket i$n IND-2026-00020$n BANKA; done
	  new_ticket a1 PGD-2026-000901 ASURB; } | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml && slktx run 2>err &&
	{ for n in 2 3 4 5 6; do take_over t$n PGD-2026-00010$n; done
	  for n in 3 4 5; do follow_up f$n PGD-2026-00010$n; done
	  misrouted m6 PGD-2026-000106 2026-11-21T11:00:00+07:00
	  follow_up g2 IND-2026-000202; follow_up g3 IND-2026-000203
	  misrouted m4 IND-2026-000204; } | rsp ${RSP}_000001 &&
	drop_rsp ${RSP}_000001.xml SERVICE &&
	{ proposal r4 PGD-2026-000104; proposal r5 PGD-2026-000105; } | rsp ${RSP}_000002 &&
	drop_rsp ${RSP}_000002.xml DECISION && slktx run 2>err &&
	test "$(file_status ${RSP}_000001)" = ACCEPTED &&
	test "$(file_status ${RSP}_000002)" = ACCEPTED &&
	{ decision d5 PGD-2026-000105 ACCEPTED; closure c7 PGD-2026-000107
	  closure c3 IND-2026-000203; } | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml && slktx run 2>err &&
	test "$(file_status ${CB}_000002)" = ACCEPTED &&
	ledger "SELECT no, status FROM ticket WHERE pujk_code = '"'"'BANKA'"'"' ORDER BY no" >statuses &&
	cat >expect <<-EOF &&
	IND-2026-000201|BARU
	IND-2026-000202|DITANGGAPI
	IND-2026-000203|DITUTUP
	IND-2026-000204|DIKEMBALIKAN
	PGD-2026-000101|BARU
	PGD-2026-000102|DIAMBIL_ALIH
	PGD-2026-000103|DITINDAKLANJUTI
	PGD-2026-000104|USULAN_SELESAI
	PGD-2026-000105|SELESAI
	PGD-2026-000106|DIKEMBALIKAN
	PGD-2026-000107|DITUTUP
	EOF
	test_cmp expect statuses
'

test_expect_success 'a request in every status of both kinds is accepted and leaves the status' '
	cut -d"|" -f1 statuses | while read t; do
		history_request h-$t $t
	done | rsp ${RSP}_000003 &&
	drop_rsp ${RSP}_000003.xml PRODUCT &&
	ledger "SELECT count(*) FROM dispatch" >dispatches.before &&
	slktx run 2>err &&
	test "$(file_status ${RSP}_000003)" = ACCEPTED &&
	ledger "SELECT no, status FROM ticket WHERE pujk_code = '"'"'BANKA'"'"' ORDER BY no" >after &&
	test_cmp statuses after &&
	ledger "SELECT count(*) FROM event WHERE record = '"'"'HistoryRequest'"'"'
		AND actor = '"'"'PRODUCT'"'"' AND status_before = status_after
		AND officer_id = (SELECT id FROM officer WHERE pujk_code = '"'"'BANKA'"'"'
			AND role = '"'"'PRODUCT'"'"')" >n && echo 11 >eleven && test_cmp eleven n
'

test_expect_success 'each request is answered by one TicketHistory with the status it has' '
	while IFS="|" read t s; do
		test "$(histories h-$t BANKA)" = 1 &&
		x=$(history_of h-$t BANKA) &&
		test "$(xpath $x "string(//*[local-name()=\"TicketHistory\"][@id=\"h-$t\"]/@status)")" = $s &&
		test "$(xpath $x "string(//*[local-name()=\"TicketHistory\"][@id=\"h-$t\"]/*[local-name()=\"TicketNo\"])")" = $t ||
			{ echo "$t $s"; return 1; }
	done <statuses &&
	dispatches_ok
'

test_expect_success 'the history holds the complaint and every event of the assignment, OJK and PUJK' '
	x=$(history_of h-PGD-2026-000105 BANKA) &&
	h="//*[local-name()=\"TicketHistory\"][@id=\"h-PGD-2026-000105\"]" &&
	test "$(xpath $x "string($h/*[local-name()=\"RequestedAt\"])")" = 2026-11-26T10:00:00+07:00 &&
	test "$(xpath $x "string($h/*[local-name()=\"Complaint\"]/*[local-name()=\"Subject\"])")" = "Transaksi tidak dikenal" &&
	test "$(xpath $x "string($h/*[local-name()=\"Complaint\"]/@id)")" = p5 &&
	events $x h-PGD-2026-000105 | cut -d" " -f2- >got &&
	cat >want <<-EOF &&
	TakeOver PUJK SERVICE DIAMBIL_ALIH
	FollowUp PUJK SERVICE DITINDAKLANJUTI
	ResolutionProposal PUJK DECISION USULAN_SELESAI
	Decision INTAKE  SELESAI
	HistoryRequest PUJK PRODUCT SELESAI
	EOF
	test_cmp want got &&
	test "$(xpath $x "string($h/*[local-name()=\"Event\"][@role=\"DECISION\"]/@officer)")" = "BANKA decision officer"
'

test_expect_success 'another PUJK'"'"'s ticket is TICKET_UNKNOWN, worded like an unknown one' '
	{ history_request o1 PGD-2026-000901; history_request o2 PGD-2026-000999; } |
		rsp ${RSP}_000004 &&
	drop_rsp ${RSP}_000004.xml SERVICE && slktx run 2>err &&
	test "$(result ${RSP}_000004 o1)" = "REJECTED TICKET_UNKNOWN" &&
	test "$(result ${RSP}_000004 o2)" = "REJECTED TICKET_UNKNOWN" &&
	a=$(ack_for ${RSP}_000004) &&
	xpath $a "string(//*[local-name()=\"Result\"][@recordId=\"o1\"])" | sed s/000901/N/ >w1 &&
	xpath $a "string(//*[local-name()=\"Result\"][@recordId=\"o2\"])" | sed s/000999/N/ >w2 &&
	test_cmp w1 w2 &&
	test "$(ledger "SELECT count(*) FROM event WHERE ticket_no = '"'"'PGD-2026-000901'"'"'")" = 1 &&
	test "$(histories o1 BANKA)" = 0 && test "$(histories o1 ASURB)" = 0
'

test_expect_success 'a follow-up letter, a rejected proposal and an OJK note: all in the history, the letter in the zip' '
	printf "%%PDF-1.4\n%% surat\n%%%%EOF\n" >surat.pdf &&
	sha=$(sha256sum surat.pdf | cut -d" " -f1) && size=$(stat -c %s surat.pdf) &&
	t=PGD-2026-000103 &&
	rsp ${RSP}_000005 <<-REC &&
	<FollowUp id="fl"><TicketNo>$t</TicketNo><At>2026-11-25T11:00:00+07:00</At><Action>INVESTIGATING</Action><Note>Surat terlampir.</Note><Attachment name="surat.pdf" sha256="$sha" size="$size" mediaType="application/pdf"/></FollowUp>
	REC
	mkdir -p pkg/attachments && mv ${RSP}_000005.xml pkg/payload.xml && cp surat.pdf pkg/attachments/ &&
	(cd pkg && zip -q -X ../${RSP}_000005.zip payload.xml attachments/surat.pdf) &&
	drop_rsp ${RSP}_000005.zip SERVICE &&
	proposal rp $t 2026-11-25T12:00:00+07:00 | rsp ${RSP}_000006 &&
	drop_rsp ${RSP}_000006.xml DECISION && slktx run 2>err &&
	test "$(file_status ${RSP}_000005)" = ACCEPTED && test "$(file_status ${RSP}_000006)" = ACCEPTED &&
	{ decision dr $t REJECTED 2026-11-25T13:00:00+07:00
	  ojk_note on $t 2026-11-25T14:00:00+07:00; } | cb ${CB}_000003 &&
	drop_cb ${CB}_000003.xml && slktx run 2>err &&
	history_request again $t 2026-11-25T15:00:00+07:00 | rsp ${RSP}_000007 &&
	drop_rsp ${RSP}_000007.xml SERVICE && slktx run 2>err &&
	test "$(file_status ${RSP}_000007)" = ACCEPTED &&
	d=$(ls exchange/pujk/BANKA/download/DSP_*.zip | tail -n 1) &&
	unzip -l $d >listing && grep " payload.xml$" listing && grep " attachments/surat.pdf$" listing &&
	x=$(payload $d) && cmp unz/$(basename $d)/attachments/surat.pdf surat.pdf &&
	test "$(histories again BANKA)" = 1 &&
	events $x again | cut -d" " -f2- >got &&
	cat >want <<-EOF &&
	TakeOver PUJK SERVICE DIAMBIL_ALIH
	FollowUp PUJK SERVICE DITINDAKLANJUTI
	HistoryRequest PUJK PRODUCT DITINDAKLANJUTI
	FollowUp PUJK SERVICE DITINDAKLANJUTI
	ResolutionProposal PUJK DECISION USULAN_SELESAI
	Decision INTAKE  DITINDAKLANJUTI
	OjkNote INTAKE  DITINDAKLANJUTI
	HistoryRequest PUJK SERVICE DITINDAKLANJUTI
	EOF
	test_cmp want got &&
	h="//*[local-name()=\"TicketHistory\"][@id=\"again\"]" &&
	test "$(xpath $x "string($h//*[local-name()=\"Decision\"]/*[local-name()=\"Outcome\"])")" = REJECTED &&
	test "$(xpath $x "string($h//*[local-name()=\"OjkNote\"]/*[local-name()=\"Note\"])")" = "Catatan OJK." &&
	test "$(xpath $x "string($h//*[local-name()=\"Attachment\"]/@sha256)")" = $sha &&
	dispatches_ok
'

test_expect_success 'answered once: later runs and the same request in a new file answer nothing more' '
	ls exchange/pujk/BANKA/download/DSP_* >before &&
	slktx run 2>err && slktx run 2>err &&
	ls exchange/pujk/BANKA/download/DSP_* >after && test_cmp before after &&
	history_request again PGD-2026-000103 2026-11-25T15:00:00+07:00 | rsp ${RSP}_000008 &&
	drop_rsp ${RSP}_000008.xml SERVICE && slktx run 2>err &&
	test "$(result ${RSP}_000008 again)" = DUPLICATE &&
	ls exchange/pujk/BANKA/download/DSP_* >after && test_cmp before after &&
	test "$(histories again BANKA)" = 1 &&
	test "$(histories h-PGD-2026-000101 BANKA)" = 1
'

test_expect_success 'two letters of one name in one history: each its own entry, the package valid' '
	mkdir -p second/attachments && printf "%%PDF-1.4\n%% surat kedua\n%%%%EOF\n" >second/attachments/surat.pdf &&
	sha=$(sha256sum surat.pdf | cut -d" " -f1) &&
	sha2=$(sha256sum second/attachments/surat.pdf | cut -d" " -f1) &&
	size2=$(stat -c %s second/attachments/surat.pdf) && t=PGD-2026-000103 &&
	rsp ${RSP}_000013 <<-REC &&
	<FollowUp id="f2"><TicketNo>$t</TicketNo><At>2026-11-25T16:00:00+07:00</At><Action>OTHER</Action><Note>Surat kedua.</Note><Attachment name="surat.pdf" sha256="$sha2" size="$size2" mediaType="application/pdf"/></FollowUp>
	<HistoryRequest id="third"><TicketNo>$t</TicketNo><At>2026-11-25T17:00:00+07:00</At></HistoryRequest>
	REC
	mv ${RSP}_000013.xml second/payload.xml &&
	(cd second && zip -q -X ../${RSP}_000013.zip payload.xml attachments/surat.pdf) &&
	drop_rsp ${RSP}_000013.zip SERVICE && slktx run 2>err &&
	test "$(file_status ${RSP}_000013)" = ACCEPTED &&
	d=$(ls exchange/pujk/BANKA/download/DSP_*.zip | tail -n 1) && x=$(payload $d) &&
	test "$(histories third BANKA)" = 1 &&
	unzip -Z1 $d | sort >entries &&
	printf "%s\n" attachments/$(echo $sha2 | cut -c1-8)-surat.pdf attachments/surat.pdf payload.xml >want &&
	test_cmp want entries &&
	u=unz/$(basename $d)/attachments && cmp $u/surat.pdf surat.pdf &&
	cmp $u/$(echo $sha2 | cut -c1-8)-surat.pdf second/attachments/surat.pdf &&
	test "$(xpath $x "string(//*[local-name()=\"Attachment\"][@sha256=\"$sha2\"]/@name)")" = \
		$(echo $sha2 | cut -c1-8)-surat.pdf &&
	dispatches_ok
'

test_expect_success 'the request is no response: the ticket keeps no first response, the report sees none' '
	test "$(ledger "SELECT count(*) FROM ticket WHERE no = '"'"'PGD-2026-000101'"'"'
		AND first_response_at IS NULL AND updated_seq = created_seq")" = 1 &&
	slktx report --from 2026-11-01 --to 2026-11-30 --pujk BANKA --out rep 2>err &&
	head -n 1 rep/report-tickets.csv | cut -d, -f9 >col && echo first_response >want &&
	test_cmp want col &&
	test "$(grep "^PGD-2026-000101," rep/report-tickets.csv | cut -d, -f9)" = ""
'

test_expect_success 'a reassigned ticket: the new PUJK gets the complaint with OJK'"'"'s notes, never the former PUJK'"'"'s records' '
	t=PGD-2026-000102 &&
	ojk_note n1 $t 2026-11-25T09:00:00+07:00 | cb ${CB}_000004 &&
	drop_cb ${CB}_000004.xml && slktx run 2>err &&
	follow_up fb $t 2026-11-25T10:00:00+07:00 | rsp ${RSP}_000009 &&
	drop_rsp ${RSP}_000009.xml SERVICE && slktx run 2>err &&
	reassign ra $t ASURB 2026-11-26T09:00:00+07:00 | cb ${CB}_000005 &&
	drop_cb ${CB}_000005.xml && slktx run 2>err &&
	test "$(status_of $t)" = BARU &&
	x=$(for p in $(all_payloads ASURB); do grep -l "<TicketNo>$t<" $p; done | tail -n 1) &&
	n="//*[local-name()=\"Items\"]/*[local-name()=\"NewTicket\"][@id=\"ra\"]" &&
	test "$(xpath $x "string($n/*[local-name()=\"PujkCode\"])")" = ASURB &&
	test "$(xpath $x "count($n/*[local-name()=\"OjkNotes\"]/*)")" = 2 &&
	test "$(xpath $x "string($n/*[local-name()=\"OjkNotes\"]/*[1]/*[local-name()=\"Note\"])")" = "Catatan OJK." &&
	test "$(xpath $x "string($n/*[local-name()=\"OjkNotes\"]/*[1]/*[local-name()=\"At\"])")" = 2026-11-25T09:00:00+07:00 &&
	test "$(xpath $x "string($n/*[local-name()=\"OjkNotes\"]/*[2]/@record)")" = Reassign &&
	test "$(xpath $x "string($n/*[local-name()=\"OjkNotes\"]/*[2]/*[local-name()=\"Note\"])")" = Dialihkan. &&
	! grep -e "Konsumen dihubungi" -e "<TakeOver" -e "<FollowUp" $x &&
	dispatches_ok
'

test_expect_success 'the new PUJK'"'"'s history starts at the reassignment; the former PUJK'"'"'s request is TICKET_UNKNOWN' '
	t=PGD-2026-000102 &&
	{ take_over ta $t 2026-11-26T10:00:00+07:00
	  history_request ha $t 2026-11-26T11:00:00+07:00; } | rsp RSP_ASURB_20261128_000001 &&
	drop_rsp RSP_ASURB_20261128_000001.xml SERVICE &&
	history_request hb $t 2026-11-26T11:00:00+07:00 | rsp ${RSP}_000010 &&
	drop_rsp ${RSP}_000010.xml SERVICE && slktx run 2>err &&
	test "$(result ${RSP}_000010 hb)" = "REJECTED TICKET_UNKNOWN" &&
	test "$(file_status RSP_ASURB_20261128_000001)" = ACCEPTED &&
	x=$(history_of ha ASURB) &&
	events $x ha | cut -d" " -f2- >got &&
	printf "%s\n" "TakeOver PUJK SERVICE DIAMBIL_ALIH" "HistoryRequest PUJK SERVICE DIAMBIL_ALIH" >want &&
	test_cmp want got &&
	c="//*[local-name()=\"TicketHistory\"][@id=\"ha\"]/*[local-name()=\"Complaint\"]" &&
	test "$(xpath $x "string($c/*[local-name()=\"PujkCode\"])")" = ASURB &&
	test "$(xpath $x "string($c/@id)")" = ra &&
	test "$(xpath $x "count($c/*[local-name()=\"OjkNotes\"]/*)")" = 2 &&
	! grep "Konsumen dihubungi" $x
'

test_expect_success 'away and back: only the current assignment'"'"'s events, none of the other PUJK'"'"'s' '
	t=PGD-2026-000102 &&
	reassign rb $t BANKA 2026-11-26T12:00:00+07:00 | cb ${CB}_000006 &&
	drop_cb ${CB}_000006.xml && slktx run 2>err &&
	history_request hc $t 2026-11-26T13:00:00+07:00 | rsp ${RSP}_000011 &&
	drop_rsp ${RSP}_000011.xml SERVICE && slktx run 2>err &&
	x=$(history_of hc BANKA) &&
	events $x hc | cut -d" " -f2- >got &&
	echo "HistoryRequest PUJK SERVICE BARU" >want && test_cmp want got &&
	c="//*[local-name()=\"TicketHistory\"][@id=\"hc\"]/*[local-name()=\"Complaint\"]" &&
	test "$(xpath $x "string($c/@id)")" = rb &&
	test "$(xpath $x "count($c/*[local-name()=\"OjkNotes\"]/*)")" = 3 &&
	test "$(histories hc BANKA)" = 1 && dispatches_ok
'

test_expect_success 'a 1.0 response file (no HistoryRequest) still validates and is accepted' '
	slktx validate "$SAMPLES/valid/RSP_BANKA_20261127_000001.xml" &&
	xmllint --noout --schema "$XSD/response-file.xsd" "$SAMPLES/valid/RSP_BANKA_20261127_000001.xml" &&
	take_over z PGD-2026-000101 2026-11-27T10:00:00+07:00 | rsp ${RSP}_000012 &&
	slktx validate ${RSP}_000012.xml && drop_rsp ${RSP}_000012.xml SERVICE && slktx run 2>err &&
	test "$(file_status ${RSP}_000012)" = ACCEPTED
'

test_done
