/*
 * xmlstream - secure streaming parse and validation; see xmlstream.h.
 *
 * The driver of the parse.  The prolog is scanned first (prolog.h).  Then
 * two threads: the calling thread reads the file and feeds libxml2's
 * parser, each chunk scanned on the way (tagscan.h), recording its events
 * and its errors (xmlevents.h); a validating thread replays them into the
 * schema plug.  Behind the plug, the SAX handlers
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
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "xml/idset.h"
#include "xml/prolog.h"
#include "xml/tagscan.h"
#include "xml/xmlevents.h"
#include "xml/xmltree.h"

#define READ_CHUNK (64 * 1024)
#define MAX_TREE_DEPTH 64 /* elements whose start tags are remembered */

struct parser {
	struct schema_set *schemas;
	const struct xmlstream_limits *lim;
	const char *display;
	const struct xmlstream_callbacks *cb;
	void *ctx;
	struct xmlstream_result *res;
	struct err *fail;      /* a callback or internal failure: the parse is abandoned */
	int failed;

	/* what parse sets up and tears down */
	xmlParserCtxtPtr pctxt;
	xmlSAXHandler rec;     /* the reading thread's handlers */
	xmlSAXHandler sax;     /* the validating thread's, behind the plug */
	xmlSchemaValidCtxtPtr vctxt;
	xmlSchemaSAXPlugPtr plug;
	pthread_t validator;
	int validator_started;
	int handler_set;

	enum err_code stopped; /* set when we stopped the parser on a finding of ours */
	/*
	 * Two threads share the work: the reading thread runs libxml2's parser
	 * and records its events; the validating thread replays them into the
	 * schema plug and the handlers below.  ev_line and ev_col say where the
	 * event being handled was met; halt tells the reader to stop.
	 */
	long ev_line, ev_col;
	int halt;
	struct xmlevents *q;
	struct tagscan scan;   /* the reading thread's bound on each start tag */
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

	struct xmltree tree;   /* the Header's, or a record's */
	int tree_is_header;

	struct xml_node *pending;
	int pending_is_header;
	long pending_index;

	long declared_count;
	int have_count;
	long count_line, count_col;

