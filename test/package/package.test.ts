import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { oldNode } from '../helpers/old-node.js';

/**
 * What members and the runner workflow install: the tarball of `npm pack`, packed from a
 * clean copy of the repository (no dist/ yet, so `prepack` must build it), then installed
 * from the lock file with only its runtime dependencies. No network when npm's cache holds
 * the packages (`npm ci` filled it).
 */
const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};
const TOOLCHAIN = ['tsx', 'typescript', 'esbuild', 'vitest'];

let work: string;
let packed: string[];
let tarball: string;
let installed: string;
let server: string;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'study-bot-pack-'));
  const clone = join(work, 'clone');
  // the files a clean clone has: tracked or new, never ignored ones (dist/, .env)
  const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repo, maxBuffer: 64 << 20 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(repo, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(repo, file), join(clone, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'));

  // `npm pack` as a release does it, scripts on (the repository's .npmrc turns them off)
  const pack = await run('npm', ['pack', '--json', '--ignore-scripts=false', '--pack-destination', work], {
    cwd: clone,
    maxBuffer: 64 << 20,
  });
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path).sort();
  tarball = join(work, info.filename);

  // as the runner workflow installs the CLI (no server stack), and as Docker installs the server
  const install = async (dir: string, omit: string[]) => {
    mkdirSync(dir);
    await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
    cpSync(join(repo, 'package-lock.json'), join(dir, 'package-lock.json'));
    await run('npm', ['ci', ...omit.map((o) => `--omit=${o}`), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      maxBuffer: 64 << 20,
    });
  };
  installed = join(work, 'cli');
  server = join(work, 'server');
  await Promise.all([install(installed, ['dev', 'optional']), install(server, ['dev'])]);
}, 600_000);

// two installed copies and the studies: on a loaded machine removing them took over 30 s
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, 180_000);

