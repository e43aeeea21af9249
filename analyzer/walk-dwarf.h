/*
 * walk-dwarf.h - the DWARF side of "crashtriage walk", private to the
 * walk files (walk.c, walk-tree.c): the session, type and member lookup,
 * and root resolution.  The walking engines themselves only see a
 * struct ct_walk_mem (walk-int.h), so they run without DWARF too.
 */
#ifndef CT_WALK_DWARF_H
#define CT_WALK_DWARF_H

#include <elfutils/libdw.h>

#include "walk-int.h"

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

/* ct_walk_env's region for a session (state): "an executable mapping
 * (program code)", "a thread's stack" (the segment holding a thread's
 * stack pointer, up to 1 MiB above it), or NULL. */
const char *ct_walk_session_region(void *state, uint64_t addr);

#endif /* CT_WALK_DWARF_H */
