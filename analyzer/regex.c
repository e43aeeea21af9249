/* SPDX-License-Identifier: MIT */
/*
 * regex.c - the one wrapper around PCRE2 (regex.h): patterns compiled once,
 * JIT-compiled where the platform has a JIT, and every match run with the
 * same match and depth limits, so that hostile evidence cannot stall a
 * scan, whoever scans (the event catalogue, the Linux report types, the
 * rules).  Also the literal every match of a pattern must contain, which
 * indexes rules and prefilters scans.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "analyzer/regex.h"

/* ------------------------------------------------------------------------
 * Regular expressions
 * ------------------------------------------------------------------------ */

/* Backtracking budget of one match: hostile evidence cannot stall us. */
enum { REGEX_MATCH_LIMIT = 200000, REGEX_DEPTH_LIMIT = 5000 };

static pcre2_match_context *regex_context;
static pthread_once_t regex_context_once = PTHREAD_ONCE_INIT;

static void regex_context_init(void)
{
	regex_context = pcre2_match_context_create(NULL);
	if (regex_context) {
		pcre2_set_match_limit(regex_context, REGEX_MATCH_LIMIT);
		pcre2_set_depth_limit(regex_context, REGEX_DEPTH_LIMIT);
	}
}

struct ct_error *ct_regex_compile(struct ct_regex *re, const char *pattern)
{
	size_t len = strlen(pattern);
	int code;
	PCRE2_SIZE offset;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, len, 0, &code,
				      &offset, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		return ct_error_corrupt(NULL, 0,
				       "bad regular expression '%s' at offset "
				       "%zu: %s", pattern, (size_t)offset,
				       (char *)msg);
	}
	char *source = strdup(pattern);
	if (!source) {
		pcre2_code_free(c);
		return &ct_enomem;
	}
	(void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* interpreter if not */
	re->source = source;
	re->code = c;
	return NULL;
}

int ct_regex_match(const struct ct_regex *re, const char *subject, size_t len,
		   size_t start, struct pcre2_real_match_data_8 *md)
{
	if (!re->code || !subject)
		return PCRE2_ERROR_NOMATCH;
	pthread_once(&regex_context_once, regex_context_init);
	return pcre2_match(re->code, (PCRE2_SPTR)subject, len, start, 0, md,
			   regex_context);
}

struct ct_error *ct_regex_each_group(
	const struct ct_regex *re, struct pcre2_real_match_data_8 *md,
	const char *subject,
	struct ct_error *(*fn)(void *arg, const char *name, const char *value,
			       size_t len),
	void *arg)
{
	uint32_t count = 0, entry_size = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t pairs = pcre2_get_ovector_count(md);
	for (uint32_t i = 0; i < count; i++) {
		PCRE2_SPTR e = table + (size_t)i * entry_size;
		unsigned n = (unsigned)(e[0] << 8 | e[1]);
		if (n >= pairs || ov[2 * n] == PCRE2_UNSET)
			continue;
		struct ct_error *err = fn(arg, (const char *)e + 2,
					  subject + ov[2 * n],
					  ov[2 * n + 1] - ov[2 * n]);
		if (err)
			return err;
	}
	return NULL;
}

void ct_regex_deinit(struct ct_regex *re)
{
	free(re->source);
	pcre2_code_free(re->code);
	re->source = NULL;
	re->code = NULL;
}

bool ct_regex_search(const struct ct_regex *re, const char *subject,
		     size_t len, const char *group, const char **ret_value,
		     size_t *ret_len)
{
	if (!re->code || !subject)
		return false;
	pthread_once(&regex_context_once, regex_context_init);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code,
								     NULL);
	if (!md)
		return false;
	int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md,
			     regex_context);
	bool found = rc >= 0;
	if (found && group) {
		*ret_value = NULL;
		*ret_len = 0;
		int n = pcre2_substring_number_from_name(re->code,
							 (PCRE2_SPTR)group);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (n > 0 && (uint32_t)n < pcre2_get_ovector_count(md) &&
		    ov[2 * n] != PCRE2_UNSET) {
			*ret_value = subject + ov[2 * n];
			*ret_len = ov[2 * n + 1] - ov[2 * n];
		}
	}
	pcre2_match_data_free(md);
	return found;
}

bool ct_regex_has_group(const struct ct_regex *re, const char *name)
{
	return re->code &&
	       pcre2_substring_number_from_name(re->code,
						(PCRE2_SPTR)name) > 0;
}

/* Length of a quantifier at p ("*", "+", "?", "{2}", "{1,3}" plus a lazy
 * or possessive mark), 0 if none; *min_zero says whether it allows zero
 * repetitions. */
static size_t quantifier_len(const char *p, bool *min_zero)
{
	size_t n = 0;
	*min_zero = false;
	if (*p == '*' || *p == '?') {
		*min_zero = true;
		n = 1;
	} else if (*p == '+') {
		n = 1;
	} else if (*p == '{') {
		const char *q = p + 1;
		bool digits = false, zero = true;
		while (ct_is_digit(*q)) {
			if (*q != '0')
				zero = false;
			digits = true;
			q++;
		}
		if (*q == ',') {
			q++;
			while (ct_is_digit(*q))
				q++;
		}
		if (!digits || *q != '}')
			return 0;
		*min_zero = zero;
		n = (size_t)(q + 1 - p);
	} else {
		return 0;
	}
	if (p[n] == '?' || p[n] == '+')
		n++;
	return n;
}

