#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-batch.sh - `crashtriage batch` over a generated archive of N cases,
# next to the floor a user would otherwise script (tar -xzf + grep -r over
# the same archive), in the same run.
#
#   bench/bench-batch.sh [N] [JOBS...]     (default N=1000, JOBS="1 2")
#   CRASHTRIAGE=build/crashtriage PAD=2000 bench/bench-batch.sh 10000 1 2
#
# PAD (default 200) lines of ordinary log noise are added to every case, as
# real logs are mostly noise; PAD=2000 gives about 200 KB per case (the
# issue's 10,000 cases in ~2 GB).
#
# The archive (.tgz) holds N cases of mixed kinds made from the test corpus
# (Linux oopses, gdb backtraces, vmkernel logs, one vm-support-like bundle
# folder per 50 cases), each file made unique (host, counter) so that no
# two inputs are equal.  Prints cases/second, wall time and peak RSS
# (/usr/bin/time -v) for each -j, and the ratios to the floor.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000}
shift 2>/dev/null || true
JOBS=${*:-1 2}
PAD=${PAD:-200}
CT=${CRASHTRIAGE:-$src/crashtriage}
[ -x "$CT" ] || { echo "bench-batch: set CRASHTRIAGE to the built crashtriage" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-batch: needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-batch.XXXXXX")
trap 'rm -rf "$work"' EXIT
D=$src/tests/data

# ---- generate (bench/gen-cases.sh) ------------------------------------------
PAD=$PAD "$src/bench/gen-cases.sh" "$N" "$work/cases.tgz"
size=$(wc -c <"$work/cases.tgz")
raw=$(gzip -dc "$work/cases.tgz" | wc -c)
echo "archive: $N cases, $(awk -v s="$size" -v r="$raw" 'BEGIN { printf "%.1f MiB compressed, %.1f MiB of files", s / 1048576, r / 1048576 }')"

# ---- measure ------------------------------------------------------------------
# run LABEL COMMAND...: sets secs and rss (KiB)
run() {
	label=$1
	shift
	/usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
		st=$?
		# batch exits 3 when some case failed; anything else is an error
		[ "$label" != floor ] && [ $st -eq 3 ] || { cat "$work/err" >&2; exit 1; }
	}
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
}

mkdir -p "$work/x"
run floor sh -c "tar -xzf '$work/cases.tgz' -C '$work/x' && grep -rlE 'BUG:|Oops|general protection|PSOD|#PF|SIGSEGV|SIGABRT|Hang|MDD' '$work/x' | wc -l"
floor=$secs
floor_rss=$rss
printf '%-28s %8.2f s  %10.0f cases/s  peak RSS %7d KiB\n' "tar -xzf + grep -r" \
	"$floor" "$(awk -v n="$N" -v s="$floor" 'BEGIN { print (s > 0 ? n / s : 0) }')" "$floor_rss"
rm -rf "$work/x"

for j in $JOBS; do
	rm -f "$work/r.sqlite"*
	run batch "$CT" batch -q -j "$j" --db "$work/r.sqlite" "$work/cases.tgz"
	cases=$(sqlite3 "$work/r.sqlite" "SELECT count(*) FROM cases" 2>/dev/null || echo "$N")
	printf '%-28s %8.2f s  %10.0f cases/s  peak RSS %7d KiB  (%s cases, %.1fx the floor'"'"'s time)\n' \
		"crashtriage batch -j$j" "$secs" \
		"$(awk -v n="$cases" -v s="$secs" 'BEGIN { print (s > 0 ? n / s : 0) }')" "$rss" "$cases" \
		"$(awk -v a="$secs" -v b="$floor" 'BEGIN { print (b > 0 ? a / b : 0) }')"
	# the rerun reads nothing: it is the cost of listing and hashing
	run batch "$CT" batch -q -j "$j" --db "$work/r.sqlite" "$work/cases.tgz"
	printf '%-28s %8.2f s\n' "  rerun (nothing new)" "$secs"
done
