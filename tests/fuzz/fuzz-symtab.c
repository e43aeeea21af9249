/* SPDX-License-Identifier: MIT */
/*
 * fuzz-symtab.c - libFuzzer target for the text symbol-list parser
 * (System.map, kallsyms, nm output, vmkernel symbol lists): whatever the
 * input, every lookup answers a symbol that starts at or before the
 * address, with offset = address - start, and no later symbol start
 * inside the reported size.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/internal.h"
#include "symbolizers/symtab-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(struct ct_symtab *t, uint64_t addr)
{
	struct ct_symtab_hit h;
	if (!ct_symtab_lookup(t, addr, &h)) {
		if (t->count && t->syms[0].address <= addr)
			abort();
		return;
	}
	if (h.start > addr || h.offset != addr - h.start || !h.name)
		abort();
	if (h.has_size && (h.size == 0 || addr - h.start >= h.size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_symtab *t;
	if (ct_symtab_create(&t))
		return 0;
	struct ct_error *err = ct_symtab_add_text(t, "fuzz",
						  (const char *)data, size);
	ct_error_destroy(err);
	ct_symtab_finish(t);
	for (size_t i = 1; i < t->count; i++)
		if (t->syms[i - 1].address > t->syms[i].address)
			abort();
	static const uint64_t probes[] = {
		0, 1, 0x1000, 0xffffffff81000000ull, UINT64_MAX,
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(probes); i++)
		check(t, probes[i]);
	for (size_t i = 0; i < t->count && i < 64; i++) {
		uint64_t a = t->syms[i].address;
		check(t, a);
		check(t, a - 1);
		check(t, a + 1);
	}
	ct_symtab_destroy(t);
	return 0;
}
