/*
 * transport - picks the transport the configuration names and holds what
 * every transport shares (name checks, the list's memory); see transport.h.
 */
#include "transport.h"

#include <stdlib.h>
#include <string.h>

#include "safefile.h"

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

int transport_name_ok(const char *name)
{
	return safefile_name_ok(name);
}

int transport_dir_ok(const char *dir)
{
	return dir[0] == '/' && safefile_rel_ok(dir + 1);
}
