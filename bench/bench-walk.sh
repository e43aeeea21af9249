#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-walk.sh - elements per second walking a TAILQ and a list_head of N
# elements (default 1,000,000) through a user-space core with every link
# checked: "crashtriage walk" next to drgn (validate_list_for_each_entry
# for the list_head, the same validating loop in Python for the TAILQ:
# tqe_prev of each element and tqh_last checked) and a gdb Python loop on
# the same core in the same run, with the ratios.  Not a test: nothing
# fails on a slow machine.
#
#   bench/bench-walk.sh [N [RUNS]]     (default 1000000 elements, 3 runs)
#
# Needs a built tree: CRASHTRIAGE=path/to/crashtriage (default
# ./crashtriage); build it without sanitizers for figures worth quoting.
# Needs python3 (for the timer); drgn is python3-drgn (Debian), and
# DRGN_PYTHON names an interpreter that can import it (default:
# /usr/bin/python3, else python3).
#
# Times are CPU seconds (user + system), best of RUNS, so that other
# load on the machine counts less; the wall clock of the whole command is
# shown too.  "walk" is the walk alone: drgn and gdb time their own loop
# after the core and the debug info are loaded; for crashtriage it is the
# whole command less the same command stopped after one element (--max
# 1), which opens the core and the DWARF and resolves the root just the
# same.  "process" is the whole command, start to exit.
set -eu
n=${1:-1000000}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
ct=${CRASHTRIAGE:-./crashtriage}
tmp=${TMPDIR:-/tmp}/ct-bench-walk.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -g -O0 -o "$tmp/walk-big" "$here/tests/fixtures/walk-big.c"

. "$here/bench/bench-subr.sh"
bench_core "$tmp" walk-big "$n"
exe="$tmp/walk-big"
core="$tmp/core"

TQ="--root big_root --member tq"
LH="--root big_root --member lh --elem-type big_item --link node"

# drgn: the list_head through its own validating helper, the TAILQ
# through the loop a drgn user would write (drgn has no TAILQ helper)
cat >"$tmp/drgn-walk.py" <<'EOF'
import sys, time
import drgn
from drgn.helpers import ValidationError
from drgn.helpers.linux.list import validate_list_for_each_entry

# program_from_core_dump loads the debug info of the files the core names
# (the fixture is still where it ran), relocated.  drgn 0.0.22's "-s EXE"
# (load_debug_info([EXE]) on a Program()) would add EXE at its link-time
# addresses instead: big_root at 0x4038, a FaultError.
core, which = sys.argv[1:3]
prog = drgn.program_from_core_dump(core)
root = prog["big_root"]
t0 = time.process_time()
n = 0
if which == "list":
    for _ in validate_list_for_each_entry("struct big_item",
                                          root.lh.address_of_(), "node"):
        n += 1
else:
    head = root.tq
    link = head.tqh_first.address_
    e = head.tqh_first
    while e:
        ent = e.entries
        if ent.tqe_prev.value_() != link:
            raise ValidationError("element %d: tqe_prev is 0x%x, not 0x%x"
                                  % (n, ent.tqe_prev.value_(), link))
        link = ent.tqe_next.address_
        e = ent.tqe_next
        n += 1
    if head.tqh_last.value_() != link:
        raise ValidationError("tqh_last is 0x%x, not 0x%x"
                              % (head.tqh_last.value_(), link))
print("WALKED", n, time.process_time() - t0)
EOF

# gdb: the same two checks through gdb.Value
cat >"$tmp/gdb-walk.py" <<'EOF'
import time
import gdb

def walk(which):
    t0 = time.process_time()
    n = 0
    if which == "list":
        head = gdb.parse_and_eval("&big_root->lh")
        off = int(gdb.parse_and_eval("&((struct big_item *)0)->node"))
        hv = int(head)
        prev = hv
        p = head["next"]
        while int(p) != hv:
            if int(p["prev"]) != prev:
                raise gdb.GdbError("element %d: bad prev" % n)
            _elem = int(p) - off
            prev = int(p)
            p = p["next"]
            n += 1
        if int(head["prev"]) != prev:
            raise gdb.GdbError("head: bad prev")
    else:
        head = gdb.parse_and_eval("big_root->tq")
        link = int(head["tqh_first"].address)
        e = head["tqh_first"]
        while int(e) != 0:
            ent = e["entries"]
            if int(ent["tqe_prev"]) != link:
                raise gdb.GdbError("element %d: bad tqe_prev" % n)
            link = int(ent["tqe_next"].address)
            e = ent["tqe_next"]
            n += 1
        if int(head["tqh_last"]) != link:
            raise gdb.GdbError("bad tqh_last")
    print("WALKED", n, time.process_time() - t0)
EOF

# run.py OUT ERR CMD...: runs CMD and prints its CPU seconds (user +
# system, from wait4) and its wall-clock seconds
cat >"$tmp/run.py" <<'EOF'
import os, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], "w") as out, open(sys.argv[2], "w") as err:
    p = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, _, ru = os.wait4(p.pid, 0)
print(ru.ru_utime + ru.ru_stime, time.perf_counter() - t0)
EOF

