/* SPDX-License-Identifier: MIT */
/*
 * fuzz-orc.c - libFuzzer target for the ORC unwinder over a kernel stack
 * (seeds: make-orc-seeds.py).  The input is
 *
 *   u8 version (1..3, taken mod 3), u8 signal, u16 count,
 *   u64 ip, u64 sp, u64 bp,
 *   count u32 ip offsets (relative, as the kernel's __start_orc_unwind_ip),
 *   count 6-byte ORC entries,
 *   and the rest: the stack's bytes, mapped at STACK_VA;
 *
 * the ORC ip table sits at TEXT_VA, the text range is TEXT_VA + 16 MiB.
 * Runs ct_orc_init() and ct_orc_walk() as bt does; the walk must end
 * within CT_ORC_MAX_FRAMES and read nothing but through the kmem reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/bytes.h"
#include "analyzer/dump/dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEXT_VA 0xffffffff81000000ull
#define STACK_VA 0xffffc90000000000ull

struct mem {
	const uint8_t *stack;
	size_t len;
};

static enum ct_core_mem no_phys(void *state, uint64_t paddr, void *dst,
				size_t n, size_t *ret_read)
{
	(void)state, (void)paddr, (void)dst, (void)n;
	*ret_read = 0;
	return CT_CORE_MEM_UNMAPPED;
}

static enum ct_core_mem read_virt(void *state, uint64_t vaddr, void *dst,
				  size_t n, size_t *ret_read)
{
	const struct mem *m = state;
	*ret_read = 0;
	if (vaddr < STACK_VA || vaddr - STACK_VA >= m->len)
		return CT_CORE_MEM_UNMAPPED;
	size_t off = (size_t)(vaddr - STACK_VA);
	size_t k = m->len - off < n ? m->len - off : n;
	memcpy(dst, m->stack + off, k);
	*ret_read = k;
	return k == n ? CT_CORE_MEM_OK : CT_CORE_MEM_UNMAPPED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 28)
		return 0;
	int version = data[0] % 3 + 1;
	bool signal = data[1] & 1;
	size_t count = ct_le16(data + 2);
	uint64_t ip = ct_le64(data + 4), sp = ct_le64(data + 12),
		 bp = ct_le64(data + 20);
	size_t need = 28 + count * (4 + CT_ORC_ENTRY_SIZE);
	if (count == 0 || size < need)
		return 0;
	struct ct_orc orc = { 0 };
	struct ct_error *err = ct_orc_init(&orc, data + 28, TEXT_VA,
					   data + 28 + 4 * count, count,
					   version);
	if (err) {
		ct_error_destroy(err);
		return 0;
	}
	struct mem m = { data + need, size - need };
	struct ct_kmem_source src = { .read_phys = no_phys,
				      .read_virt = read_virt, .state = &m };
	struct ct_kmem *km;
	if (!ct_kmem_create(&src, &km)) {
		struct ct_orc_walk_input in = {
			.orc = &orc, .km = km, .ip = ip, .sp = sp, .bp = bp,
			.signal = signal, .stack_lo = STACK_VA,
			.stack_hi = STACK_VA + 16384, .text_lo = TEXT_VA,
			.text_hi = TEXT_VA + (16u << 20),
		};
		struct ct_orc_trace t;
		if (!ct_orc_walk(&in, &t))
			ct_orc_trace_deinit(&t);
		ct_kmem_destroy(km);
	}
	ct_orc_deinit(&orc);
	return 0;
}
