/* SPDX-License-Identifier: MIT */
/*
 * results.c - the results store of `crashtriage batch` (see results.h):
 * schema and migrations, inputs and the stat cache, one transaction per
 * case, clustering of unknown cases, rematching from the stored model,
 * and the report views.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "analyzer/cluster.h"
#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "analyzer/frames.h"
#include "db/results.h"
#include "db/results-internal.h"
#include "db/sql.h"

/* Schema: migrations[v - 1] takes a file from version v - 1 to v. */
/* When a case's crash happened, by its evidence (Unix seconds, NULL when
 * the evidence has no wall-clock time): a kernel dump's crash time
 * (vmcore.crash_time), else its latest event with a date and time (ISO
 * 8601 stamps; a syslog stamp has no year and a dmesg stamp counts from
 * boot, so neither is one).  Stored with the case (cases.evidence_time),
 * so that views need not read every case's events again. */
#define EVIDENCE_TIME(id)                                                    \
	"coalesce((SELECT unixepoch(max(f.value)) FROM facts f"              \
	" WHERE f.case_id = " id " AND f.key = 'vmcore.crash_time'),"        \
	" (SELECT max(unixepoch(e.timestamp)) FROM events e"                 \
	" WHERE e.case_id = " id "))"

static const char *const migrations[] = {
	/* 1: everything */
	"CREATE TABLE schema_version (version INTEGER NOT NULL);"
	"INSERT INTO schema_version VALUES (0);"
	"CREATE TABLE inputs ("
	" id INTEGER PRIMARY KEY,"
	" sha256 TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"		/* file, archive, folder */
	" status TEXT NOT NULL,"	/* reading, done */
	" error TEXT,"
	" added_at INTEGER NOT NULL,"
	" done_at INTEGER);"
	"CREATE TABLE stat_cache ("
	" path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
	" mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL);"
	"CREATE TABLE clusters ("
	" id INTEGER PRIMARY KEY,"
	" signature_hash TEXT NOT NULL,"
	" frames TEXT NOT NULL,"	/* top frames, one per line */
	" first_case_id INTEGER NOT NULL);"
	"CREATE TABLE cases ("
	" id INTEGER PRIMARY KEY,"
	" input_id INTEGER NOT NULL REFERENCES inputs(id),"
	" member TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" bundle TEXT,"
	" status TEXT NOT NULL,"
	" error TEXT,"
	" host TEXT, product TEXT, version TEXT,"
	" panic_kind TEXT, panic_message TEXT, panic_exception TEXT,"
	" panic_context TEXT, panic_cpu TEXT, panic_input INTEGER,"
	" panic_line INTEGER,"
	" cluster_id INTEGER REFERENCES clusters(id),"
	" added_at INTEGER NOT NULL,"
	" UNIQUE (input_id, member));"
	"CREATE TABLE case_inputs (case_id INTEGER NOT NULL, ord INTEGER "
	" NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, kinds INTEGER "
	" NOT NULL, error TEXT, PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE TABLE facts (case_id INTEGER NOT NULL, ord INTEGER NOT NULL,"
	" key TEXT NOT NULL, value TEXT NOT NULL, input_ord INTEGER, line "
	" INTEGER, PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE TABLE backtraces (case_id INTEGER NOT NULL, ord INTEGER NOT "
	" NULL, label TEXT, crashing INTEGER NOT NULL, input_ord INTEGER, "
	" line INTEGER, PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE TABLE frames (case_id INTEGER NOT NULL, bt_ord INTEGER NOT "
	" NULL, ord INTEGER NOT NULL, function TEXT, normalized TEXT, module "
	" TEXT, file TEXT, source_line INTEGER, address INTEGER, offset "
	" INTEGER, flags INTEGER NOT NULL, number INTEGER,"
	" PRIMARY KEY (case_id, bt_ord, ord)) WITHOUT ROWID;"
	"CREATE TABLE events (case_id INTEGER NOT NULL, ord INTEGER NOT NULL,"
	" kind TEXT NOT NULL, timestamp TEXT, text TEXT, input_ord INTEGER,"
	" line INTEGER, PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE TABLE event_fields (case_id INTEGER NOT NULL, event_ord "
	" INTEGER NOT NULL, ord INTEGER NOT NULL, name TEXT NOT NULL, value "
	" TEXT, PRIMARY KEY (case_id, event_ord, ord)) WITHOUT ROWID;"
	"CREATE TABLE findings (case_id INTEGER NOT NULL, ord INTEGER NOT "
	" NULL, kind TEXT, type TEXT, member TEXT, address INTEGER, element "
	" INTEGER, reason TEXT, input_ord INTEGER, line INTEGER,"
	" PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE TABLE notes (case_id INTEGER NOT NULL, ord INTEGER NOT NULL,"
	" text TEXT NOT NULL, PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE TABLE signatures (case_id INTEGER PRIMARY KEY, hash TEXT NOT "
	" NULL, title TEXT, frames TEXT NOT NULL);"
	"CREATE TABLE matches (case_id INTEGER NOT NULL, ord INTEGER NOT "
	" NULL, rule_id TEXT NOT NULL, title TEXT, score REAL NOT NULL, "
	" passes INTEGER NOT NULL, verdict TEXT, fixed_in TEXT, workaround "
	" TEXT, why TEXT, PRIMARY KEY (case_id, ord)) WITHOUT ROWID;"
	"CREATE INDEX signatures_hash ON signatures (hash);",
	/* 2: report queries by status and cluster */
	"CREATE INDEX cases_status ON cases (status);"
	"CREATE INDEX cases_cluster ON cases (cluster_id);"
	"CREATE INDEX matches_rule ON matches (rule_id);",
	/* 3: the structure a walk finding was found in */
	"ALTER TABLE findings ADD COLUMN structure TEXT;",
	/* 4: the report's type as the extractor read it from the text (a
	 * rebuilt case has no text to read it from again) */
	"ALTER TABLE cases ADD COLUMN panic_report_type TEXT;"
	"ALTER TABLE cases ADD COLUMN panic_guilty TEXT;"
	"ALTER TABLE cases ADD COLUMN panic_flags INTEGER;"
	"ALTER TABLE cases ADD COLUMN panic_guilty_frame INTEGER;"
	/* ... and the frame-name family each backtrace was marked with */
	"ALTER TABLE backtraces ADD COLUMN family TEXT;",
	/* 5: a known issue's cases newest first, a page at a time (serve's
	 * /issue/ID: 40 -> 1 ms for 13k cases of one issue) */
	"CREATE INDEX matches_best ON matches (rule_id, case_id)"
	" WHERE ord = 0 AND passes = 1;",
	/* 6: the evidence's own time of each case, stored (EVIDENCE_TIME) */
	"ALTER TABLE cases ADD COLUMN evidence_time INTEGER;"
	"UPDATE cases SET evidence_time = " EVIDENCE_TIME("cases.id") ";",
};

_Static_assert(CT_ARRAY_SIZE(migrations) == CT_RESULTS_SCHEMA_VERSION,
	       "one migration per schema version");

/* The tables of the case model (their inserts: insert_sql), then the
 * other statements run once per case or transaction, kept prepared. */
enum {
	ST_INPUT,
	ST_FACT,
	ST_BT,
	ST_FRAME,
	ST_EVENT,
	ST_FIELD,
	ST_FINDING,
	ST_NOTE,
	ST_MATCH,
	ST_COUNT,
	ST_CASE = ST_COUNT,
	ST_EXISTS,
	ST_SIGNATURE,
	ST_CLUSTER_SET,
	ST_NEXT_ID,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	CACHED_STATEMENTS,
};

/* Rows one insert statement of the case model takes at most. */
enum { MULTI_ROWS = 16 };

struct ct_results {
	sqlite3 *h;
	sqlite3_stmt *cached[CACHED_STATEMENTS]; /* prepared once, reused */
	/* inserts[t][n - 1]: the insert of n rows into table t (ST_*) */
	sqlite3_stmt *inserts[ST_COUNT][MULTI_ROWS];
	/* id of the next case in the open transaction, 0 = not read yet */
	int64_t next_case_id;
	char *path;
	int file_version;
	struct ct_clusters clusters;	/* cache of the clusters table */
	bool clusters_loaded;
};

/* ---- helpers ------------------------------------------------------------ */