/* Skip a character class starting at p ('['); returns the byte after it. */
static const char *skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p += 2;
		else if (*p == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			p = e ? e + 2 : p + 1;
		} else
			p++;
	}
	return *p ? p + 1 : p;
}

/* Skip a group starting at p ('('), nested groups and classes included;
 * returns the byte after it, or NULL for an inline option group that may
 * change how literals match ((?i), (?x), ...). */
static const char *skip_group(const char *p)
{
	if (p[1] == '?' && p[2] && strchr("imnsxJU-^", p[2]))
		return NULL;
	if (p[1] == '*')	/* (*VERB) / (*UTF): give up as well */
		return NULL;
	int depth = 0;
	while (*p) {
		if (*p == '\\' && p[1]) {
			if (p[1] == 'Q') {
				const char *e = strstr(p + 2, "\\E");
				p = e ? e + 2 : p + strlen(p);
				continue;
			}
			p += 2;
		} else if (*p == '[') {
			p = skip_class(p);
		} else if (*p == '(') {
			if (p[1] == '?' && p[2] && strchr("imnsxJU-^", p[2]))
				return NULL;
			depth++;
			p++;
		} else if (*p == ')') {
			p++;
			if (--depth == 0)
				return p;
		} else {
			p++;
		}
	}
	return p;
}

/* The byte a backslash escape at p stands for, or -1 when it is no single
 * literal byte (\d, \w, \b, back references, ...).  *n gets its length. */
static int escape_literal(const char *p, size_t *n)
{
	*n = 2;
	unsigned char c = (unsigned char)p[1];
	switch (c) {
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 'f':
		return '\f';
	case 'e':
		return 27;
	case 'a':
		return 7;
	default:
		break;
	}
	if (c && !ct_is_alnum(c))
		return c;	/* \. \\ \( \- ... */
	return -1;
}

/* Whether pattern has a top-level alternation (then nothing is required)
 * or a group that does not close. */
static bool regex_has_alternation(const char *pattern)
{
	for (const char *q = pattern; *q;) {
		if (*q == '\\' && q[1])
			q += 2;
		else if (*q == '[')
			q = skip_class(q);
		else if (*q == '(') {
			q = skip_group(q);
			if (!q)
				return true;
		} else if (*q == '|') {
			return true;
		} else
			q++;
	}
	return false;
}

/* End the literal run: keep it in best when it is the longest yet. */
static void end_run(struct ct_strbuf *run, struct ct_strbuf *best)
{
	if (run->len > best->len) {
		best->len = 0;
		ct_strbuf_append(best, run->buf, run->len);
	}
	run->len = 0;
}

char *ct_regex_literal(const char *pattern)
{
	struct ct_strbuf run = CT_STRBUF_INIT, best = CT_STRBUF_INIT;
	const char *p = pattern;
	/* top-level alternation: nothing is required */
	bool give_up = regex_has_alternation(p);
	while (!give_up && *p) {
		bool min_zero;
		size_t qn;
		int lit = -1;
		size_t n = 1;
		if (*p == '\\' && p[1] == 'Q') {
			const char *e = strstr(p + 2, "\\E");
			size_t len = e ? (size_t)(e - p - 2) : strlen(p + 2);
			/* a quantifier after \E applies to the last byte */
			const char *after = e ? e + 2 : p + 2 + len;
			qn = quantifier_len(after, &min_zero);
			if (qn && len) {
				ct_strbuf_append(&run, p + 2, len - 1);
				if (!min_zero)
					ct_strbuf_putc(&run, p[2 + len - 1]);
				end_run(&run, &best);
			} else {
				ct_strbuf_append(&run, p + 2, len);
			}
			p = after + qn;
			continue;
		}
		if (*p == '\\') {
			if (!p[1])
				break;
			lit = escape_literal(p, &n);
		} else if (*p == '[') {
			end_run(&run, &best);
			p = skip_class(p);
			p += quantifier_len(p, &min_zero);
			continue;
		} else if (*p == '(') {
			end_run(&run, &best);
			p = skip_group(p);
			if (!p)
				break;
			p += quantifier_len(p, &min_zero);
			continue;
		} else if (*p == '.' || *p == '^' || *p == '$') {
			end_run(&run, &best);
			p++;
			p += quantifier_len(p, &min_zero);
			continue;
		} else {
			lit = (unsigned char)*p;
		}
		qn = quantifier_len(p + n, &min_zero);
		if (lit < 0) {
			end_run(&run, &best);
		} else if (qn) {
			if (!min_zero)
				ct_strbuf_putc(&run, (char)lit);
			end_run(&run, &best);
		} else {
			ct_strbuf_putc(&run, (char)lit);
		}
		p += n + qn;
	}
	end_run(&run, &best);
	ct_strbuf_deinit(&run);
	if (best.failed) {
		ct_strbuf_deinit(&best);
		return NULL;
	}
	if (give_up || !best.len) {
		ct_strbuf_deinit(&best);
		return strdup("");
	}
	return ct_strbuf_detach(&best);
}
