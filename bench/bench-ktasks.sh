#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-ktasks.sh - time to list a real kernel dump's tasks and unwind every
# stack: "crashtriage ps" + "crashtriage bt --all" with no debug package
# (BTF and ORC from the dump) next to the tools a triager would use
# instead, which need the kernel's DWARF (the -dbg package's vmlinux):
# drgn (for_each_task + prog.stack_trace(task) for every task, each frame
# named and printed as text, as bt prints it) and crash ("ps" + "foreach
# bt" in one batch session), in the same run, on the dump format all three
# read, with the task and frame counts each printed (so that a reader sees
# they did the same work) and the ratios.  Which of the QEMU dump's formats
# (paging ELF, physical-only ELF, kdump flattened and, through makedumpfile
# -R, plain kdump) each peer reads is probed and said.  Not a test: nothing
# fails on a slow machine.
#
#   bench/bench-ktasks.sh [--fetch-dbg] [RUNS [PEER_RUNS]]
#
# RUNS (default 20) for crashtriage, PEER_RUNS (default 3) for drgn and
# crash, which take seconds; the best of each.  Dumps come from
# tests/fixtures/make-vmcore.sh (cached).  Needs a built tree:
# CRASHTRIAGE=path/to/crashtriage (default ./crashtriage); build it without
# sanitizers for figures worth quoting.
#
# The debug vmlinux for the dump's kernel (KVER, the dump folder's name),
# first found of:
#   $CT_DBG_VMLINUX
#   /usr/lib/debug/boot/vmlinux-KVER     (linux-image-KVER-dbg installed)
#   $CT_DBG_DIR/KVER/vmlinux             (default /var/tmp/crashtriage-dbg:
#                                          unpacked here by an earlier run)
#   unpacked there from $CT_DBG_DEB, or from
#   $CT_DBG_DIR/linux-image-KVER-dbg_*.deb
#   downloaded there first with "apt-get download linux-image-KVER-dbg"
#   (283 MB for Debian 12's 6.1; removed once unpacked) only when
#   --fetch-dbg or CT_FETCH_DBG=1 asks: never otherwise, so never behind
#   a CI's back.
# Without it drgn and crash are not run, and the output says why.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/bench-subr.sh"
fetch=${CT_FETCH_DBG:-0}
if [ "${1:-}" = --fetch-dbg ]; then
	fetch=1
	shift
fi
runs=${1:-20}
peer_runs=${2:-3}
ct=${CRASHTRIAGE:-./crashtriage}
dir=$(bench_vmcore_dir)
kver=$(basename "$dir")
paging=$dir/vmcore-paging.elf
phys=$dir/vmcore-phys.elf
kdump=$dir/vmcore.kdump-flat
tmp=${TMPDIR:-/tmp}/ct-bench-ktasks.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cat "$paging" "$phys" "$kdump" >/dev/null	# warm the page cache

best() { bench_best "$runs" "$tmp/out" "$@"; }
peer_best() { bench_best "$peer_runs" "$tmp/out" "$@"; }
ms() { bench_ms "$1"; }
# "T tasks, F frames" in a bt-like listing: "PID:" headers, "#N" frames
# (crash right-aligns them: "#10 ["; drgn's inline frames are "~N")
counts() {
	t=$(grep -c '^PID:' "$1" || true)
	f=$(grep -Ec '^ *#[0-9]' "$1" || true)
	echo "$t tasks, $f frames"
}
ct_ps_bt() { "$ct" ps "$1" >/dev/null && "$ct" bt --all "$1"; }
row() { printf '%-38s %s\n' "$1" "$2"; }

echo "machine     $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores, $(date +%Y-%m-%d)"
row "dump (paging ELF)" "$paging"
"$ct" ps "$paging" >"$tmp/ct-ps.txt" 2>/dev/null || true
"$ct" bt --all "$paging" >"$tmp/ct-bt.txt" 2>/dev/null || true
ct_tasks=$(tail -n +2 "$tmp/ct-ps.txt" | wc -l)
ct_counts=$(counts "$tmp/ct-bt.txt")
row "crashtriage ps" "$(ms "$(best "$ct" ps "$paging")")  ($ct_tasks tasks, best of $runs)"
row "crashtriage bt --all" "$(ms "$(best "$ct" bt --all "$paging")")  ($ct_counts)"
t_ct=$(best ct_ps_bt "$paging")
row "crashtriage ps + bt --all" "$(ms "$t_ct")  (no debug package)"
row "crashtriage dmesg" "$(ms "$(best "$ct" dmesg "$paging")")  (for scale)"

