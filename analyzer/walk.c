/*
 * walk.c - follow TAILQs and list_heads through a user-space core, with
 * every link checked.  Types, members, offsets and sizes come from the
 * program's DWARF (walk-dwarf.c); memory comes through a struct
 * ct_walk_mem, so a pointer from the dump is only ever an address to look
 * up, never dereferenced.  See walk.h.
 */
#include <dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walk-dwarf.h"
#include "walk-tree.h"

/* ---- links and cycles ---------------------------------------------------- */

struct links {
	uint64_t next_off;	/* offset of next link in a node/element */
	uint64_t prev_off;	/* offset of prev link */
	uint64_t node_off;	/* offset of the link member in the element */
	uint64_t elem_size;	/* bytes of an element */
	uint64_t align;		/* required alignment of an element */
	const char *next_name, *prev_name;
};

/* Read a link that was readable a moment ago (for re-walks). */
static uint64_t link_at(const struct ct_walk_mem *s, uint64_t a)
{
	uint64_t v = 0;
	(void)ct_walk_read_ptr(s, a, &v);
	return v;
}


/*
 * After a cycle of length lam was seen: the index mu of the first element
 * reached twice, found by re-walking from first with a lead of lam (every
 * link on the way was readable in the first pass).  off is the next link
 * offset; end is the list end marker (0 or the head).
 */
static size_t cycle_start(const struct ct_walk_mem *s, uint64_t first,
			  uint64_t off, size_t lam, size_t bound)
{
	uint64_t p = first, q = first;
	for (size_t i = 0; i < lam; i++)
		q = link_at(s, q + off);
	size_t mu = 0;
	while (p != q && mu < bound) {
		p = link_at(s, p + off);
		q = link_at(s, q + off);
		mu++;
	}
	return mu;
}

/* Drop what a cycle made us see twice: elements from index n on, and
 * findings about them. */
static void cut_at(struct ct_walk_result *r, size_t n)
{
	if (r->count > n)
		r->count = n;
	size_t k = 0;
	for (size_t i = 0; i < r->finding_count; i++)
		if (r->findings[i].element < (long)n)
			r->findings[k++] = r->findings[i];
	r->finding_count = k;
}

/* ---- walking back from the tail ------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * After the forward walk broke: follow the back links from the tail to
 * recover the elements after the break.  A back link points at
 * element + point_off (TAILQ: its tqe_next; list_head: its node), and
 * the element's own back link is at element + prev_off; the head is
 * reached when a link equals head_mark.  Stops at the head, at an element
 * the forward walk reached (the join), at a bad pointer, at a cycle
 * (Brent) or after max elements.
 */
