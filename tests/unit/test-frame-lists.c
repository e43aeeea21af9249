/* SPDX-License-Identifier: MIT */
/*
 * test-frame-lists.c - every entry of the two frame lists decides a
 * guilty frame.  For each entry of analyzer/data/generic-frames.txt and of
 * analyzer/data/guilty-skip.txt (read through the same generated .inc
 * files the library is built from, so a new entry is tested the day it is
 * added), a small backtrace puts a name the entry matches above a real
 * frame, and the guilty frame must be that real frame:
 *
 *   generic "skip":  NAME, real, caller          -> NAME generic, real guilty
 *   generic "cut":   leaf, NAME, real, caller    -> leaf and NAME generic
 *   guilty-skip:     NAME, real, caller          -> real guilty (for the
 *                    entry's family and class; the generic list not run)
 *
 * An entry of family "any" is tried in every family.  Deleting an entry,
 * or turning a cut into a skip, fails its line.  An entry that another
 * entry of its list also matches (so that deleting it changes nothing) is
 * named in a "# shadowed" comment.  Plain TAP, one line per entry and
 * family.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/internal.h"
#include "analyzer/frames.h"
#include "analyzer/report.h"

struct generic_row {
	const char *family, *action, *name;
};
static const struct generic_row generic_rows[] = {
#include "analyzer/generic-frames.inc"
};

struct skip_row {
	const char *family, *class, *pattern, *reason;
};
static const struct skip_row skip_rows[] = {
#include "analyzer/guilty-skip.inc"
};

/* frames no list names: the crash's own code */
static const char *const LEAF = "ct_test_leaf_helper";
static const char *const REAL = "ct_test_guilty_function";
static const char *const CALLER = "ct_test_caller_function";

static const struct {
	const char *name;
	enum ct_frame_family family;
} families[] = {
	{ "esxi", CT_FAMILY_ESXI },
	{ "linux", CT_FAMILY_LINUX },
	{ "user", CT_FAMILY_USER },
};

static int n_tests, n_failed;

static void __attribute__((format(printf, 2, 3)))
result(bool ok, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", ok ? "ok" : "not ok", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	n_failed += !ok;
}

static void set_frames(struct ct_backtrace *bt, struct ct_frame *frames,
		       const char *const *names, size_t n)
{
	memset(bt, 0, sizeof(*bt));
	for (size_t i = 0; i < n; i++) {
		memset(&frames[i], 0, sizeof(frames[i]));
		frames[i].function = (char *)names[i];
		frames[i].normalized = (char *)names[i];
		frames[i].reliable = true;
		frames[i].number = (int)i;
	}
	bt->frames = frames;
	bt->frame_count = bt->frame_capacity = n;
}

static bool family_applies(const char *entry, const char *family)
{
	return strcmp(entry, "any") == 0 || strcmp(entry, family) == 0;
}

/* our own frames must be on no list, or the test proves nothing */
static void check_own_names(void)
{
	const char *const own[] = { LEAF, REAL, CALLER };
	for (size_t f = 0; f < CT_ARRAY_SIZE(families); f++)
		for (size_t i = 0; i < CT_ARRAY_SIZE(own); i++)
			result(!ct_frame_is_plumbing(own[i], families[f].family) &&
			       !ct_guilty_skip_reason(own[i], families[f].name,
						      "all hang stall lockdep alloc warn sched preempt page oom df spl"),
			       "%s: %s is on no list", families[f].name,
			       own[i]);
}

/* generic: NAME (after LEAF when cut) above REAL is generic, REAL guilty */
static void check_generic(const char *family, enum ct_frame_family fam,
			  const char *action, const char *name)
{
	bool cut = strcmp(action, "cut") == 0;
	const char *names[4];
	size_t n = 0;
	if (cut)
		names[n++] = LEAF;
	names[n++] = name;
	size_t real = n;
	names[n++] = REAL;
	names[n++] = CALLER;
	struct ct_frame frames[4];
	struct ct_backtrace bt;
	set_frames(&bt, frames, names, n);
	ct_backtrace_mark_generic(&bt, fam);
	long got = ct_guilty_index(&bt, NULL);
	bool ok = got == (long)real;
	for (size_t i = 0; i < n; i++)
		ok = ok && frames[i].generic == (i < real);
	result(ok, "generic %s %s '%s': the frame below it is guilty", family,
	       action, name);
	if (!ok)
		printf("# guilty index %ld, want %zu\n", got, real);
}

