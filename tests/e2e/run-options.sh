#!/bin/sh
# SPDX-License-Identifier: MIT
# run-options.sh - the option table every subcommand parses with
# (cli/options.c): help on stdout with status 0, a usage error (status 2,
# a message naming the option and the usage on stderr) for an unknown
# option, a missing value, a number out of range or a bad choice, and
# repeated list options all kept.
. "$top_srcdir/tests/e2e/test-subr.sh"

# status, stdout and stderr of one run
run() {
	"$CRASHTRIAGE" "$@" >"$WORK/o.txt" 2>"$WORK/e.txt"
	echo $? >"$WORK/rc"
}
rc() { cat "$WORK/rc"; }

for cmd in analyze batch report merge kb walk dmesg symbolize; do
	run "$cmd" --help
	check "$cmd --help: status 0, usage on stdout" \
		sh -c "[ $(rc) -eq 0 ] && grep -qi usage '$WORK/o.txt' && [ ! -s '$WORK/e.txt' ]"
	run "$cmd" --no-such-option x
	check "$cmd --no-such-option: usage error naming it" \
		sh -c "[ $(rc) -eq 2 ] && grep -q -- \"unknown option '--no-such-option'\" '$WORK/e.txt' && grep -qi usage '$WORK/e.txt'"
done

run report --db "$WORK/x.sqlite" --top
check "a missing value is a usage error naming the option" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"'--top' needs a value\" '$WORK/e.txt'"

run report --db "$WORK/x.sqlite" --top 1x
check "a bad number names option and value" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"bad --top '1x'\" '$WORK/e.txt'"

run batch --db "$WORK/x.sqlite" -j 0 "$WORK"
check "a number below its range (-j 0)" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"bad -j '0'\" '$WORK/e.txt'"
run batch --db "$WORK/x.sqlite" -j 257 "$WORK"
check "a number above its range (-j 257)" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"bad -j '257'\" '$WORK/e.txt'"
run batch --db "$WORK/x.sqlite" --case-timeout -5 "$WORK"
check "a negative number is refused" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"bad --case-timeout '-5'\" '$WORK/e.txt'"
[ ! -e "$WORK/x.sqlite" ] && ok "a usage error writes no database" ||
	not_ok "a usage error writes no database"

run analyze --unwinder gdb "$top_srcdir/examples/esxi-fqdn-psod"
check "a choice outside its set (--unwinder gdb)" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"bad --unwinder 'gdb'\" '$WORK/e.txt'"

run kb search --limit 0 x
check "kb --limit 0 is out of range" \
	sh -c "[ $(rc) -eq 2 ] && grep -q -- \"bad --limit '0'\" '$WORK/e.txt'"

# options after operands, and repeated lists, as getopt_long permits
printf 'ffffffff81000000 T alpha\nffffffff81000100 T alpha_end\n' >"$WORK/a.map"
printf 'ffffffff82000000 T beta\nffffffff82000100 T beta_end\n' >"$WORK/b.map"
run symbolize --map "$WORK/a.map" 0xffffffff81000010 0xffffffff82000010 \
	--map "$WORK/b.map" --json
check "options after the operands are read (--json last gives JSON)" \
	sh -c "[ $(rc) -eq 0 ] && head -c1 '$WORK/o.txt' | grep -q '{'"
check "each repeated --map is used (alpha from one, beta from the other)" \
	sh -c "grep -q '\"function\":\"alpha\"' '$WORK/o.txt' && grep -q '\"function\":\"beta\"' '$WORK/o.txt'"

# batch and report take options anywhere too, as analyze does; -- ends them
cp "$DATA/linux/linux61_kasan_uaf.log" "$WORK/k.log"
run batch "$WORK/k.log" --db "$WORK/any.sqlite" -q
check "batch PATH --db FILE: options after the path" \
	sh -c "[ $(rc) -eq 0 ] && [ -s '$WORK/any.sqlite' ]"
run report --db "$WORK/any.sqlite" --json
check "report --db FILE --json" sh -c "[ $(rc) -eq 0 ] && head -c1 '$WORK/o.txt' | grep -q '{'"
run report --json --db "$WORK/any.sqlite" --top 3
check "report in another order" sh -c "[ $(rc) -eq 0 ]"
(cd "$WORK" && "$CRASHTRIAGE" batch --db any.sqlite -- --json >/dev/null 2>&1)
check "batch -- --json: after --, an operand (a path named --json)" \
	sh -c "sqlite3 '$WORK/any.sqlite' \"SELECT count(*) FROM inputs WHERE path = '--json'\" | grep -q 1"
run report --db "$WORK/any.sqlite" extra
check "report with an operand is a usage error" sh -c "[ $(rc) -eq 2 ]"
finish
