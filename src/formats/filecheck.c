/*
 * filecheck - the ledger-free checks of one file; see filecheck.h.
 */
#include "formats/filecheck.h"

#include <stdlib.h>
#include <string.h>

struct run {
	const struct config *cfg;
	const char *display;
	time_t now;
	struct filecheck *fc;
	struct xmlstream_result *res;
	const struct filecheck_hooks *hooks;
	void *ctx;
};

static void add(struct err **v, size_t *n, const struct err *f)
{
	struct err *grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (grown == NULL)
		return;
	*v = grown;
	(*v)[(*n)++] = *f;
}

static void file_finding(struct run *r, const struct err *f)
{
	if ((long)r->res->n_errors >= r->cfg->limits.max_errors) {
		r->res->n_unlisted++;
		return;
	}
	add(&r->res->errors, &r->res->n_errors, f);
}

static enum name_kind kind_of_root(enum schema_root root)
{
	switch (root) {
	case ROOT_COMPLAINT_BATCH:
		return NAME_CB;
	case ROOT_RESPONSE_FILE:
		return NAME_RSP;
	case ROOT_DISPATCH:
		return NAME_DSP;
	case ROOT_ACKNOWLEDGEMENT:
		return NAME_ACK;
	default:
		return NAME_NONE;
	}
}

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int on_header(void *ctx, const struct xml_node *h, struct err *e)
{
	struct run *r = ctx;
	struct filecheck *fc = r->fc;
	const struct xml_node *id = xmlstream_child(h, "BatchId");
	const struct xml_node *sender = xmlstream_child(h, "Sender");
	const struct xml_node *created = xmlstream_child(h, "CreatedAt");
	struct err f;

	if (id == NULL)
		id = xmlstream_child(h, "DispatchId");
	if (id == NULL)
		id = xmlstream_child(h, "AckId");
	if (sender == NULL)
		sender = xmlstream_child(h, "PujkCode");
	if (sender == NULL) /* the intake's dispatch names its recipient */
		sender = xmlstream_child(h, "Recipient");
	copy_text(fc->batch_id, sizeof(fc->batch_id), id ? id->text : NULL);
	copy_text(fc->sender, sizeof(fc->sender), sender ? sender->text : NULL);
	copy_text(fc->created_at, sizeof(fc->created_at), xmlstream_child_text(h, "CreatedAt"));
	if (created && records_check_created(created->text, r->display, created->line,
					      created->col, r->now, r->cfg->limits.clock_skew_s,
					      &f) != ERR_NONE)
		file_finding(r, &f);
	if (fc->has_name) {
		if (fc->name.kind != kind_of_root(r->res->root)) {
			err_set_at(&f, ERR_NAME_INVALID, r->display, h->line, h->col,
				   "a file named '%s_...' cannot hold a %s",
				   names_kind_prefix(fc->name.kind), r->res->root_name);
			file_finding(r, &f);
		} else if (id && strcmp(id->text, fc->name.base) != 0) {
			err_set_at(&f, ERR_NAME_INVALID, r->display, id->line, id->col,
				   "'%s' does not match the file name '%s'", id->text,
				   fc->name.base);
			file_finding(r, &f);
		} else if (sender && fc->name.kind != NAME_ACK &&
			   strcmp(sender->text, fc->name.code) != 0) {
			err_set_at(&f, ERR_SENDER_MISMATCH, r->display, sender->line, sender->col,
				   "the header names '%s', the file name '%s'", sender->text,
				   fc->name.code);
			file_finding(r, &f);
		}
	}
	if (r->res->n_errors == 0 && r->hooks && r->hooks->header)
		return r->hooks->header(r->ctx, fc, e);
	return 0;
}

static char *copy(const char *s)
{
	return strdup(s ? s : "");
}

static int collect_attachments(struct filecheck *fc, const struct record *r)
{
	for (int i = 0; i < r->n_att; i++) {
		struct package_attachment *v = realloc(fc->atts, (fc->n_atts + 1) * sizeof(*v));
		struct package_attachment *a;

		if (v == NULL)
			return -1;
		fc->atts = v;
		a = &v[fc->n_atts++];
		a->record = copy(r->id);
		a->name = copy(r->att[i].name);
		a->sha256 = copy(r->att[i].sha256);
		a->size = r->att[i].size;
		a->line = r->att[i].line;
		a->col = r->att[i].col;
		if (a->record == NULL || a->name == NULL || a->sha256 == NULL)
			return -1;
	}
	return 0;
}

