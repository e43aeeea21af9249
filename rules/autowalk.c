/* SPDX-License-Identifier: MIT */
/*
 * autowalk.c - run the walks rules name over a case's user-space cores
 * and Linux kernel dumps.
 *
 * A rule's walk is only tried where it can apply: the root's first name
 * must be a global variable in the core program's DWARF (a rule for NSX's
 * vsip module says nothing about a crashed shell), or in a kernel dump a
 * kallsyms or module symbol (types then come from BTF: the root is the
 * symbol itself, its struct is the rule's type).  Two rules naming the
 * same walk share one run.  Everything that happens is said in the case's
 * notes, so a user can tell "walked, intact" from "not walked".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/vmcore.h"
#include "analyzer/walk/walk.h"
#include "rules/autowalk.h"

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_walk(const struct ct_rule_walk *a,
		      const struct ct_rule_walk *b)
{
	if (!same_str(a->root, b->root) || !same_str(a->type, b->type) ||
	    !same_str(a->member, b->member) ||
	    !same_str(a->elem_type, b->elem_type) ||
	    !same_str(a->link, b->link) || !same_str(a->kind, b->kind) ||
	    !same_str(a->key, b->key) ||
	    a->string_count != b->string_count)
		return false;
	for (size_t i = 0; i < a->string_count; i++)
		if (strcmp(a->strings[i], b->strings[i]) != 0)
			return false;
	return true;
}

/* Has an earlier rule (or an earlier walk of this rule) the same walk? */
static bool walked_before(const struct ct_kb *kb, size_t ri, size_t wi)
{
	const struct ct_rule_walk *w = &kb->rules[ri]->walks[wi];
	for (size_t i = 0; i <= ri; i++) {
		const struct ct_rule *r = kb->rules[i];
		size_t n = i == ri ? wi : r->walk_count;
		for (size_t j = 0; j < n; j++)
			if (same_walk(&r->walks[j], w))
				return true;
	}
	return false;
}

/* The root's first name: "fqdn_table" of "fqdn_table.root". */
static void root_variable(const char *root, char *buf, size_t size)
{
	size_t n = strcspn(root, ".");
	if (n >= size)
		n = size - 1;
	memcpy(buf, root, n);
	buf[n] = '\0';
}

/* Where a walk runs: a user core's session or a kernel dump. */
struct target {
	struct ct_walk_session *s;
	struct ct_kernel *k;
};

static struct ct_error *run_walk(const struct target *t,
				 const struct ct_rule *r,
				 const struct ct_rule_walk *w,
				 struct ct_case *c, const struct ct_input *in)
{
	struct ct_walk_spec spec = {
		.type = w->type,
		.root = w->root,
		.member = w->member ? w->member : "",	/* "": the root is the head */
		.elem_type = w->elem_type,
		.link = w->link,
		.key = w->key,
		.strings = (const char *const *)w->strings,
		.string_count = w->string_count,
	};
	/* "fqdn_root.domain_list", or the root alone when it is the head */
	char what[2 * CT_RULE_MAX_WALK_PATH + 2];
	snprintf(what, sizeof(what), "%s%s%s", w->root, w->member ? "." : "",
		 w->member ? w->member : "");
	if (w->kind &&
	    (spec.kind = ct_walk_kind_from_name(w->kind)) == CT_WALK_KIND_MAX)
		return ct_case_add_note(c, "%s: walk %s of rule %s not run: "
					"this build walks no kind '%s'",
					in->path, what, r->id, w->kind);
	struct ct_walk_result *res = NULL;
	struct ct_error *err = t->k ? ct_walk_kernel_run(t->k, &spec, &res)
				    : ct_walk_run(t->s, &spec, &res);
	if (err == &ct_enomem)
		return err;
	if (err) {
		char *msg = ct_error_format(err);
		ct_error_destroy(err);
		err = ct_case_add_note(c, "%s: walk %s of rule %s not run: %s",
				       in->path, what, r->id, msg ? msg : "?");
		free(msg);
		return err;
	}
	struct ct_origin origin = { .path = in->path };
	err = ct_walk_result_to_case(res, &spec, c, origin);
	if (!err)
		err = ct_case_add_note(
			c, "%s: walked %s for rule %s: %zu element%s, "
			"%zu finding%s%s", in->path, what, r->id,
			res->count, res->count == 1 ? "" : "s",
			res->finding_count + res->findings_dropped,
			res->finding_count + res->findings_dropped == 1
				? "" : "s",
			res->recovered_count ? " (some recovered from the tail)"
					     : "");
	ct_walk_result_destroy(res);
	return err;
}

