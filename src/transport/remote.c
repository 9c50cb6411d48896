/*
 * remote - the remote listing and name patterns; see remote.h.
 */
#include "transport/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/safefile.h"

void remote_list_free(struct remote_list *l)
{
	free(l->v);
	free(l->ignored);
	memset(l, 0, sizeof(*l));
}

int remote_list_add(struct remote_list *l, int ignored, const struct remote_entry *ent)
{
	struct remote_entry **v = ignored ? &l->ignored : &l->v;
	size_t *n = ignored ? &l->n_ignored : &l->n, *cap = ignored ? &l->cap_ignored : &l->cap;

	if (*n == *cap) {
		size_t want = *cap ? *cap * 2 : 64;
		struct remote_entry *grown = realloc(*v, want * sizeof(**v));

		if (grown == NULL)
			return -1;
		*v = grown;
		*cap = want;
	}
	(*v)[(*n)++] = *ent;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct remote_entry *)a)->name,
		      ((const struct remote_entry *)b)->name);
}

void remote_list_sort(struct remote_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
	if (l->n_ignored > 1)
		qsort(l->ignored, l->n_ignored, sizeof(*l->ignored), entry_cmp);
}

const struct remote_entry *remote_list_find(const struct remote_list *l,
						  const char *name)
{
	struct remote_entry key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, l->v, l->n, sizeof(*l->v), entry_cmp);
}

const char *remote_type_name(enum remote_type type)
{
	switch (type) {
	case REMOTE_FILE: return "a regular file";
	case REMOTE_DIR: return "a directory";
	case REMOTE_LINK: return "a symbolic link";
	case REMOTE_FIFO: return "a FIFO";
	case REMOTE_SOCKET: return "a socket";
	case REMOTE_DEVICE: return "a device";
	default: return "an entry of unknown type";
	}
}

void remote_name_shown(const char *name, char *buf, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p && n + 5 < size; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-')
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, size - n, "\\%03o", *p);
	}
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
}

int remote_name_ok(const char *name)
{
	return safefile_name_ok(name);
}

int remote_dir_ok(const char *dir)
{
	return dir[0] == '/' && safefile_rel_ok(dir + 1);
}
