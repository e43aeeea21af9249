/* SPDX-License-Identifier: MIT */
/*
 * bytes.h - little-endian fields of dumps, private to libcrashtriage:
 * loads from bytes the caller has already bounds-checked.
 */
#ifndef CT_BYTES_H
#define CT_BYTES_H

#include <stdint.h>

static inline uint16_t ct_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ct_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t ct_le64(const unsigned char *p)
{
	return (uint64_t)ct_le32(p) | (uint64_t)ct_le32(p + 4) << 32;
}

#endif /* CT_BYTES_H */
