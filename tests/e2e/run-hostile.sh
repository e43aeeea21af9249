#!/bin/sh
# SPDX-License-Identifier: MIT
# run-hostile.sh - probes of issue 11 as an attacker and an unlucky operator
# would make them, each a regression test with bounded sizes and times:
# CSV formula injection, names that forge lines or carry escape and bidi
# characters, write errors on stdout, an unreadable subfolder, report on
# a file that is no results database (and read-only), the batch lock
# through a symlink and a hard link, an output file that is the database,
# top-level paths that fail, links out of an input folder, --recheck.
. "$top_srcdir/tests/e2e/test-subr.sh"

command -v sqlite3 >/dev/null || skip_all "no sqlite3"
cd "$WORK" || exit 99

EX="$top_srcdir/examples/esxi-fqdn-psod"
PSOD="$EX/backtrace.txt"
q() { sqlite3 -batch -noheader "$1" "$2"; }

# --- 6: write errors on stdout ---------------------------------------------
DB0=$WORK/plain.sqlite
mkdir -p "$WORK/plain"
cp "$PSOD" "$WORK/plain/psod.txt"
"$CRASHTRIAGE" batch -q --db "$DB0" "$WORK/plain" >/dev/null 2>&1
printf 'ffffffff81000000 T start_kernel\n' >"$WORK/System.map"
if [ -w /dev/full ]; then
	for cmd in "report --db $DB0" "report --json --db $DB0" \
		"report --csv --db $DB0" "report --html - --db $DB0" \
		"analyze --json $PSOD" "analyze $PSOD" "kb list" "kb show esxi-i40en-mdd" \
		"batch -q --db $WORK/full.sqlite $WORK/plain" \
		"symbolize --map $WORK/System.map 0xffffffff81000010"; do
		# shellcheck disable=SC2086
		"$CRASHTRIAGE" $cmd >/dev/full 2>"$WORK/full.err"
		rc=$?
		if [ $rc -ne 0 ] && grep -q "cannot write to standard output" "$WORK/full.err"; then
			ok "stdout write error reported: $cmd"
		else
			not_ok "stdout write error reported: $cmd (rc $rc)"
			sed 's/^/# /' "$WORK/full.err" | head -3
		fi
	done
fi
# walk: a core of the walk fixture, made by gdb's gcore when there is one
CC=${CC:-cc}
if command -v gdb >/dev/null && command -v "$CC" >/dev/null && [ -w /dev/full ] &&
	"$CC" -g -O0 -fno-omit-frame-pointer "$top_srcdir/tests/fixtures/walk-fqdn.c" \
		-o "$WORK/walk-fqdn" 2>/dev/null; then
	use_kernel=no have_gdb=yes
	if core_of "$WORK/wcore" "$WORK/walk-fqdn" intact; then
		for j in "" --json; do
			# shellcheck disable=SC2086
			"$CRASHTRIAGE" walk "$WORK/wcore/core" --root fqdn_root \
				--type fqdn_node --member domain_list $j >/dev/full 2>"$WORK/full.err"
			rc=$?
			[ $rc -ne 0 ] && grep -q "cannot write to standard output" "$WORK/full.err" &&
				ok "stdout write error reported: walk $j" ||
				not_ok "stdout write error reported: walk $j (rc $rc)"
		done
	else
		not_ok "stdout write error reported: walk-fqdn left no core"
	fi
elif ! command -v gdb >/dev/null; then
	skip "stdout write error reported: walk" "gdb not installed (gcore makes the core)"
elif ! command -v "$CC" >/dev/null; then
	skip "stdout write error reported: walk" "no C compiler ($CC)"
elif [ ! -w /dev/full ]; then
	skip "stdout write error reported: walk" "no writable /dev/full"
else
	not_ok "stdout write error reported: walk-fqdn.c does not build"
fi

# --- 4: CSV formula injection ----------------------------------------------
mkdir -p "$WORK/csv"
cp "$PSOD" "$WORK/csv/=HYPERLINK(\"x\")"
{ cat "$PSOD"; echo "#99 0x1 in other ()"; } >"$WORK/csv/@SUM(1).txt"
printf '+cmd\n' >"$WORK/csv/-x.txt"
printf 'Linux =1+2 5.10.0-8-amd64 #1 SMP Debian 5.10.46-4 (2021-08-03) x86_64 GNU/Linux\n' \
	>"$WORK/csv/uname.txt"
