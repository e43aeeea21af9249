/* SPDX-License-Identifier: MIT */
/*
 * fuzz-kbtf.c - libFuzzer target for a kernel dump's BTF: the input is the
 * raw blob read between __start_BTF and __stop_BTF (seeds: make-btf-seeds.py,
 * small task_struct-like types).  Runs libbpf's parser as crashtriage
 * loads it and every lookup ps and bt make (nested and anonymous members,
 * typedef chains), and the member plan kernel walks make of each struct
 * (walk/kernel.c), also of the blob read as a module's split BTF on
 * itself, which must stay bounded on hostile types.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/dump/dump.h"
#include "analyzer/walk/walk-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_kbtf *b;
	struct ct_error *err = ct_kbtf_parse(data, size, &b);
	if (err) {
		ct_error_destroy(err);
		return 0;
	}
	(void)ct_kbtf_type_count(b);
	struct ct_ktask_layout l;
	const char *missing;
	(void)ct_ktask_layout_read(b, &l, &missing);
	struct ct_kbtf_field f;
	uint64_t size_out;
	(void)ct_kbtf_member(b, "task_struct", "a.b.c.d.e.f.g.h.i.j", &f);
	(void)ct_kbtf_member(b, "pcpu_hot", "current_task", &f);
	(void)ct_kbtf_struct_size(b, "task_struct", &size_out);
	/* the pointer member plan of the first structs */
	static struct ct_walk_mplan plan;
	size_t n = ct_kbtf_type_count(b);
	for (uint32_t id = 1; id < n && id <= 16; id++) {
		plan.skip_count = 0;
		ct_walk_btf_plan(b, id, &plan);
	}
	/* a module's BTF is split on the kernel's: the same bytes again,
	 * as a module's, on this one (through the memfd libbpf 1.1 needs) */
	struct ct_kbtf *m;
	err = ct_kbtf_parse_split(data, size, b, &m);
	if (!err) {
		n = ct_kbtf_type_count(m);
		for (uint32_t id = 1; id < n && id <= 16; id++) {
			plan.skip_count = 0;
			ct_walk_btf_plan(m, id, &plan);
		}
		ct_kbtf_destroy(m);
	}
	ct_error_destroy(err);
	ct_kbtf_destroy(b);
	return 0;
}
