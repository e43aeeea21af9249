#!/bin/sh
# SPDX-License-Identifier: MIT
# run-syzkaller.sh - the guilty-frame agreement over the development half
# of syzkaller's Linux report corpus (tests/data/syzkaller/, 374 console
# logs with the titles a triager expects; see its README.md).  Prints the
# agreement, and fails when it drops below the floor this tree reaches
# (raise AGREEMENT_FLOOR as it improves; the issue's target is 90%) or
# when a log without a crash gets a title.
. "$(dirname "$0")/test-subr.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
AGREEMENT_FLOOR=${AGREEMENT_FLOOR:-90.0}
exec python3 "$top_srcdir/tests/e2e/syzkaller-score.py" "$CRASHTRIAGE" \
	"$DATA/syzkaller" --tap --floor "$AGREEMENT_FLOOR" --verbose
