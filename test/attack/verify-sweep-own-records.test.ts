/**
 * Attack review 17 (fixed, High): the same sweep (sweep-stale-comments.ts) with nothing but the
 * bot's own comments. Every accepted `/verify` lists its whole thread and decodes every bot
 * comment's record in one synchronous loop; a genuine record verifies, so it is also inflated,
 * parsed and checked against the schema, and a finished request's record keeps its whole job:
 * up to 50 one-liners with a 400-character command and a 200-character heading each
 * (verify-record.ts compactJob), ~32,000 characters of first line when the note's text does
 * not compress. One decode costs ~1.5 ms of CPU. A member who keeps asking `/verify` of such a
 * note in one thread (each answer, even the queue's "the VM runner is busy", keeps the job)
 * leaves there, at the default 6 an hour, ~1,000 such records in a week; from then on every
 * `/verify` written in that thread, anyone's, holds the event loop over a second.
 *
 * Measured (load 5.0-5.5): longest turn 1,280, 1,380 and 1,370 ms of main-thread CPU, the request
 * itself answered; the control, the same thread under an app holding other secrets (every
 * record refused at its signature: no inflate, no parse), 220 ms.
 *
 * The repro: the whole app (createTestProbot) with two secrets (a deployment's WEBHOOK_SECRET
 * and private key); the thread's 1,000 earlier results are the bot's own comments as the
 * publisher writes them (renderVerifyComment of a refused run, stampRecord under the app's
 * seal), 100 a page with GitHub's Link header; the longest turn in main-thread CPU.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import type { OneLiner } from '../../src/oneliners/types.js';
import type { VerifyJob } from '../../src/verify/drivers/types.js';
import { renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';
import { stampRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { openapiExample } from '../helpers/github-examples.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { createTestProbot, mockInstallationToken, testPrivateKey } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, HEAD_SHA, STUDY, issueCommentEvent, mockCheckRun, mockCommentUpdate, mockConfig, mockEyes, mockReply, mockStudyFile, mockVerifyHistory, sent, studyYaml } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const PAGES = 10;
const PER_PAGE = 100;
const SECRETS = ['webhook-secret', testPrivateKey()];
const ATTACKER = 'hong-gildong';
const busy = { ko: 'VM 러너가 바쁩니다 (실행·대기 중인 요청 6개). 약 3분 뒤에 다시 요청해 주세요.', en: 'the VM runner is busy (6 request(s) running or waiting). Please try again in about 3 min.' };

/** one earlier answer of the bot in the thread: the publisher's comment for a refused run of a 50-one-liner note */
function botResult(i: number, createdAt: number): string {
  const requestId = `ic${100_000 + i}`;
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
  const job: VerifyJob = { requestId, repo: STUDY, path: view.path, sha: HEAD_SHA, oneLiners, comment: { kind: 'issue', id: 5_000 + i }, checkRunId: 70_000 + i, view, failureConclusion: 'failure', kernelLabel: null, kernels: [], ticket, deadline: createdAt + 10 * 60_000 } as VerifyJob;
  const body = renderVerifyComment(view, { kind: 'failed', problem: busy, oneLiners });
  return stampRecord(body, { requestId, requester: ATTACKER, state: 'done', acceptedAt: createdAt, lang: 'ko', job }, verifyRecordSeal(SECRETS, STUDY));
}

describe('attack review 17: /verify decodes every earlier result of its thread in one turn', () => {
  it('HIGH (fixed: the records are checked in turns of 20 ms): 1,000 of the bot\'s own /verify results in an issue thread make the next /verify there one turn of over a second of main-thread CPU', async () => {
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), attendance: { ledgerSecrets: SECRETS } } as Partial<AppDeps>);
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockVerifyHistory(scope);
    mockEyes(scope, s, 'issue');
    mockReply(scope, s, 'issue');
    const example = openapiExample<any>('issue-comment');
    const bot = { ...example.user, login: 'study-bot[bot]', type: 'Bot' };
    const week = Date.parse('2026-12-01T00:00:00Z');
    const results = Array.from({ length: PAGES * PER_PAGE }, (_, i) => {
      const createdAt = week + i * 10 * 60_000;
      return { ...example, id: 5_000 + i, body: botResult(i, createdAt), user: bot, created_at: new Date(createdAt).toISOString(), updated_at: new Date(createdAt + 60_000).toISOString() };
    });
    const firstLine = results[0]!.body.indexOf('\n');
    const path = `/repos/${STUDY.owner}/${STUDY.repo}/issues/1/comments`;
    const link = (page: number) =>
      [page < PAGES ? `<${API}${path}?per_page=100&page=${page + 1}>; rel="next"` : null, `<${API}${path}?per_page=100&page=${PAGES}>; rel="last"`].filter(Boolean).join(', ');
    const pageOf = (page: number) => results.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    scope.get(path).query({ per_page: '100' }).reply(200, () => pageOf(1), { link: link(1) });
    for (let page = 2; page <= PAGES; page++) scope.get(path).query({ per_page: '100', page: String(page) }).reply(200, () => pageOf(page), { link: link(page) });
    mockStudyFile(scope);
    mockCheckRun(scope, s, 4, 1, 'issue');
    mockCommentUpdate(scope, s, 'issue');

    const { turn } = await longestTurn(async () => {
      await probot.receive(issueCommentEvent('/verify week1'));
      await settle();
    });
    console.log(`/verify in a thread of ${results.length} earlier results (first line ${firstLine} characters): longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; mocks left: ${scope.pendingMocks().length}; result: ${s.commentUpdates.length}`);
    // the request ran to its result, and nothing of the thread was closed out (all done)
    expect(s.commentUpdates.length).toBe(1);
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 60_000);
});
