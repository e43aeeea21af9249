#!/bin/sh
# SPDX-License-Identifier: MIT
# shards.sh - a sharded crashtriage batch on machines without a scheduler,
# through GNU parallel: shard K of N runs on one of the machines listed in
# SSHLOGINFILE (GNU parallel's --sshloginfile format; ':' is this
# machine), writing OUT/shard-K.sqlite, then this machine merges them
# into OUT/all.sqlite.  OUT and the PATHs must be at the same place on
# every machine (shared storage), and crashtriage on their PATH.
#
#   contrib/parallel/shards.sh N SSHLOGINFILE OUT PATH...
set -eu
[ $# -ge 4 ] || { echo "usage: $0 N SSHLOGINFILE OUT PATH..." >&2; exit 2; }
n=$1 logins=$2 out=$3
shift 3
ct=${CRASHTRIAGE:-crashtriage}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# batch exits 3 when some cases failed: stored, so the shard is done
seq 0 $((n - 1)) | parallel --sshloginfile "$logins" --halt now,fail=1 \
	"$ct batch -q --shard {}/$n --db $out/shard-{}.sqlite $* || [ \$? -eq 3 ]"
"$ct" merge --db "$out/all.sqlite" "$out"/shard-*.sqlite
