/* SPDX-License-Identifier: MIT */
/*
 * options.c - one option parser for every subcommand (options.h), on top
 * of getopt_long.
 */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"

enum { MAX_OPTIONS = 32 };

/* "123", "64K", "512M", "2G", "1T" -> bytes (nonzero). */
bool cli_parse_size(const char *s, void *target)
{
	char *end;
	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (errno || *end || !v || v > (UINT64_MAX >> shift))
		return false;
	*(uint64_t *)target = (uint64_t)v << shift;
	return true;
}

void cli_list_free(struct cli_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

static void bad_value(const struct cli_option *o, const char *value)
{
	if (o->name)
		cli_errorf("bad --%s '%s'", o->name, value);
	else
		cli_errorf("bad -%c '%s'", o->short_name, value);
}

static bool parse_uint(const struct cli_option *o, const char *value,
		       unsigned long *ret)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-' || v < o->min ||
	    (o->max && v > o->max))
		return false;
	*ret = v;
	return true;
}

/* Store value for option o; false (after saying why) on a bad value. */
static bool take(const struct cli_option *o, const char *value, int argc)
{
	switch (o->kind) {
	case CLI_OPT_FLAG:
		*(bool *)o->target = true;
		return true;
	case CLI_OPT_STRING:
		*(const char **)o->target = value;
		return true;
	case CLI_OPT_LIST: {
		struct cli_list *l = o->target;
		if (l->max && l->count >= l->max) {
			cli_errorf("more than %zu --%s", l->max, o->name);
			return false;
		}
		if (!l->items &&
		    !(l->items = calloc((size_t)argc, sizeof(*l->items)))) {
			cli_errorf("out of memory");
			return false;
		}
		l->items[l->count++] = value;
		return true;
	}
	case CLI_OPT_UINT:
		if (parse_uint(o, value, o->target))
			return true;
		break;
	case CLI_OPT_CUSTOM:
		if (o->parse(value, o->target))
			return true;
		break;
	}
	bad_value(o, value);
	return false;
}

int cli_parse(int argc, char **argv, const struct cli_option *opts,
	      const char *usage, bool in_order, int *ret_first)
{
	struct option longs[MAX_OPTIONS + 2];
	char shorts[2 * MAX_OPTIONS + 4];
	size_t nl = 0, ns = 0, n = 0;
	shorts[ns++] = in_order ? '+' : ':';
	if (in_order)
		shorts[ns++] = ':';	/* report a missing value ourselves */
	shorts[ns++] = 'h';
	for (; n < MAX_OPTIONS && (opts[n].name || opts[n].short_name); n++) {
		bool arg = opts[n].kind != CLI_OPT_FLAG;
		if (opts[n].name)
			longs[nl++] = (struct option){
				opts[n].name,
				arg ? required_argument : no_argument, NULL,
				256 + (int)n };
		if (opts[n].short_name) {
			shorts[ns++] = opts[n].short_name;
			if (arg)
				shorts[ns++] = ':';
		}
	}
	assert(n < MAX_OPTIONS);	/* a longer table: raise MAX_OPTIONS */
	longs[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[nl] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct cli_option *o = NULL;
		if (c >= 256 && c < 256 + (int)n)
			o = &opts[c - 256];
		for (size_t i = 0; !o && c > 0 && c < 256 && c != 'h' && i < n;
		     i++)
			if (opts[i].short_name == c)
				o = &opts[i];
		if (c == 'h') {
			fputs(usage, stdout);
			return CLI_EXIT_OK;
		}
		if (!o) {
			if (c == ':')
				cli_errorf("option '%s' needs a value",
					   argv[optind - 1]);
			else
				cli_errorf("unknown option '%s'",
					   argv[optind - 1]);
			fputs(usage, stderr);
			return CLI_EXIT_USAGE;
		}
		if (!take(o, optarg, argc))
			return CLI_EXIT_USAGE;
	}
	*ret_first = optind;
	return -1;
}