/* Open what file holds for walks: a kernel dump when input is one. */
static struct ct_error *target_open(const struct ct_input *in, const char *file,
				    const struct ct_analyze_options *opts,
				    struct ct_vmcore **vc, struct target *t)
{
	if (!(in->kinds & (1u << CT_KIND_LINUX_VMCORE)))
		return ct_walk_session_open(file, opts ? opts->executable
						       : NULL, &t->s);
	struct ct_error *err = ct_vmcore_open_file(file, vc);
	if (!err)
		err = ct_kernel_open(*vc, &t->k);
	return err;
}

/* Can walk w apply here: is its root's first name a global there? */
static bool target_has_root(const struct target *t, const char *root)
{
	char var[256];
	root_variable(root, var, sizeof(var));
	if (!t->k)
		return ct_walk_session_has_global(t->s, var);
	uint64_t addr;
	return ct_kernel_symbol(t->k, var, &addr);
}

struct ct_error *ct_kb_walk_core_file(const struct ct_kb *kb,
				      struct ct_case *c, size_t input,
				      const char *file,
				      const struct ct_analyze_options *opts)
{
	struct target t = { 0 };
	struct ct_vmcore *vc = NULL;
	struct ct_error *err = NULL;
	bool opened = false;
	for (size_t ri = 0; ri < kb->count && !err; ri++) {
		const struct ct_rule *r = kb->rules[ri];
		for (size_t wi = 0; wi < r->walk_count && !err; wi++) {
			if (walked_before(kb, ri, wi))
				continue;
			/* c->inputs may move as notes are added: index it */
			const struct ct_input *in = &c->inputs[input];
			if (!opened) {
				opened = true;
				err = target_open(in, file, opts, &vc, &t);
				if (err == &ct_enomem)
					goto out;
				if (err) {
					char *msg = ct_error_format(err);
					ct_error_destroy(err);
					err = ct_case_add_note(
						c, "structure walks not run on "
						"%s: %s", in->path,
						msg ? msg : "?");
					free(msg);
					goto out;
				}
			}
			if (target_has_root(&t, r->walks[wi].root))
				err = run_walk(&t, r, &r->walks[wi], c, in);
		}
	}
out:
	ct_walk_session_destroy(t.s);
	ct_kernel_destroy(t.k);
	ct_vmcore_destroy(vc);
	return err;
}

bool ct_kb_walk_input(const struct ct_input *in)
{
	return (in->kinds & (1u << CT_KIND_ELF_CORE |
			     1u << CT_KIND_LINUX_VMCORE)) && !in->error;
}

bool ct_kb_has_walks(const struct ct_kb *kb)
{
	for (size_t i = 0; kb && i < kb->count; i++)
		if (kb->rules[i]->walk_count > 0)
			return true;
	return false;
}

struct ct_error *ct_kb_walk_cores(const struct ct_kb *kb, struct ct_case *c,
				  const struct ct_analyze_options *opts)
{
	bool any = ct_kb_has_walks(kb);
	struct ct_error *err = NULL;
	for (size_t i = 0; any && i < c->input_count && !err; i++)
		if (ct_kb_walk_input(&c->inputs[i]))
			err = ct_kb_walk_core_file(kb, c, i, c->inputs[i].path,
						   opts);
	return err;
}
