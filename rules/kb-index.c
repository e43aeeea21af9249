/* SPDX-License-Identifier: MIT */
/*
 * kb-index.c - the knowledge base's candidate index: every rule filed under
 * the frame names, event kinds, pattern words, fact keys and finding names
 * its signals need, so that a case is compared only with the rules that
 * could match it (match-internal.h).
 */
#include <stdio.h>

#include "rules/match-internal.h"

/* ------------------------------------------------------------------------
 * The index: key -> rules
 *
 * Keys are a one-byte kind and a name: 'f' frame name, 'e' event kind,
 * 'w' word of a log pattern's literal, 'p' word of a panic pattern's
 * literal, 'k' fact key, 'd' finding kind/type/member.
 * ------------------------------------------------------------------------ */

static uint64_t hash_key(char kind, const char *s, size_t len)
{
	return ct_hash_bytes(ct_hash_bytes(CT_HASH_INIT, &kind, 1), s, len);
}

struct ct_kb_posting *ct_kb_index_find(const struct ct_kb_index *ix, char kind,
				  const char *s, size_t len)
{
	if (!ix->cap || !ix->kinds[(unsigned char)kind & 127])
		return NULL;
	uint64_t h = hash_key(kind, s, len);
	for (size_t i = h & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		struct ct_kb_posting *p = &ix->slots[i];
		if (!p->key)
			return NULL;
		if (p->hash == h && p->len == len + 1 && p->key[0] == kind &&
		    memcmp(p->key + 1, s, len) == 0)
			return p;
	}
}

static bool index_grow(struct ct_kb_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 256;
	struct ct_kb_posting *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < ix->cap; i++) {
		struct ct_kb_posting *p = &ix->slots[i];
		if (!p->key)
			continue;
		size_t j = p->hash & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *p;
	}
	free(ix->slots);
	ix->slots = slots;
	ix->cap = cap;
	return true;
}

static bool index_add(struct ct_kb_index *ix, char kind, const char *s,
		      size_t len, uint32_t rule)
{
	ix->kinds[(unsigned char)kind & 127] = true;
	struct ct_kb_posting *p = ct_kb_index_find(ix, kind, s, len);
	if (!p) {
		if ((ix->used + 1) * 2 > ix->cap && !index_grow(ix))
			return false;
		uint64_t h = hash_key(kind, s, len);
		size_t i = h & (ix->cap - 1);
		while (ix->slots[i].key)
			i = (i + 1) & (ix->cap - 1);
		p = &ix->slots[i];
		char *key = malloc(len + 2);
		if (!key)
			return false;
		key[0] = kind;
		memcpy(key + 1, s, len);
		key[len + 1] = '\0';
		p->key = key;
		p->len = len + 1;
		p->hash = h;
		ix->used++;
	}
	if (p->count && p->rules[p->count - 1] == rule)
		return true;
	if (!ct_grow((void **)&p->rules, &p->cap, p->count + 1,
		     sizeof(*p->rules)))
		return false;
	p->rules[p->count++] = rule;
	return true;
}

void ct_kb_index_free(struct ct_kb_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->cap; i++) {
		free(ix->slots[i].key);
		free(ix->slots[i].rules);
	}
	free(ix->slots);
	free(ix->always);
	free(ix);
}

/* The longest word of a pattern's literal that is whole in every match:
 * bounded by non-word bytes inside the literal.  *ret_len is 0 if none. */
static const char *literal_word(const char *lit, size_t *ret_len)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (const char *p = lit; *p;) {
		if (!ct_is_word_char(*p)) {
			p++;
			continue;
		}
		const char *s = p;
		while (ct_is_word_char(*p))
			p++;
		bool whole = s > lit && *p; /* non-word bytes on both sides */
		if (whole && (size_t)(p - s) >= 3 &&
		    (size_t)(p - s) > best_len) {
			best = s;
			best_len = (size_t)(p - s);
		}
	}
	*ret_len = best_len;
	return best;
}

/* Index a pattern by its literal's best word; false if it has none. */
static bool index_pattern(struct ct_kb_index *ix, char kind,
			  const struct ct_regex *re, uint32_t rule, bool *oom)
{
	char *lit = ct_regex_literal(re->source);
	if (!lit) {
		*oom = true;
		return false;
	}
	size_t len;
	const char *w = literal_word(lit, &len);
	bool ok = w != NULL;
	if (ok && !index_add(ix, kind, w, len, rule))
		*oom = true;
	free(lit);
	return ok;
}

/* Index one signal; false when nothing about it can be indexed. */
static bool index_signal(struct ct_kb_index *ix, const struct ct_signal *s,
			 uint32_t rule, bool *oom)
{
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		for (size_t i = 0; i < s->u.frames.count && !*oom; i++)
			if (!index_add(ix, 'f', s->u.frames.names[i],
				       strlen(s->u.frames.names[i]), rule))
				*oom = true;
		return true;
	case CT_SIGNAL_LOG:
		if (s->u.log.event) {
			if (!index_add(ix, 'e', s->u.log.event,
				       strlen(s->u.log.event), rule))
				*oom = true;
			return true;
		}
		return index_pattern(ix, 'w', &s->u.log.pattern, rule, oom);
	case CT_SIGNAL_PANIC: {
		bool ok = true;
		if (s->u.panic.message.source)
			ok = index_pattern(ix, 'p', &s->u.panic.message, rule,
					   oom);
		if (s->u.panic.exception.source)
			ok = index_pattern(ix, 'p', &s->u.panic.exception,
					   rule, oom) && ok;
		return ok;
	}
	case CT_SIGNAL_FACT:
		if (strchr(s->u.fact.key, '*'))
			return false;
		if (!index_add(ix, 'k', s->u.fact.key, strlen(s->u.fact.key),
			       rule))
			*oom = true;
		return true;
	case CT_SIGNAL_FINDING: {
		const struct ct_finding_signal *f = &s->u.finding;
		const char *name = f->type ? f->type
				   : f->kind ? f->kind : f->member;
		if (!index_add(ix, 'd', name, strlen(name), rule))
			*oom = true;
		return true;
	}
	default:
		return false;
	}
}

/* A rule can be listed only through a non-fact signal, or through facts
 * alone when their weights reach the threshold (see match.h): so facts
 * need indexing only in that case. */
bool ct_kb_index_rule(struct ct_kb_index *ix, const struct ct_rule *r,
		       uint32_t rule)
{
	/* ids live in the same table under kind 'i' */
	if (!index_add(ix, 'i', r->id, strlen(r->id), rule))
		return false;
	double fact_weight = 0;
	for (size_t i = 0; i < r->signal_count; i++)
		if (r->signals[i].kind == CT_SIGNAL_FACT)
			fact_weight += r->signals[i].weight;
	bool facts_count = fact_weight + 1e-9 >= r->threshold;
	bool always = false, oom = false;
	for (size_t i = 0; i < r->signal_count && !oom; i++) {
		const struct ct_signal *s = &r->signals[i];
		if (s->kind == CT_SIGNAL_FACT && !facts_count)
			continue;
		if (!index_signal(ix, s, rule, &oom))
			always = true;
	}
	if (!oom && always) {
		if (!ct_grow((void **)&ix->always, &ix->always_cap,
			     ix->always_count + 1, sizeof(*ix->always)))
			return false;
		ix->always[ix->always_count++] = rule;
	}
	return !oom;
}
