/**
 * Korean particles that depend on the last sound of the word before them: `학습 내용을`,
 * `환경 설정을`, `hgd_md/a.png를`... When the last character is Hangul or a digit the right
 * form is known; otherwise (Latin words, symbols) both forms are shown, as in `Setup을(를)`.
 */
type Pair = '을/를' | '이/가' | '은/는' | '과/와' | '으로/로';

// Digits read in Sino-Korean: 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구.
const DIGIT_HAS_FINAL = [true, true, false, true, false, false, true, true, true, false];

function hasFinalConsonant(word: string): boolean | null {
  // `{이름}`, `[실행 결과 스크린샷]`: the particle follows the last spoken character.
  const last = [...word.replace(/(?<![^\p{L}\p{N}])[^\p{L}\p{N}]+$/u, '')].pop();
  if (!last) return null;
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) return (code - 0xac00) % 28 !== 0;
  if (last >= '0' && last <= '9') return DIGIT_HAS_FINAL[Number(last)]!;
  return null;
}

export function particle(word: string, pair: Pair): string {
  const [withFinal, withoutFinal] = pair.split('/') as [string, string];
  const final = hasFinalConsonant(word);
  if (final === null) return `${withFinal}(${withoutFinal})`;
  if (pair === '으로/로') {
    // ㄹ-final words take 로: 'ㄹ' is final index 8.
    const code = [...word.replace(/(?<![^\p{L}\p{N}])[^\p{L}\p{N}]+$/u, '')].pop()!.charCodeAt(0);
    if (code >= 0xac00 && (code - 0xac00) % 28 === 8) return withoutFinal;
  }
  return final ? withFinal : withoutFinal;
}

/** `word` in backticks followed by its particle: ``code(`## 학습 내용`, '이/가')`` → `` `## 학습 내용`이 ``. */
export const code = (word: string, pair: Pair): string => `\`${word}\`${particle(word, pair)}`;
