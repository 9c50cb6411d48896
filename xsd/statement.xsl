<?xml version="1.0" encoding="UTF-8"?>
<!--
  statement.xsl - turns a daily Statement (statement.xsd) into one
  self-contained HTML page in Indonesian, for a back-office clerk who has no
  software of his own:

      xsltproc statement.xsl STM_BANKA_20261129_000001.xml > laporan.html

  Inline CSS (print included), nothing fetched.  Days are shown as
  "29 Nov 2026" (WIB), numbers the Indonesian way (1.234).  XSLT 1.0, no
  extension, so that any XSLT processor gives the same page.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:s="urn:slktx:exchange:1"
                exclude-result-prefixes="s">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:decimal-format name="id" decimal-separator="," grouping-separator="." minus-sign="-"/>

  <xsl:variable name="h" select="/s:Statement/s:Header"/>
  <xsl:variable name="tickets" select="/s:Statement/s:Tickets/s:Ticket"/>
  <xsl:variable name="years" select="/s:Statement/s:Summary/s:ByYear/s:Year"/>

  <!-- ======================================================= helpers -->

  <xsl:template name="num">
    <xsl:param name="n"/>
    <xsl:value-of select="format-number($n, '#.##0', 'id')"/>
  </xsl:template>

  <xsl:template name="month-short">
    <xsl:param name="m"/>
    <xsl:value-of select="substring('JanFebMarAprMeiJunJulAguSepOktNovDes', 3 * (number($m) - 1) + 1, 3)"/>
  </xsl:template>

  <xsl:template name="month-long">
    <xsl:param name="m"/>
    <xsl:choose>
      <xsl:when test="$m = '01'">Januari</xsl:when>
      <xsl:when test="$m = '02'">Februari</xsl:when>
      <xsl:when test="$m = '03'">Maret</xsl:when>
      <xsl:when test="$m = '04'">April</xsl:when>
      <xsl:when test="$m = '05'">Mei</xsl:when>
      <xsl:when test="$m = '06'">Juni</xsl:when>
      <xsl:when test="$m = '07'">Juli</xsl:when>
      <xsl:when test="$m = '08'">Agustus</xsl:when>
      <xsl:when test="$m = '09'">September</xsl:when>
      <xsl:when test="$m = '10'">Oktober</xsl:when>
      <xsl:when test="$m = '11'">November</xsl:when>
      <xsl:otherwise>Desember</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- YYYY-MM-DD (or the start of an xs:dateTime in WIB) as "29 Nov 2026" -->
  <xsl:template name="day">
    <xsl:param name="d"/>
    <xsl:value-of select="number(substring($d, 9, 2))"/>
    <xsl:text> </xsl:text>
    <xsl:call-template name="month-short"><xsl:with-param name="m" select="substring($d, 6, 2)"/></xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:value-of select="substring($d, 1, 4)"/>
  </xsl:template>

  <!-- an xs:dateTime written by the hub in WIB (+07:00) as "29 Nov 2026 23:59 WIB" -->
  <xsl:template name="time">
    <xsl:param name="t"/>
    <xsl:call-template name="day"><xsl:with-param name="d" select="$t"/></xsl:call-template>
    <xsl:value-of select="concat(' ', substring($t, 12, 5), ' WIB')"/>
  </xsl:template>

  <xsl:template name="weekday">
    <xsl:param name="d"/>
    <!-- Zeller's congruence on the ISO day: 0 = Sabtu -->
    <xsl:variable name="y0" select="number(substring($d, 1, 4))"/>
    <xsl:variable name="m0" select="number(substring($d, 6, 2))"/>
    <xsl:variable name="q" select="number(substring($d, 9, 2))"/>
    <xsl:variable name="m" select="$m0 + 12 * ($m0 &lt; 3)"/>
    <xsl:variable name="y" select="$y0 - ($m0 &lt; 3)"/>
    <xsl:variable name="k" select="$y mod 100"/>
    <xsl:variable name="j" select="floor($y div 100)"/>
    <xsl:variable name="w" select="($q + floor(13 * ($m + 1) div 5) + $k + floor($k div 4) + floor($j div 4) + 5 * $j) mod 7"/>
    <xsl:value-of select="substring-before(substring-after('|0Sabtu|1Minggu|2Senin|3Selasa|4Rabu|5Kamis|6Jumat|', concat('|', $w)), '|')"/>
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

  <xsl:template name="kind-label">
    <xsl:param name="k"/>
    <xsl:choose>
      <xsl:when test="$k = 'PGD'">Pengaduan</xsl:when>
      <xsl:otherwise>Indikasi</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- the six count cells of a Day, Month or Year, then its total received -->
  <xsl:template name="count-cells">
    <xsl:param name="row"/>
    <xsl:for-each select="$row/s:Count[@kind = 'PGD'] | $row/s:Count[@kind = 'IND']">
      <td class="n"><xsl:call-template name="num"><xsl:with-param name="n" select="@received"/></xsl:call-template></td>
      <td class="n"><xsl:call-template name="num"><xsl:with-param name="n" select="@open"/></xsl:call-template></td>
      <td>
        <xsl:attribute name="class">n<xsl:if test="@late &gt; 0"> late</xsl:if></xsl:attribute>
        <xsl:call-template name="num"><xsl:with-param name="n" select="@late"/></xsl:call-template>
      </td>
    </xsl:for-each>
    <td class="n total"><xsl:call-template name="num"><xsl:with-param name="n" select="sum($row/s:Count/@received)"/></xsl:call-template></td>
  </xsl:template>

  <xsl:template name="count-head">
    <xsl:param name="first"/>
    <thead>
      <tr>
        <th rowspan="2"><xsl:value-of select="$first"/></th>
        <th colspan="3" class="grp">Pengaduan (PGD)</th>
        <th colspan="3" class="grp">Indikasi pengaduan (IND)</th>
        <th rowspan="2" class="n">Jumlah diterima</th>
      </tr>
      <tr>
        <th class="n">Diterima</th><th class="n">Terbuka</th><th class="n">Terlambat</th>
        <th class="n">Diterima</th><th class="n">Terbuka</th><th class="n">Terlambat</th>
      </tr>
    </thead>
  </xsl:template>

  <!-- ======================================================= the page -->

  <xsl:template match="/">
    <xsl:variable name="asof" select="$h/s:AsOf"/>
    <html lang="id">
      <head>
        <meta charset="UTF-8"/>
        <title>
          <xsl:text>Laporan Harian Pengaduan </xsl:text>
          <xsl:value-of select="$h/s:PujkCode"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="substring($asof, 1, 10)"/>
        </title>
        <style>
