/* SPDX-License-Identifier: MIT */
/*
 * test-util.c - strings, lines, character classes, hex parsing, binary search,
 * SHA-256 and JSON escaping: the helpers every parser stands on.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/error.h"
#include "analyzer/lazy.h"
#include "analyzer/multiscan.h"
#include "analyzer/sha256.h"
#include "analyzer/span.h"

static void test_sha256_vectors(void **state)
{
	static const struct {
		const char *in;
		const char *hex;
	} vectors[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	(void)state;
	for (size_t i = 0; i < CT_ARRAY_SIZE(vectors); i++) {
		struct ct_sha256 h;
		unsigned char d[32];
		char hex[65];
		ct_sha256_init(&h);
		/* feed byte by byte to exercise the block buffer */
		for (const char *p = vectors[i].in; *p; p++)
			ct_sha256_update(&h, p, 1);
		ct_sha256_final(&h, d);
		for (int j = 0; j < 32; j++)
			snprintf(hex + 2 * j, 3, "%02x", d[j]);
		assert_string_equal(hex, vectors[i].hex);
	}
}

static void test_sha256_million_a(void **state)
{
	(void)state;
	char buf[1000];
	memset(buf, 'a', sizeof(buf));
	struct ct_sha256 h;
	unsigned char d[32];
	ct_sha256_init(&h);
	for (int i = 0; i < 1000; i++)
		ct_sha256_update(&h, buf, sizeof(buf));
	ct_sha256_final(&h, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[1], 0xc7);
	assert_int_equal(d[31], 0xd0);
}

/* The SHA extensions' code (where the CPU has them) and the portable code
 * give the same digests, for every length around the block size and
 * updates split anywhere. */
static void test_sha256_cpu_portable(void **state)
{
	(void)state;
	enum { LEN = 70000 };
	unsigned char *buf = malloc(LEN);
	assert_non_null(buf);
	uint32_t x = 12345;
	for (size_t i = 0; i < LEN; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (unsigned char)(x >> 16);
	}
	static const size_t lens[] = { 0,   1,	  55,	56,    63,
				       64,  65,	  127,	128,   129,
				       191, 1000, 4096, 65537, LEN };
	for (size_t i = 0; i < CT_ARRAY_SIZE(lens); i++) {
		unsigned char d[2][32];
		for (int cpu = 0; cpu < 2; cpu++) {
			ct_sha256_use_cpu(cpu);
			struct ct_sha256 h;
			ct_sha256_init(&h);
			for (size_t off = 0, step = 1; off < lens[i];
			     step = step * 3 + 1) {
				size_t n = lens[i] - off < step ? lens[i] - off
								: step;
				ct_sha256_update(&h, buf + off, n);
				off += n;
			}
			ct_sha256_final(&h, d[cpu]);
		}
		assert_memory_equal(d[0], d[1], 32);
	}
	ct_sha256_use_cpu(true);
	free(buf);
}

static void test_lines(void **state)
{
	(void)state;
	const char text[] = "one\r\ntwo\n\nlast";
	struct ct_line_reader r;
	struct ct_line l;
	ct_line_reader_init(&r, text, sizeof(text) - 1);
	assert_true(ct_line_next(&r, &l));
	assert_int_equal(l.len, 3);
	assert_memory_equal(l.p, "one", 3);
	assert_true(ct_line_next(&r, &l));
	assert_memory_equal(l.p, "two", 3);
	assert_true(ct_line_next(&r, &l));
	assert_int_equal(l.len, 0);
	assert_true(ct_line_next(&r, &l));
	assert_int_equal(l.number, 4);
	assert_memory_equal(l.p, "last", 4);
	assert_false(ct_line_next(&r, &l));
}

/* ct_line_skip() lands where ct_line_next() line by line would, from
 * any line to any later one, in texts with lines short and long. */
static void test_line_skip(void **state)
{
	(void)state;
	static char buf[6000];
	for (unsigned seed = 1; seed < 6; seed++) {
		size_t len = 0;
		unsigned r = seed;
		while (len < sizeof(buf)) {
			r = r * 1103515245u + 12345u;
			buf[len++] = (r >> 16) % (seed * 7) == 0 ? '\n' : 'x';
		}
		struct ct_line_reader all;
		static struct ct_line want[6001];
		size_t n = 0;
		ct_line_reader_init(&all, buf, len);
		while (ct_line_next(&all, &want[n + 1]))
			n++;
		for (size_t from = 0; from <= n; from += 1 + from / 3)
			for (size_t to = from + 1; to <= n + 2; to += 1 + to / 5) {
				struct ct_line_reader lr;
				struct ct_line got;
				ct_line_reader_init(&lr, buf, len);
				for (size_t i = 0; i < from; i++)
					assert_true(ct_line_next(&lr, &got));
				ct_line_skip(&lr, to);
				if (to > n) {
					assert_false(ct_line_next(&lr, &got));
					continue;
				}
				assert_true(ct_line_next(&lr, &got));
				assert_int_equal(got.number, to);
				assert_ptr_equal(got.p, want[to].p);
			}
	}
}

