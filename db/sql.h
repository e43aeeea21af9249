/* SPDX-License-Identifier: MIT */
/*
 * sql.h - the SQLite helpers every file of db/ shares, private to db/
 * (the only code that includes sqlite3.h): errors that name the database
 * file, exec, prepare, bind, step and schema migration.
 */
#ifndef CT_DB_SQL_H
#define CT_DB_SQL_H

#include <sqlite3.h>
#include <stdarg.h>

#include "analyzer/internal.h"

/* CT_ERROR_CORRUPT "WHAT: <sqlite's message>" about the database at path. */
struct ct_error *ct_sql_error(sqlite3 *h, const char *path, const char *what);

/* Run sql (one or more statements, no results). */
struct ct_error *ct_sql_exec(sqlite3 *h, const char *path, const char *sql);

/* Prepare one statement into *ret (the caller finalizes it). */
struct ct_error *ct_sql_prepare(sqlite3 *h, const char *path, const char *sql,
				sqlite3_stmt **ret);

/* Bind a string, or SQL NULL when s is NULL (s must outlive the step). */
void ct_sql_bind_text(sqlite3_stmt *st, int i, const char *s);

/*
 * Bind values from parameter 1 on, described by types: 't' a string
 * (NULL -> SQL NULL), 'i' an int64_t, 'u' a uint64_t stored as its two's
 * complement, 'd' a double, 'n' NULL (no argument).
 */
void ct_sql_bindv(sqlite3_stmt *st, const char *types, va_list ap);

/* Prepare one statement into *ret and bind ap as ct_sql_bindv does. */
struct ct_error *ct_sql_prepare_bound(sqlite3 *h, const char *path,
				      const char *sql, sqlite3_stmt **ret,
				      const char *types, va_list ap);

/* Prepare, bind (as ct_sql_bindv), run and finalize one statement;
 * failing to run is "cannot write". */
struct ct_error *ct_sql_run(sqlite3 *h, const char *path, const char *sql,
			    const char *types, ...);

/* Same, through a statement prepared on first use into *slot and kept
 * there (the caller finalizes it), for statements run once per case. */
struct ct_error *ct_sql_run_cached(sqlite3 *h, const char *path,
				   sqlite3_stmt **slot, const char *sql,
				   const char *types, ...);

/* Step a statement whose values are bound, expecting SQLITE_DONE, then
 * reset it and clear its bindings for the next row; what names the
 * failure ("cannot insert"). */
struct ct_error *ct_sql_step_reset(sqlite3 *h, const char *path,
				   sqlite3_stmt *st, const char *what);

/*
 * Apply migrations[from] .. migrations[to - 1] (migrations[v - 1] makes
 * schema version v) and record each version in schema_version.  The
 * caller holds the transaction, if any.
 */
struct ct_error *ct_sql_migrate(sqlite3 *h, const char *path,
				const char *const *migrations, int from,
				int to);

#endif /* CT_DB_SQL_H */