/* First column of the first row as int64; *ret_found false if no row. */
static struct ct_error *query_int(struct ct_results *db, int64_t *ret,
				  bool *ret_found, const char *sql,
				  const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	struct ct_error *err = ct_sql_prepare_bound(db->h, db->path, sql, &st,
						    types, ap);
	va_end(ap);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	*ret_found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read");
	sqlite3_finalize(st);
	return err;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

/* ---- open, schema ------------------------------------------------------- */

static struct ct_error *read_version(struct ct_results *db, int *ret)
{
	int64_t n;
	bool found;
	struct ct_error *err = query_int(
		db, &n, &found, "SELECT count(*) FROM sqlite_master "
		"WHERE name = 'schema_version'", "");
	if (err)
		return err;
	if (!n) {
		err = query_int(db, &n, &found,
				"SELECT count(*) FROM sqlite_master", "");
		if (err)
			return err;
		if (n)
			return ct_error_corrupt(db->path, 0, "not a "
						"crashtriage results database "
						"(no schema_version table)");
		*ret = 0;
		return NULL;
	}
	/* a knowledge base has a schema_version too: look for our tables */
	err = query_int(db, &n, &found, "SELECT count(*) FROM sqlite_master "
			"WHERE type = 'table' AND name IN ('inputs', 'cases')",
			"");
	if (err)
		return err;
	if (n != 2)
		return ct_error_corrupt(db->path, 0, "not a crashtriage "
					"results database (no inputs and "
					"cases tables)");
	err = query_int(db, &n, &found, "SELECT version FROM schema_version",
			"");
	if (err)
		return err;
	if (!found || n < 0 || n > INT32_MAX)
		return ct_error_corrupt(db->path, 0, "bad schema version");
	*ret = (int)n;
	return NULL;
}

/* A database a newer crashtriage wrote is refused, not misread. */
static struct ct_error *refuse_newer(const struct ct_results *db,
				     const char *path)
{
	if (db->file_version <= CT_RESULTS_SCHEMA_VERSION)
		return NULL;
	return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
					   "results schema version %d is newer "
					   "than this crashtriage reads (%d)",
					   db->file_version,
					   CT_RESULTS_SCHEMA_VERSION),
			   path, 0, 0, false);
}

/* What every handle on a results database gets: defensive mode, a busy
 * timeout for the batch lock's neighbours, no trust in the schema. */
static struct ct_error *harden(struct ct_results *db)
{
	(void)sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_busy_timeout(db->h, 10000);
	return ct_sql_exec(db->h, db->path, "PRAGMA trusted_schema = OFF;");
}

static struct ct_error *migrate(struct ct_results *db, int from, int to)
{
	struct ct_error *err = ct_sql_exec(db->h, db->path, "BEGIN IMMEDIATE");
	if (err)
		return err;
	/* another writer may have migrated meanwhile: read again */
	err = read_version(db, &from);
	if (!err)
		err = ct_sql_migrate(db->h, db->path, migrations, from, to);
	if (!err)
		return ct_sql_exec(db->h, db->path, "COMMIT");
	struct ct_error *e2 = ct_sql_exec(db->h, db->path, "ROLLBACK");
	ct_error_destroy(e2);
	return err;

}

struct ct_error *ct_results_open_version(const char *path, int version,
					 struct ct_results **ret)
{
	if (version < 1 || version > CT_RESULTS_SCHEMA_VERSION)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT,
				       "no schema version %d", version);
	struct ct_results *db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return &ct_enomem;
	}
	struct ct_error *err = NULL;
	/* no mutex of SQLite's: the caller serialises (see results.h) */
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		err = ct_sql_error(db->h, db->path, "cannot open");
	if (!err)
		err = harden(db);
	/* before anything writes: a file that is not ours stays as it is */
	if (!err)
		err = read_version(db, &db->file_version);
	if (!err)
		err = ct_sql_exec(db->h, db->path, "PRAGMA journal_mode = WAL;"
			   "PRAGMA synchronous = NORMAL;"
			   "PRAGMA foreign_keys = ON;");
	if (!err)
		err = refuse_newer(db, path);
	if (!err && db->file_version < version)
		err = migrate(db, db->file_version, version);
	if (err) {
		ct_results_close(db);
		return err;
	}
	*ret = db;
	return NULL;
}


/* Open db->h read-only and read the schema version; immutable: through
 * a URI that tells SQLite the file does not change (no locks, no -shm). */
static struct ct_error *open_readonly(struct ct_results *db, const char *path,
				      bool immutable)
{
	struct ct_error *err = NULL;
	char *uri = NULL;
	if (immutable) {
		struct ct_strbuf sb = CT_STRBUF_INIT;
		ct_strbuf_puts(&sb, "file:");
		for (const char *p = path; *p; p++) {
			if (*p == '%' || *p == '?' || *p == '#')
				ct_strbuf_appendf(&sb, "%%%02X",
						  (unsigned char)*p);
			else
				ct_strbuf_putc(&sb, *p);
		}
		ct_strbuf_puts(&sb, "?immutable=1");
		if (sb.failed) {
			ct_strbuf_deinit(&sb);
			return &ct_enomem;
		}
		uri = ct_strbuf_detach(&sb);
	}
	/* never SQLITE_OPEN_CREATE: a missing file stays missing */
	if (sqlite3_open_v2(uri ? uri : path, &db->h, SQLITE_OPEN_READONLY |
			    (uri ? SQLITE_OPEN_URI : 0), NULL) != SQLITE_OK)
		err = ct_sql_error(db->h, db->path, "cannot open");
	free(uri);
	if (!err)
		err = harden(db);
	/* readers (report, serve) scan whole tables: map the file instead
	 * of a pread per page through SQLite's 2 MB cache (serve's summaries
	 * of 100k cases spent two fifths of their time in pread) */
	if (!err)
		err = ct_sql_run(db->h, db->path, "PRAGMA mmap_size = 1073741824",
				 "");
	if (!err)
		err = read_version(db, &db->file_version);
	return err;
}

struct ct_error *ct_results_open_readonly(const char *path,
					  struct ct_results **ret)
{
	struct ct_results *db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return &ct_enomem;
	}
	struct ct_error *err = open_readonly(db, path, false);
	/* a WAL file in a folder we cannot write, with no -shm beside it,
	 * cannot be opened read-only; with no -wal file nothing is
	 * pending, and the file can be read as immutable */
	char *wal = NULL;
	if (err && err != &ct_enomem && asprintf(&wal, "%s-wal", path) >= 0 &&
	    access(path, R_OK) == 0 && access(wal, F_OK) != 0 &&
	    errno == ENOENT) {
		ct_error_destroy(err);
		sqlite3_close(db->h);
		db->h = NULL;
		err = open_readonly(db, path, true);
	}
	free(wal);
	if (!err && db->file_version == 0)
		err = ct_error_corrupt(path, 0, "not a crashtriage results "
				       "database (empty)");
	if (!err)
		err = refuse_newer(db, path);
	if (err) {
		ct_results_close(db);
		return err;
	}
	*ret = db;
	return NULL;
}

struct ct_error *ct_results_open(const char *path, struct ct_results **ret)
{
	return ct_results_open_version(path, CT_RESULTS_SCHEMA_VERSION, ret);
}

static void clusters_clear(struct ct_results *db)
{
	ct_clusters_deinit(&db->clusters);
	db->clusters_loaded = false;
}

void ct_results_close(struct ct_results *db)
{
	if (!db)
		return;
	for (int i = 0; i < CACHED_STATEMENTS; i++)
		sqlite3_finalize(db->cached[i]);
	for (int t = 0; t < ST_COUNT; t++)
		for (int n = 0; n < MULTI_ROWS; n++)
			sqlite3_finalize(db->inserts[t][n]);
	clusters_clear(db);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

int ct_results_file_version(const struct ct_results *db)
{
	return db->file_version;
}

/* ---- inputs ------------------------------------------------------------- */

struct ct_error *ct_results_stat_lookup(struct ct_results *db,
					const char *path, uint64_t size,
					int64_t mtime_ns, uint64_t inode,
					char ret_sha[65], bool *ret_found)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT sha256 FROM stat_cache "
				       "WHERE path = ? AND size = ? AND "
				       "mtime_ns = ? AND inode = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)size);
	sqlite3_bind_int64(st, 3, mtime_ns);
	sqlite3_bind_int64(st, 4, (int64_t)inode);
	int rc = sqlite3_step(st);
	*ret_found = false;
	if (rc == SQLITE_ROW) {
		const char *s = col_text(st, 0);
		if (s && strlen(s) == 64) {
			memcpy(ret_sha, s, 65);
			*ret_found = true;
		}
	} else if (rc != SQLITE_DONE) {
		err = ct_sql_error(db->h, db->path, "cannot read");
	}
	sqlite3_finalize(st);
	return err;
}

