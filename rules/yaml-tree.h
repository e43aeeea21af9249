/* SPDX-License-Identifier: MIT */
/*
 * yaml-tree.h - a bounded YAML tree for rule files, private to rules/.
 *
 * libyaml's event parser reads a rule file into a small tree of nodes
 * (capped depth, node count and scalar length from rules/rule.h; no
 * aliases; one document), each node keeping the line and column of its
 * libyaml mark.  The typed readers below take a value from a node or
 * record why it is unusable as "FILE:LINE:COLUMN: message" in the tree's
 * err (the first problem wins), so that every problem names the place in
 * the file.  rule.c walks the tree against the schema.
 */
#ifndef CT_RULES_YAML_TREE_H
#define CT_RULES_YAML_TREE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "analyzer/crashtriage.h"

enum ct_yaml_type { CT_YAML_SCALAR, CT_YAML_SEQUENCE, CT_YAML_MAPPING };

/* One node of the tree; owned by its tree. */
struct ct_yaml_node {
	enum ct_yaml_type type;
	unsigned long line, column;  /* 1-based, from libyaml's mark */
	char *value;		     /* scalar text, NUL-terminated */
	size_t len;		     /* its length */
	bool plain;		     /* scalar was unquoted */
	struct ct_yaml_node **items; /* children; mappings: key, value, ... */
	size_t count;		     /* children in items */
	size_t cap;		     /* capacity of items */
};

/* One text being read: its name, its first problem and every node.  A
 * tree with no nodes (zero-initialised but for name) is also the error
 * sink of the validators that check rules read from SQLite. */
struct ct_yaml_tree {
	const char *name;	   /* file name for messages */
	struct ct_error *err;	   /* first problem, or NULL */
	struct ct_yaml_node **all; /* every node, for freeing */
	size_t node_count;	   /* nodes in all */
	size_t node_cap;	   /* capacity of all */
};

/* Where a problem is: line and column, column 0 if unknown. */
struct ct_yaml_where {
	unsigned long line, column; /* 1-based; 0 if unknown */
};

/* Where n is; {0, 0} for NULL. */
static inline struct ct_yaml_where ct_yaml_at(const struct ct_yaml_node *n)
{
	return (struct ct_yaml_where){ n ? n->line : 0, n ? n->column : 0 };
}

/* ---- parsing ------------------------------------------------------------ */

/* Parse buf into t's nodes; returns the root, or NULL on failure (t->err
 * says why) or when the text holds no document.  The nodes live until
 * ct_yaml_tree_deinit(t). */
struct ct_yaml_node *ct_yaml_tree_parse(struct ct_yaml_tree *t, const char *buf,
					size_t len);
/* Free every node of t; t->name and t->err are kept. */
void ct_yaml_tree_deinit(struct ct_yaml_tree *t);

/* ---- problems ----------------------------------------------------------- */

/* Record a problem at w as a corruption error "NAME:LINE:COLUMN: message"
 * ("NAME:LINE: " without a column, "NAME: " without a line) unless t
 * already holds one; always returns false. */
bool ct_yaml_fail(struct ct_yaml_tree *t, struct ct_yaml_where w,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool ct_yaml_failv(struct ct_yaml_tree *t, struct ct_yaml_where w,
		   const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Record lack of memory unless t already holds a problem; returns false. */
bool ct_yaml_oom(struct ct_yaml_tree *t);

/* ---- typed readers ------------------------------------------------------ */
/* Each names the value as what in its messages and returns false, with
 * the problem recorded in t, when the node does not hold what is asked. */

/* Is n a plain null scalar ("", "~", "null", "Null", "NULL")? */
bool ct_yaml_is_null(const struct ct_yaml_node *n);
/* Is n a scalar? */
bool ct_yaml_want_scalar(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
			 const char *what);
/* A non-empty string: *ret (freed first) gets a malloc'd copy. */
bool ct_yaml_get_string(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
			const char *what, char **ret);
/* An optional string: null leaves *ret as it is. */
bool ct_yaml_get_opt_string(struct ct_yaml_tree *t,
			    const struct ct_yaml_node *n, const char *what,
			    char **ret);
/* A finite unquoted number. */
bool ct_yaml_get_number(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
			const char *what, double *ret);
/* An unquoted whole number in [min, max]. */
bool ct_yaml_get_uint(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
		      const char *what, unsigned min, unsigned max,
		      unsigned *ret);
/* An unquoted true or false. */
bool ct_yaml_get_bool(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
		      const char *what, bool *ret);
/* Is n a list of at most max items? */
bool ct_yaml_want_list(struct ct_yaml_tree *t, const struct ct_yaml_node *n,
		       const char *what, size_t max);
/* A list of at most max non-empty strings.  *ret (free each string and
 * the array) and *ret_count are set as soon as the array exists, also
 * when a later item fails, so that the caller frees what was read. */
bool ct_yaml_get_string_list(struct ct_yaml_tree *t,
			     const struct ct_yaml_node *n, const char *what,
			     size_t max, char ***ret, size_t *ret_count);
/* Is map a mapping whose keys are scalars among allowed, each once?  An
 * unknown key close to an allowed one is reported with "did you mean". */
bool ct_yaml_check_keys(struct ct_yaml_tree *t, const struct ct_yaml_node *map,
			const char *what, const char *const *allowed,
			size_t allowed_count);
/* The value of key in a mapping checked by ct_yaml_check_keys(), or NULL. */
const struct ct_yaml_node *ct_yaml_lookup(const struct ct_yaml_node *map,
					  const char *key);
/* The key node of key (for its position), or NULL. */
const struct ct_yaml_node *ct_yaml_lookup_key(const struct ct_yaml_node *map,
					      const char *key);

#endif /* CT_RULES_YAML_TREE_H */
