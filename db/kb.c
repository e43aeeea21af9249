/* SPDX-License-Identifier: MIT */
/*
 * kb.c - compile known-issue rules into SQLite, read them back, and search
 * them with FTS5.  The only file that includes sqlite3.h.
 *
 * Schema versions and their migrations are a list of SQL scripts:
 * migration N brings a database from version N-1 to N.  A build runs
 * them all on an empty file inside the one transaction that also inserts
 * the rules; opening an older file copies it into memory (the backup API)
 * and runs the missing ones there.  Every statement binds its values.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"
#include "db/kb.h"
#include "db/sql.h"

struct ct_kb_db {
	sqlite3 *h;
	int file_version;	/* schema version before migrations */
	char *path;		/* for messages */
};

/* The FTS5 rows of every rule, rebuilt from the rule tables. */
#define FTS_POPULATE                                                         \
	"INSERT INTO rule_fts(rowid, id, title, text, frames, patterns)\n"  \
	"SELECT r.rid, r.id, r.title,\n"                                     \
	"  coalesce(r.product, '') || ' ' || coalesce(r.component, '') ||\n" \
	"  ' ' || coalesce(r.summary, '') || ' ' ||\n"                       \
	"  coalesce(r.workaround, '') || ' ' || coalesce(r.resolution, '')\n"\
	"  || ' ' || coalesce((SELECT group_concat(f.text, ' ')\n"           \
	"    FROM reference f WHERE f.rid = r.rid), ''),\n"                  \
	"  coalesce((SELECT group_concat(i.value, ' ') FROM signal_item i\n" \
	"    JOIN signal s ON s.rid = i.rid AND s.seq = i.seq\n"             \
	"    WHERE i.rid = r.rid AND s.kind = 'frames'), ''),\n"             \
	"  coalesce((SELECT group_concat(coalesce(s.event, '') || ' ' ||\n"  \
	"    coalesce(s.pattern, '') || ' ' || coalesce(s.message, '') ||\n" \
	"    ' ' || coalesce(s.exception, '') || ' ' ||\n"                   \
	"    coalesce(s.key, '') || ' ' || coalesce(s.equals, '') || ' ' ||\n"\
	"    coalesce(s.matches, '') || ' ' ||\n"                            \
	"    coalesce(s.finding_kind, '') || ' ' ||\n"                       \
	"    coalesce(s.finding_type, '') || ' ' ||\n"                       \
	"    coalesce(s.finding_member, ''), ' ')\n"                         \
	"    FROM signal s WHERE s.rid = r.rid), '')\n"                      \
	"FROM rule r;\n"

/* migrations[N - 1] brings the schema from version N - 1 to N. */
static const char *const migrations[CT_KB_DB_SCHEMA_VERSION] = {
	/* 1: the rules and their parts */
	"CREATE TABLE rule (\n"
	"  rid INTEGER PRIMARY KEY,\n"
	"  id TEXT NOT NULL UNIQUE,\n"
	"  title TEXT NOT NULL,\n"
	"  product TEXT NOT NULL,\n"
	"  component TEXT,\n"
	"  summary TEXT,\n"
	"  workaround TEXT,\n"
	"  resolution TEXT,\n"
	"  threshold REAL NOT NULL,\n"
	"  source TEXT,\n"
	"  line INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE reference (\n"
	"  rid INTEGER NOT NULL REFERENCES rule(rid),\n"
	"  seq INTEGER NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  PRIMARY KEY (rid, seq));\n"
	"CREATE TABLE signal (\n"
	"  rid INTEGER NOT NULL REFERENCES rule(rid),\n"
	"  seq INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  weight REAL NOT NULL,\n"
	"  required INTEGER NOT NULL DEFAULT 0,\n"
	"  line INTEGER NOT NULL DEFAULT 0,\n"
	"  within INTEGER, max_gap INTEGER, min INTEGER,\n"
	"  event TEXT, pattern TEXT, count INTEGER, same TEXT,\n"
	"  message TEXT, exception TEXT,\n"
	"  key TEXT, op TEXT, equals TEXT, matches TEXT,\n"
	"  finding_kind TEXT, finding_type TEXT, finding_member TEXT,\n"
	"  PRIMARY KEY (rid, seq));\n"
	"CREATE TABLE signal_item (\n"
	"  rid INTEGER NOT NULL,\n"
	"  seq INTEGER NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY (rid, seq, pos),\n"
	"  FOREIGN KEY (rid, seq) REFERENCES signal(rid, seq));\n"
	"CREATE INDEX signal_item_value ON signal_item(value);\n"
	"CREATE TABLE version (\n"
	"  rid INTEGER NOT NULL REFERENCES rule(rid),\n"
	"  seq INTEGER NOT NULL,\n"
	"  product TEXT NOT NULL,\n"
	"  scheme TEXT NOT NULL,\n"
	"  fact TEXT NOT NULL,\n"
	"  PRIMARY KEY (rid, seq));\n"
	"CREATE TABLE version_line (\n"
	"  rid INTEGER NOT NULL,\n"
	"  vseq INTEGER NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  line TEXT NOT NULL,\n"
	"  introduced_in TEXT,\n"
	"  fixed_in TEXT,\n"
	"  PRIMARY KEY (rid, vseq, pos),\n"
	"  FOREIGN KEY (rid, vseq) REFERENCES version(rid, seq));\n"
	"CREATE TABLE example (\n"
	"  rid INTEGER NOT NULL REFERENCES rule(rid),\n"
	"  seq INTEGER NOT NULL,\n"
	"  counter INTEGER NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  PRIMARY KEY (rid, counter, seq));\n",
	/* 2: full-text search over titles, summaries, frames and patterns */
	"CREATE VIRTUAL TABLE rule_fts USING fts5(id, title, text, frames,\n"
	"  patterns, tokenize = \"unicode61 tokenchars '_'\");\n"
	FTS_POPULATE,
	/* 3: "fix: unknown" (a fix exists, its version is not public) */
	"ALTER TABLE rule ADD COLUMN fix_unknown INTEGER NOT NULL DEFAULT 0;\n",
	/* 4: structures a rule asks analyze to walk in cores, and the
	 * string members each walk checks */
	"CREATE TABLE walk (\n"
	"  rid INTEGER NOT NULL REFERENCES rule(rid),\n"
	"  seq INTEGER NOT NULL,\n"
	"  line INTEGER NOT NULL DEFAULT 0,\n"
	"  root TEXT NOT NULL, type TEXT, member TEXT,\n"
	"  elem_type TEXT, link TEXT, kind TEXT, key TEXT,\n"
	"  PRIMARY KEY (rid, seq));\n"
	"CREATE TABLE walk_string (\n"
	"  rid INTEGER NOT NULL,\n"
	"  seq INTEGER NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  PRIMARY KEY (rid, seq, pos),\n"
	"  FOREIGN KEY (rid, seq) REFERENCES walk(rid, seq));\n",
};

