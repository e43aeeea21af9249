/* SPDX-License-Identifier: MIT */
/*
 * test-frames.c - frame names from gdb's C++ and Rust output: what the
 * extractor reads as one name, what normalisation keeps of it, and the
 * generic-frame patterns with '*' in the middle.  The corpus
 * (tests/data/gdb) checks the same end to end, but its crash_frames lines
 * cannot hold names with blanks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/frames.h"
#include "tests/unit/helpers.h"

static void test_normalize_cxx_rust(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* demangled parameter lists, qualifiers, clone tags */
		{ "Palette::Load(char const*)", "Palette::Load" },
		{ "operator new(unsigned long)", "operator new" },
		{ "operator delete(void*, unsigned long)", "operator delete" },
		{ "std::vector<int, std::allocator<int> >::_M_range_check"
		  "(unsigned long) const",
		  "std::vector<int, std::allocator<int> >::_M_range_check" },
		{ "foo()::{lambda(int)#1}::operator()(int) const",
		  "foo()::{lambda(int)#1}::operator()" },
		{ "Foo::operator()", "Foo::operator()" },
		{ "(anonymous namespace)::Tok<char>::next(int) [clone .isra.0]",
		  "(anonymous namespace)::Tok<char>::next" },
		{ "(anonymous namespace)::run", "(anonymous namespace)::run" },
		{ "pthread_cond_wait@@GLIBC_2.3.2", "pthread_cond_wait" },
		{ "memcpy@GLIBC_2.2.5", "memcpy" },
		{ "Foo@vmkernel", "Foo@vmkernel" },	/* not a version */
		/* Rust hashes and legacy mangled names */
		{ "core::result::unwrap_failed::h5c41e4f8b2d0e3a1",
		  "core::result::unwrap_failed" },
		{ "std::rt::lang_start::{{closure}}", "std::rt::lang_start::{{closure}}" },
		{ "_ZN4core9panicking9panic_fmt17h0123456789abcdefE",
		  "core::panicking::panic_fmt" },
		{ "_ZN4core6option15Option$LT$T$GT$6expect17h0d6a3e7f5c1b2a94E",
		  "core::option::Option<T>::expect" },
		{ "_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h3e4f5a6b7c8d9e0fE",
		  "std::rt::lang_start::{{closure}}" },
		{ "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0123456789abcdefE",
		  "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>" },
		/* plain Itanium names: nested, const, std::, ctor/dtor */
		{ "_ZNK3foo3Bar3getEv", "foo::Bar::get" },
		{ "_ZN3foo3BarD2Ev", "foo::Bar::~Bar" },
		{ "_ZN3foo3BarC1Ei", "foo::Bar::Bar" },
		{ "_ZSt9terminatev", "std::terminate" },
		{ "_Z4mainv", "main" },
		/* templates and substitutions are kept as they are */
		{ "_ZNSt6vectorIiSaIiEE9push_backERKi",
		  "_ZNSt6vectorIiSaIiEE9push_backERKi" },
		{ "_ZN3foo", "_ZN3foo" },
		{ "_ZN99fooE", "_ZN99fooE" },
		/* not a hash: 15 hex digits, or not hex */
		{ "a::b::h0123456789abcde", "a::b::h0123456789abcde" },
		{ "a::b::hxyz0123456789abc", "a::b::hxyz0123456789abc" },
	};
	(void)state;
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		char *n = ct_frame_normalize(cases[i].in);
		assert_non_null(n);
		assert_string_equal(n, cases[i].out);
		free(n);
	}
}

static struct ct_case *analyze(const char *text)
{
	return analyze_named("test", text);
}