struct ct_error *ct_results_stat_store(struct ct_results *db,
				       const char *path, uint64_t size,
				       int64_t mtime_ns, uint64_t inode,
				       const char *sha)
{
	return ct_sql_run(db->h, db->path, "INSERT OR REPLACE INTO stat_cache (path, size, "
		   "mtime_ns, inode, sha256) VALUES (?, ?, ?, ?, ?)", "tuiut",
		   path, size, mtime_ns, inode, sha);
}

struct ct_error *ct_results_input_begin(struct ct_results *db,
					const char *sha, const char *path,
					uint64_t size, const char *kind,
					int64_t *ret_id, bool *ret_done)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT id, status FROM inputs "
				       "WHERE sha256 = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret_id = sqlite3_column_int64(st, 0);
		const char *status = col_text(st, 1);
		*ret_done = status && strcmp(status, "done") == 0;
		sqlite3_finalize(st);
		return NULL;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ct_sql_error(db->h, db->path, "cannot read");
	err = ct_sql_run(db->h, db->path, "INSERT INTO inputs (sha256, path, size, kind, status, "
		  "added_at) VALUES (?, ?, ?, ?, 'reading', ?)", "ttuti", sha,
		  path, size, kind, now());
	if (err)
		return err;
	*ret_id = sqlite3_last_insert_rowid(db->h);
	*ret_done = false;
	return NULL;
}

struct ct_error *ct_results_input_finish(struct ct_results *db, int64_t id,
					 const char *error)
{
	return ct_sql_run(db->h, db->path, "UPDATE inputs SET status = 'done', error = ?, "
		   "done_at = ? WHERE id = ?", "tii", error, now(), id);
}

struct ct_error *ct_results_case_exists(struct ct_results *db,
					int64_t input_id, const char *member,
					bool *ret)
{
	if (!db->cached[ST_EXISTS]) {
		struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT 1 FROM cases WHERE "
					       "input_id = ? AND member = ?",
					       &db->cached[ST_EXISTS]);
		if (err)
			return err;
	}
	sqlite3_stmt *st = db->cached[ST_EXISTS];
	sqlite3_bind_int64(st, 1, input_id);
	sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*ret = rc == SQLITE_ROW;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ct_sql_error(db->h, db->path, "cannot read");
	return NULL;
}

struct ct_error *ct_results_input_has_cases(struct ct_results *db,
					    int64_t input_id, bool *ret)
{
	int64_t one;
	return query_int(db, &one, ret, "SELECT 1 FROM cases WHERE "
			 "input_id = ? LIMIT 1", "i", input_id);
}

/* ---- clusters (chosen by analyzer/cluster.c, stored here) -------------- */

static struct ct_error *clusters_load(struct ct_results *db)
{
	if (db->clusters_loaded)
		return NULL;
	clusters_clear(db);
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT id, signature_hash, frames "
				       "FROM clusters ORDER BY id", &st);
	if (err)
		return err;
	int rc;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = ct_clusters_add(&db->clusters,
				      sqlite3_column_int64(st, 0),
				      col_text(st, 1), col_text(st, 2));
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read clusters");
	sqlite3_finalize(st);
	if (!err)
		db->clusters_loaded = true;
	return err;
}

/* Join frames with '\n' into a new string. */
static char *join_frames(char *const *frames, size_t count, size_t max)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, "");
	for (size_t i = 0; i < count && i < max; i++) {
		if (i)
			ct_strbuf_putc(&sb, '\n');
		ct_strbuf_puts(&sb, frames[i]);
	}
	if (sb.failed) {
		ct_strbuf_deinit(&sb);
		return NULL;
	}
	return ct_strbuf_detach(&sb);
}

/* The cluster of case case_id (unknown, signature sig), into *ret_id: an
 * existing one, or a new one the case is the first of. */
static struct ct_error *cluster_pick(struct ct_results *db, int64_t case_id,
				     const struct ct_signature *sig,
				     int64_t *ret_id)
{
	struct ct_error *err = clusters_load(db);
	if (err)
		return err;
	if (ct_clusters_find(&db->clusters, sig, ret_id))
		return NULL;
	char *frames = join_frames(sig->frames, sig->frame_count,
				   CT_CLUSTER_FRAMES);
	if (!frames)
		return &ct_enomem;
	err = ct_sql_run(db->h, db->path,
			 "INSERT INTO clusters (signature_hash, frames, "
			 "first_case_id) VALUES (?, ?, ?)",
			 "tti", sig->hash, frames, case_id);
	if (!err) {
		*ret_id = sqlite3_last_insert_rowid(db->h);
		err = ct_clusters_add(&db->clusters, *ret_id, sig->hash,
				      frames);
	}
	free(frames);
	/* the transaction rolls back: reload next time */
	if (err)
		db->clusters_loaded = false;
	return err;
}

/* Put stored case case_id (unknown, signature sig) into a cluster. */
static struct ct_error *cluster_assign(struct ct_results *db, int64_t case_id,
				       const struct ct_signature *sig)
{
	int64_t id;
	struct ct_error *err = cluster_pick(db, case_id, sig, &id);
	if (err)
		return err;
	return ct_sql_run_cached(db->h, db->path, &db->cached[ST_CLUSTER_SET],
				 "UPDATE cases SET cluster_id = ? WHERE id = ?",
				 "ii", id, case_id);
}

/* ---- storing a case ----------------------------------------------------- */

static int64_t input_ord(const struct ct_case *c, const char *path)
{
	if (!path)
		return -1;
	for (size_t i = 0; i < c->input_count; i++)
		if (c->inputs[i].path == path)
			return (int64_t)i;
	for (size_t i = 0; i < c->input_count; i++)
		if (strcmp(c->inputs[i].path, path) == 0)
			return (int64_t)i;
	return -1;
}

/* Bind an origin as (input_ord, line), NULLs when unknown. */
static void bind_origin(sqlite3_stmt *st, int i, const struct ct_case *c,
			struct ct_origin o)
{
	int64_t ord = input_ord(c, o.path);
	if (ord >= 0)
		sqlite3_bind_int64(st, i, ord);
	else
		sqlite3_bind_null(st, i);
	if (o.line)
		sqlite3_bind_int64(st, i + 1, (int64_t)o.line);
	else
		sqlite3_bind_null(st, i + 1);
}

/* The inserts of the case model: a table and its columns.  A case's rows
 * of one table go in statements of up to MULTI_ROWS rows each (INSERT ...
 * VALUES (...), (...), ...): running a statement per row was most of what
 * storing a case cost. */
static const struct {
	const char *head; /* up to VALUES */
	int cols;	  /* parameters of one row */
} insert_sql[ST_COUNT] = {
	[ST_INPUT] = { "INSERT INTO case_inputs (case_id, ord, path, size, "
		       "kinds, error) VALUES ",
		       6 },
	[ST_FACT] = { "INSERT INTO facts (case_id, ord, key, value, "
		      "input_ord, line) VALUES ",
		      6 },
	[ST_BT] = { "INSERT INTO backtraces (case_id, ord, label, crashing, "
		    "input_ord, line, family) VALUES ",
		    7 },
	[ST_FRAME] = { "INSERT INTO frames (case_id, bt_ord, ord, function, "
		       "normalized, module, file, source_line, address, "
		       "offset, flags, number) VALUES ",
		       12 },
	[ST_EVENT] = { "INSERT INTO events (case_id, ord, kind, timestamp, "
		       "text, input_ord, line) VALUES ",
		       7 },
	[ST_FIELD] = { "INSERT INTO event_fields (case_id, event_ord, ord, "
		       "name, value) VALUES ",
		       5 },
	[ST_FINDING] = { "INSERT INTO findings (case_id, ord, kind, type, "
			 "member, address, element, reason, input_ord, line, "
			 "structure) VALUES ",
			 11 },
	[ST_NOTE] = { "INSERT INTO notes (case_id, ord, text) VALUES ", 3 },
	[ST_MATCH] = { "INSERT INTO matches (case_id, ord, rule_id, title, "
		       "score, passes, verdict, fixed_in, workaround, why) "
		       "VALUES ",
		       10 },
};

