/* SPDX-License-Identifier: MIT */
/*
 * elf-vmcore.c - ELF kernel vmcores and VMCOREINFO (vmcore.h).
 *
 * The ELF image is read through explicit little-endian loads with every
 * offset checked against the file length (no libelf: a kernel dump's
 * program header table may be cut, and PN_XNUM counts live in section
 * header 0).  PT_LOADs are indexed twice: by physical address for the
 * page-table walker and the kdump-style reader, and by virtual address
 * when the writer filled p_vaddr (/proc/vmcore, QEMU paging: true).
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/case-internal.h"
#include "analyzer/error.h"

#define KERNEL_SPACE 0xffff800000000000ull




/* ---- VMCOREINFO --------------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	const struct ct_vmcoreinfo_entry *x = a, *y = b;
	return strcmp(x->key, y->key);
}

struct ct_error *ct_vmcoreinfo_parse(struct ct_vmcoreinfo *vi,
				     const char *text, size_t len)
{
	if (len > CT_VMCORE_MAX_INFO)
		len = CT_VMCORE_MAX_INFO;
	/* the note is NUL-padded: stop at the first NUL */
	const char *nul = memchr(text, '\0', len);
	if (nul)
		len = (size_t)(nul - text);
	struct ct_line_reader r;
	struct ct_line l;
	ct_line_reader_init(&r, text, len);
	while (ct_line_next(&r, &l)) {
		if (l.len == 0)
			continue;
		const char *eq = memchr(l.p, '=', l.len);
		if (!eq || eq == l.p || vi->count >= CT_VMCORE_MAX_INFO_LINES) {
			vi->bad_lines++;
			continue;
		}
		if (!ct_grow((void **)&vi->entries, &vi->cap, vi->count + 1,
			     sizeof(*vi->entries)))
			return &ct_enomem;
		struct ct_vmcoreinfo_entry *e = &vi->entries[vi->count];
		e->key = ct_strndup_clean(l.p, (size_t)(eq - l.p));
		e->value = ct_strndup_clean(eq + 1,
					    l.len - (size_t)(eq - l.p) - 1);
		if (!e->key || !e->value) {
			free(e->key);
			free(e->value);
			return &ct_enomem;
		}
		vi->count++;
	}
	/* NEEDSWORK: qsort is not stable, so of repeated keys (which the
	 * kernel never writes) any one may win */
	if (vi->count > 1)
		qsort(vi->entries, vi->count, sizeof(*vi->entries), entry_cmp);
	return NULL;
}

void ct_vmcoreinfo_deinit(struct ct_vmcoreinfo *vi)
{
	for (size_t i = 0; i < vi->count; i++) {
		free(vi->entries[i].key);
		free(vi->entries[i].value);
	}
	free(vi->entries);
	memset(vi, 0, sizeof(*vi));
}

/* key (a string) against an entry's key, for ct_bsearch_find(). */
static int key_cmp(const void *key, const void *elem, void *arg)
{
	(void)arg;
	return strcmp(key, ((const struct ct_vmcoreinfo_entry *)elem)->key);
}

const char *ct_vmcoreinfo_get(const struct ct_vmcoreinfo *vi,
			      const char *key)
{
	size_t i = ct_bsearch_find(key, vi->entries, vi->count,
				   sizeof(*vi->entries), key_cmp, NULL);
	return i < vi->count ? vi->entries[i].value : NULL;
}

static const char *get_wrapped(const struct ct_vmcoreinfo *vi,
			       const char *what, const char *name)
{
	char key[256];
	int n = snprintf(key, sizeof(key), "%s(%s)", what, name);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	return ct_vmcoreinfo_get(vi, key);
}

static bool parse_hex_all(const char *s, uint64_t *ret)
{
	const char *p = s, *end = s + strlen(s);
	uint64_t v;
	/* more than 16 digits is no 64-bit address, not a wrong one */
	if (!ct_parse_hex_u64(&p, end, &v) || p != end)
		return false;
	*ret = v;
	return true;
}