min() { echo "$1 $2" | awk '{ print ($1 < $2 ? $1 : $2) }'; }
# time1 CMD...: sets t (CPU seconds) and tw (wall seconds) of CMD and
# leaves its output in $tmp/out, $tmp/err
time1() {
	set -- $(python3 "$tmp/run.py" "$tmp/out" "$tmp/err" "$@")
	t=$1 tw=$2
}

# ct_run ARGS...: crashtriage walk, best of $runs, and the count from --json
ct_run() {
	p=1e9 pw=1e9 s=1e9
	i=0
	while [ $i -lt "$runs" ]; do
		time1 "$ct" walk "$core" "$@"
		p=$(min "$t" "$p")
		pw=$(min "$tw" "$pw")
		time1 "$ct" walk "$core" --max 1 "$@"
		s=$(min "$t" "$s")
		i=$((i + 1))
	done
	"$ct" walk "$core" --json "$@" >"$tmp/ct.json" 2>/dev/null || true
	cnt=$(jq -r 'if .findings == [] then .count
		     else "\(.count) (\(.findings | length) findings)" end' \
		"$tmp/ct.json" 2>/dev/null || echo "?")
	w=$(echo "$p $s" | awk '{ d = $1 - $2; print (d > 0 ? d : $1) }')
}

# tool_run CMD...: CMD prints "WALKED COUNT CPU-SECONDS"; best of $runs
tool_run() {
	p=1e9 pw=1e9 w=1e9
	cnt="?"
	i=0
	while [ $i -lt "$runs" ]; do
		time1 "$@"
		p=$(min "$t" "$p")
		pw=$(min "$tw" "$pw")
		line=$(sed -n 's/^WALKED //p' "$tmp/out" | tail -1)
		if [ -z "$line" ]; then
			cnt="failed"
			sed 's/^/# /' "$tmp/err" | tail -3 >&2
			break
		fi
		cnt=${line% *}
		w=$(min "${line#* }" "$w")
		i=$((i + 1))
	done
}

# row NAME KEY: one line of the table from $cnt $w $p $pw; keeps the
# times as w_KEY, p_KEY for the ratios
row() {
	echo "$1|$cnt|$w|$p|$pw" | awk -F'|' -v n="$n" '{
		if ($3 + 0 >= 1e9 || $2 == "failed")
			printf "%-35s %12s\n", $1, "failed"
		else
			printf "%-35s %8s %7.3f %11.0f %7.3f %7.3f\n", $1, $2,
				$3, n / $3, $4, $5 }'
	eval "w_$2=\$w p_$2=\$p"
}

# ratio NAME W-OTHER W-CT P-OTHER P-CT: how many times as fast
ratio() {
	echo "$2 $3 $4 $5" | awk -v name="$1" '{
		if ($1 + 0 >= 1e9 || $3 + 0 >= 1e9) exit
		printf "%-35s walk %6.1fx   process %6.1fx\n", name,
			$1 / $2, $3 / $4 }'
}

py=${DRGN_PYTHON:-/usr/bin/python3}
"$py" -c 'import drgn' 2>/dev/null || py=python3
have_drgn=yes
"$py" -c 'import drgn' 2>/dev/null || have_drgn=no
have_gdb=yes
command -v gdb >/dev/null 2>&1 || have_gdb=no

size=$(stat -c %s "$core")
echo "core: $n-element TAILQ and list_head, $((size / 1048576)) MB;" \
	"best of $runs runs"
printf '%-35s %8s %7s %11s %15s\n' "" "elements" "walk" "elements/s" \
	"process"
printf '%-35s %8s %7s %11s %7s %7s\n' "" "" "CPU s" "" "CPU s" "wall s"
ct_run $TQ
row "crashtriage walk TAILQ" ct_tq
ct_run $LH
row "crashtriage walk list_head" ct_lh
if [ $have_drgn = yes ]; then
	tool_run "$py" "$tmp/drgn-walk.py" "$core" tailq
	row "drgn TAILQ loop (tqe_prev checked)" drgn_tq
	tool_run "$py" "$tmp/drgn-walk.py" "$core" list
	row "drgn validate_list_for_each_entry" drgn_lh
else
	echo "drgn: not installed (apt-get install python3-drgn)"
fi
if [ $have_gdb = yes ]; then
	tool_run gdb -nx -batch -ex "source $tmp/gdb-walk.py" \
		-ex 'python walk("tailq")' "$exe" "$core"
	row "gdb Python TAILQ loop" gdb_tq
	tool_run gdb -nx -batch -ex "source $tmp/gdb-walk.py" \
		-ex 'python walk("list")' "$exe" "$core"
	row "gdb Python list_head loop" gdb_lh
fi
if [ $have_drgn = yes ]; then
	ratio "crashtriage/drgn, TAILQ" "$w_drgn_tq" "$w_ct_tq" \
		"$p_drgn_tq" "$p_ct_tq"
	ratio "crashtriage/drgn, list_head" "$w_drgn_lh" "$w_ct_lh" \
		"$p_drgn_lh" "$p_ct_lh"
fi
if [ $have_gdb = yes ]; then
	ratio "crashtriage/gdb, TAILQ" "$w_gdb_tq" "$w_ct_tq" \
		"$p_gdb_tq" "$p_ct_tq"
	ratio "crashtriage/gdb, list_head" "$w_gdb_lh" "$w_ct_lh" \
		"$p_gdb_lh" "$p_ct_lh"
fi