/* The insert of n rows (1 <= n <= MULTI_ROWS) into table t, prepared on
 * first use and kept. */
static struct ct_error *insert_statement(struct ct_results *db, int t, int n,
					 sqlite3_stmt **ret)
{
	sqlite3_stmt **slot = &db->inserts[t][n - 1];
	if (!*slot) {
		struct ct_strbuf sb = CT_STRBUF_INIT;
		ct_strbuf_puts(&sb, insert_sql[t].head);
		for (int r = 0; r < n; r++) {
			ct_strbuf_puts(&sb, r ? ", (" : "(");
			for (int k = 0; k < insert_sql[t].cols; k++)
				ct_strbuf_puts(&sb, k ? ", ?" : "?");
			ct_strbuf_putc(&sb, ')');
		}
		struct ct_error *err = sb.failed
					       ? &ct_enomem
					       : ct_sql_prepare(db->h, db->path,
								sb.buf, slot);
		ct_strbuf_deinit(&sb);
		if (err)
			return err;
	}
	*ret = *slot;
	return NULL;
}

/* Binds the next row of a table from parameter p of s on: every
 * parameter of the row, NULLs included (a statement's parameters are not
 * cleared between runs). */
typedef void (*row_fn)(void *state, sqlite3_stmt *s, int p);

/* Insert n rows into table t, fn binding each in turn. */
static struct ct_error *insert_rows(struct ct_results *db, int t, size_t n,
				    row_fn fn, void *state)
{
	while (n) {
		int k = n < MULTI_ROWS ? (int)n : MULTI_ROWS;
		sqlite3_stmt *s;
		struct ct_error *err = insert_statement(db, t, k, &s);
		if (err)
			return err;
		for (int r = 0; r < k; r++)
			fn(state, s, r * insert_sql[t].cols + 1);
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return ct_sql_error(db->h, db->path, "cannot write");
		n -= (size_t)k;
	}
	return NULL;
}

enum {
	FRAME_HAS_ADDRESS = 1,
	FRAME_HAS_OFFSET = 2,
	FRAME_RELIABLE = 4,
	FRAME_GENERIC = 8,
	FRAME_INLINED = 16,
};

static void bind_int_or_null(sqlite3_stmt *s, int p, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(s, p, v);
	else
		sqlite3_bind_null(s, p);
}

/* Where the row binders of a case are: the next row's indices. */
struct model_rows {
	const struct ct_case *c;
	int64_t id;
	size_t i, j; /* row i (or backtrace or event i, row j of
				 * it) */
};

/* Bind a row's (case_id, ord) at p and p + 1 and move to the next row. */
static void bind_key(struct model_rows *m, sqlite3_stmt *s, int p)
{
	sqlite3_bind_int64(s, p, m->id);
	sqlite3_bind_int64(s, p + 1, (int64_t)m->i++);
}

static void bind_input(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	const struct ct_input *in = &m->c->inputs[m->i];
	bind_key(m, s, p);
	ct_sql_bind_text(s, p + 2, in->path);
	sqlite3_bind_int64(s, p + 3, (int64_t)in->size);
	sqlite3_bind_int64(s, p + 4, in->kinds);
	ct_sql_bind_text(s, p + 5, in->error);
}

static void bind_fact(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	const struct ct_fact *f = &m->c->facts[m->i];
	bind_key(m, s, p);
	ct_sql_bind_text(s, p + 2, f->key);
	ct_sql_bind_text(s, p + 3, f->value ? f->value : "");
	bind_origin(s, p + 4, m->c, f->origin);
}

static void bind_backtrace(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	const struct ct_backtrace *bt = &m->c->backtraces[m->i];
	bind_key(m, s, p);
	ct_sql_bind_text(s, p + 2, bt->label);
	sqlite3_bind_int(s, p + 3, bt->crashing);
	bind_origin(s, p + 4, m->c, bt->origin);
	ct_sql_bind_text(s, p + 6, bt->family);
}

static void bind_frame(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	while (m->j == m->c->backtraces[m->i].frame_count) {
		m->i++;
		m->j = 0;
	}
	const struct ct_frame *f = &m->c->backtraces[m->i].frames[m->j];
	int flags = (f->has_address ? FRAME_HAS_ADDRESS : 0) |
		    (f->has_offset ? FRAME_HAS_OFFSET : 0) |
		    (f->reliable ? FRAME_RELIABLE : 0) |
		    (f->generic ? FRAME_GENERIC : 0) |
		    (f->inlined ? FRAME_INLINED : 0);
	sqlite3_bind_int64(s, p, m->id);
	sqlite3_bind_int64(s, p + 1, (int64_t)m->i);
	sqlite3_bind_int64(s, p + 2, (int64_t)m->j++);
	ct_sql_bind_text(s, p + 3, f->function);
	ct_sql_bind_text(s, p + 4, f->normalized);
	ct_sql_bind_text(s, p + 5, f->module);
	ct_sql_bind_text(s, p + 6, f->file);
	sqlite3_bind_int64(s, p + 7, (int64_t)f->source_line);
	bind_int_or_null(s, p + 8, f->has_address, (int64_t)f->address);
	bind_int_or_null(s, p + 9, f->has_offset, (int64_t)f->offset);
	sqlite3_bind_int(s, p + 10, flags);
	sqlite3_bind_int(s, p + 11, f->number);
}

static void bind_event(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	const struct ct_event *ev = &m->c->events[m->i];
	bind_key(m, s, p);
	ct_sql_bind_text(s, p + 2, ev->kind ? ev->kind : "");
	ct_sql_bind_text(s, p + 3, ev->timestamp);
	ct_sql_bind_text(s, p + 4, ev->text);
	bind_origin(s, p + 5, m->c, ev->origin);
}

static void bind_field(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	while (m->j == m->c->events[m->i].field_count) {
		m->i++;
		m->j = 0;
	}
	const struct ct_field *f = &m->c->events[m->i].fields[m->j];
	sqlite3_bind_int64(s, p, m->id);
	sqlite3_bind_int64(s, p + 1, (int64_t)m->i);
	sqlite3_bind_int64(s, p + 2, (int64_t)m->j++);
	ct_sql_bind_text(s, p + 3, f->name ? f->name : "");
	ct_sql_bind_text(s, p + 4, f->value);
}

static void bind_finding(void *state, sqlite3_stmt *s, int p)
{
	struct model_rows *m = state;
	const struct ct_finding *f = &m->c->findings[m->i];
	bind_key(m, s, p);
	ct_sql_bind_text(s, p + 2, f->kind);
	ct_sql_bind_text(s, p + 3, f->type);
	ct_sql_bind_text(s, p + 4, f->member);
	sqlite3_bind_int64(s, p + 5, (int64_t)f->address);
	sqlite3_bind_int64(s, p + 6, f->element);
	ct_sql_bind_text(s, p + 7, f->reason);
	bind_origin(s, p + 8, m->c, f->origin);
	ct_sql_bind_text(s, p + 10, f->structure);
}

static struct ct_error *store_matches(struct ct_results *db,
				      sqlite3_stmt *st, int64_t id,
				      const struct ct_case *c)
{
	struct ct_error *err = NULL;
	for (size_t i = 0; i < c->match_count && !err; i++) {
		const struct ct_match *m = &c->matches[i];
		char *why = join_frames(m->why, m->why_count, SIZE_MAX);
		if (!why)
			return &ct_enomem;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		ct_sql_bind_text(st, 3, m->id ? m->id : "");
		ct_sql_bind_text(st, 4, m->title);
		sqlite3_bind_double(st, 5, m->score);
		sqlite3_bind_int(st, 6, m->passes);
		ct_sql_bind_text(st, 7, m->verdict);
		ct_sql_bind_text(st, 8, m->fixed_in);
		ct_sql_bind_text(st, 9, m->workaround);
		ct_sql_bind_text(st, 10, why);
		err = ct_sql_step_reset(db->h, db->path, st, "cannot write");
		free(why);
	}
	return err;
}

static struct ct_error *store_signature(struct ct_results *db, int64_t id,
					const struct ct_case *c)
{
	if (!c->signature.hash[0])
		return NULL;
	char *frames = join_frames(c->signature.frames,
				   c->signature.frame_count, SIZE_MAX);
	if (!frames)
		return &ct_enomem;
	struct ct_error *err = ct_sql_run_cached(
		db->h, db->path, &db->cached[ST_SIGNATURE],
		"INSERT INTO signatures (case_id, hash, title, frames) "
		"VALUES (?, ?, ?, ?)", "ittt", id, c->signature.hash,
		c->signature.title, frames);
	free(frames);
	return err;
}

