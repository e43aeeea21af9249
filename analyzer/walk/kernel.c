/* SPDX-License-Identifier: MIT */
/*
 * kernel.c - "crashtriage walk" on a Linux kernel dump (walk.h): the same
 * checking engines as for user-space cores (list.c's for list_head and
 * hlist, tree.c's for rb_root and rb_root_cached), with offsets and sizes
 * from the kernel's own BTF in the dump instead of DWARF, and memory read
 * through the kernel's page tables (analyzer/dump/kmem.c).
 *
 * The root is a kallsyms symbol or an address, of the struct --type
 * names (or, without --type and --member, itself the head of the kind
 * walked); --member is a path of embedded members (BTF has no types for
 * global variables, and members behind pointers are not followed here).
 *
 * Each element's pointer members are checked as in user cores (members.c)
 * with a plan made here from BTF: the same rules as dwarf.c's plan, with
 * alignment derived from the types (BTF records none).  Pointers into the
 * user half of the address space are not checked: a kernel struct holds
 * __user pointers and per-CPU offsets that BTF from GCC does not mark.
 *
 */
#include <bpf/btf.h>
#include <inttypes.h>
#include <stdio.h>

#include "analyzer/error.h"
#include "analyzer/walk/walk-internal.h"
#include "symbolizers/kallsyms.h"

static enum ct_core_mem kmem_read(void *state, uint64_t addr, void *dst,
				  size_t n, size_t *ret_read)
{
	return ct_kmem_read(state, addr, dst, n, ret_read);
}

/* Memory that is not data, for "foreign" findings. */
static const char *kernel_region(void *state, uint64_t addr)
{
	const struct ct_kernel *k = state;
	if ((addr >= k->text_lo && addr < k->text_hi) ||
	    (addr >= k->init_lo && addr < k->init_hi))
		return "the kernel's code";
	return NULL;
}

/* x86_64: the user half ends here; kernel pointers are above the hole. */
#define USER_HALF_END 0x0000800000000000ull

/* Code: the kernel's, or in the module area (module code, BPF programs;
 * module.init still points at its init code after the kernel freed it). */
static bool kernel_is_code(void *state, uint64_t addr)
{
	const struct ct_kernel *k = state;
	return (addr >= k->text_lo && addr < k->text_hi) ||
	       (addr >= k->init_lo && addr < k->init_hi) ||
	       (addr >= CT_KERNEL_MODULES_LO && addr < CT_KERNEL_MODULES_HI);
}

/* ---- a member plan from BTF ---------------------------------------------- */

enum {
	KPLAN_DEPTH = 4,	/* embedded struct levels followed */
	KPLAN_ARRAY = 8,	/* entries of an array checked */
};

/* The alignment a pointer to type id can be held to, as dwarf.c's
 * type_align(): natural, at most 8; 1 for void, functions, declarations,
 * structs with bit fields and packed structs. */
static uint64_t btf_align(const struct ct_kbtf *b, uint32_t id, int depth)
{
	const struct btf_type *t = ct_kbtf_strip(b, &id);
	if (!t || depth > KPLAN_DEPTH)
		return 1;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_FLOAT:
		if (t->size == 0 || (t->size & (t->size - 1)))
			return 1;
		return t->size < 8 ? t->size : 8;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		return btf_align(b, btf_array(t)->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		break;
	default:
		return 1;
	}
	uint64_t al = 1;
	const struct btf_member *m = btf_members(t);
	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bits = btf_member_bit_offset(t, i);
		if (btf_member_bitfield_size(t, i) || (bits & 7))
			return 1;
		uint64_t ma = btf_align(b, m->type, depth + 1);
		if ((bits / 8) % ma)
			return 1;	/* packed */
		if (ma > al)
			al = ma;
	}
	return t->size % al ? 1 : al;
}

