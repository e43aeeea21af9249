/* SPDX-License-Identifier: MIT */
/*
 * facts.c - system facts from command output: "ethtool -i" and
 * "ethtool -k", "lspci -nn[v[v]]" (and ESXi "lspci -v"), "uname -a" (Linux
 * and VMkernel), "vmware -v[l]", esxcli/localcli tables (software vib and
 * component lists, system module list, network nic list, esxcfg-nics -l),
 * the "Driver Info:" block of "esxcli network nic get", "localcli hardware
 * pci list", "esxcfg-module -q", and the markdown "feature \ host" offload
 * tables people paste into reports.
 *
 * One file may hold many blocks (a shell transcript, a supportconfig .txt,
 * a blog post), so blocks are found line by line by their shape; the file
 * name matters only where the output does not say what it is about: a
 * sosreport "ethtool_-i_eno1" names the interface, and an ESXi
 * "esxcfg-module_-q.txt" is a bare list of names.  A command line before
 * a block ("root@pve-02:~# ethtool -i eno1", supportconfig's
 * "# /usr/sbin/ethtool -k eno1", "[root@esx01:~] vmware -vl") gives the
 * block its interface and the host its name.
 *
 * sniff() runs the same recognisers over the first SNIFF_WINDOW bytes and
 * answers yes as soon as one of them would add a fact, so sniffing and
 * extraction cannot disagree.  The common line costs a memchr and a few
 * byte compares; block parsers only start on their marker.
 *
 * Facts (values as printed unless said otherwise):
 *   nic.<if>.driver|version|firmware|bus_info, driver.<drv>.version|firmware
 *	from ethtool -i and esxcli "Driver Info"; nic.<if>.driver|bus_info
 *	from nic lists; <if> is "unknown" when nothing names it
 *   ethtool.<if>.<feature> = on|off, and the aliases tso gso gro lro sg rx
 *	tx for the main offloads
 *   host.<host>.ethtool.<feature> (and aliases) per host column of a
 *	"feature \ host" table; the column of the host this text is about
 *	(its host.name) also gives ethtool.<if>.<feature>
 *   pci.<slot>.id|class|name|subsystem_id|driver, nic.pci_id for every
 *	network controller (class 02xx), nic.<vmnic>.bus_info on ESXi
 *   linux.release|version|upstream|arch, esxi.version|build|release_name,
 *	host.name, product = linux|esxi
 *   vib.<name>.version, component.<name>.version, driver.<vib>.version
 *	(driver vibs: the version up to the first '-'), nsx.version (from
 *	nsx* vibs: 4.2.1.0.0-8.0.24022510 -> 4.2.1.0), module.<name>.loaded
 */
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/span.h"

enum {
	SNIFF_WINDOW = 4 * 1024 * 1024,	/* bytes sniff() reads */
	TEXT_FACTS_MAX = 16384,		/* facts one text may add */
	NAME_LEN = 64,			/* longest name inside a key */
	VALUE_LEN = 256,		/* longest value kept */
	KEY_LEN = 3 * NAME_LEN + 64,
	BLOCK_LINES_MAX = 256,		/* lines of one device or block */
	FEATURES_MAX = 1024,		/* lines of one ethtool -k block */
	TABLE_ROWS_MAX = 4096,		/* rows of one table that add facts */
	TABLE_COLUMNS_MAX = 16,
	COLUMN_NAME_LEN = 31,
	CONTEXT_LINES = 8,		/* a command applies this far */
	NIC_GET_LINES = 48,		/* "Driver Info:" .. "Name:" distance */
	PROMPT_SCAN = 48,		/* where a prompt's '@' may be */
};

/* ------------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------------ */

/* What the last command line ran: it names the block that follows. */
enum command_kind {
	COMMAND_NONE = 0,
	COMMAND_OTHER,		/* a command we do not read: ends a context */
	COMMAND_ETHTOOL_I,
	COMMAND_ETHTOOL_K,
	COMMAND_ETHTOOL_SET,	/* ethtool -K IF ...: prints "Actual changes:" */
	COMMAND_LSPCI,
	COMMAND_UNAME,
	COMMAND_VMWARE,
	COMMAND_ESXCLI,		/* esxcli/localcli/esxcfg-nics: tables */
	COMMAND_VIB_LIST,	/* esxcli software vib list (maybe grep'd) */
	COMMAND_NIC_GET,	/* esxcli network nic get -n IF; "NIC: IF" */
	COMMAND_MODULE_LIST,	/* esxcfg-module -q: one name a line */
};

/* A set of command kinds for claim(). */
#define KIND(k) (1u << (k))
/* Commands whose output is feature lines: "ethtool -k", and the "Actual
 * changes:" that "ethtool -K" prints. */
#define FEATURE_COMMANDS (KIND(COMMAND_ETHTOOL_K) | KIND(COMMAND_ETHTOOL_SET))

struct command {
	enum command_kind kind;
	unsigned long line;		/* line of the command */
	unsigned long window;		/* lines after it that it applies to */
	char iface[NAME_LEN + 1];	/* interface argument, "" if none */
	char host[NAME_LEN + 1];	/* host from the prompt, "" if none */
};

/* A fact this text gave: its hash and where it sits in c->facts. */
struct seen_fact {
	uint64_t hash;			/* 0: empty slot */
	size_t index;
};

struct facts {
	struct ct_case *c;		/* NULL while sniffing */
	const char *path;		/* origin of every fact */
	bool found;			/* sniffing: a fact would be added */
	bool stop;			/* error, fact cap, or sniff answered */
	struct ct_error *err;
	size_t added;			/* facts this text added */
	struct seen_fact *seen;		/* open-addressing set of them, so */
	size_t seen_cap;		/* that a repeated block costs a */
	size_t seen_count;		/* lookup, not a scan of the case */
	struct command cmd;		/* last command line seen */
	char host[NAME_LEN + 1];	/* last host.name this text gave */
	char path_iface_i[NAME_LEN + 1]; /* sos "ethtool_-i_IF": IF */
	char path_iface_k[NAME_LEN + 1]; /* sos "ethtool_-k_IF": IF */
	bool path_module_list;		/* "esxcfg-module_-q.txt" */
};

/* A value and the line it came from. */
struct field {
	char value[VALUE_LEN];
	unsigned long line;
};

/* ------------------------------------------------------------------------
 * Small helpers on (p, end) spans
 * ------------------------------------------------------------------------ */

static bool all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ct_is_hex((unsigned char)p[i]))
			return false;
	return true;
}

static bool has_prefix(const char *p, const char *end, const char *prefix)
{
	return ct_has_prefix(p, (size_t)(end - p), prefix);
}

