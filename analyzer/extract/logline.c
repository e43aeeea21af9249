/* SPDX-License-Identifier: MIT */
/*
 * logline.c - strip the prefixes that log writers put before a message:
 * ESXi vmkernel ("2018-06-17T17:41:52.760Z cpu50:66340)", 8.x syslog
 * headers "In(182) vmkernel:", ESX 3.x uptimes) and the hostd and vobd
 * headers before 8.0 ("info hostd[B781B70] [Originator@6876 ...]", "Z:
 * [APDCorrelator]"), syslog and journal
 * ("May 25 15:23:30 pve-02 kernel:", RFC 3339 and RFC 5424 stamps,
 * "kern.warn" facility.level tags of busybox and OpenWrt logread), console
 * loglevels ("<4>"), dmesg ("[  123.456789]", "dmesg -T" and "dmesg -x"
 * forms) and printk callers ("[    T1]", "[C3]"), container consoles
 * ("kern:  err: [2024-...Z]: "), and the stamps serial-console capture
 * tools put first ("[2024-01-02 03:04:05] ", "[03:04:05.123] ",
 * "12:34:56.789 "), in the combinations that real files show.  Prefix
 * facts (timestamp, host, cpu, world) are returned as spans into the line.
 *
 * Every form is told apart by its first bytes, so a line with no prefix
 * costs a few comparisons.
 */
#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/span.h"

/* Skip ANSI escape sequences "ESC [ ... final" at p. */
static const char *skip_ansi(const char *p, const char *end)
{
	while (end - p >= 2 && p[0] == 0x1b && p[1] == '[') {
		const char *q = p + 2;
		while (q < end && (ct_is_digit(*q) || *q == ';'))
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
		if (shape[i] == 'd' ? !ct_is_digit(p[i])
				    : (shape[i] == 'T' ? (p[i] != 'T' && p[i] != ' ')
						       : p[i] != shape[i]))
			return NULL;
	}
	const char *q = p + sizeof(shape) - 1;
	if (q < end && (*q == '.' || *q == ',')) {
		q++;
		while (q < end && ct_is_digit(*q))
			q++;
	}
	if (q < end && *q == 'Z')
		q++;
	else if (end - q >= 6 && (*q == '+' || *q == '-') && ct_is_digit(q[1]) &&
		 ct_is_digit(q[2]) && q[3] == ':')
		q += 6;
	else if (end - q >= 5 && (*q == '+' || *q == '-') && ct_is_digit(q[1]) &&
		 ct_is_digit(q[2]) && ct_is_digit(q[3]) && ct_is_digit(q[4]))
		q += 5;	/* journalctl -o short-iso: "+0100" */
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
	const char *q = p + 3;
	if (!month) {
		/* a journal under another locale: "июл 27", "Mär  3",
		 * "févr. 14", "Okt 12" */
		q = p;
		while (q < end && q - p <= 12 &&
		       (ct_is_alpha(*q) ||
			(unsigned char)*q >= 0x80 || *q == '.'))
			q++;
		if (q - p < 3 || q - p > 12 || end - q < 12)
			return NULL;
	}
	if (*q != ' ')
		return NULL;
	q++;
	if (*q == ' ')
		q++;
	if (!ct_is_digit(*q))
		return NULL;
	while (q < end && ct_is_digit(*q))
		q++;
	if (end - q < 9 || *q != ' ' || !ct_is_digit(q[1]) || !ct_is_digit(q[2]) ||
	    q[3] != ':' || !ct_is_digit(q[4]) || !ct_is_digit(q[5]) ||
	    q[6] != ':' || !ct_is_digit(q[7]) || !ct_is_digit(q[8]))
		return NULL;
	q += 9;
	if (q < end && *q == '.') {
		q++;
		while (q < end && ct_is_digit(*q))
			q++;
	}
	return q;
}

