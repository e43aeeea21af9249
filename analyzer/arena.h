/* SPDX-License-Identifier: MIT */
/*
 * arena.h - a bump allocator for many small strings freed together: a
 * case's events (kind, time, text, fields) live in one, so that a log
 * with 100,000 events costs a few hundred chunk allocations instead of
 * two million malloc() and free() calls.  Private to libcrashtriage.
 */
#ifndef CT_ARENA_H
#define CT_ARENA_H

#include <stddef.h>

struct ct_arena_chunk;

struct ct_arena {
	struct ct_arena_chunk *chunks;	/* newest first */
	char *next;			/* free space of the newest chunk */
	char *end;
	size_t chunk_size;		/* of the next chunk: doubles */
};

#define CT_ARENA_INIT { NULL, NULL, NULL, 0 }

/* n bytes aligned for pointers and sizes (not for long double), valid
 * until ct_arena_free(); NULL when memory runs out. */
void *ct_arena_alloc(struct ct_arena *a, size_t n);
/* ct_strndup_clean() (case-internal.h) into the arena. */
char *ct_arena_strndup_clean(struct ct_arena *a, const char *s, size_t n);
/* Free every allocation of a at once; a is empty again. */
void ct_arena_free(struct ct_arena *a);

#endif /* CT_ARENA_H */
