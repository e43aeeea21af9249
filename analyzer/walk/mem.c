/* SPDX-License-Identifier: MIT */
/*
 * mem.c - what every walking engine shares: reading pointers through
 * a struct ct_walk_mem, classifying a pointer value before it is
 * followed, and appending elements and findings to a result.  See
 * walk-internal.h.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/walk/walk-internal.h"
#include "analyzer/error.h"

/* ---- reading the target -------------------------------------------------- */

enum ct_core_mem ct_walk_read_uint(const struct ct_walk_mem *s,
				   uint64_t addr, unsigned n, uint64_t *ret)
{
	unsigned char b[8];
	size_t got;
	if (n > sizeof(b))
		return CT_CORE_MEM_UNMAPPED;	/* no such integer */
	enum ct_core_mem m = s->read(s->state, addr, b, n, &got);
	if (m != CT_CORE_MEM_OK)
		return m;
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | b[i];	/* both machines are little-endian */
	*ret = v;
	return CT_CORE_MEM_OK;
}

enum ct_core_mem ct_walk_read_ptr(const struct ct_walk_mem *s,
				  uint64_t addr, uint64_t *ret)
{
	const unsigned char *p = s->span && s->ptr_size == 8
		? s->span(s->state, addr, 8) : NULL;
	if (p) {
		/* a fixed-size copy the compiler inlines: the hot path */
		uint64_t v;
		memcpy(&v, p, 8);
		*ret = le64toh(v);
		return CT_CORE_MEM_OK;
	}
	return ct_walk_read_uint(s, addr, s->ptr_size, ret);
}

/* Can size bytes at addr be read?  How not, if not. */
enum ct_core_mem ct_walk_probe(const struct ct_walk_mem *s, uint64_t addr,
			       uint64_t size)
{
	if (s->span && size <= SIZE_MAX && s->span(s->state, addr, (size_t)size))
		return CT_CORE_MEM_OK;
	unsigned char b[256];
	while (size) {
		size_t n = size < sizeof(b) ? (size_t)size : sizeof(b), got;
		enum ct_core_mem m = s->read(s->state, addr, b, n, &got);
		if (m != CT_CORE_MEM_OK)
			return m;
		addr += n;
		size -= n;
	}
	return CT_CORE_MEM_OK;
}

const char *ct_walk_mem_kind(enum ct_core_mem m)
{
	switch (m) {
	case CT_CORE_MEM_NOT_DUMPED: return "not-dumped";
	case CT_CORE_MEM_TRUNCATED: return "truncated";
	case CT_CORE_MEM_UNMAPPED: return "unmapped";
	default: return "ok";
	}
}

const char *ct_walk_mem_reason(const struct ct_walk_mem *s,
			       enum ct_core_mem m)
{
	switch (m) {
	case CT_CORE_MEM_NOT_DUMPED:
		return s->kernel ? "mapped in the kernel but left out of the "
				   "dump"
				 : "mapped in the process but left out of the "
				   "dump";
	case CT_CORE_MEM_TRUNCATED:
		return "mapped and dumped, but the core file ends before it";
	case CT_CORE_MEM_UNMAPPED:
		return s->kernel ? "not mapped in the kernel's page tables"
				 : "never mapped in the process";
	default:
		return "readable";
	}
}

/* An 0xdeadbeef-style marker word (the free fills, not the list poisons). */
static bool is_marker(uint64_t w)
{
	return w == 0xdeadbeefdeadbeefull ||
	       (w & 0xffffffffull) == 0xdeadbeefull ||
	       w == 0xdeaddeaddeaddeadull || w == 0xfeeefeeefeeefeeeull ||
	       w == 0xddddddddddddddddull;
}

/* A known poison or fill value, or NULL. */
const char *ct_walk_poison_name(uint64_t v)
{
	uint64_t low = v;
	if ((v & 0xffff000000000000ull) == 0xdead000000000000ull)
		low = v & 0x0000ffffffffffffull; /* POISON_POINTER_DELTA */
	if (low == 0x100)
		return "LIST_POISON1 (list_del'd next)";
	if (low == 0x122)
		return "LIST_POISON2 (list_del'd prev)";
	if (v == 0x6b6b6b6b6b6b6b6bull)
		return "slab POISON_FREE 0x6b pattern (use after free)";
	if (v == 0x5a5a5a5a5a5a5a5aull)
		return "slab POISON_INUSE 0x5a pattern (uninitialised)";
	if (v == 0xa5a5a5a5a5a5a5a5ull)
		return "slab POISON_END 0xa5 pattern";
	if (is_marker(v) || v == 0xbaadf00dbaadf00dull ||
	    v == 0xcdcdcdcdcdcdcdcdull)
		return "0xdeadbeef-style marker";
	return NULL;
}

/*
 * Is v a usable pointer to an object of size bytes aligned to align?
 * When it is not, fill kind and why (NULL is reported as "null"; the
 * caller decides whether NULL is allowed).
 */
bool ct_walk_check_ptr(const struct ct_walk_mem *s, uint64_t v,
		       uint64_t size, uint64_t align, const char **kind,
		       char *why, size_t whysize)
{
	if (v == 0) {
		*kind = "null";
		snprintf(why, whysize, "NULL where a pointer is required");
		return false;
	}
	const char *p = ct_walk_poison_name(v);
	if (p) {
		*kind = "poison";
		snprintf(why, whysize, "0x%" PRIx64 " is %s", v, p);
		return false;
	}
	if (align > 1 && v % align) {
		*kind = "misaligned";
		snprintf(why, whysize,
			 "0x%" PRIx64 " is not aligned to %" PRIu64 " bytes",
			 v, align);
		return false;
	}
	enum ct_core_mem m = ct_walk_probe(s, v, size);
	if (m != CT_CORE_MEM_OK) {
		*kind = ct_walk_mem_kind(m);
		snprintf(why, whysize, "0x%" PRIx64 " (%" PRIu64
			 " bytes): %s", v, size, ct_walk_mem_reason(s, m));
		return false;
	}
	return true;
}

