/* SPDX-License-Identifier: MIT */
/*
 * signature.c - from backtraces to a title and a stable hash.
 *
 * The signature uses the crashing backtrace's top normalised frames: no
 * offsets, addresses, clone suffixes, unreliable or generic frames.  So it
 * does not move with builds, hosts, timestamps or taint flags, and the same
 * crash seen as a gdb backtrace and as vmkernel frame lines signs alike.
 */
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/report.h"
#include "analyzer/sha256.h"

enum {
	SIGNATURE_FRAMES = 5,	/* frames hashed */
	TITLE_FRAMES = 3,	/* frames named in the title */
};

const struct ct_backtrace *ct_case_crashing(const struct ct_case *c)
{
	for (size_t i = 0; i < c->backtrace_count; i++)
		if (c->backtraces[i].crashing && c->backtraces[i].frame_count)
			return &c->backtraces[i];
	for (size_t i = 0; i < c->backtrace_count; i++)
		if (c->backtraces[i].frame_count)
			return &c->backtraces[i];
	return NULL;
}

static bool frame_counts(const struct ct_frame *f)
{
	return f->reliable && !f->generic && f->normalized &&
	       f->normalized[0] && strcmp(f->normalized, "??") != 0;
}

/* Replace runs of digits (and 0x-hex) in s by "N": messages keep their
 * shape but lose addresses, line numbers and world ids. */
static void append_masked(struct ct_strbuf *sb, const char *s)
{
	while (*s) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			s += 2;
			while (ct_is_hex(*s))
				s++;
			ct_strbuf_putc(sb, 'N');
		} else if (ct_is_digit(*s)) {
			while (ct_is_digit(*s))
				s++;
			ct_strbuf_putc(sb, 'N');
		} else {
			ct_strbuf_putc(sb, *s++);
		}
	}
}

static void clear_signature(struct ct_signature *sig)
{
	free(sig->title);
	free(sig->guilty);
	for (size_t i = 0; i < sig->frame_count; i++)
		free(sig->frames[i]);
	free(sig->frames);
	for (size_t i = 0; i < sig->alt_title_count; i++)
		free(sig->alt_titles[i]);
	free(sig->alt_titles);
	memset(sig, 0, sizeof(*sig));
}

static void hash_hex(struct ct_sha256 *h, char ret[17])
{
	unsigned char digest[32];
	ct_sha256_final(h, digest);
	for (int i = 0; i < 8; i++)
		snprintf(ret + 2 * i, 3, "%02x", digest[i]);
}

/* Index of the first frame of bt that counts and is named name, or -1. */
static long frame_named(const struct ct_backtrace *bt, const char *name)
{
	for (size_t i = 0; i < bt->frame_count; i++)
		if (frame_counts(&bt->frames[i]) &&
		    strcmp(bt->frames[i].normalized, name) == 0)
			return (long)i;
	return -1;
}

/* Where the signature starts in bt, and the guilty function: the report
 * type's choice when one was made, else the first frame the skip list
 * does not name (the first frame that counts when it names them all). */
static long choose_guilty(const struct ct_case *c,
			  const struct ct_backtrace *bt, const char **ret)
{
	*ret = NULL;
	if (c->panic.typed) {
		*ret = c->panic.guilty;
		if (!bt || !c->panic.guilty)
			return -1;
		/* the frame the rules chose, which they may have named by
		 * its bucket ("smp_call_function") or syscall ("sys_mount") */
		long i = c->panic.guilty_frame;
		if (i >= 0 && (size_t)i < bt->frame_count &&
		    frame_counts(&bt->frames[i]))
			return i;
		return frame_named(bt, c->panic.guilty);
	}
	if (!bt)
		return -1;
	long i = ct_guilty_index(bt, "");
	if (i < 0)
		for (size_t j = 0; j < bt->frame_count && i < 0; j++)
			if (frame_counts(&bt->frames[j]))
				i = (long)j;
	if (i >= 0)
		*ret = bt->frames[i].normalized;
	return i;
}

enum { MAX_ALT_TITLES = 2 };

/* Coarser titles, the levels a cluster may be widened to: the report type
 * without its access ("KASAN: use-after-free in f"), then the report kind
 * alone ("kasan in f"). */
static struct ct_error *alt_titles(struct ct_signature *sig,
				   const char *type, const char *kind)
{
	if (!sig->guilty)
		return NULL;
	sig->alt_titles = calloc(MAX_ALT_TITLES, sizeof(*sig->alt_titles));
	if (!sig->alt_titles)
		return &ct_enomem;
	char buf[512];
	size_t n = type ? strlen(type) : 0;
	static const char *const access[] = { " Read", " Write" };
	for (size_t i = 0; i < CT_ARRAY_SIZE(access) && type; i++) {
		size_t a = strlen(access[i]);
		if (n > a && strcmp(type + n - a, access[i]) == 0) {
			snprintf(buf, sizeof(buf), "%.*s in %s", (int)(n - a),
				 type, sig->guilty);
			if (!(sig->alt_titles[sig->alt_title_count++] =
				      strdup(buf)))
				return &ct_enomem;
		}
	}
	snprintf(buf, sizeof(buf), "%s in %s", kind, sig->guilty);
	if (strcmp(buf, sig->title) != 0 &&
	    !(sig->alt_titles[sig->alt_title_count++] = strdup(buf)))
		return &ct_enomem;
	return NULL;
}

