/* SPDX-License-Identifier: MIT */
/*
 * vmcore-image.h - small crafted kernel memory images for the vmcore tests
 * and the fuzz seeds: a printk lockless ring with records of every kind
 * (plain, multi-line, unprintable, dataless, wrapped, truncated, not
 * committed), an old log_buf ring, kallsyms tables (token expansion, a
 * two-byte name length, absolute per-CPU and relative addresses), x86_64
 * page tables, and an ELF vmcore holding all of it.
 *
 * Kernel memory lives at IMG_VBASE (virtual) = IMG_PBASE (physical),
 * mapped by a 2 MiB page; the page tables are at physical 0x1000.  The
 * layouts follow VMCOREINFO of a Debian 6.1 kernel.
 */
#ifndef CT_TEST_VMCORE_IMAGE_H
#define CT_TEST_VMCORE_IMAGE_H

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IMG_VBASE 0xffffffff90000000ull
#define IMG_PBASE 0x200000ull
#define IMG_PGT_PHYS 0x1000ull
#define IMG_PGT_VIRT (0xffffffff80000000ull + IMG_PGT_PHYS)
/* kallsyms_relative_base: _stext, with _bar (at +0x2000) inside the
 * image so that a stack scan can check the call before a return address */
#define IMG_KSYM_BASE (IMG_VBASE + 0xc00)

enum {
	IMG_MEM = 0x3000,		/* bytes of kernel memory */
	IMG_PGT = 0x3000,		/* three table pages */
	/* where things are in kernel memory */
	IMG_PRB_PTR = 0x0,
	IMG_RB = 0x100,
	IMG_DESCS = 0x1000,
	IMG_INFOS = 0x1800,
	IMG_DATA = 0x2000,		/* 256 bytes */
	IMG_KS_NUM = 0x2200,
	IMG_KS_BASE = 0x2208,
	IMG_KS_OFFSETS = 0x2210,		/* 6 entries */
	IMG_KS_INDEX = 0x2300,
	IMG_KS_TABLE = 0x2500,
	IMG_KS_NAMES = 0x2600,
	IMG_OLD_PTR = 0x2900,
	IMG_OLD_LEN = 0x2908,
	IMG_OLD_FIRST = 0x2910,
	IMG_OLD_NEXT = 0x2914,
	IMG_OLD_BUF = 0x2a00,		/* 128 bytes */
	IMG_COUNT_BITS = 4,
	IMG_SIZE_BITS = 8,
	IMG_DESC_SIZE = 24,
	IMG_INFO_SIZE = 88,
};

struct vimg {
	unsigned char mem[IMG_MEM];
	unsigned char pgt[IMG_PGT];
	char info[8192];	/* VMCOREINFO text */
	size_t info_len;
};

static inline void vimg_put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void vimg_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void vimg_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void vimg_info(struct vimg *m, const char *line)
{
	size_t n = strlen(line);
	if (m->info_len + n + 1 < sizeof(m->info)) {
		memcpy(m->info + m->info_len, line, n);
		m->info[m->info_len + n] = '\n';
		m->info_len += n + 1;
		m->info[m->info_len] = '\0';
	}
}

static inline void vimg_sym(struct vimg *m, const char *name, uint64_t va)
{
	char line[128];
	snprintf(line, sizeof(line), "SYMBOL(%s)=%llx", name,
		 (unsigned long long)va);
	vimg_info(m, line);
}

/* One lockless ring record: descriptor id, state, lpos and info. */
static inline void vimg_record(struct vimg *m, uint64_t id, unsigned state,
			       uint64_t begin, uint64_t next, uint64_t ts,
			       uint16_t text_len, const char *text,
			       size_t text_bytes)
{
	size_t i = (size_t)(id % (1u << IMG_COUNT_BITS));
	unsigned char *d = m->mem + IMG_DESCS + i * IMG_DESC_SIZE;
	unsigned char *in = m->mem + IMG_INFOS + i * IMG_INFO_SIZE;
	vimg_put64(d, (uint64_t)state << 62 | id);
	vimg_put64(d + 8, begin);
	vimg_put64(d + 16, next);
	vimg_put64(in + 8, ts);
	vimg_put16(in + 16, text_len);
	if (text && !(begin & 1)) {
		/* a block whose end wraps is stored at the ring's start */
		size_t size = 1u << IMG_SIZE_BITS;
		size_t at = next % size <= begin % size ? 0 : begin % size;
		vimg_put64(m->mem + IMG_DATA + at, id);
		memcpy(m->mem + IMG_DATA + at + 8, text, text_bytes);
	}
}

