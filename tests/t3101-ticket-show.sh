#!/bin/sh
test_description='ticket show (detail, Riwayat, Lampiran) and ticket attachment'
. "$(dirname "$0")/lib.sh"

cat >slktx.conf <<CONF
[spool]
dir = spool
CONF
SLKTX_CONFIG=$TRASH/slktx.conf
SLKTX_NOW=2026-03-17T09:00:00+07:00
export SLKTX_CONFIG SLKTX_NOW

# the sample ledger; an extension on PGD-2026-000002 (due 6 April, then ten
# working days more); a ticket whose text carries terminal escapes
mkdir spool && {
	cat "$SAMPLES/ledger/tickets.fixture" &&
	cat <<-\EOF
	event 2026-03-16T14:00:00+07:00 - 7 f3 PGD-2026-000002 FollowUp DECISION DITINDAKLANJUTI {"at":"2026-03-16T14:00:00+07:00","action":"EXTENSION","note":"Perlu waktu\ntambahan, \"verifikasi\"."}
	new 2026-03-16T08:00:00+07:00 - 8 n8 IND-2026-000009 BANKA {"pujkCode":"BANKA","receivedAt":"2026-03-16T08:00:00+07:00","channel":"WEB","product":"Tabungan","consumer":{"name":"Eve\u001b[2J"},"subject":"Hai\u001b]0;pwned\u0007","description":"a\rb\u001b[31mc"}
	new 2026-03-16T09:00:00+07:00 - 8 n9 IND-2026-000010 BANKA {"pujkCode":"BANKA","receivedAt":"2026-03-16T09:00:00+07:00","channel":"WEB","product":"Tabungan","consumer":{"name":"Mallory\u2067x\u2069"},"subject":"Refund \u202efdp.exe\u0085next\rline","description":"one\r\ntwo\u200f"}
	EOF
} | ledger-fixture spool/ledger.sqlite || exit 1

ESC=$(printf '\033')

test_expect_success 'show: the detail of a complaint with an extension' '
	slktx ticket show PGD-2026-000002 >out 2>err &&
	test_must_fail test -s err &&
	cat >expect <<-\EOF &&
	ticket:         PGD-2026-000002
	kind:           PGD (pengaduan)
	PUJK:           BANKA
	status:         DITINDAKLANJUTI
	received:       2026-03-13 14:00:00 +07:00
	due date:       2026-04-20
	sisa SLA:       18 working days
	late:           no
	extended:       yes
	first response: 2026-03-16 09:00:00 +07:00
	channel:        APP
	product:        Pinjaman, "Multiguna"
	consumer:       Dewi Anggraini
	NIK:            3273015507900002
	phone:          +6281100022233
	email:          dewi@example.id
	subject:        Denda, "biaya" dan
	                bunga
	description:    Denda keterlambatan dikenakan
	                walau cicilan sudah dibayar.
	claim:          1250000.50 IDR
	EOF
	test_cmp expect out
'

test_expect_success 'show: a late indication, its absent fields as -' '
	slktx ticket show IND-2026-000002 >out &&
	cat >expect <<-\EOF &&
	ticket:         IND-2026-000002
	kind:           IND (indikasi pengaduan)
	PUJK:           BANKA
	status:         BARU
	received:       2026-02-02 13:00:00 +07:00
	due date:       2026-02-18
	sisa SLA:       -19 working days (past the due date)
	late:           yes
	extended:       no
	channel:        PHONE
	product:        Kredit Pemilikan Rumah
	consumer:       Lina Hartati
	NIK:            -
	phone:          +6285600011122
	email:          -
	subject:        Bunga naik
	description:    Bunga KPR naik tanpa pemberitahuan.
	claim:          -
	EOF
	test_cmp expect out
'

test_expect_success 'show: a closed ticket has no sisa SLA' '
	slktx ticket show PGD-2026-000001 >out &&
	grep "^sisa SLA:       -$" out &&
	grep "^status:         DITUTUP$" out &&
	grep "^closed:         2026-02-04 09:00:00 +07:00$" out
'

