/* SPDX-License-Identifier: MIT */
/*
 * cmd-dmesg.c - "crashtriage dmesg DUMP": print the kernel log of a Linux
 * kernel crash dump the way vmcore-dmesg (kexec-tools) does, or with
 * --kallsyms the kernel's symbol table the way /proc/kallsyms shows it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "analyzer/vmcore.h"

const char cmd_dmesg_usage[] =
	"usage: crashtriage dmesg DUMP [--kallsyms] [--quiet]\n"
	"\n"
	"Print the kernel log held in the printk ring of the Linux kernel\n"
	"crash dump DUMP (an ELF vmcore: /proc/vmcore saved by kdump, or QEMU\n"
	"dump-guest-memory with or without paging), formatted as vmcore-dmesg\n"
	"prints it: '[seconds.micros] text', bytes that are neither printable\n"
	"nor white space as \\xNN.  Only VMCOREINFO is needed; physical-only\n"
	"dumps are read through the kernel's page tables.  What could not be\n"
	"read (a cut file, pages the dump lacks) is said on stderr.\n"
	"\n"
	"  --kallsyms print the kernel's symbols decoded from the dump instead,\n"
	"             one 'ADDRESS TYPE NAME' line each, as /proc/kallsyms\n"
	"  --quiet    say nothing on stderr about what could not be read\n"
	"  -h, --help show this help\n"
	"\n"
	"exit status: 0 when the log (or symbol table) was printed, 1 when it\n"
	"could not be read at all, 2 on usage errors\n";

static int print_kallsyms(struct ct_vmcore *vc, const char *path, bool quiet)
{
	struct ct_kallsyms *ks;
	struct ct_error *err = ct_vmcore_kallsyms(vc, &ks);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	size_t n = ct_kallsyms_count(ks);
	for (size_t i = 0; i < n; i++) {
		struct ct_kallsyms_entry e;
		ct_kallsyms_get(ks, i, &e);
		printf("%016" PRIx64 " %c %s\n", e.address, e.type, e.name);
	}
	if (!quiet && ct_kallsyms_loss(ks))
		cli_errorf("'%s': %s", path, ct_kallsyms_loss(ks));
	ct_kallsyms_destroy(ks);
	return CLI_EXIT_OK;
}

static int print_dmesg(struct ct_vmcore *vc, const char *path, bool quiet)
{
	struct ct_strbuf out = CT_STRBUF_INIT;
	struct ct_dmesg_stats st;
	struct ct_error *err = ct_vmcore_dmesg(vc, &out, &st);
	if (err) {
		ct_strbuf_deinit(&out);
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	if (out.len && fwrite(out.buf, 1, out.len, stdout) != out.len) {
		ct_strbuf_deinit(&out);
		cli_errorf("cannot write the log: %s", strerror(errno));
		return CLI_EXIT_FAILED;
	}
	ct_strbuf_deinit(&out);
	if (!quiet && st.skipped)
		cli_errorf("'%s': %zu log records not read", path, st.skipped);
	if (!quiet && st.bytes_missing)
		cli_errorf("'%s': %llu bytes of the printk ring not in the "
			   "dump",
			   path, (unsigned long long)st.bytes_missing);
	return CLI_EXIT_OK;
}

int cmd_dmesg(int argc, char **argv)
{
	bool kallsyms = false, quiet = false;
	const struct cli_option options[] = {
		CLI_FLAG("kallsyms", 0, &kallsyms),
		CLI_FLAG("quiet", 0, &quiet),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_dmesg_usage, false,
			   &optind);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fputs(cmd_dmesg_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct ct_vmcore *vc;
	struct ct_error *err = ct_vmcore_open_file(path, &vc);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	if (!quiet)
		for (size_t i = 0; i < ct_vmcore_loss_count(vc); i++)
			cli_errorf("'%s': %s", path, ct_vmcore_loss(vc, i));
	rc = kallsyms ? print_kallsyms(vc, path, quiet)
		      : print_dmesg(vc, path, quiet);
	ct_vmcore_destroy(vc);
	return rc;	/* write errors: cli_stdout_close() in main.c */
}
