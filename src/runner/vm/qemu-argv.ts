/**
 * The QEMU command line of a runner VM: the fewest devices that work. No network device, no
 * display, no monitor, no host directory shared; the root image attached read-only; a serial
 * console as the only way in and out; `-no-reboot` so the guest's reboot ends QEMU; QEMU's seccomp
 * sandbox on (no spawning, no privilege changes, no obsolete syscalls).
 */
export type Accel = 'kvm' | 'tcg';

export interface QemuSpec {
  accel: Accel;
  kernel: string;
  initramfs: string;
  rootImage: string;
  cpus: number;
  memoryMb: number;
  /**
   * The vCPU model under full emulation (`-cpu`; KVM always uses `host`). Part of the command
   * line, so of the snapshot's name: a saved guest restores only into the model it ran on.
   */
  cpuModel?: string;
  /** Extra kernel command-line words (tests use them to make a guest misbehave on purpose). */
  append?: string[];
  /**
   * Restore a saved guest instead of booting: QEMU reads the saved state from this inherited
   * file descriptor (`-incoming fd:N`). The rest of the command line must be the one it was
   * saved with.
   */
  incomingFd?: number;
  /**
   * A QMP monitor on this inherited socket descriptor, only for the boot that saves a snapshot
   * (snapshot.ts): a guest that runs a member's programs never gets a monitor.
   */
  qmpFd?: number;
}

export const QEMU_BINARY = 'qemu-system-x86_64';

export const KERNEL_CMDLINE = [
  'console=ttyS0',
  'quiet',
  'loglevel=1',
  // Any panic (including /init dying) reboots at once, and -no-reboot turns that into an exit.
  'panic=-1',
  'oops=panic',
  // Speculative-execution mitigations cost a lot under emulation and protect nothing here:
  // the guest runs one member's programs and is thrown away.
  'mitigations=off',
  'random.trust_cpu=on',
  // A busy host can stall an emulated vCPU through the kernel's check that the IO-APIC timer
  // ticks, which then panics ("IO-APIC + timer doesn't work!"): seen under load here.
  'no_timer_check',
  // No address-space randomization in the guest: every bpftrace then maps LLVM at the same
  // addresses, and under full emulation QEMU finds code it translated for one bpftrace (it keys
  // translated blocks by virtual and physical address) ready for the next. A parked guest's
  // warm-up thus does most of a request's translating ahead of it (docs/vm-warm-pool.md). The
  // guest runs one member's root programs and is thrown away: ASLR protects nothing in it.
  'norandmaps',
];

/** The vCPU model under full emulation unless STUDY_BOT_VM_CPU_MODEL says otherwise (docs/vm-warm-pool.md). */
export const DEFAULT_TCG_CPU = 'max';

/**
 * q35 without the devices a guest that only reads its serial line and one virtio disk never
 * uses: VMware's backdoor port, the SMBus controller, the AHCI (SATA) controller and the PS/2
 * keyboard controller (with `-nodefaults`: no VGA, network card, floppy or CD drive). microvm
 * (with `pcie=on`, since Debian's cloud kernel has virtio-pci but not virtio-mmio in its
 * initramfs) also booted and restored under TCG here, but was no faster (docs/vm-machine.md),
 * and q35 is what KVM hosts and QEMU's migration are most used with.
 */
export const MACHINE = 'q35,vmport=off,smbus=off,sata=off,i8042=off';

export function qemuArgv(spec: QemuSpec): string[] {
  return [
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-monitor', 'none',
    '-serial', 'stdio',
    '-machine', MACHINE,
    ...(spec.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', spec.cpuModel ?? DEFAULT_TCG_CPU]),
    '-smp', String(spec.cpus),
    '-m', String(spec.memoryMb),
    '-kernel', spec.kernel,
    '-initrd', spec.initramfs,
    '-append', [...KERNEL_CMDLINE, ...(spec.append ?? [])].join(' '),
    '-drive', `file=${qemuOptionValue(spec.rootImage)},if=virtio,format=raw,readonly=on`,
    '-nic', 'none',
    '-no-reboot',
    '-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny',
    ...(spec.incomingFd === undefined ? [] : ['-incoming', `fd:${spec.incomingFd}`]),
    ...(spec.qmpFd === undefined ? [] : ['-chardev', `socket,id=qmp,fd=${spec.qmpFd}`, '-mon', 'chardev=qmp,mode=control']),
  ];
}

/** QEMU splits option values at commas; a literal comma is written twice. */
export const qemuOptionValue = (value: string): string => value.replace(/,/g, ',,');
