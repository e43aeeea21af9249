/* SPDX-License-Identifier: MIT */
/*
 * test-extract-linux.c - the Linux kernel log extractor: sniffing, every
 * report headline, prefix styles, frame forms, facts, driver hang dumps,
 * crash selection, hostile input, and the corpus under tests/data/linux.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "tests/unit/helpers.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static bool sniffs(const char *text)
{
	return ct_extractor_linux.sniff(text, strlen(text));
}

/* Analyse text the way the command does: sniff, extract, events, sign. */
static struct ct_case *analyze_len(const char *text, size_t len)
{
	struct ct_case *c = NULL;
	struct ct_error *err = ct_analyze_buffer("test.log", text, len, &c);
	assert_null(err);
	assert_non_null(c);
	return c;
}

static struct ct_case *analyze(const char *text)
{
	return analyze_len(text, strlen(text));
}

/* Run only the Linux extractor over text, then sign. */
static struct ct_case *extract_len(const char *text, size_t len)
{
	struct ct_case *c = NULL;
	assert_null(ct_case_create("test", &c));
	struct ct_text t = { .path = "test.log", .buf = text, .len = len };
	assert_null(ct_extractor_linux.extract(c, &t));
	assert_null(ct_case_sign(c));
	return c;
}

static const struct ct_event *event_of(const struct ct_case *c,
				       const char *kind, size_t nth)
{
	for (size_t i = 0; i < c->event_count; i++)
		if (strcmp(c->events[i].kind, kind) == 0 && nth-- == 0)
			return &c->events[i];
	return NULL;
}

/* The signature's frames joined with spaces, for compact asserts. */
static void sig_frames(const struct ct_case *c, char *buf, size_t n)
{
	buf[0] = '\0';
	size_t k = 0;
	for (size_t i = 0; i < c->signature.frame_count; i++) {
		int w = snprintf(buf + k, n - k, "%s%s", i ? " " : "",
				 c->signature.frames[i]);
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

#define assert_sig(c, want)                                              \
	do {                                                             \
		char sig_buf_[512];                                      \
		sig_frames((c), sig_buf_, sizeof(sig_buf_));             \
		assert_string_equal(sig_buf_, (want));                   \
	} while (0)

/* ------------------------------------------------------------------------
 * Inputs
 * ------------------------------------------------------------------------ */

/* FORMATS-AND-FACTS.md A4, one line per entry without prefixes; the
 * prefix tests add each style to every line. */
static const char *const a4_lines[] = {
	"BUG: kernel NULL pointer dereference, address: 0000000000000040",
	"#PF: supervisor read access in kernel mode",
	"#PF: error_code(0x0000) - not-present page",
	"PGD 0 P4D 0",
	"Oops: 0000 [#1] PREEMPT SMP NOPTI",
	"CPU: 3 PID: 211 Comm: kworker/3:2 Tainted: G           OE      6.1.0-18-amd64 #1 Debian 6.1.76-1",
	"Hardware name: VMware, Inc. VMware7,1/440BX Desktop Reference Platform, BIOS VMW71.00V.0000000.B64.0000000000 01/01/2024",
	"Workqueue: i40e i40e_service_task [i40e]",
	"RIP: 0010:i40e_sync_vsi_filters+0x2c/0xe90 [i40e]",
	"Call Trace:",
	" <TASK>",
	" ? __die_body.cold+0x1a/0x1f",
	" ? page_fault_oops+0xd2/0x2b0",
	" ? asm_exc_page_fault+0x22/0x30",
	" i40e_sync_filters_subtask+0x5a/0x80 [i40e]",
	" i40e_service_task+0x1c5/0x7e0 [i40e]",
	" process_one_work+0x1c7/0x380",
	" worker_thread+0x4d/0x380",
	" kthread+0xd7/0x100",
	" ret_from_fork+0x1f/0x30",
	" </TASK>",
	"Modules linked in: i40e(OE) ptp pps_core",
	"CR2: 0000000000000040",
	"---[ end trace 0000000000000000 ]---",
};

/* Build the A4 oops with prefix fmt ("%s" for the message, and a %d
 * for a growing microsecond count before it when stamp is set). */
static char *a4_with_prefix(const char *style)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	for (size_t i = 0; i < CT_ARRAY_SIZE(a4_lines); i++) {
		const char *l = a4_lines[i];
		if (strcmp(style, "bare") == 0)
			ct_strbuf_appendf(&sb, "%s\n", l);
		else if (strcmp(style, "dmesg") == 0)
			ct_strbuf_appendf(&sb, "[ 4711.%06zu] %s\n", 120001 + i, l);
		else if (strcmp(style, "caller") == 0)
			ct_strbuf_appendf(&sb, "[ 4711.%06zu][  T211] %s\n",
					  120001 + i, l);
		else if (strcmp(style, "cpu-caller") == 0)
			ct_strbuf_appendf(&sb, "[ 4711.%06zu][    C3] %s\n",
					  120001 + i, l);
		else if (strcmp(style, "loglevel") == 0)
			ct_strbuf_appendf(&sb, "<4>[ 4711.%06zu] %s\n",
					  120001 + i, l);
		else if (strcmp(style, "journal") == 0)
			ct_strbuf_appendf(&sb, "Feb 10 10:57:%02zu node7 kernel: %s\n",
					  i % 60, l);
		else if (strcmp(style, "syslog-dmesg") == 0)
			ct_strbuf_appendf(&sb, "Aug 28 11:31:07 node7 kernel: [ 3139.%06zu] %s\n",
					  i, l);
		else if (strcmp(style, "human") == 0)
			ct_strbuf_appendf(&sb, "[Tue Feb  6 10:57:%02zu 2024] %s\n",
					  i % 60, l);
		else if (strcmp(style, "indented") == 0)
			ct_strbuf_appendf(&sb, "    [ 4711.%06zu] %s\n",
					  120001 + i, l);
		else if (strcmp(style, "monotonic") == 0)
			ct_strbuf_appendf(&sb, "[ 4711.%06zu] node7 kernel: %s\n",
					  120001 + i, l);
		else if (strcmp(style, "broadcast") == 0)
			ct_strbuf_appendf(&sb, "kernel:[ 4711.%06zu] %s\n",
					  120001 + i, l);
		else if (strcmp(style, "iso") == 0)
			ct_strbuf_appendf(&sb, "2024-02-10T10:57:30.%06zu+01:00 node7 kernel: %s\n",
					  i, l);
	}
	assert_false(sb.failed);
	return ct_strbuf_detach(&sb);
}

/* The ESXi vmkernel log must not look like a Linux log, even when its
 * messages say "WARNING:" or a NIC hang. */
static const char esxi_log[] =
	"2025-02-03T04:05:06.100Z cpu7:2097733)WARNING: CPU: 7 world stuck\n"
	"2025-02-03T04:05:06.101Z cpu7:2097733)ne1000: vmnic0: Detected Hardware Unit Hang:\n"
	"2025-02-03T04:05:06.102Z cpu7:2097733)BUG: something odd\n"
	"2025-02-03T04:05:06.103Z In(182) vmkernel: cpu7:2097733)Kernel panic - not syncing: no\n"
	"2025-02-03T04:05:06.104Z cpu7:2097733)0x453a01b1be20:[0x420031a2b3c4]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x3f1 stack: 0x430a1b2c3d40\n";

static const char gdb_bt[] =
	"(gdb) bt\n"
	"#0  0x00007ffff7e3c9fc in __pthread_kill_implementation () from /lib/x86_64-linux-gnu/libc.so.6\n"
	"#1  0x00007ffff7de8476 in raise () from /lib/x86_64-linux-gnu/libc.so.6\n"
	"#2  0x0000555555555171 in check_table (t=0x5555555592a0) at table.c:17\n"
	"#3  0x0000555555555190 in main () at table.c:25\n";

/* ------------------------------------------------------------------------
 * Sniffing
 * ------------------------------------------------------------------------ */

static void test_sniff_positive(void **state)
{
	(void)state;
	assert_true(sniffs("[    0.000000] Linux version 6.1.0-18-amd64\n"
			   "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz\n"));
	assert_true(sniffs("May 25 15:23:30 pve-02 kernel: e1000e: link up\n"));
	assert_true(sniffs("<4>[    6.246822] usb 1-1: new device\n"
			   "<4>[    6.246900] usb 1-1: gone\n"));
	/* a pasted headline without any prefix, inside other text */
	assert_true(sniffs("We saw this today:\n"
			   "general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] SMP NOPTI\n"));
	assert_true(sniffs("text\nCall Trace:\n foo+0x1/0x2\n"));
	assert_true(sniffs("RIP: 0010:foo+0x1/0x2\n"));
	assert_true(sniffs("watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:123]\n"));
	assert_true(sniffs("igb 0000:09:00.0: Detected Tx Unit Hang\n"));
	assert_true(sniffs("Kernel panic - not syncing: Attempted to kill init!\n"));
	/* frame 0 lines and arm unwinder lines of other archs, pasted */
	assert_true(sniffs("Krnl PSW : 0704c00180000000 000000000012345a (tcp_ack+0x1a/0x30)\n"));
	assert_true(sniffs("NIP [c0000000004c4c6c] .sysrq_handle_crash+0x1c/0x30\n"));
	assert_true(sniffs("PC is at update_vsyscall+0x1c/0x380\n"));
	assert_true(sniffs("EIP is at clear_huge_page+0x4a/0x160\n"));
	assert_true(sniffs("[<c0269b80>] (__wake_up_common) from [<c0269eb8>] (__wake_up_common_lock+0x84/0x108)\n"));
	assert_true(sniffs(" unwind_backtrace from show_stack+0x10/0x14\n"));
	/* a log a mailer re-flowed: records run together mid-line */
	assert_true(sniffs("> ip_tables autofs4 [  541.633164] CPU: 38 PID: 2812\n"
			   "> Not tainted 5.6.0+ [  541.633166] Hardware name: IBM\n"
			   "> 3906 [  541.633167] Krnl PSW : 0704d00180000000\n"));
	/* a headline past the line window is found by the anchors */
	size_t pad = 600 * 1024;
	char *big = malloc(pad + 128);
	assert_non_null(big);
	memset(big, 'x', pad);
	for (size_t i = 79; i < pad; i += 80)
		big[i] = '\n';
	const char tail[] = "\nWARNING: CPU: 1 PID: 9 at net/core/dev.c:1 f+0x1/0x2\n";
	memcpy(big + pad, tail, sizeof(tail));
	assert_true(ct_extractor_linux.sniff(big, strlen(big)));
	free(big);
}

static void test_sniff_negative(void **state)
{
	(void)state;
	assert_false(sniffs(esxi_log));
	assert_false(sniffs(gdb_bt));
	assert_false(sniffs("hello\nworld\n"));
	assert_false(sniffs("I had an Oops moment and a BUG: in my code.\n"));
	assert_false(sniffs("[1] first\n[2] second\n"));
	assert_false(sniffs("My PC is at home.\nPC is at home today\n"));
	assert_false(sniffs("EIP is at fault, said the manual\n"));
	assert_false(sniffs("Greetings from Paris\nletters from home\n"));
	assert_false(sniffs("see [ 1.5] and [ 2.25] and [ 3.125]\n"));
	unsigned kinds = ct_sniff(esxi_log, strlen(esxi_log));
	assert_false(kinds & (1u << CT_KIND_LINUX_KERNEL_LOG));
	kinds = ct_sniff(gdb_bt, strlen(gdb_bt));
	assert_false(kinds & (1u << CT_KIND_LINUX_KERNEL_LOG));
	assert_true(kinds & (1u << CT_KIND_GDB_BACKTRACE));
}

/* ------------------------------------------------------------------------
 * Oops reports and frames
 * ------------------------------------------------------------------------ */

static void test_a4_null_deref(void **state)
{
	(void)state;
	char *text = a4_with_prefix("dmesg");
	struct ct_case *c = analyze(text);
	assert_true(c->inputs[0].kinds & (1u << CT_KIND_LINUX_KERNEL_LOG));
	assert_string_equal(c->panic.kind, "oops");
	assert_string_equal(c->panic.message,
			    "BUG: kernel NULL pointer dereference, address: 0000000000000040");
	assert_string_equal(c->panic.exception, "NULL pointer dereference");
	assert_string_equal(c->panic.context, "kworker/3:2");
	assert_string_equal(c->panic.cpu, "CPU 3");
	assert_int_equal(c->panic.origin.line, 1);
	assert_int_equal(c->backtrace_count, 1);
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 10);
	assert_string_equal(bt->label, "oops on CPU 3 (kworker/3:2)");
	const struct ct_frame *f0 = &bt->frames[0];
	assert_string_equal(f0->function, "i40e_sync_vsi_filters");
	assert_string_equal(f0->module, "i40e");
	assert_true(f0->has_offset);
	assert_int_equal(f0->offset, 0x2c);
	assert_false(bt->frames[1].reliable);
	assert_string_equal(bt->frames[1].normalized, "__die_body");
	assert_true(bt->frames[4].reliable);
	assert_true(bt->frames[6].generic);	/* process_one_work */
	assert_sig(c, "i40e_sync_vsi_filters i40e_sync_filters_subtask i40e_service_task");
	assert_string_equal(c->signature.title,
			    "BUG: unable to handle kernel NULL pointer dereference in i40e_sync_vsi_filters");
	assert_string_equal(c->signature.guilty, "i40e_sync_vsi_filters");
	assert_string_equal(c->panic.report_type,
			    "BUG: unable to handle kernel NULL pointer dereference");
	assert_false(c->panic.corrupted);
	assert_true(has_fact(c, "linux.release", "6.1.0-18-amd64"));
	assert_true(has_fact(c, "linux.version", "#1 Debian 6.1.76-1"));
	assert_true(has_fact(c, "linux.upstream", "6.1.76"));
	assert_true(has_fact(c, "linux.tainted", "GOE"));
	assert_true(has_fact(c, "linux.arch", "x86_64"));
	assert_true(has_fact(c, "linux.hardware",
			     "VMware, Inc. VMware7,1/440BX Desktop Reference Platform, BIOS VMW71.00V.0000000.B64.0000000000 01/01/2024"));
	assert_true(has_fact(c, "module.i40e.flags", "OE"));
	assert_true(has_fact(c, "module.i40e.loaded", "yes"));
	assert_true(has_fact(c, "module.pps_core.loaded", "yes"));
	assert_true(has_fact(c, "product", "linux"));
	ct_case_destroy(c);
	free(text);
}

