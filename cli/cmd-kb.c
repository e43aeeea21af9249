/* SPDX-License-Identifier: MIT */
/*
 * cmd-kb.c - "crashtriage kb list|show|check|build|search": the known-issue
 * rules, from the binary, a folder of YAML rules or a compiled .sqlite file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "db/kb.h"
#include "rules/match.h"

const char cmd_kb_usage[] =
	"usage: crashtriage kb list    [--kb PATH | --rules DIR]\n"
	"       crashtriage kb show    [--kb PATH | --rules DIR] ID\n"
	"       crashtriage kb check   [--kb PATH | --rules DIR] [RULES_DIR]\n"
	"       crashtriage kb build   [-o FILE] [--rules DIR] [RULES_DIR]\n"
	"       crashtriage kb search  [--kb PATH | --rules DIR] [-n N] TEXT...\n"
	"\n"
	"The known-issue knowledge base: one YAML rule per issue (see\n"
	"rules/SCHEMA.md).  By default the rules compiled into crashtriage are\n"
	"used; --rules DIR reads a folder of rule files, --kb PATH a compiled\n"
	"knowledge base (or a folder), and so does $CRASHTRIAGE_KB.\n"
	"\n"
	"  list     one line per rule: id, product, title\n"
	"  show     everything about one rule\n"
	"  check    lint every rule (schema, regexes, versions, unique ids) and\n"
	"           run its examples through analyze and the matcher: each\n"
	"           example must match its rule best, no counter-example may\n"
	"           match; exit 1 on any problem\n"
	"  build    compile the rules into FILE (default kb.sqlite)\n"
	"  search   rank rules for pasted text: a backtrace line, a log line,\n"
	"           a few words (TEXT '-' reads standard input)\n"
	"\n"
	"  --kb PATH     a compiled knowledge base (.sqlite) or a rule folder\n"
	"  --rules DIR   a folder of rule files\n"
	"  -o, --output FILE  where build writes (default kb.sqlite)\n"
	"  -n, --limit N      search results shown (default 10)\n"
	"  -h, --help    show this help\n";

/* ---- choosing the knowledge base ---------------------------------------- */

static void print_problems(struct ct_error **problems, size_t count,
			   const char *prefix)
{
	for (size_t i = 0; i < count; i++) {
		char *msg = ct_error_format(problems[i]);
		fprintf(stderr, "crashtriage: %s%s\n", prefix,
			msg ? cli_vis(msg) : "out of memory");
		free(msg);
	}
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Load from one named source; problems are handed back. */
static struct ct_error *load_source(const char *kb_path, const char *rules_dir,
				    struct ct_kb **ret,
				    struct ct_error ***problems,
				    size_t *problem_count)
{
	*problems = NULL;
	*problem_count = 0;
	if (!rules_dir && !kb_path) {
		const char *env = getenv("CRASHTRIAGE_KB");
		if (env && *env)
			kb_path = env;
	}
	if (rules_dir)
		return ct_kb_load_dir(rules_dir, ret, problems, problem_count);
	if (kb_path) {
		if (is_dir(kb_path))
			return ct_kb_load_dir(kb_path, ret, problems,
					      problem_count);
		if (ct_kb_db_is_sqlite(kb_path))
			return ct_kb_db_load(kb_path, ret);
		struct stat st;
		if (stat(kb_path, &st) != 0)
			return ct_error_os(errno, kb_path, "cannot open");
		return ct_error_at(ct_error_create(
			CT_ERROR_NOT_RECOGNISED,
			"neither a compiled knowledge base nor a folder of "
			"rules"), kb_path, 0, 0, false);
	}
	return ct_kb_load_embedded(ret, problems, problem_count);
}

int cli_kb_open(const char *kb_path, const char *rules_dir,
		struct ct_kb **ret)
{
	struct ct_error **problems;
	size_t count;
	struct ct_error *err = load_source(kb_path, rules_dir, ret, &problems,
					   &count);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	print_problems(problems, count, "warning: rule skipped: ");
	ct_kb_problems_free(problems, count);
	return CLI_EXIT_OK;
}

/* ---- list and show ------------------------------------------------------ */

static int kb_list(const struct ct_kb *kb)
{
	for (size_t i = 0; i < kb->count; i++) {
		const struct ct_rule *r = kb->rules[i];
		printf("%-45s %-8s %s\n", cli_vis(r->id), cli_vis(r->product),
		       cli_vis(r->title));
	}
	return CLI_EXIT_OK;
}

/* Print text folded at about 76 columns, each line indented. */
static void print_wrapped(const char *text, const char *indent)
{
	enum { WIDTH = 76 };
	size_t col = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\n' && *p != '\t')
			p++;
		size_t n = (size_t)(p - w);
		if (col && col + 1 + n > WIDTH) {
			putchar('\n');
			col = 0;
		}
		if (!col) {
			fputs(indent, stdout);
			col = strlen(indent);
		} else {
			putchar(' ');
			col++;
		}
		char *word = strndup(w, n);
		fputs(word ? cli_vis(word) : "?", stdout);
		free(word);
		col += n;
	}
	if (col)
		putchar('\n');
}

