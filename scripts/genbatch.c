/*
 * genbatch - write a large valid complaint batch for benchmarks and tests.
 *
 * usage: genbatch [-n RECORDS] [-s SEED] [-p PUJK[,PUJK...]] [-d YYYYMMDD] [-a DAYS] [-q SEQ]
 *                 [-b BASE] [-o FILE]
 *
 * Records are NewTickets with realistic field sizes (about 750 bytes each),
 * alternating PGD and IND numbers so that a million fit the six-digit
 * ticket number (numbered from BASE + 1, so that batches sent one after
 * another into one ledger do not meet); the same seed gives the same bytes.  The file is named
 * by the caller; its BatchId is CB_OJK_<date>_<seq>.  With -a DAYS the
 * ReceivedAt days are spread evenly over the DAYS days ending with -d (a
 * month of tickets for the report's bench); otherwise they are all -d.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rng() % n];
}

#define PICK(v) pick(v, sizeof(v) / sizeof(v[0]))

static const char *const first_names[] = {
	"Budi", "Siti", "Agus", "Dewi", "Andi", "Rina", "Joko", "Wati", "Hendra", "Lestari",
	"Yusuf", "Ayu", "Bambang", "Fitri", "Rudi", "Indah", "Eko", "Nur", "Taufik", "Maya",
};
static const char *const last_names[] = {
	"Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Siregar", "Nasution",
	"Simanjuntak", "Halim", "Gunawan", "Setiawan", "Rahmawati", "Putri", "Lubis",
};
static const char *const channels[] = { "WEB", "EMAIL", "PHONE", "LETTER", "WALK_IN", "APP",
					 "SOCIAL_MEDIA" };
static const char *const products[] = {
	"Kartu Kredit", "KPR", "Kredit Tanpa Agunan", "Tabungan", "Deposito", "Asuransi Jiwa",
	"Asuransi Kendaraan", "Pembiayaan Kendaraan", "Dompet Digital", "Reksa Dana",
};
static const char *const subjects[] = {
	"Transaksi kartu kredit yang tidak dikenali",
	"Suku bunga naik tanpa pemberitahuan",
	"Klaim asuransi ditolak tanpa penjelasan tertulis",
	"Penagihan oleh pihak ketiga dengan cara tidak patut",
	"Saldo tabungan berkurang tanpa transaksi",
	"Pelunasan dipercepat tidak diproses",
};
static const char *const sentences[] = {
	"Konsumen menyampaikan bahwa transaksi tersebut tidak pernah dilakukan olehnya. ",
	"Laporan sudah disampaikan ke layanan pelanggan namun belum ada tanggapan. ",
	"Konsumen meminta pengembalian dana beserta bunga dan denda yang telah dibebankan. ",
	"Petugas penagihan menghubungi keluarga konsumen di luar jam yang wajar. ",
	"Dokumen pendukung berupa mutasi rekening dan surat pernyataan telah dilampirkan. ",
	"Konsumen merasa tidak mendapatkan informasi yang cukup saat menandatangani perjanjian. ",
};

/* "YYYY-MM-DD" of the day back days before date (YYYYMMDD) */
static void received_day(const char *date, long back, char out[11])
{
	struct tm tm = { 0 };
	time_t t;

	tm.tm_year = atoi((char[5]){ date[0], date[1], date[2], date[3], 0 }) - 1900;
	tm.tm_mon = atoi((char[3]){ date[4], date[5], 0 }) - 1;
	tm.tm_mday = atoi(date + 6) - (int)back;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int main(int argc, char **argv)
{
	long n = 1000, seq = 1, base = 0, days = 1;
	const char *pujk_list = "BANKA", *date = "20261127", *out = NULL;
	char *pujks[16];
	int n_pujk = 0, opt;
	FILE *f = stdout;
	char *list;

	rng_state = 1;
	while ((opt = getopt(argc, argv, "n:s:p:d:a:q:b:o:")) != -1) {
		switch (opt) {
		case 'n': n = atol(optarg); break;
		case 's': rng_state = strtoull(optarg, NULL, 10); break;
		case 'p': pujk_list = optarg; break;
		case 'd': date = optarg; break;
		case 'a': days = atol(optarg); break;
		case 'q': seq = atol(optarg); break;
		case 'b': base = atol(optarg); break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: genbatch [-n RECORDS] [-s SEED] [-p PUJK,...] "
					"[-d YYYYMMDD] [-a DAYS] [-q SEQ] [-b BASE] [-o FILE]\n");
			return 64;
		}
	}
	if (n < 1 || base < 0 || base + (n + 1) / 2 > 999999 || strlen(date) != 8 || days < 1 ||
	    days > 366) {
		fprintf(stderr, "genbatch: -n must be 1..1999998, -b at most 999999 - n/2,"
				" -d YYYYMMDD and -a 1..366\n");
		return 64;
	}
	list = strdup(pujk_list);
	for (char *tok = strtok(list, ","); tok && n_pujk < 16; tok = strtok(NULL, ","))
		pujks[n_pujk++] = tok;
	if (out && (f = fopen(out, "w")) == NULL) {
		perror(out);
		return 73;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<ComplaintBatch xmlns=\"urn:slktx:exchange:1\" schemaVersion=\"1.0\">\n"
		   "  <Header>\n"
		   "    <BatchId>CB_OJK_%s_%06ld</BatchId>\n"
		   "    <Sender>OJK</Sender>\n"
		   "    <CreatedAt>%.4s-%.2s-%.2sT18:00:00+07:00</CreatedAt>\n"
		   "    <RecordCount>%ld</RecordCount>\n"
		   "  </Header>\n  <Records>\n",
		date, seq, date, date + 4, date + 6, n);
	for (long i = 0; i < n; i++) {
		const char *kind = i % 2 ? "IND" : "PGD";
		long number = base + i / 2 + 1;
		int sentences_n = 2 + (int)(rng() % 2);
		char day[11];

		received_day(date, days - 1 - i * days / n, day);

		fprintf(f,
			"    <NewTicket id=\"nt-%ld\">\n"
			"      <TicketNo>%s-%.4s-%06ld</TicketNo>\n"
			"      <PujkCode>%s</PujkCode>\n"
			"      <ReceivedAt>%sT%02d:%02d:%02d+07:00</ReceivedAt>\n"
			"      <Channel>%s</Channel>\n"
			"      <Product>%s</Product>\n"
			"      <Consumer>\n"
			"        <Name>%s %s</Name>\n"
			"        <Nik>%016llu</Nik>\n"
			"        <Phone>+628%010llu</Phone>\n"
			"        <Email>konsumen%ld@example.co.id</Email>\n"
			"      </Consumer>\n"
			"      <Subject>%s</Subject>\n"
			"      <Description>",
			i + 1, kind, date, number, pujks[i % n_pujk], day,
			(int)(rng() % 10), (int)(rng() % 60), (int)(rng() % 60), PICK(channels),
			PICK(products), PICK(first_names), PICK(last_names),
			(unsigned long long)(rng() % 10000000000000000ULL),
			(unsigned long long)(rng() % 10000000000ULL), i + 1, PICK(subjects));
		for (int s = 0; s < sentences_n; s++)
			fputs(PICK(sentences), f);
		fprintf(f, "</Description>\n"
			   "      <ClaimAmount currency=\"IDR\">%llu.00</ClaimAmount>\n"
			   "    </NewTicket>\n",
			(unsigned long long)(rng() % 100000000ULL));
	}
	fputs("  </Records>\n</ComplaintBatch>\n", f);
	if (fflush(f) != 0 || (out && fclose(f) != 0)) {
		perror(out ? out : "stdout");
		return 74;
	}
	free(list);
	return 0;
}
