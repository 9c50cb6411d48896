/*
 * records - the record rules that need no ledger, copies, times; see records.h.
 */
#include "domain/records.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *element;
	enum record_type type;
} elements[] = {
	{ "NewTicket", REC_NEW_TICKET },
	{ "TakeOver", REC_TAKE_OVER },
	{ "FollowUp", REC_FOLLOW_UP },
	{ "ResolutionProposal", REC_RESOLUTION_PROPOSAL },
	{ "Decision", REC_DECISION_ACCEPTED },
	{ "Misrouted", REC_MISROUTED },
	{ "Reassign", REC_REASSIGN },
	{ "Closure", REC_CLOSURE },
	{ "OjkNote", REC_OJK_NOTE },
	{ "HistoryRequest", REC_HISTORY_REQUEST },
};

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int num(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int records_parse_time(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 1;
	const char *p;

	/* the schema's dateTime collapses white space around the value */
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;

	if (strlen(s) < 20 || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
	    num(s + 8, 2, &d) || s[10] != 'T' || num(s + 11, 2, &h) || s[13] != ':' ||
	    num(s + 14, 2, &mi) || s[16] != ':' || num(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (num(p + 1, 2, &oh) || p[3] != ':' || num(p + 4, 2, &om))
			return -1;
		p += 6;
	} else {
		return -1;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60 ||
	    oh > 14 || om > 59)
		return -1;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return 0;
}

static void format_time(int64_t t, int offset_s, const char *suffix, char buf[32])
{
	int64_t local = t + offset_s;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t secs = local - days * 86400;
	int y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, 32, "%04d-%02u-%02uT%02d:%02d:%02d%s", y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60), suffix);
}

void records_format_wib(int64_t t, char buf[32])
{
	format_time(t, 7 * 3600, "+07:00", buf);
}

void records_format_utc(int64_t t, char buf[32])
{
	format_time(t, 0, "Z", buf);
}

int records_type_of(const char *element, enum record_type *type)
{
	for (size_t i = 0; i < sizeof(elements) / sizeof(elements[0]); i++) {
		if (strcmp(elements[i].element, element) == 0) {
			*type = elements[i].type;
			return 0;
		}
	}
	return -1;
}

int records_settle(struct record *r, const char *file, struct err *e)
{
	if (r->ticket_no == NULL)
		return err_set_at(e, ERR_SCHEMA_INVALID, file, r->line, r->col,
				  "record '%s' has no TicketNo", r->id ? r->id : "");
	r->kind = strncmp(r->ticket_no, "PGD-", 4) == 0 ? KIND_PGD : KIND_IND;
	if (r->outcome && strcmp(r->outcome, "REJECTED") == 0)
		r->type = REC_DECISION_REJECTED;
	if (r->amount && r->currency == NULL)
		r->currency = "IDR";
	if (r->type == REC_RESOLUTION_PROPOSAL && r->resolution &&
	    strcmp(r->resolution, "MONETARY_RELIEF") == 0 && r->amount == NULL)
		return err_set_at(e, ERR_SCHEMA_INVALID, file, r->line, r->col,
				  "record '%s': a MONETARY_RELIEF proposal needs an Amount",
				  r->id ? r->id : "");
	return 0;
}

/* A string field outside the unions would not be copied. */
_Static_assert(sizeof(((struct record *)0)->strings) ==
		       offsetof(struct record, att) - offsetof(struct record, element),
	       "every string of struct record is in its strings[]");
_Static_assert(sizeof(((struct attachment_ref *)0)->strings) ==
		       offsetof(struct attachment_ref, size),
	       "every string of struct attachment_ref is in its strings[]");

static size_t strings_size(const char *const *v, int n)
{
	size_t size = 0;

	for (int i = 0; i < n; i++)
		size += v[i] ? strlen(v[i]) + 1 : 0;
	return size;
}

size_t records_copy_size(const struct record *r)
{
	size_t n = (size_t)r->n_att * sizeof(struct attachment_ref) +
		   strings_size(r->strings, RECORDS_STRINGS);

	for (int i = 0; i < r->n_att; i++)
		n += strings_size(r->att[i].strings, RECORDS_ATT_STRINGS);
	return n;
}

/* Copy n strings of src into dst, their bytes at *s. */
static void copy_strings(const char **dst, const char *const *src, int n, char **s)
{
	for (int i = 0; i < n; i++) {
		size_t len;

		if (src[i] == NULL) {
			dst[i] = NULL;
			continue;
		}
		len = strlen(src[i]) + 1;
		memcpy(*s, src[i], len);
		dst[i] = *s;
		*s += len;
	}
}

void records_copy_to(struct record *dst, void *tail, const struct record *r)
{
	struct attachment_ref *att = tail;
	char *s = (char *)(att + r->n_att);

	*dst = *r;
	copy_strings(dst->strings, r->strings, RECORDS_STRINGS, &s);
	for (int i = 0; i < r->n_att; i++) {
		att[i] = r->att[i];
		copy_strings(att[i].strings, r->att[i].strings, RECORDS_ATT_STRINGS, &s);
	}
	dst->att = r->n_att > 0 ? att : NULL;
}

enum err_code records_check(const struct record *r, const char *file, int64_t now, long skew,
			    struct err *e)
{
	if (r->at < RECORDS_EARLIEST) {
		err_set_at(e, ERR_TIME_INVALID, file, r->line, r->col,
			   "record '%s': %s lies before 2000-01-01", r->id, r->at_text);
		return ERR_TIME_INVALID;
	}
	if (r->at > now + skew) {
		err_set_at(e, ERR_TIME_INVALID, file, r->line, r->col,
			   "record '%s': %s lies in the future", r->id, r->at_text);
		return ERR_TIME_INVALID;
	}
	return ERR_NONE;
}

enum err_code records_check_created(const char *text, const char *file, long line, long col,
				    int64_t now, long skew, struct err *e)
{
	int64_t at;

	if (text == NULL || records_parse_time(text, &at) != 0) {
		err_set_at(e, ERR_SCHEMA_INVALID, file, line, col,
			   "'CreatedAt' is not a timestamp with an offset");
		return ERR_SCHEMA_INVALID;
	}
	if (at < RECORDS_EARLIEST) {
		err_set_at(e, ERR_SCHEMA_INVALID, file, line, col,
			   "CreatedAt '%s' lies before 2000-01-01", text);
		return ERR_SCHEMA_INVALID;
	}
	if (at > now + RECORDS_CREATED_AHEAD + skew) {
		err_set_at(e, ERR_SCHEMA_INVALID, file, line, col,
			   "CreatedAt '%s' lies more than a day in the future", text);
		return ERR_SCHEMA_INVALID;
	}
	return ERR_NONE;
}
