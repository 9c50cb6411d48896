#!/bin/sh
test_description='ticket list: periods in WIB days, filters, sisa SLA, CSV'
. "$(dirname "$0")/lib.sh"

cat >slktx.conf <<CONF
[spool]
dir = spool
CONF
SLKTX_CONFIG=$TRASH/slktx.conf
# "today" for sisa SLA: Tuesday 17 March 2026, between Nyepi and Idul Fitri
SLKTX_NOW=2026-03-17T09:00:00+07:00
export SLKTX_CONFIG SLKTX_NOW

# the sample ledger, and a ticket received at 01:00 WIB on 1 February, which
# is still 31 January in UTC
mkdir spool && {
	cat "$SAMPLES/ledger/tickets.fixture" &&
	echo 'file 9 CB_OJK_20260201_000001.xml' &&
	echo 'new 2026-01-31T18:00:00Z - 9 n7 IND-2026-000003 BANKB {"pujkCode":"BANKB","receivedAt":"2026-02-01T01:00:00+07:00","channel":"WALK_IN","product":"Tabungan","consumer":{"name":"Putu Ayu"},"subject":"Kartu ATM tertelan","description":"Kartu tertelan di mesin ATM."}'
} | ledger-fixture spool/ledger.sqlite || exit 1

header='TICKET           KIND  PUJK   STATUS           RECEIVED                    DUE         SISA SLA  SUBJECT'

# the rows of the full listing (test 1), picked by number, under the header;
# columns are as wide as the rows shown, so blanks are squeezed, in out too
rows() {
	echo "$header" | tr -s " " >expect &&
	for no in "$@"; do
		grep "^$no " all | tr -s " "
	done >>expect &&
	tr -s " " <out >squeezed &&
	mv squeezed out
}

test_expect_success 'every ticket, oldest first, with sisa SLA' '
	slktx ticket list >all 2>err &&
	test_must_fail test -s err &&
	cat >expect <<-\EOF &&
	TICKET           KIND  PUJK   STATUS           RECEIVED                    DUE         SISA SLA  SUBJECT
	PGD-2025-000001  PGD   BANKA  SELESAI          2025-12-30 10:00:00 +07:00  2026-01-14            Tagihan ganda
	IND-2026-000001  IND   BANKB  DITANGGAPI       2026-01-05 08:30:00 +07:00  2026-01-20            Keluhan di media sosial
	IND-2026-000003  IND   BANKB  BARU             2026-02-01 01:00:00 +07:00  2026-02-13  -20       Kartu ATM tertelan
	IND-2026-000002  IND   BANKA  BARU             2026-02-02 13:00:00 +07:00  2026-02-18  -19       Bunga naik
	PGD-2026-000001  PGD   BANKB  DITUTUP          2026-02-02 14:00:00 +07:00  2026-02-18            Klaim ditolak
	PGD-2026-000002  PGD   BANKA  DITINDAKLANJUTI  2026-03-13 14:00:00 +07:00  2026-04-06  8         Denda, "biaya" dan\nbunga
	PGD-2026-000003  PGD   BANKB  BARU             2026-03-13 15:00:00 +07:00  2026-04-07  9         Cek kosong
	EOF
	test_cmp expect all
'

test_expect_success '--date is one WIB day' '
	slktx ticket list --date 2026-03-13 >out &&
	rows PGD-2026-000002 PGD-2026-000003 &&
	test_cmp expect out &&
	slktx ticket list --date 2026-02-01 >out &&
	rows IND-2026-000003 &&
	test_cmp expect out
'

test_expect_success '--month counts the WIB day, not the UTC one' '
	slktx ticket list --month 2026-02 >out &&
	rows IND-2026-000003 IND-2026-000002 PGD-2026-000001 &&
	test_cmp expect out &&
	slktx ticket list --month 2026-01 >out &&
	rows IND-2026-000001 &&
	test_cmp expect out
'

test_expect_success '--year' '
	slktx ticket list --year 2025 >out &&
	rows PGD-2025-000001 &&
	test_cmp expect out &&
	slktx ticket list --year 2026 >out &&
	test $(wc -l <out) = 7
'

