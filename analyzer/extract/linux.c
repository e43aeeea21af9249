/* SPDX-License-Identifier: MIT */
/*
 * linux.c - Linux kernel logs: dmesg and vmcore-dmesg.txt, journal
 * and syslog files, serial console captures, and oops texts pasted into
 * tickets and web pages with or without their log prefixes.
 *
 * The work is one pass over the lines (multiscan.h), which also finds the
 * few words searched for anywhere in a line (CT_LINUX_MARKERS).  Each line
 * loses its prefixes (ct_log_prefix_parse) and its message is classified
 * by its first byte; the common uninteresting line of a big log, a plain
 * "[  12.345678] " and a message no reader knows, is only counted
 * (plain_line()).  What is read (../shared/kb-facts/FORMATS-AND-FACTS.md sections 3
 * and 4):
 *
 *  - reports: every headline of section 3.1 opens a report.  The CPU line,
 *    the RIP/IP/pc line (frame 0) and the Call Trace lines that follow fill
 *    it; "---[ end trace", a new headline or TRACE_GAP lines without a frame
 *    end its trace.  A report's frames form one backtrace.  KASAN's
 *    "Allocated by task N:" and "Freed by task N:" stacks are extra
 *    backtraces of the report, never the crashing one.
 *  - facts: linux.release, linux.version, linux.upstream (Debian only),
 *    linux.tainted, linux.hardware, linux.arch, module.<m>.loaded and
 *    module.<m>.flags, host.name, product.
 *  - driver hang dumps: "Detected Hardware Unit Hang:" (e1000e) and
 *    "Detected Tx Unit Hang" (igb, ixgbe, e1000) with their "NAME <value>"
 *    continuation lines become one event <driver>.hw_unit_hang or
 *    <driver>.tx_unit_hang each; "Reset adapter unexpectedly" becomes
 *    <driver>.reset_adapter.  Single-line events come from the shared
 *    catalogue, which analyze_text() runs once over every text: on this
 *    pass when the text is only a kernel log (t->events), whose set holds
 *    the catalogue's literals too.
 *  - ESXi panic text in a long log whose start is Linux's, when
 *    analyze_text() asks (t->esxi_panic): a marker, so the vmkernel sniff
 *    need not read the whole log again for it.
 *
 * Report kinds (panic.kind): "oops" (NULL dereference, page fault, general
 * protection fault, kernel BUG, list corruption, arm64 internal error),
 * "panic" (Kernel panic - not syncing), "warning" (WARNING:, lockdep,
 * UBSAN), "bug" (any other "BUG: ..."), "lockup" (soft lockup, hard
 * lockup, RCU stall), "hung-task", "kasan" (KASAN and KFENCE), and "trace"
 * (a stack dump with no headline).
 *
 * Which report is the crash: the first of the text, except that a headless
 * trace yields to a later report with a headline, and a warning or bug
 * yields to a later oops, panic or kasan report.  A "Kernel panic - not
 * syncing" whose reason says it follows an earlier report ("Fatal
 * exception", "panic_on_warn set", "softlockup: hung tasks", ...) is that
 * report's consequence: it becomes a note, and its frames (if any) an extra
 * backtrace.  The other reports' backtraces are kept with crashing false.
 *
 * Stack sections: "<IRQ>", "<NMI>", "<SOFTIRQ>" and "<TASK>" markers do not
 * split a backtrace; the label names the first interrupt section seen.  In
 * lockup reports the frames inside "<NMI>" are the watchdog's NMI handler
 * and are marked generic, and so are the "<IRQ>" frames of an RCU stall
 * (the scheduler tick that ran the stall check); frame 0 is marked generic
 * too when a later "RIP:" inside the trace, after an interrupt section,
 * shows where the interrupted code really was.
 *
 * Sniffing looks at the lines of the first SNIFF_WINDOW bytes (two dmesg
 * stamps, one "host kernel:" line, or one headline at the start of a
 * message), then memmem()s headline anchors up to ANCHOR_WINDOW.  Lines of
 * an ESXi log ("cpuN:W)", "In(182) vmkernel:") never count, and neither
 * does a headline in the middle of a sentence or of a gdb frame.
 *
 * Traces pasted bottom-up are read as they come: nothing is reordered.
 *
 * Frames of every architecture (parse_frame, pc_frame, pc_forms): frame 0
 * from x86_64 "RIP:"/"IP:", i386 "EIP:"/"EIP is at", arm64 "pc :", arm
 * "PC is at", ppc "NIP [..]", s390 "Krnl PSW : .. (func)", MIPS/riscv
 * "epc :" (register lines with only an address complete it; "LR"/"lr"/"ra"
 * are not frames); trace lines of every era, ppc's two addresses and
 * ELFv1 dots, s390's parenthesized unreliable entries and its "Last
 * Breaking-Event-Address:" end, arm unwinder lines (which need no header:
 * the frame is the first function, "from" names its caller), and the
 * file:line and inlined frames of decode_stacktrace.sh and syzkaller.
 * A first trace frame that repeats frame 0 is not kept twice.
 */
#include <assert.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "analyzer/multiscan.h"
#include "analyzer/report.h"
#include "analyzer/span.h"

enum {
	SNIFF_WINDOW = 256 * 1024,	/* bytes of lines sniff() classifies */
	ANCHOR_WINDOW = 4 * 1024 * 1024, /* bytes searched for headlines */
	SNIFF_ANCHORS = 64,		/* memmem hits checked per anchor */
	MAX_REPORTS = 1024,		/* reports kept from one input */
	TRACE_GAP = 64,			/* lines without a frame end a trace */
	HANG_MAX_LINES = 40,		/* continuation lines of a hang dump */
	HANG_MAX_FIELDS = 32,		/* fields kept of a hang dump */
	MAX_NAME = 256,			/* longest function/module name read */
	MAX_MODULES = 4096,		/* modules read from one line */
	HEADLINE_SPAN = 4096,		/* bytes of a line searched for words */
};

#define NONE SIZE_MAX

/* ------------------------------------------------------------------------
 * Small span helpers
 * ------------------------------------------------------------------------ */

static bool is_name_start(int c)
{
	return c == '_' || ct_is_alpha(c);
}

/* Does [p, end) start with s? */
static bool starts(const char *p, const char *end, const char *s)
{
	return p < end && ct_has_prefix(p, (size_t)(end - p), s);
}

/* memmem over a span given by its ends, looking at most HEADLINE_SPAN
 * bytes so that a 1 MB line costs no more than a short one. */
static const char *find(const char *p, const char *end, const char *s)
{
	if (p >= end)
		return NULL;
	size_t n = (size_t)(end - p);
	return ct_memstr(p, n > HEADLINE_SPAN ? HEADLINE_SPAN : n, s);
}

static void trim_end(const char *p, const char **end)
{
	while (*end > p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' ||
			    (*end)[-1] == '\r' || (*end)[-1] == '\n'))
		(*end)--;
}

/* ------------------------------------------------------------------------
 * Headlines
 * ------------------------------------------------------------------------ */

enum report_kind {
	RK_OOPS,
	RK_PANIC,
	RK_WARNING,
	RK_BUG,
	RK_LOCKUP,
	RK_HUNG_TASK,
	RK_KASAN,
	RK_TRACE,
};

static const char *const kind_names[] = {
	[RK_OOPS] = "oops",
	[RK_PANIC] = "panic",
	[RK_WARNING] = "warning",
	[RK_BUG] = "bug",
	[RK_LOCKUP] = "lockup",
	[RK_HUNG_TASK] = "hung-task",
	[RK_KASAN] = "kasan",
	[RK_TRACE] = "trace",
};

enum headline {
	HL_NONE = 0,
	HL_NULL_DEREF,	/* BUG: kernel NULL pointer dereference, ... */
	HL_PAGE_FAULT,	/* BUG: unable to handle page fault for address */
	HL_GPF,		/* general protection fault (three forms) */
	HL_KERNEL_BUG,	/* kernel BUG at FILE:LINE! */
	HL_LIST,	/* list_del corruption / list_add corruption */
	HL_INVALID_OP,	/* invalid opcode: 0000 [#1] (after kernel BUG) */
	HL_OOPS_LINE,	/* Oops: 0000 [#1] SMP (after a BUG: line) */
	HL_INTERNAL,	/* arm64 Internal error: Oops: 96000005 [#1] */
	HL_WARNING,	/* WARNING: CPU: 0 PID: 1 at FILE:LINE func+0x/0x */
	HL_UBSAN,	/* UBSAN: array-index-out-of-bounds in FILE:L:C */
	HL_KASAN,	/* BUG: KASAN: use-after-free in func+0x/0x */
	HL_SOFT_LOCKUP,	/* watchdog: BUG: soft lockup - CPU#3 stuck ... */
	HL_HARD_LOCKUP,	/* NMI watchdog: Watchdog detected hard LOCKUP */
	HL_RCU_STALL,	/* rcu: INFO: rcu_sched self-detected stall */
	HL_HUNG_TASK,	/* INFO: task X:N blocked for more than N seconds. */
	HL_BUG,		/* any other BUG: ... */
	HL_PANIC,	/* Kernel panic - not syncing: REASON */
	HL_MAX,
};

struct headline_info {
	enum report_kind kind;
	const char *exception;	/* NULL: computed from the text */
	bool secondary;		/* continues an open report when one is */
};

static const struct headline_info headline_infos[HL_MAX] = {
	[HL_NULL_DEREF] = { RK_OOPS, "NULL pointer dereference", false },
	[HL_PAGE_FAULT] = { RK_OOPS, "page fault", false },
	[HL_GPF] = { RK_OOPS, "general protection fault", false },
	[HL_KERNEL_BUG] = { RK_OOPS, "kernel BUG", false },
	[HL_LIST] = { RK_OOPS, "list corruption", false },
	[HL_INVALID_OP] = { RK_OOPS, "invalid opcode", true },
	[HL_OOPS_LINE] = { RK_OOPS, "oops", true },
	[HL_INTERNAL] = { RK_OOPS, "internal error", true },
	[HL_WARNING] = { RK_WARNING, "WARNING", false },
	[HL_UBSAN] = { RK_WARNING, NULL, false },
	[HL_KASAN] = { RK_KASAN, NULL, false },
	[HL_SOFT_LOCKUP] = { RK_LOCKUP, "soft lockup", false },
	[HL_HARD_LOCKUP] = { RK_LOCKUP, "hard lockup", false },
	[HL_RCU_STALL] = { RK_LOCKUP, "RCU stall", false },
	[HL_HUNG_TASK] = { RK_HUNG_TASK, "hung task", false },
	[HL_BUG] = { RK_BUG, NULL, false },
	[HL_PANIC] = { RK_PANIC, "panic", false },
};

/* Lockdep and friends print "WARNING: <what>" with a stack; plain driver
 * messages that start with "WARNING: " (Spectre notices...) do not. */
static bool warning_headline(const char *p, const char *end)
{
	static const char *const words[] = {
		"CPU: ", "at ", "possible ", "suspicious ", "inconsistent ",
		"bad unlock", "held lock", "lock held", "nested lock",
		"bad contention", "Nested lock",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(words); i++)
		if (starts(p, end, words[i]))
			return true;
	return false;
}

/* Classify the message [m, end) (blanks skipped).  *ret_anchor is where the
 * headline text starts, after subsystem prefixes such as "watchdog: ". */
static enum headline classify(const char *m, const char *end,
			      const char **ret_anchor)
{
	for (int round = 0; round < 3; round++) {
		if (end - m < 5)
			return HL_NONE;
		*ret_anchor = m;
		const char *b;
		switch (m[0]) {
		case 'B':
			if (!starts(m, end, "BUG: "))
				return HL_NONE;
			b = m + 5;
			if (starts(b, end, "kernel NULL pointer dereference") ||
			    starts(b, end, "unable to handle kernel NULL pointer"))
				return HL_NULL_DEREF;
			if (starts(b, end, "unable to handle "))
				return HL_PAGE_FAULT;
			if (starts(b, end, "KASAN: ") || starts(b, end, "KFENCE: "))
				return HL_KASAN;
			if (starts(b, end, "soft lockup"))
				return HL_SOFT_LOCKUP;
			return HL_BUG;
		case 'O':
			if (!starts(m, end, "Oops: "))
				return HL_NONE;
			b = m + 6;
			if (starts(b, end, "general protection fault"))
				return HL_GPF;
			if (starts(b, end, "invalid opcode"))
				return HL_INVALID_OP;
			return HL_OOPS_LINE;
		case 'g':
			if (starts(m, end, "general protection fault") &&
			    end - m > 24 && (m[24] == ':' || m[24] == ','))
				return HL_GPF;
			return HL_NONE;
		case 'k':
			return starts(m, end, "kernel BUG at ") ? HL_KERNEL_BUG
								: HL_NONE;
		case 'K':
			if (starts(m, end, "Kernel panic - not syncing"))
				return HL_PANIC;
			return starts(m, end, "Kernel BUG at ") ? HL_KERNEL_BUG
								: HL_NONE;
		case 'i':
			return starts(m, end, "invalid opcode: ") ? HL_INVALID_OP
								  : HL_NONE;
		case 'l':
			return starts(m, end, "list_del corruption") ||
				       starts(m, end, "list_add corruption")
				       ? HL_LIST : HL_NONE;
		case 'W':
			if (starts(m, end, "WARNING: "))
				return warning_headline(m + 9, end) ? HL_WARNING
								    : HL_NONE;
			return starts(m, end, "Watchdog detected hard LOCKUP")
				       ? HL_HARD_LOCKUP : HL_NONE;
		case 'U':
			if (starts(m, end, "UBSAN: "))
				return HL_UBSAN;
			if (starts(m, end, "Unable to handle kernel NULL pointer"))
				return HL_NULL_DEREF;
			return starts(m, end, "Unable to handle kernel ")
				       ? HL_PAGE_FAULT : HL_NONE;
		case 'I':
			if (starts(m, end, "Internal error: "))
				return HL_INTERNAL;
			if (starts(m, end, "INFO: task ") &&
			    find(m, end, " blocked for more than "))
				return HL_HUNG_TASK;
			if (starts(m, end, "INFO: rcu_") && find(m, end, "stall"))
				return HL_RCU_STALL;
			return HL_NONE;
		case 'w':
			if (!starts(m, end, "watchdog: "))
				return HL_NONE;
			m = ct_skip_blanks(m + 10, end);
			continue;
		case 'N':
			if (!starts(m, end, "NMI watchdog: "))
				return HL_NONE;
			m = ct_skip_blanks(m + 14, end);
			continue;
		case 'r':
			if (!starts(m, end, "rcu: "))
				return HL_NONE;
			m = ct_skip_blanks(m + 5, end);
			continue;
		default:
			return HL_NONE;
		}
	}
	return HL_NONE;
}

