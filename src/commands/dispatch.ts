import type { Context, Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { Language, StudyConfig } from '../config/schema.js';
import { postCommentOnce } from '../github/marker-comment.js';
import { reactToComment, type Reaction } from '../github/reactions.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import type { ConfigStanding } from '../config/approval.js';
import { configStanding as standingOf } from '../config/config-standing.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { mayHaveCommand, parseCommands, type SlashCommand } from './parse-commands.js';
import { MemberBudget } from './member-budget.js';
import { OutsiderBudget } from './outsider-budget.js';
import { quoteCommand } from './quote-command.js';
import { shownName } from '../text/shown-text.js';

export type { Reaction } from '../github/reactions.js';

/** Everything a command handler needs, independent of whether it came from an issue or a commit. */
export interface CommandContext {
  octokit: Octokit;
  repo: RepoRef;
  /** where the command was written */
  source: { kind: 'issue'; issueNumber: number } | { kind: 'commit'; sha: string };
  commentId: number;
  commentUrl: string;
  author: { login: string; type: string };
  /** when the comment was created (check-in windows use this, not the delivery time) */
  createdAt: Date;
  config: StudyConfig;
  /** where the config stands: approved, or a member's change awaiting an organizer */
  configStanding?: ConfigStanding;
  lang: Language;
  deps: AppDeps;
  log: Context['log'];
  react(content: Reaction): Promise<void>;
  /**
   * A part of the one reply to this comment, on the same issue or commit. The parts are
   * gathered while the comment's commands run and written once after them (one POST); a part
   * added after that (a record that failed in the background) is appended with an edit.
   */
  reply(body: string): Promise<void>;
  /**
   * A comment of its own, written now; returns its id. For a comment the bot later replaces
   * whole (`/verify`'s ⏳, which its result overwrites): shared with the reply, the result
   * would erase the other commands' answers, or an appended answer the result.
   */
  post(body: string): Promise<number>;
}

export interface CommandHandler {
  /** lower-cased names without the slash, aliases included */
  names: string[];
  /** one line of usage for the "unknown command" reply */
  usage: Bilingual;
  handle(ctx: CommandContext, command: SlashCommand): Promise<void>;
}

type CommentEvent = Context<'issue_comment.created'> | Context<'commit_comment.created'>;

/** Commands run from one comment; the rest are named in the one reply, not run. */
export const MAX_COMMANDS_PER_COMMENT = 5;
/** Someone without a say in the repository gets one command run, and never the list of commands. */
export const MAX_OUTSIDER_COMMANDS = 1;
/** Lines read as commands at most: enough to name what was skipped, bounded whatever the comment. */
const MAX_COMMAND_LINES = 100;

/**
 * GitHub's `author_association` of people with a say in the repository (its owner, members of
 * its organization, collaborators: everyone who can push). It comes with the signed payload,
 * so knowing it costs nothing, and it decides how much of a comment is worth any work.
 * Each handler still checks what it needs (the roster, an organizer's permission).
 */
const INSIDERS: ReadonlySet<string> = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/**
 * One listener for comment commands. Only `created` counts (an edit could rewrite history),
 * bots are ignored (the app's own comments included), and commands inside code or quotes
 * never reach a handler (parseCommands drops them). In order of cost: a comment with no line
 * that could start a command is dropped before anything else; the commands are read in one
 * linear pass; the commenter's standing comes from the payload; only then is the config read
 * (a request) and handlers run, at most `MAX_COMMANDS_PER_COMMENT` (one for an outsider), and
 * everything the bot has to say about one comment goes into one reply, written once. Outsiders
 * get a few answered comments an hour (outsider-budget.ts), members a few a minute
 * (member-budget.ts): a flood of comments cannot spend the writes everyone else needs.
 */
export function registerCommandDispatch(app: Probot, deps: AppDeps, registry: readonly CommandHandler[]): void {
  const handlerOf = (command: SlashCommand) => registry.find((h) => h.names.includes(command.name));
  const outsiders = new OutsiderBudget(() => deps.clock.now().getTime());
  const members = new MemberBudget(() => deps.clock.now().getTime());
  const onComment = async (context: CommentEvent) => {
    const { comment } = context.payload;
    const read = commandsOfComment({ login: comment.user?.login ?? null, type: comment.user?.type, body: comment.body, association: comment.author_association }, (c) => handlerOf(c) !== undefined);
    if (!read || !comment.user) return;
    const { commands, insider, run, notRun, unknown } = read;
    const repo = { owner: context.payload.repository.owner.login, repo: context.payload.repository.name };
    const source: CommandContext['source'] =
      'issue' in context.payload
        ? { kind: 'issue', issueNumber: context.payload.issue.number }
        : { kind: 'commit', sha: context.payload.comment.commit_id };
    const react = (content: Reaction) => reactToComment(context.octokit, repo, { kind: source.kind, id: comment.id }, content);
    if (!insider && !outsiders.take(`${repo.owner}/${repo.repo}`, comment.user.login)) {
      context.log.info({ login: comment.user.login, commands: commands.length }, 'commands: an outsider past the hourly budget, not answered');
      return;
    }
    const verdict = insider ? members.take(`${repo.owner}/${repo.repo}`, comment.user.login) : 'answer';
    if (verdict !== 'answer') {
      context.log.info({ login: comment.user.login, commands: commands.length, verdict }, 'commands: a member past the budget of answered comments');
      if (verdict === 'notice') {
        await postCommentOnce(context.octokit, repo, source, OVER_BUDGET_NOTICE).catch((error: unknown) => context.log.warn({ err: error }, 'commands: could not post the budget notice'));
      }
      return;
    }
    if (run.length === 0 && !insider) {
      // An outsider's unknown commands: one reaction, no reply, no config read.
      context.log.info({ login: comment.user.login, commands: commands.length }, 'commands: unknown commands from outside the repository, not answered');
      await react('confused').catch((error: unknown) => context.log.warn({ err: error }, 'commands: could not react'));
      return;
    }
    // The approved config (a member's unapproved edit is not in effect), with what the file proposes.
    const configStanding = await standingOf(deps, context.octokit, repo);
    const config = configStanding.config;
    const lang = config.language;
    const reply = new GatheredReply(context.octokit, repo, source);
    const ctx: CommandContext = {
      octokit: context.octokit,
      repo,
      source,
      commentId: comment.id,
      commentUrl: comment.html_url ?? '',
      author: { login: comment.user.login, type: comment.user.type ?? 'User' },
      createdAt: new Date(comment.created_at),
      config,
      configStanding,
      lang,
      deps,
      log: context.log,
      react,
      reply: (body) => reply.add(body),
      post: (body) => postCommentOnce(context.octokit, repo, source, body),
    };
    try {
      let failure: { error: unknown } | null = null;
      try {
        for (const command of run) await handlerOf(command)!.handle(ctx, command);
        if (insider && unknown.length > 0) await ctx.reply(unknownCommandReply(unknown, registry, lang));
        if (insider && notRun.length > 0) await ctx.reply(notRunReply(notRun, run.length, lang));
      } catch (error) {
        failure = { error };
      }
      // What was said before a handler failed is still written, and the failure still thrown.
      const written = reply.flush();
      if (failure) {
        await written.catch((error: unknown) => context.log.warn({ err: error }, 'commands: could not write the reply'));
        throw failure.error;
      }
      await written;
    } catch (error) {
      // In a pull request's conversation GitHub answers 403 "Resource not accessible by
      // integration" to an installation without `pull_requests`: the member cannot be told
      // (the reply is what is refused), so the log says what to grant.
      const onPullRequest = 'issue' in context.payload && Boolean((context.payload.issue as { pull_request?: unknown }).pull_request);
      if (onPullRequest && (error as { status?: number }).status === 403) {
        context.log.warn(
          { err: error, repo: `${repo.owner}/${repo.repo}`, issue: source.kind === 'issue' ? source.issueNumber : null },
          'commands: GitHub refused an answer in a pull request conversation: the installation needs the pull_requests: write permission (app.yml; accept it in the installation settings)',
        );
      }
      throw error;
    }
  };
  app.on('issue_comment.created', onComment);
  app.on('commit_comment.created', onComment);
}

/** What the dispatcher runs of one comment (and what it only names); null: nothing to do. */
export interface CommentCommands {
  commands: SlashCommand[];
  insider: boolean;
  run: SlashCommand[];
  notRun: SlashCommand[];
  unknown: SlashCommand[];
}

/**
 * The commands of a comment and which of them run, in order of cost: bots (the app's own
 * comments included) and comments with no line that could start a command cost nothing; the
 * commands are read in one linear pass; at most `MAX_COMMANDS_PER_COMMENT` run (one for an
 * outsider). Pure: the recovery pass reads old comments with it exactly as the webhook did.
 */
export function commandsOfComment(
  comment: { login: string | null; type?: string; body: string; association?: string | null },
  isKnown: (command: SlashCommand) => boolean,
): CommentCommands | null {
  if (!comment.login || comment.type === 'Bot' || comment.login.endsWith('[bot]')) return null;
  if (!mayHaveCommand(comment.body)) return null;
  const commands = distinct(parseCommands(comment.body, MAX_COMMAND_LINES));
  if (commands.length === 0) return null;
  const insider = INSIDERS.has(comment.association ?? '');
  const known = commands.filter(isKnown);
  const run = known.slice(0, insider ? MAX_COMMANDS_PER_COMMENT : MAX_OUTSIDER_COMMANDS);
  return { commands, insider, run, notRun: known.slice(run.length), unknown: commands.filter((c) => !isKnown(c)) };
}

/** The same command written twice in one comment is one command. */
function distinct(commands: SlashCommand[]): SlashCommand[] {
  const seen = new Set<string>();
  return commands.filter((c) => {
    const key = [c.name, ...c.args].join('\0');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Said once to a member past the budget of answered comments (member-budget.ts); nothing after it. */
export const OVER_BUDGET_NOTICE = [
  '⏸️ 짧은 시간에 명령 댓글이 너무 많아 잠시 답하지 않습니다. 몇 분 뒤에 다시 남겨 주세요 (이 안내는 한 번만 합니다).',
  '',
  '⏸️ Too many command comments in a short time: I am not answering them for a while. Comment again in a few minutes (this notice is given once).',
].join('\n');

const PART_SEPARATOR = '\n\n---\n\n';

/**
 * The one reply to a comment: the parts its commands add are gathered and written with one
 * POST after they ran (an edit per part re-sent the whole growing reply: seven writes for one
 * comment). A part added after that (from the background) is appended with one edit. Writes
 * are chained, so two never race and the reply is created once.
 */
class GatheredReply {
  private parts: string[] = [];
  private flushed = false;
  private sent: { id: number; body: string } | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly source: CommandContext['source'],
  ) {}

  add(body: string): Promise<void> {
    if (!this.flushed) {
      this.parts.push(body);
      return Promise.resolve();
    }
    return this.chain([body]);
  }

  flush(): Promise<void> {
    this.flushed = true;
    const parts = this.parts.splice(0);
    return parts.length > 0 ? this.chain(parts) : Promise.resolve();
  }

  private chain(parts: string[]): Promise<void> {
    const result = this.queue.then(() => this.write(parts.join(PART_SEPARATOR)));
    this.queue = result.catch(() => {});
    return result;
  }

  private async write(body: string): Promise<void> {
    const { octokit, repo, source } = this;
    if (this.sent) {
      const next = { id: this.sent.id, body: `${this.sent.body}${PART_SEPARATOR}${body}` };
      if (source.kind === 'issue') await octokit.rest.issues.updateComment({ ...repo, comment_id: next.id, body: next.body });
      else await octokit.rest.repos.updateCommitComment({ ...repo, comment_id: next.id, body: next.body });
      this.sent = next;
      return;
    }
    // Posted at most once even when GitHub fails the request after storing the comment.
    this.sent = { id: await postCommentOnce(octokit, repo, source, body), body };
  }
}

export function unknownCommandReply(commands: readonly SlashCommand[], registry: readonly CommandHandler[], lang: Language): string {
  const list = registry.map((h) => `- \`/${h.names[0]}\` — ${pick(lang, h.usage)}`).join('\n');
  const shown = commands.slice(0, MAX_COMMANDS_PER_COMMENT);
  const names = shown.map((c) => shownName(`/${c.name}`, { max: 80 })).join(', ') + (commands.length > shown.length ? ', …' : '');
  return [
    ...shown.map((c) => quoteCommand(c)),
    '',
    pick(lang, {
      ko: `${names}은(는) 알 수 없는 명령입니다. 사용할 수 있는 명령:`,
      en: `${names} ${commands.length === 1 ? 'is not a command' : 'are not commands'} I know. Commands you can use:`,
    }),
    '',
    list,
  ].join('\n');
}

/** The commands a comment had past the first five, named as written (each in a code span, inert: shownName). */
export function notRunReply(notRun: readonly SlashCommand[], ran: number, lang: Language): string {
  const names = notRun.slice(0, MAX_COMMANDS_PER_COMMENT).map((c) => shownName(c.raw.trim(), { max: 80 })).join(', ') + (notRun.length > MAX_COMMANDS_PER_COMMENT ? ', …' : '');
  return pick(lang, {
    ko: `한 댓글에서는 명령을 ${ran}개까지만 실행합니다 — 실행하지 않은 명령: ${names}. 필요하면 따로 댓글로 남겨 주세요`,
    en: `one comment runs at most ${ran} command${ran === 1 ? '' : 's'}; not run: ${names}. Comment them separately if you need them`,
  });
}
