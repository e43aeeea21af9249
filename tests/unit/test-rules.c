/* SPDX-License-Identifier: MIT */
/*
 * test-rules.c - the rule loader (rules/rule.c): every SCHEMA.md key is
 * read, every kind of mistake is refused with FILE:LINE:COLUMN, hostile
 * YAML (aliases, nesting, NULs, size) is bounded, folders load with
 * per-file problems, and the regex helpers behave.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "rules/match.h"
#include "rules/rule.h"

static char *data_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *p;
	if (asprintf(&p, "%s/tests/data/rules%s%s", top ? top : ".",
		     name ? "/" : "", name ? name : "") < 0)
		return NULL;
	return p;
}

static struct ct_rule *parse_ok(const char *text)
{
	struct ct_rule *r = NULL;
	struct ct_error *err = ct_rule_parse("t.yaml", text, strlen(text), &r);
	if (err)
		print_error("unexpected error: %s\n", err->message);
	assert_null(err);
	return r;
}

/* Parse must fail with a message containing want. */
static void parse_bad(const char *text, const char *want)
{
	struct ct_rule *r = NULL;
	struct ct_error *err = ct_rule_parse("t.yaml", text, strlen(text), &r);
	if (!err) {
		print_error("expected an error containing '%s'\n", want);
		ct_rule_destroy(r);
		fail();
	}
	if (!strstr(err->message, want)) {
		print_error("got '%s', want '%s'\n", err->message, want);
		ct_error_destroy(err);
		fail();
	}
	assert_null(r);
	ct_error_destroy(err);
}

#define HEAD "id: t\ntitle: T\nproduct: p\n"
#define FRAMES "signals:\n  - frames:\n      sequence: [a, b]\n    weight: 0.7\n"

static void test_minimal(void **state)
{
	(void)state;
	struct ct_rule *r = parse_ok(HEAD FRAMES);
	assert_string_equal(r->id, "t");
	assert_true(r->threshold == CT_RULE_THRESHOLD_DEFAULT);
	assert_int_equal(r->signal_count, 1);
	const struct ct_frames_signal *f = &r->signals[0].u.frames;
	assert_int_equal(r->signals[0].kind, CT_SIGNAL_FRAMES);
	assert_int_equal(f->count, 2);
	assert_int_equal(f->within, CT_FRAMES_WITHIN_DEFAULT);
	assert_int_equal(f->max_gap, CT_FRAMES_MAX_GAP_DEFAULT);
	assert_int_equal(f->min, 2); /* default: all */
	assert_false(r->signals[0].required);
	assert_int_equal(r->signals[0].line, 5);
	assert_null(r->component);
	assert_int_equal(r->version_count, 0);
	assert_string_equal(r->source, "t.yaml");
	ct_rule_destroy(r);
}

