/* SPDX-License-Identifier: MIT */
/*
 * dwarf.c - the DWARF side of a walk: the session (the core's
 * mapping and reader, the program's DWARF, its load bias), looking up
 * globals, structs and members, and resolving a root and a member path
 * to an address and a type.  See walk-internal.h.
 */
#include <dwarf.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/walk/walk-internal.h"
#include "analyzer/error.h"

/* ct_walk_mem over a core: the core's own reader. */
static enum ct_core_mem core_mem_read(void *state, uint64_t addr, void *dst,
				      size_t n, size_t *ret_read)
{
	return ct_core_read(state, addr, dst, n, ret_read);
}

static const void *core_mem_span(void *state, uint64_t addr, size_t n)
{
	return ct_core_span(state, addr, n);
}

/*
 * A thread's stack: the segment holding its stack pointer, from its start
 * (dead frames included) to 1 MiB above the stack pointer.  Not the whole
 * segment: the kernel may have merged the mapping with an adjacent
 * anonymous one (a malloc arena) above the stack.  Found once, as every
 * pointer a walk follows is checked against them.
 */
static struct ct_error *find_stacks(struct ct_walk_session *s)
{
	const struct ct_core *c = s->core;
	if (!c->thread_count)
		return NULL;
	s->stacks = calloc(c->thread_count, sizeof(*s->stacks));
	if (!s->stacks)
		return &ct_enomem;
	for (size_t i = 0; i < c->thread_count; i++) {
		uint64_t sp = c->threads[i].sp;
		if (!c->threads[i].has_regs)
			continue;
		for (size_t j = 0; j < c->segment_count; j++) {
			const struct ct_core_segment *g = &c->segments[j];
			if (sp - g->vaddr >= g->memsz)
				continue;
			/* up to and with sp + 1 MiB, within the segment */
			uint64_t lim = sp + (1u << 20);
			if (lim < sp)
				lim = UINT64_MAX - 1;
			uint64_t hi = lim + 1, end = g->vaddr + g->memsz;
			if (end > g->vaddr && hi > end)
				hi = end;
			s->stacks[s->stack_count++] =
				(struct ct_walk_stack){ g->vaddr, hi };
			break;
		}
	}
	return NULL;
}

/* ---- session ------------------------------------------------------------- */

struct ct_error *ct_walk_session_open(const char *core_path, const char *exe,
				      struct ct_walk_session **ret)
{
	struct ct_walk_session *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->exe_fd = -1;
	s->ptr_size = 8;
	struct ct_error *err = NULL;
	s->core_path = strdup(core_path);
	if (!s->core_path) {
		err = &ct_enomem;
		goto fail;
	}
	err = ct_map_file(core_path, &s->map, &s->map_len);
	if (err)
		goto fail;
	err = ct_core_open_memory(s->core_path, s->map, s->map_len, &s->core);
	if (err)
		goto fail;
	err = find_stacks(s);
	if (err)
		goto fail;
	char buf[4096];
	if (!exe) {
		if (!ct_core_executable(s->core, buf, sizeof(buf))) {
			err = ct_error_at(ct_error_create(
				CT_ERROR_NOT_FOUND,
				"the core names no executable; use --exe"),
				core_path, 0, 0, false);
			goto fail;
		}
		exe = buf;
	}
	s->exe = strdup(exe);
	if (!s->exe) {
		err = &ct_enomem;
		goto fail;
	}
	/* O_NONBLOCK: a core can name a FIFO, which must not hang us */
	s->exe_fd = open(s->exe, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (s->exe_fd < 0) {
		err = ct_error_os(errno, s->exe, "cannot open executable");
		goto fail;
	}
	struct stat st;
	if (fstat(s->exe_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err = ct_error_at(ct_error_create(CT_ERROR_NOT_RECOGNISED,
						  "executable is not a "
						  "regular file"),
				  s->exe, 0, 0, false);
		goto fail;
	}
	s->dwarf = dwarf_begin(s->exe_fd, DWARF_C_READ);
	if (!s->dwarf) {
		err = ct_error_libdw(s->exe, "no DWARF debug info");
		goto fail;
	}
	/* pointer size: the address size of the first unit */
	Dwarf_Off cu_next;
	size_t cu_hsize;
	uint8_t asize = 0;
	if (dwarf_nextcu(s->dwarf, 0, &cu_next, &cu_hsize, NULL, &asize,
			 NULL) == 0 && (asize == 4 || asize == 8))
		s->ptr_size = asize;
	/* load bias: where the entry point is in the process minus where
	 * the file says it is (0 for a fixed-address program) */
	Elf *elf = dwarf_getelf(s->dwarf);
	s->bias_unknown = elf && !ct_core_load_bias(s->core, elf, &s->bias);
	s->mem.read = core_mem_read;
	s->mem.span = core_mem_span;
	s->mem.state = s->core;
	s->mem.ptr_size = s->ptr_size;
	*ret = s;
	return NULL;
fail:
	ct_walk_session_destroy(s);
	return err;
}

void ct_walk_session_destroy(struct ct_walk_session *s)
{
	if (!s)
		return;
	if (s->dwarf)
		dwarf_end(s->dwarf);
	if (s->exe_fd >= 0)
		close(s->exe_fd);
	ct_core_destroy(s->core);
	if (s->map)
		ct_unmap_file(s->map, s->map_len);
	free(s->stacks);
	free(s->exe);
	free(s->core_path);
	free(s);
}

/* ---- DWARF --------------------------------------------------------------- */

/* Strip typedefs and qualifiers; false on broken DWARF. */
bool ct_walk_peel(Dwarf_Die *die)
{
	return dwarf_peel_type(die, die) == 0;
}

bool ct_walk_die_type(Dwarf_Die *die, Dwarf_Die *ret)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, ret) && ct_walk_peel(ret);
}

