/**
 * bpftrace's command line as its getopt would read it (options may come after positionals,
 * `-qe PROG` clusters, `--` ends options). Shared by the extractor, which needs to know whether
 * a command is `-e` or `-l`, and the runner's policy, which allows only a few options.
 */
export interface BpftraceOption {
  /** `-e`, `-q`, `--unsafe`... a cluster `-qe` is split into `-q` and `-e`. */
  flag: string;
  value?: string;
}

export interface BpftraceArgs {
  options: BpftraceOption[];
  positionals: string[];
  /** The `-e` program (the last one when repeated, as getopt leaves it). */
  program: string | null;
  list: boolean;
  /** Words after a `--` that ended the options (they are also in `positionals`). */
  afterEndOfOptions: string[];
}

/** Short options that take a value, bpftrace 0.17 to 0.23. */
const SHORT_WITH_VALUE = new Set(['B', 'f', 'e', 'p', 'c', 'o', 'I']);
const LONG_WITH_VALUE = new Set(['--include', '--emit-elf', '--emit-llvm', '--debug', '--no-feature', '--dry-run-stage']);

export function parseBpftraceArgs(args: readonly string[]): BpftraceArgs {
  const options: BpftraceOption[] = [];
  const positionals: string[] = [];
  let afterEndOfOptions: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') {
      afterEndOfOptions = args.slice(i + 1);
      positionals.push(...afterEndOfOptions);
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      if (eq !== -1) options.push({ flag: word.slice(0, eq), value: word.slice(eq + 1) });
      else if (LONG_WITH_VALUE.has(word) && i + 1 < args.length) options.push({ flag: word, value: args[++i]! });
      else options.push({ flag: word });
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      for (let k = 1; k < word.length; k++) {
        const letter = word[k]!;
        if (SHORT_WITH_VALUE.has(letter)) {
          const inline = word.slice(k + 1);
          if (inline) options.push({ flag: `-${letter}`, value: inline });
          else if (i + 1 < args.length) options.push({ flag: `-${letter}`, value: args[++i]! });
          else options.push({ flag: `-${letter}` });
          break;
        }
        options.push({ flag: `-${letter}` });
      }
      continue;
    }
    positionals.push(word);
  }
  let program: string | null = null;
  for (const option of options) if (option.flag === '-e' && option.value !== undefined) program = option.value;
  return { options, positionals, program, list: options.some((o) => o.flag === '-l'), afterEndOfOptions };
}