/* What vimg_build()'s ring prints, as vmcore-dmesg would. */
static const char vimg_expected_log[] =
	"[    1.500000] hello\n"
	"[    2.000001] a\nb\\x01\\xff\n"
	"[    3.000000] \n"
	"[    4.000000] wrap!\n"
	"[12345.678901] trunc\\x00\\x00\\x00\n";

static const char vimg_expected_old_log[] =
	"[    7.000000] first\n"
	"[    8.250000] second\n";

/* Fill m: rings, kallsyms, page tables, VMCOREINFO (lockless when
 * lockless, else the old log_buf). */
static inline void vimg_build(struct vimg *m, bool lockless)
{
	memset(m, 0, sizeof(*m));
	unsigned char *mem = m->mem;
	/* ---- lockless ring: prb -> rb */
	vimg_put64(mem + IMG_PRB_PTR, IMG_VBASE + IMG_RB);
	unsigned char *rb = mem + IMG_RB;
	vimg_put32(rb + 0, IMG_COUNT_BITS);			/* count_bits */
	vimg_put64(rb + 8, IMG_VBASE + IMG_DESCS);		/* descs */
	vimg_put64(rb + 16, IMG_VBASE + IMG_INFOS);		/* infos */
	vimg_put64(rb + 24, 21);				/* head_id */
	vimg_put64(rb + 32, 16);				/* tail_id */
	vimg_put32(rb + 48, IMG_SIZE_BITS);			/* size_bits */
	vimg_put64(rb + 56, IMG_VBASE + IMG_DATA);		/* data */
	vimg_record(m, 16, 1, 256 + 16, 256 + 32, 1500000000ull, 5,
		    "hello", 5);
	vimg_record(m, 17, 2, 256 + 32, 256 + 48, 2000001000ull, 5,
		    "a\nb\x01\xff", 5);
	vimg_record(m, 18, 0, 256 + 48, 256 + 64, 2500000000ull, 3,
		    "no!", 3);					/* reserved */
	vimg_record(m, 19, 2, 1, 1, 3000000000ull, 0, NULL, 0);	/* dataless */
	vimg_record(m, 20, 2, 256 + 240, 512 + 16, 4000000000ull, 5,
		    "wrap!", 5);
	vimg_record(m, 21, 1, 512 + 64, 512 + 80, 12345678901234ull, 100,
		    "trunc", 5);
	/* ---- old log_buf: "first" at 64, wrap marker at 88, "second" at 0 */
	vimg_put64(mem + IMG_OLD_PTR, IMG_VBASE + IMG_OLD_BUF);
	vimg_put32(mem + IMG_OLD_LEN, 128);
	vimg_put32(mem + IMG_OLD_FIRST, 64);
	vimg_put32(mem + IMG_OLD_NEXT, 24);
	unsigned char *ob = mem + IMG_OLD_BUF;
	vimg_put64(ob + 64, 7000000000ull);
	vimg_put16(ob + 64 + 8, 24);
	vimg_put16(ob + 64 + 10, 5);
	memcpy(ob + 64 + 16, "first", 5);
	vimg_put64(ob + 0, 8250000000ull);
	vimg_put16(ob + 8, 24);
	vimg_put16(ob + 10, 6);
	memcpy(ob + 16, "second", 6);
	/* ---- kallsyms */
	static const char table[] =
		"Tfo\0o\0_bar\0t\0D\0percpu_x\0T_stext\0T_etext";
	static const uint16_t toff[] = { 0, 4, 6, 11, 13, 15, 24, 32 };
	memcpy(mem + IMG_KS_TABLE, table, sizeof(table));
	for (int i = 0; i < 8; i++)
		vimg_put16(mem + IMG_KS_INDEX + 2 * i, toff[i]);
	unsigned char *nm = mem + IMG_KS_NAMES;
	size_t n = 0;
	nm[n++] = 2; nm[n++] = 0; nm[n++] = 1;		/* T foo */
	nm[n++] = 2; nm[n++] = 3; nm[n++] = 2;		/* t _bar */
	nm[n++] = 2; nm[n++] = 4; nm[n++] = 5;		/* D percpu_x */
	nm[n++] = 0x83; nm[n++] = 1;			/* 131 tokens */
	nm[n++] = 3;					/* t */
	for (int i = 0; i < 130; i++)
		nm[n++] = 1;				/* o x 130 */
	nm[n++] = 1; nm[n++] = 6;			/* T _stext */
	nm[n++] = 1; nm[n++] = 7;			/* T _etext */
	vimg_put32(mem + IMG_KS_NUM, 6);
	vimg_put64(mem + IMG_KS_BASE, IMG_KSYM_BASE);
	vimg_put32(mem + IMG_KS_OFFSETS + 0, (uint32_t)-0x1001);
	vimg_put32(mem + IMG_KS_OFFSETS + 4, (uint32_t)-0x2001);
	vimg_put32(mem + IMG_KS_OFFSETS + 8, 0x20);
	vimg_put32(mem + IMG_KS_OFFSETS + 12, (uint32_t)-0x3001);
	vimg_put32(mem + IMG_KS_OFFSETS + 16, (uint32_t)-1);
	vimg_put32(mem + IMG_KS_OFFSETS + 20, (uint32_t)-0x2401);
	/* the stack at +0x800 holds _bar+0x10, after a call rel32, and a
	 * word that is text but follows no call */
	vimg_put64(mem + 0x800, IMG_KSYM_BASE + 0x2010);
	mem[0xc00 + 0x2010 - 5] = 0xe8;
	vimg_put64(mem + 0x808, IMG_KSYM_BASE + 0x2020);
	/* ---- page tables: PML4 at 0x1000, PDPT 0x2000, PD 0x3000, one
	 * 2 MiB page for IMG_VBASE at IMG_PBASE */
	uint64_t va = IMG_VBASE;
	vimg_put64(m->pgt + ((va >> 39) & 511) * 8, 0x2000 | 0x3);
	vimg_put64(m->pgt + 0x1000 + ((va >> 30) & 511) * 8, 0x3000 | 0x3);
	vimg_put64(m->pgt + 0x2000 + ((va >> 21) & 511) * 8,
		   IMG_PBASE | 0x83);
	/* ---- VMCOREINFO */
	vimg_info(m, "OSRELEASE=6.1.0-test-amd64");
	vimg_info(m, "BUILD-ID=00112233445566778899aabbccddeeff00112233");
	vimg_info(m, "PAGESIZE=4096");
	vimg_info(m, "KERNELOFFSET=0");
	vimg_info(m, "CRASHTIME=1763773200");
	vimg_sym(m, "init_top_pgt", IMG_PGT_VIRT);
	vimg_info(m, "NUMBER(phys_base)=0");
	vimg_info(m, "NUMBER(pgtable_l5_enabled)=0");
	vimg_sym(m, "kallsyms_names", IMG_VBASE + IMG_KS_NAMES);
	vimg_sym(m, "kallsyms_num_syms", IMG_VBASE + IMG_KS_NUM);
	vimg_sym(m, "kallsyms_token_table", IMG_VBASE + IMG_KS_TABLE);
	vimg_sym(m, "kallsyms_token_index", IMG_VBASE + IMG_KS_INDEX);
	vimg_sym(m, "kallsyms_offsets", IMG_VBASE + IMG_KS_OFFSETS);
	vimg_sym(m, "kallsyms_relative_base", IMG_VBASE + IMG_KS_BASE);
	if (lockless) {
		vimg_sym(m, "prb", IMG_VBASE + IMG_PRB_PTR);
		static const char *const lines[] = {
			"OFFSET(printk_ringbuffer.desc_ring)=0",
			"OFFSET(printk_ringbuffer.text_data_ring)=48",
			"OFFSET(prb_desc_ring.count_bits)=0",
			"OFFSET(prb_desc_ring.descs)=8",
			"OFFSET(prb_desc_ring.infos)=16",
			"OFFSET(prb_desc_ring.head_id)=24",
			"OFFSET(prb_desc_ring.tail_id)=32",
			"SIZE(prb_desc)=24",
			"OFFSET(prb_desc.state_var)=0",
			"OFFSET(prb_desc.text_blk_lpos)=8",
			"OFFSET(prb_data_blk_lpos.begin)=0",
			"OFFSET(prb_data_blk_lpos.next)=8",
			"SIZE(printk_info)=88",
			"OFFSET(printk_info.seq)=0",
			"OFFSET(printk_info.ts_nsec)=8",
			"OFFSET(printk_info.text_len)=16",
			"OFFSET(prb_data_ring.size_bits)=0",
			"OFFSET(prb_data_ring.data)=8",
			"OFFSET(atomic_long_t.counter)=0",
		};
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
			vimg_info(m, lines[i]);
	} else {
		vimg_sym(m, "log_buf", IMG_VBASE + IMG_OLD_PTR);
		vimg_sym(m, "log_buf_len", IMG_VBASE + IMG_OLD_LEN);
		vimg_sym(m, "log_first_idx", IMG_VBASE + IMG_OLD_FIRST);
		vimg_sym(m, "log_next_idx", IMG_VBASE + IMG_OLD_NEXT);
		vimg_info(m, "SIZE(printk_log)=16");
		vimg_info(m, "OFFSET(printk_log.ts_nsec)=0");
		vimg_info(m, "OFFSET(printk_log.len)=8");
		vimg_info(m, "OFFSET(printk_log.text_len)=10");
	}
}