/* ------------------------------------------------------------------------
 * Frames
 * ------------------------------------------------------------------------ */

/* "[<ffffffff8107e0e7>]" (x86, arm) or "[c000000000123456]" (ppc) at *p. */
static bool bracket_address(const char **p, const char *end, uint64_t *ret)
{
	const char *q = *p;
	if (q >= end || *q != '[')
		return false;
	q++;
	bool angle = q < end && *q == '<';
	if (angle)
		q++;
	const char *digits = q;
	uint64_t v;
	bool masked;
	if (!ct_parse_hex(&q, end, &v, &masked))
		return false;
	/* "[e1000e]" is a module: a bare bracket needs a long address */
	if (!angle && q - digits < 8)
		return false;
	if (angle) {
		if (q >= end || *q != '>')
			return false;
		q++;
	}
	if (q >= end || *q != ']')
		return false;
	*p = q + 1;
	*ret = masked ? 0 : v;
	return true;
}

/* A source location "lib/dump_stack.c:107" (optionally ":COL") as one
 * token at [p, end): true with the file's end and the line.  The file
 * must look like a path (a '.' or a '/') so "Code:" and "name:" are not. */
static bool parse_location(const char *p, const char *end,
			   const char **ret_file_end, unsigned long *ret_line)
{
	const char *q = p, *colon = NULL;
	bool pathy = false;
	while (q < end && *q != ' ' && *q != '\t' && *q != '(' && *q != ')' &&
	       q - p <= MAX_NAME) {
		if (*q == ':' && !colon)
			colon = q;
		if (!colon && (*q == '.' || *q == '/'))
			pathy = true;
		q++;
	}
	if (!colon || colon == p || !pathy || colon - p > MAX_NAME)
		return false;
	const char *d = colon + 1;
	unsigned long line;
	if (!ct_parse_dec(&d, end, &line) || line == 0 ||
	    (d < q && *d != ':'))
		return false;
	*ret_file_end = colon;
	*ret_line = line;
	return true;
}

/* What decode_stacktrace.sh and syzkaller's symbolizer add after a frame
 * at *p: "(lib/dump_stack.c:107)", "(a.c:1 b.c:2 (discriminator 1))"
 * (addr2line -i: the inlined callees first, the named function's own line
 * last, which is the one kept), "lib/dump_stack.c:107", then "[inline]"
 * or a module name without brackets.  Fills f->file and f->source_line;
 * returns 1 when a location was read, 0 when none, -1 without memory. */
static int frame_location(const char **p, const char *end, struct ct_frame *f)
{
	const char *q = ct_skip_blanks(*p, end);
	const char *file = NULL, *file_end = NULL;
	unsigned long line = 0;
	if (q == *p)
		return 0;	/* "name/file.c:1" is no location */
	if (q < end && *q == '(') {
		int depth = 0;
		const char *t = q;
		while (t < end) {
			if (*t == '(') {
				depth++;
				t++;
				continue;
			}
			if (*t == ')') {
				t++;
				if (--depth == 0)
					break;
				continue;
			}
			if (*t == ' ' || *t == '\t') {
				t++;
				continue;
			}
			const char *fe;
			unsigned long l;
			if (depth == 1 && parse_location(t, end, &fe, &l)) {
				file = t;
				file_end = fe;
				line = l;
			}
			while (t < end && *t != ' ' && *t != '\t' && *t != '(' &&
			       *t != ')')
				t++;
		}
		if (!file)
			return 0;
		q = t;
	} else if (parse_location(q, end, &file_end, &line)) {
		file = q;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
	} else {
		return 0;
	}
	f->file = ct_strndup_clean(file, (size_t)(file_end - file));
	if (!f->file)
		return -1;
	f->source_line = line;
	q = ct_skip_blanks(q, end);
	if (starts(q, end, "[inline]")) {
		f->inlined = true;
		q += 8;
	} else if (!f->module && q < end && ct_is_ident_char((unsigned char)*q)) {
		/* decode_stacktrace.sh prints the module without brackets */
		const char *mod = q;
		while (q < end && ct_is_ident_char((unsigned char)*q) &&
		       q - mod <= MAX_NAME)
			q++;
		if (ct_skip_blanks(q, end) == end && q - mod <= MAX_NAME) {
			f->module = ct_strndup_clean(mod, (size_t)(q - mod));
			if (!f->module)
				return -1;
		}
	}
	*p = q;
	return 1;
}

/* "[mod]" at *p (blanks skipped): the module, or "[inline]" (syzkaller)
 * marking f inlined.  Returns -1 without memory, else 0. */
static int frame_module(const char **p, const char *end, struct ct_frame *f)
{
	const char *q = ct_skip_blanks(*p, end);
	if (q >= end || *q != '[')
		return 0;
	const char *mod = ++q;
	while (q < end && *q != ']' && *q != ' ' && q - mod <= MAX_NAME)
		q++;
	if (q == mod || q - mod > MAX_NAME)
		return 0;
	if (q - mod == 6 && memcmp(mod, "inline", 6) == 0) {
		f->inlined = true;
	} else if (!f->module) {
		f->module = ct_strndup_clean(mod, (size_t)(q - mod));
		if (!f->module)
			return -1;
	}
	*p = q < end && *q == ']' ? q + 1 : q;
	return 0;
}

/* "[<     inlined    >]" (syzkaller's old symbolizer) at *p. */
static bool inlined_bracket(const char **p, const char *end)
{
	const char *q = *p;
	if (!starts(q, end, "[<"))
		return false;
	q = ct_skip_blanks(q + 2, end);
	if (!starts(q, end, "inlined"))
		return false;
	q = ct_skip_blanks(q + 7, end);
	if (!starts(q, end, ">]"))
		return false;
	*p = q + 2;
	return true;
}

/* f becomes a frame with an address and no name (reliable, unnumbered). */
static void address_frame(struct ct_frame *f, uint64_t addr)
{
	memset(f, 0, sizeof(*f));
	f->number = -1;
	f->reliable = true;
	f->address = addr;
	f->has_address = true;
}

/* Parse one frame at [p, end):
 *   "func+0x5a/0x80 [i40e]", "? func+0x1a/0x1f", "func.cold+0x1/0x2",
 *   "[<ffffffff8107e0e7>] func+0x27/0x30", "[<ffff...>] ? func+0x27/0x30",
 *   "[c0000000...] [c0000000...] .func+0x../0x.. (unreliable)" (ppc64;
 *   the ELFv1 dot is dropped),
 *   "([<000000000011c54a>] func+0x11e/0x150)" (s390: unreliable),
 *   "[<c010c0f8>] (unwind_backtrace) from [<c0109b3c>] (...)" and
 *   "unwind_backtrace from show_stack+0x10/0x14" (arm: the frame is the
 *   first function, the "from" part is its caller, the next line's frame),
 *   "0xffffffffc0a1b2c3" (an address no symbol covers),
 *   decoded: "func+0x12/0x34 (file.c:123)", "func (a.c:1 b.c:2) [mod]",
 *   "func+0x12/0x34 path/file.c:123", "func path/file.c:12 [inline]",
 *   "[<     inlined    >] func file.c:12", "func (inlined) file.c:12",
 *   "inline func file.c:12".
 * A name with no offset needs something that says it is a frame: an
 * address, parentheses, a location, "from" or an inlined mark.
 * Returns 1 with f filled (strings owned by f), 0 when the text is no
 * frame, -1 when memory ran out (f then holds nothing to free). */
/* What comes before a frame's name: s390's "(", inlined markers, up to
 * two "[<address>]", "? " (unreliable), "(" after an address (*ret_paren),
 * "inline " and ppc64's "." of a function descriptor. */
static const char *frame_head(const char *p, const char *end,
			      struct ct_frame *f, bool *ret_paren)
{
	p = ct_skip_blanks(p, end);
	if (end - p >= 3 && p[0] == '(' && p[1] == '[') {
		f->reliable = false;	/* s390: "([<addr>] func+0x/0x)" */
		p++;
	}
	uint64_t addr;
	if (inlined_bracket(&p, end)) {
		f->inlined = true;
		p = ct_skip_blanks(p, end);
	}
	for (int i = 0; i < 2 && bracket_address(&p, end, &addr); i++) {
		f->address = addr;
		f->has_address = true;
		p = ct_skip_blanks(p, end);
	}
	if (end - p >= 2 && p[0] == '?' && p[1] == ' ') {
		f->reliable = false;
		p = ct_skip_blanks(p + 1, end);
	}
	bool paren = false;
	if (f->has_address && p < end && *p == '(') {
		paren = true;
		p++;
	}
	if (starts(p, end, "inline ")) {
		const char *q = ct_skip_blanks(p + 7, end);
		if (q < end && is_name_start(*q)) {
			f->inlined = true;
			p = q;
		}
	}
	/* ppc64 ELFv1 function descriptors: ".func" is func */
	if (end - p >= 2 && p[0] == '.' && is_name_start(p[1]))
		p++;
	*ret_paren = paren;
	return p;
}

/* "+0xOFF/0xSIZE" at *p, if there: 1 read (past it), 0 none, -1 bad. */
static int frame_offset(const char **p, const char *end, struct ct_frame *f)
{
	if (!starts(*p, end, "+0x"))
		return 0;
	const char *q = *p + 1;
	uint64_t off, size;
	bool masked;
	if (!ct_parse_hex(&q, end, &off, &masked))
		return -1;
	f->offset = off;
	f->has_offset = !masked;
	if (q < end && *q == '/') {
		q++;
		if (!ct_parse_hex(&q, end, &size, &masked))
			return -1;
		/* "? internal_add_timer+0x80/0x80": a return address past
		 * the function's end is a stale stack word */
		if (!f->reliable && !masked && off && off == size)
			f->generic = true;
	}
	*p = q;
	return 1;
}

static int parse_frame(const char *p, const char *end, struct ct_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->number = -1;
	f->reliable = true;
	bool paren;
	p = frame_head(p, end, f, &paren);
	uint64_t addr;
	const char *name = p;
	while (p < end && (ct_is_ident_char((unsigned char)*p) || *p == '.') &&
	       p - name <= MAX_NAME)
		p++;
	size_t name_len = (size_t)(p - name);
	if (name_len == 0 || name_len > MAX_NAME)
		return 0;
	if (name_len > 2 && name[0] == '0' && name[1] == 'x') {
		/* an address with no symbol: "0xffffffffc0a1b2c3" */
		const char *q = name;
		bool masked;
		if (!ct_parse_hex(&q, p, &addr, &masked) || q != p ||
		    (name_len < 10 && !f->has_address))
			return 0;
		f->address = addr;
		f->has_address = !masked;
		return 1;
	}
	if (ct_is_digit(name[0]) || name[0] == '.')
		return 0;
	int has_offset = frame_offset(&p, end, f);
	if (has_offset < 0)
		return 0;
	bool offset = has_offset > 0;
	if (paren) {
		/* "(func [mod])", "(func+0x10/0x14 [mod])" */
		if (frame_module(&p, end, f) < 0)
			goto nomem;
		if (p >= end || *p != ')')
			goto no;
		p++;
	}
	if (frame_module(&p, end, f) < 0)
		goto nomem;
	const char *q = ct_skip_blanks(p, end);
	if (starts(q, end, "(inlined)")) {
		f->inlined = true;
		p = q + 9;
	}
	int rc = frame_location(&p, end, f);
	if (rc < 0)
		goto nomem;
	q = ct_skip_blanks(p, end);
	bool from = starts(q, end, "from ") && end - q > 5 && q[5] != ' ';
	if (!offset && !paren && !rc && !from && !f->inlined)
		goto no;
	f->function = ct_strndup_clean(name, name_len);
	if (!f->function)
		goto nomem;
	if (find(p, end, "(unreliable)"))
		f->reliable = false;
	return 1;
no:
	ct_frame_deinit(f);
	memset(f, 0, sizeof(*f));
	return 0;
nomem:
	ct_frame_deinit(f);
	memset(f, 0, sizeof(*f));
	return -1;
}

