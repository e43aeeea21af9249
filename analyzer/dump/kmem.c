/* SPDX-License-Identifier: MIT */
/*
 * kmem.c - kernel virtual memory over a dump's physical memory (kmem.h).
 *
 * The page-table walk follows the x86_64 format (Intel SDM vol. 3, 4.5):
 * each level is a 4 KiB table of 512 little-endian entries; bit 0 is
 * "present", bit 7 at the PUD and PMD levels makes the entry a 1 GiB or
 * 2 MiB page, and bits 51:12 hold the next physical address.  Every walk
 * has at most five steps, and table pages are cached because the printk
 * ring and the kallsyms tables are read page after page through the same
 * few tables.
 */
#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/error.h"

#define PTE_PRESENT	0x1ull
#define PTE_PSE		0x80ull
#define PTE_ADDR_MASK	0x000ffffffffff000ull
#define PAGE_1G_MASK	0x000fffffc0000000ull
#define PAGE_2M_MASK	0x000fffffffe00000ull

struct ct_error *ct_kmem_create(const struct ct_kmem_source *src,
				struct ct_kmem **ret)
{
	struct ct_kmem *km = calloc(1, sizeof(*km));
	if (!km)
		return &ct_enomem;
	km->cache = calloc(CT_KMEM_CACHE_PAGES, sizeof(*km->cache));
	if (!km->cache) {
		free(km);
		return &ct_enomem;
	}
	km->src = *src;
	*ret = km;
	return NULL;
}

void ct_kmem_destroy(struct ct_kmem *km)
{
	if (!km)
		return;
	free(km->cache);
	free(km);
}

struct ct_error *ct_kmem_set_page_tables(struct ct_kmem *km,
					 uint64_t init_top_pgt,
					 uint64_t phys_base, bool l5)
{
	if (init_top_pgt < CT_KMEM_START_KERNEL_MAP ||
	    (init_top_pgt & (CT_KMEM_PAGE - 1)))
		return ct_error_corrupt(NULL, 0,
					"init_top_pgt 0x%llx is no page of the "
					"kernel image mapping",
					(unsigned long long)init_top_pgt);
	km->pgd = init_top_pgt - CT_KMEM_START_KERNEL_MAP + phys_base;
	km->l5 = l5;
	km->has_pgt = true;
	memset(km->tlb, 0, sizeof(km->tlb));
	return NULL;
}

enum ct_core_mem ct_kmem_read_phys(struct ct_kmem *km, uint64_t paddr,
				   void *dst, size_t n, size_t *ret_read)
{
	size_t got = 0;
	enum ct_core_mem st = km->src.read_phys(km->src.state, paddr, dst, n,
						&got);
	if (got > n)	/* a source bug must not look like more data */
		got = n;
	*ret_read = got;
	if (st == CT_CORE_MEM_OK && got < n)
		st = CT_CORE_MEM_NOT_DUMPED;
	return st;
}

/* One page-table entry at paddr (8-byte aligned), through the cache. */
static enum ct_core_mem table_entry(struct ct_kmem *km, uint64_t paddr,
				    uint64_t *ret)
{
	uint64_t page = paddr & ~(uint64_t)(CT_KMEM_PAGE - 1);
	size_t slot = (size_t)((page >> 12) % CT_KMEM_CACHE_PAGES);
	struct ct_kmem_cache_page *cp = &km->cache[slot];
	if (!cp->used || cp->paddr != page) {
		size_t got;
		enum ct_core_mem st = ct_kmem_read_phys(km, page, cp->data,
							CT_KMEM_PAGE, &got);
		if (st != CT_CORE_MEM_OK) {
			cp->used = false;
			/* a table page that is not there: the address may be
			 * mapped, we cannot tell */
			return st == CT_CORE_MEM_UNMAPPED
				? CT_CORE_MEM_NOT_DUMPED : st;
		}
		cp->paddr = page;
		cp->used = true;
	}
	size_t off = (size_t)(paddr & (CT_KMEM_PAGE - 1) & ~(uint64_t)7);
	*ret = ct_le64(cp->data + off);
	return CT_CORE_MEM_OK;
}

