/*
 * extract-vmkernel.c - placeholder until the vmkernel extractor lands.
 */
#include "internal.h"

static bool vmkernel_sniff(const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return false;
}

static struct ct_error *vmkernel_extract(struct ct_case *c, const struct ct_text *t)
{
	(void)c;
	(void)t;
	return NULL;
}

const struct ct_extractor ct_extractor_vmkernel = {
	.kind = CT_KIND_MAX,
	.sniff = vmkernel_sniff,
	.extract = vmkernel_extract,
};
