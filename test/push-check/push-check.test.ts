/**
 * The push check end to end: Probot receives push payloads shaped like GitHub's, GitHub is
 * nock (responses from @octokit/openapi's examples), and every test counts the requests and
 * ends with no pending mocks. Check-run bodies are snapshotted.
 */
import { createRequire } from 'node:module';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import {
  acceptCheckRun,
  acceptCheckRunUpdate,
  FakeCommit,
  githubScope,
  REPO_PATH,
  serveCheckRunsForRef,
  serveCommit,
  serveCompare,
  servePermission,
  requestLines,
} from '../helpers/push-github.js';
import { APP_STARTED, buildPushApp, pushPayload, sha, type PushApp } from '../helpers/push-probot.js';
import { baseCommit, CONFIG_TEXT, FAILING_HGD, GOOD_HGD } from '../helpers/push-world.js';

type Body = Record<string, any>;

const require = createRequire(import.meta.url);
/** The keys `POST /repos/{owner}/{repo}/check-runs` takes, as a server's own OpenAPI description lists them. */
function checkRunKeys(description: string): string[] {
  const api = require(`@octokit/openapi/generated/${description}.deref.json`);
  const schema = api.paths['/repos/{owner}/{repo}/check-runs'].post.requestBody.content['application/json'].schema;
  return [...new Set([schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].flatMap((s: any) => Object.keys(s.properties ?? {})))];
}

let app: PushApp;
let gh: ReturnType<typeof githubScope>;

beforeEach(async () => {
  app = await buildPushApp();
  gh = githubScope();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});


async function deliver(payload: Record<string, unknown>, id = 'delivery-1', name: 'push' | 'check_run' | 'check_suite' = 'push') {
  await app.probot.receive({ id, name, payload } as never);
  return app.settle();
}

const before = baseCommit();

