#!/bin/sh
# SPDX-License-Identifier: MIT
# run-seen.sh - when a cluster was first and last seen, and the report's
# cases-per-day chart, come from the crash time in the evidence (a dump's
# crash time, else the latest event with a date and time), and from the
# storage time only when the evidence has none; the report says which.
. "$top_srcdir/tests/e2e/test-subr.sh"

mkdir -p "$WORK/in" "$WORK/norules"
# with no rules every crash is unknown, so clustered
for i in 1 2; do
	{ echo "# copy $i"; cat "$DATA/vmkernel/esxi65_mdd_then_psod_rbp.log"; } >"$WORK/in/esx$i.log"
	{ echo "# copy $i"; cat "$DATA/gdb/segv_core_userspace.txt"; } >"$WORK/in/gdb$i.txt"
done
"$CRASHTRIAGE" batch -q --rules "$WORK/norules" --db "$WORK/r.sqlite" "$WORK/in"/* >/dev/null 2>&1
"$CRASHTRIAGE" report --db "$WORK/r.sqlite" >"$WORK/report.txt" 2>&1
check "a cluster of logs with dated events: first and last seen from the evidence" \
	grep -q "2 cases, first 2019-02-08 22:03:41, last 2019-02-08 22:03:41 (crash times in the evidence)" "$WORK/report.txt"
today=$(date -u +%Y-%m-%d)
check "a cluster of undated backtraces: storage time, said so" \
	grep -q "2 cases, first $today .*(storage times: no time in the evidence)" "$WORK/report.txt"
"$CRASHTRIAGE" report --db "$WORK/r.sqlite" --html "$WORK/r.html" >/dev/null 2>&1
check "the HTML chart counts cases per day of the crash" \
	sh -c "grep -q 'Cases per day of the crash' '$WORK/r.html' && grep -q '2019-02-08' '$WORK/r.html'"
finish
