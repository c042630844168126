import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFromShell, extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';

beforeAll(async () => {
  await loadShellParser();
});

// Shell-ish fragments so random text often forms commands, quotes and operators.
const shellToken = fc.constantFrom(
  'sudo', '-E', 'bpftrace', '-e', '-l', "'", '"', '\\', '\\\n', '\n', ' ', ';', '&&', '|', '$(', ')', '`', '$X',
  '{', '}', 'BEGIN', 'printf("x\\n");', 'timeout', '5', 'env', 'A=1', '#', '$ ', '> ', 'execsnoop-bpfcc', "$'", '<<',
);
const shellText = fc.oneof(fc.array(shellToken, { maxLength: 60 }).map((t) => t.join('')), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }));

describe('extractor properties', () => {
  it('never throws on random shell text and keeps lines inside the block', () => {
    fc.assert(
      fc.property(shellText, fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('bash', 'console', ''), (code, offset, lang) => {
        const found = extractFromShell(code, { lineOffset: offset, lang });
        const lastLine = offset + code.split('\n').length - 1;
        for (const o of found) {
          expect(o.line).toBeGreaterThanOrEqual(offset);
          expect(o.endLine).toBeGreaterThanOrEqual(o.line);
          expect(o.endLine).toBeLessThanOrEqual(lastLine);
          expect(['bpftrace', 'bpftrace-list', 'bcc-tool']).toContain(o.kind);
          expect(o.argv.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random markdown and points at lines of the file', async () => {
    const block = fc.tuple(fc.constantFrom('```bash', '```', '```console', '~~~sh', '### 1. x', '## y', '> ```bash', '- ```sh'), shellText);
    const markdown = fc.oneof(
      fc.array(block, { maxLength: 8 }).map((parts) => parts.map(([fence, body]) => `${fence}\n${body}\n\`\`\``).join('\n\n')),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(markdown, async (text) => {
        const found = await extractOneLiners(text);
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const o of found) {
          expect(o.line).toBeGreaterThanOrEqual(1);
          expect(o.endLine).toBeLessThanOrEqual(lineCount);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the argv of a single-quoted program is the program, whatever it holds', () => {
    const program = fc.string({ maxLength: 80 }).filter((s) => !s.includes("'") && !s.includes('\0'));
    fc.assert(
      fc.property(program, (p) => {
        const found = extractFromShell(`sudo bpftrace -e '${p}'`);
        expect(found).toHaveLength(1);
        expect(found[0]!.argv).toEqual(['bpftrace', '-e', p]);
      }),
      { numRuns: 300 },
    );
  });
});
