/** The pure pieces of the push check, table-driven: no Probot, no nock. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { StudyConfig } from '../../src/config/schema.js';
import type { TreeEntry } from '../../src/github/push-git.js';
import { CHECK_TEXT_LIMIT, textLength } from '../../src/github/text-limits.js';
import { studyPaths } from '../../src/paths/study-paths.js';
import { changesFromCommits, changesFromCompare, changesFromTrees } from '../../src/push-check/changed-paths.js';
import { trustConfig } from '../../src/push-check/config-trust.js';
import { PushMemory } from '../../src/push-check/push-memory.js';
import { findWipedRecords, restoreCommand, shellQuote } from '../../src/push-check/record-guard.js';
import { blobUrl, MAX_ANNOTATIONS, renderCheckRun, type RenderInput } from '../../src/push-check/render-check-run.js';
import { parseExternalId, externalIdOf } from '../../src/push-check/run-push-check.js';
import { selectPush, ZERO_SHA, type PushFacts } from '../../src/push-check/select-push.js';
import { CONFIG_TEXT } from '../helpers/push-world.js';

const config = (() => {
  const r = parseConfig(CONFIG_TEXT);
  if (!r.ok) throw new Error('test config');
  return r.config;
})();
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('selectPush', () => {
  const push = (over: Partial<PushFacts>): PushFacts => ({
    ref: 'refs/heads/main',
    defaultBranch: 'main',
    before: A,
    after: B,
    created: false,
    deleted: false,
    forced: false,
    commits: [{ id: '1' }],
    ...over,
  });
  it.each([
    ['a tag', push({ ref: 'refs/tags/v1' }), { kind: 'skip', reason: 'tag' }],
    ['a branch deletion', push({ deleted: true, after: ZERO_SHA }), { kind: 'skip', reason: 'branch-deleted' }],
    ['another branch', push({ ref: 'refs/heads/feature' }), { kind: 'skip', reason: 'other-branch' }],
    ['an ordinary push', push({}), { kind: 'check', source: 'payload' }],
    ['19 commits', push({ commits: Array.from({ length: 19 }, (_, i) => ({ id: String(i) })) }), { kind: 'check', source: 'payload' }],
    ['20 commits (a list GitHub may have cut)', push({ commits: Array.from({ length: 20 }, (_, i) => ({ id: String(i) })) }), { kind: 'check', source: 'compare' }],
    ['a force push', push({ forced: true }), { kind: 'check', source: 'tree-diff' }],
    ['a branch creation', push({ created: true, before: ZERO_SHA }), { kind: 'check', source: 'full-tree' }],
  ])('%s', (_, facts, plan) => {
    expect(selectPush(facts)).toEqual(plan);
  });
});

describe('changed paths', () => {
  it('nets out the payload’s commits', () => {
    expect(
      changesFromCommits([
        { id: '1', added: ['tmp.md', 'new.md'], modified: ['kept.md'] },
        { id: '2', removed: ['tmp.md', 'gone.md'] },
        { id: '3', added: ['gone.md'] },
      ]),
    ).toEqual([
      { path: 'gone.md', status: 'modified' },
      { path: 'kept.md', status: 'modified' },
      { path: 'new.md', status: 'added' },
    ]);
  });

  it('splits a compare rename, marking a pure move', () => {
    expect(
      changesFromCompare([
        { path: 'study/week1/홍길동.md', previousPath: 'study/week1/hgd.md', status: 'renamed', changes: 0 },
        { path: 'b.md', status: 'unchanged', changes: 0 },
      ]),
    ).toEqual([
      { path: 'study/week1/hgd.md', status: 'removed', movedTo: 'study/week1/홍길동.md' },
      { path: 'study/week1/홍길동.md', status: 'added' },
    ]);
  });

  it('diffs two trees by blob sha, whatever the history', () => {
    const entry = (path: string, sha: string, type: TreeEntry['type'] = 'blob'): [string, TreeEntry] => [path, { path, sha, type, mode: '100644', size: 1 }];
    const before = new Map([entry('a.md', '1'), entry('b.md', '2'), entry('c.md', '3'), entry('study', 't', 'tree'), entry('project/kcs', 'c1', 'commit')]);
    const after = new Map([entry('a.md', '1'), entry('b.md', '9'), entry('moved/c.md', '3')]);
    expect(changesFromTrees(before, after)).toEqual([
      { path: 'b.md', status: 'modified' },
      { path: 'c.md', status: 'removed', movedTo: 'moved/c.md' },
      { path: 'moved/c.md', status: 'added' },
      { path: 'project/kcs', status: 'removed' },
    ]);
  });
});

describe('record guard', () => {
  const guard = (changes: Parameters<typeof findWipedRecords>[0]['changes'], login = 'hong-gildong', configs: StudyConfig[] = [config]) =>
    findWipedRecords({
      changes,
      pusherLogin: login,
      pusherMember: configs.map((c) => c.members.find((m) => m.login === login)?.name).find(Boolean) ?? null,
      ownersOf: (path) => [...new Set(configs.map((c) => studyPaths(c).ownerOf(path)).filter((o): o is string => o !== null))],
      rosterIsEmpty: configs.every((c) => c.members.length === 0),
    });

  it.each([
    ['deleting another member’s notes', [{ path: 'study/week1/kcs.md', status: 'removed' as const }], [{ path: 'study/week1/kcs.md', owner: 'kcs', change: 'removed' }]],
    ['rewriting another member’s image', [{ path: 'study/week1/kcs_md/a.png', status: 'modified' as const }], [{ path: 'study/week1/kcs_md/a.png', owner: 'kcs', change: 'modified' }]],
    ['deleting another member’s project folder file', [{ path: 'project/kcs/main.py', status: 'removed' as const }], [{ path: 'project/kcs/main.py', owner: 'kcs', change: 'removed' }]],
    ['deleting your own notes', [{ path: 'study/week1/hgd.md', status: 'removed' as const }], []],
    ['deleting your notes under your alias (NFD)', [{ path: 'study/week1/홍길동.md'.normalize('NFD'), status: 'removed' as const }], []],
    ['adding a file in someone’s name', [{ path: 'study/week1/kcs.md', status: 'added' as const }], []],
    ['an exact move of another’s misplaced notes into place', [{ path: 'Study/Week1/kcs.md', status: 'removed' as const, movedTo: 'study/week1/kcs.md' }], []],
    ['organizer material and unknown paths', [{ path: 'study/week1/OT.md', status: 'removed' as const }, { path: 'README.md', status: 'removed' as const }], []],
  ])('%s', (_, changes, expected) => {
    expect(guard(changes)).toEqual(expected);
  });

  it('a stranger (not on the roster) deleting a member’s file is flagged', () => {
    expect(guard([{ path: 'study/week1/hgd.md', status: 'removed' }], 'someone')).toHaveLength(1);
  });

  it('a roster edited in the same push does not hide the record: the old roster still counts', () => {
    const r = parseConfig(CONFIG_TEXT.replace('    aliases: [홍길동]', '    aliases: [홍길동, kcs]').replace(/  - login: kim-chulsoo\n    name: kcs\n/, ''));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(guard([{ path: 'study/week1/kcs.md', status: 'removed' }], 'hong-gildong', [config, r.config])).toEqual([
      { path: 'study/week1/kcs.md', owner: 'kcs', change: 'removed' },
    ]);
  });

  it('with an empty roster, a name in the path is compared with the login', () => {
    const empty = parseConfig('');
    if (!empty.ok) throw new Error('defaults');
    expect(guard([{ path: 'study/week1/hong-gildong.md', status: 'removed' }], 'hong-gildong', [empty.config])).toEqual([]);
    expect(guard([{ path: 'study/week1/kcs.md', status: 'removed' }], 'hong-gildong', [empty.config])).toHaveLength(1);
  });

  it('quotes paths so a shell gets them back byte for byte', () => {
    const paths = ['study/week1/kcs.md', "study/week1/it's mine.md", 'study/week1/홍길동.md'.normalize('NFD'), 'study/week1/$(rm -rf ~).md', '-rf.md'];
    expect(shellQuote('study/week1/kcs.md')).toBe('study/week1/kcs.md');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const command = restoreCommand(A, paths);
    expect(command.startsWith(`git checkout ${A} -- `)).toBe(true);
    // Let a real shell split the command: every path comes back exactly as written.
    const words = execFileSync('sh', ['-c', `for w in ${command.slice(`git checkout ${A} -- `.length)}; do printf '%s\\0' "$w"; done`]).toString('utf8').split('\0').slice(0, -1);
    expect(words).toEqual(paths);
  });
});

describe('config trust', () => {
  const broken = 'language: ko\nmembrs: []\n';
  it.each([
    ['an unchanged valid config', { afterText: CONFIG_TEXT, changed: false, pusherIsOrganizer: null }, { source: 'after', problems: 0, untrustedChange: false }],
    ['a valid change by an organizer', { afterText: CONFIG_TEXT, beforeText: '', changed: true, pusherIsOrganizer: true }, { source: 'after', problems: 0, untrustedChange: false }],
    ['a valid change by a member', { afterText: CONFIG_TEXT, beforeText: '', changed: true, pusherIsOrganizer: false }, { source: 'after', problems: 0, untrustedChange: true }],
    ['a broken change: the parent’s config is used', { afterText: broken, beforeText: CONFIG_TEXT, changed: true, pusherIsOrganizer: true }, { source: 'before', problems: 1, untrustedChange: false }],
    ['broken before and after: the defaults', { afterText: broken, changed: false, pusherIsOrganizer: null }, { source: 'defaults', problems: 1, untrustedChange: false }],
  ])('%s', (_, input, expected) => {
    const verdict = trustConfig(input);
    expect({ source: verdict.source, problems: verdict.problems.length, untrustedChange: verdict.untrustedChange }).toEqual(expected);
  });

  it('reports a broken config in the language of the study', () => {
    const verdict = trustConfig({ afterText: 'language: en\nmembrs: []\n', beforeText: 'language: en\n', changed: true, pusherIsOrganizer: true });
    expect(verdict.problems[0]).toMatchObject({ key: 'membrs', line: 2 });
    expect(verdict.problems[0].message).toMatch(/^unknown key/);
  });
});

describe('push memory', () => {
  it('claims a push once, by delivery id or by before..after', () => {
    const memory = new PushMemory(new Date('2025-09-04T11:00:00Z'));
    const key = PushMemory.key(1, A, B);
    expect(memory.claim('d1', key)).toBe('new');
    expect(memory.claim('d1', key)).toBe('same-delivery');
    expect(memory.claim('d2', key)).toBe('same-push');
    // a reset of main to B from another commit is a different push
    expect(memory.claim('d3', PushMemory.key(1, 'c'.repeat(40), B))).toBe('new');
    memory.release('d1', key);
    expect(memory.claim('d4', key)).toBe('new');
  });

  it('knows which pushes it cannot vouch for', () => {
    const memory = new PushMemory(new Date('2025-09-04T11:00:00Z'));
    expect(memory.mayPredate(new Date('2025-09-04T10:00:00Z'))).toBe(true);
    expect(memory.mayPredate(new Date('2025-09-04T11:00:30Z'))).toBe(true); // within the clock slack
    expect(memory.mayPredate(new Date('2025-09-04T11:05:00Z'))).toBe(false);
    expect(memory.mayPredate(null)).toBe(true);
  });

  it('forgets the oldest pushes past its capacity', () => {
    const memory = new PushMemory(new Date(), 2);
    memory.claim('d1', 'k1');
    memory.claim('d2', 'k2');
    memory.claim('d3', 'k3');
    expect(memory.claim('d1', 'k1')).toBe('new');
  });
});

describe('external id', () => {
  it('round-trips, and refuses anything else', () => {
    expect(parseExternalId(externalIdOf(A, 'hong-gildong'))).toEqual({ before: A, pusherLogin: 'hong-gildong' });
    expect(parseExternalId('42')).toBeNull();
    expect(parseExternalId(`push:${A}:bad login`)).toBeNull();
  });
});

describe('renderCheckRun', () => {
  const input = (over: Partial<RenderInput> = {}): RenderInput => ({
    lang: 'ko',
    repoHtmlUrl: 'https://github.com/study/ebpf',
    before: A,
    after: B,
    pusherLogin: 'hong-gildong',
    configPath: '.github/study.yml',
    reports: [],
    wiped: [],
    config: trustConfig({ afterText: CONFIG_TEXT, changed: false, pusherIsOrganizer: null }),
    configExists: true,
    notes: [],
    checks: config.checks,
    ...over,
  });

  it('encodes every path segment of a link', () => {
    expect(blobUrl('https://github.com/s/r/', B, 'study/week 1/홍길동#1.md')).toBe(`https://github.com/s/r/blob/${B}/study/week%201/%ED%99%8D%EA%B8%B8%EB%8F%99%231.md`);
  });

  it('keeps a Hangul-heavy summary under 65,535 characters (not bytes) and moves the details to text', () => {
    const findings = Array.from({ length: 4000 }, (_, i) => ({ rule: 'placeholders', severity: 'error' as const, message: '템플릿 문구가 그대로 남아 있습니다 — 실제 내용으로 바꿔 주세요', line: i + 1 }));
    const reports = Array.from({ length: 30 }, (_, i) => ({
      path: `study/week1/멤버${i}.md`,
      kind: 'submission' as const,
      week: 1,
      member: `멤버${i}`,
      status: 'fail' as const,
      oneliners: 0,
      findings: i === 0 ? findings : findings.slice(0, 10),
    }));
    const out = renderCheckRun(input({ reports }))!;
    expect(textLength(out.output.summary)).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(textLength(out.output.text ?? '')).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    // cut by characters: a byte count would have stopped near 22,000 characters of Hangul
    expect(textLength(out.output.text ?? '')).toBeGreaterThan(60_000);
    expect(out.output.summary).toContain('| 멤버29 |');
    expect(out.output.text).toMatch(/줄 생략/);
    expect(out.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(out.output.summary).toContain(`처음 ${MAX_ANNOTATIONS}개만`);
  });

  it('conclusions: failure for a wipe even when the study never wants a red cross', () => {
    const neutral = { ...config.checks, failureConclusion: 'neutral' as const };
    const failing = [{ path: 'study/week1/hgd.md', kind: 'submission' as const, week: 1, member: 'hgd', status: 'fail' as const, oneliners: 0, findings: [] }];
    expect(renderCheckRun(input({ checks: neutral, reports: failing }))!.conclusion).toBe('neutral');
    expect(renderCheckRun(input({ checks: neutral, wiped: [{ path: 'study/week1/kcs.md', owner: 'kcs', change: 'removed' }] }))!.conclusion).toBe('failure');
    expect(renderCheckRun(input({ checks: { ...config.checks, noStudyFiles: 'skip' } }))).toBeNull();
  });

  it('a table cell cannot be broken by a pipe in a message', () => {
    const report = {
      path: 'study/week1/hgd.md',
      kind: 'submission' as const,
      week: 1,
      member: 'hgd',
      status: 'fail' as const,
      oneliners: 0,
      findings: [{ rule: 'x', severity: 'error' as const, message: 'a | b\nc', line: 3 }],
    };
    const row = renderCheckRun(input({ reports: [report] }))!.output.summary.split('\n').find((l) => l.startsWith('| hgd'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });
});
