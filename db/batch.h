/* SPDX-License-Identifier: MIT */
/*
 * batch.h - the batch engine: classify folders, files and archives into a
 * results database (db/results.h).  `crashtriage batch` parses its options,
 * drives this engine and prints; the engine never prints.
 *
 * The PATHs are listed on disk first.  Every unpacked support bundle
 * folder is one input; every other file (a loose log, an archive) is one
 * input.  An input is known by its content hash, through a stat cache; a
 * stored input is skipped.  A new input is read through analyzer/source.c
 * (names first, to find its bundles, then the data; an archive is
 * inflated once, its entries kept in a spool file), its entries grouped
 * into cases (a bundle is one case, any other entry a case of its own,
 * vm-support NAME.FRAG-NNNNN fragments joined), each case analysed,
 * matched and stored whole.  With jobs > 1, the calling thread reads
 * inputs, jobs threads analyse cases and one writer thread stores them in
 * the order they were completed; with one job, the batch uses one core:
 * the calling thread reads and stores, and waits while one analysis
 * thread works.  The database is the same for every number of jobs.
 * Cases are committed in groups, one transaction each: a kill
 * loses at most the last group, never part of a case, and an input is
 * marked done only with or after its last case.  A case whose analysis
 * goes over case_timeout is stored failed and its thread left to finish.
 *
 * A batch is used by one thread (the one that created it).
 */
#ifndef CT_DB_BATCH_H
#define CT_DB_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

struct ct_kb;
struct ct_batch;

/* What a batch has done so far. */
struct ct_batch_stats {
	size_t inputs_new;	/* inputs read and stored by this batch */
	size_t inputs_stored;	/* inputs skipped: stored by an earlier run */
	size_t cases;		/* cases stored */
	size_t failed;		/* of them failed, plus unreadable PATHs
				 * stored by an earlier run */
	size_t files;		/* entries read */
	size_t unread;		/* bundle members skipped (not read) */
	uint64_t bytes;		/* bytes of the entries read */
	uint64_t disk_total;	/* bytes on disk of every input */
	uint64_t disk_done;	/* of the inputs finished */
	uint64_t disk_now;	/* of the input being read */
};

struct ct_batch_options {
	/* rules to match cases against, or NULL; must stay valid until
	 * ct_batch_has_abandoned() is false (a given-up analysis may still
	 * use it after ct_batch_destroy()) */
	const struct ct_kb *kb;
	size_t jobs;		/* analysis threads beside the reader
				 * and the writer; 0 or 1: one core, the
				 * stages in turn */
	bool recheck;		/* hash every input, no stat cache lookups */
	bool follow_links;	/* follow links in a folder to files outside */
	unsigned case_timeout;	/* seconds a case's analysis (or the read of
				 * one member) may take, 0 = no limit */
	uint64_t max_member;	/* largest file or member read, 0 = the
				 * default of analyzer/source.h */
	/* Shard shard of shards (0 <= shard < shards; shards <= 1: all):
	 * only this share of the inputs is read and stored.  An input is
	 * in shard SHA % shards (SHA: the first 64 bits of its content
	 * hash, the one the store keys it by); an archive is read by every
	 * shard, and each case in it (a member, a bundle, a folder) is in
	 * shard H(archive's content hash, member name) % shards, since a
	 * member's content is not known before it is read.  Every input
	 * and case is in exactly one shard, whatever machine runs it. */
	unsigned shard, shards;
	/* Called on the calling thread as the batch goes (after each entry
	 * and case), with final false; may be NULL.  The callee decides
	 * how often to show anything. */
	void (*progress)(void *arg, const struct ct_batch_stats *stats,
			 bool final);
	/* Called on the calling thread with a message about a PATH that is
	 * skipped or cannot be read (the batch goes on, storing it as a
	 * failed input); may be NULL. */
	void (*warn)(void *arg, const char *msg);
	void *arg;		/* passed to progress and warn */
};

/* The jobs a batch runs when not told: the CPUs this process may run on
 * (taskset, a Slurm allocation, a container's cpuset), 1 to 256. */
unsigned ct_batch_default_jobs(void);

/*
 * ct_batch_create - take the write lock of the results database db_path
 * (flock(2) on the file, created if missing: one batch writes a database
 * at a time) and open it (ct_results_open()).  opts is copied.  From
 * then on, no log of this process is scanned ahead on a thread of its
 * own (ct_multiscan_set_ahead(SIZE_MAX)): the workers are the batch's
 * parallelism, and -j1 promises one core.
 * Return: NULL with *ret set (free with ct_batch_destroy()); an
 * CT_ERROR_OS error when the file cannot be opened or another batch holds
 * the lock; the error of ct_results_open().
 */
struct ct_error *ct_batch_create(const char *db_path,
				 const struct ct_batch_options *opts,
				 struct ct_batch **ret);

/* ct_batch_destroy - wait for the analysis threads, close the database,
 * release the lock.  NULL does nothing. */
void ct_batch_destroy(struct ct_batch *b);

/*
 * ct_batch_rematch - recompute signatures, matches and clusters of every
 * stored case with opts->kb, without reading inputs (ct_results_rematch()).
 * *ret_count: the cases rematched.
 */
struct ct_error *ct_batch_rematch(struct ct_batch *b, size_t *ret_count);

/*
 * ct_batch_add_paths - read every input under the npaths paths (folders,
 * files, archives) not stored yet, and store its cases.  A path that
 * cannot be read is stored as a failed input (and reported to
 * opts->warn).  Return: NULL when the batch completed (cases may have
 * failed: see the stats); an error (database, no memory) when it did not,
 * in which case a rerun continues where it stopped.
 */
struct ct_error *ct_batch_add_paths(struct ct_batch *b, char *const *paths,
				    size_t npaths);

/* ct_batch_get_stats - the totals so far, into *ret. */
void ct_batch_get_stats(const struct ct_batch *b,
			struct ct_batch_stats *ret);

/* ct_batch_shard_of - the shard (of shards) an input of content hash
 * sha (64 hex digits) is in, or with member, the shard of that case of
 * an archive (see ct_batch_options.shard). */
unsigned ct_batch_shard_of(const char *sha, const char *member,
			   unsigned shards);

/* ct_batch_has_abandoned - whether analyses given up over case_timeout
 * still run in their threads: their knowledge base must not be freed. */
bool ct_batch_has_abandoned(void);

#endif /* CT_DB_BATCH_H */
