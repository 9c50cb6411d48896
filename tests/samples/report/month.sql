-- month.sql - @N@ tickets of a month straight into a ledger that
-- ledger-fixture has made (its schema, the PUJK of month.awk's first lines,
-- file 1), for the report's test at scale (t7002): what ledger-fixture would
-- take minutes to write event by event.  The hash chain is not real (the
-- report reads only its head); the rows are those the apply stage writes.
-- @START@ is the month's first instant (UTC seconds of 00:00 WIB), @DAYS@
-- its days.  Every fifth ticket of PGD is taken over the next day; IND
-- tickets are answered; every seventh complaint is closed by OJK.
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < @N@ - 1),
t AS (SELECT n,
  printf('%s-2026-%06d', CASE WHEN n % 3 = 2 THEN 'IND' ELSE 'PGD' END, n + 1) AS no,
  CASE WHEN n % 3 = 2 THEN 'IND' ELSE 'PGD' END AS kind,
  CASE n % 5 WHEN 0 THEN 'BANKA' WHEN 1 THEN 'BANKB' WHEN 2 THEN 'ASURC' WHEN 3 THEN 'FINCD' ELSE 'DOMPE' END AS pujk,
  @START@ + (n * @DAYS@ / @N@) * 86400 + (8 + n % 9) * 3600 + (n % 60) * 60 AS at
  FROM i)
INSERT INTO event(seq, ticket_no, pujk_code, prior_pujk, record, actor, officer_id, happened_at,
  recorded_at, file_id, record_id, status_before, status_after, detail, hash)
SELECT 1000000 + n * 2, no, pujk, NULL, 'NewTicket', 'INTAKE', NULL, at, at, 1, 'n' || n, NULL,
  'BARU', json_object('pujkCode', pujk, 'receivedAt', at, 'channel', 'WEB', 'product', 'Kartu Kredit',
  'consumer', json_object('name', 'Konsumen ' || n, 'nik', printf('3174%012d', n)),
  'subject', CASE n % 6 WHEN 0 THEN 'Tagihan ganda' WHEN 1 THEN 'Bunga naik tanpa pemberitahuan'
   WHEN 2 THEN 'Klaim ditolak tanpa penjelasan tertulis dari perusahaan asuransi'
   WHEN 3 THEN 'Penagihan tidak patut' WHEN 4 THEN 'Saldo berkurang' ELSE 'Pelunasan tidak diproses' END,
  'description', 'Uraian.'), printf('%064d', n)
FROM t
UNION ALL
SELECT 1000000 + n * 2 + 1, no, pujk, NULL,
  CASE WHEN kind = 'IND' THEN 'FollowUp' WHEN n % 7 = 0 THEN 'Closure' ELSE 'TakeOver' END,
  CASE WHEN kind = 'PGD' AND n % 7 = 0 THEN 'INTAKE' ELSE 'SERVICE' END, NULL,
  at + 86400, at + 86400, 1, 'r' || n, 'BARU',
  CASE WHEN kind = 'IND' THEN 'DITANGGAPI' WHEN n % 7 = 0 THEN 'DITUTUP' ELSE 'DIAMBIL_ALIH' END,
  CASE WHEN kind = 'IND' THEN '{"action":"EXPLANATION_GIVEN"}' ELSE '{}' END, printf('%064d', n)
FROM t WHERE (kind = 'IND' OR n % 5 = 0 OR n % 7 = 0) AND at + 86400 < @START@ + @DAYS@ * 86400;
INSERT INTO ticket(no, kind, pujk_code, status, received_at, assigned_at, due_day, extended,
  first_response_at, proposal_at, closed_at, created_seq, updated_seq)
SELECT e.ticket_no, substr(e.ticket_no, 1, 3), e.pujk_code, COALESCE(u.status_after, 'BARU'),
  e.happened_at, e.happened_at, 0, 0,
  CASE WHEN u.actor = 'SERVICE' THEN u.happened_at END, NULL,
  CASE WHEN u.status_after = 'DITUTUP' THEN u.happened_at END, e.seq, COALESCE(u.seq, e.seq)
FROM event e LEFT JOIN event u ON u.seq = e.seq + 1 AND u.ticket_no = e.ticket_no
WHERE e.seq >= 1000000 AND e.record = 'NewTicket';
