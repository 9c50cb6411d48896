<?xml version="1.0" encoding="UTF-8"?>
<!--
  report.xsl - turns a Report (report.xsd) into the report's HTML page: one
  self-contained page in Indonesian, with inline CSS (print included) and
  inline SVG charts, nothing fetched, no script.  slktx applies it with
  libxslt from the copy compiled into the binary, to a copy of report.xml
  without the rows the page does not show; `xsltproc report.xsl report.xml`
  gives the same page, because the page reads only the first 200 rows of
  Overdue, the Urgent list, and the Tickets rows when there are at most 200
  (otherwise only their count); the overdue and urgent rows are looked up
  in Tickets by number (the page's copy keeps those rows).  Numbers are written the Indonesian way
  (1.234; 92,2%), days as "26 Nov 2026".  XSLT 1.0, no extension.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:slktx:exchange:1"
                exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <!-- Indonesian numbers: ',' before the decimals, '.' between thousands -->
  <xsl:decimal-format name="id" decimal-separator="," grouping-separator="."/>

  <!-- the most rows a list shows (REPORT_PAGE_ROWS in report.h: the page's
       copy of the XML holds no more); the CSV files hold them all -->
  <xsl:variable name="rows" select="200"/>
  <xsl:variable name="pujks" select="/r:Report/r:Summary/r:Pujk"/>
  <!-- a ticket's row by its number, for the overdue and urgent lists' TicketRef -->
  <xsl:key name="ticket" match="r:Tickets/r:Ticket" use="r:TicketNo"/>
  <xsl:variable name="total" select="/r:Report/r:Summary/r:Total"/>

  <!-- ======================================================= helpers -->

  <xsl:template name="n">
    <xsl:param name="v"/>
    <xsl:value-of select="format-number($v, '#.##0', 'id')"/>
  </xsl:template>

  <!-- a share or a median: one decimal when there is one; "–" when absent -->
  <xsl:template name="dec">
    <xsl:param name="v"/>
    <xsl:param name="suffix" select="''"/>
    <xsl:choose>
      <xsl:when test="string($v)"><xsl:value-of select="concat(format-number($v, '#.##0,0', 'id'), $suffix)"/></xsl:when>
      <xsl:otherwise>–</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="median">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v)"><xsl:value-of select="format-number($v, '#.##0,#', 'id')"/></xsl:when>
      <xsl:otherwise>–</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 2026-11-26 as "26 Nov 2026" -->
  <xsl:template name="day">
    <xsl:param name="d"/>
    <xsl:variable name="m" select="number(substring($d, 6, 2))"/>
    <xsl:value-of select="concat(number(substring($d, 9, 2)), ' ', substring('JanFebMarAprMeiJunJulAguSepOktNovDes', $m * 3 - 2, 3), ' ', substring($d, 1, 4))"/>
  </xsl:template>

  <!-- 2026-11 as "Nov 2026" -->
  <xsl:template name="month">
    <xsl:param name="m"/>
    <xsl:value-of select="concat(substring('JanFebMarAprMeiJunJulAguSepOktNovDes', number(substring($m, 6, 2)) * 3 - 2, 3), ' ', substring($m, 1, 4))"/>
  </xsl:template>

  <!-- an xs:dateTime in WIB as "26 Nov 2026 23:13"; "–" when absent -->
  <xsl:template name="time">
    <xsl:param name="t"/>
    <xsl:choose>
      <xsl:when test="string($t)">
        <xsl:call-template name="day"><xsl:with-param name="d" select="substring($t, 1, 10)"/></xsl:call-template>
        <xsl:value-of select="concat(' ', substring($t, 12, 5))"/>
      </xsl:when>
      <xsl:otherwise>–</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="status-label">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s = 'BARU'">Baru</xsl:when>
      <xsl:when test="$s = 'DIAMBIL_ALIH'">Diambil alih</xsl:when>
      <xsl:when test="$s = 'DITINDAKLANJUTI'">Ditindaklanjuti</xsl:when>
      <xsl:when test="$s = 'DITANGGAPI'">Ditanggapi</xsl:when>
      <xsl:when test="$s = 'USULAN_SELESAI'">Usulan selesai</xsl:when>
      <xsl:when test="$s = 'SELESAI'">Selesai</xsl:when>
      <xsl:when test="$s = 'DIKEMBALIKAN'">Dikembalikan</xsl:when>
      <xsl:when test="$s = 'DITUTUP'">Ditutup</xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ========================================================== page -->

  <xsl:template match="/r:Report">
    <xsl:variable name="h" select="r:Header"/>
    <html lang="id">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>Laporan Pengaduan SLKT <xsl:value-of select="$h/r:PeriodFrom"/> s.d. <xsl:value-of select="$h/r:PeriodTo"/></title>
        <style>
