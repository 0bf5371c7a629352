#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, conformance, integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
(cd build && ctest --output-on-failure --timeout 300 -j2 "$@")
# The benchmark still runs and its output parses (nothing about speed is asserted).
bench/run.sh --smoke --binary build/wizfi250d
