#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds, and starts the module.
#   scripts/run.sh                 the module on this terminal (type AT commands; Ctrl-C ends)
#   scripts/run.sh --pty LINK      the module on a pseudo-terminal; LINK links to it, so a host
#                                  program (or `screen LINK`, `picocom LINK`) can open it
# Any further options go to wizfi250d (see build/wizfi250d --help). The Wi-Fi backend is
# "host": the machine's network as it is. The profile is kept in build/state.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target wizfi250d

serial=stdio
if [ "${1:-}" = "--pty" ]; then
  serial="pty:${2:?--pty needs a path, e.g. /tmp/wizfi250}"
  shift 2
fi
mkdir -p build/state
if [ "$serial" = stdio ]; then
  echo "wizfi250d on this terminal: type AT commands (Enter sends CR), Ctrl-C to stop." >&2
fi
exec build/wizfi250d --config /dev/null --serial "$serial" --state-dir build/state \
  --wifi host "$@"
