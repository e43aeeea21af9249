/* SPDX-License-Identifier: MIT */
/*
 * arena.c - the bump allocator of arena.h.
 */
#include <stdalign.h>

#include "analyzer/internal.h"
#include "analyzer/arena.h"
#include "analyzer/case-internal.h"

enum {
	ARENA_FIRST_CHUNK = 4096,	/* a case with a few events */
	ARENA_MAX_CHUNK = 1 << 20,	/* and one with 100,000 */
};

struct ct_arena_chunk {
	struct ct_arena_chunk *next;
	alignas(max_align_t) char data[];
};

void *ct_arena_alloc(struct ct_arena *a, size_t n)
{
	const size_t align = alignof(void *);
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	if ((size_t)(a->end - a->next) < n) {
		size_t size = a->chunk_size ? a->chunk_size : ARENA_FIRST_CHUNK;
		if (size < ARENA_MAX_CHUNK)
			a->chunk_size = size * 2;
		if (size < n)
			size = n;
		struct ct_arena_chunk *c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->next = a->chunks;
		a->chunks = c;
		a->next = c->data;
		a->end = c->data + size;
	}
	void *p = a->next;
	a->next += n;
	return p;
}

char *ct_arena_strndup_clean(struct ct_arena *a, const char *s, size_t n)
{
	if (n > CT_MAX_FIELD_LEN)
		n = CT_MAX_FIELD_LEN;
	char *r = ct_arena_alloc(a, n + 1);
	if (r)
		ct_copy_clean(r, s, n);
	return r;
}

void ct_arena_free(struct ct_arena *a)
{
	struct ct_arena_chunk *c = a->chunks;
	while (c) {
		struct ct_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	*a = (struct ct_arena)CT_ARENA_INIT;
}
