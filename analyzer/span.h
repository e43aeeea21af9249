/* SPDX-License-Identifier: MIT */
/*
 * span.h - small helpers on (p, len) spans of untrusted text, private to
 * libcrashtriage (util.c): search, prefixes, blanks (with UTF-8 no-break
 * spaces), trimming, and hex and decimal numbers.  ct_parse_hex_u64()
 * is public, in strbuf.h (the CLI parses addresses with it).
 */
#ifndef CT_SPAN_H
#define CT_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct ct_line_reader;

/* First occurrence of needle in [p, p+len), or NULL. */
const char *ct_memstr(const char *p, size_t len, const char *needle);
/* The same search for a needle searched many times: ct_memstr_pick()
 * chooses, once, the needle's rarest byte (its index) that
 * ct_memstr_picked() looks for first. */
size_t ct_memstr_pick(const char *needle, size_t n);
const char *ct_memstr_picked(const char *p, size_t len, const char *needle,
			     size_t n, size_t pick);
/* Does [p, p+len) hold a or b?  One pass, for a per-line test. */
bool ct_has_either(const char *p, size_t len, const char *a, const char *b);
/* Inline, so that a literal prefix's length is known when compiling: the
 * extractors test many prefixes on every line. */
static inline bool ct_has_prefix(const char *p, size_t len,
				 const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(p, prefix, n) == 0;
}
/* Bytes of the blank at p: 1 for space or tab, 2 for a UTF-8 no-break
 * space (pasted from web pages), 0 if p is no blank. */
size_t ct_blank_len(const char *p, const char *end);
/* Skip spaces, tabs and no-break spaces. */
const char *ct_skip_blanks(const char *p, const char *end);
/* Trim blanks and CR at both ends of the span in place. */
void ct_trim(const char **p, size_t *len);
/* Parse hex digits (optional 0x) at *p; *p moves past them.  Masked digits
 * ('*', '#') make *masked true and the value 0.  False if none. */
bool ct_parse_hex(const char **p, const char *end, uint64_t *ret, bool *masked);
/* Parse decimal digits at *p into ret (saturating). */
bool ct_parse_dec(const char **p, const char *end, unsigned long *ret);

/* Bit i set when p[i] is a newline, for the n <= 64 bytes at p: lines are
 * cut 64 bytes at a time (the scan of multiscan.c, ct_line_skip()).
 * Inline: it runs once per 64 bytes of a big log. */
static inline uint64_t ct_newline_mask(const char *p, size_t n)
{
	uint64_t m = 0;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	if (n == 64) {
		uint64_t w[4];
		for (int k = 0; k < 4; k++)
			w[k] = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)p + k), nl));
		return w[0] | w[1] << 16 | w[2] << 32 | w[3] << 48;
	}
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(
			     _mm_cmpeq_epi8(v, nl)) << i;
	}
#endif
	for (; i < n; i++)
		m |= (uint64_t)(p[i] == '\n') << i;
	return m;
}

/* Bits set in m (a popcount that asks for no CPU feature). */
static inline unsigned ct_bit_count(uint64_t m)
{
	m -= (m >> 1) & 0x5555555555555555u;
	m = (m & 0x3333333333333333u) + ((m >> 2) & 0x3333333333333333u);
	m = (m + (m >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (unsigned)((m * 0x0101010101010101u) >> 56);
}

/* Move r on so that ct_line_next() returns line number next, counting
 * the newlines before it 64 bytes at a time; to the end of the text if it
 * has fewer lines.  A reader already past it stays. */
void ct_line_skip(struct ct_line_reader *r, unsigned long number);

/* Where some lines of a text start, noted on a pass over it, so that a
 * later reader gets to a line without counting every newline from the
 * text's start (ct_line_seek()): a mark every `every` lines, which
 * doubles when the marks are full, so a log of any size costs this
 * struct and no more. */
enum { CT_LINE_MARKS = 256 };
struct ct_line_marks {
	unsigned long every;	/* lines from one mark to the next */
	size_t count;
	struct {
		unsigned long number;
		const char *p;
	} at[CT_LINE_MARKS];
};

void ct_line_marks_init(struct ct_line_marks *lm);
void ct_line_marks_keep(struct ct_line_marks *lm, unsigned long number,
			const char *p);
/* Line number starts at p: to be called for every line, in order. */
static inline void ct_line_mark(struct ct_line_marks *lm,
				unsigned long number, const char *p)
{
	if ((number & (lm->every - 1)) == 0)	/* every: a power of 2 */
		ct_line_marks_keep(lm, number, p);
}
/* ct_line_skip() from the last mark of lm (may be NULL) before line
 * number, when r has not reached it: r reads the text the marks were
 * taken on. */
void ct_line_seek(struct ct_line_reader *r, const struct ct_line_marks *lm,
		  unsigned long number);

#endif /* CT_SPAN_H */
