/* SPDX-License-Identifier: MIT */
/*
 * test-core.c - the ELF core reader on cores built here, byte by byte:
 * header checks, threads and registers from NT_PRSTATUS, the crashing
 * thread from NT_SIGINFO, NT_PRPSINFO, NT_AUXV, NT_FILE, memory reads
 * that tell "not dumped", "cut off" and "never mapped" apart, and every
 * prefix of a core opening without harm and saying what it lost.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>

#include "analyzer/dump/dump.h"

/* ---- a tiny core writer -------------------------------------------------- */

struct img {
	unsigned char buf[8192];
	size_t len;
};

static size_t put(struct img *m, const void *p, size_t n)
{
	size_t at = m->len;
	assert_true(m->len + n <= sizeof(m->buf));
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	return at;
}

static void put_note(struct img *m, uint32_t type, const void *desc,
		     uint32_t descsz)
{
	uint32_t hdr[3] = { 5, descsz, type };
	static const char name[8] = "CORE";
	static const unsigned char zero[4];
	put(m, hdr, sizeof(hdr));
	put(m, name, 8);
	put(m, desc, descsz);
	put(m, zero, (4 - descsz % 4) % 4);
}

static void put_prstatus(struct img *m, int tid, int cursig, uint64_t pc,
			 uint64_t sp)
{
	unsigned char d[336] = { 0 };
	d[12] = (unsigned char)cursig;
	memcpy(d + 32, &tid, 4);
	memcpy(d + 112 + 16 * 8, &pc, 8);	/* rip */
	memcpy(d + 112 + 19 * 8, &sp, 8);	/* rsp */
	put_note(m, NT_PRSTATUS, d, sizeof(d));
}

enum {
	SEG_VADDR = 0x400000,	/* the dumped segment */
	SEG_FILESZ = 0x100,
	SEG_MEMSZ = 0x300,	/* the rest was left out */
	SEG2_VADDR = SEG_VADDR + SEG_MEMSZ,	/* adjacent */
	SEG2_FILESZ = 0x40,
	TEXT_VADDR = 0x500000,	/* executable, not dumped */
	RET_ADDR = TEXT_VADDR + 0x123,	/* on thread 101's stack */
};

/* A two-thread x86_64 core; the second thread took SIGSEGV at 0x10. */
static void make_core(struct img *m, uint16_t machine)
{
	memset(m, 0, sizeof(*m));
	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 4;
	put(m, &eh, sizeof(eh));
	Elf64_Phdr ph[4] = { { 0 } };
	size_t ph_at = put(m, ph, sizeof(ph));

	size_t notes = m->len;
	put_prstatus(m, 100, 11, 0x400010, 0x400080);
	unsigned char ps[136] = { 0 };
	int pid = 100;
	memcpy(ps + 24, &pid, 4);
	memcpy(ps + 40, "victim", 6);
	memcpy(ps + 56, "./victim --now", 14);
	put_note(m, NT_PRPSINFO, ps, sizeof(ps));
	uint64_t auxv[] = { AT_PAGESZ, 4096, AT_ENTRY, 0x400020,
			    AT_EXECFN, SEG_VADDR + 0xc0, AT_NULL, 0 };
	put_note(m, NT_AUXV, auxv, sizeof(auxv));
	unsigned char file[24 + 24 + 16] = { 0 };
	uint64_t fv[5] = { 1, 4096, SEG_VADDR, SEG_VADDR + 0x1000, 0 };
	memcpy(file, fv, sizeof(fv) - 8);
	memcpy(file + 16, fv + 2, 24);
	memcpy(file + 40, "/usr/bin/victim", 16);
	put_note(m, NT_FILE, file, 40 + 16);
	put_prstatus(m, 101, 11, 0x400040, 0x400088);
	unsigned char si[128] = { 0 };
	int v = 11;
	memcpy(si, &v, 4);
	v = 1;			/* SEGV_MAPERR */
	memcpy(si + 8, &v, 4);
	uint64_t addr = 0x10;
	memcpy(si + 16, &addr, 8);
	put_note(m, NT_SIGINFO, si, sizeof(si));
	size_t notes_end = m->len;

	unsigned char seg[SEG_FILESZ + SEG2_FILESZ];
	for (size_t i = 0; i < sizeof(seg); i++)
		seg[i] = (unsigned char)i;
	memcpy(seg + 0xc0, "/usr/bin/victim", 16);
	uint64_t ret = RET_ADDR;	/* a return address above sp */
	memcpy(seg + 0x90, &ret, 8);
	size_t seg_at = put(m, seg, sizeof(seg));

	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = notes;
	ph[0].p_filesz = notes_end - notes;
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = seg_at;
	ph[1].p_vaddr = SEG_VADDR;
	ph[1].p_filesz = SEG_FILESZ;
	ph[1].p_memsz = SEG_MEMSZ;
	ph[1].p_flags = PF_R | PF_W;
	ph[2].p_type = PT_LOAD;
	ph[2].p_offset = seg_at + SEG_FILESZ;
	ph[2].p_vaddr = SEG2_VADDR;
	ph[2].p_filesz = SEG2_FILESZ;
	ph[2].p_memsz = SEG2_FILESZ;
	ph[3].p_type = PT_LOAD;
	ph[3].p_offset = m->len;
	ph[3].p_vaddr = TEXT_VADDR;
	ph[3].p_filesz = 0;
	ph[3].p_memsz = 0x1000;
	ph[3].p_flags = PF_R | PF_X;
	memcpy(m->buf + ph_at, ph, sizeof(ph));
}