static struct ct_error *walk_back(const struct ct_walk_mem *s,
				  struct ct_walk_result *r, uint64_t tail,
				  uint64_t head_mark, uint64_t point_off,
				  uint64_t prev_off, uint64_t check_size,
				  const struct links *l, size_t max)
{
	r->back_walked = true;
	r->recovered_join = -2;
	uint64_t *sorted = NULL;
	if (r->count) {
		sorted = calloc(r->count, sizeof(*sorted));
		if (!sorted)
			return &ct_enomem;
		memcpy(sorted, r->elements, r->count * sizeof(*sorted));
		qsort(sorted, r->count, sizeof(*sorted), cmp_u64);
	}
	struct ct_walk_brent b = { 0, 1, 0 };
	uint64_t p = tail;
	char why[120];
	const char *kind;
	struct ct_error *err = NULL;
	for (;;) {
		if (p == head_mark) {
			r->recovered_join = -1;
			break;
		}
		if (p < point_off) {
			snprintf(r->recovered_stop, sizeof(r->recovered_stop),
				 "back link 0x%" PRIx64 " is below the link "
				 "offset", p);
			break;
		}
		uint64_t e = p - point_off;
		if (sorted && bsearch(&e, sorted, r->count, sizeof(*sorted),
				      cmp_u64)) {
			for (size_t i = 0; i < r->count; i++)
				if (r->elements[i] == e) {
					r->recovered_join = (long)i;
					break;
				}
			break;
		}
		bool good = ct_walk_check_ptr(s, p, check_size, l->align, &kind, why,
				      sizeof(why));
		if (good && l->elem_size)
			good = ct_walk_check_ptr(s, e, l->elem_size, 1, &kind, why,
					 sizeof(why));
		if (!good) {
			char from[48];
			if (r->recovered_count)
				snprintf(from, sizeof(from), "%s of 0x%" PRIx64,
					 l->prev_name, r->recovered[
					 r->recovered_count - 1]);
			else
				snprintf(from, sizeof(from), "the head's %s",
					 l->prev_name[0] == 't' ? "tqh_last"
								: "prev");
			snprintf(r->recovered_stop, sizeof(r->recovered_stop),
				 "%s: %s is %s", kind, from, why);
			break;
		}
		if (r->recovered_count && ct_walk_brent_step(&b, e)) {
			/* keep each element once: the sequence is recovered[]
			 * then e, and a cycle of b.lam starts at the first
			 * i where it repeats b.lam later */
			size_t lam = b.lam, n = r->recovered_count, mu = 0;
			while (mu + lam < n &&
			       r->recovered[mu] != r->recovered[mu + lam])
				mu++;
			if (mu + lam < n)
				r->recovered_count = mu + lam;
			snprintf(r->recovered_stop, sizeof(r->recovered_stop),
				 "cycle: the back links of 0x%" PRIx64
				 " lead back to 0x%" PRIx64,
				 r->recovered[r->recovered_count - 1],
				 r->recovered[r->recovered_count - lam]);
			break;
		}
		if (!r->recovered_count)
			b.tortoise = e;
		if (r->recovered_count >= max) {
			snprintf(r->recovered_stop, sizeof(r->recovered_stop),
				 "more than %zu elements", max);
			break;
		}
		if (!ct_grow((void **)&r->recovered, &r->recovered_cap,
			     r->recovered_count + 1, sizeof(*r->recovered))) {
			err = &ct_enomem;
			break;
		}
		r->recovered[r->recovered_count++] = e;
		if (ct_walk_read_ptr(s, e + prev_off, &p) != CT_CORE_MEM_OK) {
			snprintf(r->recovered_stop, sizeof(r->recovered_stop),
				 "back link of 0x%" PRIx64 " unreadable", e);
			break;
		}
	}
	free(sorted);
	/* list order: the tail was found first */
	for (size_t i = 0, j = r->recovered_count; i + 1 < j; i++, j--) {
		uint64_t t = r->recovered[i];
		r->recovered[i] = r->recovered[j - 1];
		r->recovered[j - 1] = t;
	}
	r->recovered_indexed = r->recovered_join >= 0 ||
			       (r->recovered_join == -1 && r->count == 0);
	return err;
}

/* ---- TAILQ --------------------------------------------------------------- */

