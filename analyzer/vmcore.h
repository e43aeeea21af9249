/* SPDX-License-Identifier: MIT */
/*
 * vmcore.h - Linux kernel crash dumps as "crashtriage dmesg" sees them:
 * open an ELF vmcore (/proc/vmcore saved by kdump, QEMU
 * dump-guest-memory) or a kdump-compressed file, say what of it could not
 * be read, print its kernel log and list the kernel's own symbol table
 * (kallsyms) decoded from its memory.  Public: the readers behind it are
 * in analyzer/dump/.  Nothing here prints; text comes back in a strbuf or
 * as borrowed strings.
 */
#ifndef CT_VMCORE_H
#define CT_VMCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"
#include "analyzer/strbuf.h"

/* An open kernel dump; opaque. */
struct ct_vmcore;

/*
 * ct_vmcore_open_file - map the file at path read-only and open it as a
 * kernel crash dump of either kind.  path is borrowed and must outlive
 * *ret.  A file cut short still opens with what it holds; what is lost is
 * in ct_vmcore_loss().  Errors: CT_ERROR_OS when the file cannot be
 * mapped, CT_ERROR_NOT_RECOGNISED (naming path) when it is no kernel
 * dump, the readers' CORRUPT/UNSUPPORTED/TRUNCATED otherwise.  On failure
 * *ret is left untouched.  Free *ret with ct_vmcore_destroy(), which also
 * unmaps the file.
 */
struct ct_error *ct_vmcore_open_file(const char *path, struct ct_vmcore **ret);
/* Free vc and what it holds (the mapping, when ct_vmcore_open_file()
 * made it).  NULL does nothing. */
void ct_vmcore_destroy(struct ct_vmcore *vc);

/* The completeness record: how many remarks there are, and remark i
 * (0 <= i < count), one line without a newline, e.g. "the file ends at
 * offset 0x...: ...".  Valid until ct_vmcore_destroy(). */
size_t ct_vmcore_loss_count(const struct ct_vmcore *vc);
const char *ct_vmcore_loss(const struct ct_vmcore *vc, size_t i);

/* ---- the kernel log -------------------------------------------------------- */

/* What the log reader saw. */
struct ct_dmesg_stats {
	size_t records;		/* records printed */
	size_t uncommitted;	/* records still being written (or reused)
				 * at the crash: left out, as vmcore-dmesg
				 * does */
	size_t skipped;		/* records in pages the dump lacks */
	uint64_t bytes_missing;	/* ring bytes that could not be read */
	const char *layout;	/* "lockless" or "log_buf" (static) */
};

/*
 * ct_vmcore_dmesg - append the kernel log to out, formatted as
 * vmcore-dmesg (kexec-tools) prints it: "[%5llu.%06llu] " and the text,
 * bytes that are neither printable nor space as "\xNN", one "\n" per
 * record.  The 5.10+ lockless ring (SYMBOL(prb)) is read, else the
 * variable-length log_buf of 3.5 .. 5.9.  Unreadable parts of the ring are
 * skipped and counted in *stats (may be NULL); fails with
 * CT_ERROR_NOT_FOUND when VMCOREINFO names neither ring, or when the ring
 * header itself cannot be read.  The caller owns out (and deinits it on
 * failure too).
 */
struct ct_error *ct_vmcore_dmesg(struct ct_vmcore *vc, struct ct_strbuf *out,
				 struct ct_dmesg_stats *stats);

/* ---- kallsyms -------------------------------------------------------------- */

/* The kernel's symbol table decoded from a dump; opaque. */
struct ct_kallsyms;

/*
 * ct_vmcore_kallsyms - decode the kernel's symbol table from vc's memory
 * with the addresses VMCOREINFO gives (no vmlinux, no System.map).  Fails
 * with CT_ERROR_NOT_FOUND (naming vc's file) when a table is not named or
 * cannot be read at all; a table cut part way keeps the symbols before
 * the cut and says so in ct_kallsyms_loss().  *ret does not depend on vc
 * staying open; free it with ct_kallsyms_destroy().
 */
struct ct_error *ct_vmcore_kallsyms(struct ct_vmcore *vc,
				    struct ct_kallsyms **ret);
/* Free ks; NULL does nothing. */
void ct_kallsyms_destroy(struct ct_kallsyms *ks);

/* One symbol. */
struct ct_kallsyms_entry {
	uint64_t address;
	char type;		/* nm type letter: 'T', 't', 'D', ... */
	const char *name;	/* borrowed from ks: valid until
				 * ct_kallsyms_destroy() */
};

/* How many symbols ks holds, in kernel order. */
size_t ct_kallsyms_count(const struct ct_kallsyms *ks);
/* Symbol i (0 <= i < ct_kallsyms_count()) into *ret. */
void ct_kallsyms_get(const struct ct_kallsyms *ks, size_t i,
		     struct ct_kallsyms_entry *ret);
/* Why decoding stopped early (one line, valid until
 * ct_kallsyms_destroy()), or NULL when the table was read whole. */
const char *ct_kallsyms_loss(const struct ct_kallsyms *ks);

/* ---- tasks and their stacks ------------------------------------------------ */

/*
 * The kernel's tasks and stacks read from a dump with nothing else: types
 * from the kernel's own BTF, the task list walked from init_task, every
 * stack unwound with the kernel's own ORC tables and named with kallsyms.
 * What could not be done (no BTF in this kernel, the task list broken at
 * task N, a stack ORC could not finish) is said in the notes.
 */
struct ct_kernel;

/*
 * ct_kernel_open - prepare to read vc's tasks and stacks: decode kallsyms,
 * read BTF and ORC.  vc is borrowed and must outlive *ret.  Fails only
 * when kallsyms cannot be read (nothing can be named) or on lack of
 * memory; a kernel without BTF or ORC opens, with a note saying so, and
 * ct_kernel_tasks() then fails.  Free with ct_kernel_destroy().
 */
