/*
 * error.c - error objects: a code, a message, and where in which file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/internal.h"

struct ct_error ct_enomem = {
	.code = CT_ERROR_NO_MEMORY,
	.message = (char *)"out of memory",
};

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

struct ct_error *ct_error_corrupt(const char *path, unsigned long line,
				  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = error_vcreate(CT_ERROR_CORRUPT, 0, fmt, ap);
	va_end(ap);
	return ct_error_at(err, path, line, 0, false);
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
