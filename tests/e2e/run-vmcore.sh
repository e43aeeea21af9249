#!/bin/bash
# SPDX-License-Identifier: MIT
# run-vmcore.sh - real Linux kernel crash dumps end to end: a Debian cloud
# kernel booted under QEMU and panicked with sysrq-c, dumped by QEMU as an
# ELF vmcore with kernel virtual addresses (paging) and with physical
# addresses only (tests/fixtures/make-vmcore.sh makes and caches them).
#
#  - "crashtriage dmesg" prints, for both dumps, exactly what kexec-tools'
#    vmcore-dmesg printed for the paging dump;
#  - "crashtriage analyze" finds the sysrq panic, the kernel release, and
#    reads the file as linux-vmcore, not as a user-space core;
#  - "crashtriage dmesg --kallsyms" gives the addresses the guest's own
#    /proc/kallsyms showed;
#  - copies cut short (in the program headers, in the notes, just after
#    them, in the middle of memory) give partial results, say what was
#    lost, and never crash.
. "$(dirname "$0")/test-subr.sh"
command -v jq >/dev/null || skip_all "jq not installed"

dir=$("$top_srcdir/tests/fixtures/make-vmcore.sh" 2>"$WORK/make.err")
rc=$?
if [ $rc = 77 ]; then
	skip_all "$(tail -n1 "$WORK/make.err")"
fi
if [ $rc != 0 ] || [ ! -f "$dir/vmcore-paging.elf" ] ||
   [ ! -f "$dir/vmcore-phys.elf" ]; then
	# 77 is "cannot run here"; anything else is a failure to say
	not_ok "make-vmcore.sh made the dumps (exit $rc)"
	sed 's/^/# /' "$WORK/make.err" | tail -20
	finish
fi
release=$(basename "$dir")

# The reference log: vmcore-dmesg's, from the cache or, when the cache was
# made without it, from vmcore-dmesg now.  Only when vmcore-dmesg is not
# installed are the two dumps compared with each other (our own reading
# is no reference for itself: that check is then a counted skip).
ref=$dir/dmesg-paging.txt
refname="vmcore-dmesg's"
if [ ! -s "$ref" ] && command -v vmcore-dmesg >/dev/null; then
	echo "# no dmesg-paging.txt in the cache: vmcore-dmesg runs now"
	vmcore-dmesg "$dir/vmcore-paging.elf" >"$WORK/ref.txt" 2>"$WORK/ref.err" ||
		not_ok "vmcore-dmesg reads the paging dump"
	ref=$WORK/ref.txt
elif [ ! -s "$ref" ]; then
	echo "# no dmesg-paging.txt and no vmcore-dmesg: comparing the dumps"
	"$CRASHTRIAGE" dmesg "$dir/vmcore-paging.elf" >"$WORK/ref.txt" 2>/dev/null
	ref=$WORK/ref.txt
	refname="the paging dump's"
fi

