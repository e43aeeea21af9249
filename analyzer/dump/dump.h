/* SPDX-License-Identifier: MIT */
/*
 * dump.h - the dump readers, private to libcrashtriage: Linux user-space
 * ELF cores (elf-core.c) and their unwinders (unwind-*.c), kernel virtual
 * memory over a dump's physical memory (kmem.c), ELF kernel vmcores and
 * their printk log (elf-vmcore.c, printk.c), and kdump-compressed dumps
 * (kdump.c, kdump-vmcore.c, kdump-libkdumpfile.c).  The extractors in
 * analyzer/extract/ turn what these read into a case.
 */
#ifndef CT_DUMP_H
#define CT_DUMP_H

#include <libelf.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/vmcore.h"

/* ------------------------------------------------------------------------
 * Linux user-space ELF cores (elf-core.c) and the unwinders (unwind-*.c)
 * ------------------------------------------------------------------------ */

/*
 * Reading Linux user-space ELF core files (kernel-written and
 * gdb "gcore"-written), x86_64 and aarch64.  Private to libcrashtriage.
 *
 * A struct ct_core is a read-only view of a core image that stays in the
 * caller's memory (usually a read-only mmap of the file): the ELF header is
 * checked through libelf, program headers and notes are read through a
 * bounded cursor so that a table cut short still yields its complete
 * entries, and everything that could not be read is written down in the
 * completeness record (losses[]), never silently dropped.
 *
 * Memory of the crashed process is read by virtual address through
 * ct_core_read(), which tells "not in the dump" (the kernel left the
 * segment's bytes out, filesz < memsz, or the file ends early) apart from
 * "never mapped" (no PT_LOAD covers the address).
 *
 * The unwinders (analyzer/dump/unwind-*.c) sit behind struct ct_unwinder_ops and
 * the elf-core extractor (extract/core.c) picks one at run time.
 */



/* Caps: a hostile core cannot make us allocate without bound. */
enum {
	CT_CORE_MAX_THREADS = 4096,	/* NT_PRSTATUS notes kept */
	CT_CORE_MAX_SEGMENTS = 1u << 20, /* program headers read */
	CT_CORE_MAX_NOTES = 1u << 20,	/* notes walked */
	CT_CORE_MAX_FILES = 1u << 16,	/* NT_FILE entries kept */
	CT_CORE_MAX_LOSSES = 64,	/* completeness remarks kept */
};

/* One thread: an NT_PRSTATUS note and what follows it up to the next. */
struct ct_core_thread {
	int tid;		/* pr_pid of the note */
	int cursig;		/* pr_cursig: the signal being delivered */
	bool has_regs;		/* the register block was complete */
	uint64_t pc, sp, fp;	/* from the registers when has_regs */
	bool has_siginfo;	/* an NT_SIGINFO note belongs to this thread */
	int si_signo, si_code;	/* from that NT_SIGINFO */
	uint64_t fault_addr;	/* fault address (SIGSEGV/BUS/ILL/FPE/TRAP) */
	int sender_pid;		/* sender for kill/tkill signals */
	bool has_fpregs;	/* an NT_FPREGSET note belongs to this thread */
	uint64_t note_offset;	/* file offset of the NT_PRSTATUS note */
};

/* One program header of type PT_LOAD. */
struct ct_core_segment {
	uint64_t vaddr;		/* p_vaddr */
	uint64_t memsz;		/* p_memsz */
	uint64_t offset;	/* p_offset */
	uint64_t filesz;	/* p_filesz: bytes the writer put in the file */
	uint64_t avail;		/* bytes of filesz actually present */
	uint32_t flags;		/* p_flags (PF_R, PF_W, PF_X) */
};

/* One NT_FILE entry: a file-backed mapping. */
struct ct_core_file {
	uint64_t start, end;	/* mapped virtual range [start, end) */
	uint64_t file_offset;	/* offset in the file, in bytes */
	char *path;		/* printable copy of the path */
};

/* enum ct_core_mem (how a memory read went): analyzer/crashtriage.h. */

struct ct_core {
	const char *path;	/* name for messages; borrowed */
	const unsigned char *buf; /* the image; borrowed, never written */
	size_t len;		/* bytes of the image */
	Elf *elf;		/* libelf handle over buf (for libdwfl) */
	uint16_t machine;	/* EM_X86_64 or EM_AARCH64 */
	uint64_t phoff;		/* e_phoff */
	unsigned phnum;		/* program headers the ELF header claims */
	unsigned phnum_read;	/* program headers that were complete */
	struct ct_core_segment *segments; /* PT_LOAD, by address */
	size_t segment_count, segment_cap;
	size_t segment_hint;	/* the last segment a read found (a cache) */
	uint64_t note_bytes_missing; /* PT_NOTE bytes past the end of file */
	size_t segments_gone;	/* PT_LOADs wholly past the end of file */
	uint64_t segment_bytes_gone; /* their filesz, summed */
	uint64_t first_gone_offset; /* file offset of the first of them */
	bool has_notes;		/* at least one PT_NOTE header */
	bool notes_scanned;	/* the notes were found by searching the
				 * file, not through a PT_NOTE: libelf and
				 * libdwfl cannot see them */
	struct ct_core_thread *threads; /* in note order */
	size_t thread_count, thread_cap;
	size_t threads_dropped;	/* NT_PRSTATUS notes over the cap */
	bool has_prpsinfo;
	char command[17];	/* pr_fname, printable */
	char args[81];		/* pr_psargs, printable */
	int pid;		/* pr_pid of NT_PRPSINFO */
	uint64_t *auxv;		/* NT_AUXV as (type, value) pairs */
	size_t auxv_count;	/* pairs */
	struct ct_core_file *files; /* NT_FILE entries */
	size_t file_count, file_cap;
	uint64_t file_page_size; /* NT_FILE page size */
	char **losses;		/* completeness record, one line each */
	size_t loss_count, loss_cap;
	size_t losses_dropped;	/* remarks over CT_CORE_MAX_LOSSES */
};

/* Does buf start like a 64-bit little-endian ELF core (ET_CORE)? */
bool ct_core_sniff(const char *buf, size_t len);

