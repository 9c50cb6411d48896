#!/bin/sh
test_description='slktx validate: verdicts, places and exit codes'
. "$(dirname "$0")/lib.sh"

# every sample a sender may drop; statements (STM_) are only ever written by
# the hub, and validate does not take them (t3420 checks them with xmllint)
test_expect_success 'every valid sample is valid, exit 0, one verdict line each' '
	ls "$SAMPLES"/valid/*.xml | grep -v "/STM_" >samples &&
	slktx validate $(cat samples) >out &&
	n=$(wc -l <samples) &&
	test $(grep -c ": valid " out) = $n &&
	grep -v ": valid " out >rest &&
	echo "$n files: $n valid, 0 invalid" >expect &&
	test_cmp expect rest
'

test_expect_success 'the verdict names the root and the record count' '
	slktx validate "$SAMPLES"/valid/CB_OJK_20261127_000001.xml >out &&
	grep "CB_OJK_20261127_000001.xml: valid ComplaintBatch, 7 records" out
'

test_expect_success 'every invalid sample is rejected with SCHEMA_INVALID at the line it names' '
	for f in "$SAMPLES"/invalid/*.xml; do
		want=$(sed -n "2s/.*line \([0-9][0-9]*\).*/\1/p" "$f")
		test_expect_code 65 slktx validate "$f" >out || return 1
		grep -q ": invalid (SCHEMA_INVALID" out || { cat out; return 1; }
		if [ -n "$want" ]; then
			grep -q "^$f:$want:[0-9]*: SCHEMA_INVALID" out || { echo "want line $want"; cat out; return 1; }
		fi
	done
'

test_expect_success 'a mix of valid and invalid files exits 65 and judges each' '
	test_expect_code 65 slktx validate "$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml \
		"$SAMPLES"/invalid/rsp-unknown-action.xml >out &&
	grep "RSP_BANKA_20261127_000001.xml: valid ResponseFile" out &&
	grep "rsp-unknown-action.xml: invalid (SCHEMA_INVALID" out &&
	grep "^2 files: 1 valid, 1 invalid$" out
'

test_expect_success 'a name the hub would leave unread is invalid, whatever the content' '
	cp "$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml rsp_banka_wrongname.xml &&
	cp "$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml RSP_BANKA_20261127_000022.txt &&
	cp "$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml RSP_BANKA_20261127_000001.xml.p7s &&
	for f in rsp_banka_wrongname.xml RSP_BANKA_20261127_000022.txt RSP_BANKA_20261127_000001.xml.p7s; do
		test_expect_code 65 slktx validate $f >out &&
		grep "^$f: NAME_INVALID: not an exchange name" out &&
		grep "^$f: invalid (NAME_INVALID, 1 problem)$" out || return 1
	done
'

test_expect_success 'the verdict lists every code found, schema messages name elements bare' '
	sed -e "s|<Action>CONTACTED_CONSUMER</Action>|<Action>PHONED</Action>|" \
		"$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml >rsp_bad.xml &&
	test_expect_code 65 slktx validate rsp_bad.xml >out &&
	grep "^rsp_bad.xml: invalid (SCHEMA_INVALID, NAME_INVALID, 2 problems)$" out &&
	grep "Element .Action." out &&
	! grep "{urn:" out
'

test_expect_success 'a missing file is reported and exits 65' '
	test_expect_code 65 slktx validate no-such-file.xml >out 2>err &&
	grep "no-such-file.xml" err
'

test_expect_success 'no file is a usage error that prints the usage line' '
	test_expect_code 64 slktx validate 2>err &&
	grep "^usage: slktx validate \[--max-errors N\] FILE..." err
'

test_expect_success 'works with no configuration file at all' '
	mkdir empty && (cd empty && slktx validate "$SAMPLES"/valid/DSP_BANKA_20261127_000001.xml)
'

test_expect_success 'a BatchId that differs from the file name is NAME_INVALID' '
	sed "s/CB_OJK_20261127_000001</CB_OJK_20261127_000002</" \
		"$SAMPLES"/valid/CB_OJK_20261127_000001.xml >CB_OJK_20261127_000001.xml &&
	test_expect_code 65 slktx validate CB_OJK_20261127_000001.xml >out &&
	grep "^CB_OJK_20261127_000001.xml:4:[0-9]*: NAME_INVALID" out
'

test_expect_success 'a sender in the header other than in the name is SENDER_MISMATCH' '
	sed "s/<Sender>OJK</<Sender>OJKX</" \
		"$SAMPLES"/valid/CB_OJK_20261127_000001.xml >CB_OJK_20261127_000001.xml &&
	test_expect_code 65 slktx validate CB_OJK_20261127_000001.xml >out &&
	grep "^CB_OJK_20261127_000001.xml:5:[0-9]*: SENDER_MISMATCH" out
'

test_expect_success 'a response file named as a complaint batch is NAME_INVALID' '
	cp "$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml CB_BANKA_20261127_000001.xml &&
	test_expect_code 65 slktx validate CB_BANKA_20261127_000001.xml >out &&
	grep "NAME_INVALID" out
'

test_expect_success 'an Attachment in a plain .xml is PACKAGE_INVALID' '
	sed "s|</NewTicket>|<Attachment name=\"a.pdf\" sha256=\"$(printf %064d 0)\" size=\"1\" mediaType=\"application/pdf\"/></NewTicket>|" \
		"$SAMPLES"/valid/CB_OJK_20261127_000001.xml >CB_OJK_20261127_000001.xml &&
	test_expect_code 65 slktx validate CB_OJK_20261127_000001.xml >out &&
	grep ": PACKAGE_INVALID: record .* carries an Attachment" out
'

test_expect_success 'a MONETARY_RELIEF proposal without Amount is SCHEMA_INVALID' '
	grep -n "<Resolution>" "$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml >res &&
	sed -e "/<Resolution>/s/>[A-Z_]*</>MONETARY_RELIEF</" -e "/<Amount/d" \
		"$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml >RSP_BANKA_20261127_000001.xml &&
	test_expect_code 65 slktx validate RSP_BANKA_20261127_000001.xml >out &&
	grep ": SCHEMA_INVALID: record .* MONETARY_RELIEF proposal needs an Amount" out
'

test_expect_success 'a record dated in the future is reported as TIME_INVALID' '
	sed "0,/<At>[^<]*</s//<At>2999-01-01T00:00:00+07:00</" \
		"$SAMPLES"/valid/RSP_BANKA_20261127_000001.xml >RSP_BANKA_20261127_000001.xml &&
	test_expect_code 65 slktx validate RSP_BANKA_20261127_000001.xml >out &&
	grep ": TIME_INVALID: record .* lies in the future" out &&
	grep "invalid (TIME_INVALID, 1 record would be rejected)" out
'

test_expect_success '--max-errors caps the list and counts the rest' '
	{
		sed -n "1,9p" "$SAMPLES"/valid/CB_OJK_20261127_000001.xml
		i=0; while [ $i -lt 20 ]; do
			echo "<OjkNote id=\"n$i\"><TicketNo>BAD</TicketNo><At>2026-11-27T10:00:00Z</At><Note>x</Note></OjkNote>"
			i=$((i + 1))
		done
		echo "</Records></ComplaintBatch>"
	} >many.xml &&
	test_expect_code 65 slktx validate --max-errors 5 many.xml >out &&
	test $(grep -c ": SCHEMA_INVALID:" out) = 5 &&
	grep "and [0-9]* more problems not listed" out
'

test_done
