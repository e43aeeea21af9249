/* SPDX-License-Identifier: MIT */
/*
 * autowalk.c - run the walks rules name over a case's user-space cores.
 *
 * A rule's walk is only tried where it can apply: the root's first name
 * must be a global variable in the core program's DWARF (a rule for NSX's
 * vsip module says nothing about a crashed shell).  Two rules naming the
 * same walk share one run.  Everything that happens is said in the case's
 * notes, so a user can tell "walked, intact" from "not walked".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct ct_error *run_walk(struct ct_walk_session *s,
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
	struct ct_error *err = ct_walk_run(s, &spec, &res);
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

struct ct_error *ct_kb_walk_core_file(const struct ct_kb *kb,
				      struct ct_case *c, size_t input,
				      const char *file,
				      const struct ct_analyze_options *opts)
{
	struct ct_walk_session *s = NULL;
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
				err = ct_walk_session_open(
					file, opts ? opts->executable : NULL,
					&s);
				if (err == &ct_enomem)
					return err;
				if (err) {
					char *msg = ct_error_format(err);
					ct_error_destroy(err);
					err = ct_case_add_note(
						c, "structure walks not run on "
						"%s: %s", in->path,
						msg ? msg : "?");
					free(msg);
					return err;
				}
			}
			char var[256];
			root_variable(r->walks[wi].root, var, sizeof(var));
			if (!ct_walk_session_has_global(s, var))
				continue;
			err = run_walk(s, r, &r->walks[wi], c, in);
		}
	}
	ct_walk_session_destroy(s);
	return err;
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
		if ((c->inputs[i].kinds & (1u << CT_KIND_ELF_CORE)) &&
		    !c->inputs[i].error)
			err = ct_kb_walk_core_file(kb, c, i, c->inputs[i].path,
						   opts);
	return err;
}
