/*
 * transport - picks the transport the configuration names and holds what
 * every transport shares (name checks, the list's memory); see transport.h.
 */
#include "transport/transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/safefile.h"

int transport_open(struct transport **out, const struct config *cfg, struct err *e)
{
	*out = NULL;
	if (strcmp(cfg->transport.type, "local") == 0)
		return transport_local_open(out, cfg, e);
	if (strcmp(cfg->transport.type, "sftp") == 0)
		return transport_sftp_open(out, cfg, e);
	return err_set(e, ERR_CONFIG, "transport type '%s' is not built into this slktx",
		       cfg->transport.type);
}

void transport_close(struct transport *t)
{
	if (t)
		t->ops->close(t);
}

void transport_list_free(struct transport_list *l)
{
	free(l->v);
	free(l->ignored);
	memset(l, 0, sizeof(*l));
}

int transport_list_add(struct transport_list *l, int ignored, const struct transport_entry *ent)
{
	struct transport_entry **v = ignored ? &l->ignored : &l->v;
	size_t *n = ignored ? &l->n_ignored : &l->n, *cap = ignored ? &l->cap_ignored : &l->cap;

	if (*n == *cap) {
		size_t want = *cap ? *cap * 2 : 64;
		struct transport_entry *grown = realloc(*v, want * sizeof(**v));

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
	return strcmp(((const struct transport_entry *)a)->name,
		      ((const struct transport_entry *)b)->name);
}

void transport_list_sort(struct transport_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
	if (l->n_ignored > 1)
		qsort(l->ignored, l->n_ignored, sizeof(*l->ignored), entry_cmp);
}

const struct transport_entry *transport_list_find(const struct transport_list *l,
						  const char *name)
{
	struct transport_entry key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, l->v, l->n, sizeof(*l->v), entry_cmp);
}

int transport_name_ok(const char *name)
{
	return safefile_name_ok(name);
}

int transport_dir_ok(const char *dir)
{
	return dir[0] == '/' && safefile_rel_ok(dir + 1);
}
