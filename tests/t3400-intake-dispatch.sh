#!/bin/sh
test_description='the intake dispatch: every PUJK record reaches OJK exactly once, signed, valid'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127
IN=exchange/slkt/inbound

# intake_dsps: the intake's dispatches on the server, .xml and .zip, in name order
intake_dsps() {
	ls $IN/DSP_OJK_* 2>/dev/null | grep -v '\.p7s$'
}

# payload DSP: the dispatch document itself (a .zip's payload.xml, unpacked
# into unzipped/<its name>/, off the server's folders)
payload() {
	case $1 in
	*.zip) u=$TRASH/unzipped/$(basename "$1") &&
		rm -rf "$u" && mkdir -p "$u" && (cd "$u" && unzip -q "$TRASH/$1") &&
		echo "$u/payload.xml" ;;
	*) echo "$1" ;;
	esac
}

# attr ATTR RECORD TICKET DOC: an attribute of that record's item on that ticket
attr() {
	xpath "$4" "string(//*[local-name()=\"$2\"][*[local-name()=\"TicketNo\"]=\"$3\"]/@$1)"
}

# has_attr ATTR RECORD TICKET DOC: the item carries the attribute at all
has_attr() {
	test "$(xpath "$4" "count(//*[local-name()=\"$2\"][*[local-name()=\"TicketNo\"]=\"$3\"]/@$1)")" = 1
}

# sisa TICKET DOC: the ticket's sisa SLA by `slktx ticket list` at the dispatch's CreatedAt
sisa() {
	SLKTX_NOW=$(xpath "$2" "string(//*[local-name()=\"CreatedAt\"])") \
		slktx ticket list --csv | awk -F, -v t="$1" '$1 == t { print $7 }'
}

# seqs DOC...: the eventSeq of every item, one a line
seqs() {
	for d in "$@"; do
		xpath "$d" "//*[local-name()=\"Items\"]/*/@eventSeq" | tr ' ' '\n' | tr -dc '0-9\n'
		echo
	done | grep .
}

test_expect_success 'tickets alone make no intake dispatch' '
	setup_hub &&
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r2 PGD-2026-000002 BANKA
	  new_ticket r3 PGD-2026-000003 ASURB; } | cb ${CB}_000001 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	ls exchange/pujk/BANKA/download/DSP_BANKA_* &&
	test -z "$(intake_dsps)" &&
	test "$(ledger "SELECT count(*) FROM dispatch_cursor WHERE pujk_code = '"'"'OJK'"'"'")" = 0
'

test_expect_success 'take-overs, a follow-up with a letter, a misrouted ticket: one intake .zip' '
	printf "%%PDF-1.4\n%% surat tanggapan\n%%%%EOF\n" >surat.pdf &&
	sha=$(sha256sum surat.pdf | cut -d" " -f1) && size=$(stat -c %s surat.pdf) &&
	rsp RSP_BANKA_20261128_000001 <<-REC &&
	$(take_over t1 PGD-2026-000001)
	<FollowUp id="f1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-22T10:00:00+07:00</At><Action>INVESTIGATING</Action><Note>Surat terlampir.</Note><Attachment name="surat.pdf" sha256="$sha" size="$size" mediaType="application/pdf"/></FollowUp>
	$(misrouted m1 PGD-2026-000002)
	REC
	mkdir -p pkg/attachments && mv RSP_BANKA_20261128_000001.xml pkg/payload.xml &&
	cp surat.pdf pkg/attachments/ &&
	(cd pkg && zip -q -X ../RSP_BANKA_20261128_000001.zip payload.xml attachments/surat.pdf) &&
	drop_rsp RSP_BANKA_20261128_000001.zip SERVICE &&
	take_over t1 PGD-2026-000003 | rsp RSP_ASURB_20261128_000001 &&
	drop_rsp RSP_ASURB_20261128_000001.xml PRODUCT &&
	slktx run 2>err &&
	test "$(file_status RSP_BANKA_20261128_000001)" = ACCEPTED &&
	test "$(file_status RSP_ASURB_20261128_000001)" = ACCEPTED &&
	intake_dsps >dsps && test $(wc -l <dsps) = 1 &&
	d=$(cat dsps) &&
	case $d in $IN/DSP_OJK_2026[0-9][0-9][0-9][0-9]_000001.zip) ;; *) false ;; esac &&
	grep "DSP_OJK_.*: 4 items for OJK" err
