/*
 * remote - what every transport says of a remote folder, beneath the
 * transports themselves: the listing (its entries, its memory, its order,
 * its lookup) and the strict patterns a remote name and folder must pass.
 */
#ifndef SLKTX_REMOTE_H
#define SLKTX_REMOTE_H

#include <stddef.h>
#include <stdint.h>

/* What an entry of a remote folder is; only REMOTE_FILE is ever fetched. */
enum remote_type {
	REMOTE_FILE,
	REMOTE_DIR,
	REMOTE_LINK,
	REMOTE_FIFO,
	REMOTE_SOCKET,
	REMOTE_DEVICE,
	REMOTE_UNKNOWN, /* the server did not say */
};

struct remote_entry {
	char name[256];
	int64_t size;
	int64_t mtime;  /* seconds since the epoch */
	enum remote_type type;
};

struct remote_list {
	struct remote_entry *v;       /* regular files with safe names, sorted by name */
	size_t n;
	/* everything else in the folder, sorted: not a regular file, or
	 * a name that fails remote_name_ok (its bytes as the server gave
	 * them, truncated to 255: escape before printing) */
	struct remote_entry *ignored;
	size_t n_ignored;
	size_t cap, cap_ignored; /* room in v and ignored, grown by remote_list_add */
};

void remote_list_free(struct remote_list *l);
/* For the transports: add ent to the list's files, or to its ignored part;
 * -1 when out of memory.  Then sort both parts, as list() hands them out. */
int remote_list_add(struct remote_list *l, int ignored, const struct remote_entry *ent);
void remote_list_sort(struct remote_list *l);
/* The file of that name in a list from list(), or NULL. */
const struct remote_entry *remote_list_find(const struct remote_list *l, const char *name);

/* "a directory", "a symbolic link"...: for the run's report. */
const char *remote_type_name(enum remote_type type);
/* name as it may be printed: bytes other than [A-Za-z0-9._-] as \ooo. */
void remote_name_shown(const char *name, char *buf, size_t size);

/* 1 when name is 1..255 of [A-Za-z0-9._-] and does not start with '.'. */
int remote_name_ok(const char *name);
/* 1 when dir is absolute and each component passes remote_name_ok
 * ("/pujk/BANKA/upload"; no "..", no "//", no trailing '/'). */
int remote_dir_ok(const char *dir);

#endif
