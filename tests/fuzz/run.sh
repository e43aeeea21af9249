#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - build every libFuzzer target from a copy of the tracked source
# and run each for a while over a copy of its saved corpus ("make fuzz").
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [BUILD_DIR]   (60, build-fuzz)
#
# The copy lets an in-tree configured checkout build the fuzzers out of
# tree (autoconf refuses a second build of a configured source folder).
# New inputs that raise coverage land in BUILD_DIR/corpus/NAME (merge them
# into tests/fuzz/corpus/NAME by hand when they are worth keeping); a
# crash leaves crash-* files in BUILD_DIR/crashes/NAME and fails the run.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=${2:-build-fuzz}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/src"
mkdir -p "$out/src"
(cd "$src" && git ls-files -z | xargs -0 tar -cf -) | tar -xf - -C "$out/src"
"$out/src/tests/fuzz/build.sh" "$out/bin"
failed=0
for f in "$out"/bin/fuzz-*; do
	name=${f##*/fuzz-}
	corpus=$out/corpus/$name
	crashes=$out/crashes/$name
	mkdir -p "$corpus" "$crashes"
	[ -d "$src/tests/fuzz/corpus/$name" ] &&
		cp -n "$src/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null || true
	printf '  RUN      %-10s %ss\n' "$name" "$secs"
	if ! (cd "$crashes" && "$f" -max_total_time="$secs" \
		-print_final_stats=0 "$corpus" >"$crashes/log" 2>&1); then
		echo "FAIL: $name (see $crashes)"
		failed=1
	fi
done
exit $failed