/* What a pointer to type target must point at (dwarf.c's pointer_check). */
static void btf_pointer_check(const struct ct_kbtf *b, uint32_t target,
			      struct ct_walk_mcheck *c)
{
	c->align = 1;
	c->size = 0;
	c->string = c->func = c->list_node = false;
	uint32_t id = target;
	const struct btf_type *t = ct_kbtf_strip(b, &id);
	if (!t || btf_kind(t) == BTF_KIND_UNKN)
		return;		/* void * */
	if (btf_is_func_proto(t)) {
		c->func = true;
		return;
	}
	const char *n = ct_kbtf_name(b, t->name_off);
	c->list_node = btf_is_ptr(t) ||
		       (btf_is_composite(t) && (strcmp(n, "list_head") == 0 ||
						strcmp(n, "hlist_node") == 0));
	/* plain char only: u8 * and unsigned char * are bytes */
	c->string = btf_is_int(t) && strcmp(n, "char") == 0;
	if (btf_is_fwd(t))
		return;
	/* a scalar's address need not be aligned in the kernel: a module's
	 * .orc_unwind_ip (int) lies where its loader packed it */
	c->align = btf_is_composite(t) ? btf_align(b, id, 0) : 1;
	int64_t size = ct_kbtf_type_size(b, id);
	c->size = size > 0 ? (uint64_t)size : 0;
}

static void kplan_type(const struct ct_kbtf *b, struct ct_walk_mplan *p,
		       uint32_t id, uint64_t off, const char *path, int depth);

/* Pointer members the kernel leaves dangling on purpose, not checked. */
static const struct {
	const char *type, *member, *why;
} dangling[] = {
	{ "module", "init", "a module's init code is freed once it ran; "
			    "module.init keeps pointing there" },
};

static void kplan_struct(const struct ct_kbtf *b, struct ct_walk_mplan *p,
			 const struct btf_type *st, uint64_t base,
			 const char *prefix, int depth)
{
	if (depth > KPLAN_DEPTH)
		return;
	const struct btf_member *m = btf_members(st);
	for (__u16 i = 0; i < btf_vlen(st); i++, m++) {
		/* hostile BTF nests wide structs in each other: bounded */
		if (p->capped || ++p->visits > CT_WALK_MAX_PLAN_VISITS) {
			p->capped = true;
			return;
		}
		uint32_t bits = btf_member_bit_offset(st, i);
		if (btf_member_bitfield_size(st, i) || (bits & 7))
			continue;
		const char *n = ct_kbtf_name(b, m->name_off);
		char path[64];
		if (!n[0])
			snprintf(path, sizeof(path), "%s", prefix);
		else
			snprintf(path, sizeof(path), "%s%s%s", prefix,
				 prefix[0] ? "." : "", n);
		kplan_type(b, p, m->type, base + bits / 8, path, depth + 1);
	}
}

/* A union: one check when every variant is a pointer at its start, as in
 * dwarf.c's plan_union. */
static void kplan_union(const struct ct_kbtf *b, struct ct_walk_mplan *p,
			const struct btf_type *u, uint64_t base,
			const char *path)
{
	struct ct_walk_mcheck c = { .off = base };
	const struct btf_member *m = btf_members(u);
	const char *first = NULL;
	int variants = 0;
	for (__u16 i = 0; i < btf_vlen(u); i++, m++) {
		uint32_t id = m->type;
		const struct btf_type *mt = ct_kbtf_strip(b, &id);
		if (!mt || btf_member_bit_offset(u, i) != 0 ||
		    btf_member_bitfield_size(u, i) || !btf_is_ptr(mt)) {
			p->unions_skipped++;
			return;
		}
		struct ct_walk_mcheck v;
		btf_pointer_check(b, mt->type, &v);
		if (variants++ == 0) {
			c = v;
			c.off = base;
			first = ct_kbtf_name(b, m->name_off);
			continue;
		}
		if (!ct_walk_mcheck_merge(&c, &v)) {
			p->unions_skipped++;
			return;
		}
	}
	if (!variants || ct_walk_plan_skipped(p, base, 8))
		return;
	snprintf(c.path, sizeof(c.path), "%s",
		 path[0] ? path : first && first[0] ? first : "?");
	ct_walk_plan_add(p, &c);
}

