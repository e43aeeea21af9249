/* SPDX-License-Identifier: MIT */
/*
 * test-source.c - entries of folders and archives (analyzer/source.c):
 * real tar, tgz, zip and nested archives written with libarchive in
 * memory, single .gz files, order, content hashes, size limits, truncated
 * and hostile archives, and the recognition of support bundles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "analyzer/internal.h"
#include "analyzer/source.h"

/* ---- building archives in memory ---------------------------------------- */

struct file {
	const char *name;
	const char *data;
	size_t len;		/* 0: strlen(data) */
};

enum fmt { TAR, TGZ, ZIP, TXZ, RAW_GZ };

static char *make_archive(enum fmt fmt, const struct file *files, size_t n,
			  size_t *ret_len)
{
	size_t cap = 1 << 20;
	for (size_t i = 0; i < n; i++)
		cap += (files[i].len ? files[i].len : strlen(files[i].data)) +
		       4096;
	char *buf = malloc(cap);
	assert_non_null(buf);
	struct archive *a = archive_write_new();
	assert_non_null(a);
	switch (fmt) {
	case TAR:
		archive_write_set_format_pax_restricted(a);
		break;
	case TGZ:
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
		break;
	case TXZ:
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_xz(a);
		break;
	case ZIP:
		archive_write_set_format_zip(a);
		break;
	case RAW_GZ:
		archive_write_set_format_raw(a);
		archive_write_add_filter_gzip(a);
		break;
	}
	size_t used = 0;
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used),
			 ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		size_t len = files[i].len ? files[i].len
					  : strlen(files[i].data);
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, files[i].name);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, files[i].data, len),
				 (la_ssize_t)len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*ret_len = used;
	return buf;
}

/* ---- collecting entries ------------------------------------------------- */

struct seen {
	char *path;
	char *data;		/* NUL-terminated copy, or NULL */
	size_t len;
	char sha[65];
	char *error;
	char *skipped;
	int nesting;
};

struct collect {
	struct seen items[64];
	size_t count;
};

static struct ct_error *collect(void *arg, const struct ct_source_entry *e)
{
	struct collect *c = arg;
	assert_true(c->count < CT_ARRAY_SIZE(c->items));
	struct seen *s = &c->items[c->count++];
	memset(s, 0, sizeof(*s));
	s->path = strdup(e->path);
	if (e->data) {
		s->data = malloc(e->len + 1);
		memcpy(s->data, e->data, e->len);
		s->data[e->len] = '\0';
		ct_sha256_hex(e->sha256, s->sha);
	}
	s->len = e->len;
	s->error = e->error ? strdup(e->error) : NULL;
	s->skipped = e->skipped ? strdup(e->skipped) : NULL;
	s->nesting = e->nesting;
	return NULL;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->items[i].path);
		free(c->items[i].data);
		free(c->items[i].error);
		free(c->items[i].skipped);
	}
	c->count = 0;
}

static const struct file three[] = {
	{ "b/second.log", "second\n", 0 },
	{ "a/first.log", "first\n", 0 },
	{ "c.txt", "abc", 0 },
};