/* Stack section markers. */
enum section {
	SEC_NONE = 0,
	SEC_TASK,
	SEC_IRQ,
	SEC_SOFTIRQ,
	SEC_NMI,
	SEC_OTHER,	/* exception stacks: <#DF>, <#MC>, <DB> ... */
};

static const char *const section_names[] = {
	[SEC_NONE] = NULL, [SEC_TASK] = NULL, [SEC_IRQ] = "IRQ",
	[SEC_SOFTIRQ] = "SOFTIRQ", [SEC_NMI] = "NMI", [SEC_OTHER] = NULL,
};

/* "<IRQ>", "</IRQ>", "<EOI>", "<TASK>" ... at *p: true with the section
 * entered (SEC_NONE when one is left) and *p after the marker. */
static bool parse_marker(const char **p, const char *end, enum section *ret)
{
	const char *q = *p;
	if (starts(q, end, "<<EOE>>")) {
		*ret = SEC_NONE;	/* old x86_64: end of an exception stack */
		*p = q + 7;
		return true;
	}
	if (q >= end || *q != '<')
		return false;
	q++;
	bool closing = q < end && *q == '/';
	if (closing)
		q++;
	const char *name = q;
	while (q < end && (ct_is_upper(*q) || *q == '#' || *q == '_') &&
	       q - name < 24)
		q++;
	if (q == name || q >= end || *q != '>')
		return false;
	size_t n = (size_t)(q - name);
	enum section sec = SEC_OTHER;
	if (n == 3 && memcmp(name, "IRQ", 3) == 0)
		sec = SEC_IRQ;
	else if (n == 3 && memcmp(name, "NMI", 3) == 0)
		sec = SEC_NMI;
	else if (n == 7 && memcmp(name, "SOFTIRQ", 7) == 0)
		sec = SEC_SOFTIRQ;
	else if (n == 4 && memcmp(name, "TASK", 4) == 0)
		sec = SEC_TASK;
	else if (n == 3 && memcmp(name, "EOI", 3) == 0)
		closing = true;	/* old kernels: end of the IRQ stack */
	*ret = closing ? SEC_NONE : sec;
	*p = q + 1;
	return true;
}

/* ------------------------------------------------------------------------
 * Extraction state
 * ------------------------------------------------------------------------ */

/* One report: a headline (or a headless stack dump) and what follows. */
struct report {
	enum report_kind kind;
	enum headline headline;	/* HL_NONE for a headless trace */
	char *message;		/* headline text, or NULL */
	char exception[80];	/* "" when none */
	char *comm;		/* Comm of the CPU line or of the headline */
	long cpu;		/* -1 if unknown */
	unsigned long line;	/* line of the headline */
	size_t bt;		/* its backtrace in c->backtraces, or NONE */
	size_t trace_frames;	/* frames read from the Call Trace */
	struct ct_frame site;	/* func/file:line the headline names */
	enum section irq;	/* first interrupt section seen, or SEC_NONE */
	bool consequence;	/* a panic that follows an earlier report */
	bool cpu_line;		/* its "CPU: N PID:" line was read */
	bool frame0;		/* frame 0 came from a RIP/IP/pc line */
	bool trace_seen;	/* a "Call Trace:" header was read */
};

/* A driver hang dump being read. */
struct hang {
	bool active;
	char kind[80];
	char *timestamp;
	unsigned long line;
	unsigned lines;
	struct ct_strbuf text;
	size_t field_count;
	struct {
		char name[48];
		char value[80];
	} fields[HANG_MAX_FIELDS];
};

enum trace_state {
	TRACE_NONE,
	TRACE_MAIN,	/* frames go to the open report */
	TRACE_AUX,	/* frames go to aux_bt (KASAN alloc/free stacks) */
};

struct lx_state {
	struct ct_case *c;
	const struct ct_text *t;
	size_t first_bt;	/* our first backtrace in c->backtraces */
	struct report *reports;
	size_t report_count, report_cap;
	size_t cur;		/* the open report, or NONE */
	size_t dropped;		/* reports beyond MAX_REPORTS */
	enum trace_state trace;
	bool events_done;	/* t->events wants no more lines */
	size_t aux_bt;		/* backtrace of TRACE_AUX */
	unsigned gap;		/* lines since the last frame */
	enum section section;	/* section of the trace being read */
	bool frames_capped;	/* a backtrace reached CT_MAX_FRAMES */
	bool after_end;		/* "---[ end trace" closed the last report:
				 * the registers printed again after it
				 * belong to that report */
	struct hang hang;
	uint64_t modules_hash;	/* of the last "Modules linked in" line */
	char host[128];		/* last host.name recorded */
	bool arch_x86, arch_arm64;
	unsigned long kernel_lines; /* lines with a dmesg or kernel: prefix */
	unsigned long line;	/* number of the line being read */
	struct ct_error *err;	/* what stopped the line pass */
	struct ct_line_marks marks; /* where some lines start, for report.c */
	/* the caller an arm unwinder line names after " from ": the next
	 * line's frame, or, when no frame follows in its backtrace, the
	 * outermost frame ("(trace_hardirqs_off) from [<80100a74>]
	 * (__dabt_svc+0x54/0xa0)" ending a trace) */
	struct ct_frame caller;
	bool has_caller;
	size_t caller_bt;	/* its backtrace */
	size_t caller_after;	/* that backtrace's frames when it was read */
};

static struct report *current(struct lx_state *s)
{
	return s->cur == NONE ? NULL : &s->reports[s->cur];
}

static struct ct_origin origin(const struct lx_state *s, unsigned long line)
{
	return (struct ct_origin){ s->t->path, line };
}

/* ------------------------------------------------------------------------
 * Facts
 * ------------------------------------------------------------------------ */

static struct ct_error *fact(struct lx_state *s, const char *key,
			     const char *value)
{
	return ct_case_add_fact(s->c, key, value, origin(s, s->line));
}

static struct ct_error *fact_span(struct lx_state *s, const char *key,
				  const char *p, const char *end)
{
	trim_end(p, &end);
	if (end <= p)
		return NULL;
	char *v = ct_strndup_clean(p, (size_t)(end - p));
	if (!v)
		return &ct_enomem;
	struct ct_error *err = fact(s, key, v);
	free(v);
	return err;
}

static struct ct_error *arch_fact(struct lx_state *s, bool arm64)
{
	bool *seen = arm64 ? &s->arch_arm64 : &s->arch_x86;
	if (*seen)
		return NULL;
	*seen = true;
	return fact(s, "linux.arch", arm64 ? "aarch64" : "x86_64");
}

/* "Debian 6.1.76-1" somewhere in a version string: "6.1.76". */
static struct ct_error *upstream_fact(struct lx_state *s, const char *p,
				      const char *end)
{
	const char *d = find(p, end, "Debian ");
	if (!d)
		return NULL;
	const char *q = d + 7, *start = q;
	for (int part = 0; part < 3; part++) {
		const char *digits = q;
		while (q < end && ct_is_digit(*q) && q - digits < 6)
			q++;
		if (q == digits)
			return NULL;
		if (part < 2) {
			if (q >= end || *q != '.')
				return NULL;
			q++;
		}
	}
	if (q < end && *q != '-' && *q != '+' && *q != '~' && *q != ' ' &&
	    *q != ')')
		return NULL;
	return fact_span(s, "linux.upstream", start, q);
}

/* The release token ("6.1.0-18-amd64") at [p, end): fact, and the arch
 * when the release names it. */
static struct ct_error *release_fact(struct lx_state *s, const char *p,
				     const char *end)
{
	struct ct_error *err = fact_span(s, "linux.release", p, end);
	if (err)
		return err;
	size_t n = (size_t)(end - p);
	static const struct {
		const char *suffix;
		bool arm64;
	} archs[] = {
		{ "-amd64", false }, { ".x86_64", false },
		{ "-arm64", true }, { ".aarch64", true },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(archs); i++) {
		size_t k = strlen(archs[i].suffix);
		if (n > k && memcmp(end - k, archs[i].suffix, k) == 0)
			return arch_fact(s, archs[i].arm64);
	}
	return NULL;
}

/* "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)" at [p, end). */
static struct ct_error *version_fact(struct lx_state *s, const char *p,
				     const char *end)
{
	trim_end(p, &end);
	/* 6.16 appends the preemption model: not part of the version */
	const char *last = end;
	while (last > p && last[-1] != ' ')
		last--;
	if (last > p && starts(last, end, "PREEMPT(") && end[-1] == ')') {
		end = last;
		trim_end(p, &end);
	}
	struct ct_error *err = fact_span(s, "linux.version", p, end);
	if (!err)
		err = upstream_fact(s, p, end);
	return err;
}

/* "Not tainted 6.1.0 #1 ..." or "Tainted: G   OE  6.1.0 #1 ..." at p. */
static struct ct_error *taint_release(struct lx_state *s, const char *p,
				      const char *end)
{
	char flags[32];
	size_t nflags = 0;
	const char *q;
	if (starts(p, end, "Not tainted")) {
		q = p + 11;
	} else if (starts(p, end, "Tainted: ")) {
		q = ct_skip_blanks(p + 9, end);
		if (q < end && *q == '[')
			return NULL; /* 6.12 "Tainted: [W]=WARN" legend */
		while (q < end && (ct_is_upper(*q) || *q == ' ')) {
			if (*q != ' ' && nflags < sizeof(flags) - 1)
				flags[nflags++] = *q;
			q++;
		}
	} else {
		return NULL;
	}
	flags[nflags] = '\0';
	struct ct_error *err = NULL;
	if (nflags)
		err = fact(s, "linux.tainted", flags);
	q = ct_skip_blanks(q, end);
	if (err || q >= end || !ct_is_digit(*q))
		return err;
	const char *rel = q;
	while (q < end && *q != ' ' && *q != '\t' && q - rel < 128)
		q++;
	err = release_fact(s, rel, q);
	q = ct_skip_blanks(q, end);
	if (!err && q < end && *q == '#')
		err = version_fact(s, q, end);
	return err;
}

/* "Linux version 6.1.0-18-amd64 (debian-kernel@...) (gcc ...) #1 SMP ..." */
static struct ct_error *linux_version_line(struct lx_state *s, const char *p,
					   const char *end)
{
	const char *q = ct_skip_blanks(p + 14, end);
	if (q >= end || !ct_is_digit(*q))
		return NULL;
	const char *rel = q;
	while (q < end && *q != ' ' && q - rel < 128)
		q++;
	const char *rel_end = q;
	/* the version is the first " #N" outside the parentheses */
	int depth = 0;
	const char *version = NULL;
	for (; q < end && q - p < HEADLINE_SPAN; q++) {
		if (*q == '(')
			depth++;
		else if (*q == ')' && depth > 0)
			depth--;
		else if (*q == '#' && depth == 0 && q[-1] == ' ' &&
			 q + 1 < end && ct_is_digit(q[1])) {
			version = q;
			break;
		}
	}
	if (!version)
		return NULL;
	struct ct_error *err = release_fact(s, rel, rel_end);
	if (!err)
		err = version_fact(s, version, end);
	return err;
}

/* FNV-1a of a span: spots a repeated "Modules linked in" line cheaply. */
static uint64_t span_hash(const char *p, const char *end)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; p < end; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h;
}

/* "Modules linked in: i40e(OE) ptp pps_core [last unloaded: i40e]" */
static struct ct_error *modules_line(struct lx_state *s, const char *p,
				     const char *end)
{
	p += 18;	/* "Modules linked in:" */
	uint64_t h = span_hash(p, end);
	if (h == s->modules_hash)
		return NULL;
	s->modules_hash = h;
	struct ct_error *err = NULL;
	for (int count = 0; !err && count < MAX_MODULES; count++) {
		p = ct_skip_blanks(p, end);
		if (p >= end || *p == '[')
			break;
		const char *name = p;
		while (p < end && (ct_is_ident_char((unsigned char)*p) ||
				   *p == '-'))
			p++;
		const char *name_end = p;
		const char *flags = NULL, *flags_end = NULL;
		if (p < end && *p == '(') {
			flags = ++p;
			while (p < end && *p != ')' && *p != ' ')
				p++;
			flags_end = p;
			if (p < end && *p == ')')
				p++;
		}
		/* anything else up to the next blank is not a module name */
		bool clean = p >= end || *p == ' ' || *p == '\t';
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(name_end - name);
		if (!clean || n == 0 || n > 64)
			continue;
		char key[96];
		snprintf(key, sizeof(key), "module.%.*s.loaded", (int)n, name);
		err = fact(s, key, "yes");
		if (!err && flags && flags_end > flags) {
			snprintf(key, sizeof(key), "module.%.*s.flags", (int)n,
				 name);
			err = fact_span(s, key, flags, flags_end);
		}
	}
	return err;
}

