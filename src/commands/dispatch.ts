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
import { OutsiderBudget } from './outsider-budget.js';
import { quoteCommand } from './quote-command.js';

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
  /** a reply on the same issue or commit; returns the new comment's id */
  reply(body: string): Promise<number>;
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
 * everything the bot has to say about one comment goes into one reply.
 */
export function registerCommandDispatch(app: Probot, deps: AppDeps, registry: readonly CommandHandler[]): void {
  const handlerOf = (command: SlashCommand) => registry.find((h) => h.names.includes(command.name));
  const outsiders = new OutsiderBudget(() => deps.clock.now().getTime());
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
      reply: oneReply(context, repo, source),
    };
    try {
      for (const command of run) await handlerOf(command)!.handle(ctx, command);
      if (insider && unknown.length > 0) await ctx.reply(unknownCommandReply(unknown, registry, lang));
      if (insider && notRun.length > 0) await ctx.reply(notRunReply(notRun, run.length, lang));
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

/**
 * At most one reply per comment: the first reply creates it, later ones (another command's
 * refusal, a failed record retried in the background) are appended to it by an edit. Calls
 * are chained so two handlers never both create one.
 */
function oneReply(context: CommentEvent, repo: RepoRef, source: CommandContext['source']): CommandContext['reply'] {
  let sent: { id: number; body: string } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const write = async (body: string): Promise<number> => {
    if (sent) {
      sent = { id: sent.id, body: `${sent.body}\n\n---\n\n${body}` };
      if (source.kind === 'issue') await context.octokit.rest.issues.updateComment({ ...repo, comment_id: sent.id, body: sent.body });
      else await context.octokit.rest.repos.updateCommitComment({ ...repo, comment_id: sent.id, body: sent.body });
      return sent.id;
    }
    // Posted at most once even when GitHub fails the request after storing the comment.
    const id = await postCommentOnce(context.octokit, repo, source, body);
    sent = { id, body };
    return id;
  };
  return (body) => {
    const result = queue.then(() => write(body));
    queue = result.catch(() => {});
    return result;
  };
}

export function unknownCommandReply(commands: readonly SlashCommand[], registry: readonly CommandHandler[], lang: Language): string {
  const list = registry.map((h) => `- \`/${h.names[0]}\` — ${pick(lang, h.usage)}`).join('\n');
  const shown = commands.slice(0, MAX_COMMANDS_PER_COMMENT);
  const names = shown.map((c) => `\`/${c.name}\``).join(', ') + (commands.length > shown.length ? ', …' : '');
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

function notRunReply(notRun: readonly SlashCommand[], ran: number, lang: Language): string {
  const names = notRun.slice(0, MAX_COMMANDS_PER_COMMENT).map((c) => `\`${c.raw.slice(0, 80)}\``).join(', ') + (notRun.length > MAX_COMMANDS_PER_COMMENT ? ', …' : '');
  return pick(lang, {
    ko: `한 댓글에서는 명령을 ${ran}개까지만 실행합니다 — 실행하지 않은 명령: ${names}. 필요하면 따로 댓글로 남겨 주세요`,
    en: `one comment runs at most ${ran} command${ran === 1 ? '' : 's'}; not run: ${names}. Comment them separately if you need them`,
  });
}
