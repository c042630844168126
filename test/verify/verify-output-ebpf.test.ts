import nock from 'nock';
import { afterEach, expect } from 'vitest';
import { REDACTED } from '../../src/runner/redact.js';
import { verifyOneLiners } from '../../src/runner/verify-oneliners.js';
import { realVerifier } from '../../src/verify/drivers/local-driver.js';
import { describeEbpf, itEbpf } from '../helpers/ebpf.js';
import { verifyScene } from '../helpers/verify-scene.js';
import { orientationMarkdown } from '../helpers/orientation.js';
import { issueCommentEvent, mockCheckRun, mockCommentUpdate, mockStudyFile } from '../helpers/verify-github.js';
import { plantSecrets } from '../helpers/verify-planted-secrets.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

/** The public end of the pipeline: what the app sends GitHub for `/verify week1` with the real runner. */
async function verifyThroughTheApp(markdown: string, verifier = realVerifier) {
  const { probot, settle, s, scope } = await verifyScene({ verifier });
  mockStudyFile(scope, { markdown });
  mockCheckRun(scope, s);
  mockCommentUpdate(scope, s, 'issue');
  await probot.receive(issueCommentEvent('/verify week1'));
  await settle();
  return s;
}

describeEbpf('/verify output end to end (real bpftrace, local driver)', () => {
  itEbpf('never shows a token the traced workload exposed, in the comment or the Check Run', async () => {
    const planted = plantSecrets();
    try {
      const note = ['# Week 1 - 홍길동', '', '### 1. 누가 무엇을 여나', '', '```bash', planted.oneLinerCommand, '```', ''].join('\n');
      const s = await verifyThroughTheApp(note, (oneLiners) => verifyOneLiners(oneLiners, { workload: planted.workload }));
      const comment = s.commentUpdates[0];
      const published = JSON.stringify([s.commentUpdates, s.checkUpdates]);
      expect(comment).toMatch(/\| 1 \| \[L6\].*✅ 동작함/);
      // the planted paths were traced and shown, with the token part masked...
      expect(comment).toContain(`${planted.dir}/${REDACTED}`);
      // ...and no piece of either token reached GitHub
      for (const fragment of planted.fragments) expect(published).not.toContain(fragment);
      expect(published).not.toMatch(/ghs_[A-Za-z0-9]{8}|github_pat_[A-Za-z0-9]{8}/);
      // the Korean file name is rendered as Korean, not as bpftrace 0.17's \uffffffXX escapes
      expect(comment).toContain(`${planted.dir}/${planted.korean}`);
      expect(published).not.toContain('\\uffffff');
    } finally {
      planted.cleanup();
    }
  }, 60_000);

  itEbpf('the five orientation one-liners come back ok, with their Korean output intact', async () => {
    const s = await verifyThroughTheApp(orientationMarkdown());
    const comment = s.commentUpdates[0];
    expect(comment.match(/✅ 동작함/g)).toHaveLength(5 + 1); // five rows and the tally
    expect(comment).toContain('**✅ 동작함 5**');
    expect(comment).toContain('\neBPF 스터디 시작!\n');
    expect(comment).not.toMatch(/\\u[0-9a-f]{4}|�/);
    expect(s.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  }, 60_000);
});
