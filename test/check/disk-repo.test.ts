import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDiskRepo } from '../../src/check/disk-repo.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-repo-'));
  await mkdir(join(dir, 'study/week1/hgd_md'), { recursive: true });
  await mkdir(join(dir, 'node_modules/x'), { recursive: true });
  await writeFile(join(dir, 'study/week1/hgd.md'), '# Week 1 - hgd\n');
  await writeFile(join(dir, 'study/week1/hgd_md/a.png'), 'png');
  await writeFile(join(dir, `study/week1/${'홍길동'.normalize('NFD')}.md`), '# x\n');
  await writeFile(join(dir, 'node_modules/x/README.md'), 'dep');
  await writeFile(join(dir, 'scratch.log'), 'log');
  await writeFile(join(dir, '.gitignore'), '*.log\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openDiskRepo', () => {
  it('walks a plain folder, skipping node_modules and .git, not following symlinks', async () => {
    await symlink(dir, join(dir, 'study/loop'));
    const repo = await openDiskRepo(dir);
    expect(repo.fromGit).toBe(false);
    expect(repo.paths).toEqual([
      '.gitignore',
      'scratch.log',
      'study/week1/hgd.md',
      'study/week1/hgd_md/a.png',
      `study/week1/${'홍길동'.normalize('NFD')}.md`,
    ]);
  });

  it('does not descend into nested repositories (a folder with its own .git) when walking', async () => {
    await mkdir(join(dir, 'clones/other/.git'), { recursive: true });
    await mkdir(join(dir, 'clones/other/study/week1'), { recursive: true });
    await writeFile(join(dir, 'clones/other/study/week1/x.md'), '# Week 1 - x\n');
    await mkdir(join(dir, 'project/hgd/tool'), { recursive: true });
    await writeFile(join(dir, 'project/hgd/tool/.git'), 'gitdir: ../../../.git/modules/tool\n'); // a submodule's .git file
    await writeFile(join(dir, 'project/hgd/tool/main.c'), 'int main;');
    await writeFile(join(dir, 'project/hgd/README.md'), '# tool');
    const repo = await openDiskRepo(dir);
    expect(repo.fromGit).toBe(false);
    expect(repo.paths.filter((p) => p.startsWith('clones/') || p.startsWith('project/'))).toEqual(['project/hgd/README.md']);
  });

  it('lists a git checkout with git: tracked and new files, minus .gitignore', async () => {
    await execa('git', ['init', '-q'], { cwd: dir });
    await execa('git', ['add', 'study/week1/hgd.md'], { cwd: dir });
    const repo = await openDiskRepo(dir);
    expect(repo.fromGit).toBe(true);
    expect(repo.paths).not.toContain('scratch.log');
    expect(repo.paths).toContain('study/week1/hgd_md/a.png');
    expect(repo.paths).toContain('study/week1/hgd.md');
  });

  it('answers has() for either Unicode normalization and for folders', async () => {
    const repo = await openDiskRepo(dir);
    expect(repo.tree.has('study/week1/홍길동.md'.normalize('NFC'))).toBe(true);
    expect(repo.tree.has('study/week1/홍길동.md'.normalize('NFD'))).toBe(true);
    expect(repo.tree.has('study/week1/hgd_md')).toBe(true);
    expect(repo.tree.has('study/week1/hgd_md/')).toBe(true);
    expect(repo.tree.has('study/week1/nope.png')).toBe(false);
  });

  it('reads bytes by the on-disk path, null for what is not a file', async () => {
    const repo = await openDiskRepo(dir);
    const nfd = repo.paths.find((p) => p.includes('.md') && p !== 'study/week1/hgd.md')!;
    expect(new TextDecoder().decode((await repo.read(nfd))?.content)).toBe('# x\n');
    expect(await repo.read('study/week1')).toBeNull();
    expect(await repo.read('study/week1/gone.md')).toBeNull();
  });
});