test_expect_success '--from and --to include both days; either alone is open-ended' '
	slktx ticket list --from 2026-01-05 --to 2026-02-02 >out &&
	rows IND-2026-000001 IND-2026-000003 IND-2026-000002 PGD-2026-000001 &&
	test_cmp expect out &&
	slktx ticket list --from 2026-02-02 >out &&
	rows IND-2026-000002 PGD-2026-000001 PGD-2026-000002 PGD-2026-000003 &&
	test_cmp expect out &&
	slktx ticket list --to 2026-01-05 >out &&
	rows PGD-2025-000001 IND-2026-000001 &&
	test_cmp expect out
'

test_expect_success '--pujk, --kind and --status, alone and together' '
	slktx ticket list --pujk BANKB >out &&
	rows IND-2026-000001 IND-2026-000003 PGD-2026-000001 PGD-2026-000003 &&
	test_cmp expect out &&
	slktx ticket list --kind IND >out &&
	rows IND-2026-000001 IND-2026-000003 IND-2026-000002 &&
	test_cmp expect out &&
	slktx ticket list --status BARU >out &&
	rows IND-2026-000003 IND-2026-000002 PGD-2026-000003 &&
	test_cmp expect out &&
	slktx ticket list --year 2026 --pujk BANKB --kind PGD --status=BARU >out &&
	rows PGD-2026-000003 &&
	test_cmp expect out
'

test_expect_success 'a reassigned ticket is listed under its new PUJK only' '
	slktx ticket list --pujk BANKA >out &&
	! grep PGD-2026-000003 out
'

test_expect_success 'no ticket is not an error: a line on stderr, nothing on stdout' '
	slktx ticket list --year 2024 >out 2>err &&
	test_must_fail test -s out &&
	echo "slktx: no ticket matches" >expect &&
	test_cmp expect err &&
	slktx ticket list --pujk BANKZ --status SELESAI >out 2>err &&
	test_must_fail test -s out &&
	test_cmp expect err
'

test_expect_success 'CSV: RFC 4180, header row, CRLF, quoted comma, quote and newline' '
	slktx ticket list --csv --month 2026-03 >out &&
	printf "\357\273\277" >expect &&
	printf "%s\r\n" \
		"ticket,kind,pujk,status,received,due,sisa_sla,subject" \
		"PGD-2026-000002,PGD,BANKA,DITINDAKLANJUTI,2026-03-13 14:00:00,2026-04-06,8,\"Denda, \"\"biaya\"\" dan" \
		>>expect &&
	printf "%s\r\n" \
		"bunga\"" \
		"PGD-2026-000003,PGD,BANKB,BARU,2026-03-13 15:00:00,2026-04-07,9,Cek kosong" \
		>>expect &&
	sed -i "s/\(dan\)\r$/\1/" expect &&
	test_cmp expect out
'

test_expect_success 'CSV: sisa SLA blank once SELESAI or DITUTUP; header even when empty' '
	slktx ticket list --csv --kind PGD --from 2025-12-01 --to 2026-02-28 >out &&
	printf "\357\273\277" >expect &&
	printf "%s\r\n" \
		"ticket,kind,pujk,status,received,due,sisa_sla,subject" \
		"PGD-2025-000001,PGD,BANKA,SELESAI,2025-12-30 10:00:00,2026-01-14,,Tagihan ganda" \
		"PGD-2026-000001,PGD,BANKB,DITUTUP,2026-02-02 14:00:00,2026-02-18,,Klaim ditolak" \
		>>expect &&
	test_cmp expect out &&
	slktx ticket list --csv --year 2024 >out 2>err &&
	printf "\357\273\277ticket,kind,pujk,status,received,due,sisa_sla,subject\r\n" >expect &&
	test_cmp expect out &&
	grep "no ticket matches" err
'

# PGD-2026-000002 was received on Friday 13 March and is due on Monday 6
# April: 18-24 March are Nyepi, Idul Fitri and their collective leave, 3 April
# is Good Friday.
sisa() {
	SLKTX_NOW=$1 slktx ticket list --date 2026-03-13 --pujk BANKA --csv |
	sed -n "2s/^\([^,]*,\)\{6\}\([^,]*\),.*/\2/p"
}

test_expect_success 'sisa SLA does not move over the holidays' '
	test "$(sisa 2026-03-16T09:00:00+07:00)" = 9 &&
	test "$(sisa 2026-03-17T09:00:00+07:00)" = 8 &&
	test "$(sisa 2026-03-20T09:00:00+07:00)" = 8 &&
	test "$(sisa 2026-03-24T23:59:00+07:00)" = 8 &&
	test "$(sisa 2026-03-25T00:00:00+07:00)" = 7 &&
	test "$(sisa 2026-04-02T12:00:00+07:00)" = 1 &&
	test "$(sisa 2026-04-03T12:00:00+07:00)" = 1
