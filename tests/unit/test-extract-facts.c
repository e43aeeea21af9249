/* SPDX-License-Identifier: MIT */
/*
 * test-extract-facts.c - the system facts extractor: ethtool -i/-k, lspci,
 * uname -a, vmware -vl, esxcli/localcli tables, the seed 002 excerpts as
 * published, the tests/data/facts corpus, sniffing (and not sniffing
 * logs, oopses and backtraces), and hostile input.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <time.h>
#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/extract/extract.h"

/* ---- helpers ---------------------------------------------------------- */

static struct ct_case *extract_len(const char *path, const char *text,
				   size_t len)
{
	struct ct_case *c = NULL;
	assert_null(ct_case_create("test", &c));
	struct ct_text t = { .path = path, .buf = text, .len = len };
	struct ct_error *err = ct_extractor_facts.extract(c, &t);
	assert_null(err);
	return c;
}

static struct ct_case *extract_at(const char *path, const char *text)
{
	return extract_len(path, text, strlen(text));
}

static struct ct_case *extract(const char *text)
{
	return extract_at("input.txt", text);
}

static bool sniff(const char *text)
{
	return ct_extractor_facts.sniff(text, strlen(text));
}

/* The fact key=value, or NULL. */
static const struct ct_fact *find_fact(const struct ct_case *c,
				       const char *key, const char *value)
{
	for (size_t i = 0; i < c->fact_count; i++)
		if (strcmp(c->facts[i].key, key) == 0 &&
		    (!value || strcmp(c->facts[i].value, value) == 0))
			return &c->facts[i];
	return NULL;
}

static void dump_facts(const struct ct_case *c)
{
	for (size_t i = 0; i < c->fact_count; i++)
		print_message("  fact %s = %s (line %lu)\n", c->facts[i].key,
			      c->facts[i].value, c->facts[i].origin.line);
}

#define assert_fact(c, key, value)                                        \
	do {                                                              \
		if (!find_fact((c), (key), (value))) {                    \
			print_message("missing fact %s = %s\n", (key),     \
				      (value));                           \
			dump_facts(c);                                    \
			fail();                                           \
		}                                                         \
	} while (0)

#define assert_no_fact(c, key)                                            \
	do {                                                              \
		const struct ct_fact *f_ = find_fact((c), (key), NULL);   \
		if (f_) {                                                 \
			print_message("unexpected fact %s = %s\n", (key),  \
				      f_->value);                         \
			fail();                                           \
		}                                                         \
	} while (0)

static size_t count_key(const struct ct_case *c, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < c->fact_count; i++)
		if (strcmp(c->facts[i].key, key) == 0)
			n++;
	return n;
}

/* ---- seed 002, as published --------------------------------------------- */

static const char seed002_ethtool_i[] =
	"# Dump NIC kernel driver and firmware info\n"
	"root@pve-02:~# ethtool -i eno1\n"
	"driver: e1000e\n"
	"version: 6.8.12-10-pve\n"
	"firmware-version: 0.13-4\n"
	"expansion-rom-version:\n"
	"bus-info: 0000:00:19.0\n"
	"supports-statistics: yes\n"
	"supports-test: yes\n"
	"supports-eeprom-access: yes\n"
	"supports-register-dump: yes\n"
	"supports-priv-flags: yes\n";

static const char seed002_lspci[] =
	"# Dump PCI devices' info. Requires the controller entry to be found manually.\n"
	"root@pve-02:~# lspci -nn -v\n"
	"######## SNIP ########\n"
	"00:19.0 Ethernet controller [0200]: Intel Corporation Ethernet Connection I217-LM [8086:153a] (rev 04)\n"
	"DeviceName: Onboard LAN\n"
	"Subsystem: Dell Ethernet Connection I217-LM [1028:05a4]\n"
	"Flags: bus master, fast devsel, latency 0, IRQ 28, IOMMU group 5\n"
	"Memory at f7c00000 (32-bit, non-prefetchable) [size=128K]\n"
	"Memory at f7c3d000 (32-bit, non-prefetchable) [size=4K]\n"
	"I/O ports at f080 [size=32]\n"
	"Capabilities: [c8] Power Management version 2\n"
	"Capabilities: [d0] MSI: Enable+ Count=1/1 Maskable- 64bit+\n"
	"Capabilities: [e0] PCI Advanced Features\n"
	"Kernel driver in use: e1000e\n"
	"Kernel modules: e1000e\n"
	"######## SNIP ########\n";

static const char seed002_table[] =
	"I've also retrieved the offload feature enablement status across the same hosts, using:\n"
	"ethtool --show-features <iface_name> | grep offload\n"
	"feature \\ host | m920q | pve-03 | pve-02 |\n"
	"---|---|---|---|\n"
	"tcp-segmentation-offload | on | off | on |\n"
	"generic-segmentation-offload | on | on | on |\n"
	"generic-receive-offload | on | on | on |\n"
	"large-receive-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"rx-vlan-offload | on | on | on |\n"
	"tx-vlan-offload | on | on | on |\n"
	"l2-fwd-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"hw-tc-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"esp-hw-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"esp-tx-csum-hw-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"rx-udp_tunnel-port-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"tls-hw-tx-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"tls-hw-rx-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"macsec-hw-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"hsr-tag-ins-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"hsr-tag-rm-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"hsr-fwd-offload | off [fixed] | off [fixed] | off [fixed] |\n"
	"hsr-dup-offload | off [fixed] | off [fixed] | off [fixed] |\n";

static void test_kind(void **state)
{
	(void)state;
	assert_int_equal(ct_extractor_facts.kind, CT_KIND_SYSTEM_FACTS);
	assert_ptr_equal(ct_extractors[CT_KIND_SYSTEM_FACTS],
			 &ct_extractor_facts);
}

static void test_seed002_ethtool_i(void **state)
{
	(void)state;
	assert_true(sniff(seed002_ethtool_i));
	struct ct_case *c = extract(seed002_ethtool_i);
	assert_fact(c, "nic.eno1.driver", "e1000e");
	assert_fact(c, "nic.eno1.version", "6.8.12-10-pve");
	assert_fact(c, "nic.eno1.firmware", "0.13-4");
	assert_fact(c, "nic.eno1.bus_info", "0000:00:19.0");
	assert_fact(c, "driver.e1000e.version", "6.8.12-10-pve");
	assert_fact(c, "driver.e1000e.firmware", "0.13-4");
	assert_fact(c, "host.name", "pve-02");
	/* origins: the line each value was printed on */
	const struct ct_fact *f = find_fact(c, "nic.eno1.driver", NULL);
	assert_string_equal(f->origin.path, "input.txt");
	assert_int_equal(f->origin.line, 3);
	assert_int_equal(find_fact(c, "nic.eno1.bus_info", NULL)->origin.line,
			 7);
	assert_int_equal(find_fact(c, "host.name", NULL)->origin.line, 2);
	assert_int_equal(c->fact_count, 7);
	ct_case_destroy(c);
}

