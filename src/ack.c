/*
 * ack - writing acknowledgements; see ack.h.
 */
#include "ack.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "records.h"
#include "schema.h"

/* Results file fields may not hold the separators: our texts are one line. */
static void put_field(FILE *f, const char *s)
{
	for (; s && *s; s++)
		putc_unlocked(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int ack_result_put(FILE *results, const struct ack_result *r, struct err *e)
{
	put_field(results, r->record_id);
	putc_unlocked('\t', results);
	put_field(results, r->ticket_no);
	putc_unlocked('\t', results);
	put_field(results, r->status);
	putc_unlocked('\t', results);
	put_field(results, r->code);
	{
		char seq[24], *p = seq + sizeof(seq);
		int64_t v = r->event_seq > 0 ? r->event_seq : 0;

		*--p = '\t';
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		*--p = '\t';
		fwrite(p, 1, (size_t)(seq + sizeof(seq) - p), results);
	}
	put_field(results, r->text);
	putc_unlocked('\n', results);
	if (ferror(results))
		return err_sys(e, ERR_IO, "cannot write the results of a file");
	return 0;
}

struct writer {
	xmlTextWriterPtr w;
	int failed;
};

static void start(struct writer *w, const char *name)
{
	if (!w->failed && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
		w->failed = 1;
}

static void end(struct writer *w)
{
	if (!w->failed && xmlTextWriterEndElement(w->w) < 0)
		w->failed = 1;
}

static void attr(struct writer *w, const char *name, const char *value)
{
	if (!w->failed && value && xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST value) < 0)
		w->failed = 1;
}

static void attr_int(struct writer *w, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	attr(w, name, buf);
}

static void text(struct writer *w, const char *s)
{
	if (!w->failed && s && *s && xmlTextWriterWriteString(w->w, BAD_CAST s) < 0)
		w->failed = 1;
}

static void element(struct writer *w, const char *name, const char *value)
{
	if (value == NULL)
		return;
	start(w, name);
	text(w, value);
	end(w);
}

/* "1A2B": the schema takes the serial as upper-case hex. */
static void serial_upper(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		if (isxdigit((unsigned char)*in))
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

static void results(struct writer *w, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	start(w, "Results");
	while (!w->failed && (len = getline(&line, &cap, f)) > 0) {
		char *field[6] = { 0 };
		char *p = line;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		for (int i = 0; i < 6; i++) {
			field[i] = p;
			p = i < 5 ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = '\0';
			else if (i < 5)
				break;
		}
		start(w, "Result");
		attr(w, "recordId", field[0]);
		attr(w, "ticketNo", field[1] && *field[1] ? field[1] : NULL);
		attr(w, "status", field[2]);
		attr(w, "code", field[3] && *field[3] ? field[3] : NULL);
		if (field[4] && strcmp(field[4], "0") != 0)
			attr(w, "eventSeq", field[4]);
		text(w, field[5]);
		end(w);
	}
	free(line);
	end(w);
}

int ack_write_fd(int fd, const struct ack_info *in, struct err *e)
{
	xmlOutputBufferPtr out = xmlOutputBufferCreateFd(fd, NULL);
	struct writer w = { NULL, 0 };
	char when[32], serial[64];

	if (out == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create an XML writer");
	w.w = xmlNewTextWriter(out);
	if (w.w == NULL) {
		xmlOutputBufferClose(out);
		return err_set(e, ERR_INTERNAL, "cannot create an XML writer");
	}
	xmlTextWriterSetIndent(w.w, 1);
	xmlTextWriterSetIndentString(w.w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w.w, "1.0", "UTF-8", NULL) < 0)
		w.failed = 1;
	if (!w.failed &&
	    xmlTextWriterStartElementNS(w.w, NULL, BAD_CAST "Acknowledgement", BAD_CAST SCHEMA_NS) < 0)
		w.failed = 1;
	attr(&w, "schemaVersion", "1.0");
	start(&w, "Header");
	element(&w, "AckId", in->ack_id);
	records_format_wib(in->created_at, when);
	element(&w, "CreatedAt", when);
	start(&w, "OriginalFile");
	attr(&w, "name", in->original_name);
	attr_int(&w, "size", in->original_size);
	attr(&w, "sha256", in->original_sha256);
	end(&w);
	element(&w, "OriginalBatchId", in->original_batch_id);
	element(&w, "Sender", in->sender);
	if (in->signer) {
		start(&w, "Signer");
		attr(&w, "subject", in->signer->subject);
		serial_upper(in->signer->serial, serial, sizeof(serial));
		attr(&w, "serial", serial);
		attr(&w, "officer", in->officer_name);
		attr(&w, "role", in->officer_role);
		end(&w);
	}
	element(&w, "FileStatus", in->file_status);
	start(&w, "Counts");
	attr_int(&w, "received", in->received);
	attr_int(&w, "accepted", in->accepted);
	attr_int(&w, "rejected", in->rejected);
	attr_int(&w, "duplicate", in->duplicate);
	end(&w);
	element(&w, "DuplicateOf", in->duplicate_of);
	for (size_t i = 0; i < in->n_file_errors; i++) {
		const struct err *fe = &in->file_errors[i];

		start(&w, "FileError");
		attr(&w, "code", err_code_name(fe->code));
		if (fe->line > 0) {
			attr_int(&w, "line", fe->line);
			attr_int(&w, "column", fe->col > 0 ? fe->col : 1);
		}
		text(&w, fe->msg);
		end(&w);
	}
	end(&w); /* Header */
	if (in->results && in->n_file_errors == 0)
		results(&w, in->results);
	if (!w.failed && (xmlTextWriterEndDocument(w.w) < 0 || xmlTextWriterFlush(w.w) < 0))
		w.failed = 1;
	xmlFreeTextWriter(w.w); /* closes the output buffer, not fd */
	if (w.failed)
		return err_set(e, ERR_INTERNAL, "cannot write acknowledgement '%s'", in->ack_id);
	return 0;
}
