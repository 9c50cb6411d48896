/*
 * calendar - working days in Asia/Jakarta; see calendar.h for the contract.
 *
 * The holidays of all loaded years sit in one sorted array of days; the years
 * that have a file in a second small array.  Days and civil dates convert
 * with Howard Hinnant's proleptic Gregorian algorithms ("chrono-compatible
 * low-level date algorithms"), so no libc time zone function is involved.
 */
#include "domain/calendar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/embedded.h"

#define WIB_OFFSET_S (7 * 3600)
#define DAY_S 86400
/* a holiday file is a few dozen lines; anything this large is not one */
#define HOLIDAY_FILE_MAX (1024 * 1024)

struct calendar {
	struct year {
		int year;
		int provisional;
	} *years; /* the years that have a file */
	size_t nyears;
	int32_t *holidays; /* sorted */
	size_t nholidays;
	size_t cap;
	int missing; /* earliest year touched without a file, or 0 */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int year_of(int32_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return y;
}

int32_t calendar_day_of(int64_t utc_seconds)
{
	return (int32_t)floor_div(utc_seconds + WIB_OFFSET_S, DAY_S);
}

int64_t calendar_day_start(int32_t day)
{
	return (int64_t)day * DAY_S - WIB_OFFSET_S;
}

int calendar_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday */
	return (int)(((int64_t)day % 7 + 7 + 4) % 7);
}

static int is_weekday(int32_t day)
{
	int w = calendar_weekday(day);

	return w != 0 && w != 6;
}

/* Weekdays from a fixed Monday up to and including day; only differences matter. */
static int64_t weekdays_through(int32_t day)
{
	int64_t s = (int64_t)day + 3; /* 0 is Monday 1969-12-29 */
	int64_t r = s - floor_div(s, 7) * 7;

	return 5 * floor_div(s, 7) + (r + 1 < 5 ? r + 1 : 5);
}

enum calendar_year_status calendar_year_status(const struct calendar *c, int year)
{
	for (size_t i = 0; i < c->nyears; i++)
		if (c->years[i].year == year)
			return c->years[i].provisional ? CALENDAR_YEAR_PROVISIONAL
						       : CALENDAR_YEAR_KNOWN;
	return CALENDAR_YEAR_MISSING;
}

static void note_year(struct calendar *c, int year)
{
	if (calendar_year_status(c, year) == CALENDAR_YEAR_KNOWN)
		return;
	if (c->missing == 0 || year < c->missing)
		c->missing = year;
}

/* Index of the first holiday >= day. */
static size_t lower_bound(const struct calendar *c, int32_t day)
{
	size_t lo = 0, hi = c->nholidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_holiday(const struct calendar *c, int32_t day)
{
	size_t i = lower_bound(c, day);

	return i < c->nholidays && c->holidays[i] == day;
}

int calendar_is_working_day(struct calendar *c, int32_t day)
{
	note_year(c, year_of(day));
	return is_weekday(day) && !is_holiday(c, day);
}

int32_t calendar_add_working_days(struct calendar *c, int32_t from_day, int n)
{
	int32_t day = from_day;

	for (int left = n; left > 0;) {
		day++;
		if (calendar_is_working_day(c, day))
			left--;
	}
	return day;
}

int calendar_working_days_between(struct calendar *c, int32_t from_day, int32_t to_day)
{
	int32_t lo = from_day < to_day ? from_day : to_day;
	int32_t hi = from_day < to_day ? to_day : from_day;
	int64_t count = weekdays_through(hi) - weekdays_through(lo);

	/* the days counted are (lo, hi] */
	for (size_t i = lower_bound(c, lo + 1); i < c->nholidays && c->holidays[i] <= hi; i++)
		if (is_weekday(c->holidays[i]))
			count--;
	if (lo < hi)
		for (int y = year_of(lo + 1); y <= year_of(hi); y++)
			note_year(c, y);
	return (int)(from_day <= to_day ? count : -count);
}

int calendar_missing_year(const struct calendar *c)
{
	return c->missing;
}

void calendar_clear_missing(struct calendar *c)
{
	c->missing = 0;
}

void calendar_format_day(int32_t day, char buf[11])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int parse_date(const char *s, size_t len, int32_t *day)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

int calendar_parse_day(const char *s, int32_t *day)
{
	return parse_date(s, strlen(s), day);
}

static int add_holiday(struct calendar *c, int32_t day, struct err *e)
{
	if (c->nholidays == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		int32_t *h = realloc(c->holidays, cap * sizeof(*h));

		if (h == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
		c->holidays = h;
		c->cap = cap;
	}
	c->holidays[c->nholidays++] = day;
	return 0;
}

/* "YYYY.txt" with a year of 0001..9999: its year, or 0 for any other name. */
static int file_year(const char *name)
{
	int y;

	if (strlen(name) != 8 || strcmp(name + 4, ".txt") != 0)
		return 0;
	y = digits(name, 4);
	return y > 0 ? y : 0;
}

/* Add the holidays of one file's bytes; `where` names it in errors. */
static int parse_file(struct calendar *c, const char *where, int year, const char *data,
		      size_t size, struct err *e)
{
	size_t pos = 0;
	long line = 0;
	int provisional = 0;
	struct year *years;

	while (pos < size) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - s) : size - pos;
		size_t i = 0;
		int32_t day;

		pos += len + (nl != NULL);
		line++;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len || s[i] == '#')
			continue;
		if (len == 11 && memcmp(s, "provisional", 11) == 0) {
			provisional = 1;
			continue;
		}
		if (memchr(s, '\0', len))
			return err_set_at(e, ERR_CONFIG, where, line, 0, "NUL byte in holiday file");
		if (i != 0 || len < 10 || parse_date(s, 10, &day) < 0 ||
		    (len > 10 && s[10] != ' ' && s[10] != '\t'))
			return err_set_at(e, ERR_CONFIG, where, line, 1,
					  "expected a date YYYY-MM-DD, then optionally a blank and a text");
		if (year_of(day) != year)
			return err_set_at(e, ERR_CONFIG, where, line, 1,
					  "date '%.10s' is not in %04d", s, year);
		for (size_t h = 0; h < c->nholidays; h++)
			if (c->holidays[h] == day)
				return err_set_at(e, ERR_CONFIG, where, line, 1,
						  "date '%.10s' is listed twice", s);
		if (add_holiday(c, day, e) < 0)
			return -1;
	}
	years = realloc(c->years, (c->nyears + 1) * sizeof(*years));
	if (years == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	c->years = years;
	c->years[c->nyears].year = year;
	c->years[c->nyears++].provisional = provisional;
	return 0;
}