static void test_seed002_lspci(void **state)
{
	(void)state;
	assert_true(sniff(seed002_lspci));
	struct ct_case *c = extract(seed002_lspci);
	assert_fact(c, "pci.00:19.0.id", "8086:153a");
	assert_fact(c, "pci.00:19.0.class", "0200");
	assert_fact(c, "pci.00:19.0.name",
		    "Intel Corporation Ethernet Connection I217-LM");
	assert_fact(c, "pci.00:19.0.subsystem_id", "1028:05a4");
	assert_fact(c, "pci.00:19.0.driver", "e1000e");
	assert_fact(c, "nic.pci_id", "8086:153a");
	assert_fact(c, "host.name", "pve-02");
	assert_int_equal(find_fact(c, "pci.00:19.0.id", NULL)->origin.line, 4);
	assert_int_equal(find_fact(c, "pci.00:19.0.driver", NULL)->origin.line,
			 14);
	ct_case_destroy(c);
}

static void test_seed002_table(void **state)
{
	(void)state;
	assert_true(sniff(seed002_table));
	struct ct_case *c = extract(seed002_table);
	assert_fact(c, "host.pve-02.ethtool.tcp-segmentation-offload", "on");
	assert_fact(c, "host.pve-02.ethtool.tso", "on");
	assert_fact(c, "host.pve-03.ethtool.tso", "off");
	assert_fact(c, "host.m920q.ethtool.tso", "on");
	assert_fact(c, "host.pve-02.ethtool.large-receive-offload", "off");
	assert_fact(c, "host.pve-02.ethtool.lro", "off");
	assert_fact(c, "host.pve-03.ethtool.rx-udp_tunnel-port-offload", "off");
	assert_fact(c, "host.m920q.ethtool.hsr-dup-offload", "off");
	/* no host.name in this excerpt: no column is "this host" */
	assert_no_fact(c, "ethtool.unknown.tso");
	assert_int_equal(
		find_fact(c, "host.pve-02.ethtool.tso", NULL)->origin.line, 5);
	ct_case_destroy(c);
}

/* The three excerpts in one file, as in the seed: the table's column for
 * the host the prompts name (pve-02) is this host's configuration. */
static void test_seed002_together(void **state)
{
	(void)state;
	char buf[8192];
	snprintf(buf, sizeof(buf), "%s%s%s%s", seed002_ethtool_i,
		 seed002_lspci,
		 "Host | Model | e1000e driver version | Working properly? |\n"
		 "---|---|---|---|\n"
		 "m920q | I219-LM (rev 10) | 6.12.30 | \xe2\x9c\x85 |\n"
		 "pve-03 | I219-V | 6.8.12-10-pve | \xe2\x9c\x85 |\n"
		 "pve-02 | I217-LM (rev 04) | 6.8.12-10-pve | \xe2\x9d\x8c |\n",
		 seed002_table);
	struct ct_case *c = extract(buf);
	assert_fact(c, "nic.eno1.driver", "e1000e");
	assert_fact(c, "nic.pci_id", "8086:153a");
	assert_fact(c, "ethtool.unknown.tso", "on");
	assert_fact(c, "ethtool.unknown.tcp-segmentation-offload", "on");
	assert_fact(c, "ethtool.unknown.gro", "on");
	assert_fact(c, "host.pve-03.ethtool.tso", "off");
	assert_int_equal(count_key(c, "host.name"), 1);
	ct_case_destroy(c);
}

/* ---- ethtool -i ---------------------------------------------------------- */

static const char ethtool_i_body[] =
	"driver: i40e\n"
	"version: 2.22.18\n"
	"firmware-version: 9.20 0x8000d8c5 1.3146.0\n"
	"expansion-rom-version: \n"
	"bus-info: 0000:3b:00.0\n"
	"supports-statistics: yes\n"
	"supports-test: yes\n"
	"supports-eeprom-access: yes\n"
	"supports-register-dump: yes\n"
	"supports-priv-flags: yes\n";

static void test_ethtool_i_sos_path(void **state)
{
	(void)state;
	struct ct_case *c = extract_at(
		"sosreport-web01-2024-05-01-abcdefg/sos_commands/networking/"
		"ethtool_-i_ens1f0", ethtool_i_body);
	assert_fact(c, "nic.ens1f0.driver", "i40e");
	assert_fact(c, "nic.ens1f0.firmware", "9.20 0x8000d8c5 1.3146.0");
	assert_fact(c, "nic.ens1f0.bus_info", "0000:3b:00.0");
	assert_fact(c, "driver.i40e.version", "2.22.18");
	assert_fact(c, "driver.i40e.firmware", "9.20 0x8000d8c5 1.3146.0");
	assert_no_fact(c, "host.name");
	ct_case_destroy(c);
}

static void test_ethtool_i_supportconfig(void **state)
{
	(void)state;
	char buf[2048];
	snprintf(buf, sizeof(buf),
		 "#==[ Command ]======================================#\n"
		 "# /usr/sbin/ethtool -i eth2\n%s\n"
		 "#==[ Command ]======================================#\n"
		 "# /usr/sbin/ethtool -i eth3\n%s",
		 ethtool_i_body,
		 "driver: igb\nversion: 5.14.21\nfirmware-version: 1.63, 0x800009fa\n"
		 "bus-info: 0000:05:00.1\n");
	struct ct_case *c = extract_at("scc_host_240501_1200/network.txt", buf);
	assert_fact(c, "nic.eth2.driver", "i40e");
	assert_fact(c, "nic.eth3.driver", "igb");
	assert_fact(c, "nic.eth3.firmware", "1.63, 0x800009fa");
	assert_fact(c, "driver.igb.version", "5.14.21");
	ct_case_destroy(c);
}

