#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-shard.sh - the generated archive of N cases (bench/gen-cases.sh) as
# one batch vs SHARDS shards (run one after another here, as SHARDS
# machines would run them at once) merged: total CPU seconds (user + sys)
# of the batches, the longest shard's wall time (what SHARDS machines
# would wait), and the merge's wall and CPU time.
#
#   bench/bench-shard.sh [N] [SHARDS]       (default 10000 4; PAD as in
#                                             bench-batch.sh)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000}
SHARDS=${2:-4}
CT=${CRASHTRIAGE:-$src/crashtriage}
[ -x "$CT" ] || { echo "bench-shard: set CRASHTRIAGE to the built crashtriage" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-shard: needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$src/bench/gen-cases.sh" "$N" "$work/cases.tgz"
echo "archive: $N cases, $(($(wc -c <"$work/cases.tgz") / 1048576)) MiB compressed"

# timed LABEL COMMAND...: sets wall and cpu (seconds)
timed() {
	/usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
		[ $? -eq 3 ] || { cat "$work/err" >&2; exit 1; }
	wall=$(awk '{ print $1 }' "$work/time")
	cpu=$(awk '{ print $2 + $3 }' "$work/time")
}

timed "$CT" batch -q --db "$work/one.sqlite" "$work/cases.tgz"
printf '%-34s wall %7.2f s  CPU %7.2f s\n' "1 shard (one batch)" "$wall" "$cpu"
one_cpu=$cpu one_wall=$wall
total=0 longest=0 k=0
while [ $k -lt "$SHARDS" ]; do
	timed "$CT" batch -q --shard "$k/$SHARDS" --db "$work/s$k.sqlite" "$work/cases.tgz"
	printf '%-34s wall %7.2f s  CPU %7.2f s  (%s cases)\n' "  shard $k/$SHARDS" "$wall" "$cpu" \
		"$(sqlite3 "$work/s$k.sqlite" 'SELECT count(*) FROM cases' 2>/dev/null || echo ?)"
	total=$(awk -v a="$total" -v b="$cpu" 'BEGIN { print a + b }')
	longest=$(awk -v a="$longest" -v b="$wall" 'BEGIN { print (b > a ? b : a) }')
	k=$((k + 1))
done
timed "$CT" merge --db "$work/all.sqlite" "$work"/s*.sqlite
merge_wall=$wall merge_cpu=$cpu
printf '%-34s wall %7.2f s  CPU %7.2f s\n' "merge of $SHARDS shards" "$merge_wall" "$merge_cpu"
printf '%-34s CPU %7.2f s (%.2fx one batch); longest shard + merge %.2f s wall (%.2fx one batch)\n' \
	"$SHARDS shards merged, total" "$(awk -v a="$total" -v b="$merge_cpu" 'BEGIN { print a + b }')" \
	"$(awk -v a="$total" -v b="$merge_cpu" -v c="$one_cpu" 'BEGIN { print (c > 0 ? (a + b) / c : 0) }')" \
	"$(awk -v a="$longest" -v b="$merge_wall" 'BEGIN { print a + b }')" \
	"$(awk -v a="$longest" -v b="$merge_wall" -v c="$one_wall" 'BEGIN { print (c > 0 ? c / (a + b) : 0) }')"
