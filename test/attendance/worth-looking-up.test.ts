import { describe, expect, it } from 'vitest';
import { LOOKUPS_PER_AUTHOR, worthLookingUp } from '../../src/attendance/reconcile-check-ins.js';
import type { RecentComment } from '../../src/github/recent-comments.js';
import { seoul, studyConfig } from '../helpers/attendance-study.js';

/** Which edited comments the recovery pass asks GitHub's history about (see test/attack/original-bodies-lookups-used-up). */
describe('worthLookingUp', () => {
  const config = studyConfig();
  let id = 0;
  const comment = (login: string, createdAt: number, edited = true): RecentComment => ({
    kind: 'issue', id: ++id, nodeId: `IC_${id}`, body: 'x', createdAt, updatedAt: createdAt + (edited ? 60_000 : 0),
    login, userType: 'User', appId: null, association: 'COLLABORATOR', thread: { kind: 'issue', issueNumber: 3 },
  });
  const session = seoul('2025-09-11T20:00'); // week 2

  it('only edited comments of roster members made while a check-in window was open', () => {
    const picked = worthLookingUp([
      comment('hong-gildong', session + 5 * 60_000),
      comment('hong-gildong', session + 5 * 60_000, false), // not edited
      comment('hong-gildong', seoul('2025-09-11T09:00')), // the morning: no window
      comment('someone-else', session + 5 * 60_000), // not on the roster
    ], config);
    expect(picked.map((c) => c.login)).toEqual(['hong-gildong']);
  });

  it('one member’s flood of edited comments in the window does not crowd out another’s', () => {
    const flood = Array.from({ length: 500 }, (_, i) => comment('jiwoo-kim', session - 10 * 60_000 + i * 1_000));
    const genuine = comment('hong-gildong', session + 5 * 60_000);
    const picked = worthLookingUp([...flood, genuine], config);
    expect(picked.filter((c) => c.login === 'jiwoo-kim')).toHaveLength(LOOKUPS_PER_AUTHOR);
    expect(picked).toContain(genuine);
  });
});
