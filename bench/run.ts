// `npm run bench`: runs every bench/*.bench.ts and prints its figures. Each module exports
// an async function named bench* returning [{ name, figures }].
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nock from 'nock';

type BenchResult = { name: string; figures: Record<string, number | string> };

// Benchmarks that talk to "GitHub" do it through nock; nothing may leave the machine.
nock.disableNetConnect();

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
let failed = false;
for (const file of files) {
  // A full file name picks that file only (verify.bench.ts is also in project-verify.bench.ts).
  if (only.length > 0 && !only.some((o) => (o.endsWith('.ts') ? file === o : file.includes(o)))) continue;
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as Record<string, unknown>;
  for (const [exportName, fn] of Object.entries(mod)) {
    if (!exportName.startsWith('bench') || typeof fn !== 'function') continue;
    try {
      const results = (await (fn as () => Promise<BenchResult[]>)()) ?? [];
      for (const { name, figures } of results) {
        console.log(`\n${file} › ${name}`);
        for (const [key, value] of Object.entries(figures)) {
          console.log(`  ${key.padEnd(44)} ${typeof value === 'number' ? Number(value.toFixed(2)) : value}`);
        }
      }
    } catch (error) {
      failed = true;
      console.error(`\n${file} › ${exportName} failed:`, error);
    }
  }
}
// Exit rather than wait for the loop to drain: a bench may leave a worker pool (pathological)
// or a VM queue alive, and the figures are printed.
process.exit(failed ? 1 : 0);
