#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-cases.sh - write a .tgz of N generated crash cases, for the batch
# benchmarks and the sharding tests (bench/bench-batch.sh,
# bench/bench-shard.sh, tests/e2e/run-slurm.sh).
#
#   bench/gen-cases.sh N OUT.tgz        (PAD=lines of log noise per case,
#                                         default 200)
#
# The archive holds one folder, cases/, with N cases of mixed kinds made
# from the test corpus (Linux oopses, gdb backtraces, vmkernel logs, one
# vm-support-like bundle folder per 50 cases), each file made unique
# (host, counter) so that no two inputs are equal.  cases/ is a container
# of bundles when N >= 50 (each file a case), else one case.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
N=$1
out=$2
PAD=${PAD:-200}
work=$(mktemp -d "${TMPDIR:-/tmp}/ct-gen-cases.XXXXXX")
trap 'rm -rf "$work"' EXIT
D=$src/tests/data
mkdir -p "$work/gen/cases"
templates="$D/linux/linux515_list_del_bug.log $D/linux/linux61_kasan_uaf.log
$D/linux/a4_oops_i40e_dmesg.log $D/gdb/segv_core_userspace.txt
$D/gdb/abort_assert_nodebug.txt $D/vmkernel/esxi65_mdd_then_psod_rbp.log
$D/vmkernel/esxi55_psod_e1000_ebp.log $D/linux/e1000e_hang_reset_dmesg.log"
# one awk process writes every file: case i uses template i % T, with the
# counter in a comment line and in host names
awk -v n="$N" -v pad="$PAD" -v out="$work/gen/cases" -v vl="$D/facts/vmware-vl.txt" '
function slurp(f,   line, s) { s = ""; while ((getline line < f) > 0) s = s line "\n"; close(f); return s }
BEGIN {
	t = 0
	for (i = 1; i < ARGC; i++) { tpl[t] = slurp(ARGV[i]); name[t] = ARGV[i]; sub(/.*\//, "", name[t]); t++ }
	vmware = slurp(vl)
	for (i = 0; i < n; i++) {
		k = i % t
		text = tpl[k]
		gsub(/esx-[a-z0-9-]+|localhost|myhost|host[0-9]+/, "host" i, text)
		noise = ""
		for (l = 0; l < pad; l++)
			noise = noise sprintf("2026-01-01T00:%02d:%02d.%03dZ cpu%d:%d)NetPort: 3212: disabled port 0x%x on vSwitch%d\n", l / 60 % 60, l % 60, l % 1000, l % 16, 2097152 + l, 33554432 + i + l, l % 4)
		text = noise text
		if (i % 50 == 49) {
			dir = sprintf("%s/esx-host%d-2026-01-01--00.00-%d", out, i, i)
			system("mkdir -p \"" dir "/commands\" \"" dir "/var/run/log\"")
			f = dir "/commands/vmware_-vl.txt"; printf "%s", vmware > f; close(f)
			f = dir "/var/run/log/vmkernel.log"; printf "# case %d\n%s%s", i, noise, tpl[5] > f; close(f)
		} else {
			f = sprintf("%s/%06d-%s", out, i, name[k])
			printf "# case %d\n%s", i, text > f; close(f)
		}
	}
	exit
}' $templates
tar -czf "$out" -C "$work/gen" cases
