import type { AppDeps } from '../app/deps.js';
import { commandsOfComment } from '../commands/dispatch.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import { configStanding } from '../config/config-standing.js';
import type { StudyConfig } from '../config/schema.js';
import { memberByLogin } from '../paths/study-paths.js';
import { turnKeeper } from '../worker/turns.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { originalBodies } from '../github/original-bodies.js';
import { reactToComment, type Reaction } from '../github/reactions.js';
import { recentComments, type RecentComment } from '../github/recent-comments.js';
import { decideCheckIn } from './check-in.js';
import { emptyLedger, markKey, markWins, type AttendanceMark, type Ledger } from './ledger.js';
import { configInEffect } from './record-command.js';
import { reportService } from './report-service.js';
import { buildSchedule, openWindowAt } from './schedule.js';

/**
 * A `/출석` comment is its own record: GitHub keeps it, with the time it was made, whatever
 * happens to the bot. A check-in whose ledger write never happened (every retry failed, or the
 * process died between the reaction-less answer and the write) is found again here: each
 * check-in command of the recent comments, decided exactly as the handler decides it (the
 * comment's own time, the config in effect, the dispatcher's rules for which commands run),
 * that the ledger does not already hold. Applying it is idempotent (the same mark twice is
 * one mark; an organizer's word and a later check-in still win).
 */
export const CHECK_IN_NAMES: readonly string[] = ['출석', 'attend'];

export interface MissedCheckIn {
  comment: RecentComment;
  mark: AttendanceMark;
  reaction: Reaction;
}

/**
 * Check-in commands among `comments`, in the order the dispatcher would have run them. Only
 * comments as they were written: the dispatcher runs commands of new comments, never of edits,
 * and anyone with write access can edit anyone's comment, keeping its author and time; read
 * as it is now, a member's chatter from the session edited into `/출석` the next day checked
 * its author in at the next start (the second attack review's High). An edited comment is
 * read as first written when GitHub's history proves that version (`firstVersions`, comment
 * id → body): skipped outright, one member's edit of another's genuine `/출석` erased that
 * check-in (the ninth review's Medium).
 */
export function checkInCommands(
  comments: readonly RecentComment[],
  isKnown: (c: SlashCommand) => boolean,
  firstVersions: ReadonlyMap<number, string> = new Map(),
): { comment: RecentComment; command: SlashCommand }[] {
  const found: { comment: RecentComment; command: SlashCommand }[] = [];
  for (const comment of comments) {
    const body = comment.updatedAt > comment.createdAt ? firstVersions.get(comment.id) : comment.body;
    if (body === undefined) continue;
    const read = commandsOfComment({ login: comment.login, type: comment.userType, body, association: comment.association }, isKnown);
    for (const command of read?.run ?? []) if (CHECK_IN_NAMES.includes(command.name)) found.push({ comment, command });
  }
  return found;
}

/**
 * `checkInCommands` over many comments, letting go of the event loop every 20 ms: anyone can
 * comment, each comment up to 65,536 characters, and 1,000 of them read in one loop held every
 * webhook 6.3-6.5 s at a start (the fifteenth attack review's High). Same result, in order.
 */
export async function checkInCommandsInTurns(
  comments: readonly RecentComment[],
  isKnown: (c: SlashCommand) => boolean,
  firstVersions: ReadonlyMap<number, string> = new Map(),
): Promise<{ comment: RecentComment; command: SlashCommand }[]> {
  const found: { comment: RecentComment; command: SlashCommand }[] = [];
  const pause = turnKeeper();
  for (const comment of comments) {
    found.push(...checkInCommands([comment], isKnown, firstVersions));
    await pause();
  }
  return found;
}

/** Edited comments of one author whose first version a pass asks GitHub for. */
export const LOOKUPS_PER_AUTHOR = 20;

/**
 * Pure: the edited comments worth asking GitHub's history about, those that could have been a
 * check-in: by a roster member, made while a check-in window was open; at most
 * LOOKUPS_PER_AUTHOR of each author's (their latest). A pass asks for at most 300, and in the
 * listing's order one member's 300 edited comments used them all up before another member's
 * edited `/출석` (the fifteenth attack review's Medium).
 */
export function worthLookingUp(comments: readonly RecentComment[], config: StudyConfig): RecentComment[] {
  const schedule = buildSchedule(config);
  const byAuthor = new Map<string, RecentComment[]>();
  for (const c of comments) {
    if (c.updatedAt <= c.createdAt || !memberByLogin(c.login, config) || !openWindowAt(schedule, new Date(c.createdAt))) continue;
    const login = c.login.toLowerCase();
    const mine = byAuthor.get(login) ?? byAuthor.set(login, []).get(login)!;
    mine.push(c);
  }
  return [...byAuthor.values()].flatMap((mine) => mine.sort((a, b) => b.createdAt - a.createdAt).slice(0, LOOKUPS_PER_AUTHOR));
}

/** Pure: which of the check-ins the ledger is missing. */
export function missedCheckIns(candidates: readonly { comment: RecentComment; command: SlashCommand }[], config: StudyConfig, ledger: Ledger): MissedCheckIn[] {
  const schedule = buildSchedule(config);
  const missed: MissedCheckIn[] = [];
  const seen = new Map(Object.entries(ledger.marks));
  for (const { comment, command } of candidates) {
    const decision = decideCheckIn({ config, schedule, lang: config.language, login: comment.login, at: new Date(comment.createdAt), args: command.args });
    if (!decision.ok) continue;
    const key = markKey(decision.mark.week, decision.mark.login);
    if (!markWins(decision.mark, seen.get(key))) continue;
    seen.set(key, decision.mark);
    missed.push({ comment, mark: decision.mark, reaction: decision.mark.state === 'online' ? 'rocket' : '+1' });
  }
  return missed;
}

/**
 * The recovery pass's work for one repository: check-ins made since `since` that the ledger
 * lacks are recorded in one refresh and acknowledged with their reaction. Costs the comment
 * listings; the config and the ledger are read only when a check-in command is there at all.
 */
export async function reconcileCheckIns(deps: AppDeps, octokit: Octokit, repo: RepoRef, since: number, isKnown: (c: SlashCommand) => boolean): Promise<MissedCheckIn[]> {
  const { comments } = await recentComments(octokit, repo, since);
  // The config is read only when a comment could hold a check-in: one as written, or an edited one.
  const configNow = async () => {
    const standing = await configStanding(deps, octokit, repo);
    return configInEffect(standing.config, standing, octokit, repo);
  };
  let config: StudyConfig | null = null;
  let firstVersions = new Map<number, string>();
  if (comments.some((c) => c.updatedAt > c.createdAt)) {
    config = await configNow();
    firstVersions = await originalBodies(octokit, worthLookingUp(comments, config));
  }
  const candidates = await checkInCommandsInTurns(comments, isKnown, firstVersions);
  if (candidates.length === 0) return [];
  config ??= await configNow();
  const ledger = (await reportService(deps).ledger(octokit, repo)) ?? emptyLedger();
  const missed = missedCheckIns(candidates, config, ledger);
  if (missed.length === 0) return [];
  await reportService(deps).refreshDurably(octokit, repo, missed.map(({ mark }) => ({ kind: 'change', change: { kind: 'mark', mark } })));
  // Recorded all the same when a reaction fails: the report comment shows it.
  for (const m of missed) await reactToComment(octokit, repo, m.comment, m.reaction).catch(() => undefined);
  return missed;
}
