/*
 * transport_local - the SPEC §8 remote layout on a local directory: the
 * embedded default, for a single machine and for the demo.
 *
 * A remote path "/pujk/BANKA/upload" is <transport.root>/pujk/BANKA/upload,
 * walked one component at a time without following a symlink.  On a single
 * machine the hub is the one that lays the exchange out, so this transport
 * creates (mode 0750) a missing root and a missing folder of the configured
 * layout: transport.intake_outbound, transport.intake_inbound,
 * <pujk_root>/<CODE>/upload and <pujk_root>/<CODE>/download, and move_to
 * with after_fetch = move.  Any other missing folder is ERR_NOT_FOUND.
 * Files it delivers are 0640.  Errors follow transport.h: with no
 * connection to lose it is never ERR_TRANSIENT; the disk's failures, on
 * either side, are ERR_IO.
 */
#include "transport/transport.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "util/digest.h"
#include "util/fault.h"
#include "util/safefile.h"

#define LAYOUT_DIR_MODE 0750
#define DELIVERED_MODE 0640

struct local {
	int root;
	int move; /* after_fetch = move */
};

static void close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

static struct local *impl(struct transport *t)
{
	return t->impl;
}

/* 1 when the configuration's layout has the folder dir (see the header). */
static int in_layout(const struct config *cfg, const char *dir)
{
	size_t len = strlen(cfg->transport.pujk_root);
	const char *rest, *slash;

	if (strcmp(dir, cfg->transport.intake_outbound) == 0 ||
	    strcmp(dir, cfg->transport.intake_inbound) == 0)
		return 1;
	if (strcmp(cfg->transport.after_fetch, "move") == 0 &&
	    strcmp(dir, cfg->transport.move_to) == 0)
		return 1;
	if (len == 0 || strncmp(dir, cfg->transport.pujk_root, len) != 0 || dir[len] != '/')
		return 0;
	rest = dir + len + 1;
	slash = strchr(rest, '/');
	return slash != NULL && (strcmp(slash, "/upload") == 0 || strcmp(slash, "/download") == 0);
}

static int open_remote_dir(struct transport *t, const char *dir, struct err *e)
{
	const struct config *cfg = t->cfg;

	if (!remote_dir_ok(dir))
		return err_set(e, ERR_NAME_INVALID, "unsafe remote folder '%s'", dir);
	return safefile_open_dir(impl(t)->root, cfg->transport.root, dir + 1,
				 in_layout(cfg, dir) ? LAYOUT_DIR_MODE : 0, e);
}

static int local_list(struct transport *t, const char *dir, struct remote_list *out,
		      struct err *e)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = -1;

	memset(out, 0, sizeof(*out));
	fd = open_remote_dir(t, dir, e);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (d == NULL) {
		err_sys(e, ERR_IO, "cannot read remote folder '%s'", dir);
		close_keep_errno(fd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct remote_entry ent;
		struct stat st;
		int ok;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		memset(&ent, 0, sizeof(ent));
		snprintf(ent.name, sizeof(ent.name), "%s", de->d_name);
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* taken away since readdir */
			err_sys(e, ERR_IO, "cannot stat '%s/%s'", dir, ent.name);
			goto out;
		}
		ent.size = st.st_size;
		ent.mtime = st.st_mtime;
		ent.type = S_ISREG(st.st_mode) ? REMOTE_FILE : S_ISDIR(st.st_mode) ? REMOTE_DIR
			   : S_ISLNK(st.st_mode) ? REMOTE_LINK : S_ISFIFO(st.st_mode) ? REMOTE_FIFO
			   : S_ISSOCK(st.st_mode) ? REMOTE_SOCKET : REMOTE_DEVICE;
		ok = ent.type == REMOTE_FILE && remote_name_ok(de->d_name);
		if (remote_list_add(out, !ok, &ent) < 0) {
			err_sys(e, ERR_INTERNAL, "cannot allocate a listing");
			goto out;
		}
	}
	if (errno != 0) {
		err_sys(e, ERR_IO, "cannot read remote folder '%s'", dir);
		goto out;
	}
	remote_list_sort(out);
	rc = 0;
