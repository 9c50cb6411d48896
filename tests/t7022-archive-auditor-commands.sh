#!/bin/sh
test_description='the auditor commands of README.md, run exactly as printed on a real archive; the man page prints the same'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

CB=CB_OJK_20261125_000001

# block MARKER FILE: the indented command lines between <!-- MARKER --> and
# <!-- /MARKER --> of README.md, without their indentation
block() {
	sed -n "/^<!-- $1 -->\$/,/^<!-- \/$1 -->\$/p" "$SRC/README.md" |
		sed -n "s/^    //p" >"$2" &&
	test -s "$2"
}

test_expect_success 'setup: the day the README names, 25 November 2026, archived by the next run' '
	on "2026-11-18 10:00" setup_hub &&
	new_ticket t1 PGD-2026-000101 BANKA 2026-11-24T09:00:00+07:00 | cb $CB &&
	sed -i "s|<CreatedAt>.*</CreatedAt>|<CreatedAt>2026-11-25T08:00:00+07:00</CreatedAt>|" $CB.xml &&
	on "2026-11-25 09:00" drop_cb $CB.xml &&
	on "2026-11-25 10:00" slktx run 2>err &&
	on "2026-11-26 01:15" slktx run 2>err &&
	test "$(ledger "SELECT id FROM file WHERE name = '\''$CB.xml'\''")" = 1 &&
	mkdir auditor &&
	cp spool/reports/2026/11/slktx-report-20261125.tar.gz pki/ca.crt auditor/ &&
	cp spool/archive/2026/11/25/$CB.xml auditor/
'

test_expect_success 'README: the archive commands, as printed' '
	block auditor-commands archive.sh &&
	test $(wc -l <archive.sh) = 4 &&
	(cd auditor && sh -e "$TRASH/archive.sh") >out 2>err &&
	grep "^activity-files.csv: OK$" out &&
	grep "^CHAIN_HEAD: OK$" out &&
	! grep -v ": OK$" out &&
	grep "^CMS Verification successful$" err
'

test_expect_success 'README: the data file commands, as printed, in the archive folder' '
	block auditor-data-file-commands data.sh &&
	test $(wc -l <data.sh) = 3 &&
	(cd auditor/slktx-report-20261125 && sh -e "$TRASH/data.sh") >out 2>err &&
	sha=$(sha256sum auditor/$CB.xml | cut -c1-64) &&
	grep "^$sha  ../$CB.xml$" out &&
	grep "^$sha  archive/2026/11/25/$CB.xml$" out &&
	grep "^CMS Verification successful$" err
'

test_expect_success 'a data file changed: the two digests differ and openssl refuses it' '
	echo "<!-- -->" >>auditor/$CB.xml &&
	(cd auditor/slktx-report-20261125 && sed -n 1,2p "$TRASH/data.sh" | sh -e) >out &&
	test "$(sed -n 1p out | cut -c1-64)" != "$(sed -n 2p out | cut -c1-64)" &&
	test_must_fail sh -c "cd auditor/slktx-report-20261125 && sed -n 3p \"$TRASH/data.sh\" | sh -e" 2>/dev/null
'

test_expect_success 'README: verify-archive --cafile, as the README names it' '
	(cd auditor && slktx verify-archive slktx-report-20261125.tar.gz --cafile ca.crt) >out &&
	grep "slktx-report-20261125.tar.gz: OK$" out
'

test_expect_success 'the man page and DESIGN print the same command lines' '
	sed "s/\\\\-/-/g" "$SRC/docs/slktx.1" >man.txt &&
	cat archive.sh data.sh >all.sh &&
	while read -r line; do
		grep -q -x -F "$line" man.txt || { echo "not in the man page: $line"; return 1; }
		grep -q -F "$line" "$SRC/docs/DESIGN.md" || { echo "not in DESIGN: $line"; return 1; }
	done <all.sh
'

test_done
