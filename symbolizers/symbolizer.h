/* SPDX-License-Identifier: MIT */
/*
 * symbolizer.h - one address to function+offset, module and file:line,
 * as "crashtriage symbolize" asks: from an ELF file's symbols and DWARF
 * (with the functions inlined at the address, like addr2line -fi), then
 * from symbol lists (System.map, /proc/kallsyms, nm output, vmkernel
 * lists, or a kernel dump whose kallsyms are decoded).  Public: the
 * sources behind it (symbolize.h, symtab-text.h, kallsyms.h) are the
 * library's.  Nothing here prints.
 */
#ifndef CT_SYMBOLIZER_H
#define CT_SYMBOLIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

/* Where to look; every pointer is borrowed for ct_symbolizer_create(). */
struct ct_symbolizer_options {
	const char *executable;		/* ELF executable, library or kernel
					 * module (not a core), or NULL */
	const char *const *debug_dirs;	/* folders searched for executable's
					 * debug file (by build-id and
					 * debuglink) before .debug and
					 * /usr/lib/debug */
	size_t debug_dir_count;
	const char *const *maps;	/* symbol lists or kernel dumps, all
					 * merged; asked after executable */
	size_t map_count;
};

/* The sources opened; opaque. */
struct ct_symbolizer;

/*
 * ct_symbolizer_create - open opts->executable's symbols and DWARF and
 * read every map.  Errors name the file (CT_ERROR_OS when it cannot be
 * read, CT_ERROR_CORRUPT with path:line for a bad list line, the DWARF
 * reader's errors); on failure *ret is left untouched.  Free *ret with
 * ct_symbolizer_destroy().
 */
struct ct_error *ct_symbolizer_create(const struct ct_symbolizer_options *opts,
				      struct ct_symbolizer **ret);
/* Free s; NULL does nothing. */
void ct_symbolizer_destroy(struct ct_symbolizer *s);

/* What is known of one address.  Strings are borrowed from the
 * symbolizer or owned by the answer: valid until both
 * ct_symbol_answer_deinit() and ct_symbolizer_destroy(). */
struct ct_symbol_answer {
	uint64_t address;	/* the address asked */
	bool found;		/* a function holds it; when false, only
				 * address is meaningful */
	bool from_exe;		/* found in the executable's symbols or
				 * DWARF (else in a map) */
	const char *function;	/* name as the source gives it */
	uint64_t offset;	/* address - start of function */
	bool has_offset;
	uint64_t size;		/* function's size (maps that know it) */
	bool has_size;
	const char *module;	/* module holding it, or NULL */
	const char *file;	/* position in function (for an inlined */
	unsigned long line;	/* call: of the call), or NULL and 0 */
	/* DWARF: the functions inlined at the address, innermost first,
	 * each with its own position (function, file, source_line) */
	const struct ct_frame *inlined;
	size_t inlined_count;
	struct ct_backtrace bt;	/* storage behind inlined; not for use */
};

/*
 * ct_symbolizer_lookup - what s knows of address, into *ret (an address
 * no source knows is ret->found = false, not an error).  Fails only on
 * out of memory or a broken debug file; deinit *ret with
 * ct_symbol_answer_deinit() in either case.
 */
struct ct_error *ct_symbolizer_lookup(struct ct_symbolizer *s, uint64_t address,
				      struct ct_symbol_answer *ret);
/* Free what a answers with; a is zeroed. */
void ct_symbol_answer_deinit(struct ct_symbol_answer *a);

#endif /* CT_SYMBOLIZER_H */
