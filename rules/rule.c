/* SPDX-License-Identifier: MIT */
/*
 * rule.c - load and validate known-issue rules (rules/SCHEMA.md).
 *
 * The YAML text is read into a bounded tree (rules/yaml-tree.c), then the
 * tree is walked against the schema.  Every field is checked where it is
 * read, so a problem is reported with the libyaml mark of the offending
 * node as "FILE:LINE:COLUMN: message".  The same validators check rules
 * filled from SQLite (ct_rule_finish()), where only the signal's line is
 * known.
 */
#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "analyzer/walk/walk.h"	/* the kinds a walk may name */
#include "rules/rule.h"
#include "rules/yaml-tree.h"

/* A rule's regular expression, within the length a rule file may give. */
static struct ct_error *compile_pattern(struct ct_regex *re,
					const char *pattern)
{
	if (strlen(pattern) > CT_RULE_MAX_PATTERN)
		return ct_error_corrupt(NULL, 0,
				       "pattern longer than %d bytes",
				       CT_RULE_MAX_PATTERN);
	return ct_regex_compile(re, pattern);
}

/* ------------------------------------------------------------------------
 * Validators shared by the YAML and SQLite paths
 * ------------------------------------------------------------------------ */

bool ct_rule_id_is_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > CT_RULE_MAX_ID)
		return false;
	for (const char *p = id; *p; p++)
		if (!(ct_is_lower(*p) || ct_is_digit(*p) ||
		      *p == '-'))
			return false;
	return true;
}

const char *ct_signal_kind_name(enum ct_signal_kind kind)
{
	static const char *const names[CT_SIGNAL_KIND_MAX] = {
		[CT_SIGNAL_FRAMES] = "frames",
		[CT_SIGNAL_LOG] = "log",
		[CT_SIGNAL_PANIC] = "panic",
		[CT_SIGNAL_FACT] = "fact",
		[CT_SIGNAL_FINDING] = "finding",
	};
	return (unsigned)kind < CT_SIGNAL_KIND_MAX ? names[kind] : "unknown";
}

/* Dotted names: event kinds and fact keys ([A-Za-z0-9_.:*-], no blanks). */
static bool name_is_valid(const char *s, bool glob)
{
	if (!*s || strlen(s) > 256)
		return false;
	for (const char *p = s; *p; p++)
		if (!(ct_is_alpha(*p) ||
		      ct_is_digit(*p) || *p == '_' || *p == '.' ||
		      *p == ':' || *p == '-' || (glob && *p == '*')))
			return false;
	return true;
}

static bool compile_at(struct ct_yaml_tree *l, struct ct_yaml_where w,
		       struct ct_regex *re, const char *what)
{
	if (!re->source || re->code)
		return true;
	char *source = re->source;
	re->source = NULL;
	struct ct_error *err = compile_pattern(re, source);
	free(source);
	if (err == &ct_enomem)
		return ct_yaml_oom(l);
	if (err) {
		ct_yaml_fail(l, w, "%s: %s", what, err->message);
		ct_error_destroy(err);
		return false;
	}
	return true;
}

static bool validate_frames(struct ct_yaml_tree *l, struct ct_yaml_where w,
			    struct ct_frames_signal *f)
{
	if (f->count == 0)
		return ct_yaml_fail(l, w, "frames: sequence is empty");
	if (f->count > CT_RULE_MAX_SEQUENCE)
		return ct_yaml_fail(l, w,
				    "frames: sequence has more than %d names",
				    CT_RULE_MAX_SEQUENCE);
	for (size_t i = 0; i < f->count; i++)
		for (const char *p = f->names[i]; *p; p++)
			if (*p == ' ' || *p == '\t' || *p == '\n')
				return ct_yaml_fail(
					l, w,
					"frames: name '%s' contains "
					"a blank",
					f->names[i]);
	if (!f->hashes) {
		f->hashes = calloc(f->count, sizeof(*f->hashes));
		if (!f->hashes)
			return ct_yaml_oom(l);
	}
	for (size_t i = 0; i < f->count; i++)
		f->hashes[i] = ct_name_hash(f->names[i]);
	if (f->min == 0)
		f->min = (unsigned)f->count;
	if (f->min > f->count)
		return ct_yaml_fail(l, w,
				    "frames: min %u is more than the %zu names "
				    "of the sequence",
				    f->min, f->count);
	if (f->within == 0)
		return ct_yaml_fail(l, w, "frames: within must be at least 1");
	return true;
}

static bool validate_log(struct ct_yaml_tree *l, struct ct_yaml_where w,
			 struct ct_log_signal *g)
{
	if (!g->event && !g->pattern.source)
		return ct_yaml_fail(l, w,
				    "log: give an event, a pattern or both");
	if (g->event && !name_is_valid(g->event, false))
		return ct_yaml_fail(l, w, "log: '%s' is no event kind",
				    g->event);
	if (!compile_at(l, w, &g->pattern, "log: pattern"))
		return false;
	if (g->count == 0)
		return ct_yaml_fail(l, w, "log: count must be at least 1");
	if (g->same && !g->event && !ct_regex_has_group(&g->pattern, g->same))
		return ct_yaml_fail(l, w,
				    "log: same: '%s' is no named group of the "
				    "pattern",
				    g->same);
	return true;
}

