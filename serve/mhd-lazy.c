/* SPDX-License-Identifier: MIT */
/*
 * mhd-lazy.c - load libmicrohttpd when serve starts (mhd-lazy.h).  The
 * command includes only the library's public headers, so this is its own
 * small dlopen rather than analyzer/lazy.c.
 */
#define CT_MHD_LAZY_IMPL
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "serve/mhd-lazy.h"

#ifndef CT_LIBMHD_SONAME
#define CT_LIBMHD_SONAME "libmicrohttpd.so.12"
#endif

struct ct_mhd_api ct_mhd_api;

static char load_error[256];	/* "" when loaded */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen(CT_LIBMHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "%s",
			 why ? why : "dlopen");
		return;
	}
#define RESOLVE(f)                                                            \
	if (!(*(void **)&ct_mhd_api.f = dlsym(h, #f)) && !load_error[0])     \
		snprintf(load_error, sizeof(load_error), "it has no %s", #f);
	CT_MHD_FUNCTIONS(RESOLVE)
#undef RESOLVE
}

struct ct_error *ct_mhd_load(void)
{
	pthread_once(&load_once, load);
	if (!load_error[0])
		return NULL;
	return ct_error_create(CT_ERROR_UNSUPPORTED,
			       "cannot serve: cannot load %s (%s)",
			       CT_LIBMHD_SONAME, load_error);
}