/* ---- tests ---------------------------------------------------------------- */

static void test_whole_core(void **state)
{
	(void)state;
	struct img m;
	make_core(&m, EM_X86_64);
	struct ct_core *core;
	assert_null(ct_core_open_memory("t", m.buf, m.len, &core));
	assert_string_equal(ct_core_arch(core), "x86_64");
	assert_int_equal(core->thread_count, 2);
	assert_int_equal(core->threads[0].tid, 100);
	assert_int_equal(core->threads[1].tid, 101);
	assert_true(core->threads[1].has_regs);
	assert_int_equal(core->threads[1].pc, 0x400040);
	assert_int_equal(core->threads[1].sp, 0x400088);
	/* the thread holding NT_SIGINFO crashed, not thread 0 */
	assert_int_equal(ct_core_crashing_thread(core), 1);
	assert_int_equal(core->threads[1].fault_addr, 0x10);
	assert_string_equal(core->command, "victim");
	assert_string_equal(core->args, "./victim --now");
	assert_int_equal(core->pid, 100);
	uint64_t v;
	assert_true(ct_core_auxv(core, AT_ENTRY, &v));
	assert_int_equal(v, 0x400020);
	assert_false(ct_core_auxv(core, AT_HWCAP, &v));
	assert_int_equal(core->file_count, 1);
	assert_string_equal(core->files[0].path, "/usr/bin/victim");
	assert_ptr_equal(ct_core_file_at(core, SEG_VADDR + 5), &core->files[0]);
	assert_int_equal(core->loss_count, 0);

	unsigned char b[16];
	size_t got;
	assert_int_equal(ct_core_read(core, SEG_VADDR + 4, b, 4, &got),
			 CT_CORE_MEM_OK);
	assert_int_equal(got, 4);
	assert_int_equal(b[0], 4);
	/* mapped but left out of the dump */
	assert_int_equal(ct_core_read(core, SEG_VADDR + SEG_FILESZ, b, 4, &got),
			 CT_CORE_MEM_NOT_DUMPED);
	assert_int_equal(got, 0);
	/* a read running from dumped into left-out bytes stops there */
	assert_int_equal(ct_core_read(core, SEG_VADDR + SEG_FILESZ - 2, b, 8,
				      &got), CT_CORE_MEM_NOT_DUMPED);
	assert_int_equal(got, 2);
	/* never mapped */
	assert_int_equal(ct_core_read(core, 0x1000, b, 4, &got),
			 CT_CORE_MEM_UNMAPPED);
	assert_int_equal(ct_core_read(core, UINT64_MAX - 1, b, 8, &got),
			 CT_CORE_MEM_UNMAPPED);
	/* adjacent segments read as one range */
	assert_int_equal(ct_core_read(core, SEG2_VADDR, b, 8, &got),
			 CT_CORE_MEM_OK);
	char s[64];
	assert_int_equal(ct_core_read_string(core, SEG_VADDR + 0xc0, s,
					     sizeof(s)), CT_CORE_MEM_OK);
	assert_string_equal(s, "/usr/bin/victim");
	ct_core_destroy(core);
}

