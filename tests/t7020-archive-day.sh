#!/bin/sh
test_description='the daily archive: day D as of its end, made by the first run after D, no data file in it'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

R=spool/reports/2026/11
A25=$R/slktx-report-20261125.tar.gz
TOP=slktx-report-20261125
NIK=3174051203850007

test_expect_success 'setup: the hub on 18 November; on 23 November three tickets, one from October' '
	{ test -f config/slktx.conf || write_test_config .; } &&
	on "2026-11-18 10:00" make-test-pki pki >/dev/null &&
	for p in BANKA ASURB; do
		on "2026-11-18 10:00" slktx pujk add $p --name "PUJK $p" --sector BANK >/dev/null &&
		for r in product service decision; do
			on "2026-11-18 10:00" slktx officer add $p --role $(echo $r | tr a-z A-Z) \
				--name "$p $r officer" --cert pki/$p-$r.crt >/dev/null || return 1
		done
	done &&
	mkdir -p exchange/slkt/outbound exchange/slkt/inbound \
		exchange/pujk/BANKA/upload exchange/pujk/BANKA/download \
		exchange/pujk/ASURB/upload exchange/pujk/ASURB/download &&
	{
		new_ticket t0 PGD-2026-000100 BANKA 2026-10-15T09:00:00+07:00 &&
		new_ticket t1 PGD-2026-000101 BANKA 2026-11-20T09:00:00+07:00 &&
		new_ticket t2 PGD-2026-000102 ASURB 2026-11-23T08:00:00+07:00
	} | cb CB_OJK_20261123_000001 &&
	created CB_OJK_20261123_000001.xml 2026-11-23T08:00:00+07:00 &&
	on "2026-11-23 09:00" drop_cb CB_OJK_20261123_000001.xml &&
	on "2026-11-23 10:00" slktx run 2>err &&
	test "$(file_status CB_OJK_20261123_000001)" = ACCEPTED &&
	test ! -d $R
'

test_expect_success 'the run of 25 November archives 23 and 24 (catch-up), not the day it runs on' '
	new_ticket t3 PGD-2026-000103 BANKA 2026-11-25T08:00:00+07:00 | cb CB_OJK_20261125_000001 &&
	created CB_OJK_20261125_000001.xml 2026-11-25T08:00:00+07:00 &&
	on "2026-11-25 09:00" drop_cb CB_OJK_20261125_000001.xml &&
	{
		take_over a1 PGD-2026-000101 2026-11-24T10:00:00+07:00 &&
		take_over a2 PGD-2026-000999 2026-11-24T10:00:00+07:00
	} | rsp RSP_BANKA_20261125_000001 &&
	created RSP_BANKA_20261125_000001.xml 2026-11-25T08:00:00+07:00 &&
	on "2026-11-25 09:00" drop_rsp RSP_BANKA_20261125_000001.xml SERVICE &&
	on "2026-11-25 10:00" slktx run 2>err &&
	test "$(file_status RSP_BANKA_20261125_000001)" = PARTIALLY_ACCEPTED &&
	ls $R >actual &&
	printf "slktx-report-20261123.tar.gz\nslktx-report-20261124.tar.gz\n" >expect &&
	test_cmp expect actual &&
	grep "the day.s signed report archive: .*slktx-report-20261124.tar.gz" err &&
	ledger "SELECT day FROM archive_day ORDER BY day" >days &&
	test $(wc -l <days) = 2
'

test_expect_success 'an archived signature deleted from the spool; the run at 01:15 on 26 November archives 25 only, exit 0' '
	p7s=$(ls spool/archive/2026/11/25/RSP_BANKA_20261125_000001.xml.p7s) &&
	mv "$p7s" saved.p7s &&
	on "2026-11-26 01:15" slktx run --json >json 2>err &&
	grep "\"exit\":0" json &&
	grep "\"archive\":\".*slktx-report-20261125.tar.gz\"" json &&
	grep "warning.*archive: file [0-9]* .RSP_BANKA_20261125_000001.xml.: .archive/2026/11/25/RSP_BANKA_20261125_000001.xml.p7s. is not in the spool: archived without it" err &&
	ls $R >actual &&
	printf "slktx-report-20261123.tar.gz\nslktx-report-20261124.tar.gz\nslktx-report-20261125.tar.gz\n" >expect &&
	test_cmp expect actual &&
	mv saved.p7s "$p7s"
'

test_expect_success 'the archive of 25 November verifies: sha256sum -c, openssl, verify-archive' '
	mkdir x && tar xzf $A25 -C x &&
	(cd x/$TOP && sha256sum -c --quiet MANIFEST.sha256) &&
	openssl cms -verify -binary -inform DER -content x/$TOP/MANIFEST.sha256 \
		-in x/$TOP/MANIFEST.sha256.p7s -CAfile pki/ca.crt -purpose any -out /dev/null &&
	slktx verify-archive $A25 >out && grep ": OK$" out
'

test_expect_success 'no data file in it: the NIK of the processed batches is nowhere, only signatures and acks' '
	! grep -r -l "$NIK" x &&
	! zgrep -a -q "$NIK" $A25 &&
	! grep -r -l "Budi Santoso" x &&
	(cd x/$TOP && find files -type f | sort) >actual &&
	grep -v -e "\.p7s$" -e "/[0-9]*-ACK_" -e "^files/SHA256SUMS$" actual >data || : &&
	test ! -s data &&
	grep "files/[0-9]*-CB_OJK_20261125_000001.xml.p7s$" actual &&
	grep "files/[0-9]*-ACK_CB_OJK_20261125_000001.xml$" actual &&
	grep "files/[0-9]*-ACK_RSP_BANKA_20261125_000001.xml.p7s$" actual &&
	! grep "files/[0-9]*-RSP_BANKA_20261125_000001.xml.p7s$" actual
