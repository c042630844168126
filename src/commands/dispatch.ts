import type { Context, Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { Language, StudyConfig } from '../config/schema.js';
import { postCommentOnce } from '../github/marker-comment.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import type { ConfigStanding } from '../config/approval.js';
import { configStanding as standingOf } from '../config/config-standing.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { parseCommands, type SlashCommand } from './parse-commands.js';

export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

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

/**
 * One listener for comment commands. Only `created` counts (an edit could rewrite history),
 * bots are ignored (the app's own comments included), and commands inside code or quotes
 * never reach a handler (parseCommands drops them).
 */
export function registerCommandDispatch(app: Probot, deps: AppDeps, registry: readonly CommandHandler[]): void {
  const onComment = async (context: CommentEvent) => {
    const { comment } = context.payload;
    if (!comment.user || comment.user.type === 'Bot' || comment.user.login.endsWith('[bot]')) return;
    const commands = parseCommands(comment.body);
    if (commands.length === 0) return;
    const repo = { owner: context.payload.repository.owner.login, repo: context.payload.repository.name };
    // The approved config (a member's unapproved edit is not in effect), with what the file proposes.
    const configStanding = await standingOf(deps, context.octokit, repo);
    const config = configStanding.config;
    const lang = config.language;
    const source: CommandContext['source'] =
      'issue' in context.payload
        ? { kind: 'issue', issueNumber: context.payload.issue.number }
        : { kind: 'commit', sha: context.payload.comment.commit_id };
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
      react: async (content) => {
        if (source.kind === 'issue') {
          await context.octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content });
        } else {
          await context.octokit.rest.reactions.createForCommitComment({ ...repo, comment_id: comment.id, content });
        }
      },
      // Posted at most once even when GitHub fails the request after storing the comment.
      reply: (body) => postCommentOnce(context.octokit, repo, source, body),
    };
    for (const command of commands) {
      const handler = registry.find((h) => h.names.includes(command.name));
      if (handler) {
        await handler.handle(ctx, command);
      } else {
        await ctx.reply(unknownCommandReply(command, registry, lang));
      }
    }
  };
  app.on('issue_comment.created', onComment);
  app.on('commit_comment.created', onComment);
}

export function unknownCommandReply(command: SlashCommand, registry: readonly CommandHandler[], lang: Language): string {
  const list = registry.map((h) => `- \`/${h.names[0]}\` — ${pick(lang, h.usage)}`).join('\n');
  return [
    `> ${command.raw}`,
    '',
    pick(lang, {
      ko: `\`/${command.name}\`은(는) 알 수 없는 명령입니다. 사용할 수 있는 명령:`,
      en: `\`/${command.name}\` is not a command I know. Commands you can use:`,
    }),
    '',
    list,
  ].join('\n');
}