/* Every prefix style gives the same frames and the same hash. */
static void test_prefix_styles_same_signature(void **state)
{
	(void)state;
	static const char *const styles[] = {
		"bare", "dmesg", "caller", "cpu-caller", "loglevel", "journal",
		"syslog-dmesg", "iso", "human", "indented", "monotonic",
		"broadcast",
	};
	char hash[17] = "";
	for (size_t i = 0; i < CT_ARRAY_SIZE(styles); i++) {
		char *text = a4_with_prefix(styles[i]);
		struct ct_case *c = analyze(text);
		const struct ct_backtrace *bt = crashing(c);
		assert_non_null(bt);
		assert_int_equal(bt->frame_count, 10);
		assert_string_equal(bt->frames[9].function, "ret_from_fork");
		assert_string_equal(c->panic.cpu, "CPU 3");
		assert_sig(c, "i40e_sync_vsi_filters i40e_sync_filters_subtask i40e_service_task");
		if (i == 0)
			snprintf(hash, sizeof(hash), "%s", c->signature.hash);
		assert_string_equal(c->signature.hash, hash);
		if (strcmp(styles[i], "journal") == 0 ||
		    strcmp(styles[i], "iso") == 0 ||
		    strcmp(styles[i], "monotonic") == 0)
			assert_true(has_fact(c, "host.name", "node7"));
		assert_true(sniffs(text));
		ct_case_destroy(c);
		free(text);
	}
	assert_int_equal(strlen(hash), 16);
}

/* <=4.x: "BUG: unable to handle kernel NULL pointer dereference at", the
 * "IP:" line, the old RIP form and "[<addr>] func" trace lines. */
static void test_old_kernel_forms(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[12345.678901] BUG: unable to handle kernel NULL pointer dereference at 0000000000000059\n"
		"[12345.678910] IP: [<ffffffffc0620676>] i40e_vsi_reset_stats+0x196/0x410 [i40e_zc]\n"
		"[12345.678920] PGD 0 \n"
		"[12345.678930] Oops: 0000 [#1] SMP \n"
		"[12345.678940] Modules linked in: i40e_zc(OE+) pf_ring(OE) zfs(PO) libahci [last unloaded: i40e]\n"
		"[12345.678950] CPU: 5 PID: 3211 Comm: pfring_zc Tainted: P           OE   4.4.0-142-generic #168-Ubuntu\n"
		"[12345.678960] task: ffff88046d0b1c00 ti: ffff880461f04000 task.ti: ffff880461f04000\n"
		"[12345.678970] RIP: 0010:[<ffffffffc0620676>]  [<ffffffffc0620676>] i40e_vsi_reset_stats+0x196/0x410 [i40e_zc]\n"
		"[12345.678980] RSP: 0018:ffff880461f07b28  EFLAGS: 00010246\n"
		"[12345.678990] Stack:\n"
		"[12345.679000]  ffff88046b1e0000 ffff880461f07b60 ffffffffc0622e87 0000000000000000\n"
		"[12345.679010] Call Trace:\n"
		"[12345.679020]  [<ffffffffc0622e87>] i40e_vsi_open+0x97/0x140 [i40e_zc]\n"
		"[12345.679030]  [<ffffffff8107e0e7>] ? __dev_open+0x27/0x30\n"
		"[12345.679040]  [<ffffffffc06236a1>] i40e_open+0x31/0x90 [i40e_zc]\n"
		"[12345.679050]  [<ffffffff81714a24>] __dev_open+0xb4/0x130\n"
		"[12345.679060] Code: 48 8b 45 c8 <48> 8b 40 59 \n"
		"[12345.679070] RIP  [<ffffffffc0620676>] i40e_vsi_reset_stats+0x196/0x410 [i40e_zc]\n"
		"[12345.679080]  RSP <ffff880461f07b28>\n"
		"[12345.679090] CR2: 0000000000000059\n"
		"[12345.679100] ---[ end trace 7a2bb6e4c4f0b2a1 ]---\n");
	assert_string_equal(c->panic.kind, "oops");
	assert_string_equal(c->panic.exception, "NULL pointer dereference");
	assert_string_equal(c->panic.context, "pfring_zc");
	assert_int_equal(c->backtrace_count, 1);
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 5);
	assert_string_equal(bt->frames[0].function, "i40e_vsi_reset_stats");
	assert_true(bt->frames[0].has_address);
	assert_int_equal(bt->frames[0].address, 0xffffffffc0620676ull);
	assert_string_equal(bt->frames[0].module, "i40e_zc");
	assert_string_equal(bt->frames[1].function, "i40e_vsi_open");
	assert_int_equal(bt->frames[1].address, 0xffffffffc0622e87ull);
	assert_false(bt->frames[2].reliable);
	assert_sig(c, "i40e_vsi_reset_stats i40e_vsi_open i40e_open __dev_open");
	assert_true(has_fact(c, "module.i40e_zc.flags", "OE+"));
	assert_true(has_fact(c, "module.zfs.flags", "PO"));
	assert_true(has_fact(c, "module.libahci.loaded", "yes"));
	assert_false(has_fact(c, "module.last.loaded", "yes"));
	assert_true(has_fact(c, "linux.tainted", "POE"));
	assert_true(has_fact(c, "linux.release", "4.4.0-142-generic"));
	assert_true(has_fact(c, "linux.version", "#168-Ubuntu"));
	assert_null(ct_case_fact(c, "linux.upstream"));
	ct_case_destroy(c);
}

/* The old and the new RIP forms give the same frame 0. */
static void test_rip_forms(void **state)
{
	(void)state;
	const char a_text[] =
		"RIP: 0010:[<ffffffff81234567>]  [<ffffffff81234567>] tcp_ack+0x196/0x410\n"
		"Call Trace:\n"
		" [<ffffffff81235000>] tcp_rcv_established+0x27/0x30\n";
	struct ct_case *a = extract_len(a_text, strlen(a_text));
	const char b_text[] =
		"RIP: 0010:tcp_ack+0x196/0x410\n"
		"Call Trace:\n"
		" tcp_rcv_established+0x27/0x30\n";
	struct ct_case *b = extract_len(b_text, strlen(b_text));
	assert_int_equal(a->backtraces[0].frame_count, 2);
	assert_int_equal(b->backtraces[0].frame_count, 2);
	assert_string_equal(a->backtraces[0].frames[0].function, "tcp_ack");
	assert_string_equal(b->backtraces[0].frames[0].function, "tcp_ack");
	assert_true(a->backtraces[0].frames[0].has_address);
	assert_false(b->backtraces[0].frames[0].has_address);
	assert_string_equal(a->signature.hash, b->signature.hash);
	/* a headless trace that has a kernel RIP is an oops */
	assert_string_equal(b->panic.kind, "oops");
	/* user-mode RIP is not a frame */
	const char u_text[] = "RIP: 0033:0x7f1234567890\nCall Trace:\n foo+0x1/0x2\n";
	struct ct_case *u = extract_len(u_text, strlen(u_text));
	assert_int_equal(u->backtraces[0].frame_count, 1);
	assert_string_equal(u->backtraces[0].frames[0].function, "foo");
	assert_string_equal(u->panic.kind, "trace");
	ct_case_destroy(a);
	ct_case_destroy(b);
	ct_case_destroy(u);
}

static void test_unreliable_frames_excluded(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"BUG: unable to handle page fault for address: ffffa0c3d2a3b000\n"
		"#PF: supervisor write access in kernel mode\n"
		"Oops: 0002 [#1] SMP PTI\n"
		"CPU: 1 PID: 77 Comm: modprobe Not tainted 5.15.0-91-generic #101-Ubuntu\n"
		"RIP: 0010:memset_erms+0x9/0x10\n"
		"Call Trace:\n"
		" <TASK>\n"
		" ? show_regs+0x6d/0x80\n"
		" ? __die+0x24/0x80\n"
		" ? page_fault_oops+0x99/0x1b0\n"
		" ? memset_erms+0x9/0x10\n"
		" ? exc_page_fault+0x8e/0x180\n"
		" ? asm_exc_page_fault+0x27/0x30\n"
		" ? memset_erms+0x9/0x10\n"
		" foo_init_ring+0x3a/0x90 [foo]\n"
		" ? bar_unused+0x10/0x10 [foo]\n"
		" foo_probe+0x1c2/0x300 [foo]\n"
		" do_one_initcall+0x46/0x1d0\n"
		" </TASK>\n");
	assert_string_equal(c->panic.exception, "page fault");
	assert_string_equal(c->panic.message,
			    "BUG: unable to handle page fault for address: ffffa0c3d2a3b000");
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 12);
	for (size_t i = 1; i <= 7; i++)
		assert_false(bt->frames[i].reliable);
	/* memset is a helper: the guilty frame is its caller */
	assert_sig(c, "foo_init_ring foo_probe do_one_initcall");
	assert_string_equal(c->signature.guilty, "foo_init_ring");
	assert_true(bt->frames[0].skipped);
	assert_true(has_fact(c, "linux.release", "5.15.0-91-generic"));
	assert_null(ct_case_fact(c, "linux.tainted"));
	ct_case_destroy(c);
}

/* A trace pasted below its headline with every frame "?" (a kernel that
 * unwinds by scanning the stack): the frames are read as the trace, but a
 * stale return address past its function's end stays out. */
static void test_all_unreliable_trace(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Call Trace:\n"
		" [<ffffffff8157484e>] ? dump_stack+0x40/0x50\n"
		" [<ffffffff81072f11>] ? warn_slowpath_common+0x81/0xb0\n"
		" [<ffffffff81072f8a>] ? warn_slowpath_fmt+0x4a/0x50\n"
		" [<ffffffff810d5430>] ? internal_add_timer+0x80/0x80\n"
		" [<ffffffffa002f919>] ? usb_submit_urb+0x1e9/0x5e0 [usbcore]\n"
		" [<ffffffffa0f39b7f>] ? foo_led_work+0x1f/0x40 [foo]\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_true(bt->frames[4].reliable);
	assert_false(bt->frames[3].reliable);
	/* usb_submit_urb only warns about the URB its caller made */
	assert_string_equal(c->signature.guilty, "foo_led_work");
	ct_case_destroy(c);
}

static void test_gpf_forms(void **state)
{
	(void)state;
	static const char *const heads[] = {
		"general protection fault: 0000 [#1] SMP PTI",
		"general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] SMP NOPTI",
		"Oops: general protection fault, maybe for address 0xdead000000000122: 0000 [#1] SMP NOPTI",
	};
	char hash[17] = "";
	for (size_t i = 0; i < CT_ARRAY_SIZE(heads); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "[  100.000001] %s\n"
			 "[  100.000002] CPU: 2 PID: 9 Comm: ksoftirqd/2 Not tainted 6.12.0 #1\n"
			 "[  100.000003] RIP: 0010:__list_del_entry_valid+0x20/0x90\n"
			 "[  100.000004] Call Trace:\n"
			 "[  100.000005]  <TASK>\n"
			 "[  100.000006]  bond_rr_gen_slave_id+0x40/0x70 [bonding]\n"
			 "[  100.000007]  bond_xmit_roundrobin+0x31/0x90 [bonding]\n"
			 "[  100.000008]  </TASK>\n", heads[i]);
		struct ct_case *c = analyze(text);
		assert_string_equal(c->panic.kind, "oops");
		assert_string_equal(c->panic.exception,
				    "general protection fault");
		assert_string_equal(c->panic.message, heads[i]);
		assert_int_equal(count_crashing(c), 1);
		/* __list_del_entry_valid is list-debug plumbing: cut */
		assert_sig(c, "bond_rr_gen_slave_id bond_xmit_roundrobin");
		if (i == 0)
			snprintf(hash, sizeof(hash), "%s", c->signature.hash);
		assert_string_equal(c->signature.hash, hash);
		ct_case_destroy(c);
	}
}

