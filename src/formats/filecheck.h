/*
 * filecheck - everything that can be said of one exchange file without the
 * ledger: the schema (xmlstream), the name against the header (NAME_INVALID,
 * SENDER_MISMATCH), attachments in a plain .xml (PACKAGE_INVALID), the
 * rules the XSD cannot say, and the record-level rules that need no ledger
 * (TIME_INVALID).  `slktx validate` runs it alone; the exchange runs it with
 * hooks that apply each record to the ledger as it streams past.
 *
 * File-level findings land in the xmlstream_result (the file is rejected);
 * record-level ones go to the record hook, or, without hooks, into
 * fc->record_problems.
 */
#ifndef SLKTX_FILECHECK_H
#define SLKTX_FILECHECK_H

#include <time.h>

#include "util/config.h"
#include "domain/names.h"
#include "formats/package.h"
#include "domain/records.h"
#include "xml/records_xml.h"
#include "xml/schema.h"
#include "xml/xmlstream.h"

struct filecheck {
	enum schema_root root;
	struct exchange_name name;
	int has_name;            /* the display name is an exchange name */
	int in_package;          /* the payload of a .zip: attachments allowed */
	char batch_id[64];       /* BatchId, DispatchId or AckId */
	char sender[16];         /* Sender or PujkCode of the header */
	char created_at[48];
	struct err *record_problems;
	size_t n_record_problems;
	/* in a package: every Attachment element, in document order, copied */
	struct package_attachment *atts;
	size_t n_atts;
};

struct filecheck_hooks {
	int (*header)(void *ctx, const struct filecheck *fc, struct err *e);
	/* pre: ERR_NONE, or the ledger-free record-level code with why */
	int (*record)(void *ctx, const struct record *r, long index, enum err_code pre,
		      const struct err *why, struct err *e);
};

/*
 * Check the file at path (shown as display; its base name is matched as an
 * exchange name).  data/len, when data is not NULL, are the bytes to parse
 * instead of the file (the payload of a package).
 */
int filecheck_run(struct schema_set *schemas, const struct config *cfg, const char *path,
		  const char *display, time_t now, struct filecheck *fc,
		  struct xmlstream_result *res, struct err *e);
int filecheck_run_hooks(struct schema_set *schemas, const struct config *cfg, const char *path,
			const unsigned char *data, size_t len, const char *display, time_t now,
			const struct filecheck_hooks *hooks, void *ctx, struct filecheck *fc,
			struct xmlstream_result *res, struct err *e);
void filecheck_free(struct filecheck *fc);

/*
 * Check a .zip package at path: read it into store_dir (package.h), check
 * its payload with filecheck_run_hooks, and match its entries against the
 * payload's Attachment elements.  verdicts (malloc'd, one per fc->atts in
 * document order) receive ERR_NONE, ATTACHMENT_MISSING or
 * ATTACHMENT_MISMATCH.  Package-level findings (PACKAGE_INVALID,
 * LIMIT_EXCEEDED) are added to res like the payload's own.  pkg is left
 * open for a second pass over pkg->payload; free it with package_free.
 */
int filecheck_package(struct schema_set *schemas, const struct config *cfg, const char *path,
		      const char *display, const char *store_dir, time_t now,
		      struct package *pkg, enum err_code **verdicts, struct filecheck *fc,
		      struct xmlstream_result *res, struct err *e);

/* The [limits] of a configuration as the parser's limits. */
void filecheck_limits(const struct config *cfg, struct xmlstream_limits *l);

#endif