static void print_signal(const struct ct_signal *s)
{
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		fputs("frames", stdout);
		for (size_t i = 0; i < s->u.frames.count; i++)
			printf("%s%s", i ? " > " : " ",
			       cli_vis(s->u.frames.names[i]));
		printf(" (within %u, max_gap %u, min %u)", s->u.frames.within,
		       s->u.frames.max_gap, s->u.frames.min);
		break;
	case CT_SIGNAL_LOG:
		fputs("log", stdout);
		if (s->u.log.event)
			printf(" event %s", cli_vis(s->u.log.event));
		if (s->u.log.pattern.source)
			printf(" pattern '%s'", cli_vis(s->u.log.pattern.source));
		if (s->u.log.count > 1)
			printf(", %u times", s->u.log.count);
		if (s->u.log.same)
			printf(" with the same %s", cli_vis(s->u.log.same));
		break;
	case CT_SIGNAL_PANIC:
		fputs("panic", stdout);
		if (s->u.panic.message.source)
			printf(" message '%s'",
			       cli_vis(s->u.panic.message.source));
		if (s->u.panic.exception.source)
			printf(" exception '%s'",
			       cli_vis(s->u.panic.exception.source));
		break;
	case CT_SIGNAL_FACT:
		printf("fact %s", cli_vis(s->u.fact.key));
		if (s->u.fact.op == CT_FACT_EQUALS)
			printf(" == %s", cli_vis(s->u.fact.equals));
		else if (s->u.fact.op == CT_FACT_MATCHES)
			printf(" matches '%s'",
			       cli_vis(s->u.fact.matches.source));
		else if (s->u.fact.op == CT_FACT_IN)
			for (size_t i = 0; i < s->u.fact.in_count; i++)
				printf("%s%s", i ? ", " : " in ",
				       cli_vis(s->u.fact.in[i]));
		else
			fputs(" present", stdout);
		break;
	case CT_SIGNAL_FINDING:
		fputs("finding", stdout);
		if (s->u.finding.kind)
			printf(" kind %s", cli_vis(s->u.finding.kind));
		if (s->u.finding.type)
			printf(" type %s", cli_vis(s->u.finding.type));
		if (s->u.finding.member)
			printf(" member %s", cli_vis(s->u.finding.member));
		break;
	default:
		break;
	}
	printf("  weight %.2f%s\n", s->weight, s->required ? " required" : "");
}

static int kb_show(const struct ct_kb *kb, const char *id)
{
	const struct ct_rule *r = ct_kb_find(kb, id);
	if (!r) {
		cli_errorf("kb show: no rule '%s' in %s", id, kb->source);
		return CLI_EXIT_FAILED;
	}
	printf("id          %s\n", cli_vis(r->id));
	printf("title       %s\n", cli_vis(r->title));
	printf("product     %s\n", cli_vis(r->product));
	if (r->component)
		printf("component   %s\n", cli_vis(r->component));
	if (r->source)
		printf("source      %s\n", cli_vis(r->source));
	for (size_t i = 0; i < r->reference_count; i++)
		printf("%s%s\n", i ? "            " : "references  ",
		       cli_vis(r->references[i]));
	printf("threshold   %.2f\n", r->threshold);
	for (size_t i = 0; i < r->signal_count; i++) {
		fputs(i ? "            " : "signals     ", stdout);
		print_signal(&r->signals[i]);
	}
	for (size_t i = 0; i < r->version_count; i++) {
		const struct ct_version_spec *v = &r->versions[i];
		printf("%s%s (%s, scheme %s):", i ? "            "
		       : "versions    ", cli_vis(v->product), cli_vis(v->fact),
		       ct_version_scheme_name(v->scheme));
		for (size_t j = 0; j < v->line_count; j++) {
			const struct ct_version_line *l = &v->lines[j];
			printf("%s line %s", j ? ";" : "", cli_vis(l->line));
			if (l->introduced_in)
				printf(" since %s", cli_vis(l->introduced_in));
			printf(l->fixed_in ? " fixed in %s" : " no fix%s",
			       l->fixed_in ? cli_vis(l->fixed_in) : "");
		}
		putchar('\n');
	}
	char *fixed = NULL;
	struct ct_error *err = ct_rule_fixed_in(r, &fixed);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	printf("fixed in    %s\n", fixed ? cli_vis(fixed)
					 : "no fix; workaround only");
	free(fixed);
	printf("examples    %zu, counter-examples %zu\n", r->example_count,
	       r->counter_example_count);
	static const struct {
		const char *label;
		size_t offset;
	} texts[] = {
		{ "summary", offsetof(struct ct_rule, summary) },
		{ "workaround", offsetof(struct ct_rule, workaround) },
		{ "resolution", offsetof(struct ct_rule, resolution) },
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *t = *(char *const *)((const char *)r +
						 texts[i].offset);
		if (!t)
			continue;
		printf("\n%s\n", texts[i].label);
		print_wrapped(t, "  ");
	}
	return CLI_EXIT_OK;
}