static struct ct_error *walk_tailq(const struct ct_walk_mem *s,
				   struct ct_walk_result *r, uint64_t head,
				   uint64_t first_off, uint64_t last_off,
				   const struct links *l, size_t max)
{
	const char *ht = r->head_type, *et = r->elem_type;
	char why[160];
	const char *kind;
	uint64_t link_addr = head + first_off; /* where cur was read from */
	uint64_t cur, first = 0;
	enum ct_core_mem m = ct_walk_read_ptr(s, link_addr, &cur);
	if (m != CT_CORE_MEM_OK)
		return ct_walk_error("list head at 0x%" PRIx64 ": %s", head,
				  ct_walk_mem_reason(m));
	first = cur;
	struct ct_walk_brent b = { cur, 1, 0 };
	struct ct_error *err = NULL;
	long holder = -1;	/* element holding link_addr, -1: the head */
	bool broken = false;	/* the forward walk stopped at a bad link */
	bool too_long = false;	/* ... or at the element cap */
	while (cur != 0) {
		if (holder >= 0 && ct_walk_brent_step(&b, cur)) {
			size_t lam = b.lam;
			size_t mu = cycle_start(s, first, l->next_off, lam,
						r->count);
			cut_at(r, mu + lam);
			uint64_t at = r->elements[mu + lam - 1] + l->next_off;
			err = ct_walk_add_finding(r, "cycle", (long)(mu + lam - 1), at,
					  et, l->next_name,
					  "points back at element %zu (0x%"
					  PRIx64 "): a cycle of %zu elements",
					  mu, r->elements[mu], lam);
			broken = true;
			break;
		}
		if (!ct_walk_check_ptr(s, cur, l->elem_size, l->align, &kind, why,
			       sizeof(why))) {
			if (strcmp(kind, "null") == 0)
				break;	/* not reached: cur != 0 */
			err = ct_walk_add_finding(r, kind, holder, link_addr,
					  holder < 0 ? ht : et,
					  holder < 0 ? "tqh_first"
						     : l->next_name,
					  "%s", why);
			broken = true;
			break;
		}
		if (r->count >= max) {
			err = ct_walk_add_finding(r, "too-long", holder, link_addr,
					  et, l->next_name,
					  "more than %zu elements: walk "
					  "stopped", max);
			broken = true;
			too_long = true;
			break;
		}
		long idx = (long)r->count;
		err = ct_walk_add_element(r, cur);
		if (err)
			return err;
		uint64_t prev;
		m = ct_walk_read_ptr(s, cur + l->prev_off, &prev);
		if (m == CT_CORE_MEM_OK && prev != link_addr) {
			char from[48];
			if (holder < 0)
				snprintf(from, sizeof(from),
					 "the head's tqh_first");
			else
				snprintf(from, sizeof(from),
					 "element %ld's tqe_next", holder);
			char note[96];
			const char *k = ct_walk_link_kind(s, prev, "bad-back-link",
						  note, sizeof(note));
			err = ct_walk_add_finding(r, k, idx, cur + l->prev_off, et,
					  l->prev_name,
					  "0x%" PRIx64 "%s, but the link to "
					  "this element is %s at 0x%" PRIx64,
					  prev, note, from, link_addr);
		}
		if (err)
			return err;
		link_addr = cur + l->next_off;
		holder = idx;
		m = ct_walk_read_ptr(s, link_addr, &cur);
		if (m != CT_CORE_MEM_OK)	/* checked by check_ptr */
			return ct_walk_error("element at 0x%" PRIx64 " unreadable",
					  cur);
	}
	if (err)
		return err;
	/* tqh_last: the address of the last tqe_next, &tqh_first if empty */
	uint64_t last;
	m = ct_walk_read_ptr(s, head + last_off, &last);
	if (m != CT_CORE_MEM_OK)
		return ct_walk_error("list head at 0x%" PRIx64 ": %s", head,
				  ct_walk_mem_reason(m));
	if (broken) {
		/* the last element is unknown: only tqh_last itself */
		char note[96];
		const char *k = ct_walk_link_kind(s, last, NULL, note, sizeof(note));
		if (k)
			err = ct_walk_add_finding(r, k, -1, head + last_off, ht,
					  "tqh_last", "0x%" PRIx64 "%s", last,
					  note);
		else if (!too_long)	/* recover the rest from the tail */
			err = walk_back(s, r, last, head + first_off,
					l->next_off, l->prev_off, s->ptr_size,
					l, max);
	} else if (last != link_addr) {
		/* say what it points at when it is a link of the list */
		char at[96];
		const char *k = ct_walk_link_kind(s, last, "bad-tail", at, sizeof(at));
		if (last == head + first_off)
			snprintf(at, sizeof(at), " (the head's tqh_first)");
		for (size_t i = 0; !at[0] && i < r->count; i++)
			if (r->elements[i] + l->next_off == last)
				snprintf(at, sizeof(at),
					 " (element %zu's tqe_next)", i);
		err = ct_walk_add_finding(r, k, -1,
				  head + last_off, ht, "tqh_last",
				  "0x%" PRIx64 "%s, but %s is at 0x%" PRIx64,
				  last, at,
				  holder < 0 ? "the list is empty: tqh_first"
					     : "the last element's tqe_next",
				  link_addr);
	}
	return err;
}

/* ---- list_head ----------------------------------------------------------- */

