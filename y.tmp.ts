import { loadShellParser } from './src/oneliners/shell-parser.js';
import { extractFromShell } from './src/oneliners/extract-oneliners.js';
await loadShellParser();
for (const c of process.argv.slice(2)) console.log(JSON.stringify(extractFromShell(c, {lang: c.startsWith('$')?'console':'bash'}).map(o=>[o.kind,o.argv,o.env,o.shellSyntax,o.line,o.endLine])));