/* ---- check -------------------------------------------------------------- */

/* Analyze one example; NULL after printing why not. */
static struct ct_case *analyze_example(const struct ct_rule *r,
				       const char *what, size_t n,
				       const char *text, int *problems)
{
	char name[256];
	snprintf(name, sizeof(name), "%s %s %zu", r->id, what, n);
	struct ct_case *c;
	struct ct_error *err = ct_analyze_buffer(name, text, strlen(text), &c);
	if (err) {
		char *msg = ct_error_format(err);
		printf("FAIL %s: %s %zu: %s\n", cli_vis(r->id), what, n,
		       msg ? cli_vis(msg) : "out of memory");
		free(msg);
		ct_error_destroy(err);
		(*problems)++;
		return NULL;
	}
	if (!ct_case_usable(c)) {
		printf("FAIL %s: %s %zu is not recognised as evidence\n",
		       cli_vis(r->id), what, n);
		(*problems)++;
		ct_case_destroy(c);
		return NULL;
	}
	return c;
}

/* Run a rule's examples and counter-examples; returns problems found. */
static int check_rule(const struct ct_kb *kb, const struct ct_rule *r,
		      bool *oom)
{
	int problems = 0;
	if (!r->example_count) {
		printf("FAIL %s: no examples: nothing shows the rule "
		       "matches\n", cli_vis(r->id));
		problems++;
	}
	for (size_t i = 0; i < r->example_count && !*oom; i++) {
		struct ct_case *c = analyze_example(r, "example", i + 1,
						    r->examples[i], &problems);
		if (!c)
			continue;
		struct ct_match m;
		struct ct_error *err = ct_kb_match(kb, c);
		if (!err)
			err = ct_rule_evaluate(r, c, &m, NULL);
		if (err) {
			ct_error_destroy(err);
			*oom = true;
			ct_case_destroy(c);
			break;
		}
		if (!m.passes) {
			printf("FAIL %s: example %zu does not match (score "
			       "%.2f, threshold %.2f)\n", cli_vis(r->id), i + 1,
			       m.score, r->threshold);
			for (size_t j = 0; j < m.why_count; j++)
				printf("       why %s\n", cli_vis(m.why[j]));
			problems++;
		} else if (c->match_count &&
			   strcmp(c->matches[0].id, r->id) != 0 &&
			   c->matches[0].score > m.score + 1e-9) {
			printf("FAIL %s: example %zu is matched better by %s "
			       "(score %.2f > %.2f)\n", cli_vis(r->id), i + 1,
			       cli_vis(c->matches[0].id), c->matches[0].score, m.score);
			problems++;
		}
		ct_match_deinit(&m);
		ct_case_destroy(c);
	}
	for (size_t i = 0; i < r->counter_example_count && !*oom; i++) {
		struct ct_case *c = analyze_example(r, "counter-example", i + 1,
						    r->counter_examples[i],
						    &problems);
		if (!c)
			continue;
		struct ct_match m;
		struct ct_error *err = ct_rule_evaluate(r, c, &m, NULL);
		if (err) {
			ct_error_destroy(err);
			*oom = true;
			ct_case_destroy(c);
			break;
		}
		if (m.passes) {
			printf("FAIL %s: counter-example %zu matches (score "
			       "%.2f, threshold %.2f)\n", cli_vis(r->id), i + 1,
			       m.score, r->threshold);
			for (size_t j = 0; j < m.why_count; j++)
				printf("       why %s\n", cli_vis(m.why[j]));
			problems++;
		}
		ct_match_deinit(&m);
		ct_case_destroy(c);
	}
	if (!problems && !*oom)
		printf("ok   %s (%zu example%s, %zu counter-example%s)\n",
		       cli_vis(r->id), r->example_count,
		       r->example_count == 1 ? "" : "s",
		       r->counter_example_count,
		       r->counter_example_count == 1 ? "" : "s");
	return problems;
}

