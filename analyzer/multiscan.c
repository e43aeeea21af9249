/* SPDX-License-Identifier: MIT */
/*
 * multiscan.c - many literals and the lines they lie in, in one pass, with
 * Vectorscan's runtime loaded on first use (multiscan.h).
 */
#include <hs/hs_runtime.h>
#include <pthread.h>
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
};

/* The scan's state: the hits of the chunk scanned last and the line the
 * walk has reached. */
struct walk {
	const char *buf;
	size_t len;
	ct_scan_line_fn *fn;
	void *arg;
	bool every_line;
	bool stopped;		/* fn said stop */
	struct hit {
		size_t end;	/* offset just past the literal */
		unsigned id;	/* its id in the set's database */
	} *hits;		/* hits not yet passed by the walk, by end */
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
	struct walk *w = ctx;
	if (w->hit_count < HITS_MAX) {
		w->hits[w->hit_count++] = (struct hit){ (size_t)to, id };
		return 0;
	}
	if (w->flood_from == SIZE_MAX)
		w->flood_from = (size_t)to;
	w->flood_to = w->scanned;	/* the end of this chunk */
	return 0;
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
	hs_scratch_t *scratch = NULL;
	hs_stream_t *stream = NULL;
	if (!w.hits || hs.hs_alloc_scratch(db, &scratch) != HS_SUCCESS ||
	    hs.hs_open_stream(db, 0, &stream) != HS_SUCCESS) {
		err = &ct_enomem;
		goto out;
	}
	while (w.scanned < len && !w.stopped) {
		size_t off = w.scanned;
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		w.scanned = off + n;
		hs_error_t rc = hs.hs_scan_stream(stream, buf + off,
						  (unsigned)n, 0, scratch,
						  on_match, &w);
		if (rc != HS_SUCCESS) {
			err = ct_error_create(CT_ERROR_UNSUPPORTED,
					      "log scan failed (Vectorscan "
					      "error %d)", (int)rc);
			break;
		}
		walk_lines(&w);
	}
	/* closing reports matches that end at the stream's end: none for
	 * literals, so no callback is needed */
	hs.hs_close_stream(stream, scratch, NULL, NULL);
out:
	if (scratch)
		hs.hs_free_scratch(scratch);
	free(w.hits);
	return err;
}
