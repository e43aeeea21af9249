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
# Prints, per log kind and size: seconds (median of 3, CPU time of the
# process: user + system), MB/s, the ratio to each peer, the cost per MB
# (flat from 100 MB to 1 GB is the goal) and the peak anonymous memory
# (heap, not the mapped log).  Not a test: nothing fails on a slow machine.
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

# cpu_seconds CMD...: user + system seconds of CMD (stdout to $tmp/out)
cpu_seconds() {
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || true
	awk '{ print $1 + $2 }' "$tmp/time"
}
# median3 CMD...: the median of three runs' CPU seconds
median3() {
	for i in 1 2 3; do cpu_seconds "$@"; done | sort -n | sed -n 2p
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

printf '%-8s %6s %9s %8s %9s %9s %9s %9s %8s\n' kind MB ct_s ct_MB/s \
	rg_s ct/rg grep_s ct/grep heap_MB
for kind in vmkernel linux; do
	for mb in $sizes; do
		f="$tmp/$kind.log"
		"$tmp/gen-log" "$kind" "$mb" >"$f"
		size=$(stat -c %s "$f")
		mbs=$(echo "$size" | awk '{ printf "%.1f", $1 / 1048576 }')
		cat "$f" >/dev/null # the page cache warmed for every tool alike
		ct_s=$(median3 "$ct" analyze --json "$f")
		title=$(grep -o '"title":"[^"]*"' "$tmp/out" | head -1 | cut -d'"' -f4)
		rg_s=-
		[ -n "$have_rg" ] && rg_s=$(median3 rg -c -F -f "$tmp/lits" "$f")
		grep_s=$(median3 grep -c -F -f "$tmp/lits" "$f")
		heap=$(peak_anon "$ct" analyze --json "$f")
		printf '%-8s %6s %9s %8s %9s %9s %9s %9s %8s\n' "$kind" "$mbs" \
			"$ct_s" "$(echo "$mbs $ct_s" | awk '{ printf "%.0f", $1 / ($2 > 0 ? $2 : 1e-9) }')" \
			"$rg_s" "$([ "$rg_s" = - ] && echo - || ratio "$ct_s" "$rg_s")" \
			"$grep_s" "$(ratio "$ct_s" "$grep_s")" "$heap"
		printf '         %s MB: %.2f ms per MB; found: %s\n' "$mbs" \
			"$(echo "$ct_s $mbs" | awk '{ print 1000 * $1 / $2 }')" \
			"${title:-nothing}"
		rm -f "$f"
	done
done
