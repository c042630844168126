// Refuse-less harness: bpftrace's own runtime tests through study-bot's policy and runner.
//
//   node --import tsx bench/runtime-suite.ts <bpftrace git dir> <tag> [--run host|vm] [--policy host|vm] [--json] [--only SUBSTRING]
//
// Reads tests/runtime/* at <tag> straight from the git directory (nothing of the suite is kept in
// this project), keeps the plain programs (PROG tests without REQUIRES/BEFORE/AFTER, for this
// machine's architecture), and reports how many the policy denies in each isolation. With --run
// it runs the allowed ones through verifyOneLiners and compares each verdict with the suite's
// expectation: a test without WILL_FAIL works (ok or no-events), one with WILL_FAIL fails
// (error or attach-failed). `unsupported` and `runner-error` verdicts are reported apart, as the
// suite skips what the kernel cannot do.
//
// `--run host --policy vm` previews the VM's verdicts on this machine's kernel: it runs the
// suite's programs (cat("/proc/uptime"), profile:hz:599…) on the host with the VM's relaxed
// policy. Only for bpftrace's own tests on a disposable development machine.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { extractFromShell } from '../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../src/oneliners/shell-parser.js';
import type { OneLiner } from '../src/oneliners/types.js';
import { checkPolicy, type Isolation } from '../src/runner/policy.js';
import { readProgram } from '../src/runner/program-facts.js';
import type { VerifyReport, VerifyResult } from '../src/runner/report-schema.js';
import { verifyOneLiners } from '../src/runner/verify-oneliners.js';
import { commandOf, isPlainProgram, parseSuiteFile, runsOn, type SuiteTest } from './runtime-suite/parse-suite.js';

interface Options {
  gitDir: string;
  tag: string;
  run: Isolation | null;
  /** The policy the run applies; the run's isolation by default. */
  policy: Isolation | null;
  json: boolean;
  only: string | null;
  batch: number;
}

function parseOptions(argv: string[]): Options {
  const positionals: string[] = [];
  const options: Options = { gitDir: '', tag: '', run: null, policy: null, json: false, only: null, batch: 0 };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--run') {
      const value = argv[++i];
      if (value !== 'host' && value !== 'vm') throw new Error('--run takes host or vm');
      options.run = value;
    } else if (word === '--policy') {
      const value = argv[++i];
      if (value !== 'host' && value !== 'vm') throw new Error('--policy takes host or vm');
      options.policy = value;
    } else if (word === '--json') options.json = true;
    else if (word === '--only') options.only = argv[++i] ?? null;
    else if (word === '--batch') options.batch = Math.max(1, Number(argv[++i]) || 1);
    else positionals.push(word);
  }
  if (positionals.length !== 2) {
    throw new Error('usage: node --import tsx bench/runtime-suite.ts <bpftrace git dir> <tag> [--run host|vm] [--json] [--only SUBSTRING] [--batch N]');
  }
  [options.gitDir, options.tag] = positionals as [string, string];
  // one-liners per call: a host runs 8 side by side; a VM call boots a VM, so give it more
  if (options.batch === 0) options.batch = options.run === 'vm' ? 40 : 8;
  if (options.run === 'vm' && options.policy === 'host') throw new Error('in a VM the policy is the VM\'s');
  return options;
}

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function readSuite(gitDir: string, tag: string): SuiteTest[] {
  const entries = git(gitDir, ['ls-tree', tag, 'tests/runtime/']).split('\n').filter(Boolean);
  const tests: SuiteTest[] = [];
  for (const entry of entries) {
    const [meta, path] = entry.split('\t') as [string, string];
    if (meta.split(' ')[1] !== 'blob') continue; // engine/, scripts/, outputs/ are folders
    const suite = path.slice('tests/runtime/'.length);
    if (suite.startsWith('.')) continue;
    tests.push(...parseSuiteFile(suite, git(gitDir, ['show', `${tag}:${path}`])));
  }
  return tests;
}

const machine = os.machine();

type Verdict = 'works' | 'fails' | 'unsupported' | 'runner-error' | 'denied';
function verdictOf(result: VerifyResult): Verdict {
  switch (result.status) {
    case 'ok': case 'no-events': return 'works';
    case 'error': case 'attach-failed': case 'timeout': return 'fails';
    case 'unsupported': return 'unsupported';
    case 'denied': return 'denied';
    default: return 'runner-error';
  }
}

type Runner = (oneLiners: OneLiner[], isolation: Isolation) => Promise<VerifyReport>;

