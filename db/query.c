/* SPDX-License-Identifier: MIT */
/*
 * query.c - the dashboard's read-only queries (see query.h).  Every query
 * is one statement with the same four parameters, so that one runner
 * binds them all: ?1 the key, ?2 the number, ?3 the row limit (-1: all),
 * ?4 the offset.  A case list has the columns of the report view
 * CT_VIEW_CASES, so that a page and `report --json` show the same keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "analyzer/sha256.h"
#include "analyzer/source.h"
#include "db/query.h"
#include "db/results-internal.h"

/* Binds ?1..?4 first, whether a query uses them or not. */
#define ARGS "WITH args (k, n, l, o) AS (SELECT ?1, ?2, ?3, ?4) "
#define PAGE " LIMIT ?3 OFFSET ?4"
#define DAY "86400"
#define WEEK "604800"
/* CT_VIEW_CASES's columns, for the cases a WHERE picks */
#define CASE_ROW \
	"SELECT c.id, i.path AS input, c.name, c.bundle, c.status,"	\
	" c.error, c.host, c.product, c.version, s.hash AS signature,"	\
	" s.title, m.rule_id, m.verdict, m.score,"			\
	" c.cluster_id AS cluster, c.added_at"				\
	" FROM cases c JOIN inputs i ON i.id = c.input_id"		\
	" LEFT JOIN signatures s ON s.case_id = c.id"			\
	" LEFT JOIN matches m ON m.case_id = c.id AND m.ord = 0"	\
	"  AND m.passes = 1 AND c.status = 'known'"

static const char *const queries[CT_QUERY_MAX] = {
	[CT_QUERY_NEW] = ARGS
		"SELECT"
		" (SELECT count(*) FROM cases WHERE added_at > ?2 - " DAY ")"
		"  AS cases_day,"
		" (SELECT count(*) FROM cases WHERE added_at > ?2 - " WEEK ")"
		"  AS cases_week,"
		" (SELECT count(*) FROM cases WHERE status = 'known'"
		"  AND added_at > ?2 - " DAY ") AS known_day,"
		" (SELECT count(*) FROM cases WHERE status = 'known'"
		"  AND added_at > ?2 - " WEEK ") AS known_week,"
		" (SELECT count(*) FROM cases WHERE status = 'unknown'"
		"  AND added_at > ?2 - " DAY ") AS unknown_day,"
		" (SELECT count(*) FROM cases WHERE status = 'unknown'"
		"  AND added_at > ?2 - " WEEK ") AS unknown_week,"
		" (SELECT count(*) FROM clusters k JOIN cases c"
		"  ON c.id = k.first_case_id WHERE c.added_at > ?2 - " DAY ")"
		"  AS clusters_day,"
		" (SELECT count(*) FROM clusters k JOIN cases c"
		"  ON c.id = k.first_case_id WHERE c.added_at > ?2 - " WEEK ")"
		"  AS clusters_week,"
		" (SELECT count(*) FROM (SELECT m.rule_id FROM matches m"
		"  JOIN cases c ON c.id = m.case_id WHERE m.ord = 0"
		"  AND m.passes = 1 AND c.status = 'known' GROUP BY m.rule_id"
		"  HAVING min(c.added_at) > ?2 - " WEEK ")) AS issues_week",
	[CT_QUERY_DATA_VERSION] = ARGS
		"SELECT data_version FROM pragma_data_version()",
	[CT_QUERY_ISSUE_CASES] = ARGS
		"SELECT c.id, c.name, c.host, c.version, m.verdict, m.score,"
		" s.title, c.added_at FROM matches m"
		" JOIN cases c ON c.id = m.case_id"
		" LEFT JOIN signatures s ON s.case_id = c.id"
		" WHERE m.rule_id = ?1 AND m.ord = 0 AND m.passes = 1"
		" AND c.status = 'known' ORDER BY m.case_id DESC" PAGE,
	[CT_QUERY_CLUSTER] = ARGS
		"SELECT id AS cluster, frames FROM clusters WHERE id = ?2",
	[CT_QUERY_CLUSTER_FRAMES] = ARGS
		"SELECT id AS cluster, signature_hash AS hash, frames"
		" FROM clusters ORDER BY id",
	[CT_QUERY_CLUSTER_CASES] = ARGS
		"SELECT c.id, c.name, c.host, c.version, s.title, c.added_at"
		" FROM cases c LEFT JOIN signatures s ON s.case_id = c.id"
		" WHERE c.cluster_id = ?2 ORDER BY c.id DESC" PAGE,
	[CT_QUERY_FAILED] = ARGS
		"SELECT c.id, i.path AS input, c.name AS 'case', c.error"
		" FROM cases c JOIN inputs i ON i.id = c.input_id"
		" WHERE c.status = 'failed' ORDER BY c.id DESC" PAGE,
	[CT_QUERY_CASES] = ARGS CASE_ROW
		" WHERE c.id IN (SELECT id FROM cases ORDER BY id DESC" PAGE ")"
		" ORDER BY c.id DESC",
	[CT_QUERY_CASE] = ARGS CASE_ROW " WHERE c.id = ?2",
	[CT_QUERY_CASE_MATCHES] = ARGS
		"SELECT rule_id, title, score, passes, verdict, fixed_in,"
		" workaround, why FROM matches WHERE case_id = ?2"
		" ORDER BY ord" PAGE,
	[CT_QUERY_SAME_SIGNATURE] = ARGS
		"SELECT c.id, c.name, c.status, s.title,"
		" c.cluster_id AS cluster FROM signatures s"
		" JOIN cases c ON c.id = s.case_id WHERE s.hash = ?1"
		" ORDER BY c.id DESC" PAGE,
	[CT_QUERY_ISSUE_VERSIONS] = ARGS
		"SELECT coalesce(c.version, 'unknown') AS version,"
		" count(*) AS cases, sum(m.verdict = 'affected') AS affected,"
		" sum(m.verdict = 'fixed') AS fixed,"
		" sum(m.verdict = 'version-unknown') AS version_unknown"
		" FROM matches m JOIN cases c ON c.id = m.case_id"
		" WHERE m.rule_id = ?1 AND m.ord = 0 AND m.passes = 1"
		" AND c.status = 'known' GROUP BY 1 ORDER BY 2 DESC, 1" PAGE,
	[CT_QUERY_ISSUES_VERSIONS] = ARGS
		"SELECT rule_id, group_concat(v, ', ') AS versions FROM"
		" (SELECT DISTINCT m.rule_id, c.version AS v FROM matches m"
		"  JOIN cases c ON c.id = m.case_id WHERE m.ord = 0"
		"  AND m.passes = 1 AND c.status = 'known'"
		"  AND c.version IS NOT NULL ORDER BY 1, 2)"
		" GROUP BY rule_id",
	[CT_QUERY_INPUT_BY_SHA] = ARGS
		"SELECT id AS input_id, path, kind, size, status, error,"
		" added_at FROM inputs WHERE sha256 = ?1",
	[CT_QUERY_INPUT] = ARGS
		"SELECT id AS input_id, path, kind, size, status, error,"
		" added_at FROM inputs WHERE id = ?2",
	[CT_QUERY_INPUT_CASES] = ARGS
		"SELECT c.id, c.name, c.status, s.title,"
		" c.cluster_id AS cluster FROM cases c"
		" LEFT JOIN signatures s ON s.case_id = c.id"
		" WHERE c.input_id = ?2 ORDER BY c.id" PAGE,
};

