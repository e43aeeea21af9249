/* SPDX-License-Identifier: MIT */
/*
 * gdb.c - gdb backtraces: "bt", "bt full", "where", "thread apply
 * all bt", kgdb's "bt", and the flattened form where a paste put every
 * frame on one line ("(gdb) where#0 DLM_free (...) at
 * .../dlmalloc.c:****#1 0x... in ...").
 *
 * A frame is "#N" followed by "[0xADDR in ]FUNC (ARGS)[ at FILE:LINE]
 * [ from LIB]"; addresses and line numbers may be masked with '*'.  Frame
 * numbers run 0, 1, 2, ... so that a '#' inside an argument string cannot
 * start a bogus frame; only a frame on its own line may skip numbers ("bt
 * 12" then "bt -14").  When no "#N" frame is found, lines that lost their
 * "#" (or their number too) are read one by one.  Markers are found in one
 * pass over the text, so a megabyte-long flattened line is linear.
 *
 * The crashing backtrace of "thread apply all bt" is the thread gdb names,
 * else the one the thread_hints table scores best: signal and abort
 * machinery for, waits against.
 */
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "analyzer/span.h"

enum { SNIFF_WINDOW = 256 * 1024 };

/* GEF's arrow between a frame's pc and its name, "→" in UTF-8 */
#define GEF_ARROW "\xe2\x86\x92"

static bool is_letter(char c)
{
	return ct_is_alpha(c) || c == '_';
}

/* Position of the next frame marker "#N " at or after p, or NULL.  A marker
 * is '#', digits, then a blank; it must not follow a letter ("x#1 ") except
 * the end of "where#0" / "bt#0".  Digits may precede it: a flattened paste
 * runs "at heap.c:4032#1 0x..." together. */
static const char *next_marker(const char *p, const char *end,
			       unsigned long *ret_number, const char **ret_body)
{
	while (p < end) {
		const char *h = memchr(p, '#', (size_t)(end - p));
		if (!h)
			return NULL;
		const char *q = h + 1;
		unsigned long n;
		if (ct_parse_dec(&q, end, &n) && ct_blank_len(q, end) &&
		    q - h <= 6 &&
		    (h == p || !is_letter(h[-1]) || h[-1] == 'e' ||
		     h[-1] == 't')) {
			*ret_number = n;
			*ret_body = ct_skip_blanks(q, end);
			return h;
		}
		p = h + 1;
	}
	return NULL;
}

/* Finds accepted frame markers front to back.  The start of the line of the
 * last marker looked at is cached, so that a flattened paste (megabytes on
 * one line) is scanned once, not once per marker back to its line start. */
struct marker_scan {
	const char *buf, *end;	/* the text */
	const char *pos;	/* the line start is known up to here */
	const char *line;	/* start of the line holding pos */
	bool own_line;		/* the last marker found starts its line */
};

static void marker_scan_init(struct marker_scan *sc, const char *buf,
			     const char *end)
{
	*sc = (struct marker_scan){ buf, end, buf, buf, false };
}

/* Start of the line holding h.  Linear over a scan as long as h never moves
 * backwards; a backward h restarts from the text's start (callers avoid it). */
static const char *scan_line_start(struct marker_scan *sc, const char *h)
{
	if (h < sc->pos)
		sc->pos = sc->line = sc->buf;
	const char *nl;
	while ((nl = memchr(sc->pos, '\n', (size_t)(h - sc->pos)))) {
		sc->line = nl + 1;
		sc->pos = nl + 1;
	}
	sc->pos = h;
	return sc->line;
}

/* A marker counts when it starts its line (after blanks), follows a gdb
 * prompt ("(gdb) where#0 ..."), or shares its line with the previous
 * accepted marker (a flattened paste).  So "#2" inside a "bt full" local
 * such as errbuf = "#2 stage failed" is not a frame.  p must not move
 * backwards between calls on one scan. */
static const char *find_frame_marker(struct marker_scan *sc, const char *p,
				     const char *prev,
				     unsigned long *ret_number,
				     const char **ret_body)
{
	const char *h;
	while ((h = next_marker(p, sc->end, ret_number, ret_body))) {
		const char *ls = scan_line_start(sc, h);
		const char *first = ct_skip_blanks(ls, h);
		sc->own_line = first == h;
		if (first == h || (prev && prev >= ls) ||
		    ct_has_prefix(first, (size_t)(h - first), "(gdb)"))
			return h;
		p = h + 1;
	}
	return NULL;
}

static const char *function_name_end(const char *p, const char *end);
static const char *skip_args(const char *p, const char *end);

/* A frame line whose "#" a paste lost: " 3  0x00007f... in raise () from
 * /lib64/libc.so.6" (a tracker took "#" for markup), or with no number
 * at all.  The body must be gdb's: "0xADDR in NAME", or "NAME (ARGS) at
 * FILE" / "from LIB"; "<signal handler called>" only after a number. */
