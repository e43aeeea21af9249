/* SPDX-License-Identifier: MIT */
/*
 * yaml-tree.c - a bounded YAML tree and typed readers for rule files
 * (rules/yaml-tree.h).
 *
 * libyaml's event parser is driven into a tree whose depth, node count and
 * scalar length are capped (rules/rule.h), with no aliases and one
 * document.  Every problem is recorded once, with the libyaml mark of the
 * offending node, as "FILE:LINE:COLUMN: message".
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <yaml.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "rules/rule.h" /* the CT_RULE_MAX_* caps */
#include "rules/yaml-tree.h"

/* ------------------------------------------------------------------------
 * A bounded YAML tree
 * ------------------------------------------------------------------------ */

/* Record a problem (the first one wins); always returns false. */
bool ct_yaml_failv(struct ct_yaml_tree *t, struct ct_yaml_where w,
		   const char *fmt, va_list ap)
{
	if (t->err)
		return false;
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0) {
		t->err = &ct_enomem;
		return false;
	}
	/* the message names the file itself (as name:line:column), so the
	 * error carries the line but no path to print a second time */
	if (w.line && w.column)
		t->err = ct_error_corrupt(NULL, w.line, "%s:%lu:%lu: %s",
					  t->name, w.line, w.column, msg);
	else if (w.line)
		t->err = ct_error_corrupt(NULL, w.line, "%s:%lu: %s", t->name,
					  w.line, msg);
	else
		t->err = ct_error_corrupt(NULL, 0, "%s: %s", t->name, msg);
	free(msg);
	return false;
}

bool ct_yaml_fail(struct ct_yaml_tree *t, struct ct_yaml_where w,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ct_yaml_failv(t, w, fmt, ap);
	va_end(ap);
	return false;
}

bool ct_yaml_oom(struct ct_yaml_tree *t)
{
	if (!t->err)
		t->err = &ct_enomem;
	return false;
}

void ct_yaml_tree_deinit(struct ct_yaml_tree *t)
{
	for (size_t i = 0; i < t->node_count; i++) {
		free(t->all[i]->value);
		free(t->all[i]->items);
		free(t->all[i]);
	}
	free(t->all);
	t->all = NULL;
	t->node_count = t->node_cap = 0;
}

static struct ct_yaml_node *node_new(struct ct_yaml_tree *t,
				     enum ct_yaml_type type, yaml_mark_t mark)
{
	struct ct_yaml_where w = { mark.line + 1, mark.column + 1 };
	if (t->node_count >= CT_RULE_MAX_NODES) {
		ct_yaml_fail(t, w, "more than %d YAML nodes",
			     CT_RULE_MAX_NODES);
		return NULL;
	}
	if (!ct_grow((void **)&t->all, &t->node_cap, t->node_count + 1,
		     sizeof(*t->all))) {
		ct_yaml_oom(t);
		return NULL;
	}
	struct ct_yaml_node *n = calloc(1, sizeof(*n));
	if (!n) {
		ct_yaml_oom(t);
		return NULL;
	}
	n->type = type;
	n->line = w.line;
	n->column = w.column;
	t->all[t->node_count++] = n;
	return n;
}

static bool node_append(struct ct_yaml_tree *t, struct ct_yaml_node *parent,
			struct ct_yaml_node *child)
{
	if (parent->count >= 2 * (size_t)CT_RULE_MAX_NODES)
		return ct_yaml_fail(t, ct_yaml_at(child), "too many items");
	if (!ct_grow((void **)&parent->items, &parent->cap, parent->count + 1,
		     sizeof(*parent->items)))
		return ct_yaml_oom(t);
	parent->items[parent->count++] = child;
	return true;
}

static const char *event_name(yaml_event_type_t t)
{
	switch (t) {
	case YAML_SEQUENCE_START_EVENT:
		return "sequence";
	case YAML_MAPPING_START_EVENT:
		return "mapping";
	default:
		return "value";
	}
}

/* Line and column of a byte offset (libyaml's reader errors give only
 * the offset). */
static struct ct_yaml_where offset_where(const char *buf, size_t len,
					 size_t offset)
{
	struct ct_yaml_where w = { 1, 1 };
	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			w.line++;
			w.column = 1;
		} else {
			w.column++;
		}
	}
	return w;
}

/* Record why libyaml could not parse buf. */
static void parse_failed(struct ct_yaml_tree *t, const yaml_parser_t *parser,
			 const char *buf, size_t len)
{
	struct ct_yaml_where w = { parser->problem_mark.line + 1,
				   parser->problem_mark.column + 1 };
	if (parser->error == YAML_READER_ERROR)
		w = offset_where(buf, len, parser->problem_offset);
	if (parser->error == YAML_MEMORY_ERROR)
		ct_yaml_oom(t);
	else
		ct_yaml_fail(t, w, "YAML: %s%s%s",
			     parser->problem ? parser->problem : "cannot parse",
			     parser->context ? " " : "",
			     parser->context ? parser->context : "");
}