const char *ct_log_dmesg_stamp(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return NULL;
	const char *q = p + 1;
	while (q < end && *q == ' ')
		q++;
	const char *digits = q;
	while (q < end && ct_is_digit(*q))
		q++;
	if (q == digits || q >= end || *q != '.')
		return NULL;
	q++;
	while (q < end && ct_is_digit(*q))
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

bool ct_log_is_vobd_message(const char *p, const char *end)
{
	static const char none[] = "No correlator for ";
	if ((size_t)(end - p) >= sizeof(none) - 1 &&
	    memcmp(p, none, sizeof(none) - 1) == 0)
		return true;
	/* "[scsiCorrelator] ", "[APDCorrelator] ": a word ending so */
	if (p >= end || *p != '[')
		return false;
	const char *q = p + 1;
	while (q < end && q - p <= 40 && ct_is_alpha(*q))
		q++;
	return q - p > 11 && end - q >= 2 && q[0] == ']' && q[1] == ' ' &&
	       memcmp(q - 10, "Correlator", 10) == 0;
}

/* ESXi daemon logs before 8.0, after the timestamp (ESXi 8 writes their
 * lines with the header esxi8_header() reads): hostd's, vpxa's and fdm's
 * " info hostd[B781B70] [Originator@6876 sub=Vimsvc.ha-eventmgr opID=x] "
 * (vmacore's level, the program and its thread, then VMware's syslog
 * structured data: 6876 is its enterprise number, which sets these lines
 * apart from any other program's), and vobd's ": [APDCorrelator] " or
 * ": No correlator for ".  The position of the message (after the
 * structured data; at vobd's correlator), or NULL. */
static const char *esxi_daemon_header(const char *p, const char *end,
				      struct ct_log_prefix *r)
{
	if (end - p >= 2 && p[0] == ':' && p[1] == ' ' &&
	    ct_log_is_vobd_message(p + 2, end)) {
		r->vmkernel = true;
		return p + 2;
	}
	static const char *const levels[] = { "verbose", "info", "warning",
					      "error", "trivia", "panic" };
	if (p >= end || *p != ' ')
		return NULL;
	const char *q = p + 1, *level_end = NULL;
	for (size_t i = 0; !level_end && i < CT_ARRAY_SIZE(levels); i++) {
		size_t n = strlen(levels[i]);
		if ((size_t)(end - q) > n && memcmp(q, levels[i], n) == 0 &&
		    q[n] == ' ')
			level_end = q + n;
	}
	if (!level_end)
		return NULL;
	/* the program and its thread: "hostd[B781B70]", "hostd[2099734]" */
	const char *name = q = level_end + 1;
	while (q < end && q - name < 32 &&
	       (ct_is_alnum(*q) || *q == '-' || *q == '_'))
		q++;
	if (q == name || q >= end || *q != '[')
		return NULL;
	const char *tid = ++q;
	while (q < end && q - tid < 20 && ct_is_hex(*q))
		q++;
	static const char sd[] = "] [Originator@6876 ";
	if (q == tid || (size_t)(end - q) < sizeof(sd) - 1 ||
	    memcmp(q, sd, sizeof(sd) - 1) != 0)
		return NULL;
	q += sizeof(sd) - 1;
	const char *close = memchr(q, ']', (size_t)(end - q) < 512
					       ? (size_t)(end - q) : 512);
	if (!close)
		return NULL;
	r->vmkernel = true;
	q = close + 1;
	return q < end && *q == ' ' ? q + 1 : q;
}

/* A syslog facility name ("kern", "daemon", "local7", ...) at [p, end):
 * the end of it, or NULL.  Most lines start with none of their first
 * letters: one switch turns them away. */
static const char *facility_name(const char *p, const char *end)
{
	const char *const *names;
	static const char *const a[] = { "authpriv", "auth", NULL };
	static const char *const c[] = { "cron", NULL };
	static const char *const d[] = { "daemon", NULL };
	static const char *const f[] = { "ftp", NULL };
	static const char *const k[] = { "kern", NULL };
	static const char *const l[] = { "lpr", "local", NULL };
	static const char *const m[] = { "mail", NULL };
	static const char *const n[] = { "news", NULL };
	static const char *const s[] = { "syslog", NULL };
	static const char *const u[] = { "user", "uucp", NULL };
	if (end - p < 3)
		return NULL;
	switch (*p) {
	case 'a': names = a; break;
	case 'c': names = c; break;
	case 'd': names = d; break;
	case 'f': names = f; break;
	case 'k': names = k; break;
	case 'l': names = l; break;
	case 'm': names = m; break;
	case 'n': names = n; break;
	case 's': names = s; break;
	case 'u': names = u; break;
	default: return NULL;
	}
	for (; *names; names++) {
		size_t len = strlen(*names);
		if ((size_t)(end - p) < len || memcmp(p, *names, len) != 0)
			continue;
		const char *q = p + len;
		if (strcmp(*names, "local") == 0) {	/* local0..local7 */
			if (q >= end || *q < '0' || *q > '7')
				continue;
			q++;
		}
		if (q < end && (ct_is_lower(*q) || ct_is_digit(*q)))
			continue;
		return q;
	}
	return NULL;
}

/* A syslog severity name ("err", "warning", ...) at [p, end): the end of
 * it, or NULL. */
static const char *level_name(const char *p, const char *end)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "err", "warning", "warn",
		"notice", "info", "debug", "panic",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]);
		if ((size_t)(end - p) < n || memcmp(p, names[i], n) != 0)
			continue;
		const char *q = p + n;
		if (q < end && ct_is_lower(*q))
			continue;
		return q;
	}
	return NULL;
}

