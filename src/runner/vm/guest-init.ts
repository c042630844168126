/**
 * PID 1 of the runner VM: a busybox script in the initramfs. It mounts the read-only root
 * image, gives the guest writable scratch space in RAM only (tmpfs), mounts the kernel file
 * systems bpftrace needs, runs the agent inside the root image, then reboots, which ends QEMU
 * (-no-reboot). Nothing of the host is mounted: the root image is the only disk.
 *
 * The serial line is made raw (no echo, no line editing, no signals) and is the agent's stdin:
 * the request arrives on it (serial-protocol.ts). The agent keeps its own deadline once the
 * request is there; a watchdog started here would be frozen into a snapshot with a stale clock.
 *
 * If anything fails the script still reboots, and the host reports "the VM gave no result";
 * if the script itself dies, the kernel panics and `panic=-1` reboots just the same.
 */
export const GUEST_INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /newroot
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "studybot-init: $*" > /dev/console; }
stty -F /dev/ttyS0 raw -echo || say "cannot make the serial line raw"
for module in $(cat /etc/study-bot/modules); do insmod "/lib/modules/$module" || say "cannot load $module"; done
n=0
while [ ! -b /dev/vda ] && [ $n -lt 200 ]; do usleep 20000; n=$((n + 1)); done
if mount -t ext4 -o ro,noload /dev/vda /newroot; then
  for dir in run tmp var/tmp root; do mount -t tmpfs -o mode=0755,size=512m scratch "/newroot/$dir"; done
  chmod 1777 /newroot/tmp /newroot/var/tmp
  mount --move /proc /newroot/proc
  mount --move /sys /newroot/sys
  mount --move /dev /newroot/dev
  mount -t tracefs tracefs /newroot/sys/kernel/tracing
  mount -t debugfs debugfs /newroot/sys/kernel/debug
  mount -t bpf bpf /newroot/sys/fs/bpf
  ip link set lo up
  hostname studybot-vm
  mkdir -p /newroot/run/study-bot
  cp /study-bot/* /newroot/run/study-bot/
  chroot /newroot /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /usr/bin/node /run/study-bot/agent.mjs < /newroot/dev/ttyS0
  say "agent exited with $?"
else
  say "cannot mount the root image"
fi
reboot -f
`;
