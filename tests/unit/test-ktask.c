/* SPDX-License-Identifier: MIT */
/*
 * test-ktask.c - the kernel type and stack readers over crafted inputs:
 * task_struct's layout from small BTF blobs (nested members, a member of
 * an anonymous union, typedefs, the pre-5.14 "state" and the 5.16+
 * thread_info.cpu), hostile BTF refused, and ORC walks of every format
 * version (call frames to the end of the stack, a pt_regs frame from user
 * mode, a stack pointer that goes down), over the seeds
 * tests/fuzz/make-kernel-seeds.py writes into tests/fuzz/corpus/; and the
 * task list of a crafted kernel image (that seed's BTF, a task list,
 * thread lists, per-CPU current and idle tasks): the CPUs' tasks found by
 * address, in time that does not grow with tasks x CPUs, each CPU's
 * __per_cpu_offset[] entry read once, and a read that
 * runs out of memory at each of its allocations in turn (malloc, calloc
 * and realloc are wrapped: -Wl,--wrap in Makefile.am) retried to the same
 * tasks and notes as a read that did not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "analyzer/bytes.h"
#include "analyzer/dump/dump.h"
#include "symbolizers/kallsyms.h"

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

/* ---- out of memory on demand ------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/* Allocations left before one fails (once); -1: none fails. */
static long fail_in = -1;

static bool alloc_fails(void)
{
	if (fail_in < 0)
		return false;
	return fail_in-- == 0;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : __real_realloc(p, n);
}

/* ---- a crafted kernel: tasks and CPUs ----------------------------------- */

#define KBASE 0xffffffff90000000ull
enum {
	F_NR_CPUS = 0x10000,	  /* u32 nr_cpu_ids */
	F_PANIC_CPU = 0x10008,	  /* u32 panic_cpu */
	F_PCPU_OFFSETS = 0x11000, /* __per_cpu_offset[8192] */
	F_PCPU = 0x21000,	  /* 16 bytes per CPU: current, idle */
	F_TASKS = 0x41000,	  /* task i at F_TASKS + i * TASK_SIZE */
	TASK_SIZE = 192,	  /* the seed's task_struct */
	T_STATE = 24,
	T_CPU = 16,
	T_FLAGS = 40,
	T_TASKS = 48,
	T_PID = 68,
	T_TGID = 72,
	T_COMM = 80,
	T_THREAD_GROUP = 160,
};

struct fake {
	unsigned char *mem;
	size_t len;
	struct ct_kmem *km;
	struct ct_vmcore vc;
	struct ct_kallsyms *ks;
	struct ct_kernel *k;
	uint32_t cpus;
	size_t offset_reads; /* of __per_cpu_offset[] */
};

static enum ct_core_mem read_image(void *state, uint64_t vaddr, void *dst,
				   size_t n, size_t *ret_read)
{
	struct fake *f = state;
	*ret_read = 0;
	uint64_t offsets = KBASE + F_PCPU_OFFSETS;
	if (vaddr >= offsets && vaddr < offsets + 8 * (uint64_t)f->cpus)
		f->offset_reads++;
	if (vaddr < KBASE || vaddr - KBASE >= f->len ||
	    f->len - (vaddr - KBASE) < n)
		return CT_CORE_MEM_UNMAPPED;
	memcpy(dst, f->mem + (vaddr - KBASE), n);
	*ret_read = n;
	return CT_CORE_MEM_OK;
}

static uint64_t task_va(size_t i)
{
	return KBASE + F_TASKS + (uint64_t)i * TASK_SIZE;
}

static void put_le(struct fake *f, uint64_t va, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		f->mem[va - KBASE + i] = (unsigned char)(v >> (8 * i));
}

static void put64(struct fake *f, uint64_t va, uint64_t v)
{
	put_le(f, va, v, 8);
}

static void put32(struct fake *f, uint64_t va, uint32_t v)
{
	put_le(f, va, v, 4);
}