/* The frames of the signature, from bt's guilty frame (start, or -1
 * when guilty is no frame) outwards, hashed into h; the frames above it
 * are marked skipped. */
static struct ct_error *sign_frames(struct ct_signature *sig,
				    struct ct_backtrace *bt, long start,
				    const char *guilty, struct ct_sha256 *h)
{
	/* the frames above the guilty one are machinery or helpers */
	for (size_t i = 0; i < bt->frame_count; i++)
		bt->frames[i].skipped = false;
	for (long i = 0; i < start; i++)
		if (frame_counts(&bt->frames[i]))
			bt->frames[i].skipped = true;
	sig->frames = calloc(SIGNATURE_FRAMES, sizeof(*sig->frames));
	if (!sig->frames)
		return &ct_enomem;
	bool renamed = start >= 0 && guilty &&
		       strcmp(bt->frames[start].normalized, guilty) != 0;
	if ((start < 0 || renamed) && guilty) {
		/* the guilty function is named otherwise than its frame, or
		 * is no frame: its name leads */
		char *copy = strdup(guilty);
		if (!copy)
			return &ct_enomem;
		sig->frames[sig->frame_count++] = copy;
		ct_sha256_update(h, copy, strlen(copy) + 1);
	}
	for (size_t i = start > 0 ? (size_t)start + renamed : renamed;
	     i < bt->frame_count && sig->frame_count < SIGNATURE_FRAMES; i++) {
		const struct ct_frame *f = &bt->frames[i];
		if (!frame_counts(f) || f->skipped ||
		    (start < 0 && guilty && strcmp(f->normalized, guilty) == 0))
			continue;
		char *copy = strdup(f->normalized);
		if (!copy)
			return &ct_enomem;
		sig->frames[sig->frame_count++] = copy;
		ct_sha256_update(h, copy, strlen(copy) + 1);
	}
	return NULL;
}

/* Hash the shape of a panic message (numbers masked); false on OOM. */
static bool hash_message(struct ct_sha256 *h, const char *message)
{
	struct ct_strbuf masked = CT_STRBUF_INIT;
	append_masked(&masked, message);
	bool ok = !masked.failed;
	if (ok) {
		ct_sha256_update(h, "message:", 8);
		ct_sha256_update(h, masked.buf, masked.len);
	}
	ct_strbuf_deinit(&masked);
	return ok;
}

struct ct_error *ct_case_sign(struct ct_case *c)
{
	struct ct_signature *sig = &c->signature;
	clear_signature(sig);

	struct ct_backtrace *bt = (struct ct_backtrace *)ct_case_crashing(c);
	const char *kind = c->panic.kind ? c->panic.kind : "crash";
	const char *guilty;
	long start = choose_guilty(c, bt, &guilty);
	struct ct_sha256 h;
	ct_sha256_init(&h);
	if (guilty) {
		sig->guilty = strdup(guilty);
		if (!sig->guilty)
			return &ct_enomem;
	}
	if (c->panic.report_type) {
		ct_sha256_update(&h, "type:", 5);
		ct_sha256_update(&h, c->panic.report_type,
				 strlen(c->panic.report_type) + 1);
	}
	if (bt) {
		struct ct_error *err = sign_frames(sig, bt, start, guilty, &h);
		if (err)
			return err;
	}

	struct ct_strbuf title = CT_STRBUF_INIT;
	if (c->panic.report_type) {
		/* "TYPE in GUILTY", as triagers name kernel reports */
		ct_strbuf_puts(&title, c->panic.report_type);
		if (guilty)
			ct_strbuf_appendf(&title, " in %s", guilty);
		if (!sig->frame_count && c->panic.message &&
		    !hash_message(&h, c->panic.message)) {
			ct_strbuf_deinit(&title);
			return &ct_enomem;
		}
	} else if (sig->frame_count) {
		ct_strbuf_appendf(&title, "%s in ", kind);
		for (size_t i = 0; i < sig->frame_count && i < TITLE_FRAMES;
		     i++) {
			if (i)
				ct_strbuf_puts(&title, " <- ");
			ct_strbuf_puts(&title, sig->frames[i]);
		}
	} else if (c->panic.message) {
		/* a panic with no usable frames: sign the message's shape */
		if (!hash_message(&h, c->panic.message))
			return &ct_enomem;
		ct_strbuf_appendf(&title, "%s: %s", kind, c->panic.message);
	} else {
		return NULL; /* no crash in the evidence: no title, no hash */
	}
	if (title.failed) {
		ct_strbuf_deinit(&title);
		return &ct_enomem;
	}
	sig->title = ct_strbuf_detach(&title);
	hash_hex(&h, sig->hash);
	return alt_titles(sig, c->panic.report_type, kind);
}