/*
 * ct_core_open_memory - read the headers and notes of the core image
 * [buf, buf+len) named path.  buf and path are borrowed and must outlive
 * the core; buf is never written.  A core that is cut short or has broken
 * notes still opens: what was lost is in losses[].  Fails with
 * CT_ERROR_NOT_RECOGNISED when buf is no ELF core, CT_ERROR_UNSUPPORTED
 * for other machines or byte orders, CT_ERROR_TRUNCATED when not even the
 * ELF header is there.  Free with ct_core_destroy().
 */
struct ct_error *ct_core_open_memory(const char *path, const void *buf,
				     size_t len, struct ct_core **ret);
void ct_core_destroy(struct ct_core *core);

/*
 * ct_core_read - copy up to n bytes of process memory at addr into dst.
 * *ret_read is the number of bytes copied (a prefix of the range), and the
 * return value says why the copy stopped when it is short.
 */
enum ct_core_mem ct_core_read(const struct ct_core *core, uint64_t addr,
			      void *dst, size_t n, size_t *ret_read);
/* The n bytes at addr where they lie in the image, when all of them were
 * dumped in one segment; else NULL (ct_core_read() then says why). */
const void *ct_core_span(const struct ct_core *core, uint64_t addr, size_t n);
/* Read a NUL-terminated string of at most max - 1 bytes into dst. */
enum ct_core_mem ct_core_read_string(const struct ct_core *core,
				     uint64_t addr, char *dst, size_t max);

/* Is addr in a segment mapped executable (PF_X), dumped or not? */
bool ct_core_is_executable(const struct ct_core *core, uint64_t addr);

/* The load bias of the program elf (its ELF file) in the process: where
 * AT_ENTRY says its entry point is minus where the file puts it, 0 for a
 * fixed-address program.  False when a position-independent program's
 * bias is unknown (no AT_ENTRY) or elf is no ELF file. */
bool ct_core_load_bias(const struct ct_core *core, Elf *elf, uint64_t *ret);
/* Value of auxv entry type, or false if absent. */
bool ct_core_auxv(const struct ct_core *core, uint64_t type, uint64_t *ret);
/* The NT_FILE entry whose range holds addr, or NULL. */
const struct ct_core_file *ct_core_file_at(const struct ct_core *core,
					   uint64_t addr);

/* The crashed program's path as the core tells it: AT_EXECFN when it is
 * an absolute path in the dump, else the file mapped at AT_ENTRY or
 * AT_PHDR.  Writes it into buf (size bytes); false if the core says none. */
bool ct_core_executable(const struct ct_core *core, char *buf, size_t size);
/* The thread that took the signal: the thread whose notes hold the
 * NT_SIGINFO for the delivered signal, else the first with a signal, else
 * the first thread; -1 when there are no threads. */
long ct_core_crashing_thread(const struct ct_core *core);
/* "x86_64", "aarch64". */
const char *ct_core_arch(const struct ct_core *core);
/* "SIGSEGV" for 11 and so on; NULL for numbers we have no name for. */
const char *ct_signal_name(int signo);
/* "SEGV_MAPERR" and friends for (signo, code), or NULL. */
const char *ct_signal_code_name(int signo, int code);

/* ---- unwinders ---------------------------------------------------------- */

/* What the unwinders and the symbolizer are told by the caller. */
struct ct_unwind_options {
	const char *executable;	/* the crashed program, or NULL */
	const char *const *debug_dirs; /* extra debug file folders */
	size_t debug_dir_count;
};

/* One unwinder: open over a core, unwind threads into backtraces, close. */
struct ct_unwinder_ops {
	const char *name;	/* "dwfl", "libunwind" */
	/* Prepare to unwind core (path is the file it came from, which some
	 * unwinders need).  *ret_state is passed to thread() and close(). */
	struct ct_error *(*open)(const struct ct_core *core,
				 const struct ct_unwind_options *opts,
				 void **ret_state);
	/* Unwind threads 0 .. count-1 of core, symbolizing every frame:
	 * bts[i] receives thread i's frames (at most CT_MAX_FRAMES), and
	 * errs[i] (NULL on entry) why thread i could not be walked to its
	 * end.  Returns an error only when nothing can go on (no memory). */
	struct ct_error *(*unwind)(void *state, size_t count,
				   struct ct_backtrace *bts,
				   struct ct_error **errs);
	/* The libdwfl session the unwinder symbolizes with, or NULL. */
	struct ct_dwfl *(*symbolizer)(void *state);
	void (*close)(void *state);
};

extern const struct ct_unwinder_ops ct_unwinder_dwfl;
extern const struct ct_unwinder_ops ct_unwinder_libunwind;

/* The unwinder called name, or NULL. */
const struct ct_unwinder_ops *ct_unwinder_find(const char *name);

/* ---- the elf-core extractor ---------------------------------------------- */

extern const struct ct_extractor ct_extractor_core;

/* Extract a core with options (the extractor's extract() passes NULL). */
struct ct_error *ct_core_extract(struct ct_case *c, const struct ct_text *t,
				 const struct ct_analyze_options *opts);

/* ------------------------------------------------------------------------
 * Kernel virtual memory over a dump's physical memory (kmem.c)
 * ------------------------------------------------------------------------ */

/*
 * Reading the memory of a crashed Linux kernel (x86_64) from a
 * dump of any format.  Private to libcrashtriage.
 *
 * A dump format supplies a physical-memory source (struct ct_kmem_source):
 * read_phys() always, read_virt() when the dump itself maps kernel virtual
 * addresses (an ELF vmcore whose PT_LOADs carry them, QEMU "paging: true").
 * On top of it, ct_kmem_read() reads kernel virtual memory: the dump's own
 * virtual mapping first, else the kernel's page tables (from VMCOREINFO:
 * SYMBOL(init_top_pgt), NUMBER(phys_base), NUMBER(pgtable_l5_enabled)),
 * 4- and 5-level, with 1 GiB and 2 MiB pages.
 *
 * Results keep three kinds of loss apart: an address no page table (or
 * dump segment) maps is CT_CORE_MEM_UNMAPPED; a physical page the dump
 * left out is CT_CORE_MEM_NOT_DUMPED; a page the dump holds but whose
 * bytes lie past the end of a cut file is CT_CORE_MEM_TRUNCATED.
 */


