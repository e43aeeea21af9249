/* SPDX-License-Identifier: MIT */
/*
 * unwrap.c - take a pasted text out of what it was pasted into, before any
 * extractor sniffs it: e-mail and markdown quoting ("> ", "> > ", ">> ",
 * "| "), markdown code fences and the <pre>/<code>/<details> lines of
 * GitHub issues, HTML character references ("&lt;IRQ&gt;", "&amp;",
 * "&quot;", "&#39;", "&#x27;"), pager noise ("--More--", less's
 * "lines 1-40" status and "(END)", gdb's "--Type <RET> for more"), and
 * JSON log records (journalctl -o json and json-pretty, Docker's
 * json-file, GCP's exports: each record's message, see below).
 *
 * The wrappers are decided once per file by one pass over its lines (the
 * first SURVEY_WINDOW bytes of them): a quote marker on several lines (for
 * "| ", on most of them), a fence or pager line anywhere, a character
 * reference anywhere.  A file with none of them (a plain dmesg, a
 * vmkernel.log) is read where it is: no copy.
 * Otherwise a second pass writes every line, unwrapped, into one buffer
 * no larger than the input, line for line: line N of the result is line N
 * of the input, so every origin and "why" line still names the line a
 * person sees in the original file.  A wrapper-only line (a fence, a pager
 * prompt) becomes an empty line.
 *
 * Per-line log prefixes (syslog, dmesg, serial-console stamps) are not
 * wrappers: ct_log_prefix_parse() reads them.
 */
#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/span.h"

/* Pastes are small: a text that shows no wrapper in its first SURVEY_WINDOW
 * bytes is a log file, read as it is, and a large log costs no more than
 * this to look at. */
enum { SURVEY_WINDOW = 4 << 20 };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Quote markers at the start of [p, end): up to three blanks, then '>'
 * (or '|' when pipes quote this file) each followed by at most one
 * blank, repeated: "> ", ">> ", "> > ", "| ".  The first byte after them,
 * or p when the line is not quoted.  A "|" line that also ends with '|'
 * is a table row, not a quote. */
static const char *quote_end(const char *p, const char *end, bool pipes)
{
	const char *q = p;
	while (q < end && q - p < 3 && *q == ' ')
		q++;
	const char *after = p;
	while (q < end) {
		if (*q == '>') {
			q++;
		} else if (pipes && *q == '|' &&
			   (q + 1 == end || is_blank(q[1])) && end[-1] != '|') {
			q++;
		} else {
			break;
		}
		if (q < end && is_blank(*q))
			q++;
		after = q;
		/* "> > x": a blank between markers */
		const char *r = q;
		while (r < end && *r == ' ' && r - q < 2)
			r++;
		if (r < end && (*r == '>' || (pipes && *r == '|')))
			q = r;
		else
			break;
	}
	return after;
}

/* Is [p, end) a markdown code fence ("```", "```text", "~~~")?  The
 * position after the fence characters, or NULL. */
static const char *fence_at(const char *p, const char *end)
{
	p = ct_skip_blanks(p, end);
	if (end - p < 3 || !((p[0] == '`' && p[1] == '`' && p[2] == '`') ||
			     (p[0] == '~' && p[1] == '~' && p[2] == '~')))
		return NULL;
	char c = p[0];
	while (p < end && *p == c)
		p++;
	return p;
}

/* Does a fence's info string [p, end) look like one ("text", "console",
 * "dmesg" or nothing), rather than the pasted text itself? */
static bool info_string(const char *p, const char *end)
{
	p = ct_skip_blanks(p, end);
	const char *q = p;
	while (q < end && !is_blank(*q) && *q != '`' && q - p <= 24)
		q++;
	return ct_skip_blanks(q, end) == end && q - p <= 24;
}

/* Is [p, end) only HTML or GitHub markup around a paste: known tags
 * ("<details>", "<summary>dmesg</summary>", "<pre>", "</code>", "<br>")
 * with blanks between them and a title inside <summary>?  A kernel's
 * "<IRQ>" is no such tag. */