/* "kernel BUG at" and "invalid opcode" are one report; the BUG's file and
 * line land on frame 0.  6.12 prints "Oops: invalid opcode". */
static void test_kernel_bug(void **state)
{
	(void)state;
	static const char *const opcode[] = {
		"invalid opcode: 0000 [#1] SMP PTI",
		"Oops: invalid opcode: 0000 [#1] PREEMPT SMP KASAN PTI",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(opcode); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "------------[ cut here ]------------\n"
			 "kernel BUG at fs/ext4/inode.c:2718!\n"
			 "%s\n"
			 "CPU: 0 PID: 530 Comm: kworker/u8:3 Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1\n"
			 "RIP: 0010:ext4_writepages+0x10d2/0x1140 [ext4]\n"
			 "Call Trace:\n"
			 " <TASK>\n"
			 " ? die+0x36/0x90\n"
			 " ? do_trap+0xda/0x100\n"
			 " do_writepages+0xcf/0x1e0\n"
			 " __writeback_single_inode+0x3d/0x360\n"
			 " </TASK>\n"
			 "---[ end trace 0000000000000000 ]---\n", opcode[i]);
		struct ct_case *c = analyze(text);
		assert_string_equal(c->panic.kind, "oops");
		assert_string_equal(c->panic.exception, "kernel BUG");
		assert_string_equal(c->panic.message,
				    "kernel BUG at fs/ext4/inode.c:2718!");
		assert_int_equal(c->backtrace_count, 1);
		const struct ct_frame *f0 = &crashing(c)->frames[0];
		assert_string_equal(f0->function, "ext4_writepages");
		assert_string_equal(f0->file, "fs/ext4/inode.c");
		assert_int_equal(f0->source_line, 2718);
		assert_sig(c, "ext4_writepages do_writepages __writeback_single_inode");
		ct_case_destroy(c);
	}
}

static void test_list_del_corruption(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[ 50.1] list_del corruption. prev->next should be ffff8881053e0a08, but was ffff888105a0b108. (prev=ffff888104f19c08)\n"
		"[ 50.1] ------------[ cut here ]------------\n"
		"[ 50.1] kernel BUG at lib/list_debug.c:59!\n"
		"[ 50.1] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[ 50.1] CPU: 6 PID: 4113 Comm: nfsd Not tainted 6.1.0 #1\n"
		"[ 50.1] RIP: 0010:__list_del_entry_valid.cold+0x4b/0x6f\n"
		"[ 50.1] Call Trace:\n"
		"[ 50.1]  <TASK>\n"
		"[ 50.1]  nfsd_file_lru_cb+0x68/0x120 [nfsd]\n"
		"[ 50.1]  __list_lru_walk_one+0x98/0x160\n"
		"[ 50.1]  </TASK>\n"
		"[ 50.1] ---[ end trace 0000000000000000 ]---\n");
	assert_string_equal(c->panic.kind, "oops");
	assert_string_equal(c->panic.exception, "list corruption");
	assert_true(strncmp(c->panic.message, "list_del corruption.", 20) == 0);
	assert_int_equal(c->backtrace_count, 1);
	assert_sig(c, "nfsd_file_lru_cb __list_lru_walk_one");
	ct_case_destroy(c);
}

static const char warning_report[] =
	"[    1.1] ------------[ cut here ]------------\n"
	"[    1.1] WARNING: CPU: 0 PID: 1 at drivers/iommu/iommu.c:449 __iommu_probe_device+0x140/0x570\n"
	"[    1.1] Modules linked in:\n"
	"[    1.1] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.8.12-10-pve #1\n"
	"[    1.1] RIP: 0010:__iommu_probe_device+0x140/0x570\n"
	"[    1.1] Call Trace:\n"
	"[    1.1]  <TASK>\n"
	"[    1.1]  ? __warn+0x81/0x130\n"
	"[    1.1]  ? __iommu_probe_device+0x140/0x570\n"
	"[    1.1]  ? report_bug+0x171/0x1a0\n"
	"[    1.1]  ? handle_bug+0x42/0x70\n"
	"[    1.1]  probe_iommu_group+0x2e/0x50\n"
	"[    1.1]  bus_for_each_dev+0x87/0xe0\n"
	"[    1.1]  </TASK>\n"
	"[    1.1] ---[ end trace 0000000000000000 ]---\n";

static void test_warning(void **state)
{
	(void)state;
	struct ct_case *c = analyze(warning_report);
	assert_string_equal(c->panic.kind, "warning");
	assert_string_equal(c->panic.exception, "WARNING");
	assert_string_equal(c->panic.context, "swapper/0");
	assert_string_equal(c->panic.cpu, "CPU 0");
	const struct ct_backtrace *bt = crashing(c);
	assert_string_equal(bt->frames[0].function, "__iommu_probe_device");
	assert_string_equal(bt->frames[0].file, "drivers/iommu/iommu.c");
	assert_int_equal(bt->frames[0].source_line, 449);
	assert_sig(c, "__iommu_probe_device probe_iommu_group bus_for_each_dev");
	assert_string_equal(c->signature.title,
			    "WARNING in __iommu_probe_device");
	assert_true(has_fact(c, "linux.release", "6.8.12-10-pve"));
	ct_case_destroy(c);
}

/* A WARNING first and an oops later: the oops is the crash; the warning's
 * frames stay as another backtrace. */
static void test_warning_then_oops(void **state)
{
	(void)state;
	char *oops = a4_with_prefix("dmesg");
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, warning_report);
	ct_strbuf_puts(&sb, oops);
	char *text = ct_strbuf_detach(&sb);
	struct ct_case *c = analyze(text);
	assert_int_equal(c->backtrace_count, 2);
	assert_false(c->backtraces[0].crashing);
	assert_true(c->backtraces[1].crashing);
	assert_string_equal(c->panic.kind, "oops");
	assert_sig(c, "i40e_sync_vsi_filters i40e_sync_filters_subtask i40e_service_task");
	ct_case_destroy(c);
	free(text);
	/* an oops then a warning: the first report stays the crash */
	sb = (struct ct_strbuf)CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, oops);
	ct_strbuf_puts(&sb, warning_report);
	ct_strbuf_puts(&sb, oops);
	text = ct_strbuf_detach(&sb);
	c = analyze(text);
	assert_int_equal(c->backtrace_count, 3);
	assert_true(c->backtraces[0].crashing);
	assert_int_equal(count_crashing(c), 1);
	assert_string_equal(c->panic.kind, "oops");
	ct_case_destroy(c);
	free(text);
	free(oops);
}

static void test_soft_lockup(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[ 9000.1] watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:123]\n"
		"[ 9000.1] Modules linked in: foo(O)\n"
		"[ 9000.1] CPU: 3 PID: 123 Comm: kworker/3:1 Tainted: G           O L     5.10.0-28-amd64 #1 Debian 5.10.209-2\n"
		"[ 9000.1] RIP: 0010:foo_poll_hw+0x22/0x60 [foo]\n"
		"[ 9000.1] Call Trace:\n"
		"[ 9000.1]  foo_reset_work+0x8a/0x110 [foo]\n"
		"[ 9000.1]  process_one_work+0x1b6/0x350\n"
		"[ 9000.1]  worker_thread+0x53/0x3e0\n");
	assert_string_equal(c->panic.kind, "lockup");
	assert_string_equal(c->panic.exception, "soft lockup");
	assert_string_equal(c->panic.message,
			    "BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:123]");
	assert_string_equal(c->panic.cpu, "CPU 3");
	assert_string_equal(c->panic.context, "kworker/3:1");
	/* a lockup is named by the work it loops in, the function the
	 * worker entered (the looping frame stays in the backtrace) */
	assert_sig(c, "foo_reset_work");
	assert_string_equal(c->signature.title,
			    "BUG: soft lockup in foo_reset_work");
	assert_true(has_fact(c, "linux.tainted", "GOL"));
	assert_true(has_fact(c, "linux.upstream", "5.10.209"));
	ct_case_destroy(c);
}

static void test_hard_lockup_nmi(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"NMI watchdog: Watchdog detected hard LOCKUP on cpu 5\n"
		"Modules linked in: foo(O)\n"
		"CPU: 5 PID: 0 Comm: swapper/5 Tainted: G           O      5.10.0-28-amd64 #1 Debian 5.10.209-2\n"
		"RIP: 0010:native_queued_spin_lock_slowpath+0x62/0x1d0\n"
		"Call Trace:\n"
		" <NMI>\n"
		" watchdog_overflow_callback.cold+0x1e/0x70\n"
		" __perf_event_overflow+0x52/0xf0\n"
		" perf_event_nmi_handler+0x28/0x50\n"
		" nmi_handle+0x5e/0x120\n"
		" </NMI>\n"
		" <IRQ>\n"
		" _raw_spin_lock+0x1a/0x20\n"
		" foo_timer_fn+0x33/0x80 [foo]\n"
		" call_timer_fn+0x29/0xf0\n"
		" </IRQ>\n");
	assert_string_equal(c->panic.kind, "lockup");
	assert_string_equal(c->panic.exception, "hard lockup");
	assert_string_equal(c->panic.cpu, "CPU 5");
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 8);
	assert_true(bt->frames[1].generic);
	assert_true(bt->frames[4].generic);
	assert_false(bt->frames[5].generic);
	assert_string_equal(bt->label, "lockup on CPU 5 (swapper/5) in NMI");
	/* the lock primitives are skipped: the timer function spins */
	assert_sig(c, "foo_timer_fn call_timer_fn");
	assert_string_equal(c->signature.title,
			    "BUG: hard lockup in foo_timer_fn");
	ct_case_destroy(c);
}

/* An RCU stall: the IRQ frames are the stall check, the in-trace RIP is
 * where the CPU was stuck. */
static void test_rcu_stall(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"rcu: INFO: rcu_preempt self-detected stall on CPU\n"
		"rcu: \t0-....: (2099 ticks this GP) idle=8a4/1/0x4000000000000000 softirq=1/1 fqs=1049\n"
		"\t(t=2100 jiffies g=5 q=103 ncpus=4)\n"
		"NMI backtrace for cpu 0\n"
		"CPU: 0 PID: 321 Comm: spinner Tainted: G           O       6.1.0 #1\n"
		"RIP: 0010:delay_tsc+0x2b/0x70\n"
		"Call Trace:\n"
		" <IRQ>\n"
		" rcu_dump_cpu_stacks+0xa0/0xe0\n"
		" rcu_sched_clock_irq+0x8f2/0xd60\n"
		" update_process_times+0x5f/0x90\n"
		" sysvec_apic_timer_interrupt+0x69/0x90\n"
		" </IRQ>\n"
		" <TASK>\n"
		" asm_sysvec_apic_timer_interrupt+0x16/0x20\n"
		"RIP: 0010:spin_forever+0x10/0x20 [spin]\n"
		"Code: 00 00 eb fe\n"
		"RSP: 0018:ffffb7e0c0358e38 EFLAGS: 00000246\n"
		" ? spin_forever+0x10/0x20 [spin]\n"
		" spin_write+0x2c/0x40 [spin]\n"
		" vfs_write+0xb9/0x260\n"
		" </TASK>\n");
	assert_string_equal(c->panic.kind, "lockup");
	assert_string_equal(c->panic.exception, "RCU stall");
	assert_string_equal(c->panic.message,
			    "INFO: rcu_preempt self-detected stall on CPU");
	assert_string_equal(c->panic.context, "spinner");
	const struct ct_backtrace *bt = crashing(c);
	assert_true(bt->frames[0].generic);
	assert_string_equal(bt->label, "lockup on CPU 0 (spinner) in IRQ");
	assert_sig(c, "spin_forever spin_write vfs_write");
	ct_case_destroy(c);
}

static void test_hung_task(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[ 1234.5] INFO: task kworker/u16:2:1234 blocked for more than 120 seconds.\n"
		"[ 1234.5]       Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1\n"
		"[ 1234.5] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n"
		"[ 1234.5] task:kworker/u16:2 state:D stack:0     pid:1234  ppid:2      flags:0x00004000\n"
		"[ 1234.5] Call Trace:\n"
		"[ 1234.5]  <TASK>\n"
		"[ 1234.5]  __schedule+0x34d/0x9e0\n"
		"[ 1234.5]  schedule+0x5a/0xd0\n"
		"[ 1234.5]  io_schedule+0x42/0x70\n"
		"[ 1234.5]  wait_on_page_bit_common+0x10c/0x3b0\n"
		"[ 1234.5]  nfs_wb_page+0xe1/0x1f0 [nfs]\n"
		"[ 1234.5]  </TASK>\n");
	assert_string_equal(c->panic.kind, "hung-task");
	assert_string_equal(c->panic.exception, "hung task");
	assert_string_equal(c->panic.context, "kworker/u16:2");
	assert_null(c->panic.cpu);
	assert_true(has_fact(c, "linux.release", "6.1.0-18-amd64"));
	assert_true(has_fact(c, "linux.upstream", "6.1.76"));
	assert_int_equal(crashing(c)->frame_count, 5);
	ct_case_destroy(c);
}

