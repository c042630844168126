/**
 * Attack review 18 (fixed, HIGH): the reminders' pass decoded every bot comment of the report
 * issue in one synchronous loop.
 *
 * repoPass (src/nudges/nudge-pass.ts) reads what was sent from the report issue: every comment,
 * every page (nudge-client.ts comments), then `sentOf` (nudge-record.ts) decoded each comment of
 * a user of type Bot in one loop, with no turn let go: the first line is cut out, matched
 * against the record's pattern and, when it starts with the reminder's marker and carries a
 * block with a `sig=`, one HMAC per secret over the block (up to 65 KB) before the signature
 * fails. Any workflow a member pushes to main comments as github-actions[bot] (type Bot), and
 * the report issue is an ordinary issue anyone with write access comments on. The same premise
 * as review 17's verify-sweep-bot-flood.test.ts (6,000 such comments, there on a commit), here
 * on the report issue: every pass with a reminder or a digest due (the digest is updated
 * through its week) held the event loop that long, and again after the claim (sentOf runs
 * twice when something is posted).
 *
 * The fix, both halves of review 17's: a comment GitHub says another app wrote
 * (`performed_via_github_app`: GitHub Actions for a workflow's comments) is not read at all, and
 * what is left (the bot's own comments, and bot comments that name no app) is checked in turns
 * of 20 ms (worker/turns.ts).
 *
 * The repro: repoPass as digest-decodes-records-stall.test.ts drives it (week 1's digest due);
 * two secrets (a deployment's WEBHOOK_SECRET and private key, as review 17's tests); the
 * longest turn in main-thread CPU (test/helpers/main-thread-cpu.ts). First the 6,000 comments
 * with no app named (so still read: only the turns help), each with a first line of the
 * reminder's marker and a block of 65,000 characters with a signature of the right shape; its
 * control, the same bodies without the marker line; then the same flood as GitHub lists it
 * (60 pages of 100 through the app's own listing, nudge-client.ts), each naming GitHub Actions,
 * with the bot's own digest of the week on the last page.
 *
 * Measured before the fix (load 6.1-6.4): longest turn 2,510 and 2,530 ms of main-thread CPU,
 * the digest written all the same; control, the same 6,000 bodies without the marker line:
 * 30 ms. Again at load 8.9: 2,930 ms, and 1,590 ms for the flood as GitHub lists it (6,001
 * signatures checked). After (load 9-12.5): 30 ms with no app named (12,000 signatures checked,
 * in turns), 100 ms for the flood naming GitHub Actions (one signature checked: the bot's own),
 * what listing 60 pages of 6.5 MB costs; control 20 ms.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerSeal } from '../../src/attendance/ledger-seal.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { nudgeGitHub, type NudgeComment, type NudgeGitHub } from '../../src/github/nudge-client.js';
import type { Octokit } from '../../src/github/octokit.js';
import { GitObjectCache } from '../../src/github/git-cache.js';
import { repoPass } from '../../src/nudges/nudge-pass.js';
import { DIGEST_MARKER, NUDGE_MARKER, nudgeRecordSeal, withRecord } from '../../src/nudges/nudge-record.js';
import { weekTimes } from '../../src/nudges/plan.js';
import { memoryClaims } from '../../src/shared-state/claims.js';
import { verifyRecordSeal } from '../../src/verify/verify-record.js';
import { openapiExample } from '../helpers/github-examples.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { INSTALLATION_ID, mockInstallationToken, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { API, STUDY } from '../helpers/verify-github.js';
import { realisticLedger, studyConfig } from '../nudges/realistic.js';

afterEach(() => {
  nock.cleanAll();
});

const SECRETS = ['attack18-webhook-secret', 'attack18-private-key'];
const FLOOD = 6_000;
const PER_PAGE = 100;
const REPORT_ISSUE = 7;
/** the app of the tests' Probot (appId 1), and GitHub Actions' app as GitHub names it */
const OUR_APP = 1;
const ACTIONS_APP = 15368;

