/* SPDX-License-Identifier: MIT */
/*
 * test-extract-vmkernel.c - the ESXi vmkernel log / PSOD extractor: sniffing,
 * every era's frame form, every "@BlueScreen" variant, the "Panic Details"
 * block, banner facts, crashing versus saved backtraces, generic frames,
 * signature stability, hostile input, and the corpus under
 * tests/data/vmkernel/ with its .expect sidecars.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"
#include "tests/unit/helpers.h"

/* ---- helpers ----------------------------------------------------------- */

static struct ct_case *analyze_n(const char *text, size_t len)
{
	struct ct_case *c = NULL;
	assert_null(ct_analyze_buffer("test.log", text, len, &c));
	assert_non_null(c);
	return c;
}

static struct ct_case *analyze(const char *text)
{
	return analyze_n(text, strlen(text));
}

static bool sniff(const char *text)
{
	return ct_extractor_vmkernel.sniff(text, strlen(text));
}

static bool is_vmkernel(const struct ct_case *c)
{
	return c->inputs[0].kinds & (1u << CT_KIND_VMKERNEL_LOG);
}

/* A text file of the source tree, or NULL (the test then skips). */
static char *read_source_file(const char *rel, size_t *ret_len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ct_strbuf_append(&sb, chunk, n);
	fclose(f);
	*ret_len = sb.len;
	return ct_strbuf_detach(&sb);
}

/* KB 370976 shape (Appendix A1): the reference PSOD. */
#define A1_PSOD \
	"2025-02-03T04:05:06.100Z cpu7:2097733)@BlueScreen: #PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18\n" \
	"PTEs:0x1a2b3c027;0x1a2b3d027;0x0;\n" \
	"2025-02-03T04:05:06.110Z cpu7:2097733)Code start: 0x420030800000 VMK uptime: 12:03:44:10.250\n" \
	"2025-02-03T04:05:06.120Z cpu7:2097733)0x453a01b1be20:[0x420031a2b3c4]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x3f1 stack: 0x430a1b2c3d40, 0x0, 0x1, 0x453a01b1be70, 0x0\n" \
	"2025-02-03T04:05:06.121Z cpu7:2097733)0x453a01b1be80:[0x420030a8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe stack: 0x420000000001, 0x0, 0x0, 0x0, 0x0\n" \
	"2025-02-03T04:05:06.122Z cpu7:2097733)0x453a01b1bf10:[0x420030b5aa14]UplinkAsyncProcessCallsHelperCB@vmkernel#nover+0x119 stack: 0x0, 0x0, 0x0, 0x0, 0x0\n" \
	"2025-02-03T04:05:06.123Z cpu7:2097733)0x453a01b1bf40:[0x4200308da139]HelperQueueFunc@vmkernel#nover+0x1d2 stack: 0x0, 0x0, 0x0, 0x0, 0x0\n" \
	"2025-02-03T04:05:06.124Z cpu7:2097733)0x453a01b1bfe0:[0x420030bb3e29]CpuSched_StartWorld@vmkernel#nover+0x86 stack: 0x0, 0x0, 0x0, 0x0, 0x0\n" \
	"2025-02-03T04:05:06.130Z cpu7:2097733)base fs=0x0 gs=0x420042000000 Kgs=0x0\n"

/* ---- sniffing ---------------------------------------------------------- */

static void test_sniff_forms(void **state)
{
	(void)state;
	/* ESXi 5.x-7.x, with and without opID */
	assert_true(sniff("2020-10-07T13:07:07.014Z cpu10:1001393546 opID=51ed2475)J6: CommitOnDiskTxn:3620: x\n"));
	assert_true(sniff("2024-06-21T21:50:40.320Z cpu56:2097460)Code start: 0x42002a800000\n"));
	/* ESXi 8 syslog headers */
	assert_true(sniff("2025-12-11T16:41:48.486Z In(182) vmkernel: cpu1:131211)NRandomHwrng: 500: Out of entropy, refreshing.\n"));
	assert_true(sniff("2025-12-11T16:41:48.486Z Wa(180) vmkwarning: cpu1:131211)WARNING: bnxtnet: x\n"));
	/* ESX 3.x uptime */
	assert_true(sniff("54:01:08:11.385 cpu15:1166)<6>Debug scsi underrun\n"));
	/* PSOD text without prefixes */
	assert_true(sniff("some words\n#PF Exception 14 in world 1001599386:fdsAIO IP 0x420017c7c1d2 addr 0xe8\n"));
	assert_true(sniff("Panic Details: Crash at 2025-05-06T07:08:09.010Z on CPU 12 running world 2098455 - X. VMK Uptime:3:02:01:22.715\n"));
	assert_true(sniff("The screen said @BlueScreen: NMI IPI\n"));
	assert_true(sniff("  0x4538fc81be78:[0x420023e974c9]PktList_SplitByUplinkPort@vmkernel#nover+0x9 stack: 0x0\n"));
	assert_true(sniff("\x1b[45m\x1b[33;1mVMware ESXi 7.0.1 [build-16850804 x86_64]\x1b[0m\n"));
	assert_true(sniff("VMware ESXi 7.0.3 [Releasebuild-20036589 x86_64]\n"));
	/* hostd and vobd before ESXi 8 (which writes them with its header) */
	assert_true(sniff("2018-07-06T21:02:11.204Z info hostd[B781B70] [Originator@6876 sub=Vimsvc.ha-eventmgr] Event 3026 : x\n"));
	assert_true(sniff("2016-03-04T19:29:42.070Z: [scsiCorrelator] 3733053265426us: [vob.scsi.scsipath.remove] Remove path: vmhba33:C0:T16:L0\n"));
	assert_true(sniff("YYYY-MM-DDTHH:MM:SS.###Z: [APDCorrelator] 1960326656825us: [vob.storage.apd.start] x\n"));
	/* not ours */
	assert_false(sniff("2018-07-06T21:02:11.204Z info myapp[4711] [Originator@1234 sub=x] Event 1 : x\n"));
	assert_false(sniff("2018-07-06T21:02:11.204Z: [build] step 3 done\n"));
	assert_false(sniff("YYYY-MM-DDTHH:MM:SS.###Z: [build] step 3 done\n"));
	assert_false(sniff("[ 4711.120001] BUG: kernel NULL pointer dereference, address: 0000000000000040\n"
			   "[ 4711.120010] #PF: supervisor read access in kernel mode\n"));
	assert_false(sniff("#0  0x0000420039b1a4e6 in Panic_vPanic (fmt=0x42003c75cc90) at panic.c:229\n"
			   "#1  0x0000420039b3259f in vmk_vPanic () at vmkapi_assert.c:44\n"));
	assert_false(sniff("hello world\nVMware ESXi is a hypervisor\n"));
	assert_false(sniff(""));
}

/* ---- frames ------------------------------------------------------------ */

static void test_frame_module_forms(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2019-01-01T00:00:00.000Z cpu3:2097733)@BlueScreen: #PF Exception 14 in world 2097733:x IP 0x1 addr 0x0\n"
		"2019-01-01T00:00:00.001Z cpu3:2097733)0x4539000000a0:[0x420000000001]CpuSchedA@vmkernel#nover+0x86 stack: 0x0\n"
		"2019-01-01T00:00:00.002Z cpu3:2097733)0x4539000000b0:[0x420000000002]i40en_Get@(i40en)#<None>+0x45f stack: 0x1, 0x2\n"
		"2019-01-01T00:00:00.003Z cpu3:2097733)0x4539000000c0:[0x420000000003]panic@(tcpip4)#+0x4c stack: 0x0\n"
		"2019-01-01T00:00:00.004Z cpu3:2097733)0x4539000000d0:[0x420000000004]EtherswitchPortDispatch@<None>#<None>+0x604 stack: 0x0\n"
		"2019-01-01T00:00:00.005Z cpu3:2097733)0x4539000000e0:[0x420000000005]EtherswitchForwardLeafPortsQuick@#+0xd6 stack: 0x0\n"
		"2019-01-01T00:00:00.006Z cpu3:2097733)0x4539000000f0:[0x420000000006]netdev_tx@com.vmware.driverAPI#9.2+0x846 stack: 0x0\n"
		"2019-01-01T00:00:00.007Z cpu3:2097733)0x453900000100:[0x420000000007]SunRPC_MsgCntxtRun@com.vmware.sunrpc#1+0x5db stack: 0x0\n"
		"2019-01-01T00:00:00.008Z cpu3:2097733)0x453900000110:[0x420000000008]VSIPDVFProcessSlowPathPackets@(nsxt-vsip)#1.0.8.0.22667792+0x1a stack: 0x0\n"
		"2019-01-01T00:00:00.009Z cpu3:2097733)0x41229eb9bff8:[0x0] stack: 0x0\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 8); /* the terminator is no frame */
	static const struct {
		const char *function, *module;
		uint64_t offset;
	} want[] = {
		{ "CpuSchedA", "vmkernel", 0x86 },
		{ "i40en_Get", "i40en", 0x45f },
		{ "panic", "tcpip4", 0x4c },
		{ "EtherswitchPortDispatch", NULL, 0x604 },
		{ "EtherswitchForwardLeafPortsQuick", NULL, 0xd6 },
		{ "netdev_tx", "com.vmware.driverAPI", 0x846 },
		{ "SunRPC_MsgCntxtRun", "com.vmware.sunrpc", 0x5db },
		{ "VSIPDVFProcessSlowPathPackets", "nsxt-vsip", 0x1a },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(want); i++) {
		const struct ct_frame *f = &bt->frames[i];
		assert_string_equal(f->function, want[i].function);
		if (want[i].module)
			assert_string_equal(f->module, want[i].module);
		else
			assert_null(f->module);
		assert_true(f->has_offset);
		assert_int_equal(f->offset, want[i].offset);
		assert_true(f->has_address);
		assert_int_equal(f->address, 0x420000000001ull + i);
		assert_true(f->reliable);
		assert_int_equal(f->number, -1);
	}
	/* a real version becomes a fact; "nover", "<None>" and "" do not */
	assert_true(has_fact(c, "module.nsxt-vsip.version", "1.0.8.0.22667792"));
	assert_true(has_fact(c, "module.com.vmware.driverAPI.version", "9.2"));
	assert_null(ct_case_fact(c, "module.vmkernel.version"));
	assert_null(ct_case_fact(c, "module.i40en.version"));
	assert_null(ct_case_fact(c, "module.tcpip4.version"));
	assert_string_equal(ct_case_fact(c, "product"), "esxi");
	ct_case_destroy(c);
}

/* ESX/ESXi 4.x: no module at all, "#PF Exception(14)", lower-case ip,
 * uptime prefixes and a "<unknown>" terminator. */
