/* SPDX-License-Identifier: MIT */
/*
 * fuzz-gunzip.c - bytes as a .tgz on disk, inflated by igzip's reader
 * (analyzer/gunzip.c) from a memfd, and by zlib as the reference: where
 * zlib reads the bytes as whole gzip members, one after another to the
 * end (every CRC right), the reader must give the same bytes and end
 * without an error.  Where zlib fails, the reader need only not crash,
 * hang or read out of bounds.  Output is capped so that a bomb stays
 * cheap.  Without ISA-L the reader is absent and the input is skipped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "analyzer/gunzip.h"
#include "tests/fuzz/check-case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { OUT_CAP = 4 << 20 };

/* zlib's reading of data as gzip members back to back: their bytes in
 * out (up to OUT_CAP), and whether every byte of data was a member
 * without fault and the output fit. */
static bool zlib_members(const uint8_t *data, size_t size,
			 unsigned char *out, size_t *ret_len)
{
	z_stream z = { 0 };
	*ret_len = 0;
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return false;
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	bool ok = size > 0, open = false;	/* open: inside a member */
	while (z.avail_in && ok) {
		z.next_out = out + *ret_len;
		z.avail_out = (uInt)(OUT_CAP - *ret_len);
		int rc = inflate(&z, Z_NO_FLUSH);
		*ret_len = OUT_CAP - z.avail_out;
		open = true;
		if (rc == Z_STREAM_END) {
			inflateReset(&z);
			open = false;
		} else if (rc != Z_OK || !z.avail_out) {
			ok = false;	/* a fault, or the cap reached */
		}
	}
	inflateEnd(&z);
	return ok && !open;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.tgz", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	struct ct_gunzip *g = ct_gunzip_create(fd);
	if (!g) {
		close(fd);
		return 0;
	}
	unsigned char *got = malloc(OUT_CAP), *want = malloc(OUT_CAP);
	fuzz_require(got && want);
	(void)ct_gunzip_is_tar(g);
	size_t got_len = 0;
	ssize_t n;
	const void *buf;
	while ((n = ct_gunzip_read(g, &buf)) > 0) {
		fuzz_require(buf != NULL);
		if (got_len + (size_t)n > OUT_CAP)
			break;
		memcpy(got + got_len, buf, (size_t)n);
		got_len += (size_t)n;
	}
	fuzz_require(ct_gunzip_in_bytes(g) <= size);
	if (n < 0)
		(void)ct_gunzip_error(g);
	size_t want_len;
	if (n <= 0 && zlib_members(data, size, want, &want_len)) {
		fuzz_require(n == 0);
		fuzz_require(got_len == want_len);
		fuzz_require(memcmp(got, want, got_len) == 0);
	}
	ct_gunzip_destroy(g);
	free(got);
	free(want);
	close(fd);
	return 0;
}
