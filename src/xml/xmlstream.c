/*
 * xmlstream - secure streaming parse and validation; see xmlstream.h.
 *
 * Two threads: the calling thread reads the file and runs libxml2's parser,
 * recording its events (and its errors) into batches; a validating thread
 * replays them into the schema plug.  Behind the plug, the SAX handlers
 * below build a small tree for the Header and for one record at a time in
 * an arena that is reset after each record, so memory does not grow with
 * the file.  The plug calls our handler for an end tag before the validator
 * sees it, so a finished record is held back until the next event, by which
 * time the validator has judged it.  Every callback the caller gave runs on
 * the validating thread, one at a time.
 */
#define _GNU_SOURCE /* memrchr */
#include "xml/xmlstream.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#define READ_CHUNK (64 * 1024)
/* The prolog (XML declaration, comments) must end within the first chunk. */
#define PROLOG_MAX (64 * 1024)
#define ARENA_BLOCK (64 * 1024)
#define MAX_TREE_DEPTH 64

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct arena_block *head;
};

struct parser {
	struct schema_set *schemas;
	const struct xmlstream_limits *lim;
	const char *display;
	const struct xmlstream_callbacks *cb;
	void *ctx;
	struct xmlstream_result *res;
	struct err *fail;      /* a callback or internal failure: the parse is abandoned */
	int failed;

	xmlParserCtxtPtr pctxt;
	enum err_code stopped; /* set when we stopped the parser on a finding of ours */
	/*
	 * Two threads share the work: the reading thread runs libxml2's parser
	 * and records its events; the validating thread replays them into the
	 * schema plug and the handlers below.  ev_line and ev_col say where the
	 * event being handled was met; halt tells the reader to stop.
	 */
	long ev_line, ev_col;
	int halt;
	struct events *q;
	xmlSAXHandlerPtr plugged_sax;
	void *plugged_user;
	long depth;
	int root_closed;
	long cur_text_len;
	long elem_line, elem_col; /* the start tag of the innermost element */
	/*
	 * The validator judges an element at its start tag (attributes, "not
	 * expected") or at its end tag (missing children, content facets); both
	 * are reported at the element's start tag, as xmllint does.
	 */
	long open_line[MAX_TREE_DEPTH], open_col[MAX_TREE_DEPTH];
	long judged_line, judged_col;

	/* what the root type makes of its children */
	const char *records_name;
	const char *count_name;
	int check_ids;
	int in_records;

	struct arena arena;
	struct xml_node *stack[MAX_TREE_DEPTH];
	struct xml_node *last_child[MAX_TREE_DEPTH];
	int tree_depth;        /* 0: not building a tree */
	int tree_is_header;
	char *text;
	size_t text_len, text_cap;

	struct xml_node *pending;
	int pending_is_header;
	long pending_index;

	long declared_count;
	int have_count;
	long count_line, count_col;

	uint64_t *ids;
	size_t ids_cap, ids_n;
	/*
	 * A record's id is looked up when the next record starts: the table is
	 * larger than the caches, and meanwhile its slot has been prefetched.
	 */
	struct {
		int set;
		uint64_t h;
		long line, col;
		char id[72];
	} pending_id;
};

void xmlstream_default_limits(struct xmlstream_limits *l)
{
	l->max_file_size = (int64_t)2 << 30;
	l->max_depth = 16;
	l->max_text_length = 65536;
	l->max_records = 1000000;
	l->max_errors = 100;
}

/* ---- arena ---- */

static void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

/* Keep the newest block for reuse: records are alike in size. */
static void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;

	if (b == NULL)
		return;
	while (b->next) {
		struct arena_block *n = b->next->next;

		free(b->next);
		b->next = n;
	}
	b->used = 0;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *n = a->head->next;

		free(a->head);
		a->head = n;
	}
}

static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* ---- findings ---- */

static long current_line(struct parser *p)
{
	return p->ev_line;
}

static long current_col(struct parser *p)
{
	return p->ev_col;
}

