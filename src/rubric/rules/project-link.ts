/**
 * ## project-link
 *
 * Weeks 7 and 8 link the member's project folder, `project/{name}/` (the study's
 * convention: singular `project/`, one folder per member, README inside). A relative link
 * (`../../project/hgd/`), a link into the folder (`../../project/hgd/README.md`) or a GitHub
 * URL of it (`https://github.com/org/repo/tree/main/project/hgd`) all count; the name may be
 * any of the member's aliases. On GitHub Enterprise Server, URLs on its host count too. Whether the folder exists is the `links` rule's business. A
 * link inside an HTML comment (the form's example) does not count.
 *
 * - no link to the member's project folder: error;
 * - a link to `projects/…` (plural): error naming the right folder.
 *
 * Options: `folder` (default `project/{name}/`, as `paths.project` in study.yml).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week7/hgd.md", "aliases": ["홍길동"]}
 *
 *   프로젝트: [tcp-watch](../../project/%ED%99%8D%EA%B8%B8%EB%8F%99/)
 *
 * @example
 *   {"name": "ok-url.md", "path": "study/week8/hgd.md"}
 *
 *   <https://github.com/ebpf-study/2025/tree/main/project/hgd>
 *
 * @example
 *   {"name": "ok-ghes.md", "path": "study/week8/hgd.md", "githubHost": "ghe.example.ac.kr"}
 *
 *   [프로젝트](https://ghe.example.ac.kr/ebpf-study/2025/tree/main/project/hgd)
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week7/hgd.md", "label": "input"}
 *
 *   # Week 7 - hgd
 *
 *   [내 프로젝트](../../projects/hgd/)
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: error: 프로젝트 폴더 링크가 없습니다 — `[내 프로젝트](../../project/hgd/)`처럼 `project/hgd/`를 링크해 주세요
 *   3: error: `projects/`가 아니라 `project/`(단수)입니다 — `../../project/hgd/`로 링크해 주세요
 *
 * @example
 *   {"name": "other-host.md", "path": "study/week7/hgd.md", "label": "input"}
 *
 *   [프로젝트](https://ghe.elsewhere.example/ebpf-study/2025/tree/main/project/hgd)
 *
 * @example
 *   {"name": "other-host.md", "label": "output"}
 *
 *   1: error: 프로젝트 폴더 링크가 없습니다 — `[내 프로젝트](../../project/hgd/)`처럼 `project/hgd/`를 링크해 주세요
 *
 * @example
 *   {"name": "commented.md", "path": "study/week7/hgd.md", "label": "input"}
 *
 *   # Week 7 - hgd
 *
 *   <!-- 예: <a href="../../project/hgd/">내 프로젝트</a> [내 프로젝트](../../project/hgd/) -->
 *
 * @example
 *   {"name": "commented.md", "label": "output"}
 *
 *   1: error: 프로젝트 폴더 링크가 없습니다 — `[내 프로젝트](../../project/hgd/)`처럼 `project/hgd/`를 링크해 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { nameKey } from '../member-name.js';
import { githubRepoPathOf } from '../github-urls.js';
import { collectReferences, resolveRepoPath } from '../references.js';
import type { RubricRule } from '../types.js';

const options = z.strictObject({
  folder: z
    .string()
    .regex(/^[^{}]*\{name\}[^{}]*$/u, 'a path with {name}, like project/{name}/')
    .default('project/{name}/'),
});
type Options = z.infer<typeof options>;

const rule: RubricRule<Options> = {
  id: 'project-link',
  summary: {
    ko: '본인 프로젝트 폴더 `project/{name}/` 링크 (`projects/` 복수형은 오류)',
    en: 'links your project folder `project/{name}/` (plural `projects/` is wrong)',
  },
  options,
  check(root: Root, ctx) {
    const [prefix, suffix] = ctx.options.folder.replace(/(?<!\/)\/+$/u, '').split('{name}') as [string, string];
    const names = ctx.member ? [ctx.member.name, ...ctx.member.aliases].map(nameKey) : null;
    const plural = prefix.replace(/^project\//u, 'projects/');
    let linked = false;
    for (const ref of collectReferences(root)) {
      const path = repoPathOf(ctx.path, ref.url, ctx.githubHosts);
      if (path === null) continue;
      const folder = folderName(path, prefix, suffix);
      if (folder !== null && (!names || names.includes(nameKey(folder)))) linked = true;
      else if (plural !== prefix && folderName(path, plural, suffix) !== null) {
        const expected = `${relativeRoot(ctx.path)}${prefix}${ctx.member?.name ?? '{name}'}${suffix}/`;
        ctx.report({
          at: ref.line,
          message: {
            ko: `\`${plural}\`가 아니라 \`${prefix}\`(단수)입니다 — \`${expected}\`로 링크해 주세요`,
            en: `\`${plural}\` should be \`${prefix}\` (singular): link \`${expected}\``,
          },
        });
      }
    }
    if (linked) return;
    const name = ctx.member?.name ?? '{name}';
    const target = `${prefix}${name}${suffix}/`;
    ctx.report({
      at: 1,
      message: {
        ko: `프로젝트 폴더 링크가 없습니다 — \`[내 프로젝트](${relativeRoot(ctx.path)}${target})\`처럼 \`${target}\`를 링크해 주세요`,
        en: `no link to your project folder: link \`${target}\`, e.g. \`[my project](${relativeRoot(ctx.path)}${target})\``,
      },
    });
  },
};

/** The repository path a URL points at: relative links, or a blob/tree URL on the study's GitHub. */
function repoPathOf(fromFile: string, url: string, githubHosts: readonly string[]): string | null {
  const resolved = resolveRepoPath(fromFile, url);
  if (resolved.kind === 'path') return resolved.path;
  if (resolved.kind !== 'absolute') return null;
  return githubRepoPathOf(url, githubHosts);
}

/** `project/hgd/src/x.c` → `hgd` for the folder pattern `project/{name}`. */
function folderName(path: string, prefix: string, suffix: string): string | null {
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  const name = rest.split('/')[0] ?? '';
  if (!name) return null;
  if (suffix && !rest.slice(name.length).startsWith(suffix)) return null;
  return name;
}

const relativeRoot = (fromFile: string): string => '../'.repeat(fromFile.split('/').length - 1);

export default rule;
