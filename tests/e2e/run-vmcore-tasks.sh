#!/bin/bash
# SPDX-License-Identifier: MIT
# run-vmcore-tasks.sh - "crashtriage ps" and "crashtriage bt" on real Linux
# kernel dumps with no debug package: task_struct's layout from the
# kernel's BTF in the dump, stacks unwound with its ORC tables
# (tests/fixtures/make-vmcore.sh makes and caches the dumps: Debian's 6.1
# cloud kernel under QEMU, panicked with sysrq-c by init).
#
#  - ps lists swapper/0, init (pid 1, panicking, on its CPU) and kthreadd
#    (pid 2, sleeping), the same from all three dump formats;
#  - bt of the panicking task holds, from panic on, exactly the reliable
#    frames of the guest's own Call Trace in serial.log; a kthread's ends
#    in ret_from_fork; every stack ends by ORC (no scan);
#  - on the second set (make-vmcore.sh --tasks), whose guest printed its
#    task list and every task's stack (sysrq-t) just before the panic: ps
#    holds every task the guest listed with its name and state, and bt
#    --all gives every stack the guest printed, function names in order
#    (init's differs: it printed them, then panicked);
#  - on the third set (make-vmcore.sh --hung), where a test module's
#    kernel threads block on a mutex until the hung-task detector panics:
#    the module list with the module's version and its own ORC, the
#    blocked tasks' stacks through the module's code equal to the
#    detector's own reports, and analyze adds them as backtraces with the
#    module's version as a fact.
. "$(dirname "$0")/test-subr.sh"
command -v jq >/dev/null || skip_all "jq not installed"
command -v python3 >/dev/null || skip_all "python3 not installed"
compare="$top_srcdir/tests/e2e/ktasks-compare.py"

# more_dumps MODE: make-vmcore.sh --MODE's set into $more; false after a
# skip (it cannot run here: exit 77) or a failure (it should have).
more_dumps() {
	more=$("$top_srcdir/tests/fixtures/make-vmcore.sh" --$1 2>"$WORK/make-$1.err")
	rc=$?
	if [ $rc = 77 ]; then
		skip "the --$1 dump's checks" "$(tail -n1 "$WORK/make-$1.err")"
		return 1
	fi
	if [ $rc != 0 ] || [ ! -f "$more/vmcore.kdump-flat" ]; then
		not_ok "make-vmcore.sh --$1 made the dump (exit $rc)"
		sed 's/^/# /' "$WORK/make-$1.err" | tail -20
		return 1
	fi
}

dir=$("$top_srcdir/tests/fixtures/make-vmcore.sh" 2>"$WORK/make.err")
rc=$?
if [ $rc = 77 ]; then
	skip_all "$(tail -n1 "$WORK/make.err")"
fi
if [ $rc != 0 ] || [ ! -f "$dir/vmcore-paging.elf" ]; then
	not_ok "make-vmcore.sh made the dumps (exit $rc)"
	sed 's/^/# /' "$WORK/make.err" | tail -20
	finish
fi

# ps: the same tasks from every format
for f in vmcore-paging.elf vmcore-phys.elf vmcore.kdump-flat; do
	"$CRASHTRIAGE" ps --json "$dir/$f" >"$WORK/ps-$f.json" 2>"$WORK/ps-$f.err"
	check "ps reads the tasks of $f, saying nothing is lost" \
		test $? = 0 -a ! -s "$WORK/ps-$f.err"
done
p=$WORK/ps-vmcore-paging.elf.json
cmp -s "$p" "$WORK/ps-vmcore-phys.elf.json" &&
cmp -s "$p" "$WORK/ps-vmcore.kdump-flat.json" &&
	ok "ps is the same for the paging, physical and kdump dumps" ||
	not_ok "ps is the same for the paging, physical and kdump dumps"
jq_check "ps: swapper/0 is pid 0, the first" "$p" \
	'.tasks[0].pid == 0 and .tasks[0].comm == "swapper/0"'