enum {
	CT_KMEM_PAGE = 4096,		/* x86_64 base page */
	CT_KMEM_CACHE_PAGES = 64,	/* page-table pages kept */
	CT_KMEM_TLB = 256,		/* virtual -> physical pages kept */
};

/* The kernel image mapping base on x86_64 (__START_KERNEL_map). */
#define CT_KMEM_START_KERNEL_MAP 0xffffffff80000000ull

/* A dump's memory, as the dump format reads it. */
struct ct_kmem_source {
	/* Copy up to n bytes of physical memory at paddr into dst; set
	 * *ret_read to the bytes copied and say why a short read stopped. */
	enum ct_core_mem (*read_phys)(void *state, uint64_t paddr, void *dst,
				      size_t n, size_t *ret_read);
	/* Same for kernel virtual addresses the dump maps itself; NULL when
	 * it maps none.  Returns CT_CORE_MEM_UNMAPPED for addresses outside
	 * its mapping, so that the page tables are tried next. */
	enum ct_core_mem (*read_virt)(void *state, uint64_t vaddr, void *dst,
				      size_t n, size_t *ret_read);
	void *state;	/* passed to both; owned by the caller */
};

/* One cached page-table page. */
struct ct_kmem_cache_page {
	uint64_t paddr;		/* page address, valid if used */
	bool used;
	unsigned char data[CT_KMEM_PAGE];
};

/* One cached translation of a 4 KiB virtual page. */
struct ct_kmem_tlb_entry {
	uint64_t vpage;		/* virtual page address */
	uint64_t ppage;		/* physical page address */
	bool used;
};

struct ct_kmem {
	struct ct_kmem_source src;	/* copied */
	bool has_pgt;		/* page tables may be walked */
	uint64_t pgd;		/* physical address of init_top_pgt */
	bool l5;		/* five-level paging */
	struct ct_kmem_cache_page *cache; /* CT_KMEM_CACHE_PAGES pages */
	struct ct_kmem_tlb_entry tlb[CT_KMEM_TLB];
	/* counters for completeness notes */
	uint64_t walk_not_dumped; /* walks stopped by a missing table page */
};

/* Create a reader over src (copied; src->state is borrowed).  Free with
 * ct_kmem_destroy(). */
struct ct_error *ct_kmem_create(const struct ct_kmem_source *src,
				struct ct_kmem **ret);
void ct_kmem_destroy(struct ct_kmem *km);

/* Enable page-table translation: init_top_pgt is the virtual address of
 * SYMBOL(init_top_pgt), phys_base NUMBER(phys_base), l5 whether the kernel
 * runs five-level paging.  Fails with CT_ERROR_CORRUPT if init_top_pgt is
 * outside the kernel image mapping. */
struct ct_error *ct_kmem_set_page_tables(struct ct_kmem *km,
					 uint64_t init_top_pgt,
					 uint64_t phys_base, bool l5);

/* Translate vaddr through the page tables into *ret_paddr.  Returns
 * CT_CORE_MEM_UNMAPPED for a not-present entry (or with no page tables),
 * CT_CORE_MEM_NOT_DUMPED/TRUNCATED when a table page cannot be read. */
enum ct_core_mem ct_kmem_translate(struct ct_kmem *km, uint64_t vaddr,
				   uint64_t *ret_paddr);

/* Copy up to n bytes of physical memory. */
enum ct_core_mem ct_kmem_read_phys(struct ct_kmem *km, uint64_t paddr,
				   void *dst, size_t n, size_t *ret_read);
/* Copy up to n bytes of kernel virtual memory at vaddr: the dump's own
 * virtual mapping if it has one for the address, else the page tables.
 * *ret_read is the prefix copied; the return says why it stopped. */
enum ct_core_mem ct_kmem_read(struct ct_kmem *km, uint64_t vaddr, void *dst,
			      size_t n, size_t *ret_read);
/* Read a little-endian u64/u32 at vaddr; false unless all bytes read. */
bool ct_kmem_read_u64(struct ct_kmem *km, uint64_t vaddr, uint64_t *ret);
bool ct_kmem_read_u32(struct ct_kmem *km, uint64_t vaddr, uint32_t *ret);

/* "not in the dump", ... for notes. */
const char *ct_kmem_status_name(enum ct_core_mem status);

/* ------------------------------------------------------------------------
 * ELF kernel vmcores, VMCOREINFO and the printk log (elf-vmcore.c, printk.c)
 * ------------------------------------------------------------------------ */

/*
 * Linux kernel crash dumps (x86_64): VMCOREINFO, per-CPU registers,
 * kernel memory, the printk log and kallsyms; the part of struct
 * ct_vmcore the library reads (the CLI sees the opaque public side in
 * analyzer/vmcore.h).
 *
 * Two ways in, one pipeline:
 *  - ct_vmcore_open_memory() reads an ELF vmcore (/proc/vmcore as saved by
 *    kdump, QEMU "dump-guest-memory" with or without paging): its PT_LOADs
 *    become the physical (and, when they carry virtual addresses, the
 *    virtual) memory source, its VMCOREINFO note the layout, its
 *    NT_PRSTATUS notes the CPUs.
 *  - ct_vmcore_open_source() takes VMCOREINFO text and a struct
 *    ct_kmem_source from any other dump format (kdump-compressed); the
 *    format adds CPUs with ct_vmcore_add_prstatus() and losses with
 *    ct_vmcore_add_loss().
 * After that, ct_vmcore_dmesg() and ct_kallsyms_load() work the same way.
 *
 * Everything read from the dump is untrusted: tables and loops are capped,
 * and what could not be read is written into losses[], never dropped.
 */


enum {
	CT_VMCORE_MAX_CPUS = 8192,	/* NT_PRSTATUS notes kept */
	CT_VMCORE_MAX_SEGMENTS = 1u << 22, /* program headers read */
	CT_VMCORE_MAX_NOTES = 1u << 16,	/* notes walked */
	CT_VMCORE_MAX_INFO = 1u << 20,	/* bytes of VMCOREINFO text */
	CT_VMCORE_MAX_INFO_LINES = 8192, /* VMCOREINFO entries kept */
	CT_VMCORE_MAX_LOSSES = 64,	/* completeness remarks kept */
};