:root { --ink: #1d2733; --muted: #5b6b7c; --line: #d5dde6; --band: #f3f6f9; --accent: #0b5394; --late: #c0392b; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0; background: #fff; font-size: 14px; line-height: 1.45; }
main { max-width: 1280px; margin: 0 auto; padding: 28px 32px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 14px 0 0; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
.warn { background: #fff4e5; border-left: 4px solid #e67e22; padding: 8px 12px; margin: 12px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 8px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.card .v { font-size: 24px; font-weight: 700; }
.card .k { color: var(--muted); font-size: 12px; }
.card.late .v { color: var(--late); }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: right; vertical-align: top; }
th { background: var(--band); font-weight: 600; text-align: center; }
td.t, th.t { text-align: left; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tfoot tr.total td { font-weight: 700; background: #eef3f8; border-top: 2px solid var(--ink); }
#figures { font-size: 11.5px; }
#figures th, #figures td { padding: 4px 4px; }
#figures td.t { min-width: 8.5em; }
#figures th { hyphens: auto; }
#figures th.age { white-space: nowrap; }
.scroll { overflow-x: auto; }
td.late, td.neg { color: var(--late); font-weight: 700; }
table.list td.subject { text-align: left; overflow-wrap: anywhere; min-width: 10em; }
table.list td.mono, table.list td.sisa, table.list td.d { white-space: nowrap; }
p.more { margin: 6px 0 0; color: var(--muted); font-size: 12.5px; }
.chart-legend { display: flex; gap: 14px; font-size: 12px; margin-top: 4px; }
.chart-legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 5px; background: var(--c); vertical-align: -1px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; align-items: start; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
figure.wide { grid-column: 1 / 3; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg text { font-family: inherit; font-size: 12px; fill: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin-top: 6px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 5px; background: var(--c); vertical-align: -1px; }
.notes { font-size: 12.5px; color: var(--muted); }
.notes li { margin: 2px 0; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 16pt; }
  h2 { font-size: 12pt; margin-top: 14pt; break-after: avoid; }
  .cards { gap: 6pt; }
  .card .v { font-size: 15pt; }
  .charts { gap: 8pt; }
  figure, .card, tr { break-inside: avoid; }
  table { font-size: 7.5pt; }
  #figures { font-size: 7pt; }
  #figures td.t { min-width: 0; }
  .mono { font-size: 7.5pt; }
  thead { display: table-header-group; }
  .scroll { overflow: visible; }
  tbody tr:nth-child(even) td { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
        </style>
      </head>
      <body>
        <main>
          <header class="top">
            <h1>Laporan Penanganan Pengaduan Konsumen</h1>
            <p class="sub">Sistem Layanan Konsumen Terintegrasi (SLKT) – pertukaran berkas slktx</p>
            <dl class="meta">
              <dt>Periode</dt>
              <dd id="period"><xsl:call-template name="day"><xsl:with-param name="d" select="$h/r:PeriodFrom"/></xsl:call-template> s.d. <xsl:call-template name="day"><xsl:with-param name="d" select="$h/r:PeriodTo"/></xsl:call-template> (tanggal diterima, WIB)</dd>
              <dt>PUJK</dt>
              <dd>
                <xsl:choose>
                  <xsl:when test="$h/r:PujkCode"><xsl:value-of select="$h/r:PujkCode"/></xsl:when>
                  <xsl:otherwise>Semua PUJK</xsl:otherwise>
                </xsl:choose>
              </dd>
              <dt>Posisi per</dt>
              <dd id="asof"><xsl:call-template name="time"><xsl:with-param name="t" select="$h/r:AsOf"/></xsl:call-template> WIB</dd>
              <dt>Dibuat</dt>
              <dd><xsl:call-template name="time"><xsl:with-param name="t" select="$h/r:CreatedAt"/></xsl:call-template> WIB</dd>
              <dt>Batas waktu</dt>
              <dd>pengaduan <xsl:value-of select="$h/r:Sla/@pengaduanDays"/> hari kerja, indikasi pengaduan <xsl:value-of select="$h/r:Sla/@indikasiDays"/> hari kerja, perpanjangan <xsl:value-of select="$h/r:Sla/@extensionDays"/> hari kerja</dd>
              <xsl:if test="$h/r:OpenAtAsOf = 'true'">
                <dt>Daftar tiket</dt>
                <dd>termasuk setiap tiket yang masih terbuka pada posisi per, walau diterima sebelum periode (tidak dihitung dalam angka periode)</dd>
              </xsl:if>
              <xsl:if test="$h/r:ChainHead">
                <dt>Kepala rantai riwayat</dt>
                <dd class="mono">#<xsl:value-of select="$h/r:ChainHead/@seq"/> – <xsl:value-of select="$h/r:ChainHead/@hash"/></dd>
              </xsl:if>
            </dl>
            <xsl:for-each select="$h/r:CalendarWarning">
              <p class="warn">Perhatian: kalender hari libur tahun <xsl:value-of select="."/> belum pasti (berkas tidak ada atau sementara); hari kerja pada tahun itu dihitung dengan perkiraan.</p>
            </xsl:for-each>
          </header>

          <section>
            <h2>Ringkasan</h2>
            <div class="cards">
              <div class="card"><div class="v" id="total-received"><xsl:call-template name="n"><xsl:with-param name="v" select="$total/r:Received"/></xsl:call-template></div><div class="k">Tiket diterima (PGD <xsl:call-template name="n"><xsl:with-param name="v" select="$total/r:ReceivedPgd"/></xsl:call-template>, IND <xsl:call-template name="n"><xsl:with-param name="v" select="$total/r:ReceivedInd"/></xsl:call-template>)</div></div>
              <div class="card"><div class="v" id="total-closed"><xsl:call-template name="n"><xsl:with-param name="v" select="$total/r:Closed"/></xsl:call-template></div><div class="k">Selesai / ditutup</div></div>
              <div class="card"><div class="v" id="total-open"><xsl:call-template name="n"><xsl:with-param name="v" select="$total/r:Open"/></xsl:call-template></div><div class="k">Masih terbuka</div></div>
              <div class="card late"><div class="v" id="total-late"><xsl:call-template name="n"><xsl:with-param name="v" select="$total/r:Late"/></xsl:call-template></div><div class="k">Terlambat</div></div>
              <div class="card late"><div class="v" id="total-overdue"><xsl:call-template name="n"><xsl:with-param name="v" select="r:Overdue/@count"/></xsl:call-template></div><div class="k">Melewati batas waktu (sisa SLA negatif)</div></div>
              <div class="card"><div class="v" id="total-ontime"><xsl:call-template name="dec"><xsl:with-param name="v" select="$total/r:OnTimeShare"/><xsl:with-param name="suffix" select="'%'"/></xsl:call-template></div><div class="k">Ditanggapi tepat waktu</div></div>
              <div class="card"><div class="v" id="total-median"><xsl:call-template name="median"><xsl:with-param name="v" select="$total/r:MedianDaysToFirstResponse"/></xsl:call-template></div><div class="k">Median hari kerja ke tanggapan pertama</div></div>
            </div>
          </section>

          <section>
            <h2>Tren</h2>
            <div class="charts">
              <figure class="wide">
                <figcaption>Tiket diterima dan selesai per hari</figcaption>
                <xsl:call-template name="chart-trend">
                  <xsl:with-param name="id" select="'chart-daily'"/>
                  <xsl:with-param name="items" select="r:Trends/r:Daily/r:Day"/>
                </xsl:call-template>
              </figure>
              <figure class="wide">
                <figcaption>Tiket diterima dan selesai per bulan (12 bulan)</figcaption>
                <xsl:call-template name="chart-trend">
                  <xsl:with-param name="id" select="'chart-monthly'"/>
                  <xsl:with-param name="items" select="r:Trends/r:Monthly/r:Month"/>
                </xsl:call-template>
              </figure>
            </div>
          </section>

          <section>
            <h2>Grafik per PUJK</h2>
            <div class="charts">
              <figure class="wide">
                <figcaption>Tiket per PUJK: selesai, terbuka, terlambat</figcaption>
                <xsl:call-template name="chart-pujk"/>
              </figure>
              <figure>
                <figcaption>Porsi ditanggapi tepat waktu per PUJK</figcaption>
                <xsl:call-template name="chart-ontime"/>
              </figure>
              <figure>
                <figcaption>Tiket terbuka menurut umur (hari kerja)</figcaption>
                <xsl:call-template name="chart-age"/>
              </figure>
            </div>
          </section>

          <section>
            <h2>Angka per PUJK</h2>
            <div class="scroll">
            <table id="figures">
              <thead>
                <tr>
                  <th class="t" rowspan="2">PUJK</th>
                  <th colspan="3">Diterima</th>
                  <th rowspan="2">Diambil alih</th>
                  <th rowspan="2">Ditindak­lanjuti</th>
                  <th rowspan="2">Diusulkan selesai</th>
                  <th rowspan="2">Disetujui</th>
                  <th rowspan="2">Ditolak</th>
                  <th rowspan="2">Selesai / ditutup</th>
                  <th rowspan="2">Terbuka</th>
                  <th rowspan="2">Terlambat</th>
                  <th rowspan="2">Tepat waktu</th>
                  <th colspan="2">Median hari kerja ke</th>
                  <th colspan="4">Terbuka menurut umur</th>
                </tr>
                <tr>
                  <th>Jumlah</th><th>PGD</th><th>IND</th>
                  <th>tanggapan pertama</th><th>usulan</th>
                  <th class="age">≤ 5</th><th class="age">6–10</th><th class="age">11–20</th><th class="age">&gt; 20</th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="$pujks">
                  <tr id="pujk-{@code}">
                    <td class="t"><strong><xsl:value-of select="@code"/></strong><xsl:if test="string(@name)"><br/><xsl:value-of select="@name"/></xsl:if></td>
                    <xsl:call-template name="figure-cells"/>
                  </tr>
                </xsl:for-each>
              </tbody>
              <tfoot>
                <xsl:for-each select="$total">
                  <tr class="total" id="pujk-total">
                    <td class="t">Total</td>
                    <xsl:call-template name="figure-cells"/>
                  </tr>
                </xsl:for-each>
              </tfoot>
            </table>
            </div>
          </section>

          <section>
            <h2>Melewati batas waktu (<xsl:call-template name="n"><xsl:with-param name="v" select="r:Overdue/@count"/></xsl:call-template>)</h2>
            <p class="sub">Tiket yang masih menunggu PUJK setelah batas waktunya, paling terlambat lebih dulu.</p>
            <xsl:call-template name="list">
              <xsl:with-param name="id" select="'overdue'"/>
              <xsl:with-param name="items" select="r:Overdue/r:TicketRef[position() &lt;= $rows]"/>
              <xsl:with-param name="count" select="r:Overdue/@count"/>
              <xsl:with-param name="csv" select="'report-overdue.csv'"/>
            </xsl:call-template>
          </section>

          <section>
            <h2>Segera jatuh tempo (<xsl:call-template name="n"><xsl:with-param name="v" select="r:Urgent/@count"/></xsl:call-template>)</h2>
            <p class="sub">Tiket terbuka yang masih dalam batas waktu, sisa SLA terkecil lebih dulu.</p>
            <xsl:call-template name="list">
              <xsl:with-param name="id" select="'urgent'"/>
              <xsl:with-param name="items" select="r:Urgent/r:TicketRef[position() &lt;= $rows]"/>
              <xsl:with-param name="count" select="r:Urgent/@count"/>
              <xsl:with-param name="csv" select="'report-tickets.csv'"/>
            </xsl:call-template>
          </section>

          <section>
            <h2>Daftar tiket (<xsl:call-template name="n"><xsl:with-param name="v" select="r:Tickets/@count"/></xsl:call-template>)</h2>
            <xsl:choose>
              <xsl:when test="r:Tickets/@count &lt;= $rows">
                <xsl:call-template name="ticket-table"/>
              </xsl:when>
              <xsl:otherwise>
                <p class="more" id="tickets-more">Daftar lengkap <xsl:call-template name="n"><xsl:with-param name="v" select="r:Tickets/@count"/></xsl:call-template> tiket ada di report-tickets.csv dan report.xml; halaman ini menampilkan daftar di atas.</p>
              </xsl:otherwise>
            </xsl:choose>
          </section>

          <section class="notes">
            <h2>Keterangan</h2>
            <ul>
              <li>Tiket dihitung dalam periode menurut tanggal diterima (WIB) dan dicatat pada PUJK yang bertanggung jawab pada waktu "posisi per". Semua angka lain mengikuti riwayat yang tercatat sampai waktu itu.</li>
              <li>Hari kerja: Senin–Jumat di luar hari libur nasional dan cuti bersama; hari diterima (atau hari pengalihan) tidak dihitung.</li>
              <li>Sisa SLA: hari kerja tersisa sampai batas waktu selama tiket menunggu PUJK; 0 pada hari batas waktu, negatif sesudahnya. Angkanya sama dengan <span class="mono">slktx ticket list</span> pada tanggal posisi per.</li>
              <li>Terlambat: tanggapan pertama atau usulan penyelesaian setelah batas waktu, atau sisa SLA negatif.</li>
              <li>Tepat waktu: bagian tiket yang telah ditanggapi yang tanggapan pertamanya paling lambat pada batas waktu.</li>
              <li>Tren: tiket diterima (NewTicket) dan selesai/ditutup menurut tanggal kejadian (WIB).</li>
              <li>Umur tiket terbuka: hari kerja sejak penugasan sampai tanggal "posisi per".</li>
              <li>Data konsumen disamarkan: NIK hanya empat digit terakhir; nama, telepon dan surel tidak dimuat.</li>
            </ul>
          </section>

          <footer>Dibuat oleh slktx dari report.xml (skema report.xsd, namespace urn:slktx:exchange:1). Berkas XML adalah sumber data laporan ini; berkas CSV memuat semua baris.</footer>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="figure-cells">
    <td class="received"><xsl:call-template name="n"><xsl:with-param name="v" select="r:Received"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:ReceivedPgd"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:ReceivedInd"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:TakenOver"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:FollowedUp"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:Proposed"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:Accepted"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:Rejected"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:Closed"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:Open"/></xsl:call-template></td>
    <td class="latecount"><xsl:call-template name="n"><xsl:with-param name="v" select="r:Late"/></xsl:call-template></td>
    <td><xsl:call-template name="dec"><xsl:with-param name="v" select="r:OnTimeShare"/><xsl:with-param name="suffix" select="'%'"/></xsl:call-template></td>
    <td><xsl:call-template name="median"><xsl:with-param name="v" select="r:MedianDaysToFirstResponse"/></xsl:call-template></td>
    <td><xsl:call-template name="median"><xsl:with-param name="v" select="r:MedianDaysToProposal"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:OpenByAge/@upTo5"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:OpenByAge/@from6To10"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:OpenByAge/@from11To20"/></xsl:call-template></td>
    <td><xsl:call-template name="n"><xsl:with-param name="v" select="r:OpenByAge/@over20"/></xsl:call-template></td>
  </xsl:template>

  <!-- the cells every ticket list shows, the columns of `ticket list` -->
  <xsl:template name="ticket-cells">
    <td class="t mono"><xsl:value-of select="r:TicketNo"/></td>
    <td class="t"><xsl:value-of select="r:Kind"/></td>
    <td class="t"><xsl:value-of select="r:PujkCode"/></td>
    <td class="t"><xsl:call-template name="status-label"><xsl:with-param name="s" select="r:Status"/></xsl:call-template></td>
    <td class="t d"><xsl:call-template name="time"><xsl:with-param name="t" select="r:ReceivedAt"/></xsl:call-template></td>
    <td class="t d"><xsl:call-template name="day"><xsl:with-param name="d" select="r:DueDate"/></xsl:call-template></td>
    <xsl:choose>
      <xsl:when test="r:SisaSla &lt; 0"><td class="sisa neg"><xsl:value-of select="format-number(r:SisaSla, '#.##0', 'id')"/></td></xsl:when>
      <xsl:when test="string(r:SisaSla)"><td class="sisa"><xsl:value-of select="format-number(r:SisaSla, '#.##0', 'id')"/></td></xsl:when>
      <xsl:otherwise><td class="sisa">–</td></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="ticket-head">
    <th class="t">No. tiket</th><th class="t">Jenis</th><th class="t">PUJK</th><th class="t">Status</th>
    <th class="t">Diterima</th><th class="t">Batas waktu</th><th>Sisa SLA</th>
  </xsl:template>

  <!-- the overdue or the urgent list: at most $rows rows, and how many more the CSV has -->
  <xsl:template name="list">
    <xsl:param name="id"/>
    <xsl:param name="items"/>
    <xsl:param name="count"/>
    <xsl:param name="csv"/>
    <xsl:choose>
      <xsl:when test="$items">
        <div class="scroll">
        <table id="{$id}" class="list">
          <thead><tr><xsl:call-template name="ticket-head"/><th class="t">Perihal</th></tr></thead>
          <tbody>
            <xsl:for-each select="$items">
              <xsl:for-each select="key('ticket', @no)">
                <tr id="{$id}-{r:TicketNo}">
                  <xsl:call-template name="ticket-cells"/>
                  <td class="subject"><xsl:value-of select="r:Subject"/></td>
                </tr>
              </xsl:for-each>
            </xsl:for-each>
          </tbody>
        </table>
        </div>
        <xsl:if test="$count &gt; count($items)">
          <p class="more" id="{$id}-more"><xsl:call-template name="n"><xsl:with-param name="v" select="$count - count($items)"/></xsl:call-template> tiket lainnya ada di <xsl:value-of select="$csv"/>.</p>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise><p class="more" id="{$id}-none">Tidak ada.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="ticket-table">
    <div class="scroll">
    <table id="tickets" class="list">
      <thead>
        <tr>
          <xsl:call-template name="ticket-head"/>
          <th class="t">Tanggapan pertama</th><th class="t">Usulan penyelesaian</th><th class="t">Terlambat</th><th class="t">NIK</th><th class="t">Perihal</th>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="r:Tickets/r:Ticket">
          <tr id="ticket-{r:TicketNo}">
            <xsl:call-template name="ticket-cells"/>
            <td class="t"><xsl:call-template name="time"><xsl:with-param name="t" select="r:FirstResponseAt"/></xsl:call-template></td>
            <td class="t"><xsl:call-template name="time"><xsl:with-param name="t" select="r:ProposalAt"/></xsl:call-template></td>
            <xsl:choose>
              <xsl:when test="r:Late = 'true' or r:Late = '1'"><td class="t late">Ya</td></xsl:when>
              <xsl:otherwise><td class="t">Tidak</td></xsl:otherwise>
            </xsl:choose>
            <td class="t mono">
              <xsl:choose>
                <xsl:when test="string(r:Nik)"><xsl:value-of select="r:Nik"/></xsl:when>
                <xsl:otherwise>–</xsl:otherwise>
              </xsl:choose>
            </td>
            <td class="subject"><xsl:value-of select="r:Subject"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    </div>
  </xsl:template>

  <!-- ======================================================== charts -->

  <!-- the largest of the values of $nodes, at least 1 -->
  <xsl:template name="max">
    <xsl:param name="nodes"/>
    <xsl:for-each select="$nodes">
      <xsl:sort select="." data-type="number" order="descending"/>
      <xsl:if test="position() = 1">
        <xsl:choose>
          <xsl:when test=". &gt; 0"><xsl:value-of select="."/></xsl:when>
          <xsl:otherwise>1</xsl:otherwise>
        </xsl:choose>
      </xsl:if>
    </xsl:for-each>
    <xsl:if test="not($nodes)">1</xsl:if>
  </xsl:template>

  <!--
    Received and closed side by side per day or month: a plot 1000 wide from
    x=70, baseline at y=200, the largest value 170 high; grid lines at the
    largest value and its half, written the Indonesian way.
  -->
  <xsl:template name="chart-trend">
    <xsl:param name="id"/>
    <xsl:param name="items"/>
    <xsl:variable name="n" select="count($items)"/>
    <xsl:variable name="largest"><xsl:call-template name="max"><xsl:with-param name="nodes" select="$items/@received | $items/@closed"/></xsl:call-template></xsl:variable>
    <!-- rounded up to a multiple of half its power of ten (3.334 to 3.500),
         and even, so that the middle grid line is a whole round number -->
    <xsl:variable name="mag" select="number(substring('1000000000000', 1, string-length(string(floor($largest)))))"/>
    <xsl:variable name="grain">
      <xsl:choose>
        <xsl:when test="$mag &gt;= 10"><xsl:value-of select="$mag div 2"/></xsl:when>
        <xsl:otherwise>2</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="max" select="ceiling($largest div $grain) * $grain"/>
    <xsl:variable name="slot" select="1000 div ($n + ($n = 0))"/>
    <xsl:variable name="step" select="ceiling($n div 31)"/>
    <svg id="{$id}" role="img" viewBox="0 0 1100 240" width="100%">
      <g style="stroke:#d5dde6">
        <line x1="70" y1="30" x2="1070" y2="30"/>
        <line x1="70" y1="115" x2="1070" y2="115"/>
      </g>
      <g style="fill:#5b6b7c">
        <text x="62" y="34" text-anchor="end"><xsl:call-template name="n"><xsl:with-param name="v" select="$max"/></xsl:call-template></text>
        <text x="62" y="119" text-anchor="end"><xsl:call-template name="n"><xsl:with-param name="v" select="$max div 2"/></xsl:call-template></text>
        <text x="62" y="204" text-anchor="end">0</text>
      </g>
      <xsl:for-each select="$items">
        <xsl:variable name="x" select="70 + (position() - 1) * $slot"/>
        <xsl:variable name="hr" select="@received * 170 div $max"/>
        <xsl:variable name="hc" select="@closed * 170 div $max"/>
        <xsl:variable name="label">
          <xsl:choose>
            <xsl:when test="@date"><xsl:call-template name="day"><xsl:with-param name="d" select="@date"/></xsl:call-template></xsl:when>
            <xsl:otherwise><xsl:call-template name="month"><xsl:with-param name="m" select="@month"/></xsl:call-template></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <rect x="{$x + $slot * 0.1}" y="{200 - $hr}" width="{$slot * 0.4}" height="{$hr}" fill="#0b5394">
          <title><xsl:value-of select="concat($label, ': diterima ', format-number(@received, '#.##0', 'id'))"/></title>
        </rect>
        <rect x="{$x + $slot * 0.5}" y="{200 - $hc}" width="{$slot * 0.4}" height="{$hc}" fill="#1b9e77">
          <title><xsl:value-of select="concat($label, ': selesai ', format-number(@closed, '#.##0', 'id'))"/></title>
        </rect>
        <xsl:if test="(position() - 1) mod $step = 0">
          <text x="{$x + $slot div 2}" y="218" text-anchor="middle" style="font-size:11px">
            <xsl:choose>
              <xsl:when test="@date"><xsl:value-of select="number(substring(@date, 9, 2))"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$label"/></xsl:otherwise>
            </xsl:choose>
          </text>
        </xsl:if>
        <xsl:if test="@month and @received &gt; 0">
          <text x="{$x + $slot * 0.3}" y="{196 - $hr}" text-anchor="middle" style="font-size:10px"><xsl:value-of select="format-number(@received, '#.##0', 'id')"/></text>
        </xsl:if>
      </xsl:for-each>
      <line x1="70" y1="200" x2="1070" y2="200" stroke="#5b6b7c"/>
      <xsl:if test="$items/@date">
        <text x="1070" y="236" text-anchor="end" style="fill:#5b6b7c;font-size:11px">tanggal, <xsl:call-template name="month"><xsl:with-param name="m" select="substring($items[1]/@date, 1, 7)"/></xsl:call-template><xsl:if test="substring($items[1]/@date, 1, 7) != substring($items[last()]/@date, 1, 7)"> – <xsl:call-template name="month"><xsl:with-param name="m" select="substring($items[last()]/@date, 1, 7)"/></xsl:call-template></xsl:if></text>
      </xsl:if>
    </svg>
    <div class="chart-legend"><span style="--c:#0b5394">Diterima</span><span style="--c:#1b9e77">Selesai / ditutup</span></div>
  </xsl:template>

  <!-- per PUJK: closed and open stacked, the late count beside -->
  <xsl:template name="chart-pujk">
    <xsl:variable name="rows-n" select="count($pujks)"/>
    <xsl:variable name="max"><xsl:call-template name="max"><xsl:with-param name="nodes" select="$pujks/r:Received"/></xsl:call-template></xsl:variable>
    <xsl:variable name="scale" select="800 div $max"/>
    <svg id="chart-status" role="img" viewBox="0 0 1100 {$rows-n * 30 + 10}" width="100%">
      <xsl:for-each select="$pujks">
        <xsl:variable name="y" select="(position() - 1) * 30 + 5"/>
        <text x="90" y="{$y + 14}" text-anchor="end"><xsl:value-of select="@code"/></text>
        <rect x="100" y="{$y}" width="800" height="20" fill="#f0f3f6"/>
        <rect x="100" y="{$y}" width="{r:Closed * $scale}" height="20" fill="#1b9e77">
          <title><xsl:value-of select="concat(@code, ' selesai/ditutup: ', format-number(r:Closed, '#.##0', 'id'))"/></title>
        </rect>
        <rect x="{100 + r:Closed * $scale}" y="{$y}" width="{r:Open * $scale}" height="20" fill="#e6ab02">
          <title><xsl:value-of select="concat(@code, ' terbuka: ', format-number(r:Open, '#.##0', 'id'))"/></title>
        </rect>
        <text x="{100 + r:Received * $scale + 6}" y="{$y + 14}"><xsl:call-template name="n"><xsl:with-param name="v" select="r:Received"/></xsl:call-template><xsl:if test="r:Late &gt; 0"> · <tspan style="fill:#c0392b;font-weight:600">terlambat <xsl:call-template name="n"><xsl:with-param name="v" select="r:Late"/></xsl:call-template></tspan></xsl:if></text>
      </xsl:for-each>
    </svg>
    <div class="chart-legend"><span style="--c:#1b9e77">Selesai / ditutup</span><span style="--c:#e6ab02">Terbuka</span></div>
  </xsl:template>

  <xsl:template name="chart-ontime">
    <xsl:variable name="rows-n" select="count($pujks)"/>
    <svg id="chart-ontime" role="img" viewBox="0 0 540 {$rows-n * 30 + 30}" width="100%">
      <xsl:for-each select="$pujks">
        <xsl:variable name="y" select="(position() - 1) * 30 + 5"/>
        <text x="90" y="{$y + 14}" text-anchor="end"><xsl:value-of select="@code"/></text>
        <rect x="100" y="{$y}" width="360" height="20" fill="#f0f3f6"/>
        <xsl:choose>
          <xsl:when test="r:OnTimeShare">
            <rect x="100" y="{$y}" width="{r:OnTimeShare * 3.6}" height="20" fill="#1b9e77">
              <title><xsl:value-of select="concat(@code, ': ', format-number(r:OnTimeShare, '#.##0,0', 'id'), '%')"/></title>
            </rect>
            <text x="468" y="{$y + 14}"><xsl:value-of select="format-number(r:OnTimeShare, '#.##0,0', 'id')"/>%</text>
          </xsl:when>
          <xsl:otherwise>
            <text x="468" y="{$y + 14}" style="fill:#5b6b7c">–</text>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
      <g style="fill:#5b6b7c">
        <text x="100" y="{$rows-n * 30 + 22}" text-anchor="middle">0%</text>
        <text x="280" y="{$rows-n * 30 + 22}" text-anchor="middle">50%</text>
        <text x="460" y="{$rows-n * 30 + 22}" text-anchor="middle">100%</text>
      </g>
    </svg>
  </xsl:template>

  <xsl:template name="age-bar">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:param name="label"/>
    <xsl:param name="max"/>
    <xsl:param name="color"/>
    <xsl:variable name="h" select="$n * 150 div $max"/>
    <rect x="{40 + $i * 120}" y="{180 - $h}" width="80" height="{$h}" fill="{$color}">
      <title><xsl:value-of select="concat($label, ': ', format-number($n, '#.##0', 'id'))"/></title>
    </rect>
    <text x="{80 + $i * 120}" y="{174 - $h}" text-anchor="middle" style="font-weight:600"><xsl:value-of select="format-number($n, '#.##0', 'id')"/></text>
    <text x="{80 + $i * 120}" y="198" text-anchor="middle"><xsl:value-of select="$label"/></text>
  </xsl:template>

  <xsl:template name="chart-age">
    <xsl:variable name="a" select="$total/r:OpenByAge"/>
    <xsl:variable name="max"><xsl:call-template name="max"><xsl:with-param name="nodes" select="$a/@*"/></xsl:call-template></xsl:variable>
    <svg id="chart-age" role="img" viewBox="0 0 520 210" width="100%">
      <line x1="30" y1="180" x2="510" y2="180" stroke="#5b6b7c"/>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="0"/><xsl:with-param name="n" select="$a/@upTo5"/><xsl:with-param name="label" select="'≤ 5'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#66a61e'"/></xsl:call-template>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="1"/><xsl:with-param name="n" select="$a/@from6To10"/><xsl:with-param name="label" select="'6–10'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#e6ab02'"/></xsl:call-template>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="2"/><xsl:with-param name="n" select="$a/@from11To20"/><xsl:with-param name="label" select="'11–20'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#d95f02'"/></xsl:call-template>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="3"/><xsl:with-param name="n" select="$a/@over20"/><xsl:with-param name="label" select="'&gt; 20'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#c0392b'"/></xsl:call-template>
    </svg>
  </xsl:template>

</xsl:stylesheet>
