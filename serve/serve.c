/* SPDX-License-Identifier: MIT */
/*
 * serve.c - the dashboard's HTTP side and pages (see serve.h).  A request
 * is routed by exact path shapes only ("/case/<digits>", "/issue/<rule
 * id>"): nothing from a URL is ever a file name.  Pages are written into
 * a memory stream and sent whole; lists show PAGE_ROWS rows per ?page=N.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/html.h"
#include "analyzer/cluster.h"
#include "analyzer/strbuf.h"
#include "db/batch.h"
#include "db/kb.h"
#include "db/query.h"
#include "db/results.h"
#include "serve/mhd-lazy.h"
#include "rules/match.h"
#include "rules/rule.h"
#include "serve/serve.h"

enum {
	PAGE_ROWS = 50,			/* rows per page of a list */
	MAX_PAGE = 1000000,		/* ?page= above this is refused */
	MAX_BODY = 1 << 20,		/* bytes of a POST body (search) */
	MAX_SEARCH_HITS = 10,		/* known issues a search shows */
	MAX_NEAR_CLUSTERS = 5,		/* clusters a search shows */
	UPLOAD_BUFFER = 16 * 1024,	/* the post processor's buffer */
	MAX_UPLOAD_NAME = 128,		/* bytes of an upload's file name */
};

/*
 * The whole-database report views the pages show, kept between requests
 * while the database does not change (PRAGMA data_version, checked once
 * per request): at 100k cases each takes 50-600 ms to compute (the
 * clusters' and the timeline's crash times in the evidence are a lookup
 * of facts and events per case), a kept one nothing.  The first page
 * after a commit (a batch, an upload) pays for the views it shows.
 */
enum cache_kind {
	CACHE_TOTALS,		/* CT_VIEW_TOTALS */
	CACHE_NEW,		/* CT_QUERY_NEW, a minute at most */
	CACHE_KNOWN,		/* CT_VIEW_KNOWN, every issue, with versions,
				 * fixed_in and workaround */
	CACHE_VERSIONS,		/* CT_VIEW_VERSIONS, the top 20 */
	CACHE_TIMELINE,		/* CT_VIEW_TIMELINE, 60 days */
	CACHE_CLUSTERS,		/* CT_VIEW_CLUSTERS, every cluster */
	CACHE_MAX,
};

struct cache {
	struct cli_table t;	/* the rows */
	bool valid;		/* t is computed */
	time_t at;		/* when */
};

/* The views recomputed on a thread of their own, from their own
 * read-only handle, while pages show the ones kept: computed on the
 * request, a 100k-case database made the first page after new data take
 * 0.36 s.  The server's thread takes the result in at its next request
 * (cache_check), so a page never sees a table freed under it. */
struct refresh {
	pthread_mutex_t mu;		/* guards what follows */
	pthread_t thread;
	bool started;			/* thread was created (join it) */
	bool running;			/* it computes */
	bool ready;			/* tables hold its result */
	int64_t version;		/* the data_version it computes */
	time_t at;			/* its "now" (CACHE_NEW) */
	struct cli_table tables[CACHE_MAX];
	struct cli_table versions;	/* CACHE_KNOWN's versions column */
	struct ct_error *err;		/* it failed: compute on a request */
};

struct ct_server {
	struct MHD_Daemon *mhd;
	atomic_int classifying;		/* uploads on their thread */
	struct ct_server_options opts;
	char csrf[33];			/* the forms' token, hex */
	pthread_mutex_t upload_lock;	/* one upload classified at a time */
	int64_t data_version;		/* of the kept views */
	struct cache cache[CACHE_MAX];	/* whole-database views */
	struct refresh refresh;
};

/* An upload arriving (POST /upload): its file part streamed to disk. */
struct upload {
	struct ct_server *s;
	struct MHD_PostProcessor *pp;
	char csrf[65];			/* the csrf field so far */
	size_t csrf_len;
	unsigned status;		/* refused: 400, 403, 413; 0: fine */
	char *dir;			/* the temporary folder, or NULL */
	char *path;			/* the file in it, or NULL */
	int fd;				/* open on path while it arrives */
	uint64_t bytes;			/* of the file so far */
	/* classified on a thread of its own, the connection suspended
	 * meanwhile, so that other clients are answered */
	pthread_t thread;
	bool classifying;		/* the thread was started */
	atomic_bool classified;		/* it ended: err says how */
	struct ct_error *err;
	struct MHD_Connection *conn;	/* to resume */
};

/* One request's state between calls of the access handler. */
struct request {
	char *body;			/* POST body so far, NUL-terminated */
	size_t len;
	bool too_big;			/* over MAX_BODY: answered 413 */
	struct upload *up;		/* an upload's state, or NULL */
};

/* ---- small helpers ---------------------------------------------------- */

static void random_hex(char *out, size_t bytes)
{
	unsigned char buf[32];
	if (bytes > sizeof(buf))
		bytes = sizeof(buf);
	size_t got = 0;
	while (got < bytes) {
		ssize_t n = getrandom(buf + got, bytes - got, 0);
		if (n < 0 && errno != EINTR)
			abort();	/* no randomness: no safe nonce */
		if (n > 0)
			got += (size_t)n;
	}
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", buf[i]);
}

/* Compare secrets in time independent of where they differ. */
static bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb ? lb : 1)];
	return d == 0;
}

/* A decimal id in s (digits only, no sign, <= 18 digits), or -1. */
static int64_t parse_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
		return -1;
	return strtoll(s, NULL, 10);
}

/* Whether s is a rule id as rules/ allows them (letters, digits, . _ -). */
static bool is_rule_id(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 200 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._-") == n;
}

/* Decode application/x-www-form-urlencoded field name of body into a new
 * string, or NULL when absent. */
static char *form_field(const char *body, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = body; p && *p; ) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			char *out = malloc(len - nl);
			if (!out)
				return NULL;
			size_t o = 0;
			for (const char *q = p + nl + 1; q < p + len; q++) {
				unsigned hi, lo;
				if (*q == '+') {
					out[o++] = ' ';
				} else if (*q == '%' && p + len - q > 2 &&
					   sscanf(q + 1, "%1x%1x", &hi, &lo) == 2) {
					out[o++] = (char)(hi << 4 | lo);
					q += 2;
				} else {
					out[o++] = *q;
				}
			}
			out[o] = '\0';
			return out;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/* ---- responses ----------------------------------------------------------- */

/* A page being written: the stream and the response's nonce. */
struct page {
	FILE *f;
	char *buf;
	size_t len;
	char nonce[33];
	bool json;
	int64_t page;			/* ?page=, from 1 */
};

static bool page_open(struct page *pg, bool json)
{
	memset(pg, 0, sizeof(*pg));
	pg->json = json;
	random_hex(pg->nonce, 16);
	pg->f = open_memstream(&pg->buf, &pg->len);
	return pg->f != NULL;
}

static enum MHD_Result send_buf(struct MHD_Connection *conn, unsigned status,
				const char *type, char *buf, size_t len,
				const char *nonce, const char *hname,
				const char *hvalue)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	char csp[256];
	snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'nonce-%s'; "
		 "script-src 'nonce-%s'; img-src data:; form-action 'self'; "
		 "frame-ancestors 'none'; base-uri 'none'", nonce, nonce);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (hname)
		MHD_add_response_header(r, hname, hvalue);
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result page_send(struct MHD_Connection *conn,
				 struct page *pg, unsigned status)
{
	if (fclose(pg->f) != 0) {
		free(pg->buf);
		return MHD_NO;
	}
	return send_buf(conn, status, pg->json ? "application/json" :
			"text/html; charset=utf-8", pg->buf, pg->len,
			pg->nonce, NULL, NULL);
}

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"nav a{margin-right:1em}table{border-collapse:collapse;margin-bottom:"
	"1.5em}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;"
	"font-size:13px;vertical-align:top}th{background:#eee}"
	"svg text{font-size:12px}pre{background:#f6f6f6;padding:6px;"
	"white-space:pre-wrap}.generic,.skipped{color:#888}"
	".unreliable{font-style:italic;color:#a60}.why{color:#363}"
	"textarea{width:100%;height:14em}";

/* Sorting by a click on a header, allowed by the response's nonce. */
static const char sort_script[] =
	"document.querySelectorAll('table.sortable th').forEach(function(th){"
	"th.addEventListener('click',function(){"
	"var t=th.closest('table'),b=t.tBodies[0],"
	"i=Array.prototype.indexOf.call(th.parentNode.children,th),"
	"asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';"
	"var r=Array.prototype.slice.call(b.rows);r.sort(function(x,y){"
	"var p=x.cells[i].textContent,q=y.cells[i].textContent,"
	"np=parseFloat(p),nq=parseFloat(q);"
	"var c=(!isNaN(np)&&!isNaN(nq))?np-nq:p.localeCompare(q);"
	"return asc?c:-c;});r.forEach(function(x){b.appendChild(x);});});});";

static void html_begin(struct page *pg, const char *title)
{
	FILE *f = pg->f;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		"charset=\"utf-8\"><title>");
	cli_html_escape(f, title);
	fprintf(f, " - crashtriage</title><style nonce=\"%s\">%s</style>"
		"</head><body>\n<nav><a href=\"/\">Overview</a><a href=\""
		"/issues\">Known issues</a><a href=\"/clusters\">Clusters</a>"
		"<a href=\"/cases\">Cases</a><a href=\"/failed\">Failed inputs"
		"</a><a href=\"/search\">Search</a><a href=\"/upload\">Upload</a>"
		"</nav>\n<h1>", pg->nonce,
		style);
	cli_html_escape(f, title);
	fputs("</h1>\n", f);
}