/* bm25 weights of rule_fts's columns: id, title, text, frames, patterns. */
#define FTS_RANK "bm25(rule_fts, 2.0, 3.0, 1.0, 8.0, 5.0)"

static struct ct_error *migrate(sqlite3 *h, const char *path, int from,
				int to)
{
	return ct_sql_migrate(h, path, migrations, from, to);
}

/* ------------------------------------------------------------------------
 * Building
 * ------------------------------------------------------------------------ */

enum {
	ST_RULE,
	ST_REFERENCE,
	ST_SIGNAL,
	ST_ITEM,
	ST_VERSION,
	ST_LINE,
	ST_EXAMPLE,
	ST_WALK,	/* schema 4 and later */
	ST_WALK_STRING,	/* schema 4 and later */
	ST_MAX,
};

/* The rule row before schema 3 (no fix_unknown), for building old files
 * that the migration tests read back. */
static const char insert_rule_v1[] =
	"INSERT INTO rule (rid, id, title, product, component, summary, "
	"workaround, resolution, threshold, source, line) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char *const insert_sql[ST_MAX] = {
	[ST_RULE] = "INSERT INTO rule (rid, id, title, product, component, "
		    "summary, workaround, resolution, threshold, source, line, "
		    "fix_unknown) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_REFERENCE] = "INSERT INTO reference (rid, seq, text) "
			 "VALUES (?, ?, ?)",
	[ST_SIGNAL] = "INSERT INTO signal (rid, seq, kind, weight, required, "
		      "line, within, max_gap, min, event, pattern, count, "
		      "same, message, exception, key, op, equals, matches, "
		      "finding_kind, finding_type, finding_member) VALUES "
		      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		      "?, ?, ?, ?)",
	[ST_ITEM] = "INSERT INTO signal_item (rid, seq, pos, value) "
		    "VALUES (?, ?, ?, ?)",
	[ST_VERSION] = "INSERT INTO version (rid, seq, product, scheme, fact) "
		       "VALUES (?, ?, ?, ?, ?)",
	[ST_LINE] = "INSERT INTO version_line (rid, vseq, pos, line, "
		    "introduced_in, fixed_in) VALUES (?, ?, ?, ?, ?, ?)",
	[ST_EXAMPLE] = "INSERT INTO example (rid, seq, counter, text) "
		       "VALUES (?, ?, ?, ?)",
	[ST_WALK] = "INSERT INTO walk (rid, seq, line, root, type, member, "
		    "elem_type, link, kind, key) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_WALK_STRING] = "INSERT INTO walk_string (rid, seq, pos, text) "
			   "VALUES (?, ?, ?, ?)",
};

static const char *const fact_ops[] = {
	[CT_FACT_PRESENT] = "present",
	[CT_FACT_EQUALS] = "equals",
	[CT_FACT_MATCHES] = "matches",
	[CT_FACT_IN] = "in",
};

static struct ct_error *insert_items(sqlite3 *h, const char *path,
				     sqlite3_stmt *st, sqlite3_int64 rid,
				     int seq, char **items, size_t count)
{
	struct ct_error *err = NULL;
	for (size_t i = 0; i < count && !err; i++) {
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int(st, 2, seq);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		ct_sql_bind_text(st, 4, items[i]);
		err = ct_sql_step_reset(h, path, st, "cannot insert");
	}
	return err;
}