/* ct_line_seek() from the marks of a pass: to any line from any line
 * before it, past the marks' first doubling (two million lines). */
static void test_line_seek(void **state)
{
	(void)state;
	enum { LINES = 2000000 };
	char *buf = malloc(2 * LINES);
	assert_non_null(buf);
	for (size_t i = 0; i < LINES; i++)
		memcpy(buf + 2 * i, "x\n", 2);
	struct ct_line_marks *lm = malloc(sizeof(*lm));
	assert_non_null(lm);
	ct_line_marks_init(lm);
	for (unsigned long n = 1; n <= LINES; n++)
		ct_line_mark(lm, n, buf + 2 * (n - 1));
	assert_true(lm->count <= CT_LINE_MARKS);
	assert_true(lm->every > 4096);
	for (unsigned long from = 0; from < LINES; from += 77777)
		for (unsigned long to = from + 1; to <= LINES; to += 99991) {
			struct ct_line_reader lr;
			struct ct_line got;
			ct_line_reader_init(&lr, buf, 2 * LINES);
			ct_line_skip(&lr, from + 1);
			ct_line_seek(&lr, lm, to);
			assert_true(ct_line_next(&lr, &got));
			assert_int_equal(got.number, to);
			assert_ptr_equal(got.p, buf + 2 * (to - 1));
		}
	free(lm);
	free(buf);
}

static void test_hex(void **state)
{
	(void)state;
	const char *s = "0x420031a2b3c4]rest";
	const char *p = s;
	uint64_t v;
	bool masked;
	assert_true(ct_parse_hex(&p, s + strlen(s), &v, &masked));
	assert_true(v == 0x420031a2b3c4ULL);
	assert_false(masked);
	assert_int_equal(*p, ']');
	s = "0x************ in";
	p = s;
	assert_true(ct_parse_hex(&p, s + strlen(s), &v, &masked));
	assert_true(masked);
	assert_int_equal(*p, ' ');
	s = "zz";
	p = s;
	assert_false(ct_parse_hex(&p, s + 2, &v, &masked));
}

static void test_json_escape(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_json_string(&sb, "a\"b\\c\n<script>\x01");
	assert_string_equal(sb.buf,
			    "\"a\\\"b\\\\c\\n\\u003cscript\\u003e\\u0001\"");
	ct_strbuf_deinit(&sb);
	/* valid UTF-8 kept, invalid bytes replaced: the JSON stays valid */
	ct_strbuf_json_string(&sb, "\xe2\x80\xa6/x \xff\xc3 \xed\xa0\x80");
	assert_string_equal(sb.buf, "\"\xe2\x80\xa6/x \\ufffd\\ufffd "
			    "\\ufffd\\ufffd\\ufffd\"");
	ct_strbuf_deinit(&sb);
	ct_strbuf_json_string(&sb, NULL);
	assert_string_equal(sb.buf, "null");
	ct_strbuf_deinit(&sb);
}

/* names from the evidence in text output (issue 11 item 5) */
static void test_put_visible(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_put_visible(&sb, "x\nverdict  KNOWN\r\t\x1b[31m\x7f a\\b");
	assert_string_equal(sb.buf,
			    "x\\nverdict  KNOWN\\r\\t\\x1b[31m\\x7f a\\b");
	ct_strbuf_deinit(&sb);
	/* bidi override and isolate, LRM, zero-width space, BOM, C1 NEL,
	 * a tag; ordinary UTF-8 kept; bytes that are not UTF-8 as \xNN */
	ct_strbuf_put_visible(&sb, "a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8e"
			      "d\xe2\x80\x8b" "e\xef\xbb\xbf" "f\xc2\x85"
			      "g\xf3\xa0\x80\x81" "h\xc3\xa9\xe2\x80\xa6 \xff\xc3");
	assert_string_equal(sb.buf, "a\\u202eb\\u2066c\\u200ed\\u200be\\ufeff"
			    "f\\u0085g\\U000e0001h\xc3\xa9\xe2\x80\xa6 \\xff\\xc3");
	ct_strbuf_deinit(&sb);
}

static void test_strndup_clean(void **state)
{
	(void)state;
	char *s = ct_strndup_clean("a\0b\x1b[0m", 7);
	assert_string_equal(s, "a?b?[0m");
	free(s);
}

