/* SPDX-License-Identifier: MIT */
/*
 * elf-core.c - the ELF core reader: header checks, program headers, notes
 * (NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE, NT_FPREGSET),
 * reads of process memory by virtual address, and the completeness record.
 *
 * Every byte comes from the image through a bounded cursor; lengths are
 * checked as "end - pos < n".  A core may be cut anywhere: complete program
 * headers and notes before the cut are used, and each thing lost is
 * written down with its file offset.
 */
#include <elf.h>
#include <gelf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/case-internal.h"
#include "analyzer/error.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif

/* struct elf_prstatus on 64-bit Linux: the registers start at 112. */
enum {
	PRSTATUS_CURSIG = 12,
	PRSTATUS_PID = 32,
	PRSTATUS_REGS = 112,
	X86_64_NREGS = 27,	/* struct user_regs_struct */
	X86_64_RBP = 4,
	X86_64_RIP = 16,
	X86_64_RSP = 19,
	AARCH64_NREGS = 34,	/* x0-x30, sp, pc, pstate */
	AARCH64_FP = 29,
	AARCH64_SP = 31,
	AARCH64_PC = 32,
	PRPSINFO_PID = 24,
	PRPSINFO_FNAME = 40,
	PRPSINFO_PSARGS = 56,
	SIGINFO_SIZE = 128,
};

/* ---- cursor ------------------------------------------------------------- */

struct cursor {
	const unsigned char *base;	/* start of the image */
	const unsigned char *pos;
	const unsigned char *end;
};

static bool cur_u32(struct cursor *c, uint32_t *ret)
{
	if (c->end - c->pos < 4)
		return false;
	memcpy(ret, c->pos, 4);
	c->pos += 4;
	return true;
}

static bool cur_u64(struct cursor *c, uint64_t *ret)
{
	if (c->end - c->pos < 8)
		return false;
	memcpy(ret, c->pos, 8);
	c->pos += 8;
	return true;
}

static bool cur_skip(struct cursor *c, uint64_t n)
{
	if ((uint64_t)(c->end - c->pos) < n)
		return false;
	c->pos += n;
	return true;
}

static uint64_t cur_offset(const struct cursor *c)
{
	return (uint64_t)(c->pos - c->base);
}

/* Little-endian loads from a span already checked to be long enough. */


/* ---- completeness record ------------------------------------------------ */

static struct ct_error *loss(struct ct_core *core, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct ct_error *loss(struct ct_core *core, const char *fmt, ...)
{
	if (core->loss_count >= CT_CORE_MAX_LOSSES) {
		core->losses_dropped++;
		return NULL;
	}
	if (!ct_grow((void **)&core->losses, &core->loss_cap,
		     core->loss_count + 1, sizeof(*core->losses)))
		return &ct_enomem;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&core->losses[core->loss_count], fmt, ap);
	va_end(ap);
	if (n < 0)
		return &ct_enomem;
	core->loss_count++;
	return NULL;
}

/* Copy a fixed-size, maybe unterminated C string field printably. */
static void copy_field(char *dst, size_t dst_size, const unsigned char *src,
		       size_t src_size)
{
	size_t n = 0;
	while (n < src_size && n + 1 < dst_size && src[n]) {
		unsigned char ch = src[n];
		dst[n] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		n++;
	}
	dst[n] = '\0';
	/* psargs is space padded by some writers */
	while (n && dst[n - 1] == ' ')
		dst[--n] = '\0';
}

/* ---- sniffing and the ELF header ---------------------------------------- */

bool ct_core_sniff(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	if (len < EI_NIDENT + 4 || memcmp(p, ELFMAG, SELFMAG) != 0)
		return false;
	if (p[EI_CLASS] != ELFCLASS64 || p[EI_DATA] != ELFDATA2LSB)
		return false;
	uint16_t type = (uint16_t)(p[EI_NIDENT] | p[EI_NIDENT + 1] << 8);
	return type == ET_CORE;
}

const char *ct_core_arch(const struct ct_core *core)
{
	switch (core->machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "aarch64";
	}
	return "unknown";
}

/* ---- program headers ----------------------------------------------------- */

