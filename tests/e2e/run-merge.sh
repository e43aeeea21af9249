#!/bin/sh
# SPDX-License-Identifier: MIT
# run-merge.sh - `batch --shard K/N` and `merge`: every input and case in
# exactly one shard, a shard rerun changes nothing, shards merged in any
# order (all at once or in steps, one twice) give the same database as
# one batch of the same inputs; report and batch --rematch work on the
# merged database, also read-only; a shard of another schema version and
# bad --shard values are refused with a clear message; and GNU parallel
# runs the shards as contrib/parallel/shards.sh does (':' is this
# machine, so no ssh is needed).
. "$top_srcdir/tests/e2e/test-subr.sh"

command -v sqlite3 >/dev/null || skip_all "sqlite3 missing"
IN=$WORK/in
mkdir -p "$IN/loose"
PAD=20 "$top_srcdir/bench/gen-cases.sh" 150 "$IN/cases.tgz" ||
	fail_all "bench/gen-cases.sh failed"
cp "$DATA/linux/linux61_kasan_uaf.log" "$IN/loose/a.log"
cp "$DATA/gdb/segv_core_userspace.txt" "$IN/loose/b.txt"
cp "$DATA/linux/linux61_kasan_uaf.log" "$IN/loose/same-as-a.log"
cp -r "$top_srcdir/examples/esxi-fqdn-psod" "$IN/psod-folder"

batch() { "$CRASHTRIAGE" batch -q "$@" >/dev/null 2>&1 || [ $? -eq 3 ]; }
canon() { results_canon "$1" >"$2"; }
same() { # NAME A B: the canonical dumps are equal
	if cmp -s "$2" "$3"; then ok "$1"; else
		not_ok "$1"; diff "$2" "$3" | head -10 | sed 's/^/# /'; fi
}

batch --db "$WORK/one.sqlite" "$IN"
canon "$WORK/one.sqlite" "$WORK/one.canon"
total=$(sqlite3 "$WORK/one.sqlite" "SELECT count(*) FROM cases")
[ "$total" -ge 150 ] && ok "one batch: $total cases" || not_ok "one batch: $total cases"

N=4
k=0
while [ $k -lt $N ]; do
	batch --db "$WORK/s$k.sqlite" "$IN" --shard $k/$N
	k=$((k + 1))
done
sum=0
for k in 0 1 2 3; do
	n=$(sqlite3 "$WORK/s$k.sqlite" "SELECT count(*) FROM cases")
	sum=$((sum + n))
	[ "$n" -gt 0 ] && [ "$n" -lt "$total" ] && ok "shard $k/$N holds a share ($n cases)" ||
		not_ok "shard $k/$N holds a share ($n cases of $total)"
done
[ $sum -eq "$total" ] && ok "the shards hold every case once ($sum)" ||
	not_ok "the shards hold every case once ($sum, one batch $total)"
dups=$(for k in 0 1 2 3; do sqlite3 "$WORK/s$k.sqlite" "SELECT i.sha256 || c.member FROM cases c JOIN inputs i ON i.id = c.input_id"; done | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] && ok "no case is in two shards" || not_ok "no case is in two shards ($dups are)"

canon "$WORK/s1.sqlite" "$WORK/s1.before"
batch --db "$WORK/s1.sqlite" --shard 1/$N "$IN"
"$CRASHTRIAGE" batch --db "$WORK/s1.sqlite" --shard 1/$N "$IN" >"$WORK/rerun.out" 2>&1
canon "$WORK/s1.sqlite" "$WORK/s1.after"
same "a shard rerun changes nothing" "$WORK/s1.before" "$WORK/s1.after"
grep -q "0 new" "$WORK/rerun.out" && ok "a shard rerun reads nothing new" ||
	not_ok "a shard rerun reads nothing new ($(cat "$WORK/rerun.out"))"
batch --db "$WORK/all1.sqlite" --shard 0/1 "$IN"
canon "$WORK/all1.sqlite" "$WORK/all1.canon"
same "--shard 0/1 is the whole batch" "$WORK/one.canon" "$WORK/all1.canon"

