/* SPDX-License-Identifier: MIT */
/*
 * walk.h - type-driven structure walking over a user-space ELF core.
 * The walking API "crashtriage walk" drives (the engines share the
 * private walk-internal.h).
 *
 * A walk session maps a core, opens its reader (core.h) and the DWARF of
 * the program that dumped it (libdw).  A walk starts at a root object (a
 * global variable, "variable.member.member", or an address with a type
 * name), goes to a list head member of it, and follows the list with every
 * invariant checked: BSD sys/queue.h TAILQ (tqh_first, tqh_last,
 * tqe_next, tqe_prev), SLIST (slh_first, sle_next), LIST (lh_first,
 * le_next, le_prev), STAILQ (stqh_first, stqh_last, stqe_next), or Linux
 * list_head (next, prev) and hlist_head/hlist_node (first; next, pprev).
 * Offsets and sizes all come from DWARF.  Pointers read from the dump are
 * data: every one is classified (NULL, poison, misaligned, never mapped,
 * not in the dump, one bit from the right one, into freed memory, into
 * memory of the wrong kind, a node in two lists) before it is followed,
 * the walk is capped, and cycles are found with Brent's algorithm in
 * constant memory.  Red-black trees (BSD sys/tree.h RB_HEAD/RB_ENTRY,
 * Linux rb_root/rb_node) are walked in order by tree.c.
 */
#ifndef CT_WALK_H
#define CT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"	/* ct_error, ct_case, ct_origin,
					 * enum ct_core_mem */

enum {
	CT_WALK_MAX_ELEMENTS = 10000000, /* default and highest element cap */
	CT_WALK_MAX_FINDINGS = 1000,	/* findings kept per walk */
	CT_WALK_MAX_PATH = 16,		/* members in a member path */
	CT_WALK_MAX_STRINGS = 16,	/* string members checked */
	CT_WALK_STRING_BOUND = 4096,	/* bytes searched for the NUL */
	CT_WALK_MAX_OBJECT = 1 << 20,	/* member offsets and struct sizes
					 * DWARF may claim; larger is bogus */
	CT_WALK_TREE_MAX_DEPTH = 128,	/* tree levels followed */
	CT_WALK_MAX_MEMBERS = 64,	/* pointer members checked per element */
	CT_WALK_MAX_PLAN_VISITS = 1 << 16, /* members looked at for a plan */
	CT_WALK_MAX_MEMBER_FINDINGS = 256, /* member findings per walk */
};

/* Where a walk reads target memory: a core, or (in the fuzz target) an image. */
struct ct_walk_mem {
	enum ct_core_mem (*read)(void *state, uint64_t addr, void *dst, size_t n, size_t *ret_read);
	void *state;
	unsigned ptr_size;	/* 8 */
	/* optional: where the n bytes at addr lie in memory when they are
	 * all there, else NULL (read() then says why) -- lets a walk check
	 * an element without copying it */
	const void *(*span)(void *state, uint64_t addr, size_t n);
	bool kernel;		/* a kernel's memory, not a process's (for
				 * messages) */
};

enum ct_walk_kind {
	CT_WALK_AUTO = 0,	/* from the head's member names */
	CT_WALK_TAILQ,		/* BSD TAILQ_HEAD / TAILQ_ENTRY */
	CT_WALK_LIST_HEAD,	/* Linux struct list_head */
	CT_WALK_SLIST,		/* BSD SLIST_HEAD / SLIST_ENTRY */
	CT_WALK_LIST,		/* BSD LIST_HEAD / LIST_ENTRY */
	CT_WALK_STAILQ,		/* BSD STAILQ_HEAD / STAILQ_ENTRY */
	CT_WALK_HLIST,		/* Linux hlist_head / hlist_node */
	CT_WALK_RB,		/* BSD sys/tree.h RB_HEAD / RB_ENTRY */
	CT_WALK_LINUX_RB,	/* Linux rb_root / rb_node */
	CT_WALK_KIND_MAX,
};

/* "tailq", "list_head", "slist", "list", "stailq", "hlist", "rb",
 * "linux-rb" ("auto"). */
const char *ct_walk_kind_name(enum ct_walk_kind k);
/* The kind named name, or CT_WALK_KIND_MAX. */
enum ct_walk_kind ct_walk_kind_from_name(const char *name);

/* What to walk.  Strings are borrowed for the call. */
struct ct_walk_spec {
	const char *type;	/* struct of the root object; NULL when the
				 * root is a variable (its type is used) */
	const char *root;	/* "var", "var.m.m", or an address "0x..." */
	const char *member;	/* path from the root to the head */
	const char *elem_type;	/* element struct; NULL: from DWARF (TAILQ)
				 * or the bare nodes (list_head) */
	const char *key;	/* trees: member path of elem_type ordering
				 * the tree (integer, char[N] or char *);
				 * NULL: no order check */
	const char *link;	/* member of elem_type holding the links;
				 * NULL: the only TAILQ_ENTRY member */
	enum ct_walk_kind kind;
	size_t max_elements;	/* 0: CT_WALK_MAX_ELEMENTS */
	/* members of elem_type (char * or char[N]) checked in every
	 * element: readable, NUL-terminated within CT_WALK_STRING_BOUND
	 * bytes (or the array), printable */
	const char *const *strings;
	size_t string_count;	/* at most CT_WALK_MAX_STRINGS */
	/* true: check only the links and the strings named above.  false
	 * (the default): also every pointer member of elem_type, in every
	 * element (see ct_walk_run) */
	bool no_members;
};

