/* SPDX-License-Identifier: MIT */
/*
 * version.c - version-scheme comparison for known-issue matching.
 *
 * Every scheme follows the same pattern: trim the input, parse it into a
 * small struct of spans pointing into the caller's string (no copies, no
 * allocation), then compare two parsed values.  Numbers are never
 * converted to integers: a number is a span of digits, compared after
 * stripping leading zeros by length and then byte-wise, which orders
 * numbers of any length without overflow.
 *
 * The ESXi alias table below is the only data; it is const.  See
 * FORMATS-AND-FACTS.md section 6 for where the rules come from.
 */
#include "rules/version.h"
#include "analyzer/ctype.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A byte range inside an input string; not NUL-terminated. */
struct span {
	const char *p; /* first byte */
	size_t n;      /* length in bytes */
};

/* A read position over a span. */
struct cur {
	const char *p;   /* next byte to read */
	const char *end; /* one past the last byte */
};

/* ---- character classes (ASCII only, locale independent) ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct span lit(const char *s)
{
	struct span sp = { s, strlen(s) };
	return sp;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static enum ct_version_order order_of(int r)
{
	return r < 0 ? CT_VERSION_LESS :
	       r > 0 ? CT_VERSION_GREATER : CT_VERSION_EQUAL;
}

/*
 * Bound and trim an input string.  Fails on NULL, on strings longer than
 * CT_VERSION_INPUT_LIMIT and on strings that are empty after trimming.
 */
