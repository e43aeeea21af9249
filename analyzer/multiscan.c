/* SPDX-License-Identifier: MIT */
/*
 * multiscan.c - many literals and the lines they lie in, in one pass, with
 * Vectorscan's runtime loaded on first use (multiscan.h).
 */
#include <hs/hs_runtime.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>

#include "analyzer/internal.h"
#include "analyzer/lazy.h"
#include "analyzer/multiscan.h"
#include "analyzer/span.h"

#ifndef CT_LIBHS_RUNTIME_SONAME
#define CT_LIBHS_RUNTIME_SONAME "libhs_runtime.so.5"
#endif

/* The serialized databases, one per set, made at build time. */
#include "analyzer/scandb.inc"

static const struct {
	const unsigned char *bytes;
	size_t size;
} serialized[CT_SCAN_SET_COUNT] = {
	[CT_SCAN_EVENTS_ANY] = { scandb_events_any, sizeof(scandb_events_any) },
	[CT_SCAN_EVENTS_ESXI] = { scandb_events_esxi,
				  sizeof(scandb_events_esxi) },
	[CT_SCAN_EVENTS_LINUX] = { scandb_events_linux,
				   sizeof(scandb_events_linux) },
	[CT_SCAN_VMKERNEL] = { scandb_vmkernel, sizeof(scandb_vmkernel) },
	[CT_SCAN_LINUX] = { scandb_linux, sizeof(scandb_linux) },
};

#define CT_HS_FUNCTIONS(X)                                                   \
	X(hs_deserialize_database) X(hs_alloc_scratch) X(hs_free_scratch)    \
	X(hs_open_stream) X(hs_scan_stream) X(hs_close_stream)

static struct {
#define CT_HS_POINTER(f) __typeof__(f) *f;
	CT_HS_FUNCTIONS(CT_HS_POINTER)
#undef CT_HS_POINTER
} hs;

static struct ct_lazy lib = { .soname = CT_LIBHS_RUNTIME_SONAME,
			      .what = "scan logs" };
static hs_database_t *databases[CT_SCAN_SET_COUNT];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
#define RESOLVE(f) CT_LAZY_RESOLVE(&lib, hs, f)
	if (!ct_lazy_open(&lib))
		return;
	CT_HS_FUNCTIONS(RESOLVE)
#undef RESOLVE
	if (lib.error[0])
		return;
	for (int i = 0; i < CT_SCAN_SET_COUNT; i++) {
		hs_error_t rc = hs.hs_deserialize_database(
			(const char *)serialized[i].bytes, serialized[i].size,
			&databases[i]);
		if (rc != HS_SUCCESS) {
			snprintf(lib.error, sizeof(lib.error),
				 "its database %d is refused (error %d: built "
				 "for another CPU or Vectorscan version?)",
				 i, (int)rc);
			return;
		}
	}
}

enum {
	/* bytes scanned before their lines are cut: still in cache then */
	CHUNK = 256 * 1024,
	/* hits kept per chunk; past them, every line up to the chunk's end
	 * counts as hit (more work for fn, never a line missed) */
	HITS_MAX = 4096,
	/* chunks the scanning-ahead thread may be in front of the walk:
	 * few, so that the walk reads text still in cache (1 GB
	 * vmkernel.log: 4 chunks 0.42 s wall and 0.67 s CPU, 16 chunks
	 * 0.45 s and 0.74 s) */
	AHEAD_RING = 4,
};

/* A literal found: the offset just past it, its id in the set. */
struct hit {
	size_t end;
	unsigned id;
};

/* What Vectorscan found in one chunk of the text. */
struct chunk {
	struct hit *hits;	/* HITS_MAX of room */
	size_t count;
	size_t dropped;		/* end of the first hit with no room, or
				 * SIZE_MAX */
	size_t end;		/* offset just past the chunk */
	hs_error_t rc;
};

/* The scan's state: the hits not yet passed by the walk and the line the
 * walk has reached. */
