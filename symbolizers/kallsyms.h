/* SPDX-License-Identifier: MIT */
/*
 * kallsyms.h - the kernel's own symbol table, decoded from a vmcore's
 * memory with the addresses VMCOREINFO gives (SYMBOL(kallsyms_names),
 * kallsyms_num_syms, kallsyms_token_table, kallsyms_token_index,
 * kallsyms_offsets, kallsyms_relative_base): no vmlinux, no System.map.
 * Private to libcrashtriage.
 *
 * Format (scripts/kallsyms.c, kernel/kallsyms.c): kallsyms_names is a
 * sequence of entries, each a length (one byte, or two when the first has
 * bit 7 set: low 7 bits + second byte << 7, since 6.1) and that many token
 * numbers; a token number indexes kallsyms_token_index (256 u16 offsets)
 * into kallsyms_token_table (NUL-terminated strings).  The expanded name's
 * first byte is the nm type letter.  kallsyms_offsets holds one s32 per
 * symbol: with CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP) a value >= 0
 * is an absolute address (per-CPU symbols) and a negative one means
 * relative_base - 1 - value; without it every value is an unsigned offset
 * from relative_base.  The first mode is assumed when any value is
 * negative.
 */
#ifndef CT_KALLSYMS_H
#define CT_KALLSYMS_H

#include "analyzer/dump/dump.h"
#include "analyzer/vmcore.h"	/* the public side: ct_vmcore_kallsyms() */
#include "symbolizers/symtab-text.h"

enum {
	CT_KALLSYMS_MAX_SYMS = 4u << 20,	/* symbols decoded */
	CT_KALLSYMS_MAX_NAMES = 64u << 20,	/* bytes of kallsyms_names */
	CT_KALLSYMS_MAX_NAME = 512,		/* bytes of one name */
	CT_KALLSYMS_MAX_POOL = 256u << 20,	/* bytes of names decoded
						 * (a real kernel: ~3 MiB) */
};

struct ct_kallsyms_sym {
	uint64_t address;
	size_t name;	/* offset of the NUL-terminated name in the pool */
	char type;	/* nm type letter: 'T', 't', 'D', ... */
};

struct ct_kallsyms {
	struct ct_kallsyms_sym *syms;	/* in kernel order */
	size_t count, cap;
	char *pool;			/* names, NUL-separated */
	size_t pool_len, pool_cap;
	bool absolute_percpu;		/* the offsets' mode, as guessed */
	char *loss;			/* why decoding stopped early, or NULL */
	size_t *by_name;		/* open-addressing hash of the names:
					 * syms index + 1, 0 when empty;
					 * built on the first lookup */
	size_t by_name_cap;		/* slots, a power of two */
};

/*
 * ct_kallsyms_read - decode kallsyms from km with the symbols of vi.
 * Fails with CT_ERROR_NOT_FOUND when a SYMBOL() is missing or the tables
 * cannot be read at all; a table cut part way (page not in the dump)
 * keeps the symbols before the cut and says so in loss.  Free with
 * ct_kallsyms_destroy() (analyzer/vmcore.h).
 */
struct ct_error *ct_kallsyms_read(struct ct_kmem *km,
				  const struct ct_vmcoreinfo *vi,
				  struct ct_kallsyms **ret);

/* The name of sym. */
static inline const char *ct_kallsyms_name(const struct ct_kallsyms *ks,
					   const struct ct_kallsyms_sym *sym)
{
	return ks->pool + sym->name;
}

/* The index of the first symbol (in kernel order) called name whose type
 * letter is in types (NULL: any), or SIZE_MAX.  The first call sorts the
 * names once; NULL-free lookups after that are binary searches. */
size_t ct_kallsyms_index(struct ct_kallsyms *ks, const char *name,
			 const char *types);
/* The first symbol called name, or NULL. */
const struct ct_kallsyms_sym *ct_kallsyms_find(struct ct_kallsyms *ks,
					       const char *name);

/* Add the text symbols (t, T, w, W) to t for address lookups. */
struct ct_error *ct_kallsyms_to_symtab(const struct ct_kallsyms *ks,
				       struct ct_symtab *t);

#endif /* CT_KALLSYMS_H */
