/* SPDX-License-Identifier: MIT */
/*
 * frames.c - frame-name normalisation and the generic-frame lists.
 *
 * The lists live in data/generic-frames.txt; the build turns them into
 * generic-frames.inc so that changing a list is a data change, not code.
 */
#include <pthread.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/frames.h"
#include "analyzer/span.h"

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

/* Legacy Rust escapes inside mangled identifiers ("$LT$" is '<'). */
static const struct { const char *code, *text; } rust_escapes[] = {
	{ "$LT$", "<" }, { "$GT$", ">" }, { "$RF$", "&" }, { "$BP$", "*" },
	{ "$C$", "," }, { "$SP$", "@" }, { "$u20$", " " }, { "$u27$", "'" },
	{ "$u5b$", "[" }, { "$u5d$", "]" }, { "$u7b$", "{" }, { "$u7d$", "}" },
	{ "$u7e$", "~" }, { "$LP$", "(" }, { "$RP$", ")" },
};

/* One source name of a mangled identifier into sb, Rust escapes and ".."
 * ("::") decoded; the '_' Rust puts before a leading '$' is dropped. */
static void put_source_name(struct ct_strbuf *sb, const char *p, size_t n)
{
	if (n > 2 && p[0] == '_' && p[1] == '$') {	/* "_$u7b$..." is "{..." */
		p++;
		n--;
	}
	for (size_t i = 0; i < n;) {
		size_t j;
		for (j = 0; j < CT_ARRAY_SIZE(rust_escapes); j++) {
			size_t k = strlen(rust_escapes[j].code);
			if (n - i >= k && memcmp(p + i, rust_escapes[j].code,
						 k) == 0) {
				ct_strbuf_puts(sb, rust_escapes[j].text);
				i += k;
				break;
			}
		}
		if (j < CT_ARRAY_SIZE(rust_escapes))
			continue;
		if (n - i >= 2 && p[i] == '.' && p[i + 1] == '.') {
			ct_strbuf_puts(sb, "::");
			i += 2;
		} else {
			ct_strbuf_putc(sb, p[i++]);
		}
	}
}

/* The qualified name of an Itanium/legacy-Rust mangled symbol whose name
 * is plain source names: "_ZN4core9panicking9panic_fmt17h..E",
 * "_ZNK3foo3Bar3getEv", "_ZSt9terminatev", "_Z4mainv".  Parameter types
 * are dropped (the demangled form's argument list is dropped too);
 * constructors and destructors repeat the class name.  NULL for anything
 * else (templates, substitutions): the mangled name is kept. */
static char *demangle_plain(const char *name)
{
	const char *p = name + 2, *end = name + strlen(name);
	bool nested = *p == 'N';
	if (nested && *++p == 'K')
		p++;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	const char *last = NULL;	/* the last source name, for C1/D1 */
	size_t last_len = 0;
	for (unsigned parts = 0;; parts++) {
		if (p + 1 < end && p[0] == 'S' && p[1] == 't' && parts == 0) {
			ct_strbuf_puts(&sb, "std");
			p += 2;
			continue;
		}
		if (p + 1 < end && (p[0] == 'C' || p[0] == 'D') &&
		    p[1] >= '0' && p[1] <= '5' && last) {
			ct_strbuf_puts(&sb, p[0] == 'D' ? "::~" : "::");
			ct_strbuf_append(&sb, last, last_len);
			p += 2;
			continue;
		}
		unsigned long n = 0;
		const char *q = p;
		if (!ct_parse_dec(&q, end, &n) || n == 0 ||
		    n > (unsigned long)(end - q))
			break;
		if (sb.len)
			ct_strbuf_puts(&sb, "::");
		put_source_name(&sb, q, n);
		last = q;
		last_len = n;
		p = q + n;
		if (!nested)
			break;
	}
	if (sb.failed || !sb.len || (nested && (p >= end || *p != 'E'))) {
		ct_strbuf_deinit(&sb);
		return NULL;
	}
	return ct_strbuf_detach(&sb);
}

/* Is p a symbol version node after '@' or "@@": "GLIBC_2.3.2", "CXXABI_1.3"? */
static bool is_version_node(const char *p)
{
	if (*p == '@')
		p++;
	const char *q = p;
	while (ct_is_upper(*q))
		q++;
	return q > p && q[0] == '_' && ct_is_digit(q[1]);
}

