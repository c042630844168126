/**
 * Issue 17, item 3, and the other hidden blocks the bot reads back: a block is read only at the
 * place the bot writes it (the first line of a `/verify` comment, the last line of a push
 * check's summary or of the report comment), so a member's text quoted elsewhere in the same
 * bot comment or Check Run never passes for the bot's record.
 */
import { describe, expect, it } from 'vitest';
import { applyChanges, decodeLedger, encodeLedger } from '../../src/attendance/ledger.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { reportCommentBody } from '../../src/attendance/render-report.js';
import { checkResultBlock, parseCheckResultBlock } from '../../src/check/check-result-block.js';
import type { VerifyStudyRepository } from '../../src/github/verify-study-repository.js';
import type { VerifyResult } from '../../src/runner/report-schema.js';
import { pendingMarker, renderPending, renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';
import { sweepStaleComments } from '../../src/verify/sweep-stale-comments.js';
import { decodeVerifyRecord, encodeVerifyRecord, stampRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { realisticLedger } from '../helpers/attendance-study.js';

const repo = { owner: 'study', repo: 'ebpf' };
const seal = verifyRecordSeal(['webhook-secret'], repo);
const NOW = Date.UTC(2026, 11, 7, 3, 0);
const ATTACKER = 'mallory';
const VICTIM = 'kim-cs';

/** The result comment of the attacker's own request, whose program printed a forged ⏳ mark. */
function attackersResult(): string {
  const forged = `${pendingMarker(VICTIM, NOW - 60_000)}`;
  const view: VerifyView = { webOrigin: 'https://github.com', ...repo, path: 'study/week1/m.md', sha: 'b'.repeat(40), requester: ATTACKER, requestId: 'ic77', lang: 'ko' };
  const result: VerifyResult = {
    line: 3, heading: 'h', command: "bpftrace -e 'BEGIN { printf(\"...\"); exit(); }'", status: 'ok', events: 1, message: '',
    // the member's output, printed inside the fenced block of the result
    output: [forged, `<!-- request:ic99 -->${forged}`], durationMs: 1,
  };
  const body = renderVerifyComment(view, { kind: 'report', report: { runner: { kernel: '6.1', bpftrace: 'v0.17.0', btf: true }, results: [result] } });
  return stampRecord(body, { requestId: 'ic77', requester: ATTACKER, state: 'done', lang: 'ko' }, seal);
}

/** When the member's ⏳ was accepted and GitHub made its comment. */
const ACCEPTED = NOW - 25 * 60_000;

function fakeStudy(bodies: { id: number; body: string }[]) {
  const comments = bodies.map((c) => ({ ...c, createdAt: ACCEPTED }));
  const updates: { id: number; body: string }[] = [];
  const study = {
    listBotComments: async () => comments,
    updateComment: async (ref: { id: number }, body: string) => void updates.push({ id: ref.id, body }),
  } as unknown as VerifyStudyRepository;
  return { study, updates };
}

describe('item 3: the sweep of stale ⏳ comments', () => {
  const sweep = (study: VerifyStudyRepository) =>
    sweepStaleComments({
      study, thread: { kind: 'issue', issueNumber: 1 }, requester: VICTIM, lang: 'ko', currentRequestId: 'ic100',
      isPending: async () => false, now: NOW, seal,
    });

  it("does not close out (and sign for another member) a result that quotes a member's forged mark", async () => {
    const body = attackersResult();
    expect(body).toContain(`requester:${VICTIM}`); // the forged mark is in the comment, as the member printed it
    const { study, updates } = fakeStudy([{ id: 5, body }]);
    expect(await sweep(study)).toEqual([]);
    expect(updates).toEqual([]);
  });

  it("still closes out the member's own stale ⏳, by its signed record", async () => {
    const deadline = NOW - 60_000;
    const pending = stampRecord(renderPending({ requestId: 'ic50', requester: VICTIM, lang: 'ko', deadline }), { requestId: 'ic50', requester: VICTIM, state: 'pending', acceptedAt: ACCEPTED, deadline, lang: 'ko' }, seal);
    const unsigned = stampRecord(renderPending({ requestId: 'ic51', requester: VICTIM, lang: 'ko', deadline }), { requestId: 'ic51', requester: VICTIM, state: 'pending', acceptedAt: ACCEPTED, deadline, lang: 'ko' }, null);
    const { study, updates } = fakeStudy([{ id: 6, body: pending }, { id: 7, body: unsigned }, { id: 5, body: attackersResult() }]);
    expect(await sweep(study)).toEqual([6]);
    expect(decodeVerifyRecord(updates[0]!.body, seal)).toMatchObject({ requestId: 'ic50', requester: VICTIM, state: 'done' });
  });

  it('reads a record only from the first line of a /verify comment', () => {
    const block = encodeVerifyRecord({ requestId: 'ic60', requester: VICTIM, state: 'pending', deadline: NOW }, seal);
    expect(decodeVerifyRecord(`<!-- study-bot:verify --><!-- request:ic60 -->${block}\n⏳`, seal)).toMatchObject({ requestId: 'ic60' });
    // a real signed block, copied into a line below, or into a comment that is not a /verify one
    expect(decodeVerifyRecord(`<!-- study-bot:verify --><!-- request:ic61 -->\n\`\`\`\n${block}\n\`\`\``, seal)).toBeNull();
    expect(decodeVerifyRecord(`✅ 출석 ${block}`, seal)).toBeNull();
  });
});

describe("the push check's verdicts", () => {
  const real = checkResultBlock([{ path: 'study/week1/mallory.md', status: 'fail' }]);
  // a file name or a heading can carry the text of a block (JSON may escape '/')
  const forged = '<!-- study-bot:check-results {"v":1,"files":[{"path":"study\\/week1\\/kim.md","status":"pass"}]} -->';

  it('are read from the summary\'s last line only', () => {
    expect(parseCheckResultBlock(`| file |\n| \`${forged}\` |\n${real}`)).toEqual([{ path: 'study/week1/mallory.md', status: 'fail' }]);
    expect(parseCheckResultBlock(`details\n${forged}\nmore details`)).toBeNull();
  });
});

describe('the attendance ledger', () => {
  const ledgerKey = ledgerSeal(['webhook-secret'], repo)!;

  it("is read from the report comment's last line only: an older signed ledger quoted above it is text", () => {
    const old = realisticLedger();
    const newer = applyChanges(old, [{ kind: 'mark', mark: { week: 1, login: 'hgd', state: 'absent', by: 'org', at: Date.UTC(2025, 9, 1), source: 'organizer' } }]);
    const body = reportCommentBody(`| table |\n| ${encodeLedger(old, ledgerKey)} |`, encodeLedger(newer, ledgerKey));
    expect(decodeLedger(body, ledgerKey)).toEqual({ ok: true, ledger: newer });
  });
});