/* The 1-row insert of note i of case id, through statement s. */
static struct ct_error *store_note(struct ct_results *db, sqlite3_stmt *s,
				   int64_t id, size_t i, const char *text)
{
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (int64_t)i);
	ct_sql_bind_text(s, 3, text);
	return ct_sql_step_reset(db->h, db->path, s, "cannot write");
}

static struct ct_error *store_model(struct ct_results *db, int64_t id,
				    const struct ct_case *c)
{
	size_t frames = 0, fields = 0;
	for (size_t i = 0; i < c->backtrace_count; i++)
		frames += c->backtraces[i].frame_count;
	for (size_t i = 0; i < c->event_count; i++)
		fields += c->events[i].field_count;
	static const struct {
		int table;
		row_fn fn;
	} parts[] = {
		{ ST_INPUT, bind_input },     { ST_FACT, bind_fact },
		{ ST_BT, bind_backtrace },    { ST_FRAME, bind_frame },
		{ ST_EVENT, bind_event },     { ST_FIELD, bind_field },
		{ ST_FINDING, bind_finding },
	};
	const size_t counts[] = {
		c->input_count, c->fact_count, c->backtrace_count, frames,
		c->event_count, fields,	       c->finding_count,
	};
	_Static_assert(CT_ARRAY_SIZE(parts) == CT_ARRAY_SIZE(counts),
		       "a count per part");
	struct ct_error *err = NULL;
	for (size_t k = 0; k < CT_ARRAY_SIZE(parts) && !err; k++) {
		struct model_rows m = { .c = c, .id = id };
		err = insert_rows(db, parts[k].table, counts[k], parts[k].fn,
				  &m);
	}
	sqlite3_stmt *s = NULL;
	if (!err && c->note_count)
		err = insert_statement(db, ST_NOTE, 1, &s);
	for (size_t i = 0; i < c->note_count && !err; i++)
		err = store_note(db, s, id, i, c->notes[i]);
	if (!err)
		err = store_signature(db, id, c);
	if (!err && c->match_count)
		err = insert_statement(db, ST_MATCH, 1, &s);
	if (!err && c->match_count)
		err = store_matches(db, s, id, c);
	return err;
}

static const char *case_status(const struct ct_results_case *rc)
{
	if (rc->error || !rc->c)
		return "failed";
	if (rc->c->known)
		return "known";
	if (rc->c->signature.hash[0])
		return "unknown";
	return ct_case_usable(rc->c) ? "no-crash" : "unrecognised";
}

/* Product and version for reports, from the facts. */
static void case_version(const struct ct_case *c, const char **ret_product,
			 char **ret_version)
{
	const char *v;
	*ret_product = NULL;
	*ret_version = NULL;
	if ((v = ct_case_fact(c, "esxi.version"))) {
		const char *build = ct_case_fact(c, "esxi.build");
		*ret_product = "esxi";
		if (build) {
			if (asprintf(ret_version, "ESXi %s build-%s", v,
				     build) < 0)
				*ret_version = NULL;
		} else if (asprintf(ret_version, "ESXi %s", v) < 0) {
			*ret_version = NULL;
		}
	} else if ((v = ct_case_fact(c, "linux.release"))) {
		*ret_product = "linux";
		if (asprintf(ret_version, "Linux %s", v) < 0)
			*ret_version = NULL;
	} else if ((v = ct_case_fact(c, "nsx.version"))) {
		*ret_product = "nsx";
		if (asprintf(ret_version, "NSX %s", v) < 0)
			*ret_version = NULL;
	}
}

/* Whether EVIDENCE_TIME can be anything but NULL for c: it has a crash
 * time fact or an event with a time stamp. */
static bool may_have_evidence_time(const struct ct_case *c)
{
	for (size_t i = 0; i < c->event_count; i++)
		if (c->events[i].timestamp)
			return true;
	return ct_case_fact(c, "vmcore.crash_time") != NULL;
}

/* The 1-row inserts of the case model, prepared on first use and kept. */
static struct ct_error *prepare_all(struct ct_results *db, sqlite3_stmt **st)
{
	for (int i = 0; i < ST_COUNT; i++) {
		struct ct_error *err = insert_statement(db, i, 1, &st[i]);
		if (err)
			return err;
	}
	return NULL;
}

static void finalize_all(sqlite3_stmt **st)
{
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_reset(st[i]);
		sqlite3_clear_bindings(st[i]);
	}
}

/* Run a cached transaction statement (BEGIN IMMEDIATE, COMMIT,
 * ROLLBACK); its error is SQLite's message, as sqlite3_exec gives it. */
static struct ct_error *run_tx(struct ct_results *db, int slot, const char *sql)
{
	/* a new transaction: the next case id is read again in it */
	db->next_case_id = 0;
	if (!db->cached[slot]) {
		struct ct_error *err = ct_sql_prepare(db->h, db->path, sql,
						      &db->cached[slot]);
		if (err)
			return err;
	}
	int rc = sqlite3_step(db->cached[slot]);
	sqlite3_reset(db->cached[slot]);
	if (rc == SQLITE_DONE)
		return NULL;
	return ct_error_corrupt(db->path, 0, "%s", sqlite3_errmsg(db->h));
}

static struct ct_error *rollback(struct ct_results *db, struct ct_error *err)
{
	struct ct_error *e2 = run_tx(db, ST_ROLLBACK, "ROLLBACK");
	ct_error_destroy(e2);
	db->clusters_loaded = false;
	return err;
}

struct ct_error *ct_results_begin(struct ct_results *db)
{
	return run_tx(db, ST_BEGIN, "BEGIN IMMEDIATE");
}

struct ct_error *ct_results_commit(struct ct_results *db)
{
	struct ct_error *err = run_tx(db, ST_COMMIT, "COMMIT");
	return err ? rollback(db, err) : NULL;
}

struct ct_error *ct_results_rename_input(struct ct_results *db,
					 const char *from,
					 char *(*make_name)(int64_t id,
							    void *arg),
					 void *arg, int64_t *ret_id)
{
	*ret_id = -1;
	struct ct_error *err = ct_results_begin(db);
	if (err)
		return err;
	int64_t id;
	bool found;
	err = query_int(db, &id, &found, "SELECT id FROM inputs WHERE path = ?",
			"t", from);
	char *to = NULL;
	if (!err && found && !(to = make_name(id, arg)))
		err = &ct_enomem;
	/* a case's name and its inputs' paths are the input's path, or it
	 * and "!member" (an archive's); a bundle folder's have "/file" */
	static const char *const renames[] = {
		"UPDATE cases SET name = ?1 || substr(name, length(?2) + 1) "
		"WHERE input_id = ?3 AND (name = ?2 OR "
		"substr(name, 1, length(?2) + 1) IN (?2 || '!', ?2 || '/'))",
		"UPDATE case_inputs SET path = ?1 || substr(path, length(?2) + 1) "
		"WHERE case_id IN (SELECT id FROM cases WHERE input_id = ?3) AND "
		"(path = ?2 OR substr(path, 1, length(?2) + 1) IN "
		"(?2 || '!', ?2 || '/'))",
		"UPDATE inputs SET path = ?1 WHERE id = ?3 AND path = ?2",
	};
	for (size_t i = 0; !err && found && i < CT_ARRAY_SIZE(renames); i++)
		err = ct_sql_run(db->h, db->path, renames[i], "tti", to, from,
				 id);
	if (!err && found)
		err = ct_sql_run(db->h, db->path,
				 "DELETE FROM stat_cache WHERE path = ?", "t",
				 from);
	free(to);
	if (err)
		return rollback(db, err);
	err = ct_results_commit(db);
	if (!err && found)
		*ret_id = id;
	return err;
}

/* The id the next case stored in this transaction gets: the one SQLite
 * would give a new row (the largest id + 1), known before the case row
 * is inserted, so that its model, cluster and evidence time go in
 * first and the case row is written once. */