static void add_finding(struct parser *p, enum err_code code, long line, long col,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_finding(struct parser *p, enum err_code code, long line, long col,
			const char *fmt, ...)
{
	struct xmlstream_result *r = p->res;
	struct err *f;
	va_list ap;

	if ((long)r->n_errors >= p->lim->max_errors) {
		r->n_unlisted++;
		return;
	}
	f = realloc(r->errors, (r->n_errors + 1) * sizeof(*f));
	if (f == NULL) {
		r->n_unlisted++;
		return;
	}
	r->errors = f;
	f = &r->errors[r->n_errors++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	snprintf(f->file, sizeof(f->file), "%s", p->display);
	f->line = line;
	f->col = col;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

/*
 * A finding that ends the parse (limits, forbidden constructs).  libxml2
 * 2.9 cannot be halted from inside a callback (xmlStopParser there leaves
 * xmlParseCharData reading a reset buffer), so every handler ignores what
 * follows and the feeding loop stops after the current chunk.
 */
static void stop_with(struct parser *p, enum err_code code, const char *msg)
{
	if (p->stopped)
		return;
	add_finding(p, code, current_line(p), current_col(p), "%s", msg);
	p->stopped = code;
	p->res->stopped = code;
	__atomic_store_n(&p->halt, 1, __ATOMIC_RELEASE);
}

static void fail_with(struct parser *p)
{
	p->failed = 1;
	__atomic_store_n(&p->halt, 1, __ATOMIC_RELEASE);
}

/* The exchange's own namespace, which libxml2 writes before every element
 * name ("{urn:slktx:exchange:1}At"): the reader knows it, it hides the name. */
#define OWN_NS "{" SCHEMA_NS "}"

/* libxml2's message on one line, without its trailing newline, and without
 * the exchange's namespace before element names. */
static void error_text(xmlErrorPtr error, char *msg, size_t size)
{
	char *ns;
	size_t n;

	snprintf(msg, size, "%s", error->message ? error->message : "error");
	while ((ns = strstr(msg, OWN_NS)) != NULL)
		memmove(ns, ns + strlen(OWN_NS), strlen(ns + strlen(OWN_NS)) + 1);
	for (char *c = msg; *c; c++)
		if (*c == '\n' && c[1] != '\0')
			*c = ' ';
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
}

/* The validator's findings, on the validating thread, at the judged element. */
static void schema_error(void *ctx, xmlErrorPtr error)
{
	struct parser *p = ctx;
	char msg[sizeof(((struct err *)0)->msg)];

	if (p->stopped || p->failed || error->level < XML_ERR_ERROR)
		return;
	error_text(error, msg, sizeof(msg));
	if (p->judged_line > 0)
		add_finding(p, ERR_SCHEMA_INVALID, p->judged_line, p->judged_col, "%s", msg);
	else
		add_finding(p, ERR_SCHEMA_INVALID, current_line(p), current_col(p), "%s", msg);
}

/* A parser finding, replayed in document order: well-formedness is gone. */
static void parser_finding(struct parser *p, enum err_code code, long line, long col,
			   const char *msg)
{
	if (p->stopped || p->failed)
		return;
	add_finding(p, code, line, col, "%s", msg);
	p->stopped = code;
	if (code == ERR_LIMIT_EXCEEDED)
		p->res->stopped = code;
	__atomic_store_n(&p->halt, 1, __ATOMIC_RELEASE);
}

static int schema_locator(void *ctx, const char **file, unsigned long *line)
{
	struct parser *p = ctx;

	if (file)
		*file = p->display;
	if (line)
		*line = (unsigned long)current_line(p);
	return 0;
}

/* ---- record ids ---- */

static uint64_t id_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	/* splitmix64 finalizer: FNV alone clusters on short similar ids */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* The id table's size: room for max_records at half load, up to 8M slots. */
static size_t id_table_size(const struct parser *p)
{
	size_t want = (size_t)p->lim->max_records * 2, cap = 4096;

	while (cap < want && cap < ((size_t)1 << 23))
		cap *= 2;
	return cap;
}

/*
 * Remember an id; 1 when it was seen before.  Ids are kept as 64-bit
 * hashes, not strings, so that a million-record file stays within its
 * memory budget; two distinct ids would have to collide in 64 bits (about
 * 1 in 10^7 for a file of a million records) to be reported as duplicates.
 * The table is sized once for the configured record limit: its pages are
 * touched within the first few thousand records, so memory is flat in the
 * file's size, and it never rehashes unless the limit is above 4M records.
 */
static int id_table_grow(struct parser *p)
{
	size_t cap = p->ids_cap ? p->ids_cap * 2 : id_table_size(p), i;
	uint64_t *v = calloc(cap, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t k = 0; k < p->ids_cap; k++) {
		if (p->ids[k] == 0)
			continue;
		for (i = p->ids[k] & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
			;
		v[i] = p->ids[k];
	}
	free(p->ids);
	p->ids = v;
	p->ids_cap = cap;
	return 0;
}

/* Insert a hash; 1 when it was there already, -1 out of memory. */
static int id_seen(struct parser *p, uint64_t h)
{
	size_t i;

	if (p->ids_n * 2 >= p->ids_cap && id_table_grow(p) != 0)
		return -1;
	for (i = h & (p->ids_cap - 1); p->ids[i]; i = (i + 1) & (p->ids_cap - 1))
		if (p->ids[i] == h)
			return 1;
	p->ids[i] = h;
	p->ids_n++;
	return 0;
}

/* Look the pending record id up now; report it when it was seen before. */
static void check_pending_id(struct parser *p)
{
	int seen;

	if (!p->pending_id.set)
		return;
	p->pending_id.set = 0;
	seen = id_seen(p, p->pending_id.h);
	if (seen < 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
	} else if (seen) {
		add_finding(p, ERR_DUPLICATE_RECORD_ID, p->pending_id.line, p->pending_id.col,
			    "record id '%s' is used twice", p->pending_id.id);
	}
}

/* ---- delivering validated trees ---- */

static void flush_pending(struct parser *p)
{
	struct xml_node *n = p->pending;
	struct err *e = p->fail;
	int rc = 0;

	if (n == NULL)
		return;
	p->pending = NULL;
	if (p->res->n_errors == 0 && p->res->n_unlisted == 0 && !p->stopped && !p->failed &&
	    p->cb) {
		if (p->pending_is_header && p->cb->header)
			rc = p->cb->header(p->ctx, n, e);
		else if (!p->pending_is_header && p->cb->record)
			rc = p->cb->record(p->ctx, n, p->pending_index, e);
	}
	arena_reset(&p->arena);
	if (rc != 0)
		fail_with(p);
}

/* The column of the '<' that opened the tag just parsed. */
static long tag_start_col(struct parser *p)
{
	xmlParserInputPtr in = p->pctxt->input;
	const xmlChar *lt;
	size_t back;

	if (in->cur == NULL || in->base == NULL || in->cur <= in->base)
		return in->col;
	/* memrchr is vectorised: this runs for every element of the file */
	lt = memrchr(in->base, '<', (size_t)(in->cur - in->base));
	if (lt == NULL)
		return in->col;
	back = (size_t)(in->cur - lt);
	if ((long)back >= in->col || memchr(lt, '\n', back) != NULL)
		return in->col; /* a tag over several lines: its end is the place */
	return in->col - (long)back;
}

static int text_append(struct parser *p, const char *s, size_t n)
{
	if (p->text_len + n + 1 > p->text_cap) {
		size_t cap = p->text_cap ? p->text_cap : 256;
		char *t;

		while (cap < p->text_len + n + 1)
			cap *= 2;
		t = realloc(p->text, cap);
		if (t == NULL)
			return -1;
		p->text = t;
		p->text_cap = cap;
	}
	memcpy(p->text + p->text_len, s, n);
	p->text_len += n;
	return 0;
}

static int is_xinclude(const xmlChar *uri)
{
	return uri && uri[0] == 'h' && (xmlStrEqual(uri, BAD_CAST "http://www.w3.org/2001/XInclude") ||
		       xmlStrEqual(uri, BAD_CAST "http://www.w3.org/2003/XInclude"));
}

static struct xml_node *new_node(struct parser *p, const xmlChar *localname, int nb_attributes,
				 const xmlChar **attributes, long line, long col)
{
	struct xml_node *n = arena_alloc(&p->arena, sizeof(*n));
	struct xml_attr *attrs = NULL;

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	/* names come from the parser's dictionary, which lives as long as the parse */
	n->name = (const char *)localname;
	n->text = "";
	if (nb_attributes > 0) {
		attrs = arena_alloc(&p->arena, (size_t)nb_attributes * sizeof(*attrs));
		if (attrs == NULL)
			return NULL;
		for (int i = 0; i < nb_attributes; i++) {
			const xmlChar **a = attributes + 5 * i;

			attrs[i].name = (const char *)a[0];
			attrs[i].value = arena_strndup(&p->arena, (const char *)a[3],
						       (size_t)(a[4] - a[3]));
			if (attrs[i].value == NULL)
				return NULL;
		}
	}
	n->attrs = attrs;
	n->n_attrs = nb_attributes;
	n->line = line;
	n->col = col;
	return n;
}

static const xmlChar *attribute_value(int nb_attributes, const xmlChar **attributes,
				      const char *name, size_t *len)
{
	for (int i = 0; i < nb_attributes; i++) {
		const xmlChar **a = attributes + 5 * i;

		if (a[2] == NULL && xmlStrEqual(a[0], BAD_CAST name)) {
			*len = (size_t)(a[4] - a[3]);
			return a[3];
		}
	}
	return NULL;
}

static void on_record_start(struct parser *p, int nb_attributes, const xmlChar **attributes)
{
	const xmlChar *id;
	size_t id_len = 0;
	uint64_t h;

	p->res->records++;
	if (p->res->records > p->lim->max_records) {
		char msg[128];

		snprintf(msg, sizeof(msg), "more than %ld records", p->lim->max_records);
		stop_with(p, ERR_LIMIT_EXCEEDED, msg);
		return;
	}
	if (!p->check_ids)
		return;
	id = attribute_value(nb_attributes, attributes, "id", &id_len);
	if (id == NULL)
		return; /* the validator reports the missing attribute */
	if (p->ids_cap == 0 && id_table_grow(p) != 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
		return;
	}
	h = id_hash((const char *)id, id_len);
	__builtin_prefetch(&p->ids[h & (p->ids_cap - 1)]);
	check_pending_id(p);
	p->pending_id.set = 1;
	p->pending_id.h = h;
	p->pending_id.line = p->elem_line;
	p->pending_id.col = p->elem_col;
	if (id_len > 64)
		id_len = 64; /* the schema allows no more; a longer one is reported cut */
	memcpy(p->pending_id.id, id, id_len);
	p->pending_id.id[id_len] = '\0';
}

static void start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			  const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			  int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct parser *p = ctx;
	struct xml_node *n;

	(void)prefix;
	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_defaulted;
	flush_pending(p);
	if (p->stopped || p->failed)
		return;
	p->depth++;
	p->cur_text_len = 0;
	p->elem_line = p->ev_line; /* the reader found the start tag's column */
	p->elem_col = p->ev_col;
	p->judged_line = p->elem_line;
	p->judged_col = p->elem_col;
	if (p->depth < MAX_TREE_DEPTH) {
		p->open_line[p->depth] = p->elem_line;
		p->open_col[p->depth] = p->elem_col;
	}
	if (p->depth > p->lim->max_depth) {
		char msg[128];

		snprintf(msg, sizeof(msg), "elements nested deeper than %ld", p->lim->max_depth);
		stop_with(p, ERR_LIMIT_EXCEEDED, msg);
		return;
	}
	if (is_xinclude(uri)) {
		stop_with(p, ERR_XML_FORBIDDEN, "XInclude is not allowed");
		return;
	}
	if (p->depth == 2 && p->records_name && xmlStrEqual(localname, BAD_CAST p->records_name)) {
		p->in_records = 1;
		return;
	}
	if (p->tree_depth == 0) {
		if (p->depth == 2 && xmlStrEqual(localname, BAD_CAST "Header"))
			p->tree_is_header = 1;
		else if (p->depth == 3 && p->in_records)
			p->tree_is_header = 0;
		else
			return;
		if (!p->tree_is_header) {
			on_record_start(p, nb_attributes, attributes);
			if (p->stopped || p->failed)
				return;
		}
	}
	if (p->tree_depth >= MAX_TREE_DEPTH)
		return;
	n = new_node(p, localname, nb_attributes, attributes, p->elem_line, p->elem_col);
	if (n == NULL) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
		return;
	}
	if (p->tree_depth > 0) {
		struct xml_node **last = &p->last_child[p->tree_depth - 1];

		if (*last)
			(*last)->next = n;
		else
			p->stack[p->tree_depth - 1]->first_child = n;
		*last = n;
	}
	p->last_child[p->tree_depth] = NULL;
	p->stack[p->tree_depth++] = n;
	p->text_len = 0;
}

static void end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			const xmlChar *uri)
{
	struct parser *p = ctx;
	struct xml_node *n;

	(void)localname;
	(void)prefix;
	(void)uri;
	flush_pending(p);
	if (p->stopped || p->failed)
		return;
	p->cur_text_len = 0;
	if (p->depth < MAX_TREE_DEPTH) {
		p->judged_line = p->open_line[p->depth];
		p->judged_col = p->open_col[p->depth];
	}
	if (p->depth == 2 && p->in_records && p->tree_depth == 0)
		p->in_records = 0;
	if (p->depth == 1)
		p->root_closed = 1;
	p->depth--;
	if (p->tree_depth == 0)
		return;
	n = p->stack[--p->tree_depth];
	if (n->first_child == NULL) {
		char *t = arena_strndup(&p->arena, p->text ? p->text : "", p->text_len);

		if (t == NULL) {
			err_set(p->fail, ERR_INTERNAL, "out of memory");
			fail_with(p);
			return;
		}
		n->text = t;
		n->text_len = p->text_len;
	}
	p->text_len = 0;
	if (p->tree_is_header && p->tree_depth == 1 && p->count_name &&
	    strcmp(n->name, p->count_name) == 0) {
		char *end;

		errno = 0;
		p->declared_count = strtol(n->text, &end, 10);
		while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
			end++;
		p->have_count = errno == 0 && end != n->text && *end == '\0';
		p->count_line = n->line;
		p->count_col = n->col;
	}
	if (p->tree_depth == 0) {
		p->pending = n;
		p->pending_is_header = p->tree_is_header;
		p->pending_index = p->res->records - 1;
	}
}

static void characters(void *ctx, const xmlChar *ch, int len)
{
	struct parser *p = ctx;

	if (p->stopped || p->failed)
		return;
	p->cur_text_len += len;
	if (p->cur_text_len > p->lim->max_text_length) {
		char msg[128];

		snprintf(msg, sizeof(msg), "a text node longer than %ld bytes",
			 p->lim->max_text_length);
		add_finding(p, ERR_LIMIT_EXCEEDED, p->elem_line, p->elem_col, "%s", msg);
		p->stopped = p->res->stopped = ERR_LIMIT_EXCEEDED;
		return;
	}
	if (p->tree_depth > 0 && text_append(p, (const char *)ch, (size_t)len) != 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
	}
}


/* ---- the events between the reading and the validating thread ---- */

#define BATCH_BYTES (128 * 1024)
#define BATCHES 4

enum ev_type { EV_START = 1, EV_END, EV_TEXT, EV_ERROR };

struct batch {
	size_t used, cap;
	unsigned char *data;
};

/* A ring of batches: the reader fills one while the validator drains another. */
struct events {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch ring[BATCHES];
	int head, count; /* batches published, waiting for the validator */
	int filling;     /* the batch the reader writes into */
	int closed;      /* the reader has published its last batch */
	int failed;      /* out of memory in the reader */
};

static int events_new(struct events **out)
{
	struct events *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return -1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	*out = q;
	return 0;
}

static void events_free(struct events *q)
{
	if (q == NULL)
		return;
	for (int i = 0; i < BATCHES; i++)
		free(q->ring[i].data);
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* Hand the batch being filled to the validator; wait for a free one. */
static void events_publish(struct events *q)
{
	pthread_mutex_lock(&q->lock);
	q->count++;
	pthread_cond_broadcast(&q->changed);
	while (q->count == BATCHES)
		pthread_cond_wait(&q->changed, &q->lock);
	q->filling = (q->head + q->count) % BATCHES;
	q->ring[q->filling].used = 0;
	pthread_mutex_unlock(&q->lock);
}

/*
 * The last batch, handed over without waiting for room after it; once the
 * validator has drained the ring it ends.  events_publish always leaves a
 * free slot, so the count cannot overflow.
 */
static void events_close(struct events *q)
{
	pthread_mutex_lock(&q->lock);
	q->count++;
	q->closed = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* Room for n more bytes in the batch being filled, or NULL. */
static unsigned char *events_room(struct events *q, size_t n)
{
	struct batch *b = &q->ring[q->filling];

	if (b->used > 0 && b->used + n > BATCH_BYTES) {
		events_publish(q);
		b = &q->ring[q->filling];
	}
	if (b->used + n > b->cap) {
		size_t cap = n > BATCH_BYTES ? n : BATCH_BYTES;
		unsigned char *d = realloc(b->data, cap);

		if (d == NULL) {
			q->failed = 1;
			return NULL;
		}
		b->data = d;
		b->cap = cap;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void put_bytes(unsigned char **w, const void *v, size_t n)
{
	if (n > 0) /* an element without namespaces passes NULL */
		memcpy(*w, v, n);
	*w += n;
}

static void get_bytes(const unsigned char **r, void *v, size_t n)
{
	memcpy(v, *r, n);
	*r += n;
}

struct ev_head {
	int type;
	long line, col;
	size_t len; /* bytes that follow */
};

static unsigned char *record(struct parser *p, int type, long line, long col, size_t len)
{
	struct ev_head h = { type, line, col, len };
	unsigned char *w;

	if (__atomic_load_n(&p->halt, __ATOMIC_ACQUIRE))
		return NULL;
	w = events_room(p->q, sizeof(h) + len);
	if (w == NULL)
		return NULL;
	put_bytes(&w, &h, sizeof(h));
	return w;
}

static void record_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			 const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			 int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct parser *p = ctx;
	size_t len = 3 * sizeof(void *) + 3 * sizeof(int) +
		     (size_t)nb_namespaces * 2 * sizeof(void *);
	unsigned char *w;

	for (int i = 0; i < nb_attributes; i++)
		len += 3 * sizeof(void *) + sizeof(size_t) + 1 +
		       (size_t)(attributes[5 * i + 4] - attributes[5 * i + 3]);
	/* names are the parser dictionary's: they outlive the parse */
	w = record(p, EV_START, p->pctxt->input->line, tag_start_col(p), len);
	if (w == NULL)
		return;
	put_bytes(&w, &localname, sizeof(void *));
	put_bytes(&w, &prefix, sizeof(void *));
	put_bytes(&w, &uri, sizeof(void *));
	put_bytes(&w, &nb_namespaces, sizeof(int));
	put_bytes(&w, &nb_attributes, sizeof(int));
	put_bytes(&w, &nb_defaulted, sizeof(int));
	put_bytes(&w, namespaces, (size_t)nb_namespaces * 2 * sizeof(void *));
	for (int i = 0; i < nb_attributes; i++) {
		const xmlChar **a = attributes + 5 * i;
		size_t n = (size_t)(a[4] - a[3]);

		put_bytes(&w, &a[0], 3 * sizeof(void *));
		put_bytes(&w, &n, sizeof(n));
		put_bytes(&w, a[3], n);
		*w++ = '\0';
	}
}

static void record_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		       const xmlChar *uri)
{
	struct parser *p = ctx;
	unsigned char *w = record(p, EV_END, p->pctxt->input->line, p->pctxt->input->col,
				  3 * sizeof(void *));

	if (w == NULL)
		return;
	put_bytes(&w, &localname, sizeof(void *));
	put_bytes(&w, &prefix, sizeof(void *));
	put_bytes(&w, &uri, sizeof(void *));
}

/*
 * Text and attribute values are copied with a NUL after them: libxml2's
 * validator reads the byte after the text it is given, which in the
 * parser's own buffer always exists.
 */
static void record_text(void *ctx, const xmlChar *ch, int len)
{
	struct parser *p = ctx;
	unsigned char *w = record(p, EV_TEXT, p->pctxt->input->line, p->pctxt->input->col,
				  (size_t)len + 1);

	if (w != NULL) {
		put_bytes(&w, ch, (size_t)len);
		*w = '\0';
	}
}

static void record_error(struct parser *p, enum err_code code, long line, long col,
			 const char *msg)
{
	size_t n = strlen(msg) + 1;
	unsigned char *w = record(p, EV_ERROR, line, col, sizeof(int) + n);

	if (w == NULL)
		return;
	put_bytes(&w, &code, sizeof(int));
	put_bytes(&w, msg, n);
}

/* libxml2's own findings, on the reading thread: they join the events in order. */
static void parser_error(void *ctx, xmlErrorPtr error)
{
	struct parser *p = ctx;
	char msg[sizeof(((struct err *)0)->msg)];
	enum err_code code;

	if (error->level < XML_ERR_ERROR)
		return;
	/* libxml2's own name limit, met before ours */
	code = error->code == XML_ERR_NAME_TOO_LONG ? ERR_LIMIT_EXCEEDED : ERR_XML_MALFORMED;
	error_text(error, msg, sizeof(msg));
	record_error(p, code, error->line > 0 ? error->line : p->pctxt->input->line,
		     error->int2 > 0 ? error->int2 : p->pctxt->input->col, msg);
}

/* Defence in depth: the prolog scan refuses a DOCTYPE before libxml2 runs. */
static void internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
			    const xmlChar *system_id)
{
	struct parser *p = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	record_error(p, ERR_XML_FORBIDDEN, p->pctxt->input->line, p->pctxt->input->col,
		     "a DOCTYPE is not allowed");
	__atomic_store_n(&p->halt, 1, __ATOMIC_RELEASE);
}

static void entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
			const xmlChar *system_id, xmlChar *content)
{
	struct parser *p = ctx;

	(void)name;
	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	record_error(p, ERR_XML_FORBIDDEN, p->pctxt->input->line, p->pctxt->input->col,
		     "entity declarations are not allowed");
	__atomic_store_n(&p->halt, 1, __ATOMIC_RELEASE);
}

static xmlParserInputPtr resolve_entity(void *ctx, const xmlChar *public_id,
				       const xmlChar *system_id)
{
	struct parser *p = ctx;

	(void)public_id;
	(void)system_id;
	record_error(p, ERR_XML_FORBIDDEN, p->pctxt->input->line, p->pctxt->input->col,
		     "external entities are not allowed");
	__atomic_store_n(&p->halt, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Replay one batch into the schema plug, and through it into our handlers. */
static void replay(struct parser *p, const struct batch *b)
{
	const unsigned char *r = b->data, *end = b->data + b->used;
	xmlSAXHandlerPtr sax = p->plugged_sax;

	while (r < end) {
		struct ev_head h;

		get_bytes(&r, &h, sizeof(h));
		p->ev_line = h.line;
		p->ev_col = h.col;
		if (h.type == EV_START) {
			const xmlChar *localname, *prefix, *uri, *ns[64], *attrs[5 * 32];
			int nb_ns, nb_attr, nb_def;

			get_bytes(&r, &localname, sizeof(void *));
			get_bytes(&r, &prefix, sizeof(void *));
			get_bytes(&r, &uri, sizeof(void *));
			get_bytes(&r, &nb_ns, sizeof(int));
			get_bytes(&r, &nb_attr, sizeof(int));
			get_bytes(&r, &nb_def, sizeof(int));
			if (nb_ns > 32 || nb_attr > 32) {
				r += h.len - 3 * sizeof(void *) - 3 * sizeof(int);
				parser_finding(p, ERR_LIMIT_EXCEEDED, h.line, h.col,
					       "more than 32 attributes or namespaces on one element");
				continue;
			}
			get_bytes(&r, ns, (size_t)nb_ns * 2 * sizeof(void *));
			for (int i = 0; i < nb_attr; i++) {
				size_t n;

				get_bytes(&r, &attrs[5 * i], 3 * sizeof(void *));
				get_bytes(&r, &n, sizeof(n));
				attrs[5 * i + 3] = r;
				attrs[5 * i + 4] = r + n;
				r += n + 1;
			}
			if (!p->stopped && !p->failed)
				sax->startElementNs(p->plugged_user, localname, prefix, uri, nb_ns, ns,
						    nb_attr, nb_def, attrs);
		} else if (h.type == EV_END) {
			const xmlChar *localname, *prefix, *uri;

			get_bytes(&r, &localname, sizeof(void *));
			get_bytes(&r, &prefix, sizeof(void *));
			get_bytes(&r, &uri, sizeof(void *));
			if (!p->stopped && !p->failed)
				sax->endElementNs(p->plugged_user, localname, prefix, uri);
		} else if (h.type == EV_TEXT) {
			if (!p->stopped && !p->failed)
				sax->characters(p->plugged_user, r, (int)h.len - 1);
			r += h.len;
		} else {
			int code;

			get_bytes(&r, &code, sizeof(int));
			parser_finding(p, (enum err_code)code, h.line, h.col, (const char *)r);
			r += h.len - sizeof(int);
		}
	}
}

/* The validating thread: replay batches until the reader has closed the ring. */
static void *validator_thread(void *arg)
{
	struct parser *p = arg;
	struct events *q = p->q;

	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&q->lock);
		while (q->count == 0 && !q->closed)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->count == 0) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		b = &q->ring[q->head];
		pthread_mutex_unlock(&q->lock);
		replay(p, b);
		pthread_mutex_lock(&q->lock);
		q->head = (q->head + 1) % BATCHES;
		q->count--;
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
	}
	return NULL;
}