struct ct_error *ct_results_query(struct ct_results *db, enum ct_query q,
				  const struct ct_query_args *args,
				  ct_results_row_fn fn, void *arg)
{
	if ((unsigned)q >= CT_QUERY_MAX)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT,
				       "no dashboard query %d", (int)q);
	int64_t limit = args->limit && args->limit < INT64_MAX ?
			(int64_t)args->limit : -1;
	int64_t offset = args->offset < INT64_MAX ? (int64_t)args->offset : 0;
	return ct_results_select(db, fn, arg, queries[q], "tiii", args->key,
				 args->num, limit, offset);
}

/* A ct_results_row_fn keeping the first column of the first row as an
 * id in *(int64_t *)arg. */
static int first_id(void *arg, size_t ncols, const char *const *names,
		    const char *const *values)
{
	(void)names;
	if (ncols && values[0])
		*(int64_t *)arg = strtoll(values[0], NULL, 10);
	return 1;
}

struct ct_error *ct_results_input_of_file(struct ct_results *db,
					  const char *path, int64_t *ret_id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_os(errno, path, "cannot open");
	struct ct_sha256 h;
	ct_sha256_init(&h);
	char buf[1 << 16];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return ct_error_os(e, path, "cannot read");
		}
		if (n == 0)
			break;
		ct_sha256_update(&h, buf, (size_t)n);
	}
	close(fd);
	unsigned char d[32];
	char sha[65];
	ct_sha256_final(&h, d);
	ct_sha256_hex(d, sha);
	*ret_id = -1;
	struct ct_query_args a = { .key = sha };
	return ct_results_query(db, CT_QUERY_INPUT_BY_SHA, &a, first_id,
				ret_id);
}
