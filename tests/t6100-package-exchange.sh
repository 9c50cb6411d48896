#!/bin/sh
test_description='packages through slktx validate and slktx run: hostile ones rejected, attachments delivered byte for byte'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

# case CODE LEVEL: the corpus, each package of its own batch
cases='good:ACCEPTED attachments-dir:ACCEPTED nested:ACCEPTED zip64:ACCEPTED
comment:PACKAGE_INVALID dotdot:PACKAGE_INVALID absolute:PACKAGE_INVALID
backslash:PACKAGE_INVALID symlink:PACKAGE_INVALID device:PACKAGE_INVALID
directory:PACKAGE_INVALID duplicate:PACKAGE_INVALID twopayload:PACKAGE_INVALID
nopayload:PACKAGE_INVALID stray:PACKAGE_INVALID unnamed:PACKAGE_INVALID
encrypted:PACKAGE_INVALID truncated:PACKAGE_INVALID bomb:LIMIT_EXCEEDED
bomb-liar:PACKAGE_INVALID liar:PACKAGE_INVALID ratio:LIMIT_EXCEEDED many:LIMIT_EXCEEDED
many-liar:PACKAGE_INVALID hardlink:ATTACHMENT_MISMATCH missing:ATTACHMENT_MISSING
wronghash:ATTACHMENT_MISMATCH'

test_expect_success 'set up the hub and the corpus, one batch per case' '
	setup_hub && mkdir corpus && n=0 &&
	for c in $cases; do
		n=$((n + 1)); name=${c%%:*}; batch=CB_OJK_20261128_$(printf %06d $n)
		HOSTILE_BATCH_ID=$batch make-hostile-zips corpus "$name" >/dev/null || return 1
		mv corpus/$name.zip corpus/$batch.zip && echo "$batch $c" >>plan || return 1
	done
'

while read batch c; do
	name=${c%%:*} want=${c#*:}
	case $want in
	ACCEPTED) verdict=": valid ComplaintBatch" ;;
	ATTACHMENT_*) verdict=": invalid ($want, 1 record would be rejected)" ;;
	*) verdict=": invalid ($want" ;;
	esac
	test_expect_success "validate $name: $want" "
		mkdir -p scratch &&
		out=\$(TMPDIR=\$PWD/scratch /usr/bin/time -f '%M' -o mem slktx validate corpus/$batch.zip) ;
		echo \"\$out\" | grep -F '$verdict' &&
		test \$(tail -n 1 mem) -lt 102400 && test -z \"\$(ls -A scratch)\"
	"
done <plan 2>/dev/null || test_expect_success 'the plan was written' 'false'

test_expect_success 'every package goes through one run: each answered with its code' '
	for b in $(cut -d" " -f1 plan); do drop_cb corpus/$b.zip || return 1; done &&
	slktx run 2>run.err &&
	while read batch c; do
		want=${c#*:}
		case $want in
		ACCEPTED) test "$(file_status $batch)" = ACCEPTED ;;
		ATTACHMENT_*) a=$(ack_for $batch) &&
			test "$(xpath "$a" "string(//*[@status=\"REJECTED\"]/@code)")" = $want ;;
		*) test "$(file_status $batch)" = REJECTED && test "$(file_error $batch)" = $want ;;
		esac || { echo "$batch $c: $(file_status $batch) $(file_error $batch)"; return 1; }
	done <plan
'

test_expect_success 'nothing of a rejected package was applied, nothing written outside the store' '
	for b in $(grep -v -e ACCEPTED -e ATTACHMENT plan | cut -d" " -f1); do
		seq=$(echo $b | cut -c20-22)
		test "$(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM ticket WHERE no LIKE '"'"'PGD-2026-$seq%'"'"'")" = 0 ||
			return 1
	done &&
	test -z "$(find spool -type f -newer plan | grep -v -e ^spool/attachments/ -e ^spool/archive/ \
		-e ^spool/outbox/ -e ^spool/sent/ -e ^spool/ledger -e ^spool/lock -e ^spool/quarantine/ \
		-e ^spool/reports/)"
'

test_expect_success 'attachments travel from the batch to the PUJK dispatch byte for byte' '
	dsp=$(ls exchange/pujk/BANKA/download/DSP_BANKA_*.zip) &&
	mkdir got && (cd got && unzip -q "../$dsp") &&
	slktx validate "$dsp" &&
	good=$(grep " good:" plan | cut -d" " -f1) &&
	mkdir want && (cd want && unzip -q ../spool/archive/*/*/*/$good.zip) &&
	cmp got/attachments/surat.pdf want/attachments/surat.pdf &&
	cmp got/attachments/foto.png want/attachments/foto.png
'

test_expect_success 'a follow-up with a letter lands in the ticket history, byte for byte' '
	printf "%%PDF-1.4\n%% surat tanggapan\n%%%%EOF\n" >surat.pdf &&
	sha=$(sha256sum surat.pdf | cut -d" " -f1) && size=$(stat -c %s surat.pdf) &&
	ticket=PGD-2026-001001 &&
	rsp RSP_BANKA_20261128_000001 <<-REC &&
	<TakeOver id="t1"><TicketNo>$ticket</TicketNo><At>2026-11-27T10:00:00+07:00</At></TakeOver>
	<FollowUp id="f1"><TicketNo>$ticket</TicketNo><At>2026-11-27T11:00:00+07:00</At><Action>INVESTIGATING</Action><Note>Surat terlampir.</Note><Attachment name="surat.pdf" sha256="$sha" size="$size" mediaType="application/pdf"/></FollowUp>
	REC
	mkdir -p pkg/attachments && mv RSP_BANKA_20261128_000001.xml pkg/payload.xml &&
	cp surat.pdf pkg/attachments/ &&
	(cd pkg && zip -q -X ../RSP_BANKA_20261128_000001.zip payload.xml attachments/surat.pdf) &&
	slktx validate RSP_BANKA_20261128_000001.zip &&
	drop_rsp RSP_BANKA_20261128_000001.zip SERVICE &&
	slktx run 2>err &&
	test "$(file_status RSP_BANKA_20261128_000001)" = ACCEPTED &&
	slktx ticket show $ticket --attachments >show &&
	grep surat.pdf show && grep FollowUp show &&
	slktx ticket attachment $ticket surat.pdf -o out.pdf && cmp out.pdf surat.pdf
'

test_done
