/* SPDX-License-Identifier: MIT */
/*
 * report.c - report types and the guilty frame.
 *
 * A triager names a crash by its type and by the first frame of the code
 * at fault: "KASAN: use-after-free Read in tcp_v4_rcv", "possible deadlock
 * in rtnl_lock", "INFO: task hung in blkdev_put".  Both come from data:
 * data/report-types.txt says how each Linux report type is recognised,
 * named and where its guilty frame is (a function its text names, the
 * first frame of its backtrace past the skip list, or for stalls the frame
 * at which the CPU entered the looping code), and data/guilty-skip.txt
 * lists the frames a guilty frame never is (reporting machinery, generic
 * helpers), each with its reason.
 *
 * ct_linux_report_classify() runs after the Linux extractor has read a
 * text's reports and backtraces.  It looks for the first headline that a
 * report type names, only in the lines just before each backtrace and at
 * the extractor's own report lines (so a long log without a crash costs
 * nothing here), and picks that report's backtrace.  ct_guilty_index()
 * serves every family: the signature uses it when no report type chose.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <limits.h>
#include <pthread.h>
#include <ctype.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "analyzer/report.h"
#include "analyzer/span.h"
#include "analyzer/regex.h"

enum {
	HEADLINE_LOOKBACK = 160, /* lines before a backtrace searched for
				  * its headline (lockdep prints ~60) */
	DETAIL_WINDOW = 120,	/* lines after a headline searched for detail */
	BACKTRACE_REACH = 400,	/* lines after a headline its trace may start */
	MAX_LINE = 1024,	/* bytes of a line matched */
	MAX_GROUP = 200,	/* bytes kept of a captured group */
	MAX_WINDOWS = 1024,	/* backtraces whose headlines are searched */
	WHOLE_TEXT = 4 << 20,	/* texts this small are searched whole: a
				 * headline may have no backtrace (kmemleak,
				 * lockdep without a trace, a cut paste) */
};

struct report_type {
	const char *type;	/* title head with {group} placeholders */
	const char *regex;	/* the headline */
	const char *detail;	/* more groups from the lines after, or NULL */
	const char *guilty;	/* func, stack, stall or none */
	const char *skip;	/* skip classes besides "all", or NULL */
	const char *kind;	/* panic.kind */
	const char *fallback;	/* a line whose frames below it name the
				 * guilty one when nothing else does */
	const char *require;	/* a pattern some line after the headline
				 * must match for it to count, or NULL */
	const char *after;	/* "output": only after other lines (a boot
				 * banner at the top of a log is its start) */
	const char *corrupt;	/* "always": the report alone is a fragment
				 * (a consequence whose cause is missing);
				 * "notrace": flagged when no trace follows */
};

static const struct report_type report_types[] = {
#include "analyzer/report-types.inc"
};

/* Is a report of type rt alone a fragment ("corrupt always")? */
static bool is_fragment(const struct report_type *rt)
{
	return rt->corrupt && strcmp(rt->corrupt, "always") == 0;
}

enum { TYPE_COUNT = CT_ARRAY_SIZE(report_types) };

struct skip_entry {
	const char *family;	/* linux, user, esxi, any */
	const char *class;	/* all, hang, stall, ... */
	const char *pattern;	/* name, "p*", "*s" or "*sub*" */
	const char *reason;
};

static const struct skip_entry skip_entries[] = {
#include "analyzer/guilty-skip.inc"
};

/* ------------------------------------------------------------------------
 * The skip list
 * ------------------------------------------------------------------------ */

/* Is class one of the space-separated words of classes? */
static bool class_listed(const char *class, const char *classes)
{
	if (strcmp(class, "all") == 0 || strcmp(class, "callee") == 0)
		return true;
	size_t n = strlen(class);
	for (const char *p = classes; p && *p;) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if ((size_t)(q - p) == n && memcmp(p, class, n) == 0)
			return true;
		p = q;
	}
	return false;
}

/*
 * The skip list indexed once, so that a frame is checked against the few
 * entries that may name it rather than all of them (every frame of every
 * case went through the list): exact names in a hash table, each with the
 * later entries of the same name chained; patterns by the first byte of
 * the name they need ('*' first: any name).  Each list is in list order,
 * so the first entry that applies still decides, as in a scan.
 */
enum { SKIP_SLOTS = 2048, SKIP_NONE = -1 };

static struct {
	short exact[SKIP_SLOTS]; /* first entry of a name, or -1 */
	short same[CT_ARRAY_SIZE(skip_entries)]; /* next of that name */
	short *patterns[257]; /* by first byte, 256: any name */
	size_t pattern_count[257];
	short pattern_store[CT_ARRAY_SIZE(skip_entries)];
} skip_index;
static pthread_once_t skip_index_once = PTHREAD_ONCE_INIT;

_Static_assert(CT_ARRAY_SIZE(skip_entries) < SKIP_SLOTS / 2,
	       "the skip list's hash table must stay at most half full");

/* The bucket of pattern entry i: the first byte a name it matches has,
 * 256 when it starts with '*'. */
static int skip_bucket(size_t i)
{
	const char *pat = skip_entries[i].pattern;
	return pat[0] == '*' ? 256 : (unsigned char)pat[0];
}

/* The slot of name in the hash table of exact names: its own, or the
 * empty one where it would go. */
static size_t skip_exact_slot(const char *name)
{
	size_t k = ct_name_slot(name, SKIP_SLOTS);
	while (skip_index.exact[k] != SKIP_NONE &&
	       strcmp(skip_entries[skip_index.exact[k]].pattern, name) != 0)
		k = (k + 1) % SKIP_SLOTS;
	return k;
}

static void skip_index_build(void)
{
	memset(skip_index.exact, 0xff, sizeof(skip_index.exact));
	memset(skip_index.same, 0xff, sizeof(skip_index.same));
	/* patterns: each bucket a run of the store, in list order */
	for (size_t i = 0; i < CT_ARRAY_SIZE(skip_entries); i++)
		if (strchr(skip_entries[i].pattern, '*'))
			skip_index.pattern_count[skip_bucket(i)]++;
	short *next = skip_index.pattern_store;
	for (int b = 0; b < 257; b++) {
		skip_index.patterns[b] = next;
		next += skip_index.pattern_count[b];
		skip_index.pattern_count[b] = 0;
	}
	for (size_t i = 0; i < CT_ARRAY_SIZE(skip_entries); i++) {
		if (!strchr(skip_entries[i].pattern, '*'))
			continue;
		int b = skip_bucket(i);
		skip_index.patterns[b][skip_index.pattern_count[b]++] =
			(short)i;
	}
	for (size_t i = CT_ARRAY_SIZE(skip_entries); i-- > 0;) {
		const char *pat = skip_entries[i].pattern;
		if (strchr(pat, '*'))
			continue;
		size_t k = skip_exact_slot(pat);
		/* entries go in from the end: each goes before the later
		 * ones of its name */
		skip_index.same[i] = skip_index.exact[k];
		skip_index.exact[k] = (short)i;
	}
}

/* Does entry i apply to a frame of family in a report of classes? */
static bool skip_applies(size_t i, const char *family, const char *classes)
{
	const struct skip_entry *e = &skip_entries[i];
	return (strcmp(e->family, "any") == 0 ||
		strcmp(e->family, family) == 0) &&
	       class_listed(e->class, classes);
}

