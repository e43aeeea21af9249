/* SPDX-License-Identifier: MIT */
/*
 * gunzip.c - a gzip file inflated through ISA-L's igzip, loaded on first
 * use (gunzip.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/gunzip.h"
#include "analyzer/internal.h"
#include "analyzer/lazy.h"

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>

#ifndef CT_LIBISAL_SONAME
#define CT_LIBISAL_SONAME "libisal.so.2"
#endif

/* The igzip functions called, through pointers (lazy.h). */
#define CT_ISAL_FUNCTIONS(X) X(isal_inflate_init) X(isal_inflate)

static struct {
	CT_ISAL_FUNCTIONS(CT_LAZY_POINTER)
} api;

static struct ct_lazy lib = { .soname = CT_LIBISAL_SONAME,
			      .what = "inflate gzip with igzip" };
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool loaded;

static void load(void)
{
#define RESOLVE(f) CT_LAZY_RESOLVE(&lib, api, f)
	if (ct_lazy_open(&lib)) {
		CT_ISAL_FUNCTIONS(RESOLVE)
	}
#undef RESOLVE
	loaded = !lib.error[0];
}

bool ct_gunzip_available(void)
{
	pthread_once(&load_once, load);
	return loaded;
}

/* Compressed bytes read at a time, and inflated bytes given at a time:
 * the blocks of libarchive's gzip filter (archive_read_support_filter_gzip.c,
 * out_block_size), so that a read error shows at the same member. */
enum { IN_SIZE = 256 << 10, OUT_SIZE = 64 << 10 };

struct ct_gunzip {
	int fd;
	uint64_t in_off;	/* bytes of the file read */
	bool in_eof;		/* the file has no more */
	struct inflate_state st; /* raw deflate: the gzip header and
				  * trailer are read here */
	bool in_member;		/* past a member's header, before its
				 * trailer */
	unsigned char *in;	/* IN_SIZE: st.next_in points into it */
	unsigned char *out;	/* OUT_SIZE */
	size_t out_len;		/* bytes of out the last read gave */
	bool again;		/* the next read gives out again (is_tar) */
	bool end;		/* the stream ended */
	bool failed;		/* an error met: read returns -1 */
	const char *error;	/* its message, or NULL (libarchive sets
				 * none for a cut trailer) */
};

struct ct_gunzip *ct_gunzip_create(int fd)
{
	if (!ct_gunzip_available())
		return NULL;
	struct ct_gunzip *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->fd = fd;
	g->in = malloc(IN_SIZE);
	g->out = malloc(OUT_SIZE);
	if (!g->in || !g->out) {
		ct_gunzip_destroy(g);
		return NULL;
	}
	g->st.next_in = g->in;
	return g;
}

void ct_gunzip_destroy(struct ct_gunzip *g)
{
	if (!g)
		return;
	free(g->in);
	free(g->out);
	free(g);
}

static void fail(struct ct_gunzip *g, const char *error)
{
	g->failed = true;
	g->error = error;
}

/* At least n bytes of input buffered, unless the file ends first (or n
 * is over IN_SIZE); false on a read error. */
static bool want(struct ct_gunzip *g, size_t n)
{
	if (g->st.avail_in >= n || g->in_eof)
		return true;
	size_t keep = g->st.avail_in;
	memmove(g->in, g->st.next_in, keep);
	g->st.next_in = g->in;
	while (keep < n && keep < IN_SIZE && !g->in_eof) {
		ssize_t r = pread(g->fd, g->in + keep, IN_SIZE - keep,
				  (off_t)g->in_off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fail(g, strerror(errno));
			return false;
		}
		if (r == 0)
			g->in_eof = true;
		g->in_off += (uint64_t)r;
		keep += (size_t)r;
	}
	g->st.avail_in = (uint32_t)keep;
	return true;
}

/* Input byte i ahead, or -1 when the file ends before it. */
static int peek(struct ct_gunzip *g, size_t i)
{
	if (!want(g, i + 1) || g->st.avail_in <= i)
		return -1;
	return g->st.next_in[i];
}

static void consume(struct ct_gunzip *g, size_t n)
{
	g->st.next_in += n;
	g->st.avail_in -= (uint32_t)n;
}

/* The length of the member header ahead, 0 when there is none: what
 * libarchive's gzip filter takes for one (peek_at_header): magic,
 * deflate, no reserved flag, then the optional fields the flags name. */
