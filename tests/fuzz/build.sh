#!/bin/sh
# SPDX-License-Identifier: MIT
# build.sh - build the libFuzzer targets.
#
#   tests/fuzz/build.sh [BUILD_DIR]      (default: build-fuzz)
#   BUILD_DIR/fuzz-gdb tests/fuzz/corpus/gdb -max_total_time=600
#
# Respects $CC (default clang), $CFLAGS and $LIB_FUZZING_ENGINE (default
# -fsanitize=fuzzer), as oss-fuzz does.  The library is built by the
# project's own configure and Makefile with -fsanitize=fuzzer-no-link.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-build-fuzz}
CC=${CC:-clang}
CFLAGS=${CFLAGS:--g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
cd "$out"
[ -f Makefile ] || "$src/configure" CC="$CC" \
	CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link" >configure.log
make -s libcrashtriage.a
deps() { make -s -f Makefile -f - print-libs <<'MK'
print-libs: ; @echo $(DEPS_LIBS)
MK
}
libs=$(deps)
inc="-I$src -I$out -include $out/config.h"
build() { # name source [defines]
	name=$1 source=$2
	shift 2
	echo "  FUZZ     $name"
	$CC $CFLAGS $LIB_FUZZING_ENGINE $inc "$@" "$source" libcrashtriage.a \
		$libs -o "fuzz-$name"
}
build text "$src/tests/fuzz/fuzz-text.c"
build gdb "$src/tests/fuzz/fuzz-text.c" -DFUZZ_KIND=CT_KIND_GDB_BACKTRACE
build vmkernel "$src/tests/fuzz/fuzz-text.c" -DFUZZ_KIND=CT_KIND_VMKERNEL_LOG
build linux "$src/tests/fuzz/fuzz-text.c" -DFUZZ_KIND=CT_KIND_LINUX_KERNEL_LOG
build facts "$src/tests/fuzz/fuzz-text.c" -DFUZZ_KIND=CT_KIND_SYSTEM_FACTS
build logline "$src/tests/fuzz/fuzz-logline.c"
build unwrap "$src/tests/fuzz/fuzz-unwrap.c"
[ -f "$src/tests/fuzz/fuzz-version.c" ] &&
	build version "$src/tests/fuzz/fuzz-version.c" -I"$src/rules" \
		"$src/rules/version.c"
[ -f "$src/tests/fuzz/fuzz-rules.c" ] &&
	build rules "$src/tests/fuzz/fuzz-rules.c" -I"$src/rules"
build core "$src/tests/fuzz/fuzz-core.c"
build source "$src/tests/fuzz/fuzz-source.c"
build gunzip "$src/tests/fuzz/fuzz-gunzip.c"
build symtab "$src/tests/fuzz/fuzz-symtab.c"
build kdump "$src/tests/fuzz/fuzz-kdump.c"
build vmcore "$src/tests/fuzz/fuzz-vmcore.c"
build kbtf "$src/tests/fuzz/fuzz-kbtf.c"
build orc "$src/tests/fuzz/fuzz-orc.c"
build walk "$src/tests/fuzz/fuzz-walk.c"
build walk-tree "$src/tests/fuzz/fuzz-walk-tree.c"
echo "fuzzers are in $out"
