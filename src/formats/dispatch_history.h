/*
 * dispatch_history - what a dispatch tells of a ticket's past (SPEC 1.1):
 * OJK's notes carried by the NewTicket of a reassigned ticket, and the
 * TicketHistory item answering a PUJK's HistoryRequest: the complaint as
 * that PUJK received it and every event of its current assignment, up to
 * and including the request (never an earlier assignment's, so never
 * another PUJK's records).
 *
 * Reads the ledger through the caller's connection (a dispatch is written
 * inside its transaction) and writes through the caller's xmlout; the
 * attachments the items name are handed to attach, for the package.
 * Errors: ERR_IO (the ledger), ERR_INTERNAL (memory, an event that has no
 * place in a history).
 */
#ifndef SLKTX_DISPATCH_HISTORY_H
#define SLKTX_DISPATCH_HISTORY_H

#include <stdint.h>

#include <sqlite3.h>

#include "util/err.h"
#include "xml/xmlout.h"

/*
 * Collect one attachment for the dispatch's package: the name its entry and
 * element carry in this dispatch (unique within it), or NULL when out of memory.
 */
typedef const char *dispatch_history_attach_fn(void *ctx, const char *name, const char *sha256);

/* The statement dispatch_history_attachments steps: one event's attachments. */
#define DISPATCH_HISTORY_ATTACHMENTS_SQL                                          \
	"SELECT name, sha256, size, media_type FROM attachment WHERE event_seq = ?" \
	" ORDER BY name"

/*
 * The <Attachment> elements of event seq, each collected by attach and
 * named as its entry in the package; atts is DISPATCH_HISTORY_ATTACHMENTS_SQL
 * prepared (a dispatch prepares it once for all its items) and is reset.
 */
int dispatch_history_attachments(sqlite3_stmt *atts, struct xmlout *w, int64_t seq,
				 dispatch_history_attach_fn *attach, void *ctx, struct err *e);

/*
 * <OjkNotes> of ticket_no up to the Reassign at reassign_seq, included:
 * every OjkNote event and every Reassign's note, oldest first.
 */
int dispatch_history_notes(sqlite3 *db, struct xmlout *w, const char *ticket_no,
			   int64_t reassign_seq, struct err *e);

/*
 * The children of the TicketHistory item answering the HistoryRequest event
 * request_seq, after its TicketNo: RequestedAt, Complaint, then one Event
 * per event of the current assignment.
 */
int dispatch_history_write(sqlite3 *db, struct xmlout *w, int64_t request_seq,
			   dispatch_history_attach_fn *attach, void *ctx, struct err *e);

#endif