/* One invariant that does not hold. */
struct ct_walk_finding {
	char kind[24];		/* "null", "poison", "misaligned",
				 * "unmapped", "not-dumped", "truncated",
				 * "bit-flip", "freed", "foreign", "shared",
				 * "cycle", "bad-back-link", "bad-tail",
				 * "too-long", "unterminated",
				 * "unprintable"; trees: "bad-parent",
				 * "red-red", "black-height", "root-red",
				 * "bad-color", "order", "duplicate",
				 * "too-deep", "bad-leftmost" */
	long element;		/* element holding field, -1 for the head */
	uint64_t address;	/* address of field */
	char field[32];		/* "tqh_last", "tqe_next", "prev", ... */
	char type[64];		/* struct holding field (head or element) */
	char reason[320];	/* a bit flip's explanation runs long */
	bool own_member;	/* field is a member path of the element
				 * itself (a pointer or --string member,
				 * "name", "addr.host"), not of its link */
};

struct ct_walk_result {
	enum ct_walk_kind kind;	/* the kind walked */
	uint64_t root;		/* address of the root object */
	uint64_t head;		/* address of the list head */
	size_t count;		/* distinct elements reached */
	uint64_t *elements;	/* their addresses, count of them */
	size_t element_cap;
	struct ct_walk_finding *findings;
	size_t finding_count, finding_cap;
	size_t findings_dropped; /* over CT_WALK_MAX_FINDINGS */
	char root_type[64];	/* struct holding the head, e.g. fqdn_node */
	char head_type[64];	/* for findings about the head */
	char elem_type[64];	/* element struct name, "" if bare nodes */
	char link[64];		/* link member path in the element */
	/* When the forward walk broke at a bad link or a cycle (not at the
	 * cap) and the tail pointer is readable: the elements recovered by
	 * walking back from the tail (tqh_last and tqe_prev, or the head's
	 * prev and prev), in list order, bounded and cycle-checked.
	 * recovered_join is the index of the forward element the back walk
	 * met, -1 when it met the head, -2 when it stopped (recovered_stop
	 * says why).  When recovered_indexed, recovered[i] is element
	 * recovered_join + 1 + i (the join is a forward element, or the
	 * head with no forward element). */
	bool back_walked;
	uint64_t *recovered;
	size_t recovered_count, recovered_cap;
	long recovered_join;
	bool recovered_indexed;
	char recovered_stop[200]; /* why the back walk stopped, or "" */
	/* what the member checks left out (capped, skipped), or "" */
	char member_note[256];
};

struct ct_walk_session;

/*
 * ct_walk_session_open - map core_path read-only and open it, and the
 * DWARF of exe (NULL: the program the core names, as the elf-core
 * extractor finds it).  Errors name the file.  Free with
 * ct_walk_session_destroy().
 */
struct ct_error *ct_walk_session_open(const char *core_path, const char *exe,
				      struct ct_walk_session **ret);
void ct_walk_session_destroy(struct ct_walk_session *s);

/*
 * ct_walk_run - resolve spec against the DWARF and walk the list.  Unless
 * spec->no_members, every element reached (and every recovered element
 * whose index is known) then has its pointer members checked, as the
 * DWARF of elem_type names them (embedded structs, unions and arrays
 * followed within bounds; the link member and --string members left to
 * their own checks): each non-NULL data pointer must not be poison, be
 * aligned for its target, point at mapped memory (or one past it) that
 * does not look freed; a char * must also be a terminated, printable
 * string; a function pointer must point at mapped, executable memory.
 * Memory that is mapped but not in the dump passes (it cannot be seen).
 * Unions are conservative: checked only when every variant is a pointer,
 * and then against the least demanding of them.  Errors
 * are for a walk that cannot start (unknown type, member, symbol; the
 * root or head unreadable); corruption found on the way is in the
 * result's findings.  Free *ret with ct_walk_result_destroy().
 */
struct ct_error *ct_walk_run(struct ct_walk_session *s,
			     const struct ct_walk_spec *spec,
			     struct ct_walk_result **ret);
void ct_walk_result_destroy(struct ct_walk_result *r);

struct ct_kernel;
/*
 * ct_walk_kernel_run - walk spec in a Linux kernel dump (k:
 * ct_kernel_open(), analyzer/vmcore.h) with the same engines, offsets
 * from the kernel's BTF: spec->root is a kallsyms symbol or "0x..." of
 * struct spec->type (without --type and --member: the head itself),
 * spec->member a path of embedded members to the head; kinds list_head,
 * hlist and linux-rb (auto: from the head's struct).  Pointer members,
 * --string and --key are not checked yet (r->member_note says so).
 * Errors as ct_walk_run()'s, and for a kernel without BTF.
 */
struct ct_error *ct_walk_kernel_run(struct ct_kernel *k,
				    const struct ct_walk_spec *spec,
				    struct ct_walk_result **ret);

/* One JSON object: count, elements[], findings[] (and kind, root, head).
 * The caller frees *ret. */
struct ct_error *ct_walk_result_to_json(const struct ct_walk_result *r,
					char **ret);

/* Add r's findings to c (type, member = link or head member + field,
 * address, element, reason); origin names the core. */
struct ct_error *ct_walk_result_to_case(const struct ct_walk_result *r,
					const struct ct_walk_spec *spec,
					struct ct_case *c,
					struct ct_origin origin);

/* Does the session's DWARF define a global variable called name? */
bool ct_walk_session_has_global(struct ct_walk_session *s, const char *name);

#endif /* CT_WALK_H */
