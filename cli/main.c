/* SPDX-License-Identifier: MIT */
/*
 * main.c - the crashtriage command: global options and the dispatch table.
 * Each subcommand lives in its own cmd-*.c file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "analyzer/strbuf.h"

static const struct cli_command commands[] = {
	{ "analyze", cmd_analyze,
	  "describe, normalise and sign the crash in files or folders",
	  cmd_analyze_usage },
	{ "kb", cmd_kb,
	  "list, show, check, build and search the known-issue rules",
	  cmd_kb_usage },
	{ "batch", cmd_batch,
	  "classify folders, files and archives into a results database",
	  cmd_batch_usage },
	{ "report", cmd_report,
	  "summarise a results database (text, JSON, CSV, HTML)",
	  cmd_report_usage },
	{ "serve", cmd_serve,
	  "serve a results database as a team dashboard (HTML and JSON)",
	  cmd_serve_usage },
	{ "merge", cmd_merge,
	  "fold shard results databases (batch --shard) into one",
	  cmd_merge_usage },
	{ "symbolize", cmd_symbolize,
	  "map addresses to functions (ELF/DWARF, System.map, symbol lists)",
	  cmd_symbolize_usage },
	{ "dmesg", cmd_dmesg,
	  "print the kernel log (or kallsyms) of a Linux kernel crash dump",
	  cmd_dmesg_usage },
	{ "ps", cmd_ps,
	  "list the tasks of a Linux kernel crash dump (types from its BTF)",
	  cmd_ps_usage },
	{ "bt", cmd_bt,
	  "unwind a kernel crash dump's task stacks with the kernel's ORC",
	  cmd_bt_usage },
	{ "walk", cmd_walk,
	  "follow a TAILQ or list_head in a core, checking every link",
	  cmd_walk_usage },
};

static const char main_usage[] =
	"usage: crashtriage [--version] [--help] COMMAND [ARGS]\n"
	"\n"
	"crashtriage reads crash evidence (gdb backtraces, ESXi vmkernel logs\n"
	"and PSOD screens, Linux kernel logs, system facts) and says what\n"
	"crashed, in a form that stays the same across hosts and builds.\n"
	"\n"
	"commands:\n";

const char *cli_vis(const char *s)
{
	enum { RING = 16 };
	static struct ct_strbuf ring[RING];
	static unsigned next;
	if (!s)
		return NULL;
	struct ct_strbuf *sb = &ring[next++ % RING];
	sb->len = 0;
	sb->failed = false;
	if (sb->buf)
		sb->buf[0] = '\0';
	ct_strbuf_put_visible(sb, s);
	if (sb->failed)
		return "(out of memory)";
	return sb->buf ? sb->buf : "";
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* messages name files and members: shown as cli_vis() shows them */
	fprintf(stderr, "crashtriage: %s\n", n < 0 ? "out of memory" : cli_vis(msg));
	if (n >= 0)
		free(msg);
}

void cli_error(struct ct_error *err)
{
	char *msg = ct_error_format(err);
	cli_errorf("%s", msg ? msg : "out of memory");
	free(msg);
	ct_error_destroy(err);
}

int cli_stdout_close(int rc)
{
	/* an error met earlier (the buffer already dropped) stays in
	 * ferror(); fflush and fclose report the ones still to come */
	bool bad = ferror(stdout) != 0;
	errno = 0;
	if (fflush(stdout) != 0)
		bad = true;
	int e = errno;
	if (fclose(stdout) != 0) {
		bad = true;
		if (!e)
			e = errno;
	}
	if (!bad)
		return rc;
	if (e)
		cli_errorf("cannot write to standard output: %s", strerror(e));
	else
		cli_errorf("cannot write to standard output");
	return rc == CLI_EXIT_OK || rc == CLI_EXIT_USAGE ? CLI_EXIT_FAILED : rc;
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void main_help(FILE *f)
{
	fputs(main_usage, f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("  help       show help for a command\n"
	      "\nrun 'crashtriage help COMMAND' for a command's options\n", f);
}

void cli_usage(FILE *f, const char *name)
{
	const struct cli_command *cmd = find_command(name);
	if (cmd)
		fputs(cmd->usage, f);
	else
		main_help(f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		main_help(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("crashtriage %s\n", ct_version());
		return cli_stdout_close(CLI_EXIT_OK);
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		main_help(stdout);
		return cli_stdout_close(CLI_EXIT_OK);
	}
	if (strcmp(name, "help") == 0) {
		if (argc > 2 && !find_command(argv[2])) {
			cli_errorf("no command '%s'", argv[2]);
			return CLI_EXIT_USAGE;
		}
		cli_usage(stdout, argc > 2 ? argv[2] : "");
		return cli_stdout_close(CLI_EXIT_OK);
	}
	const struct cli_command *cmd = find_command(name);
	if (!cmd) {
		cli_errorf("no command '%s'; see 'crashtriage --help'", name);
		return CLI_EXIT_USAGE;
	}
	/* every command's output checked in one place: a full disk or a
	 * closed pipe is an error, never a silent short report */
	return cli_stdout_close(cmd->run(argc - 1, argv + 1));
}
