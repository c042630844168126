/**
 * Attack review 3 (fixed, Low: a bug, not an attack): the week's digest never lists a finished
 * `/verify`.
 *
 * `verifyOutcomes` (src/nudges/nudge-pass.ts) lists a request only when its record carries a
 * job (`r.job?.path`). A request's record lives in one comment, its ⏳: while it runs, that
 * comment's record is `pending` with the job (handle-verify-command.ts, `remember`); when it
 * ends, the publisher (publish-verify.ts) rewrites the same comment with a `done` record that
 * has no job. GitHub returns only a comment's current body, so every finished request reads as
 * `done` without a path and is skipped: the digest says "no request on this week's notes"
 * for a week whose notes were verified (only requests still running at the pass are listed,
 * as ⏳). The existing test (test/nudges/repo-pass.test.ts) hand-builds a `done` record WITH
 * a job, which the bot never writes.
 *
 * Repro: a real `/verify week1` through the app (local driver, fake verifier, GitHub by nock),
 * the ⏳ comment's final body as GitHub then holds it, and one digest pass over it.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import type { NudgeGitHub } from '../../src/github/nudge-client.js';
import type { RecentComment } from '../../src/github/recent-comments.js';
import { repoPass } from '../../src/nudges/nudge-pass.js';
import { nudgeRecordSeal } from '../../src/nudges/nudge-record.js';
import { weekTimes } from '../../src/nudges/plan.js';
import { memoryClaims } from '../../src/shared-state/claims.js';
import { decodeVerifyRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { realisticLedger, studyConfig } from '../nudges/realistic.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, issueCommentEvent, mockConfig, mockLocalRun, sent, STUDY } from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

const SECRETS = ['attack3-ledger-key'];

/** hong-gildong's `/verify week1`, run by the app as it runs every request, an hour before week 1's digest. */
async function realVerify() {
  const config = studyConfig();
  const times = weekTimes(buildSchedule(config), config);
  const w1 = times.find((t) => t.week === 1)!;
  const acceptedAt = w1.digestFrom - 3_600_000; // an hour before the digest's first pass
  const clock = { now: () => new Date(acceptedAt) };

  const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), clock, attendance: { ledgerSecrets: SECRETS } } as Partial<AppDeps>);
  const s = sent();
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, ['members:', '  - login: hong-gildong', '    name: hgd'].join('\n'));
  mockLocalRun(scope, s);
  await probot.receive(issueCommentEvent('/verify week1', 'hong-gildong'));
  await settle();
  return { s, acceptedAt, w1 };
}

describe('attack review 3: the digest and finished /verify requests', () => {
  it('Low (fixed): a finished /verify of a week-1 note is listed in week 1’s digest (it said "no request": its done record had no job)', async () => {
    const { s, acceptedAt, w1 } = await realVerify();
    const seal = verifyRecordSeal(SECRETS, STUDY);
    // while it ran, its ⏳ named the job (the digest would have listed it as ⏳)
    expect(decodeVerifyRecord(s.remembered[0], seal)).toMatchObject({ state: 'pending', job: { path: 'study/week1/hgd.md' } });
    // the result as GitHub now holds the ⏳ comment: done, and (since the fix) still with its job
    const finalBody = s.commentUpdates.at(-1)!;
    const finalRecord = decodeVerifyRecord(finalBody, seal);
    expect(finalRecord).toMatchObject({ requestId: 'ic492700400', requester: 'hong-gildong', state: 'done', job: { path: 'study/week1/hgd.md' } });

    const digest = await digestOver(finalBody, acceptedAt, w1.digestFrom + 60_000);
    // before the fix it said '- **/verify**: 이번 주 노트에 대한 요청 없음'
    expect(digest).toContain('- **/verify**: 1건');
    expect(digest).toContain('hong-gildong `study/week1/hgd.md` (failure)');
  });

  it('control: the same request still running (its ⏳ with the job) is listed', async () => {
    const { s, acceptedAt, w1 } = await realVerify();
    const digest = await digestOver(s.remembered[0], acceptedAt, w1.digestFrom + 60_000);
    expect(digest).toContain('- **/verify**: 1건');
    expect(digest).toContain('hong-gildong `study/week1/hgd.md` (pending)');
  });
});

/** One digest pass (week 1) over a repository whose only recent comment is `body`, created at `createdAt`. */
async function digestOver(body: string, createdAt: number, now: number): Promise<string> {
  const config = studyConfig();
  const seal = verifyRecordSeal(SECRETS, STUDY);
    // the digest pass reads the repository's recent comments: the one ⏳, as it is now
    const verifyComment: RecentComment = {
      kind: 'issue', id: 1, nodeId: null, body: body, createdAt, updatedAt: createdAt, login: 'study-bot[bot]', userType: 'Bot', appId: null, association: 'NONE',
      thread: { kind: 'issue', issueNumber: 1 },
    };
    const reportComments: { id: number; body: string; userType: string }[] = [];
    const gh: NudgeGitHub = {
      label: `${STUDY.owner}/${STUDY.repo}`,
      reportIssue: async () => 7,
      comments: async () => reportComments.map((c) => ({ ...c, appId: null, htmlUrl: null })),
      appId: async () => null,
      async createComment(_issue, _marker, body) {
        const id = 100 + reportComments.length;
        reportComments.push({ id, body, userType: 'Bot' });
        return { id, htmlUrl: null };
      },
      async updateComment(id, body) {
        reportComments.find((c) => c.id === id)!.body = body;
      },
      notes: async () => ({ paths: [], files: [] }),
      recentComments: async () => [verifyComment],
      checkRunConclusion: async (id) => (id === 4 ? 'failure' : null),
    };
    const result = await repoPass({
      gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', now: new Date(now),
      seal: nudgeRecordSeal(SECRETS, STUDY), verifySeal: seal,
      claims: memoryClaims({ now: () => new Date() }), mirrors: [], linkDigest: async () => {},
    });
  const week1 = result.digests.find((d) => d.week === 1);
  expect(week1).toBeDefined();
  return reportComments.find((c) => c.id === week1!.commentId)!.body;
}