static void test_kasan(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"==================================================================\n"
		"BUG: KASAN: use-after-free in foo_bar+0x12/0x34 [foo]\n"
		"Read of size 8 at addr ffff888012345678 by task kworker/0:1/42\n"
		"\n"
		"CPU: 0 PID: 42 Comm: kworker/0:1 Tainted: G    B   O      6.1.0 #1\n"
		"Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014\n"
		"Workqueue: events foo_work\n"
		"Call Trace:\n"
		" <TASK>\n"
		" dump_stack_lvl+0x49/0x63\n"
		" print_report+0x171/0x486\n"
		" kasan_report+0xbb/0xf0\n"
		" foo_bar+0x12/0x34 [foo]\n"
		" foo_work_fn+0x55/0x90 [foo]\n"
		" process_one_work+0x1c7/0x380\n"
		" </TASK>\n"
		"\n"
		"Allocated by task 41:\n"
		" kasan_save_stack+0x1e/0x40\n"
		" __kasan_kmalloc+0x7a/0x90\n"
		" foo_alloc+0x2a/0x60 [foo]\n"
		"\n"
		"Freed by task 42:\n"
		" kasan_save_stack+0x1e/0x40\n"
		" __kmem_cache_free+0xab/0x2b0\n"
		" foo_release+0x22/0x40 [foo]\n"
		" foo_work_fn+0x40/0x90 [foo]\n"
		"\n"
		"The buggy address belongs to the object at ffff888012345600\n"
		" which belongs to the cache kmalloc-128 of size 128\n"
		"==================================================================\n");
	assert_string_equal(c->panic.kind, "kasan");
	assert_string_equal(c->panic.exception, "KASAN: use-after-free");
	assert_string_equal(c->panic.context, "kworker/0:1");
	assert_int_equal(c->backtrace_count, 3);
	assert_true(c->backtraces[0].crashing);
	assert_int_equal(c->backtraces[0].frame_count, 6);
	assert_false(c->backtraces[1].crashing);
	assert_string_equal(c->backtraces[1].label, "allocated by task 41");
	assert_int_equal(c->backtraces[1].frame_count, 3);
	assert_false(c->backtraces[2].crashing);
	assert_string_equal(c->backtraces[2].label, "freed by task 42");
	assert_int_equal(c->backtraces[2].frame_count, 4);
	assert_sig(c, "foo_bar foo_work_fn");
	assert_true(has_fact(c, "linux.tainted", "GBO"));
	ct_case_destroy(c);
}

static void test_panic_reports(void **state)
{
	(void)state;
	/* a panic of its own: the crash */
	struct ct_case *c = analyze(
		"[    2.5] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"
		"[    2.5] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 4.19.0-6-amd64 #1 Debian 4.19.67-2+deb10u2\n"
		"[    2.5] Call Trace:\n"
		"[    2.5]  dump_stack+0x66/0x90\n"
		"[    2.5]  panic+0xe7/0x24a\n"
		"[    2.5]  mount_block_root+0x2d2/0x2d9\n"
		"[    2.5]  prepare_namespace+0x130/0x166\n"
		"[    2.5] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\n");
	assert_string_equal(c->panic.kind, "panic");
	assert_string_equal(c->panic.message,
			    "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
	assert_sig(c, "mount_block_root prepare_namespace");
	assert_true(has_fact(c, "linux.upstream", "4.19.67"));
	ct_case_destroy(c);

	/* a panic that follows an oops is its consequence: a note */
	char *oops = a4_with_prefix("dmesg");
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, oops);
	ct_strbuf_puts(&sb,
		"[ 4711.2] Kernel panic - not syncing: Fatal exception\n"
		"[ 4711.2] Kernel Offset: 0x1c00000 from 0xffffffff81000000\n"
		"[ 4711.2] ---[ end Kernel panic - not syncing: Fatal exception ]---\n");
	char *text = ct_strbuf_detach(&sb);
	c = analyze(text);
	assert_string_equal(c->panic.kind, "oops");
	assert_int_equal(c->backtrace_count, 1);
	assert_true(has_note(c, "Fatal exception"));
	ct_case_destroy(c);
	free(text);
	free(oops);

	/* a panic alone with no frames still titles the case */
	c = analyze("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\n");
	assert_string_equal(c->panic.kind, "panic");
	assert_int_equal(c->backtrace_count, 0);
	assert_non_null(c->signature.title);
	ct_case_destroy(c);
}

static void test_arm64(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[  88.1] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008\n"
		"[  88.1] Mem abort info:\n"
		"[  88.1]   ESR = 0x0000000096000005\n"
		"[  88.1] Internal error: Oops: 0000000096000005 [#1] PREEMPT SMP\n"
		"[  88.1] Modules linked in: mvpp2(E) phylink\n"
		"[  88.1] CPU: 2 PID: 812 Comm: ip Tainted: G            E      6.1.0-18-arm64 #1 Debian 6.1.76-1\n"
		"[  88.1] Hardware name: Marvell Armada 8040 (DT)\n"
		"[  88.1] pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)\n"
		"[  88.1] pc : mvpp2_port_reset+0x1c/0x30 [mvpp2]\n"
		"[  88.1] lr : mvpp2_open+0x94/0x2c0 [mvpp2]\n"
		"[  88.1] sp : ffff80000a5fb8f0\n"
		"[  88.1] Call trace:\n"
		"[  88.1]  mvpp2_port_reset+0x1c/0x30 [mvpp2]\n"
		"[  88.1]  mvpp2_open+0x94/0x2c0 [mvpp2]\n"
		"[  88.1]  __dev_open+0xf0/0x1d0\n"
		"[  88.1]  el1h_64_sync+0x64/0x68\n"
		"[  88.1] Code: f9400800 b9400021 (b9400800) d65f03c0\n"
		"[  88.1] ---[ end trace 0000000000000000 ]---\n");
	assert_string_equal(c->panic.kind, "oops");
	assert_string_equal(c->panic.exception, "NULL pointer dereference");
	assert_string_equal(c->panic.message,
			    "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008");
	assert_true(has_fact(c, "linux.arch", "aarch64"));
	assert_false(has_fact(c, "linux.arch", "x86_64"));
	assert_true(has_fact(c, "linux.hardware", "Marvell Armada 8040 (DT)"));
	assert_true(has_fact(c, "module.mvpp2.flags", "E"));
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 4);	/* pc not repeated */
	assert_true(bt->frames[3].generic);
	assert_sig(c, "mvpp2_port_reset mvpp2_open __dev_open");
	ct_case_destroy(c);
}

/* Frames inside <IRQ> go on in the same backtrace; the label says IRQ. */
static void test_irq_sections(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"CPU: 1 PID: 0 Comm: swapper/1 Not tainted 6.1.0 #1\n"
		"RIP: 0010:e1000_clean_rx_irq+0x10/0x3a0 [e1000e]\n"
		"Call Trace:\n"
		" <IRQ>\n"
		" e1000e_poll+0x7e/0x2d0 [e1000e]\n"
		" __napi_poll+0x2b/0x160\n"
		" net_rx_action+0x29e/0x350\n"
		" __do_softirq+0xc5/0x2c8\n"
		" irq_exit_rcu+0xa4/0xc0\n"
		" common_interrupt+0x86/0xa0\n"
		" </IRQ>\n"
		" <TASK>\n"
		" asm_common_interrupt+0x22/0x40\n"
		"RIP: 0010:cpuidle_enter_state+0xde/0x420\n"
		"Code: 00 00 31 ff e8\n"
		" cpuidle_enter+0x29/0x40\n"
		" do_idle+0x202/0x2a0\n"
		" </TASK>\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(c->backtrace_count, 1);
	assert_int_equal(bt->frame_count, 11);
	assert_string_equal(bt->frames[8].function, "cpuidle_enter_state");
	assert_string_equal(bt->label, "oops on CPU 1 (swapper/1) in IRQ");
	assert_sig(c, "e1000_clean_rx_irq e1000e_poll __napi_poll net_rx_action __do_softirq");
	ct_case_destroy(c);
}

static void test_other_bug_and_ubsan(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[ 5.1] BUG: scheduling while atomic: swapper/0/0/0x00010000\n"
		"[ 5.1] CPU: 0 PID: 0 Comm: swapper/0 Not tainted 6.1.0 #1\n"
		"[ 5.1] Call Trace:\n"
		"[ 5.1]  dump_stack_lvl+0x44/0x5c\n"
		"[ 5.1]  __schedule_bug.cold+0x86/0x9b\n"
		"[ 5.1]  foo_wait+0x20/0x40 [foo]\n");
	assert_string_equal(c->panic.kind, "bug");
	assert_string_equal(c->panic.exception, "scheduling while atomic");
	ct_case_destroy(c);
	c = analyze(
		"[ 5.1] UBSAN: array-index-out-of-bounds in drivers/foo/bar.c:123:45\n"
		"[ 5.1] index 8 is out of range for type 'u32 [8]'\n"
		"[ 5.1] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1\n"
		"[ 5.1] Call Trace:\n"
		"[ 5.1]  dump_stack_lvl+0x44/0x5c\n"
		"[ 5.1]  __ubsan_handle_out_of_bounds+0xc2/0x110\n"
		"[ 5.1]  bar_setup+0x91/0xa0 [bar]\n");
	assert_string_equal(c->panic.kind, "warning");
	assert_string_equal(c->panic.exception,
			    "UBSAN: array-index-out-of-bounds");
	ct_case_destroy(c);
}

/* A stack dump with no headline is a "trace"; a later report wins. */
static void test_headless_trace(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[ 7.1] CPU: 2 PID: 88 Comm: modprobe Not tainted 6.1.0 #1\n"
		"[ 7.1] Call Trace:\n"
		"[ 7.1]  <TASK>\n"
		"[ 7.1]  dump_stack_lvl+0x44/0x5c\n"
		"[ 7.1]  foo_probe+0x20/0x40 [foo]\n"
		"[ 7.1]  </TASK>\n");
	assert_string_equal(c->panic.kind, "trace");
	assert_null(c->panic.message);
	assert_string_equal(c->panic.context, "modprobe");
	assert_sig(c, "foo_probe");
	ct_case_destroy(c);
	char *oops = a4_with_prefix("dmesg");
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb,
		"[ 7.1] Call Trace:\n"
		"[ 7.1]  foo_probe+0x20/0x40 [foo]\n"
		"[ 7.1]  </TASK>\n");
	ct_strbuf_puts(&sb, oops);
	char *text = ct_strbuf_detach(&sb);
	c = analyze(text);
	assert_string_equal(c->panic.kind, "oops");
	assert_true(c->backtraces[1].crashing);
	assert_false(c->backtraces[0].crashing);
	ct_case_destroy(c);
	free(text);
	free(oops);
}

/* ------------------------------------------------------------------------
 * Facts
 * ------------------------------------------------------------------------ */

static void test_version_facts(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n"
		"[    0.000000] DMI: Dell Inc. PowerEdge R640/0X45NX, BIOS 2.12.2 07/09/2021\n"
		"[    0.000000] DMI: Memory slots populated: 1/1\n"
		"[    0.100000] WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks, data leaks possible!\n");
	assert_true(has_fact(c, "linux.release", "6.1.0-18-amd64"));
	assert_true(has_fact(c, "linux.version",
			     "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"));
	assert_true(has_fact(c, "linux.upstream", "6.1.76"));
	assert_true(has_fact(c, "linux.arch", "x86_64"));
	assert_true(has_fact(c, "linux.hardware",
			     "Dell Inc. PowerEdge R640/0X45NX, BIOS 2.12.2 07/09/2021"));
	assert_false(has_fact(c, "linux.hardware", "Memory slots populated: 1/1"));
	assert_null(c->panic.kind);
	assert_null(c->signature.title);
	ct_case_destroy(c);

	/* 6.12: UID, taint legend line, PREEMPT(model) suffix */
	c = analyze(
		"[ 1.0] CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Tainted: G        W          6.16.0-rc1 #1 PREEMPT(voluntary) \n"
		"[ 1.0] Tainted: [W]=WARN\n"
		"[ 1.0] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009)\n");
	assert_true(has_fact(c, "linux.release", "6.16.0-rc1"));
	assert_true(has_fact(c, "linux.version", "#1"));
	assert_true(has_fact(c, "linux.tainted", "GW"));
	assert_int_equal(c->fact_count, 5);	/* + hardware, product */
	ct_case_destroy(c);
}

/* ------------------------------------------------------------------------
 * Driver hang dumps
 * ------------------------------------------------------------------------ */

/* Seed 002, as printed in the post: only the first line has a prefix. */
static const char seed002_hang[] =
	"Looking towards the end, I found a flurry of repeating errors, relating to the e1000e\n"
	"kernel module:\n"
	"May 25 15:23:30 pve-02 kernel: e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:\n"
	"TDH <61>\n"
	"TDT <90>\n"
	"next_to_use <90>\n"
	"next_to_clean <60>\n"
	"buffer_info[next_to_clean]:\n"
	"time_stamp <1000936a9>\n"
	"next_to_watch <61>\n"
	"jiffies <1000ca540>\n"
	"next_to_watch.status <0>\n"
	"MAC Status <80083>\n"
	"PHY Status <796d>\n"
	"PHY 1000BASE-T Status <3800>\n"
	"PHY Extended Status <3000>\n"
	"PCI Status <10>\n"
	"######## SNIP ########\n"
	"May 25 15:23:32 pve-02 systemd-shutdown[1]: Syncing filesystems and block devices.\n"
	"May 25 15:23:32 pve-02 systemd-shutdown[1]: Sending SIGTERM to remaining processes...\n"
	"May 25 15:23:32 pve-02 systemd-journald[339]: Received SIGTERM from PID 1 (systemd-shutdow).\n";

