/* SPDX-License-Identifier: MIT */
/*
 * util.c - growable arrays and strings, line iteration and span helpers.
 * Everything here reads untrusted bytes: lengths are checked before use.
 */
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/span.h"

bool ct_grow(void **array, size_t *cap, size_t need, size_t elem_size)
{
	if (need <= *cap)
		return true;
	size_t new_cap = *cap ? *cap : 8;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2)
			return false;
		new_cap *= 2;
	}
	if (elem_size && new_cap > SIZE_MAX / elem_size)
		return false;
	void *p = realloc(*array, new_cap * elem_size);
	if (!p)
		return false;
	*array = p;
	*cap = new_cap;
	return true;
}

#ifdef __SSE2__
/* Whether any of the 16 bytes of v is one ct_copy_clean() replaces: below
 * 0x20 but for tab and newline, or 0x7f. */
static inline bool block_unclean(__m128i v)
{
	__m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
	low = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), low);
	low = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), low);
	__m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f));
	return _mm_movemask_epi8(_mm_or_si128(low, del)) != 0;
}
#endif

void ct_copy_clean(char *dst, const char *s, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	/* clean text is the rule: copy it 16 bytes at a time */
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		if (block_unclean(v))
			break;
		_mm_storeu_si128((__m128i *)(dst + i), v);
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

char *ct_strndup_clean(const char *s, size_t n)
{
	if (n > CT_MAX_FIELD_LEN)
		n = CT_MAX_FIELD_LEN;
	char *r = malloc(n + 1);
	if (r)
		ct_copy_clean(r, s, n);
	return r;
}

/* ---- strbuf ---- */

enum { STRBUF_SINK_SIZE = 64 * 1024 };

bool ct_strbuf_flush(struct ct_strbuf *sb)
{
	if (sb->sink && !sb->failed && sb->len) {
		if (fwrite(sb->buf, 1, sb->len, sb->sink) != sb->len)
			sb->failed = true;
		sb->len = 0;
		sb->buf[0] = '\0';
	}
	return !sb->failed;
}

static bool strbuf_reserve(struct ct_strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (sb->sink && sb->len + 1 + extra > sb->cap) {
		/* write out what is there, then hold at least a piece */
		if (!ct_strbuf_flush(sb))
			return false;
		if (extra < STRBUF_SINK_SIZE)
			extra = STRBUF_SINK_SIZE;
	}
	if (sb->len + 1 > SIZE_MAX - extra ||
	    !ct_grow((void **)&sb->buf, &sb->cap, sb->len + extra + 1, 1)) {
		sb->failed = true;
		return false;
	}
	return true;
}

void ct_strbuf_append_grow(struct ct_strbuf *sb, const char *p, size_t n)
{
	if (!strbuf_reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void ct_strbuf_puts(struct ct_strbuf *sb, const char *s)
{
	ct_strbuf_append(sb, s, strlen(s));
}

void ct_strbuf_appendf(struct ct_strbuf *sb, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		ct_strbuf_append(sb, small, (size_t)n);
		return;
	}
	if (!strbuf_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at NUL-terminated p (lead byte >=
 * 0x80), or 0 if it is not one (overlong, surrogate, truncated). */
static size_t utf8_decode(const char *p, uint32_t *ret_cp);

static size_t utf8_sequence_length(const char *p)
{
	uint32_t cp;
	return utf8_decode(p, &cp);
}

/* Same, with the code point in *ret_cp. */
static size_t utf8_decode(const char *p, uint32_t *ret_cp)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n;
	uint32_t cp;
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		cp = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		cp = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		cp = u[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = cp << 6 | (u[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
						  cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

/* Code points that change how a terminal shows the text around them
 * without showing themselves: C1 controls, bidi embeddings, overrides,
 * isolates and marks, zero-width and other format characters, line and
 * paragraph separators, tags, interlinear annotation. */
static bool invisible_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	       cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	       (cp >= 0xfff9 && cp <= 0xfffb) ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

void ct_strbuf_put_visible(struct ct_strbuf *sb, const char *s)
{
	const char *run = s;
	const char *p = s;
	while (*p) {
		unsigned char c = (unsigned char)*p;
		char esc[16];
		size_t seq = 1;
		esc[0] = '\0';
		if (c == '\n' || c == '\r' || c == '\t') {
			snprintf(esc, sizeof(esc), "\\%c",
				 c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		} else if (c >= 0x80) {
			uint32_t cp;
			seq = utf8_decode(p, &cp);
			if (!seq) {
				seq = 1;
				snprintf(esc, sizeof(esc), "\\x%02x", c);
			} else if (invisible_code_point(cp)) {
				snprintf(esc, sizeof(esc), cp > 0xffff ?
					 "\\U%08x" : "\\u%04x", (unsigned)cp);
			}
		}
		if (esc[0]) {
			ct_strbuf_append(sb, run, (size_t)(p - run));
			ct_strbuf_puts(sb, esc);
			run = p + seq;
		}
		p += seq;
	}
	ct_strbuf_append(sb, run, (size_t)(p - run));
}

/* The bytes a JSON string holds as they are: printable ASCII but for
 * '"', '\\' and the three HTML ones ct_strbuf_json_string() escapes.
 * NUL is not plain: it ends the string. */
static const bool json_plain[256] = {
	[' '] = true, ['!'] = true, ['#' ... '%'] = true,
	['\'' ... ';'] = true, ['='] = true, ['?' ... '['] = true,
	[']' ... '~'] = true,
};

#ifdef __SSE2__
/* Whether json_plain holds all 16 bytes of v. */
static inline bool json_block_plain(__m128i v)
{
	/* signed: below 0x20 and from 0x80 on */
	__m128i bad = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
	static const char special[] = { '"', '\\', '<', '>', '&', 0x7f };
	for (size_t i = 0; i < sizeof(special); i++)
		bad = _mm_or_si128(bad, _mm_cmpeq_epi8(
			v, _mm_set1_epi8(special[i])));
	return _mm_movemask_epi8(bad) == 0;
}
#endif

void ct_strbuf_json_string(struct ct_strbuf *sb, const char *s)
{
	if (!s) {
		ct_strbuf_puts(sb, "null");
		return;
	}
	ct_strbuf_putc(sb, '"');
	const char *run = s;
	const char *p = s;
	const char *end = s + strlen(s);
	for (; p < end; p++) {
		/* most bytes go out as they are: skip them 16 at a time, then
		 * a table look-up each */
#ifdef __SSE2__
		while (end - p >= 16 &&
		       json_block_plain(_mm_loadu_si128((const __m128i *)p)))
			p += 16;
#endif
		while (json_plain[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		unsigned char c = (unsigned char)*p;
		const char *esc = NULL;
		char hex[8];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '<': esc = "\\u003c"; break; /* safe inside HTML too */
		case '>': esc = "\\u003e"; break;
		case '&': esc = "\\u0026"; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(hex, sizeof(hex), "\\u%04x", c);
				esc = hex;
			}
		}
		size_t seq = 1;
		if (c >= 0x80) {
			/* inputs are not always UTF-8: keep valid sequences,
			 * replace every other byte so the JSON stays valid */
			seq = utf8_sequence_length(p);
			if (!seq) {
				esc = "\\ufffd";
				seq = 1;
			}
		}
		if (esc) {
			ct_strbuf_append(sb, run, (size_t)(p - run));
			ct_strbuf_puts(sb, esc);
			run = p + 1;
		}
		p += seq - 1;
	}
	ct_strbuf_append(sb, run, (size_t)(end - run));
	ct_strbuf_putc(sb, '"');
}

char *ct_strbuf_detach(struct ct_strbuf *sb)
{
	char *r = sb->buf;
	if (!r && !sb->failed)
		r = strdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
	return r;
}

void ct_strbuf_deinit(struct ct_strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}

/* ---- lines ---- */

void ct_line_reader_init(struct ct_line_reader *r, const char *buf, size_t len)
{
	r->pos = buf;
	r->end = buf + len;
	r->number = 0;
}

bool ct_line_next(struct ct_line_reader *r, struct ct_line *ret)
{
	if (r->pos >= r->end)
		return false;
	const char *start = r->pos;
	const char *nl = memchr(start, '\n', (size_t)(r->end - start));
	const char *stop = nl ? nl : r->end;
	r->pos = nl ? nl + 1 : r->end;
	if (stop > start && stop[-1] == '\r')
		stop--;
	ret->p = start;
	ret->len = (size_t)(stop - start);
	ret->number = ++r->number;
	return true;
}

void ct_line_skip(struct ct_line_reader *r, unsigned long number)
{
	while (r->number + 1 < number && r->pos < r->end) {
		size_t n = r->end - r->pos < 64 ? (size_t)(r->end - r->pos)
						: 64;
		uint64_t m = ct_newline_mask(r->pos, n);
		unsigned k = ct_bit_count(m);
		if (r->number + 1 + k >= number) {
			/* the newline that ends line number - 1 is here */
			for (unsigned long i = r->number + 2; i < number; i++)
				m &= m - 1;
			r->pos += __builtin_ctzll(m) + 1;
			r->number = number - 1;
			return;
		}
		r->number += k;
		r->pos += n;
	}
}

void ct_line_marks_init(struct ct_line_marks *lm)
{
	lm->every = 4096;
	lm->count = 0;
}

void ct_line_marks_keep(struct ct_line_marks *lm, unsigned long number,
			const char *p)
{
	if (lm->count == CT_LINE_MARKS) {
		/* full: keep every other mark, and mark half as often */
		lm->every *= 2;
		size_t kept = 0;
		for (size_t i = 0; i < lm->count; i++)
			if (lm->at[i].number % lm->every == 0)
				lm->at[kept++] = lm->at[i];
		lm->count = kept;
		if (number % lm->every)
			return;
	}
	lm->at[lm->count].number = number;
	lm->at[lm->count].p = p;
	lm->count++;
}

void ct_line_seek(struct ct_line_reader *r, const struct ct_line_marks *lm,
		  unsigned long number)
{
	for (size_t i = lm ? lm->count : 0; i-- > 0;) {
		if (lm->at[i].number > number)
			continue;
		if (lm->at[i].number > r->number + 1) {
			r->pos = lm->at[i].p;
			r->number = lm->at[i].number - 1;
		}
		break;
	}
	ct_line_skip(r, number);
}

/* ---- spans ---- */

/* How common a byte is in logs and backtraces, 0 (rare) to 9 (space): the
 * search below looks for a needle's rarest byte with memchr, which runs at
 * memory speed, and checks the needle around each hit.  On text, that is
 * several times faster than memmem for the markers the extractors use. */
static unsigned byte_commonness(unsigned char c)
{
	if (c == ' ')
		return 9;
	if (ct_is_lower(c))
		return strchr("etaoinsrhldcum", c) ? 7 : 5;
	if (ct_is_digit(c))
		return 6;
	if (ct_is_upper(c))
		return strchr("JQXZKV", c) ? 2 : 3;
	if (strchr("[]():=.,_-/'\"", c))
		return 4;
	if (c == '\n' || c == '\t')
		return 8;
	return c < 0x80 ? 1 : 0;
}

size_t ct_memstr_pick(const char *needle, size_t n)
{
	size_t pick = 0;
	for (size_t i = 1; i < n; i++)
		if (byte_commonness((unsigned char)needle[i]) <
		    byte_commonness((unsigned char)needle[pick]))
			pick = i;
	return pick;
}

const char *ct_memstr_picked(const char *p, size_t len, const char *needle,
			     size_t n, size_t pick)
{
	if (n == 0)
		return p;
	if (len < n)
		return NULL;
	const char *end = p + len;
#ifdef __SSE2__
	/* 16 starts at a time: those whose first byte and picked byte (or
	 * last, when the first is the pick) both match, then memcmp; lines
	 * are short, so one call must not cost more than a pass */
	size_t b = pick ? pick : n - 1;
	const __m128i first = _mm_set1_epi8(needle[0]);
	const __m128i other = _mm_set1_epi8(needle[b]);
	size_t starts = len - n + 1;
	for (; starts >= 16; p += 16, starts -= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)p);
		__m128i y = _mm_loadu_si128((const __m128i *)(p + b));
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpeq_epi8(x, first), _mm_cmpeq_epi8(y, other)));
		while (mask) {
			unsigned bit = (unsigned)__builtin_ctz(mask);
			if (memcmp(p + bit, needle, n) == 0)
				return p + bit;
			mask &= mask - 1;
		}
	}
	if (!starts)
		return NULL;
#endif
	/* the picked byte of a match sits in [p + pick, end - n + pick] */
	const char *q = p + pick, *last = end - n + pick;
	while (q <= last) {
		const char *hit = memchr(q, needle[pick], (size_t)(last - q) + 1);
		if (!hit)
			return NULL;
		if (memcmp(hit - pick, needle, n) == 0)
			return hit - pick;
		q = hit + 1;
	}
	return NULL;
}

const char *ct_memstr(const char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);
#ifdef __SSE2__
	/* the vector search filters on the first and last bytes: choosing
	 * the rarest byte would cost more than it saves on a short span */
	return ct_memstr_picked(p, len, needle, n, n ? n - 1 : 0);
#else
	return ct_memstr_picked(p, len, needle, n, ct_memstr_pick(needle, n));
#endif
}

unsigned ct_usable_cpus(void)
{
	cpu_set_t set;
	long n = sched_getaffinity(0, sizeof(set), &set) == 0
		? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

bool ct_has_either(const char *p, size_t len, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
#ifdef __SSE2__
	/* one pass filtering both needles on their first and last bytes */
	size_t longest = na > nb ? na : nb;
	if (na && nb && len >= longest + 15) {
		const __m128i a0 = _mm_set1_epi8(a[0]), a1 = _mm_set1_epi8(a[na - 1]);
		const __m128i b0 = _mm_set1_epi8(b[0]), b1 = _mm_set1_epi8(b[nb - 1]);
		/* the last 16 starts that fit are tested too, again if the
		 * loop tested some: a yes-or-no search may look twice */
		size_t last = len - longest - 15, i = 0;
		for (bool tail = false; !tail; i += 16) {
			if (i >= last) {
				i = last;
				tail = true;
			}
			__m128i x = _mm_loadu_si128((const __m128i *)(p + i));
			__m128i ya = _mm_loadu_si128(
				(const __m128i *)(p + i + na - 1));
			__m128i yb = _mm_loadu_si128(
				(const __m128i *)(p + i + nb - 1));
			__m128i hit = _mm_or_si128(
				_mm_and_si128(_mm_cmpeq_epi8(x, a0),
					      _mm_cmpeq_epi8(ya, a1)),
				_mm_and_si128(_mm_cmpeq_epi8(x, b0),
					      _mm_cmpeq_epi8(yb, b1)));
			unsigned mask = (unsigned)_mm_movemask_epi8(hit);
			while (mask) {
				unsigned bit = (unsigned)__builtin_ctz(mask);
				if (memcmp(p + i + bit, a, na) == 0 ||
				    memcmp(p + i + bit, b, nb) == 0)
					return true;
				mask &= mask - 1;
			}
		}
		/* the shorter needle may also start where the longer cannot */
		p += last + 16;
		len -= last + 16;
	}
#endif
	return ct_memstr_picked(p, len, a, na, na ? na - 1 : 0) ||
	       ct_memstr_picked(p, len, b, nb, nb ? nb - 1 : 0);
}


size_t ct_blank_len(const char *p, const char *end)
{
	if (p >= end)
		return 0;
	if (*p == ' ' || *p == '\t')
		return 1;
	/* U+00A0 no-break space: web pages and PDFs paste it for spaces */
	if (end - p >= 2 && (unsigned char)p[0] == 0xc2 &&
	    (unsigned char)p[1] == 0xa0)
		return 2;
	return 0;
}

const char *ct_skip_blanks(const char *p, const char *end)
{
	size_t n;
	while ((n = ct_blank_len(p, end)))
		p += n;
	return p;
}

void ct_trim(const char **p, size_t *len)
{
	const char *s = *p, *e = *p + *len;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*p = s;
	*len = (size_t)(e - s);
}

bool ct_parse_hex(const char **p, const char *end, uint64_t *ret, bool *masked)
{
	const char *s = *p;
	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	uint64_t v = 0;
	bool any = false, mask = false;
	while (s < end) {
		int c = (unsigned char)*s, d = ct_hex_value(c);
		if (c == '*' || c == '#') {
			mask = true;
			d = 0;
		} else if (d < 0)
			break;
		v = (v << 4) | (uint64_t)d;
		any = true;
		s++;
	}
	if (!any)
		return false;
	*p = s;
	*ret = mask ? 0 : v;
	if (masked)
		*masked = mask;
	return true;
}

bool ct_parse_hex_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	const char *digits = s;
	uint64_t v = 0;
	for (; s < end && ct_is_hex((unsigned char)*s); s++)
		v = (v << 4) | (uint64_t)ct_hex_value((unsigned char)*s);
	if (s == digits || s - digits > 16)
		return false;
	*p = s;
	*ret = v;
	return true;
}

bool ct_parse_dec(const char **p, const char *end, unsigned long *ret)
{
	const char *s = *p;
	unsigned long v = 0;
	bool any = false;
	while (s < end && ct_is_digit(*s)) {
		unsigned d = (unsigned)(*s - '0');
		v = v > (~0UL - d) / 10 ? ~0UL : v * 10 + d;
		any = true;
		s++;
	}
	if (!any)
		return false;
	*p = s;
	*ret = v;
	return true;
}

bool ct_is_ident_char(int c)
{
	return ct_is_word_char(c) || c == '$';
}

/* ---- folders ---- */

int ct_strptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ct_error *ct_dir_names(const char *path, size_t max, char ***ret,
			      size_t *ret_count)
{
	DIR *dir = opendir(path);
	if (!dir)
		return ct_error_os(errno, path, "cannot open folder");
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dir)) && count < max) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (!ct_grow((void **)&names, &cap, count + 1,
			     sizeof(*names)) ||
		    !(names[count] = strdup(de->d_name))) {
			closedir(dir);
			ct_names_free(names, count);
			return &ct_enomem;
		}
		count++;
	}
	closedir(dir);
	if (count)
		qsort(names, count, sizeof(*names), ct_strptr_cmp);
	*ret = names;
	*ret_count = count;
	return NULL;
}

