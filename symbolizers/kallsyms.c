/* SPDX-License-Identifier: MIT */
/*
 * kallsyms.c - decode the kernel's kallsyms tables from a dump
 * (kallsyms.h has the format).
 *
 * kallsyms_names has no stored length, so it is read as a stream in
 * chunks; every entry is checked against the bytes actually read, every
 * token offset against the token table read, and every name against
 * CT_KALLSYMS_MAX_NAME, so a corrupt table ends the decoding, never the
 * bounds.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "symbolizers/kallsyms.h"
#include "analyzer/bytes.h"
#include "analyzer/error.h"

enum {
	CHUNK = 64 * 1024,		/* names read at once */
	TOKEN_TABLE_MAX = 64 * 1024,	/* bytes of kallsyms_token_table */
};

/* kallsyms_names read in chunks. */
struct stream {
	struct ct_kmem *km;
	uint64_t base;		/* address of the next chunk */
	unsigned char buf[CHUNK];
	size_t len, pos;	/* bytes in buf, next byte */
	uint64_t total;		/* bytes read so far */
	enum ct_core_mem st;	/* why the last refill stopped short */
};

static bool stream_byte(struct stream *s, unsigned char *ret)
{
	if (s->pos == s->len) {
		if (s->st != CT_CORE_MEM_OK || s->total >= CT_KALLSYMS_MAX_NAMES)
			return false;
		size_t got;
		s->st = ct_kmem_read(s->km, s->base, s->buf, CHUNK, &got);
		s->base += got;
		s->total += got;
		s->len = got;
		s->pos = 0;
		if (!got)
			return false;
	}
	*ret = s->buf[s->pos++];
	return true;
}

/* kallsyms_offsets read a chunk at a time. */
struct offsets {
	struct ct_kmem *km;
	uint64_t vaddr;
	size_t num;		/* entries the table has */
	size_t first, count;	/* entries in buf */
	unsigned char buf[CHUNK];
};

static bool offsets_get(struct offsets *o, size_t i, int32_t *ret)
{
	if (i >= o->num)
		return false;
	if (i < o->first || i >= o->first + o->count) {
		size_t want = o->num - i;
		if (want > CHUNK / 4)
			want = CHUNK / 4;
		size_t got;
		(void)ct_kmem_read(o->km, o->vaddr + 4 * (uint64_t)i, o->buf,
				   want * 4, &got);
		o->first = i;
		o->count = got / 4;
		if (!o->count)
			return false;
	}
	const unsigned char *p = o->buf + 4 * (i - o->first);
	*ret = (int32_t)ct_le32(p);
	return true;
}

void ct_kallsyms_destroy(struct ct_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->pool);
	free(ks->loss);
	free(ks->by_name);
	free(ks);
}

size_t ct_kallsyms_count(const struct ct_kallsyms *ks)
{
	return ks->count;
}

void ct_kallsyms_get(const struct ct_kallsyms *ks, size_t i,
		     struct ct_kallsyms_entry *ret)
{
	assert(i < ks->count);
	ret->address = ks->syms[i].address;
	ret->type = ks->syms[i].type;
	ret->name = ct_kallsyms_name(ks, &ks->syms[i]);
}

const char *ct_kallsyms_loss(const struct ct_kallsyms *ks)
{
	return ks->loss;
}

static struct ct_error *lost(struct ct_kallsyms *ks, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct ct_error *lost(struct ct_kallsyms *ks, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&ks->loss, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ks->loss = NULL;
		return &ct_enomem;
	}
	return NULL;
}

static struct ct_error *need(const struct ct_vmcoreinfo *vi, const char *name,
			     uint64_t *ret)
{
	if (ct_vmcoreinfo_symbol(vi, name, ret))
		return NULL;
	return ct_error_create(CT_ERROR_NOT_FOUND, "VMCOREINFO has no "
			       "SYMBOL(%s): no kallsyms", name);
}

/* kallsyms_token_index's 256 offsets and the token strings they point
 * into. */
struct tokens {
	uint16_t off[256];	/* token t starts at table[off[t]] */
	unsigned char *table;	/* NUL-terminated strings, one more NUL */
	size_t len;		/* bytes of table read */
};

static struct ct_error *read_tokens(struct ct_kmem *km, uint64_t index_va,
				    uint64_t table_va, struct tokens *tok)
{
	unsigned char index_raw[512];
	size_t got;
	if (ct_kmem_read(km, index_va, index_raw, sizeof(index_raw), &got) !=
	    CT_CORE_MEM_OK)
		return ct_error_create(CT_ERROR_NOT_FOUND, "kallsyms_token_"
				       "index at 0x%llx cannot be read",
				       (unsigned long long)index_va);
	size_t table_need = 0;
	for (int i = 0; i < 256; i++) {
		tok->off[i] = ct_le16(index_raw + 2 * i);
		if (tok->off[i] > table_need)
			table_need = tok->off[i];
	}
	table_need += 256;	/* the last token's bytes */
	if (table_need > TOKEN_TABLE_MAX)
		table_need = TOKEN_TABLE_MAX;
	tok->table = calloc(1, table_need + 1);
	if (!tok->table)
		return &ct_enomem;
	/* the table may end on a page the dump lacks: keep what came */
	(void)ct_kmem_read(km, table_va, tok->table, table_need, &got);
	tok->len = got;
	if (tok->len == 0) {
		free(tok->table);
		tok->table = NULL;
		return ct_error_create(CT_ERROR_NOT_FOUND, "kallsyms_token_"
				       "table at 0x%llx cannot be read",
				       (unsigned long long)table_va);
	}
	return NULL;
}

