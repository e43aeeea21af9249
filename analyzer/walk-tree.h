/*
 * walk-tree.h - red-black tree walks for "crashtriage walk" (walk-tree.c),
 * private to the walk files.  The checking engine, ct_walk_tree(), sees
 * only a struct ct_walk_mem and a layout of offsets, so it runs without
 * DWARF; ct_walk_tree_run() fills the layout from DWARF.
 */
#ifndef CT_WALK_TREE_H
#define CT_WALK_TREE_H

#include "walk-dwarf.h"

enum ct_walk_key_kind {
	CT_WALK_KEY_NONE = 0,
	CT_WALK_KEY_INT,	/* signed integer of key_size bytes */
	CT_WALK_KEY_UINT,	/* unsigned integer (or bool, char) */
	CT_WALK_KEY_ARRAY,	/* char[key_size], compared as a string */
	CT_WALK_KEY_PTR,	/* char *, compared as a string */
};

enum {
	CT_WALK_KEY_BOUND = 256,	/* string key bytes compared */
};

/*
 * Where the links of one tree are.  A link value is the address of a
 * node: the element itself for BSD trees, the struct rb_node inside it
 * for Linux; the element is node - node_off.  Offsets are from the node.
 */
struct ct_walk_tree_layout {
	bool linux_rb;		/* colour bit 0 of the parent word: 1 black */
	bool packed;		/* colour in bit 0 of the parent word (BSD
				 * packed: 1 red); parent = word & ~3 */
	uint64_t left_off, right_off, parent_off;
	uint64_t color_off;	/* separate colour (!packed) */
	unsigned color_size;	/* 1, 2, 4 or 8 */
	uint64_t node_off;	/* offset of the node in the element */
	uint64_t node_size;	/* bytes of a node that must be readable */
	uint64_t elem_size;	/* bytes of an element, 0: bare nodes */
	uint64_t align;		/* required alignment of a node */
	uint64_t root_off;	/* of the root link in the head */
	bool has_leftmost;	/* Linux rb_root_cached: the head caches */
	uint64_t leftmost_off;	/* ... the first node in order here */
	const char *left_name, *right_name, *parent_name, *color_name;
	const char *root_name;	/* "rbh_root", "rb_node" */
	const char *elem_name;	/* struct of findings on elements */
	const char *head_name;	/* struct of findings on the head */
	/* the key (--key): ordered in-order, no two equal */
	enum ct_walk_key_kind key_kind;
	uint64_t key_off, key_size;
	const char *key_name;	/* member path, for findings */
	/* look for glibc tcache entries (freed elements): elem_size known */
	bool check_freed;
	const char *first_member; /* member at offset 0, for findings */
};

/*
 * ct_walk_tree - walk the tree whose head is at head in memory m, in
 * order, with every invariant checked (see walk.h); elements and
 * findings go to r.  At most max elements.  Errors: out of memory, or
 * the head unreadable.
 */
struct ct_error *ct_walk_tree(const struct ct_walk_mem *m,
			      const struct ct_walk_tree_layout *l,
			      uint64_t head, struct ct_walk_result *r,
			      size_t max);

/*
 * ct_walk_tree_run - the layout of the tree whose head is v (a struct
 * with rbh_root, rb_node, or rb_root and rb_leftmost) from DWARF and
 * spec (elem_type, link, key, kind), then ct_walk_tree().
 */
struct ct_error *ct_walk_tree_run(struct ct_walk_session *s,
				  const struct ct_walk_spec *spec,
				  const struct ct_walk_tval *v,
				  struct ct_walk_result *r, size_t max);

/* Is the struct t a tree head, and which kind (CT_WALK_AUTO if not)? */
enum ct_walk_kind ct_walk_tree_head_kind(Dwarf_Die *t);

#endif /* CT_WALK_TREE_H */