static bool markup_line(const char *p, const char *end)
{
	static const char *const tags[] = {
		"<details", "</details", "<summary", "</summary", "<pre",
		"</pre", "<code", "</code", "<br", "<p", "</p",
	};
	p = ct_skip_blanks(p, end);
	if (p >= end || *p != '<')
		return false;
	bool summary = false;
	while (p < end) {
		if (*p == '<') {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			if (!gt)
				return false;
			bool known = false;
			for (size_t i = 0; i < CT_ARRAY_SIZE(tags) && !known; i++) {
				size_t n = strlen(tags[i]);
				/* the name ends there: "<p>", "<pre class=...>" */
				known = starts(p, gt, tags[i]) &&
					(p + n == gt || is_blank(p[n]) ||
					 p[n] == '/');
			}
			if (!known)
				return false;
			if (starts(p, gt, "<summary"))
				summary = true;
			else if (starts(p, gt, "</summary"))
				summary = false;
			p = gt + 1;
		} else if (summary || is_blank(*p) || *p == '\r') {
			p++;
		} else {
			return false;
		}
	}
	return true;
}

/* Pager noise at the start of [p, end): "--More--", "--More--(45%)",
 * " -- More -- ", with the blanks, CRs, backspaces and erase sequences
 * the pager wrote over it, or gdb's own "--Type <RET> for more, ..."
 * prompt (the output goes on after it on the same line when the user
 * typed 'c').  The first byte after it, or p. */
static const char *more_prompt_end(const char *p, const char *end)
{
	static const char *const gdb_prompts[] = {
		"--Type <RET> for more, q to quit, c to continue without "
		"paging--",
		"---Type <return> to continue, or q <return> to quit---",
	};
	const char *q = p;
	while (q < end && *q == ' ' && q - p < 2)
		q++;
	if (starts(q, end, "--Type <") || starts(q, end, "---Type <")) {
		for (size_t i = 0; i < CT_ARRAY_SIZE(gdb_prompts); i++)
			if (starts(q, end, gdb_prompts[i]))
				return q + strlen(gdb_prompts[i]);
		return p;
	}
	if (!starts(q, end, "--More--") && !starts(q, end, "-- More --"))
		return p;
	q += q[2] == 'M' ? 8 : 10;
	if (q < end && *q == '(') {
		const char *c = memchr(q, ')', (size_t)(end - q) < 8
						   ? (size_t)(end - q) : 8);
		if (c)
			q = c + 1;
	}
	/* what erased the prompt: "\r", blanks up to a "\r" or "\b",
	 * "ESC [ K"; blanks before text are the text's own */
	for (;;) {
		const char *b = q;
		while (b < end && *b == ' ')
			b++;
		if (b < end && (*b == '\r' || *b == '\b')) {
			q = b + 1;
		} else if (end - q >= 3 && q[0] == 0x1b && q[1] == '[') {
			const char *e = q + 2;
			while (e < end && (ct_is_digit(*e) || *e == ';'))
				e++;
			if (e >= end)
				return end;
			q = e + 1;
		} else {
			break;
		}
	}
	return q;
}

/* Is [p, end) only a pager status: less's "lines 1-40", "lines
 * 41-80/200 40%", "lines 1-12/12 (END)", "(END)", or its ":" prompt? */
static bool pager_line(const char *p, const char *end)
{
	while (end > p && (is_blank(end[-1]) || end[-1] == '\r'))
		end--;
	p = ct_skip_blanks(p, end);
	if (p >= end)
		return false;
	if (end - p == 1 && *p == ':')
		return true;
	if (end - p == 5 && memcmp(p, "(END)", 5) == 0)
		return true;
	if (!starts(p, end, "lines ") || end - p > 40)
		return false;
	const char *q = p + 6;
	unsigned long n;
	if (!ct_parse_dec(&q, end, &n) || q >= end || *q != '-')
		return false;
	q++;
	if (!ct_parse_dec(&q, end, &n))
		return false;
	if (q < end && *q == '/') {
		q++;
		if (!ct_parse_dec(&q, end, &n))
			return false;
	}
	q = ct_skip_blanks(q, end);
	if (q < end && ct_is_digit(*q)) {
		(void)ct_parse_dec(&q, end, &n);
		if (q >= end || *q != '%')
			return false;
		q = ct_skip_blanks(q + 1, end);
	}
	if (starts(q, end, "(END)"))
		q += 5;
	return q == end;
}

/* A character reference at p ('&'): its length, with the character in
 * *ret (UTF-8, at most 4 bytes, *ret_len of them); 0 if none.  Every
 * reference is at least as long as what it stands for. */
