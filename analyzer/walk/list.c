/* SPDX-License-Identifier: MIT */
/*
 * list.c - follow lists (TAILQ, STAILQ, LIST, SLIST, list_head, hlist)
 * through a user-space core, with every link checked, by one engine that
 * the link offsets drive (walk_links()).  Types, members, offsets and sizes come from the
 * program's DWARF (dwarf.c); memory comes through a struct
 * ct_walk_mem, so a pointer from the dump is only ever an address to look
 * up, never dereferenced.  See walk.h.
 */
#include <dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/walk/walk-internal.h"

/* ---- links, cycles and what a bad link is -------------------------------- */

/*
 * After Brent saw a cycle of lam: the sequence walked is r->elements then
 * again (the element about to be added).  The index of the first element
 * reached twice is the first i whose element comes back lam later; it is
 * found in the elements kept, so whatever way they were reached (a link
 * corrected for a flipped bit too) the answer stays inside them.
 */
static size_t cycle_start(const struct ct_walk_result *r, uint64_t again,
			  size_t *lam)
{
	size_t n = r->count;
	/* a link corrected for a flipped bit took two of Brent's steps:
	 * keep mu + lam within the elements, lam >= 1 */
	if (*lam == 0 || *lam > n)
		*lam = n ? n : 1;
	for (size_t i = 0; i + *lam <= n; i++) {
		uint64_t later = i + *lam < n ? r->elements[i + *lam] : again;
		if (r->elements[i] == later)
			return i;
	}
	return n - *lam;
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

/* Do links point at embedded nodes (list_head, hlist) rather than at the
 * elements (the BSD kinds)? */
static bool node_kind(const struct ct_walk_links *l)
{
	return l->kind == CT_WALK_LIST_HEAD || l->kind == CT_WALK_HLIST;
}

/* Bytes that must be readable at a target. */
static uint64_t target_size(const struct ct_walk_mem *s,
			    const struct ct_walk_links *l)
{
	if (!node_kind(l) && l->elem_size)
		return l->elem_size;
	return (l->next_off > l->prev_off ? l->next_off : l->prev_off) +
	       s->ptr_size;
}

/* The element a target belongs to. */
static uint64_t elem_of(const struct ct_walk_links *l, uint64_t t)
{
	return node_kind(l) && l->elem_size && t >= l->node_off
		? t - l->node_off : t;
}

/* " (in the element at 0x...)" for a node target, else "". */
static void elem_note(const struct ct_walk_links *l, uint64_t t, char *buf,
		      size_t n)
{
	buf[0] = 0;
	if (node_kind(l) && l->elem_size && t >= l->node_off)
		snprintf(buf, n, " (in the element at 0x%" PRIx64 ")",
			 t - l->node_off);
}

/* The memory kind of t when the head is not in memory of that kind: a
 * list of heap objects does not run into code or a stack. */
static const char *foreign_region(const struct ct_walk_env *e, uint64_t head,
				  uint64_t t)
{
	const char *rg = ct_walk_region(e, t);
	if (!rg)
		return NULL;
	const char *hr = ct_walk_region(e, head);
	return hr && strcmp(hr, rg) == 0 ? NULL : rg;
}

/* Is t a target we could follow: readable, aligned, its element too,
 * and not foreign? */
static bool target_ok(const struct ct_walk_env *e,
		      const struct ct_walk_links *l, uint64_t head, uint64_t t)
{
	const char *kind;
	char why[120];
	if (!ct_walk_check_ptr(e->mem, t, target_size(e->mem, l), l->align,
			       &kind, why, sizeof(why)))
		return false;
	if (node_kind(l) && l->elem_size &&
	    (t < l->node_off ||
	     ct_walk_probe(e->mem, t - l->node_off, l->elem_size) !=
	     CT_CORE_MEM_OK))
		return false;
	return !foreign_region(e, head, t);
}

/* The one bit where a and b differ, or -1. */
static int one_bit(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ b;
	if (!x || (x & (x - 1)))
		return -1;
	return __builtin_ctzll(x);
}

/*
 * A target one bit away from v that fits where v is: with back links,
 * the one whose back link is want (the link we came from, or the node
 * before); without, weaker evidence, so more is asked: a readable one
 * within 4 GiB of near (the element or head holding the link: lists live
 * in one heap) whose own next is the end or another readable target.
 * end: the list's end marker (0, or the head).
 */
static bool find_flip(const struct ct_walk_env *e,
		      const struct ct_walk_links *l, uint64_t head,
		      uint64_t v, bool has_back, uint64_t want, uint64_t end,
		      uint64_t near, unsigned *ret_bit, uint64_t *ret_c)
{
	const struct ct_walk_mem *s = e->mem;
	for (unsigned b = 0; b < s->ptr_size * 8; b++) {
		uint64_t c = v ^ (1ull << b), n;
		if (c == 0)
			continue;
		if (has_back) {
			if (c != end && !target_ok(e, l, head, c))
				continue;
			if (ct_walk_read_ptr(s, c + l->prev_off, &n) !=
			    CT_CORE_MEM_OK || n != want)
				continue;
		} else {
			uint64_t dist = c > near ? c - near : near - c;
			if (dist >= 1ull << 32 || !target_ok(e, l, head, c) ||
			    ct_walk_read_ptr(s, c + l->next_off, &n) !=
			    CT_CORE_MEM_OK ||
			    (n != end && !target_ok(e, l, head, n)))
				continue;
		}
		*ret_bit = b;
		*ret_c = c;
		return true;
	}
	return false;
}

/*
 * Is a, a back link's value, itself a link of some list, consistent with
 * its neighbour?  Then it is no flipped bit but a link that names the
 * wrong place.  pprev: a is the address of a next link (TAILQ, LIST,
 * hlist); else a is a node whose next comes back (list_head).  self: the
 * target whose back link a is (0: none).
 */
static bool real_link(const struct ct_walk_mem *s,
		      const struct ct_walk_links *l, uint64_t a, bool pprev,
		      uint64_t self)
{
	uint64_t t, back;
	if (ct_walk_read_ptr(s, pprev ? a : a + l->next_off, &t) !=
	    CT_CORE_MEM_OK || t == 0 || t == self)
		return false;	/* self: its own bad link proves nothing */
	return ct_walk_read_ptr(s, t + l->prev_off, &back) ==
	       CT_CORE_MEM_OK && back == a;
}

/* How explain_back() explained a back link that is not what it should be. */
enum explained {
	EXPLAINED_NOT,		/* not: the caller says bad-back-link */
	EXPLAINED_GO_ON,	/* a finding was added; go on */
	EXPLAINED_REFOLLOW,	/* the forward link had a flipped bit: the
				 * element is dropped, follow *ret_cur */
	EXPLAINED_STOP,		/* the element is freed memory: dropped */
};

/* Where the link that led to an element is. */
struct from {
	long holder;		/* element holding it, -1: the head */
	uint64_t addr;		/* its address */
	const char *type;	/* struct holding it */
	const char *field;	/* its name */
};

/*
 * Element idx (target cur, just added) has back link prev instead of want
 * (pprev: the link we came from; else the node before).  Explain it: a
 * flipped bit in the back link or in the forward link, the element being
 * freed memory, or the element being reached from two predecessors.
 */
static enum explained explain_back(const struct ct_walk_env *e,
				   const struct ct_walk_links *l,
				   struct ct_walk_result *r, uint64_t head,
				   const struct from *f, long idx,
				   uint64_t cur, uint64_t prev, uint64_t want,
				   bool pprev, uint64_t end, uint64_t *ret_cur,
				   struct ct_error **err)
{
	const struct ct_walk_mem *s = e->mem;
	const char *et = r->elem_type[0] ? r->elem_type
		: l->kind == CT_WALK_HLIST ? "hlist_node" : "list_head";
	int bit = one_bit(prev, want);
	unsigned fb;
	uint64_t c;
	char why[160];
	if (find_flip(e, l, head, cur, true, want, end, want, &fb, &c) &&
	    c != cur) {
		char in[64];
		elem_note(l, c, in, sizeof(in));
		r->count--;
		*err = ct_walk_add_finding(r, "bit-flip", f->holder, f->addr,
					   f->type, f->field, "0x%" PRIx64
					   " is one bit (bit %u) away from 0x%"
					   PRIx64 "%s, whose %s points back here: "
					   "a flipped bit; the walk goes on at "
					   "0x%" PRIx64, cur, fb, c, in,
					   l->prev_name, c);
		*ret_cur = c;
		return EXPLAINED_REFOLLOW;
	}
	if (bit >= 0 && !real_link(s, l, prev, pprev, cur)) {
		*err = ct_walk_add_finding(r, "bit-flip", idx, cur + l->prev_off,
					   et, l->prev_name, "0x%" PRIx64
					   " is one bit (bit %d) away from 0x%"
					   PRIx64 ", the link to this element "
					   "(%s at 0x%" PRIx64 "): a flipped bit",
					   prev, bit, want, f->field, f->addr);
		return EXPLAINED_GO_ON;
	}
	uint64_t el = elem_of(l, cur);
	if (ct_walk_is_freed(s, el, l->elem_size ? l->elem_size
			     : target_size(s, l), why, sizeof(why))) {
		r->count--;
		*err = ct_walk_add_finding(r, "freed", f->holder, f->addr,
					   f->type, f->field, "0x%" PRIx64
					   " points into freed memory (the "
					   "object at 0x%" PRIx64 "): %s", cur,
					   el, why);
		return EXPLAINED_STOP;
	}
	uint64_t t;
	if (ct_walk_read_ptr(s, pprev ? prev : prev + l->next_off, &t) ==
	    CT_CORE_MEM_OK && t == cur && prev % s->ptr_size == 0) {
		char from[48];
		if (f->holder < 0)
			snprintf(from, sizeof(from), "the head's %s", f->field);
		else
			snprintf(from, sizeof(from), "element %ld's %s",
				 f->holder, f->field);
		*err = ct_walk_add_finding(r, "shared", idx, cur + l->prev_off,
					   et, l->prev_name, "0x%" PRIx64
					   " names another %s, which points at "
					   "this element too, not %s at 0x%"
					   PRIx64 ": the element has two "
					   "predecessors (it is on two lists, or "
					   "was added twice)", prev,
					   pprev ? "link" : "node", from,
					   f->addr);
		return EXPLAINED_GO_ON;
	}
	return EXPLAINED_NOT;
}

/* ---- walking back from the tail ------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Walking back reached p, the back link naming the element at e: are p
 * (check_size bytes) and the element readable?  If not, say so in
 * r->recovered_stop.
 */
static bool back_ok(const struct ct_walk_mem *s, struct ct_walk_result *r,
		    const struct ct_walk_links *l, uint64_t p, uint64_t e,
		    uint64_t check_size)
{
	char why[120];
	const char *kind;
	bool good = ct_walk_check_ptr(s, p, check_size, l->align, &kind, why,
				      sizeof(why));
	if (good && l->elem_size)
		good = ct_walk_check_ptr(s, e, l->elem_size, 1, &kind, why,
					 sizeof(why));
	if (good)
		return true;
	char from[48];
	if (r->recovered_count)
		snprintf(from, sizeof(from), "%s of 0x%" PRIx64, l->prev_name,
			 r->recovered[r->recovered_count - 1]);
	else
		snprintf(from, sizeof(from), "the head's %s", l->last_name);
	snprintf(r->recovered_stop, sizeof(r->recovered_stop), "%s: %s is %s",
		 kind, from, why);
	return false;
}

/*
 * Brent saw a cycle of lam while walking back: keep each element once.
 * The sequence is recovered[] then the element seen again, and the cycle
 * starts at the first i where it repeats lam later.
 */
static void back_cycle(struct ct_walk_result *r, size_t lam)
{
	size_t n = r->recovered_count, mu = 0;
	while (mu + lam < n && r->recovered[mu] != r->recovered[mu + lam])
		mu++;
	if (mu + lam < n)
		r->recovered_count = mu + lam;
	snprintf(r->recovered_stop, sizeof(r->recovered_stop),
		 "cycle: the back links of 0x%" PRIx64 " lead back to 0x%"
		 PRIx64, r->recovered[r->recovered_count - 1],
		 r->recovered[r->recovered_count - lam]);
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
				  const struct ct_walk_links *l, size_t max)
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
		if (sorted && ct_bsearch_find(&e, sorted, r->count,
					      sizeof(*sorted),
					      ct_bsearch_cmp_u64_field,
					      NULL /* offset 0: the values */)
		    < r->count) {
			for (size_t i = 0; i < r->count; i++)
				if (r->elements[i] == e) {
					r->recovered_join = (long)i;
					break;
				}
			break;
		}
		if (!back_ok(s, r, l, p, e, check_size))
			break;
		char fwhy[120];
		if (ct_walk_is_freed(s, e, l->elem_size ? l->elem_size
				     : check_size, fwhy, sizeof(fwhy))) {
			snprintf(r->recovered_stop, sizeof(r->recovered_stop),
				 "freed: the element at 0x%" PRIx64 " is freed "
				 "memory: %s", e, fwhy);
			break;
		}
		if (r->recovered_count && ct_walk_brent_step(&b, e)) {
			back_cycle(r, b.lam);
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


/* ---- the engine ---------------------------------------------------------- */

/*
 * What the links of one kind of list promise, read off l once: the engine
 * below walks every kind, and asks this wherever the kinds differ.
 */
struct shape {
	bool ring;		/* list_head: the head is a node like the
				 * others, a link names a node, the list ends
				 * where a link comes back to the head */
	bool back;		/* back links to check (TAILQ, LIST,
				 * list_head, hlist) */
	bool tail;		/* a tail pointer in the head (TAILQ, STAILQ,
				 * list_head) */
	bool two_way;		/* back links and a tail (TAILQ, list_head):
				 * a broken walk is recovered from the tail,
				 * not judged by the element it stopped on */
	uint64_t first_off;	/* in the head: the link to the first */
	uint64_t tail_off;	/* in the head: the tail pointer */
	uint64_t end;		/* what the last link holds: 0, or the head */
	uint64_t node_off;	/* from a link's target to its element */
	const char *noun;	/* what a link names: "element", "node" */
	const char *elem_type;	/* struct of findings on elements */
};

static void shape_of(const struct ct_walk_links *l,
		     const struct ct_walk_result *r, uint64_t head,
		     struct shape *sh)
{
	sh->ring = l->kind == CT_WALK_LIST_HEAD;
	sh->back = l->kind != CT_WALK_SLIST && l->kind != CT_WALK_STAILQ;
	sh->tail = l->kind == CT_WALK_TAILQ || l->kind == CT_WALK_STAILQ ||
		   sh->ring;
	sh->two_way = sh->back && sh->tail;
	/* a list_head's head is a node: its next and prev are the links */
	sh->first_off = sh->ring ? l->next_off : l->first_off;
	sh->tail_off = sh->ring ? l->prev_off : l->last_off;
	sh->end = sh->ring ? head : 0;
	sh->node_off = node_kind(l) ? l->node_off : 0;
	sh->noun = sh->ring ? "node" : "element";
	/* the DWARF side always names a TAILQ's elements */
	sh->elem_type = r->elem_type[0] || l->kind == CT_WALK_TAILQ
		? r->elem_type : sh->ring ? "list_head"
		: l->kind == CT_WALK_HLIST ? "hlist_node" : "element";
}

/*
 * The tail pointer last (tqh_last, stqh_last: the address of the last
 * next link, &first if empty; a list_head's prev: the last node, the head
 * if empty) is not want, where the walk ended.  Say what it points at
 * when it is a link of the list, or that it is one bit from the right one.
 */
static struct ct_error *bad_tail(const struct ct_walk_env *e,
				 const struct ct_walk_links *l,
				 struct ct_walk_result *r,
				 const struct shape *sh, uint64_t head,
				 uint64_t last, uint64_t want, long holder)
{
	const struct ct_walk_mem *s = e->mem;
	char at[96];
	const char *k = ct_walk_link_kind(s, last, "bad-tail", at, sizeof(at));
	int bit = one_bit(last, want);
	char where[80];	/* what the tail should name */
	if (sh->ring)
		snprintf(where, sizeof(where), "the last node");
	else if (holder < 0)
		snprintf(where, sizeof(where), "the list is empty: %s",
			 l->first_name);
	else
		snprintf(where, sizeof(where), "the last element's %s",
			 l->next_name);
	if (bit >= 0 && strcmp(k, "poison") != 0 &&
	    !real_link(s, l, last, !sh->ring, 0))
		return ct_walk_add_finding(r, "bit-flip", -1,
					   head + sh->tail_off, r->head_type,
					   l->last_name, "0x%" PRIx64 " is one "
					   "bit (bit %d) away from 0x%" PRIx64
					   ", %s%s%s: a flipped bit", last,
					   bit, want, sh->ring ? "" : "where ",
					   where, sh->ring ? "" : " is");
	if (!sh->ring && last == head + l->first_off)
		snprintf(at, sizeof(at), " (the head's %s)", l->first_name);
	for (size_t i = 0; !sh->ring && !at[0] && i < r->count; i++)
		if (r->elements[i] + l->next_off == last)
			snprintf(at, sizeof(at), " (element %zu's %s)", i,
				 l->next_name);
	return ct_walk_add_finding(r, k, -1, head + sh->tail_off,
				   r->head_type, l->last_name,
				   "0x%" PRIx64 "%s, but %s%s 0x%" PRIx64,
				   last, at, where,
				   sh->ring ? " is" : " is at", want);
}

/* A back link explain_back() could not explain: prev where want should
 * be, at element idx (target cur) reached through f. */
static struct ct_error *bad_back(const struct ct_walk_mem *s,
				 const struct ct_walk_links *l,
				 struct ct_walk_result *r,
				 const struct shape *sh, const struct from *f,
				 long idx, uint64_t cur, uint64_t prev,
				 uint64_t want)
{
	char note[96];
	const char *k = ct_walk_link_kind(s, prev, "bad-back-link", note,
					  sizeof(note));
	if (sh->ring)
		return ct_walk_add_finding(r, k, idx, cur + l->prev_off,
					   sh->elem_type, l->prev_name,
					   "0x%" PRIx64 "%s, but the previous "
					   "node is 0x%" PRIx64, prev, note,
					   want);
	char from[48];
	if (f->holder < 0)
		snprintf(from, sizeof(from), "the head's %s", l->first_name);
	else
		snprintf(from, sizeof(from), "element %ld's %s", f->holder,
			 l->next_name);
	return ct_walk_add_finding(r, k, idx, cur + l->prev_off,
				   sh->elem_type, l->prev_name,
				   "0x%" PRIx64 "%s, but the link to this "
				   "element is %s at 0x%" PRIx64, prev, note,
				   from, want);
}

/* Where a forward walk is. */
struct walk {
	const struct ct_walk_env *e;
	const struct ct_walk_links *l;
	struct ct_walk_result *r;
	struct shape sh;
	uint64_t head;
	size_t max;
	uint64_t link_addr;	/* where the link being followed was read */
	long holder;		/* element holding link_addr, -1: the head */
	uint64_t holder_t;	/* the target holding link_addr */
	struct from hf;		/* how holder was reached */
	uint64_t want;		/* what a back link should hold: the link we
				 * came from, or (ring) the node before */
	bool broken;		/* the forward walk stopped at a bad link */
	bool too_long;		/* ... or at the element cap */
};

/* How a link that is no good was taken. */
enum bad_link {
	BAD_LINK_FIXED,		/* a flipped bit: *cur corrected, go on */
	BAD_LINK_END,		/* ... and the corrected link ends the list */
	BAD_LINK_STOP,		/* a finding added: the walk is broken */
};

/* Brent saw cur again: cut the elements seen twice and say so. */
static struct ct_error *add_cycle(struct walk *w, uint64_t cur, size_t lam)
{
	struct ct_walk_result *r = w->r;
	size_t mu = cycle_start(r, elem_of(w->l, cur), &lam);
	cut_at(r, mu + lam);
	uint64_t at = r->elements[mu + lam - 1] + w->sh.node_off +
		      w->l->next_off;
	w->broken = true;
	if (w->sh.ring)
		return ct_walk_add_finding(r, "cycle", (long)(mu + lam - 1), at,
					   w->sh.elem_type, w->l->next_name,
					   "points back at element %zu: a cycle "
					   "of %zu elements that misses the "
					   "head", mu, lam);
	return ct_walk_add_finding(r, "cycle", (long)(mu + lam - 1), at,
				   w->sh.elem_type, w->l->next_name,
				   "points back at element %zu (0x%" PRIx64
				   "): a cycle of %zu elements", mu,
				   r->elements[mu], lam);
}

/*
 * The link at w->link_addr (reached through f) holds *cur, which is not a
 * target to follow: kind and why say how (good: readable, but in the
 * foreign region rg).  A flipped bit is corrected; else the holder may be
 * freed memory; else the link itself is reported.
 */
static enum bad_link bad_link(struct walk *w, const struct from *f,
			      uint64_t *cur, bool good, const char *rg,
			      const char *kind, const char *why,
			      struct ct_error **err)
{
	const struct ct_walk_links *l = w->l;
	const struct ct_walk_mem *s = w->e->mem;
	struct ct_walk_result *r = w->r;
	unsigned fb;
	uint64_t c;
	char fwhy[160];
	/* without back links, a readable pointer into code or a stack is
	 * not taken for a flip */
	if ((w->sh.back || !good) &&
	    find_flip(w->e, l, w->head, *cur, w->sh.back, w->want, w->sh.end,
		      w->want, &fb, &c)) {
		if (w->sh.back)
			snprintf(fwhy, sizeof(fwhy), "whose %s points back "
				 "here", l->prev_name);
		else
			snprintf(fwhy, sizeof(fwhy), "a readable %s",
				 w->sh.elem_type);
		char in[64];
		elem_note(l, c, in, sizeof(in));
		*err = ct_walk_add_finding(r, "bit-flip", w->holder,
			w->link_addr, f->type, f->field, "0x%" PRIx64 " (%s) "
			"is one bit (bit %u) away from 0x%" PRIx64 "%s, %s: a "
			"flipped bit; the walk goes on at 0x%" PRIx64, *cur,
			good ? rg : kind, fb, c, in, fwhy, c);
		*cur = c;
		return c == w->sh.end ? BAD_LINK_END : BAD_LINK_FIXED;
	}
	w->broken = true;
	if (!good && !w->sh.two_way && w->holder >= 0 &&
	    ct_walk_is_freed(s, elem_of(l, w->holder_t), l->elem_size
			     ? l->elem_size : target_size(s, l), fwhy,
			     sizeof(fwhy))) {
		/* the element we stand on is freed: the link that led
		 * here is the bad one */
		const struct from *hf = &w->hf;
		r->count--;
		*err = ct_walk_add_finding(r, "freed", hf->holder, hf->addr,
			hf->type, hf->field, "0x%" PRIx64 " points into freed "
			"memory (the object at 0x%" PRIx64 "): %s",
			w->holder_t, elem_of(l, w->holder_t), fwhy);
	} else if (good) {
		*err = ct_walk_add_finding(r, "foreign", w->holder,
			w->link_addr, f->type, f->field, "0x%" PRIx64 " is in "
			"%s, not a list %s", *cur, rg, w->sh.noun);
	} else {
		*err = ct_walk_add_finding(r, kind, w->holder, w->link_addr,
					   f->type, f->field, "%s", why);
	}
	return BAD_LINK_STOP;
}

/* Element idx, target cur, has back link prev, not w->want.  false:
 * stop (the element was freed memory). */
static bool check_back(struct walk *w, const struct from *f, long idx,
		       uint64_t *cur, uint64_t prev, bool *refollow,
		       struct ct_error **err)
{
	uint64_t c;
	enum explained x = explain_back(w->e, w->l, w->r, w->head, f, idx,
					*cur, prev, w->want, !w->sh.ring,
					w->sh.end, &c, err);
	if (*err)
		return false;
	if (x == EXPLAINED_REFOLLOW) {
		*cur = c;
		*refollow = true;
	} else if (x == EXPLAINED_STOP) {
		w->broken = true;
		return false;
	} else if (x == EXPLAINED_NOT) {
		*err = bad_back(w->e->mem, w->l, w->r, &w->sh, f, idx, *cur,
				prev, w->want);
	}
	return true;
}

/*
 * After the forward walk: the tail pointer (tqh_last, stqh_last: the
 * address of the last next link, &first if empty; a list_head's prev:
 * the last node, the head if empty) checked against where the walk
 * ended or, when the walk broke, followed back to recover the rest.
 */
static struct ct_error *check_tail(struct walk *w)
{
	const struct ct_walk_links *l = w->l;
	const struct ct_walk_mem *s = w->e->mem;
	const struct shape *sh = &w->sh;
	if (!sh->tail)
		return NULL;
	uint64_t head = w->head, last;
	enum ct_core_mem m = ct_walk_read_ptr(s, head + sh->tail_off, &last);
	if (m != CT_CORE_MEM_OK)	/* a ring's head was read: no error */
		return sh->ring ? NULL
			: ct_walk_error("list head at 0x%" PRIx64 ": %s",
					head, ct_walk_mem_reason(s, m));
	if (!w->broken)
		return last == w->want ? NULL
			: bad_tail(w->e, l, w->r, sh, head, last, w->want,
				   w->holder);
	/* the last element is unknown: only the tail itself */
	char note[96];
	const char *k = ct_walk_link_kind(s, last, NULL, note, sizeof(note));
	if (k)
		return ct_walk_add_finding(w->r, k, -1, head + sh->tail_off,
					   w->r->head_type, l->last_name,
					   "0x%" PRIx64 "%s", last, note);
	if (!sh->two_way || w->too_long)
		return NULL;
	/* a back link names the next link (TAILQ) or the node (ring) */
	return walk_back(s, w->r, last, head + (sh->ring ? 0 : sh->first_off),
			 (sh->ring ? 0 : l->next_off) + sh->node_off,
			 sh->node_off + l->prev_off,
			 sh->ring ? target_size(s, l) : s->ptr_size, l,
			 w->max);
}

/* Is cur a target to follow?  If not, kind and why say why, or *rg names
 * the foreign region it is in. */
static bool target_good(const struct walk *w, uint64_t cur, const char **rg,
			const char **kind, char *why, size_t whysize)
{
	const struct ct_walk_links *l = w->l;
	const struct ct_walk_mem *s = w->e->mem;
	*rg = NULL;
	/* the target must be readable, and so must its element */
	bool good = ct_walk_check_ptr(s, cur, target_size(s, l), l->align,
				      kind, why, whysize);
	if (good && node_kind(l) && l->elem_size && l->node_off <= cur &&
	    ct_walk_probe(s, cur - l->node_off, l->elem_size) !=
	    CT_CORE_MEM_OK)
		good = ct_walk_check_ptr(s, cur - l->node_off, l->elem_size,
					 1, kind, why, whysize);
	if (good)
		*rg = foreign_region(w->e, w->head, cur);
	return good;
}

/*
 * Walk any kind of list from the head at head: each link checked before
 * it is followed (a flipped bit is corrected when a neighbour vouches for
 * the right value), each back link checked against where the walk came
 * from, cycles found (Brent), then the tail pointer checked or, when the
 * walk broke, the rest recovered from the tail by the back links.
 */
static struct ct_error *walk_links(const struct ct_walk_env *e,
				   struct ct_walk_result *r, uint64_t head,
				   const struct ct_walk_links *l, size_t max)
{
	const struct ct_walk_mem *s = e->mem;
	struct walk w = { .e = e, .l = l, .r = r, .head = head, .max = max,
			  .holder = -1, .holder_t = head };
	shape_of(l, r, head, &w.sh);
	w.link_addr = head + w.sh.first_off;
	w.hf = (struct from){ -1, 0, r->head_type, l->first_name };
	w.want = w.sh.ring ? w.holder_t : w.link_addr;
	uint64_t cur;
	enum ct_core_mem m = ct_walk_read_ptr(s, w.link_addr, &cur);
	if (m != CT_CORE_MEM_OK)
		return ct_walk_error("list head at 0x%" PRIx64 ": %s", head,
				     ct_walk_mem_reason(s, m));
	struct ct_walk_brent b = { cur, 1, 0 };
	struct ct_error *err = NULL;
	while (cur != w.sh.end) {
		if (w.holder >= 0 && ct_walk_brent_step(&b, cur)) {
			err = add_cycle(&w, cur, b.lam);
			break;
		}
		struct from f = { w.holder, w.link_addr,
				  w.holder < 0 ? r->head_type : w.sh.elem_type,
				  w.holder < 0 ? l->first_name : l->next_name };
		const char *rg, *kind;
		char why[160];
		bool good = target_good(&w, cur, &rg, &kind, why, sizeof(why));
		if (!good || rg) {
			enum bad_link x = bad_link(&w, &f, &cur, good, rg, kind,
						   why, &err);
			if (err || x != BAD_LINK_FIXED)
				break;
		}
		if (r->count >= max) {
			w.broken = w.too_long = true;
			err = ct_walk_add_finding(r, "too-long", w.holder,
				w.link_addr, f.type, f.field, "more than %zu "
				"elements: walk stopped", max);
			break;
		}
		long idx = (long)r->count;
		err = ct_walk_add_element(r, elem_of(l, cur));
		if (err)
			return err;
		uint64_t prev;
		bool refollow = false;
		if (w.sh.back && ct_walk_read_ptr(s, cur + l->prev_off, &prev) ==
		    CT_CORE_MEM_OK && prev != w.want &&
		    !check_back(&w, &f, idx, &cur, prev, &refollow, &err))
			break;
		if (err)
			return err;
		if (refollow)
			continue;
		w.hf = f;
		w.holder_t = cur;
		w.link_addr = cur + l->next_off;
		w.want = w.sh.ring ? w.holder_t : w.link_addr;
		w.holder = idx;
		m = ct_walk_read_ptr(s, w.link_addr, &cur);
		if (m != CT_CORE_MEM_OK)	/* checked above */
			return ct_walk_error("%s at 0x%" PRIx64 " unreadable",
					     w.sh.noun, w.holder_t);
	}
	if (err)
		return err;
	return check_tail(&w);
}

struct ct_error *ct_walk_engine_run(const struct ct_walk_env *e,
				    const struct ct_walk_links *l,
				    uint64_t head, size_t max,
				    struct ct_walk_result *r)
{
	r->kind = l->kind;
	r->head = head;
	switch (l->kind) {
	case CT_WALK_TAILQ:
	case CT_WALK_LIST_HEAD:
	case CT_WALK_SLIST:
	case CT_WALK_LIST:
	case CT_WALK_STAILQ:
	case CT_WALK_HLIST:
		return walk_links(e, r, head, l, max);
	default:
		return ct_walk_error("no list kind to walk");
	}
}

/* ---- string members ------------------------------------------------------ */

static struct ct_error *string_members(struct ct_walk_session *s,
				       const struct ct_walk_spec *spec,
				       const struct ct_walk_result *r,
				       struct ct_walk_strmember *sm)
{
	struct ct_error *err = ct_walk_strings_wanted(spec, r);
	if (err)
		return err;
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

/* Check every string member of every element reached (and recovered,
 * when their indexes are known). */
static struct ct_error *check_strings(struct ct_walk_session *s,
				      const struct ct_walk_spec *spec,
				      struct ct_walk_result *r)
{
	if (!spec->string_count)
		return NULL;
	struct ct_walk_strmember sm[CT_WALK_MAX_STRINGS];
	struct ct_error *err = string_members(s, spec, r, sm);
	if (!err)
		err = ct_walk_check_strings(&s->mem, sm, spec->string_count, r);
	return err;
}

/* ---- every pointer member (unless --no-members) --------------------------- */

/* The checks for r's element struct: its pointer members less the link
 * and the --string members.  false when there is nothing to check. */
static bool member_plan(struct ct_walk_session *s,
			const struct ct_walk_spec *spec,
			struct ct_walk_result *r, struct ct_walk_mplan *p)
{
	Dwarf_Die elem;
	if (!r->elem_type[0] ||
	    !ct_walk_find_global(s->dwarf, r->elem_type, DW_TAG_structure_type,
				 &elem))
		return false;
	p->skip_count = 0;
	if (r->link[0]) {
		struct ct_walk_tval v = { 0, elem };
		struct ct_error *err = ct_walk_member_path(s, &v, r->link);
		if (err) {
			ct_error_destroy(err);
			snprintf(r->member_note, sizeof(r->member_note),
				 "members not checked: link '%s' not found "
				 "in struct %s", r->link, r->elem_type);
			return false;
		}
		p->skip[p->skip_count].off = v.addr;
		p->skip[p->skip_count++].size = ct_walk_type_size(&v.type);
	}
	for (size_t i = 0; i < spec->string_count &&
	     p->skip_count < sizeof(p->skip) / sizeof(p->skip[0]); i++) {
		uint64_t off;
		Dwarf_Die t;
		if (ct_walk_find_member(&elem, spec->strings[i], &off, &t, 0)) {
			p->skip[p->skip_count].off = off;
			p->skip[p->skip_count++].size =
				dwarf_tag(&t) == DW_TAG_pointer_type
				? s->ptr_size : ct_walk_type_size(&t);
		}
	}
	ct_walk_member_plan(&elem, s->ptr_size, p);
	ct_walk_plan_note(p, r);
	return p->count > 0;
}

/* Check the pointer members of every element (members.c). */
static struct ct_error *check_members(struct ct_walk_session *s,
				      const struct ct_walk_spec *spec,
				      struct ct_walk_result *r)
{
	struct ct_walk_mplan *p = calloc(1, sizeof(*p));
	if (!p)
		return &ct_enomem;
	struct ct_error *err = NULL;
	if (member_plan(s, spec, r, p)) {
		struct ct_walk_env env = {
			.mem = &s->mem,
			.region = ct_walk_session_region,
			.is_code = ct_walk_session_is_code,
			.region_state = s,
		};
		err = ct_walk_check_members(&env, p, r);
	}
	free(p);
	return err;
}

/* ---- the walk ------------------------------------------------------------ */

/* Member names of each kind: in the head, and in the entry or node. */
struct kind_names {
	enum ct_walk_kind kind;
	const char *first, *last; /* head members; last NULL: no tail */
	const char *next, *prev;  /* entry/node members; prev NULL: none */
	const char *what;	  /* for messages */
};

static const struct kind_names kind_table[] = {
	{ CT_WALK_TAILQ, "tqh_first", "tqh_last", "tqe_next", "tqe_prev",
	  "TAILQ" },
	{ CT_WALK_STAILQ, "stqh_first", "stqh_last", "stqe_next", NULL,
	  "STAILQ" },
	{ CT_WALK_LIST, "lh_first", NULL, "le_next", "le_prev", "LIST" },
	{ CT_WALK_SLIST, "slh_first", NULL, "sle_next", NULL, "SLIST" },
	{ CT_WALK_LIST_HEAD, "next", "prev", "next", "prev", "list_head" },
	{ CT_WALK_HLIST, "first", NULL, "next", "pprev", "hlist" },
};

static const struct kind_names *kind_names_of(enum ct_walk_kind k)
{
	for (size_t i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++)
		if (kind_table[i].kind == k)
			return &kind_table[i];
	return NULL;
}

/* Does struct head have the head members of kn? */
static bool has_head(Dwarf_Die *head, const struct kind_names *kn)
{
	uint64_t o;
	Dwarf_Die t;
	return ct_walk_find_member(head, kn->first, &o, &t, 0) &&
	       (!kn->last || ct_walk_find_member(head, kn->last, &o, &t, 0));
}

/* Element struct and link member for a BSD kind, from the spec or DWARF:
 * the element is what the first pointer points at, the link the one
 * member holding a next of this kind. */
static struct ct_error *bsd_links(struct ct_walk_session *s,
				  const struct ct_walk_spec *spec,
				  const struct kind_names *kn,
				  Dwarf_Die *first_type,
				  struct ct_walk_result *r,
				  struct ct_walk_links *l)
{
	Dwarf_Die elem;
	if (spec->elem_type) {
		if (!ct_walk_find_global(s->dwarf, spec->elem_type,
				 DW_TAG_structure_type, &elem))
			return ct_walk_error("no struct '%s' in the debug info",
					  spec->elem_type);
	} else if (dwarf_tag(first_type) != DW_TAG_pointer_type ||
		   !ct_walk_die_type(first_type, &elem) ||
		   !ct_walk_is_struct(&elem)) {
		return ct_walk_error("%s is not a pointer to a struct; "
				     "give --elem-type", kn->first);
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
		if (dot && (strcmp(dot + 1, kn->next) == 0 ||
			    (kn->prev && strcmp(dot + 1, kn->prev) == 0)))
			*dot = 0;
		struct ct_walk_tval v = { 0, elem };
		struct ct_error *err = ct_walk_member_path(s, &v, link);
		if (err)
			return err;
		loff = v.addr;
		lt = v.type;
	} else {
		/* the one member that is an entry of this kind */
		int found = ct_walk_unique_member_with(&elem, kn->next, &loff,
						       &lt, link, sizeof(link));
		if (found != 1)
			return ct_walk_error("struct '%s' has %d %s_ENTRY "
					     "members; give --link",
					     r->elem_type, found, kn->what);
	}
	snprintf(r->link, sizeof(r->link), "%s", link);
	uint64_t no, po = 0;
	Dwarf_Die t;
	if (!ct_walk_find_member(&lt, kn->next, &no, &t, 0) ||
	    (kn->prev && !ct_walk_find_member(&lt, kn->prev, &po, &t, 0))) {
		if (kn->prev)
			return ct_walk_error("link '%s' has no %s and %s",
					     link, kn->next, kn->prev);
		return ct_walk_error("link '%s' has no %s", link, kn->next);
	}
	l->node_off = loff;
	l->next_off = loff + no;
	l->prev_off = loff + po;
	/* an element holds its links, whatever DWARF says its size is */
	if (l->elem_size < l->next_off + s->ptr_size)
		l->elem_size = l->next_off + s->ptr_size;
	if (kn->prev && l->elem_size < l->prev_off + s->ptr_size)
		l->elem_size = l->prev_off + s->ptr_size;
	return NULL;
}

/* Node offsets and the element (--elem-type, --link) of a list_head or
 * hlist. */
static struct ct_error *node_links(struct ct_walk_session *s,
				   const struct ct_walk_spec *spec,
				   const struct kind_names *kn,
				   Dwarf_Die *head, struct ct_walk_result *r,
				   struct ct_walk_links *l)
{
	uint64_t fo, lo = 0;
	Dwarf_Die ft, t, node;
	ct_walk_find_member(head, kn->first, &fo, &ft, 0);
	if (kn->last)
		ct_walk_find_member(head, kn->last, &lo, &t, 0);
	l->first_off = fo;
	l->last_off = lo;
	l->align = s->ptr_size;
	if (kn->kind == CT_WALK_LIST_HEAD) {
		/* the nodes are list_heads like the head */
		l->next_off = fo;
		l->prev_off = lo;
	} else {
		/* hlist_head.first points at an hlist_node */
		if (dwarf_tag(&ft) != DW_TAG_pointer_type ||
		    !ct_walk_die_type(&ft, &node) || !ct_walk_is_struct(&node) ||
		    !ct_walk_find_member(&node, kn->next, &l->next_off, &t, 0) ||
		    !ct_walk_find_member(&node, kn->prev, &l->prev_off, &t, 0))
			return ct_walk_error("'%s' does not point at a node with "
					     "%s and %s", kn->first, kn->next,
					     kn->prev);
	}
	if (!spec->elem_type)
		return NULL;
	Dwarf_Die elem;
	if (!ct_walk_find_global(s->dwarf, spec->elem_type,
				 DW_TAG_structure_type, &elem))
		return ct_walk_error("no struct '%s' in the debug info",
				     spec->elem_type);
	if (!spec->link)
		return ct_walk_error("--elem-type needs --link");
	ct_walk_type_name(&elem, r->elem_type, sizeof(r->elem_type));
	snprintf(r->link, sizeof(r->link), "%s", spec->link);
	struct ct_walk_tval e = { 0, elem };
	struct ct_error *err = ct_walk_member_path(s, &e, spec->link);
	if (err)
		return err;
	l->node_off = e.addr;
	l->elem_size = ct_walk_type_size(&elem);
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
	enum ct_walk_kind tree = spec->kind ? spec->kind
				 : ct_walk_tree_head_kind(&v.type);
	if (spec->key && tree != CT_WALK_RB && tree != CT_WALK_LINUX_RB) {
		err = ct_walk_error("--key is for trees");
		goto fail;
	}
	if (tree == CT_WALK_RB || tree == CT_WALK_LINUX_RB) {
		err = ct_walk_tree_run(s, spec, &v, r, max);
		goto strings;
	}
	const struct kind_names *kn = NULL;
	if (spec->kind) {
		kn = kind_names_of(spec->kind);
		if (kn && !has_head(&v.type, kn)) {
			err = ct_walk_error("'%s' (struct %s) is not a %s head",
					    spec->member, r->head_type,
					    kn->what);
			goto fail;
		}
	} else {
		for (size_t i = 0; !kn && i < sizeof(kind_table) /
		     sizeof(kind_table[0]); i++)
			if (has_head(&v.type, &kind_table[i]))
				kn = &kind_table[i];
	}
	if (!kn) {
		err = ct_walk_error("'%s' (struct %s) is not a TAILQ, SLIST, "
				    "LIST, STAILQ, list_head or hlist head",
				    spec->member, r->head_type);
		goto fail;
	}
	struct ct_walk_links l = { .kind = kn->kind };
	l.first_name = kn->first;
	l.last_name = kn->last ? kn->last : "";
	l.next_name = kn->next;
	l.prev_name = kn->prev ? kn->prev : "";
	r->kind = kn->kind;
	if (kn->kind == CT_WALK_LIST_HEAD || kn->kind == CT_WALK_HLIST) {
		err = node_links(s, spec, kn, &v.type, r, &l);
	} else {
		Dwarf_Die ft, t;
		ct_walk_find_member(&v.type, kn->first, &l.first_off, &ft, 0);
		if (kn->last)
			ct_walk_find_member(&v.type, kn->last, &l.last_off, &t,
					    0);
		err = bsd_links(s, spec, kn, &ft, r, &l);
	}
	if (!err) {
		struct ct_walk_env env = {
			.mem = &s->mem,
			.region = ct_walk_session_region,
			.is_code = ct_walk_session_is_code,
			.region_state = s,
		};
		err = ct_walk_engine_run(&env, &l, v.addr, max, r);
	}
strings:
	if (!err)
		err = check_strings(s, spec, r);
	if (!err && !spec->no_members)
		err = check_members(s, spec, r);
	if (err)
		goto fail;
	*ret = r;
	return NULL;
fail:
	ct_walk_result_destroy(r);
	return err;
}

/* ---- output -------------------------------------------------------------- */

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
	if (r->member_note[0]) {
		ct_strbuf_puts(&sb, ",\"member_note\":");
		ct_strbuf_json_string(&sb, r->member_note);
	}
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
	/* every finding of the walk is one in "fqdn_node.domain_list" */
	char structure[192];
	bool has_member = spec->member && spec->member[0];
	snprintf(structure, sizeof(structure), "%s%s%s",
		 r->root_type[0] ? r->root_type : r->head_type,
		 has_member ? "." : "", has_member ? spec->member : "");
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
			.structure = structure,
		};
		struct ct_error *err = ct_case_add_finding(c, &cf);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- for rules that name structures (rules/autowalk.c) ------------------- */

bool ct_walk_session_has_global(struct ct_walk_session *s, const char *name)
{
	Dwarf_Die die;
	return s->dwarf && ct_walk_find_global(s->dwarf, name, DW_TAG_variable, &die);
}
