/* SPDX-License-Identifier: MIT */
/*
 * fuzz-vmcore.c - libFuzzer target for Linux kernel vmcores: the input is
 * an ELF vmcore (seeds: tests/unit/test-vmcore --write-seeds, crafted
 * images with a printk ring, an old log_buf, kallsyms and page tables).
 * Runs the ELF reader, the VMCOREINFO parser, the page-table walker, the
 * printk readers, the kallsyms decoder and the extractor, as "crashtriage
 * analyze" and "crashtriage dmesg" do, and the VMCOREINFO parser alone
 * over the raw bytes.  The case must have the properties of check-case.h.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/dump/dump.h"
#include "symbolizers/kallsyms.h"
#include "tests/fuzz/check-case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_vmcoreinfo vi = { 0 };
	ct_error_destroy(ct_vmcoreinfo_parse(&vi, (const char *)data, size));
	ct_vmcoreinfo_deinit(&vi);

	(void)ct_vmcore_sniff((const char *)data, size);
	struct ct_vmcore *vc;
	struct ct_error *err = ct_vmcore_open_memory("fuzz", data, size, &vc);
	if (err) {
		ct_error_destroy(err);
		return 0;
	}
	struct ct_strbuf out = CT_STRBUF_INIT;
	struct ct_dmesg_stats st;
	ct_error_destroy(ct_vmcore_dmesg(vc, &out, &st));
	ct_strbuf_deinit(&out);
	struct ct_kallsyms *ks;
	err = ct_kallsyms_read(vc->kmem, &vc->info, &ks);
	if (!err)
		ct_kallsyms_destroy(ks);
	ct_error_destroy(err);
	struct ct_case *c;
	if (!ct_case_create("fuzz", &c)) {
		ct_error_destroy(ct_vmcore_extract(c, vc));
		ct_error_destroy(ct_case_sign(c));
		fuzz_check_rendered(c, NULL, 0);
		ct_case_destroy(c);
	}
	ct_vmcore_destroy(vc);
	return 0;
}