const char *ct_guilty_skip_reason(const char *name, const char *family,
				  const char *classes)
{
	if (!name || !family)
		return NULL;
	pthread_once(&skip_index_once, skip_index_build);
	size_t best = CT_ARRAY_SIZE(skip_entries);
	for (short i = skip_index.exact[skip_exact_slot(name)]; i != SKIP_NONE;
	     i = skip_index.same[i]) {
		if (skip_applies((size_t)i, family, classes)) {
			best = (size_t)i;
			break;
		}
	}
	const int buckets[] = { (unsigned char)name[0], 256 };
	for (size_t b = 0; b < CT_ARRAY_SIZE(buckets); b++) {
		const short *list = skip_index.patterns[buckets[b]];
		for (size_t n = 0; n < skip_index.pattern_count[buckets[b]];
		     n++) {
			size_t i = (size_t)list[n];
			if (i >= best)
				break; /* the list is in list order */
			if (ct_name_matches(skip_entries[i].pattern, name) &&
			    skip_applies(i, family, classes)) {
				best = i;
				break;
			}
		}
	}
	return best < CT_ARRAY_SIZE(skip_entries) ? skip_entries[best].reason
						  : NULL;
}

/* Is name a helper that a title keeps after its caller ("callee" in the
 * skip list: "WARNING in aiptek_open/usb_submit_urb")? */
static bool is_kept_callee(const char *name)
{
	for (size_t i = 0; name && i < CT_ARRAY_SIZE(skip_entries); i++) {
		const struct skip_entry *e = &skip_entries[i];
		if (strcmp(e->class, "callee") == 0 &&
		    strcmp(e->family, "linux") == 0 &&
		    ct_name_matches(e->pattern, name))
			return true;
	}
	return false;
}

/* Frames that can be guilty at all: reliable, named, not plumbing. */
static bool frame_counts(const struct ct_frame *f)
{
	return f->reliable && !f->generic && f->normalized &&
	       f->normalized[0] && strcmp(f->normalized, "??") != 0;
}

long ct_guilty_index(const struct ct_backtrace *bt, const char *classes)
{
	for (size_t i = 0; i < bt->frame_count; i++) {
		const struct ct_frame *f = &bt->frames[i];
		if (frame_counts(f) &&
		    !ct_guilty_skip_reason(f->normalized, bt->family, classes))
			return (long)i;
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * Compiled report types
 * ------------------------------------------------------------------------ */

/* Every headline holds one of these (test-report.c checks a headline of
 * every type gets through): lines without one are not matched further. */
static const char *const gate_literals[] = {
	"BUG", "WARNING", "INFO:", "rror:", "protection fault",
	"Unhandled fault", "double fault", "unlock balance", "lock held",
	"locks held", "lock freed", "ested lock", "DEBUG_LOCKS_WARN_ON",
	"to handle", "stack", "anic", "PANIC", "opcode", "int3", "stall",
	"blocked for more than", "hung_task_timeout_secs", "oom-killer",
	"VERIFY", "VFS: Close", "refcount_t", "ODEBUG", "UBSAN", "corruption",
	"usercopy", "unregister_netdevice", "LOCKUP", "lock state",
	"locking dependency", "recursive locking", "lock order", "SeaBIOS",
	"SYZFAIL", "trusty",
};

/*
 * Where the gate literals start, found without a regex: the first three
 * bytes of each literal hashed into a bit set, so that a text position
 * whose three bytes miss the set costs a few instructions.  (PCRE2's JIT
 * over the alternation of the literals ran at about 110 MB/s on logs,
 * a third of what analysing a batch of small Linux logs cost.)
 */
enum { GATE_SET_BITS = 1 << 16 };

static struct {
	uint64_t set[GATE_SET_BITS / 64]; /* hashes of first three bytes */
	uint32_t head[CT_ARRAY_SIZE(gate_literals)]; /* first three bytes */
	size_t len[CT_ARRAY_SIZE(gate_literals)];
} gate;

/* The three bytes at p as one number, and its bit in gate.set. */
static uint32_t gate_head(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16;
}

static uint32_t gate_bit(uint32_t head)
{
	return (head * 0x9e3779b1u) >> 16;
}

/* Fill gate from gate_literals; false when one is shorter than three
 * bytes (a build bug). */
static bool gate_init(void)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(gate_literals); i++) {
		gate.len[i] = strlen(gate_literals[i]);
		if (gate.len[i] < 3)
			return false;
		gate.head[i] = gate_head(gate_literals[i]);
		uint32_t bit = gate_bit(gate.head[i]);
		gate.set[bit / 64] |= (uint64_t)1 << (bit % 64);
	}
	return true;
}

/* The first position of s[0, len) where a gate literal starts (the match
 * an alternation of the literals would find), or NULL. */
static const char *gate_find(const char *s, size_t len)
{
	for (size_t i = 0; len >= 3 && i <= len - 3; i++) {
		uint32_t head = gate_head(s + i);
		uint32_t bit = gate_bit(head);
		if (!(gate.set[bit / 64] >> (bit % 64) & 1))
			continue;
		for (size_t k = 0; k < CT_ARRAY_SIZE(gate_literals); k++)
			if (gate.head[k] == head && gate.len[k] <= len - i &&
			    memcmp(s + i, gate_literals[k], gate.len[k]) == 0)
				return s + i;
	}
	return NULL;
}

static struct {
	struct ct_regex regex[TYPE_COUNT];
	struct ct_regex detail[TYPE_COUNT];
	struct ct_regex require[TYPE_COUNT];
	struct ct_regex fallback[TYPE_COUNT];
	bool failed;		/* a pattern did not compile (a build bug) */
} compiled;
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

static void compile(struct ct_regex *re, const char *pattern)
{
	struct ct_error *err = ct_regex_compile(re, pattern);
	if (err)
		compiled.failed = true;
	ct_error_destroy(err);
}

static void compile_all(void)
{
	if (!gate_init())
		compiled.failed = true;
	for (size_t i = 0; i < TYPE_COUNT; i++) {
		compile(&compiled.regex[i], report_types[i].regex);
		if (report_types[i].detail)
			compile(&compiled.detail[i], report_types[i].detail);
		if (report_types[i].require)
			compile(&compiled.require[i], report_types[i].require);
		if (report_types[i].fallback)
			compile(&compiled.fallback[i],
				report_types[i].fallback);
	}
}

/* ------------------------------------------------------------------------
 * Groups captured from a headline and its detail lines
 * ------------------------------------------------------------------------ */

enum { MAX_GROUPS = 8 };

struct groups {
	size_t count;
	struct {
		char name[24];
		char value[MAX_GROUP];
	} g[MAX_GROUPS];
};

static const char *group(const struct groups *gs, const char *name)
{
	for (size_t i = 0; i < gs->count; i++)
		if (strcmp(gs->g[i].name, name) == 0)
			return gs->g[i].value;
	return NULL;
}

static struct ct_error *take_group(void *arg, const char *name,
				   const char *value, size_t len)
{
	struct groups *gs = arg;
	if (group(gs, name) || gs->count == MAX_GROUPS || strlen(name) >= 24)
		return NULL;
	if (len >= MAX_GROUP)
		len = MAX_GROUP - 1;
	snprintf(gs->g[gs->count].name, 24, "%s", name);
	memcpy(gs->g[gs->count].value, value, len);
	gs->g[gs->count].value[len] = '\0';
	gs->count++;
	return NULL;
}

/* Copy the named groups that matched into gs (first value wins). */
static void take_groups(struct groups *gs, const struct ct_regex *re,
			pcre2_match_data *md, const char *subject)
{
	(void)ct_regex_each_group(re, md, subject, take_group, gs);
}