test_expect_success 'show --history: Riwayat of a settled complaint' '
	slktx ticket show PGD-2025-000001 --history >out &&
	sed -n "/^Riwayat/,\$p" out >history &&
	cat >expect <<-\EOF &&
	Riwayat (history): 5 events

	#1 NewTicket: - -> BARU
	  happened:     2025-12-30 10:00:00 +07:00
	  recorded:     2025-12-30 23:00:00 +07:00
	  by:           INTAKE
	  source:       CB_OJK_20251230_000001.xml, record n1

	#2 TakeOver: BARU -> DIAMBIL_ALIH
	  happened:     2026-01-05 09:00:00 +07:00
	  recorded:     2026-01-05 23:00:00 +07:00
	  by:           SERVICE Sari Dewi
	  source:       RSP_BANKA_20260105_000001.xml, record t1

	#3 FollowUp: DIAMBIL_ALIH -> DITINDAKLANJUTI
	  happened:     2026-01-05 11:00:00 +07:00
	  recorded:     2026-01-05 23:00:00 +07:00
	  by:           SERVICE Sari Dewi
	  source:       RSP_BANKA_20260105_000001.xml, record f1
	  action:       CONTACTED_CONSUMER
	  note:         Konsumen dihubungi melalui telepon.

	#4 ResolutionProposal: DITINDAKLANJUTI -> USULAN_SELESAI
	  happened:     2026-01-05 15:00:00 +07:00
	  recorded:     2026-01-05 23:00:00 +07:00
	  by:           DECISION Budi Santoso
	  source:       RSP_BANKA_20260105_000001.xml, record p1
	  resolution:   MONETARY_RELIEF
	  amount:       750000.00 IDR
	  summary:      Tagihan ganda dibatalkan dan dana dikembalikan.

	#5 Decision: USULAN_SELESAI -> SELESAI
	  happened:     2026-01-05 20:00:00 +07:00
	  recorded:     2026-01-05 23:30:00 +07:00
	  by:           INTAKE
	  source:       CB_OJK_20260105_000001.xml, record d1
	  outcome:      ACCEPTED
	  note:         Disetujui.
	EOF
	test_cmp expect history
'

test_expect_success 'show --history: a misrouted, reassigned ticket' '
	slktx ticket show PGD-2026-000003 --history >out &&
	grep "^PUJK:           BANKB$" out &&
	grep "^reassigned:     2026-03-16 16:00:00 +07:00$" out &&
	grep "^due date:       2026-04-07$" out &&
	sed -n "/^#15 /,\$p" out >history &&
	cat >expect <<-\EOF &&
	#15 Misrouted: BARU -> DIKEMBALIKAN
	  happened:     2026-03-16 11:00:00 +07:00
	  recorded:     2026-03-16 23:00:00 +07:00
	  by:           SERVICE Sari Dewi
	  source:       RSP_BANKA_20260316_000001.zip, record m1
	  note:         Rekening giro ada di Bank Bersama.

	#16 Reassign: DIKEMBALIKAN -> BARU
	  happened:     2026-03-16 16:00:00 +07:00
	  recorded:     2026-03-16 23:30:00 +07:00
	  by:           INTAKE
	  source:       CB_OJK_20260316_000001.xml, record r1
	  PUJK:         BANKA -> BANKB
	  note:         Dialihkan ke Bank Bersama.
	EOF
	test_cmp expect history
'

