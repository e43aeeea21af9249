/*
 * kdump.h - reading kdump-compressed Linux kernel dumps (makedumpfile's
 * "KDUMP   " diskdump format, and its flattened stream form that QEMU's
 * dump-guest-memory format=kdump-* writes).  Private to libcrashtriage.
 *
 * A flattened dump is a 4 KiB header starting "makedumpfile" followed by
 * (offset, size, data) records that, written at their offsets, give the
 * diskdump file.  ct_kdump_open() does that into an anonymous temporary
 * file ($TMPDIR, else /tmp, else memfd), checking every record, and
 * remembers which byte ranges were written, so that a dump cut short reads
 * back as "not in the dump" instead of as zeroes.
 *
 * NEEDSWORK: the rearranged copy costs as much temporary space as the dump;
 * now that stored and zlib pages are read here, reading them straight from
 * the stream (an index of record offsets) would need none.
 *
 * The diskdump header, sub-header, bitmaps and page descriptors are checked
 * and looked up here, and stored and zlib pages (QEMU's kdump-zlib,
 * makedumpfile -c) read here.  LZO, snappy and zstd pages go to
 * libkdumpfile, opened only when the first such page is read: its open
 * path can be crashed by a crafted header (0.5.1).  Without libkdumpfile
 * those pages read as not dumped.
 */
#ifndef CT_KDUMP_H
#define CT_KDUMP_H

#include "core.h"

/* Caps: a hostile dump cannot make us allocate or write without bound. */
enum {
	CT_KDUMP_FLAT_HEADER_SIZE = 4096, /* makedumpfile's flat header */
	CT_KDUMP_MAX_EXTENTS = 1 << 22,	/* disjoint written ranges kept */
	CT_KDUMP_MAX_VMCOREINFO = 1 << 20, /* bytes of VMCOREINFO */
};

/* Bytes a flattened stream may place beyond its own length (holes between
 * records): real streams leave next to none. */
#define CT_KDUMP_MAX_HOLE_BYTES ((uint64_t)1 << 30)
/* Bytes of one bitmap copied into memory (2^31 pages with 4 KiB pages,
 * 8 TiB of RAM); a larger dump fails with CT_ERROR_UNSUPPORTED. */
#define CT_KDUMP_MAX_BITMAP ((uint64_t)256 << 20)

struct ct_kdump;

/* One byte range [start, end) of the diskdump image that holds data. */
struct ct_kdump_extent {
	uint64_t start, end;
};

/* What rearranging a flattened stream produced. */
struct ct_kdump_flat {
	uint64_t size;		/* bytes of the diskdump image (highest end) */
	uint64_t records;	/* data records written */
	bool truncated;		/* the stream ends before its end marker */
	uint64_t truncated_at;	/* input offset of the cut (when truncated) */
	struct ct_kdump_extent *extents; /* written ranges, sorted, disjoint */
	size_t extent_count;
	size_t extent_cap;
};

/* Does buf start like a flattened ("makedumpfile", NUL-padded to 16 bytes)
 * or diskdump ("KDUMP   ") kdump file? */
bool ct_kdump_sniff(const char *buf, size_t len);

/*
 * ct_kdump_open - open the kdump file path whose bytes are [buf, buf+len)
 * (usually a read-only mmap of it; borrowed, must outlive the dump, never
 * written).  path is copied and used in messages; a diskdump file is also
 * opened by path for libkdumpfile (when that fails or the file changed,
 * buf is copied to a temporary file instead).
 *
 * Fails with CT_ERROR_NOT_RECOGNISED when buf is no kdump file,
 * CT_ERROR_TRUNCATED when the headers or bitmaps are cut off (offset set),
 * CT_ERROR_CORRUPT for impossible records or headers (offset set),
 * CT_ERROR_UNSUPPORTED for 32-bit or oversized dumps, CT_ERROR_OS when
 * the temporary file cannot be
 * written.  A dump whose page data is cut off still opens: reads of the
 * lost pages say CT_CORE_MEM_TRUNCATED.  Free with ct_kdump_destroy().
 */
struct ct_error *ct_kdump_open(const char *path, const void *buf, size_t len,
			       struct ct_kdump **ret);
void ct_kdump_destroy(struct ct_kdump *k);

/* The raw VMCOREINFO text (KEY=VALUE lines) and its length in *len, or
 * NULL (*len = 0) when the dump has none.  Owned by k. */
