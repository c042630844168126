/**
 * The attendance report's cost: GitHub requests per refresh (the figure the issue asks for,
 * 20 members and 8 weeks), that it does not grow with the number of pushes, the comment's
 * size, and the time of one refresh's pure part.
 */
import { performance } from 'node:perf_hooks';
import { applyChanges, emptyLedger, encodeLedger, type Ledger, type LedgerChange } from '../src/attendance/ledger.js';
import { refreshReport, type CommentLocation, type RefreshItem, type ReportGitHub } from '../src/attendance/refresh-report.js';
import { RefreshQueue } from '../src/attendance/refresh-queue.js';
import { REPORT_MARKER } from '../src/attendance/render-report.js';
import { parseConfig } from '../src/config/load-config.js';
import type { StudyConfig } from '../src/config/schema.js';
import { byteLength } from '../src/github/text-limits.js';

function study(members: number): { config: StudyConfig; ledger: Ledger; paths: string[] } {
  const yml = ['members:', ...Array.from({ length: members }, (_, i) => `  - { login: member-${i}, name: 멤버${i} }`)].join('\n');
  const parsed = parseConfig(yml);
  if (!parsed.ok) throw new Error('bench config');
  const changes: LedgerChange[] = [];
  const paths: string[] = [];
  const t0 = Date.parse('2025-09-05T10:00:00+09:00');
  for (let i = 0; i < members; i++) {
    for (let week = 1; week <= 8; week++) {
      const path = `study/week${week}/멤버${i}.md`;
      paths.push(path);
      changes.push({ kind: 'tree', files: [{ path, week, owner: `멤버${i}` }], renames: [], seenAt: t0 + week * 604_800_000 + i * 60_000, complete: false });
      changes.push({ kind: 'check', files: [{ path, status: 'pass' }], at: t0 + week * 604_800_000 + i * 60_000 + 30_000 });
      changes.push({ kind: 'mark', mark: { week, login: `member-${i}`, state: 'present', by: `member-${i}`, at: t0 + week * 604_800_000, source: 'check-in' } });
    }
  }
  return { config: parsed.config, ledger: applyChanges(emptyLedger(), changes), paths };
}

/** A GitHub that counts requests: one per call, one per page of comments. */
function countingGitHub(config: StudyConfig, ledger: Ledger, paths: string[], otherComments: number) {
  let body = `${REPORT_MARKER}\n\n${encodeLedger(ledger)}`;
  const counts = { requests: 0 };
  const gh: ReportGitHub = {
    label: 'bench/study',
    readConfig: async () => (counts.requests++, config),
    treePaths: async () => (counts.requests++, paths),
    findOrCreateIssue: async () => (counts.requests++, { number: 1, createdAt: 0, created: false }),
    findComment: async () => {
      // the marker comment sits after `otherComments` comments, 100 per page
      counts.requests += Math.floor(otherComments / 100) + 1;
      return { id: 1, body };
    },
    getComment: async () => (counts.requests++, { id: 1, body }),
    createComment: async () => (counts.requests++, { id: 1 }),
    updateComment: async (_id, next) => {
      counts.requests++;
      body = next;
    },
    pointIssueAt: async () => void counts.requests++,
  };
  return { gh, counts, body: () => body };
}

const push = (n: number): RefreshItem => ({
  kind: 'push',
  push: { after: `sha${n}`, pushedAt: Date.parse('2025-10-20T10:00:00Z') + n * 1000, commits: [{ added: [`study/week7/멤버${n % 20}.md`] }] },
});

export async function bench() {
  const now = new Date('2025-10-20T12:00:00+09:00');
  const { config, ledger, paths } = study(20);
  const figures: Record<string, number | string> = {};

  const cold = countingGitHub(config, ledger, paths, 0);
  const first = await refreshReport(cold.gh, [push(0)], now, null);
  figures['requests, first refresh after a push (20 members, 8 weeks)'] = cold.counts.requests;

  const warm = countingGitHub(config, ledger, paths, 0);
  await refreshReport(warm.gh, [push(1)], now, first.location);
  figures['requests, later refresh after a push (comment id cached)'] = warm.counts.requests;

  const checkIn = countingGitHub(config, ledger, paths, 0);
  await refreshReport(checkIn.gh, [{ kind: 'change', change: { kind: 'mark', mark: { week: 7, login: 'member-1', state: 'present', by: 'member-1', at: now.getTime(), source: 'check-in' } } }], now, first.location);
  figures['requests, later refresh after a check-in'] = checkIn.counts.requests;

  const busy = countingGitHub(config, ledger, paths, 250);
  const queue = new RefreshQueue<RefreshItem>();
  let runs = 0;
  let location: CommentLocation | null = null;
  const runner = async (items: RefreshItem[]) => {
    runs++;
    location = (await refreshReport(busy.gh, items, now, location)).location;
  };
  await Promise.all(Array.from({ length: 50 }, (_, i) => queue.request('bench/study', [push(i)], runner)));
  figures['50 pushes at once on an issue with 250 other comments: refresh runs'] = runs;
  figures['50 pushes at once on an issue with 250 other comments: requests'] = busy.counts.requests;

  figures['comment bytes, 20 members'] = byteLength(cold.body());
  const big = study(40);
  const bigGh = countingGitHub(big.config, big.ledger, big.paths, 0);
  await refreshReport(bigGh.gh, [{ kind: 'refresh' }], now, null);
  figures['comment bytes, 40 members (limit 65535)'] = byteLength(bigGh.body());

  const rounds = 200;
  const t = performance.now();
  for (let i = 0; i < rounds; i++) await refreshReport(countingGitHub(config, ledger, paths, 0).gh, [push(i)], now, first.location);
  figures['refresh compute, ms (20 members, decode + apply + render + encode)'] = Number(((performance.now() - t) / rounds).toFixed(2));

  return [{ name: 'attendance report', figures }];
}