/* A scalar node for ev (at w), or NULL; t->err says why it is unusable. */
static struct ct_yaml_node *scalar_node(struct ct_yaml_tree *t,
					const yaml_event_t *ev,
					struct ct_yaml_where w)
{
	struct ct_yaml_node *n = node_new(t, CT_YAML_SCALAR, ev->start_mark);
	if (!n)
		return NULL;
	if (ev->data.scalar.length > CT_RULE_MAX_STRING) {
		ct_yaml_fail(t, w, "value longer than %d bytes",
			     CT_RULE_MAX_STRING);
		return n;
	}
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
		ct_yaml_fail(t, w, "value contains a NUL byte");
		return n;
	}
	n->value = strndup((const char *)ev->data.scalar.value,
			   ev->data.scalar.length);
	if (!n->value) {
		ct_yaml_oom(t);
		return n;
	}
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return n;
}

/* Parse buf into a tree; returns the root (NULL on failure or when the
 * text holds no document). */
struct ct_yaml_node *ct_yaml_tree_parse(struct ct_yaml_tree *t, const char *buf,
					size_t len)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		ct_yaml_oom(t);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	struct ct_yaml_node *stack[CT_RULE_MAX_DEPTH];
	size_t depth = 0;
	struct ct_yaml_node *root = NULL;
	int documents = 0;
	bool done = false;
	while (!done && !t->err) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			parse_failed(t, &parser, buf, len);
			break;
		}
		struct ct_yaml_where w = { ev.start_mark.line + 1,
					   ev.start_mark.column + 1 };
		struct ct_yaml_node *n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1)
				ct_yaml_fail(t, w,
					     "more than one YAML document: "
					     "one rule per file");
			break;
		case YAML_ALIAS_EVENT:
			ct_yaml_fail(t, w,
				     "YAML aliases are not allowed in rule "
				     "files");
			break;
		case YAML_SCALAR_EVENT:
			n = scalar_node(t, &ev, w);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth >= CT_RULE_MAX_DEPTH) {
				ct_yaml_fail(
					t, w, "%s nested deeper than %d levels",
					event_name(ev.type), CT_RULE_MAX_DEPTH);
				break;
			}
			n = node_new(t,
				     ev.type == YAML_SEQUENCE_START_EVENT
					     ? CT_YAML_SEQUENCE
					     : CT_YAML_MAPPING,
				     ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		if (n && !t->err) {
			if (depth)
				node_append(t, stack[depth - 1], n);
			else if (!root)
				root = n;
			if (n->type != CT_YAML_SCALAR && !t->err)
				stack[depth++] = n;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return t->err ? NULL : root;
}

/* ------------------------------------------------------------------------
 * Reading typed values from nodes
 * ------------------------------------------------------------------------ */

bool ct_yaml_is_null(const struct ct_yaml_node *n)
{
	return n->type == CT_YAML_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->value, "~") == 0 ||
		strcmp(n->value, "null") == 0 ||
		strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0);
}

bool ct_yaml_want_scalar(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
			 const char *what)
{
	if (n->type == CT_YAML_SCALAR)
		return true;
	return ct_yaml_fail(t, ct_yaml_at(n),
			    "%s must be a single value, not a %s", what,
			    n->type == CT_YAML_SEQUENCE ? "list" : "mapping");
}

/* A non-empty string; *ret gets a copy. */
bool ct_yaml_get_string(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
			const char *what, char **ret)
{
	if (!ct_yaml_want_scalar(t, n, what))
		return false;
	if (ct_yaml_is_null(n) || n->len == 0)
		return ct_yaml_fail(t, ct_yaml_at(n), "%s is empty", what);
	char *s = strdup(n->value);
	if (!s)
		return ct_yaml_oom(t);
	free(*ret);
	*ret = s;
	return true;
}

/* Optional string: null leaves *ret NULL. */
bool ct_yaml_get_opt_string(struct ct_yaml_tree *t,
			    const struct ct_yaml_node *n, const char *what,
			    char **ret)
{
	if (n->type == CT_YAML_SCALAR && ct_yaml_is_null(n))
		return true;
	return ct_yaml_get_string(t, n, what, ret);
}

bool ct_yaml_get_number(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
			const char *what, double *ret)
{
	if (!ct_yaml_want_scalar(t, n, what))
		return false;
	if (!n->plain)
		return ct_yaml_fail(t, ct_yaml_at(n),
				    "%s must be a number, not a quoted "
				    "string",
				    what);
	char *end;
	errno = 0;
	double v = strtod(n->value, &end);
	if (errno || end == n->value || *end || !isfinite(v))
		return ct_yaml_fail(t, ct_yaml_at(n),
				    "%s must be a number, not '%s'", what,
				    n->value);
	*ret = v;
	return true;
}

