/*
 * prolog - the scan before the parser; see prolog.h.
 */
#include "xml/prolog.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void prolog_position(const unsigned char *buf, size_t at, struct prolog *pr)
{
	pr->line = 1;
	pr->col = 1;
	for (size_t i = 0; i < at; i++) {
		if (buf[i] == '\n') {
			pr->line++;
			pr->col = 1;
		} else {
			pr->col++;
		}
	}
}

static const unsigned char *find(const unsigned char *s, const unsigned char *end, const char *what)
{
	size_t n = strlen(what);

	for (; s + n <= end; s++)
		if (memcmp(s, what, n) == 0)
			return s;
	return NULL;
}

static int is_name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int prolog_refuse(struct prolog *pr, const unsigned char *buf, const unsigned char *at,
			 enum err_code code, const char *msg)
{
	pr->code = code;
	prolog_position(buf, (size_t)(at - buf), pr);
	snprintf(pr->msg, sizeof(pr->msg), "%s", msg);
	return -1;
}

/* The value of pseudo-attribute at in an XML declaration, cut to fit name;
 * -1 when it is not quoted. */
static int declared_value(const unsigned char *at, size_t skip, const unsigned char *end,
			  char name[32])
{
	const unsigned char *v;
	unsigned char quote;
	size_t n = 0;

	for (v = at + skip; v < end && (*v == ' ' || *v == '=' || *v == '\t'); v++)
		;
	if (v >= end || (*v != '"' && *v != '\''))
		return -1;
	quote = *v++;
	while (v < end && *v != quote && n < 31)
		name[n++] = (char)*v++;
	name[n] = '\0';
	return 0;
}

/* An XML declaration must say version 1.0 (the exchange's files are XML 1.0,
 * whose rules the schemas and the escaping assume) and, if it names an
 * encoding, UTF-8. */
static int check_declaration(struct prolog *pr, const unsigned char *buf,
			     const unsigned char *s, const unsigned char *end)
{
	const unsigned char *ver = find(s, end, "version");
	const unsigned char *enc = find(s, end, "encoding");
	const unsigned char *v;
	unsigned char quote;
	char name[32] = "";
	size_t n = 0;

	if (ver != NULL && (declared_value(ver, 7, end, name) != 0 || strcmp(name, "1.0") != 0)) {
		char msg[96];

		snprintf(msg, sizeof(msg), "XML version '%s' is not accepted: files are XML 1.0",
			 name);
		return prolog_refuse(pr, buf, ver, ERR_XML_MALFORMED, msg);
	}
	if (enc == NULL)
		return 0;
	for (v = enc + 8; v < end && (*v == ' ' || *v == '=' || *v == '\t'); v++)
		;
	if (v >= end || (*v != '"' && *v != '\''))
		return prolog_refuse(pr, buf, enc, ERR_XML_MALFORMED, "bad encoding declaration");
	quote = *v++;
	while (v < end && *v != quote && n < sizeof(name) - 1)
		name[n++] = (char)*v++;
	name[n] = '\0';
	if (strcasecmp(name, "UTF-8") != 0) {
		char msg[96];

		snprintf(msg, sizeof(msg), "encoding '%s' is not accepted: files must be UTF-8",
			 name);
		return prolog_refuse(pr, buf, enc, ERR_XML_MALFORMED, msg);
	}
	return 0;
}

int prolog_scan(const unsigned char *buf, size_t len, struct prolog *pr)
{
	const unsigned char *s = buf, *end = buf + len, *close;
	size_t n = 0;

	memset(pr, 0, sizeof(*pr));
	if (len >= 2 && ((buf[0] == 0xFE && buf[1] == 0xFF) || (buf[0] == 0xFF && buf[1] == 0xFE)))
		return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
				     "UTF-16 is not accepted: files must be UTF-8");
	if (len >= 2 && (buf[0] == 0 || buf[1] == 0))
		return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
				     "UTF-16 or UTF-32 is not accepted: files must be UTF-8");
	if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
		s += 3;
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++;
		if (s >= end)
			return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
					     len >= PROLOG_MAX ? "no root element in the first 64 KiB"
							       : "no root element");
		if (*s != '<')
			return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
					     "content before the root element");
		if (end - s >= 6 && memcmp(s, "<?xml", 5) == 0 &&
		    (s[5] == ' ' || s[5] == '\t' || s[5] == '\r' || s[5] == '\n' || s[5] == '?')) {
			close = find(s, end, "?>");
			if (close == NULL)
				return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
						     "unterminated XML declaration");
			if (check_declaration(pr, buf, s, close) != 0)
				return -1;
			s = close + 2;
		} else if (end - s >= 2 && s[1] == '?') {
			close = find(s, end, "?>");
			if (close == NULL)
				return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
						     "unterminated processing instruction");
			s = close + 2;
		} else if (end - s >= 4 && memcmp(s, "<!--", 4) == 0) {
			close = find(s + 4, end, "-->");
			if (close == NULL)
				return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED,
						     "unterminated comment");
			s = close + 3;
		} else if (end - s >= 2 && s[1] == '!') {
			return prolog_refuse(pr, buf, s, ERR_XML_FORBIDDEN,
					     end - s >= 9 && memcmp(s, "<!DOCTYPE", 9) == 0
						     ? "a DOCTYPE is not allowed"
						     : "a declaration is not allowed");
		} else if (end - s >= 2 && is_name_start(s[1])) {
			s++;
			while (s < end && n < sizeof(pr->root) - 1 && *s != ' ' && *s != '>' &&
			       *s != '/' && *s != '\t' && *s != '\r' && *s != '\n')
				pr->root[n++] = (char)*s++;
			pr->root[n] = '\0';
			return 0;
		} else {
			return prolog_refuse(pr, buf, s, ERR_XML_MALFORMED, "not XML");
		}
	}
}
