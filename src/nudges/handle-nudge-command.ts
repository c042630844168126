import type { CommandHandler } from '../commands/dispatch.js';
import { commandConfig, recordThenAcknowledge } from '../attendance/record-command.js';
import { pick } from '../i18n/pick.js';
import { memberByLogin } from '../paths/study-paths.js';
import { nudgePreference } from './nudge-command.js';
import { quoteCommand } from '../commands/quote-command.js';

export const nudgeUsage = {
  ko: '`/nudge off` — 마감 전 알림 받지 않기 (`/nudge on`: 다시 받기, `/알림 끄기`·`/알림 켜기`도 됩니다)',
  en: '`/nudge off` — no more reminders before deadlines (`/nudge on` to get them again)',
};

/**
 * `/nudge off` and `/nudge on` (`/알림 끄기`, `/알림 켜기`): a member's own reminders. Written
 * into the report's signed ledger (never a file of the repository); the 👍 means recorded.
 */
export const nudgeHandler: CommandHandler = {
  names: ['nudge', '알림'],
  usage: nudgeUsage,
  async handle(ctx, command) {
    const off = nudgePreference(command.args);
    if (off === null) {
      await ctx.reply(`${quoteCommand(command)}\n\n${pick(ctx.lang, { ko: '`off` 또는 `on`을 적어 주세요.', en: 'Say `off` or `on`.' })}\n\n${pick(ctx.lang, { ko: '사용법', en: 'Usage' })}: ${pick(ctx.lang, nudgeUsage)}`);
      return;
    }
    const config = await commandConfig(ctx);
    const member = memberByLogin(ctx.author.login, config);
    if (!member) {
      await ctx.reply(
        `${quoteCommand(command)}\n\n${pick(config.language, {
          ko: `@${ctx.author.login}님은 스터디 명단(\`.github/study.yml\`의 \`members\`)에 없어 알림을 받지 않습니다.`,
          en: `@${ctx.author.login} is not on the roster (\`members\` in \`.github/study.yml\`), so gets no reminders.`,
        })}`,
      );
      return;
    }
    recordThenAcknowledge(
      ctx,
      command,
      [{ kind: 'change', change: { kind: 'nudge-pref', login: member.login, off, at: ctx.createdAt.getTime() } }],
      '+1',
      {
        ko: '⚠️ 알림 설정을 **저장하지 못했습니다**. GitHub에 기록하는 중 봇 쪽에 문제가 생겼습니다. 잠시 뒤 같은 명령을 다시 남겨 주세요.',
        en: '⚠️ Your reminder setting was **not saved**: the bot could not write it on GitHub. Please comment the same command again in a moment.',
      },
      config.language,
    );
  },
};
