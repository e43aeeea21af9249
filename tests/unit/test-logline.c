/* SPDX-License-Identifier: MIT */
/*
 * test-logline.c - the per-line log prefixes ct_log_prefix_parse() strips,
 * one test per form, and the per-file wrappers ct_text_unwrap() takes a
 * paste out of, one test per wrapper: the message that remains, the spans
 * returned, and that the unwrapped text keeps every line where it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"

/* Parse line; check the message, and the timestamp and host if given. */
static void expect_prefix(const char *line, const char *message,
			  const char *timestamp, const char *host,
			  bool kernel_tag)
{
	struct ct_log_prefix r;
	ct_log_prefix_parse(line, strlen(line), &r);
	if (r.message_len != strlen(message) ||
	    memcmp(r.message, message, r.message_len) != 0)
		fail_msg("'%s': message '%.*s', want '%s'", line,
			 (int)r.message_len, r.message, message);
	if (timestamp) {
		assert_non_null(r.timestamp);
		if (r.timestamp_len != strlen(timestamp) ||
		    memcmp(r.timestamp, timestamp, r.timestamp_len) != 0)
			fail_msg("'%s': timestamp '%.*s', want '%s'", line,
				 (int)r.timestamp_len, r.timestamp,
				 timestamp);
	}
	if (host) {
		assert_non_null(r.host);
		if (r.host_len != strlen(host) ||
		    memcmp(r.host, host, r.host_len) != 0)
			fail_msg("'%s': host '%.*s', want '%s'", line,
				 (int)r.host_len, r.host, host);
	} else {
		assert_null(r.host);
	}
	assert_int_equal(r.kernel_tag, kernel_tag);
}

typedef const char *plain_fn(const char *p, const char *end);

/* Where plain, a fast path for one form of prefix, finds a message,
 * ct_log_prefix_parse() finds that one, with no host: true when it found
 * one. */
static bool plain_agrees(plain_fn *plain, const char *line, size_t len)
{
	const char *m = plain(line, line + len);
	if (!m)
		return false;
	struct ct_log_prefix r;
	ct_log_prefix_parse(line, len, &r);
	assert_int_equal(r.vmkernel, plain == ct_log_plain_vmkernel);
	assert_null(r.host);
	assert_false(r.kernel_tag);
	assert_ptr_equal(r.timestamp, line);
	assert_ptr_equal(r.message, m);
	return true;
}

/* plain on line, on its near misses, and on every one-byte change of it
 * (whole and cut after the change). */
static void check_plain(plain_fn *plain, const char *line,
			const char *message, const char *const *not_plain,
			size_t n)
{
	size_t len = strlen(line);
	assert_true(plain_agrees(plain, line, len));
	assert_string_equal(plain(line, line + len), message);
	for (size_t i = 0; i < n; i++)
		assert_false(plain_agrees(plain, not_plain[i],
					  strlen(not_plain[i])));
	static const char swaps[] = "0a9:. -TZ)c\x1b[]<>\n#";
	char copy[128];
	assert_true(len < sizeof(copy));
	for (size_t at = 0; at < len; at++)
		for (size_t k = 0; k < sizeof(swaps) - 1; k++) {
			memcpy(copy, line, len);
			copy[at] = swaps[k];
			plain_agrees(plain, copy, len);
			plain_agrees(plain, copy, at + 1);
		}
}

/* The fast paths for the plain lines of big logs. */
static void test_plain_prefixes(void **state)
{
	(void)state;
	static const char *const not_vmkernel[] = {
		"2025-02-03T10:00:00.123Z cpu17:2097733 opID=1)x",
		"2025-02-03T10:00:00Z cpu17:2097733)ScsiDeviceIO: 4176 ab",
		"2025-02-03 10:00:00.123Z cpu17:2097733)ScsiDeviceIO: 4176",
		"2025-02-03T10:00:00.123Z cpu17:2097733)\x1b[1mBlueScreen x",
		"2025-02-03T10:00:00.123Z host vmkernel: cpu17:2097733)x",
		"2025-02-03T10:00:00.123Z cpu17:)ScsiDeviceIO: 4176 abcd",
	};
	static const char vmkernel[] =
		"2025-02-03T10:00:00.123Z cpu17:2097733)ScsiDeviceIO: 4176";
	check_plain(ct_log_plain_vmkernel, vmkernel, "ScsiDeviceIO: 4176",
		    not_vmkernel, CT_ARRAY_SIZE(not_vmkernel));
	/* an empty message */
	assert_true(plain_agrees(ct_log_plain_vmkernel, vmkernel, 39));
	static const char *const not_dmesg[] = {
		"[   12.345678][    T1] usb 1-1: new device",
		"[   12.345678] cpu3:2097)x",
		"[   12.345678] \x1b[1mBUG: x",
		"<4>[   12.345678] usb 1-1: new device",
		"[12:34:56.789] usb 1-1: new device",
		"[2024-01-02 03:04:05] usb 1-1: new device",
	};
	check_plain(ct_log_plain_dmesg, "[   12.345678] usb 1-1: new device",
		    "usb 1-1: new device", not_dmesg, CT_ARRAY_SIZE(not_dmesg));
}