static void kplan_type(const struct ct_kbtf *b, struct ct_walk_mplan *p,
		       uint32_t id, uint64_t off, const char *path, int depth)
{
	const struct btf_type *t = ct_kbtf_strip(b, &id);
	if (!t)
		return;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: {
		if (ct_walk_plan_skipped(p, off, 8))
			return;
		struct ct_walk_mcheck c = { .off = off };
		btf_pointer_check(b, t->type, &c);
		snprintf(c.path, sizeof(c.path), "%s", path);
		ct_walk_plan_add(p, &c);
		return;
	}
	case BTF_KIND_STRUCT:
		if (ct_walk_is_link_type(ct_kbtf_name(b, t->name_off))) {
			/* the walked link is not news */
			if (!ct_walk_plan_skipped(p, off, t->size))
				p->links_skipped++;
		} else {
			kplan_struct(b, p, t, off, path, depth);
		}
		return;
	case BTF_KIND_UNION:
		kplan_union(b, p, t, off, path);
		return;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		uint32_t eid = a->type;
		const struct btf_type *e = ct_kbtf_strip(b, &eid);
		int64_t es = ct_kbtf_type_size(b, eid);
		if (depth > KPLAN_DEPTH || !e || es <= 0 ||
		    (!btf_is_ptr(e) && !btf_is_composite(e)))
			return;
		for (uint32_t i = 0; i < a->nelems && i < KPLAN_ARRAY; i++) {
			char sub[64];
			snprintf(sub, sizeof(sub), "%s[%" PRIu32 "]", path, i);
			kplan_type(b, p, eid, off + (uint64_t)i * (uint64_t)es,
				   sub, depth + 1);
		}
		return;
	}
	default:
		return;
	}
}

void ct_walk_btf_plan(const struct ct_kbtf *b, uint32_t id,
		      struct ct_walk_mplan *ret)
{
	ret->count = ret->unions_skipped = ret->links_skipped = 0;
	ret->visits = 0;
	ret->capped = false;
	const struct btf_type *t = ct_kbtf_strip(b, &id);
	if (t && btf_is_composite(t))
		kplan_struct(b, ret, t, 0, "", 0);
}

/* The field at path of struct type, or an error naming what is missing. */
static struct ct_error *member(const struct ct_kbtf *b, const char *type,
			       const char *path, struct ct_kbtf_field *ret)
{
	uint64_t size;
	if (!ct_kbtf_struct_size(b, type, &size))
		return ct_walk_error("no struct '%s' in the BTF of the kernel "
				     "or its modules", type);
	if (!ct_kbtf_member(b, type, path, ret))
		return ct_walk_error("struct %s has no member '%s' (members "
				     "behind pointers are not followed in "
				     "kernel dumps)", type, path);
	return NULL;
}

/* The element struct and the link in it: node_off, elem_size. */
static struct ct_error *element(const struct ct_kbtf *b,
				const struct ct_walk_spec *spec,
				struct ct_walk_result *r, uint64_t *ret_node_off,
				uint64_t *ret_elem_size)
{
	*ret_node_off = 0;
	*ret_elem_size = 0;
	if (!spec->elem_type)
		return NULL;
	if (!spec->link)
		return ct_walk_error("--elem-type needs --link");
	struct ct_kbtf_field f;
	struct ct_error *err = member(b, spec->elem_type, spec->link, &f);
	if (err)
		return err;
	ct_kbtf_struct_size(b, spec->elem_type, ret_elem_size);
	*ret_node_off = f.offset;
	snprintf(r->elem_type, sizeof(r->elem_type), "%s", spec->elem_type);
	snprintf(r->link, sizeof(r->link), "%s", spec->link);
	return NULL;
}

