/*
 * core.h - reading Linux user-space ELF core files (kernel-written and
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
 * The unwinders (analyzer/unwind-*.c) sit behind struct ct_unwinder_ops and
 * the elf-core extractor (extract-core.c) picks one at run time.
 */
#ifndef CT_CORE_H
#define CT_CORE_H

#include <libelf.h>

#include "internal.h"

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

/* How a memory read went. */
enum ct_core_mem {
	CT_CORE_MEM_OK = 0,	/* all bytes read */
	CT_CORE_MEM_NOT_DUMPED,	/* mapped, left out by the writer */
	CT_CORE_MEM_TRUNCATED,	/* mapped and dumped, but the file ends */
	CT_CORE_MEM_UNMAPPED,	/* no segment covers the address */
};

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

#endif /* CT_CORE_H */
