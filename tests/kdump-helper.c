/* SPDX-License-Identifier: MIT */
/*
 * kdump-helper.c - test driver for analyzer/dump/kdump.c, used by
 * tests/e2e/run-kdump.sh.  It sets a kdump dump beside an ELF dump of the
 * same (stopped) machine and prints what each says, one line per question,
 * so that the shell test can compare them with makedumpfile and readelf.
 *
 *   kdump-helper rearrange FLAT OUT     flattened stream -> diskdump file
 *   kdump-helper info DUMP              format, page size, frames, cut
 *   kdump-helper vmcoreinfo DUMP        the VMCOREINFO text, raw
 *   kdump-helper elfnote ELF NAME       an ELF note's payload, raw
 *   kdump-helper read DUMP PADDR LEN    bytes read, then the status
 *   kdump-helper find ELF TEXT          physical address of TEXT in ELF
 *   kdump-helper compare DUMP ELF PADDR LEN...
 *                                       "PADDR LEN same|differ|STATUS"
 *   kdump-helper sweep DUMP ELF [STRIDE] every (STRIDE-th) ELF page:
 *                                       same/differ/status counts
 *
 * Exit status 0 when the question was answered (whatever the answer),
 * 1 with an error line on stderr when a file could not be opened.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/dump/dump.h"

static const char *const status_names[] = {
	[CT_CORE_MEM_OK] = "OK",
	[CT_CORE_MEM_NOT_DUMPED] = "NOT_DUMPED",
	[CT_CORE_MEM_TRUNCATED] = "TRUNCATED",
	[CT_CORE_MEM_UNMAPPED] = "UNMAPPED",
};

struct map {
	const char *path;
	unsigned char *buf;
	size_t len;
};

static void die(const char *fmt, const char *arg)
	__attribute__((format(printf, 1, 0), noreturn));

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "kdump-helper: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fputc('\n', stderr);
	exit(1);
}

static void map_file(const char *path, struct map *m)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open '%s'", path);
	m->path = path;
	m->len = (size_t)st.st_size;
	m->buf = m->len ? mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0) :
		 NULL;
	if (m->len && m->buf == MAP_FAILED)
		die("cannot map '%s'", path);
	close(fd);
}

static void fail_error(struct ct_error *err)
{
	char *msg = ct_error_format(err);
	fprintf(stderr, "kdump-helper: %s\n", msg ? msg : "out of memory");
	free(msg);
	ct_error_destroy(err);
	exit(1);
}

static struct ct_kdump *open_dump(const char *path, struct map *m)
{
	map_file(path, m);
	struct ct_kdump *k;
	struct ct_error *err = ct_kdump_open(path, m->buf, m->len, &k);
	if (err)
		fail_error(err);
	return k;
}

static uint64_t number(const char *s)
{
	char *end;
	errno = 0;
	uint64_t v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		die("bad number '%s'", s);
	return v;
}

/* ---- ELF dumps by physical address --------------------------------------- */

struct elf {
	struct map m;
	const Elf64_Phdr *ph;
	unsigned phnum;
};

static void elf_open(const char *path, struct elf *e)
{
	map_file(path, &e->m);
	const Elf64_Ehdr *eh = (const void *)e->m.buf;
	if (e->m.len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > e->m.len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > e->m.len - eh->e_phoff)
		die("'%s' is no 64-bit ELF file with program headers", path);
	e->ph = (const void *)(e->m.buf + eh->e_phoff);
	e->phnum = eh->e_phnum;
}

/* Pointer to n bytes at physical address paddr, or NULL. */
static const unsigned char *elf_phys(const struct elf *e, uint64_t paddr,
				     uint64_t n)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type != PT_LOAD || paddr < p->p_paddr ||
		    paddr - p->p_paddr > p->p_filesz ||
		    n > p->p_filesz - (paddr - p->p_paddr))
			continue;
		uint64_t off = p->p_offset + (paddr - p->p_paddr);
		if (off > e->m.len || n > e->m.len - off)
			return NULL;
		return e->m.buf + off;
	}
	return NULL;
}

/* ---- commands -------------------------------------------------------------- */