bool ct_path_is_inside(const char *root_real, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return false;
	size_t n = strlen(root_real);
	bool inside = strncmp(real, root_real, n) == 0 &&
		      (real[n] == '/' || (n && root_real[n - 1] == '/'));
	free(real);
	return inside;
}

void ct_names_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* ---- files --------------------------------------------------------------- */

/* ---- mappings that survive their file shrinking ------------------------ */

/*
 * A mapped file that shrinks while it is read (copytruncate log rotation, a
 * dump still being written) raises SIGBUS at the first page past its new
 * end.  Every mapping ct_map_fd() makes is listed in trap_slots; the SIGBUS
 * handler puts zero pages over the rest of the listed mapping that faulted
 * (mmap MAP_FIXED, as PulseAudio's memtrap does) and records the offset, so
 * the reader goes on over zeros and its caller reports the loss
 * (ct_map_lost).  A fault outside every listed mapping is re-raised with the
 * previous disposition.  The slots are lock-free: the handler may run in
 * any thread.
 */
enum { TRAP_SLOTS = 1024 };

struct trap_slot {
	_Atomic uintptr_t base;	/* start of the mapping, 0 when free */
	_Atomic size_t len;	/* its length */
	_Atomic uint64_t lost;	/* first offset replaced by zeros, or
				 * UINT64_MAX */
};

