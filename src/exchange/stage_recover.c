/*
 * stage_recover - what an interrupted run left, put right before any stage
 * runs (exchange_open calls it with the spool locked):
 * - outbox files that no committed outfile row speaks for belong to an
 *   attempt that rolled back, and go; delivered ones whose move to sent/
 *   was cut short are moved;
 * - processed inputs still in inbox/ are archived; a file there that no
 *   row speaks for (a fetch cut short between its commit and its row) is
 *   left for the fetch, which adopts it or quarantines it.
 */
#include <string.h>
#include <unistd.h>

#include "exchange/stage.h"
#include "util/digest.h"
#include "util/hex.h"

/* Does the outbox file rel hold the bytes the outfile row recorded (sha)? */
static int holds_recorded_bytes(struct exchange *x, const char *rel, const char *sha,
				int *same, struct err *e)
{
	unsigned char digest[DIGEST_LEN];
	char path[PATH_MAX], hex[65];

	if (spool_path(x->spool, rel, path, sizeof(path), e) != 0 ||
	    digest_file(path, digest, NULL, e) != 0)
		return -1;
	hex_encode(digest, DIGEST_LEN, hex);
	*same = strcmp(hex, sha) == 0;
	return 0;
}

/* One outbox file (or its signature): keep, finish its move, or remove it. */
static int recover_outfile(struct exchange *x, const char *dest, const char *dir,
			   const char *file, struct err *e)
{
	char base[SPOOL_NAME_MAX], row_sha[65], rel[SPOOL_PATH_MAX], sig[SPOOL_PATH_MAX];
	size_t len = strlen(file);
	int known, pushed;

	stage_fmt(base, sizeof(base), "%s", file);
	if (len > 4 && strcmp(base + len - 4, ".p7s") == 0)
		base[len - 4] = '\0';
	if (journal_outfile_state(x->ledger, dest, base, &known, &pushed, row_sha, e) != 0)
		return -1;
	stage_fmt(rel, sizeof(rel), "%s/%s", dir, file);
	if (known && pushed && strcmp(base, file) == 0) {
		/* the name was delivered before: other bytes are another file's
		 * answer, left by an attempt that rolled back */
		if (holds_recorded_bytes(x, rel, row_sha, &known, e) != 0)
			return -1;
		/* the signature first: a lone one would pass for delivered */
		stage_fmt(sig, sizeof(sig), "%s.p7s", rel);
		if (!known && spool_remove(x->spool, sig, e) != 0)
			return -1;
	}
	if (!known) {
		stage_say(x, EXCHANGE_INFO, "removing '%s', left by an interrupted run", rel);
		return spool_remove(x->spool, rel, e);
	}
	if (pushed)
		return stage_keep_sent(x, dest, base, e);
	return 0;
}

static int recover_outbox_dir(struct exchange *x, const char *dest, struct err *e)
{
	struct spool_list files = { 0 };
	char dir[SPOOL_PATH_MAX], path[PATH_MAX];
	int rc = -1;

	stage_fmt(dir, sizeof(dir), "%s/%s", SPOOL_OUTBOX, dest);
	if (spool_list(x->spool, dir, &files, e) != 0)
		return -1;
	for (size_t i = 0; i < files.n; i++)
		if (recover_outfile(x, dest, dir, files.names[i], e) != 0)
			goto out;
	/* a signer's temporary file of an earlier release: its name starts
	 * with a dot, which no spool path may, so it is removed by its path */
	for (size_t i = 0; i < files.n_ignored; i++) {
		if (files.ignored[i][0] != '.' || strchr(files.ignored[i], '/') != NULL ||
		    spool_path(x->spool, dir, path, sizeof(path), NULL) != 0 ||
		    stage_fmt(path + strlen(path), sizeof(path) - strlen(path), "/%s",
			      files.ignored[i]) != 0)
			continue;
		unlink(path);
	}
	rc = 0;
out:
	spool_list_free(&files);
	return rc;
}

static int recover_outbox(struct exchange *x, struct err *e)
{
	struct spool_list dests = { 0 };
	int rc = -1;

	if (spool_list_dirs(x->spool, SPOOL_OUTBOX, &dests, e) != 0)
		return -1;
	for (size_t d = 0; d < dests.n; d++)
		if (recover_outbox_dir(x, dests.names[d], e) != 0)
			goto out;
	rc = 0;
out:
	spool_list_free(&dests);
	return rc;
}

/*
 * Is inbox/name the input of the processed row f, still to be archived?
 * Not when it holds other bytes, nor when f's archive slot has that name
 * as another file: then it is an orphan of a later fetch cut short before
 * its row, which the fetch adopts or quarantines (stage_fetch.c).
 */
static int input_of(struct exchange *x, const struct journal_file *f, int *yes, struct err *e)
{
	char rel[SPOOL_PATH_MAX], kept[SPOOL_PATH_MAX];
	struct stat in, there;
	int fd;

	*yes = 0;
	stage_fmt(rel, sizeof(rel), "%s/%s", SPOOL_INBOX, f->name);
	if (holds_recorded_bytes(x, rel, f->sha256, yes, e) != 0)
		return -1;
	stage_fmt(kept, sizeof(kept), "%s/%s", f->archive_dir, f->name);
	if (!*yes || !spool_exists(x->spool, kept))
		return 0;
	/* both there: the same file only when a move stopped half-way */
	fd = spool_open_read(x->spool, rel, &in, e);
	if (fd < 0)
		return -1;
	close(fd);
	fd = spool_open_read(x->spool, kept, &there, e);
	if (fd < 0)
		return -1;
	close(fd);
	*yes = in.st_dev == there.st_dev && in.st_ino == there.st_ino;
	return 0;
}

static int recover_inbox(struct exchange *x, struct err *e)
{
	struct spool_list files = { 0 };
	int rc = -1;

	if (spool_list(x->spool, SPOOL_INBOX, &files, e) != 0)
		return -1;
	for (size_t i = 0; i < files.n; i++) {
		struct journal_file f;
		int found, mine = 0;

		if (journal_file_processed(x->ledger, files.names[i], &f, &found, e) != 0 ||
		    (found && input_of(x, &f, &mine, e) != 0))
			goto out;
		if (mine && stage_keep_input(x, &f, e) != 0)
			goto out;
	}
	rc = 0;
out:
	spool_list_free(&files);
	return rc;
}

int stage_recover(struct exchange *x, struct err *e)
{
	if (recover_outbox(x, e) != 0 || recover_inbox(x, e) != 0)
		return -1;
	return 0;
}