static void test_ethtool_i_unknown_iface(void **state)
{
	(void)state;
	struct ct_case *c = extract(ethtool_i_body);
	assert_fact(c, "nic.unknown.driver", "i40e");
	assert_fact(c, "driver.i40e.version", "2.22.18");
	/* a lone "driver:" line is no ethtool block */
	assert_false(sniff("driver: nvidia\nsomething else\n"));
	assert_false(sniff("driver: e1000e\nversion: 1.2\n"));
	ct_case_destroy(c);
}

/* ---- ethtool -k ---------------------------------------------------------- */

static void test_ethtool_k(void **state)
{
	(void)state;
	static const char text[] =
		"Features for eno1:\n"
		"rx-checksumming: on\n"
		"tx-checksumming: on\n"
		"\ttx-checksum-ipv4: off [fixed]\n"
		"\ttx-checksum-ip-generic: on\n"
		"scatter-gather: on\n"
		"\ttx-scatter-gather: on\n"
		"tcp-segmentation-offload: on\n"
		"\ttx-tcp-segmentation: on\n"
		"\ttx-tcp-ecn-segmentation: off [fixed]\n"
		"generic-segmentation-offload: on\n"
		"generic-receive-offload: on\n"
		"large-receive-offload: off [fixed]\n"
		"rx-vlan-offload: on\n"
		"ntuple-filters: off [fixed]\n"
		"rx-gro-hw: off [requested on]\n"
		"hw-tc-offload: off [fixed]\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "ethtool.eno1.tcp-segmentation-offload", "on");
	assert_fact(c, "ethtool.eno1.tso", "on");
	assert_fact(c, "ethtool.eno1.tx-tcp-segmentation", "on");
	assert_fact(c, "ethtool.eno1.tx-tcp-ecn-segmentation", "off");
	assert_fact(c, "ethtool.eno1.tx-checksum-ipv4", "off");
	assert_fact(c, "ethtool.eno1.rx", "on");
	assert_fact(c, "ethtool.eno1.tx", "on");
	assert_fact(c, "ethtool.eno1.sg", "on");
	assert_fact(c, "ethtool.eno1.gso", "on");
	assert_fact(c, "ethtool.eno1.gro", "on");
	assert_fact(c, "ethtool.eno1.lro", "off");
	assert_fact(c, "ethtool.eno1.rx-gro-hw", "off");
	assert_fact(c, "ethtool.eno1.hw-tc-offload", "off");
	assert_int_equal(
		find_fact(c, "ethtool.eno1.tso", NULL)->origin.line, 8);
	ct_case_destroy(c);
}

static void test_ethtool_k_headerless(void **state)
{
	(void)state;
	/* a grep through a prompt: the prompt names the interface */
	struct ct_case *c = extract(
		"root@node3:~# ethtool -k enp5s0 | grep offload\n"
		"tcp-segmentation-offload: off\n"
		"generic-segmentation-offload: on\n"
		"large-receive-offload: off [fixed]\n"
		"root@node3:~# \n");
	assert_fact(c, "ethtool.enp5s0.tso", "off");
	assert_fact(c, "ethtool.enp5s0.gso", "on");
	assert_fact(c, "host.name", "node3");
	ct_case_destroy(c);
	/* a sos file whose name says the interface */
	c = extract_at("sos_commands/networking/ethtool_-k_eno2",
		       "rx-checksumming: on\ntcp-segmentation-offload: on\n");
	assert_fact(c, "ethtool.eno2.tso", "on");
	ct_case_destroy(c);
}

static void test_ethtool_k_old_format(void **state)
{
	(void)state;
	struct ct_case *c = extract(
		"Offload parameters for eth0:\n"
		"rx-checksumming: on\n"
		"tx-checksumming: on\n"
		"scatter-gather: on\n"
		"tcp segmentation offload: on\n"
		"udp fragmentation offload: off\n"
		"generic segmentation offload: on\n");
	assert_fact(c, "ethtool.eth0.tcp-segmentation-offload", "on");
	assert_fact(c, "ethtool.eth0.tso", "on");
	assert_fact(c, "ethtool.eth0.udp-fragmentation-offload", "off");
	assert_fact(c, "ethtool.eth0.gso", "on");
	ct_case_destroy(c);
}

/* ---- lspci ----------------------------------------------------------------- */

static void test_lspci_nnvv(void **state)
{
	(void)state;
	static const char text[] =
		"0000:00:02.0 VGA compatible controller [0300]: Intel Corporation HD Graphics 530 [8086:1912] (rev 06) (prog-if 00 [VGA controller])\n"
		"\tSubsystem: Dell HD Graphics 530 [1028:06b9]\n"
		"\tKernel driver in use: i915\n"
		"\n"
		"0000:00:1f.6 Ethernet controller [0200]: Intel Corporation Ethernet Connection (2) I219-LM [8086:15b7]\n"
		"\tSubsystem: Dell Ethernet Connection (2) I219-LM [1028:06b9]\n"
		"\tControl: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop-\n"
		"\tCapabilities: [c8] Power Management version 3\n"
		"\t\tFlags: PMEClk- DSI+ D1- D2- AuxCurrent=0mA\n"
		"\tKernel driver in use: e1000e\n"
		"\tKernel modules: e1000e\n"
		"\n"
		"0000:3b:00.0 Ethernet controller [0200]: Intel Corporation Ethernet Controller X710 for 10GbE SFP+ [8086:1572] (rev 02)\n"
		"\tSubsystem: Intel Corporation Ethernet Converged Network Adapter X710-2 [8086:0007]\n"
		"\tKernel driver in use: i40e\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "pci.0000:00:02.0.id", "8086:1912");
	assert_fact(c, "pci.0000:00:02.0.class", "0300");
	assert_fact(c, "pci.0000:00:02.0.driver", "i915");
	assert_fact(c, "pci.0000:00:1f.6.id", "8086:15b7");
	assert_fact(c, "pci.0000:00:1f.6.name",
		    "Intel Corporation Ethernet Connection (2) I219-LM");
	assert_fact(c, "pci.0000:00:1f.6.driver", "e1000e");
	assert_fact(c, "pci.0000:3b:00.0.subsystem_id", "8086:0007");
	assert_fact(c, "pci.0000:3b:00.0.driver", "i40e");
	/* nic.pci_id for both network controllers, not for the GPU */
	assert_fact(c, "nic.pci_id", "8086:15b7");
	assert_fact(c, "nic.pci_id", "8086:1572");
	assert_int_equal(count_key(c, "nic.pci_id"), 2);
	ct_case_destroy(c);
}