(cd "$WORK/csv" && "$CRASHTRIAGE" batch -q --db ../csv.sqlite -- \
	'=HYPERLINK("x")' '@SUM(1).txt' uname.txt >/dev/null 2>&1)
(cd "$WORK/csv" && "$CRASHTRIAGE" batch -q --db ../csv.sqlite -- -x.txt >/dev/null 2>&1)
"$CRASHTRIAGE" report --csv --db "$WORK/csv.sqlite" >"$WORK/csv.out"
if python3 - "$WORK/csv.out" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
cells = [c for r in rows[1:] for c in r]
bad = [c for c in cells if c[:1] in ('=', '+', '-', '@', '\t', '\r')]
hosts = [r[6] for r in rows[1:]]
names = [r[2] for r in rows[1:]]
sys.exit(1 if bad or "'=1+2" not in hosts or "'=HYPERLINK(\"x\")" not in names
	 or "'@SUM(1).txt" not in names or "'-x.txt" not in names else 0)
PY
then ok "csv: cells starting with = + - @ are neutralised"
else not_ok "csv: cells starting with = + - @ are neutralised"; sed 's/^/# /' "$WORK/csv.out"
fi

# --- 8: report opens the database read-only ---------------------------------
: >"$WORK/empty.sqlite"
"$CRASHTRIAGE" report --db "$WORK/empty.sqlite" >/dev/null 2>"$WORK/empty.err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$WORK/empty.sqlite" ] &&
	grep -q "'$WORK/empty.sqlite'.*not a crashtriage results database" "$WORK/empty.err" &&
	ok "report refuses an empty file and writes nothing into it" ||
	not_ok "report refuses an empty file and writes nothing into it (rc $rc)"
"$CRASHTRIAGE" kb build -o "$WORK/kb.sqlite" "$top_srcdir/rules/kb" >/dev/null 2>&1
cp "$WORK/kb.sqlite" "$WORK/kb.copy"
"$CRASHTRIAGE" report --db "$WORK/kb.sqlite" >/dev/null 2>"$WORK/kbr.err"
[ $? -eq 1 ] && cmp -s "$WORK/kb.sqlite" "$WORK/kb.copy" &&
	grep -q "not a crashtriage results database" "$WORK/kbr.err" &&
	ok "report refuses a knowledge base" || not_ok "report refuses a knowledge base"
"$CRASHTRIAGE" report --db "$WORK/missing.sqlite" >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$WORK/missing.sqlite" ] &&
	ok "report does not create a missing database" ||
	not_ok "report does not create a missing database"
# a read-only copy in a read-only folder, read by a user who owns neither
mkdir -p "$WORK/ro"
cp "$DB0" "$WORK/ro/r.sqlite"
chmod 444 "$WORK/ro/r.sqlite"
chmod 555 "$WORK/ro"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$WORK"
	AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
	AS_NOBODY=""
fi
$AS_NOBODY "$CRASHTRIAGE" report --db "$WORK/ro/r.sqlite" >"$WORK/ro.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "^cases      1: 1 known" "$WORK/ro.out" &&
	[ "$(ls "$WORK/ro")" = r.sqlite ] &&
	ok "report reads a read-only database in a read-only folder" ||
	{ not_ok "report reads a read-only database in a read-only folder (rc $rc)"; sed 's/^/# /' "$WORK/ro.out" | head -3; }
chmod 755 "$WORK/ro"

# --- 10: an output file that is the database --------------------------------
cp "$DB0" "$WORK/out.sqlite"
cp "$WORK/out.sqlite" "$WORK/out.copy"
ln -s out.sqlite "$WORK/out-link.sqlite"
ln "$WORK/out.sqlite" "$WORK/out-hard.sqlite"
for o in "$WORK/out.sqlite" "$WORK/out-link.sqlite" "$WORK/out-hard.sqlite" \
	"$WORK/./out.sqlite"; do
	"$CRASHTRIAGE" report --db "$WORK/out.sqlite" --html "$o" >/dev/null 2>"$WORK/html.err"
	rc=$?
	[ $rc -eq 1 ] && cmp -s "$WORK/out.sqlite" "$WORK/out.copy" &&
		grep -q "is the results database" "$WORK/html.err" &&
		ok "report --html refuses the database as output: ${o#"$WORK"/}" ||
		not_ok "report --html refuses the database as output: ${o#"$WORK"/} (rc $rc)"
