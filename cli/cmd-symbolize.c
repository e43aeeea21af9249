/* SPDX-License-Identifier: MIT */
/*
 * cmd-symbolize.c - "crashtriage symbolize": addresses to function+offset,
 * module and file:line, from an ELF file's symbols and DWARF (--exe, like
 * addr2line -fi) and from text symbol lists (--map: System.map, kallsyms,
 * nm output, vmkernel symbol lists).  With "-" it reads a log or
 * backtrace on stdin and writes it back with every address annotated,
 * like the kernel's decode_stacktrace.sh.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "analyzer/strbuf.h"		/* ct_strbuf, ct_is_ident_char */
#include "symbolizers/symbolizer.h"

const char cmd_symbolize_usage[] =
	"usage: crashtriage symbolize [--json] [--exe BINARY] [--debug-dir DIR]...\n"
	"       [--map FILE]... ADDR... | -\n"
	"\n"
	"Say which function each ADDR (hex, 0x optional) is in: from the\n"
	"symbols and DWARF of an ELF file (--exe: function, file:line and the\n"
	"functions inlined there, as addr2line -fi does), or from symbol\n"
	"lists (--map: System.map, /proc/kallsyms, nm output, or one\n"
	"'ADDR NAME [MODULE]' or 'NAME ADDR [MODULE]' per line).  --exe is\n"
	"asked first, then the maps.\n"
	"\n"
	"With '-' instead of addresses, read a log or backtrace on stdin and\n"
	"print it with ' FUNC+0xOFF/0xSIZE [MODULE] (FILE:LINE)' added after\n"
	"every address found: [<ffffffff...>], PSOD frames [0x...], 0x...\n"
	"(FILE:LINE is the position in FUNC; functions inlined at the address\n"
	"follow as ' [inlined: NAME (FILE:LINE)]', innermost first.)\n"
	"Addresses past the end of the last map symbol are left alone there.\n"
	"\n"
	"  --json        one JSON object per address: address, found,\n"
	"                function, offset, size, module, file, line, and\n"
	"                inlined[] ({function, file, line}, innermost first)\n"
	"  --exe BINARY  an executable, library or kernel module (not a core)\n"
	"  --debug-dir DIR  look for BINARY's debug file in DIR (by build-id\n"
	"                and debuglink) before .debug and /usr/lib/debug\n"
	"  --map FILE    a symbol list; repeatable, all are merged\n"
	"  -h, --help    show this help\n"
	"\n"
	"exit status: 0 when every ADDR was found (always, with '-'), 1 when\n"
	"one was not or an input could not be read, 2 on usage errors\n";

enum { MAX_STDIN = 256 << 20 };	/* bytes of log read from stdin */

/* " func+0xoff/0xsize [module] (file:line)" */
static void put_annotation(struct ct_strbuf *sb,
			   const struct ct_symbol_answer *a)
{
	/* names from symbol lists and debug files: made visible */
	ct_strbuf_putc(sb, ' ');
	ct_strbuf_put_visible(sb, a->function ? a->function : "??");
	if (a->has_offset)
		ct_strbuf_appendf(sb, "+0x%" PRIx64, a->offset);
	if (a->has_size)
		ct_strbuf_appendf(sb, "/0x%" PRIx64, a->size);
	if (a->module) {
		ct_strbuf_puts(sb, " [");
		ct_strbuf_put_visible(sb, a->module);
		ct_strbuf_putc(sb, ']');
	}
	if (a->file) {
		ct_strbuf_puts(sb, " (");
		ct_strbuf_put_visible(sb, a->file);
		if (a->line)
			ct_strbuf_appendf(sb, ":%lu", a->line);
		ct_strbuf_putc(sb, ')');
	}
	for (size_t i = 0; i < a->inlined_count; i++) {
		const struct ct_frame *in = &a->inlined[i];
		ct_strbuf_puts(sb, " [inlined: ");
		ct_strbuf_put_visible(sb, in->function ? in->function : "??");
		if (in->file) {
			ct_strbuf_puts(sb, " (");
			ct_strbuf_put_visible(sb, in->file);
			ct_strbuf_appendf(sb, ":%lu)", in->source_line);
		}
		ct_strbuf_putc(sb, ']');
	}
}