static int kb_check(const char *kb_path, const char *rules_dir)
{
	struct ct_kb *kb;
	struct ct_error **problems;
	size_t count;
	struct ct_error *err = load_source(kb_path, rules_dir, &kb, &problems,
					   &count);
	if (err) {
		char *msg = ct_error_format(err);
		printf("FAIL %s\n", msg ? cli_vis(msg) : "out of memory");
		free(msg);
		ct_error_destroy(err);
		return CLI_EXIT_FAILED;
	}
	size_t failed = count;
	for (size_t i = 0; i < count; i++) {
		char *msg = ct_error_format(problems[i]);
		printf("FAIL %s\n", msg ? cli_vis(msg) : "out of memory");
		free(msg);
	}
	ct_kb_problems_free(problems, count);
	size_t examples = 0, counters = 0;
	bool oom = false;
	for (size_t i = 0; i < kb->count && !oom; i++) {
		const struct ct_rule *r = kb->rules[i];
		examples += r->example_count;
		counters += r->counter_example_count;
		failed += (size_t)check_rule(kb, r, &oom);
	}
	if (oom) {
		cli_errorf("kb check: out of memory");
		ct_kb_destroy(kb);
		return CLI_EXIT_FAILED;
	}
	printf("%zu rules, %zu examples, %zu counter-examples checked in %s: "
	       "%zu problem%s\n", kb->count, examples, counters, kb->source,
	       failed, failed == 1 ? "" : "s");
	ct_kb_destroy(kb);
	return failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

/* ---- build -------------------------------------------------------------- */

static int kb_build(const char *rules_dir, const char *output)
{
	struct ct_kb *kb;
	struct ct_error **problems;
	size_t count;
	struct ct_error *err = rules_dir
		? ct_kb_load_dir(rules_dir, &kb, &problems, &count)
		: ct_kb_load_embedded(&kb, &problems, &count);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	if (count) {
		print_problems(problems, count, "");
		ct_kb_problems_free(problems, count);
		cli_errorf("kb build: %zu rule%s did not load; '%s' not "
			   "written", count, count == 1 ? "" : "s", output);
		ct_kb_destroy(kb);
		return CLI_EXIT_FAILED;
	}
	ct_kb_problems_free(problems, count);
	err = ct_kb_db_build(kb, output);
	if (err) {
		cli_error(err);
		ct_kb_destroy(kb);
		return CLI_EXIT_FAILED;
	}
	printf("wrote %zu rules from %s to %s (schema %d)\n", kb->count,
	       kb->source, output, CT_KB_DB_SCHEMA_VERSION);
	ct_kb_destroy(kb);
	return CLI_EXIT_OK;
}

/* ---- search ------------------------------------------------------------- */

/* Read standard input (at most 1 MiB) into a string. */
static char *read_stdin(void)
{
	enum { LIMIT = 1 << 20 };
	char *buf = malloc(LIMIT + 1);
	if (!buf)
		return NULL;
	size_t n = fread(buf, 1, LIMIT, stdin);
	buf[n] = '\0';
	return buf;
}

/* Put what analyze makes of the text first: the crashing frames and the
 * event kinds are the best search words; the raw text follows. */
static char *search_text(const char *text)
{
	struct ct_case *c;
	size_t len = strlen(text);
	char *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);
	if (!f)
		return NULL;
	if (!ct_analyze_buffer("search", text, len, &c)) {
		for (size_t i = 0; i < c->signature.frame_count; i++)
			fprintf(f, "%s ", c->signature.frames[i]);
		for (size_t i = 0; i < c->event_count; i++)
			if (i == 0 || strcmp(c->events[i].kind,
					     c->events[i - 1].kind) != 0)
				fprintf(f, "%s ", c->events[i].kind);
		ct_case_destroy(c);
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int kb_search(const char *kb_path, const char *rules_dir,
		     char **words, int nwords, size_t limit)
{
	char *text = NULL;
	if (nwords == 1 && strcmp(words[0], "-") == 0) {
		text = read_stdin();
	} else {
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		for (int i = 0; f && i < nwords; i++)
			fprintf(f, "%s ", words[i]);
		if (!f || fclose(f) != 0) {
			free(text);
			text = NULL;
		}
	}
	char *query = text ? search_text(text) : NULL;
	free(text);
	if (!query) {
		cli_errorf("kb search: out of memory");
		return CLI_EXIT_FAILED;
	}
	if (!rules_dir && !kb_path) {
		const char *env = getenv("CRASHTRIAGE_KB");
		if (env && *env)
			kb_path = env;
	}
	struct ct_kb_db *db = NULL;
	struct ct_error *err = NULL;
	if (!rules_dir && kb_path && ct_kb_db_is_sqlite(kb_path)) {
		err = ct_kb_db_open(kb_path, &db);
	} else {
		struct ct_kb *kb;
		int rc = cli_kb_open(kb_path, rules_dir, &kb);
		if (rc) {
			free(query);
			return rc;
		}
		err = ct_kb_db_from_kb(kb, &db);
		ct_kb_destroy(kb);
	}
	struct ct_kb_hit *hits = NULL;
	size_t count = 0;
	if (!err)
		err = ct_kb_db_search(db, query, limit, &hits, &count);
	ct_kb_db_close(db);
	free(query);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	if (!count)
		printf("no rule matches\n");
	for (size_t i = 0; i < count; i++) {
		printf("%2zu. %-45s %s\n", i + 1, cli_vis(hits[i].id),
		       hits[i].title ? cli_vis(hits[i].title) : "");
		if (hits[i].snippet && hits[i].snippet[0]) {
			fputs("    ", stdout);
			char *flat = strdup(hits[i].snippet);
			for (char *p = flat; p && *p; p++)
				if (*p == '\n' || *p == '\t')
					*p = ' ';
			puts(flat ? cli_vis(flat) : "?");
			free(flat);
		}
	}
	ct_kb_hits_free(hits, count);
	return count ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

/* ---- dispatch ----------------------------------------------------------- */

int cmd_kb(int argc, char **argv)
{
	const char *kb_path = NULL, *rules_dir = NULL;
	const char *output = "kb.sqlite";
	unsigned long limit = 10;
	const struct cli_option options[] = {
		CLI_STRING("kb", 0, &kb_path),
		CLI_STRING("rules", 0, &rules_dir),
		CLI_STRING("output", 'o', &output),
		CLI_UINT("limit", 'n', &limit, 1, 1000),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_kb_usage, false, &optind);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		cli_errorf("kb: no subcommand given");
		fputs(cmd_kb_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	const char *sub = argv[optind++];
	int rest = argc - optind;
	char **args = argv + optind;
	if (strcmp(sub, "check") == 0 || strcmp(sub, "build") == 0) {
		if (rest > 1) {
			cli_errorf("kb %s: one RULES_DIR at most", sub);
			return CLI_EXIT_USAGE;
		}
		if (rest == 1)
			rules_dir = args[0];
		if (strcmp(sub, "check") == 0)
			return kb_check(kb_path, rules_dir);
		if (kb_path) {
			cli_errorf("kb build: reads rules (--rules or "
				   "RULES_DIR), not --kb");
			return CLI_EXIT_USAGE;
		}
		return kb_build(rules_dir, output);
	}
	if (strcmp(sub, "search") == 0) {
		if (!rest) {
			cli_errorf("kb search: no TEXT given");
			return CLI_EXIT_USAGE;
		}
		return kb_search(kb_path, rules_dir, args, rest,
				 (size_t)limit);
	}
	bool list = strcmp(sub, "list") == 0;
	bool show = strcmp(sub, "show") == 0;
	if (!list && !show) {
		cli_errorf("kb: no subcommand '%s'", sub);
		fputs(cmd_kb_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (list ? rest != 0 : rest != 1) {
		cli_errorf(list ? "kb list: takes no arguments"
				: "kb show: give one ID");
		return CLI_EXIT_USAGE;
	}
	struct ct_kb *kb;
	rc = cli_kb_open(kb_path, rules_dir, &kb);
	if (rc)
		return rc;
	rc = list ? kb_list(kb) : kb_show(kb, args[0]);
	ct_kb_destroy(kb);
	return rc;
}
