/* SPDX-License-Identifier: MIT */
/*
 * walk-internal.h - what the walking engines share, private to
 * analyzer/walk/: reading memory and recording elements and findings
 * (mem.c), the DWARF session (dwarf.c), and the tree engine (tree.c).
 * The API the rest of crashtriage uses is walk.h.
 */
#ifndef CT_WALK_INTERNAL_H
#define CT_WALK_INTERNAL_H

#include <elfutils/libdw.h>

#include "analyzer/dump/dump.h"
#include "analyzer/walk/walk.h"

/* ------------------------------------------------------------------------
 * What every engine shares: memory reads, pointer classes, results (mem.c)
 * ------------------------------------------------------------------------ */

/*
 * What the walking engines share (list.c, tree.c, the
 * fuzz target): pointer reads through a struct ct_walk_mem, one
 * classification of a pointer value (NULL, poison, misaligned, unmapped,
 * not dumped, truncated) before it is followed, the element and finding
 * appenders, and Brent's cycle finder.  Private to libcrashtriage.
 */


/* A pointer-sized little-endian value at addr. */
enum ct_core_mem ct_walk_read_ptr(const struct ct_walk_mem *s, uint64_t addr,
				  uint64_t *ret);
/* Can size bytes at addr be read?  How not, if not. */
/* An n-byte (n <= 8) little-endian unsigned value at addr. */
enum ct_core_mem ct_walk_read_uint(const struct ct_walk_mem *s,
				   uint64_t addr, unsigned n, uint64_t *ret);
enum ct_core_mem ct_walk_probe(const struct ct_walk_mem *s, uint64_t addr,
			       uint64_t size);
/* "not-dumped", "truncated", "unmapped" ("ok" for CT_CORE_MEM_OK). */
const char *ct_walk_mem_kind(enum ct_core_mem m);
/* The same for a support engineer: "never mapped in the process", ... */
const char *ct_walk_mem_reason(const struct ct_walk_mem *s,
			       enum ct_core_mem m);
/* A known poison or fill value (LIST_POISON1, 0x6b..., 0xdeadbeef...),
 * or NULL. */
const char *ct_walk_poison_name(uint64_t v);

/*
 * ct_walk_check_ptr - is v a usable pointer to size readable bytes
 * aligned to align?  When not, *kind is "null", "poison", "misaligned",
 * "unmapped", "not-dumped" or "truncated" and why says so with v (the
 * caller decides whether NULL is allowed).
 */
bool ct_walk_check_ptr(const struct ct_walk_mem *s, uint64_t v, uint64_t size,
		       uint64_t align, const char **kind, char *why,
		       size_t whysize);
/*
 * ct_walk_link_kind - for a back link or tail pointer v that is not what
 * it should be: the kind of what is wrong with v itself (null, poison,
 * misaligned, unmapped, ...), or dflt when v is a readable pointer.
 * note gets " is ..." or "".
 */
const char *ct_walk_link_kind(const struct ct_walk_mem *s, uint64_t v,
			      const char *dflt, char *note, size_t n);

/* Append a finding (dropped and counted past CT_WALK_MAX_FINDINGS).
 * element -1: the head; type names the struct holding field. */
