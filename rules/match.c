/* SPDX-License-Identifier: MIT */
/*
 * match.c - the matcher: scores rules against a case and gives each
 * candidate a version verdict (the knowledge base is kb-load.c, its
 * candidate index kb-index.c).
 * The scoring and verdict rules are documented in match.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/stat.h>

#include "analyzer/internal.h"
#include "rules/match-internal.h"

/* ------------------------------------------------------------------------
 * What a case offers the matcher
 * ------------------------------------------------------------------------ */

struct frame_ref {
	const char *name;	/* normalised name */
	uint32_t hash;		/* ct_name_hash(name) */
	int number;		/* #N as printed, else index in the backtrace */
};

struct frame_list {
	struct frame_ref *frames; /* counted frames, innermost first */
	size_t count;
};

struct view {
	const struct ct_case *c;
	struct frame_list *lists;	/* one per backtrace looked at */
	size_t list_count;
};

static bool frame_counts(const struct ct_frame *f)
{
	return f->reliable && !f->generic && f->normalized &&
	       f->normalized[0] && strcmp(f->normalized, "??") != 0;
}

static void view_deinit(struct view *v)
{
	for (size_t i = 0; i < v->list_count; i++)
		free(v->lists[i].frames);
	free(v->lists);
}

static struct ct_error *view_init(struct view *v, const struct ct_case *c)
{
	memset(v, 0, sizeof(*v));
	v->c = c;
	size_t want = 0;
	for (size_t i = 0; i < c->backtrace_count; i++)
		if (c->backtraces[i].crashing && c->backtraces[i].frame_count)
			want++;
	bool any_crashing = want > 0;
	if (!any_crashing)
		for (size_t i = 0; i < c->backtrace_count && !want; i++)
			if (c->backtraces[i].frame_count)
				want = 1;
	if (!want)
		return NULL;
	v->lists = calloc(want, sizeof(*v->lists));
	if (!v->lists)
		return &ct_enomem;
	for (size_t i = 0; i < c->backtrace_count && v->list_count < want;
	     i++) {
		const struct ct_backtrace *bt = &c->backtraces[i];
		if (!bt->frame_count || (any_crashing && !bt->crashing))
			continue;
		struct frame_list *fl = &v->lists[v->list_count++];
		fl->frames = calloc(bt->frame_count, sizeof(*fl->frames));
		if (!fl->frames)
			return &ct_enomem;
		for (size_t j = 0; j < bt->frame_count; j++) {
			const struct ct_frame *f = &bt->frames[j];
			if (!frame_counts(f))
				continue;
			fl->frames[fl->count].name = f->normalized;
			fl->frames[fl->count].hash =
				ct_name_hash(f->normalized);
			fl->frames[fl->count].number =
				f->number >= 0 ? f->number : (int)j;
			fl->count++;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Signals
 * ------------------------------------------------------------------------ */

/* Append "#0-#2, #4" for ascending frame numbers. */
static void append_numbers(struct ct_strbuf *sb, const int *nums, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && nums[j + 1] == nums[j] + 1)
			j++;
		ct_strbuf_appendf(sb, "%s#%d", i ? ", " : "", nums[i]);
		if (j > i)
			ct_strbuf_appendf(sb, "-#%d", nums[j]);
		i = j + 1;
	}
}

/* Longest chain of fs's names in fl (see match.h); fills chain[] with
 * indices into fl->frames, returns its length. */
static size_t frames_chain(const struct ct_frames_signal *fs,
			   const struct frame_list *fl, size_t *chain,
			   bool *oom)
{
	size_t n = fs->count;
	size_t limit = (size_t)fs->within +
		       (n - 1) * ((size_t)fs->max_gap + 1);
	size_t m = fl->count < limit ? fl->count : limit;
	if (!m)
		return 0;
	/* len[i * m + j]: chain length ending with name i at frame j */
	enum { SMALL = 1024 };
	unsigned char small_len[SMALL];
	int32_t small_prev[SMALL];
	bool heap = n * m > SMALL;
	unsigned char *len = heap ? calloc(n * m, 1) : small_len;
	int32_t *prev = heap ? malloc(n * m * sizeof(*prev)) : small_prev;
	if (!len || !prev) {
		if (heap) {
			free(len);
			free(prev);
		}
		*oom = true;
		return 0;
	}
	if (!heap)
		memset(len, 0, n * m);
	size_t best = 0, best_cell = 0;
	for (size_t j = 0; j < m; j++) {
		for (size_t i = 0; i < n; i++) {
			if (fs->hashes[i] != fl->frames[j].hash ||
			    strcmp(fs->names[i], fl->frames[j].name) != 0)
				continue;
			size_t k = j < fs->within ? 1 : 0;
			int32_t from = -1;
			size_t lo = j > (size_t)fs->max_gap + 1
				    ? j - fs->max_gap - 1 : 0;
			for (size_t jp = lo; jp < j; jp++)
				for (size_t ip = 0; ip < i; ip++) {
					size_t cell = ip * m + jp;
					if (len[cell] && len[cell] + 1u > k) {
						k = len[cell] + 1u;
						from = (int32_t)cell;
					}
				}
			len[i * m + j] = (unsigned char)k;
			prev[i * m + j] = from;
			if (k > best) {
				best = k;
				best_cell = i * m + j;
			}
		}
	}
	if (best) {
		size_t at = best;
		int32_t cell = (int32_t)best_cell;
		while (cell >= 0 && at > 0) {
			chain[--at] = (size_t)cell % m;
			cell = prev[cell];
		}
	}
	if (heap) {
		free(len);
		free(prev);
	}
	return best;
}

static double eval_frames(const struct ct_frames_signal *fs,
			  const struct view *v, struct ct_strbuf *why,
			  bool *oom)
{
	size_t best = 0, best_list = 0;
	size_t chain[CT_RULE_MAX_SEQUENCE], tmp[CT_RULE_MAX_SEQUENCE];
	for (size_t l = 0; l < v->list_count && !*oom; l++) {
		size_t k = frames_chain(fs, &v->lists[l], tmp, oom);
		if (k > best) {
			best = k;
			best_list = l;
			memcpy(chain, tmp, k * sizeof(*chain));
		}
	}
	if (!best || best < fs->min)
		return 0;
	if (!why)
		return (double)best / (double)fs->count;
	const struct frame_list *fl = &v->lists[best_list];
	int nums[CT_RULE_MAX_SEQUENCE];
	for (size_t i = 0; i < best; i++)
		nums[i] = fl->frames[chain[i]].number;
	ct_strbuf_puts(why, "frames ");
	append_numbers(why, nums, best);
	if (best == fs->count)
		ct_strbuf_puts(why, " match in order:");
	else
		ct_strbuf_appendf(why, " match %zu of %zu names in order:",
				  best, fs->count);
	for (size_t i = 0; i < best; i++)
		ct_strbuf_appendf(why, " %s", fl->frames[chain[i]].name);
	return (double)best / (double)fs->count;
}

/* An event that a log signal counts, with its `same` value. */
struct hit {
	const char *value;	/* NULL when the signal has no `same` */
	size_t len;
	size_t event;		/* index in c->events */
};

static int compare_hits(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int d = memcmp(x->value, y->value, n);
	if (d)
		return d;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->event < y->event ? -1 : x->event > y->event;
}

/* Append a short form of a user or rule string (at most max bytes). */
static void append_short(struct ct_strbuf *sb, const char *s, size_t len,
			 size_t max)
{
	if (len > max) {
		ct_strbuf_append(sb, s, max);
		ct_strbuf_puts(sb, "...");
	} else {
		ct_strbuf_append(sb, s, len);
	}
}

static double eval_log(const struct ct_log_signal *g, const struct view *v,
		       struct ct_strbuf *why, bool *oom)
{
	const struct ct_case *c = v->c;
	struct hit *hits = NULL;
	size_t count = 0, cap = 0;
	if (!c->event_count)
		return 0;
	bool from_group = g->same && g->pattern.code &&
			  ct_regex_has_group(&g->pattern, g->same);
	for (size_t i = 0; i < c->event_count; i++) {
		const struct ct_event *ev = &c->events[i];
		if (g->event && strcmp(ev->kind, g->event) != 0)
			continue;
		const char *val = NULL;
		size_t vlen = 0;
		if (g->pattern.code &&
		    !ct_regex_search(&g->pattern, ev->text ? ev->text : "",
				     ev->text ? strlen(ev->text) : 0,
				     from_group ? g->same : NULL, &val, &vlen))
			continue;
		if (g->same && !from_group) {
			val = ct_event_field(ev, g->same);
			vlen = val ? strlen(val) : 0;
		}
		if (g->same && !val)
			continue;
		if (!ct_grow((void **)&hits, &cap, count + 1, sizeof(*hits))) {
			free(hits);
			*oom = true;
			return 0;
		}
		hits[count++] = (struct hit){ val, vlen, i };
	}
	if (!count) {
		free(hits);
		return 0;
	}
	/* the run of hits to report: all, or the largest same-value group */
	size_t start = 0, k = count;
	if (g->same) {
		qsort(hits, count, sizeof(*hits), compare_hits);
		k = 0;
		for (size_t i = 0; i < count;) {
			size_t j = i + 1;
			while (j < count && hits[j].len == hits[i].len &&
			       memcmp(hits[j].value, hits[i].value,
				      hits[i].len) == 0)
				j++;
			if (j - i > k) {
				k = j - i;
				start = i;
			}
			i = j;
		}
	}
	if (!why) {
		free(hits);
		return k >= g->count ? 1.0 : (double)k / (double)g->count;
	}
	if (g->event)
		ct_strbuf_puts(why, g->event);
	else {
		ct_strbuf_puts(why, "log '");
		append_short(why, g->pattern.source, strlen(g->pattern.source),
			     60);
		ct_strbuf_putc(why, '\'');
	}
	if (g->same) {
		ct_strbuf_appendf(why, " for %s ", g->same);
		append_short(why, hits[start].value, hits[start].len, 120);
	}
	ct_strbuf_appendf(why, " seen %zu time%s", k, k == 1 ? "" : "s");
	if (k < g->count)
		ct_strbuf_appendf(why, " (%u needed)", g->count);
	ct_strbuf_puts(why, k > 1 ? " (lines" : " (line");
	for (size_t i = 0; i < k && i < 5; i++)
		ct_strbuf_appendf(why, "%s %lu", i ? "," : "",
				  c->events[hits[start + i].event].origin.line);
	ct_strbuf_puts(why, k > 5 ? ", ...)" : ")");
	free(hits);
	return k >= g->count ? 1.0 : (double)k / (double)g->count;
}

static double eval_panic(const struct ct_panic_signal *p,
			 const struct view *v, struct ct_strbuf *why)
{
	const struct ct_panic *pc = &v->c->panic;
	int given = 0, hit = 0;
	if (p->message.source) {
		given++;
		if (pc->message &&
		    ct_regex_search(&p->message, pc->message,
				    strlen(pc->message), NULL, NULL, NULL)) {
			hit++;
			if (why) {
				ct_strbuf_puts(why, "panic message '");
				append_short(why, pc->message,
					     strlen(pc->message), 100);
				ct_strbuf_puts(why, "' matches");
			}
		}
	}
	if (p->exception.source) {
		given++;
		if (pc->exception &&
		    ct_regex_search(&p->exception, pc->exception,
				    strlen(pc->exception), NULL, NULL, NULL)) {
			hit++;
			if (why) {
				ct_strbuf_appendf(why, "%sexception '",
						  why->len ? "; " : "panic ");
				append_short(why, pc->exception,
					     strlen(pc->exception), 60);
				ct_strbuf_puts(why, "' matches");
			}
		}
	}
	return given ? (double)hit / given : 0;
}

static bool fact_key_matches(const char *pattern, const char *key)
{
	if (strchr(pattern, '*'))
		return fnmatch(pattern, key, 0) == 0;
	return strcmp(pattern, key) == 0;
}

static double eval_fact(const struct ct_fact_signal *fs, const struct view *v,
			struct ct_strbuf *why)
{
	const struct ct_case *c = v->c;
	for (size_t i = 0; i < c->fact_count; i++) {
		const struct ct_fact *f = &c->facts[i];
		if (!fact_key_matches(fs->key, f->key))
			continue;
		bool ok = false;
		switch (fs->op) {
		case CT_FACT_PRESENT:
			ok = true;
			break;
		case CT_FACT_EQUALS:
			ok = strcmp(f->value, fs->equals) == 0;
			break;
		case CT_FACT_MATCHES:
			ok = ct_regex_search(&fs->matches, f->value,
					     strlen(f->value), NULL, NULL,
					     NULL);
			break;
		case CT_FACT_IN:
			for (size_t j = 0; j < fs->in_count && !ok; j++)
				ok = strcmp(f->value, fs->in[j]) == 0;
			break;
		}
		if (!ok)
			continue;
		if (!why)
			return 1;
		ct_strbuf_appendf(why, "%s is ", f->key);
		append_short(why, f->value, strlen(f->value), 100);
		return 1;
	}
	return 0;
}

/* Is finding member path m the rule's member r or inside it?  A bad
 * "domain_list.tqh_last" is a corrupt "domain_list". */
static bool member_within(const char *r, const char *m)
{
	size_t n = strlen(r);
	return m && strncmp(r, m, n) == 0 && (m[n] == '\0' || m[n] == '.');
}

/* Does the finding's own type and member, or the structure a walk found
 * it in ("fqdn_node.domain_list" for a bad element of that list), satisfy
 * the signal's type and member? */
static bool finding_in(const struct ct_finding_signal *fs,
		       const struct ct_finding *f)
{
	if ((!fs->type || (f->type && !strcmp(fs->type, f->type))) &&
	    (!fs->member || member_within(fs->member, f->member)))
		return true;
	if (!f->structure)
		return false;
	const char *dot = strchr(f->structure, '.');
	size_t n = dot ? (size_t)(dot - f->structure) : strlen(f->structure);
	if (fs->type && (strlen(fs->type) != n ||
			 strncmp(fs->type, f->structure, n) != 0))
		return false;
	return !fs->member || (dot && member_within(fs->member, dot + 1));
}

static double eval_finding(const struct ct_finding_signal *fs,
			   const struct view *v, struct ct_strbuf *why)
{
	const struct ct_case *c = v->c;
	for (size_t i = 0; i < c->finding_count; i++) {
		const struct ct_finding *f = &c->findings[i];
		if ((fs->kind && (!f->kind || strcmp(fs->kind, f->kind))) ||
		    !finding_in(fs, f))
			continue;
		if (!why)
			return 1;
		ct_strbuf_appendf(why, "finding %s", f->kind ? f->kind : "?");
		if (f->type || f->member)
			ct_strbuf_appendf(why, " in %s%s%s",
					  f->type ? f->type : "",
					  f->type && f->member ? "." : "",
					  f->member ? f->member : "");
		if (f->reason) {
			ct_strbuf_puts(why, ": ");
			append_short(why, f->reason, strlen(f->reason), 100);
		}
		return 1;
	}
	return 0;
}

static double eval_signal(const struct ct_signal *s, const struct view *v,
			  struct ct_strbuf *why, bool *oom)
{
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		return eval_frames(&s->u.frames, v, why, oom);
	case CT_SIGNAL_LOG:
		return eval_log(&s->u.log, v, why, oom);
	case CT_SIGNAL_PANIC:
		return eval_panic(&s->u.panic, v, why);
	case CT_SIGNAL_FACT:
		return eval_fact(&s->u.fact, v, why);
	case CT_SIGNAL_FINDING:
		return eval_finding(&s->u.finding, v, why);
	default:
		return 0;
	}
}

