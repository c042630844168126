import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMBER_LIMITS, MemberBudget } from '../../src/commands/member-budget.js';

describe('a member\'s budget of answered comments', () => {
  it('answers six comments a minute, gives one notice for the seventh, then nothing until a minute has passed', () => {
    let now = Date.parse('2026-12-07T23:00:00Z');
    const budget = new MemberBudget(() => now);
    const verdicts = Array.from({ length: 10 }, () => budget.take('o/r', 'hong-gildong'));
    expect(verdicts).toEqual(['answer', 'answer', 'answer', 'answer', 'answer', 'answer', 'notice', 'drop', 'drop', 'drop']);
    // another member, another repository: budgets of their own; the login's case is one member
    expect(budget.take('o/r', 'kim-cs')).toBe('answer');
    expect(budget.take('o/other', 'hong-gildong')).toBe('answer');
    expect(budget.take('O/R', 'Hong-Gildong')).toBe('drop');
    now += 60_001;
    expect(budget.take('o/r', 'hong-gildong')).toBe('answer');
    // back under the budget and over it again: one more notice
    const again = Array.from({ length: 7 }, () => budget.take('o/r', 'hong-gildong'));
    expect(again).toEqual(['answer', 'answer', 'answer', 'answer', 'answer', 'notice', 'drop']);
  });

  it('answers at most sixty comments an hour, however they are spread', () => {
    let now = Date.parse('2026-12-07T23:00:00Z');
    const budget = new MemberBudget(() => now);
    const answered: number[] = [];
    for (let minute = 0; minute < 60; minute++) {
      for (let i = 0; i < 2; i++) if (budget.take('o/r', 'hong-gildong') === 'answer') answered.push(minute);
      now += 60_000;
    }
    expect(answered).toHaveLength(DEFAULT_MEMBER_LIMITS.perHour);
    expect(answered.at(-1)).toBe(29);
    // an hour after the first ones, answered again
    expect(budget.take('o/r', 'hong-gildong')).toBe('answer');
  });
});