static struct ct_error *insert_signal(sqlite3 *h, const char *path,
				      sqlite3_stmt **st, sqlite3_int64 rid,
				      int seq, const struct ct_signal *s)
{
	sqlite3_stmt *q = st[ST_SIGNAL];
	sqlite3_bind_int64(q, 1, rid);
	sqlite3_bind_int(q, 2, seq);
	ct_sql_bind_text(q, 3, ct_signal_kind_name(s->kind));
	sqlite3_bind_double(q, 4, s->weight);
	sqlite3_bind_int(q, 5, s->required);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)s->line);
	switch (s->kind) {
	case CT_SIGNAL_FRAMES:
		sqlite3_bind_int(q, 7, (int)s->u.frames.within);
		sqlite3_bind_int(q, 8, (int)s->u.frames.max_gap);
		sqlite3_bind_int(q, 9, (int)s->u.frames.min);
		break;
	case CT_SIGNAL_LOG:
		ct_sql_bind_text(q, 10, s->u.log.event);
		ct_sql_bind_text(q, 11, s->u.log.pattern.source);
		sqlite3_bind_int(q, 12, (int)s->u.log.count);
		ct_sql_bind_text(q, 13, s->u.log.same);
		break;
	case CT_SIGNAL_PANIC:
		ct_sql_bind_text(q, 14, s->u.panic.message.source);
		ct_sql_bind_text(q, 15, s->u.panic.exception.source);
		break;
	case CT_SIGNAL_FACT:
		ct_sql_bind_text(q, 16, s->u.fact.key);
		ct_sql_bind_text(q, 17, fact_ops[s->u.fact.op]);
		ct_sql_bind_text(q, 18, s->u.fact.equals);
		ct_sql_bind_text(q, 19, s->u.fact.matches.source);
		break;
	case CT_SIGNAL_FINDING:
		ct_sql_bind_text(q, 20, s->u.finding.kind);
		ct_sql_bind_text(q, 21, s->u.finding.type);
		ct_sql_bind_text(q, 22, s->u.finding.member);
		break;
	default:
		break;
	}
	struct ct_error *err = ct_sql_step_reset(h, path, q, "cannot insert");
	if (!err && s->kind == CT_SIGNAL_FRAMES)
		err = insert_items(h, path, st[ST_ITEM], rid, seq,
				   s->u.frames.names, s->u.frames.count);
	if (!err && s->kind == CT_SIGNAL_FACT && s->u.fact.op == CT_FACT_IN)
		err = insert_items(h, path, st[ST_ITEM], rid, seq,
				   s->u.fact.in, s->u.fact.in_count);
	return err;
}

static struct ct_error *insert_walk(sqlite3 *h, const char *path,
				    sqlite3_stmt **st, sqlite3_int64 rid,
				    int seq, const struct ct_rule_walk *k)
{
	sqlite3_stmt *q = st[ST_WALK];
	sqlite3_bind_int64(q, 1, rid);
	sqlite3_bind_int(q, 2, seq);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)k->line);
	ct_sql_bind_text(q, 4, k->root);
	ct_sql_bind_text(q, 5, k->type);
	ct_sql_bind_text(q, 6, k->member);
	ct_sql_bind_text(q, 7, k->elem_type);
	ct_sql_bind_text(q, 8, k->link);
	ct_sql_bind_text(q, 9, k->kind);
	ct_sql_bind_text(q, 10, k->key);
	struct ct_error *err = ct_sql_step_reset(h, path, q, "cannot insert");
	for (size_t i = 0; i < k->string_count && !err; i++) {
		q = st[ST_WALK_STRING];
		sqlite3_bind_int64(q, 1, rid);
		sqlite3_bind_int(q, 2, seq);
		sqlite3_bind_int64(q, 3, (sqlite3_int64)i);
		ct_sql_bind_text(q, 4, k->strings[i]);
		err = ct_sql_step_reset(h, path, q, "cannot insert");
	}
	return err;
}

static struct ct_error *insert_rule(sqlite3 *h, const char *path,
				    sqlite3_stmt **st, sqlite3_int64 rid,
				    const struct ct_rule *r)
{
	sqlite3_stmt *q = st[ST_RULE];
	sqlite3_bind_int64(q, 1, rid);
	ct_sql_bind_text(q, 2, r->id);
	ct_sql_bind_text(q, 3, r->title);
	ct_sql_bind_text(q, 4, r->product);
	ct_sql_bind_text(q, 5, r->component);
	ct_sql_bind_text(q, 6, r->summary);
	ct_sql_bind_text(q, 7, r->workaround);
	ct_sql_bind_text(q, 8, r->resolution);
	sqlite3_bind_double(q, 9, r->threshold);
	ct_sql_bind_text(q, 10, r->source);
	sqlite3_bind_int64(q, 11, (sqlite3_int64)r->line);
	sqlite3_bind_int(q, 12, r->fix_unknown);
	struct ct_error *err = ct_sql_step_reset(h, path, q, "cannot insert");
	for (size_t i = 0; i < r->reference_count && !err; i++) {
		q = st[ST_REFERENCE];
		sqlite3_bind_int64(q, 1, rid);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
		ct_sql_bind_text(q, 3, r->references[i]);
		err = ct_sql_step_reset(h, path, q, "cannot insert");
	}
	for (size_t i = 0; i < r->signal_count && !err; i++)
		err = insert_signal(h, path, st, rid, (int)i, &r->signals[i]);
	for (size_t i = 0; i < r->version_count && !err; i++) {
		const struct ct_version_spec *v = &r->versions[i];
		q = st[ST_VERSION];
		sqlite3_bind_int64(q, 1, rid);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
		ct_sql_bind_text(q, 3, v->product);
		ct_sql_bind_text(q, 4, ct_version_scheme_name(v->scheme));
		ct_sql_bind_text(q, 5, v->fact);
		err = ct_sql_step_reset(h, path, q, "cannot insert");
		for (size_t j = 0; j < v->line_count && !err; j++) {
			q = st[ST_LINE];
			sqlite3_bind_int64(q, 1, rid);
			sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
			sqlite3_bind_int64(q, 3, (sqlite3_int64)j);
			ct_sql_bind_text(q, 4, v->lines[j].line);
			ct_sql_bind_text(q, 5, v->lines[j].introduced_in);
			ct_sql_bind_text(q, 6, v->lines[j].fixed_in);
			err = ct_sql_step_reset(h, path, q, "cannot insert");
		}
	}
	for (int counter = 0; counter < 2 && !err; counter++) {
		char **list = counter ? r->counter_examples : r->examples;
		size_t n = counter ? r->counter_example_count
				   : r->example_count;
		for (size_t i = 0; i < n && !err; i++) {
			q = st[ST_EXAMPLE];
			sqlite3_bind_int64(q, 1, rid);
			sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
			sqlite3_bind_int(q, 3, counter);
			ct_sql_bind_text(q, 4, list[i]);
			err = ct_sql_step_reset(h, path, q, "cannot insert");
		}
	}
	for (size_t i = 0; st[ST_WALK] && i < r->walk_count && !err; i++)
		err = insert_walk(h, path, st, rid, (int)i, &r->walks[i]);
	return err;
}

