#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's quick start on a pristine Debian 12, as a newcomer meets it: a minimal root made
# with debootstrap that has nothing but git, a fresh clone of this repository's HEAD in it, and
# the Quick start's commands exactly as the README writes them, run as root in a chroot:
#   - `scripts/run.sh --pty LINK` installs the packages, builds the daemon, and the module
#     answers AT with [OK] on LINK (then SIGTERM stops it);
#   - `scripts/run.sh` on a terminal (a new pty, its controlling terminal) answers AT with [OK],
#     Ctrl-C ends it, the terminal settings are as before, and every line written while the
#     terminal was raw ends in CR LF.
# Exits non-zero when any of that fails. Needs root, debootstrap and python3.
#
# The root comes from the host's Debian archive (the `deb ... SUITE main` entry of
# /etc/apt/sources.list or sources.list.d/) and is kept, never modified, in
# /var/cache/wizfi250d-quickstart/roots/SUITE-DATE (made again after a week); each run works on
# an overlay over it that is thrown away. Packages apt downloads in the chroot
# are kept in /var/cache/wizfi250d-quickstart/apt-archives. All mounts live in a private mount
# namespace and every process in a private PID namespace, so both end with the script. The
# output of the last run is in /var/cache/wizfi250d-quickstart/last-run.log.
#
# Environment: QUICKSTART_SUITE (bookworm), QUICKSTART_CACHE (the cache directory),
# QUICKSTART_START_TIMEOUT (seconds for install + build + start, 1800).
set -euo pipefail
cd "$(dirname "$0")/.."
helper=$PWD/scripts/quickstart/quickstart.py

# --- inside the private namespaces: mount, clone, run, check ---------------------------------
if [ "${1:-}" = --inside ]; then
  shift
  pristine=$1 work=$2 clone_dir=$3 commit=$4 log=$5 terminal_command=$6 pty_command=$7
  root=$work/root
  trap 'umount -R "$root" "$work/changes" 2>/dev/null || true' EXIT
  mkdir -p "$work/changes" "$root"
  if [ "$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)" -gt $((8 * 1024 * 1024)) ]; then
    # The run writes about 1 GB (packages, build/): in memory when there is plenty, where
    # apt's unpacking is faster and nothing is left to delete.
    mount -t tmpfs -o mode=0700 tmpfs "$work/changes"
  fi
  mkdir -p "$work/changes/upper" "$work/changes/work"
  if ! mount -t overlay overlay \
      -o "lowerdir=$pristine,upperdir=$work/changes/upper,workdir=$work/changes/work" "$root"; then
    echo "overlayfs not available here: copying the root instead"
    cp -a "$pristine/." "$root/"
  fi
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind "$QUICKSTART_CACHE/apt-archives" "$root/var/cache/apt/archives"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"

  # A fresh clone of the commit, by the root's own git, like a user's `git clone`.
  cp "$work/wizfi250d.bundle" "$root/tmp/"
  chroot "$root" /usr/bin/env -i -C /root HOME=/root PATH=/usr/bin:/bin \
    git -c advice.detachedHead=false clone -q /tmp/wizfi250d.bundle "$clone_dir"
  chroot "$root" /usr/bin/env -i -C "/root/$clone_dir" HOME=/root PATH=/usr/bin:/bin \
    git -c advice.detachedHead=false checkout -q --detach "$commit"
  rm "$root/tmp/wizfi250d.bundle"
  echo "cloned $commit into /root/$clone_dir"

  exec 9>&-  # the cache lock stays with the host side
  pty_words=() terminal_words=()
  eval "pty_words=($pty_command)"  # shell words, quoted by quickstart.py readme
  eval "terminal_words=($terminal_command)"
  echo "== $pty_command   (the first run installs the packages and builds)"
  SECONDS=0
  python3 "$helper" pty "$root" "/root/$clone_dir" "$log" "${pty_words[@]}"
  echo "   ${SECONDS} s"
  echo "== $terminal_command   (on a terminal)"
  SECONDS=0
  python3 "$helper" terminal "$root" "/root/$clone_dir" "$log" "${terminal_words[@]}"
  echo "   ${SECONDS} s"
  exit 0
