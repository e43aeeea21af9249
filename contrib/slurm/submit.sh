#!/bin/sh
# SPDX-License-Identifier: MIT
# submit.sh - submit a sharded crashtriage batch to Slurm: an array of
# SHARDS tasks (at most PARALLEL at once), each writing OUT/shard-K.sqlite,
# and a merge job that runs when all of them succeeded and writes
# OUT/all.sqlite, OUT/report.txt and OUT/report.html.  OUT and the PATHs
# must be on storage every node sees.  Prints the merge job's id.
#
#   contrib/slurm/submit.sh SHARDS PARALLEL OUT PATH...
#
# Extra sbatch options (partition, time, CPUs) come from SBATCH_OPTS;
# CRASHTRIAGE and BATCH_OPTS are passed to the jobs.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 SHARDS PARALLEL OUT PATH..." >&2; exit 2; }
shards=$1 parallel=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTS:-} --chdir="$out" \
	--export=ALL,SHARDS="$shards" --array="0-$((shards - 1))%$parallel" \
	"$here/crashtriage-shard.sbatch" "$out" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTS:-} --chdir="$out" --export=ALL \
	--dependency="afterok:$array" "$here/crashtriage-merge.sbatch" "$out")
echo "${merge%%;*}"
