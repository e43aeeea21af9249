/* SPDX-License-Identifier: MIT */
/*
 * test-results.c - the results store (db/results.c) on real SQLite files:
 * schema creation and migration, inputs by content hash, one case per
 * transaction, a case rebuilt from its stored model signing the same,
 * rematching, the frame distance and clustering, the report views, and
 * an input renamed (serve's uploads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/cluster.h"
#include "analyzer/internal.h"
#include "db/query.h"
#include "db/results.h"
#include "rules/match.h"

/* A gdb backtrace; FRAME2 varies to make near and far crashes. */
static char *backtrace_text(const char *frame1, const char *frame2)
{
	char *s;
	int n = asprintf(&s,
		"Program terminated with signal SIGSEGV, Segmentation fault.\n"
		"#0  0x000055d4c3a1b2c4 in %s (req=0x55d4c5e0f2a0) at "
		"src/http/parser.c:211\n"
		"#1  0x000055d4c3a1c0f1 in %s (req=0x55d4c5e0f2a0) at "
		"src/http/parser.c:298\n"
		"#2  0x000055d4c3a19a77 in handle_request (conn=0x55d4c5e0e010) "
		"at src/http/server.c:512\n"
		"#3  0x000055d4c3a18d3b in connection_readable (w=0x1) at "
		"src/http/server.c:431\n"
		"#4  0x000055d4c3a17f20 in worker_main (arg=0x55d4c5e0b2c0) at "
		"src/http/worker.c:77\n"
		"#5  0x00007f3c2c694ac3 in start_thread (arg=<optimized out>) "
		"at ./nptl/pthread_create.c:442\n", frame1, frame2);
	assert_true(n > 0);
	return s;
}

static struct ct_case *analyse(const char *name, const char *f1,
			       const char *f2)
{
	char *text = backtrace_text(f1, f2);
	struct ct_case *c;
	assert_null(ct_case_create(name, &c));
	assert_null(ct_case_add_text(c, name, text, strlen(text)));
	assert_null(ct_case_add_fact(c, "host.name", "web-01",
				     c->inputs[0].path ?
				     (struct ct_origin){ c->inputs[0].path, 1 } :
				     (struct ct_origin){ NULL, 0 }));
	assert_null(ct_case_finish(c));
	free(text);
	assert_true(c->signature.hash[0] != '\0');
	return c;
}

static char db_path[64];

