import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { resolveVerifyTarget, type NoteTree } from '../../src/verify/resolve-verify-target.js';

// `홍길동.md` as macOS commits it: decomposed jamo
const DECOMPOSED = '\u1112\u1169\u11BC\u1100\u1175\u11AF\u1103\u1169\u11BC.md';
const tree = (dirs: Record<string, string[]>): NoteTree => ({ listDir: async (dir) => dirs[dir] ?? null });
const files = tree({ 'study/week1': ['OT.md', DECOMPOSED, 'jiwoo.md', 'HGD2.md'], 'study/week2': ['kim.md'] });
const config = studyConfigSchema.parse({
  members: [
    { login: 'hong', name: '홍길동', aliases: ['hgd'] },
    { login: 'jiwoo-lee', name: '이지우', aliases: ['jiwoo'] },
    { login: 'nofile', name: '없음' },
  ],
});

describe('resolveVerifyTarget', () => {
  it('finds the member by login and the file by NFC name, returning the path as stored', async () => {
    const r = await resolveVerifyTarget({ kind: 'week', week: 1, member: null }, { config, commenter: 'HONG', tree: files });
    expect(r).toMatchObject({ ok: true, path: `study/week1/${DECOMPOSED}` });
  });

  it('refuses two files of one name in two Unicode forms (either can be the member\'s; anyone can push the other), naming both', async () => {
    const both = tree({ 'study/week1': [DECOMPOSED, '홍길동.md'] });
    const r = await resolveVerifyTarget({ kind: 'week', week: 1, member: null }, { config, commenter: 'hong', tree: both });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.en).toContain('2 files read as the same name');
      expect(r.problem.ko).toContain('`study/week1/홍길동.md`');
    }
  });

  it.each([
    ['U+FEFF at the end', '홍길동.md\ufeff', '홍길동.md\\ufeff'],
    ['a trailing space', '홍길동.md ', '홍길동.md\\u0020'],
    ['U+3000 at the end', '홍길동.md\u3000', '홍길동.md\\u3000'],
    ['U+00A0 at the end', '홍길동.md\u00a0', '홍길동.md\\u00a0'],
    ['U+200B inside', '홍\u200b길동.md', '홍\\u200b길동.md'],
  ])('a name with %s reads as the note (review 19): beside it, the pair is refused, both named; alone, it is not taken', async (_what, copy, shown) => {
    const both = tree({ 'study/week1': ['홍길동.md', copy] });
    const r = await resolveVerifyTarget({ kind: 'week', week: 1, member: null }, { config, commenter: 'hong', tree: both });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.en).toContain('2 files read as the same name');
      expect(r.problem.ko).toContain('`study/week1/홍길동.md`');
      expect(r.problem.ko).toContain(`\`study/week1/${shown}\``);
    }
    const alone = tree({ 'study/week1': [copy] });
    for (const command of [{ kind: 'week', week: 1, member: null }, { kind: 'path', path: 'study/week1/홍길동.md' }] as const) {
      const a = await resolveVerifyTarget(command, { config, commenter: 'hong', tree: alone });
      expect(a.ok).toBe(false);
      if (!a.ok) {
        expect(a.problem.ko).toContain(`\`study/week1/${shown}\``);
        expect(a.problem.ko).toContain('`study/week1/홍길동.md`처럼 보입니다');
        expect(a.problem.en).toContain('reads as `study/week1/홍길동.md`');
      }
    }
  });

  it('tries aliases after the name', async () => {
    const r = await resolveVerifyTarget({ kind: 'week', week: 1, member: 'jiwoo-lee' }, { config, commenter: 'hong', tree: files });
    expect(r).toMatchObject({ ok: true, path: 'study/week1/jiwoo.md' });
  });

  it('falls back to the login when the commenter is not on the roster (or there is no roster)', async () => {
    const empty = studyConfigSchema.parse({});
    const r = await resolveVerifyTarget({ kind: 'week', week: 2, member: null }, { config: empty, commenter: 'Kim', tree: files });
    expect(r).toMatchObject({ ok: true, path: 'study/week2/kim.md' });
  });

  it('explains what it looked for and lists the folder when nothing matches', async () => {
    const r = await resolveVerifyTarget({ kind: 'week', week: 1, member: null }, { config, commenter: 'nofile', tree: files });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.ko).toContain('study/week1/없음.md');
      expect(r.problem.ko).toContain('jiwoo.md');
      expect(r.problem.en).toContain('study/week1/없음.md');
    }
  });

  it('resolves a written path case-insensitively only when that is unambiguous', async () => {
    expect(await resolveVerifyTarget({ kind: 'path', path: 'study/week1/hgd2.md' }, { config, commenter: 'x', tree: files })).toMatchObject({ ok: true, path: 'study/week1/HGD2.md' });
    expect(await resolveVerifyTarget({ kind: 'path', path: 'study/week1/홍길동.md' }, { config, commenter: 'x', tree: files })).toMatchObject({ ok: true, path: `study/week1/${DECOMPOSED}` });
    const missing = await resolveVerifyTarget({ kind: 'path', path: 'study/week9/a.md' }, { config, commenter: 'x', tree: files });
    expect(missing.ok).toBe(false);
  });
});