/* The reference of what ct_strbuf_json_string() writes for one byte that
 * is not part of a UTF-8 sequence (ASCII here). */
static void json_byte(struct ct_strbuf *sb, unsigned char c)
{
	char esc[8];
	if (c == '"' || c == '\\')
		snprintf(esc, sizeof(esc), "\\%c", c);
	else if (c == '\n' || c == '\r' || c == '\t')
		snprintf(esc, sizeof(esc), "\\%c",
			 c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
	else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&')
		snprintf(esc, sizeof(esc), "\\u%04x", c);
	else
		snprintf(esc, sizeof(esc), "%c", c);
	ct_strbuf_puts(sb, esc);
}

/* The 16-byte paths of ct_copy_clean() and ct_strbuf_json_string() against
 * byte-at-a-time references: every byte the two treat specially, at every
 * position of strings from 1 to 70 bytes (blocks of 16, and the tail). */
static void test_clean_and_json_blocks(void **state)
{
	(void)state;
	static const unsigned char special[] = {
		0x01, '\t', '\n', '\r', 0x1b, 0x1f, '"', '\\', '<', '>', '&',
		0x7f, 0x80, 0xff, ' ', '~',
	};
	char in[80], out[81];
	for (size_t len = 1; len <= 70; len++) {
		for (size_t at = 0; at < len; at++) {
			for (size_t k = 0; k < sizeof(special); k++) {
				for (size_t i = 0; i < len; i++)
					in[i] = (char)('a' + i % 26);
				in[at] = (char)special[k];
				unsigned char c = special[k];
				ct_copy_clean(out, in, len);
				char want = (c < 0x20 && c != '\t' && c != '\n') ||
						    c == 0x7f ? '?' : (char)c;
				assert_int_equal(out[at], want);
				assert_int_equal(out[len], '\0');
				if (at)
					assert_memory_equal(out, in, at);
				if (c == 0x80 || c == 0xff)
					continue; /* not UTF-8: \ufffd below */
				in[len] = '\0';
				struct ct_strbuf got = CT_STRBUF_INIT;
				struct ct_strbuf ref = CT_STRBUF_INIT;
				ct_strbuf_json_string(&got, in);
				ct_strbuf_putc(&ref, '"');
				for (size_t i = 0; i < len; i++)
					json_byte(&ref, (unsigned char)in[i]);
				ct_strbuf_putc(&ref, '"');
				assert_string_equal(got.buf, ref.buf);
				ct_strbuf_deinit(&got);
				ct_strbuf_deinit(&ref);
			}
		}
	}
	/* a byte that is not UTF-8 after a long plain run, and a valid
	 * sequence across a block boundary */
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_json_string(&sb, "0123456789abcde\xe2\x80\xa6xyz0123456789\xff");
	assert_string_equal(sb.buf,
			    "\"0123456789abcde\xe2\x80\xa6xyz0123456789\\ufffd\"");
	ct_strbuf_deinit(&sb);
}

/* A strbuf with a sink writes what a plain one would hold, in pieces;
 * one that cannot write says so. */
static void test_strbuf_sink(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	assert_non_null(f);
	struct ct_strbuf mem = CT_STRBUF_INIT;
	struct ct_strbuf out = CT_STRBUF_SINK(f);
	char big[100000];
	memset(big, 'x', sizeof(big));
	for (int i = 0; i < 20000; i++) {
		ct_strbuf_appendf(&mem, "%d,", i);
		ct_strbuf_appendf(&out, "%d,", i);
		ct_strbuf_json_string(&mem, "a\"b");
		ct_strbuf_json_string(&out, "a\"b");
		if (i % 5000 == 0) { /* larger than a piece */
			ct_strbuf_append(&mem, big, sizeof(big));
			ct_strbuf_append(&out, big, sizeof(big));
		}
	}
	assert_true(out.len < 200000); /* never the whole */
	assert_true(ct_strbuf_flush(&out));
	assert_int_equal(out.len, 0);
	assert_int_equal(ftell(f), (long)mem.len);
	rewind(f);
	char *back = malloc(mem.len);
	assert_non_null(back);
	assert_int_equal(fread(back, 1, mem.len, f), mem.len);
	assert_memory_equal(back, mem.buf, mem.len);
	free(back);
	ct_strbuf_deinit(&out);
	ct_strbuf_deinit(&mem);
	fclose(f);

	FILE *full = fopen("/dev/full", "w");
	if (full) {
		setvbuf(full, NULL, _IONBF, 0);
		struct ct_strbuf bad = CT_STRBUF_SINK(full);
		for (int i = 0; i < 10; i++)
			ct_strbuf_append(&bad, big, sizeof(big));
		assert_true(bad.failed);
		assert_false(ct_strbuf_flush(&bad));
		ct_strbuf_deinit(&bad);
		fclose(full);
	}
}

/* Strings of every size from the arena are whole, distinct and aligned
 * for the field arrays kept there too. */
static void test_arena(void **state)
{
	(void)state;
	struct ct_arena a = CT_ARENA_INIT;
	char *kept[600];
	char src[CT_MAX_FIELD_LEN + 100];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)('A' + i % 26);
	src[3] = '\x1b';
	for (size_t i = 0; i < 600; i++) {
		size_t n = i < 500 ? i : CT_MAX_FIELD_LEN + i - 500;
		kept[i] = ct_arena_strndup_clean(&a, src, n);
		assert_non_null(kept[i]);
		assert_int_equal((uintptr_t)kept[i] % sizeof(void *), 0);
	}
	for (size_t i = 0; i < 600; i++) {
		size_t n = i < 500 ? i : CT_MAX_FIELD_LEN; /* capped */
		assert_int_equal(strlen(kept[i]), n);
		if (n > 3)
			assert_int_equal(kept[i][3], '?');
		if (n > 4)
			assert_memory_equal(kept[i] + 4, src + 4, n - 4);
	}
	ct_arena_free(&a);
	assert_null(a.chunks);
	/* usable again after a free */
	assert_non_null(ct_arena_alloc(&a, 10));
	ct_arena_free(&a);
}

