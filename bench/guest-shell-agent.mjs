// Experiment agent: optional warm-up from /proc/cmdline (xwarm=1), says READY, runs the shell script
// it is sent (base64 JSON {script}) and returns its output in a frame.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
const READY = '@@STUDYBOT-READY@@', PREFIX = '@@STUDYBOT-REQUEST@@';
const frame = (v) => `\n@@STUDYBOT-RESULT-BEGIN@@\n${Buffer.from(JSON.stringify(v)).toString('base64').replace(/.{1,76}/g, '$&\n')}@@STUDYBOT-RESULT-END@@\n`;
const cmdline = readFileSync('/proc/cmdline', 'utf8');
const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };
let warm = '';
const m = /xwarm=(\S+)/.exec(cmdline);
if (m) {
  const t0 = Date.now();
  const script = Buffer.from(m[1], 'base64').toString();
  const r = spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8', timeout: 300000 });
  warm = `warm ${Date.now() - t0} ms rc ${r.status}\n${(r.stdout || '').slice(-2000)}${(r.stderr || '').slice(-2000)}`;
}
if (process.stdin.isTTY) process.stdin.setRawMode(true);
const say = () => process.stdout.write(`${READY}\n`);
say();
const hb = setInterval(say, 100);
let pending = '';
process.stdin.on('data', (c) => {
  pending += c.toString('latin1');
  const at = pending.indexOf(PREFIX);
  const nl = at === -1 ? -1 : pending.indexOf('\n', at);
  if (nl === -1) return;
  clearInterval(hb);
  process.stdin.pause();
  const req = JSON.parse(Buffer.from(pending.slice(at + PREFIX.length, nl).trim(), 'base64').toString());
  try { execFileSync('date', ['-u', '-s', `@${Math.floor(req.nowMs / 1000)}`], { env }); } catch {}
  const t0 = Date.now();
  const r = spawnSync('/bin/sh', ['-c', req.script], { env, encoding: 'utf8', timeout: 600000, maxBuffer: 1 << 24 });
  process.stdout.write(frame({ warm, ms: Date.now() - t0, rc: r.status, out: (r.stdout || '').slice(-20000), err: (r.stderr || '').slice(-8000) }));
  process.exit(0);
});
