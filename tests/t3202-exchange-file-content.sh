#!/bin/sh
test_description='file-level codes of the content: the whole file is refused, at its place'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261127

# two new tickets: either both apply or the file is refused whole
two_tickets() {
	{ new_ticket r1 PGD-2026-0000$2 BANKA; new_ticket r2 IND-2026-0000$2 ASURB; } | cb $1
}

# line number of the first line of FILE matching PATTERN
line_of() {
	grep -n "$2" "$1" | head -n 1 | cut -d: -f1
}

test_expect_success 'set up the hub' '
	setup_hub &&
	two_tickets ${CB}_000001 01 &&
	drop_cb ${CB}_000001.xml &&
	slktx run 2>err &&
	test "$(file_status ${CB}_000001)" = ACCEPTED
'

test_expect_success 'a mismatched end tag is XML_MALFORMED at its line' '
	ledger_counts >ledger.before &&
	two_tickets ${CB}_000002 02 &&
	sed -i "s|</Subject>|</Subjekt>|" ${CB}_000002.xml &&
	cp ${CB}_000002.xml copy.xml &&
	drop_cb ${CB}_000002.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000002 XML_MALFORMED &&
	set -- $(file_error_at ${CB}_000002) &&
	test "$2" = "$(line_of copy.xml Subjekt)" && test "$3" -gt 0
'

test_expect_success 'a DOCTYPE is XML_FORBIDDEN and nothing of the file is used' '
	ledger_counts >ledger.before &&
	two_tickets ${CB}_000003 03 &&
	sed -i "1a <!DOCTYPE ComplaintBatch [<!ENTITY x \"y\">]>" ${CB}_000003.xml &&
	drop_cb ${CB}_000003.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000003 XML_FORBIDDEN &&
	set -- $(file_error_at ${CB}_000003) &&
	test "$2" = 2 && test "$3" -gt 0
'

test_expect_success 'a value outside the schema is SCHEMA_INVALID at its line' '
	ledger_counts >ledger.before &&
	two_tickets ${CB}_000004 04 &&
	sed -i "0,/<Channel>WEB/s//<Channel>FAX/" ${CB}_000004.xml &&
	cp ${CB}_000004.xml copy.xml &&
	drop_cb ${CB}_000004.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000004 SCHEMA_INVALID &&
	set -- $(file_error_at ${CB}_000004) &&
	test "$2" = "$(line_of copy.xml FAX)" && test "$3" -gt 0
'

# libxml2 quotes the value, CR and all: stderr, syslog and validate escape it
test_expect_success 'a schema error quoting a CR shows it escaped on stderr and in validate' '
	two_tickets ${CB}_000012 12 &&
	sed -i "0,/<Channel>WEB/s//<Channel>WEB\&#13;\&#x202E;X/" ${CB}_000012.xml &&
	test_expect_code 65 slktx validate ${CB}_000012.xml >out &&
	grep "SCHEMA_INVALID: .*The value .WEB\\\\r\\\\u202eX. is not" out &&
	! grep "$(printf "\r")" out &&
	drop_cb ${CB}_000012.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000012 SCHEMA_INVALID &&
	grep "The value .WEB\\\\r\\\\u202eX. is not" err &&
	! grep "$(printf "\r")" err &&
	! grep "$(printf "\342\200\256")" err
'

test_expect_success 'a RecordCount that is not the records is COUNT_MISMATCH' '
	ledger_counts >ledger.before &&
	two_tickets ${CB}_000005 05 &&
	sed -i "s|<RecordCount>2<|<RecordCount>3<|" ${CB}_000005.xml &&
	cp ${CB}_000005.xml copy.xml &&
	drop_cb ${CB}_000005.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000005 COUNT_MISMATCH &&
	set -- $(file_error_at ${CB}_000005) &&
	test "$2" = "$(line_of copy.xml RecordCount)" && test "$3" -gt 0
'

test_expect_success 'two records with one id are DUPLICATE_RECORD_ID at the second' '
	ledger_counts >ledger.before &&
	{ new_ticket r1 PGD-2026-000006 BANKA; new_ticket r1 IND-2026-000006 ASURB; } |
		cb ${CB}_000006 &&
	cp ${CB}_000006.xml copy.xml &&
	drop_cb ${CB}_000006.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000006 DUPLICATE_RECORD_ID &&
	set -- $(file_error_at ${CB}_000006) &&
	test "$2" = "$(grep -n "id=\"r1\"" copy.xml | sed -n 2p | cut -d: -f1)" &&
	test "$3" -gt 0
'

test_expect_success 'an <Attachment> in a plain .xml is PACKAGE_INVALID' '
	ledger_counts >ledger.before &&
	two_tickets ${CB}_000007 07 &&
	sha=$(printf x | sha256sum | cut -c1-64) &&
	sed -i "0,/<\/Description>/s||&<Attachment name=\"a.pdf\" sha256=\"$sha\" size=\"1\" mediaType=\"application/pdf\"/>|" \
		${CB}_000007.xml &&
	slktx validate ${CB}_000007.xml >out 2>&1; grep PACKAGE_INVALID out &&
	cp ${CB}_000007.xml copy.xml &&
	drop_cb ${CB}_000007.xml &&
	slktx run 2>err &&
	rejected_whole ${CB}_000007 PACKAGE_INVALID &&
	set -- $(file_error_at ${CB}_000007) &&
	test "$2" = "$(line_of copy.xml Attachment)" && test "$3" -gt 0
'

test_expect_success 'more records than max_records is LIMIT_EXCEEDED' '
	ledger_counts >ledger.before &&
	printf "[limits]\nmax_records = 2\n" >conf &&
	{ new_ticket r1 PGD-2026-000008 BANKA; new_ticket r2 IND-2026-000008 ASURB
	  new_ticket r3 PGD-2026-100008 BANKA; } | cb ${CB}_000008 &&
	drop_cb ${CB}_000008.xml &&
	slktx --config conf run 2>err &&
	rejected_whole ${CB}_000008 LIMIT_EXCEEDED
'

test_expect_success 'two records are within max_records = 2 (the control)' '
	two_tickets ${CB}_000009 09 &&
	drop_cb ${CB}_000009.xml &&
	slktx --config conf run 2>err &&
	test "$(file_status ${CB}_000009)" = ACCEPTED &&
	test "$(n_results ${CB}_000009)" = 2 &&
	test "$(status_of IND-2026-000009)" = BARU
'

test_done
