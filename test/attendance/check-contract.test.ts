/**
 * The contract between the push check and the report, end to end: a real push-check output
 * (real files through the real checker, rendered by `renderCheckRun`) goes through the
 * report's `check_run.completed` handler. If either side changes how the verdicts travel
 * (`checkResultBlock`, summary vs text, escaping), this fails.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { expect, it } from 'vitest';
import { checkFiles } from '../../src/check/check-files.js';
import type { RepoTree } from '../../src/check/types.js';
import { applyChanges, decodeLedger, emptyLedger } from '../../src/attendance/ledger.js';
import { trustConfig } from '../../src/push-check/config-trust.js';
import { checkName, renderCheckRun } from '../../src/push-check/render-check-run.js';
import { webhookExample } from '../helpers/github-examples.js';
import { INSTALLATION_ID, mockInstallationToken } from '../helpers/probot-app.js';
import { seoul, STUDY_YML, studyConfig } from '../helpers/attendance-study.js';
import { createAttendanceProbot, mockConfig, mockFindIssue, mockListComments, mockUpdateComment, ReportState, testSeal } from '../helpers/attendance-github.js';

const AFTER = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';

it("a real push check's Check Run output carries its verdicts into the report", async () => {
  const config = studyConfig();
  const files = [
    // the example submission of week 1, as a member would push it
    { path: 'study/week1/hgd.md', content: readFileSync(new URL('../../study/week1/hgd.md', import.meta.url)) },
    // week 2's template pushed unchanged: the checker fails it
    { path: 'study/week2/jiwoo.md', content: readFileSync(new URL('../../templates/week2.md', import.meta.url)) },
  ];
  const paths = new Set(['README.md', '.github/study.yml', ...files.map((f) => f.path)]);
  const tree: RepoTree = { has: (p) => paths.has(p), paths: () => paths };
  const reports = await checkFiles({ files, tree, config });
  const rendered = renderCheckRun({
    lang: 'ko',
    repoHtmlUrl: 'https://github.com/Codertocat/Hello-World',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: AFTER,
    pusherLogin: 'hong-gildong',
    configPath: '.github/study.yml',
    reports,
    wiped: [],
    config: trustConfig({ afterText: STUDY_YML, changed: false, pusherIsOrganizer: null }),
    configExists: true,
    notes: [],
    checks: config.checks,
  })!;
  const statuses = Object.fromEntries(reports.map((r) => [r.path, r.status]));
  expect(statuses['study/week2/jiwoo.md']).toBe('fail');
  expect(statuses['study/week1/hgd.md']).not.toBeNull();

  const payload = webhookExample('check_run', 'completed');
  payload.check_run.name = checkName('ko');
  payload.check_run.app.id = 1; // this app (Probot's appId in the tests)
  payload.check_run.head_sha = AFTER;
  payload.check_run.completed_at = '2025-09-19T12:01:00Z';
  payload.check_run.conclusion = rendered.conclusion;
  payload.check_run.output = { ...payload.check_run.output, ...rendered.output, text: rendered.output.text ?? null };
  payload.installation = { id: INSTALLATION_ID };

  const { probot, settle } = await createAttendanceProbot({ clock: { now: () => new Date('2025-09-20T00:00:00Z') } });
  const state = new ReportState(
    applyChanges(emptyLedger(), [
      {
        kind: 'tree',
        files: [
          { path: 'study/week1/hgd.md', week: 1, owner: 'hgd' },
          { path: 'study/week2/jiwoo.md', week: 2, owner: 'jiwoo' },
        ],
        renames: [],
        seenAt: seoul('2025-09-10T10:00'),
        complete: true,
      },
    ]),
  );
  const scope = mockInstallationToken();
  mockConfig(scope, STUDY_YML);
  mockFindIssue(scope, true);
  mockListComments(scope, state);
  mockUpdateComment(scope, state);
  await probot.receive({ id: 'check', name: 'check_run', payload } as any);
  await settle();

  const decoded = decodeLedger(state.body!, testSeal());
  if (!decoded.ok) throw new Error(decoded.reason);
  expect(Object.fromEntries(Object.entries(decoded.ledger.checks).map(([p, c]) => [p, c.status]))).toEqual(statuses);
  const icon = { pass: '✅', warn: '⚠️', fail: '❌' }[statuses['study/week1/hgd.md']!];
  expect(state.body).toContain(`| hgd<br><sub>hong-gildong</sub> | 제출 ${icon} |`);
  expect(state.body).toContain('| jiwoo<br><sub>jiwoo-kim</sub> | 미제출 | 제출 ❌ |');
  expect(nock.pendingMocks()).toEqual([]);
});