describe('push check', () => {
  it('one good file: a success check with one row, in 4 requests', async () => {
    const after = before.with(sha('good'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    const errors = await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(errors).toEqual([]);
    expect(requestLines(gh.requests)).toEqual([
      `GET ${REPO_PATH}/git/trees/${after.sha}`,
      `GET ${REPO_PATH}/git/blobs/${after.shaOf(CONFIG_PATH)}`,
      `GET ${REPO_PATH}/git/blobs/${after.shaOf('study/week1/hgd.md')}`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
    expect(created).toMatchObject({ name: 'study-bot / 제출물 검사', head_sha: after.sha, status: 'completed', conclusion: 'success' });
    expect(created.output.title).toBe('1개 파일 통과');
    expect(created.output.summary).toContain(`https://github.com/Codertocat/Hello-World/blob/${after.sha}/study/week1/hgd.md`);
    expect(created.external_id).toBe(`push:${before.sha}:hong-gildong`);
    expect(created).toMatchSnapshot();
  });

  it('one failing file: failure, and an annotation on each finding’s line', async () => {
    const after = before.with(sha('failing'), { set: [{ path: 'study/week1/hgd.md', content: FAILING_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(gh.requests).toHaveLength(4);
    expect(created.conclusion).toBe('failure');
    expect(created.output.title).toBe('1개 파일 중 1개 수정 필요');
    const lines = FAILING_HGD.split('\n');
    const byRule = Object.fromEntries(created.output.annotations.map((a: Body) => [`${a.title}@${a.start_line}`, a.annotation_level]));
    // The lines are where the problems are in the file.
    expect(lines[17 - 1]).toBe('[실행 결과 스크린샷]');
    expect(byRule['placeholders@17']).toBe('failure');
    expect(lines[25 - 1]).toContain('hgd_md/practice_2.png');
    expect(byRule['links@25']).toBe('failure');
    expect(lines[5 - 1]).toBe('- OS: Ubuntu 22.04');
    expect(byRule['env-fields@5']).toBe('warning');
    for (const a of created.output.annotations) expect(a.path).toBe('study/week1/hgd.md');
    expect(created).toMatchSnapshot();
  });

  it('120 findings: annotations go out in 3 batches of at most 50', async () => {
    // Each leftover placeholder is its own finding, on its own line.
    const many = FAILING_HGD + '\n## 학습 내용\n\n' + Array.from({ length: 115 }, () => '[실행 결과 스크린샷]\n').join('\n');
    const after = before.with(sha('many'), { set: [{ path: 'study/week1/hgd.md', content: many }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    const bodies: Body[] = [];
    acceptCheckRun(gh.scope, 77, (b) => bodies.push(b));
    acceptCheckRunUpdate(gh.scope, 77, (b) => bodies.push(b));
    acceptCheckRunUpdate(gh.scope, 77, (b) => bodies.push(b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ modified: ['study/week1/hgd.md'] }] }));

    const counts = bodies.map((b) => b.output.annotations.length);
    expect(counts).toEqual([50, 50, 20]);
    expect(requestLines(gh.requests).slice(-3)).toEqual([`POST ${REPO_PATH}/check-runs`, `PATCH ${REPO_PATH}/check-runs/77`, `PATCH ${REPO_PATH}/check-runs/77`]);
    // Every batch restates title and summary (GitHub requires them) and appends its annotations.
    for (const b of bodies.slice(1)) expect(b.output.title).toBe(bodies[0].output.title);
    const allLines = bodies.flatMap((b) => b.output.annotations.map((a: Body) => a.start_line));
    expect(new Set(allLines).size).toBe(120);
  });

  it('a forced push that deletes another member’s file fails with the restore command', async () => {
    // kcs's notes only existed in the history the force push threw away.
    const overwritten = before.with(sha('kcs-week2'), { set: [{ path: 'study/week2/kcs.md', content: '# Week 2 - kcs\n' }] });
    const after = before.with(sha('forced'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }], remove: ['study/week1/kcs.md'] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    serveCommit(gh.scope, overwritten);
    servePermission(gh.scope, 'hong-gildong', 'write');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(
      pushPayload({ before: overwritten.sha, after: after.sha, forced: true, commits: [{ added: ['study/week1/hgd.md'], removed: ['study/week1/kcs.md'] }] }),
    );

    expect(requestLines(gh.requests)).toEqual([
      `GET ${REPO_PATH}/git/trees/${after.sha}`,
      `GET ${REPO_PATH}/git/blobs/${after.shaOf(CONFIG_PATH)}`,
      `GET ${REPO_PATH}/git/trees/${overwritten.sha}`,
      `GET ${REPO_PATH}/collaborators/hong-gildong/permission`,
      `GET ${REPO_PATH}/git/blobs/${after.shaOf('study/week1/hgd.md')}`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
    expect(created.conclusion).toBe('failure');
    expect(created.output.title).toBe('다른 멤버의 기록 2개 삭제·덮어씀 — 복구 필요 · 1개 파일 통과');
    expect(created.output.summary).toContain(`git checkout ${overwritten.sha} -- study/week1/kcs.md study/week2/kcs.md`);
    expect(created.output.summary).toContain('| `study/week2/kcs.md` | kcs | 삭제 |');
    expect(created).toMatchSnapshot();
  });

  it('"Details" leads to the pushed commit on the repository’s own host, GHES too, with only keys GHES accepts', async () => {
    // GitHub: "If the integrator does not provide [details_url], then the homepage of the GitHub
    // app is used": app.yml's github.com, even for a study on GHES (issue 17 item 12).
    const after = before.with(sha('ghes'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));
    const payload = pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }) as Record<string, any>;
    payload.repository.html_url = 'https://ghe.example.ac.kr/Codertocat/Hello-World';

    await deliver(payload);

    expect(created.details_url).toBe(`https://ghe.example.ac.kr/Codertocat/Hello-World/commit/${after.sha}`);
    for (const description of ['api.github.com', 'ghes-3.17', 'ghes-3.18', 'ghes-3.19']) {
      const permitted = checkRunKeys(description);
      expect(Object.keys(created).filter((key) => !permitted.includes(key)), description).toEqual([]);
    }
  });

  it('a commit listing 3,000 files (GitHub’s cut): the trees are compared, and a removal past the cut is flagged', async () => {
    // "A maximum of 3000 changed files will be reported per commit" (GitHub's push webhook
    // description): a member vendors 3,000 files and, in the same commit, deletes kcs's notes.
    // The payload's lists stop at 3,000 entries and never mention the deletion.
    const vendored = Array.from({ length: 3000 }, (_, i) => ({ path: `third_party/libbpf/src/f${String(i).padStart(4, '0')}.h`, content: `/* ${i} */\n` }));
    const after = before.with(sha('vendored'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }, ...vendored], remove: ['study/week1/kcs.md'] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    serveCommit(gh.scope, before);
    servePermission(gh.scope, 'hong-gildong', 'write');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));
    const listed = [...vendored.slice(0, 2999).map((f) => f.path), 'study/week1/hgd.md'];

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: listed }] }));

    expect(requestLines(gh.requests)).toContain(`GET ${REPO_PATH}/git/trees/${before.sha}`);
    expect(created.conclusion).toBe('failure');
    expect(created.output.summary).toContain(`git checkout ${before.sha} -- study/week1/kcs.md`);
  });

  it('an organizer’s forced push that removes a member’s file is not flagged', async () => {
    const after = before.with(sha('tidy'), { remove: ['study/week1/kcs.md'] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    serveCommit(gh.scope, before);
    servePermission(gh.scope, 'study-lead', 'maintain');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, forced: true, sender: 'study-lead', commits: [{ removed: ['study/week1/kcs.md'] }] }));

    expect(created.conclusion).toBe('neutral');
    expect(created.output.title).toBe('검사할 제출물이 없습니다');
  });

  it('a member renaming their own file is not flagged and needs no permission lookup', async () => {
    const start = before.with(sha('hgd-1'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    const after = start.with(sha('renamed'), { set: [{ path: 'study/week1/홍길동.md', content: GOOD_HGD }], remove: ['study/week1/hgd.md'] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/홍길동.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: start.sha, after: after.sha, commits: [{ added: ['study/week1/홍길동.md'], removed: ['study/week1/hgd.md'] }] }));

    expect(gh.requests).toHaveLength(4);
    expect(created.conclusion).toBe('success');
    expect(created.output.summary).toContain('/blob/' + after.sha + '/study/week1/%ED%99%8D%EA%B8%B8%EB%8F%99.md');
  });

  it('25 commits: changed paths come from the compare API', async () => {
    const after = before.with(sha('long'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    serveCompare(gh.scope, before.sha, after.sha, [{ filename: 'study/week1/hgd.md', status: 'added' }, { filename: 'notes.txt', status: 'modified' }], 25);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));
    // The payload's 25 commits each touch only notes.txt: if they were used, hgd.md would go unchecked.
    const commits = Array.from({ length: 25 }, () => ({ modified: ['notes.txt'] }));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits }));

    expect(requestLines(gh.requests)).toContain(`GET ${REPO_PATH}/compare/${before.sha}...${after.sha}`);
    expect(gh.requests).toHaveLength(5);
    expect(created.output.title).toBe('1개 파일 통과');
  });

  it('branch creation: every study file at `after` is new and checked', async () => {
    const after = before.with(sha('created'), { set: [{ path: 'study/week1/hgd.md', content: FAILING_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md', 'study/week1/kcs.md']);
    // The config is new on the branch too, so who pushed it matters: the repository's creator.
    servePermission(gh.scope, 'study-lead', 'admin');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: '0000000000000000000000000000000000000000', after: after.sha, created: true, sender: 'study-lead', commits: [{ added: ['README.md'] }] }));

    expect(created.output.title).toBe('2개 파일 중 1개 수정 필요');
    expect(created.external_id).toBe(`push:0000000000000000000000000000000000000000:study-lead`);
    expect(created.conclusion).toBe('failure');
    expect(created.output.summary).not.toContain('설정 파일');
  });

  it('branch deletion, a tag and another branch: no request at all', async () => {
    await deliver(pushPayload({ before: before.sha, after: '0000000000000000000000000000000000000000', deleted: true }), 'd-1');
    await deliver(pushPayload({ before: before.sha, after: sha('feature'), ref: 'refs/heads/feature', commits: [{ added: ['study/week1/hgd.md'] }] }), 'd-2');
    await deliver(pushPayload({ before: '0000000000000000000000000000000000000000', after: before.sha, ref: 'refs/tags/v1', created: true }), 'd-3');
    expect(gh.requests).toEqual([]);
  });

  it('a config change with an error, by a member: annotated on its line, checked with the previous config, flagged', async () => {
    const broken = CONFIG_TEXT.replace('language: ko', 'language: ko\nchecks:\n  failureConclusion: red');
    const after = before.with(sha('config'), { set: [{ path: CONFIG_PATH, content: broken }, { path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    gh.scope
      .get(`${REPO_PATH}/contents/${encodeURIComponent(CONFIG_PATH)}`)
      .query({ ref: before.sha })
      .reply(200, { type: 'file', encoding: 'base64', size: CONFIG_TEXT.length, name: 'study.yml', path: CONFIG_PATH, content: Buffer.from(CONFIG_TEXT).toString('base64'), sha: before.shaOf(CONFIG_PATH) });
    servePermission(gh.scope, 'hong-gildong', 'write');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ modified: [CONFIG_PATH], added: ['study/week1/hgd.md'] }] }));

    expect(created.conclusion).toBe('failure');
    const configNotes = created.output.annotations.filter((a: Body) => a.path === CONFIG_PATH);
    const brokenLines = broken.split('\n');
    expect(configNotes.find((a: Body) => a.annotation_level === 'failure')).toMatchObject({ start_line: 4 });
    expect(brokenLines[4 - 1]).toContain('failureConclusion: red');
    expect(configNotes.find((a: Body) => a.annotation_level === 'warning')?.message).toContain('hong-gildong');
    expect(created.output.summary).toContain('직전 커밋의 설정으로 검사했습니다');
    expect(created).toMatchSnapshot();
  });

  it('a 3 MB markdown file: one finding, and its bytes are never downloaded', async () => {
    const huge = '# Week 1 - hgd\n\n' + 'eBPF '.repeat(600_000);
    const after = before.with(sha('huge'), { set: [{ path: 'study/week1/hgd.md', content: huge }] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(gh.requests).toHaveLength(3);
    expect(created.conclusion).toBe('failure');
    expect(created.output.summary).toContain('file-size');
    expect(created.output.summary).toContain('2.9 MiB');
    expect(created).toMatchSnapshot();
  });

  it('a binary file named .md: a clear finding, no crash', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...new Array(64).fill(0)]);
    const after = before.with(sha('binary'), { set: [{ path: 'study/week1/hgd.md', content: png }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(created.conclusion).toBe('failure');
    expect(created.output.summary).toContain('file-format');
    expect(created.output.annotations).toBeUndefined(); // no line to point at: the finding is in the summary
    expect(created).toMatchSnapshot();
  });

  it('an NFD Korean file name: recognised as the member’s, annotated and linked at its stored path', async () => {
    const nfd = 'study/week1/홍길동.md'.normalize('NFD');
    expect(nfd).not.toBe('study/week1/홍길동.md');
    const after = before.with(sha('nfd'), { set: [{ path: nfd, content: FAILING_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, nfd]);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: [nfd] }] }));

    expect(created.output.summary).toContain('| hgd | 1 | ❌ | 2 |');
    expect(created.output.annotations[0].path).toBe(nfd);
    expect(created.output.summary).toContain(encodeURIComponent('홍길동.md'.normalize('NFD')));
    expect(created).toMatchSnapshot();
  });

  it('a name that hides a character (U+FEFF at the end) reads as the member\'s note: alone, a warning on the owner\'s push; an error on anyone else\'s', async () => {
    const hidden = 'study/week1/hgd.md\ufeff';
    const after = before.with(sha('hidden-own'), { set: [{ path: hidden, content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, hidden]);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));
    // hong-gildong (hgd) pushes it: no permission lookup, a warning that says to rename it
    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: [hidden] }] }));
    expect(created.conclusion).not.toBe('failure');
    expect(created.output.summary).toContain('`lookalike-name` 이 파일 이름(`study/week1/hgd.md\\ufeff`)에는 보이지 않는 문자나 이름 끝의 공백이 있어 `study/week1/hgd.md`처럼 보입니다');

    // another blob (the same passing note, one more newline); the config blob is remembered
    const theirs = before.with(sha('hidden-other'), { set: [{ path: hidden, content: `${GOOD_HGD}\n` }] });
    serveCommit(gh.scope, theirs, [hidden]);
    servePermission(gh.scope, 'kim-chulsoo', 'write');
    acceptCheckRun(gh.scope, 5, (b) => (created = b));
    // kim-chulsoo pushes the same: an error naming the file and the note it reads as
    await deliver(pushPayload({ before: before.sha, after: theirs.sha, sender: 'kim-chulsoo', commits: [{ added: [hidden] }] }), 'delivery-2');
    expect(created.conclusion).toBe('failure');
    expect(created.output.summary).toContain('`study/week1/hgd.md\\ufeff`은(는) hgd의 노트 `study/week1/hgd.md`와(과) 이름이 같게 보이는 파일인데, hgd이(가) 아닌 @\u200bkim-chulsoo 님이 push했습니다: 기록하지 않습니다');
  });

  it('a redelivered event does not create a second check run', async () => {
    const after = before.with(sha('redeliver'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    acceptCheckRun(gh.scope, 4);
    const payload = pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] });

    await deliver(payload, 'delivery-42');
    await deliver(payload, 'delivery-42'); // GitHub's "Redeliver" keeps the delivery id
    await deliver(payload, 'delivery-43'); // the same push under another id

    expect(requestLines(gh.requests).filter((l) => l.startsWith('POST'))).toHaveLength(1);
  });

  it('a redelivery that reaches a restarted process finds the existing run in one request', async () => {
    const restarted = await buildPushApp({ startedAt: new Date(APP_STARTED.getTime() + 3_600_000) });
    const after = before.with(sha('old-push'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCheckRunsForRef(gh.scope, after.sha, [{ id: 9, name: 'study-bot / 제출물 검사', external_id: `push:${before.sha}:hong-gildong` }]);

    await restarted.probot.receive({ id: 'delivery-7', name: 'push', payload: pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }) } as never);
    expect(await restarted.settle()).toEqual([]);

    expect(requestLines(gh.requests)).toEqual([`GET ${REPO_PATH}/commits/${after.sha}/check-runs`]);
  });

  it('an unexpected error completes a check run that says the bot failed, then throws with owner/repo/sha', async () => {
    const after = before.with(sha('broken-github'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    gh.scope.get(`${REPO_PATH}/git/blobs/${after.shaOf('study/week1/hgd.md')}`).reply(500, { message: 'Server Error' });
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    const errors = await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain(`Codertocat/Hello-World@${after.sha.slice(0, 7)}`);
    expect(created).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(created.output.title).toBe('study-bot 오류: 검사를 마치지 못했습니다');
    expect(created.output.summary).toContain('HTTP 500');
    expect(created.output.summary).not.toContain('ghs_test'); // the token never reaches a check run
    expect(created).toMatchSnapshot();
  });

  it('a push touching no study file: a short neutral check, or none with `noStudyFiles: skip`', async () => {
    const after = before.with(sha('readme'), { set: [{ path: 'README.md', content: '# 스터디\n' }] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));
    await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ modified: ['README.md'] }] }), 'n-1');
    expect(created).toMatchObject({ conclusion: 'neutral', output: { title: '검사할 제출물이 없습니다' } });

    const quiet = CONFIG_TEXT + 'checks:\n  noStudyFiles: skip\n';
    const quietBefore = baseCommit(quiet);
    const quietAfter = quietBefore.with(sha('quiet'), { set: [{ path: 'README.md', content: '# 조용히\n' }] });
    serveCommit(gh.scope, quietAfter, [CONFIG_PATH]);
    await deliver(pushPayload({ before: quietBefore.sha, after: quietAfter.sha, commits: [{ modified: ['README.md'] }] }), 'n-2');
    expect(requestLines(gh.requests).filter((l) => l.startsWith('POST'))).toHaveLength(1);
  });

  it('English studies get the English check name and texts', async () => {
    const english = baseCommit(CONFIG_TEXT.replace('language: ko', 'language: en'));
    const after = english.with(sha('english'), { set: [{ path: 'study/week1/hgd.md', content: FAILING_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await deliver(pushPayload({ before: english.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(created.name).toBe('study-bot / submission check');
    expect(created.output.title).toBe('1 of 1 file needs fixes');
    expect(created.output.summary).toContain('| member | week | result | one-liners | fix first | file |');
    expect(created).toMatchSnapshot();
  });
});

describe('GitHub failing transiently', () => {
  it('a 502 on the first request is retried by Octokit’s retry plugin', async () => {
    const retrying = await buildPushApp({ retry: true });
    const after = before.with(sha('flaky'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    gh.scope.get(`${REPO_PATH}/git/trees/${after.sha}`).query({ recursive: '1' }).reply(502, { message: 'Server Error' });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    await retrying.probot.receive({ id: 'flaky-1', name: 'push', payload: pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }) } as never);
    expect(await retrying.settle()).toEqual([]);

    expect(requestLines(gh.requests)[0]).toBe(`GET ${REPO_PATH}/git/trees/${after.sha}`);
    expect(requestLines(gh.requests)[1]).toBe(`GET ${REPO_PATH}/git/trees/${after.sha}`);
    expect(created.conclusion).toBe('success');
  });
});
