/* SPDX-License-Identifier: MIT */
/*
 * case-internal.h - the private side of the case model (case.c), private
 * to libcrashtriage: what the library keeps of a case beside the public
 * struct ct_case, and the helpers that put printable strings into it.
 */
#ifndef CT_CASE_INTERNAL_H
#define CT_CASE_INTERNAL_H

#include <stddef.h>

#include "analyzer/crashtriage.h"
#include "analyzer/arena.h"

/* strndup that maps NUL bytes and control characters other than tab and
 * newline to '?' so that every string in the case model is printable C
 * text; keeps at most CT_MAX_FIELD_LEN bytes. */
char *ct_strndup_clean(const char *s, size_t n);
/* Its copy: n bytes of s cleaned so into dst, then a NUL (n + 1 bytes). */
void ct_copy_clean(char *dst, const char *s, size_t n);

/* ct_case_add_event() and ct_event_add_field() with strings given as
 * spans of a text (not NUL-terminated; timestamp may be NULL), made
 * printable as they are copied: one copy each. */
struct ct_error *ct_case_add_event_span(struct ct_case *c, const char *kind,
					const char *timestamp, size_t ts_len,
					const char *text, size_t text_len,
					struct ct_origin origin,
					struct ct_event **ret);
struct ct_error *ct_event_add_field_span(struct ct_case *c,
					 struct ct_event *ev,
					 const char *name, const char *value,
					 size_t len);
/* The same for the event catalogue, whose kinds and field names live as
 * long as the process: they are kept by pointer, not copied, and room for
 * nfields fields is made at once (an event-dense log has 100,000 events:
 * a copy of each name and a fields array grown 4, 8 doubled the memory
 * its events took). */
struct ct_error *ct_case_add_event_static(struct ct_case *c,
					  const char *static_kind,
					  const char *timestamp, size_t ts_len,
					  const char *text, size_t text_len,
					  struct ct_origin origin,
					  size_t nfields,
					  struct ct_event **ret);
struct ct_error *ct_event_add_field_static(struct ct_case *c,
					   struct ct_event *ev,
					   const char *static_name,
					   const char *value, size_t len);

/* ct_case_add_fact() with a printf-style value, made printable. */
struct ct_error *ct_case_add_factf(struct ct_case *c, const char *key,
				   struct ct_origin o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* What the library keeps of a case beside the public struct ct_case:
 * ct_case_create() allocates this, callers only see &pub. */
struct ct_case_private {
	struct ct_case pub; /* the public case; first member */
	/* capacities of the arrays of pub */
	size_t input_cap, fact_cap, backtrace_cap, event_cap, finding_cap,
		note_cap, match_cap;
	/* open-addressing index of facts by (key, value): slot holds fact
	 * index + 1, 0 when empty; case.c's */
	size_t *fact_slots;
	size_t fact_slot_cap;
	/* the strings and field arrays of pub.events */
	struct ct_arena event_arena;
};

/* The private side of c (made by ct_case_create()). */
static inline struct ct_case_private *ct_case_priv(struct ct_case *c)
{
	return (struct ct_case_private *)c;
}

static inline const struct ct_case_private *ct_case_priv_const(
	const struct ct_case *c)
{
	return (const struct ct_case_private *)c;
}

#endif /* CT_CASE_INTERNAL_H */
