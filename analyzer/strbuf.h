/* SPDX-License-Identifier: MIT */
/*
 * strbuf.h - the small helpers libcrashtriage shares with its callers:
 * growable arrays and strings (JSON and terminal-safe appends), and lines
 * of untrusted text.  Public: the CLI builds its output with these.
 *
 * A struct ct_strbuf never fails loudly: an append that runs out of
 * memory sets failed and leaves the contents truncated; check failed (or
 * a NULL from ct_strbuf_detach()) once at the end.
 */
#ifndef CT_STRBUF_H
#define CT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- allocation -------------------------------------------------------- */

/* Grow *array (of elem_size elements, *cap allocated) so that it can hold
 * need elements; overflow-checked.  Returns false on OOM or overflow. */
bool ct_grow(void **array, size_t *cap, size_t need, size_t elem_size);

/* ---- growable string --------------------------------------------------- */

struct ct_strbuf {
	char *buf;	/* NUL-terminated when len > 0 or after any append */
	size_t len;	/* bytes used, excluding the NUL */
	size_t cap;	/* bytes allocated */
	bool failed;	/* an append ran out of memory (or, with a sink,
			 * a write failed); contents truncated */
	FILE *sink;	/* if set, a full buffer is written here and
			 * emptied (ct_strbuf_flush()): a large output
			 * is never whole in memory */
};

#define CT_STRBUF_INIT { NULL, 0, 0, false, NULL }
/* A strbuf that writes to f in pieces of about 64 KB. */
#define CT_STRBUF_SINK(f) { NULL, 0, 0, false, (f) }

/* ct_strbuf_append() when the bytes may not fit: grows (or, with a
 * sink, writes out) first. */
void ct_strbuf_append_grow(struct ct_strbuf *sb, const char *p, size_t n);

/* Append n bytes at p.  Inline: JSON output is millions of small
 * appends. */
static inline void ct_strbuf_append(struct ct_strbuf *sb, const char *p,
				    size_t n)
{
	if (sb->failed || n >= sb->cap - sb->len) {
		ct_strbuf_append_grow(sb, p, n);
		return;
	}
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void ct_strbuf_putc(struct ct_strbuf *sb, char c)
{
	ct_strbuf_append(sb, &c, 1);
}

void ct_strbuf_puts(struct ct_strbuf *sb, const char *s);
void ct_strbuf_appendf(struct ct_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal (with quotes); s may be NULL -> null. */
void ct_strbuf_json_string(struct ct_strbuf *sb, const char *s);
/*
 * ct_strbuf_put_visible - append s (a name or text from the evidence) so
 * that a terminal shows every character of it and nothing else: newline,
 * CR and tab as \n \r \t, other control bytes and bytes that are not
 * UTF-8 as \xNN, C1 controls, bidi overrides, embeddings, isolates and
 * marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C),
 * zero-width and other invisible format characters as \uNNNN (\UNNNNNNNN
 * beyond the BMP).  A file named with a newline cannot forge an output
 * line.  Printable text, backslashes included, is appended as it is.
 */
void ct_strbuf_put_visible(struct ct_strbuf *sb, const char *s);
/* Write what a sink strbuf holds to its sink and empty it; false if it
 * failed (now or before).  Without a sink, whether it failed. */
bool ct_strbuf_flush(struct ct_strbuf *sb);
/* Hand the buffer to the caller (never NULL unless failed), reset sb. */
char *ct_strbuf_detach(struct ct_strbuf *sb);
void ct_strbuf_deinit(struct ct_strbuf *sb);

/* ---- lines of untrusted text ------------------------------------------- */

/* A line of an input: not NUL-terminated, without its "\n" or "\r\n". */
struct ct_line {
	const char *p;
	size_t len;
	unsigned long number;	/* 1-based */
};

struct ct_line_reader {
	const char *pos;
	const char *end;
	unsigned long number;	/* number of the last line returned */
};

void ct_line_reader_init(struct ct_line_reader *r, const char *buf,
			 size_t len);
/* Next line, false at the end. */
bool ct_line_next(struct ct_line_reader *r, struct ct_line *ret);

/* Whether c may be part of a symbol name: [A-Za-z0-9_$]. */
bool ct_is_ident_char(int c);
/* Parse a 64-bit hex number (optional 0x, 1 to 16 digits, no masks) at
 * *p; *p moves past it.  False, *p untouched, if there are no digits or
 * more than 16.  (Also declared among internal.h's text helpers.) */
bool ct_parse_hex_u64(const char **p, const char *end, uint64_t *ret);

#endif /* CT_STRBUF_H */
