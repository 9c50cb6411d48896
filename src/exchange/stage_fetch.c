/*
 * stage_fetch - take the pairs (data file and .p7s) waiting on the server
 * into inbox/, record each in the journal, then remove it from the server.
 * A pair the journal holds already (and whose bytes are still those) is
 * only removed again, so a crash between any two steps fetches nothing
 * twice.  The rules (docs/DESIGN.md, "The fetch"): sizes are checked before
 * the bytes come, and a pair over a limit is never received whole; a
 * failure on one remote file is that file's, never the run's; an inbox file
 * left unrecorded by a crash is adopted by its digest or quarantined.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "domain/names.h"
#include "exchange/exchange.h"
#include "exchange/stage.h"
#include "ledger/registry.h"
#include "util/digest.h"
#include "util/fault.h"
#include "util/hex.h"

/* A detached CMS signature is a few kilobytes with its certificates. */
#define FETCH_SIGNATURE_MAX ((int64_t)1 << 20)

/* The data file first: a signature left alone on the server is never taken.
 * *remote is set when the server refused. */
static int remove_remote(struct exchange *x, const char *dir, const char *name, int64_t id,
			 int with_sig, int *remote, struct err *e)
{
	char sig[SPOOL_NAME_MAX + 8];

	fault_point("before-remote-remove");
	stage_fmt(sig, sizeof(sig), "%s.p7s", name);
	if (x->transport->ops->remove(x->transport, dir, name, e) != 0 ||
	    (with_sig && x->transport->ops->remove(x->transport, dir, sig, e) != 0)) {
		*remote = 1;
		return -1;
	}
	fault_point("after-remote-remove");
	return journal_file_removed(x->ledger, id, x->now, e);
}

/* One remote file fetched into tmp/. */
struct fetched {
	char tmp[SPOOL_NAME_MAX];
	char sha[65];   /* of the bytes received */
	int64_t size;   /* the bytes received; the server's size when over */
	int over;       /* over its limit: only its head is in tmp/ */
};

int64_t stage_fetch_limit(const struct exchange *x, const char *name)
{
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".p7s") == 0)
		return FETCH_SIGNATURE_MAX;
	if (n > 4 && strcmp(name + n - 4, ".zip") == 0)
		return x->cfg->limits.max_package_size;
	return x->cfg->limits.max_file_size;
}

/*
 * Fetch one remote file into a fresh tmp/ name, reading at most max bytes:
 * a file over it is no failure here, only f->over with its head in tmp/.
 * A failure of the transport on this file sets *remote.
 */
static int fetch_to_tmp(struct exchange *x, const char *dir, const char *name, int64_t max,
			struct fetched *f, int *remote, struct err *e)
{
	unsigned char digest[32];
	char path[PATH_MAX];

	memset(f, 0, sizeof(*f));
	spool_tmp_name(x->spool, f->tmp);
	stage_fmt(path, sizeof(path), "%s/%s/%s", spool_dir(x->spool), SPOOL_TMP, f->tmp);
	if (x->transport->ops->fetch(x->transport, dir, name, path, max, digest, &f->size, e) != 0) {
		if (e->code != ERR_LIMIT_EXCEEDED) {
			*remote = 1;
			return -1;
		}
		f->over = 1;
		if (digest_file(path, digest, NULL, e) != 0)
			return -1;
	}
	hex_encode(digest, 32, f->sha);
	return 0;
}

/*
 * inbox/name with no journal row is what a fetch cut short between its
 * commit and its row left there (the caller knows no row waits under that
 * name).  The same bytes are taken as they are; other bytes mean the sender
 * replaced the file since: the old ones are quarantined, never lost.
 */
static int clear_orphan(struct exchange *x, const char *name, const char *sha, struct err *e)
{
	unsigned char digest[32];
	char rel[SPOOL_PATH_MAX], path[PATH_MAX], hex[65];

	stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, name);
	if (!spool_exists(x->spool, rel))
		return 0;
	if (spool_path(x->spool, rel, path, sizeof(path), e) != 0 ||
	    digest_file(path, digest, NULL, e) != 0)
		return -1;
	hex_encode(digest, 32, hex);
	if (strcmp(hex, sha) == 0)
		return 0;
	x->sum.quarantined++;
	stage_say(x, EXCHANGE_WARNING, "%s: an earlier copy left unrecorded by an interrupted run "
		  "holds other bytes: quarantined, the server's file taken", name);
	return spool_quarantine(x->spool, rel, "fetched by a run interrupted before it was "
				"recorded; by the next run the sender had replaced the file, whose "
				"new bytes were taken instead", NULL, e);
}