/* One KEY=VALUE line of VMCOREINFO. */
struct ct_vmcoreinfo_entry {
	char *key;	/* "SYMBOL(prb)", "OSRELEASE" */
	char *value;	/* as written, printable */
};

/* VMCOREINFO, parsed. */
struct ct_vmcoreinfo {
	struct ct_vmcoreinfo_entry *entries; /* sorted by key */
	size_t count, cap;
	size_t bad_lines;	/* lines without '=' or over the cap */
};

/* Parse text (not NUL-terminated, may hold NULs) into vi, which must be
 * zeroed.  Lines without '=' are counted, not fatal. */
struct ct_error *ct_vmcoreinfo_parse(struct ct_vmcoreinfo *vi,
				     const char *text, size_t len);
void ct_vmcoreinfo_deinit(struct ct_vmcoreinfo *vi);
/* The value of key, or NULL. */
const char *ct_vmcoreinfo_get(const struct ct_vmcoreinfo *vi,
			      const char *key);
/* SYMBOL(name) as an address (hex). */
bool ct_vmcoreinfo_symbol(const struct ct_vmcoreinfo *vi, const char *name,
			  uint64_t *ret);
/* OFFSET(name), SIZE(name), LENGTH(name) (decimal, >= 0). */
bool ct_vmcoreinfo_offset(const struct ct_vmcoreinfo *vi, const char *name,
			  uint64_t *ret);
bool ct_vmcoreinfo_size(const struct ct_vmcoreinfo *vi, const char *name,
			uint64_t *ret);
bool ct_vmcoreinfo_length(const struct ct_vmcoreinfo *vi, const char *name,
			  uint64_t *ret);
/* NUMBER(name) (decimal, may be negative). */
bool ct_vmcoreinfo_number(const struct ct_vmcoreinfo *vi, const char *name,
			  int64_t *ret);

/* One CPU: an NT_PRSTATUS note. */
struct ct_vmcore_cpu {
	int pid;		/* pr_pid: the task's pid (kdump) or the
				 * vCPU number + 1 (QEMU) */
	bool has_regs;		/* the register block was complete */
	uint64_t pc, sp, fp;	/* rip, rsp, rbp */
};

/* One PT_LOAD of an ELF vmcore. */
struct ct_vmcore_segment {
	uint64_t paddr;		/* p_paddr */
	uint64_t vaddr;		/* p_vaddr, 0 when physical only */
	uint64_t memsz;		/* p_memsz */
	uint64_t offset;	/* p_offset */
	uint64_t filesz;	/* min(p_filesz, p_memsz) */
	uint64_t avail;		/* bytes of filesz present in the file */
	uint64_t max_end;	/* largest paddr + memsz up to this one
				 * (by paddr order), for overlap lookups */
};

struct ct_vmcore {
	const char *path;	/* borrowed; for messages */
	const char *format;	/* "elf", or what open_source was told */
	const unsigned char *buf; /* ELF image, borrowed; NULL otherwise */
	size_t len;
	struct ct_vmcore_segment *segs;	/* by paddr */
	size_t seg_count;
	struct ct_vmcore_segment *vsegs; /* by vaddr, virtual ones only */
	size_t vseg_count;
	bool has_virtual;	/* PT_LOADs carry kernel virtual addresses */
	bool has_vmcoreinfo;	/* a VMCOREINFO note or text was given */
	bool qemu;		/* QEMU notes: written by dump-guest-memory */
	struct ct_vmcoreinfo info;
	struct ct_vmcore_cpu *cpus;
	size_t cpu_count, cpu_cap;
	size_t cpus_dropped;	/* over CT_VMCORE_MAX_CPUS */
	struct ct_kmem *kmem;	/* kernel memory */
	unsigned notes_left;	/* notes still to be walked, of
				 * CT_VMCORE_MAX_NOTES for the whole dump */
	char **losses;		/* completeness record, one line each */
	size_t loss_count, loss_cap;
	size_t losses_dropped;
	/* what the dump format behind open_source() keeps open (a kdump
	 * reader): released by ct_vmcore_destroy() */
	void (*release)(void *state);
	void *release_state;
	/* the file ct_vmcore_open_file() mapped, or NULL: unmapped by
	 * ct_vmcore_destroy() */
	void *map;
	size_t map_len;
};

/* Does buf look like an ELF kernel vmcore (ET_CORE with a VMCOREINFO
 * note, or, when the notes are cut off, PT_LOADs with physical or kernel
 * virtual addresses that no user-space core has)? */
bool ct_vmcore_sniff(const char *buf, size_t len);

/*
 * ct_vmcore_open_memory - read an ELF vmcore image [buf, buf+len) named
 * path (both borrowed, must outlive the vmcore).  A file cut short still
 * opens with what it holds; the loss is in losses[].  Fails with
 * CT_ERROR_NOT_RECOGNISED for no ELF core, CT_ERROR_UNSUPPORTED for other
 * machines.  Free with ct_vmcore_destroy().
 */
struct ct_error *ct_vmcore_open_memory(const char *path, const void *buf,
				       size_t len, struct ct_vmcore **ret);

/*
 * ct_vmcore_open_source - the same pipeline for another dump format:
 * info/info_len is the VMCOREINFO text (may be NULL: then only physical
 * reads work), src the dump's memory (copied; src->state is borrowed and
 * must outlive the vmcore), format a static name ("kdump").
 */
struct ct_error *ct_vmcore_open_source(const char *path, const char *format,
				       const char *info, size_t info_len,
				       const struct ct_kmem_source *src,
				       struct ct_vmcore **ret);
/* ct_vmcore_destroy(): analyzer/vmcore.h. */

/* Any kernel dump: an ELF vmcore or a kdump-compressed file (flattened or
 * diskdump, kdump-vmcore.c)? */
bool ct_vmcore_sniff_any(const char *buf, size_t len);
/* Open either: [buf, buf+len) is the file named path (both borrowed). */
struct ct_error *ct_vmcore_open_any(const char *path, const void *buf,
				    size_t len, struct ct_vmcore **ret);

