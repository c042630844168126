import { describe, expect, it } from 'vitest';
import { renamesIn } from '../../src/attendance/study-files.js';
import { studyConfig } from '../helpers/attendance-study.js';

/** Which removed-and-added pairs of one commit carry a first-seen time (see test/attack/rename-takes-others-record). */
describe('renamesIn', () => {
  const config = studyConfig();
  const pair = (removed: string, added: string) => renamesIn([{ removed: [removed], added: [added] }], config).map(({ from, to }) => `${from.owner} → ${to.owner}`);

  it('an alias renamed to the member’s name, and a name nobody has renamed to a member’s, are renames', () => {
    expect(pair('study/week1/jw.md', 'study/week1/jiwoo.md')).toEqual(['jiwoo → jiwoo']);
    expect(pair('study/week1/홍길동.md', 'study/week1/hgd.md')).toEqual(['hgd → hgd']);
    expect(pair('study/week1/typo-name.md', 'study/week1/minsu.md')).toEqual(['typo-name → minsu']);
  });

  it('another member’s note moved onto one’s own name is not: the record stays with its member', () => {
    expect(pair('study/week1/minsu.md', 'study/week1/hgd.md')).toEqual([]);
    expect(pair('study/week1/jw.md', 'study/week1/sora.md')).toEqual([]);
  });

  it('two on either side, or two weeks, stay unpaired', () => {
    expect(renamesIn([{ removed: ['study/week1/jw.md', 'study/week1/x.md'], added: ['study/week1/jiwoo.md'] }], config)).toEqual([]);
    expect(pair('study/week1/jw.md', 'study/week2/jiwoo.md')).toEqual([]);
  });
});
