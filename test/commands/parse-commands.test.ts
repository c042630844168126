import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/commands/parse-commands.js';

describe('parseCommands', () => {
  it.each([
    ['/출석', [{ name: '출석', args: [] }]],
    ['/출석 온라인', [{ name: '출석', args: ['온라인'] }]],
    ['/verify study/week1/hgd.md', [{ name: 'verify', args: ['study/week1/hgd.md'] }]],
    ['/VERIFY week1 @kim', [{ name: 'verify', args: ['week1', '@kim'] }]],
    ['hello\n/attend online\nthanks', [{ name: 'attend', args: ['online'] }]],
    ['- /report', [{ name: 'report', args: [] }]],
    ['/attendance week 3 present @a @b', [{ name: 'attendance', args: ['week', '3', 'present', '@a', '@b'] }]],
  ])('finds the command in %j', (body, expected) => {
    expect(parseCommands(body).map(({ name, args }) => ({ name, args }))).toEqual(expected);
  });

  it.each([
    ['```\n/출석\n```'],
    ['    /verify week1'],
    ['> /출석'],
    ['> quoting\n> /verify week1'],
    ['`/verify week1`'],
    ['please run /verify week1'],
    ['<!-- /report -->'],
    ['https://example.com/verify'],
    [''],
  ])('ignores %j', (body) => {
    expect(parseCommands(body)).toEqual([]);
  });

  it('keeps the raw line for quoting it back', () => {
    expect(parseCommands('  /verify   week1  ')[0].raw).toBe('/verify   week1');
  });
});