static struct ct_error *add_segment(struct ct_core *core,
				   const GElf_Phdr *ph)
{
	if (!ct_grow((void **)&core->segments, &core->segment_cap,
		     core->segment_count + 1, sizeof(*core->segments)))
		return &ct_enomem;
	struct ct_core_segment *s = &core->segments[core->segment_count++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz > ph->p_memsz ? ph->p_memsz : ph->p_filesz;
	s->flags = ph->p_flags;
	if (s->offset >= core->len)
		s->avail = 0;
	else if (core->len - s->offset < s->filesz)
		s->avail = core->len - s->offset;
	else
		s->avail = s->filesz;
	if (s->avail == 0 && s->filesz && s->offset >= core->len) {
		/* summed up in one remark by read_headers() */
		if (!core->segments_gone++)
			core->first_gone_offset = s->offset;
		core->segment_bytes_gone += s->filesz;
		return NULL;
	}
	if (s->avail < s->filesz)
		return loss(core, "segment at 0x%llx (%llu bytes at file "
			    "offset 0x%llx) cut off at file offset 0x%llx: "
			    "%llu bytes missing",
			    (unsigned long long)s->vaddr,
			    (unsigned long long)s->filesz,
			    (unsigned long long)s->offset,
			    (unsigned long long)(s->offset + s->avail),
			    (unsigned long long)(s->filesz - s->avail));
	return NULL;
}

/* ---- notes --------------------------------------------------------------- */

static struct ct_core_thread *last_thread(struct ct_core *core)
{
	return core->thread_count ? &core->threads[core->thread_count - 1]
				  : NULL;
}

static struct ct_error *note_prstatus(struct ct_core *core,
				      const unsigned char *d, size_t n,
				      uint64_t offset)
{
	if (n < PRSTATUS_REGS)
		return loss(core, "NT_PRSTATUS at offset 0x%llx too short "
			    "(%zu bytes): thread lost",
			    (unsigned long long)offset, n);
	if (core->thread_count >= CT_CORE_MAX_THREADS) {
		core->threads_dropped++;
		return NULL;
	}
	if (!ct_grow((void **)&core->threads, &core->thread_cap,
		     core->thread_count + 1, sizeof(*core->threads)))
		return &ct_enomem;
	struct ct_core_thread *t = &core->threads[core->thread_count++];
	memset(t, 0, sizeof(*t));
	t->note_offset = offset;
	t->cursig = (int)(uint16_t)(d[PRSTATUS_CURSIG] |
				    d[PRSTATUS_CURSIG + 1] << 8);
	t->tid = (int)ct_le32(d + PRSTATUS_PID);
	const unsigned char *r = d + PRSTATUS_REGS;
	size_t avail = n - PRSTATUS_REGS;
	if (core->machine == EM_X86_64 && avail >= X86_64_NREGS * 8) {
		t->has_regs = true;
		t->pc = ct_le64(r + X86_64_RIP * 8);
		t->sp = ct_le64(r + X86_64_RSP * 8);
		t->fp = ct_le64(r + X86_64_RBP * 8);
	} else if (core->machine == EM_AARCH64 &&
		   avail >= AARCH64_NREGS * 8) {
		t->has_regs = true;
		t->pc = ct_le64(r + AARCH64_PC * 8);
		t->sp = ct_le64(r + AARCH64_SP * 8);
		t->fp = ct_le64(r + AARCH64_FP * 8);
	} else {
		return loss(core, "NT_PRSTATUS of thread %d at offset 0x%llx "
			    "has no complete registers", t->tid,
			    (unsigned long long)offset);
	}
	return NULL;
}

static struct ct_error *note_prpsinfo(struct ct_core *core,
				      const unsigned char *d, size_t n,
				      uint64_t offset)
{
	if (n < PRPSINFO_PSARGS + 80)
		return loss(core, "NT_PRPSINFO at offset 0x%llx too short "
			    "(%zu bytes): command lost",
			    (unsigned long long)offset, n);
	core->has_prpsinfo = true;
	core->pid = (int)ct_le32(d + PRPSINFO_PID);
	copy_field(core->command, sizeof(core->command), d + PRPSINFO_FNAME,
		   16);
	copy_field(core->args, sizeof(core->args), d + PRPSINFO_PSARGS, 80);
	return NULL;
}

static bool signal_has_addr(int signo)
{
	return signo == SIGSEGV || signo == SIGBUS || signo == SIGILL ||
	       signo == SIGFPE || signo == SIGTRAP;
}

static struct ct_error *note_siginfo(struct ct_core *core,
				     const unsigned char *d, size_t n,
				     uint64_t offset)
{
	struct ct_core_thread *t = last_thread(core);
	if (n < 24)
		return loss(core, "NT_SIGINFO at offset 0x%llx too short "
			    "(%zu bytes): signal details lost",
			    (unsigned long long)offset, n);
	if (!t)
		return loss(core, "NT_SIGINFO at offset 0x%llx before any "
			    "thread: ignored", (unsigned long long)offset);
	t->has_siginfo = true;
	t->si_signo = (int)ct_le32(d);
	t->si_code = (int)ct_le32(d + 8);
	if (signal_has_addr(t->si_signo) && t->si_code > 0)
		t->fault_addr = ct_le64(d + 16);
	else
		t->sender_pid = (int)ct_le32(d + 16);
	return NULL;
}

static struct ct_error *note_auxv(struct ct_core *core,
				  const unsigned char *d, size_t n)
{
	if (core->auxv)
		return NULL;	/* the first one wins */
	size_t pairs = n / 16;
	if (pairs == 0)
		return NULL;
	core->auxv = calloc(pairs, 16);
	if (!core->auxv)
		return &ct_enomem;
	memcpy(core->auxv, d, pairs * 16);
	core->auxv_count = pairs;
	return NULL;
}

static struct ct_error *note_file(struct ct_core *core,
				  const unsigned char *d, size_t n,
				  uint64_t offset)
{
	if (core->files)
		return NULL;
	struct cursor c = { d, d, d + n };
	uint64_t count, page_size;
	if (!cur_u64(&c, &count) || !cur_u64(&c, &page_size))
		return loss(core, "NT_FILE at offset 0x%llx too short: "
			    "mapped files unknown", (unsigned long long)offset);
	if (count > CT_CORE_MAX_FILES ||
	    count > (uint64_t)(c.end - c.pos) / 24)
		return loss(core, "NT_FILE at offset 0x%llx claims %llu "
			    "files in %zu bytes: mapped files unknown",
			    (unsigned long long)offset,
			    (unsigned long long)count, n);
	core->file_page_size = page_size;
	core->files = calloc(count ? count : 1, sizeof(*core->files));
	if (!core->files)
		return &ct_enomem;
	core->file_cap = count;
	const unsigned char *names = c.pos + count * 24;
	for (uint64_t i = 0; i < count; i++) {
		struct ct_core_file *f = &core->files[core->file_count];
		uint64_t pgoff = 0;
		/* the count check above keeps these in bounds */
		if (!cur_u64(&c, &f->start) || !cur_u64(&c, &f->end) ||
		    !cur_u64(&c, &pgoff))
			break;
		f->file_offset = page_size && pgoff <= UINT64_MAX / page_size
				 ? pgoff * page_size : 0;
		const unsigned char *nul =
			memchr(names, 0, (size_t)(c.end - names));
		if (!nul)
			return loss(core, "NT_FILE at offset 0x%llx: names "
				    "cut off after %llu of %llu files",
				    (unsigned long long)offset,
				    (unsigned long long)i,
				    (unsigned long long)count);
		f->path = ct_strndup_clean((const char *)names,
					   (size_t)(nul - names));
		if (!f->path)
			return &ct_enomem;
		names = nul + 1;
		core->file_count++;
	}
	return NULL;
}

static struct ct_error *walk_notes(struct ct_core *core, uint64_t off,
				   uint64_t size, size_t *budget)
{
	struct ct_error *err = NULL;
	uint64_t want = size;
	if (off >= core->len) {
		core->note_bytes_missing += size;
		return loss(core, "notes at file offset 0x%llx (%llu bytes) "
			    "are past the end of the file (%zu bytes): "
			    "threads, registers and signal lost",
			    (unsigned long long)off,
			    (unsigned long long)size, core->len);
	}
	if (core->len - off < size) {
		size = core->len - off;
		core->note_bytes_missing += want - size;
	}
	struct cursor c = { core->buf, core->buf + off,
			    core->buf + off + size };
	while (c.pos < c.end) {
		uint64_t at = cur_offset(&c);
		uint32_t namesz, descsz, type;
		if (*budget == 0)
			return loss(core, "more than %u notes: the rest "
				    "from offset 0x%llx not read",
				    CT_CORE_MAX_NOTES,
				    (unsigned long long)at);
		(*budget)--;
		if (!cur_u32(&c, &namesz) || !cur_u32(&c, &descsz) ||
		    !cur_u32(&c, &type))
			break;
		const unsigned char *name = c.pos;
		uint64_t name_pad = ((uint64_t)namesz + 3) & ~(uint64_t)3;
		uint64_t desc_pad = ((uint64_t)descsz + 3) & ~(uint64_t)3;
		if (!cur_skip(&c, name_pad)) {
			err = loss(core, "note at offset 0x%llx: its name "
				   "runs past the notes", (unsigned long long)at);
			c.pos = c.end;
			break;
		}
		const unsigned char *desc = c.pos;
		if ((uint64_t)(c.end - c.pos) < descsz) {
			err = loss(core, "note type 0x%x at offset 0x%llx cut "
				   "off (%u bytes of data, %zu present)",
				   type, (unsigned long long)at, descsz,
				   (size_t)(c.end - c.pos));
			c.pos = c.end;
			break;
		}
		c.pos += (uint64_t)(c.end - c.pos) < desc_pad ? descsz
							       : desc_pad;
		bool is_core = (namesz == 5 && memcmp(name, "CORE", 5) == 0);
		if (!is_core && !(namesz == 6 && memcmp(name, "LINUX", 6) == 0))
			continue;
		if (!is_core)
			continue;	/* LINUX notes: xstate etc, unused */
		switch (type) {
		case NT_PRSTATUS:
			err = note_prstatus(core, desc, descsz, at);
			break;
		case NT_PRPSINFO:
			err = note_prpsinfo(core, desc, descsz, at);
			break;
		case NT_SIGINFO:
			err = note_siginfo(core, desc, descsz, at);
			break;
		case NT_AUXV:
			err = note_auxv(core, desc, descsz);
			break;
		case NT_FILE:
			err = note_file(core, desc, descsz, at);
			break;
		case NT_FPREGSET:
			if (last_thread(core))
				last_thread(core)->has_fpregs = true;
			break;
		}
		if (err)
			return err;
	}
	if (size < want)
		err = loss(core, "notes cut off at file offset 0x%llx: %llu "
			   "of %llu bytes missing",
			   (unsigned long long)(off + size),
			   (unsigned long long)(want - size),
			   (unsigned long long)want);
	else if (c.pos != c.end)
		err = loss(core, "notes at offset 0x%llx end in a partial "
			   "note", (unsigned long long)off);
	return err;
}

/* ---- notes without a program header ------------------------------------- */

enum {
	NOTE_SCAN_BYTES = 64 << 20,	/* of the file searched for notes */
};

/* Is there a plausible "CORE" or "LINUX" note header at p (at most n
 * bytes)?  *ret_size is the whole note's size, padding included. */
static bool note_at(const unsigned char *p, size_t n, size_t *ret_size)
{
	if (n < 12)
		return false;
	uint32_t namesz = ct_le32(p), descsz = ct_le32(p + 4);
	bool core = namesz == 5 && n >= 20 && memcmp(p + 12, "CORE", 5) == 0;
	bool lnx = namesz == 6 && n >= 20 && memcmp(p + 12, "LINUX", 6) == 0;
	if (!core && !lnx)
		return false;
	uint64_t size = 12 + 8 + (((uint64_t)descsz + 3) & ~(uint64_t)3);
	if (descsz > (64u << 20) || size > n)
		return false;
	*ret_size = (size_t)size;
	return true;
}

/*
 * When no PT_NOTE header led to thread registers (the header is lost,
 * zeroed or points elsewhere), the notes themselves may still be in the
 * file: writers put them right after the program headers.  Search the
 * start of the file for an NT_PRSTATUS note ("CORE" name, type 1) and read
 * the run of notes around it, as a PT_NOTE would have given them.
 */
static struct ct_error *scan_for_notes(struct ct_core *core, size_t *budget)
{
	size_t limit = core->len < NOTE_SCAN_BYTES ? core->len
						   : NOTE_SCAN_BYTES;
	/* not in the memory the segments hold: a process may have another
	 * core's notes in its memory, which are not its own */
	for (size_t i = 0; i < core->segment_count; i++)
		if (core->segments[i].avail &&
		    core->segments[i].offset < limit)
			limit = (size_t)core->segments[i].offset;
	static const unsigned char name[8] = "CORE\0\0\0";
	const unsigned char *p = core->buf, *end = core->buf + limit;
	while (p < end) {
		const unsigned char *hit = memmem(p, (size_t)(end - p), name,
						  sizeof(name));
		if (!hit)
			return NULL;
		p = hit + 1;
		size_t size;
		if (hit - core->buf < 12)
			continue;
		const unsigned char *h = hit - 12;
		if (ct_le32(h + 8) != NT_PRSTATUS ||
		    !note_at(h, (size_t)(core->buf + core->len - h), &size))
			continue;
		/* the run of notes this one is in: notes are 4-aligned, so
		 * step back over whole notes as long as one ends here */
		const unsigned char *start = h, *stop = h;
		for (size_t back = 20; back <= 4096 && start - core->buf >=
		     (ptrdiff_t)back; back += 4) {
			size_t s;
			if (note_at(start - back, back, &s) && s == back) {
				start -= back;
				back = 16;
			}
		}
		while (note_at(stop, (size_t)(core->buf + core->len - stop),
			       &size))
			stop += size;
		size_t before = core->thread_count;
		struct ct_error *err = walk_notes(core,
						  (uint64_t)(start - core->buf),
						  (uint64_t)(stop - start),
						  budget);
		if (err)
			return err;
		if (core->thread_count == before)
			continue;	/* looked like one, held no thread */
		core->notes_scanned = true;
		return loss(core, "no PT_NOTE led to the notes: %zu thread%s "
			    "found by searching the file, notes at offset "
			    "0x%llx (%llu bytes)", core->thread_count - before,
			    core->thread_count - before == 1 ? "" : "s",
			    (unsigned long long)(start - core->buf),
			    (unsigned long long)(stop - start));
	}
	return NULL;
}

/* ---- open / destroy ------------------------------------------------------ */

static int compare_segments(const void *a, const void *b)
{
	const struct ct_core_segment *x = a, *y = b;
	if (x->vaddr != y->vaddr)
		return x->vaddr < y->vaddr ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Read the program headers ourselves: libelf rejects a table that is
 * cut short, and its complete entries are still worth having.  Memory
 * segments are added and notes walked (within *budget notes). */
static struct ct_error *read_phdrs(struct ct_core *core, uint64_t phoff,
				   size_t *budget)
{
	struct cursor c = { core->buf, core->buf, core->buf + core->len };
	if (phoff > core->len)
		c.pos = c.end;
	else
		c.pos = core->buf + phoff;
	struct ct_error *err = NULL;
	for (unsigned i = 0; i < core->phnum && !err; i++) {
		Elf64_Phdr raw;
		if ((size_t)(c.end - c.pos) < sizeof(raw)) {
			err = loss(core, "program headers cut off at file "
				   "offset 0x%llx: %u of %u read, the memory "
				   "and notes they describe are lost",
				   (unsigned long long)cur_offset(&c), i,
				   core->phnum);
			break;
		}
		memcpy(&raw, c.pos, sizeof(raw));
		c.pos += sizeof(raw);
		core->phnum_read++;
		GElf_Phdr ph = {
			.p_type = raw.p_type, .p_flags = raw.p_flags,
			.p_offset = raw.p_offset, .p_vaddr = raw.p_vaddr,
			.p_paddr = raw.p_paddr, .p_filesz = raw.p_filesz,
			.p_memsz = raw.p_memsz, .p_align = raw.p_align,
		};
		if (ph.p_type == PT_LOAD) {
			err = add_segment(core, &ph);
		} else if (ph.p_type == PT_NOTE) {
			core->has_notes = true;
			err = walk_notes(core, ph.p_offset, ph.p_filesz,
					 budget);
		}
	}
	return err;
}

/* Losses for what the notes did not give: threads, command. */
static struct ct_error *note_missing(struct ct_core *core)
{
	struct ct_error *err = NULL;
	if (!core->has_notes && !core->thread_count &&
	    core->phnum_read == core->phnum)
		err = loss(core, "no PT_NOTE segment: threads, registers and "
			   "signal unknown");
	if (!err && core->has_notes && core->thread_count == 0)
		err = loss(core, "no NT_PRSTATUS note: no thread registers");
	if (!err && core->has_notes && !core->has_prpsinfo)
		err = loss(core, "no NT_PRPSINFO note: command unknown");
	if (!err && core->threads_dropped)
		err = loss(core, "more than %d threads: %zu not read",
			   CT_CORE_MAX_THREADS, core->threads_dropped);
	return err;
}

static struct ct_error *read_headers(struct ct_core *core)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(core->elf, &eh))
		return ct_error_libelf(core->path, "bad ELF header");
	if (eh.e_type != ET_CORE)
		return ct_error_create(CT_ERROR_NOT_RECOGNISED,
				       "ELF file but no core (type %u)",
				       eh.e_type);
	if (eh.e_machine != EM_X86_64 && eh.e_machine != EM_AARCH64)
		return ct_error_create(CT_ERROR_UNSUPPORTED,
				       "core of machine %u: only x86_64 and "
				       "aarch64 are read", eh.e_machine);
	core->machine = eh.e_machine;
	core->phoff = eh.e_phoff;
	/* e_phnum as written: libelf's count stops where the file does */
	size_t phnum = eh.e_phnum;
	if (phnum == PN_XNUM && elf_getphdrnum(core->elf, &phnum) != 0)
		phnum = 0;
	if (phnum > CT_CORE_MAX_SEGMENTS)
		phnum = CT_CORE_MAX_SEGMENTS;
	core->phnum = (unsigned)phnum;
	if (eh.e_phentsize != sizeof(Elf64_Phdr) && phnum)
		return ct_error_corrupt_at(core->path,
					   offsetof(Elf64_Ehdr, e_phentsize),
					   "program header size %u, expected "
					   "%zu", eh.e_phentsize,
					   sizeof(Elf64_Phdr));
	size_t budget = CT_CORE_MAX_NOTES;
	struct ct_error *err = read_phdrs(core, eh.e_phoff, &budget);
	/* gdb's gcore ends its cores with section headers: not needed to
	 * read the core, but a cut there is still a cut */
	if (!err && eh.e_shoff && eh.e_shnum &&
	    (eh.e_shoff > core->len ||
	     (core->len - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum))
		err = loss(core, "section headers at file offset 0x%llx cut "
			   "off at 0x%zx (not needed to read the core)",
			   (unsigned long long)eh.e_shoff, core->len);
	/* by address, for the binary search of ct_core_read() */
	if (core->segment_count > 1)
		qsort(core->segments, core->segment_count,
		      sizeof(*core->segments), compare_segments);
	if (!err && core->segments_gone)
		err = loss(core, "%zu memory segments (%llu bytes) from file "
			   "offset 0x%llx on are past the end of the file "
			   "(%zu bytes): cut off", core->segments_gone,
			   (unsigned long long)core->segment_bytes_gone,
			   (unsigned long long)core->first_gone_offset,
			   core->len);
	if (err)
		return err;
	if (core->thread_count == 0) {
		err = scan_for_notes(core, &budget);
		if (err)
			return err;
	}
	return note_missing(core);
}

struct ct_error *ct_core_open_memory(const char *path, const void *buf,
				     size_t len, struct ct_core **ret)
{
	if (len < sizeof(Elf64_Ehdr)) {
		if (ct_core_sniff(buf, len))
			return ct_error_at(ct_error_create(CT_ERROR_TRUNCATED,
				"core ends inside the ELF header (%zu bytes)",
				len), path, 0, len, true);
		return ct_error_create(CT_ERROR_NOT_RECOGNISED,
				       "no ELF core");
	}
	if (!ct_core_sniff(buf, len)) {
		const unsigned char *p = buf;
		if (memcmp(p, ELFMAG, SELFMAG) == 0 &&
		    (p[EI_CLASS] != ELFCLASS64 || p[EI_DATA] != ELFDATA2LSB))
			return ct_error_create(CT_ERROR_UNSUPPORTED,
					       "only 64-bit little-endian cores "
					       "are read");
		return ct_error_create(CT_ERROR_NOT_RECOGNISED,
				       "no ELF core");
	}
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	return ct_error_create(CT_ERROR_UNSUPPORTED,
			       "little-endian cores need a little-endian host");
#endif
	if (elf_version(EV_CURRENT) == EV_NONE)
		return ct_error_create(CT_ERROR_UNSUPPORTED, "libelf: %s",
				       elf_errmsg(-1));
	struct ct_core *core = calloc(1, sizeof(*core));
	if (!core)
		return &ct_enomem;
	core->path = path;
	core->buf = buf;
	core->len = len;
	/* libelf only reads a native-order image opened this way: the
	 * buffer (often a PROT_READ mapping) is never written. */
	core->elf = elf_memory((char *)buf, len);
	struct ct_error *err;
	if (!core->elf)
		err = ct_error_libelf(path, "libelf");
	else
		err = read_headers(core);
	if (err) {
		if (err != &ct_enomem && !err->path)
			err = ct_error_at(err, path, 0, 0, false);
		ct_core_destroy(core);
		return err;
	}
	*ret = core;
	return NULL;
}

void ct_core_destroy(struct ct_core *core)
{
	if (!core)
		return;
	if (core->elf)
		elf_end(core->elf);
	free(core->segments);
	free(core->threads);
	free(core->auxv);
	for (size_t i = 0; i < core->file_count; i++)
		free(core->files[i].path);
	free(core->files);
	for (size_t i = 0; i < core->loss_count; i++)
		free(core->losses[i]);
	free(core->losses);
	free(core);
}

/* ---- memory -------------------------------------------------------------- */

/* The segment holding addr, or NULL: the last one starting at or below
 * addr (segments are sorted by address; a core whose segments overlap is
 * read as if the later one won). */
static const struct ct_core_segment *segment_at(const struct ct_core *core,
						uint64_t addr)
{
	/* the segment the last lookup found, when it is still the one a
	 * search would find (the last with vaddr <= addr): walks read one
	 * element after another from the same heap segment */
	size_t h = core->segment_hint;
	if (h < core->segment_count) {
		const struct ct_core_segment *s = &core->segments[h];
		if (addr - s->vaddr < s->memsz && addr >= s->vaddr &&
		    (h + 1 == core->segment_count ||
		     core->segments[h + 1].vaddr > addr))
			return s;
	}
	size_t lo = ct_bsearch_upper(&addr, core->segments, core->segment_count,
				     sizeof(*core->segments),
				     ct_bsearch_cmp_u64_field,
				     CT_BSEARCH_FIELD(struct ct_core_segment,
						      vaddr));
	if (lo == 0)
		return NULL;
	const struct ct_core_segment *s = &core->segments[lo - 1];
	if (addr - s->vaddr >= s->memsz)
		return NULL;
	/* a cache, not state: reads stay reads for the caller */
	((struct ct_core *)core)->segment_hint = lo - 1;
	return s;
}

const void *ct_core_span(const struct ct_core *core, uint64_t addr, size_t n)
{
	const struct ct_core_segment *s = segment_at(core, addr);
	if (!s)
		return NULL;
	uint64_t rel = addr - s->vaddr;
	if (rel >= s->avail || s->avail - rel < n)
		return NULL;
	return core->buf + s->offset + rel;
}

enum ct_core_mem ct_core_read(const struct ct_core *core, uint64_t addr,
			      void *dst, size_t n, size_t *ret_read)
{
	size_t done = 0;
	enum ct_core_mem why = CT_CORE_MEM_OK;
	/* each step moves to a new segment or ends: bounded by n and by the
	 * number of segments */
	for (size_t steps = 0; done < n && steps <= core->segment_count;
	     steps++) {
		uint64_t a = addr + done;
		if (a < addr) {
			why = CT_CORE_MEM_UNMAPPED;	/* wrapped */
			break;
		}
		const struct ct_core_segment *s = segment_at(core, a);
		if (!s) {
			why = CT_CORE_MEM_UNMAPPED;
			break;
		}
		uint64_t rel = a - s->vaddr;
		if (rel >= s->avail) {
			why = rel < s->filesz ? CT_CORE_MEM_TRUNCATED
					      : CT_CORE_MEM_NOT_DUMPED;
			break;
		}
		uint64_t take = s->avail - rel;
		if (take > n - done)
			take = n - done;
		memcpy((unsigned char *)dst + done, core->buf + s->offset + rel,
		       (size_t)take);
		done += (size_t)take;
	}
	*ret_read = done;
	return done == n ? CT_CORE_MEM_OK : why;
}

enum ct_core_mem ct_core_read_string(const struct ct_core *core,
				     uint64_t addr, char *dst, size_t max)
{
	if (max == 0)
		return CT_CORE_MEM_OK;
	size_t got;
	enum ct_core_mem why = ct_core_read(core, addr, dst, max - 1, &got);
	dst[got] = '\0';
	size_t len = strnlen(dst, got);
	if (len < got || why == CT_CORE_MEM_OK)
		return CT_CORE_MEM_OK;
	return why;
}

bool ct_core_is_executable(const struct ct_core *core, uint64_t addr)
{
	const struct ct_core_segment *s = segment_at(core, addr);
	return s && (s->flags & PF_X);
}

bool ct_core_load_bias(const struct ct_core *core, Elf *elf, uint64_t *ret)
{
	GElf_Ehdr eh;
	uint64_t entry;
	if (!elf || !gelf_getehdr(elf, &eh))
		return false;
	*ret = 0;
	if (eh.e_type != ET_DYN)
		return true;
	if (!ct_core_auxv(core, AT_ENTRY, &entry) || entry < eh.e_entry)
		return false;
	*ret = entry - eh.e_entry;
	return true;
}

bool ct_core_auxv(const struct ct_core *core, uint64_t type, uint64_t *ret)
{
	for (size_t i = 0; i < core->auxv_count; i++) {
		if (core->auxv[2 * i] == AT_NULL)
			break;
		if (core->auxv[2 * i] == type) {
			*ret = core->auxv[2 * i + 1];
			return true;
		}
	}
	return false;
}

const struct ct_core_file *ct_core_file_at(const struct ct_core *core,
					   uint64_t addr)
{
	for (size_t i = 0; i < core->file_count; i++)
		if (addr >= core->files[i].start && addr < core->files[i].end)
			return &core->files[i];
	return NULL;
}

long ct_core_crashing_thread(const struct ct_core *core)
{
	if (!core->thread_count)
		return -1;
	for (size_t i = 0; i < core->thread_count; i++) {
		const struct ct_core_thread *t = &core->threads[i];
		if (t->has_siginfo && t->si_signo && t->cursig == t->si_signo)
			return (long)i;
	}
	for (size_t i = 0; i < core->thread_count; i++)
		if (core->threads[i].has_siginfo &&
		    core->threads[i].si_signo)
			return (long)i;
	for (size_t i = 0; i < core->thread_count; i++)
		if (core->threads[i].cursig)
			return (long)i;
	return 0;
}

/* ---- signal names -------------------------------------------------------- */

const char *ct_signal_name(int signo)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT",
		[SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
		[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
		[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
		[SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
		[SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
		[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
		[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
		[SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM",
		[SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
		[SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
	};
	if (signo <= 0 || (size_t)signo >= CT_ARRAY_SIZE(names))
		return NULL;
	return names[signo];
}

const char *ct_signal_code_name(int signo, int code)
{
	switch (code) {
	case SI_USER:
		return "SI_USER";
	case SI_KERNEL:
		return "SI_KERNEL";
	case SI_QUEUE:
		return "SI_QUEUE";
	case SI_TKILL:
		return "SI_TKILL";
	}
	if (signo == SIGSEGV) {
		static const char *const segv[] = {
			NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
			"SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR",
			"SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
		};
		if (code > 0 && (size_t)code < CT_ARRAY_SIZE(segv))
			return segv[code];
	} else if (signo == SIGBUS) {
		static const char *const bus[] = {
			NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR",
			"BUS_MCEERR_AR", "BUS_MCEERR_AO",
		};
		if (code > 0 && (size_t)code < CT_ARRAY_SIZE(bus))
			return bus[code];
	} else if (signo == SIGILL) {
		static const char *const ill[] = {
			NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
			"ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG",
			"ILL_COPROC", "ILL_BADSTK",
		};
		if (code > 0 && (size_t)code < CT_ARRAY_SIZE(ill))
			return ill[code];
	} else if (signo == SIGFPE) {
		static const char *const fpe[] = {
			NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
			"FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES",
			"FPE_FLTINV", "FPE_FLTSUB",
		};
		if (code > 0 && (size_t)code < CT_ARRAY_SIZE(fpe))
			return fpe[code];
	}
	return NULL;
}

bool ct_core_executable(const struct ct_core *core, char *buf, size_t size)
{
	uint64_t v;
	if (ct_core_auxv(core, AT_EXECFN, &v) &&
	    ct_core_read_string(core, v, buf, size) == CT_CORE_MEM_OK &&
	    buf[0] == '/')
		return true;
	const struct ct_core_file *f = NULL;
	if (ct_core_auxv(core, AT_ENTRY, &v))
		f = ct_core_file_at(core, v);
	if (!f && ct_core_auxv(core, AT_PHDR, &v))
		f = ct_core_file_at(core, v);
	if (!f)
		return false;
	snprintf(buf, size, "%s", f->path);
	return true;
}