describe('npm pack', () => {
  it('holds the compiled code of every source module, built by prepack', () => {
    const expected = sourceFiles(join(repo, 'src')).map((f) => `dist/src/${f.slice(join(repo, 'src').length + 1).replace(/\.ts$/, '.js')}`);
    expect(expected.length).toBeGreaterThan(50);
    expect(expected.filter((f) => !packed.includes(f))).toEqual([]);
    expect(packed).toContain('bin/study-bot.js');
    for (const target of Object.values(pkg.bin)) expect(packed).toContain(target.replace(/^\.\//, ''));
    if (pkg.scripts['build:guest']) expect(packed).toContain('dist/guest/agent.mjs');
    // the CLI's bundle (src/cli/cli-bundle.ts), without the list a checkout checks it against
    expect(packed).toEqual(expect.arrayContaining(['dist/cli/main.mjs', 'dist/cli/worker-entry.mjs', 'dist/cli/commands.cjs', 'dist/cli/worker.cjs', 'dist/cli/tree-sitter.wasm', 'bin/bundle-fresh.js']));
    expect(packed.filter((f) => f.startsWith('dist/cli/chunks/')).length).toBeGreaterThan(3);
    expect(packed).not.toContain('dist/cli/inputs.json');
  });

  it('holds the rubrics and templates, the app manifest and the environment example', () => {
    for (let week = 1; week <= 8; week++) {
      expect(packed).toContain(`rubrics/week${week}.yml`);
      expect(packed).toContain(`templates/week${week}.md`);
    }
    expect(packed).toEqual(expect.arrayContaining(['app.yml', '.env.example', 'package.json', 'README.md']));
  });

  it('holds no tests, benchmarks, fixtures, sources, source maps or development config', () => {
    const unwanted = packed.filter(
      (f) =>
        /^(test|bench|study|project|src|\.github|\.ci|node_modules)\//.test(f) ||
        /(^|\/)(fixtures|__snapshots__)\//.test(f) ||
        /\.(test|bench)\.[cm]?[jt]s$/.test(f) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        f.endsWith('.map') ||
        /^(tsconfig.*\.json|vitest\.config\.\w+|\.npmrc|\.env|package-lock\.json)$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('package.json', () => {
  it('declares no TypeScript toolchain among what an install pulls', () => {
    const runtime = { ...pkg.dependencies, ...pkg.optionalDependencies };
    expect(Object.keys(runtime).filter((name) => TOOLCHAIN.includes(name))).toEqual([]);
  });

  it('declares every package the sources import, and uses every one it declares', () => {
    const imported = new Set<string>();
    for (const file of sourceFiles(join(repo, 'src'))) {
      const text = readFileSync(file, 'utf8');
      // value imports only: `import type` needs nothing at run time
      for (const m of text.matchAll(/^import(?!\s+type\b)[^'"]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)|require(?:\.resolve)?\('([^'.][^']*)'\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!spec.startsWith('node:') && !builtinModules.includes(name)) imported.add(name);
      }
    }
    const runtime = { ...pkg.dependencies, ...pkg.optionalDependencies };
    // development tools that a module loads only when it runs from a checkout: smee-client
    // (app/webhook-proxy.ts, the smee.io proxy) and esbuild (the VM runner's guest agent,
    // bundled from source; the package ships it prebuilt in dist/guest/)
    const optionalAtRuntime = new Set(['smee-client', 'esbuild']);
    expect([...imported].filter((name) => !(name in runtime) && !optionalAtRuntime.has(name)).sort()).toEqual([]);
    expect(Object.keys(runtime).filter((name) => !imported.has(name)).sort()).toEqual([]);
  });
});

describe('the tarball installed as a CLI (npm ci --omit=dev --omit=optional)', () => {
  const cli = (args: string[], cwd: string) =>
    run(process.execPath, [join(installed, 'bin/study-bot.js'), ...args], { cwd, env: { PATH: process.env.PATH, HOME: work } });

  it('has no TypeScript toolchain, no Probot and no sources', () => {
    for (const name of [...TOOLCHAIN, 'probot', '@octokit/core']) expect(existsSync(join(installed, 'node_modules', name)), name).toBe(false);
    expect(existsSync(join(installed, 'src'))).toBe(false);
  });

  it('runs --version, new and check from the compiled code', async () => {
    expect((await cli(['--version'], work)).stdout).toBe(`study-bot ${pkg.version}\n`);

    const study = join(work, 'study-repo');
    mkdirSync(study);
    await run('git', ['init', '-q'], { cwd: study });
    const created = await cli(['new', '1', '--name', 'hgd', '--lang', 'en'], study);
    expect(created.stdout).toContain('study/week1/hgd.md');
    expect(readFileSync(join(study, 'study/week1/hgd.md'), 'utf8')).toMatch(/^# /m);

    // a fresh template still has its placeholders: check finds them and fails the file
    const checked = await cli(['check', '--format', 'json'], study).then(
      () => expect.unreachable('check passed a bare template'),
      (error: { code: number; stdout: string }) => error,
    );
    expect(checked.code).toBe(1);
    const report = JSON.parse(checked.stdout) as { files: { path: string; status: string; findings: { rule: string }[] }[] };
    const file = report.files.find((f) => f.path === 'study/week1/hgd.md');
    expect(file?.status).toBe('fail');
    expect(file?.findings.map((f) => f.rule)).toContain('placeholders');
  });

  it('runs from its bundle: without dist/src/ (the server\'s compiled modules) every command still works', async () => {
    const study = join(work, 'bundle-only');
    mkdirSync(join(study, 'study/week1'), { recursive: true });
    for (let m = 0; m < 9; m++) cpSync(join(repo, 'study/week1/hgd.md'), join(study, `study/week1/member${m}.md`)); // past the inline limit: the pool
    renameSync(join(installed, 'dist/src'), join(installed, 'dist/src-aside'));
    try {
      expect((await cli(['--version'], work)).stdout).toBe(`study-bot ${pkg.version}\n`);
      const { stdout } = await cli(['check', '--repo', study, '--format', 'json'], work);
      const report = JSON.parse(stdout) as { files: { oneliners: number; findings: { rule: string }[] }[] };
      expect(report.files).toHaveLength(9);
      for (const file of report.files) {
        expect(file.oneliners).toBe(5);
        expect(file.findings.map((f) => f.rule)).not.toContain('file-complexity');
      }
    } finally {
      renameSync(join(installed, 'dist/src-aside'), join(installed, 'dist/src'));
    }
  });
});

/**
 * Members call the CLI from pre-push hooks and scripts: it must exit as soon as its output is
 * written, every time. Before the fix, a worker pool's idle workers and V8 recompiling the bash
 * grammar in the background kept half the runs alive for seconds, some for minutes.
 */
describe('the installed CLI exits when its output is done', () => {
  /** Runs the installed CLI; resolves with how long the process lived after its last output. */
  const timeAfterOutput = (args: string[], cwd: string) =>
    new Promise<{ code: number | null; lingerMs: number; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(installed, 'bin/study-bot.js'), ...args], { cwd, env: { PATH: process.env.PATH, HOME: work } });
      let last = performance.now();
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        last = performance.now();
      });
      child.stderr.on('data', () => (last = performance.now()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, lingerMs: performance.now() - last, stdout }));
    });

  /** A study repository with `members` members' notes for weeks 1..`weeks`, from the bundled example. */
  const studyWith = async (name: string, members: number, weeks: number) => {
    const dir = join(work, name);
    const note = readFileSync(join(repo, 'study/week1/hgd.md'), 'utf8');
    for (let w = 1; w <= weeks; w++) {
      mkdirSync(join(dir, `study/week${w}`), { recursive: true });
      for (let m = 0; m < members; m++) cpSync(join(repo, 'study/week1/hgd.md'), join(dir, `study/week${w}/member${m}.md`));
    }
    expect(note.length).toBeGreaterThan(0);
    await run('git', ['init', '-q'], { cwd: dir });
    return dir;
  };

  // Issue 16's done-when: 100 runs on several files, none outliving its output by a second.
  it('100 runs in a row: 80 on three notes (checked inline) and 20 on nine notes (the worker pool)', async () => {
    const few = await studyWith('few-notes', 3, 1);
    const nine = await studyWith('nine-notes', 3, 3);
    const lingers: number[] = [];
    // the copies' titles name another member (a warning): exit 0, a full report
    for (let i = 0; i < 80; i++) {
      const { code, lingerMs, stdout } = await timeAfterOutput(['check', '--lang', 'en'], few);
      expect(code, stdout).toBe(0);
      expect(stdout).toContain('member2.md');
      lingers.push(lingerMs);
    }
    for (let i = 0; i < 20; i++) {
      const { code, lingerMs, stdout } = await timeAfterOutput(['check', '--lang', 'en'], nine);
      expect(code, stdout).toBe(1); // week 2 and 3's copies say week 1 in their titles
      expect(stdout).toContain('study/week3/member2.md');
      lingers.push(lingerMs);
    }
    expect(lingers).toHaveLength(100);
    expect(Math.max(...lingers), `ms between the last output and the exit: ${lingers.map(Math.round).join(' ')}`).toBeLessThan(1_000);
  }, 600_000);

  it('on a 200-note repository (the worker pool), 3 runs', async () => {
    const big = await studyWith('two-hundred-notes', 25, 8);
    for (let i = 0; i < 3; i++) {
      const { code, lingerMs, stdout } = await timeAfterOutput(['check', '--format', 'json'], big);
      expect(code, stdout.slice(0, 2_000)).toBe(1);
      expect((JSON.parse(stdout) as { files: unknown[] }).files).toHaveLength(200);
      expect(lingerMs).toBeLessThan(1_000);
    }
  }, 600_000);
});

describe('the tarball installed as a server (npm ci --omit=dev)', () => {
  it('has Probot but no TypeScript toolchain', () => {
    expect(existsSync(join(server, 'node_modules/probot/package.json'))).toBe(true);
    for (const name of TOOLCHAIN) expect(existsSync(join(server, 'node_modules', name)), name).toBe(false);
  });

  it('starts the compiled server, which answers /ping', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const child = spawn(process.execPath, ['dist/src/server.js'], {
      cwd: server,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        APP_ID: '1',
        PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        WEBHOOK_SECRET: 'a-real-secret-for-this-test',
        HOST: '127.0.0.1',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    nock.enableNetConnect('127.0.0.1');
    try {
      let answer = '';
      for (let i = 0; i < 200 && answer !== 'PONG' && child.exitCode === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.text(), () => '');
      }
      expect(answer, output).toBe('PONG');
    } finally {
      child.kill('SIGTERM');
      nock.disableNetConnect();
    }
    // SIGTERM (docker stop, systemctl stop) ends it cleanly
    const code = await new Promise((resolve) => (child.exitCode === null ? child.once('exit', (c) => resolve(c)) : resolve(child.exitCode)));
    expect(code, output).toBe(0);
  });
});

describe('on Node 18, what Ubuntu 24.04 installs (the `node` package from the npm registry)', () => {
  let node18: { bin: string } | { reason: string };
  beforeAll(async () => {
    node18 = await oldNode(18);
  }, 300_000);

  const refusal = /^study-bot: Node\.js 20\.18\.1 이상이 필요합니다 \(지금 v18\.[\d.]+\) — .*nvm install 20.*NodeSource.* \/ study-bot needs Node\.js 20\.18\.1 or newer \(this is v18\.[\d.]+\): on Ubuntu, `nvm install 20` or NodeSource\n$/;
  const onOldNode = async (args: string[], cwd: string) => {
    if ('reason' in node18) {
      console.warn(`skipped: no Node 18 (${node18.reason})`);
      return null;
    }
    return run(node18.bin, args, { cwd, env: { PATH: process.env.PATH, HOME: work } }).then(
      () => expect.unreachable('ran on Node 18'),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  };

  it('the installed CLI says which Node it needs, in one line, before anything else loads', async (ctx) => {
    const result = await onOldNode([join(installed, 'bin/study-bot.js'), 'check'], work);
    if (!result) return ctx.skip();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(refusal);
    expect(result.stdout).toBe('');
  });

  it('the compiled server (Docker, systemd) and npm start refuse it the same way', async (ctx) => {
    const result = await onOldNode(['dist/src/server.js'], server);
    if (!result) return ctx.skip();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(refusal);
    // npm start's first step, before the build
    expect(pkg.scripts.start).toMatch(/^node bin\/node-guard\.js && /);
    const guard = await onOldNode(['bin/node-guard.js'], repo);
    expect(guard!.stderr).toMatch(refusal);
  });
});

describe('the compiled server with a key, id or secret that cannot work', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const good = { APP_ID: '12345', PRIVATE_KEY: pem, WEBHOOK_SECRET: 'a-real-secret-for-this-test' };

  /** The server's exit code and output, or, if it is still up after 15 s, what /ping answered. */
  async function start(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string; ping: number | null }> {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/src/server.js'], {
      cwd: server,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    nock.enableNetConnect('127.0.0.1');
    let ping: number | null = null;
    try {
      for (let i = 0; i < 150 && child.exitCode === null && ping === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ping = await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.status, () => null);
      }
    } finally {
      child.kill('SIGTERM');
      nock.disableNetConnect();
    }
    const code = await new Promise<number | null>((resolve) => (child.exitCode === null ? child.once('exit', (c) => resolve(c)) : resolve(child.exitCode)));
    return { code: ping === null ? code : null, output, ping };
  }

  it.each([
    ['a PRIVATE_KEY that is not a key', { PRIVATE_KEY: 'not-a-key' }, 'PRIVATE_KEY'],
    ['a PRIVATE_KEY that looks like PEM but is not one', { PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n-----END RSA PRIVATE KEY-----' }, 'PRIVATE_KEY'],
    ['no private key at all', { PRIVATE_KEY: undefined }, 'PRIVATE_KEY_PATH'],
    ['PRIVATE_KEY_PATH to a missing file', { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/etc/study-bot/nowhere.pem' }, 'PRIVATE_KEY_PATH'],
    ['a non-numeric APP_ID (the Client ID)', { APP_ID: 'Iv23liAbCdEf' }, 'APP_ID'],
    ['no APP_ID while the key and secret are set', { APP_ID: undefined }, 'APP_ID'],
    ['no WEBHOOK_SECRET', { WEBHOOK_SECRET: undefined }, 'WEBHOOK_SECRET'],
  ])('%s: exits 1 with one line naming the variable, in production, development and by default', async (_, change, variable) => {
    for (const NODE_ENV of ['production', 'development', undefined]) {
      const result = await start({ ...good, ...change, NODE_ENV });
      expect(result.ping, `${NODE_ENV}: ${result.output}`).toBeNull();
      expect(result.code, `${NODE_ENV}: ${result.output}`).toBe(1);
      expect(result.output, String(NODE_ENV)).toMatch(new RegExp(`^study-bot: ${variable}: [^\\n]+\\n$`));
      expect(result.output).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('nothing set in production is a missing APP_ID, not a setup page that answers /ping', async () => {
    const result = await start({ NODE_ENV: 'production' });
    expect(result.ping).toBeNull();
    expect(result.output).toMatch(/^study-bot: APP_ID: [^\n]+\n$/);
  }, 60_000);

  it('.env.example copied to .env on a laptop: the setup page, said in one line, in readable logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'study-bot-env-'));
    cpSync(join(server, '.env.example'), join(dir, '.env'));
    const port = await freePort();
    const child = spawn(process.execPath, [join(server, 'dist/src/server.js')], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      for (let i = 0; i < 150 && child.exitCode === null && !/setup/i.test(output); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    expect(output).toContain("study-bot: APP_ID가 없어 Probot의 설정 페이지로 시작합니다");
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toMatch(/^\{"level"/m); // not JSON logs
  }, 60_000);
});