# ---- merge ---------------------------------------------------------------
"$CRASHTRIAGE" merge --db "$WORK/m1.sqlite" "$WORK"/s0.sqlite "$WORK"/s1.sqlite \
	"$WORK"/s2.sqlite "$WORK"/s3.sqlite >"$WORK/merge.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "merged 4 shards: inputs [0-9]*, cases $total ($total new)" "$WORK/merge.out" &&
	ok "merge of 4 shards: $(cat "$WORK/merge.out")" ||
	not_ok "merge of 4 shards (rc $rc: $(cat "$WORK/merge.out"))"
canon "$WORK/m1.sqlite" "$WORK/m1.canon"
same "merged shards equal one batch of the same inputs" "$WORK/one.canon" "$WORK/m1.canon"
# merge -> report JSON without storage times
report_json() { "$CRASHTRIAGE" report --json --db "$1" | jq -cS 'del(.added_at, .id, .cluster)' | sort; }
report_json "$WORK/m1.sqlite" >"$WORK/m1.json"
report_json "$WORK/one.sqlite" >"$WORK/one.json"
same "report --json of the merge equals one batch's" "$WORK/one.json" "$WORK/m1.json"

"$CRASHTRIAGE" merge "$WORK"/s3.sqlite "$WORK"/s1.sqlite --db "$WORK/m2.sqlite" \
	"$WORK"/s0.sqlite "$WORK"/s2.sqlite >/dev/null 2>&1
canon "$WORK/m2.sqlite" "$WORK/m2.canon"
same "another order gives the same content" "$WORK/m1.canon" "$WORK/m2.canon"
"$CRASHTRIAGE" merge --db "$WORK/m3.sqlite" "$WORK"/s2.sqlite >/dev/null 2>&1
"$CRASHTRIAGE" merge --db "$WORK/m3.sqlite" "$WORK"/s0.sqlite "$WORK"/s3.sqlite >/dev/null 2>&1
"$CRASHTRIAGE" merge --db "$WORK/m3.sqlite" "$WORK"/s1.sqlite "$WORK"/s1.sqlite >/dev/null 2>&1
canon "$WORK/m3.sqlite" "$WORK/m3.canon"
same "merged in steps (one shard twice) gives the same content" "$WORK/m1.canon" "$WORK/m3.canon"
sqlite3 "$WORK/m1.sqlite" .dump | grep -v "INSERT INTO inputs\|INSERT INTO cases" >"$WORK/m1.dump"
sqlite3 "$WORK/m2.sqlite" .dump | grep -v "INSERT INTO inputs\|INSERT INTO cases" >"$WORK/m2.dump"
same "another order gives the same rows, ids and clusters included" "$WORK/m1.dump" "$WORK/m2.dump"
"$CRASHTRIAGE" merge --db "$WORK/m1.sqlite" "$WORK"/s2.sqlite "$WORK/m1.sqlite" >/dev/null 2>&1
canon "$WORK/m1.sqlite" "$WORK/m1.again"
same "merging a shard again changes nothing" "$WORK/m1.canon" "$WORK/m1.again"
ls "$WORK"/m1.sqlite.merge* >/dev/null 2>&1 && not_ok "no temporary file left" ||
	ok "no temporary file left"

# ---- the merged database as any other ------------------------------------
mkdir "$WORK/ro"
cp "$WORK/m1.sqlite" "$WORK/ro/m.sqlite"
chmod 444 "$WORK/ro/m.sqlite"
chmod 555 "$WORK/ro"
check "report reads a merged database in a read-only folder" \
	sh -c "'$CRASHTRIAGE' report --db '$WORK/ro/m.sqlite' | grep -q '^cases *$total'"
check "report --html of a merged read-only database" \
	"$CRASHTRIAGE" report --db "$WORK/ro/m.sqlite" --html "$WORK/m.html"
