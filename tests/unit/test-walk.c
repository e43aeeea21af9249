/* SPDX-License-Identifier: MIT */
/*
 * test-walk.c - the list engines and pointer classification without a
 * core: small memory images behind a struct ct_walk_mem, one list of four
 * elements per kind, intact and broken one way each, with every finding
 * checked for kind, element, field and address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/walk/walk-internal.h"

enum { BASE = 0x10000, SIZE = 1024, NDUMPED = 0x20000 };

/* An image at BASE; [NDUMPED, NDUMPED + 4096) is mapped, not dumped. */
struct image {
	unsigned char b[SIZE];
};

static enum ct_core_mem image_read(void *state, uint64_t addr, void *dst,
				   size_t n, size_t *ret_read)
{
	struct image *im = state;
	*ret_read = 0;
	if (addr - NDUMPED < 4096)
		return CT_CORE_MEM_NOT_DUMPED;
	if (addr < BASE || addr - BASE >= SIZE)
		return CT_CORE_MEM_UNMAPPED;
	size_t have = SIZE - (size_t)(addr - BASE);
	size_t k = n < have ? n : have;
	memcpy(dst, im->b + (addr - BASE), k);
	*ret_read = k;
	return k < n ? CT_CORE_MEM_UNMAPPED : CT_CORE_MEM_OK;
}

static void put(struct image *im, unsigned off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		im->b[off + i] = (unsigned char)(v >> (8 * i));
}

/* element i (0..3) at image offset E(i); its node (node kinds) at +16 */
#define E(i) (64u * ((i) + 1))
#define A(off) ((uint64_t)BASE + (off))

struct fixture {
	struct image im;
	struct ct_walk_mem mem;
	struct ct_walk_env env;
	struct ct_walk_links l;
	struct ct_walk_result *r;
};

static void setup_kind(struct fixture *f, enum ct_walk_kind k)
{
	memset(f, 0, sizeof(*f));
	f->mem = (struct ct_walk_mem){ .read = image_read, .state = &f->im,
				       .ptr_size = 8 };
	f->env = (struct ct_walk_env){ .mem = &f->mem };
	bool node = k == CT_WALK_LIST_HEAD || k == CT_WALK_HLIST;
	bool pprev = k == CT_WALK_TAILQ || k == CT_WALK_LIST ||
		     k == CT_WALK_HLIST;
	f->l = (struct ct_walk_links){
		.kind = k, .first_off = 0, .last_off = 8,
		.next_off = 0, .prev_off = 8,
		.node_off = node ? 16 : 0, .elem_size = 48, .align = 8,
		.first_name = "first", .last_name = "last",
		.next_name = "next", .prev_name = "prev",
	};
	/* targets: elements, or their nodes */
	uint64_t t[4];
	for (int i = 0; i < 4; i++)
		t[i] = A(E(i)) + (node ? 16 : 0);
	uint64_t end = k == CT_WALK_LIST_HEAD ? A(0) : 0;
	put(&f->im, 0, t[0]);
	for (int i = 0; i < 4; i++) {
		put(&f->im, (unsigned)(t[i] - BASE), i < 3 ? t[i + 1] : end);
		uint64_t back = k == CT_WALK_LIST_HEAD
			? (i ? t[i - 1] : A(0))
			: pprev ? (i ? t[i - 1] : A(0)) : 0;
		if (back)
			put(&f->im, (unsigned)(t[i] - BASE) + 8, back);
	}
	if (k == CT_WALK_TAILQ || k == CT_WALK_STAILQ)
		put(&f->im, 8, t[3]);	/* the last next link: next_off 0 */
	if (k == CT_WALK_LIST_HEAD)
		put(&f->im, 8, t[3]);
	f->r = test_calloc(1, sizeof(*f->r));
	snprintf(f->r->head_type, sizeof(f->r->head_type), "head");
	snprintf(f->r->elem_type, sizeof(f->r->elem_type), "elem");
}

static void run(struct fixture *f)
{
	struct ct_error *err = ct_walk_engine_run(&f->env, &f->l, A(0), 100,
						  f->r);
	assert_null(err);
}

static void done(struct fixture *f)
{
	free(f->r->elements);
	free(f->r->recovered);
	free(f->r->findings);
	test_free(f->r);
}