static void test_syslog(void **state)
{
	(void)state;
	expect_prefix("May 25 15:23:30 pve-02 kernel: BUG: x", "BUG: x",
		      "May 25 15:23:30", "pve-02", true);
	expect_prefix("Jan  2 03:04:05 pve-02 systemd[1]: Started x",
		      "Started x", "Jan  2 03:04:05", "pve-02", false);
	/* journalctl -o short-precise */
	expect_prefix("Jan 02 03:04:05.123456 h kernel: Oops", "Oops",
		      "Jan 02 03:04:05.123456", "h", true);
	/* a dmesg stamp after the tag */
	expect_prefix("Jan  2 03:04:05 h kernel: [ 3139.701234] RIP: x",
		      "RIP: x", "Jan  2 03:04:05", "h", true);
}

static void test_syslog_localized(void **state)
{
	(void)state;
	/* journalctl under a Russian, German or French locale */
	expect_prefix("\xd0\xb8\xd1\x8e\xd0\xbb 27 14:08:04 laptop kernel: "
		      "Call Trace:", "Call Trace:",
		      "\xd0\xb8\xd1\x8e\xd0\xbb 27 14:08:04", "laptop", true);
	expect_prefix("M\xc3\xa4r  3 09:00:01 nas kernel: Oops", "Oops",
		      "M\xc3\xa4r  3 09:00:01", "nas", true);
	expect_prefix("f\xc3\xa9vr. 14 10:11:12 pc kernel: BUG: x", "BUG: x",
		      "f\xc3\xa9vr. 14 10:11:12", "pc", true);
	/* a word before a number is not a month */
	expect_prefix("ring 12 is stuck", "ring 12 is stuck", NULL, NULL,
		      false);
}

static void test_syslog_iso(void **state)
{
	(void)state;
	expect_prefix("2024-01-02T03:04:05.123456+01:00 node7 kernel: "
		      "Call Trace:", "Call Trace:",
		      "2024-01-02T03:04:05.123456+01:00", "node7", true);
	/* journalctl -o short-iso: "+0100" */
	expect_prefix("2024-01-02T03:04:05+0100 node7 kernel: Oops", "Oops",
		      "2024-01-02T03:04:05+0100", "node7", true);
}

static void test_facility_level(void **state)
{
	(void)state;
	/* busybox syslogd: host, then facility.level, then tag */
	expect_prefix("Jan  1 00:00:26 router kern.warn kernel: [   21.02] x",
		      "x", "Jan  1 00:00:26", "router", true);
	/* no stamp at all */
	expect_prefix("kern.err kernel: BUG: x", "BUG: x", NULL, NULL, true);
	expect_prefix("daemon.info dnsmasq[1]: query", "query", NULL, NULL,
		      false);
	/* a word that only starts like a facility */
	expect_prefix("kernelx.err kernel: x", "kernelx.err kernel: x", NULL,
		      NULL, false);
}

static void test_openwrt_logread(void **state)
{
	(void)state;
	expect_prefix("Mon Jan  1 12:00:00 2024 kern.warn kernel: "
		      "[   12.300000] CPU 0 Unable to handle kernel paging",
		      "CPU 0 Unable to handle kernel paging",
		      "Mon Jan  1 12:00:00 2024", NULL, true);
	expect_prefix("Thu Feb 15 08:01:02 2024 daemon.notice netifd: up",
		      "up", "Thu Feb 15 08:01:02 2024", NULL, false);
}

static void test_rfc5424(void **state)
{
	(void)state;
	expect_prefix("<4>1 2024-01-02T03:04:05.123Z node7 kernel - - - "
		      "Oops: 0000", "Oops: 0000", "2024-01-02T03:04:05.123Z",
		      "node7", true);
	expect_prefix("<166>1 2024-01-02T03:04:05Z esx01 vmkernel - - "
		      "[meta x=\"1\"] cpu2:2098)WARNING: y", "WARNING: y",
		      "2024-01-02T03:04:05Z", "esx01", false);
}

static void test_loglevel(void **state)
{
	(void)state;
	expect_prefix("<6>[   12.300000] e1000e: eth0 NIC Link is Up",
		      "e1000e: eth0 NIC Link is Up", "[   12.300000]", NULL,
		      false);
	expect_prefix("<4>Call Trace:", "Call Trace:", NULL, NULL, false);
}