out:
	closedir(d);
	return rc;
}

/* Keep the first TRANSPORT_HEAD bytes of a file over the limit in out. */
static int copy_head(int in, int out, const char *shown, const char *local_path,
		     const struct stat *st, int64_t max, int64_t *size, struct err *e)
{
	int64_t got = 0;

	if (digest_copy_fd(in, out, shown, TRANSPORT_HEAD, NULL, &got, e) < 0)
		return -1;
	if (got > TRANSPORT_HEAD && ftruncate(out, TRANSPORT_HEAD) < 0)
		return err_sys(e, ERR_IO, "cannot truncate '%s'", local_path);
	*size = st->st_size;
	return err_set(e, ERR_LIMIT_EXCEEDED, "'%s' has %lld bytes, over the limit of %lld",
		       shown, (long long)st->st_size, (long long)max);
}

/* One pass: 1 when the file stayed put while copied, 0 when it moved. */
static int copy_once(int dfd, const char *dir, const char *name, const char *shown, int out,
		     const char *local_path, int64_t max, unsigned char sha256[32], int64_t *size,
		     int *over, struct err *e)
{
	struct stat before, after;
	int in, rc = -1;
	int64_t total = 0;

	in = safefile_open_read(dfd, dir, name, &before, e);
	if (in < 0)
		return -1;
	fault_point("fetch-started");
	if (before.st_size > max) {
		*over = 1;
		copy_head(in, out, shown, local_path, &before, max, size, e);
		goto out;
	}
	/* a file growing past its listed size: no use reading on */
	if (digest_copy_fd(in, out, shown, before.st_size, sha256, &total, e) < 0)
		goto out;
	if (fstat(in, &after) < 0) {
		err_sys(e, ERR_IO, "cannot stat '%s'", shown);
		goto out;
	}
	*size = total;
	rc = total == before.st_size && after.st_size == before.st_size &&
	     after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
	     after.st_mtim.tv_nsec == before.st_mtim.tv_nsec;
	if (!rc)
		err_set(e, ERR_IO, "'%s' changed while fetched (%lld bytes, then %lld): still being "
			"written?", shown, (long long)before.st_size, (long long)after.st_size);
out:
	close_keep_errno(in);
	return rc;
}

static int local_fetch(struct transport *t, const char *dir, const char *name,
		       const char *local_path, int64_t max, unsigned char sha256[32],
		       int64_t *size, struct err *e)
{
	char shown[PATH_MAX];
	int dfd = -1, out = -1, rc = -1, created = 0, over = 0, same = 0;

	if (!remote_name_ok(name)) {
		err_set(e, ERR_NAME_INVALID, "unsafe remote name '%s'", name);
		goto out;
	}
	dfd = open_remote_dir(t, dir, e);
	if (dfd < 0)
		goto out;
	out = open(local_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		err_sys(e, ERR_IO, "cannot create '%s'", local_path);
		goto out;
	}
	created = 1;
	snprintf(shown, sizeof(shown), "%s/%s", dir, name);
	/* a file that moves is fetched once more, as over sftp */
	for (int attempt = 0; attempt < 2 && !same; attempt++) {
		if (attempt > 0 && (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)) {
			err_sys(e, ERR_IO, "cannot truncate '%s'", local_path);
			goto out;
		}
		same = copy_once(dfd, dir, name, shown, out, local_path, max, sha256, size, &over, e);
		if (same < 0)
			goto out;
	}
	if (!same)
		goto out;
	/* once per fetch: the bytes are copied and checked, not yet synced */
	fault_point("mid-fetch");
	if (fsync(out) < 0) {
		err_sys(e, ERR_IO, "cannot fsync '%s'", local_path);
		goto out;
	}
	if (close(out) < 0) {
		out = -1;
		err_sys(e, ERR_IO, "cannot close '%s'", local_path);
		goto out;
	}
	out = -1;
	rc = 0;
out:
	if (out >= 0)
		close_keep_errno(out);
	if (rc < 0 && created && !over) {
		/* ours (created exclusively above): a partial copy must not stay */
		int saved = errno;

		unlink(local_path);
		errno = saved;
	}
	if (dfd >= 0)
		close_keep_errno(dfd);
	return rc;
}

