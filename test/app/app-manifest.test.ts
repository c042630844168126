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

  it('asks for the events and permissions the app handles, and no more', () => {
    expect(manifest.default_events).toEqual(['push', 'check_run', 'check_suite', 'issue_comment', 'commit_comment', 'workflow_run']);
    expect(manifest.default_permissions).toEqual({ checks: 'write', contents: 'write', issues: 'write', metadata: 'read', actions: 'write' });
  });
});
