/**
 * Issue 16: what an organizer and a member copy from the repository's own files: the week
 * pages, DEPLOY.md's commands, the Dockerfile, the systemd unit, .gitignore.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(join(repo, file), 'utf8');

describe('files members and organizers copy from', () => {
  it('no week page or template tells members `npx study-bot` (not on the registry: someone else may publish the name)', () => {
    const pages = [
      ...readdirSync(join(repo, 'study')).map((w) => `study/${w}/README.md`).filter((f) => { try { read(f); return true; } catch { return false; } }),
      ...readdirSync(join(repo, 'templates')).map((t) => `templates/${t}`),
    ];
    expect(pages.length).toBeGreaterThan(8);
    expect(pages.filter((f) => /npx\s+study-bot/.test(read(f)))).toEqual([]);
  });

  it('DEPLOY.md: every code fence opens and closes on a line of its own', () => {
    const text = read('docs/DEPLOY.md');
    const misplaced = text.split('\n').map((line, i) => [i + 1, line] as const).filter(([, line]) => /```/.test(line) && !/^\s*```[\w-]*\s*$/.test(line) && !/`[^`]*```[^`]*`/.test(line));
    expect(misplaced).toEqual([]);
    expect((text.match(/^\s*```/gm) ?? []).length % 2).toBe(0);
  });

  it("DEPLOY.md's runner packages include kmod, as doctor's fix does", () => {
    const apt = read('docs/DEPLOY.md').split('\n').filter((l) => /apt-get install .*qemu-system-x86/.test(l));
    expect(apt.length).toBeGreaterThan(0);
    for (const line of apt) expect(line.split(/\s+/)).toContain('kmod');
  });

  it('the Dockerfile pins its Node image to an exact release or a digest', () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(read('Dockerfile'))?.[1];
    expect(image).toMatch(/^node:\d+\.\d+\.\d+-[\w-]+$|@sha256:[0-9a-f]{64}$/);
  });

  it('the systemd unit finds node on its PATH instead of hard-coding /usr/bin/node', () => {
    const unit = read('docs/study-bot.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/env node \/opt\/study-bot\/dist\/src\/server\.js$/m);
    expect(unit).toMatch(/^Environment=PATH=\/usr\/local\/bin:\/usr\/bin:\/bin$/m);
  });

  it('.gitignore keeps the tarball of npm run package out of commits', () => {
    expect(read('.gitignore').split('\n')).toContain('*.tgz');
  });
});
