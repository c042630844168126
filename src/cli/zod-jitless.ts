import { z } from 'zod';

/**
 * First in the CLI's commands bundle (cli-bundle.ts), before any schema is built: zod's JIT
 * compiles each object parser with `new Function` on its first parse, code V8's code cache
 * cannot keep, for a process that parses one config and one rubric and exits (~10% of
 * `check`'s CPU on one note). The server keeps the JIT: it parses for hours. Same verdicts
 * either way (test/cli/zod-jitless.test.ts).
 */
z.config({ jitless: true });