/* a remote syslogd that writes no tag: the host, then the kernel's stamp */
static void test_syslog_host_dmesg(void **state)
{
	(void)state;
	expect_prefix("Feb  9 12:50:38 l28 [6437762.553582] IP: [<ffffffffa009e8fa>] f+0x8/0x12",
		      "IP: [<ffffffffa009e8fa>] f+0x8/0x12",
		      "Feb  9 12:50:38", "l28", false);
	expect_prefix("Feb  9 12:50:38 l28 ipt_NETFLOW(O)", "l28 ipt_NETFLOW(O)",
		      "Feb  9 12:50:38", NULL, false);
}

static void test_dmesg_human(void **state)
{
	(void)state;
	expect_prefix("[Mon Jan  1 12:00:00 2024] BUG: x", "BUG: x",
		      "[Mon Jan  1 12:00:00 2024]", NULL, false);
	expect_prefix("[Tue Feb 13 10:57:30 2024]  ? foo+0x1/0x2",
		      " ? foo+0x1/0x2", "[Tue Feb 13 10:57:30 2024]", NULL,
		      false);
}

static void test_dmesg_x(void **state)
{
	(void)state;
	expect_prefix("kern  :err   : [   12.300000] BUG: x", "BUG: x",
		      "[   12.300000]", NULL, false);
	expect_prefix("kern  :warn  : [Mon Jan  1 12:00:00 2024] WARNING: y",
		      "WARNING: y", "[Mon Jan  1 12:00:00 2024]", NULL, false);
	expect_prefix("user  :notice: [   13.0] hello", "hello", NULL, NULL,
		      false);
	/* dmesg -x -T -d under a Russian locale: weekday, month and the
	 * delta to the previous record */
	expect_prefix("kern  :err   : [\xd0\xa1\xd0\xb1 \xd0\xbd\xd0\xbe\xd1\x8f "
		      "13 04:25:46 2021 <    0.127615>] usb 3-1: x",
		      "usb 3-1: x",
		      "[\xd0\xa1\xd0\xb1 \xd0\xbd\xd0\xbe\xd1\x8f 13 04:25:46 "
		      "2021 <    0.127615>]", NULL, false);
	expect_prefix("[Tue Feb 13 10:57:30 2024 <    7.903114>] BUG: x",
		      "BUG: x", "[Tue Feb 13 10:57:30 2024 <    7.903114>]",
		      NULL, false);
}

static void test_container_console(void **state)
{
	(void)state;
	/* talosctl dmesg, with and without the node name */
	expect_prefix("kern:  err: [2024-01-02T03:04:05.123456789Z]: BUG: x",
		      "BUG: x", "2024-01-02T03:04:05.123456789Z", NULL, false);
	expect_prefix("172.20.0.2: kern: warning: [2024-01-02T03:04:05Z]: "
		      "Call Trace:", "Call Trace:", "2024-01-02T03:04:05Z",
		      "172.20.0.2", false);
	/* indented by the paste, padded to the terminal's width */
	expect_prefix(" kern: warning: [2024-06-29T10:52:47.196008602Z]: "
		      "RIP: 0010:dev_watchdog+0x236/0x240   ",
		      "RIP: 0010:dev_watchdog+0x236/0x240   ",
		      "2024-06-29T10:52:47.196008602Z", NULL, false);
	/* "name: message" that is no console prefix stays */
	expect_prefix("e1000e: eth0 NIC Link is Up",
		      "e1000e: eth0 NIC Link is Up", NULL, NULL, false);
}

static void test_esxi_behind_syslog(void **state)
{
	(void)state;
	struct ct_log_prefix r;
	const char *l = "Jan  2 03:04:05 esx01.lab vmkernel: cpu13:2097839)"
			"@BlueScreen: #PF Exception 14";
	ct_log_prefix_parse(l, strlen(l), &r);
	assert_true(r.vmkernel);
	assert_int_equal(r.cpu, 13);
	assert_memory_equal(r.message, "@BlueScreen:", 12);
	l = "2024-01-02T03:04:05.123Z esx01 vmkernel: cpu2:1234 opID=ab12)"
	    "WARNING: x";
	ct_log_prefix_parse(l, strlen(l), &r);
	assert_true(r.vmkernel);
	assert_int_equal(r.cpu, 2);
	assert_memory_equal(r.message, "WARNING: x", 10);
	expect_prefix("<166>2024-01-02T03:04:05.123Z esx01 vmkernel: "
		      "cpu2:1234)x", "x", "2024-01-02T03:04:05.123Z", "esx01",
		      false);
}

/* Does line's prefix say it is an ESXi log line? */
static bool is_esxi_line(const char *line)
{
	struct ct_log_prefix r;
	ct_log_prefix_parse(line, strlen(line), &r);
	return r.vmkernel;
}