static bool span_is(const char *p, size_t n, const char *word)
{
	size_t k = strlen(word);
	return n == k && memcmp(p, word, k) == 0;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Copy the trimmed span into dst[cap]: control bytes become '?', a cut
 * never splits a UTF-8 sequence. */
static void take_value(char *dst, size_t cap, const char *p, size_t n)
{
	ct_trim(&p, &n);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		dst[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	dst[n] = '\0';
}

/* Copy the trimmed span as a name inside a key (dst has NAME_LEN + 1
 * bytes): 1..NAME_LEN printable ASCII bytes without blanks ('?' is
 * what take_value() made of a control byte: no name has it). */
static bool take_name(char *dst, const char *p, size_t n)
{
	ct_trim(&p, &n);
	if (n == 0 || n > NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '?')
			return false;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
	return true;
}

/* Copy a C string into dst[NAME_LEN + 1]. */
static void set_name(char *dst, const char *s)
{
	size_t n = min_size(strlen(s), NAME_LEN);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* An interface name as a command argument: letters, digits and "_.:@-";
 * anything else ("<iface_name>", "$i") is a placeholder: "". */
static void take_iface(char *dst, const char *p, size_t n)
{
	dst[0] = '\0';
	if (n == 0 || n > NAME_LEN)
		return;
	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)p[i];
		if (!ct_is_ident_char(ch) && ch != '.' && ch != ':' &&
		    ch != '@' && ch != '-')
			return;
		if (ch == '$')
			return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* The next line without consuming it. */
static bool peek_line(const struct ct_line_reader *r, struct ct_line *ret)
{
	struct ct_line_reader copy = *r;
	return ct_line_next(&copy, ret);
}

static bool line_is_blank(const struct ct_line *l)
{
	const char *end = l->p + l->len;
	const char *b = ct_skip_blanks(l->p, end);
	return b == end || (end - b == 1 && *b == '\r');
}

/* A line "  Key: value": spans of the key and the (untrimmed) value.  Keys
 * hold letters, digits, blanks, '-' and '_', at most key_max bytes. */
static bool key_value(const char *p, const char *end, size_t key_max,
		      const char **ret_key, size_t *ret_key_len,
		      const char **ret_value, size_t *ret_value_len)
{
	p = ct_skip_blanks(p, end);
	const char *q = p;
	while (q < end && *q != ':') {
		int ch = (unsigned char)*q;
		if ((size_t)(q - p) >= key_max ||
		    !(ct_is_ident_char(ch) || ch == '-' || ch == ' '))
			return false;
		q++;
	}
	if (q == p || q >= end || !ct_is_alpha((unsigned char)*p))
		return false;
	*ret_key = p;
	*ret_key_len = (size_t)(q - p);
	q++;
	if (q < end && !ct_blank_len(q, end) && *q != '\r')
		return false;
	*ret_value = q;
	*ret_value_len = (size_t)(end - q);
	return true;
}

/* ------------------------------------------------------------------------
 * Adding facts
 * ------------------------------------------------------------------------ */

static uint64_t fact_hash(const char *key, const char *value)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (const char *p = value; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h ? h : 1;
}

static bool seen_has(const struct facts *s, uint64_t h, const char *key,
		     const char *value)
{
	if (!s->seen_cap)
		return false;
	size_t mask = s->seen_cap - 1;
	for (size_t i = h & mask; s->seen[i].hash; i = (i + 1) & mask) {
		const struct ct_fact *f = &s->c->facts[s->seen[i].index];
		if (s->seen[i].hash == h && strcmp(f->key, key) == 0 &&
		    strcmp(f->value, value) == 0)
			return true;
	}
	return false;
}

static bool seen_add(struct facts *s, uint64_t h, size_t index)
{
	if ((s->seen_count + 1) * 2 > s->seen_cap) {
		size_t cap = s->seen_cap ? s->seen_cap * 2 : 256;
		struct seen_fact *t = calloc(cap, sizeof(*t));
		if (!t)
			return false;
		for (size_t i = 0; i < s->seen_cap; i++) {
			if (!s->seen[i].hash)
				continue;
			size_t j = s->seen[i].hash & (cap - 1);
			while (t[j].hash)
				j = (j + 1) & (cap - 1);
			t[j] = s->seen[i];
		}
		free(s->seen);
		s->seen = t;
		s->seen_cap = cap;
	}
	size_t j = h & (s->seen_cap - 1);
	while (s->seen[j].hash)
		j = (j + 1) & (s->seen_cap - 1);
	s->seen[j] = (struct seen_fact){ h, index };
	s->seen_count++;
	return true;
}

static void emit(struct facts *s, unsigned long line, const char *value,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Add the fact (key from fmt) unless value is empty.  While sniffing, the
 * first fact answers the question and stops the scan. */
static void emit(struct facts *s, unsigned long line, const char *value,
		 const char *fmt, ...)
{
	if (s->stop || !value || !value[0])
		return;
	if (!s->c) {
		s->found = true;
		s->stop = true;
		return;
	}
	char key[KEY_LEN];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(key))
		return;
	uint64_t h = fact_hash(key, value);
	if (seen_has(s, h, key, value))
		return;
	struct ct_case *c = s->c;
	if (s->added >= TEXT_FACTS_MAX || c->fact_count >= CT_MAX_FACTS) {
		s->stop = true;
		return;
	}
	size_t before = c->fact_count, index = before;
	struct ct_error *err = ct_case_add_fact(
		c, key, value, (struct ct_origin){ s->path, line });
	if (err) {
		s->err = err;
		s->stop = true;
		return;
	}
	if (c->fact_count > before) {
		s->added++;
	} else {
		/* another input gave it first */
		for (index = 0; index < before; index++)
			if (strcmp(c->facts[index].key, key) == 0 &&
			    strcmp(c->facts[index].value, value) == 0)
				break;
		if (index == before)
			return;
	}
	if (!seen_add(s, h, index)) {
		s->err = &ct_enomem;
		s->stop = true;
	}
}

/* host.name, remembered so that a feature table can find its column. */
static void emit_host(struct facts *s, const char *host, unsigned long line)
{
	if (!host[0] || strncmp(host, "localhost", 9) == 0)
		return;
	emit(s, line, host, "host.name");
	set_name(s->host, host);
}

/* Does the last command apply to line, and is it one of kinds? */
static bool context(const struct facts *s, unsigned kinds, unsigned long line)
{
	const struct command *cmd = &s->cmd;
	return (KIND(cmd->kind) & kinds) && line > cmd->line &&
	       line - cmd->line <= cmd->window;
}

/* If the last command is one of kinds and applies to line, take it: copy
 * its interface into iface (if non-NULL) and say its host's name. */
static bool claim(struct facts *s, unsigned kinds, unsigned long line,
		  char *iface)
{
	const struct command *cmd = &s->cmd;
	if (!context(s, kinds, line))
		return false;
	if (iface && cmd->iface[0])
		set_name(iface, cmd->iface);
	emit_host(s, cmd->host, cmd->line);
	return true;
}

/* The interface a block is about: its command's argument, else the one
 * the file name gives, else "unknown". */
static void resolve_iface(struct facts *s, unsigned kinds, unsigned long line,
			  const char *from_path, char *iface)
{
	iface[0] = '\0';
	claim(s, kinds, line, iface);
	if (!iface[0] && from_path)
		set_name(iface, from_path);
	if (!iface[0])
		set_name(iface, "unknown");
}

/* ------------------------------------------------------------------------
 * Command lines: prompts, bundle headers, bare commands
 * ------------------------------------------------------------------------ */

/* Next argument of a command line; shell operators end the command. */
static bool next_token(const char **p, const char *end, const char **ret,
		       size_t *ret_len)
{
	const char *q = ct_skip_blanks(*p, end);
	if (q >= end || *q == '|' || *q == ';' || *q == '&' || *q == '>' ||
	    *q == '\r')
		return false;
	const char *e = q;
	while (e < end && !ct_blank_len(e, end) && *e != '|' && *e != ';' &&
	       *e != '&' && *e != '>' && *e != '\r')
		e++;
	*ret = q;
	*ret_len = (size_t)(e - q);
	*p = e;
	return true;
}

/* Commands whose output we read, by the basename of argv[0]. */
static bool known_command(const char *p, size_t n)
{
	static const char *const names[] = {
		"ethtool", "lspci", "uname", "vmware", "esxcli", "localcli",
		"esxcfg-module", "esxcfg-nics",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++)
		if (span_is(p, n, names[i]))
			return true;
	return false;
}

/* Read the command at [p, end) into s->cmd.  A command from a prompt
 * always replaces the context; a bare line only when it runs a known
 * command.  host may be "". */
static bool parse_command(struct facts *s, const char *p, const char *end,
			  unsigned long line, const char *host, bool prompt)
{
	const char *tok;
	size_t n;
	if (!next_token(&p, end, &tok, &n))
		return false;
	if (span_is(tok, n, "sudo") && !next_token(&p, end, &tok, &n))
		return false;
	const char *base = tok + n;
	while (base > tok && base[-1] != '/')
		base--;
	size_t base_len = (size_t)(tok + n - base);
	if (!prompt && !known_command(base, base_len))
		return false;

	struct command cmd = {
		.kind = COMMAND_OTHER, .line = line, .window = CONTEXT_LINES,
	};
	set_name(cmd.host, host);
	if (span_is(base, base_len, "ethtool")) {
		if (next_token(&p, end, &tok, &n)) {
			if (span_is(tok, n, "-i") || span_is(tok, n, "--driver"))
				cmd.kind = COMMAND_ETHTOOL_I;
			else if (span_is(tok, n, "-k") ||
				 span_is(tok, n, "--show-features") ||
				 span_is(tok, n, "--show-offload"))
				cmd.kind = COMMAND_ETHTOOL_K;
			else if (span_is(tok, n, "-K") ||
				 span_is(tok, n, "--features") ||
				 span_is(tok, n, "--offload"))
				cmd.kind = COMMAND_ETHTOOL_SET;
		}
		if (cmd.kind != COMMAND_OTHER && next_token(&p, end, &tok, &n))
			take_iface(cmd.iface, tok, n);
	} else if (span_is(base, base_len, "lspci")) {
		cmd.kind = COMMAND_LSPCI;
	} else if (span_is(base, base_len, "uname")) {
		cmd.kind = COMMAND_UNAME;
	} else if (span_is(base, base_len, "vmware")) {
		cmd.kind = COMMAND_VMWARE;
	} else if (span_is(base, base_len, "esxcfg-module")) {
		while (next_token(&p, end, &tok, &n))
			if (span_is(tok, n, "-q") || span_is(tok, n, "--query"))
				cmd.kind = COMMAND_MODULE_LIST;
		cmd.window = 2;
	} else if (span_is(base, base_len, "esxcli") ||
		   span_is(base, base_len, "localcli") ||
		   span_is(base, base_len, "esxcfg-nics")) {
		cmd.kind = COMMAND_ESXCLI;
		/* esxcli network nic get -n vmnic0 | --nic-name[=]vmnic0 */
		bool get = false, want = false, vib = false, list = false;
		while (next_token(&p, end, &tok, &n)) {
			if (span_is(tok, n, "get"))
				get = true;
			else if (span_is(tok, n, "vib"))
				vib = true;
			else if (span_is(tok, n, "list"))
				list = true;
			else if (want) {
				take_iface(cmd.iface, tok, n);
				want = false;
			} else if (span_is(tok, n, "-n") ||
				 span_is(tok, n, "--nic-name"))
				want = true;
			else if (ct_has_prefix(tok, n, "--nic-name="))
				take_iface(cmd.iface, tok + 11, n - 11);
		}
		if (get && cmd.iface[0]) {
			cmd.kind = COMMAND_NIC_GET;
			cmd.window = NIC_GET_LINES;
		} else if (vib && list) {
			cmd.kind = COMMAND_VIB_LIST;
		}
	}
	s->cmd = cmd;
	return true;
}

/* A shell prompt "user@host:~# ", "[user@host:~] ", "[user@host dir]$ ":
 * the host and where the command starts. */
static bool parse_prompt(const char *p, const char *end, const char **host,
			 size_t *host_len, const char **ret_cmd)
{
	const char *q = p;
	if (q < end && *q == '[')
		q++;
	const char *user = q;
	while (q < end && q - user <= 32 &&
	       (ct_is_ident_char((unsigned char)*q) || *q == '-' || *q == '.'))
		q++;
	if (q == user || q >= end || *q != '@')
		return false;
	const char *h = ++q;
	while (q < end && q - h <= NAME_LEN &&
	       (ct_is_ident_char((unsigned char)*q) || *q == '-' || *q == '.'))
		q++;
	if (q == h || q - h > NAME_LEN || q >= end)
		return false;
	*host = h;
	*host_len = (size_t)(q - h);
	if (*q != ':' && *q != ' ' && *q != ']' && *q != '#' && *q != '$')
		return false;
	const char *limit = end - q > 128 ? q + 128 : end;
	while (q < limit && *q != '#' && *q != '$' && *q != ']')
		q++;
	if (q >= limit)
		return false;
	if (*q == ']' && end - q >= 2 && (q[1] == '#' || q[1] == '$'))
		q++;
	q++;
	if (q < end && !ct_blank_len(q, end))
		return false;
	*ret_cmd = ct_skip_blanks(q, end);
	return true;
}

/* Is [b, end) a command line?  Records it and says yes if so. */
static bool command_line(struct facts *s, const char *b, const char *end,
			 unsigned long line)
{
	int c = (unsigned char)*b;
	if (c == '[' || ct_is_alpha(c)) {
		size_t w = min_size((size_t)(end - b), PROMPT_SCAN);
		const char *host, *cmd;
		size_t host_len;
		if (memchr(b, '@', w) &&
		    parse_prompt(b, end, &host, &host_len, &cmd)) {
			char name[NAME_LEN + 1] = "";
			take_name(name, host, host_len);
			parse_command(s, cmd, end, line, name, true);
			return true;
		}
	}
	/* "# /usr/sbin/ethtool -k eth0" (supportconfig), "$ lspci -nn" */
	if ((c == '#' || c == '$') && end - b >= 2 && b[1] == ' ')
		return parse_command(s, b + 2, end, line, "", false);
	/* a bare command at the start of a line */
	if (c == 'e' || c == 'l' || c == 'u' || c == 'v')
		return parse_command(s, b, end, line, "", false);
	return false;
}

/* ------------------------------------------------------------------------
 * ethtool -i, and esxcli network nic get's "Driver Info:"
 * ------------------------------------------------------------------------ */

struct nic_info {
	struct field driver, version, firmware, bus;
};

/* ESXi's "Bus Info: 0000:3b:00:0" is the PCI address 0000:3b:00.0. */
static void normalize_bus(char *bus)
{
	if (strlen(bus) == 12 && all_hex(bus, 4) && bus[4] == ':' &&
	    all_hex(bus + 5, 2) && bus[7] == ':' && all_hex(bus + 8, 2) &&
	    bus[10] == ':' && ct_is_hex((unsigned char)bus[11]))
		bus[10] = '.';
}

static void emit_nic_info(struct facts *s, const char *iface,
			  struct nic_info *ni)
{
	const char *drv = ni->driver.value;
	const char *fw = ni->firmware.value;
	normalize_bus(ni->bus.value);
	if (strcmp(fw, "N/A") == 0 || strcmp(fw, "n/a") == 0)
		fw = "";
	emit(s, ni->driver.line, drv, "nic.%s.driver", iface);
	emit(s, ni->version.line, ni->version.value, "nic.%s.version", iface);
	emit(s, ni->firmware.line, fw, "nic.%s.firmware", iface);
	emit(s, ni->bus.line, ni->bus.value, "nic.%s.bus_info", iface);
	emit(s, ni->version.line, ni->version.value, "driver.%s.version", drv);
	emit(s, ni->firmware.line, fw, "driver.%s.firmware", drv);
}

static void set_field(struct field *f, const char *v, size_t n,
		      unsigned long line)
{
	take_value(f->value, sizeof(f->value), v, n);
	f->line = line;
}

/* "driver: e1000e", "version: ...", "firmware-version: ...",
 * "bus-info: ...": the block must name a bus or a firmware, so that a
 * lone "driver:" line elsewhere is not taken. */
static bool ethtool_i_block(struct facts *s, struct ct_line_reader *r,
			    const struct ct_line *first)
{
	struct nic_info ni = { 0 };
	bool bus_key = false, fw_key = false;
	struct ct_line cur = *first;
	for (unsigned count = 0;; count++) {
		const char *end = cur.p + cur.len, *k, *v;
		size_t kn, vn;
		if (!key_value(cur.p, end, 32, &k, &kn, &v, &vn))
			break;
		if (span_is(k, kn, "driver"))
			set_field(&ni.driver, v, vn, cur.number);
		else if (span_is(k, kn, "version"))
			set_field(&ni.version, v, vn, cur.number);
		else if (span_is(k, kn, "firmware-version")) {
			set_field(&ni.firmware, v, vn, cur.number);
			fw_key = true;
		} else if (span_is(k, kn, "bus-info")) {
			set_field(&ni.bus, v, vn, cur.number);
			bus_key = true;
		}
		struct ct_line next;
		if (count + 1 >= 16 || !peek_line(r, &next))
			break;
		const char *ne = next.p + next.len;
		if (!key_value(next.p, ne, 32, &k, &kn, &v, &vn) ||
		    !ct_is_lower((unsigned char)*k) || span_is(k, kn, "driver"))
			break;
		ct_line_next(r, &cur);
	}
	char drv[NAME_LEN + 1];
	if (!(bus_key || fw_key) || !take_name(drv, ni.driver.value,
					       strlen(ni.driver.value)))
		return false;
	char iface[NAME_LEN + 1];
	resolve_iface(s, KIND(COMMAND_ETHTOOL_I), first->number,
		      s->path_iface_i[0] ? s->path_iface_i : NULL, iface);
	emit_nic_info(s, iface, &ni);
	return true;
}

/* ESXi "esxcli network nic get -n vmnic0" (also in nicinfo.sh):
 *    Driver Info:
 *          Bus Info: 0000:03:00:0
 *          Driver: i40en
 *          Firmware Version: 6.01 0x800034a4 1.1747.0
 *          Version: 1.5.8
 *    ...
 *    Name: vmnic0 */
static bool driver_info_block(struct facts *s, struct ct_line_reader *r,
			      const struct ct_line *first, size_t indent)
{
	struct nic_info ni = { 0 };
	struct ct_line cur;
	for (unsigned count = 0; count < 8 && peek_line(r, &cur); count++) {
		const char *end = cur.p + cur.len, *k, *v;
		size_t kn, vn;
		const char *b = ct_skip_blanks(cur.p, end);
		if ((size_t)(b - cur.p) <= indent ||
		    !key_value(cur.p, end, 32, &k, &kn, &v, &vn))
			break;
		ct_line_next(r, &cur);
		if (span_is(k, kn, "Driver"))
			set_field(&ni.driver, v, vn, cur.number);
		else if (span_is(k, kn, "Version"))
			set_field(&ni.version, v, vn, cur.number);
		else if (span_is(k, kn, "Firmware Version"))
			set_field(&ni.firmware, v, vn, cur.number);
		else if (span_is(k, kn, "Bus Info"))
			set_field(&ni.bus, v, vn, cur.number);
	}
	char drv[NAME_LEN + 1];
	if (!take_name(drv, ni.driver.value, strlen(ni.driver.value)))
		return false;
	char iface[NAME_LEN + 1] = "";
	claim(s, KIND(COMMAND_NIC_GET), first->number, iface);
	if (!iface[0]) {
		/* esxcli prints "Name:" a few lines below, same indent */
		struct ct_line_reader ahead = *r;
		struct ct_line l;
		for (unsigned i = 0; i < NIC_GET_LINES && ct_line_next(&ahead, &l);
		     i++) {
			const char *end = l.p + l.len, *k, *v;
			size_t kn, vn;
			const char *b = ct_skip_blanks(l.p, end);
			if ((size_t)(b - l.p) < indent || line_is_blank(&l))
				break;
			if ((size_t)(b - l.p) == indent &&
			    key_value(l.p, end, 32, &k, &kn, &v, &vn) &&
			    span_is(k, kn, "Name")) {
				ct_trim(&v, &vn);
				take_iface(iface, v, vn);
				break;
			}
		}
	}
	if (!iface[0])
		set_name(iface, "unknown");
	emit_nic_info(s, iface, &ni);
	return true;
}

/* ------------------------------------------------------------------------
 * ethtool -k / --show-features / --show-offload
 * ------------------------------------------------------------------------ */

static const struct {
	const char *feature;
	const char *alias;
} feature_aliases[] = {
	{ "tcp-segmentation-offload", "tso" },
	{ "generic-segmentation-offload", "gso" },
	{ "generic-receive-offload", "gro" },
	{ "large-receive-offload", "lro" },
	{ "scatter-gather", "sg" },
	{ "rx-checksumming", "rx" },
	{ "tx-checksumming", "tx" },
};

static const char *feature_alias(const char *feature)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(feature_aliases); i++)
		if (strcmp(feature, feature_aliases[i].feature) == 0)
			return feature_aliases[i].alias;
	return NULL;
}

/* First lines of "ethtool -k" output that need no header to be known. */
static bool known_feature_start(const char *p, const char *end)
{
	static const char *const starts[] = {
		"rx-checksumming:", "tx-checksumming:", "scatter-gather:",
		"tcp-segmentation-offload:", "generic-segmentation-offload:",
		"generic-receive-offload:", "large-receive-offload:",
		"udp-fragmentation-offload:", "rx-vlan-offload:",
		"tx-vlan-offload:",
	};
	switch (*p) {
	case 'r': case 't': case 's': case 'g': case 'l': case 'u':
		for (size_t i = 0; i < CT_ARRAY_SIZE(starts); i++)
			if (has_prefix(p, end, starts[i]))
				return true;
		break;
	}
	return false;
}

/* "\ttx-tcp-segmentation: off [fixed]": the feature (blanks of old
 * ethtools' "tcp segmentation offload" become '-') and its state. */
static bool feature_line(const char *p, const char *end, char *name, bool *on)
{
	p = ct_skip_blanks(p, end);
	const char *q = p;
	while (q < end && *q != ':') {
		int ch = (unsigned char)*q;
		if (q - p >= NAME_LEN ||
		    !(ct_is_lower(ch) || ct_is_digit(ch) || ch == '-' || ch == '_' ||
		      ch == ' '))
			return false;
		q++;
	}
	if (q == p || q >= end || !ct_is_lower((unsigned char)*p) || q[-1] == ' ')
		return false;
	size_t n = (size_t)(q - p);
	for (size_t i = 0; i < n; i++)
		name[i] = p[i] == ' ' ? '-' : p[i];
	name[n] = '\0';
	q = ct_skip_blanks(q + 1, end);
	if (has_prefix(q, end, "on")) {
		*on = true;
		q += 2;
	} else if (has_prefix(q, end, "off")) {
		*on = false;
		q += 3;
	} else {
		return false;
	}
	if (q < end && !ct_blank_len(q, end) && *q != '\r')
		return false;
	q = ct_skip_blanks(q, end);
	return q >= end || *q == '[' || *q == '\r';
}

/* who.feature = on|off and who.alias; who is "ethtool.eno1" or
 * "host.pve-02.ethtool". */
static void emit_feature(struct facts *s, unsigned long line, const char *who,
			 const char *feature, bool on)
{
	const char *value = on ? "on" : "off";
	const char *alias = feature_alias(feature);
	emit(s, line, value, "%s.%s", who, feature);
	if (alias)
		emit(s, line, value, "%s.%s", who, alias);
}

/* From a "Features for IF:" header (header_iface non-NULL; "" when the
 * header's name is unusable) or from a headerless first feature line. */
static bool features_block(struct facts *s, struct ct_line_reader *r,
			   const struct ct_line *first, const char *header_iface)
{
	char who[NAME_LEN + 16] = "";
	struct ct_line cur = *first;
	bool taken = true;	/* cur has been consumed from r */
	bool have = true;
	if (header_iface) {
		have = peek_line(r, &cur);
		taken = false;
	}
	for (unsigned count = 0; have && count < FEATURES_MAX; count++) {
		const char *end = cur.p + cur.len;
		char name[NAME_LEN + 1];
		bool on;
		bool feature = feature_line(cur.p, end, name, &on);
		if (!feature && !has_prefix(ct_skip_blanks(cur.p, end), end,
					    "Cannot get"))
			break;
		if (!taken)
			ct_line_next(r, &cur);
		if (feature) {
			if (!who[0]) {
				char iface[NAME_LEN + 1];
				if (header_iface && header_iface[0]) {
					claim(s, KIND(COMMAND_ETHTOOL_K),
					      first->number, NULL);
					set_name(iface, header_iface);
				} else {
					resolve_iface(s, FEATURE_COMMANDS,
						      first->number,
						      s->path_iface_k[0]
						      ? s->path_iface_k : NULL,
						      iface);
				}
				snprintf(who, sizeof(who), "ethtool.%s", iface);
			}
			emit_feature(s, cur.number, who, name, on);
		}
		have = peek_line(r, &cur);
		taken = false;
	}
	return who[0] || header_iface;
}

/* ------------------------------------------------------------------------
 * "feature \ host | m920q | pve-03 | pve-02 |" tables
 * ------------------------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
};

/* Split "a | b | c |" (leading '|' optional) into trimmed cells. */
static size_t split_cells(const char *p, const char *end, struct span *cells,
			  size_t max)
{
	p = ct_skip_blanks(p, end);
	if (p < end && *p == '|')
		p++;
	size_t n = 0;
	while (p < end && n < max) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *e = bar ? bar : end;
		cells[n].p = p;
		cells[n].n = (size_t)(e - p);
		ct_trim(&cells[n].p, &cells[n].n);
		if (!bar) {
			if (cells[n].n)
				n++;
			break;
		}
		n++;
		p = bar + 1;
	}
	return n;
}

