/* SPDX-License-Identifier: MIT */
/*
 * autowalk.h - the structure walks rules name, run over the user-space
 * cores of a case before it is matched (rules/SCHEMA.md, "walks").
 */
#ifndef CT_RULES_AUTOWALK_H
#define CT_RULES_AUTOWALK_H

#include "analyzer/crashtriage.h"
#include "rules/match.h"

/*
 * ct_kb_walk_cores - for every input of c that is a user-space core or a
 * Linux kernel dump, run each distinct walk the rules of kb name whose
 * root variable the core's program defines (its DWARF, with
 * opts->executable when given) or the kernel has (a kallsyms or module
 * symbol; types from the kernel's and its modules' BTF), add the
 * findings to c and a note per walk (what was walked, elements, findings,
 * or why it could not start).  A core whose program has no DWARF gets one
 * note.  Returns an error only when memory runs out; call it before
 * ct_kb_match() so that finding signals see the findings.
 */
struct ct_error *ct_kb_walk_cores(const struct ct_kb *kb, struct ct_case *c,
				  const struct ct_analyze_options *opts);

/* Is in a core or a kernel dump that read without error, which rules'
 * walks may apply to? */
bool ct_kb_walk_input(const struct ct_input *in);

/* Does any rule of kb name a walk? */
bool ct_kb_has_walks(const struct ct_kb *kb);

/*
 * ct_kb_walk_core_file - the walks of ct_kb_walk_cores() for one input of
 * c, a core or kernel dump whose bytes are in file (another path than the input's: a
 * member of an archive spooled to a temporary file); notes and findings
 * name the input.
 */
struct ct_error *ct_kb_walk_core_file(const struct ct_kb *kb,
				      struct ct_case *c, size_t input,
				      const char *file,
				      const struct ct_analyze_options *opts);

#endif /* CT_RULES_AUTOWALK_H */