static bool search(const struct ct_regex *re, pcre2_match_data *md,
		   const char *s, size_t len)
{
	return re->code && ct_regex_match(re, s, len, 0, md) >= 0;
}

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------ */

/* A line's message: log prefixes stripped, also a Go-style
 * "YYYY/MM/DD HH:MM:SS " stamp some harnesses print before kernel text. */
static void message_of(const struct ct_line *line, const char **ret,
		       size_t *ret_len)
{
	struct ct_log_prefix pfx;
	size_t len = line->len < MAX_LINE ? line->len : MAX_LINE;
	ct_log_prefix_parse(line->p, len, &pfx);
	const char *m = pfx.message;
	size_t n = pfx.message_len;
	static const char shape[] = "dddd/dd/dd dd:dd:dd ";
	if (n >= sizeof(shape) - 1) {
		bool stamp = true;
		for (size_t i = 0; stamp && i < sizeof(shape) - 1; i++)
			stamp = shape[i] == 'd' ? ct_is_digit(m[i])
						: m[i] == shape[i];
		if (stamp) {
			m += sizeof(shape) - 1;
			n -= sizeof(shape) - 1;
		}
	}
	*ret = m;
	*ret_len = n;
}

/* The first report type whose headline matches [m, m+n), or -1. */
static long headline_type(const char *m, size_t n, pcre2_match_data *md,
			  struct groups *gs, size_t *ret_start)
{
	/* cheap gate: a literal every headline holds, before the patterns
	 * themselves */
	if (!gate_find(m, n))
		return -1;
	for (size_t i = 0; i < TYPE_COUNT; i++) {
		if (search(&compiled.regex[i], md, m, n)) {
			gs->count = 0;
			take_groups(gs, &compiled.regex[i], md, m);
			*ret_start = pcre2_get_ovector_pointer(md)[0];
			return (long)i;
		}
	}
	return -1;
}

bool ct_linux_report_headline(const char *m, size_t n)
{
	pthread_once(&compiled_once, compile_all);
	if (compiled.failed || n > MAX_LINE)
		return false;
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	if (!md)
		return false;
	struct groups gs;
	size_t start;
	long type = headline_type(m, n, md, &gs, &start);
	pcre2_match_data_free(md);
	if (type < 0)
		return false;
	/* a headline starts its message, behind at most quote marks,
	 * lockdep's "[ " and a severity ("panic: VERIFY3(...)" is
	 * FreeBSD's, not a Linux one) */
	size_t at = 0;
	while (at < n && strchr("> |\t", m[at]))	/* a quoted paste */
		at++;
	if (n - at >= 2 && m[at] == '[' && m[at + 1] == ' ')
		at += 2;
	static const char *const severities[] = { "INFO: ", "BUG: ",
						  "WARNING: " };
	for (size_t i = 0; i < CT_ARRAY_SIZE(severities); i++)
		if (ct_has_prefix(m + at, n - at, severities[i]) &&
		    start > at) {
			at += strlen(severities[i]);
			break;
		}
	if (start == at)
		return true;
	/* or right after a timestamp the prefix parser did not know
	 * ("host [6437762.553311] BUG: ...") or a subsystem tag
	 * ("watchdog: BUG: soft lockup") */
	if (start >= 2 && m[start - 2] == ']' && m[start - 1] == ' ')
		return true;
	static const char *const tags[] = { "watchdog: ", "rcu: ",
					    "kernel: " };
	for (size_t i = 0; i < CT_ARRAY_SIZE(tags); i++) {
		size_t len = strlen(tags[i]);
		if (start >= len && start - len >= at &&
		    memcmp(m + start - len, tags[i], len) == 0)
			return true;
	}
	return false;
}

struct found {
	long type;		/* index in report_types, -1 if none */
	unsigned long line;	/* headline's line */
	const char *pos;	/* where that line starts in the text */
	struct groups groups;
	char message[MAX_LINE + 1]; /* headline message */
	bool interleaved;	/* another log line runs into the headline */
};

/* A line reader over t from the headline of f on (its line first), so
 * that what follows a report costs only the report's lines. */
static void reader_at(const struct ct_text *t, const struct found *f,
		      struct ct_line_reader *lr)
{
	ct_line_reader_init(lr, f->pos, (size_t)(t->buf + t->len - f->pos));
	lr->number = f->line - 1;
}

/* Is there a trace header ("Call Trace:", "backtrace:" ...) in the lines
 * after the headline at line?  Without one, a report is cut short. */
static bool has_trace_header(const struct ct_text *t, const struct found *f)
{
	unsigned long line = f->line;
	static const char *const headers[] = {
		"Call Trace:", "Call trace:", "Backtrace:", "backtrace:",
		"Stack:", "Call Trace", "Hardware name:",
	};
	struct ct_line_reader lr;
	struct ct_line l;
	reader_at(t, f, &lr);
	while (ct_line_next(&lr, &l)) {
		if (l.number < line)
			continue;
		if (l.number > line + BACKTRACE_REACH)
			break;
		const char *m;
		size_t n;
		message_of(&l, &m, &n);
		for (size_t i = 0; i < CT_ARRAY_SIZE(headers); i++)
			if (ct_memstr(m, n, headers[i]))
				return true;
	}
	return false;
}

/* Does another report's headline (not a panic that only follows one)
 * come between the headline at line and its trace at trace_line?  Then
 * the trace is that report's, and ours has none.  The trace's own line
 * counts when its headline is of another kind: "Internal error: Oops"
 * under "Unhandled fault", or "WARNING: CPU:" under "refcount_t:", go
 * on the same report; "BUG: using __this_cpu_read()" under "general
 * protection fault" starts another CPU's. */