enum ct_core_mem ct_kmem_translate(struct ct_kmem *km, uint64_t vaddr,
				   uint64_t *ret_paddr)
{
	if (!km->has_pgt)
		return CT_CORE_MEM_UNMAPPED;
	/* a non-canonical address (the bits above the top level's not all
	 * equal: a flipped high bit, say) faults on x86_64; the tables,
	 * which ignore those bits, would find another address's page */
	int64_t high = (int64_t)vaddr >> (km->l5 ? 56 : 47);
	if (high != 0 && high != -1)
		return CT_CORE_MEM_UNMAPPED;
	uint64_t vpage = vaddr & ~(uint64_t)(CT_KMEM_PAGE - 1);
	struct ct_kmem_tlb_entry *te =
		&km->tlb[(vpage >> 12) % CT_KMEM_TLB];
	if (te->used && te->vpage == vpage) {
		*ret_paddr = te->ppage | (vaddr & (CT_KMEM_PAGE - 1));
		return CT_CORE_MEM_OK;
	}
	/* shifts of the levels, top first: PGD (PML5), P4D, PUD, PMD, PTE */
	static const unsigned shifts5[] = { 48, 39, 30, 21, 12 };
	const unsigned *shifts = km->l5 ? shifts5 : shifts5 + 1;
	unsigned levels = km->l5 ? 5 : 4;
	uint64_t table = km->pgd & PTE_ADDR_MASK;
	for (unsigned l = 0; l < levels; l++) {
		unsigned shift = shifts[l];
		uint64_t index = (vaddr >> shift) & 511;
		uint64_t entry;
		enum ct_core_mem st = table_entry(km, table + index * 8,
						  &entry);
		if (st != CT_CORE_MEM_OK) {
			km->walk_not_dumped++;
			return st;
		}
		if (!(entry & PTE_PRESENT))
			return CT_CORE_MEM_UNMAPPED;
		uint64_t paddr;
		if (shift == 30 && (entry & PTE_PSE)) {
			paddr = (entry & PAGE_1G_MASK) |
				(vaddr & ((1ull << 30) - 1));
		} else if (shift == 21 && (entry & PTE_PSE)) {
			paddr = (entry & PAGE_2M_MASK) |
				(vaddr & ((1ull << 21) - 1));
		} else if (shift == 12) {
			paddr = (entry & PTE_ADDR_MASK) |
				(vaddr & (CT_KMEM_PAGE - 1));
		} else {
			table = entry & PTE_ADDR_MASK;
			continue;
		}
		te->vpage = vpage;
		te->ppage = paddr & ~(uint64_t)(CT_KMEM_PAGE - 1);
		te->used = true;
		*ret_paddr = paddr;
		return CT_CORE_MEM_OK;
	}
	return CT_CORE_MEM_UNMAPPED;	/* not reached: the PTE level ends */
}

enum ct_core_mem ct_kmem_read(struct ct_kmem *km, uint64_t vaddr, void *dst,
			      size_t n, size_t *ret_read)
{
	unsigned char *out = dst;
	size_t done = 0;
	enum ct_core_mem st = CT_CORE_MEM_OK;
	/* the dump's own mapping first: one call may cover everything */
	if (km->src.read_virt) {
		size_t got = 0;
		st = km->src.read_virt(km->src.state, vaddr, out, n, &got);
		done = got > n ? n : got;
		if (done == n) {
			*ret_read = n;
			return CT_CORE_MEM_OK;
		}
		/* outside the dump's mapping: the page tables may know */
		if (st != CT_CORE_MEM_UNMAPPED || !km->has_pgt) {
			*ret_read = done;
			return st == CT_CORE_MEM_OK ? CT_CORE_MEM_NOT_DUMPED
						    : st;
		}
	}
	/* page by page through the tables: at most n / 4096 + 1 steps */
	st = CT_CORE_MEM_OK;
	while (done < n) {
		uint64_t va = vaddr + done;
		if (va < vaddr) {	/* wrapped around the address space */
			st = CT_CORE_MEM_UNMAPPED;
			break;
		}
		size_t chunk = CT_KMEM_PAGE - (size_t)(va & (CT_KMEM_PAGE - 1));
		if (chunk > n - done)
			chunk = n - done;
		uint64_t pa;
		st = ct_kmem_translate(km, va, &pa);
		if (st != CT_CORE_MEM_OK)
			break;
		size_t got;
		st = ct_kmem_read_phys(km, pa, out + done, chunk, &got);
		done += got;
		if (st != CT_CORE_MEM_OK)
			break;
	}
	*ret_read = done;
	return done == n ? CT_CORE_MEM_OK : st;
}

bool ct_kmem_read_u64(struct ct_kmem *km, uint64_t vaddr, uint64_t *ret)
{
	unsigned char b[8];
	size_t got;
	if (ct_kmem_read(km, vaddr, b, sizeof(b), &got) != CT_CORE_MEM_OK)
		return false;
	*ret = ct_le64(b);
	return true;
}

bool ct_kmem_read_u32(struct ct_kmem *km, uint64_t vaddr, uint32_t *ret)
{
	unsigned char b[4];
	size_t got;
	if (ct_kmem_read(km, vaddr, b, sizeof(b), &got) != CT_CORE_MEM_OK)
		return false;
	*ret = ct_le32(b);
	return true;
}

const char *ct_kmem_status_name(enum ct_core_mem status)
{
	switch (status) {
	case CT_CORE_MEM_OK:
		return "read";
	case CT_CORE_MEM_NOT_DUMPED:
		return "not in the dump";
	case CT_CORE_MEM_TRUNCATED:
		return "past the end of the cut file";
	case CT_CORE_MEM_UNMAPPED:
		return "not mapped";
	}
	return "unreadable";
}

bool ct_kmem_is_after_call(struct ct_kmem *km, uint64_t ret)
{
	unsigned char b[8];
	size_t got;
	if (ret < 8 || ct_kmem_read(km, ret - 8, b, sizeof(b), &got) !=
			       CT_CORE_MEM_OK)
		return false;
	if (b[3] == 0xe8)	/* call rel32: 5 bytes */
		return true;
	/* ff /2: call through a register or memory, 2, 3, 6 or 7 bytes */
	static const int lens[] = { 2, 3, 6, 7 };
	for (size_t i = 0; i < CT_ARRAY_SIZE(lens); i++) {
		const unsigned char *op = b + 8 - lens[i];
		if (op[0] == 0xff && ((op[1] >> 3) & 7) == 2)
			return true;
	}
	return false;
}
