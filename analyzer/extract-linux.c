/*
 * extract-linux.c - placeholder until the linux extractor lands.
 */
#include "internal.h"

static bool linux_sniff(const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return false;
}

static struct ct_error *linux_extract(struct ct_case *c, const struct ct_text *t)
{
	(void)c;
	(void)t;
	return NULL;
}

const struct ct_extractor ct_extractor_linux = {
	.kind = CT_KIND_MAX,
	.sniff = linux_sniff,
	.extract = linux_extract,
};
