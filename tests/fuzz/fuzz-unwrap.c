/* SPDX-License-Identifier: MIT */
/*
 * fuzz-unwrap.c - libFuzzer target for the paste unwrapper and the log
 * prefix parser behind it: the unwrapped text is never longer than the
 * input and has exactly its lines; with no wrapper found it is the input
 * itself; and every span the prefix parser returns for an unwrapped line
 * lies inside that line.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(const char *line, size_t len, const char *p, size_t n)
{
	if (p && (p < line || p + n > line + len))
		abort();
}

static size_t count_lines(const char *p, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += p[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ct_unwrapped u;
	struct ct_error *err = ct_text_unwrap(buf, size, &u);
	if (err) {
		ct_error_destroy(err);
		return 0;
	}
	if (u.len > size || count_lines(u.buf, u.len) != count_lines(buf, size))
		abort();
	if (!u.wrappers && (u.buf != buf || u.len != size || u.owned))
		abort();
	if (u.wrappers && u.buf != u.owned)
		abort();
	struct ct_line_reader r;
	struct ct_line line;
	ct_line_reader_init(&r, u.buf, u.len);
	while (ct_line_next(&r, &line)) {
		struct ct_log_prefix pfx;
		ct_log_prefix_parse(line.p, line.len, &pfx);
		check_span(line.p, line.len, pfx.timestamp, pfx.timestamp_len);
		check_span(line.p, line.len, pfx.host, pfx.host_len);
		check_span(line.p, line.len, pfx.world, pfx.world_len);
		check_span(line.p, line.len, pfx.message, pfx.message_len);
		if (!pfx.message)
			abort();
	}
	ct_unwrapped_deinit(&u);
	return 0;
}