/* Names with blanks and parentheses of their own are one frame each. */
static void test_cxx_names_read_whole(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"#0  0x0000555555555171 in (anonymous namespace)::Tok<char>::next (this=0x1) at t.cpp:5\n"
		"#1  0x0000555555555172 in quote::Parser::operator()(std::basic_string_view<char, std::char_traits<char> >)::{lambda(unsigned long)#1}::operator()(unsigned long) const (__closure=0x2, i=3) at p.cpp:9\n"
		"#2  0x0000555555555173 in operator<<(std::ostream&, Foo const&) () from /lib/libfoo.so\n"
		"#3  0x0000555555555174 in void std::__invoke_impl<void, void (*)()>(std::__invoke_other, void (*&&)()) ()\n"
		"#4  0x0000555555555175 in main () at m.cpp:1\n");
	assert_int_equal(c->backtrace_count, 1);
	const struct ct_backtrace *bt = &c->backtraces[0];
	assert_int_equal(bt->frame_count, 5);
	assert_string_equal(bt->frames[0].normalized,
			    "(anonymous namespace)::Tok<char>::next");
	assert_string_equal(bt->frames[1].normalized,
			    "quote::Parser::operator()(std::basic_string_view<char, std::char_traits<char> >)::{lambda(unsigned long)#1}::operator()");
	assert_string_equal(bt->frames[1].file, "p.cpp");
	assert_string_equal(bt->frames[2].normalized, "operator<<");
	assert_string_equal(bt->frames[2].module, "libfoo.so");
	assert_string_equal(bt->frames[3].normalized,
			    "std::__invoke_impl");	/* one function for
							 * every instantiation */
	ct_case_destroy(c);
}

/* A paste cut in the middle of its last frame's name: that name is not
 * trusted, so it is not signed. */
static void test_cut_last_line(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"#0  0x0000555555555171 in parse_header (p=0x0) at hdr.c:40\n"
		"#1  0x0000555555555172 in read_request (c=0x1) at req.c:88\n"
		"#2  0x0000555555555173 in serve_conn");
	const struct ct_backtrace *bt = &c->backtraces[0];
	assert_int_equal(bt->frame_count, 3);
	assert_false(bt->frames[2].reliable);
	assert_int_equal(c->signature.frame_count, 2);
	ct_case_destroy(c);
	/* cut inside the arguments: the name is whole */
	c = analyze(
		"#0  0x0000555555555171 in parse_header (p=0x0) at hdr.c:40\n"
		"#1  0x0000555555555172 in read_request (c=0x1, buf=0x7ff");
	assert_true(c->backtraces[0].frames[1].reliable);
	assert_int_equal(c->signature.frame_count, 2);
	ct_case_destroy(c);
}

/* gdb sessions without "bt": the stop line under gdb's signal words, a
 * GEF context's trace, and a hand-typed "#N name" listing. */
static void test_gdb_without_bt(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Program received signal SIGSEGV, Segmentation fault.\n"
		"0x000000000068c039 in fail () at debug.cpp:23\n"
		"23\t  *((int*) 0x1234) = 0;\n");
	assert_true(c->inputs[0].kinds & (1u << CT_KIND_GDB_BACKTRACE));
	assert_string_equal(c->signature.guilty, "fail");
	ct_case_destroy(c);
	c = analyze(
		"[#0] Id 1, Name: \"badchars\", stopped 0x7f7f17f06a06 in pwnme (), reason: SIGSEGV\n"
		"\xe2\x94\x80\xe2\x94\x80 trace \xe2\x94\x80\xe2\x94\x80\n"
		"[#0] 0x7f7f17f06a06 \xe2\x86\x92 pwnme()\n"
		"[#1] 0x400607 \xe2\x86\x92 main()\n");
	assert_true(c->inputs[0].kinds & (1u << CT_KIND_GDB_BACKTRACE));
	assert_string_equal(c->signature.guilty, "pwnme");
	assert_string_equal(c->panic.exception, "SIGSEGV");
	ct_case_destroy(c);
	/* a breakpoint stop is no signal of a crash */
	c = analyze(
		"[#0] Id 1, Name: \"otp\", stopped 0x555555400630 in strncmp@plt (), reason: BREAKPOINT\n"
		"[#0] 0x555555400630 \xe2\x86\x92 strncmp@plt()\n");
	assert_false(c->inputs[0].kinds & (1u << CT_KIND_GDB_BACKTRACE));
	ct_case_destroy(c);
	c = analyze(
		"#0  parse_header\n"
		"#1  read_request\n"
		"#2  serve_conn\n");
	assert_true(c->inputs[0].kinds & (1u << CT_KIND_GDB_BACKTRACE));
	assert_string_equal(c->signature.guilty, "parse_header");
	ct_case_destroy(c);
}

/* A panic inside a Rust panic hook: the outer panic's machinery below
 * the hook is a second copy of the cut frames, and the inner panic's cut
 * stops above it, at the hook that panicked.  One panic keeps its cut. */