fi

# --- on the host -----------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || { echo "scripts/check-quickstart.sh needs root (debootstrap, chroot)" >&2; exit 1; }
for tool in debootstrap python3 unshare git; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh --test)" >&2; exit 1; }
done
suite=${QUICKSTART_SUITE:-bookworm}
export QUICKSTART_CACHE=${QUICKSTART_CACHE:-/var/cache/wizfi250d-quickstart}
mkdir -p "$QUICKSTART_CACHE"/{roots,debootstrap-debs,apt-archives/partial}
started=$(date +%s)

commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not checked; the check clones commit $commit"
fi
work=$(mktemp -d /var/tmp/wizfi250d-quickstart.XXXXXX)
# Nothing is ever mounted under $work in this namespace; --one-file-system guards it anyway.
trap 'rm -rf --one-file-system "$work"' EXIT

# The commands, from the README of the commit under test.
git show "$commit:README.md" >"$work/README.md"
mapfile -t quick_start < <(python3 "$helper" readme "$work/README.md")
[ ${#quick_start[@]} -eq 3 ] || exit 1
clone_dir=${quick_start[0]} terminal_command=${quick_start[1]} pty_command=${quick_start[2]}
git bundle create -q "$work/wizfi250d.bundle" HEAD

# The pristine root: the newest one of the suite made in the last week, or a new one (under a
# lock, so that parallel runs make it once). An older root's package lists are stale after a
# point release; the quick start's own `apt-get update` fallback then has to do its job.
exec 9>"$QUICKSTART_CACHE/lock"
flock 9
today=$(date -u +%Y%m%d)
pristine=
for root in "$QUICKSTART_CACHE/roots/$suite"-*; do
  day=${root##*-}
  [[ $day =~ ^[0-9]{8}$ ]] || continue
  if [ "$day" -ge "$(date -u -d '6 days ago' +%Y%m%d)" ]; then
    pristine=$root  # the glob is sorted: the last one is the newest
  elif [ "$day" -lt "$(date -u -d '8 days ago' +%Y%m%d)" ]; then
    rm -rf --one-file-system "$root"  # no run can be using it any more
  fi
done
if [ -z "$pristine" ]; then
  pristine=$QUICKSTART_CACHE/roots/$suite-$today
  sources=$(python3 "$helper" sources "$suite")
  mirror=$(awk 'NR == 1 { print $2 }' <<<"$sources")
  echo "== debootstrap --variant=minbase --include=git $suite from $mirror"
  SECONDS=0
  rm -rf --one-file-system "$pristine.new"
  # In a private mount namespace: whatever debootstrap mounts ends with it.
  unshare --mount --propagation private -- debootstrap --variant=minbase --include=git \
    --cache-dir="$QUICKSTART_CACHE/debootstrap-debs" "$suite" "$pristine.new" "$mirror" \
    >"$QUICKSTART_CACHE/debootstrap.log" 2>&1 ||
    { tail -n 30 "$QUICKSTART_CACHE/debootstrap.log"; exit 1; }
  printf '%s\n' "$sources" >"$pristine.new/etc/apt/sources.list"
  # How the host reaches the archive (a proxy, a snapshot's old Release files), if it says so.
  apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' \
    >"$pristine.new/etc/apt/apt.conf.d/00host-archive" ||
    rm "$pristine.new/etc/apt/apt.conf.d/00host-archive"
  mv "$pristine.new" "$pristine"
  echo "   ${SECONDS} s"
else
  echo "== the pristine root: $pristine"
fi
flock -u 9

log=$QUICKSTART_CACHE/last-run.log
: >"$log"
status=0
unshare --mount --pid --fork --kill-child --propagation private -- \
  "$PWD/scripts/check-quickstart.sh" --inside "$pristine" "$work" "$clone_dir" "$commit" "$log" \
  "$terminal_command" "$pty_command" || status=$?
if [ "$status" -ne 0 ]; then
  echo "FAILED: the README's quick start on a fresh $suite (output: $log)" >&2
  exit "$status"
fi
echo "passed: the README's quick start on a fresh $suite, $(($(date +%s) - started)) s"
