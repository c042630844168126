/**
 * The `/verify` reply names look-alike notes so that they read differently on GitHub (issue 17,
 * review notes): kim-cs's `study/week1/김철수.md` beside an NFD copy is refused "two files read
 * as the same name (other Unicode bytes)", and the two names it shows must differ; a note named
 * `김철수\uFEFF.md` reads as kim-cs's note (src/paths/name-key.ts: one look-alike group with it) but
 * hides a character, so it is not taken alone, and the reply must not show it as the `김철수.md`
 * it reads as. Both used to print as identical text.
 *
 * The whole app (createTestProbot), GitHub by nock in its own shapes, as
 * test/attack/verify-week-lookalike-note.test.ts runs it; the reply read as GitHub reads it (GFM).
 */
import nock from 'nock';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { afterEach, describe, expect, it } from 'vitest';
import { openapiExample } from '../helpers/github-examples.js';
import { verifyByNock } from '../helpers/verify-by-nock.js';
import { HEAD_SHA, submission } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const NFC = '김철수.md';
const NFD = '김철수.md'.normalize('NFD');
const BOM = '김철수\ufeff.md';

/** kim-cs's `/verify week1` with these files in study/week1: the bot's last word in the thread. */
async function verifyWeek1(names: string[]): Promise<{ answer: string; ran: number }> {
  const text = submission().replace('# Week 1 - 홍길동', '# Week 1 - 김철수');
  const listing = openapiExample<any>('content-file-response-if-content-is-a-directory') as any[];
  const entry = (n: string) => ({ ...listing[0], name: n, path: `study/week1/${n}`, size: Buffer.byteLength(text) });
  const file = openapiExample<any>('content-file-response-if-content-is-a-file');
  const { answer, verifier } = await verifyByNock({
    command: '/verify week1',
    mockRepo: (scope) => {
      scope.get(/\/contents\/study(?:\/|%2F)week1(?:\?.*)?$/).query({ ref: HEAD_SHA }).reply(200, names.map(entry));
      for (const name of names) {
        const at = new RegExp(`/contents/study(?:/|%2F)week1(?:/|%2F)${encodeURIComponent(name)}(?:\\?.*)?$`);
        scope.get(at).query({ ref: HEAD_SHA }).optionally().reply(200, { ...file, name, path: `study/week1/${name}`, content: Buffer.from(text).toString('base64'), size: Buffer.byteLength(text) });
      }
    },
  });
  return { answer, ran: verifier.calls.length };
}

/** The code spans of a comment as GitHub's markdown reads them, and its links. */
function spansOf(markdown: string): { spans: string[]; links: string[] } {
  const spans: string[] = [];
  const links: string[] = [];
  const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown);
  visit(tree, 'inlineCode', (n: { value: string }) => void spans.push(n.value));
  visit(tree, 'link', (n: { url: string }) => void links.push(n.url));
  return { spans, links };
}

describe('look-alike note names in a /verify reply', () => {
  it('an NFC note and its NFD copy: refused, the two names shown as two different strings', async () => {
    const { answer, ran } = await verifyWeek1([NFD, NFC]);
    console.log(answer.split('\n').find((l) => l.includes('NFC/NFD')));
    expect(ran).toBe(0);
    expect(answer).toContain('NFC/NFD');
    const { spans } = spansOf(answer);
    expect(spans).toEqual(expect.arrayContaining([`study/week1/${NFC}`, 'study/week1/\\u1100\\u1175\\u11b7\\u110e\\u1165\\u11af\\u1109\\u116e.md']));
    expect(answer).not.toContain(NFD);
  }, 60_000);

  it('a note named 김철수 with a U+FEFF after it: not taken, and shown visibly other than the name it reads as', async () => {
    const { answer, ran } = await verifyWeek1([BOM]);
    console.log(answer.split('\n')[1]);
    expect(ran).toBe(0);
    const { spans, links } = spansOf(answer);
    expect(spans).toContain('study/week1/김철수.md');
    expect(spans).toContain('study/week1/김철수\\ufeff.md');
    expect(answer).toContain('처럼 보입니다');
    expect(answer).not.toContain('\ufeff');
    expect(links).toEqual([]);
  }, 60_000);
});
