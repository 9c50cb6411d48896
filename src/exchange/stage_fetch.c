/*
 * stage_fetch - take the pairs (data file and .p7s) waiting on the server
 * into inbox/, record each in the journal, then remove it from the server.
 * A pair the journal holds already is only removed again, so a crash
 * between any two steps fetches nothing twice.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "domain/names.h"
#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "ledger/registry.h"
#include "util/fault.h"
#include "util/hex.h"

/* The data file first: a signature left alone on the server is never taken. */
static int remove_remote(struct exchange *x, const char *dir, const char *name, int64_t id,
			 int with_sig, struct err *e)
{
	char sig[SPOOL_NAME_MAX + 8];

	fault_point("before-remote-remove");
	if (x->transport->ops->remove(x->transport, dir, name, e) != 0)
		return -1;
	stage_fmt(sig, sizeof(sig), "%s.p7s", name);
	if (with_sig && x->transport->ops->remove(x->transport, dir, sig, e) != 0)
		return -1;
	fault_point("after-remote-remove");
	return journal_file_removed(x->ledger, id, x->now, e);
}

/* Fetch one remote file into a fresh tmp/ name; its SHA-256 in hex. */
static int fetch_to_tmp(struct exchange *x, const char *dir, const char *name,
			char tmp[SPOOL_NAME_MAX], char sha[65], int64_t *size, struct err *e)
{
	unsigned char digest[32];
	char path[PATH_MAX];

	spool_tmp_name(x->spool, tmp);
	stage_fmt(path, sizeof(path), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, tmp);
	if (x->transport->ops->fetch(x->transport, dir, name, path, digest, size, e) != 0)
		return -1;
	hex_encode(digest, 32, sha);
	return 0;
}

static int fetch_one(struct exchange *x, const char *dir, const char *name,
		     const char *sig_name, struct err *e)
{
	char tmp[SPOOL_NAME_MAX], tmp_sig[SPOOL_NAME_MAX];
	char sha[65], sig_sha[65] = "";
	int64_t size = 0, sig_size = 0, id;
	struct exchange_name en;

	if (fetch_to_tmp(x, dir, name, tmp, sha, &size, e) != 0)
		return -1;
	if (sig_name && fetch_to_tmp(x, dir, sig_name, tmp_sig, sig_sha, &sig_size, e) != 0) {
		spool_tmp_abandon(x->spool, -1, tmp);
		return -1;
	}
	if (spool_tmp_commit(x->spool, -1, tmp, SPOOL_INBOX, name, e) != 0 ||
	    (sig_name && spool_tmp_commit(x->spool, -1, tmp_sig, SPOOL_INBOX, sig_name, e) != 0))
		return -1;
	fault_point("after-fetch");
	names_parse(name, &en);
	if (journal_file_fetched(x->ledger, name, en.kind == NAME_RSP ? "RSP" : "CB", en.code, dir,
				 sha, size, sig_sha, x->now, &id, e) != 0)
		return -1;
	x->sum.fetched++;
	stage_say(x, EXCHANGE_INFO, "%s: fetched from %s (%" PRId64 " bytes)%s", name, dir, size,
		  sig_name ? "" : ", its signature never arrived");
	return remove_remote(x, dir, name, id, sig_name != NULL, e);
}

/* A .p7s in the listing: removed when its data file was taken, else told. */
static int take_signature(struct exchange *x, const char *dir, const struct remote_list *l,
			  const char *name, struct err *e)
{
	char data[SPOOL_NAME_MAX];
	int64_t id;

	stage_fmt(data, sizeof(data), "%.*s", (int)strlen(name) - 4, name);
	if (remote_list_find(l, data) != NULL)
		return 0;   /* taken with its data file */
	if (journal_file_unremoved(x->ledger, dir, data, -1, &id, e) != 0)
		return -1;
	if (id)
		return x->transport->ops->remove(x->transport, dir, name, e) != 0 ||
		       journal_file_removed(x->ledger, id, x->now, e) != 0 ? -1 : 0;
	/* its data file may still come, or was lost by the sender: either way
	 * nothing to fetch, only to tell */
	x->sum.ignored++;
	stage_say(x, EXCHANGE_WARNING, "%s/%s: a signature without its data file, left alone",
		  dir, name);
	return 0;
}

/* A data file in the listing: fetch it with its signature, unless it must wait. */
static int take_data(struct exchange *x, const char *dir, const struct remote_list *l,
		     const struct remote_entry *ent, struct err *e)
{
	const struct remote_entry *sig;
	char sig_name[SPOOL_NAME_MAX + 8];
	int64_t id;

	stage_fmt(sig_name, sizeof(sig_name), "%s.p7s", ent->name);
	sig = remote_list_find(l, sig_name);
	if (journal_file_unremoved(x->ledger, dir, ent->name, ent->size, &id, e) != 0)
		return -1;
	if (id)
		return remove_remote(x, dir, ent->name, id, sig != NULL, e);
	if (journal_file_waiting(x->ledger, ent->name, &id, e) != 0)
		return -1;
	if (id) {
		/* sent again before the first was judged: one inbox name, one file */
		x->sum.waiting++;
		stage_say(x, EXCHANGE_WARNING, "%s/%s: waits until the earlier file of that name "
			  "is processed", dir, ent->name);
		return 0;
	}
	if (sig == NULL && x->now - ent->mtime < x->cfg->limits.orphan_after_s) {
		x->sum.in_transit++;
		stage_say(x, EXCHANGE_INFO, "%s/%s: waiting for its signature", dir, ent->name);
		return 0;
	}
	if (fetch_one(x, dir, ent->name, sig ? sig_name : NULL, e) == 0)
		return 0;
	if (e->code == ERR_TRANSIENT)
		return -1;
	stage_say_err(x, e);
	return 0;
}

static int fetch_folder(struct exchange *x, const char *dir, struct err *e)
{
	struct remote_list l = { 0 };
	int rc = -1;

	if (x->transport->ops->list(x->transport, dir, &l, e) != 0)
		goto out;
	for (size_t i = 0; i < l.n_ignored; i++) {
		x->sum.ignored++;
		stage_say(x, EXCHANGE_WARNING, "%s: ignored an entry whose name fits no pattern",
			  dir);
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct remote_entry *ent = &l.v[i];
		struct exchange_name en;

		if (!ent->regular || names_parse(ent->name, &en) != 0 ||
		    (en.kind != NAME_CB && en.kind != NAME_RSP)) {
			x->sum.ignored++;
			stage_say(x, EXCHANGE_WARNING, "%s/%s: name fits no exchange pattern, "
				  "left alone", dir, ent->name);
			continue;
		}
		if ((en.signature ? take_signature(x, dir, &l, ent->name, e)
				  : take_data(x, dir, &l, ent, e)) != 0)
			goto out;
	}
	rc = 0;
out:
	remote_list_free(&l);
	return rc;
}

int exchange_fetch(struct exchange *x, struct err *e)
{
	struct registry_pujk *pujk = NULL;
	char dir[PATH_MAX];
	size_t n = 0;
	int rc = -1;

	if (stage_transport(x, e) != 0)
		return -1;
	if (registry_pujk_all(x->ledger, &pujk, &n, e) != 0)
		return -1;
	if (fetch_folder(x, x->cfg->transport.intake_outbound, e) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		stage_pujk_dir(x->cfg, pujk[i].code, "upload", dir, sizeof(dir));
		if (fetch_folder(x, dir, e) != 0)
			goto out;
	}
	x->transport->ops->idle(x->transport);
	rc = 0;
out:
	free(pujk);
	return rc;
}
