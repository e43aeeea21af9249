/* SPDX-License-Identifier: MIT */
/*
 * fuzz-tree.c - libFuzzer target for the red-black tree walker
 * (tree.c) over random memory: no core and no DWARF, ct_walk_tree()
 * straight through a struct ct_walk_mem.  Whatever the bytes, a walk must
 * end (within the element cap and the depth cap), never read outside the
 * image through anything but the reader, and leave a result whose
 * counts, indexes and JSON hold together.
 *
 * Input: a 24-byte header, then the image.
 *   0      flags: 1 Linux rb_node (colour bit 0: 1 black), 2 BSD packed
 *          colour (bit 0 of the parent: 1 red), 4 elements have a size
 *          (and are checked for being freed), 8 align 1 instead of 8,
 *          16 the last quarter is "not dumped", 32 the head caches the
 *          leftmost node (rb_root_cached) at byte 23's offset
 *   1      key kind (mod 5: none, int, uint, char array, char pointer)
 *   2..13  six 16-bit offsets (little-endian): left, right, parent,
 *          colour, node (mod 64 each), elem_size (mod 512)
 *   14..15 the head's offset in the image
 *   16..17 the element cap (mod 4096, 0: 1)
 *   18     colour size (1, 2, 4, 8 by the low two bits)
 *   19     key offset (mod 64)
 *   20..21 key size (ints: 1, 2, 4, 8 by the low two bits; arrays mod 300)
 *   22     root link offset in the head (mod 64)
 *   23     rb_leftmost offset in the head (mod 64)
 * The image sits at BASE; the page below it is "never mapped" and the one
 * after it "truncated".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/internal.h"
#include "analyzer/walk/walk-internal.h"
#include "tests/fuzz/walk-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HDR = 24 };

static unsigned u16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a > b ? a : b;
	return m > c ? m : c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HDR)
		return 0;
	unsigned flags = data[0];
	struct image im = { .buf = data + HDR, .len = size - HDR };
	im.dumped = flags & 16 ? im.len - im.len / 4 : im.len;
	struct ct_walk_mem mem = { .read = image_read, .state = &im,
				   .ptr_size = 8 };
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	struct ct_walk_tree_layout l = {
		.linux_rb = flags & 1,
		.packed = !(flags & 1) && (flags & 2),
		.left_off = u16(data + 2) % 64,
		.right_off = u16(data + 4) % 64,
		.parent_off = u16(data + 6) % 64,
		.color_off = u16(data + 8) % 64,
		.color_size = sizes[data[18] & 3],
		.node_off = u16(data + 10) % 64,
		.elem_size = flags & 4 ? u16(data + 12) % 512 : 0,
		.align = flags & 8 ? 1 : 8,
		.root_off = data[22] % 64,
		.has_leftmost = flags & 32,
		.leftmost_off = data[23] % 64,
		.left_name = "left", .right_name = "right",
		.parent_name = "parent", .color_name = "color",
		.root_name = "root", .elem_name = "elem", .head_name = "head",
		.key_kind = (enum ct_walk_key_kind)(data[1] % 5),
		.key_off = data[19] % 64,
		.key_name = "key",
		.first_member = "first",
	};
	/* what the DWARF side guarantees: a node holds its links, an
	 * element its node and its key */
	l.node_size = max3(l.left_off, l.right_off, l.parent_off) + 8;
	if (!l.linux_rb && !l.packed && l.node_size < l.color_off + l.color_size)
		l.node_size = l.color_off + l.color_size;
	if (l.key_kind == CT_WALK_KEY_INT || l.key_kind == CT_WALK_KEY_UINT)
		l.key_size = sizes[data[20] & 3];
	else if (l.key_kind == CT_WALK_KEY_ARRAY)
		l.key_size = u16(data + 20) % 300 + 1;
	else
		l.key_size = 8;
	if (l.elem_size) {
		if (l.elem_size < l.node_off + l.node_size)
			l.elem_size = l.node_off + l.node_size;
		if (l.elem_size < l.key_off + l.key_size)
			l.elem_size = l.key_off + l.key_size;
		l.check_freed = true;
	} else {
		l.key_kind = CT_WALK_KEY_NONE;	/* keys need an element */
		l.node_off = 0;
	}
	uint64_t head = BASE + u16(data + 14);
	size_t max = u16(data + 16) % 4096;
	if (!max)
		max = 1;
	struct ct_walk_result *r = calloc(1, sizeof(*r));
	if (!r)
		return 0;
	r->kind = l.linux_rb ? CT_WALK_LINUX_RB : CT_WALK_RB;
	struct ct_error *err = ct_walk_tree(&mem, &l, head, r, max);
	if (err) {
		ct_error_destroy(err);
		ct_walk_result_destroy(r);
		return 0;
	}
	if (r->count > max || r->finding_count > CT_WALK_MAX_FINDINGS)
		abort();
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct ct_walk_finding *f = &r->findings[i];
		if (!f->kind[0] || !f->field[0] || f->element < -1 ||
		    f->element >= (long)r->count ||
		    !memchr(f->reason, 0, sizeof(f->reason)))
			abort();
	}
	/* each node once */
	for (size_t i = 0; r->count <= 512 && i < r->count; i++)
		for (size_t j = i + 1; j < r->count; j++)
			if (r->elements[i] == r->elements[j])
				abort();
	char *json;
	err = ct_walk_result_to_json(r, &json);
	if (!err && getenv("CT_FUZZ_PRINT"))
		puts(json);	/* to see what a corpus input does */
	if (!err)
		free(json);
	ct_error_destroy(err);
	ct_walk_result_destroy(r);
	return 0;
}
