/* SPDX-License-Identifier: MIT */
/*
 * test-symtab.c - the text symbol-list symbolizer: every accepted line
 * form, lookups at symbol starts, middles, ends and before the first
 * symbol, symbols sharing an address, bad lines named by file:line, and
 * the caps on names and lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "symbolizers/symtab-text.h"

static struct ct_symtab *load(const char *text)
{
	struct ct_symtab *t;
	assert_null(ct_symtab_create(&t));
	struct ct_error *err = ct_symtab_add_text(t, "map", text,
						  strlen(text));
	if (err) {
		char *msg = ct_error_format(err);
		fail_msg("unexpected error: %s", msg);
	}
	return t;
}

/* the error text of loading text, which must fail */
static char *load_error(const char *text, size_t len)
{
	struct ct_symtab *t;
	assert_null(ct_symtab_create(&t));
	struct ct_error *err = ct_symtab_add_text(t, "bad.map", text, len);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_CORRUPT);
	char *msg = ct_error_format(err);
	ct_error_destroy(err);
	ct_symtab_destroy(t);
	return msg;
}

static void expect(struct ct_symtab *t, uint64_t addr, const char *name,
		   uint64_t offset, uint64_t size, const char *module)
{
	struct ct_symtab_hit h;
	assert_true(ct_symtab_lookup(t, addr, &h));
	assert_string_equal(h.name, name);
	assert_int_equal(h.offset, offset);
	assert_int_equal(h.start, addr - offset);
	if (size) {
		assert_true(h.has_size);
		assert_int_equal(h.size, size);
	} else {
		assert_false(h.has_size);
	}
	if (module)
		assert_string_equal(h.module, module);
	else
		assert_null(h.module);
}

static void test_system_map(void **state)
{
	(void)state;
	struct ct_symtab *t = load(
		"ffffffff81000000 T _stext\n"
		"ffffffff81000000 T startup_64\n"
		"ffffffff81000040 t secondary\n"
		"ffffffff81000080 D some_data\n"		/* not text */
		"ffffffff81000100 W weak_fn\n"
		"ffffffff81000140 r rodata\n"
		"ffffffff81000200 T _etext\n");
	assert_int_equal(t->count, 5);
	assert_int_equal(t->skipped, 2);
	/* start, middle, last byte, next start */
	expect(t, 0xffffffff81000000, "_stext", 0, 0x40, NULL);
	expect(t, 0xffffffff81000010, "_stext", 0x10, 0x40, NULL);
	expect(t, 0xffffffff8100003f, "_stext", 0x3f, 0x40, NULL);
	expect(t, 0xffffffff81000040, "secondary", 0, 0xc0, NULL);
	/* the data symbol does not end secondary */
	expect(t, 0xffffffff81000090, "secondary", 0x50, 0xc0, NULL);
	expect(t, 0xffffffff81000101, "weak_fn", 1, 0x100, NULL);
	/* the last symbol has no size */
	expect(t, 0xffffffff81000210, "_etext", 0x10, 0, NULL);
	struct ct_symtab_hit h;
	assert_false(ct_symtab_lookup(t, 0xffffffff80ffffff, &h));
	assert_false(ct_symtab_lookup(t, 0, &h));
	ct_symtab_destroy(t);
}

static void test_kallsyms_modules(void **state)
{
	(void)state;
	struct ct_symtab *t = load(
		"ffffffff81000000 T _stext\n"
		"ffffffffc0a01000 t e1000_probe\t[e1000]\n"
		"ffffffffc0a01200 T e1000_open\t[e1000]\r\n"
		"ffffffffc0b00000 t nf_hook [nf_tables]\n");
	expect(t, 0xffffffffc0a01010, "e1000_probe", 0x10, 0x200, "e1000");
	expect(t, 0xffffffffc0a01200, "e1000_open", 0, 0xfee00, "e1000");
	expect(t, 0xffffffffc0b00004, "nf_hook", 4, 0, "nf_tables");
	ct_symtab_destroy(t);
}

static void test_kallsyms_restricted(void **state)
{
	(void)state;
	/* read without privilege, kallsyms shows zeros: nothing usable */
	struct ct_symtab *t = load("0000000000000000 T _stext\n"
				   "0000000000000000 t helper\n");
	assert_int_equal(t->count, 0);
	assert_int_equal(t->skipped, 2);
	struct ct_symtab_hit h;
	assert_false(ct_symtab_lookup(t, 0x10, &h));
	ct_symtab_destroy(t);
}

static void test_nm_output(void **state)
{
	(void)state;
	struct ct_symtab *t = load(
		"                 U puts@GLIBC_2.2.5\n"
		"                 w __gmon_start__\n"
		"0000000000001040 T _start\n"
		"0000000000001139 T main\n"
		"0000000000001129 t helper\n"
		"0000000000004010 B counter\n");
	assert_int_equal(t->count, 3);
	expect(t, 0x1130, "helper", 7, 0x10, NULL);
	expect(t, 0x1139, "main", 0, 0, NULL);
	ct_symtab_destroy(t);
}

static void test_symbol_lists(void **state)
{
	(void)state;
	struct ct_symtab *t = load(
		"# vmkernel symbols\n"
		"\n"
		"0x41802a3b1000 vmk_Foo vmkernel\n"
		"vmk_Bar 0x41802a3b1100 [nmlx5_core]\n"
		"41802a3b1200 vmk_Baz\n"
		"vmk_Qux\t41802A3B1300\n");
	assert_int_equal(t->count, 4);
	expect(t, 0x41802a3b1001, "vmk_Foo", 1, 0x100, "vmkernel");
	expect(t, 0x41802a3b11ff, "vmk_Bar", 0xff, 0x100, "nmlx5_core");
	expect(t, 0x41802a3b1250, "vmk_Baz", 0x50, 0x100, NULL);
	expect(t, 0x41802a3b1300, "vmk_Qux", 0, 0, NULL);
	ct_symtab_destroy(t);
}

