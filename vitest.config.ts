import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Booting VMs: vitest.vm.config.ts runs them after these, one file at a time.
    exclude: ['test/**/*.vm.test.ts', 'node_modules/**'],
    setupFiles: ['test/setup.ts'],
    // eBPF tests spawn real bpftrace processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
