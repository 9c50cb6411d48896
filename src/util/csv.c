/*
 * csv - CSV cells neutralised and quoted; see csv.h.
 */
#include "util/csv.h"

#include <string.h>
#include <time.h>

/* WIB has no daylight saving: a fixed offset, no time zone database needed */
#define WIB_OFFSET (7 * 3600)

static int is_plain_number(const char *s)
{
	int digits = 0;

	if (*s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.' || *s == ',') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++)
			digits++;
	}
	return digits > 0 && *s == '\0';
}

int csv_is_formula(const char *text)
{
	return strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0' &&
	       !is_plain_number(text);
}

void csv_cell(const char *text, csv_put_fn put, void *ctx)
{
	int quoted = strpbrk(text, ",\"\r\n") != NULL;

	if (quoted)
		put(ctx, "\"", 1);
	if (csv_is_formula(text))
		put(ctx, "'", 1);
	for (const char *p = text; *p != '\0';) {
		size_t run = quoted ? strcspn(p, "\"") : strlen(p);

		put(ctx, p, run);
		p += run;
		if (*p == '"') {
			put(ctx, "\"\"", 2);
			p++;
		}
	}
	if (quoted)
		put(ctx, "\"", 1);
}

void csv_time_wib(int64_t utc, char out[20])
{
	time_t t = (time_t)(utc + WIB_OFFSET);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		memcpy(out, "0000-00-00 00:00:00", 20);
		return;
	}
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}
