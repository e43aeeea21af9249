/* SPDX-License-Identifier: MIT */
/*
 * fuzz-kdump.c - libFuzzer target for the kdump reader: the input is
 * opened as ct_kdump_open() opens a file (a flattened stream is rearranged
 * into a temporary file record by record, a diskdump file is copied to
 * one because "fuzz" names no file), the headers and bitmaps are checked,
 * and a few physical addresses taken from the input are read -- by
 * crashtriage's own page reader only: libkdumpfile 0.5.1 crashes on
 * crafted headers in its own open (a crasher is kept), which is not ours
 * to fix, so CRASHTRIAGE_KDUMP_READER=crashtriage keeps it out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/dump/dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	if (!once++)
		setenv("CRASHTRIAGE_KDUMP_READER", "crashtriage", 1);
	struct ct_kdump *k;
	(void)ct_kdump_sniff((const char *)data, size);
	struct ct_error *err = ct_kdump_open("/nonexistent/fuzz", data, size,
					     &k);
	if (err) {
		char *msg = ct_error_format(err);
		free(msg);
		ct_error_destroy(err);
		return 0;
	}
	size_t len;
	const char *info = ct_kdump_vmcoreinfo(k, &len);
	if (info && len && strlen(info) != len)
		abort();	/* the text must stop at its length */
	(void)ct_kdump_format(k);
	/* addresses: page 0, the last page, and words from the input's end */
	uint64_t addrs[6] = { 0, 0x1000, (ct_kdump_max_pfn(k) - 1) *
			      (uint64_t)ct_kdump_page_size(k), UINT64_MAX - 8 };
	if (size >= 16) {
		memcpy(&addrs[4], data + size - 16, 8);
		memcpy(&addrs[5], data + size - 8, 8);
	}
	static unsigned char buf[3 * 65536];
	for (size_t i = 0; i < 6; i++) {
		size_t got;
		(void)ct_kdump_read_phys(k, addrs[i], buf, i & 1 ? 16 :
					 sizeof(buf), &got);
		if (got > sizeof(buf))
			abort();
	}
	ct_kdump_destroy(k);
	return 0;
}