/* Every key of SCHEMA.md, through the test rule files. */
static void test_every_key(void **state)
{
	(void)state;
	char *path = data_path("test-fqdn-frames.yaml");
	struct ct_kb *kb;
	struct ct_error **probs;
	size_t n;
	char *dir = data_path(NULL);
	assert_null(ct_kb_load_dir(dir, &kb, &probs, &n));
	assert_int_equal(n, 0);
	ct_kb_problems_free(probs, n);
	assert_int_equal(kb->count, 3);
	const struct ct_rule *r = ct_kb_find(kb, "test-fqdn-frames");
	assert_non_null(r);
	assert_string_equal(r->source, path);
	assert_string_equal(r->title,
			    "Test: PSOD in memscan/strlen under pfa_get_counts");
	assert_string_equal(r->product, "nsx");
	assert_string_equal(r->component, "test component");
	assert_int_equal(r->reference_count, 2);
	assert_string_equal(r->references[1], "KB 1");
	assert_non_null(strstr(r->summary, "pfa_get_counts"));
	assert_string_equal(r->workaround, "Use L4 rules."); /* folded: no trailing newline */
	assert_non_null(r->resolution);
	assert_true(r->threshold == 0.5);
	assert_int_equal(r->signal_count, 2);
	assert_int_equal(r->signals[0].u.frames.within, 3);
	assert_int_equal(r->signals[0].u.frames.max_gap, 2);
	assert_int_equal(r->signals[0].u.frames.min, 3);
	assert_string_equal(r->signals[0].u.frames.names[4],
			    "VSIPConversionGetConnectionStat");
	assert_true(r->signals[0].weight == 0.7);
	assert_int_equal(r->signals[1].kind, CT_SIGNAL_FINDING);
	assert_string_equal(r->signals[1].u.finding.kind, "bad-pointer");
	assert_string_equal(r->signals[1].u.finding.type, "fqdn_node");
	assert_string_equal(r->signals[1].u.finding.member, "domain_list");
	assert_int_equal(r->version_count, 1);
	assert_string_equal(r->versions[0].product, "nsx");
	assert_int_equal(r->versions[0].scheme, CT_VERSION_NSX);
	assert_string_equal(r->versions[0].fact, "nsx.version");
	assert_int_equal(r->versions[0].line_count, 2);
	assert_string_equal(r->versions[0].lines[0].line, "4.2");
	assert_string_equal(r->versions[0].lines[0].introduced_in, "4.2.0");
	assert_string_equal(r->versions[0].lines[0].fixed_in, "4.2.3.3");
	assert_null(r->versions[0].lines[1].introduced_in);
	assert_int_equal(r->example_count, 1);
	assert_int_equal(r->counter_example_count, 1);

	r = ct_kb_find(kb, "test-double-restore");
	assert_non_null(r);
	const struct ct_log_signal *g = &r->signals[0].u.log;
	assert_string_equal(g->event, "dvfilter.restore");
	assert_int_equal(g->count, 2);
	assert_string_equal(g->same, "filter");
	assert_null(g->pattern.source);
	g = &r->signals[1].u.log;
	assert_null(g->event);
	assert_non_null(g->pattern.code);
	assert_int_equal(g->count, 1);
	assert_null(r->versions[0].lines[0].fixed_in);

	r = ct_kb_find(kb, "test-nofix-nic");
	assert_non_null(r);
	assert_true(r->threshold == 0.6);
	assert_true(r->signals[0].required);
	assert_int_equal(r->signals[1].u.fact.op, CT_FACT_IN);
	assert_int_equal(r->signals[1].u.fact.in_count, 2);
	assert_string_equal(r->signals[2].u.fact.key, "ethtool.*.tso");
	assert_int_equal(r->signals[2].u.fact.op, CT_FACT_EQUALS);
	assert_string_equal(r->signals[2].u.fact.equals, "on");
	assert_int_equal(r->signals[3].kind, CT_SIGNAL_PANIC);
	assert_non_null(r->signals[3].u.panic.message.code);
	assert_null(r->signals[3].u.panic.exception.source);
	ct_kb_destroy(kb);
	free(dir);
	free(path);
}

