/* SPDX-License-Identifier: MIT */
/*
 * fuzz-rules.c - libFuzzer target for the YAML rule loader (rules/rule.c),
 * through its public entry point ct_rule_parse() on a memory buffer.
 *
 * A rule that loads is then indexed (ct_kb_add_rule(): the regex-literal
 * reader runs on every pattern), matched against a small case that has a
 * little of every kind of evidence, compiled into an in-memory SQLite
 * knowledge base and read back.  Checked property (abort() on violation):
 * the rule read back from SQLite scores and judges the case exactly as the
 * rule read from YAML.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/internal.h"
#include "db/kb.h"
#include "rules/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ct_case *sample_case(void)
{
	struct ct_case *c;
	if (ct_case_create("fuzz", &c))
		return NULL;
	struct ct_origin o = { "fuzz", 1 };
	struct ct_backtrace *bt;
	static const char *const names[] = { "memscan", "strlen",
					     "pfa_get_counts", "pfioctl" };
	if (!ct_case_add_backtrace(c, "bt", o, &bt)) {
		bt->crashing = true;
		for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
			struct ct_frame f = { .function = (char *)names[i],
					      .reliable = true,
					      .number = (int)i };
			ct_error_destroy(ct_backtrace_add_frame(bt, &f));
		}
	}
	struct ct_event *ev;
	for (int i = 0; i < 2; i++)
		if (!ct_case_add_event(c, "dvfilter.restore", NULL,
				       "Restore state called for filter "
				       "nic-1-eth0-vmware-sfw.2", o, &ev) && ev)
			ct_error_destroy(ct_event_add_field(c, ev, "filter",
						"nic-1-eth0-vmware-sfw.2"));
	ct_error_destroy(ct_case_add_fact(c, "nsx.version", "4.2.1.0", o));
	ct_error_destroy(ct_case_add_fact(c, "nic.pci_id", "8086:153a", o));
	struct ct_panic p = { .kind = (char *)"PSOD",
			      .message = (char *)"#PF Exception 14 in world 1",
			      .exception = (char *)"#PF" };
	ct_error_destroy(ct_case_set_panic(c, &p));
	struct ct_finding fd = { .kind = (char *)"bad-pointer",
				 .type = (char *)"fqdn_node",
				 .member = (char *)"domain_list" };
	ct_error_destroy(ct_case_add_finding(c, &fd));
	return c;
}

static void same_or_abort(const struct ct_match *a, const struct ct_match *b)
{
	if (a->score != b->score || a->passes != b->passes ||
	    strcmp(a->verdict, b->verdict) != 0 ||
	    (!a->fixed_in != !b->fixed_in) ||
	    (a->fixed_in && strcmp(a->fixed_in, b->fixed_in) != 0) ||
	    a->why_count != b->why_count)
		abort();
	for (size_t i = 0; i < a->why_count; i++)
		if (strcmp(a->why[i], b->why[i]) != 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_rule *rule;
	struct ct_error *err = ct_rule_parse("fuzz.yaml", (const char *)data,
					     size, &rule);
	if (err) {
		/* every message names the file */
		if (err != &ct_enomem && strncmp(err->message, "fuzz.yaml", 9))
			abort();
		ct_error_destroy(err);
		return 0;
	}
	struct ct_kb *kb = NULL, *back = NULL;
	struct ct_kb_db *db = NULL;
	struct ct_case *c = sample_case();
	if (!c || ct_kb_create("fuzz", &kb)) {
		ct_rule_destroy(rule);
		goto out;
	}
	if ((err = ct_kb_add_rule(kb, rule))) {
		ct_error_destroy(err);
		ct_rule_destroy(rule);
		goto out;
	}
	ct_error_destroy(ct_kb_match(kb, c));
	if (ct_kb_db_from_kb(kb, &db) || ct_kb_db_read(db, "fuzz", &back))
		abort(); /* a valid rule must survive SQLite */
	if (back->count != 1)
		abort();
	struct ct_match m1, m2;
	if (!ct_rule_evaluate(kb->rules[0], c, &m1, NULL)) {
		if (!ct_rule_evaluate(back->rules[0], c, &m2, NULL)) {
			same_or_abort(&m1, &m2);
			ct_match_deinit(&m2);
		}
		ct_match_deinit(&m1);
	}
out:
	ct_kb_destroy(back);
	ct_kb_db_close(db);
	ct_kb_destroy(kb);
	ct_case_destroy(c);
	return 0;
}
