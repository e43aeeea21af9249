/*
 * logline.c - strip the prefixes that log writers put before a message:
 * ESXi vmkernel ("2018-06-17T17:41:52.760Z cpu50:66340)", 8.x syslog
 * headers "In(182) vmkernel:", ESX 3.x uptimes), syslog and journal
 * ("May 25 15:23:30 pve-02 kernel:"), console loglevels ("<4>"), dmesg
 * ("[  123.456789]") and printk callers ("[    T1]", "[C3]"), in the
 * combinations that real files show.  Prefix facts (timestamp, host, cpu,
 * world) are returned as spans into the line.
 */
#include "internal.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip ANSI escape sequences "ESC [ ... final" at p. */
static const char *skip_ansi(const char *p, const char *end)
{
	while (end - p >= 2 && p[0] == 0x1b && p[1] == '[') {
		const char *q = p + 2;
		while (q < end && ((*q >= '0' && *q <= '9') || *q == ';'))
			q++;
		if (q >= end)
			return end;
		p = q + 1;
	}
	return p;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac][Z|+HH:MM]" at p: end of it, or NULL. */
static const char *iso_timestamp(const char *p, const char *end)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	if (end - p < (ptrdiff_t)sizeof(shape) - 1)
		return NULL;
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !is_digit(p[i])
				    : (shape[i] == 'T' ? (p[i] != 'T' && p[i] != ' ')
						       : p[i] != shape[i]))
			return NULL;
	}
	const char *q = p + sizeof(shape) - 1;
	if (q < end && (*q == '.' || *q == ',')) {
		q++;
		while (q < end && is_digit(*q))
			q++;
	}
	if (q < end && *q == 'Z')
		q++;
	else if (end - q >= 6 && (*q == '+' || *q == '-') && is_digit(q[1]) &&
		 is_digit(q[2]) && q[3] == ':')
		q += 6;
	return q;
}

/* "Mon DD HH:MM:SS[.frac]" (syslog/journal) at p: end of it, or NULL. */
static const char *syslog_timestamp(const char *p, const char *end)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (end - p < 15)
		return NULL;
	bool month = false;
	for (int i = 0; i < 12; i++)
		if (memcmp(p, months + 3 * i, 3) == 0)
			month = true;
	if (!month || p[3] != ' ')
		return NULL;
	const char *q = p + 4;
	if (*q == ' ')
		q++;
	if (!is_digit(*q))
		return NULL;
	while (q < end && is_digit(*q))
		q++;
	if (end - q < 9 || *q != ' ' || !is_digit(q[1]) || !is_digit(q[2]) ||
	    q[3] != ':' || !is_digit(q[4]) || !is_digit(q[5]) ||
	    q[6] != ':' || !is_digit(q[7]) || !is_digit(q[8]))
		return NULL;
	q += 9;
	if (q < end && *q == '.') {
		q++;
		while (q < end && is_digit(*q))
			q++;
	}
	return q;
}

/* "[  123.456789]" at p: end of it (after ']'), or NULL. */
static const char *dmesg_stamp(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return NULL;
	const char *q = p + 1;
	while (q < end && *q == ' ')
		q++;
	const char *digits = q;
	while (q < end && is_digit(*q))
		q++;
	if (q == digits || q >= end || *q != '.')
		return NULL;
	q++;
	while (q < end && is_digit(*q))
		q++;
	if (q >= end || *q != ']')
		return NULL;
	return q + 1;
}

/* printk caller "[    T123]" or "[  C3]": end of it, or NULL. */
static const char *printk_caller(const char *p, const char *end, long *cpu)
{
	if (p >= end || *p != '[')
		return NULL;
	const char *q = p + 1;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || (*q != 'T' && *q != 'C'))
		return NULL;
	char kind = *q++;
	const char *digits = q;
	unsigned long n = 0;
	if (!ct_parse_dec(&q, end, &n) || q == digits || q >= end || *q != ']')
		return NULL;
	if (kind == 'C')
		*cpu = (long)(n > 1000000 ? 1000000 : n);
	return q + 1;
}

/* ESXi "cpuN:WORLD[ opID=...])" at p: end of it, or NULL. */
static const char *esxi_cpu_world(const char *p, const char *end,
				  struct ct_log_prefix *r)
{
	if (end - p < 6 || memcmp(p, "cpu", 3) != 0)
		return NULL;
	const char *q = p + 3;
	unsigned long cpu;
	if (!ct_parse_dec(&q, end, &cpu) || q >= end || *q != ':')
		return NULL;
	q++;
	const char *world = q;
	unsigned long w;
	if (!ct_parse_dec(&q, end, &w))
		return NULL;
	const char *world_end = q;
	/* optional " opID=..." up to ')' */
	if (q < end && *q == ' ') {
		const char *close = memchr(q, ')', (size_t)(end - q) < 128
						       ? (size_t)(end - q) : 128);
		if (!close)
			return NULL;
		q = close;
	}
	if (q >= end || *q != ')')
		return NULL;
	r->cpu = (long)(cpu > 100000 ? 100000 : cpu);
	r->world = world;
	r->world_len = (size_t)(world_end - world);
	r->vmkernel = true;
	return q + 1;
}