for kind in paging phys; do
	dump=$dir/vmcore-$kind.elf
	if [ "$refname" != "vmcore-dmesg's" ] && [ $kind = paging ]; then
		skip "dmesg of the paging dump is byte-identical to vmcore-dmesg's" \
			"vmcore-dmesg (kexec-tools) not installed"
	elif "$CRASHTRIAGE" dmesg "$dump" >"$WORK/dmesg-$kind.txt" \
		2>"$WORK/dmesg-$kind.err" &&
	   [ -s "$WORK/dmesg-$kind.txt" ] &&
	   cmp -s "$WORK/dmesg-$kind.txt" "$ref"; then
		ok "dmesg of the $kind dump is byte-identical to $refname"
	else
		not_ok "dmesg of the $kind dump is byte-identical to $refname"
		diff "$ref" "$WORK/dmesg-$kind.txt" | head -10 | sed 's/^/# /'
		sed 's/^/# /' "$WORK/dmesg-$kind.err" | head -5
	fi
	grep -q 'sysrq: Trigger a crash' "$WORK/dmesg-$kind.txt" &&
		ok "the $kind log holds the sysrq trigger" ||
		not_ok "the $kind log holds the sysrq trigger"

	j=$WORK/analyze-$kind.json
	"$CRASHTRIAGE" analyze --json "$dump" >"$j" 2>"$WORK/analyze.err"
	jq_check "$kind: read as linux-vmcore only" "$j" \
		'.inputs[0].kinds == ["linux-vmcore"]'
	jq_check "$kind: the panic is the sysrq crash" "$j" \
		'.panic.kind == "panic" and
		 (.panic.message | test("sysrq triggered crash"))'
	jq_check "$kind: titled by the panic's reason, signed from sysrq_handle_crash" "$j" \
		'.signature.title == "kernel panic: sysrq triggered crash" and
		 .report_type == "kernel panic: sysrq triggered crash" and
		 .signature.frames[0] == "sysrq_handle_crash"'
	jq_check "$kind: linux.release is $release" "$j" \
		".facts[\"linux.release\"] == \"$release\""
	jq_check "$kind: build-id, page size and KASLR offset facts" "$j" \
		'(.facts["vmcore.build_id"] | test("^[0-9a-f]{40}$")) and
		 .facts["vmcore.page_size"] == "4096" and
		 (.facts["vmcore.kaslr_offset"] | test("^0x[0-9a-f]+$"))'
	jq_check "$kind: every CPU's pc is named from kallsyms" "$j" \
		'[.backtraces[] | select(.label | test("^cpu[0-9]+ registers"))
		  | .frames[0] | (.function != null and .reliable == false)]
		 | length >= 1 and all'
	jq_check "$kind: the panic CPU's stack scan finds the sysrq path" "$j" \
		'[.backtraces[] | select(.label | test("^cpu[0-9]+ registers"))
		  | .frames[] | select(.reliable == false) | .function]
		 | (index("sysrq_handle_crash") != null and
		    index("write_sysrq_trigger") != null)'
	jq_check "$kind: kallsyms decoded" "$j" \
		'(.facts["vmcore.kallsyms"] | tonumber) > 10000'
	jq_check "$kind: the log's frames agree with kallsyms" "$j" \
		'(.facts["vmcore.frames_checked"] | tonumber) >= 10 and
		 ([.notes[] | select(test("kallsyms does not hold"))]
		  | length == 0)'
	truth=$(awk '$3 == "sysrq_handle_crash" { print $1 }' \
		"$dir/kallsyms-truth.txt" 2>/dev/null)
	if [ -n "$truth" ]; then
		off=$(jq -r '[.backtraces[0].frames[]
			| select(.function == "sysrq_handle_crash")][0].offset' "$j")
		want=$(printf '0x%x' $((0x$truth + off)))
		jq_check "$kind: sysrq_handle_crash frame at $want" "$j" \
			"[.backtraces[0].frames[]
			  | select(.function == \"sysrq_handle_crash\")][0].address
			 == \"$want\""
	fi
	jq_check "$kind: nothing lost" "$j" \
		'[.notes[] | select(test("cut off|not in the dump|past the end"))]
		 | length == 0'
done

# The kdump-compressed dump (QEMU's kdump-zlib, makedumpfile's flattened
# form, read directly): the same log, crash and symbols from its pages.
kd=$dir/vmcore.kdump-flat
if [ -f "$kd" ] && "$CRASHTRIAGE" dmesg "$kd" >"$WORK/dmesg-kdump.txt" \
	2>"$WORK/dmesg-kdump.err"; then
	[ -s "$WORK/dmesg-kdump.txt" ] && cmp -s "$WORK/dmesg-kdump.txt" "$ref" &&
		ok "dmesg of the kdump-compressed dump is byte-identical to $refname" ||
		not_ok "dmesg of the kdump-compressed dump is byte-identical to $refname"
	j=$WORK/analyze-kdump.json
	"$CRASHTRIAGE" analyze --json "$kd" >"$j" 2>/dev/null
	jq_check "kdump: read as linux-vmcore, the sysrq crash, the release" "$j" \
		".inputs[0].kinds == [\"linux-vmcore\"] and
		 (.signature.frames[0] == \"sysrq_handle_crash\") and
		 .facts[\"linux.release\"] == \"$release\""
	jq_check "kdump: kallsyms decoded from its pages, frames checked" "$j" \
		'(.facts["vmcore.kallsyms"] | tonumber) > 10000 and
		 (.facts["vmcore.frames_checked"] | tonumber) >= 10'
	cpus='[.backtraces[] | select(.label | test("^cpu[0-9]+ registers"))
		| [.label, [.frames[] | [.function, .address]]]]'
	jq -c "$cpus" "$j" >"$WORK/cpus-kdump.txt" 2>/dev/null
	jq -c "$cpus" "$WORK/analyze-paging.json" >"$WORK/cpus-paging.txt" 2>/dev/null
	[ -s "$WORK/cpus-kdump.txt" ] &&
	[ "$(cat "$WORK/cpus-kdump.txt")" != "[]" ] &&
	cmp -s "$WORK/cpus-kdump.txt" "$WORK/cpus-paging.txt" &&
		ok "kdump: the CPUs' registers from its ELF notes, frames as from the ELF dump" ||
		not_ok "kdump: CPU frames differ from the ELF dump's"
	"$CRASHTRIAGE" dmesg --kallsyms "$kd" >"$WORK/ks-kdump.txt" 2>/dev/null
	"$CRASHTRIAGE" dmesg --kallsyms "$dir/vmcore-paging.elf" >"$WORK/ks-paging-all.txt" 2>/dev/null
	[ -s "$WORK/ks-kdump.txt" ] &&
	cmp -s "$WORK/ks-kdump.txt" "$WORK/ks-paging-all.txt" &&
		ok "kdump: every kallsyms line as from the ELF dump" ||
		not_ok "kdump: every kallsyms line as from the ELF dump"
else
	not_ok "dmesg of the kdump-compressed dump: $(head -1 "$WORK/dmesg-kdump.err" 2>/dev/null)"
fi

# symbolize --map DUMP: the guest's text symbols, and an address inside
# one, named from the dump's kallsyms (ELF and kdump-compressed alike)
if [ -s "$dir/kallsyms-truth.txt" ]; then
	for d in vmcore-phys.elf vmcore.kdump-flat; do
		[ -f "$dir/$d" ] || continue
		bad=0 n=0
		while read -r addr type name _; do
			case $type in t|T) ;; *) continue ;; esac
			# section markers share their address with a function
			case $name in _stext|_text) continue ;; esac
			n=$((n + 1))
			got=$("$CRASHTRIAGE" symbolize --map "$dir/$d" \
				"0x$(printf '%x' $((0x$addr + 1)))" 2>/dev/null)
			case $got in
			*" $name+0x1/"*) ;;
			*) bad=$((bad + 1)); echo "# $name: $got" ;;
			esac
		done <"$dir/kallsyms-truth.txt"
		[ $n -gt 0 ] && [ $bad = 0 ] &&
			ok "symbolize --map $d: $n guest text symbols named" ||
			not_ok "symbolize --map $d: $bad of $n wrong"
	done