/* Length of name without what only tells overloads, clones and builds
 * apart: a symbol version "@@GLIBC_2.3.2", a C++ " [clone .isra.0]" tail,
 * a " const" qualifier and the parameter list "(int, char const*)" of a
 * demangled name (not the "()" of "operator()"), a function template's
 * or Rust generic's trailing "<...>" arguments, and a Rust hash
 * "::h0123456789abcdef". */
/* Drop a bracketed list that ends [name, name+len) ("(int, char*)",
 * "<T, U>") unless it belongs to an operator ("operator()", "operator<=>")
 * or is all there is.  The new length. */
static size_t strip_bracketed(const char *name, size_t len, char open,
			      char close)
{
	if (len <= 2 || name[len - 1] != close)
		return len;
	size_t i = len - 1;
	int depth = 0;
	do {
		if (name[i] == close)
			depth++;
		else if (name[i] == open)
			depth--;
	} while (depth > 0 && i-- > 0);
	if (depth == 0 && i > 0 &&
	    !(i >= 8 && memcmp(name + i - 8, "operator", 8) == 0) &&
	    !(i >= 9 && memcmp(name + i - 9, "operator", 8) == 0))
		return i;
	return len;
}

static size_t strip_overload(const char *name, size_t len)
{
	const char *at = memchr(name, '@', len);
	if (at && at > name && is_version_node(at + 1))
		len = (size_t)(at - name);
	const char *clone = ct_memstr(name, len, " [clone ");
	if (clone && name[len - 1] == ']')
		len = (size_t)(clone - name);
	if (len > 6 && memcmp(name + len - 6, " const", 6) == 0)
		len -= 6;
	len = strip_bracketed(name, len, '(', ')');
	/* a function template's or Rust generic's arguments: one function */
	len = strip_bracketed(name, len, '<', '>');
	if (len > 19 && memcmp(name + len - 19, "::h", 3) == 0) {
		bool hex = true;
		for (size_t i = len - 16; i < len; i++)
			if (!(ct_is_digit(name[i]) ||
			      (name[i] >= 'a' && name[i] <= 'f')))
				hex = false;
		if (hex)
			len -= 19;
	}
	return len;
}

