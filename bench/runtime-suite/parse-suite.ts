/**
 * bpftrace's runtime test format (tests/runtime/* in bpftrace/bpftrace, read by
 * tests/runtime/engine/parser.py): tests separated by blank lines, one `FIELD value` per line,
 * lines starting with `#` ignored, the value's whitespace collapsed to single spaces as
 * Python's `' '.join(line.split()[1:])` does.
 */
export interface SuiteTest {
  suite: string;
  name: string;
  run: string | null;
  prog: string | null;
  expect: string;
  timeoutSeconds: number | null;
  before: string | null;
  after: string | null;
  requires: string[];
  requiresFeature: string[];
  env: Record<string, string>;
  arch: string[];
  minKernel: string | null;
  maxKernel: string | null;
  willFail: boolean;
}

export function parseSuiteFile(suite: string, text: string): SuiteTest[] {
  const tests: SuiteTest[] = [];
  const lines = text.split(/(?<=\n)/);
  let block: string[] = [];
  lines.forEach((line, index) => {
    if (line.startsWith('#')) return;
    if (line !== '\n') block.push(line);
    if (line === '\n' || index === lines.length - 1) {
      if (block.length > 0) tests.push(parseTest(suite, block));
      block = [];
    }
  });
  return tests;
}

function parseTest(suite: string, block: string[]): SuiteTest {
  const test: SuiteTest = {
    suite, name: '', run: null, prog: null, expect: '', timeoutSeconds: null, before: null, after: null,
    requires: [], requiresFeature: [], env: {}, arch: [], minKernel: null, maxKernel: null, willFail: false,
  };
  for (const line of block) {
    const words = line.trim().split(/\s+/);
    const field = words[0] ?? '';
    const value = words.slice(1).join(' ');
    switch (field) {
      case 'NAME': test.name = value; break;
      case 'RUN': test.run = value; break;
      case 'PROG': test.prog = value; break;
      case 'EXPECT': test.expect = value; break;
      case 'TIMEOUT': test.timeoutSeconds = Number.parseInt(value, 10); break;
      case 'BEFORE': test.before = value; break;
      case 'AFTER': test.after = value; break;
      case 'MIN_KERNEL': test.minKernel = value; break;
      case 'MAX_KERNEL': test.maxKernel = value; break;
      case 'REQUIRES': test.requires.push(value); break;
      case 'REQUIRES_FEATURE': test.requiresFeature.push(...value.split(' ').filter(Boolean)); break;
      case 'ENV':
        for (const pair of value.split(' ')) {
          const eq = pair.indexOf('=');
          if (eq > 0) test.env[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        break;
      case 'ARCH': test.arch = value.split('|').map((a) => a.trim()); break;
      case 'WILL_FAIL': test.willFail = true; break;
      default: break; // the engine refuses unknown fields; a harness reading old tags just skips them
    }
  }
  return test;
}

/** Runs on this architecture (the engine keeps a test whose ARCH is empty or names it). */
export function runsOn(test: SuiteTest, machine: string): boolean {
  return test.arch.length === 0 || test.arch.includes(machine);
}

/**
 * A plain program: a PROG test that needs nothing else — no REQUIRES command, no BEFORE or
 * AFTER program (the suite's testprogs are not on a runner).
 */
export function isPlainProgram(test: SuiteTest): boolean {
  return test.prog !== null && test.requires.length === 0 && test.before === null && test.after === null;
}

/** The command the engine runs for a PROG test (`bpftrace -e '<prog>'`, through a shell). */
export function commandOf(test: SuiteTest): string {
  return `bpftrace -e '${test.prog ?? ''}'`;
}
