/* SPDX-License-Identifier: MIT */
/*
 * kdump.c - kdump-compressed kernel dumps: makedumpfile's flattened stream
 * rearranged into a temporary diskdump image, the diskdump header, the
 * sub-header, the two page bitmaps and the page descriptors checked and
 * looked up here, and page contents read through the libkdumpfile backend
 * (kdump-libkdumpfile.c).
 *
 * Facts about the formats (makedumpfile's diskdump_mod.h and the flattened
 * format of makedumpfile.h, as QEMU's dump.c also writes them):
 *
 *  - flattened: a 4096-byte header: "makedumpfile" (16 bytes, NUL-padded),
 *    type and version as big-endian int64 (both 1); then records of a
 *    big-endian int64 offset and int64 size followed by size bytes, to be
 *    written at offset; a record with offset -1 ends the stream.
 *  - diskdump: block 0 holds struct disk_dump_header ("KDUMP   ",
 *    header_version, utsname, timestamp, status, block_size, sub_hdr_size
 *    in blocks, bitmap_blocks, max_mapnr, ...), in the dumped machine's byte
 *    order; block 1 starts the kdump sub-header (phys_base, dump_level,
 *    split, start/end pfn, the VMCOREINFO offset and size from version 3,
 *    64-bit start/end pfn and max_mapnr from version 6).  Then bitmap_blocks
 *    blocks: the first half says which page frames exist, the second which
 *    were dumped.  Then one 24-byte page descriptor (offset, size, flags,
 *    page_flags) per dumped page, in page frame order.
 *
 * Only 64-bit dumps are read (the header layout differs on 32-bit).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "analyzer/dump/dump.h"
#include "analyzer/case-internal.h"
#include "analyzer/error.h"

enum {
	FLAT_SIGNATURE_LEN = 16,
	FLAT_TYPE = 1,			/* TYPE_FLAT_HEADER */
	FLAT_VERSION = 1,		/* VERSION_FLAT_HEADER */
	FLAT_RECORD_HEADER = 16,	/* int64 offset, int64 size */
	/* struct disk_dump_header on 64-bit machines */
	DD_VERSION = 8,
	DD_UTSNAME = 12,		/* struct new_utsname: 6 x 65 bytes */
	DD_BLOCK_SIZE = 428,
	DD_SUB_HDR_SIZE = 432,
	DD_BITMAP_BLOCKS = 436,
	DD_MAX_MAPNR = 440,
	DD_HEADER_SIZE = 464,
	/* struct kdump_sub_header on 64-bit machines */
	SUB_SPLIT = 12,
	SUB_START_PFN = 16,
	SUB_END_PFN = 24,
	SUB_OFFSET_VMCOREINFO = 32,	/* header_version >= 3 */
	SUB_SIZE_VMCOREINFO = 40,
	SUB_OFFSET_NOTE = 48,		/* header_version >= 4 */
	SUB_SIZE_NOTE = 56,
	SUB_OFFSET_ERASEINFO = 64,	/* header_version >= 5 */
	SUB_SIZE_ERASEINFO = 72,
	SUB_START_PFN_64 = 80,		/* header_version >= 6 */
	SUB_END_PFN_64 = 88,
	SUB_MAX_MAPNR_64 = 96,
	SUB_SIZE = 104,			/* bytes of the sub-header we read */
	PD_SIZE = 24,			/* struct page_desc */
	PD_FLAGS = 12,			/* its flags word */
	/* page_desc flags: how the page is compressed (none: stored) */
	PAGE_ZLIB = 0x1,
	PAGE_LZO = 0x2,
	PAGE_SNAPPY = 0x4,
	PAGE_ZSTD = 0x20,
	RANK_PAGES = 4096,		/* page frames per rank table entry */
	MIN_BLOCK_SIZE = 512,
	MAX_BLOCK_SIZE = 1 << 16,
	UTS_LEN = 65,			/* one new_utsname field */
	UTS_MACHINE = DD_UTSNAME + 4 * UTS_LEN,
	MAX_NOTE_BYTES = 64 << 20,	/* ELF notes or erase info in a dump */
};

/* Machines whose dumps have the 64-bit header layout.  libkdumpfile picks
 * the layout from this name, so a name we do not know could make it read
 * the header differently from us. */
static const char *const machines_64bit[] = {
	"x86_64", "aarch64", "arm64", "ppc64", "ppc64le", "s390x", "ia64",
	"riscv64", "loongarch64", "mips64", "sparc64", "alpha",
};