static struct ct_error *walk_list(const struct ct_walk_mem *s,
				  struct ct_walk_result *r, uint64_t head,
				  const struct links *l, size_t max)
{
	const char *ht = r->head_type, *et = r->elem_type[0] ? r->elem_type
							      : "list_head";
	char why[160];
	const char *kind;
	uint64_t prev_node = head;
	uint64_t cur, first;
	enum ct_core_mem m = ct_walk_read_ptr(s, head + l->next_off, &cur);
	if (m != CT_CORE_MEM_OK)
		return ct_walk_error("list head at 0x%" PRIx64 ": %s", head,
				  ct_walk_mem_reason(m));
	first = cur;
	struct ct_walk_brent b = { cur, 1, 0 };
	long holder = -1;
	bool broken = false;	/* the forward walk stopped at a bad link */
	bool too_long = false;	/* ... or at the element cap */
	struct ct_error *err = NULL;
	while (cur != head) {
		if (holder >= 0 && ct_walk_brent_step(&b, cur)) {
			size_t lam = b.lam;
			size_t mu = cycle_start(s, first, l->next_off, lam,
						r->count);
			cut_at(r, mu + lam);
			uint64_t at = r->elements[mu + lam - 1] + l->node_off +
				      l->next_off;
			err = ct_walk_add_finding(r, "cycle", (long)(mu + lam - 1), at,
					  et, "next",
					  "points back at element %zu: a cycle "
					  "of %zu elements that misses the head",
					  mu, lam);
			broken = true;
			break;
		}
		uint64_t link_addr = prev_node + l->next_off;
		/* the node must be readable, and so must its element */
		uint64_t node_size = (l->next_off > l->prev_off
				      ? l->next_off : l->prev_off) + s->ptr_size;
		bool good = ct_walk_check_ptr(s, cur, node_size, l->align, &kind, why,
				      sizeof(why));
		if (good && l->node_off <= cur && l->elem_size &&
		    ct_walk_probe(s, cur - l->node_off, l->elem_size) != CT_CORE_MEM_OK)
			good = ct_walk_check_ptr(s, cur - l->node_off, l->elem_size, 1,
					 &kind, why, sizeof(why));
		if (!good) {
			err = ct_walk_add_finding(r, kind, holder, link_addr,
					  holder < 0 ? ht : et, "next", "%s",
					  why);
			broken = true;
			break;
		}
		if (r->count >= max) {
			err = ct_walk_add_finding(r, "too-long", holder, link_addr,
					  et, "next", "more than %zu "
					  "elements: walk stopped", max);
			broken = true;
			too_long = true;
			break;
		}
		long idx = (long)r->count;
		err = ct_walk_add_element(r, cur - l->node_off);
		if (err)
			return err;
		uint64_t prev;
		m = ct_walk_read_ptr(s, cur + l->prev_off, &prev);
		if (m == CT_CORE_MEM_OK && prev != prev_node) {
			char note[96];
			const char *k = ct_walk_link_kind(s, prev, "bad-back-link",
						  note, sizeof(note));
			err = ct_walk_add_finding(r, k, idx, cur + l->prev_off, et,
					  "prev", "0x%" PRIx64 "%s, but the "
					  "previous node is 0x%" PRIx64, prev,
					  note, prev_node);
			if (err)
				return err;
		}
		prev_node = cur;
		holder = idx;
		m = ct_walk_read_ptr(s, cur + l->next_off, &cur);
		if (m != CT_CORE_MEM_OK)
			return ct_walk_error("node at 0x%" PRIx64 " unreadable",
					  prev_node);
	}
	if (err)
		return err;
	uint64_t hprev;
	m = ct_walk_read_ptr(s, head + l->prev_off, &hprev);
	if (m == CT_CORE_MEM_OK && broken) {
		/* the last node is unknown: only the head's prev itself */
		char note[96];
		const char *k = ct_walk_link_kind(s, hprev, NULL, note, sizeof(note));
		if (k)
			err = ct_walk_add_finding(r, k, -1, head + l->prev_off, ht,
					  "prev", "0x%" PRIx64 "%s", hprev,
					  note);
		else if (!too_long)	/* recover the rest from the tail */
			err = walk_back(s, r, hprev, head, l->node_off,
					l->node_off + l->prev_off,
					(l->next_off > l->prev_off
					 ? l->next_off : l->prev_off) +
					s->ptr_size, l, max);
	} else if (m == CT_CORE_MEM_OK && hprev != prev_node) {
		char note[96];
		const char *k = ct_walk_link_kind(s, hprev, "bad-tail", note,
					  sizeof(note));
		err = ct_walk_add_finding(r, k, -1, head + l->prev_off, ht, "prev",
				  "0x%" PRIx64 "%s, but the last node is 0x%"
				  PRIx64, hprev, note, prev_node);
	}
	return err;
}

/* ---- string members ------------------------------------------------------ */

struct strmember {
	const char *name;
	uint64_t off;		/* in the element */
	uint64_t array;		/* char[N]: N; 0 for a char pointer */
};

