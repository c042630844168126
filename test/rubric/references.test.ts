import { describe, expect, it } from 'vitest';
import { caseVariant, existsInTree, resolveRepoPath } from '../../src/rubric/references.js';
import { treeOf } from './rule-examples.js';

describe('resolveRepoPath: like GitHub renders relative links', () => {
  it.each([
    ['hgd_md/1.png', { kind: 'path', path: 'study/week1/hgd_md/1.png', directory: false }],
    ['./hgd_md/1.png#frag', { kind: 'path', path: 'study/week1/hgd_md/1.png', directory: false }],
    ['../../project/hgd/', { kind: 'path', path: 'project/hgd', directory: true }],
    ['/project/hgd/README.md?plain=1', { kind: 'path', path: 'project/hgd/README.md', directory: false }],
    ['%ED%99%8D%EA%B8%B8%EB%8F%99.png', { kind: 'path', path: 'study/week1/홍길동.png', directory: false }],
    ['100%.png', { kind: 'path', path: 'study/week1/100%.png', directory: false }],
    ['hgd_md\\1.png', { kind: 'path', path: 'study/week1/hgd_md/1.png', directory: false }],
    ['../../../x', { kind: 'outside' }],
    ['https://github.com/user-attachments/assets/1', { kind: 'absolute' }],
    ['//cdn.example.com/x.png', { kind: 'absolute' }],
    ['mailto:a@b.c', { kind: 'absolute' }],
    ['#환경-설정', { kind: 'anchor' }],
    ['', { kind: 'anchor' }],
  ])('%s', (url, expected) => {
    expect(resolveRepoPath('study/week1/hgd.md', url)).toMatchObject(expected);
  });

  it('existsInTree: files, folders, NFD paths in the tree; caseVariant', () => {
    const tree = treeOf(['study/week1/홍길동'.normalize('NFD') + '.md', 'project/hgd/README.md', 'study/week1/hgd_md/Shot.PNG']);
    expect(existsInTree(tree, 'study/week1/홍길동.md', false)).toBe(true);
    expect(existsInTree(tree, 'project/hgd', true)).toBe(true);
    expect(existsInTree(tree, 'project/hgd', false)).toBe(true);
    expect(existsInTree(tree, 'project/kim', true)).toBe(false);
    expect(caseVariant(tree, 'study/week1/hgd_md/shot.png')).toBe('study/week1/hgd_md/Shot.PNG');
    expect(caseVariant(tree, 'study/week1/hgd_md/none.png')).toBeNull();
  });
});
