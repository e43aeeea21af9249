/* SPDX-License-Identifier: MIT */
/*
 * cmd-ps.c - "crashtriage ps DUMP": the tasks of a Linux kernel crash
 * dump, read with the kernel's own BTF types (no debug package), as
 * crash's ps lists them; and cli_kernel_open(), which "bt" shares.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "analyzer/strbuf.h"
#include "analyzer/vmcore.h"

const char cmd_ps_usage[] =
	"usage: crashtriage ps DUMP [--modules] [--json] [--quiet]\n"
	"\n"
	"List the tasks of the Linux kernel crash dump DUMP (ELF vmcore or\n"
	"kdump-compressed) with no debug package: the layout of task_struct\n"
	"comes from the kernel's own BTF in the dump, the task list is walked\n"
	"from init_task (bounded, loops and bad back links reported).  One\n"
	"line a task: PID, TGID, CPU it last ran on, state (R running, S\n"
	"sleeping, D uninterruptible, I idle, T stopped, Z zombie, ...), '>'\n"
	"for the current task of a CPU, '!' for the panicking one, COMM\n"
	"([bracketed] for kernel threads).  What could not be read is said on\n"
	"stderr.\n"
	"\n"
	"  --modules  list the loaded modules instead: name, version (when\n"
	"             the module has one), srcversion, state, taints, where\n"
	"             its code is, its ORC entries and symbols\n"
	"  --json     one JSON object: tasks[] (pid, tgid, cpu, state, comm,\n"
	"             kthread, on_cpu, panicking, address) or modules[], and\n"
	"             notes[]\n"
	"  --quiet    say nothing on stderr about what could not be read\n"
	"  -h, --help show this help\n"
	"\n"
	"exit status: 0 when the tasks were listed, 1 when the dump cannot be\n"
	"read or its kernel has no BTF, 2 on usage errors\n";

int cli_kernel_open(const char *path, bool quiet, bool need_tasks,
		    struct ct_vmcore **ret_vc, struct ct_kernel **ret_k,
		    const struct ct_ktask **ret_tasks, size_t *ret_count)
{
	struct ct_vmcore *vc;
	struct ct_error *err = ct_vmcore_open_file(path, &vc);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	struct ct_kernel *k;
	err = ct_kernel_open(vc, &k);
	if (!err) {
		err = ct_kernel_tasks(k, ret_tasks, ret_count);
		if (err && !need_tasks) {
			if (!quiet)
				cli_error(err);
			*ret_tasks = NULL;
			*ret_count = 0;
			err = NULL;
		} else if (err) {
			if (!quiet)
				cli_kernel_notes(path, vc, k);
			ct_kernel_destroy(k);
		}
	}
	if (err) {
		cli_error(err);
		ct_vmcore_destroy(vc);
		return CLI_EXIT_FAILED;
	}
	*ret_vc = vc;
	*ret_k = k;
	return CLI_EXIT_OK;
}

void cli_kernel_notes(const char *path, struct ct_vmcore *vc,
		      struct ct_kernel *k)
{
	for (size_t i = 0; i < ct_vmcore_loss_count(vc); i++)
		cli_errorf("'%s': %s", path, ct_vmcore_loss(vc, i));
	for (size_t i = 0; i < ct_kernel_note_count(k); i++)
		cli_errorf("'%s': %s", path, ct_kernel_note(k, i));
}

void cli_kernel_notes_json(struct ct_strbuf *sb, struct ct_vmcore *vc,
			   struct ct_kernel *k)
{
	ct_strbuf_puts(sb, "\"notes\":[");
	size_t n = 0;
	for (size_t i = 0; i < ct_vmcore_loss_count(vc); i++, n++) {
		if (n)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_json_string(sb, ct_vmcore_loss(vc, i));
	}
	for (size_t i = 0; i < ct_kernel_note_count(k); i++, n++) {
		if (n)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_json_string(sb, ct_kernel_note(k, i));
	}
	ct_strbuf_putc(sb, ']');
}

void cli_kernel_finish(struct ct_strbuf *sb, bool json, bool quiet,
		       const char *path, struct ct_vmcore *vc,
		       struct ct_kernel *k)
{
	if (json) {
		cli_kernel_notes_json(sb, vc, k);
		ct_strbuf_puts(sb, "}\n");
		fwrite(sb->buf, 1, sb->len, stdout);
	} else if (!quiet) {
		cli_kernel_notes(path, vc, k);
	}
	ct_strbuf_deinit(sb);
}

void cli_ktask_json(struct ct_strbuf *sb, const struct ct_ktask *t)
{
	ct_strbuf_appendf(sb, "{\"pid\":%d,\"tgid\":%d,\"cpu\":%d,"
			  "\"state\":\"%c\",\"comm\":", t->pid, t->tgid,
			  t->cpu, t->state);
	ct_strbuf_json_string(sb, t->comm);
	ct_strbuf_appendf(sb, ",\"kthread\":%s,\"on_cpu\":%s,"
			  "\"panicking\":%s,\"address\":\"0x%llx\"}",
			  t->kthread ? "true" : "false",
			  t->on_cpu ? "true" : "false",
			  t->panicking ? "true" : "false",
			  (unsigned long long)t->address);
}

static void print_modules(struct ct_kernel *k, bool json,
			  struct ct_strbuf *sb)
{
	const struct ct_kmodule *m;
	size_t n;
	struct ct_error *err = ct_kernel_modules(k, &m, &n);
	if (err) {
		cli_error(err);
		n = 0;
	}
	if (json)
		ct_strbuf_puts(sb, "{\"modules\":[");
	else
		printf("MODULE                   VERSION      STATE    TAINTS "
		       "ORC    SYMBOLS  CODE\n");
	for (size_t i = 0; i < n; i++) {
		if (!json) {
			printf("%-24s %-12s %-8s %6llx %-6zu %-8zu "
			       "0x%llx-0x%llx\n", cli_vis(m[i].name),
			       m[i].version[0] ? cli_vis(m[i].version) : "-",
			       m[i].state, (unsigned long long)m[i].taints,
			       m[i].orc_entries, m[i].symbols,
			       (unsigned long long)m[i].text_lo,
			       (unsigned long long)m[i].text_hi);
			continue;
		}
		ct_strbuf_puts(sb, i ? ",{\"name\":" : "{\"name\":");
		ct_strbuf_json_string(sb, m[i].name);
		ct_strbuf_puts(sb, ",\"version\":");
		ct_strbuf_json_string(sb, m[i].version);
		ct_strbuf_puts(sb, ",\"srcversion\":");
		ct_strbuf_json_string(sb, m[i].srcversion);
		ct_strbuf_appendf(sb, ",\"state\":\"%s\",\"taints\":%llu,"
				  "\"orc_entries\":%zu,\"symbols\":%zu,"
				  "\"text\":[\"0x%llx\",\"0x%llx\"]}",
				  m[i].state, (unsigned long long)m[i].taints,
				  m[i].orc_entries, m[i].symbols,
				  (unsigned long long)m[i].text_lo,
				  (unsigned long long)m[i].text_hi);
	}
	if (json)
		ct_strbuf_puts(sb, "],");
}

int cmd_ps(int argc, char **argv)
{
	bool json = false, quiet = false, modules = false;
	const struct cli_option options[] = {
		CLI_FLAG("modules", 0, &modules),
		CLI_FLAG("json", 0, &json),
		CLI_FLAG("quiet", 0, &quiet),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_ps_usage, false, &optind);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fputs(cmd_ps_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct ct_vmcore *vc;
	struct ct_kernel *k;
	const struct ct_ktask *tasks;
	size_t n;
	rc = cli_kernel_open(path, quiet, true, &vc, &k, &tasks, &n);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (modules) {
		struct ct_strbuf sb = CT_STRBUF_INIT;
		print_modules(k, json, &sb);
		cli_kernel_finish(&sb, json, quiet, path, vc, k);
	} else if (json) {
		struct ct_strbuf sb = CT_STRBUF_INIT;
		ct_strbuf_puts(&sb, "{\"tasks\":[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				ct_strbuf_putc(&sb, ',');
			cli_ktask_json(&sb, &tasks[i]);
		}
		ct_strbuf_puts(&sb, "],");
		cli_kernel_notes_json(&sb, vc, k);
		ct_strbuf_puts(&sb, "}\n");
		fwrite(sb.buf, 1, sb.len, stdout);
		ct_strbuf_deinit(&sb);
	} else {
		printf("   PID   TGID CPU ST   COMM\n");
		for (size_t i = 0; i < n; i++) {
			const struct ct_ktask *t = &tasks[i];
			char cpu[16] = "-";
			if (t->cpu >= 0)
				snprintf(cpu, sizeof(cpu), "%d", t->cpu);
			printf("%6d %6d %3s %c %c%c %s%s%s\n", t->pid, t->tgid,
			       cpu, t->state, t->panicking ? '!' : ' ',
			       t->on_cpu ? '>' : ' ', t->kthread ? "[" : "",
			       cli_vis(t->comm), t->kthread ? "]" : "");
		}
		if (!quiet)
			cli_kernel_notes(path, vc, k);
	}
	ct_kernel_destroy(k);
	ct_vmcore_destroy(vc);
	return CLI_EXIT_OK;
}