jq_check "ps: init is pid 1, running on cpu 0, and panicking (it wrote to sysrq-trigger)" "$p" \
	'[.tasks[] | select(.pid == 1)][0] | .comm == "init" and
	 .state == "R" and .on_cpu and .panicking and .cpu == 0 and
	 (.kthread | not)'
jq_check "ps: kthreadd is pid 2, a sleeping kernel thread" "$p" \
	'[.tasks[] | select(.pid == 2)][0] | .comm == "kthreadd" and
	 .state == "S" and .kthread and (.panicking | not)'
jq_check "ps: one panicking task, no notes" "$p" \
	'([.tasks[] | select(.panicking)] | length == 1) and
	 (.notes | length == 0) and (.tasks | length > 30)'
"$CRASHTRIAGE" ps "$dir/vmcore-paging.elf" >"$WORK/ps.txt" 2>&1
grep -Eq '^ +1 +1 +0 R !> init$' "$WORK/ps.txt" &&
	ok "ps text: init marked panicking and on its CPU" ||
	not_ok "ps text: init marked panicking and on its CPU"

# bt: the panicking task's stack against the guest's own Call Trace
b=$WORK/bt.json
"$CRASHTRIAGE" bt --json "$dir/vmcore-paging.elf" >"$b" 2>"$WORK/bt.err"
jq_check "bt: the panicking task, from cpu0's registers, complete" "$b" \
	'(.stacks | length == 1) and .stacks[0].task.pid == 1 and
	 .stacks[0].start == "registers" and .stacks[0].regs_cpu == 0 and
	 .stacks[0].complete and (.stacks[0].end | test("user mode"))'
# the guest's trace: the reliable frames of the panic's Call Trace
sed -n '/Kernel panic - not syncing/,/<\/TASK>/p' "$dir/serial.log" |
	sed -n 's/^\[ *[0-9.]*\]  \([A-Za-z_][A-Za-z0-9_.]*\)+0x.*/\1/p' \
	>"$WORK/guest-panic.txt"
# dump_stack_lvl had returned when the dump was taken: compare from panic
sed -n '/^panic$/,$p' "$WORK/guest-panic.txt" >"$WORK/want.txt"
jq -r '.stacks[0].frames[] | select(.reliable) | .function' "$b" |
	sed -n '/^panic$/,$p' >"$WORK/got.txt"
if [ -s "$WORK/want.txt" ] && cmp -s "$WORK/want.txt" "$WORK/got.txt"; then
	ok "bt: from panic on, the guest's Call Trace ($(wc -l <"$WORK/want.txt") frames, in order)"
else
	not_ok "bt: from panic on, the guest's Call Trace"
	diff "$WORK/want.txt" "$WORK/got.txt" | sed 's/^/# /'
fi
jq_check "bt: the sysrq panic path, named from kallsyms" "$b" \
	'[.stacks[0].frames[].function] | index("sysrq_handle_crash") != null
	 and index("write_sysrq_trigger") != null'
"$CRASHTRIAGE" bt --pid 2 --json "$dir/vmcore-paging.elf" >"$WORK/bt2.json"
jq_check "bt --pid 2: kthreadd from its saved stack pointer, ends in ret_from_fork" "$WORK/bt2.json" \
	'.stacks[0].start == "saved stack pointer" and .stacks[0].complete and
	 .stacks[0].frames[-1].function == "ret_from_fork" and
	 ([.stacks[0].frames[].function] | index("kthreadd") != null)'
"$CRASHTRIAGE" bt --all --json "$dir/vmcore.kdump-flat" >"$WORK/all.json"
jq_check "bt --all (kdump): every task's stack ends by ORC, none scanned" "$WORK/all.json" \
	'(.stacks | length) == ([.stacks[] | select(.complete and
	 (.scanned | not))] | length) and (.stacks | length > 30)'
jq_check "bt --all: every kernel thread ends in ret_from_fork" "$WORK/all.json" \
	'[.stacks[] | select(.task.kthread and .task.pid != 0)
	  | .frames[-1].function == "ret_from_fork"] | all'