static int load_embedded(struct calendar *c, struct err *e)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		char where[64];
		int year = file_year(f->name);

		if (year == 0)
			continue;
		snprintf(where, sizeof(where), "embedded:%s", f->name);
		if (parse_file(c, where, year, (const char *)f->data, f->size, e) < 0)
			return -1;
	}
	if (c->nyears == 0)
		return err_set(e, ERR_INTERNAL, "no holiday file is embedded");
	return 0;
}

static int load_file(struct calendar *c, const char *path, int year, struct err *e)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		/* a link (ELOOP under O_NOFOLLOW) is the configuration's fault */
		err_sys(e, errno == ELOOP ? ERR_CONFIG : ERR_IO, "cannot open '%s'", path);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		err_sys(e, ERR_IO, "cannot stat '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > HOLIDAY_FILE_MAX) {
		err_set_at(e, ERR_CONFIG, path, 0, 0, "not a regular file of at most %d bytes",
			   HOLIDAY_FILE_MAX);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (data == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	rc = parse_file(c, path, year, data, got, e);
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int load_dir(struct calendar *c, const char *dir, struct err *e)
{
	DIR *d;
	struct dirent *ent;
	int rc = -1;

	d = opendir(dir);
	if (d == NULL) {
		err_sys(e, errno == ENOENT || errno == ENOTDIR ? ERR_CONFIG : ERR_IO,
			"cannot open calendar directory '%s'", dir);
		goto out;
	}
	for (errno = 0; (ent = readdir(d)) != NULL; errno = 0) {
		char path[PATH_MAX];
		int year = file_year(ent->d_name);

		/* anything else (a README, an editor's backup) is not a calendar */
		if (year == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name) >= (int)sizeof(path)) {
			err_set(e, ERR_CONFIG, "path too long: '%s/%s'", dir, ent->d_name);
			goto out;
		}
		if (load_file(c, path, year, e) < 0)
			goto out;
	}
	if (errno != 0) {
		err_sys(e, ERR_IO, "cannot read calendar directory '%s'", dir);
		goto out;
	}
	if (c->nyears == 0) {
		err_set(e, ERR_CONFIG, "no holiday file (YYYY.txt) in calendar directory '%s'", dir);
		goto out;
	}
	rc = 0;
out:
	if (d)
		closedir(d);
	return rc;
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

int calendar_load(struct calendar **out, const char *dir, struct err *e)
{
	struct calendar *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if ((dir && *dir ? load_dir(c, dir, e) : load_embedded(c, e)) < 0) {
		calendar_free(c);
		return -1;
	}
	/* a calendar of years without holidays has no array: qsort(NULL, 0) is undefined */
	if (c->nholidays > 1)
		qsort(c->holidays, c->nholidays, sizeof(*c->holidays), cmp_day);
	*out = c;
	return 0;
}

void calendar_free(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->holidays);
	free(c->years);
	free(c);
}