static size_t entity_at(const char *p, const char *end, char ret[4],
			size_t *ret_len)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' }, { "&nbsp;", ' ' },
	};
	if (end - p < 4)
		return 0;
	if (p[1] != '#') {
		for (size_t i = 0; i < CT_ARRAY_SIZE(named); i++) {
			if (starts(p, end, named[i].name)) {
				ret[0] = named[i].c;
				*ret_len = 1;
				return strlen(named[i].name);
			}
		}
		return 0;
	}
	const char *q = p + 2;
	unsigned long cp = 0;
	int digits = 0;
	if (q < end && (*q == 'x' || *q == 'X')) {
		q++;
		for (; q < end && digits < 7; q++, digits++) {
			char c = *q;
			int v = ct_hex_value(c);
			if (v < 0)
				break;
			cp = cp * 16 + (unsigned long)v;
		}
	} else {
		for (; q < end && digits < 8 && ct_is_digit(*q); q++, digits++)
			cp = cp * 10 + (unsigned long)(*q - '0');
	}
	/* NUL, and line ends: a reference must never add or split a line */
	if (digits == 0 || q >= end || *q != ';' || cp == 0 || cp == '\n' ||
	    cp == '\r' || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	size_t len = (size_t)(q + 1 - p);
	if (cp < 0x80) {
		ret[0] = (char)cp;
		*ret_len = 1;
	} else if (cp < 0x800) {
		ret[0] = (char)(0xc0 | cp >> 6);
		ret[1] = (char)(0x80 | (cp & 0x3f));
		*ret_len = 2;
	} else if (cp < 0x10000) {
		ret[0] = (char)(0xe0 | cp >> 12);
		ret[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		ret[2] = (char)(0x80 | (cp & 0x3f));
		*ret_len = 3;
	} else {
		ret[0] = (char)(0xf0 | cp >> 18);
		ret[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		ret[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		ret[3] = (char)(0x80 | (cp & 0x3f));
		*ret_len = 4;
	}
	return *ret_len <= len ? len : 0;
}

/* Does the text hold a character reference?  memchr for '&' runs at
 * memory speed, and a plain log has few of them. */
static bool has_entities(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while ((p = memchr(p, '&', (size_t)(end - p)))) {
		char c[4];
		size_t n;
		if (entity_at(p, end, c, &n))
			return true;
		p++;
	}
	return false;
}

/* A source comment's marker at the start of [p, end): up to three blanks,
 * then "//" or "*" (inside a C block comment, not its closing mark), and one
 * blank.  The first byte after it, or p when the line is no comment. */
static const char *comment_end(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && q - p < 3 && *q == ' ')
		q++;
	if (end - q >= 2 && q[0] == '/' && q[1] == '/')
		q += 2;
	else if (q < end && *q == '*' && (q + 1 == end || q[1] == ' '))
		q++;
	else
		return p;
	return q < end && *q == ' ' ? q + 1 : q;
}

/* ---- JSON log records ---------------------------------------------------
 * "journalctl -o json" writes one object a line, "-o json-pretty" one
 * member a line, "-o verbose" and "-o export" one KEY=value field a
 * line; log shippers (Docker's json-file, Loki, GCP) export JSON lines
 * too.  A record's line becomes its message, after a dmesg stamp made
 * from journald's _SOURCE_MONOTONIC_TIMESTAMP (a kernel record's time
 * since boot); a member-a-line record's message line becomes the
 * message (stamped from that field: json-pretty's wherever it is in
 * the record, verbose's and export's when it comes first), its other
 * lines empty.  A message's own line breaks become blanks, so that line N is
 * still the record's line. */

/* The keys whose value is a record's message, best first: journald's,
 * then the shippers' (Docker's "log", GCP's "textPayload"). */
static const char *const json_message_keys[] = {
	"MESSAGE", "message", "log", "msg", "textPayload",
};

enum { JSON_DEPTH_MAX = 32 };

/* After the closing quote of the JSON string whose '"' is at p, or
 * NULL. */
static const char *json_string_end(const char *p, const char *end)
{
	/* the first quote after an even run of backslashes: memchr() runs
	 * over the message's bytes, and each run is counted once */
	for (const char *q = p + 1;
	     q < end && (q = memchr(q, '"', (size_t)(end - q))); q++) {
		size_t run = 0;
		for (const char *b = q; b > p + 1 && b[-1] == '\\'; b--)
			run++;
		if (!(run & 1))
			return q + 1;
	}
	return NULL;
}

/* After the JSON value at p: a string, a number or word up to a
 * delimiter, an array or object to its matching bracket; NULL if it is
 * cut or nested deeper than JSON_DEPTH_MAX. */
static const char *json_value_end(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '"')
		return json_string_end(p, end);
	if (*p == '{' || *p == '[') {
		char closer[JSON_DEPTH_MAX];
		int depth = 0;
		for (; p < end; p++) {
			if (*p == '"') {
				p = json_string_end(p, end);
				if (!p)
					return NULL;
				p--;
			} else if (*p == '{' || *p == '[') {
				if (depth == JSON_DEPTH_MAX)
					return NULL;
				closer[depth++] = *p == '{' ? '}' : ']';
			} else if (*p == '}' || *p == ']') {
				if (!depth || *p != closer[--depth])
					return NULL;
				if (!depth)
					return p + 1;
			}
		}
		return NULL;
	}
	const char *q = p;
	while (q < end && *q != ',' && *q != '}' && *q != ']' && !is_blank(*q))
		q++;
	return q > p ? q : NULL;
}

/* What a record (or a pretty record's member line) holds. */
struct json_record {
	const char *msg, *msg_end;	/* the message's raw value, or NULL */
	bool msg_text;			/* it is plain text (a field line),
					 * not a JSON value */
	size_t msg_rank;		/* its key's place in
					 * json_message_keys */
	const char *mono, *mono_end;	/* _SOURCE_MONOTONIC_TIMESTAMP's
					 * digits, or NULL */
};

/* If key [k, k+klen) is _SOURCE_MONOTONIC_TIMESTAMP and [d, e) its 1 to
 * 19 digits (microseconds that fit 64 bits), keep them as r's stamp. */
static void json_mono(struct json_record *r, const char *k, size_t klen,
		      const char *d, const char *e)
{
	static const char mono[] = "_SOURCE_MONOTONIC_TIMESTAMP";
	if (klen != sizeof(mono) - 1 || memcmp(k, mono, klen) != 0 ||
	    e - d < 1 || e - d > 19)
		return;
	for (const char *c = d; c < e; c++)
		if (!ct_is_digit(*c))
			return;
	r->mono = d;
	r->mono_end = e;
}

static void json_member(struct json_record *r, const char *k, size_t klen,
			const char *v, const char *ve)
{
	/* only journald's MESSAGE is ever an array (of bytes) */
	for (size_t i = 0; i < r->msg_rank; i++)
		if (strlen(json_message_keys[i]) == klen &&
		    memcmp(json_message_keys[i], k, klen) == 0 &&
		    (*v == '"' || (*v == '[' && i == 0))) {
			r->msg = v;
			r->msg_end = ve;
			r->msg_rank = i;
			return;
		}
	if (*v == '"' && ve - v >= 2)
		json_mono(r, k, klen, v + 1, ve - 1);
}

/* The member "KEY" : VALUE at p (at its '"'); after it, or NULL. */
static const char *json_member_at(const char *p, const char *end,
				  struct json_record *r)
{
	const char *ke = json_string_end(p, end);
	if (!ke)
		return NULL;
	const char *q = ct_skip_blanks(ke, end);
	if (q >= end || *q != ':')
		return NULL;
	const char *v = ct_skip_blanks(q + 1, end);
	const char *ve = json_value_end(v, end);
	if (ve)
		json_member(r, p + 1, (size_t)(ke - 1 - (p + 1)), v, ve);
	return ve;
}

/* Does [p, end) end here, but for blanks and one ','? */
static bool json_line_rest(const char *p, const char *end)
{
	p = ct_skip_blanks(p, end);
	if (p < end && *p == ',')
		p = ct_skip_blanks(p + 1, end);
	return p == end;
}

enum json_line {
	JSON_NONE,	/* no JSON: prose around the records */
	JSON_BRACKET,	/* "{", "}," or "[" alone; a verbose record's
			 * header line */
	JSON_MEMBER,	/* a pretty record's member; a verbose or export
			 * record's field line, "KEY=value" */
	JSON_RECORD,	/* a whole object */
};

/* journalctl -o verbose and -o export print a record a field a line,
 * "MESSAGE=text" (verbose indents them under a header line that ends
 * with the cursor, "... UTC [s=...;i=1;b=...]").  The field line at p,
 * or JSON_NONE. */
static enum json_line journal_field(const char *p, const char *end,
				    struct json_record *r)
{
	const char *k = p;
	while (p < end && p - k <= 64 &&
	       (ct_is_upper(*p) || ct_is_digit(*p) || *p == '_'))
		p++;
	if (p == k || p >= end || *p != '=' || ct_is_digit(*k))
		return JSON_NONE;
	size_t klen = (size_t)(p - k);
	if (klen == 7 && memcmp(k, "MESSAGE", 7) == 0) {
		r->msg = p + 1;
		r->msg_end = end;
		r->msg_text = true;
		r->msg_rank = 0;
	} else {
		json_mono(r, k, klen, p + 1, end);
	}
	return JSON_MEMBER;
}

/* "Tue 2023-11-14 22:29:39.025677 UTC [s=26...;i=1;b=6f...;m=3a...]" */
static bool verbose_header(const char *p, const char *end)
{
	const char *c = ct_memstr(p, (size_t)(end - p), " [s=");
	return c && end[-1] == ']' && ct_memstr(c, (size_t)(end - c), ";i=");
}

/* What the line [p, end) (blanks and a CR at its end trimmed by the
 * caller's reader, or not) is, with its record's parts in *r. */
static enum json_line json_line(const char *p, const char *end,
				struct json_record *r)
{
	memset(r, 0, sizeof(*r));
	r->msg_rank = CT_ARRAY_SIZE(json_message_keys);
	while (end > p && (is_blank(end[-1]) || end[-1] == '\r'))
		end--;
	p = ct_skip_blanks(p, end);
	if (p >= end)
		return JSON_NONE;
	if (ct_is_upper(*p) || *p == '_') {
		if (journal_field(p, end, r) == JSON_MEMBER)
			return JSON_MEMBER;
		/* the header starts with the weekday */
		return verbose_header(p, end) ? JSON_BRACKET : JSON_NONE;
	}
	if (*p == '"') {
		const char *q = json_member_at(p, end, r);
		return q && json_line_rest(q, end) ? JSON_MEMBER : JSON_NONE;
	}
	if (*p == '}' || *p == '[' || *p == ']')
		return json_line_rest(p + 1, end) ? JSON_BRACKET : JSON_NONE;
	if (*p != '{')
		return JSON_NONE;
	const char *q = ct_skip_blanks(p + 1, end);
	if (q == end)
		return JSON_BRACKET;
	for (;;) {
		if (*q == '}')
			return json_line_rest(q + 1, end) ? JSON_RECORD
							  : JSON_NONE;
		if (*q != '"' || !(q = json_member_at(q, end, r)))
			return JSON_NONE;
		q = ct_skip_blanks(q, end);
		if (q < end && *q == ',')
			q = ct_skip_blanks(q + 1, end);
		if (q >= end)
			return JSON_NONE;
	}
}

/* The code point of the four hex digits at p, or -1. */
static long json_hex4(const char *p, const char *end)
{
	if (end - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int d = ct_hex_value(p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Write code point cp as UTF-8 at o; returns the end.  Control
 * characters but tab become blanks (a record stays one line). */
static char *put_code_point(char *o, unsigned long cp)
{
	if (cp < 0x20 && cp != '\t')
		*o++ = ' ';
	else if (cp < 0x80)
		*o++ = (char)cp;
	else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Write the text of JSON string [v, ve) (quotes included) at o, escapes
 * decoded: never longer than the value. */
static char *json_string_text(const char *v, const char *ve, char *o)
{
	const char *p = v + 1, *end = ve - 1;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p == '\r' || *p == '\n' ? ' ' : *p;
			p++;
			continue;
		}
		char c = p + 1 < end ? p[1] : '\0';
		p += 2;
		switch (c) {
		case 'n': case 'r': case 'b': case 'f': *o++ = ' '; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			long cp = json_hex4(p, end);
			if (cp < 0) {
				*o++ = '?';
				break;
			}
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 &&
			    p[0] == '\\' && p[1] == 'u') {
				long lo = json_hex4(p + 2, end);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					p += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
				}
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				*o++ = '?'; /* a lone surrogate */
			else
				o = put_code_point(o, (unsigned long)cp);
			break;
		}
		case '\0': break; /* "\" at the end: cut */
		default: *o++ = c; break; /* \" \\ \/ and junk */
		}
	}
	return o;
}

/* journald's message that is not UTF-8, "[104,105]": its bytes at o. */
static char *json_byte_array(const char *v, const char *ve, char *o)
{
	for (const char *p = v + 1; p < ve;) {
		if (!ct_is_digit(*p)) {
			p++;
			continue;
		}
		unsigned long b = 0;
		while (p < ve && ct_is_digit(*p) && b < 1000)
			b = b * 10 + (unsigned long)(*p++ - '0');
		/* not a byte: '?'; a line break: a blank */
		*o++ = b > 0xff ? '?' : b == '\n' || b == '\r' ? ' ' : (char)b;
	}
	return o;
}

/* What a record printed a member or field a line (json-pretty, verbose,
 * export) said before its message: its stamp, and how many bytes its
 * lines gave up, which make room for that stamp. */
struct json_state {
	const char *mono, *mono_end;
	size_t saved;
	size_t ahead;	/* the length of the later line that holds mono
			 * (json-pretty prints members in any order): it
			 * will give up its room too */
	bool opened;	/* the line was a record's "{" */
};

/* Write record r's line at o: its dmesg stamp, if it has one, and its
 * message; returns the end.  It takes at most room bytes (the line's own
 * length, and what the record's earlier lines gave up), which the stamp
 * leaves room for: a record that names _SOURCE_MONOTONIC_TIMESTAMP and
 * a message is longer than both. */
static char *json_record_text(const struct json_record *r, size_t room,
			      char *o)
{
	char *start = o;
	if (!r->msg)
		return o;
	if (r->mono) {
		unsigned long long us = 0;
		for (const char *d = r->mono; d < r->mono_end; d++)
			us = us * 10 + (unsigned long long)(*d - '0');
		char stamp[48];
		int n = snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
				 us / 1000000, us % 1000000);
		/* the member's key alone is longer than any stamp */
		if (n > 0 && (size_t)n < sizeof(stamp) &&
		    (size_t)n + (size_t)(r->msg_end - r->msg) <= room) {
			memcpy(o, stamp, (size_t)n);
			o += n;
		}
	}
	if (r->msg_text) {
		for (const char *c = r->msg; c < r->msg_end; c++)
			*o++ = *c == '\r' ? ' ' : *c;
	} else if (*r->msg == '"') {
		o = json_string_text(r->msg, r->msg_end, o);
	} else {
		o = json_byte_array(r->msg, r->msg_end, o);
	}
	/* Docker's "log" ends with the line's own "\n" */
	while (o > start && o[-1] == ' ')
		o--;
	return o;
}