static void test_frames_esx4(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"VMware ESX 4.1.0 [Releasebuild-260247 X86_64]\n"
		"#PF Exception(14) in world 1061022931:sh ip 0x418021a5e7fc addr 0x417fe0c1e50c\n"
		"364:22:41:09.118 cpu0:1061022931)Code starts at 0x418021a00000\n"
		"364:22:41:09.118 cpu0:1061022931)0x4100c53f7d08:[0x418021a5e7fc]WorldNewInt+0xa3 stack: 0x4100a1b0ebf0\n"
		"364:22:41:09.118 cpu0:1061022931)0x4100c53f7d58:[0x418021a5f2a1]World_New+0x4d stack: 0x4100c53f7d98\n"
		"364:22:41:09.121 cpu0:1061022931)0x4100c53f7f98:[0x418021a7c3a8]gate_entry+0x5f stack: 0x0\n"
		"364:22:41:09.121 cpu0:1061022931)0x4100c53f7ff8:[0x0]<unknown> stack: 0x0\n");
	assert_true(is_vmkernel(c));
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 3);
	assert_string_equal(bt->frames[0].function, "WorldNewInt");
	assert_null(bt->frames[0].module);
	assert_int_equal(bt->frames[0].offset, 0xa3);
	assert_true(bt->frames[2].generic); /* gate_entry */
	assert_string_equal(bt->label, "cpu0 world 1061022931");
	assert_string_equal(c->panic.exception, "#PF");
	assert_string_equal(c->panic.context, "1061022931:sh");
	assert_string_equal(c->panic.cpu, "cpu0");
	assert_string_equal(ct_case_fact(c, "esxi.build"), "260247");
	assert_string_equal(ct_case_fact(c, "esxi.version"), "4.1.0");
	assert_string_equal(c->signature.title,
			    "PSOD: #PF Exception 14 in WorldNewInt");
	ct_case_destroy(c);
}

/* Cloudflare e-mail obfuscation eats "Func@module": the frame stays, with
 * no name, and does not end the block. */
static void test_cloudflare_frame(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-01-01T00:00:00.000Z cpu9:2098000)@BlueScreen: #PF Exception 14 in world 2098000:vmnic4-pollW IP 0x42003000c1a addr 0x0\n"
		"2024-01-01T00:00:00.001Z cpu9:2098000)0x4539aaaabe70:[0x42003000c1a]PhysMemFireTracesSlow@vmkernel#nover+0x8e stack: 0x0\n"
		"2024-01-01T00:00:00.002Z cpu9:2098000)0x4539aaaabf10:[0x42003000022e][email\xc2\xa0protected]+0x1c stack: 0x0\n"
		"2024-01-01T00:00:00.003Z cpu9:2098000)0x4539aaaabf50:[0x4200300009a1][email protected]#nover+0x1f1 stack: 0x0\n"
		"2024-01-01T00:00:00.004Z cpu9:2098000)0x4539aaaabf90:[0x420030000d4e]Vmxnet3VMKDevRxWithLock@vmkernel#nover+0x7ce stack: 0x0\n"
		"2024-01-01T00:00:00.005Z cpu9:2098000)0x4539aaaabfa0:[0x420030000e4e]Port_[email protected]#nover+0x9c stack: 0x0\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(c->backtrace_count, 1);
	assert_int_equal(bt->frame_count, 5);
	assert_null(bt->frames[4].function);
	assert_int_equal(bt->frames[4].offset, 0x9c);
	assert_null(bt->frames[1].function);
	assert_true(bt->frames[1].has_offset);
	assert_int_equal(bt->frames[1].offset, 0x1c);
	assert_null(bt->frames[2].function);
	assert_int_equal(bt->frames[2].offset, 0x1f1);
	assert_string_equal(c->signature.frames[0], "PhysMemFireTracesSlow");
	assert_string_equal(c->signature.frames[1], "Vmxnet3VMKDevRxWithLock");
	ct_case_destroy(c);
}

/* Masked prefixes and addresses as KB pages print them. */
static void test_masked_prefix(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"####-##-##T##:##:##.###Z cpu##:#######)@BlueScreen: #PF Exception 14 in world #######:vmnic4-pollW IP 0x42003####c1a addr 0x0\n"
		"####-##-##T##:##:##.###Z cpu##:#######)0x4539####be70:[0x42003####c1a]PhysMemFireTracesSlow@vmkernel#nover+0x8e stack: 0x0, 0x4309########\n"
		"####-##-##T##:##:##.###Z cpu##:#######)0x4539####bf50:[0x42003####9a1]Vmxnet3VMKDevDeliverPktToQueue@vmkernel#nover+0x1f1 stack: 0x0\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 2);
	assert_false(bt->frames[0].has_address);
	assert_string_equal(bt->frames[1].function,
			    "Vmxnet3VMKDevDeliverPktToQueue");
	assert_string_equal(c->panic.context, "#######:vmnic4-pollW");
	ct_case_destroy(c);
}

/* Placeholder stamps and logEFI copies (KBs 323991, 385615, 426284). */
static void test_placeholder_prefixes(void **state)
{
	(void)state;
	static const char *const prefixes[] = {
		"YYYY-MM-DDTHH:MM:SS.514Z cpu40:2706894)",
		"<YYYY-MM-DD>T<time>Z cpu40:2706894)",
		"YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)",
		"\t2017-09-30T17:26:50.881Z cpu40:2706894)",
		"    53:22:52:05.325 cpu40:2706894)",
		"cpu##:########)",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(prefixes); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "%s@BlueScreen: #PF Exception 14 in world 2706894:NetWorld-VM- IP 0x420023e974c9 addr 0x3c\n"
			 "%s0x4538fc81be78:[0x420023e974c9]PktList_SplitByUplinkPort@vmkernel#nover+0x9 stack: 0x0\n"
			 "%s####:[0x####]PktList_IOCompleteLocked@vmkernel#nover+0#### stack: 0x0\n",
			 prefixes[i], prefixes[i], prefixes[i]);
		struct ct_case *c = analyze(text);
		assert_true(is_vmkernel(c));
		const struct ct_backtrace *bt = crashing(c);
		assert_non_null(bt);
		assert_int_equal(bt->frame_count, 2);
		assert_string_equal(bt->frames[1].function,
				    "PktList_IOCompleteLocked");
		assert_string_equal(c->signature.title,
				    "PSOD: #PF Exception 14 in PktList_SplitByUplinkPort");
		ct_case_destroy(c);
	}
	/* "YYYY-MM-DDTHH:MM:SS In(14) LogEFI[####]: #PF ..." */
	struct ct_case *c = analyze(
		"YYYY-MM-DDTHH:MM:SS In(14) LogEFI[####]: #PF Exception 14 in world #####:lpfc_path_cl IP 0#### addr 0####\n"
		"YYYY-MM-DDTHH:MM:SS In(14) LogEFI: cpu#:####)####:[0x####]lpfc_path_claim_handler@(lpfc)#<None>+0####stack: 0####\n");
	assert_string_equal(c->signature.guilty, "lpfc_path_claim_handler");
	assert_string_equal(c->panic.report_type, "PSOD: #PF Exception 14");
	ct_case_destroy(c);
}

/* Frame forms of pastes: "'@'" blog escapes, bare "[0x..]Func@module",
 * ESX 4 "@vmkernel:nover", markdown "\[" "\]", " : [" and unnamed
 * frames (unreliable, never replaced by a neighbour). */
static void test_pasted_frame_forms(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"\t0x412242f1a850:[0x41803745573e]be_char_ioctl'@'<None>#<None>+0xc8 stack: 0x412242f1ad21\n"
		"\t0x412242f1a960:[0x418037646620]LinuxCharIoctl'@'com.vmware.driverAPI#9.2+0x127 stack: 0x412242f27040\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_string_equal(bt->frames[0].function, "be_char_ioctl");
	assert_null(bt->frames[0].module);
	assert_string_equal(bt->frames[1].module, "com.vmware.driverAPI");
	ct_case_destroy(c);

	c = analyze(
		"ESXi hosts may experience a Purple Screen of Death with a backtrace similar to:\n"
		"[0x42001ab7c298]PFrame_IsBackedByLPage@vmkernel#nover+0x0\n"
		"[0x42001abb988f]VmMemCowHintUpdatePost@vmkernel#nover+0x94\n"
		"[0x42001adb33e1]CpuSched_StartWorld@vmkernel#nover+0x86\n");
	assert_true(is_vmkernel(c));
	assert_string_equal(c->signature.guilty, "PFrame_IsBackedByLPage");
	ct_case_destroy(c);

	c = analyze(
		"    @BlueScreen: #GP Exception 13 in world 4376:usb @ 0x418029c15c43\n"
		"    53:22:52:05.325 cpu35:4376)0x417f808c7c30:[0x418029c15c43]DLM_free@vmkernel:nover+0x10a stack: 0x4100a3802010\n"
		"    53:22:52:05.326 cpu35:4376)0x417f808c7c60:[0x418029c2524b]Heap_Free@vmkernel:nover+0x7a stack: 0x4100a3802010\n"
		"    53:22:52:05.326 cpu35:4376)0x417f808c7c80:[0x41802a0bb36d]hid_free_buffers@esx:nover+0x20 stack: 0x417f808c7cc0\n");
	bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 3);
	assert_string_equal(bt->frames[0].module, "vmkernel");
	assert_string_equal(bt->frames[2].module, "esx");
	/* allocators are never guilty: their caller freed the memory */
	assert_string_equal(c->signature.title,
			    "PSOD: #GP Exception 13 in hid_free_buffers");
	ct_case_destroy(c);

	c = analyze(
		"2024-01-01T00:00:00.000Z cpu2:1075473)@BlueScreen: #PF Exception 14 in world 1075473:vmm0 IP 0x1 addr 0x0\n"
		"2024-01-01T00:00:00.001Z cpu2:1075473)0x4122e445b4d8:\\[0x418014a7b71a\\] stack: 0x3000000008\n"
		"2024-01-01T00:00:00.002Z cpu2:1075473)0x4122e445b5b8 : [0x418014a7bf1b]SP_WaitLock@vmkernel#nover+0x29f stack: 0x0\n"
		"2024-01-01T00:00:00.003Z cpu2:1075473)0x4122e445b618:\\[0x418014a8e368\\]NetSchedFIFOInput@vmkernel#nover+0x1e7 stack: 0x0\n");
	bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 3);
	assert_null(bt->frames[0].function);
	assert_false(bt->frames[0].reliable);
	assert_string_equal(c->signature.guilty, "NetSchedFIFOInput");
	ct_case_destroy(c);
}

/* A whole PSOD flattened into one line (KBs 428541, 420938, SR mail):
 * cut into its records, the message stops where the next one starts. */