/* ------------------------------------------------------------------------
 * Reports and their backtraces
 * ------------------------------------------------------------------------ */

static void report_deinit(struct report *r)
{
	free(r->message);
	free(r->comm);
	ct_frame_deinit(&r->site);
}

static struct ct_error *set_label(struct lx_state *s, size_t bt,
				  const char *label)
{
	char *copy = strdup(label);
	if (!copy)
		return &ct_enomem;
	free(s->c->backtraces[bt].label);
	s->c->backtraces[bt].label = copy;
	return NULL;
}

static void report_label(const struct report *r, char *buf, size_t n)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, r->consequence ? "panic after the report"
					   : kind_names[r->kind]);
	if (r->cpu >= 0)
		ct_strbuf_appendf(&sb, " on CPU %ld", r->cpu);
	if (r->comm)
		ct_strbuf_appendf(&sb, " (%s)", r->comm);
	if (section_names[r->irq])
		ct_strbuf_appendf(&sb, " in %s", section_names[r->irq]);
	snprintf(buf, n, "%s", sb.buf && !sb.failed ? sb.buf : "linux kernel");
	ct_strbuf_deinit(&sb);
}

static struct ct_error *new_backtrace(struct lx_state *s, const char *label,
				      unsigned long line, size_t *ret)
{
	if (s->c->backtrace_count >= CT_MAX_BACKTRACES) {
		*ret = NONE;
		s->dropped++;
		return NULL;
	}
	struct ct_backtrace *bt;
	struct ct_error *err = ct_case_add_backtrace(s->c, label,
						     origin(s, line), &bt);
	if (err)
		return err;
	*ret = s->c->backtrace_count - 1;
	return NULL;
}

/* Add f (whose strings stay the caller's) to backtrace index bt. */
static struct ct_error *push_frame(struct lx_state *s, size_t bt,
				   const struct ct_frame *f)
{
	struct ct_backtrace *b = &s->c->backtraces[bt];
	struct ct_error *err = ct_backtrace_add_frame(b, f);
	if (b->frames_dropped)
		s->frames_capped = true;
	return err;
}

enum frame_source {
	SRC_RIP,	/* frame 0: RIP/IP/pc before the trace */
	SRC_TRACE,	/* a Call Trace line */
	SRC_TRACE_RIP,	/* a "RIP:" inside the trace (interrupted code) */
};

/* Is trace frame b the frame 0 a again?  The arm frame pointer unwinder
 * prints where each function was entered ("func+0x0/0x2c"). */
static bool same_function(const struct ct_frame *a, const struct ct_frame *b)
{
	return a->function && b->function &&
	       strcmp(a->function, b->function) == 0 &&
	       (!a->has_offset || !b->has_offset || a->offset == b->offset ||
		b->offset == 0);
}

static struct ct_error *report_frame(struct lx_state *s, struct report *r,
				     struct ct_frame *f, enum frame_source src)
{
	struct ct_error *err;
	if (r->bt == NONE) {
		err = new_backtrace(s, kind_names[r->kind], r->line, &r->bt);
		if (err || r->bt == NONE)
			return err;
	}
	struct ct_backtrace *bt = &s->c->backtraces[r->bt];
	if (src == SRC_RIP) {
		if (r->frame0 || bt->frame_count)
			return NULL; /* IP: then RIP: (old kernels): once */
		r->frame0 = true;
		/* the headline's FILE:LINE is the RIP's (BUG_ON, WARN_ON),
		 * unless the line was decoded with its own */
		bool site = r->site.file && !f->file && f->function &&
			    (!r->site.function ||
			     strcmp(f->function, r->site.function) == 0);
		if (site) {
			f->file = r->site.file;
			f->source_line = r->site.source_line;
		}
		err = push_frame(s, r->bt, f);
		if (site)
			f->file = NULL;
		return err;
	}
	/* arm64 lists the pc's function again as the first trace frame */
	if (src == SRC_TRACE && r->trace_frames++ == 0 && r->frame0 &&
	    f->reliable && bt->frame_count == 1 &&
	    same_function(&bt->frames[0], f))
		return NULL;
	if (r->kind == RK_LOCKUP) {
		/* the watchdog's NMI handler, and the scheduler tick that
		 * runs the RCU stall check, are not the stuck code */
		if (s->section == SEC_NMI ||
		    (r->headline == HL_RCU_STALL && s->section == SEC_IRQ))
			f->generic = true;
		if (src == SRC_TRACE_RIP && r->frame0 && r->irq != SEC_NONE &&
		    bt->frame_count)
			bt->frames[0].generic = true;
	}
	return push_frame(s, r->bt, f);
}

/* The headline names the site: "at FILE:LINE func+0x/0x" (WARNING),
 * "kernel BUG at FILE:LINE!", "KASAN: ... in func+0x/0x",
 * "UBSAN: ... in FILE:LINE:COL". */
static int headline_site(struct report *r, const char *a, const char *end)
{
	const char *at = NULL;
	if (r->headline == HL_WARNING || r->headline == HL_KERNEL_BUG) {
		at = find(a, end, " at ");
		if (at)
			at += 4;
	}
	const char *in = NULL;
	if (r->headline == HL_KASAN || r->headline == HL_UBSAN) {
		in = find(a, end, " in ");
		if (in)
			in += 4;
	}
	const char *file = r->headline == HL_UBSAN ? in : at;
	if (file) {
		const char *q = file;
		while (q < end && *q != ' ' && *q != '!' && *q != ':')
			q++;
		const char *file_end = q;
		unsigned long line = 0;
		if (q < end && *q == ':') {
			q++;
			ct_parse_dec(&q, end, &line);
		}
		if (file_end > file && line && file_end - file <= MAX_NAME) {
			r->site.file = ct_strndup_clean(file,
							(size_t)(file_end - file));
			if (!r->site.file)
				return -1;
			r->site.source_line = line;
		}
		if (r->headline == HL_WARNING) {
			q = ct_skip_blanks(q, end);
			struct ct_frame f;
			int rc = parse_frame(q, end, &f);
			if (rc < 0)
				return -1;
			if (rc > 0 && f.function) {
				r->site.function = f.function;
				r->site.offset = f.offset;
				r->site.has_offset = f.has_offset;
				r->site.module = f.module;
				free(f.file);	/* a decoded line's */
			} else if (rc > 0) {
				ct_frame_deinit(&f);
			}
		}
	} else if (in) {
		struct ct_frame f;
		int rc = parse_frame(in, end, &f);
		if (rc < 0)
			return -1;
		if (rc > 0 && f.function) {
			r->site.function = f.function;
			r->site.offset = f.offset;
			r->site.has_offset = f.has_offset;
			r->site.module = f.module;
			free(f.file);	/* a decoded line's */
		} else if (rc > 0) {
			ct_frame_deinit(&f);
		}
	}
	return 0;
}

/* Exception text computed from the headline for KASAN, UBSAN, BUG:. */
static void headline_exception(struct report *r, const char *a,
			       const char *end)
{
	const char *info = headline_infos[r->headline].exception;
	if (info) {
		snprintf(r->exception, sizeof(r->exception), "%s", info);
		return;
	}
	const char *p = a;
	if (starts(p, end, "BUG: "))
		p += 5;
	/* "KASAN: use-after-free in f", "scheduling while atomic: x" */
	const char *stop = p;
	bool kasan = r->headline == HL_KASAN || r->headline == HL_UBSAN;
	while (stop < end && (size_t)(stop - p) < sizeof(r->exception) - 1) {
		if (starts(stop, end, " in ") || *stop == ',' || *stop == '!' ||
		    starts(stop, end, " - ") ||
		    (*stop == ':' && !(kasan && stop - p <= 6)))
			break;
		stop++;
	}
	snprintf(r->exception, sizeof(r->exception), "%.*s",
		 (int)(stop - p), p);
}

/* Comm and CPU named by lockup and hung-task headlines. */
static int headline_context(struct report *r, const char *a, const char *end)
{
	const char *comm = NULL, *comm_end = NULL;
	if (r->headline == HL_SOFT_LOCKUP) {
		const char *cpu = find(a, end, "CPU#");
		if (cpu) {
			const char *q = cpu + 4;
			unsigned long n;
			if (ct_parse_dec(&q, end, &n) && n < 1000000)
				r->cpu = (long)n;
		}
		const char *open = find(a, end, "! [");
		if (open) {
			comm = open + 3;
			comm_end = end;
			while (comm_end > comm && comm_end[-1] != ':')
				comm_end--;
			if (comm_end > comm)
				comm_end--;	/* drop ":PID]" */
		}
	} else if (r->headline == HL_HARD_LOCKUP) {
		const char *on = find(a, end, " on cpu ");
		if (on) {
			const char *q = on + 8;
			unsigned long n;
			if (ct_parse_dec(&q, end, &n) && n < 1000000)
				r->cpu = (long)n;
		}
	} else if (r->headline == HL_HUNG_TASK) {
		comm = a + 11;	/* "INFO: task " */
		comm_end = find(a, end, " blocked for more than ");
		const char *q = comm_end;
		while (q && q > comm && q[-1] != ':')
			q--;
		if (q && q > comm)
			comm_end = q - 1;	/* drop ":PID" */
	}
	if (comm && comm_end && comm_end > comm && comm_end - comm <= 64) {
		r->comm = ct_strndup_clean(comm, (size_t)(comm_end - comm));
		if (!r->comm)
			return -1;
	}
	return 0;
}

static void drop_caller(struct lx_state *s)
{
	if (s->has_caller)
		ct_frame_deinit(&s->caller);
	s->has_caller = false;
}

/* The last arm unwinder line's caller, as the outermost frame, when no
 * frame came after that line into its backtrace. */
static struct ct_error *push_caller(struct lx_state *s)
{
	struct ct_error *err = NULL;
	if (s->has_caller && s->caller_bt < s->c->backtrace_count &&
	    s->c->backtraces[s->caller_bt].frame_count == s->caller_after)
		err = push_frame(s, s->caller_bt, &s->caller);
	drop_caller(s);
	return err;
}

/* After frame line [m, end) went into backtrace bt: keep the caller an
 * arm unwinder line names ("(f) from [<addr>] (g+0x10/0x20)", "f from
 * g+0x10/0x20"), with an offset or address, as nothing else is one. */
static struct ct_error *note_caller(struct lx_state *s, const char *m,
				    const char *end, size_t bt)
{
	drop_caller(s);
	const char *from = bt == NONE ? NULL : find(m, end, " from ");
	if (!from || bt >= s->c->backtrace_count)
		return NULL;
	int rc = parse_frame(from + 6, end, &s->caller);
	if (rc < 0)
		return &ct_enomem;
	if (rc == 0)
		return NULL;
	if (!s->caller.function ||
	    (!s->caller.has_offset && !s->caller.has_address)) {
		ct_frame_deinit(&s->caller);
		return NULL;
	}
	s->has_caller = true;
	s->caller_bt = bt;
	s->caller_after = s->c->backtraces[bt].frame_count;
	return NULL;
}

/* Close the open report: finish its label, and give a report whose
 * frames never came the one frame its headline names. */
static struct ct_error *close_report(struct lx_state *s)
{
	struct ct_error *caller_err = push_caller(s);
	if (caller_err)
		return caller_err;
	struct report *r = current(s);
	if (s->trace == TRACE_AUX || s->trace == TRACE_MAIN)
		s->trace = TRACE_NONE;
	s->section = SEC_NONE;
	if (!r)
		return NULL;
	s->cur = NONE;
	struct ct_error *err = NULL;
	if (r->bt == NONE && r->site.function) {
		err = new_backtrace(s, kind_names[r->kind], r->line, &r->bt);
		if (!err && r->bt != NONE)
			err = push_frame(s, r->bt, &r->site);
	}
	if (!err && r->bt != NONE) {
		char label[192];
		report_label(r, label, sizeof(label));
		err = set_label(s, r->bt, label);
	}
	return err;
}

/* Does this panic reason say it follows an earlier report? */
static bool panic_is_consequence(const char *a, const char *end)
{
	static const char *const reasons[] = {
		"Fatal exception", "panic_on_warn", "softlockup", "hung_task",
		"LOCKUP", "Oops", "rcu", "RCU", "KASAN", "panic_on_oops",
		"Fatal Machine check", "kfence",
	};
	const char *p = a + 26;	/* "Kernel panic - not syncing" */
	for (size_t i = 0; i < CT_ARRAY_SIZE(reasons); i++)
		if (find(p, end, reasons[i]))
			return true;
	return false;
}

static bool has_reports(const struct lx_state *s)
{
	for (size_t i = 0; i < s->report_count; i++)
		if (s->reports[i].message)
			return true;
	return false;
}

