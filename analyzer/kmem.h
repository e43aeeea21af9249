/*
 * kmem.h - reading the memory of a crashed Linux kernel (x86_64) from a
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
#ifndef CT_KMEM_H
#define CT_KMEM_H

#include "core.h"

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

#endif /* CT_KMEM_H */
