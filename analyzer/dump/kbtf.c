/* SPDX-License-Identifier: MIT */
/*
 * kbtf.c - the kernel's own type information (BTF) read from a dump
 * (dump.h): the bytes between the kallsyms symbols __start_BTF and
 * __stop_BTF of a kernel built with CONFIG_DEBUG_INFO_BTF, parsed by
 * libbpf's btf__new(), and the member offsets and sizes the task and
 * stack readers need looked up in it by name.
 *
 * libbpf is loaded when the first dump's BTF is parsed (lazy.h), so that
 * the commands that read no kernel dump do not map it, and its warnings
 * are silenced: the library never prints.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer/dump/dump.h"
#include "analyzer/error.h"
#include "analyzer/lazy.h"
#include "symbolizers/kallsyms.h"

#ifndef CT_LIBBPF_SONAME
#define CT_LIBBPF_SONAME "libbpf.so.1"
#endif

/* The libbpf functions called here (btf.h's inline helpers need none). */
#define CT_BPF_FUNCTIONS(X)                                                  \
	X(btf__new) X(btf__parse_raw_split) X(btf__free) X(btf__type_cnt) X(btf__type_by_id)         \
	X(btf__name_by_offset) X(btf__find_by_name_kind)                     \
	X(btf__resolve_size) X(libbpf_set_print)

static struct {
#define CT_BPF_POINTER(f) __typeof__(f) *f;
	CT_BPF_FUNCTIONS(CT_BPF_POINTER)
#undef CT_BPF_POINTER
} bpf;

static struct ct_lazy bpf_lib = { .soname = CT_LIBBPF_SONAME,
				  .what = "read the kernel's BTF types" };
static pthread_once_t bpf_once = PTHREAD_ONCE_INIT;

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void bpf_load(void)
{
#define RESOLVE(f) CT_LAZY_RESOLVE(&bpf_lib, bpf, f)
	if (ct_lazy_open(&bpf_lib)) {
		CT_BPF_FUNCTIONS(RESOLVE)
	}
#undef RESOLVE
	if (!bpf_lib.error[0])
		bpf.libbpf_set_print(quiet_print);
}

struct ct_kbtf {
	struct btf *btf;	/* libbpf's; freed with btf__free() */
	size_t bytes;		/* size of the blob parsed */
};

/* libbpf 1.1 (Debian 12) parses split BTF from a file only
 * (btf__new_split() came later): the blob goes into an anonymous one.
 * NULL with errno set when it cannot. */
static struct btf *parse_split(const void *data, size_t len,
			       struct btf *base)
{
	int fd = memfd_create("ct-module-btf", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, (const char *)data + done, len - done);
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return NULL;
		}
		done += (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errno = 0;
	/* libbpf reads the base, never changes it */
	struct btf *btf = bpf.btf__parse_raw_split(path, base);
	int e = errno;
	close(fd);
	errno = e;
	return btf;
}

/* ct_kbtf_parse() and ct_kbtf_parse_split(): base NULL for the kernel's. */
static struct ct_error *kbtf_new(const void *data, size_t len,
				 const struct ct_kbtf *base,
				 struct ct_kbtf **ret)
{
	pthread_once(&bpf_once, bpf_load);
	struct ct_error *err = ct_lazy_error(&bpf_lib);
	if (err)
		return err;
	if (len > CT_KBTF_MAX_BYTES)
		return ct_error_create(CT_ERROR_UNSUPPORTED, "BTF of %zu bytes "
				       "is over the cap of %u MiB", len,
				       CT_KBTF_MAX_BYTES >> 20);
	struct ct_kbtf *b = calloc(1, sizeof(*b));
	if (!b)
		return &ct_enomem;
	errno = 0;
	b->btf = base ? parse_split(data, len, base->btf)
		      : bpf.btf__new(data, (__u32)len);
	if (!b->btf) {	/* libbpf 1.x: NULL and errno */
		int e = errno;
		free(b);
		return ct_error_corrupt(NULL, 0, "the %sBTF blob of %zu bytes "
					"does not parse (libbpf: %s)",
					base ? "split " : "", len,
					strerror(e ? e : EINVAL));
	}
	b->bytes = len;
	*ret = b;
	return NULL;
}