static void html_end(struct page *pg)
{
	fprintf(pg->f, "<script nonce=\"%s\">%s</script>\n</body></html>\n",
		pg->nonce, sort_script);
}

static enum MHD_Result send_error(struct MHD_Connection *conn,
				  unsigned status, const char *what)
{
	struct page pg;
	if (!page_open(&pg, false))
		return MHD_NO;
	html_begin(&pg, what);
	fputs("<p><a href=\"/\">back to the overview</a></p>", pg.f);
	fputs("</body></html>\n", pg.f);
	return page_send(conn, &pg, status);
}

/* ---- JSON ---------------------------------------------------------------- */

/* Columns written as JSON numbers (the rest are strings or null). */
static bool numeric_column(const char *name)
{
	static const char *const numeric[] = {
		"id", "input_id", "score", "cluster", "added_at", "cases",
		"distance",
		"affected", "fixed", "version_unknown", "size", "inputs",
		"inputs_unfinished", "known", "unknown", "no_crash",
		"unrecognised", "failed", "clusters", "passes",
		"from_evidence", "issues_week",
	};
	size_t n = strlen(name);
	if ((n > 4 && strcmp(name + n - 4, "_day") == 0) ||
	    (n > 5 && strcmp(name + n - 5, "_week") == 0))
		return true;
	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++)
		if (strcmp(name, numeric[i]) == 0)
			return true;
	return false;
}

static void json_string(FILE *f, const char *s)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_json_string(&sb, s);
	fputs(sb.failed ? "null" : sb.buf, f);
	ct_strbuf_deinit(&sb);
}

static void json_row(FILE *f, const struct cli_table *t, size_t r)
{
	fputc('{', f);
	for (size_t i = 0; i < t->ncols; i++) {
		const char *v = t->rows[r][i];
		if (i)
			fputc(',', f);
		json_string(f, t->names[i]);
		fputc(':', f);
		if (v && numeric_column(t->names[i]) &&
		    strspn(v, "0123456789.-e+") == strlen(v) && *v)
			fputs(v, f);
		else
			json_string(f, v);
	}
	fputc('}', f);
}

/* "name":[rows] (rows up to max) */
static void json_rows(FILE *f, const char *name, const struct cli_table *t,
		      size_t max)
{
	json_string(f, name);
	fputs(":[", f);
	for (size_t r = 0; r < t->count && r < max; r++) {
		if (r)
			fputc(',', f);
		json_row(f, t, r);
	}
	fputc(']', f);
}

/* ---- sections -------------------------------------------------------------- */

/* Where cells of a column link to. */
static const char *link_of(const char *column)
{
	if (strcmp(column, "id") == 0)
		return "/case/";
	if (strcmp(column, "rule_id") == 0)
		return "/issue/";
	if (strcmp(column, "cluster") == 0)
		return "/cluster/";
	return NULL;
}

/* Run query q (a page of it when paged) into t. */
static struct ct_error *run_query(struct ct_server *s, enum ct_query q,
				  const char *key, int64_t num, bool paged,
				  int64_t page, struct cli_table *t)
{
	struct ct_query_args a = { .key = key, .num = num };
	if (paged) {
		a.limit = PAGE_ROWS + 1;	/* one more: is there a next? */
		a.offset = (size_t)(page - 1) * PAGE_ROWS;
	}
	struct ct_error *err = ct_results_query(s->opts.db, q, &a,
						cli_table_keep_row, t);
	if (!err && t->failed)
		err = &ct_enomem;
	return err;
}

/* A list section: a table (or JSON array) with links to the next and
 * previous pages. */
static void section(struct page *pg, const char *name, const char *title,
		    struct cli_table *t, bool paged, const char *base)
{
	bool more = paged && t->count > PAGE_ROWS;
	size_t shown = more ? PAGE_ROWS : t->count;
	if (pg->json) {
		json_rows(pg->f, name, t, shown);
		if (paged)
			fprintf(pg->f, ",\"page\":%lld,\"more\":%s",
				(long long)pg->page, more ? "true" : "false");
		return;
	}
	size_t count = t->count;
	t->count = shown;
	if (shown)
		cli_html_table(pg->f, title, t, link_of);
	else
		fprintf(pg->f, "<h2>%s</h2><p>none</p>\n", title);
	t->count = count;
	if (paged && (pg->page > 1 || more)) {
		fputs("<p>", pg->f);
		if (pg->page > 1)
			fprintf(pg->f, "<a href=\"%s?page=%lld\">previous</a> ",
				base, (long long)pg->page - 1);
		fprintf(pg->f, "page %lld", (long long)pg->page);
		if (more)
			fprintf(pg->f, " <a href=\"%s?page=%lld\">next</a>",
				base, (long long)pg->page + 1);
		fputs("</p>\n", pg->f);
	}
}

/* ---- pages ----------------------------------------------------------------- */

/* Write text escaped, its newlines kept (for a <pre>). */
static void html_escape_lines(FILE *f, const char *text)
{
	for (const char *p = text; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		if (!line)
			return;
		cli_html_escape(f, line);
		free(line);
		if (nl)
			fputc('\n', f);
		p += n + (nl != NULL);
	}
}

/* ---- the whole-database views, kept between changes --------------------- */

/* Rows [from, from + n) of t (fewer at its end), sharing its memory. */
static struct cli_table table_slice(const struct cli_table *t, size_t from,
				    size_t n)
{
	struct cli_table v = { .ncols = t->ncols, .names = t->names };
	if (from < t->count) {
		v.rows = t->rows + from;
		v.count = t->count - from < n ? t->count - from : n;
	}
	return v;
}

/* The first row of t whose column col is value, as a table of that row
 * alone (sharing t's memory; empty when there is none). */
static struct cli_table table_find(const struct cli_table *t,
				   const char *col, const char *value)
{
	for (size_t i = 0; i < t->ncols; i++) {
		if (strcmp(t->names[i], col) != 0)
			continue;
		for (size_t r = 0; r < t->count; r++)
			if (t->rows[r][i] && strcmp(t->rows[r][i], value) == 0)
				return table_slice(t, r, 1);
	}
	return table_slice(t, t->count, 0);
}

/* Forget the kept views when another connection (a batch, an upload)
 * has committed since they were computed. */
static const struct {
	enum ct_results_view view;
	size_t limit;
} cache_views[CACHE_MAX] = {
	[CACHE_TOTALS] = { CT_VIEW_TOTALS, 0 },
	[CACHE_VERSIONS] = { CT_VIEW_VERSIONS, 20 },
	[CACHE_TIMELINE] = { CT_VIEW_TIMELINE, 60 },
	[CACHE_CLUSTERS] = { CT_VIEW_CLUSTERS, 0 },
};

/* Query q of db (not paged) into t. */
static struct ct_error *query_into(struct ct_results *db, enum ct_query q,
				   int64_t num, struct cli_table *t)
{
	struct ct_query_args a = { .num = num };
	struct ct_error *err = ct_results_query(db, q, &a, cli_table_keep_row,
						t);
	if (!err && t->failed)
		err = &ct_enomem;
	return err;
}

/* The database parts of view k (CACHE_KNOWN without its knowledge-base
 * columns, whose versions go to versions) at now, from db. */
static struct ct_error *compute_view(struct ct_results *db, enum cache_kind k,
				     time_t now, struct cli_table *t,
				     struct cli_table *versions)
{
	struct ct_error *err;
	if (k == CACHE_NEW)
		err = query_into(db, CT_QUERY_NEW, (int64_t)now, t);
	else if (k == CACHE_KNOWN) {
		err = ct_results_view(db, CT_VIEW_KNOWN, 0, cli_table_keep_row,
				      t);
		if (!err)
			err = query_into(db, CT_QUERY_ISSUES_VERSIONS, 0,
					 versions);
	} else
		err = ct_results_view(db, cache_views[k].view,
				      cache_views[k].limit, cli_table_keep_row,
				      t);
	if (!err && t->failed)
		err = &ct_enomem;
	return err;
}

