/*
 * ack - writing acknowledgements; see ack.h.
 */
#include "formats/ack.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>


#include "domain/records.h"
#include "xml/xmlout.h"

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

/* "1A2B": the schema takes the serial as upper-case hex. */
static void serial_upper(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		if (isxdigit((unsigned char)*in))
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

static void results(struct xmlout *w, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	xmlout_start(w, "Results");
	while ((len = getline(&line, &cap, f)) > 0) {
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
		xmlout_start(w, "Result");
		xmlout_attr(w, "recordId", field[0]);
		xmlout_attr(w, "ticketNo", field[1] && *field[1] ? field[1] : NULL);
		xmlout_attr(w, "status", field[2]);
		xmlout_attr(w, "code", field[3] && *field[3] ? field[3] : NULL);
		if (field[4] && strcmp(field[4], "0") != 0)
			xmlout_attr(w, "eventSeq", field[4]);
		xmlout_text(w, field[5]);
		xmlout_end(w);
	}
	free(line);
	xmlout_end(w);
}

int ack_write_fd(int fd, const struct ack_info *in, struct err *e)
{
	struct xmlout *w = xmlout_open(fd, "Acknowledgement", e);
	char when[32], serial[64], what[320];

	if (w == NULL)
		return -1;
	xmlout_start(w, "Header");
	xmlout_element(w, "AckId", in->ack_id);
	records_format_wib(in->created_at, when);
	xmlout_element(w, "CreatedAt", when);
	xmlout_start(w, "OriginalFile");
	xmlout_attr(w, "name", in->original_name);
	xmlout_attr_int(w, "size", in->original_size);
	xmlout_attr(w, "sha256", in->original_sha256);
	xmlout_end(w);
	xmlout_element(w, "OriginalBatchId", in->original_batch_id);
	xmlout_element(w, "Sender", in->sender);
	if (in->signer) {
		xmlout_start(w, "Signer");
		xmlout_attr(w, "subject", in->signer->subject);
		serial_upper(in->signer->serial, serial, sizeof(serial));
		xmlout_attr(w, "serial", serial);
		xmlout_attr(w, "officer", in->officer_name);
		xmlout_attr(w, "role", in->officer_role);
		xmlout_end(w);
	}
	xmlout_element(w, "FileStatus", in->file_status);
	xmlout_start(w, "Counts");
	xmlout_attr_int(w, "received", in->received);
	xmlout_attr_int(w, "accepted", in->accepted);
	xmlout_attr_int(w, "rejected", in->rejected);
	xmlout_attr_int(w, "duplicate", in->duplicate);
	xmlout_end(w);
	xmlout_element(w, "DuplicateOf", in->duplicate_of);
	for (size_t i = 0; i < in->n_file_errors; i++) {
		const struct err *fe = &in->file_errors[i];

		xmlout_start(w, "FileError");
		xmlout_attr(w, "code", err_code_name(fe->code));
		if (fe->line > 0) {
			xmlout_attr_int(w, "line", fe->line);
			xmlout_attr_int(w, "column", fe->col > 0 ? fe->col : 1);
		}
		xmlout_text(w, fe->msg);
		xmlout_end(w);
	}
	xmlout_end(w); /* Header */
	if (in->results && in->n_file_errors == 0)
		results(w, in->results);
	snprintf(what, sizeof(what), "acknowledgement '%s'", in->ack_id);
	return xmlout_close(w, what, e);
}