done
"$CRASHTRIAGE" report --db "$WORK/out.sqlite" --html "$WORK/r.html" >/dev/null 2>&1 &&
	grep -q "</html>" "$WORK/r.html" &&
	[ -z "$(find "$WORK" -maxdepth 1 -name '.r.html.*')" ] &&
	ok "report --html writes through a temporary file, none left" ||
	not_ok "report --html writes through a temporary file, none left"
# an output that cannot be written leaves the last report as it was
echo "last report" >"$WORK/keep.html"
if [ -n "$AS_NOBODY" ] || [ "$(id -u)" != 0 ]; then
	chmod 555 "$WORK"
	$AS_NOBODY "$CRASHTRIAGE" report --db "$WORK/out.sqlite" --html "$WORK/keep.html" >/dev/null 2>&1
	rc=$?
	chmod 755 "$WORK"
	[ $rc -eq 1 ] && [ "$(cat "$WORK/keep.html")" = "last report" ] &&
		ok "report --html that cannot write leaves the old file" ||
		not_ok "report --html that cannot write leaves the old file (rc $rc)"
fi
(cd "$WORK" && "$CRASHTRIAGE" report --db out.sqlite --html - >stdout.html 2>/dev/null) &&
	grep -q "</html>" "$WORK/stdout.html" && [ ! -e "$WORK/-" ] &&
	ok "report --html - writes to stdout" || not_ok "report --html - writes to stdout"

# --- 9: the batch lock is the database file's, whatever its name ------------
if command -v flock >/dev/null; then
	DB9=$WORK/lock/r.sqlite
	mkdir -p "$WORK/lock/other"
	cp "$DB0" "$DB9"
	ln -s ../r.sqlite "$WORK/lock/other/sym.sqlite"
	ln "$DB9" "$WORK/lock/other/hard.sqlite"
	# a batch holding the lock, as flock(1) holds it on the file
	exec 9<"$DB9"
	flock -n 9
	for via in sym hard; do
		"$CRASHTRIAGE" batch -q --db "$WORK/lock/other/$via.sqlite" "$WORK/csv" \
			>/dev/null 2>"$WORK/lock.err"
		rc=$?
		[ $rc -eq 1 ] && grep -q "another batch" "$WORK/lock.err" &&
			[ "$(q "$DB9" 'SELECT count(*) FROM inputs')" = 1 ] &&
			ok "batch lock through a $via link is the same lock" ||
			not_ok "batch lock through a $via link is the same lock (rc $rc)"
	done
	flock -u 9
	exec 9<&-
	# the database by another name inside an input folder is no input
	mkdir -p "$WORK/lock/in"
	cp "$PSOD" "$WORK/lock/in/bt.txt"
	ln "$DB9" "$WORK/lock/in/copy.sqlite"
	ln -s ../r.sqlite "$WORK/lock/in/link.sqlite"
	"$CRASHTRIAGE" batch -q --db "$DB9" "$WORK/lock/in" >/dev/null 2>&1
	[ "$(q "$DB9" "SELECT count(*) FROM inputs WHERE path LIKE '%.sqlite'")" = 0 ] &&
		ok "the database under another name in an input folder is not read" ||
		not_ok "the database under another name in an input folder is not read"
	"$CRASHTRIAGE" batch -q --db "$WORK/lock/other/sym.sqlite" "$WORK/csv" >/dev/null 2>&1
	[ $? -ne 1 ] && [ "$(q "$DB9" 'SELECT count(*) FROM inputs')" -gt 1 ] &&
		ok "batch through a symlink runs once the lock is free" ||
		not_ok "batch through a symlink runs once the lock is free"
else
	skip "batch lock through links, the database in an input folder" "flock(1) not installed"
fi