/* Quarantine a pair over its limits from inbox/, each with its reason. */
static int quarantine_over(struct exchange *x, const char *dir, const char *name,
			   const struct fetched *data, const char *sig_name,
			   const struct fetched *sig, struct err *e)
{
	char rel[SPOOL_PATH_MAX], reason[1024];
	const char *which = data->over && data->size > stage_fetch_limit(x, name) ? name : sig_name;
	const struct fetched *big = which == name ? data : sig;

	stage_fmt(reason, sizeof(reason), "LIMIT_EXCEEDED: '%s/%s' has %" PRId64 " bytes, over the "
		  "limit of %" PRId64 ": only its first bytes were fetched", dir, which, big->size,
		  stage_fetch_limit(x, which));
	x->sum.quarantined++;
	stage_say(x, EXCHANGE_WARNING, "%s", reason);
	stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, name);
	if (spool_quarantine(x->spool, rel, reason, NULL, e) != 0)
		return -1;
	stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, sig_name ? sig_name : "");
	if (sig_name && spool_exists(x->spool, rel) &&
	    spool_quarantine(x->spool, rel, reason, NULL, e) != 0)
		return -1;
	return 0;
}

/* Commit a fetched file into inbox/ as name, past any orphan of that name. */
static int enter_inbox(struct exchange *x, const char *name, const struct fetched *f,
		       struct err *e)
{
	if (clear_orphan(x, name, f->sha, e) != 0)
		return -1;
	return spool_tmp_commit(x->spool, -1, f->tmp, SPOOL_INBOX, name, e);
}

/*
 * Fetch a pair, record it, remove it from the server.  A pair over a limit
 * (by its listing, or by what the server hands out) is never received
 * whole: its heads are quarantined and its row says LIMIT_EXCEEDED, which
 * the process stage acknowledges.  *remote is set when the transport failed
 * on this file (its problem, not the run's).
 */
static int fetch_one(struct exchange *x, const char *dir, const struct remote_entry *ent,
		     const struct remote_entry *sig_ent, int *remote, struct err *e)
{
	const char *name = ent->name, *sig_name = sig_ent ? sig_ent->name : NULL;
	struct fetched data, sig;
	int64_t id;
	int over;
	struct exchange_name en;

	memset(&sig, 0, sizeof(sig));
	/* over by the listing: only heads are asked for (max 0) */
	over = ent->size > stage_fetch_limit(x, name) || (sig_ent && sig_ent->size > FETCH_SIGNATURE_MAX);
	if (fetch_to_tmp(x, dir, name, over ? 0 : stage_fetch_limit(x, name), &data, remote, e) != 0) {
		spool_tmp_abandon(x->spool, -1, data.tmp);
		return -1;
	}
	over |= data.over;
	if (sig_name && fetch_to_tmp(x, dir, sig_name, over ? 0 : FETCH_SIGNATURE_MAX, &sig, remote,
				     e) != 0) {
		spool_tmp_abandon(x->spool, -1, data.tmp);
		spool_tmp_abandon(x->spool, -1, sig.tmp);
		return -1;
	}
	over |= sig.over;
	if (enter_inbox(x, name, &data, e) != 0 ||
	    (sig_name && enter_inbox(x, sig_name, &sig, e) != 0))
		return -1;
	fault_point("after-fetch");
	if (over && quarantine_over(x, dir, name, &data, sig_name, &sig, e) != 0)
		return -1;
	names_parse(name, &en);
	if (journal_file_fetched(x->ledger, name, en.kind == NAME_RSP ? "RSP" : "CB", en.code, dir,
				 data.sha, data.size, sig.sha, over ? "LIMIT_EXCEEDED" : NULL, x->now,
				 &id, e) != 0)
		return -1;
	x->sum.fetched++;
	stage_say(x, EXCHANGE_INFO, "%s: fetched from %s (%" PRId64 " bytes)%s", name, dir,
		  data.size, over ? ", over a size limit: refused" : sig_name ? ""
		  : ", its signature never arrived");
	return remove_remote(x, dir, name, id, sig_name != NULL, remote, e);
}

/*
 * A failure on one remote file is that file's: told, counted as waiting
 * (the run ends 75), and the other files still go.  A lost connection
 * (ERR_TRANSIENT), a configuration error or the hub's own disk or ledger
 * failing ends the stage.
 */
