/* SPDX-License-Identifier: MIT */
/*
 * match.h - the known-issue knowledge base and the matcher.
 *
 * A knowledge base (struct ct_kb) holds rules (rules/rule.h) and an index
 * of them by the evidence that can make them score: frame names, event
 * kinds, words of log and panic pattern literals, fact keys and finding
 * names.  ct_kb_match() collects from a case the same keys, compares the
 * case only with the rules they name (plus the few rules nothing can
 * index), and fills c->matches best first and c->known.
 *
 * Scoring (every number in [0, 1]):
 *   - Each signal i scores s_i in [0, 1]; the rule's score is
 *     min(1, sum of weight_i * s_i).  Weights are not normalised: evidence
 *     that lacks a kind of signal (a gdb paste has no log) is not
 *     penalised; rule authors give the signals that identify the issue on
 *     their own (usually the frames) a weight at or above the threshold.
 *   - frames: the crashing backtrace's counted frames (reliable, not
 *     generic, named; "??" skipped) are searched for the longest chain of
 *     the sequence's names in order: the first matched name within the top
 *     `within` counted frames, at most `max_gap` counted frames between
 *     two matched ones, names of the sequence may be skipped.  With k of n
 *     names chained, s = k / n when k >= min, else 0.  Every backtrace
 *     marked crashing is tried (else the first with frames); the best
 *     counts.
 *   - log: events of kind `event` (if given) whose text matches `pattern`
 *     (if given).  Without `same`, k = the number of such events; with
 *     `same`, k = the largest number of them that share one value of the
 *     named capture (or, without such a capture, of the event field).
 *     s = min(1, k / count).
 *   - panic: s = the fraction of the given regexes (message over the
 *     panic message, exception over the panic exception) that match.
 *   - fact: s = 1 when some fact's key matches `key` (glob '*') and its
 *     value satisfies equals / matches / in (or just exists), else 0.
 *   - finding: s = 1 when some finding has the given kind, type and
 *     member, else 0.
 *   - A candidate passes when its score reaches the rule's threshold and
 *     every `required` signal scored above 0.
 *   - A candidate is listed when its score is above 0 and either some
 *     non-fact signal matched or the score reaches the threshold: a lone
 *     context fact (a PCI id, an offload setting) does not make a
 *     candidate.  At most CT_KB_MAX_MATCHES candidates are kept, sorted by
 *     passes, then score, then id.
 *
 * Verdicts (rules/SCHEMA.md), per version spec of the rule, from the
 * installed version(s) in the fact the spec names:
 *   - "affected": below the fix on its release line, or its line has no
 *     fix; "fixed": at or above the fix (or before introduced_in on its
 *     line: a look-alike); "version-unknown": no such fact, a version that
 *     does not parse, a line the rule does not list (never compared
 *     across lines), or a comparison the scheme cannot make.
 *   - Several specs: "fixed" if any says fixed (one product's fix is
 *     enough), else "affected" if any says affected, else
 *     "version-unknown".  Several installed values of one fact: affected
 *     wins over fixed over unknown.
 *   - A rule with no fixed_in anywhere gives "affected" and fixed_in NULL
 *     (no fix, workaround only).
 *   - fixed_in lists every line's fix: "NSX 4.2.3.3 (4.2 line); NSX 9.0.2
 *     (9.0 line)".
 */
#ifndef CT_RULES_MATCH_H
#define CT_RULES_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/crashtriage.h"
#include "rules/rule.h"

/* Candidates kept per case. */
#define CT_KB_MAX_MATCHES 5

struct ct_kb_index;

struct ct_kb {
	char *source;		/* "embedded", a folder or a .sqlite path */
	struct ct_rule **rules;	/* in load order; owned */
	size_t count;
	size_t cap;
	struct ct_kb_index *index; /* owned, kept up to date by add_rule */
	bool scan_all;		/* ignore the index (tests and benchmarks) */
};

/* One rule file compiled into the binary (rules/kb-embedded.c). */
struct ct_kb_file {
	const char *name;	/* "esxi-i40en-mdd.yaml" */
	const char *text;	/* the YAML, not NUL-terminated */
	size_t len;
};

extern const struct ct_kb_file ct_kb_embedded_files[];
extern const size_t ct_kb_embedded_file_count;

/* Create an empty knowledge base; source is copied.  Free with
 * ct_kb_destroy(). */
struct ct_error *ct_kb_create(const char *source, struct ct_kb **ret);
/* Free kb and its rules; NULL is accepted. */
void ct_kb_destroy(struct ct_kb *kb);

/*
 * ct_kb_add_rule - add a rule and index it.
 * On success kb owns rule.  A rule whose id is already in kb gives
 * CT_ERROR_CORRUPT naming both sources, and the caller keeps the rule.
 */
struct ct_error *ct_kb_add_rule(struct ct_kb *kb, struct ct_rule *rule);

/* The rule with this id, or NULL; valid as long as kb. */
const struct ct_rule *ct_kb_find(const struct ct_kb *kb, const char *id);

/*
 * ct_kb_load_dir - load every *.yaml file of a folder (not recursive), in
 * name order.
 * @ret_problems, @ret_problem_count: every file that does not load (bad
 *        YAML or schema, a duplicate id, an id that is not its file name)
 *        gives one error here, and the rest goes on; free the list with
 *        ct_kb_problems_free().  May be NULL to ignore problems.
 * Return: NULL with *ret set, or an error when the folder cannot be read.
 */
struct ct_error *ct_kb_load_dir(const char *dir, struct ct_kb **ret,
				struct ct_error ***ret_problems,
				size_t *ret_problem_count);

/* Same for the rule files compiled into the binary ("embedded"). */
struct ct_error *ct_kb_load_embedded(struct ct_kb **ret,
				     struct ct_error ***ret_problems,
				     size_t *ret_problem_count);

/* Same for any list of files in memory (names are "<prefix><name>"). */
struct ct_error *ct_kb_load_files(const char *source,
				  const struct ct_kb_file *files, size_t count,
				  struct ct_kb **ret,
				  struct ct_error ***ret_problems,
				  size_t *ret_problem_count);

void ct_kb_problems_free(struct ct_error **problems, size_t count);

/*
 * ct_kb_match - compare a case with the knowledge base.
 * Replaces c->matches with at most CT_KB_MAX_MATCHES candidates, best
 * first, sets c->known, and adds a note when the best candidate's version
 * sits on a release line the rule does not list.  kb is only read: several
 * threads may match different cases against one kb.
 */
struct ct_error *ct_kb_match(const struct ct_kb *kb, struct ct_case *c);

/*
 * ct_rule_evaluate - score one rule against a case (what ct_kb_match()
 * does for each candidate).  *ret is filled (strings owned by it, free
 * with ct_match_deinit()) even when the score is 0; ret->passes says
 * whether the rule passes.  *ret_listed (may be NULL) says whether the
 * candidate would be listed.
 */
struct ct_error *ct_rule_evaluate(const struct ct_rule *rule,
				  const struct ct_case *c, struct ct_match *ret,
				  bool *ret_listed);

/* Every line's fix of a rule, "NSX 4.2.3.3 (4.2 line); NSX 9.0.2 (9.0
 * line)"; *ret is NULL when the rule lists no fix.  The caller frees it. */
struct ct_error *ct_rule_fixed_in(const struct ct_rule *rule, char **ret);

/* Indexing keys of a case, for tests: how many candidate rules the index
 * gives for c (all rules when kb->scan_all). */
size_t ct_kb_candidate_count(const struct ct_kb *kb, const struct ct_case *c);

#endif /* CT_RULES_MATCH_H */