/*
 * Write m as an ELF vmcore into out (cap bytes); returns its length or 0.
 * paging: the memory PT_LOAD carries IMG_VBASE (QEMU paging: true), else
 * virtual addresses are 0 and readers must walk the page tables.
 */
static inline size_t vimg_elf(const struct vimg *m, bool paging,
			      unsigned char *out, size_t cap)
{
	size_t notes_len = 12 + 8 + 336 + 12 + 12 + ((m->info_len + 3) & ~3u);
	size_t phoff = 64, nph = 3;
	size_t notes_off = phoff + nph * 56;
	size_t pgt_off = (notes_off + notes_len + 15) & ~(size_t)15;
	size_t mem_off = pgt_off + IMG_PGT;
	size_t total = mem_off + IMG_MEM;
	if (total > cap)
		return 0;
	memset(out, 0, total);
	memcpy(out, ELFMAG, SELFMAG);
	out[EI_CLASS] = ELFCLASS64;
	out[EI_DATA] = ELFDATA2LSB;
	out[EI_VERSION] = EV_CURRENT;
	vimg_put16(out + 16, ET_CORE);
	vimg_put16(out + 18, EM_X86_64);
	vimg_put32(out + 20, EV_CURRENT);
	vimg_put64(out + 32, phoff);
	vimg_put16(out + 52, 64);
	vimg_put16(out + 54, 56);
	vimg_put16(out + 56, (uint16_t)nph);
	unsigned char *ph = out + phoff;
	vimg_put32(ph, PT_NOTE);
	vimg_put64(ph + 8, notes_off);
	vimg_put64(ph + 32, notes_len);
	vimg_put64(ph + 40, notes_len);
	ph += 56;
	vimg_put32(ph, PT_LOAD);
	vimg_put64(ph + 8, pgt_off);
	vimg_put64(ph + 16, paging ? 0xffff888000000000ull + IMG_PGT_PHYS : 0);
	vimg_put64(ph + 24, IMG_PGT_PHYS);
	vimg_put64(ph + 32, IMG_PGT);
	vimg_put64(ph + 40, IMG_PGT);
	ph += 56;
	vimg_put32(ph, PT_LOAD);
	vimg_put64(ph + 8, mem_off);
	vimg_put64(ph + 16, paging ? IMG_VBASE : 0);
	vimg_put64(ph + 24, IMG_PBASE);
	vimg_put64(ph + 32, IMG_MEM);
	vimg_put64(ph + 40, IMG_MEM);
	unsigned char *n = out + notes_off;
	vimg_put32(n, 5);
	vimg_put32(n + 4, 336);
	vimg_put32(n + 8, NT_PRSTATUS);
	memcpy(n + 12, "CORE", 5);
	unsigned char *pr = n + 20;
	vimg_put32(pr + 32, 1);				/* pid */
	vimg_put64(pr + 112 + 16 * 8, IMG_KSYM_BASE + 0x1010); /* rip */
	vimg_put64(pr + 112 + 19 * 8, IMG_VBASE + 0x800);	/* rsp */
	n += 20 + 336;
	vimg_put32(n, 11);
	vimg_put32(n + 4, (uint32_t)m->info_len);
	vimg_put32(n + 8, 0);
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 24, m->info, m->info_len);
	memcpy(out + pgt_off, m->pgt, IMG_PGT);
	memcpy(out + mem_off, m->mem, IMG_MEM);
	return total;
}

#endif /* CT_TEST_VMCORE_IMAGE_H */
