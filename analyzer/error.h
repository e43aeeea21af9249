/* SPDX-License-Identifier: MIT */
/*
 * error.h - building error objects inside libcrashtriage (error.c),
 * private to libcrashtriage: a va_list constructor and the one path every
 * corruption report takes.  The public side (struct ct_error, its codes,
 * ct_error_create(), ct_error_format()) is in crashtriage.h.
 */
#ifndef CT_ERROR_H
#define CT_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

/* ct_error_create() for a caller that already holds a va_list. */
struct ct_error *ct_error_vcreate(enum ct_error_code code, const char *fmt,
				  va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Every corruption report goes through ct_error_vcorrupt(): one place for
 * a breakpoint.  It records where in the input (path, and a 1-based line
 * or a byte offset; path may be NULL when the caller names the file later)
 * and where in the library (src_file:src_line, shown by ct_error_format()
 * in builds with -DCT_DEBUG_ERRORS).  Call it through the macros:
 *
 *   ct_error_corrupt(path, line, fmt, ...)	line 0 if unknown
 *   ct_error_corrupt_at(path, offset, fmt, ...)	"at offset 0x..."
 *   ct_error_libelf(path, what)	"what: <elf_errmsg(-1)>"
 *   ct_error_libdw(path, what)		"what: <dwarf_errmsg(-1)>"
 *   ct_error_libdwfl(path, what)	"what: <dwfl_errmsg(-1)>"
 *
 * The last three turn the library's thread-local error state into an
 * error object now, before another call overwrites it; the caller
 * includes the library's header.  All return &ct_enomem on OOM.
 */
struct ct_error *ct_error_vcorrupt(const char *src_file, int src_line,
				   const char *path, unsigned long line,
				   uint64_t offset, bool has_offset,
				   const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
struct ct_error *ct_error_corrupt_where(const char *src_file, int src_line,
					const char *path, unsigned long line,
					uint64_t offset, bool has_offset,
					const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#define ct_error_corrupt(path, line, ...)                                      \
	ct_error_corrupt_where(__FILE__, __LINE__, (path), (line), 0, false,   \
			       __VA_ARGS__)
#define ct_error_corrupt_at(path, offset, ...)                                 \
	ct_error_corrupt_where(__FILE__, __LINE__, (path), 0, (offset), true,  \
			       __VA_ARGS__)
#define CT_ERROR_LIB_(path, what, msg)                                         \
	ct_error_corrupt_where(__FILE__, __LINE__, (path), 0, 0, false,        \
			       "%s: %s", (what), ct_error_lib_msg(msg))
#define ct_error_libelf(path, what) CT_ERROR_LIB_(path, what, elf_errmsg(-1))
#define ct_error_libdw(path, what) CT_ERROR_LIB_(path, what, dwarf_errmsg(-1))
#define ct_error_libdwfl(path, what) CT_ERROR_LIB_(path, what, dwfl_errmsg(-1))

/* msg, or "unknown error" when a library has no message to give. */
static inline const char *ct_error_lib_msg(const char *msg)
{
	return msg ? msg : "unknown error";
}

#endif /* CT_ERROR_H */