static bool validate_panic(struct ct_yaml_tree *l, struct ct_yaml_where w,
			   struct ct_panic_signal *p)
{
	if (!p->message.source && !p->exception.source)
		return ct_yaml_fail(l, w,
				    "panic: give a message, an exception or "
				    "both");
	return compile_at(l, w, &p->message, "panic: message") &&
	       compile_at(l, w, &p->exception, "panic: exception");
}

static bool validate_fact(struct ct_yaml_tree *l, struct ct_yaml_where w,
			  struct ct_fact_signal *f)
{
	if (!f->key || !name_is_valid(f->key, true))
		return ct_yaml_fail(l, w, "fact: '%s' is no fact key",
				    f->key ? f->key : "");
	switch (f->op) {
	case CT_FACT_EQUALS:
		if (!f->equals)
			return ct_yaml_fail(l, w, "fact: equals has no value");
		break;
	case CT_FACT_MATCHES:
		return compile_at(l, w, &f->matches, "fact: matches");
	case CT_FACT_IN:
		if (!f->in_count)
			return ct_yaml_fail(l, w, "fact: in is an empty list");
		break;
	case CT_FACT_PRESENT:
		break;
	}
	return true;
}

static bool validate_finding(struct ct_yaml_tree *l, struct ct_yaml_where w,
			     const struct ct_finding_signal *f)
{
	if (!f->kind && !f->type && !f->member)
		return ct_yaml_fail(l, w,
				    "finding: give a kind, a type or a member");
	return true;
}

static bool validate_signal(struct ct_yaml_tree *l, struct ct_yaml_where w,
			    struct ct_signal *s)
{
	if (!(s->weight > 0 && s->weight <= 1))
		return ct_yaml_fail(l, w, "weight %g is not in (0, 1]",
				    s->weight);
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		return validate_frames(l, w, &s->u.frames);
	case CT_SIGNAL_LOG:
		return validate_log(l, w, &s->u.log);
	case CT_SIGNAL_PANIC:
		return validate_panic(l, w, &s->u.panic);
	case CT_SIGNAL_FACT:
		return validate_fact(l, w, &s->u.fact);
	case CT_SIGNAL_FINDING:
		return validate_finding(l, w, &s->u.finding);
	default:
		return ct_yaml_fail(l, w, "unknown signal kind");
	}
}

/* One version of a line entry must parse and sit on the entry's line. */
static bool validate_version(struct ct_yaml_tree *l, struct ct_yaml_where w,
			     const struct ct_version_spec *spec,
			     const struct ct_version_line *vl, const char *what,
			     const char *v)
{
	char line[64];
	if (!ct_version_line(spec->scheme, v, line, sizeof(line)))
		return ct_yaml_fail(l, w, "%s '%s' is no %s version", what, v,
				    ct_version_scheme_name(spec->scheme));
	if (strcmp(vl->line, "*") != 0 && strcmp(vl->line, line) != 0) {
		if (!line[0])
			return ct_yaml_fail(
				l, w,
				"%s '%s' is on no release line, not "
				"on line '%s'",
				what, v, vl->line);
		return ct_yaml_fail(l, w,
				    "%s '%s' is on the '%s' line, not on line "
				    "'%s'",
				    what, v, line, vl->line);
	}
	return true;
}

/* Schemes without release lines only take line "*". */
static bool validate_line_name(struct ct_yaml_tree *l, struct ct_yaml_where w,
			       const struct ct_version_spec *spec,
			       const struct ct_version_line *vl)
{
	if (!vl->line || !vl->line[0])
		return ct_yaml_fail(l, w, "versions: line is empty");
	bool lineless = spec->scheme == CT_VERSION_DOTTED ||
			spec->scheme == CT_VERSION_DRIVER ||
			spec->scheme == CT_VERSION_DPKG;
	if (lineless && strcmp(vl->line, "*") != 0)
		return ct_yaml_fail(l, w,
				    "versions: scheme '%s' has no release "
				    "lines: write line: \"*\"",
				    ct_version_scheme_name(spec->scheme));
	return true;
}