static bool unmarked_frame(const char *lp, const char *le, bool *ret_numbered,
			   unsigned long *ret_number, const char **ret_body)
{
	const char *q = ct_skip_blanks(lp, le);
	unsigned long n = 0;
	const char *d = q;
	*ret_numbered = false;
	if (ct_parse_dec(&d, le, &n) && d - q <= 5 && ct_blank_len(d, le)) {
		*ret_numbered = true;
		q = ct_skip_blanks(d, le);
	} else if (ct_has_prefix(q, (size_t)(le - q), "[#") &&
		   (d = q + 2, ct_parse_dec(&d, le, &n)) && d - q <= 7 &&
		   d < le && *d == ']' && ct_blank_len(d + 1, le)) {
		/* GEF's trace: "[#1] 0x5555554009c2 → main()" */
		*ret_numbered = true;
		q = ct_skip_blanks(d + 1, le);
	}
	*ret_number = n;
	*ret_body = q;
	if (ct_has_prefix(q, (size_t)(le - q), "0x")) {
		while (q < le && ct_is_ident_char((unsigned char)*q))
			q++;
		q = ct_skip_blanks(q, le);
		if (ct_has_prefix(q, (size_t)(le - q), GEF_ARROW " "))
			q = ct_skip_blanks(q + strlen(GEF_ARROW), le);
		else if (ct_has_prefix(q, (size_t)(le - q), "in "))
			q += 3;
		else
			return false;
		return q < le;
	}
	if (ct_has_prefix(q, (size_t)(le - q), "<signal handler called>"))
		return *ret_numbered;
	if (q >= le || !(is_letter(*q) || *q == '<' || *q == '('))
		return false;
	const char *r = ct_skip_blanks(function_name_end(q, le), le);
	if (r >= le || *r != '(' || !(r = skip_args(r, le)))
		return false;
	r = ct_skip_blanks(r, le);
	return ct_has_prefix(r, (size_t)(le - r), "at ") ||
	       ct_has_prefix(r, (size_t)(le - r), "from ");
}

/* gdb's (or GEF's) own words on a stop by a signal. */
static bool stop_words(const char *buf, size_t len)
{
	return ct_memstr(buf, len, "Program received signal ") ||
	       ct_memstr(buf, len, "\" received signal SIG") ||
	       ct_memstr(buf, len, "Program terminated with signal ") ||
	       ct_memstr(buf, len, "\", reason: SIG") ||
	       ct_memstr(buf, len, "), reason: SIG");
}

/* Two consecutive lines of unmarked frames, numbered N, N+1 or both
 * unnumbered with addresses; or one, with gdb's words on the signal: the
 * stop line of a session that never typed "bt" ("0x... in main (argc=1)
 * at null.c:9" under "Program received signal SIGSEGV"), a GEF trace. */
static bool sniff_unmarked(const char *buf, size_t len)
{
	struct ct_line_reader r;
	struct ct_line line;
	bool prev = false, prev_numbered = false, any = false;
	unsigned long prev_number = 0;
	ct_line_reader_init(&r, buf, len);
	while (ct_line_next(&r, &line)) {
		bool numbered;
		unsigned long n;
		const char *body;
		bool is = unmarked_frame(line.p, line.p + line.len, &numbered,
					 &n, &body);
		if (is && prev && numbered == prev_numbered &&
		    (numbered ? n == prev_number + 1
			      : ct_has_prefix(body, 2, "0x")))
			return true;
		any |= is;
		prev = is;
		prev_numbered = numbered;
		prev_number = n;
	}
	return any && stop_words(buf, len);
}

/* A bare "#N NAME" frame line, a listing typed without addresses or
 * arguments ("#5  tcp_usr_shutdown"): true when [p, end) is one. */
static bool bare_frame(const char *p, const char *end)
{
	p = ct_skip_blanks(p, end);
	const char *q = function_name_end(p, end);
	if (q == p || !is_letter(*p))
		return false;
	for (const char *c = p; c < q; c++)
		if (!ct_is_ident_char((unsigned char)*c) && *c != ':')
			return false;
	q = ct_skip_blanks(q, end);
	return q == end || (*q == '\r' && q + 1 == end);
}

/* Is the text's backtrace a listing of bare names, "#0 NAME" then "#1
 * NAME" ... (at least three, from #0), with no gdb-shaped frame? */
static bool bare_listing(const char *buf, size_t len)
{
	const char *end = buf + len, *p = buf, *body;
	unsigned long n, expect = 0;
	struct marker_scan sc;
	marker_scan_init(&sc, buf, end);
	const char *prev = NULL;
	while ((p = find_frame_marker(&sc, p, prev, &n, &body))) {
		const char *nl = memchr(body, '\n', (size_t)(end - body));
		if (!sc.own_line || !bare_frame(body, nl ? nl : end))
			return false;
		if (n == expect)
			expect++;
		prev = p;
		p++;
	}
	return expect >= 3;
}

static bool gdb_sniff(const char *buf, size_t len)
{
	if (len > SNIFF_WINDOW)
		len = SNIFF_WINDOW;
	const char *end = buf + len, *p = buf, *body;
	unsigned long n;
	struct marker_scan sc;
	marker_scan_init(&sc, buf, end);
	/* two consecutive frames "#N ... #N+1 ..." with a gdb-shaped body;
	 * a paste that starts past "#0" needs a body that is surely gdb's */
	const char *prev = NULL;
	bool shaped = false;	/* prev is a gdb-shaped frame */
	bool top = false;	/* a gdb-shaped "#0" was seen */
	unsigned long prev_n = 0;
	while ((p = find_frame_marker(&sc, p, prev, &n, &body))) {
		if (shaped && n == prev_n + 1)
			return true;
		top |= shaped && prev_n == 0;
		size_t window = (size_t)(end - body) < 512
			? (size_t)(end - body) : 512;
		bool numbered;
		unsigned long ignored;
		const char *b;
		const char *nl = memchr(body, '\n', window);
		shaped = n == 0
			? ct_has_prefix(body, window, "0x") ||
			  ct_memstr(body, window, " (") != NULL
			: unmarked_frame(body, nl ? nl : body + window,
					 &numbered, &ignored, &b) && !numbered;
		prev_n = n;
		prev = p;
		p++;
	}
	top |= shaped && prev_n == 0;
	/* a one-frame backtrace ("#0  0x... in main ()") is gdb's when gdb's
	 * own words on a signal are there too */
	if (top && stop_words(buf, len))
		return true;
	return sniff_unmarked(buf, len) || bare_listing(buf, len);
}