/* "kern.warn" (busybox syslogd, OpenWrt logread) at p: the end, or NULL. */
static const char *facility_dot_level(const char *p, const char *end)
{
	const char *q = facility_name(p, end);
	if (!q || q >= end || *q != '.')
		return NULL;
	return level_name(q + 1, end);
}

/* "kern  :err   : " (dmesg -x) or "kern:  err: " (container and appliance
 * consoles such as talosctl dmesg) at p: the position after it, or NULL. */
/* Blanks then ':' at q: the position after the ':', or NULL. */
static const char *colon_after_blanks(const char *q, const char *end)
{
	while (q < end && *q == ' ')
		q++;
	return q < end && *q == ':' ? q + 1 : NULL;
}

static const char *facility_colon_level(const char *p, const char *end)
{
	const char *q = facility_name(p, end);
	if (!q || !(q = colon_after_blanks(q, end)))
		return NULL;
	while (q < end && *q == ' ')
		q++;
	if (!(q = level_name(q, end)) || !(q = colon_after_blanks(q, end)))
		return NULL;
	return q < end && *q == ' ' ? q + 1 : q;
}

/* Is [tag, colon) the syslog tag "kernel" or "kernel[0]"? */
static bool is_kernel_tag(const char *tag, const char *colon)
{
	return colon - tag >= 6 && memcmp(tag, "kernel", 6) == 0 &&
	       (colon - tag == 6 || tag[6] == '[');
}

/* A node name "172.20.0.2:" or "worker-1:" (talosctl dmesg -n) before a
 * facility: the position of its ':', or NULL. */
static const char *node_name(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && q - p < 64 && (ct_is_digit(*q) || *q == '.' ||
					 *q == '-' || *q == '_' ||
					 ct_is_alpha(*q)))
		q++;
	return q > p && q < end && *q == ':' ? q : NULL;
}

/* Syslog "host tag[pid]: " after a timestamp, with an optional
 * "facility.level" between host and tag (busybox syslogd) or instead of
 * the host (OpenWrt logread), or "host " right before a dmesg stamp: the
 * position after it, or NULL. */