"$CRASHTRIAGE" bt --state S --json "$dir/vmcore.kdump-flat" >"$WORK/s.json"
jq_check "bt --state S: sleeping tasks only, kthreadd among them" "$WORK/s.json" \
	'([.stacks[].task.state] | unique == ["S"]) and
	 ([.stacks[].task.pid] | index(2) != null)'
"$CRASHTRIAGE" bt --pid 99999 "$dir/vmcore.kdump-flat" >/dev/null 2>"$WORK/none.err"
check "bt --pid of no task: exit 1, says so" \
	test $? = 1 -a -n "$(grep 'no task matched' "$WORK/none.err")"

# A broken task list, on a copy: task 10's next poisoned, then looping
cp "$dir/vmcore-paging.elf" "$WORK/broken.elf"
if python3 "$compare" corrupt "$WORK/broken.elf" "$p" 10 poison >"$WORK/member" 2>&1; then
	"$CRASHTRIAGE" ps --json "$WORK/broken.elf" >"$WORK/broken.json" 2>/dev/null
	jq_check "broken list: the tasks before the break, and where it broke" "$WORK/broken.json" \
		'(.tasks | length) == 11 + ([.tasks[] | select(.comm | test("^swapper/[1-9]"))] | length)
		 and ([.notes[] | select(test("the task list broken after 10 tasks .*after mm_percpu_wq.*next is 0xdead000000000100, list poison"))] | length == 1)'
	"$CRASHTRIAGE" walk --json "$WORK/broken.elf" --root init_task --type task_struct \
		--member tasks --elem-type task_struct --link tasks >"$WORK/bwalk.json" 2>/dev/null
	jq_check "walk (BTF): the poisoned next found at element 9, the rest recovered from the tail" "$WORK/bwalk.json" \
		'.count == 10 and .findings[0].kind == "poison" and
		 .findings[0].element == 9 and .recovered.count > 20 and .recovered.joined == 9'
	cp "$dir/vmcore-paging.elf" "$WORK/broken.elf"
	python3 "$compare" corrupt "$WORK/broken.elf" "$p" 10 loop >/dev/null
	"$CRASHTRIAGE" ps --json "$WORK/broken.elf" >"$WORK/loop.json" 2>/dev/null
	jq_check "looping list: stopped, the loop said" "$WORK/loop.json" \
		'[.notes[] | select(test("the task list: the back link|loops back to the task at 0x[0-9a-f]+ after 10 tasks"))]
		 | length >= 1 and (map(select(test("loops back"))) | length == 1)'
else
	not_ok "the copy's task list can be corrupted"
	sed 's/^/# /' "$WORK/member"
fi
# walk: kernel lists and trees with the engines of user cores, BTF offsets
"$CRASHTRIAGE" walk --json "$dir/vmcore-paging.elf" --root init_task --type task_struct \
	--member tasks --elem-type task_struct --link tasks >"$WORK/walk.json" 2>"$WORK/walk.err"
check "walk init_task.tasks: exit 0" test $? = 0
n=$(jq '[.tasks[] | select(.pid != 0)] | length' "$p")
jq_check "walk init_task.tasks: every task ps lists but init_task, no findings" "$WORK/walk.json" \
	".count == $n and (.findings | length == 0) and .kind == \"list_head\""
"$CRASHTRIAGE" walk --json "$dir/vmcore-paging.elf" --root init_task --type task_struct \
	--member children --elem-type task_struct --link sibling >"$WORK/children.json" 2>/dev/null
jq_check "walk init_task.children: init and kthreadd" "$WORK/children.json" \
	'.count == 2 and (.findings | length == 0)'
"$CRASHTRIAGE" walk --json "$dir/vmcore-paging.elf" --root vmap_area_root \
	--kind linux-rb --elem-type vmap_area --link rb_node >"$WORK/rb.json" 2>/dev/null
jq_check "walk vmap_area_root: a red-black tree checked in order, clean" "$WORK/rb.json" \
	'.kind == "linux-rb" and .count > 10 and (.findings | length == 0)'