static void test_seed002_hang(void **state)
{
	(void)state;
	struct ct_case *c = analyze(seed002_hang);
	assert_true(c->inputs[0].kinds & (1u << CT_KIND_LINUX_KERNEL_LOG));
	assert_int_equal(count_events(c, "e1000e.hw_unit_hang"), 1);
	const struct ct_event *ev = event_of(c, "e1000e.hw_unit_hang", 0);
	static const char *const fields[][2] = {
		{ "iface", "eno1" }, { "pci", "0000:00:19.0" },
		{ "tdh", "61" }, { "tdt", "90" }, { "next_to_use", "90" },
		{ "next_to_clean", "60" }, { "next_to_watch", "61" },
		{ "time_stamp", "1000936a9" }, { "jiffies", "1000ca540" },
		{ "next_to_watch_status", "0" }, { "mac_status", "80083" },
		{ "phy_status", "796d" }, { "phy_1000base-t_status", "3800" },
		{ "phy_extended_status", "3000" }, { "pci_status", "10" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(fields); i++) {
		const char *v = ct_event_field(ev, fields[i][0]);
		assert_non_null(v);
		assert_string_equal(v, fields[i][1]);
	}
	assert_string_equal(ev->timestamp, "May 25 15:23:30");
	assert_int_equal(ev->origin.line, 3);
	assert_non_null(strstr(ev->text, "Detected Hardware Unit Hang:\nTDH <61>\nTDT <90>\n"));
	assert_non_null(strstr(ev->text, "\nPCI Status <10>"));
	assert_null(strstr(ev->text, "SNIP"));
	/* a hang is no crash: no panic, no backtrace, no title */
	assert_null(c->panic.kind);
	assert_int_equal(c->backtrace_count, 0);
	assert_null(c->signature.title);
	assert_string_equal(c->signature.hash, "");
	assert_true(has_fact(c, "host.name", "pve-02"));
	assert_true(has_fact(c, "product", "linux"));
	ct_case_destroy(c);
}

static void test_dmesg_hang_and_reset(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[ 8123.004512] e1000e 0000:00:1f.6 eno1: Detected Hardware Unit Hang:\n"
		"                 TDH                  <5a>\n"
		"[ 8123.004512]   TDT                  <9c>\n"
		"[ 8123.004512]   next_to_use          <9c>\n"
		"[ 8123.004512]   next_to_clean        <58>\n"
		"[ 8123.004512] buffer_info[next_to_clean]:\n"
		"[ 8123.004512]   time_stamp           <1002a3f51>\n"
		"[ 8123.004512]   next_to_watch        <5a>\n"
		"[ 8123.004512]   jiffies              <1002a4100>\n"
		"[ 8123.004512]   next_to_watch.status <0>\n"
		"[ 8123.004512] MAC Status             <40080083>\n"
		"[ 8123.004512] PHY Status             <796d>\n"
		"[ 8123.004512] PHY 1000BASE-T Status  <3c00>\n"
		"[ 8123.004512] PHY Extended Status    <3000>\n"
		"[ 8123.004512] PCI Status             <10>\n"
		"[ 8125.004400] e1000e 0000:00:1f.6 eno1: Detected Hardware Unit Hang:\n"
		"[ 8125.004400]   TDH                  <5a>\n"
		"[ 8125.004400]   TDT                  <9c>\n"
		"[ 8126.100000] e1000e 0000:00:1f.6 eno1: Reset adapter unexpectedly\n"
		"[ 8130.000000] e1000e 0000:00:1f.6 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None\n");
	assert_int_equal(count_events(c, "e1000e.hw_unit_hang"), 2);
	const struct ct_event *ev = event_of(c, "e1000e.hw_unit_hang", 0);
	assert_string_equal(ct_event_field(ev, "pci"), "0000:00:1f.6");
	assert_string_equal(ct_event_field(ev, "tdh"), "5a");
	assert_string_equal(ct_event_field(ev, "mac_status"), "40080083");
	assert_string_equal(ct_event_field(ev, "pci_status"), "10");
	assert_non_null(strstr(ev->timestamp, "8123.004512"));
	ev = event_of(c, "e1000e.hw_unit_hang", 1);
	assert_int_equal(ev->field_count, 4);
	assert_int_equal(count_events(c, "e1000e.reset_adapter"), 1);
	ev = event_of(c, "e1000e.reset_adapter", 0);
	assert_string_equal(ct_event_field(ev, "iface"), "eno1");
	assert_null(c->signature.title);
	assert_int_equal(c->backtrace_count, 0);
	ct_case_destroy(c);
}

static void test_igb_hang(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Jan  3 04:05:06 edge1 kernel: [ 912.1] igb 0000:09:00.0: Detected Tx Unit Hang\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   Tx Queue             <0>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   TDH                  <0>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   TDT                  <1>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   next_to_use          <1>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   next_to_clean        <0>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1] buffer_info[next_to_clean]\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   time_stamp           <fffe8a3c>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   next_to_watch        <ffff8800b5c47000>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   jiffies              <fffe8c48>\n"
		"Jan  3 04:05:06 edge1 kernel: [ 912.1]   desc.status          <558000>\n"
		"Jan  3 04:05:07 edge1 kernel: [ 913.1] igb 0000:09:00.0 enp9s0: Reset adapter\n");
	assert_int_equal(count_events(c, "igb.tx_unit_hang"), 1);
	const struct ct_event *ev = event_of(c, "igb.tx_unit_hang", 0);
	assert_string_equal(ct_event_field(ev, "pci"), "0000:09:00.0");
	assert_null(ct_event_field(ev, "iface"));
	assert_string_equal(ct_event_field(ev, "tx_queue"), "0");
	assert_string_equal(ct_event_field(ev, "tdt"), "1");
	assert_string_equal(ct_event_field(ev, "next_to_watch"),
			    "ffff8800b5c47000");
	assert_string_equal(ct_event_field(ev, "desc_status"), "558000");
	assert_string_equal(ev->timestamp, "Jan  3 04:05:06");
	assert_true(has_fact(c, "host.name", "edge1"));
	assert_null(c->signature.title);
	ct_case_destroy(c);
}

/* ------------------------------------------------------------------------
 * Plain, truncated, reversed and hostile input
 * ------------------------------------------------------------------------ */

static void test_plain_log_no_title(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"[    0.000000] Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 (Ubuntu 5.15.0-91.101-generic 5.15.131)\n"
		"[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-5.15.0-91-generic root=/dev/sda1\n"
		"[    1.234567] e1000e 0000:00:19.0 eth0: Intel(R) PRO/1000 Network Connection\n"
		"[    5.000000] e1000e 0000:00:19.0 eno1: NIC Link is Up 1000 Mbps Full Duplex\n"
		"[   12.000000] systemd[1]: Started Journal Service.\n");
	assert_true(c->inputs[0].kinds & (1u << CT_KIND_LINUX_KERNEL_LOG));
	assert_null(c->panic.kind);
	assert_int_equal(c->backtrace_count, 0);
	assert_null(c->signature.title);
	assert_true(has_fact(c, "linux.release", "5.15.0-91-generic"));
	assert_true(has_fact(c, "linux.version",
			     "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 (Ubuntu 5.15.0-91.101-generic 5.15.131)"));
	assert_null(ct_case_fact(c, "linux.upstream"));
	ct_case_destroy(c);
}

static void test_truncated_oops(void **state)
{
	(void)state;
	char *full = a4_with_prefix("dmesg");
	/* cut in the middle of the i40e_service_task line */
	char *cut = strstr(full, "i40e_service_task+0x1c5");
	assert_non_null(cut);
	size_t len = (size_t)(cut - full) + 12;
	struct ct_case *c = analyze_len(full, len);
	assert_string_equal(c->panic.kind, "oops");
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 5);
	assert_sig(c, "i40e_sync_vsi_filters i40e_sync_filters_subtask");
	ct_case_destroy(c);
	/* cut right after the headline: the message signs the case */
	c = analyze_len(full, 90);
	assert_string_equal(c->panic.kind, "oops");
	assert_int_equal(c->backtrace_count, 0);
	assert_non_null(c->signature.title);
	ct_case_destroy(c);
	free(full);
}

static void test_reverse_order(void **state)
{
	(void)state;
	/* bottom-up paste: read as it comes, nothing reordered, no crash */
	struct ct_case *c = analyze(
		"[ 4711.120102] ---[ end trace 0000000000000000 ]---\n"
		"[ 4711.120080] Modules linked in: i40e(OE) ptp pps_core\n"
		"[ 4711.120079]  </TASK>\n"
		"[ 4711.120078]  ret_from_fork+0x1f/0x30\n"
		"[ 4711.120070]  i40e_service_task+0x1c5/0x7e0 [i40e]\n"
		"[ 4711.120068]  i40e_sync_filters_subtask+0x5a/0x80 [i40e]\n"
		"[ 4711.120061]  <TASK>\n"
		"[ 4711.120060] Call Trace:\n"
		"[ 4711.120030] RIP: 0010:i40e_sync_vsi_filters+0x2c/0xe90 [i40e]\n"
		"[ 4711.120020] CPU: 3 PID: 211 Comm: kworker/3:2 Tainted: G           OE      6.1.0-18-amd64 #1 Debian 6.1.76-1\n"
		"[ 4711.120001] BUG: kernel NULL pointer dereference, address: 0000000000000040\n");
	assert_string_equal(c->panic.kind, "oops");
	assert_true(has_fact(c, "linux.release", "6.1.0-18-amd64"));
	ct_case_destroy(c);
}

static void test_hostile_nuls(void **state)
{
	(void)state;
	char *text = a4_with_prefix("dmesg");
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	assert_non_null(copy);
	memcpy(copy, text, len + 1);
	/* NULs inside the Hardware line and inside a frame's module */
	char *hw = strstr(copy, "VMware7,1");
	char *mod = strstr(copy, "subtask+0x5a/0x80 [i40e]");
	assert_non_null(hw);
	assert_non_null(mod);
	hw[2] = '\0';
	mod[20] = '\0';
	struct ct_case *c = analyze_len(copy, len);
	assert_string_equal(c->panic.kind, "oops");
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 10);
	assert_string_equal(bt->frames[4].module, "i?0e");
	for (size_t i = 0; i < c->fact_count; i++)
		assert_int_equal(strlen(c->facts[i].value),
				 strcspn(c->facts[i].value, "\x01"));
	ct_case_destroy(c);
	/* all NULs, and random bytes: no crash */
	memset(copy, 0, len);
	c = extract_len(copy, len);
	ct_case_destroy(c);
	for (size_t i = 0; i < len; i++)
		copy[i] = (char)((i * 2654435761u) >> 13);
	c = extract_len(copy, len);
	ct_case_destroy(c);
	free(copy);
	free(text);
}

static void test_hostile_long_line(void **state)
{
	(void)state;
	size_t big = 1024 * 1024;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, "[ 1.0] BUG: kernel NULL pointer dereference, address: ");
	char *line = malloc(big);
	assert_non_null(line);
	memset(line, '0', big);
	ct_strbuf_append(&sb, line, big);
	ct_strbuf_puts(&sb, "\n[ 1.0] RIP: 0010:foo+0x1/0x2 [");
	memset(line, 'm', big);
	ct_strbuf_append(&sb, line, big);	/* a 1 MB module name */
	ct_strbuf_puts(&sb, "]\n[ 1.0] Modules linked in: ");
	for (size_t i = 0; i < big; i += 2)
		line[i] = ' ';
	ct_strbuf_append(&sb, line, big);
	ct_strbuf_puts(&sb, "\n[ 1.0] Call Trace:\n[ 1.0]  ");
	memset(line, 'f', big);
	ct_strbuf_append(&sb, line, big);	/* a 1 MB function name */
	ct_strbuf_puts(&sb, "+0x1/0x2\n[ 1.0]  bar+0x1/0x2\n");
	assert_false(sb.failed);
	struct ct_case *c = analyze_len(sb.buf, sb.len);
	assert_string_equal(c->panic.kind, "oops");
	assert_true(strlen(c->panic.message) <= CT_MAX_FIELD_LEN);
	const struct ct_backtrace *bt = crashing(c);
	assert_int_equal(bt->frame_count, 2);
	assert_string_equal(bt->frames[0].function, "foo");
	assert_null(bt->frames[0].module);
	assert_string_equal(bt->frames[1].function, "bar");
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
	free(line);
}

/* Events past the case's cap are not copied: the scan stops and says
 * from which line on it did not look. */
static void test_hostile_many_events(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	for (int i = 0; i < CT_MAX_EVENTS + 5; i++)
		ct_strbuf_appendf(&sb, "[ 1.0] e1000e 0000:00:19.0 eth0: NIC "
				  "Link is Up 1000 Mbps Full Duplex\n");
	assert_false(sb.failed);
	struct ct_case *c = analyze_len(sb.buf, sb.len);
	assert_int_equal(c->event_count, CT_MAX_EVENTS);
	assert_true(has_note(c, "holds its 100000 events"));
	assert_true(has_note(c, "from line 100001 on"));
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
}

