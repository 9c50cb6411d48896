/*
 * keep - where finished files are kept: a processed input with its
 * signature and acknowledgement in archive/YYYY/MM/DD, a delivered file in
 * sent/YYYY/MM/DD.  A name seen twice on one day takes the next free slot
 * (a numbered folder below the day's), so nothing is ever replaced.
 */
#include <string.h>

#include "exchange/stage.h"

/*
 * The directory under top (archive/ or sent/ of the day) where none of the
 * names is taken: top itself, else top/1, top/2...  Files of one name fill
 * the slots in the same order, so a repeated call after a crash picks the
 * same slot.
 */
int stage_free_slot(struct exchange *x, const char *top, const char *const *names, size_t n,
		    char dir[SPOOL_PATH_MAX], struct err *e)
{
	char rel[SPOOL_PATH_MAX];

	stage_fmt(dir, SPOOL_PATH_MAX, "%s", top);
	for (int slot = 1; slot < 1000; slot++) {
		int taken = 0;

		for (size_t i = 0; i < n && !taken; i++)
			taken = stage_fmt(rel, sizeof(rel), "%s/%s", dir, names[i]) != 0 ||
				spool_exists(x->spool, rel);
		if (!taken)
			return 0;
		stage_fmt(dir, SPOOL_PATH_MAX, "%s/%d", top, slot);
	}
	return err_set(e, ERR_IO, "'%s' has a thousand files named '%s'", top, names[0]);
}

/* Move outbox/dest/name into the first free slot of today's sent/. */
static int sent_one(struct exchange *x, const char *dest, const char *name, struct err *e)
{
	char rel[SPOOL_PATH_MAX], sent[SPOOL_PATH_MAX], dir[SPOOL_PATH_MAX];
	const char *one[1] = { name };

	stage_fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, name);
	if (!spool_exists(x->spool, rel))
		return 0;
	spool_dated_dir(sent, SPOOL_SENT, x->now);
	if (stage_free_slot(x, sent, one, 1, dir, e) != 0)
		return -1;
	return spool_move(x->spool, rel, dir, e);
}

int stage_keep_sent(struct exchange *x, const char *dest, const char *name, struct err *e)
{
	char sig[SPOOL_NAME_MAX + 8];

	stage_fmt(sig, sizeof(sig), "%s.p7s", name);
	if (sent_one(x, dest, name, e) != 0 || sent_one(x, dest, sig, e) != 0)
		return -1;
	return 0;
}

/*
 * Keep a processed input with its signature and acknowledgement: the
 * acknowledgement is copied first, so that an input still in inbox/ always
 * means "not archived yet".  An input whose signature never came goes to
 * quarantine/.
 */
int stage_keep_input(struct exchange *x, const struct journal_file *f, struct err *e)
{
	char dest[SPOOL_NAME_MAX], rel[SPOOL_PATH_MAX], sig[SPOOL_NAME_MAX + 8];

	if (stage_ack_destination(x, f, dest, e) != 0)
		return -1;
	stage_fmt(sig, sizeof(sig), "%s.p7s", f->ack_name);
	stage_fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, f->ack_name);
	if (spool_exists(x->spool, rel) &&
	    spool_copy(x->spool, rel, f->archive_dir, f->ack_name, e) != 0)
		return -1;
	stage_fmt(rel, sizeof(rel), "%s/%s/%s", SPOOL_OUTBOX, dest, sig);
	if (spool_exists(x->spool, rel) && spool_copy(x->spool, rel, f->archive_dir, sig, e) != 0)
		return -1;
	stage_fmt(sig, sizeof(sig), "%s.p7s", f->name);
	stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, sig);
	if (spool_exists(x->spool, rel) && spool_move(x->spool, rel, f->archive_dir, e) != 0)
		return -1;
	stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, f->name);
	if (!spool_exists(x->spool, rel))
		return 0;
	if (strcmp(f->error_code, "SIGNATURE_MISSING") == 0) {
		x->sum.quarantined++;
		return spool_quarantine(x->spool, rel, "SIGNATURE_MISSING: no signature arrived",
					NULL, e);
	}
	return spool_move(x->spool, rel, f->archive_dir, e);
}