enum entry {
	ENTRY_OK,
	ENTRY_CUT,	/* the length bytes cannot be read */
	ENTRY_BAD,	/* the tokens cannot be read or expand wrongly */
};

/* Decode the next kallsyms_names entry into name (type letter first, not
 * NUL-terminated); *ret_len is its length, at least 2 on ENTRY_OK. */
static enum entry decode_entry(struct stream *s, const struct tokens *tok,
			       char name[CT_KALLSYMS_MAX_NAME + 1],
			       size_t *ret_len)
{
	unsigned char b0, b1 = 0;
	if (!stream_byte(s, &b0) || ((b0 & 0x80) && !stream_byte(s, &b1)))
		return ENTRY_CUT;
	size_t n = (b0 & 0x80) ? (size_t)((b0 & 0x7f) | b1 << 7) : b0;
	size_t len = 0;
	bool bad = false;
	for (size_t k = 0; k < n; k++) {
		unsigned char t;
		if (!stream_byte(s, &t)) {
			bad = true;
			break;
		}
		size_t o = tok->off[t];
		/* token strings are short; copy up to the NUL */
		for (; o < tok->len && tok->table[o] && !bad; o++) {
			if (len >= CT_KALLSYMS_MAX_NAME)
				bad = true;
			else
				name[len++] = (char)tok->table[o];
		}
	}
	if (bad || len < 2)
		return ENTRY_BAD;
	*ret_len = len;
	return ENTRY_OK;
}

/* Append one decoded entry at offset off from kallsyms_relative_base. */
static struct ct_error *add_symbol(struct ct_kallsyms *ks, const char *name,
				   size_t len, int32_t off, uint64_t base)
{
	if (!ct_grow((void **)&ks->syms, &ks->cap, ks->count + 1,
		     sizeof(*ks->syms)) ||
	    !ct_grow((void **)&ks->pool, &ks->pool_cap, ks->pool_len + len, 1))
		return &ct_enomem;
	struct ct_kallsyms_sym *sym = &ks->syms[ks->count++];
	sym->type = name[0];
	sym->name = ks->pool_len;
	memcpy(ks->pool + ks->pool_len, name + 1, len - 1);
	ks->pool[ks->pool_len + len - 1] = '\0';
	ks->pool_len += len;
	if (ks->absolute_percpu)
		sym->address = off >= 0 ? (uint64_t)off
					: base - 1 - (uint64_t)off;
	else
		sym->address = base + (uint32_t)off;
	return NULL;
}

/* Decode num entries of kallsyms_names at names_va; where the dump stops
 * the table early, ks->loss says so.  Errors only for lack of memory. */
static struct ct_error *decode_names(struct ct_kallsyms *ks,
				     struct ct_kmem *km, struct offsets *offs,
				     uint64_t names_va, uint32_t num,
				     uint64_t base, const struct tokens *tok)
{
	struct stream *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->km = km;
	s->base = names_va;
	char name[CT_KALLSYMS_MAX_NAME + 1];
	struct ct_error *err = NULL;
	for (size_t i = 0; i < num && !err; i++) {
		int32_t off;
		if (!offsets_get(offs, i, &off)) {
			err = lost(ks, "kallsyms_offsets cut off after %zu of "
				   "%u symbols", i, num);
			break;
		}
		size_t len = 0;
		enum entry e = decode_entry(s, tok, name, &len);
		if (e == ENTRY_CUT) {
			err = lost(ks, "kallsyms_names cut off at symbol %zu "
				   "of %u (%s)", i, num,
				   ct_kmem_status_name(s->st));
			break;
		}
		if (e == ENTRY_BAD) {
			err = lost(ks, "kallsyms_names entry %zu of %u cannot "
				   "be decoded", i, num);
			break;
		}
		/* tokens expand: short entries can name long symbols, so
		 * the names decoded are capped, not only the table read */
		if (ks->pool_len + len > CT_KALLSYMS_MAX_POOL) {
			err = lost(ks, "kallsyms names past %u MiB: entries "
				   "from %zu of %u not decoded",
				   CT_KALLSYMS_MAX_POOL >> 20, i, num);
			break;
		}
		err = add_symbol(ks, name, len, off, base);
	}
	free(s);
	return err;
}

