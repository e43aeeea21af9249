/* SPDX-License-Identifier: MIT */
/*
 * cmd-analyze.c - "crashtriage analyze PATH...": one case per PATH, printed
 * for a person or as one JSON object per line.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "rules/match.h"	/* kb: known-issue matching */
#include "rules/autowalk.h"

const char cmd_analyze_usage[] =
	"usage: crashtriage analyze [--json] [--kb PATH | --rules DIR]\n"
	"       [--exe BINARY] [--debug-dir DIR]... [--unwinder NAME]\n"
	"       [--map FILE]... [--follow-links] PATH...\n"
	"\n"
	"Read each PATH (a file, or a folder such as an unpacked vm-support\n"
	"bundle or sosreport: one case) and describe the crash in it: the\n"
	"kinds of evidence found, the crashing backtrace, facts, events, and a\n"
	"title and signature hash that do not change with addresses, hosts,\n"
	"timestamps or taint flags.\n"
	"\n"
	"  --json     one JSON object per case, one per line\n"
	"  --kb PATH  match against a compiled knowledge base (.sqlite) or a\n"
	"             folder of rules instead of the built-in rules (also\n"
	"             $CRASHTRIAGE_KB)\n"
	"  --rules DIR  match against a folder of rule files\n"
	"  --exe BINARY  the program that dumped core (default: the file the\n"
	"             core names, when it is still there)\n"
	"  --debug-dir DIR  look for debug files in DIR (by build-id and\n"
	"             name) before .debug and /usr/lib/debug; repeatable\n"
	"  --unwinder dwfl|libunwind  unwind cores with this unwinder only\n"
	"             (default: libdwfl, then libunwind)\n"
	"  --map FILE  a symbol list (System.map, /proc/kallsyms, nm output,\n"
	"             'ADDR NAME [MODULE]' lines of a vmkernel symbol list)\n"
	"             naming frames a log printed as bare addresses;\n"
	"             repeatable\n"
	"  --follow-links  follow links in a folder to files outside it\n"
	"             (by default such a link is listed as skipped, not read)\n"
	"  -h, --help show this help\n"
	"\n"
	"exit status: 0 when every PATH was read and something in the run was\n"
	"recognised, 1 when a PATH could not be read or nothing was recognised,\n"
	"2 on usage errors\n";

/* Facts worth a place on the one-line summary, in this order. */
static const struct {
	const char *key;
	const char *label;
} summary_facts[] = {
	{ "esxi.version", "esxi" },
	{ "esxi.release_name", "release" },
	{ "esxi.build", "build" },
	{ "nsx.version", "nsx" },
	{ "linux.release", "linux" },
	{ "linux.upstream", "upstream" },
	{ "linux.arch", "arch" },
	{ "host.name", "host" },
};

static void print_kinds(const struct ct_case *c)
{
	unsigned all = 0;
	for (size_t i = 0; i < c->input_count; i++)
		all |= c->inputs[i].kinds;
	bool first = true;
	for (int k = 0; k < CT_KIND_MAX; k++)
		if (all & (1u << k)) {
			printf("%s%s", first ? "" : ", ",
			       ct_input_kind_description(k));
			first = false;
		}
	if (first)
		fputs("nothing recognised", stdout);
}

static void print_frames(const struct ct_backtrace *bt)
{
	enum { SHOWN = 12 };
	printf("frames   %s%s\n", bt->label ? cli_vis(bt->label) : "backtrace",
	       bt->crashing ? " (crashing)" : "");
	for (size_t i = 0; i < bt->frame_count && i < SHOWN; i++) {
		const struct ct_frame *f = &bt->frames[i];
		printf("  #%-3zu %s%s%s%s%s\n", i,
		       f->function ? cli_vis(f->function) : "??",
		       f->module ? " [" : "", f->module ? cli_vis(f->module) : "",
		       f->module ? "]" : "",
		       !f->reliable ? "  (unreliable)"
		       : f->generic ? "  (generic)"
		       : f->skipped ? "  (helper)" : "");
	}
	if (bt->frame_count > SHOWN)
		printf("  ... %zu more\n", bt->frame_count - SHOWN);
}