/* 1 when dfd/name holds the bytes of fd, 0 when it does not exist, -1 when
 * it holds other bytes or cannot be read (e filled). */
static int already_delivered(int dfd, const char *dir, const char *name, int fd,
			     const char *local_path, struct err *e)
{
	char shown[PATH_MAX];
	struct err e2;
	int there, same;

	snprintf(shown, sizeof(shown), "%s/%s", dir, name);
	there = safefile_open_read(dfd, dir, name, NULL, &e2);
	if (there < 0) {
		if (e2.code == ERR_NOT_FOUND)
			return 0;
		if (e)
			*e = e2;
		return -1;
	}
	same = safefile_same_bytes(fd, there, local_path, shown, e);
	close_keep_errno(there);
	if (same == 0) {
		errno = EEXIST;
		return err_sys(e, ERR_IO, "cannot push '%s' as '%s': other content is already there",
			       local_path, shown);
	}
	return same;
}

/* Create dir/part exclusively; our own name left by a push that crashed goes first. */
static int open_part(int dfd, const char *dir, const char *part, struct err *e)
{
	int out = openat(dfd, part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (out < 0 && errno == EEXIST) {
		if (unlinkat(dfd, part, 0) < 0)
			return err_sys(e, ERR_IO, "cannot remove '%s/%s'", dir, part);
		out = openat(dfd, part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (out < 0)
		return err_sys(e, ERR_IO, "cannot create '%s/%s'", dir, part);
	return out;
}

static int local_push(struct transport *t, const char *local_path, const char *dir,
		      const char *name, struct err *e)
{
	char part[SAFEFILE_NAME_MAX + 16];
	struct stat st;
	int in = -1, dfd = -1, out = -1, rc = -1, have_part = 0, done;

	if (!remote_name_ok(name) || strlen(name) + 6 > SAFEFILE_NAME_MAX) {
		err_set(e, ERR_NAME_INVALID, "unsafe remote name '%s'", name);
		goto out;
	}
	snprintf(part, sizeof(part), ".%s.part", name);
	in = open(local_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0) {
		err_sys(e, ERR_IO, "cannot open '%s'", local_path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		err_sys(e, ERR_IO, "refusing '%s': not a regular file", local_path);
		goto out;
	}
	dfd = open_remote_dir(t, dir, e);
	if (dfd < 0)
		goto out;
	done = already_delivered(dfd, dir, name, in, local_path, e);
	if (done != 0) {
		rc = done > 0 ? 0 : -1;
		goto out;
	}
	out = open_part(dfd, dir, part, e);
	if (out < 0)
		goto out;
	have_part = 1;
	if (digest_copy_fd(in, out, local_path, -1, NULL, NULL, e) < 0)
		goto out;
	if (fchmod(out, DELIVERED_MODE) < 0) {
		err_sys(e, ERR_IO, "cannot chmod '%s/%s'", dir, part);
		goto out;
	}
	fault_point("mid-push");
	done = safefile_commit(out, dfd, part, dfd, name, 0, dir, dir, e);
	out = -1;
	if (done == 0) {
		have_part = 0;
	} else if (errno != EEXIST) {
		goto out;
	} else {
		/* someone put that name there meanwhile */
		done = already_delivered(dfd, dir, name, in, local_path, e);
		if (done == 0)
			err_set(e, ERR_IO, "cannot rename '%s/%s' to '%s/%s': it came and went",
				dir, part, dir, name);
		if (done <= 0 || safefile_sync_dir(dfd, dir, e) < 0)
			goto out;
	}
	rc = 0;
out:
	if (out >= 0)
		close_keep_errno(out);
	if (have_part) {
		int saved = errno;

		unlinkat(dfd, part, 0);
		errno = saved;
	}
	if (dfd >= 0)
		close_keep_errno(dfd);
	if (in >= 0)
		close_keep_errno(in);
	return rc;
}

/* Move dir/name into move_to, as name or, when that is taken, name.1, name.2... */
static int move_away(struct transport *t, int dfd, const char *dir, const char *name,
		     struct err *e)
{
	const char *move_to = t->cfg->transport.move_to;
	char target[SAFEFILE_NAME_MAX + 16];
	int mfd, rc = -1;

	mfd = open_remote_dir(t, move_to, e);
	if (mfd < 0)
		return -1;
	for (int i = 0; i < TRANSPORT_MOVE_SUFFIX_MAX; i++) {
		if (i == 0)
			snprintf(target, sizeof(target), "%s", name);
		else
			snprintf(target, sizeof(target), "%s.%d", name, i);
		if (safefile_rename_noreplace(dfd, name, mfd, target) == 0)
			break;
		if (errno == ENOENT) {
			rc = 0; /* gone already */
			goto out;
		}
		if (errno != EEXIST) {
			err_sys(e, ERR_IO, "cannot move '%s/%s' to '%s/%s'", dir, name, move_to, target);
			goto out;
		}
		if (i == TRANSPORT_MOVE_SUFFIX_MAX - 1) {
			err_sys(e, ERR_IO, "cannot move '%s/%s' to '%s'", dir, name, move_to);
			goto out;
		}
	}
	if (fsync(mfd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync remote folder '%s'", move_to);
		goto out;
	}
	rc = 0;
out:
	close_keep_errno(mfd);
	return rc;
}

static int local_remove(struct transport *t, const char *dir, const char *name, struct err *e)
{
	int dfd, rc = -1;

	if (!remote_name_ok(name))
		return err_set(e, ERR_NAME_INVALID, "unsafe remote name '%s'", name);
	dfd = open_remote_dir(t, dir, e);
	if (dfd < 0)
		return -1;
	if (impl(t)->move) {
		if (move_away(t, dfd, dir, name, e) < 0)
			goto out;
	} else if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
		err_sys(e, ERR_IO, "cannot remove '%s/%s'", dir, name);
		goto out;
	}
	if (fsync(dfd) < 0) {
		err_sys(e, ERR_IO, "cannot fsync remote folder '%s'", dir);
		goto out;
	}
	rc = 0;
out:
	close_keep_errno(dfd);
	return rc;
}

static void local_close(struct transport *t)
{
	if (impl(t)->root >= 0)
		close(impl(t)->root);
	free(t->impl);
	free(t);
}

/* A directory holds nothing open between calls. */
static void local_idle(struct transport *t)
{
	(void)t;
}

static const struct transport_ops local_ops = {
	.list = local_list,
	.fetch = local_fetch,
	.push = local_push,
	.remove = local_remove,
	.idle = local_idle,
	.close = local_close,
};

int transport_local_open(struct transport **out, const struct config *cfg, struct err *e)
{
	const char *root = cfg->transport.root;
	struct transport *t = NULL;
	struct local *l = NULL;
	int move = strcmp(cfg->transport.after_fetch, "move") == 0;

	*out = NULL;
	if (!move && strcmp(cfg->transport.after_fetch, "delete") != 0)
		return err_set(e, ERR_CONFIG, "transport.after_fetch must be delete or move, not '%s'",
			       cfg->transport.after_fetch);
	if (move && !remote_dir_ok(cfg->transport.move_to))
		return err_set(e, ERR_CONFIG, "transport.move_to '%s' is not a safe remote folder",
			       cfg->transport.move_to);
	if (root[0] == '\0')
		return err_set(e, ERR_CONFIG, "transport.root is empty");
	if (mkdir(root, LAYOUT_DIR_MODE) < 0 && errno != EEXIST)
		return err_sys(e, ERR_IO, "cannot create the exchange directory '%s'", root);
	t = calloc(1, sizeof(*t));
	l = calloc(1, sizeof(*l));
	if (t == NULL || l == NULL) {
		free(l);
		free(t);
		return err_sys(e, ERR_INTERNAL, "cannot allocate the local transport");
	}
	l->root = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->root < 0) {
		err_sys(e, ERR_IO, "cannot open the exchange directory '%s'", root);
		free(l);
		free(t);
		return -1;
	}
	l->move = move;
	t->ops = &local_ops;
	t->cfg = cfg;
	t->impl = l;
	*out = t;
	return 0;
}
