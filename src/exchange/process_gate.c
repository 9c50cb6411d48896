/*
 * process_gate - what is decided of an input before its records: whether
 * its name belongs in its folder, its sender may send, its bytes or batch
 * came before, and who signed it.  The signature is checked before the
 * content is read: a file it refuses is never parsed.
 */
#include <stdarg.h>
#include <string.h>

#include "exchange/process.h"
#include "util/digest.h"

void process_file_error(struct process_job *j, enum err_code code, long line, long col,
			const char *format, ...)
{
	struct err *f;
	va_list ap;

	if (j->n_errors == PROCESS_MAX_ERRORS)
		return;
	f = &j->errors[j->n_errors++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	stage_fmt(f->file, sizeof(f->file), "%s", j->f.name);
	f->line = line;
	f->col = col;
	va_start(ap, format);
	vsnprintf(f->msg, sizeof(f->msg), format, ap);
	va_end(ap);
}

void process_verdict_first(struct process_job *j, size_t i)
{
	struct err first;

	if (i == 0 || i >= j->n_errors)
		return;
	first = j->errors[i];
	memmove(&j->errors[1], &j->errors[0], i * sizeof(first));
	j->errors[0] = first;
}

/* Bytes or batch received before: the file is a duplicate. */
static int precheck_duplicates(struct process_job *j, struct err *e)
{
	struct ledger *l = j->x->ledger;
	char found[SPOOL_NAME_MAX];
	int seen;

	if (journal_received_bytes(l, j->f.sha256, j->f.id, found, sizeof(found), &seen, e) != 0)
		return -1;
	if (seen) {
		stage_fmt(j->duplicate_of, sizeof(j->duplicate_of), "%s", found);
		process_file_error(j, ERR_DUPLICATE_FILE, 0, 0,
				   "these bytes were received before and acknowledged in '%s'",
				   found);
		return 0;
	}
	if (journal_received_batch(l, j->en.base, j->f.id, found, sizeof(found), &seen, e) != 0)
		return -1;
	if (seen)
		process_file_error(j, ERR_DUPLICATE_BATCH_ID, 0, 0,
				   "batch '%s' was received before with other bytes "
				   "(acknowledged in '%s')", j->en.base, found);
	return 0;
}

/* A PUJK may send only when registered with its three officers. */
static int precheck_sender(struct process_job *j, struct err *e)
{
	struct registry_pujk p;

	if (registry_pujk_get(j->x->ledger, j->en.code, &p, e) != 0) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		process_file_error(j, ERR_SENDER_NOT_ACTIVE, 0, 0, "PUJK '%s' is not registered",
				   j->en.code);
		return 0;
	}
	if (!p.active)
		process_file_error(j, ERR_SENDER_NOT_ACTIVE, 0, 0,
				   "PUJK '%s' does not have all three officers registered",
				   j->en.code);
	return 0;
}

/* The fetch refused a pair over a size limit: only its heads were taken. */
static void refused_at_fetch(struct process_job *j)
{
	struct exchange *x = j->x;
	char sig[SPOOL_NAME_MAX + 8];

	stage_fmt(sig, sizeof(sig), "%s.p7s", j->f.name);
	if (j->f.size > stage_fetch_limit(x, j->f.name))
		process_file_error(j, ERR_LIMIT_EXCEEDED, 0, 0, "'%s' has %lld bytes, over the limit "
				   "of %lld: refused before it was received whole", j->f.name,
				   (long long)j->f.size, (long long)stage_fetch_limit(x, j->f.name));
	else
		process_file_error(j, ERR_LIMIT_EXCEEDED, 0, 0, "its signature '%s' is over the limit "
				   "of %lld bytes: refused before it was received whole", sig,
				   (long long)stage_fetch_limit(x, sig));
}

int process_precheck(struct process_job *j, struct err *e)
{
	struct exchange *x = j->x;
	char sig_rel[SPOOL_PATH_MAX];

	if (strcmp(j->f.error_code, "LIMIT_EXCEEDED") == 0) {
		refused_at_fetch(j);
		return 0;
	}
	stage_folder_code(x->cfg, j->f.remote_dir, j->folder_code);
	if (names_parse(j->f.name, &j->en) != 0 ||
	    (j->en.kind == NAME_CB) != (j->folder_code[0] == '\0')) {
		process_file_error(j, ERR_NAME_INVALID, 0, 0, "'%s' does not belong in '%s'",
				   j->f.name, j->f.remote_dir);
		return 0;
	}
	if (strcmp(j->en.code, j->folder_code[0] ? j->folder_code : x->cfg->intake.sender) != 0) {
		process_file_error(j, ERR_SENDER_MISMATCH, 0, 0, "a file of '%s' dropped in '%s'",
				   j->en.code, j->f.remote_dir);
		return 0;
	}
	stage_fmt(sig_rel, sizeof(sig_rel), "%s/%s.p7s", SPOOL_INBOX, j->f.name);
	if (j->f.sig_sha256[0] == '\0' || !spool_exists(x->spool, sig_rel)) {
		process_file_error(j, ERR_SIGNATURE_MISSING, 0, 0, "no signature arrived for '%s'",
				   j->f.name);
		return 0;
	}
	if (precheck_duplicates(j, e) != 0)
		return -1;
	if (j->n_errors == 0 && j->en.kind == NAME_RSP)
		return precheck_sender(j, e);
	return 0;
}

