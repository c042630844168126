/**
 * Strips the wrappers members put in front of the command that matters
 * (`sudo -E`, `env A=1`, `timeout -s INT 10`, `nice -n 5`, `stdbuf -oL`...), the way each
 * wrapper's own option parser would. Returns null when a wrapper would not run a command at
 * all (`sudo -l`, `sudo -e FILE` is sudoedit, `command -v`).
 */
export interface UnwrappedCommand {
  argv: string[];
  env: Record<string, string>;
  /** Wrappers that were stripped, outermost first (e.g. ['sudo', 'timeout']). */
  wrappers: string[];
}

interface OptionSpec {
  /** Short options that take a value (`-u root`, `-uroot`). */
  shortWithValue: string;
  /** Long options that take a value (`--user root`, `--user=root`). */
  longWithValue: string[];
  /** Short options that mean "this is not running a command". */
  shortNoCommand?: string;
  longNoCommand?: string[];
  /** Positionals consumed before the command (timeout's DURATION, taskset's mask). */
  positionals?: number;
  /** Accepts NAME=value words between its options and the command. */
  assignments?: boolean;
  /** `nice -10`: a dash followed by digits is an option, not the command. */
  numericOptions?: boolean;
}

const WRAPPERS: Record<string, OptionSpec> = {
  sudo: {
    shortWithValue: 'ugpCDrtTUhR',
    longWithValue: ['--user', '--group', '--prompt', '--close-from', '--chdir', '--role', '--type',
      '--command-timeout', '--other-user', '--host', '--chroot'],
    shortNoCommand: 'elvVK',
    longNoCommand: ['--edit', '--list', '--validate', '--version', '--remove-timestamp', '--help'],
    assignments: true,
  },
  doas: { shortWithValue: 'uC', longWithValue: [], shortNoCommand: 'L', assignments: false },
  env: {
    shortWithValue: 'uCS',
    longWithValue: ['--unset', '--chdir', '--split-string', '--default-signal', '--ignore-signal', '--block-signal'],
    longNoCommand: ['--help', '--version'],
    assignments: true,
  },
  timeout: { shortWithValue: 'sk', longWithValue: ['--signal', '--kill-after'], positionals: 1 },
  nice: { shortWithValue: 'n', longWithValue: ['--adjustment'], numericOptions: true },
  ionice: { shortWithValue: 'cnpPu', longWithValue: ['--class', '--classdata', '--pid', '--pgid', '--uid'] },
  stdbuf: { shortWithValue: 'ioe', longWithValue: ['--input', '--output', '--error'] },
  taskset: { shortWithValue: '', longWithValue: [], positionals: 1 },
  nohup: { shortWithValue: '', longWithValue: [] },
  time: { shortWithValue: 'fo', longWithValue: ['--format', '--output'] },
  exec: { shortWithValue: 'a', longWithValue: [] },
  command: { shortWithValue: '', longWithValue: [], shortNoCommand: 'vV' },
};

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

export function unwrapCommand(argv: string[], env: Record<string, string> = {}): UnwrappedCommand | null {
  let rest = argv;
  const collected = { ...env };
  const wrappers: string[] = [];
  // Bounded: each round strips at least one word.
  for (let round = 0; round < 32 && rest.length > 0; round++) {
    const name = basename(rest[0]!);
    const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
    if (!spec) break;
    // `taskset -c 0 cmd` takes a list instead of a mask positional.
    const skipped = skipOptions(rest.slice(1), spec, collected, name);
    if (skipped === null) return null;
    wrappers.push(name);
    rest = skipped;
  }
  if (rest.length === 0) return null;
  return { argv: rest, env: collected, wrappers };
}

/** Returns the words after the wrapper's options (and NAME=value words), or null. */
function skipOptions(
  words: string[],
  spec: OptionSpec,
  env: Record<string, string>,
  name: string,
): string[] | null {
  let i = 0;
  let positionals = spec.positionals ?? 0;
  if (name === 'taskset' && (words[0] === '-c' || words[0] === '--cpu-list')) {
    positionals = 1;
    i = 1;
  }
  while (i < words.length) {
    const word = words[i]!;
    if (word === '--') {
      i++;
      break;
    }
    if (word.startsWith('--')) {
      const [flag] = word.split('=', 1) as [string];
      if (spec.longNoCommand?.includes(flag)) return null;
      i += spec.longWithValue.includes(flag) && !word.includes('=') ? 2 : 1;
      continue;
    }
    if (word === '-' && name === 'env') {
      i++;
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      if (spec.numericOptions && /^-\d+$/.test(word)) {
        i++;
        continue;
      }
      const letters = word.slice(1);
      let consumesNext = false;
      for (let k = 0; k < letters.length; k++) {
        const letter = letters[k]!;
        if (spec.shortNoCommand?.includes(letter)) return null;
        if (spec.shortWithValue.includes(letter)) {
          consumesNext = k === letters.length - 1; // `-uroot` carries its value inline
          break;
        }
      }
      // env -S splits its value into a new command line: we cannot follow that faithfully.
      if (name === 'env' && (letters.startsWith('S') || word.startsWith('--split-string'))) return null;
      i += consumesNext ? 2 : 1;
      continue;
    }
    break;
  }
  const rest = words.slice(i);
  let j = 0;
  if (spec.assignments) {
    for (; j < rest.length; j++) {
      const match = ASSIGNMENT.exec(rest[j]!);
      if (!match) break;
      env[match[1]!] = match[2]!;
    }
  }
  j += positionals;
  return j <= rest.length ? rest.slice(j) : null;
}

export function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}
