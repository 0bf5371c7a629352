#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the wizfi250d .deb and checks it on this machine: install, the binary, the system user,
# file modes, the conffile, that nothing was enabled or started, a reinstall (the upgrade path),
# remove (settings kept), purge (settings, state and user gone), and lintian (no tag allowed).
#
#   scripts/check-package.sh [--no-build | --build-dir DIR]
#
# Installs what is missing first: scripts/install-deps.sh and lintian; lintian only with
# --build-dir; nothing with --no-build.
# Needs root: it installs the package with dpkg on this host and removes it again. It refuses
# to run when wizfi250d is installed or its user exists, so it never touches a real
# installation; /etc/wizfi250d or /var/lib/wizfi250d left by a daemon run without the package
# are moved aside and put back. At the end the host is as it was: the package purged, the user
# gone, /etc/passwd and /etc/group byte for byte as before.
#
# Where the .deb comes from:
#   (default)        packaging/debian/build-deb.sh builds build-deb/ (Debian's hardening flags).
#   --no-build       the .deb already in build-deb/.
#   --build-dir DIR  CPack on the build already in DIR (build/ after scripts/build.sh, as in
#                    scripts/test.sh), so nothing is compiled twice. DIR's install prefix is set
#                    to /usr for CPack and put back afterwards. That build has no dpkg-buildflags,
#                    so lintian's hardening-no-bindnow and hardening-no-fortify-functions (and
#                    only those) are reported but allowed.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: $0 [--no-build | --build-dir DIR]" >&2
  exit 2
}
mode=build
build_dir=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) mode=no-build ;;
    --build-dir)
      [ $# -ge 2 ] || usage
      mode=build-dir
      build_dir=$2
      shift
      ;;
    *) usage ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "check-package: needs root (dpkg -i)" >&2; exit 2; }

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

package_state() {
  dpkg-query -W -f='${db:Status-Abbrev}' wizfi250d 2>/dev/null | tr -d ' ' || true
}

# --- A clean start: nothing of ours on this machine. -------------------------------------------
state=$(package_state)
if [ -n "$state" ] && [ "$state" != un ] && [ "$state" != pn ]; then
  echo "check-package: wizfi250d is installed here (dpkg state '$state'); not touching it" >&2
  exit 2
fi
if getent passwd wizfi250d >/dev/null || getent group wizfi250d >/dev/null; then
  echo "check-package: a wizfi250d user or group exists; not touching it" >&2
  exit 2
fi

work=$(mktemp -d /tmp/check-package.XXXXXX)
# Directories of ours without the package (a daemon run by hand or by a test with the default
# state directory) would be deleted by the purge: keep them aside and put them back at the end.
saved_paths=()
for path in /etc/wizfi250d /var/lib/wizfi250d /var/lib/private/wizfi250d; do
  if [ -e "$path" ]; then
    echo "check-package: $path exists without the package; kept aside until the end" >&2
    mkdir -p "$work/saved$(dirname "$path")"
    mv "$path" "$work/saved$path"
    saved_paths+=("$path")
  fi
