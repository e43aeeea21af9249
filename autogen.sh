#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the build system; then ./configure && make.
set -e
cd "$(dirname "$0")"
autoreconf -fi
