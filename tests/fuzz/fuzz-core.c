/* SPDX-License-Identifier: MIT */
/*
 * fuzz-core.c - libFuzzer target for the ELF core reader, through the
 * public API as "crashtriage analyze" reads a core: ct_analyze_buffer()
 * sniffs the bytes, opens them as a core (libelf's elf_memory over the
 * buffer), reports the modules and unwinds every thread with libdwfl,
 * symbolizes, signs, and the case is rendered as JSON.  Also the memory
 * reader directly, at addresses taken from the input.  The case must have
 * the properties of check-case.h, and a core that opens holds no more
 * threads than its cap.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/dump/dump.h"
#include "tests/fuzz/check-case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_case *c = NULL;
	struct ct_error *err = ct_analyze_buffer("fuzz", (const char *)data,
						 size, &c);
	if (!err) {
		fuzz_check_rendered(c, NULL, 0);
		ct_case_destroy(c);
	}
	ct_error_destroy(err);

	struct ct_core *core;
	err = ct_core_open_memory("fuzz", data, size, &core);
	if (err) {
		ct_error_destroy(err);
		return 0;
	}
	fuzz_require(core->thread_count <= core->thread_cap &&
		     core->thread_count <= CT_CORE_MAX_THREADS);
	for (size_t i = 0; i < core->thread_count && i < 8; i++) {
		unsigned char buf[64];
		size_t got;
		char s[32];
		(void)ct_core_read(core, core->threads[i].sp, buf, sizeof(buf),
				   &got);
		(void)ct_core_read_string(core, core->threads[i].pc, s,
					  sizeof(s));
	}
	ct_core_destroy(core);
	return 0;
}