jq_check "walk init_task.tasks: every pointer member checked from BTF" "$WORK/walk.json" \
	'.member_note | test("^struct task_struct: only the first 64 pointer members checked")'
# every pointer member and each cache's name (--string) of 150-odd real
# kmem_caches, from BTF: a real kernel's pointers give no false finding
"$CRASHTRIAGE" walk --json "$dir/vmcore-paging.elf" --root slab_caches \
	--elem-type kmem_cache --link list --string name >"$WORK/slab.json" 2>/dev/null
jq_check "walk slab_caches --string name: >100 caches, no finding" "$WORK/slab.json" \
	'.count > 100 and (.findings | length == 0) and
	 (.member_note | test("pointer members checked"))'
for f in vmcore-phys.elf vmcore.kdump-flat; do
	"$CRASHTRIAGE" walk --json "$dir/$f" --root slab_caches --elem-type kmem_cache \
		--link list --string name >"$WORK/slab-$f.json" 2>/dev/null
	check "walk slab_caches on $f: the same caches and findings as on the paging ELF" \
		test "$(jq -c '[.elements, .findings]' "$WORK/slab-$f.json")" = \
		"$(jq -c '[.elements, .findings]' "$WORK/slab.json")"
done
"$CRASHTRIAGE" walk --json "$dir/vmcore-paging.elf" --root slab_caches \
	--elem-type kmem_cache --link list --string size >/dev/null 2>"$WORK/slab.err"
check "walk --string on a number: refused, saying why" \
	grep -q "member 'size' of struct 'kmem_cache' is not a char pointer" "$WORK/slab.err"

# BTF that does not parse (its magic overwritten): said plainly; bt and
# analyze unwind the CPUs' registers instead of tasks
cp "$dir/vmcore-paging.elf" "$WORK/broken.elf"
btf=$("$CRASHTRIAGE" dmesg --kallsyms "$dir/vmcore-paging.elf" |
	awk '$3 == "__start_BTF" { print $1 }')
python3 "$compare" poke "$WORK/broken.elf" "$btf" 0
"$CRASHTRIAGE" ps "$WORK/broken.elf" >/dev/null 2>"$WORK/nobtf.err"
check "no BTF: ps fails, saying the BTF does not parse" \
	test $? = 1 -a -n "$(grep 'no tasks: the BTF blob of .* does not parse' "$WORK/nobtf.err")"
"$CRASHTRIAGE" bt --json "$WORK/broken.elf" >"$WORK/nobtf.json" 2>/dev/null
jq_check "no BTF: bt unwinds cpu0 from its registers, through the sysrq path" "$WORK/nobtf.json" \
	'.stacks[0].task == null and .stacks[0].regs_cpu == 0 and
	 .stacks[0].complete and
	 ([.stacks[0].frames[].function] | index("sysrq_handle_crash") != null)'
"$CRASHTRIAGE" analyze --json "$WORK/broken.elf" >"$WORK/nobtf-an.json" 2>/dev/null
jq_check "no BTF: analyze has cpu0's ORC stack and says why there are no tasks" "$WORK/nobtf-an.json" \
	'([.backtraces[].label] | index("cpu0 registers, ORC") != null) and
	 ([.notes[] | select(test("does not parse"))] | length >= 1)'

# A dump cut at 60%: tasks still listed, what is lost said
head -c $(( $(stat -c %s "$dir/vmcore-paging.elf") * 60 / 100 )) \
	"$dir/vmcore-paging.elf" >"$WORK/broken.elf"
"$CRASHTRIAGE" ps --json "$WORK/broken.elf" >"$WORK/cut.json" 2>/dev/null
jq_check "cut dump: the tasks listed, the cut and the unknown panicking task said" "$WORK/cut.json" \
	'(.tasks | length > 30) and
	 ([.notes[] | select(test("cut off"))] | length >= 1) and
	 ([.notes[] | select(test("panicking task is unknown"))] | length == 1)'
"$CRASHTRIAGE" bt --all --json "$WORK/broken.elf" >"$WORK/cutbt.json" 2>/dev/null
jq_check "cut dump: bt --all gives every stack, each saying how it ended" "$WORK/cutbt.json" \
	'(.stacks | length > 30) and ([.stacks[] | .end | length > 0] | all)'