struct walk {
	const char *buf;
	size_t len;
	ct_scan_line_fn *fn;
	void *arg;
	bool every_line;
	bool stopped;		/* fn said stop */
	struct hit *hits;	/* hits not yet passed by the walk, by end */
	size_t hit_count, hit_next;
	size_t flood_from;	/* a hit was not kept here: lines from it */
	size_t flood_to;	/* to here count as hit; SIZE_MAX: none */
	size_t scanned;		/* bytes scanned so far */
	size_t line_start;	/* offset of the next line */
	unsigned long number;	/* of the next line */
};

static int on_match(unsigned int id, unsigned long long from,
		    unsigned long long to, unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct chunk *c = ctx;
	if (c->count < HITS_MAX)
		c->hits[c->count++] = (struct hit){ (size_t)to, id };
	else if (c->dropped == SIZE_MAX)
		c->dropped = (size_t)to;
	return 0;
}

/* Scan the chunk of buf that ends at end, the stream's next bytes. */
static void scan_chunk(hs_stream_t *stream, hs_scratch_t *scratch,
		       const char *buf, size_t off, size_t end,
		       struct chunk *c)
{
	c->count = 0;
	c->dropped = SIZE_MAX;
	c->end = end;
	c->rc = hs.hs_scan_stream(stream, buf + off, (unsigned)(end - off), 0,
				  scratch, on_match, c);
}

/* Take chunk c's hits into the walk's, behind those of the line not yet
 * complete; the ones with no room start a flood up to the chunk's end,
 * as if the walk's own array had filled while Vectorscan reported them. */
static void take_chunk(struct walk *w, const struct chunk *c)
{
	size_t room = HITS_MAX - w->hit_count;
	size_t n = c->count < room ? c->count : room;
	memcpy(w->hits + w->hit_count, c->hits, n * sizeof(*c->hits));
	w->hit_count += n;
	size_t dropped = n < c->count ? c->hits[n].end : c->dropped;
	if (dropped != SIZE_MAX) {
		if (w->flood_from == SIZE_MAX)
			w->flood_from = dropped;
		w->flood_to = c->end;
	}
	w->scanned = c->end;
}

/* The line [line_start, nl) is complete: hand it to fn if it should be. */
static void emit(struct walk *w, size_t nl, bool last)
{
	size_t ls = w->line_start;
	bool hit = w->flood_from != SIZE_MAX && nl >= w->flood_from &&
		   ls < w->flood_to;
	bool marked = hit;
	uint64_t events = hit ? UINT64_MAX : 0;
	/* no literal holds a newline: a hit ending by nl is in here */
	while (w->hit_next < w->hit_count && w->hits[w->hit_next].end <= nl) {
		unsigned id = w->hits[w->hit_next].id;
		hit = true;
		if (id >= CT_SCAN_MARKER_ID)
			marked = true;
		else
			events |= id < 64 ? UINT64_C(1) << id : UINT64_MAX;
		w->hit_next++;
	}
	if (hit || w->every_line) {
		size_t e = nl;
		if (e > ls && w->buf[e - 1] == '\r')
			e--;
		struct ct_scan_line line = {
			.p = w->buf + ls, .len = e - ls, .number = w->number,
			.hit = hit, .marked = marked, .last = last,
			.events = events,
		};
		w->stopped = !w->fn(w->arg, &line);
	}
	w->line_start = nl + 1;
	w->number++;
}

/* Cut the lines that end in the bytes scanned so far; at the text's end,
 * its last line too. */
static void walk_lines(struct walk *w)
{
	size_t to = w->scanned;
	for (size_t b = w->line_start; b < to && !w->stopped; b += 64) {
		size_t n = to - b < 64 ? to - b : 64;
		uint64_t m = ct_newline_mask(w->buf + b, n);
		/* no line ending here is wanted: count them */
		if (!w->every_line && w->flood_from == SIZE_MAX &&
		    (w->hit_next == w->hit_count ||
		     w->hits[w->hit_next].end >= b + n)) {
			if (m) {
				w->number += ct_bit_count(m);
				w->line_start = b + 64 -
						(size_t)__builtin_clzll(m);
			}
			continue;
		}
		for (; m && !w->stopped; m &= m - 1)
			emit(w, b + (size_t)__builtin_ctzll(m), false);
		if (w->flood_from != SIZE_MAX && w->line_start >= w->flood_to)
			w->flood_from = SIZE_MAX;
	}
	if (to == w->len && w->line_start < to && !w->stopped)
		emit(w, to, true);
	/* keep the hits of the line not yet complete */
	memmove(w->hits, w->hits + w->hit_next,
		(w->hit_count - w->hit_next) * sizeof(*w->hits));
	w->hit_count -= w->hit_next;
	w->hit_next = 0;
}

