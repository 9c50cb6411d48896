/*
 * names - strict matching of exchange file names; see names.h.
 */
#include "domain/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const prefixes[] = {
	[NAME_NONE] = "", [NAME_CB] = "CB", [NAME_RSP] = "RSP", [NAME_DSP] = "DSP", [NAME_ACK] = "ACK",
};

const char *names_kind_prefix(enum name_kind k)
{
	return k <= NAME_ACK ? prefixes[k] : "";
}

int names_code_valid(const char *code)
{
	size_t n = strlen(code);

	if (n < 3 || n > 12)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9')))
			return 0;
	return 1;
}

static int digits(const char *s, int n, int *value)
{
	*value = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*value = *value * 10 + (s[i] - '0');
	}
	return 1;
}

static int real_date(int ymd)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* "<PREFIX>_<CODE>_<YYYYMMDD>_<SEQ6>" at s; returns its length or 0. */
static size_t match_base(const char *s, enum name_kind *kind, struct exchange_name *out)
{
	const char *p = s, *us;
	size_t code_len;

	*kind = NAME_NONE;
	for (int k = NAME_CB; k <= NAME_DSP; k++) {
		size_t n = strlen(prefixes[k]);

		if (strncmp(p, prefixes[k], n) == 0 && p[n] == '_') {
			*kind = (enum name_kind)k;
			p += n + 1;
			break;
		}
	}
	if (*kind == NAME_NONE)
		return 0;
	us = strchr(p, '_');
	if (us == NULL)
		return 0;
	code_len = (size_t)(us - p);
	if (code_len < 3 || code_len > 12)
		return 0;
	memcpy(out->code, p, code_len);
	out->code[code_len] = '\0';
	if (!names_code_valid(out->code))
		return 0;
	p = us + 1;
	if (!digits(p, 8, &out->date) || p[8] != '_' || !real_date(out->date))
		return 0;
	p += 9;
	if (!digits(p, 6, &out->seq))
		return 0;
	return (size_t)(p + 6 - s);
}

int names_parse(const char *name, struct exchange_name *out)
{
	struct exchange_name n;
	enum name_kind kind;
	const char *rest, *base = name;
	size_t len;

	memset(&n, 0, sizeof(n));
	if (strncmp(name, "ACK_", 4) == 0) {
		n.kind = NAME_ACK;
		base = name + 4;
	}
	len = match_base(base, &kind, &n);
	if (len == 0 || (n.kind == NAME_ACK && kind == NAME_DSP))
		return -1;
	if (n.kind == NAME_ACK)
		n.acked = kind;
	else
		n.kind = kind;
	len += (size_t)(base - name);
	n.answer = 1;
	if (n.kind == NAME_ACK && name[len] == '_') {
		/* the n-th answer to one base name (SPEC §3): _2, _3...; no leading zero */
		size_t d = strspn(name + len + 1, "0123456789");

		if (d == 0 || d > 6 || name[len + 1] == '0')
			return -1;
		n.answer = atoi(name + len + 1);
		if (n.answer < 2)
			return -1;
		len += 1 + d;
	}
	memcpy(n.base, name, len);
	n.base[len] = '\0';
	rest = name + len;
	if (strcmp(rest, ".xml") == 0 || strcmp(rest, ".xml.p7s") == 0)
		strcpy(n.ext, "xml");
	else if (n.kind != NAME_ACK && (strcmp(rest, ".zip") == 0 || strcmp(rest, ".zip.p7s") == 0))
		strcpy(n.ext, "zip");
	else
		return -1;
	n.signature = strstr(rest, ".p7s") != NULL;
	*out = n;
	return 0;
}