struct ct_error *ct_kbtf_parse(const void *data, size_t len,
			       struct ct_kbtf **ret)
{
	return kbtf_new(data, len, NULL, ret);
}

struct ct_error *ct_kbtf_parse_split(const void *data, size_t len,
				     const struct ct_kbtf *base,
				     struct ct_kbtf **ret)
{
	return kbtf_new(data, len, base, ret);
}

void ct_kbtf_destroy(struct ct_kbtf *b)
{
	if (!b)
		return;
	if (b->btf)
		bpf.btf__free(b->btf);
	free(b);
}

struct ct_error *ct_kbtf_read(struct ct_kmem *km, struct ct_kallsyms *ks,
			      struct ct_kbtf **ret)
{
	const struct ct_kallsyms_sym *start = ct_kallsyms_find(ks,
							       "__start_BTF");
	const struct ct_kallsyms_sym *stop = ct_kallsyms_find(ks,
							      "__stop_BTF");
	if (!start || !stop)
		return ct_error_create(CT_ERROR_NOT_FOUND, "no BTF in this "
				       "kernel: kallsyms has no __start_BTF/"
				       "__stop_BTF (built without "
				       "CONFIG_DEBUG_INFO_BTF)");
	if (stop->address <= start->address ||
	    stop->address - start->address > CT_KBTF_MAX_BYTES)
		return ct_error_corrupt(NULL, 0, "__start_BTF 0x%llx and "
					"__stop_BTF 0x%llx give no BTF blob",
					(unsigned long long)start->address,
					(unsigned long long)stop->address);
	size_t len = (size_t)(stop->address - start->address);
	unsigned char *buf = malloc(len);
	if (!buf)
		return &ct_enomem;
	size_t got;
	enum ct_core_mem st = ct_kmem_read(km, start->address, buf, len, &got);
	if (st != CT_CORE_MEM_OK) {
		free(buf);
		return ct_error_create(CT_ERROR_NOT_FOUND, "no BTF: byte %zu "
				       "of the %zu-byte blob at 0x%llx is %s",
				       got, len,
				       (unsigned long long)start->address,
				       ct_kmem_status_name(st));
	}
	struct ct_error *err = ct_kbtf_parse(buf, len, ret);
	free(buf);	/* btf__new() keeps its own copy */
	return err;
}

const struct btf_type *ct_kbtf_type_at(const struct ct_kbtf *b, uint32_t id)
{
	return bpf.btf__type_by_id(b->btf, id);
}

const char *ct_kbtf_name(const struct ct_kbtf *b, uint32_t name_off)
{
	const char *n = bpf.btf__name_by_offset(b->btf, name_off);
	return n ? n : "";
}

int64_t ct_kbtf_type_size(const struct ct_kbtf *b, uint32_t id)
{
	return bpf.btf__resolve_size(b->btf, id);
}

size_t ct_kbtf_type_count(const struct ct_kbtf *b)
{
	return bpf.btf__type_cnt(b->btf);
}

size_t ct_kbtf_bytes(const struct ct_kbtf *b)
{
	return b->bytes;
}

/* The struct or union type called name, or NULL. */
static const struct btf_type *find_composite(const struct ct_kbtf *b,
					     const char *name, __u32 *ret_id)
{
	__s32 id = bpf.btf__find_by_name_kind(b->btf, name, BTF_KIND_STRUCT);
	if (id <= 0)
		id = bpf.btf__find_by_name_kind(b->btf, name, BTF_KIND_UNION);
	if (id <= 0)
		return NULL;
	*ret_id = (__u32)id;
	return bpf.btf__type_by_id(b->btf, (__u32)id);
}

