/*
 * vmcore.h - Linux kernel crash dumps (x86_64): VMCOREINFO, per-CPU
 * registers, kernel memory, the printk log and kallsyms.  Private to
 * libcrashtriage.
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
#ifndef CT_VMCORE_H
#define CT_VMCORE_H

#include "kmem.h"

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
void ct_vmcore_destroy(struct ct_vmcore *vc);

/* Any kernel dump: an ELF vmcore or a kdump-compressed file (flattened or
 * diskdump, vmcore-kdump.c)? */
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

/* ---- the printk log (printk.c) ------------------------------------------ */

/* What the log reader saw. */
struct ct_dmesg_stats {
	size_t records;		/* records printed */
	size_t uncommitted;	/* records still being written (or reused)
				 * at the crash: left out, as vmcore-dmesg
				 * does */
	size_t skipped;		/* records in pages the dump lacks */
	uint64_t bytes_missing;	/* ring bytes that could not be read */
	const char *layout;	/* "lockless" or "log_buf" */
};

/*
 * ct_vmcore_dmesg - append the kernel log to out, formatted as
 * vmcore-dmesg (kexec-tools) prints it: "[%5llu.%06llu] " and the text,
 * bytes that are neither printable nor space as "\xNN", one "\n" per
 * record.  The 5.10+ lockless ring (SYMBOL(prb)) is read, else the
 * variable-length log_buf of 3.5 .. 5.9.  Unreadable parts of the ring are
 * skipped and counted in *stats (may be NULL); fails with
 * CT_ERROR_NOT_FOUND when VMCOREINFO names neither ring, or when the ring
 * header itself cannot be read.
 */
struct ct_error *ct_vmcore_dmesg(struct ct_vmcore *vc, struct ct_strbuf *out,
				 struct ct_dmesg_stats *stats);

/* Lower-level entry used by ct_vmcore_dmesg and fuzzers. */
struct ct_error *ct_printk_read(struct ct_kmem *km,
				const struct ct_vmcoreinfo *vi,
				struct ct_strbuf *out,
				struct ct_dmesg_stats *stats);

/* ---- the extractor (extract-vmcore.c) ----------------------------------- */

extern const struct ct_extractor ct_extractor_vmcore;

/* Add what vc holds to c (facts, the log through the Linux kernel-log
 * extractor, per-CPU pcs named with kallsyms, completeness notes): the
 * extractor's work after opening, for vmcores of any format. */
struct ct_error *ct_vmcore_extract(struct ct_case *c, struct ct_vmcore *vc);

#endif /* CT_VMCORE_H */