static void fake_task(struct fake *f, size_t i, int pid, int tgid)
{
	uint64_t t = task_va(i);
	put32(f, t + T_PID, (uint32_t)pid);
	put32(f, t + T_TGID, (uint32_t)tgid);
	put32(f, t + T_STATE, 1); /* S */
	snprintf((char *)f->mem + (t + T_COMM - KBASE), 16, "task-%d", pid);
	/* a thread group of one until linked */
	put64(f, t + T_THREAD_GROUP, t + T_THREAD_GROUP);
	put64(f, t + T_THREAD_GROUP + 8, t + T_THREAD_GROUP);
}

/* Link tasks idx[0..n) into a circular list through their member off. */
static void fake_link(struct fake *f, const size_t *idx, size_t n, size_t off)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t at = task_va(idx[i]) + off;
		put64(f, at, task_va(idx[(i + 1) % n]) + off);
		put64(f, at + 8, task_va(idx[(i + n - 1) % n]) + off);
	}
}

static void fake_sym(struct ct_kallsyms *ks, const char *name, uint64_t va)
{
	size_t len = strlen(name) + 1;
	assert_true(ct_grow((void **)&ks->syms, &ks->cap, ks->count + 1,
			    sizeof(*ks->syms)));
	assert_true(ct_grow((void **)&ks->pool, &ks->pool_cap,
			    ks->pool_len + len, 1));
	memcpy(ks->pool + ks->pool_len, name, len);
	ks->syms[ks->count++] = (struct ct_kallsyms_sym){ .address = va,
							  .name = ks->pool_len,
							  .type = 'D' };
	ks->pool_len += len;
}

/*
 * A kernel of procs processes (pids 1..procs on the task list after
 * init_task), the process with pid 2 having two more threads (its thread
 * list), and cpus CPUs: cpu0 runs cur0 (a task index; it panics), every
 * other CPU its own idle task (on no list) unless bad_cpu, whose per-CPU
 * offset points nowhere.  Task indices: 0 init_task, 1..procs the
 * processes, procs + 1 and procs + 2 pid 2's threads, then cpu1.. idle.
 */
static void fake_open(struct fake *f, size_t procs, uint32_t cpus, size_t cur0,
		      uint32_t bad_cpu)
{
	memset(f, 0, sizeof(*f));
	f->cpus = cpus;
	size_t btf_len;
	const unsigned char *btf = seed("kbtf/task-6.1", &btf_len);
	assert_true(btf_len <= F_NR_CPUS);
	assert_true(cpus >= 1 && cpus <= 8192);
	size_t ntasks = 1 + procs + 2 + (cpus - 1);
	f->len = F_TASKS + ntasks * TASK_SIZE;
	f->mem = calloc(1, f->len);
	assert_non_null(f->mem);
	memcpy(f->mem, btf, btf_len);
	put32(f, KBASE + F_NR_CPUS, cpus);
	put32(f, KBASE + F_PANIC_CPU, 0);

	size_t *list = calloc(procs + 1, sizeof(*list));
	assert_non_null(list);
	fake_task(f, 0, 0, 0);
	for (size_t i = 0; i <= procs; i++) {
		list[i] = i;
		if (i)
			fake_task(f, i, (int)i, (int)i);
	}
	fake_link(f, list, procs + 1, T_TASKS);
	free(list);
	fake_task(f, procs + 1, (int)procs + 1, 2);
	fake_task(f, procs + 2, (int)procs + 2, 2);
	size_t group[] = { 2, procs + 1, procs + 2 };
	fake_link(f, group, 3, T_THREAD_GROUP);
	for (uint32_t c = 0; c < cpus; c++) {
		uint64_t area = KBASE + F_PCPU + 16 * (uint64_t)c;
		size_t idle = c ? procs + 2 + c : 0;
		if (c)
			fake_task(f, idle, 0, 0);
		put64(f, KBASE + F_PCPU_OFFSETS + 8 * (uint64_t)c,
		      c == bad_cpu ? 0x1000 : area);
		put64(f, area, task_va(c ? idle : cur0));
		put64(f, area + 8, task_va(idle));
		put32(f, task_va(idle) + T_CPU, c);
		put32(f, task_va(idle) + T_FLAGS, 0x00200000); /* kthread */
	}

	f->ks = calloc(1, sizeof(*f->ks));
	assert_non_null(f->ks);
	fake_sym(f->ks, "__start_BTF", KBASE);
	fake_sym(f->ks, "__stop_BTF", KBASE + btf_len);
	fake_sym(f->ks, "init_task", task_va(0));
	fake_sym(f->ks, "current_task", 0); /* per-CPU */
	fake_sym(f->ks, "idle_threads", 8); /* per-CPU */
	fake_sym(f->ks, "__per_cpu_offset", KBASE + F_PCPU_OFFSETS);
	fake_sym(f->ks, "nr_cpu_ids", KBASE + F_NR_CPUS);
	fake_sym(f->ks, "panic_cpu", KBASE + F_PANIC_CPU);
	struct ct_kmem_source src = { .read_phys = no_phys,
				      .read_virt = read_image,
				      .state = f };
	assert_null(ct_kmem_create(&src, &f->km));
	f->vc.kmem = f->km;
	assert_null(ct_kernel_open_ks(&f->vc, f->ks, &f->k));
}

