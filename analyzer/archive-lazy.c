/* SPDX-License-Identifier: MIT */
/*
 * archive-lazy.c - load libarchive on first use (archive-lazy.h).
 */
#define CT_ARCHIVE_LAZY_IMPL
#include <pthread.h>

#include "analyzer/archive-lazy.h"
#include "analyzer/internal.h"
#include "analyzer/lazy.h"

#ifndef CT_LIBARCHIVE_SONAME
#define CT_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

struct ct_archive_api ct_archive_api;

static struct ct_lazy lib = { .soname = CT_LIBARCHIVE_SONAME,
			      .what = "read archives" };
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
#define RESOLVE(f) CT_LAZY_RESOLVE(&lib, ct_archive_api, f)
	if (ct_lazy_open(&lib)) {
		CT_ARCHIVE_FUNCTIONS(RESOLVE)
	}
#undef RESOLVE
}

struct ct_error *ct_archive_load(void)
{
	pthread_once(&load_once, load);
	return ct_lazy_error(&lib);
}