static void test_flattened_paste(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"cpu##:########)@BlueScreen: #PF Exception 14 in world ########:prealloc-1 IP 0x############ addr 0x## ..."
		"cpu##:########)Backtrace for current CPU ###, worldID=########, fp=0x1"
		"cpu##:########)0x############:[0x############]VmMemPf_PreallocRange@vmkernel#nover+0x45 stack: ..."
		"cpu##:########)0x############:[0x############]AllocPreallocOneDomain@vmkernel#nover+0x44 stack: ..."
		"cpu##:########)0x############:[0x############]CpuSched_StartWorld@vmkernel#nover+0xbf stack: ...\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 3);
	assert_string_equal(c->panic.message,
			    "#PF Exception 14 in world ########:prealloc-1 IP 0x############ addr 0x## ...");
	assert_string_equal(c->signature.title,
			    "PSOD: #PF Exception 14 in VmMemPf_PreallocRange");
	ct_case_destroy(c);

	c = analyze(
		") - possible deadlock10Z cpu2:1075473)@BlueScreen: Spin count exceeded (!x 2015-08-17T14:19:25.710Z cpu2:1075473)Code start: 0x418014a00000 VMK uptime: 25:06:19:56.440 "
		"2015-08-17T14:19:25.711Z cpu2:1075473)0x4122e445b4d8:\\[0x418014a7b71a\\]PanicvPanicInt@vmkernel#nover+0x61 stack: 0x3000000008 "
		"2015-08-17T14:19:25.711Z cpu2:1075473)0x4122e445b5b8:\\[0x418014a7bf1b\\]Panic@vmkernel#nover+0xae stack: 0x4122e445b680 "
		"2015-08-17T14:19:25.712Z cpu2:1075473)0x4122e445b618:\\[0x418014a8e368\\]SP_WaitLock@vmkernel#nover+0x29f stack: 0x30e4b000 "
		"2015-08-17T14:19:25.713Z cpu2:1075473)0x4122e445b6a8:\\[0x418014badf40\\]NetSchedFIFOInput@vmkernel#nover+0x1e7 stack: 0x4122e445b6f8\n");
	assert_string_equal(c->panic.message, "Spin count exceeded (!x");
	assert_string_equal(c->signature.title,
			    "PSOD: Spin count exceeded in NetSchedFIFOInput");
	ct_case_destroy(c);

	c = analyze(
		"#PF Exception 14 in world ##### :usbus1 IP #x######d addr #x###*PCPU84:#####/usbus1PCPU 0: VVVSUVSV"
		"0x####### : [0x#######]xhci_transfer_insert@(vmkusb)#<None>+0x17d stack: 0x#######"
		"0x####### : [0x#######9]xhci_configure_msg@(vmkusb)#<None>+0x1c6 stack: 0x#######"
		"0x#######: [0x####### ]Debug_IsInitialized@vmkernel#nover+0xc stack: 0x0base fs=0x0\n");
	bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 3);
	assert_string_equal(c->signature.guilty, "xhci_transfer_insert");
	ct_case_destroy(c);
}

/* vmklinux's WARN_ON prints a backtrace through vmk_LogBacktraceMessage:
 * with no panic in the text it is the report (elatov.github.io, 2017). */
static void test_vmklinux_warning(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"\t2017-09-30T17:26:50.881Z cpu1:65936)WARNING: LinNet: netdev_watchdog:3688: NETDEV WATCHDOG: vmnic0: transmit timed out\n"
		"\t2017-09-30T17:26:50.881Z cpu1:65936)WARNING: at vmkdrivers/src_92/vmklinux_92/vmware/linux_net.c:3717/netdev_watchdog() (inside vmklinux)\n"
		"\t2017-09-30T17:26:50.881Z cpu1:65936)Backtrace for current CPU #1, worldID=65936, fp=0x430410ce87c0\n"
		"\t2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81be50:[0x418020d03f71]vmk_LogBacktraceMessage@vmkernel#nover+0x29 stack: 0x430410ce2ac8\n"
		"\t2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81be70:[0x4180214838ad]watchdog_work_cb@com.vmware.driverAPI#9.2+0x27d stack: 0x43900000101f\n"
		"\t2017-09-30T17:26:50.881Z cpu1:65936)0x4390cc81bed0:[0x4180214a4e28]vmklnx_workqueue_callout@com.vmware.driverAPI#9.2+0xe0 stack: 0x430410d01100\n");
	assert_string_equal(c->panic.kind, "warning");
	assert_string_equal(c->panic.report_type, "WARNING");
	assert_string_equal(c->signature.title, "WARNING in watchdog_work_cb");
	ct_case_destroy(c);
}

/* A KB's gdb-style listing of a vmkernel core, no addresses, no "in"
 * (KB 392817): read when no gdb backtrace was found in the text. */
static void test_listing_spin_count(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"You will get a PSDO with backtrace that has the events bellow:\n"
		"#0  LockCheckSpinCountInt\n"
		"#1  Lock_CheckSpinCount \n"
		"#2   SP_WaitReadLock \n"
		"#3   SPAcqWriteLockWork\n"
		"#4 SP_AcqWriteLockWithRA\n"
		"#5  tcp_usr_shutdown\n"
		"#6  soshutdown \n"
		"#7  vmk_shutdown\n");
	assert_true(is_vmkernel(c));
	assert_string_equal(c->signature.title,
			    "PSOD: Spin count exceeded in tcp_usr_shutdown");
	ct_case_destroy(c);
}

/* "PCPU 1 locked up. Failed to ack TLB invalidate." without @BlueScreen
 * (KB 343033) and run into its banner (KB 324947). */
static void test_pcpu_locked_up(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"PCPU 1 locked up. Failed to ack TLB invalidate.\n"
		"frame=0x3a37d98 ip=0x625e94 cr2=0x0 cr3=0x40c66000 cr4=0x16c\n"
		"0x3a37ef4:[0x625e94]Panic+0x17 stack: 0x833ab4, 0x3a37f10, 0x3a37f48\n"
		"0x3a37f48:[0x64bfa4]TLBDoInvalidate+0x38f stack: 0x3a37f54, 0x40, 0x2\n"
		"0x3a37f70:[0x66da4d]XMapForceFlush+0x64 stack: 0x0, 0x4d3a, 0x0\n");
	assert_string_equal(c->panic.exception, "lockup");
	assert_string_equal(c->signature.title,
			    "PSOD: PCPU locked up in TLBDoInvalidate");
	ct_case_destroy(c);
	c = analyze(
		"cpu34:9213)VMware ESXi 5.0.0 [Releasebuild-702118 x86_64] PCPU 18 locked up. Failed to ack TLB invalidate (total of 5 locked up, PCPU(s): 0,10,11,16,18).cpu34:9213)cr0=0x80010031 cr2=0x29bbd000\n");
	assert_string_equal(c->panic.message,
			    "PCPU 18 locked up. Failed to ack TLB invalidate (total of 5 locked up, PCPU(s): 0,10,11,16,18).");
	assert_string_equal(c->signature.title, "PSOD: PCPU locked up");
	ct_case_destroy(c);
}

/* An ESXi-Arm screen kept as C string literals, frames split across two
 * of them, its panic line cut off: "Code start: ... VMK uptime" says it is
 * a PSOD. */
static void test_screen_in_c_string(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"    \"\\n[pc]     42003a344d54 [sp]     451a01b1bdd0 [psr]        20000248\"\n"
		"    \"\\n*PCPU0:131126/HELPER_UPLINK_ASYNC_CALL_QUEUE\"\n"
		"    \"\\nCode start: 0x42003a200000 VMK uptime: 0:00:05:35.425\"\n"
		"    \"\\n0x451a01b1bdd0:[0x42003a344d54]vmk_Memset@vmkernel#nover+0x28\"\n"
		"    \" stack: 0x42003b3cfa48\"\n"
		"    \"\\n0x451a01b1bdd0:[0x42003b3ceb68]EQOSEnable@(eqos)#<None>+0xe0\"\n"
		"    \" stack: 0x42003b3cfa48\"\n"
		"    \"\\n0x451a01b1be80:[0x42003a48a078]UplinkDeviceAssociateAsyncCB\"\n"
		"    \"@vmkernel#nover+0x50 stack: 0x43024240bb08\"\n"
		"    \"\\nNo place on disk to dump data.\"\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 3);
	assert_string_equal(bt->frames[2].function,
			    "UplinkDeviceAssociateAsyncCB");
	assert_string_equal(c->panic.kind, "PSOD");
	assert_string_equal(c->signature.guilty, "EQOSEnable");
	ct_case_destroy(c);
}

/* A crashing block of nothing but panic plumbing: the title comes from
 * the panic message, not from PanicvPanicInt. */
static void test_plumbing_only_titles_message(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-01-01T00:00:00.000Z cpu3:2097555)@BlueScreen: Failed at bora/modules/vmkernel/cmmds/cmmds_audit.c:478 -- NOT REACHED\n"
		"2024-01-01T00:00:00.001Z cpu3:2097555)0x453900000010:[0x420000001234]PanicvPanicInt@vmkernel#nover+0x439 stack: 0x0\n"
		"2024-01-01T00:00:00.002Z cpu3:2097555)0x453900000020:[0x420000005678]Panic_vPanic@vmkernel#nover+0x23 stack: 0x0\n"
		"2024-01-01T00:00:00.003Z cpu3:2097555)0x453900000030:[0x420000009abc]vmk_PanicWithModuleID@vmkernel#nover+0x41 stack: 0x0\n");
	assert_null(c->signature.guilty);
	assert_string_equal(c->signature.title, "PSOD: NOT REACHED");
	assert_int_equal(c->signature.frame_count, 0);
	ct_case_destroy(c);
}

/* ---- the panic line ---------------------------------------------------- */

static void test_panic_fields(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-06-21T21:50:40.305Z cpu56:2097460)@BlueScreen: #PF Exception 14 in world 2097460:HELPER_UPLIN IP 0x42002b65ad3b addr 0x8\n"
		"PTEs:0xc005426027;0xc004f12007;0x0;\n"
		"2024-06-21T21:50:40.320Z cpu56:2097460)Code start: 0x42002a800000 VMK uptime: 455:21:42:08.477\n"
		"2024-06-21T21:50:40.346Z cpu56:2097460)0x453949a1be20:[0x42002b65ad3b]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x4307b3a7e050\n"
		"2024-06-21T21:50:40.373Z cpu56:2097460)0x453949a1be80:[0x42002aa8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe stack: 0x420000000001\n"
		"2024-06-21T21:50:40.484Z cpu56:2097460)base fs=0x0 gs=0x42004e000000 Kgs=0x0\n");
	assert_string_equal(c->panic.kind, "PSOD");
	assert_string_equal(c->panic.message,
			    "#PF Exception 14 in world 2097460:HELPER_UPLIN IP 0x42002b65ad3b addr 0x8");
	assert_string_equal(c->panic.exception, "#PF");
	assert_string_equal(c->panic.context, "2097460:HELPER_UPLIN");
	assert_string_equal(c->panic.cpu, "cpu56");
	assert_int_equal(c->panic.origin.line, 1);
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_string_equal(bt->label, "cpu56 world 2097460");
	assert_int_equal(bt->origin.line, 4);
	ct_case_destroy(c);
}