static const char *syslog_header(const char *host, const char *end,
				 struct ct_log_prefix *r)
{
	const char *q = host, *host_end = NULL, *fl;
	if ((fl = facility_dot_level(host, end)) && fl < end && *fl == ' ') {
		q = fl + 1;	/* no host: "kern.warn kernel:" */
	} else {
		while (q < end && *q != ' ' && *q != ':')
			q++;
		if (q >= end || *q != ' ' || q == host)
			return NULL;
		host_end = q;
		q++;
		/* no tag, the kernel's own stamp: "Feb  9 12:50:38 l28
		 * [6437762.553311] IP: ..." (a remote syslogd) */
		if (ct_log_dmesg_stamp(q, end)) {
			r->host = host;
			r->host_len = (size_t)(host_end - host);
			return q;
		}
		if ((fl = facility_dot_level(q, end)) && fl < end &&
		    *fl == ' ')
			q = fl + 1;
	}
	const char *tag = q;
	while (q < end && *q != ':' && *q != ' ' && q - tag < 64)
		q++;
	if (q >= end || *q != ':' || q == tag)
		return NULL;
	if (host_end) {
		r->host = host;
		r->host_len = (size_t)(host_end - host);
	}
	r->kernel_tag = is_kernel_tag(tag, q);
	q++;
	if (q < end && *q == ' ')
		q++;
	return q;
}

/* syslog_header() after the blank that ends a timestamp. */
static const char *syslog_host_tag(const char *p, const char *end,
				   struct ct_log_prefix *r)
{
	if (p >= end || *p != ' ')
		return NULL;
	return syslog_header(p + 1, end, r);
}

/* RFC 5424 after "<PRI>": "1 TIMESTAMP HOST APP PROCID MSGID SD " where
 * the fields may be "-".  The position after it, or NULL. */
static const char *rfc5424_header(const char *p, const char *end,
				  struct ct_log_prefix *r)
{
	if (end - p < 4 || p[0] != '1' || p[1] != ' ')
		return NULL;
	const char *ts = p + 2, *q = iso_timestamp(ts, end);
	if (!q)
		return NULL;
	const char *field[4];
	size_t field_len[4];
	for (int i = 0; i < 4; i++) {
		if (q >= end || *q != ' ')
			return NULL;
		field[i] = ++q;
		while (q < end && *q != ' ' && q - field[i] < 256)
			q++;
		field_len[i] = (size_t)(q - field[i]);
		if (field_len[i] == 0)
			return NULL;
	}
	if (q >= end || *q != ' ')
		return NULL;
	q++;
	/* structured data: "-" or one or more "[...]" elements */
	if (q < end && *q == '-') {
		q++;
	} else {
		while (q < end && *q == '[') {
			const char *close = memchr(q, ']', (size_t)(end - q));
			if (!close)
				return NULL;
			q = close + 1;
		}
	}
	r->timestamp = ts;
	r->timestamp_len = (size_t)(iso_timestamp(ts, end) - ts);
	if (!(field_len[0] == 1 && field[0][0] == '-')) {
		r->host = field[0];
		r->host_len = field_len[0];
	}
	r->kernel_tag = field_len[1] == 6 && memcmp(field[1], "kernel", 6) == 0;
	return q < end && *q == ' ' ? q + 1 : q;
}

/* "Mon Jan  1 12:00:00 2024" (OpenWrt logread, ctime) at p: the end of
 * it, or NULL. */
static const char *weekday_timestamp(const char *p, const char *end)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	if (end - p < 24 || p[3] != ' ')
		return NULL;
	bool day = false;
	for (int i = 0; i < 7; i++)
		if (memcmp(p, days + 3 * i, 3) == 0)
			day = true;
	if (!day)
		return NULL;
	const char *q = syslog_timestamp(p + 4, end);
	if (!q || end - q < 5 || *q != ' ' || !ct_is_digit(q[1]) ||
	    !ct_is_digit(q[2]) || !ct_is_digit(q[3]) || !ct_is_digit(q[4]))
		return NULL;
	return q + 5;
}

/* A weekday name of any locale at p ("Mon", "Сб", "Di.", "lun."), with
 * the blank after it: the position after the blank, or NULL. */
static const char *any_weekday(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && q - p <= 12 &&
	       (ct_is_alpha(*q) ||
		(unsigned char)*q >= 0x80 || *q == '.'))
		q++;
	if (q - p < 2 || q - p > 12 || q >= end || *q != ' ')
		return NULL;
	return q + 1;
}