struct ct_kdump {
	char *path;		/* copy of the name, for messages */
	const unsigned char *buf; /* the file; borrowed */
	size_t len;		/* bytes of buf */
	bool flattened;		/* buf is a flattened stream */
	int fd;			/* the diskdump image the backend reads */
	struct ct_kdump_flat flat; /* flattened: what the records wrote */
	uint64_t image_size;	/* bytes of the diskdump image */
	bool bswap;		/* the dump's byte order is not ours */
	uint32_t header_version; /* disk_dump_header.header_version */
	uint32_t page_size;	/* block_size: a power of two */
	unsigned page_shift;	/* log2(page_size) */
	uint64_t max_mapnr;	/* page frames described by the bitmaps */
	uint64_t start_pfn, end_pfn; /* frames this file has descriptors for */
	uint64_t pd_offset;	/* image offset of the first page descriptor */
	unsigned char *bitmap1;	/* frames that exist, max_mapnr bits */
	unsigned char *bitmap2;	/* frames that were dumped */
	uint64_t *rank;		/* rank[i]: bitmap2 bits below i*RANK_PAGES */
	uint64_t start_rank;	/* bitmap2 bits below start_pfn */
	char *vmcoreinfo;	/* VMCOREINFO text, NUL-terminated, or NULL */
	size_t vmcoreinfo_len;
	unsigned char *notes;	/* the ELF notes (CPU registers), or NULL */
	size_t notes_len;
	void *backend;		/* libkdumpfile state, opened on the first
				 * page we cannot read ourselves */
	bool backend_failed;	/* ... and it would not open */
	bool all_backend;	/* every page through libkdumpfile:
				 * CRASHTRIAGE_KDUMP_READER=libkdumpfile, a
				 * second opinion on our own reading */
	unsigned char *zbuf;	/* a compressed page, then the page
				 * inflated: 2 * page_size bytes */
	uint64_t zbuf_pfn;	/* the frame inflated there ... */
	bool zbuf_valid;	/* ... when there is one: readers come back
				 * for a few bytes at a time */
};

/* ---- small helpers -------------------------------------------------------- */

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t rd32(const struct ct_kdump *k, const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return k->bswap ? __builtin_bswap32(v) : v;
}

static uint64_t rd64(const struct ct_kdump *k, const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return k->bswap ? __builtin_bswap64(v) : v;
}

static bool is_block_size(uint32_t v)
{
	return v >= MIN_BLOCK_SIZE && v <= MAX_BLOCK_SIZE && !(v & (v - 1));
}

/* Errors other than corruption (ct_error_corrupt_at()), with the file
 * offset. */