char *ct_frame_normalize(const char *name)
{
	/* mangled names as the demangled ones gdb prints with symbols */
	char *demangled = NULL;
	if (name[0] == '_' && name[1] == 'Z' && (demangled = demangle_plain(name)))
		name = demangled;
	size_t len = strip_overload(name, strlen(name));
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
	char *ret = ct_strndup_clean(name, len);
	free(demangled);
	return ret;
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

/* pattern is a name where '*' stands for any run of characters
 * ("std::sys::*::abort_internal", "tcache_*"). */
bool ct_name_matches(const char *pattern, const char *name)
{
	const char *star = strchr(pattern, '*');
	if (!star)
		return strcmp(pattern, name) == 0;
	size_t n = (size_t)(star - pattern);
	if (strncmp(pattern, name, n) != 0)
		return false;
	const char *rest = star + 1;
	if (!strchr(rest, '*')) {	/* the common cases, in linear time */
		size_t have = strlen(name + n), want = strlen(rest);
		return have >= want &&
		       strcmp(name + n + have - want, rest) == 0;
	}
	for (const char *p = name + n;; p++) {
		if (ct_name_matches(star + 1, p))
			return true;
		if (!*p)
			return false;
	}
}

/*
 * The generic-frame list indexed once per family: exact names in a hash
 * table, patterns ('*') in a short list, each with its entry's position,
 * so that the first entry that names a frame still decides, as in a scan
 * of the list (which was a tenth of a batch's time: every frame of every
 * case against 156 entries).
 */
enum { GENERIC_SLOTS = 512, GENERIC_FAMILIES = 4 };

static struct {
	short exact[GENERIC_FAMILIES][GENERIC_SLOTS]; /* entry + 1, or 0 */
	short patterns[GENERIC_FAMILIES][CT_ARRAY_SIZE(generic_entries)];
	size_t pattern_count[GENERIC_FAMILIES];
} generic_index;
static pthread_once_t generic_index_once = PTHREAD_ONCE_INIT;

_Static_assert(CT_ARRAY_SIZE(generic_entries) < GENERIC_SLOTS / 2,
	       "the generic-frame hash table must stay at most half full");

size_t ct_name_slot(const char *name, size_t slots)
{
	return (size_t)(ct_hash_bytes(CT_HASH_INIT, name, strlen(name)) %
			slots);
}

static void generic_index_build(void)
{
	for (int f = 0; f < GENERIC_FAMILIES; f++) {
		for (size_t i = 0; i < CT_ARRAY_SIZE(generic_entries); i++) {
			const struct generic_entry *e = &generic_entries[i];
			if (!family_applies(e->family, (enum ct_frame_family)f))
				continue;
			if (strchr(e->name, '*')) {
				generic_index.patterns[f][generic_index
					.pattern_count[f]++] = (short)i;
				continue;
			}
			size_t k = ct_name_slot(e->name, GENERIC_SLOTS);
			for (;;) {
				short at = generic_index.exact[f][k];
				if (!at) {
					generic_index.exact[f][k] = (short)(i + 1);
					break;
				}
				if (strcmp(generic_entries[at - 1].name,
					   e->name) == 0)
					break;	/* the first entry wins */
				k = (k + 1) % GENERIC_SLOTS;
			}
		}
	}
}

/* The action for name in family, or -1 when the frame is not generic. */
static int generic_action(const char *name, enum ct_frame_family family)
{
	if (!name)
		return -1;
	pthread_once(&generic_index_once, generic_index_build);
	int f = (int)family;
	size_t best = CT_ARRAY_SIZE(generic_entries);
	for (size_t k = ct_name_slot(name, GENERIC_SLOTS);;
	     k = (k + 1) % GENERIC_SLOTS) {
		short at = generic_index.exact[f][k];
		if (!at)
			break;
		if (strcmp(generic_entries[at - 1].name, name) == 0) {
			best = (size_t)(at - 1);
			break;
		}
	}
	for (size_t p = 0; p < generic_index.pattern_count[f]; p++) {
		size_t i = (size_t)generic_index.patterns[f][p];
		if (i >= best)
			break;	/* patterns are in list order */
		if (ct_name_matches(generic_entries[i].name, name)) {
			best = i;
			break;
		}
	}
	if (best == CT_ARRAY_SIZE(generic_entries))
		return -1;
	return strcmp(generic_entries[best].action, "cut") == 0 ? ACTION_CUT
							       : ACTION_SKIP;
}

bool ct_frame_is_plumbing(const char *name, enum ct_frame_family family)
{
	return generic_action(name, family) >= 0;
}

/* Does a frame above i have name? */
static bool repeated_before(const struct ct_backtrace *bt, size_t i,
			    const char *name)
{
	for (size_t j = 0; j < i; j++) {
		const struct ct_frame *f = &bt->frames[j];
		const char *n = f->normalized ? f->normalized : f->function;
		if (n && strcmp(n, name) == 0)
			return true;
	}
	return false;
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
	for (size_t i = 0; i < bt->frame_count; i++) {
		struct ct_frame *f = &bt->frames[i];
		const char *name = f->normalized ? f->normalized : f->function;
		if (generic_action(name, family) == ACTION_SKIP)
			f->generic = true;
	}
	/* the last real frame (named, neither skipped nor cut): a cut must
	 * leave something real below it */
	size_t real = 0;
	for (size_t i = 0; i < bt->frame_count; i++) {
		const struct ct_frame *f = &bt->frames[i];
		const char *name = f->normalized ? f->normalized : f->function;
		if (!f->generic && f->function &&
		    generic_action(name, family) != ACTION_CUT)
			real = i + 1;
	}
	/* the outermost cut with a real frame below it; an outer one with
	 * none (kgdb's "<signal handler called>" under fork_exit) is not it.
	 * In a program, a cut frame met again below a real frame is an
	 * outer report the inner one interrupted (a panic in a Rust panic
	 * hook, the hook printing to a closed stderr): the inner report's
	 * cut is it.  A kernel's stacks repeat entry and trap frames across
	 * their IRQ and task sections, so they keep the outermost cut. */
	size_t cut = 0;
	bool real_since = false;	/* a real frame since the last cut */
	for (size_t i = 0; i < bt->frame_count && i < CUT_WINDOW; i++) {
		const struct ct_frame *f = &bt->frames[i];
		const char *name = f->normalized ? f->normalized : f->function;
		int action = generic_action(name, family);
		if (f->reliable && i + 1 < real && action == ACTION_CUT) {
			if (real_since && family == CT_FAMILY_USER &&
			    repeated_before(bt, i, name))
				break;
			cut = i + 1;
			real_since = false;
		} else if (cut && name && action < 0) {
			real_since = true;
		}
	}
	for (size_t i = 0; i < cut; i++)
		bt->frames[i].generic = true;
}