	struct idset ids;
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

/* Look the pending record id up now; report it when it was seen before. */
static void check_pending_id(struct parser *p)
{
	int seen;

	if (!p->pending_id.set)
		return;
	p->pending_id.set = 0;
	seen = idset_add(&p->ids, p->pending_id.h);
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
	xmltree_reset(&p->tree);
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

static int is_xinclude(const xmlChar *uri)
{
	return uri && uri[0] == 'h' && (xmlStrEqual(uri, BAD_CAST "http://www.w3.org/2001/XInclude") ||
		       xmlStrEqual(uri, BAD_CAST "http://www.w3.org/2003/XInclude"));
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
	h = idset_hash((const char *)id, id_len);
	if (idset_prefetch(&p->ids, h) != 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
		return;
	}
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
	if (p->tree.depth == 0) {
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
	if (xmltree_open(&p->tree, localname, nb_attributes, attributes, p->elem_line,
			 p->elem_col) != 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
	}
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
	if (p->depth == 2 && p->in_records && p->tree.depth == 0)
		p->in_records = 0;
	if (p->depth == 1)
		p->root_closed = 1;
	p->depth--;
	if (p->tree.depth == 0)
		return;
	if (xmltree_close(&p->tree, &n) != 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
		return;
	}
	if (n == NULL)
		return;
	if (p->tree_is_header && p->tree.depth == 1 && p->count_name &&
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
	if (p->tree.depth == 0) {
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
	if (p->tree.depth > 0 && xmltree_text(&p->tree, (const char *)ch, (size_t)len) != 0) {
		err_set(p->fail, ERR_INTERNAL, "out of memory");
		fail_with(p);
	}
}


/* ---- the reading thread: libxml2's events, recorded ---- */

static int halted(struct parser *p)
{
	return __atomic_load_n(&p->halt, __ATOMIC_ACQUIRE);
}

static void record_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			 const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			 int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct parser *p = ctx;

	if (!halted(p))
		xmlevents_start(p->q, p->pctxt->input->line, tag_start_col(p), localname, prefix,
				uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
				attributes);
}

static void record_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		       const xmlChar *uri)
{
	struct parser *p = ctx;

	if (!halted(p))
		xmlevents_end(p->q, p->pctxt->input->line, p->pctxt->input->col, localname, prefix,
			      uri);
}

static void record_text(void *ctx, const xmlChar *ch, int len)
{
	struct parser *p = ctx;

	if (!halted(p))
		xmlevents_text(p->q, p->pctxt->input->line, p->pctxt->input->col, ch, len);
}

static void record_error(struct parser *p, enum err_code code, long line, long col,
			 const char *msg)
{
	if (!halted(p))
		xmlevents_error(p->q, code, line, col, msg);
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

/* ---- the validating thread: the events replayed into the schema plug ---- */

static void replay_start(void *ctx, long line, long col, const xmlChar *localname,
			 const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
			 const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
			 const xmlChar **attributes)
{
	struct parser *p = ctx;

	p->ev_line = line;
	p->ev_col = col;
	if (!p->stopped && !p->failed)
		p->plugged_sax->startElementNs(p->plugged_user, localname, prefix, uri,
					       nb_namespaces, namespaces, nb_attributes,
					       nb_defaulted, attributes);
}

static void replay_end(void *ctx, long line, long col, const xmlChar *localname,
		       const xmlChar *prefix, const xmlChar *uri)
{
	struct parser *p = ctx;

	p->ev_line = line;
	p->ev_col = col;
	if (!p->stopped && !p->failed)
		p->plugged_sax->endElementNs(p->plugged_user, localname, prefix, uri);
}

static void replay_text(void *ctx, long line, long col, const xmlChar *ch, int len)
{
	struct parser *p = ctx;

	p->ev_line = line;
	p->ev_col = col;
	if (!p->stopped && !p->failed)
		p->plugged_sax->characters(p->plugged_user, ch, len);
}

static void replay_error(void *ctx, enum err_code code, long line, long col, const char *msg)
{
	struct parser *p = ctx;

	p->ev_line = line;
	p->ev_col = col;
	parser_finding(p, code, line, col, msg);
}

static void *validator_thread(void *arg)
{
	static const struct xmlevents_sink sink = { replay_start, replay_end, replay_text,
						    replay_error };
	struct parser *p = arg;

	xmlevents_replay(p->q, &sink, p);
	return NULL;
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

/*
 * Read the first chunk and scan its prolog; the root chooses the schema.
 * 1 when the prolog or the root has judged the file, 0 to go on, -1 when
 * it cannot be read.
 */
static int read_prolog(struct parser *p, read_fn *rd, void *src, unsigned char *buf,
		       ssize_t *n, struct err *e)
{
	struct xmlstream_result *res = p->res;
	struct prolog pr;
	const char *colon;

	*n = rd(src, buf, PROLOG_MAX);
	if (*n < 0)
		return err_sys(e, ERR_IO, "cannot read '%s'", p->display);
	res->size = *n;
	if (prolog_scan(buf, (size_t)*n, &pr) != 0) {
		add_finding(p, pr.code, pr.line, pr.col, "%s", pr.msg);
		return 1;
	}
	colon = strchr(pr.root, ':');
	snprintf(res->root_name, sizeof(res->root_name), "%s", colon ? colon + 1 : pr.root);
	res->root = schema_root_from_name(res->root_name);
	if (res->root == ROOT_UNKNOWN || res->root == ROOT_REPORT) {
		add_finding(p, ERR_SCHEMA_INVALID, 1, 1, "root element '%s' is not an exchange file",
			    res->root_name);
		return 1;
	}
	configure_root(p, res->root);
	return 0;
}

/* The validating thread's handlers, behind the root's schema plugged into them. */
static int plug_validator(struct parser *p, struct err *e)
{
	xmlSchemaPtr schema = schema_for(p->schemas, p->res->root, e);

	if (schema == NULL)
		return -1;
	p->vctxt = xmlSchemaNewValidCtxt(schema);
	if (p->vctxt == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create a validation context");
	xmlSchemaSetValidStructuredErrors(p->vctxt, schema_error, p);
	xmlSchemaValidateSetLocator(p->vctxt, schema_locator, p);
	memset(&p->sax, 0, sizeof(p->sax));
	p->sax.initialized = XML_SAX2_MAGIC;
	p->sax.startElementNs = start_element;
	p->sax.endElementNs = end_element;
	p->sax.characters = characters;
	p->sax.cdataBlock = characters;
	/* the plug swaps these two for its own, and puts them back when unplugged */
	p->plugged_sax = &p->sax;
	p->plugged_user = p;
	p->plug = xmlSchemaSAXPlug(p->vctxt, &p->plugged_sax, &p->plugged_user);
	if (p->plug == NULL)
		return err_set(e, ERR_INTERNAL, "cannot plug the validator into the parser");
	return 0;
}

/* The reading thread's parser, which records what it meets, and the validating thread. */
static int start_threads(struct parser *p, struct err *e)
{
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.initialized = XML_SAX2_MAGIC;
	p->rec.startElementNs = record_start;
	p->rec.endElementNs = record_end;
	p->rec.characters = record_text;
	p->rec.cdataBlock = record_text;
	p->rec.internalSubset = internal_subset;
	p->rec.externalSubset = internal_subset;
	p->rec.entityDecl = entity_decl;
	p->rec.resolveEntity = resolve_entity;
	p->pctxt = xmlCreatePushParserCtxt(&p->rec, p, NULL, 0, p->display);
	if (p->pctxt == NULL || xmlevents_new(&p->q) != 0)
		return err_set(e, ERR_INTERNAL, "cannot create a parser");
	/* NONET always; no entity substitution, DTD loading or size lifting */
	xmlCtxtUseOptions(p->pctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	/* the parser's errors reach this thread's structured handler */
	xmlSetStructuredErrorFunc(p, parser_error);
	p->handler_set = 1;
	if (pthread_create(&p->validator, NULL, validator_thread, p) != 0)
		return err_sys(e, ERR_INTERNAL, "cannot start the validating thread");
	p->validator_started = 1;
	return 0;
}

/*
 * Feed one chunk to the parser, up to a start tag that breaks the limits:
 * that one is refused before libxml2 reads it (see tagscan.h).  1 when it
 * was.
 */
static int feed_chunk(struct parser *p, const unsigned char *buf, size_t n)
{
	size_t ok = tagscan_feed(&p->scan, buf, n);

	if (ok > 0)
		xmlParseChunk(p->pctxt, (const char *)buf, (int)ok, 0);
	if (!p->scan.found)
		return 0;
	record_error(p, ERR_LIMIT_EXCEEDED, p->scan.tag_line, p->scan.tag_col, p->scan.msg);
	return 1;
}

/* Feed the file to the parser, from the n bytes in buf on, until it ends or stops. */
static int feed(struct parser *p, read_fn *rd, void *src, unsigned char *buf, ssize_t n,
		struct err *e)
{
	struct xmlstream_result *res = p->res;

	for (;;) {
		if (n > 0 && feed_chunk(p, buf, (size_t)n) != 0)
			return 0;
		if (halted(p) || xmlevents_failed(p->q) || p->pctxt->disableSAX ||
		    p->pctxt->instate == XML_PARSER_EOF)
			return 0;
		n = rd(src, buf, READ_CHUNK);
		if (n < 0)
			return err_sys(e, ERR_IO, "cannot read '%s'", p->display);
		if (n == 0) {
			xmlParseChunk(p->pctxt, NULL, 0, 1);
			return 0;
		}
		res->size += n;
		if (res->size > p->lim->max_file_size) {
			char msg[128];

			snprintf(msg, sizeof(msg), "file larger than %lld bytes",
				 (long long)p->lim->max_file_size);
			record_error(p, ERR_LIMIT_EXCEEDED, p->pctxt->input->line,
				     p->pctxt->input->col, msg);
			return 0;
		}
	}
}

/* The validating thread has replayed the last event: what the whole file says. */
static int conclude(struct parser *p, long end_line, long end_col, struct err *e)
{
	struct xmlstream_result *res = p->res;

	if (xmlevents_failed(p->q))
		return err_set(e, ERR_INTERNAL, "out of memory");
	p->ev_line = end_line;
	p->ev_col = end_col;
	flush_pending(p);
	if (!p->stopped)
		check_pending_id(p);
	if (p->failed)
		return -1;
	if (res->n_errors == 0 && !p->stopped && (!p->pctxt->wellFormed || !p->root_closed))
		add_finding(p, ERR_XML_MALFORMED, current_line(p), current_col(p),
			    "the file ends before its root element is closed");
	if (res->n_errors == 0 && p->count_name && p->have_count && p->declared_count != res->records)
		add_finding(p, ERR_COUNT_MISMATCH, p->count_line, p->count_col,
			    "%s says %ld, the file has %ld", p->count_name, p->declared_count,
			    res->records);
	return 0;
}

/* Let the validating thread finish what it has, and wait for it. */
static void stop_validator(struct parser *p)
{
	if (!p->validator_started)
		return;
	xmlevents_close(p->q);
	pthread_join(p->validator, NULL);
	p->validator_started = 0;
}

static int parse(struct schema_set *schemas, read_fn *rd, void *src, const char *display,
		 const struct xmlstream_limits *limits, const struct xmlstream_callbacks *cb,
		 void *ctx, struct xmlstream_result *res, struct err *e)
{
	struct parser p;
	unsigned char *buf = NULL;
	long end_line, end_col;
	ssize_t n;
	int rc = -1, judged;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.schemas = schemas;
	p.lim = limits;
	p.display = display;
	p.cb = cb;
	p.ctx = ctx;
	p.res = res;
	p.fail = e;
	idset_init(&p.ids, limits->max_records);
	/* a start tag may be as long as a text node, and no shorter than 4 KiB */
	tagscan_init(&p.scan, XMLEVENTS_MAX_ATTRS,
		     limits->max_text_length > 4096 ? (size_t)limits->max_text_length : 4096);
	buf = malloc(READ_CHUNK > PROLOG_MAX ? READ_CHUNK : PROLOG_MAX);
	if (buf == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	judged = read_prolog(&p, rd, src, buf, &n, e);
	if (judged != 0) {
		rc = judged > 0 ? 0 : -1;
		goto out;
	}
	if (plug_validator(&p, e) != 0 || start_threads(&p, e) != 0 ||
	    feed(&p, rd, src, buf, n, e) != 0)
		goto out;
	end_line = p.pctxt->input ? p.pctxt->input->line : 0;
	end_col = p.pctxt->input ? p.pctxt->input->col : 0;
	stop_validator(&p);
	if (conclude(&p, end_line, end_col, e) != 0)
		goto out;
	rc = 0;
out:
	/* an error in the reader: let the validator finish what it has */
	if (p.validator_started)
		__atomic_store_n(&p.halt, 1, __ATOMIC_RELEASE);
	stop_validator(&p);
	xmlevents_free(p.q);
	if (p.handler_set)
		xmlSetStructuredErrorFunc(NULL, NULL);
	if (p.pctxt)
		xmlFreeParserCtxt(p.pctxt);
	if (p.plug)
		xmlSchemaSAXUnplug(p.plug);
	if (p.vctxt)
		xmlSchemaFreeValidCtxt(p.vctxt);
	idset_free(&p.ids);
	xmltree_free(&p.tree);
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
