import nock from 'nock';
import { afterEach, expect } from 'vitest';
import { realVerifier } from '../../src/verify/drivers/local-driver.js';
import { describeEbpf, itEbpf } from '../helpers/ebpf.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { API, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, mockStudyFile, sent, studyYaml } from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const NOTE = [
  '# Week 1 - 홍길동',
  '',
  '### 1. 시스템 콜 카운트',
  '',
  '```bash',
  "sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'",
  '```',
  '',
  '### 2. 위험한 것',
  '',
  '```bash',
  "sudo bpftrace -e 'BEGIN { system(\"id\"); }'",
  '```',
  '',
].join('\n');

describeEbpf('/verify end to end with the real verifier (local driver)', () => {
  itEbpf('runs real bpftrace one-liners and reports them', async () => {
    const { probot, settle } = await createTestProbot({ verifier: realVerifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope, { markdown: NOTE });
    mockCheckRun(scope, s);
    mockCommentUpdate(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();
    const comment = s.commentUpdates[0];
    expect(comment).toMatch(/\| 1 \| \[L6\].*✅ 동작함/);
    expect(comment).toMatch(/\| 2 \| \[L12\].*⛔ 안전 정책으로 거부/);
    expect(comment).toMatch(/러너: 호스트 · kernel `[^`]+` · bpftrace `v?\d/);
    expect(s.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });
  }, 60_000);
});
