/* SPDX-License-Identifier: MIT */
/*
 * multiscan.c - many literals in one pass, with Vectorscan's runtime
 * loaded on first use (multiscan.h).
 */
#include <hs/hs_runtime.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "analyzer/internal.h"
#include "analyzer/lazy.h"
#include "analyzer/multiscan.h"

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
	[CT_SCAN_VMKERNEL_MARKERS] = { scandb_vmkernel_markers,
				       sizeof(scandb_vmkernel_markers) },
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

struct scan {
	ct_scan_hit_fn *hit;
	void *arg;
};

static int on_match(unsigned int id, unsigned long long from,
		    unsigned long long to, unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct scan *s = ctx;
	return s->hit(s->arg, id, (size_t)to) ? 0 : 1;
}

/* hs_scan_stream takes an unsigned length: big texts go in chunks. */
enum { CHUNK = 1u << 30 };

struct ct_error *ct_multiscan(enum ct_scan_set set, const char *buf,
			      size_t len, ct_scan_hit_fn *hit, void *arg)
{
	pthread_once(&load_once, load);
	struct ct_error *err = ct_lazy_error(&lib);
	if (err)
		return err;
	hs_database_t *db = databases[set];
	hs_scratch_t *scratch = NULL;
	if (hs.hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
		return &ct_enomem;
	hs_stream_t *stream = NULL;
	if (hs.hs_open_stream(db, 0, &stream) != HS_SUCCESS) {
		hs.hs_free_scratch(scratch);
		return &ct_enomem;
	}
	struct scan s = { hit, arg };
	bool stopped = false;
	for (size_t off = 0; off < len && !stopped; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		hs_error_t rc = hs.hs_scan_stream(stream, buf + off,
						  (unsigned)n, 0, scratch,
						  on_match, &s);
		if (rc == HS_SCAN_TERMINATED)
			stopped = true;
		else if (rc != HS_SUCCESS && !err)
			err = ct_error_create(CT_ERROR_UNSUPPORTED,
					      "log scan failed (Vectorscan "
					      "error %d)", (int)rc);
	}
	/* closing reports matches that end at the stream's end: none for
	 * literals, so no callback is needed */
	hs.hs_close_stream(stream, scratch, NULL, NULL);
	hs.hs_free_scratch(scratch);
	return err;
}

size_t ct_count_byte(const char *p, size_t n, char c)
{
	size_t count = 0, i = 0;
#ifdef __SSE2__
	/* per-byte counters (0 - matches) summed every 255 blocks */
	const __m128i needle = _mm_set1_epi8(c), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i acc = zero;
		for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, needle));
		}
		__m128i sums = _mm_sad_epu8(acc, zero);
		count += (size_t)_mm_cvtsi128_si32(sums) +
			 (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
	}
#endif
	for (; i < n; i++)
		count += p[i] == c;
	return count;
}