static struct ct_error *scan_failed(hs_error_t rc)
{
	return ct_error_create(CT_ERROR_UNSUPPORTED,
			       "log scan failed (Vectorscan error %d)",
			       (int)rc);
}

/*
 * A long text is scanned ahead by a thread of its own: Vectorscan (and
 * the first touch of the text's pages) on one core, the walk and fn on
 * the calling thread, the chunks handed over through a ring.  The walk
 * gets the same hits in the same chunks as a scan on one thread, so fn
 * sees the same lines.
 */
static _Atomic size_t ahead_min = 16 * CHUNK;

void ct_multiscan_set_ahead(size_t min_len)
{
	ahead_min = min_len;
}

/* On one CPU (taskset -c 0, a one-CPU container) a second thread only
 * takes turns with the first: ask once per process. */
static unsigned cpus;
static pthread_once_t cpus_once = PTHREAD_ONCE_INIT;

static void count_cpus(void)
{
	cpus = ct_usable_cpus();
}

static unsigned usable_cpus(void)
{
	pthread_once(&cpus_once, count_cpus);
	return cpus;
}

struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t filled;	/* a chunk was scanned */
	pthread_cond_t freed;	/* the walk took chunks */
	struct chunk ring[AHEAD_RING];
	size_t scanned, taken;	/* chunks, counted from the first */
	bool stop;		/* the walk is over: scan no more */
	bool scanner_waits, walker_waits;
	hs_database_t *db;
	const char *buf;
	size_t len;
	struct ct_error *err;	/* the scanner could not start */
};

/* Free a, made by walk_ahead() (its ring's hits are one block). */
static void ahead_destroy(struct ahead *a)
{
	pthread_cond_destroy(&a->freed);
	pthread_cond_destroy(&a->filled);
	pthread_mutex_destroy(&a->mu);
	free(a->ring[0].hits);
	free(a);
}

static void *scan_ahead(void *arg)
{
	struct ahead *a = arg;
	hs_scratch_t *scratch = NULL;
	hs_stream_t *stream = NULL;
	size_t off = 0;
	bool ok = hs.hs_alloc_scratch(a->db, &scratch) == HS_SUCCESS &&
		  hs.hs_open_stream(a->db, 0, &stream) == HS_SUCCESS;
	pthread_mutex_lock(&a->mu);
	if (!ok)
		a->err = &ct_enomem;
	while (ok && !a->stop && off < a->len) {
		if (a->scanned - a->taken == AHEAD_RING) {
			a->scanner_waits = true;
			pthread_cond_wait(&a->freed, &a->mu);
			a->scanner_waits = false;
			continue;
		}
		struct chunk *c = &a->ring[a->scanned % AHEAD_RING];
		pthread_mutex_unlock(&a->mu);
		size_t end = a->len - off < CHUNK ? a->len : off + CHUNK;
		scan_chunk(stream, scratch, a->buf, off, end, c);
		off = end;
		pthread_mutex_lock(&a->mu);
		a->scanned++;
		if (a->walker_waits)
			pthread_cond_signal(&a->filled);
		if (c->rc != HS_SUCCESS)
			break;
	}
	a->stop = true;	/* nothing more comes */
	pthread_cond_signal(&a->filled);
	pthread_mutex_unlock(&a->mu);
	if (stream)
		hs.hs_close_stream(stream, scratch, NULL, NULL);
	if (scratch)
		hs.hs_free_scratch(scratch);
	return NULL;
}

/* Walk w's text with its chunks scanned by a thread of its own.  False
 * when that thread could not be made (walk on one thread then). */
