/* SPDX-License-Identifier: MIT */
/*
 * test-version.c - unit tests for rules/version.c (version schemes).
 *
 * Most tests are tables of (a, b, expected order).  check_table() asserts
 * the exact result for compare(a, b) and the mirrored result for
 * compare(b, a), so every row checks antisymmetry as well.  The ESXi
 * tables include the traps from FORMATS-AND-FACTS.md section 6: build
 * numbers are not a cross-line order, and a later release date does not
 * mean a later fix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rules/version.h"

#define LT CT_VERSION_LESS
#define EQ CT_VERSION_EQUAL
#define GT CT_VERSION_GREATER
#define INC CT_VERSION_INCOMPARABLE
#define BAD CT_VERSION_INVALID

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One comparison and its expected result. */
struct cmp_case {
	const char *a;              /* left operand */
	const char *b;              /* right operand */
	enum ct_version_order want; /* expected compare(a, b) */
};

/* Total number of table rows checked, reported at the end. */
static size_t rows_checked;

static enum ct_version_order mirror(enum ct_version_order o)
{
	if (o == LT)
		return GT;
	if (o == GT)
		return LT;
	return o;
}

static const char *order_name(enum ct_version_order o)
{
	switch (o) {
	case LT: return "LESS";
	case EQ: return "EQUAL";
	case GT: return "GREATER";
	case INC: return "INCOMPARABLE";
	case BAD: return "INVALID";
	}
	return "?";
}

static void check_table(enum ct_version_scheme s, const struct cmp_case *c,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		enum ct_version_order got = ct_version_compare(s, c[i].a, c[i].b);
		enum ct_version_order back = ct_version_compare(s, c[i].b, c[i].a);

		if (got != c[i].want)
			fail_msg("%s: compare(\"%s\", \"%s\") = %s, want %s",
				 ct_version_scheme_name(s), c[i].a, c[i].b,
				 order_name(got), order_name(c[i].want));
		if (back != mirror(c[i].want))
			fail_msg("%s: compare(\"%s\", \"%s\") = %s, want %s",
				 ct_version_scheme_name(s), c[i].b, c[i].a,
				 order_name(back),
				 order_name(mirror(c[i].want)));
		rows_checked++;
	}
}

/* ---- dotted ---- */

static void test_dotted(void **state)
{
	static const struct cmp_case cases[] = {
		{ "4.2.3", "4.2.3.0", EQ },
		{ "4.2.3", "4.2.4", LT },
		{ "4.10", "4.9", GT },
		{ "1", "1.0.0", EQ },
		{ "2", "10", LT },
		{ "1.2", "1.2.0.0.1", LT },
		{ "010.1", "10.01", EQ },
		{ " 1.2\n", "1.2", EQ },
		/* trailing letters belong to their component */
		{ "1.0.2a", "1.0.2", GT },
		{ "1.0.2a", "1.0.2b", LT },
		{ "1.0.2z", "1.0.3", LT },
		{ "1.0.2A", "1.0.2a", EQ },
		{ "1.0.2a", "1.0.2aa", LT },
		/* not dotted numbers */
		{ "1..2", "1", BAD },
		{ "1.", "1", BAD },
		{ "v1.2", "1.2", BAD },
		{ "1.2-3", "1.2", BAD },
		{ "a1", "1", BAD },
		{ "", "1", BAD },
		{ "   ", "1", BAD },
	};

	(void)state;
	check_table(CT_VERSION_DOTTED, cases, ARRAY_LEN(cases));
}

/* ---- driver ---- */

static void test_driver(void **state)
{
	static const struct cmp_case cases[] = {
		/* numeric, not string order */
		{ "1.7.1", "1.7.11", LT },
		{ "1.9", "1.10", LT },
		{ "1.7.11", "1.5.8", GT },
		{ "2.4.1.0", "2.4.1", EQ },
		{ "2.4.1.0", "1.7.11", GT },
		{ "10.8.2", "10.8.1.2", GT },
		/* prefix first, then the suffix segment by segment */
		{ "6.8.12-10-pve", "6.8.12-9-pve", GT },
		{ "6.8.12-10-pve", "6.8.12-10-pve", EQ },
		{ "6.8.12-1-pve", "6.8.8-4-pve", GT },
		{ "6.8.12", "6.8.12-1-pve", LT },
		{ "12.8.351.30-1OEM.700.1.0.15843807",
		  "12.8.351.30-1OEM.700.1.0.15843808", LT },
		{ "1.7.11-1OEM.670.0.0.8169922", "1.7.11", GT },
		{ "1.0~rc1", "1.0", LT },
		{ "1.0a", "1.0", GT },
		{ "abc", "1.0", BAD },
		{ "1.0 beta", "1.0", BAD },
	};

	(void)state;
	check_table(CT_VERSION_DRIVER, cases, ARRAY_LEN(cases));
}

