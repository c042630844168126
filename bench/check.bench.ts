// `npm run bench check`: how fast the check core and the path rules are on a realistic corpus:
// the bundled week-1 example and the messy study fixture, as a 40-member cohort's 8 weeks.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { checkFiles } from '../src/check/check-files.js';
import { openDiskRepo } from '../src/check/disk-repo.js';
import type { RepoFile, RepoTree } from '../src/check/types.js';
import { studyConfigSchema } from '../src/config/schema.js';
import { studyPaths } from '../src/paths/study-paths.js';
import { loadRubrics } from '../src/rubric/load-rubrics.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bench(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  const members = Array.from({ length: 40 }, (_, i) => ({ login: `member-${i}`, name: `m${i}`, aliases: [`멤버${i}`] }));
  const config = studyConfigSchema.parse({ members });
  const example = await readFile(`${root}/study/week1/hgd.md`);
  const messy = await openDiskRepo(`${root}/test/fixtures/messy-study`);
  const messyNotes = (await Promise.all(messy.paths.filter((p) => p.endsWith('.md')).map((p) => messy.read(p)))).filter(
    (f): f is RepoFile => f !== null && f.content.length > 0,
  );
  // every member, every week: the example and the messy notes in turn
  const files: RepoFile[] = [];
  for (let week = 1; week <= 8; week++) {
    members.forEach((m, i) => {
      const source = i % 2 === 0 ? example : messyNotes[i % messyNotes.length].content;
      const text = new TextDecoder().decode(source).replace(/hgd|홍길동/g, m.name).replace(/Week \d/, `Week ${week}`);
      files.push({ path: `study/week${week}/${m.name}.md`, content: new TextEncoder().encode(text) });
    });
  }
  const paths = files.map((f) => f.path);
  const tree: RepoTree = { has: (p) => paths.includes(p), paths: () => paths };
  const rubrics = await loadRubrics();
  await checkFiles({ files: files.slice(0, 4), tree, config, rubrics }); // warm up (shell grammar, JIT)

  const bytes = files.reduce((n, f) => n + f.content.length, 0);
  const started = performance.now();
  const reports = await checkFiles({ files, tree, config, rubrics });
  const seconds = (performance.now() - started) / 1000;

  const messyPaths = [...messy.paths, ...paths, 'Study/Week1/m1.md', 'projects/m2/x.c', 'study/week01/m3.md', 'project/m4/week1.md'];
  const rounds = 200;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const p of messyPaths) studyPaths(config).classify(p);
  const classifySeconds = (performance.now() - t0) / 1000;

  return [
    {
      name: 'checkFiles (classify + decode + rubric), 40 members × 8 weeks',
      figures: {
        files: files.length,
        'corpus KiB': bytes / 1024,
        seconds,
        'files per second': files.length / seconds,
        'failing files': reports.filter((r) => r.status === 'fail').length,
      },
    },
    {
      name: 'classifyPath',
      figures: { paths: messyPaths.length * rounds, 'paths per second': (messyPaths.length * rounds) / classifySeconds },
    },
  ];
}
