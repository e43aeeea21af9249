/* SPDX-License-Identifier: MIT */
/*
 * tree.c - follow red-black trees through a core with every
 * invariant checked: BSD sys/tree.h RB trees (rbe_left, rbe_right,
 * rbe_parent with a separate rbe_color, or the colour packed into bit 0
 * of rbe_parent) and Linux rb_root/rb_node (__rb_parent_color, rb_left,
 * rb_right).
 *
 * The walk is in order, iterative, with an explicit stack capped at
 * CT_WALK_TREE_MAX_DEPTH.  Every link is classified (walk-internal.h) before it
 * is followed.  Cycles and shared nodes are found with a visited set of
 * node addresses: an open-addressing hash that holds the nodes reached,
 * so it is bounded by the element cap like elements[] itself (16 bytes a
 * node at most twice over).  A link to a node already reached is a
 * "cycle" when that node is on the current path (an ancestor), else
 * "shared"; it is never followed twice.  Black heights are compared
 * bottom-up: a finding is made at the lowest node whose two subtrees are
 * each uniform but differ, and nothing above it is blamed again.  Keys
 * are checked after the walk, on the in-order sequence: a tree is a
 * search tree exactly when that sequence is sorted.
 */
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/walk/walk-internal.h"

/* ---- the visited set ------------------------------------------------------ */

/* node address -> in-order index (-1 until numbered); 0 is never a node */
struct visited {
	uint64_t *keys;
	long *vals;
	size_t cap, count;	/* cap: a power of two */
};

static size_t vhash(uint64_t a, size_t cap)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdull;
	a ^= a >> 33;
	return (size_t)a & (cap - 1);
}

static long *visited_find(struct visited *v, uint64_t a)
{
	if (!v->cap)
		return NULL;
	for (size_t i = vhash(a, v->cap);; i = (i + 1) & (v->cap - 1)) {
		if (v->keys[i] == a)
			return &v->vals[i];
		if (!v->keys[i])
			return NULL;
	}
}

static struct ct_error *visited_add(struct visited *v, uint64_t a, long val)
{
	if ((v->count + 1) * 2 > v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		uint64_t *k = calloc(cap, sizeof(*k));
		long *vals = calloc(cap, sizeof(*vals));
		if (!k || !vals) {
			free(k);
			free(vals);
			return &ct_enomem;
		}
		for (size_t i = 0; i < v->cap; i++) {
			if (!v->keys[i])
				continue;
			size_t j = vhash(v->keys[i], cap);
			while (k[j])
				j = (j + 1) & (cap - 1);
			k[j] = v->keys[i];
			vals[j] = v->vals[i];
		}
		free(v->keys);
		free(v->vals);
		v->keys = k;
		v->vals = vals;
		v->cap = cap;
	}
	size_t i = vhash(a, v->cap);
	while (v->keys[i] && v->keys[i] != a)
		i = (i + 1) & (v->cap - 1);
	if (!v->keys[i])
		v->count++;
	v->keys[i] = a;
	v->vals[i] = val;
	return NULL;
}

/* ---- the walk ------------------------------------------------------------- */

enum link_state {
	LINK_NONE,	/* NULL: no child */
	LINK_OK,	/* followed */
	LINK_BAD,	/* a bad pointer (classified again when reported) */
	LINK_CYCLE,	/* to an ancestor */
	LINK_SHARED,	/* to a node reached elsewhere */
	LINK_DEEP,	/* past the depth cap */
};

struct frame {
	uint64_t node;		/* link value: the node's address */
	uint64_t child[2];	/* left, right */
	uint64_t pword;		/* parent word as read */
	long index;		/* in-order index, -1 until numbered */
	int state;		/* 0 enter, 1 left done, 2 right done */
	enum link_state link[2];
	bool red;
	bool uniform[2];	/* every path down the child subtree has */
	unsigned bh[2];		/* ... bh[] black nodes */
};

struct tree_walk {
	const struct ct_walk_mem *m;
	const struct ct_walk_tree_layout *l;
	struct ct_walk_result *r;
	struct visited seen;
	struct frame *stack;
	size_t depth;		/* frames in use */
	size_t max;
	bool stop;		/* the element cap was hit */
};

static uint64_t rd(const struct ct_walk_mem *m, uint64_t a)
{
	uint64_t v = 0;
	(void)ct_walk_read_ptr(m, a, &v);
	return v;
}

/* Read an n-byte little-endian unsigned value (n <= 8). */
static bool read_uint(const struct ct_walk_mem *m, uint64_t a, unsigned n,
		      uint64_t *ret)
{
	return ct_walk_read_uint(m, a, n, ret) == CT_CORE_MEM_OK;
}

/* Where a child link should not be followed, and why (kind, why), when
 * it is a bad pointer: the node, or its element, unreadable. */