/* The certificates a file of this kind must be signed with. */
static int signer_certs(struct process_job *j, const struct sig_cert **certs, size_t *n,
			struct err *e)
{
	struct exchange *x = j->x;

	if (j->en.kind != NAME_RSP) {
		*certs = x->intake_certs;
		*n = x->n_intake;
		return 0;
	}
	/* in office, then former ones: registry_signer_find decides (SPEC §5) */
	if (registry_signer_candidates(x->ledger, j->en.code, &j->officers, e) != 0)
		return -1;
	for (size_t i = 0; i < j->officers.n && i < 8; i++) {
		j->certs[i].der = j->officers.v[i].cert_der;
		j->certs[i].len = j->officers.v[i].cert_len;
		j->n_certs++;
	}
	*certs = j->certs;
	*n = j->n_certs;
	return 0;
}

/* Is the signer's certificate registered to someone other than the file's sender? */
static int registered_elsewhere(struct process_job *j, int *elsewhere, struct err *e)
{
	struct exchange *x = j->x;
	char holder[32];
	int found;

	*elsewhere = 0;
	if (registry_cert_holder(x->ledger, j->verify.signer.cert_sha256_hex, holder,
				 sizeof(holder), &found, e) != 0)
		return -1;
	if (found && strcmp(holder, j->en.code) != 0)
		*elsewhere = 1;
	for (size_t i = 0; j->en.kind == NAME_RSP && i < x->n_intake; i++) {
		unsigned char d[DIGEST_LEN];

		if (digest_buf(x->intake_certs[i].der, x->intake_certs[i].len, d, e) != 0)
			return -1;
		if (memcmp(d, j->verify.signer.cert_sha256, DIGEST_LEN) == 0)
			*elsewhere = 1;
	}
	return 0;
}

/*
 * The registered officer who signed a response: the records act in their
 * role.  A former certificate signs only what it signed in office, fetched
 * within the grace (SPEC §5); else why is SIGNER_NOT_REGISTERED.
 */
static int take_officer(struct process_job *j, struct err *why)
{
	struct registry_officer officer;

	if (j->en.kind != NAME_RSP)
		return 0;
	if (registry_signer_find(j->x->ledger, j->en.code, &j->verify.signer, j->f.fetched_at,
				 j->x->cfg->registry.grace_hours * 3600, &officer, why) != 0)
		return -1;
	j->actor.officer_id = officer.id;
	stage_fmt(j->officer_role, sizeof(j->officer_role), "%s", officer.role);
	stage_fmt(j->officer_name, sizeof(j->officer_name), "%s", officer.name);
	return 0;
}

int process_verify(struct process_job *j, struct err *e)
{
	struct exchange *x = j->x;
	const struct sig_cert *certs;
	char data[PATH_MAX], sig[PATH_MAX];
	struct err why;
	size_t n_certs;
	int elsewhere = 0;

	if (signer_certs(j, &certs, &n_certs, e) != 0 ||
	    spool_path(x->spool, SPOOL_INBOX, data, sizeof(data), e) != 0)
		return -1;
	stage_fmt(sig, sizeof(sig), "%s/%s.p7s", data, j->f.name);
	stage_fmt(data + strlen(data), sizeof(data) - strlen(data), "/%s", j->f.name);
	err_clear(&why);
	if (sig_verify_file(x->trust, data, sig, certs, n_certs, (time_t)x->now, &j->verify.signer,
			    &why) == 0 && take_officer(j, &why) == 0)
		return 0;
	if (why.code == ERR_TRANSIENT || why.code == ERR_CONFIG || why.code == ERR_IO ||
	    why.code == ERR_INTERNAL) {
		*e = why;
		return -1;
	}
	if (why.code == ERR_SIGNER_NOT_REGISTERED && registered_elsewhere(j, &elsewhere, e) != 0)
		return -1;
	/* why the file is not trusted is its verdict (and what keeps its name
	 * from counting as received); its content is never read */
	if (why.code == ERR_SIGNER_NOT_REGISTERED && elsewhere)
		process_file_error(j, ERR_SENDER_MISMATCH, 0, 0, "signed by '%s', who is registered "
				   "for another sender", j->verify.signer.subject);
	else
		process_file_error(j, why.code, 0, 0, "%s", why.msg);
	process_verdict_first(j, j->n_errors - 1);
	return 0;
}