/* Create the schema at version and insert kb, in one transaction. */
static struct ct_error *build_into(sqlite3 *h, const char *path,
				   const struct ct_kb *kb, int version)
{
	struct ct_error *err = ct_sql_exec(h, path,
				    "PRAGMA application_id = 1129597762;"
				    "BEGIN;"
				    "CREATE TABLE schema_version ("
				    "version INTEGER NOT NULL);"
				    "INSERT INTO schema_version VALUES (0);");
	if (err)
		return err;
	err = migrate(h, path, 0, version);
	sqlite3_stmt *st[ST_MAX] = { NULL };
	for (int i = 0; i < ST_MAX && !err; i++)
		if ((i != ST_WALK && i != ST_WALK_STRING) || version >= 4)
			err = ct_sql_prepare(h, path,
				      i == ST_RULE && version < 3
					      ? insert_rule_v1 : insert_sql[i],
				      &st[i]);
	for (size_t i = 0; i < kb->count && !err; i++)
		err = insert_rule(h, path, st, (sqlite3_int64)i + 1,
				  kb->rules[i]);
	for (int i = 0; i < ST_MAX; i++)
		sqlite3_finalize(st[i]);
	if (!err && version >= 2)
		err = ct_sql_exec(h, path, "DELETE FROM rule_fts;" FTS_POPULATE);
	if (!err)
		err = ct_sql_exec(h, path, "COMMIT;");
	else
		(void)sqlite3_exec(h, "ROLLBACK;", NULL, NULL, NULL);
	return err;
}

struct ct_error *ct_kb_db_build_version(const struct ct_kb *kb,
					const char *path, int version)
{
	if (version < 1 || version > CT_KB_DB_SCHEMA_VERSION)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT,
				       "no schema version %d", version);
	char *tmp;
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return &ct_enomem;
	(void)unlink(tmp);
	sqlite3 *h = NULL;
	struct ct_error *err = NULL;
	if (sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		err = ct_sql_error(h, tmp, "cannot create");
	if (!err)
		err = build_into(h, tmp, kb, version);
	if (sqlite3_close(h) != SQLITE_OK && !err)
		err = ct_error_at(ct_error_create(CT_ERROR_OS,
						  "cannot close"),
				  tmp, 0, 0, false);
	if (!err && rename(tmp, path) != 0)
		err = ct_error_os(errno, path, "cannot rename '%s' to", tmp);
	if (err)
		(void)unlink(tmp);
	free(tmp);
	return err;
}

struct ct_error *ct_kb_db_build(const struct ct_kb *kb, const char *path)
{
	return ct_kb_db_build_version(kb, path, CT_KB_DB_SCHEMA_VERSION);
}

/* ------------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------------ */

bool ct_kb_db_is_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char buf[16];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return n == sizeof(buf) && memcmp(buf, magic, sizeof(buf)) == 0;
}

void ct_kb_db_close(struct ct_kb_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

int ct_kb_db_file_version(const struct ct_kb_db *db)
{
	return db->file_version;
}

static struct ct_error *read_version(sqlite3 *h, const char *path,
				     int *ret)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "SELECT version FROM schema_version", -1,
			       &st, NULL) != SQLITE_OK)
		return ct_error_corrupt(path, 0, "not a crashtriage knowledge "
					"base (no schema_version table)");
	int rc = sqlite3_step(st);
	int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (v < 1)
		return ct_error_corrupt(path, 0, "bad schema version");
	*ret = v;
	return NULL;
}

static struct ct_kb_db *db_new(const char *path)
{
	struct ct_kb_db *db = calloc(1, sizeof(*db));
	if (db && !(db->path = strdup(path))) {
		free(db);
		db = NULL;
	}
	return db;
}

struct ct_error *ct_kb_db_open(const char *path, struct ct_kb_db **ret)
{
	if (access(path, R_OK) != 0)
		return ct_error_os(errno, path, "cannot open");
	struct ct_kb_db *db = db_new(path);
	if (!db)
		return &ct_enomem;
	struct ct_error *err = NULL;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		err = ct_sql_error(db->h, path, "cannot open");
	/* the file is input: no functions from its schema, no tricks */
	if (!err)
		(void)sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1,
					NULL);
	if (!err)
		err = ct_sql_exec(db->h, path, "PRAGMA trusted_schema = OFF;");
	if (!err)
		err = read_version(db->h, path, &db->file_version);
	if (!err && db->file_version > CT_KB_DB_SCHEMA_VERSION)
		err = ct_error_at(
			ct_error_create(CT_ERROR_UNSUPPORTED,
					"built by a newer crashtriage (schema "
					"%d; this one reads up to %d)",
					db->file_version,
					CT_KB_DB_SCHEMA_VERSION),
			path, 0, 0, false);
	if (!err && db->file_version < CT_KB_DB_SCHEMA_VERSION) {
		/* migrate a copy in memory; the file stays as it is */
		sqlite3 *mem = NULL;
		if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE,
				    NULL) != SQLITE_OK)
			err = ct_sql_error(mem, path, "cannot open memory");
		sqlite3_backup *b = err ? NULL
				    : sqlite3_backup_init(mem, "main", db->h,
							  "main");
		if (!err && (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE))
			err = ct_sql_error(mem, path, "cannot copy");
		if (b)
			sqlite3_backup_finish(b);
		if (!err)
			err = ct_sql_exec(mem, path, "BEGIN;");
		if (!err)
			err = migrate(mem, path, db->file_version,
				      CT_KB_DB_SCHEMA_VERSION);
		if (!err)
			err = ct_sql_exec(mem, path, "COMMIT;");
		sqlite3_close(db->h);
		db->h = mem;
	}
	if (err) {
		ct_kb_db_close(db);
		return err;
	}
	*ret = db;
	return NULL;
}

