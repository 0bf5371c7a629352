#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the VM's initramfs (see run-in-vm.sh): loads what mounting the host's root needs,
# puts a tmpfs overlay on it and hands over to guest-run.sh inside it.
bb=/bin/busybox
fail() {
  echo "guest-init: $*" >/dev/console
  $bb poweroff -f
}
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
while read -r module; do
  $bb insmod "/modules/$module" || fail "insmod $module"
done </modules/order
$bb mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /lower ||
  fail "cannot mount the host's root"
$bb mount -t tmpfs -o mode=0755 tmpfs /rw
$bb mkdir /rw/upper /rw/work
$bb mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
  fail "cannot mount the overlay"
# The guest's own /run and /tmp; the run directory shared with the runner at /run/vm.
$bb mount -t tmpfs -o mode=0755 tmpfs /newroot/run
$bb mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
$bb mkdir -p /newroot/run/vm
$bb mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=262144 vmrun /newroot/run/vm ||
  fail "cannot mount the run directory"
# Power-off runs with 9p gone: the second stage and its busybox live in tmpfs.
$bb cp /bin/busybox /guest-run.sh /newroot/run/
for fs in proc sys dev; do $bb mount --move "/$fs" "/newroot/$fs"; done
exec $bb switch_root /newroot /run/busybox sh /run/guest-run.sh
