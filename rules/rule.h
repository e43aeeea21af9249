/* SPDX-License-Identifier: MIT */
/*
 * rule.h - known-issue rules: the in-memory form of one rules/kb/<id>.yaml
 * file (see rules/SCHEMA.md), its loader and its validation.
 *
 * A rule names a known issue, the signals that recognise it in a case
 * (frames, log events, panic text, facts, structure findings, each with a
 * weight), the fixed-in versions per product and release line, and example
 * evidence.  Rules come from YAML (ct_rule_parse(), read with libyaml) or
 * from a compiled SQLite knowledge base (db/kb.c fills the struct and calls
 * ct_rule_finish()): both paths end in the same validation, so a rule means
 * the same thing whatever its source.
 *
 * Rule files are untrusted input: the loader caps file size, nesting depth,
 * node counts, string and list lengths, rejects YAML aliases, unknown and
 * duplicate keys, and reports every problem as "FILE:LINE:COLUMN: message"
 * (1-based, from libyaml's marks) in the error's message.
 */
#ifndef CT_RULES_RULE_H
#define CT_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"
#include "analyzer/regex.h"
#include "rules/version.h"

/* Limits on one rule file: a hostile file cannot exhaust memory or time. */
enum {
	CT_RULE_MAX_FILE = 1 << 20,	/* bytes of one rule file */
	CT_RULE_MAX_DEPTH = 16,		/* YAML nesting */
	CT_RULE_MAX_NODES = 20000,	/* YAML nodes per file */
	CT_RULE_MAX_STRING = 65536,	/* bytes of one scalar */
	CT_RULE_MAX_PATTERN = 4096,	/* bytes of one regular expression */
	CT_RULE_MAX_SIGNALS = 64,	/* signals per rule */
	CT_RULE_MAX_SEQUENCE = 32,	/* names in one frames sequence */
	CT_RULE_MAX_LIST = 256,		/* items in other lists */
	CT_RULE_MAX_ID = 128,		/* bytes of an id */
	CT_RULE_MAX_WALKS = 16,		/* structure walks per rule */
	CT_RULE_MAX_WALK_STRINGS = 16,	/* string members per walk */
	CT_RULE_MAX_WALK_PATH = 256,	/* bytes of a root or member path */
};


enum ct_signal_kind {
	CT_SIGNAL_FRAMES,	/* ordered frame names near the crash frame */
	CT_SIGNAL_LOG,		/* log events by kind and/or pattern */
	CT_SIGNAL_PANIC,	/* panic message / exception patterns */
	CT_SIGNAL_FACT,		/* a fact's key and value */
	CT_SIGNAL_FINDING,	/* a structure finding from a dump walker */
	CT_SIGNAL_KIND_MAX,
};

/* Defaults of the frames signal (SCHEMA.md). */
enum {
	CT_FRAMES_WITHIN_DEFAULT = 5,
	CT_FRAMES_MAX_GAP_DEFAULT = 2,
};

struct ct_frames_signal {
	char **names;		/* the ordered sequence, innermost first */
	uint32_t *hashes;	/* ct_name_hash() of each name (set by the
				 * loader's validation) */
	size_t count;		/* 1..CT_RULE_MAX_SEQUENCE */
	unsigned within;	/* first matched name in the top N frames */
	unsigned max_gap;	/* other frames allowed between two matches */
	unsigned min;		/* names that must match, 1..count */
};

struct ct_log_signal {
	char *event;		/* event kind, or NULL */
	struct ct_regex pattern; /* over the event text; source NULL if none */
	unsigned count;		/* matching events needed, >= 1 */
	char *same;		/* capture/field whose value must repeat, NULL */
};

struct ct_panic_signal {
	struct ct_regex message;	/* source NULL if not given */
	struct ct_regex exception;	/* source NULL if not given */
};

enum ct_fact_op {
	CT_FACT_PRESENT,	/* no condition: the key exists */
	CT_FACT_EQUALS,
	CT_FACT_MATCHES,
	CT_FACT_IN,
};

struct ct_fact_signal {
	char *key;		/* fact key; '*' is a glob */
	enum ct_fact_op op;
	char *equals;		/* CT_FACT_EQUALS */
	struct ct_regex matches; /* CT_FACT_MATCHES */
	char **in;		/* CT_FACT_IN */
	size_t in_count;
};

struct ct_finding_signal {
	char *kind;		/* each NULL when not constrained */
	char *type;
	char *member;
};

struct ct_signal {
	enum ct_signal_kind kind;
	double weight;		/* in (0, 1] */
	bool required;		/* the rule cannot pass without it */
	unsigned long line;	/* where it starts in the source, 0 if unknown */
	union {
		struct ct_frames_signal frames;
		struct ct_log_signal log;
		struct ct_panic_signal panic;
		struct ct_fact_signal fact;
		struct ct_finding_signal finding;
	} u;
};