static struct ct_error *string_members(struct ct_walk_session *s,
				       const struct ct_walk_spec *spec,
				       const struct ct_walk_result *r,
				       struct strmember *sm)
{
	if (spec->string_count > CT_WALK_MAX_STRINGS)
		return ct_walk_error("more than %d string members",
				  CT_WALK_MAX_STRINGS);
	if (!r->elem_type[0])
		return ct_walk_error("string members need an element struct; "
				  "give --elem-type and --link");
	Dwarf_Die elem;
	if (!ct_walk_find_global(s->dwarf, r->elem_type, DW_TAG_structure_type, &elem))
		return ct_walk_error("no struct '%s' in the debug info",
				  r->elem_type);
	for (size_t i = 0; i < spec->string_count; i++) {
		const char *n = spec->strings[i];
		Dwarf_Die t, c;
		uint64_t off;
		if (!n || !ct_walk_find_member(&elem, n, &off, &t, 0))
			return ct_walk_error("struct '%s' has no member '%s'",
					  r->elem_type, n ? n : "");
		sm[i].name = n;
		sm[i].off = off;
		sm[i].array = 0;
		int tag = dwarf_tag(&t);
		if (tag == DW_TAG_pointer_type && ct_walk_die_type(&t, &c) &&
		    ct_walk_is_char(&c))
			continue;
		if (tag == DW_TAG_array_type && ct_walk_die_type(&t, &c) &&
		    ct_walk_is_char(&c) && (sm[i].array = ct_walk_type_size(&t)) > 0)
			continue;
		return ct_walk_error("member '%s' of struct '%s' is not a char "
				  "pointer or a char array", n, r->elem_type);
	}
	return NULL;
}

/* A byte a name may hold: printable ASCII, tab, or UTF-8 (>= 0x80). */
static bool printable(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/* Check string member sm of the element at elem (index idx). */
static struct ct_error *check_string1(const struct ct_walk_mem *s,
				      struct ct_walk_result *r, long idx,
				      uint64_t elem, const struct strmember *sm)
{
	const char *et = r->elem_type;
	uint64_t field = elem + sm->off;
	uint64_t str = field, bound = sm->array;
	char why[160];
	const char *kind;
	if (!sm->array) {
		if (ct_walk_read_ptr(s, field, &str) != CT_CORE_MEM_OK)
			return NULL;	/* the element was readable */
		if (!ct_walk_check_ptr(s, str, 1, 1, &kind, why, sizeof(why)))
			return ct_walk_add_finding(r, kind, idx, field, et, sm->name,
					   "%s", why);
		bound = CT_WALK_STRING_BOUND;
	}
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
					   sm->name, "string at 0x%" PRIx64
					   ": no NUL in the %zu bytes before "
					   "0x%" PRIx64 ", which is %s", str,
					   got, str + got, ct_walk_mem_reason(m));
		return ct_walk_add_finding(r, "unterminated", idx, field, et,
				   sm->name, "string at 0x%" PRIx64 ": no NUL "
				   "in %" PRIu64 " bytes%s", str, bound,
				   sm->array ? " (the whole array)" : "");
	}
	for (unsigned char *p = buf; p < nul; p++)
		if (!printable(*p))
			return ct_walk_add_finding(r, "unprintable", idx, field, et,
					   sm->name, "string at 0x%" PRIx64
					   ": byte 0x%02x at offset %zu "
					   "(0x%" PRIx64 ") is not printable",
					   str, *p, (size_t)(p - buf),
					   str + (uint64_t)(p - buf));
	return NULL;
}

/* check_string1, and mark its finding as the element's own member. */
static struct ct_error *check_string(const struct ct_walk_mem *s,
				     struct ct_walk_result *r, long idx,
				     uint64_t elem, const struct strmember *sm)
{
	size_t before = r->finding_count;
	struct ct_error *err = check_string1(s, r, idx, elem, sm);
	if (r->finding_count > before)
		r->findings[before].own_member = true;
	return err;
}

/* Check every string member of every element reached (and recovered,
 * when their indexes are known). */
static struct ct_error *check_strings(struct ct_walk_session *s,
				      const struct ct_walk_spec *spec,
				      struct ct_walk_result *r)
{
	if (!spec->string_count)
		return NULL;
	struct strmember sm[CT_WALK_MAX_STRINGS];
	struct ct_error *err = string_members(s, spec, r, sm);
	for (size_t i = 0; !err && i < r->count; i++)
		for (size_t j = 0; !err && j < spec->string_count; j++)
			err = check_string(&s->mem, r, (long)i, r->elements[i],
					   &sm[j]);
	for (size_t i = 0; !err && r->recovered_indexed &&
	     i < r->recovered_count; i++)
		for (size_t j = 0; !err && j < spec->string_count; j++)
			err = check_string(&s->mem, r, r->recovered_join + 1 +
					   (long)i, r->recovered[i], &sm[j]);
	return err;
}

/* ---- the walk ------------------------------------------------------------ */