struct ct_error *ct_kb_db_from_kb(const struct ct_kb *kb,
				  struct ct_kb_db **ret)
{
	struct ct_kb_db *db = db_new(":memory:");
	if (!db)
		return &ct_enomem;
	struct ct_error *err = NULL;
	if (sqlite3_open_v2(":memory:", &db->h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		err = ct_sql_error(db->h, ":memory:", "cannot open");
	if (!err)
		err = build_into(db->h, ":memory:", kb,
				 CT_KB_DB_SCHEMA_VERSION);
	if (err) {
		ct_kb_db_close(db);
		return err;
	}
	db->file_version = CT_KB_DB_SCHEMA_VERSION;
	*ret = db;
	return NULL;
}

/* ------------------------------------------------------------------------
 * Reading the rules back
 * ------------------------------------------------------------------------ */

/* Loader state: rules by rid (ascending, as read). */
struct reader {
	struct ct_kb_db *db;
	struct ct_rule **rules;
	sqlite3_int64 *rids;
	size_t count;
	size_t cap;
	size_t rids_cap;
};

static struct ct_error *corrupt(const struct reader *r, const char *what,
				sqlite3_int64 rid)
{
	return ct_error_corrupt(r->db->path, 0, "damaged knowledge base: %s "
				"(rule row %lld)", what, (long long)rid);
}

/* Column i as a new string (NULL for SQL NULL); false on OOM or when the
 * value is too long. */
static bool column_dup(sqlite3_stmt *st, int i, char **ret)
{
	*ret = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return true;
	const unsigned char *s = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);
	if (!s || n < 0 || n > CT_RULE_MAX_STRING)
		return false;
	*ret = strndup((const char *)s, (size_t)n);
	return *ret != NULL;
}

static int rid_cmp(const void *key, const void *elem, void *arg)
{
	sqlite3_int64 a = *(const sqlite3_int64 *)key;
	sqlite3_int64 b = *(const sqlite3_int64 *)elem;
	(void)arg;
	return a < b ? -1 : a > b;
}

static struct ct_rule *find_rule(const struct reader *r, sqlite3_int64 rid)
{
	size_t i = ct_bsearch_find(&rid, r->rids, r->count, sizeof(*r->rids),
				   rid_cmp, NULL);
	return i < r->count ? r->rules[i] : NULL;
}

/* Append s to a string list (count capped at max). */
static bool list_append(char ***list, size_t *count, size_t max, char *s)
{
	if (*count >= max)
		return false;
	char **v = realloc(*list, (*count + 1) * sizeof(*v));
	if (!v)
		return false;
	v[(*count)++] = s;
	*list = v;
	return true;
}

static struct ct_error *read_rules(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(
		r->db->h, r->db->path,
		"SELECT rid, id, title, product, component, summary, "
		"workaround, resolution, threshold, source, line, fix_unknown "
		"FROM rule ORDER BY rid", &st);
	while (!err) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			err = ct_sql_error(r->db->h, r->db->path, "cannot read");
			break;
		}
		if (!ct_grow((void **)&r->rules, &r->cap, r->count + 1,
			     sizeof(*r->rules)) ||
		    !ct_grow((void **)&r->rids, &r->rids_cap, r->count + 1,
			     sizeof(*r->rids))) {
			err = &ct_enomem;
			break;
		}
		struct ct_rule *rule = calloc(1, sizeof(*rule));
		if (!rule) {
			err = &ct_enomem;
			break;
		}
		r->rids[r->count] = sqlite3_column_int64(st, 0);
		r->rules[r->count++] = rule;
		char **fields[] = { &rule->id, &rule->title, &rule->product,
				    &rule->component, &rule->summary,
				    &rule->workaround, &rule->resolution };
		for (int i = 0; i < 7 && !err; i++)
			if (!column_dup(st, i + 1, fields[i]))
				err = corrupt(r, "bad rule text",
					      r->rids[r->count - 1]);
		rule->threshold = sqlite3_column_double(st, 8);
		if (!err && !column_dup(st, 9, &rule->source))
			err = &ct_enomem;
		sqlite3_int64 line = sqlite3_column_int64(st, 10);
		rule->line = line > 0 ? (unsigned long)line : 0;
		rule->fix_unknown = sqlite3_column_int(st, 11) != 0;
		if (!err && (!rule->id || !rule->title || !rule->product))
			err = corrupt(r, "rule without id, title or product",
				      r->rids[r->count - 1]);
	}
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *read_references(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(r->db->h, r->db->path,
				       "SELECT rid, text FROM reference "
				       "ORDER BY rid, seq", &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		struct ct_rule *rule = find_rule(r, rid);
		char *s;
		if (!rule || !column_dup(st, 1, &s) || !s) {
			err = corrupt(r, "bad reference", rid);
			break;
		}
		if (!list_append(&rule->references, &rule->reference_count,
				 CT_RULE_MAX_LIST, s)) {
			free(s);
			err = corrupt(r, "too many references", rid);
		}
	}
	sqlite3_finalize(st);
	return err;
}

