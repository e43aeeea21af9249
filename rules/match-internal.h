/* SPDX-License-Identifier: MIT */
/*
 * match-internal.h - what the knowledge base (kb-load.c), its candidate
 * index (kb-index.c) and the matcher (match.c) share; private to rules/.
 */
#ifndef CT_RULES_MATCH_INTERNAL_H
#define CT_RULES_MATCH_INTERNAL_H

#include "analyzer/internal.h"
#include "rules/match.h"

/*
 * The index: key -> rules.  Keys are a one-byte kind and a name: 'f'
 * frame name, 'e' event kind, 'w' word of a log pattern's literal, 'p'
 * word of a panic pattern's literal, 'k' fact key, 'd' finding
 * kind/type/member.
 */
struct ct_kb_posting {
	char *key;		/* kind byte + name, NUL-terminated; NULL = free */
	size_t len;		/* strlen(key) */
	uint64_t hash;
	uint32_t *rules;	/* indices into kb->rules, ascending */
	size_t count;
	size_t cap;
};

struct ct_kb_index {
	struct ct_kb_posting *slots;	/* open addressing, linear probing */
	size_t cap;		/* power of two */
	size_t used;
	uint32_t *always;	/* rules no key can find: always compared */
	size_t always_count;
	size_t always_cap;
	bool kinds[128];	/* which key kinds exist */
};

/* The rules filed under key (kind, s[0, len)), or NULL. */
struct ct_kb_posting *ct_kb_index_find(const struct ct_kb_index *ix, char kind,
				  const char *s, size_t len);

void ct_kb_index_free(struct ct_kb_index *ix);

/* File rule number `rule` of a knowledge base under every key its signals
 * give (or among the rules always compared); false when memory ran out. */
bool ct_kb_index_rule(struct ct_kb_index *ix, const struct ct_rule *r,
		       uint32_t rule);

#endif /* CT_RULES_MATCH_INTERNAL_H */
