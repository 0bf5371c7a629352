#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs one program as root inside a small qemu VM that boots Debian's own kernel (which has
# nl80211, mac80211_hwsim and the 8250 UART driver) with this machine's userland: the host's / is
# the VM's root, read-only, under a tmpfs overlay, so the build tree and every installed program
# run unchanged and nothing written in the VM reaches the host (except --share directories).
#
# Usage:
#   scripts/vm/run-in-vm.sh [--radios N] [--uarts M] [--guest-uarts K] [--timeout SECONDS]
#                           [--share DIR]... [--env NAME=VALUE]... [--memory MB]
#                           [--forward HOSTPORT:GUESTPORT]... -- PROGRAM [ARGS...]
#
#   --radios N     load mac80211_hwsim with N radios (wlan0..wlanN-1); 0 (default) loads none.
#   --uarts M      M extra 16550 UARTs (/dev/ttyS1..ttySM), each with its host end a unix socket
#                  (qemu listens; connect any time). The paths are printed on stderr and written
#                  one a line to the file named by --uart-list FILE.
#   --guest-uarts K  K more 16550 UARTs whose far ends are in the VM: qemu wires each UART's line
#                  to a virtio-serial port, /dev/ttySn <-> /dev/virtio-ports/ttySn, so a program in
#                  the VM plays the device at the other end of the cable at virtio speed while the
#                  8250 driver (real termios, RTS/CTS throttling) drives the UART.
#   --timeout S    kill the VM after S seconds (default 300); the status is then 124.
#   --share DIR    DIR is mounted read-write in the VM at the same path (for results).
#   --env N=V      set N=V for the program. GTEST_*, WIZFI250D_*, LANG, LC_* and TZ pass through.
#   --memory MB    the VM's memory (default 1024; the overlay's writes live in it).
#   --forward H:G  127.0.0.1:H on the host reaches TCP port G of 10.0.2.15 in the VM, so a program
#                  on the host (a browser) can talk to one in the VM. The VM then has a NIC, eth0
#                  (virtio-net), up with 10.0.2.15/24 before the program starts, on qemu's user
#                  network with restrict=on: nothing in the VM reaches the host or anywhere else;
#                  only the forwarded ports lead in. Without --forward the VM has no NIC at all.
#
# The program runs with the caller's working directory, its stdin empty, its stdout and stderr
# streamed live to the runner's. The runner exits with the program's status, or:
#    77  the VM cannot be had here (no qemu, no kernel package): the reason is on stderr;
#    75  a --forward host port was taken before qemu could listen on it (the caller may pick
#        another and run again);
#   124  the timeout struck;
#   125  the VM failed (the kernel's console log is printed).
#
# What it needs on the host: qemu-system-x86 busybox-static kmod cpio xz-utils, and apt access to
# Debian's linux-image-amd64 once (the package is fetched with `apt-get download` and unpacked into
# the cache, never installed). The cache ($WIZFI250D_VM_CACHE, default
# ${XDG_CACHE_HOME:-~/.cache}/wizfi250d-vm, about 450 MB) is keyed by the kernel's version.
#
# Example: scripts/vm/run-in-vm.sh --radios 2 -- iw dev
set -euo pipefail

readonly skip_status=77 timeout_status=124 vm_failed_status=125 port_taken_status=75
die_skip() { echo "run-in-vm: cannot run the VM: $*" >&2; exit "$skip_status"; }
die_usage() { echo "run-in-vm: $*" >&2; exit 2; }

radios=0 uarts=0 guest_uarts=0 timeout_seconds=300 memory_mb=1024 uart_list=""
shares=() envs=() forwards=()
while [ $# -gt 0 ]; do
  case "$1" in
    --radios) radios=$2; shift 2 ;;
    --uarts) uarts=$2; shift 2 ;;
    --guest-uarts) guest_uarts=$2; shift 2 ;;
    --uart-list) uart_list=$2; shift 2 ;;
    --timeout) timeout_seconds=$2; shift 2 ;;
    --memory) memory_mb=$2; shift 2 ;;
    --share) shares+=("$(realpath "$2")"); shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --forward) forwards+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) die_usage "unknown option $1 (see the usage at the top of $0)" ;;
  esac
