#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-scan.sh - how fast "crashtriage analyze" reads a large log, next to
# "grep -c" over the same file in the same run (the floor a user would
# otherwise reach for).  Not a test: nothing fails on a slow machine.
#
#   bench/bench-scan.sh [MEGABYTES]        (default 1024)
#
# Needs a built tree: CRASHTRIAGE=path/to/crashtriage (default ./crashtriage).
set -eu
mb=${1:-1024}
here=$(cd "$(dirname "$0")" && pwd)
ct=${CRASHTRIAGE:-./crashtriage}
tmp=${TMPDIR:-/tmp}/ct-bench.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/gen-log" "$here/gen-log.c"

now() { date +%s.%N; }
rate() { echo "$1 $2" | awk '{ printf "%.0f", $1 / ($2 > 0 ? $2 : 1e-9) }'; }

for kind in vmkernel linux; do
	f="$tmp/$kind.log"
	"$tmp/gen-log" "$kind" "$mb" >"$f"
	size=$(stat -c %s "$f")
	mbs=$(echo "$size" | awk '{ printf "%.1f", $1 / 1048576 }')
	cat "$f" >/dev/null # warm the page cache for both tools alike
	t0=$(now)
	"$ct" analyze --json "$f" >"$tmp/out.json"
	t1=$(now)
	grep -c -e '@BlueScreen' -e 'Call Trace' "$f" >/dev/null || true
	t2=$(now)
	ct_s=$(echo "$t0 $t1" | awk '{ print $2 - $1 }')
	grep_s=$(echo "$t1 $t2" | awk '{ print $2 - $1 }')
	if command -v jq >/dev/null 2>&1; then
		title=$(jq -r '.title // empty' "$tmp/out.json")
	else
		title=$(grep -o '"title":"[^"]*"' "$tmp/out.json" | head -1 | cut -d'"' -f4)
	fi
	printf '%-8s %8s MB  crashtriage %6.2f s (%s MB/s)  grep -c %6.2f s (%s MB/s)  ratio %.2f\n' \
		"$kind" "$mbs" "$ct_s" "$(rate "$mbs" "$ct_s")" "$grep_s" \
		"$(rate "$mbs" "$grep_s")" \
		"$(echo "$ct_s $grep_s" | awk '{ print $1 / ($2 > 0 ? $2 : 1e-9) }')"
	printf '         found: %s\n' "${title:-nothing}"
	rm -f "$f"
done