/* Open a new report (the open one, if any, is closed first). */
static struct ct_error *open_report(struct lx_state *s, enum report_kind kind,
				    enum headline hl, unsigned long line,
				    struct report **ret)
{
	struct ct_error *err = close_report(s);
	*ret = NULL;
	if (err)
		return err;
	if (s->report_count >= MAX_REPORTS) {
		s->dropped++;
		return NULL;
	}
	if (!ct_grow((void **)&s->reports, &s->report_cap, s->report_count + 1,
		     sizeof(*s->reports)))
		return &ct_enomem;
	struct report *r = &s->reports[s->report_count];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->headline = hl;
	r->cpu = -1;
	r->line = line;
	r->bt = NONE;
	r->site.number = -1;
	r->site.reliable = true;
	s->cur = s->report_count++;
	s->after_end = false;
	s->trace = TRACE_NONE;
	s->section = SEC_NONE;
	*ret = r;
	return NULL;
}

static struct ct_error *headline(struct lx_state *s, enum headline hl,
				 const char *a, const char *end,
				 const struct ct_log_prefix *pfx)
{
	struct report *r = current(s);
	trim_end(a, &end);
	/* continuations of the open report, while its trace has not begun */
	if (r && !r->trace_seen && r->message) {
		bool merge = headline_infos[hl].secondary;
		if (hl == HL_KERNEL_BUG && r->headline == HL_LIST)
			merge = true;	/* list_del corruption, then BUG() */
		if (hl == HL_LIST && r->headline == HL_WARNING) {
			merge = true;	/* old kernels: WARN, then the text */
			snprintf(r->exception, sizeof(r->exception), "%s",
				 headline_infos[HL_LIST].exception);
		}
		if (merge)
			return NULL;
	}
	bool consequence = hl == HL_PANIC && has_reports(s) &&
			   panic_is_consequence(a, end);
	enum report_kind kind = headline_infos[hl].kind;
	struct ct_error *err = open_report(s, kind, hl, s->line, &r);
	if (err || !r)
		return err;
	r->consequence = consequence;
	r->message = ct_strndup_clean(a, (size_t)(end - a));
	if (!r->message)
		return &ct_enomem;
	if (pfx->cpu >= 0)
		r->cpu = pfx->cpu;
	headline_exception(r, a, end);
	if (headline_site(r, a, end) < 0 || headline_context(r, a, end) < 0)
		return &ct_enomem;
	/* sanitizers print their stack right after the headline, with no
	 * "Call Trace:" (KMSAN, KFENCE, KASAN on arm64) */
	if (hl == HL_KASAN || starts(a, end, "BUG: KMSAN: ")) {
		s->trace = TRACE_MAIN;
		s->section = SEC_NONE;
		s->gap = 0;
	}
	if (consequence)
		err = ct_case_add_note(s->c, "'%s': line %lu: the kernel "
				       "panicked after the report: %s",
				       s->t->path, s->line, r->message);
	return err;
}

/* "CPU: 3 PID: 211 Comm: kworker/3:2 Tainted: G  OE  6.1.0 #1 Debian ..." */
static struct ct_error *cpu_line(struct lx_state *s, const char *p,
				 const char *end)
{
	const char *q = p + 5;
	unsigned long cpu;
	if (!ct_parse_dec(&q, end, &cpu) || !find(q, end, "PID: "))
		return NULL;
	struct report *r = current(s);
	struct ct_error *err;
	if (!r || r->cpu_line || r->trace_seen) {
		/* a stack dump of its own: "NMI backtrace for cpu 1", ... */
		err = open_report(s, RK_TRACE, HL_NONE, s->line, &r);
		if (err)
			return err;
	}
	const char *comm = find(q, end, "Comm: ");
	const char *taint = NULL;
	if (comm) {
		comm += 6;
		const char *nt = find(comm, end, " Not tainted");
		const char *t = find(comm, end, " Tainted: ");
		taint = nt && (!t || nt < t) ? nt : t;
		const char *comm_end = taint ? taint : end;
		/* Ubuntu: "Comm: swapper/14 Kdump: loaded Not tainted" */
		const char *kdump = find(comm, comm_end, " Kdump: ");
		if (kdump)
			comm_end = kdump;
		trim_end(comm, &comm_end);
		if (r && !r->comm && comm_end > comm && comm_end - comm <= 64) {
			r->comm = ct_strndup_clean(comm,
						   (size_t)(comm_end - comm));
			if (!r->comm)
				return &ct_enomem;
		}
	}
	if (r) {
		r->cpu_line = true;
		if (cpu < 1000000)
			r->cpu = (long)cpu;
	}
	return taint ? taint_release(s, taint + 1, end) : NULL;
}

/* "Call Trace:" / "Call trace:" */
static struct ct_error *call_trace(struct lx_state *s)
{
	struct report *r = current(s);
	if (!r || r->trace_seen) {
		struct ct_error *err = open_report(s, RK_TRACE, HL_NONE,
						   s->line, &r);
		if (err || !r)
			return err;
	}
	r->trace_seen = true;
	s->trace = TRACE_MAIN;
	s->section = SEC_NONE;
	s->gap = 0;
	return NULL;
}

/* "RIP: 0010:func+0x2c/0xe90 [i40e]", "RIP: 0010:[<ffff...>]  [<ffff...>]
 * func+0x196/0x410 [mod]"; user-mode "RIP: 0033:0x7f..." is skipped. */
static struct ct_error *rip_line(struct lx_state *s, const char *p,
				 const char *end)
{
	const char *q = p + 5;
	uint64_t cs;
	bool masked;
	const char *digits = q;
	if (!ct_parse_hex(&q, end, &cs, &masked) || q - digits > 4 ||
	    q >= end || *q != ':')
		return NULL;
	if ((cs & 3) == 3)
		return NULL;	/* ring 3: the user-mode registers */
	struct ct_error *err = arch_fact(s, false);
	struct report *r = current(s);
	if (err)
		return err;
	bool in_trace = r && s->trace == TRACE_MAIN && r->trace_seen;
	if ((!in_trace && r && r->trace_seen) || (!r && s->after_end))
		return NULL;	/* registers printed again after the trace */
	struct ct_frame f;
	int rc = parse_frame(q + 1, end, &f);
	if (rc <= 0)
		return rc < 0 ? &ct_enomem : NULL;
	if (!r) {
		err = open_report(s, RK_OOPS, HL_NONE, s->line, &r);
		if (err || !r) {
			ct_frame_deinit(&f);
			return err;
		}
	}
	if (in_trace)
		s->gap = 0;
	err = report_frame(s, r, &f, in_trace ? SRC_TRACE_RIP : SRC_RIP);
	ct_frame_deinit(&f);
	return err;
}

/* A hex word of 8 digits or more, then a blank or the end, at *p (MIPS
 * "epc   : ffffffff80123456 func", s390 "Krnl PSW : 0704... 0000..."). */
static bool bare_hex_word(const char **p, const char *end, uint64_t *ret)
{
	const char *q = *p;
	bool masked;
	if (!ct_parse_hex(&q, end, ret, &masked) || q - *p < 8 || masked ||
	    (q < end && *q != ' ' && *q != '\t'))
		return false;
	*p = ct_skip_blanks(q, end);
	return true;
}

/* Frame 0 from the body of a PC line, every arch:
 *   "func+0x1c/0x30 [mod]" (x86 IP:, arm64 pc :, arm PC is at, i386),
 *   "[<ffffffffc0620676>] func+0x196/0x410 [mod]" (old IP:),
 *   "[c000000000123456] .func+0x20/0x30" (ppc64 NIP),
 *   "0060:[<c0123456>] EFLAGS: 00010246" (i386), "[<c019d604>] lr : ..."
 *   (arm pc :): the address only,
 *   "ffffffff80123456 func+0x1c/0x30" (MIPS epc), "ffffffff8058c4e6 ra :"
 *   (riscv: the address only),
 *   "0704c00180000000 000000000012345a (func+0x1a/0x30)" (s390 PSW).
 * Returns like parse_frame; a frame may have an address and no name. */
static int pc_frame(const char *p, const char *end, struct ct_frame *f)
{
	p = ct_skip_blanks(p, end);
	const char *q = p;
	uint64_t addr = 0, v;
	bool masked, has = false;
	/* i386 "0060:[<...>]": the code segment first */
	if (ct_parse_hex(&q, end, &v, &masked) && q - p <= 4 &&
	    end - q >= 2 && q[0] == ':' && q[1] == '[')
		p = q + 1;
	q = p;
	if (bracket_address(&q, end, &addr)) {
		has = true;
	} else {
		for (int i = 0; i < 2 && bare_hex_word(&p, end, &v); i++) {
			addr = v;
			has = true;
		}
		if (has && p < end && *p == '(')
			p++;	/* s390: "(func+0x1a/0x30)" */
	}
	int rc = parse_frame(p, end, f);
	if (rc > 0 && has && !f->has_address) {
		f->address = addr;
		f->has_address = true;
	}
	if (rc != 0 || !has)
		return rc;
	address_frame(f, addr);
	return 1;
}

/* Complete frame 0 of r with what another PC line says of it: i386 and
 * older arm print the address on a register line and the name on "EIP is
 * at"/"PC is at".  True when r already has its frame 0. */
static bool frame0_merge(struct lx_state *s, struct report *r,
			 struct ct_frame *f, struct ct_error **ret_err)
{
	*ret_err = NULL;
	if (!r || !r->frame0 || r->bt == NONE ||
	    !s->c->backtraces[r->bt].frame_count)
		return false;
	struct ct_frame *f0 = &s->c->backtraces[r->bt].frames[0];
	if (!f0->has_address && f->has_address) {
		f0->address = f->address;
		f0->has_address = true;
	}
	if (!f0->function && f->function) {
		char *norm = ct_frame_normalize(f->function);
		if (!norm) {
			*ret_err = &ct_enomem;
			return true;
		}
		f0->function = f->function;
		f0->normalized = norm;
		f0->offset = f->offset;
		f0->has_offset = f->has_offset;
		f->function = NULL;
		if (!f0->module) {
			f0->module = f->module;
			f->module = NULL;
		}
		if (!f0->file) {
			f0->file = f->file;
			f0->source_line = f->source_line;
			f->file = NULL;
		}
	}
	return true;
}

/* "IP: [<...>] func+0x196/0x410 [mod]", "pc : func+0x1c/0x30",
 * "PC is at func+0x1c/0x30", "EIP is at func+0x12/0x34", and the forms of
 * pc_frame(): frame 0.  A line with an address and no name opens no
 * report: it is frame 0 of the open one, named by a later line. */
static struct ct_error *pc_line(struct lx_state *s, const char *body,
				const char *end, bool arm64)
{
	struct report *r = current(s);
	if ((r && r->trace_seen) || (!r && s->after_end))
		return NULL;
	struct ct_frame f;
	int rc = pc_frame(body, end, &f);
	if (rc <= 0)
		return rc < 0 ? &ct_enomem : NULL;
	struct ct_error *err = NULL;
	if (frame0_merge(s, r, &f, &err) || (!f.function && !r)) {
		ct_frame_deinit(&f);
		return err;
	}
	err = arm64 ? arch_fact(s, true) : NULL;
	if (!err && !r)
		err = open_report(s, RK_OOPS, HL_NONE, s->line, &r);
	if (!err && r)
		err = report_frame(s, r, &f, SRC_RIP);
	ct_frame_deinit(&f);
	return err;
}

/* Frame 0 lines of the other archs, by their start; "~" stands for any
 * number of blanks before a colon. */
static const struct pc_form {
	const char *prefix;
} pc_forms[] = {
	{ "EIP: " },		/* i386: "0060:[<c...>] EFLAGS:", 4.x+ "func" */
	{ "NIP " },		/* ppc: "NIP [c000000000123456] .func+0x/0x" */
	{ "Krnl PSW : " },	/* s390 */
	{ "epc~: " },		/* MIPS "epc   : ffffffff80123456 func", riscv */
	{ "IAOQ[0]: " },	/* parisc "IAOQ[0]: func+0x/0x" ("IAOQ[1]"
				 * is the next instruction, "RP(r2)" the
				 * return pointer: neither is a frame) */
};

/* Does [m, end) start with the pc_forms prefix pat?  The body after it. */
static const char *pc_form_body(const char *m, const char *end,
				const char *pat)
{
	for (; *pat; pat++) {
		if (*pat == '~') {
			m = ct_skip_blanks(m, end);
			continue;
		}
		if (m >= end || *m != *pat)
			return NULL;
		m++;
	}
	return m;
}

static bool pc_form_line(struct lx_state *s, const char *m, const char *end,
			 struct ct_error **ret_err)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(pc_forms); i++) {
		if (*m != pc_forms[i].prefix[0])
			continue;
		const char *body = pc_form_body(m, end, pc_forms[i].prefix);
		if (body) {
			*ret_err = pc_line(s, body, end, false);
			return true;
		}
	}
	return false;
}

/* A line that starts an arm stack dump without a "Call Trace:" header:
 * "[<c010c0f8>] (unwind_backtrace) from [<c0109b3c>] (show_stack+0x10/
 * 0x14)", "unwind_backtrace from show_stack+0x10/0x14", and "Backtrace:"
 * (frame pointer unwinder).  marked: a marker may lie in the line. */
