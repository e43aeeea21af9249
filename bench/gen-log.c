/* SPDX-License-Identifier: MIT */
/*
 * gen-log.c - write a large realistic log with a crash near its end, for
 * the scanning benchmarks.
 *
 *   gen-log vmkernel|linux MEGABYTES > FILE
 *
 * vmkernel: ESXi 7.x lines (storage, network, scheduler noise, a few i40en
 * MDD events) and an i40en PSOD in the last 1%.  linux: dmesg lines with
 * an oops in the last 1%.  Output is deterministic for a given size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state = 88172645463325252ULL;

static unsigned long long next_rand(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static const char *const vmk_noise[] = {
	"ScsiDeviceIO: 4176: Cmd(0x45b96d402508) 0x89, CmdSN 0x1578666 from world 3361402 to dev \"naa.600508b1001c5d3c\" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0xe 0x1d 0x0",
	"NMP: nmp_ThrottleLogForDevice:3867: Cmd 0x2a (0x45b8c1a3b0c8, 0) to dev \"naa.6000c29f1e7a\" on path \"vmhba64:C0:T1:L0\" Failed",
	"Vol3: 2687: Could not open file on vol 5f2a9c1e-7d3b2a10: Not found",
	"NetPort: 1426: disabled port 0x400000f",
	"vmnic4: i40en_UplinkLinkStatusGet:4821: link up, speed 10000 Mbps",
	"CpuSched: 1022: user latency of 2101442 vmm0:vm-01 0 changed by 2101442 vmm0:vm-01 -6",
	"HBX: 3062: 'datastore1': HB at offset 3735552 - Waiting for timed out HB:",
	"Tcpip_Vmk: 318: Tcpip Vmk: TSO enabled",
	"DVFilter: 5963: Checking disconnected filters for timeouts",
	"NRandomHwrng: 500: Out of entropy, refreshing.",
};

static const char *const linux_noise[] = {
	"audit: type=1400 audit(1714644672.123:442): apparmor=\"STATUS\" operation=\"profile_replace\" profile=\"unconfined\" name=\"/usr/bin/man\"",
	"EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.",
	"e1000e 0000:00:19.0 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
	"IPv6: ADDRCONF(NETDEV_CHANGE): eno1: link becomes ready",
	"usb 1-1: new high-speed USB device number 2 using xhci_hcd",
	"vmbr0: port 1(eno1) entered forwarding state",
	"systemd[1]: Started Daily apt download activities.",
	"nvme nvme0: 8/0/0 default/read/poll queues",
	"device tap101i0 entered promiscuous mode",
	"perf: interrupt took too long (2502 > 2500), lowering kernel.perf_event_max_sample_rate to 79750",
};

/* cpu < 0: a random CPU and world, as in the noise between events */
static void vmkernel_line_on(unsigned long n, long cpu, unsigned long world,
			     const char *msg)
{
	unsigned long s = n / 50;
	if (cpu < 0) {
		cpu = (long)(next_rand() % 64);
		world = 2097152 + next_rand() % 100000;
	}
	printf("2025-02-03T%02lu:%02lu:%02lu.%03luZ cpu%ld:%lu)%s\n",
	       (s / 3600) % 24, (s / 60) % 60, s % 60, n % 1000, cpu, world,
	       msg);
}

static void vmkernel_line(unsigned long n, const char *msg)
{
	vmkernel_line_on(n, -1, 0, msg);
}

static void linux_line(unsigned long n, const char *msg)
{
	printf("[%7lu.%06lu] %s\n", n / 1000, (n % 1000) * 997, msg);
}

static void vmkernel_crash(unsigned long n)
{
	static const char *const psod[] = {
		"@BlueScreen: #PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18",
		"Code start: 0x420030800000 VMK uptime: 12:03:44:10.250",
		"0x453a01b1be20:[0x420031a2b3c4]i40en_UplinkPrivStatsGet@(i40en)#<None>+0x3f1 stack: 0x430a1b2c3d40, 0x0, 0x1, 0x453a01b1be70, 0x0",
		"0x453a01b1be80:[0x420030a8da15]UplinkDeviceGetStatsAsyncCB@vmkernel#nover+0x2fe stack: 0x420000000001, 0x0, 0x0, 0x0, 0x0",
		"0x453a01b1bf10:[0x420030b5aa14]UplinkAsyncProcessCallsHelperCB@vmkernel#nover+0x119 stack: 0x0, 0x0, 0x0, 0x0, 0x0",
		"0x453a01b1bf40:[0x4200308da139]HelperQueueFunc@vmkernel#nover+0x1d2 stack: 0x0, 0x0, 0x0, 0x0, 0x0",
		"0x453a01b1bfe0:[0x420030bb3e29]CpuSched_StartWorld@vmkernel#nover+0x86 stack: 0x0, 0x0, 0x0, 0x0, 0x0",
		"base fs=0x0 gs=0x420042000000 Kgs=0x0",
	};
	for (size_t i = 0; i < sizeof(psod) / sizeof(psod[0]); i++)
		vmkernel_line_on(n + i, 7, 2097733, psod[i]); /* one world */
}

static void linux_crash(unsigned long n)
{
	static const char *const oops[] = {
		"BUG: kernel NULL pointer dereference, address: 0000000000000040",
		"#PF: supervisor read access in kernel mode",
		"#PF: error_code(0x0000) - not-present page",
		"Oops: 0000 [#1] PREEMPT SMP NOPTI",
		"CPU: 3 PID: 211 Comm: kworker/3:2 Tainted: G           OE      6.1.0-18-amd64 #1 Debian 6.1.76-1",
		"RIP: 0010:i40e_sync_vsi_filters+0x2c/0xe90 [i40e]",
		"Call Trace:",
		" <TASK>",
		" ? __die_body.cold+0x1a/0x1f",
		" i40e_sync_filters_subtask+0x5a/0x80 [i40e]",
		" i40e_service_task+0x1c5/0x7e0 [i40e]",
		" process_one_work+0x1c7/0x380",
		" worker_thread+0x4d/0x380",
		" kthread+0xd7/0x100",
		" ret_from_fork+0x1f/0x30",
		" </TASK>",
		"---[ end trace 0000000000000000 ]---",
	};
	for (size_t i = 0; i < sizeof(oops) / sizeof(oops[0]); i++)
		linux_line(n + i, oops[i]);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "vmkernel") && strcmp(argv[1], "linux"))) {
		fprintf(stderr, "usage: gen-log vmkernel|linux MEGABYTES\n");
		return 2;
	}
	int vmk = strcmp(argv[1], "vmkernel") == 0;
	unsigned long long target = strtoull(argv[2], NULL, 10) << 20;
	unsigned long long written = 0, crash_at = target / 100 * 99;
	int crashed = 0;
	static char buf[1 << 20];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	for (unsigned long n = 0; written < target; n++) {
		const char *msg;
		if (vmk) {
			msg = n % 100000 == 77777
				? "i40en: i40en_HandleMddEvent:6829: Malicious Driver Detection event 0x02 on TX queue 0 PF number 0x01 VF number 0x00"
				: vmk_noise[next_rand() % 10];
			vmkernel_line(n, msg);
		} else {
			msg = linux_noise[next_rand() % 10];
			linux_line(n, msg);
		}
		written += strlen(msg) + 40;
		if (!crashed && written >= crash_at) {
			if (vmk)
				vmkernel_crash(n);
			else
				linux_crash(n);
			crashed = 1;
		}
	}
	return fflush(stdout) != 0;
}