/* ---- NSX ---- */

static void test_nsx(void **state)
{
	static const struct cmp_case cases[] = {
		{ "4.2.1", "4.2.3.3", LT },
		{ "4.2.3.3", "4.2.3.3.0", EQ },
		{ "4.2.1.4", "4.2.1.10", LT },
		{ "3.1.3.7.4", "3.1.3.7", GT },
		{ "4.1.1", "4.1", GT },
		{ "4.1", "4.1.0", EQ },
		/* the build is ignored unless both carry one */
		{ "4.2.3.3.0.25171318", "4.2.3.3", EQ },
		{ "4.2.3.3.0.25171318", "4.2.3.3.0.25171319", LT },
		{ "NSX_T_MANAGER 4.2.3.3.0.25171318", "4.2.3.3", EQ },
		{ "NSX-T Data Center 3.2.1", "3.2.1.0", EQ },
		{ "9.0.1.0.24952111", "9.0.2.0.25150386", LT },
		{ "9.0.1.0.24952111", "9.0.1", EQ },
		{ "9.0.2.0.25150386", "9.0.2.0.25150912", LT },
		/* NSX 4.2.3.3 shipped after 9.0.2: lines are separate */
		{ "9.0.2", "4.2.3.3", INC },
		{ "9.1", "9.0.2", INC },
		{ "4.1.2", "4.2.1", INC },
		{ "4", "4.2", BAD },
		{ "4.2.1.1.1.1.1", "4.2", BAD },
		{ "4.2.x", "4.2", BAD },
		{ "NSX", "4.2", BAD },
	};

	(void)state;
	check_table(CT_VERSION_NSX, cases, ARRAY_LEN(cases));
}

/* ---- ESXi ---- */

/* The many spellings of one release. */
static void test_esxi_forms(void **state)
{
	static const struct cmp_case cases[] = {
		{ "8.0 U3e", "24674464", EQ },
		{ "8.0 U3e", "8.0.3-0.70.24674464", EQ },
		{ "24674464", "8.0.3-0.70.24674464", EQ },
		{ "8.0U3e", "8.0 Update 3e", EQ },
		{ "8.0 u3E", "8.0 U3e", EQ },
		{ "8.0.3e", "8.0 U3e", EQ },
		{ "VMware ESXi 8.0.3 build-24674464", "8.0 U3e", EQ },
		{ "VMware ESXi 8.0 Update 3e", "8.0U3e", EQ },
		{ "ESXi 8.0 U3e", "8.0U3e", EQ },
		{ "build-24674464", "8.0 U3e", EQ },
		{ "8.0 U3e build-24674464", "24674464", EQ },
		{ "8.0.3", "8.0 U3", EQ },
		{ "8.0 GA", "8.0.0", EQ },
		{ "8.0GA", "8.0", EQ },
		{ "8.0 GA", "8.0.0-1.0.20513097", EQ },
		{ "8.0b", "21203435", EQ },
		{ "8.0.2-0.30.23305546", "8.0 U2b", EQ },
		{ "Releasebuild-20036589", "7.0 U3f", EQ },
		{ "7.0U3l", "21424296", EQ },
		{ "6.7 U3", "14320388", EQ },
		{ "6.7", "8169922", EQ },
		{ "6.5 GA", "4564106", EQ },
		{ "6.5 U3", "13932383", EQ },
		{ "7.0.3-19482537", "7.0.3 build-19482537", EQ },
	};

	(void)state;
	check_table(CT_VERSION_ESXI, cases, ARRAY_LEN(cases));
}