static void test_bluescreen_variants(void **state)
{
	(void)state;
	static const struct {
		const char *line, *exception, *context, *type;
	} cases[] = {
		{ "@BlueScreen: #PF Exception(14) in world 1056477182:sh ip 0x41803645e7fc addr 0x417ff5d1e50c",
		  "#PF", "1056477182:sh", "PSOD: #PF Exception 14" },
		{ "@BlueScreen: #GP Exception(13) in world 4130:helper13-0 @ 0x41803399e303",
		  "#GP", "4130:helper13-0", "PSOD: #GP Exception 13" },
		{ "@BlueScreen: #GP Exception 13 in world 2100131:HELPER_MISC_ @ 0x42002f5a91c3",
		  "#GP", "2100131:HELPER_MISC_", "PSOD: #GP Exception 13" },
		{ "@BlueScreen: Machine Check Exception on PCPU5 in world 2097171:netCoalesce2",
		  "#MC", "2097171:netCoalesce2", "PSOD: Machine Check Exception" },
		{ "@BlueScreen: NMI IPI: Panic requested by another PCPU. RIPOFF(base):RBP:CS [0xc42ce(0x418002400000):0x43190b62a500:0xfc8] (Src 0x4, CPU0)",
		  "NMI", "2097555", "PSOD: NMI IPI" },
		{ "@BlueScreen: Spin count exceeded - possible deadlock with PCPU 5",
		  "spinlock", "2097555", "PSOD: Spin count exceeded" },
		{ "@BlueScreen: Failed at bora/modules/vmkernel/lsom/lsom_commit_flusher.c:2575 -- VMK_ASSERT(cfDisableAssert || LSNEntryLessThan(entry, cfParams->gcpEntry))",
		  "assert", "2097555", "PSOD: ASSERT" },
		{ "@BlueScreen: Failed at bora/modules/vmkernel/cmmds/cmmds_audit.c:478 -- NOT REACHED",
		  "assert", "2097555", "PSOD: NOT REACHED" },
		{ "BlueScreen: NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307",
		  "not-implemented", "2097555", "PSOD: NOT_IMPLEMENTED" },
		{ "@BlueScreen: line 12464 assert \"(s->state_flags & PFSTATE_TCP_HALF_OPEN) == 0\" failed",
		  "assert", "2097555", "PSOD: ASSERT" },
		{ "@BlueScreen: ip_init: failed to allocate flowtable",
		  "panic", "2097555", NULL },
		{ "@BlueScreen: tcp_syncache.hashbase == NULL",
		  "panic", "2097555", NULL },
		{ "@BlueScreen: BUG: failure at vmkdrivers/src_9/include/linux/if_vlan.h:425/vlan_put_tag()! (inside vmklinux)",
		  "BUG", "2097555", "PSOD: BUG" },
		{ "@BlueScreen: PCPU 38: no heartbeat (2/2 IPIs received)",
		  "heartbeat", "2097555", "PSOD: Heartbeat" },
		/* KB 324947 */
		{ "@BlueScreen: PCPU 3 locked up. Failed to ack TLB invalidate.",
		  "lockup", "2097555", "PSOD: PCPU locked up" },
		{ "@BlueScreen: Heartbeat: 618: PCPU 5 didn't have a heartbeat for 60 seconds. *may* be locked up.",
		  "heartbeat", "2097555", "PSOD: Heartbeat" },
		{ "@BlueScreen: LINT1/NMI (motherboard nonmaskable interrupt), undiagnosed. This may be a hardware problem; please contact your hardware vendor.",
		  "NMI", "2097555", "PSOD: LINT1/NMI" },
		{ "@BlueScreen: ASSERT bora/vmkernel/main/pframe.c:1251",
		  "assert", "2097555", "PSOD: ASSERT" },
		{ "@BlueScreen: EXCVEC_CUREL_SP_EL0_SYNCH Exception 0 in world 2097555:arm IP 0x1",
		  "EXCVEC_CUREL_SP_EL0_SYNCH", "2097555:arm",
		  "PSOD: EXCVEC_CUREL_SP_EL0_SYNCH Exception 0" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "2024-01-01T00:00:00.000Z cpu3:2097555)%s\n"
			 "2024-01-01T00:00:00.001Z cpu3:2097555)0x453900000010:[0x420000001234]Crash_Here@vmkernel#nover+0x10 stack: 0x0\n"
			 "2024-01-01T00:00:00.002Z cpu3:2097555)0x453900000020:[0x420000005678]Caller_Of_It@vmkernel#nover+0x20 stack: 0x0\n",
			 cases[i].line);
		struct ct_case *c = analyze(text);
		assert_string_equal(c->panic.kind, "PSOD");
		assert_string_equal(c->panic.exception, cases[i].exception);
		assert_string_equal(c->panic.context, cases[i].context);
		assert_string_equal(c->panic.cpu, "cpu3");
		const char *msg = strstr(cases[i].line, "BlueScreen: ") + 12;
		assert_string_equal(c->panic.message, msg);
		assert_non_null(crashing(c));
		/* "TYPE in GUILTY"; a module's own panic string names no
		 * type: the frames name the crash */
		char title[128];
		if (cases[i].type)
			snprintf(title, sizeof(title), "%s in Crash_Here",
				 cases[i].type);
		else
			snprintf(title, sizeof(title),
				 "PSOD in Crash_Here <- Caller_Of_It");
		assert_string_equal(c->signature.title, title);
		if (cases[i].type)
			assert_string_equal(c->panic.report_type,
					    cases[i].type);
		assert_false(c->panic.typed);
		ct_case_destroy(c);
	}
}

/* KB 367534 shape: a PSOD screen pasted with its banner, no @BlueScreen. */
static void test_screen_without_bluescreen(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"^[[45m^[[33;1mVMware ESXi 7.0.1 [build-16850804 x86_64]^[[0m\n"
		"#PF Exception 14 in world 1001599386:fdsAIO IP 0x420017c7c1d2 addr 0xe8\n"
		"PTEs:0x10bd34027;0x13f1b9027;0x0;\n"
		"cr0=0x8001003d cr2=0xe8 cr3=0x20ba50000 cr4=0x142660\n"
		"*PCPU36:1001599386/fdsAIO\n"
		"Backtrace for current CPU #36, worldID=1001599386, fp=0x430874608c80\n"
		"0x453a4a81bd80:[0x420017c7c1d2]LibAIODoAsyncIO@vmkernel#nover+0x1a stack: 0x0, 0x0\n"
		"0x453a4a81be10:[0x420017c7d0a1]LibAIOProcessQueue@vmkernel#nover+0x1d1 stack: 0x0\n"
		"0x453a4a81bfe0:[0x420017eb3e29]CpuSched_StartWorld@vmkernel#nover+0x86 stack: 0x0\n");
	assert_true(is_vmkernel(c));
	assert_string_equal(c->panic.exception, "#PF");
	assert_string_equal(c->panic.context, "1001599386:fdsAIO");
	assert_string_equal(c->panic.cpu, "cpu36");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_string_equal(bt->label, "cpu36 world 1001599386");
	assert_int_equal(bt->frame_count, 3);
	assert_true(bt->frames[2].generic);
	assert_string_equal(ct_case_fact(c, "esxi.version"), "7.0.1");
	assert_string_equal(ct_case_fact(c, "esxi.build"), "16850804");
	ct_case_destroy(c);
}

/* Appendix A3: the zdump summary block. */
static void test_panic_details(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Panic Details: Crash at 2025-05-06T07:08:09.010Z on CPU 12 running world 2098455 - NetWorld-VM-2106601. VMK Uptime:3:02:01:22.715\n"
		"Panic Message: @BlueScreen: #PF Exception 14 in world 2098455:NetWorld-VM- IP 0x420023e974c9 addr 0x3c\n"
		"Backtrace:\n"
		"  0x4538fc81be78:[0x420023e974c9]PktList_SplitByUplinkPort@vmkernel#nover+0x9 stack: 0x0, 0x0, 0x0, 0x0, 0x0\n"
		"  0x4538fc81be80:[0x420023e975c7]PktList_IOCompleteLocked@vmkernel#nover+0xdc stack: 0x0, 0x0, 0x0, 0x0, 0x0\n"
		"  0x4538fc81bef0:[0x420023ea77de]Portset_ProcessAllDeferred@vmkernel#nover+0x2b stack: 0x6000023, 0x0, 0x0, 0x0, 0x0\n");
	assert_true(is_vmkernel(c));
	assert_string_equal(c->panic.kind, "PSOD");
	assert_string_equal(c->panic.exception, "#PF");
	assert_string_equal(c->panic.cpu, "cpu12");
	/* the exception's own "in world" wins over the summary's name */
	assert_string_equal(c->panic.context, "2098455:NetWorld-VM-");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_string_equal(bt->label, "cpu12 world 2098455");
	assert_string_equal(c->signature.title,
			    "PSOD: #PF Exception 14 in PktList_SplitByUplinkPort");
	ct_case_destroy(c);

	/* summary with a world name and an assert message */
	c = analyze(
		"Panic Details: Crash at 2026-03-04T03:11:02.433Z on CPU 61 running world 2108172 - Ens-Lcore-12. VMK Uptime:323:23:23:41.376\n"
		"Panic Message: @BlueScreen: line 12464 assert \"(s->state_flags & PFSTATE_TCP_HALF_OPEN) == 0\" failed\n"
		"Backtrace:\n"
		"  0x45395879b590:[0x420039b19bda]PanicvPanicInt@vmkernel#nover+0x202 stack: 0x4a00000000\n"
		"  0x45395879b600:[0x420039b3259f]vmk_PanicWithModuleID@vmkernel#nover+0x41 stack: 0x0\n"
		"  0x45395879b660:[0x42003a9e1b20]pf_test_state_tcp@(nsxt-vsip)#1.0.8.0.22667792+0x1f0 stack: 0x0\n");
	assert_string_equal(c->panic.exception, "assert");
	assert_string_equal(c->panic.context, "2108172:Ens-Lcore-12");
	assert_string_equal(c->panic.cpu, "cpu61");
	assert_string_equal(c->signature.frames[0], "pf_test_state_tcp");
	assert_true(has_fact(c, "module.nsxt-vsip.version", "1.0.8.0.22667792"));
	ct_case_destroy(c);
}

/* ---- banner facts ------------------------------------------------------ */

