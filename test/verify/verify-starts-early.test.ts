import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { OneLiner } from '../../src/oneliners/types.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, issueCommentEvent, mockConfig, mockLocalRun, sent, studyYaml, type Sent } from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

/** Every write to GitHub in the order it reached GitHub, whatever array it lands in. */
function ordered(s: Sent): string[] {
  const order: string[] = [];
  for (const key of ['replies', 'reactions', 'checkCreates', 'remembered', 'commentUpdates', 'checkUpdates'] as const) {
    const list = s[key] as unknown[];
    list.push = (...items: unknown[]) => {
      order.push(key);
      return Array.prototype.push.apply(list, items);
    };
  }
  return order;
}

/**
 * Issue 18: over real HTTP a `/verify` reached its VM 3.1 s after the comment was delivered
 * (load 4), all of it GitHub's writes, which Octokit's throttling paces a second apart: 👀,
 * then the ⏳ comment, then the Check Run, then the job's record in the ⏳ comment, and only
 * then the run. The run now begins as soon as the note is read, and the ⏳ comment goes first.
 */
describe('/verify with the local driver does not wait for its GitHub writes', () => {
  it('runs the one-liners before the Check Run and the record are written, and posts ⏳ before 👀', async () => {
    const s = sent();
    const order = ordered(s);
    // What GitHub had been told when the run began.
    let seenAtRun: string[] | null = null;
    const fake = fakeVerifier();
    const verifier = Object.assign(async (oneLiners: OneLiner[]) => {
      seenAtRun = [...order];
      return fake(oneLiners);
    }, { calls: fake.calls });
    const { probot, settle } = await createTestProbot({ verifier });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockLocalRun(scope, s);

    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();

    expect(fake.calls).toHaveLength(1);
    // Before: ['reactions', 'replies', 'checkCreates', 'remembered'] (four paced writes, ~3 s);
    // now the ⏳ comment only (👀 is not paced here, so it may have gone too).
    expect(seenAtRun![0]).toBe('replies');
    expect(seenAtRun!.filter((write) => write !== 'reactions')).toEqual(['replies']);
    // Everything is still written, the result last.
    expect(order.slice(0, 2)).toEqual(['replies', 'reactions']);
    expect(order.indexOf('remembered')).toBeGreaterThan(order.indexOf('checkCreates'));
    expect(order.indexOf('commentUpdates')).toBeGreaterThan(order.indexOf('remembered'));
    expect(s.commentUpdates[0]).toContain('✅ 동작함');
    expect(s.checkUpdates[0]).toMatchObject({ status: 'completed' });
  });
});