static bool regex_source(sqlite3_stmt *st, int i, struct ct_regex *re)
{
	return column_dup(st, i, &re->source);
}

/* The kind-specific values of signal s from its row; false when they are
 * out of range or cannot be copied. */
static bool signal_values(sqlite3_stmt *st, struct ct_signal *s)
{
	bool ok = true;
	switch (s->kind) {
	case CT_SIGNAL_FRAMES: {
		int within = sqlite3_column_int(st, 6);
		int gap = sqlite3_column_int(st, 7);
		int min = sqlite3_column_int(st, 8);
		ok = within >= 1 && within <= CT_MAX_FRAMES &&
		     gap >= 0 && gap <= CT_MAX_FRAMES && min >= 0 &&
		     min <= CT_RULE_MAX_SEQUENCE;
		s->u.frames.within = (unsigned)within;
		s->u.frames.max_gap = (unsigned)gap;
		s->u.frames.min = (unsigned)min;
		break;
	}
	case CT_SIGNAL_LOG: {
		int count = sqlite3_column_int(st, 11);
		ok = column_dup(st, 9, &s->u.log.event) &&
		     regex_source(st, 10, &s->u.log.pattern) &&
		     column_dup(st, 12, &s->u.log.same) &&
		     count >= 1 && count <= 100000;
		s->u.log.count = (unsigned)count;
		break;
	}
	case CT_SIGNAL_PANIC:
		ok = regex_source(st, 13, &s->u.panic.message) &&
		     regex_source(st, 14, &s->u.panic.exception);
		break;
	case CT_SIGNAL_FACT: {
		const char *op =
			(const char *)sqlite3_column_text(st, 16);
		int o = 0;
		while (o < 4 && op && strcmp(op, fact_ops[o]) != 0)
			o++;
		ok = o < 4 && column_dup(st, 15, &s->u.fact.key) &&
		     column_dup(st, 17, &s->u.fact.equals) &&
		     regex_source(st, 18, &s->u.fact.matches);
		s->u.fact.op = o < 4 ? (enum ct_fact_op)o
				     : CT_FACT_PRESENT;
		if (ok && s->u.fact.op == CT_FACT_MATCHES &&
		    !s->u.fact.matches.source)
			ok = false;
		break;
	}
	case CT_SIGNAL_FINDING:
		ok = column_dup(st, 19, &s->u.finding.kind) &&
		     column_dup(st, 20, &s->u.finding.type) &&
		     column_dup(st, 21, &s->u.finding.member);
		break;
	default:
		break;
	}
	return ok;
}

