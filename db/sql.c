/* SPDX-License-Identifier: MIT */
/*
 * sql.c - the SQLite helpers of db/ (sql.h).
 */
#include <stdarg.h>
#include <stdint.h>

#include "db/sql.h"
#include "analyzer/error.h"

struct ct_error *ct_sql_error(sqlite3 *h, const char *path, const char *what)
{
	return ct_error_corrupt(path, 0, "%s: %s", what,
				h ? sqlite3_errmsg(h)
				  : "cannot allocate a database handle");
}

struct ct_error *ct_sql_exec(sqlite3 *h, const char *path, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return NULL;
	struct ct_error *err = ct_error_corrupt(path, 0, "%s",
						msg ? msg : "sqlite error");
	sqlite3_free(msg);
	return err;
}

struct ct_error *ct_sql_prepare(sqlite3 *h, const char *path, const char *sql,
				sqlite3_stmt **ret)
{
	if (sqlite3_prepare_v2(h, sql, -1, ret, NULL) != SQLITE_OK)
		return ct_sql_error(h, path, "cannot prepare a statement");
	return NULL;
}

void ct_sql_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void ct_sql_bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 1; *types; types++, i++) {
		switch (*types) {
		case 't':
			ct_sql_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'i':
			sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'u':
			sqlite3_bind_int64(st, i,
					   (int64_t)va_arg(ap, uint64_t));
			break;
		case 'd':
			sqlite3_bind_double(st, i, va_arg(ap, double));
			break;
		default:
			sqlite3_bind_null(st, i);
			break;
		}
	}
}

struct ct_error *ct_sql_prepare_bound(sqlite3 *h, const char *path,
				      const char *sql, sqlite3_stmt **ret,
				      const char *types, va_list ap)
{
	struct ct_error *err = ct_sql_prepare(h, path, sql, ret);
	if (!err)
		ct_sql_bindv(*ret, types, ap);
	return err;
}

struct ct_error *ct_sql_run(sqlite3 *h, const char *path, const char *sql,
			    const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	struct ct_error *err = ct_sql_prepare_bound(h, path, sql, &st, types,
						    ap);
	va_end(ap);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = ct_sql_error(h, path, "cannot write");
	sqlite3_finalize(st);
	return err;
}

struct ct_error *ct_sql_run_cached(sqlite3 *h, const char *path,
				   sqlite3_stmt **slot, const char *sql,
				   const char *types, ...)
{
	if (!*slot) {
		struct ct_error *err = ct_sql_prepare(h, path, sql, slot);
		if (err)
			return err;
	}
	va_list ap;
	va_start(ap, types);
	ct_sql_bindv(*slot, types, ap);
	va_end(ap);
	return ct_sql_step_reset(h, path, *slot, "cannot write");
}

struct ct_error *ct_sql_step_reset(sqlite3 *h, const char *path,
				   sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? NULL : ct_sql_error(h, path, what);
}

struct ct_error *ct_sql_migrate(sqlite3 *h, const char *path,
				const char *const *migrations, int from,
				int to)
{
	struct ct_error *err = NULL;
	for (int v = from + 1; v <= to && !err; v++) {
		err = ct_sql_exec(h, path, migrations[v - 1]);
		if (!err)
			err = ct_sql_run(h, path,
					 "UPDATE schema_version SET version = ?",
					 "i", (int64_t)v);
	}
	return err;
}
