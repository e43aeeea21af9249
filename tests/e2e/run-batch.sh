#!/bin/sh
# SPDX-License-Identifier: MIT
# run-batch.sh - `crashtriage batch` and `report` end to end: archives built
# here from the corpus (zip, tar, tgz, tar.xz, a tgz nested in a tar, a
# vm-support-like and a sosreport-like bundle, on disk and packed), every
# case's verdict checked in the database with sqlite3, reruns that add
# nothing, a corrupt archive as a failed case, --rematch, the reports, and
# a batch killed with SIGKILL whose rerun gives the same database as a run
# that was never interrupted.
. "$top_srcdir/tests/e2e/test-subr.sh"

command -v sqlite3 >/dev/null || skip_all "no sqlite3"
command -v zip >/dev/null || skip_all "no zip"
command -v xz >/dev/null || skip_all "no xz"

IN=$WORK/in
DB=$WORK/results.sqlite
mkdir -p "$IN" "$WORK/build"
q() { sqlite3 -batch -noheader "$DB" "$@"; }

# --- inputs ---------------------------------------------------------------
# (an archive's top-level files are a case each, a top-level folder that
# holds no bundle or archive is one case: analyzer/source.h's rule, so
# archives of separate crashes here keep their files at the top)
# variations (known answers in .expect sidecars) as one zip
(cd "$DATA" && find variations -name '*.txt' | sort | zip -q -j "$IN/variations.zip" -@)
# the seeds as a plain tar
(cd "$DATA/seeds" && find . -maxdepth 1 -type f | sed 's,^\./,,' | sort |
	tar -cf "$IN/seeds.tar" -T -)
# corpus logs and backtraces as a tgz
(cd "$DATA" && find gdb linux vmkernel -type f ! -name '*.expect' | sort |
	tar -czf "$IN/corpus.tgz" --transform 's,.*/,,' -T -)
# a tgz inside a tar, next to a loose file
mkdir -p "$WORK/build/inner"
cp "$DATA/linux/linux515_soft_lockup.log" "$DATA/gdb/seed003_bt.txt" \
	"$WORK/build/inner/"
tar -czf "$WORK/build/inner.tgz" -C "$WORK/build" inner
cp "$DATA/linux/linux61_kasan_uaf.log" "$WORK/build/loose-kasan.log"
tar -cf "$IN/nested.tar" -C "$WORK/build" inner.tgz loose-kasan.log
# a vm-support-like bundle: version facts, a vmkernel log with the i40en
# MDD, an older rotated log compressed (vmkernel.0.gz)
V=$WORK/build/esx-host1.example.com-2026-01-02--03.04-12345
mkdir -p "$V/commands" "$V/var/run/log" "$V/etc/vmware/vm-support"
cp "$DATA/facts/vmware-vl.txt" "$V/commands/vmware_-vl.txt"
cp "$DATA/facts/uname-a_esxi.txt" "$V/commands/uname_-a.txt"
cp "$DATA/variations/esxi-i40en-mdd/esxi65-vib-i40en-1.5.8-affected.txt" \
	"$V/var/run/log/vmkernel.log"
gzip -c "$DATA/vmkernel/esxi60_psod_vmkdrv_rbp.log" >"$V/var/run/log/vmkernel.0.gz"
echo "manifest" >"$V/etc/vmware/vm-support/base.mfx"
tar -czf "$IN/esx-host1-vmsupport.tgz" -C "$WORK/build" "$(basename "$V")"
# the same host's bundle with its vmkernel.log split in vm-support's
# NAME.FRAG-NNNNN pieces, cut in the middle of a line
V2=$WORK/build/frag/esx-host2.example.com-2026-01-02--03.04-12345
mkdir -p "$V2"
cp -r "$V/commands" "$V/etc" "$V2/"
mkdir -p "$V2/var/run/log"
log=$V/var/run/log/vmkernel.log
half=$(($(wc -c <"$log") / 2 + 7))
head -c $half "$log" >"$V2/var/run/log/vmkernel.log.FRAG-00000"
tail -c +$((half + 1)) "$log" >"$V2/var/run/log/vmkernel.log.FRAG-00001"
tar -czf "$IN/esx-host2-frag.tgz" -C "$WORK/build/frag" "$(basename "$V2")"
# a sosreport-like bundle as .tar.xz: the e1000e hang seed and ethtool -k
S=$WORK/build/sosreport-host2-2026-01-02-abcdefg
mkdir -p "$S/sos_commands/kernel" "$S/sos_commands/networking" "$S/var/log"
cp "$DATA/facts/uname-a_debian.txt" "$S/sos_commands/kernel/uname_-a"
cp "$DATA/facts/ethtool-k_eno1_e1000e.txt" \
	"$S/sos_commands/networking/ethtool_-k_eno1"