struct ct_symtab;
/* Add the symbols of path to t: the kernel's kallsyms when path is a
 * kernel dump, else path read as a symbol list (ct_symtab_add_file()). */
struct ct_error *ct_symtab_add_dump_or_file(struct ct_symtab *t,
					    const char *path);

/* Add a CPU from an NT_PRSTATUS descriptor (x86_64 struct elf_prstatus). */
struct ct_error *ct_vmcore_add_prstatus(struct ct_vmcore *vc,
					const unsigned char *desc,
					size_t len);
/* Add the CPUs of a block of ELF notes (a kdump-compressed dump's):
 * NT_PRSTATUS and QEMU notes as an ELF vmcore's; VMCOREINFO ignored. */
struct ct_error *ct_vmcore_add_notes(struct ct_vmcore *vc,
				     const unsigned char *notes, size_t len);
/* Add a completeness remark (capped at CT_VMCORE_MAX_LOSSES). */
struct ct_error *ct_vmcore_add_loss(struct ct_vmcore *vc, const char *fmt,
				    ...) __attribute__((format(printf, 2, 3)));


/* ------------------------------------------------------------------------
 * The kernel's types, tasks and stacks (kbtf.c, ktask.c, orc.c)
 * ------------------------------------------------------------------------ */

/*
 * What a triager asks of a kernel dump after its log: the tasks and their
 * stacks, with nothing but the dump.  The kernel's types come from its own
 * BTF (kbtf.c: __start_BTF..__stop_BTF, parsed by libbpf), the task list
 * is walked from init_task with those offsets (ktask.c), and every task's
 * stack is unwound with the kernel's own ORC tables (orc.c), named with
 * kallsyms.  struct ct_kernel (public side: analyzer/vmcore.h) holds all
 * of it for one open dump.
 */

enum {
	CT_KBTF_MAX_BYTES = 64u << 20,	/* a 6.1 kernel's BTF: ~4 MiB */
	CT_ORC_ENTRY_SIZE = 6,		/* bytes of one struct orc_entry */
	CT_ORC_MAX_ENTRIES = 1u << 23,	/* a 6.1 kernel: ~370k */
	CT_ORC_MAX_FRAMES = 128,	/* frames of one stack */
	CT_ORC_MAX_STACK = 64u << 10,	/* bytes of one stack read at once */
	CT_KTASK_MAX = 1u << 20,	/* tasks walked */
	CT_KERNEL_MAX_NOTES = 64,	/* remarks kept */
	CT_KMOD_MAX = 1u << 14,		/* modules walked */
	CT_KMOD_MAX_SYM_BYTES = 64u << 20, /* modules' symbols read, in all */
};

/* Module space on x86_64 (MODULES_VADDR .. MODULES_END). */
#define CT_KERNEL_MODULES_LO 0xffffffffc0000000ull
#define CT_KERNEL_MODULES_HI 0xffffffffff000000ull

/* ---- BTF (kbtf.c) ---- */

struct ct_kbtf;

/* A member's place in its struct: byte offset and size. */
struct ct_kbtf_field {
	uint64_t offset;
	uint64_t size;
	const char *type_name;	/* its struct or union's name, NULL for
				 * other types; valid while the BTF is */
	uint32_t type_id;	/* its type, typedefs not skipped */
};

/* Parse the raw BTF blob [data, data+len) (copied: data may go) with
 * libbpf, loaded on first use.  Errors: CT_ERROR_UNSUPPORTED when libbpf
 * cannot be loaded or len is over CT_KBTF_MAX_BYTES, CT_ERROR_CORRUPT when
 * libbpf rejects the blob.  Free with ct_kbtf_destroy(). */
struct ct_error *ct_kbtf_parse(const void *data, size_t len,
			       struct ct_kbtf **ret);
/* Parse a module's BTF [data, data+len), split BTF on base (which must
 * outlive it).  Errors as ct_kbtf_parse()'s. */
struct ct_error *ct_kbtf_parse_split(const void *data, size_t len,
				     const struct ct_kbtf *base,
				     struct ct_kbtf **ret);
/* Read the kernel's BTF from km, between kallsyms' __start_BTF and
 * __stop_BTF.  CT_ERROR_NOT_FOUND, saying why, when there is none. */
struct ct_error *ct_kbtf_read(struct ct_kmem *km, struct ct_kallsyms *ks,
			      struct ct_kbtf **ret);
void ct_kbtf_destroy(struct ct_kbtf *b);
size_t ct_kbtf_type_count(const struct ct_kbtf *b);
size_t ct_kbtf_bytes(const struct ct_kbtf *b);
/* The size of struct (or union) name. */
bool ct_kbtf_struct_size(const struct ct_kbtf *b, const char *name,
			 uint64_t *ret);
/* The member at path ("tasks", "thread.sp", "thread_info.cpu": members
 * of anonymous structs and unions are found through them) of struct type.
 * False when a part is missing or the member is a bit field. */
bool ct_kbtf_member(const struct ct_kbtf *b, const char *type,
		    const char *path, struct ct_kbtf_field *ret);

/* For code that walks types itself (a member plan, walk/kernel.c) with
 * libbpf's inline helpers of <bpf/btf.h>: */
struct btf_type;
/* The type of id (0 is void: NULL), or NULL. */
const struct btf_type *ct_kbtf_type_at(const struct ct_kbtf *b, uint32_t id);
/* The type of *id with typedefs and qualifiers skipped (*id updated), or
 * NULL (void, a bad id, a loop of typedefs). */
const struct btf_type *ct_kbtf_strip(const struct ct_kbtf *b, uint32_t *id);
/* A name from the string section ("" when none). */
const char *ct_kbtf_name(const struct ct_kbtf *b, uint32_t name_off);
/* Bytes of type id, negative when it has no size. */
int64_t ct_kbtf_type_size(const struct ct_kbtf *b, uint32_t id);
/* The struct (or union) called name. */
bool ct_kbtf_find_struct(const struct ct_kbtf *b, const char *name,
			 uint32_t *ret_id);

/* ---- ORC (orc.c) ---- */