static void check_three(const struct collect *c, const char *prefix)
{
	char want[256];
	assert_int_equal(c->count, 3);
	/* archive order, not name order */
	snprintf(want, sizeof(want), "%s!b/second.log", prefix);
	assert_string_equal(c->items[0].path, want);
	assert_string_equal(c->items[0].data, "second\n");
	snprintf(want, sizeof(want), "%s!a/first.log", prefix);
	assert_string_equal(c->items[1].path, want);
	assert_string_equal(c->items[2].data, "abc");
	/* SHA-256("abc") */
	assert_string_equal(c->items[2].sha, "ba7816bf8f01cfea414140de5dae2223"
			    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(c->items[0].nesting, 1);
}

static void test_formats(void **state)
{
	(void)state;
	static const enum fmt fmts[] = { TAR, TGZ, ZIP, TXZ };
	for (size_t i = 0; i < CT_ARRAY_SIZE(fmts); i++) {
		size_t len;
		char *buf = make_archive(fmts[i], three, 3, &len);
		assert_true(ct_source_is_container(buf, len));
		struct collect c = { .count = 0 };
		struct ct_source_options o = { .sha256 = true };
		assert_null(ct_source_walk_memory("x.arc", buf, len, &o,
						  collect, &c));
		check_three(&c, "x.arc");
		collect_free(&c);
		free(buf);
	}
}

static void test_plain_and_raw_gz(void **state)
{
	(void)state;
	struct collect c = { .count = 0 };
	assert_false(ct_source_is_container("hello", 5));
	assert_null(ct_source_walk_memory("p.log", "hello", 5, NULL, collect,
					  &c));
	assert_int_equal(c.count, 1);
	assert_string_equal(c.items[0].path, "p.log");
	assert_string_equal(c.items[0].data, "hello");
	assert_int_equal(c.items[0].nesting, 0);
	collect_free(&c);

	/* rotated vmkernel.0.gz: the content under the name without .gz */
	static const struct file one[] = {
		{ "data", "cpu0:1)vmkernel line\n", 0 },
	};
	size_t len;
	char *buf = make_archive(RAW_GZ, one, 1, &len);
	assert_null(ct_source_walk_memory("log/vmkernel.0.gz", buf, len, NULL,
					  collect, &c));
	assert_int_equal(c.count, 1);
	assert_string_equal(c.items[0].path, "log/vmkernel.0");
	assert_string_equal(c.items[0].data, "cpu0:1)vmkernel line\n");
	collect_free(&c);
	free(buf);
}

static void test_nested(void **state)
{
	(void)state;
	size_t inner_len, zip_len, outer_len;
	char *inner = make_archive(TGZ, three, 3, &inner_len);
	struct file mid[] = {
		{ "host1.tgz", inner, inner_len },
		{ "note.txt", "n", 0 },
	};
	char *zip = make_archive(ZIP, mid, 2, &zip_len);
	struct file outer[] = { { "export.zip", zip, zip_len } };
	char *tar = make_archive(TAR, outer, 1, &outer_len);
	struct collect c = { .count = 0 };
	assert_null(ct_source_walk_memory("o.tar", tar, outer_len, NULL,
					  collect, &c));
	assert_int_equal(c.count, 4);
	assert_string_equal(c.items[0].path,
			    "o.tar!export.zip!host1.tgz!b/second.log");
	assert_int_equal(c.items[0].nesting, 3);
	assert_string_equal(c.items[3].path, "o.tar!export.zip!note.txt");

	/* names only: no data, same names */
	collect_free(&c);
	struct ct_source_options names = { .names_only = true };
	assert_null(ct_source_walk_memory("o.tar", tar, outer_len, &names,
					  collect, &c));
	assert_int_equal(c.count, 4);
	assert_null(c.items[0].data);
	assert_string_equal(c.items[1].path,
			    "o.tar!export.zip!host1.tgz!a/first.log");
	collect_free(&c);
	free(inner);
	free(zip);
	free(tar);
}

static void test_nesting_limit(void **state)
{
	(void)state;
	size_t len;
	char *cur = make_archive(TGZ, three, 3, &len);
	/* wrap it more times than allowed */
	for (int i = 0; i < CT_SOURCE_MAX_NESTING + 1; i++) {
		struct file f = { "in.tgz", cur, len };
		size_t nlen;
		char *next = make_archive(TGZ, &f, 1, &nlen);
		free(cur);
		cur = next;
		len = nlen;
	}
	struct collect c = { .count = 0 };
	assert_null(ct_source_walk_memory("deep.tgz", cur, len, NULL, collect,
					  &c));
	assert_int_equal(c.count, 1);
	assert_non_null(c.items[0].skipped);
	assert_non_null(strstr(c.items[0].skipped, "nested too deep"));
	collect_free(&c);
	free(cur);
}

static void test_size_limit(void **state)
{
	(void)state;
	char big[5000];
	memset(big, 'x', sizeof(big));
	struct file files[] = {
		{ "big.log", big, sizeof(big) },
		{ "small.log", "s", 0 },
	};
	size_t len;
	char *buf = make_archive(TGZ, files, 2, &len);
	struct ct_source_options o = { .max_entry = 4096 };
	struct collect c = { .count = 0 };
	assert_null(ct_source_walk_memory("s.tgz", buf, len, &o, collect, &c));
	assert_int_equal(c.count, 2);
	assert_null(c.items[0].data);
	assert_non_null(c.items[0].skipped);
	assert_string_equal(c.items[1].data, "s");
	collect_free(&c);
	free(buf);
}

static void test_truncated(void **state)
{
	(void)state;
	/* enough incompressible-ish data that the cut falls in a member */
	static char data[3][20000];
	for (int f = 0; f < 3; f++)
		for (size_t i = 0; i < sizeof(data[f]); i++)
			data[f][i] = (char)('a' + (i * 7919 + f * 31 +
						   (i >> 3) * 104729) % 26);
	struct file files[] = {
		{ "one.log", data[0], sizeof(data[0]) },
		{ "two.log", data[1], sizeof(data[1]) },
		{ "three.log", data[2], sizeof(data[2]) },
	};
	size_t len;
	char *buf = make_archive(TGZ, files, 3, &len);
	for (size_t cut = len / 4; cut < len; cut += len / 4) {
		struct collect c = { .count = 0 };
		assert_null(ct_source_walk_memory("t.tgz", buf, cut, NULL,
						  collect, &c));
		assert_true(c.count >= 1);
		/* the last entry is the error, naming archive and member */
		const struct seen *last = &c.items[c.count - 1];
		assert_non_null(last->error);
		assert_non_null(strstr(last->error, "'t.tgz'"));
		assert_non_null(strstr(last->error, "member"));
		for (size_t i = 0; i + 1 < c.count; i++)
			assert_null(c.items[i].error);
		collect_free(&c);
	}
	free(buf);
}

static void test_hostile(void **state)
{
	(void)state;
	/* headers that claim to be archives but are not */
#define JUNK(s) { s, sizeof(s) - 1 }
	static const struct {
		const char *s;
		size_t len;
	} junk[] = {
		JUNK("\x1f\x8b garbage after a gzip magic"),
		JUNK("PK\3\4 not really a zip"),
		JUNK("\xfd" "7zXZ\0 not xz"),
		JUNK("BZh9 not bzip2"),
	};
#undef JUNK
	for (size_t i = 0; i < CT_ARRAY_SIZE(junk); i++) {
		size_t len = junk[i].len;
		struct collect c = { .count = 0 };
		assert_null(ct_source_walk_memory("j", junk[i].s, len, NULL,
						  collect, &c));
		assert_int_equal(c.count, 1);
		assert_non_null(c.items[0].error);
		assert_non_null(strstr(c.items[0].error, "'j'"));
		collect_free(&c);
	}
	/* a tar header with ustar magic and nonsense fields */
	char tar[1024];
	memset(tar, 0, sizeof(tar));
	memcpy(tar, "name", 4);
	memcpy(tar + 124, "77777777777", 11);	/* huge size */
	memcpy(tar + 257, "ustar", 5);
	struct collect c = { .count = 0 };
	assert_null(ct_source_walk_memory("h.tar", tar, sizeof(tar), NULL,
					  collect, &c));
	assert_true(c.count >= 1);
	assert_non_null(c.items[c.count - 1].error);
	collect_free(&c);
}

static void test_folder_order(void **state)
{
	(void)state;
	char dir[] = "/tmp/ct-test-source.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[512];
	static const char *const names[] = { "b.log", "a.log", "sub/c.log" };
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(names[i], f);
		fclose(f);
	}
	/* a tgz on disk next to them is streamed from the file */
	size_t len;
	char *buf = make_archive(TGZ, three, 3, &len);
	snprintf(path, sizeof(path), "%s/z.tgz", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
	struct collect c = { .count = 0 };
	assert_null(ct_source_walk(dir, NULL, collect, &c));
	assert_int_equal(c.count, 6);
	char want[600];
	snprintf(want, sizeof(want), "%s/a.log", dir);
	assert_string_equal(c.items[0].path, want);
	snprintf(want, sizeof(want), "%s/sub/c.log", dir);
	assert_string_equal(c.items[2].path, want);
	assert_string_equal(c.items[2].data, "sub/c.log");
	snprintf(want, sizeof(want), "%s/z.tgz!c.txt", dir);
	assert_string_equal(c.items[5].path, want);
	collect_free(&c);
	/* disk only: archives are not opened */
	struct ct_source_options disk = { .disk_only = true,
					  .names_only = true };
	assert_null(ct_source_walk(dir, &disk, collect, &c));
	assert_int_equal(c.count, 4);
	collect_free(&c);
	struct ct_error *err = ct_source_walk("/nonexistent/ct", NULL, collect,
					      &c);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_OS);
	ct_error_destroy(err);
	for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/z.tgz", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_bundles(void **state)
{
	(void)state;
	struct ct_bundle_plan plan = { 0 };
	static const char *const paths[] = {
		"x.zip!h1.tgz!esx-h1/var/run/log/vmkernel.log",
		"x.zip!h1.tgz!esx-h1/commands/vmware_-vl.txt",
		"x.zip!h2.tgz!esx-h2/etc/vmware/vm-support/a.mfx",
		"d/sosreport-h3/sos_commands/kernel/uname_-a",
		"d/scc_h4/basic-environment.txt",
		"d/scc_h4/supportconfig.txt",
		"d/scc_h5/basic-environment.txt",	/* half: no bundle */
		"loose/commands/vmware_-vl.txt.bak",	/* not the marker */
		"bundle.tgz!commands/vmware_-vl.txt",	/* root at the top */
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(paths); i++)
		assert_null(ct_bundle_plan_add(&plan, paths[i]));
	assert_null(ct_bundle_plan_finish(&plan));
	assert_int_equal(plan.count, 5);
	struct ct_bundle_root *r;
	r = ct_bundle_plan_find(&plan, paths[0]);
	assert_non_null(r);
	assert_string_equal(r->prefix, "x.zip!h1.tgz!esx-h1/");
	assert_string_equal(r->kind, "vm-support");
	r = ct_bundle_plan_find(&plan, "x.zip!h2.tgz!esx-h2/var/log/x");
	assert_non_null(r);
	assert_string_equal(r->prefix, "x.zip!h2.tgz!esx-h2/");
	r = ct_bundle_plan_find(&plan, "d/sosreport-h3/var/log/messages");
	assert_non_null(r);
	assert_string_equal(r->kind, "sosreport");
	r = ct_bundle_plan_find(&plan, "d/scc_h4/boot.txt");
	assert_non_null(r);
	assert_string_equal(r->kind, "supportconfig");
	assert_null(ct_bundle_plan_find(&plan, "d/scc_h5/boot.txt"));
	assert_null(ct_bundle_plan_find(&plan, paths[7]));
	assert_null(ct_bundle_plan_find(&plan, "x.zip!h1.tgz!esx-h1"));
	r = ct_bundle_plan_find(&plan, "bundle.tgz!var/run/log/vmkernel.log");
	assert_non_null(r);
	assert_string_equal(r->prefix, "bundle.tgz!");
	ct_bundle_plan_deinit(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_plain_and_raw_gz),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_folder_order),
		cmocka_unit_test(test_bundles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