const struct btf_type *ct_kbtf_strip(const struct ct_kbtf *b, uint32_t *id)
{
	const struct btf_type *t = bpf.btf__type_by_id(b->btf, *id);
	for (int depth = 0; t && depth < 32; depth++) {
		if (!btf_is_typedef(t) && !btf_is_mod(t))
			return t;
		*id = t->type;
		t = bpf.btf__type_by_id(b->btf, *id);
	}
	return NULL;
}

enum { MEMBERS_VISITED_MAX = 1 << 16 };	/* per lookup */

/* Find member name in the composite t, looking into anonymous struct and
 * union members; *ret_bits gets its bit offset from the start of t and
 * *ret_type its type id.  depth caps the recursion and *budget the members
 * visited: hostile BTF can nest one struct with many anonymous members in
 * itself. */
static bool find_member(const struct ct_kbtf *b, const struct btf_type *t,
			const char *name, size_t name_len, int depth,
			size_t *budget, uint64_t *ret_bits, __u32 *ret_type,
			__u32 *ret_bitfield)
{
	if (depth > 8 || !btf_is_composite(t))
		return false;
	const struct btf_member *m = btf_members(t);
	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		if (!*budget)
			return false;
		--*budget;
		const char *mn = bpf.btf__name_by_offset(b->btf, m->name_off);
		__u32 off = btf_member_bit_offset(t, i);
		if (mn && mn[0]) {
			if (strlen(mn) != name_len ||
			    memcmp(mn, name, name_len) != 0)
				continue;
			*ret_bits = off;
			*ret_type = m->type;
			*ret_bitfield = btf_member_bitfield_size(t, i);
			return true;
		}
		__u32 mid = m->type;
		const struct btf_type *mt = ct_kbtf_strip(b, &mid);
		uint64_t inner;
		if (mt && find_member(b, mt, name, name_len, depth + 1, budget,
				      &inner, ret_type, ret_bitfield)) {
			*ret_bits = off + inner;
			return true;
		}
	}
	return false;
}

bool ct_kbtf_find_struct(const struct ct_kbtf *b, const char *name,
			 uint32_t *ret_id)
{
	return find_composite(b, name, ret_id) != NULL;
}

bool ct_kbtf_struct_size(const struct ct_kbtf *b, const char *name,
			 uint64_t *ret)
{
	__u32 id;
	const struct btf_type *t = find_composite(b, name, &id);
	if (!t)
		return false;
	*ret = t->size;
	return true;
}

bool ct_kbtf_member(const struct ct_kbtf *b, const char *type,
		    const char *path, struct ct_kbtf_field *ret)
{
	__u32 id;
	const struct btf_type *t = find_composite(b, type, &id);
	if (!t)
		return false;
	uint64_t bits = 0;
	__u32 mtype = 0, bitfield = 0;
	const char *p = path;
	size_t budget = MEMBERS_VISITED_MAX;
	bool whole = false;	/* every part of path was found */
	for (int depth = 0; t && depth < 8; depth++) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		uint64_t off;
		if (!find_member(b, t, p, n, 0, &budget, &off, &mtype,
				 &bitfield))
			return false;
		bits += off;
		if (!dot) {
			whole = true;
			break;
		}
		p = dot + 1;
		id = mtype;
		t = ct_kbtf_strip(b, &id);
		if (!t || !btf_is_composite(t))
			return false;
	}
	if (!whole)
		return false;	/* a path of more than 8 parts */
	if (bitfield || (bits & 7))
		return false;	/* the readers take whole bytes only */
	__s64 size = bpf.btf__resolve_size(b->btf, mtype);
	if (size < 0)
		return false;
	ret->offset = bits / 8;
	ret->size = (uint64_t)size;
	ret->type_id = mtype;
	const struct btf_type *mt = ct_kbtf_strip(b, &mtype);
	const char *name = mt && btf_is_composite(mt)
		? bpf.btf__name_by_offset(b->btf, mt->name_off) : NULL;
	ret->type_name = name && name[0] ? name : NULL;
	return true;
}