struct ct_error *ct_kernel_open(struct ct_vmcore *vc, struct ct_kernel **ret);
/* Free k; NULL does nothing. */
void ct_kernel_destroy(struct ct_kernel *k);

/* Remarks on what could not be read, one line each (valid until
 * ct_kernel_destroy()). */
size_t ct_kernel_note_count(const struct ct_kernel *k);
const char *ct_kernel_note(const struct ct_kernel *k, size_t i);
/* Does k hold BTF types / ORC tables?  (Their sizes, for reports.) */
bool ct_kernel_has_btf(const struct ct_kernel *k, size_t *ret_types);
bool ct_kernel_has_orc(struct ct_kernel *k, size_t *ret_entries,
		       int *ret_version);

/* One task (a thread: the kernel's task_struct). */
struct ct_ktask {
	uint64_t address;	/* of its task_struct */
	int pid;		/* the thread's id */
	int tgid;		/* its process's */
	char comm[17];		/* printable, NUL-terminated */
	char state;		/* 'R', 'S', 'D', 'T', 't', 'X', 'Z', 'P',
				 * 'I' as ps shows it, '?' unreadable */
	int cpu;		/* the CPU it last ran on, -1 unknown */
	bool kthread;		/* PF_KTHREAD */
	bool on_cpu;		/* the current task of a CPU at the dump */
	int current_cpu;	/* that CPU when on_cpu, else -1 */
	bool panicking;		/* the current task of the panicking CPU */
};

/*
 * ct_kernel_tasks - the tasks: init_task first, then the task list in
 * its order with each process's threads after it, then the CPUs' current
 * tasks the list does not hold (idle tasks).  A list broken part way
 * gives the tasks before the break and a note saying where it broke.
 * *ret (count in *ret_count) stays valid until ct_kernel_destroy().
 * Fails with CT_ERROR_NOT_FOUND when the kernel has no BTF (or BTF lacks
 * what is needed) or init_task cannot be read.
 */
struct ct_error *ct_kernel_tasks(struct ct_kernel *k,
				 const struct ct_ktask **ret,
				 size_t *ret_count);

/* One loaded module. */
struct ct_kmodule {
	uint64_t address;	/* of its struct module */
	char name[57];		/* printable */
	char version[64];	/* MODULE_VERSION, "" when none */
	char srcversion[64];	/* "" when none */
	const char *state;	/* "live", "coming", "going", "unformed" */
	uint64_t taints;	/* TAINT_* bits it brought */
	uint64_t text_lo, text_hi; /* its code, 0, 0 when unknown */
	size_t orc_entries;	/* of its own ORC table, 0 when none */
	size_t symbols;		/* of its own symbols, in its code */
};

/* The address of symbol name: kallsyms', else a loaded module's (code
 * or data; the module list is read first). */
bool ct_kernel_symbol(struct ct_kernel *k, const char *name,
		      uint64_t *ret_address);

/*
 * ct_kernel_modules - the loaded modules, in the kernel's list order
 * (newest first), read with struct module's offsets from BTF.  A list
 * broken part way gives the modules before the break and a note.  *ret
 * stays valid until ct_kernel_destroy().  Fails only on lack of memory;
 * with no BTF the list is empty and a note says why.
 */
struct ct_error *ct_kernel_modules(struct ct_kernel *k,
				   const struct ct_kmodule **ret,
				   size_t *ret_count);

/* One frame of a kernel stack. */
struct ct_kframe {
	uint64_t pc;
	const char *function;	/* from kallsyms or the module's symbols,
				 * NULL when unknown; valid until
				 * ct_kernel_destroy() */
	const char *module;	/* the module whose code pc is in, or NULL
				 * for the kernel's own */
	uint64_t offset;	/* pc - function's start */
	bool reliable;		/* found by ORC; false for scanned words */
	bool regs;		/* an interrupt or exception's pt_regs lie
				 * between this frame and the next */
};

/* One task's stack. */
struct ct_kstack {
	struct ct_kframe *frames;
	size_t count;
	const char *start;	/* where the walk started (static text):
				 * "registers", "saved stack pointer" */
	int regs_cpu;		/* the CPU whose registers, or -1 */
	char *end;		/* how it ended, one line */
	bool complete;		/* ORC reached the end of the stack or user
				 * mode */
	bool scanned;		/* ORC could not go on: the rest of the
				 * stack was scanned (unreliable frames) */
};

/*
 * ct_kernel_unwind - unwind task i (of ct_kernel_tasks()) with ORC: from
 * its CPU's registers (the dump's NT_PRSTATUS) when it was running, else
 * from its saved stack pointer (thread.sp, the inactive_task_frame
 * there).  Fails with CT_ERROR_NOT_FOUND when the kernel has no ORC or
 * the start cannot be read.  Deinit *ret with ct_kstack_deinit().
 */
struct ct_error *ct_kernel_unwind(struct ct_kernel *k, size_t i,
				  struct ct_kstack *ret);
void ct_kstack_deinit(struct ct_kstack *s);

/* The CPUs whose registers the dump holds (its NT_PRSTATUS notes, in
 * order: QEMU's are vCPU numbers). */
size_t ct_kernel_cpu_count(const struct ct_kernel *k);
/* Unwind from CPU cpu's registers with ORC, with no task behind it: what
 * is left when the kernel has no BTF (no tasks).  CT_ERROR_NOT_FOUND when
 * the dump has no registers for it or the kernel no ORC. */
struct ct_error *ct_kernel_unwind_cpu(struct ct_kernel *k, size_t cpu,
				      struct ct_kstack *ret);

#endif /* CT_VMCORE_H */
