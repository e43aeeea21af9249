/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - address -> function, module, file:line for the modules of
 * an ELF core, through libdwfl: ELF symbol tables and DWARF (with inlined
 * frames), debug files found by build-id and debuglink in the debug
 * folders given, then in .debug and /usr/lib/debug.  Private to
 * libcrashtriage; used by the unwinders in analyzer/dump/unwind-*.c.
 */
#ifndef CT_SYMBOLIZE_H
#define CT_SYMBOLIZE_H

#include <elfutils/libdwfl.h>

#include "analyzer/dump/dump.h"

/* A libdwfl session over one core: its modules reported from the core's
 * link map and NT_FILE notes. */
struct ct_dwfl {
	Dwfl *dwfl;
	Dwfl_Callbacks callbacks;	/* must outlive dwfl */
	char *debuginfo_path;		/* "DIR:DIR:.debug:/usr/lib/debug" */
	int module_count;		/* modules reported */
	/* frames of recently symbolized addresses, direct-mapped by
	 * address: the threads of one process mostly wait in the same few
	 * places, and DWARF scope lookups are not cheap */
	struct ct_dwfl_cached {
		uint64_t pc;
		bool activation;
		bool used;
		struct ct_backtrace frames;	/* label and origin unused */
	} *cache;			/* CT_DWFL_CACHE entries, or NULL */
};

enum { CT_DWFL_CACHE = 1024 };

/*
 * ct_dwfl_open - start a libdwfl session over core and report its
 * modules; opts->executable stands in for the main program when given.
 * Free with ct_dwfl_destroy().  Fails with CT_ERROR_CORRUPT when libdwfl
 * finds no module at all.
 */
struct ct_error *ct_dwfl_open(const struct ct_core *core,
			      const struct ct_unwind_options *opts,
			      struct ct_dwfl **ret);
void ct_dwfl_destroy(struct ct_dwfl *d);

/*
 * ct_dwfl_open_elf - a libdwfl session over one ELF file (an executable,
 * shared library or kernel module, not a core) reported offline at its
 * link-time addresses (base 0), as addr2line -e sees it: for `crashtriage
 * symbolize --exe`.  Debug files are found as in ct_dwfl_open().  Free
 * with ct_dwfl_destroy().
 */
struct ct_error *ct_dwfl_open_elf(const char *path,
				  const struct ct_unwind_options *opts,
				  struct ct_dwfl **ret);

/*
 * ct_dwfl_symbolize - append the frames for pc to bt: the functions
 * inlined at pc first (marked inlined), then the function that holds pc.
 * activation is true for the innermost frame and frames interrupted by a
 * signal (pc is the next instruction to run), false for return addresses
 * (the call is at pc - 1).  Stops silently at CT_MAX_FRAMES.
 */
struct ct_error *ct_dwfl_symbolize(struct ct_dwfl *d, uint64_t pc,
				   bool activation, struct ct_backtrace *bt);

/*
 * ct_dwfl_describe_modules - what a person needs to know about the
 * modules of the core: facts core.modules (count) and core.build_id (of
 * the module holding entry, the executable), and notes for an executable
 * that was not found or has no debug info and for libraries not found
 * where the core says they were.  Fails only on out of memory.
 */
struct ct_error *ct_dwfl_describe_modules(struct ct_dwfl *d,
					  struct ct_case *c,
					  uint64_t entry,
					  struct ct_origin origin);

#endif /* CT_SYMBOLIZE_H */