rm -f "$WORK/broken.elf"

# analyze: the panicking task's ORC stack joins the case
"$CRASHTRIAGE" analyze --json "$dir/vmcore-paging.elf" >"$WORK/an.json" 2>/dev/null
jq_check "analyze: the panicking task's ORC stack is a backtrace of reliable frames" "$WORK/an.json" \
	'[.backtraces[] | select(.label == "pid 1 (init) panicking, ORC")][0]
	 | ([.frames[] | select(.reliable) | .function]
	    | index("sysrq_handle_crash") != null and
	      index("entry_SYSCALL_64_after_hwframe") != null)'
jq_check "analyze: signature still from the log's trace; BTF, ORC and task facts" "$WORK/an.json" \
	'.signature.frames[0] == "sysrq_handle_crash" and
	 (.facts["vmcore.tasks"] | tonumber) > 30 and
	 (.facts["vmcore.btf_types"] | tonumber) > 10000 and
	 (.facts["vmcore.orc_entries"] | tonumber) > 10000 and
	 ([.notes[] | select(test("BTF|ORC|task list"))] | length == 0)'

# The second set: the guest's own task list and stacks before the panic
if more_dumps tasks; then
tdir=$more
td=$tdir/vmcore.kdump-flat
"$CRASHTRIAGE" ps --json "$td" >"$WORK/tps.json" 2>/dev/null
python3 "$compare" ps "$tdir/tasks-truth.txt" "$WORK/tps.json" >"$WORK/tps.txt"
sum=$(tail -n1 "$WORK/tps.txt")
set -- $sum
if [ "$2" -gt 30 ] && [ "$2" = "$4" ] && [ "$2" = "$6" ]; then
	ok "ps: every task the guest listed, with its name and state ($sum)"
else
	not_ok "ps: every task the guest listed, with its name and state ($sum)"
	sed 's/^/# /' "$WORK/tps.txt" | head -20
fi
"$CRASHTRIAGE" bt --all --json "$td" >"$WORK/tbt.json" 2>/dev/null
python3 "$compare" bt "$tdir/sysrq-t.txt" "$WORK/tbt.json" >"$WORK/tbt.txt"
sum=$(tail -n1 "$WORK/tbt.txt")
set -- $sum
# init printed the stacks from sysrq-t, then panicked: its own differs
if [ "$2" -gt 30 ] && [ "$4" = $(($2 - 1)) ] &&
   grep -q '^pid 1: guest' "$WORK/tbt.txt"; then
	ok "bt --all: every other task's stack equals the guest's sysrq-t ($sum)"
else
	not_ok "bt --all: every other task's stack equals the guest's sysrq-t ($sum)"
	sed 's/^/# /' "$WORK/tbt.txt" | head -20
fi

fi

# The third set: a hung-task panic with kernel threads blocked in a module
if more_dumps hung; then
hdir=$more
hd=$hdir/vmcore.kdump-flat
"$CRASHTRIAGE" ps --modules --json "$hd" >"$WORK/mods.json" 2>/dev/null
"$CRASHTRIAGE" walk --json "$hd" --root modules --elem-type module --link list \
	>"$WORK/mwalk.json" 2>/dev/null
jq_check "walk modules: both modules, the list and their pointers clean (module.init, which dangles by design, left out)" "$WORK/mwalk.json" \
	'.count == 2 and (.findings | length == 0) and
	 (.member_note | test("50 pointer members checked"))'
# a module's own data symbol as the root: the mutex ct_hang's threads
# block on, its wait list of the three blocked workers' mutex_waiters
"$CRASHTRIAGE" walk --json "$hd" --root ct_hang_lock --type mutex --member wait_list \
	--elem-type mutex_waiter --link list >"$WORK/mutex.json" 2>/dev/null
jq_check "walk ct_hang_lock.wait_list (a module's symbol): the 3 blocked workers, clean" "$WORK/mutex.json" \
	'.count == 3 and (.findings | length == 0)'
