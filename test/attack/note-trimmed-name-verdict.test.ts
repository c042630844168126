/**
 * Attack review 19 (HIGH, fixed: one function decides what a name reads as, paths/name-key.ts;
 * the classifier, the ledger's note keys and /verify's targets all key by it, so such a copy is
 * one look-alike group with the note and only the owner's or an organizer's push is recorded;
 * anyone else's is an error on its check naming both files). Cases beyond U+FEFF: a trailing
 * space, U+3000, U+00A0, and U+200B inside the name (which the classifier once called nobody's).
 *
 * The finding: the look-alike fix groups names equal after NFC, but the path
 * classifier trims the path first (classify-path.ts normalizePath: nfc(path).trim()), so
 * `study/week1/김철수.md` followed by an invisible character String.prototype.trim removes
 * (U+FEFF ZERO WIDTH NO-BREAK SPACE; also a plain trailing space, U+3000, U+00A0) is kim-cs's
 * submission for week 1 under another name: flagDuplicates calls it a plain 'duplicate'
 * (a warning), never a look-alike, so run-push-check's foreignLookalikes does not stop its
 * verdict, and the ledger keys it apart (studyFileOf keeps the untrimmed path). GitHub shows
 * both files as 김철수.md. hong-gildong pushes a failing copy under the name plus U+FEFF: the
 * bot's report says kim-cs's unchanged passing week-1 note fails.
 *
 * The repro: note-lookalike-verdict.test.ts (review 18's NFD copy, fixed) with the trimmed
 * suffix in place of the NFD bytes.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { pushPayload, sha } from '../helpers/push-probot.js';
import { FAILING_HGD, GOOD_HGD } from '../helpers/push-world.js';

const CONFIG = `# 스터디 설정
language: ko
members:
  - login: hong-gildong
    name: hgd
    aliases: [홍길동]
  - login: kim-cs
    name: 김철수
`;
const NFC = 'study/week1/김철수.md'.normalize('NFC');
const COPIES: [string, string, string][] = [
  ['U+FEFF at the end', `${NFC}\ufeff`, 'study/week1/김철수.md\\ufeff'],
  ['a trailing space', `${NFC} `, 'study/week1/김철수.md\\u0020'],
  ['U+3000 at the end', `${NFC}\u3000`, 'study/week1/김철수.md\\u3000'],
  ['U+00A0 at the end', `${NFC}\u00a0`, 'study/week1/김철수.md\\u00a0'],
  ['U+200B inside the name', 'study/week1/김\u200b철수.md', 'study/week1/김\\u200b철수.md'],
];
const GOOD = GOOD_HGD.replace('# Week 1 - hgd', '# Week 1 - 김철수');

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: a copy of another member\'s note under the name and a character trim() drops', () => {
  it.each(COPIES)('HIGH (fixed): hong-gildong adds a failing copy at study/week1/김철수.md with %s; kim-cs\'s unchanged passing note still passes, the copy fails its own check naming both', async (_what, COPY, escaped) => {
    expect(COPY).not.toBe(NFC);
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    let now = new Date('2025-09-04T11:05:00Z');
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const base = new FakeCommit(sha('trim-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const push = async (label: string, before: FakeCommit, sender: string, at: string, path: string, content: string) => {
      now = new Date(at);
      const after = before.with(sha(label), { set: [{ path, content }] });
      server.add(after);
      const payload = pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [{ added: [path] }] });
      await probot.receive({ id: label, name: 'push', payload } as never);
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
      return after;
    };
    const report = (): string => String(server.comments.find((c) => String(c.body).includes('study-bot:ledger'))?.body ?? '');
    const week1 = (): string => (report().split('\n').find((l) => l.startsWith('| 김철수<br>')) ?? '').split(' | ')[1] ?? '';

    const own = await push('trim-own', base, 'kim-cs', '2025-09-04T11:05:00Z', NFC, GOOD);
    console.log(`after kim-cs's push: check ${server.checkRuns.at(-1)?.conclusion}; 김철수 week 1 = ${week1()}`);
    expect(week1()).toContain('제출 ✅');

    await push('trim-copy', own, 'hong-gildong', '2025-09-05T02:00:00Z', COPY, FAILING_HGD);
    console.log(`after hong-gildong's copy (${_what}): check ${server.checkRuns.at(-1)?.conclusion}; 김철수 week 1 = ${week1()}; kim-cs's note unchanged: ${own.files.has(NFC)}`);
    expect(errors).toEqual([]);
    // kim-cs's note did not change: the row still says it passes (it said '제출 ❌')
    expect(week1()).toContain('제출 ✅');
    // the copy's check: an error naming the copy (its bytes spelt out) and kim-cs's note
    const copyRun = server.checkRuns.at(-1)!;
    expect(copyRun.conclusion).toBe('failure');
    const summary = String((copyRun.output as { summary?: string }).summary);
    const error = summary.split('\n').find((l) => l.startsWith('- ❌') && l.includes('lookalike-name')) ?? '';
    expect(error).toContain(`\`${escaped}\``);
    expect(error).toContain(`\`${NFC}\``);
    expect(error).toContain('@\u200bhong-gildong 님이 push했습니다: 기록하지 않습니다');
  }, 120_000);
});
