/**
 * Issue 9's pathological notes through `study-bot check`, as a member runs it: wall time,
 * the process's peak memory (worker threads included), the exit status and the finding. Also
 * what the pre-scan costs on each shape, and what a normal note costs through a worker
 * compared with the event loop. `STUDY_BOT_APP_DIR` measures another checkout's CLI.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prescanMarkdown } from '../src/markdown/prescan.js';
import { checkMarkdown } from '../src/rubric/check-markdown.js';
import { loadRubrics } from '../src/rubric/load-rubrics.js';
import { checkMarkdownInWorker } from '../src/worker/check-in-worker.js';
import { PATHOLOGICAL_SHAPES } from './pathological-shapes.js';

const CLI_TIMEOUT_MS = Number(process.env.STUDY_BOT_BENCH_CLI_TIMEOUT_MS ?? 60_000);

/** Runs the CLI in a child and reports its wall time, peak RSS and exit code. */
async function runCli(bin: string, repo: string): Promise<{ ms: number; maxRssMb: number | null; exit: number | null; output: string }> {
  // The child prints its own resource usage at exit: Node has no rusage for a child process.
  const code = `process.on('exit', () => process.stderr.write('\\nRUSAGE ' + JSON.stringify(process.resourceUsage()) + '\\n')); process.argv.splice(1, process.argv.length - 1, 'study-bot', 'check', '--repo', ${JSON.stringify(repo)}, '--format', 'json'); await import(${JSON.stringify(pathToFileURL(bin).href)});`;
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => void (out += d));
  child.stderr.on('data', (d) => void (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
  const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const usage = /RUSAGE (\{.*\})/.exec(err);
  return { ms: performance.now() - started, maxRssMb: usage ? JSON.parse(usage[1]).maxRSS / 1024 : null, exit, output: out };
}

export async function benchPathological() {
  const root = process.env.STUDY_BOT_APP_DIR ?? fileURLToPath(new URL('..', import.meta.url));
  const bin = join(root, 'bin/study-bot.js');
  const results = [];
  const dir = await mkdtemp(join(tmpdir(), 'study-bot-pathological-'));
  try {
    for (const shape of PATHOLOGICAL_SHAPES) {
      const repo = join(dir, shape.name);
      await mkdir(join(repo, 'study/week1'), { recursive: true });
      await writeFile(join(repo, 'study/week1/hgd.md'), shape.text);
      const t = performance.now();
      const refused = prescanMarkdown(shape.text);
      const prescanMs = performance.now() - t;
      const cli = await runCli(bin, repo);
      let finding = 'none';
      try {
        const report = JSON.parse(cli.output) as { files: { status: string; findings: { rule: string; severity: string }[] }[] };
        const f = report.files[0];
        finding = `${f.status}: ${[...new Set(f.findings.map((x) => `${x.rule}/${x.severity}`))].slice(0, 3).join(', ')}`;
      } catch {
        finding = cli.exit === null ? `killed after ${CLI_TIMEOUT_MS / 1000} s` : 'no JSON report';
      }
      results.push({
        name: `study-bot check on ${shape.what}${process.env.STUDY_BOT_APP_DIR ? ` (${root})` : ''}`,
        figures: {
          'wall time (ms)': cli.ms,
          'peak memory, workers included (MB)': cli.maxRssMb ?? 'unknown (killed)',
          'exit status': cli.exit ?? 'killed',
          finding,
          'pre-scan (ms)': prescanMs,
          'pre-scan verdict': refused ? `${refused.kind} at line ${refused.line}` : 'passes',
        },
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // A normal week-1 note: the worker's round trip against the event loop's own check.
  const text = await readFile(fileURLToPath(new URL('../study/week1/hgd.md', import.meta.url)), 'utf8');
  const rubric = (await loadRubrics()).forWeek(1)!;
  const tree = { has: () => true, paths: () => [][Symbol.iterator]() };
  const input = { path: 'study/week1/hgd.md', text, week: 1, member: { name: 'hgd', aliases: [] }, rubric, tree, lang: 'ko' as const };
  await checkMarkdown(input);
  await checkMarkdownInWorker(input); // the pool's workers are loaded before timing
  const runs = 20;
  let t = performance.now();
  for (let i = 0; i < runs; i++) await checkMarkdown(input);
  const loopMs = (performance.now() - t) / runs;
  t = performance.now();
  await Promise.all(Array.from({ length: runs }, () => checkMarkdownInWorker(input)));
  const workerMs = (performance.now() - t) / runs;
  results.push({
    name: 'a normal week-1 note (study/week1/hgd.md), 20 checks',
    figures: { 'on the event loop, per note (ms)': loopMs, 'in the worker pool, per note (ms)': workerMs },
  });
  return results;
}
