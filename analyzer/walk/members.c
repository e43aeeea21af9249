/* SPDX-License-Identifier: MIT */
/*
 * members.c - the checks a walk makes of each element's own members once
 * its links are walked: the --string members (terminated, printable) and,
 * unless --no-members, every pointer member a plan names (null, or not
 * poison, aligned for its target, mapped, not freed memory; a function
 * pointer into code; a char * a terminated, printable string).  The plan
 * comes from DWARF for user cores (dwarf.c) or from BTF for kernel dumps
 * (kernel.c); the checks only read memory through a struct ct_walk_env,
 * so both share them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/walk/walk-internal.h"

/* ---- plans --------------------------------------------------------------- */

static const char *const link_types[] = {
	"list_head", "hlist_node", "hlist_head", "rb_node", "rb_root",
	"rb_root_cached",
};
const char *const ct_walk_link_members[] = {
	"tqe_next", "le_next", "sle_next", "stqe_next", "rbe_left",
	"tqh_first", "lh_first", "slh_first", "stqh_first", "rbh_root",
};
const size_t ct_walk_link_member_count =
	sizeof(ct_walk_link_members) / sizeof(ct_walk_link_members[0]);

bool ct_walk_is_link_type(const char *name)
{
	for (size_t i = 0; name && i < sizeof(link_types) / sizeof(link_types[0]);
	     i++)
		if (strcmp(name, link_types[i]) == 0)
			return true;
	return false;
}

bool ct_walk_plan_skipped(const struct ct_walk_mplan *p, uint64_t off,
			  uint64_t n)
{
	for (size_t i = 0; i < p->skip_count; i++)
		if (off < p->skip[i].off + p->skip[i].size &&
		    p->skip[i].off < off + n)
			return true;
	return false;
}

void ct_walk_plan_add(struct ct_walk_mplan *p, const struct ct_walk_mcheck *c)
{
	if (p->count == CT_WALK_MAX_MEMBERS) {
		p->capped = true;
		return;
	}
	p->m[p->count++] = *c;
}

void ct_walk_plan_note(const struct ct_walk_mplan *p, struct ct_walk_result *r)
{
	if (p->capped || p->unions_skipped || p->links_skipped)
		snprintf(r->member_note, sizeof(r->member_note),
			 "struct %s: %s%zu pointer members checked%s%s",
			 r->elem_type, p->capped ? "only the first " : "",
			 p->count, p->unions_skipped ? "; unions holding "
			 "non-pointers not checked" : "",
			 p->links_skipped ? "; other list and tree links "
			 "left to their own walks" : "");
}

bool ct_walk_mcheck_merge(struct ct_walk_mcheck *c,
			  const struct ct_walk_mcheck *v)
{
	if (v->func != c->func)
		return false;
	if (v->align < c->align)
		c->align = v->align;
	if (v->size < c->size)
		c->size = v->size;
	c->string = c->string && v->string;
	c->list_node = c->list_node || v->list_node;
	return true;
}

/* ---- strings ------------------------------------------------------------- */

/* A byte a name may hold: printable ASCII, tab, or UTF-8 (>= 0x80).
 * The default member checks (text) also take line ends: a char * that
 * was not named with --string may hold a message. */
