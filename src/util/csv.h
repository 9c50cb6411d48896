/*
 * csv - the one way slktx writes a CSV cell, for every CSV it writes
 * (ticket list --csv, the reports, the daily archive).
 *
 * A cell is RFC 4180: quoted when it holds a comma, a quote, CR or LF, the
 * quote doubled.  Text that a spreadsheet would run as a formula is
 * neutralised first (OWASP's CSV injection rule): a cell starting with =, +,
 * -, @, TAB or CR gets a leading apostrophe, so that a complaint subject
 * "=cmd|' /C calc'!A0" shows as text.  A plain number ("-3", "92.2") is left
 * as it is: it cannot be a formula, and a spreadsheet must read it as a
 * number.
 *
 * Files start with CSV_BOM so that spreadsheets read them as UTF-8, and
 * times are written by csv_time_wib, a form spreadsheets read as a date.
 */
#ifndef SLKTX_CSV_H
#define SLKTX_CSV_H

#include <stddef.h>
#include <stdint.h>

#define CSV_BOM "\xEF\xBB\xBF"

/* Where the bytes go: called with pieces of the cell, in order. */
typedef void (*csv_put_fn)(void *ctx, const char *s, size_t n);

/* Write one cell (no separator): neutralised, then quoted as needed. */
void csv_cell(const char *text, csv_put_fn put, void *ctx);

/* 1 when csv_cell would prefix text with an apostrophe. */
int csv_is_formula(const char *text);

/* UTC seconds as the WIB time "2026-11-26 23:13:44" (Asia/Jakarta, +07:00). */
void csv_time_wib(int64_t utc, char out[20]);

#endif