static void *refresh_main(void *arg)
{
	struct ct_server *s = arg;
	struct refresh *r = &s->refresh;
	struct cli_table tables[CACHE_MAX] = { 0 }, versions = { 0 };
	struct ct_results *db = NULL;
	struct ct_error *err = ct_results_open_readonly(s->opts.db_path, &db);
	for (size_t k = 0; k < CACHE_MAX && !err; k++)
		err = compute_view(db, (enum cache_kind)k, r->at, &tables[k],
				   &versions);
	ct_results_close(db);
	pthread_mutex_lock(&r->mu);
	r->running = false;
	if (err) {
		r->err = err;
		for (size_t k = 0; k < CACHE_MAX; k++)
			cli_table_free(&tables[k]);
		cli_table_free(&versions);
	} else {
		memcpy(r->tables, tables, sizeof(tables));
		r->versions = versions;
		r->ready = true;
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Take a finished refresh in (on the server's thread). */
static void refresh_take(struct ct_server *s);

/* Keep the views current: when the database changed, recompute them on
 * the refresh thread and go on showing the kept ones; a view never
 * computed is computed on the request (cache_get).  Without a database
 * path (or when the thread cannot run) the kept views are dropped and
 * recomputed on the request, as they were before the thread. */
static struct ct_error *cache_check(struct ct_server *s)
{
	struct cli_table t = { 0 };
	struct ct_error *err = run_query(s, CT_QUERY_DATA_VERSION, NULL, 0,
					 false, 1, &t);
	int64_t version = !err && t.count && t.rows[0][0] ?
			  strtoll(t.rows[0][0], NULL, 10) : -1;
	cli_table_free(&t);
	if (err)
		return err;
	struct refresh *r = &s->refresh;
	refresh_take(s);
	if (version == s->data_version)
		return NULL;
	pthread_mutex_lock(&r->mu);
	bool busy = r->running;
	bool failed = r->err != NULL;
	ct_error_destroy(r->err);
	r->err = NULL;
	pthread_mutex_unlock(&r->mu);
	if (busy)
		return NULL;	/* it will be taken in at a later request */
	if (r->started) {
		pthread_join(r->thread, NULL);
		r->started = false;
	}
	bool kept = s->cache[CACHE_TOTALS].valid;
	if (s->opts.db_path && kept && !failed) {
		r->version = version;
		r->at = time(NULL);
		r->running = true;
		if (pthread_create(&r->thread, NULL, refresh_main, s) == 0) {
			r->started = true;
			return NULL;
		}
		r->running = false;
	}
	for (size_t k = 0; k < CACHE_MAX; k++) {
		cli_table_free(&s->cache[k].t);
		s->cache[k].valid = false;
	}
	s->data_version = version;
	return NULL;
}

static struct ct_error *known_columns(struct ct_server *s, struct cli_table *t,
				      struct cli_table *versions);

static void refresh_take(struct ct_server *s)
{
	struct refresh *r = &s->refresh;
	pthread_mutex_lock(&r->mu);
	bool ready = r->ready;
	r->ready = false;
	pthread_mutex_unlock(&r->mu);
	if (!ready)
		return;
	for (size_t k = 0; k < CACHE_MAX; k++) {
		cli_table_free(&s->cache[k].t);
		s->cache[k].t = r->tables[k];
		memset(&r->tables[k], 0, sizeof(r->tables[k]));
		s->cache[k].valid = true;
		s->cache[k].at = r->at;
	}
	if (known_columns(s, &s->cache[CACHE_KNOWN].t, &r->versions)) {
		cli_table_free(&s->cache[CACHE_KNOWN].t);
		s->cache[CACHE_KNOWN].valid = false;
	}
	cli_table_free(&r->versions);
	s->data_version = r->version;
}

/* The view k, computed when not kept (CACHE_NEW also after a minute: it
 * counts from now).  *ret stays valid until the next cache_check(). */
static struct ct_error *cache_get(struct ct_server *s, enum cache_kind k,
				  const struct cli_table **ret)
{
	struct cache *c = &s->cache[k];
	time_t now = time(NULL);
	if (c->valid && k == CACHE_NEW && now - c->at >= 60) {
		cli_table_free(&c->t);
		c->valid = false;
	}
	if (!c->valid) {
		struct cli_table versions = { 0 };
		struct ct_error *err = compute_view(s->opts.db, k, now, &c->t,
						    &versions);
		if (!err && k == CACHE_KNOWN)
			err = known_columns(s, &c->t, &versions);
		cli_table_free(&versions);
		if (err) {
			cli_table_free(&c->t);
			return err;
		}
		c->valid = true;
		c->at = now;
	}
	*ret = &c->t;
	return NULL;
}

/* Compute every view not kept (at start), so that the
 * next page need not; an error is left for that page to meet. */
static void cache_warm(struct ct_server *s)
{
	struct ct_error *err = cache_check(s);
	for (size_t k = 0; k < CACHE_MAX && !err; k++) {
		const struct cli_table *t;
		err = cache_get(s, (enum cache_kind)k, &t);
	}
	ct_error_destroy(err);
}

/* ---- pages ----------------------------------------------------------------- */

static struct ct_error *page_overview(struct ct_server *s, struct page *pg)
{
	const struct cli_table *totals, *fresh, *known, *versions, *timeline;
	struct ct_error *err = cache_get(s, CACHE_TOTALS, &totals);
	if (!err)
		err = cache_get(s, CACHE_NEW, &fresh);
	if (!err)
		err = cache_get(s, CACHE_KNOWN, &known);
	if (!err)
		err = cache_get(s, CACHE_VERSIONS, &versions);
	if (!err)
		err = cache_get(s, CACHE_TIMELINE, &timeline);
	if (err)
		return err;
	/* the top 20 known issues, as the view's limit did */
	struct cli_table top = table_slice(known, 0, 20);
	if (pg->json) {
		fputc('{', pg->f);
		json_rows(pg->f, "totals", totals, 1);
		fputc(',', pg->f);
		json_rows(pg->f, "new", fresh, 1);
		fputc(',', pg->f);
		json_rows(pg->f, "known", &top, SIZE_MAX);
		fputc(',', pg->f);
		json_rows(pg->f, "versions", versions, SIZE_MAX);
		fputc(',', pg->f);
		json_rows(pg->f, "timeline", timeline, SIZE_MAX);
		fputs("}\n", pg->f);
		return NULL;
	}
	html_begin(pg, "Overview");
	cli_html_table(pg->f, "Totals", totals, NULL);
	cli_html_table(pg->f, "New: stored in the last day and week", fresh,
		       NULL);
	cli_html_chart(pg->f, "Cases per known issue", &top, 0, 2);
	cli_html_chart(pg->f, "Cases per product version", versions, 0, 1);
	cli_html_chart(pg->f, "Cases per day of the crash (its time in the "
		       "evidence, else when stored)", timeline, 0, 1);
	html_end(pg);
	return NULL;
}

/* A page of a list: t (one row more than a page when there is a next). */
static void list_page(struct page *pg, const char *title, const char *base,
		      struct cli_table *t)
{
	if (pg->json)
		fputc('{', pg->f);
	else
		html_begin(pg, title);
	section(pg, "rows", title, t, true, base);
	if (pg->json)
		fputs("}\n", pg->f);
	else
		html_end(pg);
}

/* A page that is one paged query. */
static struct ct_error *page_list(struct ct_server *s, struct page *pg,
				  enum ct_query q, const char *title,
				  const char *base)
{
	struct cli_table t = { 0 };
	struct ct_error *err = run_query(s, q, NULL, 0, true, pg->page, &t);
	if (!err)
		list_page(pg, title, base, &t);
	cli_table_free(&t);
	return err;
}

/* A page of a kept view. */
static struct ct_error *page_kept(struct ct_server *s, struct page *pg,
				  enum cache_kind k, const char *title,
				  const char *base)
{
	const struct cli_table *all;
	struct ct_error *err = cache_get(s, k, &all);
	if (err)
		return err;
	struct cli_table t = table_slice(all, (size_t)(pg->page - 1) *
					 PAGE_ROWS, PAGE_ROWS + 1);
	list_page(pg, title, base, &t);
	return NULL;
}

/* What a page of one thing shows between its summary and its cases: in
 * HTML sections, in JSON members each followed by a comma. */
typedef struct ct_error *(*extra_fn)(struct ct_server *s, struct page *pg,
				      const char *key);

/* One known issue, cluster or input: its row head (none: *ret_found
 * false), frames (or NULL), extra (or NULL) and its cases. */
static struct ct_error *page_one(struct ct_server *s, struct page *pg,
				 const struct cli_table *head,
				 const char *frames, extra_fn extra,
				 enum ct_query cases_q,
				 const char *key, int64_t num,
				 const char *title, const char *base,
				 bool *ret_found)
{
	*ret_found = head->count > 0;
	if (!*ret_found)
		return NULL;
	struct cli_table cases = { 0 };
	struct ct_error *err = run_query(s, cases_q, key, num, true, pg->page,
					 &cases);
	if (err)
		goto out;
	if (pg->json) {
		fputc('{', pg->f);
		json_rows(pg->f, "summary", head, 1);
		if (frames) {
			fputs(",\"frames\":", pg->f);
			json_string(pg->f, frames);
		}
		fputc(',', pg->f);
	} else {
		html_begin(pg, title);
		cli_html_table(pg->f, "Summary", head, link_of);
		if (frames) {
			fputs("<h2>Shared frames</h2><pre>", pg->f);
			html_escape_lines(pg->f, frames);
			fputs("</pre>\n", pg->f);
		}
	}
	if (extra && (err = extra(s, pg, key)))
		goto out;
	section(pg, "cases", "Cases", &cases, true, base);
	if (pg->json)
		fputs("}\n", pg->f);
	else
		html_end(pg);
out:
	cli_table_free(&cases);
	return err;
}

static struct ct_error *page_cluster(struct ct_server *s, struct page *pg,
				     const char *id, const char *base,
				     bool *ret_found)
{
	const struct cli_table *clusters;
	struct cli_table row = { 0 };
	struct ct_error *err = cache_get(s, CACHE_CLUSTERS, &clusters);
	if (!err)
		err = run_query(s, CT_QUERY_CLUSTER, NULL, parse_id(id), false,
				1, &row);
	if (!err) {
		char title[48];
		snprintf(title, sizeof(title), "Cluster %s", id);
		struct cli_table head = table_find(clusters, "cluster", id);
		err = page_one(s, pg, &head, row.count ? row.rows[0][1] : NULL,
			       NULL, CT_QUERY_CLUSTER_CASES, NULL, parse_id(id),
			       title, base, ret_found);
	}
	cli_table_free(&row);
	return err;
}

/* "path:line" of an origin, as text. */
static void html_origin(FILE *f, const struct ct_origin *o)
{
	if (!o->path)
		return;
	cli_html_escape(f, o->path);
	if (o->line)
		fprintf(f, ":%lu", o->line);
}

/* A table row of escaped cells; the last cell is an origin when o. */
static void html_row(FILE *f, const char *const *cells, size_t n,
		     const struct ct_origin *o)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<td>", f);
		cli_html_escape(f, cells[i]);
		fputs("</td>", f);
	}
	if (o) {
		fputs("<td>", f);
		html_origin(f, o);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

/* "<a href=/issue/ID>ID</a> TITLE" */
static void html_issue(FILE *f, const char *id, const char *title)
{
	fputs("<a href=\"/issue/", f);
	cli_url_encode(f, id);
	fputs("\">", f);
	cli_html_escape(f, id);
	fputs("</a> ", f);
	cli_html_escape(f, title);
}

/* ---- known issues: the rule beside the counts ---------------------------- */

/* Append a column name to t, row r's value from value(arg, t, r) (a new
 * string, or NULL for none).  False when out of memory (t unchanged but
 * for rows grown). */
static bool table_add_column(struct cli_table *t, const char *name,
			     char *(*value)(void *arg,
					    const struct cli_table *t,
					    size_t r),
			     void *arg)
{
	char **names = realloc(t->names, (t->ncols + 1) * sizeof(*names));
	if (!names)
		return false;
	t->names = names;
	if (!(names[t->ncols] = strdup(name)))
		return false;
	for (size_t r = 0; r < t->count; r++) {
		char **row = realloc(t->rows[r], (t->ncols + 1) * sizeof(*row));
		if (!row)
			goto fail;
		t->rows[r] = row;
		row[t->ncols] = NULL;
	}
	/* values after the rows have room, so that a failure frees alike */
	for (size_t r = 0; r < t->count; r++)
		t->rows[r][t->ncols] = value(arg, t, r);
	t->ncols++;
	return true;
fail:
	free(names[t->ncols]);
	return false;
}

/* The value of column col of row r of t, or NULL. */
static const char *table_cell(const struct cli_table *t, size_t r,
			      const char *col)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], col) == 0)
			return t->rows[r][i];
	return NULL;
}