static int cmd_rearrange(char **argv)
{
	struct map m;
	map_file(argv[0], &m);
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("cannot create '%s'", argv[1]);
	struct ct_kdump_flat flat;
	struct ct_error *err = ct_kdump_flat_rearrange(argv[0], m.buf, m.len,
						       fd, &flat);
	if (err)
		fail_error(err);
	printf("records %" PRIu64 " size %" PRIu64 " ranges %zu truncated %d",
	       flat.records, flat.size, flat.extent_count, flat.truncated);
	if (flat.truncated)
		printf(" at 0x%" PRIx64, flat.truncated_at);
	putchar('\n');
	ct_kdump_flat_deinit(&flat);
	close(fd);
	return 0;
}

static int cmd_info(char **argv)
{
	struct map m;
	struct ct_kdump *k = open_dump(argv[0], &m);
	size_t len;
	uint64_t cut = 0;
	(void)ct_kdump_vmcoreinfo(k, &len);
	bool truncated = ct_kdump_is_truncated(k, &cut);
	printf("format %s\npage_size %" PRIu32 "\nmax_pfn 0x%" PRIx64
	       "\nvmcoreinfo_bytes %zu\ntruncated %d\n", ct_kdump_format(k),
	       ct_kdump_page_size(k), ct_kdump_max_pfn(k), len, truncated);
	if (truncated)
		printf("truncated_at 0x%" PRIx64 "\n", cut);
	ct_kdump_destroy(k);
	return 0;
}

static int cmd_vmcoreinfo(char **argv)
{
	struct map m;
	struct ct_kdump *k = open_dump(argv[0], &m);
	size_t len;
	const char *info = ct_kdump_vmcoreinfo(k, &len);
	if (info)
		fwrite(info, 1, len, stdout);
	ct_kdump_destroy(k);
	return info ? 0 : 1;
}

static int cmd_elfnote(char **argv)
{
	struct elf e;
	elf_open(argv[0], &e);
	size_t want = strlen(argv[1]) + 1;
	for (unsigned i = 0; i < e.phnum; i++) {
		const Elf64_Phdr *p = &e.ph[i];
		if (p->p_type != PT_NOTE || p->p_offset > e.m.len ||
		    p->p_filesz > e.m.len - p->p_offset)
			continue;
		const unsigned char *q = e.m.buf + p->p_offset;
		const unsigned char *end = q + p->p_filesz;
		while (end - q >= 12) {
			Elf64_Nhdr nh;
			memcpy(&nh, q, sizeof(nh));
			q += 12;
			uint64_t nsz = (nh.n_namesz + 3ull) & ~3ull;
			uint64_t dsz = (nh.n_descsz + 3ull) & ~3ull;
			if ((uint64_t)(end - q) < nsz ||
			    (uint64_t)(end - q) - nsz < nh.n_descsz)
				break;
			if (nh.n_namesz == want && !memcmp(q, argv[1], want)) {
				const unsigned char *d = q + nsz;
				/* the text ends at its first NUL */
				const void *nul = memchr(d, 0, nh.n_descsz);
				size_t n = nul ? (size_t)((const unsigned char *)nul - d) :
					   nh.n_descsz;
				fwrite(d, 1, n, stdout);
				return 0;
			}
			if ((uint64_t)(end - q) - nsz < dsz)
				break;
			q += nsz + dsz;
		}
	}
	die("no note named '%s'", argv[1]);
}

static int cmd_read(char **argv)
{
	struct map m;
	struct ct_kdump *k = open_dump(argv[0], &m);
	uint64_t paddr = number(argv[1]), n = number(argv[2]);
	if (n > (1u << 24))
		die("length %s too large", argv[2]);
	unsigned char *buf = malloc(n ? n : 1);
	size_t got = 0;
	enum ct_core_mem r = ct_kdump_read_phys(k, paddr, buf, n, &got);
	fwrite(buf, 1, got, stdout);
	fprintf(stderr, "%s %zu\n", status_names[r], got);
	free(buf);
	ct_kdump_destroy(k);
	return 0;
}

