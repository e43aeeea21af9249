/* SPDX-License-Identifier: MIT */
/*
 * lazy.h - shared libraries loaded on first use (lazy.c), private to
 * libcrashtriage (libarchive, libkdumpfile, libbpf, libmicrohttpd,
 * Vectorscan's runtime, libunwind).  libarchive (archive-lazy.h) and libkdumpfile bring
 * libxml2, ICU, libstdc++, snappy and LZO with them: mapping all of them
 * at every start made starting the command take twice as long (3.1 ms
 * against 1.6 ms, bench/bench-startup.sh), and
 * most runs read no archive and no compressed dump.
 *
 * A library's functions are called through a struct of pointers that
 * ct_lazy_sym() fills; the header of each library maps the functions'
 * names onto that struct, so the code calling them reads as usual.
 */
#ifndef CT_LAZY_H
#define CT_LAZY_H

#include <stdbool.h>

#include "analyzer/crashtriage.h"

struct ct_lazy {
	const char *soname;	/* "libarchive.so.13" */
	const char *what;	/* what it is for: "read archives" */
	void *handle;		/* dlopen()'s, kept for the process */
	char error[256];	/* the first failure, "" while none */
};

/* dlopen lib->soname; false, with lib->error set, when it cannot. */
bool ct_lazy_open(struct ct_lazy *lib);

/* The address of name in lib (opened), or NULL with lib->error set (the
 * first failure is kept). */
void *ct_lazy_sym(struct ct_lazy *lib, const char *name);

/* NULL when lib loaded whole; else CT_ERROR_UNSUPPORTED "cannot WHAT:
 * cannot load SONAME (why)". */
struct ct_error *ct_lazy_error(const struct ct_lazy *lib);

/* A pointer member for function f of a CT_..._FUNCTIONS(X) list: the
 * struct of them is CT_..._FUNCTIONS(CT_LAZY_POINTER). */
#define CT_LAZY_POINTER(f) __typeof__(f) *f;

/* Resolve every function f of a CT_..._FUNCTIONS(X) list into api.f. */
#define CT_LAZY_RESOLVE(lib, api, f) \
	*(void **)&(api).f = ct_lazy_sym((lib), #f);

#endif /* CT_LAZY_H */