done
cp /etc/passwd "$work/passwd.before"
cp /etc/group "$work/group.before"
# What the remove/purge steps create to stand in for a used installation.
wants=/etc/systemd/system/dev-ttyS0.device.wants
had_wants=0
[ -d "$wants" ] && had_wants=1
had_private=0
[ -d /var/lib/private ] && had_private=1
# The install prefix --build-dir found in DIR, while DIR is set to /usr.
restore_prefix=
put_back_prefix() {
  [ -n "$restore_prefix" ] || return 0
  cmake -DCMAKE_INSTALL_PREFIX="$restore_prefix" "$build_dir" >/dev/null ||
    echo "check-package: could not set $build_dir's install prefix back to $restore_prefix" >&2
  restore_prefix=
}
cleanup() {
  put_back_prefix
  local st
  st=$(package_state)
  if [ -n "$st" ] && [ "$st" != un ] && [ "$st" != pn ]; then
    echo "check-package: purging wizfi250d (cleanup)" >&2
    dpkg --purge wizfi250d >/dev/null 2>&1 || true
  fi
  rm -f "$wants/wizfi250d@ttyS0.service"
  [ "$had_wants" -eq 1 ] || rmdir "$wants" 2>/dev/null || true
  rm -rf /var/lib/private/wizfi250d
  [ "$had_private" -eq 1 ] || rmdir /var/lib/private 2>/dev/null || true
  local path keep=0
  for path in "${saved_paths[@]}"; do
    if [ -e "$path" ]; then
      echo "check-package: $path exists again; the one found at the start is in $work/saved$path" >&2
      keep=1
    else
      mv "$work/saved$path" "$path"
    fi
  done
  [ "$keep" -eq 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# --- Build. -------------------------------------------------------------------------------------
install_lintian() {
  command -v lintian >/dev/null && return 0
  echo "Installing: lintian"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    --no-install-recommends lintian >/dev/null
}
version=$(sed -n 's/^project(wizfi250d VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
deb=build-deb/wizfi250d_${version}_${arch}.deb
start=$SECONDS
case "$mode" in
  build)
    scripts/install-deps.sh
    install_lintian
    packaging/debian/build-deb.sh >/dev/null
    echo "built build-deb/ in $((SECONDS - start)) s"
    ;;
  build-dir)
    [ -f "$build_dir/CMakeCache.txt" ] ||
      { echo "check-package: $build_dir is not a configured build (scripts/build.sh)" >&2; exit 2; }
    install_lintian
    # The package's paths (/etc for the settings) follow the prefix at configure time; a
    # reconfigure with another prefix changes no compiler flag, so nothing is compiled again.
    prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build_dir/CMakeCache.txt")
    if [ "$prefix" != /usr ]; then
      restore_prefix=$prefix
      cmake -DCMAKE_INSTALL_PREFIX=/usr "$build_dir" >/dev/null
    fi
    cmake --build "$build_dir" -j"$(scripts/build-jobs.sh)" --target wizfi250d wizfi250d_packaging_files >/dev/null
    (cd "$build_dir" && cpack -G DEB -B "$work/deb" >/dev/null)
    put_back_prefix
    deb=$work/deb/wizfi250d_${version}_${arch}.deb
    echo "made the package from $build_dir in $((SECONDS - start)) s"
    ;;
esac
[ -f "$deb" ] || { echo "check-package: $deb not found" >&2; exit 1; }
echo "package: $deb"

check "package version is $version" \
  test "$(dpkg-deb -f "$deb" Version)" = "$version"
check "Depends lists adduser and the shared libraries (libssl3, libmosquitto1)" \
  bash -c "dpkg-deb -f '$deb' Depends | grep -q 'adduser' &&
           dpkg-deb -f '$deb' Depends | grep -q 'libssl3' &&
           dpkg-deb -f '$deb' Depends | grep -q 'libmosquitto1'"
# The daemon carries the parts of libstdc++, fmt and spdlog it uses (daemon/link.cmake).
check "Depends does not list libstdc++6, libspdlog or libfmt" \
  bash -c "! dpkg-deb -f '$deb' Depends | grep -qE 'libstdc\\+\\+|libspdlog|libfmt'"
# Netlink is spoken on plain sockets (src/wifi/netlink_socket.cpp): no libnl.
check "Depends does not list libnl" \
  bash -c "! dpkg-deb -f '$deb' Depends | grep -q 'libnl'"
# The daemon speaks systemd's notification protocol itself: no libsystemd.
check "Depends does not list libsystemd0" \
  bash -c "! dpkg-deb -f '$deb' Depends | grep -q 'libsystemd'"
check "Recommends wpasupplicant and a DHCP client" \
  bash -c "dpkg-deb -f '$deb' Recommends | grep -q 'wpasupplicant' &&
           dpkg-deb -f '$deb' Recommends | grep -q 'isc-dhcp-client'"

# The manual page documents every key the daemon knows (each key is a .TP entry).
daemon_keys=$(sed -n 's/^ *{"\([a-z_0-9]*\)",.*/\1/p' src/module/daemon_config.cpp | sort -u)
man_keys=$(awk 'previous == ".TP" && /^\.B[IR] / { print $2 } { previous = $0 }' \
  packaging/man/wizfi250d.conf.5 | sort -u)
undocumented=$(comm -23 <(echo "$daemon_keys") <(echo "$man_keys") | tr '\n' ' ')
check "wizfi250d.conf(5) documents every key of src/module/daemon_config.cpp${undocumented:+ (missing: $undocumented)}" \
  test -z "$undocumented"

if command -v lintian >/dev/null; then
  # Every tag, down to pedantic and experimental ones; the ones we mean are overridden in the
  # package (packaging/debian/lintian-overrides, explained in packaging/debian-lintian.md).
  tags=$(lintian --allow-root -EIL +pedantic "$deb" 2>&1 | grep -v '^N:' || true)
  if [ "$mode" = build-dir ]; then
    # What dpkg-buildflags (hardening=+all) would add: -Wl,-z,now and -D_FORTIFY_SOURCE=2.
    build_flag_tags='^I: wizfi250d: hardening-no-(bindnow|fortify-functions) '
    allowed=$(grep -E "$build_flag_tags" <<<"$tags" || true)
    tags=$(grep -vE "$build_flag_tags" <<<"$tags" || true)
    [ -z "$allowed" ] ||
      echo "note lintian tags of a build without dpkg-buildflags (allowed):"$'\n'"$allowed"
  fi
  if [ -z "$tags" ]; then pass "lintian: no tags"; else fail "lintian:"$'\n'"$tags"; fi
else
  echo "skip lintian (not installed: apt-get install lintian)"
fi

# --- Install. -----------------------------------------------------------------------------------
find /etc/systemd -type l 2>/dev/null | sort >"$work/links.before"
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; exit 1; }
check "dpkg says installed" test "$(package_state)" = ii