/* Catalogue events keep their static kind and field names by pointer and
 * make room for the fields they announce; more fields than announced, and
 * fields of copied events, grow the array with every earlier field kept. */
static void test_event_fields(void **state)
{
	(void)state;
	static const char kind[] = "linux.link_up";
	static const char *const names[] = { "driver", "iface", "pci", "host",
					     "speed", "unit", "extra" };
	struct ct_case *c;
	assert_null(ct_case_create("t", &c));
	struct ct_event *ev;
	struct ct_origin o = { "log", 7 };
	for (size_t reserve = 0; reserve <= 3; reserve++) {
		assert_null(ct_case_add_event_static(c, kind, "[1.0]", 5,
						     "eno1: NIC Link is Up", 20,
						     o, reserve, &ev));
		assert_ptr_equal(ev->kind, kind);
		assert_int_equal(ev->field_cap, reserve);
		for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
			char value[8];
			snprintf(value, sizeof(value), "v%zu", i);
			assert_null(ct_event_add_field_static(c, ev, names[i],
							      value, 2));
			assert_true(ev->field_count <= ev->field_cap);
			if (i < reserve)
				assert_int_equal(ev->field_cap, reserve);
		}
		assert_int_equal(ev->field_count, CT_ARRAY_SIZE(names));
		for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
			char value[8];
			snprintf(value, sizeof(value), "v%zu", i);
			assert_ptr_equal(ev->fields[i].name, names[i]);
			assert_string_equal(ev->fields[i].value, value);
		}
		assert_string_equal(ct_event_field(ev, "unit"), "v5");
	}
	/* the copying forms copy, and clean */
	char k[] = "esxi.mdd";
	assert_null(ct_case_add_event(c, k, NULL, "t", o, &ev));
	assert_ptr_not_equal(ev->kind, k);
	for (size_t i = 0; i < 9; i++)
		assert_null(ct_event_add_field_span(c, ev, "vf\x01", "x", 1));
	assert_int_equal(ev->field_count, 9);
	assert_string_equal(ev->fields[8].name, "vf?");
	assert_int_equal(c->event_count, 5);
	ct_case_destroy(c);
}

/* ct_memstr against a naive search, over needles whose rarest byte sits
 * at the start, middle and end, and haystacks that end early. */
static void test_memstr(void **state)
{
	(void)state;
	static const char *const hay[] = {
		"cpu5:2097152)@BlueScreen: #PF Exception 14",
		"aaaaaaaaab", "abababababc", "", "x", "Panic Details: x",
		"no match here at all", "[0x41]Func@vmkernel#nover+0x9",
	};
	static const char *const needles[] = {
		"@BlueScreen", "BlueScreen:", "ab", "abc", "b", "x",
		"Panic Details:", "#nover", "]Func@", "aaaab", "zz",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(hay); i++)
		for (size_t j = 0; j < CT_ARRAY_SIZE(needles); j++) {
			size_t len = strlen(hay[i]);
			for (size_t cut = 0; cut <= len; cut++) {
				const char *want = memmem(hay[i], cut,
							  needles[j],
							  strlen(needles[j]));
				assert_ptr_equal(ct_memstr(hay[i], cut,
							   needles[j]), want);
			}
		}
}