static void test_banner_facts(void **state)
{
	(void)state;
	static const struct {
		const char *text, *version, *build;
	} cases[] = {
		{ "VMware ESXi 7.0.3 [Releasebuild-20036589 x86_64]\n", "7.0.3", "20036589" },
		{ "\x1b[45m\x1b[33;1mVMware ESXi 7.0.1 [build-16850804 x86_64]\x1b[0m\n", "7.0.1", "16850804" },
		{ "2024-01-01T00:00:00.000Z cpu0:2097152)\x1b[45m\x1b[33;1mVMware ESXi 8.0.3 [Releasebuild-24674464 x86_64]\x1b[0m\r\n", "8.0.3", "24674464" },
		{ "The PSOD read VMware ESXi 6.7.0 [Releasebuild-8169922 x86_64] at the top\n", "6.7.0", "8169922" },
		{ "VMware ESX [Releasebuild-164009 X86_64]\n", NULL, "164009" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		struct ct_case *c = analyze(cases[i].text);
		assert_true(is_vmkernel(c));
		assert_string_equal(ct_case_fact(c, "esxi.build"),
				    cases[i].build);
		if (cases[i].version)
			assert_string_equal(ct_case_fact(c, "esxi.version"),
					    cases[i].version);
		else
			assert_null(ct_case_fact(c, "esxi.version"));
		assert_string_equal(ct_case_fact(c, "product"), "esxi");
		ct_case_destroy(c);
	}
}

static void test_host_and_driver_facts(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-01-01T00:00:00.000Z esx01.lab.local vmkernel: cpu1:2097300)Loading module i40en ...\n"
		"2024-01-01T00:00:00.001Z esx01.lab.local vmkernel: cpu1:2097300)i40en: i40en_InitModule:1029: Intel(R) Ethernet Controller X710 Driver - version 1.9.5\n"
		"2024-01-01T00:00:00.002Z esx01.lab.local vmkernel: cpu1:2097300)ixgben: ixgben_Init:88: driver version 1.7.1.26\n"
		"2024-01-01T00:00:00.003Z esx01.lab.local vmkernel: cpu1:2097300)nvme: firmware version 3.2 is old\n"
		"2024-01-01T00:00:00.004Z esx01.lab.local vmkernel: cpu1:2097300)i40en loaded successfully.\n");
	assert_string_equal(ct_case_fact(c, "host.name"), "esx01.lab.local");
	assert_string_equal(ct_case_fact(c, "driver.i40en.version"), "1.9.5");
	assert_string_equal(ct_case_fact(c, "driver.ixgben.version"),
			    "1.7.1.26");
	assert_null(ct_case_fact(c, "driver.nvme.version"));
	assert_null(c->signature.title);
	ct_case_destroy(c);
}

/* ---- which backtrace crashed ------------------------------------------- */

/* A #PF with another CPU's saved frames: the faulting CPU crashed. */
static void test_saved_not_crashing(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-01-01T00:00:00.000Z cpu3:2097555)@BlueScreen: #PF Exception 14 in world 2097555:net IP 0x1 addr 0x0\n"
		"2024-01-01T00:00:00.001Z cpu3:2097555)Saved backtrace from: pcpu 0 SpinLock spin out NMI\n"
		"2024-01-01T00:00:00.002Z cpu3:2097555)0x453900000010:[0x420000000010]Other_Spin@vmkernel#nover+0x10 stack: 0x0\n"
		"2024-01-01T00:00:00.003Z cpu3:2097555)Backtrace for current CPU #3, worldID=2097555, fp=0x453900000100\n"
		"2024-01-01T00:00:00.004Z cpu3:2097555)0x453900000110:[0x420000000110]Net_Crash@vmkernel#nover+0x10 stack: 0x0\n"
		"2024-01-01T00:00:00.005Z cpu3:2097555)0x453900000120:[0x420000000120]Net_Caller@vmkernel#nover+0x20 stack: 0x0\n");
	assert_int_equal(c->backtrace_count, 2);
	assert_false(c->backtraces[0].crashing);
	assert_string_equal(c->backtraces[0].label,
			    "pcpu 0 SpinLock spin out NMI");
	assert_true(c->backtraces[1].crashing);
	assert_string_equal(c->backtraces[1].label, "cpu3 world 2097555");
	assert_string_equal(c->signature.title,
			    "PSOD: #PF Exception 14 in Net_Crash");
	ct_case_destroy(c);
}

/* KB 385615 shape: the hung CPU's saved frames, then the current CPU's
 * (the heartbeat checker): the hung CPU is the crash. */
static void test_saved_vs_current(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-09-12T03:44:17.206Z cpu0:2097152)Panic: 589: Panic from another CPU (cpu 61, world 2099320): ip=0x42000a396b20 randomOff=0x9c00000:\n"
		"2024-09-12T03:44:17.206Z cpu0:2097152)PCPU 118: no heartbeat (3/3 IPIs received)\n"
		"2024-09-12T03:44:17.207Z cpu0:2097152)Panic: 767: Saved backtrace: pcpu 118 Heartbeat NMI\n"
		"2024-09-12T03:44:17.208Z cpu0:2097152)pcpu 118 Heartbeat NMI: 0x453bb891bda8:[0x420002512369]Timer_GetCycles@vmkernel#nover+0x2 stack: 0x0\n"
		"2024-09-12T03:44:17.209Z cpu0:2097152)pcpu 118 Heartbeat NMI: 0x453bb891bdb0:[0x42000a5d1f0d]SP_WaitReadLock@vmkernel#nover+0xa1 stack: 0x0\n"
		"2024-09-12T03:44:17.219Z cpu0:2097152)Backtrace for current CPU #0, worldID=2097152, fp=0x4538a001bd30\n"
		"2024-09-12T03:44:17.220Z cpu0:2097152)0x4538a001bd30:[0x42000a121b3a]PanicvPanicInt@vmkernel#nover+0x202 stack: 0x0\n"
		"2024-09-12T03:44:17.221Z cpu0:2097152)0x4538a001be00:[0x42000a121e15]Panic_NoSave@vmkernel#nover+0x4d stack: 0x0\n"
		"2024-09-12T03:44:17.222Z cpu0:2097152)0x4538a001be60:[0x42000a0c1e4a]Heartbeat_DetectCPULockups@vmkernel#nover+0x316 stack: 0x0\n"
		"2024-09-12T03:44:17.223Z cpu0:2097152)0x4538a001bee0:[0x42000a0d6b9e]Timer_BHHandler@vmkernel#nover+0x9a stack: 0x0\n");
	assert_int_equal(c->backtrace_count, 2);
	assert_int_equal(count_crashing(c), 1);
	const struct ct_backtrace *saved = &c->backtraces[0];
	assert_string_equal(saved->label, "pcpu 118 Heartbeat NMI");
	assert_true(saved->crashing);
	assert_int_equal(saved->frame_count, 2);
	const struct ct_backtrace *cur = &c->backtraces[1];
	assert_false(cur->crashing);
	assert_string_equal(cur->label, "cpu0 world 2097152");
	assert_true(cur->frames[0].generic);
	assert_true(cur->frames[1].generic);
	assert_false(cur->frames[2].generic);
	assert_string_equal(c->signature.title,
			    "PSOD: Heartbeat in Timer_GetCycles");
	assert_string_equal(c->panic.exception, "heartbeat");
	assert_string_equal(c->panic.cpu, "cpu0");
	ct_case_destroy(c);
}

/* KB 318955 shape: the current CPU only holds NMI plumbing, so the other
 * CPU's saved backtrace is the one that shows the crash. */
static void test_saved_takes_over_plumbing(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Panic Details: Crash at 2023-09-27T04:10:52.907Z on CPU 0 running world 2102090. VMK Uptime:88:13:27:40.551\n"
		"Panic Message: @BlueScreen: NMI IPI: Panic requested by another PCPU. RIPOFF(base):RBP:CS [0x9c1e4(0x42001a000000):0x4538a1c1be40:0xf48] (Src 0x4, CPU0)\n"
		"Backtrace for Current CPU - 0:\n"
		"  0x4538a1c1bc90:[0x42001a121c4a]PanicvPanicInt@vmkernel#nover+0x327 stack: 0x0\n"
		"  0x4538a1c1bd60:[0x42001a121e15]Panic_NoSave@vmkernel#nover+0x4d stack: 0x0\n"
		"  0x4538a1c1bdc0:[0x42001a0c1e4a]NMI_Interrupt@vmkernel#nover+0x316 stack: 0x0\n"
		"  0x4538a1c1bf20:[0x42001a0d8330]Int2_NMI@vmkernel#nover+0x19 stack: 0x0\n"
		"Saved backtrace from: pcpu 4 SpinLock spin out NMI\n"
		"  0x4538a9e1ba60:[0x42001a1f3a27]BitVector_NextBit@vmkernel#nover+0x1f stack: 0x0\n"
		"  0x4538a9e1bab0:[0x42001b6e19c2]TransferDispatchExtent@(hbr_filter)#<None>+0x2a6 stack: 0x0\n");
	assert_int_equal(c->backtrace_count, 2);
	assert_int_equal(count_crashing(c), 1);
	assert_false(c->backtraces[0].crashing);
	assert_string_equal(c->backtraces[0].label, "cpu0");
	assert_true(c->backtraces[1].crashing);
	assert_string_equal(c->backtraces[1].label,
			    "pcpu 4 SpinLock spin out NMI");
	assert_string_equal(c->signature.title,
			    "PSOD: NMI IPI in BitVector_NextBit");
	assert_string_equal(c->panic.exception, "NMI");
	assert_string_equal(c->panic.context, "2102090");
	assert_string_equal(c->panic.cpu, "cpu0");
	ct_case_destroy(c);
}

/* Panic plumbing is generic: the first real frame is the crash frame. */
static void test_generic_plumbing(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-01-01T00:00:00.000Z cpu4:2099000)@BlueScreen: Failed at bora/modules/vmkernel/x/y.c:12 -- VMK_ASSERT(ok)\n"
		"2024-01-01T00:00:00.001Z cpu4:2099000)Code start: 0x420000000000 VMK uptime: 1:00:00:00.000\n"
		"2024-01-01T00:00:00.002Z cpu4:2099000)0x453900000010:[0x420000000010]PanicvPanicInt@vmkernel#nover+0x439 stack: 0x0\n"
		"2024-01-01T00:00:00.003Z cpu4:2099000)0x453900000020:[0x420000000020]Panic_vPanic@vmkernel#nover+0x23 stack: 0x0\n"
		"2024-01-01T00:00:00.004Z cpu4:2099000)0x453900000030:[0x420000000030]vmk_PanicWithModuleID@vmkernel#nover+0x41 stack: 0x0\n"
		"2024-01-01T00:00:00.005Z cpu4:2099000)0x453900000040:[0x420000000040]LSOMFlush@(lsom)#<None>+0x1a0 stack: 0x0\n"
		"2024-01-01T00:00:00.006Z cpu4:2099000)0x453900000050:[0x420000000050]LSOMWorld@(lsom)#<None>+0x30 stack: 0x0\n"
		"2024-01-01T00:00:00.007Z cpu4:2099000)0x453900000060:[0x420000000060]CpuSched_StartWorld@vmkernel#nover+0x86 stack: 0x0\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 6);
	for (int i = 0; i < 3; i++)
		assert_true(bt->frames[i].generic);
	assert_false(bt->frames[3].generic);
	assert_false(bt->frames[4].generic);
	assert_true(bt->frames[5].generic);
	assert_int_equal(c->signature.frame_count, 2);
	assert_string_equal(c->signature.frames[0], "LSOMFlush");
	assert_string_equal(c->signature.title, "PSOD: ASSERT in LSOMFlush");
	assert_string_equal(c->panic.exception, "assert");
	ct_case_destroy(c);
}