bool ct_yaml_get_uint(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
		      const char *what, unsigned min, unsigned max,
		      unsigned *ret)
{
	if (!ct_yaml_want_scalar(t, n, what))
		return false;
	const char *p = n->value;
	unsigned long v = 0;
	if (!n->plain || !*p)
		return ct_yaml_fail(t, ct_yaml_at(n),
				    "%s must be a whole number", what);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return ct_yaml_fail(t, ct_yaml_at(n),
					    "%s must be a whole number, not "
					    "'%s'",
					    what, n->value);
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			break;
	}
	if (v < min || v > max)
		return ct_yaml_fail(t, ct_yaml_at(n),
				    "%s must be between %u and %u", what, min,
				    max);
	*ret = (unsigned)v;
	return true;
}

bool ct_yaml_get_bool(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
		      const char *what, bool *ret)
{
	if (!ct_yaml_want_scalar(t, n, what))
		return false;
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	for (size_t i = 0; n->plain && i < CT_ARRAY_SIZE(yes); i++) {
		if (strcmp(n->value, yes[i]) == 0) {
			*ret = true;
			return true;
		}
		if (strcmp(n->value, no[i]) == 0) {
			*ret = false;
			return true;
		}
	}
	return ct_yaml_fail(t, ct_yaml_at(n),
			    "%s must be true or false, not '%s'", what,
			    n->value);
}

bool ct_yaml_want_list(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
		       const char *what, size_t max)
{
	if (n->type != CT_YAML_SEQUENCE)
		return ct_yaml_fail(t, ct_yaml_at(n), "%s must be a list",
				    what);
	if (n->count > max)
		return ct_yaml_fail(t, ct_yaml_at(n),
				    "%s has more than %zu items", what, max);
	return true;
}

/* A list of non-empty strings. */
bool ct_yaml_get_string_list(struct ct_yaml_tree *t,
			     const struct ct_yaml_node *n, const char *what,
			     size_t max, char ***ret, size_t *ret_count)
{
	if (!ct_yaml_want_list(t, n, what, max))
		return false;
	char **v = calloc(n->count ? n->count : 1, sizeof(*v));
	if (!v)
		return ct_yaml_oom(t);
	/* hand over now so that the rule frees whatever was read */
	*ret = v;
	*ret_count = 0;
	for (size_t i = 0; i < n->count; i++) {
		if (!ct_yaml_get_string(t, n->items[i], what, &v[i]))
			return false;
		(*ret_count)++;
	}
	return true;
}

/* Levenshtein distance of two short strings, capped at 3. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 31 || lb > 31)
		return 3;
	unsigned d[32][32];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] +
					(a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			d[i][j] = best;
		}
	return d[la][lb] > 3 ? 3 : d[la][lb];
}

/* Check a mapping's keys: scalars, known, no duplicates. */
bool ct_yaml_check_keys(struct ct_yaml_tree *t, const struct ct_yaml_node *map,
			const char *what, const char *const *allowed,
			size_t allowed_count)
{
	if (map->type != CT_YAML_MAPPING)
		return ct_yaml_fail(t, ct_yaml_at(map),
				    "%s must be a mapping of keys to "
				    "values",
				    what);
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const struct ct_yaml_node *k = map->items[i];
		if (k->type != CT_YAML_SCALAR)
			return ct_yaml_fail(t, ct_yaml_at(k),
					    "keys of %s must be plain names",
					    what);
		bool known = false;
		const char *near = NULL;
		for (size_t j = 0; j < allowed_count && !known; j++)
			known = strcmp(k->value, allowed[j]) == 0;
		for (size_t j = 0; j < allowed_count && !known && !near; j++)
			if (edit_distance(k->value, allowed[j]) <= 2)
				near = allowed[j];
		if (!known) {
			if (near)
				return ct_yaml_fail(t, ct_yaml_at(k),
						    "unknown key '%s' in %s "
						    "(did you mean '%s'?)",
						    k->value, what, near);
			return ct_yaml_fail(t, ct_yaml_at(k),
					    "unknown key '%s' in %s", k->value,
					    what);
		}
		for (size_t j = 0; j < i; j += 2)
			if (strcmp(map->items[j]->value, k->value) == 0)
				return ct_yaml_fail(t, ct_yaml_at(k),
						    "duplicate key '%s' in "
						    "%s",
						    k->value, what);
	}
	return true;
}

/* Value of key in a checked mapping, or NULL. */
const struct ct_yaml_node *ct_yaml_lookup(const struct ct_yaml_node *map,
					  const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (strcmp(map->items[i]->value, key) == 0)
			return map->items[i + 1];
	return NULL;
}

/* Key node of key (for positions), or NULL. */
const struct ct_yaml_node *ct_yaml_lookup_key(const struct ct_yaml_node *map,
					      const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (strcmp(map->items[i]->value, key) == 0)
			return map->items[i];
	return NULL;
}