static int setup(void **state)
{
	(void)state;
	snprintf(db_path, sizeof(db_path), "/tmp/ct-results-%ld.sqlite",
		 (long)getpid());
	unlink(db_path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[80];
	unlink(db_path);
	snprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
	return 0;
}

static void test_distance(void **state)
{
	(void)state;
	char *a[] = { "f1", "f2", "f3", "f4", "f5" };
	char *b[] = { "f1", "f2", "fX", "f4", "f5" };
	char *c[] = { "f1", "fY", "fX", "f4", "f5" };
	char *d[] = { "f2", "f3", "f4", "f5" };
	assert_true(ct_frames_distance(a, 5, a, 5) == 0.0);
	assert_true(ct_frames_distance(a, 5, b, 5) == 0.2);
	assert_true(ct_frames_distance(a, 5, c, 5) == 0.4);
	assert_true(ct_frames_distance(a, 5, d, 4) == 0.2);
	assert_true(ct_frames_distance(a, 5, NULL, 0) == 1.0);
	assert_true(ct_frames_distance(NULL, 0, NULL, 0) == 0.0);
}

static void test_schema_and_migration(void **state)
{
	(void)state;
	struct ct_results *db;
	assert_null(ct_results_open_version(db_path, 1, &db));
	assert_int_equal(ct_results_file_version(db), 0);
	ct_results_close(db);
	assert_null(ct_results_open(db_path, &db));
	assert_int_equal(ct_results_file_version(db), 1);
	ct_results_close(db);
	assert_null(ct_results_open(db_path, &db));
	assert_int_equal(ct_results_file_version(db),
			 CT_RESULTS_SCHEMA_VERSION);
	ct_results_close(db);

	/* a file that is not a results database */
	char junk[80];
	snprintf(junk, sizeof(junk), "%s.junk", db_path);
	FILE *f = fopen(junk, "w");
	assert_non_null(f);
	fputs("this is not sqlite at all, not even close.............", f);
	fclose(f);
	struct ct_error *err = ct_results_open(junk, &db);
	assert_non_null(err);
	ct_error_destroy(err);
	unlink(junk);
}

static void test_inputs(void **state)
{
	(void)state;
	struct ct_results *db;
	assert_null(ct_results_open(db_path, &db));
	static const char sha[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				  "aaaaaaaaaaaaaaaaaaaa";
	int64_t id, id2;
	bool done;
	assert_null(ct_results_input_begin(db, sha, "x.tgz", 10, "archive",
					   &id, &done));
	assert_false(done);
	assert_null(ct_results_input_begin(db, sha, "copy.tgz", 10, "archive",
					   &id2, &done));
	assert_int_equal(id, id2);
	assert_false(done);
	assert_null(ct_results_input_finish(db, id, NULL));
	assert_null(ct_results_input_begin(db, sha, "x.tgz", 10, "archive",
					   &id2, &done));
	assert_true(done);

	char got[65];
	bool found;
	assert_null(ct_results_stat_store(db, "x.tgz", 10, 123, 7, sha));
	assert_null(ct_results_stat_lookup(db, "x.tgz", 10, 123, 7, got,
					   &found));
	assert_true(found);
	assert_string_equal(got, sha);
	assert_null(ct_results_stat_lookup(db, "x.tgz", 10, 124, 7, got,
					   &found));
	assert_false(found);
	ct_results_close(db);
}

struct count {
	size_t rows;
	char first[12][128];
};

static int count_rows(void *arg, size_t ncols, const char *const *names,
		      const char *const *values)
{
	struct count *c = arg;
	(void)names;
	if (c->rows == 0)
		for (size_t i = 0; i < ncols && i < 12; i++)
			snprintf(c->first[i], sizeof(c->first[i]), "%s",
				 values[i] ? values[i] : "NULL");
	c->rows++;
	return 0;
}

static void test_store_load_cluster(void **state)
{
	(void)state;
	struct ct_results *db;
	assert_null(ct_results_open(db_path, &db));
	int64_t input;
	bool done;
	assert_null(ct_results_input_begin(db, "b", "batch", 0, "folder",
					   &input, &done));
	/* three crashes: two near (one frame differs), one far */
	struct ct_case *a = analyse("a.txt", "parse_header_line",
				    "parse_headers");
	struct ct_case *b = analyse("b.txt", "parse_header_value",
				    "parse_headers");
	struct ct_case *far = analyse("c.txt", "memcpy_fast", "copy_body");
	struct ct_results_case rc = { .input_id = input, .member = "a.txt",
				      .name = "a.txt", .c = a };
	assert_null(ct_results_store_case(db, &rc));
	rc.member = rc.name = "b.txt";
	rc.c = b;
	assert_null(ct_results_store_case(db, &rc));
	rc.member = rc.name = "c.txt";
	rc.c = far;
	assert_null(ct_results_store_case(db, &rc));
	/* the same member again violates uniqueness and leaves nothing */
	struct ct_error *err = ct_results_store_case(db, &rc);
	assert_non_null(err);
	ct_error_destroy(err);
	/* a failed case */
	rc.member = rc.name = "bad.tgz";
	rc.c = NULL;
	rc.error = "cannot read archive 'bad.tgz': truncated gzip input";
	assert_null(ct_results_store_case(db, &rc));

	bool exists;
	assert_null(ct_results_case_exists(db, input, "b.txt", &exists));
	assert_true(exists);
	assert_null(ct_results_case_exists(db, input, "zz.txt", &exists));
	assert_false(exists);

	/* rebuilt from the store, the case signs the same */
	struct ct_case *back;
	assert_null(ct_results_load_case(db, 1, &back));
	assert_null(ct_case_sign(back));
	assert_string_equal(back->signature.hash, a->signature.hash);
	assert_string_equal(back->signature.title, a->signature.title);
	assert_int_equal(back->backtrace_count, a->backtrace_count);
	assert_int_equal(back->backtraces[0].frame_count,
			 a->backtraces[0].frame_count);
	assert_int_equal(back->fact_count, a->fact_count);
	assert_string_equal(ct_case_fact(back, "host.name"), "web-01");
	assert_string_equal(back->facts[0].origin.path, back->inputs[0].path);
	ct_case_destroy(back);

	struct count totals = { 0 };
	assert_null(ct_results_view(db, CT_VIEW_TOTALS, 0, count_rows,
				    &totals));
	assert_int_equal(totals.rows, 1);
	assert_string_equal(totals.first[2], "4");	/* cases */
	assert_string_equal(totals.first[4], "3");	/* unknown */
	assert_string_equal(totals.first[7], "1");	/* failed */
	assert_string_equal(totals.first[8], "2");	/* clusters */

	struct count clusters = { 0 };
	assert_null(ct_results_view(db, CT_VIEW_CLUSTERS, 10, count_rows,
				    &clusters));
	assert_int_equal(clusters.rows, 2);
	assert_string_equal(clusters.first[1], "2");	/* a and b */
	assert_string_equal(clusters.first[4], "web-01");

	struct count failed = { 0 };
	assert_null(ct_results_view(db, CT_VIEW_FAILED, 0, count_rows,
				    &failed));
	assert_int_equal(failed.rows, 1);

	/* rematch without rules: same clusters, nothing known */
	size_t n;
	assert_null(ct_results_rematch(db, NULL, &n));
	assert_int_equal(n, 3);
	struct count again = { 0 };
	assert_null(ct_results_view(db, CT_VIEW_CLUSTERS, 10, count_rows,
				    &again));
	assert_int_equal(again.rows, 2);
	assert_string_equal(again.first[1], "2");

	/* with the built-in rules */
	struct ct_kb *kb;
	assert_null(ct_kb_load_embedded(&kb, NULL, NULL));
	assert_null(ct_results_rematch(db, kb, &n));
	assert_int_equal(n, 3);
	ct_kb_destroy(kb);

	struct count cases = { 0 };
	assert_null(ct_results_view(db, CT_VIEW_CASES, 0, count_rows, &cases));
	assert_int_equal(cases.rows, 4);
	ct_case_destroy(a);
	ct_case_destroy(b);
	ct_case_destroy(far);
	ct_results_close(db);
}

static int count_row(void *arg, size_t ncols, const char *const *names,
		     const char *const *values)
{
	(void)ncols;
	(void)names;
	(void)values;
	(*(size_t *)arg)++;
	return 0;
}

/* Cases stored in a group transaction (ct_results_begin) are committed
 * together with the input's done mark; a store that fails rolls the whole
 * group back, so that no case is ever stored in part. */
static void test_group(void **state)
{
	(void)state;
	struct ct_results *db;
	assert_null(ct_results_open(db_path, &db));
	int64_t input;
	bool done, exists;
	assert_null(ct_results_input_begin(db, "g", "group", 0, "archive",
					   &input, &done));
	struct ct_case *a = analyse("a.txt", "parse_header_line",
				    "parse_headers");
	struct ct_results_case rc = { .input_id = input, .member = "a.txt",
				      .name = "a.txt", .c = a };
	assert_null(ct_results_begin(db));
	assert_null(ct_results_store_case(db, &rc));
	rc.member = rc.name = "b.txt";
	assert_null(ct_results_store_case(db, &rc));
	assert_null(ct_results_input_finish(db, input, NULL));
	assert_null(ct_results_commit(db));
	assert_null(ct_results_case_exists(db, input, "b.txt", &exists));
	assert_true(exists);
	assert_null(ct_results_input_begin(db, "g", "group", 0, "archive",
					   &input, &done));
	assert_true(done);

	/* a second group: c is stored, then a duplicate fails */
	assert_null(ct_results_begin(db));
	rc.member = rc.name = "c.txt";
	assert_null(ct_results_store_case(db, &rc));
	rc.member = rc.name = "a.txt";
	struct ct_error *err = ct_results_store_case(db, &rc);
	assert_non_null(err);
	ct_error_destroy(err);
	assert_null(ct_results_case_exists(db, input, "c.txt", &exists));
	assert_false(exists);
	/* the group is over: a store stands alone again */
	rc.member = rc.name = "d.txt";
	assert_null(ct_results_store_case(db, &rc));
	size_t n = 0;
	assert_null(ct_results_view(db, CT_VIEW_CASES, 0, count_row, &n));
	assert_int_equal(n, 3);
	ct_case_destroy(a);
	ct_results_close(db);
}

static char *stored_name(int64_t id, void *arg)
{
	char *s;
	assert_true(asprintf(&s, "upload/%lld/%s", (long long)id,
			     (const char *)arg) > 0);
	return s;
}

/* Column col of the first row a query gives (the library's own
 * queries: only db/ speaks SQL), or "" for no row. */
struct first_row {
	size_t col;
	char text[128];
};

static int first_row(void *arg, size_t ncols, const char *const *names,
		     const char *const *values)
{
	struct first_row *f = arg;
	(void)names;
	if (!f->text[0] && f->col < ncols && values[f->col])
		snprintf(f->text, sizeof(f->text), "%s", values[f->col]);
	return 1;
}

static const char *query_text(struct ct_results *db, enum ct_query q,
			      int64_t num, size_t col, struct first_row *f)
{
	struct ct_query_args args = { .num = num };
	*f = (struct first_row){ .col = col };
	assert_null(ct_results_query(db, q, &args, first_row, f));
	return f->text;
}

/* The name of case id, and the path of its first input as stored. */
static void case_names(struct ct_results *db, int64_t id, char *name,
		       char *input_path, size_t n)
{
	struct first_row f;
	/* CT_QUERY_CASE: id, input, name, ... */
	snprintf(name, n, "%s", query_text(db, CT_QUERY_CASE, id, 2, &f));
	struct ct_case *c;
	assert_null(ct_results_load_case(db, id, &c));
	assert_true(c->input_count > 0);
	snprintf(input_path, n, "%s", c->inputs[0].path);
	ct_case_destroy(c);
}

/* serve's uploads: an input renamed from its temporary path, with its
 * cases and their inputs, the stat cache's row gone; another input, and
 * paths that only start like it, untouched */
static void test_rename_input(void **state)
{
	(void)state;
	static const char tmp[] = "/tmp/crashtriage-upload.AbC123/two.tgz";
	struct ct_results *db;
	assert_null(ct_results_open(db_path, &db));
	int64_t input, other, id;
	bool done;
	assert_null(ct_results_input_begin(db, "s1", tmp, 9, "archive",
					   &input, &done));
	assert_null(ct_results_input_begin(db, "s2", "/srv/other.log", 9,
					   "file", &other, &done));
	static const char sha1[] = "1111111111111111111111111111111111111111"
				   "111111111111111111111111";
	static const char sha2[] = "2222222222222222222222222222222222222222"
				   "222222222222222222222222";
	assert_null(ct_results_stat_store(db, tmp, 9, 1, 1, sha1));
	assert_null(ct_results_stat_store(db, "/srv/other.log", 9, 1, 1,
					  sha2));
	struct ct_case *a = analyse("/tmp/crashtriage-upload.AbC123/two.tgz!"
				    "a.txt", "parse_header_line",
				    "parse_headers");
	struct ct_case *b = analyse("/tmp/crashtriage-upload.AbC123/two.tgzx",
				    "parse_header_line", "parse_body");
	struct ct_case *o = analyse("/srv/other.log", "f", "g");
	assert_null(ct_results_begin(db));
	struct ct_results_case rc = {
		.input_id = input, .member = "a.txt",
		.name = "/tmp/crashtriage-upload.AbC123/two.tgz!a.txt", .c = a,
	};
	assert_null(ct_results_store_case(db, &rc));
	rc = (struct ct_results_case){
		.input_id = input, .member = "x",
		.name = "/tmp/crashtriage-upload.AbC123/two.tgzx", .c = b,
	};
	assert_null(ct_results_store_case(db, &rc));
	rc = (struct ct_results_case){ .input_id = other, .member = "o",
				       .name = "/srv/other.log", .c = o };
	assert_null(ct_results_store_case(db, &rc));
	assert_null(ct_results_commit(db));
	/* the cases' ids, in the order they were stored */
	const int64_t case_a = 1, case_b = 2, case_o = 3;
	struct first_row ids;
	assert_string_equal(query_text(db, CT_QUERY_CASE, case_a, 2, &ids),
			    "/tmp/crashtriage-upload.AbC123/two.tgz!a.txt");

	assert_null(ct_results_rename_input(db, tmp, stored_name, "two.tgz",
					    &id));
	assert_int_equal(id, input);
	char want[64], name[128], path[128];
	struct first_row f;
	snprintf(want, sizeof(want), "upload/%lld/two.tgz", (long long)input);
	/* CT_QUERY_INPUT: input_id, path, ... */
	assert_string_equal(query_text(db, CT_QUERY_INPUT, input, 1, &f),
			    want);
	snprintf(want, sizeof(want), "upload/%lld/two.tgz!a.txt",
		 (long long)input);
	case_names(db, case_a, name, path, sizeof(name));
	assert_string_equal(name, want);
	assert_string_equal(path, want);
	/* only the path itself or it and "!" or "/" is the input's */
	case_names(db, case_b, name, path, sizeof(name));
	assert_string_equal(name, "/tmp/crashtriage-upload.AbC123/two.tgzx");
	assert_string_equal(path, "/tmp/crashtriage-upload.AbC123/two.tgzx");
	case_names(db, case_o, name, path, sizeof(name));
	assert_string_equal(name, "/srv/other.log");
	assert_string_equal(query_text(db, CT_QUERY_INPUT, other, 1, &f),
			    "/srv/other.log");
	/* the stat cache forgets the temporary path only */
	char sha[65];
	bool found;
	assert_null(ct_results_stat_lookup(db, tmp, 9, 1, 1, sha, &found));
	assert_false(found);
	assert_null(ct_results_stat_lookup(db, "/srv/other.log", 9, 1, 1, sha,
					   &found));
	assert_true(found);
	/* a path no input has (the content was stored before): nothing */
	assert_null(ct_results_rename_input(db, tmp, stored_name, "two.tgz",
					    &id));
	assert_int_equal(id, -1);
	ct_case_destroy(a);
	ct_case_destroy(b);
	ct_case_destroy(o);
	ct_results_close(db);
}

/* report's open: read-only, never creates, never migrates, refuses what
 * is not ours (issue 11 item 8) */
static void test_open_readonly(void **state)
{
	(void)state;
	struct ct_results *db;
	struct ct_error *err = ct_results_open_readonly(db_path, &db);
	assert_non_null(err);	/* missing: not created */
	ct_error_destroy(err);
	assert_int_not_equal(access(db_path, F_OK), 0);

	/* an empty file stays empty */
	FILE *f = fopen(db_path, "w");
	assert_non_null(f);
	fclose(f);
	err = ct_results_open_readonly(db_path, &db);
	assert_non_null(err);
	char *msg = ct_error_format(err);
	assert_non_null(strstr(msg, "not a crashtriage results database"));
	assert_non_null(strstr(msg, db_path));
	free(msg);
	ct_error_destroy(err);
	FILE *g = fopen(db_path, "r");
	assert_non_null(g);
	assert_int_equal(fgetc(g), EOF);
	fclose(g);
	unlink(db_path);

	/* an old schema is read as it is, views work, nothing migrated */
	assert_null(ct_results_open_version(db_path, 1, &db));
	ct_results_close(db);
	assert_null(ct_results_open_readonly(db_path, &db));
	assert_int_equal(ct_results_file_version(db), 1);
	size_t rows = 0;
	assert_null(ct_results_view(db, CT_VIEW_CASES, 0, count_row, &rows));
	assert_null(ct_results_view(db, CT_VIEW_TOTALS, 0, count_row, &rows));
	assert_int_equal(rows, 1);
	ct_results_close(db);
	assert_null(ct_results_open_readonly(db_path, &db));
	assert_int_equal(ct_results_file_version(db), 1);
	ct_results_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test_setup_teardown(test_schema_and_migration,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_load_cluster,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_input, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_readonly, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