/* ---- signatures -------------------------------------------------------- */

static void test_same_crash_same_hash(void **state)
{
	(void)state;
	struct ct_case *a = analyze(A1_PSOD);
	/* other host, build, cpu, world, timestamps, addresses and offsets,
	 * ESXi 8 syslog headers, a 1-value stack list, CRLF */
	struct ct_case *b = analyze(
		"2026-11-30T23:59:59.999Z In(182) vmkernel: cpu63:2105555)@BlueScreen: #PF Exception 14 in world 2105555:HELPER_UPLIN IP 0x4200aaaab3c4 addr 0x20\r\n"
		"2026-11-30T23:59:59.999Z In(182)+ vmkernel: PTEs:0x1;0x2;0x0;\r\n"
		"2026-11-30T23:59:59.999Z In(182) vmkernel: cpu63:2105555)0x4540bbbbbe20:[0x4200aaaab3c4]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x0\r\n"
		"2026-11-30T23:59:59.999Z In(182) vmkernel: cpu63:2105555)0x4540bbbbbe80:[0x4200aaa8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2ab stack: 0x0\r\n"
		"2026-11-30T23:59:59.999Z In(182) vmkernel: cpu63:2105555)0x4540bbbbbf10:[0x4200aab5aa14]UplinkAsyncProcessCallsHelperCB@vmkernel#nover+0x117 stack: 0x0\r\n"
		"2026-11-30T23:59:59.999Z In(182) vmkernel: cpu63:2105555)0x4540bbbbbf40:[0x4200aa8da139]HelperQueueFunc@vmkernel#nover+0x157 stack: 0x0\r\n"
		"2026-11-30T23:59:59.999Z In(182) vmkernel: cpu63:2105555)0x4540bbbbbfe0:[0x4200aabb3e29]CpuSched_StartWorld@vmkernel#nover+0x86 stack: 0x0\r\n");
	/* the same frames as a "Panic Details" summary */
	struct ct_case *d = analyze(
		"Panic Details: Crash at 2025-05-06T07:08:09.010Z on CPU 12 running world 2098455 - HELPER_UPLINK_ASYNC_CALL_QUEUE. VMK Uptime:3:02:01:22.715\n"
		"Panic Message: @BlueScreen: #PF Exception 14 in world 2098455:HELPER_UPLIN IP 0x420023e974c9 addr 0x3c\n"
		"Backtrace:\n"
		"  0x4538fc81be78:[0x420023e974c9]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x9 stack: 0x0\n"
		"  0x4538fc81be80:[0x420023e975c7]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0xdc stack: 0x0\n"
		"  0x4538fc81bef0:[0x420023ea77de]UplinkAsyncProcessCallsHelperCB@vmkernel#nover+0x2b stack: 0x0\n");
	assert_non_null(a->signature.title);
	assert_string_equal(a->signature.title,
			    "PSOD: #PF Exception 14 in i40en_UplinkPrivStatsGet");
	assert_string_equal(a->signature.hash, b->signature.hash);
	assert_string_equal(a->signature.hash, d->signature.hash);
	assert_string_equal(b->panic.cpu, "cpu63");
	ct_case_destroy(a);
	ct_case_destroy(b);
	ct_case_destroy(d);
}

static void test_different_crash_different_hash(void **state)
{
	(void)state;
	struct ct_case *a = analyze(A1_PSOD);
	struct ct_case *b = analyze(
		"2025-02-03T04:05:06.100Z cpu7:2097733)@BlueScreen: #PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18\n"
		"2025-02-03T04:05:06.120Z cpu7:2097733)0x453a01b1be20:[0x420031a2b3c4]ixgben_UplinkStatsGet@(ixgben)#<None>+0x3f1 stack: 0x0\n"
		"2025-02-03T04:05:06.121Z cpu7:2097733)0x453a01b1be80:[0x420030a8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe stack: 0x0\n");
	assert_string_not_equal(a->signature.hash, b->signature.hash);
	ct_case_destroy(a);
	ct_case_destroy(b);
}

/* ---- logs without a crash ---------------------------------------------- */

static void test_no_crash_no_title(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-03-02T11:22:33.444Z In(182) vmkernel: cpu12:2097811)NetPort: 1426: disabled port 0x4000004\n"
		"2024-03-02T11:22:33.445Z Wa(180) vmkwarning: cpu12:2097811)WARNING: Vol3: 2128: Couldn't read volume header\n"
		"2024-03-02T11:22:34.000Z cpu3:2097300)Loading module i40en ...\n");
	assert_true(ct_case_usable(c));
	assert_true(is_vmkernel(c));
	assert_null(c->signature.title);
	assert_string_equal(c->signature.hash, "");
	assert_null(c->panic.kind);
	assert_int_equal(c->backtrace_count, 0);
	assert_string_equal(ct_case_fact(c, "product"), "esxi");
	ct_case_destroy(c);
}

/* Backtraces printed by warnings (heartbeat complaints, lock checks) in a
 * log without a panic are not a crash. */
static void test_warning_backtrace_not_a_crash(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2024-09-12T03:44:11.203Z cpu61:2099320)WARNING: Heartbeat: 827: PCPU 47 didn't have a heartbeat for 8 seconds; *may* be locked up.\n"
		"2024-09-12T03:44:11.204Z cpu47:2099111)0x453bb891bda8:[0x42000a512369]Timer_GetCycles@vmkernel#nover+0x2 stack: 0x0\n"
		"2024-09-12T03:44:11.205Z cpu47:2099111)0x453bb891bdb0:[0x42000a5d1f0d]SP_WaitReadLock@vmkernel#nover+0xa1 stack: 0x0\n"
		"2024-09-12T03:44:12.940Z cpu12:2101533)vmotion: MigrateMsgRecv:1874: Received message 5\n"
		"2024-09-12T03:44:13.940Z cpu12:2101533)vmotion: MigrateMsgRecv:1874: Received message 6\n"
		"2024-09-12T03:44:14.940Z cpu12:2101533)vmotion: MigrateMsgRecv:1874: Received message 7\n");
	assert_int_equal(c->backtrace_count, 0);
	assert_null(c->signature.title);
	assert_null(c->panic.kind);
	assert_true(c->note_count >= 1);
	ct_case_destroy(c);
}

/* A pasted PSOD backtrace with no panic line is a panic by itself. */
static void test_frames_only_paste(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"Backtrace:\n"
		"0x453949a1be20:[0x42002b65ad3b]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x4307b3a7e050\n"
		"0x453949a1be80:[0x42002aa8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe stack: 0x420000000001\n"
		"0x453949a1bf10:[0x42002ab5aa14]UplinkAsyncProcessCallsHelperCB@vmkernel#nover+0x119 stack: 0x125306464fcb9d2\n");
	assert_true(is_vmkernel(c));
	assert_int_equal(count_crashing(c), 1);
	assert_string_equal(c->panic.kind, "PSOD");
	assert_string_equal(c->signature.title,
			    "PSOD in i40en_UplinkPrivStatsGet <- UplinkDeviceGetStatsAsyncCB <- UplinkAsyncProcessCallsHelperCB");
	ct_case_destroy(c);
}

/* ---- damaged and hostile input ----------------------------------------- */

static void test_truncated_psod(void **state)
{
	(void)state;
	/* cut inside a function name: that frame is dropped */
	const char *cut =
		"2024-06-21T21:50:40.305Z cpu56:2097460)@BlueScreen: #PF Exception 14 in world 2097460:HELPER_UPLIN IP 0x42002b65ad3b addr 0x8\n"
		"2024-06-21T21:50:40.346Z cpu56:2097460)0x453949a1be20:[0x42002b65ad3b]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x4307b3a7e050\n"
		"2024-06-21T21:50:40.373Z cpu56:2097460)0x453949a1be80:[0x42002aa8da15]UplinkDevice";
	struct ct_case *c = analyze(cut);
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 1);
	assert_string_equal(c->signature.title,
			    "PSOD: #PF Exception 14 in i40en_UplinkPrivStatsGet");
	assert_true(c->note_count >= 1);
	ct_case_destroy(c);

	/* cut after the name: the frame is kept */
	const char *cut2 =
		"2024-06-21T21:50:40.305Z cpu56:2097460)@BlueScreen: #PF Exception 14 in world 2097460:HELPER_UPLIN IP 0x42002b65ad3b addr 0x8\n"
		"2024-06-21T21:50:40.346Z cpu56:2097460)0x453949a1be20:[0x42002b65ad3b]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x45f stack: 0x4307b3a7e050\n"
		"2024-06-21T21:50:40.373Z cpu56:2097460)0x453949a1be80:[0x42002aa8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#no";
	c = analyze(cut2);
	bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 2);
	assert_string_equal(bt->frames[1].function,
			    "UplinkDeviceGetStatsAsyncCB");
	ct_case_destroy(c);

	/* cut inside the panic line and inside the prefix */
	const char *cut3 = "2024-06-21T21:50:40.305Z cpu56:2097460)@BlueScreen: #PF Exce";
	c = analyze(cut3);
	assert_string_equal(c->panic.kind, "PSOD");
	assert_string_equal(c->panic.message, "#PF Exce");
	ct_case_destroy(c);
	c = analyze("2024-06-21T21:50:40.305Z cpu5");
	assert_null(c->panic.kind);
	ct_case_destroy(c);
}

/* A log kept across reboots with ten PSODs: the first panic is the crash,
 * the other panics' frames are kept as other backtraces. */
static void test_ten_psods(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	for (int i = 0; i < 10; i++) {
		ct_strbuf_appendf(&sb,
			"2024-01-%02dT00:00:00.000Z cpu%d:%d)@BlueScreen: #PF Exception 14 in world %d:w%d IP 0x1 addr 0x0\n"
			"2024-01-%02dT00:00:00.001Z cpu%d:%d)0x453900000010:[0x420000000010]Crash%d@vmkernel#nover+0x10 stack: 0x0\n"
			"2024-01-%02dT00:00:00.002Z cpu%d:%d)0x453900000020:[0x420000000020]Caller%d@vmkernel#nover+0x20 stack: 0x0\n"
			"2024-01-%02dT00:00:01.000Z cpu0:2097152)Boot: the host starts again\n",
			i + 1, i, 2097200 + i, 2097200 + i, i,
			i + 1, i, 2097200 + i, i,
			i + 1, i, 2097200 + i, i,
			i + 1);
	}
	struct ct_case *c = analyze_n(sb.buf, sb.len);
	assert_int_equal(c->backtrace_count, 10);
	assert_int_equal(count_crashing(c), 1);
	assert_true(c->backtraces[0].crashing);
	assert_string_equal(c->backtraces[0].label, "cpu0 world 2097200");
	assert_string_equal(c->backtraces[9].label, "cpu9 world 2097209");
	assert_string_equal(c->signature.frames[0], "Crash0");
	assert_string_equal(c->panic.context, "2097200:w0");
	assert_string_equal(c->panic.cpu, "cpu0");
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
}