'

test_expect_success 'activity-files.csv: each file processed on the day, its digest, status, counts, what is missing' '
	f=x/$TOP/activity-files.csv &&
	test $(wc -l <$f) = 3 &&
	sha=$(sha256sum spool/archive/2026/11/25/CB_OJK_20261125_000001.xml | cut -c1-64) &&
	size=$(stat -c %s spool/archive/2026/11/25/CB_OJK_20261125_000001.xml) &&
	grep "^[0-9]*,CB_OJK_20261125_000001.xml,CB,OJK,$size,$sha,2026-11-25 10:00:..,2026-11-25 10:00:..,ACCEPTED,,CB_OJK_20261125_000001,.*,1,1,0,0,ACK_CB_OJK_20261125_000001.xml,archive/2026/11/25,kept in the spool,files/" $f &&
	grep "^[0-9]*,RSP_BANKA_20261125_000001.xml,RSP,BANKA,.*,PARTIALLY_ACCEPTED,.*,SERVICE,2,1,1,0,ACK_RSP_BANKA_20261125_000001.xml,archive/2026/11/25,kept in the spool,missing,files/" $f &&
	(cd spool && sha256sum -c "$TRASH/x/$TOP/files/SHA256SUMS") >check &&
	printf "archive/2026/11/25/CB_OJK_20261125_000001.xml: OK\narchive/2026/11/25/RSP_BANKA_20261125_000001.xml: OK\n" >expect &&
	test_cmp expect check
'

test_expect_success 'activity: records by type and outcome, the events recorded on the day' '
	tr -d "\r" <x/$TOP/activity-records.csv | sed "1s/^\xef\xbb\xbf//" >rec &&
	cat >expect <<-\EOT &&
	record,outcome,count
	ALL,RECEIVED,3
	ALL,ACCEPTED,2
	ALL,REJECTED,1
	ALL,DUPLICATE,0
	NewTicket,ACCEPTED,1
	TakeOver,ACCEPTED,1
	EOT
	test_cmp expect rec &&
	tr -d "\r" <x/$TOP/activity-events.csv >ev &&
	test $(wc -l <ev) = 3 &&
	grep "^[0-9]*,PGD-2026-000103,BANKA,NewTicket,INTAKE,,2026-11-25 08:00:00,2026-11-25 10:00:..,[0-9]*,t3,,BARU$" ev &&
	grep "^[0-9]*,PGD-2026-000101,BANKA,TakeOver,SERVICE,[0-9]*,2026-11-24 10:00:00,2026-11-25 10:00:..,[0-9]*,a1,BARU,DIAMBIL_ALIH$" ev &&
	! grep PGD-2026-000100 ev
'

test_expect_success 'the report is the month so far as of the end of the day, and the year so far under year/' '
	r=x/$TOP/report.xml &&
	xmllint --noout --schema "$XSD/report.xsd" $r &&
	grep "<PeriodFrom>2026-11-01</PeriodFrom>" $r &&
	grep "<PeriodTo>2026-11-25</PeriodTo>" $r &&
	grep "<AsOf>2026-11-25T23:59:59+07:00</AsOf>" $r &&
	grep "<TicketNo>PGD-2026-000103</TicketNo>" $r &&
	grep "<TicketNo>PGD-2026-000101</TicketNo>" $r &&
	xmllint --noout --schema "$XSD/report.xsd" x/$TOP/year/report.xml &&
	grep "<PeriodFrom>2026-01-01</PeriodFrom>" x/$TOP/year/report.xml &&
	grep "<TicketNo>PGD-2026-000100</TicketNo>" x/$TOP/year/report.xml
'

# The backlog: every ticket open at the end of D, received before D's month,
# with the overdue list (report_make with open_at_as_of).
test_expect_success 'the backlog: the October ticket still open is listed and overdue' '
	r=x/$TOP/report.xml &&
	grep "<OpenAtAsOf>true</OpenAtAsOf>" $r &&
	xmllint --xpath "//*[local-name()=\"Tickets\"]//*[local-name()=\"TicketNo\"][.=\"PGD-2026-000100\"]" $r &&
	xmllint --xpath "//*[local-name()=\"Overdue\"]/*[local-name()=\"TicketRef\"][@no=\"PGD-2026-000100\"]" $r
'

test_expect_success 'the archive of 23 November: that day as of its end, not the later one' '
	mkdir y && tar xzf $R/slktx-report-20261123.tar.gz -C y &&
	grep "<AsOf>2026-11-23T23:59:59+07:00</AsOf>" y/slktx-report-20261123/report.xml &&
	! grep PGD-2026-000103 y/slktx-report-20261123/report.xml &&
	grep "^[0-9]*,CB_OJK_20261123_000001.xml," y/slktx-report-20261123/activity-files.csv &&
	test $(wc -l <y/slktx-report-20261123/activity-events.csv) = 4 &&
	tar xzf $R/slktx-report-20261124.tar.gz -C y &&
	test $(wc -l <y/slktx-report-20261124/activity-files.csv) = 1
'

test_expect_success 'a later run makes nothing again; archive --date makes a day again, replacing it' '
	on "2026-11-26 09:00" slktx run 2>err &&
	! grep "signed report archive" err &&
	cp $A25 before.tar.gz &&
	on "2026-11-27 09:00" slktx archive --date 2026-11-25 >out &&
	echo "$TRASH/$A25" >expect && test_cmp expect out &&
	! cmp -s before.tar.gz $A25 &&
	slktx verify-archive $A25 >/dev/null &&
	test_expect_code 64 on "2026-11-27 09:00" slktx archive --date 2026-11-27 2>err &&
	grep "has not ended yet" err
'

test_done