static struct ct_error *next_case_id(struct ct_results *db, int64_t *ret)
{
	if (!db->next_case_id) {
		if (!db->cached[ST_NEXT_ID]) {
			struct ct_error *err = ct_sql_prepare(
				db->h, db->path,
				"SELECT coalesce(max(id), 0) "
				"+ 1 FROM cases",
				&db->cached[ST_NEXT_ID]);
			if (err)
				return err;
		}
		sqlite3_stmt *st = db->cached[ST_NEXT_ID];
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			db->next_case_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return ct_sql_error(db->h, db->path, "cannot read");
	}
	*ret = db->next_case_id;
	return NULL;
}

/* Insert the case row of case id (model, cluster stored already). */
static struct ct_error *insert_case(struct ct_results *db, int64_t id,
				    const struct ct_results_case *rc,
				    const char *status, int64_t cluster)
{
	const struct ct_case *c = rc->error ? NULL : rc->c;
	/* the evidence time is looked up only when it may be found (?24) */
	static const char sql[] =
		"INSERT INTO cases (id, input_id, member, name, bundle, "
		"status, error, host, product, version, panic_kind, "
		"panic_message, panic_exception, panic_context, panic_cpu, "
		"panic_input, panic_line, added_at, panic_report_type, "
		"panic_guilty, panic_flags, panic_guilty_frame, cluster_id, "
		"evidence_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
		"?22, ?23, CASE WHEN ?24 THEN " EVIDENCE_TIME("?1") " END)";
	if (!db->cached[ST_CASE]) {
		struct ct_error *err = ct_sql_prepare(db->h, db->path, sql,
						      &db->cached[ST_CASE]);
		if (err)
			return err;
	}
	sqlite3_stmt *st = db->cached[ST_CASE];
	const char *product = NULL;
	char *version = NULL;
	if (c)
		case_version(c, &product, &version);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, rc->input_id);
	ct_sql_bind_text(st, 3, rc->member);
	ct_sql_bind_text(st, 4, rc->name);
	ct_sql_bind_text(st, 5, rc->bundle);
	ct_sql_bind_text(st, 6, status);
	ct_sql_bind_text(st, 7, rc->error);
	if (c) {
		ct_sql_bind_text(st, 8, ct_case_fact(c, "host.name"));
		ct_sql_bind_text(st, 9, product);
		ct_sql_bind_text(st, 10, version);
		ct_sql_bind_text(st, 11, c->panic.kind);
		ct_sql_bind_text(st, 12, c->panic.message);
		ct_sql_bind_text(st, 13, c->panic.exception);
		ct_sql_bind_text(st, 14, c->panic.context);
		ct_sql_bind_text(st, 15, c->panic.cpu);
		bind_origin(st, 16, c, c->panic.origin);
		ct_sql_bind_text(st, 19, c->panic.report_type);
		ct_sql_bind_text(st, 20, c->panic.guilty);
		sqlite3_bind_int(st, 21,
				 (c->panic.typed ? 1 : 0) |
					 (c->panic.corrupted ? 2 : 0));
		sqlite3_bind_int64(st, 22, c->panic.guilty_frame);
		sqlite3_bind_int(st, 24, may_have_evidence_time(c));
	}
	sqlite3_bind_int64(st, 18, now());
	bind_int_or_null(st, 23, cluster > 0, cluster);
	struct ct_error *err = ct_sql_step_reset(db->h, db->path, st,
						 "cannot store a case");
	free(version);
	return err;
}

struct ct_error *ct_results_store_case(struct ct_results *db,
				       const struct ct_results_case *rc)
{
	const struct ct_case *c = rc->error ? NULL : rc->c;
	const char *status = case_status(rc);
	/* in the caller's transaction (ct_results_begin), else in its own */
	bool own = sqlite3_get_autocommit(db->h) != 0;
	struct ct_error *err = own ? ct_results_begin(db) : NULL;
	if (err)
		return err;
	int64_t id = 0, cluster = 0;
	err = next_case_id(db, &id);
	if (!err && c)
		err = store_model(db, id, c);
	if (!err && c && strcmp(status, "unknown") == 0)
		err = cluster_pick(db, id, &c->signature, &cluster);
	if (!err)
		err = insert_case(db, id, rc, status, cluster);
	if (err)
		return rollback(db, err);
	db->next_case_id = id + 1;
	return own ? ct_results_commit(db) : NULL;
}

/* ---- rebuilding and rematching ------------------------------------------ */

static struct ct_origin origin_at(const struct ct_case *c, sqlite3_stmt *st,
				  int i)
{
	struct ct_origin o = { NULL, 0 };
	if (sqlite3_column_type(st, i) != SQLITE_NULL) {
		int64_t ord = sqlite3_column_int64(st, i);
		if (ord >= 0 && (uint64_t)ord < c->input_count)
			o.path = c->inputs[ord].path;
	}
	int64_t line = sqlite3_column_int64(st, i + 1);
	o.line = line > 0 ? (unsigned long)line : 0;
	return o;
}

/* Run sql (binding case_id and optionally a second int) and call row()
 * for every row. */
static struct ct_error *each_row(struct ct_results *db, const char *sql,
				 int64_t id, int64_t second, bool has_second,
				 struct ct_error *(*row)(struct ct_case *c,
							 sqlite3_stmt *st),
				 struct ct_case *c)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, sql, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (has_second)
		sqlite3_bind_int64(st, 2, second);
	int rc;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = row(c, st);
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read a case");
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *row_input(struct ct_case *c, sqlite3_stmt *st)
{
	struct ct_error *err = ct_case_add_unread(
		c, col_text(st, 0) ? col_text(st, 0) : "",
		(uint64_t)sqlite3_column_int64(st, 1), col_text(st, 3));
	if (!err)
		c->inputs[c->input_count - 1].kinds =
			(unsigned)sqlite3_column_int64(st, 2);
	return err;
}

static struct ct_error *row_fact(struct ct_case *c, sqlite3_stmt *st)
{
	return ct_case_add_fact(c, col_text(st, 0) ? col_text(st, 0) : "",
				col_text(st, 1) ? col_text(st, 1) : "",
				origin_at(c, st, 2));
}

static struct ct_error *row_finding(struct ct_case *c, sqlite3_stmt *st)
{
	struct ct_finding f = {
		.kind = (char *)col_text(st, 0),
		.type = (char *)col_text(st, 1),
		.member = (char *)col_text(st, 2),
		.address = (uint64_t)sqlite3_column_int64(st, 3),
		.element = (long)sqlite3_column_int64(st, 4),
		.reason = (char *)col_text(st, 5),
		.origin = origin_at(c, st, 6),
		.structure = (char *)col_text(st, 8),
	};
	return ct_case_add_finding(c, &f);
}

static struct ct_error *row_note(struct ct_case *c, sqlite3_stmt *st)
{
	const char *text = col_text(st, 0);
	for (size_t i = 0; text && i < c->note_count; i++)
		if (strcmp(c->notes[i], text) == 0)
			return NULL;
	return ct_case_add_note(c, "%s", text ? text : "");
}

static struct ct_error *row_frame(struct ct_case *c, sqlite3_stmt *st)
{
	struct ct_backtrace *bt = &c->backtraces[c->backtrace_count - 1];
	int flags = sqlite3_column_int(st, 7);
	struct ct_frame f = {
		.function = (char *)col_text(st, 0),
		.normalized = (char *)col_text(st, 1),
		.module = (char *)col_text(st, 2),
		.file = (char *)col_text(st, 3),
		.source_line = (unsigned long)sqlite3_column_int64(st, 4),
		.address = (uint64_t)sqlite3_column_int64(st, 5),
		.offset = (uint64_t)sqlite3_column_int64(st, 6),
		.has_address = flags & FRAME_HAS_ADDRESS,
		.has_offset = flags & FRAME_HAS_OFFSET,
		.reliable = flags & FRAME_RELIABLE,
		.generic = flags & FRAME_GENERIC,
		.inlined = flags & FRAME_INLINED,
		.number = sqlite3_column_int(st, 8),
	};
	return ct_backtrace_add_frame(bt, &f);
}

static struct ct_error *row_field(struct ct_case *c, sqlite3_stmt *st)
{
	return ct_event_add_field(c, &c->events[c->event_count - 1],
				  col_text(st, 0) ? col_text(st, 0) : "",
				  col_text(st, 1));
}