/* Entry types, in the version-3 numbering every version is decoded to. */
enum ct_orc_type {
	CT_ORC_TYPE_UNDEFINED = 0,
	CT_ORC_TYPE_END_OF_STACK = 1,
	CT_ORC_TYPE_CALL = 2,
	CT_ORC_TYPE_REGS = 3,
	CT_ORC_TYPE_REGS_PARTIAL = 4,
};

/* One ORC entry, decoded. */
struct ct_orc_entry {
	int16_t sp_offset, bp_offset;
	unsigned sp_reg, bp_reg;	/* ORC_REG_* */
	unsigned type;			/* enum ct_orc_type, or more: bad */
	bool signal;			/* look up ip, not ip - 1, next */
};

/* The kernel's ORC table, read. */
struct ct_orc {
	uint64_t *ips;		/* absolute addresses, sorted */
	unsigned char *entries;	/* CT_ORC_ENTRY_SIZE bytes each */
	size_t count;
	int version;		/* 1, 2 or 3 (orc.c's header) */
};

/* Take count entries: ip_table (4 bytes each, relative to ip_table_va +
 * 4 * i) and entries (CT_ORC_ENTRY_SIZE each), both copied.  Fails with
 * CT_ERROR_CORRUPT when the ips are not sorted. */
struct ct_error *ct_orc_init(struct ct_orc *o, const unsigned char *ip_table,
			     uint64_t ip_table_va,
			     const unsigned char *entries, size_t count,
			     int version);
void ct_orc_deinit(struct ct_orc *o);
/* The entry covering ip; false before the first. */
bool ct_orc_find(const struct ct_orc *o, uint64_t ip,
		 struct ct_orc_entry *ret);

/* A module's code and its ORC table. */
struct ct_orc_text {
	uint64_t lo, hi;
	const struct ct_orc *orc;
};

/* Where a walk starts and what it may read. */
struct ct_orc_walk_input {
	const struct ct_orc *orc;
	struct ct_kmem *km;
	uint64_t ip, sp, bp;	/* the first frame */
	bool signal;		/* ip is exact (registers), not a return */
	uint64_t stack_lo, stack_hi; /* the task's stack, for reading and
				 * the scan; 0, 0 when unknown */
	uint64_t text_lo, text_hi; /* vmlinux text (_stext .. _etext) */
	uint64_t init_lo, init_hi; /* and its init text (_sinittext ..
				 * _einittext): what the ORC table covers */
	const struct ct_orc_text *modules; /* modules' code with their own
				 * ORC, or NULL */
	size_t module_count;
};

struct ct_orc_frame {
	uint64_t pc;
	bool reliable;		/* found by ORC, not by the scan */
	bool regs;		/* a pt_regs frame is between this frame
				 * and the next (interrupt, exception) */
};

struct ct_orc_trace {
	struct ct_orc_frame *frames;
	size_t count, cap;
	char *end;		/* how the walk ended, one line */
	bool complete;		/* it reached the end of the stack or user
				 * mode by ORC alone */
	bool scanned;		/* frames after the ORC ones were scanned */
	bool capped;		/* over CT_ORC_MAX_FRAMES */
};

/* Unwind from in; *ret is filled (deinit it) unless out of memory. */
struct ct_error *ct_orc_walk(const struct ct_orc_walk_input *in,
			     struct ct_orc_trace *ret);
void ct_orc_trace_deinit(struct ct_orc_trace *t);

/* Does the instruction before ret look like a call (call rel32, or an
 * indirect call through a register or memory), so that ret is a return
 * address?  For stack scans. */
bool ct_kmem_is_after_call(struct ct_kmem *km, uint64_t ret);

/* ---- tasks (ktask.c) ---- */

/* Offsets of what is read of a task, from BTF. */
struct ct_ktask_layout {
	uint64_t tasks;		/* task_struct.tasks (list_head) */
	uint64_t pid, tgid;	/* int */
	uint64_t comm;		/* char[16] */
	uint64_t state;		/* __state (unsigned int) or state (long) */
	uint64_t state_size;	/* 4 or 8 */
	uint64_t exit_state;	/* int */
	uint64_t flags;		/* unsigned int: PF_KTHREAD */
	uint64_t cpu;		/* thread_info.cpu or cpu, when has_cpu */
	bool has_cpu;
	uint64_t stack;		/* void *stack */
	uint64_t thread_sp;	/* thread.sp */
	uint64_t thread_group;	/* thread_group list_head, when has_tg */
	bool has_thread_group;
	uint64_t frame_bp, frame_ret; /* inactive_task_frame bp, ret_addr */
	uint64_t frame_size;	/* sizeof(struct inactive_task_frame) */
};

/* Fill l from BTF; false, with *ret_missing naming the first member BTF
 * lacks, when task_struct cannot be read with it. */
bool ct_ktask_layout_read(const struct ct_kbtf *b, struct ct_ktask_layout *l,
			  const char **ret_missing);

/* One of a module's symbols. */
struct ct_kmod_sym {
	uint64_t address;
	size_t name;		/* offset in the module's strtab copy */
};

/* A module as read (kmod.c). */
struct ct_kmod_data {
	struct ct_kmodule mod;	/* what ct_kernel_modules() shows */
	struct ct_orc orc;	/* its own ORC table, count 0 when none */
	struct ct_kmod_sym *syms; /* its code's symbols, by address */
	size_t sym_count;
	char *strtab;		/* NUL-terminated copy */
	size_t strtab_len;
	struct ct_kbtf *btf;	/* its own types, split on the kernel's;
				 * NULL when it has none (ct_kernel_btf_for) */
};

/* The kernel's ORC format version (1, 2 or 3: orc.c), from its symbols
 * and OSRELEASE; modules' tables have the kernel's. */
int ct_kernel_orc_version(const struct ct_kernel *k);
/* The module whose code holds addr, or NULL (modules read). */
const struct ct_kmod_data *ct_kernel_module_at(const struct ct_kernel *k,
					       uint64_t addr);
/* The name of the module symbol at or before addr, *ret_offset from it. */
const char *ct_kmod_symbol(const struct ct_kmod_data *d, uint64_t addr,
			   uint64_t *ret_offset);
