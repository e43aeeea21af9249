/* SPDX-License-Identifier: MIT */
/*
 * vmkernel.c - ESXi vmkernel.log, vmkwarning.log, the vmkernel-log.N
 * that vmkdump_extract writes, the "Panic Details" summary of a zdump, and
 * PSOD screen text pasted without log prefixes; also hostd.log and
 * vobd.log, whose prefixes say ESXi too (logline.c), for their events.
 *
 * What it reads (../shared/kb-facts/FORMATS-AND-FACTS.md section 1):
 *  - the panic line "@BlueScreen: ..." in every variant (#PF, #GP, machine
 *    check, NMI IPI, spin count, VMK_ASSERT / NOT REACHED / NOT_IMPLEMENTED,
 *    module asserts and panic strings), the "Panic Details:" / "Panic
 *    Message:" block, "Panic from another CPU" heartbeat panics, a bare
 *    "#PF Exception 14 in world ..." screen line, the coloured banner;
 *  - backtrace frame lines "[prefix]0xFP:[0xIP]Func@module#ver+0xOFF stack:"
 *    in every module form from ESX 4 (no module, "@vmkernel:nover") to 8.x;
 *  - text as people paste it: indented, TAB-indented, "'@'" blog escapes,
 *    markdown "\[", bare "[0xIP]Func@module" KB lines, placeholder and
 *    masked stamps ("YYYY-MM-DDTHH:MM:SS.514Z", "<YYYY-MM-DD>T<time>Z",
 *    "cpu##:####)"), logEFI copies, C string literals, and whole PSODs
 *    flattened into one line (cut back into their records);
 *  - gdb-style "#N Func" listings of vmkernel cores typed into KBs, when
 *    the gdb reader found nothing in the text;
 *  - vmklinux WARN_ON backtraces ("WARNING: at ...", vmk_LogBacktraceMessage)
 *    in a text without a panic: the report is that warning;
 *  - facts: ESXi version and build from the banner, host name, module
 *    versions printed in frames, driver versions printed at load (best
 *    effort: "<drv>: ... Driver - version X" / "driver version X").
 * Events (i40en MDD, dvfilter restore, ...) come from the shared catalogue,
 * which analyze_text() runs over every text; this file adds none itself.
 *
 * The work is one pass over the lines (multiscan.h), which also finds the
 * rare markers ("BlueScreen", "VMware ESX") wherever they are, and the
 * text's events when it is only a vmkernel.log (t->events): a line costs a
 * prefix parse and a switch on the first byte of its message, the markers
 * are looked for only on the lines that hold one, and the common line of
 * a big log, a plain prefix and a message nothing acts on, is only
 * counted (plain_line()).
 *
 * Which backtrace crashed: the first block of frame lines after the first
 * panic marker of the text (a later block from "Saved backtrace" or "pcpu N
 * Heartbeat NMI:" belongs to another CPU and does not count).  A log that
 * holds several PSODs (vmkernel.log kept across reboots) thus signs as its
 * first panic; the blocks of later panics are kept as other backtraces.  If
 * the crashing block holds nothing but panic/NMI plumbing (the CPU that was
 * only told to panic: NMI IPI, heartbeat, spin-out), or there is no block
 * but other CPUs' saved ones after the panic, the first saved block after
 * the panic with a real frame is the crashing one: it shows the CPU that
 * hung or held the lock.
 * Frames printed outside any panic (warnings, heartbeat complaints) are kept
 * only when the text has a panic, so that a healthy log has no title; a text
 * that is mostly frame lines (a pasted PSOD backtrace) is a panic by itself.
 *
 * The panic's report type comes from its message ("PSOD: #PF Exception 14",
 * "PSOD: NOT REACHED", "PSOD: Spin count exceeded", ...; psod_type()), so
 * the title reads "TYPE in GUILTY"; a crashing block of nothing but panic
 * plumbing names no frame, and the title is the type (or the message).
 */
#include <assert.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "analyzer/multiscan.h"
#include "analyzer/span.h"

enum {
	SNIFF_WINDOW = CT_VMKERNEL_SNIFF_WINDOW,
	SNIFF_ANCHORS = 64,		/* memmem hits sniff() checks */
	SCAN_SPAN = 4096,		/* bytes of one message we parse */
	MAX_BLOCKS = 256,		/* backtraces kept from one input */
	LABEL_LEN = 96,			/* bytes of a backtrace label */
	CONTEXT_LEN = 160,		/* bytes of a panic context */
	MAX_FACT_LEN = 64,		/* bytes of a version fact */
	MAX_BANNERS = 256,		/* banners parsed from one input */
	MAX_VERSION_LINES = 4096,	/* driver version lines parsed */
	PENDING_LINES = 8,		/* lines a backtrace header reaches */
	SPLIT_MIN = 100,		/* bytes of a line worth splitting */
	MAX_SEGMENTS = 1024,		/* records cut out of one line */
	TYPE_LEN = 64,			/* bytes of a PSOD report type */
};

/* ------------------------------------------------------------------------
 * Small span helpers
 * ------------------------------------------------------------------------ */

/* Does [p, end) start with s? */
static bool starts(const char *p, const char *end, const char *s)
{
	return ct_has_prefix(p, (size_t)(end - p), s);
}

/* memmem over a span given by its ends. */
static const char *find(const char *p, const char *end, const char *s)
{
	return p < end ? ct_memstr(p, (size_t)(end - p), s) : NULL;
}

/* Skip ANSI escape sequences (ESC [ ... final byte) and their caret form
 * "^[[...m" as pasted from `cat -v` or a KB page. */
static const char *skip_escapes(const char *p, const char *end)
{
	for (;;) {
		const char *q;
		if (end - p >= 2 && p[0] == '\x1b' && p[1] == '[')
			q = p + 2;
		else if (end - p >= 3 && p[0] == '^' && p[1] == '[' &&
			 p[2] == '[')
			q = p + 3;
		else
			return p;
		while (q < end && (ct_is_digit((unsigned char)*q) || *q == ';'))
			q++;
		if (q >= end || !(ct_is_alpha(*q)))
			return p;
		p = q + 1;
	}
}

/* Copy the span into a fixed buffer as printable text. */
static void copy_span(char *dst, size_t n, const char *p, size_t len)
{
	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[len] = '\0';
}

/* ------------------------------------------------------------------------
 * Log prefixes: ct_log_prefix_parse() reads them; KB pages mask every digit
 * of a prefix ("####-##-##T##:##:##.###Z cpu##:#######)"), which only this
 * extractor needs to read.
 * ------------------------------------------------------------------------ */

static bool is_masked_digit(int c)
{
	return ct_is_digit(c) || c == '#';
}

/* A timestamp a KB page masked or replaced by a placeholder, at p:
 * "####-##-##T##:##:##.###Z", "YYYY-MM-DDTHH:MM:SS.514Z",
 * "<YYYY-MM-DD>T<time>Z", "YYYY-MM-DDTHH:MM:SS".  Its end, or NULL. */
static const char *masked_stamp(const char *p, const char *end)
{
	const char *q = p;
	bool dash = false, clock = false;
	if (p >= end || !(is_masked_digit((unsigned char)*p) || *p == 'Y' ||
			  *p == '<'))
		return NULL;
	while (q < end && q - p < 40 && (ct_is_alnum((unsigned char)*q) ||
					 *q == '#' || *q == '<' || *q == '>' ||
					 *q == '-' || *q == ':' || *q == '.')) {
		if (*q == '-')
			dash = true;
		else if (*q == ':' || *q == 'T')
			clock = true;
		q++;
	}
	if (q - p < 10 || !dash || !clock || q >= end || *q != ' ')
		return NULL;
	return q;
}

/* "cpu##:####)" or "cpu3:2097460 opID=...)" with masked or real digits at
 * p: the message after it, or NULL.  Real digits fill ret's cpu/world. */
static const char *masked_cpu(const char *p, const char *end,
			      struct ct_log_prefix *ret)
{
	if (!starts(p, end, "cpu"))
		return NULL;
	const char *q = p + 3, *d = q;
	while (q < end && q - d < 12 && is_masked_digit((unsigned char)*q))
		q++;
	if (q == d || q >= end || *q != ':')
		return NULL;
	const char *cpu_end = q;
	const char *w = ++q;
	while (q < end && q - w < 20 && is_masked_digit((unsigned char)*q))
		q++;
	if (q == w)
		return NULL;
	const char *w_end = q;
	if (q < end && *q == ' ') {
		const char *limit = end - q > 96 ? q + 96 : end;
		q = memchr(q, ')', (size_t)(limit - q));
		if (!q)
			return NULL;
	}
	if (q >= end || *q != ')')
		return NULL;
	if (!memchr(d, '#', (size_t)(cpu_end - d))) {
		const char *c = d;
		unsigned long n;
		if (ct_parse_dec(&c, cpu_end, &n))
			ret->cpu = (long)(n > 100000 ? 100000 : n);
	}
	if (!memchr(w, '#', (size_t)(w_end - w))) {
		ret->world = w;
		ret->world_len = (size_t)(w_end - w);
	}
	return q + 1;
}

