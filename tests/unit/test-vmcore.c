/* SPDX-License-Identifier: MIT */
/*
 * test-vmcore.c - kernel dumps over crafted memory: VMCOREINFO parsing,
 * x86_64 page-table translation (4 KiB, 2 MiB and 1 GiB pages, 4 and 5
 * levels, not-present entries, table pages the dump lacks), the printk
 * lockless ring and the old log_buf printed as vmcore-dmesg prints them,
 * kallsyms decoding, ELF vmcores with and without virtual addresses, every
 * prefix of a vmcore opening without harm, and hostile ring headers.
 *
 * "test-vmcore --write-seeds DIR" writes the crafted ELF vmcores as fuzz
 * seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "analyzer/dump/dump.h"
#include "symbolizers/kallsyms.h"
#include "tests/unit/helpers.h"
#include "tests/unit/vmcore-image.h"

static unsigned char elf_buf[64 * 1024];

/* ---- VMCOREINFO ---------------------------------------------------------- */

static void test_vmcoreinfo(void **state)
{
	(void)state;
	static const char text[] =
		"OSRELEASE=6.1.0-56-cloud-amd64\n"
		"SYMBOL(prb)=ffffffff8d6622c0\n"
		"OFFSET(prb_desc.text_blk_lpos)=8\n"
		"NUMBER(phys_base)=-90177536\n"
		"SIZE(printk_info)=88\n"
		"LENGTH(printk_info_device)=48\n"
		"no equals sign here\n"
		"SYMBOL(bad)=xyz\n"
		"OFFSET(neg)=-4\n"
		"=novalue\n"
		"\0\0\0garbage after the NUL";
	struct ct_vmcoreinfo vi = { 0 };
	assert_null(ct_vmcoreinfo_parse(&vi, text, sizeof(text) - 1));
	uint64_t v;
	int64_t n;
	assert_string_equal(ct_vmcoreinfo_get(&vi, "OSRELEASE"),
			    "6.1.0-56-cloud-amd64");
	assert_true(ct_vmcoreinfo_symbol(&vi, "prb", &v));
	assert_int_equal(v, 0xffffffff8d6622c0ull);
	assert_true(ct_vmcoreinfo_offset(&vi, "prb_desc.text_blk_lpos", &v));
	assert_int_equal(v, 8);
	assert_true(ct_vmcoreinfo_number(&vi, "phys_base", &n));
	assert_int_equal(n, -90177536);
	assert_true(ct_vmcoreinfo_size(&vi, "printk_info", &v));
	assert_int_equal(v, 88);
	assert_true(ct_vmcoreinfo_length(&vi, "printk_info_device", &v));
	assert_int_equal(v, 48);
	assert_false(ct_vmcoreinfo_symbol(&vi, "bad", &v));
	assert_false(ct_vmcoreinfo_offset(&vi, "neg", &v));
	assert_false(ct_vmcoreinfo_symbol(&vi, "missing", &v));
	assert_null(ct_vmcoreinfo_get(&vi, "garbage after the NUL"));
	assert_int_equal(vi.bad_lines, 2);
	ct_vmcoreinfo_deinit(&vi);
}

/* ---- page tables ------------------------------------------------------- */

struct phys {
	unsigned char buf[0x10000];
	uint64_t hole;		/* a page the "dump" lacks */
};

static enum ct_core_mem phys_read(void *state, uint64_t paddr, void *dst,
				  size_t n, size_t *ret_read)
{
	struct phys *p = state;
	size_t done = 0;
	while (done < n) {
		uint64_t a = paddr + done;
		if (a >= sizeof(p->buf) || (a & ~0xfffull) == p->hole) {
			*ret_read = done;
			return CT_CORE_MEM_NOT_DUMPED;
		}
		((unsigned char *)dst)[done++] = p->buf[a];
	}
	*ret_read = done;
	return CT_CORE_MEM_OK;
}

#define VA_4K 0xffff888000005000ull
#define VA_2M 0xffff888000201234ull
#define VA_1G 0xffff888040000000ull
#define VA_NP 0xffff888000006000ull
#define VA_HOLE 0xffff888080000000ull