/* The --string members of r's element struct: char * or char[N]. */
static struct ct_error *string_members(const struct ct_kbtf *b,
				       const struct ct_walk_spec *spec,
				       const struct ct_walk_result *r,
				       struct ct_walk_strmember *sm)
{
	struct ct_error *err = ct_walk_strings_wanted(spec, r);
	if (err)
		return err;
	for (size_t i = 0; i < spec->string_count; i++) {
		const char *n = spec->strings[i];
		struct ct_kbtf_field f;
		if (!ct_kbtf_member(b, r->elem_type, n, &f))
			return ct_walk_error("struct '%s' has no member '%s'",
					     r->elem_type, n);
		sm[i] = (struct ct_walk_strmember){ .name = n, .off = f.offset };
		uint32_t id = f.type_id;
		const struct btf_type *t = ct_kbtf_strip(b, &id), *c = NULL;
		if (t && btf_is_ptr(t)) {
			id = t->type;
			c = ct_kbtf_strip(b, &id);
		} else if (t && btf_is_array(t)) {
			id = btf_array(t)->type;
			c = ct_kbtf_strip(b, &id);
			sm[i].array = btf_array(t)->nelems;
		}
		if (!c || !btf_is_int(c) || c->size != 1 ||
		    (t && btf_is_array(t) && !sm[i].array))
			return ct_walk_error("member '%s' of struct '%s' is not "
					     "a char pointer or a char array",
					     n, r->elem_type);
	}
	return NULL;
}

/* The --string members and (unless --no-members) every pointer member of
 * every element of r, with a plan from BTF. */
static struct ct_error *check_elements(const struct ct_kbtf *b,
				       const struct ct_walk_spec *spec,
				       const struct ct_walk_env *env,
				       struct ct_walk_result *r)
{
	struct ct_walk_strmember sm[CT_WALK_MAX_STRINGS];
	struct ct_error *err = NULL;
	uint32_t id;
	if (spec->string_count) {
		err = string_members(b, spec, r, sm);
		if (!err)
			err = ct_walk_check_strings(env->mem, sm,
						    spec->string_count, r);
	}
	if (err || spec->no_members || !r->elem_type[0] ||
	    !ct_kbtf_find_struct(b, r->elem_type, &id))
		return err;
	struct ct_walk_mplan *p = calloc(1, sizeof(*p));
	if (!p)
		return &ct_enomem;
	struct ct_kbtf_field f;
	if (r->link[0] && ct_kbtf_member(b, r->elem_type, r->link, &f)) {
		p->skip[p->skip_count].off = f.offset;
		p->skip[p->skip_count++].size = f.size;
	}
	for (size_t i = 0; i < spec->string_count; i++) {
		p->skip[p->skip_count].off = sm[i].off;
		p->skip[p->skip_count++].size = sm[i].array ? sm[i].array : 8;
	}
	for (size_t i = 0; i < sizeof(dangling) / sizeof(dangling[0]); i++)
		if (strcmp(r->elem_type, dangling[i].type) == 0 &&
		    ct_kbtf_member(b, r->elem_type, dangling[i].member, &f)) {
			p->skip[p->skip_count].off = f.offset;
			p->skip[p->skip_count++].size = f.size;
		}
	ct_walk_btf_plan(b, id, p);
	ct_walk_plan_note(p, r);
	if (p->count)
		err = ct_walk_check_members(env, p, r);
	free(p);
	return err;
}

static uint64_t offset_or(const struct ct_kbtf *b, const char *type,
			  const char *m, uint64_t dflt)
{
	struct ct_kbtf_field f;
	return ct_kbtf_member(b, type, m, &f) ? f.offset : dflt;
}

static struct ct_error *run_list(const struct ct_kbtf *b,
				 const struct ct_walk_spec *spec,
				 const struct ct_walk_env *env, uint64_t head,
				 size_t max, struct ct_walk_result *r)
{
	bool hl = spec->kind == CT_WALK_HLIST;
	struct ct_walk_links l = { .kind = hl ? CT_WALK_HLIST
					      : CT_WALK_LIST_HEAD,
				   .align = 8 };
	if (hl) {
		l.first_off = offset_or(b, "hlist_head", "first", 0);
		l.next_off = offset_or(b, "hlist_node", "next", 0);
		l.prev_off = offset_or(b, "hlist_node", "pprev", 8);
		l.first_name = "first";
		l.last_name = "";
		l.next_name = "next";
		l.prev_name = "pprev";
	} else {
		l.first_off = l.next_off = offset_or(b, "list_head", "next", 0);
		l.last_off = l.prev_off = offset_or(b, "list_head", "prev", 8);
		l.first_name = l.next_name = "next";
		l.last_name = l.prev_name = "prev";
	}
	struct ct_error *err = element(b, spec, r, &l.node_off, &l.elem_size);
	if (!err)
		err = ct_walk_engine_run(env, &l, head, max, r);
	return err;
}