static void test_more_keys(void **state)
{
	(void)state;
	struct ct_rule *r = parse_ok(
		HEAD "threshold: 0.4\n"
		"signals:\n"
		"  - panic:\n"
		"      message: '@BlueScreen: .*Exception 14'\n"
		"      exception: '#PF'\n"
		"    weight: 0.1\n"
		"  - fact:\n"
		"      key: driver.i40en.version\n"
		"      matches: '^1\\.[0-6]\\.'\n"
		"    weight: 0.3\n"
		"    required: true\n"
		"  - fact:\n"
		"      key: nsx.version\n"
		"    weight: 0.1\n"
		"  - log:\n"
		"      event: i40en.mdd\n"
		"      pattern: 'TX queue (?<q>\\d+)'\n"
		"      same: q\n"
		"      count: 3\n"
		"    weight: 0.5\n"
		"versions: ~\n"
		"component: ~\n");
	assert_true(r->threshold == 0.4);
	assert_int_equal(r->signal_count, 4);
	assert_non_null(r->signals[0].u.panic.exception.code);
	assert_int_equal(r->signals[1].u.fact.op, CT_FACT_MATCHES);
	assert_true(r->signals[1].required);
	assert_int_equal(r->signals[2].u.fact.op, CT_FACT_PRESENT);
	assert_int_equal(r->signals[3].u.log.count, 3);
	assert_null(r->component);
	ct_rule_destroy(r);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		/* position and spelling hints */
		{ HEAD "wieght: 1\n" FRAMES,
		  "t.yaml:4:1: unknown key 'wieght' in a rule" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    wieght: 0.7\n",
		  "t.yaml:7:5: unknown key 'wieght' in signal (did you mean "
		  "'weight'?)" },
		{ HEAD "id: u\n" FRAMES, "t.yaml:4:1: duplicate key 'id'" },
		{ "title: T\nproduct: p\n" FRAMES, "t.yaml:1:1: id is required" },
		{ "id: Bad_ID\ntitle: T\nproduct: p\n" FRAMES,
		  "t.yaml:1:5: id 'Bad_ID' must be [a-z0-9-]+" },
		{ "id: t\nproduct: p\n" FRAMES, "title is required" },
		{ "id: t\ntitle: ''\nproduct: p\n" FRAMES,
		  "t.yaml:2:8: title is empty" },
		{ HEAD "references: x\n" FRAMES,
		  "t.yaml:4:13: references must be a list" },
		/* weights and thresholds */
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    weight: 0\n", "t.yaml:7:13: weight 0 is not in (0, 1]" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    weight: 1.5\n", "weight 1.5 is not in (0, 1]" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    weight: heavy\n", "weight must be a number, not 'heavy'" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    weight: '0.5'\n", "weight must be a number, not a quoted" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n",
		  "t.yaml:5:5: signal: weight is required" },
		{ HEAD "threshold: 0\n" FRAMES, "threshold 0 is not in (0, 1]" },
		{ HEAD "threshold: 0.9\n" FRAMES,
		  "the weights add up to 0.7, below the threshold 0.9" },
		{ HEAD "signals: []\n", "a rule needs at least one signal" },
		{ HEAD, "signals is required" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    weight: 0.7\n    required: yes\n",
		  "required must be true or false, not 'yes'" },
		/* signal kinds */
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "    log:\n      event: x\n    weight: 0.7\n",
		  "t.yaml:5:5: a signal is exactly one of frames, log" },
		{ HEAD "signals:\n  - weight: 0.7\n",
		  "a signal is exactly one of" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a, b]\n"
		  "      min: 3\n    weight: 0.7\n",
		  "t.yaml:7:12: frames: min 3 is more than the 2 names" },
		{ HEAD "signals:\n  - frames:\n      sequence: a\n"
		  "    weight: 0.7\n", "t.yaml:6:17: frames: sequence must be a list" },
		{ HEAD "signals:\n  - frames:\n      sequence: []\n"
		  "    weight: 0.7\n", "frames: sequence is empty" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "      within: 0\n    weight: 0.7\n",
		  "frames: within must be between 1 and" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "      max_gap: -1\n    weight: 0.7\n",
		  "frames: max_gap must be a whole number" },
		{ HEAD "signals:\n  - frames:\n      sequence: [a]\n"
		  "      seqence: [b]\n    weight: 0.7\n",
		  "unknown key 'seqence' in frames (did you mean 'sequence'?)" },
		{ HEAD "signals:\n  - log:\n      pattern: 'foo (bar'\n"
		  "    weight: 0.7\n",
		  "t.yaml:6:16: log: pattern: bad regular expression 'foo (bar' "
		  "at offset 8: missing closing parenthesis" },
		{ HEAD "signals:\n  - log:\n      pattern: 'foo (?<x>bar)'\n"
		  "      same: y\n    weight: 0.7\n",
		  "t.yaml:7:13: log: same: 'y' is no named group of the pattern" },
		{ HEAD "signals:\n  - log:\n      count: 2\n    weight: 0.7\n",
		  "log: give an event, a pattern or both" },
		{ HEAD "signals:\n  - log:\n      event: 'a b'\n    weight: 0.7\n",
		  "log: 'a b' is no event kind" },
		{ HEAD "signals:\n  - log:\n      event: x\n      count: 0\n"
		  "    weight: 0.7\n", "log: count must be between 1 and" },
		{ HEAD "signals:\n  - panic: {}\n    weight: 0.7\n",
		  "panic: give a message, an exception or both" },
		{ HEAD "signals:\n  - fact:\n      key: a\n      equals: b\n"
		  "      in: [c]\n    weight: 0.7\n",
		  "fact: give one of equals, matches and in" },
		{ HEAD "signals:\n  - fact:\n      equals: b\n    weight: 0.7\n",
		  "fact: key is required" },
		{ HEAD "signals:\n  - fact:\n      key: 'a b'\n    weight: 0.7\n",
		  "fact: 'a b' is no fact key" },
		{ HEAD "signals:\n  - fact:\n      key: a\n      in: []\n"
		  "    weight: 0.7\n", "fact: in is an empty list" },
		{ HEAD "signals:\n  - fact:\n      key: a\n      matches: '['\n"
		  "    weight: 0.7\n", "fact: matches: bad regular expression" },
		{ HEAD "signals:\n  - finding: {}\n    weight: 0.7\n",
		  "finding: give a kind, a type or a member" },
		{ HEAD "signals:\n  - finding: x\n    weight: 0.7\n",
		  "finding must be a mapping" },
		/* versions */
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nxs\n"
		  "    fact: nsx.version\n    lines:\n      - line: '4.2'\n",
		  "t.yaml:10:13: versions: unknown scheme 'nxs'" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    fact: nsx.version\n    lines:\n      - line: '4.2'\n"
		  "        fixed_in: 'banana'\n",
		  "t.yaml:14:19: fixed_in 'banana' is no nsx version" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    fact: nsx.version\n    lines:\n      - line: '4.2'\n"
		  "        fixed_in: 9.0.2\n",
		  "fixed_in '9.0.2' is on the '9.0' line, not on line '4.2'" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    fact: nsx.version\n    lines:\n      - line: '4.2'\n"
		  "        introduced_in: 4.2.3.3\n        fixed_in: 4.2.3.3\n",
		  "introduced_in '4.2.3.3' is not before fixed_in '4.2.3.3'" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    fact: nsx.version\n    lines:\n      - line: '4.2'\n"
		  "      - line: '4.2'\n", "versions: line '4.2' listed twice" },
		{ HEAD FRAMES "versions:\n  - product: i40en\n"
		  "    scheme: driver\n    fact: driver.i40en.version\n"
		  "    lines:\n      - line: '6.5'\n        fixed_in: 1.7.11\n",
		  "versions: scheme 'driver' has no release lines: write "
		  "line: \"*\"" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    fact: nsx.version\n    lines: []\n",
		  "versions: lines is empty" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    lines:\n      - line: '4.2'\n",
		  "versions: fact is required" },
		{ HEAD FRAMES "versions:\n  - product: nsx\n    scheme: nsx\n"
		  "    fact: nsx.version\n    lines:\n      - fixed_in: 4.2.3\n",
		  "versions: line is required" },
		{ HEAD FRAMES "versions: {}\n", "versions must be a list" },
		{ HEAD FRAMES "examples: [a, [b]]\n",
		  "examples must be a single value, not a list" },
		/* hostile YAML */
		{ "id: &x t\ntitle: *x\n", "t.yaml:2:8: YAML aliases are not "
		  "allowed" },
		{ HEAD FRAMES "---\n" HEAD FRAMES, "more than one YAML document" },
		{ "", "t.yaml:1:1: empty rule file" },
		{ "# only a comment\n", "empty rule file" },
		{ "- a\n- b\n", "a rule must be a mapping" },
		{ "just text\n", "a rule must be a mapping" },
		{ HEAD "title2: \"a\\0b\"\n", "value contains a NUL byte" },
		{ "id: t\ntitle: [unclosed\n", "t.yaml:3:1: YAML: did not find "
		  "expected ',' or ']'" },
		{ "id: t\n  bad: indent\n", "YAML: mapping values are not "
		  "allowed" },
		{ "? [a, b]\n: c\n", "keys of a rule must be plain names" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++)
		parse_bad(cases[i].text, cases[i].want);
}