static bool validate_line(struct ct_yaml_tree *l, struct ct_yaml_where w,
			  const struct ct_version_spec *spec,
			  const struct ct_version_line *vl)
{
	if (!validate_line_name(l, w, spec, vl))
		return false;
	if (vl->introduced_in &&
	    !validate_version(l, w, spec, vl, "introduced_in",
			      vl->introduced_in))
		return false;
	if (vl->fixed_in &&
	    !validate_version(l, w, spec, vl, "fixed_in", vl->fixed_in))
		return false;
	if (vl->introduced_in && vl->fixed_in) {
		enum ct_version_order o = ct_version_compare(
			spec->scheme, vl->introduced_in, vl->fixed_in);
		if (o != CT_VERSION_LESS)
			return ct_yaml_fail(l, w,
					    "introduced_in '%s' is not before "
					    "fixed_in '%s'",
					    vl->introduced_in, vl->fixed_in);
	}
	return true;
}

static bool validate_spec(struct ct_yaml_tree *l, struct ct_yaml_where w,
			  const struct ct_version_spec *spec)
{
	if (!spec->product || !spec->fact)
		return ct_yaml_fail(l, w,
				    "versions: product and fact are required");
	if (!name_is_valid(spec->fact, false))
		return ct_yaml_fail(l, w, "versions: '%s' is no fact key",
				    spec->fact);
	if (!spec->line_count)
		return ct_yaml_fail(l, w, "versions: lines is empty");
	for (size_t i = 0; i < spec->line_count; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(spec->lines[i].line, spec->lines[j].line) ==
			    0)
				return ct_yaml_fail(
					l, w,
					"versions: line '%s' listed "
					"twice for %s",
					spec->lines[i].line, spec->product);
	return true;
}

/* "name" or "name.name...": C identifiers joined by dots. */
static bool is_member_path(const char *s)
{
	size_t n = strlen(s);
	if (!n || n >= CT_RULE_MAX_WALK_PATH)
		return false;
	bool start = true;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && !start) {
			start = true;
			continue;
		}
		bool alpha = ct_is_alpha(*p)
			     || *p == '_';
		bool digit = ct_is_digit(*p);
		if (!alpha && !(digit && !start))
			return false;
		start = false;
	}
	return !start;
}

static bool validate_walk(struct ct_yaml_tree *l, struct ct_yaml_where w,
			  const struct ct_rule_walk *k)
{
	if (!k->root)
		return ct_yaml_fail(l, w, "walks: root is required");
	const char *paths[] = { k->root, k->member, k->type, k->elem_type,
				k->link, k->key };
	static const char *const names[] = { "root", "member", "type",
					     "elem_type", "link", "key" };
	for (size_t i = 0; i < CT_ARRAY_SIZE(paths); i++)
		if (paths[i] && !is_member_path(paths[i]))
			return ct_yaml_fail(
				l, w,
				"walks: %s '%s' must be a C name or "
				"names joined by dots",
				names[i], paths[i]);
	for (size_t i = 0; i < k->string_count; i++)
		if (!is_member_path(k->strings[i]) ||
		    strchr(k->strings[i], '.'))
			return ct_yaml_fail(l, w,
					    "walks: strings: '%s' must be a "
					    "member name",
					    k->strings[i]);
	if (k->string_count > CT_RULE_MAX_WALK_STRINGS)
		return ct_yaml_fail(l, w, "walks: more than %d strings",
				    CT_RULE_MAX_WALK_STRINGS);
	if (k->kind && ct_walk_kind_from_name(k->kind) == CT_WALK_KIND_MAX)
		return ct_yaml_fail(l, w, "walks: unknown kind '%s'", k->kind);
	return true;
}

/* Checks over the whole rule once its parts are valid. */
static bool validate_rule(struct ct_yaml_tree *l, struct ct_yaml_where w,
			  const struct ct_rule *r)
{
	if (!r->id || !ct_rule_id_is_valid(r->id))
		return ct_yaml_fail(l, w,
				    "id '%s' must be [a-z0-9-]+ (at most %d "
				    "bytes)",
				    r->id ? r->id : "", CT_RULE_MAX_ID);
	if (!r->title || !r->product)
		return ct_yaml_fail(l, w, "title and product are required");
	if (!(r->threshold > 0 && r->threshold <= 1))
		return ct_yaml_fail(l, w, "threshold %g is not in (0, 1]",
				    r->threshold);
	if (!r->signal_count)
		return ct_yaml_fail(l, w, "a rule needs at least one signal");
	double total = 0;
	for (size_t i = 0; i < r->signal_count; i++)
		total += r->signals[i].weight;
	if (total + 1e-9 < r->threshold)
		return ct_yaml_fail(l, w,
				    "the weights add up to %g, below the "
				    "threshold %g: the rule can never match",
				    total, r->threshold);
	return true;
}

/* ------------------------------------------------------------------------
 * Freeing
 * ------------------------------------------------------------------------ */

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ct_rule_walk_deinit(struct ct_rule_walk *k)
{
	free(k->root);
	free(k->type);
	free(k->member);
	free(k->elem_type);
	free(k->link);
	free(k->kind);
	free(k->key);
	free_list(k->strings, k->string_count);
	memset(k, 0, sizeof(*k));
}