void ct_kmod_data_deinit(struct ct_kmod_data *d);
/* The BTF that holds struct (or union) name: the kernel's, else a loaded
 * module's own (read once from the kernel's btf_modules list, where it
 * keeps each module's .BTF, and parsed split on the kernel's); NULL when
 * none has it.  What could not be read goes to k's notes. */
const struct ct_kbtf *ct_kernel_btf_for(struct ct_kernel *k, const char *name);

struct ct_symtab;

struct ct_kernel {
	struct ct_vmcore *vc;	/* borrowed */
	struct ct_kmem *km;	/* vc's */
	struct ct_kallsyms *ks;	/* owned when owns_ks */
	bool owns_ks;
	struct ct_symtab *syms;	/* kallsyms' text symbols, for names (made
				 * with orc on the first unwind) */
	uint64_t text_lo, text_hi; /* _stext .. _etext */
	uint64_t init_lo, init_hi; /* _sinittext .. _einittext */
	struct ct_kbtf *btf;	/* NULL when the kernel has none */
	bool has_layout;	/* lay was filled from btf */
	struct ct_ktask_layout lay;
	struct ct_orc orc;	/* count 0 when not read */
	bool unwind_ready;	/* orc and syms were made (first unwind) */
	struct ct_kmod_data *mods; /* ct_kernel_modules(): list order */
	size_t mod_count, mod_cap;
	size_t mod_orc_entries;	/* of every module so far: one budget of
				 * CT_ORC_MAX_ENTRIES for them all */
	size_t mod_sym_bytes;	/* symbols and strtabs of every module so
				 * far: one budget of CT_KMOD_MAX_SYM_BYTES */
	bool mods_read;
	bool mod_btf_read;	/* ct_kernel_btf_for() read the modules' */
	struct ct_kmodule *mod_view; /* the public part, mod_count */
	struct ct_orc_text *mod_orc; /* modules with ORC, for walks */
	size_t mod_orc_count;
	int panic_cpu;		/* -1 when unknown */
	struct ct_ktask *tasks;	/* read by ct_kernel_tasks() */
	size_t task_count, task_cap;
	bool tasks_read;
	size_t panic_task;	/* index, or SIZE_MAX */
	char **notes;		/* what could not be done, one line each */
	size_t note_count, note_cap;
};

/* ct_kernel_open() with kallsyms already decoded: ks is borrowed and must
 * outlive *ret. */
struct ct_error *ct_kernel_open_ks(struct ct_vmcore *vc, struct ct_kallsyms *ks,
				   struct ct_kernel **ret);
