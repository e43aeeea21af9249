/* SPDX-License-Identifier: MIT */
/*
 * merge.c - fold shard results databases into one (merge.h), through
 * SQLite's ATTACH: each source is attached in turn and its rows copied
 * with INSERT ... SELECT, cases given new ids through a temporary map.
 *
 * Two passes make the result canonical.  The first folds the target and
 * every shard into a staging file, deduplicating by content (an input by
 * its content hash, a case by that and its member); the second copies the
 * staging file into the final file in one order that depends on content
 * only (inputs by path and content hash, cases by their input's path and
 * hash, then member), so that ids, and the clusters made in id order, do
 * not depend on the order the shards were given in.  The final file is
 * renamed over the target.
 *
 * Where two sources hold the same input or case (a shard merged twice, an
 * archive read by several shards), the content is the same; what may
 * differ is chosen so that order does not matter: the smallest path and
 * name, the earliest added_at, the latest done_at, "reading" when any
 * source had not finished it.
 *
 * Column lists are read from the schema (PRAGMA table_info), and the
 * case model is every table with a case_id column, so that a column or
 * table added by a migration is merged without a change here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "db/merge.h"
#include "db/results.h"
#include "db/sql.h"

/* The names of table's columns in schema ("main" or "src") except those
 * in skip, as `"a", "b"` with prefix before each ("c." or ""), into *ret
 * (free()). */
static struct ct_error *column_list(sqlite3 *h, const char *path,
				    const char *schema, const char *table,
				    const char *const *skip, const char *prefix,
				    char **ret)
{
	char *sql = sqlite3_mprintf("PRAGMA \"%w\".table_info(\"%w\")", schema,
				    table);
	if (!sql)
		return &ct_enomem;
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(h, path, sql, &st);
	sqlite3_free(sql);
	if (err)
		return err;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, "");
	int rc;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		bool skipped = !name;
		for (size_t i = 0; skip[i] && !skipped; i++)
			skipped = strcmp(name, skip[i]) == 0;
		if (skipped)
			continue;
		char *q = sqlite3_mprintf("%s%s\"%w\"", n++ ? ", " : "", prefix,
					  name);
		if (!q) {
			sb.failed = true;
			break;
		}
		ct_strbuf_puts(&sb, q);
		sqlite3_free(q);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = ct_sql_error(h, path, "cannot read the schema");
	sqlite3_finalize(st);
	if (!err && sb.failed)
		err = &ct_enomem;
	if (err) {
		ct_strbuf_deinit(&sb);
		return err;
	}
	*ret = ct_strbuf_detach(&sb);
	return NULL;
}

/* Run sql built from fmt (sqlite3_mprintf: %w, %s). */
static struct ct_error *exec_fmt(sqlite3 *h, const char *path,
				 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (!sql)
		return &ct_enomem;
	struct ct_error *err = ct_sql_exec(h, path, sql);
	sqlite3_free(sql);
	return err;
}

/* Inputs of src into main, one row per content hash. */
static struct ct_error *copy_inputs(sqlite3 *h, const char *path)
{
	static const char *const skip[] = { "id", NULL };
	char *cols;
	struct ct_error *err = column_list(h, path, "main", "inputs", skip, "",
					   &cols);
	if (err)
		return err;
	err = exec_fmt(h, path,
		"INSERT INTO main.inputs (%s) SELECT %s FROM src.inputs "
		"WHERE true ORDER BY path, sha256 "
		"ON CONFLICT (sha256) DO UPDATE SET "
		" path = min(path, excluded.path),"
		" status = CASE WHEN status = 'done' AND excluded.status = "
		"  'done' THEN 'done' ELSE 'reading' END,"
		" error = coalesce(min(error, excluded.error), error,"
		"  excluded.error),"
		" added_at = min(added_at, excluded.added_at),"
		" done_at = coalesce(max(done_at, excluded.done_at), done_at,"
		"  excluded.done_at)", cols, cols);
	free(cols);
	return err;
}

/* Cases of src not in main yet into main, in canonical order, with the
 * map temp.merge_map old id -> new id. */