# --- 7: one unreadable subfolder ------------------------------------------
# (as a user the permissions bind: nobody when run as root)
if [ -n "$AS_NOBODY" ] || [ "$(id -u)" != 0 ]; then
	chmod 711 "$WORK"
	B7=$WORK/b7
	mkdir -p "$B7/case/logs" "$B7/case/secret" "$B7/vms/esx1/commands" \
		"$B7/vms/esx1/secret"
	cp "$PSOD" "$B7/case/logs/backtrace.txt"
	cp "$EX/vmware-vl.txt" "$B7/case/vmware-vl.txt"
	echo hidden >"$B7/case/secret/x.log"
	cp "$PSOD" "$B7/vms/esx1/backtrace.txt"
	cp "$EX/vmware-vl.txt" "$B7/vms/esx1/commands/vmware_-vl.txt"
	echo hidden >"$B7/vms/esx1/secret/x.log"
	chmod -R a+rX "$B7"
	chmod 000 "$B7/case/secret" "$B7/vms/esx1/secret"
	chmod 777 "$B7"
	$AS_NOBODY "$CRASHTRIAGE" analyze "$B7/case" >"$WORK/b7.out" 2>"$WORK/b7.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^verdict  KNOWN  esxi-nsx-fqdn-domain-list" "$WORK/b7.out" &&
		grep -q "^skipped  '.*/case/secret': cannot open folder" "$WORK/b7.out" &&
		ok "analyze: an unreadable subfolder is skipped with a note, the case kept" ||
		{ not_ok "analyze: an unreadable subfolder is skipped with a note, the case kept (rc $rc)"; sed 's/^/# /' "$WORK/b7.err" | head -3; }
	$AS_NOBODY "$CRASHTRIAGE" batch -q --db "$B7/r.sqlite" "$B7/vms" >/dev/null 2>&1
	[ "$(q "$B7/r.sqlite" "SELECT status || ' ' || bundle FROM cases WHERE name LIKE '%esx1%' AND bundle IS NOT NULL")" = "known vm-support" ] &&
		[ "$(q "$B7/r.sqlite" "SELECT count(*) FROM notes WHERE text LIKE '%secret%cannot open folder%'")" -ge 1 ] &&
		ok "batch: a bundle with an unreadable subfolder is one known case with a note" ||
		not_ok "batch: a bundle with an unreadable subfolder is one known case with a note"
	chmod 755 "$B7/case/secret" "$B7/vms/esx1/secret"
else
	skip "an unreadable subfolder" "running as root without setpriv(1): permissions do not bind"
fi

# --- 11: top-level paths that fail are stored -------------------------------
mkdir -p "$WORK/p11/ok"
cp "$PSOD" "$WORK/p11/ok/"
P11="$WORK/p11/missing $WORK/p11/ok"
if command -v mkfifo >/dev/null && mkfifo "$WORK/p11/fifo"; then
	P11="$P11 $WORK/p11/fifo"
fi
n11=$(echo "$P11" | wc -w)
# shellcheck disable=SC2086
"$CRASHTRIAGE" batch -q --db "$WORK/p11.sqlite" $P11 >"$WORK/p11.out" 2>"$WORK/p11.err"
rc=$?
failed=$((n11 - 1))
[ $rc -eq 3 ] && grep -q "cases: $n11 stored, $failed failed" "$WORK/p11.out" &&
	[ "$(q "$WORK/p11.sqlite" "SELECT count(*) FROM cases WHERE status = 'failed'")" = $failed ] &&
	ok "batch stores failing top-level paths as failed inputs" ||
	{ not_ok "batch stores failing top-level paths as failed inputs (rc $rc)"; sed 's/^/# /' "$WORK/p11.out"; }
"$CRASHTRIAGE" report --db "$WORK/p11.sqlite" >"$WORK/p11.rep"
grep -q "^  $WORK/p11/missing$" "$WORK/p11.rep" &&
	grep -q "cases      $n11: 1 known, .* $failed failed" "$WORK/p11.rep" &&
	ok "report lists the missing path among the failed inputs" ||
	{ not_ok "report lists the missing path among the failed inputs"; sed 's/^/# /' "$WORK/p11.rep"; }
# shellcheck disable=SC2086
"$CRASHTRIAGE" batch -q --db "$WORK/p11.sqlite" $P11 >"$WORK/p11.out" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q "$failed failed" "$WORK/p11.out" &&
	ok "a rerun still counts the failing paths" ||
	not_ok "a rerun still counts the failing paths (rc $rc)"
if [ -n "$AS_NOBODY" ] || [ "$(id -u)" != 0 ]; then
	mkdir -p "$WORK/p11u/locked"
	chmod 000 "$WORK/p11u/locked"
	chmod 777 "$WORK/p11u"
	$AS_NOBODY "$CRASHTRIAGE" batch -q --db "$WORK/p11u/r.sqlite" "$WORK/p11u/locked" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 3 ] && [ "$(q "$WORK/p11u/r.sqlite" "SELECT count(*) FROM cases WHERE status = 'failed' AND error LIKE '%Permission denied%'")" = 1 ] &&
		ok "an unreadable top-level folder is a failed input" ||
		not_ok "an unreadable top-level folder is a failed input (rc $rc)"
	chmod 755 "$WORK/p11u/locked"