/* Skip a balanced "( ... )" starting at p (which points at '('); strings in
 * double quotes may hold parentheses.  Returns the position after ')', or
 * NULL when unbalanced before end. */
static const char *skip_args(const char *p, const char *end)
{
	int depth = 0;
	bool quoted = false;
	for (; p < end; p++) {
		char c = *p;
		if (quoted) {
			if (c == '\\' && p + 1 < end)
				p++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			return p + 1;
	}
	return NULL;
}

/* Is this a UTF-8 "…" (E2 80 A6) at p? */
static bool is_ellipsis(const char *p, const char *end)
{
	return end - p >= 3 && (unsigned char)p[0] == 0xe2 &&
	       (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xa6;
}

/* Skip "[clone .isra.0]" (a demangled clone's tail) at p, if there. */
static const char *skip_clone_tag(const char *p, const char *end)
{
	if (!ct_has_prefix(p, (size_t)(end - p), " [clone "))
		return p;
	const char *close = memchr(p, ']', (size_t)(end - p));
	return close ? close + 1 : p;
}

/* After "operator" in a C++ name: the operator's own symbol ("()", "<<",
 * "[]", " new", " delete[]", " bool"), which may hold '(' and '<'. */
static const char *skip_operator(const char *p, const char *end)
{
	if (ct_has_prefix(p, (size_t)(end - p), "()"))
		return p + 2;
	if (p + 1 < end && *p == ' ' && is_letter(p[1])) {
		for (p++; p < end && ct_is_ident_char((unsigned char)*p); p++)
			;
	} else {
		while (p < end && strchr("+-*/%^&|~!=<>,[]", *p) && *p)
			p++;
	}
	if (ct_has_prefix(p, (size_t)(end - p), "[]"))
		p += 2;
	return p;
}

/* End of the function name starting at p.  C++ and Rust names hold
 * blanks, parentheses and angle brackets of their own: "(anonymous
 * namespace)::f", "operator new(unsigned long)", "std::vector<int,
 * std::allocator<int> >::at(unsigned long) const", "{lambda(int)#1}",
 * "<T as core::fmt::Debug>::fmt".  The name ends at the blank or '(' of
 * gdb's argument list; a demangled parameter list right after the name
 * ("f(char const*) ()", gdb without debug info) belongs to the name. */
static const char *function_name_end(const char *p, const char *end)
{
	const char *q = p;
	int angle = 0, brace = 0;
	if (ct_has_prefix(q, (size_t)(end - q), "(anonymous namespace)"))
		q += 21;
	while (q < end) {
		char c = *q;
		if (c == 'o' && (q == p || !ct_is_ident_char((unsigned char)q[-1])) &&
		    ct_has_prefix(q, (size_t)(end - q), "operator") &&
		    (q + 8 == end || !ct_is_ident_char((unsigned char)q[8]))) {
			q = skip_operator(q + 8, end);
			continue;
		}
		if (c == '<')
			angle++;
		else if (c == '>' && angle > 0)
			angle--;
		else if (c == '{')
			brace++;
		else if (c == '}' && brace > 0)
			brace--;
		else if (angle == 0 && brace == 0 && c == '(') {
			const char *g = skip_args(q, end);
			if (!g)
				break;
			if (ct_has_prefix(g, (size_t)(end - g), "::")) {
				q = g; /* "f()::{lambda()#1}::operator()" */
				continue;
			}
			if (ct_has_prefix(g, (size_t)(end - g), " const"))
				g += 6;
			g = skip_clone_tag(g, end);
			const char *r = ct_skip_blanks(g, end);
			if (r < end && *r == '(')
				q = g; /* "f(int) (args)": the name has params */
			break;
		} else if (angle == 0 && brace == 0 && (c == ' ' || c == '\t')) {
			if (ct_has_prefix(q, (size_t)(end - q), " const ") &&
			    q + 7 < end && q[7] != '(') {
				q += 6;
				continue;
			}
			const char *t = skip_clone_tag(q, end);
			if (t != q) {
				q = t;
				continue;
			}
			break;
		} else if (c == '\n') {
			break;
		}
		q++;
	}
	return q;
}

/* Return types gdb prints before a demangled template function's name
 * ("void std::__invoke_impl<void, F>(...)"): skipped. */
static const char *skip_return_type(const char *p, const char *end)
{
	static const char *const types[] = {
		"void ", "int ", "bool ", "char ", "long ", "unsigned ",
		"auto ", "double ", "float ",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(types); i++) {
		size_t n = strlen(types[i]);
		if (ct_has_prefix(p, (size_t)(end - p), types[i]) &&
		    p + n < end && (is_letter(p[n]) || p[n] == '<'))
			return p + n;
	}
	return p;
}

/* Skip blanks and line ends: gdb wraps " from LIB" and " at FILE:LINE"
 * onto the next line at the terminal width. */
static const char *skip_space(const char *p, const char *end)
{
	for (;;) {
		p = ct_skip_blanks(p, end);
		if (p < end && (*p == '\n' || *p == '\r'))
			p++;
		else
			return p;
	}
}

/* The end of the word at q: the next blank or newline. */
static const char *word_end(const char *q, const char *end)
{
	while (q < end && *q != ' ' && *q != '\t' && *q != '\n')
		q++;
	return q;
}

/* A frame's tail at q: " at FILE:LINE" (file and line into f) or " from
 * LIB" (f->module); false on OOM. */
static bool frame_where(const char *q, const char *end, struct ct_frame *f)
{
	q = skip_space(q, end);
	if (ct_has_prefix(q, (size_t)(end - q), "at ")) {
		q = ct_skip_blanks(q + 3, end);
		const char *file = q;
		const char *stop = word_end(q, end);
		const char *colon = stop;
		while (colon > file && colon[-1] != ':')
			colon--;
		const char *file_end = colon > file ? colon - 1 : stop;
		if (colon > file) {
			const char *l = colon;
			unsigned long line;
			if (ct_parse_dec(&l, stop, &line))
				f->source_line = line;
		}
		/* a masked path "…/heap.c" keeps its base name only */
		if (is_ellipsis(file, file_end))
			file += 3;
		if (file < file_end && *file == '/' && file[-1] != ' ')
			file++;
		if (file_end > file) {
			f->file = ct_strndup_clean(file,
						   (size_t)(file_end - file));
			if (!f->file)
				return false;
		}
	} else if (ct_has_prefix(q, (size_t)(end - q), "from ")) {
		q = ct_skip_blanks(q + 5, end);
		const char *stop = word_end(q, end);
		const char *base = stop;
		while (base > q && base[-1] != '/')
			base--;
		if (stop > base) {
			f->module = ct_strndup_clean(base,
						     (size_t)(stop - base));
			if (!f->module)
				return false;
		}
	}
	return true;
}

/* Parse one frame body [p, end) into f (strings malloc'd into f).  When
 * the body runs to the end of the text (a paste cut mid-line), a frame
 * without its argument list may have lost the end of its name: it is
 * kept, but not reliable. */
static bool parse_frame(const char *p, const char *end, bool at_text_end,
			struct ct_frame *f)
{
	p = ct_skip_blanks(p, end);
	uint64_t addr;
	bool masked;
	const char *q = p;
	if (ct_has_prefix(p, (size_t)(end - p), "0x") &&
	    ct_parse_hex(&q, end, &addr, &masked)) {
		/* placeholders such as 0xADDRESS3 start with hex letters */
		if (q < end && ct_is_ident_char((unsigned char)*q)) {
			while (q < end && ct_is_ident_char((unsigned char)*q))
				q++;
			masked = true;
		}
		f->has_address = !masked;
		f->address = addr;
		q = ct_skip_blanks(q, end);
		if (ct_has_prefix(q, (size_t)(end - q), "in "))
			q += 3;
		else if (ct_has_prefix(q, (size_t)(end - q), GEF_ARROW))
			q += strlen(GEF_ARROW);
		p = ct_skip_blanks(q, end);
	} else {
		f->inlined = true; /* gdb prints no pc for inlined frames */
	}
	if (ct_has_prefix(p, (size_t)(end - p), "<signal handler called>")) {
		f->function = strdup("<signal handler called>");
		f->inlined = false;
		return f->function != NULL;
	}
	/* function name: up to " (" or "(" that opens the argument list */
	p = skip_return_type(p, end);
	const char *name_end = function_name_end(p, end);
	size_t name_len = (size_t)(name_end - p);
	if (name_len == 0 && !(p < end && *p == '('))
		return false;
	/* "??", "???" (newer gdb) and an empty name "in  ()": unknown */
	size_t marks = 0;
	while (marks < name_len && p[marks] == '?')
		marks++;
	if (marks < name_len) {
		f->function = ct_strndup_clean(p, name_len);
		if (!f->function)
			return false;
	}
	q = ct_skip_blanks(name_end, end);
	if (q < end && *q == '(') {
		const char *after = skip_args(q, end);
		q = after ? after : end;
	} else if (at_text_end) {
		f->reliable = false;
	}
	/* " at FILE:LINE" or " from LIB" */
	return frame_where(q, end, f);
}

/* Names that say the frames are vmkernel's (a PSOD analysed in gdb). */
static bool looks_esxi(const struct ct_backtrace *bt)
{
	static const char *const prefixes[] = {
		"vmk_", "VMKAPI", "VSIP", "CpuSched_", "Panic_", "gate_entry",
		"User_LinuxSyscallHandler", "FSS_", "DLM_free", "Heap_Free",
		"World_", "Net_", "Portset_", "PktList_", "Uplink",
	};
	unsigned hits = 0;
	for (size_t i = 0; i < bt->frame_count; i++) {
		const char *fn = bt->frames[i].function;
		const char *file = bt->frames[i].file;
		if (file && (strstr(file, "vmkapi") || strstr(file, "bora/")))
			hits++;
		if (!fn)
			continue;
		for (size_t j = 0; j < CT_ARRAY_SIZE(prefixes); j++)
			if (strncmp(fn, prefixes[j], strlen(prefixes[j])) == 0)
				hits++;
	}
	return hits >= 2;
}

/* What a frame near the top of a thread says about that thread, for
 * choosing the crashing one the way a person reads "thread apply all bt":
 * the signal machinery, abort/assert/panic plumbing and a heap check say
 * "this one crashed"; a wait in the kernel says "this one was parked".
 * NAME is matched against normalised names, exact or a prefix with '*';
 * DEPTH is how many frames from the top it counts in. */
static const struct thread_hint {
	const char *name;
	int score;
	unsigned depth;
} thread_hints[] = {
	/* the signal arrived here: the strongest sign after gdb's own word */
	{ "<signal handler called>", 40, 16 },
	/* abort, assert, raise: a thread that killed itself */
	{ "raise", 30, 8 },
	{ "gsignal", 30, 8 },
	{ "abort", 30, 8 },
	{ "__pthread_kill_implementation", 30, 4 },
	{ "__pthread_kill_internal", 30, 4 },
	{ "__pthread_kill", 30, 4 },
	{ "pthread_kill", 30, 4 },
	{ "__assert_fail*", 30, 12 },
	{ "__libc_message", 30, 12 },
	{ "malloc_printerr", 30, 12 },
	{ "__stack_chk_fail", 30, 12 },
	{ "__fortify_fail", 30, 12 },
	{ "std::terminate", 30, 12 },
	{ "__cxa_throw", 20, 16 },
	{ "core::panicking::*", 30, 24 },
	{ "std::panicking::*", 30, 24 },
	{ "g_assertion_message*", 30, 12 },
	{ "spl_panic", 30, 12 },
	/* parked: a thread waiting in the kernel or on a lock */
	{ "__futex_abstimed_wait*", -30, 3 },
	{ "futex_wait*", -30, 3 },
	{ "__lll_lock_wait*", -30, 3 },
	{ "___pthread_cond_wait", -30, 4 },
	{ "__pthread_cond_wait*", -30, 4 },
	{ "pthread_cond_wait*", -30, 4 },
	{ "pthread_cond_timedwait*", -30, 4 },
	{ "___pthread_cond_timedwait*", -30, 4 },
	{ "__pthread_clockjoin_ex", -30, 4 },
	{ "pthread_join", -30, 4 },
	{ "do_futex_wait*", -30, 4 },
	{ "__new_sem_wait_slow*", -30, 4 },
	{ "sem_wait*", -30, 4 },
	{ "epoll_wait", -30, 2 },
	{ "epoll_pwait*", -30, 2 },
	{ "poll", -30, 2 },
	{ "__poll", -30, 2 },
	{ "ppoll", -30, 2 },
	{ "select", -30, 2 },
	{ "__select", -30, 2 },
	{ "pselect*", -30, 2 },
	{ "nanosleep", -30, 2 },
	{ "__nanosleep", -30, 2 },
	{ "clock_nanosleep*", -30, 2 },
	{ "__clock_nanosleep*", -30, 2 },
	{ "usleep", -30, 3 },
	{ "sleep", -30, 3 },
	{ "sigwait*", -30, 3 },
	{ "sigtimedwait", -30, 3 },
	{ "__sigtimedwait", -30, 3 },
	{ "pause", -30, 2 },
	{ "read", -30, 2 },
	{ "__libc_read", -30, 2 },
	{ "__read_nocancel", -30, 2 },
	{ "recv*", -30, 2 },
	{ "__libc_recv*", -30, 2 },
	{ "accept*", -30, 2 },
	{ "__libc_accept", -30, 2 },
	{ "syscall", -30, 2 },
	{ "g_cond_wait*", -30, 3 },
	{ "g_main_context_iterate*", -30, 3 },
	{ "__GI___poll", -30, 2 },
};

/* name against a thread_hint pattern: exact, or a prefix with '*' */
static bool hint_matches(const char *pattern, const char *name)
{
	size_t n = strlen(pattern);
	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, name, n - 1) == 0;
	return strcmp(pattern, name) == 0;
}

/* The thread's score from thread_hints: each hint counts once. */
static int thread_score(const struct ct_backtrace *bt)
{
	int score = 0;
	for (size_t j = 0; j < CT_ARRAY_SIZE(thread_hints); j++) {
		const struct thread_hint *h = &thread_hints[j];
		for (size_t i = 0; i < bt->frame_count && i < h->depth; i++) {
			const char *fn = bt->frames[i].normalized;
			if (fn && hint_matches(h->name, fn)) {
				score += h->score;
				break;
			}
		}
	}
	return score;
}

/* The end of a frame line at eol, or of the line after it when that only
 * holds the " from LIB" or " at FILE:LINE" gdb wrapped there (blank lines
 * between are a paste's).  limit is the next frame marker. */
static const char *continuation_end(const char *eol, const char *limit)
{
	const char *q = skip_space(eol, limit);
	if (!ct_has_prefix(q, (size_t)(limit - q), "from ") &&
	    !(ct_has_prefix(q, (size_t)(limit - q), "at ") &&
	      q + 3 < limit && q[3] != '=')) /* not a "bt full" local "at" */
		return eol;
	const char *nl = memchr(q, '\n', (size_t)(limit - q));
	return nl ? nl : limit;
}

struct gdb_state {
	struct ct_case *c;
	const struct ct_text *t;
	struct ct_backtrace *bt;	/* current backtrace, or NULL */
	size_t bt_index;		/* its index in c->backtraces */
	unsigned long expect;		/* next frame number */
	char label[64];			/* label for the next backtrace */
	bool labelled;			/* current backtrace has a thread label */
	long current_thread;		/* "[Current thread is N", or -1 */
	long signal_thread;		/* "Thread N ... received signal" */
	long starred_thread;		/* "* N  Thread ..." (info threads) */
	long switched_lwp;		/* "[Switching to Thread 0x.. (LWP n)" */
	size_t first_bt;		/* index of our first backtrace */
	const char *counted;		/* lines are counted up to here */
	unsigned long counted_line;	/* line number at counted */
};

/* Line number of p; backtraces start front to back, so counting goes on
 * from the previous call instead of from the top of the text. */
static unsigned long line_of(struct gdb_state *s, const char *p)
{
	if (!s->counted || p < s->counted) {
		s->counted = s->t->buf;
		s->counted_line = 1;
	}
	const char *nl;
	while ((nl = memchr(s->counted, '\n', (size_t)(p - s->counted)))) {
		s->counted_line++;
		s->counted = nl + 1;
	}
	return s->counted_line;
}

static struct ct_error *start_backtrace(struct gdb_state *s, const char *at)
{
	struct ct_origin o = { s->t->path, line_of(s, at) };
	struct ct_error *err = ct_case_add_backtrace(
		s->c, s->label[0] ? s->label : "gdb backtrace", o, &s->bt);
	if (err)
		return err;
	s->bt_index = s->c->backtrace_count - 1;
	s->labelled = s->label[0] != '\0';
	s->label[0] = '\0';
	return NULL;
}

/* Empty the current backtrace for a full listing of the same thread,
 * taking the pending thread label if there is one. */
static struct ct_error *relabel_backtrace(struct gdb_state *s)
{
	struct ct_backtrace *bt = &s->c->backtraces[s->bt_index];
	for (size_t i = 0; i < bt->frame_count; i++)
		ct_frame_deinit(&bt->frames[i]);
	bt->frame_count = 0;
	if (s->label[0]) {
		char *label = strdup(s->label);
		if (!label)
			return &ct_enomem;
		free(bt->label);
		bt->label = label;
		s->labelled = true;
		s->label[0] = '\0';
	}
	return NULL;
}

/* The same frame printed twice: gdb's frame on loading the core and the
 * #0 of the backtrace that follows.  gdb may print the address in one and
 * not the other ("#0  __GI_raise (sig=...)" then "#0  0x... in __GI_raise"). */
static bool same_frame(const struct ct_frame *a, const struct ct_frame *b)
{
	if (a->has_address && b->has_address && a->address != b->address)
		return false;
	if (!a->function || !b->function)
		return a->function == b->function;
	return strcmp(a->function, b->function) == 0;
}

/* "Thread 2 (Thread 0x7f... (LWP 1234)):" starts a new thread's frames. */
static bool thread_header(const char *p, const char *end, char *label,
			  size_t n)
{
	if (!ct_has_prefix(p, (size_t)(end - p), "Thread ") ||
	    ct_memstr(p, (size_t)(end - p), " received signal "))
		return false;
	const char *q = p + 7;
	unsigned long id;
	if (!ct_parse_dec(&q, end, &id) || q >= end || *q != ' ')
		return false;
	const char *lwp = ct_memstr(q, (size_t)(end - q), "(LWP ");
	unsigned long lwp_id = 0;
	if (lwp) {
		const char *l = lwp + 5;
		ct_parse_dec(&l, end, &lwp_id);
	}
	if (lwp_id)
		snprintf(label, n, "thread %lu (LWP %lu)", id, lwp_id);
	else
		snprintf(label, n, "thread %lu", id);
	return true;
}

/* Frames whose "#" a paste lost (see unmarked_frame), read line by line
 * when no "#N" frame was found: numbered frames run N, N+1, ... (a "0"
 * starts a backtrace); unnumbered ones are numbered in order. */
static struct ct_error *extract_unmarked(struct gdb_state *s)
{
	struct ct_line_reader r;
	struct ct_line line;
	struct ct_error *err = NULL;
	ct_line_reader_init(&r, s->t->buf, s->t->len);
	s->bt = NULL;
	while (!err && ct_line_next(&r, &line)) {
		const char *lp = line.p, *le = line.p + line.len;
		const char *first = ct_skip_blanks(lp, le);
		if (thread_header(first, le, s->label, sizeof(s->label))) {
			s->bt = NULL;
			continue;
		}
		bool numbered;
		unsigned long number;
		const char *body;
		if (!unmarked_frame(lp, le, &numbered, &number, &body))
			continue;
		if (!s->bt || (numbered && number == 0)) {
			err = start_backtrace(s, lp);
			s->expect = numbered ? number : 0;
			if (!err)
				s->bt = &s->c->backtraces[s->bt_index];
		}
		if (err || (numbered && number != s->expect))
			continue;
		struct ct_frame f = { .number = (int)s->expect,
				      .reliable = true };
		if (parse_frame(body, le, r.pos >= r.end, &f)) {
			err = ct_backtrace_add_frame(s->bt, &f);
			s->expect++;
		}
		ct_frame_deinit(&f);
	}
	return err;
}

/* A number after the text "after" in [p, end), or -1. */
static long number_after(const char *p, const char *end, const char *after)
{
	const char *q = ct_memstr(p, (size_t)(end - p), after);
	unsigned long n;
	if (!q)
		return -1;
	q += strlen(after);
	if (!ct_parse_dec(&q, end, &n) || n > 0x7fffffff)
		return -1;
	return (long)n;
}

/* One line of context around the frames: the signal, and which thread gdb
 * says is current:
 *   Program terminated with signal SIGSEGV, Segmentation fault.
 *   Thread 3 "worker" received signal SIGABRT, Aborted.
 *   [Current thread is 1 (Thread 0x7f... (LWP 1236))]
 *   * 1    Thread 0x7f... (LWP 1236) crash_here (item=0x0) at crash.c:12
 *   [Switching to Thread 0x7ffff7d8a640 (LWP 4242)] */
static struct ct_error *read_context(struct gdb_state *s, const char *lp,
				     const char *le, char **signal_line)
{
	size_t len = (size_t)(le - lp);
	const char *sig = ct_memstr(lp, len, "terminated with signal ");
	if (!sig)
		sig = ct_memstr(lp, len, "received signal ");
	/* GEF's threads: "[#0] Id 1, Name: "a", stopped 0x.. in main (),
	 * reason: SIGSEGV" (a breakpoint is no crash) */
	if (!sig && ct_has_prefix(lp, len, "[#") &&
	    (sig = ct_memstr(lp, len, ", reason: SIG")) && sig + 13 < le &&
	    ct_has_prefix(sig + 13, (size_t)(le - sig - 13), "TRAP"))
		sig = NULL;
	if (sig && !*signal_line) {
		*signal_line = ct_strndup_clean(lp, len);
		if (!*signal_line)
			return &ct_enomem;
	}
	const char *first = ct_skip_blanks(lp, le);
	if (sig && ct_has_prefix(first, (size_t)(le - first), "Thread ") &&
	    s->signal_thread < 0)
		s->signal_thread = number_after(first, le, "Thread ");
	long cur = number_after(lp, le, "[Current thread is ");
	if (cur >= 0)
		s->current_thread = cur;
	if (ct_has_prefix(first, (size_t)(le - first), "* ")) {
		const char *q = ct_skip_blanks(first + 2, le);
		unsigned long id;
		if (ct_parse_dec(&q, le, &id) && ct_blank_len(q, le) &&
		    id <= 0x7fffffff) {
			q = ct_skip_blanks(q, le);
			if (ct_has_prefix(q, (size_t)(le - q), "Thread ") ||
			    ct_has_prefix(q, (size_t)(le - q), "LWP ") ||
			    ct_has_prefix(q, (size_t)(le - q), "process "))
				s->starred_thread = (long)id;
		}
	}
	if (ct_has_prefix(first, (size_t)(le - first), "[Switching to "))
		s->switched_lwp = number_after(first, le, "LWP ");
	return NULL;
}

/* The gdb thread number and LWP of a backtrace labelled by
 * thread_header(), or -1. */
static void label_ids(const struct ct_backtrace *bt, long *ret_id,
		      long *ret_lwp)
{
	*ret_id = *ret_lwp = -1;
	if (!bt->label || strncmp(bt->label, "thread ", 7) != 0)
		return;
	const char *end = bt->label + strlen(bt->label);
	*ret_id = number_after(bt->label, end, "thread ");
	*ret_lwp = number_after(bt->label, end, "(LWP ");
}

/* A fault signal (not abort): the crashing thread's frame 0 is where the
 * bad access happened, usually in the program's own code. */
static bool is_fault_signal(const char *signal_line)
{
	static const char *const faults[] = {
		"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "Segmentation fault",
		"Bus error", "Illegal instruction", "Arithmetic exception",
	};
	for (size_t i = 0; signal_line && i < CT_ARRAY_SIZE(faults); i++)
		if (strstr(signal_line, faults[i]))
			return true;
	return false;
}

/* Frame 0 in the program, not in a shared library it called. */
static bool top_in_program(const struct ct_backtrace *bt)
{
	if (!bt->frame_count || !bt->frames[0].function)
		return false;
	const char *mod = bt->frames[0].module;
	return !mod || (strncmp(mod, "lib", 3) != 0 &&
			strncmp(mod, "ld-", 3) != 0);
}

/* The crashing backtrace among ours, [first, c->backtrace_count): the
 * thread gdb names (the one the signal hit, the current one, the starred
 * one of "info threads", the one switched to), else the best score by
 * thread_hints, with frame 0 in the program's code counting for a fault
 * and frame 0 equal to the one gdb printed when it loaded the core.  Ties
 * go to the first. */
static struct ct_backtrace *choose_crashing(struct gdb_state *s,
					    const char *signal_line)
{
	struct ct_case *c = s->c;
	size_t first = s->first_bt, n = c->backtrace_count;
	long named[] = { s->signal_thread, s->current_thread,
			 s->starred_thread };
	for (size_t k = 0; k < CT_ARRAY_SIZE(named); k++)
		for (size_t i = first; named[k] >= 0 && i < n; i++) {
			long id, lwp;
			label_ids(&c->backtraces[i], &id, &lwp);
			if (id == named[k])
				return &c->backtraces[i];
		}
	for (size_t i = first; s->switched_lwp >= 0 && i < n; i++) {
		long id, lwp;
		label_ids(&c->backtraces[i], &id, &lwp);
		if (lwp == s->switched_lwp)
			return &c->backtraces[i];
	}
	/* gdb's frame 0 printed on loading the core, when threads follow */
	const struct ct_frame *loaded = NULL;
	bool threads = false;
	for (size_t i = first; i < n; i++)
		if (c->backtraces[i].label &&
		    strncmp(c->backtraces[i].label, "thread ", 7) == 0)
			threads = true;
	if (threads && n > first && c->backtraces[first].frame_count == 1 &&
	    c->backtraces[first].label &&
	    strncmp(c->backtraces[first].label, "thread ", 7) != 0)
		loaded = &c->backtraces[first].frames[0];
	struct ct_backtrace *best = NULL;
	int best_score = 0;
	bool fault = is_fault_signal(signal_line);
	for (size_t i = first; i < n; i++) {
		struct ct_backtrace *bt = &c->backtraces[i];
		if (!bt->frame_count || (loaded && &bt->frames[0] == loaded))
			continue;
		int score = thread_score(bt);
		if (fault && score >= 0 && top_in_program(bt))
			score += 10;
		if (loaded && same_frame(loaded, &bt->frames[0]))
			score += 25;
		if (!best || score > best_score) {
			best = bt;
			best_score = score;
		}
	}
	return best;
}

/* A thread header in [region, m), the text before a frame marker, names
 * the backtraces that follow. */
static void take_thread_header(struct gdb_state *s, const char *region,
			       const char *m)
{
	char label[64] = "";
	for (const char *q = region; q < m;) {
		const char *nl = memchr(q, '\n', (size_t)(m - q));
		const char *le = nl ? nl : m;
		const char *lp = ct_skip_blanks(q, le);
		if (thread_header(lp, le, label, sizeof(label)))
			snprintf(s->label, sizeof(s->label), "%s", label);
		q = nl ? nl + 1 : m;
	}
}

/* Where the frame text at body ends: at the next marker (or the end of
 * the text), or at the end of the line once the argument list is
 * closed. */
static const char *frame_end(const char *body, const char *next,
			     const char *end)
{
	const char *stop = next ? next : end;
	const char *nl = memchr(body, '\n', (size_t)(stop - body));
	if (nl) {
		const char *open = memchr(body, '(', (size_t)(nl - body));
		const char *close_end = open ? skip_args(open, stop) : NULL;
		const char *eol = close_end
			? memchr(close_end, '\n', (size_t)(stop - close_end))
			: nl;
		stop = eol ? continuation_end(eol, stop) : stop;
	}
	return stop;
}

/* Frame number (marker m, text [body, stop)) to the current backtrace,
 * or to a new one when it starts one. */
static struct ct_error *take_frame(struct gdb_state *s, const char *m,
				   unsigned long number, bool own_line,
				   const char *body, const char *stop,
				   const char *end)
{
	struct ct_case *c = s->c;
	struct ct_error *err = NULL;
	struct ct_frame f = { .number = (int)number, .reliable = true };
	bool parsed = parse_frame(body, stop, skip_space(stop, end) == end,
				  &f);
	if (number == 0 && parsed && s->bt && s->bt->frame_count == 1 &&
	    s->bt_index + 1 == c->backtrace_count && !s->labelled &&
	    same_frame(&s->bt->frames[0], &f)) {
		/* gdb printed frame #0 when it loaded the core, then the
		 * backtrace repeats it: one backtrace, not two */
		err = relabel_backtrace(s);
		s->expect = 0;
	} else if (number == 0 || s->label[0] || !s->bt) {
		err = start_backtrace(s, m);
		s->expect = number;
	}
	/* a frame on its own line may skip numbers: "bt 12" then "bt -14"
	 * leaves a gap, the backtrace goes on */
	if (!err && parsed && (number == s->expect ||
			       (own_line && number > s->expect))) {
		s->bt = &c->backtraces[s->bt_index];
		err = ct_backtrace_add_frame(s->bt, &f);
		s->expect = number + 1;
	}
	ct_frame_deinit(&f);
	return err;
}

/* Frames are found by marker so that flattened pastes work the same as
 * one frame per line. */
static struct ct_error *read_marked_frames(struct gdb_state *s)
{
	const char *p = s->t->buf, *end = s->t->buf + s->t->len;
	struct ct_error *err = NULL;
	unsigned long number;
	const char *body;
	struct marker_scan sc;
	marker_scan_init(&sc, s->t->buf, end);
	const char *m = find_frame_marker(&sc, p, NULL, &number, &body);
	bool own_line = sc.own_line;
	const char *region = p; /* text before the marker, for thread heads */
	while (m && !err) {
		take_thread_header(s, region, m);
		unsigned long next_number;
		const char *next_body;
		const char *next = find_frame_marker(&sc, body, m, &next_number,
						     &next_body);
		bool next_own_line = sc.own_line;
		const char *stop = frame_end(body, next, end);
		err = take_frame(s, m, number, own_line, body, stop, end);
		region = stop;
		m = next;
		body = next_body;
		number = next_number;
		own_line = next_own_line;
		if (m && m < region) {
			m = find_frame_marker(&sc, region, NULL, &number,
					      &body);
			own_line = sc.own_line;
		}
	}
	return err;
}

/* The family of the backtraces read, the crashing one and the panic its
 * signal line tells of. */
static struct ct_error *set_crash(struct gdb_state *s, char *signal_line,
				  struct ct_panic *panic)
{
	struct ct_case *c = s->c;
	struct ct_error *err = NULL;
	char exc[32];
	bool esxi = false;
	for (size_t i = s->first_bt; i < c->backtrace_count; i++)
		if (looks_esxi(&c->backtraces[i]))
			esxi = true;
	for (size_t i = s->first_bt; i < c->backtrace_count; i++)
		ct_backtrace_mark_generic(&c->backtraces[i],
					  esxi ? CT_FAMILY_ESXI
					       : CT_FAMILY_USER);
	struct ct_backtrace *crash = choose_crashing(s, signal_line);
	if (crash) {
		crash->crashing = true;
		panic->kind = esxi ? "PSOD" : "crash";
		panic->message = signal_line;
		if (signal_line) {
			const char *sg = strstr(signal_line, "signal ");
			if (!sg && (sg = strstr(signal_line, "reason: ")))
				sg++;	/* GEF's "reason: SIGSEGV" */
			if (sg) {
				size_t k = 0;
				for (sg += 7; *sg && *sg != ',' && k < 31; sg++)
					exc[k++] = *sg;
				exc[k] = '\0';
				panic->exception = exc;
			}
		}
		if (!panic->origin.path)
			panic->origin = crash->origin;
		err = ct_case_set_panic(c, panic);
	}
	if (!err && esxi)
		err = ct_case_add_fact(c, "product", "esxi",
				       (struct ct_origin){ s->t->path, 0 });
	return err;
}

static struct ct_error *gdb_extract(struct ct_case *c, const struct ct_text *t)
{
	struct gdb_state s = {
		.c = c, .t = t, .current_thread = -1, .signal_thread = -1,
		.starred_thread = -1, .switched_lwp = -1,
		.first_bt = c->backtrace_count,
	};
	struct ct_error *err = NULL;
	struct ct_panic panic = { 0 };
	char *signal_line = NULL;

	/* a KB's bare "#N Func" listing of a vmkernel core: the vmkernel
	 * extractor reads it, with what its frames say of the PSOD */
	if (bare_listing(t->buf, t->len) &&
	    ct_extractor_vmkernel.sniff(t->buf, t->len))
		return NULL;

	/* Pass over lines for headers and context. */
	struct ct_line_reader r;
	struct ct_line line;
	ct_line_reader_init(&r, t->buf, t->len);
	while (ct_line_next(&r, &line)) {
		const char *lp = line.p, *le = line.p + line.len;
		err = read_context(&s, lp, le, &signal_line);
		if (err)
			return err;
		if (signal_line && !panic.origin.path)
			panic.origin = (struct ct_origin){ t->path, line.number };
	}
	err = read_marked_frames(&s);
	if (!err && c->backtrace_count == s.first_bt)
		err = extract_unmarked(&s);
	if (!err)
		err = set_crash(&s, signal_line, &panic);
	free(signal_line);
	return err;
}

const struct ct_extractor ct_extractor_gdb = {
	.kind = CT_KIND_GDB_BACKTRACE,
	.sniff = gdb_sniff,
	.extract = gdb_extract,
};