static bool bad_node(const struct tree_walk *w, uint64_t c, const char **kind,
		     char *why, size_t n)
{
	const struct ct_walk_tree_layout *l = w->l;
	if (!ct_walk_check_ptr(w->m, c, l->node_size, l->align, kind, why, n))
		return true;
	if (l->elem_size && l->node_off) {
		if (c < l->node_off) {
			*kind = "unmapped";
			snprintf(why, n, "0x%" PRIx64 " is below the node "
				 "offset %" PRIu64, c, l->node_off);
			return true;
		}
		if (!ct_walk_check_ptr(w->m, c - l->node_off, l->elem_size, 1,
				       kind, why, n))
			return true;
	}
	return false;
}

static bool on_stack(const struct tree_walk *w, uint64_t a)
{
	for (size_t i = 0; i < w->depth; i++)
		if (w->stack[i].node == a)
			return true;
	return false;
}

static enum link_state classify(const struct tree_walk *w, uint64_t c)
{
	const char *kind;
	char why[8];
	if (c == 0)
		return LINK_NONE;
	if (bad_node(w, c, &kind, why, sizeof(why)))
		return LINK_BAD;
	if (visited_find((struct visited *)&w->seen, c))
		return on_stack(w, c) ? LINK_CYCLE : LINK_SHARED;
	if (w->depth >= CT_WALK_TREE_MAX_DEPTH)
		return LINK_DEEP;
	return LINK_OK;
}