static int on_record(void *ctx, const struct xml_node *n, long index, struct err *e)
{
	struct run *r = ctx;
	struct filecheck *fc = r->fc;
	struct records_xml t;
	const struct record *rec = &t.r;
	struct err f, why;
	enum err_code pre;

	why.code = ERR_NONE;

	if (r->res->root != ROOT_COMPLAINT_BATCH && r->res->root != ROOT_RESPONSE_FILE &&
	    r->res->root != ROOT_DISPATCH)
		return 0;
	if (records_xml_type(&t, n, r->display, &f) != 0) {
		file_finding(r, &f);
		return 0;
	}
	/* a dispatch is the hub's own: only its package is checked */
	if (r->res->root == ROOT_DISPATCH)
		return fc->in_package && collect_attachments(fc, rec) != 0
			       ? err_set(e, ERR_INTERNAL, "out of memory")
			       : 0;
	if (fc->in_package && collect_attachments(fc, rec) != 0)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (rec->n_att > 0 && !fc->in_package) {
		err_set_at(&f, ERR_PACKAGE_INVALID, r->display, rec->att[0].line, rec->att[0].col,
			   "record '%s' carries an Attachment: a file with attachments travels "
			   "as a .zip package", rec->id);
		file_finding(r, &f);
		return 0;
	}
	pre = records_check(rec, r->display, r->now, r->cfg->limits.clock_skew_s, &why);
	if (r->hooks && r->hooks->record)
		return r->hooks->record(r->ctx, rec, index, pre, &why, e);
	if (pre != ERR_NONE)
		add(&fc->record_problems, &fc->n_record_problems, &why);
	return 0;
}

void filecheck_limits(const struct config *cfg, struct xmlstream_limits *l)
{
	l->max_file_size = cfg->limits.max_file_size;
	l->max_depth = cfg->limits.max_depth;
	l->max_text_length = cfg->limits.max_text_length;
	l->max_records = cfg->limits.max_records;
	l->max_errors = cfg->limits.max_errors;
}

int filecheck_run_hooks(struct schema_set *schemas, const struct config *cfg, const char *path,
			const unsigned char *data, size_t len, const char *display, time_t now,
			const struct filecheck_hooks *hooks, void *ctx, struct filecheck *fc,
			struct xmlstream_result *res, struct err *e)
{
	static const struct xmlstream_callbacks callbacks = { on_header, on_record };
	struct xmlstream_limits limits;
	struct run r = { cfg, display, now, fc, res, hooks, ctx };
	const char *base = strrchr(path, '/');
	int in_package = fc->in_package;
	int rc;

	memset(fc, 0, sizeof(*fc));
	fc->in_package = in_package;
	fc->has_name = names_parse(base ? base + 1 : path, &fc->name) == 0;
	filecheck_limits(cfg, &limits);
	if (data)
		rc = xmlstream_parse_mem(schemas, data, len, display, &limits, &callbacks, &r, res, e);
	else
		rc = xmlstream_parse_file(schemas, path, display, &limits, &callbacks, &r, res, e);
	fc->root = res->root;
	return rc;
}

int filecheck_run(struct schema_set *schemas, const struct config *cfg, const char *path,
		  const char *display, time_t now, struct filecheck *fc,
		  struct xmlstream_result *res, struct err *e)
{
	memset(fc, 0, sizeof(*fc));
	return filecheck_run_hooks(schemas, cfg, path, NULL, 0, display, now, NULL, NULL, fc, res,
				   e);
}

void filecheck_free(struct filecheck *fc)
{
	for (size_t i = 0; i < fc->n_atts; i++) {
		free((char *)fc->atts[i].record);
		free((char *)fc->atts[i].name);
		free((char *)fc->atts[i].sha256);
	}
	free(fc->atts);
	fc->atts = NULL;
	fc->n_atts = 0;
	free(fc->record_problems);
	fc->record_problems = NULL;
	fc->n_record_problems = 0;
}

int filecheck_package(struct schema_set *schemas, const struct config *cfg, const char *path,
		      const char *display, const char *store_dir, time_t now,
		      struct package *pkg, enum err_code **verdicts, struct filecheck *fc,
		      struct xmlstream_result *res, struct err *e)
{
	struct run r = { cfg, display, now, fc, res, NULL, NULL };
	struct err f;

	memset(pkg, 0, sizeof(*pkg));
	memset(res, 0, sizeof(*res));
	*verdicts = NULL;
	if (package_read(path, store_dir, cfg, pkg, &f) != 0) {
		if (err_code_level(f.code) != 1) {
			*e = f;
			return -1;
		}
		memset(fc, 0, sizeof(*fc));
		if (f.file[0] == '\0')
			snprintf(f.file, sizeof(f.file), "%s", display);
		file_finding(&r, &f);
		return 0;
	}
	fc->in_package = 1;
	if (filecheck_run_hooks(schemas, cfg, path, (const unsigned char *)pkg->payload,
				pkg->payload_size, display, now, NULL, NULL, fc, res, e) != 0)
		return -1;
	if (res->n_errors > 0)
		return 0;
	*verdicts = calloc(fc->n_atts + 1, sizeof(**verdicts));
	if (*verdicts == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (package_match(pkg, fc->atts, fc->n_atts, *verdicts, &f) != 0) {
		if (err_code_level(f.code) != 1) {
			*e = f;
			return -1;
		}
		if (f.file[0] == '\0')
			snprintf(f.file, sizeof(f.file), "%s", display);
		file_finding(&r, &f);
	}
	return 0;
}
