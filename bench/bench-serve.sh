#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-serve.sh - `crashtriage serve` over a database of N generated cases
# (bench/gen-cases.sh, classified by `crashtriage batch`): milliseconds per
# page for each page kind (the median of R sequential requests with curl,
# which costs ~1-3 ms of its own: the floor, measured on /api/nope's 404),
# then requests per second with C concurrent clients on the case list.
#
#   bench/bench-serve.sh [N] [R] [C]      (default N=2000, R=20, C=20)
#
# The issue's target: every page of a 100k-case database under 100 ms.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-2000}
R=${2:-20}
C=${3:-20}
CT=${CRASHTRIAGE:-$src/crashtriage}
[ -x "$CT" ] || { echo "bench-serve: set CRASHTRIAGE to the built crashtriage" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-serve.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill $pid; rm -rf "$work"' EXIT
PAD=${PAD:-20} "$src/bench/gen-cases.sh" "$N" "$work/cases.tgz"
t0=$(date +%s.%N)
"$CT" batch -q -j 2 --db "$work/r.sqlite" "$work/cases.tgz" >/dev/null 2>&1 || true
t1=$(date +%s.%N)
cases=$(sqlite3 "$work/r.sqlite" 'SELECT count(*) FROM cases')
echo "database: $cases cases, $(du -k "$work/r.sqlite" | cut -f1) KiB (batch $(echo "$t1 - $t0" | bc) s)"
"$CT" serve --db "$work/r.sqlite" --listen 127.0.0.1:0 >"$work/out" 2>&1 &
pid=$!
port=
while [ -z "$port" ]; do
	sleep 0.1
	port=$(sed -n 's#^listening on http://127.0.0.1:\([0-9]*\)/$#\1#p' "$work/out")
done
base=http://127.0.0.1:$port
case_id=$(curl -s "$base/api/cases" | jq -r '.rows[0].id')
rule=$(curl -s "$base/api/issues" | jq -r '.rows[0].rule_id')
cluster=$(curl -s "$base/api/clusters" | jq -r '.rows[0].cluster')
printf '%-28s %10s %8s\n' page "ms median" bytes
for u in /api/nope / /issues "/issue/$rule" /clusters "/cluster/$cluster" \
	 /cases '/cases?page=20' "/case/$case_id" /failed /api/cases \
	 "/api/case/$case_id"; do
	for _ in $(seq "$R"); do
		curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$base$u"
	done | sort -n | awk -v u="$u" '{ t[NR] = $1; b = $2 }
		END { printf "%-28s %10.1f %8d\n", u, t[int((NR + 1) / 2)] * 1000, b }'
done
cat > "$work/load.sh" <<EOS
end=\$((\$(date +%s) + 3))
while [ \$(date +%s) -lt \$end ]; do
	curl -s -o /dev/null -w '%{http_code}\n' "$base/cases"
done
EOS
t0=$(date +%s.%N)
seq "$C" | xargs -P "$C" -I{} sh "$work/load.sh" > "$work/load.out"
t1=$(date +%s.%N)
n=$(wc -l < "$work/load.out")
bad=$(grep -vc '^200$' "$work/load.out" || true)
echo "load: $C clients, $n requests of /cases in $(echo "$t1 - $t0" | bc) s, $bad failed, $(echo "$n / ($t1 - $t0)" | bc) requests/s (curl processes share the 2 cores)"
