import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';

/** Every key of the schema, dotted (`schedule.timezone`, `members[].login`). */
function keysOf(schema: unknown, prefix = ''): string[] {
  let node = schema as { _zod: { def: { type: string; innerType?: unknown; element?: unknown } }; shape?: Record<string, unknown> };
  while (['default', 'prefault', 'optional'].includes(node._zod.def.type)) node = node._zod.def.innerType as typeof node;
  if (node._zod.def.type === 'array' && prefix) {
    const element = node._zod.def.element as typeof node;
    return element._zod.def.type === 'object' ? keysOf(element, `${prefix.replace(/\.$/, '')}[].`) : [];
  }
  if (node._zod.def.type !== 'object' || !node.shape) return [];
  return Object.entries(node.shape).flatMap(([key, child]) => {
    const full = `${prefix}${key}`;
    return [full, ...keysOf(child, `${full}.`)];
  });
}

describe('the configuration reference (docs/configuration.md)', () => {
  const section = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  it.each(keysOf(studyConfigSchema).filter((k) => !['schedule', 'paths', 'checks', 'attendance', 'verify', 'nudges'].includes(k)))(
    'documents `%s`',
    (key) => {
      expect(section).toContain(`| \`${key}\` |`);
    },
  );
});