static bool parse_dec_all(const char *s, int64_t *ret)
{
	const char *p = s;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	uint64_t v = 0;
	for (; ct_is_digit(*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p || v > (uint64_t)INT64_MAX)
		return false;
	*ret = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

bool ct_vmcoreinfo_symbol(const struct ct_vmcoreinfo *vi, const char *name,
			  uint64_t *ret)
{
	const char *v = get_wrapped(vi, "SYMBOL", name);
	return v && parse_hex_all(v, ret);
}

static bool unsigned_entry(const struct ct_vmcoreinfo *vi, const char *what,
			   const char *name, uint64_t *ret)
{
	const char *v = get_wrapped(vi, what, name);
	int64_t n;
	if (!v || !parse_dec_all(v, &n) || n < 0)
		return false;
	*ret = (uint64_t)n;
	return true;
}

bool ct_vmcoreinfo_offset(const struct ct_vmcoreinfo *vi, const char *name,
			  uint64_t *ret)
{
	return unsigned_entry(vi, "OFFSET", name, ret);
}

bool ct_vmcoreinfo_size(const struct ct_vmcoreinfo *vi, const char *name,
			uint64_t *ret)
{
	return unsigned_entry(vi, "SIZE", name, ret);
}

bool ct_vmcoreinfo_length(const struct ct_vmcoreinfo *vi, const char *name,
			  uint64_t *ret)
{
	return unsigned_entry(vi, "LENGTH", name, ret);
}

bool ct_vmcoreinfo_number(const struct ct_vmcoreinfo *vi, const char *name,
			  int64_t *ret)
{
	const char *v = get_wrapped(vi, "NUMBER", name);
	return v && parse_dec_all(v, ret);
}

/* ---- losses and CPUs ---------------------------------------------------- */

struct ct_error *ct_vmcore_add_loss(struct ct_vmcore *vc, const char *fmt,
				    ...)
{
	if (vc->loss_count >= CT_VMCORE_MAX_LOSSES) {
		vc->losses_dropped++;
		return NULL;
	}
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &ct_enomem;
	if (!ct_grow((void **)&vc->losses, &vc->loss_cap, vc->loss_count + 1,
		     sizeof(*vc->losses))) {
		free(msg);
		return &ct_enomem;
	}
	vc->losses[vc->loss_count++] = msg;
	return NULL;
}

/* x86_64 struct elf_prstatus: pr_pid at 32, user_regs_struct at 112
 * (r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip
 * cs eflags rsp ss ...), 27 registers. */
enum {
	PRSTATUS_PID = 32,
	PRSTATUS_REGS = 112,
	REG_RBP = 4,
	REG_RIP = 16,
	REG_RSP = 19,
	REG_COUNT = 27,
};

struct ct_error *ct_vmcore_add_prstatus(struct ct_vmcore *vc,
					const unsigned char *desc,
					size_t len)
{
	if (vc->cpu_count >= CT_VMCORE_MAX_CPUS) {
		vc->cpus_dropped++;
		return NULL;
	}
	if (!ct_grow((void **)&vc->cpus, &vc->cpu_cap, vc->cpu_count + 1,
		     sizeof(*vc->cpus)))
		return &ct_enomem;
	struct ct_vmcore_cpu *cpu = &vc->cpus[vc->cpu_count++];
	memset(cpu, 0, sizeof(*cpu));
	cpu->pid = len >= PRSTATUS_PID + 4 ? (int)ct_le32(desc + PRSTATUS_PID)
					   : -1;
	if (len >= PRSTATUS_REGS + REG_COUNT * 8) {
		const unsigned char *r = desc + PRSTATUS_REGS;
		cpu->has_regs = true;
		cpu->pc = ct_le64(r + REG_RIP * 8);
		cpu->sp = ct_le64(r + REG_RSP * 8);
		cpu->fp = ct_le64(r + REG_RBP * 8);
	}
	return NULL;
}

/* ---- the ELF memory source ----------------------------------------------- */

/* The segment holding paddr, or NULL.  Segments may overlap (QEMU paging
 * dumps map one page at several virtual addresses): walk back from the
 * last start <= paddr while an earlier segment can still reach paddr. */
static const struct ct_vmcore_segment *seg_at_phys(const struct ct_vmcore *vc,
						   uint64_t paddr)
{
	size_t lo = ct_bsearch_upper(&paddr, vc->segs, vc->seg_count,
				     sizeof(*vc->segs), ct_bsearch_cmp_u64_field,
				     CT_BSEARCH_FIELD(struct ct_vmcore_segment,
						      paddr));
	for (size_t i = lo; i-- > 0;) {
		const struct ct_vmcore_segment *s = &vc->segs[i];
		if (s->max_end <= paddr)
			break;
		if (paddr - s->paddr < s->memsz)
			return s;
	}
	return NULL;
}

static const struct ct_vmcore_segment *seg_at_virt(const struct ct_vmcore *vc,
						   uint64_t vaddr)
{
	size_t lo = ct_bsearch_upper(&vaddr, vc->vsegs, vc->vseg_count,
				     sizeof(*vc->vsegs), ct_bsearch_cmp_u64_field,
				     CT_BSEARCH_FIELD(struct ct_vmcore_segment,
						      vaddr));
	if (lo == 0)
		return NULL;
	const struct ct_vmcore_segment *s = &vc->vsegs[lo - 1];
	return vaddr - s->vaddr < s->memsz ? s : NULL;
}

/* Copy from one segment at byte off; says why it stopped short. */
static enum ct_core_mem seg_copy(const struct ct_vmcore *vc,
				 const struct ct_vmcore_segment *s,
				 uint64_t off, unsigned char *dst, size_t n,
				 size_t *ret)
{
	*ret = 0;
	if (off >= s->filesz)
		return CT_CORE_MEM_NOT_DUMPED;
	if (off >= s->avail)
		return CT_CORE_MEM_TRUNCATED;
	uint64_t can = s->avail - off;
	uint64_t in_seg = s->memsz - off;
	size_t k = n;
	if (k > can)
		k = (size_t)can;
	memcpy(dst, vc->buf + s->offset + off, k);
	*ret = k;
	if (k < n && k < in_seg)
		return s->avail < s->filesz ? CT_CORE_MEM_TRUNCATED
					    : CT_CORE_MEM_NOT_DUMPED;
	return CT_CORE_MEM_OK;
}

static enum ct_core_mem elf_read(const struct ct_vmcore *vc, bool virt,
				 uint64_t addr, void *dst, size_t n,
				 size_t *ret_read)
{
	unsigned char *out = dst;
	size_t done = 0;
	enum ct_core_mem st = CT_CORE_MEM_OK;
	/* each round copies at least one byte or stops */
	while (done < n) {
		uint64_t a = addr + done;
		if (a < addr) {
			st = CT_CORE_MEM_UNMAPPED;
			break;
		}
		const struct ct_vmcore_segment *s =
			virt ? seg_at_virt(vc, a) : seg_at_phys(vc, a);
		if (!s) {
			st = virt ? CT_CORE_MEM_UNMAPPED
				  : CT_CORE_MEM_NOT_DUMPED;
			break;
		}
		uint64_t off = a - (virt ? s->vaddr : s->paddr);
		uint64_t left = s->memsz - off;
		size_t want = n - done;
		if (want > left)
			want = (size_t)left;
		size_t got;
		st = seg_copy(vc, s, off, out + done, want, &got);
		done += got;
		if (st != CT_CORE_MEM_OK)
			break;
		if (got == 0) {
			st = CT_CORE_MEM_NOT_DUMPED;
			break;
		}
	}
	*ret_read = done;
	return done == n ? CT_CORE_MEM_OK : st;
}

static enum ct_core_mem elf_read_phys(void *state, uint64_t paddr, void *dst,
				      size_t n, size_t *ret_read)
{
	return elf_read(state, false, paddr, dst, n, ret_read);
}

static enum ct_core_mem elf_read_virt(void *state, uint64_t vaddr, void *dst,
				      size_t n, size_t *ret_read)
{
	return elf_read(state, true, vaddr, dst, n, ret_read);
}

/* ---- opening ------------------------------------------------------------- */

static struct ct_vmcore *vmcore_new(const char *path, const char *format)
{
	struct ct_vmcore *vc = calloc(1, sizeof(*vc));
	if (vc)
		vc->notes_left = CT_VMCORE_MAX_NOTES;
	if (vc) {
		vc->path = path;
		vc->format = format;
	}
	return vc;
}

void ct_vmcore_destroy(struct ct_vmcore *vc)
{
	if (!vc)
		return;
	ct_kmem_destroy(vc->kmem);
	if (vc->release)
		vc->release(vc->release_state);
	ct_vmcoreinfo_deinit(&vc->info);
	free(vc->segs);
	free(vc->vsegs);
	free(vc->cpus);
	for (size_t i = 0; i < vc->loss_count; i++)
		free(vc->losses[i]);
	free(vc->losses);
	ct_unmap_file(vc->map, vc->map_len);
	free(vc);
}

/* Memory and page tables from VMCOREINFO, shared by both ways in. */
static struct ct_error *setup_memory(struct ct_vmcore *vc,
				     const struct ct_kmem_source *src)
{
	struct ct_error *err = ct_kmem_create(src, &vc->kmem);
	if (err)
		return err;
	if (!vc->has_vmcoreinfo)
		return ct_vmcore_add_loss(vc, "no VMCOREINFO: kernel virtual "
					  "memory cannot be read%s",
					  vc->has_virtual
					  ? " except through the dump's "
					    "own mapping" : "");
	uint64_t pgt;
	int64_t phys_base = 0, l5 = 0;
	if (!ct_vmcoreinfo_symbol(&vc->info, "init_top_pgt", &pgt))
		return ct_vmcore_add_loss(vc, "VMCOREINFO has no "
					  "SYMBOL(init_top_pgt): no "
					  "page-table translation");
	if (!ct_vmcoreinfo_number(&vc->info, "phys_base", &phys_base))
		err = ct_vmcore_add_loss(vc, "VMCOREINFO has no "
					 "NUMBER(phys_base): assuming 0");
	if (!err)
		(void)ct_vmcoreinfo_number(&vc->info, "pgtable_l5_enabled",
					   &l5);
	if (err)
		return err;
	err = ct_kmem_set_page_tables(vc->kmem, pgt, (uint64_t)phys_base,
				      l5 != 0);
	if (err && err != &ct_enomem) {
		char *msg = ct_error_format(err);
		ct_error_destroy(err);
		err = msg ? ct_vmcore_add_loss(vc, "%s", msg) : &ct_enomem;
		free(msg);
	}
	return err;
}

struct ct_error *ct_vmcore_open_source(const char *path, const char *format,
				       const char *info, size_t info_len,
				       const struct ct_kmem_source *src,
				       struct ct_vmcore **ret)
{
	struct ct_vmcore *vc = vmcore_new(path, format);
	if (!vc)
		return &ct_enomem;
	struct ct_error *err = NULL;
	if (info) {
		vc->has_vmcoreinfo = true;
		err = ct_vmcoreinfo_parse(&vc->info, info, info_len);
	}
	vc->has_virtual = src->read_virt != NULL;
	if (!err)
		err = setup_memory(vc, src);
	if (err) {
		ct_vmcore_destroy(vc);
		return err;
	}
	*ret = vc;
	return NULL;
}

/* The vsyscall page: user-space cores hold it at a kernel address. */
#define VSYSCALL_PAGE 0xffffffffff600000ull

bool ct_vmcore_sniff(const char *buf, size_t len)
{
	if (!ct_core_sniff(buf, len))
		return false;
	const unsigned char *p = (const unsigned char *)buf;
	if (len < sizeof(Elf64_Ehdr) || ct_le16(p + 18) != EM_X86_64)
		return false;
	uint64_t phoff = ct_le64(p + 32);
	unsigned phnum = ct_le16(p + 56);
	if (ct_le16(p + 54) != sizeof(Elf64_Phdr) || phoff > len)
		return false;
	size_t max = (len - (size_t)phoff) / sizeof(Elf64_Phdr);
	if (phnum == PN_XNUM || phnum > max)
		phnum = (unsigned)(max < 65536 ? max : 65536);
	bool kernel_addr = false, notes_whole = false;
	/* one budget for all PT_NOTEs: many headers may name one block */
	unsigned budget = CT_VMCORE_MAX_NOTES;
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *ph = p + phoff + (size_t)i * 56;
		uint32_t type = ct_le32(ph);
		uint64_t off = ct_le64(ph + 8), vaddr = ct_le64(ph + 16),
			 paddr = ct_le64(ph + 24), filesz = ct_le64(ph + 32);
		/* no user-space core writer fills p_paddr, and their only
		 * kernel-space segment is the vsyscall page */
		if (type == PT_LOAD && (paddr != 0 ||
		    (vaddr >= KERNEL_SPACE && vaddr != VSYSCALL_PAGE)))
			kernel_addr = true;
		if (type != PT_NOTE || off > len)
			continue;
		uint64_t end = filesz > len - off ? len : off + filesz;
		if (filesz <= len - off)
			notes_whole = true;
		uint64_t pos = off;
		for (; budget && end - pos >= 12; budget--) {
			uint32_t namesz = ct_le32(p + pos);
			uint32_t descsz = ct_le32(p + pos + 4);
			uint64_t name = pos + 12;
			uint64_t desc = name + (((uint64_t)namesz + 3) & ~3ull);
			if (namesz == 11 && name <= end && end - name >= 11 &&
			    memcmp(p + name, "VMCOREINFO", 11) == 0)
				return true;
			/* QEMU's per-CPU notes: a guest dump, even one taken
			 * without the vmcoreinfo device */
			if (namesz == 5 && name <= end && end - name >= 5 &&
			    memcmp(p + name, "QEMU", 5) == 0)
				return true;
			uint64_t next = desc + (((uint64_t)descsz + 3) & ~3ull);
			if (next > end || next <= pos)
				break;
			pos = next;
		}
	}
	/* notes there in full without VMCOREINFO: a process core; notes cut
	 * off: the addresses decide */
	return !notes_whole && kernel_addr;
}

static int seg_paddr_cmp(const void *a, const void *b)
{
	const struct ct_vmcore_segment *x = a, *y = b;
	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static int seg_vaddr_cmp(const void *a, const void *b)
{
	const struct ct_vmcore_segment *x = a, *y = b;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* The size bytes of notes at off in [p, p+len): the ELF file's, or a
 * kdump-compressed dump's (ct_vmcore_add_notes()). */
static struct ct_error *read_notes(struct ct_vmcore *vc,
				   const unsigned char *p, size_t len,
				   uint64_t off, uint64_t size,
				   const char **ret_info, size_t *ret_info_len)
{
	uint64_t end = off + size;
	struct ct_error *err = NULL;
	if (off > len) {
		return ct_vmcore_add_loss(vc, "notes at offset 0x%llx are past "
					  "the end of the file (0x%zx)",
					  (unsigned long long)off, len);
	}
	if (end > len || end < off) {
		err = ct_vmcore_add_loss(vc, "notes cut off at offset 0x%zx: "
					 "%llu of %llu bytes present",
					 len,
					 (unsigned long long)(len - off),
					 (unsigned long long)size);
		end = len;
	}
	uint64_t pos = off;
	/* one budget for every PT_NOTE of the dump: many program headers
	 * may name the same block of notes */
	for (; !err && vc->notes_left && end - pos >= 12; vc->notes_left--) {
		uint32_t namesz = ct_le32(p + pos);
		uint32_t descsz = ct_le32(p + pos + 4);
		uint32_t type = ct_le32(p + pos + 8);
		uint64_t name = pos + 12;
		uint64_t desc = name + (((uint64_t)namesz + 3) & ~3ull);
		uint64_t next = desc + (((uint64_t)descsz + 3) & ~3ull);
		if (desc > end || descsz > end - desc) {
			/* a cut VMCOREINFO still names what its whole
			 * lines name */
			bool info = namesz == 11 && desc <= end &&
				    memcmp(p + name, "VMCOREINFO", 11) == 0;
			if (info) {
				/* up to the last whole line: a cut value
				 * would be a wrong value */
				size_t n = (size_t)(end - desc);
				while (n && p[desc + n - 1] != '\n')
					n--;
				*ret_info = (const char *)p + desc;
				*ret_info_len = n;
			}
			err = ct_vmcore_add_loss(vc, "%s note at offset 0x%llx "
						 "is cut off: %llu of %u bytes "
						 "present",
						 info ? "VMCOREINFO" : "a",
						 (unsigned long long)pos,
						 (unsigned long long)
						 (desc <= end ? end - desc : 0),
						 descsz);
			break;
		}
		if (namesz == 11 && memcmp(p + name, "VMCOREINFO", 11) == 0) {
			*ret_info = (const char *)p + desc;
			*ret_info_len = descsz;
		} else if (namesz == 5 && memcmp(p + name, "QEMU", 5) == 0) {
			vc->qemu = true;
		} else if (namesz == 5 && memcmp(p + name, "CORE", 5) == 0 &&
			   type == NT_PRSTATUS) {
			err = ct_vmcore_add_prstatus(vc, p + desc, descsz);
		}
		if (next > end)
			break;
		pos = next;
	}
	if (!err && !vc->notes_left && end - pos >= 12)
		err = ct_vmcore_add_loss(vc, "more than %d notes: the rest "
					 "not read", CT_VMCORE_MAX_NOTES);
	return err;
}

struct ct_error *ct_vmcore_add_notes(struct ct_vmcore *vc,
				     const unsigned char *notes, size_t len)
{
	const char *info = NULL;
	size_t info_len = 0;
	return read_notes(vc, notes, len, 0, len, &info, &info_len);
}

/* The ELF header: machine, and where the program headers are and how
 * many (a PN_XNUM count from section header 0). */
static struct ct_error *read_ehdr(const struct ct_vmcore *vc,
				  uint64_t *ret_phoff, uint64_t *ret_phnum)
{
	const unsigned char *p = vc->buf;
	size_t len = vc->len;
	if (len < sizeof(Elf64_Ehdr))
		return ct_error_at(ct_error_create(CT_ERROR_TRUNCATED,
						   "ELF header cut off"),
				   vc->path, 0, len, true);
	if (ct_le16(p + 18) != EM_X86_64)
		return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
						   "kernel dump for machine "
						   "%u: only x86_64 is read",
						   ct_le16(p + 18)),
				   vc->path, 0, 0, false);
	uint64_t phoff = ct_le64(p + 32);
	uint64_t shoff = ct_le64(p + 40);
	uint64_t phnum = ct_le16(p + 56), phnum_at = 56;
	if (ct_le16(p + 54) != sizeof(Elf64_Phdr))
		return ct_error_corrupt_at(vc->path, 54,
					   "program header size %u",
					   ct_le16(p + 54));
	if (phnum == PN_XNUM) {
		/* the real count is in section header 0's sh_info */
		if (shoff > len || len - shoff < sizeof(Elf64_Shdr))
			return ct_error_at(ct_error_create(
				CT_ERROR_TRUNCATED, "section header 0 (with "
				"the program header count) cut off"),
				vc->path, 0, shoff, true);
		phnum_at = shoff + 44;
		phnum = ct_le32(p + phnum_at);
	}
	if (phnum > CT_VMCORE_MAX_SEGMENTS)
		return ct_error_corrupt_at(vc->path, phnum_at,
					   "%llu program headers",
					   (unsigned long long)phnum);
	*ret_phoff = phoff;
	*ret_phnum = phnum;
	return NULL;
}

/* Sort the segments by address, and note how far the physical ones
 * reach. */
static void index_segments(struct ct_vmcore *vc)
{
	/* (qsort wants a pointer even for no element: a phys-only dump has
	 * no virtual segments) */
	if (vc->seg_count > 1)
		qsort(vc->segs, vc->seg_count, sizeof(*vc->segs),
		      seg_paddr_cmp);
	if (vc->vseg_count > 1)
		qsort(vc->vsegs, vc->vseg_count, sizeof(*vc->vsegs),
		      seg_vaddr_cmp);
	uint64_t max_end = 0;
	for (size_t i = 0; i < vc->seg_count; i++) {
		uint64_t e = vc->segs[i].paddr + vc->segs[i].memsz;
		if (e > max_end)
			max_end = e;
		vc->segs[i].max_end = max_end;
	}
}

static struct ct_error *read_elf(struct ct_vmcore *vc, const char **info,
				 size_t *info_len)
{
	const unsigned char *p = vc->buf;
	size_t len = vc->len;
	uint64_t phoff = 0, phnum = 0;
	struct ct_error *err = read_ehdr(vc, &phoff, &phnum);
	if (err)
		return err;
	uint64_t have = phoff > len ? 0 : (len - phoff) / sizeof(Elf64_Phdr);
	if (have < phnum) {
		err = ct_vmcore_add_loss(vc, "program headers cut off at "
					 "offset 0x%zx: %llu of %llu read",
					 len, (unsigned long long)have,
					 (unsigned long long)phnum);
		phnum = have;
	}
	vc->segs = calloc(phnum ? phnum : 1, sizeof(*vc->segs));
	vc->vsegs = calloc(phnum ? phnum : 1, sizeof(*vc->vsegs));
	if (!vc->segs || !vc->vsegs)
		return &ct_enomem;
	size_t gone = 0, cut = 0;
	uint64_t first_gone = 0, bytes_gone = 0;
	for (uint64_t i = 0; !err && i < phnum; i++) {
		const unsigned char *ph = p + phoff + i * sizeof(Elf64_Phdr);
		uint32_t type = ct_le32(ph);
		uint64_t off = ct_le64(ph + 8), vaddr = ct_le64(ph + 16),
			 paddr = ct_le64(ph + 24), filesz = ct_le64(ph + 32),
			 memsz = ct_le64(ph + 40);
		if (type == PT_NOTE) {
			err = read_notes(vc, vc->buf, vc->len, off, filesz,
					 info, info_len);
			continue;
		}
		if (type != PT_LOAD || memsz == 0)
			continue;
		struct ct_vmcore_segment s = {
			.paddr = paddr, .vaddr = vaddr, .memsz = memsz,
			.offset = off,
			.filesz = filesz < memsz ? filesz : memsz,
		};
		if (paddr + memsz < paddr || vaddr + memsz < vaddr)
			continue;	/* wraps: no address reaches it */
		if (off >= len) {
			s.avail = 0;
			if (s.filesz) {
				if (!gone++)
					first_gone = off;
				bytes_gone += s.filesz;
			}
		} else {
			s.avail = len - off < s.filesz ? len - off : s.filesz;
			if (s.avail < s.filesz && !cut++)
				err = ct_vmcore_add_loss(
					vc, "segment at offset 0x%llx "
					"(physical 0x%llx) cut off at "
					"offset 0x%zx: %llu of %llu bytes "
					"present", (unsigned long long)off,
					(unsigned long long)paddr, len,
					(unsigned long long)s.avail,
					(unsigned long long)s.filesz);
		}
		vc->segs[vc->seg_count++] = s;
		if (vaddr >= KERNEL_SPACE) {
			vc->vsegs[vc->vseg_count++] = s;
			vc->has_virtual = true;
		}
	}
	if (!err && gone)
		err = ct_vmcore_add_loss(vc, "%zu segments (%llu bytes of "
					 "memory, from offset 0x%llx on) are "
					 "past the end of the file (0x%zx)",
					 gone, (unsigned long long)bytes_gone,
					 (unsigned long long)first_gone, len);
	index_segments(vc);
	return err;
}

struct ct_error *ct_vmcore_open_memory(const char *path, const void *buf,
				       size_t len, struct ct_vmcore **ret)
{
	if (!ct_core_sniff(buf, len))
		return ct_error_at(ct_error_create(CT_ERROR_NOT_RECOGNISED,
						   "not an ELF core"),
				   path, 0, 0, false);
	struct ct_vmcore *vc = vmcore_new(path, "elf");
	if (!vc)
		return &ct_enomem;
	vc->buf = buf;
	vc->len = len;
	const char *info = NULL;
	size_t info_len = 0;
	struct ct_error *err = read_elf(vc, &info, &info_len);
	if (!err && info) {
		vc->has_vmcoreinfo = true;
		err = ct_vmcoreinfo_parse(&vc->info, info, info_len);
	}
	if (!err) {
		struct ct_kmem_source src = {
			.read_phys = elf_read_phys,
			.read_virt = vc->has_virtual ? elf_read_virt : NULL,
			.state = vc,
		};
		err = setup_memory(vc, &src);
	}
	if (err) {
		ct_vmcore_destroy(vc);
		return err;
	}
	*ret = vc;
	return NULL;
}
