/* SPDX-License-Identifier: MIT */
/*
 * error.c - error objects: a code, a message, and where in which file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/internal.h"
#include "analyzer/error.h"

struct ct_error ct_enomem = {
	.code = CT_ERROR_NO_MEMORY,
	.message = (char *)"out of memory",
};

static struct ct_error *error_vcreate(enum ct_error_code code, int errnum,
				      const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static struct ct_error *error_vcreate(enum ct_error_code code, int errnum,
				      const char *fmt, va_list ap)
{
	struct ct_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &ct_enomem;
	err->code = code;
	err->errnum = errnum;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &ct_enomem;
	}
	return err;
}

struct ct_error *ct_error_create(enum ct_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = error_vcreate(code, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct ct_error *ct_error_os(int errnum, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = error_vcreate(CT_ERROR_OS, errnum, fmt, ap);
	va_end(ap);
	return ct_error_at(err, path, 0, 0, false);
}

struct ct_error *ct_error_vcreate(enum ct_error_code code, const char *fmt,
				  va_list ap)
{
	return error_vcreate(code, 0, fmt, ap);
}

/* The single breakpoint for corrupt input. */
struct ct_error *ct_error_vcorrupt(const char *src_file, int src_line,
				   const char *path, unsigned long line,
				   uint64_t offset, bool has_offset,
				   const char *fmt, va_list ap)
{
	struct ct_error *err = error_vcreate(CT_ERROR_CORRUPT, 0, fmt, ap);
	if (err != &ct_enomem) {
		err->src_file = src_file;
		err->src_line = src_line;
	}
	return ct_error_at(err, path, line, offset, has_offset);
}

struct ct_error *ct_error_corrupt_where(const char *src_file, int src_line,
					const char *path, unsigned long line,
					uint64_t offset, bool has_offset,
					const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = ct_error_vcorrupt(src_file, src_line, path,
						 line, offset, has_offset,
						 fmt, ap);
	va_end(ap);
	return err;
}

struct ct_error *ct_error_at(struct ct_error *err, const char *path,
			     unsigned long line, uint64_t offset, bool has_offset)
{
	if (!err || err == &ct_enomem)
		return err;
	if (path && !err->path) {
		err->path = strdup(path);
		if (!err->path) {
			ct_error_destroy(err);
			return &ct_enomem;
		}
	}
	if (line)
		err->line = line;
	if (has_offset) {
		err->offset = offset;
		err->has_offset = true;
	}
	return err;
}

char *ct_error_format(const struct ct_error *err)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	if (err->path) {
		ct_strbuf_appendf(&sb, "'%s'", err->path);
		if (err->line)
			ct_strbuf_appendf(&sb, ":%lu", err->line);
		if (err->has_offset)
			ct_strbuf_appendf(&sb, " at offset 0x%" PRIx64,
					  err->offset);
		ct_strbuf_puts(&sb, ": ");
	}
	ct_strbuf_puts(&sb, err->message ? err->message : "unknown error");
	if (err->code == CT_ERROR_OS && err->errnum)
		ct_strbuf_appendf(&sb, ": %s", strerror(err->errnum));
#ifdef CT_DEBUG_ERRORS
	if (err->src_file)
		ct_strbuf_appendf(&sb, " [%s:%d]", err->src_file,
				  err->src_line);
#endif
	if (sb.failed) {
		ct_strbuf_deinit(&sb);
		return NULL;
	}
	return ct_strbuf_detach(&sb);
}

void ct_error_destroy(struct ct_error *err)
{
	if (!err || err == &ct_enomem)
		return;
	free(err->path);
	free(err->message);
	free(err);
}
