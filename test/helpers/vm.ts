import { execFileSync } from 'node:child_process';
import { describeNeeding } from './prerequisites.js';
import { readManifest, runnerDir } from '../../src/runner/vm/runner-dir.js';

/**
 * VM tests boot real QEMU guests from the runner image (`study-bot runner image build`). On a
 * laptop without the image they are skipped; in CI (`STUDY_BOT_REQUIRE_VM=1`) a missing
 * prerequisite fails instead, so a runner that cannot boot cannot pass by skipping.
 */
export function missingVmPrerequisite(): string | null {
  try {
    execFileSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return 'qemu-system-x86_64 is not installed';
  }
  if (!readManifest()) return `no runner image in ${runnerDir()} (study-bot runner image build)`;
  return null;
}

const missing = missingVmPrerequisite();
const required = process.env.STUDY_BOT_REQUIRE_VM === '1';

/** A guest under full emulation on 2 busy cores takes its time: boots are counted in minutes here. */
export const VM_TEST_TIMEOUT = 600_000;

export function describeVm(name: string, body: () => void): void {
  describeNeeding({ missing, required, variable: 'STUDY_BOT_REQUIRE_VM', tests: 'VM' }, name, body);
}