static bool printable(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/* The C string at str (a char[array] member when array, else what a
 * char * at field points at) of element idx: terminated within the
 * array or CT_WALK_STRING_BOUND bytes, and printable; a finding on the
 * member name if not. */
static struct ct_error *check_cstring(const struct ct_walk_mem *s,
				      struct ct_walk_result *r, long idx,
				      uint64_t field, const char *name,
				      uint64_t str, uint64_t array, bool text)
{
	const char *et = r->elem_type;
	uint64_t bound = array ? array : CT_WALK_STRING_BOUND;
	unsigned char buf[CT_WALK_STRING_BOUND];
	if (bound > sizeof(buf))
		bound = sizeof(buf);	/* a longer array: its first bytes */
	/* in growing chunks: names are short, the bound is not */
	size_t got = 0, chunk = 64;
	enum ct_core_mem m = CT_CORE_MEM_OK;
	unsigned char *nul = NULL;
	while (!nul && m == CT_CORE_MEM_OK && got < bound) {
		size_t n = bound - got < chunk ? (size_t)bound - got : chunk;
		size_t g = 0;
		m = s->read(s->state, str + got, buf + got, n, &g);
		nul = memchr(buf + got, 0, g);
		got += g;
		chunk *= 2;
	}
	if (!nul) {
		if (m != CT_CORE_MEM_OK)
			return ct_walk_add_finding(r, "unterminated", idx, field, et,
					   name, "string at 0x%" PRIx64
					   ": no NUL in the %zu bytes before "
					   "0x%" PRIx64 ", which is %s", str,
					   got, str + got, ct_walk_mem_reason(s, m));
		return ct_walk_add_finding(r, "unterminated", idx, field, et,
				   name, "string at 0x%" PRIx64 ": no NUL "
				   "in %" PRIu64 " bytes%s", str, bound,
				   array ? " (the whole array)" : "");
	}
	for (unsigned char *p = buf; p < nul; p++)
		if (!printable(*p) && !(text && (*p == '\n' || *p == '\r')))
			return ct_walk_add_finding(r, "unprintable", idx, field, et,
					   name, "string at 0x%" PRIx64
					   ": byte 0x%02x at offset %zu "
					   "(0x%" PRIx64 ") is not printable",
					   str, *p, (size_t)(p - buf),
					   str + (uint64_t)(p - buf));
	return NULL;
}

struct ct_error *ct_walk_strings_wanted(const struct ct_walk_spec *spec,
				       const struct ct_walk_result *r)
{
	if (spec->string_count > CT_WALK_MAX_STRINGS)
		return ct_walk_error("more than %d string members",
				     CT_WALK_MAX_STRINGS);
	if (!r->elem_type[0])
		return ct_walk_error("string members need an element struct; "
				     "give --elem-type and --link");
	return NULL;
}

/* Check string member sm of the element at elem (index idx). */
static struct ct_error *check_string1(const struct ct_walk_mem *s,
				      struct ct_walk_result *r, long idx,
				      uint64_t elem,
				      const struct ct_walk_strmember *sm)
{
	uint64_t field = elem + sm->off;
	uint64_t str = field;
	char why[160];
	const char *kind;
	if (!sm->array) {
		if (ct_walk_read_ptr(s, field, &str) != CT_CORE_MEM_OK)
			return NULL;	/* the element was readable */
		if (!ct_walk_check_ptr(s, str, 1, 1, &kind, why, sizeof(why)))
			return ct_walk_add_finding(r, kind, idx, field,
						   r->elem_type, sm->name,
						   "%s", why);
	}
	return check_cstring(s, r, idx, field, sm->name, str, sm->array, false);
}

/* Every element reached, then the recovered ones when their indexes are
 * known: how many, and the i-th's index and address. */
static size_t elements_checked(const struct ct_walk_result *r)
{
	return r->count + (r->recovered_indexed ? r->recovered_count : 0);
}

static uint64_t element_at(const struct ct_walk_result *r, size_t i,
			   long *ret_idx)
{
	if (i < r->count) {
		*ret_idx = (long)i;
		return r->elements[i];
	}
	*ret_idx = r->recovered_join + 1 + (long)(i - r->count);
	return r->recovered[i - r->count];
}

struct ct_error *ct_walk_check_strings(const struct ct_walk_mem *m,
				       const struct ct_walk_strmember *sm,
				       size_t n, struct ct_walk_result *r)
{
	struct ct_error *err = NULL;
	size_t total = elements_checked(r);
	for (size_t i = 0; !err && i < total; i++) {
		long idx;
		uint64_t e = element_at(r, i, &idx);
		for (size_t j = 0; !err && j < n; j++) {
			size_t before = r->finding_count;
			err = check_string1(m, r, idx, e, &sm[j]);
			if (r->finding_count > before)
				r->findings[before].own_member = true;
		}
	}
	return err;
}

/* ---- pointer members ----------------------------------------------------- */

/* Member c of the element at elem (index idx): a finding if its pointer
 * is bad. */
static struct ct_error *check_member(const struct ct_walk_env *e,
				     struct ct_walk_result *r, long idx,
				     uint64_t elem,
				     const struct ct_walk_mcheck *c)
{
	const struct ct_walk_mem *m = e->mem;
	const char *et = r->elem_type;
	uint64_t field = elem + c->off, v;
	if (ct_walk_read_ptr(m, field, &v) != CT_CORE_MEM_OK || v == 0)
		return NULL;	/* the element was readable; NULL is allowed */
	const char *p = ct_walk_poison_name(v);
	if (p) {
		/* list_del() leaves LIST_POISON in an entry it removed */
		if (c->list_node && strncmp(p, "LIST_POISON", 11) == 0)
			return NULL;
		return ct_walk_add_finding(r, "poison", idx, field, et, c->path,
					   "0x%" PRIx64 " is %s", v, p);
	}
	if (v < e->unchecked_below)
		return NULL;	/* another address space's: not ours to read */
	if (c->align > 1 && v % c->align)
		return ct_walk_add_finding(r, "misaligned", idx, field, et,
					   c->path, "0x%" PRIx64 " is not "
					   "aligned to %" PRIu64 " bytes, as "
					   "its type needs", v, c->align);
	enum ct_core_mem mm = ct_walk_probe(m, v, 1);
	if (mm == CT_CORE_MEM_UNMAPPED) {
		/* one past the end of an object at the end of a mapping */
		if (ct_walk_probe(m, v - 1, 1) != CT_CORE_MEM_UNMAPPED)
			return NULL;
		return ct_walk_add_finding(r, "unmapped", idx, field, et,
					   c->path, "0x%" PRIx64 ": %s", v,
					   ct_walk_mem_reason(m, mm));
	}
	if (mm != CT_CORE_MEM_OK)
		return NULL;	/* mapped but not in the dump: unseen */
	if (c->func) {
		if (!e->is_code || e->is_code(e->region_state, v))
			return NULL;
		return ct_walk_add_finding(r, "foreign", idx, field, et,
					   c->path, "function pointer 0x%"
					   PRIx64 " points at memory that is "
					   "not executable", v);
	}
	char why[160];
	uint64_t fsize = c->string ? 64 : c->size;
	if (fsize >= 16 && ct_walk_is_freed(m, v, fsize, why, sizeof(why)))
		return ct_walk_add_finding(r, "freed", idx, field, et, c->path,
					   "0x%" PRIx64 " points at freed "
					   "memory: %s", v, why);
	if (c->string)
		return check_cstring(m, r, idx, field, c->path, v, 0, true);
	return NULL;
}

struct ct_error *ct_walk_check_members(const struct ct_walk_env *e,
				       const struct ct_walk_mplan *p,
				       struct ct_walk_result *r)
{
	struct ct_error *err = NULL;
	size_t total = elements_checked(r);
	size_t start = r->finding_count + r->findings_dropped;
	for (size_t i = 0; !err && i < total; i++) {
		long idx;
		uint64_t el = element_at(r, i, &idx);
		for (size_t j = 0; !err && j < p->count; j++) {
			size_t before = r->finding_count;
			err = check_member(e, r, idx, el, &p->m[j]);
			if (r->finding_count > before)
				r->findings[before].own_member = true;
		}
		if (r->finding_count + r->findings_dropped - start >=
		    CT_WALK_MAX_MEMBER_FINDINGS && i + 1 < total) {
			snprintf(r->member_note, sizeof(r->member_note),
				 "member checks stopped at element %ld after "
				 "%d findings", idx, CT_WALK_MAX_MEMBER_FINDINGS);
			break;
		}
	}
	return err;
}