/* A text made of pieces of the needles and noise, so that near misses,
 * overlaps and matches at every alignment occur: seed picks the text. */
static size_t piecewise_text(char *buf, size_t cap, unsigned seed,
			     const char *const *pieces, size_t n)
{
	size_t len = 0;
	while (len + 40 < cap) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = (seed >> 16) & 0x7fff;
		if (r % 3 == 0) {
			const char *p = pieces[r % n];
			size_t k = strlen(p);
			/* a whole needle, or a cut one */
			if (r % 7 == 0 && k > 1)
				k = 1 + r % (k - 1);
			memcpy(buf + len, p, k);
			len += k;
		} else {
			buf[len++] = "ab \nc[0x@Bpu:"[r % 13];
		}
	}
	return len;
}

/* The vector paths (16 bytes at a time, then a tail) against naive ones,
 * on long texts at every cut. */
static void test_memstr_long(void **state)
{
	(void)state;
	static const char *const needles[] = {
		"cpu", "[0x", "@BlueScreen", "Panic Details:", "ab", "b",
		"VMware ESX", "aaaa",
	};
	static char buf[4096];
	for (unsigned seed = 1; seed < 40; seed++) {
		size_t len = piecewise_text(buf, sizeof(buf), seed, needles,
					    CT_ARRAY_SIZE(needles));
		for (size_t cut = 0; cut <= len; cut += 1 + cut / 8) {
			for (size_t j = 0; j < CT_ARRAY_SIZE(needles); j++) {
				const char *a = needles[j];
				const char *b = needles[(j + 3) %
						       CT_ARRAY_SIZE(needles)];
				const char *want = memmem(buf, cut, a,
							  strlen(a));
				assert_ptr_equal(ct_memstr(buf, cut, a), want);
				bool either = want ||
					      memmem(buf, cut, b, strlen(b));
				assert_int_equal(ct_has_either(buf, cut, a, b),
						 either);
			}
		}
	}
}

/* What ct_multiscan_lines() handed over so far, against ct_line_next()
 * and a naive search for the literals of CT_SCAN_VMKERNEL. */
struct seen {
	const char *buf;
	size_t len;
	struct ct_line_reader r;
	bool every_line;
	bool no_flood;	/* too few hits for lines near them to count */
	size_t lines, stop_after;
};

/* Does a marker of CT_SCAN_VMKERNEL lie in [p, p+len)? */
static bool has_vmkernel_marker(const char *p, size_t len)
{
	static const char *const markers[] = CT_VMKERNEL_MARKERS;
	for (size_t k = 0; k < CT_ARRAY_SIZE(markers); k++)
		if (memmem(p, len, markers[k], strlen(markers[k])))
			return true;
	return false;
}

/* The catalogue entries of CT_SCAN_VMKERNEL (family esxi or any) whose
 * literal lies in [p, p+len): bit k for entry k. */
static uint64_t vmkernel_events(const char *p, size_t len)
{
	static const struct {
		const char *kind, *family, *literal, *regex;
	} entries[] = {
#include "analyzer/events.inc"
	};
	_Static_assert(CT_ARRAY_SIZE(entries) <= 64, "one bit each");
	uint64_t bits = 0;
	for (size_t k = 0; k < CT_ARRAY_SIZE(entries); k++)
		if (strcmp(entries[k].family, "linux") != 0 &&
		    memmem(p, len, entries[k].literal,
			   strlen(entries[k].literal)))
			bits |= UINT64_C(1) << k;
	return bits;
}

/* Does a literal of CT_SCAN_VMKERNEL lie in [p, p+len)? */
static bool has_marker(const char *p, size_t len)
{
	return has_vmkernel_marker(p, len) || vmkernel_events(p, len);
}

static bool check_line(void *arg, const struct ct_scan_line *l)
{
	struct seen *s = arg;
	struct ct_line want;
	bool hit;
	/* the lines before it were not handed over: no marker lies in them */
	for (;;) {
		assert_true(ct_line_next(&s->r, &want));
		hit = has_marker(want.p, want.len);
		if (want.p >= l->p)
			break;
		assert_false(s->every_line || hit);
	}
	assert_ptr_equal(l->p, want.p);
	assert_int_equal(l->len, want.len);
	assert_int_equal(l->number, want.number);
	if (hit)	/* a line nothing hits may count as hit, rarely */
		assert_true(l->hit);
	/* marked: a marker, not only an event's literal, lies in it */
	bool marker = has_vmkernel_marker(want.p, want.len);
	if (marker)
		assert_true(l->marked);
	if (l->marked)
		assert_true(l->hit);
	uint64_t events = vmkernel_events(want.p, want.len);
	assert_int_equal(l->events & events, events);
	if (s->no_flood) {
		assert_int_equal(l->marked, marker);
		assert_int_equal(l->events, events);
	}
	assert_int_equal(l->last, s->r.pos >= s->buf + s->len &&
				  s->buf[s->len - 1] != '\n');
	s->lines++;
	return s->lines != s->stop_after;
}

