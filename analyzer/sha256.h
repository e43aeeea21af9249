/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 (sha256.c), private to libcrashtriage: the digest
 * of inputs and rule sets.
 */
#ifndef CT_SHA256_H
#define CT_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ct_sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes in block */
};

void ct_sha256_init(struct ct_sha256 *h);
void ct_sha256_update(struct ct_sha256 *h, const void *data, size_t len);
void ct_sha256_final(struct ct_sha256 *h, unsigned char ret[32]);

/* ct_sha256_use_cpu - false: hash with the portable code even on a CPU
 * with SHA extensions (for tests, which compare both); true, the
 * default: use them where the CPU has them.  Not while hashes run. */
void ct_sha256_use_cpu(bool on);

#endif /* CT_SHA256_H */