cp "$SEEDS/002_942c7e61156a7fc7.txt" "$S/var/log/messages"
echo "sosreport: 4.5.6" >"$S/version.txt"
tar -cJf "$IN/sosreport-host2.tar.xz" -C "$WORK/build" "$(basename "$S")"
# the same vm-support bundle unpacked on disk: a folder is one input too
mkdir -p "$IN/unpacked"
cp -r "$V" "$IN/unpacked/"
# a corrupt archive: a tgz cut in the middle of its stream
(cd "$DATA" && find vmkernel linux -type f | sort |
	tar -czf "$WORK/build/big.tgz" --transform 's,.*/,,' -T -)
size=$(wc -c <"$WORK/build/big.tgz")
head -c $((size / 2)) "$WORK/build/big.tgz" >"$IN/corrupt.tgz"
# a hostile string that every report must show as text
printf '<script>alert("x")</script> & "quotes"\n' >"$IN/hostile<script>.txt"

# --- first run ------------------------------------------------------------
"$CRASHTRIAGE" batch --db "$DB" "$IN" >"$WORK/run1.out" 2>"$WORK/run1.err"
status=$?
[ $status -eq 3 ] && ok "batch with a corrupt input exits 3" ||
	{ not_ok "batch with a corrupt input exits 3 (got $status)"; sed 's/^/# /' "$WORK/run1.err" | head; }
# ("failed" is always printed: the count must be the database's, not 0)
nfail=$(sed -n 's/^inputs: .*; cases: [0-9]* stored, \([0-9]*\) failed.*/\1/p' "$WORK/run1.out")
dbfail=$(q "SELECT count(*) FROM cases WHERE status = 'failed'")
[ -n "$nfail" ] && [ "$nfail" -ge 1 ] && [ "$nfail" = "$dbfail" ] &&
	ok "summary line counts failures ($nfail, as stored)" ||
	{ not_ok "summary line counts failures (said '$nfail', stored $dbfail)"; sed 's/^/# /' "$WORK/run1.out"; }
[ ! -s "$WORK/run1.err" ] && ok "no progress output when stderr is no terminal" ||
	not_ok "no progress output when stderr is no terminal"

# every variation: best match and verdict as its .expect says
for expect in "$DATA"/variations/*/*.expect; do
	input=${expect%.expect}
	rel=variations/$(basename "$(dirname "$input")")/$(basename "$input")
	rule=$(sed -n 's/^match: *//p' "$expect" | head -1)
	verdict=$(sed -n 's/^verdict: *//p' "$expect" | head -1)
	got=$(q "SELECT c.status || ' ' || coalesce(m.rule_id, '-') || ' ' ||
		coalesce(m.verdict, '-') FROM cases c
		LEFT JOIN matches m ON m.case_id = c.id AND m.ord = 0
		WHERE c.name LIKE '%variations.zip!$(basename "$input")'")
	if [ "${rule:-none}" = none ]; then
		case $got in
		known*) not_ok "$rel: no known issue (got $got)" ;;
		"") not_ok "$rel: stored" ;;
		*) ok "$rel: no known issue" ;;
		esac
	else
		[ "$got" = "known $rule ${verdict:--}" ] ||
		{ [ -z "$verdict" ] && [ "${got% *}" = "known $rule" ]; } &&
			ok "$rel: known as $rule ${verdict}" ||
			not_ok "$rel: known as $rule $verdict (got '$got')"
	fi
done