'

test_expect_success 'its items: records in ledger order, with who, status, due date and sisa SLA' '
	d=$(payload $(intake_dsps)) &&
	test "$(xpath $d "string(//*[local-name()=\"Recipient\"])")" = OJK &&
	test "$(xpath $d "count(//*[local-name()=\"PujkCode\"])")" = 0 &&
	test "$(xpath $d "string(//*[local-name()=\"ItemCount\"])")" = 4 &&
	xpath $d "//*[local-name()=\"Items\"]/*" | sed -n "s/^<\([A-Za-z]*\) .*/\1/p" >records &&
	printf "TakeOver\nTakeOver\nFollowUp\nMisrouted\n" >expect && test_cmp expect records &&
	seqs $d >got &&
	ledger "SELECT seq FROM event WHERE actor <> '"'"'INTAKE'"'"' ORDER BY seq" >want &&
	test_cmp want got &&
	test "$(attr pujkCode TakeOver PGD-2026-000003 $d)" = ASURB &&
	test "$(attr officer TakeOver PGD-2026-000003 $d)" = "ASURB product officer" &&
	test "$(attr role TakeOver PGD-2026-000003 $d)" = PRODUCT &&
	test "$(attr pujkCode TakeOver PGD-2026-000001 $d)" = BANKA &&
	test "$(attr officer TakeOver PGD-2026-000001 $d)" = "BANKA service officer" &&
	test "$(attr role TakeOver PGD-2026-000001 $d)" = SERVICE &&
	test "$(attr id TakeOver PGD-2026-000001 $d)" = t1 &&
	test "$(attr status TakeOver PGD-2026-000001 $d)" = DIAMBIL_ALIH &&
	test "$(attr status FollowUp PGD-2026-000001 $d)" = DITINDAKLANJUTI &&
	test "$(attr status Misrouted PGD-2026-000002 $d)" = DIKEMBALIKAN &&
	test "$(attr role Misrouted PGD-2026-000002 $d)" = SERVICE &&
	for r in TakeOver FollowUp; do
		test "$(attr dueDate $r PGD-2026-000001 $d)" = 2026-12-04 &&
		test "$(attr slaDaysLeft $r PGD-2026-000001 $d)" = "$(sisa PGD-2026-000001 $d)" || return 1
	done &&
	test -n "$(attr slaDaysLeft TakeOver PGD-2026-000001 $d)" &&
	test "$(attr dueDate Misrouted PGD-2026-000002 $d)" = 2026-12-04 &&
	! has_attr slaDaysLeft Misrouted PGD-2026-000002 $d &&
	test "$(xpath $d "string(//*[local-name()=\"Misrouted\"]/*[local-name()=\"Note\"])")" = "Bukan nasabah kami." &&
	test "$(xpath $d "string(//*[local-name()=\"FollowUp\"]/*[local-name()=\"Action\"])")" = INVESTIGATING
'

test_expect_success 'the follow-up letter travels in the .zip byte for byte; it validates and verifies' '
	z=$(intake_dsps) && d=$(payload $z) &&
	u=unzipped/$(basename $z) &&
	cmp surat.pdf $u/attachments/surat.pdf &&
	test "$(ls $u/attachments)" = surat.pdf && test "$(cd $u && find . -type f | sort)" = \
		"$(printf "./attachments/surat.pdf\n./payload.xml")" &&
	test "$(attr name FollowUp PGD-2026-000001 $d)" = "" &&
	xpath $d "//*[local-name()=\"Attachment\"]/@sha256" | grep "$(sha256sum surat.pdf | cut -d" " -f1)" &&
	xmllint --noout --schema "$XSD/dispatch.xsd" $d &&
	slktx validate $z >out && grep ": valid " out &&
	openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
		-content $z -in $z.p7s -out /dev/null 2>/dev/null &&
	test "$(xpath $d "string(//*[local-name()=\"DispatchId\"])")" = "$(basename $z .zip)"
'

test_expect_success 'the DECISION officer proposes: the next intake dispatch has the proposal alone' '
	proposal p1 PGD-2026-000001 | rsp RSP_BANKA_20261128_000002 &&
	drop_rsp RSP_BANKA_20261128_000002.xml DECISION &&
	slktx run 2>err &&
	intake_dsps >dsps && test $(wc -l <dsps) = 2 &&
	d=$(tail -n 1 dsps) &&
	case $d in $IN/DSP_OJK_2026[0-9][0-9][0-9][0-9]_000002.xml) ;; *) false ;; esac &&
	test "$(xpath $d "string(//*[local-name()=\"ItemCount\"])")" = 1 &&
	test "$(attr id ResolutionProposal PGD-2026-000001 $d)" = p1 &&
	test "$(attr status ResolutionProposal PGD-2026-000001 $d)" = USULAN_SELESAI &&
	test "$(attr pujkCode ResolutionProposal PGD-2026-000001 $d)" = BANKA &&
	test "$(attr officer ResolutionProposal PGD-2026-000001 $d)" = "BANKA decision officer" &&
	test "$(attr role ResolutionProposal PGD-2026-000001 $d)" = DECISION &&
	test "$(attr dueDate ResolutionProposal PGD-2026-000001 $d)" = 2026-12-04 &&
	! has_attr slaDaysLeft ResolutionProposal PGD-2026-000001 $d &&
	test "$(xpath $d "string(//*[local-name()=\"Summary\"])")" = "Transaksi sah." &&
	test "$(xpath $d "string(//*[local-name()=\"Resolution\"])")" = EXPLANATION &&
	xmllint --noout --schema "$XSD/dispatch.xsd" $d &&
	slktx validate $d >out && grep ": valid " out &&
	openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
		-content $d -in $d.p7s -out /dev/null 2>/dev/null
'

test_expect_success 'a monetary proposal carries its Amount' '
	follow_up f1 PGD-2026-000003 | rsp RSP_ASURB_20261128_000002 &&
	drop_rsp RSP_ASURB_20261128_000002.xml SERVICE &&
	echo "<ResolutionProposal id=\"p1\"><TicketNo>PGD-2026-000003</TicketNo><At>2026-11-23T10:00:00+07:00</At><Resolution>MONETARY_RELIEF</Resolution><Amount currency=\"IDR\">1500000.00</Amount><Summary>Klaim dibayar.</Summary></ResolutionProposal>" |
		rsp RSP_ASURB_20261128_000003 &&
	drop_rsp RSP_ASURB_20261128_000003.xml DECISION &&
	slktx run 2>err &&
	d=$(intake_dsps | tail -n 1) &&
	test "$(xpath $d "string(//*[local-name()=\"ResolutionProposal\"]/*[local-name()=\"Amount\"])")" = 1500000.00 &&
	test "$(xpath $d "string(//*[local-name()=\"Amount\"]/@currency)")" = IDR &&
	test "$(attr officer FollowUp PGD-2026-000003 $d)" = "ASURB service officer" &&
	xmllint --noout --schema "$XSD/dispatch.xsd" $d
'

test_expect_success 'OJK decides and reassigns: that goes to the PUJK, nothing new to the intake' '
	{ decision d1 PGD-2026-000001 ACCEPTED; reassign a1 PGD-2026-000002 ASURB; } | cb ${CB}_000002 &&
	drop_cb ${CB}_000002.xml &&
	intake_dsps >before &&
	slktx run --json >json 2>err &&
	intake_dsps >after && test_cmp before after &&
	test "$(status_of PGD-2026-000001)" = SELESAI
'

test_expect_success 'a run with nothing new sends nothing, to anyone' '
	find exchange -name "DSP_*" | sort >before &&
	slktx run --json >json 2>err &&
	grep "\"dispatches\":0" json &&
	find exchange -name "DSP_*" | sort >after &&
	test_cmp before after
'

test_expect_success 'every PUJK record reached the intake exactly once, and nothing else did' '
	docs= &&
	for z in $(intake_dsps); do docs="$docs $(payload $z)"; done &&
	seqs $docs >got &&
	test "$(sort -n got | uniq -d)" = "" &&
	ledger "SELECT seq FROM event WHERE actor <> '"'"'INTAKE'"'"' ORDER BY seq" >want &&
	test_cmp want got &&
	test "$(ledger "SELECT last_seq FROM dispatch_cursor WHERE pujk_code = '"'"'OJK'"'"'")" = \
		"$(tail -n 1 want)" &&
	test "$(ledger "SELECT count(*) FROM outfile WHERE kind = '"'"'DSP'"'"'
		AND destination = '"'"'slkt-inbound'"'"' AND pushed_at IS NOT NULL")" = $(intake_dsps | wc -l)
'

test_expect_success 'an intake item never reaches a PUJK, a PUJK item never the intake' '
	docs= &&
	for z in $(intake_dsps); do docs="$docs $(payload $z)"; done &&
	seqs $docs | sort >intake.seqs &&
	for f in exchange/pujk/*/download/DSP_*.xml exchange/pujk/*/download/DSP_*.zip; do
		test -f "$f" || continue
		seqs $(payload $f) || return 1
	done | sort -u >pujk.seqs &&
	test -s pujk.seqs &&
	comm -12 intake.seqs pujk.seqs >both && test_cmp /dev/null both &&
	ledger "SELECT seq FROM event WHERE actor = '"'"'INTAKE'"'"'" | sort >intake-events &&
	comm -23 pujk.seqs intake-events >stray && test_cmp /dev/null stray &&
	! grep -l "<Recipient>" exchange/pujk/*/download/DSP_*.xml &&
	! grep -l -e "<TakeOver " -e "<FollowUp " -e "<ResolutionProposal " -e "<Misrouted " \
		exchange/pujk/*/download/DSP_*.xml &&
	! grep -l -e "<NewTicket " -e "<Decision " -e "<Reassign " $docs
'

test_expect_success 'slktx validate: an intake dispatch whose Recipient is not the name is SENDER_MISMATCH' '
	d=$(intake_dsps | tail -n 1) && n=$(basename $d .xml) &&
	sed "s|<Recipient>OJK</Recipient>|<Recipient>BANKA</Recipient>|" $d >$n.xml &&
	test_expect_code 65 slktx validate $n.xml >out &&
	grep "SENDER_MISMATCH: the header names .BANKA., the file name .OJK." out
'

test_expect_success 'pujk add refuses the intake sender code (exit 65), nothing registered' '
	test_expect_code 65 slktx pujk add OJK --name "Otoritas" --sector OTHER 2>err &&
	grep "PUJK code .OJK. is the intake.s sender code" err &&
	! slktx pujk list | grep "^OJK "
'

test_expect_success 'a PUJK registered under the sender code later configured: the dispatch stops (78)' '
	slktx pujk add SLKT --name "Bank SLKT" --sector BANK &&
	sed -i "/^\[intake\]/a sender = SLKT" config/slktx.conf &&
	grep "^sender = SLKT" config/slktx.conf &&
	test_expect_code 78 slktx dispatch 2>err &&
	grep "PUJK .SLKT. has the intake.s sender code" err
'

test_done