static struct ct_error *read_signals(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(
		r->db->h, r->db->path,
		"SELECT rid, seq, kind, weight, required, line, within, "
		"max_gap, min, event, pattern, count, same, message, "
		"exception, key, op, equals, matches, finding_kind, "
		"finding_type, finding_member FROM signal ORDER BY rid, seq",
		&st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		struct ct_rule *rule = find_rule(r, rid);
		if (!rule || sqlite3_column_int64(st, 1) !=
				     (sqlite3_int64)rule->signal_count ||
		    rule->signal_count >= CT_RULE_MAX_SIGNALS) {
			err = corrupt(r, "bad signal row", rid);
			break;
		}
		struct ct_signal *v = realloc(rule->signals,
					      (rule->signal_count + 1) *
						      sizeof(*v));
		if (!v) {
			err = &ct_enomem;
			break;
		}
		rule->signals = v;
		struct ct_signal *s = &v[rule->signal_count++];
		memset(s, 0, sizeof(*s));
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		int k = 0;
		while (k < CT_SIGNAL_KIND_MAX && kind &&
		       strcmp(kind, ct_signal_kind_name(k)) != 0)
			k++;
		if (k == CT_SIGNAL_KIND_MAX) {
			s->kind = CT_SIGNAL_FINDING; /* frees nothing */
			err = corrupt(r, "unknown signal kind", rid);
			break;
		}
		s->kind = k;
		s->weight = sqlite3_column_double(st, 3);
		s->required = sqlite3_column_int(st, 4) != 0;
		sqlite3_int64 line = sqlite3_column_int64(st, 5);
		s->line = line > 0 ? (unsigned long)line : 0;
		if (!signal_values(st, s))
			err = corrupt(r, "bad signal values", rid);
	}
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *read_items(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(r->db->h, r->db->path,
				       "SELECT rid, seq, value FROM "
				       "signal_item ORDER BY rid, seq, pos",
				       &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		sqlite3_int64 seq = sqlite3_column_int64(st, 1);
		struct ct_rule *rule = find_rule(r, rid);
		char *s = NULL;
		if (!rule || seq < 0 ||
		    seq >= (sqlite3_int64)rule->signal_count ||
		    !column_dup(st, 2, &s) || !s) {
			free(s);
			err = corrupt(r, "bad signal item", rid);
			break;
		}
		struct ct_signal *sig = &rule->signals[seq];
		bool ok = false;
		if (sig->kind == CT_SIGNAL_FRAMES)
			ok = list_append(&sig->u.frames.names,
					 &sig->u.frames.count,
					 CT_RULE_MAX_SEQUENCE, s);
		else if (sig->kind == CT_SIGNAL_FACT &&
			 sig->u.fact.op == CT_FACT_IN)
			ok = list_append(&sig->u.fact.in, &sig->u.fact.in_count,
					 CT_RULE_MAX_LIST, s);
		if (!ok) {
			free(s);
			err = corrupt(r, "signal item of no list", rid);
		}
	}
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *read_versions(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(r->db->h, r->db->path,
				       "SELECT rid, seq, product, scheme, fact "
				       "FROM version ORDER BY rid, seq", &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		struct ct_rule *rule = find_rule(r, rid);
		if (!rule || sqlite3_column_int64(st, 1) !=
				     (sqlite3_int64)rule->version_count ||
		    rule->version_count >= CT_RULE_MAX_LIST) {
			err = corrupt(r, "bad version row", rid);
			break;
		}
		struct ct_version_spec *v = realloc(
			rule->versions,
			(rule->version_count + 1) * sizeof(*v));
		if (!v) {
			err = &ct_enomem;
			break;
		}
		rule->versions = v;
		struct ct_version_spec *spec = &v[rule->version_count++];
		memset(spec, 0, sizeof(*spec));
		const char *scheme = (const char *)sqlite3_column_text(st, 3);
		if (!column_dup(st, 2, &spec->product) ||
		    !column_dup(st, 4, &spec->fact) ||
		    !ct_version_scheme_from_name(scheme, &spec->scheme))
			err = corrupt(r, "bad version values", rid);
	}
	sqlite3_finalize(st);
	if (err)
		return err;
	err = ct_sql_prepare(r->db->h, r->db->path,
		      "SELECT rid, vseq, line, introduced_in, fixed_in FROM "
		      "version_line ORDER BY rid, vseq, pos", &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		sqlite3_int64 vseq = sqlite3_column_int64(st, 1);
		struct ct_rule *rule = find_rule(r, rid);
		if (!rule || vseq < 0 ||
		    vseq >= (sqlite3_int64)rule->version_count) {
			err = corrupt(r, "bad version line", rid);
			break;
		}
		struct ct_version_spec *spec = &rule->versions[vseq];
		if (spec->line_count >= CT_RULE_MAX_LIST) {
			err = corrupt(r, "too many version lines", rid);
			break;
		}
		struct ct_version_line *l = realloc(
			spec->lines, (spec->line_count + 1) * sizeof(*l));
		if (!l) {
			err = &ct_enomem;
			break;
		}
		spec->lines = l;
		struct ct_version_line *vl = &l[spec->line_count++];
		memset(vl, 0, sizeof(*vl));
		if (!column_dup(st, 2, &vl->line) ||
		    !column_dup(st, 3, &vl->introduced_in) ||
		    !column_dup(st, 4, &vl->fixed_in) || !vl->line)
			err = corrupt(r, "bad version line values", rid);
	}
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *read_examples(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(r->db->h, r->db->path,
				       "SELECT rid, counter, text FROM example "
				       "ORDER BY rid, counter, seq", &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		struct ct_rule *rule = find_rule(r, rid);
		char *s = NULL;
		if (!rule || !column_dup(st, 2, &s) || !s) {
			free(s);
			err = corrupt(r, "bad example", rid);
			break;
		}
		bool counter = sqlite3_column_int(st, 1) != 0;
		if (!list_append(counter ? &rule->counter_examples
				 : &rule->examples,
				 counter ? &rule->counter_example_count
				 : &rule->example_count,
				 CT_RULE_MAX_LIST, s)) {
			free(s);
			err = corrupt(r, "too many examples", rid);
		}
	}
	sqlite3_finalize(st);
	return err;
}

static struct ct_error *read_walks(struct reader *r)
{
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(r->db->h, r->db->path,
				       "SELECT rid, line, root, type, member, "
				       "elem_type, link, kind, key "
				       "FROM walk ORDER BY rid, seq", &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		struct ct_rule *rule = find_rule(r, rid);
		if (!rule || rule->walk_count >= CT_RULE_MAX_WALKS) {
			err = corrupt(r, "bad walk", rid);
			break;
		}
		struct ct_rule_walk *v = realloc(rule->walks,
			(rule->walk_count + 1) * sizeof(*v));
		if (!v) {
			err = &ct_enomem;
			break;
		}
		rule->walks = v;
		struct ct_rule_walk *k = &v[rule->walk_count++];
		memset(k, 0, sizeof(*k));
		k->line = (unsigned long)sqlite3_column_int64(st, 1);
		bool ok = column_dup(st, 2, &k->root) &&
			  column_dup(st, 3, &k->type) &&
			  column_dup(st, 4, &k->member) &&
			  column_dup(st, 5, &k->elem_type) &&
			  column_dup(st, 6, &k->link) &&
			  column_dup(st, 7, &k->kind) &&
			  column_dup(st, 8, &k->key);
		if (!ok)
			err = corrupt(r, "bad walk", rid);
	}
	sqlite3_finalize(st);
	if (err)
		return err;
	/* the walks of a rule were read in seq order: seq is their index */
	err = ct_sql_prepare(r->db->h, r->db->path,
		      "SELECT rid, seq, text FROM walk_string "
		      "ORDER BY rid, seq, pos", &st);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 rid = sqlite3_column_int64(st, 0);
		sqlite3_int64 seq = sqlite3_column_int64(st, 1);
		struct ct_rule *rule = find_rule(r, rid);
		char *s = NULL;
		if (!rule || seq < 0 || (uint64_t)seq >= rule->walk_count ||
		    !column_dup(st, 2, &s) || !s ||
		    !list_append(&rule->walks[seq].strings,
				 &rule->walks[seq].string_count,
				 CT_RULE_MAX_WALK_STRINGS, s)) {
			free(s);
			err = corrupt(r, "bad walk string", rid);
		}
	}
	sqlite3_finalize(st);
	return err;
}

struct ct_error *ct_kb_db_read(struct ct_kb_db *db, const char *source,
			       struct ct_kb **ret)
{
	struct reader r = { .db = db };
	struct ct_error *err = read_rules(&r);
	if (!err)
		err = read_references(&r);
	if (!err)
		err = read_signals(&r);
	if (!err)
		err = read_items(&r);
	if (!err)
		err = read_versions(&r);
	if (!err)
		err = read_examples(&r);
	if (!err)
		err = read_walks(&r);
	struct ct_kb *kb = NULL;
	if (!err)
		err = ct_kb_create(source, &kb);
	size_t i = 0;
	for (; i < r.count && !err; i++) {
		err = ct_rule_finish(r.rules[i]);
		if (!err)
			err = ct_kb_add_rule(kb, r.rules[i]);
		if (!err)
			r.rules[i] = NULL; /* kb owns it */
	}
	for (i = 0; i < r.count; i++)
		ct_rule_destroy(r.rules[i]);
	free(r.rules);
	free(r.rids);
	if (err) {
		ct_kb_destroy(kb);
		return err;
	}
	*ret = kb;
	return NULL;
}

struct ct_error *ct_kb_db_load(const char *path, struct ct_kb **ret)
{
	struct ct_kb_db *db;
	struct ct_error *err = ct_kb_db_open(path, &db);
	if (err)
		return err;
	err = ct_kb_db_read(db, path, ret);
	ct_kb_db_close(db);
	return err;
}

/* ------------------------------------------------------------------------
 * Full-text search
 * ------------------------------------------------------------------------ */

enum { SEARCH_MAX_WORDS = 64, SEARCH_MAX_WORD = 64 };

/* Words of pasted text that say nothing about an issue. */
static bool is_filler(const char *w, size_t n)
{
	static const char *const filler[] = {
		"optimized", "out", "entry", "gdb", "the", "and", "for",
		"from", "with", "this", "that", "was", "are", "not", "has",
		"have", "into", "kernel", "cpu", "line",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(filler); i++)
		if (strlen(filler[i]) == n && strncasecmp(w, filler[i], n) == 0)
			return true;
	bool digit = false, hex = true;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (ct_is_digit(c))
			digit = true;
		else if (!ct_is_hex(c))
			hex = false;
	}
	/* numbers, addresses, and "0x..." */
	if (hex && digit)
		return true;
	if (n > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X'))
		return true;
	return false;
}

/* Build the FTS5 query '"w1" OR "w2" ...'; NULL with *empty when the
 * text has no usable word. */
static char *search_query(const char *text, bool *empty)
{
	struct ct_strbuf q = CT_STRBUF_INIT;
	const char *seen[SEARCH_MAX_WORDS];
	size_t seen_len[SEARCH_MAX_WORDS];
	size_t words = 0;
	*empty = false;
	for (const char *p = text; *p && words < SEARCH_MAX_WORDS;) {
		if (!ct_is_word_char(*p)) {
			p++;
			continue;
		}
		const char *w = p;
		while (ct_is_word_char(*p))
			p++;
		size_t n = (size_t)(p - w);
		if (n < 3 || n > SEARCH_MAX_WORD || is_filler(w, n))
			continue;
		bool dup = false;
		for (size_t i = 0; i < words && !dup; i++)
			dup = seen_len[i] == n &&
			      strncasecmp(seen[i], w, n) == 0;
		if (dup)
			continue;
		seen[words] = w;
		seen_len[words++] = n;
		if (q.len)
			ct_strbuf_puts(&q, " OR ");
		ct_strbuf_putc(&q, '"');
		ct_strbuf_append(&q, w, n);
		ct_strbuf_putc(&q, '"');
	}
	if (q.failed) {
		ct_strbuf_deinit(&q);
		return NULL;
	}
	if (!q.len) {
		*empty = true;
		return NULL;
	}
	return ct_strbuf_detach(&q);
}

void ct_kb_hits_free(struct ct_kb_hit *hits, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(hits[i].id);
		free(hits[i].title);
		free(hits[i].snippet);
	}
	free(hits);
}

struct ct_error *ct_kb_db_search(struct ct_kb_db *db, const char *text,
				 size_t limit, struct ct_kb_hit **ret,
				 size_t *ret_count)
{
	bool empty;
	char *query = search_query(text, &empty);
	*ret = NULL;
	*ret_count = 0;
	if (!query)
		return empty ? NULL : &ct_enomem;
	sqlite3_stmt *st;
	struct ct_error *err = ct_sql_prepare(
		db->h, db->path,
		"SELECT r.id, r.title, " FTS_RANK " AS rank, "
		"snippet(rule_fts, -1, '[', ']', '...', 12) "
		"FROM rule_fts JOIN rule r ON r.rid = rule_fts.rowid "
		"WHERE rule_fts MATCH ? ORDER BY rank, r.id LIMIT ?", &st);
	if (err) {
		free(query);
		return err;
	}
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(limit ? limit : 10));
	struct ct_kb_hit *hits = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!ct_grow((void **)&hits, &cap, count + 1, sizeof(*hits))) {
			err = &ct_enomem;
			break;
		}
		struct ct_kb_hit *h = &hits[count];
		memset(h, 0, sizeof(*h));
		count++;
		h->rank = sqlite3_column_double(st, 2);
		if (!column_dup(st, 0, &h->id) ||
		    !column_dup(st, 1, &h->title) ||
		    !column_dup(st, 3, &h->snippet) || !h->id) {
			err = &ct_enomem;
			break;
		}
	}
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = ct_sql_error(db->h, db->path, "cannot search");
	sqlite3_finalize(st);
	free(query);
	if (err) {
		ct_kb_hits_free(hits, count);
		return err;
	}
	*ret = hits;
	*ret_count = count;
	return NULL;
}
