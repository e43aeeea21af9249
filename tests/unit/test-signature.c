/* SPDX-License-Identifier: MIT */
/*
 * test-signature.c - frame normalisation, generic-frame marking, and the
 * signature's stability across addresses, masks and paste styles.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/frames.h"
#include "tests/unit/helpers.h"

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "i40e_sync_vsi_filters", "i40e_sync_vsi_filters" },
		{ "__die_body.cold", "__die_body" },
		{ "tcp_ack.isra.0", "tcp_ack" },
		{ "foo.constprop.0.isra.0", "foo" },
		{ "bar.part.12", "bar" },
		{ "baz.cold.3", "baz" },
		{ "__GI_raise", "raise" },
		{ "obj.method", "obj.method" },	/* not a clone suffix */
		{ ".hidden", ".hidden" },
	};
	(void)state;
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		char *n = ct_frame_normalize(cases[i].in);
		assert_string_equal(n, cases[i].out);
		free(n);
	}
}

static struct ct_case *analyze(const char *text)
{
	return analyze_named("test", text);
}

static void test_abort_frames_cut(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"#0  __pthread_kill_implementation (threadid=<optimized out>, signo=6) at ./nptl/pthread_kill.c:44\n"
		"#1  0x00007ffff7df2f1f in __pthread_kill_internal (signo=6, threadid=<optimized out>) at ./nptl/pthread_kill.c:78\n"
		"#2  0x00007ffff7da3fb2 in __GI_raise (sig=sig@entry=6) at ../sysdeps/posix/raise.c:26\n"
		"#3  0x00007ffff7d8e472 in __GI_abort () at ./stdlib/abort.c:79\n"
		"#4  0x0000555555555171 in check_table (t=0x5555555592a0) at table.c:17\n"
		"#5  0x0000555555555190 in main () at table.c:25\n");
	assert_int_equal(c->backtrace_count, 1);
	assert_int_equal(c->backtraces[0].frame_count, 6);
	assert_true(c->backtraces[0].frames[3].generic);
	assert_false(c->backtraces[0].frames[4].generic);
	assert_non_null(c->signature.title);
	assert_string_equal(c->signature.frames[0], "check_table");
	assert_string_equal(c->signature.title, "crash in check_table <- main");
	assert_int_equal(c->backtraces[0].frames[4].source_line, 17);
	assert_string_equal(c->backtraces[0].frames[4].file, "table.c");
	ct_case_destroy(c);
}

/* The same crash pasted flat with masks and one per line with real
 * addresses must sign the same. */
static void test_signature_stable(void **state)
{
	(void)state;
	struct ct_case *a = analyze(
		"(gdb) where#0 DLM_free (msp=0x************, mem=<optimized out>, allowTrim=1) at \xe2\x80\xa6/dlmalloc.c:****"
		"#1 0x**************** in Heap_Free (heap=0x************, mem=<optimized out>) at \xe2\x80\xa6/heap.c:****"
		"#2 0x**************** in vmk_HeapFree (heap=<optimized out>, mem=<optimized out>) at \xe2\x80\xa6/vmkapi_heap.c:****"
		"#3 0x**************** in VSIPFreeFromHeapWithoutAccounting (heapID=<optimized out>, data=<optimized out>) at \xe2\x80\xa6/vsip_util.c:****"
		"#4 0x**************** in uma_zfree_arg (z=0x************, item=item@entry=0x************, arg=arg@entry=0x0) at \xe2\x80\xa6/glue.c:****");
	struct ct_case *b = analyze(
		"(gdb) bt\n"
		"#0  DLM_free (msp=0x43012a000000, mem=<optimized out>, allowTrim=1) at bora/vmkernel/main/dlmalloc.c:4512\n"
		"#1  0x0000420012345678 in Heap_Free (heap=0x43012a000000, mem=<optimized out>) at bora/vmkernel/main/heap.c:3301\n"
		"#2  0x0000420012345999 in vmk_HeapFree (heap=<optimized out>, mem=<optimized out>) at bora/vmkernel/main/vmkapi_heap.c:215\n"
		"#3  0x0000420019999999 in VSIPFreeFromHeapWithoutAccounting (heapID=<optimized out>, data=<optimized out>) at vsip_util.c:88\n"
		"#4  0x0000420019999aaa in uma_zfree_arg (z=0x4301, item=item@entry=0x4302, arg=arg@entry=0x0) at glue.c:401\n");
	assert_int_equal(a->backtraces[0].frame_count, 5);
	assert_int_equal(b->backtraces[0].frame_count, 5);
	assert_string_equal(a->signature.hash, b->signature.hash);
	assert_string_equal(a->panic.kind, "PSOD");
	assert_string_equal(a->signature.title,
			    "PSOD in DLM_free <- Heap_Free <- vmk_HeapFree");
	assert_false(a->backtraces[0].frames[1].has_address);
	assert_true(b->backtraces[0].frames[1].has_address);
	assert_string_equal(a->backtraces[0].frames[1].file, "heap.c");
	ct_case_destroy(a);
	ct_case_destroy(b);
}

