/* SPDX-License-Identifier: MIT */
/*
 * bench-match.c - how fast the matcher is with 10,000 rules, next to the
 * tool a user would reach for instead: `grep -F -f frames.txt` over the
 * same evidence.  Built and run by `make bench`.
 *
 * It generates RULES rules (YAML text, parsed by the real loader), each
 * with a frames sequence of 3-5 names from a vocabulary of 30,000
 * function names, a third with a log signal (event kind or pattern), a
 * tenth with a fact; builds the SQLite knowledge base and loads it back;
 * then generates CASES gdb backtraces of 24 frames, a quarter of them with
 * a rule's sequence planted near the top, and times:
 *   - match:         ct_kb_match() on cases already analyzed (the index);
 *   - analyze+match: ct_analyze_buffer() on the text, then ct_kb_match();
 *   - full scan:     ct_kb_match() comparing every rule (no index), on a
 *                    sample;
 *   - grep:          grep -F -f frames.txt over the same texts, one file
 *                    per case (frames.txt: every rule frame name).
 * and prints cases/second for each and the ratios.  Planted cases must be
 * matched by their rule, or the run fails.
 *
 * usage: bench-match [-r RULES] [-c CASES] [-s SCAN_SAMPLE] [-k]
 *        (-k keeps the generated files in the work folder it names)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "db/kb.h"
#include "rules/match.h"

enum { VOCABULARY = 30000, FRAMES_PER_CASE = 24 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic across runs */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fatal(const char *what, struct ct_error *err)
{
	char *msg = err ? ct_error_format(err) : NULL;
	fprintf(stderr, "bench-match: %s%s%s\n", what, msg ? ": " : "",
		msg ? msg : "");
	exit(1);
}

/* Function name number i: module-ish prefixes so that names share
 * prefixes the way real symbols do. */
static void frame_name(char *buf, size_t n, unsigned i)
{
	static const char *const prefixes[] = {
		"VSIP", "pf_", "vmk_", "Net", "i40en_", "e1000_", "tcp_",
		"Heap", "World", "SCSI", "nfs41_", "lpfc_",
	};
	snprintf(buf, n, "%s%sFn%05u", prefixes[i % CT_ARRAY_SIZE(prefixes)],
		 i % 3 ? "Do" : "Get", i);
}

struct bench_rule {
	unsigned names[5];
	unsigned count;
	int log_kind;		/* -1 none, else event kind number */
	int log_pattern;	/* -1 none, else pattern number */
};

static char *rule_yaml(unsigned id, const struct bench_rule *br)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	char name[64];
	ct_strbuf_appendf(&sb, "id: bench-%05u\ntitle: \"Bench issue %u\"\n"
			  "product: nsx\nsummary: generated rule %u\n"
			  "signals:\n  - frames:\n      sequence: [", id, id,
			  id);
	for (unsigned i = 0; i < br->count; i++) {
		frame_name(name, sizeof(name), br->names[i]);
		ct_strbuf_appendf(&sb, "%s%s", i ? ", " : "", name);
	}
	ct_strbuf_appendf(&sb, "]\n      min: %u\n    weight: 0.6\n",
			  br->count - 1);
	if (br->log_kind >= 0)
		ct_strbuf_appendf(&sb, "  - log:\n      event: bench.kind%d\n"
				  "    weight: 0.3\n", br->log_kind);
	if (br->log_pattern >= 0)
		ct_strbuf_appendf(&sb, "  - log:\n      pattern: 'Widget%d "
				  "failed on queue (?<q>\\d+)'\n"
				  "      count: 2\n      same: q\n"
				  "    weight: 0.3\n", br->log_pattern);
	if (id % 10 == 0)
		ct_strbuf_puts(&sb, "  - fact:\n      key: nic.pci_id\n"
			       "      equals: \"8086:1572\"\n"
			       "    weight: 0.1\n");
	ct_strbuf_puts(&sb, "versions:\n  - product: nsx\n    scheme: nsx\n"
		       "    fact: nsx.version\n    lines:\n"
		       "      - line: \"4.2\"\n        fixed_in: 4.2.3.3\n"
		       "      - line: \"9.0\"\n        fixed_in: 9.0.2\n");
	return ct_strbuf_detach(&sb);
}