static struct trap_slot trap_slots[TRAP_SLOTS];
static struct sigaction trap_old;	/* SIGBUS disposition before ours */
static uintptr_t trap_page = 4096;	/* page size */
static pthread_once_t trap_once = PTHREAD_ONCE_INIT;

static void trap_handler(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	for (size_t i = 0; i < TRAP_SLOTS; i++) {
		uintptr_t base = atomic_load(&trap_slots[i].base);
		size_t len = atomic_load(&trap_slots[i].len);
		if (base <= 1 || addr < base || addr - base >= len)
			continue;
		uintptr_t page = addr & ~(trap_page - 1);
		if (page < base)
			page = base;
		if (mmap((void *)page, base + len - page, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		    MAP_FAILED)
			break;
		uint64_t off = page - base;
		uint64_t old = atomic_load(&trap_slots[i].lost);
		while (off < old &&
		       !atomic_compare_exchange_weak(&trap_slots[i].lost,
						     &old, off))
			;
		return;
	}
	/* not ours: the fault happens again under the old disposition */
	if (trap_old.sa_flags & SA_SIGINFO && trap_old.sa_sigaction) {
		trap_old.sa_sigaction(sig, si, uctx);
		return;
	}
	sigaction(SIGBUS, &trap_old, NULL);
}

static void trap_install(void)
{
	long page = sysconf(_SC_PAGESIZE);
	if (page > 0)
		trap_page = (uintptr_t)page;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = trap_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	struct sigaction old;
	if (sigaction(SIGBUS, &sa, &old) == 0)
		trap_old = old;
}

static void trap_add(void *map, size_t len)
{
	pthread_once(&trap_once, trap_install);
	for (size_t i = 0; i < TRAP_SLOTS; i++) {
		/* reserve the slot (base 1 matches no mapping), fill it, then
		 * publish the base */
		uintptr_t free_slot = 0;
		if (!atomic_compare_exchange_strong(&trap_slots[i].base,
						    &free_slot, 1))
			continue;
		atomic_store(&trap_slots[i].lost, UINT64_MAX);
		atomic_store(&trap_slots[i].len, len);
		atomic_store(&trap_slots[i].base, (uintptr_t)map);
		return;
	}
	/* NEEDSWORK: more than TRAP_SLOTS mappings at once are not trapped */
}

static struct trap_slot *trap_find(const void *map)
{
	for (size_t i = 0; i < TRAP_SLOTS; i++)
		if (atomic_load(&trap_slots[i].base) == (uintptr_t)map)
			return &trap_slots[i];
	return NULL;
}

bool ct_map_lost(const void *map, uint64_t *ret_offset)
{
	struct trap_slot *s = map ? trap_find(map) : NULL;
	uint64_t lost = s ? atomic_load(&s->lost) : UINT64_MAX;
	if (lost == UINT64_MAX)
		return false;
	*ret_offset = lost;
	return true;
}

void ct_unmap_file(void *map, size_t len)
{
	if (!map)
		return;
	struct trap_slot *s = trap_find(map);
	if (s)
		atomic_store(&s->base, 0);
	munmap(map, len);
}

struct ct_error *ct_map_fd(int fd, const char *path, void **ret_map,
			   size_t *ret_len)
{
	struct stat st;
	struct ct_error *err = NULL;
	if (fstat(fd, &st) != 0)
		err = ct_error_os(errno, path, "cannot stat");
	else if (!S_ISREG(st.st_mode) || st.st_size == 0)
		err = ct_error_at(ct_error_create(CT_ERROR_NOT_RECOGNISED, "%s",
						  S_ISREG(st.st_mode)
						  ? "empty file"
						  : "not a regular file"),
				  path, 0, 0, false);
	else if ((uint64_t)st.st_size > SIZE_MAX)
		err = ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
						  "file too large"),
				  path, 0, 0, false);
	void *map = MAP_FAILED;
	if (!err) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			   fd, 0);
		if (map == MAP_FAILED)
			err = ct_error_os(errno, path, "cannot map");
	}
	if (err)
		return err;
	trap_add(map, (size_t)st.st_size);
	*ret_map = map;
	*ret_len = (size_t)st.st_size;
	return NULL;
}

struct ct_error *ct_map_file(const char *path, void **ret_map, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return ct_error_os(errno, path, "cannot open");
	struct ct_error *err = ct_map_fd(fd, path, ret_map, ret_len);
	close(fd);
	return err;
}
