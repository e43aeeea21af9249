/* SPDX-License-Identifier: MIT */
/*
 * kb.h - the compiled knowledge base: known-issue rules in SQLite.
 *
 * `crashtriage kb build` writes every rule of a struct ct_kb into one
 * SQLite file (tables rule, reference, signal, signal_item, version,
 * version_line, example, and the FTS5 table rule_fts), inside a single
 * transaction, then renames it into place.  A schema_version table holds
 * the schema's version; a file of an older version is read through the
 * migrations (applied to an in-memory copy, the file is never written),
 * a newer one is refused.  Loading a compiled knowledge base gives the
 * same rules, validated by the same code (ct_rule_finish()), as loading
 * the YAML it was built from.
 *
 * This is the only code that includes sqlite3.h; all SQL binds its
 * parameters.
 */
#ifndef CT_DB_KB_H
#define CT_DB_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/crashtriage.h"
#include "rules/match.h"

/* Version of the schema this build writes and reads. */
#define CT_KB_DB_SCHEMA_VERSION 4

/* An open compiled knowledge base (read-only). */
struct ct_kb_db;

/* One result of a full-text search. */
struct ct_kb_hit {
	char *id;
	char *title;
	double rank;		/* bm25: lower is better */
	char *snippet;		/* matched words in [brackets], or NULL */
};

/*
 * ct_kb_db_build - compile kb into a new SQLite file at path.
 * The file is written under a temporary name and renamed over path when
 * complete, so a failed build leaves any previous file alone.
 */
struct ct_error *ct_kb_db_build(const struct ct_kb *kb, const char *path);

/* Same, writing schema version `version` (1..CT_KB_DB_SCHEMA_VERSION):
 * for testing migrations. */
struct ct_error *ct_kb_db_build_version(const struct ct_kb *kb,
					const char *path, int version);

/* True if path starts with the SQLite file header. */
bool ct_kb_db_is_sqlite(const char *path);

/*
 * ct_kb_db_open - open a compiled knowledge base read-only.
 * An older schema is migrated in memory; a newer one gives
 * CT_ERROR_UNSUPPORTED; a file without a schema_version table gives
 * CT_ERROR_CORRUPT.  Free with ct_kb_db_close().
 */
struct ct_error *ct_kb_db_open(const char *path, struct ct_kb_db **ret);

/* Compile kb into an in-memory database (for searching any source). */
struct ct_error *ct_kb_db_from_kb(const struct ct_kb *kb,
				  struct ct_kb_db **ret);

void ct_kb_db_close(struct ct_kb_db *db);

/* Schema version of the file as it was opened (before migrations). */
int ct_kb_db_file_version(const struct ct_kb_db *db);

/*
 * ct_kb_db_read - load every rule of db into a new struct ct_kb whose
 * source is source (copied).  Each rule goes through ct_rule_finish();
 * a rule that does not validate fails the whole load (a compiled file was
 * checked when it was built: a bad row means a damaged file).
 */
struct ct_error *ct_kb_db_read(struct ct_kb_db *db, const char *source,
			       struct ct_kb **ret);

/* ct_kb_db_open() + ct_kb_db_read() + ct_kb_db_close(). */
struct ct_error *ct_kb_db_load(const char *path, struct ct_kb **ret);

/*
 * ct_kb_db_search - rank rules for pasted text (a backtrace line, a log
 * line, a few words) with FTS5 over ids, titles, summaries, frame names
 * and patterns.  Words of three or more letters are taken from text
 * (numbers, hex and gdb filler dropped) and any of them may match;
 * frame-name and pattern hits weigh most.  *ret (may be empty) is owned
 * by the caller: ct_kb_hits_free().
 */
struct ct_error *ct_kb_db_search(struct ct_kb_db *db, const char *text,
				 size_t limit, struct ct_kb_hit **ret,
				 size_t *ret_count);

void ct_kb_hits_free(struct ct_kb_hit *hits, size_t count);

#endif /* CT_DB_KB_H */
