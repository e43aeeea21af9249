/* SPDX-License-Identifier: MIT */
/*
 * cmd-bt.c - "crashtriage bt DUMP": kernel stacks of a Linux kernel crash
 * dump unwound with the kernel's own ORC tables and named with its
 * kallsyms, no debug package (crash's bt, without the vmlinux).
 */
#include <limits.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "analyzer/strbuf.h"
#include "analyzer/vmcore.h"

const char cmd_bt_usage[] =
	"usage: crashtriage bt DUMP [--all | --pid N | --state S] [--json]\n"
	"       [--quiet]\n"
	"\n"
	"Unwind kernel stacks of the Linux kernel crash dump DUMP with the\n"
	"kernel's own ORC unwind tables and name the frames with its kallsyms\n"
	"(no vmlinux, no debug package).  The panicking task starts from its\n"
	"CPU's registers in the dump's notes, others from their saved stack\n"
	"pointer.  Frames ORC found are reliable; where ORC cannot go on\n"
	"(code of a module without its ORC), the rest of the stack is scanned and those frames are\n"
	"marked '?', as the kernel marks them.  Each stack ends with how it\n"
	"ended.  Without an option: the panicking task (else every task that\n"
	"was running on a CPU).  A kernel without BTF has no tasks to show:\n"
	"then every CPU's stack is unwound from its registers instead.\n"
	"\n"
	"  --all      every task\n"
	"  --pid N    the task with pid N\n"
	"  --state S  the tasks in state S (R, S, D, I, T, Z, ...)\n"
	"  --json     one JSON object: stacks[] (task, start, frames[] with\n"
	"             pc, function, offset, reliable; end, complete, scanned)\n"
	"             and notes[]\n"
	"  --quiet    say nothing on stderr about what could not be read\n"
	"  -h, --help show this help\n"
	"\n"
	"exit status: 0 when the stacks were printed, 1 when the dump cannot\n"
	"be read, its kernel has no BTF or ORC, or no task matched, 2 on\n"
	"usage errors\n";

static void frame_text(const struct ct_kframe *f, size_t n)
{
	printf(" #%-2zu %s0x%016llx", n, f->reliable ? "  " : "? ",
	       (unsigned long long)f->pc);
	if (f->function)
		printf(" %s+0x%llx", cli_vis(f->function),
		       (unsigned long long)f->offset);
	if (f->module)
		printf(" [%s]", cli_vis(f->module));
	fputs(f->regs ? "  <pt_regs>\n" : "\n", stdout);
}

static void stack_json(struct ct_strbuf *sb, const struct ct_ktask *t,
		       const struct ct_kstack *s, const char *why)
{
	if (t) {
		ct_strbuf_puts(sb, "{\"task\":");
		cli_ktask_json(sb, t);
	} else {
		ct_strbuf_puts(sb, "{\"task\":null");
	}
	if (why) {
		ct_strbuf_puts(sb, ",\"error\":");
		ct_strbuf_json_string(sb, why);
		ct_strbuf_putc(sb, '}');
		return;
	}
	ct_strbuf_puts(sb, ",\"start\":");
	ct_strbuf_json_string(sb, s->start);
	if (s->regs_cpu >= 0)
		ct_strbuf_appendf(sb, ",\"regs_cpu\":%d", s->regs_cpu);
	ct_strbuf_puts(sb, ",\"frames\":[");
	for (size_t i = 0; i < s->count; i++) {
		const struct ct_kframe *f = &s->frames[i];
		ct_strbuf_appendf(sb, "%s{\"pc\":\"0x%llx\",\"function\":",
				  i ? "," : "", (unsigned long long)f->pc);
		if (f->function)
			ct_strbuf_json_string(sb, f->function);
		else
			ct_strbuf_puts(sb, "null");
		if (f->module) {
			ct_strbuf_puts(sb, ",\"module\":");
			ct_strbuf_json_string(sb, f->module);
		}
		ct_strbuf_appendf(sb, ",\"offset\":%llu,\"reliable\":%s,"
				  "\"regs\":%s}",
				  (unsigned long long)f->offset,
				  f->reliable ? "true" : "false",
				  f->regs ? "true" : "false");
	}
	ct_strbuf_puts(sb, "],\"end\":");
	ct_strbuf_json_string(sb, s->end ? s->end : "");
	ct_strbuf_appendf(sb, ",\"complete\":%s,\"scanned\":%s}",
			  s->complete ? "true" : "false",
			  s->scanned ? "true" : "false");
}

