/* SPDX-License-Identifier: MIT */
/*
 * replay.c - run a libFuzzer target's LLVMFuzzerTestOneInput over saved
 * inputs without libFuzzer, so "make check" replays the corpus and every
 * crasher ever found (under the sanitizers in the CI build).
 *
 * usage: replay-NAME [DIR|FILE...]   (prints TAP: one line per input)
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - cannot open %s\n", ++count, path);
		return 1;
	}
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *p = realloc(buf, cap *= 2);
			if (!p) {
				free(buf);
				buf = NULL;
			}
			buf = p;
		}
	}
	fclose(f);
	if (!buf) {
		printf("not ok %d - out of memory reading %s\n", ++count, path);
		return 1;
	}
	/* copy into an exact-size buffer so ASan sees reads past the end */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return 1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	printf("ok %d - %s\n", ++count, path);
	return 0;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return 0; /* no corpus yet: nothing to replay */
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char **p = realloc(names, (n + 1) * sizeof(*names));
		if (!p)
			break;
		names = p;
		if (asprintf(&names[n], "%s/%s", path, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	if (n)	/* qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof(*names), compare);
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			failed |= replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	return failed;
}

/* With no arguments, replay tests/fuzz/corpus/NAME and crashers/NAME under
 * $top_srcdir, NAME being the target this program was built for. */
static int replay_default(void)
{
	const char *top = getenv("top_srcdir");
	char *dir;
	int failed = 0;
	if (!top)
		top = ".";
	if (asprintf(&dir, "%s/tests/fuzz/corpus/%s", top, FUZZ_NAME) >= 0) {
		failed |= replay_dir(dir);
		free(dir);
	}
	if (asprintf(&dir, "%s/tests/fuzz/crashers/%s", top, FUZZ_NAME) >= 0) {
		failed |= replay_dir(dir);
		free(dir);
	}
	return failed;
}

int main(int argc, char **argv)
{
	int failed = argc < 2 ? replay_default() : 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			failed |= replay_dir(argv[i]);
		else if (stat(argv[i], &st) == 0)
			failed |= replay_file(argv[i]);
	}
	if (count == 0)
		printf("ok 1 - # SKIP no saved inputs\n"), count = 1;
	printf("1..%d\n", count);
	return failed;
}
