/* SPDX-License-Identifier: MIT */
/*
 * results.h - the results store of `crashtriage batch`: inputs, cases and
 * everything analysed from them, in one SQLite file.
 *
 * Tables (schema_version holds the version; older files are migrated in
 * place when opened for writing, newer ones refused):
 *   inputs        one row per input (a file, an archive, or an unpacked
 *                 bundle folder) by content hash (sha256, unique), with its
 *                 path, size, kind, status ("reading", "done") and error
 *   stat_cache    path, size, mtime and inode -> content hash, so that a
 *                 rerun does not read a stored input again
 *   cases         one row per case of an input: member (unique within the
 *                 input), status (known, unknown, no-crash, unrecognised,
 *                 failed), error, bundle kind, host, product, version,
 *                 panic, cluster
 *   case_inputs, facts, backtraces, frames, events, event_fields,
 *   findings, notes
 *                 the case model, normalised, so that a case can be rebuilt
 *                 (ct_results_rematch) without reading its inputs again
 *   signatures    hash, title and top normalised frames of a case
 *   matches       known-issue candidates with score, verdict, fix
 *   clusters      groups of unknown cases (see ct_results_store_case)
 *
 * Durability: WAL mode with synchronous = NORMAL; one connection writes.
 * A case is stored in one transaction, its own or a group's the caller
 * opened (ct_results_begin); an input is marked done in the same
 * transaction as its last case or a later one.  A process killed at any
 * moment (kill -9) leaves every committed transaction and whole cases
 * only: the rerun skips the cases already stored and finishes the input.
 * On power loss or an OS crash, the transactions committed since the
 * last checkpoint may be lost (NORMAL does not sync the WAL at each
 * commit), always the latest ones and whole: the file stays consistent
 * and the rerun redoes them.
 *
 * This is, with kb.c, the only code that includes sqlite3.h; all SQL binds
 * its parameters.
 */
#ifndef CT_DB_RESULTS_H
#define CT_DB_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"
#include "rules/match.h"

#define CT_RESULTS_SCHEMA_VERSION 6

/* Clusters of unknown cases: chosen by analyzer/cluster.c (see
 * analyzer/cluster.h), stored here. */

struct ct_results;

/*
 * ct_results_open - open (create if missing) a results database for
 * writing.  The handle may pass between threads but never be used by two
 * at once (SQLite's own mutexes are off: the caller serialises, as batch
 * does for its reader and writer).
 * Sets WAL mode and a busy timeout; migrates an older schema;
 * a newer schema gives CT_ERROR_UNSUPPORTED; a file that is no results
 * database gives CT_ERROR_CORRUPT.  Free with ct_results_close().
 */
struct ct_error *ct_results_open(const char *path, struct ct_results **ret);
/*
 * ct_results_open_readonly - open an existing results database for the
 * report views only (SQLITE_OPEN_READONLY): nothing is created, migrated
 * or written, so a read-only file or folder is fine.  A missing file, an
 * empty one or any file that is no results database gives an error
 * naming the file (CT_ERROR_CORRUPT); a newer schema
 * CT_ERROR_UNSUPPORTED.  Free with ct_results_close().
 */
struct ct_error *ct_results_open_readonly(const char *path,
					  struct ct_results **ret);
/* Same, for tests: a new file is created at schema version `version`. */
struct ct_error *ct_results_open_version(const char *path, int version,
					 struct ct_results **ret);
void ct_results_close(struct ct_results *db);
/* Schema version of the file as opened (before migrations; 0 if new). */
int ct_results_file_version(const struct ct_results *db);

/* ---- inputs ------------------------------------------------------------- */

/* stat cache: *ret_found says whether path with this size, mtime and inode
 * has a known content hash (copied into ret_sha, 64 hex + NUL). */
struct ct_error *ct_results_stat_lookup(struct ct_results *db,
					const char *path, uint64_t size,
					int64_t mtime_ns, uint64_t inode,
					char ret_sha[65], bool *ret_found);
struct ct_error *ct_results_stat_store(struct ct_results *db,
				       const char *path, uint64_t size,
				       int64_t mtime_ns, uint64_t inode,
				       const char *sha);

/*
 * ct_results_input_begin - find or add the input with content hash sha.
 * *ret_id is its row id; *ret_done is true when it was completely stored
 * before (nothing to do).  A new input starts with status "reading".
 */
struct ct_error *ct_results_input_begin(struct ct_results *db,
					const char *sha, const char *path,
					uint64_t size, const char *kind,
					int64_t *ret_id, bool *ret_done);
/* Mark an input done, with the first error met (or NULL). */
struct ct_error *ct_results_input_finish(struct ct_results *db, int64_t id,
					 const char *error);
/* Whether a case with this member is already stored for the input. */
struct ct_error *ct_results_case_exists(struct ct_results *db,
					int64_t input_id, const char *member,
					bool *ret);
