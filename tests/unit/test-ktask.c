/* SPDX-License-Identifier: MIT */
/*
 * test-ktask.c - the kernel type and stack readers over crafted inputs:
 * task_struct's layout from small BTF blobs (nested members, a member of
 * an anonymous union, typedefs, the pre-5.14 "state" and the 5.16+
 * thread_info.cpu), hostile BTF refused, and ORC walks of every format
 * version (call frames to the end of the stack, a pt_regs frame from user
 * mode, a stack pointer that goes down), over the seeds
 * tests/fuzz/make-kernel-seeds.py writes into tests/fuzz/corpus/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/bytes.h"
#include "analyzer/dump/dump.h"

#define TEXT_VA 0xffffffff81000000ull
#define STACK_VA 0xffffc90000000000ull

/* The seed file name under tests/fuzz/corpus/, read whole. */
static unsigned char *seed(const char *name, size_t *ret_len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s",
		 top ? top : ".", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static unsigned char buf[64 * 1024];
	*ret_len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

static void test_layout(void **state)
{
	(void)state;
	size_t len;
	unsigned char *b6 = seed("kbtf/task-6.1", &len);
	struct ct_kbtf *b;
	assert_null(ct_kbtf_parse(b6, len, &b));
	struct ct_ktask_layout l;
	const char *missing = "x";
	assert_true(ct_ktask_layout_read(b, &l, &missing));
	assert_null(missing);
	assert_int_equal(l.tasks, 48);
	assert_int_equal(l.pid, 68);
	assert_int_equal(l.comm, 80);
	assert_int_equal(l.state, 24);
	assert_int_equal(l.state_size, 4);
	assert_int_equal(l.thread_sp, 128 + 8);	/* through a typedef */
	assert_true(l.has_cpu);
	assert_int_equal(l.cpu, 16);		/* thread_info.cpu */
	assert_true(l.has_thread_group);
	assert_int_equal(l.thread_group, 160);	/* in an anonymous union */
	assert_int_equal(l.frame_ret, 48);
	struct ct_kbtf_field f;
	assert_false(ct_kbtf_member(b, "task_struct", "nonesuch", &f));
	assert_false(ct_kbtf_member(b, "task_struct", "pid.x", &f));
	ct_kbtf_destroy(b);

	unsigned char *b5 = seed("kbtf/task-5.10", &len);
	assert_null(ct_kbtf_parse(b5, len, &b));
	assert_true(ct_ktask_layout_read(b, &l, &missing));
	assert_int_equal(l.state_size, 8);	/* long state */
	assert_false(l.has_thread_group);
	ct_kbtf_destroy(b);

	/* not BTF, and BTF cut short */
	struct ct_error *err = ct_kbtf_parse("hello world, no BTF here", 24, &b);
	assert_non_null(err);
	ct_error_destroy(err);
	b6 = seed("kbtf/task-6.1", &len);
	err = ct_kbtf_parse(b6, len - 10, &b);
	assert_non_null(err);
	ct_error_destroy(err);
}

struct mem {
	const unsigned char *stack;
	size_t len;
};

static enum ct_core_mem no_phys(void *state, uint64_t paddr, void *dst,
				size_t n, size_t *ret_read)
{
	(void)state, (void)paddr, (void)dst, (void)n;
	*ret_read = 0;
	return CT_CORE_MEM_UNMAPPED;
}

static enum ct_core_mem read_virt(void *state, uint64_t vaddr, void *dst,
				  size_t n, size_t *ret_read)
{
	const struct mem *m = state;
	*ret_read = 0;
	if (vaddr < STACK_VA || vaddr - STACK_VA >= m->len ||
	    m->len - (vaddr - STACK_VA) < n)
		return CT_CORE_MEM_UNMAPPED;
	memcpy(dst, m->stack + (vaddr - STACK_VA), n);
	*ret_read = n;
	return CT_CORE_MEM_OK;
}

/* Walk the seed name (fuzz-orc.c's format) into *t. */
static void walk_seed(const char *name, struct ct_orc_trace *t)
{
	size_t len;
	unsigned char *d = seed(name, &len);
	size_t count = ct_le16(d + 2);
	size_t need = 28 + count * (4 + CT_ORC_ENTRY_SIZE);
	assert_true(len >= need);
	struct ct_orc orc = { 0 };
	assert_null(ct_orc_init(&orc, d + 28, TEXT_VA, d + 28 + 4 * count,
				count, d[0] % 3 + 1));
	struct mem m = { d + need, len - need };
	struct ct_kmem_source src = { .read_phys = no_phys,
				      .read_virt = read_virt, .state = &m };
	struct ct_kmem *km;
	assert_null(ct_kmem_create(&src, &km));
	struct ct_orc_walk_input in = {
		.orc = &orc, .km = km, .ip = ct_le64(d + 4),
		.sp = ct_le64(d + 12), .bp = ct_le64(d + 20),
		.signal = d[1] & 1, .stack_lo = STACK_VA,
		.stack_hi = STACK_VA + 16384, .text_lo = TEXT_VA,
		.text_hi = TEXT_VA + (16u << 20),
	};
	assert_null(ct_orc_walk(&in, t));
	ct_kmem_destroy(km);
	ct_orc_deinit(&orc);
}

static void test_orc_versions(void **state)
{
	(void)state;
	static const char *const names[] = { "orc/calls-v1", "orc/calls-v2",
					      "orc/calls-v3" };
	for (size_t i = 0; i < 3; i++) {
		struct ct_orc_trace t;
		walk_seed(names[i], &t);
		assert_int_equal(t.count, 3);
		assert_true(t.frames[0].pc == TEXT_VA + 0x10);
		assert_true(t.frames[1].pc == TEXT_VA + 0x110);
		assert_true(t.frames[2].pc == TEXT_VA + 0x210);
		assert_true(t.complete);
		assert_string_equal(t.end, "end of stack");
		ct_orc_trace_deinit(&t);
	}
}

static void test_orc_regs_and_loops(void **state)
{
	(void)state;
	struct ct_orc_trace t;
	walk_seed("orc/regs-user-v3", &t);
	assert_int_equal(t.count, 1);
	assert_true(t.frames[0].regs);
	assert_true(t.complete);
	assert_non_null(strstr(t.end, "user mode"));
	ct_orc_trace_deinit(&t);

	/* kernel-mode pt_regs: the walk goes on at the interrupted sp,
	 * not at the frame pointer saved in pt_regs */
	walk_seed("orc/regs-kernel-v1", &t);
	assert_int_equal(t.count, 3);
	assert_true(t.frames[0].regs);
	assert_true(t.frames[1].pc == TEXT_VA + 0x110);
	assert_true(t.frames[2].pc == TEXT_VA + 0x210);
	assert_true(t.complete);
	ct_orc_trace_deinit(&t);

	walk_seed("orc/loop-v1", &t);
	assert_false(t.complete);
	assert_non_null(strstr(t.end, "goes down"));
	assert_true(t.count <= CT_ORC_MAX_FRAMES);
	ct_orc_trace_deinit(&t);
}

static void test_orc_init_checks(void **state)
{
	(void)state;
	unsigned char ips[8] = { 0 }, ents[12] = { 0 };
	struct ct_orc o = { 0 };
	/* the second ip (4 + -8) is before the first */
	ips[4] = 0xf8, ips[5] = ips[6] = ips[7] = 0xff;
	struct ct_error *err = ct_orc_init(&o, ips, TEXT_VA, ents, 2, 1);
	assert_non_null(err);
	ct_error_destroy(err);
	err = ct_orc_init(&o, ips, TEXT_VA, ents, 1, 4);
	assert_non_null(err);	/* no version 4 */
	ct_error_destroy(err);
	assert_null(ct_orc_init(&o, ips, TEXT_VA, ents, 1, 1));
	struct ct_orc_entry e;
	assert_false(ct_orc_find(&o, TEXT_VA - 1, &e));
	assert_true(ct_orc_find(&o, TEXT_VA + 100, &e));
	assert_int_equal(e.type, CT_ORC_TYPE_UNDEFINED);	/* all zero */
	ct_orc_deinit(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_orc_versions),
		cmocka_unit_test(test_orc_regs_and_loops),
		cmocka_unit_test(test_orc_init_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