static struct ct_error *copy_cases(sqlite3 *h, const char *path)
{
	static const char *const skip[] = { "id", "input_id", "cluster_id",
					    NULL };
	char *cols = NULL, *src_cols = NULL;
	struct ct_error *err = ct_sql_exec(h, path,
		"CREATE TEMP TABLE IF NOT EXISTS merge_map (old INTEGER "
		" PRIMARY KEY, new INTEGER);"
		"DELETE FROM temp.merge_map;"
		"INSERT INTO temp.merge_map (old) SELECT c.id FROM src.cases c"
		" JOIN src.inputs si ON si.id = c.input_id WHERE NOT EXISTS"
		" (SELECT 1 FROM main.inputs mi JOIN main.cases x"
		"  ON x.input_id = mi.id WHERE mi.sha256 = si.sha256"
		"  AND x.member = c.member);");
	if (!err)
		err = column_list(h, path, "main", "cases", skip, "", &cols);
	if (!err)
		err = column_list(h, path, "main", "cases", skip, "c.",
				  &src_cols);
	if (!err)
		err = exec_fmt(h, path,
			"INSERT INTO main.cases (input_id, %s) SELECT mi.id, %s"
			" FROM src.cases c JOIN src.inputs si"
			" ON si.id = c.input_id JOIN main.inputs mi"
			" ON mi.sha256 = si.sha256"
			" WHERE true ORDER BY mi.path, mi.sha256, c.member "
			"ON CONFLICT (input_id, member) DO UPDATE SET"
			" name = min(name, excluded.name),"
			" added_at = min(added_at, excluded.added_at)",
			cols, src_cols);
	if (!err)
		err = ct_sql_exec(h, path,
			"UPDATE temp.merge_map SET new = (SELECT x.id"
			" FROM src.cases c JOIN src.inputs si"
			" ON si.id = c.input_id JOIN main.inputs mi"
			" ON mi.sha256 = si.sha256 JOIN main.cases x"
			" ON x.input_id = mi.id AND x.member = c.member"
			" WHERE c.id = merge_map.old)");
	free(cols);
	free(src_cols);
	return err;
}

/* The rows of the new cases in every table of the case model (a table
 * with a case_id column). */
static struct ct_error *copy_case_model(sqlite3 *h, const char *path)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(h, path,
		"SELECT t.name FROM src.sqlite_master t WHERE t.type = "
		"'table' AND t.name NOT LIKE 'sqlite_%' AND EXISTS (SELECT 1"
		" FROM pragma_table_info(t.name, 'src') p WHERE p.name ="
		" 'case_id') ORDER BY t.name", &st);
	if (err)
		return err;
	static const char *const skip[] = { "case_id", NULL };
	int rc;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		char *cols = NULL, *src_cols = NULL;
		err = column_list(h, path, "main", table, skip, "", &cols);
		if (!err)
			err = column_list(h, path, "main", table, skip, "t.",
					  &src_cols);
		if (!err)
			err = exec_fmt(h, path,
				"INSERT INTO main.\"%w\" (case_id%s%s) SELECT "
				"m.new%s%s FROM src.\"%w\" t JOIN "
				"temp.merge_map m ON m.old = t.case_id "
				"ORDER BY m.new", table, *cols ? ", " : "",
				cols, *src_cols ? ", " : "", src_cols, table);
		free(cols);
		free(src_cols);
	}
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(h, path, "cannot read the schema");
	sqlite3_finalize(st);
	return err;
}

/* Fold the results database src_path into the one open as h (path). */
static struct ct_error *copy_from(sqlite3 *h, const char *path,
				  const char *src_path)
{
	struct ct_error *err = ct_sql_run(h, path, "ATTACH DATABASE ? AS src",
					  "t", src_path);
	if (err)
		return err;
	err = ct_sql_exec(h, path, "BEGIN IMMEDIATE");
	if (!err)
		err = copy_inputs(h, path);
	if (!err)
		err = copy_cases(h, path);
	if (!err)
		err = copy_case_model(h, path);
	if (!err)
		err = ct_sql_exec(h, path, "COMMIT");
	if (err)
		ct_error_destroy(ct_sql_exec(h, path, "ROLLBACK"));
	ct_error_destroy(ct_sql_exec(h, path, "DETACH DATABASE src"));
	return err;
}

/* A new, empty results database next to path: *ret its name. */
static struct ct_error *temp_db(const char *path, const char *what,
				char **ret)
{
	char *name;
	if (asprintf(&name, "%s.%s-XXXXXX", path, what) < 0)
		return &ct_enomem;
	int fd = mkstemp(name);
	if (fd < 0) {
		struct ct_error *err = ct_error_os(errno, name, "cannot create");
		free(name);
		return err;
	}
	close(fd);
	struct ct_results *db;
	struct ct_error *err = ct_results_open(name, &db);
	if (err) {
		unlink(name);
		free(name);
		return err;
	}
	ct_results_close(db);
	*ret = name;
	return NULL;
}

static void temp_db_remove(char *name)
{
	if (!name)
		return;
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < CT_ARRAY_SIZE(sides); i++) {
		char *p;
		if (asprintf(&p, "%s%s", name, sides[i]) >= 0) {
			unlink(p);
			free(p);
		}
	}
	free(name);
}

