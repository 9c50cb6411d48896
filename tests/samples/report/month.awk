# month.awk - a ledger-fixture script (tests/tools/ledger-fixture.c) of a
# month of tickets, for the report's tests at scale (t7002) and its bench
# (scripts/bench-report): awk -v n=100000 -v month=2026-11 -v days=30 -f month.awk
# Five PUJK; tickets spread over the month's days, ReceivedAt 08:00-16:59
# WIB; about 40% taken over, a third of those followed up, some proposed and
# accepted, a few closed by OJK.  Deterministic: no random numbers, only the
# ticket's index.
BEGIN {
	if (n == "") n = 2000
	if (month == "") month = "2026-11"
	if (days == "") days = 30
	split("BANKA BANKB ASURC FINCD DOMPE", code, " ")
	split("Bank Andalan|Bank Bersama|Asuransi Cahaya|Finance Delta|Dompet Eka", name, "|")
	split("Tagihan ganda|Bunga naik tanpa pemberitahuan|Klaim ditolak|Penagihan tidak patut|Saldo berkurang|Pelunasan tidak diproses", subj, "|")
	for (p = 1; p <= 5; p++) {
		print "pujk " code[p] " BANK " name[p]
		print "officer " code[p] " PRODUCT Petugas Produk " p
		print "officer " code[p] " SERVICE Petugas Layanan " p
		print "officer " code[p] " DECISION Petugas Keputusan " p
	}
	print "file 1 CB_OJK_" substr(month, 1, 4) substr(month, 6, 2) "01_000001.xml"
	for (p = 1; p <= 5; p++)
		print "file " (p + 1) " RSP_" code[p] "_" substr(month, 1, 4) substr(month, 6, 2) "01_000001.xml"
	for (i = 0; i < n; i++) {
		p = i % 5 + 1
		d = int(i * days / n) + 1
		day = sprintf("%s-%02d", month, d)
		at = sprintf("%sT%02d:%02d:00+07:00", day, 8 + i % 9, i % 60)
		kind = i % 3 == 2 ? "IND" : "PGD"
		no = sprintf("%s-%s-%06d", kind, substr(month, 1, 4), i + 1)
		printf "new %s - 1 n%d %s %s {\"pujkCode\":\"%s\",\"receivedAt\":\"%s\",\"channel\":\"WEB\",\"product\":\"Kartu Kredit\",\"consumer\":{\"name\":\"Konsumen %d\",\"nik\":\"3174%012d\"},\"subject\":\"%s\",\"description\":\"Uraian.\"}\n", at, i, no, code[p], code[p], at, i, i, subj[i % 6 + 1]
		if (i % 5 == 4 || d + 1 > days)
			continue
		rat = sprintf("%s-%02dT%02d:30:00+07:00", month, d + 1, 9 + i % 8)
		if (kind == "IND") {
			printf "event %s - %d f%d %s FollowUp SERVICE DITANGGAPI {\"at\":\"%s\",\"action\":\"EXPLANATION_GIVEN\",\"note\":\"Dijelaskan.\"}\n", rat, p + 1, i, no, rat
			continue
		}
		if (i % 7 == 0) {
			printf "event %s - 1 c%d %s Closure INTAKE DITUTUP {\"at\":\"%s\",\"reason\":\"DUPLICATE\",\"note\":\"Ganda.\"}\n", rat, i, no, rat
			continue
		}
		if (i % 5 > 1)
			continue
		printf "event %s - %d t%d %s TakeOver SERVICE DIAMBIL_ALIH {\"at\":\"%s\"}\n", rat, p + 1, i, no, rat
		if (i % 2 == 0 || d + 3 > days)
			continue
		fat = sprintf("%s-%02dT10:00:00+07:00", month, d + 2)
		printf "event %s - %d u%d %s FollowUp SERVICE DITINDAKLANJUTI {\"at\":\"%s\",\"action\":\"CONTACTED_CONSUMER\",\"note\":\"Dihubungi.\"}\n", fat, p + 1, i, no, fat
		if (i % 3 != 0)
			continue
		pat = sprintf("%s-%02dT11:00:00+07:00", month, d + 3)
		printf "event %s - %d r%d %s ResolutionProposal DECISION USULAN_SELESAI {\"at\":\"%s\",\"resolution\":\"EXPLANATION\",\"summary\":\"Penjelasan.\"}\n", pat, p + 1, i, no, pat
		if (i % 2 == 1 && d + 4 <= days) {
			dat = sprintf("%s-%02dT12:00:00+07:00", month, d + 4)
			printf "event %s - 1 a%d %s Decision INTAKE SELESAI {\"at\":\"%s\",\"outcome\":\"ACCEPTED\",\"note\":\"Disetujui.\"}\n", dat, i, no, dat
		}
	}
}
