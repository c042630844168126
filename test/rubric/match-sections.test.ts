import { describe, expect, it } from 'vitest';
import { buildOutline } from '../../src/markdown/outline.js';
import { LineIndex, parseMarkdown } from '../../src/markdown/parse-markdown.js';
import { matchSections } from '../../src/rubric/match-sections.js';

const specs = [
  { heading: '환경 설정', aliases: ['Environment', 'Setup'] },
  { heading: 'bpftrace 실습', aliases: ['bpftrace Practice'] },
  { heading: '학습 내용', aliases: ['What I learned'] },
];
const match = (headings: string[]) => {
  const text = headings.join('\n\n');
  return matchSections(buildOutline(parseMarkdown(text), new LineIndex(text).lineCount), specs).map((m) =>
    m.heading ? `${m.how}:${m.heading.text}` : 'missing',
  );
};

describe('matchSections', () => {
  it.each([
    [['## 환경 설정', '## bpftrace 실습', '## 학습 내용'], ['exact:환경 설정', 'exact:bpftrace 실습', 'exact:학습 내용']],
    [['## 1. Environment 🛠️', '## 2. bpftrace practice', '## 3. What I Learned'], ['exact:1. Environment 🛠️', 'exact:2. bpftrace practice', 'exact:3. What I Learned']],
    [['## 개발 환경 설정', '## bpftrace 실습 결과', '## 학습 내용 정리'], ['contains:개발 환경 설정', 'contains:bpftrace 실습 결과', 'contains:학습 내용 정리']],
    [['## 환경 설증', '## bpftrce 실습', '## 학습 내욤'], ['near:환경 설증', 'near:bpftrce 실습', 'near:학습 내욤']],
    [['## 환경 설정', '### 학습 내용'], ['exact:환경 설정', 'missing', 'exact:학습 내용']],
    // `###` one-liner headings are never taken as misspelt sections
    [['## 환경 설정', '### bpftrce 실습'], ['exact:환경 설정', 'missing', 'missing']],
    // a short unrelated heading is not a near miss
    [['## 실험', '## 소감'], ['missing', 'missing', 'missing']],
    // an exact match elsewhere wins over an earlier near miss; each heading serves one section
    [['## bpftrce 실습', '## bpftrace 실습'], ['missing', 'exact:bpftrace 실습', 'missing']],
  ])('%j', (headings, expected) => {
    expect(match(headings)).toEqual(expected);
  });
});
