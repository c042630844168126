import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractOneLiners } from '../../../src/oneliners/extract-oneliners.js';
import { forRequest, requestLimitProblem } from '../../../src/runner/one-liner-schema.js';
import { checkPolicy } from '../../../src/runner/policy.js';
import { jailAvailable } from '../../../src/runner/vm/qemu-jail.js';
import { encodeRequestLine, REQUEST_PREFIX } from '../../../src/runner/vm/serial-protocol.js';
import { readRequestLine } from '../../../src/runner/vm/vm-request.js';
import { verifyInVm, VmSlots } from '../../../src/runner/vm/verify-in-vm.js';

/**
 * Issue 17, item 2: the host accepted (its policy) what the guest's schema refuses: a heading
 * over 500 characters, argv over 256 words, an env value over 4,096. The guest ignored such a
 * request and its VM idled to the deadline (244 s), holding the only slot.
 */
const note = `# Week 1\n\n### ${'h'.repeat(600)}\n\n\`\`\`bash\nsudo BPFTRACE_STRLEN=${'1'.repeat(5000)} bpftrace -e 'BEGIN { exit(); }'\n\`\`\`\n\n\`\`\`bash\nsudo bpftrace -e 'BEGIN { exit(); }' ${Array(300).fill('a').join(' ')}\n\`\`\`\n`;
const runnerDir = process.env.STUDY_BOT_RUNNER_DIR ?? '/var/cache/study-bot/runner';

describe('one schema for host and guest', () => {
  it('the policy lets these through; the schema the guest parses with does not, and the host now asks it first', async () => {
    const [env, argv] = await extractOneLiners(note);
    for (const oneLiner of [env!, argv!]) expect(checkPolicy(oneLiner, { isolation: 'vm' }).ok).toBe(true);
    expect(requestLimitProblem(forRequest(env!))).toMatch(/env\.BPFTRACE_STRLEN \(max 4096\)/);
    expect(requestLimitProblem(forRequest(argv!))).toMatch(/argv \(max 256\)/);
    // A long heading is only context: cut, not refused (extraction already cuts a note's
    // headings to 200 characters; a one-liner built elsewhere is cut to the guest's 500).
    expect(env!.heading!.length).toBe(200);
    expect(forRequest({ ...env!, heading: 'h'.repeat(600) }).heading!.length).toBe(500);
  });

  it('the guest answers a request it refuses at once, with why, and ignores lines that are not requests', async () => {
    const [env] = await extractOneLiners(note);
    const request = { version: 2, oneLiners: [env], options: {}, deadlineSeconds: 60, nowMs: Date.now() };
    const refused = readRequestLine(encodeRequestLine(request).trimEnd());
    expect(refused.kind).toBe('refused');
    expect(refused.kind === 'refused' && refused.why).toMatch(/\(request refused\): .*oneLiners\.0\.env\.BPFTRACE_STRLEN/);
    expect(readRequestLine(`${REQUEST_PREFIX}not base64!`)).toMatchObject({ kind: 'refused' });
    expect(readRequestLine('@@STUDYBOT-READY@@')).toEqual({ kind: 'not-a-request' });
    const ok = readRequestLine(encodeRequestLine({ ...request, oneLiners: [forRequest({ ...env!, env: {} })] }).trimEnd());
    expect(ok.kind).toBe('request');
  });

  it.skipIf(!existsSync(path.join(runnerDir, 'manifest.json')) || !jailAvailable({}))('verifyInVm refuses them without booting a VM', async () => {
    const [env, argv] = await extractOneLiners(note);
    const startedAt = Date.now();
    // A short VM deadline: before the fix, these booted and the VM idled until it.
    const report = await verifyInVm([env!, argv!], { runnerDir, env: { STUDY_BOT_VM_ACCEL: 'tcg' }, deadlineMs: 20_000 });
    expect(report.results.map((r) => [r.status, r.rule])).toEqual([['denied', 'request-limits'], ['denied', 'request-limits']]);
    expect(report.runner.vmStart).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  }, 120_000);
});

describe('VM slots and the member\'s deadline', () => {
  it('a request still waiting for a VM when its deadline passes gives up its place', async () => {
    const slots = new VmSlots();
    let release!: () => void;
    const first = slots.run(1, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const ran: string[] = [];
    const late = slots.run(1, async () => void ran.push('late'), Date.now() + 100);
    const next = slots.run(1, async () => void ran.push('next'));
    await expect(late).rejects.toThrow(/deadline passed while it waited for a VM/);
    release();
    expect(await first).toBe('first');
    await next;
    expect(ran).toEqual(['next']);
  });
});