bool ct_walk_is_struct(const Dwarf_Die *die)
{
	int tag = dwarf_tag((Dwarf_Die *)die);
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

const char *ct_walk_die_name_or(Dwarf_Die *die, const char *dflt)
{
	const char *n = dwarf_diename(die);
	return n ? n : dflt;
}

/* Find a top-level DIE of one of tags named name in any CU: a struct
 * definition (not a declaration) or a variable with a location. */
bool ct_walk_find_global(Dwarf *dw, const char *name, int tag, Dwarf_Die *ret)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &child) == 0) {
			do {
				int t = dwarf_tag(&child);
				if (t != tag && !(tag == DW_TAG_structure_type &&
						  t == DW_TAG_typedef))
					continue;
				const char *n = dwarf_diename(&child);
				if (!n || strcmp(n, name) != 0 ||
				    dwarf_hasattr(&child, DW_AT_declaration))
					continue;
				if (tag == DW_TAG_variable &&
				    !dwarf_hasattr(&child, DW_AT_location))
					continue;
				if (t == DW_TAG_typedef) {
					Dwarf_Die d = child;
					if (!ct_walk_peel(&d) || !ct_walk_is_struct(&d))
						continue;
					child = d;
				}
				*ret = child;
				return true;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	return false;
}

/* Member name of struct die: offset in the struct and (peeled) type.
 * Anonymous struct/union members are searched too. */
bool ct_walk_find_member(Dwarf_Die *st, const char *name, uint64_t *ret_off,
			 Dwarf_Die *ret_type, int depth)
{
	Dwarf_Die m;
	if (depth > 8 || dwarf_child(st, &m) != 0)
		return false;
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		Dwarf_Word off = 0;
		Dwarf_Attribute a;
		if (dwarf_attr(&m, DW_AT_data_member_location, &a) &&
		    dwarf_formudata(&a, &off) != 0)
			continue;	/* a location expression: not handled */
		if (off > CT_WALK_MAX_OBJECT)
			continue;	/* bogus DWARF: no struct is that big */
		Dwarf_Die t;
		const char *n = dwarf_diename(&m);
		if (!ct_walk_die_type(&m, &t))
			continue;
		if (n && strcmp(n, name) == 0) {
			*ret_off = off;
			*ret_type = t;
			return true;
		}
		uint64_t sub;
		if (!n && ct_walk_is_struct(&t) &&
		    ct_walk_find_member(&t, name, &sub, ret_type, depth + 1)) {
			*ret_off = off + sub;
			return true;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

uint64_t ct_walk_type_size(Dwarf_Die *t)
{
	/* 0, "unknown", for what a struct cannot be: every element would
	 * be probed that far */
	Dwarf_Word n;
	return dwarf_aggregate_size(t, &n) == 0 && n <= CT_WALK_MAX_OBJECT
		? n : 0;
}

bool ct_walk_is_char(Dwarf_Die *t)
{
	return dwarf_tag(t) == DW_TAG_base_type && ct_walk_type_size(t) == 1;
}

int ct_walk_unique_member_with(Dwarf_Die *st, const char *has,
			       uint64_t *ret_off, Dwarf_Die *ret_type,
			       char *name, size_t n)
{
	Dwarf_Die m;
	int found = 0;
	if (dwarf_child(st, &m) != 0)
		return 0;
	do {
		Dwarf_Die t, tt;
		Dwarf_Word off;
		Dwarf_Attribute a;
		uint64_t o;
		if (dwarf_tag(&m) != DW_TAG_member ||
		    !ct_walk_die_type(&m, &t) || !ct_walk_is_struct(&t) ||
		    !ct_walk_find_member(&t, has, &o, &tt, 0) ||
		    !dwarf_attr(&m, DW_AT_data_member_location, &a) ||
		    dwarf_formudata(&a, &off) != 0)
			continue;
		if (found++ == 0) {
			*ret_off = off;
			*ret_type = t;
			snprintf(name, n, "%s", ct_walk_die_name_or(&m, ""));
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return found;
}

/* Copy the struct name of t into buf ("" for anonymous). */
void ct_walk_type_name(Dwarf_Die *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ct_walk_die_name_or(t, ""));
}


/* Follow pointers until v is a struct (at most a few levels). */
struct ct_error *ct_walk_deref_to_struct(struct ct_walk_session *s,
					 struct ct_walk_tval *v, const char *what)
{
	for (int i = 0; i < 4 && dwarf_tag(&v->type) == DW_TAG_pointer_type;
	     i++) {
		uint64_t p;
		enum ct_core_mem m = ct_walk_read_ptr(&s->mem, v->addr, &p);
		if (m != CT_CORE_MEM_OK)
			return ct_walk_error("'%s' at 0x%" PRIx64 ": %s", what,
					  v->addr, ct_walk_mem_reason(&s->mem, m));
		if (p == 0)
			return ct_walk_error("'%s' is NULL", what);
		Dwarf_Die t;
		if (!ct_walk_die_type(&v->type, &t))
			return ct_walk_error("'%s' is a pointer to no type", what);
		v->addr = p;
		v->type = t;
	}
	if (!ct_walk_is_struct(&v->type))
		return ct_walk_error("'%s' is not a struct", what);
	return NULL;
}

/* Apply "a.b.c" to v, following pointers between members. */
struct ct_error *ct_walk_member_path(struct ct_walk_session *s,
				     struct ct_walk_tval *v,
				     const char *path)
{
	char buf[256];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return ct_walk_error("member path '%s' is too long", path);
	int n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		if (++n > CT_WALK_MAX_PATH)
			return ct_walk_error("member path '%s' is too long", path);
		struct ct_error *err = ct_walk_deref_to_struct(s, v, tok);
		if (err)
			return err;
		uint64_t off;
		Dwarf_Die t;
		if (!ct_walk_find_member(&v->type, tok, &off, &t, 0))
			return ct_walk_error("struct '%s' has no member '%s'",
					  ct_walk_die_name_or(&v->type, "(anonymous)"),
					  tok);
		v->addr += off;
		v->type = t;
	}
	return NULL;
}

struct ct_error *ct_walk_resolve_root(struct ct_walk_session *s,
				      const struct ct_walk_spec *spec,
				      struct ct_walk_tval *ret)
{
	const char *root = spec->root;
	if (!root || !*root)
		return ct_walk_error("no root given");
	if (ct_is_digit(root[0])) {
		char *end;
		errno = 0;
		unsigned long long a = strtoull(root, &end, 0);
		if (errno || *end)
			return ct_walk_error("bad root address '%s'", root);
		if (!spec->type)
			return ct_walk_error("a root address needs a type");
		if (!ct_walk_find_global(s->dwarf, spec->type, DW_TAG_structure_type,
				 &ret->type))
			return ct_walk_error("no struct '%s' in the debug info of '%s'",
					  spec->type, s->exe);
		ret->addr = a;
		return NULL;
	}
	char var[128];
	size_t vl = strcspn(root, ".");
	if (vl >= sizeof(var))
		return ct_walk_error("symbol name too long");
	memcpy(var, root, vl);
	var[vl] = 0;
	Dwarf_Die d;
	if (!ct_walk_find_global(s->dwarf, var, DW_TAG_variable, &d))
		return ct_walk_error("no global variable '%s' in the debug info of '%s'",
				  var, s->exe);
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	if (!dwarf_attr(&d, DW_AT_location, &a) ||
	    dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1 ||
	    ops[0].atom != DW_OP_addr)
		return ct_walk_error("'%s' has no static address", var);
	if (s->bias_unknown)
		return ct_walk_error("the core has no AT_ENTRY (its notes are lost?): "
				  "where '%s' was loaded is unknown; give the root "
				  "as an address", s->exe);
	ret->addr = ops[0].number + s->bias;
	if (!ct_walk_die_type(&d, &ret->type))
		return ct_walk_error("'%s' has no type", var);
	if (root[vl]) {
		struct ct_error *err = ct_walk_member_path(s, ret, root + vl + 1);
		if (err)
			return err;
	}
	struct ct_error *err = ct_walk_deref_to_struct(s, ret, root);
	if (err)
		return err;
	if (spec->type) {
		const char *n = dwarf_diename(&ret->type);
		if (!n || strcmp(n, spec->type) != 0)
			return ct_walk_error("'%s' is a struct %s, not %s", root,
					  n ? n : "(anonymous)", spec->type);
	}
	return NULL;
}

/* ---- pointer members of an element --------------------------------------- */

enum {
	MPLAN_DEPTH = 4,	/* embedded struct levels followed */
	MPLAN_ARRAY = 8,	/* entries of an array checked */
};

/* The byte offset of member m in its struct, false when DWARF gives a
 * location expression (not handled) or a bogus offset; 0 when absent
 * (a union's variants). */
static bool member_offset(Dwarf_Die *m, uint64_t *ret)
{
	Dwarf_Word off = 0;
	Dwarf_Attribute a;
	if (dwarf_attr(m, DW_AT_data_member_location, &a) &&
	    dwarf_formudata(&a, &off) != 0)
		return false;
	if (off > CT_WALK_MAX_OBJECT)
		return false;
	*ret = off;
	return true;
}

/* The alignment a pointer to t can be held to: the natural one, at most
 * ptr_size (malloc promises no more to a program that packs its own);
 * 1 for void, functions, declarations, bit-fields' holders and packed
 * structs (a member off its natural alignment, or a size that is not a
 * multiple of it), so that a packed layout is never called misaligned. */
static uint64_t type_align(Dwarf_Die *t, unsigned ptr_size, int depth)
{
	Dwarf_Word a;
	Dwarf_Attribute at;
	if (dwarf_attr_integrate(t, DW_AT_alignment, &at) &&
	    dwarf_formudata(&at, &a) == 0 && a)
		return a < ptr_size ? a : ptr_size;
	switch (dwarf_tag(t)) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type: {
		uint64_t n = ct_walk_type_size(t);
		if (n == 0 || (n & (n - 1)))
			return 1;
		return n < ptr_size ? n : ptr_size;
	}
	case DW_TAG_pointer_type:
		return ptr_size;
	case DW_TAG_array_type: {
		Dwarf_Die e;
		return depth <= MPLAN_DEPTH && ct_walk_die_type(t, &e)
			? type_align(&e, ptr_size, depth + 1) : 1;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		break;
	default:
		return 1;
	}
	Dwarf_Die m;
	if (depth > MPLAN_DEPTH || dwarf_hasattr(t, DW_AT_declaration) ||
	    dwarf_child(t, &m) != 0)
		return 1;
	uint64_t al = 1;
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		Dwarf_Die mt;
		uint64_t off;
		if (dwarf_hasattr(&m, DW_AT_bit_size) ||
		    !ct_walk_die_type(&m, &mt) || !member_offset(&m, &off))
			return 1;
		uint64_t ma = type_align(&mt, ptr_size, depth + 1);
		if (off % ma)
			return 1;	/* packed */
		if (ma > al)
			al = ma;
	} while (dwarf_siblingof(&m, &m) == 0);
	uint64_t size = ct_walk_type_size(t);
	return size % al ? 1 : al;
}

/* What a pointer of type t (DW_TAG_pointer_type) must point at. */
static void pointer_check(Dwarf_Die *t, unsigned ptr_size,
			  struct ct_walk_mcheck *c)
{
	Dwarf_Die tt;
	c->align = 1;
	c->size = 0;
	c->string = c->func = c->list_node = false;
	if (!ct_walk_die_type(t, &tt))
		return;		/* void * */
	int tag = dwarf_tag(&tt);
	if (tag == DW_TAG_subroutine_type) {
		c->func = true;
		return;
	}
	const char *n = dwarf_diename(&tt);
	c->list_node = tag == DW_TAG_pointer_type ||
		       (ct_walk_is_struct(&tt) && n &&
			(strcmp(n, "list_head") == 0 ||
			 strcmp(n, "hlist_node") == 0));
	/* plain char only: unsigned char * and uint8_t * are bytes */
	c->string = tag == DW_TAG_base_type && n && strcmp(n, "char") == 0;
	c->align = type_align(&tt, ptr_size, 0);
	c->size = ct_walk_type_size(&tt);
}

static void plan_type(struct ct_walk_mplan *p, unsigned ptr_size,
		      Dwarf_Die *t, uint64_t off, const char *path, int depth);

/* Is st the links of some list or tree (an entry or a head of one of the
 * kinds walk follows)?  Those are left to a walk of their own list, which
 * classifies better (a bit flip, a back link) than one pointer can. */
static bool is_link_struct(Dwarf_Die *st)
{
	if (ct_walk_is_link_type(dwarf_diename(st)))
		return true;
	uint64_t off;
	Dwarf_Die t;
	for (size_t i = 0; i < ct_walk_link_member_count; i++)
		if (ct_walk_find_member(st, ct_walk_link_members[i], &off, &t,
					0))
			return true;
	return false;
}

/* The members of struct st at base, their paths under prefix. */
static void plan_struct(struct ct_walk_mplan *p, unsigned ptr_size,
			Dwarf_Die *st, uint64_t base, const char *prefix,
			int depth)
{
	Dwarf_Die m;
	if (depth > MPLAN_DEPTH || dwarf_child(st, &m) != 0)
		return;
	do {
		Dwarf_Die mt;
		uint64_t off;
		if (p->capped || ++p->visits > CT_WALK_MAX_PLAN_VISITS) {
			p->capped = true;	/* bounded, as from BTF */
			return;
		}
		if (dwarf_tag(&m) != DW_TAG_member ||
		    dwarf_hasattr(&m, DW_AT_bit_size) ||
		    !ct_walk_die_type(&m, &mt) || !member_offset(&m, &off))
			continue;
		const char *n = dwarf_diename(&m);
		char path[64];
		if (!n)
			snprintf(path, sizeof(path), "%s", prefix);
		else
			snprintf(path, sizeof(path), "%s%s%s", prefix,
				 prefix[0] ? "." : "", n);
		plan_type(p, ptr_size, &mt, base + off, path, depth + 1);
	} while (dwarf_siblingof(&m, &m) == 0);
}

/* A union at base: one check when every variant is a pointer at its
 * start (all data or all functions), against the least demanding
 * variant; otherwise nothing, counted. */
static void plan_union(struct ct_walk_mplan *p, unsigned ptr_size,
		       Dwarf_Die *u, uint64_t base, const char *path)
{
	Dwarf_Die m;
	struct ct_walk_mcheck c = { .off = base };
	int variants = 0;
	const char *first = NULL;
	if (dwarf_child(u, &m) != 0)
		return;
	do {
		Dwarf_Die mt;
		uint64_t off;
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (!ct_walk_die_type(&m, &mt) || !member_offset(&m, &off) ||
		    off != 0 || dwarf_tag(&mt) != DW_TAG_pointer_type) {
			p->unions_skipped++;
			return;
		}
		struct ct_walk_mcheck v;
		pointer_check(&mt, ptr_size, &v);
		if (variants++ == 0) {
			c = v;
			c.off = base;
			first = dwarf_diename(&m);
			continue;
		}
		if (!ct_walk_mcheck_merge(&c, &v)) {
			p->unions_skipped++;
			return;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	if (!variants || ct_walk_plan_skipped(p, base, ptr_size))
		return;
	if (path[0])
		snprintf(c.path, sizeof(c.path), "%s", path);
	else
		snprintf(c.path, sizeof(c.path), "%s", first ? first : "?");
	ct_walk_plan_add(p, &c);
}

/* A member of (peeled) type t at off, named path. */
static void plan_type(struct ct_walk_mplan *p, unsigned ptr_size,
		      Dwarf_Die *t, uint64_t off, const char *path, int depth)
{
	switch (dwarf_tag(t)) {
	case DW_TAG_pointer_type: {
		if (ct_walk_plan_skipped(p, off, ptr_size))
			return;
		struct ct_walk_mcheck c = { .off = off };
		pointer_check(t, ptr_size, &c);
		snprintf(c.path, sizeof(c.path), "%s", path);
		ct_walk_plan_add(p, &c);
		return;
	}
	case DW_TAG_structure_type:
		if (is_link_struct(t)) {
			/* the walked link is not news */
			if (!ct_walk_plan_skipped(p, off, ct_walk_type_size(t)))
				p->links_skipped++;
		} else {
			plan_struct(p, ptr_size, t, off, path, depth);
		}
		return;
	case DW_TAG_union_type:
		plan_union(p, ptr_size, t, off, path);
		return;
	case DW_TAG_array_type: {
		Dwarf_Die e;
		if (depth > MPLAN_DEPTH || !ct_walk_die_type(t, &e))
			return;
		int et = dwarf_tag(&e);
		if (et != DW_TAG_pointer_type && !ct_walk_is_struct(&e))
			return;
		uint64_t es = ct_walk_type_size(&e), n = ct_walk_type_size(t);
		if (!es || !n)
			return;	/* flexible array: no count */
		n /= es;
		for (uint64_t i = 0; i < n && i < MPLAN_ARRAY; i++) {
			char sub[64];
			snprintf(sub, sizeof(sub), "%s[%" PRIu64 "]", path, i);
			plan_type(p, ptr_size, &e, off + i * es, sub, depth + 1);
		}
		return;
	}
	default:
		return;
	}
}

void ct_walk_member_plan(Dwarf_Die *elem, unsigned ptr_size,
			 struct ct_walk_mplan *ret)
{
	ret->count = 0;
	ret->capped = false;
	ret->unions_skipped = 0;
	ret->links_skipped = 0;
	ret->visits = 0;
	plan_struct(ret, ptr_size, elem, 0, "", 0);
}

/* ---- what kind of memory ------------------------------------------------- */

bool ct_walk_session_is_code(void *state, uint64_t addr)
{
	const struct ct_walk_session *s = state;
	return ct_core_is_executable(s->core, addr);
}

const char *ct_walk_session_region(void *state, uint64_t addr)
{
	const struct ct_walk_session *s = state;
	if (ct_core_is_executable(s->core, addr))
		return "an executable mapping (program code)";
	for (size_t i = 0; i < s->stack_count; i++)
		if (addr >= s->stacks[i].lo && addr < s->stacks[i].hi)
			return "a thread's stack";
	return NULL;
}