'

test_expect_success 'sisa SLA is 0 on the due day and negative after it' '
	test "$(sisa 2026-04-06T12:00:00+07:00)" = 0 &&
	test "$(sisa 2026-04-07T12:00:00+07:00)" = -1 &&
	test "$(sisa 2026-04-11T12:00:00+07:00)" = -4 &&
	test "$(sisa 1775527200)" = -1
'

test_expect_success 'SLKTX_NOW must be UTC seconds or a time with an offset' '
	SLKTX_NOW=yesterday test_expect_code 78 slktx ticket list 2>err &&
	grep "SLKTX_NOW .yesterday." err &&
	SLKTX_NOW=2026-03-17T09:00:00 test_expect_code 78 slktx ticket list
'

test_expect_success 'a provisional or missing calendar year is a loud warning, once' '
	SLKTX_NOW=2028-01-10T09:00:00+07:00 slktx ticket list >out 2>err &&
	test $(wc -l <err) = 1 &&
	grep "^slktx: WARNING: the holiday calendar for 2027 is provisional" err &&
	mkdir cal && cp "$SRC/config/holidays/2026.txt" cal/ &&
	printf "[spool]\ndir = spool\n[calendar]\ndir = cal\n" >cal.conf &&
	SLKTX_CONFIG=$TRASH/cal.conf SLKTX_NOW=2027-01-04T09:00:00+07:00 \
		slktx ticket list --kind PGD >out 2>err &&
	test $(wc -l <err) = 1 &&
	grep "^slktx: WARNING: the holiday calendar has no file for 2027" err &&
	SLKTX_CONFIG=$TRASH/cal.conf slktx ticket list >out 2>err &&
	test_must_fail test -s err
'

usage_error() {
	test_expect_code 64 slktx ticket list "$@" >out 2>err &&
	test_must_fail test -s out &&
	grep "^usage: slktx ticket list" err
}

test_expect_success 'bad filter values are usage errors that say what is wrong' '
	usage_error --date 2026-02-30 && grep "bad date .2026-02-30.: expected YYYY-MM-DD" err &&
	usage_error --date 13/03/2026 && grep "bad date" err &&
	usage_error --month 2026-13 && grep "bad month .2026-13.: expected YYYY-MM" err &&
	usage_error --month 2026-3 && grep "bad month" err &&
	usage_error --month 2026 && grep "bad month" err &&
	usage_error --year 26 && grep "bad year .26.: expected YYYY" err &&
	usage_error --year 0000 && grep "bad year" err &&
	usage_error --from 2026-03-01 --to 2026-02-01 && grep "is after --to" err &&
	usage_error --from 2026-3-1 && grep "bad date" err &&
	usage_error --date 2026-03-13 --month 2026-03 && grep "give one period" err &&
	usage_error --year 2026 --from 2026-01-01 && grep "give one period" err &&
	usage_error --kind PGX && grep "bad kind .PGX.: expected PGD or IND" err &&
	usage_error --status selesai && grep "bad status .selesai." err &&
	usage_error --pujk bank-a && grep "bad PUJK code .bank-a." err &&
	usage_error --pujk AB && grep "bad PUJK code" err &&
	usage_error --sort && grep "unknown option .--sort." err &&
	usage_error --pujk && grep "needs a value" err &&
	usage_error extra && grep "unexpected argument" err
'

test_expect_success 'ticket with no subcommand is a usage error' '
	test_expect_code 64 slktx ticket 2>err &&
	grep "usage: slktx ticket list" err &&
	test_expect_code 64 slktx ticket frob
'

test_expect_success 'ledger-fixture: a bad line is named and nothing is written' '
	sqlite3 spool/ledger.sqlite .dump >before &&
	printf "pujk BANKC BANK Bank C\nevent 2026-03-16T09:00:00+07:00 - 7 x PGD-2026-999999 TakeOver SERVICE DIAMBIL_ALIH {}\n" |
	test_expect_code 65 ledger-fixture spool/ledger.sqlite 2>err &&
	grep "line 2: no ticket .PGD-2026-999999." err &&
	sqlite3 spool/ledger.sqlite .dump >after &&
	test_cmp before after &&
	echo "frob" | test_expect_code 65 ledger-fixture spool/ledger.sqlite 2>err &&
	grep "line 1: unknown directive" err
'

test_done