/* The rule of row r of t (column rule_id) in the server's knowledge base. */
static const struct ct_rule *row_rule(struct ct_server *s,
				      const struct cli_table *t, size_t r)
{
	const char *id = table_cell(t, r, "rule_id");
	return id && s->opts.kb ? ct_kb_find(s->opts.kb, id) : NULL;
}

static char *column_versions(void *arg, const struct cli_table *t, size_t r)
{
	const struct cli_table *versions = arg;
	struct cli_table v = table_find(versions, "rule_id",
					table_cell(t, r, "rule_id"));
	return v.count && v.rows[0][1] ? strdup(v.rows[0][1]) : NULL;
}

static char *column_fixed_in(void *arg, const struct cli_table *t, size_t r)
{
	const struct ct_rule *rule = row_rule(arg, t, r);
	char *fixed = NULL;
	if (rule)
		ct_error_destroy(ct_rule_fixed_in(rule, &fixed));
	return fixed;
}

static char *column_workaround(void *arg, const struct cli_table *t,
			       size_t r)
{
	const struct ct_rule *rule = row_rule(arg, t, r);
	return rule && rule->workaround ? strdup(rule->workaround) : NULL;
}

/* CT_VIEW_KNOWN's rows with versions (of their cases), fixed_in (per
 * release line, from the rule) and workaround, into t. */
/* Add the knowledge base's columns to the known-issues view t. */
static struct ct_error *known_columns(struct ct_server *s, struct cli_table *t,
				      struct cli_table *versions)
{
	if (t->failed ||
	    !table_add_column(t, "versions", column_versions, versions) ||
	    !table_add_column(t, "fixed_in", column_fixed_in, s) ||
	    !table_add_column(t, "workaround", column_workaround, s))
		return &ct_enomem;
	return NULL;
}

/* The YAML of a rule: from the files compiled in, or its file when it
 * was loaded from one (at most 256 KiB); NULL when there is none (a
 * compiled knowledge base keeps no text).  The caller frees it. */
static char *rule_text(const struct ct_rule *r)
{
	if (!r->source)
		return NULL;
	const char *base = r->source;
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == ':')
			base = p + 1;
	if (strncmp(r->source, "embedded", 8) == 0) {
		for (size_t i = 0; i < ct_kb_embedded_file_count; i++)
			if (strcmp(ct_kb_embedded_files[i].name, base) == 0)
				return strndup(ct_kb_embedded_files[i].text,
					       ct_kb_embedded_files[i].len);
		return NULL;
	}
	FILE *f = fopen(r->source, "re");
	if (!f)
		return NULL;
	char *text = calloc(1, 256 * 1024 + 1);
	size_t n = text ? fread(text, 1, 256 * 1024, f) : 0;
	bool whole = text && feof(f) && !ferror(f);
	fclose(f);
	if (!whole || memchr(text, '\0', n)) {
		free(text);
		return NULL;
	}
	return text;
}

/* The rule of a known issue: its texts, fix per release line,
 * references (links only when http(s)) and YAML. */