/* Backtraces with their frames, events with their fields. */
static struct ct_error *load_backtraces(struct ct_results *db, int64_t id,
					struct ct_case *c)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT ord, label, crashing, "
				       "input_ord, line, family FROM backtraces "
				       "WHERE "
				       "case_id = ? ORDER BY ord", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ct_backtrace *bt;
		err = ct_case_add_backtrace(c, col_text(st, 1),
					    origin_at(c, st, 3), &bt);
		if (err)
			break;
		bt->crashing = sqlite3_column_int(st, 2);
		err = each_row(db, "SELECT function, normalized, module, file, "
			       "source_line, address, offset, flags, number "
			       "FROM frames WHERE case_id = ? AND bt_ord = ? "
			       "ORDER BY ord", id, sqlite3_column_int64(st, 0),
			       true, row_frame, c);
		/* marked as the extractor marked it: the family decides
		 * which frames the guilty-frame rules skip */
		const char *family = col_text(st, 5);
		static const struct {
			const char *name;
			enum ct_frame_family family;
		} families[] = {
			{ "esxi", CT_FAMILY_ESXI }, { "linux", CT_FAMILY_LINUX },
			{ "user", CT_FAMILY_USER },
		};
		for (size_t k = 0; !err && family && k < CT_ARRAY_SIZE(families);
		     k++)
			if (strcmp(family, families[k].name) == 0)
				ct_backtrace_mark_generic(
					&c->backtraces[c->backtrace_count - 1],
					families[k].family);
	}
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read a case");
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *load_events(struct ct_results *db, int64_t id,
				    struct ct_case *c)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT ord, kind, timestamp, text, "
				       "input_ord, line FROM events WHERE "
				       "case_id = ? ORDER BY ord", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ct_event *ev;
		err = ct_case_add_event(c, col_text(st, 1) ? col_text(st, 1)
							   : "",
					col_text(st, 2), col_text(st, 3),
					origin_at(c, st, 4), &ev);
		/* ev is NULL past the case's event cap: its fields would
		 * land on another event */
		if (!err && ev)
			err = each_row(db, "SELECT name, value FROM "
				       "event_fields WHERE case_id = ? AND "
				       "event_ord = ? ORDER BY ord", id,
				       sqlite3_column_int64(st, 0), true,
				       row_field, c);
	}
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read a case");
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *load_panic(struct ct_results *db, int64_t id,
				   struct ct_case *c)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, "SELECT panic_kind, panic_message, "
				       "panic_exception, panic_context, "
				       "panic_cpu, panic_input, panic_line, "
				       "panic_report_type, panic_guilty, "
				       "panic_flags, panic_guilty_frame "
				       "FROM cases WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct ct_panic p = {
			.kind = (char *)col_text(st, 0),
			.message = (char *)col_text(st, 1),
			.exception = (char *)col_text(st, 2),
			.context = (char *)col_text(st, 3),
			.cpu = (char *)col_text(st, 4),
			.origin = origin_at(c, st, 5),
			.report_type = (char *)col_text(st, 7),
			.guilty = (char *)col_text(st, 8),
			.typed = sqlite3_column_int(st, 9) & 1,
			.corrupted = (sqlite3_column_int(st, 9) & 2) != 0,
			.guilty_frame = (long)sqlite3_column_int64(st, 10),
		};
		err = ct_case_set_panic(c, &p);
	}
	sqlite3_finalize(st);
	return err;
}

struct ct_error *ct_results_load_case(struct ct_results *db, int64_t id,
				      struct ct_case **ret)
{
	int64_t dummy;
	bool found;
	struct ct_error *err = query_int(db, &dummy, &found, "SELECT id FROM "
					 "cases WHERE id = ?", "i", id);
	if (err)
		return err;
	if (!found)
		return ct_error_create(CT_ERROR_NOT_FOUND, "no case %" PRId64,
				       id);
	sqlite3_stmt *st;
	err = ct_sql_prepare(db->h, db->path, "SELECT name FROM cases WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	struct ct_case *c = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		err = ct_case_create(col_text(st, 0) ? col_text(st, 0) : "",
				     &c);
	else
		err = ct_sql_error(db->h, db->path, "cannot read a case");
	sqlite3_finalize(st);
	if (err)
		return err;
	err = each_row(db, "SELECT path, size, kinds, error FROM case_inputs "
		       "WHERE case_id = ? ORDER BY ord", id, 0, false,
		       row_input, c);
	if (!err)
		err = each_row(db, "SELECT key, value, input_ord, line FROM "
			       "facts WHERE case_id = ? ORDER BY ord", id, 0,
			       false, row_fact, c);
	if (!err)
		err = load_backtraces(db, id, c);
	if (!err)
		err = load_events(db, id, c);
	if (!err)
		err = each_row(db, "SELECT kind, type, member, address, "
			       "element, reason, input_ord, line, structure "
			       "FROM findings "
			       "WHERE case_id = ? ORDER BY ord", id, 0, false,
			       row_finding, c);
	if (!err)
		err = each_row(db, "SELECT text FROM notes WHERE case_id = ? "
			       "ORDER BY ord", id, 0, false, row_note, c);
	if (!err)
		err = load_panic(db, id, c);
	if (err) {
		ct_case_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

/* Rematch one case inside the open transaction. */
static struct ct_error *rematch_case(struct ct_results *db,
				     const struct ct_kb *kb, sqlite3_stmt **sts,
				     int64_t id)
{
	struct ct_case *c;
	struct ct_error *err = ct_results_load_case(db, id, &c);
	if (err)
		return err;
	err = ct_case_sign(c);
	if (!err && kb)
		err = ct_kb_match(kb, c);
	if (!err)
		err = ct_sql_run(db->h, db->path, "DELETE FROM signatures WHERE case_id = ?", "i",
			  id);
	if (!err)
		err = ct_sql_run(db->h, db->path, "DELETE FROM matches WHERE case_id = ?", "i", id);
	if (!err)
		err = ct_sql_run(db->h, db->path, "DELETE FROM notes WHERE case_id = ?", "i", id);
	for (size_t i = 0; i < c->note_count && !err; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(c->notes[i], c->notes[j]) == 0;
		if (dup)
			continue;
		err = store_note(db, sts[ST_NOTE], id, i, c->notes[i]);
	}
	if (!err)
		err = store_signature(db, id, c);
	if (!err)
		err = store_matches(db, sts[ST_MATCH], id, c);
	struct ct_results_case rc = { .c = c };
	const char *status = case_status(&rc);
	if (!err)
		err = ct_sql_run(db->h, db->path, "UPDATE cases SET status = ?, cluster_id = NULL "
			  "WHERE id = ?", "ti", status, id);
	if (!err && strcmp(status, "unknown") == 0)
		err = cluster_assign(db, id, &c->signature);
	ct_case_destroy(c);
	return err;
}

struct ct_error *ct_results_rematch(struct ct_results *db,
				    const struct ct_kb *kb, size_t *ret_count)
{
	struct ct_error *err = ct_sql_exec(db->h, db->path, "BEGIN IMMEDIATE");
	if (err)
		return err;
	clusters_clear(db);
	err = ct_sql_exec(db->h, db->path, "UPDATE cases SET cluster_id = NULL;"
		   "DELETE FROM clusters;");
	db->clusters_loaded = true;	/* empty now */
	sqlite3_stmt *sts[ST_COUNT];
	if (!err)
		err = prepare_all(db, sts);
	if (err)
		return rollback(db, err);
	sqlite3_stmt *st = NULL;
	err = ct_sql_prepare(db->h, db->path, "SELECT id FROM cases WHERE status != 'failed' "
		      "ORDER BY id", &st);
	size_t count = 0;
	int rc = SQLITE_DONE;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = rematch_case(db, kb, sts, sqlite3_column_int64(st, 0));
		count++;
	}
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read cases");
	if (st)
		sqlite3_finalize(st);
	finalize_all(sts);
	if (err)
		return rollback(db, err);
	err = ct_sql_exec(db->h, db->path, "COMMIT");
	if (err)
		return rollback(db, err);
	*ret_count = count;
	return NULL;
}

/* ---- report views ------------------------------------------------------- */

/* Each case's time: the evidence's (evidence_time, EVIDENCE_TIME), or
 * the time it was stored when the evidence has none. */
#define CASE_SEEN \
	"SELECT id, cluster_id, added_at, evidence_time," \
	" coalesce(evidence_time, added_at) AS seen FROM cases"

static const char *const view_sql[CT_VIEW_MAX] = {
	[CT_VIEW_TOTALS] =
	"SELECT (SELECT count(*) FROM inputs) AS inputs,"
	" (SELECT count(*) FROM inputs WHERE status != 'done')"
	"  AS inputs_unfinished,"
	" (SELECT count(*) FROM cases) AS cases,"
	" (SELECT count(*) FROM cases WHERE status = 'known') AS known,"
	" (SELECT count(*) FROM cases WHERE status = 'unknown') AS unknown,"
	" (SELECT count(*) FROM cases WHERE status = 'no-crash') AS no_crash,"
	" (SELECT count(*) FROM cases WHERE status = 'unrecognised')"
	"  AS unrecognised,"
	" (SELECT count(*) FROM cases WHERE status = 'failed') AS failed,"
	" (SELECT count(*) FROM clusters) AS clusters,"
	" ? AS unused",
	[CT_VIEW_KNOWN] =
	"SELECT m.rule_id, m.title, count(*) AS cases,"
	" sum(m.verdict = 'affected') AS affected,"
	" sum(m.verdict = 'fixed') AS fixed,"
	" sum(m.verdict = 'version-unknown') AS version_unknown"
	" FROM matches m JOIN cases c ON c.id = m.case_id"
	" WHERE m.ord = 0 AND m.passes = 1 AND c.status = 'known'"
	" GROUP BY m.rule_id ORDER BY cases DESC, m.rule_id LIMIT ?",
	[CT_VIEW_CLUSTERS] =
	"SELECT k.id AS cluster, count(c.id) AS size,"
	" datetime(min(c.seen), 'unixepoch') AS first_seen,"
	" datetime(max(c.seen), 'unixepoch') AS last_seen,"
	" (SELECT group_concat(h, ', ') FROM (SELECT DISTINCT host AS h"
	"  FROM cases WHERE cluster_id = k.id AND host IS NOT NULL"
	"  ORDER BY h)) AS hosts,"
	" (SELECT group_concat(v, ', ') FROM (SELECT DISTINCT version AS v"
	"  FROM cases WHERE cluster_id = k.id AND version IS NOT NULL"
	"  ORDER BY v)) AS versions,"
	" (SELECT title FROM signatures WHERE case_id = k.first_case_id)"
	"  AS title,"
	" (SELECT group_concat(r, ', ') FROM (SELECT m.rule_id AS r"
	"  FROM matches m JOIN cases c2 ON c2.id = m.case_id"
	"  WHERE c2.cluster_id = k.id GROUP BY m.rule_id"
	"  ORDER BY max(m.score) DESC, m.rule_id LIMIT 3)) AS nearest,"
	" CASE sum(c.evidence_time IS NOT NULL) WHEN count(c.id)"
	"  THEN 'evidence' WHEN 0 THEN 'stored' ELSE 'mixed' END AS seen_from"
	" FROM clusters k JOIN (" CASE_SEEN ") c ON c.cluster_id = k.id"
	" GROUP BY k.id ORDER BY size DESC, k.id LIMIT ?",
	[CT_VIEW_FAILED] =
	"SELECT i.path AS input, c.name AS 'case', c.error"
	" FROM cases c JOIN inputs i ON i.id = c.input_id"
	" WHERE c.status = 'failed' ORDER BY c.id LIMIT ?",
	[CT_VIEW_CASES] =
	"SELECT c.id, i.path AS input, c.name, c.bundle, c.status, c.error,"
	" c.host, c.product, c.version, s.hash AS signature, s.title,"
	" m.rule_id, m.verdict, m.score, c.cluster_id AS cluster,"
	" c.added_at"
	" FROM cases c JOIN inputs i ON i.id = c.input_id"
	" LEFT JOIN signatures s ON s.case_id = c.id"
	" LEFT JOIN matches m ON m.case_id = c.id AND m.ord = 0"
	"  AND m.passes = 1 AND c.status = 'known'"
	" ORDER BY c.id LIMIT ?",
	[CT_VIEW_VERSIONS] =
	"SELECT coalesce(version, 'unknown') AS version, count(*) AS cases"
	" FROM cases WHERE status IN ('known', 'unknown')"
	" GROUP BY 1 ORDER BY cases DESC, 1 LIMIT ?",
	[CT_VIEW_TIMELINE] =
	"SELECT date(seen, 'unixepoch') AS day, count(*) AS cases,"
	" sum(evidence_time IS NOT NULL) AS from_evidence"
	" FROM (" CASE_SEEN ") GROUP BY 1 ORDER BY 1 DESC LIMIT ?",
};

/* Step st to its end, calling fn with the first ncols columns of each
 * row; finalizes st. */
static struct ct_error *each_view_row(struct ct_results *db, sqlite3_stmt *st,
				      size_t ncols, ct_results_row_fn fn,
				      void *arg)
{
	struct ct_error *err = NULL;
	const char **names = calloc(ncols + 1, sizeof(*names));
	const char **values = calloc(ncols + 1, sizeof(*values));
	if (!names || !values) {
		free(names);
		free(values);
		sqlite3_finalize(st);
		return &ct_enomem;
	}
	for (size_t i = 0; i < ncols; i++)
		names[i] = sqlite3_column_name(st, (int)i);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++)
			values[i] = col_text(st, (int)i);
		if (fn(arg, ncols, names, values))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read the report");
	free(names);
	free(values);
	sqlite3_finalize(st);
	return err;
}

