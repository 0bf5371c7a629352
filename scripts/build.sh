#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds wizfi250d into build/ (the binary is build/wizfi250d).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build build -j"$(nproc)" "$@"
