#!/bin/sh
# SPDX-License-Identifier: MIT
# run-case-rule.sh - the one rule for what is one case (analyzer/source.h,
# ct_bundle_plan_group), followed by analyze and batch alike: a folder is
# one case unless it holds a bundle or an archive (a container); in a
# container each bundle, each folder holding none, and each other file is
# a case; an archive's top-level files are a case each.
. "$top_srcdir/tests/e2e/test-subr.sh"

q() { sqlite3 -batch -noheader "$1" "$2"; }

# --- a folder of one host's evidence that is no recognised bundle ---------
# (commands/ and a rotated vmkernel-log.1, the example): one case
# for analyze and for batch, with the same answer
H=$WORK/host-evidence
mkdir -p "$H/commands"
cp "$DATA/facts/uname-a_esxi.txt" "$H/commands/uname_-a.txt"
cp "$DATA/variations/esxi-i40en-mdd/esxi65-vib-i40en-1.5.8-affected.txt" \
	"$H/vmkernel-log.1"
"$CRASHTRIAGE" analyze --json "$H" >"$WORK/a.json" 2>/dev/null
n=$(grep -c '^{' "$WORK/a.json")
[ "$n" = 1 ] && ok "analyze: a folder of evidence is one case" ||
	not_ok "analyze: a folder of evidence is one case (got $n)"
want=$(jq -r '[.signature.hash, (.matches[0].id // "-"), (.matches[0].verdict // "-")] | join(" ")' "$WORK/a.json")
"$CRASHTRIAGE" batch -q --db "$WORK/h.sqlite" "$H" >/dev/null 2>&1
got=$(q "$WORK/h.sqlite" "SELECT count(*) FROM cases")
[ "$got" = 1 ] && ok "batch: a folder of evidence is one case" ||
	not_ok "batch: a folder of evidence is one case (got $got)"
got=$(q "$WORK/h.sqlite" "SELECT coalesce(s.hash, '') || ' ' || coalesce(m.rule_id, '-') ||
	' ' || coalesce(m.verdict, '-') FROM cases c LEFT JOIN signatures s ON s.case_id = c.id
	LEFT JOIN matches m ON m.case_id = c.id AND m.ord = 0")
[ "$got" = "$want" ] && case $want in *esxi-i40en-mdd*) true ;; *) false ;; esac &&
	ok "batch and analyze agree on it: $got" ||
	not_ok "batch and analyze agree on it (analyze '$want', batch '$got')"
got=$(q "$WORK/h.sqlite" "SELECT count(*) FROM case_inputs")
[ "$got" = 2 ] && ok "batch: both files are inputs of the one case" ||
	not_ok "batch: both files are inputs of the one case (got $got)"

# --- a container: two bundles, a folder of one host, a loose file ---------
C=$WORK/container
V=$C/esx-a.example.com-2026-01-02--03.04-1
mkdir -p "$V/commands" "$V/var/run/log"
cp "$DATA/facts/vmware-vl.txt" "$V/commands/vmware_-vl.txt"
cp "$DATA/vmkernel/esxi65_mdd_then_psod_rbp.log" "$V/var/run/log/vmkernel.log"
S=$C/sosreport-b-2026-01-02-abcdefg
mkdir -p "$S/sos_commands/kernel" "$S/var/log"
cp "$DATA/facts/uname-a_debian.txt" "$S/sos_commands/kernel/uname_-a"
cp "$SEEDS/002_942c7e61156a7fc7.txt" "$S/var/log/messages"
cp -r "$H" "$C/host-c"
cp "$DATA/linux/linux61_kasan_uaf.log" "$C/loose.log"
"$CRASHTRIAGE" analyze --json "$C" >"$WORK/c.json" 2>/dev/null
jq -r '.case' "$WORK/c.json" | sed "s|^$C/||" >"$WORK/c.analyze"
printf '%s\n' esx-a.example.com-2026-01-02--03.04-1 host-c loose.log \
	sosreport-b-2026-01-02-abcdefg >"$WORK/c.want"