static void test_esxi_traps(void **state)
{
	static const struct cmp_case cases[] = {
		/* same day, adjacent builds, different lines */
		{ "7.0 U3s", "8.0 U2d", INC },
		{ "24585291", "24585300", INC },
		{ "7.0 U3", "8.0", INC },
		{ "7.0.3", "6.7 U3", INC },
		{ "8.0 U2d", "8.0 U3d", LT },
		/* U1d was released after U2b with a smaller build */
		{ "8.0 U1d", "8.0 U2b", LT },
		{ "23299997", "23305546", LT },
		/* GA-line patches sit below Update 1 */
		{ "8.0 GA", "8.0b", LT },
		{ "8.0b", "8.0 U1", LT },
		{ "8.0e", "8.0 U1", LT },
		{ "24569005", "21495797", LT },
		{ "8.0 GA", "8.0e", LT },
		{ "8.0 U3", "8.0 U3e", LT },
		{ "8.0.3", "8.0 U3e", LT },
		/* names not in the table still order by letter */
		{ "8.0 U3g", "8.0 U3i", LT },
		{ "7.0 U3g", "7.0 U3h", LT },
		{ "8.0 U3h", "8.0 U3h build-25000000", EQ },
		/* builds outside the table: ordered by build within an update */
		{ "8.0.2-0.30.23465881", "8.0 U2b", GT },
		{ "8.0.2-0.30.23465881", "8.0 U2c", LT },
		{ "7.0.3-19482537", "7.0 U3c", GT },
		{ "7.0.3-19482537", "7.0 U3f", LT },
		{ "8.0.3-0.99.30000000", "8.0.3-0.98.29999999", GT },
		/* ... and against names outside the table, via brackets */
		{ "8.0.3-0.99.25300000", "8.0 U3h", GT },
		{ "8.0.3-0.99.24600000", "8.0 U3h", LT },
		{ "8.0.3-0.99.30000000", "8.0 U3z", INC },
		{ "8.0.1-0.99.30000000", "8.0 U3", LT },
		/* unknown bare builds cannot be placed on a line */
		{ "99999999", "8.0 U3", BAD },
		{ "build-99999999", "8.0 U3", BAD },
		{ "8", "8.0", BAD },
		/* contradictions */
		{ "8.0.2-0.0.24674464", "8.0.2", BAD },
		{ "8.0 U3 build-24674464", "8.0 U3e", BAD },
		{ "7.0.3 build-24674464", "7.0.3", BAD },
		/* a named build must fit between its neighbours' builds */
		{ "8.0 U3h build-24000000", "8.0 U3", BAD },
		{ "8.0 U3e build-25000000", "8.0 U3", BAD },
		/* a hot patch: same letter, later build */
		{ "8.0 U2b build-23465881", "8.0 U2b", GT },
		{ "8.0 U2b build-23465881", "8.0.2-0.30.23465881", EQ },
		{ "8.0 U2b build-23465881", "8.0 U2c", LT },
	};

	(void)state;
	check_table(CT_VERSION_ESXI, cases, ARRAY_LEN(cases));
}

static void test_esxi_patch_and_nine(void **state)
{
	static const struct cmp_case cases[] = {
		/* ESXi 6.x patch release names: by date within the line */
		{ "ESXi600-201608001", "ESXi600-201605001", GT },
		{ "esxi600-201608001", "ESXi600-201608001", EQ },
		{ "ESXi600-201608001", "ESXi650-201912001", INC },
		{ "ESXi600-201608001", "6.0 U2", INC },
		{ "ESX400-200906001", "ESXi400-200906001", INC },
		/* ESX 9: major.minor.maintenance.EEHH.build */
		{ "9.0.1.0101.12345678", "9.0.1.0", GT },
		{ "9.0.1.0", "9.0.1", EQ },
		{ "9.0.0.0", "9.0.1.0", LT },
		{ "9.0.1-0101.12345678", "9.0.1.0101.12345678", EQ },
		{ "9.0.1.0101.12345678", "9.0.1.0102.12340000", LT },
		{ "9.0.1.0101.12345678", "9.0.1.0101.12345679", LT },
		{ "9.0.1.101", "9.0.1.0101", EQ },
		{ "9.0", "9.0 GA", EQ },
		{ "VMware ESX 9.0.1.0", "9.0.1", EQ },
		{ "9.0.1.0", "8.0 U3", INC },
		{ "9.0.1.0", "9.1.0.0", INC },
		/* malformed */
		{ "9.0.1.01011", "9.0", BAD },
		{ "ESXi60-2016", "6.0", BAD },
		{ "8.0 U", "8.0", BAD },
		{ "8.0U", "8.0", BAD },
		{ "8.0 U3ee", "8.0", BAD },
		{ "8.0 x", "8.0", BAD },
		{ "8.0.3-", "8.0.3", BAD },
		{ "8.0.3-0.70", "8.0.3", BAD },
		{ "build-", "8.0", BAD },
		{ "VMware", "8.0", BAD },
	};

	(void)state;
	check_table(CT_VERSION_ESXI, cases, ARRAY_LEN(cases));
}