static void test_cut_in_segment(void **state)
{
	(void)state;
	struct img m;
	make_core(&m, EM_X86_64);
	size_t cut = m.len - SEG2_FILESZ - SEG_FILESZ / 2;
	struct ct_core *core;
	assert_null(ct_core_open_memory("t", m.buf, cut, &core));
	assert_int_equal(core->thread_count, 2);
	unsigned char b[8];
	size_t got;
	/* dumped, but the file ends first */
	assert_int_equal(ct_core_read(core, SEG_VADDR + SEG_FILESZ / 2, b, 4,
				      &got), CT_CORE_MEM_TRUNCATED);
	assert_int_equal(ct_core_read(core, SEG_VADDR, b, 4, &got),
			 CT_CORE_MEM_OK);
	bool said = false, gone = false;
	for (size_t i = 0; i < core->loss_count; i++) {
		if (strstr(core->losses[i], "cut off at file offset 0x"))
			said = true;
		if (strstr(core->losses[i], "past the end of the file"))
			gone = true;
	}
	assert_true(said);
	assert_true(gone);
	ct_core_destroy(core);
}

static void test_every_prefix(void **state)
{
	(void)state;
	struct img m;
	make_core(&m, EM_X86_64);
	for (size_t n = 0; n < m.len; n++) {
		struct ct_core *core = NULL;
		struct ct_error *err = ct_core_open_memory("t", m.buf, n,
							   &core);
		if (err) {
			/* only the ELF header's absence is fatal */
			assert_true(n < sizeof(Elf64_Ehdr));
			ct_error_destroy(err);
			continue;
		}
		/* a cut core always says what it lost */
		assert_true(core->loss_count > 0);
		long t = ct_core_crashing_thread(core);
		assert_true(t < (long)core->thread_count);
		ct_core_destroy(core);
	}
}

static void test_rejects(void **state)
{
	(void)state;
	struct img m;
	struct ct_core *core;
	struct ct_error *err;
	make_core(&m, EM_386);
	err = ct_core_open_memory("t", m.buf, m.len, &core);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_UNSUPPORTED);
	ct_error_destroy(err);
	make_core(&m, EM_AARCH64);
	err = ct_core_open_memory("t", m.buf, m.len, &core);
	assert_null(err);
	assert_string_equal(ct_core_arch(core), "aarch64");
	/* a 336-byte x86_64 prstatus is too short for aarch64 registers */
	assert_false(core->threads[0].has_regs);
	assert_true(core->loss_count > 0);
	ct_core_destroy(core);
	make_core(&m, EM_X86_64);
	m.buf[EI_DATA] = ELFDATA2MSB;
	err = ct_core_open_memory("t", m.buf, m.len, &core);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_UNSUPPORTED);
	ct_error_destroy(err);
	make_core(&m, EM_X86_64);
	m.buf[EI_NIDENT] = ET_EXEC;
	assert_false(ct_core_sniff((char *)m.buf, m.len));
	err = ct_core_open_memory("t", m.buf, m.len, &core);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_NOT_RECOGNISED);
	ct_error_destroy(err);
	make_core(&m, EM_X86_64);
	err = ct_core_open_memory("t", m.buf, 40, &core);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_TRUNCATED);
	assert_true(err->has_offset);
	ct_error_destroy(err);
}

