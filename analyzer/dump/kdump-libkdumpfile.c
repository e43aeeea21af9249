/* SPDX-License-Identifier: MIT */
/*
 * kdump-libkdumpfile.c - the page backend of kdump.c: libkdumpfile opens
 * the diskdump image by file descriptor and reads (decompresses) pages by
 * physical address: the LZO, snappy and zstd pages kdump.c does not read
 * itself, or every page with CRASHTRIAGE_KDUMP_READER=libkdumpfile.  Built only when
 * configure found libkdumpfile; kdump.h has the stubs otherwise.
 */
#include <libkdumpfile/kdumpfile.h>

#include "analyzer/dump/dump.h"
#include "analyzer/error.h"

struct ct_error *ct_kdump_backend_open(const char *path, int fd,
				       void **ret_state)
{
	kdump_ctx_t *ctx = kdump_new();
	if (!ctx)
		return &ct_enomem;
	struct ct_error *err = NULL;
	/* read(2), never mmap(2): libkdumpfile 0.5.1 follows offsets from
	 * the file into a mapping without checking them against its size, and
	 * a page mapped past the end of a file is a SIGBUS (found by
	 * fuzz-kdump); a short read is an error it reports. */
	kdump_status st = kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_MMAP_POLICY,
						KDUMP_MMAP_NEVER);
	if (st == KDUMP_OK)
		st = kdump_open_fd(ctx, fd);
	if (st != KDUMP_OK) {
		const char *why = kdump_get_err(ctx);
		if (st == KDUMP_ERR_EOF || st == KDUMP_ERR_NOTIMPL)
			err = ct_error_create(st == KDUMP_ERR_EOF ?
					      CT_ERROR_TRUNCATED :
					      CT_ERROR_UNSUPPORTED,
					      "libkdumpfile cannot open it: %s",
					      why);
		else
			err = ct_error_corrupt(NULL, 0, "libkdumpfile cannot "
					       "open it: %s", why);
		goto fail;
	}
	const char *format = NULL;
	st = kdump_get_string_attr(ctx, KDUMP_ATTR_FILE_FORMAT, &format);
	if (st != KDUMP_OK || !format || strcmp(format, "diskdump") != 0) {
		err = ct_error_create(CT_ERROR_UNSUPPORTED,
				      "libkdumpfile reads it as '%s', not as a diskdump",
				      st == KDUMP_OK && format ? format : "?");
		goto fail;
	}
	*ret_state = ctx;
	return NULL;

fail:
	kdump_free(ctx);
	return ct_error_at(err, path, 0, 0, false);
}

enum ct_kdump_backend_read ct_kdump_backend_read(void *state, uint64_t paddr,
						 void *dst, size_t n,
						 size_t *ret_read)
{
	/* The diskdump file indexes pages by the frames it holds: machine
	 * physical addresses, the kernel's own for anything but a Xen dom0.
	 * KDUMP_KPHYSADDR would need libaddrxlat's kernel-physical map, which
	 * libkdumpfile 0.5.1 does not set up for QEMU's dumps ("No way to
	 * translate"). */
	size_t got = n;
	kdump_status st = kdump_read(state, KDUMP_MACHPHYSADDR, paddr, dst,
				     &got);
	*ret_read = got <= n ? got : 0;
	switch (st) {
	case KDUMP_OK:
		*ret_read = n;
		return CT_KDUMP_BACKEND_OK;
	case KDUMP_ERR_NODATA:
		return CT_KDUMP_BACKEND_NODATA;
	case KDUMP_ERR_EOF:
		return CT_KDUMP_BACKEND_EOF;
	default:
		return CT_KDUMP_BACKEND_ERROR;
	}
}

void ct_kdump_backend_close(void *state)
{
	kdump_free(state);
}
