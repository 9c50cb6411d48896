/*
 * textesc - see textesc.h.  UTF-8 is decoded strictly (no overlong forms,
 * no surrogates, nothing past U+10FFFF), so that no byte sequence a
 * terminal could read as a control slips through as "a character".
 */
#include "util/textesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The code point at s (n bytes of it valid UTF-8), or -1 when s is not well-formed. */
static long decode(const unsigned char *s, size_t *n)
{
	static const long min[4] = { 0, 0x80, 0x800, 0x10000 };
	size_t len;
	long cp;

	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return -1;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) /* the NUL too */
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min[len - 1] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*n = len;
	return cp;
}

static int must_escape(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t text_escape(char *out, size_t size, const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t total = 0, written = 0;
	int full = 0; /* a piece did not fit: nothing after it is written */

	while (*p != '\0') {
		char esc[16];
		const char *piece = esc;
		size_t n = 1, plen;
		long cp = decode(p, &n);

		if (cp < 0)
			snprintf(esc, sizeof(esc), "\\x%02x", p[0]);
		else if ((flags & TEXT_ESCAPE_KEEP_NEWLINES) && cp == '\r' && p[1] == '\n')
			piece = ""; /* the LF that follows is the line break */
		else if (cp == '\n')
			piece = (flags & TEXT_ESCAPE_KEEP_NEWLINES) ? "\n" : "\\n";
		else if (cp == '\r')
			piece = "\\r";
		else if (cp == '\t')
			piece = "\\t";
		else if (must_escape(cp))
			snprintf(esc, sizeof(esc), "\\u%04lx", (unsigned long)cp);
		else
			piece = (const char *)p;
		plen = piece == (const char *)p ? n : strlen(piece);
		if (!full && written + plen < size) {
			memcpy(out + written, piece, plen);
			written += plen;
		} else {
			full = 1;
		}
		total += plen;
		p += n;
	}
	if (size > 0)
		out[written] = '\0';
	return total;
}

char *text_escape_dup(const char *s, int flags)
{
	size_t n = text_escape(NULL, 0, s, flags);
	char *d = malloc(n + 1);

	if (d != NULL)
		text_escape(d, n + 1, s, flags);
	return d;
}