static int cmd_find(char **argv)
{
	struct elf e;
	elf_open(argv[0], &e);
	size_t n = strlen(argv[1]);
	for (unsigned i = 0; i < e.phnum; i++) {
		const Elf64_Phdr *p = &e.ph[i];
		if (p->p_type != PT_LOAD || p->p_offset > e.m.len ||
		    p->p_filesz > e.m.len - p->p_offset)
			continue;
		const unsigned char *s = memmem(e.m.buf + p->p_offset,
						p->p_filesz, argv[1], n);
		if (s) {
			printf("0x%" PRIx64 "\n", p->p_paddr +
			       (uint64_t)(s - (e.m.buf + p->p_offset)));
			return 0;
		}
	}
	return 1;
}

/* One line: the kdump read against the ELF bytes. */
static void compare_one(struct ct_kdump *k, const struct elf *e,
			uint64_t paddr, uint64_t n, unsigned char *buf)
{
	size_t got = 0;
	enum ct_core_mem r = ct_kdump_read_phys(k, paddr, buf, n, &got);
	const unsigned char *want = elf_phys(e, paddr, n);
	printf("0x%" PRIx64 " %" PRIu64 " ", paddr, n);
	if (r != CT_CORE_MEM_OK)
		printf("%s %zu%s\n", status_names[r], got,
		       want ? " elf-has-it" : "");
	else if (!want)
		printf("OK elf-lacks-it\n");
	else if (got != n || memcmp(buf, want, n))
		printf("differ\n");
	else
		printf("same\n");
}

static int cmd_compare(int argc, char **argv)
{
	struct map m;
	struct elf e;
	struct ct_kdump *k = open_dump(argv[0], &m);
	elf_open(argv[1], &e);
	for (int i = 2; i + 1 < argc; i += 2) {
		uint64_t paddr = number(argv[i]), n = number(argv[i + 1]);
		if (n > (1u << 24))
			die("length %s too large", argv[i + 1]);
		unsigned char *buf = malloc(n ? n : 1);
		compare_one(k, &e, paddr, n, buf);
		free(buf);
	}
	ct_kdump_destroy(k);
	return 0;
}

static int cmd_sweep(char **argv)
{
	struct map m;
	struct elf e;
	struct ct_kdump *k = open_dump(argv[0], &m);
	elf_open(argv[1], &e);
	uint32_t ps = ct_kdump_page_size(k);
	uint64_t stride = argv[2] ? number(argv[2]) : 1;
	if (stride == 0)
		die("bad stride '%s'", argv[2]);
	unsigned char *buf = malloc(ps);
	uint64_t same = 0, differ = 0, status[4] = { 0 };
	for (unsigned i = 0; i < e.phnum; i++) {
		const Elf64_Phdr *p = &e.ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		for (uint64_t a = p->p_paddr; a - p->p_paddr + ps <= p->p_filesz;
		     a += ps * stride) {
			size_t got;
			enum ct_core_mem r = ct_kdump_read_phys(k, a, buf, ps,
								&got);
			const unsigned char *want = elf_phys(&e, a, ps);
			if (r != CT_CORE_MEM_OK)
				status[r]++;
			else if (want && !memcmp(buf, want, ps))
				same++;
			else
				differ++;
		}
	}
	printf("same %" PRIu64 " differ %" PRIu64 " not_dumped %" PRIu64
	       " truncated %" PRIu64 " unmapped %" PRIu64 "\n", same, differ,
	       status[CT_CORE_MEM_NOT_DUMPED], status[CT_CORE_MEM_TRUNCATED],
	       status[CT_CORE_MEM_UNMAPPED]);
	free(buf);
	ct_kdump_destroy(k);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "rearrange"))
		return cmd_rearrange(argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "info"))
		return cmd_info(argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "vmcoreinfo"))
		return cmd_vmcoreinfo(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "elfnote"))
		return cmd_elfnote(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "read"))
		return cmd_read(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "find"))
		return cmd_find(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "sweep"))
		return cmd_sweep(argv + 2);
	fprintf(stderr, "usage: kdump-helper rearrange|info|vmcoreinfo|elfnote|read|find|compare|sweep ...\n");
	return 2;
}
