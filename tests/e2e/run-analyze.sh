#!/bin/sh
# SPDX-License-Identifier: MIT
# run-analyze.sh - the analyze command end to end: exit codes, JSON contract,
# and the seeds.
. "$top_srcdir/tests/e2e/test-subr.sh"

# --- exit codes and usage ---
"$CRASHTRIAGE" analyze >/dev/null 2>&1
[ $? -eq 2 ] && ok "no PATH is a usage error (2)" || not_ok "no PATH is a usage error (2)"
"$CRASHTRIAGE" analyze "$WORK/missing" >/dev/null 2>"$WORK/err"
[ $? -eq 1 ] && ok "missing file exits 1" || not_ok "missing file exits 1"
grep -q "missing" "$WORK/err" && ok "error names the file" || not_ok "error names the file"
printf 'hello\nworld\n' >"$WORK/plain.txt"
"$CRASHTRIAGE" analyze "$WORK/plain.txt" >/dev/null 2>"$WORK/err"
[ $? -eq 1 ] && ok "unrecognised file exits 1" || not_ok "unrecognised file exits 1"
grep -q "plain.txt.*not recognised" "$WORK/err" && ok "unrecognised file named" || not_ok "unrecognised file named"
"$CRASHTRIAGE" --version | grep -q '^crashtriage [0-9]' && ok "--version" || not_ok "--version"
"$CRASHTRIAGE" help analyze | grep -q -- '--json' && ok "help analyze" || not_ok "help analyze"
"$CRASHTRIAGE" nosuch >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown command exits 2" || not_ok "unknown command exits 2"

# --- the JSON contract on every seed ---
for s in "$SEEDS"/*.txt; do
	b=$(basename "$s")
	"$CRASHTRIAGE" analyze --json "$s" >"$WORK/$b.json" 2>/dev/null
	jq_check "$b: JSON has every contract key" "$WORK/$b.json" \
		'has("case") and has("inputs") and has("title") and has("signature") and has("facts") and has("backtraces") and has("events") and has("findings") and has("matches") and has("verdict")'
done

# --- seed 003: the FQDN PSOD gdb backtrace ---
f="$WORK/003_9f4b66f313771443.txt.json"
jq_check "seed 003 is a gdb backtrace" "$f" '.inputs[0].kinds | index("gdb-backtrace") != null'
jq_check "seed 003 has 26 frames" "$f" '[.backtraces[] | select(.crashing) | .frames[]] | length == 26'
# memscan and strlen are str*/mem* helpers: the guilty frame is their caller
jq_check "seed 003 crash frames" "$f" '.signature.frames[0:3] == ["pfa_get_counts","pfioctl","VSIPConversionGetConnectionStat"]'
jq_check "seed 003 title" "$f" '.title == "PSOD in pfa_get_counts <- pfioctl <- VSIPConversionGetConnectionStat"'
jq_check "seed 003 gate_entry is generic" "$f" '[.backtraces[0].frames[] | select(.function == "gate_entry")][0].generic'

# --- seed 001: the flattened dvfilter double free ---
f="$WORK/001_f33d63936764796f.txt.json"
jq_check "seed 001 flattened frames" "$f" '[.backtraces[0].frames[]] | length == 19'
# DLM_free .. uma_zfree are the allocator and its wrappers: the double free
# is pfr_destroy_ktable's
jq_check "seed 001 crash frames" "$f" '.signature.frames == ["pfr_destroy_ktable","pfr_setflags_ktable","pfr_detach_table","pf_tbladdr_remove","pf_rm_rule"]'
jq_check "seed 001 frame 18 is VSIPDVFRestoreState" "$f" '.backtraces[0].frames[18].function == "VSIPDVFRestoreState"'

# --- catalogue events: fields captured, prose is no event ---
printf '2024-01-01T00:00:00.000Z cpu1:2097152)WARNING: ScsiDevice: 1425: Device naa.600601604550250083489d914959e111 has been removed or is permanently inaccessible. Affected datastores (if any): "ds1".\n' >"$WORK/pdl.log"
"$CRASHTRIAGE" analyze --json "$WORK/pdl.log" >"$WORK/pdl.json" 2>/dev/null
jq_check "PDL event with its device" "$WORK/pdl.json" \
	'[.events[] | select(.kind == "esxi.pdl")][0].fields.device == "naa.600601604550250083489d914959e111"'
jq_check "PDL line has no title (a warning, not a crash)" "$WORK/pdl.json" '.title == null'
"$CRASHTRIAGE" analyze --json "$SEEDS/000_32af8d738af67b81.txt" >"$WORK/s0.json" 2>/dev/null
jq_check "seed 000: the blog's prose about PDL is no event" "$WORK/s0.json" \
	'([.events[].kind] | sort) == ["i40en.mdd","i40en.pf_reset"]'
jq_check "seed 000: MDD fields" "$WORK/s0.json" \
	'[.events[] | select(.kind == "i40en.mdd")][0].fields | .queue_type == "TX" and .queue == "0" and .pf == "0x01" and .vf == "0x00" and .event == "0x02"'

