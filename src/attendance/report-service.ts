import { systemTimer, type AppDeps } from '../app/deps.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { gitCacheOf } from '../github/git-cache.js';
import { waitBeforeRetry } from '../github/rate-limit-wait.js';
import { reportClient } from '../github/report-client.js';
import type { CheckedFile } from '../check/check-result-block.js';
import { attendanceOptions } from './attendance-options.js';
import type { ConfigApproval } from '../config/approval.js';
import { decodeLedger, emptyLedger, mergeLedgers, type Ledger } from './ledger.js';
import { ledgerSeal } from './ledger-seal.js';
import { carryOver, refreshReport, ReportLedgerError, type CommentLocation, type RefreshItem } from './refresh-report.js';
import { RefreshQueue } from './refresh-queue.js';

/**
 * The report's in-process state for one app instance: a queue per repository (serialize
 * and coalesce refreshes), where each repository's comment was found last time, and the
 * body this process wrote last (a second copy of the record if someone tampers with it).
 */
export interface ReportService {
  /** Applies `items` in a refresh; resolves when a refresh that carried them has written the comment. */
  refresh(octokit: Octokit, repo: RepoRef, items: RefreshItem[]): Promise<void>;
  /**
   * Same, retried with a bounded backoff (`attendance.retryDelaysMs`) when GitHub fails;
   * rejects with the last error once the attempts are spent. An unreadable ledger is not
   * retried: waiting does not fix it.
   */
  refreshDurably(octokit: Octokit, repo: RepoRef, items: RefreshItem[]): Promise<void>;
  /** `refreshDurably` as background work: the webhook is answered first. */
  refreshLater(octokit: Octokit, repo: RepoRef, items: RefreshItem[]): void;
  /**
   * The approved config in the report's ledger (null: none yet, or no report). Read from the
   * comment, remembered for `APPROVAL_TTL_MS` and after every write of this process, so most
   * calls cost nothing; another replica's approval is seen within that time.
   */
  approval(octokit: Octokit, repo: RepoRef, hint?: TrailHint): Promise<ConfigApproval | null>;
  /**
   * The ledger as the report comment holds it now (null: no report yet). Throws
   * ReportLedgerError when the comment's ledger is unreadable, or when the study had a report
   * issue that cannot be read now (report-trail.ts).
   */
  ledger(octokit: Octokit, repo: RepoRef, hint?: TrailHint): Promise<Ledger | null>;
  /** the report issue this process last found or wrote (for the push check's trail line), or null */
  knownIssue(repo: RepoRef): number | null;
  /** forgets where the report was and what was approved (its issue was transferred away) */
  forget(repo: RepoRef): void;
}

/** Commits whose check runs may record the report issue (a push's `before` and `after`). */
export interface TrailHint {
  shas: readonly string[];
}

/** How long a read approval is trusted before the comment is read again (another replica may have approved). */
export const APPROVAL_TTL_MS = 60_000;

const services = new WeakMap<AppDeps, ReportService>();

/** The service of the app built with `deps` (one per `createApp`, so tests never share state). */
export function reportService(deps: AppDeps): ReportService {
  let service = services.get(deps);
  if (!service) {
    service = createReportService(deps);
    services.set(deps, service);
  }
  return service;
}