/* What one pass over the lines found. */
struct survey {
	unsigned long lines;		/* non-empty lines */
	unsigned long gt_quoted;	/* lines starting with '>' markers */
	unsigned long pipe_quoted;	/* lines starting with "| " */
	unsigned long fences;		/* code fence lines */
	unsigned long commented;	/* lines starting "//" or "*" */
	unsigned long noise;		/* markup and pager lines */
	unsigned long json_lines;	/* JSON records, members, brackets */
	unsigned long json_messages;	/* ... that hold a message */
};

/* Count [p, end) if it is a JSON record, member or bracket line. */
static void survey_json(struct survey *s, const char *p, const char *end)
{
	struct json_record r;
	if (json_line(p, end, &r) != JSON_NONE) {
		s->json_lines++;
		s->json_messages += r.msg != NULL;
	}
}

static void survey_line(struct survey *s, const char *p, const char *end)
{
	if (p >= end)
		return;
	s->lines++;
	const char *f = p;
	while (f < end && f - p < 3 && *f == ' ')
		f++;
	if (f >= end)
		return;
	/* one switch on the first byte: a log line goes no further */
	switch (*f) {
	case '>':
		s->gt_quoted++;
		f = quote_end(p, end, false);
		/* "> | text": a pipe-quoted paste quoted again */
		if (f < end && *f == '|' && (f + 1 == end || is_blank(f[1])) &&
		    end[-1] != '|')
			s->pipe_quoted++;
		break;
	case '|':
		if ((f + 1 == end || is_blank(f[1])) && end[-1] != '|')
			s->pipe_quoted++;
		f = quote_end(p, end, true);
		break;
	case '/':
	case '*':
		if (comment_end(p, end) != p)
			s->commented++;
		return;
	case '[':
		/* a dmesg line goes no further either */
		if (!json_line_rest(f + 1, end))
			return;
		/* fall through */
	case '{': case '}': case ']': case '"': case '_':
	case 'A' ... 'Z':
		survey_json(s, f, end);
		return;
	case '`': case '~': case '<': case '-': case 'l': case '(':
	case ':':
		break;
	case ' ': case '\t':
		break;
	default:
		return;
	}
	/* json-pretty's members and verbose's fields are indented; records
	 * may be quoted */
	const char *j = ct_skip_blanks(f, end);
	if (j < end && (*j == '"' || *j == '{' || *j == '}' || *j == '_' ||
			ct_is_upper(*j))) {
		survey_json(s, j, end);
		return;
	}
	if (fence_at(f, end))
		s->fences++;
	else if (markup_line(f, end) || pager_line(f, end) ||
		 more_prompt_end(f, end) != f)
		s->noise++;
}

