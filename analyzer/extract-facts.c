/*
 * extract-facts.c - placeholder until the facts extractor lands.
 */
#include "internal.h"

static bool facts_sniff(const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return false;
}

static struct ct_error *facts_extract(struct ct_case *c, const struct ct_text *t)
{
	(void)c;
	(void)t;
	return NULL;
}

const struct ct_extractor ct_extractor_facts = {
	.kind = CT_KIND_MAX,
	.sniff = facts_sniff,
	.extract = facts_extract,
};