/* The --key member of the element struct (tree.c's tree_key() from BTF):
 * an integer, a char array or a char pointer. */
static struct ct_error *tree_key(const struct ct_kbtf *b,
				 const struct ct_walk_spec *spec,
				 struct ct_walk_tree_layout *l)
{
	if (!spec->elem_type)
		return ct_walk_error("--key needs --elem-type and --link");
	struct ct_kbtf_field f;
	struct ct_error *err = member(b, spec->elem_type, spec->key, &f);
	if (err)
		return err;
	l->key_off = f.offset;
	l->key_name = spec->key;
	uint32_t id = f.type_id;
	const struct btf_type *t = ct_kbtf_strip(b, &id), *c = NULL;
	if (t && (btf_is_int(t) || btf_is_enum(t)) && t->size >= 1 &&
	    t->size <= 8 && !(t->size & (t->size - 1))) {
		l->key_size = t->size;
		l->key_kind = btf_is_enum(t) ||
				      (btf_int_encoding(t) & BTF_INT_SIGNED)
			? CT_WALK_KEY_INT : CT_WALK_KEY_UINT;
		return NULL;
	}
	if (t && btf_is_ptr(t)) {
		id = t->type;
		c = ct_kbtf_strip(b, &id);
		if (c && btf_is_int(c) && c->size == 1) {
			l->key_kind = CT_WALK_KEY_PTR;
			return NULL;
		}
	}
	if (t && btf_is_array(t)) {
		id = btf_array(t)->type;
		c = ct_kbtf_strip(b, &id);
		if (c && btf_is_int(c) && c->size == 1 &&
		    (l->key_size = btf_array(t)->nelems) > 0) {
			l->key_kind = CT_WALK_KEY_ARRAY;
			return NULL;
		}
	}
	return ct_walk_error("key '%s' of struct '%s' is not an integer, a char "
			     "array or a char pointer", spec->key,
			     spec->elem_type);
}

static struct ct_error *run_tree(const struct ct_kbtf *b,
				 const struct ct_walk_spec *spec,
				 const struct ct_walk_mem *m, uint64_t head,
				 bool cached, size_t max,
				 struct ct_walk_result *r)
{
	struct ct_walk_tree_layout l = {
		.linux_rb = true,
		.parent_off = offset_or(b, "rb_node", "__rb_parent_color", 0),
		.right_off = offset_or(b, "rb_node", "rb_right", 8),
		.left_off = offset_or(b, "rb_node", "rb_left", 16),
		.node_size = 24, .align = 8,
		.root_off = cached ? offset_or(b, "rb_root_cached",
					       "rb_root.rb_node", 0) : 0,
		.has_leftmost = cached,
		.leftmost_off = offset_or(b, "rb_root_cached", "rb_leftmost",
					  8),
		.left_name = "rb_left", .right_name = "rb_right",
		.parent_name = "__rb_parent_color", .color_name = "",
		.root_name = "rb_node",
		.elem_name = spec->elem_type ? spec->elem_type : "rb_node",
		.head_name = cached ? "rb_root_cached" : "rb_root",
		.first_member = "",
	};
	struct ct_error *err = element(b, spec, r, &l.node_off, &l.elem_size);
	if (!err && spec->key)
		err = tree_key(b, spec, &l);
	if (!err)
		err = ct_walk_tree(m, &l, head, r, max);
	return err;
}