# the seeds, read from a tar
for pair in 000:esxi-i40en-mdd 001:esxi-nsx-dvfilter-double-restore \
	    002:linux-e1000e-tx-hang 003:esxi-nsx-fqdn-domain-list; do
	n=${pair%%:*} rule=${pair#*:}
	got=$(q "SELECT c.status || ' ' || m.rule_id FROM cases c JOIN matches m
		ON m.case_id = c.id AND m.ord = 0 WHERE c.name LIKE
		'%seeds.tar!${n}_%'")
	[ "$got" = "known $rule" ] && ok "seed $n from tar: $rule" ||
		not_ok "seed $n from tar: $rule (got '$got')"
done

# loose files in a tgz: same signature as `crashtriage analyze` gives
# (both empty agrees only where the .expect lists no crash frames: a file
# with a crash must be signed, so two empty answers cannot pass for it)
mismatch=0 count=0 signed=0
for f in $(cd "$DATA" && find gdb linux vmkernel -type f ! -name '*.expect' | sort); do
	want=$("$CRASHTRIAGE" analyze --json "$DATA/$f" 2>/dev/null | jq -r '.signature.hash // ""')
	got=$(q "SELECT coalesce(s.hash, '') FROM cases c LEFT JOIN signatures s
		ON s.case_id = c.id WHERE c.name LIKE '%corpus.tgz!$(basename "$f")'")
	count=$((count + 1))
	[ -n "$want" ] && signed=$((signed + 1))
	if [ "$want" != "$got" ]; then
		mismatch=$((mismatch + 1)); echo "# $f: want '$want' got '$got'"
	elif [ -z "$want" ] && grep -q '^crash_frames:' "$DATA/$f.expect" 2>/dev/null; then
		mismatch=$((mismatch + 1)); echo "# $f: has crash frames, but no signature either way"
	fi
done
[ $count -gt 30 ] && [ $signed -gt 30 ] && [ $mismatch -eq 0 ] &&
	ok "$count corpus files from a tgz sign as analyze does ($signed signed)" ||
	not_ok "$count corpus files from a tgz sign as analyze does ($mismatch differ, $signed signed)"

# nested archive
got=$(q "SELECT count(*) || ' ' || (SELECT count(*) FROM case_inputs ci JOIN cases c ON c.id = ci.case_id WHERE c.name LIKE '%nested.tar!inner.tgz!inner/') FROM cases WHERE name LIKE '%nested.tar!inner.tgz!inner%' AND status IN ('known', 'unknown')")
[ "$got" = "1 2" ] && ok "tgz nested in a tar: its top folder inner/ is one case of 2 files" ||
	not_ok "tgz nested in a tar: its top folder inner/ is one case of 2 files (got $got)"
got=$(q "SELECT status FROM cases WHERE name LIKE '%nested.tar!loose-kasan.log'")
[ "$got" = unknown ] && ok "loose file next to a nested archive" ||
	not_ok "loose file next to a nested archive (got $got)"

# vm-support: one case, packed and unpacked, with the .gz read
for where in "esx-host1-vmsupport.tgz!" "unpacked/"; do
	got=$(q "SELECT c.bundle || ' ' || c.status || ' ' || m.rule_id || ' ' ||
		(SELECT count(*) FROM case_inputs WHERE case_id = c.id)
		FROM cases c JOIN matches m ON m.case_id = c.id AND m.ord = 0
		WHERE c.name LIKE '%${where}esx-host1.example.com-%'")
	[ "$got" = "vm-support known esxi-i40en-mdd 5" ] &&
		ok "vm-support bundle ($where) is one known case of 5 files" ||
		not_ok "vm-support bundle ($where) is one known case (got '$got')"
done
got=$(q "SELECT c.status || ' ' || m.rule_id || ' ' || group_concat(ci.path, ' ')
	FROM cases c JOIN matches m ON m.case_id = c.id AND m.ord = 0
	JOIN case_inputs ci ON ci.case_id = c.id
	WHERE c.name LIKE '%esx-host2-frag.tgz!%' AND ci.path LIKE '%vmkernel%'")
case $got in
"known esxi-i40en-mdd "*/var/run/log/vmkernel.log) ok "FRAG pieces joined into one vmkernel.log" ;;
*) not_ok "FRAG pieces joined into one vmkernel.log (got '$got')" ;;
esac
got=$(q "SELECT count(*) FROM cases WHERE name LIKE '%esx-host1.example.com-%'")
[ "$got" = 2 ] && ok "no loose cases from bundle files" || not_ok "no loose cases from bundle files (got $got)"
got=$(q "SELECT kinds FROM case_inputs WHERE path LIKE '%vmsupport.tgz!%/var/run/log/vmkernel.0'")
[ "$got" = 2 ] && ok "vmkernel.0.gz read as a vmkernel log" ||
	not_ok "vmkernel.0.gz read as a vmkernel log (kinds '$got')"
got=$(q "SELECT version FROM cases WHERE name LIKE '%vmsupport.tgz!%'")
case $got in ESXi*) ok "bundle version from commands/vmware_-vl.txt: $got" ;;
	*) not_ok "bundle version from commands/vmware_-vl.txt (got '$got')" ;; esac

# sosreport: one case with facts from sos_commands
got=$(q "SELECT c.bundle || ' ' || c.status || ' ' || m.rule_id FROM cases c
	JOIN matches m ON m.case_id = c.id AND m.ord = 0
	WHERE c.name LIKE '%sosreport-host2.tar.xz!%'")
[ "$got" = "sosreport known linux-e1000e-tx-hang" ] &&
	ok "sosreport bundle (.tar.xz) is one known case" ||
	not_ok "sosreport bundle (.tar.xz) is one known case (got '$got')"

# corrupt archive: a failed case naming archive and member, the rest stored
got=$(q "SELECT count(*) FROM cases WHERE status = 'failed' AND error LIKE '%corrupt.tgz%'")
[ "$got" -ge 1 ] && ok "corrupt archive is a failed case naming it" ||
	not_ok "corrupt archive is a failed case naming it"
got=$(q "SELECT count(*) FROM cases c JOIN inputs i ON i.id = c.input_id
	WHERE i.path LIKE '%corrupt.tgz' AND c.status != 'failed'")
[ "$got" -ge 1 ] && ok "entries before the damage still stored ($got)" ||
	not_ok "entries before the damage still stored"
got=$(q "SELECT count(*) FROM inputs WHERE status != 'done'")
[ "$got" = 0 ] && ok "every input done" || not_ok "every input done ($got not)"

# --- rerun: nothing new --------------------------------------------------------
dump() { # normalised content of every table, without timestamps
	sqlite3 -batch "$1" "
	SELECT 'input', sha256, path, size, kind, status, error FROM inputs ORDER BY sha256;
	SELECT 'case', c.id, i.sha256, c.member, c.name, c.bundle, c.status, c.error, c.host,
	  c.product, c.version, c.panic_kind, c.panic_message, c.panic_exception,
	  c.panic_context, c.panic_cpu, c.panic_input, c.panic_line, c.cluster_id
	  FROM cases c JOIN inputs i ON i.id = c.input_id ORDER BY c.id;
	SELECT 'case_input', * FROM case_inputs ORDER BY case_id, ord;
	SELECT 'fact', * FROM facts ORDER BY case_id, ord;
	SELECT 'bt', * FROM backtraces ORDER BY case_id, ord;
	SELECT 'frame', * FROM frames ORDER BY case_id, bt_ord, ord;
	SELECT 'event', * FROM events ORDER BY case_id, ord;
	SELECT 'field', * FROM event_fields ORDER BY case_id, event_ord, ord;
	SELECT 'finding', * FROM findings ORDER BY case_id, ord;
	SELECT 'note', * FROM notes ORDER BY case_id, ord;
	SELECT 'sig', * FROM signatures ORDER BY case_id;
	SELECT 'match', * FROM matches ORDER BY case_id, ord;
	SELECT 'cluster', * FROM clusters ORDER BY id;"
}
dump "$DB" >"$WORK/dump1"
"$CRASHTRIAGE" batch --db "$DB" "$IN" >"$WORK/run2.out" 2>&1
status=$?
[ $status -eq 0 ] && ok "rerun exits 0" || not_ok "rerun exits 0 (got $status)"
grep -q "inputs: 0 new" "$WORK/run2.out" && ok "rerun reads no stored input" ||
	{ not_ok "rerun reads no stored input"; sed 's/^/# /' "$WORK/run2.out"; }
dump "$DB" >"$WORK/dump2"
cmp -s "$WORK/dump1" "$WORK/dump2" && ok "rerun adds nothing" || not_ok "rerun adds nothing"
# a new file is added, the rest skipped
cp "$DATA/linux/linux44_null_deref_oldstyle.log" "$IN/new.log"
"$CRASHTRIAGE" batch --db "$DB" "$IN" >"$WORK/run3.out" 2>&1
grep -q "inputs: 1 new" "$WORK/run3.out" && ok "a new input is added" ||
	{ not_ok "a new input is added"; sed 's/^/# /' "$WORK/run3.out"; }
rm "$IN/new.log"

# --- rematch ------------------------------------------------------------------
q "SELECT case_id, ord, rule_id, passes, verdict, score FROM matches ORDER BY 1, 2" >"$WORK/m1"
q "SELECT case_id, hash, title FROM signatures ORDER BY 1" >"$WORK/sig1"
dump "$DB" | grep -E '^(case_input|fact|bt|frame|event|field|finding)[|]' >"$WORK/model1"
mkdir "$WORK/rules"
cp "$top_srcdir"/rules/kb/*.yaml "$WORK/rules/"
rm "$WORK/rules/linux-e1000e-tx-hang.yaml"
"$CRASHTRIAGE" batch --db "$DB" --rematch --rules "$WORK/rules" >"$WORK/rm.out" 2>&1
status=$?
[ $status -eq 0 ] && grep -q "rematched" "$WORK/rm.out" && ok "rematch with fewer rules" ||
	{ not_ok "rematch with fewer rules"; sed 's/^/# /' "$WORK/rm.out"; }
got=$(q "SELECT count(*) FROM matches WHERE rule_id = 'linux-e1000e-tx-hang'")
[ "$got" = 0 ] && ok "rematch drops matches of a removed rule" ||
	not_ok "rematch drops matches of a removed rule ($got left)"
got=$(q "SELECT status FROM cases WHERE name LIKE '%sosreport-host2.tar.xz!%'")
[ "$got" != known ] && ok "rematch: the sosreport case is no longer known" ||
	not_ok "rematch: the sosreport case is no longer known"
"$CRASHTRIAGE" batch --db "$DB" --rematch >"$WORK/rm.out" 2>&1
q "SELECT case_id, ord, rule_id, passes, verdict, score FROM matches ORDER BY 1, 2" >"$WORK/m2"
cmp -s "$WORK/m1" "$WORK/m2" && ok "rematch with the built-in rules restores every match" ||
	{ not_ok "rematch with the built-in rules restores every match"; diff "$WORK/m1" "$WORK/m2" | head | sed 's/^/# /'; }
q "SELECT case_id, hash, title FROM signatures ORDER BY 1" >"$WORK/sig2"
# a rebuilt case keeps the report type read from its text ("BUG: corrupted
# list in X" does not become "oops in X")
grep -q 'corrupted list\|KASAN' "$WORK/sig1" && cmp -s "$WORK/sig1" "$WORK/sig2" &&
	ok "rematch keeps every signature and title" ||
	{ not_ok "rematch keeps every signature and title"; diff "$WORK/sig1" "$WORK/sig2" | head | sed 's/^/# /'; }
model() { dump "$DB" | grep -E '^(case_input|fact|bt|frame|event|field|finding)[|]'; }
model >"$WORK/model2"
cmp -s "$WORK/model1" "$WORK/model2" && [ -s "$WORK/model1" ] &&
	ok "rematch keeps the stored model" || not_ok "rematch keeps the stored model"

# --- clusters ---------------------------------------------------------------
got=$(q "SELECT count(*) FROM cases WHERE status = 'unknown' AND cluster_id IS NULL")
[ "$got" = 0 ] && ok "every unknown case is in a cluster" || not_ok "every unknown case is in a cluster ($got not)"
got=$(q "SELECT count(*) FROM cases WHERE status != 'unknown' AND cluster_id IS NOT NULL")
[ "$got" = 0 ] && ok "only unknown cases are clustered" || not_ok "only unknown cases are clustered"
# the same crash in corpus.tgz and next to the nested archive is one cluster
# (and a third copy, read out of corrupt.tgz's first half when the corpus
# is big enough to put it there, in it too)
got=$(q "SELECT count(DISTINCT c.cluster_id) || ' ' || count(*) FROM cases c JOIN signatures s ON s.case_id = c.id
	WHERE s.hash = (SELECT s2.hash FROM signatures s2 JOIN cases c2 ON c2.id = s2.case_id
	WHERE c2.name LIKE '%nested.tar!loose-kasan.log')
	AND c.name NOT LIKE '%corrupt.tgz!%'")
all=$(q "SELECT count(DISTINCT c.cluster_id) FROM cases c JOIN signatures s ON s.case_id = c.id
	WHERE s.hash = (SELECT s2.hash FROM signatures s2 JOIN cases c2 ON c2.id = s2.case_id
	WHERE c2.name LIKE '%nested.tar!loose-kasan.log')")
[ "$got" = "1 2" ] && [ "$all" = 1 ] && ok "same signature, same cluster" ||
	not_ok "same signature, same cluster ($got; $all clusters with corrupt.tgz's)"

# --- reports ----------------------------------------------------------------
"$CRASHTRIAGE" report --db "$DB" >"$WORK/report.txt" 2>&1
grep -q "^cases " "$WORK/report.txt" && grep -q "^known issues" "$WORK/report.txt" &&
	grep -q "^largest unknown clusters" "$WORK/report.txt" &&
	grep -q "^failed inputs" "$WORK/report.txt" && ok "text report has its sections" ||
	{ not_ok "text report has its sections"; sed 's/^/# /' "$WORK/report.txt" | head -20; }
cases=$(q "SELECT count(*) FROM cases")
"$CRASHTRIAGE" report --db "$DB" --json >"$WORK/report.jsonl"
[ "$(wc -l <"$WORK/report.jsonl")" -eq "$cases" ] && jq -e -s 'all(.[]; .status != null)' \
	"$WORK/report.jsonl" >/dev/null && ok "--json: one object per case ($cases)" ||
	not_ok "--json: one object per case"
jq -e -s '[.[] | select(.name | test("<script>"))] | length == 1' "$WORK/report.jsonl" >/dev/null &&
	ok "--json keeps a hostile name as a string" || not_ok "--json keeps a hostile name as a string"
"$CRASHTRIAGE" report --db "$DB" --csv >"$WORK/report.csv"
python3 - "$WORK/report.csv" "$cases" <<'EOF' && ok "--csv parses as RFC 4180 with one row per case" || not_ok "--csv parses as RFC 4180 with one row per case"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0][:3] == ['id', 'input', 'name'], rows[0]
assert len(rows) == int(sys.argv[2]) + 1, len(rows)
assert all(len(r) == len(rows[0]) for r in rows)
EOF
"$CRASHTRIAGE" report --db "$DB" --html "$WORK/report.html"
grep -q '<svg' "$WORK/report.html" && grep -q 'hostile&lt;script&gt;' "$WORK/report.html" &&
	! grep -q 'hostile<script>' "$WORK/report.html" && ok "--html: svg charts, values escaped" ||
	not_ok "--html: svg charts, values escaped"

# --- a last group that fills up exactly ---------------------------------------
# 32 inputs of one case each are 64 rows of the writer's group (a case and
# its input's done mark), the group size: it is committed as it fills, and
# the batch must still end (it once waited for a commit signal forever)
G=$WORK/group64
mkdir -p "$G"
i=1
while [ $i -le 32 ]; do
	{ echo "# $i"; cat "$DATA/linux/linux61_kasan_uaf.log"; } >"$G/f$i.log"
	i=$((i + 1))
done
for j in 1 2; do
	timeout 60 "$CRASHTRIAGE" batch -q -j $j --db "$WORK/g64-$j.sqlite" "$G"/* >/dev/null 2>&1
	rc=$?
	got=$(sqlite3 -batch -noheader "$WORK/g64-$j.sqlite" "SELECT count(*) FROM cases")
	[ $rc -eq 0 ] && [ "$got" = 32 ] && ok "-j $j: a last group of exactly 64 rows ends the batch (32 cases)" ||
		not_ok "-j $j: a last group of exactly 64 rows ends the batch (exit $rc, $got cases)"
done

# --- SIGKILL mid-run, then rerun == uninterrupted run -------------------------
K=$WORK/kill
mkdir -p "$K/gen" "$K/in"
i=0
while [ $i -lt 400 ]; do
	for f in linux515_list_del_bug.log linux61_kasan_uaf.log; do
		sed "s/5.15.0-91-generic/5.15.0-$i-generic/" "$DATA/linux/$f" >"$K/gen/$i-$f"
	done
	i=$((i + 1))
done
(cd "$K/gen" && find . -type f | sed 's,^\./,,' | tar -czf "$K/in/many.tgz" -T -)
# -j1 runs its stages in turn, on one core: its CPU time is no more than
# its wall time (other load only makes the wall time longer; -j2 over
# these 4,000 cases, five archives each with its own names, takes about
# 1.3 times its wall time in CPU on an idle 2-core machine)
mkdir "$K/cores"
for n in 1 2 3 4 5; do
	(cd "$K/gen" && find . -type f | sed 's,^\./,,' |
		tar -czf "$K/cores/$n.tgz" --transform "s,^,copy$n-," -T -)
done
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%e %U %S' -o "$WORK/cores.time" "$CRASHTRIAGE" batch -q -j1 \
		--db "$K/cores-1.sqlite" "$K/cores" >/dev/null 2>&1
	read -r wall user sys <"$WORK/cores.time"
	echo "$wall $user $sys" | awk '{ exit !($2 + $3 <= $1 * 1.05 + 0.02) }' &&
		ok "-j1 uses one core (${wall} s wall, ${user} + ${sys} s CPU)" ||
		not_ok "-j1 uses one core (${wall} s wall, ${user} + ${sys} s CPU)"
else
	"$CRASHTRIAGE" batch -q -j1 --db "$K/cores-1.sqlite" "$K/cores" >/dev/null 2>&1
	skip "-j1 uses one core" "GNU time (/usr/bin/time) not installed"
fi
[ "$(sqlite3 "$K/cores-1.sqlite" "SELECT count(*) FROM cases")" = 4000 ] &&
	ok "-j1: 4000 cases in five archives" || not_ok "-j1: 4000 cases in five archives"
cp "$IN/esx-host1-vmsupport.tgz" "$IN/nested.tar" "$K/in/"
rm -rf "$K/gen" "$K/cores"
t0=$(date +%s.%N)
"$CRASHTRIAGE" batch -j1 --db "$K/ref.sqlite" "$K/in" >/dev/null 2>&1
t1=$(date +%s.%N)
# killed KILLED: what a batch killed mid-run left is whole, compared with
# the uninterrupted run: every case stored has all its rows (cases are
# committed in groups, never in part), and no input is marked done before
# all its cases are committed (a rerun would skip the rest)
killed_whole() {
	sqlite3 -batch -noheader "$1" "ATTACH '$K/ref.sqlite' AS r;
	SELECT 'half-stored case', c.member FROM cases c
	  JOIN inputs i ON i.id = c.input_id JOIN r.inputs ri ON ri.sha256 = i.sha256
	  JOIN r.cases rc ON rc.input_id = ri.id AND rc.member = c.member
	  WHERE c.status != rc.status
	  OR (SELECT count(*) FROM case_inputs WHERE case_id = c.id) != (SELECT count(*) FROM r.case_inputs WHERE case_id = rc.id)
	  OR (SELECT count(*) FROM facts WHERE case_id = c.id) != (SELECT count(*) FROM r.facts WHERE case_id = rc.id)
	  OR (SELECT count(*) FROM frames WHERE case_id = c.id) != (SELECT count(*) FROM r.frames WHERE case_id = rc.id)
	  OR (SELECT count(*) FROM events WHERE case_id = c.id) != (SELECT count(*) FROM r.events WHERE case_id = rc.id)
	  OR (SELECT count(*) FROM matches WHERE case_id = c.id) != (SELECT count(*) FROM r.matches WHERE case_id = rc.id)
	  OR (SELECT count(*) FROM signatures WHERE case_id = c.id) != (SELECT count(*) FROM r.signatures WHERE case_id = rc.id);
	SELECT 'done too early', i.path FROM inputs i JOIN r.inputs ri ON ri.sha256 = i.sha256
	  WHERE i.status = 'done' AND (SELECT count(*) FROM cases WHERE input_id = i.id) != (SELECT count(*) FROM r.cases WHERE input_id = ri.id);" 2>&1
}

# kill at fractions of the uninterrupted run's time, whatever the build's
# speed (an -O2 build reads these 800 cases several times faster than ASan)
delays=$(echo "$t0 $t1" | awk '{ d = $2 - $1; for (f = 0.15; f < 1; f += 0.15) printf "%.3f ", d * f }')
killed=no
for delay in $delays; do
	rm -f "$K/killed.sqlite"*
	"$CRASHTRIAGE" batch -j1 --db "$K/killed.sqlite" "$K/in" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	if kill -9 $pid 2>/dev/null; then
		wait $pid 2>/dev/null
		n=$(sqlite3 "$K/killed.sqlite" "SELECT count(*) FROM cases" 2>/dev/null || echo 0)
		[ "${n:-0}" -gt 0 ] && { killed=yes; break; }
	else
		wait $pid 2>/dev/null
	fi
done
[ $killed = yes ] && ok "batch killed mid-run with $n cases stored" ||
	not_ok "batch killed mid-run (it finished too fast)"
got=$(killed_whole "$K/killed.sqlite")
[ -z "$got" ] && ok "killed: every stored case whole, no input done before its cases" ||
	{ not_ok "killed: every stored case whole, no input done before its cases"; echo "$got" | head -5 | sed 's/^/# /'; }
"$CRASHTRIAGE" batch -j1 --db "$K/killed.sqlite" "$K/in" >"$WORK/resume.out" 2>&1
dump "$K/ref.sqlite" >"$WORK/ref.dump"
dump "$K/killed.sqlite" >"$WORK/killed.dump"
[ "$(wc -l <"$WORK/ref.dump")" -gt 800 ] && cmp -s "$WORK/ref.dump" "$WORK/killed.dump" &&
	ok "rerun after SIGKILL gives the same database as an uninterrupted run" ||
	{ not_ok "rerun after SIGKILL gives the same database as an uninterrupted run";
	  diff "$WORK/ref.dump" "$WORK/killed.dump" | head -10 | sed 's/^/# /'; }
# -j2: the same database as -j1
"$CRASHTRIAGE" batch -j2 --db "$K/j2.sqlite" "$K/in" >"$WORK/j2.out" 2>&1
dump "$K/j2.sqlite" >"$WORK/j2.dump"
cmp -s "$WORK/ref.dump" "$WORK/j2.dump" && ok "-j2 stores the same database as -j1" ||
	{ not_ok "-j2 stores the same database as -j1";
	  diff "$WORK/ref.dump" "$WORK/j2.dump" | head -10 | sed 's/^/# /'; }
# -j2 killed and resumed with -j2
rm -f "$K/killed.sqlite"*
"$CRASHTRIAGE" batch -j2 --db "$K/killed.sqlite" "$K/in" >/dev/null 2>&1 &
pid=$!
sleep "$(echo "$t0 $t1" | awk '{ printf "%.3f", ($2 - $1) / 2 }')"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
got=$(killed_whole "$K/killed.sqlite")
[ -z "$got" ] && ok "-j2 killed: every stored case whole, no input done before its cases" ||
	{ not_ok "-j2 killed: every stored case whole, no input done before its cases"; echo "$got" | head -5 | sed 's/^/# /'; }
"$CRASHTRIAGE" batch -j2 --db "$K/killed.sqlite" "$K/in" >/dev/null 2>&1
dump "$K/killed.sqlite" >"$WORK/killed2.dump"
cmp -s "$WORK/ref.dump" "$WORK/killed2.dump" &&
	ok "-j2 killed and rerun: the same database" ||
	not_ok "-j2 killed and rerun: the same database"
got=$(sqlite3 "$K/killed.sqlite" "SELECT count(*) FROM (SELECT input_id, member FROM cases GROUP BY 1, 2 HAVING count(*) > 1)")
[ "$got" = 0 ] && ok "no case stored twice" || not_ok "no case stored twice"

# --- the database inside an input folder is not read as an input ---
"$CRASHTRIAGE" batch --db "$K/in/self.sqlite" "$K/in" >/dev/null 2>&1
"$CRASHTRIAGE" batch --db "$K/in/self.sqlite" "$K/in" >/dev/null 2>&1
got=$(sqlite3 "$K/in/self.sqlite" "SELECT count(*) FROM inputs WHERE path LIKE '%self.sqlite%'")
[ "$got" = 0 ] && ok "the results database is never an input" ||
	not_ok "the results database is never an input ($got)"

# --- a real core, read from inside an archive ---------------------------------
C=$WORK/core
mkdir -p "$C/pk"
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
	skip "ELF core inside a tgz" "no C compiler (${CC:-cc})"
elif ${CC:-cc} -g -O0 -fno-omit-frame-pointer "$top_srcdir/tests/fixtures/crash-null.c" \
	-o "$C/crash-null"; then
	# the inner shell waits for the program (no exec), so its report of
	# the crash goes to /dev/null
	sh -c 'cd "$1" && ulimit -c unlimited; "$2"; true' sh "$C/pk" \
		"$C/crash-null" >/dev/null 2>&1
	core=$(ls "$C/pk"/core* 2>/dev/null | head -1)
	if [ -z "$core" ] && command -v gdb >/dev/null; then
		(cd "$C/pk" && gdb -nx -batch -ex run -ex "gcore $C/pk/core" \
			--args "$C/crash-null") >/dev/null 2>&1
		core=$(ls "$C/pk"/core* 2>/dev/null | head -1)
	fi
	if [ -n "$core" ]; then
		tar -czf "$C/cores.tgz" -C "$C" pk
		"$CRASHTRIAGE" batch --db "$C/r.sqlite" "$C/cores.tgz" >/dev/null 2>&1
		got=$(sqlite3 "$C/r.sqlite" "SELECT ci.kinds || ' ' || coalesce(s.title, '-')
			FROM cases c JOIN case_inputs ci ON ci.case_id = c.id
			LEFT JOIN signatures s ON s.case_id = c.id WHERE c.name LIKE '%cores.tgz!pk/'
			AND ci.path LIKE '%cores.tgz!pk/core%'")
		case $got in
		"16 "*crash_here*) ok "ELF core inside a tgz: $got" ;;
		*) not_ok "ELF core inside a tgz (got '$got')" ;;
		esac
	else
		not_ok "ELF core inside a tgz: crash-null left no core (kernel nor gcore)"
	fi
else
	not_ok "ELF core inside a tgz: crash-null.c does not build"
fi

# --- progress on a terminal -------------------------------------------------
if command -v script >/dev/null; then
	script -qc "'$CRASHTRIAGE' batch --db '$WORK/tty.sqlite' '$IN/corpus.tgz'" /dev/null \
		>"$WORK/tty.out" 2>&1 </dev/null
	tr '\r' '\n' <"$WORK/tty.out" | grep -a -q "^.*files [0-9]*  cases [0-9]* (0 failed)  .* MiB/s" &&
		ok "progress line on a terminal" || not_ok "progress line on a terminal"
else
	skip "progress line on a terminal" "script(1) not installed"
fi

# --- one batch per database at a time ---------------------------------------
exec 9<"$DB"
if ! command -v flock >/dev/null; then
	skip "a second batch on a locked database is refused" "flock(1) not installed"
elif ! flock -n 9; then
	not_ok "a second batch on a locked database is refused: flock could not take the lock"
else
	"$CRASHTRIAGE" batch --db "$DB" "$IN" >/dev/null 2>"$WORK/lock.err"
	[ $? -eq 1 ] && grep -q "another batch" "$WORK/lock.err" &&
		ok "a second batch on a locked database is refused" ||
		not_ok "a second batch on a locked database is refused"
	flock -u 9
fi
exec 9>&-

# --- a knowledge base is no results database ----------------------------------
"$CRASHTRIAGE" kb build -o "$WORK/kb.sqlite" "$top_srcdir/rules/kb" >/dev/null 2>&1
cp "$WORK/kb.sqlite" "$WORK/kb.copy"
"$CRASHTRIAGE" batch --db "$WORK/kb.sqlite" "$IN/seeds.tar" >/dev/null 2>"$WORK/kbdb.err"
[ $? -eq 1 ] && grep -q "not a crashtriage results database" "$WORK/kbdb.err" &&
	cmp -s "$WORK/kb.sqlite" "$WORK/kb.copy" &&
	ok "a knowledge base given as --db is refused and left alone" ||
	not_ok "a knowledge base given as --db is refused and left alone"

# --- usage --------------------------------------------------------------------
"$CRASHTRIAGE" batch "$IN" >/dev/null 2>&1
[ $? -eq 2 ] && ok "batch without --db is a usage error" || not_ok "batch without --db is a usage error"
"$CRASHTRIAGE" report --db "$WORK/none.sqlite" >/dev/null 2>&1
[ $? -eq 1 ] && ok "report on a missing database fails" || not_ok "report on a missing database fails"
printf 'not a database' >"$WORK/junk.sqlite"
"$CRASHTRIAGE" report --db "$WORK/junk.sqlite" >/dev/null 2>&1
[ $? -eq 1 ] && ok "report on a file that is no database fails" ||
	not_ok "report on a file that is no database fails"

finish