static void put_json(struct ct_strbuf *sb, const struct ct_symbol_answer *a)
{
	ct_strbuf_appendf(sb, "{\"address\":\"0x%" PRIx64 "\",\"found\":%s,"
			  "\"function\":", a->address,
			  a->found ? "true" : "false");
	ct_strbuf_json_string(sb, a->found ? a->function : NULL);
	if (a->found && a->has_offset)
		ct_strbuf_appendf(sb, ",\"offset\":%" PRIu64, a->offset);
	else
		ct_strbuf_puts(sb, ",\"offset\":null");
	if (a->has_size)
		ct_strbuf_appendf(sb, ",\"size\":%" PRIu64, a->size);
	else
		ct_strbuf_puts(sb, ",\"size\":null");
	ct_strbuf_puts(sb, ",\"module\":");
	ct_strbuf_json_string(sb, a->module);
	ct_strbuf_puts(sb, ",\"file\":");
	ct_strbuf_json_string(sb, a->file);
	if (a->line)
		ct_strbuf_appendf(sb, ",\"line\":%lu", a->line);
	else
		ct_strbuf_puts(sb, ",\"line\":null");
	ct_strbuf_puts(sb, ",\"inlined\":[");
	for (size_t i = 0; i < a->inlined_count; i++) {
		const struct ct_frame *f = &a->inlined[i];
		ct_strbuf_puts(sb, i ? ",{\"function\":" : "{\"function\":");
		ct_strbuf_json_string(sb, f->function);
		ct_strbuf_puts(sb, ",\"file\":");
		ct_strbuf_json_string(sb, f->file);
		if (f->source_line)
			ct_strbuf_appendf(sb, ",\"line\":%lu}",
					  f->source_line);
		else
			ct_strbuf_puts(sb, ",\"line\":null}");
	}
	ct_strbuf_puts(sb, "]}\n");
}

/* "ADDR FUNC+0xOFF/0xSIZE [MODULE] (FILE:LINE) [inlined: F (FILE:LINE)]..."
 * on one line, or "ADDR ??". */
static void put_text(struct ct_strbuf *sb, const struct ct_symbol_answer *a)
{
	ct_strbuf_appendf(sb, "0x%" PRIx64, a->address);
	if (!a->found) {
		ct_strbuf_puts(sb, " ??\n");
		return;
	}
	put_annotation(sb, a);
	ct_strbuf_putc(sb, '\n');
}

static bool parse_addr(const char *s, const char *end, uint64_t *ret,
		       const char **ret_end)
{
	if (!ct_parse_hex_u64(&s, end, ret))
		return false;
	*ret_end = s;
	return true;
}

/*
 * One address token at p, if any: "[<HEX>]", "[0xHEX]" or "0xHEX" not
 * inside a word.  Sets *ret and *ret_end (just past the token).
 */
static bool address_token(const char *line, const char *p, const char *end,
			  uint64_t *ret, const char **ret_end)
{
	const char *q;
	if (end - p >= 4 && p[0] == '[' && p[1] == '<') {
		if (parse_addr(p + 2, end, ret, &q) && end - q >= 2 &&
		    q[0] == '>' && q[1] == ']') {
			*ret_end = q + 2;
			return true;
		}
		return false;
	}
	if (end - p >= 4 && p[0] == '[' && p[1] == '0' &&
	    (p[2] == 'x' || p[2] == 'X')) {
		if (parse_addr(p + 1, end, ret, &q) && q < end && *q == ']') {
			*ret_end = q + 1;
			return true;
		}
		return false;
	}
	if (end - p >= 3 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    (p == line || !ct_is_ident_char((unsigned char)p[-1]))) {
		if (parse_addr(p, end, ret, &q) &&
		    (q == end || !ct_is_ident_char((unsigned char)*q))) {
			*ret_end = q;
			return true;
		}
	}
	return false;
}

static struct ct_error *rewrite(struct ct_symbolizer *s, const char *buf,
				size_t len, bool json, FILE *out)
{
	struct ct_line_reader r;
	struct ct_line l;
	ct_line_reader_init(&r, buf, len);
	struct ct_strbuf sb = CT_STRBUF_INIT;
	struct ct_error *err = NULL;
	while (!err && ct_line_next(&r, &l)) {
		const char *p = l.p, *end = l.p + l.len, *copied = l.p;
		while (p < end && !err) {
			uint64_t addr;
			const char *tend;
			if (!address_token(l.p, p, end, &addr, &tend)) {
				p++;
				continue;
			}
			struct ct_symbol_answer a;
			err = ct_symbolizer_lookup(s, addr, &a);
			/* past the last map symbol: most likely no code */
			bool use = !err && a.found &&
				   (a.has_size || a.from_exe);
			if (use && json) {
				put_json(&sb, &a);
			} else if (use) {
				ct_strbuf_append(&sb, copied,
						 (size_t)(tend - copied));
				put_annotation(&sb, &a);
				copied = tend;
			}
			ct_symbol_answer_deinit(&a);
			p = tend;
		}
		if (!json) {
			ct_strbuf_append(&sb, copied, (size_t)(end - copied));
			ct_strbuf_putc(&sb, '\n');
		}
		if (sb.failed) {
			err = &ct_enomem;
			break;
		}
		if (sb.len)
			fwrite(sb.buf, 1, sb.len, out);
		sb.len = 0;
	}
	ct_strbuf_deinit(&sb);
	return err;
}