check "wizfi250d --version prints 'wizfi250d $version'" \
  test "$(/usr/sbin/wizfi250d --version)" = "wizfi250d $version"

mode_is() { # mode_is PATH MODE OWNER:GROUP
  local got
  got=$(stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing)
  if [ "$got" = "$2 $3" ]; then return 0; fi
  echo "     $1: $got, expected $2 $3"
  return 1
}
check "mode /usr/sbin/wizfi250d" mode_is /usr/sbin/wizfi250d 755 root:root
check "mode /lib/systemd/system/wizfi250d@.service" \
  mode_is /lib/systemd/system/wizfi250d@.service 644 root:root
check "mode /etc/wizfi250d" mode_is /etc/wizfi250d 755 root:root
check "mode /etc/wizfi250d/wizfi250d.conf" mode_is /etc/wizfi250d/wizfi250d.conf 644 root:root
check "mode wizfi250d.8.gz" mode_is /usr/share/man/man8/wizfi250d.8.gz 644 root:root
check "mode wizfi250d.conf.5.gz" mode_is /usr/share/man/man5/wizfi250d.conf.5.gz 644 root:root
check "mode copyright" mode_is /usr/share/doc/wizfi250d/copyright 644 root:root
check "mode changelog.gz" mode_is /usr/share/doc/wizfi250d/changelog.gz 644 root:root
check "the installed settings are config/wizfi250d.conf" \
  cmp -s /etc/wizfi250d/wizfi250d.conf config/wizfi250d.conf
check "/etc/wizfi250d/wizfi250d.conf is a conffile" \
  bash -c "dpkg-query -W -f='\${Conffiles}' wizfi250d | grep -q '^ /etc/wizfi250d/wizfi250d.conf '"
check "the man pages are gzip -9n files that man can format" \
  bash -c "gzip -t /usr/share/man/man8/wizfi250d.8.gz /usr/share/man/man5/wizfi250d.conf.5.gz &&
           zcat /usr/share/man/man8/wizfi250d.8.gz | grep -q '^\.TH WIZFI250D 8'"

# The unit as installed: systemd-analyze finds the binary and the man pages it names.
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$work/unit"
  ln -s /lib/systemd/system/wizfi250d@.service "$work/unit/wizfi250d@ttyS0.service"
  check "systemd-analyze verify wizfi250d@ttyS0.service (binary and man pages found)" \
    systemd-analyze verify "$work/unit/wizfi250d@ttyS0.service"
fi

# The system user: its own group, no login, a system UID, dialout and netdev when they exist.
check "user wizfi250d exists" bash -c "getent passwd wizfi250d >/dev/null"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd wizfi250d || echo 'x:x:99999:99999:x:x:x')
check "user wizfi250d has a system UID ($uid)" test "$uid" -lt 1000
check "user wizfi250d's primary group is wizfi250d" test "$(getent group "$gid" | cut -d: -f1)" = wizfi250d
check "user wizfi250d cannot log in ($shell)" \
  bash -c "[ '$shell' = /usr/sbin/nologin ] || [ '$shell' = /bin/false ]"