static void test_nul_byte_file(void **state)
{
	(void)state;
	static const char text[] = "id: t\0\ntitle: T\n";
	struct ct_rule *r = NULL;
	struct ct_error *err = ct_rule_parse("t.yaml", text, sizeof(text) - 1,
					     &r);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "t.yaml:1:6: YAML: control "
			       "characters are not allowed"));
	assert_null(r);
	ct_error_destroy(err);
}

static void test_limits(void **state)
{
	(void)state;
	/* nesting */
	char deep[200];
	size_t n = 0;
	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	for (int i = 0; i < 40; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	parse_bad(deep, "nested deeper than 16 levels");
	/* size */
	size_t big = CT_RULE_MAX_FILE + 1;
	char *text = malloc(big);
	assert_non_null(text);
	memset(text, '#', big);
	struct ct_rule *r = NULL;
	struct ct_error *err = ct_rule_parse("t.yaml", text, big, &r);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "larger than"));
	ct_error_destroy(err);
	/* node count: a flow list of many items */
	size_t items = CT_RULE_MAX_NODES + 10;
	char *list = malloc(items * 2 + 16);
	assert_non_null(list);
	char *p = list;
	*p++ = '[';
	for (size_t i = 0; i < items; i++) {
		*p++ = 'a';
		*p++ = ',';
	}
	*p++ = ']';
	*p = '\0';
	parse_bad(list, "more than 20000 YAML nodes");
	free(list);
	free(text);
	/* sequence length */
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, HEAD "signals:\n  - frames:\n      sequence: [");
	for (int i = 0; i < CT_RULE_MAX_SEQUENCE + 1; i++)
		ct_strbuf_appendf(&sb, "%sf%d", i ? ", " : "", i);
	ct_strbuf_puts(&sb, "]\n    weight: 0.7\n");
	parse_bad(sb.buf, "frames: sequence has more than 32 items");
	ct_strbuf_deinit(&sb);
}

