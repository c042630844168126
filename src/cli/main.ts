import { EXIT, processIO, type CliCommand, type CliIO } from './io.js';

// Each subcommand lives in its own module and is loaded only when used, so `study-bot check`
// never pays for Probot or the runner.
const commands: Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }> = {
  check: { summary: 'check week notes against their rubric', load: () => import('./check-command.js') },
  new: { summary: "write this week's notes from the template", load: () => import('./new-command.js') },
  report: { summary: 'attendance and submissions, offline', load: () => import('./report-command.js') },
  verify: { summary: "run a submission's one-liners on this machine (root)", load: () => import('./verify-command.js') },
  runner: { summary: 'runner exec --request FILE --out FILE (used by the eBPF workflow)', load: () => import('./runner-command.js') },
  doctor: { summary: 'is this machine ready to run bpftrace?', load: () => import('./doctor-command.js') },
};

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  // src/cli/ from the sources, dist/src/cli/ once compiled
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'study-bot') return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

const usage = () =>
  [
    'usage: study-bot <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`),
    '',
    'study-bot <command> --help 로 명령별 옵션을 봅니다 (options of one command). study-bot --version',
    '',
  ].join('\n');

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`study-bot ${await packageVersion()}\n`);
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`알 수 없는 명령: ${name} (unknown command)\n\n${usage()}`);
    return EXIT.usage;
  }
  const { run } = await command.load();
  return run(rest, io);
}