static void print_events(const struct ct_case *c)
{
	/* count per kind, in first-seen order */
	bool *done = calloc(c->event_count ? c->event_count : 1, 1);
	if (!done)
		return;
	bool first = true;
	for (size_t i = 0; i < c->event_count; i++) {
		if (done[i])
			continue;
		size_t n = 0;
		for (size_t j = i; j < c->event_count; j++)
			if (!done[j] &&
			    strcmp(c->events[j].kind, c->events[i].kind) == 0) {
				done[j] = true;
				n++;
			}
		printf("%s%s x%zu", first ? "events   " : ", ",
		       cli_vis(c->events[i].kind), n);
		first = false;
	}
	if (!first)
		putchar('\n');
	free(done);
}

/* ---- kb: known-issue matches ---- */

/* Print s on one line: blanks collapsed, at most max bytes, the rest
 * made visible (cli_vis). */
static void print_flat(const char *s, size_t max)
{
	char *flat = malloc(max + 1);
	if (!flat) {
		puts("(out of memory)");
		return;
	}
	size_t n = 0;
	bool blank = false;
	for (; *s == ' ' || *s == '\n' || *s == '\t'; s++)
		;
	for (; *s && n < max; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			blank = true;
			continue;
		}
		if (blank) {
			flat[n++] = ' ';
			blank = false;
			if (n == max)
				break;
		}
		flat[n++] = *s;
	}
	flat[n] = '\0';
	fputs(cli_vis(flat), stdout);
	free(flat);
	if (*s)
		fputs("...", stdout);
	putchar('\n');
}

static void print_match(const char *label, const struct ct_match *m,
			bool details)
{
	printf("%s%s  %s  (score %.2f, %s)\n", label, cli_vis(m->id),
	       m->title ? cli_vis(m->title) : "", m->score,
	       m->verdict ? cli_vis(m->verdict) : "version-unknown");
	if (!details)
		return;
	for (size_t i = 0; i < m->why_count; i++) {
		fputs("  why    ", stdout);
		print_flat(m->why[i], 300);
	}
	printf("  fix    %s\n", m->fixed_in ? cli_vis(m->fixed_in)
					   : "no fix; workaround only");
	if (m->workaround) {
		fputs("  until  ", stdout);
		print_flat(m->workaround, 300);
	}
}

/* The verdict, the best candidate in full, the others on one line each. */
static void print_matches(const struct ct_case *c)
{
	if (c->match_count && c->known) {
		print_match("verdict  KNOWN  ", &c->matches[0], true);
		for (size_t i = 1; i < c->match_count; i++)
			print_match("also     ", &c->matches[i], false);
		return;
	}
	printf("verdict  UNKNOWN\n");
	for (size_t i = 0; i < c->match_count; i++)
		print_match("nearest  ", &c->matches[i], i == 0);
}

/* ---- end kb ---- */

static void print_case(const struct ct_case *c)
{
	size_t frames = 0;
	for (size_t i = 0; i < c->backtrace_count; i++)
		frames += c->backtraces[i].frame_count;
	printf("case     %s (", cli_vis(c->name));
	print_kinds(c);
	if (frames)
		printf(", %zu frames", frames);
	printf(")\n");
	if (c->signature.title)
		printf("crash    %s\n", cli_vis(c->signature.title));
	else
		printf("crash    none found\n");
	if (c->panic.message)
		printf("panic    %s\n", cli_vis(c->panic.message));
	bool first = true;
	for (size_t i = 0; i < sizeof(summary_facts) / sizeof(summary_facts[0]);
	     i++) {
		const char *v = ct_case_fact(c, summary_facts[i].key);
		if (!v)
			continue;
		printf("%s%s %s", first ? "facts    " : ", ",
		       summary_facts[i].label, cli_vis(v));
		first = false;
	}
	if (!first)
		putchar('\n');
	print_events(c);
	const struct ct_backtrace *bt = ct_case_crashing(c);
	if (bt)
		print_frames(bt);
	if (c->signature.hash[0])
		printf("sign     %s  [%zu frames]\n", c->signature.hash,
		       c->signature.frame_count);
	print_matches(c);	/* kb: verdict, why, fix, until */
	for (size_t i = 0; i < c->note_count; i++)
		printf("note     %s\n", cli_vis(c->notes[i]));
	for (size_t i = 0; i < c->input_count; i++)
		if (c->inputs[i].error)
			printf("skipped  %s\n", cli_vis(c->inputs[i].error));
}