static bool walk_ahead(struct walk *w, hs_database_t *db,
		       struct ct_error **ret_err)
{
	struct ahead *a = calloc(1, sizeof(*a));
	struct hit *hits = calloc((size_t)AHEAD_RING * HITS_MAX,
				  sizeof(*hits));
	pthread_t thread;
	if (!a || !hits) {
		free(a);
		free(hits);
		return false;
	}
	for (int i = 0; i < AHEAD_RING; i++)
		a->ring[i].hits = hits + (size_t)i * HITS_MAX;
	a->db = db;
	a->buf = w->buf;
	a->len = w->len;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->filled, NULL);
	pthread_cond_init(&a->freed, NULL);
	if (pthread_create(&thread, NULL, scan_ahead, a) != 0) {
		ahead_destroy(a);
		return false;
	}
	pthread_mutex_lock(&a->mu);
	while (!w->stopped && !*ret_err) {
		if (a->taken == a->scanned) {
			if (a->stop)
				break;
			a->walker_waits = true;
			pthread_cond_wait(&a->filled, &a->mu);
			a->walker_waits = false;
			continue;
		}
		const struct chunk *c = &a->ring[a->taken % AHEAD_RING];
		pthread_mutex_unlock(&a->mu);
		if (c->rc != HS_SUCCESS) {
			*ret_err = scan_failed(c->rc);
		} else {
			take_chunk(w, c);
			walk_lines(w);
		}
		pthread_mutex_lock(&a->mu);
		a->taken++;
		/* wake the scanner when half the ring is free, not per
		 * chunk: a wake costs tens of microseconds here */
		if (a->scanner_waits &&
		    a->scanned - a->taken <= AHEAD_RING / 2)
			pthread_cond_signal(&a->freed);
	}
	if (!*ret_err)
		*ret_err = a->err;
	a->stop = true;
	pthread_cond_signal(&a->freed);
	pthread_mutex_unlock(&a->mu);
	pthread_join(thread, NULL);
	ahead_destroy(a);
	return true;
}

struct ct_error *ct_multiscan_lines(enum ct_scan_set set, const char *buf,
				    size_t len, bool every_line,
				    ct_scan_line_fn *fn, void *arg)
{
	pthread_once(&load_once, load);
	struct ct_error *err = ct_lazy_error(&lib);
	if (err)
		return err;
	hs_database_t *db = databases[set];
	struct walk w = {
		.buf = buf, .len = len, .fn = fn, .arg = arg,
		.every_line = every_line, .flood_from = SIZE_MAX,
		.number = 1, .hits = malloc(HITS_MAX * sizeof(struct hit)),
	};
	if (!w.hits)
		return &ct_enomem;
	size_t min = ahead_min;
	if (len >= min && len > CHUNK && (min == 0 || usable_cpus() > 1) &&
	    walk_ahead(&w, db, &err)) {
		free(w.hits);
		return err;
	}
	struct chunk c = { .hits = malloc(HITS_MAX * sizeof(struct hit)) };
	hs_scratch_t *scratch = NULL;
	hs_stream_t *stream = NULL;
	if (!c.hits || hs.hs_alloc_scratch(db, &scratch) != HS_SUCCESS ||
	    hs.hs_open_stream(db, 0, &stream) != HS_SUCCESS) {
		err = &ct_enomem;
		goto out;
	}
	while (w.scanned < len && !w.stopped) {
		size_t end = len - w.scanned < CHUNK ? len : w.scanned + CHUNK;
		scan_chunk(stream, scratch, buf, w.scanned, end, &c);
		if (c.rc != HS_SUCCESS) {
			err = scan_failed(c.rc);
			break;
		}
		take_chunk(&w, &c);
		walk_lines(&w);
	}
	/* closing reports matches that end at the stream's end: none for
	 * literals, so no callback is needed */
	hs.hs_close_stream(stream, scratch, NULL, NULL);
out:
	if (scratch)
		hs.hs_free_scratch(scratch);
	free(c.hits);
	free(w.hits);
	return err;
}