/* A masked prefix: a masked timestamp, then an ESXi 8 header
 * ("In(14) LogEFI[####]: ", "In(182) vmkernel: ") and/or "cpu##:###)";
 * or "cpu##:###)" alone; or a masked stamp with vobd's ':' before a
 * correlator ("YYYY-MM-DDTHH:MM:SS.###Z: [APDCorrelator] ").  The message
 * after it, or NULL. */
static const char *masked_prefix(const char *p, const char *end,
				 struct ct_log_prefix *ret)
{
	const char *q = masked_stamp(p, end);
	if (!q)
		return masked_cpu(p, end, ret);
	if (q[-1] == ':' && ct_log_is_vobd_message(q + 1, end))
		return q + 1;
	q++;
	bool header = false;
	if (end - q >= 4 && ct_is_upper(q[0]) && ct_is_lower(q[1]) && q[2] == '(') {
		const char *h = q + 3;
		while (h < end && h - q < 8 && is_masked_digit((unsigned char)*h))
			h++;
		if (h < end && *h == ')') {
			h++;
			if (h < end && *h == '+') {
				ret->continuation = true;
				h++;
			}
			h = ct_skip_blanks(h, end);
			const char *limit = end - h > 64 ? h + 64 : end;
			const char *colon = memchr(h, ':', (size_t)(limit - h));
			if (colon && !memchr(h, ' ', (size_t)(colon - h))) {
				q = ct_skip_blanks(colon + 1, end);
				header = true;
			}
		}
	}
	const char *m = masked_cpu(q, end, ret);
	if (m)
		return m;
	return header ? q : NULL;
}

/* ct_log_prefix_parse(), after any indentation, plus masked prefixes. */
static void prefix_parse(const char *p, size_t len, struct ct_log_prefix *ret)
{
	const char *end = p + len;
	const char *s = ct_skip_blanks(p, end);
	/* a screen kept as C string literals: "\n0x451a...:[0x4200...]..." */
	if (s < end && *s == '"') {
		s++;
		if (starts(s, end, "\\n"))
			s += 2;
	}
	ct_log_prefix_parse(s, (size_t)(end - s), ret);
	const char *m = ret->message, *me = m + ret->message_len;
	const char *q = NULL;
	if (m == s)
		q = masked_prefix(m, me, ret);
	else if (ret->vmkernel && m < me && *m == 'c')
		q = masked_cpu(m, me, ret);	/* "LogEFI: cpu#:####)" */
	if (q) {
		ret->vmkernel = true;
		ret->message = q;
		ret->message_len = (size_t)(me - q);
	}
}

/* ------------------------------------------------------------------------
 * Frame lines
 * ------------------------------------------------------------------------ */

/* What one frame line holds; spans point into the input. */
struct frame_line {
	const char *label;	/* "pcpu 118 Heartbeat NMI", or NULL */
	size_t label_len;
	const char *name;	/* function, or NULL when unknown/damaged */
	size_t name_len;
	const char *module;	/* "(i40en)", "vmkernel", ... or NULL */
	size_t module_len;
	const char *version;	/* "nover", "1.0.8.0.22667792", or NULL */
	size_t version_len;
	uint64_t ip, offset;
	bool has_ip, has_offset;
	bool terminator;	/* "[0x0] stack: 0x0": the end of a stack */
	bool complete;		/* the name is followed by '@', '+' or blank */
};

/* "0x" then address characters; masked ("0x####", "0xADDRESS1") parse as
 * not valid.  Returns false unless at least one character follows 0x. */
