/* SPDX-License-Identifier: MIT */
/*
 * options.h - the subcommands' options as tables (options.c): each
 * command lists its options with where each value goes, and one parser
 * fills them, checks numbers and choices, and handles --help, so that no
 * command writes its own getopt loop.
 */
#ifndef CT_CLI_OPTIONS_H
#define CT_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum cli_opt_kind {
	CLI_OPT_FLAG,	/* bool *target: set true */
	CLI_OPT_STRING,	/* const char **target: the last value given */
	CLI_OPT_LIST,	/* struct cli_list *target: every value, in order */
	CLI_OPT_UINT,	/* unsigned long *target: decimal, min..max */
	CLI_OPT_CUSTOM,	/* parse(value, target): false if the value is bad */
};

/* The values of a CLI_OPT_LIST option (borrowed from argv). */
struct cli_list {
	const char **items;	/* freed by cli_list_free() */
	size_t count;
	size_t max;		/* 0: no cap; else more is a usage error */
};

struct cli_option {
	const char *name;	/* "json" for --json, NULL for a short one */
	char short_name;	/* 'j' for -j, 0 for none */
	enum cli_opt_kind kind;
	void *target;
	unsigned long min, max;	/* CLI_OPT_UINT's range (max 0: no cap) */
	bool (*parse)(const char *value, void *target); /* CLI_OPT_CUSTOM */
};

/* Table entries: long name (or NULL), short letter (or 0), target. */
#define CLI_FLAG(n, c, t) { .name = (n), .short_name = (c), \
			    .kind = CLI_OPT_FLAG, .target = (t) }
#define CLI_STRING(n, c, t) { .name = (n), .short_name = (c), \
			      .kind = CLI_OPT_STRING, .target = (t) }
#define CLI_LIST(n, c, t) { .name = (n), .short_name = (c), \
			    .kind = CLI_OPT_LIST, .target = (t) }
#define CLI_UINT(n, c, t, lo, hi) { .name = (n), .short_name = (c), \
				    .kind = CLI_OPT_UINT, .target = (t), \
				    .min = (lo), .max = (hi) }
#define CLI_CUSTOM(n, c, t, fn) { .name = (n), .short_name = (c), \
				  .kind = CLI_OPT_CUSTOM, .target = (t), \
				  .parse = (fn) }
#define CLI_END { .name = NULL }

/*
 * cli_parse - parse the options of subcommand cmd from argv[1] on by opts
 * (ended by an entry with neither name nor short_name); -h and --help
 * print usage.  With in_order, parsing stops at the first operand (a
 * subcommand's own words follow), else options and operands may mix.
 * A bad value prints "bad --NAME 'VALUE'" (or "bad -N 'VALUE'").
 * Return: -1 to go on, with *ret_first the index of the first operand;
 * else the exit code to return (CLI_EXIT_OK after --help, CLI_EXIT_USAGE
 * after printing the problem and usage).
 */
int cli_parse(int argc, char **argv, const struct cli_option *opts,
	      const char *usage, bool in_order, int *ret_first);

void cli_list_free(struct cli_list *l);

/* A CLI_CUSTOM parser of sizes: "123", "64K", "512M", "2G", "1T" (K, M, G,
 * T: powers of 1024) into the uint64_t *target; zero is refused. */
bool cli_parse_size(const char *value, void *target);

#endif /* CT_CLI_OPTIONS_H */