static void test_hostile_many_frames(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, "[ 1.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
			    "[ 1.0] RIP: 0010:deep+0x1/0x2\n[ 1.0] Call Trace:\n");
	for (int i = 0; i < 100000; i++)
		ct_strbuf_appendf(&sb, "[ 1.0]  recurse_%d+0x1a/0x40 [mod]\n",
				  i % 7);
	/* and 5000 headlines: reports are capped too */
	for (int i = 0; i < 5000; i++)
		ct_strbuf_puts(&sb, "[ 2.0] Call Trace:\n[ 2.0]  x+0x1/0x2\n");
	assert_false(sb.failed);
	struct ct_case *c = analyze_len(sb.buf, sb.len);
	const struct ct_backtrace *bt = crashing(c);
	/* the middle of the recursion is dropped, both ends kept */
	assert_true(bt->frame_count <= CT_MAX_FRAMES);
	assert_true(bt->frame_count > CT_MAX_FRAMES / 2);
	assert_int_equal(bt->frame_count + bt->frames_dropped, 100001);
	assert_string_equal(bt->frames[0].function, "deep");
	assert_string_equal(bt->frames[bt->frame_count - 1].function,
			    "recurse_4");
	assert_true(c->backtrace_count <= CT_MAX_BACKTRACES);
	assert_true(has_note(c, "frames"));
	assert_true(has_note(c, "not kept"));
	assert_string_equal(c->panic.kind, "oops");
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
}

/* ------------------------------------------------------------------------
 * Frames of every architecture (issue 10)
 * ------------------------------------------------------------------------ */

/* The functions of bt joined with spaces, "?" for a frame with no name and
 * a "?" prefix for an unreliable one: order and reliability at a glance. */
static void bt_functions(const struct ct_backtrace *bt, char *buf, size_t n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; bt && i < bt->frame_count; i++) {
		const struct ct_frame *f = &bt->frames[i];
		int w = snprintf(buf + k, n - k, "%s%s%s", i ? " " : "",
				 f->reliable ? "" : "?",
				 f->function ? f->function : "?");
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

#define assert_bt(bt, want)                                              \
	do {                                                             \
		char bt_buf_[1024];                                      \
		bt_functions((bt), bt_buf_, sizeof(bt_buf_));            \
		assert_string_equal(bt_buf_, (want));                    \
	} while (0)

/* x86_64 of every era: 2.6 "[<addr>] func" with "<IRQ>", "<EOI>" and
 * "<<EOE>>" on the frame lines, 4.x "[<addr>] ? func", 5.x+ "? func". */
static void test_arch_x86_64_eras(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"BUG: unable to handle kernel NULL pointer dereference at 0000000000000008\n"
		"IP: [<ffffffff8137a1e5>] e1000_clean_tx_irq+0x45/0x2f0\n"
		"Oops: 0000 [#1] SMP\n"
		"CPU 0\n"
		"RIP: 0010:[<ffffffff8137a1e5>]  [<ffffffff8137a1e5>] e1000_clean_tx_irq+0x45/0x2f0\n"
		"Call Trace:\n"
		" <#DB> <<EOE>>  <IRQ>  [<ffffffff8137b0a1>] e1000_clean+0x71/0x2a0\n"
		" [<ffffffff81419e83>] ? __napi_complete+0x13/0x30\n"
		" [<ffffffff8141c2e9>] net_rx_action+0x109/0x210\n"
		" <EOI>  [<ffffffff81012ec5>] ? default_idle+0x45/0x50\n"
		" [<ffffffff8100a0a2>] cpu_idle+0x62/0xa0\n"
		"RIP  [<ffffffff8137a1e5>] e1000_clean_tx_irq+0x45/0x2f0\n"
		"---[ end trace 1a2b3c4d5e6f7a8b ]---\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "e1000_clean_tx_irq e1000_clean ?__napi_complete "
		      "net_rx_action ?default_idle cpu_idle");
	assert_string_equal(bt->label, "oops in IRQ");
	ct_case_destroy(c);
}

/* i386: "EIP: 0060:[<addr>]" then "EIP is at func" make one frame 0 with
 * both; 4.15+ "EIP: func+0x/0x"; the "EIP: [<addr>] func SS:ESP" after the
 * trace is not a new frame. */
static void test_arch_i386(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"BUG: unable to handle kernel NULL pointer dereference at 00000004\n"
		"Oops: 0000 [#1] SMP\n"
		"Pid: 2183, comm: modprobe Not tainted 2.6.32-5-686 #1\n"
		"EIP: 0060:[<f8a1b0c4>] EFLAGS: 00010246 CPU: 0\n"
		"EIP is at snd_card_create+0x24/0x1c0 [snd]\n"
		"EAX: 00000000 EBX: f6b2a000 ECX: 00000000 EDX: 00000004\n"
		"Call Trace:\n"
		" [<f8a30234>] ? azx_probe+0x54/0x7e0 [snd_hda_intel]\n"
		" [<f8a30234>] azx_probe+0x54/0x7e0 [snd_hda_intel]\n"
		" [<c11a2c8e>] local_pci_probe+0xe/0x10\n"
		"Code: 89 c3 8b 40 04 <8b> 50 04\n"
		"EIP: [<f8a1b0c4>] snd_card_create+0x24/0x1c0 [snd] SS:ESP 0068:f5e1bf2c\n"
		"CR2: 0000000000000004\n"
		"---[ end trace 2b3c4d5e6f7a8b9c ]---\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "snd_card_create ?azx_probe azx_probe local_pci_probe");
	assert_true(bt->frames[0].has_address);
	assert_int_equal(bt->frames[0].address, 0xf8a1b0c4ull);
	assert_string_equal(bt->frames[0].module, "snd");
	assert_sig(c, "snd_card_create azx_probe local_pci_probe");
	ct_case_destroy(c);

	c = analyze(
		"BUG: kernel NULL pointer dereference, address: 00000000\n"
		"Oops: 0002 [#1] SMP\n"
		"CPU: 0 PID: 1 Comm: sh Not tainted 5.10.0-9-686 #1 Debian 5.10.70-1\n"
		"EIP: sysrq_handle_crash+0x14/0x20\n"
		"Call Trace:\n"
		" __handle_sysrq.cold+0x3f/0x100\n"
		" write_sysrq_trigger+0x25/0x30\n");
	assert_sig(c, "sysrq_handle_crash __handle_sysrq write_sysrq_trigger");
	ct_case_destroy(c);
}

/* arm64 4.x: "PC is at", "pc : [<addr>] lr : [<addr>] pstate:", and a Call
 * trace of "[<addr>] func" with an exception stack dump inside; the trace
 * repeats the pc function first. */
static void test_arch_arm64_old(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Unable to handle kernel NULL pointer dereference at virtual address 00000010\n"
		"Internal error: Oops: 96000005 [#1] PREEMPT SMP\n"
		"CPU: 1 PID: 77 Comm: kworker/1:1 Not tainted 4.9.0-linaro #1\n"
		"PC is at dwc3_gadget_ep_queue+0x2c/0x70\n"
		"LR is at usb_ep_queue+0x20/0x30\n"
		"pc : [<ffff000008772b6c>] lr : [<ffff0000087a1c20>] pstate: 60000145\n"
		"Call trace:\n"
		"Exception stack(0xffff80003a8cbb30 to 0xffff80003a8cbc60)\n"
		"bb20:                                   0000000000000000 0000000000000000\n"
		"[<ffff000008772b6c>] dwc3_gadget_ep_queue+0x2c/0x70\n"
		"[<ffff0000087a1c20>] usb_ep_queue+0x20/0x30\n"
		"[<ffff0000087b3e18>] composite_setup+0x4d8/0x1040\n"
		"Code: f9400c01 b4000141 (f9400820) 91004000\n"
		"---[ end trace 3c4d5e6f7a8b9cad ]---\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "dwc3_gadget_ep_queue usb_ep_queue composite_setup");
	assert_int_equal(bt->frames[0].address, 0xffff000008772b6cull);
	assert_false(has_fact(c, "linux.arch", "x86_64"));
	ct_case_destroy(c);
}

/* ARM32: the unwinder's "[<pc>] (func) from [<lr>] (caller+0x/0x)" lines
 * without a header, the frame being the first function; the newer
 * "func from caller+0x/0x"; "Backtrace:" with "Function entered at" when
 * there are no symbols; "Exception stack(...)" dumps skipped. */
static void test_arch_arm32(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Unable to handle kernel NULL pointer dereference at virtual address 00000000\n"
		"Internal error: Oops: 817 [#1] SMP ARM\n"
		"CPU: 0 PID: 1 Comm: sh Not tainted 4.19.0 #1\n"
		"PC is at sysrq_handle_crash+0x20/0x2c\n"
		"LR is at __handle_sysrq+0xa0/0x170\n"
		"pc : [<c04a5a34>]    lr : [<c04a6170>]    psr: 60000013\n"
		"Stack: (0xef0a5e30 to 0xef0a6000)\n"
		"5e20:                                     c0b05f40 00000063 c04a6170 c04a5a20\n"
		"[<c04a5a34>] (sysrq_handle_crash) from [<c04a6170>] (__handle_sysrq+0xa0/0x170)\n"
		"[<c04a6170>] (__handle_sysrq) from [<c04a6650>] (write_sysrq_trigger+0x58/0x68)\n"
		"[<c04a6650>] (write_sysrq_trigger) from [<c02b59c0>] (proc_reg_write+0x60/0x84 [procmod])\n"
		"[<c02b59c0>] (proc_reg_write [procmod]) from [<c0239d2c>] (__vfs_write+0x34/0x130)\n"
		"Exception stack(0xef0a5fa8 to 0xef0a5ff0)\n"
		"5fa0:                   00000002 00000000 00000001 000d8c08 00000002 00000000\n"
		"[<c0239d2c>] (__vfs_write) from [<c0101000>] (ret_fast_syscall+0x0/0x54)\n"
		"Code: e3a03000 e5833000 e12fff1e e1a0c00d (e5833000)\n"
		"---[ end trace 4d5e6f7a8b9cadbe ]---\n");
	const struct ct_backtrace *bt = crashing(c);
	/* the first unwinder line repeats the PC function: listed once;
	 * the caller the last line names is the outermost frame */
	assert_bt(bt, "sysrq_handle_crash __handle_sysrq write_sysrq_trigger "
		      "proc_reg_write __vfs_write ret_fast_syscall");
	assert_int_equal(bt->frames[5].offset, 0);
	assert_int_equal(bt->frames[5].address, 0xc0101000ull);
	assert_int_equal(bt->frames[0].address, 0xc04a5a34ull);
	assert_string_equal(bt->frames[3].module, "procmod");
	assert_false(has_fact(c, "linux.arch", "aarch64"));
	ct_case_destroy(c);

	c = analyze(
		"------------[ cut here ]------------\n"
		"WARNING: CPU: 0 PID: 1 at drivers/foo/foo.c:42 foo_probe+0x30/0x80\n"
		"CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1\n"
		"Hardware name: Generic DT based system\n"
		" unwind_backtrace from show_stack+0x10/0x14\n"
		" show_stack from dump_stack_lvl+0x40/0x4c\n"
		" dump_stack_lvl from __warn+0x78/0x12c\n"
		" __warn from warn_slowpath_fmt+0x74/0xd0\n"
		" warn_slowpath_fmt from foo_probe+0x30/0x80 [foo]\n"
		" foo_probe [foo] from platform_probe+0x5c/0xb8\n"
		" platform_probe from really_probe+0xe0/0x3d8\n"
		"---[ end trace 0000000000000000 ]---\n");
	bt = crashing(c);
	assert_bt(bt, "unwind_backtrace show_stack dump_stack_lvl __warn "
		      "warn_slowpath_fmt foo_probe platform_probe really_probe");
	assert_string_equal(bt->frames[5].module, "foo");
	assert_sig(c, "foo_probe platform_probe really_probe");
	ct_case_destroy(c);

	/* the frame pointer unwinder: "Backtrace:", functions entered at
	 * +0x0, register rows between the frames */
	c = analyze(
		"Internal error: Oops: 817 [#1] PREEMPT ARM\n"
		"PC is at sysrq_handle_crash+0x20/0x2c\n"
		"LR is at __handle_sysrq+0xa0/0x170\n"
		"Backtrace: \n"
		"[<c04a5a14>] (sysrq_handle_crash+0x0/0x2c) from [<c04a6170>] (__handle_sysrq+0xa0/0x170)\n"
		"[<c04a60d0>] (__handle_sysrq+0x0/0x170) from [<c04a6650>] (write_sysrq_trigger+0x58/0x68)\n"
		" r8:c0101000 r7:00000002 r6:ef2f3f80 r5:00000002 r4:00000063\n"
		"[<c04a65f8>] (write_sysrq_trigger+0x0/0x68) from [<c02b59c0>] (proc_reg_write+0x60/0x84)\n"
		"Code: e3a03000 e5833000 (e5833000)\n");
	bt = crashing(c);
	assert_bt(bt, "sysrq_handle_crash __handle_sysrq write_sysrq_trigger "
		      "proc_reg_write");
	assert_int_equal(bt->frames[0].offset, 0x20);
	assert_int_equal(bt->frames[3].offset, 0x60);
	ct_case_destroy(c);

	c = analyze(
		"[   12.000000] Internal error: Oops: 17 [#1] ARM\n"
		"[   12.000000] PC is at 0xbf000100\n"
		"[   12.000000] Backtrace: \n"
		"[   12.000000] Function entered at [<c0011a38>] from [<c0011c24>]\n"
		"[   12.000000]  r6:c04e1a9c r5:00000000 r4:c0599a60 r3:00000000\n"
		"[   12.000000] Function entered at [<c0011c0c>] from [<c0350e24>]\n"
		"[   12.000000] Backtrace: no frame pointer\n");
	bt = crashing(c);
	/* frame 0 has an address and no symbol, like its callers */
	assert_bt(bt, "? ? ?");
	assert_int_equal(bt->frames[0].address, 0xbf000100ull);
	assert_int_equal(bt->frames[1].address, 0xc0011a38ull);
	assert_int_equal(bt->frames[2].address, 0xc0011c0cull);
	ct_case_destroy(c);
}