static void build_tables(struct phys *p)
{
	memset(p, 0, sizeof(*p));
	p->hole = 0x9000;
	vimg_put64(p->buf + 0x1000 + ((VA_4K >> 39) & 511) * 8, 0x2000 | 3);
	vimg_put64(p->buf + 0x2000 + 0 * 8, 0x3000 | 3);	/* 1st GiB */
	vimg_put64(p->buf + 0x2000 + 1 * 8, 0x40000000 | 0x83); /* 1 GiB */
	vimg_put64(p->buf + 0x2000 + 2 * 8, 0x9000 | 3);	/* in hole */
	vimg_put64(p->buf + 0x3000 + 0 * 8, 0x4000 | 3);	/* PT */
	vimg_put64(p->buf + 0x3000 + 1 * 8, 0x0 | 0x83);	/* 2 MiB */
	vimg_put64(p->buf + 0x4000 + 5 * 8,
		   0x8000000000008000ull | 3);	/* NX bit set */
	memcpy(p->buf + 0x8000, "four-k page", 12);
	memcpy(p->buf + 0x8ff0, "0123456789abcdef", 16);
	memcpy(p->buf + 0x1234, "two-m page", 11);
	/* five levels: PML5 at 0xa000 points at the PML4 */
	vimg_put64(p->buf + 0xa000 + ((VA_4K >> 48) & 511) * 8, 0x1000 | 3);
}

static void check_walks(struct ct_kmem *km)
{
	uint64_t pa;
	char buf[32];
	size_t got;
	assert_int_equal(ct_kmem_translate(km, VA_4K + 3, &pa),
			 CT_CORE_MEM_OK);
	assert_int_equal(pa, 0x8003);
	assert_int_equal(ct_kmem_read(km, VA_4K, buf, 12, &got),
			 CT_CORE_MEM_OK);
	assert_string_equal(buf, "four-k page");
	assert_int_equal(ct_kmem_translate(km, VA_2M, &pa), CT_CORE_MEM_OK);
	assert_int_equal(pa, 0x1234);
	assert_int_equal(ct_kmem_read(km, VA_2M, buf, 11, &got),
			 CT_CORE_MEM_OK);
	assert_string_equal(buf, "two-m page");
	assert_int_equal(ct_kmem_translate(km, VA_1G + 0x10, &pa),
			 CT_CORE_MEM_OK);
	assert_int_equal(pa, 0x40000010);
	/* mapped, but the page is not in the dump */
	assert_int_equal(ct_kmem_read(km, VA_1G, buf, 4, &got),
			 CT_CORE_MEM_NOT_DUMPED);
	assert_int_equal(got, 0);
	assert_int_equal(ct_kmem_translate(km, VA_NP, &pa),
			 CT_CORE_MEM_UNMAPPED);
	assert_int_equal(ct_kmem_translate(km, VA_HOLE, &pa),
			 CT_CORE_MEM_NOT_DUMPED);
	/* a read across a page into an unmapped one keeps its prefix */
	assert_int_equal(ct_kmem_read(km, VA_4K + 0xff0, buf, 32, &got),
			 CT_CORE_MEM_UNMAPPED);
	assert_int_equal(got, 16);
	assert_memory_equal(buf, "0123456789abcdef", 16);
	/* one high bit flipped: non-canonical, a fault on x86_64, though the
	 * tables (which ignore bits 48-63) would map it */
	assert_int_equal(ct_kmem_translate(km, VA_4K ^ (1ull << 56), &pa),
			 CT_CORE_MEM_UNMAPPED);
	assert_int_equal(ct_kmem_read(km, VA_4K ^ (1ull << 50), buf, 4, &got),
			 CT_CORE_MEM_UNMAPPED);
	/* the top of the address space does not wrap around */
	assert_int_not_equal(ct_kmem_read(km, UINT64_MAX - 2, buf, 8, &got),
			     CT_CORE_MEM_OK);
}

