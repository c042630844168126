import { describe, expect, it } from 'vitest';
import { headingKey } from '../../src/markdown/heading-text.js';

describe('headingKey: what people mean by a heading', () => {
  it.each([
    ['환경 설정', '환경설정'],
    ['1. 환경 설정', '환경설정'],
    ['01) 환경설정 🛠️', '환경설정'],
    ['Ⅱ. bpftrace 실습', 'bpftrace실습'],
    ['(3) 학습 내용:', '학습내용'],
    ['Step 2: Setup', 'setup'],
    ['2단계 환경 설정', '환경설정'],
    ['ENVIRONMENT', 'environment'],
    ['What I learned 📚', 'whatilearned'],
    ['**학습** _내용_', '학습내용'],
    ['CO-RE', 'core'],
    ['５. 학습 내용', '학습내용'], // full-width digit (NFKC)
    ['학습 내용'.normalize('NFD'), '학습내용'],
    ['', ''],
  ])('%s → %s', (text, key) => {
    expect(headingKey(text)).toBe(key);
  });
});