chmod 755 "$WORK/ro"
"$CRASHTRIAGE" batch --rematch --db "$WORK/m1.sqlite" >"$WORK/rematch.out" 2>&1 &&
	grep -q "rematched" "$WORK/rematch.out" && ok "batch --rematch on a merged database" ||
	not_ok "batch --rematch on a merged database ($(cat "$WORK/rematch.out"))"
canon "$WORK/m1.sqlite" "$WORK/m1.rematched"
# a rematch keeps every case as stored (the report type is stored too)
canon "$WORK/one.sqlite" "$WORK/one.rematched"
same "a merged database rematched equals one batch of the same inputs" "$WORK/one.rematched" "$WORK/m1.rematched"
batch --db "$WORK/m1.sqlite" "$IN"
canon "$WORK/m1.sqlite" "$WORK/m1.batched"
same "batch of the same inputs into a merged database adds nothing" "$WORK/m1.rematched" "$WORK/m1.batched"

# ---- refusals -------------------------------------------------------------
for v in 2 99; do
	cp "$WORK/s0.sqlite" "$WORK/v$v.sqlite"
	sqlite3 "$WORK/v$v.sqlite" "UPDATE schema_version SET version = $v"
	cp "$WORK/m2.sqlite" "$WORK/m2.keep"
	"$CRASHTRIAGE" merge --db "$WORK/m2.sqlite" "$WORK/s1.sqlite" "$WORK/v$v.sqlite" \
		>/dev/null 2>"$WORK/v.err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "v$v.sqlite" "$WORK/v.err" && grep -q "version $v" "$WORK/v.err" &&
		cmp -s "$WORK/m2.sqlite" "$WORK/m2.keep" &&
		ok "a shard of schema version $v is refused, naming it, the target unchanged" ||
		not_ok "a shard of schema version $v is refused (rc $rc: $(cat "$WORK/v.err"))"
done
printf 'not a database' >"$WORK/junk.sqlite"
"$CRASHTRIAGE" merge --db "$WORK/j.sqlite" "$WORK/junk.sqlite" >/dev/null 2>"$WORK/j.err"
rc=$?
[ $rc -eq 1 ] && grep -q "junk.sqlite" "$WORK/j.err" && [ ! -e "$WORK/j.sqlite" ] &&
	ok "a file that is no results database is refused, nothing created" ||
	not_ok "a file that is no results database is refused (rc $rc: $(cat "$WORK/j.err"))"
for bad in 4/4 1/0 x 1/ /4 -1/4 1/4x 0/65537; do
	"$CRASHTRIAGE" batch --db "$WORK/bad.sqlite" --shard "$bad" "$IN" >/dev/null 2>"$WORK/b.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q -- "--shard wants K/N" "$WORK/b.err" && [ ! -e "$WORK/bad.sqlite" ] &&
		ok "--shard $bad is a usage error" || not_ok "--shard $bad is a usage error (rc $rc)"
done
"$CRASHTRIAGE" merge "$WORK/s0.sqlite" >/dev/null 2>&1
[ $? -eq 2 ] && ok "merge without --db is a usage error" || not_ok "merge without --db is a usage error"

# ---- GNU parallel, as contrib/parallel/shards.sh runs it ------------------
if command -v parallel >/dev/null; then
	echo ":" >"$WORK/logins"
	PATH="$(dirname "$CRASHTRIAGE"):$PATH" CRASHTRIAGE="$CRASHTRIAGE" \
		"$top_srcdir/contrib/parallel/shards.sh" 3 "$WORK/logins" "$WORK/par" "$IN" \
		>"$WORK/par.out" 2>&1
	rc=$?
	canon "$WORK/par/all.sqlite" "$WORK/par.canon" 2>/dev/null
	[ $rc -eq 0 ] && [ -f "$WORK/par/shard-2.sqlite" ] &&
		ok "contrib/parallel/shards.sh over 3 local shards" ||
		{ not_ok "contrib/parallel/shards.sh over 3 local shards (rc $rc)"; sed 's/^/# /' "$WORK/par.out" | head; }
	same "parallel's merged shards equal one batch" "$WORK/one.canon" "$WORK/par.canon"
else
	skip "GNU parallel over local shards" "parallel missing"
fi
finish