static void test_hostile_notes(void **state)
{
	(void)state;
	struct img m;
	make_core(&m, EM_X86_64);
	/* NT_FILE claims 2^40 entries */
	Elf64_Phdr ph;
	memcpy(&ph, m.buf + sizeof(Elf64_Ehdr), sizeof(ph));
	unsigned char *p = m.buf + ph.p_offset;
	unsigned char *end = p + ph.p_filesz;
	while (end - p >= 12) {
		uint32_t h[3];
		memcpy(h, p, 12);
		if (h[2] == 0x46494c45) {
			uint64_t huge = 1ull << 40;
			memcpy(p + 20, &huge, 8);
		}
		p += 12 + ((h[0] + 3) & ~3u) + ((h[1] + 3) & ~3u);
	}
	/* a note size running past the segment */
	struct ct_core *core;
	assert_null(ct_core_open_memory("t", m.buf, m.len, &core));
	assert_int_equal(core->file_count, 0);
	assert_true(core->loss_count > 0);
	ct_core_destroy(core);
	make_core(&m, EM_X86_64);
	uint32_t big = 0xfffffff0u;
	memcpy(m.buf + ph.p_offset + 4, &big, 4);
	assert_null(ct_core_open_memory("t", m.buf, m.len, &core));
	/* the first note's size ends the walk; a search of the file finds
	 * the second thread's NT_PRSTATUS after it, and says so */
	assert_int_equal(core->thread_count, 1);
	assert_int_equal(core->threads[0].tid, 101);
	bool said = false;
	for (size_t i = 0; i < core->loss_count; i++)
		said |= strstr(core->losses[i], "found by searching") != NULL;
	assert_true(said);
	ct_core_destroy(core);
	/* every NT_PRSTATUS broken: nothing to find */
	make_core(&m, EM_X86_64);
	for (unsigned char *q = m.buf; q + 20 <= m.buf + m.len; q++)
		if (memcmp(q, "CORE\0\0\0", 8) == 0 && q - m.buf >= 12 &&
		    q[-4] == 1)
			memcpy(q - 8, &big, 4);
	assert_null(ct_core_open_memory("t", m.buf, m.len, &core));
	assert_int_equal(core->thread_count, 0);
	assert_true(core->loss_count > 0);
	ct_core_destroy(core);
}

static void test_analyze_buffer(void **state)
{
	(void)state;
	struct img m;
	make_core(&m, EM_X86_64);
	assert_int_equal(ct_sniff((char *)m.buf, m.len),
			 1u << CT_KIND_ELF_CORE);
	struct ct_case *c;
	assert_null(ct_analyze_buffer("t", (char *)m.buf, m.len, &c));
	assert_string_equal(ct_case_fact(c, "core.signal"), "SIGSEGV");
	assert_string_equal(ct_case_fact(c, "core.fault_address"), "0x10");
	assert_string_equal(ct_case_fact(c, "core.crashing_tid"), "101");
	assert_string_equal(ct_case_fact(c, "core.command"), "victim");
	assert_string_equal(ct_case_fact(c, "core.executable"),
			    "/usr/bin/victim");
	assert_string_equal(c->panic.kind, "crash");
	assert_string_equal(c->panic.exception, "SIGSEGV");
	assert_int_equal(c->backtrace_count, 2);
	assert_false(c->backtraces[0].crashing);
	assert_true(c->backtraces[1].crashing);
	/* frame 0 from the registers; nothing unwinds this made-up
	 * process, so a scan of its stack finds the return address */
	const struct ct_backtrace *bt = &c->backtraces[1];
	assert_true(bt->frame_count >= 2);
	assert_int_equal(bt->frames[0].address, 0x400040);
	assert_true(bt->frames[0].reliable);
	assert_int_equal(bt->frames[1].address, RET_ADDR);
	assert_false(bt->frames[1].reliable);
	bool said = false;
	for (size_t i = 0; i < c->note_count; i++)
		if (strstr(c->notes[i], "stack scan used"))
			said = true;
	assert_true(said);
	ct_case_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_core),
		cmocka_unit_test(test_cut_in_segment),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_hostile_notes),
		cmocka_unit_test(test_analyze_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