static size_t header_len(struct ct_gunzip *g)
{
	if (peek(g, 9) < 0 || memcmp(g->st.next_in, "\x1f\x8b\x08", 3) != 0 ||
	    (g->st.next_in[3] & 0xe0))
		return 0;
	unsigned flags = g->st.next_in[3];
	size_t len = 10;
	if (flags & 4) {	/* FEXTRA: a length, then the data */
		int lo = peek(g, len), hi = peek(g, len + 1);
		if (lo < 0 || hi < 0)
			return 0;
		len += 2 + ((size_t)hi << 8 | (size_t)lo);
	}
	for (unsigned bit = 8; bit <= 16; bit <<= 1) { /* FNAME, FCOMMENT */
		if (!(flags & bit))
			continue;
		int c;
		do
			c = peek(g, len++);
		while (c > 0);
		if (c < 0)
			return 0;
	}
	if (flags & 2)		/* FHCRC */
		len += 2;
	return peek(g, len - 1) < 0 ? 0 : len;
}

/* Inflate into g->out until it is full or the stream ends or fails, as
 * libarchive's gzip filter does (gzip_filter_read): a block the stream
 * is cut in or fails in is not given, the error comes instead, at the
 * same member (tests/e2e/run-batch.sh's corrupt.tgz); the trailer's CRC
 * and length are not checked (libarchive does not). */
static void fill(struct ct_gunzip *g)
{
	g->st.next_out = g->out;
	g->st.avail_out = OUT_SIZE;
	while (g->st.avail_out && !g->end && !g->failed) {
		if (!g->in_member) {
			size_t len = header_len(g);
			if (g->failed)
				break;
			if (!len) {
				g->end = true;
				break;
			}
			consume(g, len);
			/* a fresh state on the same buffers (init clears
			 * them) */
			unsigned char *next_in = g->st.next_in;
			uint32_t avail_in = g->st.avail_in;
			unsigned char *next_out = g->st.next_out;
			uint32_t avail_out = g->st.avail_out;
			api.isal_inflate_init(&g->st);
			g->st.crc_flag = ISAL_DEFLATE;
			g->st.next_in = next_in;
			g->st.avail_in = avail_in;
			g->st.next_out = next_out;
			g->st.avail_out = avail_out;
			g->in_member = true;
		}
		if (!want(g, 1))
			break;
		if (!g->st.avail_in) {
			fail(g, "truncated gzip input");
			break;
		}
		uint32_t in_before = g->st.avail_in;
		uint32_t out_before = g->st.avail_out;
		if (api.isal_inflate(&g->st) < 0) {
			/* igzip's counts are not to be trusted after an
			 * error (an invalid distance leaves avail_in at
			 * UINT32_MAX): take the buffered input as read */
			g->st.next_in = g->in;
			g->st.avail_in = 0;
			fail(g, "gzip decompression failed");
			break;
		}
		if (g->st.block_state == ISAL_BLOCK_FINISH) {
			/* the 8-byte trailer: its first bytes may be in
			 * igzip's bit buffer */
			g->in_member = false;
			size_t held = (size_t)g->st.read_in_length / 8;
			size_t rest = held < 8 ? 8 - held : 0;
			if (rest && peek(g, rest - 1) < 0) {
				if (!g->failed)
					fail(g, NULL);
				break;
			}
			consume(g, rest);
		} else if (g->st.avail_in == in_before &&
			   g->st.avail_out == out_before) {
			/* it needs more input than there is buffered; a
			 * full buffer it cannot use would loop forever */
			if (g->in_eof)
				fail(g, "truncated gzip input");
			else if (in_before >= IN_SIZE)
				fail(g, "gzip decompression failed");
			else
				want(g, (size_t)in_before + 1);
		}
	}
	g->out_len = g->failed ? 0 : OUT_SIZE - g->st.avail_out;
}

ssize_t ct_gunzip_read(struct ct_gunzip *g, const void **ret_buf)
{
	*ret_buf = g->out;
	if (g->again) {
		g->again = false;
		if (g->out_len)
			return (ssize_t)g->out_len;
	}
	if (g->failed)
		return -1;
	if (g->end)
		return 0;
	fill(g);
	if (g->failed)
		return -1;
	return (ssize_t)g->out_len;
}

const char *ct_gunzip_error(const struct ct_gunzip *g)
{
	return g->error;
}

bool ct_gunzip_is_tar(struct ct_gunzip *g)
{
	const void *buf;
	ssize_t n = ct_gunzip_read(g, &buf);
	g->again = true;
	return n >= 262 && memcmp((const char *)buf + 257, "ustar", 5) == 0;
}

uint64_t ct_gunzip_in_bytes(const struct ct_gunzip *g)
{
	return g->in_off - g->st.avail_in;
}
#endif /* HAVE_ISAL */