static void test_page_tables(void **state)
{
	(void)state;
	static struct phys p;
	build_tables(&p);
	struct ct_kmem_source src = { .read_phys = phys_read, .state = &p };
	struct ct_kmem *km;
	assert_null(ct_kmem_create(&src, &km));
	uint64_t pa;
	/* no tables yet */
	assert_int_equal(ct_kmem_translate(km, VA_4K, &pa),
			 CT_CORE_MEM_UNMAPPED);
	struct ct_error *err = ct_kmem_set_page_tables(km, 0x1000, 0, false);
	assert_non_null(err);	/* not a kernel image address */
	ct_error_destroy(err);
	/* phys_base moves the kernel image, here below where it was linked
	 * (negative, as in the QEMU dumps): virt - map + base = 0x1000 */
	assert_null(ct_kmem_set_page_tables(
		km, CT_KMEM_START_KERNEL_MAP + 0x201000, (uint64_t)-0x200000,
		false));
	check_walks(km);
	check_walks(km);	/* again, through the caches */
	ct_kmem_destroy(km);

	assert_null(ct_kmem_create(&src, &km));
	assert_null(ct_kmem_set_page_tables(
		km, CT_KMEM_START_KERNEL_MAP + 0xa000, 0, true));
	check_walks(km);
	ct_kmem_destroy(km);
}

/* ---- printk and kallsyms over ELF vmcores -------------------------------- */

static struct ct_vmcore *open_image(const struct vimg *m, bool paging,
				    size_t *ret_len)
{
	size_t len = vimg_elf(m, paging, elf_buf, sizeof(elf_buf));
	assert_int_not_equal(len, 0);
	assert_true(ct_vmcore_sniff((const char *)elf_buf, len));
	struct ct_vmcore *vc;
	assert_null(ct_vmcore_open_memory("image", elf_buf, len, &vc));
	if (ret_len)
		*ret_len = len;
	return vc;
}

static void check_log(struct ct_vmcore *vc, const char *want,
		      size_t want_records)
{
	struct ct_strbuf out = CT_STRBUF_INIT;
	struct ct_dmesg_stats st;
	assert_null(ct_vmcore_dmesg(vc, &out, &st));
	assert_non_null(out.buf);
	assert_string_equal(out.buf, want);
	assert_int_equal(st.records, want_records);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.bytes_missing, 0);
	ct_strbuf_deinit(&out);
}

static void test_printk_lockless(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, true);
	for (int paging = 0; paging < 2; paging++) {
		struct ct_vmcore *vc = open_image(&m, paging, NULL);
		assert_int_equal(vc->has_virtual, paging);
		assert_int_equal(vc->loss_count, 0);
		check_log(vc, vimg_expected_log, 5);
		struct ct_strbuf out = CT_STRBUF_INIT;
		struct ct_dmesg_stats st;
		assert_null(ct_vmcore_dmesg(vc, &out, &st));
		assert_int_equal(st.uncommitted, 1);	/* record 18 */
		assert_string_equal(st.layout, "lockless");
		ct_strbuf_deinit(&out);
		ct_vmcore_destroy(vc);
	}
}

static void test_printk_old(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, false);
	struct ct_vmcore *vc = open_image(&m, false, NULL);
	check_log(vc, vimg_expected_old_log, 2);
	ct_vmcore_destroy(vc);
}

