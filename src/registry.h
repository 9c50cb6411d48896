/*
 * registry - the PUJK and their three officers (SPEC §5), in the ledger.
 *
 * A PUJK is active for exchange only while PRODUCT, SERVICE and DECISION are
 * each held by an active officer.  Replacing an officer ends the former one's
 * term (active_to) and keeps it in the history.  Every change is refused
 * whole on bad input: nothing is written.
 */
#ifndef SLKTX_REGISTRY_H
#define SLKTX_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ledger.h"

struct registry_officer {
	long id;
	char pujk_code[16];
	char role[16];            /* PRODUCT | SERVICE | DECISION */
	char name[256];
	unsigned char *cert_der;  /* malloc'd */
	size_t cert_len;
	char cert_sha256[65];     /* hex, over the DER certificate */
	char subject[512];
	char serial[128];
	int64_t active_from;
	int64_t active_to;        /* 0 while active */
};

struct registry_officers {
	struct registry_officer *v;
	size_t n;
};

struct registry_pujk {
	char code[16];
	char name[256];
	char sector[64];
	int64_t created_at;
	int active; /* all three roles filled */
};

/* The officers of a PUJK in office now (at most three). */
int registry_active_officers(struct ledger *l, const char *pujk_code,
			     struct registry_officers *out, struct err *e);
void registry_officers_free(struct registry_officers *o);

/* ERR_NOT_FOUND when there is no such PUJK. */
int registry_pujk_get(struct ledger *l, const char *code, struct registry_pujk *out,
		      struct err *e);
/* Every registered PUJK, by code; *out malloc'd. */
int registry_pujk_all(struct ledger *l, struct registry_pujk **out, size_t *n, struct err *e);

#endif
