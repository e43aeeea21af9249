/* SPDX-License-Identifier: MIT */
/*
 * query.h - the read-only queries of the team dashboard (crashtriage
 * serve) over a results database (db/results.h): the case lists a page at
 * a time (the ids of the page first, so that a deep page costs a walk of
 * ids, not of joined rows), and the rows behind one known issue, one
 * cluster, one input and one case.  The whole-database report views are
 * ct_results_view()'s, which serve keeps between changes.  Every query binds its parameters; rows come through the same
 * callback as ct_results_view(), with the same column names where a
 * report view has them (report --json keys).
 */
#ifndef CT_DB_QUERY_H
#define CT_DB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "db/results.h"

enum ct_query {
	CT_QUERY_NEW,		/* one row: cases_day, cases_week, known_day,
				 * known_week, unknown_day, unknown_week,
				 * clusters_day, clusters_week, issues_week
				 * (cases stored since num - 1 day / 7 days;
				 * clusters whose first case is that new;
				 * known issues first met this week) */
	CT_QUERY_DATA_VERSION,	/* one row: data_version (PRAGMA
				 * data_version: changes when another
				 * connection commits) */
	CT_QUERY_ISSUE_CASES,	/* cases of rule key, newest first: id, name,
				 * host, version, verdict, score, title,
				 * added_at */
	CT_QUERY_CLUSTER,	/* cluster num: cluster, frames (its shared
				 * top frames, one a line) */
	CT_QUERY_CLUSTER_FRAMES, /* every cluster, oldest first: cluster,
				 * hash (its first case's signature hash),
				 * frames (its top frames, one a line) */
	CT_QUERY_CLUSTER_CASES,	/* cases of cluster num: id, name, host,
				 * version, title, added_at */
	CT_QUERY_FAILED,	/* CT_VIEW_FAILED, a page, plus id */
	CT_QUERY_CASES,		/* CT_VIEW_CASES's columns, a page, newest
				 * first */
	CT_QUERY_CASE,		/* the CT_VIEW_CASES row of case num */
	CT_QUERY_CASE_MATCHES,	/* matches of case num, best first: rule_id,
				 * title, score, passes, verdict, fixed_in,
				 * workaround, why (one line each) */
	CT_QUERY_SAME_SIGNATURE, /* cases whose signature hash is key: id,
				 * name, status, title, cluster */
	CT_QUERY_ISSUE_VERSIONS, /* versions of the cases of rule key: version
				 * (or "unknown"), cases, affected, fixed,
				 * version_unknown; most cases first */
	CT_QUERY_ISSUES_VERSIONS, /* every known issue's versions: rule_id,
				 * versions (", "-separated, sorted) */
	CT_QUERY_INPUT_BY_SHA,	/* the input of content hash key (sha256,
				 * hex): input_id, path, kind, size, status,
				 * error, added_at */
	CT_QUERY_INPUT,		/* the same row of input num */
	CT_QUERY_INPUT_CASES,	/* cases of input num, in order: id, name,
				 * status, title, cluster */
	CT_QUERY_MAX,
};

/* What a query is about; unused members are ignored. */
struct ct_query_args {
	const char *key;	/* a rule id or signature hash */
	int64_t num;		/* a case or cluster id, or the time now */
	size_t limit;		/* rows, 0 = all */
	size_t offset;		/* rows skipped first */
};

/*
 * ct_results_query - run query q with args over db, calling fn for each
 * row (values may be NULL; return non-zero to stop).  Return: NULL, a
 * CT_ERROR_INVALID_ARGUMENT error for q out of range, or the database's
 * error naming its file.
 */
struct ct_error *ct_results_query(struct ct_results *db, enum ct_query q,
				  const struct ct_query_args *args,
				  ct_results_row_fn fn, void *arg);

/*
 * ct_results_input_of_file - the stored input whose content is the file
 * at path (by its SHA-256, as batch keys inputs): *ret_id, or -1 when no
 * input has that content.  Return: NULL, a CT_ERROR_OS error naming path
 * when it cannot be read, or the database's error.
 */
struct ct_error *ct_results_input_of_file(struct ct_results *db,
					  const char *path, int64_t *ret_id);

#endif /* CT_DB_QUERY_H */
