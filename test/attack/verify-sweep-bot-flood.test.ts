/**
 * Attack review 17 (fixed, High): every accepted `/verify` first sweeps the member's stale ⏳
 * comments of its thread (sweep-stale-comments.ts). listBotComments reads the WHOLE thread
 * (every page, no bound) and keeps every comment of a user of type Bot, whatever app wrote it;
 * the sweep then decodes each one's first line in one synchronous loop: a first line that
 * starts with the `/verify` marker and carries a block with a `sig=` costs a regular-expression
 * pass and one HMAC per secret over up to 65 KB. Any workflow a member pushes to main posts as
 * github-actions[bot] (type Bot; a commit comment names no app), and verify-record.ts says so
 * itself. A thread (here a commit's) holding a few thousand such comments makes every
 * `/verify` written there (the attacker's own, within their hourly cap) one long turn of
 * main-thread CPU for the whole app.
 *
 * Measured (load 3.4-5.6): 4,000 comments, longest turn 870 ms of main-thread CPU; 6,000
 * comments (60 pages), 1,570 and 1,630 ms; the request itself runs to its result.
 *
 * The repro: the whole app (createTestProbot), GitHub by nock in its own shapes; the commit's
 * comments come 100 a page with GitHub's Link header; two secrets (a deployment's
 * WEBHOOK_SECRET and private key); the longest turn in main-thread CPU (main-thread-cpu.ts).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { markerFor } from '../../src/github/marker-comment.js';
import { openapiExample } from '../helpers/github-examples.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { createTestProbot, mockInstallationToken, testPrivateKey } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, STUDY, commitCommentEvent, mockCheckRun, mockCommentUpdate, mockConfig, mockEyes, mockReply, mockStudyFile, mockVerifyHistory, sent, studyYaml } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const COMMIT = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const PAGES = 60;
const PER_PAGE = 100;
/** one github-actions[bot] comment: the marker, then a block as long as a comment allows, with a sig */
const floodBody = (i: number) => {
  const head = `${markerFor('verify')}<!-- study-bot:verify-record v1 `;
  const tail = ` sig=${'0'.repeat(64)} -->`;
  return head + String(i).padStart(8, '0') + 'A'.repeat(65_536 - head.length - tail.length - 8) + tail;
};

describe('attack review 17: /verify sweeps a thread of bot comments in one turn', () => {
  it('HIGH (fixed: the records are checked in turns of 20 ms): 6,000 github-actions[bot] comments on a commit make every /verify there one turn of over a second of main-thread CPU', async () => {
    const attendance = { attendance: { ledgerSecrets: ['webhook-secret', testPrivateKey()] } } as Partial<AppDeps>;
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), ...attendance });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockVerifyHistory(scope);
    mockEyes(scope, s, 'commit');
    mockReply(scope, s, 'commit');
    const example = openapiExample<any>('commit-comment');
    const actions = { ...example.user, login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
    const path = `/repos/${STUDY.owner}/${STUDY.repo}/commits/${COMMIT}/comments`;
    const pageOf = (page: number) =>
      Array.from({ length: PER_PAGE }, (_, j) => {
        const i = (page - 1) * PER_PAGE + j;
        return { ...example, id: 10_000 + i, body: floodBody(i), user: actions };
      });
    const link = (page: number) =>
      [page < PAGES ? `<${API}${path}?per_page=100&page=${page + 1}>; rel="next"` : null, `<${API}${path}?per_page=100&page=${PAGES}>; rel="last"`].filter(Boolean).join(', ');
    scope.get(path).query({ per_page: '100' }).reply(200, () => pageOf(1), { link: link(1) });
    for (let page = 2; page <= PAGES; page++) scope.get(path).query({ per_page: '100', page: String(page) }).reply(200, () => pageOf(page), { link: link(page) });
    mockStudyFile(scope, { sha: COMMIT, headLookup: false });
    mockCheckRun(scope, s, 4, 1, 'commit');
    mockCommentUpdate(scope, s, 'commit');

    const { turn } = await longestTurn(async () => {
      await probot.receive(commitCommentEvent('/verify study/week1/hgd.md'));
      await settle();
    });
    console.log(`/verify on a commit with ${PAGES * PER_PAGE} github-actions[bot] comments of 65,536 characters: longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; pages left unread: ${scope.pendingMocks().length}; result: ${s.commentUpdates.length}`);
    // the request ran to its result
    expect(s.commentUpdates.length).toBe(1);
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 60_000);
});