static void test_nested_panic_cut(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"#0  0x00007f0000000001 in raise () from /lib/libc.so.6\n"
		"#1  0x00007f0000000002 in abort () from /lib/libc.so.6\n"
		"#2  0x0000555555555170 in std::sys::pal::unix::abort_internal ()\n"
		"#3  0x0000555555555171 in std::panicking::rust_panic_with_hook ()\n"
		"#4  0x0000555555555172 in core::panicking::panic_fmt ()\n"
		"#5  0x0000555555555173 in app::hook::{{closure}} ()\n"
		"#6  0x0000555555555174 in std::panicking::rust_panic_with_hook ()\n"
		"#7  0x0000555555555175 in core::panicking::panic_fmt ()\n"
		"#8  0x0000555555555176 in app::main ()\n");
	assert_string_equal(c->signature.frames[0], "app::hook::{{closure}}");
	ct_case_destroy(c);
	c = analyze(
		"#0  0x00007f0000000001 in raise () from /lib/libc.so.6\n"
		"#1  0x00007f0000000002 in abort () from /lib/libc.so.6\n"
		"#2  0x0000555555555173 in app::hook::{{closure}} ()\n"
		"#3  0x0000555555555174 in std::panicking::rust_panic_with_hook ()\n"
		"#4  0x0000555555555175 in core::panicking::panic_fmt ()\n"
		"#5  0x0000555555555176 in app::main ()\n");
	assert_string_equal(c->signature.frames[0], "app::main");
	ct_case_destroy(c);
}

/* Generic-frame patterns with '*' inside the name. */
static void test_generic_glob(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"#0  0x00007f0000000001 in raise () from /lib/libc.so.6\n"
		"#1  0x00007f0000000002 in abort () from /lib/libc.so.6\n"
		"#2  0x0000555555555171 in std::sys::unix::abort_internal () at library/std/src/sys/unix/mod.rs:300\n"
		"#3  0x0000555555555172 in app::watchdog::fire () at src/w.rs:9\n"
		"#4  0x0000555555555173 in core::option::Option<u32>::unwrap<u32> (self=...) at option.rs:1\n"
		"#5  0x0000555555555174 in app::main () at src/main.rs:3\n");
	const struct ct_backtrace *bt = &c->backtraces[0];
	assert_true(bt->frames[2].generic);
	assert_false(bt->frames[3].generic);
	assert_true(bt->frames[4].generic);
	assert_string_equal(c->signature.frames[0], "app::watchdog::fire");
	assert_string_equal(c->signature.frames[1], "app::main");
	ct_case_destroy(c);
}

/* A Linux trace deeper than the frame cap (a stack overflow's
 * recursion) keeps its innermost and its outermost frames: where it
 * overflowed and the syscall that entered it. */
static void test_recursion_keeps_both_ends(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, "BUG: stack guard page was hit at ffffc9001a6e7fe8\n"
			    "Call Trace:\n inner_overflow+0x1/0x2\n");
	for (int i = 0; i < 900; i++)
		ct_strbuf_puts(&sb, " recurse_a+0x1/0x2\n recurse_b+0x3/0x4\n");
	ct_strbuf_puts(&sb, " entered_here+0x5/0x6\n rtnetlink_rcv_msg+0x1/0x2\n"
			    " netlink_rcv_skb+0x1/0x2\n");
	assert_false(sb.failed);
	struct ct_case *c = analyze_named("deep.log", sb.buf);
	assert_int_equal(c->backtrace_count, 1);
	const struct ct_backtrace *bt = &c->backtraces[0];
	assert_true(bt->frame_count <= CT_MAX_FRAMES);
	assert_int_equal(bt->frame_count + bt->frames_dropped, 1804);
	assert_string_equal(bt->frames[0].function, "inner_overflow");
	assert_string_equal(bt->frames[bt->frame_count - 1].function,
			    "netlink_rcv_skb");
	assert_string_equal(c->signature.guilty, "entered_here");
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_cxx_rust),
		cmocka_unit_test(test_cxx_names_read_whole),
		cmocka_unit_test(test_cut_last_line),
		cmocka_unit_test(test_generic_glob),
		cmocka_unit_test(test_recursion_keeps_both_ends),
		cmocka_unit_test(test_nested_panic_cut),
		cmocka_unit_test(test_gdb_without_bt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
