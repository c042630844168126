import { describe, expect, it } from 'vitest';
import { htmlRefs, htmlShowsImage } from '../../src/markdown/html-refs.js';

describe('htmlRefs', () => {
  it.each([
    ['<img src="a.png">', [['img', 'src', 'a.png']]],
    ["<img width='600' alt=\"x > y\" SRC='b c.png' />", [['img', 'src', 'b c.png']]],
    ['<img src=hgd_md/1.png>', [['img', 'src', 'hgd_md/1.png']]],
    ['<p align="center"><img src="x.png"><br><a href="../y.md">y</a></p>', [['img', 'src', 'x.png'], ['a', 'href', '../y.md']]],
    ['<img src="a&amp;b.png">', [['img', 'src', 'a&b.png']]],
    // names of Object's prototype members are not entities
    ['<img src="&constructor;.png">', [['img', 'src', '&constructor;.png']]],
    ['<img alt="no source">', []],
    ['<imgsrc="x">', []],
    ['<img src="unclosed.png"', [['img', 'src', 'unclosed.png']]],
    ['<video src="demo.mp4" controls></video>', [['video', 'src', 'demo.mp4']]],
    ['<!-- <img src="example.png"> --><img src="real.png">', [['img', 'src', 'real.png']]],
    ['<!-- 아직 안 닫힌 주석 <a href="x.md">', []],
  ])('%s', (html, expected) => {
    expect(htmlRefs(html).map((r) => [r.tag, r.attribute, r.url])).toEqual(expected);
  });

  it('stays linear on thousands of unclosed tags', () => {
    const started = performance.now();
    expect(htmlRefs('<a '.repeat(50_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('htmlShowsImage', () => {
    expect(htmlShowsImage('<p><IMG src="x"></p>')).toBe(true);
    // a commented-out image is the form's example, not a result anyone sees
    expect(htmlShowsImage('<!-- <img src="x"> -->')).toBe(false);
    expect(htmlShowsImage('<!-- 예시 --><img src="x">')).toBe(true);
    expect(htmlShowsImage('<a href="x">x</a>')).toBe(false);
  });
});