/* Print stack s (or why there is none) under a header already printed. */
static void stack_text(const struct ct_kstack *s, const char *why)
{
	if (why) {
		printf(" (no stack: %s)\n", cli_vis(why));
		return;
	}
	if (s->regs_cpu >= 0)
		printf(" from the registers of cpu%d\n", s->regs_cpu);
	else
		printf(" from its %s\n", s->start);
	for (size_t f = 0; f < s->count; f++)
		frame_text(&s->frames[f], f);
	printf(" -- %s\n", cli_vis(s->end ? s->end : ""));
}

/* Show the nth stack shown: s, or err when there is none (freed here,
 * as s is), of task t, or of CPU cpu when t is NULL. */
static void show_stack(struct ct_strbuf *sb, bool json, size_t nth,
		       const struct ct_ktask *t, size_t cpu,
		       struct ct_kstack *s, struct ct_error *err)
{
	const char *why = err ? err->message : NULL;
	if (json) {
		if (nth)
			ct_strbuf_putc(sb, ',');
		stack_json(sb, t, s, why);
	} else if (t) {
		printf("%sPID: %-6d TASK: 0x%llx  CPU: %d  STATE: %c  "
		       "COMMAND: \"%s\"%s\n", nth ? "\n" : "", t->pid,
		       (unsigned long long)t->address, t->cpu, t->state,
		       cli_vis(t->comm), t->panicking ? "  (panicking)" : "");
		stack_text(s, why);
	} else {
		printf("%sCPU %zu (no task: no BTF)\n", nth ? "\n" : "", cpu);
		stack_text(s, why);
	}
	if (err)
		ct_error_destroy(err);
	else
		ct_kstack_deinit(s);
}

/* Every CPU's stack from its registers, for a kernel without tasks. */
static int cpu_stacks(struct ct_vmcore *vc, struct ct_kernel *k, bool json,
		      bool quiet, const char *path)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	size_t n = ct_kernel_cpu_count(k);
	if (json)
		ct_strbuf_puts(&sb, "{\"stacks\":[");
	for (size_t c = 0; c < n; c++) {
		struct ct_kstack s;
		struct ct_error *err = ct_kernel_unwind_cpu(k, c, &s);
		show_stack(&sb, json, c, NULL, c, &s, err);
	}
	if (json)
		ct_strbuf_puts(&sb, "],");
	cli_kernel_finish(&sb, json, quiet, path, vc, k);
	return n ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

/* No --pid given (out of CLI_UINT's range below). */
#define NO_PID ULONG_MAX

int cmd_bt(int argc, char **argv)
{
	bool json = false, quiet = false, all = false;
	unsigned long pid = NO_PID;	/* pid 0 is the idle task */
	const char *state = NULL;
	const struct cli_option options[] = {
		CLI_FLAG("all", 'a', &all),
		CLI_UINT("pid", 'p', &pid, 0, 0x7fffffff),
		CLI_STRING("state", 0, &state),
		CLI_FLAG("json", 0, &json),
		CLI_FLAG("quiet", 0, &quiet),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_bt_usage, false, &optind);
	if (rc >= 0)
		return rc;
	bool has_pid = pid != NO_PID;
	if (optind + 1 != argc || (all + has_pid + (state != NULL)) > 1 ||
	    (state && strlen(state) != 1)) {
		fputs(cmd_bt_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct ct_vmcore *vc;
	struct ct_kernel *k;
	const struct ct_ktask *tasks;
	size_t n;
	rc = cli_kernel_open(path, quiet, false, &vc, &k, &tasks, &n);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (!n) {	/* no tasks (no BTF): the CPUs' registers */
		rc = cpu_stacks(vc, k, json, quiet, path);
		ct_kernel_destroy(k);
		ct_vmcore_destroy(vc);
		return rc;
	}
	bool any_panicking = false;
	for (size_t i = 0; i < n; i++)
		any_panicking |= tasks[i].panicking;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	if (json)
		ct_strbuf_puts(&sb, "{\"stacks\":[");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ct_ktask *t = &tasks[i];
		bool want = all ? true
			  : has_pid ? (unsigned long)t->pid == pid
			  : state ? t->state == state[0]
			  : any_panicking ? t->panicking : t->on_cpu;
		if (!want)
			continue;
		struct ct_kstack s;
		struct ct_error *err = ct_kernel_unwind(k, i, &s);
		show_stack(&sb, json, shown, t, 0, &s, err);
		shown++;
	}
	if (json)
		ct_strbuf_puts(&sb, "],");
	cli_kernel_finish(&sb, json, quiet, path, vc, k);
	ct_kernel_destroy(k);
	ct_vmcore_destroy(vc);
	if (!shown) {
		cli_errorf("'%s': no task matched", path);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}