fi

# kallsyms against the guest's /proc/kallsyms
if [ -s "$dir/kallsyms-truth.txt" ]; then
	for kind in paging phys; do
		"$CRASHTRIAGE" dmesg --kallsyms "$dir/vmcore-$kind.elf" \
			>"$WORK/ks-$kind.txt" 2>/dev/null
		bad=0
		n=0
		while read -r addr type name _; do
			n=$((n + 1))
			grep -qx "$addr $type $name" "$WORK/ks-$kind.txt" ||
				{ bad=$((bad + 1)); echo "# missing: $addr $type $name"; }
		done <"$dir/kallsyms-truth.txt"
		[ $n -gt 0 ] && [ $bad = 0 ] &&
			ok "$kind: kallsyms has the guest's $n truth symbols" ||
			not_ok "$kind: kallsyms has the guest's $n truth symbols"
	done
else
	echo "# no kallsyms-truth.txt"
fi

# Copies cut short: partial results, the loss stated, no crash.
cut_check() { # KIND BYTES WHAT EXPECT_TITLE
	local kind=$1 bytes=$2 what=$3 title=$4
	local c=$WORK/cut-$kind-$bytes
	head -c "$bytes" "$dir/vmcore-$kind.elf" >"$c"
	"$CRASHTRIAGE" analyze --json "$c" >"$c.json" 2>"$c.err"
	local rc=$?
	if [ $rc -ge 2 ]; then
		not_ok "$kind cut at $bytes ($what): analyze exits $rc"
		sed 's/^/# /' "$c.err" | head -5
	else
		ok "$kind cut at $bytes ($what): analyze exits $rc"
	fi
	"$CRASHTRIAGE" dmesg "$c" >"$c.dmesg" 2>"$c.derr"
	rc=$?
	[ $rc -le 1 ] && ok "$kind cut at $bytes: dmesg exits $rc" ||
		not_ok "$kind cut at $bytes: dmesg exits $rc"
	if [ "$title" = yes ]; then
		jq_check "$kind cut at $bytes: still the sysrq crash" "$c.json" \
			'.signature.frames[0] == "sysrq_handle_crash"'
	elif [ "$title" = vmcore ]; then
		jq_check "$kind cut at $bytes: a vmcore without a log, said so" \
			"$c.json" '.inputs[0].kinds == ["linux-vmcore"] and
			 ([.notes[] | select(test("no kernel log"))] | length == 1)'
	fi
	jq_check "$kind cut at $bytes: the loss is stated" "$c.json" \
		'[.notes[] | select(test("cut off|past the end"))] | length >= 1'
	rm -f "$c" "$c.json" "$c.dmesg"
}
cut_check phys 300 "in the program headers" no
cut_check phys 4096 "in the notes" vmcore
cut_check paging 4096 "in the program headers" vmcore
cut_check phys 8192 "just after the notes" vmcore
cut_check phys 67108864 "memory, before the kernel" vmcore
cut_check paging 150000000 "memory, after the log" yes
cut_check phys 150000000 "memory, after the log" yes

# A cut copy's dmesg says what it lacks on stderr.
head -c 4096 "$dir/vmcore-phys.elf" >"$WORK/cut"
"$CRASHTRIAGE" dmesg "$WORK/cut" >/dev/null 2>"$WORK/cut.err"
grep -q "cut off" "$WORK/cut.err" && ok "dmesg of a cut copy names the cut" ||
	not_ok "dmesg of a cut copy names the cut"
rm -f "$WORK/cut"

finish