/* A gdb backtrace; planted >= 0 puts that rule's names at frames 0.. */
static char *case_text(const struct bench_rule *rules, int planted)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	char name[64];
	unsigned frames[FRAMES_PER_CASE];
	for (unsigned i = 0; i < FRAMES_PER_CASE; i++)
		frames[i] = rng() % VOCABULARY;
	if (planted >= 0)
		for (unsigned i = 0; i < rules[planted].count; i++)
			frames[i + (i > 1)] = rules[planted].names[i];
	ct_strbuf_puts(&sb, "(gdb) bt\n");
	for (unsigned i = 0; i < FRAMES_PER_CASE; i++) {
		frame_name(name, sizeof(name), frames[i]);
		ct_strbuf_appendf(&sb, "#%-2u 0x%016llx in %s (arg=0x%llx) at "
				  "src/file%u.c:%u\n", i,
				  0x420000000000ULL + rng(), name,
				  (unsigned long long)rng(), frames[i] % 97,
				  rng() % 5000);
	}
	return ct_strbuf_detach(&sb);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		fatal(path, NULL);
}

int main(int argc, char **argv)
{
	unsigned nrules = 10000, ncases = 4000, nscan = 200;
	bool keep = false;
	int opt;
	while ((opt = getopt(argc, argv, "r:c:s:k")) != -1) {
		switch (opt) {
		case 'r':
			nrules = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			ncases = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			nscan = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			keep = true;
			break;
		default:
			fprintf(stderr, "usage: bench-match [-r RULES] "
				"[-c CASES] [-s SCAN_SAMPLE] [-k]\n");
			return 2;
		}
	}
	if (!nrules || !ncases)
		return 2;
	if (nscan > ncases)
		nscan = ncases;
	char dir[] = "/tmp/ct-bench-XXXXXX";
	if (!mkdtemp(dir))
		fatal("cannot make a work folder", NULL);

	/* ---- rules ---- */
	struct bench_rule *rules = calloc(nrules, sizeof(*rules));
	char **yaml = calloc(nrules, sizeof(*yaml));
	if (!rules || !yaml)
		fatal("out of memory", NULL);
	for (unsigned i = 0; i < nrules; i++) {
		rules[i].count = 3 + rng() % 3;
		for (unsigned j = 0; j < rules[i].count; j++)
			rules[i].names[j] = rng() % VOCABULARY;
		rules[i].log_kind = i % 6 == 1 ? (int)(rng() % 500) : -1;
		rules[i].log_pattern = i % 6 == 4 ? (int)(rng() % 2000) : -1;
		yaml[i] = rule_yaml(i, &rules[i]);
	}
	double t0 = now();
	struct ct_kb *kb;
	struct ct_error *err = ct_kb_create("bench", &kb);
	if (err)
		fatal("kb", err);
	for (unsigned i = 0; i < nrules; i++) {
		struct ct_rule *r;
		char name[64];
		snprintf(name, sizeof(name), "bench-%05u.yaml", i);
		if ((err = ct_rule_parse(name, yaml[i], strlen(yaml[i]), &r)))
			fatal("rule", err);
		if ((err = ct_kb_add_rule(kb, r)))
			fatal("add", err);
	}
	double t_load = now() - t0;

	char path[512];
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	t0 = now();
	if ((err = ct_kb_db_build(kb, path)))
		fatal("build", err);
	double t_build = now() - t0;
	t0 = now();
	struct ct_kb *back;
	if ((err = ct_kb_db_load(path, &back)))
		fatal("load", err);
	double t_dbload = now() - t0;
	ct_kb_destroy(back);

	/* frames.txt for grep: every name any rule looks for */
	snprintf(path, sizeof(path), "%s/frames.txt", dir);
	FILE *ff = fopen(path, "w");
	if (!ff)
		fatal(path, NULL);
	char name[64];
	for (unsigned i = 0; i < nrules; i++)
		for (unsigned j = 0; j < rules[i].count; j++) {
			frame_name(name, sizeof(name), rules[i].names[j]);
			fprintf(ff, "%s\n", name);
		}
	fclose(ff);

	/* ---- cases ---- */
	char **texts = calloc(ncases, sizeof(*texts));
	int *planted = calloc(ncases, sizeof(*planted));
	struct ct_case **cases = calloc(ncases, sizeof(*cases));
	if (!texts || !planted || !cases)
		fatal("out of memory", NULL);
	snprintf(path, sizeof(path), "%s/cases", dir);
	mkdir(path, 0700);
	for (unsigned i = 0; i < ncases; i++) {
		planted[i] = i % 4 == 0 ? (int)(rng() % nrules) : -1;
		texts[i] = case_text(rules, planted[i]);
		snprintf(path, sizeof(path), "%s/cases/case%05u.txt", dir, i);
		write_file(path, texts[i]);
		if ((err = ct_analyze_buffer("case", texts[i],
					     strlen(texts[i]), &cases[i])))
			fatal("analyze", err);
	}

	/* ---- match with the index ---- */
	size_t candidates = 0;
	for (unsigned i = 0; i < ncases; i++)
		candidates += ct_kb_candidate_count(kb, cases[i]);
	t0 = now();
	for (unsigned i = 0; i < ncases; i++)
		if ((err = ct_kb_match(kb, cases[i])))
			fatal("match", err);
	double t_match = now() - t0;
	unsigned found = 0, wanted = 0;
	for (unsigned i = 0; i < ncases; i++) {
		if (planted[i] < 0)
			continue;
		wanted++;
		char id[32];
		snprintf(id, sizeof(id), "bench-%05d", planted[i]);
		for (size_t j = 0; j < cases[i]->match_count; j++)
			if (strcmp(cases[i]->matches[j].id, id) == 0 &&
			    cases[i]->matches[j].passes) {
				found++;
				break;
			}
	}

	/* ---- analyze + match from text ---- */
	t0 = now();
	for (unsigned i = 0; i < ncases; i++) {
		struct ct_case *c;
		if ((err = ct_analyze_buffer("case", texts[i],
					     strlen(texts[i]), &c)))
			fatal("analyze", err);
		if ((err = ct_kb_match(kb, c)))
			fatal("match", err);
		ct_case_destroy(c);
	}
	double t_full = now() - t0;

	/* ---- every rule, no index, on a sample ---- */
	kb->scan_all = true;
	t0 = now();
	for (unsigned i = 0; i < nscan; i++)
		if ((err = ct_kb_match(kb, cases[i])))
			fatal("match", err);
	double t_scan = now() - t0;
	kb->scan_all = false;

	/* ---- grep -F -f frames.txt over the same texts ---- */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "grep -r -F -c -f '%s/frames.txt' "
		 "'%s/cases' >/dev/null", dir, dir);
	t0 = now();
	int rc = system(cmd);
	double t_grep = now() - t0;
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) > 1)
		fatal("grep failed", NULL);

	double match_rate = ncases / t_match;
	double full_rate = ncases / t_full;
	double scan_rate = nscan ? nscan / t_scan : 0;
	double grep_rate = ncases / t_grep;
	printf("rules              %u: YAML load+index %.2f s (%.0f rules/s); "
	       "SQLite build %.2f s, load %.2f s\n", nrules, t_load,
	       nrules / t_load, t_build, t_dbload);
	printf("cases              %u gdb backtraces of %d frames, %u with a "
	       "rule planted\n", ncases, FRAMES_PER_CASE, wanted);
	printf("candidates         %.1f rules per case on average (index)\n",
	       (double)candidates / ncases);
	printf("planted found      %u of %u\n", found, wanted);
	printf("%-18s %10.0f cases/s  (%.3f s)\n", "match (index)",
	       match_rate, t_match);
	printf("%-18s %10.0f cases/s  (%.3f s)\n", "analyze+match",
	       full_rate, t_full);
	printf("%-18s %10.0f cases/s  (%.3f s for %u cases)\n",
	       "match (full scan)", scan_rate, t_scan, nscan);
	printf("%-18s %10.0f cases/s  (%.3f s)\n", "grep -F -f",
	       grep_rate, t_grep);
	printf("ratio analyze+match / grep      %.2f\n", full_rate / grep_rate);
	printf("ratio match / grep              %.2f\n", match_rate / grep_rate);
	if (scan_rate > 0)
		printf("ratio index / full scan         %.1f\n",
		       match_rate / scan_rate);

	for (unsigned i = 0; i < ncases; i++) {
		ct_case_destroy(cases[i]);
		free(texts[i]);
	}
	for (unsigned i = 0; i < nrules; i++)
		free(yaml[i]);
	free(cases);
	free(texts);
	free(planted);
	free(yaml);
	free(rules);
	ct_kb_destroy(kb);
	if (keep) {
		printf("files kept in %s\n", dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench-match: cannot remove %s\n", dir);
	}
	return found == wanted ? 0 : 1;
}