# The formats, "name|path" a line: the three QEMU wrote, and the flattened
# kdump rearranged into a plain one (makedumpfile -R) as crash and drgn
# may want it; crashtriage's ps + bt --all timed on each (the ratios use
# the one each peer is timed on).
printf '%s\n' "paging ELF|$paging" "physical-only ELF|$phys" \
	"kdump flattened|$kdump" >"$tmp/formats"
if command -v makedumpfile >/dev/null &&
   makedumpfile -R "$tmp/vmcore.kdump" <"$kdump" >/dev/null 2>&1; then
	echo "kdump (makedumpfile -R)|$tmp/vmcore.kdump" >>"$tmp/formats"
fi
n=0
while IFS='|' read -r name path; do
	n=$((n + 1))
	if [ "$path" = "$paging" ]; then
		echo "$t_ct" >"$tmp/ct-time.$n"
	else
		best ct_ps_bt "$path" >"$tmp/ct-time.$n"
		row "  $name" "$(ms "$(cat "$tmp/ct-time.$n")")  (ps + bt --all)"
	fi
done <"$tmp/formats"

# ---- the debug vmlinux drgn and crash need ----
dbg_dir=${CT_DBG_DIR:-/var/tmp/crashtriage-dbg}
find_vmlinux() {
	for v in "${CT_DBG_VMLINUX:-}" "/usr/lib/debug/boot/vmlinux-$kver" \
		 "$dbg_dir/$kver/vmlinux"; do
		[ -n "$v" ] && [ -f "$v" ] && { echo "$v"; return 0; }
	done
	deb=${CT_DBG_DEB:-}
	fetched=
	if [ -z "$deb" ]; then
		for d in "$dbg_dir"/linux-image-"$kver"-dbg_*.deb; do
			[ -f "$d" ] && deb=$d
		done
	fi
	if [ -z "$deb" ] && [ "$fetch" = 1 ]; then
		mkdir -p "$dbg_dir"
		echo "fetching linux-image-$kver-dbg (apt-get download)" >&2
		(cd "$dbg_dir" && apt-get download "linux-image-$kver-dbg" >&2) ||
			return 1
		for d in "$dbg_dir"/linux-image-"$kver"-dbg_*.deb; do
			[ -f "$d" ] && deb=$d && fetched=$d
		done
	fi
	[ -n "$deb" ] && [ -f "$deb" ] || return 1
	echo "unpacking vmlinux-$kver from $deb" >&2
	mkdir -p "$dbg_dir/$kver"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/lib/debug/boot/vmlinux-$kver" \
			>"$dbg_dir/$kver/vmlinux.tmp" &&
		mv "$dbg_dir/$kver/vmlinux.tmp" "$dbg_dir/$kver/vmlinux" || return 1
	[ -z "$fetched" ] || rm -f "$fetched"	# the vmlinux is what is kept
	echo "$dbg_dir/$kver/vmlinux"
}
if ! vmlinux=$(find_vmlinux); then
	rm -f "$dbg_dir/$kver/vmlinux.tmp"
	row "drgn, crash" "not run: both need the kernel's DWARF, and no"
	row "" "vmlinux-$kver was found (install"
	row "" "linux-image-$kver-dbg, set CT_DBG_VMLINUX or"
	row "" "CT_DBG_DEB, or rerun with --fetch-dbg)"
	exit 0
fi
row "debug vmlinux (peers only)" "$vmlinux ($(($(wc -c <"$vmlinux") / 1000000)) MB)"

# probe PEER NAME: run the peer (peer_cmd PATH, output in $tmp/PEER.out) on
# every format; say which it reads; remember the first in $tmp/PEER.first
# ("n|name|path") with its output in $tmp/PEER-first.out.
probe() {
	n=0
	while IFS='|' read -r name path; do
		n=$((n + 1))
		if "$1"_cmd "$path" </dev/null >"$tmp/$1.out" 2>"$tmp/$1.err" &&
		   grep -q '^PID:' "$tmp/$1.out"; then
			row "$2 reads $name" "yes: $(counts "$tmp/$1.out")"
			if [ ! -f "$tmp/$1.first" ]; then
				echo "$n|$name|$path" >"$tmp/$1.first"
				cat "$tmp/$1.out" "$tmp/$1.err" >"$tmp/$1-first.out"
			fi
		else
			row "$2 reads $name" "no: $(cat "$tmp/$1.out" "$tmp/$1.err" | grep -v '^ *$' | grep -v '^  ' | tail -n1)"
		fi
	done <"$tmp/formats"
}
# ratio PEER SECONDS [CAVEAT]: crashtriage on the peer's format over the
# peer
ratio() {
	n=$(cut -d'|' -f1 "$tmp/$1.first")
	awk -v a="$(cat "$tmp/ct-time.$n")" -v b="$2" -v p="$1" \
		-v f="$(cut -d'|' -f2 "$tmp/$1.first")" -v c="${3:-}" 'BEGIN {
		printf "ratio %-32s crashtriage/%s = %.3f (%.0fx faster; %s%s)\n",
			"", p, a / b, b / a, f, c }'
}