static void test_crlf_nbsp_escapes(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"\x1b[45m\x1b[33;1mVMware ESXi 7.0.3 [Releasebuild-20036589 x86_64]\x1b[0m\r\n"
		"2025-02-03T04:05:06.100Z cpu7:2097733)@BlueScreen: #PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18\r\n"
		"2025-02-03T04:05:06.120Z cpu7:2097733)\xc2\xa0\xc2\xa0" "0x453a01b1be20:[0x420031a2b3c4]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x3f1\xc2\xa0stack: 0x0\r\n"
		"2025-02-03T04:05:06.121Z cpu7:2097733)0x453a01b1be80:[0x420030a8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe\xc2\xa0stack: 0x0\r\n");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_int_equal(bt->frame_count, 2);
	assert_string_equal(bt->frames[0].function, "i40en_UplinkPrivStatsGet");
	assert_int_equal(bt->frames[0].offset, 0x3f1);
	assert_string_equal(bt->frames[1].module, "vmkernel");
	assert_string_equal(c->panic.message,
			    "#PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18");
	assert_string_equal(ct_case_fact(c, "esxi.build"), "20036589");
	ct_case_destroy(c);
}

static void test_hostile_input(void **state)
{
	(void)state;
	/* NUL bytes inside the panic and frame lines */
	static const char nuls[] =
		"2024-01-01T00:00:00.000Z cpu1:2097200)@BlueScreen: #PF Exc\0eption 14 in world 2097200:a\0b IP 0x1 addr 0x0\n"
		"2024-01-01T00:00:00.001Z cpu1:2097200)0x453900000010:[0x420000000010]Bad\0Name@vmkernel#nover+0x10 stack: 0x0\n"
		"\0\0\0\n"
		"2024-01-01T00:00:00.002Z cpu1:2097200)0x453900000020:[0x420000000020]Good@vmkernel#nover+0x20 stack: 0x0\n";
	struct ct_case *c = analyze_n(nuls, sizeof(nuls) - 1);
	assert_string_equal(c->panic.kind, "PSOD");
	for (const char *p = c->panic.message; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
	ct_case_destroy(c);

	/* a 1 MB line, a frame line over 64 KB, and a 1 MB panic line */
	size_t big = 1024 * 1024;
	char *buf = malloc(3 * big + 4096);
	assert_non_null(buf);
	size_t n = 0;
	n += (size_t)snprintf(buf + n, 4096, "2024-01-01T00:00:00.000Z cpu1:2097200)@BlueScreen: ");
	memset(buf + n, 'A', big);
	n += big;
	buf[n++] = '\n';
	n += (size_t)snprintf(buf + n, 4096, "2024-01-01T00:00:00.001Z cpu1:2097200)0x453900000010:[0x420000000010]LongFrame@vmkernel#nover+0x10 stack: ");
	for (size_t i = 0; i < 70000 / 5; i++) {
		memcpy(buf + n, "0x0, ", 5);
		n += 5;
	}
	buf[n++] = '\n';
	memset(buf + n, '0', big);
	n += big;
	buf[n++] = '\n';
	c = analyze_n(buf, n);
	assert_string_equal(c->panic.kind, "PSOD");
	assert_true(strlen(c->panic.message) <= CT_MAX_FIELD_LEN);
	assert_non_null(crashing(c));
	assert_string_equal(crashing(c)->frames[0].function, "LongFrame");
	ct_case_destroy(c);
	free(buf);

	/* 10,000 frame lines in one block: capped */
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb, "2024-01-01T00:00:00.000Z cpu1:2097200)@BlueScreen: #PF Exception 14 in world 2097200:x IP 0x1 addr 0x0\n");
	for (int i = 0; i < 10000; i++)
		ct_strbuf_appendf(&sb, "2024-01-01T00:00:00.001Z cpu1:2097200)0x4539%08x:[0x4200%08x]F%d@vmkernel#nover+0x%x stack: 0x0\n",
				  i, i, i, i);
	c = analyze_n(sb.buf, sb.len);
	assert_int_equal(c->backtrace_count, 1);
	assert_int_equal(c->backtraces[0].frame_count, CT_MAX_FRAMES);
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);

	/* 10,000 blocks of one frame each (alternating labels): capped */
	ct_strbuf_puts(&sb, "2024-01-01T00:00:00.000Z cpu1:2097200)@BlueScreen: #PF Exception 14 in world 2097200:x IP 0x1 addr 0x0\n");
	for (int i = 0; i < 10000; i++)
		ct_strbuf_appendf(&sb, "pcpu %d Heartbeat NMI: 0x4539%08x:[0x4200%08x]F%d@vmkernel#nover+0x1 stack: 0x0\n",
				  i % 2, i, i, i);
	c = analyze_n(sb.buf, sb.len);
	assert_true(c->backtrace_count > 0);
	assert_true(c->backtrace_count <= 256);
	assert_true(c->note_count >= 1);
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);

	/* junk that looks almost like frames */
	static const char *const junk[] = {
		"0x:[0x]@#+0x\n", "0x1:[\n", "0x1:[0x2\n", "0x1:[0x2]\n",
		"0x1:[0x2]@\n", "0x1:[0x2]F@(#+0x\n", "pcpu : 0x\n",
		"pcpu 1 x: 0x1:[0x2]F+0xzz\n", "@BlueScreen:\n",
		"@BlueScreen: #\n", "Panic Details: on CPU  running world \n",
		"Panic Details: running world 12 - \n",
		"Backtrace for current CPU #\n", "VMware ESX [build-\n",
		"VMware ESXi 7.0.3 [Releasebuild-\n", "^[[^[[45\n",
		"\x1b[\x1b[45",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(junk); i++) {
		struct ct_case *j = NULL;
		assert_null(ct_analyze_buffer("junk", junk[i], strlen(junk[i]),
					      &j));
		ct_case_destroy(j);
	}
}

/* ---- events (the shared catalogue) ------------------------------------- */

static void test_events_seed000(void **state)
{
	(void)state;
	size_t len;
	char *text = read_source_file("../shared/seeds/000_32af8d738af67b81.txt",
				      &len);
	if (!text)
		text = read_source_file("tests/data/seeds/000_32af8d738af67b81.txt",
					&len);
	assert_non_null(text);	/* tests/data/seeds is in the tree */
	struct ct_case *c = analyze_n(text, len);
	assert_true(is_vmkernel(c));
	assert_null(c->signature.title);
	assert_int_equal(count_events(c, "i40en.mdd"), 1);
	assert_int_equal(count_events(c, "i40en.pf_reset"), 1);
	for (size_t i = 0; i < c->event_count; i++) {
		const struct ct_event *ev = &c->events[i];
		if (strcmp(ev->kind, "i40en.mdd") != 0)
			continue;
		assert_string_equal(ct_event_field(ev, "queue_type"), "TX");
		assert_string_equal(ct_event_field(ev, "queue"), "0");
		assert_string_equal(ct_event_field(ev, "pf"), "0x01");
		assert_string_equal(ct_event_field(ev, "vf"), "0x00");
		assert_string_equal(ev->timestamp, "2018-06-17T17:41:52.760Z");
	}
	ct_case_destroy(c);
	free(text);
}

/* A vmkernel.log's events are scanned on the extractor's own pass: past
 * the case's cap the scan stops and says from which line on, after the
 * extractor's own notes, as a scan after the extractor would. */
static void test_events_cap_one_pass(void **state)
{
	(void)state;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb,
		"2024-09-12T03:44:11.203Z cpu61:2099320)WARNING: Heartbeat: 827: PCPU 47 didn't have a heartbeat for 8 seconds; *may* be locked up.\n"
		"2024-09-12T03:44:11.204Z cpu47:2099111)0x453bb891bda8:[0x42000a512369]Timer_GetCycles@vmkernel#nover+0x2 stack: 0x0\n");
	for (int i = 0; i < CT_MAX_EVENTS + 5; i++)
		ct_strbuf_puts(&sb, "2024-09-12T03:44:12.940Z cpu2:2097700)i40en: i40en_HandleMddEvent:6829: Malicious Driver Detection event 0x02 on TX queue 0 PF number 0x01 VF number 0x00\n");
	assert_false(sb.failed);
	struct ct_case *c = analyze_n(sb.buf, sb.len);
	assert_true(is_vmkernel(c));
	assert_int_equal(c->event_count, CT_MAX_EVENTS);
	assert_true(c->note_count >= 2);
	assert_non_null(strstr(c->notes[0], "outside a panic"));
	assert_non_null(strstr(c->notes[1], "holds its 100000 events; the "
				"rest from line 100003 on"));
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
}

static void test_events_dvfilter(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2025-01-10T10:00:00.001Z In(182) vmkernel: cpu5:2100100)DVFilter: 6054: Creating filter, expect restoreFilter nic-2786293-eth0-vmware-sfw.2 created\n"
		"2025-01-10T10:00:00.002Z In(182) vmkernel: cpu5:2100100)DVFilter: 6100: Registered filter nic-2786293-eth0-vmware-sfw.2\n"
		"2025-01-10T10:00:00.003Z In(182) vmkernel: cpu5:2100100)vsip: Restore state called for filter nic-2786293-eth0-vmware-sfw.2\n"
		"2025-01-10T10:00:00.004Z In(182) vmkernel: cpu5:2100100)vsip: Importing nic-2786293-eth0-vmware-sfw.2\n"
		"2025-01-10T10:00:00.005Z In(182) vmkernel: cpu5:2100100)vsip: Importing succeeded\n"
		"2025-01-10T10:00:00.006Z In(182) vmkernel: cpu9:2100101)vsip: Restore state called for filter nic-2786293-eth0-vmware-sfw.2\n"
		"2025-01-10T10:00:00.007Z In(182) vmkernel: cpu9:2100101)vsip: Importing nic-2786293-eth0-vmware-sfw.2\n"
		"2025-01-10T10:00:00.008Z In(182) vmkernel: cpu9:2100101)vsip: Unconfigured filter nic-2786293-eth0-vmware-sfw.2\n");
	assert_true(is_vmkernel(c));
	assert_int_equal(count_events(c, "dvfilter.create"), 1);
	assert_int_equal(count_events(c, "dvfilter.restore"), 2);
	assert_int_equal(count_events(c, "dvfilter.import"), 2);
	assert_int_equal(count_events(c, "dvfilter.unconfigured"), 1);
	for (size_t i = 0; i < c->event_count; i++)
		if (strcmp(c->events[i].kind, "dvfilter.restore") == 0)
			assert_string_equal(ct_event_field(&c->events[i],
							   "filter"),
					    "nic-2786293-eth0-vmware-sfw.2");
	ct_case_destroy(c);
}

/* The value of field name of the n-th event of kind, or NULL. */
static const char *nth_field(const struct ct_case *c, const char *kind,
			     size_t n, const char *name)
{
	for (size_t i = 0; i < c->event_count; i++)
		if (strcmp(c->events[i].kind, kind) == 0 && n-- == 0)
			return ct_event_field(&c->events[i], name);
	return NULL;
}