/* "---|---|" or "|:--|--:|" */
static bool separator_row(const char *p, const char *end)
{
	bool dash = false;
	for (; p < end; p++) {
		if (*p == '-')
			dash = true;
		else if (*p != '|' && *p != ':' && *p != ' ' && *p != '\t' &&
			 *p != '\r')
			return false;
	}
	return dash;
}

static bool feature_table(struct facts *s, struct ct_line_reader *r,
			  const struct ct_line *first, const char *b)
{
	const char *end = first->p + first->len;
	if (!memchr(b, '|', (size_t)(end - b)))
		return false;
	struct span cells[TABLE_COLUMNS_MAX + 1];
	size_t ncells = split_cells(b, end, cells, CT_ARRAY_SIZE(cells));
	if (ncells < 2 || cells[0].n < 7 ||
	    strncasecmp(cells[0].p, "feature", 7) != 0)
		return false;
	char hosts[TABLE_COLUMNS_MAX][NAME_LEN + 1];
	for (size_t i = 1; i < ncells; i++)
		if (!take_name(hosts[i - 1], cells[i].p, cells[i].n))
			hosts[i - 1][0] = '\0';
	char iface[NAME_LEN + 1] = "";
	struct ct_line cur;
	for (unsigned rows = 0; rows < FEATURES_MAX && peek_line(r, &cur);
	     rows++) {
		const char *ce = cur.p + cur.len;
		if (separator_row(cur.p, ce) && !line_is_blank(&cur)) {
			ct_line_next(r, &cur);
			continue;
		}
		struct span row[TABLE_COLUMNS_MAX + 1];
		size_t n = split_cells(cur.p, ce, row, CT_ARRAY_SIZE(row));
		char feature[NAME_LEN + 1];
		if (n < 2 || !memchr(cur.p, '|', cur.len) ||
		    !take_name(feature, row[0].p, row[0].n) ||
		    !ct_is_lower((unsigned char)feature[0]))
			break;
		ct_line_next(r, &cur);
		for (size_t i = 1; i < n && i < ncells; i++) {
			const char *v = row[i].p;
			const char *ve = v + row[i].n;
			bool on;
			if (has_prefix(v, ve, "on") &&
			    (ve - v == 2 || ct_blank_len(v + 2, ve)))
				on = true;
			else if (has_prefix(v, ve, "off") &&
				 (ve - v == 3 || ct_blank_len(v + 3, ve)))
				on = false;
			else
				continue;
			const char *host = hosts[i - 1];
			if (!host[0])
				continue;
			char who[NAME_LEN + 24];
			snprintf(who, sizeof(who), "host.%.64s.ethtool", host);
			emit_feature(s, cur.number, who, feature, on);
			if (s->host[0] && strcmp(host, s->host) == 0) {
				if (!iface[0])
					resolve_iface(s,
						      KIND(COMMAND_ETHTOOL_K),
						      first->number, NULL,
						      iface);
				snprintf(who, sizeof(who), "ethtool.%s", iface);
				emit_feature(s, cur.number, who, feature, on);
			}
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * lspci, ESXi lspci -v, localcli hardware pci list
 * ------------------------------------------------------------------------ */

/* "0000:00:19.0" or "00:19.0" at p: its length, or 0. */
static size_t pci_slot_len(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	if (n >= 12 && all_hex(p, 4) && p[4] == ':' && all_hex(p + 5, 2) &&
	    p[7] == ':' && all_hex(p + 8, 2) && p[10] == '.' &&
	    ct_is_hex((unsigned char)p[11]))
		return 12;
	if (n >= 7 && all_hex(p, 2) && p[2] == ':' && all_hex(p + 3, 2) &&
	    p[5] == '.' && ct_is_hex((unsigned char)p[6]))
		return 7;
	return 0;
}

/* The last "[vvvv:dddd]" in [p, end): its '[' or NULL. */
static const char *last_pci_id(const char *p, const char *end)
{
	size_t len = (size_t)(end - p);
	if (len < 11)
		return NULL;
	for (size_t i = len - 10; i-- > 0;) {
		const char *q = p + i;
		if (q[0] == '[' && q[10] == ']' && q[5] == ':' &&
		    all_hex(q + 1, 4) && all_hex(q + 6, 4))
			return q;
	}
	return NULL;
}

static void lower_copy(char *dst, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (p[i] >= 'A' && p[i] <= 'F') ? (char)(p[i] + 32) : p[i];
	dst[n] = '\0';
}

struct pci_device {
	char slot[NAME_LEN + 1];
	char id[10];			/* "8086:153a" */
	char class_code[5];		/* "0200" */
	char subsystem[10];
	char name[VALUE_LEN];
	char driver[NAME_LEN + 1];
	char vmkname[NAME_LEN + 1];	/* ESXi "[vmnic0]" / VMkernel Name */
	unsigned long line, class_line, subsystem_line, driver_line;
};

static void emit_pci(struct facts *s, const struct pci_device *d)
{
	const char *slot = d->slot;
	emit(s, d->line, d->id, "pci.%s.id", slot);
	emit(s, d->class_line, d->class_code, "pci.%s.class", slot);
	emit(s, d->line, d->name, "pci.%s.name", slot);
	emit(s, d->subsystem_line, d->subsystem, "pci.%s.subsystem_id", slot);
	emit(s, d->driver_line, d->driver, "pci.%s.driver", slot);
	if (d->id[0] && d->class_code[0] == '0' && d->class_code[1] == '2')
		emit(s, d->class_line, d->id, "nic.pci_id");
	if (strncmp(d->vmkname, "vmnic", 5) == 0) {
		emit(s, d->line, slot, "nic.%s.bus_info", d->vmkname);
		emit(s, d->driver_line, d->driver, "nic.%s.driver", d->vmkname);
	}
}

/* Unindented lines that still belong to an lspci -v device (pastes lose
 * the tab): "Key: ...", "Memory at ...", "I/O ports at ...". */
static bool lspci_detail(const char *p, const char *end)
{
	static const char *const starts[] = {
		"Memory at ", "I/O ports at ", "Region ", "Expansion ROM at ",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(starts); i++)
		if (has_prefix(p, end, starts[i]))
			return true;
	const char *q = p;
	if (q >= end || !ct_is_alpha((unsigned char)*q))
		return false;
	while (q < end && q - p <= 40) {
		int ch = (unsigned char)*q;
		if (ch == ':')
			return true;
		if (!(ct_is_ident_char(ch) || ch == ' ' || ch == '-' ||
		      ch == '/' || ch == '(' || ch == ')' || ch == '.'))
			return false;
		q++;
	}
	return false;
}

/* "00:19.0 Ethernet controller [0200]: Intel ... [8086:153a] (rev 04)"
 * then -v lines; or ESXi "0000:01:00.0 Network controller Ethernet
 * controller: Intel ... [vmnic0]" then "Class 0200: 8086:1521". */
static bool lspci_device(struct facts *s, struct ct_line_reader *r,
			 const struct ct_line *first, size_t slot_len)
{
	const char *p = first->p, *end = p + first->len;
	struct pci_device d = { .line = first->number };
	memcpy(d.slot, p, slot_len);
	d.slot[slot_len] = '\0';
	const char *rest = p + slot_len + 1;
	const char *desc = NULL;
	/* class code "[0200]: " */
	for (const char *q = rest; q < end;) {
		const char *m = ct_memstr(q, (size_t)(end - q), "]: ");
		if (!m)
			break;
		if (m - rest >= 5 && m[-5] == '[' && all_hex(m - 4, 4)) {
			lower_copy(d.class_code, m - 4, 4);
			d.class_line = first->number;
			desc = m + 3;
			break;
		}
		q = m + 1;
	}
	if (!desc) {
		const char *colon = ct_memstr(rest, (size_t)(end - rest), ": ");
		if (!colon)
			return false;
		desc = colon + 2;
	}
	const char *name_end = end;
	const char *id = last_pci_id(desc, end);
	if (id) {
		lower_copy(d.id, id + 1, 9);
		name_end = id;
	} else if (end > desc && end[-1] == ']') {
		/* ESXi: "... [vmnic0]" */
		const char *open = end - 1;
		while (open > desc && *open != '[')
			open--;
		if (*open == '[' &&
		    take_name(d.vmkname, open + 1, (size_t)(end - 1 - open - 1)))
			name_end = open;
	}
	take_value(d.name, sizeof(d.name), desc, (size_t)(name_end - desc));

	struct ct_line cur;
	for (unsigned count = 0; count < BLOCK_LINES_MAX && peek_line(r, &cur);
	     count++) {
		const char *ce = cur.p + cur.len;
		const char *b = ct_skip_blanks(cur.p, ce);
		if (b == ce || (b == cur.p && (pci_slot_len(b, ce) ||
					      !lspci_detail(b, ce))))
			break;
		ct_line_next(r, &cur);
		if (has_prefix(b, ce, "Subsystem: ")) {
			const char *sid = last_pci_id(b, ce);
			if (sid) {
				lower_copy(d.subsystem, sid + 1, 9);
				d.subsystem_line = cur.number;
			}
		} else if (has_prefix(b, ce, "Kernel driver in use:")) {
			if (take_name(d.driver, b + 21, (size_t)(ce - b - 21)))
				d.driver_line = cur.number;
		} else if (has_prefix(b, ce, "Class ") && ce - b >= 20 &&
			   all_hex(b + 6, 4) && b[10] == ':' && b[11] == ' ' &&
			   all_hex(b + 12, 4) && b[16] == ':' &&
			   all_hex(b + 17, 4)) {
			lower_copy(d.class_code, b + 6, 4);
			lower_copy(d.id, b + 12, 9);
			d.class_line = cur.number;
		}
	}
	if (!d.id[0] && !d.driver[0])
		return false;
	claim(s, KIND(COMMAND_LSPCI), first->number, NULL);
	emit_pci(s, &d);
	return true;
}

/* "0x8086" (or decimal) into *ret. */
static bool parse_number(const char *p, size_t n, unsigned long *ret)
{
	ct_trim(&p, &n);
	const char *end = p + n;
	uint64_t v;
	bool masked;
	if (ct_has_prefix(p, n, "0x") || ct_has_prefix(p, n, "0X")) {
		if (!ct_parse_hex(&p, end, &v, &masked) || masked || p != end)
			return false;
		*ret = (unsigned long)v;
		return true;
	}
	return ct_parse_dec(&p, end, ret) && p == end;
}

/* localcli hardware pci list:
 * 0000:03:00.0
 *    Address: 0000:03:00.0
 *    ...
 *    Vendor ID: 0x8086
 *    Device ID: 0x1572 ... */
static bool pci_list_entry(struct facts *s, struct ct_line_reader *r,
			   const struct ct_line *first, const char *b,
			   size_t slot_len)
{
	struct ct_line cur;
	if (!peek_line(r, &cur) ||
	    !has_prefix(ct_skip_blanks(cur.p, cur.p + cur.len),
			cur.p + cur.len, "Address:"))
		return false;
	struct pci_device d = { .line = first->number };
	memcpy(d.slot, b, slot_len);
	d.slot[slot_len] = '\0';
	unsigned long vendor = ~0UL, device = ~0UL, svendor = ~0UL,
		      sdevice = ~0UL, dclass = ~0UL;
	char vendor_name[VALUE_LEN] = "", device_name[VALUE_LEN] = "";
	for (unsigned count = 0; count < BLOCK_LINES_MAX && peek_line(r, &cur);
	     count++) {
		const char *ce = cur.p + cur.len, *k, *v;
		size_t kn, vn;
		if (cur.len == 0 || !ct_blank_len(cur.p, ce) ||
		    !key_value(cur.p, ce, 40, &k, &kn, &v, &vn))
			break;
		ct_line_next(r, &cur);
		unsigned long x;
		if (span_is(k, kn, "Vendor ID") && parse_number(v, vn, &x))
			vendor = x;
		else if (span_is(k, kn, "Device ID") && parse_number(v, vn, &x))
			device = x;
		else if (span_is(k, kn, "SubVendor ID") &&
			 parse_number(v, vn, &x))
			svendor = x;
		else if (span_is(k, kn, "SubDevice ID") &&
			 parse_number(v, vn, &x))
			sdevice = x;
		else if (span_is(k, kn, "Device Class") &&
			 parse_number(v, vn, &x)) {
			dclass = x;
			d.class_line = cur.number;
		} else if (span_is(k, kn, "Vendor Name"))
			take_value(vendor_name, sizeof(vendor_name), v, vn);
		else if (span_is(k, kn, "Device Name"))
			take_value(device_name, sizeof(device_name), v, vn);
		else if (span_is(k, kn, "VMkernel Name"))
			take_name(d.vmkname, v, vn);
		else if (span_is(k, kn, "Module Name") &&
			 take_name(d.driver, v, vn)) {
			if (strcmp(d.driver, "None") == 0)
				d.driver[0] = '\0';
			d.driver_line = cur.number;
		}
	}
	if (vendor > 0xffff || device > 0xffff)
		return true;
	snprintf(d.id, sizeof(d.id), "%04lx:%04lx", vendor, device);
	if (svendor <= 0xffff && sdevice <= 0xffff) {
		snprintf(d.subsystem, sizeof(d.subsystem), "%04lx:%04lx",
			 svendor, sdevice);
		d.subsystem_line = d.line;
	}
	if (dclass <= 0xffff)
		snprintf(d.class_code, sizeof(d.class_code), "%04lx", dclass);
	snprintf(d.name, sizeof(d.name), "%s%s%s", vendor_name,
		 vendor_name[0] && device_name[0] ? " " : "", device_name);
	claim(s, KIND(COMMAND_ESXCLI), first->number, NULL);
	emit_pci(s, &d);
	return true;
}

/* ------------------------------------------------------------------------
 * uname -a, vmware -v[l]
 * ------------------------------------------------------------------------ */

static bool is_arch(const char *p, size_t n)
{
	static const char *const arches[] = {
		"x86_64", "i386", "i486", "i586", "i686", "aarch64", "arm64",
		"armv6l", "armv7l", "armv8l", "ppc", "ppc64", "ppc64le",
		"s390x", "riscv64", "mips", "mips64", "loongarch64", "sparc64",
		"unknown",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(arches); i++)
		if (span_is(p, n, arches[i]))
			return true;
	return false;
}

/* The last token of [p, *end): moves *end to its start. */
static bool prev_token(const char *p, const char **end, const char **ret,
		       size_t *ret_len)
{
	const char *e = *end;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	const char *s = e;
	while (s > p && s[-1] != ' ' && s[-1] != '\t')
		s--;
	if (s == e)
		return false;
	*ret = s;
	*ret_len = (size_t)(e - s);
	*end = s;
	return true;
}

/* A dotted version at p ("8.0.3", "6.8.12-10-pve"): digits first and at
 * least one dot among the leading digits and dots. */
static bool dotted(const char *p, size_t n)
{
	if (n == 0 || !ct_is_digit((unsigned char)p[0]))
		return false;
	for (size_t i = 0; i < n && (ct_is_digit((unsigned char)p[i]) ||
				     p[i] == '.'); i++)
		if (p[i] == '.')
			return true;
	return false;
}

/* "Linux pve-02 6.8.12-10-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-10
 * (2025-04-18T07:39Z) x86_64 GNU/Linux" and "VMkernel esx01 7.0.3 #1 SMP
 * Release build-20036589 Jul 12 2022 ... x86_64 ESXi". */
static bool uname_line(struct facts *s, const struct ct_line *l,
		       const char *b)
{
	const char *end = l->p + l->len, *p = b;
	const char *t0, *t1, *t2, *t3;
	size_t n0, n1, n2, n3;
	if (!next_token(&p, end, &t0, &n0) || !next_token(&p, end, &t1, &n1) ||
	    !next_token(&p, end, &t2, &n2) || !next_token(&p, end, &t3, &n3) ||
	    t3[0] != '#' || !dotted(t2, n2))
		return false;
	char host[NAME_LEN + 1], value[VALUE_LEN];
	if (!take_name(host, t1, n1))
		return false;
	bool esxi = span_is(t0, n0, "VMkernel");
	if (esxi) {
		take_value(value, sizeof(value), t2, n2);
		emit(s, l->number, "esxi", "product");
		emit(s, l->number, value, "esxi.version");
		const char *build = ct_memstr(t3, (size_t)(end - t3), "build-");
		if (build) {
			const char *d = build + 6, *de = d;
			unsigned long x;
			if (ct_parse_dec(&de, end, &x)) {
				take_value(value, sizeof(value), d,
					   (size_t)(de - d));
				emit(s, l->number, value, "esxi.build");
			}
		}
		claim(s, KIND(COMMAND_UNAME), l->number, NULL);
		emit_host(s, host, l->number);
		return true;
	}
	/* Linux: drop "GNU/Linux" and the arch run from the end */
	const char *vend = end, *tok, *arch = NULL;
	size_t tn, arch_len = 0;
	const char *save = vend;
	if (prev_token(t3, &save, &tok, &tn) && tok > t3 &&
	    !is_arch(tok, tn) && ct_memstr(tok, tn, "/") != NULL)
		vend = save;	/* GNU/Linux */
	for (int i = 0; i < 4; i++) {
		save = vend;
		if (!prev_token(t3, &save, &tok, &tn) || tok == t3 ||
		    !is_arch(tok, tn))
			break;
		arch = tok;
		arch_len = tn;
		vend = save;
	}
	emit(s, l->number, "linux", "product");
	take_value(value, sizeof(value), t2, n2);
	emit(s, l->number, value, "linux.release");
	take_value(value, sizeof(value), t3, (size_t)(vend - t3));
	emit(s, l->number, value, "linux.version");
	if (arch) {
		take_value(value, sizeof(value), arch, arch_len);
		emit(s, l->number, value, "linux.arch");
	}
	/* "Debian 6.1.76-1" -> 6.1.76 */
	const char *deb = ct_memstr(t3, (size_t)(vend - t3), "Debian ");
	if (deb) {
		const char *v = deb + 7, *ve = v;
		while (ve < vend && (ct_is_digit((unsigned char)*ve) || *ve == '.'))
			ve++;
		while (ve > v && ve[-1] == '.')
			ve--;
		if (dotted(v, (size_t)(ve - v))) {
			take_value(value, sizeof(value), v, (size_t)(ve - v));
			emit(s, l->number, value, "linux.upstream");
		}
	}
	claim(s, KIND(COMMAND_UNAME), l->number, NULL);
	emit_host(s, host, l->number);
	return true;
}

/* "VMware ESXi 8.0.3 build-24674464", then maybe "VMware ESXi 8.0 Update
 * 3e" (vmware -vl). */
static bool vmware_version(struct facts *s, struct ct_line_reader *r,
			   const struct ct_line *l, const char *b)
{
	const char *end = l->p + l->len;
	const char *p = has_prefix(b, end, "VMware ESXi ") ? b + 12
		      : has_prefix(b, end, "VMware ESX ") ? b + 11 : NULL;
	const char *ver, *build;
	if (!p)
		return false;
	size_t vn, bn;
	if (!next_token(&p, end, &ver, &vn) || !dotted(ver, vn) ||
	    !next_token(&p, end, &build, &bn) || bn < 7 ||
	    !ct_has_prefix(build, bn, "build-"))
		return false;
	const char *d = build + 6, *de = d;
	unsigned long x;
	if (!ct_parse_dec(&de, build + bn, &x) || de != build + bn)
		return false;
	char value[VALUE_LEN];
	emit(s, l->number, "esxi", "product");
	take_value(value, sizeof(value), ver, vn);
	emit(s, l->number, value, "esxi.version");
	take_value(value, sizeof(value), d, (size_t)(de - d));
	emit(s, l->number, value, "esxi.build");
	claim(s, KIND(COMMAND_VMWARE), l->number, NULL);

	struct ct_line next;
	if (peek_line(r, &next)) {
		const char *ne = next.p + next.len;
		const char *nb = ct_skip_blanks(next.p, ne);
		size_t skip = has_prefix(nb, ne, "VMware ESXi ") ? 12
			    : has_prefix(nb, ne, "VMware ESX ") ? 11 : 0;
		if (skip && !ct_memstr(nb, (size_t)(ne - nb), "build-") &&
		    nb + skip < ne && ct_is_digit((unsigned char)nb[skip])) {
			ct_line_next(r, &next);
			take_value(value, sizeof(value), nb + skip,
				   (size_t)(ne - nb - skip));
			emit(s, next.number, value, "esxi.release_name");
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * esxcli / localcli tables
 * ------------------------------------------------------------------------ */

enum table_kind {
	TABLE_NONE,
	TABLE_VIB,		/* software vib list */
	TABLE_COMPONENT,	/* software component list */
	TABLE_MODULE,		/* system module list */
	TABLE_NIC,		/* network nic list, esxcfg-nics -l */
};

struct column {
	size_t start;
	char name[COLUMN_NAME_LEN + 1];
};

struct table {
	enum table_kind kind;
	struct column cols[TABLE_COLUMNS_MAX];
	size_t ncols;
	int name, version, loaded, pci, driver;	/* column indices or -1 */
};

/* Columns of a header: names separated by two or more blanks. */
static size_t header_columns(const char *p, const char *end,
			     struct column *cols)
{
	size_t n = 0;
	const char *q = p;
	while (q < end && n < TABLE_COLUMNS_MAX) {
		const char *start = q, *e = q;
		while (e < end && !(e[0] == ' ' && end - e >= 2 &&
				    (e[1] == ' ' || e[1] == '\t')) &&
		       *e != '\t' && *e != '\r')
			e++;
		cols[n].start = (size_t)(start - p);
		take_value(cols[n].name, sizeof(cols[n].name), start,
			   (size_t)(e - start));
		n++;
		while (e < end && (*e == ' ' || *e == '\t' || *e == '\r'))
			e++;
		q = e;
	}
	return n;
}

/* A "----  -------  ---" line: column starts from its dash runs, names
 * from the header above them.  Returns the number of runs. */
static size_t dash_columns(const char *p, const char *end, const char *hp,
			   const char *hend, struct column *cols)
{
	size_t n = 0;
	const char *q = p;
	while (q < end && (*q == '-' || *q == ' ' || *q == '\t' || *q == '\r')) {
		if (*q == '-' && (q == p || q[-1] != '-')) {
			if (n == TABLE_COLUMNS_MAX)
				break;
			cols[n++].start = (size_t)(q - p);
		}
		q++;
	}
	if (q != end)
		return 0;
	size_t hlen = (size_t)(hend - hp);
	for (size_t i = 0; i < n; i++) {
		size_t a = cols[i].start;
		size_t e = i + 1 < n ? cols[i + 1].start : hlen;
		if (a > hlen)
			a = hlen;
		if (e > hlen)
			e = hlen;
		take_value(cols[i].name, sizeof(cols[i].name), hp + a,
			   e > a ? e - a : 0);
	}
	return n;
}

static int column_index(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Cell i of a row: the bytes under its column, trimmed. */
static struct span table_cell(const struct table *t, int i, const char *p,
			      const char *end)
{
	struct span cell = { p, 0 };
	size_t len = (size_t)(end - p);
	if (i < 0 || (size_t)i >= t->ncols)
		return cell;
	size_t a = t->cols[i].start;
	size_t e = (size_t)i + 1 < t->ncols ? t->cols[i + 1].start : len;
	if (a >= len)
		return cell;
	if (e > len)
		e = len;
	cell.p = p + a;
	cell.n = e > a ? e - a : 0;
	ct_trim(&cell.p, &cell.n);
	return cell;
}

/* Does some value run across a column boundary (a row wider than its
 * header says)?  Then the columns cannot be trusted. */
static bool row_misaligned(const struct table *t, const char *p,
			   const char *end)
{
	size_t len = (size_t)(end - p);
	for (size_t i = 1; i < t->ncols; i++) {
		size_t a = t->cols[i].start;
		if (a == 0 || a >= len)
			continue;
		if (p[a - 1] != ' ' && p[a - 1] != '\t' && p[a] != ' ' &&
		    p[a] != '\t')
			return true;
	}
	return false;
}

/* The k-th blank-separated token of the row. */
static struct span row_token(const char *p, const char *end, int k)
{
	struct span tok = { p, 0 };
	for (int i = 0; i <= k; i++)
		if (!next_token(&p, end, &tok.p, &tok.n))
			return (struct span){ p, 0 };
	return tok;
}

/* Vibs whose version is a driver's: VMware inbox ("1vmw.") or partner
 * async ("1OEM.") builds, minus the tools, plugins and platform bundles. */
static bool driver_vib(const char *name, const char *version)
{
	static const char *const not_prefix[] = {
		"esx-", "esxio", "vsan", "vmware", "VMware", "nsx", "tools",
		"cpu-microcode", "native-misc", "loadesx", "lsuv2-", "vdfs",
		"trx", "crx", "gc", "bmcal", "clusterstore", "vds-", "esxupdate",
		"infravisor", "drivervm", "elx-esx-lib", "weasel",
	};
	static const char *const not_within[] = {
		"plugin", "provider", "cim", "esxcli", "-tools", "hostprofile",
	};
	const char *dash = strchr(version, '-');
	if (!dash || (!strstr(dash, "OEM.") && !strstr(dash, "vmw.")))
		return false;
	for (size_t i = 0; i < CT_ARRAY_SIZE(not_prefix); i++)
		if (strncmp(name, not_prefix[i], strlen(not_prefix[i])) == 0)
			return false;
	for (size_t i = 0; i < CT_ARRAY_SIZE(not_within); i++)
		if (strstr(name, not_within[i]))
			return false;
	return true;
}

/* NSX version from a vib/component version "4.2.1.0.0-8.0.24022510":
 * the numeric part before '-', trailing ".0" trimmed down to four
 * components (4.2.1.0).  NSX vibs always carry 4+ components; others
 * (third-party python vibs) are not NSX's version. */
static bool nsx_version(const char *version, char *ret, size_t cap)
{
	size_t n = strcspn(version, "-");
	if (n == 0 || n >= cap)
		return false;
	size_t comps = 1;
	for (size_t i = 0; i < n; i++) {
		if (version[i] == '.') {
			if (i == 0 || version[i - 1] == '.' || i + 1 == n)
				return false;
			comps++;
		} else if (!ct_is_digit((unsigned char)version[i])) {
			return false;
		}
	}
	if (comps < 4)
		return false;
	while (comps > 4 && n >= 2 && version[n - 1] == '0' &&
	       version[n - 2] == '.') {
		n -= 2;
		comps--;
	}
	memcpy(ret, version, n);
	ret[n] = '\0';
	return true;
}

/* vib.<name>.version (or component.<name>.version), and what it says
 * about drivers and NSX. */
static void emit_package(struct facts *s, unsigned long line,
			 const char *name, const char *version, bool vib)
{
	if (!version[0])
		return;
	emit(s, line, version, vib ? "vib.%s.version" : "component.%s.version",
	     name);
	char short_version[VALUE_LEN];
	if (vib && driver_vib(name, version)) {
		size_t k = strcspn(version, "-");
		memcpy(short_version, version, k);
		short_version[k] = '\0';
		emit(s, line, short_version, "driver.%s.version", name);
	}
	if (strncasecmp(name, "nsx", 3) == 0 &&
	    nsx_version(version, short_version, sizeof(short_version)))
		emit(s, line, short_version, "nsx.version");
}

static void table_row(struct facts *s, const struct table *t,
		      const struct ct_line *l)
{
	const char *p = l->p, *end = p + l->len;
	bool tokens = row_misaligned(t, p, end);
	char name[NAME_LEN + 1], value[VALUE_LEN];
	struct span cell = tokens ? row_token(p, end, 0)
				  : table_cell(t, t->name, p, end);
	if (!take_name(name, cell.p, cell.n))
		return;
	switch (t->kind) {
	case TABLE_VIB:
	case TABLE_COMPONENT: {
		/* a component's display name has blanks: no token fallback */
		if (tokens && t->kind == TABLE_COMPONENT)
			return;
		cell = tokens ? row_token(p, end, 1)
			      : table_cell(t, t->version, p, end);
		struct span v = row_token(cell.p, cell.p + cell.n, 0);
		take_value(value, sizeof(value), v.p, v.n);
		emit_package(s, l->number, name, value, t->kind == TABLE_VIB);
		break;
	}
	case TABLE_MODULE:
		cell = tokens ? row_token(p, end, 1)
			      : table_cell(t, t->loaded, p, end);
		if (span_is(cell.p, cell.n, "true"))
			emit(s, l->number, "yes", "module.%s.loaded", name);
		break;
	case TABLE_NIC: {
		struct span pci = tokens ? row_token(p, end, 1)
					 : table_cell(t, t->pci, p, end);
		struct span drv = tokens ? row_token(p, end, 2)
					 : table_cell(t, t->driver, p, end);
		char v[NAME_LEN + 1];
		if (take_name(v, drv.p, drv.n))
			emit(s, l->number, v, "nic.%s.driver", name);
		if (take_name(v, pci.p, pci.n))
			emit(s, l->number, v, "nic.%s.bus_info", name);
		break;
	}
	case TABLE_NONE:
		break;
	}
}

/* A row of a table: starts at column 0 with a name, not a prompt. */
static bool table_row_shape(const struct ct_line *l)
{
	if (l->len == 0)
		return false;
	int c = (unsigned char)l->p[0];
	if (!ct_is_ident_char(c) || c == '$')
		return false;
	size_t w = min_size(l->len, PROMPT_SCAN);
	const char *sp = memchr(l->p, ' ', w);
	const char *at = memchr(l->p, '@', w);
	return !(at && (!sp || at < sp));
}

/* "Name  Version  Vendor  Acceptance Level  Install Date" + dashes. */
static bool esxcli_table(struct facts *s, struct ct_line_reader *r,
			 const struct ct_line *header)
{
	const char *hp = header->p, *hend = hp + header->len;
	struct table t = { .kind = TABLE_NONE };
	struct ct_line dashes;
	bool have_dashes = false;
	if (peek_line(r, &dashes) && dashes.len && dashes.p[0] == '-') {
		struct column cols[TABLE_COLUMNS_MAX];
		size_t n = dash_columns(dashes.p, dashes.p + dashes.len, hp,
					hend, cols);
		if (n >= 2) {
			memcpy(t.cols, cols, n * sizeof(cols[0]));
			t.ncols = n;
			have_dashes = true;
		} else if (n == 1) {
			have_dashes = true;	/* one long rule: use the header */
		}
	}
	if (!t.ncols)
		t.ncols = header_columns(hp, hend, t.cols);
	if (t.ncols < 2)
		return false;
	t.name = column_index(&t, "Name");
	t.version = column_index(&t, "Version");
	t.loaded = column_index(&t, "Is Loaded");
	t.pci = column_index(&t, "PCI Device");
	if (t.pci < 0)
		t.pci = column_index(&t, "PCI");
	t.driver = column_index(&t, "Driver");
	if (t.name != 0)
		return false;
	if (column_index(&t, "Display Name") >= 0 && t.version >= 0)
		t.kind = TABLE_COMPONENT;
	else if (t.version >= 0 && column_index(&t, "Vendor") >= 0 &&
		 column_index(&t, "Acceptance Level") >= 0)
		t.kind = TABLE_VIB;
	else if (t.loaded >= 0)
		t.kind = TABLE_MODULE;
	else if (t.pci >= 0 && t.driver >= 0)
		t.kind = TABLE_NIC;
	if (t.kind == TABLE_NONE || (!have_dashes && t.kind != TABLE_NIC))
		return false;
	if (have_dashes)
		ct_line_next(r, &dashes);
	claim(s, KIND(COMMAND_ESXCLI) | KIND(COMMAND_VIB_LIST), header->number,
	      NULL);
	struct ct_line row;
	size_t rows = 0;
	while (!s->stop && peek_line(r, &row) && table_row_shape(&row)) {
		ct_line_next(r, &row);
		if (rows++ < TABLE_ROWS_MAX)
			table_row(s, &t, &row);
	}
	return true;
}

/* A vib row without its header: "i40en  2.1.5.0-1OEM...  INT  ...". */
static bool vib_row(struct facts *s, const struct ct_line *l)
{
	const char *p = l->p, *end = p + l->len;
	struct span name = row_token(p, end, 0);
	struct span version = row_token(p, end, 1);
	struct span vendor = row_token(p, end, 2);
	char n[NAME_LEN + 1], v[VALUE_LEN];
	if (!table_row_shape(l) || !vendor.n || !version.n ||
	    !ct_is_digit((unsigned char)version.p[0]) ||
	    !memchr(version.p, '-', version.n) ||
	    !take_name(n, name.p, name.n))
		return false;
	take_value(v, sizeof(v), version.p, version.n);
	emit_package(s, l->number, n, v, true);
	return true;
}

static bool vib_rows(struct facts *s, struct ct_line_reader *r,
		     const struct ct_line *first)
{
	if (!vib_row(s, first))
		return false;
	claim(s, KIND(COMMAND_VIB_LIST), first->number, NULL);
	struct ct_line l;
	for (unsigned n = 1; n < TABLE_ROWS_MAX && peek_line(r, &l); n++) {
		struct ct_line_reader save = *r;
		ct_line_next(r, &l);
		if (!vib_row(s, &l)) {
			*r = save;
			break;
		}
	}
	return true;
}

/* esxcfg-module -q: one module name a line. */
static bool module_name_line(struct facts *s, const struct ct_line *l)
{
	const char *p = l->p;
	size_t n = l->len;
	ct_trim(&p, &n);
	if (n == 0 || n > NAME_LEN || !ct_is_alpha((unsigned char)p[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ct_is_ident_char((unsigned char)p[i]) && p[i] != '-')
			return false;
	char name[NAME_LEN + 1];
	memcpy(name, p, n);
	name[n] = '\0';
	emit(s, l->number, "yes", "module.%s.loaded", name);
	return true;
}

static bool module_list(struct facts *s, struct ct_line_reader *r,
			const struct ct_line *first)
{
	if (!module_name_line(s, first))
		return false;
	claim(s, KIND(COMMAND_MODULE_LIST), first->number, NULL);
	struct ct_line l;
	for (unsigned n = 0; n < TABLE_ROWS_MAX && peek_line(r, &l); n++) {
		if (line_is_blank(&l))
			break;
		struct ct_line_reader save = *r;
		ct_line_next(r, &l);
		if (!module_name_line(s, &l)) {
			*r = save;
			break;
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * The line dispatcher
 * ------------------------------------------------------------------------ */

static void dispatch(struct facts *s, struct ct_line_reader *r,
		     const struct ct_line *l)
{
	const char *p = l->p, *end = p + l->len;
	const char *b = ct_skip_blanks(p, end);
	if (end - b < 3)
		return;
	size_t indent = (size_t)(b - p);
	int c = (unsigned char)*b;

	if (s->path_module_list && indent == 0) {
		module_name_line(s, l);
		return;
	}
	if (context(s, KIND(COMMAND_MODULE_LIST), l->number) &&
	    module_list(s, r, l)) {
		s->cmd.kind = COMMAND_NONE;
		return;
	}
	if (command_line(s, b, end, l->number))
		return;

	switch (c) {
	case 'd':
		if (has_prefix(b, end, "driver:") && ethtool_i_block(s, r, l))
			return;
		break;
	case 'D':
		if (has_prefix(b, end, "Driver Info:"))
			driver_info_block(s, r, l, indent);
		return;
	case 'F':
	case 'O': {
		size_t skip = has_prefix(b, end, "Features for ") ? 13
			    : has_prefix(b, end, "Offload parameters for ") ? 23
			    : 0;
		const char *colon = end;
		while (colon > b && colon[-1] != ':')
			colon--;
		if (skip && colon > b + skip) {
			char iface[NAME_LEN + 1];
			if (!take_name(iface, b + skip,
				       (size_t)(colon - 1 - b - skip)))
				iface[0] = '\0';
			features_block(s, r, l, iface);
			return;
		}
		break;
	}
	case 'L':
		if (indent == 0 && has_prefix(b, end, "Linux ") &&
		    uname_line(s, l, b))
			return;
		break;
	case 'V':
		if (has_prefix(b, end, "VMware ESX") &&
		    vmware_version(s, r, l, b))
			return;
		if (indent == 0 && has_prefix(b, end, "VMkernel ") &&
		    uname_line(s, l, b))
			return;
		break;
	case 'N':
		if (indent == 0 && has_prefix(b, end, "Name ") &&
		    esxcli_table(s, r, l))
			return;
		if (has_prefix(b, end, "NIC:")) {
			/* nicinfo.sh: "NIC:  vmnic0" before esxcli's output */
			const char *v = b + 4;
			size_t vn = (size_t)(end - v);
			ct_trim(&v, &vn);
			struct command cmd = {
				.kind = COMMAND_NIC_GET, .line = l->number,
				.window = NIC_GET_LINES,
			};
			take_iface(cmd.iface, v, vn);
			if (cmd.iface[0])
				s->cmd = cmd;
			return;
		}
		break;
	case 'f':
	case '|':
		if (feature_table(s, r, l, b))
			return;
		break;
	}

	/* ethtool -k output without its header */
	if (ct_is_lower(c) && (context(s, FEATURE_COMMANDS, l->number) ||
			    known_feature_start(b, end))) {
		char name[NAME_LEN + 1];
		bool on;
		if (feature_line(b, end, name, &on)) {
			features_block(s, r, l, NULL);
			return;
		}
	}

	/* "esxcli software vib list | grep ...": rows without a header */
	if (indent == 0 && context(s, KIND(COMMAND_VIB_LIST), l->number) &&
	    vib_rows(s, r, l))
		return;

	if (ct_is_hex(c)) {
		size_t n = pci_slot_len(b, end);
		if (!n)
			return;
		if (indent == 0 && end - b > (ptrdiff_t)n && b[n] == ' ' &&
		    lspci_device(s, r, l, n))
			return;
		const char *t = b + n;
		while (t < end && (*t == ' ' || *t == '\t' || *t == '\r'))
			t++;
		if (t == end)
			pci_list_entry(s, r, l, b, n);
	}
}

static void facts_run(struct facts *s, const char *buf, size_t len)
{
	struct ct_line_reader r;
	struct ct_line l;
	ct_line_reader_init(&r, buf, len);
	while (!s->stop && ct_line_next(&r, &l))
		dispatch(s, &r, &l);
}

static bool facts_sniff(const char *buf, size_t len)
{
	struct facts s = { 0 };
	facts_run(&s, buf, len > SNIFF_WINDOW ? SNIFF_WINDOW : len);
	return s.found;
}

/* Interface from a bundle's file name: sos "ethtool_-i_eno1", vm-support
 * style "ethtool_-i-vmnic0.txt". */
static void iface_from_path(const char *base, const char *opt, char *ret)
{
	char marker[16];
	ret[0] = '\0';
	for (int sep = 0; sep < 2; sep++) {
		snprintf(marker, sizeof(marker), "ethtool_%s%c", opt,
			 sep ? '-' : '_');
		const char *m = strstr(base, marker);
		if (!m)
			continue;
		const char *v = m + strlen(marker);
		size_t n = strlen(v);
		if (n > 4 && strcmp(v + n - 4, ".txt") == 0)
			n -= 4;
		take_iface(ret, v, n);
		return;
	}
}

static struct ct_error *facts_extract(struct ct_case *c,
				      const struct ct_text *t)
{
	struct facts s = { .c = c, .path = t->path };
	if (t->path) {
		const char *base = strrchr(t->path, '/');
		base = base ? base + 1 : t->path;
		iface_from_path(base, "-i", s.path_iface_i);
		iface_from_path(base, "-k", s.path_iface_k);
		s.path_module_list = strncmp(base, "esxcfg-module_-q", 16) == 0;
	}
	facts_run(&s, t->buf, t->len);
	free(s.seen);
	return s.err;
}

const struct ct_extractor ct_extractor_facts = {
	.kind = CT_KIND_SYSTEM_FACTS,
	.sniff = facts_sniff,
	.extract = facts_extract,
};
