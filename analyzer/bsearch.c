/* SPDX-License-Identifier: MIT */
/*
 * bsearch.c - the one binary search (bsearch.h): segment lookups in
 * cores and vmcores, symbol tables, vmcoreinfo keys, bundle roots and
 * rule ids all find their place in a sorted array through it.
 */
#include "analyzer/internal.h"

size_t ct_bsearch_bound(const void *key, const void *base, size_t n,
			size_t size, ct_bsearch_cmp_fn *cmp, void *arg,
			bool upper)
{
	const char *b = base;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(key, b + mid * size, arg);
		if (c > 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int ct_bsearch_cmp_u64_field(const void *key, const void *elem, void *arg)
{
	uint64_t k = *(const uint64_t *)key, v;
	memcpy(&v, (const char *)elem + (uintptr_t)arg, sizeof(v));
	return k < v ? -1 : k > v;
}

size_t ct_bsearch_find(const void *key, const void *base, size_t n,
		       size_t size, ct_bsearch_cmp_fn *cmp, void *arg)
{
	size_t i = ct_bsearch_lower(key, base, n, size, cmp, arg);
	if (i < n && cmp(key, (const char *)base + i * size, arg) == 0)
		return i;
	return n;
}