# a rule's walk runs on a kernel dump too, in analyze and in batch
mkdir -p "$WORK/kb"
cat >"$WORK/kb/test-ct-hang-waiters.yaml" <<'EOF'
id: test-ct-hang-waiters
title: "test: a freed waiter on ct_hang's mutex"
product: linux
component: "tests/fixtures/ct-hang"
references:
  - "tests/e2e/run-vmcore-tasks.sh"
summary: >
  A test rule: the waiters of ct_hang_lock, walked with BTF.
workaround: >
  None.
threshold: 0.5
signals:
  - finding:
      kind: freed
      type: mutex_waiter
    weight: 1.0
walks:
  - root: ct_hang_lock
    type: mutex
    member: wait_list
    elem_type: mutex_waiter
    link: list
  - root: no_such_symbol_anywhere
    type: mutex
    member: wait_list
EOF
CRASHTRIAGE_KB="$WORK/kb" "$CRASHTRIAGE" analyze --json "$hd" >"$WORK/rwalk.json" 2>/dev/null
jq_check "analyze: a rule's walk on the kernel dump (module symbol, BTF), the one rooted nowhere not tried" "$WORK/rwalk.json" \
	'([.notes[] | select(test("walked ct_hang_lock.wait_list for rule test-ct-hang-waiters: 3 elements, 0 findings"))] | length == 1)
	 and ([.notes[] | select(test("no_such_symbol"))] | length == 0)'
CRASHTRIAGE_KB="$WORK/kb" "$CRASHTRIAGE" batch --db "$WORK/rwalk.sqlite" "$hd" >/dev/null 2>&1
check "batch: the same walk on the kernel dump, noted in the stored case" \
	test "$(sqlite3 "$WORK/rwalk.sqlite" "SELECT count(*) FROM notes WHERE text LIKE '%walked ct_hang_lock.wait_list for rule test-ct-hang-waiters: 3 elements, 0 findings%'" 2>&1)" = 1
jq_check "ps --modules: ct_hang 1.2.3 with its own ORC and symbols, and qemu_fw_cfg" "$WORK/mods.json" \
	'([.modules[] | select(.name == "ct_hang")][0] | .version == "1.2.3"
	  and .state == "live" and .orc_entries > 0 and .symbols >= 2) and
	 ([.modules[].name] | index("qemu_fw_cfg") != null)'
"$CRASHTRIAGE" bt --state D --json "$hd" >"$WORK/hbt.json" 2>/dev/null
jq_check "bt --state D: the three blocked threads, through the module by ORC" "$WORK/hbt.json" \
	'(.stacks | length == 3) and
	 ([.stacks[] | .complete and (.scanned | not) and
	   ([.frames[] | select(.module == "ct_hang") | .function]
	    == ["ct_hang_wait", "ct_hang_worker"])] | all)'
python3 "$compare" bt "$hdir/serial.log" "$WORK/hbt.json" >"$WORK/hbt.txt"
sum=$(tail -n1 "$WORK/hbt.txt")
[ "$sum" = "stacks 3 equal 3" ] &&
	ok "bt: the blocked stacks equal the hung-task detector's reports ($sum)" || {
	not_ok "bt: the blocked stacks equal the hung-task detector's reports ($sum)"
	sed 's/^/# /' "$WORK/hbt.txt" | head -20
}
"$CRASHTRIAGE" bt --all --json "$hd" >"$WORK/hall.json" 2>/dev/null
jq_check "bt (2 CPUs): cpu0's idle task from its registers, through the reboot IPI's pt_regs (and any interrupt it came in), the IRQ stack, to start_kernel" "$WORK/hall.json" \
	'[.stacks[] | select(.task.pid == 0)][0] | .regs_cpu == 0 and .complete
	 and ([.frames[] | select(.regs) | .function]
	      | .[0] == "asm_sysvec_reboot" and all(startswith("asm_")))
	 and ([.frames[].function] | index("do_idle") != null and
	      index("start_kernel") != null)'
