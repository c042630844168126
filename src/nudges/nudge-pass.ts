import { computeReport, type AttendanceReport } from '../attendance/compute-report.js';
import type { Ledger } from '../attendance/ledger.js';
import type { LedgerSeal } from '../attendance/ledger-seal.js';
import { buildSchedule, type Schedule } from '../attendance/schedule.js';
import { treeOf } from '../check/disk-repo.js';
import { checkFiles } from '../check/check-files.js';
import type { StudyConfig } from '../config/schema.js';
import type { NudgeGitHub } from '../github/nudge-client.js';
import { pathKey, studyPaths } from '../paths/study-paths.js';
import type { SharedClaims } from '../shared-state/claims.js';
import { recordedRequests } from '../verify/verify-history.js';
import { buildDigest, type VerifyOutcome } from './digest.js';
import type { Mirror } from './mirrors.js';
import { decodeNudgeRecord, DIGEST_MARKER, NUDGE_MARKER, sentOf, withRecord } from './nudge-record.js';
import { whoOwes, type NoteCheck } from './owed.js';
import { dueDigests, dueNudges, nextChange, weekTimes, type WeekTimes } from './plan.js';
import { renderDigest, renderNudge } from './render.js';
import { weekRequests } from './week-verify.js';
import { projectWorkOf, type ProjectWork } from './week-work.js';

/**
 * One pass over one repository: send the week's reminder if it is due and was never sent,
 * make or update the digest of each open week. What was sent is read back from the bot's own
 * signed comments on the report issue first, and a claim (Redis with two replicas) is taken
 * before anything is posted, so a restart, a redelivery or a second replica never sends twice.
 */