/* Anchors without aliases, flow style and comments are fine. */
static void test_yaml_styles(void **state)
{
	(void)state;
	struct ct_rule *r = parse_ok(
		"# comment\n{id: t, title: &a \"T\", product: p,\n"
		" signals: [{frames: {sequence: [x, y], min: 1}, weight: 0.6}],\n"
		" examples: [\"one\", 'two']}\n");
	assert_string_equal(r->title, "T");
	assert_int_equal(r->signals[0].u.frames.min, 1);
	assert_int_equal(r->example_count, 2);
	assert_int_equal(r->signals[0].line, 3);
	ct_rule_destroy(r);
}

static void test_regex_literal(void **state)
{
	(void)state;
	static const struct {
		const char *pattern, *literal;
	} cases[] = {
		{ "Restore state called for filter (?<f>\\S+)",
		  "Restore state called for filter " },
		{ "abc", "abc" },
		{ "ab?cdef", "cdef" },
		{ "abc+de", "abc" },
		{ "x{0,3}hello", "hello" },
		{ "x{2}hello", "hello" },
		{ "xy{2}", "xy" },
		{ "foo|barbaz", "" },
		{ "(?i)hello world", "" },
		{ "a\\.b\\(c", "a.b(c" },
		{ "\\d+ Malicious Driver\\s+Detection", " Malicious Driver" },
		{ "^@BlueScreen: .*Exception 14$", "@BlueScreen: " },
		{ "[abc]def(gh)*ijklmno", "ijklmno" },
		{ "\\Qa.b*c\\E+x", "a.b*c" },
		{ "\\Qa.b*c\\E?xy", "a.b*" },
		{ "(foo|bar)baz", "baz" },
		{ "", "" },
		{ "\\", "" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		char *lit = ct_regex_literal(cases[i].pattern);
		assert_non_null(lit);
		if (strcmp(lit, cases[i].literal) != 0)
			print_error("'%s': got '%s' want '%s'\n",
				    cases[i].pattern, lit, cases[i].literal);
		assert_string_equal(lit, cases[i].literal);
		free(lit);
	}
}

static void test_regex_search(void **state)
{
	(void)state;
	struct ct_regex re = { NULL, NULL };
	assert_null(ct_regex_compile(&re, "filter (?<f>nic-\\d+)"));
	assert_true(ct_regex_has_group(&re, "f"));
	assert_false(ct_regex_has_group(&re, "g"));
	const char *s = "Restore state called for filter nic-42 now";
	const char *v;
	size_t n;
	assert_true(ct_regex_search(&re, s, strlen(s), "f", &v, &n));
	assert_int_equal(n, 6);
	assert_memory_equal(v, "nic-42", 6);
	assert_false(ct_regex_search(&re, s, 10, NULL, NULL, NULL));
	/* a missing group gives NULL */
	assert_true(ct_regex_search(&re, s, strlen(s), "zz", &v, &n));
	assert_null(v);
	ct_regex_deinit(&re);
	/* catastrophic backtracking is cut off, not hung */
	assert_null(ct_regex_compile(&re, "^(a+)+$"));
	char evil[64];
	memset(evil, 'a', sizeof(evil) - 2);
	evil[sizeof(evil) - 2] = 'b';
	evil[sizeof(evil) - 1] = '\0';
	assert_false(ct_regex_search(&re, evil, strlen(evil), NULL, NULL,
				     NULL));
	ct_regex_deinit(&re);
	struct ct_error *err = ct_regex_compile(&re, "a(");
	assert_non_null(err);
	assert_null(re.source);
	ct_error_destroy(err);
}

static void test_dir_problems(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/ct-rules-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	static const struct {
		const char *name, *text;
	} files[] = {
		{ "a.yaml", "id: a\ntitle: A\nproduct: p\n" FRAMES },
		{ "b.yaml", "id: a\ntitle: B\nproduct: p\n" FRAMES },
		{ "c.yaml", "id: x\ntitle: C\nproduct: p\n" FRAMES },
		{ "d.yaml", "id: d\ntitle: D\nproduct: p\nwieght: 1\n" FRAMES },
		{ "notes.txt", "not a rule" },
	};
	char path[256];
	for (size_t i = 0; i < CT_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(files[i].text, f);
		fclose(f);
	}
	struct ct_kb *kb;
	struct ct_error **probs;
	size_t n;
	assert_null(ct_kb_load_dir(dir, &kb, &probs, &n));
	assert_int_equal(kb->count, 1);
	assert_string_equal(kb->rules[0]->id, "a");
	assert_int_equal(n, 3);
	assert_non_null(strstr(probs[0]->message, "b.yaml: id 'a' does not "
			       "match the file name (want a.yaml)"));
	assert_non_null(strstr(probs[1]->message, "c.yaml: id 'x' does not "
			       "match the file name (want x.yaml)"));
	assert_non_null(strstr(probs[2]->message, "d.yaml:4:1: unknown key"));
	ct_kb_problems_free(probs, n);
	/* the same id twice: the second rule is refused, the caller keeps it */
	struct ct_rule *dup;
	const char *text = "id: a\ntitle: A2\nproduct: p\n" FRAMES;
	assert_null(ct_rule_parse("other.yaml", text, strlen(text), &dup));
	struct ct_error *derr = ct_kb_add_rule(kb, dup);
	assert_non_null(derr);
	assert_non_null(strstr(derr->message, "other.yaml: duplicate id 'a' "
			       "(also in "));
	assert_non_null(strstr(derr->message, "a.yaml)"));
	ct_error_destroy(derr);
	ct_rule_destroy(dup);
	assert_int_equal(kb->count, 1);
	ct_kb_destroy(kb);
	/* problems may be ignored */
	assert_null(ct_kb_load_dir(dir, &kb, NULL, NULL));
	assert_int_equal(kb->count, 1);
	ct_kb_destroy(kb);
	for (size_t i = 0; i < CT_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		unlink(path);
	}
	rmdir(dir);
	struct ct_error *err = ct_kb_load_dir("/nonexistent/rules", &kb, NULL,
					      NULL);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_OS);
	ct_error_destroy(err);
}

