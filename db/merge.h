/* SPDX-License-Identifier: MIT */
/*
 * merge.h - fold the results databases of `crashtriage batch --shard K/N`
 * runs into one (`crashtriage merge`).
 *
 * The result is the union of the target (when it exists) and every
 * shard, deduplicated by content: an input by its content hash, a case
 * by its input's content hash and its member name; every table of the
 * case model (case inputs, facts, backtraces, frames, events and their
 * fields, findings, notes, signatures, matches) comes with its case.
 * It is rebuilt in one canonical order (inputs by path and content hash,
 * cases by input and member), so that merging the same shards in any
 * order, or a shard twice, gives the same database; then the unknown
 * cases are clustered again across all shards (a crash seen in two
 * shards ends in one cluster).  The stat cache is not merged: its paths
 * are the machines' own.
 *
 * Every shard must be a results database of this crashtriage's schema
 * version (CT_RESULTS_SCHEMA_VERSION): another version is refused,
 * naming the file.  The target is written to a temporary file in its
 * folder and renamed into place, under the same lock `batch` takes.
 */
#ifndef CT_DB_MERGE_H
#define CT_DB_MERGE_H

#include <stddef.h>

#include "analyzer/crashtriage.h"

/* What a merge did. */
struct ct_merge_stats {
	size_t shards;		/* shard databases read */
	size_t inputs;		/* inputs in the result */
	size_t cases;		/* cases in the result */
	size_t cases_before;	/* of them, in the target before */
	size_t clustered;	/* unknown cases clustered */
	size_t clusters;	/* clusters in the result */
};

/*
 * ct_merge_shards - merge the nshards databases at shards into the
 * results database at path (created if missing; an older schema is
 * migrated).  A shard that is the target itself is skipped.
 * Return: NULL with *ret filled; CT_ERROR_UNSUPPORTED for a shard of
 * another schema version, CT_ERROR_CORRUPT for a file that is no results
 * database, CT_ERROR_OS when the target cannot be written or another
 * batch or merge holds its lock.  On error the target is unchanged.
 */
struct ct_error *ct_merge_shards(const char *path, char *const *shards,
				 size_t nshards, struct ct_merge_stats *ret);

#endif /* CT_DB_MERGE_H */
