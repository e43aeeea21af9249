/* SPDX-License-Identifier: MIT */
/*
 * fuzz-version.c - libFuzzer target for rules/version.c.
 *
 * Input layout: byte 0 picks the scheme (modulo CT_VERSION_SCHEME_MAX);
 * the rest is split at the first NUL or newline into strings a and b.
 * Checked properties (abort() on violation):
 *   - antisymmetry: compare(a, b) == -compare(b, a) for LESS/EQUAL/GREATER,
 *     and INCOMPARABLE/INVALID are symmetric;
 *   - reflexivity: compare(a, a) is EQUAL, or INVALID when a does not parse;
 *   - ct_version_line() succeeds exactly when a parses, and two versions
 *     on different lines never compare LESS/EQUAL/GREATER;
 *   - ESXi: ct_esxi_normalize() output compares EQUAL to its input.
 * ct_linux_upstream_from_uname() is exercised on (a, b) as well.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for inputs a bit over the accepted limit, to hit the length check. */
enum { FUZZ_STR_MAX = CT_VERSION_INPUT_LIMIT + 16 };

static enum ct_version_order mirror(enum ct_version_order o)
{
	if (o == CT_VERSION_LESS)
		return CT_VERSION_GREATER;
	if (o == CT_VERSION_GREATER)
		return CT_VERSION_LESS;
	return o;
}

static void copy_str(char *dst, const uint8_t *src, size_t n)
{
	if (n > FUZZ_STR_MAX)
		n = FUZZ_STR_MAX;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char a[FUZZ_STR_MAX + 1], b[FUZZ_STR_MAX + 1];
	char la[FUZZ_STR_MAX + 8], lb[FUZZ_STR_MAX + 8];
	char norm[FUZZ_STR_MAX + 64];
	enum ct_version_scheme s;
	enum ct_version_order ab, ba, aa;
	bool have_la, have_lb;
	size_t split;

	if (size < 1)
		return 0;
	s = (enum ct_version_scheme)(data[0] % CT_VERSION_SCHEME_MAX);
	data++;
	size--;
	for (split = 0; split < size; split++)
		if (data[split] == '\0' || data[split] == '\n')
			break;
	copy_str(a, data, split);
	if (split < size)
		copy_str(b, data + split + 1, size - split - 1);
	else
		b[0] = '\0';

	ab = ct_version_compare(s, a, b);
	ba = ct_version_compare(s, b, a);
	if (ba != mirror(ab))
		abort();

	aa = ct_version_compare(s, a, a);
	if (aa != CT_VERSION_EQUAL && aa != CT_VERSION_INVALID)
		abort();

	have_la = ct_version_line(s, a, la, sizeof(la));
	have_lb = ct_version_line(s, b, lb, sizeof(lb));
	if (have_la != (aa == CT_VERSION_EQUAL))
		abort();
	/* rpm: an empty line (no elN tag) is comparable with any line. */
	if (have_la && have_lb && strcmp(la, lb) != 0 &&
	    (s != CT_VERSION_RPM || (la[0] && lb[0])) &&
	    (ab == CT_VERSION_LESS || ab == CT_VERSION_EQUAL ||
	     ab == CT_VERSION_GREATER))
		abort();
	if ((!have_la || !have_lb) && ab != CT_VERSION_INVALID)
		abort();

	if (s == CT_VERSION_ESXI && ct_esxi_normalize(a, norm, sizeof(norm))) {
		if (ct_version_compare(CT_VERSION_ESXI, a, norm) !=
		    CT_VERSION_EQUAL)
			abort();
	}

	(void)ct_linux_upstream_from_uname(a, b, norm, sizeof(norm));
	if (ct_linux_upstream_from_uname(b, a, norm, sizeof(norm)) &&
	    ct_version_compare(CT_VERSION_LINUX, norm, norm) !=
		    CT_VERSION_EQUAL)
		abort();
	return 0;
}