static struct ct_error *bad(const char *path, enum ct_error_code code,
			    uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct ct_error *bad(const char *path, enum ct_error_code code,
			    uint64_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = ct_error_vcreate(code, fmt, ap);
	va_end(ap);
	return ct_error_at(err, path, 0, offset, true);
}

/* ---- sniffing --------------------------------------------------------------- */

static bool is_flat_header(const char *buf, size_t len)
{
	static const char sig[FLAT_SIGNATURE_LEN] = "makedumpfile";
	return len >= FLAT_SIGNATURE_LEN &&
	       memcmp(buf, sig, FLAT_SIGNATURE_LEN) == 0;
}

static bool is_diskdump_header(const char *buf, size_t len)
{
	return len >= 8 && memcmp(buf, "KDUMP   ", 8) == 0;
}

bool ct_kdump_sniff(const char *buf, size_t len)
{
	return is_flat_header(buf, len) || is_diskdump_header(buf, len);
}

/* ---- written ranges ----------------------------------------------------------- */

static int extent_cmp(const void *a, const void *b)
{
	const struct ct_kdump_extent *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and merge overlapping or touching ranges in place. */
static void extents_compact(struct ct_kdump_flat *f)
{
	if (f->extent_count < 2)
		return;
	qsort(f->extents, f->extent_count, sizeof(*f->extents), extent_cmp);
	size_t out = 0;
	for (size_t i = 1; i < f->extent_count; i++) {
		struct ct_kdump_extent *last = &f->extents[out];
		if (f->extents[i].start <= last->end) {
			if (f->extents[i].end > last->end)
				last->end = f->extents[i].end;
		} else {
			f->extents[++out] = f->extents[i];
		}
	}
	f->extent_count = out + 1;
}

/* Record that [start, end) was written.  Streams write a few interleaved
 * sequential runs (QEMU: descriptors and page data), so the last few ranges
 * are tried first; a stream that scatters writes is compacted now and then
 * and refused once it keeps too many disjoint ranges even so. */
static struct ct_error *extents_add(struct ct_kdump_flat *f, const char *path,
				    uint64_t record, uint64_t start,
				    uint64_t end)
{
	size_t tries = f->extent_count < 4 ? f->extent_count : 4;
	for (size_t i = 0; i < tries; i++) {
		struct ct_kdump_extent *e = &f->extents[f->extent_count - 1 - i];
		if (start <= e->end && end >= e->start) {
			if (start < e->start)
				e->start = start;
			if (end > e->end)
				e->end = end;
			return NULL;
		}
	}
	if (f->extent_count >= CT_KDUMP_MAX_EXTENTS) {
		extents_compact(f);
		if (f->extent_count >= CT_KDUMP_MAX_EXTENTS / 2)
			return bad(path, CT_ERROR_UNSUPPORTED, record,
				   "flattened dump scatters its data over more than %u ranges",
				   (unsigned)CT_KDUMP_MAX_EXTENTS / 2);
	}
	if (!ct_grow((void **)&f->extents, &f->extent_cap,
		     f->extent_count + 1, sizeof(*f->extents)))
		return &ct_enomem;
	f->extents[f->extent_count++] = (struct ct_kdump_extent){ start, end };
	return NULL;
}

/* Is [off, off+n) wholly inside one written range? */
static bool extents_cover(const struct ct_kdump_flat *f, uint64_t off,
			  uint64_t n)
{
	/* the first range starting after off */
	size_t lo = ct_bsearch_upper(&off, f->extents, f->extent_count,
				     sizeof(*f->extents), ct_bsearch_cmp_u64_field,
				     CT_BSEARCH_FIELD(struct ct_kdump_extent,
						      start));
	if (lo == 0)
		return false;
	const struct ct_kdump_extent *e = &f->extents[lo - 1];
	return off < e->end && n <= e->end - off;
}

void ct_kdump_flat_deinit(struct ct_kdump_flat *flat)
{
	if (!flat)
		return;
	free(flat->extents);
	memset(flat, 0, sizeof(*flat));
}

/* ---- rearranging ------------------------------------------------------------ */

static struct ct_error *write_at(int fd, const char *path,
				 const unsigned char *p, size_t n,
				 uint64_t off)
{
	while (n > 0) {
		size_t chunk = n < ((size_t)1 << 30) ? n : (size_t)1 << 30;
		ssize_t w = pwrite(fd, p, chunk, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ct_error_os(w < 0 ? errno : EIO, path,
					   "cannot write the rearranged dump to a temporary file");
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return NULL;
}

struct ct_error *ct_kdump_flat_rearrange(const char *path, const void *buf,
					 size_t len, int fd,
					 struct ct_kdump_flat *ret)
{
	const unsigned char *b = buf;
	struct ct_kdump_flat f = { 0 };
	struct ct_error *err;

	if (!is_flat_header(buf, len))
		return bad(path, CT_ERROR_NOT_RECOGNISED, 0,
			   "no makedumpfile flattened header");
	if (len < 32)
		return bad(path, CT_ERROR_TRUNCATED, len,
			   "file ends inside the flattened header");
	uint64_t type = be64(b + 16), version = be64(b + 24);
	if (type != FLAT_TYPE || version != FLAT_VERSION)
		return bad(path, CT_ERROR_UNSUPPORTED, 16,
			   "flattened header of type %" PRIu64 " version %" PRIu64
			   " (only 1, 1 is known)", type, version);
	/* Holes are zeroes in the image; a stream placing data far past its
	 * own length could fill a disk with them. */
	uint64_t cap = (uint64_t)len + CT_KDUMP_MAX_HOLE_BYTES;
	uint64_t pos = CT_KDUMP_FLAT_HEADER_SIZE;
	for (;;) {
		if (pos > len || len - pos < FLAT_RECORD_HEADER) {
			f.truncated = true;
			f.truncated_at = pos < len ? pos : len;
			break;
		}
		uint64_t off = be64(b + pos), size = be64(b + pos + 8);
		if (off == UINT64_MAX)	/* END_FLAG_FLAT_HEADER */
			break;
		if ((int64_t)off < 0 || (int64_t)size < 0) {
			err = ct_error_corrupt_at(path, pos,
				  "flattened record with negative offset or size");
			goto fail;
		}
		if (off > cap || size > cap - off) {
			err = ct_error_corrupt_at(path, pos,
				  "flattened record puts data at 0x%" PRIx64
				  "+0x%" PRIx64 ", past what a %zu-byte stream can hold",
				  off, size, len);
			goto fail;
		}
		uint64_t data = pos + FLAT_RECORD_HEADER;
		uint64_t avail = len - data < size ? len - data : size;
		if (avail > 0) {
			err = write_at(fd, path, b + data, (size_t)avail, off);
			if (!err)
				err = extents_add(&f, path, pos, off,
						  off + avail);
			if (err)
				goto fail;
			if (off + avail > f.size)
				f.size = off + avail;
		}
		f.records++;
		if (avail < size) {
			f.truncated = true;
			f.truncated_at = pos;
			break;
		}
		pos = data + size;
	}
	extents_compact(&f);
	*ret = f;
	return NULL;

fail:
	ct_kdump_flat_deinit(&f);
	return err;
}

/* ---- temporary files ----------------------------------------------------- */

/* An anonymous file for the rearranged image: O_TMPFILE in $TMPDIR (else
 * /tmp), else a file created there and unlinked at once, else memfd. */
static struct ct_error *temp_file(const char *path, int *ret)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_RDWR | O_TMPFILE | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		char *name;
		if (asprintf(&name, "%s/crashtriage-kdump-XXXXXX", dir) < 0)
			return &ct_enomem;
		fd = mkostemp(name, O_CLOEXEC);
		if (fd >= 0)
			unlink(name);
		free(name);
	}
	if (fd < 0)
		fd = memfd_create("crashtriage-kdump", MFD_CLOEXEC);
	if (fd < 0)
		return ct_error_os(errno, path,
				   "cannot create a temporary file in '%s' for the dump",
				   dir);
	*ret = fd;
	return NULL;
}

/* ---- the image ------------------------------------------------------------- */

enum span {
	SPAN_OK,
	SPAN_HOLE,		/* inside the image but never written */
	SPAN_LOST,		/* cut off: past the end of a truncated file */
};

static enum span image_span(const struct ct_kdump *k, uint64_t off,
			    uint64_t n)
{
	if (k->flattened) {
		if (extents_cover(&k->flat, off, n))
			return SPAN_OK;
		return k->flat.truncated ? SPAN_LOST : SPAN_HOLE;
	}
	if (off <= k->image_size && n <= k->image_size - off)
		return SPAN_OK;
	return SPAN_LOST;
}

/* Copy a span that image_span() said is SPAN_OK. */
static struct ct_error *image_read(const struct ct_kdump *k, uint64_t off,
				   void *dst, size_t n)
{
	if (!k->flattened) {
		memcpy(dst, k->buf + off, n);
		return NULL;
	}
	unsigned char *p = dst;
	while (n > 0) {
		ssize_t r = pread(k->fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ct_error_os(r < 0 ? errno : EIO, k->path,
					   "cannot read back the rearranged dump");
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return NULL;
}

/* Why a span the headers need is not there, as an error. */
static struct ct_error *missing(const struct ct_kdump *k, uint64_t off,
				uint64_t n, const char *what)
{
	if (k->flattened && k->flat.truncated)
		return bad(k->path, CT_ERROR_TRUNCATED, k->flat.truncated_at,
			   "flattened dump ends before its %s (0x%" PRIx64
			   " bytes at 0x%" PRIx64 " of the dump image)",
			   what, n, off);
	if (k->flattened)
		return ct_error_corrupt_at(k->path, 0,
			   "flattened dump never writes its %s (0x%" PRIx64
			   " bytes at 0x%" PRIx64 " of the dump image)",
			   what, n, off);
	return bad(k->path, CT_ERROR_TRUNCATED, k->len,
		   "file ends before its %s (0x%" PRIx64 " bytes at 0x%" PRIx64 ")",
		   what, n, off);
}

static struct ct_error *image_get(const struct ct_kdump *k, uint64_t off,
				  void *dst, size_t n, const char *what)
{
	if (image_span(k, off, n) != SPAN_OK)
		return missing(k, off, n, what);
	return image_read(k, off, dst, n);
}

static bool bit(const unsigned char *map, uint64_t pfn)
{
	return map[pfn >> 3] >> (pfn & 7) & 1;
}

/* Bits of bitmap2 set below pfn (pfn <= max_mapnr). */
static uint64_t rank_below(const struct ct_kdump *k, uint64_t pfn)
{
	uint64_t r = k->rank[pfn / RANK_PAGES];
	for (uint64_t i = pfn / RANK_PAGES * (RANK_PAGES / 8); i < pfn >> 3; i++)
		r += (uint64_t)__builtin_popcount(k->bitmap2[i]);
	if (pfn & 7)
		r += (uint64_t)__builtin_popcount(k->bitmap2[pfn >> 3] &
						  ((1u << (pfn & 7)) - 1));
	return r;
}

/* Where read_headers() found things: what the diskdump header gives and
 * the sub-header's first SUB_SIZE bytes (zeros past what it holds). */
struct layout {
	uint32_t block_size;	/* bytes per block, a power of two */
	uint64_t sub_blocks;	/* blocks of the sub-header */
	uint64_t bitmap_blocks;	/* blocks of both page bitmaps together */
	size_t want;		/* bytes of sub read from the image */
	unsigned char sub[SUB_SIZE];
};

/* The diskdump header: signature, byte order, version, machine, block
 * size and the block counts of what follows. */
static struct ct_error *read_disk_header(struct ct_kdump *k,
					 struct layout *lay)
{
	unsigned char h[DD_HEADER_SIZE];
	struct ct_error *err = image_get(k, 0, h, sizeof(h), "diskdump header");
	if (err)
		return err;
	if (memcmp(h, "KDUMP   ", 8) != 0)
		return ct_error_corrupt_at(k->path, 0,
			   "the dump image holds no diskdump header (\"KDUMP   \")");
	/* The header is in the dumped machine's byte order: the version is a
	 * small number in the right one. */
	k->header_version = rd32(k, h + DD_VERSION);
	if (k->header_version > 0xffff) {
		k->bswap = true;
		k->header_version = rd32(k, h + DD_VERSION);
		if (k->header_version > 0xffff)
			return ct_error_corrupt_at(k->path, DD_VERSION,
				   "diskdump header version 0x%x",
				   __builtin_bswap32(k->header_version));
	}
	char machine[UTS_LEN + 1];
	memcpy(machine, h + UTS_MACHINE, UTS_LEN);
	machine[UTS_LEN] = '\0';
	bool known = false;
	for (size_t i = 0; i < CT_ARRAY_SIZE(machines_64bit); i++)
		known |= strcmp(machine, machines_64bit[i]) == 0;
	if (!known) {
		char *shown = ct_strndup_clean(machine, strlen(machine));
		if (!shown)
			return &ct_enomem;
		err = bad(k->path, CT_ERROR_UNSUPPORTED, UTS_MACHINE,
			  "kdump file of machine '%s' (only 64-bit machines are read)",
			  shown);
		free(shown);
		return err;
	}
	uint32_t block_size = rd32(k, h + DD_BLOCK_SIZE);
	if (!is_block_size(block_size))
		return ct_error_corrupt_at(k->path, DD_BLOCK_SIZE,
			   "diskdump block size %" PRIu32, block_size);
	k->page_size = block_size;
	k->page_shift = (unsigned)__builtin_ctz(block_size);
	lay->block_size = block_size;
	lay->sub_blocks = rd32(k, h + DD_SUB_HDR_SIZE);
	lay->bitmap_blocks = rd32(k, h + DD_BITMAP_BLOCKS);
	k->max_mapnr = rd32(k, h + DD_MAX_MAPNR);
	return NULL;
}

/* The sub-header: block 1, sub_blocks blocks long; the page frame count
 * (version 6 on) and a split dump's range of frames. */
static struct ct_error *read_sub_header(struct ct_kdump *k,
					struct layout *lay)
{
	uint64_t sub_len = lay->sub_blocks * lay->block_size;
	size_t want = sub_len < SUB_SIZE ? (size_t)sub_len : SUB_SIZE;
	if (k->header_version >= 6 && want < SUB_SIZE)
		return ct_error_corrupt_at(k->path, DD_SUB_HDR_SIZE,
			   "kdump sub-header of %" PRIu64 " bytes is too short for version %" PRIu32,
			   sub_len, k->header_version);
	lay->want = want;
	if (want > 0) {
		struct ct_error *err = image_get(k, lay->block_size, lay->sub,
						 want, "kdump sub-header");
		if (err)
			return err;
	}
	const unsigned char *sub = lay->sub;
	k->start_pfn = 0;
	k->end_pfn = UINT64_MAX;
	if (k->header_version >= 6)
		k->max_mapnr = rd64(k, sub + SUB_MAX_MAPNR_64);
	if (want >= SUB_END_PFN + 8 && rd32(k, sub + SUB_SPLIT) != 0) {
		bool v6 = k->header_version >= 6;
		k->start_pfn = rd64(k, sub + (v6 ? SUB_START_PFN_64 : SUB_START_PFN));
		k->end_pfn = rd64(k, sub + (v6 ? SUB_END_PFN_64 : SUB_END_PFN));
	}
	return NULL;
}

/* The bitmaps, each half of bitmap_blocks blocks, and the rank table
 * over the second; then where the page descriptors start. */
static struct ct_error *read_bitmaps(struct ct_kdump *k,
				     const struct layout *lay)
{
	uint64_t block_size = lay->block_size;
	uint64_t bitmap_off = (1 + lay->sub_blocks) * block_size;
	uint64_t bitmap_len = lay->bitmap_blocks * block_size / 2;
	if (k->max_mapnr == 0)
		return ct_error_corrupt_at(k->path, DD_MAX_MAPNR,
			   "kdump file describes no page frames");
	uint64_t need = k->max_mapnr / 8 + !!(k->max_mapnr & 7);
	if (need > bitmap_len)
		return ct_error_corrupt_at(k->path, DD_BITMAP_BLOCKS,
			   "kdump bitmaps of 0x%" PRIx64 " bytes cannot cover 0x%"
			   PRIx64 " page frames", bitmap_len, k->max_mapnr);
	if (need > CT_KDUMP_MAX_BITMAP)
		return bad(k->path, CT_ERROR_UNSUPPORTED, DD_MAX_MAPNR,
			   "kdump file of 0x%" PRIx64 " page frames is larger than we read",
			   k->max_mapnr);
	/* libkdumpfile takes the bitmaps at their full size: they must fit in
	 * the image. */
	if (bitmap_off > k->image_size ||
	    2 * bitmap_len > k->image_size - bitmap_off)
		return missing(k, bitmap_off, 2 * bitmap_len, "page bitmaps");
	/* Both must be in the file before anything is allocated for them, so
	 * a small hostile file cannot ask for large copies. */
	if (image_span(k, bitmap_off, need) != SPAN_OK)
		return missing(k, bitmap_off, need, "first page bitmap");
	if (image_span(k, bitmap_off + bitmap_len, need) != SPAN_OK)
		return missing(k, bitmap_off + bitmap_len, need,
			       "second page bitmap");
	k->bitmap1 = malloc(need);
	k->bitmap2 = malloc(need);
	size_t rank_count = (size_t)(k->max_mapnr / RANK_PAGES + 1);
	k->rank = calloc(rank_count, sizeof(*k->rank));
	if (!k->bitmap1 || !k->bitmap2 || !k->rank)
		return &ct_enomem;
	struct ct_error *err = image_read(k, bitmap_off, k->bitmap1,
					  (size_t)need);
	if (!err)
		err = image_read(k, bitmap_off + bitmap_len, k->bitmap2,
				 (size_t)need);
	if (err)
		return err;
	uint64_t total = 0;
	for (size_t i = 0; i < rank_count; i++) {
		k->rank[i] = total;
		uint64_t from = (uint64_t)i * (RANK_PAGES / 8);
		uint64_t to = from + RANK_PAGES / 8;
		if (to > need)
			to = need;
		for (uint64_t j = from; j < to; j++)
			total += (uint64_t)__builtin_popcount(k->bitmap2[j]);
	}
	if (k->start_pfn > k->max_mapnr)
		k->start_pfn = k->max_mapnr;
	k->start_rank = rank_below(k, k->start_pfn);
	k->pd_offset = (1 + lay->sub_blocks + lay->bitmap_blocks) * block_size;
	return NULL;
}

/* What libkdumpfile reads at open (VMCOREINFO, ELF notes, erase info)
 * must lie in the image, with sizes it can allocate. */
static struct ct_error *check_sub_regions(const struct ct_kdump *k,
					  const struct layout *lay)
{
	static const struct {
		uint32_t version, off, size;
		const char *what;
	} regions[] = {
		{ 3, SUB_OFFSET_VMCOREINFO, SUB_SIZE_VMCOREINFO, "VMCOREINFO" },
		{ 4, SUB_OFFSET_NOTE, SUB_SIZE_NOTE, "ELF notes" },
		{ 5, SUB_OFFSET_ERASEINFO, SUB_SIZE_ERASEINFO, "erase info" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(regions); i++) {
		if (k->header_version < regions[i].version ||
		    lay->want < regions[i].size + 8u)
			continue;
		uint64_t off = rd64(k, lay->sub + regions[i].off);
		uint64_t size = rd64(k, lay->sub + regions[i].size);
		if (size == 0)
			continue;
		if (size > MAX_NOTE_BYTES)
			return ct_error_corrupt_at(k->path,
				   lay->block_size + regions[i].size,
				   "kdump sub-header gives its %s 0x%" PRIx64 " bytes",
				   regions[i].what, size);
		if (off > k->image_size || size > k->image_size - off)
			return missing(k, off, size, regions[i].what);
	}
	return NULL;
}

/* A blob the sub-header places at its off_at/size_at fields (version
 * min_version on), read whole into a new NUL-terminated buffer when it
 * lies in the image and is 1 to max bytes; else *ret stays NULL. */
static struct ct_error *read_sub_blob(struct ct_kdump *k,
				      const struct layout *lay,
				      uint32_t min_version, size_t off_at,
				      size_t size_at, uint64_t max,
				      char **ret, size_t *ret_size)
{
	if (k->header_version < min_version || lay->want < size_at + 8)
		return NULL;
	uint64_t off = rd64(k, lay->sub + off_at);
	uint64_t size = rd64(k, lay->sub + size_at);
	if (size == 0 || size > max || image_span(k, off, size) != SPAN_OK)
		return NULL;
	char *buf = malloc(size + 1);
	if (!buf)
		return &ct_enomem;
	struct ct_error *err = image_read(k, off, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	buf[size] = '\0';
	*ret = buf;
	*ret_size = (size_t)size;
	return NULL;
}

/* The ELF notes (version 4 on): each CPU's NT_PRSTATUS; and VMCOREINFO
 * (version 3 on), whose text ends at the first NUL, as the kernel writes
 * it.  Checked to lie in the image by check_sub_regions(). */
static struct ct_error *read_notes(struct ct_kdump *k,
				   const struct layout *lay)
{
	char *notes = NULL;
	struct ct_error *err = read_sub_blob(k, lay, 4, SUB_OFFSET_NOTE,
					     SUB_SIZE_NOTE, MAX_NOTE_BYTES,
					     &notes, &k->notes_len);
	k->notes = (unsigned char *)notes;
	if (!err)
		err = read_sub_blob(k, lay, 3, SUB_OFFSET_VMCOREINFO,
				    SUB_SIZE_VMCOREINFO,
				    CT_KDUMP_MAX_VMCOREINFO, &k->vmcoreinfo,
				    &k->vmcoreinfo_len);
	if (k->vmcoreinfo)
		k->vmcoreinfo_len = strlen(k->vmcoreinfo);
	return err;
}

static struct ct_error *read_headers(struct ct_kdump *k)
{
	struct layout lay = { 0 };
	struct ct_error *err = read_disk_header(k, &lay);
	if (!err)
		err = read_sub_header(k, &lay);
	if (!err)
		err = read_bitmaps(k, &lay);
	if (!err)
		err = check_sub_regions(k, &lay);
	if (!err)
		err = read_notes(k, &lay);
	return err;
}

/* ---- opening ------------------------------------------------------------- */

/* The diskdump file itself for the backend: the named file when it is
 * still the one in buf, else a copy of buf.  O_NONBLOCK: a FIFO put in
 * the file's place must not hang the open. */
static struct ct_error *diskdump_fd(struct ct_kdump *k)
{
	int fd = open(k->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == k->len) {
		k->fd = fd;
		return NULL;
	}
	if (fd >= 0)
		close(fd);
	struct ct_error *err = temp_file(k->path, &k->fd);
	if (!err)
		err = write_at(k->fd, k->path, k->buf, k->len, 0);
	return err;
}

/* libkdumpfile, for the compressions we do not read ourselves (LZO,
 * snappy, zstd): opened when first needed, so that dumps of stored and
 * zlib pages -- QEMU's, makedumpfile -c -- never meet its open path, which
 * a crafted header can crash (libkdumpfile 0.5.1, found by fuzz-kdump). */
static bool backend(struct ct_kdump *k)
{
	if (k->backend)
		return true;
	if (k->backend_failed || !ct_kdump_have_backend())
		return false;
	/* a diskdump file is read from buf; only libkdumpfile needs a
	 * descriptor, and making one may copy the whole dump */
	struct ct_error *err = k->fd < 0 ? diskdump_fd(k) : NULL;
	if (!err)
		err = ct_kdump_backend_open(k->path, k->fd, &k->backend);
	if (err) {
		ct_error_destroy(err);
		k->backend_failed = true;
		k->backend = NULL;
	}
	return k->backend != NULL;
}

struct ct_error *ct_kdump_open(const char *path, const void *buf, size_t len,
			       struct ct_kdump **ret)
{
	struct ct_error *err;
	if (!ct_kdump_sniff(buf, len))
		return bad(path, CT_ERROR_NOT_RECOGNISED, 0,
			   "not a kdump-compressed dump");
	struct ct_kdump *k = calloc(1, sizeof(*k));
	if (!k)
		return &ct_enomem;
	k->fd = -1;
	k->buf = buf;
	k->len = len;
	k->flattened = is_flat_header(buf, len);
	k->path = strdup(path ? path : "");
	if (!k->path) {
		err = &ct_enomem;
		goto fail;
	}
	if (k->flattened) {
		err = temp_file(path, &k->fd);
		if (!err)
			err = ct_kdump_flat_rearrange(path, buf, len, k->fd,
						      &k->flat);
		if (err)
			goto fail;
		k->image_size = k->flat.size;
	} else {
		k->image_size = len;
	}
	err = read_headers(k);
	if (err)
		goto fail;
	/* "libkdumpfile": every page through it (a second opinion);
	 * "crashtriage": never (pages it alone reads are not dumped) */
	const char *reader = getenv("CRASHTRIAGE_KDUMP_READER");
	k->all_backend = reader && strcmp(reader, "libkdumpfile") == 0;
	k->backend_failed = reader && strcmp(reader, "crashtriage") == 0;
	*ret = k;
	return NULL;

fail:
	ct_kdump_destroy(k);
	return err;
}

void ct_kdump_destroy(struct ct_kdump *k)
{
	if (!k)
		return;
	if (k->backend)
		ct_kdump_backend_close(k->backend);
	if (k->fd >= 0)
		close(k->fd);
	ct_kdump_flat_deinit(&k->flat);
	free(k->bitmap1);
	free(k->bitmap2);
	free(k->rank);
	free(k->vmcoreinfo);
	free(k->notes);
	free(k->zbuf);
	free(k->path);
	free(k);
}

/* ---- queries ----------------------------------------------------------------- */

const unsigned char *ct_kdump_notes(const struct ct_kdump *k, size_t *len)
{
	*len = k->notes_len;
	return k->notes;
}

const char *ct_kdump_vmcoreinfo(const struct ct_kdump *k, size_t *len)
{
	*len = k->vmcoreinfo ? k->vmcoreinfo_len : 0;
	return k->vmcoreinfo;
}

const char *ct_kdump_format(const struct ct_kdump *k)
{
	return k->flattened ? "kdump-flattened" : "kdump";
}

uint32_t ct_kdump_page_size(const struct ct_kdump *k)
{
	return k->page_size;
}

uint64_t ct_kdump_max_pfn(const struct ct_kdump *k)
{
	return k->max_mapnr;
}

bool ct_kdump_is_truncated(const struct ct_kdump *k, uint64_t *ret_offset)
{
	if (k->flattened && k->flat.truncated) {
		*ret_offset = k->flat.truncated_at;
		return true;
	}
	return false;
}

/* A page whose descriptor or data is not in the image. */
static enum ct_core_mem lost(enum span s)
{
	return s == SPAN_LOST ? CT_CORE_MEM_TRUNCATED : CT_CORE_MEM_NOT_DUMPED;
}

/* A stored or zlib page, read from the image: bytes [paddr, paddr+n) of
 * the page whose data is size bytes at image offset data. */
static enum ct_core_mem own_page(struct ct_kdump *k, uint64_t paddr,
				 uint64_t data, uint32_t size, uint32_t flags,
				 unsigned char *dst, size_t n,
				 size_t *ret_read)
{
	size_t in = (size_t)(paddr & (k->page_size - 1));
	if (!(flags & PAGE_ZLIB)) {
		if (size != k->page_size)
			return CT_CORE_MEM_NOT_DUMPED;	/* not a whole page */
		if (image_read(k, data + in, dst, n))
			return lost(k->flat.truncated ? SPAN_LOST : SPAN_HOLE);
		*ret_read = n;
		return CT_CORE_MEM_OK;
	}
	if (!k->zbuf && !(k->zbuf = malloc(2 * (size_t)k->page_size)))
		return CT_CORE_MEM_NOT_DUMPED;
	unsigned char *z = k->zbuf, *page = k->zbuf + k->page_size;
	uint64_t pfn = paddr >> k->page_shift;
	if (!k->zbuf_valid || k->zbuf_pfn != pfn) {
		k->zbuf_valid = false;
		if (image_read(k, data, z, size))
			return lost(k->flat.truncated ? SPAN_LOST : SPAN_HOLE);
		uLongf out = k->page_size;
		if (uncompress(page, &out, z, size) != Z_OK ||
		    out != k->page_size)
			return CT_CORE_MEM_NOT_DUMPED;	/* does not inflate */
		k->zbuf_pfn = pfn;
		k->zbuf_valid = true;
	}
	memcpy(dst, page + in, n);
	*ret_read = n;
	return CT_CORE_MEM_OK;
}

/* Read part of one page: [paddr, paddr+n) does not cross a page. */
static enum ct_core_mem read_page(struct ct_kdump *k, uint64_t paddr,
				  unsigned char *dst, size_t n,
				  size_t *ret_read)
{
	*ret_read = 0;
	uint64_t pfn = paddr >> k->page_shift;
	if (pfn >= k->max_mapnr || !bit(k->bitmap1, pfn))
		return CT_CORE_MEM_UNMAPPED;
	if (!bit(k->bitmap2, pfn) || pfn < k->start_pfn || pfn >= k->end_pfn)
		return CT_CORE_MEM_NOT_DUMPED;
	/* The descriptor and the page data must be in the file before the
	 * backend is asked: a hole would read back as zeroes. */
	uint64_t pd = k->pd_offset + (rank_below(k, pfn) - k->start_rank) * PD_SIZE;
	enum span s = image_span(k, pd, PD_SIZE);
	if (s != SPAN_OK)
		return lost(s);
	unsigned char desc[PD_SIZE];
	if (image_read(k, pd, desc, sizeof(desc)))
		return lost(k->flat.truncated ? SPAN_LOST : SPAN_HOLE);
	uint64_t data = rd64(k, desc);
	uint32_t size = rd32(k, desc + 8);
	if (size == 0 || size > k->page_size || (int64_t)data < 0)
		return CT_CORE_MEM_NOT_DUMPED;
	s = image_span(k, data, size);
	if (s != SPAN_OK)
		return lost(s);
	uint32_t flags = rd32(k, desc + PD_FLAGS);
	if (!(flags & (PAGE_LZO | PAGE_SNAPPY | PAGE_ZSTD)) && !k->all_backend)
		return own_page(k, paddr, data, size, flags, dst, n, ret_read);
	if (!backend(k))
		return CT_CORE_MEM_NOT_DUMPED;
	switch (ct_kdump_backend_read(k->backend, paddr, dst, n, ret_read)) {
	case CT_KDUMP_BACKEND_OK:
		*ret_read = n;
		return CT_CORE_MEM_OK;
	case CT_KDUMP_BACKEND_NODATA:
		return CT_CORE_MEM_NOT_DUMPED;
	case CT_KDUMP_BACKEND_EOF:
		return CT_CORE_MEM_TRUNCATED;
	case CT_KDUMP_BACKEND_ERROR:
		break;
	}
	return lost(k->flat.truncated ? SPAN_LOST : SPAN_HOLE);
}

enum ct_core_mem ct_kdump_read_phys(struct ct_kdump *k, uint64_t paddr,
				    void *dst, size_t n, size_t *ret_read)
{
	unsigned char *out = dst;
	size_t done = 0;
	enum ct_core_mem r = CT_CORE_MEM_OK;
	while (done < n) {
		uint64_t a = paddr + done;
		if (a < paddr) {	/* wrapped around */
			r = CT_CORE_MEM_UNMAPPED;
			break;
		}
		uint64_t in_page = k->page_size - (a & (k->page_size - 1));
		size_t chunk = n - done < in_page ? n - done : (size_t)in_page;
		size_t got;
		r = read_page(k, a, out + done, chunk, &got);
		done += got <= chunk ? got : 0;
		if (r != CT_CORE_MEM_OK)
			break;
	}
	*ret_read = done;
	return r;
}
