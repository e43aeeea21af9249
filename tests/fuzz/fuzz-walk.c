/* SPDX-License-Identifier: MIT */
/*
 * fuzz-walk.c - libFuzzer target for the list walkers (walk.c) over
 * random memory: no core and no DWARF, the engines straight through a
 * struct ct_walk_mem.  Whatever the bytes, a walk of any kind must end
 * (within the element cap), never read outside the image through
 * anything but the reader, and leave a result whose counts, indexes and
 * JSON hold together.
 *
 * Input: a 20-byte header, then the image.
 *   0      kind (mod 6: tailq, list_head, slist, list, stailq, hlist)
 *   1      flags: 1 elements have a size (else bare nodes), 2 the upper
 *          half of the image is "a thread's stack", 4 the last quarter is
 *          "not dumped" rather than readable, 8 align 1 instead of 8
 *   2..13  six 16-bit offsets (little-endian): first, last, next, prev,
 *          node, elem_size (offsets mod 64, elem_size mod 512)
 *   14..15 the head's offset in the image
 *   16..17 the element cap (mod 4096, 0: 1)
 *   18..19 unused
 * The image sits at BASE; the page below it is "never mapped" and the one
 * after it "truncated", so every failure kind is reachable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/internal.h"
#include "analyzer/walk/walk-internal.h"
#include "tests/fuzz/walk-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HDR = 20 };

static const char *image_region(void *state, uint64_t addr)
{
	const struct image *im = state;
	if (im->stack && addr >= BASE && addr - BASE >= im->len / 2 &&
	    addr - BASE < im->len)
		return "a thread's stack";
	return NULL;
}

static unsigned u16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HDR)
		return 0;
	static const enum ct_walk_kind kinds[] = {
		CT_WALK_TAILQ, CT_WALK_LIST_HEAD, CT_WALK_SLIST,
		CT_WALK_LIST, CT_WALK_STAILQ, CT_WALK_HLIST,
	};
	static const char *const names[][4] = {
		{ "tqh_first", "tqh_last", "tqe_next", "tqe_prev" },
		{ "next", "prev", "next", "prev" },
		{ "slh_first", "", "sle_next", "" },
		{ "lh_first", "", "le_next", "le_prev" },
		{ "stqh_first", "stqh_last", "stqe_next", "" },
		{ "first", "", "next", "pprev" },
	};
	unsigned k = data[0] % 6, flags = data[1];
	struct image im = {
		.buf = data + HDR,
		.len = size - HDR,
		.stack = flags & 2,
	};
	im.dumped = flags & 4 ? im.len - im.len / 4 : im.len;
	struct ct_walk_mem mem = { .read = image_read, .state = &im,
				   .ptr_size = 8 };
	struct ct_walk_env env = { .mem = &mem, .region = image_region,
				   .region_state = &im };
	struct ct_walk_links l = {
		.kind = kinds[k],
		.first_off = u16(data + 2) % 64,
		.last_off = u16(data + 4) % 64,
		.next_off = u16(data + 6) % 64,
		.prev_off = u16(data + 8) % 64,
		.node_off = u16(data + 10) % 64,
		.elem_size = flags & 1 ? u16(data + 12) % 512 : 0,
		.align = flags & 8 ? 1 : 8,
		.first_name = names[k][0],
		.last_name = names[k][1],
		.next_name = names[k][2],
		.prev_name = names[k][3],
	};
	/* what the DWARF side guarantees: a TAILQ element holds its links */
	if (l.kind == CT_WALK_TAILQ) {
		if (l.elem_size < l.next_off + 8)
			l.elem_size = l.next_off + 8;
		if (l.elem_size < l.prev_off + 8)
			l.elem_size = l.prev_off + 8;
	}
	/* bare nodes: the element is the node (as the DWARF side sets) */
	bool nodes = l.kind == CT_WALK_LIST_HEAD || l.kind == CT_WALK_HLIST;
	if (nodes && !l.elem_size)
		l.node_off = 0;
	uint64_t head = BASE + u16(data + 14);
	size_t max = u16(data + 16) % 4096;
	if (!max)
		max = 1;
	struct ct_walk_result *r = calloc(1, sizeof(*r));
	if (!r)
		return 0;
	snprintf(r->head_type, sizeof(r->head_type), "head");
	snprintf(r->elem_type, sizeof(r->elem_type), "%s", flags & 1 ? "elem" : "");
	struct ct_error *err = ct_walk_engine_run(&env, &l, head, max, r);
	if (err) {
		ct_error_destroy(err);
		ct_walk_result_destroy(r);
		return 0;
	}
	if (r->count > max || r->recovered_count > max ||
	    r->finding_count > CT_WALK_MAX_FINDINGS)
		abort();
	/* every element was checked readable before it was taken */
	for (size_t i = 0; i < r->count; i++) {
		uint64_t t = r->elements[i] + (nodes ? l.node_off : 0);
		unsigned char b;
		size_t got;
		if (image_read(&im, t, &b, 1, &got) != CT_CORE_MEM_OK)
			abort();
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct ct_walk_finding *f = &r->findings[i];
		if (!f->kind[0] || !f->field[0] || f->element < -1 ||
		    !memchr(f->reason, 0, sizeof(f->reason)))
			abort();
		/* findings are about the head or an element reached (or
		 * recovered after them) */
		if (f->element >= (long)(r->count + r->recovered_count + 1))
			abort();
	}
	if (r->back_walked && r->recovered_indexed &&
	    r->recovered_join >= (long)r->count)
		abort();
	char *json;
	err = ct_walk_result_to_json(r, &json);
	if (!err)
		free(json);
	ct_error_destroy(err);
	ct_walk_result_destroy(r);
	return 0;
}
