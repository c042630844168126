/**
 * Attack review 17 (fixed, High): the week's digest (src/nudges/nudge-pass.ts verifyOutcomes)
 * reads the last 8+ days of comments (recentComments: up to 10 pages of issue comments and 10
 * of commit comments) and decodes every bot comment's `/verify` record in one synchronous loop
 * (recordedRequests); a genuine record of a finished request keeps its whole job (50
 * one-liners, 400-character commands, 200-character headings: ~31,000 characters when the
 * note's text does not compress) and costs ~1.5 ms to verify, inflate, parse and check. One
 * member asking `/verify` of such a note at the default 6 an hour leaves 1,152 records in 8
 * days; the digest pass then holds the event loop over a second, for every repository the
 * timer passes over after it.
 *
 * Measured (load 3.4-3.9): longest turn 1,420, 1,180 and 1,360 ms of main-thread CPU (the
 * sweep's control in verify-sweep-own-records.test.ts: the same records refused at their
 * signature cost 220 ms for 1,000). The same decode runs at every start in the recovery pass
 * (register.ts, 24 h of records: 144 from one member at the default rate, ~220 ms; not run).
 *
 * The repro: repoPass as test/attack/digest-misses-done-verify.test.ts drives it, over 1,000
 * issue comments and 152 commit comments that are the bot's own results as the publisher
 * writes them (renderVerifyComment of a refused run, stampRecord under the app's seal); the
 * longest turn in main-thread CPU (test/helpers/main-thread-cpu.ts).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/attendance/schedule.js';
import type { NudgeGitHub } from '../../src/github/nudge-client.js';
import type { RecentComment } from '../../src/github/recent-comments.js';
import { repoPass } from '../../src/nudges/nudge-pass.js';
import { nudgeRecordSeal } from '../../src/nudges/nudge-record.js';
import { weekTimes } from '../../src/nudges/plan.js';
import type { OneLiner } from '../../src/oneliners/types.js';
import { memoryClaims } from '../../src/shared-state/claims.js';
import type { VerifyJob } from '../../src/verify/drivers/types.js';
import { renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';
import { stampRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { HEAD_SHA, STUDY } from '../helpers/verify-github.js';
import { realisticLedger, studyConfig } from '../nudges/realistic.js';

const SECRETS = ['attack17-ledger-key', 'attack17-webhook-secret'];
const ATTACKER = 'hong-gildong';
const busy = { ko: 'VM 러너가 바쁩니다 (실행·대기 중인 요청 6개). 약 3분 뒤에 다시 요청해 주세요.', en: 'the VM runner is busy (6 request(s) running or waiting). Please try again in about 3 min.' };

function botResult(i: number, kind: 'issue' | 'commit', createdAt: number): string {
  const requestId = `${kind === 'issue' ? 'ic' : 'cc'}${100_000 + i}`;
  const oneLiners: OneLiner[] = Array.from({ length: 50 }, (_, n) => ({
    kind: 'bpftrace',
    line: 3 * n + 2,
    endLine: 3 * n + 2,
    heading: randomBytes(150).toString('base64'),
    command: `bpftrace -e 'kprobe:do_sys_openat2 { @["${randomBytes(290).toString('base64')}"] = count(); }'`,
    argv: [],
    env: {},
    shellSyntax: [],
  })) as OneLiner[];
  const view: VerifyView = { webOrigin: 'https://github.com', owner: STUDY.owner, repo: STUDY.repo, path: `study/week1/${ATTACKER}.md`, sha: HEAD_SHA, requester: ATTACKER, requestId, lang: 'ko', kernelLabel: null };
  const ticket = { key: `${STUDY.owner}/${STUDY.repo}#${ATTACKER}`.toLowerCase(), requestId, startedAt: createdAt };
  const job = { requestId, repo: STUDY, path: view.path, sha: HEAD_SHA, oneLiners, comment: { kind, id: 5_000 + i }, checkRunId: 70_000 + i, view, failureConclusion: 'failure', kernelLabel: null, kernels: [], ticket, deadline: createdAt + 10 * 60_000 } as VerifyJob;
  return stampRecord(renderVerifyComment(view, { kind: 'failed', problem: busy, oneLiners }), { requestId, requester: ATTACKER, state: 'done', acceptedAt: createdAt, lang: 'ko', job }, verifyRecordSeal(SECRETS, STUDY));
}

describe('attack review 17: the digest decodes 8 days of /verify records in one turn', () => {
  it('HIGH (fixed: the records are checked in turns of 20 ms): 1,152 of the bot\'s own /verify results (one member, 8 days at 6 an hour) make the week\'s digest pass one turn of over a second of main-thread CPU', async () => {
    const config = studyConfig();
    const w1 = weekTimes(buildSchedule(config), config).find((t) => t.week === 1)!;
    const now = w1.digestFrom + 60_000;
    const comments: RecentComment[] = Array.from({ length: 1_152 }, (_, i) => {
      const kind = i < 1_000 ? 'issue' : 'commit';
      const createdAt = now - 8 * 24 * 3_600_000 + i * 10 * 60_000;
      return {
        kind, id: 5_000 + i, nodeId: null, body: botResult(i, kind, createdAt), createdAt, updatedAt: createdAt + 60_000, login: 'study-bot[bot]', userType: 'Bot', appId: null, association: 'NONE',
        thread: kind === 'issue' ? { kind: 'issue', issueNumber: 1 } : { kind: 'commit', sha: HEAD_SHA },
      } as RecentComment;
    });
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
      recentComments: async () => comments,
      checkRunConclusion: async () => 'failure',
    };
    const { result, turn } = await longestTurn(() =>
      repoPass({
        gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', now: new Date(now),
        seal: nudgeRecordSeal(SECRETS, STUDY), verifySeal: verifyRecordSeal(SECRETS, STUDY),
        claims: memoryClaims({ now: () => new Date() }), mirrors: [], linkDigest: async () => {},
      }),
    );
    const week1 = result.digests.find((d) => d.week === 1);
    const digest = reportComments.find((c) => c.id === week1?.commentId)?.body ?? '';
    console.log(`digest pass over ${comments.length} /verify results (first line ${comments[0]!.body.indexOf('\n')} characters): longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; digest lists: ${/\*\*\/verify\*\*: [^\n]*/.exec(digest)?.[0]}`);
    // the digest was written (the week's /verify line is there)
    expect(digest).toContain('**/verify**');
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 60_000);
});
