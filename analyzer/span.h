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

#endif /* CT_SPAN_H */