static bool scan_address(const char **p, const char *end, uint64_t *ret,
			 bool *ret_valid)
{
	const char *s = *p;
	if (end - s < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	s += 2;
	const char *digits = s;
	bool valid = true;
	uint64_t v = 0;
	while (s < end && (ct_is_alnum((unsigned char)*s) || *s == '#' ||
			   *s == '*')) {
		int c = (unsigned char)*s;
		if (!ct_is_hex(c))
			valid = false;
		else
			v = (v << 4) | (uint64_t)ct_hex_value(c);
		s++;
	}
	if (s == digits)
		return false;
	if (s - digits > 16)
		valid = false;
	*ret = valid ? v : 0;
	*ret_valid = valid;
	*p = s;
	return true;
}

/* A byte that ends a name, module or version token; a blog escaped "@" as
 * "'@'" ("be_char_ioctl'@'<None>#<None>"). */
static bool token_stop(const char *p, const char *end)
{
	return *p == '@' || *p == '+' || *p == '#' || ct_blank_len(p, end) ||
	       *p == ',' || *p == '"' ||
	       (*p == '\'' && end - p >= 2 && p[1] == '@');
}

/* A frame pointer masked without its "0x" ("####:[0x####]", logEFI
 * copies): moves *p past it. */
static bool scan_masked_fp(const char **p, const char *end)
{
	const char *s = *p;
	if (s >= end || (*s != '#' && *s != '*'))
		return false;
	while (s < end && (ct_is_hex((unsigned char)*s) || *s == '#' || *s == '*'))
		s++;
	*p = s;
	return true;
}

/* An opening or closing bracket at *p, maybe escaped ("\[" from markdown)
 * and with blanks before it ("0x#### : [0x####]", "[0x#### ]"). */
static bool scan_bracket(const char **p, const char *end, char bracket)
{
	const char *s = ct_skip_blanks(*p, end);
	if (s < end && *s == '\\')
		s++;
	if (s >= end || *s != bracket)
		return false;
	*p = s + 1;
	return true;
}

/* Parse "[label: ]0xFP:[0xIP][Func][@module[#version]][+0xOFF] stack: ...",
 * and the bare "[0xIP]Func@module+0xOFF" of KB pastes (a module needed). */
static bool parse_frame_line(const char *p, const char *end,
			     struct frame_line *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (end - p > SCAN_SPAN)
		end = p + SCAN_SPAN;
	const char *s = p;
	bool bare = false;
	if (*s == '[' || (*s == '\\' && end - s > 1 && s[1] == '[')) {
		bare = true;
	} else if (!starts(s, end, "0x") && *s != '#' && *s != '*') {
		/* "pcpu 118 Heartbeat NMI: 0x...": another CPU's frames */
		const char *limit = end - s > 128 ? s + 128 : end;
		const char *c = find(s, limit, ": 0x");
		if (!c || c == s)
			return false;
		ret->label = s;
		ret->label_len = (size_t)(c - s);
		s = c + 2;
	}
	uint64_t fp;
	bool valid;
	if (!bare) {
		if (!scan_address(&s, end, &fp, &valid) &&
		    !scan_masked_fp(&s, end))
			return false;
		s = ct_skip_blanks(s, end);
		if (s >= end || *s != ':')
			return false;
		s++;
	}
	if (!scan_bracket(&s, end, '[') ||
	    !scan_address(&s, end, &ret->ip, &ret->has_ip) ||
	    !scan_bracket(&s, end, ']'))
		return false;
	/* "[0x0] stack: 0x0", "[0x0]<unknown>": the bottom of the stack */
	if (ret->has_ip && ret->ip == 0) {
		ret->terminator = true;
		return !bare;
	}
	const char *n = s;
	while (s < end && !token_stop(s, end))
		s++;
	const char *mail = find(n, s, "[email");
	if (mail) {
		/* Cloudflare turned "Func@module" into "[email protected]":
		 * the frame stays, its name is unknown */
		const char *close = memchr(mail, ']', (size_t)(end - mail) < 48
					   ? (size_t)(end - mail) : 48);
		s = close ? close + 1 : end;
		ret->complete = close != NULL;
	} else {
		if (s > n && !(s - n == 9 && memcmp(n, "<unknown>", 9) == 0)) {
			ret->name = n;
			ret->name_len = (size_t)(s - n);
		}
		ret->complete = s < end;
	}
	bool quoted = starts(s, end, "'@'");
	if (quoted)
		s++;
	if (s < end && *s == '@') {
		const char *m = ++s;
		if (quoted)
			m = ++s;
		/* ESX 4 writes the version after a colon: "vmkernel:nover" */
		while (s < end && !token_stop(s, end) && *s != ':')
			s++;
		ret->module = m;
		ret->module_len = (size_t)(s - m);
	}
	if (s < end && (*s == '#' || (ret->module && *s == ':'))) {
		const char *v = ++s;
		while (s < end && !token_stop(s, end))
			s++;
		ret->version = v;
		ret->version_len = (size_t)(s - v);
	}
	if (starts(s, end, "+0x")) {
		s++;
		bool masked;
		if (ct_parse_hex(&s, end, &ret->offset, &masked))
			ret->has_offset = !masked;
	}
	if (bare)
		return ret->name && ret->module;
	/* "0xFP:[0xIP]" is enough; a labelled line must show more */
	return !ret->label || ret->name || ret->module || ret->has_offset ||
	       starts(ct_skip_blanks(s, end), end, "stack:");
}

/* "(i40en)" -> "i40en"; "<None>" and "" -> NULL.  Sets *ret_len. */
static const char *clean_module(const char *m, size_t len, size_t *ret_len)
{
	if (!m)
		return NULL;
	if (len >= 2 && m[0] == '(' && m[len - 1] == ')') {
		m++;
		len -= 2;
	}
	if (len == 0 || (len == 6 && memcmp(m, "<None>", 6) == 0))
		return NULL;
	*ret_len = len;
	return m;
}

/* A version worth a fact: starts with a digit, made of [0-9A-Za-z._-]. */
static bool real_version(const char *v, size_t len)
{
	if (!v || len == 0 || len > MAX_FACT_LEN || !ct_is_digit((unsigned char)v[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!ct_is_alnum((unsigned char)v[i]) && v[i] != '.' &&
		    v[i] != '_' && v[i] != '-')
			return false;
	return true;
}

/* "#0  LockCheckSpinCountInt", "#2 Heap_Free (heap=...)": a gdb-style
 * frame a KB typed without address or "in".  Fills ret's name. */
static bool listing_frame(const char *p, const char *end,
			  struct frame_line *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (p >= end || *p != '#')
		return false;
	const char *q = p + 1, *d = q;
	while (q < end && q - d < 4 && ct_is_digit((unsigned char)*q))
		q++;
	if (q == d || !ct_blank_len(q, end))
		return false;
	q = ct_skip_blanks(q, end);
	const char *n = q;
	if (q >= end || !(ct_is_alpha(*q) ||
			  *q == '_'))
		return false;
	while (q < end && q - n < 128 && (ct_is_alnum((unsigned char)*q) ||
					  *q == '_'))
		q++;
	const char *after = ct_skip_blanks(q, end);
	if (after < end && *after != '(')
		return false;
	ret->name = n;
	ret->name_len = (size_t)(q - n);
	ret->complete = true;
	return true;
}

/* Names that only vmkernel frames carry. */
static bool esxi_name(const char *n, size_t len)
{
	static const char *const prefixes[] = {
		"vmk_", "Lock_", "LockCheck", "SP_", "SPAcq", "User_",
		"UserSocket", "Net_", "CpuSched_", "World_", "Panic_", "Heap_",
		"DLM_", "FS3_", "Res6", "VSIP", "LinuxSocket_",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);
		if (len > pl && memcmp(n, prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Sniffing
 * ------------------------------------------------------------------------ */

/* "VMware ESX... [build-N" or "[Releasebuild-N" at p (p points at the
 * "VMware ESX" of a memmem hit). */
static bool banner_at(const char *p, const char *end)
{
	/* the PSOD banner brackets its build ("[build-N x86_64]"), which
	 * "vmware -vl" output ("VMware ESXi 8.0.3 build-N") does not */
	const char *limit = end - p > 64 ? p + 64 : end;
	return find(p, limit, "[build-") != NULL ||
	       find(p, limit, "[Releasebuild-") != NULL;
}

/* A panic exception printed without "@BlueScreen": "#PF Exception 14 in
 * world", "#GP Exception(13) in world", "EXCVEC_... Exception 0 in world". */
static bool exception_line_at(const char *world_hit, const char *buf)
{
	const char *from = world_hit - buf > 48 ? world_hit - 48 : buf;
	/* same line, and not inside a quoted string such as a gdb argument
	 * fmt="#GP Exception %d in world %d" */
	for (const char *q = world_hit; q > from; q--)
		if (q[-1] == '\n') {
			from = q;
			break;
		}
	if (memchr(from, '"', (size_t)(world_hit - from)))
		return false;
	return find(from, world_hit, " Exception") != NULL;
}

/* "WARNING: Heartbeat: 961: PCPU 40 ...", "WARNING: [Device] FW went
 * bad", "ALERT: hostd ...": a vmkernel warning after its prefix, not a
 * Linux "WARNING: CPU: 0 PID: 1 at ..." nor a WARN_ON "WARNING: at". */
static bool vmkernel_warning(const char *m, const char *me)
{
	m += starts(m, me, "WARNING: ") ? 9 : 7;
	if (starts(m, me, "CPU:") || starts(m, me, "at ") ||
	    starts(m, me, "possible") || starts(m, me, "suspicious"))
		return false;
	if (m < me && *m == '[')
		return memchr(m, ']', (size_t)(me - m)) != NULL;
	/* "Module: NNN:" or "Module: " */
	const char *q = m;
	while (q < me && (ct_is_alnum((unsigned char)*q) || *q == '_'))
		q++;
	return q > m && starts(q, me, ": ");
}

/* Does the text name ESXi? */
static bool esxi_words(const char *p, const char *end)
{
	static const char *const words[] = {
		"ESXi", "ESX ", "vmkernel", "PSOD", "Purple", "purple screen",
		"vmnic", "vmhba",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(words); i++)
		if (find(p, end, words[i]))
			return true;
	return false;
}

bool ct_vmkernel_sniff_start(const char *buf, size_t len)
{
	const char *end = buf + len;
	const char *wend = buf + (len > SNIFF_WINDOW ? SNIFF_WINDOW : len);
	if (find(buf, wend, "BlueScreen: "))
		return true;
	const char *p = buf, *hit;
	for (int i = 0; i < SNIFF_ANCHORS &&
			(hit = find(p, wend, " in world ")); i++) {
		if (exception_line_at(hit, buf))
			return true;
		p = hit + 1;
	}
	p = buf;
	for (int i = 0; i < SNIFF_ANCHORS &&
			(hit = find(p, wend, "VMware ESX")); i++) {
		if (banner_at(hit, end))
			return true;
		p = hit + 1;
	}
	/* line prefixes and frame lines */
	struct ct_line_reader r;
	struct ct_line line;
	bool warnings = false;
	unsigned listing = 0, listing_esxi = 0;
	ct_line_reader_init(&r, buf, (size_t)(wend - buf));
	while (ct_line_next(&r, &line)) {
		struct ct_log_prefix pre;
		prefix_parse(line.p, line.len, &pre);
		if (pre.vmkernel)
			return true;
		const char *m = ct_skip_blanks(pre.message,
					       pre.message + pre.message_len);
		const char *me = pre.message + pre.message_len;
		struct frame_line fl;
		if (m >= me)
			continue;
		if ((starts(m, me, "0x") || starts(m, me, "pcpu ") ||
		     *m == '[' || *m == '\\') &&
		    parse_frame_line(m, me, &fl) && !fl.terminator &&
		    (fl.module || find(m, me, " stack:")))
			return true;
		if (!warnings && (starts(m, me, "WARNING: ") ||
				  starts(m, me, "ALERT: ")))
			warnings = vmkernel_warning(m, me);
		if (*m == '#' && listing_frame(m, me, &fl)) {
			listing++;
			if (esxi_name(fl.name, fl.name_len))
				listing_esxi++;
			if (listing >= 3 && listing_esxi >= 2)
				return true;
		}
	}
	/* vmkernel WARNING lines quoted without prefixes, in a text that
	 * says it is about ESXi */
	return warnings && esxi_words(buf, wend);
}

bool ct_esxi_panic_text(const char *buf, size_t len)
{
	return ct_has_either(buf, len, "@BlueScreen", "Panic Details:");
}

/* Panic text anywhere in the text is a pass over all of it, so it is
 * looked for only once the start said nothing. */
static bool vmkernel_sniff(const char *buf, size_t len)
{
	return ct_vmkernel_sniff_start(buf, len) ||
	       ct_esxi_panic_text(buf, len);
}

/* ------------------------------------------------------------------------
 * Extraction state
 * ------------------------------------------------------------------------ */

/* Priority of the source that set a panic field: a stronger source
 * replaces a weaker one while the first panic is still being read. */
enum source_rank {
	RANK_NONE = 0,
	RANK_PREFIX,		/* the world/cpu of a log prefix */
	RANK_HEADER,		/* "Backtrace for current CPU #N, worldID=W" */
	RANK_DETAILS,		/* "Panic Details: ... on CPU N running world" */
	RANK_REMOTE,		/* "Panic from another CPU (cpu N, world W)" */
	RANK_BARE,		/* "#PF Exception 14 in world ..." on screen */
	RANK_BLUESCREEN,	/* "@BlueScreen: ..." */
};

/* The panic of the text as read so far. */
struct panic_state {
	bool seen;		/* a panic marker was read */
	bool frozen;		/* the first panic is complete: later markers
				 * belong to later panics */
	enum source_rank message_rank, context_rank, cpu_rank;
	char *message;		/* malloc'd */
	char exception[32];	/* "#PF", "assert", ... or "" */
	char context[CONTEXT_LEN];
	char cpu[32];
	unsigned long line;	/* line of the panic message */
};

/* One block of consecutive frame lines, built in a scratch case. */
struct block_meta {
	bool saved;		/* another CPU's saved backtrace */
	bool warning;		/* printed by a WARNING outside any panic */
	bool after_panic;	/* started after the first panic marker */
	bool crashing;
};

struct vmk_state {
	struct ct_case *c;
	const struct ct_text *t;
	struct ct_case *scratch;	/* holds the blocks until the end */
	struct block_meta meta[MAX_BLOCKS];
	bool in_block;			/* the last frame line opened/continued
					 * the last scratch backtrace */
	unsigned long last_frame_line;	/* line of the last frame line */
	char block_key[LABEL_LEN];	/* cpu/world/label of the block */
	char pending_saved[LABEL_LEN];	/* "Saved backtrace from: ..." */
	char pending_label[LABEL_LEN];	/* from "Backtrace for current CPU" */
	unsigned long pending_line;	/* line of the last such header */
	bool crash_chosen;		/* a block is the crashing one */
	bool blocks_dropped;
	unsigned long frame_lines;	/* lines that parsed as frames */
	unsigned long text_lines;	/* non-blank lines */
	bool saw_vmkernel;		/* any vmkernel-shaped evidence */
	bool host_done;
	unsigned banners;
	unsigned version_lines;
	struct panic_state panic;
	bool truncated_frame;		/* the last line was a cut frame */
	char *warning;			/* "WARNING: at ..." before any panic,
					 * malloc'd, or NULL */
	unsigned long warning_line;	/* its line */
	bool listing_ok;		/* read "#N Func" listings: the gdb
					 * extractor found no frames here */
	unsigned long segment;		/* number of the segment being read */
	unsigned long last_frame_segment; /* segment of the last frame */
	unsigned long line;		/* number of the line being read */
	struct ct_error *err;		/* what stopped the line pass */
	bool events_done;		/* t->events wants no more lines */
};

static struct ct_error *add_fact(struct vmk_state *s, const char *key,
				 const char *value, unsigned long line)
{
	return ct_case_add_fact(s->c, key, value,
				(struct ct_origin){ s->t->path, line });
}

/* Called at each panic marker: a marker after the crashing block was
 * chosen starts a later panic, which no longer changes the case's panic. */
static void panic_marker(struct vmk_state *s)
{
	if (s->crash_chosen)
		s->panic.frozen = true;
	s->panic.seen = true;
}

static struct ct_error *set_message(struct vmk_state *s, enum source_rank rank,
				    const char *p, size_t len,
				    const char *exception, unsigned long line)
{
	struct panic_state *ps = &s->panic;
	if (ps->frozen || rank <= ps->message_rank)
		return NULL;
	ct_trim(&p, &len);
	if (len == 0)
		return NULL; /* "@BlueScreen:" cut off: a panic, no message */
	char *m = ct_strndup_clean(p, len);
	if (!m)
		return &ct_enomem;
	free(ps->message);
	ps->message = m;
	ps->message_rank = rank;
	snprintf(ps->exception, sizeof(ps->exception), "%s", exception);
	ps->line = line;
	return NULL;
}

static void set_context(struct vmk_state *s, enum source_rank rank,
			const char *p, size_t len)
{
	struct panic_state *ps = &s->panic;
	if (ps->frozen || rank <= ps->context_rank || len == 0)
		return;
	copy_span(ps->context, sizeof(ps->context), p, len);
	ps->context_rank = rank;
}

static void set_cpu(struct vmk_state *s, enum source_rank rank,
		    unsigned long cpu)
{
	struct panic_state *ps = &s->panic;
	if (ps->frozen || rank <= ps->cpu_rank)
		return;
	snprintf(ps->cpu, sizeof(ps->cpu), "cpu%lu", cpu);
	ps->cpu_rank = rank;
}

/* Context from a log prefix: the world id alone. */
static void prefix_context(struct vmk_state *s, const struct ct_log_prefix *pre)
{
	if (pre->cpu >= 0)
		set_cpu(s, RANK_PREFIX, (unsigned long)pre->cpu);
	if (pre->world)
		set_context(s, RANK_PREFIX, pre->world, pre->world_len);
}

/* "in world 2097460:HELPER_UPLIN IP 0x..." -> "2097460:HELPER_UPLIN". */
static bool world_span(const char *p, const char *end, const char **ret,
		       size_t *ret_len)
{
	const char *w = find(p, end, " in world ");
	if (!w)
		return false;
	w += 10;
	const char *stop = end;
	static const char *const stops[] = { " IP ", " ip ", " @ ", " addr ",
					     " RIP ", " EIP " };
	for (size_t i = 0; i < CT_ARRAY_SIZE(stops); i++) {
		const char *q = find(w, stop, stops[i]);
		if (q)
			stop = q;
	}
	size_t len = (size_t)(stop - w);
	ct_trim(&w, &len);
	if (len == 0 || !(ct_is_digit((unsigned char)w[0]) || w[0] == '#'))
		return false;
	*ret = w;
	*ret_len = len;
	return true;
}

/* The exception a panic message names; buf (32 bytes) may hold it. */
static const char *classify(char *buf, const char *p, const char *end)
{
	if (p < end && *p == '#') {
		const char *q = p + 1;
		while (q < end && q - p < 8 && ct_is_upper(*q))
			q++;
		if (q - p >= 3) {
			copy_span(buf, 32, p, (size_t)(q - p));
			return buf;
		}
	}
	if (find(p, end, "Machine Check"))
		return "#MC";
	if (starts(p, end, "Failed at ") || find(p, end, "ASSERT") ||
	    (find(p, end, "assert ") && find(p, end, " failed")) ||
	    find(p, end, "NOT REACHED"))
		return "assert";
	if (find(p, end, "NOT_IMPLEMENTED"))
		return "not-implemented";
	if (find(p, end, "no heartbeat") || find(p, end, "have a heartbeat"))
		return "heartbeat";
	if (find(p, end, " locked up"))
		return "lockup";
	if (find(p, end, "NMI"))
		return "NMI";
	if (find(p, end, "pin count exceeded"))
		return "spinlock";
	if (starts(p, end, "BUG: ") || find(p, end, " BUG: "))
		return "BUG";
	const char *e = find(p, end, " Exception");
	if (e && e > p) {
		/* "EXCVEC_CUREL_SP_EL0_SYNCH Exception 0": the token */
		const char *b = e;
		while (b > p && b[-1] != ' ')
			b--;
		copy_span(buf, 32, b, (size_t)(e - b));
		return buf;
	}
	return "panic";
}

/* A line holding "BlueScreen:" at bs (the summary's "Panic Message:
 * @BlueScreen: ..." too); a later one of the same panic keeps the first. */
static struct ct_error *bluescreen_line(struct vmk_state *s,
					const struct ct_log_prefix *pre,
					const char *bs, const char *end,
					unsigned long line)
{
	if (end - bs > SCAN_SPAN)
		end = bs + SCAN_SPAN;
	const char *text = ct_skip_blanks(bs + 11, end);
	panic_marker(s);
	if (s->panic.frozen || s->panic.message_rank >= RANK_BLUESCREEN)
		return NULL;
	char exc_buf[32];
	const char *exc = classify(exc_buf, text, end);
	struct ct_error *err = set_message(s, RANK_BLUESCREEN, text,
					   (size_t)(end - text), exc, line);
	if (err)
		return err;
	/* the world the exception names, else the world that printed it */
	const char *w;
	size_t wlen;
	if (world_span(text, end, &w, &wlen))
		set_context(s, RANK_BLUESCREEN, w, wlen);
	else if (pre->world)
		set_context(s, RANK_BLUESCREEN, pre->world, pre->world_len);
	if (pre->cpu >= 0)
		set_cpu(s, RANK_BLUESCREEN, (unsigned long)pre->cpu);
	return NULL;
}

/* "Panic Details: Crash at TS on CPU 61 running world 2108172 -
 * Ens-Lcore-12. VMK Uptime:..." */
static void details_line(struct vmk_state *s, const char *p, const char *end)
{
	panic_marker(s);
	const char *cpu = find(p, end, " on CPU ");
	if (cpu) {
		const char *q = cpu + 8;
		unsigned long n;
		if (ct_parse_dec(&q, end, &n))
			set_cpu(s, RANK_DETAILS, n);
	}
	const char *w = find(p, end, "running world ");
	if (!w)
		return;
	w += 14;
	const char *q = w;
	unsigned long id;
	if (!ct_parse_dec(&q, end, &id))
		return;
	const char *id_end = q;
	char ctx[CONTEXT_LEN];
	if (starts(q, end, " - ")) {
		const char *name = q + 3;
		const char *stop = find(name, end, ". VMK");
		if (!stop) {
			stop = end;
			while (stop > name && stop[-1] != '.')
				stop--;
			if (stop > name)
				stop--;
			else
				stop = end;
		}
		snprintf(ctx, sizeof(ctx), "%.*s:%.*s", (int)(id_end - w), w,
			 (int)(stop - name < 100 ? stop - name : 100), name);
	} else {
		snprintf(ctx, sizeof(ctx), "%.*s", (int)(id_end - w), w);
	}
	set_context(s, RANK_DETAILS, ctx, strlen(ctx));
}

/* "Panic: 589: Panic from another CPU (cpu 78, world 2098897): ip=...":
 * cpu 78 asked for the panic (the heartbeat checker); the CPU that prints
 * the line is the one panicking. */
static struct ct_error *remote_panic_line(struct vmk_state *s,
					  const struct ct_log_prefix *pre,
					  const char *p, const char *end,
					  unsigned long line)
{
	panic_marker(s);
	if (pre->cpu >= 0)
		set_cpu(s, RANK_REMOTE, (unsigned long)pre->cpu);
	if (pre->world)
		set_context(s, RANK_REMOTE, pre->world, pre->world_len);
	return set_message(s, RANK_REMOTE, p, (size_t)(end - p), "NMI", line);
}

/* "Backtrace for current CPU #36, worldID=1001599386, fp=0x..." */
static void backtrace_header(struct vmk_state *s, const char *p,
			     const char *end)
{
	const char *h = find(p, end, "CPU #");
	if (!h)
		h = find(p, end, "CPU - "); /* "Backtrace for Current CPU - 5:" */
	unsigned long cpu = 0, world = 0;
	bool have_cpu = false, have_world = false;
	if (h) {
		const char *q = h + (h[4] == '#' ? 5 : 6);
		have_cpu = ct_parse_dec(&q, end, &cpu);
	}
	const char *w = find(p, end, "worldID=");
	const char *ws = NULL, *we = NULL;
	if (w) {
		ws = w + 8;
		we = ws;
		have_world = ct_parse_dec(&we, end, &world);
	}
	s->pending_line = s->line;
	if (have_cpu && have_world)
		snprintf(s->pending_label, sizeof(s->pending_label),
			 "cpu%lu world %lu", cpu, world);
	else if (have_cpu)
		snprintf(s->pending_label, sizeof(s->pending_label), "cpu%lu",
			 cpu);
	if (s->panic.seen && !s->crash_chosen) {
		if (have_cpu)
			set_cpu(s, RANK_HEADER, cpu);
		if (have_world)
			set_context(s, RANK_HEADER, ws, (size_t)(we - ws));
	}
}

/* "Saved backtrace from: pcpu 0 SpinLock spin out NMI" or "Saved
 * backtrace: pcpu 118 Heartbeat NMI": the next block is that CPU's. */
static void saved_header(struct vmk_state *s, const char *p, const char *end)
{
	const char *q = find(p, end, "Saved backtrace");
	if (!q)
		return;
	q += 15;
	if (starts(q, end, " from"))
		q += 5;
	if (q < end && *q == ':')
		q++;
	q = ct_skip_blanks(q, end);
	size_t len = (size_t)(end - q);
	ct_trim(&q, &len);
	while (len && q[len - 1] == ':')
		len--;
	s->pending_line = s->line;
	if (len == 0)
		copy_span(s->pending_saved, sizeof(s->pending_saved),
			  "saved backtrace", 15);
	else
		copy_span(s->pending_saved, sizeof(s->pending_saved), q, len);
}

/* Open a new block for frame line fl (key: its CPU and world, or its own
 * label), labelled by the header before it.  Past MAX_BLOCKS nothing is
 * opened and s->in_block stays false. */
static struct ct_error *open_block(struct vmk_state *s,
				   const struct ct_log_prefix *pre,
				   const struct frame_line *fl,
				   unsigned long line, const char *key)
{
	struct ct_case *sc = s->scratch;
	/* a header names the block that follows it closely */
	if (line - s->pending_line > PENDING_LINES) {
		s->pending_saved[0] = '\0';
		s->pending_label[0] = '\0';
	}
	if (sc->backtrace_count >= MAX_BLOCKS) {
		s->blocks_dropped = true;
		s->in_block = false;
		return NULL;
	}
	struct block_meta *m = &s->meta[sc->backtrace_count];
	memset(m, 0, sizeof(*m));
	m->saved = fl->label != NULL || s->pending_saved[0];
	m->after_panic = s->panic.seen;
	/* vmklinux WARN_ON and vmk_LogBacktraceMessage() print the
	 * backtrace of a warning: it is the report when no panic is */
	m->warning = !s->panic.seen &&
		     ((s->warning &&
		       line - s->warning_line <= PENDING_LINES) ||
		      (fl->name && fl->name_len == 23 &&
		       memcmp(fl->name, "vmk_LogBacktraceMessage",
			      23) == 0));
	char label[LABEL_LEN];
	if (s->pending_saved[0])
		snprintf(label, sizeof(label), "%s", s->pending_saved);
	else if (fl->label || key[0])
		snprintf(label, sizeof(label), "%s", key);
	else if (s->pending_label[0])
		snprintf(label, sizeof(label), "%s", s->pending_label);
	else
		label[0] = '\0';
	if (!m->saved && s->panic.seen && !s->panic.frozen &&
	    !s->crash_chosen) {
		m->crashing = true;
		s->crash_chosen = true;
		prefix_context(s, pre);
	}
	struct ct_backtrace *bt;
	struct ct_error *err = ct_case_add_backtrace(
		sc, label[0] ? label : NULL,
		(struct ct_origin){ s->t->path, line }, &bt);
	if (err)
		return err;
	s->pending_saved[0] = '\0';
	s->pending_label[0] = '\0';
	snprintf(s->block_key, sizeof(s->block_key), "%s", key);
	s->in_block = true;
	return NULL;
}

/* Add a frame line to the current block or open a new block. */
static struct ct_error *frame(struct vmk_state *s,
			      const struct ct_log_prefix *pre,
			      const struct frame_line *fl, unsigned long line,
			      bool last_line)
{
	s->frame_lines++;
	s->last_frame_line = line;
	s->last_frame_segment = s->segment;
	if (fl->terminator) {
		s->in_block = false;
		return NULL;
	}
	/* a cut last line keeps its frame only if the name is whole */
	if (last_line && !fl->complete) {
		s->truncated_frame = true;
		return NULL;
	}
	char key[LABEL_LEN];
	if (fl->label)
		copy_span(key, sizeof(key), fl->label, fl->label_len);
	else if (pre->cpu >= 0 && pre->world)
		snprintf(key, sizeof(key), "cpu%ld world %.*s", pre->cpu,
			 (int)(pre->world_len < 20 ? pre->world_len : 20),
			 pre->world);
	else
		key[0] = '\0';

	struct ct_case *sc = s->scratch;
	/* blank lines may sit between the frames of one block; any other
	 * line ends it (scan() clears in_block) */
	bool continues = s->in_block && strcmp(key, s->block_key) == 0;
	if (!continues) {
		struct ct_error *err = open_block(s, pre, fl, line, key);
		if (err || !s->in_block)
			return err;
	}
	struct ct_backtrace *bt = &sc->backtraces[sc->backtrace_count - 1];
	if (bt->frame_count >= CT_MAX_FRAMES)
		return NULL;
	/* a frame the log could not name stays, marked unreliable: its
	 * neighbour is not the crash */
	struct ct_frame f = {
		.number = -1,
		.reliable = fl->name != NULL,
		.address = fl->ip,
		.has_address = fl->has_ip,
		.offset = fl->offset,
		.has_offset = fl->has_offset,
	};
	size_t mod_len = 0;
	const char *mod = clean_module(fl->module, fl->module_len, &mod_len);
	struct ct_error *err = NULL;
	if (fl->name && !(f.function = ct_strndup_clean(fl->name,
							fl->name_len)))
		err = &ct_enomem;
	if (!err && mod && !(f.module = ct_strndup_clean(mod, mod_len)))
		err = &ct_enomem;
	if (!err)
		err = ct_backtrace_add_frame(bt, &f);
	ct_frame_deinit(&f);
	if (err)
		return err;
	/* "nsxt-vsip#1.0.8.0.22667792": the module's version */
	if (mod && mod_len < MAX_FACT_LEN &&
	    real_version(fl->version, fl->version_len)) {
		char key_buf[MAX_FACT_LEN + 32], value[MAX_FACT_LEN + 1];
		char name[MAX_FACT_LEN + 1];
		copy_span(name, sizeof(name), mod, mod_len);
		snprintf(key_buf, sizeof(key_buf), "module.%s.version", name);
		copy_span(value, sizeof(value), fl->version, fl->version_len);
		err = add_fact(s, key_buf, value, line);
	}
	return err;
}

/* A panic line printed without "@BlueScreen:": "#PF Exception 14 in
 * world ...", "PCPU 1 locked up. Failed to ack TLB invalidate." */
static struct ct_error *bare_panic_line(struct vmk_state *s,
					const struct ct_log_prefix *pre,
					const char *m, const char *me,
					unsigned long line)
{
	panic_marker(s);
	char exc_buf[32];
	const char *exc = classify(exc_buf, m, me);
	struct ct_error *err = set_message(s, RANK_BARE, m, (size_t)(me - m),
					   exc, line);
	if (err)
		return err;
	const char *w;
	size_t wlen;
	if (world_span(m, me, &w, &wlen))
		set_context(s, RANK_BARE, w, wlen);
	prefix_context(s, pre);
	return NULL;
}

/* "VMware ESXi 7.0.3 [Releasebuild-20036589 x86_64]" at p, on the line
 * that starts at ls. */
static struct ct_error *banner(struct vmk_state *s,
			       const struct ct_log_prefix *pre, const char *ls,
			       const char *p, const char *end,
			       unsigned long line)
{
	if (s->banners >= MAX_BANNERS)
		return NULL;
	s->banners++;
	const char *limit = end - p > 96 ? p + 96 : end;
	const char *q = p + 10;
	if (q < limit && *q == 'i')
		q++;
	if (q >= limit || *q != ' ')
		return NULL;
	q++;
	const char *ver = q;
	while (q < limit && (ct_is_digit((unsigned char)*q) || *q == '.'))
		q++;
	size_t ver_len = (size_t)(q - ver);
	q = ct_skip_blanks(q, limit);
	if (!starts(q, limit, "["))
		return NULL;
	q++;
	if (starts(q, limit, "Releasebuild-"))
		q += 13;
	else if (starts(q, limit, "build-"))
		q += 6;
	else
		return NULL;
	const char *build = q;
	while (q < limit && ct_is_digit((unsigned char)*q))
		q++;
	if (q == build)
		return NULL;
	char value[MAX_FACT_LEN];
	struct ct_error *err;
	copy_span(value, sizeof(value), build, (size_t)(q - build));
	if ((err = add_fact(s, "esxi.build", value, line)))
		return err;
	if (ver_len && ct_is_digit((unsigned char)ver[0]) &&
	    ver[ver_len - 1] != '.') {
		copy_span(value, sizeof(value), ver, ver_len);
		if ((err = add_fact(s, "esxi.version", value, line)))
			return err;
	}
	s->saw_vmkernel = true;
	/* "VMware ESXi 5.0.0 [Releasebuild-702118 x86_64] PCPU 18 locked up.
	 * ...": the screen's panic line run into its banner (KB 324947) */
	const char *close = memchr(q, ']', (size_t)(limit - q));
	if (close) {
		const char *m = ct_skip_blanks(close + 1, end);
		if ((starts(m, end, "PCPU ") && find(m, end, " locked up")) ||
		    (m < end && *m == '#' && find(m, end, " Exception")))
			return bare_panic_line(s, pre, m, end, line);
	}
	/* the banner in colour is the PSOD screen echoed into the log */
	if (p - ls > 256)
		ls = p - 256;
	if (ls < p && (find(ls, p, "\x1b[") || find(ls, p, "^[[")))
		panic_marker(s);
	return NULL;
}

/* "i40en: ... Driver - version 1.9.5" or "... driver version 1.9.5": the
 * driver's version, best effort.  name is the message's first token. */
static struct ct_error *driver_version(struct vmk_state *s, const char *p,
				       const char *end, unsigned long line)
{
	const char *colon = memchr(p, ':', (size_t)(end - p) < 33
				   ? (size_t)(end - p) : 33);
	if (!colon || colon == p)
		return NULL;
	for (const char *q = p; q < colon; q++)
		if (!ct_is_alnum((unsigned char)*q) && *q != '_' && *q != '-')
			return NULL;
	const char *v = find(colon, end, "version ");
	if (!v || !((v - colon >= 8 && memcmp(v - 8, "river - ", 8) == 0) ||
		    (v - colon >= 6 && memcmp(v - 6, "river ", 6) == 0)))
		return NULL;
	v += 8;
	if (s->version_lines >= MAX_VERSION_LINES)
		return NULL;
	s->version_lines++;
	const char *ve = v;
	while (ve < end && (ct_is_alnum((unsigned char)*ve) || *ve == '.' ||
			    *ve == '-' || *ve == '_'))
		ve++;
	if (!real_version(v, (size_t)(ve - v)) || colon - p > MAX_FACT_LEN)
		return NULL;
	char key[MAX_FACT_LEN + 32], value[MAX_FACT_LEN + 1];
	snprintf(key, sizeof(key), "driver.%.*s.version", (int)(colon - p), p);
	copy_span(value, sizeof(value), v, (size_t)(ve - v));
	return add_fact(s, key, value, line);
}

/* Could message() do anything with [m, me)?  Its first words say: a
 * frame line, a listing frame, or a word of its switch.  Cheap, so that a
 * line whose message says nothing need not be parsed (plain_line()). */
static bool message_may_act(const char *m, const char *me)
{
	switch (*m) {
	case '0':
	case 'p':
		return starts(m, me, "0x") || starts(m, me, "pcpu ");
	case '#':
	case '*':
	case '[':
	case '\\':
		return true;
	case 'W':
		return starts(m, me, "WARNING: at ");
	case 'P':
		return starts(m, me, "Panic") || starts(m, me, "PCPU ");
	case 'S':
		return starts(m, me, "Saved backtrace");
	case 'C':
		return starts(m, me, "Code start: ");
	case 'B':
		return starts(m, me, "Backtrace for ");
	case 'E':
		return starts(m, me, "EXCVEC");
	default:
		return false;
	}
}

/* One message (after the log prefix and blanks), at least one byte. */
static struct ct_error *message(struct vmk_state *s,
				const struct ct_log_prefix *pre,
				const char *m, const char *me,
				unsigned long line, bool last_line)
{
	struct frame_line fl;
	if (!message_may_act(m, me))
		return NULL;
	/* frame lines: "0xFP:[...", "pcpu N ...: 0x...", masked "####:[...",
	 * bare "[0xIP]Func@module" and markdown's "\\[0xIP\\]" */
	if ((starts(m, me, "0x") || starts(m, me, "pcpu ") || *m == '#' ||
	     *m == '*' || *m == '[' || *m == '\\') &&
	    parse_frame_line(m, me, &fl)) {
		s->saw_vmkernel = true;
		return frame(s, pre, &fl, line, last_line);
	}
	switch (*m) {
	case 'W':
		/* vmklinux's WARN_ON: "WARNING: at vmkdrivers/...:3717/
		 * netdev_watchdog() (inside vmklinux)", then a backtrace */
		if (starts(m, me, "WARNING: at ") && !s->panic.seen) {
			s->warning_line = line;
			free(s->warning);
			s->warning = ct_strndup_clean(m, (size_t)(me - m));
			if (!s->warning)
				return &ct_enomem;
		}
		break;
	case 'P':
		if (starts(m, me, "Panic Details:")) {
			details_line(s, m, me);
		} else if (starts(m, me, "Panic: ") ||
			   starts(m, me, "Panic from")) {
			/* "Panic: 589: Panic from another CPU ..." */
			const char *q = find(m, me, "Panic from another CPU");
			if (q)
				return remote_panic_line(s, pre, q, me, line);
			saved_header(s, m, me);
		} else if (starts(m, me, "PCPU ") &&
			   find(m, me, "no heartbeat")) {
			if (s->panic.seen && !s->panic.frozen &&
			    (!s->panic.exception[0] ||
			     strcmp(s->panic.exception, "NMI") == 0))
				snprintf(s->panic.exception,
					 sizeof(s->panic.exception),
					 "heartbeat");
		} else if (starts(m, me, "PCPU ") &&
			   find(m, me, " locked up. ")) {
			/* "PCPU 1 locked up. Failed to ack TLB invalidate."
			 * on a screen pasted without "@BlueScreen:" */
			return bare_panic_line(s, pre, m, me, line);
		}
		break;
	case 'S':
		if (starts(m, me, "Saved backtrace"))
			saved_header(s, m, me);
		break;
	case 'C':
		/* "Code start: 0x42003a200000 VMK uptime: 0:00:05:35.425":
		 * only a PSOD prints it, even when its panic line is gone */
		if (starts(m, me, "Code start: ") && find(m, me, "VMK uptime"))
			panic_marker(s);
		break;
	case 'B':
		if (starts(m, me, "Backtrace for "))
			backtrace_header(s, m, me);
		break;
	case '#':
	case 'E':
		/* a PSOD screen pasted without "@BlueScreen:" */
		if ((*m == '#' || starts(m, me, "EXCVEC")) &&
		    find(m, me, " in world ") &&
		    find(m, me < m + 64 ? me : m + 64, " Exception")) {
			return bare_panic_line(s, pre, m, me, line);
		} else if (*m == '#' && s->listing_ok &&
			   listing_frame(m, me, &fl)) {
			/* "#5  tcp_usr_shutdown": a KB's listing of a core */
			s->saw_vmkernel = true;
			return frame(s, pre, &fl, line, last_line);
		}
		break;
	default:
		break;
	}
	return NULL;
}

/* Might message [m, end) hold another record, for next_record() to cut
 * out?  Most lines hold neither "cpu" nor "[0x" after their prefix: one
 * pass says so. */
static bool may_hold_records(const char *m, const char *end)
{
	return m + 1 < end &&
	       ct_has_either(m + 1, (size_t)(end - m - 1), "cpu", "[0x");
}

/* Where a record that a paste ran into the previous one starts, after p
 * and before end: a "[stamp ]cpuN:W)" prefix, or a frame "0xFP:[0xIP]"
 * (" : [", ":\\[") that no prefix or label leads.  end if none.
 * KB pages and mail flatten whole PSODs into one line. */
static const char *next_record(const char *p, const char *end,
			       struct ct_log_prefix *own)
{
	const char *best = end;
	struct ct_log_prefix scratch;
	/* the segment's own prefix is not a record of its own */
	prefix_parse(p, (size_t)(end - p), own);
	p = ct_skip_blanks(own->message, end);
	if (!may_hold_records(p, end))
		return end;
	for (const char *q = p + 1; q < best && (q = find(q, best, "cpu"));
	     q += 3) {
		memset(&scratch, 0, sizeof(scratch));
		if (!masked_cpu(q, end, &scratch))
			continue;
		const char *start = q;
		/* the stamp before it belongs to the record */
		if (q - p >= 12 && q[-1] == ' ') {
			const char *t = q - 1;
			while (t > p && t[-1] != ' ' && q - t < 41)
				t--;
			if (masked_stamp(t, q) == q - 1)
				start = t;
		}
		if (start > p)
			best = start;
		break;
	}
	for (const char *q = p + 1; q < best && (q = find(q, best, "[0x"));
	     q += 3) {
		const char *c = q;
		if (c > p && c[-1] == '\\')
			c--;
		while (c > p && ct_blank_len(c - 1, end))
			c--;
		if (c <= p || c[-1] != ':')
			continue;
		c--;
		while (c > p && ct_blank_len(c - 1, end))
			c--;
		const char *h = c;
		while (h > p && c - h < 24 &&
		       (ct_is_hex((unsigned char)h[-1]) || h[-1] == '#' ||
			h[-1] == '*'))
			h--;
		if (h == c || h - p < 2 || h[-1] != 'x' || h[-2] != '0')
			continue;
		h -= 2;
		/* "cpu3:2)0x...:[", "pcpu 1 Heartbeat NMI: 0x...:[": one
		 * record with its prefix or label */
		const char *b = h;
		while (b > p && ct_blank_len(b - 1, end))
			b--;
		if (b == p || b[-1] == ')' || b[-1] == ':')
			continue;
		best = h;
		break;
	}
	return best;
}

/* One segment of a line: a whole line, or one record of a flattened
 * paste.  last says it ends the text without a newline, marked that a
 * marker lies in its line. */
static struct ct_error *segment(struct vmk_state *s, const char *lp,
				const char *le, unsigned long number, bool last,
				bool marked, const struct ct_log_prefix *parsed)
{
	struct ct_log_prefix pre;
	struct ct_error *err = NULL;
	if (parsed)
		pre = *parsed;	/* next_record() read [lp, le) already */
	else
		prefix_parse(lp, (size_t)(le - lp), &pre);
	s->segment++;
	const char *m = pre.message, *me = m + pre.message_len;
	m = skip_escapes(ct_skip_blanks(m, me), me);
	if (me - m > SCAN_SPAN)
		me = m + SCAN_SPAN;
	if (pre.vmkernel) {
		s->saw_vmkernel = true;
		if (pre.host && !s->host_done) {
			char host[256];
			copy_span(host, sizeof(host), pre.host, pre.host_len);
			s->host_done = true;
			err = add_fact(s, "host.name", host, number);
		}
	}
	if (m < me) {
		s->text_lines++;
		if (!err)
			err = message(s, &pre, m, me, number, last);
		/* any line but a frame or a blank ends a block, except the
		 * rest of a frame line split in two (" stack: 0x...",
		 * "@vmkernel#nover+0x50 stack: ...") */
		bool rest = s->last_frame_segment + 1 == s->segment &&
			    (starts(m, me, "stack:") ||
			     (*m == '@' && !starts(m, me, "@BlueScreen")));
		if (s->last_frame_segment != s->segment && !rest)
			s->in_block = false;
		if (rest)
			s->last_frame_segment = s->segment;
	}
	if (!marked)
		return err;
	/* the rare markers (CT_VMKERNEL_MARKERS), wherever they are in the
	 * segment; none spans two (a record starts at a stamp's digit, 'Y'
	 * or '<', at "cpu" or at "0x": no marker holds one) */
	static const char *const versions[] = { "river - version ",
						"river version " };
	for (size_t k = 0; k < CT_ARRAY_SIZE(versions); k++)
		if (!err && m < me && ct_is_lower(*m) &&
		    find(lp, le, versions[k]))
			err = driver_version(s, m, me, number);
	const char *bs = err ? NULL : find(lp, le, "BlueScreen:");
	if (bs)
		err = bluescreen_line(s, &pre, bs, le, number);
	for (const char *b = lp; !err && (b = find(b, le, "VMware ESX"));
	     b += 10)
		if (banner_at(b, le))
			err = banner(s, &pre, lp, b, le, number);
	return err;
}

/* A line, cut into its records when a paste ran them together. */
static struct ct_error *read_line(struct vmk_state *s,
				  const struct ct_scan_line *line)
{
	const char *lp = line->p, *le = line->p + line->len;
	struct ct_error *err = NULL;
	s->line = line->number;
	for (unsigned segments = 0; !err; segments++) {
		const char *se = le;
		struct ct_log_prefix own;
		bool parsed = false;
		if (le - lp > SPLIT_MIN && segments < MAX_SEGMENTS) {
			se = next_record(lp, le, &own);
			parsed = se == le;
		}
		err = segment(s, lp, se, line->number, line->last && se == le,
			      line->marked, parsed ? &own : NULL);
		if (se >= le)
			break;
		lp = se;
	}
	return err;
}

/* The common line of a large log, "2025-02-03T10:00:00.123Z
 * cpu7:2097733)ScsiDeviceIO: ...", when no marker lies in it and its
 * message is none that message() acts on: segment() would only count it,
 * so it is counted so, without being parsed.  segment() also skips
 * blanks and escapes at the start of a message, reads a masked
 * "cpu#:#)" there as a prefix, keeps a block open for "@" and "stack:"
 * (the rest of a frame line split in two), and next_record() cuts other
 * records out of a long line: those go the long way. */
static bool plain_line(struct vmk_state *s, const char *lp, const char *le)
{
	const char *m = ct_log_plain_vmkernel(lp, le);
	unsigned char c = m && m < le ? (unsigned char)*m : 0;
	if (c <= ' ' || c >= 0x7f || c == '^' || c == 'c' || c == '@' ||
	    starts(m, le, "stack:") || message_may_act(m, le) ||
	    (le - lp > SPLIT_MIN && may_hold_records(m, le)))
		return false;
	s->segment++;
	s->saw_vmkernel = true;
	s->text_lines++;
	s->in_block = false;
	return true;
}

static bool on_line(void *arg, const struct ct_scan_line *line)
{
	struct vmk_state *s = arg;
	if (line->hit && s->t->events && !s->events_done)
		s->events_done = !ct_event_scan_line(s->t->events, line);
	if (!line->marked && plain_line(s, line->p, line->p + line->len))
		return true;
	s->err = read_line(s, line);
	return !s->err;
}

/* Walk the lines once, parsing only those that may matter; the text's
 * events on the same pass when analyze_text() asks (t->events).  A line
 * an event literal hits goes to the event scan; it is parsed only if it
 * would be without the event (a marker, or what plain_line() refuses). */
static struct ct_error *scan(struct vmk_state *s)
{
	assert(!s->t->events ||
	       ct_event_scan_set(s->t->events) == CT_SCAN_EVENTS_ESXI);
	struct ct_error *err = ct_multiscan_lines(CT_SCAN_VMKERNEL, s->t->buf,
						  s->t->len, true, on_line, s);
	return err ? err : s->err;
}

/* "2097460:HELPER_UPLIN" -> "2097460". */
static void world_id(const char *context, char *ret, size_t n)
{
	size_t len = strcspn(context, ":");
	copy_span(ret, n, context, len);
}

/* Does bt name a frame that is not panic plumbing?  The generic-frame
 * list only cuts the panic functions when a real frame follows them, so
 * ask it about a shallow copy of bt with a real frame appended.  Returns
 * true when memory runs out (keep the block as it is). */
static bool has_real_frame(const struct ct_backtrace *bt)
{
	static char sentinel[] = "(sentinel)";
	struct ct_frame *frames = calloc(bt->frame_count + 1, sizeof(*frames));
	if (!frames)
		return true;
	for (size_t i = 0; i < bt->frame_count; i++) {
		frames[i].function = bt->frames[i].function;
		frames[i].normalized = bt->frames[i].normalized;
		frames[i].reliable = bt->frames[i].reliable;
	}
	frames[bt->frame_count] = (struct ct_frame){
		.function = sentinel, .normalized = sentinel, .reliable = true,
	};
	struct ct_backtrace copy = {
		.frames = frames, .frame_count = bt->frame_count + 1,
	};
	ct_backtrace_mark_generic(&copy, CT_FAMILY_ESXI);
	bool real = false;
	for (size_t i = 0; i < bt->frame_count; i++)
		if (!frames[i].generic && frames[i].function)
			real = true;
	free(frames);
	return real;
}

/* The CPU that prints a heartbeat, NMI IPI or spin-out PSOD is only the
 * messenger (its stack is the checker's, or nothing but panic and NMI
 * plumbing): the first saved backtrace of another CPU after the panic, if
 * it names a real frame, shows the CPU that hung or held the lock.  Any
 * other crashing block hands over only when it is all plumbing. */
static void hand_over(struct vmk_state *s, struct ct_backtrace *bts, size_t n)
{
	size_t crash = n;
	for (size_t i = 0; i < n; i++)
		if (bts[i].crashing)
			crash = i;
	const char *exc = s->panic.exception;
	bool messenger = strcmp(exc, "heartbeat") == 0 ||
			 strcmp(exc, "NMI") == 0 ||
			 strcmp(exc, "lockup") == 0 ||
			 strcmp(exc, "spinlock") == 0;
	if (crash == n || (!messenger && has_real_frame(&bts[crash])))
		return;
	for (size_t i = 0; i < n; i++) {
		if (i != crash && s->meta[i].saved && s->meta[i].after_panic &&
		    has_real_frame(&bts[i])) {
			bts[crash].crashing = false;
			bts[i].crashing = true;
			return;
		}
	}
}

/* The report type of the panic, as a triager names a PSOD: "PSOD: #PF
 * Exception 14", "PSOD: NOT REACHED", "PSOD: Spin count exceeded" ...; or
 * NULL when the message names none (a module's own panic string).  buf
 * holds it when it is not a literal. */
static const char *psod_type(const struct panic_state *ps, char *buf,
			     size_t n)
{
	const char *m = ps->message;
	if (!m)
		return NULL;
	const char *me = m + strlen(m);
	if (find(m, me, "NOT REACHED"))
		return "PSOD: NOT REACHED";
	if (find(m, me, "NOT_IMPLEMENTED"))
		return "PSOD: NOT_IMPLEMENTED";
	if (find(m, me, "Machine Check"))
		return "PSOD: Machine Check Exception";
	if (find(m, me, "LINT1"))
		return "PSOD: LINT1/NMI";
	if (find(m, me, "pin count exceeded"))
		return "PSOD: Spin count exceeded";
	/* "didn't have a heartbeat ... *may* be locked up": a heartbeat */
	if (strcmp(ps->exception, "heartbeat") == 0 ||
	    find(m, me, "heartbeat"))
		return "PSOD: Heartbeat";
	if (find(m, me, " locked up"))
		return "PSOD: PCPU locked up";
	if (find(m, me, "NMI IPI"))
		return "PSOD: NMI IPI";
	if (find(m, me, "Panic from another CPU"))
		return "PSOD: Panic from another CPU";
	if (strcmp(ps->exception, "assert") == 0)
		return "PSOD: ASSERT";
	if (strcmp(ps->exception, "BUG") == 0)
		return "PSOD: BUG";
	/* "#PF Exception 14", "#GP Exception(13)", "EXCVEC_... Exception 0":
	 * the token and the vector, without the parentheses */
	const char *e = find(m, me, " Exception");
	if (e && e - m < 48) {
		const char *b = e;
		while (b > m && b[-1] != ' ')
			b--;
		const char *v = e + 10;
		if (v < me && (*v == ' ' || *v == '('))
			v++;
		const char *ve = v;
		while (ve < me && ct_is_digit((unsigned char)*ve) && ve - v < 4)
			ve++;
		if (e > b && ve > v) {
			snprintf(buf, n, "PSOD: %.*s Exception %.*s",
				 (int)(e - b), b, (int)(ve - v), v);
			return buf;
		}
	}
	return NULL;
}

/* Move the blocks from the scratch case into the case, decide which one
 * crashed, and record the panic. */
/* Copy the n scratch backtraces to the case, labelled by their CPU and
 * world when they crashed. */
static struct ct_error *copy_backtraces(struct vmk_state *s, size_t n)
{
	struct ct_case *sc = s->scratch, *c = s->c;
	struct panic_state *ps = &s->panic;
	struct ct_error *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		struct ct_backtrace *from = &sc->backtraces[i], *bt;
		char label[LABEL_LEN];
		if (from->label) {
			snprintf(label, sizeof(label), "%s", from->label);
		} else if (s->meta[i].crashing && ps->cpu[0] &&
			   ps->context[0]) {
			char world[32];
			world_id(ps->context, world, sizeof(world));
			snprintf(label, sizeof(label), "%s world %s", ps->cpu,
				 world);
		} else if (s->meta[i].crashing && ps->cpu[0]) {
			snprintf(label, sizeof(label), "%s", ps->cpu);
		} else {
			snprintf(label, sizeof(label), "backtrace");
		}
		err = ct_case_add_backtrace(c, label, from->origin, &bt);
		if (err)
			break;
		bt->crashing = s->meta[i].crashing;
		for (size_t j = 0; j < from->frame_count && !err; j++)
			err = ct_backtrace_add_frame(bt, &from->frames[j]);
		if (!err)
			ct_backtrace_mark_generic(bt, CT_FAMILY_ESXI);
	}
	return err;
}

/* The panic (or the warning, warn < n) of the case from the n backtraces
 * at base, and notes on what was not recorded. */
static struct ct_error *set_psod(struct vmk_state *s, size_t n, size_t base,
				 size_t warn)
{
	struct ct_case *sc = s->scratch, *c = s->c;
	struct panic_state *ps = &s->panic;
	struct ct_error *err;
	char type[TYPE_LEN];
	struct ct_panic panic = {
		.kind = "PSOD",
		.message = ps->message,
		.exception = ps->exception[0] ? ps->exception : NULL,
		.context = ps->context[0] ? ps->context : NULL,
		.cpu = ps->cpu[0] ? ps->cpu : NULL,
		.origin = { s->t->path, ps->line },
	};
	const char *rt = psod_type(ps, type, sizeof(type));
	/* no panic line, but the stack says a spin lock timed out */
	for (size_t i = 0; !rt && !ps->message && i < n; i++) {
		const struct ct_backtrace *bt = &c->backtraces[base + i];
		const char *top = bt->crashing && bt->frame_count
				  ? bt->frames[0].normalized : NULL;
		if (top && (strcmp(top, "LockCheckSpinCountInt") == 0 ||
			    strcmp(top, "Lock_CheckSpinCount") == 0))
			rt = "PSOD: Spin count exceeded";
	}
	if (rt && rt != type)
		snprintf(type, sizeof(type), "%s", rt);
	panic.report_type = rt ? type : NULL;
	if (warn < n) {
		panic.kind = "warning";
		panic.message = s->warning;
		panic.report_type = "WARNING";
		panic.origin = (struct ct_origin){ s->t->path,
						   s->warning_line };
	}
	if (!panic.origin.line && n)
		panic.origin = sc->backtraces[warn < n ? warn : 0].origin;
	err = ct_case_set_panic(c, &panic);
	if (!err && s->blocks_dropped)
		err = ct_case_add_note(c, "'%s': more than %d backtraces, "
				       "later ones not recorded", s->t->path,
				       MAX_BLOCKS);
	if (!err && s->truncated_frame)
		err = ct_case_add_note(c, "'%s': the last frame line is cut "
				       "off; its frame was not recorded",
				       s->t->path);
	return err;
}

static struct ct_error *commit(struct vmk_state *s)
{
	struct ct_case *sc = s->scratch, *c = s->c;
	struct panic_state *ps = &s->panic;
	size_t n = sc->backtrace_count;
	struct ct_error *err = NULL;
	bool frames_only = !ps->seen && n &&
			   s->frame_lines * 2 >= s->text_lines;

	size_t warn = n;
	for (size_t i = 0; !ps->seen && i < n; i++)
		if (s->meta[i].warning && sc->backtraces[i].frame_count) {
			warn = i;
			frames_only = false;	/* a warning's backtrace */
			break;
		}
	if (!ps->seen && !frames_only && warn == n) {
		if (n)
			return ct_case_add_note(
				c, "'%s': %zu backtrace(s) outside a panic "
				"not recorded", s->t->path, n);
		return NULL;
	}
	if (frames_only && n) {
		s->meta[0].crashing = true;
	} else if (warn < n) {
		s->meta[warn].crashing = true;
	} else if (!s->crash_chosen) {
		/* only other CPUs' saved frames after the panic (heartbeat):
		 * the first of them shows the CPU that hung */
		for (size_t i = 0; i < n; i++) {
			if (s->meta[i].after_panic &&
			    sc->backtraces[i].frame_count) {
				s->meta[i].crashing = true;
				break;
			}
		}
	}
	size_t base = c->backtrace_count;
	err = copy_backtraces(s, n);
	if (err)
		return err;
	if (n && warn == n)
		hand_over(s, c->backtraces + base, n);
	/* a crashing block of nothing but panic plumbing names no frame:
	 * the title comes from the panic message */
	for (size_t i = 0; i < n; i++) {
		struct ct_backtrace *bt = &c->backtraces[base + i];
		if (!bt->crashing || has_real_frame(bt))
			continue;
		for (size_t j = 0; j < bt->frame_count; j++)
			if (ct_frame_is_plumbing(bt->frames[j].normalized,
						 CT_FAMILY_ESXI))
				bt->frames[j].generic = true;
	}
	return set_psod(s, n, base, warn);
}

static struct ct_error *vmkernel_extract(struct ct_case *c,
					 const struct ct_text *t)
{
	struct vmk_state *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->c = c;
	s->t = t;
	/* "#N Func" listings are the gdb extractor's when it read the text */
	s->listing_ok = true;
	for (size_t i = 0; i < c->backtrace_count; i++)
		if (c->backtraces[i].origin.path == t->path)
			s->listing_ok = false;
	struct ct_error *err = ct_case_create("scratch", &s->scratch);
	if (err)
		goto out;
	if (t->len)
		err = scan(s);
	if (!err)
		err = commit(s);
	if (!err && (s->saw_vmkernel || s->panic.seen ||
		     s->scratch->backtrace_count))
		err = add_fact(s, "product", "esxi", 0);
	/* events: analyze_text() runs ct_events_scan() once per text, or,
	 * when this is the only kind of the text, scan() feeds t->events */
out:
	ct_case_destroy(s->scratch);
	free(s->panic.message);
	free(s->warning);
	free(s);
	return err;
}

const struct ct_extractor ct_extractor_vmkernel = {
	.kind = CT_KIND_VMKERNEL_LOG,
	.sniff = vmkernel_sniff,
	.extract = vmkernel_extract,
};
