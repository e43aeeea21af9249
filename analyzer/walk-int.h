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

#endif /* CT_WALK_INT_H */