static void test_lspci_esxi(void **state)
{
	(void)state;
	static const char text[] =
		"[root@esx01:~] lspci -v | grep \"Class 0200\" -B 1\n"
		"0000:01:00.0 Network controller Ethernet controller: Intel Corporation Ethernet Server Adapter I350-T2 [vmnic0]\n"
		"         Class 0200: 8086:1521\n"
		"--\n"
		"0000:03:00.0 Network controller Ethernet controller: Realtek Semiconductor Co., Ltd. Onboard Ethernet [vmnic2]\n"
		"         Class 0200: 10ec:8168\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "pci.0000:01:00.0.id", "8086:1521");
	assert_fact(c, "pci.0000:01:00.0.class", "0200");
	assert_fact(c, "pci.0000:01:00.0.name",
		    "Intel Corporation Ethernet Server Adapter I350-T2");
	assert_fact(c, "nic.vmnic0.bus_info", "0000:01:00.0");
	assert_fact(c, "nic.vmnic2.bus_info", "0000:03:00.0");
	assert_fact(c, "nic.pci_id", "10ec:8168");
	assert_fact(c, "host.name", "esx01");
	ct_case_destroy(c);
}

static void test_localcli_pci_list(void **state)
{
	(void)state;
	static const char text[] =
		"0000:3b:00.0\n"
		"   Address: 0000:3b:00.0\n"
		"   Segment: 0x0000\n"
		"   Bus: 0x3b\n"
		"   Slot: 0x00\n"
		"   Function: 0x0\n"
		"   VMkernel Name: vmnic4\n"
		"   Vendor Name: Intel(R)\n"
		"   Device Name: Ethernet Controller X710 for 10GbE SFP+\n"
		"   Configured Owner: VMkernel\n"
		"   Vendor ID: 0x8086\n"
		"   Device ID: 0x1572\n"
		"   SubVendor ID: 0x8086\n"
		"   SubDevice ID: 0x0007\n"
		"   Device Class: 0x0200\n"
		"   Device Class Name: Ethernet controller\n"
		"   Module Name: i40en\n"
		"\n"
		"0000:00:17.0\n"
		"   Address: 0000:00:17.0\n"
		"   Vendor ID: 0x8086\n"
		"   Device ID: 0xa182\n"
		"   Device Class: 0x0106\n"
		"   Module Name: vmw_ahci\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "pci.0000:3b:00.0.id", "8086:1572");
	assert_fact(c, "pci.0000:3b:00.0.class", "0200");
	assert_fact(c, "pci.0000:3b:00.0.subsystem_id", "8086:0007");
	assert_fact(c, "pci.0000:3b:00.0.driver", "i40en");
	assert_fact(c, "pci.0000:3b:00.0.name",
		    "Intel(R) Ethernet Controller X710 for 10GbE SFP+");
	assert_fact(c, "nic.vmnic4.bus_info", "0000:3b:00.0");
	assert_fact(c, "nic.vmnic4.driver", "i40en");
	assert_fact(c, "nic.pci_id", "8086:1572");
	assert_fact(c, "pci.0000:00:17.0.driver", "vmw_ahci");
	assert_int_equal(count_key(c, "nic.pci_id"), 1);
	ct_case_destroy(c);
}

/* ---- uname -a ---------------------------------------------------------- */

static void test_uname_linux(void **state)
{
	(void)state;
	struct ct_case *c = extract(
		"Linux pve-02 6.8.12-10-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-10 (2025-04-18T07:39Z) x86_64 GNU/Linux\n");
	assert_fact(c, "product", "linux");
	assert_fact(c, "host.name", "pve-02");
	assert_fact(c, "linux.release", "6.8.12-10-pve");
	assert_fact(c, "linux.version",
		    "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-10 (2025-04-18T07:39Z)");
	assert_fact(c, "linux.arch", "x86_64");
	assert_no_fact(c, "linux.upstream");
	ct_case_destroy(c);

	c = extract("Linux deb12 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n");
	assert_fact(c, "linux.release", "6.1.0-18-amd64");
	assert_fact(c, "linux.upstream", "6.1.76");
	assert_fact(c, "linux.version",
		    "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)");
	ct_case_destroy(c);

	/* RHEL prints machine, processor and platform */
	c = extract("Linux rhel9 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024 x86_64 x86_64 x86_64 GNU/Linux\n");
	assert_fact(c, "linux.release", "5.14.0-427.13.1.el9_4.x86_64");
	assert_fact(c, "linux.version",
		    "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024");
	assert_fact(c, "linux.arch", "x86_64");
	ct_case_destroy(c);
}

static void test_uname_esxi(void **state)
{
	(void)state;
	struct ct_case *c = extract(
		"VMkernel esx01 7.0.3 #1 SMP Release build-20036589 Jul 12 2022 22:04:23 x86_64 x86_64 x86_64 ESXi\n");
	assert_fact(c, "product", "esxi");
	assert_fact(c, "esxi.version", "7.0.3");
	assert_fact(c, "esxi.build", "20036589");
	assert_fact(c, "host.name", "esx01");
	assert_no_fact(c, "linux.release");
	ct_case_destroy(c);
}

/* ---- vmware -vl ---------------------------------------------------------- */

static void test_vmware_vl(void **state)
{
	(void)state;
	static const char text[] =
		"VMware ESXi 8.0.3 build-24674464\n"
		"VMware ESXi 8.0 Update 3e\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "esxi.version", "8.0.3");
	assert_fact(c, "esxi.build", "24674464");
	assert_fact(c, "esxi.release_name", "8.0 Update 3e");
	assert_fact(c, "product", "esxi");
	assert_int_equal(
		find_fact(c, "esxi.release_name", NULL)->origin.line, 2);
	ct_case_destroy(c);

	/* vmware -v: one line */
	c = extract("[root@esx7:~] vmware -v\nVMware ESXi 7.0.3 build-21424296\n[root@esx7:~]\n");
	assert_fact(c, "esxi.build", "21424296");
	assert_fact(c, "host.name", "esx7");
	assert_no_fact(c, "esxi.release_name");
	ct_case_destroy(c);

	/* a PSOD banner is not vmware -v output */
	assert_false(sniff("VMware ESXi 7.0.3 [Releasebuild-20036589 x86_64]\n"));
}