const char *ct_kdump_vmcoreinfo(const struct ct_kdump *k, size_t *len);
/* The dump's ELF notes (each CPU's NT_PRSTATUS), or NULL. */
const unsigned char *ct_kdump_notes(const struct ct_kdump *k, size_t *len);

/* "kdump-flattened" or "kdump". */
const char *ct_kdump_format(const struct ct_kdump *k);

/*
 * ct_kdump_read_phys - copy up to n bytes of physical memory at paddr into
 * dst.  *ret_read is the number of bytes copied (a prefix of the range);
 * the return value says why the copy stopped when short:
 * CT_CORE_MEM_UNMAPPED for a page the machine did not have (past the last
 * page frame, or not in the dump's memory map), CT_CORE_MEM_NOT_DUMPED for
 * a page makedumpfile left out (or a page whose record is unreadable),
 * CT_CORE_MEM_TRUNCATED for a page whose data the file lost at its end.
 */
enum ct_core_mem ct_kdump_read_phys(struct ct_kdump *k, uint64_t paddr,
				    void *dst, size_t n, size_t *ret_read);

/* Page size of the dump (the diskdump block size). */
uint32_t ct_kdump_page_size(const struct ct_kdump *k);
/* Number of page frames the dump describes (max_mapnr). */
uint64_t ct_kdump_max_pfn(const struct ct_kdump *k);
/* Was the flattened stream cut short?  Sets *ret_offset to the input
 * offset of the cut. */
bool ct_kdump_is_truncated(const struct ct_kdump *k, uint64_t *ret_offset);

/*
 * ct_kdump_flat_rearrange - write the diskdump image held in the flattened
 * stream [buf, buf+len) (named path in errors) to fd, at the records'
 * offsets, as `makedumpfile -R` does.  Later records overwrite earlier
 * ones.  Fills *ret (free its extents with ct_kdump_flat_deinit()) even
 * when the stream is cut short (ret->truncated).  Fails with
 * CT_ERROR_NOT_RECOGNISED (no flat header), CT_ERROR_UNSUPPORTED (other
 * header type or version, too many disjoint ranges), CT_ERROR_CORRUPT
 * (negative or oversized record, an image larger than
 * len + CT_KDUMP_MAX_HOLE_BYTES), CT_ERROR_OS (write failed).
 */
struct ct_error *ct_kdump_flat_rearrange(const char *path, const void *buf,
					 size_t len, int fd,
					 struct ct_kdump_flat *ret);
void ct_kdump_flat_deinit(struct ct_kdump_flat *flat);

/* ---- page decompression backend (libkdumpfile) ---------------------------
 * kdump.c checks the file itself and asks the backend for page contents.
 */

enum ct_kdump_backend_read {
	CT_KDUMP_BACKEND_OK = 0,
	CT_KDUMP_BACKEND_NODATA,	/* the backend says: not stored */
	CT_KDUMP_BACKEND_EOF,		/* the backend hit the end of file */
	CT_KDUMP_BACKEND_ERROR,		/* corrupt page, bad compression */
};

#ifdef HAVE_LIBKDUMPFILE
static inline bool ct_kdump_have_backend(void)
{
	return true;
}
/* Open the diskdump image in fd (kept open by the caller until close).
 * Errors name path. */
struct ct_error *ct_kdump_backend_open(const char *path, int fd,
				       void **ret_state);
/* Read n bytes (within one page) at physical address paddr. */
enum ct_kdump_backend_read ct_kdump_backend_read(void *state, uint64_t paddr,
						 void *dst, size_t n,
						 size_t *ret_read);
void ct_kdump_backend_close(void *state);
#else
static inline bool ct_kdump_have_backend(void)
{
	return false;
}
static inline struct ct_error *ct_kdump_backend_open(const char *path, int fd,
						     void **ret_state)
{
	(void)fd;
	(void)ret_state;
	return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
		"kdump-compressed dump, but this crashtriage was built without libkdumpfile"),
		path, 0, 0, false);
}
static inline enum ct_kdump_backend_read ct_kdump_backend_read(void *state,
	uint64_t paddr, void *dst, size_t n, size_t *ret_read)
{
	(void)state; (void)paddr; (void)dst; (void)n;
	*ret_read = 0;
	return CT_KDUMP_BACKEND_ERROR;
}
static inline void ct_kdump_backend_close(void *state)
{
	(void)state;
}
#endif

#endif /* CT_KDUMP_H */