/*
 * Every alias row is EQUAL to its build, and within one update line the
 * rows are strictly increasing both by name and by build: the premise of
 * the within-line build comparison.
 */
static void test_esxi_alias_table(void **state)
{
	static const struct {
		const char *name;  /* marketing name */
		const char *build; /* KB 316595 build */
	} lines[][12] = {
		{ { "7.0 U3", "18644231" }, { "7.0 U3a", "18825058" },
		  { "7.0 U3c", "19193900" }, { "7.0 U3f", "20036589" },
		  { "7.0 U3l", "21424296" }, { "7.0 U3o", "22348816" },
		  { "7.0 U3q", "23794027" }, { "7.0 U3r", "24411414" },
		  { "7.0 U3s", "24585291" }, { "7.0 U3v", "24723872" } },
		{ { "7.0 GA", "15843807" }, { "7.0 U1", "16850804" },
		  { "7.0 U2", "17630552" } },
		{ { "8.0 GA", "20513097" }, { "8.0b", "21203435" },
		  { "8.0e", "24569005" }, { "8.0 U1", "21495797" },
		  { "8.0 U1c", "22088125" }, { "8.0 U1d", "23299997" },
		  { "8.0 U2", "22380479" }, { "8.0 U2b", "23305546" },
		  { "8.0 U2c", "23825572" }, { "8.0 U2d", "24585300" } },
		{ { "8.0 U3", "24022510" }, { "8.0 U3b", "24280767" },
		  { "8.0 U3c", "24414501" }, { "8.0 U3d", "24585383" },
		  { "8.0 U3e", "24674464" }, { "8.0 U3g", "24859861" },
		  { "8.0 U3i", "25205845" } },
	};
	size_t l, i;

	(void)state;
	for (l = 0; l < ARRAY_LEN(lines); l++) {
		for (i = 0; i < ARRAY_LEN(lines[l]) && lines[l][i].name; i++) {
			struct cmp_case c[3] = {
				{ lines[l][i].name, lines[l][i].build, EQ },
			};
			size_t n = 1;

			if (i > 0) {
				c[n].a = lines[l][i - 1].name;
				c[n].b = lines[l][i].name;
				c[n++].want = LT;
				c[n].a = lines[l][i - 1].build;
				c[n].b = lines[l][i].build;
				c[n++].want = LT;
			}
			check_table(CT_VERSION_ESXI, c, n);
		}
	}
}