/* ---- esxcli tables --------------------------------------------------------- */

static const char vib_list[] =
	"Name                           Version                               Vendor  Acceptance Level  Install Date  Platforms\n"
	"-----------------------------  ------------------------------------  ------  ----------------  ------------  ---------\n"
	"i40en                          1.5.8-1OEM.650.0.0.4598673            INT     VMwareCertified   2019-05-20    host\n"
	"nsx-esx-datapath               4.2.1.0.0-8.0.24022510                VMware  VMwareCertified   2025-01-10    host\n"
	"nsx-vsip                       4.2.1.0.0-8.0.24022510                VMware  VMwareCertified   2025-01-10    host\n"
	"nsxcli                         4.2.1.0.0-8.0.24022510                VMware  VMwareCertified   2025-01-10    host\n"
	"nsx-python-gevent              1.1.0-15366959                        VMware  VMwareCertified   2025-01-10    host\n"
	"ixgben                         1.7.1.35-1vmw.800.1.0.20513097        VMW     VMwareCertified   2024-06-25    host\n"
	"esx-base                       8.0.3-0.70.24674464                   VMware  VMwareCertified   2025-04-10    host\n"
	"lsuv2-hpv2-hpsa-plugin         1.0.0-3vmw.800.1.0.20513097           VMware  VMwareCertified   2024-06-25    host\n"
	"vmware-esx-esxcli-nvme-plugin  1.2.0.52-1vmw.800.1.0.20613240        VMware  VMwareCertified   2024-06-25    host\n";

static void test_vib_list(void **state)
{
	(void)state;
	assert_true(sniff(vib_list));
	struct ct_case *c = extract(vib_list);
	assert_fact(c, "vib.i40en.version", "1.5.8-1OEM.650.0.0.4598673");
	assert_fact(c, "driver.i40en.version", "1.5.8");
	assert_fact(c, "driver.ixgben.version", "1.7.1.35");
	assert_fact(c, "vib.esx-base.version", "8.0.3-0.70.24674464");
	assert_fact(c, "vib.nsx-esx-datapath.version", "4.2.1.0.0-8.0.24022510");
	assert_fact(c, "nsx.version", "4.2.1.0");
	assert_int_equal(count_key(c, "nsx.version"), 1);
	assert_no_fact(c, "driver.esx-base.version");
	assert_no_fact(c, "driver.lsuv2-hpv2-hpsa-plugin.version");
	assert_no_fact(c, "driver.vmware-esx-esxcli-nvme-plugin.version");
	assert_no_fact(c, "driver.nsxcli.version");
	assert_int_equal(find_fact(c, "driver.i40en.version", NULL)->origin.line,
			 3);
	ct_case_destroy(c);
}

static void test_vib_list_variants(void **state)
{
	(void)state;
	/* 6.x header (no Platforms), rows wider than their columns, and
	 * the i40en 1.7.11 line: columns fall back to tokens */
	struct ct_case *c = extract(
		"[root@esx65:~] esxcli software vib list\n"
		"Name               Version                             Vendor  Acceptance Level  Install Date\n"
		"-----------------  ----------------------------------  ------  ----------------  ------------\n"
		"i40en              1.7.11-1OEM.670.0.0.8169922  INT  VMwareCertified  2019-06-01\n"
		"nsx-host           3.2.3.1.0-7.0.22224219               VMware  VMwareCertified   2023-10-01\n"
		"\n"
		"[root@esx65:~] \n");
	assert_fact(c, "driver.i40en.version", "1.7.11");
	assert_fact(c, "vib.i40en.version", "1.7.11-1OEM.670.0.0.8169922");
	assert_fact(c, "nsx.version", "3.2.3.1");
	assert_fact(c, "host.name", "esx65");
	ct_case_destroy(c);
	/* NSX 9 five-component version: only trailing zeros are cut */
	c = extract(
		"Name      Version                 Vendor  Acceptance Level  Install Date\n"
		"--------  ----------------------  ------  ----------------  ------------\n"
		"nsx-host  9.0.1.0.0-9.0.24952111  VMware  VMwareCertified   2025-08-01\n"
		"nsx-vsip  4.1.2.3.4-8.0.22088125  VMware  VMwareCertified   2025-08-01\n");
	assert_fact(c, "nsx.version", "9.0.1.0");
	assert_fact(c, "nsx.version", "4.1.2.3.4");
	ct_case_destroy(c);
}

static void test_component_and_module_lists(void **state)
{
	(void)state;
	static const char text[] =
		"Name                  Display Name                     Version                            Vendor  Acceptance Level\n"
		"--------------------  -------------------------------  ---------------------------------  ------  ----------------\n"
		"Intel-i40en           Intel NIC Driver for Ethernet    2.4.1.0-1OEM.800.1.0.20613240      Intel   VMwareCertified\n"
		"nsx-lcp-bundle        NSX LCP Bundle                   4.2.1.0.0-8.0.24022510             VMware  VMwareCertified\n"
		"\n"
		"Name                 Is Loaded  Is Enabled\n"
		"-------------------  ---------  ----------\n"
		"vmkernel             true       true\n"
		"i40en                true       true\n"
		"nvmxnet3             false      true\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "component.Intel-i40en.version",
		    "2.4.1.0-1OEM.800.1.0.20613240");
	assert_fact(c, "nsx.version", "4.2.1.0");
	assert_fact(c, "module.i40en.loaded", "yes");
	assert_fact(c, "module.vmkernel.loaded", "yes");
	assert_no_fact(c, "module.nvmxnet3.loaded");
	ct_case_destroy(c);
}

static void test_esxcfg_module_q(void **state)
{
	(void)state;
	struct ct_case *c = extract(
		"[root@esx01:~] esxcfg-module -q\n"
		"vmkernel\n"
		"i40en\n"
		"nmlx5_core\n"
		"\n"
		"[root@esx01:~] \n");
	assert_fact(c, "module.i40en.loaded", "yes");
	assert_fact(c, "module.nmlx5_core.loaded", "yes");
	ct_case_destroy(c);
	/* vm-support's commands/esxcfg-module_-q.txt: by its name */
	c = extract_at("esx-h1-2024-01-01--00.00-1/commands/esxcfg-module_-q.txt",
		       "vmkernel\nqlnativefc\nlpfc\n");
	assert_fact(c, "module.qlnativefc.loaded", "yes");
	assert_fact(c, "module.lpfc.loaded", "yes");
	ct_case_destroy(c);
}

