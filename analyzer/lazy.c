/* SPDX-License-Identifier: MIT */
/*
 * lazy.c - shared libraries loaded on first use (lazy.h).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/lazy.h"

bool ct_lazy_open(struct ct_lazy *lib)
{
	lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (lib->handle)
		return true;
	const char *why = dlerror();
	snprintf(lib->error, sizeof(lib->error), "%s", why ? why : "dlopen");
	return false;
}

void *ct_lazy_sym(struct ct_lazy *lib, const char *name)
{
	void *p = lib->handle ? dlsym(lib->handle, name) : NULL;
	if (!p && !lib->error[0])
		snprintf(lib->error, sizeof(lib->error), "it has no %s", name);
	return p;
}

struct ct_error *ct_lazy_error(const struct ct_lazy *lib)
{
	if (!lib->error[0])
		return NULL;
	return ct_error_create(CT_ERROR_UNSUPPORTED,
			       "cannot %s: cannot load %s (%s)", lib->what,
			       lib->soname, lib->error);
}
