/*
 * fault - named crash points for the tests; see fault.h for the contract.
 */
#include "fault.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t fault_once = PTHREAD_ONCE_INIT;
static char fault_name[128];  /* "" when no point is armed */
static long fault_at = 1;     /* fire on this arrival */
static long fault_seen;       /* arrivals so far, counted atomically */

static void fault_read_env(void)
{
	const char *v = getenv("SLKTX_FAULT");
	const char *colon;
	size_t len;

	if (v == NULL || v[0] == '\0')
		return;
	colon = strrchr(v, ':');
	len = colon ? (size_t)(colon - v) : strlen(v);
	if (colon) {
		char *end;
		long n = strtol(colon + 1, &end, 10);

		/* "name:junk" names no point: better never to fire than to fire early */
		if (*end != '\0' || end == colon + 1 || n < 1)
			return;
		fault_at = n;
	}
	if (len == 0 || len >= sizeof(fault_name))
		return;
	memcpy(fault_name, v, len);
	fault_name[len] = '\0';
}

void fault_point(const char *name)
{
	pthread_once(&fault_once, fault_read_env);
	if (fault_name[0] == '\0' || strcmp(fault_name, name) != 0)
		return;
	if (__atomic_add_fetch(&fault_seen, 1, __ATOMIC_SEQ_CST) != fault_at)
		return;
	kill(getpid(), SIGKILL);
	/* SIGKILL cannot be caught; should it somehow be late, still never go on */
	_exit(137);
}