/* ct_rule_finish() is the SQLite path's validation. */
static void test_finish(void **state)
{
	(void)state;
	struct ct_rule *r = parse_ok(HEAD FRAMES);
	assert_null(ct_rule_finish(r));
	/* a pattern whose source is set but not compiled gets compiled */
	struct ct_rule *g = parse_ok(HEAD "signals:\n  - log:\n"
				     "      pattern: 'x(?<a>y)'\n"
				     "    weight: 0.6\n");
	struct ct_regex *re = &g->signals[0].u.log.pattern;
	ct_regex_deinit(re);
	re->source = strdup("bad(");
	struct ct_error *err = ct_rule_finish(g);
	assert_non_null(err);
	assert_string_equal(err->message, "t.yaml:5: log: pattern: bad regular "
			    "expression 'bad(' at offset 4: missing closing "
			    "parenthesis");
	ct_error_destroy(err);
	free(re->source);
	re->source = strdup("x(?<a>y)");
	assert_null(ct_rule_finish(g));
	assert_non_null(re->code);
	/* threshold and weights are checked again */
	r->threshold = 2;
	err = ct_rule_finish(r);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "threshold 2 is not in"));
	ct_error_destroy(err);
	ct_rule_destroy(r);
	ct_rule_destroy(g);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(ct_rule_id_is_valid("esxi-nsx-fqdn-domain-list"));
	assert_false(ct_rule_id_is_valid(""));
	assert_false(ct_rule_id_is_valid("A"));
	assert_false(ct_rule_id_is_valid("a b"));
	assert_string_equal(ct_signal_kind_name(CT_SIGNAL_LOG), "log");
	assert_string_equal(ct_signal_kind_name(CT_SIGNAL_KIND_MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_more_keys),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_byte_file),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_yaml_styles),
		cmocka_unit_test(test_regex_literal),
		cmocka_unit_test(test_regex_search),
		cmocka_unit_test(test_dir_problems),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