/* A short description of a signal for "required ... not seen". */
static void describe_signal(struct ct_strbuf *sb, const struct ct_signal *s)
{
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		ct_strbuf_appendf(sb, "frames %s ...", s->u.frames.names[0]);
		break;
	case CT_SIGNAL_LOG:
		ct_strbuf_appendf(sb, "log %s", s->u.log.event
				  ? s->u.log.event : s->u.log.pattern.source);
		break;
	case CT_SIGNAL_PANIC:
		ct_strbuf_appendf(sb, "panic %s", s->u.panic.message.source
				  ? s->u.panic.message.source
				  : s->u.panic.exception.source);
		break;
	case CT_SIGNAL_FACT:
		ct_strbuf_appendf(sb, "fact %s", s->u.fact.key);
		break;
	case CT_SIGNAL_FINDING:
		ct_strbuf_appendf(sb, "finding %s",
				  s->u.finding.type ? s->u.finding.type
				  : s->u.finding.kind ? s->u.finding.kind
				  : s->u.finding.member);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------ */

enum verdict {
	V_UNKNOWN,
	V_FIXED,
	V_AFFECTED,
};

static const char *product_display(const char *p)
{
	static const struct {
		const char *name, *display;
	} names[] = {
		{ "nsx", "NSX" }, { "esxi", "ESXi" }, { "esx", "ESX" },
		{ "linux", "Linux" }, { "vcenter", "vCenter" },
		{ "vsan", "vSAN" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++)
		if (strcmp(p, names[i].name) == 0)
			return names[i].display;
	return p;
}

/* "NSX 4.2.3.3 (4.2 line); NSX 9.0.2 (9.0 line)", or NULL if no fix. */
static char *fixed_in_text(const struct ct_rule *r, bool *oom)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	for (size_t i = 0; i < r->version_count; i++) {
		const struct ct_version_spec *s = &r->versions[i];
		for (size_t j = 0; j < s->line_count; j++) {
			const struct ct_version_line *l = &s->lines[j];
			if (!l->fixed_in)
				continue;
			ct_strbuf_appendf(&sb, "%s%s %s", sb.len ? "; " : "",
					  product_display(s->product),
					  l->fixed_in);
			if (strcmp(l->line, "*") != 0)
				ct_strbuf_appendf(&sb, " (%s line)", l->line);
		}
	}
	if (sb.failed) {
		*oom = true;
		ct_strbuf_deinit(&sb);
		return NULL;
	}
	if (!sb.len)
		return NULL;
	return ct_strbuf_detach(&sb);
}

struct ct_error *ct_rule_fixed_in(const struct ct_rule *rule, char **ret)
{
	bool oom = false;
	char *s = fixed_in_text(rule, &oom);
	if (oom)
		return &ct_enomem;
	*ret = s;
	return NULL;
}

static bool rule_has_fix(const struct ct_rule *r)
{
	for (size_t i = 0; i < r->version_count; i++)
		for (size_t j = 0; j < r->versions[i].line_count; j++)
			if (r->versions[i].lines[j].fixed_in)
				return true;
	return false;
}

/* " on the 4.2 line", or "" for a "*" entry. */
static void append_line(struct ct_strbuf *sb, const char *line)
{
	if (strcmp(line, "*") != 0)
		ct_strbuf_appendf(sb, " on the %s line", line);
}

/* Verdict for one installed version under one spec; why gets the reason,
 * *unlisted is set when its line is not in the rule. */
static enum verdict eval_installed(const struct ct_version_spec *spec,
				   const char *value, struct ct_strbuf *why,
				   bool *unlisted)
{
	char line[64];
	const char *fact = spec->fact;
	if (!ct_version_line(spec->scheme, value, line, sizeof(line))) {
		ct_strbuf_appendf(why, "%s '%s' is no %s version I can read",
				  fact, value,
				  ct_version_scheme_name(spec->scheme));
		return V_UNKNOWN;
	}
	const struct ct_version_line *vl = NULL;
	for (size_t i = 0; i < spec->line_count && !vl; i++)
		if (strcmp(spec->lines[i].line, line) == 0)
			vl = &spec->lines[i];
	for (size_t i = 0; i < spec->line_count && !vl; i++)
		if (strcmp(spec->lines[i].line, "*") == 0)
			vl = &spec->lines[i];
	if (!vl) {
		*unlisted = true;
		ct_strbuf_appendf(why, "%s %s is on the %s line, which this "
				  "rule does not list (it lists", fact, value,
				  line);
		for (size_t i = 0; i < spec->line_count; i++)
			ct_strbuf_appendf(why, "%s %s", i ? "," : "",
					  spec->lines[i].line);
		ct_strbuf_puts(why, "): no verdict across release lines");
		return V_UNKNOWN;
	}
	if (vl->introduced_in &&
	    ct_version_compare(spec->scheme, value, vl->introduced_in) ==
		    CT_VERSION_LESS) {
		ct_strbuf_appendf(why, "%s %s predates %s, where the issue "
				  "appeared", fact, value, vl->introduced_in);
		append_line(why, vl->line);
		ct_strbuf_puts(why, ": suspect a look-alike");
		return V_FIXED;
	}
	if (!vl->fixed_in) {
		ct_strbuf_appendf(why, "%s %s has no fix", fact, value);
		append_line(why, vl->line);
		return V_AFFECTED;
	}
	switch (ct_version_compare(spec->scheme, value, vl->fixed_in)) {
	case CT_VERSION_LESS:
		ct_strbuf_appendf(why, "%s %s is below the fix %s", fact,
				  value, vl->fixed_in);
		append_line(why, vl->line);
		return V_AFFECTED;
	case CT_VERSION_EQUAL:
	case CT_VERSION_GREATER:
		ct_strbuf_appendf(why, "%s %s is at or above the fix %s", fact,
				  value, vl->fixed_in);
		append_line(why, vl->line);
		ct_strbuf_puts(why, ": suspect a regression or a look-alike");
		return V_FIXED;
	default:
		ct_strbuf_appendf(why, "%s %s cannot be compared with the fix "
				  "%s", fact, value, vl->fixed_in);
		append_line(why, vl->line);
		return V_UNKNOWN;
	}
}

/* Verdict of one spec over every installed value of its fact. */
static enum verdict eval_spec(const struct ct_version_spec *spec,
			      const struct ct_case *c, struct ct_strbuf *why,
			      bool *unlisted)
{
	enum verdict best = V_UNKNOWN;
	bool seen = false;
	struct ct_strbuf chosen = CT_STRBUF_INIT;
	for (size_t i = 0; i < c->fact_count; i++) {
		if (strcmp(c->facts[i].key, spec->fact) != 0)
			continue;
		struct ct_strbuf one = CT_STRBUF_INIT;
		bool ul = false;
		enum verdict v = eval_installed(spec, c->facts[i].value, &one,
						&ul);
		if (!seen || v > best) {
			best = v;
			*unlisted = ul;
			ct_strbuf_deinit(&chosen);
			chosen = one;
		} else {
			ct_strbuf_deinit(&one);
		}
		seen = true;
	}
	if (!seen) {
		ct_strbuf_appendf(why, "no %s in the evidence", spec->fact);
		return V_UNKNOWN;
	}
	if (chosen.buf)
		ct_strbuf_append(why, chosen.buf, chosen.len);
	why->failed |= chosen.failed;
	ct_strbuf_deinit(&chosen);
	return best;
}

/* ------------------------------------------------------------------------
 * One rule against one case
 * ------------------------------------------------------------------------ */


static bool add_why(struct ct_match *m, struct ct_strbuf *sb)
{
	if (sb->failed)
		return false;
	if (!sb->len)
		return true;
	char **why = realloc(m->why, (m->why_count + 1) * sizeof(*why));
	if (!why)
		return false;
	m->why = why;
	m->why[m->why_count] = ct_strbuf_detach(sb);
	if (!m->why[m->why_count])
		return false;
	m->why_count++;
	return true;
}

static bool dup_opt(const char *s, char **ret)
{
	*ret = s ? strdup(s) : NULL;
	return !s || *ret;
}

/* The version verdict of r for the case of v, its reasons in vwhy;
 * *ret_unlisted when a version line the rule names lists no version. */
static enum verdict version_verdict(const struct ct_rule *r,
				    const struct view *v,
				    struct ct_strbuf *vwhy, bool *ret_unlisted)
{
	enum verdict verdict = V_UNKNOWN;
	bool has_fix = rule_has_fix(r);
	bool any_fixed = false, any_affected = false, unlisted = false;
	for (size_t i = 0; i < r->version_count; i++) {
		struct ct_strbuf one = CT_STRBUF_INIT;
		bool ul = false;
		enum verdict sv = eval_spec(&r->versions[i], v->c, &one, &ul);
		if (sv == V_FIXED)
			any_fixed = true;
		else if (sv == V_AFFECTED)
			any_affected = true;
		if (ul)
			unlisted = true;
		if (one.len)
			ct_strbuf_appendf(vwhy, "%s%s", vwhy->len ? "; " : "",
					  one.buf);
		vwhy->failed |= one.failed;
		ct_strbuf_deinit(&one);
	}
	if (any_fixed)
		verdict = V_FIXED;
	else if (any_affected || (!has_fix && !r->fix_unknown))
		verdict = V_AFFECTED;
	if (!has_fix && !any_fixed) {
		vwhy->len = 0;
		ct_strbuf_puts(vwhy, r->fix_unknown
			? "a fix exists but no public version names it: "
			  "check the vendor's release notes"
			: "no fixed version is known: workaround only");
		unlisted = false;
	}
	*ret_unlisted = unlisted;
	return verdict;
}

/* Evaluate r against v into m; *listed and *note as in ct_kb_match().
 * A first pass only scores; the evidence, the verdict and the strings are
 * made only for a listed candidate, or always when full is set. */
static struct ct_error *evaluate(const struct ct_rule *r, const struct view *v,
				 struct ct_match *m, bool *listed,
				 char **note, bool full)
{
	memset(m, 0, sizeof(*m));
	*listed = false;
	if (note)
		*note = NULL;
	bool oom = false;
	double score = 0, sig[CT_RULE_MAX_SIGNALS];
	bool required_ok = true, evidence = false;
	size_t nsig = r->signal_count < CT_RULE_MAX_SIGNALS
		      ? r->signal_count : CT_RULE_MAX_SIGNALS;
	for (size_t i = 0; i < nsig && !oom; i++) {
		const struct ct_signal *s = &r->signals[i];
		double si = eval_signal(s, v, NULL, &oom);
		sig[i] = si < 0 ? 0 : si > 1 ? 1 : si;
		if (sig[i] > 0) {
			score += s->weight * sig[i];
			if (s->kind != CT_SIGNAL_FACT)
				evidence = true;
		} else if (s->required) {
			required_ok = false;
		}
	}
	if (oom)
		return &ct_enomem;
	if (score > 1)
		score = 1;
	/* round away float noise: weights are given to a few decimals */
	score = (double)(long long)(score * 1e6 + 0.5) / 1e6;
	m->score = score;
	m->passes = required_ok && score + 1e-9 >= r->threshold;
	*listed = score > 0 && (evidence || score + 1e-9 >= r->threshold);
	if (!*listed && !full)
		return NULL;

	struct ct_strbuf missing = CT_STRBUF_INIT;
	for (size_t i = 0; i < nsig && !oom; i++) {
		const struct ct_signal *s = &r->signals[i];
		if (sig[i] > 0) {
			struct ct_strbuf why = CT_STRBUF_INIT;
			(void)eval_signal(s, v, &why, &oom);
			if (!oom && !add_why(m, &why))
				oom = true;
			ct_strbuf_deinit(&why);
		} else if (s->required) {
			ct_strbuf_puts(&missing, missing.len ? "; " : "");
			ct_strbuf_puts(&missing, "required signal not seen: ");
			describe_signal(&missing, s);
		}
	}

	struct ct_strbuf vwhy = CT_STRBUF_INIT;
	bool unlisted;
	enum verdict verdict = version_verdict(r, v, &vwhy, &unlisted);
	if (!add_why(m, &vwhy) || !add_why(m, &missing))
		oom = true;
	ct_strbuf_deinit(&vwhy);
	ct_strbuf_deinit(&missing);
	static const char *const names[] = {
		[V_UNKNOWN] = "version-unknown",
		[V_FIXED] = "fixed",
		[V_AFFECTED] = "affected",
	};
	if (!oom && (!dup_opt(r->id, &m->id) || !dup_opt(r->title, &m->title) ||
		     !dup_opt(names[verdict], &m->verdict) ||
		     !dup_opt(r->workaround, &m->workaround)))
		oom = true;
	if (!oom)
		m->fixed_in = fixed_in_text(r, &oom);
	if (!oom && note && unlisted && verdict == V_UNKNOWN) {
		/* the version why line says which line is not listed */
		const char *last = m->why_count ? m->why[m->why_count - 1] : "";
		for (size_t i = 0; i < m->why_count; i++)
			if (strstr(m->why[i], "does not list"))
				last = m->why[i];
		if (asprintf(note, "%s: %s", r->id, last) < 0) {
			*note = NULL;
			oom = true;
		}
	}
	if (oom) {
		ct_match_deinit(m);
		if (note) {
			free(*note);
			*note = NULL;
		}
		return &ct_enomem;
	}
	return NULL;
}

struct ct_error *ct_rule_evaluate(const struct ct_rule *rule,
				  const struct ct_case *c, struct ct_match *ret,
				  bool *ret_listed)
{
	struct view v;
	struct ct_error *err = view_init(&v, c);
	bool listed = false;
	if (!err)
		err = evaluate(rule, &v, ret, &listed, NULL, true);
	view_deinit(&v);
	if (!err && ret_listed)
		*ret_listed = listed;
	return err;
}

/* ------------------------------------------------------------------------
 * Candidates and the whole case
 * ------------------------------------------------------------------------ */

/* The candidates of one case: a mark per rule and the marked ones. */
struct cand_list {
	unsigned char *seen;	/* kb->count flags */
	uint32_t *list;		/* rules marked, in marking order */
	size_t count;
	size_t cap;
	bool oom;
};

static void mark_rule(struct cand_list *cl, uint32_t rule)
{
	if (cl->seen[rule])
		return;
	if (!ct_grow((void **)&cl->list, &cl->cap, cl->count + 1,
		     sizeof(*cl->list))) {
		cl->oom = true;
		return;
	}
	cl->seen[rule] = 1;
	cl->list[cl->count++] = rule;
}

static void mark_posting(const struct ct_kb_posting *p, struct cand_list *cl)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		mark_rule(cl, p->rules[i]);
}

