import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// app.yml is the manifest Probot's setup flow registers the app from.
const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('app.yml', () => {
  it('leaves the app name to the club registering it (names are unique across GitHub)', () => {
    expect(manifest).not.toHaveProperty('name');
    expect(() => new URL(String(manifest.url))).not.toThrow();
  });
});
