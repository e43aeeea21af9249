#!/bin/bash
# SPDX-License-Identifier: MIT
# run-vmcore-lockup.sh - "crashtriage analyze" on real Linux kernel dumps
# of a soft lockup and of an RCU stall, with no debug package.
#
# tests/fixtures/make-vmcore.sh --lockup and --rcu boot Debian's 6.1 cloud
# kernel with tests/fixtures/ct-lockup loaded: its thread spins with
# preemption off on cpu1 in ct_lockup_spin() until the soft-lockup
# detector, or (--rcu, inside an RCU read-side section while another
# thread waits in synchronize_rcu()) RCU's stall detector, panics.  From
# each dump analyze must say a lockup, name the spinning function as the
# guilty frame, carry the stuck task's own stack unwound with ORC through
# the timer interrupt into the module, the blocked waiter's stack (RCU),
# and the module's version as a fact.
. "$(dirname "$0")/test-subr.sh"
command -v jq >/dev/null || skip_all "jq not installed"

for mode in lockup rcu; do
	dir=$("$top_srcdir/tests/fixtures/make-vmcore.sh" --$mode 2>"$WORK/make.err")
	rc=$?
	if [ $rc = 77 ]; then
		skip "the --$mode dump" "$(tail -n1 "$WORK/make.err")"
		continue
	fi
	if [ $rc != 0 ] || [ ! -s "$dir/vmcore.kdump-flat" ]; then
		sed 's/^/# /' "$WORK/make.err"
		not_ok "make-vmcore.sh --$mode made the dump (exit $rc)"
		continue
	fi
	j=$WORK/$mode.json
	"$CRASHTRIAGE" analyze --json "$dir/vmcore.kdump-flat" >"$j" 2>/dev/null
	if [ $mode = lockup ]; then
		title="BUG: soft lockup in ct_lockup_spin"
	else
		title="INFO: rcu detected stall in ct_lockup_spin"
	fi
	jq_check "$mode: a lockup, the spinning function guilty: $title" "$j" \
		".panic.kind == \"lockup\" and .title == \"$title\" and
		 .guilty == \"ct_lockup_spin\""
	jq_check "$mode: the stuck task's own stack by ORC, through the timer interrupt into the module" "$j" \
		'[.backtraces[] | select(.label | test("^pid [0-9]+ \\(ct_lockup\\) panicking, ORC$"))
		  | [.frames[].function]
		  | index("asm_sysvec_apic_timer_interrupt") < index("ct_lockup_spin") and
		    index("ct_lockup_spin") + 1 == index("ct_lockup_thread") and
		    .[-1] == "ret_from_fork"] == [true]'
	jq_check "$mode: the module's version as a fact" "$j" \
		'.facts["driver.ct_lockup.version"] == "0.9.1"'
	if [ $mode = rcu ]; then
		jq_check "rcu: the grace period's waiter, blocked in synchronize_rcu, by ORC" "$j" \
			'[.backtraces[] | select(.label | test("\\(ct_lockup_gp\\) blocked, ORC$"))
			  | [.frames[].function] | index("synchronize_rcu") + 1 == index("ct_lockup_waiter")]
			 == [true]'
	fi
done
finish
