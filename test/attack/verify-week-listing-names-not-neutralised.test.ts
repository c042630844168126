/**
 * Attack review 19 (LOW, fixed: the names go through shownText, backticks replaced): /verify week N that finds no note lists the week folder's notes
 * in its reply (resolve-verify-target.ts notesIn/listing) as `name`, the names as pushed: not
 * through shownText and with their backticks kept, unlike the project folders' listing beside it
 * (resolve-project-target.ts) and the report's cells (80e5d80). A file name is anyone's text
 * (whoever pushed it): hong-gildong's study/week1/x` @kim-cs [출석 정정 안내](https://evil.example/login) `.md
 * closes the code span, so kim-cs's own `/verify week1` before his note is pushed is answered,
 * in the bot's name, with a mention of kim-cs and a link of hong-gildong's choosing.
 *
 * The repro: resolveVerifyTarget as handle-verify-command.ts calls it, the problem rendered by
 * renderProblem (what the bot writes into its ⏳ comment) and read as GitHub reads it (GFM).
 */
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { renderProblem } from '../../src/verify/render-verify.js';
import { resolveVerifyTarget, type NoteTree } from '../../src/verify/resolve-verify-target.js';

const config = studyConfigSchema.parse({
  members: [
    { login: 'hong-gildong', name: 'hgd' },
    { login: 'kim-cs', name: '김철수' },
  ],
});
const CRAFTED = 'x` @kim-cs [출석 정정 안내](https://evil.example/login) `.md';

describe('attack review 19: note names listed in a /verify reply', () => {
  it('LOW (fixed): hong-gildong\'s note name puts no mention and no link into the reply to kim-cs\'s /verify week1', async () => {
    const tree: NoteTree = { listDir: async (dir) => (dir === 'study/week1' ? ['hgd.md', CRAFTED] : null) };
    const r = await resolveVerifyTarget({ kind: 'week', week: 1, member: null }, { config, commenter: 'kim-cs', tree });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const body = renderProblem({ lang: 'ko', requestId: 'r1' }, r.problem);
    console.log(body.split('\n')[1]);
    const links: string[] = [];
    const texts: string[] = [];
    const md = unified().use(remarkParse).use(remarkGfm).parse(body);
    visit(md, 'link', (node: { url: string }) => void links.push(node.url));
    visit(md, 'text', (node: { value: string }) => void texts.push(node.value));
    console.log(`links: ${JSON.stringify(links)}; @kim-cs in plain text: ${texts.some((t) => /@kim-cs\b/.test(t))}`);
    // no link of his choosing, no mention of kim-cs outside code
    expect(links.filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(texts.some((t) => /@kim-cs\b/.test(t))).toBe(false);
  });
});
