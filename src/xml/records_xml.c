/*
 * records_xml - typing record trees; see records_xml.h.
 */
#include "xml/records_xml.h"

#include <stdlib.h>
#include <string.h>

static int typed_time(const struct xml_node *c, const struct xml_node *n, const char *name,
		      const char *file, struct record *r, struct err *e)
{
	r->at_text = c ? c->text : NULL;
	if (c == NULL || records_parse_time(c->text, &r->at) != 0)
		return err_set_at(e, ERR_SCHEMA_INVALID, file, c ? c->line : n->line,
				  c ? c->col : n->col, "'%s' is not a timestamp with an offset",
				  name);
	return 0;
}

static int attachment(struct records_xml *t, const struct xml_node *c, const char *file,
		      struct err *e)
{
	struct attachment_ref *a;
	const char *size;

	if (t->r.n_att == RECORDS_MAX_ATTACHMENTS)
		return err_set_at(e, ERR_LIMIT_EXCEEDED, file, c->line, c->col,
				  "more than %d attachments in record '%s'", RECORDS_MAX_ATTACHMENTS,
				  t->r.id);
	a = &t->att[t->r.n_att++];
	a->name = xmlstream_attr(c, "name");
	a->sha256 = xmlstream_attr(c, "sha256");
	a->media_type = xmlstream_attr(c, "mediaType");
	size = xmlstream_attr(c, "size");
	a->size = size ? strtoll(size, NULL, 10) : -1;
	a->line = c->line;
	a->col = c->col;
	return 0;
}

/* One child of the record; At, ReceivedAt and the amounts are left in when and amount. */
static int child(struct records_xml *t, const struct xml_node *c, const struct xml_node **when,
		 const struct xml_node **amount, const char *file, struct err *e)
{
	struct record *r = &t->r;
	const char *name = c->name;

	switch (name[0]) {
	case 'A':
		if (strcmp(name, "At") == 0)
			*when = c;
		else if (strcmp(name, "Action") == 0)
			r->action = c->text;
		else if (strcmp(name, "Amount") == 0)
			*amount = c;
		else if (strcmp(name, "Attachment") == 0)
			return attachment(t, c, file, e);
		break;
	case 'C':
		if (strcmp(name, "Channel") == 0) {
			r->channel = c->text;
		} else if (strcmp(name, "ClaimAmount") == 0) {
			*amount = c;
		} else if (strcmp(name, "Consumer") == 0) {
			r->consumer_name = xmlstream_child_text(c, "Name");
			r->nik = xmlstream_child_text(c, "Nik");
			r->phone = xmlstream_child_text(c, "Phone");
			r->email = xmlstream_child_text(c, "Email");
		}
		break;
	case 'D':
		if (strcmp(name, "Description") == 0)
			r->description = c->text;
		break;
	case 'N':
		if (strcmp(name, "Note") == 0)
			r->note = c->text;
		break;
	case 'O':
		if (strcmp(name, "Outcome") == 0)
			r->outcome = c->text;
		break;
	case 'P':
		if (strcmp(name, "PujkCode") == 0)
			r->pujk_code = c->text;
		else if (strcmp(name, "Product") == 0)
			r->product = c->text;
		break;
	case 'R':
		if (strcmp(name, "ReceivedAt") == 0)
			*when = c;
		else if (strcmp(name, "Reason") == 0)
			r->reason = c->text;
		else if (strcmp(name, "Resolution") == 0)
			r->resolution = c->text;
		break;
	case 'S':
		if (strcmp(name, "Subject") == 0)
			r->subject = c->text;
		else if (strcmp(name, "Summary") == 0)
			r->note = c->text;
		break;
	case 'T':
		if (strcmp(name, "TicketNo") == 0)
			r->ticket_no = c->text;
		break;
	}
	return 0;
}

/* Every Attachment below n, at any depth, in document order. */
static int nested_attachments(struct records_xml *t, const struct xml_node *n, const char *file,
			      struct err *e)
{
	for (const struct xml_node *c = n->first_child; c; c = c->next) {
		if (strcmp(c->name, "Attachment") == 0) {
			if (attachment(t, c, file, e) != 0)
				return -1;
		} else if (nested_attachments(t, c, file, e) != 0) {
			return -1;
		}
	}
	return 0;
}

/*
 * A dispatch's TicketHistory item (SPEC 1.1), typed as the HistoryRequest it
 * answers: RequestedAt is its At, and the attachments of its complaint and
 * events are its own, so that a package check sees every one of them.
 */
static int ticket_history(struct records_xml *t, const struct xml_node *n, const char *file,
			  struct err *e)
{
	const struct xml_node *when = NULL;
	struct record *r = &t->r;

	r->type = REC_HISTORY_REQUEST;
	for (const struct xml_node *c = n->first_child; c; c = c->next) {
		if (strcmp(c->name, "TicketNo") == 0)
			r->ticket_no = c->text;
		else if (strcmp(c->name, "RequestedAt") == 0)
			when = c;
	}
	if (nested_attachments(t, n, file, e) != 0 ||
	    (r->ticket_no && typed_time(when, n, "RequestedAt", file, r, e) != 0))
		return -1;
	return records_settle(r, file, e);
}

/* One pass over the children: records are typed a million times a file. */
int records_xml_type(struct records_xml *t, const struct xml_node *n, const char *file,
		     struct err *e)
{
	const struct xml_node *when = NULL, *amount = NULL;
	struct record *r = &t->r;

	memset(r, 0, sizeof(*r));
	r->att = t->att;
	r->element = n->name;
	r->line = n->line;
	r->col = n->col;
	r->id = xmlstream_attr(n, "id");
	if (strcmp(n->name, "TicketHistory") == 0)
		return ticket_history(t, n, file, e);
	if (records_type_of(n->name, &r->type) != 0)
		return err_set_at(e, ERR_SCHEMA_INVALID, file, n->line, n->col,
				  "'%s' is not a record", n->name);
	for (const struct xml_node *c = n->first_child; c; c = c->next)
		if (child(t, c, &when, &amount, file, e) != 0)
			return -1;
	/* the schema requires a TicketNo: records_settle says so if it is missing */
	if (r->ticket_no && typed_time(when, n, r->type == REC_NEW_TICKET ? "ReceivedAt" : "At",
				       file, r, e) != 0)
		return -1;
	if (amount) {
		r->amount = amount->text;
		r->currency = xmlstream_attr(amount, "currency");
	}
	return records_settle(r, file, e);
}
