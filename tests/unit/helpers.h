/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - small questions tests ask of a case.  Static, so each test
 * program takes what it uses.
 */
#ifndef CT_TEST_HELPERS_H
#define CT_TEST_HELPERS_H

#include <stdbool.h>
#include <string.h>

#include "analyzer/crashtriage.h"

#define TEST_HELPER static __attribute__((unused))

/* The backtrace marked crashing, or NULL (unlike ct_case_crashing(), no
 * fallback: tests check the marking itself). */
TEST_HELPER const struct ct_backtrace *crashing(const struct ct_case *c)
{
	for (size_t i = 0; i < c->backtrace_count; i++)
		if (c->backtraces[i].crashing)
			return &c->backtraces[i];
	return NULL;
}

TEST_HELPER size_t count_crashing(const struct ct_case *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->backtrace_count; i++)
		n += c->backtraces[i].crashing;
	return n;
}

TEST_HELPER bool has_fact(const struct ct_case *c, const char *key,
			  const char *value)
{
	for (size_t i = 0; i < c->fact_count; i++)
		if (strcmp(c->facts[i].key, key) == 0 &&
		    strcmp(c->facts[i].value, value) == 0)
			return true;
	return false;
}

TEST_HELPER size_t count_events(const struct ct_case *c, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < c->event_count; i++)
		n += strcmp(c->events[i].kind, kind) == 0;
	return n;
}

TEST_HELPER bool has_note(const struct ct_case *c, const char *part)
{
	for (size_t i = 0; i < c->note_count; i++)
		if (strstr(c->notes[i], part))
			return true;
	return false;
}

#ifdef cmocka_unit_test
/* Analyze text (named name) as ct_analyze_buffer() does; fails the test
 * when that fails.  The caller destroys the case. */
TEST_HELPER struct ct_case *analyze_named(const char *name, const char *text)
{
	struct ct_case *c = NULL;
	assert_null(ct_analyze_buffer(name, text, strlen(text), &c));
	assert_non_null(c);
	return c;
}
#endif

#endif /* CT_TEST_HELPERS_H */
