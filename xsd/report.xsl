<?xml version="1.0" encoding="UTF-8"?>
<!--
  report.xsl - turns a Report (report.xsd) into the report's HTML page: one
  self-contained page in Indonesian, with inline CSS (print included) and
  inline SVG charts, nothing fetched.  slktx applies it with libxslt from
  the copy compiled into the binary; `xsltproc report.xsl report.xml` gives
  the same page.  XSLT 1.0, no extension.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:slktx:exchange:1"
                exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="tickets" select="/r:Report/r:Tickets/r:Ticket"/>
  <!-- the tickets of a PUJK in a status, looked up once for the status chart -->
  <xsl:key name="pujk-status" match="r:Ticket" use="concat(r:PujkCode, ' ', r:Status)"/>
  <xsl:variable name="pujks" select="/r:Report/r:Summary/r:Pujk"/>
  <xsl:variable name="total" select="/r:Report/r:Summary/r:Total"/>

  <!-- ======================================================= helpers -->

  <xsl:template name="time">
    <xsl:param name="t"/>
    <xsl:choose>
      <xsl:when test="string($t)">
        <xsl:value-of select="concat(substring($t, 1, 10), ' ', substring($t, 12, 5))"/>
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

  <xsl:template name="status-color">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s = 'BARU'">#d95f02</xsl:when>
      <xsl:when test="$s = 'DIAMBIL_ALIH'">#e6ab02</xsl:when>
      <xsl:when test="$s = 'DITINDAKLANJUTI'">#7570b3</xsl:when>
      <xsl:when test="$s = 'DITANGGAPI'">#66a61e</xsl:when>
      <xsl:when test="$s = 'USULAN_SELESAI'">#1f78b4</xsl:when>
      <xsl:when test="$s = 'SELESAI'">#1b9e77</xsl:when>
      <xsl:when test="$s = 'DIKEMBALIKAN'">#a6761d</xsl:when>
      <xsl:otherwise>#8c8c8c</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="opt">
    <xsl:param name="v"/>
    <xsl:param name="suffix"/>
    <xsl:choose>
      <xsl:when test="string($v)"><xsl:value-of select="concat($v, $suffix)"/></xsl:when>
      <xsl:otherwise>–</xsl:otherwise>
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
main { max-width: 1200px; margin: 0 auto; padding: 28px 32px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 14px 0 0; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
.warn { background: #fff4e5; border-left: 4px solid #e67e22; padding: 8px 12px; margin: 12px 0; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin: 8px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.card .v { font-size: 24px; font-weight: 700; }
.card .k { color: var(--muted); font-size: 12px; }
.card.late .v { color: var(--late); }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: right; vertical-align: top; }
th { background: var(--band); font-weight: 600; text-align: center; }
td.t, th.t { text-align: left; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr.total td { font-weight: 700; background: #eef3f8; }
#figures { font-size: 11.5px; }
#figures th, #figures td { padding: 4px 4px; }
#figures td.t { min-width: 8.5em; }
#figures th { hyphens: auto; }
#figures th.age { white-space: nowrap; }
td.late { color: var(--late); font-weight: 700; }
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
              <dd id="period"><xsl:value-of select="$h/r:PeriodFrom"/> s.d. <xsl:value-of select="$h/r:PeriodTo"/> (tanggal diterima, WIB)</dd>
              <dt>PUJK</dt>
              <dd>
                <xsl:choose>
                  <xsl:when test="$h/r:PujkCode"><xsl:value-of select="$h/r:PujkCode"/></xsl:when>
                  <xsl:otherwise>Semua PUJK</xsl:otherwise>
                </xsl:choose>
              </dd>
              <dt>Posisi per</dt>
              <dd><xsl:call-template name="time"><xsl:with-param name="t" select="$h/r:AsOf"/></xsl:call-template> WIB</dd>
              <dt>Dibuat</dt>
              <dd><xsl:call-template name="time"><xsl:with-param name="t" select="$h/r:CreatedAt"/></xsl:call-template> WIB</dd>
              <dt>Batas waktu</dt>
              <dd>pengaduan <xsl:value-of select="$h/r:Sla/@pengaduanDays"/> hari kerja, indikasi pengaduan <xsl:value-of select="$h/r:Sla/@indikasiDays"/> hari kerja, perpanjangan <xsl:value-of select="$h/r:Sla/@extensionDays"/> hari kerja</dd>
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
              <div class="card"><div class="v" id="total-received"><xsl:value-of select="$total/r:Received"/></div><div class="k">Tiket diterima (PGD <xsl:value-of select="$total/r:ReceivedPgd"/>, IND <xsl:value-of select="$total/r:ReceivedInd"/>)</div></div>
              <div class="card"><div class="v" id="total-closed"><xsl:value-of select="$total/r:Closed"/></div><div class="k">Selesai / ditutup</div></div>
              <div class="card"><div class="v" id="total-open"><xsl:value-of select="$total/r:Open"/></div><div class="k">Masih terbuka</div></div>
              <div class="card late"><div class="v" id="total-late"><xsl:value-of select="$total/r:Late"/></div><div class="k">Terlambat</div></div>
              <div class="card"><div class="v" id="total-ontime"><xsl:call-template name="opt"><xsl:with-param name="v" select="$total/r:OnTimeShare"/><xsl:with-param name="suffix" select="'%'"/></xsl:call-template></div><div class="k">Ditanggapi tepat waktu</div></div>
              <div class="card"><div class="v" id="total-median"><xsl:call-template name="opt"><xsl:with-param name="v" select="$total/r:MedianDaysToFirstResponse"/><xsl:with-param name="suffix" select="''"/></xsl:call-template></div><div class="k">Median hari kerja ke tanggapan pertama</div></div>
            </div>
          </section>

          <section>
            <h2>Grafik</h2>
            <div class="charts">
              <figure class="wide">
                <figcaption>Tiket menurut status per PUJK</figcaption>
                <xsl:call-template name="chart-status"/>
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
                <xsl:for-each select="$total">
                  <tr class="total" id="pujk-total">
                    <td class="t">Total</td>
                    <xsl:call-template name="figure-cells"/>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </section>

          <section>
            <h2>Daftar tiket (<xsl:value-of select="count($tickets)"/>)</h2>
            <table id="tickets">
              <thead>
                <tr>
                  <th class="t">No. tiket</th><th class="t">Jenis</th><th class="t">PUJK</th><th class="t">Status</th>
                  <th class="t">Diterima</th><th class="t">Batas waktu</th><th class="t">Tanggapan pertama</th>
                  <th class="t">Usulan penyelesaian</th><th class="t">Terlambat</th><th class="t">NIK</th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="$tickets">
                  <tr id="ticket-{r:TicketNo}">
                    <td class="t mono"><xsl:value-of select="r:TicketNo"/></td>
                    <td class="t"><xsl:value-of select="r:Kind"/></td>
                    <td class="t"><xsl:value-of select="r:PujkCode"/></td>
                    <td class="t"><xsl:call-template name="status-label"><xsl:with-param name="s" select="r:Status"/></xsl:call-template></td>
                    <td class="t"><xsl:call-template name="time"><xsl:with-param name="t" select="r:ReceivedAt"/></xsl:call-template></td>
                    <td class="t"><xsl:value-of select="r:DueDate"/></td>
                    <td class="t"><xsl:call-template name="time"><xsl:with-param name="t" select="r:FirstResponseAt"/></xsl:call-template></td>
                    <td class="t"><xsl:call-template name="time"><xsl:with-param name="t" select="r:ProposalAt"/></xsl:call-template></td>
                    <xsl:choose>
                      <xsl:when test="r:Late = 'true' or r:Late = '1'"><td class="t late">Ya</td></xsl:when>
                      <xsl:otherwise><td class="t">Tidak</td></xsl:otherwise>
                    </xsl:choose>
                    <td class="t mono"><xsl:call-template name="opt"><xsl:with-param name="v" select="r:Nik"/><xsl:with-param name="suffix" select="''"/></xsl:call-template></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </section>

          <section class="notes">
            <h2>Keterangan</h2>
            <ul>
              <li>Tiket dihitung dalam periode menurut tanggal diterima (WIB) dan dicatat pada PUJK yang bertanggung jawab pada waktu "posisi per". Semua angka lain mengikuti riwayat yang tercatat sampai waktu itu.</li>
              <li>Hari kerja: Senin–Jumat di luar hari libur nasional dan cuti bersama; hari diterima (atau hari pengalihan) tidak dihitung.</li>
              <li>Terlambat: tanggapan pertama atau usulan penyelesaian setelah batas waktu, atau tiket masih menunggu PUJK setelah batas waktu.</li>
              <li>Tepat waktu: bagian tiket yang telah ditanggapi yang tanggapan pertamanya paling lambat pada batas waktu.</li>
              <li>Umur tiket terbuka: hari kerja sejak penugasan sampai tanggal "posisi per".</li>
              <li>Data konsumen disamarkan: NIK hanya empat digit terakhir; nama, telepon dan surel tidak dimuat.</li>
            </ul>
          </section>

          <footer>Dibuat oleh slktx dari report.xml (skema report.xsd, namespace urn:slktx:exchange:1). Berkas XML adalah sumber data laporan ini.</footer>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="figure-cells">
    <td class="received"><xsl:value-of select="r:Received"/></td>
    <td><xsl:value-of select="r:ReceivedPgd"/></td>
    <td><xsl:value-of select="r:ReceivedInd"/></td>
    <td><xsl:value-of select="r:TakenOver"/></td>
    <td><xsl:value-of select="r:FollowedUp"/></td>
    <td><xsl:value-of select="r:Proposed"/></td>
    <td><xsl:value-of select="r:Accepted"/></td>
    <td><xsl:value-of select="r:Rejected"/></td>
    <td><xsl:value-of select="r:Closed"/></td>
    <td><xsl:value-of select="r:Open"/></td>
    <td class="latecount"><xsl:value-of select="r:Late"/></td>
    <td><xsl:call-template name="opt"><xsl:with-param name="v" select="r:OnTimeShare"/><xsl:with-param name="suffix" select="'%'"/></xsl:call-template></td>
    <td><xsl:call-template name="opt"><xsl:with-param name="v" select="r:MedianDaysToFirstResponse"/><xsl:with-param name="suffix" select="''"/></xsl:call-template></td>
    <td><xsl:call-template name="opt"><xsl:with-param name="v" select="r:MedianDaysToProposal"/><xsl:with-param name="suffix" select="''"/></xsl:call-template></td>
    <td><xsl:value-of select="r:OpenByAge/@upTo5"/></td>
    <td><xsl:value-of select="r:OpenByAge/@from6To10"/></td>
    <td><xsl:value-of select="r:OpenByAge/@from11To20"/></td>
    <td><xsl:value-of select="r:OpenByAge/@over20"/></td>
  </xsl:template>

  <!-- ======================================================== charts -->

  <!-- the largest Received of the PUJK rows, at least 1 -->
  <xsl:variable name="max-received">
    <xsl:for-each select="$pujks">
      <xsl:sort select="r:Received" data-type="number" order="descending"/>
      <xsl:if test="position() = 1">
        <xsl:choose>
          <xsl:when test="r:Received &gt; 0"><xsl:value-of select="r:Received"/></xsl:when>
          <xsl:otherwise>1</xsl:otherwise>
        </xsl:choose>
      </xsl:if>
    </xsl:for-each>
    <xsl:if test="not($pujks)">1</xsl:if>
  </xsl:variable>

  <xsl:variable name="statuses" select="'BARU DIAMBIL_ALIH DITINDAKLANJUTI DITANGGAPI USULAN_SELESAI DIKEMBALIKAN SELESAI DITUTUP '"/>

  <!-- one stacked segment per status, recursing over the status list -->
  <xsl:template name="status-segments">
    <xsl:param name="code"/>
    <xsl:param name="list"/>
    <xsl:param name="x"/>
    <xsl:param name="y"/>
    <xsl:param name="scale"/>
    <xsl:if test="string($list)">
      <xsl:variable name="s" select="substring-before($list, ' ')"/>
      <xsl:variable name="n" select="count(key('pujk-status', concat($code, ' ', $s)))"/>
      <xsl:if test="$n &gt; 0">
        <xsl:variable name="color"><xsl:call-template name="status-color"><xsl:with-param name="s" select="$s"/></xsl:call-template></xsl:variable>
        <rect x="{$x}" y="{$y}" width="{$n * $scale}" height="20" fill="{$color}">
          <title><xsl:value-of select="concat($code, ' ', $s, ': ', $n)"/></title>
        </rect>
        <xsl:if test="$n * $scale &gt;= 18">
          <text x="{$x + $n * $scale div 2}" y="{$y + 14}" text-anchor="middle" style="fill:#fff;font-weight:600"><xsl:value-of select="$n"/></text>
        </xsl:if>
      </xsl:if>
      <xsl:call-template name="status-segments">
        <xsl:with-param name="code" select="$code"/>
        <xsl:with-param name="list" select="substring-after($list, ' ')"/>
        <xsl:with-param name="x" select="$x + $n * $scale"/>
        <xsl:with-param name="y" select="$y"/>
        <xsl:with-param name="scale" select="$scale"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="legend-items">
    <xsl:param name="list"/>
    <xsl:if test="string($list)">
      <xsl:variable name="s" select="substring-before($list, ' ')"/>
      <xsl:variable name="color"><xsl:call-template name="status-color"><xsl:with-param name="s" select="$s"/></xsl:call-template></xsl:variable>
      <span style="--c:{$color}"><xsl:call-template name="status-label"><xsl:with-param name="s" select="$s"/></xsl:call-template></span>
      <xsl:call-template name="legend-items"><xsl:with-param name="list" select="substring-after($list, ' ')"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="chart-status">
    <xsl:variable name="rows" select="count($pujks)"/>
    <xsl:variable name="scale" select="900 div $max-received"/>
    <svg id="chart-status" role="img" viewBox="0 0 1100 {$rows * 30 + 10}" width="100%">
      <xsl:for-each select="$pujks">
        <xsl:variable name="y" select="(position() - 1) * 30 + 5"/>
        <text x="90" y="{$y + 14}" text-anchor="end"><xsl:value-of select="@code"/></text>
        <rect x="100" y="{$y}" width="900" height="20" fill="#f0f3f6"/>
        <xsl:call-template name="status-segments">
          <xsl:with-param name="code" select="@code"/>
          <xsl:with-param name="list" select="$statuses"/>
          <xsl:with-param name="x" select="100"/>
          <xsl:with-param name="y" select="$y"/>
          <xsl:with-param name="scale" select="$scale"/>
        </xsl:call-template>
        <text x="{100 + r:Received * $scale + 6}" y="{$y + 14}"><xsl:value-of select="r:Received"/></text>
      </xsl:for-each>
    </svg>
    <div class="legend">
      <xsl:call-template name="legend-items"><xsl:with-param name="list" select="$statuses"/></xsl:call-template>
    </div>
  </xsl:template>

  <xsl:template name="chart-ontime">
    <xsl:variable name="rows" select="count($pujks)"/>
    <svg id="chart-ontime" role="img" viewBox="0 0 540 {$rows * 30 + 30}" width="100%">
      <xsl:for-each select="$pujks">
        <xsl:variable name="y" select="(position() - 1) * 30 + 5"/>
        <text x="90" y="{$y + 14}" text-anchor="end"><xsl:value-of select="@code"/></text>
        <rect x="100" y="{$y}" width="360" height="20" fill="#f0f3f6"/>
        <xsl:choose>
          <xsl:when test="r:OnTimeShare">
            <rect x="100" y="{$y}" width="{r:OnTimeShare * 3.6}" height="20" fill="#1b9e77">
              <title><xsl:value-of select="concat(@code, ': ', r:OnTimeShare, '%')"/></title>
            </rect>
            <text x="468" y="{$y + 14}"><xsl:value-of select="r:OnTimeShare"/>%</text>
          </xsl:when>
          <xsl:otherwise>
            <text x="468" y="{$y + 14}" style="fill:#5b6b7c">–</text>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
      <g style="fill:#5b6b7c">
        <text x="100" y="{$rows * 30 + 22}" text-anchor="middle">0%</text>
        <text x="280" y="{$rows * 30 + 22}" text-anchor="middle">50%</text>
        <text x="460" y="{$rows * 30 + 22}" text-anchor="middle">100%</text>
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
      <title><xsl:value-of select="concat($label, ': ', $n)"/></title>
    </rect>
    <text x="{80 + $i * 120}" y="{174 - $h}" text-anchor="middle" style="font-weight:600"><xsl:value-of select="$n"/></text>
    <text x="{80 + $i * 120}" y="198" text-anchor="middle"><xsl:value-of select="$label"/></text>
  </xsl:template>

  <xsl:template name="chart-age">
    <xsl:variable name="a" select="$total/r:OpenByAge"/>
    <xsl:variable name="max">
      <xsl:for-each select="$a/@*">
        <xsl:sort select="." data-type="number" order="descending"/>
        <xsl:if test="position() = 1">
          <xsl:choose>
            <xsl:when test=". &gt; 0"><xsl:value-of select="."/></xsl:when>
            <xsl:otherwise>1</xsl:otherwise>
          </xsl:choose>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <svg id="chart-age" role="img" viewBox="0 0 520 210" width="100%">
      <line x1="30" y1="180" x2="510" y2="180" stroke="#5b6b7c"/>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="0"/><xsl:with-param name="n" select="$a/@upTo5"/><xsl:with-param name="label" select="'≤ 5'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#66a61e'"/></xsl:call-template>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="1"/><xsl:with-param name="n" select="$a/@from6To10"/><xsl:with-param name="label" select="'6–10'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#e6ab02'"/></xsl:call-template>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="2"/><xsl:with-param name="n" select="$a/@from11To20"/><xsl:with-param name="label" select="'11–20'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#d95f02'"/></xsl:call-template>
      <xsl:call-template name="age-bar"><xsl:with-param name="i" select="3"/><xsl:with-param name="n" select="$a/@over20"/><xsl:with-param name="label" select="'&gt; 20'"/><xsl:with-param name="max" select="$max"/><xsl:with-param name="color" select="'#c0392b'"/></xsl:call-template>
    </svg>
  </xsl:template>

</xsl:stylesheet>