static int file_failed(struct exchange *x, int remote, struct err *e)
{
	if (!remote || e->code == ERR_TRANSIENT || e->code == ERR_CONFIG ||
	    e->code == ERR_INTERNAL)
		return -1;
	stage_say_err(x, e);
	x->sum.waiting++;
	x->remote_failures++;
	return 0;
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
	if (id) {
		if (x->transport->ops->remove(x->transport, dir, name, e) != 0)
			return file_failed(x, 1, e);
		return journal_file_removed(x->ledger, id, x->now, e);
	}
	/* its data file may still come, or was lost by the sender: either way
	 * nothing to fetch, only to tell */
	x->sum.ignored++;
	stage_say(x, EXCHANGE_WARNING, "%s/%s: a signature without its data file, left alone",
		  dir, name);
	return 0;
}

/*
 * A file fetched and recorded but not removed yet (a crash, or a server
 * that refused) is only removed again, unless the sender has put other
 * bytes under its name since: its digest tells.  Then the recorded file is
 * gone from the server (*id = 0) and the new one is fetched as any other.
 */
static int still_there(struct exchange *x, const char *dir, const struct remote_entry *ent,
		       int64_t *id, int *remote, struct err *e)
{
	struct fetched now;
	char recorded[65];
	int64_t max = ent->size > stage_fetch_limit(x, ent->name) ? 0
		      : stage_fetch_limit(x, ent->name);
	int rc;

	if (journal_file_sha(x->ledger, *id, recorded, e) != 0)
		return -1;
	rc = fetch_to_tmp(x, dir, ent->name, max, &now, remote, e);
	spool_tmp_abandon(x->spool, -1, now.tmp);
	if (rc != 0)
		return -1;
	if (strcmp(now.sha, recorded) == 0)
		return 0;
	stage_say(x, EXCHANGE_WARNING, "%s/%s: replaced by the sender since it was fetched: the "
		  "new file is fetched", dir, ent->name);
	rc = journal_file_removed(x->ledger, *id, x->now, e);
	*id = 0;
	return rc;
}

/* A data file in the listing: fetch it with its signature, unless it must wait. */
static int take_data(struct exchange *x, const char *dir, const struct remote_list *l,
		     const struct remote_entry *ent, struct err *e)
{
	const struct remote_entry *sig;
	char sig_name[SPOOL_NAME_MAX + 8];
	int64_t id;
	int remote = 0;

	stage_fmt(sig_name, sizeof(sig_name), "%s.p7s", ent->name);
	sig = remote_list_find(l, sig_name);
	if (journal_file_unremoved(x->ledger, dir, ent->name, ent->size, &id, e) != 0 ||
	    (id && still_there(x, dir, ent, &id, &remote, e) != 0))
		return file_failed(x, remote, e);
	if (id) {
		if (remove_remote(x, dir, ent->name, id, sig != NULL, &remote, e) != 0)
			return file_failed(x, remote, e);
		return 0;
	}
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
	if (fetch_one(x, dir, ent, sig, &remote, e) != 0)
		return file_failed(x, remote, e);
	return 0;
}

/* What the listing set aside: told by what it is, never touched. */
static void tell_ignored(struct exchange *x, const char *dir, const struct remote_entry *ent)
{
	char shown[4 * sizeof(ent->name)];

	x->sum.ignored++;
	remote_name_shown(ent->name, shown, sizeof(shown));
	if (ent->type != REMOTE_FILE)
		stage_say(x, EXCHANGE_WARNING, "%s/%s: %s, left alone", dir, shown,
			  remote_type_name(ent->type));
	else
		stage_say(x, EXCHANGE_WARNING, "%s/%s: a name the exchange never uses (hidden, or "
			  "with characters outside [A-Za-z0-9._-]), left alone", dir, shown);
}

static int fetch_folder(struct exchange *x, const char *dir, struct err *e)
{
	struct remote_list l = { 0 };
	int rc = -1;

	if (x->transport->ops->list(x->transport, dir, &l, e) != 0) {
		/* a folder the server will not list is that folder's problem */
		rc = file_failed(x, 1, e);
		goto out;
	}
	for (size_t i = 0; i < l.n_ignored; i++)
		tell_ignored(x, dir, &l.ignored[i]);
	for (size_t i = 0; i < l.n; i++) {
		const struct remote_entry *ent = &l.v[i];
		struct exchange_name en;

		if (names_parse(ent->name, &en) != 0 || (en.kind != NAME_CB && en.kind != NAME_RSP)) {
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
	if (x->remote_failures) {
		rc = err_set(e, ERR_TRANSIENT, "%ld remote files or folders wait for the next run",
			     x->remote_failures);
		goto out;
	}
	rc = 0;
out:
	free(pujk);
	return rc;
}
