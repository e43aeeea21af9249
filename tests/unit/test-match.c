/* SPDX-License-Identifier: MIT */
/*
 * test-match.c - the matcher (rules/match.c) and the compiled knowledge
 * base (db/kb.c): each signal kind positive and negative, partial credit,
 * every verdict, sorting and the candidate cap, the index against a full
 * scan, and the embedded rules against the same rules read back from
 * SQLite (identical matches), schema migration and full-text search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "db/kb.h"
#include "rules/match.h"

/* ---- building cases by hand ---------------------------------------------- */

static struct ct_case *new_case(void)
{
	struct ct_case *c;
	assert_null(ct_case_create("test", &c));
	return c;
}

/* Add a backtrace; a name starting with '!' is generic, '?' unreliable. */
static void add_bt(struct ct_case *c, bool crashing, const char *const *names,
		   size_t n)
{
	struct ct_backtrace *bt;
	assert_null(ct_case_add_backtrace(c, "bt", (struct ct_origin){ "t", 1 },
					  &bt));
	bt->crashing = crashing;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		struct ct_frame f = { .reliable = true, .number = (int)i };
		if (name[0] == '!') {
			f.generic = true;
			name++;
		} else if (name[0] == '?') {
			f.reliable = false;
			name++;
		}
		f.function = (char *)name;
		assert_null(ct_backtrace_add_frame(bt, &f));
	}
}
#define ADD_BT(c, crashing, ...)                                            \
	do {                                                                 \
		static const char *const names_[] = { __VA_ARGS__ };         \
		add_bt(c, crashing, names_, CT_ARRAY_SIZE(names_));          \
	} while (0)

static struct ct_event *add_event(struct ct_case *c, const char *kind,
				  const char *text, unsigned long line)
{
	struct ct_event *ev;
	assert_null(ct_case_add_event(c, kind, NULL, text,
				      (struct ct_origin){ "vmkernel.log", line },
				      &ev));
	return ev;
}

static void add_restore(struct ct_case *c, const char *filter,
			unsigned long line)
{
	char text[256];
	snprintf(text, sizeof(text), "Restore state called for filter %s",
		 filter);
	struct ct_event *ev = add_event(c, "dvfilter.restore", text, line);
	assert_null(ct_event_add_field(c, ev, "filter", filter));
}

static void add_fact(struct ct_case *c, const char *key, const char *value)
{
	assert_null(ct_case_add_fact(c, key, value,
				     (struct ct_origin){ "facts", 1 }));
}

static struct ct_case *fqdn_case(void)
{
	struct ct_case *c = new_case();
	ADD_BT(c, true, "memscan", "strlen", "pfa_get_counts", "pfioctl",
	       "VSIPConversionGetConnectionStat", "VSIPToPFIoctl");
	return c;
}

/* ---- rules ---------------------------------------------------------------- */

static char *data_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *p;
	if (asprintf(&p, "%s/tests/data/rules%s%s", top ? top : ".",
		     name ? "/" : "", name ? name : "") < 0)
		return NULL;
	return p;
}

static struct ct_kb *test_kb(void)
{
	char *dir = data_path(NULL);
	struct ct_kb *kb;
	struct ct_error **probs;
	size_t n;
	assert_null(ct_kb_load_dir(dir, &kb, &probs, &n));
	assert_int_equal(n, 0);
	ct_kb_problems_free(probs, n);
	free(dir);
	return kb;
}

static const struct ct_rule *test_rule(const struct ct_kb *kb, const char *id)
{
	const struct ct_rule *r = ct_kb_find(kb, id);
	assert_non_null(r);
	return r;
}

static struct ct_rule *inline_rule(const char *yaml)
{
	struct ct_rule *r;
	struct ct_error *err = ct_rule_parse("inline.yaml", yaml, strlen(yaml),
					     &r);
	if (err)
		print_error("%s\n", err->message);
	assert_null(err);
	return r;
}

/* Evaluate; the caller deinits *m. */
static void eval(const struct ct_rule *r, const struct ct_case *c,
		 struct ct_match *m, bool *listed)
{
	assert_null(ct_rule_evaluate(r, c, m, listed));
}

static bool has_why(const struct ct_match *m, const char *want)
{
	for (size_t i = 0; i < m->why_count; i++)
		if (strcmp(m->why[i], want) == 0)
			return true;
	print_error("no why '%s' among:\n", want);
	for (size_t i = 0; i < m->why_count; i++)
		print_error("  '%s'\n", m->why[i]);
	return false;
}

static bool near(double a, double b)
{
	return a > b - 1e-6 && a < b + 1e-6;
}

/* ---- frames --------------------------------------------------------------- */