static void signal_deinit(struct ct_signal *s)
{
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		free_list(s->u.frames.names, s->u.frames.count);
		free(s->u.frames.hashes);
		break;
	case CT_SIGNAL_LOG:
		free(s->u.log.event);
		ct_regex_deinit(&s->u.log.pattern);
		free(s->u.log.same);
		break;
	case CT_SIGNAL_PANIC:
		ct_regex_deinit(&s->u.panic.message);
		ct_regex_deinit(&s->u.panic.exception);
		break;
	case CT_SIGNAL_FACT:
		free(s->u.fact.key);
		free(s->u.fact.equals);
		ct_regex_deinit(&s->u.fact.matches);
		free_list(s->u.fact.in, s->u.fact.in_count);
		break;
	case CT_SIGNAL_FINDING:
		free(s->u.finding.kind);
		free(s->u.finding.type);
		free(s->u.finding.member);
		break;
	default:
		break;
	}
}

void ct_rule_destroy(struct ct_rule *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->title);
	free(r->product);
	free(r->component);
	free(r->summary);
	free(r->workaround);
	free(r->resolution);
	free_list(r->references, r->reference_count);
	for (size_t i = 0; i < r->signal_count; i++)
		signal_deinit(&r->signals[i]);
	free(r->signals);
	for (size_t i = 0; i < r->version_count; i++) {
		struct ct_version_spec *v = &r->versions[i];
		free(v->product);
		free(v->fact);
		for (size_t j = 0; j < v->line_count; j++) {
			free(v->lines[j].line);
			free(v->lines[j].introduced_in);
			free(v->lines[j].fixed_in);
		}
		free(v->lines);
	}
	free(r->versions);
	free_list(r->examples, r->example_count);
	free_list(r->counter_examples, r->counter_example_count);
	for (size_t i = 0; i < r->walk_count; i++)
		ct_rule_walk_deinit(&r->walks[i]);
	free(r->walks);
	free(r->source);
	free(r);
}

/* ------------------------------------------------------------------------
 * Walking the tree against the schema
 * ------------------------------------------------------------------------ */

static bool read_pattern(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
			 const char *what, struct ct_regex *re)
{
	char *src = NULL;
	if (!ct_yaml_get_string(l, n, what, &src))
		return false;
	struct ct_error *err = compile_pattern(re, src);
	free(src);
	if (err == &ct_enomem)
		return ct_yaml_oom(l);
	if (err) {
		ct_yaml_fail(l, ct_yaml_at(n), "%s: %s", what, err->message);
		ct_error_destroy(err);
		return false;
	}
	return true;
}

