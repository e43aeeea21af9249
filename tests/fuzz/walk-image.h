/* SPDX-License-Identifier: MIT */
/*
 * walk-image.h - the memory the walker fuzz targets walk: the fuzz input
 * laid out at BASE, its tail "not dumped", a page past it "truncated",
 * everything else never mapped -- each way a core can fail a read.
 */
#ifndef CT_FUZZ_WALK_IMAGE_H
#define CT_FUZZ_WALK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyzer/dump/dump.h"

enum { BASE = 0x10000 };

struct image {
	const uint8_t *buf;
	size_t len;
	size_t dumped;		/* bytes readable; the rest "not dumped" */
	bool stack;		/* upper half is a stack (fuzz-walk) */
};

static enum ct_core_mem image_read(void *state, uint64_t addr, void *dst,
				   size_t n, size_t *ret_read)
{
	const struct image *im = state;
	*ret_read = 0;
	if (addr < BASE || addr - BASE >= im->len + 0x1000)
		return CT_CORE_MEM_UNMAPPED;
	uint64_t off = addr - BASE;
	if (off >= im->len)
		return CT_CORE_MEM_TRUNCATED;
	if (off >= im->dumped)
		return CT_CORE_MEM_NOT_DUMPED;
	size_t have = im->dumped - (size_t)off;
	size_t k = n < have ? n : have;
	memcpy(dst, im->buf + off, k);
	*ret_read = k;
	if (k < n)
		return im->dumped < im->len ? CT_CORE_MEM_NOT_DUMPED
					    : CT_CORE_MEM_TRUNCATED;
	return CT_CORE_MEM_OK;
}

#endif /* CT_FUZZ_WALK_IMAGE_H */