test_expect_success 'show --history --attachments: Riwayat, then Lampiran' '
	slktx ticket show PGD-2026-000002 --attachments --history >out &&
	sed -n "/^#13 /,\$p" out >tail &&
	cat >expect <<-\EOF &&
	#13 FollowUp: DIAMBIL_ALIH -> DITINDAKLANJUTI
	  happened:     2026-03-16 10:00:00 +07:00
	  recorded:     2026-03-16 23:00:00 +07:00
	  by:           SERVICE Sari Dewi
	  source:       RSP_BANKA_20260316_000001.zip, record f2
	  action:       REQUESTED_DOCUMENTS
	  note:         Mohon kirim mutasi rekening.
	  attachments:  surat-permintaan.txt

	#17 FollowUp: DITINDAKLANJUTI -> DITINDAKLANJUTI
	  happened:     2026-03-16 14:00:00 +07:00
	  recorded:     2026-03-16 14:00:00 +07:00
	  by:           DECISION Budi Santoso
	  source:       RSP_BANKA_20260316_000001.zip, record f3
	  action:       EXTENSION
	  note:         Perlu waktu
	                tambahan, "verifikasi".

	Lampiran (attachments):
	NAME                  TYPE             SIZE  SHA-256                                                           EVENT
	bukti-bayar.pdf       application/pdf  27    223a8feb510ef673d352fef02696d89423ed2a06e30c8681cdfcb055a148e6a4  #11 NewTicket
	surat-permintaan.txt  text/plain       49    40503e3e006730a3cc6767a26a07324ba0b3862aec3408b289354cc893720a16  #13 FollowUp
	EOF
	test_cmp expect tail &&
	grep -n "^Riwayat (history): 4 events$" out &&
	grep "^  attachments:  bukti-bayar.pdf$" out
'

test_expect_success 'show --attachments alone; none is said' '
	slktx ticket show PGD-2026-000002 --attachments >out &&
	! grep "^Riwayat" out &&
	grep "^bukti-bayar.pdf  " out &&
	slktx ticket show PGD-2026-000003 --attachments >out &&
	sed -n "/^Lampiran/,\$p" out >tail &&
	printf "Lampiran (attachments):\nnone\n" >expect &&
	test_cmp expect tail
'

test_expect_success 'an unknown ticket is exit 65, named' '
	test_expect_code 65 slktx ticket show PGD-2026-999999 >out 2>err &&
	test_must_fail test -s out &&
	grep "ticket .PGD-2026-999999. not found" err &&
	test_expect_code 65 slktx ticket show PGD-2026-999999 --history 2>err &&
	grep "ticket .PGD-2026-999999. not found" err &&
	test_expect_code 65 slktx ticket show PGD-2026-999999 --attachments 2>err &&
	grep "ticket .PGD-2026-999999. not found" err
'

test_expect_success 'show needs exactly one ticket' '
	test_expect_code 64 slktx ticket show 2>err &&
	grep "usage: slktx ticket show N" err &&
	test_expect_code 64 slktx ticket show A B &&
	test_expect_code 64 slktx ticket show PGD-2026-000002 --riwayat
'

test_expect_success 'text from outside cannot drive the terminal: controls are escaped' '
	slktx ticket show IND-2026-000009 --history >out &&
	! grep "$ESC" out &&
	grep "^subject:        Hai\\\\u001b]0;pwned\\\\u0007$" out &&
	grep "^consumer:       Eve\\\\u001b\[2J$" out &&
	grep "^description:    a\\\\rb\\\\u001b\[31mc$" out &&
	slktx ticket list --date 2026-03-16 >out &&
	! grep "$ESC" out &&
	slktx ticket list --date 2026-03-16 --csv >out &&
	grep "$ESC" out
'

# U+202E, U+0085 (NEL, a C1 control), CR: escaped in list and show, as in
# logs; the CSV export keeps the text as it is
test_expect_success 'bidi overrides, C1 controls and CR are escaped in ticket list and show' '
	printf "%s\n" "subject:        Refund \\u202efdp.exe\\u0085next\\rline" \
		"description:    one" "                two\\u200f" >expect &&
	slktx ticket show IND-2026-000010 >out &&
	grep -A1 -e "^subject:" -e "^description:" out >actual &&
	test_cmp expect actual &&
	grep "^consumer:       Mallory\\\\u2067x\\\\u2069$" out &&
	slktx ticket list --date 2026-03-16 >out &&
	grep "^IND-2026-000010 .* Refund \\\\u202efdp.exe\\\\u0085next\\\\rline$" out &&
	for bad in "\342\200\256" "\302\205" "\342\201\247" "\342\200\217" "\r"; do
		! grep "$(printf "$bad")" out || exit 1
	done &&
	slktx ticket show IND-2026-000010 >out &&
	for bad in "\342\200\256" "\302\205" "\342\201\247" "\342\200\217" "\r"; do
		! grep "$(printf "$bad")" out || exit 1
	done &&
	slktx ticket list --date 2026-03-16 --csv >out &&
	grep "$(printf "\342\200\256fdp.exe\302\205next\r")" out
