import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { reparse, runnerRequestSchema, MAX_REQUEST_ONELINERS } from '../../src/runner/request-schema.js';
import { planDispatch } from '../../src/verify/drivers/actions-driver.js';
import type { VerifyJob } from '../../src/verify/drivers/types.js';

// The bot writes the request, `study-bot runner exec` on the runner reads it: the two ends
// must agree, or every actions-driver run would end as a runner error.
const jobFor = (oneLiners: VerifyJob['oneLiners']) =>
  ({
    requestId: 'r-1',
    repo: { owner: 'study', repo: 'ebpf' },
    path: 'study/week1/hgd.md',
    sha: 'a'.repeat(40),
    oneLiners,
    comment: { id: 7 },
    kernelLabel: null,
  }) as unknown as VerifyJob;

describe('actions driver request → runner exec', () => {
  it('dispatches a request that the runner validates and re-parses to the same argv', async () => {
    const markdown = await readFile(new URL('../fixtures/oneliners/orientation.md', import.meta.url), 'utf8');
    const oneLiners = await extractOneLiners(markdown);
    expect(oneLiners.length).toBeGreaterThanOrEqual(5);
    const { inputs, left } = planDispatch(jobFor(oneLiners));
    expect(left).toEqual([]);
    const request = runnerRequestSchema.parse(JSON.parse(inputs.request));
    expect(request.file).toBe('study/week1/hgd.md');
    expect(request.oneLiners.map(reparse).map((o) => o.argv)).toEqual(oneLiners.map((o) => o.argv));
  });

  it('never sends more one-liners than the runner accepts', async () => {
    const one = (await extractOneLiners("```bash\nsudo bpftrace -e 'BEGIN { exit(); }'\n```\n"))[0];
    const many = Array.from({ length: MAX_REQUEST_ONELINERS + 7 }, (_, i) => ({ ...one, line: i + 1 }));
    const { inputs, left } = planDispatch(jobFor(many));
    expect(runnerRequestSchema.safeParse(JSON.parse(inputs.request)).success).toBe(true);
    expect(left).toHaveLength(7);
  });
});