static bool input_span(const char *s, struct span *ret)
{
	size_t n;

	if (!s)
		return false;
	n = strnlen(s, CT_VERSION_INPUT_LIMIT + 1);
	if (n > CT_VERSION_INPUT_LIMIT)
		return false;
	while (n > 0 && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return false;
	ret->p = s;
	ret->n = n;
	return true;
}

static struct cur cur_of(struct span s)
{
	struct cur c = { s.p, s.p + s.n };
	return c;
}

static struct span cur_rest(const struct cur *c)
{
	struct span s = { c->p, (size_t)(c->end - c->p) };
	return s;
}

static bool cur_at_end(const struct cur *c)
{
	return c->p == c->end;
}

static bool cur_peek_is(const struct cur *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

static bool cur_peek_digit(const struct cur *c)
{
	return c->p < c->end && ct_is_digit(*c->p);
}

/* True if the byte after the next one exists and is a digit. */
static bool cur_peek2_digit(const struct cur *c)
{
	return c->end - c->p >= 2 && ct_is_digit(c->p[1]);
}

/* Consume a run of digits into @ret; returns its length (0: none). */
static size_t cur_digits(struct cur *c, struct span *ret)
{
	const char *start = c->p;

	while (c->p < c->end && ct_is_digit(*c->p))
		c->p++;
	ret->p = start;
	ret->n = (size_t)(c->p - start);
	return ret->n;
}

static size_t cur_alphas(struct cur *c, struct span *ret)
{
	const char *start = c->p;

	while (c->p < c->end && ct_is_alpha(*c->p))
		c->p++;
	ret->p = start;
	ret->n = (size_t)(c->p - start);
	return ret->n;
}

static size_t cur_blanks(struct cur *c)
{
	const char *start = c->p;

	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	return (size_t)(c->p - start);
}

/* Consume @kw (ASCII, matched case-insensitively) if it comes next. */
static bool cur_eat_ci(struct cur *c, const char *kw)
{
	size_t n = strlen(kw);
	size_t i;

	if ((size_t)(c->end - c->p) < n)
		return false;
	for (i = 0; i < n; i++)
		if (ct_to_lower(c->p[i]) != kw[i])
			return false;
	c->p += n;
	return true;
}

/* True if the position is at the end or at a blank (a word boundary). */
static bool cur_at_boundary(const struct cur *c)
{
	return c->p == c->end || is_blank(*c->p);
}

/* ---- numbers as digit strings ---- */

static struct span num_strip(struct span d)
{
	while (d.n > 0 && d.p[0] == '0') {
		d.p++;
		d.n--;
	}
	return d;
}

/* Numeric order of two digit spans of any length; empty counts as 0. */
static int num_cmp(struct span a, struct span b)
{
	a = num_strip(a);
	b = num_strip(b);
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	if (a.n == 0)
		return 0;
	return sign(memcmp(a.p, b.p, a.n));
}

static bool num_eq_lit(struct span a, const char *s)
{
	return num_cmp(a, lit(s)) == 0;
}

/* Byte-wise order, shorter prefix first. */
static int bytes_cmp(struct span a, struct span b)
{
	size_t m = a.n < b.n ? a.n : b.n;
	int r = m ? memcmp(a.p, b.p, m) : 0;

	if (r)
		return sign(r);
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	return 0;
}

static bool bytes_eq(struct span a, struct span b)
{
	return bytes_cmp(a, b) == 0;
}

/* Case-insensitive order of letter runs, shorter prefix first. */
static int alpha_cmp_ci(struct span a, struct span b)
{
	size_t m = a.n < b.n ? a.n : b.n;
	size_t i;

	for (i = 0; i < m; i++) {
		char x = ct_to_lower(a.p[i]), y = ct_to_lower(b.p[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	return 0;
}

/* ---- output helpers ---- */

/* Append formatted text to a buffer; false (and no more writes) on overflow. */
struct out {
	char *buf;  /* destination */
	size_t n;   /* size of buf */
	size_t len; /* bytes written so far, excluding the NUL */
	bool ok;    /* false once something did not fit */
};

static void out_init(struct out *o, char *buf, size_t n)
{
	o->buf = buf;
	o->n = n;
	o->len = 0;
	o->ok = n > 0;
	if (o->ok)
		buf[0] = '\0';
}

static void out_bytes(struct out *o, const char *p, size_t n)
{
	if (!o->ok)
		return;
	if (o->n - o->len <= n) {
		o->ok = false;
		return;
	}
	if (n)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

/* Write a number without leading zeros ("0" for zero). */
static void out_num(struct out *o, struct span d)
{
	d = num_strip(d);
	if (d.n == 0)
		out_bytes(o, "0", 1);
	else
		out_bytes(o, d.p, d.n);
}

/* Copy a finished temporary into the caller's buffer, all or nothing. */
static bool out_finish(const struct out *o, char *ret, size_t n)
{
	if (!o->ok || !ret || o->len >= n)
		return false;
	memcpy(ret, o->buf, o->len + 1);
	return true;
}

/* ---- dotted lists ---- */

/*
 * Consume "D[L].D[L]..." where D is a digit run and L an optional letter
 * run (only if @letters).  A '.' is taken only when a digit follows, so
 * "1.2.x" stops before ".x".  Returns the number of components (0 if the
 * position is not at a digit) and the consumed span in @ret.
 */
static size_t scan_dotted(struct cur *c, bool letters, struct span *ret)
{
	const char *start = c->p;
	size_t count = 0;
	struct span d;

	if (!cur_peek_digit(c))
		return 0;
	for (;;) {
		cur_digits(c, &d);
		if (letters)
			cur_alphas(c, &d);
		count++;
		if (!(cur_peek_is(c, '.') && cur_peek2_digit(c)))
			break;
		c->p++;
	}
	ret->p = start;
	ret->n = (size_t)(c->p - start);
	return count;
}

/* Next component of a list produced by scan_dotted(); past the end: 0. */
static void dotted_next(struct cur *c, struct span *num, struct span *alpha)
{
	if (cur_peek_is(c, '.'))
		c->p++;
	cur_digits(c, num);
	cur_alphas(c, alpha);
}

/* Compare two lists from scan_dotted(), padding the shorter with zeros. */
static int dotted_cmp(struct span a, struct span b)
{
	struct cur ca = cur_of(a), cb = cur_of(b);

	while (!cur_at_end(&ca) || !cur_at_end(&cb)) {
		struct span na, la, nb, lb;
		int r;

		dotted_next(&ca, &na, &la);
		dotted_next(&cb, &nb, &lb);
		r = num_cmp(na, nb);
		if (r)
			return r;
		r = alpha_cmp_ci(la, lb);
		if (r)
			return r;
	}
	return 0;
}

/* Split a scan_dotted() list into at most @max components; false if more. */
static bool dotted_split(struct span list, struct span *comps, size_t max,
			 size_t *ret_count)
{
	struct cur c = cur_of(list);
	size_t count = 0;

	while (!cur_at_end(&c)) {
		struct span alpha;

		if (count == max)
			return false;
		dotted_next(&c, &comps[count], &alpha);
		count++;
	}
	*ret_count = count;
	return true;
}

/* ---- rpm-style segment comparison (also used for driver suffixes) ---- */

static bool seg_is_sep(char c)
{
	return !ct_is_alnum(c) && c != '~' && c != '^';
}

/*
 * rpmvercmp semantics on spans: separators are ignored, digit runs compare
 * numerically and beat letter runs, letter runs compare byte-wise, '~'
 * sorts before anything (even the end), '^' sorts after the end but before
 * any further segment, and the side with segments left over is newer.
 */
static int seg_cmp(struct span a, struct span b)
{
	const char *p = a.p, *pe = a.p + a.n;
	const char *q = b.p, *qe = b.p + b.n;

	while (p < pe || q < qe) {
		struct span sp, sq;
		bool pt, qt, numeric;
		int r;

		while (p < pe && seg_is_sep(*p))
			p++;
		while (q < qe && seg_is_sep(*q))
			q++;

		pt = p < pe && *p == '~';
		qt = q < qe && *q == '~';
		if (pt || qt) {
			if (!pt)
				return 1;
			if (!qt)
				return -1;
			p++;
			q++;
			continue;
		}

		pt = p < pe && *p == '^';
		qt = q < qe && *q == '^';
		if (pt || qt) {
			if (p == pe)
				return -1;
			if (q == qe)
				return 1;
			if (!pt)
				return 1;
			if (!qt)
				return -1;
			p++;
			q++;
			continue;
		}

		if (p == pe || q == qe)
			break;

		numeric = ct_is_digit(*p);
		sp.p = p;
		sq.p = q;
		if (numeric) {
			while (p < pe && ct_is_digit(*p))
				p++;
			while (q < qe && ct_is_digit(*q))
				q++;
		} else {
			while (p < pe && ct_is_alpha(*p))
				p++;
			while (q < qe && ct_is_alpha(*q))
				q++;
		}
		sp.n = (size_t)(p - sp.p);
		sq.n = (size_t)(q - sq.p);
		/* Different kinds of segment: numbers are newer. */
		if (sq.n == 0)
			return numeric ? 1 : -1;
		r = numeric ? num_cmp(sp, sq) : bytes_cmp(sp, sq);
		if (r)
			return r;
	}
	if (p == pe && q == qe)
		return 0;
	return p == pe ? -1 : 1;
}

/* True if every byte is alphanumeric or one of @extra. */
static bool span_chars_ok(struct span s, const char *extra)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!ct_is_alnum(s.p[i]) && !strchr(extra, s.p[i]))
			return false;
	return true;
}

/* ================= dotted ================= */

static bool dotted_parse(struct span in, struct span *ret)
{
	struct cur c = cur_of(in);

	if (!scan_dotted(&c, true, ret))
		return false;
	return cur_at_end(&c);
}

static enum ct_version_order dotted_compare(struct span a, struct span b)
{
	struct span va, vb;

	if (!dotted_parse(a, &va) || !dotted_parse(b, &vb))
		return CT_VERSION_INVALID;
	return order_of(dotted_cmp(va, vb));
}

/* ================= driver ================= */

/* A driver version: numeric dotted prefix and free-form suffix. */
struct driver_ver {
	struct span prefix; /* "6.8.12" */
	struct span rest;   /* "-10-pve", may be empty */
};

static bool driver_parse(struct span in, struct driver_ver *v)
{
	struct cur c = cur_of(in);

	if (!scan_dotted(&c, false, &v->prefix))
		return false;
	v->rest = cur_rest(&c);
	return span_chars_ok(v->rest, "-_.+~");
}

static enum ct_version_order driver_compare(struct span a, struct span b)
{
	struct driver_ver va, vb;
	int r;

	if (!driver_parse(a, &va) || !driver_parse(b, &vb))
		return CT_VERSION_INVALID;
	r = dotted_cmp(va.prefix, vb.prefix);
	if (!r)
		r = seg_cmp(va.rest, vb.rest);
	return order_of(r);
}

/* ================= NSX ================= */

enum {
	NSX_COMPONENTS_MAX = 5, /* version components, build excluded */
	NSX_BUILD_DIGITS = 5,   /* a 5th component this long is a build */
};

/* An NSX version: 2-5 components and an optional build number. */
struct nsx_ver {
	struct span comp[NSX_COMPONENTS_MAX + 1]; /* digit spans */
	size_t ncomp;                             /* version components */
	bool has_build;                           /* build present */
	struct span build;                        /* build digits */
};

/*
 * Skip a product label such as "NSX_T_MANAGER " or "NSX-T Data Center ":
 * words of [A-Za-z0-9_-] that start with a letter, each followed by
 * blanks.  Only skipped when a digit follows the label.
 */
static void skip_label(struct cur *c)
{
	struct cur t = *c;

	while (t.p < t.end && ct_is_alpha(*t.p)) {
		while (t.p < t.end &&
		       (ct_is_alnum(*t.p) || *t.p == '_' || *t.p == '-'))
			t.p++;
		if (!cur_blanks(&t))
			return;
	}
	if (t.p != c->p && cur_peek_digit(&t))
		*c = t;
}

static bool nsx_parse(struct span in, struct nsx_ver *v)
{
	struct cur c = cur_of(in);
	struct span list;
	size_t count;

	skip_label(&c);
	if (!scan_dotted(&c, false, &list) || !cur_at_end(&c))
		return false;
	if (!dotted_split(list, v->comp, NSX_COMPONENTS_MAX + 1, &count))
		return false;
	if (count < 2)
		return false;
	v->has_build = false;
	if (count == NSX_COMPONENTS_MAX + 1 ||
	    (count == NSX_COMPONENTS_MAX &&
	     num_strip(v->comp[count - 1]).n >= NSX_BUILD_DIGITS)) {
		v->has_build = true;
		v->build = v->comp[count - 1];
		count--;
	}
	v->ncomp = count;
	return true;
}

static bool nsx_same_line(const struct nsx_ver *a, const struct nsx_ver *b)
{
	return num_cmp(a->comp[0], b->comp[0]) == 0 &&
	       num_cmp(a->comp[1], b->comp[1]) == 0;
}

static enum ct_version_order nsx_compare(struct span a, struct span b)
{
	struct nsx_ver va, vb;
	struct span zero = { "", 0 };
	size_t i;

	if (!nsx_parse(a, &va) || !nsx_parse(b, &vb))
		return CT_VERSION_INVALID;
	if (!nsx_same_line(&va, &vb))
		return CT_VERSION_INCOMPARABLE;
	for (i = 2; i < NSX_COMPONENTS_MAX; i++) {
		int r = num_cmp(i < va.ncomp ? va.comp[i] : zero,
				i < vb.ncomp ? vb.comp[i] : zero);
		if (r)
			return order_of(r);
	}
	if (va.has_build && vb.has_build)
		return order_of(num_cmp(va.build, vb.build));
	return CT_VERSION_EQUAL;
}

/* ================= Linux ================= */

enum { LINUX_COMPONENTS_MAX = 4 }; /* 2.6.32.27 */

/* A kernel version: upstream part, optional -rcN, optional distro suffix. */
struct linux_ver {
	struct span upstream; /* "6.1.0" */
	struct span comp[LINUX_COMPONENTS_MAX]; /* its components */
	size_t ncomp;         /* number of components, 2..4 */
	bool rc;              /* "-rcN" present */
	struct span rcnum;    /* N of -rcN */
	bool distro;          /* a distro/local suffix follows */
	char sep;             /* the byte that starts the suffix ('-', '+') */
	struct span abi;      /* numeric ABI part of the suffix ("18", "427.13.1") */
	struct span flavor;   /* rest of the suffix ("-amd64", ".el9_4.x86_64") */
};

/* Number of components that name the line: "6.1", or "2.6.32" for 2.x. */
static size_t linux_line_parts(const struct linux_ver *v)
{
	if (num_cmp(v->comp[0], lit("3")) < 0 && v->ncomp >= 3)
		return 3;
	return 2;
}

static bool linux_parse(struct span in, struct linux_ver *v)
{
	struct cur c = cur_of(in);
	struct span d;

	memset(v, 0, sizeof(*v));
	if (!scan_dotted(&c, false, &v->upstream))
		return false;
	if (!dotted_split(v->upstream, v->comp, LINUX_COMPONENTS_MAX,
			  &v->ncomp) || v->ncomp < 2)
		return false;

	/* Upstream release candidate: "-rcN". */
	{
		struct cur t = c;

		if (cur_eat_ci(&t, "-rc") && cur_digits(&t, &d) &&
		    (cur_at_end(&t) || *t.p == '-' || *t.p == '+')) {
			v->rc = true;
			v->rcnum = d;
			c = t;
		}
	}
	if (cur_at_end(&c))
		return true;
	if (*c.p != '-' && *c.p != '+')
		return false;
	v->distro = true;
	v->sep = *c.p;
	c.p++;
	if (!scan_dotted(&c, false, &v->abi)) {
		v->abi.p = c.p;
		v->abi.n = 0;
	}
	v->flavor = cur_rest(&c);
	return span_chars_ok(v->flavor, "-_.+~");
}

static bool linux_same_line(const struct linux_ver *a,
			    const struct linux_ver *b)
{
	size_t parts = linux_line_parts(a);
	size_t i;

	if (parts != linux_line_parts(b))
		return false;
	for (i = 0; i < parts; i++)
		if (num_cmp(a->comp[i], b->comp[i]))
			return false;
	return true;
}

static enum ct_version_order linux_compare(struct span a, struct span b)
{
	struct linux_ver va, vb;
	int r;

	if (!linux_parse(a, &va) || !linux_parse(b, &vb))
		return CT_VERSION_INVALID;
	/* A distro ABI string is not an upstream version. */
	if (va.distro != vb.distro)
		return CT_VERSION_INCOMPARABLE;
	if (!linux_same_line(&va, &vb))
		return CT_VERSION_INCOMPARABLE;
	/* Different flavours/distros/streams: no common order. */
	if (va.distro && (va.sep != vb.sep || !bytes_eq(va.flavor, vb.flavor)))
		return CT_VERSION_INCOMPARABLE;
	r = dotted_cmp(va.upstream, vb.upstream);
	if (r)
		return order_of(r);
	if (va.rc != vb.rc)
		return va.rc ? CT_VERSION_LESS : CT_VERSION_GREATER;
	if (va.rc) {
		r = num_cmp(va.rcnum, vb.rcnum);
		if (r)
			return order_of(r);
	}
	if (va.distro)
		return order_of(dotted_cmp(va.abi, vb.abi));
	return CT_VERSION_EQUAL;
}

static bool linux_line(struct span in, struct out *o)
{
	struct linux_ver v;
	size_t parts, i;

	if (!linux_parse(in, &v))
		return false;
	parts = linux_line_parts(&v);
	for (i = 0; i < parts; i++) {
		if (i)
			out_str(o, ".");
		out_num(o, v.comp[i]);
	}
	return true;
}

/* Find a whole word @word in @s followed by blanks; @ret gets the next word. */
static bool find_word_then_token(struct span s, const char *word,
				 struct span *ret)
{
	size_t wl = strlen(word);
	size_t i;

	for (i = 0; i < s.n && s.n - i > wl; i++) {
		struct cur c;

		if (i > 0 && !is_blank(s.p[i - 1]))
			continue;
		if (memcmp(s.p + i, word, wl) != 0)
			continue;
		c.p = s.p + i + wl;
		c.end = s.p + s.n;
		if (!cur_blanks(&c))
			continue;
		ret->p = c.p;
		while (c.p < c.end && !is_blank(*c.p))
			c.p++;
		ret->n = (size_t)(c.p - ret->p);
		return ret->n > 0;
	}
	return false;
}

bool ct_linux_upstream_from_uname(const char *release,
				  const char *version_token, char *ret,
				  size_t n)
{
	struct span rel_in, tok_in, pkg;
	struct linux_ver rel, up;
	bool have_rel;
	char tmp[CT_VERSION_INPUT_LIMIT + 8];
	struct out o;

	have_rel = input_span(release, &rel_in) && linux_parse(rel_in, &rel);
	out_init(&o, tmp, sizeof(tmp));

	if (input_span(version_token, &tok_in) &&
	    find_word_then_token(tok_in, "Debian", &pkg)) {
		struct span upstream = pkg;
		struct span cand;
		size_t i;

		/* Drop the epoch ("1:") and the Debian revision ("-1"). */
		for (i = 0; i < upstream.n; i++) {
			if (upstream.p[i] == ':') {
				upstream.p += i + 1;
				upstream.n -= i + 1;
				break;
			}
		}
		for (i = upstream.n; i > 0; i--) {
			if (upstream.p[i - 1] == '-') {
				upstream.n = i - 1;
				break;
			}
		}
		/* Debian spells release candidates "6.8~rc3". */
		for (i = 0; i < upstream.n; i++) {
			if (upstream.p[i] == '~')
				out_str(&o, "-");
			else
				out_bytes(&o, &upstream.p[i], 1);
		}
		if (!o.ok)
			return false;
		cand.p = tmp;
		cand.n = o.len;
		if (!linux_parse(cand, &up) || up.distro)
			return false;
		if (have_rel && !linux_same_line(&rel, &up))
			return false;
		return out_finish(&o, ret, n);
	}

	if (have_rel && !rel.distro) {
		out_bytes(&o, rel_in.p, rel_in.n);
		return out_finish(&o, ret, n);
	}
	return false;
}

/* ================= dpkg ================= */

/* A Debian version: [epoch:]upstream[-revision]. */
struct dpkg_ver {
	struct span epoch;    /* digits, empty = 0 */
	struct span upstream; /* non-empty, starts with a digit */
	struct span revision; /* may be empty */
};

static bool dpkg_parse(struct span in, struct dpkg_ver *v)
{
	struct span rest = in;
	size_t i;

	v->epoch.p = in.p;
	v->epoch.n = 0;
	for (i = 0; i < in.n; i++) {
		if (in.p[i] == ':') {
			v->epoch.n = i;
			if (i == 0)
				return false;
			rest.p = in.p + i + 1;
			rest.n = in.n - i - 1;
			break;
		}
	}
	for (i = 0; i < v->epoch.n; i++)
		if (!ct_is_digit(v->epoch.p[i]))
			return false;

	v->upstream = rest;
	v->revision.p = rest.p + rest.n;
	v->revision.n = 0;
	for (i = rest.n; i > 0; i--) {
		if (rest.p[i - 1] == '-') {
			v->upstream.n = i - 1;
			v->revision.p = rest.p + i;
			v->revision.n = rest.n - i;
			if (v->revision.n == 0)
				return false;
			break;
		}
	}
	if (v->upstream.n == 0 || !ct_is_digit(v->upstream.p[0]))
		return false;
	return span_chars_ok(v->upstream, ".+~-") &&
	       span_chars_ok(v->revision, ".+~");
}

/* Weight of the byte at @p in a non-digit run (policy 5.6.12). */
static int dpkg_weight(const char *p, const char *end)
{
	if (p == end || ct_is_digit(*p))
		return 0;
	if (ct_is_alpha(*p))
		return (unsigned char)*p;
	if (*p == '~')
		return -1;
	return (unsigned char)*p + 256;
}

/* Debian's upstream/revision comparison: alternate non-digit and digit runs. */
static int dpkg_part_cmp(struct span a, struct span b)
{
	const char *p = a.p, *pe = a.p + a.n;
	const char *q = b.p, *qe = b.p + b.n;

	while (p < pe || q < qe) {
		struct span dp, dq;
		int r;

		while ((p < pe && !ct_is_digit(*p)) || (q < qe && !ct_is_digit(*q))) {
			int wp = dpkg_weight(p, pe), wq = dpkg_weight(q, qe);

			if (wp != wq)
				return wp < wq ? -1 : 1;
			/* Equal weights here mean equal non-digit bytes. */
			p++;
			q++;
		}
		dp.p = p;
		while (p < pe && ct_is_digit(*p))
			p++;
		dp.n = (size_t)(p - dp.p);
		dq.p = q;
		while (q < qe && ct_is_digit(*q))
			q++;
		dq.n = (size_t)(q - dq.p);
		r = num_cmp(dp, dq);
		if (r)
			return r;
	}
	return 0;
}

static enum ct_version_order dpkg_compare(struct span a, struct span b)
{
	struct dpkg_ver va, vb;
	int r;

	if (!dpkg_parse(a, &va) || !dpkg_parse(b, &vb))
		return CT_VERSION_INVALID;
	r = num_cmp(va.epoch, vb.epoch);
	if (!r)
		r = dpkg_part_cmp(va.upstream, vb.upstream);
	if (!r)
		r = dpkg_part_cmp(va.revision, vb.revision);
	return order_of(r);
}

/* ================= RPM ================= */

/* An RPM EVR: [epoch:]version[-release]. */
struct rpm_ver {
	struct span epoch;   /* digits, empty = 0 */
	struct span version; /* non-empty */
	bool has_release;    /* "-release" present */
	struct span release; /* non-empty if has_release */
	struct span dist;    /* "el9_4" found in release, or empty */
};

/* Find an "elN" or "elN_M" dist tag delimited by non-alphanumerics. */
static struct span rpm_dist_tag(struct span rel)
{
	struct span none = { rel.p, 0 };
	size_t i;

	for (i = 0; i + 2 < rel.n; i++) {
		struct cur c;
		struct span d;

		if (i > 0 && ct_is_alnum(rel.p[i - 1]))
			continue;
		if (rel.p[i] != 'e' || rel.p[i + 1] != 'l')
			continue;
		c.p = rel.p + i + 2;
		c.end = rel.p + rel.n;
		if (!cur_digits(&c, &d))
			continue;
		if (cur_peek_is(&c, '_') && cur_peek2_digit(&c)) {
			c.p++;
			cur_digits(&c, &d);
		}
		if (!cur_at_end(&c) && (ct_is_alnum(*c.p) || *c.p == '_'))
			continue;
		none.p = rel.p + i;
		none.n = (size_t)(c.p - none.p);
		return none;
	}
	return none;
}

static bool rpm_parse(struct span in, struct rpm_ver *v)
{
	struct cur c = cur_of(in);
	struct span rest, d;
	size_t i, dash = SIZE_MAX;

	memset(v, 0, sizeof(*v));
	v->epoch.p = in.p;
	if (cur_digits(&c, &d) && cur_peek_is(&c, ':')) {
		v->epoch = d;
		c.p++;
	} else {
		c.p = in.p;
	}
	rest = cur_rest(&c);
	for (i = 0; i < rest.n; i++) {
		if (rest.p[i] != '-')
			continue;
		if (dash != SIZE_MAX)
			return false; /* a version cannot contain '-' */
		dash = i;
	}
	v->version = rest;
	if (dash != SIZE_MAX) {
		v->version.n = dash;
		v->has_release = true;
		v->release.p = rest.p + dash + 1;
		v->release.n = rest.n - dash - 1;
		if (v->release.n == 0)
			return false;
		v->dist = rpm_dist_tag(v->release);
	}
	if (v->version.n == 0)
		return false;
	return span_chars_ok(v->version, "._+~^") &&
	       span_chars_ok(v->release, "._+~^");
}

static enum ct_version_order rpm_compare(struct span a, struct span b)
{
	struct rpm_ver va, vb;
	int r;

	if (!rpm_parse(a, &va) || !rpm_parse(b, &vb))
		return CT_VERSION_INVALID;
	/* el9_3 and el9_4 are separate minor-release streams. */
	if (va.dist.n && vb.dist.n && !bytes_eq(va.dist, vb.dist))
		return CT_VERSION_INCOMPARABLE;
	r = num_cmp(va.epoch, vb.epoch);
	if (!r)
		r = seg_cmp(va.version, vb.version);
	/* As in rpm dependency matching, a missing release matches any. */
	if (!r && va.has_release && vb.has_release)
		r = seg_cmp(va.release, vb.release);
	return order_of(r);
}

/* ================= ESXi ================= */

/* Which grammar an ESXi version came from. */
enum esxi_kind {
	ESXI_NAMED, /* 7.x/8.x and older: update + patch letter + build */
	ESXI_NINE,  /* 9.x: maintenance + EEHH + build */
	ESXI_PATCH, /* "ESXi600-201608001" patch release names */
};

/* A parsed ESXi version; spans point into the input or the alias table. */
struct esxi_ver {
	enum esxi_kind kind;   /* grammar */
	struct span major;     /* release line, first part */
	struct span minor;     /* release line, second part */
	struct span update;    /* NAMED: update (0 = GA); NINE: maintenance */
	struct span eehh;      /* NINE: express/hot patch code, empty = 0 */
	int letter;            /* NAMED: patch letter rank, 0 none, 1 = 'a' */
	bool letter_known;     /* NAMED: letter is known (else build only) */
	bool has_build;        /* build number known */
	struct span build;     /* build digits */
	struct span date;      /* PATCH: "201608001" */
	bool patch_esxi;       /* PATCH: "ESXi" rather than "ESX" prefix */
};

/* One row of KB 316595 (rules/data/esxi-builds.txt). */
struct esxi_alias {
	const char *major;  /* "8" */
	const char *minor;  /* "0" */
	const char *update; /* "3" */
	char letter;        /* 'e', or 0 for the update itself */
	const char *build;  /* "24674464" */
};

/* Within one update, build order equals letter order (checked by tests). */
static const struct esxi_alias esxi_aliases[] = {
#include "rules/esxi-builds.inc"
};

#define ESXI_ALIAS_COUNT (sizeof(esxi_aliases) / sizeof(esxi_aliases[0]))

static int letter_rank(char c)
{
	return c ? ct_to_lower(c) - 'a' + 1 : 0;
}

static bool alias_same_update(const struct esxi_alias *e,
			      const struct esxi_ver *v)
{
	return num_eq_lit(v->major, e->major) &&
	       num_eq_lit(v->minor, e->minor) &&
	       num_eq_lit(v->update, e->update);
}

static const struct esxi_alias *alias_by_build(struct span build)
{
	size_t i;

	for (i = 0; i < ESXI_ALIAS_COUNT; i++)
		if (num_eq_lit(build, esxi_aliases[i].build))
			return &esxi_aliases[i];
	return NULL;
}

static const struct esxi_alias *alias_by_name(const struct esxi_ver *v)
{
	size_t i;

	for (i = 0; i < ESXI_ALIAS_COUNT; i++)
		if (alias_same_update(&esxi_aliases[i], v) &&
		    letter_rank(esxi_aliases[i].letter) == v->letter)
			return &esxi_aliases[i];
	return NULL;
}

/* Optional trailing " build-N" / " Releasebuild-N" / " build N". */
static bool esxi_build_suffix(struct cur *c, struct esxi_ver *v)
{
	struct cur t = *c;
	struct span d;

	if (cur_at_end(c))
		return true;
	if (!cur_blanks(&t) || v->has_build)
		return false;
	if (!cur_eat_ci(&t, "build-") && !cur_eat_ci(&t, "releasebuild-")) {
		if (!cur_eat_ci(&t, "build") || !cur_blanks(&t))
			return false;
	}
	if (!cur_digits(&t, &d) || !cur_at_end(&t))
		return false;
	v->has_build = true;
	v->build = d;
	*c = t;
	return true;
}

/* After "M.m" of a 9.x version. */
static bool esxi_parse_nine(struct cur *c, struct esxi_ver *v)
{
	struct span d;

	v->kind = ESXI_NINE;
	v->update.p = c->p;
	v->eehh.p = c->p;
	if (cur_peek_is(c, '.')) {
		c->p++;
		if (!cur_digits(c, &v->update))
			return false;
		if ((cur_peek_is(c, '.') || cur_peek_is(c, '-')) &&
		    cur_peek2_digit(c)) {
			bool dash = *c->p == '-';

			c->p++;
			cur_digits(c, &d);
			if (d.n > 4) {
				/* "9.0.1-24957456": build without EEHH. */
				if (!dash)
					return false;
				v->has_build = true;
				v->build = d;
			} else {
				v->eehh = d;
				if (cur_peek_is(c, '.')) {
					c->p++;
					if (!cur_digits(c, &v->build))
						return false;
					v->has_build = true;
				}
			}
		}
	} else {
		struct cur t = *c;

		cur_blanks(&t);
		if (cur_eat_ci(&t, "ga") && cur_at_boundary(&t))
			*c = t;
	}
	return esxi_build_suffix(c, v) && cur_at_end(c);
}

/* After "M.m" of a 7.x/8.x (or older) version. */
static bool esxi_parse_named(struct cur *c, struct esxi_ver *v)
{
	struct cur t;
	struct span d;
	bool explicit_letter = false;

	v->kind = ESXI_NAMED;
	v->update.p = c->p;
	v->update.n = 0;
	if (cur_peek_is(c, '.')) {
		/* "8.0.3", "8.0.3e", "8.0.3-0.70.24674464", "7.0.3-19482537" */
		c->p++;
		if (!cur_digits(c, &v->update))
			return false;
		if (c->p < c->end && ct_is_alpha(*c->p)) {
			v->letter = letter_rank(*c->p);
			explicit_letter = true;
			c->p++;
			if (!cur_at_boundary(c))
				return false;
		} else if (cur_peek_is(c, '-') && cur_peek2_digit(c)) {
			c->p++;
			cur_digits(c, &d);
			if (cur_peek_is(c, '.')) {
				/* quarter.patch.build */
				c->p++;
				if (!cur_digits(c, &d) || !cur_peek_is(c, '.'))
					return false;
				c->p++;
				if (!cur_digits(c, &d))
					return false;
			}
			v->has_build = true;
			v->build = d;
		}
	} else if (!cur_at_end(c)) {
		t = *c;
		if (cur_eat_ci(&t, "ga") && cur_at_boundary(&t)) {
			/* "8.0GA" */
			explicit_letter = true;
			*c = t;
		} else if (ct_is_alpha(*c->p) && ct_to_lower(*c->p) != 'u' &&
			   (c->end - c->p == 1 || is_blank(c->p[1]))) {
			/* "8.0b": a patch on the GA line ("8.0U" is a
			 * truncated "8.0U3", not a patch "u") */
			v->letter = letter_rank(*c->p);
			explicit_letter = true;
			c->p++;
		} else {
			t = *c;
			cur_blanks(&t);
			if (cur_eat_ci(&t, "ga") && cur_at_boundary(&t)) {
				explicit_letter = true;
			} else if (cur_eat_ci(&t, "update") ||
				   cur_eat_ci(&t, "u")) {
				cur_blanks(&t);
				if (!cur_digits(&t, &v->update))
					return false;
				if (t.p < t.end && ct_is_alpha(*t.p)) {
					v->letter = letter_rank(*t.p);
					t.p++;
				}
				if (!cur_at_boundary(&t))
					return false;
				explicit_letter = true;
			} else {
				return false;
			}
			*c = t;
		}
	}
	if (!esxi_build_suffix(c, v) || !cur_at_end(c))
		return false;
	/* A bare "8.0.3" names the update itself; "8.0.3 build-N" only
	 * says which update the build belongs to. */
	v->letter_known = explicit_letter || !v->has_build;
	return true;
}

/* "ESXi600-201608001" (the prefix already consumed). */
static bool esxi_parse_patch(struct cur *c, struct esxi_ver *v)
{
	struct span rel;

	v->kind = ESXI_PATCH;
	if (cur_digits(c, &rel) != 3 || !cur_peek_is(c, '-'))
		return false;
	c->p++;
	if (cur_digits(c, &v->date) < 6 || v->date.n > 12 || !cur_at_end(c))
		return false;
	v->major.p = rel.p;
	v->major.n = 1;
	v->minor.p = rel.p + 1;
	v->minor.n = 1;
	v->update.p = rel.p + 2;
	v->update.n = 1;
	return true;
}

/*
 * A name with a build outside the table must sit between the known
 * patches of its update: earlier letters have smaller builds, later
 * letters larger ones.  Otherwise build order and letter order would
 * disagree and comparisons would stop being transitive.
 */
static bool esxi_build_fits(const struct esxi_ver *v)
{
	size_t i;

	for (i = 0; i < ESXI_ALIAS_COUNT; i++) {
		const struct esxi_alias *e = &esxi_aliases[i];
		int rank = letter_rank(e->letter);
		int bc;

		if (!alias_same_update(e, v))
			continue;
		bc = num_cmp(lit(e->build), v->build);
		if ((rank < v->letter && bc >= 0) ||
		    (rank > v->letter && bc <= 0))
			return false;
	}
	return true;
}

static void esxi_from_alias(const struct esxi_alias *e, struct esxi_ver *v)
{
	v->kind = ESXI_NAMED;
	v->major = lit(e->major);
	v->minor = lit(e->minor);
	v->update = lit(e->update);
	v->letter = letter_rank(e->letter);
	v->letter_known = true;
}

static bool esxi_parse(struct span in, struct esxi_ver *v)
{
	struct cur c = cur_of(in);
	struct cur t;
	struct span d;
	bool prefixed;

	memset(v, 0, sizeof(*v));

	t = c;
	if (cur_eat_ci(&t, "vmware") && cur_blanks(&t))
		c = t;
	t = c;
	if (cur_eat_ci(&t, "esxi") || cur_eat_ci(&t, "esx")) {
		if (cur_peek_digit(&t)) {
			v->patch_esxi = t.p - c.p == 4;
			return esxi_parse_patch(&t, v);
		}
		if (!cur_blanks(&t))
			return false;
		c = t;
	}

	/* Bare build: "24674464", "build-24674464", "Releasebuild-...". */
	t = c;
	prefixed = cur_eat_ci(&t, "build-") || cur_eat_ci(&t, "releasebuild-");
	if (!prefixed) {
		prefixed = cur_eat_ci(&t, "build") && cur_blanks(&t);
		if (!prefixed)
			t = c;
	}
	if (cur_digits(&t, &d) && cur_at_end(&t)) {
		const struct esxi_alias *e = alias_by_build(d);

		if (!e)
			return false; /* cannot place it on a line */
		esxi_from_alias(e, v);
		v->has_build = true;
		v->build = d;
		return true;
	}
	if (prefixed)
		return false;

	if (!cur_digits(&c, &v->major) || !cur_peek_is(&c, '.'))
		return false;
	c.p++;
	if (!cur_digits(&c, &v->minor))
		return false;
	if (num_cmp(v->major, lit("9")) >= 0)
		return esxi_parse_nine(&c, v);
	if (!esxi_parse_named(&c, v))
		return false;

	if (v->has_build) {
		const struct esxi_alias *e = alias_by_build(v->build);

		if (e) {
			if (!alias_same_update(e, v))
				return false; /* build of another release */
			if (v->letter_known &&
			    v->letter != letter_rank(e->letter))
				return false;
			v->letter = letter_rank(e->letter);
			v->letter_known = true;
		} else if (v->letter_known && !esxi_build_fits(v)) {
			return false; /* "8.0 U3h build-N" below U3g's build */
		}
	} else {
		const struct esxi_alias *e = alias_by_name(v);

		if (e) {
			v->has_build = true;
			v->build = lit(e->build);
		}
	}
	return true;
}

/*
 * Place a build whose letter is unknown (@u) against a named patch that
 * is not in the alias table (@k), using known patches of the same update
 * as brackets: a known patch with a later letter but a build <= u's means
 * u is later than k, and vice versa.  Returns the order of u against k.
 */
static enum ct_version_order esxi_bracket(const struct esxi_ver *u,
					  const struct esxi_ver *k)
{
	bool later = false, earlier = false;
	size_t i;

	for (i = 0; i < ESXI_ALIAS_COUNT; i++) {
		const struct esxi_alias *e = &esxi_aliases[i];
		int rank = letter_rank(e->letter);
		int bc;

		if (!alias_same_update(e, k))
			continue;
		bc = num_cmp(lit(e->build), u->build);
		if (rank > k->letter && bc <= 0)
			later = true;
		if (rank < k->letter && bc >= 0)
			earlier = true;
	}
	if (later == earlier)
		return CT_VERSION_INCOMPARABLE;
	return later ? CT_VERSION_GREATER : CT_VERSION_LESS;
}

static enum ct_version_order esxi_named_cmp(const struct esxi_ver *a,
					    const struct esxi_ver *b)
{
	int r = num_cmp(a->update, b->update);

	if (r)
		return order_of(r);
	if (a->letter_known && b->letter_known && a->letter != b->letter)
		return a->letter < b->letter ? CT_VERSION_LESS :
					       CT_VERSION_GREATER;
	/* Within one update line build order is patch order. */
	if (a->has_build && b->has_build)
		return order_of(num_cmp(a->build, b->build));
	if (a->letter_known && b->letter_known)
		return CT_VERSION_EQUAL;
	/* One side is a build outside the table, the other a name outside it. */
	if (!a->letter_known) {
		return esxi_bracket(a, b);
	} else {
		enum ct_version_order o = esxi_bracket(b, a);

		if (o == CT_VERSION_LESS || o == CT_VERSION_GREATER)
			return (enum ct_version_order)(-(int)o);
		return o;
	}
}

static enum ct_version_order esxi_compare(struct span a, struct span b)
{
	struct esxi_ver va, vb;
	int r;

	if (!esxi_parse(a, &va) || !esxi_parse(b, &vb))
		return CT_VERSION_INVALID;
	/* Build numbers are a global counter, never a cross-line order. */
	if (num_cmp(va.major, vb.major) || num_cmp(va.minor, vb.minor))
		return CT_VERSION_INCOMPARABLE;
	if (va.kind != vb.kind)
		return CT_VERSION_INCOMPARABLE;
	switch (va.kind) {
	case ESXI_NAMED:
		return esxi_named_cmp(&va, &vb);
	case ESXI_NINE:
		r = num_cmp(va.update, vb.update);
		if (!r)
			r = num_cmp(va.eehh, vb.eehh);
		if (!r && va.has_build && vb.has_build)
			r = num_cmp(va.build, vb.build);
		return order_of(r);
	case ESXI_PATCH:
		if (va.patch_esxi != vb.patch_esxi)
			return CT_VERSION_INCOMPARABLE;
		r = num_cmp(va.date, vb.date);
		if (!r)
			r = num_cmp(va.update, vb.update);
		return order_of(r);
	}
	return CT_VERSION_INVALID;
}

bool ct_esxi_normalize(const char *v, char *ret, size_t n)
{
	struct span in;
	struct esxi_ver e;
	char tmp[CT_VERSION_INPUT_LIMIT + 64];
	struct out o;

	if (!input_span(v, &in) || !esxi_parse(in, &e))
		return false;
	out_init(&o, tmp, sizeof(tmp));
	switch (e.kind) {
	case ESXI_NAMED:
		out_num(&o, e.major);
		out_str(&o, ".");
		out_num(&o, e.minor);
		out_str(&o, ".");
		out_num(&o, e.update);
		if (e.letter_known && e.letter > 0) {
			char l = (char)('a' + e.letter - 1);

			out_bytes(&o, &l, 1);
		}
		if (e.has_build) {
			out_str(&o, " build-");
			out_num(&o, e.build);
		}
		break;
	case ESXI_NINE: {
		struct span x = num_strip(e.eehh);

		out_num(&o, e.major);
		out_str(&o, ".");
		out_num(&o, e.minor);
		out_str(&o, ".");
		out_num(&o, e.update);
		out_str(&o, ".");
		if (x.n == 0) {
			out_str(&o, "0");
		} else {
			out_bytes(&o, "0000", 4 - x.n);
			out_bytes(&o, x.p, x.n);
		}
		if (e.has_build) {
			out_str(&o, ".");
			out_num(&o, e.build);
		}
		break;
	}
	case ESXI_PATCH:
		out_str(&o, e.patch_esxi ? "ESXi" : "ESX");
		out_bytes(&o, e.major.p, 1);
		out_bytes(&o, e.minor.p, 1);
		out_bytes(&o, e.update.p, 1);
		out_str(&o, "-");
		out_bytes(&o, e.date.p, e.date.n);
		break;
	}
	return out_finish(&o, ret, n);
}

/* ================= public entry points ================= */

static const char *const scheme_names[CT_VERSION_SCHEME_MAX] = {
	[CT_VERSION_DOTTED] = "dotted",
	[CT_VERSION_DRIVER] = "driver",
	[CT_VERSION_ESXI] = "esxi",
	[CT_VERSION_NSX] = "nsx",
	[CT_VERSION_LINUX] = "linux",
	[CT_VERSION_DPKG] = "dpkg",
	[CT_VERSION_RPM] = "rpm",
};

bool ct_version_scheme_from_name(const char *name, enum ct_version_scheme *ret)
{
	int i;

	if (!name || !ret)
		return false;
	for (i = 0; i < CT_VERSION_SCHEME_MAX; i++) {
		if (strcmp(name, scheme_names[i]) == 0) {
			*ret = (enum ct_version_scheme)i;
			return true;
		}
	}
	if (strcmp(name, "esx") == 0) {
		*ret = CT_VERSION_ESXI;
		return true;
	}
	return false;
}

const char *ct_version_scheme_name(enum ct_version_scheme s)
{
	if ((unsigned)s >= CT_VERSION_SCHEME_MAX)
		return NULL;
	return scheme_names[s];
}

enum ct_version_order ct_version_compare(enum ct_version_scheme s,
					 const char *a, const char *b)
{
	struct span sa, sb;

	if (!input_span(a, &sa) || !input_span(b, &sb))
		return CT_VERSION_INVALID;
	switch (s) {
	case CT_VERSION_DOTTED:
		return dotted_compare(sa, sb);
	case CT_VERSION_DRIVER:
		return driver_compare(sa, sb);
	case CT_VERSION_ESXI:
		return esxi_compare(sa, sb);
	case CT_VERSION_NSX:
		return nsx_compare(sa, sb);
	case CT_VERSION_LINUX:
		return linux_compare(sa, sb);
	case CT_VERSION_DPKG:
		return dpkg_compare(sa, sb);
	case CT_VERSION_RPM:
		return rpm_compare(sa, sb);
	case CT_VERSION_SCHEME_MAX:
		break;
	}
	return CT_VERSION_INVALID;
}

bool ct_version_line(enum ct_version_scheme s, const char *v, char *ret,
		     size_t n)
{
	struct span in;
	char tmp[CT_VERSION_INPUT_LIMIT + 8];
	struct out o;
	bool ok = false;

	if (!input_span(v, &in))
		return false;
	out_init(&o, tmp, sizeof(tmp));
	switch (s) {
	case CT_VERSION_DOTTED: {
		struct span d;

		ok = dotted_parse(in, &d);
		break;
	}
	case CT_VERSION_DRIVER: {
		struct driver_ver d;

		ok = driver_parse(in, &d);
		break;
	}
	case CT_VERSION_DPKG: {
		struct dpkg_ver d;

		ok = dpkg_parse(in, &d);
		break;
	}
	case CT_VERSION_ESXI: {
		struct esxi_ver e;

		ok = esxi_parse(in, &e);
		if (ok) {
			out_num(&o, e.major);
			out_str(&o, ".");
			out_num(&o, e.minor);
		}
		break;
	}
	case CT_VERSION_NSX: {
		struct nsx_ver x;

		ok = nsx_parse(in, &x);
		if (ok) {
			out_num(&o, x.comp[0]);
			out_str(&o, ".");
			out_num(&o, x.comp[1]);
		}
		break;
	}
	case CT_VERSION_LINUX:
		ok = linux_line(in, &o);
		break;
	case CT_VERSION_RPM: {
		struct rpm_ver r;

		ok = rpm_parse(in, &r);
		if (ok)
			out_bytes(&o, r.dist.p, r.dist.n);
		break;
	}
	case CT_VERSION_SCHEME_MAX:
		break;
	}
	return ok && out_finish(&o, ret, n);
}