static void test_esxi_normalize(void **state)
{
	static const struct {
		const char *in;   /* any accepted form */
		const char *want; /* canonical form */
	} cases[] = {
		{ "8.0 U3e", "8.0.3e build-24674464" },
		{ "24674464", "8.0.3e build-24674464" },
		{ "VMware ESXi 8.0.3 build-24674464", "8.0.3e build-24674464" },
		{ "8.0.3-0.70.24674464", "8.0.3e build-24674464" },
		{ "8.0b", "8.0.0b build-21203435" },
		{ "8.0 GA", "8.0.0 build-20513097" },
		{ "8.0.3-0.99.30000000", "8.0.3 build-30000000" },
		{ "8.0 U3h", "8.0.3h" },
		{ "7.0.3-19482537", "7.0.3 build-19482537" },
		{ "08.00 Update 03", "8.0.3 build-24022510" },
		{ "9.0.1-0101.12345678", "9.0.1.0101.12345678" },
		{ "9.0.1", "9.0.1.0" },
		{ "esxi600-201608001", "ESXi600-201608001" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		if (!ct_esxi_normalize(cases[i].in, buf, sizeof(buf)))
			fail_msg("normalize(\"%s\") failed", cases[i].in);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(ct_version_compare(CT_VERSION_ESXI,
						    cases[i].in, buf), EQ);
	}

	/* failures leave the buffer untouched */
	memcpy(buf, "keep", 5);
	assert_false(ct_esxi_normalize("8.0 U", buf, sizeof(buf)));
	assert_false(ct_esxi_normalize("99999999", buf, sizeof(buf)));
	assert_false(ct_esxi_normalize(NULL, buf, sizeof(buf)));
	assert_false(ct_esxi_normalize("8.0 U3e", buf, 8));
	assert_false(ct_esxi_normalize("8.0 U3e", buf, 0));
	assert_string_equal(buf, "keep");
	assert_false(ct_esxi_normalize("8.0 U3e", NULL, 64));
	/* exactly fits */
	assert_true(ct_esxi_normalize("8.0 U3e", buf, 22));
	assert_string_equal(buf, "8.0.3e build-24674464");
}

/* ---- Linux ---- */

static void test_linux(void **state)
{
	static const struct cmp_case cases[] = {
		{ "6.1.76", "6.1.77", LT },
		{ "5.10.127", "5.10.82", GT },
		{ "4.19.52", "4.19.52", EQ },
		{ "6.6.10", "6.6.9", GT },
		{ "6.1", "6.1.0", EQ },
		/* fixes are per stable branch */
		{ "4.19.52", "5.1.11", INC },
		{ "4.14.256", "5.4.162", INC },
		{ "2.6.32.27", "2.6.32.71", LT },
		{ "2.6.32", "2.6.33", INC },
		/* release candidates come before the release */
		{ "6.8-rc3", "6.8", LT },
		{ "6.8-rc3", "6.8-rc4", LT },
		{ "6.8-rc3", "6.7.12", INC },
		/* distro ABI strings are not upstream versions */
		{ "6.1.0-18-amd64", "6.1.76", INC },
		{ "6.1.0-18-amd64", "6.1.0", INC },
		{ "6.1.0-18-amd64", "6.1.0-21-amd64", LT },
		{ "6.1.0-18-amd64", "6.1.0-18-amd64", EQ },
		{ "6.1.0-18-amd64", "6.1.0-18-cloud-amd64", INC },
		{ "6.1.0-18-amd64", "6.1.0-18-generic", INC },
		{ "5.15.0-91-generic", "5.15.0-101-generic", LT },
		{ "5.15.0-91-generic", "6.5.0-14-generic", INC },
		{ "5.14.0-427.13.1.el9_4.x86_64", "5.14.0-427.16.1.el9_4.x86_64",
		  LT },
		{ "5.14.0-427.13.1.el9_4.x86_64", "5.14.0-362.8.1.el9_3.x86_64",
		  INC },
		{ "6", "6.1", BAD },
		{ "6.1.76 x", "6.1", BAD },
		{ "6.1.0-18-amd64!", "6.1", BAD },
		{ "linux-6.1", "6.1", BAD },
	};

	(void)state;
	check_table(CT_VERSION_LINUX, cases, ARRAY_LEN(cases));
}

static void test_linux_uname(void **state)
{
	static const struct {
		const char *release; /* uname -r */
		const char *version; /* uname -v */
		const char *want;    /* NULL: not derivable */
	} cases[] = {
		{ "6.1.0-18-amd64",
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", "6.1.76" },
		{ NULL, "#1 Debian 6.1.76-1", "6.1.76" },
		{ "6.1.0-18-amd64", "#1 Debian 6.1.76-1", "6.1.76" },
		{ "6.5.0-0.deb12.4-amd64",
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.5.10-1~bpo12+1 (2023-11-23)",
		  "6.5.10" },
		{ "4.19.0-26-amd64", "#1 SMP Debian 4.19.304-1 (2024-01-09)",
		  "4.19.304" },
		{ "6.8.0-rc3-amd64", "#1 SMP Debian 6.8~rc3-1~exp1", "6.8-rc3" },
		{ "6.7.5", "#1 SMP PREEMPT_DYNAMIC Mon Feb 19 10:00:00 UTC 2024",
		  "6.7.5" },
		{ "5.15.0-91-generic",
		  "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023", NULL },
		{ "5.14.0-427.13.1.el9_4.x86_64",
		  "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024", NULL },
		/* token and release disagree on the line */
		{ "6.1.0-18-amd64", "#1 SMP Debian 5.10.209-2", NULL },
		{ "6.1.0-18-amd64", "#1 SMP Debianx 6.1.76-1", NULL },
		{ "6.1.0-18-amd64", "#1 SMP Debian", NULL },
		{ "6.1.0-18-amd64", "#1 SMP Debian garbage-1", NULL },
		{ NULL, NULL, NULL },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		bool ok;

		memcpy(buf, "keep", 5);
		ok = ct_linux_upstream_from_uname(cases[i].release,
						  cases[i].version, buf,
						  sizeof(buf));
		if (!cases[i].want) {
			if (ok)
				fail_msg("uname(%s, %s) gave \"%s\"",
					 cases[i].release, cases[i].version,
					 buf);
			assert_string_equal(buf, "keep");
			continue;
		}
		if (!ok)
			fail_msg("uname(%s, %s) failed", cases[i].release,
				 cases[i].version);
		assert_string_equal(buf, cases[i].want);
	}

	/* the result is an upstream version for CT_VERSION_LINUX */
	assert_true(ct_linux_upstream_from_uname(
		"6.1.0-18-amd64", "#1 SMP Debian 6.1.76-1", buf, sizeof(buf)));
	assert_int_equal(ct_version_compare(CT_VERSION_LINUX, buf, "6.1.77"),
			 LT);
	/* too small a buffer */
	assert_false(ct_linux_upstream_from_uname(
		"6.1.0-18-amd64", "#1 SMP Debian 6.1.76-1", buf, 6));
}

/* ---- dpkg ---- */

static void test_dpkg(void **state)
{
	static const struct cmp_case cases[] = {
		{ "1.0~rc1", "1.0", LT },
		{ "1:0.9", "2.0", GT },
		{ "1.0-1", "1.0-2", LT },
		{ "1.0a", "1.0+", LT },
		{ "2.0", "1.99", GT },
		{ "1.0~~", "1.0~", LT },
		{ "1.0~", "1.0", LT },
		{ "1.0", "1.0a", LT },
		{ "1.0", "1.0.0", LT },
		{ "1.10", "1.9", GT },
		{ "0:1.0", "1.0", EQ },
		{ "1.0", "1.0-0", EQ },
		{ "1.0-1a", "1.0-1", GT },
		{ "2:1.0", "10:0.1", LT },
		{ "1.01", "1.1", EQ },
		{ "6.1.76-1", "6.1.76-1+deb12u1", LT },
		{ "1.2.3-1~bpo12+1", "1.2.3-1", LT },
		{ "1.2-3-4", "1.2-3-5", LT },
		{ "a1.0", "1.0", BAD },
		{ "1.0-", "1.0", BAD },
		{ ":1.0", "1.0", BAD },
		{ "x:1.0", "1.0", BAD },
		{ "1.0 1", "1.0", BAD },
		{ "1:2:3", "1.0", BAD },
	};

	(void)state;
	check_table(CT_VERSION_DPKG, cases, ARRAY_LEN(cases));
}

/* ---- rpm ---- */

static void test_rpm(void **state)
{
	static const struct cmp_case cases[] = {
		{ "1.0", "1.0.1", LT },
		{ "1.0a", "1.0", GT },
		{ "1.0~rc1", "1.0", LT },
		{ "1.0~rc1", "1.0~rc2", LT },
		{ "1.0^git1", "1.0", GT },
		{ "1.0^git1", "1.0.1", LT },
		{ "1.a", "1.1", LT },
		{ "1.001", "1.1", EQ },
		{ "2.0", "2_0", EQ },
		{ "1:1.0", "2.0", GT },
		{ "0:1.0", "1.0", EQ },
		{ "1.0-1", "1.0-2", LT },
		{ "1.0", "1.0-5", EQ },
		{ "1.0-1.fc39", "1.0-1.fc40", LT },
		{ "5.14.0-427.13.1.el9_4", "5.14.0-427.16.1.el9_4", LT },
		{ "5.14.0-427.13.1.el9_4.x86_64", "5.14.0-427.13.1.el9_4.x86_64",
		  EQ },
		{ "4.18.0-513.5.1.el8_9", "4.18.0-513.9.1.el8_9", LT },
		/* different minor-release streams */
		{ "5.14.0-427.13.1.el9_4", "5.14.0-362.24.1.el9_3", INC },
		{ "5.14.0-427.13.1.el9_4", "5.14.0-503.11.1.el9_5", INC },
		{ "5.14.0-427.el9", "5.14.0-427.13.1.el9_4", INC },
		{ "4.18.0-513.5.1.el8_10", "4.18.0-513.5.1.el8_9", INC },
		/* only one side has a tag: compare normally */
		{ "5.14.0-427.13.1.el9_4", "5.14.0-500", LT },
		{ "1.0-1.elf", "1.0-1.elf", EQ },
		{ "1.0-1-1", "1.0", BAD },
		{ "-1", "1.0", BAD },
		{ "1.0-", "1.0", BAD },
		{ "1.0:1", "1.0", BAD },
		{ "1.0 1", "1.0", BAD },
	};

	(void)state;
	check_table(CT_VERSION_RPM, cases, ARRAY_LEN(cases));
}

/* ---- hostile inputs ---- */

static void test_huge_numbers(void **state)
{
	static const struct cmp_case dotted[] = {
		{ "1.99999999999999999999999999", "1.100000000000000000000000000",
		  LT },
		{ "1.000000000000000000000000000000000005", "1.5", EQ },
		{ "18446744073709551616", "18446744073709551615", GT },
	};
	static const struct cmp_case dpkg[] = {
		{ "1.18446744073709551616", "1.18446744073709551615", GT },
		{ "99999999999999999999999:1", "2:1", GT },
	};
	static const struct cmp_case rpm[] = {
		{ "1.18446744073709551616", "1.18446744073709551615", GT },
		{ "99999999999999999999999:1", "2:1", GT },
	};
	static const struct cmp_case esxi[] = {
		{ "8.0 U99999999999999999999999", "8.0 U3", GT },
		{ "99999999999999999999999.0", "8.0", INC },
	};
	static const struct cmp_case nsx[] = {
		{ "4.2.3.3.0.99999999999999999999999",
		  "4.2.3.3.0.99999999999999999999998", GT },
	};
	char big[CT_VERSION_INPUT_LIMIT + 2];

	(void)state;
	check_table(CT_VERSION_DOTTED, dotted, ARRAY_LEN(dotted));
	check_table(CT_VERSION_DPKG, dpkg, ARRAY_LEN(dpkg));
	check_table(CT_VERSION_RPM, rpm, ARRAY_LEN(rpm));
	check_table(CT_VERSION_ESXI, esxi, ARRAY_LEN(esxi));
	check_table(CT_VERSION_NSX, nsx, ARRAY_LEN(nsx));

	/* exactly at the limit: accepted; one byte over: rejected */
	memset(big, '9', sizeof(big));
	big[0] = '1';
	big[1] = '.';
	big[CT_VERSION_INPUT_LIMIT] = '\0';
	assert_int_equal(ct_version_compare(CT_VERSION_DOTTED, big, "1.9"), GT);
	big[CT_VERSION_INPUT_LIMIT] = '9';
	big[CT_VERSION_INPUT_LIMIT + 1] = '\0';
	assert_int_equal(ct_version_compare(CT_VERSION_DOTTED, big, "1.9"),
			 BAD);
}

static void test_bad_arguments(void **state)
{
	char buf[8];
	enum ct_version_scheme s;

	(void)state;
	for (s = 0; s < CT_VERSION_SCHEME_MAX; s++) {
		assert_int_equal(ct_version_compare(s, NULL, "1.0"), BAD);
		assert_int_equal(ct_version_compare(s, "1.0", NULL), BAD);
		assert_int_equal(ct_version_compare(s, "", ""), BAD);
		assert_false(ct_version_line(s, NULL, buf, sizeof(buf)));
	}
	assert_int_equal(ct_version_compare(CT_VERSION_SCHEME_MAX, "1", "1"),
			 BAD);
	assert_int_equal(ct_version_compare((enum ct_version_scheme)-1, "1",
					    "1"), BAD);
}

/* ---- names and lines ---- */

static void test_scheme_names(void **state)
{
	static const char *const names[] = {
		"dotted", "driver", "esxi", "nsx", "linux", "dpkg", "rpm",
	};
	enum ct_version_scheme s = CT_VERSION_SCHEME_MAX;
	size_t i;

	(void)state;
	assert_int_equal(ARRAY_LEN(names), CT_VERSION_SCHEME_MAX);
	for (i = 0; i < ARRAY_LEN(names); i++) {
		assert_true(ct_version_scheme_from_name(names[i], &s));
		assert_int_equal(s, i);
		assert_string_equal(ct_version_scheme_name(s), names[i]);
	}
	assert_true(ct_version_scheme_from_name("esx", &s));
	assert_int_equal(s, CT_VERSION_ESXI);
	s = CT_VERSION_RPM;
	assert_false(ct_version_scheme_from_name("ESXI", &s));
	assert_false(ct_version_scheme_from_name("", &s));
	assert_false(ct_version_scheme_from_name("dotted ", &s));
	assert_false(ct_version_scheme_from_name(NULL, &s));
	assert_int_equal(s, CT_VERSION_RPM);
	assert_null(ct_version_scheme_name(CT_VERSION_SCHEME_MAX));
}

static void test_version_line(void **state)
{
	static const struct {
		enum ct_version_scheme s; /* scheme */
		const char *v;            /* version */
		const char *want;         /* line, NULL: parse failure */
	} cases[] = {
		{ CT_VERSION_ESXI, "8.0 U3e", "8.0" },
		{ CT_VERSION_ESXI, "24674464", "8.0" },
		{ CT_VERSION_ESXI, "24585291", "7.0" },
		{ CT_VERSION_ESXI, "ESXi600-201608001", "6.0" },
		{ CT_VERSION_ESXI, "9.0.1.0101.12345678", "9.0" },
		{ CT_VERSION_ESXI, "99999999", NULL },
		{ CT_VERSION_NSX, "4.2.3.3.0.25171318", "4.2" },
		{ CT_VERSION_NSX, "9.0.2", "9.0" },
		{ CT_VERSION_LINUX, "6.1.0-18-amd64", "6.1" },
		{ CT_VERSION_LINUX, "06.01.2", "6.1" },
		{ CT_VERSION_LINUX, "2.6.32.27", "2.6.32" },
		{ CT_VERSION_LINUX, "linux", NULL },
		{ CT_VERSION_RPM, "5.14.0-427.13.1.el9_4.x86_64", "el9_4" },
		{ CT_VERSION_RPM, "1.0", "" },
		{ CT_VERSION_DOTTED, "1.2", "" },
		{ CT_VERSION_DOTTED, "x", NULL },
		{ CT_VERSION_DRIVER, "6.8.12-10-pve", "" },
		{ CT_VERSION_DPKG, "1:2.0-1", "" },
	};
	char buf[16];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		bool ok;

		memcpy(buf, "keep", 5);
		ok = ct_version_line(cases[i].s, cases[i].v, buf, sizeof(buf));
		if (!cases[i].want) {
			assert_false(ok);
			assert_string_equal(buf, "keep");
		} else {
			if (!ok)
				fail_msg("line(%s, \"%s\") failed",
					 ct_version_scheme_name(cases[i].s),
					 cases[i].v);
			assert_string_equal(buf, cases[i].want);
		}
	}
	memcpy(buf, "keep", 5);
	assert_false(ct_version_line(CT_VERSION_ESXI, "8.0 U3e", buf, 3));
	assert_string_equal(buf, "keep");
	assert_true(ct_version_line(CT_VERSION_ESXI, "8.0 U3e", buf, 4));
	assert_string_equal(buf, "8.0");
	assert_false(ct_version_line(CT_VERSION_ESXI, "8.0 U3e", NULL, 4));
}

static void test_report(void **state)
{
	(void)state;
	print_message("%zu comparison rows checked (each both ways)\n",
		      rows_checked);
	assert_true(rows_checked >= 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotted),
		cmocka_unit_test(test_driver),
		cmocka_unit_test(test_nsx),
		cmocka_unit_test(test_esxi_forms),
		cmocka_unit_test(test_esxi_traps),
		cmocka_unit_test(test_esxi_patch_and_nine),
		cmocka_unit_test(test_esxi_alias_table),
		cmocka_unit_test(test_esxi_normalize),
		cmocka_unit_test(test_linux),
		cmocka_unit_test(test_linux_uname),
		cmocka_unit_test(test_dpkg),
		cmocka_unit_test(test_rpm),
		cmocka_unit_test(test_huge_numbers),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_scheme_names),
		cmocka_unit_test(test_version_line),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
