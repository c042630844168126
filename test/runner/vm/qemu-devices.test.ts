import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { QEMU_BINARY, qemuArgv } from '../../../src/runner/vm/qemu-argv.js';

/**
 * Issue 17: QEMU's device list is what the guest needs. The runner's own QEMU command line
 * (machine and defaults, without the guest's files), started paused; its device tree is read
 * back over QMP (`info qtree`), so the test sees what this QEMU really builds.
 */
const hasQemu = spawnSync(QEMU_BINARY, ['--version']).status === 0;

function deviceTree(): string {
  const argv = qemuArgv({ accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 1, memoryMb: 512 });
  const machine = argv[argv.indexOf('-machine') + 1]!;
  const input = ['{"execute":"qmp_capabilities"}', '{"execute":"human-monitor-command","arguments":{"command-line":"info qtree"}}', '{"execute":"quit"}', ''].join('\n');
  const run = spawnSync(QEMU_BINARY, ['-machine', machine, ...(argv.includes('-nodefaults') ? ['-nodefaults'] : []), '-accel', 'tcg', '-S', '-display', 'none', '-qmp', 'stdio'], { input, encoding: 'utf8', timeout: 30_000 });
  return run.stdout;
}

describe.skipIf(!hasQemu && process.env.STUDY_BOT_REQUIRE_VM !== '1')('the runner VM\'s devices', () => {
  it('has no VMware port, SMBus, SATA controller, PS/2 controller or any default device', () => {
    const tree = deviceTree();
    expect(tree).toContain('dev: q35-pcihost');
    for (const device of ['vmport', 'vmmouse', 'smbus-eeprom', 'ich9-ahci', 'i8042', 'ps2-kbd', 'ps2-mouse', 'VGA', 'e1000', 'ide-cd']) {
      expect(tree).not.toContain(`dev: ${device},`);
    }
  });
});