/* Add a remark to k's notes (capped). */
struct ct_error *ct_kernel_add_note(struct ct_kernel *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- the printk log (printk.c) ------------------------------------------ */

/* struct ct_dmesg_stats and ct_vmcore_dmesg(): analyzer/vmcore.h. */

/* Lower-level entry used by ct_vmcore_dmesg and fuzzers. */
struct ct_error *ct_printk_read(struct ct_kmem *km,
				const struct ct_vmcoreinfo *vi,
				struct ct_strbuf *out,
				struct ct_dmesg_stats *stats);

/* ---- the extractor (extract/vmcore.c) ----------------------------------- */

extern const struct ct_extractor ct_extractor_vmcore;

/* Add what vc holds to c (facts, the log through the Linux kernel-log
 * extractor, per-CPU pcs named with kallsyms, completeness notes): the
 * extractor's work after opening, for vmcores of any format. */
struct ct_error *ct_vmcore_extract(struct ct_case *c, struct ct_vmcore *vc);

/* ------------------------------------------------------------------------
 * kdump-compressed dumps (kdump.c, kdump-vmcore.c, kdump-libkdumpfile.c)
 * ------------------------------------------------------------------------ */

/*
 * Reading kdump-compressed Linux kernel dumps (makedumpfile's
 * "KDUMP   " diskdump format, and its flattened stream form that QEMU's
 * dump-guest-memory format=kdump-* writes).  Private to libcrashtriage.
 *
 * A flattened dump is a 4 KiB header starting "makedumpfile" followed by
 * (offset, size, data) records that, written at their offsets, give the
 * diskdump file.  ct_kdump_open() does that into an anonymous temporary
 * file ($TMPDIR, else /tmp, else memfd), checking every record, and
 * remembers which byte ranges were written, so that a dump cut short reads
 * back as "not in the dump" instead of as zeroes.
 *
 * NEEDSWORK: the rearranged copy costs as much temporary space as the dump;
 * now that stored and zlib pages are read here, reading them straight from
 * the stream (an index of record offsets) would need none.
 *
 * The diskdump header, sub-header, bitmaps and page descriptors are checked
 * and looked up here, and stored and zlib pages (QEMU's kdump-zlib,
 * makedumpfile -c) read here.  LZO, snappy and zstd pages go to
 * libkdumpfile, opened only when the first such page is read: its open
 * path can be crashed by a crafted header (0.5.1).  Without libkdumpfile
 * those pages read as not dumped.
 */


/* Caps: a hostile dump cannot make us allocate or write without bound. */
enum {
	CT_KDUMP_FLAT_HEADER_SIZE = 4096, /* makedumpfile's flat header */
	CT_KDUMP_MAX_EXTENTS = 1 << 22,	/* disjoint written ranges kept */
	CT_KDUMP_MAX_VMCOREINFO = 1 << 20, /* bytes of VMCOREINFO */
};

/* Bytes a flattened stream may place beyond its own length (holes between
 * records): real streams leave next to none. */
#define CT_KDUMP_MAX_HOLE_BYTES ((uint64_t)1 << 30)
/* Bytes of one bitmap copied into memory (2^31 pages with 4 KiB pages,
 * 8 TiB of RAM); a larger dump fails with CT_ERROR_UNSUPPORTED. */
#define CT_KDUMP_MAX_BITMAP ((uint64_t)256 << 20)

struct ct_kdump;

/* One byte range [start, end) of the diskdump image that holds data. */
struct ct_kdump_extent {
	uint64_t start, end;
};

/* What rearranging a flattened stream produced. */
struct ct_kdump_flat {
	uint64_t size;		/* bytes of the diskdump image (highest end) */
	uint64_t records;	/* data records written */
	bool truncated;		/* the stream ends before its end marker */
	uint64_t truncated_at;	/* input offset of the cut (when truncated) */
	struct ct_kdump_extent *extents; /* written ranges, sorted, disjoint */
	size_t extent_count;
	size_t extent_cap;
};

/* Does buf start like a flattened ("makedumpfile", NUL-padded to 16 bytes)
 * or diskdump ("KDUMP   ") kdump file? */
bool ct_kdump_sniff(const char *buf, size_t len);

/*
 * ct_kdump_open - open the kdump file path whose bytes are [buf, buf+len)
 * (usually a read-only mmap of it; borrowed, must outlive the dump, never
 * written).  path is copied and used in messages; a diskdump file is also
 * opened by path for libkdumpfile (when that fails or the file changed,
 * buf is copied to a temporary file instead).
 *
 * Fails with CT_ERROR_NOT_RECOGNISED when buf is no kdump file,
 * CT_ERROR_TRUNCATED when the headers or bitmaps are cut off (offset set),
 * CT_ERROR_CORRUPT for impossible records or headers (offset set),
 * CT_ERROR_UNSUPPORTED for 32-bit or oversized dumps, CT_ERROR_OS when
 * the temporary file cannot be
 * written.  A dump whose page data is cut off still opens: reads of the
 * lost pages say CT_CORE_MEM_TRUNCATED.  Free with ct_kdump_destroy().
 */
struct ct_error *ct_kdump_open(const char *path, const void *buf, size_t len,
			       struct ct_kdump **ret);
void ct_kdump_destroy(struct ct_kdump *k);

/* The raw VMCOREINFO text (KEY=VALUE lines) and its length in *len, or
 * NULL (*len = 0) when the dump has none.  Owned by k. */
const char *ct_kdump_vmcoreinfo(const struct ct_kdump *k, size_t *len);
/* The dump's ELF notes (each CPU's NT_PRSTATUS), or NULL. */
const unsigned char *ct_kdump_notes(const struct ct_kdump *k, size_t *len);

/* "kdump-flattened" or "kdump". */
const char *ct_kdump_format(const struct ct_kdump *k);

/*
 * ct_kdump_read_phys - copy up to n bytes of physical memory at paddr into
 * dst.  *ret_read is the number of bytes copied (a prefix of the range);
 * the return value says why the copy stopped when short:
 * CT_CORE_MEM_UNMAPPED for a page the machine did not have (past the last
 * page frame, or not in the dump's memory map), CT_CORE_MEM_NOT_DUMPED for
 * a page makedumpfile left out (or a page whose record is unreadable),
 * CT_CORE_MEM_TRUNCATED for a page whose data the file lost at its end.
 */
enum ct_core_mem ct_kdump_read_phys(struct ct_kdump *k, uint64_t paddr,
				    void *dst, size_t n, size_t *ret_read);

/* Page size of the dump (the diskdump block size). */
uint32_t ct_kdump_page_size(const struct ct_kdump *k);
/* Number of page frames the dump describes (max_mapnr). */
uint64_t ct_kdump_max_pfn(const struct ct_kdump *k);
/* Was the flattened stream cut short?  Sets *ret_offset to the input
 * offset of the cut. */
bool ct_kdump_is_truncated(const struct ct_kdump *k, uint64_t *ret_offset);

/*
 * ct_kdump_flat_rearrange - write the diskdump image held in the flattened
 * stream [buf, buf+len) (named path in errors) to fd, at the records'
 * offsets, as `makedumpfile -R` does.  Later records overwrite earlier
 * ones.  Fills *ret (free its extents with ct_kdump_flat_deinit()) even
 * when the stream is cut short (ret->truncated).  Fails with
 * CT_ERROR_NOT_RECOGNISED (no flat header), CT_ERROR_UNSUPPORTED (other
 * header type or version, too many disjoint ranges), CT_ERROR_CORRUPT
 * (negative or oversized record, an image larger than
 * len + CT_KDUMP_MAX_HOLE_BYTES), CT_ERROR_OS (write failed).
 */
struct ct_error *ct_kdump_flat_rearrange(const char *path, const void *buf,
					 size_t len, int fd,
					 struct ct_kdump_flat *ret);
void ct_kdump_flat_deinit(struct ct_kdump_flat *flat);

/* ---- page decompression backend (libkdumpfile) ---------------------------
 * kdump.c checks the file itself and asks the backend for page contents.
 */

enum ct_kdump_backend_read {
	CT_KDUMP_BACKEND_OK = 0,
	CT_KDUMP_BACKEND_NODATA,	/* the backend says: not stored */
	CT_KDUMP_BACKEND_EOF,		/* the backend hit the end of file */
	CT_KDUMP_BACKEND_ERROR,		/* corrupt page, bad compression */
};

#ifdef HAVE_LIBKDUMPFILE
static inline bool ct_kdump_have_backend(void)
{
	return true;
}
/* Open the diskdump image in fd (kept open by the caller until close).
 * Errors name path. */
struct ct_error *ct_kdump_backend_open(const char *path, int fd,
				       void **ret_state);
/* Read n bytes (within one page) at physical address paddr. */
enum ct_kdump_backend_read ct_kdump_backend_read(void *state, uint64_t paddr,
						 void *dst, size_t n,
						 size_t *ret_read);
void ct_kdump_backend_close(void *state);
#else
static inline bool ct_kdump_have_backend(void)
{
	return false;
}
static inline struct ct_error *ct_kdump_backend_open(const char *path, int fd,
						     void **ret_state)
{
	(void)fd;
	(void)ret_state;
	return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
		"kdump-compressed dump, but this crashtriage was built without libkdumpfile"),
		path, 0, 0, false);
}
static inline enum ct_kdump_backend_read ct_kdump_backend_read(void *state,
	uint64_t paddr, void *dst, size_t n, size_t *ret_read)
{
	(void)state; (void)paddr; (void)dst; (void)n;
	*ret_read = 0;
	return CT_KDUMP_BACKEND_ERROR;
}
static inline void ct_kdump_backend_close(void *state)
{
	(void)state;
}
#endif

#endif /* CT_DUMP_H */
