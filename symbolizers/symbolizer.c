/* SPDX-License-Identifier: MIT */
/*
 * symbolizer.c - the public symbolizer (symbolizer.h): the libdwfl session
 * over one ELF file (symbolize-dwfl.c) asked first, then the merged
 * symbol lists (symtab-text.c, kallsyms of kernel dumps).
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer/frames.h"
#include "symbolizers/symbolizer.h"
#include "symbolizers/symbolize.h"
#include "symbolizers/symtab-text.h"

struct ct_symbolizer {
	struct ct_dwfl *dwfl;		/* the executable's, or NULL */
	struct ct_symtab *tab;		/* the maps merged, or NULL */
};

struct ct_error *ct_symbolizer_create(const struct ct_symbolizer_options *opts,
				      struct ct_symbolizer **ret)
{
	struct ct_symbolizer *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	struct ct_unwind_options uopts = {
		.executable = opts->executable,
		.debug_dirs = opts->debug_dirs,
		.debug_dir_count = opts->debug_dir_count,
	};
	struct ct_error *err = NULL;
	if (opts->executable)
		err = ct_dwfl_open_elf(opts->executable, &uopts, &s->dwfl);
	if (!err && opts->map_count)
		err = ct_symtab_create(&s->tab);
	for (size_t i = 0; !err && i < opts->map_count; i++)
		err = ct_symtab_add_dump_or_file(s->tab, opts->maps[i]);
	if (err) {
		ct_symbolizer_destroy(s);
		return err;
	}
	*ret = s;
	return NULL;
}

void ct_symbolizer_destroy(struct ct_symbolizer *s)
{
	if (!s)
		return;
	ct_dwfl_destroy(s->dwfl);
	ct_symtab_destroy(s->tab);
	free(s);
}

void ct_symbol_answer_deinit(struct ct_symbol_answer *a)
{
	for (size_t i = 0; i < a->bt.frame_count; i++)
		ct_frame_deinit(&a->bt.frames[i]);
	free(a->bt.frames);
	memset(a, 0, sizeof(*a));
}

/* The executable's DWARF: the outermost frame is the function holding
 * address, the ones before it are inlined there. */
static struct ct_error *lookup_dwfl(struct ct_dwfl *d,
				    struct ct_symbol_answer *a)
{
	struct ct_error *err = ct_dwfl_symbolize(d, a->address, true, &a->bt);
	if (err)
		return err;
	size_t n = a->bt.frame_count;
	const struct ct_frame *outer = n ? &a->bt.frames[n - 1] : NULL;
	if (outer && outer->function) {
		a->found = true;
		a->from_exe = true;
		a->function = outer->function;
		a->offset = outer->offset;
		a->has_offset = outer->has_offset;
		a->module = outer->module;
		a->file = outer->file;
		a->line = outer->source_line;
		a->inlined = a->bt.frames;
		a->inlined_count = n - 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		ct_frame_deinit(&a->bt.frames[i]);
	a->bt.frame_count = 0;
	return NULL;
}

struct ct_error *ct_symbolizer_lookup(struct ct_symbolizer *s, uint64_t address,
				      struct ct_symbol_answer *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->address = address;
	if (s->dwfl) {
		struct ct_error *err = lookup_dwfl(s->dwfl, ret);
		if (err || ret->found)
			return err;
	}
	struct ct_symtab_hit hit;
	if (s->tab && ct_symtab_lookup(s->tab, address, &hit)) {
		ret->found = true;
		ret->function = hit.name;
		ret->offset = hit.offset;
		ret->has_offset = true;
		ret->size = hit.size;
		ret->has_size = hit.has_size;
		ret->module = hit.module;
	}
	return NULL;
}
