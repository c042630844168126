/**
 * ## presentation-link
 *
 * Week 8's notes point at what was presented: slides or a demo. A link or an embed counts
 * when its target looks like slides or a recording (`.pdf`, `.pptx`, `.key`, `.mp4`, `.gif`,
 * Google Slides, Speaker Deck, SlideShare, YouTube, Vimeo, GitHub video attachments, on
 * github.com or the study's Enterprise Server) or its
 * text says so (`발표 자료`, `슬라이드`, `slides`, `데모`, `demo`, `시연`, `영상`).
 *
 * Options: `min` (default 1).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week8/hgd.md", "tree": ["project/hgd/slides.pdf"]}
 *
 *   [발표 자료](../../project/hgd/slides.pdf) · <https://youtu.be/dQw4w9WgXcQ>
 *
 * @example
 *   {"name": "ok-ghes.md", "path": "study/week8/hgd.md", "githubHost": "ghe.example.ac.kr"}
 *
 *   <img src="https://ghe.example.ac.kr/user-attachments/assets/5d2c">
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week8/hgd.md", "label": "input"}
 *
 *   # Week 8 - hgd
 *
 *   [프로젝트](../../project/hgd/)
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: error: 발표 자료·데모 링크 0/1개 — 슬라이드(PDF 등)나 데모 영상을 `[발표 자료](…)`처럼 링크해 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { isGitHubAttachment } from '../github-urls.js';
import { collectReferences } from '../references.js';
import type { RubricRule } from '../types.js';

const options = z.strictObject({ min: z.number().int().min(1).default(1) });
type Options = z.infer<typeof options>;

const MEDIA_FILE = /\.(?:pdf|pptx?|key|odp|mp4|mov|webm|gif|m4v)(?:[?#]|$)/iu;
const MEDIA_HOST =
  /^https?:\/\/(?:docs\.google\.com\/presentation|(?:www\.)?speakerdeck\.com|(?:www\.)?slideshare\.net|(?:www\.|m\.)?youtube\.com|youtu\.be|(?:www\.)?vimeo\.com)/iu;
const MEDIA_WORDS = /발표|슬라이드|데모|시연|영상|slides?\b|demo|presentation|video/iu;

const rule: RubricRule<Options> = {
  id: 'presentation-link',
  summary: {
    ko: '발표 자료(슬라이드)나 데모 영상 링크',
    en: 'links the slides or a demo recording',
  },
  options,
  check(root: Root, ctx) {
    const count = collectReferences(root).filter(
      (r) =>
        MEDIA_FILE.test(r.url.trim()) || MEDIA_HOST.test(r.url.trim()) || isGitHubAttachment(r.url, ctx.githubHosts) || MEDIA_WORDS.test(r.label),
    ).length;
    if (count >= ctx.options.min) return;
    ctx.report({
      at: 1,
      message: {
        ko: `발표 자료·데모 링크 ${count}/${ctx.options.min}개 — 슬라이드(PDF 등)나 데모 영상을 \`[발표 자료](…)\`처럼 링크해 주세요`,
        en: `slides or demo links: ${count}/${ctx.options.min}; link your slides (PDF, …) or a demo video, e.g. \`[slides](…)\``,
      },
    });
  },
};

export default rule;