static void assert_finding(const struct ct_walk_result *r, size_t i,
			   const char *kind, long element, uint64_t address,
			   const char *field)
{
	assert_true(r->finding_count > i);
	const struct ct_walk_finding *f = &r->findings[i];
	assert_string_equal(f->kind, kind);
	assert_int_equal(f->element, element);
	assert_int_equal(f->address, address);
	assert_string_equal(f->field, field);
}

static void test_intact_every_kind(void **state)
{
	(void)state;
	static const enum ct_walk_kind kinds[] = {
		CT_WALK_TAILQ, CT_WALK_LIST_HEAD, CT_WALK_SLIST, CT_WALK_LIST,
		CT_WALK_STAILQ, CT_WALK_HLIST,
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct fixture f;
		setup_kind(&f, kinds[k]);
		run(&f);
		assert_int_equal(f.r->count, 4);
		assert_int_equal(f.r->finding_count, 0);
		for (int i = 0; i < 4; i++)
			assert_int_equal(f.r->elements[i], A(E(i)));
		done(&f);
	}
}

static void test_slist_bitflip_unmapped(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_SLIST);
	put(&f.im, E(1), A(E(2)) ^ (1ull << 40));
	run(&f);
	assert_int_equal(f.r->count, 4);	/* the walk went on */
	assert_finding(f.r, 0, "bit-flip", 1, A(E(1)), "next");
	assert_non_null(strstr(f.r->findings[0].reason, "bit 40"));
	done(&f);
}

static void test_slist_unmapped_is_no_flip(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_SLIST);
	put(&f.im, E(1), 0x7000);
	run(&f);
	assert_int_equal(f.r->count, 2);
	assert_finding(f.r, 0, "unmapped", 1, A(E(1)), "next");
	done(&f);
}

static void test_list_flip_readable(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_LIST);
	/* element 2 + 8: readable, but its back link is element 2's next */
	put(&f.im, E(1), A(E(2)) ^ 8);
	run(&f);
	assert_int_equal(f.r->count, 4);
	assert_finding(f.r, 0, "bit-flip", 1, A(E(1)), "next");
	assert_int_equal(f.r->elements[2], A(E(2)));
	done(&f);
}

static void test_list_back_flip(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_LIST);
	put(&f.im, E(2) + 8, A(E(1)) ^ (1ull << 33));
	run(&f);
	assert_int_equal(f.r->count, 4);
	assert_int_equal(f.r->finding_count, 1);
	assert_finding(f.r, 0, "bit-flip", 2, A(E(2)) + 8, "prev");
	done(&f);
}

static void test_list_shared(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_LIST);
	/* a second list's element at 712 links to element 2, whose back
	 * link names that element's next (712: not one bit from element
	 * 1's next, which would be a flip) */
	put(&f.im, 712, A(E(2)));
	put(&f.im, E(2) + 8, A(712));
	run(&f);
	assert_int_equal(f.r->count, 4);
	assert_int_equal(f.r->finding_count, 1);
	assert_finding(f.r, 0, "shared", 2, A(E(2)) + 8, "prev");
	done(&f);
}

static void test_hlist_cycle_not_shared(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_HLIST);
	put(&f.im, E(3) + 16, A(E(1)) + 16);	/* element 3 -> element 1 */
	run(&f);
	assert_int_equal(f.r->count, 4);
	assert_int_equal(f.r->finding_count, 1);
	assert_finding(f.r, 0, "cycle", 3, A(E(3)) + 16, "next");
	assert_non_null(strstr(f.r->findings[0].reason, "cycle of 3"));
	done(&f);
}

static void test_stailq_tail_flip(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_STAILQ);
	put(&f.im, 8, A(E(3)) ^ 0x200);
	run(&f);
	assert_int_equal(f.r->count, 4);
	assert_int_equal(f.r->finding_count, 1);
	assert_finding(f.r, 0, "bit-flip", -1, A(8), "last");
	done(&f);
}

static void test_tailq_freed_and_recovered(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_TAILQ);
	memset(f.im.b + E(2), 0x6b, 48);
	run(&f);
	assert_int_equal(f.r->count, 2);
	assert_finding(f.r, 0, "freed", 1, A(E(1)), "next");
	/* the back walk from the tail: element 3, then the freed one */
	assert_true(f.r->back_walked);
	assert_int_equal(f.r->recovered_count, 1);
	assert_int_equal(f.r->recovered[0], A(E(3)));
	assert_non_null(strstr(f.r->recovered_stop, "freed"));
	done(&f);
}

