/* SPDX-License-Identifier: MIT */
/*
 * test-gunzip.c - a gzip file inflated by igzip (analyzer/gunzip.c):
 * whole members across many blocks, concatenated members, bytes after
 * the last member, a stream cut short, damaged data and a cut trailer,
 * each giving what libarchive's gzip filter gives; the tar check and its
 * replayed block.  Streams are written with zlib.  Skipped without
 * ISA-L.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "analyzer/gunzip.h"

enum { BLOCK = 64 << 10 };	/* gunzip.c's OUT_SIZE */

/* n bytes of log-like text, different at every line. */
static char *text(size_t n)
{
	char *t = malloc(n);
	assert_non_null(t);
	size_t i = 0;
	for (unsigned line = 0; i < n; line++) {
		char s[96];
		int len = snprintf(s, sizeof(s), "[%8u.%06u] line %u of the "
				   "log, some noise %x\n", line / 1000,
				   line % 1000 * 997, line, line * 2654435761u);
		for (int k = 0; k < len && i < n; k++)
			t[i++] = s[k];
	}
	return t;
}

/* data as one gzip member, appended to *buf (of *len bytes). */
static void gzip_append(char **buf, size_t *len, const char *data,
			size_t n)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, (uLong)n);
	*buf = realloc(*buf, *len + cap);
	assert_non_null(*buf);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)*buf + *len;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len += cap - z.avail_out;
	deflateEnd(&z);
}

/* A file holding buf, open for reading (unlinked). */
static int file_of(const char *buf, size_t len)
{
	char path[] = "/tmp/test-gunzip.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	return fd;
}

/* Everything the reader gives until its end or error, in *ret (of
 * *ret_len bytes); the last read's value. */
static ssize_t read_all(struct ct_gunzip *g, char **ret, size_t *ret_len)
{
	*ret = NULL;
	*ret_len = 0;
	for (;;) {
		const void *p;
		ssize_t n = ct_gunzip_read(g, &p);
		if (n <= 0)
			return n;
		*ret = realloc(*ret, *ret_len + (size_t)n);
		assert_non_null(*ret);
		memcpy(*ret + *ret_len, p, (size_t)n);
		*ret_len += (size_t)n;
	}
}

static void test_members(void **state)
{
	(void)state;
	size_t n1 = 5 * BLOCK + 123, n2 = 70000;
	char *t1 = text(n1), *t2 = text(n2);
	char *gz = NULL;
	size_t len = 0;
	gzip_append(&gz, &len, t1, n1);
	gzip_append(&gz, &len, t2, n2);
	/* after the members: bytes that start no other member */
	gz = realloc(gz, len + 5);
	memcpy(gz + len, "junk\n", 5);
	int fd = file_of(gz, len + 5);
	struct ct_gunzip *g = ct_gunzip_create(fd);
	assert_non_null(g);
	char *out;
	size_t out_len;
	assert_int_equal(read_all(g, &out, &out_len), 0);
	assert_int_equal(out_len, n1 + n2);
	assert_memory_equal(out, t1, n1);
	assert_memory_equal(out + n1, t2, n2);
	assert_true(ct_gunzip_in_bytes(g) >= len);
	ct_gunzip_destroy(g);
	close(fd);
	free(out);
	free(gz);
	free(t1);
	free(t2);
}

/* A stream cut at cut bytes, or with the first block's type made the
 * reserved one (3) at offset flip: the blocks before the fault whole,
 * then -1 with error (NULL: none). */
static void check_fault(size_t cut, size_t flip, const char *error)
{
	size_t n = 8 * BLOCK;
	char *t = text(n);
	char *gz = NULL;
	size_t len = 0;
	gzip_append(&gz, &len, t, n);
	if (flip)
		gz[flip] |= 0x06;	/* BTYPE, after BFINAL */
	int fd = file_of(gz, cut ? cut : len);
	struct ct_gunzip *g = ct_gunzip_create(fd);
	assert_non_null(g);
	char *out;
	size_t out_len;
	assert_int_equal(read_all(g, &out, &out_len), -1);
	assert_true(out_len % BLOCK == 0 && out_len < n + BLOCK);
	assert_true(!out_len || memcmp(out, t, out_len) == 0 || flip);
	if (error)
		assert_string_equal(ct_gunzip_error(g), error);
	else
		assert_null(ct_gunzip_error(g));
	ct_gunzip_destroy(g);
	close(fd);
	free(out);
	free(gz);
	free(t);
}

static void test_truncated(void **state)
{
	(void)state;
	check_fault(2000, 0, "truncated gzip input");
}

static void test_damaged(void **state)
{
	(void)state;
	/* the first deflate byte, after the 10-byte member header */
	check_fault(0, 10, "gzip decompression failed");
}

static void test_trailer_cut(void **state)
{
	(void)state;
	size_t n = 8 * BLOCK;
	char *t = text(n);
	char *gz = NULL;
	size_t len = 0;
	gzip_append(&gz, &len, t, n);
	free(gz);
	free(t);
	/* libarchive gives no message for a member's trailer cut short */
	check_fault(len - 4, 0, NULL);
}

static void test_is_tar(void **state)
{
	(void)state;
	char block[1024];
	memset(block, 0, sizeof(block));
	strcpy(block, "cases/one.log");
	memcpy(block + 257, "ustar", 6);
	char *gz = NULL;
	size_t len = 0;
	gzip_append(&gz, &len, block, sizeof(block));
	int fd = file_of(gz, len);
	struct ct_gunzip *g = ct_gunzip_create(fd);
	assert_non_null(g);
	assert_true(ct_gunzip_is_tar(g));
	/* the block looked at comes again */
	char *out;
	size_t out_len;
	assert_int_equal(read_all(g, &out, &out_len), 0);
	assert_int_equal(out_len, sizeof(block));
	assert_memory_equal(out, block, sizeof(block));
	ct_gunzip_destroy(g);
	close(fd);
	free(out);
	free(gz);
	len = 0;
	gz = NULL;
	gzip_append(&gz, &len, "a log, not a tar\n", 17);
	fd = file_of(gz, len);
	g = ct_gunzip_create(fd);
	assert_non_null(g);
	assert_false(ct_gunzip_is_tar(g));
	ct_gunzip_destroy(g);
	close(fd);
	free(gz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_trailer_cut),
		cmocka_unit_test(test_is_tar),
	};
	/* built without ISA-L's header, or libisal not installed */
	if (!ct_gunzip_available()) {
		printf("1..0 # SKIP no igzip (libisal)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
