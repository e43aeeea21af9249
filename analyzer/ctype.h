/* SPDX-License-Identifier: MIT */
/*
 * ctype.h - ASCII character classes and hex digits, locale independent:
 * what <ctype.h> would give in the "C" locale, without its undefined
 * behaviour for a negative char and without a locale changing what a log
 * line means.  Every function takes a char or an unsigned char value (a
 * negative char is in no class).  Included by internal.h.
 */
#ifndef CT_CTYPE_H
#define CT_CTYPE_H

#include <stdbool.h>

static inline bool ct_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool ct_is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool ct_is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool ct_is_alpha(int c)
{
	return ct_is_lower(c) || ct_is_upper(c);
}

static inline bool ct_is_alnum(int c)
{
	return ct_is_digit(c) || ct_is_alpha(c);
}

/* A letter, a digit or '_': a character of a C identifier or a word. */
static inline bool ct_is_word_char(int c)
{
	return ct_is_alnum(c) || c == '_';
}

/* The value of hex digit c (0-9, a-f, A-F), or -1. */
static inline int ct_hex_value(int c)
{
	if (ct_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool ct_is_hex(int c)
{
	return ct_hex_value(c) >= 0;
}

/* c in lower case when it is an upper-case letter, else c. */
static inline int ct_to_lower(int c)
{
	return ct_is_upper(c) ? c - 'A' + 'a' : c;
}

#endif /* CT_CTYPE_H */
