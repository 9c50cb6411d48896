/*
 * fault - named crash and pause points for the tests; see fault.h for the contract.
 */
#include "util/fault.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fault_name[128];  /* "" when no point is armed */
static long fault_at = 1;     /* fire on this arrival; 0 for every arrival (pause) */
static int fault_pause;       /* stop the process instead of killing it */
static long fault_seen;       /* arrivals so far, counted atomically */

void fault_arm(const char *spec)
{
	const char *colon;
	size_t len;

	fault_name[0] = '\0';
	fault_at = 1;
	fault_pause = 0;
	fault_seen = 0;
	if (spec == NULL || spec[0] == '\0')
		return;
	colon = strrchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (colon && strcmp(colon + 1, "pause") == 0) {
		fault_pause = 1;
		fault_at = 0;
	} else if (colon) {
		char *end;
		long n = strtol(colon + 1, &end, 10);

		/* "name:junk" names no point: better never to fire than to fire early */
		if (*end != '\0' || end == colon + 1 || n < 1)
			return;
		fault_at = n;
	}
	if (len == 0 || len >= sizeof(fault_name))
		return;
	memcpy(fault_name, spec, len);
	fault_name[len] = '\0';
}

void fault_point(const char *name)
{
	long seen;

	if (fault_name[0] == '\0' || strcmp(fault_name, name) != 0)
		return;
	seen = __atomic_add_fetch(&fault_seen, 1, __ATOMIC_SEQ_CST);
	if (fault_pause) {
		/* the test sees the stopped state, changes the world, and sends SIGCONT */
		raise(SIGSTOP);
		return;
	}
	if (seen != fault_at)
		return;
	kill(getpid(), SIGKILL);
	/* SIGKILL cannot be caught; should it somehow be late, still never go on */
	_exit(137);
}