static bool headline_between(const struct ct_text *t, const struct found *f,
			     unsigned long trace_line, pcre2_match_data *md)
{
	unsigned long line = f->line;
	struct ct_line_reader lr;
	struct ct_line l;
	struct groups gs;
	size_t start;
	reader_at(t, f, &lr);
	while (ct_line_next(&lr, &l) && l.number <= trace_line) {
		if (l.number <= line)
			continue;
		const char *m;
		size_t n;
		message_of(&l, &m, &n);
		long type = headline_type(m, n, md, &gs, &start);
		if (type >= 0 && !is_fragment(&report_types[type]) &&
		    (l.number < trace_line ||
		     strcmp(report_types[type].kind,
			    report_types[f->type].kind) != 0))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Is the report whole?  Two CPUs printing at once interleave their lines
 * on the console; a report whose headline lands inside another's dump,
 * whose trace has another message running through it, or whose trace
 * header has nothing under it cannot be trusted for its frames.
 * ------------------------------------------------------------------------ */

enum trace_line {
	TL_BLANK,	/* empty, or a paste's "..." */
	TL_FRAME,	/* a stack frame */
	TL_DUMP,	/* the rest of an oops dump: registers, headers,
			 * stack words, <IRQ> markers */
	TL_OTHER,	/* any other message */
};

/* Lines of an oops dump that are not frames, by how they start. */
static const char *const dump_heads[] = {
	"Call Trace", "Call trace", "Hardware name:", "CPU:", "Workqueue:",
	"Modules linked in", "Code:", "Stack:", "Exception stack",
	"Backtrace:", "Krnl ", "Last Breaking", "---", "LR =", "LR is at",
	"PC is at", "Instruction dump", "irq event stamp", "hardirqs last",
	"softirqs last", "task:", "Process ", "Kernel Offset", "Dumping ftrace",
	"(ftrace buffer", "Not tainted", "Tainted:", "IP:", "EIP:", "RIP ",
	"Mem abort info", "Data abort info", "ESR =", "FAR =", "pc :",
	"lr :", "sp :", "Pid: ", "Rebooting in", "Kernel panic - not syncing",
};

/* Step [*m, *m+*n) past its leading spaces and tabs. */
static void skip_indent(const char **m, size_t *n)
{
	while (*n && (**m == ' ' || **m == '\t')) {
		(*m)++;
		(*n)--;
	}
}

static enum trace_line trace_line_class(const char *m, size_t n)
{
	skip_indent(&m, &n);
	while (n && (m[n - 1] == ' ' || m[n - 1] == '\r'))
		n--;
	size_t dots = 0;
	while (dots < n && (m[dots] == '.' || m[dots] == '[' ||
			    m[dots] == ']'))
		dots++;
	if (dots == n)
		return TL_BLANK;
	if (m[0] == '<' && m[n - 1] == '>' && n <= 8)
		return TL_DUMP;		/* <IRQ> </IRQ> <NMI> <TASK> <EOI> */
	for (size_t i = 0; i < CT_ARRAY_SIZE(dump_heads); i++)
		if (ct_has_prefix(m, n, dump_heads[i]))
			return TL_DUMP;
	if (m[n - 1] == ':')
		return TL_DUMP;		/* "stack backtrace:", "Freed by task 7:" */
	/* a register or stack-word line: "RSP: 0018:ffff...", "x29: ffff...",
	 * "7fa0: 00000000 ...", "ffff8801 00000000 ..." */
	size_t w = 0;
	while (w < n && w <= 12 && ct_is_word_char((unsigned char)m[w]))
		w++;
	size_t v = w;
	while (v < n && m[v] == ' ')
		v++;
	if (v < n && m[v] == ':') {
		v++;
		while (v < n && m[v] == ' ')
			v++;
		size_t h = v;
		while (h < n && ct_is_hex(m[h]))
			h++;
		if (h - v >= 4)
			return TL_DUMP;
	} else if (w == n || (w >= 8 && m[w] == ' ')) {
		bool words = true;
		for (size_t i = 0; i < w && words; i++)
			words = ct_is_hex(m[i]);
		if (words)
			return TL_DUMP;
	}
	if (ct_has_prefix(m, n, "? ") || ct_memstr(m, n, "+0x") ||
	    ct_memstr(m, n, "[<") || ct_memstr(m, n, ") from [") ||
	    (m[0] == '[' && n > 1 && ct_is_hex(m[1]) && ct_memstr(m, n, "] [")))
		return TL_FRAME;	/* ppc64: "[sp] [pc] 0xpc (unreliable)" */
	return TL_OTHER;
}

static enum trace_line line_class(const struct ct_line *l)
{
	const char *m;
	size_t n;
	message_of(l, &m, &n);
	return trace_line_class(m, n);
}

/* Seconds of a dmesg stamp "[  123.456789]" on line l, or -1. */
static double line_stamp(const struct ct_line *l)
{
	struct ct_log_prefix pfx;
	size_t len = l->len < MAX_LINE ? l->len : MAX_LINE;
	ct_log_prefix_parse(l->p, len, &pfx);
	if (!pfx.timestamp)
		return -1;
	const char *p = pfx.timestamp, *e = p + pfx.timestamp_len;
	while (p < e && (*p == '[' || *p == ' '))
		p++;
	double v = 0;
	bool digits = false;
	while (p < e && ct_is_digit(*p)) {
		v = v * 10 + (*p++ - '0');
		digits = true;
	}
	if (!digits || p == e || *p != '.')
		return -1;
	for (double scale = 0.1; ++p < e && ct_is_digit(*p);
	     scale /= 10)
		v += (*p - '0') * scale;
	return v;
}

/* How many frames of the trace that starts at line from (at or after the
 * headline of f) come before a line printed at another time (a second
 * or more away from the frames: another CPU's message landed in the
 * middle of the dump) runs between its frames; SIZE_MAX when none does.
 * Frame lines are counted as this file classifies them, which is close
 * to, not always equal to, the extractor's frame index (a "RIP:" frame
 * inside an IRQ trace counts there, not here). */
static size_t frames_before_interleave(const struct ct_text *t,
				       const struct found *f,
				       unsigned long from)
{
	struct ct_line_reader lr;
	struct ct_line l;
	reader_at(t, f, &lr);
	size_t frames = 0;
	bool other = false;
	int others = 0;
	double stamp = -1;	/* of the last frame */
	while (ct_line_next(&lr, &l)) {
		if (l.number < from)
			continue;
		if (l.number > from + BACKTRACE_REACH)
			break;
		switch (line_class(&l)) {
		case TL_FRAME:
			if (other)
				return frames;
			frames++;
			others = 0;
			stamp = line_stamp(&l);
			break;
		case TL_DUMP:
			other = false;
			others = 0;
			break;
		case TL_OTHER:
			if (frames && ++others >= 3)
				return SIZE_MAX;	/* the trace has ended */
			if (frames && stamp >= 0) {
				double s = line_stamp(&l);
				other = other || (s >= 0 && (s > stamp + 1 ||
							     s < stamp - 1));
			}
			break;
		case TL_BLANK:
			break;
		}
	}
	return SIZE_MAX;
}

/* Is the first trace header after the headline of f followed by no
 * frame before the dump ends (a console cut off under "Call Trace:")? */
static bool trace_header_empty(const struct ct_text *t, const struct found *f)
{
	static const char *const ends[] = {
		"Kernel Offset", "Rebooting in", "---[ end", "Dumping ftrace",
		"CPU: ", "Call Trace", "Call trace",
	};
	struct ct_line_reader lr;
	struct ct_line l;
	reader_at(t, f, &lr);
	unsigned long header = 0;
	while (ct_line_next(&lr, &l)) {
		if (l.number <= f->line)
			continue;
		if (l.number > f->line + BACKTRACE_REACH ||
		    (header && l.number > header + 40))
			break;
		const char *m;
		size_t n;
		message_of(&l, &m, &n);
		enum trace_line c = trace_line_class(m, n);
		skip_indent(&m, &n);
		if (header) {
			if (c == TL_FRAME)
				return false;
			for (size_t i = 0; i < CT_ARRAY_SIZE(ends); i++)
				if (ct_has_prefix(m, n, ends[i]))
					return true;
			continue;
		}
		if (ct_has_prefix(m, n, "Call Trace:") ||
		    ct_has_prefix(m, n, "Call trace:")) {
			if (c == TL_FRAME)	/* "Call Trace: [<c01>] f+0x1" */
				return false;
			header = l.number;
		}
	}
	return header != 0;	/* the text ends under the header */
}

/* The "PID: N" of a headline or a dump's "CPU: 0 PID: N Comm:" line, or
 * -1. */
static long pid_of(const char *m, size_t n)
{
	const char *p = ct_memstr(m, n, " PID: ");
	if (!p)
		return -1;
	p += 6;
	const char *e = m + n;
	while (p < e && *p == ' ')
		p++;
	long pid = 0;
	bool digits = false;
	while (p < e && ct_is_digit(*p) && pid < 100000000) {
		pid = pid * 10 + (*p++ - '0');
		digits = true;
	}
	return digits ? pid : -1;
}

/* Does the trace that starts at line from belong to another task than
 * the one the headline of f names?  The "CPU: .. PID: .." line nearest
 * before the trace says whose it is. */
static bool trace_of_other_task(const struct ct_text *t, const struct found *f,
				unsigned long from)
{
	long want = pid_of(f->message, strlen(f->message));
	const char *blocked = strstr(f->message, " blocked for more than");
	if (want < 0 && blocked) {
		/* "INFO: task kworker/0:3:7985 blocked for more than ..." */
		const char *d = blocked;
		while (d > f->message && ct_is_digit(d[-1]))
			d--;
		if (d < blocked && d > f->message && d[-1] == ':')
			want = strtol(d, NULL, 10);
	}
	if (want < 0)
		return false;
	/* from a few lines before the headline: a headline that lands
	 * between another dump's "CPU:" line and its trace */
	const char *p = f->pos;
	unsigned long number = f->line;
	for (int k = 0; k < 8 && p > t->buf; k++) {
		p--;
		while (p > t->buf && p[-1] != '\n')
			p--;
		number--;
	}
	struct ct_line_reader lr;
	struct ct_line l;
	ct_line_reader_init(&lr, p, (size_t)(t->buf + t->len - p));
	lr.number = number - 1;
	long have = -1;
	while (ct_line_next(&lr, &l) && l.number <= from + BACKTRACE_REACH) {
		if (l.number == f->line)
			continue;
		const char *m;
		size_t n;
		message_of(&l, &m, &n);
		if (l.number >= from && trace_line_class(m, n) == TL_FRAME)
			break;		/* the trace's first frame */
		skip_indent(&m, &n);
		if (ct_has_prefix(m, n, "CPU: ") && ct_memstr(m, n, " Comm: "))
			have = pid_of(m, n);
	}
	return have >= 0 && have != want;
}

/* The first frame not skipped among the frame lines under the first line
 * after the headline of f that re matches ("-> #1 (&mm->mmap_lock):", a
 * lockdep dependency chain), normalized, or NULL. */
static char *fallback_frame(const struct ct_text *t, const struct found *f,
			    const struct ct_regex *re, const char *skip,
			    pcre2_match_data *md)
{
	struct ct_line_reader lr;
	struct ct_line l;
	reader_at(t, f, &lr);
	bool under = false;
	while (ct_line_next(&lr, &l) && l.number <= f->line + BACKTRACE_REACH) {
		if (l.number <= f->line)
			continue;
		const char *m;
		size_t n;
		message_of(&l, &m, &n);
		if (!under) {
			under = search(re, md, m, n);
			continue;
		}
		enum trace_line c = trace_line_class(m, n);
		if (c == TL_BLANK)
			continue;
		if (c != TL_FRAME)
			break;
		skip_indent(&m, &n);
		if (ct_has_prefix(m, n, "? "))
			continue;
		size_t e = 0;
		while (e < n && m[e] != '+' && m[e] != ' ')
			e++;
		char *name = e < n && m[e] == '+' ? strndup(m, e) : NULL;
		char *norm = name ? ct_frame_normalize(name) : NULL;
		free(name);
		if (norm && !ct_guilty_skip_reason(norm, "linux", skip) &&
		    !ct_frame_is_plumbing(norm, CT_FAMILY_LINUX))
			return norm;
		free(norm);
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Finding the report
 * ------------------------------------------------------------------------ */


/* Sorted, merged line windows to search for a headline. */
struct windows {
	size_t count;
	struct {
		unsigned long from, to;
	} w[MAX_WINDOWS + 1];
};

static void add_window(struct windows *ws, unsigned long from,
		       unsigned long to)
{
	if (ws->count > MAX_WINDOWS)
		return;
	ws->w[ws->count].from = from;
	ws->w[ws->count].to = to;
	ws->count++;
}

static int window_cmp(const void *a, const void *b)
{
	const unsigned long *x = a, *y = b;
	return (*x > *y) - (*x < *y);
}

/* Does a second kernel log stamp "[  153.615435]" start inside m? */
static bool has_inner_stamp(const char *m, size_t n)
{
	for (size_t i = 1; i + 3 < n; i++) {
		if (m[i] != '[')
			continue;
		size_t j = i + 1;
		while (j < n && m[j] == ' ')
			j++;
		size_t d = j;
		while (j < n && ct_is_digit(m[j]))
			j++;
		if (j > d && j < n && m[j] == '.')
			return true;
	}
	return false;
}

/* Move r to the start of the next line that holds a gate literal: one
 * scan over the text instead of a match per line.  False when no line
 * further on does. */
static bool skip_to_gate(struct ct_line_reader *r)
{
	if (r->pos >= r->end)
		return false;
	const char *hit = gate_find(r->pos, (size_t)(r->end - r->pos));
	if (!hit)
		return false;
	for (const char *nl; (nl = memchr(r->pos, '\n',
					  (size_t)(hit - r->pos)));) {
		r->pos = nl + 1;
		r->number++;
	}
	return true;
}

/* Does report type i end a machine (an oops, a sanitizer report, a
 * panic with its own cause), rather than warn or report a hang? */
static bool is_fatal(long i)
{
	const struct report_type *rt = &report_types[i];
	return !is_fragment(rt) && (strcmp(rt->kind, "oops") == 0 ||
				strcmp(rt->kind, "kasan") == 0 ||
				strcmp(rt->kind, "panic") == 0);
}

/* Does the text around the headline of type i on line l hold what the
 * type asks for: output before it, a line after it that matches? */
static bool context_holds(const struct ct_text *t, long i,
			  const struct ct_line *l, pcre2_match_data *md)
{
	const struct report_type *rt = &report_types[i];
	if (rt->after) {
		/* stops at the text's first non-blank byte: only the first
		 * non-blank line can fail here, so the scan stays linear */
		const char *p = t->buf;
		while (p < l->p && isspace((unsigned char)*p))
			p++;
		if (p == l->p)
			return false;
	}
	const struct ct_regex *re = &compiled.require[i];
	if (!re->code)
		return true;
	struct ct_line_reader lr;
	struct ct_line next;
	ct_line_reader_init(&lr, l->p, (size_t)(t->buf + t->len - l->p));
	lr.number = l->number - 1;
	while (ct_line_next(&lr, &next) &&
	       next.number <= l->number + DETAIL_WINDOW) {
		const char *m;
		size_t n;
		message_of(&next, &m, &n);
		if (next.number > l->number && search(re, md, m, n))
			return true;
	}
	return false;
}

/* The report of t: the first headline a report type names, except that a
 * warning, bug or hang yields to a later fatal report (a production log
 * keeps harmless WARNINGs long before the oops that took the host down). */
static void find_headline(const struct ct_text *t, struct windows *ws,
			  bool whole, const struct ct_line_marks *marks,
			  pcre2_match_data *md, struct found *ret)
{
	if (ws->count > 1)
		qsort(ws->w, ws->count, sizeof(ws->w[0]), window_cmp);
	struct ct_line_reader lr;
	struct ct_line line;
	ct_line_reader_init(&lr, t->buf, t->len);
	size_t wi = 0;
	struct groups gs;
	/* a whole text is scanned for the gate in one pass; a big log goes
	 * from window to window, line by line only inside them, so nothing
	 * past the last window is read and the lines before a window are at
	 * most counted */
	while (wi < ws->count) {
		if (whole && !skip_to_gate(&lr))
			break;
		if (!whole)
			ct_line_seek(&lr, marks, ws->w[wi].from);
		if (!ct_line_next(&lr, &line))
			break;
		while (wi < ws->count && line.number > ws->w[wi].to)
			wi++;
		if (wi == ws->count)
			break;
		if (line.number < ws->w[wi].from)
			continue;
		const char *m;
		size_t n;
		message_of(&line, &m, &n);
		size_t start;
		long type = headline_type(m, n, md, &gs, &start);
		if (type < 0 || (ret->type >= 0 && !is_fatal(type)) ||
		    !context_holds(t, type, &line, md))
			continue;
		ret->type = type;
		ret->groups = gs;
		ret->line = line.number;
		ret->pos = line.p;
		/* the message from the headline on: "watchdog: " and other
		 * subsystem tags before it are not part of it */
		if (start >= n || m[start] == ' ' || m[start] == ':')
			start = 0;
		memcpy(ret->message, m + start, n - start);
		ret->message[n - start] = '\0';
		ret->interleaved = has_inner_stamp(m, n);
		if (is_fatal(type))
			return;
	}
}

/* Fill groups from the detail pattern of type, in the lines after the
 * headline; a line ending in "at:" is read together with the next. */
static void read_detail(const struct ct_text *t, struct found *f,
			pcre2_match_data *md)
{
	const struct ct_regex *re = &compiled.detail[f->type];
	if (!re->code)
		return;
	struct ct_line_reader lr;
	struct ct_line line;
	reader_at(t, f, &lr);
	char joined[2 * MAX_LINE + 2];
	size_t held = 0;	/* bytes of a line ending in "at:" */
	while (ct_line_next(&lr, &line)) {
		if (line.number <= f->line)
			continue;
		if (line.number > f->line + DETAIL_WINDOW)
			break;
		const char *m;
		size_t n;
		message_of(&line, &m, &n);
		if (held) {
			joined[held] = ' ';
			memcpy(joined + held + 1, m, n);
			n += held + 1;
			m = joined;
			held = 0;
		}
		if (search(re, md, m, n)) {
			take_groups(&f->groups, re, md, m);
			return;
		}
		const char *e = m + n;
		while (e > m && (e[-1] == ' ' || e[-1] == '\r'))
			e--;
		if (e - m >= 3 && memcmp(e - 3, "at:", 3) == 0 && m != joined) {
			held = (size_t)(e - m);
			memmove(joined, m, held);
		}
	}
}

/* ------------------------------------------------------------------------
 * The guilty frame of a stall
 * ------------------------------------------------------------------------ */

/* Syscall entry prefixes, longest first, and how the syscall is named:
 * the wrappers of kernels since 4.17 ("__x64_sys_ioctl", "__do_sys_ioctl")
 * keep the "sys_" of the syscall's own name, older ones ("SyS_ioctl",
 * "SYSC_ioctl"), the bare entries of architectures without wrappers
 * ("sys_openat2" on ARM32) and the in-kernel helpers ("ksys_mount") name
 * it bare, as triagers have named them. */
static const struct {
	const char *prefix;
	bool keep_sys;
} syscall_prefixes[] = {
	{ "__arm64_compat_sys_", true }, { "__ia32_compat_sys_", true },
	{ "__x64_compat_sys_", true }, { "__arm64_sys_", true },
	{ "__ia32_sys_", true }, { "__x64_sys_", true },
	{ "__riscv_sys_", true }, { "__s390x_sys_", true },
	{ "__s390_sys_", true }, { "__se_compat_sys_", true },
	{ "__do_compat_sys_", true }, { "__se_sys_", true },
	{ "__do_sys_", true }, { "compat_SyS_", false },
	{ "compat_sys_", false }, { "SYSC_", false }, { "SyS_", false },
	{ "__sys_", true }, { "ksys_", false }, { "sys_", false },
};

/* The syscall a wrapper frame f enters, bare ("ioctl"), or NULL. */
static const char *syscall_bare(const char *f)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(syscall_prefixes); i++) {
		size_t n = strlen(syscall_prefixes[i].prefix);
		if (strncmp(f, syscall_prefixes[i].prefix, n) == 0 && f[n])
			return f + n;
	}
	return NULL;
}

/* How a report names the syscall of wrapper frame f ("sys_ioctl" or
 * "ioctl"), written into buf; NULL when f is no wrapper. */
static const char *syscall_title(const char *f, char *buf, size_t n)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(syscall_prefixes); i++) {
		size_t len = strlen(syscall_prefixes[i].prefix);
		if (strncmp(f, syscall_prefixes[i].prefix, len) != 0 || !f[len])
			continue;
		snprintf(buf, n, "%s%s",
			 syscall_prefixes[i].keep_sys ? "sys_" : "", f + len);
		return buf;
	}
	return NULL;
}