export interface RepoPassInput {
  gh: NudgeGitHub;
  /** the config in effect (the approved one) */
  config: StudyConfig;
  /** reads the report's ledger (only when something is due); null: no report yet, so nothing to remind of */
  ledger(): Promise<Ledger | null>;
  defaultBranch: string;
  now: Date;
  /** signs and verifies the reminders' and digests' records */
  seal: LedgerSeal | null;
  /** verifies `/verify` records (the digest lists the week's requests) */
  verifySeal: LedgerSeal | null;
  claims: SharedClaims;
  mirrors: readonly Mirror[];
  /** records the digest's comment in the report's ledger, so the report links to it */
  linkDigest(week: number, commentId: number): Promise<void>;
  /** checks of notes by blob content, kept across passes (a note that did not change is not checked again) */
  checked?: Map<string, NoteCheck>;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface RepoPassResult {
  nudged: { week: number; logins: string[]; commentId: number }[];
  digests: { week: number; action: 'created' | 'updated' | 'final'; commentId: number }[];
  /** when this repository next needs a pass (ms), null: never again for this schedule */
  next: number | null;
}

/** A claim outlives the slowest post; after it, the records on GitHub say what was sent. */
const CLAIM_SECONDS = 600;

export async function repoPass(input: RepoPassInput): Promise<RepoPassResult> {
  const { gh, config, now } = input;
  const result: RepoPassResult = { nudged: [], digests: [], next: null };
  if (!config.nudges.enabled) return result;
  const schedule = buildSchedule(config);
  const times = weekTimes(schedule, config);
  result.next = nextChange(times, now.getTime());
  const nudgeWeeks = dueNudges(times, config, now.getTime());
  const digestWeeks = dueDigests(times, config, now.getTime());
  if (nudgeWeeks.length === 0 && digestWeeks.length === 0) return result;
  const ledger = await input.ledger();
  if (!ledger) return result;
  const issue = await gh.reportIssue();
  if (!issue) return result;
  // Only this app's comments hold its records (and comments that name no app): a workflow's
  // github-actions[bot] comments are never read. Once per pass: the credentials say it.
  const appId = await gh.appId();
  let sent = await sentOf(await gh.comments(issue), input.seal, appId);
  // Closed digests are final already, or were never made (the app came later): nothing to do.
  const isFinal = (week: number) => {
    const r = sent.digests.get(week)?.record;
    return r?.kind === 'digest' && r.final;
  };
  const openDigests = digestWeeks.filter((d) => !isFinal(d.week) && !(d.final && !sent.digests.has(d.week)));
  const openNudges = nudgeWeeks.filter((w) => !sent.nudges.has(w));
  if (openNudges.length === 0 && openDigests.length === 0) return result;

  const report = computeReport({ config, schedule, ledger, now });
  const notes = await checkNotes(input, report, [...new Set([...openNudges, ...openDigests.map((d) => d.week)])]);
  const key = `${gh.label}`.toLowerCase();

  for (const week of openNudges) {
    const t = times.find((x) => x.week === week)!;
    const optedOut = new Set(Object.entries(ledger.nudgePrefs ?? {}).filter(([, p]) => p.off).map(([login]) => login));
    const project = await projectOf(config, schedule, week);
    const owing = whoOwes({ config, report, week, optedOut, notes, project });
    if (owing.length === 0) continue; // everyone is done: no comment at all
    if (!(await input.claims.claim(`nudge:${key}:${week}`, CLAIM_SECONDS))) continue;
    // Won the claim: read again, another replica may have sent it before its claim ran out.
    sent = await sentOf(await gh.comments(issue), input.seal, appId);
    if (sent.nudges.has(week)) continue;
    const visible = renderNudge(owing, {
      lang: config.language,
      timeZone: schedule.timeZone,
      week,
      dueAt: new Date(t.dueAt).toISOString(),
      hoursBefore: Math.max(1, Math.round((t.dueAt - now.getTime()) / 3_600_000)),
      nextOffline: schedule.weeks.find((w) => w.week === week + 1)?.mode === 'offline',
    });
    const body = withRecord(visible, { kind: 'nudge', week, logins: owing.map((o) => o.login.toLowerCase()) }, input.seal);
    const { id } = await gh.createComment(issue, NUDGE_MARKER, body);
    const record = decodeNudgeRecord(body, input.seal);
    result.nudged.push({ week, logins: record?.kind === 'nudge' ? record.logins : [], commentId: id });
    input.log?.info({ repo: gh.label, week, members: owing.length }, 'nudges: reminder sent');
  }

  for (const { week, final } of openDigests) {
    const t = times.find((x) => x.week === week)!;
    const verify = await verifyOutcomes(input, appId, week, t, report);
    const digest = buildDigest({ report, week, notes, verify: verify.listed, verifyTotal: verify.total });
    const sessionWeek = schedule.weeks.find((w) => w.week === week)!;
    const visible = renderDigest(digest, {
      lang: config.language,
      timeZone: schedule.timeZone,
      session: sessionWeek.session.toISOString(),
      dueAt: new Date(t.dueAt).toISOString(),
      final,
      now,
    });
    const existing = sent.digests.get(week);
    if (existing && existing.record.kind === 'digest') {
      // The week's whole picture goes to the mirrors once, with the final edit. Which mirrors
      // got it is written into the record before sending: at most once each, across restarts.
      const toMirror = final && existing.record.mirrored.length === 0 && input.mirrors.length > 0 && (await input.claims.claim(`digest-mirror:${key}:${week}`, CLAIM_SECONDS)) ? input.mirrors : [];
      const mirrored = [...existing.record.mirrored, ...toMirror.map((m) => m.kind)];
      const body = withRecord(visible, { kind: 'digest', week, final, mirrored }, input.seal);
      if (body !== existing.body) await gh.updateComment(existing.id, body);
      if (body !== existing.body || final) result.digests.push({ week, action: final ? 'final' : 'updated', commentId: existing.id });
      // Not awaited: a slow or broken chat server never holds up the work on GitHub.
      void Promise.all(toMirror.map((m) => m.send(visible, existing.htmlUrl ?? null).catch((error: unknown) => input.log?.warn({ err: error, repo: gh.label, week, mirror: m.kind }, 'nudges: the digest did not reach the mirror'))));
      continue;
    }
    if (!(await input.claims.claim(`digest:${key}:${week}`, CLAIM_SECONDS))) continue;
    sent = await sentOf(await gh.comments(issue), input.seal, appId);
    if (sent.digests.has(week)) continue;
    const { id } = await gh.createComment(issue, DIGEST_MARKER, withRecord(visible, { kind: 'digest', week, final, mirrored: [] }, input.seal));
    result.digests.push({ week, action: 'created', commentId: id });
    await input.linkDigest(week, id).catch((error: unknown) => input.log?.warn({ err: error, repo: gh.label, week }, 'nudges: the report could not link the digest yet'));
  }
  return result;
}

/**
 * The week's notes on the default branch, checked with the rubric the push check uses (in the
 * worker pool: a note never blocks the event loop). A note already checked with the same bytes
 * is not checked again.
 */
async function checkNotes(input: RepoPassInput, report: AttendanceReport, weeks: number[]): Promise<Map<string, NoteCheck>> {
  const wanted = report.members.flatMap((m) => weeks.map((w) => m.weeks[String(w)]?.submission?.path).filter((p): p is string => !!p));
  const notes = new Map<string, NoteCheck>();
  if (wanted.length === 0) return notes;
  let read;
  try {
    read = await input.gh.notes(input.defaultBranch, wanted);
  } catch (error) {
    // The report's last verdicts stand in (a ❌ is still named, without its items).
    input.log?.warn({ err: error, repo: input.gh.label }, 'nudges: could not read the notes; using the report’s verdicts');
    return notes;
  }
  const cache = input.checked ?? new Map<string, NoteCheck>();
  const fresh = read.files.filter((f) => !cache.has(cacheKey(f.path, f.content)));
  if (fresh.length > 0) {
    const reports = await checkFiles({ files: fresh, tree: treeOf(read.paths), config: input.config });
    for (const [i, r] of reports.entries()) {
      if (r.status) cache.set(cacheKey(fresh[i].path, fresh[i].content), { path: r.path, status: r.status, findings: r.findings });
    }
  }
  for (const f of read.files) {
    const check = cache.get(cacheKey(f.path, f.content));
    // keyed as the ledger keys notes (the name a path reads as: paths/name-key.ts)
    if (check) notes.set(pathKey(f.path), check);
  }
  // Bounded: notes of the weeks in play, a few hundred at most.
  while (cache.size > 2_000) cache.delete(cache.keys().next().value as string);
  return notes;
}

const cacheKey = (path: string, content: Uint8Array): string => `${path.normalize('NFC')}\0${Buffer.from(content).toString('base64')}`;

async function projectOf(config: StudyConfig, schedule: Schedule, week: number): Promise<Map<string, ProjectWork>> {
  const w = schedule.weeks.find((x) => x.week === week)!;
  const next = schedule.weeks.find((x) => x.week === week + 1);
  const out = new Map<string, ProjectWork>();
  for (const member of config.members) {
    out.set(member.login.toLowerCase(), await projectWorkOf({ member, week, from: w.session.getTime(), until: (next?.session ?? w.deadline).getTime() }));
  }
  return out;
}

/**
 * The week's `/verify` requests on its notes, from the bot's signed records, with their Check
 * Run's conclusion: a fair few of them (week-verify.ts) and how many there were in all.
 */
async function verifyOutcomes(input: RepoPassInput, appId: number | null, week: number, t: WeekTimes, report: AttendanceReport): Promise<{ listed: VerifyOutcome[]; total: number }> {
  try {
    const since = t.digestFrom - 8 * 24 * 3_600_000;
    // this app's records only, as /verify reads them (a workflow's comments are not read)
    const records = await recordedRequests(await input.gh.recentComments(since), input.verifySeal, appId);
    const notePaths = new Set(report.members.flatMap((m) => { const p = m.weeks[String(week)]?.submission?.path; return p ? [pathKey(p)] : []; }));
    const paths = studyPaths(input.config);
    const isWeekNote = (path: string): boolean => {
      if (notePaths.has(pathKey(path))) return true;
      const where = paths.classify(path);
      return where.kind === 'submission' && where.week === week;
    };
    // the week's notes first, then a few per member: no one's requests crowd the others out
    const { listed, total } = await weekRequests(records, isWeekNote);
    const outcomes: VerifyOutcome[] = [];
    for (const r of listed) {
      const outcome = r.state === 'pending' ? 'pending' : ((await input.gh.checkRunConclusion(r.job!.checkRunId)) ?? 'neutral');
      outcomes.push({ requester: r.requester, path: r.job!.path, outcome });
    }
    return { listed: outcomes, total };
  } catch (error) {
    input.log?.warn({ err: error, repo: input.gh.label }, 'nudges: could not read the week’s /verify records');
    return { listed: [], total: 0 };
  }
}