static void test_printk_hostile(void **state)
{
	(void)state;
	static struct vimg m;
	struct ct_strbuf out = CT_STRBUF_INIT;
	struct ct_dmesg_stats st;
	/* tail far behind head: bounded by the ring's 16 descriptors */
	vimg_build(&m, true);
	vimg_put64(m.mem + IMG_RB + 32, 0);
	vimg_put64(m.mem + IMG_RB + 24, 0x3fffffffffffffffull);
	struct ct_vmcore *vc = open_image(&m, true, NULL);
	assert_null(ct_vmcore_dmesg(vc, &out, &st));
	assert_true(st.records + st.uncommitted + st.skipped <= 17);
	ct_vmcore_destroy(vc);
	ct_strbuf_deinit(&out);
	/* a descriptor count no kernel has */
	vimg_build(&m, true);
	vimg_put32(m.mem + IMG_RB, 40);
	vc = open_image(&m, true, NULL);
	struct ct_error *err = ct_vmcore_dmesg(vc, &out, &st);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_CORRUPT);
	ct_error_destroy(err);
	ct_vmcore_destroy(vc);
	ct_strbuf_deinit(&out);
	/* lpos pointing anywhere, text_len at its maximum */
	vimg_build(&m, true);
	for (unsigned i = 0; i < 16; i++) {
		vimg_put64(m.mem + IMG_DESCS + i * 24, 1ull << 62 | (16 + i));
		vimg_put64(m.mem + IMG_DESCS + i * 24 + 8, 0xfffffffffffffff8ull);
		vimg_put64(m.mem + IMG_DESCS + i * 24 + 16, 0x7);
		vimg_put16(m.mem + IMG_INFOS + i * 88 + 16, 0xffff);
	}
	vc = open_image(&m, false, NULL);
	assert_null(ct_vmcore_dmesg(vc, &out, &st));
	ct_vmcore_destroy(vc);
	ct_strbuf_deinit(&out);
	/* the ring's data pointer at an unmapped address */
	vimg_build(&m, true);
	vimg_put64(m.mem + IMG_RB + 56, 0xffffc90000000000ull);
	vc = open_image(&m, false, NULL);
	assert_null(ct_vmcore_dmesg(vc, &out, &st));
	assert_int_equal(st.records, 1);	/* only the dataless one */
	assert_int_equal(st.skipped, 4);
	assert_true(st.bytes_missing > 0);
	ct_vmcore_destroy(vc);
	ct_strbuf_deinit(&out);
}

static void test_kallsyms(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, true);
	for (int paging = 0; paging < 2; paging++) {
		struct ct_vmcore *vc = open_image(&m, paging, NULL);
		struct ct_kallsyms *ks;
		assert_null(ct_kallsyms_read(vc->kmem, &vc->info, &ks));
		assert_int_equal(ks->count, 6);
		assert_null(ks->loss);
		assert_true(ks->absolute_percpu);
		const struct ct_kallsyms_sym *s = ct_kallsyms_find(ks, "foo");
		assert_non_null(s);
		assert_int_equal(s->type, 'T');
		assert_int_equal(s->address, IMG_KSYM_BASE + 0x1000);
		s = ct_kallsyms_find(ks, "_bar");
		assert_non_null(s);
		assert_int_equal(s->type, 't');
		assert_int_equal(s->address, IMG_KSYM_BASE + 0x2000);
		s = ct_kallsyms_find(ks, "percpu_x");
		assert_non_null(s);
		assert_int_equal(s->type, 'D');
		assert_int_equal(s->address, 0x20);
		const char *big = ct_kallsyms_name(ks, &ks->syms[3]);
		assert_int_equal(strlen(big), 130);
		assert_int_equal(strspn(big, "o"), 130);
		assert_int_equal(ks->syms[3].address, IMG_KSYM_BASE + 0x3000);
		struct ct_symtab *t;
		assert_null(ct_symtab_create(&t));
		assert_null(ct_kallsyms_to_symtab(ks, t));
		struct ct_symtab_hit hit;
		assert_true(ct_symtab_lookup(t, IMG_KSYM_BASE + 0x1010, &hit));
		assert_string_equal(hit.name, "foo");
		assert_int_equal(hit.offset, 0x10);
		ct_symtab_destroy(t);
		ct_kallsyms_destroy(ks);
		ct_vmcore_destroy(vc);
	}
	/* names cut by an unreadable page keep the symbols before */
	vimg_build(&m, true);
	m.mem[IMG_KS_NAMES + 6] = 2;
	m.mem[IMG_KS_NAMES + 9] = 0xff;	/* 0x7f | 0xff << 7 tokens */
	m.mem[IMG_KS_NAMES + 10] = 0xff;
	struct ct_vmcore *vc = open_image(&m, true, NULL);
	struct ct_kallsyms *ks;
	assert_null(ct_kallsyms_read(vc->kmem, &vc->info, &ks));
	assert_int_equal(ks->count, 3);
	assert_non_null(ks->loss);
	ct_kallsyms_destroy(ks);
	ct_vmcore_destroy(vc);
}

/* ---- the ELF reader and the extractor ------------------------------------ */