cmp -s "$WORK/c.analyze" "$WORK/c.want" &&
	ok "analyze: a container holds 4 cases (2 bundles, a folder, a file)" ||
	{ not_ok "analyze: a container holds 4 cases"; sed 's/^/# /' "$WORK/c.analyze"; }
"$CRASHTRIAGE" batch -q --db "$WORK/c.sqlite" "$C" >/dev/null 2>&1
q "$WORK/c.sqlite" "SELECT c.name FROM cases c ORDER BY c.name" |
	sed "s|^$C/||; s|/$||" >"$WORK/c.batch"
cmp -s "$WORK/c.batch" "$WORK/c.want" &&
	ok "batch: the same 4 cases" ||
	{ not_ok "batch: the same 4 cases"; sed 's/^/# /' "$WORK/c.batch"; }
# and the same answers, case by case
jq -r '[.signature.hash // "", (.matches[0].id // "-")] | join(" ")' "$WORK/c.json" >"$WORK/c.answers"
q "$WORK/c.sqlite" "SELECT coalesce(s.hash, '') || ' ' || coalesce(m.rule_id, '-')
	FROM cases c LEFT JOIN signatures s ON s.case_id = c.id
	LEFT JOIN matches m ON m.case_id = c.id AND m.ord = 0 ORDER BY c.name" >"$WORK/c.banswers"
cmp -s "$WORK/c.answers" "$WORK/c.banswers" &&
	ok "batch and analyze give each case the same signature and issue" ||
	{ not_ok "batch and analyze give each case the same signature and issue";
	  paste "$WORK/c.answers" "$WORK/c.banswers" | sed 's/^/# /'; }

# --- loose files: one case, unless an archive makes the folder a container -
L=$WORK/loose
mkdir -p "$L"
cp "$DATA/linux/linux61_kasan_uaf.log" "$DATA/gdb/segv_core_userspace.txt" "$L/"
"$CRASHTRIAGE" batch -q --db "$WORK/l1.sqlite" "$L" >/dev/null 2>&1
got=$(q "$WORK/l1.sqlite" "SELECT count(*) || ' ' || (SELECT count(*) FROM case_inputs) FROM cases")
[ "$got" = "1 2" ] && ok "a folder of two loose files is one case of 2 inputs" ||
	not_ok "a folder of two loose files is one case of 2 inputs (got $got)"
tar -czf "$L/more.tgz" -C "$DATA/linux" linux515_list_del_bug.log
"$CRASHTRIAGE" batch -q --db "$WORK/l2.sqlite" "$L" >/dev/null 2>&1
got=$(q "$WORK/l2.sqlite" "SELECT count(*) FROM cases")
[ "$got" = 3 ] && ok "with an archive in it, each file is a case (3)" ||
	not_ok "with an archive in it, each file is a case (got $got)"
"$CRASHTRIAGE" analyze --json "$L" >"$WORK/l.json" 2>/dev/null
n=$(grep -c '^{' "$WORK/l.json")
[ "$n" = 3 ] && ok "analyze splits the same container into 3" ||
	not_ok "analyze splits the same container into 3 (got $n)"

# --- an archive: top-level files a case each, a top-level folder one case --
mkdir -p "$WORK/arch/dir"
cp "$DATA/linux/linux61_kasan_uaf.log" "$WORK/arch/top.log"
cp "$DATA/linux/linux515_list_del_bug.log" "$DATA/gdb/segv_core_userspace.txt" "$WORK/arch/dir/"
tar -czf "$WORK/a.tgz" -C "$WORK/arch" top.log dir
"$CRASHTRIAGE" batch -q --db "$WORK/t.sqlite" "$WORK/a.tgz" >/dev/null 2>&1
got=$(q "$WORK/t.sqlite" "SELECT group_concat(member || ':' || (SELECT count(*) FROM case_inputs WHERE case_id = c.id), ' ') FROM (SELECT * FROM cases ORDER BY member) c")
[ "$got" = "dir:2 top.log:1" ] && ok "archive: top.log a case, dir/ one case of 2 files" ||
	not_ok "archive: top.log a case, dir/ one case of 2 files (got '$got')"


finish