/* Scan buf both ways, to its end and stopped after 2 lines. */
static void check_multiscan(const char *buf, size_t len, bool no_flood)
{
	for (int every = 0; every < 2; every++) {
		struct seen s = { .buf = buf, .len = len,
				  .every_line = every, .no_flood = no_flood };
		ct_line_reader_init(&s.r, buf, len);
		assert_null(ct_multiscan_lines(CT_SCAN_VMKERNEL, buf,
					       len, every, check_line, &s));
		/* nor in those after the last one */
		struct ct_line rest;
		while (ct_line_next(&s.r, &rest))
			assert_false(every || has_marker(rest.p, rest.len));
		size_t all = s.lines;
		memset(&s, 0, sizeof(s));
		s = (struct seen){ .buf = buf, .len = len, .every_line = every,
				   .no_flood = no_flood, .stop_after = 2 };
		ct_line_reader_init(&s.r, buf, len);
		assert_null(ct_multiscan_lines(CT_SCAN_VMKERNEL, buf,
					       len, every, check_line, &s));
		assert_int_equal(s.lines, all < 2 ? all : 2);
	}
}

/* Every line ct_multiscan_lines() handed over, as it was, and the most
 * threads the process had while it did. */
struct recorded {
	struct ct_scan_line *lines;
	size_t count, cap;
	long threads;
};