/* Element struct and link member for a TAILQ, from the spec or DWARF. */
static struct ct_error *tailq_links(struct ct_walk_session *s,
				    const struct ct_walk_spec *spec,
				    Dwarf_Die *first_type,
				    struct ct_walk_result *r, struct links *l)
{
	Dwarf_Die elem;
	if (spec->elem_type) {
		if (!ct_walk_find_global(s->dwarf, spec->elem_type,
				 DW_TAG_structure_type, &elem))
			return ct_walk_error("no struct '%s' in the debug info",
					  spec->elem_type);
	} else if (dwarf_tag(first_type) != DW_TAG_pointer_type ||
		   !ct_walk_die_type(first_type, &elem) || !ct_walk_is_struct(&elem)) {
		return ct_walk_error("tqh_first is not a pointer to a struct; "
				  "give --elem-type");
	}
	ct_walk_type_name(&elem, r->elem_type, sizeof(r->elem_type));
	l->elem_size = ct_walk_type_size(&elem);
	l->align = s->ptr_size;
	Dwarf_Die lt;
	uint64_t loff = 0;
	char link[64];
	if (spec->link) {
		snprintf(link, sizeof(link), "%s", spec->link);
		/* "entries.tqe_next" names the same link as "entries" */
		char *dot = strrchr(link, '.');
		if (dot && (strcmp(dot, ".tqe_next") == 0 ||
			    strcmp(dot, ".tqe_prev") == 0))
			*dot = 0;
		struct ct_walk_tval v = { 0, elem };
		struct ct_error *err = ct_walk_member_path(s, &v, link);
		if (err)
			return err;
		loff = v.addr;
		lt = v.type;
	} else {
		/* the one member that is a TAILQ_ENTRY */
		Dwarf_Die m;
		int found = 0;
		if (dwarf_child(&elem, &m) == 0) {
			do {
				Dwarf_Die t;
				Dwarf_Word off;
				Dwarf_Attribute a;
				uint64_t o;
				Dwarf_Die tt;
				if (dwarf_tag(&m) != DW_TAG_member ||
				    !ct_walk_die_type(&m, &t) || !ct_walk_is_struct(&t) ||
				    !ct_walk_find_member(&t, "tqe_next", &o, &tt, 0) ||
				    !dwarf_attr(&m, DW_AT_data_member_location,
						&a) ||
				    dwarf_formudata(&a, &off) != 0)
					continue;
				if (found++ == 0) {
					loff = off;
					lt = t;
					ct_walk_type_name(&m, link, sizeof(link));
				}
			} while (dwarf_siblingof(&m, &m) == 0);
		}
		if (found != 1)
			return ct_walk_error("struct '%s' has %d TAILQ_ENTRY members; "
					  "give --link", r->elem_type, found);
	}
	snprintf(r->link, sizeof(r->link), "%s", link);
	uint64_t no, po;
	Dwarf_Die t;
	if (!ct_walk_find_member(&lt, "tqe_next", &no, &t, 0) ||
	    !ct_walk_find_member(&lt, "tqe_prev", &po, &t, 0))
		return ct_walk_error("link '%s' has no tqe_next and tqe_prev", link);
	l->node_off = loff;
	l->next_off = loff + no;
	l->prev_off = loff + po;
	/* an element holds its links, whatever DWARF says its size is */
	if (l->elem_size < l->next_off + s->ptr_size)
		l->elem_size = l->next_off + s->ptr_size;
	if (l->elem_size < l->prev_off + s->ptr_size)
		l->elem_size = l->prev_off + s->ptr_size;
	l->next_name = "tqe_next";
	l->prev_name = "tqe_prev";
	return NULL;
}

