/* SPDX-License-Identifier: MIT */
/*
 * regex.h - regular expressions for the whole library: PCRE2 behind one
 * wrapper with match and depth limits (regex.c).
 */
#ifndef CT_REGEX_H
#define CT_REGEX_H

#include <stdbool.h>
#include <stddef.h>

/* pcre2.h's type for a compiled pattern (PCRE2_CODE_UNIT_WIDTH 8), so that
 * users of this header need not include pcre2.h. */
struct pcre2_real_code_8;

/* A compiled regular expression (PCRE2, JIT when available). */
struct ct_regex {
	char *source;			/* the pattern as written */
	struct pcre2_real_code_8 *code;	/* compiled; owned */
};

/* pcre2.h's match data (PCRE2_CODE_UNIT_WIDTH 8), for ct_regex_match(). */
struct pcre2_real_match_data_8;

/*
 * ct_regex_compile - compile pattern into re (re->source copied).
 * Byte-wise (no UTF mode), JIT-compiled when the platform has a JIT.
 * Return: NULL on success; CT_ERROR_CORRUPT naming the offset of the
 * problem in the pattern.  re is untouched on failure.
 */
struct ct_error *ct_regex_compile(struct ct_regex *re, const char *pattern);
void ct_regex_deinit(struct ct_regex *re);

/*
 * ct_regex_search - find re in subject[0, len).
 * @group: name of a capture to return, or NULL.
 * @ret_value, @ret_len: receive the span of the named group (NULL/0 when
 *        the group did not take part); may be NULL when group is NULL.
 *
 * Matching runs with a match limit so that hostile evidence cannot stall
 * the matcher; hitting it counts as no match.  Thread-safe.
 * Return: true on a match.
 */
bool ct_regex_search(const struct ct_regex *re, const char *subject,
		     size_t len, const char *group, const char **ret_value,
		     size_t *ret_len);

/* True when re has a named capture group called name. */
bool ct_regex_has_group(const struct ct_regex *re, const char *name);

/*
 * ct_regex_literal - the longest run of bytes every match of re contains,
 * read conservatively from its top-level sequence (no alternation, no
 * optional or repeated atoms); used to index rules by log text.
 * Return: a new string (caller frees), "" when none is known, NULL on OOM.
 */
char *ct_regex_literal(const char *pattern);

/*
 * ct_regex_match - pcre2_match() of re over subject[0, len) from start,
 * into md (the caller's, for positions and groups), with the limits every
 * match runs with.  Thread-safe.
 * Return: pcre2_match()'s result: >= 0 on a match, < 0 otherwise (no
 * match, a limit hit, an error).
 */
int ct_regex_match(const struct ct_regex *re, const char *subject, size_t len,
		   size_t start, struct pcre2_real_match_data_8 *md);

/*
 * ct_regex_each_group - call fn for each named group of re that took part
 * in the match md holds over subject, in the pattern's name order, with
 * the group's name and span; stops at fn's first error.
 * Return: NULL, or fn's error.
 */
struct ct_error *ct_regex_each_group(
	const struct ct_regex *re, struct pcre2_real_match_data_8 *md,
	const char *subject,
	struct ct_error *(*fn)(void *arg, const char *name, const char *value,
			       size_t len),
	void *arg);

#endif /* CT_REGEX_H */