/* ppc64: "NIP [addr] func" is frame 0, "LR [addr] func" is not a frame;
 * the trace's "[sp] [pc] func (unreliable)" lines; ELFv1 (big-endian)
 * ".func" names lose their dot; "--- interrupt: N at func" is the
 * interrupted code, a user address there is no frame. */
static void test_arch_ppc64(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Unable to handle kernel paging request for data at address 0x00000000\n"
		"Faulting instruction address: 0xc0000000004c4c6c\n"
		"Oops: Kernel access of bad area, sig: 11 [#1]\n"
		"SMP NR_CPUS=1024 NUMA pSeries\n"
		"CPU: 3 PID: 2210 Comm: bash Not tainted 3.10.0-123.el7.ppc64 #1\n"
		"NIP:  c0000000004c4c6c LR: c0000000004c5a18 CTR: c0000000004c4c50\n"
		"NIP [c0000000004c4c6c] .sysrq_handle_crash+0x1c/0x30\n"
		"LR [c0000000004c5a18] .__handle_sysrq+0xe8/0x200\n"
		"Call Trace:\n"
		"[c0000003f1a6fc80] [c0000000004c59f8] .__handle_sysrq+0xc8/0x200 (unreliable)\n"
		"[c0000003f1a6fd30] [c0000000004c5c2c] .write_sysrq_trigger+0x6c/0x90\n"
		"[c0000003f1a6fdb0] [c000000000299d28] .proc_reg_write+0x88/0xd0\n"
		"[c0000003f1a6fe30] [c000000000009e0c] syscall_exit+0x0/0x98\n"
		"--- Exception: c01 at 0x3fff7a3f1f0c\n"
		"    LR = 0x3fff7a37d8e4\n"
		"Instruction dump:\n"
		"---[ end trace 5e6f7a8b9cadbecf ]---\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "sysrq_handle_crash ?__handle_sysrq write_sysrq_trigger "
		      "proc_reg_write syscall_exit");
	assert_int_equal(bt->frames[0].address, 0xc0000000004c4c6cull);
	assert_int_equal(bt->frames[2].address, 0xc0000000004c5c2cull);
	assert_sig(c, "sysrq_handle_crash write_sysrq_trigger proc_reg_write syscall_exit");
	ct_case_destroy(c);

	c = analyze(
		"NMI backtrace for cpu 2\n"
		"CPU: 2 PID: 0 Comm: swapper/2 Not tainted 5.14.0 #1\n"
		"Call Trace:\n"
		"[c0000000fffeba40] [c00000000002a2d0] timer_interrupt+0x1a0/0x2e0 (unreliable)\n"
		"[c0000000fffebaa0] [c000000000009354] decrementer_common_virt+0x214/0x220\n"
		"--- interrupt: 900 at .arch_local_irq_restore+0x74/0x90\n"
		"    LR = .arch_local_irq_restore+0x74/0x90\n"
		"[c0000000f8d1bd40] [c000000000017c8c] .cpu_idle+0x12c/0x220 (unreliable)\n"
		"--- interrupt: c00 at 0x7fff8f8c2f84\n");
	bt = crashing(c);
	assert_bt(bt, "?timer_interrupt decrementer_common_virt "
		      "arch_local_irq_restore ?cpu_idle");
	ct_case_destroy(c);
}

/* s390x: frame 0 in the parentheses of "Krnl PSW : mask addr (func)"; the
 * trace repeats it first; "([<addr>] func)" is unreliable; a bare address
 * is a frame with no name; "Last Breaking-Event-Address:" ends the trace. */
static void test_arch_s390x(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Unable to handle kernel pointer dereference in virtual kernel address space\n"
		"Failing address: 0000000000000000 TEID: 0000000000000483\n"
		"Oops: 0004 ilc:2 [#1] SMP\n"
		"CPU: 1 PID: 1101 Comm: bash Not tainted 6.5.0-0.rc2.fc39.s390x #1\n"
		"Hardware name: IBM 3931 A01 703 (z/VM 7.3.0)\n"
		"Krnl PSW : 0704c00180000000 0000018f6c8a8fd6 (sysrq_handle_crash+0x16/0x20)\n"
		"           R:0 T:1 IO:1 EX:1 Key:0 M:1 W:0 P:0 AS:3 CC:0 PM:0 RI:0 EA:3\n"
		"Krnl GPRS: 0000000000000000 0000018f6d5b0000 0000000000000063 0000000000000000\n"
		"Krnl Code: 0000018f6c8a8fc6: e3e0f0980024\tstg\t%r14,152(%r15)\n"
		"          #0000018f6c8a8fcc: a7280000\t\tlhi\t%r2,0\n"
		"          >0000018f6c8a8fd6: a7f40001\t\tbrc\t15,0000018f6c8a8fd8\n"
		"Call Trace:\n"
		" [<0000018f6c8a8fd6>] sysrq_handle_crash+0x16/0x20\n"
		"([<0000018f6c8a9846>] __handle_sysrq+0x156/0x190)\n"
		" [<0000018f6c8a9ec2>] write_sysrq_trigger+0x52/0x60\n"
		" [<0000018f6c5f1c3e>] proc_reg_write+0x9e/0xe0\n"
		" [<0000018f6c4f8a8a>] vfs_write+0xea/0x460\n"
		" [<0000018f6cd37f1a>] 0x18f6cd37f1a\n"
		"Last Breaking-Event-Address:\n"
		" [<0000018f6c8a9844>] __handle_sysrq+0x154/0x190\n"
		"Kernel panic - not syncing: Fatal exception: panic_on_oops\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "sysrq_handle_crash ?__handle_sysrq write_sysrq_trigger "
		      "proc_reg_write vfs_write ?");
	assert_int_equal(bt->frames[0].address, 0x18f6c8a8fd6ull);
	assert_int_equal(bt->frames[5].address, 0x18f6cd37f1aull);
	assert_sig(c, "sysrq_handle_crash write_sysrq_trigger proc_reg_write vfs_write");
	ct_case_destroy(c);

	/* older kernels: the first entry in parentheses, a 31-bit PSW */
	c = analyze(
		"Oops: 0004 [#1] SMP\n"
		"Krnl PSW : 070c0000 8012345a (tcp_ack+0x1a/0x30 [ipv6])\n"
		"Call Trace:\n"
		"([<801234a2>] tcp_rcv_established+0x62/0x500 [ipv6])\n"
		" [<80123600>] tcp_v6_do_rcv+0x40/0x100 [ipv6]\n");
	bt = crashing(c);
	assert_bt(bt, "tcp_ack ?tcp_rcv_established tcp_v6_do_rcv");
	assert_string_equal(bt->frames[0].module, "ipv6");
	assert_int_equal(bt->frames[0].address, 0x8012345aull);
	ct_case_destroy(c);
}

/* MIPS "epc   : ADDR func" and riscv "epc : func" then "epc : ADDR ra :";
 * both traces repeat the pc function first. */
static void test_arch_mips_riscv(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"CPU 0 Unable to handle kernel paging request at virtual address 00000000, epc == 803cf5a4, ra == 83178634\n"
		"Oops[#1]:\n"
		"epc   : 803cf5a4 mt76u_tx_queue+0x14/0x1f0 [mt76_usb]\n"
		"ra    : 83178634 mt76u_tx_tasklet+0x94/0x120 [mt76_usb]\n"
		"Call Trace:\n"
		"[<803cf5a4>] mt76u_tx_queue+0x14/0x1f0 [mt76_usb]\n"
		"[<83178634>] mt76u_tx_tasklet+0x94/0x120 [mt76_usb]\n"
		"[<8002e9ac>] tasklet_action_common.isra.3+0x88/0xe4\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "mt76u_tx_queue mt76u_tx_tasklet tasklet_action_common.isra.3");
	assert_int_equal(bt->frames[0].address, 0x803cf5a4ull);
	ct_case_destroy(c);

	c = analyze(
		"Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000\n"
		"Oops [#1]\n"
		"CPU: 0 PID: 92 Comm: sh Not tainted 6.1.0-9-riscv64 #1  Debian 6.1.27-1\n"
		"epc : sysrq_handle_crash+0x1e/0x28\n"
		" ra : __handle_sysrq+0xa0/0x178\n"
		"epc : ffffffff8058c4e6 ra : ffffffff8058c9e6 sp : ff20000000c9bd70\n"
		"Call Trace:\n"
		"[<ffffffff8058c4e6>] sysrq_handle_crash+0x1e/0x28\n"
		"[<ffffffff8058c9e6>] __handle_sysrq+0xa0/0x178\n"
		"[<ffffffff8058cf6e>] write_sysrq_trigger+0x72/0x7a\n");
	bt = crashing(c);
	assert_bt(bt, "sysrq_handle_crash __handle_sysrq write_sysrq_trigger");
	assert_int_equal(bt->frames[0].address, 0xffffffff8058c4e6ull);
	ct_case_destroy(c);
}

/* parisc: "IAOQ[0]: func+0x/0x" is frame 0 (the laid-out register dump of
 * arch/parisc/kernel/traps.c); "IAOQ[1]" (the next instruction) and
 * "RP(r2)" (the return pointer) are not frames. */
static void test_arch_parisc(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"rcu: INFO: rcu_sched self-detected stall on CPU\n"
		"rcu:    0-....: (5979 ticks this GP) idle=b23c/1/0x4000000000000002\n"
		"CPU: 1 PID: 310 Comm: cat Tainted: G             L 6.1.12+ #5\n"
		"Hardware name: 9000/800/rp3440\n"
		"IASQ: 0000000000000000 0000000000000000 IAOQ: 00000000406e6528 00000000406e652c\n"
		"  IIR: 0f401096    ISR: 0000000000000000  IOR: 0000000000000000\n"
		"  CPU:        1   CR30: 0000000059dc6d60 CR31: ffffffffffffefff\n"
		" IAOQ[0]: seq_read_iter+0x1cc/0x5e0\n"
		" IAOQ[1]: seq_read_iter+0x1d0/0x5e0\n"
		" RP(r2): seq_read_iter+0x160/0x5e0\n"
		"Backtrace:\n"
		" [<0000000040372d70>] seq_read+0xd4/0x100\n"
		" [<000000004033f1a4>] vfs_read+0xcc/0x2c8\n"
		" [<000000004033f7a8>] ksys_read+0x80/0x120\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "seq_read_iter seq_read vfs_read ksys_read");
	assert_int_equal(bt->frames[0].offset, 0x1cc);
	ct_case_destroy(c);
}

/* Traces decoded by scripts/decode_stacktrace.sh and by syzkaller:
 * file:line into the frame, inlined frames marked, modules without
 * brackets after the location. */
