/* SPDX-License-Identifier: MIT */
/*
 * fuzz-logline.c - libFuzzer target for the log-prefix parser: every span
 * it returns must lie inside the line.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct ct_log_prefix r;
	ct_log_prefix_parse(line, size, &r);
	check_span(line, size, r.timestamp, r.timestamp_len);
	check_span(line, size, r.host, r.host_len);
	check_span(line, size, r.world, r.world_len);
	check_span(line, size, r.message, r.message_len);
	if (!r.message)
		abort();
	return 0;
}
