/* SPDX-License-Identifier: MIT */
/*
 * symtab-text.h - address -> symbol+offset from symbol lists given as text:
 * System.map, /proc/kallsyms, `nm` output and vmkernel-style lists of
 * (address, name, module).  No debug info needed: this is what turns the
 * raw addresses of a kernel oops or a PSOD into function names when all
 * one has is the map.  Public: "crashtriage symbolize" uses it.
 *
 * Accepted line forms (blanks are spaces or tabs; '#' starts a comment
 * line; empty lines are skipped):
 *
 *   ADDR TYPE NAME [MODULE]   System.map, kallsyms, nm: TYPE is one
 *                             letter; only t, T, w and W (text) lines
 *                             enter the table, others are counted and
 *                             skipped
 *   TYPE NAME                 nm's undefined symbols (no address):
 *                             skipped
 *   ADDR NAME [MODULE]        a symbol list, address first
 *   NAME ADDR [MODULE]        a symbol list, name first; used only when
 *                             NAME does not itself read as hex (if both
 *                             tokens are hex, the first is the address)
 *
 * ADDR is 1-16 hex digits with an optional 0x; MODULE may be written
 * "[mod]" or "mod".  Symbols at address 0 (kallsyms read without
 * privilege) are skipped.  Any other line fails with CT_ERROR_CORRUPT
 * naming path:line.
 */
#ifndef CT_SYMTAB_H
#define CT_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

enum {
	CT_SYMTAB_MAX_LINES = 8000000,	/* lines of all inputs together */
	CT_SYMTAB_MAX_NAME = 512,	/* bytes of a symbol or module name */
	CT_SYMTAB_MAX_FILE = 512 << 20,	/* bytes read from one file */
};

/* One symbol; names are offsets into the table's string pool. */
struct ct_symtab_entry {
	uint64_t address;	/* start of the symbol */
	size_t name;		/* offset of the NUL-terminated name */
	size_t module;		/* offset of the module name, or SIZE_MAX */
	size_t order;		/* input order: ties keep the first */
	bool global;		/* upper-case type or no type given */
};

struct ct_symtab {
	struct ct_symtab_entry *syms;	/* sorted by address after finish */
	size_t count;			/* entries used */
	size_t capacity;		/* entries allocated */
	char *pool;			/* names, NUL-separated */
	size_t pool_len;		/* bytes used in pool */
	size_t pool_cap;		/* bytes allocated in pool */
	unsigned long lines;		/* lines read from all inputs */
	size_t skipped;			/* non-text or address-0 symbols */
	bool sorted;			/* finish() ran since the last add */
};

/* What a lookup found.  The strings belong to the table and stay valid
 * until it is destroyed or added to. */
struct ct_symtab_hit {
	const char *name;
	const char *module;	/* NULL when the line had none */
	uint64_t start;		/* the symbol's address */
	uint64_t offset;	/* address - start */
	uint64_t size;		/* next symbol's start - start, if has_size */
	bool has_size;		/* false for the last symbol */
};

/* Create an empty table; free with ct_symtab_destroy(). */
struct ct_error *ct_symtab_create(struct ct_symtab **ret);
void ct_symtab_destroy(struct ct_symtab *t);

/*
 * ct_symtab_add_text - add the symbols of one text in the forms above;
 * path names the input in errors.  buf need not be NUL-terminated and may
 * hold NULs (a NUL fails the line).  On error the symbols of the lines
 * before the bad one stay in the table.
 */
struct ct_error *ct_symtab_add_text(struct ct_symtab *t, const char *path,
				    const char *buf, size_t len);
/* Read the file at path (at most CT_SYMTAB_MAX_FILE bytes) and add it. */
struct ct_error *ct_symtab_add_file(struct ct_symtab *t, const char *path);

/* Add one symbol from a source other than text (kernel kallsyms read
 * from a dump); name need not be NUL-terminated, module may be NULL.
 * Fails with CT_ERROR_CORRUPT for names over CT_SYMTAB_MAX_NAME. */
struct ct_error *ct_symtab_add_symbol(struct ct_symtab *t, uint64_t addr,
				     const char *name, size_t name_len,
				     const char *module, bool global);

/* Sort the table; called by lookup when needed, idempotent. */
void ct_symtab_finish(struct ct_symtab *t);

/*
 * ct_symtab_lookup - the symbol whose start is the greatest one <= addr.
 * Of symbols sharing a start, a global one wins over a local one, then
 * the first read.  False when addr is before the first symbol or the
 * table is empty.
 */
bool ct_symtab_lookup(struct ct_symtab *t, uint64_t addr,
		      struct ct_symtab_hit *ret);

#endif /* CT_SYMTAB_H */