/* Fold every source into the file name (a results database). */
static struct ct_error *fold(const char *name, char *const *sources,
			     size_t count)
{
	sqlite3 *h = NULL;
	struct ct_error *err = NULL;
	if (sqlite3_open_v2(name, &h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		err = ct_sql_error(h, name, "cannot open");
	if (!err) {
		(void)sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		sqlite3_busy_timeout(h, 10000);
		err = ct_sql_exec(h, name, "PRAGMA trusted_schema = OFF;"
				  "PRAGMA foreign_keys = OFF;");
	}
	for (size_t i = 0; i < count && !err; i++)
		err = copy_from(h, name, sources[i]);
	sqlite3_close(h);
	return err;
}

/* A source must be a results database of our schema version. */
static struct ct_error *check_source(const char *path)
{
	struct ct_results *db;
	struct ct_error *err = ct_results_open_readonly(path, &db);
	if (err)
		return err;
	int version = ct_results_file_version(db);
	ct_results_close(db);
	if (version != CT_RESULTS_SCHEMA_VERSION)
		return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
			"results schema version %d, not %d: run 'crashtriage "
			"batch --rematch --db' on it with the crashtriage "
			"that merges, which migrates it", version,
			CT_RESULTS_SCHEMA_VERSION), path, 0, 0, false);
	return NULL;
}

/* The totals row: inputs, cases and clusters into the stats. */
static int totals_row(void *arg, size_t ncols, const char *const *names,
		      const char *const *values)
{
	struct ct_merge_stats *s = arg;
	for (size_t i = 0; i < ncols; i++) {
		size_t v = values[i] ? (size_t)strtoull(values[i], NULL, 10) : 0;
		if (strcmp(names[i], "inputs") == 0)
			s->inputs = v;
		else if (strcmp(names[i], "cases") == 0)
			s->cases = v;
		else if (strcmp(names[i], "clusters") == 0)
			s->clusters = v;
	}
	return 1;
}

/* Cluster the result again, then count it into ret. */
static struct ct_error *finish_result(const char *name,
				      struct ct_merge_stats *ret)
{
	struct ct_results *db;
	struct ct_error *err = ct_results_open(name, &db);
	if (err)
		return err;
	err = ct_results_recluster(db, &ret->clustered);
	if (!err)
		err = ct_results_view(db, CT_VIEW_TOTALS, 0, totals_row, ret);
	ct_results_close(db);
	return err;
}

struct ct_error *ct_merge_shards(const char *path, char *const *shards,
				 size_t nshards, struct ct_merge_stats *ret)
{
	struct ct_merge_stats st = { 0 };
	struct stat target_st;
	bool existed = stat(path, &target_st) == 0;
	/* the lock `batch` takes: flock(2) on the database file */
	int lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0)
		return ct_error_os(errno, NULL, "cannot open '%s'", path);
	if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
		close(lock_fd);
		return ct_error_create(CT_ERROR_OS, "another batch or merge "
				       "is writing to '%s'", path);
	}
	struct ct_error *err = NULL;
	char **sources = calloc(nshards + 1, sizeof(*sources));
	char *staging = NULL, *final = NULL;
	size_t count = 0;
	if (!sources) {
		err = &ct_enomem;
		goto out;
	}
	if (fstat(lock_fd, &target_st) != 0) {
		err = ct_error_os(errno, path, "cannot stat");
		goto out;
	}
	if (target_st.st_size > 0) {
		/* what the target holds is kept: migrated, then a source */
		struct ct_results *db;
		err = ct_results_open(path, &db);
		if (err)
			goto out;
		struct ct_merge_stats before = { 0 };
		err = ct_results_view(db, CT_VIEW_TOTALS, 0, totals_row,
				      &before);
		ct_results_close(db);
		if (err)
			goto out;
		st.cases_before = before.cases;
		sources[count++] = (char *)path;
	}
	for (size_t i = 0; i < nshards; i++) {
		struct stat s;
		if (stat(shards[i], &s) == 0 && s.st_dev == target_st.st_dev &&
		    s.st_ino == target_st.st_ino)
			continue;	/* the target itself */
		err = check_source(shards[i]);
		if (err)
			goto out;
		sources[count++] = shards[i];
		st.shards++;
	}
	err = temp_db(path, "merge", &staging);
	if (!err)
		err = fold(staging, sources, count);
	if (!err)
		err = temp_db(path, "merged", &final);
	if (!err)
		err = fold(final, &staging, 1);
	if (!err)
		err = finish_result(final, &st);
	if (!err && rename(final, path) != 0)
		err = ct_error_os(errno, path, "cannot replace");
	if (!err) {
		free(final);
		final = NULL;
	}
out:
	temp_db_remove(staging);
	temp_db_remove(final);
	free(sources);
	if (err && !existed)
		unlink(path);
	close(lock_fd);
	if (!err)
		*ret = st;
	return err;
}
