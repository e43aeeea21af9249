/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the subcommands of the crashtriage command share.
 * The CLI parses arguments, calls libcrashtriage, and prints; it is the
 * only place that formats errors for people.
 */
#ifndef CT_CLI_H
#define CT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analyzer/crashtriage.h"

/* Exit codes of every subcommand. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1,	/* an input could not be read at all */
	CLI_EXIT_USAGE = 2,	/* bad arguments */
};

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;	/* one line for "crashtriage --help" */
	const char *usage;	/* full help for "crashtriage help NAME" */
};

int cmd_analyze(int argc, char **argv);
extern const char cmd_analyze_usage[];
int cmd_kb(int argc, char **argv);
extern const char cmd_kb_usage[];
int cmd_batch(int argc, char **argv);
extern const char cmd_batch_usage[];
int cmd_report(int argc, char **argv);
extern const char cmd_report_usage[];
int cmd_merge(int argc, char **argv);
extern const char cmd_merge_usage[];
int cmd_walk(int argc, char **argv);
extern const char cmd_walk_usage[];
int cmd_serve(int argc, char **argv);
extern const char cmd_serve_usage[];
int cmd_dmesg(int argc, char **argv);
extern const char cmd_dmesg_usage[];
int cmd_symbolize(int argc, char **argv);
extern const char cmd_symbolize_usage[];
int cmd_ps(int argc, char **argv);
extern const char cmd_ps_usage[];
int cmd_bt(int argc, char **argv);
extern const char cmd_bt_usage[];

struct ct_vmcore;
struct ct_kernel;
struct ct_ktask;
struct ct_strbuf;
/* Open the kernel dump path, its tasks' reader and its tasks (cmd-ps.c),
 * printing the error (and, unless quiet, what could not be read) on
 * failure: CLI_EXIT_OK with all set, else an exit code.  Without
 * need_tasks, tasks that cannot be read (no BTF) are said (unless quiet)
 * and leave *ret_count 0. */
int cli_kernel_open(const char *path, bool quiet, bool need_tasks,
		    struct ct_vmcore **ret_vc, struct ct_kernel **ret_k,
		    const struct ct_ktask **ret_tasks, size_t *ret_count);
/* Say on stderr what of the dump and its kernel could not be read. */
void cli_kernel_notes(const char *path, struct ct_vmcore *vc,
		      struct ct_kernel *k);
/* The same as a JSON member "notes":[...]. */
void cli_kernel_notes_json(struct ct_strbuf *sb, struct ct_vmcore *vc,
			   struct ct_kernel *k);
/* End a ps or bt output: with json, "notes":[...]} after what sb holds,
 * all printed; else, unless quiet, the notes on stderr.  Frees sb. */
void cli_kernel_finish(struct ct_strbuf *sb, bool json, bool quiet,
		       const char *path, struct ct_vmcore *vc,
		       struct ct_kernel *k);
/* One task as a JSON object. */
void cli_ktask_json(struct ct_strbuf *sb, const struct ct_ktask *t);

struct ct_kb;
/*
 * cli_kb_open - the knowledge base a command should use: rules_dir (a
 * folder of YAML rules) if given, else kb_path (a compiled .sqlite file or
 * a folder), else $CRASHTRIAGE_KB (same), else the rules compiled into the
 * binary.  Rules that do not load are reported on stderr and skipped.
 * Return: CLI_EXIT_OK with *ret set (free with ct_kb_destroy()), or an
 * exit code after printing the error.
 */
int cli_kb_open(const char *kb_path, const char *rules_dir,
		struct ct_kb **ret);

/*
 * cli_vis - s as a terminal may show it (ct_strbuf_put_visible(): control
 * characters, newlines, escape sequences, bidi overrides and invisible
 * format characters made visible).  Every string from the evidence (file
 * and member names, host names, titles, frames, notes) goes through it
 * before any text output.  Returns NULL for NULL; the result is valid
 * until 15 more calls (a ring of buffers, for one printf's arguments);
 * single-threaded use only.
 */
const char *cli_vis(const char *s);
/* Print "crashtriage: <err formatted>" to stderr (made visible with
 * cli_vis()); frees err. */
void cli_error(struct ct_error *err);
/* Print "crashtriage: <fmt>" to stderr, made visible with cli_vis(). */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * cli_stdout_close - flush and close stdout after a command, and check
 * that everything it printed was written (ferror, fflush, fclose): a
 * full disk or a closed pipe prints "cannot write to standard output"
 * and turns an exit status of 0 (or 2) into 1.  Return: the exit status.
 */
int cli_stdout_close(int rc);
/* Print usage of a command to f. */
void cli_usage(FILE *f, const char *name);

#endif /* CT_CLI_H */
