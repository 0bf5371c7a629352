#!/run/busybox sh
# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=dash disable=SC2154  # radios, kver, modules, guest_uarts come from the config
# Second stage of the VM (see run-in-vm.sh), in the host's root under a tmpfs overlay: the rest of
# a Linux system's mounts, the kernel's modules, the radios, then the program; its status goes to
# /run/vm/status and the VM powers off.
bb=/run/busybox
# Written by run-in-vm.sh.
# shellcheck source=/dev/null
. /run/vm/config
$bb mkdir -p /dev/pts /dev/shm /run/netns
$bb mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
$bb ln -sf /dev/pts/ptmx /dev/ptmx
$bb mount -t tmpfs -o mode=1777 tmpfs /dev/shm
$bb ln -sf /proc/self/fd /dev/fd
$bb ln -sf /proc/self/fd/0 /dev/stdin
$bb ln -sf /proc/self/fd/1 /dev/stdout
$bb ln -sf /proc/self/fd/2 /dev/stderr
$bb ln -sf /proc/self/mounts /etc/mtab
$bb hostname wizfi250d-vm
$bb ip link set lo up
# The kernel's modules where modprobe (the host's) and the kernel's autoloading look for them.
$bb mkdir -p "/lib/modules/$kver"
$bb mount --bind "$modules" "/lib/modules/$kver"
echo /sbin/modprobe >/proc/sys/kernel/modprobe
# No udev: the named virtio ports get their /dev/virtio-ports links here.
$bb mkdir -p /dev/virtio-ports
for port in /sys/class/virtio-ports/*; do
  [ -s "$port/name" ] || continue
  $bb ln -sf "../${port##*/}" "/dev/virtio-ports/$($bb cat "$port/name")"
done
while read -r tag path; do
  $bb mkdir -p "$path"
  $bb mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=262144 "$tag" "$path" ||
    echo "guest-run: cannot mount $path" >/dev/console
done </run/vm/shares
# The emulated 16550s interrupt at 14 received bytes instead of 8: fewer round trips through qemu.
for k in $guest_uarts; do
  echo 14 >"/sys/class/tty/ttyS$k/rx_trig_bytes" 2>/dev/null || true
done
if [ "$radios" -gt 0 ]; then
  /sbin/modprobe mac80211_hwsim radios="$radios" || echo "guest-run: mac80211_hwsim failed" >/dev/console
fi
# The program writes into pipes (a tty would make its stdio line-buffered); busybox copies them to
# the virtio consoles the runner reads.
$bb stty -F /dev/hvc0 raw -echo -onlcr
$bb stty -F /dev/hvc1 raw -echo -onlcr
$bb mkfifo /run/stdout /run/stderr
$bb cat /run/stdout >/dev/hvc0 &
out=$!
$bb cat /run/stderr >/dev/hvc1 &
err=$!
/bin/bash /run/vm/command </dev/null >/run/stdout 2>/run/stderr
status=$?
wait $out $err
echo "$status" >/run/vm/status
$bb sync
$bb poweroff -f