static void test_sniff(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, true);
	size_t len = vimg_elf(&m, true, elf_buf, sizeof(elf_buf));
	assert_true(ct_vmcore_sniff((const char *)elf_buf, len));
	assert_int_equal(ct_sniff((const char *)elf_buf, len),
			 1u << CT_KIND_LINUX_VMCORE);
	/* without VMCOREINFO and with user addresses: a process core */
	memcpy(elf_buf + 64 + 56 * 3 + 20 + 336 + 12, "NOTVMCORE\0", 11);
	for (int i = 1; i < 3; i++) {
		vimg_put64(elf_buf + 64 + 56 * i + 16, 0x400000ull * i);
		vimg_put64(elf_buf + 64 + 56 * i + 24, 0);
	}
	assert_false(ct_vmcore_sniff((const char *)elf_buf, len));
	assert_int_equal(ct_sniff((const char *)elf_buf, len),
			 1u << CT_KIND_ELF_CORE);
	/* user cores hold the vsyscall page at a kernel address */
	vimg_put64(elf_buf + 64 + 56 * 2 + 16, 0xffffffffff600000ull);
	assert_false(ct_vmcore_sniff((const char *)elf_buf, len));
	/* ... even with their notes cut off */
	vimg_put64(elf_buf + 64 + 32, 1u << 20);
	assert_false(ct_vmcore_sniff((const char *)elf_buf, len));
	/* but a kernel address elsewhere, or a physical one, is a vmcore's */
	vimg_put64(elf_buf + 64 + 56 * 2 + 16, IMG_VBASE);
	assert_true(ct_vmcore_sniff((const char *)elf_buf, len));
	vimg_put64(elf_buf + 64 + 56 * 2 + 16, 0);
	vimg_put64(elf_buf + 64 + 56 * 2 + 24, IMG_PBASE);
	assert_true(ct_vmcore_sniff((const char *)elf_buf, len));
}

static void test_analyze(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, true);
	size_t len = vimg_elf(&m, false, elf_buf, sizeof(elf_buf));
	struct ct_case *c;
	assert_null(ct_analyze_buffer("image", (const char *)elf_buf, len,
				      &c));
	assert_int_equal(c->inputs[0].kinds, 1u << CT_KIND_LINUX_VMCORE);
	assert_true(has_fact(c, "linux.release", "6.1.0-test-amd64"));
	assert_true(has_fact(c, "vmcore.page_size", "4096"));
	assert_true(has_fact(c, "vmcore.crash_time", "2025-11-22T01:00:00Z"));
	assert_true(has_fact(c, "vmcore.log_records", "5"));
	assert_true(has_fact(c, "vmcore.kallsyms", "6"));
	assert_true(has_fact(c, "vmcore.cpus", "1"));
	assert_true(has_fact(c, "vmcore.format", "elf (physical only)"));
	const struct ct_backtrace *cpu = NULL;
	for (size_t i = 0; i < c->backtrace_count; i++)
		if (strncmp(c->backtraces[i].label, "cpu0 ", 5) == 0)
			cpu = &c->backtraces[i];
	assert_non_null(cpu);
	/* the pc, then the one stack word after a call */
	assert_int_equal(cpu->frame_count, 2);
	assert_string_equal(cpu->frames[0].function, "foo");
	assert_false(cpu->frames[0].reliable);
	assert_string_equal(cpu->frames[1].function, "_bar");
	assert_int_equal(cpu->frames[1].offset, 0x10);
	assert_false(cpu->frames[1].reliable);
	ct_case_destroy(c);
}

/* The path another dump format takes: VMCOREINFO text plus a physical
 * source (as kdump-compressed files will give) reach the same results. */
static enum ct_core_mem vimg_phys(void *state, uint64_t paddr, void *dst,
				  size_t n, size_t *ret_read)
{
	const struct vimg *m = state;
	size_t done = 0;
	while (done < n) {
		uint64_t a = paddr + done;
		unsigned char b;
		if (a >= IMG_PBASE && a - IMG_PBASE < IMG_MEM)
			b = m->mem[a - IMG_PBASE];
		else if (a >= IMG_PGT_PHYS && a - IMG_PGT_PHYS < IMG_PGT)
			b = m->pgt[a - IMG_PGT_PHYS];
		else
			break;
		((unsigned char *)dst)[done++] = b;
	}
	*ret_read = done;
	return done == n ? CT_CORE_MEM_OK : CT_CORE_MEM_NOT_DUMPED;
}

