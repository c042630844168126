import type { CommandContext, CommandHandler } from '../commands/dispatch.js';
import { isOrganizerRole, repoRole } from '../github/permissions.js';
import { pick } from '../i18n/pick.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import { attendanceUsage, decideAttendanceCommand, reportUsage } from './organizer-commands.js';
import { commandConfig, NOT_RECORDED, recordThenAcknowledge } from './record-command.js';
import { buildSchedule } from './schedule.js';
import { quoteCommand } from '../commands/quote-command.js';

/** Organizer rights come from the repository role (admin, maintain), never from files. */
async function refuseUnlessOrganizer(ctx: CommandContext, command: SlashCommand): Promise<boolean> {
  if (isOrganizerRole(await repoRole(ctx.octokit, ctx.repo, ctx.author.login))) return false;
  await ctx.reply(
    `${quoteCommand(command)}\n\n${pick(ctx.lang, {
      ko: `\`/${command.name}\`은(는) 운영진(저장소 admin·maintain 권한)만 쓸 수 있습니다. 아무것도 바꾸지 않았습니다.`,
      en: `\`/${command.name}\` is for organizers (admin or maintain on this repository). Nothing was changed.`,
    })}`,
  );
  return true;
}

export const attendanceHandler: CommandHandler = {
  names: ['attendance', '출석부'],
  usage: attendanceUsage,
  async handle(ctx, command) {
    if (await refuseUnlessOrganizer(ctx, command)) return;
    const config = await commandConfig(ctx);
    const decision = decideAttendanceCommand({
      config,
      schedule: buildSchedule(config),
      lang: config.language,
      organizer: ctx.author.login,
      at: ctx.createdAt,
      args: command.args,
    });
    if (!decision.ok) {
      await ctx.reply(`${quoteCommand(command)}\n\n${decision.message}`);
      return;
    }
    recordThenAcknowledge(
      ctx,
      command,
      decision.marks.map((mark) => ({ kind: 'change', change: { kind: 'mark', mark } })),
      '+1',
      NOT_RECORDED.organizer,
      config.language,
    );
  },
};

export const reportHandler: CommandHandler = {
  names: ['report', '현황'],
  usage: reportUsage,
  async handle(ctx, command) {
    if (await refuseUnlessOrganizer(ctx, command)) return;
    recordThenAcknowledge(ctx, command, [{ kind: 'refresh' }], 'eyes', NOT_RECORDED.report);
  },
};
