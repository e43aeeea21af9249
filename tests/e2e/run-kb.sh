#!/bin/sh
# SPDX-License-Identifier: MIT
# run-kb.sh - the knowledge base end to end: `kb check` on rules/kb (one TAP
# line per rule), build/list/show/search, --kb/--rules/$CRASHTRIAGE_KB in
# analyze, compiled and built-in rules agreeing, and refused inputs.
. "$top_srcdir/tests/e2e/test-subr.sh"

KB_DIR="$top_srcdir/rules/kb"
TEST_RULES="$DATA/rules"

# --- kb check on the shipped rules: one TAP line per rule ---
"$CRASHTRIAGE" kb check "$KB_DIR" >"$WORK/check.out" 2>&1
status=$?
while IFS= read -r line; do
	case $line in
	"ok   "*) ok "kb check: ${line#ok   }" ;;
	"FAIL "*) not_ok "kb check: ${line#FAIL }" ;;
	"       why "*) echo "# $line" ;;
	esac
done <"$WORK/check.out"
tail -1 "$WORK/check.out" | sed 's/^/# /'
[ $status -eq 0 ] && ok "kb check rules/kb exits 0" ||
	not_ok "kb check rules/kb exits 0"

# --- kb check on the test rules and on broken rules ---
check "kb check tests/data/rules" "$CRASHTRIAGE" kb check "$TEST_RULES"
mkdir "$WORK/bad"
cp "$TEST_RULES"/*.yaml "$WORK/bad/"
printf 'id: bad-one\ntitle: B\nproduct: p\nsignals:\n  - frames:\n      sequence: [a]\n    wieght: 0.7\n' \
	>"$WORK/bad/bad-one.yaml"
"$CRASHTRIAGE" kb check "$WORK/bad" >"$WORK/out" 2>&1
[ $? -eq 1 ] && ok "kb check with a bad rule exits 1" ||
	not_ok "kb check with a bad rule exits 1"
grep -q "bad-one.yaml:7:5: unknown key 'wieght' in signal (did you mean 'weight'?)" \
	"$WORK/out" && ok "bad rule named with file:line:column" ||
	not_ok "bad rule named with file:line:column"
grep -q "^ok   test-fqdn-frames" "$WORK/out" &&
	ok "good rules still checked next to a bad one" ||
	not_ok "good rules still checked next to a bad one"
# an example that does not match its own rule
sed 's/sequence: \[memscan, strlen/sequence: [nothere, strlen/; s/min: 3/min: 5/' \
	"$TEST_RULES/test-fqdn-frames.yaml" >"$WORK/bad/test-fqdn-frames.yaml"
rm "$WORK/bad/bad-one.yaml"
"$CRASHTRIAGE" kb check "$WORK/bad" >"$WORK/out" 2>&1
grep -q "FAIL test-fqdn-frames: example 1 does not match" "$WORK/out" &&
	ok "example that does not match is reported" ||
	not_ok "example that does not match is reported"

# --- kb build, list, show ---
check "kb build" "$CRASHTRIAGE" kb build -o "$WORK/kb.sqlite" "$KB_DIR"
head -c 15 "$WORK/kb.sqlite" | grep -q "SQLite format 3" &&
	ok "kb build writes SQLite" || not_ok "kb build writes SQLite"
"$CRASHTRIAGE" kb list >"$WORK/list.embedded"
"$CRASHTRIAGE" kb list --kb "$WORK/kb.sqlite" >"$WORK/list.sqlite"
"$CRASHTRIAGE" kb list --rules "$KB_DIR" >"$WORK/list.dir"
n=$(ls "$KB_DIR"/*.yaml 2>/dev/null | wc -l)
[ "$(wc -l <"$WORK/list.embedded")" -eq "$n" ] &&
	ok "kb list shows every built-in rule ($n)" ||
	not_ok "kb list shows every built-in rule ($n)"
cmp -s "$WORK/list.embedded" "$WORK/list.sqlite" &&
	ok "kb list: built-in and compiled agree" ||
	not_ok "kb list: built-in and compiled agree"
cmp -s "$WORK/list.embedded" "$WORK/list.dir" &&
	ok "kb list: built-in and folder agree" ||
	not_ok "kb list: built-in and folder agree"
"$CRASHTRIAGE" kb show --rules "$TEST_RULES" test-fqdn-frames >"$WORK/show"
grep -q "^fixed in    NSX 4.2.3.3 (4.2 line); NSX 9.0.2 (9.0 line)$" \
	"$WORK/show" && ok "kb show: fixed in every line" ||
	not_ok "kb show: fixed in every line"
grep -q "^signals     frames memscan > strlen > pfa_get_counts" "$WORK/show" &&
	ok "kb show: signals" || not_ok "kb show: signals"
"$CRASHTRIAGE" kb show --rules "$TEST_RULES" test-nofix-nic |
	grep -q "^fixed in    no fix; workaround only$" &&
	ok "kb show: no fix" || not_ok "kb show: no fix"
"$CRASHTRIAGE" kb show nosuch-rule >/dev/null 2>&1
[ $? -eq 1 ] && ok "kb show unknown id exits 1" ||
	not_ok "kb show unknown id exits 1"

# a build from broken rules writes nothing
printf 'id: x\n' >"$WORK/bad/x.yaml"
"$CRASHTRIAGE" kb build -o "$WORK/broken.sqlite" "$WORK/bad" >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$WORK/broken.sqlite" ] &&
	ok "kb build refuses broken rules" || not_ok "kb build refuses broken rules"
rm "$WORK/bad/x.yaml"

# --- kb search ---
"$CRASHTRIAGE" kb search --rules "$TEST_RULES" \
	'#2  pfa_get_counts (kif=0x************) at …/pf_attribute.c:****' \
	>"$WORK/search"
head -1 "$WORK/search" | grep -q "^ 1\. test-fqdn-frames " &&
	ok "kb search: a backtrace line" || not_ok "kb search: a backtrace line"
echo "2024-05-01T10:00:00.300Z cpu1:1000)DVFilter: Unconfigured filter nic-1-eth0-vmware-sfw.2" |
	"$CRASHTRIAGE" kb search --rules "$TEST_RULES" - >"$WORK/search"
head -1 "$WORK/search" | grep -q "^ 1\. test-double-restore " &&
	ok "kb search: a log line on stdin" || not_ok "kb search: a log line on stdin"
"$CRASHTRIAGE" kb search --kb "$WORK/kb.sqlite" memscan strlen pfa_get_counts \
	>"$WORK/search.sqlite"
"$CRASHTRIAGE" kb search memscan strlen pfa_get_counts >"$WORK/search.embedded"
cmp -s "$WORK/search.sqlite" "$WORK/search.embedded" &&
	ok "kb search: built-in and compiled agree" ||
	not_ok "kb search: built-in and compiled agree"
"$CRASHTRIAGE" kb search --rules "$TEST_RULES" zzqqxx >/dev/null 2>&1
[ $? -eq 1 ] && ok "kb search without hits exits 1" ||
	not_ok "kb search without hits exits 1"

# --- analyze with each source ---
ex="$WORK/fqdn.txt"
cat >"$ex" <<'EOF'
(gdb) bt
#0  memscan (c=0, si=0x************) at …/nsx_libc_memscan.h:****
#1  strlen (s=0x************) at …/nsx_libc_string.h:****
#2  pfa_get_counts (kif=0x************) at …/pf_attribute.c:****
#3  0x**************** in pfioctl (kif=0x************) at …/pf_ioctl.c:****
#4  0x**************** in VSIPConversionGetConnectionStat (kif=0x************) at …/msg2pf.c:****
EOF
"$CRASHTRIAGE" analyze --rules "$TEST_RULES" "$ex" >"$WORK/text"
grep -q "^verdict  KNOWN  test-fqdn-frames  Test: PSOD in memscan/strlen under pfa_get_counts  (score 0.70, version-unknown)$" \
	"$WORK/text" && ok "analyze: verdict line" || not_ok "analyze: verdict line"
grep -q "^  why    frames #0-#4 match in order: memscan strlen pfa_get_counts pfioctl VSIPConversionGetConnectionStat$" \
	"$WORK/text" && ok "analyze: why line" || not_ok "analyze: why line"
grep -q "^  fix    NSX 4.2.3.3 (4.2 line); NSX 9.0.2 (9.0 line)$" "$WORK/text" &&
	ok "analyze: fix line" || not_ok "analyze: fix line"
grep -q "^  until  Use L4 rules\.$" "$WORK/text" &&
	ok "analyze: until line" || not_ok "analyze: until line"
"$CRASHTRIAGE" kb build -o "$WORK/test.sqlite" "$TEST_RULES" >/dev/null
"$CRASHTRIAGE" analyze --json --rules "$TEST_RULES" "$ex" >"$WORK/a.json"
"$CRASHTRIAGE" analyze --json --kb "$WORK/test.sqlite" "$ex" >"$WORK/b.json"
CRASHTRIAGE_KB="$WORK/test.sqlite" "$CRASHTRIAGE" analyze --json "$ex" \
	>"$WORK/c.json"
jq_check "analyze --json: matches[0]" "$WORK/a.json" \
	'.matches[0].id == "test-fqdn-frames" and .verdict == "known" and .matches[0].fixed_in == "NSX 4.2.3.3 (4.2 line); NSX 9.0.2 (9.0 line)" and (.matches[0].why | length) == 2'
[ "$(jq -c .matches "$WORK/a.json")" = "$(jq -c .matches "$WORK/b.json")" ] &&
	ok "analyze: --rules and --kb FILE.sqlite agree" ||
	not_ok "analyze: --rules and --kb FILE.sqlite agree"
[ "$(jq -c .matches "$WORK/b.json")" = "$(jq -c .matches "$WORK/c.json")" ] &&
	ok "analyze: CRASHTRIAGE_KB selects the compiled KB" ||
	not_ok "analyze: CRASHTRIAGE_KB selects the compiled KB"
# built-in rules and the compiled rules/kb agree on every seed
for s in "$SEEDS"/*.txt; do
	[ -f "$s" ] || continue
	b=$(basename "$s")
	"$CRASHTRIAGE" analyze --json "$s" 2>/dev/null | jq -c .matches >"$WORK/e"
	"$CRASHTRIAGE" analyze --json --kb "$WORK/kb.sqlite" "$s" 2>/dev/null |
		jq -c .matches >"$WORK/s"
	cmp -s "$WORK/e" "$WORK/s" && ok "$b: built-in and compiled KB agree" ||
		not_ok "$b: built-in and compiled KB agree"
done
"$CRASHTRIAGE" analyze --kb "$WORK/nothere.sqlite" "$ex" >/dev/null 2>"$WORK/err"
[ $? -eq 1 ] && grep -q "nothere.sqlite" "$WORK/err" &&
	ok "analyze --kb missing file fails" || not_ok "analyze --kb missing file fails"
"$CRASHTRIAGE" analyze --kb "$ex" "$ex" >/dev/null 2>"$WORK/err"
[ $? -eq 1 ] && grep -q "neither a compiled knowledge base nor a folder" "$WORK/err" &&
	ok "analyze --kb on a text file fails" || not_ok "analyze --kb on a text file fails"

# --- schema versions (needs the sqlite3 command) ---
if command -v sqlite3 >/dev/null 2>&1; then
	cp "$WORK/test.sqlite" "$WORK/newer.sqlite"
	sqlite3 "$WORK/newer.sqlite" "UPDATE schema_version SET version = 99"
	"$CRASHTRIAGE" analyze --kb "$WORK/newer.sqlite" "$ex" >/dev/null 2>"$WORK/err"
	[ $? -eq 1 ] && grep -q "built by a newer crashtriage (schema 99" "$WORK/err" &&
		ok "a newer schema is refused" || not_ok "a newer schema is refused"
	sqlite3 "$WORK/other.sqlite" "CREATE TABLE t (x)"
	"$CRASHTRIAGE" kb list --kb "$WORK/other.sqlite" >/dev/null 2>"$WORK/err"
	[ $? -eq 1 ] && grep -q "not a crashtriage knowledge base" "$WORK/err" &&
		ok "a foreign SQLite file is refused" ||
		not_ok "a foreign SQLite file is refused"
	[ "$(sqlite3 "$WORK/kb.sqlite" "SELECT version FROM schema_version")" = 4 ] &&
		ok "schema_version table says 4" || not_ok "schema_version table says 4"
else
	echo "# sqlite3 command not found: schema checks skipped"
fi

# --- usage ---
"$CRASHTRIAGE" kb >/dev/null 2>&1
[ $? -eq 2 ] && ok "kb without subcommand exits 2" ||
	not_ok "kb without subcommand exits 2"
"$CRASHTRIAGE" kb frob >/dev/null 2>&1
[ $? -eq 2 ] && ok "kb unknown subcommand exits 2" ||
	not_ok "kb unknown subcommand exits 2"
"$CRASHTRIAGE" kb show >/dev/null 2>&1
[ $? -eq 2 ] && ok "kb show without ID exits 2" || not_ok "kb show without ID exits 2"
"$CRASHTRIAGE" help kb | grep -q "kb search" && ok "help kb" || not_ok "help kb"

finish