static void html_rule(FILE *f, const struct ct_rule *r)
{
	static const struct {
		const char *label;
		size_t offset;
	} texts[] = {
		{ "What happens", offsetof(struct ct_rule, summary) },
		{ "Workaround", offsetof(struct ct_rule, workaround) },
		{ "Resolution", offsetof(struct ct_rule, resolution) },
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *t = *(char *const *)((const char *)r +
						 texts[i].offset);
		if (!t)
			continue;
		fprintf(f, "<h2>%s</h2><p>", texts[i].label);
		cli_html_escape(f, t);
		fputs("</p>\n", f);
	}
	fputs("<h2>Fixed in, per release line</h2><table><thead><tr><th>"
	      "product</th><th>line</th><th>introduced in</th><th>fixed in"
	      "</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < r->version_count; i++)
		for (size_t j = 0; j < r->versions[i].line_count; j++) {
			const struct ct_version_line *l =
				&r->versions[i].lines[j];
			const char *cells[] = {
				r->versions[i].product, l->line,
				l->introduced_in, l->fixed_in ? l->fixed_in :
				r->fix_unknown ? "(a fix, version not public)" :
				"no fix: workaround only",
			};
			html_row(f, cells, 4, NULL);
		}
	fputs("</tbody></table>\n<h2>References</h2><ul>", f);
	for (size_t i = 0; i < r->reference_count; i++) {
		const char *ref = r->references[i];
		fputs("<li>", f);
		bool link = strncmp(ref, "https://", 8) == 0 ||
			    strncmp(ref, "http://", 7) == 0;
		if (link) {
			fputs("<a rel=\"noreferrer\" href=\"", f);
			cli_html_escape(f, ref);
			fputs("\">", f);
		}
		cli_html_escape(f, ref);
		fputs(link ? "</a></li>" : "</li>", f);
	}
	fputs("</ul>\n", f);
	char *text = rule_text(r);
	if (text) {
		fputs("<h2>Rule</h2><p>", f);
		cli_html_escape(f, r->source);
		fputs("</p><pre>", f);
		html_escape_lines(f, text);
		fputs("</pre>\n", f);
		free(text);
	}
}

/* A known issue's versions and rule (page_one's extra). */
static struct ct_error *issue_extra(struct ct_server *s, struct page *pg,
				    const char *id)
{
	struct cli_table versions = { 0 };
	struct ct_error *err = run_query(s, CT_QUERY_ISSUE_VERSIONS, id, 0,
					 false, 1, &versions);
	if (err)
		return err;
	const struct ct_rule *r = s->opts.kb ? ct_kb_find(s->opts.kb, id) :
				  NULL;
	if (pg->json) {
		json_rows(pg->f, "versions", &versions, SIZE_MAX);
		if (r) {
			fputs(",\"rule\":{\"source\":", pg->f);
			json_string(pg->f, r->source);
			fputs(",\"summary\":", pg->f);
			json_string(pg->f, r->summary);
			fputs(",\"resolution\":", pg->f);
			json_string(pg->f, r->resolution);
			fputs(",\"references\":[", pg->f);
			for (size_t i = 0; i < r->reference_count; i++) {
				if (i)
					fputc(',', pg->f);
				json_string(pg->f, r->references[i]);
			}
			fputs("]}", pg->f);
		}
		fputc(',', pg->f);
	} else {
		cli_html_table(pg->f, "Versions of its cases", &versions,
			       NULL);
		if (r)
			html_rule(pg->f, r);
		else
			fputs("<p>This rule is not in the server's knowledge "
			      "base.</p>\n", pg->f);
	}
	cli_table_free(&versions);
	return NULL;
}

static struct ct_error *page_issue(struct ct_server *s, struct page *pg,
				   const char *id, const char *base,
				   bool *ret_found)
{
	const struct cli_table *known;
	struct ct_error *err = cache_get(s, CACHE_KNOWN, &known);
	if (err)
		return err;
	struct cli_table head = table_find(known, "rule_id", id);
	return page_one(s, pg, &head, NULL, issue_extra, CT_QUERY_ISSUE_CASES,
			id, 0, id, base, ret_found);
}

static void html_case_model(FILE *f, const struct ct_case *c)
{
	if (c->panic.message) {
		fputs("<h2>Panic</h2><pre>", f);
		cli_html_escape(f, c->panic.message);
		fputs("</pre>\n", f);
	}
	for (size_t b = 0; b < c->backtrace_count; b++) {
		const struct ct_backtrace *bt = &c->backtraces[b];
		fputs("<h2>Backtrace ", f);
		cli_html_escape(f, bt->label ? bt->label : "");
		fprintf(f, "%s</h2><p>", bt->crashing ? " (crashing)" : "");
		html_origin(f, &bt->origin);
		fputs("</p><table><thead><tr><th>#</th><th>function</th><th>"
		      "module</th><th>source</th><th>marks</th></tr></thead>"
		      "<tbody>\n", f);
		for (size_t i = 0; i < bt->frame_count; i++) {
			const struct ct_frame *fr = &bt->frames[i];
			const char *cls = fr->generic ? "generic" :
					  fr->skipped ? "skipped" :
					  !fr->reliable ? "unreliable" : "";
			fprintf(f, "<tr class=\"%s\"><td>%zu</td><td>", cls, i);
			cli_html_escape(f, fr->function ? fr->function : "??");
			fputs("</td><td>", f);
			cli_html_escape(f, fr->module);
			fputs("</td><td>", f);
			cli_html_escape(f, fr->file);
			if (fr->file && fr->source_line)
				fprintf(f, ":%lu", fr->source_line);
			fprintf(f, "</td><td>%s%s%s</td></tr>\n",
				fr->generic ? "generic " : "",
				fr->skipped ? "helper " : "",
				fr->reliable ? "" : "unreliable");
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("<h2>Facts</h2><table><thead><tr><th>key</th><th>value</th>"
	      "<th>source</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < c->fact_count; i++) {
		const char *cells[] = { c->facts[i].key, c->facts[i].value };
		html_row(f, cells, 2, &c->facts[i].origin);
	}
	fputs("</tbody></table>\n<h2>Events</h2><table><thead><tr><th>kind"
	      "</th><th>time</th><th>text</th><th>source</th></tr></thead>"
	      "<tbody>\n", f);
	for (size_t i = 0; i < c->event_count; i++) {
		const struct ct_event *ev = &c->events[i];
		const char *cells[] = { ev->kind, ev->timestamp, ev->text };
		html_row(f, cells, 3, &ev->origin);
	}
	fputs("</tbody></table>\n", f);
	if (c->finding_count) {
		fputs("<h2>Findings</h2><ul>", f);
		for (size_t i = 0; i < c->finding_count; i++) {
			fputs("<li>", f);
			cli_html_escape(f, c->findings[i].kind);
			fputs(": ", f);
			cli_html_escape(f, c->findings[i].reason);
			fputs("</li>", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("<h2>Notes</h2><ul>", f);
	for (size_t i = 0; i < c->note_count; i++) {
		fputs("<li>", f);
		cli_html_escape(f, c->notes[i]);
		fputs("</li>", f);
	}
	fputs("</ul>\n<h2>Inputs</h2><ul>", f);
	for (size_t i = 0; i < c->input_count; i++) {
		fputs("<li>", f);
		cli_html_escape(f, c->inputs[i].path);
		if (c->inputs[i].error) {
			fputs(": ", f);
			cli_html_escape(f, c->inputs[i].error);
		}
		fputs("</li>", f);
	}
	fputs("</ul>\n", f);
}

/* Matches with their why lines (one a line in the column "why"). */
static void html_matches(FILE *f, const struct cli_table *m)
{
	fputs("<h2>Matches</h2>\n", f);
	if (!m->count)
		fputs("<p>none</p>\n", f);
	for (size_t r = 0; r < m->count && m->ncols >= 8; r++) {
		char **v = m->rows[r];
		fputs("<h3>", f);
		html_issue(f, v[0], v[1]);
		fputs("</h3><p>score ", f);
		cli_html_escape(f, v[2]);
		fputs(v[3] && strcmp(v[3], "1") == 0 ? " (passes) " :
		      " (below threshold) ", f);
		cli_html_escape(f, v[4]);
		fputs("</p>", f);
		if (v[5]) {
			fputs("<p>fixed in ", f);
			cli_html_escape(f, v[5]);
			fputs("</p>", f);
		}
		if (v[6]) {
			fputs("<p>until then: ", f);
			cli_html_escape(f, v[6]);
			fputs("</p>", f);
		}
		fputs("<ul class=\"why\">", f);
		for (const char *p = v[7]; p && *p; ) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char *line = strndup(p, n);
			fputs("<li>why ", f);
			cli_html_escape(f, line);
			fputs("</li>", f);
			free(line);
			p = nl ? nl + 1 : p + n;
		}
		fputs("</ul>\n", f);
	}
}

static struct ct_error *page_case(struct ct_server *s, struct page *pg,
				  int64_t id, bool *ret_found)
{
	struct cli_table head = { 0 }, matches = { 0 };
	struct ct_case *c = NULL;
	struct ct_error *err = run_query(s, CT_QUERY_CASE, NULL, id, false, 1,
					 &head);
	*ret_found = !err && head.count > 0;
	if (!*ret_found)
		goto out;
	err = run_query(s, CT_QUERY_CASE_MATCHES, NULL, id, false, 1,
			&matches);
	if (!err)
		err = ct_results_load_case(s->opts.db, id, &c);
	if (!err)	/* marks the helpers above the guilty frame again */
		err = ct_case_sign(c);
	if (err)
		goto out;
	if (pg->json) {
		/* the stored model as analyze --json shows it, with the
		 * stored matches and the row of report --json */
		for (size_t r = 0; r < matches.count && !err; r++) {
			char **v = matches.rows[r];
			size_t nwhy = 0;
			char *whys[64];
			char *why = v[7] ? strdup(v[7]) : NULL;
			for (char *p = why, *save = NULL;
			     (p = strtok_r(p, "\n", &save)) && nwhy < 64;
			     p = NULL)
				whys[nwhy++] = p;
			struct ct_match m = {
				.id = v[0], .title = v[1],
				.score = v[2] ? strtod(v[2], NULL) : 0,
				.passes = v[3] && strcmp(v[3], "1") == 0,
				.verdict = v[4], .fixed_in = v[5],
				.workaround = v[6], .why = whys,
				.why_count = nwhy,
			};
			err = ct_case_add_match(c, &m);
			free(why);
		}
		c->known = !err && head.rows[0][4] &&
			   strcmp(head.rows[0][4], "known") == 0;
		char *json = NULL;
		if (!err)
			err = ct_case_to_json(c, &json);
		if (!err) {
			fprintf(pg->f, "{\"case\":%s,", json);
			json_rows(pg->f, "row", &head, 1);
			fputs("}\n", pg->f);
		}
		free(json);
		goto out;
	}
	const char *title = head.ncols > 10 && head.rows[0][10] ?
			    head.rows[0][10] : "(no crash title)";
	html_begin(pg, title);
	cli_html_table(pg->f, "Case", &head, link_of);
	html_matches(pg->f, &matches);
	html_case_model(pg->f, c);
	html_end(pg);
out:
	ct_case_destroy(c);
	cli_table_free(&head);
	cli_table_free(&matches);
	return err;
}

/* A stored cluster near a searched case. */
struct near {
	int64_t id;
	double distance;	/* ct_frames_distance(), 0 for the same hash */
};

static int near_cmp(const void *a, const void *b)
{
	const struct near *x = a, *y = b;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;	/* oldest first */
}

/* The stored clusters nearest to sig, by the distance the clustering
 * uses (analyzer/cluster.h): at most MAX_NEAR_CLUSTERS into ret, nearest
 * first; *ret_count of them. */
static struct ct_error *nearest_clusters(struct ct_server *s,
					 const struct ct_signature *sig,
					 struct near *ret, size_t *ret_count)
{
	*ret_count = 0;
	if (!sig->hash[0])
		return NULL;
	struct cli_table t = { 0 };
	struct ct_clusters k = CT_CLUSTERS_INIT;
	struct ct_error *err = run_query(s, CT_QUERY_CLUSTER_FRAMES, NULL, 0,
					 false, 1, &t);
	for (size_t r = 0; r < t.count && !err; r++)
		err = ct_clusters_add(&k, parse_id(t.rows[r][0]),
				      t.rows[r][1] ? t.rows[r][1] : "",
				      t.rows[r][2] ? t.rows[r][2] : "");
	cli_table_free(&t);
	for (size_t i = 0; i < k.count && !err; i++) {
		const struct ct_cluster *c = &k.v[i];
		struct near n = {
			c->id, strcmp(c->hash, sig->hash) == 0 ? 0.0 :
			ct_frames_distance(c->frames, c->frame_count,
					   sig->frames, sig->frame_count),
		};
		/* keep the best MAX_NEAR_CLUSTERS, sorted */
		if (*ret_count == MAX_NEAR_CLUSTERS &&
		    near_cmp(&n, &ret[MAX_NEAR_CLUSTERS - 1]) >= 0)
			continue;
		if (*ret_count < MAX_NEAR_CLUSTERS)
			(*ret_count)++;
		ret[*ret_count - 1] = n;
		qsort(ret, *ret_count, sizeof(*ret), near_cmp);
	}
	ct_clusters_deinit(&k);
	return err;
}

/* The nearest clusters as a table of cluster, distance, joins (whether
 * the case would join it), size, title (from the kept clusters view). */
static struct ct_error *near_table(struct ct_server *s, const struct near *n,
				   size_t count, struct cli_table *t)
{
	const struct cli_table *all;
	struct ct_error *err = cache_get(s, CACHE_CLUSTERS, &all);
	static const char *const names[] = {
		"cluster", "distance", "joins", "size", "title",
	};
	for (size_t i = 0; i < count && !err; i++) {
		char id[24], d[16];
		snprintf(id, sizeof(id), "%lld", (long long)n[i].id);
		snprintf(d, sizeof(d), "%.2f", n[i].distance);
		struct cli_table row = table_find(all, "cluster", id);
		const char *values[] = {
			id, d, n[i].distance <= CT_CLUSTER_THRESHOLD ? "yes" :
			"no", row.count ? table_cell(&row, 0, "size") : NULL,
			row.count ? table_cell(&row, 0, "title") : NULL,
		};
		cli_table_keep_row(t, 5, names, values);
		if (t->failed)
			err = &ct_enomem;
	}
	return err;
}

static void search_form(struct ct_server *s, FILE *f, const char *text)
{
	fprintf(f, "<form method=\"post\" action=\"/search\"><input type="
		"\"hidden\" name=\"csrf\" value=\"%s\"><p>Paste a backtrace or "
		"a log excerpt:</p><textarea name=\"text\">", s->csrf);
	html_escape_lines(f, text);
	fputs("</textarea><p><button type=\"submit\">Analyse</button></p>"
	      "</form>\n", f);
}

static struct ct_error *page_search(struct ct_server *s, struct page *pg,
				    const char *text)
{
	if (!text) {
		html_begin(pg, "Search");
		search_form(s, pg->f, NULL);
		html_end(pg);
		return NULL;
	}
	struct ct_case *c = NULL;
	struct ct_kb_hit *hits = NULL;
	size_t nhits = 0;
	struct cli_table same = { 0 }, near = { 0 };
	struct near nearest[MAX_NEAR_CLUSTERS];
	size_t nnear = 0;
	struct ct_error *err = ct_analyze_buffer("pasted text", text,
						 strlen(text), &c);
	if (!err && s->opts.kb)
		err = ct_kb_match(s->opts.kb, c);
	if (!err && s->opts.kb_db) {
		/* the crashing frames and event kinds first, as kb search */
		struct ct_strbuf q = CT_STRBUF_INIT;
		for (size_t i = 0; i < c->signature.frame_count; i++)
			ct_strbuf_appendf(&q, "%s ", c->signature.frames[i]);
		for (size_t i = 0; i < c->event_count; i++)
			ct_strbuf_appendf(&q, "%s ", c->events[i].kind);
		ct_strbuf_puts(&q, text);
		err = q.failed ? &ct_enomem :
		      ct_kb_db_search(s->opts.kb_db, q.buf, MAX_SEARCH_HITS,
				      &hits, &nhits);
		ct_strbuf_deinit(&q);
	}
	if (!err && c->signature.hash[0])
		err = run_query(s, CT_QUERY_SAME_SIGNATURE, c->signature.hash,
				0, true, 1, &same);
	if (!err)
		err = nearest_clusters(s, &c->signature, nearest, &nnear);
	if (!err)
		err = near_table(s, nearest, nnear, &near);
	if (err)
		goto out;
	const struct ct_match *best = c->match_count ? &c->matches[0] : NULL;
	if (pg->json) {
		char *json = NULL;
		err = ct_case_to_json(c, &json);
		if (err)
			goto out;
		fprintf(pg->f, "{\"case\":%s,\"nearest\":[", json);
		free(json);
		for (size_t i = 0; i < nhits; i++) {
			fputs(i ? ",{\"id\":" : "{\"id\":", pg->f);
			json_string(pg->f, hits[i].id);
			fputs(",\"title\":", pg->f);
			json_string(pg->f, hits[i].title);
			fputc('}', pg->f);
		}
		fputs("],", pg->f);
		json_rows(pg->f, "same_signature", &same, PAGE_ROWS);
		fputc(',', pg->f);
		json_rows(pg->f, "nearest_clusters", &near, SIZE_MAX);
		fputs("}\n", pg->f);
		goto out;
	}
	html_begin(pg, "Search");
	FILE *f = pg->f;
	fputs("<h2>Verdict</h2><p>", f);
	if (c->known && best) {
		fputs("KNOWN ", f);
		html_issue(f, best->id, best->title);
		fputs(" (", f);
		cli_html_escape(f, best->verdict);
		fputs(")", f);
	} else {
		fputs("UNKNOWN", f);
	}
	fputs("</p><p>title: ", f);
	cli_html_escape(f, c->signature.title ? c->signature.title :
			"(no crash found)");
	fprintf(f, "</p><p>signature: %s</p>\n", c->signature.hash[0] ?
		c->signature.hash : "none");
	for (size_t i = 0; i < c->match_count && c->known; i++) {
		fputs("<ul class=\"why\">", f);
		for (size_t w = 0; w < c->matches[i].why_count; w++) {
			fputs("<li>why ", f);
			cli_html_escape(f, c->matches[i].why[w]);
			fputs("</li>", f);
		}
		fputs("</ul>\n", f);
		break;
	}
	fputs("<h2>Nearest known issues</h2><ol>", f);
	for (size_t i = 0; i < nhits; i++) {
		fputs("<li>", f);
		html_issue(f, hits[i].id, hits[i].title);
		fputs("</li>", f);
	}
	fputs("</ol>\n", f);
	section(pg, "same_signature", "Stored cases with the same signature",
		&same, false, "/search");
	section(pg, "nearest_clusters", "Nearest clusters (distance of the "
		"top frames: 0 the same, 1 nothing shared; joins: within the "
		"clustering's threshold)", &near, false, "/search");
	search_form(s, f, text);
	html_end(pg);
out:
	ct_kb_hits_free(hits, nhits);
	cli_table_free(&same);
	cli_table_free(&near);
	ct_case_destroy(c);
	return err;
}

static enum MHD_Result page_login(struct ct_server *s,
				  struct MHD_Connection *conn)
{
	(void)s;
	struct page pg;
	if (!page_open(&pg, false))
		return MHD_NO;
	html_begin(&pg, "Log in");
	fputs("<form method=\"post\" action=\"/login\"><p>Token: <input "
	      "type=\"password\" name=\"token\" autocomplete=\"off\"></p><p>"
	      "<button type=\"submit\">Log in</button></p></form>\n", pg.f);
	fputs("</body></html>\n", pg.f);
	return page_send(conn, &pg, MHD_HTTP_UNAUTHORIZED);
}

/* ---- routing ---------------------------------------------------------------- */

/* Whether the request carries the token (bearer, or the login cookie). */
static bool is_authorized(struct ct_server *s, struct MHD_Connection *conn)
{
	if (!s->opts.token)
		return true;
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       "Authorization");
	if (auth && strncmp(auth, "Bearer ", 7) == 0 &&
	    secret_equal(auth + 7, s->opts.token))
		return true;
	const char *cookie = MHD_lookup_connection_value(
		conn, MHD_COOKIE_KIND, "ct_token");
	return cookie && secret_equal(cookie, s->opts.token);
}

/* ---- upload ----------------------------------------------------------------- */

static void upload_form(struct ct_server *s, FILE *f)
{
	fprintf(f, "<form method=\"post\" action=\"/upload\" enctype=\""
		"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" "
		"value=\"%s\"><p>A support bundle, an archive of crashes or a "
		"log (at most %llu MiB): <input type=\"file\" name=\"file\" "
		"required> <button type=\"submit\">Upload and classify</button>"
		"</p></form>\n", s->csrf,
		(unsigned long long)(s->opts.max_upload >> 20));
}

/* The upload's file name made safe for a folder of its own: its last
 * component, bytes other than letters, digits and ._+- as '_', no
 * leading dot, at most MAX_UPLOAD_NAME bytes. */
static void upload_name(const char *filename, char *out)
{
	const char *base = filename ? filename : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = 0;
	for (; base[n] && n < MAX_UPLOAD_NAME; n++) {
		char c = base[n];
		out[n] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
				"TUVWXYZ0123456789._+-", c) ? c : '_';
	}
	out[n] = '\0';
	if (out[0] == '.')
		out[0] = '_';
	if (n == 0)
		memcpy(out, "upload", sizeof("upload"));
}

/* Remove the upload's file and folder, if any. */
static void upload_discard(struct upload *up)
{
	if (up->fd >= 0)
		close(up->fd);
	up->fd = -1;
	if (up->path)
		unlink(up->path);
	if (up->dir)
		rmdir(up->dir);
	free(up->path);
	free(up->dir);
	up->path = up->dir = NULL;
}

static void upload_free(struct upload *up)
{
	if (!up)
		return;
	if (up->pp)
		MHD_destroy_post_processor(up->pp);
	upload_discard(up);
	free(up);
}

/* Create the temporary folder and file for filename. */
static bool upload_open(struct upload *up, const char *filename)
{
	const char *tmp = up->s->opts.tmp_dir ? up->s->opts.tmp_dir :
			  getenv("TMPDIR");
	char name[MAX_UPLOAD_NAME + 1];
	upload_name(filename, name);
	if (asprintf(&up->dir, "%s/crashtriage-upload.XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") < 0) {
		up->dir = NULL;
		return false;
	}
	if (!mkdtemp(up->dir)) {
		free(up->dir);
		up->dir = NULL;
		return false;
	}
	if (asprintf(&up->path, "%s/%s", up->dir, name) < 0) {
		up->path = NULL;
		return false;
	}
	up->fd = open(up->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		      O_NOFOLLOW, 0600);
	return up->fd >= 0;
}

/* The post processor's callback: the csrf field, then the file's bytes
 * as they arrive.  MHD_NO stops processing (up->status says why). */
static enum MHD_Result upload_field(void *cls, enum MHD_ValueKind kind,
				    const char *key, const char *filename,
				    const char *content_type,
				    const char *transfer_encoding,
				    const char *data, uint64_t off, size_t size)
{
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	struct upload *up = cls;
	if (strcmp(key, "csrf") == 0) {
		if (up->path || sizeof(up->csrf) - 1 - up->csrf_len < size) {
			up->status = MHD_HTTP_FORBIDDEN;
			return MHD_NO;
		}
		memcpy(up->csrf + up->csrf_len, data, size);
		up->csrf_len += size;
		up->csrf[up->csrf_len] = '\0';
		return MHD_YES;
	}
	if (strcmp(key, "file") != 0)
		return MHD_YES;			/* other fields: ignored */
	if (!up->path) {
		/* the token must come first: nothing is written without */
		if (!secret_equal(up->csrf, up->s->csrf)) {
			up->status = MHD_HTTP_FORBIDDEN;
			return MHD_NO;
		}
		if (!upload_open(up, filename)) {
			up->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			return MHD_NO;
		}
	} else if (off == 0 && up->bytes > 0) {
		up->status = MHD_HTTP_BAD_REQUEST;	/* a second file */
		return MHD_NO;
	}
	if (up->s->opts.max_upload - up->bytes < size) {
		up->status = MHD_HTTP_CONTENT_TOO_LARGE;
		upload_discard(up);
		return MHD_NO;
	}
	up->bytes += size;
	for (size_t done = 0; done < size; ) {
		ssize_t n = write(up->fd, data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			up->status = MHD_HTTP_INSUFFICIENT_STORAGE;
			upload_discard(up);
			return MHD_NO;
		}
		done += (size_t)n;
	}
	return MHD_YES;
}

/* Classify the arrived file into the database as `batch` does, then
 * remove it.  *ret_input: its input's id (a file stored before is found
 * by its content), or -1. */
/* Classify the upload into the database as batch would (one upload at a
 * time: the batch's write lock).  On the upload's own thread. */
/* "upload/ID/NAME": what an uploaded input is called once stored, for
 * the temporary path it was classified from is removed (arg: NAME). */
static char *upload_stored_name(int64_t id, void *arg)
{
	char *name;
	if (asprintf(&name, "upload/%lld/%s", (long long)id,
		     (const char *)arg) < 0)
		return NULL;
	return name;
}

static void *upload_classify(void *arg)
{
	struct upload *up = arg;
	struct ct_server *s = up->s;
	close(up->fd);
	up->fd = -1;
	struct ct_batch_options bo = {
		.kb = s->opts.kb, .jobs = 1,
		.case_timeout = s->opts.case_timeout,
	};
	struct ct_batch *b = NULL;
	pthread_mutex_lock(&s->upload_lock);
	struct ct_error *err = ct_batch_create(s->opts.db_path, &bo, &b);
	if (!err)
		err = ct_batch_add_paths(b, &up->path, 1);
	ct_batch_destroy(b);
	/* named as the user named the file, not by the temporary folder;
	 * the cases are stored whether or not the rename can be made (they
	 * keep the temporary path as their name then) */
	struct ct_results *w = NULL;
	int64_t id;
	struct ct_error *rename_err = err ? NULL :
		ct_results_open(s->opts.db_path, &w);
	if (w)
		rename_err = ct_results_rename_input(
			w, up->path, upload_stored_name,
			strrchr(up->path, '/') + 1, &id);
	ct_results_close(w);
	if (rename_err == &ct_enomem && !err)
		err = rename_err;
	else
		ct_error_destroy(rename_err);
	pthread_mutex_unlock(&s->upload_lock);
	up->err = err;
	atomic_store(&up->classified, true);
	MHD_resume_connection(up->conn);
	atomic_fetch_sub(&s->classifying, 1);
	return NULL;
}

/* One input: its row and its cases (the page an upload leads to). */
static struct ct_error *page_input(struct ct_server *s, struct page *pg,
				   int64_t id, bool *ret_found)
{
	char title[48], base[40];
	snprintf(title, sizeof(title), "Input %lld", (long long)id);
	snprintf(base, sizeof(base), "/input/%lld", (long long)id);
	struct cli_table head = { 0 };
	struct ct_error *err = run_query(s, CT_QUERY_INPUT, NULL, id, false, 1,
					 &head);
	if (!err)
		err = page_one(s, pg, &head, NULL, NULL, CT_QUERY_INPUT_CASES,
			       NULL, id, title, base, ret_found);
	cli_table_free(&head);
	return err;
}

/* The end of an upload: refuse it, or classify it and answer 303 to its
 * case (or its input's page), or JSON for /api/upload. */
static enum MHD_Result upload_finish(struct ct_server *s,
				     struct MHD_Connection *conn,
				     struct upload *up, bool json)
{
	if (!up->status && MHD_post_process(up->pp, NULL, 0) == MHD_NO &&
	    !up->status)
		up->status = MHD_HTTP_BAD_REQUEST;
	if (!up->status && !up->path)
		up->status = MHD_HTTP_BAD_REQUEST;	/* no file */
	switch (up->status) {
	case 0:
		break;
	case MHD_HTTP_FORBIDDEN:
		return send_error(conn, up->status, "Bad or missing CSRF token");
	case MHD_HTTP_CONTENT_TOO_LARGE:
		return send_error(conn, up->status, "Upload too large");
	case MHD_HTTP_BAD_REQUEST:
		return send_error(conn, up->status, "Bad upload: one file "
				  "field \"file\" after \"csrf\" expected");
	default:
		return send_error(conn, up->status,
				  "The upload could not be stored");
	}
	if (!up->classifying) {
		/* classify on a thread; this request waits, suspended, and
		 * comes back here when the thread resumes it */
		up->conn = conn;
		up->classifying = true;
		atomic_fetch_add(&s->classifying, 1);
		MHD_suspend_connection(conn);
		if (pthread_create(&up->thread, NULL, upload_classify, up)) {
			/* no response may be queued on a connection that
			 * was suspended in this call: close it */
			atomic_fetch_sub(&s->classifying, 1);
			MHD_resume_connection(conn);
			up->classifying = false;
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (!atomic_load(&up->classified))
		return MHD_YES;	/* not resumed by the thread: keep waiting */
	pthread_join(up->thread, NULL);
	int64_t input = -1;
	struct ct_error *err = up->err;
	up->err = NULL;
	if (!err)
		err = ct_results_input_of_file(s->opts.db, up->path, &input);
	upload_discard(up);
	if (err) {
		bool busy = err->code == CT_ERROR_OS;
		ct_error_destroy(err);
		return send_error(conn, busy ? MHD_HTTP_SERVICE_UNAVAILABLE :
				  MHD_HTTP_INTERNAL_SERVER_ERROR, busy ?
				  "The database is busy (a batch is writing it)"
				  : "The upload could not be classified");
	}
	/* the lists change: the next request's cache_check() has them
	 * recomputed on the refresh thread, as for a batch */
	struct cli_table cases = { 0 };
	if (input >= 0)
		err = run_query(s, CT_QUERY_INPUT_CASES, NULL, input, false, 1,
				&cases);
	if (err || input < 0) {
		ct_error_destroy(err);
		cli_table_free(&cases);
		return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "The upload's input was not stored");
	}
	struct page pg;
	if (!page_open(&pg, json)) {
		cli_table_free(&cases);
		return MHD_NO;
	}
	pg.page = 1;
	char location[64];
	if (cases.count == 1)
		snprintf(location, sizeof(location), "/case/%s",
			 cases.rows[0][0]);
	else
		snprintf(location, sizeof(location), "/input/%lld",
			 (long long)input);
	cli_table_free(&cases);
	if (json) {
		bool found;
		err = page_input(s, &pg, input, &found);
		if (err || fclose(pg.f) != 0) {
			ct_error_destroy(err);
			free(pg.buf);
			return MHD_NO;
		}
		return send_buf(conn, MHD_HTTP_OK, "application/json", pg.buf,
				pg.len, pg.nonce, "Location", location);
	}
	fputs("<!DOCTYPE html><p><a href=\"", pg.f);
	cli_html_escape(pg.f, location);
	fputs("\">classified</a></p>\n", pg.f);
	if (fclose(pg.f) != 0) {
		free(pg.buf);
		return MHD_NO;
	}
	return send_buf(conn, MHD_HTTP_SEE_OTHER, "text/html; charset=utf-8",
			pg.buf, pg.len, pg.nonce, "Location", location);
}

/* Whether url is where uploads go. */
static bool is_upload_url(const char *url)
{
	return strcmp(url, "/upload") == 0 || strcmp(url, "/api/upload") == 0;
}

/* The first call of an upload request: refuse it early (no token, too
 * large by its Content-Length, not multipart), else set up its state. */
static enum MHD_Result upload_begin(struct ct_server *s,
				    struct MHD_Connection *conn,
				    struct request *rq)
{
	if (!is_authorized(s, conn))
		return page_login(s, conn);
	if (!s->opts.db_path)
		return send_error(conn, MHD_HTTP_FORBIDDEN,
				  "Uploads are switched off");
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > s->opts.max_upload + 64 * 1024) {
		rq->too_big = true;	/* the file and its multipart frame */
		return send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				  "Upload too large");
	}
	const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       "Content-Type");
	if (!type || strncasecmp(type, "multipart/form-data", 19) != 0)
		return send_error(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				  "An upload is multipart/form-data");
	rq->up = calloc(1, sizeof(*rq->up));
	if (!rq->up)
		return MHD_NO;
	rq->up->s = s;
	rq->up->fd = -1;
	rq->up->pp = MHD_create_post_processor(conn, UPLOAD_BUFFER,
					       upload_field, rq->up);
	if (!rq->up->pp)
		return send_error(conn, MHD_HTTP_BAD_REQUEST,
				  "Bad multipart/form-data");
	return MHD_YES;
}

static enum MHD_Result route(struct ct_server *s, struct MHD_Connection *conn,
			     const char *url, bool post, const char *body)
{
	if (s->opts.token && post && strcmp(url, "/login") == 0) {
		char *tok = form_field(body, "token");
		bool good = tok && secret_equal(tok, s->opts.token);
		free(tok);
		if (!good)
			return page_login(s, conn);
		char *cookie = NULL, *buf = strdup("<!DOCTYPE html><p><a "
						   "href=\"/\">logged in</a>"
						   "</p>\n");
		char nonce[33];
		random_hex(nonce, 16);
		if (!buf || asprintf(&cookie, "ct_token=%s; Path=/; HttpOnly; "
				     "SameSite=Strict", s->opts.token) < 0) {
			free(buf);
			return MHD_NO;
		}
		enum MHD_Result r = send_buf(conn, MHD_HTTP_OK,
					     "text/html; charset=utf-8", buf,
					     strlen(buf), nonce, "Set-Cookie",
					     cookie);
		free(cookie);
		return r;
	}
	if (!is_authorized(s, conn))
		return page_login(s, conn);

	bool json = strncmp(url, "/api/", 5) == 0;
	const char *path = json ? url + 4 : url;
	struct page pg;
	if (!page_open(&pg, json))
		return MHD_NO;
	const char *p = MHD_lookup_connection_value(conn,
						    MHD_GET_ARGUMENT_KIND,
						    "page");
	pg.page = p ? parse_id(p) : 1;
	if (pg.page < 1 || pg.page > MAX_PAGE) {
		fclose(pg.f);
		free(pg.buf);
		return send_error(conn, MHD_HTTP_BAD_REQUEST, "Bad page number");
	}
	struct ct_error *err = cache_check(s);
	bool found = true;
	if (err) {
		/* answered 500 below */
	} else if (strcmp(path, "/search") == 0) {
		if (!post) {
			err = page_search(s, &pg, NULL);
		} else {
			char *csrf = form_field(body, "csrf");
			char *text = form_field(body, "text");
			bool ok = csrf && secret_equal(csrf, s->csrf);
			free(csrf);
			if (!ok) {
				free(text);
				fclose(pg.f);
				free(pg.buf);
				return send_error(conn, MHD_HTTP_FORBIDDEN,
						  "Bad or missing CSRF token");
			}
			err = page_search(s, &pg, text ? text : "");
			free(text);
		}
	} else if (strcmp(path, "/upload") == 0 && !post && !json) {
		html_begin(&pg, "Upload");
		upload_form(s, pg.f);
		html_end(&pg);
	} else if (post || strcmp(path, "/upload") == 0) {
		fclose(pg.f);
		free(pg.buf);
		return send_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "Method not allowed");
	} else if (strcmp(path, "/") == 0 || strcmp(path, "/overview") == 0) {
		err = page_overview(s, &pg);
	} else if (strcmp(path, "/issues") == 0) {
		err = page_kept(s, &pg, CACHE_KNOWN, "Known issues",
				"/issues");
	} else if (strcmp(path, "/clusters") == 0) {
		err = page_kept(s, &pg, CACHE_CLUSTERS,
				"Clusters of unknown crashes", "/clusters");
	} else if (strcmp(path, "/cases") == 0) {
		err = page_list(s, &pg, CT_QUERY_CASES, "Cases", "/cases");
	} else if (strcmp(path, "/failed") == 0) {
		err = page_list(s, &pg, CT_QUERY_FAILED, "Failed inputs",
				"/failed");
	} else if (strncmp(path, "/issue/", 7) == 0 && is_rule_id(path + 7)) {
		err = page_issue(s, &pg, path + 7, url, &found);
	} else if (strncmp(path, "/cluster/", 9) == 0 &&
		   parse_id(path + 9) >= 0) {
		err = page_cluster(s, &pg, path + 9, url, &found);
	} else if (strncmp(path, "/input/", 7) == 0 &&
		   parse_id(path + 7) >= 0) {
		err = page_input(s, &pg, parse_id(path + 7), &found);
	} else if (strncmp(path, "/case/", 6) == 0 && parse_id(path + 6) >= 0) {
		err = page_case(s, &pg, parse_id(path + 6), &found);
	} else {
		found = false;
	}
	if (err || !found) {
		fclose(pg.f);
		free(pg.buf);
		if (err) {
			ct_error_destroy(err);
			return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
					  "The database could not be read");
		}
		return send_error(conn, MHD_HTTP_NOT_FOUND, "Not found");
	}
	return page_send(conn, &pg, MHD_HTTP_OK);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct ct_server *s = cls;
	struct request *rq = *con_cls;
	bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	if (!rq) {
		if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return send_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					  "Method not allowed");
		/* HTTP/1.1 requires Host (RFC 9112 3.2); MHD lets it go */
		if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
		    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 "Host"))
			return send_error(conn, MHD_HTTP_BAD_REQUEST,
					  "Bad request: no Host header");
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		if (post && is_upload_url(url))
			return upload_begin(s, conn, rq);
		const char *cl = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > MAX_BODY) {
			rq->too_big = true;
			return send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					  "Request body too large");
		}
		return MHD_YES;
	}
	if (rq->up) {
		struct upload *up = rq->up;
		if (!*upload_size)
			return upload_finish(s, conn, up,
					     strncmp(url, "/api/", 5) == 0);
		if (!up->status &&
		    MHD_post_process(up->pp, upload, *upload_size) == MHD_NO &&
		    !up->status)
			up->status = MHD_HTTP_BAD_REQUEST;
		/* once refused, the rest is read and dropped: libmicrohttpd
		 * queues no answer before the body's end */
		*upload_size = 0;
		return MHD_YES;
	}
	if (is_upload_url(url) && post) {
		*upload_size = 0;	/* refused in upload_begin() */
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (rq->too_big || MAX_BODY - rq->len < n) {
			rq->too_big = true;
			return MHD_YES;		/* drained, answered below */
		}
		char *b = realloc(rq->body, rq->len + n + 1);
		if (!b)
			return MHD_NO;
		memcpy(b + rq->len, upload, n);
		rq->body = b;
		rq->len += n;
		rq->body[rq->len] = '\0';
		return MHD_YES;
	}
	if (rq->too_big)
		return send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				  "Request body too large");
	if (rq->body && strlen(rq->body) != rq->len)
		return send_error(conn, MHD_HTTP_BAD_REQUEST,
				  "NUL byte in the body");
	return route(s, conn, url, post, rq->body ? rq->body : "");
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct request *rq = *con_cls;
	if (rq) {
		upload_free(rq->up);
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

struct ct_error *ct_server_start(const struct ct_server_options *opts,
				 struct ct_server **ret, uint16_t *ret_port)
{
	struct ct_error *err = ct_mhd_load();
	if (err)
		return err;
	struct ct_server *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->opts = *opts;
	if (!s->opts.max_upload)
		s->opts.max_upload = CT_SERVE_MAX_UPLOAD;
	pthread_mutex_init(&s->upload_lock, NULL);
	pthread_mutex_init(&s->refresh.mu, NULL);
	random_hex(s->csrf, 16);
	cache_warm(s);
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(opts->port),
		.sin_addr.s_addr = htonl(opts->addr),
	};
	s->mhd = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME,
		opts->port, NULL, NULL,
		on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_CONNECTION_LIMIT,
		opts->max_connections ? opts->max_connections : 64u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0u,
		MHD_OPTION_CONNECTION_TIMEOUT,
		opts->timeout ? opts->timeout : 10u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	if (!s->mhd) {
		int e = errno ? errno : EADDRINUSE;
		for (size_t k = 0; k < CACHE_MAX; k++)
			cli_table_free(&s->cache[k].t);
		pthread_mutex_destroy(&s->refresh.mu);
		pthread_mutex_destroy(&s->upload_lock);
		free(s);
		return ct_error_os(e, NULL, "cannot listen on port %u",
				   (unsigned)opts->port);
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(
		s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	*ret_port = info ? info->port : opts->port;
	*ret = s;
	return NULL;
}

void ct_server_stop(struct ct_server *s)
{
	if (!s)
		return;
	/* libmicrohttpd must not stop with a connection suspended: let the
	 * uploads being classified end first */
	while (atomic_load(&s->classifying) > 0)
		usleep(10000);
	MHD_stop_daemon(s->mhd);
	if (s->refresh.started)
		pthread_join(s->refresh.thread, NULL);
	for (size_t k = 0; k < CACHE_MAX; k++) {
		cli_table_free(&s->cache[k].t);
		cli_table_free(&s->refresh.tables[k]);
	}
	cli_table_free(&s->refresh.versions);
	ct_error_destroy(s->refresh.err);
	pthread_mutex_destroy(&s->refresh.mu);
	pthread_mutex_destroy(&s->upload_lock);
	free(s);
}