done
[ $# -gt 0 ] || die_usage "no program given"
for number in "$radios" "$uarts" "$guest_uarts" "$timeout_seconds" "$memory_mb"; do
  [[ "$number" =~ ^[0-9]+$ ]] || die_usage "--radios, --uarts, --guest-uarts, --timeout and --memory take numbers"
done
for forward in "${forwards[@]}"; do
  [[ "$forward" =~ ^[0-9]+:[0-9]+$ ]] || die_usage "--forward takes HOSTPORT:GUESTPORT, not $forward"
done
# ttyS0 is the kernel's console; the PC has four ISA serial ports.
[ $((uarts + guest_uarts)) -le 3 ] || die_usage "at most 3 extra UARTs (ttyS1..ttyS3)"

here=$(dirname "$(realpath "$0")")
command -v qemu-system-x86_64 >/dev/null || die_skip "qemu-system-x86_64 is missing (package qemu-system-x86)"
for tool in cpio xz depmod modprobe dpkg-deb apt-get gzip; do
  command -v "$tool" >/dev/null || die_skip "$tool is missing (scripts/install-deps.sh --test)"
done
busybox=$(command -v busybox) || die_skip "busybox is missing (package busybox-static)"

# --- The kernel, its modules and the initramfs, built once per kernel version ---------------
cache=${WIZFI250D_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wizfi250d-vm}
mkdir -p "$cache"
# Two runners may start at once (ctest runs groups in parallel): one builds, the other waits.
exec {cache_lock}>"$cache/lock"
flock "$cache_lock"

# Which kernel package: Debian's linux-image-amd64 names the current ABI package.
kernel_package=$(apt-cache depends linux-image-amd64 2>/dev/null |
  sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1 || true)
kernel_dir=""
if [ -n "$kernel_package" ]; then
  kernel_version=$(apt-cache policy "$kernel_package" | sed -n 's/^ *Candidate: //p')
  kernel_dir="$cache/${kernel_package#linux-image-}_$kernel_version"
fi
if [ -z "$kernel_dir" ] || [ ! -f "$kernel_dir/ready" ]; then
  if [ -n "$kernel_package" ]; then
    work=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "run-in-vm: fetching $kernel_package $kernel_version (once)" >&2
    if (cd "$work" && apt-get download -q "$kernel_package=$kernel_version" >/dev/null 2>"$work/apt.log"); then
      kver=${kernel_package#linux-image-}
      dpkg-deb -x "$work"/*.deb "$work/unpack"
      # Under TCG the kernel's own decompression costs seconds: boot the ELF inside the bzImage
      # (qemu enters it through PVH). The payload is the first xz stream.
      offset=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$work/unpack/boot/vmlinuz-$kver" |
        head -n1 | cut -d: -f1)
      tail -c +$((offset + 1)) "$work/unpack/boot/vmlinuz-$kver" |
        xz -dc --single-stream >"$work/vmlinux" 2>/dev/null || true
      [ -s "$work/vmlinux" ] || die_skip "no xz payload in vmlinuz-$kver"
      depmod -b "$work/unpack" "$kver"
      mkdir -p "$kernel_dir.new"
      mv "$work/vmlinux" "$kernel_dir.new/vmlinux"
      mkdir -p "$kernel_dir.new/lib/modules"
      mv "$work/unpack/lib/modules/$kver" "$kernel_dir.new/lib/modules/$kver"
      echo "$kver" >"$kernel_dir.new/kver"
      rm -rf "$kernel_dir"
      mv "$kernel_dir.new" "$kernel_dir"
      touch "$kernel_dir/ready"
      # One kernel at a time in the cache: drop the older ones.
      for old in "$cache"/*/ready; do
        [ "$(dirname "$old")" = "$kernel_dir" ] || rm -rf "$(dirname "$old")"
      done
    else
      echo "run-in-vm: apt-get download $kernel_package failed: $(tail -n1 "$work/apt.log")" >&2
      kernel_dir=""
    fi
    rm -rf "$work"
    trap - EXIT
  fi
  # Offline: the newest kernel already in the cache will do.
  if [ -z "$kernel_dir" ] || [ ! -f "$kernel_dir/ready" ]; then
    kernel_dir=$(find "$cache" -mindepth 2 -maxdepth 2 -name ready 2>/dev/null | sort -V | tail -n1)
    [ -n "$kernel_dir" ] || die_skip "Debian's linux-image-amd64 cannot be fetched (apt-get download) and none is cached in $cache"
    kernel_dir=$(dirname "$kernel_dir")
  fi
fi
kver=$(cat "$kernel_dir/kver")

# The initramfs is keyed by the guest scripts it carries, so editing them rebuilds it.
scripts_hash=$(cat "$here/guest-init.sh" "$here/guest-run.sh" "$busybox" | sha256sum | cut -c1-16)
initramfs="$kernel_dir/initramfs-$scripts_hash.cpio.gz"
if [ ! -f "$initramfs" ]; then
  root=$(mktemp -d "$cache/initramfs.XXXXXX")
  mkdir -p "$root"/{bin,dev,proc,sys,lower,rw,newroot,modules}
  cp "$busybox" "$root/bin/busybox"
  if ldd "$busybox" >/dev/null 2>&1; then
    # A dynamic busybox brings its libraries along (ldd fails on a static one).
    for lib in $(ldd "$busybox" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  fi
  ln -s busybox "$root/bin/sh"
  # What mounting the host's root needs, in dependency order (modprobe resolves it).
  : >"$root/modules/order"
  for module in virtio_pci 9pnet_virtio 9p overlay virtio_console; do
    modprobe -d "$kernel_dir" -S "$kver" --show-depends "$module" 2>/dev/null |
      sed -n 's/^insmod \([^ ]*\).*/\1/p' || true
  done | awk '!seen[$0]++' | while read -r ko; do
    cp "$ko" "$root/modules/"
    basename "$ko" >>"$root/modules/order"
  done
  cp "$here/guest-init.sh" "$root/init"
  cp "$here/guest-run.sh" "$root/guest-run.sh"
  chmod +x "$root/init" "$root/guest-run.sh"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$initramfs.tmp"
  mv "$initramfs.tmp" "$initramfs"
  rm -rf "$root"
  find "$kernel_dir" -name 'initramfs-*.cpio.gz' ! -name "${initramfs##*/}" -delete
fi
flock -u "$cache_lock"
exec {cache_lock}>&-

# --- One run: a directory shared with the guest read-write, the qemu command, the output -----
run=$(mktemp -d "${TMPDIR:-/tmp}/wizfi250d-vm.XXXXXX")
qemu_pid="" reader_pids=()
# shellcheck disable=SC2317  # called by the traps
cleanup() {
  # timeout(1) forwards the signal to qemu, which sits in its own process group.
  if [ -n "$qemu_pid" ]; then kill -TERM "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null; fi
  for pid in "${reader_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# What the guest runs: a bash script with the caller's directory, environment and command.
{
  printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
  while read -r name; do
    case "$name" in
      GTEST_* | WIZFI250D_* | LANG | LC_* | TZ) printf 'export %s=%q\n' "$name" "${!name}" ;;
    esac
  done < <(compgen -e)
  for assignment in "${envs[@]}"; do
    printf 'export %s=%q\n' "${assignment%%=*}" "${assignment#*=}"
  done
  if [ ${#forwards[@]} -gt 0 ]; then
    # The NIC's driver from the kernel's module set (bound at /lib/modules), then the address
    # qemu's user network forwards to.
    printf '/sbin/modprobe virtio_net && ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 || echo "run-in-vm: eth0 did not come up" >&2\n'
  fi
  printf 'exec'
  printf ' %q' "$@"
  printf '\n'
} >"$run/command"

uart_args=()
for ((k = 1; k <= uarts; k++)); do
  uart_args+=(-chardev "socket,id=uart$k,path=$run/ttyS$k.sock,server=on,wait=off"
    -device "isa-serial,chardev=uart$k")
  echo "run-in-vm: /dev/ttyS$k <-> unix socket $run/ttyS$k.sock" >&2
  [ -z "$uart_list" ] || echo "$run/ttyS$k.sock" >>"$uart_list"
done
virtio_ports=()
for ((k = uarts + 1; k <= uarts + guest_uarts; k++)); do
  # The virtio port's chardev listens, the UART's connects to it: qemu joins the two.
  virtio_ports+=(-chardev "socket,id=port$k,path=$run/ttyS$k.sock,server=on,wait=off"
    -device "virtserialport,chardev=port$k,name=ttyS$k")
  uart_args+=(-chardev "socket,id=uart$k,path=$run/ttyS$k.sock" -device "isa-serial,chardev=uart$k")
done
nic_args=(-nic none)
if [ ${#forwards[@]} -gt 0 ]; then
  # restrict=on: the guest reaches nothing outside (no route to the host or beyond); the
  # host-forwards listen on the host's loopback only.
  netdev="user,id=n0,restrict=on"
  for forward in "${forwards[@]}"; do
    netdev+=",hostfwd=tcp:127.0.0.1:${forward%%:*}-:${forward#*:}"
  done
  nic_args=(-netdev "$netdev" -device "virtio-net-pci,netdev=n0")
fi
share_args=()
: >"$run/shares"
for ((i = 0; i < ${#shares[@]}; i++)); do
  share_args+=(-virtfs "local,path=${shares[i]},mount_tag=share$i,security_model=none")
  echo "share$i ${shares[i]}" >>"$run/shares"
done

cat >"$run/config" <<CONFIG
radios=$radios
guest_uarts="$(seq -s ' ' $((uarts + 1)) $((uarts + guest_uarts)))"
kver=$kver
modules=$kernel_dir/lib/modules/$kver
CONFIG

mkfifo "$run/stdout.fifo" "$run/stderr.fifo"
cat "$run/stdout.fifo" &
reader_pids+=($!)
cat "$run/stderr.fifo" >&2 &
reader_pids+=($!)

# The VM is bound by latency, not by work (interrupts travel between qemu's threads): on a busy
# machine a higher priority for qemu shortens each round trip. WIZFI250D_VM_NICE=0 turns it off;
# without the right to raise it, nice says so and runs qemu as it is.
nice -n "${WIZFI250D_VM_NICE:--5}" timeout --kill-after=5 "$timeout_seconds" qemu-system-x86_64 \
  -accel tcg -cpu max -m "$memory_mb" -smp 1 -nodefaults -no-user-config -display none \
  -no-reboot "${nic_args[@]}" \
  -serial "file:$run/console.log" \
  -device virtio-serial-pci "${virtio_ports[@]}" \
  -chardev "file,id=out,path=$run/stdout.fifo" -device virtconsole,chardev=out \
  -chardev "file,id=err,path=$run/stderr.fifo" -device virtconsole,chardev=err \
  "${uart_args[@]}" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$run,mount_tag=vmrun,security_model=none" \
  "${share_args[@]}" \
  -kernel "$kernel_dir/vmlinux" -initrd "$initramfs" \
  -append "console=ttyS0 quiet loglevel=4 panic=-1 mitigations=off 8250.nr_uarts=$((1 + uarts + guest_uarts))" \
  </dev/null >"$run/qemu.log" 2>&1 &
qemu_pid=$!
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
qemu_pid=""
# qemu has closed the FIFOs: the readers finish with the last bytes.
for pid in "${reader_pids[@]}"; do wait "$pid" || true; done
reader_pids=()

if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
  echo "run-in-vm: timed out after ${timeout_seconds} s: $*" >&2
  exit "$timeout_status"
fi
if [ -s "$run/status" ]; then
  exit "$(cat "$run/status")"
fi
if grep -q 'Could not set up host forwarding rule' "$run/qemu.log"; then
  echo "run-in-vm: a forwarded host port is taken: $(grep -m1 'host forwarding' "$run/qemu.log")" >&2
  exit "$port_taken_status"
fi
echo "run-in-vm: the VM ended without the program's status (qemu exit $qemu_status)" >&2
tail -n 30 "$run/qemu.log" "$run/console.log" >&2 2>/dev/null || true
exit "$vm_failed_status"
