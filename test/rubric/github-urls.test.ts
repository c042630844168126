import { describe, expect, it } from 'vitest';
import { githubHostsFor, githubRepoPathOf, isGitHubAttachment, normalizeHost } from '../../src/rubric/github-urls.js';

describe('GitHub URLs of the study (github.com and an Enterprise Server)', () => {
  it.each([
    ['ghe.example.ac.kr', 'ghe.example.ac.kr'],
    ['https://GHE.example.ac.kr/', 'ghe.example.ac.kr'],
    ['ghe.example.ac.kr:8443', 'ghe.example.ac.kr:8443'],
    ['  ', null],
    [undefined, null],
  ])('normalizes the host %j', (raw, host) => {
    expect(normalizeHost(raw)).toBe(host);
  });

  it('always accepts github.com; the Enterprise host only when given', () => {
    expect(githubHostsFor(null)).toEqual(['github.com', 'www.github.com']);
    expect(githubHostsFor('ghe.example.ac.kr')).toContain('ghe.example.ac.kr');
  });

  it.each([
    ['https://github.com/o/r/tree/main/project/hgd/', 'project/hgd'],
    ['https://ghe.example.ac.kr/o/r/blob/main/project/%ED%99%8D%EA%B8%B8%EB%8F%99/README.md?plain=1#L3', 'project/홍길동/README.md'],
    ['http://GHE.example.ac.kr/o/r/tree/main/project/hgd', 'project/hgd'],
    ['https://ghe.example.ac.kr.evil.example/o/r/tree/main/project/hgd', null],
    ['https://evil.example/ghe.example.ac.kr/o/r/tree/main/project/hgd', null],
    ['javascript://ghe.example.ac.kr/o/r/tree/main/project/hgd', null],
    ['https://ghe.example.ac.kr/o/r/issues/1', null],
    ['not a url', null],
  ])('%s → %j', (url, path) => {
    expect(githubRepoPathOf(url, githubHostsFor('ghe.example.ac.kr'))).toBe(path);
  });

  it('an Enterprise URL is not a repository link when the study is on github.com', () => {
    expect(githubRepoPathOf('https://ghe.example.ac.kr/o/r/tree/main/project/hgd', githubHostsFor(null))).toBeNull();
  });

  it('attachments on either host', () => {
    const hosts = githubHostsFor('ghe.example.ac.kr');
    expect(isGitHubAttachment('https://github.com/user-attachments/assets/1', hosts)).toBe(true);
    expect(isGitHubAttachment('https://ghe.example.ac.kr/user-attachments/assets/1', hosts)).toBe(true);
    expect(isGitHubAttachment('https://ghe.example.ac.kr/o/r/blob/main/x.png', hosts)).toBe(false);
  });
});