/* The "Threads:" of /proc/self/status, or 0. */
static long thread_count(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long n = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static bool record_line(void *arg, const struct ct_scan_line *l)
{
	struct recorded *r = arg;
	if (r->count % 4096 == 0) {
		long n = thread_count();
		if (n > r->threads)
			r->threads = n;
	}
	if (r->count == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->lines = realloc(r->lines, r->cap * sizeof(*r->lines));
		assert_non_null(r->lines);
	}
	memset(&r->lines[r->count], 0, sizeof(*r->lines)); /* padding */
	r->lines[r->count].p = l->p;
	r->lines[r->count].len = l->len;
	r->lines[r->count].number = l->number;
	r->lines[r->count].hit = l->hit;
	r->lines[r->count].marked = l->marked;
	r->lines[r->count].events = l->events;
	r->lines[r->count].last = l->last;
	r->count++;
	return true;
}

/* ct_multiscan_lines with the embedded vmkernel set: the lines of
 * ct_line_next(), each hit when a literal lies in it and marked when a
 * marker (not an event's literal) does, in texts small
 * and large (lines and markers across the scan's chunks, thousands of
 * hits in one chunk), ending with or without a newline. */
static void test_multiscan(void **state)
{
	(void)state;
	static const char *const markers[] = {
		"BlueScreen:", "VMware ESX", "river - version ",
		"river version ", "APD", "MCA:", "Importing",
	};
	static char buf[8192];
	for (unsigned seed = 1; seed < 20; seed++) {
		size_t len = piecewise_text(buf, sizeof(buf), seed, markers,
					    CT_ARRAY_SIZE(markers));
		for (size_t cut = 0; cut <= len; cut += 1 + cut / 4)
			check_multiscan(buf, cut, true);
		buf[len] = '\r';
		check_multiscan(buf, len + 1, true);
	}
	enum { BIG = 3 << 20 };
	char *big = malloc(BIG);
	assert_non_null(big);
	size_t len = 0;
	for (unsigned i = 0; len + 320000 < BIG; i++) {
		if (i % 7 == 3) {	/* a line longer than a chunk */
			memset(big + len, 'x', 300000);
			len += 300000;
		}
		len += piecewise_text(big + len, 4096, i, markers,
				      CT_ARRAY_SIZE(markers));
		if (i == 10)		/* more hits than a chunk keeps */
			for (int k = 0; k < 6000; k++)
				len += (size_t)snprintf(big + len, BIG - len,
							"MCA:%d\n", k);
		if (i % 5 == 0)		/* a crowd of hits */
			for (int k = 0; k < 300; k++)
				len += (size_t)snprintf(big + len, BIG - len,
							"%s%s", markers[k % 7],
							k % 3 ? "\r\n" : "");
	}
	check_multiscan(big, len, false);
	/* scanned ahead on a thread of its own: checked alike, and the
	 * very lines of one thread, floods included */
	struct recorded one = { 0 }, two = { 0 };
	assert_null(ct_multiscan_lines(CT_SCAN_VMKERNEL, big, len, false,
				       record_line, &one));
	ct_multiscan_set_ahead(0);
	check_multiscan(big, len, false);
	assert_null(ct_multiscan_lines(CT_SCAN_VMKERNEL, big, len, false,
				       record_line, &two));
	ct_multiscan_set_ahead(4 << 20);
	assert_true(one.count > 1000);
	assert_int_equal(one.threads, 1);	/* the walk scanned itself */
	assert_true(two.threads >= 2);		/* a thread scanned ahead */
	size_t flooded = 0;	/* lines counted as hit in a flood */
	for (size_t i = 0; i < one.count; i++)
		flooded += one.lines[i].events == UINT64_MAX;
	assert_true(flooded > 0);
	assert_int_equal(one.count, two.count);
	assert_memory_equal(one.lines, two.lines,
			    one.count * sizeof(*one.lines));
	free(one.lines);
	free(two.lines);
	free(big);
}

static void test_error_format(void **state)
{
	(void)state;
	struct ct_error *err = ct_error_corrupt("x.log", 12, "bad frame");
	char *msg = ct_error_format(err);
	assert_string_equal(msg, "'x.log':12: bad frame");
	free(msg);
	ct_error_destroy(err);
	err = ct_error_at(ct_error_create(CT_ERROR_TRUNCATED, "note cut"),
			  "core", 0, 0x1f0, true);
	msg = ct_error_format(err);
	assert_string_equal(msg, "'core' at offset 0x1f0: note cut");
	free(msg);
	ct_error_destroy(err);
	ct_error_destroy(&ct_enomem);
	ct_error_destroy(NULL);
}

/* ctype.h: ASCII classes, no locale, a negative char in no class. */
static void test_ctype(void **state)
{
	(void)state;
	for (int c = -128; c < 256; c++) {
		bool digit = c >= '0' && c <= '9';
		bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
		bool hexl = c >= 'a' && c <= 'f', hexu = c >= 'A' && c <= 'F';
		assert_int_equal(ct_is_digit(c), digit);
		assert_int_equal(ct_is_lower(c), lower);
		assert_int_equal(ct_is_upper(c), upper);
		assert_int_equal(ct_is_alpha(c), lower || upper);
		assert_int_equal(ct_is_alnum(c), digit || lower || upper);
		assert_int_equal(ct_is_word_char(c),
				 digit || lower || upper || c == '_');
		assert_int_equal(ct_is_hex(c), digit || hexl || hexu);
		assert_int_equal(ct_hex_value(c), digit ? c - '0'
				 : hexl ? c - 'a' + 10 : hexu ? c - 'A' + 10
				 : -1);
		assert_int_equal(ct_to_lower(c), upper ? c + 32 : c);
	}
	assert_false(ct_is_digit((char)0xb9));	/* '¹' in Latin-1 */
}

static void test_parse_hex_u64(void **state)
{
	static const struct {
		const char *in;
		bool ok;
		uint64_t v;
		size_t used;
	} cases[] = {
		{ "0x1f", true, 0x1f, 4 },
		{ "0XAbC ", true, 0xabc, 5 },
		{ "ffffffffffffffff", true, UINT64_MAX, 16 },
		{ "0x10000000000000000", false, 0, 0 },	/* 17 digits */
		{ "0x", false, 0, 0 },
		{ "", false, 0, 0 },
		{ "g1", false, 0, 0 },
		{ "12**", true, 0x12, 2 },	/* no masks */
	};
	(void)state;
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		const char *p = cases[i].in, *end = p + strlen(p);
		uint64_t v = 42;
		assert_int_equal(ct_parse_hex_u64(&p, end, &v), cases[i].ok);
		if (cases[i].ok) {
			assert_true(v == cases[i].v);
			assert_int_equal(p - cases[i].in, cases[i].used);
		} else {
			assert_ptr_equal(p, cases[i].in);
			assert_true(v == 42);
		}
	}
}

static int int_cmp(const void *key, const void *elem, void *arg)
{
	int a = *(const int *)key, b = *(const int *)elem;
	(void)arg;
	return (a > b) - (a < b);
}

struct seg {
	uint32_t pad;
	uint64_t start;
};

/* bsearch.h: bounds on runs of equal keys, ends, empty arrays, and the
 * field comparator against a linear scan. */
