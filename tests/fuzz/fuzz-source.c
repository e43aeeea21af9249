/* SPDX-License-Identifier: MIT */
/*
 * fuzz-source.c - bytes as an archive (or a compressed file, or plain
 * text) fed to the source enumerator, the way `crashtriage batch` reads
 * an input: names first (with the support-bundle plan), then the data,
 * every entry analysed into one case.  Entries are capped small so that
 * a decompression bomb stays cheap.  The case must have the properties of
 * check-case.h, and no entry may be larger than the cap.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/internal.h"
#include "analyzer/source.h"
#include "tests/fuzz/check-case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ct_error *plan_entry(void *arg, const struct ct_source_entry *e)
{
	return ct_bundle_plan_add(arg, e->path);
}

static struct ct_error *case_entry(void *arg, const struct ct_source_entry *e)
{
	struct ct_case *c = arg;
	fuzz_require(!e->data || e->len <= (1 << 20));
	if (e->data)
		return ct_case_add_text(c, e->path, e->data, e->len);
	return ct_case_add_unread(c, e->path, e->size,
				  e->error ? e->error : e->skipped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_source_options opts = { .names_only = true,
					  .max_entry = 1 << 20 };
	struct ct_bundle_plan plan = { 0 };
	struct ct_error *err = ct_source_walk_memory("fuzz.tgz", data, size,
						     &opts, plan_entry, &plan);
	ct_error_destroy(err);
	err = ct_bundle_plan_finish(&plan);
	ct_error_destroy(err);
	(void)ct_bundle_plan_find(&plan, "fuzz.tgz!commands/x");
	ct_bundle_plan_deinit(&plan);

	struct ct_case *c;
	if (ct_case_create("fuzz", &c))
		return 0;
	opts.names_only = false;
	err = ct_source_walk_memory("fuzz.tgz", data, size, &opts, case_entry,
				    c);
	ct_error_destroy(err);
	err = ct_case_finish(c);
	ct_error_destroy(err);
	fuzz_check_rendered(c, NULL, 0);
	ct_case_destroy(c);
	return 0;
}