static void test_frames_full(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	struct ct_case *c = fqdn_case();
	struct ct_match m;
	bool listed;
	eval(test_rule(kb, "test-fqdn-frames"), c, &m, &listed);
	assert_true(near(m.score, 0.7));
	assert_true(m.passes);
	assert_true(listed);
	assert_true(has_why(&m, "frames #0-#4 match in order: memscan strlen "
			    "pfa_get_counts pfioctl "
			    "VSIPConversionGetConnectionStat"));
	assert_string_equal(m.id, "test-fqdn-frames");
	assert_string_equal(m.workaround, "Use L4 rules.");
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

static void test_frames_partial(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-fqdn-frames");
	struct ct_match m;
	bool listed;
	/* 3 of 5 with a one-frame gap: 0.7 * 3/5 */
	struct ct_case *c = new_case();
	ADD_BT(c, true, "memscan", "other", "pfa_get_counts", "pfioctl",
	       "x", "y");
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.42));
	assert_false(m.passes);
	assert_true(listed);
	assert_true(has_why(&m, "frames #0, #2-#3 match 3 of 5 names in "
			    "order: memscan pfa_get_counts pfioctl"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* 4 of 5: a name of the sequence is skipped (inlined away) */
	c = new_case();
	ADD_BT(c, true, "memscan", "pfa_get_counts", "pfioctl",
	       "VSIPConversionGetConnectionStat");
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.56));
	assert_true(m.passes);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

static void test_frames_negative(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-fqdn-frames");
	static const char *const cases[][7] = {
		/* below min: only 2 names */
		{ "memscan", "strlen", "a", "b", "c", NULL },
		/* first match beyond within (3) */
		{ "a", "b", "c", "memscan", "strlen", "pfa_get_counts",
		  NULL },
		/* gap of 3 > max_gap 2 breaks the chain */
		{ "memscan", "a", "b", "c", "strlen", "pfa_get_counts", NULL },
		/* reversed */
		{ "pfioctl", "pfa_get_counts", "strlen", "memscan", NULL },
		/* unrelated crash */
		{ "DLM_free", "Heap_Free", "vmk_HeapFree", NULL },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		struct ct_case *c = new_case();
		size_t n = 0;
		while (cases[i][n])
			n++;
		add_bt(c, true, cases[i], n);
		struct ct_match m;
		bool listed;
		eval(r, c, &m, &listed);
		if (m.score != 0)
			print_error("case %zu scored %f\n", i, m.score);
		assert_true(m.score == 0);
		assert_false(m.passes);
		assert_false(listed);
		ct_match_deinit(&m);
		ct_case_destroy(c);
	}
	ct_kb_destroy(kb);
}

/* Generic and unreliable frames do not count; numbers stay as printed;
 * a backtrace that did not crash is not looked at. */
static void test_frames_counted(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-fqdn-frames");
	struct ct_case *c = new_case();
	ADD_BT(c, false, "memscan", "strlen", "pfa_get_counts");
	ADD_BT(c, true, "!Panic_vPanic", "?junk", "memscan", "strlen",
	       "pfa_get_counts", "?x", "pfioctl");
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.7 * 4 / 5));
	assert_true(has_why(&m, "frames #2-#4, #6 match 4 of 5 names in "
			    "order: memscan strlen pfa_get_counts pfioctl"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* the non-crashing backtrace alone is not enough */
	c = new_case();
	ADD_BT(c, false, "memscan", "strlen", "pfa_get_counts");
	ADD_BT(c, true, "other", "frames");
	eval(r, c, &m, &listed);
	assert_true(m.score == 0);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* without any crashing backtrace, the first one is used */
	c = new_case();
	ADD_BT(c, false, "memscan", "strlen", "pfa_get_counts");
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.42));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

/* ---- log ------------------------------------------------------------------ */

static void test_log_same(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-double-restore");
	struct ct_case *c = new_case();
	add_restore(c, "nic-1-eth0-vmware-sfw.2", 10);
	add_event(c, "dvfilter.import", "Importing nic-1-eth0-vmware-sfw.2",
		  11);
	add_restore(c, "nic-1-eth0-vmware-sfw.2", 12);
	add_event(c, "dvfilter.unconfigured",
		  "Unconfigured filter nic-1-eth0-vmware-sfw.2", 13);
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.8));
	assert_true(m.passes);
	assert_true(has_why(&m, "dvfilter.restore for filter "
			    "nic-1-eth0-vmware-sfw.2 seen 2 times (lines 10, "
			    "12)"));
	assert_true(has_why(&m, "log 'Unconfigured filter "
			    "(?<name>nic-\\d+-eth\\d+-\\S+)' seen 1 time "
			    "(line 13)"));
	ct_match_deinit(&m);
	ct_case_destroy(c);

	/* two different filters: each seen once, half the count */
	c = new_case();
	add_restore(c, "nic-1-eth0-vmware-sfw.2", 10);
	add_restore(c, "nic-2-eth0-vmware-sfw.2", 12);
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.3));
	assert_false(m.passes);
	assert_true(has_why(&m, "dvfilter.restore for filter "
			    "nic-1-eth0-vmware-sfw.2 seen 1 time (2 needed) "
			    "(line 10)"));
	ct_match_deinit(&m);
	ct_case_destroy(c);

	/* no events at all */
	c = new_case();
	eval(r, c, &m, &listed);
	assert_true(m.score == 0);
	assert_false(listed);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