/* Syscalls that only dispatch to a file's, socket's or device's own
 * code: the frame that code entered by names the bug better. */
static const char *const dispatching_syscalls[] = {
	"ioctl", "compat_ioctl", "read", "write", "readv", "writev",
	"pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
	"sendmsg", "recvmsg", "recvmmsg", "sendto", "recvfrom",
	"setsockopt", "getsockopt", "connect", "bind", "accept", "accept4",
	"listen", "close", "splice", "sendfile64", "fcntl", "mmap",
	"mmap_pgoff", "socketcall", "ipc", "poll", "ppoll", "select",
	"pselect6", "epoll_wait", "epoll_pwait", "exit_group", "exit",
	"copy_file_range", "fallocate", "ftruncate", "fsync", "fdatasync",
	"io_uring_enter",
};

/* Entry points of deferred or dispatched work: their caller-side frame
 * (the function they called) is the work that looped. */
static const char *const work_entries[] = {
	"process_one_work", "call_timer_fn", "expire_timers", "__run_timers",
	"run_timer_softirq", "__hrtimer_run_queues", "__run_hrtimer",
	"tasklet_action_common", "tasklet_action", "net_rx_action",
	"__netif_receive_skb_core", "__netif_receive_skb_one_core",
	"__netif_receive_skb", "netif_receive_skb", "rcu_do_batch",
	"rcu_core", "__do_fault", "do_fault", "__fput", "____fput",
	"task_work_run", "mmap_region", "rtnetlink_rcv_msg",
	"genl_family_rcv_msg", "genl_rcv_msg", "netlink_rcv_skb",
	"nfnetlink_rcv_msg", "do_dentry_open", "genl_family_rcv_msg_dumpit", "__netif_receive_skb_list_core",
	"netif_receive_skb_list_internal",
	"sched_ttwu_pending", "flush_smp_call_function_queue",
	"__flush_smp_call_function_queue", "do_idle", "cpu_startup_entry",
};