static bool arm_trace_start(const char *m, const char *end, bool marked)
{
	if (starts(m, end, "Backtrace:"))
		return true;
	if (!marked)
		return false;	/* " from " is a marker: not in this line */
	const char *from = find(m, end, " from ");
	if (!from || (*m != '[' && !is_name_start(*m)))
		return false;
	struct ct_frame f, caller;
	int rc = parse_frame(m, end, &f);
	if (rc <= 0)
		return false;
	ct_frame_deinit(&f);
	/* the caller has its offset or address: no sentence looks so */
	rc = parse_frame(from + 6, end, &caller);
	if (rc <= 0)
		return false;
	bool frame = caller.has_offset || caller.has_address;
	ct_frame_deinit(&caller);
	return frame;
}

/* A trace line that is none of parse_frame's forms:
 *   "Function entered at [<c0011a38>] from [<c0011c24>]" (arm without
 *   kallsyms: the address of the frame),
 *   "--- interrupt: 501 at .arch_local_irq_restore+0x74/0x90" (ppc: the
 *   interrupted code, a frame; older kernels say "--- Exception:").
 * Returns like parse_frame. */
static int arch_trace_frame(const char *m, const char *end,
			    struct ct_frame *f)
{
	if (starts(m, end, "Function entered at ")) {
		const char *q = m + 20;
		uint64_t addr;
		if (!bracket_address(&q, end, &addr))
			return 0;
		address_frame(f, addr);
		return 1;
	}
	if (starts(m, end, "--- interrupt: ") ||
	    starts(m, end, "--- Exception: ")) {
		const char *at = find(m, end, " at ");
		if (!at)
			return 0;
		int rc = parse_frame(at + 4, end, f);
		if (rc > 0 && !f->function) {
			ct_frame_deinit(f);	/* a user-space address */
			memset(f, 0, sizeof(*f));
			return 0;
		}
		return rc;
	}
	return 0;
}

/* "Allocated by task 123:", "Freed by task 123:", "Last potentially
 * related work creation:": an extra stack of the open report. */
static struct ct_error *aux_stack(struct lx_state *s, const char *p,
				  const char *end)
{
	if (!current(s))
		return NULL;
	trim_end(p, &end);
	if (end > p && end[-1] == ':')
		end--;
	char label[96];
	size_t n = (size_t)(end - p) < sizeof(label) - 1
			   ? (size_t)(end - p) : sizeof(label) - 1;
	memcpy(label, p, n);
	label[n] = '\0';
	label[0] = (char)(label[0] - 'A' + 'a');
	struct ct_error *err = new_backtrace(s, label, s->line, &s->aux_bt);
	if (err)
		return err;
	s->trace = s->aux_bt == NONE ? TRACE_NONE : TRACE_AUX;
	s->section = SEC_NONE;
	s->gap = 0;
	return NULL;
}

/* A line while a trace is being read: a marker, a frame, or neither. */
static struct ct_error *trace_line(struct lx_state *s, const char *m,
				   const char *end, bool marked)
{
	struct report *r = current(s);
	size_t target = s->trace == TRACE_AUX ? s->aux_bt : NONE;
	enum section sec;
	bool marker = false;
	while (parse_marker(&m, end, &sec)) {
		marker = true;
		s->section = sec;
		if (r && sec != SEC_NONE && sec != SEC_TASK &&
		    sec != SEC_OTHER && r->irq == SEC_NONE &&
		    s->trace == TRACE_MAIN)
			r->irq = sec;
		m = ct_skip_blanks(m, end);
	}
	if (marker && m >= end) {
		s->gap = 0;
		return NULL;
	}
	if (starts(m, end, "Last Breaking-Event-Address:")) {
		s->trace = TRACE_NONE;	/* s390: the end of the trace */
		return NULL;
	}
	struct ct_frame f;
	int rc = parse_frame(m, end, &f);
	if (rc == 0)
		rc = arch_trace_frame(m, end, &f);
	if (rc < 0)
		return &ct_enomem;
	if (rc == 0) {
		if (s->trace == TRACE_AUX || ++s->gap > TRACE_GAP)
			s->trace = TRACE_NONE;
		return NULL;
	}
	s->gap = 0;
	struct ct_error *err;
	if (s->trace == TRACE_AUX)
		err = push_frame(s, target, &f);
	else
		err = r ? report_frame(s, r, &f, SRC_TRACE) : NULL;
	ct_frame_deinit(&f);
	if (!err && marked)
		err = note_caller(s, m, end, s->trace == TRACE_AUX ? target
					    : r ? r->bt : NONE);
	return err;
}

/* ------------------------------------------------------------------------
 * Driver hang dumps
 * ------------------------------------------------------------------------ */

static bool is_pci_address(const char *p, const char *end)
{
	/* "0000:00:19.0" or "00:19.0" */
	size_t n = (size_t)(end - p);
	if (n < 7 || n > 16 || !ct_is_hex(p[0]))
		return false;
	bool colon = false, dot = false;
	for (const char *q = p; q < end; q++) {
		if (*q == ':')
			colon = true;
		else if (*q == '.')
			dot = true;
		else if (!ct_is_hex(*q))
			return false;
	}
	return colon && dot;
}

static struct ct_error *hang_finish(struct lx_state *s)
{
	struct hang *h = &s->hang;
	if (!h->active)
		return NULL;
	h->active = false;
	struct ct_error *err = NULL;
	char *text = h->text.failed ? NULL : ct_strbuf_detach(&h->text);
	if (!text) {
		err = &ct_enomem;
		goto out;
	}
	struct ct_event *ev;
	err = ct_case_add_event(s->c, h->kind, h->timestamp, text,
				origin(s, h->line), &ev);
	for (size_t i = 0; !err && ev && i < h->field_count; i++)
		err = ct_event_add_field(s->c, ev, h->fields[i].name,
					 h->fields[i].value);
	free(text);
out:
	ct_strbuf_deinit(&h->text);
	free(h->timestamp);
	h->timestamp = NULL;
	return err;
}

/* Append field name = [v, ve) to h; name is taken as it is. */
static void hang_set(struct hang *h, const char *name, const char *v,
		     const char *ve)
{
	if (h->field_count >= HANG_MAX_FIELDS)
		return;
	snprintf(h->fields[h->field_count].name, sizeof(h->fields[0].name),
		 "%s", name);
	size_t vn = (size_t)(ve - v);
	if (vn >= sizeof(h->fields[0].value))
		vn = sizeof(h->fields[0].value) - 1;
	memcpy(h->fields[h->field_count].value, v, vn);
	h->fields[h->field_count].value[vn] = '\0';
	h->field_count++;
}

/* Append a field named by the dump ("MAC Status", "next_to_watch.status"):
 * lowercase, blanks and dots become one '_'. */
static void hang_field(struct hang *h, const char *name, const char *name_end,
		       const char *v, const char *ve)
{
	char key[48];
	size_t n = 0;
	bool sep = false;
	for (const char *q = name; q < name_end && n < sizeof(key) - 2; q++) {
		char ch = *q;
		if (ch == ' ' || ch == '\t' || ch == '.') {
			sep = n > 0;
			continue;
		}
		if (sep)
			key[n++] = '_';
		sep = false;
		key[n++] = (char)ct_to_lower(ch);
	}
	key[n] = '\0';
	if (n)
		hang_set(h, key, v, ve);
}

/* A continuation line of a hang dump: "  TDH  <5a>", "MAC Status <80083>",
 * "buffer_info[next_to_clean]:". */
static bool hang_continuation(struct lx_state *s, const char *m,
			      const char *end)
{
	struct hang *h = &s->hang;
	if (h->lines >= HANG_MAX_LINES)
		return false;
	const char *p = ct_skip_blanks(m, end);
	const char *e = end;
	trim_end(p, &e);
	if (starts(p, e, "buffer_info[next_to_clean]")) {
		const char *q = p + 26;
		if (q < e && *q == ':')
			q++;
		if (q != e)
			return false;
	} else {
		if (p >= e || !(ct_is_alpha(*p)))
			return false;
		const char *lt = p;
		while (lt < e && *lt != '<' && lt - p < 48 &&
		       (ct_is_ident_char((unsigned char)*lt) || *lt == ' ' ||
			*lt == '.' || *lt == '-' || *lt == '\t'))
			lt++;
		if (lt >= e || *lt != '<' || e[-1] != '>' || e - lt < 2)
			return false;
		const char *v = lt + 1, *ve = e - 1;
		for (const char *q = v; q < ve; q++)
			if (!ct_is_ident_char((unsigned char)*q))
				return false;
		const char *ne = lt;
		trim_end(p, &ne);
		hang_field(h, p, ne, v, ve);
	}
	ct_strbuf_putc(&h->text, '\n');
	ct_strbuf_append(&h->text, m, (size_t)(e - m));
	h->lines++;
	return true;
}

/* "e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:",
 * "igb 0000:09:00.0: Detected Tx Unit Hang",
 * "e1000e 0000:00:19.0 eno1: Reset adapter unexpectedly". */
static struct ct_error *driver_line(struct lx_state *s, const char *m,
				    const char *end,
				    const struct ct_log_prefix *pfx)
{
	static const struct {
		const char *anchor;
		const char *suffix;
		bool block;
	} kinds[] = {
		{ "Detected Hardware Unit Hang", "hw_unit_hang", true },
		{ "Detected Tx Unit Hang", "tx_unit_hang", true },
		{ "Reset adapter unexpectedly", "reset_adapter", false },
	};
	/* the words follow the "DEVICE[ IFACE]: " that ends the prefix */
	const char *hit = NULL;
	size_t k = CT_ARRAY_SIZE(kinds);
	const char *e = end - m > 160 ? m + 160 : end;
	const char *q = m;
	for (int colons = 0; !hit && colons < 4 && q < e; colons++) {
		const char *colon = memchr(q, ':', (size_t)(e - q));
		if (!colon)
			break;
		q = colon + 1;
		if (q >= e || *q != ' ')
			continue;
		for (size_t i = 0; i < CT_ARRAY_SIZE(kinds); i++)
			if (starts(q + 1, end, kinds[i].anchor)) {
				hit = q + 1;
				k = i;
				break;
			}
	}
	if (!hit)
		return NULL;
	/* driver token, then "PCI[:] [iface:] " */
	q = m;
	while (q < hit && (ct_is_ident_char((unsigned char)*q) || *q == '-'))
		q++;
	const char *driver_end = q;
	if (driver_end == m || driver_end - m > 32)
		return NULL;
	const char *pci = NULL, *pci_end = NULL, *iface = NULL,
		   *iface_end = NULL;
	while (q < hit) {
		q = ct_skip_blanks(q, hit);
		const char *tok = q;
		while (q < hit && *q != ' ')
			q++;
		const char *tok_end = q;
		if (tok_end > tok && tok_end[-1] == ':')
			tok_end--;
		if (tok_end == tok)
			continue;
		if (!pci && is_pci_address(tok, tok_end)) {
			pci = tok;
			pci_end = tok_end;
		} else if (!iface && tok_end - tok <= 32) {
			iface = tok;
			iface_end = tok_end;
		}
	}
	struct ct_error *err = hang_finish(s);
	if (err)
		return err;
	struct hang *h = &s->hang;
	snprintf(h->kind, sizeof(h->kind), "%.*s.%s", (int)(driver_end - m), m,
		 kinds[k].suffix);
	h->line = s->line;
	h->lines = 0;
	h->field_count = 0;
	h->text = (struct ct_strbuf)CT_STRBUF_INIT;
	h->timestamp = NULL;
	if (pfx->timestamp) {
		h->timestamp = ct_strndup_clean(pfx->timestamp,
						pfx->timestamp_len);
		if (!h->timestamp)
			return &ct_enomem;
	}
	if (iface)
		hang_set(h, "iface", iface, iface_end);
	if (pci)
		hang_set(h, "pci", pci, pci_end);
	e = end;
	trim_end(m, &e);
	ct_strbuf_append(&h->text, m, (size_t)(e - m));
	h->active = true;
	if (!kinds[k].block)
		return hang_finish(s);
	return NULL;
}

/* ------------------------------------------------------------------------
 * The line pass
 * ------------------------------------------------------------------------ */

/* ct_log_prefix_parse() plus the forms it leaves in the message: lines
 * indented by a paste, "dmesg -T" stamps, the "kernel:" of a syslogd
 * broadcast, and "HOST kernel: " after a stamp (journalctl -o
 * short-monotonic). */
