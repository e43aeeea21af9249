/* SPDX-License-Identifier: MIT */
/*
 * symtab-text.c - the text symbol-list symbolizer: reads System.map,
 * kallsyms, nm output and vmkernel-style symbol lists (forms documented in
 * symtab-text.h) into one address-sorted table, and answers address ->
 * symbol+offset/size with the next symbol's start as the end.
 */
#include <errno.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "symbolizers/symtab-text.h"

enum { MAX_TOKENS = 4 };

struct token {
	const char *p;
	size_t len;
};

struct ct_error *ct_symtab_create(struct ct_symtab **ret)
{
	struct ct_symtab *t = calloc(1, sizeof(*t));
	if (!t)
		return &ct_enomem;
	t->sorted = true;
	*ret = t;
	return NULL;
}

void ct_symtab_destroy(struct ct_symtab *t)
{
	if (!t)
		return;
	free(t->syms);
	free(t->pool);
	free(t);
}

/* 1-16 hex digits, optional 0x, nothing else in the token. */
static bool token_hex(const struct token *tk, uint64_t *ret)
{
	const char *s = tk->p, *end = tk->p + tk->len;
	uint64_t v;
	if (!ct_parse_hex_u64(&s, end, &v) || s != end)
		return false;
	*ret = v;
	return true;
}

static bool token_is_type(const struct token *tk)
{
	return tk->len == 1 && (ct_is_alpha(tk->p[0]));
}

/* Copy a name into the pool; *ret is its offset. */
static bool pool_add(struct ct_symtab *t, const char *p, size_t len,
		     size_t *ret)
{
	if (!ct_grow((void **)&t->pool, &t->pool_cap, t->pool_len + len + 1,
		     1))
		return false;
	memcpy(t->pool + t->pool_len, p, len);
	t->pool[t->pool_len + len] = '\0';
	*ret = t->pool_len;
	t->pool_len += len + 1;
	return true;
}

static struct ct_error *add_symbol(struct ct_symtab *t, const char *path,
				   unsigned long line, uint64_t addr,
				   const struct token *name,
				   const struct token *module, bool global)
{
	if (name->len > CT_SYMTAB_MAX_NAME ||
	    (module && module->len > CT_SYMTAB_MAX_NAME))
		return ct_error_corrupt(path, line, "name longer than %d bytes",
					CT_SYMTAB_MAX_NAME);
	if (addr == 0) {
		t->skipped++;
		return NULL;
	}
	if (!ct_grow((void **)&t->syms, &t->capacity, t->count + 1,
		     sizeof(*t->syms)))
		return &ct_enomem;
	struct ct_symtab_entry *e = &t->syms[t->count];
	e->address = addr;
	e->module = SIZE_MAX;
	e->order = t->count;
	e->global = global;
	if (!pool_add(t, name->p, name->len, &e->name))
		return &ct_enomem;
	if (module && !pool_add(t, module->p, module->len, &e->module))
		return &ct_enomem;
	t->count++;
	t->sorted = false;
	return NULL;
}

struct ct_error *ct_symtab_add_symbol(struct ct_symtab *t, uint64_t addr,
				     const char *name, size_t name_len,
				     const char *module, bool global)
{
	struct token n = { .p = name, .len = name_len };
	struct token m = { .p = module, .len = module ? strlen(module) : 0 };
	return add_symbol(t, "symbol table", 0, addr, &n, module ? &m : NULL,
			  global);
}

