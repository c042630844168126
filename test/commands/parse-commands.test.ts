import { describe, expect, it } from 'vitest';
import { mayHaveCommand, parseCommands } from '../../src/commands/parse-commands.js';

describe('parseCommands', () => {
  it.each([
    ['/출석', [{ name: '출석', args: [] }]],
    ['/출석 온라인', [{ name: '출석', args: ['온라인'] }]],
    ['/verify study/week1/hgd.md', [{ name: 'verify', args: ['study/week1/hgd.md'] }]],
    ['/VERIFY week1 @kim', [{ name: 'verify', args: ['week1', '@kim'] }]],
    ['hello\n/attend online\nthanks', [{ name: 'attend', args: ['online'] }]],
    ['- /report', [{ name: 'report', args: [] }]],
    ['/attendance week 3 present @a @b', [{ name: 'attendance', args: ['week', '3', 'present', '@a', '@b'] }]],
    ['1. /출석\n2) /report', [{ name: '출석', args: [] }, { name: 'report', args: [] }]],
    ['## /report', [{ name: 'report', args: [] }]],
    ['```\n/출석\n```\n/report', [{ name: 'report', args: [] }]],
    ['````\n```\n/출석\n````\n/report', [{ name: 'report', args: [] }]],
    ['> quote\n\n/report', [{ name: 'report', args: [] }]],
    ['- item\n\n    /report', [{ name: 'report', args: [] }]],
    ['hello\n    /report', [{ name: 'report', args: [] }]],
    ['/출석\r\n/report\r\n', [{ name: '출석', args: [] }, { name: 'report', args: [] }]],
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
    ['<!--\n/report\n-->'],
    ['~~~\n/출석\n~~~'],
    ['> quoting\n/verify week1'],
    ['<details>\n/출석\n</details>'],
    ['\\/출석'],
    ['text\n\n    code\n    /verify week1'],
    ['https://example.com/verify'],
    [''],
  ])('ignores %j', (body) => {
    expect(parseCommands(body)).toEqual([]);
  });

  it('stops at the limit it is given', () => {
    expect(parseCommands('/a\n/b\n/c\n/d', 2).map((c) => c.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['chatter', 'thanks! see https://example.com/a/b and 1/2 of it', false],
    ['a command', 'ok\n/출석', true],
    ['a listed command', '- /report', true],
    ['no slash at all', '- '.repeat(10_000), false],
  ])('pre-filter: %s', (_, body, expected) => {
    expect(mayHaveCommand(body)).toBe(expected);
  });

  it('reads a hostile comment in one pass (no markdown parse): 20 KB of list markers and fifty /zz lines', () => {
    // issue 9: remark took 21 s on 20 KB of `- `, then overflowed the stack. Not a timing
    // assertion: a quadratic pass would not return within the test's timeout.
    const body = `${'- '.repeat(10_000)}/zz\n${'/zz\n'.repeat(50)}\n${'> '.repeat(10_000)}/zz\n`;
    expect(parseCommands(body)).toHaveLength(51);
    expect(parseCommands(body, 6)).toHaveLength(6);
  });

  it('keeps the raw line for quoting it back', () => {
    expect(parseCommands('  /verify   week1  ')[0].raw).toBe('/verify   week1');
  });
});