/* same: a named capture of the pattern; count over many lines. */
static void test_log_pattern_capture(void **state)
{
	(void)state;
	struct ct_rule *r = inline_rule(
		"id: t\ntitle: T\nproduct: p\nsignals:\n"
		"  - log:\n"
		"      event: i40en.mdd\n"
		"      pattern: 'on (?<dir>TX|RX) queue (?<queue>\\d+)'\n"
		"      count: 3\n"
		"      same: queue\n"
		"    weight: 0.6\n");
	struct ct_case *c = new_case();
	static const char *const texts[] = {
		"Malicious Driver Detection event 0x02 on TX queue 0 PF number 0x01",
		"Malicious Driver Detection event 0x02 on TX queue 5 PF number 0x01",
		"Malicious Driver Detection event 0x02 on TX queue 0 PF number 0x01",
		"Malicious Driver Detection event 0x02 on RX queue 0 PF number 0x01",
		"Something else",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(texts); i++)
		add_event(c, "i40en.mdd", texts[i], 20 + i);
	add_event(c, "i40en.pf_reset", "on TX queue 0", 30);
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.6));
	assert_true(has_why(&m, "i40en.mdd for queue 0 seen 3 times (lines "
			    "20, 22, 23)"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_rule_destroy(r);
}

/* ---- panic, facts, findings, required ------------------------------------- */

static void test_panic(void **state)
{
	(void)state;
	struct ct_rule *r = inline_rule(
		"id: t\ntitle: T\nproduct: p\nsignals:\n"
		"  - panic:\n"
		"      message: 'Exception 14'\n"
		"      exception: '^#PF$'\n"
		"    weight: 0.6\n");
	struct ct_case *c = new_case();
	struct ct_panic p = { .kind = (char *)"PSOD",
			      .message = (char *)"#PF Exception 14 in world 1",
			      .exception = (char *)"#PF" };
	assert_null(ct_case_set_panic(c, &p));
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.6));
	assert_true(listed);
	assert_true(has_why(&m, "panic message '#PF Exception 14 in world 1' "
			    "matches; exception '#PF' matches"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* half: the message matches, the exception does not */
	c = new_case();
	p.exception = (char *)"#GP";
	assert_null(ct_case_set_panic(c, &p));
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.3));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* no panic */
	c = new_case();
	eval(r, c, &m, &listed);
	assert_true(m.score == 0);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_rule_destroy(r);
}

