/**
 * The study repository the push-check tests push into: a roster of two members, the
 * config, and each member's week-1 notes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeCommit } from './push-github.js';
import { sha } from './push-probot.js';

export const CONFIG_TEXT = `# 스터디 설정
language: ko
members:
  - login: hong-gildong
    name: hgd
    aliases: [홍길동]
  - login: kim-chulsoo
    name: kcs
`;

export const fixtureText = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/push/${name}`, import.meta.url)), 'utf8');

export const GOOD_HGD = fixtureText('week1-good.md');
export const GOOD_KCS = GOOD_HGD.replace('# Week 1 - hgd', '# Week 1 - kcs');
export const FAILING_HGD = fixtureText('week1-failing.md');

/** `before` of most tests: config, the study's README, and kcs's finished week 1. */
export function baseCommit(config = CONFIG_TEXT): FakeCommit {
  return new FakeCommit(sha('base'), [
    { path: '.github/study.yml', content: config },
    { path: 'README.md', content: '# eBPF 스터디\n' },
    { path: 'study/week1/kcs.md', content: GOOD_KCS },
  ]);
}
