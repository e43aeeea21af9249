/* SPDX-License-Identifier: MIT */
/*
 * serve.h - the team dashboard of `crashtriage serve`: a small HTTP server
 * (libmicrohttpd, one internal polling thread, so one thread touches the
 * database and the knowledge base) rendering a results database as
 * server-rendered HTML pages and JSON under /api/.  The pages read the
 * database through a read-only handle (ct_results_open_readonly());
 * only an upload writes, through db/batch.h as `crashtriage batch` does,
 * one upload at a time.  The whole-database views (totals, known issues,
 * clusters, versions, timeline) are kept between requests until another
 * connection commits (SQLite's data_version), so that every page of a
 * 100k-case database takes about a millisecond; the first page after a
 * commit computes the views it shows again.
 *
 * Upload: POST /upload (or /api/upload) as multipart/form-data with the
 * field "csrf" (the forms' token) first, then one file field "file" (a
 * bundle, an archive or a log).  The file is streamed to a temporary
 * file as it arrives (never held whole in memory, never unpacked on
 * disk), size-capped, classified, and removed; the answer is 303 to the
 * case's page (one case) or to /input/ID (several), or for /api/upload
 * the JSON of /api/input/ID ({"summary": [the input's row], "cases":
 * [its cases], ...}) with that Location.
 *
 * Safe by default: bounded connections, time per connection, header
 * memory and body size; every string from the evidence escaped; a
 * Content-Security-Policy with a per-response nonce; no path from a URL
 * ever reaches the file system; changes (search, upload) are POST with a
 * CSRF token; with a token, every request needs it (Authorization: Bearer or
 * the cookie the login form sets).
 */
#ifndef CT_SERVE_H
#define CT_SERVE_H

#include <stdint.h>

#include "analyzer/crashtriage.h"

struct ct_results;
struct ct_kb;
struct ct_kb_db;
struct ct_server;

/* Bytes of an upload when ct_server_options.max_upload is 0. */
#define CT_SERVE_MAX_UPLOAD ((uint64_t)256 << 20)

struct ct_server_options {
	struct ct_results *db;		/* borrowed, read-only */
	/* The database's file: an upload is classified into it through
	 * db/batch.h (its own read-write handle and write lock, taken for
	 * the upload only); NULL refuses uploads (403). */
	const char *db_path;
	uint64_t max_upload;		/* bytes, 0: CT_SERVE_MAX_UPLOAD */
	const char *tmp_dir;		/* where an upload is spooled while it
					 * arrives, NULL: $TMPDIR or /tmp */
	unsigned case_timeout;		/* seconds per uploaded case, 0: none */
	const struct ct_kb *kb;		/* borrowed: search verdicts */
	struct ct_kb_db *kb_db;		/* borrowed: search ranking */
	uint32_t addr;			/* IPv4, host byte order */
	uint16_t port;			/* 0: any free port */
	const char *token;		/* required token, or NULL */
	unsigned max_connections;	/* 0: 64 */
	unsigned timeout;		/* seconds per connection, 0: 10 */
};

/*
 * ct_server_start - listen and serve on a thread of libmicrohttpd's
 * until ct_server_stop().  *ret_port: the port bound.  Return NULL with
 * *ret set, or a CT_ERROR_OS error when the address cannot be bound.
 */
struct ct_error *ct_server_start(const struct ct_server_options *opts,
				 struct ct_server **ret, uint16_t *ret_port);
/* Stop serving and free the server; NULL does nothing. */
void ct_server_stop(struct ct_server *s);

#endif /* CT_SERVE_H */