/*
 * A structure the rule asks "crashtriage analyze" to walk in a user-space
 * core whose debug info defines the root (SCHEMA.md, "walks"): the same
 * fields as "crashtriage walk" takes, so a rule author can try the walk by
 * hand first.  Its findings join the case before matching, where finding
 * signals see them.
 */
struct ct_rule_walk {
	char *root;		/* "var" or "var.member.member" */
	char *type;		/* struct of the root when it is not a
				 * variable's own type, or NULL */
	char *member;		/* path from the root to the head, or NULL
				 * when the root is the head */
	char *elem_type;	/* element struct, or NULL (from DWARF) */
	char *link;		/* link member in the element, or NULL */
	char *kind;		/* "tailq", "list_head", ..., NULL: auto */
	char *key;		/* trees: member ordering the elements */
	char **strings;		/* element members checked as strings */
	size_t string_count;
	unsigned long line;	/* where it starts in the source, 0 if unknown */
};

/* Free what k holds (for db/kb.c, which fills walks itself) and zero it. */
void ct_rule_walk_deinit(struct ct_rule_walk *k);

/* One release line of a product and its fix. */
struct ct_version_line {
	char *line;		/* "4.2" as ct_version_line() names it, "*" */
	char *introduced_in;	/* or NULL */
	char *fixed_in;		/* or NULL: no fix on this line */
};

/* Affected and fixed versions of one product. */
struct ct_version_spec {
	char *product;			/* "nsx", "esxi", "i40en", ... */
	enum ct_version_scheme scheme;
	char *fact;			/* fact holding the installed version */
	struct ct_version_line *lines;
	size_t line_count;
};

struct ct_rule {
	char *id;		/* [a-z0-9-]+, unique in a knowledge base */
	char *title;
	char *product;
	char *component;	/* or NULL */
	char *summary;		/* or NULL */
	char *workaround;	/* or NULL */
	char *resolution;	/* or NULL */
	char **references;
	size_t reference_count;
	double threshold;	/* in (0, 1], default 0.5 */
	bool fix_unknown;	/* "fix: unknown": a fix exists but no
				 * public version says where; without any
				 * fixed_in the verdict is version-unknown,
				 * not "no fix, workaround only" */
	struct ct_signal *signals;
	size_t signal_count;
	struct ct_version_spec *versions;
	size_t version_count;
	char **examples;		/* evidence that must match */
	size_t example_count;
	char **counter_examples;	/* evidence that must not match */
	size_t counter_example_count;
	struct ct_rule_walk *walks;	/* structures to walk in cores */
	size_t walk_count;
	char *source;		/* file (or "embedded:NAME") it came from */
	unsigned long line;	/* line of the rule in source, 1 for YAML */
};

/* Default threshold when a rule gives none. */
#define CT_RULE_THRESHOLD_DEFAULT 0.5

/*
 * ct_rule_parse - load one rule from YAML text.
 * @name: file name used in error messages and kept as rule->source (copied).
 * @buf:  the text; not NUL-terminated, may hold NUL bytes (rejected).
 * @len:  its length; more than CT_RULE_MAX_FILE bytes is an error.
 * @ret:  receives the rule, owned by the caller (ct_rule_destroy());
 *        untouched on failure.
 *
 * Everything SCHEMA.md allows is read and validated: unknown or duplicate
 * keys, wrong types, a bad id, weights outside (0, 1], regexes that do not
 * compile, versions that do not parse under their scheme or sit on another
 * line than the entry that names them are all errors.  The error message
 * reads "NAME:LINE:COLUMN: what is wrong" and error->line is LINE.
 */
struct ct_error *ct_rule_parse(const char *name, const char *buf, size_t len,
			       struct ct_rule **ret);

/*
 * ct_rule_finish - validate a rule whose fields were filled by hand (by the
 * SQLite loader) and compile its regular expressions.  Patterns whose code
 * is already set are left alone.  Errors name rule->source and the
 * signal's line.  On failure the rule is still valid to destroy.
 */
struct ct_error *ct_rule_finish(struct ct_rule *rule);

/* Free a rule and everything it owns; NULL is accepted. */
void ct_rule_destroy(struct ct_rule *rule);

/* True when id is a valid rule id: [a-z0-9-]+, at most CT_RULE_MAX_ID. */
bool ct_rule_id_is_valid(const char *id);

/* A 32-bit hash of a frame name (FNV-1a), to compare names quickly. */
static inline uint32_t ct_name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The rule-file name of a signal kind ("frames", "log", ...). */
const char *ct_signal_kind_name(enum ct_signal_kind kind);


#endif /* CT_RULES_RULE_H */