struct ct_error *ct_results_view(struct ct_results *db,
				 enum ct_results_view view, size_t limit,
				 ct_results_row_fn fn, void *arg)
{
	if ((unsigned)view >= CT_VIEW_MAX)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT,
				       "no report view %d", (int)view);
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(db->h, db->path, view_sql[view], &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, limit && limit < INT64_MAX ?
			   (int64_t)limit : -1);
	size_t ncols = (size_t)sqlite3_column_count(st);
	if (view == CT_VIEW_TOTALS)
		ncols--;	/* the unused parameter column */
	return each_view_row(db, st, ncols, fn, arg);
}

const char *ct_results_view_sql(enum ct_results_view view)
{
	return (unsigned)view < CT_VIEW_MAX ? view_sql[view] : NULL;
}

struct ct_error *ct_results_select(struct ct_results *db,
				   ct_results_row_fn fn, void *arg,
				   const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	struct ct_error *err = ct_sql_prepare_bound(db->h, db->path, sql, &st,
						    types, ap);
	va_end(ap);
	if (err)
		return err;
	return each_view_row(db, st, (size_t)sqlite3_column_count(st), fn,
			     arg);
}

/* ---- reclustering (merge) ----------------------------------------------- */

struct ct_error *ct_results_recluster(struct ct_results *db,
				      size_t *ret_count)
{
	struct ct_error *err = ct_sql_exec(db->h, db->path, "BEGIN IMMEDIATE");
	if (err)
		return err;
	clusters_clear(db);
	err = ct_sql_exec(db->h, db->path, "UPDATE cases SET cluster_id = NULL;"
			  "DELETE FROM clusters;");
	db->clusters_loaded = true;	/* empty now */
	sqlite3_stmt *st = NULL;
	if (!err)
		err = ct_sql_prepare(db->h, db->path, "SELECT c.id, s.hash, "
				     "s.frames FROM cases c JOIN signatures s "
				     "ON s.case_id = c.id WHERE c.status = "
				     "'unknown' ORDER BY c.id", &st);
	size_t count = 0;
	int rc = SQLITE_DONE;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* the signature as stored: hash and frames, one a line */
		struct ct_signature sig = { 0 };
		const char *hash = col_text(st, 1);
		char *frames = strdup(col_text(st, 2) ? col_text(st, 2) : "");
		snprintf(sig.hash, sizeof(sig.hash), "%s", hash ? hash : "");
		char *lines[CT_CLUSTER_FRAMES];
		for (char *p = frames, *nl; p && *p &&
		     sig.frame_count < CT_CLUSTER_FRAMES; p = nl) {
			nl = strchr(p, '\n');
			if (nl)
				*nl++ = '\0';
			lines[sig.frame_count++] = p;
		}
		sig.frames = lines;
		err = frames ? cluster_assign(db, sqlite3_column_int64(st, 0),
					      &sig) : &ct_enomem;
		free(frames);
		count++;
	}
	if (!err && rc != SQLITE_DONE)
		err = ct_sql_error(db->h, db->path, "cannot read cases");
	if (st)
		sqlite3_finalize(st);
	if (!err)
		err = ct_sql_exec(db->h, db->path, "COMMIT");
	if (err)
		return rollback(db, err);
	*ret_count = count;
	return NULL;
}
