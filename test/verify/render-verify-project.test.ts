import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { StudyConfig } from '../../src/config/schema.js';
import { COMMENT_BODY_LIMIT } from '../../src/github/text-limits.js';
import { collectProject } from '../../src/project/collect-sources.js';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import type { ProjectReport } from '../../src/project/project-report.js';
import { oneLanguage } from '../../src/project/render-project.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';
import { renderVerifyCheck, renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';
import { resolveProjectTarget } from '../../src/verify/resolve-project-target.js';

/**
 * The `/verify project` reply from the guest's answers recorded in a real VM run
 * (test/fixtures/project/verdicts/broken.json, a 6.1 kernel under TCG): every verdict is one
 * that kernel gave; here only the host's rendering of them is checked.
 */
const FIXTURES = 'test/fixtures/project';
const recorded = JSON.parse(readFileSync(`${FIXTURES}/verdicts/broken.json`, 'utf8')) as { root: string; runs: ProjectVmRun[] };

function report(): ProjectReport {
  const collected = collectProject('broken', diskProjectFiles(FIXTURES, `${FIXTURES}/broken`));
  return projectReport('broken', collected, collected.payload!, recorded.runs, 450_000);
}

const view = (lang: 'ko' | 'en' = 'ko'): VerifyView => ({
  webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'broken', sha: 'a'.repeat(40), requester: 'kim', requestId: 'ic1', lang, kernelLabel: null, project: true,
});

describe('the /verify project reply', () => {
  it('gives each program its verdict, the member\'s line, the class, the VM\'s kernel and the steps\' times', () => {
    const body = renderVerifyComment(view(), { kind: 'project', report: report() });
    expect(body).toContain('### 🔬 프로젝트 검증');
    expect(body).toContain('kernel `6.1.0-50-cloud-amd64`');
    expect(body).toContain('VM (전체 에뮬레이션)');
    expect(body).toMatch(/\[null-check\.bpf\.c:23\]\(https:\/\/github\.com\/o\/r\/blob\/a{40}\/broken\/null-check\.bpf\.c#L23\)[^\n]*❌ 검증기 거부[^\n]*NULL 확인 없이[^\n]*\(null-check\)/);
    expect(body).toMatch(/\[loop\.bpf\.c:16\][^\n]*\(unbounded-loop\)/);
    expect(body).toMatch(/컴파일 \d+(\.\d)? m?s/);
    expect(body).toContain("invalid mem access 'map\\_value\\_or\\_null'");
    expect(body).toContain('봇의 호스트에서는 아무것도 컴파일하거나 실행하지 않습니다');
    const en = renderVerifyComment(view('en'), { kind: 'project', report: report() });
    expect(en).toMatch(/\[null-check\.bpf\.c:23\][^\n]*rejected by the verifier[^\n]*NULL check/);
    expect(en).not.toMatch(/[가-힣]/);
  });

  it('fails the Check Run with one annotation per broken program, at its line', () => {
    const check = renderVerifyCheck(view(), { kind: 'project', report: report() }, 'failure');
    expect(check.conclusion).toBe('failure');
    expect(check.annotations.find((a) => a.path === 'broken/null-check.bpf.c')).toMatchObject({ line: 23, level: 'failure' });
    expect(check.annotations.every((a) => a.title.length <= 255)).toBe(true);
  });

  it('stays under GitHub\'s limits and neutralises what the guest and the member control', () => {
    const r = report();
    const hostile = '@everyone `](https://evil.example) #1 \u202e' + 'x'.repeat(5000);
    r.entries = [
      ...r.entries.map((e) => ({ ...e, ...(e.program ? { program: hostile } : {}), log: [...(e.log ?? []), hostile] })),
      ...Array.from({ length: 5000 }, (_, i) => ({ path: `broken/vendor/${hostile.slice(0, 40)}${i}.txt`, kind: 'other', status: 'skipped' as const, message: 'eBPF 소스가 아님 (not an eBPF source)' })),
    ];
    const body = renderVerifyComment(view(), { kind: 'project', report: r });
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    // Code (fences, spans) keeps a guest's text as it is: GitHub neither mentions nor links there.
    const prose = body.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/`[^`\n]*`/g, '');
    expect(prose).not.toMatch(/@everyone/);
    expect(prose).not.toMatch(/https:\/\/evil/);
    expect(body).not.toContain('\u202e');
    const check = renderVerifyCheck(view(), { kind: 'project', report: r }, 'failure');
    expect(check.annotations.length).toBeLessThanOrEqual(100);
    expect(check.annotations.every((a) => a.title.length <= 255 && !a.title.includes('@everyone'))).toBe(true);
  });
});

it('cuts a bilingual message to one language, parentheses in the Korean too', () => {
  const both = '사용자 공간 C (main): 컴파일하거나 실행하지 않습니다 (user-space C (main): not compiled or run)';
  expect(oneLanguage(both, 'ko')).toBe('사용자 공간 C (main): 컴파일하거나 실행하지 않습니다');
  expect(oneLanguage(both, 'en')).toBe('user-space C (main): not compiled or run');
  expect(oneLanguage('검증 실패 (failed): x', 'en')).toBe('failed: x');
  expect(oneLanguage('no parenthesis', 'en')).toBe('no parenthesis');
});

describe('which folder /verify project means', () => {
  const config = (text: string): StudyConfig => (parseConfig(text) as { ok: true; config: StudyConfig }).config;
  const roster = 'members:\n  - login: kim-gh\n    name: kim\n    aliases: [김철수]\n  - login: lee-gh\n    name: lee\n';

  it('finds the member\'s folder by roster name or alias, misplaced under projects/ too', async () => {
    expect(await resolveProjectTarget(config(roster), 'kim-gh', ['project/kim/a.bpf.c', 'project/lee/b.bpf.c'])).toMatchObject({ ok: true, folder: 'project/kim' });
    expect(await resolveProjectTarget(config(roster), 'KIM-GH', ['project/김철수/a.bpf.c'])).toMatchObject({ ok: true, folder: 'project/김철수' });
    expect(await resolveProjectTarget(config(roster), 'kim-gh', ['projects/kim/a.bpf.c'])).toMatchObject({ ok: true, folder: 'projects/kim' });
    expect(await resolveProjectTarget(config(`paths:\n  project: projects/{name}/\n${roster}`), 'lee-gh', ['projects/lee/x/y.py'])).toMatchObject({ ok: true, folder: 'projects/lee' });
  });

  it('refuses two folders of one name in two Unicode forms (either can be the member\'s), and takes the exact name over another case', async () => {
    const nfd = '김철수'.normalize('NFD');
    const bigNfd = [1, 2, 3].map((i) => `project/${nfd}/f${i}.bpf.c`);
    const twins = await resolveProjectTarget(config(roster), 'kim-gh', [...bigNfd, 'project/김철수/a.bpf.c']);
    expect(twins.ok).toBe(false);
    if (!twins.ok) {
      expect(twins.problem.en).toContain('2 project folders read as the same name');
      // both shown, the decomposed one with its jamo spelt out (visibly different; JSON escaping left them as they are)
      expect(twins.problem.en).toContain('`project/김철수`');
      expect(twins.problem.en).toContain('`project/\\u1100\\u1175\\u11b7\\u110e\\u1165\\u11af\\u1109\\u116e`');
    }
    expect(await resolveProjectTarget(config(roster), 'kim-gh', ['project/KIM/a.c', 'project/KIM/b.c', 'project/kim/c.bpf.c'])).toMatchObject({ ok: true, folder: 'project/kim', lookalikes: ['project/KIM'] });
    // with no exact folder, the same name in another Unicode form comes before another case
    expect(await resolveProjectTarget(config(roster), 'kim-gh', [`project/${nfd}/a.c`, 'project/Kim/a.c', 'project/Kim/b.c'])).toMatchObject({ ok: true, folder: `project/${nfd}` });
  });

  it('a folder name with U+FEFF reads as the member\'s (review 19): beside the folder, the pair is refused, both named; alone, it is not taken', async () => {
    const bom = 'project/김철수\ufeff';
    const twins = await resolveProjectTarget(config(roster), 'kim-gh', ['project/김철수/a.bpf.c', `${bom}/a.bpf.c`, `${bom}/b.bpf.c`]);
    expect(twins.ok).toBe(false);
    if (!twins.ok) {
      expect(twins.problem.en).toContain('2 project folders read as the same name');
      expect(twins.problem.ko).toContain('`project/김철수`, `project/김철수\\ufeff`');
    }
    const alone = await resolveProjectTarget(config(roster), 'kim-gh', [`${bom}/a.bpf.c`]);
    expect(alone.ok).toBe(false);
    if (!alone.ok) {
      expect(alone.problem.ko).toContain('`project/김철수\\ufeff`');
      expect(alone.problem.en).toContain('reads as `project/김철수`');
    }
  });

  it('never picks another member\'s folder, and lists what is there', async () => {
    const found = await resolveProjectTarget(config(roster), 'kim-gh', ['project/lee/b.bpf.c', 'project/`@x/c.c']);
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.problem.en).toContain('`project/lee`');
      expect(found.problem.en).not.toContain('`@x');
    }
  });
});
