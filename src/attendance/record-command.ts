import type { CommandContext, Reaction } from '../commands/dispatch.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import type { StudyConfig } from '../config/schema.js';
import { readLastValidConfig } from '../github/report-config.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import type { RefreshItem } from './refresh-report.js';
import { reportService } from './report-service.js';

/**
 * The config a command is decided with. The dispatcher falls back to the defaults when
 * `.github/study.yml` is broken, and the defaults have no roster, so every check-in would
 * be refused as "not a member" because someone pushed a typo. An empty roster is the sign:
 * then the last valid config is read (see `readLastValidConfig`).
 */
export async function commandConfig(ctx: CommandContext): Promise<StudyConfig> {
  // An approved config is the one in effect, whatever the file says now.
  if (ctx.config.members.length > 0 || (ctx.configStanding && ctx.configStanding.state !== 'unapproved')) return ctx.config;
  return (await readLastValidConfig(ctx.octokit, ctx.repo)).config;
}

/**
 * An accepted command's acknowledgement means "recorded": the ledger is written first (in
 * the background, after the webhook is answered, retried with a bounded backoff), and the
 * reaction comes only after the write succeeded. When every attempt fails, one reply says
 * the command could not be recorded, that it is not the member's fault, and to try again.
 */
export function recordThenAcknowledge(
  ctx: CommandContext,
  command: SlashCommand,
  items: RefreshItem[],
  reaction: Reaction,
  failure: Bilingual,
  lang = ctx.lang,
): void {
  ctx.deps.background(async () => {
    try {
      await reportService(ctx.deps).refreshDurably(ctx.octokit, ctx.repo, items);
    } catch (error) {
      ctx.log.error({ err: error, repo: `${ctx.repo.owner}/${ctx.repo.repo}`, command: command.raw }, 'attendance: could not record a command');
      try {
        await ctx.reply(`> ${command.raw}\n\n${pick(lang, failure)}`);
      } catch (replyError) {
        ctx.log.error({ err: replyError }, 'attendance: could not reply that a command was not recorded');
      }
      return;
    }
    try {
      await ctx.react(reaction);
    } catch (error) {
      // Recorded all the same; the report comment shows it.
      ctx.log.warn({ err: error }, 'attendance: recorded, but the reaction failed');
    }
  });
}

export const NOT_RECORDED = {
  checkIn: {
    ko: '⚠️ 출석을 **기록하지 못했습니다**. GitHub에 기록을 저장하는 중 봇 쪽에 문제가 생겼습니다 (회원님의 잘못이 아닙니다). 잠시 뒤 같은 명령을 다시 남겨 주세요. 출석 시간이 이미 끝났다면 운영진에게 알려 주세요 (`/attendance`로 기록할 수 있습니다).',
    en: '⚠️ Your check-in was **not recorded**: the bot could not save it on GitHub (this is not your mistake). Please comment the same command again in a moment. If the check-in window has closed by then, tell an organizer (they can record it with `/attendance`).',
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
