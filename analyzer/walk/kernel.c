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
 * NEEDSWORK: the element's pointer members and --string members are
 * checked from DWARF only (ct_walk_member_plan()); a BTF member plan
 * would give kernel walks the same checks.  Tree keys likewise.
 */
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

/* The field at path of struct type, or an error naming what is missing. */
static struct ct_error *member(struct ct_kernel *k, const char *type,
			       const char *path, struct ct_kbtf_field *ret)
{
	uint64_t size;
	if (!ct_kbtf_struct_size(k->btf, type, &size))
		return ct_walk_error("no struct '%s' in the kernel's BTF", type);
	if (!ct_kbtf_member(k->btf, type, path, ret))
		return ct_walk_error("struct %s has no member '%s' (members "
				     "behind pointers are not followed in "
				     "kernel dumps)", type, path);
	return NULL;
}

/* The element struct and the link in it: node_off, elem_size. */
static struct ct_error *element(struct ct_kernel *k,
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
	struct ct_error *err = member(k, spec->elem_type, spec->link, &f);
	if (err)
		return err;
	ct_kbtf_struct_size(k->btf, spec->elem_type, ret_elem_size);
	*ret_node_off = f.offset;
	snprintf(r->elem_type, sizeof(r->elem_type), "%s", spec->elem_type);
	snprintf(r->link, sizeof(r->link), "%s", spec->link);
	return NULL;
}

static uint64_t offset_or(struct ct_kernel *k, const char *type,
			  const char *m, uint64_t dflt)
{
	struct ct_kbtf_field f;
	return ct_kbtf_member(k->btf, type, m, &f) ? f.offset : dflt;
}

static struct ct_error *run_list(struct ct_kernel *k,
				 const struct ct_walk_spec *spec,
				 const struct ct_walk_env *env, uint64_t head,
				 size_t max, struct ct_walk_result *r)
{
	bool hl = spec->kind == CT_WALK_HLIST;
	struct ct_walk_links l = { .kind = hl ? CT_WALK_HLIST
					      : CT_WALK_LIST_HEAD,
				   .align = 8 };
	if (hl) {
		l.first_off = offset_or(k, "hlist_head", "first", 0);
		l.next_off = offset_or(k, "hlist_node", "next", 0);
		l.prev_off = offset_or(k, "hlist_node", "pprev", 8);
		l.first_name = "first";
		l.last_name = "";
		l.next_name = "next";
		l.prev_name = "pprev";
	} else {
		l.first_off = l.next_off = offset_or(k, "list_head", "next", 0);
		l.last_off = l.prev_off = offset_or(k, "list_head", "prev", 8);
		l.first_name = l.next_name = "next";
		l.last_name = l.prev_name = "prev";
	}
	struct ct_error *err = element(k, spec, r, &l.node_off, &l.elem_size);
	if (!err)
		err = ct_walk_engine_run(env, &l, head, max, r);
	return err;
}

static struct ct_error *run_tree(struct ct_kernel *k,
				 const struct ct_walk_spec *spec,
				 const struct ct_walk_mem *m, uint64_t head,
				 bool cached, size_t max,
				 struct ct_walk_result *r)
{
	if (spec->key)
		return ct_walk_error("--key is not supported on kernel dumps "
				     "yet");
	struct ct_walk_tree_layout l = {
		.linux_rb = true,
		.parent_off = offset_or(k, "rb_node", "__rb_parent_color", 0),
		.right_off = offset_or(k, "rb_node", "rb_right", 8),
		.left_off = offset_or(k, "rb_node", "rb_left", 16),
		.node_size = 24, .align = 8,
		.root_off = cached ? offset_or(k, "rb_root_cached",
					       "rb_root.rb_node", 0) : 0,
		.has_leftmost = cached,
		.leftmost_off = offset_or(k, "rb_root_cached", "rb_leftmost",
					  8),
		.left_name = "rb_left", .right_name = "rb_right",
		.parent_name = "__rb_parent_color", .color_name = "",
		.root_name = "rb_node",
		.elem_name = spec->elem_type ? spec->elem_type : "rb_node",
		.head_name = cached ? "rb_root_cached" : "rb_root",
		.first_member = "",
	};
	struct ct_error *err = element(k, spec, r, &l.node_off, &l.elem_size);
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
	if (spec->string_count)
		return ct_walk_error("--string is not supported on kernel "
				     "dumps yet");
	enum ct_walk_kind kind = spec->kind;
	uint64_t root;
	char *end;
	if (!spec->root || !spec->root[0])
		return ct_walk_error("no root given");
	if (strncmp(spec->root, "0x", 2) == 0) {
		root = strtoull(spec->root, &end, 16);
		if (*end)
			return ct_walk_error("'%s' is no address", spec->root);
	} else {
		const struct ct_kallsyms_sym *s =
			ct_kallsyms_find(k->ks, spec->root);
		if (!s)
			return ct_walk_error("kallsyms has no '%s'", spec->root);
		root = s->address;
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
		struct ct_error *err = member(k, spec->type, member_path, &f);
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
	if (!spec->no_members && spec->elem_type)
		snprintf(r->member_note, sizeof(r->member_note),
			 "pointer members not checked: kernel dumps have BTF, "
			 "and the member checks read DWARF");
	struct ct_walk_mem m = { .read = kmem_read, .state = k->km,
				 .ptr_size = 8 };
	struct ct_walk_env env = { .mem = &m, .region = kernel_region,
				   .region_state = k };
	size_t max = spec->max_elements ? spec->max_elements
					: CT_WALK_MAX_ELEMENTS;
	struct ct_error *err =
		kind == CT_WALK_LINUX_RB
			? run_tree(k, spec, &m, head,
				   strcmp(r->head_type, "rb_root_cached") == 0,
				   max, r)
			: run_list(k, spec, &env, head, max, r);
	if (err) {
		ct_walk_result_destroy(r);
		return err;
	}
	*ret = r;
	return NULL;
}