# ---- drgn ----
t_drgn=
if command -v drgn >/dev/null; then
	cat >"$tmp/drgn.py" <<'PY'
# every task's stack, each frame named and printed like "crashtriage bt"
from drgn.helpers.linux.pid import for_each_task
out = []
for task in for_each_task(prog):
    out.append('PID: %d  TASK: %#x  COMMAND: "%s"' % (
        task.pid.value_(), task.value_(),
        task.comm.string_().decode(errors="replace")))
    try:
        trace = prog.stack_trace(task)
    except Exception as e:
        out.append(" (no stack: %s)" % e)
        continue
    for i, frame in enumerate(trace):
        try:
            sym = frame.symbol()
            where = "%s+%#x" % (sym.name, frame.pc - sym.address)
        except LookupError:
            where = "?"
        if frame.is_inline:
            out.append("  ~%-4d %#x %s (inline %s)" % (i, frame.pc, where,
                                                     frame.name))
        else:
            out.append(" #%-4d %#x %s" % (i, frame.pc, where))
print("\n".join(out))
PY
	echo pass >"$tmp/drgn-none.py"
	drgn_cmd() { drgn -q -c "$1" -s "$vmlinux" "$tmp/drgn.py"; }
	probe drgn "$(drgn --version 2>&1 | awk '{ print $1 " " $2; exit }')"
	if [ -f "$tmp/drgn.first" ]; then
		d=$(cut -d'|' -f3 "$tmp/drgn.first")
		t_drgn=$(peer_best drgn_cmd "$d")
		inl=$(grep -c '^  ~' "$tmp/drgn-first.out" || true)
		nost=$(grep -c '^ (no stack' "$tmp/drgn-first.out" || true)
		row "drgn tasks + stacks" "$(ms "$t_drgn")  ($(cut -d'|' -f2 "$tmp/drgn.first"), $(counts "$tmp/drgn-first.out") + $inl inline, $nost without a stack; best of $peer_runs)"
		row "drgn start-up alone" "$(ms "$(peer_best drgn -q -c "$d" -s "$vmlinux" "$tmp/drgn-none.py")")  (the vmlinux's DWARF indexed, an empty script)"
	else
		row "drgn" "reads none of these formats: not timed"
	fi
else
	row "drgn" "not installed (apt-get install python3-drgn)"
fi

# ---- crash ----
t_crash=
crash_less=
if command -v crash >/dev/null; then
	printf 'ps\nforeach bt\nexit\n' >"$tmp/crash.cmd"
	printf 'exit\n' >"$tmp/crash-none.cmd"
	crash_cmd() { crash -s "$vmlinux" "$1" -i "$tmp/crash.cmd"; }
	probe crash "$(crash --version 2>/dev/null | awk 'NF { print $1 " " $2; exit }')"
	if [ -f "$tmp/crash.first" ]; then
		d=$(cut -d'|' -f3 "$tmp/crash.first")
		t_crash=$(peer_best crash_cmd "$d")
		row "crash ps + foreach bt" "$(ms "$t_crash")  ($(cut -d'|' -f2 "$tmp/crash.first"), $(counts "$tmp/crash-first.out"); best of $peer_runs)"
		row "crash start-up alone" "$(ms "$(peer_best crash -s "$vmlinux" "$d" -i "$tmp/crash-none.cmd")")  (the vmlinux's symbols and types read, then exit)"
		crash_tasks=$(grep -c '^PID:' "$tmp/crash-first.out" || true)
		if [ "$crash_tasks" -lt "$ct_tasks" ]; then
			crash_less="; crash did less: $crash_tasks of $ct_tasks tasks"
			row "" "NOT the same work: crash found $crash_tasks of the $ct_tasks tasks"
			row "" "($(grep -m1 WARNING "$tmp/crash-first.out" || echo "and said nothing"))"
		fi
	else
		row "crash" "reads none of these formats: not timed"
	fi
else
	row "crash" "not installed (apt-get install crash)"
fi

[ -n "$t_drgn" ] && ratio drgn "$t_drgn"
[ -n "$t_crash" ] && ratio crash "$t_crash" "$crash_less"
exit 0