/* ---- the prolog ---- */

struct prolog {
	enum err_code code;
	long line, col;
	char msg[256];
	char root[64];
};

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

/* The encoding named in an XML declaration must be UTF-8. */
static int check_declaration(struct prolog *pr, const unsigned char *buf,
			     const unsigned char *s, const unsigned char *end)
{
	const unsigned char *enc = find(s, end, "encoding");
	const unsigned char *v;
	unsigned char quote;
	char name[32];
	size_t n = 0;

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

/*
 * Walk the prolog: BOM, XML declaration, comments, processing instructions
 * and white space, up to the root's start tag.  Returns 0 with the root's
 * qualified name, or -1 with a finding.
 */
static int scan_prolog(const unsigned char *buf, size_t len, struct prolog *pr)
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
		if (end - s >= 5 && memcmp(s, "<?xml", 5) == 0 &&
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

/* ---- driving the parse ---- */

static void configure_root(struct parser *p, enum schema_root root)
{
	switch (root) {
	case ROOT_COMPLAINT_BATCH:
	case ROOT_RESPONSE_FILE:
		p->records_name = "Records";
		p->count_name = "RecordCount";
		p->check_ids = 1;
		break;
	case ROOT_DISPATCH:
		p->records_name = "Items";
		p->count_name = "ItemCount";
		break;
	case ROOT_ACKNOWLEDGEMENT:
		p->records_name = "Results";
		break;
	default:
		p->records_name = "Tickets";
		break;
	}
}

typedef ssize_t read_fn(void *src, unsigned char *buf, size_t n);

struct mem_source {
	const unsigned char *data;
	size_t len, off;
};

static ssize_t read_mem(void *src, unsigned char *buf, size_t n)
{
	struct mem_source *m = src;
	size_t k = m->len - m->off < n ? m->len - m->off : n;

	memcpy(buf, m->data + m->off, k);
	m->off += k;
	return (ssize_t)k;
}

static ssize_t read_fd(void *src, unsigned char *buf, size_t n)
{
	int fd = *(int *)src;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int parse(struct schema_set *schemas, read_fn *rd, void *src, const char *display,
		 const struct xmlstream_limits *limits, const struct xmlstream_callbacks *cb,
		 void *ctx, struct xmlstream_result *res, struct err *e)
{
	struct parser p;
	xmlSAXHandler sax, rec;
	xmlSAXHandlerPtr plugged_sax = &sax;
	pthread_t validator;
	int validator_started = 0;
	long end_line, end_col;
	void *plugged_user;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	xmlSchemaSAXPlugPtr plug = NULL;
	xmlSchemaPtr schema;
	unsigned char *buf = NULL;
	struct prolog pr;
	const char *colon;
	ssize_t n;
	int handler_set = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.schemas = schemas;
	p.lim = limits;
	p.display = display;
	p.cb = cb;
	p.ctx = ctx;
	p.res = res;
	p.fail = e;
	plugged_user = &p;

	buf = malloc(READ_CHUNK > PROLOG_MAX ? READ_CHUNK : PROLOG_MAX);
	if (buf == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	n = rd(src, buf, PROLOG_MAX);
	if (n < 0) {
		err_sys(e, ERR_IO, "cannot read '%s'", display);
		goto out;
	}
	res->size = n;
	if (scan_prolog(buf, (size_t)n, &pr) != 0) {
		add_finding(&p, pr.code, pr.line, pr.col, "%s", pr.msg);
		rc = 0;
		goto out;
	}
	colon = strchr(pr.root, ':');
	snprintf(res->root_name, sizeof(res->root_name), "%s", colon ? colon + 1 : pr.root);
	res->root = schema_root_from_name(res->root_name);
	if (res->root == ROOT_UNKNOWN || res->root == ROOT_REPORT) {
		add_finding(&p, ERR_SCHEMA_INVALID, 1, 1, "root element '%s' is not an exchange file",
			    res->root_name);
		rc = 0;
		goto out;
	}
	configure_root(&p, res->root);
	schema = schema_for(schemas, res->root, e);
	if (schema == NULL)
		goto out;
	vctxt = xmlSchemaNewValidCtxt(schema);
	if (vctxt == NULL) {
		err_set(e, ERR_INTERNAL, "cannot create a validation context");
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, schema_error, &p);
	xmlSchemaValidateSetLocator(vctxt, schema_locator, &p);

	/* the validating thread's handlers, behind the schema plug */
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = start_element;
	sax.endElementNs = end_element;
	sax.characters = characters;
	sax.cdataBlock = characters;
	plug = xmlSchemaSAXPlug(vctxt, &plugged_sax, &plugged_user);
	if (plug == NULL) {
		err_set(e, ERR_INTERNAL, "cannot plug the validator into the parser");
		goto out;
	}
	p.plugged_sax = plugged_sax;
	p.plugged_user = plugged_user;

	/* the reading thread's: it records what the parser meets */
	memset(&rec, 0, sizeof(rec));
	rec.initialized = XML_SAX2_MAGIC;
	rec.startElementNs = record_start;
	rec.endElementNs = record_end;
	rec.characters = record_text;
	rec.cdataBlock = record_text;
	rec.internalSubset = internal_subset;
	rec.externalSubset = internal_subset;
	rec.entityDecl = entity_decl;
	rec.resolveEntity = resolve_entity;
	p.pctxt = xmlCreatePushParserCtxt(&rec, &p, NULL, 0, display);
	if (p.pctxt == NULL || events_new(&p.q) != 0) {
		err_set(e, ERR_INTERNAL, "cannot create a parser");
		goto out;
	}
	/* NONET always; no entity substitution, DTD loading or size lifting */
	xmlCtxtUseOptions(p.pctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	/* the parser's errors reach this thread's structured handler */
	xmlSetStructuredErrorFunc(&p, parser_error);
	handler_set = 1;
	if (pthread_create(&validator, NULL, validator_thread, &p) != 0) {
		err_sys(e, ERR_INTERNAL, "cannot start the validating thread");
		goto out;
	}
	validator_started = 1;

	for (;;) {
		if (n > 0)
			xmlParseChunk(p.pctxt, (const char *)buf, (int)n, 0);
		if (__atomic_load_n(&p.halt, __ATOMIC_ACQUIRE) || p.q->failed ||
		    p.pctxt->disableSAX || p.pctxt->instate == XML_PARSER_EOF)
			break;
		n = rd(src, buf, READ_CHUNK);
		if (n < 0) {
			err_sys(e, ERR_IO, "cannot read '%s'", display);
			goto out;
		}
		if (n == 0) {
			xmlParseChunk(p.pctxt, NULL, 0, 1);
			break;
		}
		res->size += n;
		if (res->size > limits->max_file_size) {
			char msg[128];

			snprintf(msg, sizeof(msg), "file larger than %lld bytes",
				 (long long)limits->max_file_size);
			record_error(&p, ERR_LIMIT_EXCEEDED, p.pctxt->input->line,
				     p.pctxt->input->col, msg);
			break;
		}
	}
	end_line = p.pctxt->input ? p.pctxt->input->line : 0;
	end_col = p.pctxt->input ? p.pctxt->input->col : 0;
	events_close(p.q);
	pthread_join(validator, NULL);
	validator_started = 0;
	if (p.q->failed) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	p.ev_line = end_line;
	p.ev_col = end_col;
	flush_pending(&p);
	if (!p.stopped)
		check_pending_id(&p);
	if (p.failed)
		goto out;
	if (res->n_errors == 0 && !p.stopped && (!p.pctxt->wellFormed || !p.root_closed))
		add_finding(&p, ERR_XML_MALFORMED, current_line(&p), current_col(&p),
			    "the file ends before its root element is closed");
	if (res->n_errors == 0 && p.count_name && p.have_count && p.declared_count != res->records)
		add_finding(&p, ERR_COUNT_MISMATCH, p.count_line, p.count_col,
			    "%s says %ld, the file has %ld", p.count_name, p.declared_count,
			    res->records);
	rc = 0;
out:
	if (validator_started) {
		/* an error in the reader: let the validator finish what it has */
		__atomic_store_n(&p.halt, 1, __ATOMIC_RELEASE);
		events_close(p.q);
		pthread_join(validator, NULL);
	}
	events_free(p.q);
	if (handler_set)
		xmlSetStructuredErrorFunc(NULL, NULL);
	if (p.pctxt)
		xmlFreeParserCtxt(p.pctxt);
	if (plug)
		xmlSchemaSAXUnplug(plug);
	if (vctxt)
		xmlSchemaFreeValidCtxt(vctxt);
	free(p.ids);
	free(p.text);
	arena_free(&p.arena);
	free(buf);
	return rc;
}

int xmlstream_parse_file(struct schema_set *schemas, const char *path, const char *display,
			 const struct xmlstream_limits *limits,
			 const struct xmlstream_callbacks *cb, void *ctx,
			 struct xmlstream_result *res, struct err *e)
{
	struct stat st;
	int fd, rc;

	memset(res, 0, sizeof(*res));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "cannot open '%s'", path);
	if (fstat(fd, &st) != 0) {
		rc = err_sys(e, ERR_IO, "cannot stat '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(e, ERR_IO, "'%s' is not a regular file", path);
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (st.st_size > limits->max_file_size) {
		struct err *f = calloc(1, sizeof(*f));

		rc = f ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
		if (f) {
			err_set_at(f, ERR_LIMIT_EXCEEDED, display, 0, 0,
				   "file of %lld bytes is larger than the limit of %lld",
				   (long long)st.st_size, (long long)limits->max_file_size);
			res->errors = f;
			res->n_errors = 1;
			res->size = st.st_size;
		}
		goto out;
	}
	rc = parse(schemas, read_fd, &fd, display, limits, cb, ctx, res, e);
out:
	close(fd);
	return rc;
}

int xmlstream_parse_mem(struct schema_set *schemas, const unsigned char *data, size_t len,
			const char *display, const struct xmlstream_limits *limits,
			const struct xmlstream_callbacks *cb, void *ctx,
			struct xmlstream_result *res, struct err *e)
{
	struct mem_source m = { data, len, 0 };

	return parse(schemas, read_mem, &m, display, limits, cb, ctx, res, e);
}

enum err_code xmlstream_verdict(const struct xmlstream_result *r)
{
	if (r->stopped != ERR_NONE)
		return r->stopped;
	return r->n_errors > 0 ? r->errors[0].code : ERR_NONE;
}

void xmlstream_result_free(struct xmlstream_result *r)
{
	free(r->errors);
	r->errors = NULL;
	r->n_errors = 0;
}

const struct xml_node *xmlstream_child(const struct xml_node *n, const char *name)
{
	for (const struct xml_node *c = n ? n->first_child : NULL; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const char *xmlstream_child_text(const struct xml_node *n, const char *name)
{
	const struct xml_node *c = xmlstream_child(n, name);

	return c ? c->text : NULL;
}

const char *xmlstream_attr(const struct xml_node *n, const char *name)
{
	for (int i = 0; n && i < n->n_attrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}