// one block, reused: what a workflow posts is the same text every time
const block = randomBytes(48_600).toString('base64'); // 64,800 characters
const floodBody = `${NUDGE_MARKER}<!-- study-bot:nudge-record v1 ${block} sig=${'0'.repeat(64)} -->\nnot the bot`;

/** The seal the pass is given, counting the signatures it checks (each one an HMAC per secret over the block). */
function countingSeal(seal: LedgerSeal) {
  const counted = { verified: 0 };
  const wrapped: LedgerSeal = {
    sign: (payload) => seal.sign(payload),
    verify: (payload, signature) => (counted.verified++, seal.verify(payload, signature)),
  };
  return { seal: wrapped, counted };
}

/**
 * The report issue's other calls in memory; `comments` and `appId` from `listing` when given
 * (the app's own listing of GitHub), else the flood in the seam's shape plus what the pass wrote.
 */
function reportIssue(flood: NudgeComment[], listing?: Pick<NudgeGitHub, 'comments' | 'appId'>) {
  const written: { id: number; body: string; userType: string; appId: number | null }[] = [];
  const updated: { id: number; body: string }[] = [];
  const gh: NudgeGitHub = {
    label: `${STUDY.owner}/${STUDY.repo}`,
    reportIssue: async () => REPORT_ISSUE,
    comments: async () => [...written.map((c) => ({ ...c, htmlUrl: null })), ...flood],
    appId: async () => OUR_APP,
    ...listing,
    async createComment(_issue, _marker, text) {
      const id = 100 + written.length;
      written.push({ id, body: text, userType: 'Bot', appId: OUR_APP });
      return { id, htmlUrl: null };
    },
    async updateComment(id, text) {
      updated.push({ id, body: text });
    },
    notes: async () => ({ paths: [], files: [] }),
    recentComments: async () => [],
    checkRunConclusion: async () => 'success',
  };
  return { gh, updated };
}

async function digestPass(gh: NudgeGitHub, seal: LedgerSeal | null) {
  const config = studyConfig();
  const w1 = weekTimes(buildSchedule(config), config).find((t) => t.week === 1)!;
  return longestTurn(() =>
    repoPass({
      gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', now: new Date(w1.digestFrom + 60_000),
      seal, verifySeal: verifyRecordSeal(SECRETS, STUDY),
      claims: memoryClaims({ now: () => new Date() }), mirrors: [], linkDigest: async () => {},
    }),
  );
}

