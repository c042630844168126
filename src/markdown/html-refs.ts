import { blankComments } from './html-comments.js';

/**
 * URLs referenced by raw HTML in markdown (`<img src="…">`, `<a href="…">`): members paste
 * GitHub's `<img width="…" src="https://github.com/user-attachments/…">` tags, which remark
 * keeps as `html` nodes. A small attribute tokenizer, not a full HTML parser: it only needs
 * tag names and the `src`/`href` attribute of each start tag, with their offsets. Tags inside
 * HTML comments (`<!-- <img src="example.png"> -->`) are the form's instructions, not shown.
 */
export interface HtmlRef {
  tag: 'img' | 'a' | 'source' | 'video';
  attribute: 'src' | 'href' | 'srcset';
  url: string;
  /** offset of the tag's `<` inside the html text */
  offset: number;
}

// Quoted values may hold `>`; otherwise a tag ends at `>` or, unclosed, at the next `<`. The
// alternatives start with distinct characters, so a hostile node is still scanned linearly.
const START_TAG = /<(img|a|source|video)\b((?:[^<>"']|"[^"]*"|'[^']*')*)>?/giu;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/gu;

export function htmlRefs(html: string): HtmlRef[] {
  const refs: HtmlRef[] = [];
  // The input is one html node: bounded by the markdown file, linear scan.
  // Blanked, not removed: the offsets stay those of the original text.
  for (const tag of blankComments(html).matchAll(START_TAG)) {
    const name = tag[1]!.toLowerCase() as HtmlRef['tag'];
    for (const attr of tag[2]!.matchAll(ATTRIBUTE)) {
      const key = attr[1]!.toLowerCase();
      const value = attr[2] ?? attr[3] ?? attr[4];
      if (value === undefined) continue;
      if (key === 'src' || key === 'href') {
        refs.push({ tag: name, attribute: key, url: decodeEntities(value.trim()), offset: tag.index });
      }
    }
  }
  return refs;
}

/** Does this html contain an image a reader would see (an `<img>`, `<picture>` or `<video>`)? */
export function htmlShowsImage(html: string): boolean {
  return /<(img|picture|video)\b/iu.test(blankComments(html));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const name = body.toLowerCase();
    return Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : whole;
  });
}