static struct ct_error *read_stdin(char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const size_t limit = (size_t)MAX_STDIN + 1;	/* one past the cap */
	for (;;) {
		size_t want = limit - len < 65536 ? limit - len : 65536;
		if (!ct_grow((void **)&buf, &cap, len + want, 1)) {
			free(buf);
			return &ct_enomem;
		}
		size_t got = fread(buf + len, 1, want, stdin);
		len += got;
		if (len > (size_t)MAX_STDIN) {
			free(buf);
			return ct_error_create(CT_ERROR_UNSUPPORTED,
					       "more than %d MiB on stdin",
					       MAX_STDIN >> 20);
		}
		if (got == 0)
			break;
	}
	if (ferror(stdin)) {
		free(buf);
		return ct_error_create(CT_ERROR_OS, "cannot read stdin");
	}
	*ret = buf;
	*ret_len = len;
	return NULL;
}

/* The hex addresses args[0..n) into addrs; false (after saying which)
 * when one is none. */
static bool parse_addrs(char **args, int n, uint64_t *addrs)
{
	for (int i = 0; i < n; i++) {
		const char *end = args[i] + strlen(args[i]), *q;
		if (!parse_addr(args[i], end, &addrs[i], &q) || q != end) {
			cli_errorf("symbolize: '%s' is no hex address",
				   args[i]);
			return false;
		}
	}
	return true;
}

/* Print the answer for each of the n addresses; the exit code. */
static int print_answers(struct ct_symbolizer *s, const uint64_t *addrs,
			 size_t n, bool json)
{
	int rc = CLI_EXIT_OK;
	struct ct_error *err = NULL;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	for (size_t i = 0; i < n && !err; i++) {
		struct ct_symbol_answer a;
		err = ct_symbolizer_lookup(s, addrs[i], &a);
		if (err) {
			ct_symbol_answer_deinit(&a);
			break;
		}
		if (!a.found)
			rc = CLI_EXIT_FAILED;
		if (json)
			put_json(&sb, &a);
		else
			put_text(&sb, &a);
		ct_symbol_answer_deinit(&a);
		if (sb.failed)
			err = &ct_enomem;
		else if (sb.len)
			fwrite(sb.buf, 1, sb.len, stdout);
		sb.len = 0;
	}
	ct_strbuf_deinit(&sb);
	if (err) {
		cli_error(err);
		rc = CLI_EXIT_FAILED;
	}
	return rc;
}

int cmd_symbolize(int argc, char **argv)
{
	struct ct_symbolizer_options sopts = { 0 };
	struct cli_list debug_dirs = { 0 }, map_list = { 0 };
	bool json = false;
	const struct cli_option options[] = {
		CLI_FLAG("json", 0, &json),
		CLI_STRING("exe", 0, &sopts.executable),
		CLI_LIST("debug-dir", 0, &debug_dirs),
		CLI_LIST("map", 0, &map_list),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_symbolize_usage, false,
			   &optind);
	sopts.debug_dirs = debug_dirs.items;
	sopts.debug_dir_count = debug_dirs.count;
	sopts.maps = map_list.items;
	sopts.map_count = map_list.count;
	if (rc >= 0)
		goto out_args;
	rc = CLI_EXIT_OK;
	if (optind >= argc) {
		cli_errorf("symbolize: no ADDR (or '-') given");
		rc = CLI_EXIT_USAGE;
		goto out_args;
	}
	if (!sopts.executable && !sopts.map_count) {
		cli_errorf("symbolize: give --exe or --map");
		rc = CLI_EXIT_USAGE;
		goto out_args;
	}
	bool from_stdin = argc - optind == 1 && strcmp(argv[optind], "-") == 0;
	uint64_t *addrs = calloc((size_t)argc, sizeof(*addrs));
	if (!addrs) {
		cli_errorf("out of memory");
		rc = CLI_EXIT_FAILED;
		goto out_args;
	}
	if (!from_stdin && !parse_addrs(argv + optind, argc - optind, addrs)) {
		rc = CLI_EXIT_USAGE;
		goto out_addrs;
	}
	struct ct_symbolizer *s = NULL;
	struct ct_error *err = ct_symbolizer_create(&sopts, &s);
	if (err) {
		cli_error(err);
		rc = CLI_EXIT_FAILED;
		goto out_symbolizers;
	}
	if (from_stdin) {
		char *buf = NULL;
		size_t len = 0;
		err = read_stdin(&buf, &len);
		if (!err) {
			err = rewrite(s, buf, len, json, stdout);
			free(buf);
		}
		if (err) {
			cli_error(err);
			rc = CLI_EXIT_FAILED;
		}
		goto out_symbolizers;
	}
	rc = print_answers(s, addrs, (size_t)(argc - optind), json);
out_symbolizers:
	ct_symbolizer_destroy(s);
out_addrs:
	free(addrs);
out_args:
	cli_list_free(&map_list);
	cli_list_free(&debug_dirs);
	return rc;
}
