/*
 * frames.c - frame-name normalisation and the generic-frame lists.
 *
 * The lists live in data/generic-frames.txt; the build turns them into
 * generic-frames.inc so that changing a list is a data change, not code.
 */
#include "internal.h"

enum generic_action { ACTION_SKIP, ACTION_CUT };

struct generic_entry {
	const char *family;	/* "esxi", "linux", "user", "any" */
	const char *action;	/* "skip" or "cut" */
	const char *name;	/* exact, or prefix when ending in '*' */
};

static const struct generic_entry generic_entries[] = {
#include "analyzer/generic-frames.inc"
};

/* Suffixes compilers add to clones of a function. */
static const char *const clone_suffixes[] = {
	"isra", "constprop", "part", "cold", "llvm", "lto_priv", "localalias",
	"clone", "specialized",
};

static bool is_clone_token(const char *p, size_t n)
{
	bool digits = n > 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			digits = false;
	if (digits)
		return true;
	for (size_t i = 0; i < CT_ARRAY_SIZE(clone_suffixes); i++)
		if (strlen(clone_suffixes[i]) == n &&
		    memcmp(clone_suffixes[i], p, n) == 0)
			return true;
	return false;
}

char *ct_frame_normalize(const char *name)
{
	size_t len = strlen(name);
	/* glibc's internal aliases: __GI_raise is raise */
	if (len > 5 && memcmp(name, "__GI_", 5) == 0) {
		name += 5;
		len -= 5;
	}
	/* Strip ".isra.0.cold" style tails: every dot-separated token after
	 * the first dot must be a clone token, else the name is kept. */
	const char *dot = memchr(name, '.', len);
	if (dot && dot != name) {
		bool all = true;
		const char *p = dot + 1, *end = name + len;
		while (p <= end) {
			const char *q = memchr(p, '.', (size_t)(end - p));
			if (!q)
				q = end;
			if (!is_clone_token(p, (size_t)(q - p))) {
				all = false;
				break;
			}
			p = q + 1;
		}
		if (all)
			len = (size_t)(dot - name);
	}
	return ct_strndup_clean(name, len);
}

static bool family_applies(const char *family, enum ct_frame_family f)
{
	static const char *const names[] = {
		[CT_FAMILY_ANY] = "any",
		[CT_FAMILY_ESXI] = "esxi",
		[CT_FAMILY_LINUX] = "linux",
		[CT_FAMILY_USER] = "user",
	};
	return strcmp(family, "any") == 0 || strcmp(family, names[f]) == 0;
}

static bool name_matches(const char *pattern, const char *name)
{
	size_t n = strlen(pattern);
	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, name, n - 1) == 0;
	return strcmp(pattern, name) == 0;
}

/* The action for name in family, or -1 when the frame is not generic. */
static int generic_action(const char *name, enum ct_frame_family family)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < CT_ARRAY_SIZE(generic_entries); i++) {
		const struct generic_entry *e = &generic_entries[i];
		if (family_applies(e->family, family) &&
		    name_matches(e->name, name))
			return strcmp(e->action, "cut") == 0 ? ACTION_CUT
							     : ACTION_SKIP;
	}
	return -1;
}

bool ct_frame_is_plumbing(const char *name, enum ct_frame_family family)
{
	return generic_action(name, family) >= 0;
}

/* A cut only counts near the top, on a reliable frame, and when something
 * real is left below it, so that a panic function at the bottom of a stack
 * or a stale "? __die_body" stack entry cannot hide the crash. */
enum { CUT_WINDOW = 24 };

void ct_backtrace_mark_generic(struct ct_backtrace *bt,
			       enum ct_frame_family family)
{
	static const char *const family_names[] = {
		[CT_FAMILY_ANY] = NULL, [CT_FAMILY_ESXI] = "esxi",
		[CT_FAMILY_LINUX] = "linux", [CT_FAMILY_USER] = "user",
	};
	bt->family = family_names[family];
	size_t cut = 0;
	for (size_t i = 0; i < bt->frame_count; i++) {
		struct ct_frame *f = &bt->frames[i];
		const char *name = f->normalized ? f->normalized : f->function;
		int action = generic_action(name, family);
		if (action == ACTION_SKIP)
			f->generic = true;
		else if (action == ACTION_CUT && i < CUT_WINDOW && f->reliable)
			cut = i + 1;
	}
	/* keep the cut only if a non-generic frame follows it */
	bool rest = false;
	for (size_t i = cut; i < bt->frame_count; i++)
		if (!bt->frames[i].generic && bt->frames[i].function)
			rest = true;
	if (!rest)
		return;
	for (size_t i = 0; i < cut; i++)
		bt->frames[i].generic = true;
}
