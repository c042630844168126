import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSubmission } from '../../src/check/decode-text.js';
import { verifyScene } from '../helpers/verify-scene.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { issueCommentEvent, mockCommentUpdate, mockStudyFile } from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

// `# Week 1 - 홍길동` and a bpftrace block, saved as EUC-KR by an old Windows editor.
const eucKr = new Uint8Array(Buffer.concat([
  Buffer.from('# Week 1 - '),
  Buffer.from([0xc8, 0xab, 0xb1, 0xe6, 0xb5, 0xbf]),
  Buffer.from("\n\n```bash\nsudo bpftrace -e 'BEGIN { exit(); }'\n```\n"),
]));

describe('/verify reads a note exactly as the push check does', () => {
  it('an EUC-KR note is refused with the check\'s words, and nothing runs', async () => {
    const verifier = fakeVerifier();
    const { probot, settle, s, scope } = await verifyScene({ verifier });
    mockStudyFile(scope, { markdown: eucKr });
    mockCommentUpdate(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();
    const expected = decodeSubmission(eucKr, 'ko');
    expect(expected.ok).toBe(false);
    expect(s.commentUpdates[0]).toContain(!expected.ok ? expected.finding.message : '');
    expect(s.commentUpdates[0]).toContain('EUC-KR');
    expect(s.checkCreates).toEqual([]);
  });

  it('a note over 1 MiB is refused from the folder listing, before it is downloaded', async () => {
    const { probot, settle, s, scope } = await verifyScene({ verifier: fakeVerifier() });
    mockStudyFile(scope, { markdown: 'x'.repeat(1.2 * 1024 * 1024), readFile: false });
    mockCommentUpdate(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();
    expect(s.commentUpdates[0]).toContain('파일이 너무 큽니다 (1.2 MiB) — 주차 노트는 1 MiB 이하여야 합니다');
  });
});