static struct ct_error *parse_line(struct ct_symtab *t, const char *path,
				   const struct ct_line *l)
{
	struct token tk[MAX_TOKENS];
	size_t n = 0;
	const char *p = l->p, *end = l->p + l->len;
	while (p < end) {
		int c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (n == 0 && c == '#')
			return NULL;		/* comment */
		if (n == MAX_TOKENS)
			return ct_error_corrupt(path, l->number,
						"more than %d fields",
						MAX_TOKENS);
		tk[n].p = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r') {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return ct_error_corrupt(path, l->number,
							"control character "
							"in a name");
			p++;
		}
		tk[n].len = (size_t)(p - tk[n].p);
		n++;
	}
	if (n == 0)
		return NULL;			/* empty line */
	if (n == 1)
		return ct_error_corrupt(path, l->number,
					"one field: expected an address and "
					"a name");
	uint64_t addr;
	const struct token *module = NULL;
	/* a module is written "[mod]" or "mod" */
	struct token mod;
	if (token_hex(&tk[0], &addr) && n >= 3 && token_is_type(&tk[1])) {
		/* ADDR TYPE NAME [MODULE] */
		char type = tk[1].p[0];
		if (n == 4) {
			mod = tk[3];
			module = &mod;
		}
		if (!strchr("tTwW", type)) {
			t->skipped++;
			if (tk[2].len > CT_SYMTAB_MAX_NAME)
				return ct_error_corrupt(path, l->number,
							"name longer than %d "
							"bytes",
							CT_SYMTAB_MAX_NAME);
			return NULL;
		}
		if (module && mod.len >= 2 && mod.p[0] == '[' &&
		    mod.p[mod.len - 1] == ']') {
			mod.p++;
			mod.len -= 2;
		}
		return add_symbol(t, path, l->number, addr, &tk[2], module,
				  type == 'T' || type == 'W');
	}
	if (n == 2 && token_is_type(&tk[0]) && strchr("Uvw", tk[0].p[0])) {
		t->skipped++;			/* nm: undefined */
		return NULL;
	}
	if (n == 4)
		return ct_error_corrupt(path, l->number,
					"four fields but the second is no "
					"one-letter symbol type");
	const struct token *name;
	if (token_hex(&tk[0], &addr))
		name = &tk[1];			/* ADDR NAME [MODULE] */
	else if (token_hex(&tk[1], &addr))
		name = &tk[0];			/* NAME ADDR [MODULE] */
	else
		return ct_error_corrupt(path, l->number,
					"no hex address in the first two "
					"fields");
	if (n == 3) {
		mod = tk[2];
		if (mod.len >= 2 && mod.p[0] == '[' &&
		    mod.p[mod.len - 1] == ']') {
			mod.p++;
			mod.len -= 2;
		}
		module = &mod;
	}
	return add_symbol(t, path, l->number, addr, name, module, true);
}

struct ct_error *ct_symtab_add_text(struct ct_symtab *t, const char *path,
				    const char *buf, size_t len)
{
	struct ct_line_reader r;
	struct ct_line l;
	ct_line_reader_init(&r, buf, len);
	while (ct_line_next(&r, &l)) {
		if (t->lines >= CT_SYMTAB_MAX_LINES)
			return ct_error_corrupt(path, l.number,
						"more than %d lines of "
						"symbols", CT_SYMTAB_MAX_LINES);
		t->lines++;
		if (memchr(l.p, '\0', l.len))
			return ct_error_corrupt(path, l.number,
						"NUL byte in a symbol line");
		struct ct_error *err = parse_line(t, path, &l);
		if (err)
			return err;
	}
	return NULL;
}

struct ct_error *ct_symtab_add_file(struct ct_symtab *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ct_error_os(errno, path, "cannot open");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct ct_error *err = NULL;
	/* read at most one byte past the cap, to know it was passed */
	const size_t limit = (size_t)CT_SYMTAB_MAX_FILE + 1;
	for (;;) {
		size_t want = limit - len < 65536 ? limit - len : 65536;
		if (!ct_grow((void **)&buf, &cap, len + want, 1)) {
			err = &ct_enomem;
			break;
		}
		size_t got = fread(buf + len, 1, want, f);
		len += got;
		if (len > (size_t)CT_SYMTAB_MAX_FILE) {
			err = ct_error_create(CT_ERROR_UNSUPPORTED,
					      "symbol list larger than %d "
					      "MiB", CT_SYMTAB_MAX_FILE >> 20);
			err = ct_error_at(err, path, 0, 0, false);
			break;
		}
		if (got == 0) {
			if (ferror(f))
				err = ct_error_os(EIO, path, "cannot read");
			break;
		}
	}
	fclose(f);
	if (!err)
		err = ct_symtab_add_text(t, path, buf, len);
	free(buf);
	return err;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct ct_symtab_entry *x = a, *y = b;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	if (x->global != y->global)
		return x->global ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void ct_symtab_finish(struct ct_symtab *t)
{
	if (t->sorted)
		return;
	if (t->count > 1)
		qsort(t->syms, t->count, sizeof(*t->syms), entry_cmp);
	t->sorted = true;
}

bool ct_symtab_lookup(struct ct_symtab *t, uint64_t addr,
		      struct ct_symtab_hit *ret)
{
	ct_symtab_finish(t);
	/* lo: first entry whose start is > addr */
	size_t lo = ct_bsearch_upper(&addr, t->syms, t->count, sizeof(*t->syms),
				     ct_bsearch_cmp_u64_field,
				     CT_BSEARCH_FIELD(struct ct_symtab_entry,
						      address));
	if (lo == 0)
		return false;
	size_t next = lo;	/* first symbol after the hit's start */
	uint64_t start = t->syms[lo - 1].address;
	size_t i = lo - 1;
	while (i > 0 && t->syms[i - 1].address == start)
		i--;		/* the best of the symbols at start */
	const struct ct_symtab_entry *e = &t->syms[i];
	ret->name = t->pool + e->name;
	ret->module = e->module == SIZE_MAX ? NULL : t->pool + e->module;
	ret->start = start;
	ret->offset = addr - start;
	ret->has_size = next < t->count;
	ret->size = ret->has_size ? t->syms[next].address - start : 0;
	return true;
}