async function runnerFor(isolation: Isolation): Promise<Runner> {
  if (isolation === 'host') return (oneLiners, policy) => verifyOneLiners(oneLiners, { isolation: policy });
  // The VM runner (src/runner/vm/) boots a throwaway VM per call and runs verifyOneLiners inside
  // the guest with isolation 'vm'. Imported by a computed path so that this harness builds on a
  // tree without it.
  const vmModule = '../src/runner/vm/verify-in-vm.js';
  const vm = (await import(vmModule).catch(() => null)) as { verifyInVm?: (o: OneLiner[], opts?: object) => Promise<VerifyReport> } | null;
  if (!vm?.verifyInVm) throw new Error(`--run vm needs the VM runner (${vmModule} exporting verifyInVm) and a built image`);
  const verifyInVm = vm.verifyInVm;
  return (oneLiners) => verifyInVm(oneLiners, {});
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await loadShellParser();
  const all = readSuite(options.gitDir, options.tag);
  const plain = all.filter((t) => isPlainProgram(t) && runsOn(t, machine))
    .filter((t) => options.only === null || `${t.suite}.${t.name}`.includes(options.only));
  const cases = plain.map((test) => {
    const [oneLiner] = extractFromShell(commandOf(test), { lang: 'bash' });
    return { test, oneLiner: oneLiner ?? null };
  });

  const denials: Record<Isolation, { test: string; rule: string; message: string }[]> = { host: [], vm: [] };
  for (const isolation of ['host', 'vm'] as const) {
    for (const { test, oneLiner } of cases) {
      const decision = oneLiner ? checkPolicy(oneLiner, { isolation }) : { ok: false as const, rule: 'not-a-one-liner', message: 'the command does not parse' };
      if (!decision.ok) denials[isolation].push({ test: `${test.suite}.${test.name}`, rule: decision.rule, message: decision.message.split('\n')[0]! });
    }
  }
  const byRule = (list: { rule: string }[]) => Object.fromEntries(
    [...list.reduce((m, d) => m.set(d.rule, (m.get(d.rule) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]));

  // A cross-check of the lexer: a program the suite expects to work must lex without an error.
  const lexerErrors = plain.filter((t) => !t.willFail && readProgram(t.prog ?? '').lexErrors.length > 0).map((t) => `${t.suite}.${t.name}`);
  // and bpftrace's own tools (tools/*.bt at the same tag), real scripts with headers, structs and comments
  const tools = git(options.gitDir, ['ls-tree', '--name-only', options.tag, 'tools/']).split('\n').filter((f) => f.endsWith('.bt'));
  for (const tool of tools) {
    if (readProgram(git(options.gitDir, ['show', `${options.tag}:${tool}`])).lexErrors.length > 0) lexerErrors.push(tool);
  }

  const summary: Record<string, unknown> = {
    tag: options.tag,
    machine,
    tests: all.length,
    progTests: all.filter((t) => t.prog !== null).length,
    plainPrograms: plain.length,
    deniedHost: denials.host.length,
    deniedHostByRule: byRule(denials.host),
    deniedVm: denials.vm.length,
    deniedVmByRule: byRule(denials.vm),
    deniedVmTests: denials.vm,
    toolsLexed: tools.length,
    lexerErrorsOnWorkingPrograms: lexerErrors,
  };

  if (options.run) {
    const run = await runnerFor(options.run);
    const runnable = cases.filter((c): c is { test: SuiteTest; oneLiner: OneLiner } => c.oneLiner !== null);
    const rows: { test: string; expected: 'works' | 'fails'; got: Verdict; status: string; message: string }[] = [];
    const started = Date.now();
    for (let i = 0; i < runnable.length; i += options.batch) {
      const batch = runnable.slice(i, i + options.batch);
      const report = await run(batch.map((c) => c.oneLiner), options.policy ?? options.run);
      report.results.forEach((result, k) => {
        const { test } = batch[k]!;
        const row = {
          test: `${test.suite}.${test.name}`,
          expected: test.willFail ? 'fails' as const : 'works' as const,
          got: verdictOf(result),
          status: result.status,
          message: result.message.split('\n').slice(0, 2).join(' / ').slice(0, 160),
        };
        rows.push(row);
        // one line per verdict as it comes, so a long VM run that is cut short still tells something
        process.stderr.write(`${JSON.stringify(row)}\n`);
      });
    }
    const judged = rows.filter((r) => r.got === 'works' || r.got === 'fails');
    const agree = judged.filter((r) => r.got === r.expected);
    summary.run = {
      isolation: options.run,
      policy: options.policy ?? options.run,
      ran: rows.length,
      seconds: Math.round((Date.now() - started) / 1000),
      denied: rows.filter((r) => r.got === 'denied').length,
      unsupported: rows.filter((r) => r.got === 'unsupported').length,
      runnerError: rows.filter((r) => r.got === 'runner-error').length,
      judged: judged.length,
      agree: agree.length,
      agreementPercent: judged.length ? Math.round((1000 * agree.length) / judged.length) / 10 : null,
      disagreements: judged.filter((r) => r.got !== r.expected),
      unsupportedTests: rows.filter((r) => r.got === 'unsupported' || r.got === 'runner-error'),
      rows,
    };
  }

  if (options.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`bpftrace ${options.tag} tests/runtime on ${machine}: ${all.length} tests, ${summary.progTests} PROG, ${plain.length} plain programs`);
  console.log(`denied on the host: ${denials.host.length} ${JSON.stringify(summary.deniedHostByRule)}`);
  console.log(`denied in the VM:   ${denials.vm.length} ${JSON.stringify(summary.deniedVmByRule)}`);
  for (const d of denials.vm) console.log(`  ${d.test}: ${d.rule}: ${d.message}`);
  console.log(`lexer errors on programs the suite expects to work and on ${tools.length} tools/*.bt: ${lexerErrors.length} ${lexerErrors.join(', ')}`);
  const run = summary.run as Record<string, unknown> | undefined;
  if (run) {
    console.log(`ran ${run.ran} on the ${run.isolation} with the ${run.policy} policy in ${run.seconds} s: denied ${run.denied}, unsupported ${run.unsupported}, runner errors ${run.runnerError}`);
    console.log(`agreement with the suite (works/fails): ${run.agree}/${run.judged} = ${run.agreementPercent}%`);
    for (const r of run.disagreements as { test: string; expected: string; status: string; message: string }[]) {
      console.log(`  ${r.test}: expected ${r.expected}, got ${r.status}: ${r.message}`);
    }
    for (const r of run.unsupportedTests as { test: string; status: string; message: string }[]) {
      console.log(`  (${r.status}) ${r.test}: ${r.message}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