static void mark_words(const struct ct_kb_index *ix, char kind,
		       const char *s, struct cand_list *cl)
{
	if (!s || !ix->kinds[(unsigned char)kind])
		return;
	for (const char *p = s; *p;) {
		if (!ct_is_word_char(*p)) {
			p++;
			continue;
		}
		const char *w = p;
		while (ct_is_word_char(*p))
			p++;
		if (p - w >= 3)
			mark_posting(ct_kb_index_find(ix, kind, w, (size_t)(p - w)),
				     cl);
	}
}

static void mark_name(const struct ct_kb_index *ix, char kind, const char *s,
		      struct cand_list *cl)
{
	if (s)
		mark_posting(ct_kb_index_find(ix, kind, s, strlen(s)), cl);
}

/* Mark the rules indexed under each dotted prefix of s: a finding in
 * "domain_list.tqh_last" is one for a rule about "domain_list". */
static void mark_prefixes(const struct ct_kb_index *ix, const char *s,
			  size_t n, struct cand_list *cl)
{
	for (size_t i = 0; s && i <= n; i++)
		if (i == n || s[i] == '.')
			mark_posting(ct_kb_index_find(ix, 'd', s, i), cl);
}

/* Mark every rule the index offers for the case. */
static struct ct_error *collect_candidates(const struct ct_kb *kb,
					   const struct view *v,
					   struct cand_list *cl)
{
	const struct ct_kb_index *ix = kb->index;
	const struct ct_case *c = v->c;
	memset(cl, 0, sizeof(*cl));
	cl->seen = calloc(kb->count ? kb->count : 1, 1);
	if (!cl->seen)
		return &ct_enomem;
	if (kb->scan_all) {
		for (size_t i = 0; i < kb->count; i++)
			mark_rule(cl, (uint32_t)i);
		return cl->oom ? &ct_enomem : NULL;
	}
	for (size_t i = 0; i < ix->always_count; i++)
		mark_rule(cl, ix->always[i]);
	for (size_t l = 0; l < v->list_count; l++)
		for (size_t j = 0; j < v->lists[l].count; j++)
			mark_name(ix, 'f', v->lists[l].frames[j].name, cl);
	const char *last_kind = NULL, *last_text = NULL;
	for (size_t i = 0; i < c->event_count; i++) {
		const struct ct_event *ev = &c->events[i];
		if (!last_kind || strcmp(last_kind, ev->kind) != 0)
			mark_name(ix, 'e', ev->kind, cl);
		last_kind = ev->kind;
		/* a flapping link repeats its message thousands of times */
		if (!last_text || !ev->text || strcmp(last_text, ev->text) != 0)
			mark_words(ix, 'w', ev->text, cl);
		last_text = ev->text;
	}
	mark_words(ix, 'p', c->panic.message, cl);
	mark_words(ix, 'p', c->panic.exception, cl);
	if (ix->kinds['k'])
		for (size_t i = 0; i < c->fact_count; i++)
			mark_name(ix, 'k', c->facts[i].key, cl);
	for (size_t i = 0; i < c->finding_count; i++) {
		mark_name(ix, 'd', c->findings[i].kind, cl);
		mark_name(ix, 'd', c->findings[i].type, cl);
		const struct ct_finding *f = &c->findings[i];
		if (f->member)
			mark_prefixes(ix, f->member, strlen(f->member), cl);
		if (f->structure) {
			/* "fqdn_node.domain_list": the type, the members */
			const char *dot = strchr(f->structure, '.');
			size_t n = dot ? (size_t)(dot - f->structure)
				       : strlen(f->structure);
			mark_posting(ct_kb_index_find(ix, 'd', f->structure, n), cl);
			if (dot)
				mark_prefixes(ix, dot + 1, strlen(dot + 1), cl);
		}
	}
	return cl->oom ? &ct_enomem : NULL;
}