static void test_facts(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-nofix-nic");
	struct ct_case *c = new_case();
	add_event(c, "e1000e.hw_unit_hang",
		  "e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:", 5);
	add_fact(c, "nic.pci_id", "8086:10d3");
	add_fact(c, "nic.pci_id", "8086:153a");	/* facts may repeat */
	add_fact(c, "ethtool.eno1.tso", "on");
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.8));
	assert_true(m.passes);
	assert_true(has_why(&m, "nic.pci_id is 8086:153a"));
	assert_true(has_why(&m, "ethtool.eno1.tso is on"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* the glob does not match another feature, in does not match */
	c = new_case();
	add_event(c, "e1000e.hw_unit_hang", "Detected Hardware Unit Hang", 5);
	add_fact(c, "nic.pci_id", "8086:10d3");
	add_fact(c, "ethtool.eno1.gso", "on");
	add_fact(c, "ethtool.eno1.tso", "off");
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.4));
	assert_false(m.passes);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);

	struct ct_rule *rm = inline_rule(
		"id: t\ntitle: T\nproduct: p\nsignals:\n"
		"  - fact:\n      key: driver.i40en.version\n"
		"      matches: '^1\\.[0-6]\\.'\n    weight: 0.5\n"
		"  - fact:\n      key: nsx.version\n    weight: 0.5\n");
	c = new_case();
	add_fact(c, "driver.i40en.version", "1.5.8");
	add_fact(c, "nsx.version", "4.2.1.0");
	eval(rm, c, &m, &listed);
	assert_true(near(m.score, 1.0));
	/* facts alone, but reaching the threshold: listed */
	assert_true(listed);
	assert_true(has_why(&m, "driver.i40en.version is 1.5.8"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	c = new_case();
	add_fact(c, "driver.i40en.version", "1.7.11");
	eval(rm, c, &m, &listed);
	assert_true(m.score == 0);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_rule_destroy(rm);
}

/* A lone context fact does not make a candidate. */
static void test_fact_alone_not_listed(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	struct ct_case *c = new_case();
	add_fact(c, "nic.pci_id", "8086:153a");
	struct ct_match m;
	bool listed;
	eval(test_rule(kb, "test-nofix-nic"), c, &m, &listed);
	assert_true(near(m.score, 0.2));
	assert_false(listed);
	ct_match_deinit(&m);
	assert_null(ct_kb_match(kb, c));
	assert_int_equal(c->match_count, 0);
	assert_false(c->known);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

static void test_required(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	struct ct_case *c = new_case();
	struct ct_panic p = { .message = (char *)"Detected Unit Hang" };
	assert_null(ct_case_set_panic(c, &p));
	add_fact(c, "nic.pci_id", "8086:153a");
	add_fact(c, "ethtool.eno1.tso", "on");
	struct ct_match m;
	bool listed;
	eval(test_rule(kb, "test-nofix-nic"), c, &m, &listed);
	assert_true(near(m.score, 0.6));	/* reaches 0.6 ... */
	assert_false(m.passes);			/* ... but the log is required */
	assert_true(listed);
	assert_true(has_why(&m, "required signal not seen: log Detected "
			    "Hardware Unit Hang"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

static void test_findings(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-fqdn-frames");
	struct ct_case *c = fqdn_case();
	struct ct_finding f = { .kind = (char *)"bad-pointer",
				.type = (char *)"fqdn_node",
				.member = (char *)"domain_list",
				.reason = (char *)"tqh_first is not mapped",
				.element = -1 };
	assert_null(ct_case_add_finding(c, &f));
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 1.0));
	assert_true(has_why(&m, "finding bad-pointer in fqdn_node.domain_list: "
			    "tqh_first is not mapped"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* another member does not count; a finding alone is listed */
	c = new_case();
	f.member = (char *)"name";
	assert_null(ct_case_add_finding(c, &f));
	f.member = (char *)"domain_list";
	f.type = (char *)"other_node";
	assert_null(ct_case_add_finding(c, &f));
	eval(r, c, &m, &listed);
	assert_true(m.score == 0);
	ct_match_deinit(&m);
	f.type = (char *)"fqdn_node";
	assert_null(ct_case_add_finding(c, &f));
	eval(r, c, &m, &listed);
	assert_true(near(m.score, 0.3));
	assert_true(listed);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

/* ---- verdicts ------------------------------------------------------------- */

/* Verdict of the fqdn rule (two NSX lines) for nsx.version values. */
static void fqdn_verdict(const struct ct_kb *kb, const char *const *versions,
			 size_t n, const char *verdict, const char *why)
{
	struct ct_case *c = fqdn_case();
	for (size_t i = 0; i < n; i++)
		add_fact(c, "nsx.version", versions[i]);
	struct ct_match m;
	bool listed;
	eval(test_rule(kb, "test-fqdn-frames"), c, &m, &listed);
	if (strcmp(m.verdict, verdict) != 0)
		print_error("%s: got %s\n", n ? versions[0] : "(none)",
			    m.verdict);
	assert_string_equal(m.verdict, verdict);
	assert_string_equal(m.fixed_in,
			    "NSX 4.2.3.3 (4.2 line); NSX 9.0.2 (9.0 line)");
	assert_true(has_why(&m, why));
	ct_match_deinit(&m);
	ct_case_destroy(c);
}

#define VERDICT(kb, verdict, why, ...)                                      \
	do {                                                                 \
		static const char *const v_[] = { __VA_ARGS__ };             \
		fqdn_verdict(kb, v_, CT_ARRAY_SIZE(v_), verdict, why);       \
	} while (0)

static void test_verdict_affected(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	VERDICT(kb, "affected", "nsx.version 4.2.1.0 is below the fix 4.2.3.3 "
		"on the 4.2 line", "4.2.1.0");
	VERDICT(kb, "affected", "nsx.version 4.2.1 is below the fix 4.2.3.3 "
		"on the 4.2 line", "4.2.1");
	VERDICT(kb, "affected", "nsx.version 9.0.1 is below the fix 9.0.2 on "
		"the 9.0 line", "9.0.1");
	/* several installed values: affected wins */
	VERDICT(kb, "affected", "nsx.version 4.2.1.0 is below the fix 4.2.3.3 "
		"on the 4.2 line", "4.2.3.3", "4.2.1.0");
	ct_kb_destroy(kb);
}

static void test_verdict_fixed(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	VERDICT(kb, "fixed", "nsx.version 4.2.3.3 is at or above the fix "
		"4.2.3.3 on the 4.2 line: suspect a regression or a look-alike",
		"4.2.3.3");
	/* 4.2.3.3 shipped after 9.0.2, but lines are never compared */
	VERDICT(kb, "fixed", "nsx.version 9.0.2 is at or above the fix 9.0.2 on "
		"the 9.0 line: suspect a regression or a look-alike", "9.0.2");
	VERDICT(kb, "fixed", "nsx.version 4.2.4.0 is at or above the fix "
		"4.2.3.3 on the 4.2 line: suspect a regression or a look-alike",
		"4.2.4.0");
	ct_kb_destroy(kb);
}

static void test_verdict_unknown(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	/* no version in the evidence */
	struct ct_case *c = fqdn_case();
	struct ct_match m;
	bool listed;
	eval(test_rule(kb, "test-fqdn-frames"), c, &m, &listed);
	assert_string_equal(m.verdict, "version-unknown");
	assert_true(has_why(&m, "no nsx.version in the evidence"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* a release line the rule does not list: no guess across lines */
	VERDICT(kb, "version-unknown", "nsx.version 3.2.1 is on the 3.2 line, "
		"which this rule does not list (it lists 4.2, 9.0): no verdict "
		"across release lines", "3.2.1");
	VERDICT(kb, "version-unknown", "nsx.version 'garbage' is no nsx "
		"version I can read", "garbage");
	/* the case gets a note about the unlisted line */
	c = fqdn_case();
	add_fact(c, "nsx.version", "3.2.1");
	assert_null(ct_kb_match(kb, c));
	assert_true(c->known);
	assert_int_equal(c->note_count, 1);
	assert_string_equal(c->notes[0], "test-fqdn-frames: nsx.version 3.2.1 "
			    "is on the 3.2 line, which this rule does not list "
			    "(it lists 4.2, 9.0): no verdict across release "
			    "lines");
	ct_case_destroy(c);
	ct_kb_destroy(kb);
}

static void test_verdict_no_fix(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	struct ct_case *c = new_case();
	add_event(c, "e1000e.hw_unit_hang", "Detected Hardware Unit Hang", 5);
	add_fact(c, "nic.pci_id", "8086:153a");
	add_fact(c, "linux.upstream", "6.8.12");
	struct ct_match m;
	bool listed;
	eval(test_rule(kb, "test-nofix-nic"), c, &m, &listed);
	assert_true(m.passes);
	assert_string_equal(m.verdict, "affected");
	assert_null(m.fixed_in);
	assert_true(has_why(&m, "no fixed version is known: workaround only"));
	assert_string_equal(m.workaround, "ethtool --features IFACE tso off");
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* also without any version fact */
	c = new_case();
	add_event(c, "e1000e.hw_unit_hang", "Detected Hardware Unit Hang", 5);
	add_fact(c, "nic.pci_id", "8086:153a");
	eval(test_rule(kb, "test-nofix-nic"), c, &m, &listed);
	assert_string_equal(m.verdict, "affected");
	assert_null(m.fixed_in);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* a rule without versions at all */
	struct ct_rule *r = inline_rule("id: t\ntitle: T\nproduct: p\n"
					"signals:\n  - frames:\n"
					"      sequence: [memscan]\n"
					"    weight: 0.6\n");
	c = fqdn_case();
	eval(r, c, &m, &listed);
	assert_string_equal(m.verdict, "affected");
	assert_null(m.fixed_in);
	assert_null(m.workaround);
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_rule_destroy(r);
	ct_kb_destroy(kb);
}

/* "fix: unknown": a fix exists but its version is not public. */
static void test_verdict_fix_unknown(void **state)
{
	(void)state;
	struct ct_rule *r = inline_rule("id: t\ntitle: T\nproduct: p\n"
					"fix: unknown\n"
					"signals:\n  - frames:\n"
					"      sequence: [memscan]\n"
					"    weight: 0.6\n");
	assert_true(r->fix_unknown);
	struct ct_case *c = fqdn_case();
	struct ct_match m;
	bool listed;
	eval(r, c, &m, &listed);
	assert_true(m.passes);
	assert_string_equal(m.verdict, "version-unknown");
	assert_null(m.fixed_in);
	assert_true(has_why(&m, "a fix exists but no public version names it: "
			    "check the vendor's release notes"));
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_rule_destroy(r);
	struct ct_rule *bad;
	const char *yaml = "id: t\ntitle: T\nproduct: p\nfix: maybe\n"
			   "signals:\n  - frames:\n      sequence: [a]\n"
			   "    weight: 0.6\n";
	struct ct_error *err = ct_rule_parse("bad.yaml", yaml, strlen(yaml),
					     &bad);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "fix must be 'none' or 'unknown'"));
	ct_error_destroy(err);
}

/* ESXi lines: one without a fix, one with; introduced_in. */
static void test_verdict_lines(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	const struct ct_rule *r = test_rule(kb, "test-double-restore");
	static const struct {
		const char *version, *verdict, *why;
	} cases[] = {
		{ "8.0.3", "affected", "esxi.version 8.0.3 has no fix on the "
		  "8.0 line" },
		{ "9.0.0", "affected", "esxi.version 9.0.0 is below the fix "
		  "9.0.1 on the 9.0 line" },
		{ "9.0.1", "fixed", "esxi.version 9.0.1 is at or above the "
		  "fix 9.0.1 on the 9.0 line: suspect a regression or a "
		  "look-alike" },
		{ "7.0.3", "version-unknown", "esxi.version 7.0.3 is on the "
		  "7.0 line, which this rule does not list (it lists 8.0, "
		  "9.0): no verdict across release lines" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		struct ct_case *c = new_case();
		add_restore(c, "f.1", 1);
		add_restore(c, "f.1", 2);
		add_fact(c, "esxi.version", cases[i].version);
		struct ct_match m;
		bool listed;
		eval(r, c, &m, &listed);
		assert_string_equal(m.verdict, cases[i].verdict);
		assert_string_equal(m.fixed_in, "ESXi 9.0.1 (9.0 line)");
		assert_true(has_why(&m, cases[i].why));
		ct_match_deinit(&m);
		ct_case_destroy(c);
	}
	ct_kb_destroy(kb);

	struct ct_rule *ri = inline_rule(
		"id: t\ntitle: T\nproduct: p\nsignals:\n  - frames:\n"
		"      sequence: [memscan]\n    weight: 0.6\n"
		"versions:\n  - product: nsx\n    scheme: nsx\n"
		"    fact: nsx.version\n    lines:\n"
		"      - line: '4.2'\n        introduced_in: 4.2.1\n"
		"        fixed_in: 4.2.3.3\n"
		"  - product: i40en\n    scheme: driver\n"
		"    fact: driver.i40en.version\n    lines:\n"
		"      - line: '*'\n        fixed_in: 1.7.11\n");
	struct ct_case *c = fqdn_case();
	add_fact(c, "nsx.version", "4.2.0.5");
	struct ct_match m;
	bool listed;
	eval(ri, c, &m, &listed);
	assert_string_equal(m.verdict, "fixed");
	assert_true(has_why(&m, "nsx.version 4.2.0.5 predates 4.2.1, where the "
			    "issue appeared on the 4.2 line: suspect a "
			    "look-alike; no driver.i40en.version in the "
			    "evidence"));
	assert_string_equal(m.fixed_in, "NSX 4.2.3.3 (4.2 line); i40en 1.7.11");
	ct_match_deinit(&m);
	ct_case_destroy(c);
	/* two products: one affected and one unknown gives affected */
	c = fqdn_case();
	add_fact(c, "driver.i40en.version", "1.5.8");
	eval(ri, c, &m, &listed);
	assert_string_equal(m.verdict, "affected");
	assert_true(has_why(&m, "no nsx.version in the evidence; "
			    "driver.i40en.version 1.5.8 is below the fix "
			    "1.7.11"));
	ct_match_deinit(&m);
	/* one product fixed is enough */
	add_fact(c, "nsx.version", "4.2.3.3");
	eval(ri, c, &m, &listed);
	assert_string_equal(m.verdict, "fixed");
	ct_match_deinit(&m);
	ct_case_destroy(c);
	ct_rule_destroy(ri);
}

/* ---- the whole knowledge base --------------------------------------------- */

static struct ct_kb *weights_kb(void)
{
	struct ct_kb *kb;
	assert_null(ct_kb_create("weights", &kb));
	for (int i = 1; i <= 7; i++) {
		char yaml[512];
		snprintf(yaml, sizeof(yaml),
			 "id: w%d\ntitle: W%d\nproduct: p\n"
			 "threshold: 0.35\nsignals:\n  - frames:\n"
			 "      sequence: [memscan]\n    weight: 0.%d\n"
			 "  - fact:\n      key: need.me\n    weight: 0.9\n"
			 "    required: %s\n", i, i, i,
			 i == 7 ? "true" : "false");
		assert_null(ct_kb_add_rule(kb, inline_rule(yaml)));
	}
	return kb;
}

static void test_sorting_and_cap(void **state)
{
	(void)state;
	struct ct_kb *kb = weights_kb();
	struct ct_case *c = fqdn_case();
	assert_null(ct_kb_match(kb, c));
	assert_int_equal(c->match_count, CT_KB_MAX_MATCHES);
	/* w7 scores most but misses its required fact: passing ones first */
	assert_string_equal(c->matches[0].id, "w6");
	assert_string_equal(c->matches[1].id, "w5");
	assert_string_equal(c->matches[2].id, "w4");
	assert_string_equal(c->matches[3].id, "w7");
	assert_false(c->matches[3].passes);
	assert_string_equal(c->matches[4].id, "w3");
	assert_false(c->matches[4].passes);
	assert_true(c->known);
	/* matching again replaces the matches */
	assert_null(ct_kb_match(kb, c));
	assert_int_equal(c->match_count, CT_KB_MAX_MATCHES);
	ct_case_destroy(c);
	/* nothing passes: unknown, nearest still listed */
	c = new_case();
	ADD_BT(c, true, "a", "memscan");
	struct ct_kb *one;
	assert_null(ct_kb_create("one", &one));
	assert_null(ct_kb_add_rule(one, inline_rule(
		"id: x\ntitle: X\nproduct: p\nsignals:\n  - frames:\n"
		"      sequence: [memscan, strlen]\n      min: 1\n"
		"    weight: 0.9\n")));
	assert_null(ct_kb_match(one, c));
	assert_int_equal(c->match_count, 1);
	assert_true(near(c->matches[0].score, 0.45));
	assert_false(c->known);
	ct_case_destroy(c);
	ct_kb_destroy(one);
	ct_kb_destroy(kb);
}

/* Every case a test here or the KB's own examples can offer. */
static struct ct_case **sample_cases(const struct ct_kb *kb, size_t *ret_n)
{
	struct ct_case **cases = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < kb->count; i++) {
		const struct ct_rule *r = kb->rules[i];
		for (int counter = 0; counter < 2; counter++) {
			char **list = counter ? r->counter_examples
					      : r->examples;
			size_t count = counter ? r->counter_example_count
					       : r->example_count;
			for (size_t j = 0; j < count; j++) {
				struct ct_case *c;
				assert_null(ct_analyze_buffer(
					"example", list[j], strlen(list[j]),
					&c));
				assert_true(ct_grow((void **)&cases, &cap,
						    n + 1, sizeof(*cases)));
				cases[n++] = c;
			}
		}
	}
	/* the seeds too, when they are around */
	const char *top = getenv("top_srcdir");
	for (int s = 0; s < 4 && top; s++) {
		static const char *const seeds[] = {
			"000_32af8d738af67b81.txt", "001_f33d63936764796f.txt",
			"002_942c7e61156a7fc7.txt", "003_9f4b66f313771443.txt",
		};
		char *path;
		assert_true(asprintf(&path, "%s/../shared/seeds/%s", top,
				     seeds[s]) > 0);
		struct ct_case *c;
		if (access(path, R_OK) == 0 && !ct_analyze_path(path, &c)) {
			assert_true(ct_grow((void **)&cases, &cap, n + 1,
					    sizeof(*cases)));
			cases[n++] = c;
		}
		free(path);
	}
	*ret_n = n;
	return cases;
}

static void free_cases(struct ct_case **cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ct_case_destroy(cases[i]);
	free(cases);
}

static void assert_same_matches(const struct ct_case *a,
				const struct ct_case *b)
{
	assert_int_equal(a->match_count, b->match_count);
	assert_int_equal(a->known, b->known);
	for (size_t i = 0; i < a->match_count; i++) {
		const struct ct_match *x = &a->matches[i], *y = &b->matches[i];
		assert_string_equal(x->id, y->id);
		assert_true(x->score == y->score);
		assert_int_equal(x->passes, y->passes);
		assert_string_equal(x->verdict, y->verdict);
		assert_true(!x->fixed_in == !y->fixed_in);
		if (x->fixed_in)
			assert_string_equal(x->fixed_in, y->fixed_in);
		assert_int_equal(x->why_count, y->why_count);
		for (size_t j = 0; j < x->why_count; j++)
			assert_string_equal(x->why[j], y->why[j]);
	}
}

/* Match the sample cases of src with kb a and with kb b (each on its own
 * copy of the cases): identical results.  Returns how many matched. */
static size_t compare_kbs(const struct ct_kb *a, const struct ct_kb *b,
			  const struct ct_kb *src)
{
	size_t n, m, matched = 0;
	struct ct_case **ca = sample_cases(src, &n);
	struct ct_case **cb = sample_cases(src, &m);
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++) {
		assert_null(ct_kb_match(a, ca[i]));
		assert_null(ct_kb_match(b, cb[i]));
		assert_same_matches(ca[i], cb[i]);
		assert_int_equal(ca[i]->note_count, cb[i]->note_count);
		matched += ca[i]->match_count != 0;
	}
	free_cases(ca, n);
	free_cases(cb, m);
	return matched;
}

/* The index gives the same matches as comparing every rule. */
static void test_index_equivalence(void **state)
{
	(void)state;
	struct ct_kb *ix, *sc;
	assert_null(ct_kb_load_embedded(&ix, NULL, NULL));
	assert_null(ct_kb_load_embedded(&sc, NULL, NULL));
	sc->scan_all = true;
	size_t matched = compare_kbs(ix, sc, ix);
	if (ix->count)
		assert_true(matched > 0);
	/* the index narrows: fewer candidates than rules on average */
	size_t n, candidates = 0;
	struct ct_case **cases = sample_cases(ix, &n);
	for (size_t i = 0; i < n; i++) {
		candidates += ct_kb_candidate_count(ix, cases[i]);
		assert_int_equal(ct_kb_candidate_count(sc, cases[i]),
				 sc->count);
	}
	if (ix->count > 5)
		assert_true(candidates < n * ix->count / 2);
	free_cases(cases, n);
	ct_kb_destroy(ix);
	ct_kb_destroy(sc);

	struct ct_kb *tx = test_kb(), *ts = test_kb();
	ts->scan_all = true;
	compare_kbs(tx, ts, tx);
	ct_kb_destroy(tx);
	ct_kb_destroy(ts);
}

/* ---- SQLite --------------------------------------------------------------- */

static char *temp_path(const char *suffix)
{
	char *p;
	assert_true(asprintf(&p, "/tmp/ct-test-match-%ld%s", (long)getpid(),
			     suffix) > 0);
	return p;
}

static void check_db_roundtrip(struct ct_kb *kb)
{
	char *path = temp_path(".sqlite");
	assert_null(ct_kb_db_build(kb, path));
	assert_true(ct_kb_db_is_sqlite(path));
	struct ct_kb *back;
	assert_null(ct_kb_db_load(path, &back));
	assert_int_equal(back->count, kb->count);
	for (size_t i = 0; i < kb->count; i++) {
		const struct ct_rule *a = kb->rules[i], *b = back->rules[i];
		assert_string_equal(a->id, b->id);
		assert_string_equal(a->title, b->title);
		assert_int_equal(a->signal_count, b->signal_count);
		assert_int_equal(a->version_count, b->version_count);
		assert_int_equal(a->example_count, b->example_count);
		assert_int_equal(a->counter_example_count,
				 b->counter_example_count);
		assert_int_equal(a->reference_count, b->reference_count);
		assert_true(a->threshold == b->threshold);
		for (size_t j = 0; j < a->example_count; j++)
			assert_string_equal(a->examples[j], b->examples[j]);
	}
	compare_kbs(kb, back, kb);
	ct_kb_destroy(back);
	unlink(path);
	free(path);
}

/* The rules compiled into the binary and the same rules read back from
 * SQLite give identical matches. */
static void test_embedded_vs_sqlite(void **state)
{
	(void)state;
	struct ct_kb *emb;
	struct ct_error **probs;
	size_t n;
	assert_null(ct_kb_load_embedded(&emb, &probs, &n));
	assert_int_equal(n, 0);
	ct_kb_problems_free(probs, n);
	assert_int_equal(emb->count, ct_kb_embedded_file_count);
	check_db_roundtrip(emb);
	ct_kb_destroy(emb);
	struct ct_kb *tk = test_kb();
	check_db_roundtrip(tk);
	ct_kb_destroy(tk);
}

static void test_db_migration(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	char *path = temp_path("-v1.sqlite");
	assert_null(ct_kb_db_build_version(kb, path, 1));
	struct ct_kb_db *db;
	assert_null(ct_kb_db_open(path, &db));
	assert_int_equal(ct_kb_db_file_version(db), 1);
	/* FTS came with the migration to 2, in memory */
	struct ct_kb_hit *hits;
	size_t n;
	assert_null(ct_kb_db_search(db, "pfa_get_counts", 5, &hits, &n));
	assert_true(n >= 1);
	assert_string_equal(hits[0].id, "test-fqdn-frames");
	ct_kb_hits_free(hits, n);
	struct ct_kb *back;
	assert_null(ct_kb_db_read(db, path, &back));
	assert_int_equal(back->count, kb->count);
	ct_kb_destroy(back);
	ct_kb_db_close(db);
	/* the file itself was not changed */
	assert_null(ct_kb_db_open(path, &db));
	assert_int_equal(ct_kb_db_file_version(db), 1);
	ct_kb_db_close(db);
	unlink(path);
	struct ct_error *err = ct_kb_db_build_version(
		kb, path, CT_KB_DB_SCHEMA_VERSION + 1);
	assert_non_null(err);
	ct_error_destroy(err);
	free(path);
	ct_kb_destroy(kb);
}

static void test_db_errors(void **state)
{
	(void)state;
	char *path = temp_path(".txt");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a database\n", f);
	fclose(f);
	assert_false(ct_kb_db_is_sqlite(path));
	struct ct_kb *kb;
	struct ct_error *err = ct_kb_db_load(path, &kb);
	assert_non_null(err);
	ct_error_destroy(err);
	unlink(path);
	err = ct_kb_db_load(path, &kb);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_OS);
	ct_error_destroy(err);
	assert_false(ct_kb_db_is_sqlite(path));
	/* a build into a folder that does not exist fails cleanly */
	struct ct_kb *tk = test_kb();
	err = ct_kb_db_build(tk, "/nonexistent/dir/kb.sqlite");
	assert_non_null(err);
	ct_error_destroy(err);
	ct_kb_destroy(tk);
	free(path);
}

static void test_search(void **state)
{
	(void)state;
	struct ct_kb *kb = test_kb();
	struct ct_kb_db *db;
	assert_null(ct_kb_db_from_kb(kb, &db));
	static const struct {
		const char *text, *first;
	} cases[] = {
		{ "#2  pfa_get_counts (kif=0x************, nAttr=0x****) at "
		  "…/pf_attribute.c:****", "test-fqdn-frames" },
		{ "2024-05-01T10:00:00.300Z cpu1:1000)DVFilter: Unconfigured "
		  "filter nic-1234-eth0-vmware-sfw.2", "test-double-restore" },
		{ "eno1: Detected Hardware Unit Hang:", "test-nofix-nic" },
		{ "dvfilter restore", "test-double-restore" },
		{ "VSIPConversionGetConnectionStat", "test-fqdn-frames" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		struct ct_kb_hit *hits;
		size_t n;
		assert_null(ct_kb_db_search(db, cases[i].text, 10, &hits, &n));
		assert_true(n >= 1);
		if (strcmp(hits[0].id, cases[i].first) != 0)
			print_error("'%s': got %s\n", cases[i].text,
				    hits[0].id);
		assert_string_equal(hits[0].id, cases[i].first);
		assert_non_null(hits[0].title);
		ct_kb_hits_free(hits, n);
	}
	/* nothing usable, or nothing found */
	static const char *const none[] = { "", "0x1234 42 at in", "zzzzqqq",
					    "\"quoted\" OR NEAR(" };
	for (size_t i = 0; i < CT_ARRAY_SIZE(none); i++) {
		struct ct_kb_hit *hits;
		size_t n;
		assert_null(ct_kb_db_search(db, none[i], 10, &hits, &n));
		assert_int_equal(n, 0);
		ct_kb_hits_free(hits, n);
	}
	ct_kb_db_close(db);
	ct_kb_destroy(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_full),
		cmocka_unit_test(test_frames_partial),
		cmocka_unit_test(test_frames_negative),
		cmocka_unit_test(test_frames_counted),
		cmocka_unit_test(test_log_same),
		cmocka_unit_test(test_log_pattern_capture),
		cmocka_unit_test(test_panic),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_fact_alone_not_listed),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_verdict_affected),
		cmocka_unit_test(test_verdict_fixed),
		cmocka_unit_test(test_verdict_unknown),
		cmocka_unit_test(test_verdict_no_fix),
		cmocka_unit_test(test_verdict_fix_unknown),
		cmocka_unit_test(test_verdict_lines),
		cmocka_unit_test(test_sorting_and_cap),
		cmocka_unit_test(test_index_equivalence),
		cmocka_unit_test(test_embedded_vs_sqlite),
		cmocka_unit_test(test_db_migration),
		cmocka_unit_test(test_db_errors),
		cmocka_unit_test(test_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
