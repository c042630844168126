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

  it('may answer commands in pull-request conversations: issue_comment comes from them too, and GitHub needs pull_requests there', () => {
    // "Every pull request is an issue" (GitHub's issue comments API): a command in a pull
    // request's conversation arrives as issue_comment and is answered through the issues
    // endpoints, which for a pull request need the pull_requests permission (issue 17 item 12).
    const events = manifest.default_events as string[];
    const permissions = manifest.default_permissions as Record<string, string>;
    expect(events).toContain('issue_comment');
    expect(permissions.pull_requests).toBe('write');
    expect(permissions.issues).toBe('write');
  });
});