"$CRASHTRIAGE" ps --json "$hd" >"$WORK/hps.json" 2>/dev/null
jq_check "ps (2 CPUs): both idle tasks, swapper/1 from idle_threads" "$WORK/hps.json" \
	'([.tasks[] | select(.pid == 0) | .comm] | sort == ["swapper/0", "swapper/1"])
	 and ([.tasks[] | select(.comm == "swapper/1")][0] | .cpu == 1 and .state == "R")'
jq_check "bt --all (2 CPUs): swapper/1 from its saved stack pointer, in do_idle" "$WORK/hall.json" \
	'[.stacks[] | select(.task.comm == "swapper/1")][0]
	 | .complete and ([.frames[].function] | index("do_idle") != null)'
jq_check "bt --all (2 CPUs): every stack complete by ORC" "$WORK/hall.json" \
	'[.stacks[] | .complete and (.scanned | not)] | all'
sed -n '/Kernel panic - not syncing/,/<\/TASK>/p' "$hdir/serial.log" |
	sed -n 's/^\[ *[0-9.]*\]  \([A-Za-z_][A-Za-z0-9_.]*\)+0x.*/\1/p' |
	sed -n '/^panic$/,$p' >"$WORK/hwant.txt"
jq -r '.stacks[] | select(.task.panicking) | .frames[] | select(.reliable)
	| .function' "$WORK/hall.json" | sed -n '/^panic$/,$p' >"$WORK/hgot.txt"
if [ -s "$WORK/hwant.txt" ] && cmp -s "$WORK/hwant.txt" "$WORK/hgot.txt"; then
	ok "bt: khungtaskd on cpu1, from panic on, the guest's Call Trace"
else
	not_ok "bt: khungtaskd on cpu1, from panic on, the guest's Call Trace"
	diff "$WORK/hwant.txt" "$WORK/hgot.txt" | sed 's/^/# /'
fi
"$CRASHTRIAGE" analyze --json "$hd" >"$WORK/han.json" 2>/dev/null
jq_check "analyze: hung task; the blocked tasks' ORC stacks; the module's version fact" "$WORK/han.json" \
	'.panic.kind == "hung-task" and
	 ([.backtraces[] | select(.label | test("blocked, ORC$"))] | length == 3) and
	 ([.backtraces[] | select(.label | test("blocked, ORC$"))][0]
	  | [.frames[].function] | index("ct_hang_wait") != null) and
	 .facts["driver.ct_hang.version"] == "1.2.3" and
	 .facts["vmcore.modules"] == "2"'
# the same dump as makedumpfile writes it (diskdump, not flattened): the
# same tasks and the same blocked stacks
if command -v makedumpfile >/dev/null &&
   makedumpfile -R "$WORK/hung.kdump" <"$hd" >/dev/null 2>&1; then
	"$CRASHTRIAGE" bt --state D --json "$WORK/hung.kdump" >"$WORK/dbt.json" 2>/dev/null
	"$CRASHTRIAGE" ps --json "$WORK/hung.kdump" >"$WORK/dps.json" 2>/dev/null
	check "makedumpfile -R's diskdump: ps and bt --state D equal the flattened dump's" \
		test "$(jq -c '[.tasks[] | [.pid, .state, .comm]]' "$WORK/dps.json")" = \
		"$(jq -c '[.tasks[] | [.pid, .state, .comm]]' "$WORK/hps.json")" -a \
		"$(jq -c '[.stacks[] | [.frames[].function]]' "$WORK/dbt.json")" = \
		"$(jq -c '[.stacks[] | [.frames[].function]]' "$WORK/hbt.json")" -a \
		"$(jq '.stacks | length' "$WORK/dbt.json")" = 3
else
	not_ok "makedumpfile -R rearranges the flattened dump"
fi
jq_check "analyze: the panicking task is khungtaskd" "$WORK/han.json" \
	'[.backtraces[].label] | index("pid 23 (khungtaskd) panicking, ORC") != null
	 or (map(select(test("khungtaskd. panicking, ORC"))) | length == 1)'
fi
finish