body { font-family: "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d2430; margin: 24px 32px; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px 0; }
h2 { font-size: 18px; margin: 28px 0 8px 0; border-bottom: 2px solid #1f4e79; padding-bottom: 4px; color: #1f4e79; }
.sub { color: #4a5565; margin: 0 0 16px 0; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0 0 16px 0; }
dl.meta dt { color: #4a5565; }
dl.meta dd { margin: 0; font-weight: 600; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #c9d3e0; border-radius: 6px; padding: 10px 16px; min-width: 150px; background: #f5f8fc; }
.card .v { font-size: 26px; font-weight: 700; }
.card .k { color: #4a5565; }
.card.warn { background: #fdecea; border-color: #e3a29b; }
.card.warn .v { color: #b3261e; }
table { border-collapse: collapse; margin: 4px 0 8px 0; }
th, td { border: 1px solid #c9d3e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #e8eef6; font-weight: 600; white-space: nowrap; }
td.nw { white-space: nowrap; }
th.grp { text-align: center; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.total { font-weight: 600; }
td.late { color: #b3261e; font-weight: 700; }
tr.zero td { color: #9aa3ae; }
tr.weekend td:first-child { color: #9aa3ae; }
tr.is-late td { background: #fdecea; }
tr.due-soon td { background: #fff6db; }
tr.done td { color: #5f6b7a; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; }
.tag.late { background: #b3261e; color: #fff; }
.tag.ok { background: #e3f1e8; color: #1b6b3a; }
.legend span { display: inline-block; padding: 0 8px; margin-right: 8px; border: 1px solid #c9d3e0; }
.note { color: #4a5565; font-size: 12px; max-width: 60em; }
.cols { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
@media print { body { margin: 8mm; font-size: 11px; } h2 { break-after: avoid; } tr { break-inside: avoid; } .card { min-width: 100px; } }
        </style>
      </head>
      <body>
        <h1>Laporan Harian Pengaduan</h1>
        <p class="sub">
          <xsl:text>Daftar pengaduan PUJK </xsl:text>
          <strong><xsl:value-of select="$h/s:PujkCode"/></strong>
          <xsl:text> pada akhir hari </xsl:text>
          <xsl:call-template name="weekday"><xsl:with-param name="d" select="$asof"/></xsl:call-template>
          <xsl:text>, </xsl:text>
          <xsl:call-template name="day"><xsl:with-param name="d" select="$asof"/></xsl:call-template>
        </p>
        <dl class="meta">
          <dt>Kode PUJK</dt><dd id="pujk"><xsl:value-of select="$h/s:PujkCode"/></dd>
          <dt>Keadaan per</dt><dd id="asof"><xsl:call-template name="time"><xsl:with-param name="t" select="$asof"/></xsl:call-template></dd>
          <dt>Dibuat</dt><dd><xsl:call-template name="time"><xsl:with-param name="t" select="$h/s:CreatedAt"/></xsl:call-template></dd>
          <dt>Nomor laporan</dt><dd><xsl:value-of select="$h/s:StatementId"/></dd>
        </dl>

        <div class="cards">
          <div class="card"><div class="v" id="total-open"><xsl:call-template name="num"><xsl:with-param name="n" select="sum($years/s:Count/@open)"/></xsl:call-template></div><div class="k">tiket masih terbuka</div></div>
          <div class="card"><div class="v" id="total-pujk"><xsl:call-template name="num"><xsl:with-param name="n" select="count($tickets[@waitsFor = 'PUJK'])"/></xsl:call-template></div><div class="k">menunggu tindakan PUJK</div></div>
          <div class="card"><div class="v" id="total-ojk"><xsl:call-template name="num"><xsl:with-param name="n" select="count($tickets[@waitsFor = 'OJK'])"/></xsl:call-template></div><div class="k">menunggu OJK</div></div>
          <div>
            <xsl:attribute name="class">card<xsl:if test="sum($years/s:Count/@late) &gt; 0"> warn</xsl:if></xsl:attribute>
            <div class="v" id="total-late"><xsl:call-template name="num"><xsl:with-param name="n" select="sum($years/s:Count/@late)"/></xsl:call-template></div><div class="k">tiket terlambat</div>
          </div>
          <div class="card"><div class="v" id="total-received"><xsl:call-template name="num"><xsl:with-param name="n" select="sum($years/s:Count/@received)"/></xsl:call-template></div><div class="k">tiket diterima (semua tahun)</div></div>
        </div>

        <h2>Daftar tiket</h2>
        <p class="note">Tiket yang masih terbuka pada akhir hari, dan tiket yang berubah dalam 31 hari terakhir.
          Sisa SLA: hari kerja tersisa sampai batas waktu (0 = hari ini batas waktunya, negatif = lewat batas waktu),
          hanya selama tiket menunggu tindakan PUJK.</p>
        <p class="legend"><span style="background:#fdecea">terlambat</span><span style="background:#fff6db">sisa SLA 0–2 hari kerja</span></p>
        <xsl:choose>
          <xsl:when test="$tickets">
            <table id="tickets">
              <thead>
                <tr>
                  <th>No.</th><th>Nomor tiket</th><th>Jenis</th><th>Status</th><th>Diterima</th>
                  <th>Batas waktu</th><th class="n">Sisa SLA (hari kerja)</th><th>Terlambat</th><th>Menunggu</th>
                  <th>Perihal</th><th class="n">Peristiwa terakhir (no.)</th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="$tickets">
                  <tr id="ticket-{s:TicketNo}">
                    <xsl:attribute name="class">
                      <xsl:choose>
                        <xsl:when test="@late = 'true' or @late = '1'">is-late</xsl:when>
                        <xsl:when test="string(@slaDaysLeft) and @slaDaysLeft &lt;= 2">due-soon</xsl:when>
                        <xsl:when test="@waitsFor = 'NONE'">done</xsl:when>
                      </xsl:choose>
                    </xsl:attribute>
                    <td class="n"><xsl:value-of select="position()"/></td>
                    <td class="nw"><xsl:value-of select="s:TicketNo"/></td>
                    <td><xsl:call-template name="kind-label"><xsl:with-param name="k" select="s:Kind"/></xsl:call-template></td>
                    <td class="nw"><xsl:call-template name="status-label"><xsl:with-param name="s" select="@status"/></xsl:call-template></td>
                    <td class="nw"><xsl:call-template name="day"><xsl:with-param name="d" select="s:ReceivedAt"/></xsl:call-template></td>
                    <td class="nw"><xsl:call-template name="day"><xsl:with-param name="d" select="@dueDate"/></xsl:call-template></td>
                    <td class="n">
                      <xsl:choose>
                        <xsl:when test="string(@slaDaysLeft)"><xsl:value-of select="@slaDaysLeft"/></xsl:when>
                        <xsl:otherwise>–</xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td>
                      <xsl:choose>
                        <xsl:when test="@late = 'true' or @late = '1'"><span class="tag late">Ya</span></xsl:when>
                        <xsl:otherwise><span class="tag ok">Tidak</span></xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td>
                      <xsl:choose>
                        <xsl:when test="@waitsFor = 'PUJK'">PUJK</xsl:when>
                        <xsl:when test="@waitsFor = 'OJK'">OJK</xsl:when>
                        <xsl:otherwise>– (selesai)</xsl:otherwise>
                      </xsl:choose>
                    </td>
                    <td><xsl:value-of select="s:Subject"/></td>
                    <td class="n"><xsl:value-of select="@eventSeq"/></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </xsl:when>
          <xsl:otherwise><p id="no-tickets">Tidak ada tiket terbuka dan tidak ada perubahan dalam 31 hari terakhir.</p></xsl:otherwise>
        </xsl:choose>

        <h2>Ringkasan</h2>
        <p class="note">Tiket dihitung menurut tanggal diterima (WIB). "Terbuka" dan "Terlambat" adalah keadaan tiket-tiket itu pada akhir hari laporan.</p>
        <div class="cols">
          <div>
            <h3>Per tahun</h3>
            <table id="by-year">
              <xsl:call-template name="count-head"><xsl:with-param name="first" select="'Tahun'"/></xsl:call-template>
              <tbody>
                <xsl:for-each select="$years">
                  <xsl:sort select="@year" order="descending"/>
                  <tr id="year-{@year}">
                    <td><xsl:value-of select="@year"/></td>
                    <xsl:call-template name="count-cells"><xsl:with-param name="row" select="."/></xsl:call-template>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
            <h3>Per bulan (12 bulan terakhir)</h3>
            <table id="by-month">
              <xsl:call-template name="count-head"><xsl:with-param name="first" select="'Bulan'"/></xsl:call-template>
              <tbody>
                <xsl:for-each select="/s:Statement/s:Summary/s:ByMonth/s:Month">
                  <xsl:sort select="@month" order="descending"/>
                  <tr id="month-{@month}">
                    <xsl:if test="sum(s:Count/@received) = 0"><xsl:attribute name="class">zero</xsl:attribute></xsl:if>
                    <td>
                      <xsl:call-template name="month-long"><xsl:with-param name="m" select="substring(@month, 6, 2)"/></xsl:call-template>
                      <xsl:value-of select="concat(' ', substring(@month, 1, 4))"/>
                    </td>
                    <xsl:call-template name="count-cells"><xsl:with-param name="row" select="."/></xsl:call-template>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
          <div>
            <h3>Per hari (31 hari terakhir)</h3>
            <table id="by-day">
              <xsl:call-template name="count-head"><xsl:with-param name="first" select="'Tanggal'"/></xsl:call-template>
              <tbody>
                <xsl:for-each select="/s:Statement/s:Summary/s:ByDay/s:Day">
                  <xsl:sort select="@date" order="descending"/>
                  <xsl:variable name="wd"><xsl:call-template name="weekday"><xsl:with-param name="d" select="@date"/></xsl:call-template></xsl:variable>
                  <tr id="day-{@date}">
                    <xsl:if test="sum(s:Count/@received) = 0"><xsl:attribute name="class">zero</xsl:attribute></xsl:if>
                    <td>
                      <xsl:value-of select="concat(substring($wd, 1, 3), ', ')"/>
                      <xsl:call-template name="day"><xsl:with-param name="d" select="@date"/></xsl:call-template>
                    </td>
                    <xsl:call-template name="count-cells"><xsl:with-param name="row" select="."/></xsl:call-template>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </div>
        <p class="note">Laporan ini dibuat oleh hub SLKT (slktx) dan ditandatangani secara elektronik
          (<xsl:value-of select="$h/s:StatementId"/>.xml.p7s). Data pribadi konsumen tidak dimuat;
          rincian setiap pengaduan ada pada kiriman (DSP) yang diterima PUJK.</p>
      </body>
    </html>
  </xsl:template>

</xsl:stylesheet>