/* What the command line asks of analyze. */
struct analyze_args {
	struct ct_analyze_options aopts;	/* cores, symbol lists */
	struct cli_list debug_dirs;	/* aopts.debug_dirs */
	struct cli_list maps;		/* aopts.maps */
	bool json;
	const char *kb_path, *rules_dir;	/* kb */
	int first;			/* argv index of the first PATH */
};

static void analyze_args_deinit(struct analyze_args *a)
{
	cli_list_free(&a->debug_dirs);
	cli_list_free(&a->maps);
}

static bool parse_unwinder(const char *value, void *target)
{
	*(const char **)target = value;
	return strcmp(value, "dwfl") == 0 || strcmp(value, "libunwind") == 0;
}

/* Parse the options into a; -1 to go on, else the exit code (after
 * analyze_args_deinit()).  argv outlives the run: the option strings are
 * borrowed. */
static int parse_options(int argc, char **argv, struct analyze_args *a)
{
	struct ct_analyze_options *aopts = &a->aopts;
	const struct cli_option options[] = {
		CLI_FLAG("json", 0, &a->json),
		CLI_STRING("kb", 0, &a->kb_path),		/* kb */
		CLI_STRING("rules", 0, &a->rules_dir),		/* kb */
		CLI_STRING("exe", 0, &aopts->executable),	/* cores */
		CLI_LIST("debug-dir", 0, &a->debug_dirs),	/* cores */
		CLI_CUSTOM("unwinder", 0, &aopts->unwinder,	/* cores */
			   parse_unwinder),
		CLI_LIST("map", 0, &a->maps),			/* symbol lists */
		CLI_FLAG("follow-links", 0, &aopts->follow_links),
		CLI_END,
	};
	int rc = cli_parse(argc, argv, options, cmd_analyze_usage, false,
			   &a->first);
	aopts->debug_dirs = a->debug_dirs.items;
	aopts->debug_dir_count = a->debug_dirs.count;
	aopts->maps = a->maps.items;
	aopts->map_count = a->maps.count;
	if (rc < 0 && a->first >= argc) {
		cli_errorf("analyze: no PATH given");
		fputs(cmd_analyze_usage, stderr);
		rc = CLI_EXIT_USAGE;
	}
	if (rc >= 0)
		analyze_args_deinit(a);
	return rc;
}

/* Analyze one PATH, walk and match it against kb, and print it (after a
 * blank line unless first).  Sets *failed on errors, *usable when the case
 * has something to show. */
static void analyze_one(const char *path, const struct analyze_args *a,
			const struct ct_kb *kb, bool first, bool *failed,
			bool *usable)
{
	struct ct_case *c;
	struct ct_error *err = ct_analyze_path_with(path, &a->aopts, &c);
	if (err) {
		cli_error(err);
		*failed = true;
		return;
	}
	for (size_t j = 0; j < c->input_count; j++)
		if (c->inputs[j].error)
			cli_errorf("%s", c->inputs[j].error);
	if (ct_case_usable(c))
		*usable = true;
	/* structures the rules name, walked in cores, then match */
	err = ct_kb_walk_cores(kb, c, &a->aopts);
	if (!err)
		err = ct_kb_match(kb, c);	/* kb */
	if (err) {
		cli_error(err);
		*failed = true;
	}
	if (a->json) {
		err = ct_case_write_json(c, stdout);
		if (err) {
			cli_error(err);
			*failed = true;
		}
	} else {
		if (!first)
			putchar('\n');
		print_case(c);
	}
	ct_case_destroy(c);
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_args a = { 0 };
	int rc = parse_options(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct ct_kb *kb;	/* kb: the rules every case is matched with */
	rc = cli_kb_open(a.kb_path, a.rules_dir, &kb);
	if (rc) {
		analyze_args_deinit(&a);
		return rc;
	}
	bool failed = false, usable = false, first = true;
	for (int i = a.first; i < argc; i++) {
		/* a folder of bundles holds several cases, as in batch */
		char **paths;
		size_t count;
		struct ct_error *err = ct_case_paths(argv[i],
						     a.aopts.follow_links,
						     &paths, &count);
		if (err) {
			cli_error(err);
			failed = true;
			continue;
		}
		for (size_t k = 0; k < count; k++) {
			analyze_one(paths[k], &a, kb, first, &failed, &usable);
			first = false;
		}
		ct_case_paths_free(paths, count);
	}
	ct_kb_destroy(kb);	/* kb */
	analyze_args_deinit(&a);
	/* write errors: cli_stdout_close() in main.c */
	return failed || !usable ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
