/* SPDX-License-Identifier: MIT */
/*
 * bsearch.h - the one binary search of libcrashtriage: where key falls in
 * a sorted array, as an index, so that a caller can take the exact match,
 * the last element at or below key (the segment holding an address), or
 * the first of a run of equal keys.  Included by internal.h.
 */
#ifndef CT_BSEARCH_H
#define CT_BSEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Compare key with the element at elem: < 0 when key sorts before it,
 * 0 when equal, > 0 after.  arg is the caller's, passed through.
 */
typedef int ct_bsearch_cmp_fn(const void *key, const void *elem, void *arg);

/*
 * ct_bsearch_bound - in base[0, n) (elements of size bytes, sorted so
 * that cmp(key, ·) never rises) the first index whose element key sorts
 * before (upper: cmp < 0) or at or before (!upper, "lower bound":
 * cmp <= 0); n when none.
 */
size_t ct_bsearch_bound(const void *key, const void *base, size_t n,
			size_t size, ct_bsearch_cmp_fn *cmp, void *arg,
			bool upper);

/* The first index whose element is not below key (n: none). */
static inline size_t ct_bsearch_lower(const void *key, const void *base,
				      size_t n, size_t size,
				      ct_bsearch_cmp_fn *cmp, void *arg)
{
	return ct_bsearch_bound(key, base, n, size, cmp, arg, false);
}

/* The first index whose element is above key (n: none); the element at
 * or below key is the one before it, when it is not 0. */
static inline size_t ct_bsearch_upper(const void *key, const void *base,
				      size_t n, size_t size,
				      ct_bsearch_cmp_fn *cmp, void *arg)
{
	return ct_bsearch_bound(key, base, n, size, cmp, arg, true);
}

/* The index of an element equal to key, or n when there is none. */
size_t ct_bsearch_find(const void *key, const void *base, size_t n,
		       size_t size, ct_bsearch_cmp_fn *cmp, void *arg);

/*
 * A comparator for arrays of structs sorted by a uint64_t member: key is
 * a uint64_t, arg is CT_BSEARCH_FIELD(type, member).
 */
int ct_bsearch_cmp_u64_field(const void *key, const void *elem, void *arg);
#define CT_BSEARCH_FIELD(type, member) \
	((void *)(uintptr_t)offsetof(type, member))

#endif /* CT_BSEARCH_H */
