/**
 * `study-bot check` names look-alike notes so that they read differently in the terminal
 * (issue 17, review notes): kim-cs's `study/week1/김철수.md` in NFC beside an NFD copy, and a
 * copy whose name ends in U+FEFF (which reads as the same name: one look-alike group of three,
 * src/paths/name-key.ts). The two headings of the NFC/NFD pair and the names inside
 * their look-alike warnings used to print as the same text; the U+FEFF one printed its BOM raw.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const FIXTURE = new URL('../fixtures/messy-study/', import.meta.url);
const NFC = '김철수.md';
const NFD = '김철수.md'.normalize('NFD');
const NFD_SHOWN = '\\u1100\\u1175\\u11b7\\u110e\\u1165\\u11af\\u1109\\u116e.md';

let dir: string;
let out = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookalike-names-'));
  await cp(FIXTURE, dir, { recursive: true });
  const note = (await readFile(join(dir, 'study/week1/hgd.md'), 'utf8')).replace('# Week 1 - 홍길동', '# Week 1 - 김철수');
  for (const name of [NFC, NFD, `${NFC}\ufeff`]) await writeFile(join(dir, 'study/week1', name), note);
  await main(['check', '--repo', dir, 'study/week1'], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), cwd: dir, env: {}, isTTY: false });
  console.log(out.split('\n').filter((l) => l.includes('study/week1/김철수') || l.includes('\\u1100')).join('\n'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('study-bot check with look-alike note names', () => {
  it('prints the NFC and the NFD note under two different headings, each warning naming the other as it differs', () => {
    const headings = out.split('\n').filter((l) => l.includes(' (1주차 · 김철수 ')).map((l) => l.replace(/^\S+\s+/u, '').split('  ')[0]);
    expect(headings).toEqual([`study/week1/${NFD_SHOWN}`, `study/week1/${NFC}`, `study/week1/${NFC}\\ufeff`]);
    expect(out).toContain(`이 파일과 이름이 같게 보이는 다른 파일이 있습니다: \`study/week1/${NFC}\``);
    expect(out).toContain(`이 파일과 이름이 같게 보이는 다른 파일이 있습니다: \`study/week1/${NFD_SHOWN}\``);
    expect(out).not.toContain(NFD);
  });

  it('prints the name ending in U+FEFF with its BOM written out, never raw', () => {
    expect(out).toContain('study/week1/김철수.md\\ufeff');
    // it is a look-alike of the other two and names them, the pair still told apart
    expect(out).toContain(`이 파일과 이름이 같게 보이는 다른 파일이 있습니다: \`study/week1/${NFD_SHOWN}\`, \`study/week1/${NFC}\` (`);
    expect(out).not.toContain('\ufeff');
  });
});