static void prefix_parse(const char *p, size_t len, struct ct_log_prefix *pfx)
{
	ct_log_prefix_parse(p, len, pfx);
	if (pfx->vmkernel)
		return;
	const char *m = pfx->message, *end = m + pfx->message_len;
	if (!pfx->timestamp && !pfx->host && m < end &&
	    (*m == ' ' || *m == '\t')) {
		const char *q = ct_skip_blanks(m, end);
		if (q < end && (*q == '[' || *q == '<' || ct_is_upper(*q))) {
			struct ct_log_prefix again;
			ct_log_prefix_parse(q, (size_t)(end - q), &again);
			if (again.timestamp && !again.vmkernel) {
				*pfx = again;
				m = pfx->message;
			}
		}
	}
	const char *q;
	if (m < end && *m == '[' && (q = ct_log_human_stamp(m, end))) {
		pfx->timestamp = m;
		pfx->timestamp_len = (size_t)(q - m);
		m = q;
		if (m < end && *m == ' ')
			m++;
	}
	if (m < end && *m == 'k' && starts(m, end, "kernel:")) {
		m = ct_skip_blanks(m + 7, end);
		struct ct_log_prefix again;
		ct_log_prefix_parse(m, (size_t)(end - m), &again);
		if (!pfx->timestamp) {
			pfx->timestamp = again.timestamp;
			pfx->timestamp_len = again.timestamp_len;
		}
		m = again.message;
	} else if (pfx->timestamp && !pfx->host && m < end) {
		/* "[ 4711.120001] node7 kernel: BUG: ..." */
		const char *sp = memchr(m, ' ', (size_t)(end - m) < 64
						    ? (size_t)(end - m) : 64);
		if (sp && sp > m && starts(sp, end, " kernel: ")) {
			pfx->host = m;
			pfx->host_len = (size_t)(sp - m);
			m = sp + 9;
		}
	}
	pfx->message = m;
	pfx->message_len = (size_t)(end - m);
}

/* Is the prefix a dmesg stamp as the kernel prints it: "[    1.000000]"
 * padded or with six decimals?  "[1.2] Section" in a document is not. */
static bool dmesg_stamped(const struct ct_log_prefix *pfx)
{
	const char *ts = pfx->timestamp;
	if (!ts || pfx->timestamp_len < 4 || ts[0] != '[')
		return false;
	if (ts[1] == ' ' || ct_log_human_stamp(ts, ts + pfx->timestamp_len))
		return true;
	const char *dot = memchr(ts, '.', pfx->timestamp_len);
	return dot && ts + pfx->timestamp_len - dot >= 8;	/* ".123456]" */
}

/* Is this a "... host kernel: " journal/syslog line? */
static bool kernel_tagged(const struct ct_log_prefix *pfx)
{
	if (pfx->kernel_tag)
		return true;
	if (!pfx->host)
		return false;
	const char *tag = pfx->host + pfx->host_len;
	const char *msg = pfx->message;
	return msg - tag >= 8 && memcmp(tag, " kernel:", 8) == 0;
}

static struct ct_error *host_fact(struct lx_state *s,
				  const struct ct_log_prefix *pfx)
{
	size_t n = pfx->host_len;
	if (n == 0 || n >= sizeof(s->host))
		return NULL;
	if (strlen(s->host) == n && memcmp(s->host, pfx->host, n) == 0)
		return NULL;
	memcpy(s->host, pfx->host, n);
	s->host[n] = '\0';
	return fact_span(s, "host.name", pfx->host, pfx->host + n);
}

/* Could [m, end) start a driver message with a PCI address, such as
 * "e1000e 0000:00:19.0 eno1: ..."?  Cheap, so every line can ask. */
static bool driver_prefix(const char *m, const char *end)
{
	const char *sp = memchr(m, ' ', (size_t)(end - m) < 24
					    ? (size_t)(end - m) : 24);
	if (!sp || end - sp < 8)
		return false;
	return ct_is_hex(sp[1]) && ct_is_hex(sp[2]) && (sp[3] == ':' ||
						  (ct_is_hex(sp[3]) &&
						   ct_is_hex(sp[4]) &&
						   sp[5] == ':'));
}

/* keyword_line() found no keyword it knows. */
static struct ct_error not_keyword;

/* A line known by its first word (r is the current report, or NULL):
 * handled, or &not_keyword. */
static struct ct_error *keyword_line(struct lx_state *s, struct report *r,
				     const char *m, const char *end)
{
	switch (*m) {
	case '-':
		if (starts(m, end, "---[ end ")) {
			s->after_end = r != NULL;
			return close_report(s);
		}
		if (starts(m, end, "------------[ cut here ]")) {
			if (r && r->trace_seen)
				return close_report(s);
			return NULL;
		}
		break;
	case 'b':
		/* kmemleak: "unreferenced object ..." then "backtrace:" */
		if (starts(m, end, "backtrace:"))
			return call_trace(s);
		break;
	case 'C':
		if (starts(m, end, "Call Trace:") ||
		    starts(m, end, "Call trace:"))
			return call_trace(s);
		if (starts(m, end, "CPU: ") && end - m > 5 && ct_is_digit(m[5]))
			return cpu_line(s, m, end);
		break;
	case 'R':
		if (starts(m, end, "RIP: "))
			return rip_line(s, m, end);
		break;
	case 'I':
		if (starts(m, end, "IP: "))
			return pc_line(s, m + 4, end, false);
		break;
	case 'E':
		if (starts(m, end, "EIP is at "))
			return pc_line(s, m + 10, end, false);
		break;
	case 'p':
		if (starts(m, end, "pc : "))
			return pc_line(s, m + 5, end, true);
		if (starts(m, end, "pstate: "))
			return arch_fact(s, true);
		break;
	case 'P':
		if (starts(m, end, "PC is at "))
			return pc_line(s, m + 9, end, false);
		break;
	case 'H':
		if (starts(m, end, "Hardware name: "))
			return fact_span(s, "linux.hardware", m + 15, end);
		break;
	case 'D':
		if (starts(m, end, "DMI: ") && find(m, end, ", BIOS "))
			return fact_span(s, "linux.hardware", m + 5, end);
		break;
	case 'M':
		if (starts(m, end, "Modules linked in:")) {
			/* 5.x+ print it after the trace, 4.x before */
			if (s->trace == TRACE_MAIN && r && r->trace_frames)
				s->trace = TRACE_NONE;
			return modules_line(s, m, end);
		}
		break;
	case 'L':
		if (starts(m, end, "Linux version "))
			return linux_version_line(s, m, end);
		if (starts(m, end, "Last potentially related work creation"))
			return aux_stack(s, m, end);
		break;
	case 'S':
		if (starts(m, end, "Second to last potentially related work"))
			return aux_stack(s, m, end);
		break;
	case 'A':
		if (starts(m, end, "Allocated by task "))
			return aux_stack(s, m, end);
		break;
	case 'F':
		if (starts(m, end, "Freed by task "))
			return aux_stack(s, m, end);
		break;
	case 'T':
		if (starts(m, end, "Tainted: "))
			return taint_release(s, m, end);
		break;
	case 'N':
		if (starts(m, end, "Not tainted "))
			return taint_release(s, m, end);
		break;
	default:
		break;
	}
	return &not_keyword;
}

/* Could classify(), keyword_line() or pc_form_line() know message m?
 * Their first words, all in one switch: most lines of a big log start
 * with none, and are then spared the three.  (Only the prefix of a word
 * needs to be here: the functions check the rest.) */
static bool may_be_keyword(const char *m, const char *end)
{
	switch (*m) {
	case 'A':
		return starts(m, end, "Allocated by task ");
	case 'B':
		return starts(m, end, "BUG: ");
	case 'C':
		return starts(m, end, "Call ") || starts(m, end, "CPU: ");
	case 'D':
		return starts(m, end, "DMI: ");
	case 'E':
		return starts(m, end, "EIP");
	case 'F':
		return starts(m, end, "Freed by task ");
	case 'H':
		return starts(m, end, "Hardware name: ");
	case 'I':
		return starts(m, end, "Internal error: ") ||
		       starts(m, end, "INFO: ") || starts(m, end, "IP: ") ||
		       starts(m, end, "IAOQ[0]: ");
	case 'K':
		return starts(m, end, "Kernel ") || starts(m, end, "Krnl ");
	case 'L':
		return starts(m, end, "Linux version ") ||
		       starts(m, end, "Last potentially ");
	case 'M':
		return starts(m, end, "Modules linked in:");
	case 'N':
		return starts(m, end, "NMI watchdog: ") ||
		       starts(m, end, "Not tainted ") || starts(m, end, "NIP ");
	case 'O':
		return starts(m, end, "Oops: ");
	case 'P':
		return starts(m, end, "PC is at ");
	case 'R':
		return starts(m, end, "RIP: ");
	case 'S':
		return starts(m, end, "Second to last ");
	case 'T':
		return starts(m, end, "Tainted: ");
	case 'U':
		return starts(m, end, "UBSAN: ") || starts(m, end, "Unable ");
	case 'W':
		return starts(m, end, "WARNING: ") ||
		       starts(m, end, "Watchdog ");
	case '-':
		return starts(m, end, "---");
	case 'b':
		return starts(m, end, "backtrace:");
	case 'e':
		return starts(m, end, "epc");
	case 'g':
		return starts(m, end, "general protection fault");
	case 'i':
		return starts(m, end, "invalid opcode: ");
	case 'k':
		return starts(m, end, "kernel BUG at ");
	case 'l':
		return starts(m, end, "list_");
	case 'p':
		return starts(m, end, "pc : ") || starts(m, end, "pstate: ");
	case 'r':
		return starts(m, end, "rcu: ");
	case 'w':
		return starts(m, end, "watchdog: ");
	default:
		return false;
	}
}

/* A line; marked says a marker (CT_LINUX_MARKERS) may lie in it. */
static struct ct_error *handle_line(struct lx_state *s, const char *lp,
				    size_t len, bool marked)
{
	struct ct_log_prefix pfx;
	prefix_parse(lp, len, &pfx);
	if (pfx.vmkernel)
		return hang_finish(s);	/* an ESXi line is never ours */
	struct ct_error *err = NULL;
	if (kernel_tagged(&pfx)) {
		s->kernel_lines++;
		err = host_fact(s, &pfx);
		if (err)
			return err;
	} else if (dmesg_stamped(&pfx)) {
		s->kernel_lines++;
	}
	const char *m = pfx.message, *end = m + pfx.message_len;
	if (s->hang.active) {
		if (hang_continuation(s, m, end))
			return NULL;
		err = hang_finish(s);
		if (err)
			return err;
	}
	m = ct_skip_blanks(m, end);
	if (m >= end)
		return NULL;
	struct report *r = current(s);
	if (may_be_keyword(m, end)) {
		const char *anchor;
		enum headline hl = classify(m, end, &anchor);
		if (hl != HL_NONE)
			return headline(s, hl, anchor, end, &pfx);
		err = keyword_line(s, r, m, end);
		if (err != &not_keyword)
			return err;
		err = NULL;
		if (pc_form_line(s, m, end, &err))
			return err;
	}
	if (s->trace == TRACE_NONE && arm_trace_start(m, end, marked)) {
		err = call_trace(s);
		if (err || starts(m, end, "Backtrace:"))
			return err;
	}
	if (s->trace != TRACE_NONE) {
		if (s->trace == TRACE_MAIN && r && starts(m, end, "</TASK>")) {
			s->trace = TRACE_NONE;
			return NULL;
		}
		return trace_line(s, m, end, marked);
	}
	/* driver_line() looks for markers */
	if (marked && ct_is_lower(*m) && driver_prefix(m, end))
		return driver_line(s, m, end, &pfx);
	return NULL;
}

/* ------------------------------------------------------------------------
 * After the pass: which report crashed
 * ------------------------------------------------------------------------ */

static int kind_rank(enum report_kind k)
{
	switch (k) {
	case RK_TRACE:
		return 0;
	case RK_WARNING:
	case RK_BUG:
		return 1;
	case RK_LOCKUP:
	case RK_HUNG_TASK:
		return 2;
	default:
		return 3;
	}
}

static bool eligible(const struct report *r)
{
	return !r->consequence && (r->message || r->bt != NONE);
}

static const struct report *pick_crash(const struct lx_state *s)
{
	const struct report *crash = NULL;
	size_t i;
	for (i = 0; i < s->report_count && !crash; i++)
		if (eligible(&s->reports[i]))
			crash = &s->reports[i];
	if (!crash)
		return NULL;
	size_t from = (size_t)(crash - s->reports) + 1;
	if (kind_rank(crash->kind) == 0) {
		for (i = from; i < s->report_count; i++)
			if (eligible(&s->reports[i]) &&
			    kind_rank(s->reports[i].kind) > 0) {
				crash = &s->reports[i];
				from = i + 1;
				break;
			}
	}
	if (kind_rank(crash->kind) == 1) {
		for (i = from; i < s->report_count; i++)
			if (eligible(&s->reports[i]) &&
			    kind_rank(s->reports[i].kind) == 3) {
				crash = &s->reports[i];
				break;
			}
	}
	return crash;
}

/* Mark the generic frames of our backtraces.  Old kernels print the oops
 * machinery (show_stack, die, do_page_fault) at the top of the Call Trace,
 * below the frame the EIP/RIP/PC line gave: a cut there must not take that
 * frame 0 with it, unless it is plumbing itself or the extractor had set
 * it aside already (an interrupted RIP). */
/* A trace in a text with no headline (a paste that starts below it) whose
 * every frame is "?" (kernels that unwind by scanning the stack mark all
 * of them so): the marks tell the frames nothing apart and nothing else is
 * left, so they are read as the trace, but for stale words (parse_frame).
 * Under a headline such a trace stays unreliable: the report types call
 * the report corrupted. */
