#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-scan.sh - how fast "crashtriage analyze --json" reads a large log,
# next to ripgrep and GNU grep given the same literals in the same run:
# the event catalogue's (analyzer/data/events.txt) and the extractors'
# markers (CT_VMKERNEL_MARKERS and CT_LINUX_MARKERS in
# analyzer/multiscan.h), the strings crashtriage's scans look for.  The
# peers count matching lines (-c), so they read the whole file as
# crashtriage does (grep writing to /dev/null would stop at its first
# match).
#
#   bench/bench-scan.sh [MEGABYTES...]       (default: 100 1024)
#
# Prints, per log kind and size, medians of 3: crashtriage's CPU seconds
# (user + system), MB/s per core, its wall seconds (a log of 4 MiB or
# more is scanned ahead on a second thread, so wall < CPU on two cores),
# rg's CPU and wall seconds (rg reads one file on one thread), the ratios
# ct/rg of CPU and of wall time, GNU grep's CPU seconds and ct/grep, the
# cost per MB (flat from 100 MB to 1 GB is the goal) and the peak
# anonymous memory (heap, not the mapped log).  Not a test: nothing fails
# on a slow machine.
# Needs a built tree: CRASHTRIAGE=path/to/crashtriage (default ./crashtriage).
set -eu
sizes=${*:-100 1024}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
ct=${CRASHTRIAGE:-./crashtriage}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-scan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/gen-log" "$here/gen-log.c"

# the literals crashtriage scans for
sed -n 's/^literal[ 	]*//p' "$src/analyzer/data/events.txt" >"$tmp/lits"
for m in CT_VMKERNEL_MARKERS CT_LINUX_MARKERS; do
	sed -n "/define $m/,/}/p" "$src/analyzer/multiscan.h" |
		grep -o '"[^"]*"' | tr -d '"' >>"$tmp/lits"
done
sort -u -o "$tmp/lits" "$tmp/lits"
echo "patterns: $(wc -l <"$tmp/lits") literals (the catalogue's and the markers'), each tool given all of them"
have_rg=$(command -v rg || true)
[ -n "$have_rg" ] || echo "(ripgrep not installed: apt-get install ripgrep)"

# run_times CMD...: "CPU wall" seconds of CMD, CPU = user + system (stdout
# to $tmp/out)
run_times() {
	t0=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || true
	t1=$(date +%s.%N)
	# wall time to the millisecond (time's %e has hundredths)
	awk -v w="$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')" \
		'{ print $1 + $2, w }' "$tmp/time"
}
# median3 CMD...: "CPU wall", each the median of three runs
median3() {
	for i in 1 2 3; do run_times "$@"; done >"$tmp/runs"
	echo "$(cut -d' ' -f1 "$tmp/runs" | sort -n | sed -n 2p)" \
		"$(cut -d' ' -f2 "$tmp/runs" | sort -n | sed -n 2p)"
}
# peak_anon CMD...: the largest RssAnon seen while CMD runs, in MB
peak_anon() {
	"$@" >/dev/null 2>&1 &
	pid=$!
	peak=0
	while kill -0 "$pid" 2>/dev/null; do
		a=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${a:-0}" -gt "$peak" ] && peak=$a
		sleep 0.02
	done
	wait "$pid" || true
	echo "$peak" | awk '{ printf "%.1f", $1 / 1024 }'
}
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / ($2 > 0 ? $2 : 1e-9) }'; }

printf '%-8s %6s %7s %9s %7s %7s %7s %15s %7s %7s %7s\n' kind MB ct_cpu \
	MB/s/core ct_wall rg_cpu rg_wall ct/rg:cpu/wall grep_s ct/grep heap_MB
for kind in vmkernel linux; do
	for mb in $sizes; do
		f="$tmp/$kind.log"
		"$tmp/gen-log" "$kind" "$mb" >"$f"
		size=$(stat -c %s "$f")
		mbs=$(echo "$size" | awk '{ printf "%.1f", $1 / 1048576 }')
		cat "$f" >/dev/null # the page cache warmed for every tool alike
		set -- $(median3 "$ct" analyze --json "$f")
		ct_cpu=$1 ct_wall=$2
		title=$(grep -o '"title":"[^"]*"' "$tmp/out" | head -1 | cut -d'"' -f4)
		rg_cpu=- rg_wall=- rg_ratio=-
		if [ -n "$have_rg" ]; then
			set -- $(median3 rg -c -F -f "$tmp/lits" "$f")
			rg_cpu=$1 rg_wall=$2
			rg_ratio="$(ratio "$ct_cpu" "$rg_cpu")/$(ratio "$ct_wall" "$rg_wall")"
		fi
		set -- $(median3 grep -c -F -f "$tmp/lits" "$f")
		grep_s=$1
		heap=$(peak_anon "$ct" analyze --json "$f")
		printf '%-8s %6s %7s %9s %7s %7s %7s %15s %7s %7s %7s\n' "$kind" \
			"$mbs" "$ct_cpu" \
			"$(echo "$mbs $ct_cpu" | awk '{ printf "%.0f", $1 / ($2 > 0 ? $2 : 1e-9) }')" \
			"$ct_wall" "$rg_cpu" "$rg_wall" "$rg_ratio" \
			"$grep_s" "$(ratio "$ct_cpu" "$grep_s")" "$heap"
		printf '         %s MB: %.2f ms of CPU per MB; found: %s\n' "$mbs" \
			"$(echo "$ct_cpu $mbs" | awk '{ print 1000 * $1 / $2 }')" \
			"${title:-nothing}"
		rm -f "$f"
	done
done
