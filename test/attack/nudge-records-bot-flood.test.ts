/**
 * Attack review 18 (open, HIGH): the reminders' pass decodes every bot comment of the report
 * issue in one synchronous loop.
 *
 * repoPass (src/nudges/nudge-pass.ts) reads what was sent from the report issue: every comment,
 * every page (nudge-client.ts comments), then `sentOf` (nudge-record.ts) decodes each comment of
 * a user of type Bot in one loop, with no turn let go: the first line is cut out, matched
 * against the record's pattern and, when it starts with the reminder's marker and carries a
 * block with a `sig=`, one HMAC per secret over the block (up to 65 KB) before the signature
 * fails. Any workflow a member pushes to main comments as github-actions[bot] (type Bot), and
 * the report issue is an ordinary issue anyone with write access comments on. The same premise
 * as review 17's verify-sweep-bot-flood.test.ts (6,000 such comments, there on a commit; the
 * sweep now works in turns), here on the report issue: every pass with a reminder or a digest
 * due (the digest is updated through its week) holds the event loop that long, and again after
 * the claim (sentOf runs twice when something is posted).
 *
 * The repro: repoPass as digest-decodes-records-stall.test.ts drives it (week 1's digest due),
 * the report issue holding 6,000 github-actions[bot] comments whose first line is the reminder's
 * marker and a block of 65,000 characters with a signature of the right shape; two secrets
 * (a deployment's WEBHOOK_SECRET and private key, as review 17's tests); the longest turn in
 * main-thread CPU (test/helpers/main-thread-cpu.ts).
 *
 * Measured (load 6.1-6.4): longest turn 2,510 and 2,530 ms of main-thread CPU, the digest
 * written all the same; control, the same 6,000 bodies without the marker line: 30 ms.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/attendance/schedule.js';
import type { NudgeGitHub } from '../../src/github/nudge-client.js';
import { repoPass } from '../../src/nudges/nudge-pass.js';
import { NUDGE_MARKER, nudgeRecordSeal } from '../../src/nudges/nudge-record.js';
import { weekTimes } from '../../src/nudges/plan.js';
import { memoryClaims } from '../../src/shared-state/claims.js';
import { verifyRecordSeal } from '../../src/verify/verify-record.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { STUDY } from '../helpers/verify-github.js';
import { realisticLedger, studyConfig } from '../nudges/realistic.js';

const SECRETS = ['attack18-webhook-secret', 'attack18-private-key'];
const FLOOD = 6_000;

describe('attack review 18: the reminders\' pass decodes the report issue\'s bot comments in one turn', () => {
  it.fails('HIGH: 6,000 github-actions[bot] comments on the report issue make the week\'s digest pass one turn of over a second of main-thread CPU', async () => {
    const config = studyConfig();
    const w1 = weekTimes(buildSchedule(config), config).find((t) => t.week === 1)!;
    const now = w1.digestFrom + 60_000;
    // one block, reused: what a workflow posts is the same text every time
    const block = randomBytes(48_600).toString('base64'); // 64,800 characters
    const body = `${NUDGE_MARKER}<!-- study-bot:nudge-record v1 ${block} sig=${'0'.repeat(64)} -->\nnot the bot`;
    expect(body.length).toBeLessThanOrEqual(65_536);
    const flood = Array.from({ length: FLOOD }, (_, i) => ({ id: 20_000 + i, body, userType: 'Bot', htmlUrl: null }));
    const reportComments: { id: number; body: string; userType: string }[] = [];
    const gh: NudgeGitHub = {
      label: `${STUDY.owner}/${STUDY.repo}`,
      reportIssue: async () => 7,
      comments: async () => [...reportComments.map((c) => ({ ...c, htmlUrl: null })), ...flood],
      async createComment(_issue, _marker, text) {
        const id = 100 + reportComments.length;
        reportComments.push({ id, body: text, userType: 'Bot' });
        return { id, htmlUrl: null };
      },
      async updateComment(id, text) {
        reportComments.find((c) => c.id === id)!.body = text;
      },
      notes: async () => ({ paths: [], files: [] }),
      recentComments: async () => [],
      checkRunConclusion: async () => 'success',
    };
    const { result, turn } = await longestTurn(() =>
      repoPass({
        gh, config, ledger: async () => realisticLedger(), defaultBranch: 'main', now: new Date(now),
        seal: nudgeRecordSeal(SECRETS, STUDY), verifySeal: verifyRecordSeal(SECRETS, STUDY),
        claims: memoryClaims({ now: () => new Date() }), mirrors: [], linkDigest: async () => {},
      }),
    );
    console.log(`digest pass over ${FLOOD} github-actions[bot] comments of ${body.length} characters: longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; digests ${JSON.stringify(result.digests)}`);
    // the digest was written all the same
    expect(result.digests.some((d) => d.week === 1)).toBe(true);
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 120_000);
});