/* "[Mon Jan  1 12:00:00 2024]" (dmesg -T) at p, in any locale ("[Сб ноя
 * 13 04:25:46 2021]"), maybe with dmesg -d's delta before the ']' ("[Сб
 * ноя 13 04:25:46 2021 <    0.127615>]"): the end, or NULL. */
const char *ct_log_human_stamp(const char *p, const char *end)
{
	if (end - p < 20 || *p != '[')
		return NULL;
	const char *q = weekday_timestamp(p + 1, end);
	if (!q) {
		const char *d = any_weekday(p + 1, end);
		q = d ? syslog_timestamp(d, end) : NULL;
		if (!q || end - q < 5 || *q != ' ' || !ct_is_digit(q[1]) ||
		    !ct_is_digit(q[2]) || !ct_is_digit(q[3]) || !ct_is_digit(q[4]))
			return NULL;
		q += 5;
	}
	if (end - q >= 2 && q[0] == ' ' && q[1] == '<') {
		const char *d = q + 2;
		while (d < end && *d == ' ')
			d++;
		const char *digits = d;
		while (d < end && (ct_is_digit(*d) || *d == '.'))
			d++;
		if (d == digits || d >= end || *d != '>')
			return NULL;
		q = d + 1;
	}
	return q < end && *q == ']' ? q + 1 : NULL;
}

/* "HH:MM:SS[.frac]" at p: the end of it, or NULL. */
static const char *clock_time(const char *p, const char *end)
{
	if (end - p < 8 || !ct_is_digit(p[0]) || !ct_is_digit(p[1]) ||
	    p[2] != ':' || !ct_is_digit(p[3]) || !ct_is_digit(p[4]) ||
	    p[5] != ':' || !ct_is_digit(p[6]) || !ct_is_digit(p[7]))
		return NULL;
	const char *q = p + 8;
	if (q < end && (*q == '.' || *q == ',')) {
		q++;
		while (q < end && ct_is_digit(*q))
			q++;
	}
	return q;
}

/* Stamps that serial-console capture tools (minicom, tio, picocom, ts,
 * grabserial-like scripts) put before each line: "[2024-01-02 03:04:05]",
 * "[03:04:05.123]", a bare "12:34:56.789 " or Go's "2018/01/09 14:28:48 ".
 * The end of the stamp, or NULL. */
static const char *serial_stamp(const char *p, const char *end)
{
	const char *q;
	if (p < end && *p == '[') {
		if (!(q = iso_timestamp(p + 1, end)) &&
		    !(q = clock_time(p + 1, end)))
			return NULL;
		return q < end && *q == ']' ? q + 1 : NULL;
	}
	/* Go's log package, as fuzzing harnesses print kernel text:
	 * "2018/01/09 14:28:48 " */
	static const char go_date[] = "dddd/dd/dd ";
	if (end - p > (ptrdiff_t)sizeof(go_date)) {
		bool date = true;
		for (size_t i = 0; date && i < sizeof(go_date) - 1; i++)
			date = go_date[i] == 'd' ? ct_is_digit(p[i])
						 : p[i] == go_date[i];
		if (date)
			p += sizeof(go_date) - 1;
	}
	q = clock_time(p, end);
	return q && q < end && *q == ' ' ? q : NULL;
}

