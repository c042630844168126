import { describe, it } from 'vitest';

/**
 * Tests that need something of the machine (root and bpftrace, a VM image, a Redis server):
 * run when it is there; skipped on a laptop without it; and when CI requires it (`required`,
 * from a variable `.ci/run` sets), a failure that names what is missing, so a broken runner
 * cannot pass by skipping everything.
 */
export function describeNeeding(what: { missing: string | null; required: boolean; variable: string; tests: string }, name: string, body: () => void): void {
  if (what.missing === null) describe(name, body);
  else if (what.required) {
    describe(name, () => {
      it(`has the ${what.tests} prerequisites (${what.variable}=1)`, () => {
        throw new Error(`${what.tests} tests required but ${what.missing}`);
      });
    });
  } else describe.skip(`${name} (skipped: ${what.missing})`, body);
}