static void test_decoded_traces(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"BUG: KASAN: use-after-free in foo_rx+0x48/0x90 [foo]\n"
		"Read of size 8 at addr ffff888012345678 by task kworker/0:1/12\n"
		"CPU: 0 PID: 12 Comm: kworker/0:1 Not tainted 6.1.0 #1\n"
		"Call Trace:\n"
		" <TASK>\n"
		" dump_stack_lvl (lib/dump_stack.c:107 (discriminator 1))\n"
		" print_report (mm/kasan/report.c:285 mm/kasan/report.c:395)\n"
		" ? foo_rx (drivers/net/foo/foo_main.c:120) foo\n"
		" kasan_report (mm/kasan/report.c:590)\n"
		" foo_rx (drivers/net/foo/foo_rx.h:33 drivers/net/foo/foo_main.c:120) foo\n"
		" foo_poll+0x1c/0x80 (drivers/net/foo/foo_main.c:300) foo\n"
		" __napi_poll+0x2b/0x160 net/core/dev.c:6500\n"
		" napi_poll net/core/dev.c:6567 [inline]\n"
		" net_rx_action+0x29e/0x350 net/core/dev.c:6680\n"
		"[<     inlined    >] __do_softirq_inner kernel/softirq.c:550\n"
		" handle_softirqs (inlined) kernel/softirq.c:580\n"
		" inline run_ksoftirqd kernel/softirq.c:930\n"
		" </TASK>\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "dump_stack_lvl print_report ?foo_rx kasan_report foo_rx "
		      "foo_poll __napi_poll napi_poll net_rx_action "
		      "__do_softirq_inner handle_softirqs run_ksoftirqd");
	assert_string_equal(bt->frames[0].file, "lib/dump_stack.c");
	assert_int_equal(bt->frames[0].source_line, 107);
	/* addr2line -i: the named function's own line is the last one */
	assert_string_equal(bt->frames[1].file, "mm/kasan/report.c");
	assert_int_equal(bt->frames[1].source_line, 395);
	assert_string_equal(bt->frames[4].file, "drivers/net/foo/foo_main.c");
	assert_int_equal(bt->frames[4].source_line, 120);
	assert_string_equal(bt->frames[4].module, "foo");
	assert_true(bt->frames[5].has_offset);
	assert_string_equal(bt->frames[5].module, "foo");
	assert_int_equal(bt->frames[5].source_line, 300);
	assert_string_equal(bt->frames[6].file, "net/core/dev.c");
	assert_int_equal(bt->frames[6].source_line, 6500);
	assert_false(bt->frames[6].inlined);
	assert_true(bt->frames[7].inlined);
	assert_null(bt->frames[7].module);
	assert_int_equal(bt->frames[7].source_line, 6567);
	for (size_t i = 9; i < 12; i++) {
		assert_true(bt->frames[i].inlined);
		assert_non_null(bt->frames[i].file);
	}
	assert_sig(c, "foo_rx foo_poll __napi_poll napi_poll net_rx_action");
	ct_case_destroy(c);

	/* decoded headlines name their site (fuzz-linux: its file leaked) */
	c = analyze(
		"WARNING: CPU: 3 PID: 0 at net/sched/sch_generic.c:525 dev_watchdog (net/sched/sch_generic.c:525)\n"
		"BUG: KASAN: use-after-free in foo_rx (drivers/net/foo/foo_main.c:120) foo\n"
		"WARNING: CPU: 1 PID: 9 at net/core/dev.c:1 f/net/core/dev.c:1 g+0x1/0x2\n");
	/* the third names no function: "f/net/core/dev.c:1" is no frame */
	assert_int_equal(c->backtrace_count, 2);
	assert_string_equal(c->backtraces[0].frames[0].function, "dev_watchdog");
	assert_string_equal(c->backtraces[0].frames[0].file,
			    "net/sched/sch_generic.c");
	assert_string_equal(c->backtraces[1].frames[0].function, "foo_rx");
	ct_case_destroy(c);

	/* a decoded RIP line keeps its file:line in frame 0 */
	c = analyze(
		"kernel BUG at fs/bcachefs/btree_iter.c:1332!\n"
		"invalid opcode: 0000 [#1] SMP NOPTI\n"
		"RIP: 0010:__btree_iter_traverse_all (fs/bcachefs/btree_iter.c:1332 (discriminator 1))\n"
		"Call Trace:\n"
		" bch2_trans_begin (fs/bcachefs/btree_iter.c:2310) bcachefs\n");
	bt = crashing(c);
	assert_bt(bt, "__btree_iter_traverse_all bch2_trans_begin");
	assert_string_equal(bt->frames[0].file, "fs/bcachefs/btree_iter.c");
	assert_int_equal(bt->frames[0].source_line, 1332);
	assert_string_equal(bt->frames[1].module, "bcachefs");
	ct_case_destroy(c);
}

/* fuzz-linux: a PC line whose frame fails after its module was read
 * keeps the address, and nothing is freed twice. */
static void test_arch_pc_line_half_frame(void **state)
{
	(void)state;
	struct ct_case *c = analyze("Oops: 0004 [#1] SMP\n"
				    "EIP: [<c0123456>] (func [mod] x\n"
				    "EIP is at func+0x1/0x2\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_bt(bt, "func");
	assert_int_equal(bt->frames[0].address, 0xc0123456ull);
	assert_null(bt->frames[0].module);
	ct_case_destroy(c);
}

/* Lines that look a little like frames stay text. */
static void test_arch_not_frames(void **state)
{
	(void)state;
	struct ct_frame f;
	static const char *const lines[] = {
		"Code: 48 8b 45 c8 <48> 8b 40 59",
		"Hardware name: QEMU Standard PC",
		"usb 1-1: new high-speed USB device number 2 using xhci_hcd",
		"Krnl Code: 00000000009e59d4: ecdcfff8a065 clgrj %r13,%r12,10",
		"...",
		"audit from user 0",
		"r6:c04e1a9c r5:00000000 r4:c0599a60",
		"LR = .arch_local_irq_restore+0x74/0x90",
		"Exception stack(0xef0a5fa8 to 0xef0a5ff0)",
		"1f40: 00000000 c0b01f8c",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(lines); i++) {
		struct ct_case *c = extract_len(lines[i], strlen(lines[i]));
		assert_int_equal(c->backtrace_count, 0);
		ct_case_destroy(c);
	}
	(void)f;
}

/* ------------------------------------------------------------------------
 * The corpus: tests/data/linux/X with X.expect (tests/data/README.md)
 * ------------------------------------------------------------------------ */

/* Is "linux/NAME-without-.expect event:KIND" a line of
 * tests/data/KNOWN-EVENTS (loaded by test_corpus)? */
static char *known_events;

static bool is_known_miss(const char *expect_name, const char *kind)
{
	char needle[512];
	size_t n = strlen(expect_name);
	if (!known_events || n < 7)
		return false;
	snprintf(needle, sizeof(needle), "\nlinux/%.*s event:%s ",
		 (int)(n - 7), expect_name, kind);
	return strstr(known_events, needle) != NULL;
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		ct_strbuf_append(&sb, buf, n);
	fclose(f);
	*ret_len = sb.len;
	if (!sb.buf)
		return calloc(1, 1);
	return ct_strbuf_detach(&sb);
}

/* Check one expectation line; returns false (and prints why) on a miss. */
static bool check_expect(const struct ct_case *c, const char *name,
			 char *line)
{
	char *colon = strchr(line, ':');
	if (!colon)
		return true;
	*colon = '\0';
	const char *key = line, *value = colon + 1;
	while (*value == ' ')
		value++;
	if (strcmp(key, "panic_kind") == 0) {
		bool ok;
		if (strcmp(value, "none") == 0)
			ok = c->panic.kind == NULL;
		else if (strcmp(value, "PSOD") == 0 || strcmp(value, "crash") == 0)
			ok = c->panic.kind && strcmp(c->panic.kind, value) == 0;
		else
			ok = c->panic.kind && strcmp(c->panic.kind, "PSOD") &&
			     strcmp(c->panic.kind, "crash");
		if (!ok)
			printf("# %s: panic kind %s, got %s\n", name, value,
			       c->panic.kind ? c->panic.kind : "none");
		return ok;
	}
	if (strcmp(key, "crash_frames") == 0) {
		/* NEEDSWORK: the corpus lists frames that
		 * analyzer/data/generic-frames.txt skips (process_one_work,
		 * worker_thread, kthread, ret_from_fork, __list_del_entry_valid);
		 * until the two agree, names our backtrace marks generic are
		 * dropped from the expectation. */
		char want[1024], got[1024];
		size_t n = 0;
		want[0] = '\0';
		const struct ct_backtrace *bt = crashing(c);
		char *save = NULL, copy[1024];
		snprintf(copy, sizeof(copy), "%s", value);
		for (char *w = strtok_r(copy, " ", &save); w;
		     w = strtok_r(NULL, " ", &save)) {
			bool generic = false, counted = false;
			for (size_t i = 0; bt && i < bt->frame_count; i++) {
				const struct ct_frame *f = &bt->frames[i];
				if (!f->reliable || !f->normalized ||
				    strcmp(f->normalized, w) != 0)
					continue;
				if (f->generic)
					generic = true;
				else
					counted = true;
			}
			generic = generic && !counted;
			if (!generic)
				n += (size_t)snprintf(want + n, sizeof(want) - n,
						      "%s%s", n ? " " : "", w);
		}
		sig_frames(c, got, sizeof(got));
		bool ok = strncmp(got, want, n) == 0 &&
			  (got[n] == '\0' || got[n] == ' ');
		if (!ok)
			printf("# %s: crash frames '%s', got '%s'\n", name,
			       want, got);
		return ok;
	}
	if (strcmp(key, "fact") == 0) {
		char *eq = strchr(colon + 1, '=');
		if (!eq)
			return true;
		*eq = '\0';
		const char *k = value;
		bool ok = has_fact(c, k, eq + 1);
		if (!ok)
			printf("# %s: fact %s=%s missing\n", name, k, eq + 1);
		return ok;
	}
	if (strcmp(key, "event") == 0) {
		char kind[128];
		unsigned long count;
		if (sscanf(value, "%127s %lu", kind, &count) != 2)
			return true;
		bool ok = count_events(c, kind) == count;
		if (!ok && is_known_miss(name, kind)) {
			printf("# %s: event %s x%lu, got %zu (known: "
			       "tests/data/KNOWN-EVENTS)\n", name, kind, count,
			       count_events(c, kind));
			return true;
		}
		if (!ok)
			printf("# %s: event %s x%lu, got %zu\n", name, kind,
			       count, count_events(c, kind));
		return ok;
	}
	return true;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *top = getenv("top_srcdir");
	if (!top)
		top = ".";
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tests/data/linux", top);
	DIR *d = opendir(dir);
	if (!d)		/* the corpus is part of the source tree */
		fail_msg("no corpus at %s", dir);
	char kpath[4096 + 32];
	size_t klen;
	snprintf(kpath, sizeof(kpath), "%s/tests/data/KNOWN-EVENTS", top);
	char *k = slurp(kpath, &klen);
	if (k && asprintf(&known_events, "\n%s", k) < 0)
		known_events = NULL;
	free(k);
	struct dirent *e;
	unsigned files = 0, misses = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 8 || strcmp(e->d_name + n - 7, ".expect") != 0)
			continue;
		char path[4096 + 256], input[4096 + 256];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(input, sizeof(input), "%s/%.*s", dir, (int)(n - 7),
			 e->d_name);
		size_t len, elen;
		char *text = slurp(input, &len);
		char *expect = slurp(path, &elen);
		if (!text || !expect) {
			free(text);
			free(expect);
			continue;
		}
		files++;
		struct ct_case *c = NULL;
		assert_null(ct_analyze_buffer(input, text, len, &c));
		char *save = NULL;
		for (char *l = strtok_r(expect, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			if (!check_expect(c, e->d_name, l))
				misses++;
		ct_case_destroy(c);
		free(text);
		free(expect);
	}
	closedir(d);
	free(known_events);
	known_events = NULL;
	printf("# corpus: %u linux files checked, %u misses\n", files,
	       misses);
	assert_true(files > 0);
	assert_int_equal(misses, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff_positive),
		cmocka_unit_test(test_sniff_negative),
		cmocka_unit_test(test_a4_null_deref),
		cmocka_unit_test(test_prefix_styles_same_signature),
		cmocka_unit_test(test_old_kernel_forms),
		cmocka_unit_test(test_rip_forms),
		cmocka_unit_test(test_unreliable_frames_excluded),
		cmocka_unit_test(test_all_unreliable_trace),
		cmocka_unit_test(test_gpf_forms),
		cmocka_unit_test(test_kernel_bug),
		cmocka_unit_test(test_list_del_corruption),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_warning_then_oops),
		cmocka_unit_test(test_soft_lockup),
		cmocka_unit_test(test_hard_lockup_nmi),
		cmocka_unit_test(test_rcu_stall),
		cmocka_unit_test(test_hung_task),
		cmocka_unit_test(test_kasan),
		cmocka_unit_test(test_panic_reports),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_irq_sections),
		cmocka_unit_test(test_other_bug_and_ubsan),
		cmocka_unit_test(test_headless_trace),
		cmocka_unit_test(test_version_facts),
		cmocka_unit_test(test_seed002_hang),
		cmocka_unit_test(test_dmesg_hang_and_reset),
		cmocka_unit_test(test_igb_hang),
		cmocka_unit_test(test_plain_log_no_title),
		cmocka_unit_test(test_truncated_oops),
		cmocka_unit_test(test_reverse_order),
		cmocka_unit_test(test_hostile_nuls),
		cmocka_unit_test(test_hostile_long_line),
		cmocka_unit_test(test_hostile_many_frames),
		cmocka_unit_test(test_hostile_many_events),
		cmocka_unit_test(test_arch_x86_64_eras),
		cmocka_unit_test(test_arch_i386),
		cmocka_unit_test(test_arch_arm64_old),
		cmocka_unit_test(test_arch_arm32),
		cmocka_unit_test(test_arch_ppc64),
		cmocka_unit_test(test_arch_s390x),
		cmocka_unit_test(test_arch_mips_riscv),
		cmocka_unit_test(test_arch_parisc),
		cmocka_unit_test(test_decoded_traces),
		cmocka_unit_test(test_arch_pc_line_half_frame),
		cmocka_unit_test(test_arch_not_frames),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
