/**
 * `npm run bench -- cli-speed`: `study-bot check` as a member runs it, a whole process each
 * time (start-up, module loading, the pool, the check, the exit), against `study-bot --version`
 * in the same moment: the runs alternate and the ratio is taken run by run, so a machine whose
 * load drifts still gives a fair ratio (issue 16: one file ≤ 1.5× --version, 200 files ≤ 3 s).
 *
 * - one file: `check study/week1/hgd.md` in this checkout
 * - the bundled example: `check` at the top of this checkout (what `npm run check` runs)
 * - 200 notes: `check --format json` on 25 members × 8 weeks of copies of the example
 *
 * `STUDY_BOT_CLI=/path/to/bin/study-bot.js` measures another copy (an installed tarball, another
 * checkout); `STUDY_BOT_BENCH_RUNS` sets the number of runs (default 7; the 200-note runs are
 * a third of it). CPU is the process's own user + system time, its threads included.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

const checkout = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  wallMs: number;
  cpuMs: number;
  exit: number | null;
}

/**
 * One CLI process. Node has no resource usage for a child, so the child reports its own at
 * exit, through a wrapper file (not `node -e`: the pool's workers inherit the process's flags).
 */
async function runCli(wrapper: string, args: string[], cwd: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [wrapper, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => void (err += d));
  const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const wallMs = performance.now() - started;
  const usage = /RUSAGE (\{.*\})/.exec(err);
  if (!usage) throw new Error(`study-bot ${args.join(' ')}: no resource usage (exit ${exit}): ${err.slice(0, 500)}`);
  const { userCPUTime, systemCPUTime } = JSON.parse(usage[1]) as { userCPUTime: number; systemCPUTime: number };
  return { wallMs, cpuMs: (userCPUTime + systemCPUTime) / 1000, exit };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchCliSpeed() {
  const bin = process.env.STUDY_BOT_CLI ?? join(checkout, 'bin/study-bot.js');
  const runs = Math.max(3, Number.parseInt(process.env.STUDY_BOT_BENCH_RUNS ?? '7', 10) || 7);
  const work = mkdtempSync(join(tmpdir(), 'study-bot-cli-speed-'));
  try {
    const wrapper = join(work, 'cli.mjs');
    writeFileSync(
      wrapper,
      `process.on('exit', () => process.stderr.write('\\nRUSAGE ' + JSON.stringify(process.resourceUsage()) + '\\n'));\n` +
        `process.argv.splice(1, 1, ${JSON.stringify(bin)});\nawait import(${JSON.stringify(pathToFileURL(bin).href)});\n`,
    );
    const big = join(work, 'two-hundred-notes');
    for (let w = 1; w <= 8; w++) {
      mkdirSync(join(big, `study/week${w}`), { recursive: true });
      for (let m = 0; m < 25; m++) cpSync(join(checkout, 'study/week1/hgd.md'), join(big, `study/week${w}/member${m}.md`));
    }
    await execa('git', ['init', '-q'], { cwd: big });

    const version = () => runCli(wrapper, ['--version'], checkout);
    const one = () => runCli(wrapper, ['check', 'study/week1/hgd.md'], checkout);
    const example = () => runCli(wrapper, ['check'], checkout);
    const twoHundred = () => runCli(wrapper, ['check', '--format', 'json'], big);

    // warm-up: the file cache, and a checkout's bundle rebuilt if an input changed
    await version();
    await one();
    const load = [loadavg()[0]];
    const rows = { version: [] as Run[], one: [] as Run[], example: [] as Run[], twoHundred: [] as Run[], ratioOne: [] as number[], ratioExample: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const v = await version();
      const o = await one();
      const v2 = await version();
      const e = await example();
      rows.version.push(v, v2);
      rows.one.push(o);
      rows.example.push(e);
      rows.ratioOne.push(o.wallMs / v.wallMs);
      rows.ratioExample.push(e.wallMs / v2.wallMs);
      if (i % 3 === 0) rows.twoHundred.push(await twoHundred());
      load.push(loadavg()[0]);
    }
    const exits = (rs: Run[]) => [...new Set(rs.map((r) => r.exit))].join(',');
    const figures = (rs: Run[]) => ({ wall: median(rs.map((r) => r.wallMs)), cpu: median(rs.map((r) => r.cpuMs)) });
    const v = figures(rows.version);
    const o = figures(rows.one);
    const e = figures(rows.example);
    const t = figures(rows.twoHundred);
    return [
      {
        name: `study-bot as a process (${bin === join(checkout, 'bin/study-bot.js') ? 'this checkout' : bin}), medians of ${runs} paired runs`,
        figures: {
          'load average (1 min) at start · end': `${load[0].toFixed(1)} · ${load[load.length - 1].toFixed(1)}`,
          '--version: wall ms · cpu ms': `${v.wall.toFixed(0)} · ${v.cpu.toFixed(0)}`,
          'check one file: wall ms · cpu ms': `${o.wall.toFixed(0)} · ${o.cpu.toFixed(0)} (exit ${exits(rows.one)})`,
          'check one file ÷ --version (wall, paired)': median(rows.ratioOne),
          'check (bundled example): wall ms · cpu ms': `${e.wall.toFixed(0)} · ${e.cpu.toFixed(0)} (exit ${exits(rows.example)})`,
          'check (bundled example) ÷ --version (paired)': median(rows.ratioExample),
          [`check 200 notes (${rows.twoHundred.length} runs): wall ms · cpu ms`]: `${t.wall.toFixed(0)} · ${t.cpu.toFixed(0)} (exit ${exits(rows.twoHundred)})`,
          'check 200 notes: cpu ÷ wall (cores used)': t.cpu / t.wall,
        },
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