struct ct_error *ct_walk_kernel_run(struct ct_kernel *k,
				    const struct ct_walk_spec *spec,
				    struct ct_walk_result **ret)
{
	if (!k->btf)
		return ct_walk_error("no BTF in this kernel: kernel "
				     "structures cannot be walked");
	enum ct_walk_kind kind = spec->kind;
	uint64_t root;
	char *end;
	if (!spec->root || !spec->root[0])
		return ct_walk_error("no root given");
	if (strncmp(spec->root, "0x", 2) == 0) {
		root = strtoull(spec->root, &end, 16);
		if (*end)
			return ct_walk_error("'%s' is no address", spec->root);
	} else if (!ct_kernel_symbol(k, spec->root, &root)) {
		return ct_walk_error("kallsyms has no '%s', nor has any "
				     "module", spec->root);
	}
	/* the types' BTF: the kernel's, or the module's that defines them
	 * (a module's split BTF holds the kernel's types too) */
	const struct ct_kbtf *b = k->btf;
	const char *const named[] = { spec->type, spec->elem_type };
	for (size_t i = 0; i < 2; i++) {
		uint32_t id;
		const struct ct_kbtf *mb;
		if (named[i] && !ct_kbtf_find_struct(k->btf, named[i], &id) &&
		    (mb = ct_kernel_btf_for(k, named[i])))
			b = mb;
	}
	const char *member_path = spec->member ? spec->member : "";
	uint64_t head = root;
	const char *head_type = NULL;
	if (member_path[0]) {
		if (!spec->type)
			return ct_walk_error("--member needs --type: the "
					     "kernel's BTF has no types of "
					     "its global variables");
		struct ct_kbtf_field f;
		struct ct_error *err = member(b, spec->type, member_path, &f);
		if (err)
			return err;
		head += f.offset;
		head_type = f.type_name;
	} else {
		head_type = spec->type;
	}
	if (kind == CT_WALK_AUTO && head_type) {
		kind = strcmp(head_type, "hlist_head") == 0 ? CT_WALK_HLIST
		     : strcmp(head_type, "rb_root") == 0 ||
		       strcmp(head_type, "rb_root_cached") == 0
			     ? CT_WALK_LINUX_RB
			     : CT_WALK_LIST_HEAD;
	} else if (kind == CT_WALK_AUTO) {
		kind = CT_WALK_LIST_HEAD;
	}
	if (kind != CT_WALK_LIST_HEAD && kind != CT_WALK_HLIST &&
	    kind != CT_WALK_LINUX_RB)
		return ct_walk_error("kernel dumps hold list_head, hlist and "
				     "linux-rb, not %s", ct_walk_kind_name(kind));
	struct ct_walk_result *r = calloc(1, sizeof(*r));
	if (!r)
		return &ct_enomem;
	r->kind = kind;
	r->root = root;
	r->head = head;
	snprintf(r->root_type, sizeof(r->root_type), "%s",
		 spec->type ? spec->type : "");
	snprintf(r->head_type, sizeof(r->head_type), "%s",
		 head_type ? head_type
			   : kind == CT_WALK_HLIST ? "hlist_head"
			   : kind == CT_WALK_LINUX_RB ? "rb_root"
						      : "list_head");
	struct ct_walk_mem m = { .read = kmem_read, .state = k->km,
				 .ptr_size = 8, .kernel = true };
	struct ct_walk_env env = { .mem = &m, .region = kernel_region,
				   .is_code = kernel_is_code,
				   .region_state = k,
				   .unchecked_below = USER_HALF_END };
	size_t max = spec->max_elements ? spec->max_elements
					: CT_WALK_MAX_ELEMENTS;
	struct ct_error *err =
		kind == CT_WALK_LINUX_RB
			? run_tree(b, spec, &m, head,
				   strcmp(r->head_type, "rb_root_cached") == 0,
				   max, r)
			: run_list(b, spec, &env, head, max, r);
	if (!err)
		err = check_elements(b, spec, &env, r);
	if (err) {
		ct_walk_result_destroy(r);
		return err;
	}
	*ret = r;
	return NULL;
}