/* ESX 3.x uptime "54:01:08:11.385 " at p: end of it, or NULL. */
static const char *esx3_uptime(const char *p, const char *end)
{
	const char *q = p;
	for (int part = 0; part < 4; part++) {
		const char *d = q;
		while (q < end && ct_is_digit(*q))
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
	while (q < end && ct_is_digit(*q))
		q++;
	return q < end && *q == ' ' ? q + 1 : NULL;
}

/* Console loglevel or syslog priority "<4>", "<166>" at p: the position
 * after it, or p. */
static const char *skip_loglevel(const char *p, const char *end)
{
	if (end - p >= 3 && *p == '<' && ct_is_digit(p[1])) {
		const char *q = p + 1;
		while (q < end && ct_is_digit(*q) && q - p < 5)
			q++;
		if (q < end && *q == '>')
			return q + 1;
	}
	return p;
}

/* ct_log_prefix_parse(); nested when called for what follows a capture
 * tool's stamp, which may be a whole log line with prefixes of its own. */
/* After the stamp: dmesg -x "kern  :err   : ", or a container console's
 * "kern:  err: " with its own "[2024-...Z]: " stamp, maybe after a node
 * name, maybe indented by a paste.  Returns where the rest starts. */
static const char *facility_prefix(const char *p, const char *end,
				   struct ct_log_prefix *r)
{
	const char *q, *b = p;
	if (b < end && *b == ' ' && !r->timestamp && !r->host)
		b = ct_skip_blanks(b, end);
	if (b < end && !r->vmkernel &&
	    (ct_is_digit(*b) || ct_is_lower(*b))) {
		const char *node_end = NULL;
		q = facility_colon_level(b, end);
		if (!q && !r->timestamp && !r->host &&
		    (node_end = node_name(b, end)))
			q = facility_colon_level(ct_skip_blanks(node_end + 1,
								end), end);
		if (q) {
			if (node_end) {
				r->host = b;
				r->host_len = (size_t)(node_end - b);
			}
			p = q;
			if (p < end && *p == '[' &&
			    (q = iso_timestamp(p + 1, end)) &&
			    end - q >= 2 && q[0] == ']' && q[1] == ':') {
				r->timestamp = p + 1;
				r->timestamp_len = (size_t)(q - p - 1);
				p = ct_skip_blanks(q + 2, end);
			}
		}
	}
	return p;
}

/* Syslog may carry a dmesg stamp too: "kernel: [ 3139.70] ...", which
 * overrides a weak (serial) stamp.  Returns where the rest starts. */
static const char *dmesg_prefix(const char *p, const char *end,
				struct ct_log_prefix *r, bool serial)
{
	const char *q;
	const char *after_loglevel = skip_loglevel(p, end);
	if ((q = ct_log_dmesg_stamp(after_loglevel, end)) ||
	    (q = ct_log_human_stamp(after_loglevel, end))) {
		if (!r->timestamp || serial) {
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
	return p;
}

static void parse_prefix(const char *p, size_t len, struct ct_log_prefix *r,
			 bool nested)
{
	const char *end = p + len, *q, *h;
	/* a weak stamp: a capture tool's, which a kernel stamp overrides */
	bool serial = false;
	memset(r, 0, sizeof(*r));
	r->cpu = -1;
	p = skip_ansi(p, end);

	/* console loglevel "<4>", syslog priority "<166>" (+ RFC 5424) */
	const char *after_pri = skip_loglevel(p, end);
	if (after_pri != p && (h = rfc5424_header(after_pri, end, r))) {
		p = h;
		goto after_stamp;
	}
	p = after_pri;

	if (p >= end)
		goto after_stamp;
	if (ct_is_digit(*p) && (q = iso_timestamp(p, end))) {
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - p);
		if ((h = esxi8_header(q, end, r)))
			p = h;
		else if (q < end && *q == ' ' &&
			 esxi_cpu_world(q + 1, end, r))
			p = q + 1;
		else if ((h = syslog_host_tag(q, end, r)))
			p = h;
		else if ((h = esxi_daemon_header(q, end, r)))
			p = h;
		else
			p = ct_skip_blanks(q, end);
	} else if ((ct_is_alpha(*p) ||
		    (unsigned char)*p >= 0x80) &&
		   (q = syslog_timestamp(p, end))) {
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - p);
		h = syslog_host_tag(q, end, r);
		p = h ? h : ct_skip_blanks(q, end);
	} else if (ct_is_upper(*p) &&
		   (q = weekday_timestamp(p, end))) {
		/* OpenWrt logread: "Mon Jan  1 12:00:00 2024 kern.warn kernel:" */
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - p);
		h = syslog_host_tag(q, end, r);
		p = h ? h : ct_skip_blanks(q, end);
	} else if (ct_is_digit(*p) && (q = esx3_uptime(p, end)) &&
		   esxi_cpu_world(q, end, r)) {
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - 1 - p);
		p = q;
	} else if ((*p == '[' || ct_is_digit(*p)) && (q = serial_stamp(p, end))) {
		const char *rest = ct_skip_blanks(q, end);
		if (!nested) {
			/* "[14:00:04.028] 2023-05-30T11:08:44.906Z cpu17:..." */
			struct ct_log_prefix in;
			parse_prefix(rest, (size_t)(end - rest), &in, true);
			if (in.timestamp) {
				*r = in;
				return;
			}
		}
		r->timestamp = p;
		r->timestamp_len = (size_t)(q - p);
		serial = true;
		p = rest;
	} else if (ct_is_lower(*p) && facility_dot_level(p, end) &&
		   (h = syslog_header(p, end, r))) {
		p = h;	/* "kern.err kernel: " with no stamp before it */
	}