static void test_nic_list_and_driver_info(void **state)
{
	(void)state;
	static const char text[] =
		"[root@localhost:~] esxcli network nic list\n"
		"Name    PCI Device    Driver  Admin Status  Link Status  Speed  Duplex  MAC Address         MTU  Description\n"
		"------  ------------  ------  ------------  -----------  -----  ------  -----------------  ----  -------------------------------------------------------\n"
		"vmnic0  0000:01:00.0  igbn    Up            Up            1000  Full    00:1b:21:e5:b8:d6  1500  Intel Corporation Ethernet Server Adapter I350-T2\n"
		"vmnic2  0000:03:00.0  r8168   Up            Up            1000  Full    b4:2e:99:a2:d1:b7  1500  Realtek Semiconductor Co., Ltd. Onboard Ethernet\n"
		"[root@localhost:~] esxcli network nic get -n vmnic4\n"
		"   Advertised Auto Negotiation: false\n"
		"   Advertised Link Modes: 10000BaseSR/Full\n"
		"   Auto Negotiation: false\n"
		"   Cable Type: FIBRE\n"
		"   Current Message Level: 0\n"
		"   Driver Info:\n"
		"         Bus Info: 0000:3b:00:0\n"
		"         Driver: i40en\n"
		"         Firmware Version: 6.01 0x800034a4 1.1747.0\n"
		"         Version: 1.5.8\n"
		"   Link Detected: true\n"
		"   Link Status: Up\n"
		"   Name: vmnic4\n";
	assert_true(sniff(text));
	struct ct_case *c = extract(text);
	assert_fact(c, "nic.vmnic0.driver", "igbn");
	assert_fact(c, "nic.vmnic0.bus_info", "0000:01:00.0");
	assert_fact(c, "nic.vmnic2.driver", "r8168");
	assert_fact(c, "nic.vmnic4.driver", "i40en");
	assert_fact(c, "nic.vmnic4.firmware", "6.01 0x800034a4 1.1747.0");
	assert_fact(c, "driver.i40en.version", "1.5.8");
	assert_fact(c, "driver.i40en.firmware", "6.01 0x800034a4 1.1747.0");
	/* "localhost" says nothing about the host */
	assert_no_fact(c, "host.name");
	ct_case_destroy(c);

	/* nicinfo.sh: "NIC:" names the block; no command, no Name: line */
	c = extract("NIC:  vmnic1\n"
		    "   Driver Info:\n"
		    "         Bus Info: 0000:18:00:1\n"
		    "         Driver: bnxtnet\n"
		    "         Firmware Version: 218.0.219.0\n"
		    "         Version: 223.0.152.0\n");
	assert_fact(c, "nic.vmnic1.driver", "bnxtnet");
	assert_fact(c, "driver.bnxtnet.version", "223.0.152.0");
	ct_case_destroy(c);
}

/* A vm-support-like transcript: many blocks after prompts in one file. */
static void test_transcript(void **state)
{
	(void)state;
	static const char text[] =
		"[root@esx-nsx-07:~] vmware -vl\n"
		"VMware ESXi 8.0.3 build-24022510\n"
		"VMware ESXi 8.0 Update 3\n"
		"[root@esx-nsx-07:~] uname -a\n"
		"VMkernel esx-nsx-07 8.0.3 #1 SMP Release build-24022510 Jun 25 2024 01:23:45 x86_64 x86_64 x86_64 ESXi\n"
		"[root@esx-nsx-07:~] esxcli software vib list | grep -E 'nsx|i40en'\n"
		"i40en                          2.4.1.0-1OEM.800.1.0.20613240         INT     VMwareCertified   2024-07-01    host\n"
		"[root@esx-nsx-07:~] localcli software vib list\n"
		"Name                           Version                               Vendor  Acceptance Level  Install Date  Platforms\n"
		"-----------------------------  ------------------------------------  ------  ----------------  ------------  ---------\n"
		"i40en                          2.4.1.0-1OEM.800.1.0.20613240         INT     VMwareCertified   2024-07-01    host\n"
		"nsx-esx-datapath               4.2.1.0.0-8.0.24022510                VMware  VMwareCertified   2025-01-10    host\n"
		"[root@esx-nsx-07:~] \n";
	struct ct_case *c = extract(text);
	assert_fact(c, "esxi.version", "8.0.3");
	assert_fact(c, "esxi.build", "24022510");
	assert_fact(c, "esxi.release_name", "8.0 Update 3");
	assert_fact(c, "host.name", "esx-nsx-07");
	assert_fact(c, "driver.i40en.version", "2.4.1.0");
	assert_fact(c, "nsx.version", "4.2.1.0");
	assert_fact(c, "product", "esxi");
	for (size_t i = 0; i < c->fact_count; i++) {
		assert_string_equal(c->facts[i].origin.path, "input.txt");
		assert_true(c->facts[i].origin.line >= 1);
	}
	ct_case_destroy(c);
}

/* ---- sniffing -------------------------------------------------------------- */

static void test_sniff_negative(void **state)
{
	(void)state;
	static const char *const texts[] = {
		/* a Linux oops */
		"[ 4711.120017] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[ 4711.120020] CPU: 3 PID: 211 Comm: kworker/3:2 Tainted: G           OE      6.1.0-18-amd64 #1 Debian 6.1.76-1\n"
		"[ 4711.120030] RIP: 0010:i40e_sync_vsi_filters+0x2c/0xe90 [i40e]\n"
		"[ 4711.120060] Call Trace:\n"
		"[ 4711.120080] Modules linked in: i40e(OE) ptp pps_core\n",
		/* boot messages that name PCI ids and the kernel */
		"[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n"
		"[    0.312345] pci 0000:00:19.0: [8086:153a] type 00 class 0x020000\n"
		"[    1.234567] e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s:Width x1) 00:11:22:33:44:55\n",
		/* a journal */
		"May 25 15:23:30 pve-02 kernel: e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:\n"
		"May 25 15:23:30 pve-02 kernel:   TDH                  <61>\n"
		"Linux version 6.8.12-10-pve (build@proxmox) (gcc (Debian 12.2.0-14) 12.2.0) #1 SMP\n",
		/* vmkernel.log */
		"2018-06-17T17:41:52.760Z cpu50:66340)i40en: i40en_HandleMddEvent:6829: Malicious Driver Detection event 0x02 on TX queue 0 PF number 0x01 VF number 0x00\n"
		"2024-03-02T11:22:33.444Z In(182) vmkernel: cpu12:2097811)VMware ESXi 8.0.3 build-24674464\n"
		"2025-02-03T04:05:06.100Z cpu7:2097733)@BlueScreen: #PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18\n",
		/* a gdb backtrace */
		"(gdb) bt\n"
		"#0  0x00007ffff7df2f1f in __pthread_kill_internal (signo=6, threadid=<optimized out>) at ./nptl/pthread_kill.c:78\n"
		"#1  0x0000555555555171 in check_table (t=0x5555555592a0) at table.c:17\n"
		"# 0 foo\n",
		/* prose that mentions the commands */
		"Run ethtool -i eno1 to see the driver: it prints driver and bus-info.\n"
		"ethtool -i eno1\n"
		"The driver: field names the module.\n"
		"Features for the next release: many\n"
		"Name your tables well.\n"
		"Linux is a kernel\n"
		"Linux host 5.10 runs fine\n"
		"feature | note\n",
		"hello\nworld\n",
		"",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(texts); i++) {
		if (sniff(texts[i]))
			print_message("text %zu sniffed as facts\n", i);
		assert_false(sniff(texts[i]));
	}
}

