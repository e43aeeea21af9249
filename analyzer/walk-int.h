/*
 * walk-int.h - what the walking engines share (walk.c, walk-tree.c, the
 * fuzz target): pointer reads through a struct ct_walk_mem, one
 * classification of a pointer value (NULL, poison, misaligned, unmapped,
 * not dumped, truncated) before it is followed, the element and finding
 * appenders, and Brent's cycle finder.  Private to libcrashtriage.
 */
#ifndef CT_WALK_INT_H
#define CT_WALK_INT_H

#include "walk.h"

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
const char *ct_walk_mem_reason(enum ct_core_mem m);
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
	void *region_state;
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

#endif /* CT_WALK_INT_H */