fi

# --- 5: names from the evidence never forge lines or reach the terminal raw --
NL='
'
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')	# U+202E RIGHT-TO-LEFT OVERRIDE
LRI=$(printf '\342\201\246')	# U+2066 LEFT-TO-RIGHT ISOLATE
mkdir -p "$WORK/n5/case"
forged="$WORK/n5/x${NL}verdict  KNOWN  esxi-i40en-mdd  forged"
printf 'nothing to see here\n' >"$forged"
escname="$WORK/n5/case/a${ESC}]0;owned${ESC}\\${ESC}[31mred${RLO}gol.txt"
printf 'nothing\n' >"$escname"
cp "$PSOD" "$WORK/n5/case/bt${LRI}.txt"
# raw: a line that starts with "verdict  KNOWN" not printed by the tool, or
# an ESC, U+202E or U+2066 byte sequence anywhere
raw_in() {
	grep -q "^verdict  KNOWN  esxi-i40en-mdd  forged" "$1" ||
		grep -q "$ESC" "$1" || grep -q "$RLO" "$1" || grep -q "$LRI" "$1"
}
"$CRASHTRIAGE" analyze "$forged" >"$WORK/n5.out" 2>"$WORK/n5.err"
! raw_in "$WORK/n5.out" && ! raw_in "$WORK/n5.err" &&
	grep -q '^case     .*/x\\nverdict  KNOWN  esxi-i40en-mdd  forged (' "$WORK/n5.out" &&
	ok "analyze: a file named with a newline cannot forge a verdict line" ||
	{ not_ok "analyze: a file named with a newline cannot forge a verdict line"; sed 's/^/# /' "$WORK/n5.out" | head -5; }
"$CRASHTRIAGE" analyze "$WORK/n5/case" >"$WORK/n5.out" 2>"$WORK/n5.err"
! raw_in "$WORK/n5.out" && ! raw_in "$WORK/n5.err" &&
	grep -q '\\x1b\]0;owned\\x1b\\\\x1b\[31mred\\u202egol.txt' "$WORK/n5.out" &&
	ok "analyze: escape sequences and bidi overrides in names are shown escaped" ||
	{ not_ok "analyze: escape sequences and bidi overrides in names are shown escaped"; sed 's/^/# /' "$WORK/n5.out" | cat -A | tail -5; }
# batch (summary and errors) and report text
printf '\037\213junk' >"$WORK/n5/case/z${NL}verdict  KNOWN  esxi-i40en-mdd  forged${RLO}.gz"
"$CRASHTRIAGE" batch -q --db "$WORK/n5.sqlite" "$WORK/n5/case"/* "$WORK/n5/gone${ESC}[2J" \
	>"$WORK/n5b.out" 2>"$WORK/n5b.err"
"$CRASHTRIAGE" report --db "$WORK/n5.sqlite" >"$WORK/n5r.out" 2>&1
! raw_in "$WORK/n5b.out" && ! raw_in "$WORK/n5b.err" && ! raw_in "$WORK/n5r.out" &&
	grep -q 'gone\\x1b\[2J' "$WORK/n5b.err" &&
	grep -q '/z\\nverdict  KNOWN  esxi-i40en-mdd  forged\\u202e.gz' "$WORK/n5r.out" &&
	ok "batch and report text show names escaped" ||
	{ not_ok "batch and report text show names escaped"; sed 's/^/# /' "$WORK/n5b.err" "$WORK/n5r.out" | tail -8; }
"$CRASHTRIAGE" report --db "$WORK/n5.sqlite" --html "$WORK/n5.html" >/dev/null 2>&1
! raw_in "$WORK/n5.html" && grep -q 'forged\\u202e.gz' "$WORK/n5.html" &&
	ok "report --html shows names escaped" || not_ok "report --html shows names escaped"
# a rule from a folder of rules: kb list, show and check
mkdir -p "$WORK/rules5"
sed -e 's/^title: .*/title: "evil \\e[31m title \\u202e here"/' \
	"$top_srcdir/rules/kb/esxi-i40en-mdd.yaml" >"$WORK/rules5/esxi-i40en-mdd.yaml"
