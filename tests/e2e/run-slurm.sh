#!/bin/sh
# SPDX-License-Identifier: MIT
# run-slurm.sh - contrib/slurm/ for real: a one-node Slurm (Debian's
# slurm-wlm with munge) started on this machine from a slurm.conf in a
# temporary folder, on ports of its own (slurmctld and slurmd listen on
# 127.0.0.1 on a free port pair below the ephemeral range, never 6817/6818;
# munged on a socket in the folder, with a key of its own), so nothing of
# the machine's own configuration is read or changed; everything is shut
# down on exit.  contrib/slurm/submit.sh submits a job array of 4 shards
# (at most 2 at once) over a generated archive of 300 cases and the
# dependent merge job; the merged database must equal a single-process
# batch of the same archive.  Slurm's daemons run as root here: the test
# skips only when it is not root.
. "$top_srcdir/tests/e2e/test-subr.sh"

[ "$(id -u)" = 0 ] || skip_all "not root: slurmctld and slurmd run as root in this test"
for t in munged slurmctld slurmd sbatch squeue sinfo sqlite3; do
	command -v $t >/dev/null || PATH=$PATH:/usr/sbin command -v $t >/dev/null ||
		skip_all "$t missing (apt-get install slurm-wlm munge sqlite3)"
done
PATH=$PATH:/usr/sbin

S=$WORK/slurm
mkdir -p "$S/state" "$S/spool" "$S/munge" "$S/out"
chmod 700 "$S/munge"
pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 1' INT TERM

dd if=/dev/urandom of="$S/munge/key" bs=1024 count=1 2>/dev/null
chmod 600 "$S/munge/key"
munged -F --force --socket="$S/munge/sock" --key-file="$S/munge/key" \
	--pid-file="$S/munge/pid" --seed-file="$S/munge/seed" \
	--log-file="$S/munge/log" 2>"$S/munged.err" &
pids="$pids $!"
i=0
while [ ! -S "$S/munge/sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$S/munge/sock" ] || fail_all "munged did not start: $(cat "$S/munged.err" "$S/munge/log" 2>/dev/null | tail -3)"

# free_port_pair: an even port P with P and P+1 bound by nothing on this
# machine, below the ephemeral range (32768 up), where another test's
# client connection could take it between our look and slurmctld's bind
free_port_pair() {
	used=$(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		p=$((12000 + (r % 10000) * 2))
		echo "$used" | grep -qx -e "$(printf %04X $p)" -e "$(printf %04X $((p + 1)))" || break
	done
	echo $p
}

# start_slurm NODE: slurmctld and slurmd on a fresh port pair; succeeds
# once the node is idle; fails, with the daemons stopped and their logs'
# tails in this test's log, if a daemon exits or 90 s pass
start_slurm() {
	node=$1
	port=$(free_port_pair)
	cat >"$S/slurm.conf" <<CONF
ClusterName=crashtriage-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge/sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool/%n
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd-%n.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$(hostname) CPUs=2 RealMemory=100 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
	export SLURM_CONF="$S/slurm.conf"
	slurmctld -D -i -f "$S/slurm.conf" >"$S/slurmctld.out" 2>&1 &
	ctld=$!
	slurmd -D -N "$node" -f "$S/slurm.conf" >"$S/slurmd.out" 2>&1 &
	sd=$!
	pids="$pids $ctld $sd"
	i=0
	state=
	while [ $i -lt 90 ]; do
		state=$(sinfo -h -n "$node" -o %T 2>/dev/null)
		[ "$state" = idle ] && return 0
		kill -0 $ctld 2>/dev/null && kill -0 $sd 2>/dev/null || break
		sleep 1
		i=$((i + 1))
	done
	echo "# port $port, node $node: state '$state' after $i s"
	for f in slurmctld.log slurmd.log slurmctld.out slurmd.out; do
		echo "# --- $f"
		tail -8 "$S/$f" 2>/dev/null | sed 's/^/# /'
	done
	kill $ctld $sd 2>/dev/null
	wait $ctld $sd 2>/dev/null
	return 1
}

# A daemon that cannot bind, or a first start that stalls on a loaded
# machine, gets other ports and another try before the test gives up.
tries=1
until start_slurm "ct$$-$tries"; do
	[ $tries -lt 3 ] || fail_all "the one-node Slurm did not come up in $tries tries (node state '$state')"
	tries=$((tries + 1))
done
ok "one-node Slurm up on port $port (node $node idle, try $tries)"

IN=$WORK/in
mkdir -p "$IN"
PAD=20 "$top_srcdir/bench/gen-cases.sh" 300 "$IN/cases.tgz" || fail_all "bench/gen-cases.sh failed"
"$CRASHTRIAGE" batch -q --db "$WORK/one.sqlite" "$IN" >/dev/null 2>&1

merge=$(CRASHTRIAGE="$CRASHTRIAGE" "$top_srcdir/contrib/slurm/submit.sh" 4 2 "$S/out" "$IN" 2>"$S/submit.err")
case $merge in
[0-9]*) ok "submit.sh: an array of 4 shards and merge job $merge" ;;
*) fail_all "submit.sh failed: $(cat "$S/submit.err")" ;;
esac
i=0
while [ $i -lt 600 ]; do
	left=$(squeue -h -j "$merge" -o "%T %r" 2>/dev/null)
	[ -z "$left" ] && break
	case $left in
	*DependencyNeverSatisfied*) break ;;
	esac
	sleep 0.5
	i=$((i + 1))
done
[ -z "$left" ] && ok "the merge job ran after the array" ||
	not_ok "the merge job ran after the array (still: $left)"
n=$(ls "$S/out"/shard-*.sqlite 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && ok "each array task wrote its own shard database" ||
	{ not_ok "each array task wrote its own shard database ($n)"; cat "$S/out"/*.out 2>/dev/null | head | sed 's/^/# /'; }
for k in 0 1 2 3; do
	c=$(sqlite3 "$S/out/shard-$k.sqlite" "SELECT count(*) FROM cases" 2>/dev/null)
	[ "${c:-0}" -gt 0 ] && ok "shard $k (SLURM_ARRAY_TASK_ID $k): $c cases" ||
		not_ok "shard $k (SLURM_ARRAY_TASK_ID $k): no cases"
done
results_canon "$WORK/one.sqlite" >"$WORK/one.canon"
results_canon "$S/out/all.sqlite" >"$WORK/all.canon" 2>&1
total=$(sqlite3 "$WORK/one.sqlite" "SELECT count(*) FROM cases")
if cmp -s "$WORK/one.canon" "$WORK/all.canon"; then
	ok "Slurm's merged result equals one batch of the same inputs ($total cases)"
else
	not_ok "Slurm's merged result equals one batch of the same inputs"
	diff "$WORK/one.canon" "$WORK/all.canon" | head -5 | cut -c1-200 | sed 's/^/# /'
fi
grep -q "^cases *$total" "$S/out/report.txt" 2>/dev/null &&
	[ -s "$S/out/report.html" ] && ok "the merge job wrote the reports" ||
	not_ok "the merge job wrote the reports"
finish
