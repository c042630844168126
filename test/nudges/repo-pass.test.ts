import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/attendance/schedule.js';
import type { NudgeGitHub } from '../../src/github/nudge-client.js';
import { memoryClaims } from '../../src/shared-state/claims.js';
import { repoPass } from '../../src/nudges/nudge-pass.js';
import { decodeNudgeRecord, DIGEST_MARKER, nudgeRecordSeal, withRecord } from '../../src/nudges/nudge-record.js';
import { weekTimes } from '../../src/nudges/plan.js';
import { encodeVerifyRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import type { RecentComment } from '../../src/github/recent-comments.js';
import { realisticLedger, studyConfig } from './realistic.js';
import { verifyMarker } from '../../src/verify/render-verify.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const seal = nudgeRecordSeal(['s'], repo);
const verifySeal = verifyRecordSeal(['s'], repo);

/** The report issue's comments and the calls made, in memory (the seam's one fake). */
function fakeGitHub(comments: { id: number; body: string; userType: string }[], recent: RecentComment[] = [], conclusions: Record<number, string> = {}) {
  const calls: string[] = [];
  const gh: NudgeGitHub = {
    label: 'Codertocat/Hello-World',
    reportIssue: async () => 7,
    comments: async () => comments.map((c) => ({ ...c, appId: null, htmlUrl: `https://github.com/x/y/issues/7#issuecomment-${c.id}` })),
    appId: async () => null,
    async createComment(_issue, _marker, body) {
      const id = 100 + comments.length;
      comments.push({ id, body, userType: 'Bot' });
      calls.push(`create ${id}`);
      return { id, htmlUrl: null };
    },
    async updateComment(id, body) {
      comments.find((c) => c.id === id)!.body = body;
      calls.push(`update ${id}`);
    },
    notes: async () => ({ paths: [], files: [] }),
    recentComments: async () => recent,
    checkRunConclusion: async (id) => conclusions[id] ?? null,
  };
  return { gh, calls, comments };
}

/** A job as the bot records it in its ⏳ comment `commentId`, accepted at `acceptedAt`. */
const job = (path: string, checkRunId: number, commentId: number, acceptedAt: number) => ({
  requestId: 'vr1',
  repo,
  path,
  sha: 'a'.repeat(40),
  oneLiners: [],
  comment: { kind: 'issue' as const, id: commentId },
  checkRunId,
  view: { webOrigin: 'https://github.com', owner: repo.owner, repo: repo.repo, path, sha: 'a'.repeat(40), requester: 'hong-gildong', requestId: 'vr1', lang: 'ko' as const },
  failureConclusion: 'failure' as const,
  kernelLabel: null,
  kernels: [],
  ticket: { key: 'k', requestId: 'vr1', startedAt: acceptedAt },
  deadline: 0,
});

describe('one pass over one repository', () => {
  const config = studyConfig();
  const times = weekTimes(buildSchedule(config), config);
  const w6 = times.find((t) => t.week === 6)!;

  it('makes the week’s digest with its /verify results; a copied record in someone’s comment does not count as sent', async () => {
    const forged = withRecord('copied', { kind: 'digest', week: 6, final: false, mirrored: [] }, seal);
    const verifyComment: RecentComment = {
      kind: 'issue', id: 3, nodeId: null, body: `${verifyMarker('vr1')}${encodeVerifyRecord({ requestId: 'vr1', requester: 'hong-gildong', state: 'done', job: job('study/week6/hgd.md', 55, 3, w6.digestFrom) as never }, verifySeal)}\ndone`,
      createdAt: w6.digestFrom, updatedAt: w6.digestFrom, login: 'study-bot[bot]', userType: 'Bot', appId: null, association: 'NONE', thread: { kind: 'issue', issueNumber: 9 },
    };
    const { gh, calls, comments } = fakeGitHub([{ id: 1, body: forged, userType: 'User' }], [verifyComment], { 55: 'failure' });
    const linked: number[] = [];
    const result = await repoPass({
      gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', now: new Date(w6.digestFrom + 60_000), seal, verifySeal,
      claims: memoryClaims({ now: () => new Date() }), mirrors: [], linkDigest: async (_w, id) => void linked.push(id),
    });
    expect(calls).toEqual(['create 101']);
    expect(result.digests).toEqual([{ week: 6, action: 'created', commentId: 101 }]);
    expect(linked).toEqual([101]);
    const body = comments.find((c) => c.id === 101)!.body;
    expect(body.startsWith(DIGEST_MARKER)).toBe(true);
    expect(body).toContain('- **/verify**: 1건\n  - ❌ hong-gildong `study/week6/hgd.md` (failure)');
  });

  it('a mirror that never answers does not hold up the pass, and is handed the final digest once', async () => {
    const existing = withRecord('old', { kind: 'digest', week: 5, final: false, mirrored: [] }, seal);
    const { gh, comments } = fakeGitHub([{ id: 1, body: existing, userType: 'Bot' }]);
    const sends: string[] = [];
    const hangs = { kind: 'discord' as const, send: (md: string) => (sends.push(md), new Promise<void>(() => {})) };
    const w5 = times.find((t) => t.week === 5)!;
    const input = {
      gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', seal, verifySeal,
      claims: memoryClaims({ now: () => new Date() }), mirrors: [hangs], linkDigest: async () => {},
    };
    const first = await repoPass({ ...input, now: new Date(w5.digestUntil) });
    expect(first.digests.find((d) => d.week === 5)).toEqual({ week: 5, action: 'final', commentId: 1 });
    expect(decodeNudgeRecord(comments[0].body, seal)).toEqual({ kind: 'digest', week: 5, final: true, mirrored: ['discord'] });
    expect(sends).toHaveLength(1);
    expect(sends[0]).toContain('### 📋 5주차 요약');
    // a restart: the record says it was mirrored and final; nothing is sent or edited again
    await repoPass({ ...input, claims: memoryClaims({ now: () => new Date() }), now: new Date(w5.digestUntil + 3_600_000) });
    expect(sends).toHaveLength(1);
  });
});