/* ESXi daemons before 8.0: hostd's level, program, thread and VMware's
 * structured data; vobd's ": " before a correlator.  Other programs'
 * lines of the same shapes are not ESXi's. */
static void test_esxi_daemons(void **state)
{
	(void)state;
	static const struct {
		const char *line, *message;
	} esxi[] = {
		{ "2018-07-06T21:02:11.204Z info hostd[B781B70] [Originator@6876 "
		  "sub=Vimsvc.ha-eventmgr] Event 3026 : x", "Event 3026 : x" },
		/* 7.x: a decimal thread, opID and user in the structured data */
		{ "2021-03-15T10:12:34.567Z verbose hostd[2099734] "
		  "[Originator@6876 sub=Vimsvc.TaskManager opID=a-1 user=root] "
		  "Task Created : t", "Task Created : t" },
		{ "2016-03-04T19:29:42.070Z: [scsiCorrelator] 3733053265426us: "
		  "[vob.scsi.scsipath.remove] Remove path: vmhba33:C0:T16:L0",
		  "[scsiCorrelator] 3733053265426us: [vob.scsi.scsipath.remove] "
		  "Remove path: vmhba33:C0:T16:L0" },
		{ "2016-03-04T19:29:42.070Z: No correlator for vob.x",
		  "No correlator for vob.x" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(esxi); i++) {
		assert_true(is_esxi_line(esxi[i].line));
		expect_prefix(esxi[i].line, esxi[i].message, NULL, NULL, false);
	}
	expect_prefix(esxi[0].line, esxi[0].message,
		      "2018-07-06T21:02:11.204Z", NULL, false);
	/* near misses: another enterprise number, no thread, no correlator */
	static const char *const not_esxi[] = {
		"2018-07-06T21:02:11.204Z info myapp[4711] [Originator@1234 "
		"sub=x] y",
		"2018-07-06T21:02:11.204Z info hostd [Originator@6876 sub=x] y",
		"2018-07-06T21:02:11.204Z info hostd[] [Originator@6876 sub=x] y",
		"2018-07-06T21:02:11.204Z note hostd[1] [Originator@6876 sub=x] y",
		"2018-07-06T21:02:11.204Z: [build] step 3 done",
		"2018-07-06T21:02:11.204Z: [Correlator] x",
		"2018-07-06T21:02:11.204Z: [APDCorrelator]",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(not_esxi); i++)
		assert_false(is_esxi_line(not_esxi[i]));
	/* the correlator alone, as the masked-stamp reader asks */
	static const char *const vobd[] = { "[APDCorrelator] 1us: x",
					    "[scsiCorrelator] ",
					    "No correlator for vob.x" };
	static const char *const not_vobd[] = { "[APDCorrelator]",
						"[Correlator] x", "[APD] x",
						"[APD Correlator] x", "" };
	for (size_t i = 0; i < CT_ARRAY_SIZE(vobd); i++)
		assert_true(ct_log_is_vobd_message(vobd[i],
						   vobd[i] + strlen(vobd[i])));
	for (size_t i = 0; i < CT_ARRAY_SIZE(not_vobd); i++)
		assert_false(ct_log_is_vobd_message(
			not_vobd[i], not_vobd[i] + strlen(not_vobd[i])));
}

static void test_serial_console(void **state)
{
	(void)state;
	/* minicom, tio, ts: the kernel's own stamp wins when there is one */
	expect_prefix("[2024-01-02 03:04:05] [   12.300000] BUG: x", "BUG: x",
		      "[   12.300000]", NULL, false);
	expect_prefix("[2024-01-02 03:04:05.123] Call Trace:", "Call Trace:",
		      "[2024-01-02 03:04:05.123]", NULL, false);
	expect_prefix("[03:04:05.123] <4>[   12.3] RIP: x", "RIP: x",
		      "[   12.3]", NULL, false);
	expect_prefix("12:34:56.789 [   12.300000] Oops", "Oops",
		      "[   12.300000]", NULL, false);
	expect_prefix("12:34:56 Call Trace:", "Call Trace:", "12:34:56", NULL,
		      false);
	/* Go's log package, as a fuzzing harness prints kernel text */
	expect_prefix("2018/01/09 14:28:48 BUG: memory leak", "BUG: memory leak",
		      "2018/01/09 14:28:48", NULL, false);
	/* ts's default "%b %d %H:%M:%S" is a syslog stamp with no host */
	expect_prefix("Jan 02 03:04:05 [   12.300000] Oops", "Oops",
		      "Jan 02 03:04:05", NULL, false);
	/* a whole vmkernel line behind a capture tool's stamp */
	struct ct_log_prefix v;
	const char *vl = "[14:00:04.028] 2023-05-30T11:08:44.906Z "
			 "cpu17:2098806)@BlueScreen: x";
	ct_log_prefix_parse(vl, strlen(vl), &v);
	assert_true(v.vmkernel);
	assert_int_equal(v.cpu, 17);
	assert_memory_equal(v.message, "@BlueScreen: x", 14);
	assert_memory_equal(v.timestamp, "2023-05-30T11:08:44.906Z", 24);
	/* not a stamp: an ESX 3.x uptime is one field longer */
	struct ct_log_prefix r;
	const char *l = "54:01:08:11.385 cpu3:1034)x";
	ct_log_prefix_parse(l, strlen(l), &r);
	assert_true(r.vmkernel);
	assert_int_equal(r.timestamp_len, 15);
}

static void test_no_prefix(void **state)
{
	(void)state;
	expect_prefix("", "", NULL, NULL, false);
	expect_prefix("#0  0x00007f in raise ()", "#0  0x00007f in raise ()",
		      NULL, NULL, false);
	expect_prefix("12:34", "12:34", NULL, NULL, false);
}

/* ---- unwrap ----------------------------------------------------------- */

/* Unwrap in; the result must be want (same number of lines, always) and
 * the wrappers found must include all of want_wrappers. */
static void expect_unwrap(const char *in, const char *want,
			  unsigned want_wrappers)
{
	struct ct_unwrapped u;
	assert_null(ct_text_unwrap(in, strlen(in), &u));
	if ((u.wrappers & want_wrappers) != want_wrappers)
		fail_msg("wrappers %#x, want %#x in:\n%s", u.wrappers,
			 want_wrappers, in);
	if (u.len != strlen(want) || memcmp(u.buf, want, u.len) != 0)
		fail_msg("unwrapped:\n%.*s\nwant:\n%s", (int)u.len, u.buf,
			 want);
	size_t lines_in = 0, lines_out = 0;
	for (const char *p = in; *p; p++)
		lines_in += *p == '\n';
	for (size_t i = 0; i < u.len; i++)
		lines_out += u.buf[i] == '\n';
	assert_int_equal(lines_in, lines_out);
	ct_unwrapped_deinit(&u);
}

static void test_unwrap_plain(void **state)
{
	(void)state;
	const char *plain = "[   12.3] BUG: x\n[   12.4]  <IRQ>\n"
			    "[   12.5] a > b | c & d\n";
	struct ct_unwrapped u;
	assert_null(ct_text_unwrap(plain, strlen(plain), &u));
	assert_int_equal(u.wrappers, 0);
	assert_ptr_equal(u.buf, plain);	/* no copy */
	assert_null(u.owned);
	ct_unwrapped_deinit(&u);
}

/* Crash text kept in a source comment: "// " or a block comment's " * " */
static void test_unwrap_comment(void **state)
{
	(void)state;
	expect_unwrap("// (gdb) bt\n// #0  0x1 in f () at a.c:1\n"
		      "// #1  0x2 in main () at a.c:9\n//\nint x;\n",
		      "(gdb) bt\n#0  0x1 in f () at a.c:1\n"
		      "#1  0x2 in main () at a.c:9\n\nint x;\n",
		      CT_WRAP_COMMENT);
	expect_unwrap("/*\n * [   12.3] BUG: x\n * [   12.4]  foo+0x1/0x2\n */\n",
		      "/*\n[   12.3] BUG: x\n[   12.4]  foo+0x1/0x2\n */\n",
		      CT_WRAP_COMMENT);
	/* one comment line in a log is no wrapper */
	struct ct_unwrapped u;
	const char *one = "[   12.3] BUG: x\n// note\n[   12.4] y\n";
	assert_null(ct_text_unwrap(one, strlen(one), &u));
	assert_false(u.wrappers & CT_WRAP_COMMENT);
	ct_unwrapped_deinit(&u);
}

static void test_unwrap_markdown_quote(void **state)
{
	(void)state;
	expect_unwrap("I see this:\n> [   12.3] BUG: x\n>\n> [   12.4] "
		      " ? foo\n> [   12.5] bar\nThanks\n",
		      "I see this:\n[   12.3] BUG: x\n\n[   12.4]  ? foo\n"
		      "[   12.5] bar\nThanks\n", CT_WRAP_QUOTE);
	/* nested, as a reply to a reply shows it */
	expect_unwrap("> > #0  raise ()\n> > #1  abort ()\n> ok\n",
		      "#0  raise ()\n#1  abort ()\nok\n", CT_WRAP_QUOTE);
}

static void test_unwrap_mail_quote(void **state)
{
	(void)state;
	expect_unwrap("On Mon, Jan 1, X wrote:\r\n>> RIP: 0010:foo+0x1/0x2\r\n"
		      ">> Call Trace:\r\n> >  bar+0x2/0x3\r\n",
		      "On Mon, Jan 1, X wrote:\nRIP: 0010:foo+0x1/0x2\n"
		      "Call Trace:\n bar+0x2/0x3\n", CT_WRAP_QUOTE);
	expect_unwrap("| RIP: 0010:foo\n| Call Trace:\n|  bar+0x1/0x2\n",
		      "RIP: 0010:foo\nCall Trace:\n bar+0x1/0x2\n",
		      CT_WRAP_QUOTE | CT_WRAP_PIPE_QUOTE);
	/* a table is not a quote */
	const char *table = "| a | b |\n| 1 | 2 |\n| 3 | 4 |\n";
	expect_unwrap(table, table, 0);
}

static void test_unwrap_fence(void **state)
{
	(void)state;
	expect_unwrap("dmesg:\n```text\n[ 1.0] BUG: x\n```\nbye\n",
		      "dmesg:\n\n[ 1.0] BUG: x\n\nbye\n", CT_WRAP_FENCE);
	/* inside a list item: the fence's indentation goes with it */
	expect_unwrap("1. log:\n   ```\n   #0  raise ()\n     #1  x\n   ```\n",
		      "1. log:\n\n#0  raise ()\n  #1  x\n\n", CT_WRAP_FENCE);
	/* quoted fence, and a fence glued to the text */
	expect_unwrap("> ```\n> RIP: 0010:f\n> ```\n",
		      "\nRIP: 0010:f\n\n", CT_WRAP_QUOTE | CT_WRAP_FENCE);
	expect_unwrap("```[ 1.0] BUG: x\n[ 1.1] y```\n",
		      "[ 1.0] BUG: x\n[ 1.1] y\n", CT_WRAP_FENCE);
	expect_unwrap("~~~\nx\n~~~\n", "\nx\n\n", CT_WRAP_FENCE);
}

static void test_unwrap_html(void **state)
{
	(void)state;
	expect_unwrap("[ 1.0]  &lt;IRQ&gt;\n[ 1.1] a &amp;&amp; b &quot;c&quot;"
		      " &#39;d&#39; &#x27;e&#x27;\n",
		      "[ 1.0]  <IRQ>\n[ 1.1] a && b \"c\" 'd' 'e'\n",
		      CT_WRAP_HTML);
	expect_unwrap("<pre>#0  f (x=&lt;optimized out&gt;)\n#1  g ()</pre>\n",
		      "#0  f (x=<optimized out>)\n#1  g ()\n", CT_WRAP_HTML);
	/* a numeric reference beyond ASCII becomes UTF-8; junk stays */
	expect_unwrap("&#233; &#xE9; &#0; &bogus; &#xD800; &lt\n",
		      "\xc3\xa9 \xc3\xa9 &#0; &bogus; &#xD800; &lt\n",
		      CT_WRAP_HTML);
	/* a reference never makes a line end (found by fuzz-unwrap) */
	expect_unwrap("a&#10;b &#xa; &#13;&amp;\n", "a&#10;b &#xa; &#13;&\n",
		      CT_WRAP_HTML);
	/* GitHub's <details> lines; a kernel's <IRQ> is no markup */
	expect_unwrap("<details><summary>dmesg</summary>\n\nx\n</details>\n",
		      "\n\nx\n\n", CT_WRAP_NOISE);
	expect_unwrap("<pre class=\"log\">\n <IRQ>\n<IRQ> <p>\n</pre>\n",
		      "\n <IRQ>\n<IRQ> <p>\n\n", CT_WRAP_NOISE);
}

static void test_unwrap_pager(void **state)
{
	(void)state;
	expect_unwrap("root@host:~# dmesg | more\n[ 1.0] a\n--More--(42%)\r"
		      "             \r[ 1.1] b\n--More--\n[ 1.2]  c\n",
		      "root@host:~# dmesg | more\n[ 1.0] a\n[ 1.1] b\n\n"
		      "[ 1.2]  c\n", CT_WRAP_NOISE);
	expect_unwrap("[ 1.0] a\nlines 1-40/200 20%\n:\n[ 1.1] b\n"
		      "lines 41-42/42 (END)\n(END)\n",
		      "[ 1.0] a\n\n\n[ 1.1] b\n\n\n", CT_WRAP_NOISE);
	/* gdb's own pager */
	expect_unwrap("#0  f ()\n--Type <RET> for more, q to quit, c to continue "
		      "without paging--c\n#1  g ()\n"
		      "---Type <return> to continue, or q <return> to quit---"
		      "#2  h ()\n",
		      "#0  f ()\nc\n#1  g ()\n#2  h ()\n", CT_WRAP_NOISE);
	/* prompts are kept: the facts extractor reads them */
	const char *session = "$ gdb -q ./a.out core\n(gdb) bt\n#0  f ()\n";
	expect_unwrap(session, session, 0);
}

/* JSON log records: journalctl -o json (field order as journalctl 252
 * prints it), json-pretty, Docker's json-file "log", GCP's textPayload */
static void test_unwrap_json(void **state)
{
	(void)state;
	/* one record a line: the kernel's time since boot becomes a dmesg
	 * stamp; a record without one, just its message */
	expect_unwrap("{\"SYSLOG_FACILITY\":\"0\",\"_SOURCE_MONOTONIC_TIMESTAMP\":"
		      "\"979025715\",\"MESSAGE\":\"BUG: KASAN: slab-out-of-bounds "
		      "in f+0x21b/0x490\",\"_TRANSPORT\":\"kernel\"}\n"
		      "{ \"__CURSOR\" : \"s=2c;i=1f345\", \"PRIORITY\" : \"2\", "
		      "\"_SOURCE_MONOTONIC_TIMESTAMP\" : \"12\", \"MESSAGE\" : "
		      "\"EXT4-fs error (device sdc2) in ext4_free_blocks:4969: "
		      "IO failure\" }\n"
		      "{\"PRIORITY\":\"6\",\"MESSAGE\":\"Call Trace:\"}\n",
		      "[  979.025715] BUG: KASAN: slab-out-of-bounds in "
		      "f+0x21b/0x490\n"
		      "[    0.000012] EXT4-fs error (device sdc2) in "
		      "ext4_free_blocks:4969: IO failure\n"
		      "Call Trace:\n", CT_WRAP_JSON);
	/* escapes; journald's bytes that are not UTF-8; a record's own
	 * line breaks become blanks, so the lines stay the input's */
	expect_unwrap("{\"MESSAGE\":\"a\\\"b\\\\c\\/d \\u00e9 \\ud83d\\ude00 "
		      "\\ud800x \\u0007\\tz\\nnext\"}\n"
		      "{\"MESSAGE\":[104,105,10,255],\"_TRANSPORT\":\"kernel\"}\n"
		      "{\"MESSAGE\":[104,778,10<5,13,33]}\n",
		      "a\"b\\c/d \xc3\xa9 \xf0\x9f\x98\x80 ?x  \tz next\n"
		      "hi \xff\nh? \x05 !\n", CT_WRAP_JSON);
	/* Docker's json-file: "log" ends with the line's newline; GCP */
	expect_unwrap("{\"log\":\"[  541.633164] BUG: x\\n\",\"stream\":"
		      "\"stdout\",\"time\":\"2019-01-01T00:00:00Z\"}\n"
		      "{\"textPayload\":\"RIP: 0010:f+0x1/0x2\",\"severity\":"
		      "\"ERROR\",\"labels\":{\"a\":[1,{\"b\":\"}\"}]}}\n",
		      "[  541.633164] BUG: x\nRIP: 0010:f+0x1/0x2\n",
		      CT_WRAP_JSON);
	/* json-pretty: the message's line is the message, the rest empty;
	 * the prose around the records stays */
	expect_unwrap("journalctl -k -o json-pretty:\n{\n"
		      "\t\"_TRANSPORT\" : \"kernel\",\n"
		      "\t\"MESSAGE\" : \"general protection fault: 0000 [#1]\",\n"
		      "\t\"_UDEV_DEVLINK\" : [ \"/dev/a\", \"/dev/b\" ],\n"
		      "}\n{\n\t\"MESSAGE\" : \"RIP: 0010:f+0x1/0x2\"\n}\nbye\n",
		      "journalctl -k -o json-pretty:\n\n\n"
		      "general protection fault: 0000 [#1]\n\n\n\n"
		      "RIP: 0010:f+0x1/0x2\n\nbye\n", CT_WRAP_JSON);
	/* the stamp, whichever member comes first (journalctl 252 prints
	 * them in any order) */
	expect_unwrap("{\n\t\"MESSAGE\" : \"x\",\n\t\"PRIORITY\" : \"4\",\n"
		      "\t\"_SOURCE_MONOTONIC_TIMESTAMP\" : \"979025677\"\n}\n"
		      "{\n\t\"_SOURCE_MONOTONIC_TIMESTAMP\" : \"979025715\",\n"
		      "\t\"MESSAGE\" : \"y\"\n}\n{\n\t\"MESSAGE\" : \"z\"\n}\n",
		      "\n[  979.025677] x\n\n\n\n\n\n[  979.025715] y\n\n\nz\n\n",
		      CT_WRAP_JSON);
	/* -o verbose and -o export (journalctl 252): a record's fields a
	 * line; its stamp comes from the field before the message */
	expect_unwrap("Tue 2023-11-14 22:29:39.025677 UTC [s=26;i=1;b=6f;m=3a]\n"
		      "    _TRANSPORT=kernel\n"
		      "    _SOURCE_MONOTONIC_TIMESTAMP=979025677\n"
		      "    MESSAGE=BUG: KASAN: slab-out-of-bounds in f+0x1/0x2\n"
		      "Tue 2023-11-14 22:29:39.025715 UTC [s=26;i=2;b=6f;m=3b]\n"
		      "    MESSAGE=Call Trace:\n",
		      "\n\n\n[  979.025677] BUG: KASAN: slab-out-of-bounds in "
		      "f+0x1/0x2\n\nCall Trace:\n", CT_WRAP_JSON);
	expect_unwrap("__CURSOR=s=26;i=1\n_SOURCE_MONOTONIC_TIMESTAMP=5\n"
		      "MESSAGE=RIP: 0010:f+0x1/0x2\n\n__CURSOR=s=26;i=2\n"
		      "MESSAGE=x\n",
		      "\n\n[    0.000005] RIP: 0010:f+0x1/0x2\n\n\nx\n",
		      CT_WRAP_JSON);
	/* a kernel .config or an environment is no journal */
	const char *config = "CONFIG_KASAN=y\nCONFIG_X=m\nPATH=/bin\n";
	expect_unwrap(config, config, 0);
	/* quoted in a mail, and an HTML page's references decoded first */
	expect_unwrap("> {\"MESSAGE\":\"BUG: x\"}\n> {\"MESSAGE\":\"y\"}\n",
		      "BUG: x\ny\n", CT_WRAP_QUOTE | CT_WRAP_JSON);
	expect_unwrap("{&quot;MESSAGE&quot;:&quot;a &amp;&amp; b&quot;}\n"
		      "{&quot;MESSAGE&quot;:&quot;&lt;IRQ&gt;&quot;}\n",
		      "a && b\n<IRQ>\n", CT_WRAP_HTML | CT_WRAP_JSON);
	/* one JSON line in a log, a record cut short, a record without a
	 * message: no wrapper, or the line kept as it is */
	const char *one = "[ 1.0] a\n{\"MESSAGE\":\"b\"}\n[ 1.1] c\n";
	expect_unwrap(one, one, 0);
	expect_unwrap("{\"MESSAGE\":\"a\"}\n{\"MESSAGE\":\"cut\n"
		      "{\"MESSAGE\":\"b\"}\n{\"PRIORITY\":\"6\"}\n",
		      "a\n{\"MESSAGE\":\"cut\nb\n\n", CT_WRAP_JSON);
	struct ct_unwrapped u;
	const char *deep = "{\"MESSAGE\":\"a\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[["
			   "[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n"
			   "{\"MESSAGE\":\"a\"}\n{\"MESSAGE\":\"b\"}\n";
	assert_null(ct_text_unwrap(deep, strlen(deep), &u));
	assert_true(u.wrappers & CT_WRAP_JSON);
	/* too deep to be read: kept, the next record still read */
	assert_true(u.len > 2 && memcmp(u.buf + u.len - 2, "b\n", 2) == 0);
	ct_unwrapped_deinit(&u);
}

static void test_unwrap_empty(void **state)
{
	(void)state;
	expect_unwrap("", "", 0);
	expect_unwrap(">", "", CT_WRAP_QUOTE);
	expect_unwrap("> Linux h 6.1.0-18-amd64 #1 SMP x86_64 GNU/Linux\n",
		      "Linux h 6.1.0-18-amd64 #1 SMP x86_64 GNU/Linux\n",
		      CT_WRAP_QUOTE);
	expect_unwrap("text\n> one quoted line\n", "text\n> one quoted line\n",
		      0);
	expect_unwrap(">\n>", "\n", CT_WRAP_QUOTE);
	expect_unwrap("```", "", CT_WRAP_FENCE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_prefixes),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_syslog_localized),
		cmocka_unit_test(test_syslog_iso),
		cmocka_unit_test(test_facility_level),
		cmocka_unit_test(test_openwrt_logread),
		cmocka_unit_test(test_rfc5424),
		cmocka_unit_test(test_loglevel),
		cmocka_unit_test(test_dmesg_human),
		cmocka_unit_test(test_syslog_host_dmesg),
		cmocka_unit_test(test_dmesg_x),
		cmocka_unit_test(test_container_console),
		cmocka_unit_test(test_esxi_behind_syslog),
		cmocka_unit_test(test_esxi_daemons),
		cmocka_unit_test(test_serial_console),
		cmocka_unit_test(test_no_prefix),
		cmocka_unit_test(test_unwrap_plain),
		cmocka_unit_test(test_unwrap_comment),
		cmocka_unit_test(test_unwrap_markdown_quote),
		cmocka_unit_test(test_unwrap_mail_quote),
		cmocka_unit_test(test_unwrap_fence),
		cmocka_unit_test(test_unwrap_html),
		cmocka_unit_test(test_unwrap_pager),
		cmocka_unit_test(test_unwrap_json),
		cmocka_unit_test(test_unwrap_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