static void test_ambiguous_hex_name(void **state)
{
	(void)state;
	/* both tokens are hex: the first is the address */
	struct ct_symtab *t = load("beef cafe\n2000 dead\n");
	expect(t, 0xbeef, "cafe", 0, 0, NULL);
	ct_symtab_destroy(t);
}

static void test_duplicates(void **state)
{
	(void)state;
	/* a global alias wins over a local one, then the first read; the
	 * end is the next distinct start */
	struct ct_symtab *t = load(
		"ffffffff81000000 t local_alias\n"
		"ffffffff81000000 T first_global\n"
		"ffffffff81000000 T second_global\n"
		"ffffffff81000020 t next\n"
		"ffffffff81000020 t next\n");
	expect(t, 0xffffffff81000008, "first_global", 8, 0x20, NULL);
	expect(t, 0xffffffff81000020, "next", 0, 0, NULL);
	ct_symtab_destroy(t);
	/* several inputs merge, and later input sorts into place */
	assert_null(ct_symtab_create(&t));
	const char *a = "3000 T c\n1000 T a\n";
	const char *b = "2000 T b\n";
	assert_null(ct_symtab_add_text(t, "a", a, strlen(a)));
	expect(t, 0x1001, "a", 1, 0x2000, NULL);
	assert_null(ct_symtab_add_text(t, "b", b, strlen(b)));
	expect(t, 0x1001, "a", 1, 0x1000, NULL);
	expect(t, 0x2fff, "b", 0xfff, 0x1000, NULL);
	ct_symtab_destroy(t);
}

static void test_garbage(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "ffff T ok\nthis is garbage\n", "'bad.map':2: no hex address" },
		{ "lonely\n", "'bad.map':1: one field" },
		{ "1 T a b c\n", "'bad.map':1: more than 4 fields" },
		{ "1000 ab c d\n", "'bad.map':1: four fields" },
		{ "1000 na\x01me\n", "'bad.map':1: control character" },
		{ "12345678901234567 T x\n", "'bad.map':1: no hex address" },
		{ "0xg000 name\n", "'bad.map':1: no hex address" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		char *msg = load_error(cases[i].text, strlen(cases[i].text));
		if (strncmp(msg, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: got '%s'", i, msg);
		free(msg);
	}
	char *msg = load_error("1000 T a\n2000 T b\0c\n", 20);
	assert_string_equal(msg, "'bad.map':2: NUL byte in a symbol line");
	free(msg);
}

static void test_name_cap(void **state)
{
	(void)state;
	char line[CT_SYMTAB_MAX_NAME + 64];
	int n = snprintf(line, sizeof(line), "1000 T ");
	memset(line + n, 'x', CT_SYMTAB_MAX_NAME);
	line[n + CT_SYMTAB_MAX_NAME] = '\0';
	/* exactly the cap is fine */
	struct ct_symtab *t = load(line);
	assert_int_equal(t->count, 1);
	ct_symtab_destroy(t);
	/* one more byte is not, named with the line */
	memcpy(line + n + CT_SYMTAB_MAX_NAME, "x\n", 3);
	char *msg = load_error(line, strlen(line));
	assert_string_equal(msg, "'bad.map':1: name longer than 512 bytes");
	free(msg);
}

static void test_line_cap(void **state)
{
	(void)state;
	/* empty lines count too: a huge input stops at the cap */
	size_t len = (size_t)CT_SYMTAB_MAX_LINES + 20;
	char *buf = malloc(len);
	assert_non_null(buf);
	memset(buf, '\n', len);
	memcpy(buf, "1000 T first\n", 13);
	struct ct_symtab *t;
	assert_null(ct_symtab_create(&t));
	struct ct_error *err = ct_symtab_add_text(t, "huge", buf, len);
	assert_non_null(err);
	char *msg = ct_error_format(err);
	char want[64];
	snprintf(want, sizeof(want), "'huge':%lu: more than",
		 (unsigned long)CT_SYMTAB_MAX_LINES + 1);
	assert_true(strncmp(msg, want, strlen(want)) == 0);
	free(msg);
	ct_error_destroy(err);
	/* what came before the cap is still there */
	expect(t, 0x1004, "first", 4, 0, NULL);
	ct_symtab_destroy(t);
	free(buf);
}

static void test_file(void **state)
{
	(void)state;
	char path[] = "/tmp/ct-symtab-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("ffffffff81000000 T _stext\nffffffff81000100 T _etext\n", f);
	fclose(f);
	struct ct_symtab *t;
	assert_null(ct_symtab_create(&t));
	assert_null(ct_symtab_add_file(t, path));
	expect(t, 0xffffffff81000004, "_stext", 4, 0x100, NULL);
	ct_symtab_destroy(t);
	unlink(path);
	assert_null(ct_symtab_create(&t));
	struct ct_error *err = ct_symtab_add_file(t, path);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_OS);
	ct_error_destroy(err);
	ct_symtab_destroy(t);
}

static void test_empty(void **state)
{
	(void)state;
	struct ct_symtab *t = load("");
	struct ct_symtab_hit h;
	assert_false(ct_symtab_lookup(t, 0x1000, &h));
	ct_symtab_destroy(t);
	ct_symtab_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_map),
		cmocka_unit_test(test_kallsyms_modules),
		cmocka_unit_test(test_kallsyms_restricted),
		cmocka_unit_test(test_nm_output),
		cmocka_unit_test(test_symbol_lists),
		cmocka_unit_test(test_ambiguous_hex_name),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_name_cap),
		cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