static bool listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}


/* Frames of the timer interrupt that ran the stall check: what follows
 * them is the code the CPU was interrupted in, even inside <IRQ>. */
static bool is_timer_interrupt(const char *name)
{
	return strstr(name, "apic_timer_interrupt") ||
	       strcmp(name, "el1h_64_irq") == 0 ||
	       strcmp(name, "el1_interrupt") == 0 ||
	       strcmp(name, "el1_irq") == 0 ||
	       strcmp(name, "__irq_svc") == 0;	/* ARM32 */
}

/* Could frame f of a stall be guilty?  After the timer interrupt, frames
 * the extractor set aside as the tick's own <IRQ> frames count again. */
static bool stall_counts(const struct ct_frame *f, bool after_tick)
{
	if (!f->reliable || !f->normalized || !f->normalized[0] ||
	    strcmp(f->normalized, "??") == 0)
		return false;
	if (!f->generic)
		return true;
	return after_tick && !ct_frame_is_plumbing(f->normalized,
						   CT_FAMILY_LINUX);
}

/* The frame above index i (towards the top, not before from) that could
 * be guilty. */
static long caller_side(const struct ct_backtrace *bt, long from, long i,
			const char *classes, bool after_tick)
{
	for (long j = i - 1; j >= from; j--) {
		const struct ct_frame *f = &bt->frames[j];
		if (stall_counts(f, after_tick) &&
		    !ct_guilty_skip_reason(f->normalized, bt->family, classes))
			return j;
	}
	return -1;
}