/*
 * The kind of a back link or tail pointer v that is not what it should
 * be: what is wrong with v itself when something is (null, poison,
 * misaligned, unmapped, ...), else dflt.  note gets " is ..." or "".
 */
const char *ct_walk_link_kind(const struct ct_walk_mem *s, uint64_t v,
			      const char *dflt, char *note, size_t n)
{
	const char *p = ct_walk_poison_name(v);
	note[0] = 0;
	if (v == 0) {
		snprintf(note, n, " (NULL)");
		return "null";
	}
	if (p) {
		snprintf(note, n, " is %s", p);
		return "poison";
	}
	if (v % s->ptr_size) {
		snprintf(note, n, " is misaligned");
		return "misaligned";
	}
	enum ct_core_mem m = ct_walk_probe(s, v, s->ptr_size);
	if (m != CT_CORE_MEM_OK) {
		snprintf(note, n, " is %s", ct_walk_mem_reason(s, m));
		return ct_walk_mem_kind(m);
	}
	return dflt;
}

/* ---- results ------------------------------------------------------------- */

struct ct_error *ct_walk_add_finding(struct ct_walk_result *r,
				     const char *kind, long element,
				     uint64_t address, const char *type,
				     const char *field, const char *fmt, ...)
{
	if (r->finding_count >= CT_WALK_MAX_FINDINGS) {
		r->findings_dropped++;
		return NULL;
	}
	if (!ct_grow((void **)&r->findings, &r->finding_cap,
		     r->finding_count + 1, sizeof(*r->findings)))
		return &ct_enomem;
	struct ct_walk_finding *f = &r->findings[r->finding_count++];
	memset(f, 0, sizeof(*f));
	snprintf(f->kind, sizeof(f->kind), "%s", kind);
	f->element = element;
	f->address = address;
	snprintf(f->type, sizeof(f->type), "%s", type);
	snprintf(f->field, sizeof(f->field), "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	return NULL;
}

struct ct_error *ct_walk_add_element(struct ct_walk_result *r, uint64_t a)
{
	if (!ct_grow((void **)&r->elements, &r->element_cap, r->count + 1,
		     sizeof(*r->elements)))
		return &ct_enomem;
	r->elements[r->count++] = a;
	return NULL;
}

void ct_walk_result_destroy(struct ct_walk_result *r)
{
	if (!r)
		return;
	free(r->elements);
	free(r->recovered);
	free(r->findings);
	free(r);
}

struct ct_error *ct_walk_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = ct_error_vcreate(CT_ERROR_NOT_FOUND, fmt, ap);
	va_end(ap);
	return err;
}

bool ct_walk_brent_step(struct ct_walk_brent *b, uint64_t cur)
{
	b->lam++;
	if (cur == b->tortoise)
		return true;
	if (b->lam == b->power) {
		b->tortoise = cur;
		b->power *= 2;
		b->lam = 0;
	}
	return false;
}

/* ---- what kind of memory ------------------------------------------------- */

const char *ct_walk_region(const struct ct_walk_env *e, uint64_t addr)
{
	return e->region ? e->region(e->region_state, addr) : NULL;
}


bool ct_walk_is_freed(const struct ct_walk_mem *m, uint64_t addr,
		      uint64_t size, char *why, size_t whysize)
{
	unsigned char b[256];
	size_t n = size < sizeof(b) ? (size_t)size : sizeof(b), got = 0;
	if (n < 8 || m->read(m->state, addr, b, n, &got) != CT_CORE_MEM_OK ||
	    got != n)
		return false;
	size_t fill = 0, words = n / 8, marks = 0;
	for (size_t i = 0; i < n; i++)
		fill += b[i] == 0x6b;
	for (size_t i = 0; i < words; i++) {
		uint64_t w = 0;
		for (unsigned k = 8; k-- > 0;)
			w = w << 8 | b[i * 8 + k];
		marks += is_marker(w);
	}
	if (fill * 2 >= n) {
		snprintf(why, whysize, "%zu of its %zu bytes are the free "
			 "poison 0x6b (slab POISON_FREE, MALLOC_PERTURB_)",
			 fill, n);
		return true;
	}
	if (marks * 2 >= words) {
		snprintf(why, whysize, "%zu of its %zu words are "
			 "0xdeadbeef-style free markers", marks, words);
		return true;
	}
	return false;
}

/* ---- kind names ---------------------------------------------------------- */

static const char *const kind_names[CT_WALK_KIND_MAX] = {
	[CT_WALK_AUTO] = "auto",
	[CT_WALK_TAILQ] = "tailq",
	[CT_WALK_LIST_HEAD] = "list_head",
	[CT_WALK_SLIST] = "slist",
	[CT_WALK_LIST] = "list",
	[CT_WALK_STAILQ] = "stailq",
	[CT_WALK_HLIST] = "hlist",
	[CT_WALK_RB] = "rb",
	[CT_WALK_LINUX_RB] = "linux-rb",
};

const char *ct_walk_kind_name(enum ct_walk_kind k)
{
	return (unsigned)k < CT_WALK_KIND_MAX ? kind_names[k] : "?";
}

enum ct_walk_kind ct_walk_kind_from_name(const char *name)
{
	for (int k = 0; k < CT_WALK_KIND_MAX; k++)
		if (strcmp(kind_names[k], name) == 0)
			return (enum ct_walk_kind)k;
	return CT_WALK_KIND_MAX;
}
