#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-startup.sh - how long "crashtriage --version" takes to start and
# exit, next to vmcore-dmesg (a small C tool a user runs on a dump) and
# /bin/true, in the same run: the cost of the shared libraries the
# command maps at start (libarchive and libkdumpfile are loaded only when
# an archive or a compressed page needs them).  Not a test.
#
#   bench/bench-startup.sh [RUNS]          (default 500)
#
# Needs a built tree: CRASHTRIAGE=path/to/crashtriage (default ./crashtriage).
set -eu
runs=${1:-500}
ct=${CRASHTRIAGE:-./crashtriage}
peer=$(command -v vmcore-dmesg || true)

now() { date +%s.%N; }
# mean milliseconds of RUNS starts of "$@"
time_runs() {
	t0=$(now)
	i=0
	while [ $i -lt "$runs" ]; do
		"$@" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
	t1=$(now)
	echo "$t0 $t1 $runs" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $3 }'
}

echo "shared libraries mapped at start: $(ldd "$ct" | wc -l)"
ct_ms=$(time_runs "$ct" --version)
true_ms=$(time_runs /bin/true)
if [ -n "$peer" ]; then
	peer_ms=$(time_runs "$peer" --help)
	echo "$ct_ms $peer_ms $true_ms" | awk '{ printf "crashtriage --version %s ms  vmcore-dmesg --help %s ms  true %s ms  ratio %.2f\n", $1, $2, $3, $1 / $2 }'
else
	echo "crashtriage --version $ct_ms ms  true $true_ms ms  (vmcore-dmesg not installed: apt-get install makedumpfile)"
fi
