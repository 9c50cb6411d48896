/*
 * registry - the PUJK and their three officers (SPEC §5), in the ledger.
 *
 * A PUJK is active for exchange only while PRODUCT, SERVICE and DECISION are
 * each held by an active officer.  Replacing an officer (another person) or
 * renewing one (the same person, a new certificate) ends the former
 * certificate's term (active_to) and starts the new one at the same second;
 * the former stays in the history and, for grace_s after the change, still
 * signs what was signed during its term (registry_signer_find).  A
 * certificate serves one officer of one PUJK, ever: never two roles, never
 * the hub's or the intake's, never a CA's.  Every change is refused whole on
 * bad input: nothing is written.
 */
#ifndef SLKTX_REGISTRY_H
#define SLKTX_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "ledger/ledger.h"
#include "trust/sig.h"

/* The roles, in the order users read them; bit i of missing_roles is registry_roles[i]. */
#define REGISTRY_ROLES 3
extern const char *const registry_roles[REGISTRY_ROLES]; /* PRODUCT SERVICE DECISION */
/* The sectors a PUJK may be registered under, NULL-terminated:
 * BANK SECURITIES INSURANCE PENSION FINANCE PAWNSHOP GUARANTEE VENTURE
 * MICROFINANCE FINTECH OTHER. */
extern const char *const registry_sectors[];

/* 1 when code matches [A-Z0-9]{3,12}; role is one of registry_roles. */
int registry_code_valid(const char *code);
int registry_role_valid(const char *role);

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
	int64_t not_before;       /* the certificate's validity */
	int64_t not_after;
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
	unsigned missing_roles; /* bit i set: registry_roles[i] has no active officer */
};

/* The officers of a PUJK in office now (at most three). */
int registry_active_officers(struct ledger *l, const char *pujk_code,
			     struct registry_officers *out, struct err *e);
/* Every officer the PUJK has had, former ones included, by role then term. */
int registry_officer_history(struct ledger *l, const char *pujk_code,
			     struct registry_officers *out, struct err *e);
void registry_officers_free(struct registry_officers *o);

/* Register a PUJK; refused (ERR_INVALID_STATE) when the code is taken. */
int registry_pujk_add(struct ledger *l, const char *code, const char *name, const char *sector,
		      int64_t now, struct err *e);

/* Certificates that may never be an officer's: the hub's, the intake's. */
struct registry_reserved_cert {
	const char *what;      /* "the hub", "the intake 'OJK'": for the message */
	struct sig_cert cert;  /* DER */
};
struct registry_reserved {
	const struct registry_reserved_cert *v;
	size_t n;
};

/*
 * Put an officer in a vacant role (add), end the holder's term and put
 * another person in (replace), or end it and put the same person in with a
 * new certificate (renew: the name is kept).  cert_path must be an end
 * entity's certificate (sig_cert_load) that chains to the trust anchors in
 * t at now (CERT_UNTRUSTED...), is none of reserved (ERR_INVALID_STATE), and
 * was never registered to any officer (ERR_INVALID_STATE).  reserved may be
 * NULL.
 */
int registry_officer_add(struct ledger *l, struct sig_trust *t,
			 const struct registry_reserved *reserved, const char *pujk_code,
			 const char *role, const char *name, const char *cert_path, int64_t now,
			 struct err *e);
int registry_officer_replace(struct ledger *l, struct sig_trust *t,
			     const struct registry_reserved *reserved, const char *pujk_code,
			     const char *role, const char *name, const char *cert_path,
			     int64_t now, struct err *e);
int registry_officer_renew(struct ledger *l, struct sig_trust *t,
			   const struct registry_reserved *reserved, const char *pujk_code,
			   const char *role, const char *cert_path, int64_t now, struct err *e);

/*
 * The certificates a signature on a file of pujk_code may be checked
 * against: the officers in office first, then the former ones, the latest
 * ended first, so that a caller taking only the first few drops the oldest.
 * A superset: registry_signer_find decides, and says why a former
 * certificate no longer signs.
 */
int registry_signer_candidates(struct ledger *l, const char *pujk_code,
			       struct registry_officers *out, struct err *e);

/*
 * The officer of pujk_code whose certificate made a verified signature
 * (SPEC §5): an officer in office, or a former certificate when the
 * signature's signingTime lies within its term (active_from <= t <
 * active_to) and the file was fetched at most grace_s after the term ended.
 * Anything else is ERR_SIGNER_NOT_REGISTERED saying which rule failed.
 * officer (may be NULL) receives the row without its certificate (cert_der
 * NULL).
 */
int registry_signer_find(struct ledger *l, const char *pujk_code, const struct sig_signer *signer,
			 int64_t fetched_at, int64_t grace_s, struct registry_officer *officer,
			 struct err *e);

/* ERR_NOT_FOUND when there is no such PUJK. */
int registry_pujk_get(struct ledger *l, const char *code, struct registry_pujk *out,
		      struct err *e);
/* Every registered PUJK, by code; *out malloc'd. */
int registry_pujk_all(struct ledger *l, struct registry_pujk **out, size_t *n, struct err *e);

/* The PUJK whose current officer holds the certificate of this SHA-256 (hex):
 * *found 1 and its code in holder, or *found 0. */
int registry_cert_holder(struct ledger *l, const char *cert_sha256_hex, char *holder,
			 size_t size, int *found, struct err *e);

#endif