/* A stall's guilty frame: the work or syscall the CPU was looping in.
 * *ret_name is a name that is not a frame (a syscall's name, or
 * "smp_call_function" for every flavour of waiting on other CPUs). */
static long stall_index(const struct ct_backtrace *bt, const char *classes,
			const char **ret_name)
{
	*ret_name = NULL;
	long from = 0;
	for (size_t i = 0; i < bt->frame_count && i < 48; i++)
		if (bt->frames[i].normalized &&
		    is_timer_interrupt(bt->frames[i].normalized))
			from = (long)i + 1;
	bool tick = from > 0;
	for (size_t i = (size_t)from; i < bt->frame_count; i++) {
		const struct ct_frame *f = &bt->frames[i];
		/* entry frames are plumbing, yet they mark where work began */
		if (!f->reliable || !f->normalized)
			continue;
		const char *name = f->normalized;
		if (strncmp(name, "smp_call_function", 17) == 0) {
			*ret_name = "smp_call_function";
			return (long)i;
		}
		const char *sys = syscall_bare(name);
		if (sys) {
			if (listed(sys, dispatching_syscalls,
				   CT_ARRAY_SIZE(dispatching_syscalls))) {
				long j = caller_side(bt, from, (long)i, classes,
						     tick);
				if (j >= 0)
					return j;
			}
			*ret_name = name;
			return (long)i;
		}
		if (listed(name, work_entries, CT_ARRAY_SIZE(work_entries))) {
			long j = caller_side(bt, from, (long)i, classes, tick);
			if (j >= 0)
				return j;
		}
	}
	for (size_t i = (size_t)from; i < bt->frame_count; i++)
		if (stall_counts(&bt->frames[i], tick) &&
		    !ct_guilty_skip_reason(bt->frames[i].normalized,
					   bt->family, classes))
			return (long)i;
	return ct_guilty_index(bt, classes);
}

/* ------------------------------------------------------------------------
 * The guilty frame of a hung task
 * ------------------------------------------------------------------------ */

/* A hung task waits wherever the thing it waits for is stuck: waits on
 * RCU grace periods all name one bucket, and so do waits on rtnl_lock. */
static const struct {
	const char *contains;
	const char *name;	/* reported name, NULL for the frame's own */
} hang_anchors[] = {
	{ "rtnl_lock", NULL },
	{ "synchronize_rcu", "synchronize_rcu" },
	{ "synchronize_srcu", "synchronize_rcu" },
	{ "synchronize_net", "synchronize_rcu" },
	{ "synchronize_sched", "synchronize_rcu" },
};

static long hang_index(const struct ct_backtrace *bt, const char *classes,
		       const char **ret_name)
{
	*ret_name = NULL;
	for (size_t i = 0; i < bt->frame_count; i++) {
		const struct ct_frame *f = &bt->frames[i];
		if (!frame_counts(f))
			continue;
		for (size_t a = 0; a < CT_ARRAY_SIZE(hang_anchors); a++)
			if (strstr(f->normalized, hang_anchors[a].contains)) {
				*ret_name = hang_anchors[a].name;
				return (long)i;
			}
	}
	return ct_guilty_index(bt, classes);
}

/* ------------------------------------------------------------------------
 * Classification
 * ------------------------------------------------------------------------ */

/* Expand "{name}" placeholders of tmpl from gs; unknown ones vanish with
 * the blank before them. */
