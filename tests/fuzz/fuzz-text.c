/* SPDX-License-Identifier: MIT */
/*
 * fuzz-text.c - one libFuzzer target per text parser.  Built once per input
 * kind with -DFUZZ_KIND=<kind> (see tests/fuzz/build.sh), and once with
 * FUZZ_KIND unset, which runs sniffing and every extractor the bytes sniff
 * as, the way "crashtriage analyze" does, then signs and renders the case.
 * The case must have the properties of check-case.h (well-formed JSON,
 * a title with every hash, origins on lines the text has, ...).
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "tests/fuzz/check-case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_case *c = NULL;
	const char *buf = (const char *)data;
#ifdef FUZZ_KIND
	if (ct_case_create("fuzz", &c))
		return 0;
	struct ct_text t = { .path = "fuzz", .buf = buf, .len = size };
	(void)ct_extractors[FUZZ_KIND]->sniff(buf, size);
	struct ct_error *err = ct_extract_text(c, &t, 1u << FUZZ_KIND);
	ct_error_destroy(err);
	err = ct_case_sign(c);
	ct_error_destroy(err);
#else
	struct ct_error *err = ct_analyze_buffer("fuzz", buf, size, &c);
	if (err) {
		ct_error_destroy(err);
		return 0;
	}
#endif
	fuzz_check_rendered(c, "fuzz", fuzz_count_lines(buf, size));
	ct_case_destroy(c);
	return 0;
}
