/*
 * transport - picks the transport the configuration names; see transport.h.
 */
#include "transport/transport.h"

#include <string.h>

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