static void test_list_head_not_dumped(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_LIST_HEAD);
	put(&f.im, E(1) + 16, NDUMPED);
	run(&f);
	assert_int_equal(f.r->count, 2);
	assert_finding(f.r, 0, "not-dumped", 1, A(E(1)) + 16, "next");
	done(&f);
}

static const char *upper_is_stack(void *state, uint64_t addr)
{
	(void)state;
	return addr >= A(E(3)) && addr < A(SIZE) ? "a thread's stack" : NULL;
}

static void test_slist_foreign(void **state)
{
	(void)state;
	struct fixture f;
	setup_kind(&f, CT_WALK_SLIST);
	f.env.region = upper_is_stack;
	run(&f);
	assert_int_equal(f.r->count, 3);
	assert_finding(f.r, 0, "foreign", 2, A(E(2)), "next");
	assert_non_null(strstr(f.r->findings[0].reason, "stack"));
	done(&f);
}

static void test_freed_rule(void **state)
{
	(void)state;
	struct image im;
	struct ct_walk_mem m = { .read = image_read, .state = &im,
				 .ptr_size = 8 };
	char why[120];
	memset(im.b, 0, sizeof(im.b));
	memset(im.b, 0x6b, 32);
	assert_true(ct_walk_is_freed(&m, A(0), 64, why, sizeof(why)));
	assert_non_null(strstr(why, "32 of its 64 bytes"));
	assert_false(ct_walk_is_freed(&m, A(0), 72, why, sizeof(why)));
	memset(im.b, 0, sizeof(im.b));
	put(&im, 0, 0xdeadbeefdeadbeefull);
	put(&im, 8, 0x00000000deadbeefull);
	assert_true(ct_walk_is_freed(&m, A(0), 32, why, sizeof(why)));
	assert_false(ct_walk_is_freed(&m, A(0), 48, why, sizeof(why)));
	/* unreadable: not freed */
	assert_false(ct_walk_is_freed(&m, 0x7000, 64, why, sizeof(why)));
}

static void test_check_ptr(void **state)
{
	(void)state;
	struct image im;
	struct ct_walk_mem m = { .read = image_read, .state = &im,
				 .ptr_size = 8 };
	const char *kind;
	char why[120];
	assert_true(ct_walk_check_ptr(&m, A(64), 16, 8, &kind, why,
				      sizeof(why)));
	assert_false(ct_walk_check_ptr(&m, 0, 16, 8, &kind, why, sizeof(why)));
	assert_string_equal(kind, "null");
	assert_false(ct_walk_check_ptr(&m, 0xdead000000000100ull, 16, 8,
				       &kind, why, sizeof(why)));
	assert_string_equal(kind, "poison");
	assert_false(ct_walk_check_ptr(&m, A(65), 16, 8, &kind, why,
				       sizeof(why)));
	assert_string_equal(kind, "misaligned");
	assert_false(ct_walk_check_ptr(&m, 0x7000, 16, 8, &kind, why,
				       sizeof(why)));
	assert_string_equal(kind, "unmapped");
	assert_false(ct_walk_check_ptr(&m, NDUMPED, 16, 8, &kind, why,
				       sizeof(why)));
	assert_string_equal(kind, "not-dumped");
}

static void test_kind_names(void **state)
{
	(void)state;
	for (int k = 0; k < CT_WALK_KIND_MAX; k++)
		assert_int_equal(ct_walk_kind_from_name(ct_walk_kind_name(k)),
				 k);
	assert_int_equal(ct_walk_kind_from_name("list"), CT_WALK_LIST);
	assert_int_equal(ct_walk_kind_from_name("list_head"),
			 CT_WALK_LIST_HEAD);
	assert_int_equal(ct_walk_kind_from_name("rbtree"), CT_WALK_KIND_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact_every_kind),
		cmocka_unit_test(test_slist_bitflip_unmapped),
		cmocka_unit_test(test_slist_unmapped_is_no_flip),
		cmocka_unit_test(test_list_flip_readable),
		cmocka_unit_test(test_list_back_flip),
		cmocka_unit_test(test_list_shared),
		cmocka_unit_test(test_hlist_cycle_not_shared),
		cmocka_unit_test(test_stailq_tail_flip),
		cmocka_unit_test(test_tailq_freed_and_recovered),
		cmocka_unit_test(test_list_head_not_dumped),
		cmocka_unit_test(test_slist_foreign),
		cmocka_unit_test(test_freed_rule),
		cmocka_unit_test(test_check_ptr),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