static void expand(struct ct_strbuf *sb, const char *tmpl,
		   const struct groups *gs)
{
	for (const char *p = tmpl; *p;) {
		if (*p != '{') {
			ct_strbuf_putc(sb, *p++);
			continue;
		}
		const char *close = strchr(p, '}');
		if (!close) {
			ct_strbuf_puts(sb, p);
			break;
		}
		char name[24];
		size_t n = (size_t)(close - p - 1);
		snprintf(name, sizeof(name), "%.*s", (int)(n < 23 ? n : 23),
			 p + 1);
		const char *v = group(gs, name);
		if (v && *v)
			ct_strbuf_puts(sb, v);
		else if (sb->len && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		p = close + 1;
	}
	/* "INFO: Freed in" style heads lose a dangling " in" */
	if (sb->len > 3 && memcmp(sb->buf + sb->len - 3, " in", 3) == 0)
		sb->buf[sb->len -= 3] = '\0';
}

/* The backtraces of the report at line: this text's backtraces that start
 * at or after it, within reach (at most n).  An extractor appends them as
 * it reads, so index order is line order. */
static size_t report_backtraces(const struct ct_case *c, size_t first_bt,
				unsigned long line, size_t *ret, size_t n)
{
	size_t count = 0;
	for (size_t i = first_bt; i < c->backtrace_count && count < n; i++) {
		const struct ct_backtrace *bt = &c->backtraces[i];
		if (bt->frame_count && bt->origin.line >= line &&
		    bt->origin.line <= line + BACKTRACE_REACH)
			ret[count++] = i;
	}
	return count;
}

/* The guilty frame of bt for report type rt: its index, or -1 with
 * *ret_name set when the guilty function is no frame (a syscall). */
static long guilty_in(const struct report_type *rt,
		      const struct ct_backtrace *bt, char *buf, size_t n,
		      const char **ret_name)
{
	const char *skip = rt->skip ? rt->skip : "";
	*ret_name = NULL;
	long i;
	if (strcmp(rt->guilty, "stall") == 0)
		i = stall_index(bt, skip, ret_name);
	else if (strcmp(rt->guilty, "hang") == 0)
		i = hang_index(bt, skip, ret_name);
	else
		i = ct_guilty_index(bt, skip);
	/* every frame is machinery or a helper: the syscall that entered
	 * them is the most specific thing left */
	for (size_t k = 0; i < 0 && k < bt->frame_count; k++)
		if (bt->frames[k].reliable && bt->frames[k].normalized &&
		    syscall_bare(bt->frames[k].normalized))
			i = (long)k;
	/* a syscall wrapper is named by its syscall: "SyS_pause" -> "pause" */
	const char *frame = *ret_name ? *ret_name
				      : i >= 0 ? bt->frames[i].normalized : NULL;
	if (frame && syscall_title(frame, buf, n))
		*ret_name = buf;
	return i;
}

/* The lines where a headline may stand: the whole text when it is short,
 * the lines before each backtrace, and the lines extractors found. */
static void collect_windows(const struct ct_case *c, const struct ct_text *t,
			    size_t first_bt,
			    const unsigned long *report_lines,
			    size_t report_line_count, struct windows *ws)
{
	if (t->len <= WHOLE_TEXT)
		add_window(ws, 1, ULONG_MAX);
	for (size_t i = first_bt; i < c->backtrace_count; i++) {
		unsigned long l = c->backtraces[i].origin.line;
		add_window(ws, l > HEADLINE_LOOKBACK ? l - HEADLINE_LOOKBACK
						      : 1, l);
	}
	for (size_t i = 0; i < report_line_count; i++)
		add_window(ws, report_lines[i], report_lines[i]);
}

/* What choose_guilty() decided. */
struct guilty {
	const char *name;	/* the guilty function, or NULL */
	char *owned;		/* what name may point into; caller frees */
	bool named;		/* the report's text named it */
	char sysbuf[MAX_GROUP];	/* a syscall's name, which name may be */
};

/* The guilty function of report f (type rt): the one its text names
 * (guilty "func"), else the guilty frame of the first of the nc candidate
 * backtraces that has one (setting ret->backtrace and guilty_frame), else
 * the function the headline names, else the type's fallback line.  False
 * on OOM (g->owned freed). */
static bool choose_guilty(const struct ct_case *c, const struct ct_text *t,
			  const struct found *f, const struct report_type *rt,
			  pcre2_match_data *md, const size_t *cand, size_t nc,
			  struct ct_linux_report *ret, struct guilty *g)
{
	const char *skip = rt->skip ? rt->skip : "";
	if (strcmp(rt->guilty, "func") == 0) {
		const char *fn = group(&f->groups, "func");
		if (fn && *fn) {
			g->owned = ct_frame_normalize(fn);
			if (!g->owned)
				return false;
			if (!ct_guilty_skip_reason(g->owned, "linux", skip) &&
			    !ct_frame_is_plumbing(g->owned, CT_FAMILY_LINUX))
				g->name = g->owned;
		}
	}
	g->named = g->name != NULL;
	/* the report's backtrace: the first after the headline that has a
	 * guilty frame (a WARNING's own site line comes before the trace a
	 * panic_on_warn prints), else the first */
	for (size_t k = 0; k < nc && !g->name; k++) {
		const struct ct_backtrace *bt = &c->backtraces[cand[k]];
		const char *name;
		long i = guilty_in(rt, bt, g->sysbuf, sizeof(g->sysbuf),
				   &name);
		if (name)
			g->name = name;
		else if (i >= 0)
			g->name = bt->frames[i].normalized;
		if (g->name) {
			ret->backtrace = cand[k];
			ret->guilty_frame = i;
		}
	}
	if (!g->name && strcmp(rt->guilty, "func") != 0) {
		/* no trace to choose from: the function the headline names
		 * (a sanitizer's catch, a WARNING's site) */
		const char *fn = group(&f->groups, "func");
		if (fn && *fn) {
			free(g->owned);
			g->owned = ct_frame_normalize(fn);
			if (!g->owned)
				return false;
			if (!ct_guilty_skip_reason(g->owned, "linux", skip))
				g->name = g->owned;
		}
	}
	if (!g->name && compiled.fallback[f->type].code) {
		free(g->owned);
		g->owned = fallback_frame(t, f, &compiled.fallback[f->type],
					  skip, md);
		g->name = g->owned;
	}
	return true;
}

/* ret->guilty: the guilty function, or "guilty/callee" for a WARNING
 * whose site is a kept callee: its sanity check fired on what the caller
 * passed (a sanitizer catching the callee's access, a hang passing
 * through it, say nothing of the caller's use).  False on OOM. */
static bool set_guilty(struct ct_linux_report *ret, const char *guilty,
		       const struct found *f, const struct report_type *rt)
{
	const char *callee = group(&f->groups, "func");
	if (callee && (strcmp(rt->kind, "warning") != 0 ||
		       !is_kept_callee(callee)))
		callee = NULL;
	char *both = NULL;
	if (guilty && callee &&
	    asprintf(&both, "%s/%s", guilty, callee) >= 0)
		guilty = both;
	if (!guilty)
		return true;
	ret->guilty = strdup(guilty);
	free(both);
	return ret->guilty != NULL;
}

/* A report whose trace is missing or cut to its own site line, or whose
 * lines are mixed with another report's. */
static bool report_corrupted(const struct ct_case *c,
			     const struct ct_text *t, const struct found *f,
			     pcre2_match_data *md,
			     const struct ct_linux_report *ret, bool guilty,
			     bool named)
{
	unsigned long from = ret->backtrace != SIZE_MAX
				     ? c->backtraces[ret->backtrace].origin.line
				     : 0;
	size_t clean = from ? frames_before_interleave(t, f, from) : SIZE_MAX;
	return !guilty || f->interleaved ||
	       trace_header_empty(t, f) ||
	       (ret->guilty_frame >= 0 &&
		(size_t)ret->guilty_frame >= clean) ||
	       (from && trace_of_other_task(t, f, from)) ||
	       (!named && ret->backtrace != SIZE_MAX &&
		headline_between(t, f,
				 c->backtraces[ret->backtrace].origin.line,
				 md)) ||
	       (!named && (ret->backtrace == SIZE_MAX ||
			   (c->backtraces[ret->backtrace].frame_count < 2 &&
			    !has_trace_header(t, f))));
}

struct ct_error *ct_linux_report_classify(struct ct_case *c,
					  const struct ct_text *t,
					  size_t first_bt,
					  const unsigned long *report_lines,
					  size_t report_line_count,
					  const struct ct_line_marks *marks,
					  struct ct_linux_report *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->backtrace = SIZE_MAX;
	ret->guilty_frame = -1;
	pthread_once(&compiled_once, compile_all);
	if (compiled.failed)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT,
				       "a report-types.txt pattern does not "
				       "compile");
	struct windows ws = { 0 };
	collect_windows(c, t, first_bt, report_lines, report_line_count,
			&ws);
	if (!ws.count)
		return NULL;

	struct found *f = calloc(1, sizeof(*f));
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	struct guilty *g = calloc(1, sizeof(*g));
	if (!f || !md || !g)
		goto oom;
	f->type = -1;
	find_headline(t, &ws, t->len <= WHOLE_TEXT, marks, md, f);
	if (f->type < 0)
		goto out;
	const struct report_type *rt = &report_types[f->type];
	read_detail(t, f, md);

	struct ct_strbuf type = CT_STRBUF_INIT;
	expand(&type, rt->type, &f->groups);
	ret->type = ct_strbuf_detach(&type);
	if (!ret->type) {
		ct_strbuf_deinit(&type);
		goto oom;
	}
	ret->kind = rt->kind;
	ret->line = f->line;
	ret->message = ct_strndup_clean(f->message, strlen(f->message));
	if (!ret->message)
		goto oom;
	size_t cand[8];
	size_t nc = report_backtraces(c, first_bt, f->line, cand, 8);
	ret->backtrace = nc ? cand[0] : SIZE_MAX;
	if (strcmp(rt->guilty, "none") == 0) {
		ret->typed = true;
		ret->fragment = is_fragment(rt);
		/* "notrace": a report that prints a trace, cut before it */
		ret->corrupted = ret->fragment ||
				 (rt->corrupt && strcmp(rt->corrupt, "notrace") == 0 &&
				  !nc && !has_trace_header(t, f));
		goto done;
	}
	if (!choose_guilty(c, t, f, rt, md, cand, nc, ret, g))
		goto oom;
	ret->typed = true;
	if (!set_guilty(ret, g->name, f, rt)) {
		free(g->owned);
		goto oom;
	}
	ret->corrupted = report_corrupted(c, t, f, md, ret, g->name != NULL,
					  g->named);
	free(g->owned);
done:
	ret->skip = rt->skip;
out:
	free(g);
	free(f);
	pcre2_match_data_free(md);
	return NULL;
oom:
	ct_linux_report_deinit(ret);
	free(g);
	free(f);
	pcre2_match_data_free(md);
	return &ct_enomem;
}

void ct_linux_report_deinit(struct ct_linux_report *r)
{
	free(r->type);
	free(r->guilty);
	free(r->message);
	memset(r, 0, sizeof(*r));
	r->backtrace = SIZE_MAX;
	r->guilty_frame = -1;
}