/* guilty: NAME above REAL, in a backtrace of family and a report whose
 * type names class ("all" and "callee" apply to every report) */
static void check_guilty(const char *family, const char *class,
			 const char *name)
{
	const char *names[] = { name, REAL, CALLER };
	struct ct_frame frames[3];
	struct ct_backtrace bt;
	set_frames(&bt, frames, names, 3);
	bt.family = family;
	bool every = strcmp(class, "all") == 0 || strcmp(class, "callee") == 0;
	long got = ct_guilty_index(&bt, every ? NULL : class);
	result(got == 1, "guilty %s %s '%s': the frame below it is guilty",
	       family, class, name);
	if (got != 1)
		printf("# guilty index %ld, want 1\n", got);
}

/* the oracle's lines: "generic|guilty FAMILY WORD NAME..." */
struct oracle_line {
	char list[8], family[8], word[16];
	char *name;
};
static struct oracle_line *oracle;
static size_t oracle_count;

static void read_oracle(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("Bail out! cannot open '%s'\n", path);
		exit(99);
	}
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		struct oracle_line o = { 0 };
		int at = 0;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%7s %7s %15s %n", o.list, o.family, o.word,
			   &at) != 3 || !line[at]) {
			printf("Bail out! bad line in '%s': %s\n", path, line);
			exit(99);
		}
		o.name = strdup(line + at);
		struct oracle_line *p = realloc(oracle, (oracle_count + 1) *
						sizeof(*oracle));
		if (!o.name || !p)
			abort();
		oracle = p;
		oracle[oracle_count++] = o;
	}
	fclose(f);
}

/* Is list entry (list, family, word, pattern) exercised by an oracle
 * line in family? */
static bool covered(const char *list, const char *efamily, const char *word,
		    const char *pattern, const char *family)
{
	for (size_t i = 0; i < oracle_count; i++) {
		const struct oracle_line *o = &oracle[i];
		if (strcmp(o->list, list) == 0 && strcmp(o->word, word) == 0 &&
		    family_applies(o->family, family) &&
		    family_applies(efamily, family) &&
		    ct_name_matches(pattern, o->name))
			return true;
	}
	return false;
}

static void check_coverage(void)
{
	for (size_t f = 0; f < CT_ARRAY_SIZE(families); f++) {
		const char *fam = families[f].name;
		for (size_t k = 0; k < CT_ARRAY_SIZE(generic_rows); k++) {
			const struct generic_row *e = &generic_rows[k];
			if (!family_applies(e->family, fam))
				continue;
			if (!covered("generic", e->family, e->action, e->name, fam))
				result(false, "generic-frames entry %s %s '%s' "
				       "has no name in frame-lists.txt (%s)",
				       e->family, e->action, e->name, fam);
		}
		for (size_t k = 0; k < CT_ARRAY_SIZE(skip_rows); k++) {
			const struct skip_row *e = &skip_rows[k];
			if (!family_applies(e->family, fam))
				continue;
			if (!covered("guilty", e->family, e->class, e->pattern, fam))
				result(false, "guilty-skip entry %s %s '%s' "
				       "has no name in frame-lists.txt (%s)",
				       e->family, e->class, e->pattern, fam);
		}
	}
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/unit/frame-lists.txt",
		 top ? top : ".");
	read_oracle(path);
	check_own_names();
	size_t before = (size_t)n_tests;
	for (size_t i = 0; i < oracle_count; i++) {
		const struct oracle_line *o = &oracle[i];
		for (size_t f = 0; f < CT_ARRAY_SIZE(families); f++) {
			if (!family_applies(o->family, families[f].name))
				continue;
			if (strcmp(o->list, "generic") == 0)
				check_generic(families[f].name,
					      families[f].family, o->word,
					      o->name);
			else
				check_guilty(families[f].name, o->word,
					     o->name);
		}
	}
	printf("# %zu names tried (%d checks) against %zu generic-frame and "
	       "%zu guilty-skip entries\n", oracle_count,
	       n_tests - (int)before, CT_ARRAY_SIZE(generic_rows),
	       CT_ARRAY_SIZE(skip_rows));
	check_coverage();
	for (size_t i = 0; i < oracle_count; i++)
		free(oracle[i].name);
	free(oracle);
	printf("1..%d\n", n_tests);
	return n_failed ? 1 : 0;
}