struct ct_error *ct_walk_run(struct ct_walk_session *s,
			     const struct ct_walk_spec *spec,
			     struct ct_walk_result **ret)
{
	if (!spec->member)
		return ct_walk_error("no member given");
	struct ct_walk_tval v;
	struct ct_error *err = ct_walk_resolve_root(s, spec, &v);
	if (err)
		return err;
	struct ct_walk_result *r = calloc(1, sizeof(*r));
	if (!r)
		return &ct_enomem;
	r->root = v.addr;
	ct_walk_type_name(&v.type, r->root_type, sizeof(r->root_type));
	err = ct_walk_member_path(s, &v, spec->member);
	if (err)
		goto fail;
	r->head = v.addr;
	if (!ct_walk_is_struct(&v.type)) {
		err = ct_walk_error("'%s' is not a list head", spec->member);
		goto fail;
	}
	ct_walk_type_name(&v.type, r->head_type, sizeof(r->head_type));
	if (!r->head_type[0]) {
		const char *dot = strrchr(spec->member, '.');
		snprintf(r->head_type, sizeof(r->head_type), "%s",
			 dot ? dot + 1 : spec->member);
	}
	size_t max = spec->max_elements && spec->max_elements <
		     CT_WALK_MAX_ELEMENTS ? spec->max_elements
					  : CT_WALK_MAX_ELEMENTS;
	uint64_t fo, lo, no, po;
	Dwarf_Die ft, lt;
	bool tq = ct_walk_find_member(&v.type, "tqh_first", &fo, &ft, 0) &&
		  ct_walk_find_member(&v.type, "tqh_last", &lo, &lt, 0);
	bool li = ct_walk_find_member(&v.type, "next", &no, &ft, 0) &&
		  ct_walk_find_member(&v.type, "prev", &po, &lt, 0);
	enum ct_walk_kind tree = ct_walk_tree_head_kind(&v.type);
	enum ct_walk_kind kind = spec->kind ? spec->kind
			       : tq ? CT_WALK_TAILQ
			       : li ? CT_WALK_LIST : tree;
	struct links l = { 0 };
	r->kind = kind;
	if (spec->key && kind != CT_WALK_RB && kind != CT_WALK_LINUX_RB) {
		err = ct_walk_error("--key is for trees");
		goto fail;
	}
	if (kind == CT_WALK_RB || kind == CT_WALK_LINUX_RB) {
		err = ct_walk_tree_run(s, spec, &v, r, max);
	} else if (kind == CT_WALK_TAILQ && tq) {
		ct_walk_find_member(&v.type, "tqh_first", &fo, &ft, 0);
		err = tailq_links(s, spec, &ft, r, &l);
		if (!err)
			err = walk_tailq(&s->mem, r, v.addr, fo, lo, &l, max);
	} else if (kind == CT_WALK_LIST && li) {
		l.next_off = no;
		l.prev_off = po;
		l.align = s->ptr_size;
		l.next_name = "next";
		l.prev_name = "prev";
		if (spec->elem_type) {
			Dwarf_Die elem;
			if (!ct_walk_find_global(s->dwarf, spec->elem_type,
					 DW_TAG_structure_type, &elem)) {
				err = ct_walk_error("no struct '%s' in the debug info",
						 spec->elem_type);
				goto fail;
			}
			if (!spec->link) {
				err = ct_walk_error("--elem-type needs --link");
				goto fail;
			}
			ct_walk_type_name(&elem, r->elem_type, sizeof(r->elem_type));
			snprintf(r->link, sizeof(r->link), "%s", spec->link);
			struct ct_walk_tval e = { 0, elem };
			err = ct_walk_member_path(s, &e, spec->link);
			if (err)
				goto fail;
			l.node_off = e.addr;
			l.elem_size = ct_walk_type_size(&elem);
		}
		err = walk_list(&s->mem, r, v.addr, &l, max);
	} else {
		err = ct_walk_error("'%s' (struct %s) is not a %s head", spec->member,
				 r->head_type,
				 kind == CT_WALK_LIST ? "list_head"
				 : kind == CT_WALK_TAILQ ? "TAILQ"
				 : "TAILQ, list or tree");
	}
	if (!err)
		err = check_strings(s, spec, r);
	if (err)
		goto fail;
	*ret = r;
	return NULL;
fail:
	ct_walk_result_destroy(r);
	return err;
}

/* ---- output -------------------------------------------------------------- */

const char *ct_walk_kind_name(enum ct_walk_kind k)
{
	switch (k) {
	case CT_WALK_TAILQ: return "tailq";
	case CT_WALK_RB: return "rb";
	case CT_WALK_LINUX_RB: return "linux-rb";
	default: return "list";
	}
}

