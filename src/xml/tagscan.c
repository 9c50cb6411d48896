/*
 * tagscan - bounded work per start tag; see tagscan.h.
 */
#define _GNU_SOURCE /* memrchr */
#include "xml/tagscan.h"

#include <stdio.h>
#include <string.h>

enum {
	S_TEXT,   /* character data, up to a '<' */
	S_LT,     /* just past a '<' */
	S_STAG,   /* in a start tag, outside its values */
	S_VALUE,  /* in a quoted attribute value */
	S_BANG,   /* just past "<!" */
	S_UNTIL,  /* in markup that ends at the next '>': an end tag, a declaration */
	S_TERM,   /* in a comment, CDATA or PI: ends at term_len term bytes and '>' */
};

void tagscan_init(struct tagscan *t, int max_attrs, size_t max_tag_bytes)
{
	memset(t, 0, sizeof(*t));
	t->max_attrs = max_attrs;
	t->max_tag_bytes = max_tag_bytes;
	t->state = S_TEXT;
	t->line = 1;
}

/* The position of the next c at or after i, or n. */
static size_t scan_to(const unsigned char *b, size_t i, size_t n, unsigned char c)
{
	const unsigned char *end = memchr(b + i, c, n - i);

	return end ? (size_t)(end - b) : n;
}

/* The byte k places before b[j], from the chunk before when need be. */
static unsigned char before(const struct tagscan *t, const unsigned char *b, size_t j, size_t k)
{
	return j >= k ? b[j - k] : t->prev[k - j - 1];
}

/*
 * The new lines in b[0..n).  Blocks of a fixed size, so that the compiler
 * vectorises the loop at -O2: a chunk costs a few microseconds.
 */
static size_t count_lines(const unsigned char *b, size_t n)
{
	size_t lines = 0, i = 0;

	for (; i + 64 <= n; i += 64) {
		unsigned char block = 0;

		for (size_t k = 0; k < 64; k++)
			block += b[i + k] == '\n';
		lines += block;
	}
	for (; i < n; i++)
		lines += b[i] == '\n';
	return lines;
}

/*
 * The line and column of the open tag's '<', at b[off] of the chunk at
 * base, given the new lines before it.  Lines are counted once per chunk,
 * not on the way, so that the scan of each piece of text is one memchr.
 */
static void place_tag(struct tagscan *t, const unsigned char *b, size_t off, uint64_t base,
		      size_t lines)
{
	const unsigned char *nl = memrchr(b, '\n', off);

	t->tag_line = t->line + (long)lines;
	if (nl)
		t->tag_col = (long)(b + off - nl);
	else
		t->tag_col = (long)(base + off - t->line_start) + 1;
}

static int too_many(struct tagscan *t)
{
	int ns = (t->name_len == 5 && memcmp(t->name, "xmlns", 5) == 0) ||
		 (t->name_len > 5 && memcmp(t->name, "xmlns:", 6) == 0);

	if (ns)
		t->namespaces++;
	else
		t->attrs++;
	if (t->attrs <= t->max_attrs && t->namespaces <= t->max_attrs)
		return 0;
	t->found = 1;
	snprintf(t->msg, sizeof(t->msg), "more than %d attributes or namespaces on one element",
		 t->max_attrs);
	return 1;
}

static int too_big(struct tagscan *t)
{
	if (t->tag_bytes <= t->max_tag_bytes)
		return 0;
	t->found = 1;
	snprintf(t->msg, sizeof(t->msg), "a start tag longer than %zu bytes", t->max_tag_bytes);
	return 1;
}

