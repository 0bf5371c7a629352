#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prints how many compiler jobs this machine can run at once without running out of memory: one
# per core, but one per JOB_MIB of available memory (MemAvailable), and at least one.
#
# One g++ 12 job of the daemon peaks at about 470 MiB (daemon/main.cpp 466 MiB and
# src/module/module.cpp 456 MiB at -O2 -g, the README build; 391 and 348 MiB at -O3 without
# debug information), and the test programs' largest files at about 700 MiB; the linker and the
# rest of the system need some room beside them, hence 800 MiB per job. A Raspberry Pi 3 (1 GB)
# builds with one job, a Pi 4 with 4 GB with all four cores. Below 640 MiB scripts/build.sh also
# makes the daemon's one job smaller.
#   scripts/build-jobs.sh            the number of jobs
#   JOB_MIB=900 scripts/build-jobs.sh   for a compiler that needs more (clang with sanitizers)
set -euo pipefail
job_mib=${JOB_MIB:-800}
cores=$(nproc)
available_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null || true)
if [ -z "$available_kib" ]; then
  echo "$cores"
  exit 0
fi
jobs=$(( available_kib / 1024 / job_mib ))
[ "$jobs" -gt "$cores" ] && jobs=$cores
[ "$jobs" -lt 1 ] && jobs=1
echo "$jobs"