static void test_bsearch(void **state)
{
	static const int a[] = { 1, 3, 3, 3, 7, 9 };
	size_t n = CT_ARRAY_SIZE(a);
	(void)state;
	for (int k = 0; k <= 10; k++) {
		size_t lower = 0, upper = 0;
		while (lower < n && a[lower] < k)
			lower++;
		while (upper < n && a[upper] <= k)
			upper++;
		assert_int_equal(ct_bsearch_lower(&k, a, n, sizeof(*a),
						  int_cmp, NULL), lower);
		assert_int_equal(ct_bsearch_upper(&k, a, n, sizeof(*a),
						  int_cmp, NULL), upper);
		size_t f = ct_bsearch_find(&k, a, n, sizeof(*a), int_cmp,
					   NULL);
		if (lower < n && a[lower] == k)
			assert_int_equal(f, lower);
		else
			assert_int_equal(f, n);
	}
	int k = 3;
	assert_int_equal(ct_bsearch_lower(&k, a, 0, sizeof(*a), int_cmp,
					  NULL), 0);
	assert_int_equal(ct_bsearch_find(&k, a, 0, sizeof(*a), int_cmp,
					 NULL), 0);
	static const struct seg segs[] = {
		{ 0, 0x1000 }, { 0, 0x2000 }, { 0, UINT64_MAX },
	};
	uint64_t keys[] = { 0, 0x1000, 0x1fff, 0x2000, 0x2001, UINT64_MAX };
	for (size_t i = 0; i < CT_ARRAY_SIZE(keys); i++) {
		size_t want = 0;
		while (want < 3 && segs[want].start <= keys[i])
			want++;
		assert_int_equal(ct_bsearch_upper(&keys[i], segs, 3,
				 sizeof(*segs), ct_bsearch_cmp_u64_field,
				 CT_BSEARCH_FIELD(struct seg, start)), want);
	}
}

static struct ct_error *vcreate(enum ct_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct ct_error *err = ct_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

/* Corruption reports carry the offset, and where in the library they
 * were made; the va_list constructor formats as ct_error_create(). */
static void test_error_corrupt_at(void **state)
{
	(void)state;
	int line = __LINE__ + 1;
	struct ct_error *err = ct_error_corrupt_at("vmcore", 0x36, "size %u",
						   12u);
	assert_int_equal(err->code, CT_ERROR_CORRUPT);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, 0x36);
	assert_string_equal(err->src_file, __FILE__);
	assert_int_equal(err->src_line, line);
	char *msg = ct_error_format(err);
	assert_string_equal(msg, "'vmcore' at offset 0x36: size 12");
	free(msg);
	ct_error_destroy(err);
	err = vcreate(CT_ERROR_NOT_FOUND, "no %s in %d", "key", 3);
	assert_int_equal(err->code, CT_ERROR_NOT_FOUND);
	assert_string_equal(err->message, "no key in 3");
	assert_null(err->src_file);
	ct_error_destroy(err);
}

/* A library loaded on first use that is not there: a clear error that
 * names it and what it was for, the same every time. */
static void test_lazy_missing_library(void **state)
{
	(void)state;
	struct ct_lazy lib = { .soname = "libct-no-such-library.so.0",
			       .what = "read the thing" };
	assert_false(ct_lazy_open(&lib));
	assert_null(ct_lazy_sym(&lib, "f"));
	struct ct_error *err = ct_lazy_error(&lib);
	assert_non_null(err);
	assert_int_equal(err->code, CT_ERROR_UNSUPPORTED);
	assert_non_null(strstr(err->message, "cannot read the thing: cannot "
				"load libct-no-such-library.so.0"));
	ct_error_destroy(err);
	/* a library that is there but lacks a function */
	struct ct_lazy libc = { .soname = "libc.so.6", .what = "x" };
	assert_true(ct_lazy_open(&libc));
	assert_non_null(ct_lazy_sym(&libc, "strlen"));
	assert_null(ct_lazy_error(&libc));
	assert_null(ct_lazy_sym(&libc, "ct_no_such_function"));
	err = ct_lazy_error(&libc);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "it has no ct_no_such_function"));
	ct_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_ctype),
		cmocka_unit_test(test_parse_hex_u64),
		cmocka_unit_test(test_bsearch),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_cpu_portable),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_line_skip),
		cmocka_unit_test(test_line_seek),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_put_visible),
		cmocka_unit_test(test_strndup_clean),
		cmocka_unit_test(test_clean_and_json_blocks),
		cmocka_unit_test(test_strbuf_sink),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_memstr),
		cmocka_unit_test(test_memstr_long),
		cmocka_unit_test(test_multiscan),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_error_corrupt_at),
		cmocka_unit_test(test_lazy_missing_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