describe('attack review 18: the reminders\' pass decodes the report issue\'s bot comments in one turn', () => {
  it('HIGH (fixed: the comments are checked in turns of 20 ms): 6,000 bot comments naming no app on the report issue make the week\'s digest pass one turn of over a second of main-thread CPU', async () => {
    expect(floodBody.length).toBeLessThanOrEqual(65_536);
    const flood = Array.from({ length: FLOOD }, (_, i) => ({ id: 20_000 + i, body: floodBody, userType: 'Bot', appId: null, htmlUrl: null }));
    const { seal, counted } = countingSeal(nudgeRecordSeal(SECRETS, STUDY)!);
    const { result, turn } = await digestPass(reportIssue(flood).gh, seal);
    console.log(`digest pass over ${FLOOD} bot comments (no app named) of ${floodBody.length} characters: longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; signatures checked ${counted.verified}; digests ${JSON.stringify(result.digests)}`);
    // no app named: still read (twice, before and after the claim), and the digest written all the same
    expect(counted.verified).toBe(2 * FLOOD);
    expect(result.digests).toEqual([{ week: 1, action: 'created', commentId: 100 }]);
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 120_000);

  it('control: the same 6,000 bodies without the marker line', async () => {
    const plain = floodBody.slice(NUDGE_MARKER.length);
    const flood = Array.from({ length: FLOOD }, (_, i) => ({ id: 20_000 + i, body: plain, userType: 'Bot', appId: null, htmlUrl: null }));
    const { seal, counted } = countingSeal(nudgeRecordSeal(SECRETS, STUDY)!);
    const { result, turn } = await digestPass(reportIssue(flood).gh, seal);
    console.log(`control, ${FLOOD} bot comments without the marker: longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; signatures checked ${counted.verified}`);
    expect(counted.verified).toBe(0);
    expect(result.digests).toEqual([{ week: 1, action: 'created', commentId: 100 }]);
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 120_000);

  it('(fixed) the same flood as GitHub lists it, each comment naming GitHub Actions (performed_via_github_app), is not read; the bot\'s own digest among them is, and is updated', async () => {
    const pages = FLOOD / PER_PAGE;
    const { seal, counted } = countingSeal(nudgeRecordSeal(SECRETS, STUDY)!);
    const example = openapiExample<any>('issue-comment');
    const app = openapiExample<any>('integration');
    const actions = {
      user: { ...example.user, login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      performed_via_github_app: { ...app, id: ACTIONS_APP, slug: 'github-actions', name: 'GitHub Actions' },
    };
    const ours = {
      user: { ...example.user, login: 'study-bot[bot]', id: 41898283, type: 'Bot' },
      performed_via_github_app: { ...app, id: OUR_APP },
    };
    const OWN_ID = 20_000 + FLOOD;
    const ownDigest = withRecord('### 1주차 요약 (earlier)', { kind: 'digest', week: 1, final: false, mirrored: [] }, seal);
    const path = `/repos/${STUDY.owner}/${STUDY.repo}/issues/${REPORT_ISSUE}/comments`;
    const pageOf = (page: number) => [
      ...Array.from({ length: PER_PAGE }, (_, j) => ({ ...example, ...actions, id: 20_000 + (page - 1) * PER_PAGE + j, body: floodBody })),
      // the bot's own digest of the week, on the last page (after the flood)
      ...(page === pages ? [{ ...example, ...ours, id: OWN_ID, body: ownDigest, html_url: `https://github.com/${STUDY.owner}/${STUDY.repo}/issues/${REPORT_ISSUE}#issuecomment-${OWN_ID}` }] : []),
    ];
    const link = (page: number) =>
      [page < pages ? `<${API}${path}?per_page=100&page=${page + 1}>; rel="next"` : null, `<${API}${path}?per_page=100&page=${pages}>; rel="last"`].filter(Boolean).join(', ');
    const scope = nock(API);
    mockInstallationToken(scope);
    scope.get(path).query({ per_page: '100' }).reply(200, () => pageOf(1), { link: link(1) });
    for (let page = 2; page <= pages; page++) scope.get(path).query({ per_page: '100', page: String(page) }).reply(200, () => pageOf(page), { link: link(page) });
    // the app's own listing of GitHub, with an installation's Octokit as the scheduler has it
    const probot = new Probot({ appId: OUR_APP, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
    const octokit = (await probot.auth(INSTALLATION_ID)) as Octokit;
    const github = nudgeGitHub(octokit, STUDY, new GitObjectCache());
    const { gh, updated } = reportIssue([], { comments: (n) => github.comments(n), appId: () => github.appId() });
    const { result, turn } = await digestPass(gh, seal);
    console.log(`digest pass over ${FLOOD} github-actions[bot] comments as GitHub lists them (${pages} pages): longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; signatures checked ${counted.verified}; digests ${JSON.stringify(result.digests)}`);
    expect(scope.pendingMocks()).toEqual([]);
    // one signature checked: the bot's own record; GitHub Actions' 6,000 are never decoded
    expect(counted.verified).toBe(1);
    // the bot's own digest is found and updated in place, not written again
    expect(result.digests).toEqual([{ week: 1, action: 'updated', commentId: OWN_ID }]);
    expect(updated.map((u) => u.id)).toEqual([OWN_ID]);
    expect(updated[0]!.body.startsWith(DIGEST_MARKER)).toBe(true);
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 120_000);
});
