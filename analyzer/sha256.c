/* SPDX-License-Identifier: MIT */
/*
 * sha256.c - SHA-256 (FIPS 180-4), used for content hashes of inputs and
 * for signature hashes that must not change between releases.  On x86-64
 * CPUs with the SHA extensions the blocks go through them (about six
 * times the speed: a batch hashes every archive it reads); else through
 * the portable code.
 */
#include <stdatomic.h>

#include "analyzer/internal.h"
#include "analyzer/sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t st[8], const unsigned char *b)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = st[0], b_ = st[1], c = st[2], d = st[3], e = st[4],
		 f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + S1 + ch + K[i] + w[i];
		uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b_) ^ (a & c) ^ (b_ & c);
		uint32_t t2 = S0 + maj;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b_;
		b_ = a;
		a = t1 + t2;
	}
	st[0] += a;
	st[1] += b_;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

static bool cpu_has_sha(void)
{
	unsigned a, b, c, d;
	/* SHA (leaf 7 EBX bit 29), SSSE3 and SSE4.1 (leaf 1 ECX bits 9, 19) */
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) ||
	    !(c & (1u << 19)))
		return false;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}

#define SHA_NI_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/* Four rounds on the state halves ABEF and CDGH, with wk = W + K. */
SHA_NI_TARGET static inline void rounds4(__m128i *abef, __m128i *cdgh,
					 __m128i wk)
{
	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh,
				      _mm_shuffle_epi32(wk, 0x0e));
}

/* n blocks at p, with the SHA extensions. */
SHA_NI_TARGET static void sha256_blocks_ni(uint32_t st[8],
					   const unsigned char *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
					    0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&st[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&st[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
	for (; n; n--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh, w[16];
		for (int i = 0; i < 16; i++) {
			if (i < 4) {
				w[i] = _mm_shuffle_epi8(
					_mm_loadu_si128(
						(const __m128i *)(p + 16 * i)),
					swap);
			} else {
				__m128i t = _mm_add_epi32(
					_mm_sha256msg1_epu32(w[i - 4],
							     w[i - 3]),
					_mm_alignr_epi8(w[i - 1], w[i - 2], 4));
				w[i] = _mm_sha256msg2_epu32(t, w[i - 1]);
			}
			__m128i k = _mm_loadu_si128((const __m128i *)&K[4 * i]);
			rounds4(&abef, &cdgh, _mm_add_epi32(w[i], k));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(dchg, feba, 8));
}
#else
static bool cpu_has_sha(void)
{
	return false;
}

static void sha256_blocks_ni(uint32_t st[8], const unsigned char *p, size_t n)
{
	(void)st;
	(void)p;
	(void)n;
}
#endif

/* Whether the blocks go through the SHA extensions: -1 not asked the
 * CPU yet, 0 no, 1 yes. */
static atomic_int has_sha = -1;

void ct_sha256_use_cpu(bool on)
{
	atomic_store(&has_sha, on ? -1 : 0);
}

/* n blocks at p: through the SHA extensions when the CPU has them. */
static void sha256_blocks(uint32_t st[8], const unsigned char *p, size_t n)
{
	int has = atomic_load_explicit(&has_sha, memory_order_relaxed);
	if (has < 0) {
		has = cpu_has_sha();
		atomic_store_explicit(&has_sha, has, memory_order_relaxed);
	}
	if (has) {
		sha256_blocks_ni(st, p, n);
		return;
	}
	for (; n; n--, p += 64)
		sha256_block(st, p);
}

void ct_sha256_init(struct ct_sha256 *h)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(h->state, iv, sizeof(iv));
	h->length = 0;
	h->used = 0;
}

void ct_sha256_update(struct ct_sha256 *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	if (len == 0)
		return; /* data may be NULL then */
	h->length += len;
	if (h->used) {
		size_t take = 64 - h->used < len ? 64 - h->used : len;
		memcpy(h->block + h->used, p, take);
		h->used += take;
		p += take;
		len -= take;
		if (h->used < 64)
			return;
		sha256_blocks(h->state, h->block, 1);
		h->used = 0;
	}
	sha256_blocks(h->state, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(h->block, p, len);
	h->used = len;
}

void ct_sha256_final(struct ct_sha256 *h, unsigned char ret[32])
{
	uint64_t bits = h->length * 8;
	unsigned char pad = 0x80;
	ct_sha256_update(h, &pad, 1);
	unsigned char zero = 0;
	while (h->used != 56)
		ct_sha256_update(h, &zero, 1);
	unsigned char len_be[8];
	for (int i = 0; i < 8; i++)
		len_be[i] = (unsigned char)(bits >> (56 - 8 * i));
	ct_sha256_update(h, len_be, 8);
	for (int i = 0; i < 8; i++) {
		ret[4 * i] = (unsigned char)(h->state[i] >> 24);
		ret[4 * i + 1] = (unsigned char)(h->state[i] >> 16);
		ret[4 * i + 2] = (unsigned char)(h->state[i] >> 8);
		ret[4 * i + 3] = (unsigned char)h->state[i];
	}
}
