import { defineConfig } from 'vitest/config';

/**
 * The VM tests (`*.vm.test.ts`) boot real QEMU guests. They run after the rest, one file at a
 * time: a guest under full emulation takes both cores, and next to the host eBPF tests (which
 * wait at most seconds for a probe to attach) it would make those flaky.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.vm.test.ts'],
    setupFiles: ['test/setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