# --- a PSOD printed with bare addresses, named from a vmkernel symbol list ---
cat >"$WORK/raw-psod.log" <<'EOT'
2025-02-03T04:05:06.100Z cpu7:2097733)@BlueScreen: #PF Exception 14 in world 2097733:HELPER_UPLIN IP 0x420031a2b3c4 addr 0x18
2025-02-03T04:05:06.110Z cpu7:2097733)Code start: 0x420030800000 VMK uptime: 12:03:44:10.250
2025-02-03T04:05:06.120Z cpu7:2097733)0x453a01b1be20:[0x420031a2b3c4] stack: 0x430a1b2c3d40, 0x0, 0x1, 0x453a01b1be70, 0x0
2025-02-03T04:05:06.121Z cpu7:2097733)0x453a01b1be80:[0x420030a8da15] stack: 0x420000000001, 0x0, 0x0, 0x0, 0x0
2025-02-03T04:05:06.122Z cpu7:2097733)0x453a01b1bf10:[0x420030b5aa14] stack: 0x0, 0x0, 0x0, 0x0, 0x0
2025-02-03T04:05:06.123Z cpu7:2097733)0x453a01b1bf40:[0x4200308da139] stack: 0x0, 0x0, 0x0, 0x0, 0x0
2025-02-03T04:05:06.124Z cpu7:2097733)0x453a01b1bfe0:[0x420030bb3e29] stack: 0x0, 0x0, 0x0, 0x0, 0x0
EOT
cat >"$WORK/vmk.syms" <<'EOT'
0x420031a2af80 i40en_UplinkPrivStatsGet i40en
0x420031a2c000 i40en_UplinkLinkStatusGet i40en
0x420030a8d700 UplinkDeviceGetStatsAsyncCB vmkernel
0x420030b5a8f0 UplinkAsyncProcessCallsHelperCB vmkernel
0x4200308d9f60 HelperQueueFunc vmkernel
0x420030bb3da0 CpuSched_StartWorld vmkernel
EOT
"$CRASHTRIAGE" analyze --json "$WORK/raw-psod.log" >"$WORK/raw.json" 2>/dev/null
jq_check "bare-address PSOD: no frame names without a map" "$WORK/raw.json" \
	'.signature.frames == [] and (.title | startswith("PSOD: "))'
"$CRASHTRIAGE" analyze --json --map "$WORK/vmk.syms" "$WORK/raw-psod.log" >"$WORK/named.json" 2>/dev/null
jq_check "--map names the frames, generic ones marked" "$WORK/named.json" \
	'.signature.frames == ["i40en_UplinkPrivStatsGet","UplinkDeviceGetStatsAsyncCB","UplinkAsyncProcessCallsHelperCB"] and .backtraces[0].frames[0].module == "i40en" and .backtraces[0].frames[0].offset == "0x444" and .backtraces[0].frames[3].generic'
jq_check "--map: the named PSOD matches its known issue" "$WORK/named.json" \
	'.matches[0].id == "esxi-i40en-uplink-stats-overflow" and .verdict == "known"'
printf '0x1 ok_symbol\nthis is no symbol line at all\n' >"$WORK/bad.map"
"$CRASHTRIAGE" analyze --map "$WORK/bad.map" "$WORK/raw-psod.log" >/dev/null 2>"$WORK/bad.err"
[ $? -eq 1 ] && grep -q "bad.map'*:2" "$WORK/bad.err" && ok "a bad map is refused naming file:line" ||
	{ not_ok "a bad map is refused naming file:line"; sed 's/^/# /' "$WORK/bad.err"; }

# A kernel log whose ESXi panic text comes only past the sniffs' first
# 256 KB: the Linux extractor's pass finds it (the vmkernel sniff no
# longer reads the whole log for it) and the PSOD is read as before; a
# kernel log without it stays a kernel log, with its events.
seq 1 8000 | awk '{ printf "[%6d.%06d] usb 1-1: new high-speed USB device number %d using xhci_hcd\n", $1, $1 * 7, $1 }' >"$WORK/deep.log"
cp "$WORK/deep.log" "$WORK/plain-kernel.log"
printf '[ 9001.000001] i40e 0000:3b:00.0 eth2: NIC Link is Down\n' >>"$WORK/plain-kernel.log"
cat "$top_srcdir/tests/data/vmkernel/esxi60_psod_vmkdrv_rbp.log" >>"$WORK/deep.log"
"$CRASHTRIAGE" analyze --json "$WORK/deep.log" >"$WORK/deep.json" 2>/dev/null
jq_check "ESXi panic text deep in a kernel log: both kinds, the PSOD read" "$WORK/deep.json" \
	'(.inputs[0].kinds | sort) == ["linux-kernel-log","vmkernel-log"] and .title == "PSOD: #PF Exception 14 in VmkDrv_WakeupAllWaiters" and ([.fact_list[] | select(.key == "product") | .value] | sort) == ["esxi","linux"]'
"$CRASHTRIAGE" analyze --json "$WORK/plain-kernel.log" >"$WORK/plain-kernel.json" 2>/dev/null
jq_check "a long kernel log without it: one kind, its event found on the one pass" "$WORK/plain-kernel.json" \
	'.inputs[0].kinds == ["linux-kernel-log"] and ([.events[] | select(.kind | test("link_down"))] | length) == 1'

finish