static void trust_stack_scan(struct ct_backtrace *bt)
{
	if (bt->frame_count < 3)
		return;
	for (size_t k = 0; k < bt->frame_count; k++)
		if (bt->frames[k].reliable)
			return;
	for (size_t k = 0; k < bt->frame_count; k++)
		if (!bt->frames[k].generic)
			bt->frames[k].reliable = true;
}

static void mark_generic(struct lx_state *s)
{
	/* no report of the text has a headline: a paste of traces only */
	bool headless = true;
	for (size_t k = 0; k < s->report_count; k++)
		if (s->reports[k].kind != RK_TRACE)
			headless = false;
	for (size_t i = s->first_bt; i < s->c->backtrace_count; i++) {
		struct ct_backtrace *bt = &s->c->backtraces[i];
		if (headless)
			trust_stack_scan(bt);
		bool aside = bt->frame_count && bt->frames[0].generic;
		ct_backtrace_mark_generic(bt, CT_FAMILY_LINUX);
		bool from_register = false;
		for (size_t k = 0; k < s->report_count; k++)
			if (s->reports[k].bt == i && s->reports[k].frame0)
				from_register = true;
		struct ct_frame *f0 = bt->frame_count ? &bt->frames[0] : NULL;
		const char *name = f0 ? (f0->normalized ? f0->normalized
							: f0->function)
				      : NULL;
		if (from_register && !aside && f0->generic && name &&
		    !ct_frame_is_plumbing(name, CT_FAMILY_LINUX))
			f0->generic = false;
	}
}

/* The extractor's crash report, or the report a report type names when
 * one does (report.c): that one's headline, backtrace and type win. */
static struct ct_error *set_crash(struct lx_state *s)
{
	const struct report *crash = pick_crash(s);
	unsigned long *lines = NULL;
	if (s->report_count) {
		lines = calloc(s->report_count, sizeof(*lines));
		if (!lines)
			return &ct_enomem;
		for (size_t i = 0; i < s->report_count; i++)
			lines[i] = s->reports[i].line;
	}
	struct ct_linux_report typed;
	struct ct_error *err = ct_linux_report_classify(s->c, s->t, s->first_bt,
							lines, s->report_count,
							&s->marks, &typed);
	free(lines);
	if (err)
		return err;
	/* a fragment (a panic that only follows a cause) does not override
	 * a report the extractor read before it under a headline the types
	 * do not know */
	if (typed.typed && typed.fragment && crash && crash->line < typed.line) {
		ct_linux_report_deinit(&typed);
	}
	/* the extractor's report at the typed headline gives its details */
	if (typed.typed) {
		crash = NULL;
		for (size_t i = 0; i < s->report_count && !crash; i++)
			if (s->reports[i].line == typed.line)
				crash = &s->reports[i];
	}
	if (!crash && !typed.typed)
		return NULL;
	size_t bt = typed.typed ? typed.backtrace : crash->bt;
	if (bt != NONE) {
		for (size_t i = s->first_bt; i < s->c->backtrace_count; i++)
			s->c->backtraces[i].crashing = false;
		s->c->backtraces[bt].crashing = true;
	}
	char cpu[32];
	if (crash && crash->cpu >= 0)
		snprintf(cpu, sizeof(cpu), "CPU %ld", crash->cpu);
	struct ct_panic panic = {
		.kind = typed.typed ? (char *)typed.kind
				    : (char *)kind_names[crash->kind],
		.message = typed.typed ? typed.message : crash->message,
		.exception = crash && crash->exception[0]
				     ? (char *)crash->exception : NULL,
		.context = crash ? crash->comm : NULL,
		.cpu = crash && crash->cpu >= 0 ? cpu : NULL,
		.origin = origin(s, typed.typed ? typed.line : crash->line),
		.report_type = typed.type,
		.guilty = typed.guilty,
		.corrupted = typed.corrupted,
		.typed = typed.typed,
		.guilty_frame = typed.guilty_frame,
	};
	err = ct_case_set_panic(s->c, &panic);
	ct_linux_report_deinit(&typed);
	return err;
}

static struct ct_error *finish(struct lx_state *s)
{
	struct ct_error *err = hang_finish(s);
	if (!err)
		err = close_report(s);
	if (err)
		return err;
	mark_generic(s);
	err = set_crash(s);
	if (!err && s->dropped)
		err = ct_case_add_note(s->c, "'%s': more than %d kernel reports "
				       "or backtraces, %zu not kept",
				       s->t->path, MAX_REPORTS, s->dropped);
	if (!err && s->frames_capped)
		err = ct_case_add_note(s->c, "'%s': a kernel backtrace has more "
				       "than %d frames, frames from its middle "
				       "were dropped", s->t->path, CT_MAX_FRAMES);
	if (!err && (s->kernel_lines || s->report_count ||
		     s->c->backtrace_count > s->first_bt))
		err = ct_case_add_fact(s->c, "product", "linux",
				       origin(s, 0));
	return err;
}

/* The common line of a big kernel log, "[  12.345678] usb 1-1: new
 * device", when no marker lies in it, no trace or hang dump is being
 * read, and its message is none that handle_line() acts on: it is only
 * counted, as handle_line() would count it, without being parsed.
 * prefix_parse() also reads a second stamp or "kernel:" at the start of
 * the message (a " kernel: " further on is a marker), and blanks are
 * skipped: those go the long way. */
static bool plain_line(struct lx_state *s, const struct ct_scan_line *line)
{
	const char *lp = line->p, *le = lp + line->len;
	if (line->marked || s->hang.active || s->trace != TRACE_NONE)
		return false;
	const char *m = ct_log_plain_dmesg(lp, le);
	unsigned char c = m && m < le ? (unsigned char)*m : 0;
	if (c <= ' ' || c >= 0x7f || c == '[' || starts(m, le, "kernel:") ||
	    may_be_keyword(m, le) || arm_trace_start(m, le, false))
		return false;
	struct ct_log_prefix pfx = {
		.timestamp = lp,
		.timestamp_len = (size_t)(m - 1 - lp),
	};
	if (dmesg_stamped(&pfx))
		s->kernel_lines++;
	return true;
}

static bool on_line(void *arg, const struct ct_scan_line *line)
{
	struct lx_state *s = arg;
	s->line = line->number;
	ct_line_mark(&s->marks, line->number, line->p);
	if (line->hit) {
		const struct ct_text *t = s->t;
		if (t->events && !s->events_done)
			s->events_done = !ct_event_scan_line(t->events, line);
		if (t->esxi_panic && !*t->esxi_panic && line->marked)
			*t->esxi_panic = ct_esxi_panic_text(line->p, line->len);
	}
	if (plain_line(s, line))
		return true;
	s->err = handle_line(s, line->p, line->len, line->marked);
	return !s->err;
}

/* One pass over the lines (multiscan.h), which finds the markers too. */
static struct ct_error *linux_extract(struct ct_case *c,
				      const struct ct_text *t)
{
	struct lx_state *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->c = c;
	s->t = t;
	s->cur = NONE;
	s->aux_bt = NONE;
	s->first_bt = c->backtrace_count;
	ct_line_marks_init(&s->marks);
	assert(!t->events ||
	       ct_event_scan_set(t->events) == CT_SCAN_EVENTS_LINUX);
	struct ct_error *err = ct_multiscan_lines(CT_SCAN_LINUX, t->buf, t->len,
						  true, on_line, s);
	if (!err)
		err = s->err;
	if (!err)
		err = finish(s);
	if (s->hang.active) {
		ct_strbuf_deinit(&s->hang.text);
		free(s->hang.timestamp);
	}
	drop_caller(s);
	for (size_t i = 0; i < s->report_count; i++)
		report_deinit(&s->reports[i]);
	free(s->reports);
	free(s);
	return err;
}

/* ------------------------------------------------------------------------
 * Sniffing
 * ------------------------------------------------------------------------ */

/* The frame 0 lines of other archs, and an arm unwinder line: pastes of
 * those oopses often come without their headline or Call Trace header. */
static bool arch_sniff_line(const char *m, const char *end)
{
	const char *body = NULL;
	if (starts(m, end, "Krnl PSW : "))
		body = m + 11;
	else if (starts(m, end, "NIP ["))
		body = m + 4;
	else if (starts(m, end, "PC is at "))
		body = m + 9;
	else if (starts(m, end, "EIP is at "))
		body = m + 10;
	else if (starts(m, end, "IAOQ[0]: "))
		body = m + 9;	/* parisc */
	else
		return !starts(m, end, "Backtrace:") &&
		       arm_trace_start(m, end, true);
	/* "PC is at home" is no frame: an offset or an address is */
	struct ct_frame f;
	if (pc_frame(body, end, &f) <= 0)
		return false;
	bool frame = f.has_offset || f.has_address;
	ct_frame_deinit(&f);
	return frame;
}

/* Is the line at [p, end) something only a Linux kernel log says? */
static bool kernel_message(const char *p, const char *end, bool *ret_dmesg,
			   bool *ret_tagged)
{
	struct ct_log_prefix pfx;
	prefix_parse(p, (size_t)(end - p), &pfx);
	*ret_dmesg = *ret_tagged = false;
	if (pfx.vmkernel)
		return false;
	*ret_dmesg = dmesg_stamped(&pfx);
	*ret_tagged = kernel_tagged(&pfx);
	const char *m = ct_skip_blanks(pfx.message,
				       pfx.message + pfx.message_len);
	const char *me = pfx.message + pfx.message_len;
	const char *anchor;
	if (m >= me)
		return false;
	if (classify(m, me, &anchor) != HL_NONE)
		return true;
	if (starts(m, me, "Call Trace:") || starts(m, me, "Call trace:") ||
	    starts(m, me, "RIP: 0010:") || arch_sniff_line(m, me))
		return true;
	/* lockdep's "[ INFO: ... ]", "X invoked oom-killer:", SPL's VERIFY */
	if (ct_linux_report_headline(m, (size_t)(me - m)))
		return true;
	return (find(m, me, "Detected Hardware Unit Hang") ||
		find(m, me, "Detected Tx Unit Hang")) &&
	       ct_is_lower(*m);
}

/* A dmesg stamp "[  541.633164]" inside the line [p, end), not at its
 * start, with the six fraction digits printk writes: a log re-flowed by
 * a mailer runs several records into one line.  The stamp, or NULL. */
static const char *inner_stamp(const char *p, const char *end)
{
	for (const char *q = p + 1; q < end &&
	     (q = memchr(q, '[', (size_t)(end - q))); q++) {
		const char *e = q[-1] == ' ' ? ct_log_dmesg_stamp(q, end) : NULL;
		/* "NNN.dddddd]": six fraction digits */
		if (e && e - q >= 9 && e[-8] == '.')
			return q;
	}
	return NULL;
}

static bool linux_sniff(const char *buf, size_t len)
{
	const char *end = buf + len;
	const char *wend = buf + (len > SNIFF_WINDOW ? SNIFF_WINDOW : len);
	unsigned dmesg_lines = 0;
	struct ct_line_reader r;
	struct ct_line line;
	ct_line_reader_init(&r, buf, (size_t)(wend - buf));
	while (ct_line_next(&r, &line)) {
		bool dmesg, tagged;
		if (kernel_message(line.p, line.p + line.len, &dmesg, &tagged))
			return true;
		if (tagged || (dmesg && ++dmesg_lines >= 2))
			return true;
		/* re-flowed records: "autofs4 [  541.633164] CPU: 38 ..." */
		const char *le = line.p + line.len, *st = line.p;
		while ((st = inner_stamp(st, le))) {
			if (kernel_message(st, le, &dmesg, &tagged))
				return true;
			if (++dmesg_lines >= 3)
				return true;
		}
	}
	/* headlines further in: pasted reports inside a longer text */
	static const char *const anchors[] = {
		"BUG: ", "Oops", "general protection fault",
		"Kernel panic - not syncing", "Call Trace:", "Call trace:",
		"RIP: 0010:", "WARNING: CPU:", "Detected Hardware Unit Hang",
		"Detected Tx Unit Hang", "kernel BUG at", "INFO: task ",
		"hard LOCKUP", "Internal error: ", "Unable to handle kernel",
		"Krnl PSW : ", "PC is at ",
	};
	const char *aend = buf + (len > ANCHOR_WINDOW ? ANCHOR_WINDOW : len);
	if (aend <= wend)
		return false;
	for (size_t i = 0; i < CT_ARRAY_SIZE(anchors); i++) {
		const char *p = wend, *hit;
		/* back up so that a line cut by the window is seen whole */
		p = p - buf > 256 ? p - 256 : buf;
		for (int k = 0; k < SNIFF_ANCHORS &&
				(hit = ct_memstr(p, (size_t)(aend - p),
						 anchors[i])); k++) {
			const char *ls = hit;
			while (ls > buf && ls[-1] != '\n' && hit - ls < 1024)
				ls--;
			const char *le = memchr(hit, '\n', (size_t)(end - hit));
			if (!le)
				le = end;
			bool dmesg, tagged;
			if (kernel_message(ls, le, &dmesg, &tagged))
				return true;
			p = hit + 1;
		}
	}
	return false;
}

const struct ct_extractor ct_extractor_linux = {
	.kind = CT_KIND_LINUX_KERNEL_LOG,
	.sniff = linux_sniff,
	.extract = linux_extract,
};