'

# the attachment store: <spool>/attachments/<aa>/<sha256>
store() {
	sha=$(sha256sum <"$1" | cut -c1-64) &&
	mkdir -p spool/attachments/$(echo $sha | cut -c1-2) &&
	cp "$1" spool/attachments/$(echo $sha | cut -c1-2)/$sha &&
	echo spool/attachments/$(echo $sha | cut -c1-2)/$sha
}

test_expect_success 'attachment: written out byte for byte, owner-only' '
	store "$SAMPLES/ledger/bukti-bayar.pdf" >pdf.path &&
	store "$SAMPLES/ledger/surat-permintaan.txt" &&
	slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o out.pdf &&
	cmp "$SAMPLES/ledger/bukti-bayar.pdf" out.pdf &&
	test "$(stat -c %a out.pdf)" = 600 &&
	mkdir sub &&
	slktx ticket attachment -o sub/letter.txt PGD-2026-000002 surat-permintaan.txt &&
	cmp "$SAMPLES/ledger/surat-permintaan.txt" sub/letter.txt &&
	test "$(ls -A sub)" = letter.txt
'

test_expect_success 'attachment: -o - writes to stdout' '
	slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o - >stdout.pdf &&
	cmp "$SAMPLES/ledger/bukti-bayar.pdf" stdout.pdf
'

test_expect_success 'attachment: an existing file is never replaced' '
	echo mine >keep &&
	test_expect_code 64 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o keep 2>err &&
	grep "keep. exists: not replaced" err &&
	echo mine >expect &&
	test_cmp expect keep &&
	ln -s nowhere dangling &&
	test_expect_code 64 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o dangling &&
	test_must_fail test -e nowhere
'

test_expect_success 'attachment: unknown ticket or name is exit 65' '
	test_expect_code 65 slktx ticket attachment PGD-2026-000002 nope.pdf -o x 2>err &&
	grep "ticket .PGD-2026-000002. has no attachment .nope.pdf." err &&
	test_expect_code 65 slktx ticket attachment PGD-2026-999999 bukti-bayar.pdf -o x 2>err &&
	grep "ticket .PGD-2026-999999. not found" err &&
	test_expect_code 65 slktx ticket attachment PGD-2026-000003 bukti-bayar.pdf -o x &&
	test_must_fail test -e x
'

test_expect_success 'attachment: a damaged blob is refused and nothing is left' '
	blob=$(cat pdf.path) &&
	chmod u+w "$blob" &&
	printf "X" | dd of="$blob" bs=1 seek=3 conv=notrunc 2>/dev/null &&
	test_expect_code 65 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o bad.pdf 2>err &&
	grep "ATTACHMENT_MISMATCH: the stored attachment .bukti-bayar.pdf. is 27 bytes" err &&
	test_must_fail test -e bad.pdf &&
	test -z "$(ls -A | grep slktx-attachment)" &&
	test_expect_code 65 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o - >stdout 2>err &&
	test_must_fail test -s stdout &&
	cp "$SAMPLES/ledger/bukti-bayar.pdf" "$blob"
'

test_expect_success 'attachment: a missing or linked blob is the hub failing (70)' '
	blob=$(cat pdf.path) &&
	mv "$blob" moved &&
	test_expect_code 70 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o gone.pdf 2>err &&
	grep "cannot read the stored attachment .bukti-bayar.pdf." err &&
	ln -s "$TRASH/moved" "$blob" &&
	test_expect_code 70 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o gone.pdf &&
	test_must_fail test -e gone.pdf &&
	rm "$blob" && mv moved "$blob"
'

test_expect_success 'attachment: usage' '
	test_expect_code 64 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf 2>err &&
	grep "option .-o. needs a file" err &&
	test_expect_code 64 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o 2>err &&
	test_expect_code 64 slktx ticket attachment PGD-2026-000002 -o x 2>err &&
	grep "usage: slktx ticket attachment N NAME -o FILE" err &&
	test_expect_code 70 slktx ticket attachment PGD-2026-000002 bukti-bayar.pdf -o no/such/dir/f
'

test_done