static void cand_list_deinit(struct cand_list *cl)
{
	free(cl->seen);
	free(cl->list);
}

size_t ct_kb_candidate_count(const struct ct_kb *kb, const struct ct_case *c)
{
	struct view v;
	struct cand_list cl;
	size_t n = 0;
	struct ct_error *err = view_init(&v, c);
	if (!err)
		err = collect_candidates(kb, &v, &cl);
	if (!err)
		n = cl.count;
	ct_error_destroy(err);
	cand_list_deinit(&cl);
	view_deinit(&v);
	return n;
}

/* A scored candidate. */
struct candidate {
	struct ct_match m;
	char *note;
};

static int compare_candidates(const void *a, const void *b)
{
	const struct ct_match *x = &((const struct candidate *)a)->m;
	const struct ct_match *y = &((const struct candidate *)b)->m;
	if (x->passes != y->passes)
		return x->passes ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void clear_matches(struct ct_case *c)
{
	for (size_t i = 0; i < c->match_count; i++)
		ct_match_deinit(&c->matches[i]);
	c->match_count = 0;
	c->known = false;
}

struct ct_error *ct_kb_match(const struct ct_kb *kb, struct ct_case *c)
{
	struct view v;
	struct cand_list cl = { 0 };
	struct candidate *cands = NULL;
	size_t count = 0, cap = 0;
	struct ct_error *err = view_init(&v, c);
	if (!err)
		err = collect_candidates(kb, &v, &cl);
	for (size_t i = 0; i < cl.count && !err; i++) {
		struct candidate cand;
		bool listed;
		err = evaluate(kb->rules[cl.list[i]], &v, &cand.m, &listed,
			       &cand.note, false);
		if (err)
			break;
		if (!listed) {
			ct_match_deinit(&cand.m);
			free(cand.note);
			continue;
		}
		if (!ct_grow((void **)&cands, &cap, count + 1,
			     sizeof(*cands))) {
			ct_match_deinit(&cand.m);
			free(cand.note);
			err = &ct_enomem;
			break;
		}
		cands[count++] = cand;
	}
	if (err)
		goto out;
	if (count)
		qsort(cands, count, sizeof(*cands), compare_candidates);
	clear_matches(c);
	for (size_t i = 0; i < count && i < CT_KB_MAX_MATCHES && !err; i++)
		err = ct_case_add_match(c, &cands[i].m);
	if (!err && c->match_count) {
		c->known = c->matches[0].passes;
		if (cands[0].note)
			err = ct_case_add_note(c, "%s", cands[0].note);
	}
out:
	for (size_t i = 0; i < count; i++) {
		ct_match_deinit(&cands[i].m);
		free(cands[i].note);
	}
	free(cands);
	cand_list_deinit(&cl);
	view_deinit(&v);
	return err;
}