/* ---- hostile input ------------------------------------------------------- */

static void test_hostile_nul(void **state)
{
	(void)state;
	static const char text[] =
		"root@h\0st:~# ethtool -i eno1\n"
		"driver: e1000e\0evil\n"
		"bus-info: 0000:00:19.0\n"
		"driver: e1000e\n"
		"version: 6.8\0\x01\x7f\n"
		"bus-info: 0000:00:19.0\n"
		"Features for e\0no1:\n"
		"tcp-segmentation-offload: on\n"
		"00:19.0 Ethernet controller [0200]: Intel\0 [8086:153a]\n"
		"Name  \0 Version  Vendor  Acceptance Level\n"
		"----  -------  ------  ----------------\n"
		"a\0b  1.0-1vmw.1  X  Y\n";
	struct ct_case *c = extract_len("nul.txt", text, sizeof(text) - 1);
	for (size_t i = 0; i < c->fact_count; i++) {
		for (const char *p = c->facts[i].key; *p; p++)
			assert_true((unsigned char)*p > 0x20);
		for (const char *p = c->facts[i].value; *p; p++)
			assert_true((unsigned char)*p >= 0x20 &&
				    (unsigned char)*p != 0x7f);
	}
	/* the version with NUL and control bytes is kept, made printable */
	assert_fact(c, "nic.unknown.version", "6.8???");
	/* a driver name with a NUL in it names no key: that block is dropped */
	assert_fact(c, "nic.unknown.driver", "e1000e");
	assert_int_equal(count_key(c, "nic.unknown.driver"), 1);
	assert_fact(c, "ethtool.unknown.tso", "on");
	assert_fact(c, "nic.pci_id", "8086:153a");
	ct_case_destroy(c);
}

static char *repeat(const char *head, char fill, size_t n, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *buf = malloc(hl + n + tl + 1);
	assert_non_null(buf);
	memcpy(buf, head, hl);
	memset(buf + hl, fill, n);
	memcpy(buf + hl + n, tail, tl + 1);
	return buf;
}

static void test_hostile_long_lines(void **state)
{
	(void)state;
	const size_t mb = 1024 * 1024;
	static const char *const heads[] = {
		"driver: ", "Features for ", "00:19.0 Ethernet controller [0200]: ",
		"feature | ", "Linux h 1.2.3 #", "VMware ESXi 8.0.3 build-",
		"Name  ", "root@", "tcp-segmentation-offload: ",
		"0000:00:19.0", "   Driver Info: ",
	};
	static const char fills[] = { 'a', '[', '|', ' ', '1', '-', ':' };
	for (size_t i = 0; i < CT_ARRAY_SIZE(heads); i++) {
		for (size_t j = 0; j < sizeof(fills); j++) {
			char *buf = repeat(heads[i], fills[j], mb,
					   "\nbus-info: x\n----  ----\nrow  1.0\n");
			struct ct_case *c = extract_at("long.txt", buf);
			for (size_t k = 0; k < c->fact_count; k++)
				assert_true(strlen(c->facts[k].value) <=
					    CT_MAX_FIELD_LEN);
			ct_case_destroy(c);
			(void)ct_extractor_facts.sniff(buf, strlen(buf));
			free(buf);
		}
	}
	/* a 1 MB value is cut, not dropped, and stays bounded */
	char *buf = repeat("driver: e1000e\nversion: ", 'v', mb,
			   "\nbus-info: 0000:00:19.0\n");
	struct ct_case *c = extract_at("long.txt", buf);
	const struct ct_fact *f = find_fact(c, "nic.unknown.version", NULL);
	assert_non_null(f);
	assert_true(strlen(f->value) < 1024);
	ct_case_destroy(c);
	free(buf);
}

static void test_hostile_many_vibs(void **state)
{
	(void)state;
	const size_t rows = 100000;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_puts(&sb,
		"Name           Version                      Vendor  Acceptance Level  Install Date\n"
		"-------------  ---------------------------  ------  ----------------  ------------\n");
	for (size_t i = 0; i < rows; i++)
		ct_strbuf_appendf(&sb, "drv%-10zu  %zu.0.0-1OEM.800.1.0.20613240  INT     VMwareCertified   2024-07-01\n",
				  i, i);
	assert_false(sb.failed);
	clock_t t0 = clock();
	struct ct_case *c = extract_len("vibs.txt", sb.buf, sb.len);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	print_message("# %zu vib rows -> %zu facts in %.2f s\n", rows,
		      c->fact_count, secs);
	assert_true(c->fact_count > 0);
	assert_true(c->fact_count <= CT_MAX_FACTS);
	assert_fact(c, "vib.drv0.version", "0.0.0-1OEM.800.1.0.20613240");
	assert_fact(c, "driver.drv0.version", "0.0.0");
	ct_case_destroy(c);
	ct_strbuf_deinit(&sb);
}

