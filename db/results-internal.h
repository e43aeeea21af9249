/* SPDX-License-Identifier: MIT */
/*
 * results-internal.h - what the other files of db/ use of the results
 * store (results.c), private to db/: the SQL of the report views and a
 * query runner with the same row callback, so that the dashboard's
 * queries (db/query.c) live beside it without reaching into its handle.
 */
#ifndef CT_DB_RESULTS_INTERNAL_H
#define CT_DB_RESULTS_INTERNAL_H

#include "db/results.h"

/* The SQL of a report view (one "?" parameter: its row limit, -1 for
 * all), or NULL for a view out of range.  Static storage. */
const char *ct_results_view_sql(enum ct_results_view view);

/*
 * ct_results_select - prepare sql, bind the variadic values as
 * ct_sql_bindv() does by types, and call fn for every row with every
 * column (values may be NULL); fn returning non-zero stops.  Errors
 * name the database file.
 */
struct ct_error *ct_results_select(struct ct_results *db,
				   ct_results_row_fn fn, void *arg,
				   const char *sql, const char *types, ...);

#endif /* CT_DB_RESULTS_INTERNAL_H */
