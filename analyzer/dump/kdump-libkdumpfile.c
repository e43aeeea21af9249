/* SPDX-License-Identifier: MIT */
/*
 * kdump-libkdumpfile.c - the page backend of kdump.c: libkdumpfile opens
 * the diskdump image by file descriptor and reads (decompresses) pages by
 * physical address: the LZO, snappy and zstd pages kdump.c does not read
 * itself, or every page with CRASHTRIAGE_KDUMP_READER=libkdumpfile.  Built only when
 * configure found libkdumpfile; kdump.h has the stubs otherwise.
 */
#include <libkdumpfile/kdumpfile.h>
#include <pthread.h>

#include "analyzer/dump/dump.h"
#include "analyzer/error.h"
#include "analyzer/lazy.h"

/* libkdumpfile is loaded when the first page needs it (lazy.h).  Its
 * header's inline helpers (kdump_open_fd(), kdump_set_number_attr() ...)
 * would link the library directly, so the functions under them are
 * called instead. */
#define KDUMP_FUNCTIONS(X)                                                   \
	X(kdump_new) X(kdump_free) X(kdump_get_err) X(kdump_open_fdset)      \
	X(kdump_set_attr) X(kdump_get_typed_attr) X(kdump_read)

static struct {
#define KDUMP_POINTER(f) __typeof__(f) *f;
	KDUMP_FUNCTIONS(KDUMP_POINTER)
#undef KDUMP_POINTER
} api;

#ifndef CT_LIBKDUMPFILE_SONAME
#define CT_LIBKDUMPFILE_SONAME "libkdumpfile.so.10"
#endif

static struct ct_lazy lib = { .soname = CT_LIBKDUMPFILE_SONAME,
			      .what = "decompress this dump's pages" };
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
#define RESOLVE(f) CT_LAZY_RESOLVE(&lib, api, f)
	if (ct_lazy_open(&lib)) {
		KDUMP_FUNCTIONS(RESOLVE)
	}
#undef RESOLVE
}

struct ct_error *ct_kdump_backend_open(const char *path, int fd,
				       void **ret_state)
{
	pthread_once(&load_once, load);
	struct ct_error *err = ct_lazy_error(&lib);
	if (err)
		return ct_error_at(err, path, 0, 0, false);
	kdump_ctx_t *ctx = api.kdump_new();
	if (!ctx)
		return &ct_enomem;
	/* read(2), never mmap(2): libkdumpfile 0.5.1 follows offsets from
	 * the file into a mapping without checking them against its size, and
	 * a page mapped past the end of a file is a SIGBUS (found by
	 * fuzz-kdump); a short read is an error it reports. */
	kdump_attr_t policy = { .type = KDUMP_NUMBER };
	policy.val.number = KDUMP_MMAP_NEVER;
	kdump_status st = api.kdump_set_attr(ctx, KDUMP_ATTR_FILE_MMAP_POLICY,
					     &policy);
	if (st == KDUMP_OK)
		st = api.kdump_open_fdset(ctx, 1, &fd);
	if (st != KDUMP_OK) {
		const char *why = api.kdump_get_err(ctx);
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
	kdump_attr_t attr = { .type = KDUMP_STRING };
	st = api.kdump_get_typed_attr(ctx, KDUMP_ATTR_FILE_FORMAT, &attr);
	if (st == KDUMP_OK)
		format = attr.val.string;
	if (st != KDUMP_OK || !format || strcmp(format, "diskdump") != 0) {
		err = ct_error_create(CT_ERROR_UNSUPPORTED,
				      "libkdumpfile reads it as '%s', not as a diskdump",
				      st == KDUMP_OK && format ? format : "?");
		goto fail;
	}
	*ret_state = ctx;
	return NULL;

fail:
	api.kdump_free(ctx);
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
	kdump_status st = api.kdump_read(state, KDUMP_MACHPHYSADDR, paddr,
					 dst, &got);
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
	api.kdump_free(state);
}
