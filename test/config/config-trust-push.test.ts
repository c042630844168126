/**
 * The config's trust boundary, through pushes: a member's config change is checked with the
 * approved config and the check run says what changed and who can approve; an organizer's
 * own change takes effect at once and is recorded as approved in the report's signed ledger.
 * GitHub is nock with GitHub's example shapes.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyLedger } from '../../src/attendance/ledger.js';
import { approvalOf } from '../../src/config/approval.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import {
  ISSUE,
  mockGetComment,
  mockListComments,
  mockUpdateComment,
  ReportState,
  signedLedgerOf,
  TEST_LEDGER_SECRET,
} from '../helpers/attendance-github.js';
import { appOpenedIssue, openapiExample } from '../helpers/github-examples.js';
import { acceptCheckRun, githubScope, REPO_PATH, serveCommit, servePermission } from '../helpers/push-github.js';
import { buildPushApp, pushPayload, sha, type PushApp } from '../helpers/push-probot.js';
import { baseCommit, CONFIG_TEXT } from '../helpers/push-world.js';

type Body = Record<string, any>;

let app: PushApp;
let gh: ReturnType<typeof githubScope>;
let report: ReportState;

const APPROVED = approvalOf(CONFIG_TEXT, sha('approved'), 'boss', Date.parse('2025-09-01T00:00:00Z'));
const before = baseCommit();
const PROPOSED = `${CONFIG_TEXT}  - login: outsider\n    name: outsider\nverify:\n  perHour: 50\n`;

beforeEach(async () => {
  app = await buildPushApp({ approvals: { ledgerSecret: TEST_LEDGER_SECRET } });
  gh = githubScope();
  report = new ReportState({ ...emptyLedger(), config: APPROVED });
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

function serveApprovalRead() {
  const issue = appOpenedIssue();
  gh.scope
    .get(`${REPO_PATH}/issues`)
    .query({ labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '1' })
    .reply(200, [{ ...issue, number: ISSUE }]);
  mockListComments(gh.scope, report);
}

function serveConfigAt(ref: string, text: string) {
  gh.scope
    .get(`${REPO_PATH}/contents/${encodeURIComponent(CONFIG_PATH)}`)
    .query({ ref })
    .reply(200, { ...openapiExample('content-file'), path: CONFIG_PATH, content: Buffer.from(text).toString('base64'), encoding: 'base64' });
}

async function push(sender: string, after: { sha: string }) {
  await app.probot.receive({
    id: `delivery-${sender}`,
    name: 'push',
    payload: pushPayload({ before: before.sha, after: after.sha, sender, commits: [{ modified: [CONFIG_PATH] }] }),
  } as never);
  return app.settle();
}

describe('config trust boundary: pushes', () => {
  it("a member's roster and limit change is not in effect: the check says what changed and who can approve", async () => {
    const after = before.with(sha('member-config'), { set: [{ path: CONFIG_PATH, content: PROPOSED }] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    serveConfigAt(before.sha, CONFIG_TEXT);
    serveApprovalRead();
    servePermission(gh.scope, 'hong-gildong', 'write');
    gh.scope
      .get(`${REPO_PATH}/collaborators`)
      .query({ permission: 'maintain', affiliation: 'all', per_page: '100' })
      .reply(200, [
        { ...openapiExample('collaborator-items')[0], login: 'boss', permissions: { pull: true, triage: true, push: true, maintain: true, admin: true }, role_name: 'admin' },
        { ...openapiExample('collaborator-items')[0], login: 'member', role_name: 'write' },
      ]);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    expect(await push('hong-gildong', after)).toEqual([]);

    expect(created.conclusion).toBe('neutral');
    expect(created.output.title).toContain('설정 변경 승인 대기');
    const summary: string = created.output.summary;
    expect(summary).toContain('마지막으로 승인한 설정(@boss');
    expect(summary).toContain('`members[outsider]`: 추가 `outsider`');
    expect(summary).toContain('`verify.perHour`: `6` → `50`');
    expect(summary).toContain('admin·maintain 권한: @boss)');
    expect(summary).not.toContain('@member');
    // the full sha an organizer writes on an issue (a short prefix approves nothing)
    expect(summary).toContain(`(이슈에서는 sha 40자리 전체로 \`/config approve ${after.sha}\`)`);
    expect(after.sha).toMatch(/^[0-9a-f]{40}$/);
    // nothing was approved
    expect(report.writes).toEqual([]);
  });

  it("an organizer's own change takes effect at once and is recorded as approved", async () => {
    const after = before.with(sha('organizer-config'), { set: [{ path: CONFIG_PATH, content: PROPOSED }] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    serveConfigAt(before.sha, CONFIG_TEXT);
    serveApprovalRead();
    servePermission(gh.scope, 'boss', 'admin');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));
    // the approval is written to the report's ledger (the report reads the file to render it)
    gh.scope
      .get(`${REPO_PATH}/contents/${encodeURIComponent(CONFIG_PATH)}`)
      .reply(200, { ...openapiExample('content-file'), path: CONFIG_PATH, content: Buffer.from(PROPOSED).toString('base64'), encoding: 'base64' });
    mockGetComment(gh.scope, report);
    mockUpdateComment(gh.scope, report);

    expect(await push('boss', after)).toEqual([]);

    expect(created.output.summary).not.toContain('승인');
    expect(created.conclusion).toBe('neutral'); // no study files in the push
    expect(signedLedgerOf(report.body).config).toMatchObject({ text: PROPOSED, by: 'boss', commit: after.sha });
  });

  it("a member's config over the bounds: annotated, and the approved config stays in effect", async () => {
    const greedy = CONFIG_TEXT.replace('language: ko', 'language: ko\nverify:\n  perHour: 100000\nattendance:\n  closesAfter: 60000');
    const after = before.with(sha('greedy-config'), { set: [{ path: CONFIG_PATH, content: greedy }] });
    serveCommit(gh.scope, after, [CONFIG_PATH]);
    serveConfigAt(before.sha, CONFIG_TEXT);
    serveApprovalRead();
    servePermission(gh.scope, 'hong-gildong', 'write');
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    expect(await push('hong-gildong', after)).toEqual([]);

    const messages = created.output.annotations.filter((a: Body) => a.path === CONFIG_PATH).map((a: Body) => a.message);
    expect(messages).toContain('60 이하이어야 합니다 (받은 값: 100000)');
    expect(messages).toContain('1440 이하이어야 합니다 (받은 값: 60000)');
    expect(created.output.summary).toContain('마지막으로 승인한 설정(@boss');
    expect(report.writes).toEqual([]);
  });
});