static void test_open_source(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, true);
	struct ct_kmem_source src = { .read_phys = vimg_phys, .state = &m };
	struct ct_vmcore *vc;
	assert_null(ct_vmcore_open_source("dump.kdump", "kdump", m.info,
					  m.info_len, &src, &vc));
	assert_int_equal(vc->loss_count, 0);
	check_log(vc, vimg_expected_log, 5);
	unsigned char pr[336] = { 0 };
	vimg_put32(pr + 32, 7);
	vimg_put64(pr + 112 + 16 * 8, IMG_KSYM_BASE + 0x2004);
	assert_null(ct_vmcore_add_prstatus(vc, pr, sizeof(pr)));
	struct ct_case *c;
	assert_null(ct_case_create("dump.kdump", &c));
	assert_null(ct_vmcore_extract(c, vc));
	assert_true(has_fact(c, "vmcore.format", "kdump"));
	assert_true(has_fact(c, "linux.release", "6.1.0-test-amd64"));
	assert_int_equal(c->backtrace_count, 1);
	assert_string_equal(c->backtraces[0].label, "cpu0 registers (pid 7)");
	assert_string_equal(c->backtraces[0].frames[0].function, "_bar");
	ct_case_destroy(c);
	ct_vmcore_destroy(vc);
	/* without VMCOREINFO: opens, says so, reads no log */
	assert_null(ct_vmcore_open_source("dump.kdump", "kdump", NULL, 0,
					  &src, &vc));
	assert_int_equal(vc->loss_count, 1);
	struct ct_strbuf out = CT_STRBUF_INIT;
	struct ct_error *err = ct_vmcore_dmesg(vc, &out, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_NOT_FOUND);
	ct_error_destroy(err);
	ct_strbuf_deinit(&out);
	ct_vmcore_destroy(vc);
}

/* Every prefix opens, reads what it can and says what it lost. */
static void test_prefixes(void **state)
{
	(void)state;
	static struct vimg m;
	vimg_build(&m, true);
	for (int paging = 0; paging < 2; paging++) {
		size_t len = vimg_elf(&m, paging, elf_buf, sizeof(elf_buf));
		for (size_t cut = 0; cut < len; cut += cut < 1024 ? 1 : 61) {
			struct ct_vmcore *vc;
			struct ct_error *err = ct_vmcore_open_memory(
				"cut", elf_buf, cut, &vc);
			if (err) {
				assert_true(cut < 64);
				ct_error_destroy(err);
				continue;
			}
			assert_true(vc->loss_count > 0);
			struct ct_strbuf out = CT_STRBUF_INIT;
			struct ct_dmesg_stats st;
			ct_error_destroy(ct_vmcore_dmesg(vc, &out, &st));
			ct_strbuf_deinit(&out);
			struct ct_case *c;
			assert_null(ct_case_create("cut", &c));
			assert_null(ct_vmcore_extract(c, vc));
			assert_true(c->note_count > 0);
			ct_case_destroy(c);
			ct_vmcore_destroy(vc);
		}
	}
}

static int write_seeds(const char *dir)
{
	static struct vimg m;
	for (int lockless = 0; lockless < 2; lockless++)
		for (int paging = 0; paging < 2; paging++) {
			vimg_build(&m, lockless);
			size_t len = vimg_elf(&m, paging, elf_buf,
					      sizeof(elf_buf));
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s-%s.elf", dir,
				 lockless ? "lockless" : "logbuf",
				 paging ? "paging" : "phys");
			FILE *f = fopen(path, "wb");
			if (!f || fwrite(elf_buf, 1, len, f) != len ||
			    fclose(f) != 0) {
				perror(path);
				return 1;
			}
		}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
		return write_seeds(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmcoreinfo),
		cmocka_unit_test(test_page_tables),
		cmocka_unit_test(test_printk_lockless),
		cmocka_unit_test(test_printk_old),
		cmocka_unit_test(test_printk_hostile),
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_analyze),
		cmocka_unit_test(test_open_source),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
