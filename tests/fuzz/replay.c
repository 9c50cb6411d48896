/*
 * replay - a plain main() for a harness, for compilers without libFuzzer:
 * `fuzz_NAME [-v] FILE|DIR...` passes each file (each file of a directory, in
 * name order) to LLVMFuzzerTestOneInput once, and prints one line per file
 * (with -v, and the harness's verdict on it).
 * A harness that crashes or trips a sanitizer ends the run; exit 0 otherwise.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay_file(const char *path)
{
	size_t size;
	unsigned char *data = fuzz_read(path, &size);

	printf("%s: %zu bytes\n", path, size);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
}

int main(int argc, char **argv)
{
	int n_files = 0;

	int i = 1;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		fuzz_verbose = 1;
		i++;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (; i < argc; i++) {
		struct stat st;
		struct dirent **names;
		int n;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			replay_file(argv[i]);
			n_files++;
			continue;
		}
		if ((n = scandir(argv[i], &names, NULL, by_name)) < 0) {
			perror(argv[i]);
			return 1;
		}
		for (int j = 0; j < n; j++) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/%s", argv[i], names[j]->d_name);
			if (names[j]->d_name[0] != '.' && stat(path, &st) == 0 &&
			    S_ISREG(st.st_mode)) {
				replay_file(path);
				n_files++;
			}
			free(names[j]);
		}
		free(names);
	}
	printf("%d files replayed\n", n_files);
	return 0;
}