static struct ct_error *push(struct tree_walk *w, uint64_t node)
{
	const struct ct_walk_tree_layout *l = w->l;
	struct frame *f = &w->stack[w->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->index = -1;
	f->child[0] = rd(w->m, node + l->left_off);
	f->child[1] = rd(w->m, node + l->right_off);
	f->pword = rd(w->m, node + l->parent_off);
	if (l->linux_rb)
		f->red = !(f->pword & 1);
	else if (l->packed)
		f->red = f->pword & 1;
	else {
		uint64_t c = 0;
		(void)read_uint(w->m, node + l->color_off, l->color_size, &c);
		f->red = c == 1;	/* RB_RED; RB_BLACK 0 */
	}
	return visited_add(&w->seen, node, -1);
}

static const char *elem_type(const struct tree_walk *w)
{
	return w->l->elem_name;
}

/* A finding about field (at offset off of the node) of frame f. */
static struct ct_error *link_finding(struct tree_walk *w,
				     const struct frame *f, int side)
{
	const struct ct_walk_tree_layout *l = w->l;
	const char *field = side ? l->right_name : l->left_name;
	uint64_t at = f->node + (side ? l->right_off : l->left_off);
	uint64_t c = f->child[side];
	const char *kind;
	char why[200];
	switch (f->link[side]) {
	case LINK_BAD:
		bad_node(w, c, &kind, why, sizeof(why));
		return ct_walk_add_finding(w->r, kind, f->index, at,
					   elem_type(w), field, "%s", why);
	case LINK_CYCLE:
		return ct_walk_add_finding(w->r, "cycle", f->index, at,
					   elem_type(w), field,
					   "0x%" PRIx64 " is an ancestor of "
					   "this node: a cycle", c);
	case LINK_SHARED: {
		long *i = visited_find(&w->seen, c);
		return ct_walk_add_finding(w->r, "shared", f->index, at,
					   elem_type(w), field,
					   "0x%" PRIx64 " was reached before "
					   "(element %ld) through another link",
					   c, i ? *i : -1);
	}
	case LINK_DEEP:
		return ct_walk_add_finding(w->r, "too-deep", f->index, at,
					   elem_type(w), field,
					   "deeper than %d levels: not followed",
					   CT_WALK_TREE_MAX_DEPTH);
	default:
		return NULL;
	}
}

static void key_note(const struct tree_walk *w, uint64_t elem, char *buf,
		     size_t n);

/*
 * A glibc tcache entry in the first 16 bytes of elem: the word at 0 is
 * the safe-linked next pointer (glibc >= 2.32: next ^ (&next >> 12)),
 * the word at 8 the tcache key.  Proof of a freed chunk: following the
 * next pointers reaches NULL within 16 entries (tcache bins hold 7 by
 * default), every entry 16-byte aligned, readable and carrying the same
 * nonzero key, and the chunk header before elem gives a size that fits
 * the element.  Live data would need its first word to equal its own
 * address >> 12 XOR a chain of such entries.
 */
static bool tcache_freed(const struct tree_walk *w, uint64_t elem, char *why,
			 size_t n)
{
	const struct ct_walk_mem *m = w->m;
	uint64_t hdr, w0, key;
	if (elem % 16 || elem < 16 ||
	    ct_walk_read_ptr(m, elem - 8, &hdr) != CT_CORE_MEM_OK ||
	    ct_walk_read_ptr(m, elem, &w0) != CT_CORE_MEM_OK ||
	    ct_walk_read_ptr(m, elem + 8, &key) != CT_CORE_MEM_OK)
		return false;
	uint64_t csize = hdr & ~7ull, need = w->l->elem_size + 8;
	if (csize % 16 || csize < need || csize > need + 32 || csize > 0x410)
		return false;
	if (key == 0 || key == w0)
		return false;
	uint64_t p = elem, word = w0;
	int chain = 1;
	for (;;) {
		uint64_t next = word ^ (p >> 12);
		if (next == 0)
			break;
		uint64_t k2;
		if (next % 16 || chain >= 16 ||
		    ct_walk_read_ptr(m, next + 8, &k2) != CT_CORE_MEM_OK ||
		    k2 != key ||
		    ct_walk_read_ptr(m, next, &word) != CT_CORE_MEM_OK)
			return false;
		p = next;
		chain++;
	}
	snprintf(why, n, "bytes 0-15 are a glibc tcache entry (next "
		 "0x%" PRIx64 " safe-linked, %d entr%s to NULL, key 0x%"
		 PRIx64 "); chunk of 0x%" PRIx64 " bytes", w0, chain,
		 chain == 1 ? "y" : "ies", key, csize);
	return true;
}

/* Number the node of frame f and check what can be checked there. */
static struct ct_error *emit(struct tree_walk *w, struct frame *f)
{
	const struct ct_walk_tree_layout *l = w->l;
	struct ct_walk_result *r = w->r;
	const char *et = elem_type(w);
	if (r->count >= w->max) {
		w->stop = true;
		return ct_walk_add_finding(r, "too-long", r->count ?
					   (long)r->count - 1 : -1,
					   f->node + l->left_off, et,
					   l->left_name, "more than %zu "
					   "elements: walk stopped", w->max);
	}
	f->index = (long)r->count;
	uint64_t elem = f->node - l->node_off;
	struct ct_error *err = ct_walk_add_element(r, elem);
	if (!err)
		err = visited_add(&w->seen, f->node, f->index);
	if (!err)
		err = link_finding(w, f, 0);
	if (err)
		return err;
	const struct frame *up = w->depth > 1 ? f - 1 : NULL;
	uint64_t want = up ? up->node : 0;
	uint64_t parent = l->packed || l->linux_rb ? f->pword & ~3ull
						   : f->pword;
	uint64_t pat = f->node + l->parent_off;
	if (parent != want) {
		char note[96] = "";
		const char *k = "bad-parent";
		if (up)
			k = ct_walk_link_kind(w->m, parent, "bad-parent", note,
					      sizeof(note));
		if (up)
			err = ct_walk_add_finding(r, k, f->index, pat, et,
						  l->parent_name,
						  "parent 0x%" PRIx64 "%s, but "
						  "the node linking here is 0x%"
						  PRIx64, parent, note, want);
		else
			err = ct_walk_add_finding(r, k, f->index, pat, et,
						  l->parent_name,
						  "parent 0x%" PRIx64 ", but "
						  "this is the root: NULL "
						  "expected", parent);
	} else if ((l->packed || l->linux_rb) && (f->pword & 2)) {
		err = ct_walk_add_finding(r, "bad-parent", f->index, pat, et,
					  l->parent_name, "bit 1 of 0x%" PRIx64
					  " is set", f->pword);
	}
	uint64_t cat = l->packed || l->linux_rb ? pat : f->node + l->color_off;
	if (!err && !l->packed && !l->linux_rb) {
		uint64_t c = 0;
		if (read_uint(w->m, cat, l->color_size, &c) && c > 1)
			err = ct_walk_add_finding(r, "bad-color", f->index,
						  cat, et, l->color_name,
						  "%" PRIu64 " is neither "
						  "black (0) nor red (1)", c);
	}
	if (!err && !up && f->red)
		err = ct_walk_add_finding(r, "root-red", f->index, cat, et,
					  l->color_name, "the root is red");
	if (!err && up && f->red && up->red)
		err = ct_walk_add_finding(r, "red-red", f->index, cat, et,
					  l->color_name, "red, and so is its "
					  "parent 0x%" PRIx64, up->node);
	char why[200];
	/* a tcache entry, or (mem.c) fill patterns such as glibc's
	 * MALLOC_PERTURB_=107 leaves in chunks freed to other bins */
	if (!err && l->check_freed &&
	    (tcache_freed(w, elem, why, sizeof(why)) ||
	     ct_walk_is_freed(w->m, elem, l->elem_size, why, sizeof(why)))) {
		char key[CT_WALK_KEY_BOUND + 16];
		key_note(w, elem, key, sizeof(key));
		err = ct_walk_add_finding(r, "freed", f->index, elem, et,
					  l->first_member, "%s%s", why, key);
		if (!err && r->finding_count)
			r->findings[r->finding_count - 1].own_member = true;
	}
	return err;
}

/* The subtree of the frame on top is done: its black height goes up. */
static struct ct_error *finish(struct tree_walk *w)
{
	const struct ct_walk_tree_layout *l = w->l;
	struct frame *f = &w->stack[w->depth - 1];
	struct ct_error *err = NULL;
	bool uniform = f->uniform[0] && f->uniform[1];
	if (uniform && f->bh[0] != f->bh[1]) {
		int side = f->bh[1] > f->bh[0];
		err = ct_walk_add_finding(w->r, "black-height", f->index,
					  f->node + (side ? l->right_off
							  : l->left_off),
					  elem_type(w),
					  side ? l->right_name : l->left_name,
					  "%u black nodes on every path down "
					  "%s, %u down %s", f->bh[side],
					  side ? l->right_name : l->left_name,
					  f->bh[!side],
					  side ? l->left_name : l->right_name);
		uniform = false;
	}
	unsigned bh = f->bh[0] + !f->red;
	w->depth--;
	if (w->depth) {
		struct frame *up = &w->stack[w->depth - 1];
		int side = up->state == 2;
		up->uniform[side] = uniform;
		up->bh[side] = bh;
	}
	return err;
}

/* Set up child side of f: follow it (push) or record why not (reported
 * when f is numbered). */
static struct ct_error *descend(struct tree_walk *w, struct frame *f, int side)
{
	f->link[side] = classify(w, f->child[side]);
	f->uniform[side] = f->link[side] == LINK_NONE;
	f->bh[side] = 0;
	if (f->link[side] == LINK_OK)
		return push(w, f->child[side]);
	return NULL;
}

/* ---- keys ----------------------------------------------------------------- */

struct key {
	bool ok;
	uint64_t u;		/* integers (signed: as two's complement) */
	char s[CT_WALK_KEY_BOUND + 1];
	size_t len;
};

static void read_key(const struct tree_walk *w, uint64_t elem, struct key *k)
{
	const struct ct_walk_tree_layout *l = w->l;
	k->ok = false;
	uint64_t a = elem + l->key_off, bound = CT_WALK_KEY_BOUND;
	switch (l->key_kind) {
	case CT_WALK_KEY_INT:
	case CT_WALK_KEY_UINT:
		if (!read_uint(w->m, a, (unsigned)l->key_size, &k->u))
			return;
		if (l->key_kind == CT_WALK_KEY_INT && l->key_size < 8 &&
		    (k->u >> (l->key_size * 8 - 1)) & 1)
			k->u |= ~0ull << (l->key_size * 8);
		k->ok = true;
		return;
	case CT_WALK_KEY_PTR:
		if (ct_walk_read_ptr(w->m, a, &a) != CT_CORE_MEM_OK || !a)
			return;
		break;
	case CT_WALK_KEY_ARRAY:
		if (l->key_size < bound)
			bound = l->key_size;
		break;
	default:
		return;
	}
	/* strings: up to bound bytes, shorter where the memory ends */
	size_t got = 0;
	while (got < bound) {
		size_t g = 0, n = bound - got < 64 ? (size_t)(bound - got) : 64;
		if (w->m->read(w->m->state, a + got, k->s + got, n, &g) !=
		    CT_CORE_MEM_OK && !g)
			break;
		if (memchr(k->s + got, 0, g)) {
			got += g;
			break;
		}
		got += g;
		if (g < n)
			break;
	}
	k->s[got] = 0;
	k->len = strnlen(k->s, got);
	k->ok = got > 0;
}

static int key_cmp(const struct ct_walk_tree_layout *l, const struct key *a,
		   const struct key *b)
{
	if (l->key_kind == CT_WALK_KEY_INT)
		return (int64_t)a->u < (int64_t)b->u ? -1
		     : (int64_t)a->u > (int64_t)b->u;
	if (l->key_kind == CT_WALK_KEY_UINT)
		return a->u < b->u ? -1 : a->u > b->u;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void key_text(const struct ct_walk_tree_layout *l, const struct key *k,
		     char *buf, size_t n)
{
	if (!k->ok) {
		snprintf(buf, n, "(unreadable)");
	} else if (l->key_kind == CT_WALK_KEY_INT) {
		snprintf(buf, n, "%" PRId64, (int64_t)k->u);
	} else if (l->key_kind == CT_WALK_KEY_UINT) {
		snprintf(buf, n, "%" PRIu64, k->u);
	} else {
		size_t o = 0;
		if (n < 4)
			return;
		buf[o++] = '"';
		for (size_t i = 0; i < k->len && o + 2 < n; i++) {
			unsigned char c = (unsigned char)k->s[i];
			buf[o++] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c
								    : '?';
		}
		buf[o++] = '"';
		buf[o] = 0;
	}
}

/* ", key K" for findings about elem, or "" without a key. */
static void key_note(const struct tree_walk *w, uint64_t elem, char *buf,
		     size_t n)
{
	buf[0] = 0;
	if (w->l->key_kind == CT_WALK_KEY_NONE)
		return;
	struct key k;
	char t[CT_WALK_KEY_BOUND + 8];
	read_key(w, elem, &k);
	key_text(w->l, &k, t, sizeof(t));
	snprintf(buf, n, "; %s %s", w->l->key_name, t);
}

/* The in-order sequence must be strictly increasing.  A descent between
 * i-1 and i blames the one that is out of place with the elements
 * around: i-1 when it also sorts after i+1 (and i does not sort before
 * i-2), else i. */
static struct ct_error *check_keys(struct tree_walk *w)
{
	const struct ct_walk_tree_layout *l = w->l;
	struct ct_walk_result *r = w->r;
	if (l->key_kind == CT_WALK_KEY_NONE || r->count < 2)
		return NULL;
	struct key *k = calloc(4, sizeof(*k));
	if (!k)
		return &ct_enomem;
	long at[4] = { -1, -1, -1, -1 };
#define K(j) (at[(j) & 3] == (long)(j) ? &k[(j) & 3] \
	      : (read_key(w, r->elements[j], &k[(j) & 3]), \
		 at[(j) & 3] = (long)(j), &k[(j) & 3]))
	struct ct_error *err = NULL;
	long blamed = -1;
	char t1[CT_WALK_KEY_BOUND + 8], t2[CT_WALK_KEY_BOUND + 8];
	for (size_t i = 1; !err && i < r->count; i++) {
		const struct key *a = K(i - 1), *b = K(i);
		if (!a->ok || !b->ok)
			continue;
		int c = key_cmp(l, a, b);
		if (c == 0) {
			key_text(l, b, t1, sizeof(t1));
			err = ct_walk_add_finding(r, "duplicate", (long)i,
						  r->elements[i] + l->key_off,
						  l->elem_name, l->key_name,
						  "key %s equals element "
						  "%zu's", t1, i - 1);
		} else if (c > 0) {
			size_t bl = i;
			if (i + 1 < r->count) {
				const struct key *nx = K(i + 1);
				bool low = false;
				if (i >= 2) {
					const struct key *pp = K(i - 2);
					low = pp->ok && key_cmp(l, b, pp) < 0;
				}
				/* K() may have reused a slot: reread */
				a = K(i - 1);
				if (nx->ok && key_cmp(l, a, K(i + 1)) > 0 &&
				    !low)
					bl = i - 1;
			}
			if ((long)bl == blamed)
				continue;
			blamed = (long)bl;
			key_text(l, K(bl), t1, sizeof(t1));
			key_text(l, bl == i ? K(i - 1) : K(i), t2, sizeof(t2));
			err = ct_walk_add_finding(r, "order", (long)bl,
						  r->elements[bl] + l->key_off,
						  l->elem_name, l->key_name,
						  "key %s sorts %s element "
						  "%zu's %s", t1,
						  bl == i ? "before" : "after",
						  bl == i ? i - 1 : i, t2);
		} else {
			continue;
		}
		if (!err && r->finding_count)
			r->findings[r->finding_count - 1].own_member = true;
	}
#undef K
	free(k);
	return err;
}

/* rb_root_cached: rb_leftmost must be the first node in order (NULL for
 * an empty tree).  first: that node as the walk found it, 0 if none. */
static struct ct_error *check_leftmost(const struct ct_walk_mem *m,
				       const struct ct_walk_tree_layout *l,
				       uint64_t head, struct ct_walk_result *r,
				       uint64_t first)
{
	uint64_t lm, at = head + l->leftmost_off;
	if (!l->has_leftmost ||
	    ct_walk_read_ptr(m, at, &lm) != CT_CORE_MEM_OK || lm == first)
		return NULL;
	char note[96] = "";
	const char *k = lm ? ct_walk_link_kind(m, lm, "bad-leftmost", note,
					       sizeof(note))
			   : "bad-leftmost";
	if (first)
		return ct_walk_add_finding(r, k, -1, at, l->head_name,
					   "rb_leftmost", "0x%" PRIx64 "%s, "
					   "but the first node in order is 0x%"
					   PRIx64, lm, note, first);
	return ct_walk_add_finding(r, k, -1, at, l->head_name, "rb_leftmost",
				   "0x%" PRIx64 "%s, but the tree is empty",
				   lm, note);
}

struct ct_error *ct_walk_tree(const struct ct_walk_mem *m,
			      const struct ct_walk_tree_layout *l,
			      uint64_t head, struct ct_walk_result *r,
			      size_t max)
{
	uint64_t root;
	enum ct_core_mem mm = ct_walk_read_ptr(m, head + l->root_off, &root);
	if (mm != CT_CORE_MEM_OK)
		return ct_walk_error("tree head at 0x%" PRIx64 ": %s", head,
				     ct_walk_mem_reason(m, mm));
	if (root == 0)
		return check_leftmost(m, l, head, r, 0);
	struct tree_walk w = { .m = m, .l = l, .r = r, .max = max };
	const char *kind;
	char why[200];
	if (bad_node(&w, root, &kind, why, sizeof(why)))
		return ct_walk_add_finding(r, kind, -1, head + l->root_off,
					   l->head_name, l->root_name, "%s",
					   why);
	w.stack = calloc(CT_WALK_TREE_MAX_DEPTH + 1, sizeof(*w.stack));
	if (!w.stack)
		return &ct_enomem;
	struct ct_error *err = push(&w, root);
	while (!err && w.depth && !w.stop) {
		struct frame *f = &w.stack[w.depth - 1];
		switch (f->state) {
		case 0:
			f->state = 1;
			err = descend(&w, f, 0);
			break;
		case 1:
			err = emit(&w, f);
			if (err || w.stop)
				break;
			f->state = 2;
			/* the right link is reported now that f has its
			 * index */
			f->link[1] = classify(&w, f->child[1]);
			f->uniform[1] = f->link[1] == LINK_NONE;
			f->bh[1] = 0;
			err = link_finding(&w, f, 1);
			if (!err && f->link[1] == LINK_OK)
				err = push(&w, f->child[1]);
			break;
		default:
			err = finish(&w);
			break;
		}
	}
	if (!err)
		err = check_leftmost(m, l, head, r, r->count ? r->elements[0] +
				     l->node_off : 0);
	if (!err)
		err = check_keys(&w);
	free(w.stack);
	free(w.seen.keys);
	free(w.seen.vals);
	return err;
}

/* ---- the layout from DWARF ------------------------------------------------ */

enum ct_walk_kind ct_walk_tree_head_kind(Dwarf_Die *t)
{
	uint64_t off;
	Dwarf_Die mt;
	if (ct_walk_find_member(t, "rbh_root", &off, &mt, 0))
		return CT_WALK_RB;
	if (ct_walk_find_member(t, "rb_node", &off, &mt, 0) ||
	    (ct_walk_find_member(t, "rb_root", &off, &mt, 0) &&
	     ct_walk_find_member(t, "rb_leftmost", &off, &mt, 0)))
		return CT_WALK_LINUX_RB;
	return CT_WALK_AUTO;
}


/* The name of the member at offset 0 of st. */
static void first_member(Dwarf_Die *st, char *buf, size_t n)
{
	Dwarf_Die m;
	snprintf(buf, n, "(chunk)");
	if (dwarf_child(st, &m) != 0)
		return;
	do {
		Dwarf_Word off = 0;
		Dwarf_Attribute a;
		if (dwarf_tag(&m) != DW_TAG_member || !dwarf_diename(&m))
			continue;
		if (dwarf_attr(&m, DW_AT_data_member_location, &a) &&
		    dwarf_formudata(&a, &off) != 0)
			continue;
		if (off == 0) {
			snprintf(buf, n, "%s", dwarf_diename(&m));
			return;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
}

static struct ct_error *tree_key(struct ct_walk_session *s,
				 const struct ct_walk_spec *spec,
				 Dwarf_Die *elem, const char *ename,
				 struct ct_walk_tree_layout *l)
{
	struct ct_walk_tval v = { 0, *elem };
	struct ct_error *err = ct_walk_member_path(s, &v, spec->key);
	if (err)
		return err;
	l->key_off = v.addr;
	l->key_name = spec->key;
	int tag = dwarf_tag(&v.type);
	Dwarf_Die c;
	if (tag == DW_TAG_base_type || tag == DW_TAG_enumeration_type) {
		Dwarf_Attribute a;
		Dwarf_Word enc = DW_ATE_unsigned;
		if (dwarf_attr_integrate(&v.type, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		l->key_size = ct_walk_type_size(&v.type);
		if (l->key_size == 0 || l->key_size > 8 ||
		    enc == DW_ATE_float)
			return ct_walk_error("key '%s' of struct '%s' is not an "
					     "integer or a string", spec->key,
					     ename);
		l->key_kind = enc == DW_ATE_signed || enc == DW_ATE_signed_char
			      || (tag == DW_TAG_enumeration_type)
			      ? CT_WALK_KEY_INT : CT_WALK_KEY_UINT;
		return NULL;
	}
	if (tag == DW_TAG_pointer_type && ct_walk_die_type(&v.type, &c) &&
	    ct_walk_is_char(&c)) {
		l->key_kind = CT_WALK_KEY_PTR;
		return NULL;
	}
	if (tag == DW_TAG_array_type && ct_walk_die_type(&v.type, &c) &&
	    ct_walk_is_char(&c) && (l->key_size = ct_walk_type_size(&v.type))) {
		l->key_kind = CT_WALK_KEY_ARRAY;
		return NULL;
	}
	return ct_walk_error("key '%s' of struct '%s' is not an integer, a char "
			     "array or a char pointer", spec->key, ename);
}

/* The layout of a BSD <sys/tree.h> RB_HEAD and its RB_ENTRY link; finds
 * the element struct from rbh_root when spec gives none. */
static struct ct_error *layout_bsd_rb(struct ct_walk_session *s,
				      const struct ct_walk_spec *spec,
				      Dwarf_Die *head, Dwarf_Die *elem,
				      bool *have_elem,
				      struct ct_walk_result *r, char *link,
				      size_t link_size,
				      struct ct_walk_tree_layout *l)
{
	Dwarf_Die rt;
	if (!ct_walk_find_member(head, "rbh_root", &l->root_off, &rt, 0))
		return ct_walk_error("struct %s has no rbh_root: not an "
				     "RB_HEAD", r->head_type);
	l->root_name = "rbh_root";
	if (!*have_elem) {
		if (dwarf_tag(&rt) != DW_TAG_pointer_type ||
		    !ct_walk_die_type(&rt, elem) ||
		    !ct_walk_is_struct(elem))
			return ct_walk_error("rbh_root is not a pointer "
					     "to a struct; give "
					     "--elem-type");
		*have_elem = true;
	}
	ct_walk_type_name(elem, r->elem_type, sizeof(r->elem_type));
	Dwarf_Die et;
	uint64_t eo;
	if (spec->link) {
		struct ct_walk_tval e = { 0, *elem };
		struct ct_error *err = ct_walk_member_path(s, &e,
							   spec->link);
		if (err)
			return err;
		eo = e.addr;
		et = e.type;
		snprintf(link, link_size, "%s", spec->link);
	} else {
		int n = ct_walk_unique_member_with(elem, "rbe_left", &eo, &et,
					   link, link_size);
		if (n != 1)
			return ct_walk_error("struct '%s' has %d RB_ENTRY "
					     "members; give --link",
					     r->elem_type, n);
	}
	uint64_t lo, ro, po, co;
	Dwarf_Die t;
	if (!ct_walk_find_member(&et, "rbe_left", &lo, &t, 0) ||
	    !ct_walk_find_member(&et, "rbe_right", &ro, &t, 0) ||
	    !ct_walk_find_member(&et, "rbe_parent", &po, &t, 0))
		return ct_walk_error("link '%s' has no rbe_left, "
				     "rbe_right and rbe_parent", link);
	l->left_off = eo + lo;
	l->right_off = eo + ro;
	l->parent_off = eo + po;
	l->left_name = "rbe_left";
	l->right_name = "rbe_right";
	l->parent_name = "rbe_parent";
	if (ct_walk_find_member(&et, "rbe_color", &co, &t, 0)) {
		l->color_off = eo + co;
		l->color_size = (unsigned)ct_walk_type_size(&t);
		if (l->color_size != 1 && l->color_size != 2 &&
		    l->color_size != 4 && l->color_size != 8)
			l->color_size = 4;
		l->color_name = "rbe_color";
	} else {
		l->packed = true;
		l->color_name = "rbe_parent";
	}
	l->elem_size = ct_walk_type_size(elem);
	/* an element holds its links, whatever DWARF says its size
	 * is */
	uint64_t end = l->left_off > l->right_off ? l->left_off
						 : l->right_off;
	if (end < l->parent_off)
		end = l->parent_off;
	end += s->ptr_size;
	if (!l->packed && end < l->color_off + l->color_size)
		end = l->color_off + l->color_size;
	if (l->elem_size < end)
		l->elem_size = end;
	l->node_size = l->elem_size;
	return NULL;
}

/* The layout of a Linux rb_root or rb_root_cached, and of the element
 * struct's rb_node member when spec names the element. */
static struct ct_error *layout_linux_rb(struct ct_walk_session *s,
					const struct ct_walk_spec *spec,
					Dwarf_Die *head, Dwarf_Die *elem,
					bool have_elem,
					struct ct_walk_result *r, char *link,
					size_t link_size,
					struct ct_walk_tree_layout *l)
{
	Dwarf_Die rt, node;
	uint64_t off;
	if (!ct_walk_find_member(head, "rb_node", &l->root_off, &rt, 0)) {
		/* rb_root_cached: its rb_root's rb_node */
		Dwarf_Die rr;
		uint64_t o2;
		if (!ct_walk_find_member(head, "rb_root", &off, &rr, 0) ||
		    !ct_walk_is_struct(&rr) ||
		    !ct_walk_find_member(&rr, "rb_node", &o2, &rt, 0))
			return ct_walk_error("struct %s has no rb_node: "
					     "not an rb_root",
					     r->head_type);
		l->root_off = off + o2;
		Dwarf_Die lt;
		l->has_leftmost = ct_walk_find_member(head,
						    "rb_leftmost",
						    &l->leftmost_off,
						    &lt, 0);
	}
	l->root_name = "rb_node";
	if (dwarf_tag(&rt) != DW_TAG_pointer_type ||
	    !ct_walk_die_type(&rt, &node) || !ct_walk_is_struct(&node))
		return ct_walk_error("rb_node is not a pointer to a "
				     "struct");
	uint64_t lo, ro, po;
	Dwarf_Die t;
	if (!ct_walk_find_member(&node, "rb_left", &lo, &t, 0) ||
	    !ct_walk_find_member(&node, "rb_right", &ro, &t, 0) ||
	    !ct_walk_find_member(&node, "__rb_parent_color", &po, &t, 0))
		return ct_walk_error("struct rb_node has no rb_left, "
				     "rb_right and __rb_parent_color");
	l->linux_rb = true;
	l->left_off = lo;
	l->right_off = ro;
	l->parent_off = po;
	l->left_name = "rb_left";
	l->right_name = "rb_right";
	l->parent_name = l->color_name = "__rb_parent_color";
	l->node_size = ct_walk_type_size(&node);
	if (l->node_size < 3 * (uint64_t)s->ptr_size)
		l->node_size = 3 * (uint64_t)s->ptr_size;
	if (have_elem) {
		ct_walk_type_name(elem, r->elem_type,
				  sizeof(r->elem_type));
		Dwarf_Die et;
		if (spec->link) {
			struct ct_walk_tval e = { 0, *elem };
			struct ct_error *err =
				ct_walk_member_path(s, &e, spec->link);
			if (err)
				return err;
			l->node_off = e.addr;
			snprintf(link, link_size, "%s", spec->link);
		} else if (ct_walk_unique_member_with(elem, "__rb_parent_color",
					      &l->node_off, &et, link,
					      link_size) != 1) {
			return ct_walk_error("struct '%s' has no single "
					     "rb_node member; give "
					     "--link", r->elem_type);
		}
		l->elem_size = ct_walk_type_size(elem);
	}
	return NULL;
}

struct ct_error *ct_walk_tree_run(struct ct_walk_session *s,
				  const struct ct_walk_spec *spec,
				  const struct ct_walk_tval *v,
				  struct ct_walk_result *r, size_t max)
{
	struct ct_walk_tree_layout l = { 0 };
	Dwarf_Die head = v->type, elem;
	bool have_elem = false;
	char link[64] = "", first[64];
	enum ct_walk_kind kind = spec->kind ? spec->kind
				: ct_walk_tree_head_kind(&head);
	r->kind = kind;
	l.align = s->ptr_size;
	l.head_name = r->head_type;
	if (spec->elem_type) {
		if (!ct_walk_find_global(s->dwarf, spec->elem_type,
					 DW_TAG_structure_type, &elem))
			return ct_walk_error("no struct '%s' in the debug info",
					     spec->elem_type);
		have_elem = true;
	}
	struct ct_error *err;
	if (kind == CT_WALK_RB)
		err = layout_bsd_rb(s, spec, &head, &elem, &have_elem, r,
				    link, sizeof(link), &l);
	else if (kind == CT_WALK_LINUX_RB)
		err = layout_linux_rb(s, spec, &head, &elem, have_elem, r,
				      link, sizeof(link), &l);
	else
		err = ct_walk_error("'%s' (struct %s) is not a tree head",
				    spec->member, r->head_type);
	if (err)
		return err;
	snprintf(r->link, sizeof(r->link), "%s", link);
	l.elem_name = r->elem_type[0] ? r->elem_type : "rb_node";
	if (spec->key) {
		if (!have_elem)
			return ct_walk_error("--key needs the element struct; "
					     "give --elem-type and --link");
		err = tree_key(s, spec, &elem, r->elem_type, &l);
		if (err)
			return err;
	}
	if (have_elem && l.elem_size) {
		l.check_freed = true;
		first_member(&elem, first, sizeof(first));
		l.first_member = first;
	}
	return ct_walk_tree(&s->mem, &l, v->addr, r, max);
}