/* All Paths Down and Permanent Device Loss as each daemon prints them:
 * hostd with its 7.x decimal thread and its 8.x header, vobd with an
 * event id before the text (one line, one event), the APD handler's
 * bracketed device; NFS's own "All paths down (APD)" is no event. */
static void test_events_apd_pdl(void **state)
{
	(void)state;
	struct ct_case *c = analyze(
		"2021-03-15T10:12:34.567Z info hostd[2099734] [Originator@6876 sub=Vimsvc.ha-eventmgr opID=esxui-1a2b-3c4d user=root] Event 812 : Device or filesystem with identifier naa.624a9370d4c5a1b2c3d4e5f600011a2b has entered the All Paths Down state.\n"
		"2023-05-10T12:36:56.789Z In(166) Hostd[2099454]: [Originator@6876 sub=Vimsvc.ha-eventmgr] Event 1234 : Device or filesystem with identifier naa.624a9370d4c5a1b2c3d4e5f600011a2b has entered the All Paths Down Timeout state after being in the All Paths Down state for 140 seconds. I/Os will now be fast failed.\n"
		"2023-05-10T12:37:01.001Z In(14) vobd[2097521]:  [APDCorrelator] 2234567890us: [esx.clear.storage.apd.exit] Device or filesystem with identifier [naa.624a9370d4c5a1b2c3d4e5f600011a2b] has exited the All Paths Down state.\n"
		"2023-05-10T12:40:00.000Z In(182) vmkernel: cpu3:2097612)StorageApdHandler: 846: APD Start for ident [8a5a1336-3d574c6d]!\n"
		"2023-05-10T12:40:00.001Z In(182) vmkernel: cpu3:2097612)WARNING: NFS: 1914: iso01 has stopped responding. All paths down (APD) state entered.\n"
		"2021-03-15T10:20:00.000Z: [scsiCorrelator] 3476495960us: [esx.problem.scsi.device.state.permanentloss] Device: naa.624a9370d4c5a1b2c3d4e5f600011a2b has been removed or is permanently inaccessible. Affected datastores (if any): \"ds01\".\n"
		"2021-03-15T10:20:00.001Z info hostd[2099734] [Originator@6876 sub=Vimsvc.ha-eventmgr] Event 813 : Device naa.624a9370d4c5a1b2c3d4e5f600011a2c has been removed or is permanently inaccessible. Affected datastores (if any): \"ds02\".\n"
		"2021-03-15T10:20:00.002Z: [scsiCorrelator] 3476495961us: [esx.problem.scsi.device.state.permanentloss.noopens] naa.624a9370d4c5a1b2c3d4e5f600011a2d\n");
	assert_true(is_vmkernel(c));
	/* entered (hostd 7.x), then the APD handler's start */
	assert_int_equal(count_events(c, "esxi.apd"), 2);
	assert_string_equal(nth_field(c, "esxi.apd", 0, "device"),
			    "naa.624a9370d4c5a1b2c3d4e5f600011a2b");
	assert_string_equal(nth_field(c, "esxi.apd", 1, "device"),
			    "8a5a1336-3d574c6d");
	assert_int_equal(count_events(c, "esxi.apd_timeout"), 1);
	assert_string_equal(nth_field(c, "esxi.apd_timeout", 0, "device"),
			    "naa.624a9370d4c5a1b2c3d4e5f600011a2b");
	assert_string_equal(nth_field(c, "esxi.apd_timeout", 0, "timeout"),
			    "140");
	assert_int_equal(count_events(c, "esxi.apd_exit"), 1);
	assert_string_equal(nth_field(c, "esxi.apd_exit", 0, "device"),
			    "naa.624a9370d4c5a1b2c3d4e5f600011a2b");
	assert_int_equal(count_events(c, "esxi.pdl"), 3);
	assert_string_equal(nth_field(c, "esxi.pdl", 0, "device"),
			    "naa.624a9370d4c5a1b2c3d4e5f600011a2b");
	assert_null(nth_field(c, "esxi.pdl", 0, "device2"));
	assert_string_equal(nth_field(c, "esxi.pdl", 1, "device"),
			    "naa.624a9370d4c5a1b2c3d4e5f600011a2c");
	assert_string_equal(nth_field(c, "esxi.pdl", 2, "device2"),
			    "naa.624a9370d4c5a1b2c3d4e5f600011a2d");
	ct_case_destroy(c);
}

/* ---- the corpus -------------------------------------------------------- */

/* Check one "KEY: VALUE" line of an .expect file against c; returns a
 * description of the mismatch or NULL. */
static const char *check_expect_line(const struct ct_case *c, const char *key,
				     char *value)
{
	static char why[512];
	if (strcmp(key, "kinds") == 0) {
		unsigned want = 0;
		for (char *tok = value, *save = NULL;
		     (tok = strtok_r(tok, " ", &save)); tok = NULL)
			for (int k = 0; k < CT_KIND_MAX; k++)
				if (strcmp(tok, ct_input_kind_name(k)) == 0)
					want |= 1u << k;
		if (want != c->inputs[0].kinds)
			return "kinds differ";
	} else if (strcmp(key, "panic_kind") == 0) {
		const char *got = c->panic.kind ? c->panic.kind : "none";
		if (strcmp(got, value) != 0) {
			snprintf(why, sizeof(why), "panic_kind is %s", got);
			return why;
		}
	} else if (strcmp(key, "crash_frames") == 0) {
		size_t i = 0;
		for (char *tok = value, *save = NULL;
		     (tok = strtok_r(tok, " ", &save)); tok = NULL, i++) {
			if (i >= c->signature.frame_count ||
			    strcmp(c->signature.frames[i], tok) != 0) {
				snprintf(why, sizeof(why),
					 "crash frame %zu is %s, want %s", i,
					 i < c->signature.frame_count
						 ? c->signature.frames[i]
						 : "(none)", tok);
				return why;
			}
		}
	} else if (strcmp(key, "fact") == 0) {
		char *eq = strchr(value, '=');
		if (!eq)
			return "bad fact line";
		*eq = '\0';
		if (!has_fact(c, value, eq + 1)) {
			snprintf(why, sizeof(why), "no fact %s=%s", value,
				 eq + 1);
			return why;
		}
	} else if (strcmp(key, "event") == 0) {
		char *save = NULL;
		char *kind = strtok_r(value, " ", &save);
		char *count = strtok_r(NULL, " ", &save);
		if (!kind || !count)
			return "bad event line";
		if (count_events(c, kind) != strtoul(count, NULL, 10)) {
			snprintf(why, sizeof(why), "%zu %s events, want %s",
				 count_events(c, kind), kind, count);
			return why;
		}
		char *fields[16];
		size_t nf = 0;
		char *tok;
		while (nf < 16 && (tok = strtok_r(NULL, " ", &save)))
			fields[nf++] = tok;
		bool any = nf == 0;
		for (size_t i = 0; i < c->event_count && !any; i++) {
			if (strcmp(c->events[i].kind, kind) != 0)
				continue;
			bool all = true;
			for (size_t j = 0; j < nf; j++) {
				char *eq = strchr(fields[j], '=');
				if (!eq)
					return "bad event field";
				*eq = '\0';
				const char *v = ct_event_field(&c->events[i],
							       fields[j]);
				*eq = '=';
				if (!v || strcmp(v, eq + 1) != 0)
					all = false;
			}
			any = all;
		}
		if (!any) {
			snprintf(why, sizeof(why), "no %s event with the "
				 "given fields", kind);
			return why;
		}
	}
	return NULL;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tests/data/vmkernel", top ? top : ".");
	DIR *d = opendir(dir);
	if (!d)		/* the corpus is part of the source tree */
		fail_msg("no corpus at %s", dir);
	struct dirent *de;
	size_t checked = 0, failed = 0;
	while ((de = readdir(d))) {
		size_t nlen = strlen(de->d_name);
		if (nlen < 8 || strcmp(de->d_name + nlen - 7, ".expect") != 0)
			continue;
		char expect[4352], input[4352];
		snprintf(expect, sizeof(expect), "%s/%s", dir, de->d_name);
		snprintf(input, sizeof(input), "%s/%.*s", dir,
			 (int)(nlen - 7), de->d_name);
		struct ct_case *c = NULL;
		struct ct_error *err = ct_analyze_path(input, &c);
		if (err) {
			print_message("# %s: cannot analyze\n", input);
			ct_error_destroy(err);
			failed++;
			continue;
		}
		FILE *f = fopen(expect, "r");
		assert_non_null(f);
		char line[2048];
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = '\0';
			char *colon = strstr(line, ": ");
			if (!colon || strncmp(line, "note", 4) == 0)
				continue;
			*colon = '\0';
			const char *why = check_expect_line(c, line,
							    colon + 2);
			if (why) {
				print_message("# %s: %s\n", de->d_name, why);
				failed++;
			}
		}
		fclose(f);
		ct_case_destroy(c);
		checked++;
	}
	closedir(d);
	assert_true(checked > 0);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff_forms),
		cmocka_unit_test(test_frame_module_forms),
		cmocka_unit_test(test_frames_esx4),
		cmocka_unit_test(test_cloudflare_frame),
		cmocka_unit_test(test_masked_prefix),
		cmocka_unit_test(test_placeholder_prefixes),
		cmocka_unit_test(test_pasted_frame_forms),
		cmocka_unit_test(test_flattened_paste),
		cmocka_unit_test(test_vmklinux_warning),
		cmocka_unit_test(test_listing_spin_count),
		cmocka_unit_test(test_pcpu_locked_up),
		cmocka_unit_test(test_plumbing_only_titles_message),
		cmocka_unit_test(test_screen_in_c_string),
		cmocka_unit_test(test_panic_fields),
		cmocka_unit_test(test_bluescreen_variants),
		cmocka_unit_test(test_screen_without_bluescreen),
		cmocka_unit_test(test_panic_details),
		cmocka_unit_test(test_banner_facts),
		cmocka_unit_test(test_host_and_driver_facts),
		cmocka_unit_test(test_events_cap_one_pass),
		cmocka_unit_test(test_saved_not_crashing),
		cmocka_unit_test(test_saved_vs_current),
		cmocka_unit_test(test_saved_takes_over_plumbing),
		cmocka_unit_test(test_generic_plumbing),
		cmocka_unit_test(test_same_crash_same_hash),
		cmocka_unit_test(test_different_crash_different_hash),
		cmocka_unit_test(test_no_crash_no_title),
		cmocka_unit_test(test_warning_backtrace_not_a_crash),
		cmocka_unit_test(test_frames_only_paste),
		cmocka_unit_test(test_truncated_psod),
		cmocka_unit_test(test_ten_psods),
		cmocka_unit_test(test_crlf_nbsp_escapes),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_events_seed000),
		cmocka_unit_test(test_events_dvfilter),
		cmocka_unit_test(test_events_apd_pdl),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