"$CRASHTRIAGE" kb list --rules "$WORK/rules5" >"$WORK/kb5.out" 2>&1
"$CRASHTRIAGE" kb show --rules "$WORK/rules5" esxi-i40en-mdd >>"$WORK/kb5.out" 2>&1
grep -q '^title       evil \\x1b\[31m title \\u202e here' "$WORK/kb5.out" && ! raw_in "$WORK/kb5.out" &&
	ok "kb list and show print rule titles escaped" ||
	{ not_ok "kb list and show print rule titles escaped"; sed 's/^/# /' "$WORK/kb5.out" | head -5; }

# --- links out of an input folder are not followed by default ---------------
L=$WORK/links
mkdir -p "$L/outside" "$L/in/loose" "$L/in/b/commands"
cp "$PSOD" "$L/outside/secret.txt"
cp "$EX/vmware-vl.txt" "$L/in/b/commands/vmware_-vl.txt"
ln -s ../../outside/secret.txt "$L/in/loose/link.txt"
ln -s ../../outside/secret.txt "$L/in/b/link.txt"
cp "$EX/vmware-vl.txt" "$L/in/loose/own.txt"
ln -s own.txt "$L/in/loose/inside.txt"
"$CRASHTRIAGE" analyze "$L/in/loose" >"$WORK/l.out" 2>"$WORK/l.err"
grep -q "^skipped  '.*/loose/link.txt': a link out of the folder, not followed" "$WORK/l.out" &&
	grep -q "^crash    none found" "$WORK/l.out" &&
	ok "analyze does not follow a link out of the folder" ||
	{ not_ok "analyze does not follow a link out of the folder"; sed 's/^/# /' "$WORK/l.out" | head -5; }
"$CRASHTRIAGE" analyze --follow-links "$L/in/loose" >"$WORK/l.out" 2>&1
grep -q "^verdict  KNOWN  esxi-nsx-fqdn-domain-list" "$WORK/l.out" &&
	ok "analyze --follow-links follows it" || not_ok "analyze --follow-links follows it"
"$CRASHTRIAGE" batch -q --db "$L/r.sqlite" "$L/in" >/dev/null 2>"$WORK/l.err"
[ "$(q "$L/r.sqlite" "SELECT count(*) FROM cases WHERE name LIKE '%link.txt%' OR status = 'known'")" = 0 ] &&
	[ "$(q "$L/r.sqlite" "SELECT count(*) FROM case_inputs WHERE path LIKE '%b/link.txt' AND error LIKE 'a link out of the folder%'")" = 1 ] &&
	[ "$(q "$L/r.sqlite" "SELECT count(*) FROM case_inputs ci JOIN cases c ON c.id = ci.case_id WHERE c.name LIKE '%/loose/' AND ci.path LIKE '%loose/inside.txt'")" = 1 ] &&
	grep -q "loose/link.txt': a link out of the folder" "$WORK/l.err" &&
	ok "batch does not follow links out of the folder, says so, follows links inside" ||
	not_ok "batch does not follow links out of the folder, says so, follows links inside"
"$CRASHTRIAGE" batch -q --follow-links --db "$L/r2.sqlite" "$L/in" >/dev/null 2>&1
[ "$(q "$L/r2.sqlite" "SELECT count(*) FROM cases WHERE status = 'known'")" = 2 ] &&
	ok "batch --follow-links follows them" || not_ok "batch --follow-links follows them"

# --- the stat cache is trusted; --recheck hashes again ------------------------
R=$WORK/recheck
mkdir -p "$R"
cp "$EX/vmware-vl.txt" "$R/f.txt"
"$CRASHTRIAGE" batch -q --db "$R/r.sqlite" "$R/f.txt" >/dev/null 2>&1
# same size, same mtime, same inode, other content
touch -r "$R/f.txt" "$R/stamp"
sed 's/Update 3/Update 1/' "$EX/vmware-vl.txt" | dd of="$R/f.txt" conv=notrunc status=none
touch -r "$R/stamp" "$R/f.txt"
"$CRASHTRIAGE" batch -q --db "$R/r.sqlite" "$R/f.txt" >"$WORK/r1.out" 2>&1
"$CRASHTRIAGE" batch -q --recheck --db "$R/r.sqlite" "$R/f.txt" >"$WORK/r2.out" 2>&1
grep -q "0 new, 1 already stored" "$WORK/r1.out" && grep -q "1 new, 0 already stored" "$WORK/r2.out" &&
	ok "the stat cache trusts size, mtime and inode; --recheck reads the change" ||
	{ not_ok "the stat cache trusts size, mtime and inode; --recheck reads the change"; sed 's/^/# /' "$WORK/r1.out" "$WORK/r2.out"; }

finish
