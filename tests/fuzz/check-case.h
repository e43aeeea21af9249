/* SPDX-License-Identifier: MIT */
/*
 * check-case.h - properties every analysed case has, whatever its input,
 * asserted by the fuzz targets that build a case (fuzz-text, fuzz-core,
 * fuzz-vmcore, fuzz-source), so that a replay of their corpora checks
 * more than "it did not crash".  A violation calls abort(): libFuzzer and
 * replay.c both report it as a crash of the input.
 *
 * The properties: the JSON rendering is one well-formed JSON object; the
 * signature hash is empty or 16 lowercase hex digits, and a hash comes
 * with a non-empty title; no name, kind, key, title or frame is an empty
 * string; a typed report's guilty frame lies inside the crashing
 * backtrace; no array count passes its capacity; match scores are in
 * [0, 1]; and a line-based origin in a text input names a line the text
 * has.
 */
#ifndef CT_FUZZ_CHECK_CASE_H
#define CT_FUZZ_CHECK_CASE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h" /* the case's private capacities */

static inline void fuzz_require(bool ok)
{
	if (!ok)
		abort();
}

static inline bool fuzz_nonempty(const char *s)
{
	return s && *s;
}

/* ---- a small JSON checker: RFC 8259 syntax, depth capped ---- */

static inline const char *fuzz_json_value(const char *p, int depth);

static inline const char *fuzz_json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static inline const char *fuzz_json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char ch = (unsigned char)*p++;
		if (ch == '"')
			return p;
		if (ch < 0x20)	/* control characters must be escaped */
			return NULL;
		if (ch != '\\')
			continue;
		ch = (unsigned char)*p++;
		if (ch == 'u') {
			for (int i = 0; i < 4; i++, p++)
				if (!strchr("0123456789abcdefABCDEF", *p) || !*p)
					return NULL;
		} else if (!ch || !strchr("\"\\/bfnrt", ch)) {
			return NULL;
		}
	}
}

static inline const char *fuzz_json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		if (*++p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* fuzz_json_items: the members of an object (obj) or the elements of an
 * array, up to the closing bracket */
static inline const char *fuzz_json_items(const char *p, int depth, bool obj)
{
	char close = obj ? '}' : ']';
	p = fuzz_json_ws(p);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			p = fuzz_json_string(fuzz_json_ws(p));
			if (!p || *(p = fuzz_json_ws(p)) != ':')
				return NULL;
			p++;
		}
		p = fuzz_json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = fuzz_json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static inline const char *fuzz_json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = fuzz_json_ws(p);
	switch (*p) {
	case '{':
		return fuzz_json_items(p + 1, depth, true);
	case '[':
		return fuzz_json_items(p + 1, depth, false);
	case '"':
		return fuzz_json_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return fuzz_json_number(p);
	}
}

/* fuzz_check_json: JSON is one object and nothing after it */
static inline void fuzz_check_json(const char *json)
{
	fuzz_require(json != NULL);
	const char *p = fuzz_json_ws(json);
	fuzz_require(*p == '{');
	p = fuzz_json_value(p, 0);
	fuzz_require(p != NULL && *fuzz_json_ws(p) == '\0');
}

/* ---- the case ---- */

static inline void fuzz_check_origin(const struct ct_origin *o, const char *path,
			      unsigned long lines)
{
	if (path && o->path && strcmp(o->path, path) == 0)
		fuzz_require(o->line <= lines);
}

/*
 * fuzz_check_case: the properties above.  When PATH is not NULL it is a
 * text input of LINES lines (the newlines, plus one for a last line
 * without one): every origin in PATH must name one of those lines.
 */
static inline void fuzz_check_case(const struct ct_case *c, const char *path,
			    unsigned long lines)
{
	const struct ct_signature *sig = &c->signature;
	size_t hl = strlen(sig->hash);
	fuzz_require(hl == 0 || hl == 16);
	for (size_t i = 0; i < hl; i++)
		fuzz_require(strchr("0123456789abcdef", sig->hash[i]) &&
			     sig->hash[i]);
	if (hl)
		fuzz_require(fuzz_nonempty(sig->title));
	fuzz_require(!sig->title || *sig->title);
	fuzz_require(!sig->guilty || *sig->guilty);
	for (size_t i = 0; i < sig->frame_count; i++)
		fuzz_require(fuzz_nonempty(sig->frames[i]));
	for (size_t i = 0; i < sig->alt_title_count; i++)
		fuzz_require(fuzz_nonempty(sig->alt_titles[i]));

	fuzz_require(c->input_count <= ct_case_priv_const(c)->input_cap);
	fuzz_require(c->fact_count <= ct_case_priv_const(c)->fact_cap);
	fuzz_require(c->backtrace_count <= ct_case_priv_const(c)->backtrace_cap);
	fuzz_require(c->event_count <= ct_case_priv_const(c)->event_cap);
	fuzz_require(c->finding_count <= ct_case_priv_const(c)->finding_cap);
	fuzz_require(c->note_count <= ct_case_priv_const(c)->note_cap);
	fuzz_require(c->match_count <= ct_case_priv_const(c)->match_cap);

	const struct ct_backtrace *crashing = NULL;
	for (size_t i = 0; i < c->backtrace_count; i++) {
		const struct ct_backtrace *bt = &c->backtraces[i];
		fuzz_require(bt->frame_count <= bt->frame_capacity);
		fuzz_check_origin(&bt->origin, path, lines);
		if (bt->crashing && !crashing)
			crashing = bt;
	}
	const struct ct_panic *pn = &c->panic;
	fuzz_require(!pn->kind || *pn->kind);
	fuzz_check_origin(&pn->origin, path, lines);
	if (pn->typed && pn->guilty_frame >= 0)
		fuzz_require(crashing && (size_t)pn->guilty_frame <
					 crashing->frame_count);
	for (size_t i = 0; i < c->fact_count; i++) {
		fuzz_require(fuzz_nonempty(c->facts[i].key));
		fuzz_require(c->facts[i].value != NULL);
		fuzz_check_origin(&c->facts[i].origin, path, lines);
	}
	for (size_t i = 0; i < c->event_count; i++) {
		const struct ct_event *e = &c->events[i];
		fuzz_require(fuzz_nonempty(e->kind));
		fuzz_check_origin(&e->origin, path, lines);
		for (size_t j = 0; j < e->field_count; j++)
			fuzz_require(fuzz_nonempty(e->fields[j].name) &&
				     e->fields[j].value);
	}
	for (size_t i = 0; i < c->note_count; i++)
		fuzz_require(fuzz_nonempty(c->notes[i]));
	for (size_t i = 0; i < c->match_count; i++)
		fuzz_require(fuzz_nonempty(c->matches[i].id) &&
			     c->matches[i].score >= 0 &&
			     c->matches[i].score <= 1);
}

/* fuzz_count_lines: the lines of a text as the extractors number them */
static inline unsigned long fuzz_count_lines(const char *buf, size_t len)
{
	unsigned long n = 0;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len && buf[len - 1] != '\n');
}

/* fuzz_check_rendered: the case's properties and its JSON rendering */
static inline void fuzz_check_rendered(const struct ct_case *c, const char *path,
				unsigned long lines)
{
	fuzz_check_case(c, path, lines);
	char *json = NULL;
	struct ct_error *err = ct_case_to_json(c, &json);
	if (err) {		/* only out of memory */
		ct_error_destroy(err);
		return;
	}
	fuzz_check_json(json);
	free(json);
}

#endif
