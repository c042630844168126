/**
 * `/verify week1` end to end, as a member sees it: from `probot.receive(issue_comment.created)`
 * to the edited comment, through the real app (Probot, ProbotOctokit, the dispatcher, the
 * /verify handler) and the REAL local verifier running the five orientation one-liners of
 * CURRICULUM.md as root. GitHub is nock serving GitHub-shaped responses, so the request
 * counts are real HTTP requests (the installation token included) and the time has no network
 * latency in it.
 *
 * "ack" is when the webhook handler returned (👀 and ⏳ posted); "done" is when the ⏳
 * comment had become the table and the Check Run was completed. Round 1 is cold (the runner
 * probes bpftrace and the sandbox once per process); the median is over the warm rounds.
 */
import nock from 'nock';
import { getRunnerInfo } from '../src/runner/runner-info.js';
import { getSandbox } from '../src/runner/sandbox.js';
import { realVerifier } from '../src/verify/drivers/local-driver.js';
import { orientationMarkdown } from '../test/helpers/orientation.js';
import { createTestProbot, mockInstallationToken } from '../test/helpers/probot-app.js';
import { API, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, mockStudyFile, sent, studyYaml } from '../test/helpers/verify-github.js';

type BenchResult = { name: string; figures: Record<string, number | string> };

const NAME = '/verify week1 end to end (five orientation one-liners, real bpftrace)';
const ROUNDS = 4;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function oneRequest(): Promise<{ ackMs: number; doneMs: number; requests: number; ok: number; korean: boolean }> {
  const { probot, settle } = await createTestProbot({ verifier: realVerifier });
  const s = sent();
  const scope = nock(API);
  let requests = 0;
  scope.on('request', () => requests++);
  mockInstallationToken(scope);
  mockConfig(scope, studyYaml());
  mockAck(scope, s, 'issue');
  mockStudyFile(scope, { markdown: orientationMarkdown() });
  mockCheckRun(scope, s);
  mockCommentUpdate(scope, s, 'issue');

  const t0 = performance.now();
  await probot.receive(issueCommentEvent('/verify week1'));
  const ackMs = performance.now() - t0;
  await settle();
  const doneMs = performance.now() - t0;

  const pending = nock.pendingMocks();
  nock.cleanAll();
  const comment = s.commentUpdates[0] ?? '';
  if (pending.length > 0 || !comment) throw new Error(`bench /verify: no edited comment or unanswered mocks: ${pending.join(', ')}`);
  return {
    ackMs,
    doneMs,
    requests,
    ok: (comment.match(/^\| \d+ \|.*✅ 동작함/gm) ?? []).length,
    korean: comment.includes('\neBPF 스터디 시작!\n'),
  };
}

export async function benchVerifyCommand(): Promise<BenchResult[]> {
  const info = await getRunnerInfo();
  if (!info.root) return [{ name: NAME, figures: { skipped: 'not root' } }];
  if (!info.bpftrace) return [{ name: NAME, figures: { skipped: 'bpftrace missing' } }];
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await oneRequest());
  const [cold, ...warm] = runs;
  const sandbox = await getSandbox();
  return [{
    name: NAME,
    figures: {
      coldDoneMs: Math.round(cold.doneMs),
      warmDoneMsMedian: Math.round(median(warm.map((r) => r.doneMs))),
      warmDoneMsMin: Math.round(Math.min(...warm.map((r) => r.doneMs))),
      warmDoneMsMax: Math.round(Math.max(...warm.map((r) => r.doneMs))),
      ackMsMedian: Math.round(median(runs.map((r) => r.ackMs))),
      githubRequestsPerVerify: runs[0].requests,
      githubRequestsNote: 'token, config, 👀, ⏳, thread comments, repo, ref, dir, file, check create, comment edit, check complete',
      okOneLiners: `${Math.min(...runs.map((r) => r.ok))}/5`,
      koreanOutputIntact: runs.every((r) => r.korean) ? 'yes' : 'NO',
      sandbox: sandbox.prefix ? 'mount namespace (nsenter)' : `off (${sandbox.reason})`,
      rounds: ROUNDS,
      targetMs: 2000,
    },
  }];
}