/* After a json-pretty record's "{" line, the member line up to its "}"
 * (at most 64 lines on) that holds _SOURCE_MONOTONIC_TIMESTAMP, if the
 * record's message comes before it: js->mono and js->ahead.  p is the
 * line after the "{". */
static void json_look_ahead(const struct ct_unwrapped *u, const char *p,
			    const char *end, struct json_state *js)
{
	for (int n = 0; p < end && n < 64; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;
		if (u->wrappers & CT_WRAP_QUOTE)
			q = quote_end(q, le, u->wrappers & CT_WRAP_PIPE_QUOTE);
		struct json_record r;
		enum json_line kind = json_line(q, le, &r);
		if (kind == JSON_BRACKET || kind == JSON_RECORD)
			return;
		if (kind == JSON_MEMBER && r.mono) {
			js->mono = r.mono;
			js->mono_end = r.mono_end;
			js->ahead = (size_t)(le - p);
			return;
		}
		p = nl ? nl + 1 : end;
	}
}

/* Write the unwrapped line [p, end) at out (out <= p when the text is
 * unwrapped in place); returns the new end of out. */
static char *unwrap_line(const struct ct_unwrapped *u, const char *p,
			 const char *end, size_t *fence_indent,
			 struct json_state *js, char *out)
{
	if (end > p && end[-1] == '\r')
		end--;
	if (u->wrappers & CT_WRAP_QUOTE)
		p = quote_end(p, end, u->wrappers & CT_WRAP_PIPE_QUOTE);
	if (u->wrappers & CT_WRAP_COMMENT)
		p = comment_end(p, end);
	/* inside an indented fence (a list item's), its indentation goes */
	for (size_t i = 0; i < *fence_indent && p < end && *p == ' '; i++)
		p++;
	const char *f;
	if ((u->wrappers & CT_WRAP_FENCE) && (f = fence_at(p, end))) {
		if (info_string(f, end)) {
			*fence_indent = *fence_indent ? 0
				: (size_t)(ct_skip_blanks(p, end) - p);
			return out;
		}
		p = f;	/* "```[   12.3] text": the text stays */
	}
	if (u->wrappers & CT_WRAP_FENCE) {
		/* "text```": a closing fence glued to the last line */
		const char *e = end;
		while (e > p && is_blank(e[-1]))
			e--;
		if (e - p >= 3 && e[-1] == '`' && e[-2] == '`' && e[-3] == '`')
			end = e - 3;
	}
	if (u->wrappers & CT_WRAP_NOISE) {
		if (markup_line(p, end) || pager_line(p, end))
			return out;
		p = more_prompt_end(p, end);
	}
	if (u->wrappers & CT_WRAP_HTML) {
		/* "<pre>text", "text</pre>", "text<br>" */
		static const char *const open_tags[] = { "<pre><code>", "<pre>",
							 "<code>" };
		for (size_t i = 0; i < CT_ARRAY_SIZE(open_tags); i++)
			if (starts(p, end, open_tags[i])) {
				p += strlen(open_tags[i]);
				break;
			}
		static const char *const close_tags[] = {
			"</code></pre>", "</pre>", "</code>", "<br />",
			"<br/>", "<br>",
		};
		for (size_t i = 0; i < CT_ARRAY_SIZE(close_tags); i++) {
			size_t n = strlen(close_tags[i]);
			if ((size_t)(end - p) >= n &&
			    memcmp(end - n, close_tags[i], n) == 0) {
				end -= n;
				break;
			}
		}
	}
	if (u->wrappers & CT_WRAP_JSON) {
		/* never in place (ct_text_unwrap()): a stamp goes first */
		struct json_record r;
		size_t len = (size_t)(end - p);
		switch (json_line(p, end, &r)) {
		case JSON_NONE:
			/* a blank line ends an export record */
			if (ct_skip_blanks(p, end) == end)
				*js = (struct json_state){ 0 };
			break;
		case JSON_BRACKET:
			*js = (struct json_state){
				.opened = *ct_skip_blanks(p, end) == '{',
			};
			return out;
		case JSON_MEMBER:
			if (!r.msg) {
				if (r.mono) {
					js->mono = r.mono;
					js->mono_end = r.mono_end;
					js->ahead = 0; /* now in saved */
				}
				js->saved += len;
				return out;
			}
			if (!r.mono) {
				r.mono = js->mono;
				r.mono_end = js->mono_end;
			}
			out = json_record_text(&r, len + js->saved + js->ahead,
					       out);
			js->saved = js->ahead = 0;
			return out;
		case JSON_RECORD:
			return json_record_text(&r, len, out);
		}
	}
	/* out may be the line itself, unwrapped in place: out <= p */
	memmove(out, p, (size_t)(end - p));
	return out + (end - p);
}

