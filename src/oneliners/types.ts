/**
 * A command found in a submission's code block that the rubric counts and `/verify` runs.
 * The extractor (extract-oneliners.ts) is the single source of these: the rubric's
 * `oneliner-count` and `evidence` rules and the runner consume exactly the same list.
 */
export type OneLinerKind =
  /** `bpftrace -e PROGRAM` (also `bpftrace PROGRAM_FILE` is NOT counted) */
  | 'bpftrace'
  /** `bpftrace -l PATTERN` listings */
  | 'bpftrace-list'
  /** a bcc tool from bpfcc-tools, e.g. `execsnoop-bpfcc` or `/usr/share/bcc/tools/execsnoop` */
  | 'bcc-tool';

export interface OneLiner {
  kind: OneLinerKind;
  /** 1-based line in the markdown file where the command starts. */
  line: number;
  /** 1-based line in the markdown file where the command ends (multi-line programs). */
  endLine: number;
  /** Text of the nearest preceding heading of depth >= 3 (e.g. "1. Hello World"), or null. */
  heading: string | null;
  /** The command exactly as the member wrote it (source text of the shell statement). */
  command: string;
  /**
   * argv as a shell would build it after stripping the `sudo [-E]`, `env`, `VAR=value` and
   * `timeout [-s SIG] N` prefixes; argv[0] is `bpftrace` or the bcc tool's basename.
   * Quotes are removed and `\`-newline continuations joined, exactly as bash would.
   */
  argv: string[];
  /** `VAR=value` assignments written before the command (not passed to the runner as-is). */
  env: Record<string, string>;
  /**
   * Shell syntax around or inside the statement that the runner must never execute:
   * e.g. ';', '&&', '||', '|', '$(...)', '`...`', '>', '<', '&', '$VAR'. Empty when the
   * statement is a plain command with literal words only.
   */
  shellSyntax: string[];
}