after_stamp:
	p = facility_prefix(p, end, r);
	p = dmesg_prefix(p, end, r, serial);
	/* ESXi "cpuN:W)" after whatever came first */
	if ((q = esxi_cpu_world(p, end, r)))
		p = q;
	p = skip_ansi(p, end);
	r->message = p;
	r->message_len = (size_t)(end - p);
}

/* 8 bytes at p as a word, whatever the byte order: masks are loaded so
 * too. */
static uint64_t word_at(const void *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

const char *ct_log_plain_vmkernel(const char *p, const char *end)
{
	/* "2025-02-03T10:00:00.123Z cpu", checked 8 bytes at a time: the
	 * digit lanes for a digit ('0' to '9': high nibble 3, low nibble
	 * plus 6 below 16), the others for their byte */
	static const char shape[32] = "0000-00-00T00:00:00.000Z cpu";
	static const unsigned char digit[32] = {
		0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0,
		0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0xff,
	};
	static const unsigned char literal[32] = {
		0, 0, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0,
		0xff, 0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0u, lo = 0x0f0f0f0f0f0f0f0fu;
	if (end - p < 32)
		return NULL;
	uint64_t bad = 0;
	for (int i = 0; i < 32; i += 8) {
		uint64_t x = word_at(p + i), d = word_at(digit + i);
		bad |= ((x ^ word_at(shape + i)) & word_at(literal + i)) |
		       (((x & hi) ^ 0x3030303030303030u) & d) |
		       (((x & lo) + 0x0606060606060606u) & 0x1010101010101010u &
			d);
	}
	if (bad)
		return NULL;
	/* "N:W)" as esxi_cpu_world() reads it, without an opID */
	const char *q = p + 28, *d = q;
	while (q < end && ct_is_digit(*q))
		q++;
	if (q == d || q >= end || *q != ':')
		return NULL;
	d = ++q;
	while (q < end && ct_is_digit(*q))
		q++;
	if (q == d || q >= end || *q != ')')
		return NULL;
	q++;
	/* skip_ansi() would move on */
	return end - q >= 2 && q[0] == 0x1b && q[1] == '[' ? NULL : q;
}

const char *ct_log_plain_dmesg(const char *p, const char *end)
{
	/* no other stamp parse_prefix() knows starts like a dmesg stamp */
	const char *q = ct_log_dmesg_stamp(p, end);
	if (!q || q >= end || *q != ' ')
		return NULL;	/* printk_caller() may follow */
	q++;
	/* esxi_cpu_world() and skip_ansi() would read on */
	if ((end - q >= 3 && memcmp(q, "cpu", 3) == 0) ||
	    (end - q >= 2 && q[0] == 0x1b && q[1] == '['))
		return NULL;
	return q;
}

void ct_log_prefix_parse(const char *p, size_t len, struct ct_log_prefix *r)
{
	parse_prefix(p, len, r, false);
}
