/* SPDX-License-Identifier: MIT */
/*
 * gunzip.h - a gzip file inflated through ISA-L's igzip (gunzip.c),
 * private to libcrashtriage: the reader source.c gives libarchive for a
 * .tgz on disk instead of libarchive's own gzip filter (zlib).  On the
 * 2-core machine of bench/bench-batch.sh igzip inflates the benchmark's
 * tgz in 0.09 s against zlib's 0.22 s (2.4x; 0.15 against 0.44 s for
 * the big shape), and batch reads an archive twice when its inflate
 * costs that little (names, then data; see db/batch.c).
 *
 * libisal is loaded on first use (lazy.h), like libarchive; without it
 * (or built without its header) ct_gunzip_create() returns NULL and the
 * caller reads the file through libarchive as before.
 */
#ifndef CT_GUNZIP_H
#define CT_GUNZIP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ct_gunzip;

#ifdef HAVE_ISAL
/*
 * ct_gunzip_create - inflate the gzip file open as fd (read with pread
 * from offset 0; the file position is left alone).  Concatenated gzip
 * members are one stream, as gzip -d and libarchive read them; bytes
 * after a member that start no other member end the stream.
 * Return: the reader, freed by ct_gunzip_destroy() (it does not close
 * fd); NULL when libisal cannot be loaded or memory ran out.
 */
struct ct_gunzip *ct_gunzip_create(int fd);
void ct_gunzip_destroy(struct ct_gunzip *g);

/*
 * ct_gunzip_read - the next inflated bytes in *ret_buf, valid until the
 * next call.  Return: their count; 0 at the end of the stream; -1 on an
 * error (ct_gunzip_error() says which; the bytes before it came first).
 */
ssize_t ct_gunzip_read(struct ct_gunzip *g, const void **ret_buf);

/* The message of the error read returned -1 for, in libarchive's words
 * for the same fault ("truncated gzip input", "gzip decompression
 * failed"), a system error's, or NULL where libarchive sets none (a
 * member's trailer cut short). */
const char *ct_gunzip_error(const struct ct_gunzip *g);

/*
 * ct_gunzip_is_tar - whether the stream starts like a tar archive
 * (ustar magic in its first block).  It inflates the first block, which
 * the next ct_gunzip_read() gives again; false on an error.
 */
bool ct_gunzip_is_tar(struct ct_gunzip *g);

/* Bytes of the file read so far (progress). */
uint64_t ct_gunzip_in_bytes(const struct ct_gunzip *g);

/* Whether libisal loads (once per process; thread-safe). */
bool ct_gunzip_available(void);
#else
static inline struct ct_gunzip *ct_gunzip_create(int fd)
{
	(void)fd;
	return NULL;
}
static inline void ct_gunzip_destroy(struct ct_gunzip *g)
{
	(void)g;
}
static inline ssize_t ct_gunzip_read(struct ct_gunzip *g,
				     const void **ret_buf)
{
	(void)g;
	(void)ret_buf;
	return -1;
}
static inline const char *ct_gunzip_error(const struct ct_gunzip *g)
{
	(void)g;
	return "no igzip";
}
static inline bool ct_gunzip_is_tar(struct ct_gunzip *g)
{
	(void)g;
	return false;
}
static inline uint64_t ct_gunzip_in_bytes(const struct ct_gunzip *g)
{
	(void)g;
	return 0;
}
static inline bool ct_gunzip_available(void)
{
	return false;
}
#endif

#endif /* CT_GUNZIP_H */