/* Blocks cut by the end of the buffer (no final newline, half a line). */
static void test_truncated(void **state)
{
	(void)state;
	static const char text[] =
		"root@pve-02:~# ethtool -i eno1\n"
		"driver: e1000e\n"
		"version: 6.8.12-10-pve\n"
		"firmware-version: 0.13-4\n"
		"bus-info: 0000:00:19.0\n"
		"Features for eno1:\n"
		"tcp-segmentation-offload: on\n"
		"00:19.0 Ethernet controller [0200]: Intel Corporation I217-LM [8086:153a]\n"
		"VMware ESXi 8.0.3 build-24674464\n"
		"Name  Version  Vendor  Acceptance Level\n"
		"----  -------  ------  ----------------\n"
		"i40en  1.5.8-1OEM.650.0.0.4598673  INT  VMwareCertified\n";
	size_t len = sizeof(text) - 1;
	for (size_t n = 0; n <= len; n++) {
		char *copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, text, n);
		(void)ct_extractor_facts.sniff(copy, n);
		struct ct_case *c = extract_len("cut.txt", copy, n);
		ct_case_destroy(c);
		free(copy);
	}
	struct ct_case *c = extract_len("cut.txt", text, len - 1);
	assert_fact(c, "driver.i40en.version", "1.5.8");
	assert_fact(c, "esxi.build", "24674464");
	assert_fact(c, "nic.pci_id", "8086:153a");
	ct_case_destroy(c);
}

/* Through the public API: the seed excerpts are facts and nothing else. */
static void test_public_api(void **state)
{
	(void)state;
	unsigned kinds = ct_sniff(seed002_ethtool_i, strlen(seed002_ethtool_i));
	assert_true(kinds & (1u << CT_KIND_SYSTEM_FACTS));
	struct ct_case *c = NULL;
	assert_null(ct_analyze_buffer("seed002.txt", seed002_lspci,
				      strlen(seed002_lspci), &c));
	assert_true(ct_case_usable(c));
	assert_string_equal(ct_case_fact(c, "pci.00:19.0.id"), "8086:153a");
	ct_case_destroy(c);
}

/* ---- the corpus: tests/data/facts/X with X.expect --------------------------- */

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ct_strbuf_append(&sb, chunk, n);
	fclose(f);
	*ret_len = sb.len;
	return ct_strbuf_detach(&sb);
}

/* Check one corpus file against its sidecar: "kinds:" (do we sniff it
 * exactly when it lists system-facts?) and, in tests/data/facts, every
 * "fact: key=value" (or "fact: key = value") line.  Returns the number of
 * facts checked; failures are counted into *bad. */
static size_t check_corpus_file(const char *path, const char *expect,
				bool facts_dir, size_t *bad)
{
	size_t len, elen, checked = 0;
	char *buf = read_file(path, &len);
	char *exp = read_file(expect, &elen);
	assert_non_null(buf);
	assert_non_null(exp);
	struct ct_case *c = extract_len(path, buf, len);
	bool sniffed = ct_extractor_facts.sniff(buf, len);
	for (char *line = exp; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "kinds:", 6) == 0) {
			bool want = strstr(line, "system-facts") != NULL;
			if (want != sniffed) {
				print_message("%s: sniff %d, expected %d\n", path,
					      sniffed, want);
				(*bad)++;
			}
		} else if (facts_dir && strncmp(line, "fact:", 5) == 0) {
			char *kv = line + 5;
			while (*kv == ' ')
				kv++;
			char *eq = strchr(kv, '=');
			if (eq) {
				char *ke = eq;
				while (ke > kv && ke[-1] == ' ')
					ke--;
				*ke = '\0';
				char *v = eq + 1;
				while (*v == ' ')
					v++;
				size_t vl = strlen(v);
				while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
					v[--vl] = '\0';
				checked++;
				if (!find_fact(c, kv, v)) {
					print_message("%s: missing fact %s = %s\n",
						      path, kv, v);
					(*bad)++;
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	ct_case_destroy(c);
	free(buf);
	free(exp);
	return checked;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *top = getenv("top_srcdir");
	if (!top)
		top = ".";
	static const char *const dirs[] = {
		"facts", "gdb", "linux", "vmkernel",
	};
	size_t files = 0, facts = 0, bad = 0;
	for (size_t d = 0; d < CT_ARRAY_SIZE(dirs); d++) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/tests/data/%s", top, dirs[d]);
		DIR *dp = opendir(dir);
		if (!dp)	/* the corpus is part of the source tree */
			fail_msg("no corpus at %s", dir);
		struct dirent *e;
		while ((e = readdir(dp))) {
			size_t n = strlen(e->d_name);
			if (e->d_name[0] == '.' ||
			    (n > 7 && strcmp(e->d_name + n - 7, ".expect") == 0))
				continue;
			char path[8192], expect[8200];
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			snprintf(expect, sizeof(expect), "%s.expect", path);
			FILE *f = fopen(expect, "r");
			if (!f)
				continue;
			fclose(f);
			files++;
			/* elsewhere only the kinds: their facts are the
			 * other extractors' */
			facts += check_corpus_file(path, expect, d == 0, &bad);
		}
		closedir(dp);
	}
	print_message("# corpus: %zu files, %zu facts checked, %zu failures\n",
		      files, facts, bad);
	assert_true(files > 0 && facts > 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_seed002_ethtool_i),
		cmocka_unit_test(test_seed002_lspci),
		cmocka_unit_test(test_seed002_table),
		cmocka_unit_test(test_seed002_together),
		cmocka_unit_test(test_ethtool_i_sos_path),
		cmocka_unit_test(test_ethtool_i_supportconfig),
		cmocka_unit_test(test_ethtool_i_unknown_iface),
		cmocka_unit_test(test_ethtool_k),
		cmocka_unit_test(test_ethtool_k_headerless),
		cmocka_unit_test(test_ethtool_k_old_format),
		cmocka_unit_test(test_lspci_nnvv),
		cmocka_unit_test(test_lspci_esxi),
		cmocka_unit_test(test_localcli_pci_list),
		cmocka_unit_test(test_uname_linux),
		cmocka_unit_test(test_uname_esxi),
		cmocka_unit_test(test_vmware_vl),
		cmocka_unit_test(test_vib_list),
		cmocka_unit_test(test_vib_list_variants),
		cmocka_unit_test(test_component_and_module_lists),
		cmocka_unit_test(test_esxcfg_module_q),
		cmocka_unit_test(test_nic_list_and_driver_info),
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_sniff_negative),
		cmocka_unit_test(test_hostile_nul),
		cmocka_unit_test(test_hostile_long_lines),
		cmocka_unit_test(test_hostile_many_vibs),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_public_api),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