function createReportService(deps: AppDeps): ReportService {
  const options = attendanceOptions(deps);
  // The app's timer (tests can drive it), as for /verify's deadlines.
  const sleep = (ms: number) => new Promise<void>((resolve) => void (deps.timer ?? systemTimer).schedule(ms, resolve));
  const queue = new RefreshQueue<RefreshItem>();
  const locations = new Map<string, CommentLocation>();
  const written = new Map<string, { issueNumber: number; commentId: number; body: string }>();
  const approvals = new Map<string, { approval: ConfigApproval | null; readAt: number }>();
  const now = () => deps.clock.now().getTime();
  const refresh: ReportService['refresh'] = (octokit, repo, items) => {
    const key = `${repo.owner}/${repo.repo}`.toLowerCase();
    return queue.request(key, items, async (batch) => {
      const outcome = await refreshReport(reportClient(octokit, repo, gitCacheOf(deps)), batch, deps.clock.now(), locations.get(key) ?? null, {
        seal: ledgerSeal(options.ledgerSecrets, repo),
        lastWritten: written.get(key) ?? null,
      });
      locations.set(key, outcome.location);
      written.set(key, { ...outcome.location, body: outcome.body });
      approvals.set(key, { approval: outcome.ledger.config ?? null, readAt: now() });
    });
  };
  const refreshDurably: ReportService['refreshDurably'] = async (octokit, repo, items) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await refresh(octokit, repo, items);
      } catch (error) {
        const delay = options.retryDelaysMs[attempt];
        if (delay === undefined || error instanceof ReportLedgerError) throw error;
        // A rate limit says how long to wait (retry-after, the reset, a minute for a secondary one).
        await sleep(waitBeforeRetry(error, delay, now()));
      }
    }
  };
  const ledger: ReportService['ledger'] = async (octokit, repo, hint) => {
    const key = `${repo.owner}/${repo.repo}`.toLowerCase();
    const gh = reportClient(octokit, repo);
    const seal = ledgerSeal(options.ledgerSecrets, repo);
    const verifies = (body: string) => decodeLedger(body, seal).ok;
    const known = locations.get(key);
    let comment = known ? await gh.getComment(known.commentId) : null;
    let issueNumber: number | null | undefined = known?.issueNumber;
    if (!comment) {
      issueNumber = await gh.findIssue?.();
      comment = issueNumber ? await gh.findComment(issueNumber, verifies) : null;
      if (comment && issueNumber) locations.set(key, { issueNumber, commentId: comment.id });
    }
    const mine = written.get(key);
    if (!comment && !issueNumber && gh.traceIssue) {
      // No report issue listed. A study that had one (our check runs record its number) is not
      // a new study: the report was moved away (the nineteenth attack review). Its record is
      // read where it went; when it cannot be, nothing counts as approved and nothing may be
      // adopted "(first use)" (carryOver throws).
      const found = await carryOver(gh.label, await gh.traceIssue(hint?.shas ?? [], null), seal);
      if (found.kind === 'moved') {
        const own = mine && mine.issueNumber === found.moved.fromNumber ? decodeLedger(mine.body, seal) : null;
        return [...found.ledgers, ...(own?.ok ? [own.ledger] : [])].reduce(mergeLedgers, emptyLedger());
      }
      if (found.kind === 'here') {
        issueNumber = found.number;
        comment = await gh.findComment(issueNumber, verifies);
      }
    }
    if (!comment && issueNumber) {
      // The report issue is there and its comment is not: anyone with write access can delete
      // it (the eighteenth attack review: the push check then took the study for a new one and
      // adopted a member's pending config as approved). What this process wrote last still
      // holds the record; without it nothing counts as approved, and nothing may be adopted,
      // until the next refresh puts the comment back.
      const own = mine && mine.issueNumber === issueNumber ? decodeLedger(mine.body, seal) : null;
      if (own?.ok) return own.ledger;
      throw new ReportLedgerError(`${gh.label}: the report comment on issue #${issueNumber} is gone; the approved config cannot be read until it is restored`);
    }
    let decoded = comment ? decodeLedger(comment.body, seal) : null;
    if (decoded && !decoded.ok && mine && mine.commentId === comment?.id) decoded = decodeLedger(mine.body, seal);
    if (decoded && !decoded.ok) {
      // Someone broke the record (the next refresh restores it from a signed copy). Until then
      // nothing counts as approved, and nothing may be adopted as if the study were new.
      throw new ReportLedgerError(`${gh.label}: the report comment's ledger is unreadable (${decoded.reason}); the approved config cannot be read`);
    }
    return decoded?.ok ? decoded.ledger : null;
  };
  const approval: ReportService['approval'] = async (octokit, repo, hint) => {
    const key = `${repo.owner}/${repo.repo}`.toLowerCase();
    const cached = approvals.get(key);
    if (cached && now() - cached.readAt < APPROVAL_TTL_MS) return cached.approval;
    const found = (await ledger(octokit, repo, hint))?.config ?? null;
    approvals.set(key, { approval: found, readAt: now() });
    return found;
  };
  return {
    refresh,
    refreshDurably,
    refreshLater: (octokit, repo, items) => deps.background(() => refreshDurably(octokit, repo, items)),
    approval,
    ledger,
    knownIssue: (repo) => {
      const key = `${repo.owner}/${repo.repo}`.toLowerCase();
      return locations.get(key)?.issueNumber ?? written.get(key)?.issueNumber ?? null;
    },
    forget: (repo) => {
      const key = `${repo.owner}/${repo.repo}`.toLowerCase();
      locations.delete(key);
      approvals.delete(key);
    },
  };
}

/**
 * For the push check, when it wants to hand its verdicts over directly instead of (or as
 * well as) writing a `checkResultBlock` into its Check Run: records each file's status and
 * refreshes the report in the background. `completedAt` orders results: an older check
 * finishing late never overwrites a newer verdict.
 */
export function recordCheckResult(
  deps: AppDeps,
  octokit: Octokit,
  repo: RepoRef,
  result: { files: readonly CheckedFile[]; completedAt: Date },
): void {
  if (result.files.length === 0) return;
  reportService(deps).refreshLater(octokit, repo, [
    { kind: 'change', change: { kind: 'check', files: [...result.files], at: result.completedAt.getTime() } },
  ]);
}
