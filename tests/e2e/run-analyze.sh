#!/bin/sh
# run-analyze.sh - the analyze command end to end: exit codes, JSON contract,
# and the seeds.
. "$top_srcdir/tests/e2e/test-subr.sh"

# --- exit codes and usage ---
"$CRASHTRIAGE" analyze >/dev/null 2>&1
[ $? -eq 2 ] && ok "no PATH is a usage error (2)" || not_ok "no PATH is a usage error (2)"
"$CRASHTRIAGE" analyze "$WORK/missing" >/dev/null 2>"$WORK/err"
[ $? -eq 1 ] && ok "missing file exits 1" || not_ok "missing file exits 1"
grep -q "missing" "$WORK/err" && ok "error names the file" || not_ok "error names the file"
printf 'hello\nworld\n' >"$WORK/plain.txt"
"$CRASHTRIAGE" analyze "$WORK/plain.txt" >/dev/null 2>"$WORK/err"
[ $? -eq 1 ] && ok "unrecognised file exits 1" || not_ok "unrecognised file exits 1"
grep -q "plain.txt.*not recognised" "$WORK/err" && ok "unrecognised file named" || not_ok "unrecognised file named"
"$CRASHTRIAGE" --version | grep -q '^crashtriage [0-9]' && ok "--version" || not_ok "--version"
"$CRASHTRIAGE" help analyze | grep -q -- '--json' && ok "help analyze" || not_ok "help analyze"
"$CRASHTRIAGE" nosuch >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown command exits 2" || not_ok "unknown command exits 2"

# --- the JSON contract on every seed ---
for s in "$SEEDS"/*.txt; do
	b=$(basename "$s")
	"$CRASHTRIAGE" analyze --json "$s" >"$WORK/$b.json" 2>/dev/null
	jq_check "$b: JSON has every contract key" "$WORK/$b.json" \
		'has("case") and has("inputs") and has("title") and has("signature") and has("facts") and has("backtraces") and has("events") and has("findings") and has("matches") and has("verdict")'
done

# --- seed 003: the FQDN PSOD gdb backtrace ---
f="$WORK/003_9f4b66f313771443.txt.json"
jq_check "seed 003 is a gdb backtrace" "$f" '.inputs[0].kinds | index("gdb-backtrace") != null'
jq_check "seed 003 has 26 frames" "$f" '[.backtraces[] | select(.crashing) | .frames[]] | length == 26'
jq_check "seed 003 crash frames" "$f" '.signature.frames[0:3] == ["memscan","strlen","pfa_get_counts"]'
jq_check "seed 003 title" "$f" '.title == "PSOD in memscan <- strlen <- pfa_get_counts"'
jq_check "seed 003 gate_entry is generic" "$f" '[.backtraces[0].frames[] | select(.function == "gate_entry")][0].generic'

# --- seed 001: the flattened dvfilter double free ---
f="$WORK/001_f33d63936764796f.txt.json"
jq_check "seed 001 flattened frames" "$f" '[.backtraces[0].frames[]] | length == 19'
jq_check "seed 001 crash frames" "$f" '.signature.frames == ["DLM_free","Heap_Free","vmk_HeapFree","VSIPFreeFromHeapWithoutAccounting","uma_zfree_arg"]'
jq_check "seed 001 frame 18 is VSIPDVFRestoreState" "$f" '.backtraces[0].frames[18].function == "VSIPDVFRestoreState"'

finish