struct ct_error *ct_walk_result_to_json(const struct ct_walk_result *r,
					char **ret)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_appendf(&sb, "{\"kind\":\"%s\",\"root\":\"0x%" PRIx64
			  "\",\"head\":\"0x%" PRIx64 "\",\"count\":%zu,"
			  "\"elements\":[",
			  ct_walk_kind_name(r->kind),
			  r->root, r->head, r->count);
	for (size_t i = 0; i < r->count; i++)
		ct_strbuf_appendf(&sb, "%s{\"index\":%zu,\"address\":\"0x%"
				  PRIx64 "\"}", i ? "," : "", i,
				  r->elements[i]);
	ct_strbuf_puts(&sb, "],\"findings\":[");
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct ct_walk_finding *f = &r->findings[i];
		ct_strbuf_appendf(&sb, "%s{\"kind\":", i ? "," : "");
		ct_strbuf_json_string(&sb, f->kind);
		if (f->element >= 0)
			ct_strbuf_appendf(&sb, ",\"element\":%ld", f->element);
		else
			ct_strbuf_puts(&sb, ",\"element\":null");
		ct_strbuf_appendf(&sb, ",\"address\":\"0x%" PRIx64 "\"",
				  f->address);
		ct_strbuf_puts(&sb, ",\"type\":");
		ct_strbuf_json_string(&sb, f->type);
		ct_strbuf_puts(&sb, ",\"field\":");
		ct_strbuf_json_string(&sb, f->field);
		ct_strbuf_puts(&sb, ",\"reason\":");
		ct_strbuf_json_string(&sb, f->reason);
		ct_strbuf_putc(&sb, '}');
	}
	ct_strbuf_appendf(&sb, "],\"findings_dropped\":%zu",
			  r->findings_dropped);
	if (r->back_walked) {
		/* the broken segment: after the last element the forward walk
		 * reached, before the first one recovered from the tail */
		ct_strbuf_appendf(&sb, ",\"recovered\":{\"count\":%zu",
				  r->recovered_count);
		if (r->count)
			ct_strbuf_appendf(&sb, ",\"break_after\":%zu",
					  r->count - 1);
		else
			ct_strbuf_puts(&sb, ",\"break_after\":null");
		if (r->recovered_join >= 0)
			ct_strbuf_appendf(&sb, ",\"joined\":%ld",
					  r->recovered_join);
		else
			ct_strbuf_appendf(&sb, ",\"joined\":%s",
					  r->recovered_join == -1 ? "\"head\""
								  : "null");
		if (r->recovered_indexed && r->recovered_count)
			ct_strbuf_appendf(&sb, ",\"first_index\":%ld,"
					  "\"last_index\":%ld",
					  r->recovered_join + 1,
					  r->recovered_join +
					  (long)r->recovered_count);
		else
			ct_strbuf_puts(&sb, ",\"first_index\":null,"
				       "\"last_index\":null");
		ct_strbuf_puts(&sb, ",\"stopped\":");
		if (r->recovered_stop[0])
			ct_strbuf_json_string(&sb, r->recovered_stop);
		else
			ct_strbuf_puts(&sb, "null");
		ct_strbuf_puts(&sb, ",\"elements\":[");
		for (size_t i = 0; i < r->recovered_count; i++) {
			ct_strbuf_appendf(&sb, "%s{", i ? "," : "");
			if (r->recovered_indexed)
				ct_strbuf_appendf(&sb, "\"index\":%ld,",
						  r->recovered_join + 1 +
						  (long)i);
			ct_strbuf_appendf(&sb, "\"address\":\"0x%" PRIx64
					  "\"}", r->recovered[i]);
		}
		ct_strbuf_puts(&sb, "]}");
	}
	ct_strbuf_putc(&sb, '}');
	if (sb.failed) {
		ct_strbuf_deinit(&sb);
		return &ct_enomem;
	}
	*ret = ct_strbuf_detach(&sb);
	return *ret ? NULL : &ct_enomem;
}

struct ct_error *ct_walk_result_to_case(const struct ct_walk_result *r,
					const struct ct_walk_spec *spec,
					struct ct_case *c,
					struct ct_origin origin)
{
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct ct_walk_finding *f = &r->findings[i];
		char member[160];
		snprintf(member, sizeof(member), "%s.%s",
			 f->element < 0 ? spec->member
			 : f->own_member ? ""
			 : r->link[0] ? r->link : "",
			 f->field);
		/* a finding at the head belongs to the struct that holds the
		 * head: "fqdn_node" with member "domain_list.tqh_last", so
		 * that rules name the structure as the code does */
		const char *type = f->element < 0 && r->root_type[0]
			? r->root_type : f->type;
		struct ct_finding cf = {
			.kind = (char *)f->kind,
			.type = (char *)type,
			.member = member[0] == '.' ? member + 1 : member,
			.address = f->address,
			.element = f->element,
			.reason = (char *)f->reason,
			.origin = origin,
		};
		struct ct_error *err = ct_case_add_finding(c, &cf);
		if (err)
			return err;
	}
	return NULL;
}