static void test_threads_crashing(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Program terminated with signal SIGSEGV, Segmentation fault.\n"
		"#0  0x000055555555513d in crash_here (p=0x0) at crash.c:12\n"
		"12\t  *p = 1;\n"
		"[Current thread is 2 (Thread 0x7ffff7d8a640 (LWP 4242))]\n"
		"(gdb) thread apply all bt\n\n"
		"Thread 2 (Thread 0x7ffff7d8a640 (LWP 4242)):\n"
		"#0  0x000055555555513d in crash_here (p=0x0) at crash.c:12\n"
		"#1  0x0000555555555160 in worker (arg=0x0) at crash.c:20\n"
		"#2  0x00007ffff7df1044 in start_thread (arg=<optimized out>) at ./nptl/pthread_create.c:442\n"
		"#3  0x00007ffff7e7161c in clone3 () at ../sysdeps/unix/sysv/linux/x86_64/clone3.S:81\n\n"
		"Thread 1 (Thread 0x7ffff7d8b740 (LWP 4241)):\n"
		"#0  0x00007ffff7dee0ba in __futex_abstimed_wait_common () from /lib/x86_64-linux-gnu/libc.so.6\n"
		"#1  0x00007ffff7df2624 in __pthread_clockjoin_ex () from /lib/x86_64-linux-gnu/libc.so.6\n"
		"#2  0x00005555555551a0 in main () at crash.c:30\n");
	/* the frame gdb printed on load is folded into thread 2's listing */
	assert_int_equal(c->backtrace_count, 2);
	const struct ct_backtrace *t2 = &c->backtraces[0];
	assert_string_equal(t2->label, "thread 2 (LWP 4242)");
	assert_true(t2->crashing);
	assert_false(c->backtraces[1].crashing);
	assert_string_equal(c->backtraces[1].frames[0].module, "libc.so.6");
	assert_string_equal(c->panic.exception, "SIGSEGV");
	assert_string_equal(c->signature.title,
			    "crash in crash_here <- worker");
	ct_case_destroy(c);
}

static void test_no_crash_no_title(void **state)
{
	(void)state;
	struct ct_case *c = NULL;
	const char *text = "just some words\nwith # signs #1 here\n";
	assert_null(ct_analyze_buffer("plain", text, strlen(text), &c));
	assert_false(ct_case_usable(c));
	assert_null(c->signature.title);
	assert_string_equal(c->signature.hash, "");
	assert_non_null(c->inputs[0].error);
	ct_case_destroy(c);
}

static void test_facts_dedup(void **state)
{
	(void)state;
	struct ct_case *c;
	assert_null(ct_case_create("facts", &c));
	struct ct_origin o = { "x", 1 };
	char key[32], value[32];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 20000; i++) {
			snprintf(key, sizeof(key), "k.%d", i % 5000);
			snprintf(value, sizeof(value), "v%d", i);
			assert_null(ct_case_add_fact(c, key, value, o));
		}
	assert_int_equal(c->fact_count, 20000); /* second round: duplicates */
	assert_string_equal(ct_case_fact(c, "k.7"), "v7");
	/* a key may hold several values */
	assert_null(ct_case_add_fact(c, "nic.pci_id", "8086:153a", o));
	assert_null(ct_case_add_fact(c, "nic.pci_id", "8086:1521", o));
	assert_null(ct_case_add_fact(c, "nic.pci_id", "8086:153a", o));
	assert_int_equal(c->fact_count, 20002);
	ct_case_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_abort_frames_cut),
		cmocka_unit_test(test_signature_stable),
		cmocka_unit_test(test_threads_crashing),
		cmocka_unit_test(test_no_crash_no_title),
		cmocka_unit_test(test_facts_dedup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