/* ESXi 8 header after the timestamp: " In(182)[+] vmkernel: " or with a
 * pid "vobd[2097521]:".  Returns the position after it, or NULL. */
static const char *esxi8_header(const char *p, const char *end,
				struct ct_log_prefix *r)
{
	if (end - p < 9 || p[0] != ' ')
		return NULL;
	const char *q = p + 1;
	static const char *const sev[] = { "Em", "Al", "Cr", "Er", "Wa", "No",
					   "In", "Db" };
	bool ok = false;
	for (size_t i = 0; i < CT_ARRAY_SIZE(sev); i++)
		if (memcmp(q, sev[i], 2) == 0)
			ok = true;
	if (!ok || q[2] != '(')
		return NULL;
	q += 3;
	unsigned long prival;
	if (!ct_parse_dec(&q, end, &prival) || q >= end || *q != ')')
		return NULL;
	q++;
	if (q < end && *q == '+') {
		r->continuation = true;
		q++;
	}
	if (q >= end || *q != ' ')
		return NULL;
	q++;
	/* thread name up to ':' within a short window */
	const char *colon = memchr(q, ':', (size_t)(end - q) < 64
					      ? (size_t)(end - q) : 64);
	if (!colon)
		return NULL;
	for (const char *s = q; s < colon; s++)
		if (*s == ' ')
			return NULL;
	r->vmkernel = true;
	q = colon + 1;
	if (q < end && *q == ' ')
		q++;
	return q;
}

/* Syslog "host tag[pid]: " after a timestamp: position after it, or NULL. */
static const char *syslog_host_tag(const char *p, const char *end,
				   struct ct_log_prefix *r)
{
	if (p >= end || *p != ' ')
		return NULL;
	const char *host = p + 1;
	const char *q = host;
	while (q < end && *q != ' ' && *q != ':')
		q++;
	if (q >= end || *q != ' ' || q == host)
		return NULL;
	const char *host_end = q;
	q++;
	const char *tag = q;
	while (q < end && *q != ':' && *q != ' ' && q - tag < 64)
		q++;
	if (q >= end || *q != ':' || q == tag)
		return NULL;
	r->host = host;
	r->host_len = (size_t)(host_end - host);
	q++;
	if (q < end && *q == ' ')
		q++;
	return q;
}

/* ESX 3.x uptime "54:01:08:11.385 " at p: end of it, or NULL. */
static const char *esx3_uptime(const char *p, const char *end)
{
	const char *q = p;
	for (int part = 0; part < 4; part++) {
		const char *d = q;
		while (q < end && is_digit(*q))
			q++;
		if (q == d || q >= end)
			return NULL;
		if (part < 3) {
			if (*q != ':')
				return NULL;
			q++;
		}
	}
	if (*q != '.')
		return NULL;
	q++;
	while (q < end && is_digit(*q))
		q++;
	return q < end && *q == ' ' ? q + 1 : NULL;
}

void ct_log_prefix_parse(const char *p, size_t len, struct ct_log_prefix *r)
{
	const char *end = p + len, *q;
	memset(r, 0, sizeof(*r));
	r->cpu = -1;
	p = skip_ansi(p, end);

	/* console loglevel "<4>" */
	if (end - p >= 3 && *p == '<' && is_digit(p[1])) {
		q = p + 1;
		while (q < end && is_digit(*q) && q - p < 5)
			q++;
		if (q < end && *q == '>')
			p = q + 1;
	}

	if ((q = iso_timestamp(p, end))) {
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - p);
		const char *h;
		if ((h = esxi8_header(q, end, r)))
			p = h;
		else if (q < end && *q == ' ' &&
			 esxi_cpu_world(q + 1, end, r))
			p = q + 1;
		else if ((h = syslog_host_tag(q, end, r)))
			p = h;
		else
			p = ct_skip_blanks(q, end);
	} else if ((q = syslog_timestamp(p, end))) {
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - p);
		const char *h = syslog_host_tag(q, end, r);
		p = h ? h : ct_skip_blanks(q, end);
	} else if ((q = esx3_uptime(p, end)) && esxi_cpu_world(q, end, r)) {
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - 1 - p);
		p = q;
	}

	/* syslog may carry a dmesg stamp too: "kernel: [ 3139.70] ..." */
	const char *after_loglevel = p;
	if (end - p >= 3 && *p == '<' && is_digit(p[1])) {
		q = p + 1;
		while (q < end && is_digit(*q) && q - p < 5)
			q++;
		if (q < end && *q == '>')
			after_loglevel = q + 1;
	}
	if ((q = dmesg_stamp(after_loglevel, end))) {
		if (!r->timestamp) {
			r->timestamp = after_loglevel;
			r->timestamp_len = (size_t)(q - after_loglevel);
		}
		p = q;
		const char *c = printk_caller(p, end, &r->cpu);
		if (c)
			p = c;
		if (p < end && *p == ' ')
			p++;
	}

	/* ESXi "cpuN:W)" after whatever came first */
	if ((q = esxi_cpu_world(p, end, r)))
		p = q;
	p = skip_ansi(p, end);
	r->message = p;
	r->message_len = (size_t)(end - p);
}
