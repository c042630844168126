/**
 * Attack review 18 (fixed, MEDIUM): one member's requests crowd every other member's `/verify`
 * out of the week's digest.
 *
 * verifyOutcomes (src/nudges/nudge-pass.ts) keeps the LAST 50 `/verify` records of the 8+ days
 * it reads (`records.slice(-50)`) before it asks which are about the week's notes, and the
 * digest then lists the first 20 of those. A member's own requests are records like anyone's:
 * at the default 6 an hour, hong-gildong's 50 requests of his own week-6 note in nine hours
 * after jiwoo-kim's leave her request out of the digest altogether ("/verify: 50건", every line
 * his), though hers was on a week-6 note inside the window: the digest organizers read says
 * nobody else verified anything. Any 50 requests in the window will do, on any note.
 *
 * The fix (src/nudges/week-verify.ts): the records are narrowed to the week's notes first, each
 * member keeps their latest three, members are listed in turns, twelve lines at most, and the
 * count is of every request on the week's notes ("/verify: 51건", "… 외 47건").
 *
 * The repro: repoPass as test/nudges/repo-pass.test.ts drives it, the records as the bot signs
 * them (encodeVerifyRecord with a finished job), week 6's digest due.
 */
import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/attendance/schedule.js';
import type { NudgeGitHub } from '../../src/github/nudge-client.js';
import type { RecentComment } from '../../src/github/recent-comments.js';
import { repoPass } from '../../src/nudges/nudge-pass.js';
import { nudgeRecordSeal } from '../../src/nudges/nudge-record.js';
import { weekTimes } from '../../src/nudges/plan.js';
import { memoryClaims } from '../../src/shared-state/claims.js';
import { verifyMarker } from '../../src/verify/render-verify.js';
import { encodeVerifyRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { realisticLedger, studyConfig } from '../nudges/realistic.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const seal = nudgeRecordSeal(['s'], repo);
const verifySeal = verifyRecordSeal(['s'], repo);

/** A finished request's record, as the publisher leaves it in the request's own comment. */
function recorded(id: number, requester: string, path: string, at: number): RecentComment {
  const requestId = `ic${id}`;
  const job = {
    requestId, repo, path, sha: 'a'.repeat(40), oneLiners: [], comment: { kind: 'issue' as const, id }, checkRunId: 10_000 + id,
    view: { webOrigin: 'https://github.com', owner: repo.owner, repo: repo.repo, path, sha: 'a'.repeat(40), requester, requestId, lang: 'ko' as const },
    failureConclusion: 'failure' as const, kernelLabel: null, kernels: [], ticket: { key: 'k', requestId, startedAt: at }, deadline: at + 600_000,
  };
  const body = `${verifyMarker(requestId)}${encodeVerifyRecord({ requestId, requester, state: 'done', acceptedAt: at, lang: 'ko', job: job as never }, verifySeal)}\ndone`;
  return { kind: 'issue', id, nodeId: null, body, createdAt: at, updatedAt: at + 60_000, login: 'study-bot[bot]', userType: 'Bot', appId: null, association: 'NONE', thread: { kind: 'issue', issueNumber: 3 } };
}

describe('attack review 18: the week\'s digest keeps the last 50 /verify records', () => {
  it('MEDIUM (fixed): hong-gildong\'s 50 requests of his own week-6 note leave jiwoo-kim\'s week-6 /verify in the digest', async () => {
    const config = studyConfig();
    const w6 = weekTimes(buildSchedule(config), config).find((t) => t.week === 6)!;
    const now = w6.digestFrom + 60_000;
    const start = now - 24 * 3_600_000;
    const recent = [
      recorded(1, 'jiwoo-kim', 'study/week6/jiwoo.md', start),
      ...Array.from({ length: 50 }, (_, i) => recorded(100 + i, 'hong-gildong', 'study/week6/hgd.md', start + (i + 1) * 10 * 60_000)),
    ];
    const comments: { id: number; body: string; userType: string }[] = [];
    const gh: NudgeGitHub = {
      label: 'Codertocat/Hello-World',
      reportIssue: async () => 7,
      comments: async () => comments.map((c) => ({ ...c, appId: null, htmlUrl: null })),
      appId: async () => null,
      async createComment(_issue, _marker, body) {
        const id = 100 + comments.length;
        comments.push({ id, body, userType: 'Bot' });
        return { id, htmlUrl: null };
      },
      async updateComment(id, body) {
        comments.find((c) => c.id === id)!.body = body;
      },
      notes: async () => ({ paths: [], files: [] }),
      recentComments: async () => recent,
      checkRunConclusion: async () => 'success',
    };
    const result = await repoPass({
      gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', now: new Date(now),
      seal, verifySeal, claims: memoryClaims({ now: () => new Date() }), mirrors: [], linkDigest: async () => {},
    });
    const digest = comments.find((c) => c.id === result.digests.find((d) => d.week === 6)?.commentId)?.body ?? '';
    const lines = digest.split('\n').filter((l) => l.includes('/verify') || l.startsWith('  - '));
    console.log(`week 6's digest: ${lines[0]}; jiwoo-kim listed: ${digest.includes('jiwoo-kim')}`);
    expect(digest).toContain('**/verify**');
    // jiwoo-kim's request on her week-6 note is in the digest
    expect(digest).toContain('jiwoo-kim');
    // every request is counted, his latest three listed, the rest summed up
    expect(digest).toContain('- **/verify**: 51건');
    expect(lines.filter((l) => l.startsWith('  - ') && l.includes('hong-gildong'))).toHaveLength(3);
    expect(digest).toContain('  - … 외 47건');
  }, 60_000);
});