/* The bytes that end a name in a start tag. */
static const unsigned char delimiter[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['='] = 1,
	['/'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

/* A name in a start tag: its first bytes are kept to tell xmlns from others. */
static size_t name(struct tagscan *t, const unsigned char *b, size_t i, size_t n)
{
	size_t start = i, len, keep;

	while (i < n && !delimiter[b[i]])
		i++;
	len = i - start;
	if (!t->in_name) {
		t->in_name = 1;
		t->name_len = 0;
	}
	if (t->name_len < sizeof(t->name)) {
		keep = sizeof(t->name) - t->name_len;
		memcpy(t->name + t->name_len, b + start, len < keep ? len : keep);
	}
	t->name_len += len;
	t->tag_bytes += len;
	return i;
}

/* A start tag, outside its values. */
static size_t start_tag(struct tagscan *t, const unsigned char *b, size_t i, size_t n)
{
	while (i < n) {
		unsigned char c = b[i];

		if (!delimiter[c]) {
			i = name(t, b, i, n);
			if (too_big(t))
				return i;
			continue;
		}
		t->tag_bytes++;
		if (too_big(t))
			return i;
		i++;
		switch (c) {
		case '>':
			t->state = S_TEXT;
			return i;
		case '"':
		case '\'':
			t->quote = c;
			t->in_name = 0;
			t->state = S_VALUE;
			return i;
		case '=':
			t->in_name = 0;
			if (too_many(t))
				return i;
			break;
		default:
			t->in_name = 0;
		}
	}
	return n;
}

/* The byte after a '<' says what the markup is. */
static size_t markup(struct tagscan *t, const unsigned char *b, size_t i, uint64_t base)
{
	switch (b[i]) {
	case '/':
		t->state = S_UNTIL;
		return i + 1;
	case '?':
		t->state = S_TERM;
		t->term = '?';
		t->term_len = 1;
		t->body_pos = base + i + 1;
		return i + 1;
	case '!':
		t->state = S_BANG;
		return i + 1;
	default:
		t->state = S_STAG;
		t->attrs = t->namespaces = 0;
		t->in_name = 0;
		t->tag_bytes = 1;
		return i; /* the name's first byte */
	}
}

/* After "<!": a comment, a CDATA section, or a declaration (the parser refuses it). */
static size_t bang(struct tagscan *t, const unsigned char *b, size_t i, uint64_t base)
{
	if (b[i] == '-' || b[i] == '[') {
		t->state = S_TERM;
		t->term = b[i] == '-' ? '-' : ']';
		t->term_len = 2;
		/* the body starts after "<!--" or "<![CDATA[" */
		t->body_pos = base + i + (b[i] == '-' ? 2 : 7);
		return i + 1;
	}
	t->state = S_UNTIL;
	return i; /* a '>' or a new line, counted there */
}

static size_t step(struct tagscan *t, const unsigned char *b, size_t i, size_t n, uint64_t base)
{
	size_t j;

	switch (t->state) {
	case S_TEXT:
		j = scan_to(b, i, n, '<');
		if (j < n) {
			t->tag_pos = base + j;
			t->state = S_LT;
			return j + 1;
		}
		return n;
	case S_LT:
		return markup(t, b, i, base);
	case S_BANG:
		return bang(t, b, i, base);
	case S_STAG:
		return start_tag(t, b, i, n);
	case S_VALUE:
		j = scan_to(b, i, n, t->quote);
		t->tag_bytes += j - i + (j < n);
		if (too_big(t))
			return j;
		if (j < n)
			t->state = S_STAG;
		return j < n ? j + 1 : n;
	case S_UNTIL:
		j = scan_to(b, i, n, '>');
		if (j < n)
			t->state = S_TEXT;
		return j < n ? j + 1 : n;
	default:
		j = scan_to(b, i, n, '>');
		if (j < n && base + j >= t->body_pos + t->term_len && before(t, b, j, 1) == t->term &&
		    (t->term_len < 2 || before(t, b, j, 2) == t->term))
			t->state = S_TEXT;
		return j < n ? j + 1 : n;
	}
}

size_t tagscan_feed(struct tagscan *t, const unsigned char *buf, size_t n)
{
	uint64_t base = t->pos;
	const unsigned char *nl;
	size_t i = 0;

	if (t->found)
		return 0;
	while (i < n && !t->found)
		i = step(t, buf, i, n, base);
	/* a tag opened in this chunk is placed before the chunk is gone */
	if (t->state != S_TEXT && t->tag_pos >= base) {
		size_t off = (size_t)(t->tag_pos - base), lines = count_lines(buf, off);

		place_tag(t, buf, off, base, lines);
		if (t->found)
			return off;
		t->line += (long)(lines + count_lines(buf + off, n - off));
	} else if (t->found) {
		return 0;
	} else {
		t->line += (long)count_lines(buf, n);
	}
	nl = memrchr(buf, '\n', n);
	if (nl)
		t->line_start = base + (uint64_t)(nl - buf) + 1;
	if (n >= 2) {
		t->prev[0] = buf[n - 1];
		t->prev[1] = buf[n - 2];
	} else if (n == 1) {
		t->prev[1] = t->prev[0];
		t->prev[0] = buf[0];
	}
	t->pos += n;
	return n;
}