static bool read_frames(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
			struct ct_frames_signal *f)
{
	static const char *const keys[] = { "sequence", "within", "max_gap",
					    "min" };
	if (!ct_yaml_check_keys(l, n, "frames", keys, CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	f->within = CT_FRAMES_WITHIN_DEFAULT;
	f->max_gap = CT_FRAMES_MAX_GAP_DEFAULT;
	if (!(v = ct_yaml_lookup(n, "sequence")))
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "frames: sequence is required");
	if (!ct_yaml_get_string_list(l, v, "frames: sequence",
				     CT_RULE_MAX_SEQUENCE, &f->names,
				     &f->count))
		return false;
	if ((v = ct_yaml_lookup(n, "within")) &&
	    !ct_yaml_get_uint(l, v, "frames: within", 1, CT_MAX_FRAMES,
			      &f->within))
		return false;
	if ((v = ct_yaml_lookup(n, "max_gap")) &&
	    !ct_yaml_get_uint(l, v, "frames: max_gap", 0, CT_MAX_FRAMES,
			      &f->max_gap))
		return false;
	if ((v = ct_yaml_lookup(n, "min"))) {
		if (!ct_yaml_get_uint(l, v, "frames: min", 1,
				      CT_RULE_MAX_SEQUENCE, &f->min))
			return false;
		if (f->min > f->count)
			return ct_yaml_fail(l, ct_yaml_at(v),
					    "frames: min %u is more than the "
					    "%zu names of the sequence",
					    f->min, f->count);
	}
	return validate_frames(l, ct_yaml_at(n), f);
}

static bool read_log(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
		     struct ct_log_signal *g)
{
	static const char *const keys[] = { "event", "pattern", "count",
					    "same" };
	if (!ct_yaml_check_keys(l, n, "log", keys, CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	g->count = 1;
	if ((v = ct_yaml_lookup(n, "event"))) {
		if (!ct_yaml_get_string(l, v, "log: event", &g->event))
			return false;
		if (!name_is_valid(g->event, false))
			return ct_yaml_fail(l, ct_yaml_at(v),
					    "log: '%s' is no event kind",
					    g->event);
	}
	if ((v = ct_yaml_lookup(n, "pattern")) &&
	    !read_pattern(l, v, "log: pattern", &g->pattern))
		return false;
	if ((v = ct_yaml_lookup(n, "count")) &&
	    !ct_yaml_get_uint(l, v, "log: count", 1, 100000, &g->count))
		return false;
	if ((v = ct_yaml_lookup(n, "same"))) {
		if (!ct_yaml_get_string(l, v, "log: same", &g->same))
			return false;
		if (!g->event && !ct_regex_has_group(&g->pattern, g->same))
			return ct_yaml_fail(l, ct_yaml_at(v),
					    "log: same: '%s' is no named "
					    "group of the pattern",
					    g->same);
	}
	return validate_log(l, ct_yaml_at(n), g);
}

static bool read_panic(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
		       struct ct_panic_signal *p)
{
	static const char *const keys[] = { "message", "exception" };
	if (!ct_yaml_check_keys(l, n, "panic", keys, CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	if ((v = ct_yaml_lookup(n, "message")) &&
	    !read_pattern(l, v, "panic: message", &p->message))
		return false;
	if ((v = ct_yaml_lookup(n, "exception")) &&
	    !read_pattern(l, v, "panic: exception", &p->exception))
		return false;
	return validate_panic(l, ct_yaml_at(n), p);
}

static bool read_fact(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
		      struct ct_fact_signal *f)
{
	static const char *const keys[] = { "key", "equals", "matches", "in" };
	if (!ct_yaml_check_keys(l, n, "fact", keys, CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	if (!(v = ct_yaml_lookup(n, "key")))
		return ct_yaml_fail(l, ct_yaml_at(n), "fact: key is required");
	if (!ct_yaml_get_string(l, v, "fact: key", &f->key))
		return false;
	if (!name_is_valid(f->key, true))
		return ct_yaml_fail(l, ct_yaml_at(v),
				    "fact: '%s' is no fact key", f->key);
	int ops = 0;
	if ((v = ct_yaml_lookup(n, "equals"))) {
		ops++;
		f->op = CT_FACT_EQUALS;
		if (!ct_yaml_get_string(l, v, "fact: equals", &f->equals))
			return false;
	}
	if ((v = ct_yaml_lookup(n, "matches"))) {
		ops++;
		f->op = CT_FACT_MATCHES;
		if (!read_pattern(l, v, "fact: matches", &f->matches))
			return false;
	}
	if ((v = ct_yaml_lookup(n, "in"))) {
		ops++;
		f->op = CT_FACT_IN;
		if (!ct_yaml_get_string_list(l, v, "fact: in", CT_RULE_MAX_LIST,
					     &f->in, &f->in_count))
			return false;
	}
	if (ops > 1)
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "fact: give one of equals, matches and "
				    "in");
	return validate_fact(l, ct_yaml_at(n), f);
}

static bool read_finding(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
			 struct ct_finding_signal *f)
{
	static const char *const keys[] = { "kind", "type", "member" };
	if (!ct_yaml_check_keys(l, n, "finding", keys, CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	if ((v = ct_yaml_lookup(n, "kind")) &&
	    !ct_yaml_get_string(l, v, "finding: kind", &f->kind))
		return false;
	if ((v = ct_yaml_lookup(n, "type")) &&
	    !ct_yaml_get_string(l, v, "finding: type", &f->type))
		return false;
	if ((v = ct_yaml_lookup(n, "member")) &&
	    !ct_yaml_get_string(l, v, "finding: member", &f->member))
		return false;
	return validate_finding(l, ct_yaml_at(n), f);
}

static bool read_signal(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
			struct ct_signal *s)
{
	static const char *const keys[] = { "frames", "log", "panic", "fact",
					    "finding", "weight", "required" };
	if (!ct_yaml_check_keys(l, n, "signal", keys, CT_ARRAY_SIZE(keys)))
		return false;
	s->line = n->line;
	int kinds = 0;
	const struct ct_yaml_node *body = NULL;
	for (int k = 0; k < CT_SIGNAL_KIND_MAX; k++) {
		const struct ct_yaml_node *v = ct_yaml_lookup(
			n, ct_signal_kind_name(k));
		if (v) {
			kinds++;
			s->kind = k;
			body = v;
		}
	}
	if (kinds != 1)
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "a signal is exactly one of frames, log, "
				    "panic, fact and finding (plus weight and "
				    "required)");
	const struct ct_yaml_node *v = ct_yaml_lookup(n, "weight");
	if (!v)
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "signal: weight is required");
	if (!ct_yaml_get_number(l, v, "weight", &s->weight))
		return false;
	if (!(s->weight > 0 && s->weight <= 1))
		return ct_yaml_fail(l, ct_yaml_at(v),
				    "weight %g is not in (0, 1]", s->weight);
	if ((v = ct_yaml_lookup(n, "required")) &&
	    !ct_yaml_get_bool(l, v, "required", &s->required))
		return false;
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		return read_frames(l, body, &s->u.frames);
	case CT_SIGNAL_LOG:
		return read_log(l, body, &s->u.log);
	case CT_SIGNAL_PANIC:
		return read_panic(l, body, &s->u.panic);
	case CT_SIGNAL_FACT:
		return read_fact(l, body, &s->u.fact);
	default:
		return read_finding(l, body, &s->u.finding);
	}
}

static bool read_line(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
		      const struct ct_version_spec *spec,
		      struct ct_version_line *vl)
{
	static const char *const keys[] = { "line", "introduced_in",
					    "fixed_in" };
	if (!ct_yaml_check_keys(l, n, "versions: lines", keys,
				CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	if (!(v = ct_yaml_lookup(n, "line")))
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "versions: line is required");
	if (!ct_yaml_get_string(l, v, "versions: line", &vl->line) ||
	    !validate_line_name(l, ct_yaml_at(v), spec, vl))
		return false;
	if ((v = ct_yaml_lookup(n, "introduced_in")) &&
	    (!ct_yaml_get_opt_string(l, v, "introduced_in",
				     &vl->introduced_in) ||
	     (vl->introduced_in &&
	      !validate_version(l, ct_yaml_at(v), spec, vl, "introduced_in",
				vl->introduced_in))))
		return false;
	if ((v = ct_yaml_lookup(n, "fixed_in")) &&
	    (!ct_yaml_get_opt_string(l, v, "fixed_in", &vl->fixed_in) ||
	     (vl->fixed_in && !validate_version(l, ct_yaml_at(v), spec, vl,
						"fixed_in", vl->fixed_in))))
		return false;
	return validate_line(l, ct_yaml_at(n), spec, vl);
}

static bool read_spec(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
		      struct ct_version_spec *spec)
{
	static const char *const keys[] = { "product", "scheme", "fact",
					    "lines" };
	if (!ct_yaml_check_keys(l, n, "versions", keys, CT_ARRAY_SIZE(keys)))
		return false;
	const struct ct_yaml_node *v;
	if (!(v = ct_yaml_lookup(n, "product")))
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "versions: product is required");
	if (!ct_yaml_get_string(l, v, "versions: product", &spec->product))
		return false;
	if (!(v = ct_yaml_lookup(n, "scheme")))
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "versions: scheme is required");
	if (!ct_yaml_want_scalar(l, v, "versions: scheme"))
		return false;
	if (!ct_version_scheme_from_name(v->value, &spec->scheme))
		return ct_yaml_fail(l, ct_yaml_at(v),
				    "versions: unknown scheme '%s' (dotted, "
				    "driver, esxi, nsx, linux, dpkg or rpm)",
				    v->value);
	if (!(v = ct_yaml_lookup(n, "fact")))
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "versions: fact is required");
	if (!ct_yaml_get_string(l, v, "versions: fact", &spec->fact))
		return false;
	if (!(v = ct_yaml_lookup(n, "lines")))
		return ct_yaml_fail(l, ct_yaml_at(n),
				    "versions: lines is required");
	if (!ct_yaml_want_list(l, v, "versions: lines", CT_RULE_MAX_LIST))
		return false;
	spec->lines = calloc(v->count ? v->count : 1, sizeof(*spec->lines));
	if (!spec->lines)
		return ct_yaml_oom(l);
	for (size_t i = 0; i < v->count; i++) {
		spec->line_count++;
		if (!read_line(l, v->items[i], spec, &spec->lines[i]))
			return false;
	}
	return validate_spec(l, ct_yaml_at(n), spec);
}

/* A string member of a struct, read from the mapping key of its name. */
struct string_field {
	const char *key;
	size_t offset;		/* of the char * in the struct */
	bool required;
};

/* Read the string fields of mapping n into the struct at base; what
 * prefixes the message of a missing field ("walks: "). */
static bool read_string_fields(struct ct_yaml_tree *l,
			       const struct ct_yaml_node *n, void *base,
			       const char *what,
			       const struct string_field *fields, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char **dst = (char **)((char *)base + fields[i].offset);
		const struct ct_yaml_node *v = ct_yaml_lookup(n, fields[i].key);
		if (!v) {
			if (fields[i].required)
				return ct_yaml_fail(l, ct_yaml_at(n),
						    "%s%s is required", what,
						    fields[i].key);
			continue;
		}
		if (!(fields[i].required
			      ? ct_yaml_get_string(l, v, fields[i].key, dst)
			      : ct_yaml_get_opt_string(l, v, fields[i].key,
						       dst)))
			return false;
	}
	return true;
}

static bool read_walk(struct ct_yaml_tree *l, const struct ct_yaml_node *n,
		      struct ct_rule_walk *k)
{
	static const char *const keys[] = {
		"root", "type", "member", "elem_type", "link", "kind", "key",
		"strings",
	};
	if (!ct_yaml_check_keys(l, n, "a walk", keys, CT_ARRAY_SIZE(keys)))
		return false;
	k->line = ct_yaml_at(n).line;
	static const struct string_field strings[] = {
		{ "root", offsetof(struct ct_rule_walk, root), true },
		{ "member", offsetof(struct ct_rule_walk, member), false },
		{ "type", offsetof(struct ct_rule_walk, type), false },
		{ "elem_type", offsetof(struct ct_rule_walk, elem_type), false },
		{ "link", offsetof(struct ct_rule_walk, link), false },
		{ "kind", offsetof(struct ct_rule_walk, kind), false },
		{ "key", offsetof(struct ct_rule_walk, key), false },
	};
	if (!read_string_fields(l, n, k, "walks: ", strings,
				CT_ARRAY_SIZE(strings)))
		return false;
	const struct ct_yaml_node *v;
	if ((v = ct_yaml_lookup(n, "strings")) &&
	    !ct_yaml_get_string_list(l, v, "walks: strings",
				     CT_RULE_MAX_WALK_STRINGS, &k->strings,
				     &k->string_count))
		return false;
	return validate_walk(l, ct_yaml_at(n), k);
}

/* A rule's scalars: its strings (prose without a folded scalar's final
 * newline), id, references, threshold and fix. */
static bool read_rule_scalars(struct ct_yaml_tree *l,
			      const struct ct_yaml_node *root,
			      struct ct_rule *r)
{
	static const struct string_field strings[] = {
		{ "id", offsetof(struct ct_rule, id), true },
		{ "title", offsetof(struct ct_rule, title), true },
		{ "product", offsetof(struct ct_rule, product), true },
		{ "component", offsetof(struct ct_rule, component), false },
		{ "summary", offsetof(struct ct_rule, summary), false },
		{ "workaround", offsetof(struct ct_rule, workaround), false },
		{ "resolution", offsetof(struct ct_rule, resolution), false },
	};
	if (!read_string_fields(l, root, r, "", strings,
				CT_ARRAY_SIZE(strings)))
		return false;
	/* folded and literal scalars ("workaround: >") end in a newline
	 * that is no part of the text */
	char *prose[] = { r->title, r->component, r->summary, r->workaround,
			  r->resolution };
	for (size_t i = 0; i < CT_ARRAY_SIZE(prose); i++) {
		char *t = prose[i];
		size_t n = t ? strlen(t) : 0;
		while (n && (t[n - 1] == '\n' || t[n - 1] == ' '))
			t[--n] = '\0';
	}
	const struct ct_yaml_node *v = ct_yaml_lookup(root, "id");
	if (!ct_rule_id_is_valid(r->id))
		return ct_yaml_fail(l, ct_yaml_at(v),
				    "id '%s' must be [a-z0-9-]+ (at most %d "
				    "bytes)",
				    r->id, CT_RULE_MAX_ID);
	if ((v = ct_yaml_lookup(root, "references")) &&
	    !ct_yaml_get_string_list(l, v, "references", CT_RULE_MAX_LIST,
				     &r->references, &r->reference_count))
		return false;
	r->threshold = CT_RULE_THRESHOLD_DEFAULT;
	if ((v = ct_yaml_lookup(root, "threshold"))) {
		if (!ct_yaml_get_number(l, v, "threshold", &r->threshold))
			return false;
		if (!(r->threshold > 0 && r->threshold <= 1))
			return ct_yaml_fail(l, ct_yaml_at(v),
					    "threshold %g is not in (0, 1]",
					    r->threshold);
	}
	if ((v = ct_yaml_lookup(root, "fix"))) {
		char *fix = NULL;
		if (!ct_yaml_get_string(l, v, "fix", &fix))
			return false;
		bool known = strcmp(fix, "unknown") == 0 ||
			     strcmp(fix, "none") == 0;
		r->fix_unknown = strcmp(fix, "unknown") == 0;
		free(fix);
		if (!known)
			return ct_yaml_fail(l, ct_yaml_at(v),
					    "fix must be 'none' or 'unknown'");
	}
	return true;
}

/* A rule's lists: signals (at least one), versions, examples, counter
 * examples and walks. */
static bool read_rule_lists(struct ct_yaml_tree *l,
			    const struct ct_yaml_node *root, struct ct_rule *r)
{
	const struct ct_yaml_node *v;
	if (!(v = ct_yaml_lookup(root, "signals")))
		return ct_yaml_fail(l, ct_yaml_at(root), "signals is required");
	if (!ct_yaml_want_list(l, v, "signals", CT_RULE_MAX_SIGNALS))
		return false;
	if (!v->count)
		return ct_yaml_fail(l, ct_yaml_at(v),
				    "a rule needs at least one signal");
	r->signals = calloc(v->count, sizeof(*r->signals));
	if (!r->signals)
		return ct_yaml_oom(l);
	for (size_t i = 0; i < v->count; i++) {
		/* count first: a half-read signal must be freed too (its
		 * kind is set before anything of it is allocated) */
		r->signal_count++;
		if (!read_signal(l, v->items[i], &r->signals[i]))
			return false;
	}
	if ((v = ct_yaml_lookup(root, "versions")) && !ct_yaml_is_null(v)) {
		if (!ct_yaml_want_list(l, v, "versions", CT_RULE_MAX_LIST))
			return false;
		r->versions = calloc(v->count ? v->count : 1,
				     sizeof(*r->versions));
		if (!r->versions)
			return ct_yaml_oom(l);
		for (size_t i = 0; i < v->count; i++) {
			r->version_count++;
			if (!read_spec(l, v->items[i], &r->versions[i]))
				return false;
		}
	}
	if ((v = ct_yaml_lookup(root, "examples")) &&
	    !ct_yaml_get_string_list(l, v, "examples", CT_RULE_MAX_LIST,
				     &r->examples, &r->example_count))
		return false;
	if ((v = ct_yaml_lookup(root, "counter_examples")) &&
	    !ct_yaml_get_string_list(l, v, "counter_examples", CT_RULE_MAX_LIST,
				     &r->counter_examples,
				     &r->counter_example_count))
		return false;
	if ((v = ct_yaml_lookup(root, "walks")) && !ct_yaml_is_null(v)) {
		if (!ct_yaml_want_list(l, v, "walks", CT_RULE_MAX_WALKS))
			return false;
		r->walks = calloc(v->count ? v->count : 1, sizeof(*r->walks));
		if (!r->walks)
			return ct_yaml_oom(l);
		for (size_t i = 0; i < v->count; i++) {
			r->walk_count++;
			if (!read_walk(l, v->items[i], &r->walks[i]))
				return false;
		}
	}
	return true;
}

static bool read_rule(struct ct_yaml_tree *l, const struct ct_yaml_node *root,
		      struct ct_rule *r)
{
	static const char *const keys[] = {
		"id", "title", "product", "component", "references",
		"summary", "workaround", "resolution", "threshold", "signals",
		"versions", "examples", "counter_examples", "fix", "walks",
	};
	if (!ct_yaml_check_keys(l, root, "a rule", keys, CT_ARRAY_SIZE(keys)) ||
	    !read_rule_scalars(l, root, r) || !read_rule_lists(l, root, r))
		return false;
	const struct ct_yaml_node *k = ct_yaml_lookup_key(root, "signals");
	return validate_rule(l, ct_yaml_at(k ? k : root), r);
}

struct ct_error *ct_rule_parse(const char *name, const char *buf, size_t len,
			       struct ct_rule **ret)
{
	struct ct_yaml_tree l = { .name = name ? name : "rule" };
	if (len > CT_RULE_MAX_FILE) {
		ct_yaml_fail(&l, (struct ct_yaml_where){ 0, 0 },
			     "rule file larger than %d "
			     "bytes",
			     CT_RULE_MAX_FILE);
		return l.err;
	}
	struct ct_yaml_node *root = ct_yaml_tree_parse(&l, buf, len);
	if (!root) {
		ct_yaml_tree_deinit(&l);
		if (!l.err)
			ct_yaml_fail(&l, (struct ct_yaml_where){ 1, 1 },
				     "empty rule file");
		return l.err;
	}
	struct ct_rule *r = calloc(1, sizeof(*r));
	if (!r) {
		ct_yaml_tree_deinit(&l);
		return &ct_enomem;
	}
	r->line = 1;
	r->source = strdup(l.name);
	if (!r->source)
		ct_yaml_oom(&l);
	else
		read_rule(&l, root, r);
	ct_yaml_tree_deinit(&l);
	if (l.err) {
		ct_rule_destroy(r);
		return l.err;
	}
	*ret = r;
	return NULL;
}

struct ct_error *ct_rule_finish(struct ct_rule *r)
{
	struct ct_yaml_tree l = { .name = r->source ? r->source : "rule" };
	struct ct_yaml_where w = { r->line, 0 };
	for (size_t i = 0; i < r->signal_count && !l.err; i++)
		validate_signal(&l,
				(struct ct_yaml_where){ r->signals[i].line, 0 },
				&r->signals[i]);
	for (size_t i = 0; i < r->version_count && !l.err; i++) {
		const struct ct_version_spec *spec = &r->versions[i];
		if ((unsigned)spec->scheme >= CT_VERSION_SCHEME_MAX) {
			ct_yaml_fail(&l, w, "versions: bad scheme");
			break;
		}
		for (size_t j = 0; j < spec->line_count && !l.err; j++)
			validate_line(&l, w, spec, &spec->lines[j]);
		if (!l.err)
			validate_spec(&l, w, spec);
	}
	for (size_t i = 0; i < r->walk_count && !l.err; i++)
		validate_walk(&l, (struct ct_yaml_where){ r->walks[i].line, 0 },
			      &r->walks[i]);
	if (!l.err)
		validate_rule(&l, w, r);
	return l.err;
}
