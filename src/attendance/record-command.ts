import type { CommandContext, Reaction } from '../commands/dispatch.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import type { ConfigStanding } from '../config/approval.js';
import type { StudyConfig } from '../config/schema.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { readLastValidConfig } from '../github/report-config.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { systemTimer } from '../app/deps.js';
import { attendanceOptions } from './attendance-options.js';
import { ReportLedgerError, type RefreshItem } from './refresh-report.js';
import { reportService } from './report-service.js';
import { quoteCommand } from '../commands/quote-command.js';

/**
 * The config a command is decided with. The dispatcher falls back to the defaults when
 * `.github/study.yml` is broken, and the defaults have no roster, so every check-in would
 * be refused as "not a member" because someone pushed a typo. An empty roster is the sign:
 * then the last valid config is read (see `readLastValidConfig`).
 */
export const commandConfig = (ctx: CommandContext): Promise<StudyConfig> => configInEffect(ctx.config, ctx.configStanding, ctx.octokit, ctx.repo);

/** `commandConfig` from its parts (the recovery pass reads old commands with it too). */
export async function configInEffect(config: StudyConfig, standing: ConfigStanding | undefined, octokit: Octokit, repo: RepoRef): Promise<StudyConfig> {
  // An approved config is the one in effect, whatever the file says now.
  if (config.members.length > 0 || (standing && standing.state !== 'unapproved')) return config;
  return (await readLastValidConfig(octokit, repo)).config;
}

/**
 * An accepted command's acknowledgement means "recorded": the ledger is written first (in
 * the background, after the webhook is answered, retried with a bounded backoff), and the
 * reaction comes only after the write succeeded. When every attempt fails, one reply says
 * the command could not be recorded and that it is not the member's fault. A check-in
 * (`followUp`) is then tried again for a while and acknowledged when it lands; its comment
 * is the record, so a restart meanwhile loses nothing (reconcile-check-ins.ts).
 */
export function recordThenAcknowledge(
  ctx: CommandContext,
  command: SlashCommand,
  items: RefreshItem[],
  reaction: Reaction,
  failure: Bilingual,
  lang = ctx.lang,
  followUp = false,
): void {
  ctx.deps.background(async () => {
    const service = reportService(ctx.deps);
    try {
      await service.refreshDurably(ctx.octokit, ctx.repo, items);
    } catch (error) {
      ctx.log.error({ err: error, repo: `${ctx.repo.owner}/${ctx.repo.repo}`, command: command.raw }, 'attendance: could not record a command');
      try {
        await ctx.reply(`${quoteCommand(command)}\n\n${pick(lang, failure)}`);
      } catch (replyError) {
        ctx.log.error({ err: replyError }, 'attendance: could not reply that a command was not recorded');
      }
      if (!followUp || error instanceof ReportLedgerError || !(await recordLater(ctx, items))) return;
    }
    try {
      await ctx.react(reaction);
    } catch (error) {
      // Recorded all the same; the report comment shows it.
      ctx.log.warn({ err: error }, 'attendance: recorded, but the reaction failed');
    }
  });
}

/** Later attempts of a check-in that failed (`followUpDelaysMs`); true once it is recorded. */
async function recordLater(ctx: CommandContext, items: RefreshItem[]): Promise<boolean> {
  const timer = ctx.deps.timer ?? systemTimer;
  for (const delay of attendanceOptions(ctx.deps).followUpDelaysMs) {
    await new Promise<void>((resolve) => void timer.schedule(delay, resolve));
    try {
      await reportService(ctx.deps).refresh(ctx.octokit, ctx.repo, items);
      ctx.log.info({ repo: `${ctx.repo.owner}/${ctx.repo.repo}` }, 'attendance: a check-in that had failed is recorded now');
      return true;
    } catch (error) {
      if (error instanceof ReportLedgerError) return false;
    }
  }
  return false;
}

export const NOT_RECORDED = {
  checkIn: {
    ko: '⚠️ 출석을 **아직 기록하지 못했습니다**. GitHub에 기록을 저장하는 중 봇 쪽에 문제가 생겼습니다 (회원님의 잘못이 아닙니다). 이 댓글이 출석의 기록이 되어, 봇이 한 시간 동안 몇 분마다 다시 저장해 보고 그 사이 다시 시작되어도 이어서 기록합니다. 기록되면 이 댓글에 반응이 달립니다. 한 시간이 지나도 반응이 없으면 운영진에게 알려 주세요 (`/attendance`로 기록할 수 있습니다).',
    en: '⚠️ Your check-in is **not recorded yet**: the bot could not save it on GitHub (this is not your mistake). Your comment stays the record: the bot tries again every few minutes for an hour, also across a restart, and reacts to your comment once it is recorded. If no reaction appears within the hour, tell an organizer (they can record it with `/attendance`).',
  },
  organizer: {
    ko: '⚠️ 출석부를 **고치지 못했습니다**. GitHub에 기록을 저장하는 중 봇 쪽에 문제가 생겼습니다. 잠시 뒤 같은 명령을 다시 남겨 주세요.',
    en: '⚠️ The attendance was **not changed**: the bot could not save it on GitHub. Please comment the same command again in a moment.',
  },
  report: {
    ko: '⚠️ 현황을 **갱신하지 못했습니다**. GitHub에 쓰는 중 봇 쪽에 문제가 생겼습니다. 잠시 뒤 `/report`를 다시 남겨 주세요.',
    en: '⚠️ The report was **not refreshed**: the bot could not write it on GitHub. Please comment `/report` again in a moment.',
  },
} satisfies Record<string, Bilingual>;