/* Copy [buf, buf+len) to out with every character reference decoded;
 * returns the length written (at most len, the same lines). */
static size_t decode_entities(const char *buf, size_t len, char *out)
{
	const char *p = buf, *end = buf + len;
	char *o = out;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		memcpy(o, p, (size_t)(stop - p));
		o += stop - p;
		p = stop;
		if (!amp)
			break;
		char c[4];
		size_t n, ref = entity_at(p, end, c, &n);
		if (ref) {
			memcpy(o, c, n);
			o += n;
			p += ref;
		} else {
			*o++ = *p++;
		}
	}
	return (size_t)(o - out);
}

struct ct_error *ct_text_unwrap(const char *buf, size_t len,
				struct ct_unwrapped *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->buf = buf;
	ret->len = len;
	size_t window = len > SURVEY_WINDOW ? SURVEY_WINDOW : len;
	/* HTML first: an escaped paste may escape its quote markers too
	 * ("&gt; [ 12.3] ..."), so the other wrappers are looked for in the
	 * decoded text, which is then unwrapped in place */
	char *out = NULL;
	const char *src = buf;
	size_t src_len = len;
	unsigned w = 0;
	if (has_entities(buf, window)) {
		out = malloc(len);
		if (!out)
			return &ct_enomem;
		src_len = decode_entities(buf, len, out);
		src = out;
		w |= CT_WRAP_HTML;
		if (window > src_len)
			window = src_len;
	}
	struct survey s = { 0 };
	const char *p = src, *end = src + src_len, *wend = src + window;
	while (p < wend) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		survey_line(&s, p, le);
		p = nl ? nl + 1 : end;
	}
	/* "> " quoting: two lines are enough (no log line starts with '>'),
	 * or one when it is all there is; "| " only when it quotes most of
	 * the file (tables use '|' too) */
	if (s.gt_quoted >= 2 || (s.gt_quoted && s.gt_quoted == s.lines))
		w |= CT_WRAP_QUOTE;
	if ((s.pipe_quoted >= 2 || (s.pipe_quoted && s.pipe_quoted == s.lines)) &&
	    2 * (s.pipe_quoted + s.gt_quoted) >= s.lines)
		w |= CT_WRAP_QUOTE | CT_WRAP_PIPE_QUOTE;
	if (s.fences)
		w |= CT_WRAP_FENCE;
	/* crash text kept in a source comment: most lines commented */
	if (s.commented >= 2 && 2 * s.commented >= s.lines)
		w |= CT_WRAP_COMMENT;
	if (s.noise)
		w |= CT_WRAP_NOISE;
	/* JSON records: two with a message (or one, alone), and most lines
	 * JSON */
	if ((s.json_messages >= 2 ||
	     (s.json_messages && s.json_lines == s.lines)) &&
	    2 * s.json_lines >= s.lines)
		w |= CT_WRAP_JSON;
	ret->wrappers = w;
	if (!w) {
		free(out);
		return NULL;
	}
	/* every step only removes bytes: the result fits in len, and the
	 * decoded copy can be unwrapped where it is, but for a record,
	 * whose stamp is written before its message is read */
	char *decoded = NULL;
	if (out && (w & CT_WRAP_JSON)) {
		decoded = out;
		out = NULL;
	}
	if (!out && !(out = malloc(len ? len : 1))) {
		free(decoded);
		ret->wrappers = 0;
		return &ct_enomem;
	}
	char *o = out;
	size_t fence_indent = 0;
	struct json_state js = { 0 };
	p = src;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		o = unwrap_line(ret, p, le, &fence_indent, &js, o);
		if (nl)
			*o++ = '\n';
		p = nl ? nl + 1 : end;
		if (js.opened) {
			js.opened = false;
			json_look_ahead(ret, p, end, &js);
		}
	}
	free(decoded);
	ret->owned = out;
	ret->buf = out;
	ret->len = (size_t)(o - out);
	return NULL;
}

void ct_unwrapped_deinit(struct ct_unwrapped *u)
{
	free(u->owned);
	u->owned = NULL;
}