struct ct_error *ct_kallsyms_read(struct ct_kmem *km,
				  const struct ct_vmcoreinfo *vi,
				  struct ct_kallsyms **ret)
{
	uint64_t names_va, num_va, table_va, index_va, offsets_va, base_va;
	struct ct_error *err = need(vi, "kallsyms_names", &names_va);
	if (!err)
		err = need(vi, "kallsyms_num_syms", &num_va);
	if (!err)
		err = need(vi, "kallsyms_token_table", &table_va);
	if (!err)
		err = need(vi, "kallsyms_token_index", &index_va);
	if (!err)
		err = need(vi, "kallsyms_offsets", &offsets_va);
	if (!err)
		err = need(vi, "kallsyms_relative_base", &base_va);
	if (err)
		return err;
	uint32_t num;
	uint64_t base;
	if (!ct_kmem_read_u32(km, num_va, &num) ||
	    !ct_kmem_read_u64(km, base_va, &base))
		return ct_error_create(CT_ERROR_NOT_FOUND, "kallsyms_num_syms "
				       "or kallsyms_relative_base cannot be "
				       "read");
	if (num == 0 || num > CT_KALLSYMS_MAX_SYMS)
		return ct_error_corrupt(NULL, 0, "kallsyms_num_syms "
					"is %u", num);
	struct tokens tok;
	err = read_tokens(km, index_va, table_va, &tok);
	if (err)
		return err;
	struct ct_kallsyms *ks = calloc(1, sizeof(*ks));
	struct offsets *offs = calloc(1, sizeof(*offs));
	if (!ks || !offs) {
		free(tok.table);
		free(ks);
		free(offs);
		return &ct_enomem;
	}
	offs->km = km;
	offs->vaddr = offsets_va;
	offs->num = num;
	/* the mode: a negative offset anywhere means absolute per-CPU */
	for (size_t i = 0; i < num; i++) {
		int32_t o;
		if (!offsets_get(offs, i, &o))
			break;
		if (o < 0) {
			ks->absolute_percpu = true;
			break;
		}
	}
	err = decode_names(ks, km, offs, names_va, num, base, &tok);
	free(tok.table);
	free(offs);
	if (err == &ct_enomem) {
		ct_kallsyms_destroy(ks);
		return err;
	}
	ct_error_destroy(err);	/* lost(): only its enomem is an error */
	if (ks->count == 0) {
		struct ct_error *e = ct_error_create(
			CT_ERROR_NOT_FOUND, "no kallsyms decoded: %s",
			ks->loss ? ks->loss : "empty table");
		ct_kallsyms_destroy(ks);
		return e;
	}
	*ret = ks;
	return NULL;
}

static uint64_t name_hash(const char *s)
{
	return ct_hash_bytes(CT_HASH_INIT, s, strlen(s));
}

/* Hash every name once (linear probing, in kernel order, so that of
 * equal names the first in kernel order is met first): a vmcore's
 * analysis looks up a few dozen names, and sorting 100k+ of them cost a
 * third of it. */
static bool index_names(struct ct_kallsyms *ks)
{
	size_t cap = 16;
	while (cap < 2 * ks->count)
		cap *= 2;
	ks->by_name = calloc(cap, sizeof(*ks->by_name));
	if (!ks->by_name)
		return false;
	ks->by_name_cap = cap;
	for (size_t i = 0; i < ks->count; i++) {
		size_t j = name_hash(ks->pool + ks->syms[i].name) & (cap - 1);
		while (ks->by_name[j])
			j = (j + 1) & (cap - 1);
		ks->by_name[j] = i + 1;
	}
	return true;
}

size_t ct_kallsyms_index(struct ct_kallsyms *ks, const char *name,
			 const char *types)
{
	if (!ks->count || (!ks->by_name && !index_names(ks)))
		return SIZE_MAX;
	size_t cap = ks->by_name_cap;
	for (size_t j = name_hash(name) & (cap - 1); ks->by_name[j];
	     j = (j + 1) & (cap - 1)) {
		const struct ct_kallsyms_sym *s = &ks->syms[ks->by_name[j] - 1];
		if (strcmp(ks->pool + s->name, name) == 0 &&
		    (!types || strchr(types, s->type)))
			return ks->by_name[j] - 1;
	}
	return SIZE_MAX;
}

const struct ct_kallsyms_sym *ct_kallsyms_find(struct ct_kallsyms *ks,
					       const char *name)
{
	size_t i = ct_kallsyms_index(ks, name, NULL);
	return i == SIZE_MAX ? NULL : &ks->syms[i];
}

struct ct_error *ct_kallsyms_to_symtab(const struct ct_kallsyms *ks,
				       struct ct_symtab *t)
{
	for (size_t i = 0; i < ks->count; i++) {
		const struct ct_kallsyms_sym *s = &ks->syms[i];
		char ty = s->type;
		if (ty != 't' && ty != 'T' && ty != 'w' && ty != 'W')
			continue;
		const char *name = ks->pool + s->name;
		struct ct_error *err = ct_symtab_add_symbol(
			t, s->address, name, strlen(name), NULL,
			ty == 'T' || ty == 'W');
		if (err)
			return err;
	}
	return NULL;
}
