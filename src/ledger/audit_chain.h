/*
 * audit_chain - `audit verify`'s walk along the hash chain.
 */
#ifndef SLKTX_AUDIT_CHAIN_H
#define SLKTX_AUDIT_CHAIN_H

#include "ledger/audit.h"

/*
 * One walk along the hash chain (history_verify), which checks on the way
 * what the events say of the rows outside it: each event's file and officer
 * are rows of their tables (the officer with the event's role and PUJK);
 * each attachment row is one the event's detail lists, with its hash, size
 * and type, and each one listed has its row; no attachment row belongs to
 * an event the chain does not hold; and a processed file's accepted count is
 * its number of events.  A broken chain (an event that does not match its
 * hash, a gap) is one finding, and the walk ends there.
 */
int audit_chain(struct ledger *l, audit_found_fn *found, void *ctx, struct audit_counts *c,
		struct err *e);

#endif