static void fake_close(struct fake *f)
{
	ct_kernel_destroy(f->k);
	ct_kallsyms_destroy(f->ks);
	ct_kmem_destroy(f->km);
	free(f->mem);
}

static void test_tasks_by_address(void **state)
{
	(void)state;
	struct fake f;
	/* cpu0 runs pid 2's last thread, found on its thread list; cpu1 its
	 * idle task, found on no list; cpu2 cannot be read */
	fake_open(&f, 3, 3, 5, 2);
	const struct ct_ktask *t;
	size_t n;
	assert_null(ct_kernel_tasks(f.k, &t, &n));
	assert_int_equal(f.offset_reads, 3); /* once per CPU */
	assert_int_equal(n, 7);
	static const int pids[] = { 0, 1, 2, 3, 4, 5, 0 };
	for (size_t i = 0; i < n; i++)
		assert_int_equal(t[i].pid, pids[i]);
	assert_true(t[5].address == task_va(5));
	assert_true(t[5].on_cpu && t[5].panicking);
	assert_int_equal(t[5].current_cpu, 0);
	assert_int_equal(f.k->panic_task, 5);
	assert_true(t[6].address == task_va(6)); /* cpu1's idle */
	assert_true(t[6].on_cpu && !t[6].panicking && t[6].kthread);
	assert_int_equal(t[6].current_cpu, 1);
	for (size_t i = 0; i < 5; i++)
		assert_false(t[i].on_cpu);
	assert_int_equal(ct_kernel_note_count(f.k), 1);
	assert_non_null(strstr(ct_kernel_note(f.k, 0), "cpu2's current task"));
	fake_close(&f);
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds to read the tasks of a fake kernel (the best of 3). */
static double time_tasks(size_t procs, uint32_t cpus, size_t *ret_count)
{
	double best = 1e9;
	for (int r = 0; r < 3; r++) {
		struct fake f;
		fake_open(&f, procs, cpus, procs, UINT32_MAX);
		const struct ct_ktask *t;
		double t0 = cpu_seconds();
		assert_null(ct_kernel_tasks(f.k, &t, ret_count));
		double d = cpu_seconds() - t0;
		best = d < best ? d : best;
		fake_close(&f);
	}
	return best;
}

/* Every CPU's current and idle task is looked up by its address among
 * all the tasks read: 8192 CPUs (each idle, on no list) over 40,000
 * tasks cost little more than one CPU does, not 16,384 scans of them
 * (0.8 s when they were scans, 11 ms now, on a 2-core Xeon VM). */
static void test_tasks_many_cpus(void **state)
{
	(void)state;
	size_t n1, n2;
	double one = time_tasks(40000, 1, &n1);
	double many = time_tasks(40000, 8192, &n2);
	assert_int_equal(n1, 1 + 40000 + 2);
	assert_int_equal(n2, n1 + 8191);
	printf("# tasks: 1 CPU %.1f ms, 8192 CPUs %.1f ms\n", one * 1e3,
	       many * 1e3);
	assert_true(many < 4 * one + 0.05);
}

/* What a read leaves, to compare: the tasks and the notes. */
struct snapshot {
	struct ct_ktask tasks[16];
	size_t count, panic_task;
	char notes[4][200];
	size_t note_count;
};

static void snap(struct fake *f, struct snapshot *ret)
{
	const struct ct_ktask *t;
	memset(ret, 0, sizeof(*ret));
	assert_null(ct_kernel_tasks(f->k, &t, &ret->count));
	assert_true(ret->count <= 16);
	memcpy(ret->tasks, t, ret->count * sizeof(*t));
	ret->panic_task = f->k->panic_task;
	ret->note_count = ct_kernel_note_count(f->k);
	assert_true(ret->note_count <= 4);
	for (size_t i = 0; i < ret->note_count; i++)
		snprintf(ret->notes[i], sizeof(ret->notes[i]), "%s",
			 ct_kernel_note(f->k, i));
}

/* Out of memory at each allocation of a task read in turn: the read
 * fails, and a retry gives what a read that never failed gives (no task
 * twice, no note twice, the right panicking task). */
static void test_tasks_retry_after_oom(void **state)
{
	(void)state;
	struct fake f;
	struct snapshot want, got;
	fake_open(&f, 3, 3, 5, 2);
	snap(&f, &want);
	fake_close(&f);
	size_t failures = 0;
	for (long at = 0;; at++) {
		fake_open(&f, 3, 3, 5, 2);
		const struct ct_ktask *t;
		size_t n;
		fail_in = at;
		struct ct_error *err = ct_kernel_tasks(f.k, &t, &n);
		bool injected = fail_in < 0;
		fail_in = -1;
		if (err) {
			assert_ptr_equal(err, &ct_enomem);
			failures++;
		}
		snap(&f, &got);
		assert_int_equal(got.count, want.count);
		assert_memory_equal(got.tasks, want.tasks,
				    want.count * sizeof(*got.tasks));
		assert_int_equal(got.panic_task, want.panic_task);
		assert_int_equal(got.note_count, want.note_count);
		for (size_t i = 0; i < want.note_count; i++)
			assert_string_equal(got.notes[i], want.notes[i]);
		fake_close(&f);
		if (!injected)
			break;
	}
	assert_true(failures >= 4); /* tasks, seen set, notes grown */
}

/* The same for what unwinding prepares (the symbol table, ORC, the
 * modules' ORC): none of its notes said twice after a retry, even when
 * the failure comes after them (in the modules' reader). */
static void test_unwind_retry_after_oom(void **state)
{
	(void)state;
	for (long at = 0;; at++) {
		struct fake f;
		fake_open(&f, 3, 3, 5, 2);
		/* seven notes said before: the eighth (ORC's) fills the
		 * array, and the ninth (the modules') must grow it */
		while (ct_kernel_note_count(f.k) < 7)
			assert_null(ct_kernel_add_note(f.k, "filler"));
		fail_in = at;
		(void)ct_kernel_has_orc(f.k, NULL, NULL);
		bool injected = fail_in < 0;
		fail_in = -1;
		assert_false(ct_kernel_has_orc(f.k, NULL, NULL));
		size_t no_orc = 0;
		for (size_t i = 0; i < ct_kernel_note_count(f.k); i++)
			no_orc += strstr(ct_kernel_note(f.k, i),
					 "no ORC in this kernel") != NULL;
		assert_int_equal(no_orc, 1);
		fake_close(&f);
		if (!injected)
			break;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_orc_versions),
		cmocka_unit_test(test_orc_regs_and_loops),
		cmocka_unit_test(test_orc_init_checks),
		cmocka_unit_test(test_tasks_by_address),
		cmocka_unit_test(test_tasks_many_cpus),
		cmocka_unit_test(test_tasks_retry_after_oom),
		cmocka_unit_test(test_unwind_retry_after_oom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