check "user wizfi250d's home is /var/lib/wizfi250d, not created" \
  bash -c "[ '$home' = /var/lib/wizfi250d ] && [ ! -e /var/lib/wizfi250d ]"
for group in dialout netdev; do
  if getent group "$group" >/dev/null; then
    check "user wizfi250d is in $group" bash -c "id -nG wizfi250d | tr ' ' '\n' | grep -qx $group"
  fi
done

# Nothing enabled, nothing started.
check "no enable link made (the symbolic links under /etc/systemd as before)" \
  bash -c "find /etc/systemd -type l 2>/dev/null | sort | cmp -s - '$work/links.before'"
# (Other wizfi250d processes, e.g. tests running from a build tree, are not the package's.)
installed_binary_runs() {
  local pid
  for pid in $(pgrep -x wizfi250d || true); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/sbin/wizfi250d ] && return 0
  done
  return 1
}
check "no process runs /usr/sbin/wizfi250d" bash -c "$(declare -f installed_binary_runs); ! installed_binary_runs"
if [ -d /run/systemd/system ]; then
  check "systemd knows no active wizfi250d@ unit" \
    bash -c "! systemctl list-units --no-legend --state=active 'wizfi250d@*' | grep -q ."
fi

# --- Reinstall: postinst configure with the old version ($2) runs again, idempotent. ----------
cp /etc/group "$work/group.installed"
dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; fail "dpkg -i (again)"; }
check "a reinstall keeps the user and groups as they were" cmp -s /etc/group "$work/group.installed"

# --- Remove: the binary goes, settings and user stay. ----------------------------------------
echo "# changed by check-package.sh" >>/etc/wizfi250d/wizfi250d.conf
# State as the unit leaves it (DynamicUser= keeps it under /var/lib/private) and the link
# "systemctl enable wizfi250d@ttyS0" makes.
mkdir -p /var/lib/wizfi250d/ttyS0 /var/lib/private/wizfi250d/ttyS0
echo state >/var/lib/wizfi250d/ttyS0/profile.conf
mkdir -p "$wants"
ln -s /lib/systemd/system/wizfi250d@.service "$wants/wizfi250d@ttyS0.service"
dpkg -r wizfi250d >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r"; }
check "after remove: dpkg state rc" test "$(package_state)" = rc
check "after remove: /usr/sbin/wizfi250d gone" test ! -e /usr/sbin/wizfi250d
check "after remove: the unit gone" test ! -e /lib/systemd/system/wizfi250d@.service
check "after remove: the changed settings kept" \
  grep -q 'changed by check-package.sh' /etc/wizfi250d/wizfi250d.conf
check "after remove: the state kept" test -f /var/lib/wizfi250d/ttyS0/profile.conf
check "after remove: the user kept" bash -c "getent passwd wizfi250d >/dev/null"

# --- Purge: settings, state, enable links and the user go. -----------------------------------
dpkg -P wizfi250d >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P"; }
check "after purge: dpkg knows nothing" bash -c "s=\$(dpkg-query -W -f='\${db:Status-Abbrev}' wizfi250d 2>/dev/null | tr -d ' '); [ -z \"\$s\" ] || [ \"\$s\" = un ] || [ \"\$s\" = pn ]"
check "after purge: /etc/wizfi250d gone" test ! -e /etc/wizfi250d
check "after purge: /var/lib/wizfi250d gone" test ! -e /var/lib/wizfi250d
check "after purge: /var/lib/private/wizfi250d gone" test ! -e /var/lib/private/wizfi250d
check "after purge: the enable link gone" test ! -L "$wants/wizfi250d@ttyS0.service"
check "after purge: user wizfi250d gone" bash -c "! getent passwd wizfi250d"
check "after purge: group wizfi250d gone" bash -c "! getent group wizfi250d"
check "after purge: /etc/passwd as before" cmp -s /etc/passwd "$work/passwd.before"
check "after purge: /etc/group as before" cmp -s /etc/group "$work/group.before"

if [ "$failures" -ne 0 ]; then
  echo "check-package: $failures check(s) failed"
  exit 1
fi
echo "check-package: all checks passed"
