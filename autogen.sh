#!/bin/sh
# Regenerate the build system; then ./configure && make.
set -e
cd "$(dirname "$0")"
autoreconf -fi