/*
 * ct_results_rename_input - the input stored with path from is named by
 * the path make_name() makes of its id instead (serve's uploads: the
 * temporary file they were classified from is gone, the name the user
 * gave it stays): its row, its cases' names and their inputs' paths
 * (from itself or "from!member"), in one transaction; the stat cache
 * forgets from.  Nothing is renamed when no input has path from (the
 * content was stored before, under its first path).  *ret_id is the
 * input's id, or -1.
 */
struct ct_error *ct_results_rename_input(struct ct_results *db,
					 const char *from,
					 char *(*make_name)(int64_t id,
							    void *arg),
					 void *arg, int64_t *ret_id);
/* Whether any case is stored for the input (none: no case of it need be
 * looked up with ct_results_case_exists). */
struct ct_error *ct_results_input_has_cases(struct ct_results *db,
					    int64_t input_id, bool *ret);

/* What the store needs to know about a case besides the case model. */
struct ct_results_case {
	int64_t input_id;
	const char *member;	/* unique within the input */
	const char *name;	/* display path */
	const char *bundle;	/* "vm-support", "sosreport", ... or NULL */
	const char *error;	/* for a failed case: why; else NULL */
	const struct ct_case *c; /* analysed case, NULL for a failed one */
};

/*
 * ct_results_begin - open a transaction (BEGIN IMMEDIATE) that the stores
 * and input marks after it join, until ct_results_commit(): a group of
 * cases costs one commit.  Error: the database's (busy, I/O).
 */
struct ct_error *ct_results_begin(struct ct_results *db);
/* ct_results_commit - commit the transaction; on failure it is rolled
 * back (nothing of it is stored) and the error returned. */
struct ct_error *ct_results_commit(struct ct_results *db);

/*
 * ct_results_store_case - store a case, its model, signature, matches and
 * cluster in one transaction: its own, or the one ct_results_begin()
 * opened.  Status: "failed" when rc->error, else "known" when c->known,
 * "unknown" when c has a signature, "no-crash" when something was
 * recognised, else "unrecognised".  On error the transaction is rolled
 * back, a group's too: no case is ever stored in part.
 */
struct ct_error *ct_results_store_case(struct ct_results *db,
				       const struct ct_results_case *rc);

/*
 * ct_results_rematch - rebuild every analysed case from its stored model,
 * sign it and match it against kb again, and replace signatures, matches,
 * statuses and clusters, in one transaction.  *ret_count: cases rematched.
 */
struct ct_error *ct_results_rematch(struct ct_results *db,
				    const struct ct_kb *kb, size_t *ret_count);

/*
 * ct_results_recluster - put every unknown case into clusters again, in
 * order of case id, from its stored signature (no rebuild, no rules): what
 * `crashtriage merge` does after folding shards.  *ret_count: the cases.
 */
struct ct_error *ct_results_recluster(struct ct_results *db,
				      size_t *ret_count);

/* Rebuild one stored case (for tests); free with ct_case_destroy(). */
struct ct_error *ct_results_load_case(struct ct_results *db, int64_t case_id,
				      struct ct_case **ret);

/* ---- reports ------------------------------------------------------------ */

enum ct_results_view {
	CT_VIEW_TOTALS,		/* one row: inputs, cases, known, unknown,
				 * no_crash, unrecognised, failed, clusters */
	CT_VIEW_KNOWN,		/* rule_id, title, cases, affected, fixed,
				 * version_unknown */
	CT_VIEW_CLUSTERS,	/* cluster, size, first_seen, last_seen,
				 * hosts, versions, title, nearest,
				 * seen_from: "evidence" when first and
				 * last seen are the crash times in the
				 * evidence (a dump's crash time, else the
				 * latest dated event), "stored" when they
				 * are storage times (no case had a time),
				 * "mixed" */
	CT_VIEW_FAILED,		/* input, case, error */
	CT_VIEW_CASES,		/* one row per case: id, input, name,
				 * bundle, status, error, host, product,
				 * version, signature, title, rule_id,
				 * verdict, score, cluster, added_at */
	CT_VIEW_VERSIONS,	/* version, cases */
	CT_VIEW_TIMELINE,	/* day (of the crash by the evidence, else
				 * of storage), cases, from_evidence (of
				 * them, dated by their evidence) */
	CT_VIEW_MAX,
};

/* Called per row; values may be NULL (SQL NULL).  Return non-zero to
 * stop. */
typedef int (*ct_results_row_fn)(void *arg, size_t ncols,
				 const char *const *names,
				 const char *const *values);

/* Run one report view over db, calling fn for each row. */
struct ct_error *ct_results_view(struct ct_results *db,
				 enum ct_results_view view, size_t limit,
				 ct_results_row_fn fn, void *arg);

#endif /* CT_DB_RESULTS_H */