struct ct_error *ct_walk_add_finding(struct ct_walk_result *r,
				     const char *kind, long element,
				     uint64_t address, const char *type,
				     const char *field, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Append element address a to r->elements. */
struct ct_error *ct_walk_add_element(struct ct_walk_result *r, uint64_t a);

/* A CT_ERROR_NOT_FOUND error: the walk cannot start. */
struct ct_error *ct_walk_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Brent's cycle finder fed one element at a time: start with
 * { first, 1, 0 }; when ct_walk_brent_step() returns true the element
 * just given equals the saved tortoise and the cycle is lam long.
 */
struct ct_walk_brent {
	uint64_t tortoise;
	size_t power, lam;
};
bool ct_walk_brent_step(struct ct_walk_brent *b, uint64_t cur);

/* What a walk knows of the target besides its bytes. */
struct ct_walk_env {
	const struct ct_walk_mem *mem;
	/* the kind of memory at addr when it is not ordinary data: "an
	 * executable mapping", "a thread's stack"; NULL for data.  NULL
	 * function: nothing is known (the fuzz target) */
	const char *(*region)(void *state, uint64_t addr);
	/* is addr code (for function pointer members)?  NULL: not known */
	bool (*is_code)(void *state, uint64_t addr);
	void *region_state;	/* of region and is_code */
	/* pointer members below this are not checked: a kernel's members
	 * may hold user-space (__user) addresses and per-CPU offsets */
	uint64_t unchecked_below;
};

/* ct_walk_env's region for addr, or NULL. */
const char *ct_walk_region(const struct ct_walk_env *e, uint64_t addr);

/*
 * ct_walk_is_freed - do the size bytes at addr (at most the first 256)
 * look freed?  The rule: at least half of the bytes are the free-poison
 * byte 0x6b (Linux slab POISON_FREE, glibc MALLOC_PERTURB_=107), or at
 * least half of the aligned 8-byte words are 0xdeadbeef-style markers
 * (0xdeadbeefdeadbeef, 0x????????deadbeef, 0xdeaddeaddeaddead,
 * 0xfeeefeeefeeefeee, 0xdddddddddddddddd).  Half, not all: an allocator
 * writes its free-list pointers over the first words.  why says what was
 * seen.  Unreadable bytes count as not freed.
 */
bool ct_walk_is_freed(const struct ct_walk_mem *m, uint64_t addr,
		      uint64_t size, char *why, size_t whysize);

/*
 * The shape of one list: where its links are, from the DWARF or (in the
 * fuzz target) from the input.  A link points at a "target": the element
 * itself for the BSD kinds, the embedded node for list_head and hlist.
 */
struct ct_walk_links {
	enum ct_walk_kind kind;
	uint64_t first_off;	/* in the head: tqh_first, slh_first, lh_first,
				 * stqh_first, next (list_head), first */
	uint64_t last_off;	/* in the head: tqh_last, stqh_last, prev
				 * (list_head); unused for the others */
	uint64_t next_off;	/* from a target: its next link */
	uint64_t prev_off;	/* from a target: its back link (tqe_prev,
				 * le_prev, prev, pprev) */
	uint64_t node_off;	/* offset of the link member in the element */
	uint64_t elem_size;	/* bytes of an element, 0: the node only */
	uint64_t align;		/* required alignment of a target */
	const char *first_name, *last_name, *next_name, *prev_name;
};

/*
 * ct_walk_engine_run - walk the list of kind l->kind whose head is at
 * head, at most max elements, into r (whose head_type and elem_type name
 * the structs for findings).  Fails only when the head is unreadable or
 * on no memory; corruption goes into r's findings.
 */
struct ct_error *ct_walk_engine_run(const struct ct_walk_env *e,
				    const struct ct_walk_links *l,
				    uint64_t head, size_t max,
				    struct ct_walk_result *r);

/* ------------------------------------------------------------------------
 * The DWARF side of a walk: session, types, roots (dwarf.c)
 * ------------------------------------------------------------------------ */

/*
 * The DWARF side of "crashtriage walk", private to the
 * walk files (list.c, tree.c): the session, type and member lookup,
 * and root resolution.  The walking engines themselves only see a
 * struct ct_walk_mem (walk-internal.h), so they run without DWARF too.
 */



struct ct_walk_session {
	char *core_path;	/* the core file */
	void *map;		/* its read-only mapping */
	size_t map_len;
	struct ct_core *core;
	char *exe;		/* the executable whose DWARF we read */
	int exe_fd;
	Dwarf *dwarf;
	uint64_t bias;		/* load bias of exe in the process */
	bool bias_unknown;	/* position-independent, but no AT_ENTRY */
	unsigned ptr_size;	/* DWARF address size (8 on x86_64, aarch64) */
	struct ct_walk_mem mem;	/* reads the core */
	/* the threads' stacks as ct_walk_session_region() names them,
	 * [lo, hi) each, found once at open */
	struct ct_walk_stack {
		uint64_t lo, hi;
	} *stacks;
	size_t stack_count;
};

/* A value in the target: an address and its (peeled) DWARF type. */
struct ct_walk_tval {
	uint64_t addr;
	Dwarf_Die type;
};

/* Strip typedefs and qualifiers; false on broken DWARF. */
bool ct_walk_peel(Dwarf_Die *die);
/* The peeled DW_AT_type of die. */
bool ct_walk_die_type(Dwarf_Die *die, Dwarf_Die *ret);
/* A struct or union? */
bool ct_walk_is_struct(const Dwarf_Die *die);
const char *ct_walk_die_name_or(Dwarf_Die *die, const char *dflt);
/* A top-level struct definition (tag DW_TAG_structure_type, typedefs
 * followed) or variable with a location (DW_TAG_variable) named name. */
bool ct_walk_find_global(Dwarf *dw, const char *name, int tag,
			 Dwarf_Die *ret);
/* Member name of struct st (anonymous members searched): its offset
 * and peeled type.  depth: 0 from callers. */
/* How many members of struct st are structs holding a member called has
 * (the entries of one list or tree kind); the first one's offset, type
 * and name go to ret_off, ret_type and name (n bytes). */
int ct_walk_unique_member_with(Dwarf_Die *st, const char *has,
			       uint64_t *ret_off, Dwarf_Die *ret_type,
			       char *name, size_t n);
bool ct_walk_find_member(Dwarf_Die *st, const char *name, uint64_t *ret_off,
			 Dwarf_Die *ret_type, int depth);
/* Bytes of t, 0 when unknown. */
uint64_t ct_walk_type_size(Dwarf_Die *t);
/* The name of t into buf ("" for anonymous). */
void ct_walk_type_name(Dwarf_Die *t, char *buf, size_t size);
/* A one-byte base type (char, signed char, unsigned char)? */
bool ct_walk_is_char(Dwarf_Die *t);

/* One pointer member of an element to check (ct_walk_member_plan). */
struct ct_walk_mcheck {
	char path[32];		/* "name", "addr.host", "slots[2]" */
	uint64_t off;		/* in the element */
	uint64_t align;		/* the target's alignment (1: any) */
	uint64_t size;		/* bytes of the target, 0 unknown (void) */
	bool string;		/* a char *: a C string */
	bool func;		/* a function pointer: mapped, executable */
	bool list_node;		/* to a list node (list_head, hlist_node,
				 * a pointer to a pointer): LIST_POISON is a
				 * deleted entry, not corruption */
};

/* The pointer members of one element struct, found once per walk. */
struct ct_walk_mplan {
	struct ct_walk_mcheck m[CT_WALK_MAX_MEMBERS];
	size_t count;
	bool capped;		/* more than CT_WALK_MAX_MEMBERS */
	size_t unions_skipped;	/* unions whose variants are not all
				 * pointers */
	size_t links_skipped;	/* other list or tree entries and heads
				 * embedded (left to their own walks) */
	size_t visits;		/* members looked at, at most
				 * CT_WALK_MAX_PLAN_VISITS (then capped) */
	/* byte ranges of the element left out (the link, --string
	 * members): set by the caller before ct_walk_member_plan() */
	struct {
		uint64_t off, size;
	} skip[CT_WALK_MAX_STRINGS + 4]; /* the link, the --string members
					   * and a few known dangling ones */
	size_t skip_count;
};

/*
 * ct_walk_member_plan - the pointer members of struct elem, recursing
 * into embedded structs, unions and arrays (at most 8 entries each, 4
 * levels): their offsets, paths and what their targets need.  A union
 * gives one check only when every variant is a pointer at its start
 * (then the least demanding: smallest alignment and size, a string only
 * when all are char *); otherwise it is skipped and counted.  Embedded
 * list and tree entries and heads other than the walked link (list_head,
 * hlist_node, rb_node, TAILQ_ENTRY, ...) are skipped and counted too:
 * their own walk classifies them better.  Members overlapping
 * ret->skip[] are left out.  ptr_size: the target's.
 */
void ct_walk_member_plan(Dwarf_Die *elem, unsigned ptr_size,
			 struct ct_walk_mplan *ret);

/*
 * ct_walk_btf_plan - ct_walk_member_plan() from BTF (kernel.c): the
 * pointer members of struct (or union) id of b, with the same rules;
 * alignment derived from the types, and required only of pointers to
 * structs (a kernel packs scalar tables).  ret->skip as for
 * ct_walk_member_plan().
 */
void ct_walk_btf_plan(const struct ct_kbtf *b, uint32_t id,
		      struct ct_walk_mplan *ret);

/* Follow pointers (read from the core) until v is a struct. */
struct ct_error *ct_walk_deref_to_struct(struct ct_walk_session *s,
					 struct ct_walk_tval *v,
					 const char *what);
/* Apply member path "a.b.c" to v, following pointers between members. */
struct ct_error *ct_walk_member_path(struct ct_walk_session *s,
				     struct ct_walk_tval *v, const char *path);
/* The root object of spec: "var", "var.m.m", or "0x..." with spec->type. */
struct ct_error *ct_walk_resolve_root(struct ct_walk_session *s,
				      const struct ct_walk_spec *spec,
				      struct ct_walk_tval *ret);

/* ct_walk_env's is_code for a session (state): an executable mapping. */
bool ct_walk_session_is_code(void *state, uint64_t addr);
/* ct_walk_env's region for a session (state): "an executable mapping
 * (program code)", "a thread's stack" (the segment holding a thread's
 * stack pointer, up to 1 MiB above it), or NULL. */
const char *ct_walk_session_region(void *state, uint64_t addr);

/* ------------------------------------------------------------------------
 * Red-black trees (tree.c)
 * ------------------------------------------------------------------------ */

/*
 * Red-black tree walks for "crashtriage walk" (tree.c),
 * private to the walk files.  The checking engine, ct_walk_tree(), sees
 * only a struct ct_walk_mem and a layout of offsets, so it runs without
 * DWARF; ct_walk_tree_run() fills the layout from DWARF.
 */


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

/* ------------------------------------------------------------------------
 * Each element's own members, whatever gave the types (members.c)
 * ------------------------------------------------------------------------ */

/* Structs that are the links of a list or tree (list_head, rb_node, ...)
 * and the members that mark a BSD entry or head (tqe_next, rbh_root,
 * ...): a member plan leaves those to their own walks. */
bool ct_walk_is_link_type(const char *name);
extern const char *const ct_walk_link_members[];
extern const size_t ct_walk_link_member_count;

/* Is [off, off+n) of the element left out of plan p (p->skip)? */
bool ct_walk_plan_skipped(const struct ct_walk_mplan *p, uint64_t off,
			  uint64_t n);
/* Add c to p (counted in p->capped past CT_WALK_MAX_MEMBERS). */
void ct_walk_plan_add(struct ct_walk_mplan *p, const struct ct_walk_mcheck *c);
/* Fold union variant v into check c (the least demanding of the two);
 * false when one is a function pointer and the other not. */
bool ct_walk_mcheck_merge(struct ct_walk_mcheck *c,
			  const struct ct_walk_mcheck *v);
/* r->member_note for what p leaves out, if anything. */
void ct_walk_plan_note(const struct ct_walk_mplan *p, struct ct_walk_result *r);

/* A --string member of the element struct. */
struct ct_walk_strmember {
	const char *name;
	uint64_t off;		/* in the element */
	uint64_t array;		/* char[N]: N; 0 for a char pointer */
};

/* Can spec's --string members be checked on r (an element struct known,
 * not too many)?  An error saying why not. */
struct ct_error *ct_walk_strings_wanted(const struct ct_walk_spec *spec,
				       const struct ct_walk_result *r);
/*
 * ct_walk_check_strings - check the n string members sm of every element
 * of r (and the recovered ones, when their indexes are known): a pointer
 * that is good, a string terminated within CT_WALK_STRING_BOUND bytes (or
 * its array) and printable; findings marked own_member.
 */
struct ct_error *ct_walk_check_strings(const struct ct_walk_mem *m,
				       const struct ct_walk_strmember *sm,
				       size_t n, struct ct_walk_result *r);
/*
 * ct_walk_check_members - check the pointer members of plan p in every
 * element of r (and the recovered ones, when their indexes are known),
 * at most CT_WALK_MAX_MEMBER_FINDINGS findings (r->member_note says when
 * it stopped); findings marked own_member.
 */
struct ct_error *ct_walk_check_members(const struct ct_walk_env *e,
				       const struct ct_walk_mplan *p,
				       struct ct_walk_result *r);

#endif /* CT_WALK_INTERNAL_H */
